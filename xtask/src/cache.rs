//! Reusing a wasm build whose inputs did not change. Each build (an app route, a widget module, an npm entry,
//! the key worker) has a content stamp: SHA-256 over the sources of the crates it reaches (read from `cargo metadata`; every file under
//! them, path and bytes), the workspace manifests and lock file, `.cargo/config.toml` and flags from the environment, xtask's build steps, the toolchain, the tools' versions, its own
//! features and, for builds that leave out ended template versions, the Beijing date. When the stamp equals
//! the one stored beside the build's outputs in `target/build-cache/<name>/`, the outputs are copied as they
//! are, without cargo, wasm-bindgen, wasm-opt or esbuild; otherwise the build runs into that directory again.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::run::Result;

const STAMP_FILE: &str = ".stamp";

/// The workspace's crate directories a build of `package` reaches through its path dependencies (crates.io
/// ones are pinned by the lock file), read from `cargo metadata`: a crate added to the graph counts at once.
pub fn crates_of(package: &str) -> Result<Vec<PathBuf>> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(crate::root())
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata: {}", String::from_utf8_lossy(&output.stderr)));
    }
    let metadata: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))?;
    let packages = metadata["packages"].as_array().cloned().unwrap_or_default();
    let directory_of = |name: &str| {
        packages
            .iter()
            .find(|p| p["name"] == name)
            .and_then(|p| p["manifest_path"].as_str())
            .and_then(|manifest| Path::new(manifest).parent().map(Path::to_path_buf))
    };
    let mut reached = Vec::new();
    let mut waiting = vec![package.to_owned()];
    while let Some(name) = waiting.pop() {
        let Some(directory) = directory_of(&name) else { return Err(format!("no workspace crate {name}")) };
        if reached.contains(&directory) {
            continue;
        }
        reached.push(directory);
        let Some(found) = packages.iter().find(|p| p["name"] == name.as_str()) else { continue };
        for dependency in found["dependencies"].as_array().into_iter().flatten() {
            // Path dependencies are the workspace's own; dev-dependencies do not reach a build.
            if dependency["path"].is_string() && dependency["kind"] != "dev" {
                if let Some(dependency) = dependency["name"].as_str() {
                    waiting.push(dependency.to_owned());
                }
            }
        }
    }
    reached.sort();
    Ok(reached)
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
    for directory in crates_of(package)? {
        files_below(&directory, &mut files)?;
    }
    // The workspace's manifests, cargo's configuration (the wasm target's rustflags) and how xtask builds (a
    // change to a step's flags makes every build again).
    files.extend(
        [
            "Cargo.toml",
            "Cargo.lock",
            "rustfmt.toml",
            ".cargo/config.toml",
            "xtask/src/build.rs",
            "xtask/src/cache.rs",
            "xtask/src/tools.rs",
        ]
        .map(|f| root.join(f))
        .into_iter()
        .filter(|f| f.is_file()),
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
    // Flags from the environment change the code as much as a source file does.
    for flags in [
        "RUSTFLAGS",
        "CARGO_ENCODED_RUSTFLAGS",
        "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
        "CARGO_PROFILE_RELEASE_OPT_LEVEL",
    ] {
        hash.update(flags.as_bytes());
        hash.update([0]);
        hash.update(std::env::var(flags).unwrap_or_default().as_bytes());
        hash.update([0]);
    }
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
        let crates = crate::root().join("crates");
        let widgets = crates_of("xinnuo-widgets").unwrap();
        for reached in ["core", "js-json", "app", "widgets"] {
            assert!(widgets.contains(&crates.join(reached)), "the widgets reach {reached}: {widgets:?}");
        }
        let package = crates_of("xinnuo-wasm").unwrap();
        assert!(package.contains(&crates.join("core")) && !package.contains(&crates.join("server")), "{package:?}");
        assert_eq!(crates_of("xinnuo-kdf").unwrap(), vec![crates.join("core"), crates.join("kdf")]);
        // Flags from the environment count.
        std::env::set_var("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", "-C opt-level=1");
        let flagged = stamp("xinnuo-app", "app every-route", tools).unwrap();
        std::env::remove_var("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS");
        assert_ne!(app, flagged, "rustflags count");
    }
}
