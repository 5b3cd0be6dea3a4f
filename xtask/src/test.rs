//! `cargo xtask test`: every test, in an order that fails fast and builds each artefact once.

use std::ffi::OsStr;
use std::path::Path;
use std::process::Command;

use crate::build::{build_all, WIDGET_MODULES};
use crate::exec::cargo;
use crate::run::{run, start_server};
use crate::tools::{self, CHROMEDRIVER, WASM_TARGET};
use crate::workspace::{root, Artefacts, Result};

/// The API against its own OpenAPI document: the document is valid OpenAPI 3.1, and schemathesis (from PyPI,
/// in `target/api-fuzz`) sends generated requests — examples, boundary values, random data, sequences — to a
/// server with the demo data; every answer must be no server error and conform to the document (status,
/// content type, headers, body schema). The seed is fixed, so a failure reproduces.
fn fuzz_api(artefacts: &Artefacts, db: &Path, admin_token: &str) -> Result {
    let server = start_server(artefacts, db, &["--demo"])?;
    let document_url = format!("{}/api/v1/openapi.json", server.url);
    let document = root().join("target/e2e/openapi.json");
    run(Command::new(tools::api_fuzzer_bin("python"))
        .args([
            "-c",
            "import sys, urllib.request; open(sys.argv[2], 'wb').write(urllib.request.urlopen(sys.argv[1]).read())",
        ])
        .arg(&document_url)
        .arg(&document))?;
    run(Command::new(tools::api_fuzzer_bin("openapi-spec-validator")).arg(&document))?;
    // One worker: CPython 3.11 can fail parsing in two threads at once ("AST constructor recursion depth
    // mismatch"), an error of the fuzzer's, not of the API.
    let result = run(Command::new(tools::api_fuzzer_bin("schemathesis"))
        .args(["run", &document_url, "--url", &server.url])
        .arg("--header")
        .arg(format!("Authorization: Bearer {admin_token}"))
        .args([
            "--checks",
            "not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance",
            "--max-examples",
            "50",
            "--workers",
            "1",
            "--seed",
            "1",
            "--no-color",
        ]));
    drop(server);
    result
}

/// What runs on PostgreSQL too: everything that reaches the store through the API (the browser suites use the
/// same API and run on SQLite).
const POSTGRES_SUITES: &[&str] = &[
    "tests/api.test.mjs",
    "tests/commitments-api.test.mjs",
    "tests/decisions-api.test.mjs",
    "tests/department-api.test.mjs",
    "tests/hostile-api.test.mjs",
    "tests/status-api.test.mjs",
    "tests/holidays.test.mjs",
    "tests/crash.test.mjs",
    "tests/log-monitor.test.mjs",
];

/// What `tests/log-monitor.test.mjs` needs besides Node: Go and Debian's x/mod (it has Go's `sumdb` check a live
/// server's log, built offline as `cargo xtask tlog-interop` builds it) and the `sqlite3` shell (it tampers with
/// the SQLite database as an operator would; on PostgreSQL it uses `psql`, installed with the server).
fn ensure_monitor_tools() -> Result {
    crate::tlog_interop::ensure_go()?;
    if Command::new("sqlite3").arg("-version").output().is_ok_and(|out| out.status.success()) {
        return Ok(());
    }
    crate::tlog_interop::apt_install(&["sqlite3"])
}

/// Prints how long the run has taken at the end of each phase: the figures a note on the test command's time
/// (≤ 30 minutes on two cores) needs.
struct Phases(std::time::Instant);

impl Phases {
    fn done(&self, phase: &str) {
        let seconds = self.0.elapsed().as_secs();
        eprintln!("\nxtask: {phase} done at {}:{:02}", seconds / 60, seconds % 60);
    }
}

pub fn test_all() -> Result {
    let phases = Phases(std::time::Instant::now());
    let root = root();
    // `main` ensured these already; again here so that the function stands on its own (quick when present).
    tools::ensure_all(tools::for_command(tools::Task::Test))?;
    run(cargo().args(["fmt", "--all", "--", "--check"]))?;
    run(cargo().args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]))?;
    run(cargo().args([
        "clippy",
        "--target",
        WASM_TARGET,
        "-p",
        "xinnuo-app",
        "-p",
        "xinnuo-wasm",
        "-p",
        "xinnuo-widgets",
        "-p",
        "xinnuo-kdf",
        "--",
        "-D",
        "warnings",
    ]))?;
    // The smaller widget builds leave out code behind `cfg(feature)`: lint each as built.
    for (features, _, _) in WIDGET_MODULES.iter().filter(|(features, _, _)| !features.is_empty()) {
        run(cargo()
            .args(["clippy", "--target", WASM_TARGET, "-p", "xinnuo-widgets"])
            .args(*features)
            .args(["--", "-D", "warnings"]))?;
    }

    phases.done("fmt and clippy");
    // Native unit and property tests.
    run(cargo().args(["test", "--workspace"]))?;
    phases.done("native tests");

    let artefacts = build_all()?;
    phases.done("build");

    // The JS facade, and the app's browser storage (IndexedDB), in headless Chromium.
    for args in [&["-p", "xinnuo-wasm", "--test", "browser"][..], &["-p", "xinnuo-app", "--lib"]] {
        run(cargo()
            .args(["test", "--target", WASM_TARGET])
            .args(args)
            .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER", "wasm-bindgen-test-runner")
            .env("CHROMEDRIVER", CHROMEDRIVER)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120"))?;
    }
    phases.done("wasm tests in Chromium");

    // The package in Node, the API against a real server, and the app in a real browser.
    ensure_monitor_tools()?;
    let scratch = root.join("target/e2e");
    let _ = std::fs::remove_dir_all(&scratch);
    std::fs::create_dir_all(&scratch).map_err(|e| e.to_string())?;
    // The server reads its admin token from the environment (never argv); it must be ≥ 32 characters.
    let admin_token = format!("test-admin-token-{:016x}-{:08x}", crate::run::random_u64(), std::process::id());
    std::env::set_var("XINNUO_ADMIN_TOKEN", &admin_token);
    // The department demo site from a scratch copy, where tests may add pages of their own.
    let demo_dir = scratch.join("embed-demo");
    crate::build::copy_dir(&root.join("web/embed-demo"), &demo_dir)?;
    let demo_dir_text = demo_dir.to_string_lossy().into_owned();
    let embed_args = ["--demo", "--embed-demo-addr", "127.0.0.1:0", "--embed-demo-dir", &demo_dir_text];
    let node = |server: &crate::run::Server, db: &OsStr, files: &[&str]| {
        run(Command::new("node")
            .args(["--test", "--test-concurrency=1"])
            .args(files)
            .env("XINNUO_URL", &server.url)
            .env("XINNUO_DB", db)
            .env("XINNUO_SERVER_BIN", &artefacts.server)
            .env("XINNUO_ADMIN_TOKEN", &admin_token)
            .env("XINNUO_DEMO_DIR", &demo_dir)
            .env("XINNUO_DEMO_URL", server.demo_url.clone().unwrap_or_default()))
    };
    let sqlite = scratch.join("test.db");
    let server = start_server(&artefacts, &sqlite, &embed_args)?;
    let result = node(&server, sqlite.as_os_str(), &["tests/"]);
    drop(server);
    result?;
    phases.done("Node suites on SQLite");

    fuzz_api(&artefacts, &scratch.join("fuzz.db"), &admin_token)?;
    phases.done("API fuzzing");

    // The API, commitment, decision, hostile and crash suites again on PostgreSQL: a throw-away cluster in
    // target/, one server on it.
    let cluster = crate::postgres::Cluster::start(&root.join("target/pg"))?;
    let url = cluster.database("xinnuo_test")?;
    let server = start_server(&artefacts, Path::new(&url), &embed_args)?;
    let result = node(&server, OsStr::new(&url), POSTGRES_SUITES);
    drop(server);
    result?;
    // Two servers started at the same moment on a fresh database: they migrate it, make the server key and
    // take the same submissions at once.
    let url = cluster.database("xinnuo_two_servers")?;
    let (first, second) = std::thread::scope(|scope| {
        let first = scope.spawn(|| start_server(&artefacts, Path::new(&url), &[]));
        let second = scope.spawn(|| start_server(&artefacts, Path::new(&url), &[]));
        (first.join(), second.join())
    });
    let first = first.map_err(|_| "the first server's start panicked")??;
    let second = second.map_err(|_| "the second server's start panicked")??;
    run(Command::new("node")
        .args(["--test", "tests/two-servers.test.mjs"])
        .env("XINNUO_URL", &first.url)
        .env("XINNUO_URL_2", &second.url)
        .env("XINNUO_DB", &url))?;
    drop((first, second, cluster));
    phases.done("PostgreSQL suites");
    eprintln!("\nxtask: 全部测试通过 / all tests passed");
    Ok(())
}
