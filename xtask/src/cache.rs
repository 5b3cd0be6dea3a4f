//! Reusing a wasm build whose inputs did not change. Each build (an app route, a widget module, an npm entry,
//! the key worker) has a content stamp: SHA-256 over the sources of the crates it reaches (every file under
//! them, path and bytes), the workspace manifests and lock file, xtask's build steps, the toolchain, the tools' versions, its own
//! features and, for builds that leave out ended template versions, the Beijing date. When the stamp equals
//! the one stored beside the build's outputs in `target/build-cache/<name>/`, the outputs are copied as they
//! are, without cargo, wasm-bindgen, wasm-opt or esbuild; otherwise the build runs into that directory again.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::run::Result;

const STAMP_FILE: &str = ".stamp";

/// The crates a build reaches through its dependencies (the workspace's own; crates.io ones are pinned by the
/// lock file).
pub fn crates_of(package: &str) -> &'static [&'static str] {
    match package {
        "xinnuo-app" => &["core", "js-json", "app"],
        "xinnuo-widgets" => &["core", "js-json", "app", "widgets"],
        "xinnuo-wasm" => &["core", "js-json", "wasm"],
        "xinnuo-kdf" => &["core", "kdf"],
        _ => &[],
    }
}

fn files_below(dir: &Path, out: &mut Vec<PathBuf>) -> Result {
    let Ok(entries) = std::fs::read_dir(dir) else { return Ok(()) };
    for entry in entries {
        let path = entry.map_err(|e| e.to_string())?.path();
        if path.is_dir() {
            files_below(&path, out)?;
        } else {
            out.push(path);
        }
    }
    Ok(())
}

fn command_output(program: impl AsRef<std::ffi::OsStr>, args: &[&str]) -> String {
    Command::new(program)
        .args(args)
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default()
}

/// The versions of everything that turns sources into a build's files, read once per `cargo xtask build`.
pub fn toolchain() -> String {
    let root = crate::root();
    let lock = std::fs::read(root.join("tests/package-lock.json")).unwrap_or_default();
    format!(
        "{}|{}|{}|{}",
        command_output("rustc", &["-V"]),
        command_output("wasm-bindgen", &["--version"]),
        command_output(crate::tools::wasm_opt(), &["--version"]),
        Sha256::digest(lock).iter().map(|b| format!("{b:02x}")).collect::<String>(),
    )
}

/// The stamp of a build of `package` with `parameters` (features, names, flags).
pub fn stamp(package: &str, parameters: &str, toolchain: &str) -> Result<String> {
    let root = crate::root();
    let mut files = Vec::new();
    for name in crates_of(package) {
        files_below(&root.join("crates").join(name), &mut files)?;
    }
    // The workspace's manifests, and how xtask builds (a change to a step's flags makes every build again).
    files.extend(
        ["Cargo.toml", "Cargo.lock", "rustfmt.toml", "xtask/src/build.rs", "xtask/src/cache.rs", "xtask/src/tools.rs"]
            .map(|f| root.join(f)),
    );
    files.sort();
    let mut hash = Sha256::new();
    for file in &files {
        let relative = file.strip_prefix(&root).unwrap_or(file);
        hash.update(relative.to_string_lossy().as_bytes());
        hash.update([0]);
        hash.update(std::fs::read(file).map_err(|e| format!("{}: {e}", file.display()))?);
        hash.update([0]);
    }
    hash.update(parameters.as_bytes());
    hash.update(toolchain.as_bytes());
    // The build date decides which template versions a `current-templates` build carries.
    if parameters.contains("current-templates") {
        hash.update(beijing_day().to_le_bytes());
        hash.update(std::env::var("SOURCE_DATE_EPOCH").unwrap_or_default().as_bytes());
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// Days since 1970-01-01 in Beijing (UTC+8), today.
fn beijing_day() -> u64 {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    (now + 8 * 3600) / 86_400
}

/// The outputs of the build named `name`: reused when `stamp` matches the stored one, else made by `build`
/// into a fresh directory. Returns the directory holding them (without the stamp) and whether they were reused.
pub fn build_or_reuse(name: &str, stamp: &str, build: impl FnOnce(&Path) -> Result) -> Result<(PathBuf, bool)> {
    let dir = crate::root().join("target/build-cache").join(name);
    if std::fs::read_to_string(dir.join(STAMP_FILE)).is_ok_and(|stored| stored == stamp) {
        return Ok((dir, true));
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    build(&dir)?;
    // Written last: a build cut off half-way is never taken for a finished one.
    std::fs::write(dir.join(STAMP_FILE), stamp).map_err(|e| e.to_string())?;
    Ok((dir, false))
}

/// Copies a build's outputs into where they are served from (merging directories, leaving the stamp).
pub fn copy_outputs(from: &Path, to: &Path) -> Result {
    crate::build::copy_tree(from, to, &[STAMP_FILE])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_is_reused_only_while_its_stamp_holds() {
        let name = format!("test-{}", std::process::id());
        let mut runs = 0;
        let mut make = |stamp: &str| {
            build_or_reuse(&name, stamp, |dir| {
                runs += 1;
                std::fs::write(dir.join("out.js"), format!("built {runs}")).map_err(|e| e.to_string())
            })
            .unwrap()
        };
        let (dir, reused) = make("a");
        assert!(!reused);
        assert!(make("a").1, "same stamp: reused");
        assert!(!make("b").1, "another stamp: built again");
        assert_eq!(std::fs::read_to_string(dir.join("out.js")).unwrap(), "built 2");
        let served = std::env::temp_dir().join(format!("xinnuo-cache-{}", std::process::id()));
        copy_outputs(&dir, &served).unwrap();
        assert!(served.join("out.js").is_file() && !served.join(STAMP_FILE).exists());
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&served).unwrap();
    }

    #[test]
    fn stamps_follow_the_crates_a_build_reaches() {
        let tools = "t";
        let app = stamp("xinnuo-app", "app every-route", tools).unwrap();
        assert_eq!(app, stamp("xinnuo-app", "app every-route", tools).unwrap());
        assert_ne!(app, stamp("xinnuo-app", "app route-check", tools).unwrap(), "features count");
        assert_ne!(app, stamp("xinnuo-app", "app every-route", "u").unwrap(), "tools count");
        assert!(crates_of("xinnuo-widgets").contains(&"app"), "the widgets render the app's components");
        assert!(!crates_of("xinnuo-wasm").contains(&"server"));
    }
}
