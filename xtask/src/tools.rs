//! Installs what the build and tests need, idempotently and quickly when already present.
//!
//! Every `cargo xtask` command names the tools it needs ([`for_command`]) and ensures them all before its first
//! step. `run::run` then refuses any command whose tool was not ensured first ([`check_ensured`]), so
//! a stage that starts using a new tool fails on every machine — including one that happens to have the tool —
//! until the command's list names it.

use std::collections::BTreeSet;
use std::ffi::OsStr;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Mutex;

use crate::exec::{cargo, output, run_unchecked};
use crate::workspace::{root, Result};

/// Must equal the `wasm-bindgen` pin in the workspace Cargo.toml.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";
pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Something a stage needs that a fresh machine may lack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Tool {
    /// rustup's `wasm32-unknown-unknown` standard library.
    WasmTarget,
    /// `wasm-bindgen` and `wasm-bindgen-test-runner` at the pinned version.
    WasmBindgen,
    /// `tests/node_modules`: binaryen's `wasm-opt`, `playwright-core`, the benchmark peers.
    NpmTools,
    /// Debian `chromium` and `chromium-driver`.
    Chromium,
    /// The nightly toolchain and `cargo-fuzz`.
    Fuzzer,
    /// Debian `postgresql` (its server binaries, for a throw-away cluster).
    Postgres,
    /// The API fuzzer (PyPI `schemathesis`) and `openapi-spec-validator`, in a project-local venv.
    ApiFuzzer,
}

/// The xtask subcommands, for the tools each needs.
#[derive(Clone, Copy, Debug)]
pub enum Task {
    Build,
    Serve,
    Test,
    Bench,
    Fuzz,
}

/// What a task needs, in install order. A task is refused a command using anything not listed here.
pub fn for_command(task: Task) -> &'static [Tool] {
    use Tool::*;
    match task {
        Task::Build | Task::Serve => &[WasmTarget, WasmBindgen, NpmTools],
        Task::Test => &[WasmTarget, WasmBindgen, NpmTools, Chromium, Postgres, ApiFuzzer],
        Task::Bench => &[WasmTarget, WasmBindgen, NpmTools, Chromium, Postgres],
        Task::Fuzz => &[Fuzzer],
    }
}

static ENSURED: Mutex<BTreeSet<Tool>> = Mutex::new(BTreeSet::new());

/// Installs each missing tool, then records it as available for [`check_ensured`].
pub fn ensure_all(tools: &[Tool]) -> Result {
    for tool in tools {
        match tool {
            Tool::WasmTarget => ensure_wasm_target()?,
            Tool::WasmBindgen => ensure_wasm_bindgen()?,
            Tool::NpmTools => ensure_npm_tools()?,
            Tool::Chromium => ensure_chromium()?,
            Tool::Fuzzer => ensure_fuzzer()?,
            Tool::Postgres => ensure_postgres()?,
            Tool::ApiFuzzer => ensure_api_fuzzer()?,
        }
        mark_ensured(*tool);
    }
    Ok(())
}

fn mark_ensured(tool: Tool) {
    ENSURED.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).insert(tool);
}

/// The tools a command uses, read off its program, arguments and environment.
pub fn needed_by(command: &Command) -> BTreeSet<Tool> {
    let mut needed = BTreeSet::new();
    let program = command.get_program().to_string_lossy().into_owned();
    let program_name = program.rsplit('/').next().unwrap_or(&program).to_owned();
    let args: Vec<&OsStr> = command.get_args().collect();
    let has_arg = |wanted: &str| args.iter().any(|arg| *arg == wanted);
    let env_set = |name: &str| command.get_envs().any(|(key, value)| key == name && value.is_some());

    if has_arg(WASM_TARGET) {
        needed.insert(Tool::WasmTarget);
    }
    if program_name.starts_with("wasm-bindgen") || env_set("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER") {
        needed.insert(Tool::WasmBindgen);
    }
    if ["wasm-opt", "esbuild", "node", "npx"].contains(&program_name.as_ref()) {
        needed.insert(Tool::NpmTools);
    }
    if program_name == "node" || env_set("CHROMEDRIVER") || program == CHROMIUM {
        needed.insert(Tool::Chromium);
    }
    if program.contains("/usr/lib/postgresql/")
        || args.iter().any(|arg| arg.to_string_lossy().contains("/usr/lib/postgresql/"))
    {
        needed.insert(Tool::Postgres);
    }
    if program.starts_with(&api_fuzzer_bin("").to_string_lossy().into_owned()) {
        needed.insert(Tool::ApiFuzzer);
    }
    if has_arg("+nightly") || has_arg("fuzz") && program_name == "cargo" {
        needed.insert(Tool::Fuzzer);
    }
    needed
}

/// Refuses a command whose tools were not ensured before it: a bug in xtask, caught on any machine.
pub fn check_ensured(command: &Command) -> Result {
    let ensured = ENSURED.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    let missing: Vec<Tool> = needed_by(command).into_iter().filter(|tool| !ensured.contains(tool)).collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(format!(
        "xtask 内部错误：{missing:?} 未先安装就被使用 / xtask bug: {command:?} uses {missing:?} before they were \
         ensured; add them to tools::for_command"
    ))
}

fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    run_unchecked(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

fn ensure_wasm_bindgen() -> Result {
    let version = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner = output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if version.ends_with(WASM_BINDGEN_VERSION) && runner.ends_with(WASM_BINDGEN_VERSION) {
        return Ok(());
    }
    run_unchecked(cargo().args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION]))
}

/// Project-local npm tools (binaryen's wasm-opt, esbuild, playwright-core), from `tests/package-lock.json`.
fn ensure_npm_tools() -> Result {
    let tests = root().join("tests");
    let lock = std::fs::read(tests.join("package-lock.json")).map_err(|e| format!("tests/package-lock.json: {e}"))?;
    let stamp = tests.join("node_modules/.xinnuo-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) {
        return Ok(());
    }
    run_unchecked(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(&tests))?;
    std::fs::write(&stamp, &lock).map_err(|e| e.to_string())
}

pub fn wasm_opt() -> PathBuf {
    root().join("tests/node_modules/.bin/wasm-opt")
}

pub fn esbuild() -> PathBuf {
    root().join("tests/node_modules/.bin/esbuild")
}

/// A Chinese font: no Chinese font ships with Debian's Chromium, and the printed report's test reads its text
/// back from the PDF.
const CHINESE_FONT: &str = "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc";

/// Debian Chromium and its driver for the browser tests, and a Chinese font for what they print.
fn ensure_chromium() -> Result {
    let present = |path: &str| std::path::Path::new(path).exists();
    if present(CHROMIUM) && present(CHROMEDRIVER) && present(CHINESE_FONT) {
        return Ok(());
    }
    run_unchecked(Command::new("apt-get").arg("update"))?;
    run_unchecked(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver", "fonts-wqy-microhei"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// Debian's PostgreSQL server binaries, newest major version first.
pub fn postgres_bin_dir() -> Option<PathBuf> {
    let mut versions: Vec<PathBuf> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .filter_map(|entry| entry.ok().map(|e| e.path().join("bin")))
        .filter(|bin| bin.join("initdb").is_file())
        .collect();
    versions.sort_by_key(|bin| std::cmp::Reverse(bin.parent().and_then(|v| v.file_name()).map(|v| v.to_owned())));
    versions.into_iter().next()
}

/// PostgreSQL for the tests and benchmarks on the second backend.
fn ensure_postgres() -> Result {
    if postgres_bin_dir().is_some() {
        return Ok(());
    }
    run_unchecked(Command::new("apt-get").arg("update"))?;
    run_unchecked(
        Command::new("apt-get")
            .args(["install", "-y", "--no-install-recommends", "postgresql"])
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}

/// A program of the API fuzzer's venv (`target/api-fuzz/bin/…`).
pub fn api_fuzzer_bin(program: &str) -> PathBuf {
    root().join("target/api-fuzz/bin").join(program)
}

/// schemathesis and openapi-spec-validator at the versions `tests/api-fuzz-requirements.txt` pins, in a venv
/// of their own (never the system's Python packages); reinstalled only when that file changes.
fn ensure_api_fuzzer() -> Result {
    let requirements = root().join("tests/api-fuzz-requirements.txt");
    let wanted = std::fs::read(&requirements).map_err(|e| format!("{}: {e}", requirements.display()))?;
    let venv = root().join("target/api-fuzz");
    let stamp = venv.join(".xinnuo-requirements");
    if std::fs::read(&stamp).ok().as_deref() == Some(&wanted[..]) && api_fuzzer_bin("schemathesis").exists() {
        return Ok(());
    }
    if !api_fuzzer_bin("python").exists() {
        let has_venv =
            Command::new("python3").args(["-c", "import venv, ensurepip"]).status().is_ok_and(|s| s.success());
        if !has_venv {
            run_unchecked(Command::new("apt-get").arg("update"))?;
            run_unchecked(
                Command::new("apt-get")
                    .args(["install", "-y", "--no-install-recommends", "python3-venv"])
                    .env("DEBIAN_FRONTEND", "noninteractive"),
            )?;
        }
        run_unchecked(Command::new("python3").args(["-m", "venv"]).arg(&venv))?;
    }
    run_unchecked(
        Command::new(api_fuzzer_bin("python"))
            .args(["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "-r"])
            .arg(&requirements),
    )?;
    std::fs::write(&stamp, &wanted).map_err(|e| e.to_string())
}

/// cargo-fuzz runs on nightly (sanitizer flags).
fn ensure_fuzzer() -> Result {
    let toolchains = output(Command::new("rustup").args(["toolchain", "list"])).unwrap_or_default();
    if !toolchains.lines().any(|line| line.starts_with("nightly")) {
        run_unchecked(Command::new("rustup").args(["toolchain", "install", "nightly", "--profile", "minimal"]))?;
    }
    let has_fuzz = output(Command::new("cargo").args(["fuzz", "--version"])).is_some();
    if !has_fuzz {
        run_unchecked(cargo().args(["install", "cargo-fuzz", "--locked"]))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cargo_wasm_clippy() -> Command {
        let mut command = Command::new("cargo");
        command.args(["clippy", "--target", WASM_TARGET, "-p", "xinnuo-app"]);
        command
    }

    #[test]
    fn commands_are_read_for_the_tools_they_use() {
        assert_eq!(needed_by(&cargo_wasm_clippy()), BTreeSet::from([Tool::WasmTarget]));
        assert!(needed_by(Command::new("cargo").args(["clippy", "--workspace"])).is_empty());
        let mut browser_tests = Command::new("cargo");
        browser_tests
            .args(["test", "--target", WASM_TARGET])
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
            .env("CHROMEDRIVER", CHROMEDRIVER);
        assert_eq!(needed_by(&browser_tests), BTreeSet::from([Tool::WasmTarget, Tool::WasmBindgen, Tool::Chromium]));
        assert_eq!(
            needed_by(Command::new("node").args(["--test", "tests/"])),
            BTreeSet::from([Tool::NpmTools, Tool::Chromium])
        );
        assert_eq!(needed_by(&Command::new(wasm_opt())), BTreeSet::from([Tool::NpmTools]));
        assert_eq!(needed_by(Command::new("wasm-bindgen").arg("x.wasm")), BTreeSet::from([Tool::WasmBindgen]));
        assert_eq!(needed_by(Command::new("cargo").args(["+nightly", "fuzz", "run"])), BTreeSet::from([Tool::Fuzzer]));
    }

    // The guard and the lists, in one test because ENSURED is process-wide and tests run in parallel threads.
    #[test]
    fn a_tool_used_before_it_is_ensured_is_refused() {
        // The stage order that broke fresh machines: wasm clippy before anything installed the wasm target.
        let error = check_ensured(&cargo_wasm_clippy()).expect_err("wasm clippy before the target was ensured");
        assert!(error.contains("WasmTarget"), "{error}");
        mark_ensured(Tool::WasmTarget);
        assert_eq!(check_ensured(&cargo_wasm_clippy()), Ok(()));
    }

    #[test]
    fn every_task_that_builds_wasm_ensures_the_build_tools() {
        for task in [Task::Build, Task::Serve, Task::Test, Task::Bench] {
            let tools = for_command(task);
            for tool in [Tool::WasmTarget, Tool::WasmBindgen, Tool::NpmTools] {
                assert!(tools.contains(&tool), "{task:?} lacks {tool:?}");
            }
        }
        for task in [Task::Test, Task::Bench] {
            assert!(for_command(task).contains(&Tool::Chromium), "{task:?} runs Chromium");
        }
    }
}
