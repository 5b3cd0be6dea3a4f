//! `cargo xtask bench codes`: the same codes checked natively, through the package's batch API in
//! headless Chromium, and by python-stdnum, in one run, with ratios.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::build::build_all;
use crate::exec::cargo_native;
use crate::run::{run, start_server};
use crate::workspace::{root, Artefacts, Result};

fn json_output(command: &mut Command) -> Result<Value> {
    crate::tools::check_ensured(command)?;
    let shown = format!("{command:?}");
    eprintln!("$ {shown}");
    let out = command.current_dir(root()).output().map_err(|e| format!("{shown}: {e}"))?;
    if !out.status.success() {
        return Err(format!("{shown}: {}\n{}", out.status, String::from_utf8_lossy(&out.stderr)));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    let last = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with('{'))
        .ok_or_else(|| format!("{shown}: no JSON in output"))?;
    serde_json::from_str(last).map_err(|e| format!("{shown}: {e}"))
}

fn native_bench() -> Command {
    let mut command = cargo_native("run");
    command.args(["--quiet", "-p", "xinnuo-core", "--example", "bench_codes", "--"]);
    command
}

fn stdnum_python(dir: &Path) -> Result<std::path::PathBuf> {
    let venv = dir.join("venv");
    let python = venv.join("bin/python");
    if !python.exists() {
        run(Command::new("python3").arg("-m").arg("venv").arg(&venv))?;
    }
    let has_stdnum = Command::new(&python).args(["-c", "import stdnum"]).status().is_ok_and(|s| s.success());
    if !has_stdnum {
        run(Command::new(&python).args(["-m", "pip", "install", "--quiet", "python-stdnum"]))?;
    }
    Ok(python)
}

fn rate(value: &Value, key: &str) -> f64 {
    value[key].as_f64().unwrap_or(0.0)
}

fn mps(rate: f64) -> String {
    format!("{:.2} M/s", rate / 1e6)
}

pub fn bench(which: &str, count: Option<usize>) -> Result {
    match which {
        "codes" => bench_codes(count.unwrap_or(1_000_000)).map(|_| ()),
        "sign" => bench_sign().and_then(|section| update_report(&section, "sign")),
        "server" => bench_server(count.unwrap_or(20_000)).and_then(|section| update_report(&section, "server")),
        "load" => bench_load().and_then(|section| update_report(&section, "load")),
        "reports" => bench_reports(count.unwrap_or(2_000)).and_then(|section| update_report(&section, "reports")),
        "soak" => bench_soak(count.unwrap_or(300)).map(|_| ()),
        "size" => [sizes()?, crate::size::section()?].iter().try_for_each(|section| {
            println!("{section}");
            update_report(section, "size")
        }),
        "all" => {
            let sections = [
                bench_codes(1_000_000)?,
                bench_sign()?,
                bench_server(20_000)?,
                bench_load()?,
                bench_reports(2_000)?,
                bench_soak(300)?,
                sizes()?,
                crate::size::section()?,
            ];
            write_report(&sections)
        }
        other => {
            Err(format!("unknown benchmark {other:?}: available: all, codes, sign, server, load, reports, soak, size"))
        }
    }
}

/// One markdown table row.
fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

fn ratio(ours: f64, peer: f64) -> String {
    if peer > 0.0 {
        format!("{:.1}×", ours / peer)
    } else {
        "–".into()
    }
}

/// Replaces one section of `docs/BENCHMARKS.md` (matched by its heading up to the first parenthesis) with a
/// fresh run's, saying when it ran; the rest of the report keeps its own run's date.
/// Replaces one section of docs/BENCHMARKS.md (found by its heading) with a fresh run of `cargo xtask bench
/// {command}`.
fn update_report(section: &str, command: &str) -> Result {
    let path = root().join("docs/BENCHMARKS.md");
    let report = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let heading =
        |text: &str| text.lines().next().unwrap_or_default().split(" (").next().unwrap_or_default().to_owned();
    let wanted = heading(section);
    let now = Command::new("date")
        .args(["-u", "+%Y-%m-%d %H:%M UTC"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let fresh = format!("{}\n_This section: `cargo xtask bench {command}` on {now}._\n", section.trim_end());
    let mut parts: Vec<String> = report.split("\n## ").map(str::to_owned).collect();
    let mut replaced = false;
    for part in parts.iter_mut().skip(1) {
        if heading(&format!("## {part}")) == wanted {
            *part = fresh.trim_start_matches("## ").to_owned() + "\n";
            replaced = true;
        }
    }
    if !replaced {
        parts.push(fresh.trim_start_matches("## ").to_owned());
    }
    std::fs::write(&path, parts.join("\n## ")).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("\nupdated {}", path.display());
    Ok(())
}

/// `docs/BENCHMARKS.md`: every figure of one run, with the machine it ran on.
fn write_report(sections: &[String]) -> Result {
    let cpus = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(0);
    let now = Command::new("date")
        .arg("-u")
        .arg("+%Y-%m-%d %H:%M UTC")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned())
        .unwrap_or_default();
    let mut text = format!(
        "# Benchmarks\n\nWritten by `cargo xtask bench` on {now}, {cpus} CPU cores, one run: our figure, the peer's figure from the same run, and the ratio. Re-run to refresh.\n\n"
    );
    for section in sections {
        text.push_str(section);
        text.push('\n');
    }
    let path = root().join("docs/BENCHMARKS.md");
    std::fs::create_dir_all(root().join("docs")).map_err(|e| e.to_string())?;
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    println!("\nwrote {}", path.display());
    Ok(())
}

/// Credit reports a server makes (`tests/bench/report-bench.mjs`): made (built, signed, stored, logged) and
/// asked again (the same report from the store), on SQLite, loopback.
fn bench_reports(subjects: usize) -> Result<String> {
    let artefacts = build_all()?;
    let dir = crate::workspace::root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db = dir.join("report-bench.db");
    let _ = std::fs::remove_file(&db);
    let server = start_server(&artefacts, &db, &[])?;
    let result = json_output(
        Command::new("node")
            .arg("tests/bench/report-bench.mjs")
            .arg(&server.url)
            .arg(&db)
            .arg(&artefacts.server)
            .arg(subjects.to_string()),
    );
    drop(server);
    let result = result?;
    let (made, cached) = (rate(&result, "made_per_second"), rate(&result, "cached_per_second"));
    println!("\nbench reports: {subjects} subjects, 16 in flight: made {made:.0}/s, again (stored) {cached:.0}/s");
    Ok(format!(
        "## Credit reports (loopback, SQLite)\n\n| subjects | made (built, signed, stored, logged) per s | asked again (the stored report) per s | failed |\n\
         |---|---|---|---|\n| {subjects} | {made:.0} | {cached:.0} | {} |\n\nA report is made once per subject, day and \
         content: one read of the subject, one signature and one public-log entry in one transaction; asked again the \
         same day with nothing changed, the stored file is answered (it is still built to know its number).\n",
        result["failed"]
    ))
}

/// App load time in headless Chromium: first visit (nothing cached) and a cached visit (service worker).
fn bench_load() -> Result<String> {
    let artefacts = build_all()?;
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let db = dir.join("load-bench.db");
    let _ = std::fs::remove_file(&db);
    let server = start_server(&artefacts, &db, &[])?;
    let load =
        json_output(Command::new("node").arg("tests/bench/load-bench.mjs").arg(&server.url).arg(&artefacts.dist));
    drop(server);
    let load = load?;
    println!("\nbench load: app ready (first input usable) in headless Chromium, median of {} runs", load["runs"]);
    println!(
        "  cold (empty cache): {:.0} ms; cached (service worker): {:.0} ms; peer (same frame, no app): {:.0} / {:.0} ms",
        rate(&load, "cold_ms"),
        rate(&load, "cached_ms"),
        rate(&load, "peer_cold_ms"),
        rate(&load, "peer_cached_ms")
    );
    let mut md = String::from(
        "## App load (headless Chromium)\n\nA first visit to each route in a fresh browser profile (loopback, median of \
         3): the code it downloads (wasm + JS, bytes as transferred, from Chromium's network log) and when the route \
         is usable.\n\n| first visit to | code transferred KB | target (KB) | all transferred KB | usable ms | builds fetched |\n\
         |---|---|---|---|---|---|\n",
    );
    for route in load["routes"].as_array().into_iter().flatten() {
        let name = route["route"].as_str().unwrap_or_default();
        let files: Vec<&str> = route["files"].as_array().into_iter().flatten().filter_map(|f| f.as_str()).collect();
        md.push_str(&row(&[
            name.to_owned(),
            format!("{:.1}", route["code_kb"].as_f64().unwrap_or(0.0)),
            crate::build::route_budget(name).to_owned(),
            format!("{:.1}", route["all_kb"].as_f64().unwrap_or(0.0)),
            format!("{:.0}", route["ms"].as_f64().unwrap_or(0.0)),
            files.iter().filter(|f| f.ends_with(".wasm")).copied().collect::<Vec<_>>().join(", "),
        ]));
    }
    md.push_str(
        "\nA first visit to a page with one widget: our `/embed/` page, which a host page's iframe loads (the loader \
         and the smallest build with the widget).\n\n| a page with the widget | code transferred KB | target (KB) | \
         all transferred KB | usable ms | builds fetched |\n|---|---|---|---|---|---|\n",
    );
    for widget in load["widgets"].as_array().into_iter().flatten() {
        let module = widget["module"].as_str().unwrap_or_default();
        let shows = crate::build::WIDGET_MODULES.iter().find(|(_, name, _)| *name == module).map_or("", |(_, _, s)| s);
        let files: Vec<&str> = widget["files"].as_array().into_iter().flatten().filter_map(|f| f.as_str()).collect();
        md.push_str(&row(&[
            shows.to_owned(),
            format!("{:.1}", widget["code_kb"].as_f64().unwrap_or(0.0)),
            crate::build::widget_budget(module).to_owned(),
            format!("{:.1}", widget["all_kb"].as_f64().unwrap_or(0.0)),
            format!("{:.0}", widget["ms"].as_f64().unwrap_or(0.0)),
            files.iter().filter(|f| f.ends_with(".wasm")).copied().collect::<Vec<_>>().join(", "),
        ]));
    }
    md.push_str("\n| home page | ms (median) | target |\n|---|---|---|\n");
    md.push_str(&row(&[
        "1.6 Mbps, 150 ms RTT (network emulation): frame shown (first contentful paint)".to_owned(),
        format!("{:.0}", rate(&load, "slow_paint_ms")),
        String::new(),
    ]));
    md.push_str(&row(&[
        format!("1.6 Mbps, 150 ms RTT: code field accepts input ({:.1} KB of code)", rate(&load, "slow_code_kb")),
        format!("{:.0}", rate(&load, "slow_usable_ms")),
        "≤ 2000 ms".into(),
    ]));
    // The peer rows: what this machine's Chromium takes for the page's frame alone, the floor under ours.
    for (label, driver, in_page, target) in [
        (
            "loopback, first visit, empty cache (driver's clock / in the page, from navigation start)",
            "cold",
            "cold_in_page",
            "≤ 300 ms",
        ),
        (
            "loopback, cached visit, service worker (driver's clock / in the page)",
            "cached",
            "cached_in_page",
            "≤ 100 ms",
        ),
        (
            "peer, same run: our frame and styles, a cache-first service worker, no app — first visit",
            "peer_cold",
            "peer_cold_in_page",
            "peer",
        ),
        ("peer, same run: cached visit", "peer_cached", "peer_cached_in_page", "peer"),
    ] {
        let ms = |key: &str| rate(&load, &format!("{key}_ms"));
        md.push_str(&row(&[label.into(), format!("{:.0} / {:.0}", ms(driver), ms(in_page)), target.into()]));
    }
    Ok(md)
}

/// A bounded mixed load for `seconds` (submissions and 1,000-code batches), with the server's memory sampled.
fn bench_soak(seconds: usize) -> Result<String> {
    let artefacts = build_all()?;
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.join(format!("soak.db{suffix}")));
    }
    let server = start_server(&artefacts, &dir.join("soak.db"), &[])?;
    let soak = json_output(
        Command::new("node")
            .arg("tests/bench/soak-load.mjs")
            .arg(&server.url)
            .arg(server.pid().to_string())
            .arg(seconds.to_string()),
    );
    drop(server);
    let soak = soak?;
    let memory: Vec<String> = soak["memory"]
        .as_array()
        .map(|m| m.iter().map(|s| format!("{}s {:.0} MB", s["t"], s["rss_mb"].as_f64().unwrap_or(0.0))).collect())
        .unwrap_or_default();
    println!("\nbench soak: {seconds} s mixed load, failures {}", soak["failures"]);
    println!(
        "  submissions {:.0}/s p50 {:.1} ms p99 {:.1} ms",
        rate(&soak["submit"], "per_s"),
        rate(&soak["submit"], "p50_ms"),
        rate(&soak["submit"], "p99_ms")
    );
    println!(
        "  1,000-code checks {:.1}/s p50 {:.1} ms p99 {:.1} ms",
        rate(&soak["check_1000_codes"], "per_s"),
        rate(&soak["check_1000_codes"], "p50_ms"),
        rate(&soak["check_1000_codes"], "p99_ms")
    );
    println!("  server memory: {}", memory.join(", "));
    let mut md =
        format!("## Load soak ({seconds} s, loopback, 12 clients: 9 submitting, 3 checking 1,000 codes a request)\n\n");
    md.push_str("| | per second | p50 ms | p99 ms |\n|---|---|---|---|\n");
    for (label, key) in [("signed submissions", "submit"), ("batch checks of 1,000 codes", "check_1000_codes")] {
        md.push_str(&row(&[
            label.into(),
            format!("{:.1}", rate(&soak[key], "per_s")),
            format!("{:.1}", rate(&soak[key], "p50_ms")),
            format!("{:.1}", rate(&soak[key], "p99_ms")),
        ]));
    }
    md.push_str(&format!(
        "\nFailed requests: {}. Server resident memory (every 10 s): {}.\n",
        soak["failures"],
        memory.join(", ")
    ));
    Ok(md)
}

/// Gzip sizes of what users download.
fn sizes() -> Result<String> {
    let dist = root().join("dist");
    let pkg = root().join("pkg");
    let mut md = String::from(
        "## Sizes (compressed as served: Brotli 11 precompressed, gzip -9 for clients without Brotli)\n\n| download | raw KB | gzip KB | brotli KB | target |\n|---|---|---|---|---|\n",
    );
    for (label, paths, target) in crate::build::downloads(&dist, &pkg) {
        let (raw, gzip, brotli) = crate::build::total_size(&paths)?;
        md.push_str(&row(&[
            label,
            format!("{:.1}", raw as f64 / 1024.0),
            format!("{:.1}", gzip as f64 / 1024.0),
            format!("{:.1}", brotli as f64 / 1024.0),
            target.into(),
        ]));
    }
    Ok(md)
}

fn per_s(rate: f64) -> String {
    if rate >= 1e6 {
        mps(rate)
    } else {
        format!("{rate:.0}/s")
    }
}

/// Ed25519 in Chromium (ours, noble, WebCrypto), then accepted submissions against a real server.
fn bench_sign() -> Result<String> {
    let artefacts = build_all()?;
    let browser = json_output(Command::new("node").arg("tests/bench/sign-bench.mjs").arg(&artefacts.pkg))?;
    println!(
        "\nbench sign: Ed25519 over a {}-byte JWS signing input, headless Chromium, one run",
        browser["message_bytes"]
    );
    println!("{:<34} {:>12} {:>12} {:>10} {:>10}", "", "sign", "verify", "sign ×noble", "verify ×noble");
    let (noble_sign, noble_verify) = (rate(&browser, "noble_sign_per_s"), rate(&browser, "noble_verify_per_s"));
    for (label, sign, verify) in [
        (
            "xinnuo wasm (dalek curve arithmetic)",
            rate(&browser, "wasm_sign_per_s"),
            rate(&browser, "wasm_verify_per_s"),
        ),
        ("@noble/ed25519 3.2 (pure JS)", noble_sign, noble_verify),
        (
            "WebCrypto Ed25519 (64 in flight)",
            rate(&browser, "webcrypto_sign_per_s"),
            rate(&browser, "webcrypto_verify_per_s"),
        ),
    ] {
        println!(
            "{label:<34} {:>12} {:>12} {:>10.1}× {:>12.1}×",
            per_s(sign),
            per_s(verify),
            sign / noble_sign.max(1.0),
            verify / noble_verify.max(1.0)
        );
    }
    let (webcrypto_sign, webcrypto_verify) =
        (rate(&browser, "webcrypto_sign_per_s"), rate(&browser, "webcrypto_verify_per_s"));
    let (wasm_sign, wasm_verify) = (rate(&browser, "wasm_sign_per_s"), rate(&browser, "wasm_verify_per_s"));
    println!(
        "target: ≥ 3× noble on sign and verify; WebCrypto over xinnuo: sign {:.2}× (≤ 1.5×), verify {:.2}× (≤ 2×)",
        webcrypto_sign / wasm_sign.max(1.0),
        webcrypto_verify / wasm_verify.max(1.0)
    );
    println!(
        "xinnuo verifyEnvelope (signature + template + fields): {}; key unlock (Argon2id 19 MiB, t=2): {:.0} ms",
        per_s(rate(&browser, "wasm_verify_envelope_per_s")),
        rate(&browser, "unlock_key_ms")
    );
    let mut md = String::from("## Ed25519 in the browser (headless Chromium, one run)\n\n");
    md.push_str(&format!("Signing input: a real 纳税服务 commitment, {} bytes.\n\n", browser["message_bytes"]));
    md.push_str("| | sign/s | verify/s | sign × noble | verify × noble | target |\n|---|---|---|---|---|---|\n");
    for (label, sign, verify, target) in [
        (
            "xinnuo wasm (dalek curve arithmetic)",
            rate(&browser, "wasm_sign_per_s"),
            rate(&browser, "wasm_verify_per_s"),
            "≥ 3× noble",
        ),
        ("@noble/ed25519 3.2 (pure JS)", noble_sign, noble_verify, "peer"),
        (
            "WebCrypto Ed25519 (64 in flight)",
            rate(&browser, "webcrypto_sign_per_s"),
            rate(&browser, "webcrypto_verify_per_s"),
            "peer",
        ),
    ] {
        md.push_str(&row(&[
            label.into(),
            format!("{sign:.0}"),
            format!("{verify:.0}"),
            ratio(sign, noble_sign),
            ratio(verify, noble_verify),
            target.into(),
        ]));
    }
    md.push_str(&format!(
        "\nWebCrypto (the browser's native Ed25519) over xinnuo in this run: signing {:.2}× (target ≤ 1.5×), \
         verification {:.2}× (target ≤ 2×).\n",
        webcrypto_sign / wasm_sign.max(1.0),
        webcrypto_verify / wasm_verify.max(1.0)
    ));
    md.push_str(&format!(
        "\nFull `verifyEnvelope` (signature + template + fields): {:.0}/s. Key unlock (Argon2id 19 MiB, t=2): {:.0} ms.\n\n",
        rate(&browser, "wasm_verify_envelope_per_s"),
        rate(&browser, "unlock_key_ms")
    ));
    Ok(md)
}

/// Where a benchmark server keeps its data.
enum BenchDb<'a> {
    Sqlite,
    /// A cluster to create fresh databases in (one for the server, one for the generator's SQL timing).
    Postgres(&'a crate::postgres::Cluster),
}

/// Runs the Rust load generator (`examples/submit_load.rs`) against a fresh server on a fresh database. On
/// PostgreSQL the report gains `postgres_cpu_us_per_accepted`: the cluster's own CPU time over the run.
fn submit_load(
    artefacts: &Artefacts,
    backend: &BenchDb,
    count: usize,
    in_flight: usize,
    per_second: usize,
) -> Result<Value> {
    let dir = root().join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let (db, scratch) = match backend {
        BenchDb::Sqlite => {
            for suffix in ["", "-wal", "-shm"] {
                let _ = std::fs::remove_file(dir.join(format!("submit-bench.db{suffix}")));
            }
            (dir.join("submit-bench.db").to_string_lossy().into_owned(), None)
        }
        BenchDb::Postgres(cluster) => {
            let run_id = crate::run::random_u64() % 1_000_000;
            (cluster.database(&format!("bench_{run_id}"))?, Some(cluster.database(&format!("bench_sql_{run_id}"))?))
        }
    };
    let server = start_server(artefacts, Path::new(&db), &[])?;
    let mut command = cargo_native("run");
    command.args(["--quiet", "-p", "xinnuo-server", "--example", "submit_load", "--"]);
    command.arg(&server.url).arg(count.to_string()).arg(in_flight.to_string()).arg(per_second.to_string());
    command.arg(server.pid().to_string());
    command.args(scratch);
    let cluster_cpu = || match backend {
        BenchDb::Postgres(cluster) => cluster.cpu_seconds(),
        BenchDb::Sqlite => 0.0,
    };
    let before = cluster_cpu();
    let mut report = json_output(&mut command)?;
    let postgres_us = (cluster_cpu() - before) * 1e6 / rate(&report, "accepted").max(1.0);
    if matches!(backend, BenchDb::Postgres(_)) {
        report["postgres_cpu_us_per_accepted"] = postgres_us.into();
    }
    Ok(report)
}

/// Submissions in flight for the "as fast as accepted" run: with 64 the server's two cores sat idle a third of the
/// time between batches (measured: 5,800/s at 64, 8,400/s at 256 on the same build); more clients keep the
/// committer's next batch filling while one commits, as many enterprises submitting at once would.
const FAST_IN_FLIGHT: usize = 256;

/// Signed submissions a server accepts, on SQLite and on PostgreSQL in the same run: as fast as it can
/// (`FAST_IN_FLIGHT` at once) and at 1,000/s (latency), with the server's own CPU time per accepted submission and where
/// it goes (and on PostgreSQL the database's CPU, a separate process).
fn bench_server(count: usize) -> Result<String> {
    let artefacts = build_all()?;
    let cluster = crate::postgres::Cluster::start(&root().join("target/pg-bench"))?;
    let mut md = String::from(
        "## Server submissions (loopback, pre-signed, Rust load generator; SQLite and PostgreSQL in the same run)\n\n\
         | database | load | accepted/s | p50 ms | p99 ms | server CPU µs per accepted | of it: verification µs | SQL µs (generator, alone) | database CPU µs per accepted | target |\n\
         |---|---|---|---|---|---|---|---|---|---|\n",
    );
    for (name, backend) in [("SQLite", BenchDb::Sqlite), ("PostgreSQL 15", BenchDb::Postgres(&cluster))] {
        let fast = submit_load(&artefacts, &backend, count, FAST_IN_FLIGHT, 0)?;
        let steady = submit_load(&artefacts, &backend, 5_000, 64, 1_000)?;
        let cpu_us = rate(&fast, "server_cpu_us_per_accepted");
        let (verify_us, sql_us) = (rate(&fast, "verify_us"), rate(&fast, "sql_us_per_row"));
        // The generator shares the two cores with the server: what it takes a request is not the server's.
        let generator_us = rate(&fast, "generator_cpu_s") * 1e6 / rate(&fast, "accepted").max(1.0);
        let database_us = match backend {
            BenchDb::Sqlite => "(in the server)".to_owned(),
            BenchDb::Postgres(_) => format!("{:.0}", rate(&fast, "postgres_cpu_us_per_accepted")),
        };
        // SQLite's SQL runs in the server's process; PostgreSQL's time (the generator's, alone) includes the
        // database's own work and the round trips, so it is no share of the server's CPU.
        let rest = match backend {
            BenchDb::Sqlite => format!("{:.0} µs", (cpu_us - verify_us - sql_us).max(0.0)),
            BenchDb::Postgres(_) => "— (SQL here is the database's time too)".to_owned(),
        };
        println!(
            "\nbench server ({name}): {} submissions, {FAST_IN_FLIGHT} in flight: {} accepted, p50 {:.1} ms, p99 {:.1} ms, statuses {}; \
             server CPU {cpu_us:.0} µs per accepted (target ≤ 150 µs on SQLite): verification {verify_us:.0} µs, SQL \
             {sql_us:.0} µs, HTTP, JSON and the rest {rest}; database CPU {database_us} µs; generator CPU \
             {generator_us:.0} µs per request; at 1,000/s p99 {:.1} ms",
            fast["submissions"],
            per_s(rate(&fast, "accepted_per_s")),
            rate(&fast, "p50_ms"),
            rate(&fast, "p99_ms"),
            fast["statuses"],
            rate(&steady, "p99_ms"),
        );
        md.push_str(&row(&[
            name.into(),
            format!(
                "{} as fast as accepted, {FAST_IN_FLIGHT} in flight (generator {generator_us:.0} µs a request)",
                fast["submissions"]
            ),
            format!("{:.0}", rate(&fast, "accepted_per_s")),
            format!("{:.1}", rate(&fast, "p50_ms")),
            format!("{:.1}", rate(&fast, "p99_ms")),
            format!("{cpu_us:.0}"),
            format!("{verify_us:.0}"),
            format!("{sql_us:.0}"),
            database_us.clone(),
            "≥ 10,000/s; ≤ 150 µs (SQLite)".into(),
        ]));
        md.push_str(&row(&[
            name.into(),
            "5000 at 1,000/s".into(),
            format!("{:.0}", rate(&steady, "accepted_per_s")),
            format!("{:.1}", rate(&steady, "p50_ms")),
            format!("{:.1}", rate(&steady, "p99_ms")),
            format!("{:.0}", rate(&steady, "server_cpu_us_per_accepted")),
            String::new(),
            String::new(),
            match backend {
                BenchDb::Sqlite => String::new(),
                BenchDb::Postgres(_) => format!("{:.0}", rate(&steady, "postgres_cpu_us_per_accepted")),
            },
            "p99 ≤ 20 ms".into(),
        ]));
    }
    md.push_str(
        "\nServer CPU is the server process's own time over the run (from /proc), so the generator's share does not \
         count; the database's CPU is the PostgreSQL cluster's processes over the same run (SQLite runs inside the \
         server). Verification (signature, canonical form, disclosures, fields) and SQL (batches as large as the submissions in flight) are measured \
         alone in the generator's process; HTTP, JSON, the public log (one checkpoint signature and the proofs a batch) and the rest are the difference. A receipt (its log entry and proof) is \
         sent only after its batch is committed (SQLite WAL; PostgreSQL with synchronous_commit on), and servers on \
         one PostgreSQL database take turns writing (one advisory lock per transaction).\n",
    );
    drop(cluster);
    Ok(md)
}

fn bench_codes(count: usize) -> Result<String> {
    let root = root();
    let dir = root.join("target/bench");
    std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
    let codes = dir.join(format!("codes-{count}.txt"));
    if !codes.exists() {
        run(native_bench().arg("generate").arg(&codes).arg(count.to_string()))?;
    }
    let artefacts = build_all()?;
    let native = json_output(native_bench().arg("run").arg(&codes))?;
    let browser =
        json_output(Command::new("node").arg("tests/bench/browser-bench.mjs").arg(&codes).arg(&artefacts.pkg))?;
    let python = stdnum_python(&dir)?;
    let stdnum = json_output(Command::new(python).arg("tests/bench/stdnum_bench.py").arg(&codes))?;

    let stdnum_rate = rate(&stdnum, "is_valid_per_s");
    let rows = [
        ("native check() (one core)", rate(&native, "check_per_s"), "≥ 20 M/s"),
        ("native check_batch(text) (split + check)", rate(&native, "check_batch_per_s"), ""),
        ("native validate() full report", rate(&native, "validate_report_per_s"), ""),
        ("browser checkCodes(text) (wasm, Chromium)", rate(&browser, "check_codes_per_s"), "≥ 5 M/s"),
        ("browser validateCodes(text) full reports", rate(&browser, "validate_codes_per_s"), ""),
        ("python-stdnum cn.uscc.is_valid", stdnum_rate, "peer"),
    ];
    println!("\nbench codes: {count} codes (mixed valid/invalid), one run");
    println!("{:<46} {:>12} {:>10}  target", "", "codes/s", "× stdnum");
    for (label, value, target) in rows {
        println!("{label:<46} {:>12} {:>9.1}×  {target}", mps(value), value / stdnum_rate.max(1.0));
    }
    println!(
        "valid codes: native {} / python-stdnum {} (stdnum checks only 18-symbol credit codes)",
        native["valid"], stdnum["valid"]
    );
    let mut md = format!("## Credit-code checks ({count} generated codes, one run)\n\n| | codes/s | × python-stdnum | target |\n|---|---|---|---|\n");
    for (label, value, target) in rows {
        md.push_str(&row(&[label.into(), mps(value), ratio(value, stdnum_rate), target.into()]));
    }
    Ok(md)
}
