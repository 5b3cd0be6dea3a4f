//! Running a command as it is, before any tool check: for the installers in `tools` (which the checked
//! `run::run` relies on) and for reading a command's output.

use std::process::{Command, Stdio};

use crate::workspace::{root, Result};

/// Runs a command in the workspace root, echoing it, and fails on a non-zero exit.
pub fn run_unchecked(command: &mut Command) -> Result {
    let shown = format!("{command:?}").replace('"', "");
    eprintln!("$ {shown}");
    let status = command.current_dir(root()).status().map_err(|e| format!("{shown}: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("{shown} exited with {status}"))
    }
}

/// Runs a command and returns its standard output (trimmed), or `None` if it cannot run or fails.
pub fn output(command: &mut Command) -> Option<String> {
    let out = command.current_dir(root()).stderr(Stdio::null()).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

pub fn cargo() -> Command {
    Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
}

/// Where native binaries (the server, its examples, the core's benchmarks) are built: a target directory of their
/// own, so that cargo's lock on `target/` does not keep the server's build waiting while the wasm builds run
/// (`build_all` runs both at once: each wasm build ends in a single-threaded LTO link that leaves a core idle).
pub fn native_target_dir() -> std::path::PathBuf {
    root().join("target/native")
}

/// `cargo SUBCOMMAND --profile server --target-dir target/native`: the native profile in its own directory.
pub fn cargo_native(subcommand: &str) -> Command {
    let mut command = cargo();
    command.args([subcommand, "--profile", "server", "--target-dir"]).arg(native_target_dir());
    command
}
