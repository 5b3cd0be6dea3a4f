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
