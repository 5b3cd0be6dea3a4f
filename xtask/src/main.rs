//! `cargo xtask build|serve|test|bench`: the only build entry point. It installs what is missing, builds
//! core → wasm → app → server once, and reuses those artefacts across the test stages.

mod bench;
mod build;
mod cache;
mod exec;
#[cfg(test)]
mod modules;
mod postgres;
mod run;
mod size;
mod test;
mod tlog_interop;
mod tools;
mod workspace;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use tools::Task;

#[derive(Parser)]
#[command(name = "cargo xtask", about = "信诺 Xinnuo build tool")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Install missing tools, build the app into dist/, the JS package into pkg/ and the server.
    Build,
    /// Build, then serve the app with demo data on http://127.0.0.1:8080.
    Serve {
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[arg(long, default_value = "xinnuo.db")]
        db: PathBuf,
    },
    /// Run every test: lint, native unit/property tests, wasm tests in Chromium, API and browser tests.
    Test,
    /// Fuzz with cargo-fuzz (nightly): codes, template_fields, envelope, records, import_csv.
    Fuzz {
        /// Seconds per target.
        #[arg(long, default_value_t = 60)]
        seconds: u64,
        /// Targets to run (default: all).
        targets: Vec<String>,
    },
    /// Benchmarks: `all` (default; writes docs/BENCHMARKS.md), `codes` (native, browser batch API,
    /// python-stdnum), `sign` (Ed25519 in Chromium: our wasm, @noble/ed25519, WebCrypto; server
    /// submissions/s and latency), `load` (app cold and cached load in Chromium).
    Bench {
        #[arg(default_value = "all")]
        which: String,
        /// How many codes (`codes`, default 1,000,000) or submissions (`sign`, default 20,000).
        #[arg(long)]
        count: Option<usize>,
    },
    /// Go's `sumdb/note` and `sumdb/tlog` (Debian's golang-golang-x-mod-dev, offline) verify transparency
    /// logs written by the core's `tlog` module and refuse tampered copies (installs Go with apt-get if missing).
    TlogInterop,
}

const FUZZ_TARGETS: &[&str] = &["codes", "template_fields", "envelope", "records", "import_csv"];

/// Runs each fuzz target for `seconds`; crashes land in `fuzz/artifacts/<target>/`.
fn fuzz(seconds: u64, targets: Vec<String>) -> workspace::Result {
    let targets: Vec<String> =
        if targets.is_empty() { FUZZ_TARGETS.iter().map(|t| t.to_string()).collect() } else { targets };
    for target in &targets {
        if !FUZZ_TARGETS.contains(&target.as_str()) {
            return Err(format!("unknown fuzz target {target:?}: {}", FUZZ_TARGETS.join(", ")));
        }
        let corpus = workspace::root().join("fuzz/corpus").join(target);
        std::fs::create_dir_all(&corpus).map_err(|e| e.to_string())?;
        run::run(
            std::process::Command::new("cargo")
                .args(["+nightly", "fuzz", "run", target])
                .arg(&corpus)
                .arg(workspace::root().join("fuzz/seeds").join(target))
                .arg("--")
                .arg(format!("-max_total_time={seconds}"))
                .arg("-max_len=8192")
                .current_dir(workspace::root()),
        )?;
    }
    Ok(())
}

fn main() -> ExitCode {
    let result = with_tools(Cli::parse().command);
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("\nxtask: 失败 / failed: {message}");
            ExitCode::FAILURE
        }
    }
}

fn with_tools(command: Command) -> workspace::Result {
    let task = match command {
        Command::Build => Task::Build,
        Command::Serve { .. } => Task::Serve,
        Command::Test => Task::Test,
        Command::Bench { .. } => Task::Bench,
        Command::Fuzz { .. } => Task::Fuzz,
        // Uses none of `tools`: it installs Go itself, and only if it is missing.
        Command::TlogInterop => return tlog_interop::tlog_interop(),
    };
    // Everything the command will use is installed before its first step, so no stage meets a missing tool.
    tools::ensure_all(tools::for_command(task)).and_then(|()| match command {
        Command::Build => build::build_all().map(|_| ()),
        Command::Serve { addr, db } => {
            build::build_all().and_then(|artefacts| run::serve_foreground(&artefacts, &addr, &db))
        }
        Command::Test => test::test_all(),
        Command::Bench { which, count } => bench::bench(&which, count),
        Command::Fuzz { seconds, targets } => fuzz(seconds, targets),
        Command::TlogInterop => tlog_interop::tlog_interop(),
    })
}
