//! Subjects, their records and grades in SQLite; imports (JSON or CSV, all or nothing, errors with row
//! numbers) and the demo data set. Every record is read and checked by the core.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use xinnuo_core::calendar::Date;
use xinnuo_core::status::{Profile, Record};

use crate::args;
use crate::db::{Db, DbError};
use crate::sql::Sql;
use crate::store::{row, rows};

/// A subject as stored: its profile and, for demo data, the situation it shows.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StoredSubject {
    pub profile: Profile,
    pub situation: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SubjectRow {
    pub credit_code: String,
    pub name: String,
    pub demo: bool,
    pub situation: Option<String>,
}

/// A subject as a list shows it (the API's search, a static site's index), with its summary tier on `on`.
pub fn list_item(db: &Db, row: SubjectRow, on: Date) -> xinnuo_core::wire::SubjectListItem {
    let summary = db.subject(&row.credit_code).ok().flatten().map(|s| xinnuo_core::tier::summarize(&s.profile, on));
    xinnuo_core::wire::SubjectListItem {
        tier: summary.as_ref().map(|s| s.tier),
        tier_name: summary.map(|s| s.name),
        credit_code: row.credit_code,
        name: row.name,
        demo: row.demo,
        situation: row.situation,
    }
}

fn parse_stored<T: serde::de::DeserializeOwned>(text: String) -> Result<T, DbError> {
    serde_json::from_str(&text).map_err(|_| DbError::Corrupt("stored record"))
}

fn save(sql: &mut dyn Sql, subject: &StoredSubject, now: &str) -> Result<(), DbError> {
    let profile = &subject.profile;
    sql.execute("DELETE FROM subjects WHERE credit_code = ?1", args![&profile.credit_code])?;
    sql.execute(
        "INSERT INTO subjects (credit_code, name, demo, situation, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![&profile.credit_code, &profile.name, profile.demo, &subject.situation, now],
    )?;
    for record in &profile.records {
        let body = serde_json::to_string(record).map_err(|e| DbError::Other(e.to_string()))?;
        sql.execute(
            "INSERT INTO records (credit_code, id, body) VALUES (?1, ?2, ?3)",
            args![&profile.credit_code, &record.id, &body],
        )?;
    }
    for (position, grade) in profile.grades.iter().enumerate() {
        let body = serde_json::to_string(grade).map_err(|e| DbError::Other(e.to_string()))?;
        sql.execute(
            "INSERT INTO grades (credit_code, position, body) VALUES (?1, ?2, ?3)",
            args![&profile.credit_code, position as u64, &body],
        )?;
    }
    Ok(())
}

impl Db {
    /// Stores every subject in one transaction (each replaces what was stored for its code).
    pub fn save_subjects(&self, subjects: &[StoredSubject], now: &str) -> Result<(), DbError> {
        self.write(|sql| subjects.iter().try_for_each(|subject| save(sql, subject, now)))
    }

    pub fn subject(&self, credit_code: &str) -> Result<Option<StoredSubject>, DbError> {
        self.read(|sql| {
            let head = row(
                sql,
                "SELECT name, demo, situation FROM subjects WHERE credit_code = ?1",
                args![credit_code],
                |row| Ok((row.get::<String>(0)?, row.get::<bool>(1)?, row.get::<Option<String>>(2)?)),
            )?;
            let Some((name, demo, situation)) = head else { return Ok(None) };
            // A record whose objection was upheld was wrong: it is kept, and no longer read.
            let records = rows(
                sql,
                "SELECT body FROM records WHERE credit_code = ?1 AND id NOT IN
                 (SELECT record_id FROM objections WHERE credit_code = ?1 AND state = 'upheld') ORDER BY rowid",
                args![credit_code],
                |row| row.get::<String>(0),
            )?;
            let grades = rows(
                sql,
                "SELECT body FROM grades WHERE credit_code = ?1 ORDER BY position",
                args![credit_code],
                |row| row.get::<String>(0),
            )?;
            let profile = Profile {
                credit_code: credit_code.to_owned(),
                name,
                demo,
                records: records.into_iter().map(parse_stored).collect::<Result<_, _>>()?,
                grades: grades.into_iter().map(parse_stored).collect::<Result<_, _>>()?,
            };
            Ok(Some(StoredSubject { profile, situation }))
        })
    }

    /// A record's stored body, whatever its objections (for the department deciding them).
    pub fn record_body(&self, credit_code: &str, record_id: &str) -> Result<Option<serde_json::Value>, DbError> {
        self.read(|sql| {
            let text = row(
                sql,
                "SELECT body FROM records WHERE credit_code = ?1 AND id = ?2",
                args![credit_code, record_id],
                |row| row.get::<String>(0),
            )?;
            text.map(|t| serde_json::from_str(&t).map_err(|_| DbError::Corrupt("record body"))).transpose()
        })
    }

    /// Subjects whose name or code contains `query` (all when empty), by name; with the total count.
    pub fn search_subjects(&self, query: &str, offset: u32, limit: u32) -> Result<(u64, Vec<SubjectRow>), DbError> {
        let pattern = crate::officers::like_pattern(query);
        let filter = "WHERE name LIKE ?1 ESCAPE '\\' OR credit_code LIKE ?1 ESCAPE '\\'";
        self.read(|sql| {
            let total: u64 =
                sql.query_one(&format!("SELECT COUNT(*) FROM subjects {filter}"), args![&pattern])?.get(0)?;
            let rows = rows(
                sql,
                &format!(
                    "SELECT credit_code, name, demo, situation FROM subjects {filter} ORDER BY name, credit_code
                     LIMIT ?2 OFFSET ?3"
                ),
                args![&pattern, limit, offset],
                |row| {
                    Ok(SubjectRow {
                        credit_code: row.get(0)?,
                        name: row.get(1)?,
                        demo: row.get(2)?,
                        situation: row.get(3)?,
                    })
                },
            )?;
            Ok((total, rows))
        })
    }

    pub fn record_repair_application(
        &self,
        submission_id: &str,
        credit_code: &str,
        record_id: &str,
        channel: &str,
        now: &str,
    ) -> Result<(), DbError> {
        self.write(|sql| {
            sql.execute(
                "INSERT INTO repair_applications (submission_id, credit_code, record_id, channel, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (submission_id) DO NOTHING",
                args![submission_id, credit_code, record_id, channel, now],
            )?;
            Ok(())
        })
    }
}

/// Import problems, each with where it is.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    #[error("无法读取文件：{0} / cannot read the file: {0}")]
    Read(String),
    #[error("文件格式不对：{0} / wrong file format: {0}")]
    Format(String),
    #[error("导入被拒绝，共 {} 处错误（未导入任何数据）/ import refused, {} error(s) (nothing imported):\n{}", .0.len(), .0.len(), .0.join("\n"))]
    Rows(Vec<String>),
}

/// Reads a JSON import: `{"subjects": [Profile…]}` or `[Profile…]`.
pub fn parse_json_import(text: &str) -> Result<Vec<StoredSubject>, ImportError> {
    let value: Value = serde_json::from_str(text).map_err(|e| ImportError::Format(format!("JSON: {e}")))?;
    let items = match value {
        Value::Array(items) => items,
        Value::Object(mut object) => match object.remove("subjects") {
            Some(Value::Array(items)) => items,
            _ => return Err(ImportError::Format("需要 subjects 数组 / expected a subjects array".into())),
        },
        _ => return Err(ImportError::Format("需要数组或对象 / expected an array or an object".into())),
    };
    let mut errors = Vec::new();
    let mut subjects = Vec::new();
    for (index, mut item) in items.into_iter().enumerate() {
        let situation =
            item.as_object_mut().and_then(|o| o.remove("situation")).and_then(|s| s.as_str().map(str::to_owned));
        match Profile::from_json(item) {
            Ok(profile) => subjects.push(StoredSubject { profile, situation }),
            Err(e) => errors.push(format!("subjects[{index}]: {e}")),
        }
    }
    if errors.is_empty() {
        Ok(subjects)
    } else {
        Err(ImportError::Rows(errors))
    }
}

/// The CSV columns (双公示-style, one record per row; a subject's rows are grouped by credit code).
pub const CSV_COLUMNS: &[&str] = &[
    "credit_code",
    "name",
    "record_id",
    "kind",
    "decision_no",
    "authority",
    "decided_on",
    "class",
    "penalties",
    "market_regulation",
    "sector",
    "fine_yuan",
    "summary",
    "obligations_met_on",
    "removed_on",
    "published_on",
    "procedure",
    "listing_ground",
];

/// Reads a CSV import; row numbers count the header as row 1.
pub fn parse_csv_import(text: &str) -> Result<Vec<StoredSubject>, ImportError> {
    let mut reader =
        csv::ReaderBuilder::new().trim(csv::Trim::All).from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headers = reader.headers().map_err(|e| ImportError::Format(e.to_string()))?.clone();
    let missing: Vec<&str> =
        CSV_COLUMNS.iter().take(7).filter(|c| !headers.iter().any(|h| h == **c)).copied().collect();
    if !missing.is_empty() {
        return Err(ImportError::Format(format!("缺少列 / missing columns: {}", missing.join(", "))));
    }
    let mut errors = Vec::new();
    let mut subjects: BTreeMap<String, Profile> = BTreeMap::new();
    for (index, row) in reader.records().enumerate() {
        let line = index + 2;
        let row = match row {
            Ok(row) => row,
            Err(e) => {
                errors.push(format!("第 {line} 行 / row {line}: {e}"));
                continue;
            }
        };
        let cell =
            |name: &str| headers.iter().position(|h| h == name).and_then(|i| row.get(i)).filter(|v| !v.is_empty());
        let mut record = json!({});
        for (column, field) in [
            ("record_id", "id"),
            ("kind", "kind"),
            ("decision_no", "decision_no"),
            ("authority", "authority"),
            ("decided_on", "decided_on"),
            ("class", "class"),
            ("sector", "sector"),
            ("summary", "summary"),
            ("obligations_met_on", "obligations_met_on"),
            ("removed_on", "removed_on"),
            ("published_on", "published_on"),
            ("procedure", "procedure"),
        ] {
            if let Some(value) = cell(column) {
                record[field] = json!(value);
            }
        }
        if let Some(penalties) = cell("penalties") {
            record["penalties"] =
                json!(penalties.split(';').map(str::trim).filter(|p| !p.is_empty()).collect::<Vec<_>>());
        }
        if let Some(flag) = cell("market_regulation") {
            record["market_regulation"] = json!(matches!(flag, "true" | "1" | "是" | "yes"));
        }
        if let Some(ground) = cell("listing_ground") {
            match ground.parse::<u8>() {
                Ok(item) => record["listing_ground"] = json!(item),
                Err(_) => {
                    errors.push(format!("第 {line} 行 / row {line}: listing_ground {ground:?} 应为 1–6 / must be 1–6"))
                }
            }
        }
        if let Some(fine) = cell("fine_yuan") {
            match fine.parse::<f64>() {
                Ok(yuan) => record["fine_yuan"] = json!(yuan),
                Err(_) => {
                    errors.push(format!("第 {line} 行 / row {line}: fine_yuan {fine:?} 不是数字 / is not a number"))
                }
            }
        }
        let record = match Record::from_json(record).and_then(|r| r.check().map(|_| r)) {
            Ok(record) => record,
            Err(e) => {
                errors.push(format!("第 {line} 行 / row {line}: {e}"));
                continue;
            }
        };
        let (Some(code), Some(name)) = (cell("credit_code"), cell("name")) else {
            errors.push(format!("第 {line} 行 / row {line}: 缺少 credit_code 或 name / credit_code or name missing"));
            continue;
        };
        let profile = subjects.entry(code.to_owned()).or_insert_with(|| Profile {
            credit_code: code.to_owned(),
            name: name.to_owned(),
            demo: false,
            records: Vec::new(),
            grades: Vec::new(),
        });
        if profile.records.iter().any(|r| r.id == record.id) {
            errors.push(format!("第 {line} 行 / row {line}: record_id {} 重复 / is repeated", record.id));
        }
        profile.records.push(record);
    }
    for profile in subjects.values() {
        if let Err(e) = profile.check() {
            errors.push(format!("{}: {e}", profile.credit_code));
        }
    }
    if errors.is_empty() {
        Ok(subjects.into_values().map(|profile| StoredSubject { profile, situation: None }).collect())
    } else {
        Err(ImportError::Rows(errors))
    }
}

/// Reads an import file by its extension (`.json` or `.csv`).
pub fn parse_import(path: &std::path::Path) -> Result<Vec<StoredSubject>, ImportError> {
    let text = std::fs::read_to_string(path).map_err(|e| ImportError::Read(format!("{}: {e}", path.display())))?;
    match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
        Some("json") => parse_json_import(&text),
        Some("csv") | Some("txt") => parse_csv_import(&text),
        _ => Err(ImportError::Format("文件扩展名应为 .json 或 .csv / the file must end in .json or .csv".into())),
    }
}

#[derive(Deserialize)]
struct DemoFile {
    subjects: Vec<DemoSubject>,
}

#[derive(Deserialize)]
struct DemoSubject {
    region: String,
    org_body: String,
    name: String,
    situation: String,
    records: Vec<Value>,
    grades: Vec<Value>,
}

/// The demo data set: ~30 fictional Shanxi enterprises (marked 示例) covering every tier and repair
/// situation. Dates are kept relative to `today`, so the situations stay what they are named.
pub fn demo_subjects(today: Date) -> Result<Vec<StoredSubject>, String> {
    let file: DemoFile = serde_json::from_str(include_str!("../demo/subjects.json")).map_err(|e| e.to_string())?;
    let mut subjects = Vec::new();
    for subject in file.subjects {
        let code = xinnuo_core::code::make_uscc("91", &subject.region, &subject.org_body)
            .ok_or_else(|| format!("demo {}: cannot make a credit code", subject.name))?;
        let records: Vec<Value> = subject
            .records
            .into_iter()
            .map(|mut record| {
                if let Some(object) = record.as_object_mut() {
                    let relative: Vec<(String, i64)> = object
                        .iter()
                        .filter_map(|(k, v)| Some((k.strip_suffix("_days_ago")?.to_owned(), v.as_i64()?)))
                        .collect();
                    for (field, days) in relative {
                        object.remove(&format!("{field}_days_ago"));
                        let target = if field == "decided" { "decided_on".to_owned() } else { format!("{field}_on") };
                        object.insert(target, json!(today.add_days(-days).to_string()));
                    }
                }
                record
            })
            .collect();
        let profile = Profile::from_json(json!({ "credit_code": code, "name": subject.name, "demo": true, "records": records, "grades": subject.grades }))
            .map_err(|e| format!("demo {}: {e}", subject.name))?;
        subjects.push(StoredSubject { profile, situation: Some(subject.situation) });
    }
    Ok(subjects)
}

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
        let objections: Vec<crate::api::subjects::PublicObjection> =
            db.objections_of(&row.credit_code).map_err(|e| e.to_string())?.into_iter().map(Into::into).collect();
        write(
            subjects_dir.join(format!("{}.json", row.credit_code)),
            &json!({ "situation": subject.situation, "profile": subject.profile, "objections": objections }),
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
    let published = crate::api::keys::ServerKeys::from_rows(keys, &current);
    write(data.join("server-keys.json"), &serde_json::to_value(published).map_err(|e| e.to_string())?)?;
    // The 信用承诺 column: every published commitment with its state (no personal values: masks only).
    let (published_total, published) =
        db.publications(&crate::store::PublicationFilter::default(), 0, u32::MAX).map_err(|e| e.to_string())?;
    let list = xinnuo_core::wire::PublicationList {
        total: published_total,
        page: 1,
        per_page: u32::try_from(published_total).unwrap_or(u32::MAX),
        publications: published.into_iter().map(crate::api::commitments::published).collect(),
        generated_on: Some(today),
    };
    write(data.join("publications.json"), &serde_json::to_value(list).map_err(|e| e.to_string())?)?;
    // Schedules imported after the build, for the static app to add before computing.
    write(
        data.join("holidays.json"),
        &serde_json::to_value(crate::holidays::published(db).map_err(|e| e.to_string())?).map_err(|e| e.to_string())?,
    )?;
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
        }),
    )?;
    Ok(subject_count)
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

#[cfg(test)]
mod tests {
    use super::*;
    use xinnuo_core::repair::Outcome;
    use xinnuo_core::tier::{summarize, Tier};

    #[test]
    fn the_demo_set_covers_every_tier_and_repair_situation() {
        let today = Date::parse("2026-11-26").unwrap();
        let subjects = demo_subjects(today).unwrap();
        assert!(subjects.len() >= 30);
        let mut tiers = Vec::new();
        let mut outcomes = Vec::new();
        for subject in &subjects {
            assert!(subject.profile.name.contains("示例"), "{}", subject.profile.name);
            tiers.push(summarize(&subject.profile, today).tier);
            for record in &subject.profile.records {
                outcomes.push(xinnuo_core::repair::evaluate(record, &subject.profile.records, today).unwrap().outcome);
            }
        }
        for tier in [Tier::Trustworthy, Tier::Normal, Tier::Attention, Tier::Serious] {
            assert!(tiers.contains(&tier), "no demo subject in {tier:?}");
        }
        for outcome in [
            Outcome::EligibleNow,
            Outcome::NotYet,
            Outcome::ObligationsOutstanding,
            Outcome::NotRepairable,
            Outcome::CourtOnly,
            Outcome::EndsAutomatically,
            Outcome::PublicationEnded,
            Outcome::AlreadyRemoved,
            Outcome::NotNegative,
            Outcome::NotPublished,
        ] {
            assert!(outcomes.contains(&outcome), "no demo record with {outcome:?}");
        }
    }

    /// The SQL search and the core's rule (which the app follows on a static site) find the same subjects.
    #[test]
    fn the_sql_search_finds_what_the_core_rule_finds() {
        let db = crate::db::Db::open(crate::db::tests::scratch_db("search-test")).unwrap();
        let mut subjects = demo_subjects(Date::parse("2026-11-26").unwrap()).unwrap();
        let mut named = subjects[0].clone();
        named.profile.credit_code = "91140105MA0000001X".into();
        named.profile.name = "晋示例ABC_100%科技有限公司".into();
        subjects.push(named);
        db.save_subjects(&subjects, "2026-11-26T00:00:00Z").unwrap();
        for query in ["", "示例", "abc", "ABC", "ma0", "_1", "100%", "%", "9114", "  科技 ", "ａｂｃ", "餐饮"]
        {
            let query = xinnuo_core::search::normalize_query(query);
            let (total, rows) = db.search_subjects(&query, 0, u32::MAX).unwrap();
            let mut found: Vec<&str> = rows.iter().map(|row| row.credit_code.as_str()).collect();
            let mut expected: Vec<&str> = subjects
                .iter()
                .filter(|s| xinnuo_core::search::matches(&query, &s.profile.name, &s.profile.credit_code))
                .map(|s| s.profile.credit_code.as_str())
                .collect();
            found.sort_unstable();
            expected.sort_unstable();
            assert_eq!(found, expected, "{query:?}");
            assert_eq!(total, expected.len() as u64, "{query:?}");
        }
    }

    #[test]
    fn a_csv_with_a_bad_row_is_refused_whole_with_row_numbers() {
        let header = CSV_COLUMNS.join(",");
        let good = "91140105123456788F,晋示例公司,r1,administrative_penalty,罚〔2026〕1号,示例局,2026-05-10,general,fine,false,other,5000,示例,2026-05-20,,,,";
        let ok = parse_csv_import(&format!("{header}\n{good}\n")).unwrap();
        assert_eq!(ok[0].profile.records[0].penalties.len(), 1);
        // The new columns: publication date, procedure, court listing ground (each optional).
        let court =
            "91140105123456788F,晋示例公司,c1,court_dishonest_debtor,(2026)晋01执1号,示例法院,2026-05-10,,,,,,,,,,,2";
        let market = "91140105123456788F,晋示例公司,m1,administrative_penalty,罚〔2026〕2号,示例市场监管局,2026-05-10,general,fine,true,other,,,,,2026-05-18,simplified,";
        let both = parse_csv_import(&format!("{header}\n{court}\n{market}\n")).unwrap();
        let records = &both[0].profile.records;
        assert_eq!(records[0].listing_ground, Some(2));
        assert_eq!(records[1].published_on, Some(Date::parse("2026-05-18").unwrap()));
        assert_eq!(records[1].procedure, Some(xinnuo_core::status::Procedure::Simplified));
        let bad_ground = court.replace(",2", ",9").replace("c1,", "c2,");
        let bad_procedure = market.replace("simplified", "summary").replace("m1,", "m2,");
        let early = market.replace("2026-05-18", "2026-05-01").replace("m1,", "m3,");
        let ImportError::Rows(rows) =
            parse_csv_import(&format!("{header}\n{bad_ground}\n{bad_procedure}\n{early}\n")).unwrap_err()
        else {
            panic!("not row errors")
        };
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert!(
            rows[0].contains("listing_ground") && rows[1].contains("procedure") && rows[2].contains("published_on"),
            "{rows:?}"
        );
        let bad_kind = good.replace("administrative_penalty", "parking");
        let bad_date = good.replace("r1,", "r2,").replace("2026-05-10", "2026/05/10");
        let error = parse_csv_import(&format!("{header}\n{good}\n{bad_kind}\n{bad_date}\n")).unwrap_err();
        let ImportError::Rows(rows) = error else { panic!("{error:?}") };
        assert_eq!(rows.len(), 2, "{rows:?}");
        assert!(rows[0].starts_with("第 3 行") && rows[0].contains("kind"), "{rows:?}");
        assert!(rows[1].starts_with("第 4 行") && rows[1].contains("decided_on"), "{rows:?}");
        assert!(matches!(parse_csv_import("a,b\n1,2\n"), Err(ImportError::Format(_))));
    }

    #[test]
    fn a_json_import_names_the_subject_and_field() {
        let error = parse_json_import(r#"{"subjects": [{"credit_code": "91140105123456788F", "name": "x", "records": [{"id": "1", "kind": "nope"}]}]}"#).unwrap_err();
        assert!(error.to_string().contains("subjects[0]") && error.to_string().contains("records[0].kind"), "{error}");
    }
}
