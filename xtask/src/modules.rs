//! No circles between the modules of a crate: every file's references to other modules of its crate
//! (`crate::a::b`, `super::c`) are read from its text, and the graph of files they make must have no cycle
//! (a cycle means a change to one file reaches back to itself, and no file of it can be read alone).
//! A reference from a module to one of its own descendants (a parent using its child) is an edge like any
//! other; a child's `use super::*` of its parent is too — both directions make the cycle this forbids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate's modules: module path (`["api", "body"]`) → the file's text, without its test-only modules (a test
/// may use anything): `#[cfg(test)] mod … { }` blocks cut from the text, and the files of `#[cfg(test)] mod …;`
/// declarations left out.
pub fn modules_of(src: &Path) -> BTreeMap<Vec<String>, String> {
    let mut files = Vec::new();
    collect(src, &mut files);
    // A binary's `main.rs` beside a library is a crate of its own: it may use the library freely. Without a
    // library it is the crate's root.
    let has_library = src.join("lib.rs").is_file();
    let mut modules = BTreeMap::new();
    let mut test_only = Vec::new();
    for file in files {
        let Ok(relative) = file.strip_prefix(src) else { continue };
        let mut path: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
        let Some(last) = path.pop() else { continue };
        let stem = last.trim_end_matches(".rs").to_owned();
        if stem == "main" && path.is_empty() && has_library {
            continue;
        }
        if !matches!(stem.as_str(), "lib" | "mod" | "main") || (!path.is_empty() && stem == "main") {
            path.push(stem);
        }
        // Unit-test files are leaves that may read their parent.
        if path.last().is_some_and(|name| name == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        let (kept, declared) = without_test_modules(&text);
        test_only.extend(declared.into_iter().map(|name| [path.clone(), vec![name]].concat()));
        modules.insert(path, kept);
    }
    modules.retain(|module, _| !test_only.iter().any(|t| module.starts_with(t)));
    modules
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Whether a `cfg(…)` predicate holds only in test builds: `test`, or `all(…)` with such an argument, or
/// `any(…)` whose every argument is such (`any(test, feature = "x")` is not: it holds without `test`).
fn test_only_predicate(predicate: &str) -> bool {
    let predicate = predicate.trim();
    let arguments = |inner: &str| {
        let mut parts = Vec::new();
        let (mut depth, mut start) = (0usize, 0);
        for (i, c) in inner.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                ',' if depth == 0 => {
                    parts.push(inner[start..i].to_owned());
                    start = i + 1;
                }
                _ => {}
            }
        }
        parts.push(inner[start..].to_owned());
        parts.into_iter().filter(|p| !p.trim().is_empty()).collect::<Vec<_>>()
    };
    if predicate == "test" {
        return true;
    }
    for (combinator, every) in [("all(", false), ("any(", true)] {
        if let Some(inner) = predicate.strip_prefix(combinator).and_then(|rest| rest.strip_suffix(')')) {
            let parts = arguments(inner);
            return if every {
                !parts.is_empty() && parts.iter().all(|p| test_only_predicate(p))
            } else {
                parts.iter().any(|p| test_only_predicate(p))
            };
        }
    }
    false
}

/// The text with every test-only module cut out: `#[cfg(…)]` whose predicate holds only in tests (see
/// `test_only_predicate`) on a `mod … { … }` block; and the names of test-only modules declared without a
/// body (`#[cfg(test)] mod tests;`: their files are left out, and the next item stays).
fn without_test_modules(text: &str) -> (String, Vec<String>) {
    let mut out = String::with_capacity(text.len());
    let mut declared = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        // The attribute's end: the `]` closing its brackets.
        let mut depth = 0usize;
        let mut attribute_end = after.len();
        for (i, c) in after.char_indices() {
            match c {
                '[' | '(' => depth += 1,
                ']' | ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 && c == ']' {
                        attribute_end = i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        let attribute = &after[..attribute_end];
        let predicate = attribute.strip_prefix("#[cfg(").and_then(|p| p.strip_suffix(")]")).unwrap_or_default();
        let item = &after[attribute_end..];
        // The item the attribute is on: up to its body's `{`, or its `;` when it has none.
        let head_end = item.find(['{', ';']).unwrap_or(item.len());
        let head = &item[..head_end];
        let is_module = head.split_whitespace().any(|word| word == "mod");
        if !test_only_predicate(predicate) || !is_module {
            out.push_str(attribute);
            rest = item;
            continue;
        }
        if item[head_end..].starts_with(';') {
            // `mod name;`: its file is test-only; nothing of the text goes.
            if let Some(name) = head.split_whitespace().skip_while(|word| *word != "mod").nth(1) {
                declared.push(name.to_owned());
            }
            rest = &item[head_end + 1..];
            continue;
        }
        let mut depth = 0usize;
        let mut end = item.len();
        for (i, c) in item[head_end..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = head_end + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &item[end..];
    }
    out.push_str(rest);
    (out, declared)
}

/// The paths a use-tree (or a path in code) names, from just after its first segment's `::`: `a::b`,
/// `{a::{b, c}, d}`, `a::*`, each as its segments (`self` inside braces names the path itself).
fn use_tree_paths(text: &str) -> Vec<Vec<String>> {
    fn tree(text: &str, at: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
        let skip_space = |at: &mut usize| {
            while text[*at..].starts_with(char::is_whitespace) {
                *at += text[*at..].chars().next().map_or(1, char::len_utf8);
            }
        };
        skip_space(at);
        if text[*at..].starts_with('{') {
            *at += 1;
            loop {
                skip_space(at);
                if *at >= text.len() {
                    return;
                }
                if text[*at..].starts_with('}') {
                    *at += 1;
                    return;
                }
                tree(text, at, prefix.clone(), out);
                skip_space(at);
                // `x as y`: the alias is not a path.
                if text[*at..].starts_with("as ") {
                    *at += 3;
                    skip_space(at);
                    while text[*at..].starts_with(|c: char| c.is_alphanumeric() || c == '_') {
                        *at += 1;
                    }
                    skip_space(at);
                }
                if text[*at..].starts_with(',') {
                    *at += 1;
                } else {
                    skip_space(at);
                    if text[*at..].starts_with('}') {
                        *at += 1;
                    }
                    return;
                }
            }
        }
        let name: String = text[*at..].chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        *at += name.len();
        if name.is_empty() {
            // `*`, or the end of what names a path.
            if text[*at..].starts_with('*') {
                *at += 1;
            }
            out.push(prefix);
            return;
        }
        let mut path = prefix;
        if name != "self" {
            path.push(name);
        }
        if text[*at..].starts_with("::") {
            *at += 2;
            tree(text, at, path, out);
        } else {
            out.push(path);
        }
    }
    let mut out = Vec::new();
    tree(text, &mut 0, Vec::new(), &mut out);
    out
}

/// The modules a file refers to: the longest known module path each `crate::…`, `super::…` or `self::…`
/// reference names (every path of a use-tree).
fn references(module: &[String], text: &str, known: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let code: String = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    let parent = module[..module.len().saturating_sub(1)].to_vec();
    for (prefix, base) in [("crate::", Vec::new()), ("super::", parent), ("self::", module.to_vec())] {
        let mut from = 0;
        while let Some(at) = code[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            // An identifier ending in `crate`/`self` (or `Self::`, `my_self::`) is not a path start; nor is the
            // `super::` of `self::super::` or `super::super::`, read with the path it continues.
            if code[..start].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            for path in use_tree_paths(&code[from..]) {
                let mut full = base.clone();
                for segment in path {
                    if segment == "super" {
                        full.pop();
                    } else {
                        full.push(segment);
                    }
                }
                // The longest known module the path names; else the module it starts from (an item of the
                // crate root, `crate::AppState`, too).
                let target =
                    (0..=full.len()).rev().map(|n| full[..n].to_vec()).find(|candidate| known.contains(candidate));
                if let Some(target) = target.filter(|target| target != module) {
                    found.insert(target);
                }
            }
        }
    }
    // Paths that start with a child module's name (`api::health`, `use route::Route;`, `pub use demo::x;`).
    for child in known.iter().filter(|k| k.len() == module.len() + 1 && k.starts_with(module)) {
        let Some(name) = child.last() else { continue };
        let needle = format!("{name}::");
        let mut from = 0;
        while let Some(at) = code[from..].find(&needle) {
            let start = from + at;
            from = start + needle.len();
            let before = code[..start].chars().last();
            if before.is_some_and(|c| c.is_alphanumeric() || c == '_' || c == ':') {
                continue;
            }
            found.insert(child.clone());
        }
    }
    found
}

/// The graph of a crate's modules: each module and the modules it refers to.
fn graph(src: &Path) -> BTreeMap<Vec<String>, BTreeSet<Vec<String>>> {
    let modules = modules_of(src);
    let known: BTreeSet<Vec<String>> = modules.keys().cloned().collect();
    modules.iter().map(|(module, text)| (module.clone(), references(module, text, &known))).collect()
}

/// Every module `from` reaches through its references (itself included).
pub fn reached(src: &Path, from: &[String]) -> BTreeSet<Vec<String>> {
    let edges = graph(src);
    let mut reached = BTreeSet::new();
    let mut waiting = vec![from.to_vec()];
    while let Some(module) = waiting.pop() {
        if reached.insert(module.clone()) {
            waiting.extend(edges.get(&module).into_iter().flatten().cloned());
        }
    }
    reached
}

/// The cycles among a crate's modules, each as the modules in it (`api::body → api::commitments → …`).
pub fn cycles(src: &Path) -> Vec<Vec<String>> {
    let edges = graph(src);
    // Tarjan's strongly connected components; each with more than one module is a cycle.
    struct State<'a> {
        edges: &'a BTreeMap<Vec<String>, BTreeSet<Vec<String>>>,
        index: BTreeMap<&'a Vec<String>, usize>,
        low: BTreeMap<&'a Vec<String>, usize>,
        stack: Vec<&'a Vec<String>>,
        on_stack: BTreeSet<&'a Vec<String>>,
        next: usize,
        found: Vec<Vec<String>>,
    }
    fn visit<'a>(state: &mut State<'a>, node: &'a Vec<String>) {
        state.index.insert(node, state.next);
        state.low.insert(node, state.next);
        state.next += 1;
        state.stack.push(node);
        state.on_stack.insert(node);
        if let Some(targets) = state.edges.get(node) {
            for target in targets {
                let Some((target, _)) = state.edges.get_key_value(target) else { continue };
                if !state.index.contains_key(target) {
                    visit(state, target);
                    let low = state.low[node].min(state.low[target]);
                    state.low.insert(node, low);
                } else if state.on_stack.contains(target) {
                    let low = state.low[node].min(state.index[target]);
                    state.low.insert(node, low);
                }
            }
        }
        if state.low[node] == state.index[node] {
            let mut component = Vec::new();
            while let Some(top) = state.stack.pop() {
                state.on_stack.remove(top);
                component.push(if top.is_empty() { "(root)".to_owned() } else { top.join("::") });
                if top == node {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort();
                state.found.push(component);
            }
        }
    }
    let mut state = State {
        edges: &edges,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        found: Vec::new(),
    };
    for node in edges.keys() {
        if !state.index.contains_key(node) {
            visit(&mut state, node);
        }
    }
    state.found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_ring_of_files_is_found() {
        let dir = std::env::temp_dir().join(format!("xinnuo-modules-{}", std::process::id()));
        std::fs::create_dir_all(dir.join("api")).unwrap();
        std::fs::write(dir.join("lib.rs"), "pub mod api;\npub mod db;\npub mod sql;").unwrap();
        std::fs::write(dir.join("api/mod.rs"), "pub mod a;\npub mod b;").unwrap();
        std::fs::write(dir.join("api/a.rs"), "use super::b::thing;").unwrap();
        std::fs::write(dir.join("api/b.rs"), "use super::a::other;\n#[cfg(test)]\nmod tests { use crate::db::x; }")
            .unwrap();
        std::fs::write(dir.join("db.rs"), "use crate::sql::Sql;").unwrap();
        std::fs::write(dir.join("sql.rs"), "// crate::db::Db is not read from comments\npub struct Sql;").unwrap();
        assert_eq!(cycles(&dir), vec![vec!["api::a".to_owned(), "api::b".to_owned()]]);
        std::fs::write(dir.join("api/b.rs"), "pub fn other() {}").unwrap();
        assert!(cycles(&dir).is_empty());
        // A module of tests for one target only is a test module too; a module for another target is not.
        std::fs::write(dir.join("sql.rs"), "#[cfg(all(test, target_arch = \"wasm32\"))]\nmod t { use crate::db::Db; }")
            .unwrap();
        assert!(cycles(&dir).is_empty());
        std::fs::write(dir.join("sql.rs"), "#[cfg(target_arch = \"wasm32\")]\nmod t { use crate::db::Db; }").unwrap();
        assert_eq!(cycles(&dir), vec![vec!["db".to_owned(), "sql".to_owned()]]);
        std::fs::write(dir.join("sql.rs"), "pub struct Sql;").unwrap();
        // The root's own items count: the root uses a module that uses the root's state.
        std::fs::write(dir.join("lib.rs"), "pub mod api;\npub mod db;\npub mod sql;\npub struct State(db::Db);")
            .unwrap();
        std::fs::write(dir.join("db.rs"), "use crate::State;\nuse crate::sql::Sql;").unwrap();
        assert_eq!(cycles(&dir), vec![vec!["(root)".to_owned(), "db".to_owned()]]);
        // A binary's main.rs may use the library.
        std::fs::write(dir.join("db.rs"), "use crate::sql::Sql;").unwrap();
        std::fs::write(dir.join("main.rs"), "use crate::db::Db;\nfn main() {}").unwrap();
        assert!(cycles(&dir).is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A crate of files written here (`files`: path → text), its cycles, the directory removed after.
    fn cycles_of(name: &str, files: &[(&str, &str)]) -> Vec<Vec<String>> {
        let dir = std::env::temp_dir().join(format!("xinnuo-modules-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        for (path, text) in files {
            let file = dir.join(path);
            std::fs::create_dir_all(file.parent().unwrap()).unwrap();
            std::fs::write(file, text).unwrap();
        }
        let found = cycles(&dir);
        std::fs::remove_dir_all(&dir).unwrap();
        found
    }

    fn ring(a: &str, b: &str) -> Vec<Vec<String>> {
        vec![vec![a.to_owned(), b.to_owned()]]
    }

    /// `#[cfg(test)] mod tests;` (no body) leaves out its file and nothing else: the next item's references
    /// still count.
    #[test]
    fn a_test_module_declared_without_a_body_swallows_nothing() {
        let files = [
            ("lib.rs", "mod a;\nmod b;"),
            ("a.rs", "#[cfg(test)]\nmod helpers;\n\npub fn f() { crate::b::g() }\n"),
            ("a/helpers.rs", "use crate::b::*;"),
            ("b.rs", "pub fn g() { crate::a::f() }"),
        ];
        assert_eq!(cycles_of("declared", &files), ring("a", "b"));
        // Its file is a test's: it may use anything.
        let files = [
            ("lib.rs", "mod a;\nmod b;"),
            ("a.rs", "#[cfg(test)]\nmod helpers;"),
            ("a/helpers.rs", "use crate::b::*;"),
            ("b.rs", "use crate::a::x;"),
        ];
        assert!(cycles_of("declared-file", &files).is_empty());
    }

    /// Only a predicate that holds in tests alone makes a module test-only: `any(test, …)` holds without.
    #[test]
    fn only_test_only_predicates_make_test_modules() {
        for (predicate, test_only) in [
            ("test", true),
            ("all(test, target_arch = \"wasm32\")", true),
            ("all(feature = \"x\", test)", true),
            ("any(test, feature = \"x\")", false),
            ("any(test, all(test, unix))", true),
            ("not(test)", false),
            ("feature = \"test\"", false),
        ] {
            assert_eq!(test_only_predicate(predicate), test_only, "{predicate}");
        }
        let files = [
            ("lib.rs", "mod a;\nmod b;"),
            ("a.rs", "#[cfg(any(test, feature = \"bench\"))]\nmod x { use crate::b::y; }"),
            ("b.rs", "use crate::a::z;"),
        ];
        assert_eq!(cycles_of("any", &files), ring("a", "b"));
    }

    /// `self::child::…` names the child; nested braces keep every name (`crate::{a::{b}, c}` reaches `c`).
    #[test]
    fn self_paths_and_nested_braces_are_read() {
        let files = [
            ("lib.rs", "mod a;\nmod b;\nmod c;"),
            ("a.rs", "pub mod d;"),
            ("a/d.rs", "use crate::a::e;"),
            ("b.rs", ""),
            ("c.rs", ""),
        ];
        let mut files = files.to_vec();
        files[1] = ("a.rs", "pub mod d;\npub fn e() { self::d::f() }");
        assert_eq!(cycles_of("self", &files), ring("a", "a::d"));
        let files = [
            ("lib.rs", "mod a;\nmod b;\nmod c;"),
            ("a.rs", "use crate::{b::{x, y}, c};"),
            ("b.rs", ""),
            ("c.rs", "use crate::a::q;"),
        ];
        assert_eq!(cycles_of("nested", &files), ring("a", "c"));
        let paths = use_tree_paths("{a::{b, c as d}, e, f::*, self}; rest");
        let names: Vec<String> = paths.iter().map(|p| p.join("::")).collect();
        assert_eq!(names, ["a::b", "a::c", "e", "f", ""]);
    }

    /// A binary without a library: its `main.rs` is the crate's root, and its modules' references to it count.
    #[test]
    fn a_binarys_main_is_its_root_without_a_library() {
        let files =
            [("main.rs", "mod a;\nfn main() { a::go() }\npub fn root() {}"), ("a.rs", "pub fn go() { crate::root() }")];
        assert_eq!(cycles_of("binary", &files), ring("(root)", "a"));
    }

    /// The workspace's crates and xtask, as they are.
    #[test]
    fn no_crate_has_a_circle_of_modules() {
        let root = crate::workspace::root();
        let crates = root.join("crates");
        let mut names: Vec<String> = std::fs::read_dir(&crates)
            .unwrap()
            .flatten()
            .filter(|entry| entry.path().join("src").is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(names.len() >= 7, "crates found: {names:?}");
        let mut sources: Vec<(String, PathBuf)> =
            names.into_iter().map(|name| (name.clone(), crates.join(&name).join("src"))).collect();
        sources.push(("xtask".to_owned(), root.join("xtask/src")));
        let mut found = Vec::new();
        for (name, src) in sources {
            for cycle in cycles(&src) {
                found.push(format!("{name}: {}", cycle.join(" ↔ ")));
            }
        }
        assert!(found.is_empty(), "modules in a circle:\n{}", found.join("\n"));
    }
}
