//! Subjects in the database: saved whole (records and grades with them), read, searched.

use crate::db::{Db, DbError};
use crate::sql::args;
use crate::sql::Sql;
use crate::sql::{row, rows};
use crate::store::{insert_commitments, NewCommitment, StoredReceipt};
use xinnuo_core::decision::RepairState;
use xinnuo_core::public_log::{LogEvent, RecordChange};
use xinnuo_core::receipt::KeyStatus;
use xinnuo_core::status::Profile;
use xinnuo_core::workflow::Refusal;

use super::rows::{StoredSubject, SubjectRow};

fn parse_stored<T: serde::de::DeserializeOwned>(text: String) -> Result<T, DbError> {
    serde_json::from_str(&text).map_err(|_| DbError::Corrupt("stored record"))
}

/// Saves a subject whole; returns what changed of its records, for the public log.
fn save(sql: &mut dyn Sql, subject: &StoredSubject, now: &str) -> Result<Vec<LogEvent>, DbError> {
    let profile = &subject.profile;
    // What decisions did to a record outlives a new import of it: a record an upheld objection hid stays hidden.
    let before: Vec<(String, String, Option<String>)> = rows(
        sql,
        "SELECT id, body, hidden_by FROM records WHERE credit_code = ?1",
        args![&profile.credit_code],
        |row| Ok((row.get::<String>(0)?, row.get::<String>(1)?, row.get::<Option<String>>(2)?)),
    )?;
    let hidden: std::collections::HashMap<String, String> =
        before.iter().filter_map(|(id, _, by)| by.clone().map(|by| (id.clone(), by))).collect();
    let mut events = Vec::new();
    let digest_of = |body: &str| serde_json::from_str(body).ok().map(|v| xinnuo_core::public_log::body_sha256(&v));
    for record in &profile.records {
        let body = serde_json::to_string(record).map_err(|e| DbError::Other(e.to_string()))?;
        let change = match before.iter().find(|(id, _, _)| *id == record.id) {
            None => Some(RecordChange::Added),
            Some((_, old, _)) if digest_of(old) != digest_of(&body) => Some(RecordChange::Changed),
            Some(_) => None,
        };
        if let Some(change) = change {
            events.push(record_event(&profile.credit_code, &record.id, change, digest_of(&body)));
        }
    }
    for (id, _, _) in &before {
        if !profile.records.iter().any(|r| r.id == *id) {
            events.push(record_event(&profile.credit_code, id, RecordChange::Removed, None));
        }
    }
    sql.execute("DELETE FROM subjects WHERE credit_code = ?1", args![&profile.credit_code])?;
    sql.execute(
        "INSERT INTO subjects (credit_code, name, demo, situation, updated_at) VALUES (?1, ?2, ?3, ?4, ?5)",
        args![&profile.credit_code, &profile.name, profile.demo, &subject.situation, now],
    )?;
    for record in &profile.records {
        let body = serde_json::to_string(record).map_err(|e| DbError::Other(e.to_string()))?;
        sql.execute(
            "INSERT INTO records (credit_code, id, body, hidden_by) VALUES (?1, ?2, ?3, ?4)",
            args![&profile.credit_code, &record.id, &body, &hidden.get(&record.id).cloned()],
        )?;
    }
    for (position, grade) in profile.grades.iter().enumerate() {
        let body = serde_json::to_string(grade).map_err(|e| DbError::Other(e.to_string()))?;
        sql.execute(
            "INSERT INTO grades (credit_code, position, body) VALUES (?1, ?2, ?3)",
            args![&profile.credit_code, position as u64, &body],
        )?;
    }
    Ok(events)
}

fn record_event(credit_code: &str, record_id: &str, change: RecordChange, body_sha256: Option<String>) -> LogEvent {
    LogEvent::Record { credit_code: credit_code.to_owned(), record_id: record_id.to_owned(), change, body_sha256 }
}

/// Adds a record found by a department (a broken commitment) to a subject of the register; whether it was
/// added (not for a code the register lacks).
pub(crate) fn add_record(
    sql: &mut dyn Sql,
    credit_code: &str,
    record_id: &str,
    body: &serde_json::Value,
) -> Result<bool, DbError> {
    // Only to a subject of the register: no subject is ever made from a signature.
    let added = sql.execute(
        "INSERT INTO records (credit_code, id, body) SELECT ?1, ?2, ?3 WHERE EXISTS
         (SELECT 1 FROM subjects WHERE credit_code = ?1)",
        args![credit_code, record_id, &body.to_string()],
    )?;
    Ok(added > 0)
}

/// Replaces a record's body (a granted repair marks it removed).
pub(crate) fn replace_record(
    sql: &mut dyn Sql,
    credit_code: &str,
    record_id: &str,
    body: &serde_json::Value,
) -> Result<(), DbError> {
    sql.execute(
        "UPDATE records SET body = ?3 WHERE credit_code = ?1 AND id = ?2",
        args![credit_code, record_id, &body.to_string()],
    )?;
    Ok(())
}

/// Sets where a repair application stands.
pub(crate) fn set_repair_status(
    sql: &mut dyn Sql,
    submission_id: &str,
    state: xinnuo_core::decision::RepairState,
) -> Result<(), DbError> {
    sql.execute(
        "UPDATE repair_applications SET status = ?2 WHERE submission_id = ?1",
        args![submission_id, state.as_str()],
    )?;
    Ok(())
}

impl Db {
    /// The registry name of a subject, when it was imported: what an approver compares the claimed name with.
    pub fn registry_name(&self, credit_code: &str) -> Result<Option<String>, DbError> {
        self.read(|sql| {
            row(sql, "SELECT name FROM subjects WHERE credit_code = ?1", args![credit_code], |row| row.get(0))
        })
    }

    /// Stores every subject in one transaction (each replaces what was stored for its code), and what
    /// changed of their records in the public log.
    pub fn save_subjects(
        &self,
        subjects: &[StoredSubject],
        now: &str,
        log: &crate::log::LogKey,
    ) -> Result<(), DbError> {
        self.write(|sql| {
            let mut events = Vec::new();
            for subject in subjects {
                events.extend(save(sql, subject, now)?);
            }
            crate::log::append(sql, log, &events, now)?;
            Ok(())
        })
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
            // A record an upheld objection hid (the workflow's `HideRecord`) is kept, and no longer read.
            let records = rows(
                sql,
                "SELECT body FROM records WHERE credit_code = ?1 AND hidden_by IS NULL ORDER BY rowid",
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
        let pattern = crate::sql::like_pattern(query);
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

    /// Stores a repair application's signed submission (with its receipt and log entry) and the application
    /// in one transaction, after the core's rule that a record has one application under review at a time:
    /// two sent at once cannot both be under review, and a refused one leaves nothing behind. The same
    /// submission again answers with its first receipt.
    #[allow(clippy::too_many_arguments)]
    pub fn store_repair_application(
        &self,
        new: &NewCommitment,
        sign: &dyn Fn(&NewCommitment, u64, KeyStatus) -> Result<String, String>,
        log: &crate::log::LogKey,
        record_id: &str,
        channel: &str,
        now: &str,
    ) -> Result<Result<StoredReceipt, Refusal>, DbError> {
        self.write(|sql| {
            let earlier = rows(
                sql,
                "SELECT submission_id, status FROM repair_applications
                 WHERE credit_code = ?1 AND record_id = ?2 AND submission_id <> ?3",
                args![&new.credit_code, record_id, &new.submission_id],
                |row| {
                    let state = RepairState::parse(&row.get::<String>(1)?)
                        .ok_or(DbError::Corrupt("repair application status"))?;
                    Ok((row.get::<String>(0)?, state))
                },
            )?;
            if let Err(refusal) = xinnuo_core::workflow::accept_repair_application(&earlier) {
                return Ok(Err(refusal));
            }
            let receipt = insert_commitments(sql, &[new], sign, log)?
                .pop()
                .ok_or(DbError::Other("no receipt for the stored application".to_owned()))?;
            sql.execute(
                "INSERT INTO repair_applications (submission_id, credit_code, record_id, channel, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (submission_id) DO NOTHING",
                args![&new.submission_id, &new.credit_code, record_id, channel, now],
            )?;
            Ok(Ok(receipt))
        })
    }
}

#[cfg(test)]
mod tests {
    use xinnuo_core::calendar::Date;

    use crate::subjects::demo_subjects;

    /// A record has one repair application under review: a second, refused, leaves nothing behind (no
    /// submission, no log entry); the first again answers with its receipt.
    #[test]
    fn a_second_application_for_a_record_is_refused_and_stores_nothing() {
        use crate::store::NewCommitment;
        use xinnuo_core::receipt::KeyStatus;
        use xinnuo_core::workflow::Refusal;
        let db = crate::db::Db::open(":memory:").unwrap();
        let code = "91140105123456788F";
        let sign = |new: &NewCommitment, sequence: u64, _status: KeyStatus| {
            Ok(format!("\"{}/{sequence}\"", new.submission_id))
        };
        let log = crate::log::LogKey::derive("xinnuo.test/log", &[1; 32]).unwrap();
        let first = crate::store::test_commitment("first", "kid", code);
        let stored = db.store_repair_application(&first, &sign, &log, "R1", "credit_china", "t").unwrap().unwrap();
        assert!(stored.created);
        let again = db.store_repair_application(&first, &sign, &log, "R1", "credit_china", "t").unwrap().unwrap();
        assert_eq!((again.receipt, again.created), (stored.receipt, false));
        let before = db.digest().unwrap();
        let second = crate::store::test_commitment("second", "kid", code);
        let refused = db.store_repair_application(&second, &sign, &log, "R1", "credit_china", "t").unwrap();
        assert!(matches!(refused, Err(Refusal::RepairPending { submission_id }) if submission_id == "first"));
        assert_eq!(db.digest().unwrap(), before);
        assert!(db.commitment("second").unwrap().is_none());
        // Another record of the same subject is its own case.
        assert!(db.store_repair_application(&second, &sign, &log, "R2", "credit_china", "t").unwrap().is_ok());
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
        let log = crate::log::LogKey::derive("xinnuo.test/log", &[1; 32]).unwrap();
        db.save_subjects(&subjects, "2026-11-26T00:00:00Z", &log).unwrap();
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
}
