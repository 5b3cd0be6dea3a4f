//! Subjects in the database: saved whole (records and grades with them), read, searched.

use crate::db::{Db, DbError};
use crate::sql::args;
use crate::sql::Sql;
use crate::sql::{row, rows};
use crate::store::{insert_commitments, NewCommitment, ServerKey, StoredReceipt};
use xinnuo_core::calendar::Date;
use xinnuo_core::decision::RepairState;
use xinnuo_core::public_log::LogEvent;
use xinnuo_core::status::Profile;
use xinnuo_core::wire::Situation;
use xinnuo_core::workflow::{self, DecidedMarks, PublicationEnd, Refusal, StoredRecord};

use super::rows::{StoredSubject, SubjectRow};

fn parse_stored<T: serde::de::DeserializeOwned>(text: String) -> Result<T, DbError> {
    serde_json::from_str(&text).map_err(|_| DbError::Corrupt("stored record"))
}

/// A subject's records as stored, in their order, with what decisions did to each.
fn stored_records(sql: &mut dyn Sql, credit_code: &str) -> Result<Vec<StoredRecord>, DbError> {
    rows(
        sql,
        "SELECT body, added_by, ended_by, ended_on, hidden_by FROM records WHERE credit_code = ?1 ORDER BY rowid",
        args![credit_code],
        |row| {
            let ended = match (row.get::<Option<String>>(2)?, row.get::<Option<String>>(3)?) {
                (Some(by), Some(on)) => {
                    Some(PublicationEnd { by, on: Date::parse(&on).map_err(|_| DbError::Corrupt("ended_on"))? })
                }
                _ => None,
            };
            Ok(StoredRecord {
                record: parse_stored(row.get::<String>(0)?)?,
                marks: DecidedMarks { added_by: row.get(1)?, ended, hidden_by: row.get(4)? },
            })
        },
    )
}

/// Saves a subject whole, keeping what decisions did to its records (`workflow::reimport`); returns what
/// changed of its records as kept, for the public log.
fn save(sql: &mut dyn Sql, subject: &StoredSubject, now: &str) -> Result<Vec<LogEvent>, DbError> {
    let profile = &subject.profile;
    let before = stored_records(sql, &profile.credit_code)?;
    let kept = workflow::reimport(&profile.records, &before);
    let events = workflow::reimport_events(&profile.credit_code, &before, &kept);
    sql.execute("DELETE FROM subjects WHERE credit_code = ?1", args![&profile.credit_code])?;
    sql.execute(
        "INSERT INTO subjects (credit_code, name, demo, situation, situation_en, updated_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![&profile.credit_code, &profile.name, profile.demo, &subject.situation.zh, &subject.situation.en, now],
    )?;
    for StoredRecord { record, marks } in &kept {
        let body = serde_json::to_string(record).map_err(|e| DbError::Other(e.to_string()))?;
        let (ended_by, ended_on) = match &marks.ended {
            Some(ended) => (Some(ended.by.as_str()), Some(ended.on.to_string())),
            None => (None, None),
        };
        sql.execute(
            "INSERT INTO records (credit_code, id, body, added_by, ended_by, ended_on, hidden_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            args![
                &profile.credit_code,
                &record.id,
                &body,
                &marks.added_by,
                ended_by,
                ended_on.as_deref(),
                &marks.hidden_by
            ],
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

/// Adds a record found by a department (a broken commitment), marked with the decision that added it, to a
/// subject of the register; whether it was added (not for a code the register lacks).
pub(crate) fn add_record(
    sql: &mut dyn Sql,
    credit_code: &str,
    record_id: &str,
    body: &serde_json::Value,
    decision_id: &str,
) -> Result<bool, DbError> {
    // Only to a subject of the register: no subject is ever made from a signature.
    let added = sql.execute(
        "INSERT INTO records (credit_code, id, body, added_by) SELECT ?1, ?2, ?3, ?4 WHERE EXISTS
         (SELECT 1 FROM subjects WHERE credit_code = ?1)",
        args![credit_code, record_id, &body.to_string(), decision_id],
    )?;
    Ok(added > 0)
}

/// Ends a record's publication (a granted repair): its body with `removed_on`, and the mark that keeps it so
/// through a new import.
pub(crate) fn end_publication(
    sql: &mut dyn Sql,
    credit_code: &str,
    record_id: &str,
    body: &serde_json::Value,
    ended: &PublicationEnd,
) -> Result<(), DbError> {
    sql.execute(
        "UPDATE records SET body = ?3, ended_by = ?4, ended_on = ?5 WHERE credit_code = ?1 AND id = ?2",
        args![credit_code, record_id, &body.to_string(), &ended.by, &ended.on.to_string()],
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
                "SELECT name, demo, situation, situation_en FROM subjects WHERE credit_code = ?1",
                args![credit_code],
                |row| {
                    let situation = Situation { zh: row.get(2)?, en: row.get(3)? };
                    Ok((row.get::<String>(0)?, row.get::<bool>(1)?, situation))
                },
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

    /// Whether the register holds a record decided by `authority` (as the record names it): such a
    /// department decides its repairs and objections, so its officers may be registered under that name.
    pub fn is_record_authority(&self, authority: &str) -> Result<bool, DbError> {
        let statement = format!(
            "SELECT COUNT(*) FROM (SELECT 1 FROM records WHERE {} = ?1 LIMIT 1) AS found",
            self.dialect().json_member("body", "authority")
        );
        self.read(|sql| Ok(sql.query_one(&statement, args![authority])?.get::<u64>(0)? > 0))
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
                    "SELECT credit_code, name, demo, situation, situation_en FROM subjects {filter} ORDER BY name, credit_code
                     LIMIT ?2 OFFSET ?3"
                ),
                args![&pattern, limit, offset],
                |row| {
                    Ok(SubjectRow {
                        credit_code: row.get(0)?,
                        name: row.get(1)?,
                        demo: row.get(2)?,
                        situation: Situation { zh: row.get(3)?, en: row.get(4)? },
                    })
                },
            )?;
            Ok((total, rows))
        })
    }

    /// Stores a repair application's signed submission (with its receipt, signed with `server_key`, and its log
    /// entry) and the application
    /// in one transaction, after the core's rule that a record has one application under review at a time:
    /// two sent at once cannot both be under review, and a refused one leaves nothing behind. The same
    /// submission again answers with its first receipt.
    pub fn store_repair_application(
        &self,
        new: &NewCommitment,
        server_key: &ServerKey,
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
            let receipt = insert_commitments(sql, &[new], server_key)?
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
        use xinnuo_core::workflow::Refusal;
        let db = crate::db::Db::open(":memory:").unwrap();
        let code = "91140105123456788F";
        let key = crate::state::server_key(&db).unwrap();
        let first = crate::store::test_commitment("first", "kid", code);
        let stored = db.store_repair_application(&first, &key, "R1", "credit_china", "t").unwrap().unwrap();
        assert!(stored.created);
        let again = db.store_repair_application(&first, &key, "R1", "credit_china", "t").unwrap().unwrap();
        assert_eq!((again.receipt, again.created), (stored.receipt, false));
        let before = db.digest().unwrap();
        let second = crate::store::test_commitment("second", "kid", code);
        let refused = db.store_repair_application(&second, &key, "R1", "credit_china", "t").unwrap();
        assert!(matches!(refused, Err(Refusal::RepairPending { submission_id }) if submission_id == "first"));
        assert_eq!(db.digest().unwrap(), before);
        assert!(db.commitment("second").unwrap().is_none());
        // Another record of the same subject is its own case.
        assert!(db.store_repair_application(&second, &key, "R2", "credit_china", "t").unwrap().is_ok());
    }

    /// A decision with the server's time of receipt `at` (millis), as `record_decision` is given it.
    fn decide(
        db: &crate::db::Db,
        key: &crate::store::ServerKey,
        action: xinnuo_core::decision::Action,
        target: &str,
        officer: &xinnuo_core::workflow::Actor,
        at: u64,
    ) -> String {
        use xinnuo_core::calendar::UtcTimestamp;
        let decided_at = UtcTimestamp::format_unix_millis(at);
        let decision = xinnuo_core::decision::Decision {
            decision_type: xinnuo_core::decision::DECISION_TYPE.into(),
            action,
            target: target.into(),
            reason: if action.needs_reason() { "理由充分".into() } else { String::new() },
            decided_at: decided_at.clone(),
            nonce: "AAAAAAAAAAAAAAAAAAAAAA".into(),
            identity_checked: None,
        };
        let decision_id = format!("{at:0>64}");
        let new = crate::officers::NewDecision {
            decision_id: decision_id.clone(),
            target: target.into(),
            action,
            officer_kid: "officer-kid".into(),
            identity_checked: None,
            reason: decision.reason.clone(),
            decided_at: decided_at.clone(),
            received_at: decided_at,
            envelope: "{}".into(),
        };
        let stored = db.record_decision(&new, &decision, officer, at, key).unwrap();
        assert!(stored.is_ok(), "{action:?}: {:?}", stored.err());
        decision_id
    }

    /// Log entries about a record (`{code}/{id}`).
    fn entries_about(db: &crate::db::Db, reference: &str) -> u64 {
        db.read(|sql| {
            sql.query_one("SELECT COUNT(*) FROM log_entries WHERE reference = ?1", crate::sql::args![reference])?.get(0)
        })
        .unwrap()
    }

    /// What a signed decision did to a record outlives a new import of its subject (the review of issue 29,
    /// item 1): the record of a broken commitment stays, a granted repair's end of publication stays, and the
    /// import logs nothing of either (it changed nothing of them).
    #[test]
    fn a_decisions_effects_outlive_a_new_import() {
        use xinnuo_core::decision::Action;
        use xinnuo_core::workflow::Actor;
        const TAX: &str = "国家税务总局山西省税务局";
        let db = crate::db::Db::open(":memory:").unwrap();
        let key = crate::state::server_key(&db).unwrap();
        let code = "91140105123456788F";
        // 2026-12-02T01:00:00Z: the commitment arrived an hour before.
        let now: u64 = 1_796_173_200_000;
        let record = serde_json::json!({
            "id": "r-1", "kind": "administrative_penalty", "decision_no": "晋税罚〔2026〕1号", "authority": TAX,
            "decided_on": "2026-06-01", "class": "general", "penalties": ["fine"], "summary": "未按期申报",
            "obligations_met_on": "2026-06-10",
        });
        let profile = xinnuo_core::status::Profile {
            credit_code: code.into(),
            name: "晋示例有限公司".into(),
            demo: false,
            records: vec![serde_json::from_value(record).unwrap()],
            grades: Vec::new(),
        };
        let subject = crate::subjects::StoredSubject { profile, situation: Default::default() };
        db.save_subjects(std::slice::from_ref(&subject), "2026-12-01T00:00:00Z", &key.log).unwrap();
        // A commitment by a key approved for the code, accepted, then found broken: a record is added.
        db.enrol("approved-kid", code, "晋示例有限公司", &serde_json::json!({}), "{}", "t").unwrap();
        db.approve("approved-kid", code, "cli", "t", &key.log).unwrap();
        let mut commitment = crate::store::test_commitment("c-1", "approved-kid", code);
        commitment.received_at = "2026-12-02T00:00:00.000Z".into();
        commitment.department = Some(TAX.into());
        db.store_commitments(&[&commitment], &key).unwrap();
        let officer = Actor::Officer {
            kid: "officer-kid".into(),
            name: "王五".into(),
            department: TAX.into(),
            roles: xinnuo_core::decision::Role::ALL.to_vec(),
        };
        decide(&db, &key, Action::Accept, "c-1", &officer, now);
        let broken = decide(&db, &key, Action::Broken, "c-1", &officer, now + 1);
        let broken_id = xinnuo_core::workflow::broken_record_id(&broken);
        // A repair of r-1, granted by its authority: its publication ends that day.
        let application = crate::store::test_commitment("a-1", "approved-kid", code);
        db.store_repair_application(&application, &key, "r-1", "credit_china", "2026-12-02T00:00:00.000Z")
            .unwrap()
            .unwrap();
        decide(&db, &key, Action::RepairGranted, "a-1", &officer, now + 2);
        let records = |db: &crate::db::Db| db.subject(code).unwrap().unwrap().profile.records;
        let before = records(&db);
        assert_eq!(before.len(), 2, "{before:?}");
        assert_eq!(before[0].removed_on, Some(Date::parse("2026-12-02").unwrap()));
        assert_eq!(before[1].id, broken_id);
        let logged = |db: &crate::db::Db| {
            (entries_about(db, &format!("{code}/r-1")), entries_about(db, &format!("{code}/{broken_id}")))
        };
        assert_eq!(logged(&db), (2, 1), "added and ended; added");
        // The register's file again, as it was (it knows nothing of the repair or the broken commitment); and
        // `serve --demo`'s re-save is the same call.
        db.save_subjects(std::slice::from_ref(&subject), "2026-12-03T00:00:00Z", &key.log).unwrap();
        assert_eq!(records(&db), before, "what the decisions did is still there");
        assert_eq!(logged(&db), (2, 1), "the import changed nothing of them, and logs nothing");
        // An import ending the publication earlier wins, and is logged with the body kept.
        let mut earlier = subject.clone();
        earlier.profile.records[0].removed_on = Some(Date::parse("2026-11-30").unwrap());
        db.save_subjects(std::slice::from_ref(&earlier), "2026-12-04T00:00:00Z", &key.log).unwrap();
        let after = records(&db);
        assert_eq!(after[0].removed_on, Some(Date::parse("2026-11-30").unwrap()));
        assert_eq!(after[1].id, broken_id);
        assert_eq!(logged(&db), (3, 1));
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
