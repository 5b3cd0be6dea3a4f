//! Imports: JSON (`{"subjects": [Profile…]}` or `[Profile…]`) or 双公示-style CSV, all or nothing.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use xinnuo_core::status::{Profile, Record};
use xinnuo_core::wire::Situation;

use super::rows::StoredSubject;

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
        let mut line =
            |key: &str| item.as_object_mut().and_then(|o| o.remove(key)).and_then(|s| s.as_str().map(str::to_owned));
        let situation = Situation { zh: line("situation"), en: line("situation_en") };
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
    "ban_until",
    "aggravated_years",
    "lower_fine",
    "cross_province",
    "penalty_as_named",
    "has_term",
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
            ("ban_until", "ban_until"),
            ("penalty_as_named", "penalty_as_named"),
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
        for flag in ["lower_fine", "cross_province", "has_term"] {
            if let Some(value) = cell(flag) {
                match value {
                    "true" | "1" | "是" | "yes" => record[flag] = json!(true),
                    "false" | "0" | "否" | "no" => record[flag] = json!(false),
                    _ => errors.push(format!(
                        "第 {line} 行 / row {line}: {flag} {value:?} 应为 true/false / must be true or false"
                    )),
                }
            }
        }
        if let Some(years) = cell("aggravated_years") {
            match years.parse::<u32>() {
                Ok(years) => record["aggravated_years"] = json!(years),
                Err(_) => {
                    errors.push(format!("第 {line} 行 / row {line}: aggravated_years {years:?} 应为 0–3 / must be 0–3"))
                }
            }
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
        Ok(subjects.into_values().map(|profile| StoredSubject { profile, situation: Situation::default() }).collect())
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

#[cfg(test)]
mod tests {
    use xinnuo_core::calendar::Date;

    use super::*;

    /// Issue 30: the JSON import reads the same fields (the core's record), and refuses a wrong one by name.
    #[test]
    fn the_json_import_reads_the_fields_of_issue_30() {
        let record = r#"{"id": "m1", "kind": "administrative_penalty", "decision_no": "罚〔2026〕2号", "authority": "示例市场监管局",
            "market_regulation": true, "decided_on": "2026-05-10", "penalties": ["fine", "practice_ban"],
            "ban_until": "2030-05-09", "lower_fine": false, "cross_province": true, "procedure": "ordinary"}"#;
        let file = format!(
            r#"{{"subjects": [{{"credit_code": "91140105123456788F", "name": "晋示例公司", "records": [{record}]}}]}}"#
        );
        let subjects = parse_json_import(&file).unwrap();
        let read = &subjects[0].profile.records[0];
        assert_eq!(read.ban_until, Some(Date::parse("2030-05-09").unwrap()));
        assert_eq!((read.lower_fine, read.cross_province), (Some(false), Some(true)));
        let ImportError::Rows(rows) =
            parse_json_import(&file.replace(r#""lower_fine": false"#, r#""lower_fine": "maybe""#)).unwrap_err()
        else {
            panic!("not row errors")
        };
        assert!(rows[0].contains("lower_fine"), "{rows:?}");
    }

    /// The review of issue 30, item 2: the penalty as the decision names it and whether a term runs, as two
    /// optional columns at the end; a CSV written before them still reads.
    #[test]
    fn the_csv_reads_the_penalty_as_named_and_has_term_and_older_files_still_read() {
        let header = CSV_COLUMNS.join(",");
        let row = "91140105123456788F,晋示例公司,o1,administrative_penalty,罚〔2026〕3号,示例局,2026-05-10,general,fine;other,false,other,10000,,2026-05-20,,,ordinary,,,,,,罚款人民币 1 万元，责令停止招生,否";
        let listed = "91140105123456788F,晋示例公司,s1,serious_illegal_list,列严〔2026〕1号,示例市场监管局,2025-06-03,,,true,,,,2025-07-01,,,,,,,,,,false";
        let subjects = parse_csv_import(&format!("{header}\n{row}\n{listed}\n")).unwrap();
        let records = &subjects[0].profile.records;
        assert_eq!(
            records[0].penalties,
            [xinnuo_core::status::PenaltyType::Fine, xinnuo_core::status::PenaltyType::Other]
        );
        assert_eq!(records[0].penalty_as_named.as_deref(), Some("罚款人民币 1 万元，责令停止招生"));
        assert_eq!((records[0].has_term, records[1].has_term), (Some(false), Some(false)));
        // The columns before these two (an older file): read, the new fields absent.
        let older = CSV_COLUMNS[..CSV_COLUMNS.len() - 2].join(",");
        let old_row = row.trim_end_matches(",罚款人民币 1 万元，责令停止招生,否");
        let read = parse_csv_import(&format!("{older}\n{old_row}\n")).unwrap();
        assert_eq!(
            (read[0].profile.records[0].penalty_as_named.as_ref(), read[0].profile.records[0].has_term),
            (None, None)
        );
        // A bad flag, and "no term" beside a term-bearing penalty, are refused by row.
        let bad = row.replace(",否", ",maybe").replace("o1,", "o2,");
        let contradictory = row.replace("fine;other", "licence_suspended").replace("o1,", "o3,");
        let ImportError::Rows(rows) = parse_csv_import(&format!("{header}\n{bad}\n{contradictory}\n")).unwrap_err()
        else {
            panic!("not row errors")
        };
        assert!(rows[0].contains("has_term") && rows[1].contains("has_term"), "{rows:?}");
    }

    /// Issue 30: a penalty's term, aggravation, a lower-amount fine and cross-province publication.
    #[test]
    fn the_columns_the_rules_of_issue_30_need_are_read() {
        // The columns up to cross_province (the two after it are optional and may be left out).
        let header = CSV_COLUMNS[..22].join(",");
        let row = "91140105123456788F,晋示例公司,m1,administrative_penalty,罚〔2026〕2号,示例市场监管局,2026-05-10,,fine;practice_ban,true,other,,,,,,ordinary,,2030-05-09,,是,false";
        let court = "91140105123456788F,晋示例公司,c1,court_dishonest_debtor,(2026)晋01执1号,示例法院,2026-05-10,,,,,,,,,,,2,,1,,";
        let subjects = parse_csv_import(&format!("{header}\n{row}\n{court}\n")).unwrap();
        let records = &subjects[0].profile.records;
        assert_eq!(records[0].ban_until, Some(Date::parse("2030-05-09").unwrap()));
        assert_eq!((records[0].lower_fine, records[0].cross_province), (Some(true), Some(false)));
        assert_eq!(records[1].aggravated_years, 1);
        let bad = row.replace(",是,", ",maybe,").replace("m1,", "m2,");
        let early_ban = row.replace("2030-05-09", "2026-05-01").replace("m1,", "m3,");
        let ImportError::Rows(rows) = parse_csv_import(&format!("{header}\n{bad}\n{early_ban}\n")).unwrap_err() else {
            panic!("not row errors")
        };
        assert!(rows[0].contains("lower_fine") && rows[1].contains("ban_until"), "{rows:?}");
    }

    #[test]
    fn a_csv_with_a_bad_row_is_refused_whole_with_row_numbers() {
        // The columns up to listing_ground (the later ones are optional and may be left out).
        let header = CSV_COLUMNS[..18].join(",");
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
