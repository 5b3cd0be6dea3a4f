//! Installs what the build and tests need, idempotently and quickly when already present.

use std::path::PathBuf;
use std::process::Command;

use crate::run::{cargo, output, run, Result};

/// Must equal the `wasm-bindgen` pin in the workspace Cargo.toml.
pub const WASM_BINDGEN_VERSION: &str = "0.2.130";
pub const WASM_TARGET: &str = "wasm32-unknown-unknown";

pub fn ensure_wasm_target() -> Result {
    let installed = output(Command::new("rustup").args(["target", "list", "--installed"])).unwrap_or_default();
    if installed.lines().any(|line| line.trim() == WASM_TARGET) {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", WASM_TARGET]))
}

pub fn ensure_wasm_bindgen() -> Result {
    let version = output(Command::new("wasm-bindgen").arg("--version")).unwrap_or_default();
    let runner = output(Command::new("wasm-bindgen-test-runner").arg("--version")).unwrap_or_default();
    if version.ends_with(WASM_BINDGEN_VERSION) && runner.ends_with(WASM_BINDGEN_VERSION) {
        return Ok(());
    }
    run(cargo().args(["install", "wasm-bindgen-cli", "--version", WASM_BINDGEN_VERSION]))
}

/// Project-local npm tools (binaryen's wasm-opt, playwright-core), from `tests/package-lock.json`.
pub fn ensure_npm_tools() -> Result {
    let tests = crate::root().join("tests");
    let lock = std::fs::read(tests.join("package-lock.json")).map_err(|e| format!("tests/package-lock.json: {e}"))?;
    let stamp = tests.join("node_modules/.xinnuo-lock");
    if std::fs::read(&stamp).ok().as_deref() == Some(&lock[..]) {
        return Ok(());
    }
    run(Command::new("npm").args(["ci", "--no-audit", "--no-fund", "--prefix"]).arg(&tests))?;
    std::fs::write(&stamp, &lock).map_err(|e| e.to_string())
}

pub fn wasm_opt() -> PathBuf {
    crate::root().join("tests/node_modules/.bin/wasm-opt")
}

pub const CHROMIUM: &str = "/usr/bin/chromium";
pub const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// Debian Chromium and its driver for the browser tests.
pub fn ensure_chromium() -> Result {
    if std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists() {
        return Ok(());
    }
    run(Command::new("apt-get").arg("update"))?;
    run(Command::new("apt-get")
        .args(["install", "-y", "--no-install-recommends", "chromium", "chromium-driver"])
        .env("DEBIAN_FRONTEND", "noninteractive"))
}
