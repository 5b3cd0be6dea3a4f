//! Reusing a wasm build whose inputs did not change. Each build (an app route, a widget module, an npm entry,
//! the key worker) has a content stamp: SHA-256 over the sources of the crates it reaches (read from `cargo
//! metadata`; every file under them, path and bytes), the workspace manifests and lock file,
//! `.cargo/config.toml` and the compiler and flags the environment names, xtask's build steps, the toolchain,
//! the tools' versions, its own parameters (features, names) and, for builds that leave out ended template
//! versions, the build date — which xtask also hands to the core's build script (`BUILD_DAY_VAR`), so that
//! cargo builds such a crate again on a new day instead of reusing yesterday's list of templates. When the
//! stamp equals the one stored beside the build's outputs in `target/build-cache/<name>/`, the outputs are
//! copied as they are, without cargo, wasm-bindgen, wasm-opt or esbuild; otherwise the build runs into that
//! directory again.

use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

use crate::workspace::{root, Result};

const STAMP_FILE: &str = ".stamp";

/// The workspace's crate directories a build of `package` reaches through its path dependencies (crates.io
/// ones are pinned by the lock file), read from `cargo metadata`: a crate added to the graph counts at once.
pub fn crates_of(package: &str) -> Result<Vec<PathBuf>> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root())
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
    let root = root();
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
    let root = root();
    let mut files = Vec::new();
    for directory in crates_of(package)? {
        files_below(&directory, &mut files)?;
    }
    // The workspace's manifests, cargo's configuration (the wasm target's rustflags) and how xtask builds (a
    // change to a step's flags makes every build again).
    files.extend(
        ["Cargo.toml", "Cargo.lock", "rustfmt.toml", ".cargo/config.toml"]
            .iter()
            .chain(STAMPED_XTASK)
            .map(|f| root.join(f))
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
    // The compiler and the flags the environment names change the code as much as a source file does.
    for variable in STAMPED_ENVIRONMENT {
        hash.update(variable.as_bytes());
        hash.update([0]);
        hash.update(std::env::var(variable).unwrap_or_default().as_bytes());
        hash.update([0]);
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// xtask's own files that make a build: every module `build` reaches (a test holds the list to the module
/// graph).
pub const STAMPED_XTASK: &[&str] = &[
    "xtask/src/build.rs",
    "xtask/src/cache.rs",
    "xtask/src/exec.rs",
    "xtask/src/run.rs",
    "xtask/src/size.rs",
    "xtask/src/tools.rs",
    "xtask/src/workspace.rs",
];

/// The environment a stamp covers: the compiler, its wrapper and every way cargo takes flags from it.
pub const STAMPED_ENVIRONMENT: &[&str] = &[
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_RUSTC",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "RUSTFLAGS",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
    "CARGO_PROFILE_RELEASE_OPT_LEVEL",
];

/// What the core's build script reads the build date of a `current-templates` build from (`YYYY-MM-DD`,
/// Beijing); declared there with `cargo:rerun-if-env-changed`.
pub const BUILD_DAY_VAR: &str = "XINNUO_BUILD_DAY";

/// The date a `current-templates` build is made for: Beijing's today, or the day `SOURCE_DATE_EPOCH` falls on.
pub fn build_day() -> String {
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    let epoch = std::env::var("SOURCE_DATE_EPOCH").ok().and_then(|seconds| seconds.trim().parse().ok());
    beijing_day(epoch.unwrap_or(now))
}

/// The day in Beijing (UTC+8) of a moment, `YYYY-MM-DD`.
fn beijing_day(unix_seconds: u64) -> String {
    xinnuo_core::calendar::Date::from_days_since_epoch((unix_seconds + 8 * 3600) / 86_400).to_string()
}

/// The versions `Cargo.lock` pins of the crates `package` depends on by these names (`name version`, in the
/// order asked), so that what is kept by their output (the compressed files) is kept per version.
pub fn locked_versions(lock: &str, package: &str, names: &[&str]) -> Vec<String> {
    let blocks: Vec<&str> = lock.split("[[package]]").skip(1).collect();
    let field = |block: &str, name: &str| {
        block.lines().find_map(|line| line.strip_prefix(&format!("{name} = \""))?.strip_suffix('"').map(str::to_owned))
    };
    let dependencies = blocks
        .iter()
        .find(|block| field(block, "name").as_deref() == Some(package))
        .map(|block| {
            block
                .lines()
                .skip_while(|line| !line.starts_with("dependencies = ["))
                .skip(1)
                .take_while(|line| !line.starts_with(']'))
                .map(|line| line.trim().trim_end_matches(',').trim_matches('"').to_owned())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    names
        .iter()
        .map(|name| {
            let entry = dependencies.iter().find(|d| d.split(' ').next() == Some(*name));
            let version = match entry.and_then(|d| d.split(' ').nth(1)) {
                Some(version) => version.to_owned(),
                // Named alone: the lock has one version of it.
                None => blocks
                    .iter()
                    .find(|block| field(block, "name").as_deref() == Some(*name))
                    .and_then(|block| field(block, "version"))
                    .unwrap_or_else(|| "unknown".to_owned()),
            };
            format!("{name} {version}")
        })
        .collect()
}

/// The directory of the build named `name`, and whether its outputs there hold for `stamp` (reuse them);
/// otherwise the directory is emptied for the build, which ends with [`done`].
pub fn begin(name: &str, stamp: &str) -> Result<(PathBuf, bool)> {
    let dir = root().join("target/build-cache").join(name);
    if std::fs::read_to_string(dir.join(STAMP_FILE)).is_ok_and(|stored| stored == stamp) {
        return Ok((dir, true));
    }
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    Ok((dir, false))
}

/// Marks a build's outputs in `dir` finished for `stamp`: written last, so that a build cut off half-way is
/// never taken for a finished one.
pub fn done(dir: &Path, stamp: &str) -> Result {
    std::fs::write(dir.join(STAMP_FILE), stamp).map_err(|e| e.to_string())
}

/// Copies a build's outputs into where they are served from (merging directories, leaving the stamp).
pub fn copy_outputs(from: &Path, to: &Path) -> Result {
    crate::workspace::copy_tree(from, to, &[STAMP_FILE])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_build_is_reused_only_while_its_stamp_holds() {
        let name = format!("test-{}", std::process::id());
        let mut runs = 0;
        // As `build.rs` uses it: begin, build only when not reused, then done.
        let mut make = |stamp: &str| {
            let (dir, reused) = begin(&name, stamp).unwrap();
            if !reused {
                runs += 1;
                std::fs::write(dir.join("out.js"), format!("built {runs}")).unwrap();
                done(&dir, stamp).unwrap();
            }
            (dir, reused)
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
        let crates = root().join("crates");
        let widgets = crates_of("xinnuo-widgets").unwrap();
        for reached in ["core", "js-json", "app", "widgets"] {
            assert!(widgets.contains(&crates.join(reached)), "the widgets reach {reached}: {widgets:?}");
        }
        let package = crates_of("xinnuo-wasm").unwrap();
        assert!(package.contains(&crates.join("core")) && !package.contains(&crates.join("server")), "{package:?}");
        assert_eq!(crates_of("xinnuo-kdf").unwrap(), vec![crates.join("core"), crates.join("kdf")]);
        // The compiler and flags from the environment count (here, in the one test that makes stamps: the
        // environment is the process's).
        for (variable, value) in [
            ("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS", "-C opt-level=1"),
            ("CARGO_BUILD_RUSTFLAGS", "-C opt-level=1"),
            ("RUSTC", "/opt/other-rustc"),
            ("RUSTC_WRAPPER", "sccache"),
        ] {
            assert!(STAMPED_ENVIRONMENT.contains(&variable), "{variable}");
            std::env::set_var(variable, value);
            let flagged = stamp("xinnuo-app", "app every-route", tools).unwrap();
            std::env::remove_var(variable);
            assert_ne!(app, flagged, "{variable} counts");
        }
    }

    /// Every xtask module the build step reaches (`build` and what it uses, through the module graph) is part
    /// of the stamp: a change to how a step runs makes every build again.
    #[test]
    fn the_stamp_covers_every_module_the_build_reaches() {
        let src = root().join("xtask/src");
        let reached = crate::modules::reached(&src, &["build".to_owned()]);
        let mut files: Vec<String> = reached
            .iter()
            .map(|module| {
                format!("xtask/src/{}.rs", if module.is_empty() { "main".to_owned() } else { module.join("/") })
            })
            .collect();
        files.sort();
        assert!(files.contains(&"xtask/src/run.rs".to_owned()), "{files:?}");
        assert_eq!(files, STAMPED_XTASK, "the modules the build reaches, and the stamp's");
    }

    #[test]
    fn the_build_date_is_beijings() {
        // 2026-12-01T15:59:59Z is the 1st in Beijing, a second later the 2nd.
        assert_eq!(beijing_day(1_796_140_799), "2026-12-01");
        assert_eq!(beijing_day(1_796_140_800), "2026-12-02");
        assert_eq!(build_day().len(), 10);
    }

    /// The core's build script reruns when the date xtask hands it changes: it declares the variable.
    #[test]
    fn the_core_build_script_reruns_on_a_new_build_day() {
        let script = std::fs::read_to_string(root().join("crates/core/build.rs")).unwrap();
        assert!(script.contains(&format!("cargo:rerun-if-env-changed={BUILD_DAY_VAR}")));
        assert!(script.contains(&format!("env::var(\"{BUILD_DAY_VAR}\")")));
    }

    #[test]
    fn locked_versions_are_the_packages_own() {
        let lock = r#"
[[package]]
name = "brotli"
version = "8.0.4"

[[package]]
name = "brotli"
version = "9.1.1"

[[package]]
name = "flate2"
version = "1.1.11"

[[package]]
name = "xtask"
version = "0.1.0"
dependencies = [
 "brotli 8.0.4",
 "flate2",
 "sha2",
]
"#;
        assert_eq!(locked_versions(lock, "xtask", &["brotli", "flate2"]), ["brotli 8.0.4", "flate2 1.1.11"]);
        assert_eq!(locked_versions(lock, "xtask", &["zstd"]), ["zstd unknown"]);
        // The workspace's own lock: xtask's brotli and flate2.
        let real = std::fs::read_to_string(root().join("Cargo.lock")).unwrap();
        let versions = locked_versions(&real, "xtask", &["brotli", "flate2"]);
        assert!(versions[0].starts_with("brotli 8.") && versions[1].starts_with("flate2 1."), "{versions:?}");
    }
}
