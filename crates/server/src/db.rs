//! The SQLite store: one file, WAL, migrations embedded and applied in order on open.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("数据库错误 / database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("数据库版本 {found} 比本程序支持的 {supported} 新，请升级程序 / database schema {found} is newer than this program supports ({supported})")]
    TooNew { found: i64, supported: i64 },
    #[error("数据库连接不可用 / database connection poisoned")]
    Poisoned,
    #[error("数据库内容损坏：{0} / corrupt database content: {0}")]
    Corrupt(&'static str),
    #[error("{0}")]
    Other(String),
}

/// Each entry moves the schema one version up; never edit an entry once released.
const MIGRATIONS: &[&str] = &[
    // 1: server metadata (created_at, demo flag, schema history).
    "CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;",
    // 2: keys bound to credit codes, signed commitments with their receipts, the server's own keys.
    "CREATE TABLE key_enrolments (
        kid TEXT NOT NULL,
        credit_code TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        request TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved')),
        enrolled_at TEXT NOT NULL,
        approved_at TEXT,
        approved_by TEXT,
        PRIMARY KEY (kid, credit_code)
    ) STRICT;
    CREATE TABLE commitments (
        sequence INTEGER PRIMARY KEY,
        submission_id TEXT NOT NULL UNIQUE,
        credit_code TEXT NOT NULL,
        template_id TEXT NOT NULL,
        template_version TEXT NOT NULL,
        signer_kid TEXT NOT NULL,
        signed_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        key_status TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'kept', 'broken')),
        envelope TEXT NOT NULL,
        receipt TEXT NOT NULL
    ) STRICT;
    CREATE INDEX commitments_by_subject ON commitments (credit_code, sequence);
    CREATE TABLE server_keys (
        kid TEXT PRIMARY KEY,
        seed BLOB NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at TEXT NOT NULL,
        retired_at TEXT
    ) STRICT;",
    // 3: subjects with their records and official grades (imported or demo), and repair applications.
    "CREATE TABLE subjects (
        credit_code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        demo INTEGER NOT NULL DEFAULT 0,
        situation TEXT,
        updated_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX subjects_by_name ON subjects (name);
    CREATE TABLE records (
        credit_code TEXT NOT NULL REFERENCES subjects (credit_code) ON DELETE CASCADE,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (credit_code, id)
    ) STRICT;
    CREATE TABLE grades (
        credit_code TEXT NOT NULL REFERENCES subjects (credit_code) ON DELETE CASCADE,
        position INTEGER NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (credit_code, position)
    ) STRICT;
    CREATE TABLE repair_applications (
        submission_id TEXT PRIMARY KEY REFERENCES commitments (submission_id),
        credit_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'submitted',
        created_at TEXT NOT NULL
    ) STRICT;",
    // 4: approval per (key, credit code) that can be revoked, and a record of every admin action.
    "CREATE TABLE key_enrolments_4 (
        kid TEXT NOT NULL,
        credit_code TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        request TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'revoked')),
        enrolled_at TEXT NOT NULL,
        approved_at TEXT,
        approved_by TEXT,
        revoked_at TEXT,
        revoked_by TEXT,
        revoke_reason TEXT,
        PRIMARY KEY (kid, credit_code)
    ) STRICT;
    INSERT INTO key_enrolments_4 (kid, credit_code, subject_name, public_jwk, request, status, enrolled_at,
        approved_at, approved_by)
        SELECT kid, credit_code, subject_name, public_jwk, request, status, enrolled_at, approved_at, approved_by
        FROM key_enrolments;
    DROP TABLE key_enrolments;
    ALTER TABLE key_enrolments_4 RENAME TO key_enrolments;
    CREATE TABLE admin_actions (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('approve', 'revoke')),
        kid TEXT NOT NULL,
        credit_code TEXT NOT NULL,
        reason TEXT
    ) STRICT;",
    // 5: personal values kept apart from what is published. A commitment's public row holds the JWS (personal
    // values only as salted digests) and their masks; the disclosures sit in their own table, for those
    // allowed. Rows signed before (xinnuo.commitment/1) carry personal data in their signed payload: their
    // envelopes are not published again.
    "ALTER TABLE commitments ADD COLUMN masked TEXT NOT NULL DEFAULT '{}';
    ALTER TABLE commitments ADD COLUMN publishable INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE commitment_disclosures (
        submission_id TEXT PRIMARY KEY REFERENCES commitments (submission_id),
        disclosures TEXT NOT NULL
    ) STRICT;",
    // 6: the department side. Officers with their own keys; decisions they sign, each moving a commitment
    // through its lifecycle (`lifecycle`: submitted, returned, in_force, kept, broken — read by the core's
    // `CommitmentState`; rows from before are in force). The old `status` column is no longer written.
    "ALTER TABLE commitments ADD COLUMN lifecycle TEXT NOT NULL DEFAULT 'in_force';
    CREATE TABLE officers (
        kid TEXT PRIMARY KEY,
        department TEXT NOT NULL,
        name TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        added_at TEXT NOT NULL,
        revoked_at TEXT
    ) STRICT;
    CREATE TABLE decisions (
        decision_id TEXT PRIMARY KEY,
        sequence INTEGER NOT NULL UNIQUE,
        target TEXT NOT NULL REFERENCES commitments (submission_id),
        action TEXT NOT NULL,
        state TEXT NOT NULL,
        officer_kid TEXT NOT NULL REFERENCES officers (kid),
        department TEXT NOT NULL,
        reason TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        envelope TEXT NOT NULL,
        receipt TEXT NOT NULL
    ) STRICT;
    CREATE INDEX decisions_by_target ON decisions (target, sequence);",
    // 7: the subject's name beside each commitment, for the publication list (信用承诺公示) and its search.
    "ALTER TABLE commitments ADD COLUMN subject_name TEXT NOT NULL DEFAULT '';
    CREATE INDEX commitments_by_template ON commitments (template_id, sequence);",
    // 8: officers' sign-in: challenges the server gave out (used once, short-lived) and the sessions they
    // opened (only a hash of each bearer token is kept).
    "CREATE TABLE officer_challenges (
        challenge TEXT PRIMARY KEY,
        expires_at_ms INTEGER NOT NULL
    ) STRICT;
    CREATE TABLE officer_sessions (
        token_sha256 TEXT PRIMARY KEY,
        kid TEXT NOT NULL REFERENCES officers (kid),
        expires_at_ms INTEGER NOT NULL
    ) STRICT;",
    // 9: the rest of the department side. The department each commitment was made to (signed since this
    // version; NULL before: the template's departments). Officers' roles. Key enrolments by the id decisions
    // name (the SHA-256 of the request, filled in by `backfill_enrolment_ids`). Objections to records. The
    // decisions table again, its target no longer tied to commitments (objections and enrolments are
    // decided too) and its signer no longer only an officer (an enterprise signs its withdrawal).
    "ALTER TABLE commitments ADD COLUMN department TEXT;
    ALTER TABLE officers ADD COLUMN roles TEXT NOT NULL DEFAULT 'review,decide';
    ALTER TABLE key_enrolments ADD COLUMN request_id TEXT;
    CREATE INDEX key_enrolments_by_request ON key_enrolments (request_id);
    CREATE TABLE objections (
        objection_id TEXT PRIMARY KEY,
        sequence INTEGER NOT NULL UNIQUE,
        credit_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        authority TEXT NOT NULL,
        grounds TEXT NOT NULL,
        signer_kid TEXT NOT NULL,
        envelope TEXT NOT NULL,
        receipt TEXT NOT NULL,
        state TEXT NOT NULL,
        received_at TEXT NOT NULL
    ) STRICT;
    CREATE INDEX objections_by_record ON objections (credit_code, record_id);
    CREATE TABLE decisions_9 (
        decision_id TEXT PRIMARY KEY,
        sequence INTEGER NOT NULL UNIQUE,
        target TEXT NOT NULL,
        action TEXT NOT NULL,
        state TEXT NOT NULL,
        officer_kid TEXT NOT NULL,
        department TEXT NOT NULL,
        reason TEXT NOT NULL,
        decided_at TEXT NOT NULL,
        received_at TEXT NOT NULL,
        envelope TEXT NOT NULL,
        receipt TEXT NOT NULL
    ) STRICT;
    INSERT INTO decisions_9 SELECT decision_id, sequence, target, action, state, officer_kid, department, reason,
        decided_at, received_at, envelope, receipt FROM decisions;
    DROP TABLE decisions;
    ALTER TABLE decisions_9 RENAME TO decisions;
    CREATE INDEX decisions_by_target ON decisions (target, sequence);",
    // 10: holiday schedules imported after a release (the file as given, checked by the core on import).
    "CREATE TABLE holiday_schedules (
        year INTEGER PRIMARY KEY,
        body TEXT NOT NULL,
        imported_at TEXT NOT NULL
    ) STRICT;",
];

/// The id of a stored signed request (a flattened JWS): the SHA-256 of its signing input, as the core's
/// `Verified::submission_id` has it.
pub fn request_id_of(request: &str) -> String {
    let request: serde_json::Value = serde_json::from_str(request).unwrap_or_default();
    let part = |name: &str| request.get(name).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
    xinnuo_core::envelope::submission_id(&part("protected"), &part("payload"))
}

/// Gives every key enrolment stored before version 9 the id decisions name it by.
fn backfill_enrolment_ids(connection: &mut Connection) -> Result<(), DbError> {
    let transaction = connection.transaction()?;
    let rows: Vec<(String, String, String)> = transaction
        .prepare("SELECT kid, credit_code, request FROM key_enrolments WHERE request_id IS NULL")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (kid, credit_code, request) in rows {
        let id = request_id_of(&request);
        transaction.execute(
            "UPDATE key_enrolments SET request_id = ?3 WHERE kid = ?1 AND credit_code = ?2",
            rusqlite::params![kid, credit_code, id],
        )?;
    }
    transaction.commit()?;
    Ok(())
}

#[derive(Clone)]
pub struct Db {
    connection: Arc<Mutex<Connection>>,
}

impl Db {
    pub fn open(path: &Path) -> Result<Self, DbError> {
        Self::prepare(Connection::open(path)?)
    }

    fn prepare(mut connection: Connection) -> Result<Self, DbError> {
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        migrate(&mut connection)?;
        backfill_enrolment_ids(&mut connection)?;
        Ok(Self { connection: Arc::new(Mutex::new(connection)) })
    }

    /// Runs `work` with the connection (call from a blocking task).
    pub fn with<T>(&self, work: impl FnOnce(&mut Connection) -> Result<T, DbError>) -> Result<T, DbError> {
        let mut connection = self.connection.lock().map_err(|_| DbError::Poisoned)?;
        work(&mut connection)
    }

    pub fn schema_version(&self) -> Result<i64, DbError> {
        self.with(|c| Ok(c.query_row("PRAGMA user_version", [], |row| row.get(0))?))
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), DbError> {
        self.with(|c| {
            c.execute("INSERT INTO server_meta (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])?;
            Ok(())
        })
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, DbError> {
        self.with(|c| {
            let mut statement = c.prepare_cached("SELECT value FROM server_meta WHERE key = ?1")?;
            let mut rows = statement.query([key])?;
            Ok(match rows.next()? {
                Some(row) => Some(row.get(0)?),
                None => None,
            })
        })
    }
}

impl Db {
    /// Row count and SHA-256 of the content of every table, in a stable order: tests compare digests to
    /// prove that refused requests changed nothing and that a crash lost or duplicated nothing.
    pub fn digest(&self) -> Result<std::collections::BTreeMap<String, (u64, String)>, DbError> {
        use sha2::{Digest, Sha256};
        self.with(|c| {
            let tables: Vec<String> = c
                .prepare(
                    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name",
                )?
                .query_map([], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            let mut digest = std::collections::BTreeMap::new();
            for table in tables {
                let mut statement = c.prepare(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"))?;
                let columns = statement.column_count();
                let mut hasher = Sha256::new();
                let mut rows = statement.query([])?;
                let mut count = 0u64;
                while let Some(row) = rows.next()? {
                    count += 1;
                    for index in 0..columns {
                        let value: rusqlite::types::Value = row.get(index)?;
                        hasher.update(format!("{value:?}\u{1f}").as_bytes());
                    }
                    hasher.update(b"\x1e");
                }
                let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
                digest.insert(table, (count, hash));
            }
            Ok(digest)
        })
    }
}

fn migrate(connection: &mut Connection) -> Result<(), DbError> {
    let supported = MIGRATIONS.len() as i64;
    let found: i64 = connection.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if found > supported {
        return Err(DbError::TooNew { found, supported });
    }
    for (index, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        transaction.pragma_update(None, "user_version", index as i64 + 1)?;
        transaction.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrates_and_keeps_data_across_reopen() {
        let dir = std::env::temp_dir().join(format!("xinnuo-db-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("test.db");
        let _ = std::fs::remove_file(&path);
        let db = Db::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), MIGRATIONS.len() as i64);
        db.set_meta("created_at", "x").unwrap();
        drop(db);
        let db = Db::open(&path).unwrap();
        assert_eq!(db.meta("created_at").unwrap().as_deref(), Some("x"));
        assert_eq!(db.meta("missing").unwrap(), None);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_version_3_database_keeps_its_enrolments_and_gains_revocation() {
        let mut connection = Connection::open_in_memory().unwrap();
        let transaction = connection.transaction().unwrap();
        for sql in &MIGRATIONS[..3] {
            transaction.execute_batch(sql).unwrap();
        }
        transaction.pragma_update(None, "user_version", 3).unwrap();
        transaction
            .execute(
                "INSERT INTO key_enrolments (kid, credit_code, subject_name, public_jwk, request, status, enrolled_at,
                 approved_at, approved_by) VALUES ('k', '91140105123456788F', '示例', '{}', '{}', 'approved', 't', 't', 'cli')",
                [],
            )
            .unwrap();
        transaction.commit().unwrap();
        let db = Db::prepare(connection).unwrap();
        assert_eq!(db.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let status: String = db
            .with(|c| Ok(c.query_row("SELECT status FROM key_enrolments WHERE kid = 'k'", [], |row| row.get(0))?))
            .unwrap();
        assert_eq!(status, "approved");
        db.with(|c| Ok(c.execute("UPDATE key_enrolments SET status = 'revoked' WHERE kid = 'k'", [])?)).unwrap();
    }

    #[test]
    fn a_version_8_database_keeps_its_decisions_and_names_its_enrolments() {
        let mut connection = Connection::open_in_memory().unwrap();
        let transaction = connection.transaction().unwrap();
        for sql in &MIGRATIONS[..8] {
            transaction.execute_batch(sql).unwrap();
        }
        transaction.pragma_update(None, "user_version", 8).unwrap();
        let request = r#"{"protected":"eyJhbGciOiJFZERTQSJ9","payload":"e30","signature":"AA"}"#;
        transaction
            .execute(
                "INSERT INTO key_enrolments (kid, credit_code, subject_name, public_jwk, request, status, enrolled_at)
                 VALUES ('k', '91140105123456788F', '示例', '{}', ?1, 'pending', 't')",
                [request],
            )
            .unwrap();
        transaction
            .execute_batch(
                "INSERT INTO commitments (sequence, submission_id, credit_code, template_id, template_version, signer_kid,
                 signed_at, received_at, key_status, envelope, receipt) VALUES (1, 's', 'c', 't', 'v', 'k', 't', 't',
                 'pending', '{}', '{}');
                 INSERT INTO officers (kid, department, name, public_jwk, added_at) VALUES ('o', 'd', 'n', '{}', 't');
                 INSERT INTO decisions VALUES ('d1', 1, 's', 'accept', 'in_force', 'o', 'd', '', 't', 't', '{}', '{}');",
            )
            .unwrap();
        transaction.commit().unwrap();
        let db = Db::prepare(connection).unwrap();
        assert_eq!(db.schema_version().unwrap(), MIGRATIONS.len() as i64);
        let (id, target, roles): (String, String, String) = db
            .with(|c| {
                Ok(c.query_row(
                    "SELECT (SELECT request_id FROM key_enrolments), (SELECT target FROM decisions),
                     (SELECT roles FROM officers)",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )?)
            })
            .unwrap();
        assert_eq!(id, xinnuo_core::envelope::submission_id("eyJhbGciOiJFZERTQSJ9", "e30"));
        assert_eq!((target.as_str(), roles.as_str()), ("s", "review,decide"));
        // Decisions may now name what is not a commitment (an objection, an enrolment).
        db.with(|c| {
            Ok(c.execute(
                "INSERT INTO decisions VALUES ('d2', 2, 'objection-id', 'objection_upheld', 'upheld', 'o', 'd', 'r',
                 't', 't', '{}', '{}')",
                [],
            )?)
        })
        .unwrap();
    }

    #[test]
    fn sign_in_challenges_are_capped_while_open_and_used_once() {
        let db = Db::prepare(Connection::open_in_memory().unwrap()).unwrap();
        assert!(db.add_challenge("a", 1_000, 2_000, 2).unwrap());
        assert!(db.add_challenge("b", 1_000, 2_000, 2).unwrap());
        assert!(!db.add_challenge("c", 1_500, 2_500, 2).unwrap(), "two are open");
        assert!(db.take_challenge("a", 1_600).unwrap());
        assert!(!db.take_challenge("a", 1_600).unwrap(), "used once");
        assert!(db.add_challenge("c", 1_700, 2_700, 2).unwrap());
        assert!(!db.take_challenge("b", 2_100).unwrap(), "expired");
        assert!(db.add_challenge("d", 2_100, 3_100, 2).unwrap(), "expired ones no longer count");
    }

    #[test]
    fn refuses_a_newer_schema() {
        let connection = Connection::open_in_memory().unwrap();
        connection.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(Db::prepare(connection), Err(DbError::TooNew { found: 99, .. })));
    }
}
