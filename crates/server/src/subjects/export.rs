//! `export-static`: the app and its published data as files, for a department without a server.

use crate::db::Db;
use serde_json::{json, Value};
use xinnuo_core::calendar::Date;

use super::view::{list_item, view};

/// Writes what a static host needs to run the app without this server: the app itself (from `dist`, told
/// to read `data/`), and `data/`: manifest, templates, the subject index, one file per subject, server keys.
pub fn export_static(
    db: &Db,
    dir: &std::path::Path,
    dist: Option<&std::path::Path>,
    today: Date,
) -> Result<usize, String> {
    let io = |path: &std::path::Path, e: std::io::Error| format!("{}: {e}", path.display());
    // Years imported after the build count for the tiers computed here too.
    crate::holidays::load(db).map_err(|e| e.to_string())?;
    let data = dir.join("data");
    let subjects_dir = data.join("subjects");
    std::fs::create_dir_all(&subjects_dir).map_err(|e| io(&subjects_dir, e))?;
    if let Some(dist) = dist.filter(|d| d.join("index.html").is_file()) {
        copy_tree(dist, dir)?;
        let index = dir.join("index.html");
        let html = std::fs::read_to_string(&index).map_err(|e| io(&index, e))?;
        let meta = r#"<meta name="xinnuo-data-source" content="static:data/">"#;
        let html = if html.contains("xinnuo-data-source") {
            html
        } else {
            html.replacen("</head>", &format!("  {meta}\n</head>"), 1)
        };
        // The copied `index.html.br` / `.gz` are of the page before the change: written anew.
        write_with_compressed(&index, html.as_bytes())?;
    }
    let write = |path: std::path::PathBuf, value: &Value| -> Result<(), String> {
        let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
        write_with_compressed(&path, text.as_bytes())
    };
    let (total, rows) = db.search_subjects("", 0, u32::MAX).map_err(|e| e.to_string())?;
    let subject_count = rows.len();
    let mut index = Vec::new();
    for row in rows {
        let Some(subject) = db.subject(&row.credit_code).map_err(|e| e.to_string())? else { continue };
        // Objections as the public sees them (state and reason, never the grounds): "异议处理中" shows here too.
        let objections = crate::views::public_objections(
            db.objections_of(&row.credit_code).map_err(|e| e.to_string())?,
            &subject.profile.records,
        );
        // The same answer as `GET /api/v1/subjects/{code}` on the day of the export; repair applications are
        // the server's business (a static site takes none).
        let view = view(subject, Vec::new(), objections, today).map_err(|e| format!("{}: {e}", row.credit_code))?;
        write(
            subjects_dir.join(format!("{}.json", row.credit_code)),
            &serde_json::to_value(view).map_err(|e| e.to_string())?,
        )?;
        index.push(list_item(db, row, today));
    }
    let list = xinnuo_core::wire::SubjectList {
        total,
        page: 1,
        per_page: u32::try_from(total).unwrap_or(u32::MAX),
        subjects: index,
        generated_on: Some(today),
    };
    write(subjects_dir.join("index.json"), &serde_json::to_value(list).map_err(|e| e.to_string())?)?;
    write(
        data.join("templates.json"),
        &serde_json::to_value(xinnuo_core::template::all()).map_err(|e| e.to_string())?,
    )?;
    let keys = db.server_keys().map_err(|e| e.to_string())?;
    let current = keys.iter().rev().find(|key| key.retired_at.is_none()).map(|key| key.kid.clone()).unwrap_or_default();
    let published = crate::views::server_keys(keys, &current, &crate::state::Witnessing::default());
    write(data.join("server-keys.json"), &serde_json::to_value(published).map_err(|e| e.to_string())?)?;
    // The 信用承诺 column: every published commitment with its state (no personal values: masks only).
    let (published_total, published) =
        db.publications(&crate::store::PublicationFilter::default(), 0, u32::MAX).map_err(|e| e.to_string())?;
    let list = xinnuo_core::wire::PublicationList {
        total: published_total,
        page: 1,
        per_page: u32::try_from(published_total).unwrap_or(u32::MAX),
        publications: published.into_iter().map(crate::views::commitment).collect(),
        generated_on: Some(today),
    };
    write(data.join("publications.json"), &serde_json::to_value(list).map_err(|e| e.to_string())?)?;
    // Schedules imported after the build, for the static app to add before computing.
    write(
        data.join("holidays.json"),
        &serde_json::to_value(crate::holidays::published(db).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?,
    )?;
    let log_files = export_log(db, dir)?;
    let advice = dir.join("xinnuo-headers.txt");
    std::fs::write(&advice, crate::headers::STATIC_HOST_ADVICE).map_err(|e| io(&advice, e))?;
    write(
        data.join("manifest.json"),
        &json!({
            "generator": concat!("xinnuo-server ", env!("CARGO_PKG_VERSION")),
            "generated_on": today,
            "subjects": subject_count,
            "templates": xinnuo_core::template::all().len(),
            "files": ["templates.json", "server-keys.json", "publications.json", "holidays.json", "subjects/index.json", "subjects/{credit_code}.json"],
            "log_files": log_files,
        }),
    )?;
    Ok(subject_count)
}

/// The public log as C2SP tlog-tiles files, the same paths the server answers (`log/checkpoint`, `log/tile/…`),
/// so a static host serves the log anyone can audit: the newest checkpoint and every tile and entry bundle.
/// Answers how many files it wrote.
fn export_log(db: &Db, dir: &std::path::Path) -> Result<usize, String> {
    let (checkpoint, tiles) = db
        .read(|sql| {
            let checkpoint = crate::log::newest_checkpoint(sql)?;
            let tiles = crate::sql::rows(sql, "SELECT path, data FROM log_tiles ORDER BY path", &[], |row| {
                Ok((row.get::<String>(0)?, row.get::<Vec<u8>>(1)?))
            })?;
            Ok((checkpoint, tiles))
        })
        .map_err(|e| e.to_string())?;
    let Some(checkpoint) = checkpoint else { return Ok(0) };
    let log = dir.join("log");
    for (path, data) in &tiles {
        // Only canonical tile paths are written (they come from the store, which wrote them so).
        let tile = xinnuo_core::tlog::Tile::parse_path(path).map_err(|e| format!("{path}: {e}"))?;
        let file = log.join(tile.path());
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
        }
        std::fs::write(&file, data).map_err(|e| format!("{}: {e}", file.display()))?;
    }
    let file = log.join("checkpoint");
    std::fs::write(&file, checkpoint.as_bytes()).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(tiles.len() + 1)
}

/// Writes `path` and, beside it, `path.br` and `path.gz`, for hosts that serve precompressed files (the README
/// gives the nginx and Apache lines).
fn write_with_compressed(path: &std::path::Path, bytes: &[u8]) -> Result<(), String> {
    use std::io::Write;
    let io = |path: &std::path::Path, e: std::io::Error| format!("{}: {e}", path.display());
    std::fs::write(path, bytes).map_err(|e| io(path, e))?;
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    let mut brotli = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut brotli, 64 * 1024, 9, 22);
        writer.write_all(bytes).map_err(|e| io(path, e))?;
    }
    let mut gzip = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gzip.write_all(bytes).map_err(|e| io(path, e))?;
    let gzip = gzip.finish().map_err(|e| io(path, e))?;
    for (suffix, body) in [("br", brotli), ("gz", gzip)] {
        let target = path.with_file_name(format!("{name}.{suffix}"));
        std::fs::write(&target, body).map_err(|e| io(&target, e))?;
    }
    Ok(())
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) -> Result<(), String> {
    std::fs::create_dir_all(to).map_err(|e| format!("{}: {e}", to.display()))?;
    for entry in std::fs::read_dir(from).map_err(|e| format!("{}: {e}", from.display()))? {
        let entry = entry.map_err(|e| e.to_string())?;
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_tree(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target).map_err(|e| format!("{}: {e}", target.display()))?;
        }
    }
    Ok(())
}
