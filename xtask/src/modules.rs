//! No circles between the modules of a crate: every file's references to other modules of its crate
//! (`crate::a::b`, `super::c`) are read from its text, and the graph of files they make must have no cycle
//! (a cycle means a change to one file reaches back to itself, and no file of it can be read alone).
//! A reference from a module to one of its own descendants (a parent using its child) is an edge like any
//! other; a child's `use super::*` of its parent is too — both directions make the cycle this forbids.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A crate's modules: module path (`["api", "body"]`) → the file's text, without its `#[cfg(test)] mod … { }`
/// blocks (a test may use anything).
pub fn modules_of(src: &Path) -> BTreeMap<Vec<String>, String> {
    let mut files = Vec::new();
    collect(src, &mut files);
    let mut modules = BTreeMap::new();
    for file in files {
        let Ok(relative) = file.strip_prefix(src) else { continue };
        let mut path: Vec<String> = relative.iter().map(|part| part.to_string_lossy().into_owned()).collect();
        let Some(last) = path.pop() else { continue };
        let stem = last.trim_end_matches(".rs").to_owned();
        // A binary's `main.rs` is a crate of its own beside the library: it may use the library freely.
        if stem == "main" && path.is_empty() {
            continue;
        }
        if !matches!(stem.as_str(), "lib" | "mod") {
            path.push(stem);
        }
        // Unit-test files are leaves that may read their parent.
        if path.last().is_some_and(|name| name == "tests") {
            continue;
        }
        let text = std::fs::read_to_string(&file).unwrap_or_default();
        modules.insert(path, without_test_modules(&text));
    }
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

/// The text with every test-only item that is a `mod … { … }` block cut out (`#[cfg(test)]`, and
/// `#[cfg(all(test, …))]` too).
fn without_test_modules(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("#[cfg(") {
        out.push_str(&rest[..at]);
        let after = &rest[at..];
        let attribute_end = after.find(']').map_or(after.len(), |i| i + 1);
        let attribute = &after[..attribute_end];
        let test_only = attribute.contains("(test") && !attribute.contains("not(test");
        let Some(open) = after.find('{') else {
            out.push_str(after);
            rest = "";
            break;
        };
        // Only a module block: `#[cfg(test)] mod x;` or a test-only function stays (it is one line or item).
        if !test_only || !after[..open].contains("mod ") {
            out.push_str(attribute);
            rest = &after[attribute_end..];
            continue;
        }
        let mut depth = 0usize;
        let mut end = after.len();
        for (i, c) in after[open..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        end = open + i + 1;
                        break;
                    }
                }
                _ => {}
            }
        }
        rest = &after[end..];
    }
    out.push_str(rest);
    out
}

/// The modules a file refers to: the longest known module path each `crate::…` or `super::…` reference names.
fn references(module: &[String], text: &str, known: &BTreeSet<Vec<String>>) -> BTreeSet<Vec<String>> {
    let mut found = BTreeSet::new();
    let code: String = text.lines().filter(|line| !line.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
    for (prefix, base) in [("crate::", Vec::new()), ("super::", module[..module.len().saturating_sub(1)].to_vec())] {
        let mut from = 0;
        while let Some(at) = code[from..].find(prefix) {
            let start = from + at;
            from = start + prefix.len();
            // `self::super::` or an identifier ending in `crate` is not a path start.
            if code[..start].chars().last().is_some_and(|c| c.is_alphanumeric() || c == '_') {
                continue;
            }
            let mut path = base.clone();
            // `super::{a, b}` or `crate::{x, y}`: each name in the braces.
            let tail = &code[from..];
            let names: Vec<String> = if tail.starts_with('{') {
                let close = tail.find('}').unwrap_or(tail.len());
                tail[1..close].split(',').map(|n| n.trim().split("::").next().unwrap_or("").to_owned()).collect()
            } else {
                let segment: String =
                    tail.chars().take_while(|c| c.is_alphanumeric() || *c == '_' || *c == ':').collect();
                let parts: Vec<String> = segment.split("::").filter(|s| !s.is_empty()).map(str::to_owned).collect();
                // The longest known module the path names.
                let mut best = None;
                for n in 1..=parts.len() {
                    let mut candidate = path.clone();
                    candidate.extend(parts[..n].iter().cloned());
                    if known.contains(&candidate) {
                        best = Some(candidate);
                    }
                }
                if let Some(best) = best {
                    if best != module {
                        found.insert(best);
                    }
                } else if path != module {
                    // An item of the module the path starts from (the crate root's `crate::AppState` too).
                    found.insert(path.clone());
                }
                continue;
            };
            for name in names {
                let mut candidate = path.clone();
                candidate.push(name);
                let target = if known.contains(&candidate) { candidate } else { path.clone() };
                if target != module {
                    found.insert(target);
                }
            }
            path.clear();
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

/// The cycles among a crate's modules, each as the modules in it (`api::body → api::commitments → …`).
pub fn cycles(src: &Path) -> Vec<Vec<String>> {
    let modules = modules_of(src);
    let known: BTreeSet<Vec<String>> = modules.keys().cloned().collect();
    let edges: BTreeMap<Vec<String>, BTreeSet<Vec<String>>> =
        modules.iter().map(|(module, text)| (module.clone(), references(module, text, &known))).collect();
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

    /// The workspace's crates, as they are.
    #[test]
    fn no_crate_has_a_circle_of_modules() {
        let crates = crate::root().join("crates");
        let mut names: Vec<String> = std::fs::read_dir(&crates)
            .unwrap()
            .flatten()
            .filter(|entry| entry.path().join("src").is_dir())
            .map(|entry| entry.file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        assert!(names.len() >= 7, "crates found: {names:?}");
        let mut found = Vec::new();
        for name in names {
            for cycle in cycles(&crates.join(&name).join("src")) {
                found.push(format!("{name}: {}", cycle.join(" ↔ ")));
            }
        }
        assert!(found.is_empty(), "modules in a circle:\n{}", found.join("\n"));
    }
}
