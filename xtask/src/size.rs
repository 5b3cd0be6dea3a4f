//! What a wasm build contains: its code by crate (each function's body size, attributed to the crate its
//! demangled name starts with) and its data. Read from the module rustc wrote, before wasm-bindgen removes the
//! names and wasm-opt shrinks it, so the shares are of the unoptimised code; the build writes one report per
//! output (`target/size-report/NAME.json`) and `cargo xtask bench size` lists them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde_json::{json, Value};
use wasmparser::{Imports, KnownCustom, Name, Parser, Payload, TypeRef};

use crate::workspace::{root, Result};

pub fn report_dir() -> PathBuf {
    root().join("target/size-report")
}

/// The crate a (demangled) function name belongs to: its path's first segment; for `<Type as Trait>::f` the
/// type's crate, or the trait's when the type is a bare generic (`<&T as core::fmt::Debug>::fmt` → core).
fn crate_of(name: &str) -> String {
    let bare =
        |text: &str| text.trim_start_matches('&').trim_start_matches("mut ").trim_start_matches("dyn ").to_owned();
    let path = match name.strip_prefix('<').map(|rest| rest.split_once(" as ")) {
        Some(Some((self_type, _))) if bare(self_type).contains("::") => bare(self_type),
        Some(Some((_, trait_part))) => bare(trait_part),
        Some(None) => bare(&name[1..]),
        None => bare(name),
    };
    match path.split_once("::") {
        Some((first, _)) if !first.is_empty() && !first.contains(['<', ' ', '[', '(']) => first.to_owned(),
        // Not a Rust path (C, the allocator shim, wasm-bindgen glue): by what it is called.
        _ if name.starts_with("__wbg") || name.starts_with("__wbindgen") => "wasm-bindgen glue".to_owned(),
        _ => "other".to_owned(),
    }
}

/// Code bytes by crate, data bytes, and the whole file's size.
pub fn by_crate(wasm: &Path) -> Result<(BTreeMap<String, u64>, u64, u64)> {
    let bytes = std::fs::read(wasm).map_err(|e| format!("{}: {e}", wasm.display()))?;
    let mut imported_functions = 0u32;
    let mut bodies: Vec<u64> = Vec::new();
    let mut names: BTreeMap<u32, String> = BTreeMap::new();
    let mut data = 0u64;
    for payload in Parser::new(0).parse_all(&bytes) {
        match payload.map_err(|e| e.to_string())? {
            Payload::ImportSection(reader) => {
                for group in reader {
                    if let Imports::Single(_, import) = group.map_err(|e| e.to_string())? {
                        if matches!(import.ty, TypeRef::Func(_) | TypeRef::FuncExact(_)) {
                            imported_functions += 1;
                        }
                    }
                }
            }
            Payload::CodeSectionEntry(body) => bodies.push(body.range().len() as u64),
            Payload::DataSection(reader) => data += reader.range().len() as u64,
            Payload::CustomSection(section) => {
                if let KnownCustom::Name(reader) = section.as_known() {
                    for name in reader {
                        if let Ok(Name::Function(map)) = name {
                            for naming in map.into_iter().flatten() {
                                names.insert(naming.index, rustc_demangle::demangle(naming.name).to_string());
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
    let mut crates = BTreeMap::new();
    for (offset, size) in bodies.iter().enumerate() {
        let index = imported_functions + offset as u32;
        let owner = names.get(&index).map_or_else(|| "unnamed".to_owned(), |name| crate_of(name));
        *crates.entry(owner).or_insert(0) += size;
    }
    Ok((crates, data, bytes.len() as u64))
}

/// Writes the report of one build output (`name`: the output's name, e.g. `app`, `xinnuo_widgets_status`).
pub fn write_report(wasm: &Path, name: &str) -> Result {
    let (crates, data, total) = by_crate(wasm)?;
    std::fs::create_dir_all(report_dir()).map_err(|e| e.to_string())?;
    let report = json!({ "crates": crates, "data": data, "total": total });
    std::fs::write(report_dir().join(format!("{name}.json")), report.to_string()).map_err(|e| e.to_string())
}

/// The largest contributors of each build the last `cargo xtask build` made, as a markdown section.
pub fn section() -> Result<String> {
    let mut md = String::from(
        "## What each build contains (before wasm-opt; code by crate, from the name section)\n\n\
         | build | total KB | data KB | largest crates by code KB (share of code) |\n|---|---|---|---|\n",
    );
    let mut reports: Vec<PathBuf> = std::fs::read_dir(report_dir())
        .map_err(|e| format!("{}: {e} (run `cargo xtask build` first)", report_dir().display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .collect();
    reports.sort();
    for path in reports {
        let report: Value = serde_json::from_slice(&std::fs::read(&path).map_err(|e| e.to_string())?)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        let mut crates: Vec<(String, u64)> = report["crates"]
            .as_object()
            .map(|map| map.iter().map(|(name, size)| (name.clone(), size.as_u64().unwrap_or(0))).collect())
            .unwrap_or_default();
        crates.sort_by_key(|(_, size)| std::cmp::Reverse(*size));
        let code: u64 = crates.iter().map(|(_, size)| size).sum::<u64>().max(1);
        let top: Vec<String> = crates
            .iter()
            .take(8)
            .map(|(name, size)| {
                format!("{name} {:.0} ({:.0} %)", *size as f64 / 1024.0, *size as f64 * 100.0 / code as f64)
            })
            .collect();
        let name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
        md.push_str(&format!(
            "| {name} | {:.0} | {:.0} | {} |\n",
            report["total"].as_f64().unwrap_or(0.0) / 1024.0,
            report["data"].as_f64().unwrap_or(0.0) / 1024.0,
            top.join(", ")
        ));
    }
    Ok(md)
}

#[cfg(test)]
mod tests {
    use super::crate_of;

    #[test]
    fn functions_are_attributed_to_their_crate() {
        assert_eq!(crate_of("serde_json::de::from_str"), "serde_json");
        assert_eq!(
            crate_of("<serde_json::de::Deserializer<R> as serde::de::Deserializer>::deserialize_any"),
            "serde_json"
        );
        assert_eq!(crate_of("<&T as core::fmt::Debug>::fmt"), "core");
        assert_eq!(crate_of("yew::html::component::lifecycle::ComponentState::run"), "yew");
        assert_eq!(crate_of("__wbindgen_malloc"), "wasm-bindgen glue");
        assert_eq!(crate_of("memcpy"), "other");
    }
}
