//! Build once: app → dist/, JS package → pkg/, server binary. Tests and benchmarks reuse these.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::exec::cargo;
use crate::run::run;
use crate::tools::{self, WASM_TARGET};
use crate::workspace::{copy_tree, root, Artefacts, Result};

/// The embedding demo imports widgets from whatever server its link names: it is served only by
/// `xinnuo-server serve --embed-demo-addr`, from `web/embed-demo`, never from the app's origin.
const NOT_SHIPPED: &[&str] = &["embed-demo"];

pub fn copy_dir(from: &Path, to: &Path) -> Result {
    copy_tree(from, to, NOT_SHIPPED)
}

/// wasm-opt's size settings: `-Oz`, with functions that differ only in constants merged first, and offsets folded
/// into loads and stores on the assumption that the lowest 1 KB of memory is never used — true of Rust's wasm,
/// whose stack comes first and grows down towards it (data starts at 1 MB). Measured on `#/commit`: 294.8 →
/// 292.5 KB Brotli, +1 s of wasm-opt's 16 s.
const SIZE_OPTIMIZED: &str = "--merge-similar-functions -Oz --low-memory-unused";

/// The app's route builds with a first-visit budget: the same passes run again until the file stops shrinking
/// (Brotli: `#/commit` 0.9 KB less, `/` 0.6, `#/verify` 0.8; about twice wasm-opt's time, beside the next build's
/// cargo). Not the build with every route: its Brotli grew 3.2 KB so.
const FIRST_VISIT_OPTIMIZED: &str = "--merge-similar-functions -Oz --low-memory-unused --converge";

/// wasm-bindgen (web target, names and the producers section removed), then wasm-opt from npm binaryen with
/// `optimize` (its flags). A build only our own pages load (`ours`: the app's and the widgets', whose loaders
/// always say where the wasm is) also loses what only its tools would read: the glue's default wasm path and the
/// wasm's target-features section (kept in the npm package, for its users' bundlers and optimisers).
fn bindgen(wasm: &Path, out_dir: &Path, out_name: &str, optimize: &str, ours: bool) -> Result {
    // What it contains, read while the names are still there (`cargo xtask bench size`).
    crate::size::write_report(wasm, out_name)?;
    run(Command::new("wasm-bindgen")
        .args(["--target", "web", "--remove-name-section", "--remove-producers-section"])
        .args(ours.then_some("--omit-default-module-path"))
        .args(["--out-name", out_name, "--out-dir"])
        .arg(out_dir)
        .arg(wasm))?;
    let optimized = out_dir.join(format!("{out_name}_bg.wasm"));
    run(Command::new(tools::wasm_opt())
        .args(optimize.split_whitespace())
        .args(ours.then_some("--strip-target-features"))
        .arg(&optimized)
        .arg("-o")
        .arg(&optimized))
}

/// Minifies an ES module or a style sheet in place (esbuild): wasm-bindgen's glue, our loaders and the styles
/// are downloaded before anything shows; minified the scripts are about half the bytes (a third less
/// compressed), the styles 0.4 KB less compressed. Chinese text in scripts stays UTF-8 (3 bytes a character,
/// not a 6-byte `\u` escape): module scripts are always read as UTF-8, whatever the page's encoding (a style
/// sheet is not, so its escapes stay). The sources stay as written; `pkg/` is left readable for the bundlers of
/// the package's users.
fn minify(file: &Path) -> Result {
    let module = file.extension().is_some_and(|extension| extension == "js");
    run(Command::new(tools::esbuild())
        .arg(file)
        .args(["--minify", "--allow-overwrite", "--log-level=warning"])
        .args(module.then_some("--format=esm"))
        .args(module.then_some("--charset=utf8"))
        .arg(format!("--outfile={}", file.display())))
}

/// Fills `sw.js` with this build's version (a hash of the shell files) and the list of files to cache.
fn write_service_worker(dist: &Path) -> Result {
    use std::hash::{Hash, Hasher};
    let mut shell: Vec<String> = Vec::new();
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    for path in files_below(dist)? {
        let relative = path.strip_prefix(dist).map_err(|e| e.to_string())?.to_string_lossy().replace('\\', "/");
        // The shell only: widgets, embeds and the embedding demo are fetched when used; the 404 page and
        // robots.txt are for the server and crawlers, never the app's.
        let elsewhere = ["widgets/", "embed/"].iter().any(|p| relative.starts_with(p));
        let not_app = ["sw.js", "404.html", "robots.txt"].contains(&relative.as_str());
        if not_app || relative.ends_with(".d.ts") || elsewhere {
            continue;
        }
        shell.push(format!("./{relative}"));
    }
    shell.sort();
    for file in &shell {
        file.hash(&mut hasher);
        let path = dist.join(file.trim_start_matches("./"));
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?.hash(&mut hasher);
    }
    shell.insert(0, "./".into());
    let template = std::fs::read_to_string(dist.join("sw.js")).map_err(|e| format!("sw.js: {e}"))?;
    let list = serde_json::to_string(&shell).map_err(|e| e.to_string())?;
    let filled =
        template.replace("__XINNUO_VERSION__", &format!("{:016x}", hasher.finish())).replace("__XINNUO_SHELL__", &list);
    std::fs::write(dist.join("sw.js"), filled).map_err(|e| format!("sw.js: {e}"))
}

/// The app's styles for inside a widget's shadow root: `:root` becomes `:host`, which also stops the host
/// page's inherited fonts and colours at the boundary.
fn write_widget_styles(dist: &Path) -> Result {
    let styles = std::fs::read_to_string(dist.join("styles.css")).map_err(|e| format!("styles.css: {e}"))?;
    let host = ":host { all: initial; display: block; }\n:host, .xinnuo-widget {";
    let widget = styles.replacen(":root {", host, 1);
    std::fs::write(dist.join("widgets/widgets.css"), widget).map_err(|e| format!("widgets.css: {e}"))
}

/// What users download, with its target: (label, files, target). A widget page loads the loader, one
/// module's glue and that module's wasm.
pub fn downloads(dist: &Path, pkg: &Path) -> Vec<(String, Vec<PathBuf>, &'static str)> {
    let widgets = dist.join("widgets");
    let mut list = Vec::new();
    for (_, build, route) in APP_BUILDS {
        let files = vec![dist.join("boot.js"), dist.join(format!("{build}.js")), dist.join(format!("{build}_bg.wasm"))];
        list.push((format!("app, first visit to {route}"), files, route_budget(route)));
    }
    for (_, module, shows) in WIDGET_MODULES {
        let files = vec![
            widgets.join("xinnuo-widgets.js"),
            widgets.join(format!("{module}.js")),
            widgets.join(format!("{module}_bg.wasm")),
        ];
        list.push((format!("widgets page: {shows}"), files, widget_budget(module)));
    }
    let log_watch = vec![dist.join(format!("{LOG_WATCH}.js")), dist.join(format!("{LOG_WATCH}_bg.wasm"))];
    list.push(("log check after a receipt (commit, verify, widget)".to_owned(), log_watch, ""));
    list.push(("npm package wasm (all-in-one xinnuo)".to_owned(), vec![pkg.join("xinnuo_bg.wasm")], ""));
    for (entry, _) in NPM_ENTRIES {
        list.push((
            format!("npm package wasm, xinnuo/{entry}"),
            vec![pkg.join(format!("{entry}/xinnuo_{entry}_bg.wasm"))],
            npm_budget(entry),
        ));
    }
    list
}

/// Kinds of file worth compressing (images and fonts are compressed already).
const COMPRESSIBLE: &[&str] = &["html", "js", "mjs", "css", "wasm", "json", "svg", "webmanifest", "txt"];

/// Writes `FILE.br` (Brotli, quality 11) and `FILE.gz` (gzip -9) beside every compressible file of `dir`, so
/// that the server (tower-http's precompressed `ServeDir`), `export-static` and any static host send the
/// compressed bytes without compressing on each request. Run after the service worker lists the shell: the
/// browser decodes, so the worker caches the plain files.
pub fn precompress(dir: &Path) -> Result {
    for (path, brotli, gzip) in compress_below(dir)? {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        for (suffix, body) in [("br", brotli), ("gz", gzip)] {
            let target = path.with_file_name(format!("{name}.{suffix}"));
            std::fs::write(&target, body).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}

/// A file, its Brotli bytes and its gzip bytes.
type Compressed = (PathBuf, Vec<u8>, Vec<u8>);

/// Each compressible file below `dir` (by its extension), compressed (`compressed`).
fn compress_below(dir: &Path) -> Result<Vec<Compressed>> {
    let mut done = Vec::new();
    for path in files_below(dir)? {
        if !COMPRESSIBLE.contains(&path.extension().and_then(|e| e.to_str()).unwrap_or_default()) {
            continue;
        }
        let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let (brotli, gzip) = compressed(&bytes)?;
        done.push((path, brotli, gzip));
    }
    Ok(done)
}

/// Compresses a build's outputs into the cache `compressed` keeps, so that `precompress` finds them there at
/// the end: run in a wasm build's finishing step, beside the next build's cargo, whose single-threaded LTO link
/// leaves a core idle (Brotli 11 of the whole site at the end took about a minute on two cores).
fn compress_ahead(dir: &Path) -> Result {
    compress_below(dir).map(drop)
}

/// Every file below `dir`, at any depth.
fn files_below(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))? {
            let path = entry.map_err(|e| e.to_string())?.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    Ok(files)
}

/// Brotli's quality and window (2^22: 4 MiB), gzip's level.
const BROTLI_QUALITY: i32 = 11;
const BROTLI_LGWIN: i32 = 22;
const GZIP_LEVEL: u32 = 9;
/// Brotli's input block sizes tried (2^n bytes), the smallest output kept: the setting moves a file's size
/// either way by up to 0.3 % (the route builds' wasm: up to 1 KB), and every result is plain Brotli to any
/// decoder. Of 2^16…2^19 (the encoder's own choice at quality 11 is 2^18; 2^20 or more wrote the same as 2^20),
/// the smallest was 2^16's or 2^17's for every file measured: the other two only cost the test command's time.
const BROTLI_LGBLOCKS: [i32; 2] = [16, 17];

/// What compressed output depends on besides the bytes: the settings above and the versions of the crates
/// that compress, as `Cargo.lock` pins them for xtask.
fn compression_settings() -> &'static str {
    static SETTINGS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SETTINGS.get_or_init(|| {
        let lock = std::fs::read_to_string(root().join("Cargo.lock")).unwrap_or_default();
        let versions = crate::cache::locked_versions(&lock, "xtask", &["brotli", "flate2"]).join(", ");
        format!(
            "brotli quality {BROTLI_QUALITY} lgwin {BROTLI_LGWIN} smallest of lgblock {BROTLI_LGBLOCKS:?}; gzip level {GZIP_LEVEL}; {versions}"
        )
    })
}

/// The name compressed output is kept under: SHA-256 of the settings and the bytes.
fn compression_key(settings: &str, bytes: &[u8]) -> String {
    use sha2::Digest;
    let mut hash = sha2::Sha256::new();
    hash.update(settings.as_bytes());
    hash.update([0]);
    hash.update(bytes);
    hash.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// Brotli (quality 11, 4 MiB window) and gzip (-9) of `bytes`.
pub fn compressed(bytes: &[u8]) -> Result<(Vec<u8>, Vec<u8>)> {
    // Brotli 11 of the whole site takes most of a build that reused everything else: the same bytes always
    // compress to the same bytes with the same settings and compressors, so each result is kept by their hash.
    let cache = root().join("target/build-cache/compressed");
    let key = compression_key(compression_settings(), bytes);
    let (br_file, gz_file) = (cache.join(format!("{key}.br")), cache.join(format!("{key}.gz")));
    if let (Ok(brotli), Ok(gzip)) = (std::fs::read(&br_file), std::fs::read(&gz_file)) {
        return Ok((brotli, gzip));
    }
    // Each block size on a thread of its own: compressing runs beside a cargo whose LTO link uses one core, or at
    // the end of a build.
    let tried: Vec<Result<Vec<u8>>> = std::thread::scope(|scope| {
        let jobs: Vec<_> = BROTLI_LGBLOCKS.map(|lgblock| scope.spawn(move || brotli_of(bytes, lgblock))).into();
        jobs.into_iter().map(|job| job.join().unwrap_or_else(|_| Err("Brotli panicked".to_owned()))).collect()
    });
    let brotli = tried.into_iter().collect::<Result<Vec<_>>>()?.into_iter().min_by_key(Vec::len).unwrap_or_default();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::new(GZIP_LEVEL));
    encoder.write_all(bytes).map_err(|e| e.to_string())?;
    let gzip = encoder.finish().map_err(|e| e.to_string())?;
    // Written gzip first, Brotli last: a half-written pair is never read as a whole one.
    if std::fs::create_dir_all(&cache).is_ok() {
        let _ = std::fs::write(&gz_file, &gzip).and_then(|()| std::fs::write(&br_file, &brotli));
    }
    Ok((brotli, gzip))
}

fn brotli_of(bytes: &[u8], lgblock: i32) -> Result<Vec<u8>> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: BROTLI_QUALITY,
        lgwin: BROTLI_LGWIN,
        lgblock,
        ..Default::default()
    };
    let mut compressed = Vec::new();
    brotli::BrotliCompress(&mut &bytes[..], &mut compressed, &params).map_err(|e| format!("Brotli: {e}"))?;
    Ok(compressed)
}

/// Raw, gzip and Brotli sizes of files downloaded together (each compressed on its own, as served).
pub fn total_size(paths: &[PathBuf]) -> Result<(u64, u64, u64)> {
    let mut total = (0, 0, 0);
    for path in paths {
        let (raw, gzip, brotli) = compressed_sizes(path)?;
        total = (total.0 + raw, total.1 + gzip, total.2 + brotli);
    }
    Ok(total)
}

/// A file's size raw, gzip -9 and Brotli 11 (its precompressed `.br` when the build wrote one).
pub fn compressed_sizes(path: &Path) -> Result<(u64, u64, u64)> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (brotli, gzip) = compressed(&bytes)?;
    Ok((bytes.len() as u64, gzip.len() as u64, brotli.len() as u64))
}

/// The app's builds, by the route a first visit downloads them for: (`xinnuo-app` features, output name,
/// route). `web/boot.js` (`BUILD_FOR_ROUTE`) loads the same build for the same route; the last one has every
/// route, for the others and for what a route's own build leaves out.
pub const APP_BUILDS: &[(&str, &str, &str)] = &[
    ("app route-check", "app_check", "/ (code check)"),
    ("app route-status", "app_status", "#/status"),
    ("app route-verify", "app_verify", "#/verify"),
    // Fills and signs, never verifies an old document: the template versions that ended before today stay out,
    // and so does the check of receipts signed alone (it takes a current server's answers: log entries).
    ("app route-commit xinnuo-core/current-templates xinnuo-core/log-receipts-only", "app_commit", "#/commit"),
    ("app every-route", "app", "any other route"),
];

/// The app's build with the public log's view alone (`web/boot.js` and the widgets' loader load it).
const LOG_WATCH: &str = "log_watch";

/// Issue 18's budget for a first visit to a route (wasm + JS, Brotli, as transferred).
pub fn route_budget(route: &str) -> &'static str {
    match route {
        "/ (code check)" => "≤ 150 KB",
        "#/status" | "#/verify" => "≤ 250 KB",
        "#/commit" => "≤ 300 KB",
        _ => "",
    }
}

/// The widget builds, smallest first: (cargo features, output name, the widgets it has). The commitment build
/// has the signing widget alone: it is what the widget's own frame loads on another origin's page.
/// `web/widgets/xinnuo-widgets.js` loads the smallest one that has every widget on the page (its `MODULES`
/// lists the same builds).
pub const WIDGET_MODULES: &[(&[&str], &str, &str)] = &[
    (&["--no-default-features", "--features", "code-check"], "xinnuo_widgets_check", "code check"),
    (&["--no-default-features", "--features", "code-check status"], "xinnuo_widgets_status", "code check + status"),
    (&["--no-default-features", "--features", "report-verify"], "xinnuo_widgets_report", "report check"),
    (
        &["--no-default-features", "--features", "commitment xinnuo-core/current-templates"],
        "xinnuo_widgets_commitment",
        "commitment",
    ),
    (&[], "xinnuo_widgets", "all three"),
];

/// Issue 18's budget for a page with these widgets (Brotli, as transferred); the union has none of its own.
pub fn widget_budget(module: &str) -> &'static str {
    match module {
        "xinnuo_widgets_check" => "≤ 130 KB",
        "xinnuo_widgets_status" => "≤ 250 KB",
        // A tendering platform's page with the report check alone (our own budget: it verifies signatures).
        "xinnuo_widgets_report" => "≤ 250 KB",
        "xinnuo_widgets_commitment" => "≤ 300 KB (its iframe)",
        _ => "",
    }
}

/// The package's entries by use besides the all-in-one `xinnuo`: (entry, `xinnuo-wasm` features).
const NPM_ENTRIES: &[(&str, &[&str])] =
    &[("codes", &["codes"]), ("status", &["codes", "status"]), ("commitments", &["commitments"])];

/// Issue 18's budget for an npm entry, as transferred (gzip where the issue says so).
fn npm_budget(entry: &str) -> &'static str {
    match entry {
        "codes" => "≤ 60 KB gzip",
        "status" => "≤ 150 KB compressed",
        "commitments" => "≤ 250 KB compressed",
        _ => "",
    }
}

/// One wasm build: `cargo build` of `package` with `features`, then wasm-bindgen and wasm-opt (and, when
/// `minified`, a build only our own pages load: esbuild on the glue, and `bindgen`'s `ours`) into `out_dir` — or, when nothing it is made from changed, the same files from
/// the last time (`cache.rs`). Returns whether it was reused.
struct WasmBuild<'a> {
    package: &'a str,
    cargo_args: Vec<String>,
    out_name: &'a str,
    optimize: &'a str,
    minified: bool,
}

impl WasmBuild<'_> {
    /// The date a build that leaves out ended template versions is made for (`None` for any other).
    fn build_day(&self) -> Option<String> {
        self.cargo_args.iter().any(|arg| arg.contains("current-templates")).then(crate::cache::build_day)
    }

    /// What the build's stamp covers besides its files: its arguments, names, steps and build date.
    fn parameters(&self, build_day: Option<&str>) -> String {
        let (args, name, optimize, minified) = (self.cargo_args.join(" "), self.out_name, self.optimize, self.minified);
        format!("{args}|{name}|{optimize}|{minified}|{}", build_day.unwrap_or_default())
    }

    /// `cargo build` of the crate, with the build date the core's build script reads (so that cargo reruns it
    /// on a new day).
    fn cargo_build(&self, build_day: Option<&str>) -> Command {
        let mut command = cargo();
        command.args(["build", "--release", "--target", WASM_TARGET, "-p", self.package]).args(&self.cargo_args);
        if let Some(day) = build_day {
            command.env(crate::cache::BUILD_DAY_VAR, day);
        }
        command
    }

    /// Runs cargo for the build — unless nothing it is made from changed, when its last outputs are copied to
    /// `out_dir` and `None` is answered — and answers what remains: wasm-bindgen, wasm-opt and esbuild into its
    /// cache directory, its stamp, the copy to `out_dir`. `build_web` runs that beside the next build's cargo,
    /// whose last step (the LTO link of one codegen unit) leaves a core idle.
    fn start(&self, out_dir: &Path, toolchain: &str) -> Result<Option<impl FnOnce() -> Result + Send + '_>> {
        let build_day = self.build_day();
        let stamp = crate::cache::stamp(self.package, &self.parameters(build_day.as_deref()), toolchain)?;
        let (dir, reused) = crate::cache::begin(self.out_name, &stamp)?;
        if reused {
            crate::cache::copy_outputs(&dir, out_dir)?;
            return Ok(None);
        }
        run(&mut self.cargo_build(build_day.as_deref()))?;
        // Kept apart from cargo's output, which the next build overwrites.
        let made = root()
            .join("target")
            .join(WASM_TARGET)
            .join("release")
            .join(format!("{}.wasm", self.package.replace('-', "_")));
        let wasm = dir.with_extension("cargo.wasm");
        std::fs::copy(&made, &wasm).map_err(|e| format!("{}: {e}", made.display()))?;
        let out_dir = out_dir.to_path_buf();
        Ok(Some(move || {
            bindgen(&wasm, &dir, self.out_name, self.optimize, self.minified)?;
            if self.minified {
                minify(&dir.join(format!("{}.js", self.out_name)))?;
            }
            compress_ahead(&dir)?;
            let _ = std::fs::remove_file(&wasm);
            crate::cache::done(&dir, &stamp)?;
            // One copy at a time: builds of one crate share files (wasm-bindgen's snippets), written whole.
            static COPYING: std::sync::Mutex<()> = std::sync::Mutex::new(());
            let _copying = COPYING.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            crate::cache::copy_outputs(&dir, &out_dir)
        }))
    }
}

fn features(list: &str) -> Vec<String> {
    if list.is_empty() {
        Vec::new()
    } else {
        vec!["--features".into(), list.into()]
    }
}

pub fn build_all() -> Result<Artefacts> {
    // The server builds beside the wasm builds, in a target directory of its own (`exec::native_target_dir`):
    // its 16 codegen units keep the core that each wasm build's single-threaded LTO link leaves idle busy.
    let server_build = std::thread::spawn(|| run(crate::exec::cargo_native("build").args(["-p", "xinnuo-server"])));
    let web = build_web();
    // Waited for whatever the web builds did, so that a failed one leaves no cargo running behind xtask.
    let server_built = server_build.join().map_err(|_| "the server build's thread panicked".to_owned());
    let (dist, pkg) = web?;
    server_built??;
    let server = crate::exec::native_target_dir().join("server/xinnuo-server");
    // The templates compiled into every build: field rules, placeholders and the text each hash pins.
    run(Command::new(&server).arg("check-data"))?;

    eprintln!("\nsizes (raw / gzip -9 / brotli 11, as served):");
    for (label, paths, _) in downloads(&dist, &pkg) {
        let (raw, gzip, brotli) = total_size(&paths)?;
        let kb = |bytes: u64| bytes as f64 / 1024.0;
        eprintln!("  {label:<50} {:>8.1} KB / {:>7.1} KB / {:>7.1} KB", kb(raw), kb(gzip), kb(brotli));
    }
    eprintln!("built: dist/ (app), pkg/ (npm package xinnuo), {}", server.display());
    Ok(Artefacts { dist, pkg, server })
}

/// The app → `dist/` and the npm package → `pkg/`: every wasm build, the loaders, styles and service worker,
/// precompressed.
fn build_web() -> Result<(PathBuf, PathBuf)> {
    let root = root();
    let dist = root.join("dist");
    let pkg = root.join("pkg");
    let _ = std::fs::remove_dir_all(&dist);
    std::fs::create_dir_all(&dist).map_err(|e| e.to_string())?;
    std::fs::copy(root.join("index.html"), dist.join("index.html")).map_err(|e| format!("index.html: {e}"))?;
    copy_dir(&root.join("web"), &dist)?;
    // Every wasm build, with where its outputs go.
    let mut builds: Vec<(WasmBuild, PathBuf)> = Vec::new();
    for (app_features, out_name, route) in APP_BUILDS {
        let mut cargo_args = vec!["--no-default-features".to_owned()];
        cargo_args.extend(features(app_features));
        let optimize = if route_budget(route).is_empty() { SIZE_OPTIMIZED } else { FIRST_VISIT_OPTIMIZED };
        let build = WasmBuild { package: "xinnuo-app", cargo_args, out_name, optimize, minified: true };
        builds.push((build, dist.clone()));
    }
    // The log's view alone (`log_watch_build::observe_for`), for the builds without it: the commit and verify
    // routes' and the widgets load it when they first meet a checkpoint (their first visit does not download it).
    let log_watch_args = vec!["--no-default-features".to_owned(), "--features".to_owned(), "public-log".to_owned()];
    let log_watch = WasmBuild {
        package: "xinnuo-app",
        cargo_args: log_watch_args,
        out_name: LOG_WATCH,
        optimize: SIZE_OPTIMIZED,
        minified: true,
    };
    builds.push((log_watch, dist.clone()));
    // The package is size-optimised like the app: at opt-level "z" it still checks > 6 M codes/s and signs
    // ~4× faster than @noble/ed25519 in Chromium, and its wasm is 50 KB (gzip) smaller than at -O3.
    let package = WasmBuild {
        package: "xinnuo-wasm",
        cargo_args: Vec::new(),
        out_name: "xinnuo",
        optimize: SIZE_OPTIMIZED,
        minified: false,
    };
    builds.push((package, pkg.clone()));
    // The entries by use: `xinnuo/codes` (no templates, rules or signing), `xinnuo/status` (codes + credit
    // status and repair rules) and `xinnuo/commitments` (templates, keys, signing and verification).
    let entry_names: Vec<String> = NPM_ENTRIES.iter().map(|(entry, _)| format!("xinnuo_{entry}")).collect();
    for ((entry, entry_features), out_name) in NPM_ENTRIES.iter().zip(&entry_names) {
        let mut cargo_args = vec!["--no-default-features".to_owned()];
        cargo_args.extend(features(&entry_features.join(" ")));
        let build =
            WasmBuild { package: "xinnuo-wasm", cargo_args, out_name, optimize: SIZE_OPTIMIZED, minified: false };
        builds.push((build, pkg.join(entry)));
    }
    // Key derivation for `web/kdf-worker.js`: Argon2id off the page's main thread.
    let kdf = WasmBuild {
        package: "xinnuo-kdf",
        cargo_args: Vec::new(),
        out_name: "xinnuo_kdf",
        optimize: "-O3",
        minified: false,
    };
    builds.push((kdf, dist.join("kdf")));
    for (widget_args, out_name, _) in WIDGET_MODULES {
        let cargo_args = widget_args.iter().map(|a| a.to_string()).collect();
        let build =
            WasmBuild { package: "xinnuo-widgets", cargo_args, out_name, optimize: SIZE_OPTIMIZED, minified: true };
        builds.push((build, dist.join("widgets")));
    }
    let toolchain = crate::cache::toolchain();
    let mut reused = Vec::new();
    // cargo one build at a time (they share target/); each one's finishing beside the next one's cargo.
    std::thread::scope(|scope| -> Result {
        let mut finishing = Vec::new();
        for (build, out_dir) in &builds {
            match build.start(out_dir, &toolchain)? {
                None => reused.push(build.out_name),
                Some(finish) => finishing.push(scope.spawn(finish)),
            }
        }
        // Every job waited for, then the first failure said.
        let results: Vec<Result> = finishing
            .into_iter()
            .map(|job| job.join().unwrap_or_else(|_| Err("a wasm build's finishing panicked".to_owned())))
            .collect();
        results.into_iter().collect()
    })?;
    write_widget_styles(&dist)?;
    // The loaders and styles every page with the app or a widget downloads first (and the commitment widget's
    // frame).
    for first in ["boot.js", "widgets/xinnuo-widgets.js", "embed/embed-frame.js", "styles.css", "widgets/widgets.css"] {
        minify(&dist.join(first))?;
    }
    write_service_worker(&dist)?;
    precompress(&dist)?;
    if !reused.is_empty() {
        eprintln!("reused (nothing they are made from changed): {}", reused.join(", "));
    }
    Ok((dist, pkg))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A build that leaves out ended template versions is made for a day: its stamp says which, and cargo is
    /// told it (the core's build script reruns on a new day instead of reusing yesterday's templates).
    #[test]
    fn a_current_templates_build_is_told_its_day() {
        let build = |features: &str| WasmBuild {
            package: "xinnuo-app",
            cargo_args: features.split(' ').map(str::to_owned).collect(),
            out_name: "app_commit",
            optimize: SIZE_OPTIMIZED,
            minified: true,
        };
        let commit = build("--features app route-commit xinnuo-core/current-templates");
        assert_eq!(commit.build_day(), Some(crate::cache::build_day()));
        let told = |command: &Command| {
            command
                .get_envs()
                .find(|(key, _)| *key == crate::cache::BUILD_DAY_VAR)
                .and_then(|(_, value)| value.map(|v| v.to_string_lossy().into_owned()))
        };
        assert_eq!(told(&commit.cargo_build(Some("2026-12-02"))).as_deref(), Some("2026-12-02"));
        assert_ne!(commit.parameters(Some("2026-12-02")), commit.parameters(Some("2026-12-03")));
        let check = build("--features app route-check");
        assert_eq!(check.build_day(), None);
        assert_eq!(told(&check.cargo_build(None)), None);
    }

    /// Compressed files are kept by the settings and the compressors' versions as well as the bytes.
    #[test]
    fn compressed_output_is_kept_per_settings_and_compressors() {
        assert_ne!(compression_key("brotli 8.0.4", b"x"), compression_key("brotli 9.1.1", b"x"));
        assert_ne!(compression_key("a", b"x"), compression_key("a", b"y"));
        let settings = compression_settings();
        assert!(
            settings.contains("quality 11") && settings.contains("brotli 8.") && settings.contains("flate2 1."),
            "{settings}"
        );
    }
}
