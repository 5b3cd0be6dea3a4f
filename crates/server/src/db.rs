//! The store's databases: SQLite (one embedded file, WAL; the default) or PostgreSQL (several stateless
//! servers on one database), chosen by `--db`. Migrations for both are embedded and applied in order on open;
//! a schema newer than this program is refused.

use std::path::Path;
use std::sync::{Arc, Mutex};

use rusqlite::Connection;

use crate::sql::args;
use crate::sql::{Dialect, PgConnection, PgManager, PgSql, Sql, SqliteSql};

pub use crate::sql::DbError;

/// Version 18's moves, the same on both databases (after each one's own `CREATE TABLE`): a submission's
/// log entry from `log_entries` to its row's `log_index`, the disclosures to the table keyed by sequence
/// (each with its commitment: the foreign key, on since version 5, allows no other). Every server on one
/// PostgreSQL database runs this version or none: stop them all, start the new ones.
macro_rules! migration_18_moves {
    () => {
        "
    UPDATE commitments SET log_index = (SELECT MAX(e.idx) FROM log_entries e
        WHERE e.reference = commitments.submission_id);
    DELETE FROM log_entries WHERE reference IN (SELECT submission_id FROM commitments);
    INSERT INTO commitment_disclosures_18 (sequence, disclosures) SELECT c.sequence, d.disclosures
        FROM commitment_disclosures d JOIN commitments c ON c.submission_id = d.submission_id;
    DROP TABLE commitment_disclosures;
    ALTER TABLE commitment_disclosures_18 RENAME TO commitment_disclosures;"
    };
}

/// SQLite: each entry moves the schema one version up; never edit an entry once released.
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
    // 11: who may cause what. How the accepting officer identified a commitment's signer (NULL: not
    // identified; then only a key approved for its code puts it in the column), and what each decision said
    // of it. Sign-in challenges are no longer stored when given out (they are the server's MAC over a nonce
    // and an expiry); only used ones are remembered, until they expire.
    "ALTER TABLE commitments ADD COLUMN identified TEXT;
    ALTER TABLE decisions ADD COLUMN identity_checked TEXT;
    CREATE TABLE used_challenges (
        challenge TEXT PRIMARY KEY,
        expires_at_ms INTEGER NOT NULL
    ) STRICT;",
    // 12: an upheld objection hides its record (the workflow's effect, written with the decision): the
    // objection that hid it, NULL while it counts. Records hidden before are marked from their objections.
    "ALTER TABLE records ADD COLUMN hidden_by TEXT;
    UPDATE records SET hidden_by = (SELECT o.objection_id FROM objections o WHERE o.credit_code = records.credit_code
        AND o.record_id = records.id AND o.state = 'upheld' ORDER BY o.objection_id LIMIT 1);",
    // 13: the public log (C2SP tlog-tiles as stored: hash tiles and entry bundles by path, each checkpoint
    // signed, and which entry is about what).
    "CREATE TABLE log_tiles (path TEXT PRIMARY KEY, data BLOB NOT NULL) STRICT;
    CREATE TABLE log_checkpoints (size INTEGER PRIMARY KEY, note TEXT NOT NULL, made_at TEXT NOT NULL) STRICT;
    CREATE TABLE log_entries (idx INTEGER PRIMARY KEY, reference TEXT NOT NULL) STRICT;
    CREATE INDEX log_entries_by_reference ON log_entries (reference, idx);",
    // 14: witnesses (C2SP tlog-witness). As a witness: the newest checkpoint cosigned per log. As a log: the
    // cosignatures witnesses returned, per checkpoint.
    "CREATE TABLE witnessed_logs (origin TEXT PRIMARY KEY, size INTEGER NOT NULL, root BLOB NOT NULL, note TEXT NOT NULL)
        STRICT;
    CREATE TABLE log_cosignatures (size INTEGER NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL,
        PRIMARY KEY (size, witness)) STRICT;",
    // 15: credit reports as issued (the signed file; one per subject, day and content: made again only when
    // the subject's public record changed).
    "CREATE TABLE reports (report_no TEXT PRIMARY KEY, credit_code TEXT NOT NULL, made_at TEXT NOT NULL,
        file TEXT NOT NULL) STRICT;
    CREATE INDEX reports_by_subject ON reports (credit_code, made_at);",
    // 16: what the other decisions did to a record, kept beside it as `hidden_by` is, so that they outlive a
    // new import of the subject (`workflow::reimport`): the decision that added it (a broken commitment) and
    // the day a granted repair ended its publication. Records from before are marked from their decisions
    // (the day filled in by `backfill_publication_ends`).
    MIGRATION_16,
    // 17: a demo subject's line in English beside the Chinese one (`situation`); NULL where the data gives none.
    MIGRATION_17,
    // 18: a commitment's disclosures and its place in the public log found by its sequence, not by its random
    // submission id: each such index dirtied about a page per submission (docs/BENCHMARKS.md, issue 31).
    concat!(
        "ALTER TABLE commitments ADD COLUMN log_index INTEGER;
    CREATE TABLE commitment_disclosures_18 (
        sequence INTEGER PRIMARY KEY REFERENCES commitments (sequence),
        disclosures TEXT NOT NULL
    ) STRICT;",
        migration_18_moves!()
    ),
];

/// Version 16, the same on both databases.
const MIGRATION_16: &str = "ALTER TABLE records ADD COLUMN added_by TEXT;
    ALTER TABLE records ADD COLUMN ended_by TEXT;
    ALTER TABLE records ADD COLUMN ended_on TEXT;
    UPDATE records SET added_by = (SELECT d.decision_id FROM decisions d WHERE d.action = 'broken'
        AND d.state = 'broken' AND records.id = 'broken-' || substr(d.decision_id, 1, 16) ORDER BY d.sequence LIMIT 1)
        WHERE id LIKE 'broken-%';
    UPDATE records SET ended_by = (SELECT a.submission_id FROM repair_applications a JOIN decisions d
        ON d.target = a.submission_id AND d.state = 'granted'
        WHERE a.credit_code = records.credit_code AND a.record_id = records.id ORDER BY d.sequence DESC LIMIT 1);";

/// Version 17, the same on both databases.
const MIGRATION_17: &str = "ALTER TABLE subjects ADD COLUMN situation_en TEXT;";

/// PostgreSQL: (the version it brings the schema to, the SQL). The first entry creates the schema as SQLite's
/// migrations leave it at version 10, so that a version number means the same tables on both; later changes
/// are added to both lists. Integers are BIGINT, JSON documents TEXT, as on SQLite (the store reads them so).
const POSTGRES_MIGRATIONS: &[(i64, &str)] = &[
    (
        10,
        "CREATE TABLE server_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE key_enrolments (
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
        request_id TEXT,
        PRIMARY KEY (kid, credit_code)
    );
    CREATE INDEX key_enrolments_by_request ON key_enrolments (request_id);
    CREATE TABLE commitments (
        sequence BIGINT PRIMARY KEY,
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
        receipt TEXT NOT NULL,
        masked TEXT NOT NULL DEFAULT '{}',
        publishable BIGINT NOT NULL DEFAULT 0,
        lifecycle TEXT NOT NULL DEFAULT 'in_force',
        subject_name TEXT NOT NULL DEFAULT '',
        department TEXT
    );
    CREATE INDEX commitments_by_subject ON commitments (credit_code, sequence);
    CREATE INDEX commitments_by_template ON commitments (template_id, sequence);
    CREATE TABLE server_keys (
        kid TEXT PRIMARY KEY,
        seed BYTEA NOT NULL,
        public_jwk TEXT NOT NULL,
        created_at TEXT NOT NULL,
        retired_at TEXT
    );
    CREATE TABLE subjects (
        credit_code TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        demo BIGINT NOT NULL DEFAULT 0,
        situation TEXT,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX subjects_by_name ON subjects (name);
    -- `rowid` keeps the order records were stored in, as SQLite's implicit rowid does.
    CREATE TABLE records (
        credit_code TEXT NOT NULL REFERENCES subjects (credit_code) ON DELETE CASCADE,
        id TEXT NOT NULL,
        body TEXT NOT NULL,
        rowid BIGINT GENERATED ALWAYS AS IDENTITY,
        PRIMARY KEY (credit_code, id)
    );
    CREATE TABLE grades (
        credit_code TEXT NOT NULL REFERENCES subjects (credit_code) ON DELETE CASCADE,
        position BIGINT NOT NULL,
        body TEXT NOT NULL,
        PRIMARY KEY (credit_code, position)
    );
    CREATE TABLE repair_applications (
        submission_id TEXT PRIMARY KEY REFERENCES commitments (submission_id),
        credit_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        channel TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'submitted',
        created_at TEXT NOT NULL
    );
    CREATE TABLE admin_actions (
        id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL CHECK (action IN ('approve', 'revoke')),
        kid TEXT NOT NULL,
        credit_code TEXT NOT NULL,
        reason TEXT
    );
    CREATE TABLE commitment_disclosures (
        submission_id TEXT PRIMARY KEY REFERENCES commitments (submission_id),
        disclosures TEXT NOT NULL
    );
    CREATE TABLE officers (
        kid TEXT PRIMARY KEY,
        department TEXT NOT NULL,
        name TEXT NOT NULL,
        public_jwk TEXT NOT NULL,
        added_at TEXT NOT NULL,
        revoked_at TEXT,
        roles TEXT NOT NULL DEFAULT 'review,decide'
    );
    CREATE TABLE officer_challenges (
        challenge TEXT PRIMARY KEY,
        expires_at_ms BIGINT NOT NULL
    );
    CREATE TABLE officer_sessions (
        token_sha256 TEXT PRIMARY KEY,
        kid TEXT NOT NULL REFERENCES officers (kid),
        expires_at_ms BIGINT NOT NULL
    );
    CREATE TABLE objections (
        objection_id TEXT PRIMARY KEY,
        sequence BIGINT NOT NULL UNIQUE,
        credit_code TEXT NOT NULL,
        record_id TEXT NOT NULL,
        authority TEXT NOT NULL,
        grounds TEXT NOT NULL,
        signer_kid TEXT NOT NULL,
        envelope TEXT NOT NULL,
        receipt TEXT NOT NULL,
        state TEXT NOT NULL,
        received_at TEXT NOT NULL
    );
    CREATE INDEX objections_by_record ON objections (credit_code, record_id);
    CREATE TABLE decisions (
        decision_id TEXT PRIMARY KEY,
        sequence BIGINT NOT NULL UNIQUE,
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
    );
    CREATE INDEX decisions_by_target ON decisions (target, sequence);
    CREATE TABLE holiday_schedules (
        year BIGINT PRIMARY KEY,
        body TEXT NOT NULL,
        imported_at TEXT NOT NULL
    );",
    ),
    (
        11,
        "ALTER TABLE commitments ADD COLUMN identified TEXT;
    ALTER TABLE decisions ADD COLUMN identity_checked TEXT;
    CREATE TABLE used_challenges (
        challenge TEXT PRIMARY KEY,
        expires_at_ms BIGINT NOT NULL
    );",
    ),
    (
        12,
        "ALTER TABLE records ADD COLUMN hidden_by TEXT;
    UPDATE records SET hidden_by = (SELECT o.objection_id FROM objections o WHERE o.credit_code = records.credit_code
        AND o.record_id = records.id AND o.state = 'upheld' ORDER BY o.objection_id LIMIT 1);",
    ),
    (
        13,
        "CREATE TABLE log_tiles (path TEXT PRIMARY KEY, data BYTEA NOT NULL);
    CREATE TABLE log_checkpoints (size BIGINT PRIMARY KEY, note TEXT NOT NULL, made_at TEXT NOT NULL);
    CREATE TABLE log_entries (idx BIGINT PRIMARY KEY, reference TEXT NOT NULL);
    CREATE INDEX log_entries_by_reference ON log_entries (reference, idx);",
    ),
    (
        14,
        "CREATE TABLE witnessed_logs (origin TEXT PRIMARY KEY, size BIGINT NOT NULL, root BYTEA NOT NULL, note TEXT NOT NULL);
    CREATE TABLE log_cosignatures (size BIGINT NOT NULL, witness TEXT NOT NULL, line TEXT NOT NULL,
        PRIMARY KEY (size, witness));",
    ),
    (
        15,
        "CREATE TABLE reports (report_no TEXT PRIMARY KEY, credit_code TEXT NOT NULL, made_at TEXT NOT NULL,
        file TEXT NOT NULL);
    CREATE INDEX reports_by_subject ON reports (credit_code, made_at);",
    ),
    (16, MIGRATION_16),
    (17, MIGRATION_17),
    (
        18,
        concat!(
            "ALTER TABLE commitments ADD COLUMN log_index BIGINT;
    CREATE TABLE commitment_disclosures_18 (
        sequence BIGINT PRIMARY KEY REFERENCES commitments (sequence),
        disclosures TEXT NOT NULL
    );",
            migration_18_moves!()
        ),
    ),
];

/// The PostgreSQL advisory lock every writing transaction holds: writes from all servers on one database
/// take turns, so sequence numbers are allocated once, a submission sent to two servers is stored once, and
/// read-then-write steps (approvals, decisions) see what the other server wrote. Reads never wait for it.
const WRITE_LOCK: i64 = 0x78696e6e756f; // "xinnuo"

/// The id of a stored signed request (a flattened JWS): the SHA-256 of its signing input, as the core's
/// `Verified::submission_id` has it.
pub fn request_id_of(request: &str) -> String {
    let request: serde_json::Value = serde_json::from_str(request).unwrap_or_default();
    let part = |name: &str| request.get(name).and_then(serde_json::Value::as_str).unwrap_or_default().to_owned();
    xinnuo_core::envelope::submission_id(&part("protected"), &part("payload"))
}

/// Gives every key enrolment stored before version 9 the id decisions name it by.
fn backfill_enrolment_ids(db: &Db) -> Result<(), DbError> {
    db.write(|sql| {
        let rows = sql.query("SELECT kid, credit_code, request FROM key_enrolments WHERE request_id IS NULL", &[])?;
        for row in rows {
            let (kid, credit_code, request): (String, String, String) = (row.get(0)?, row.get(1)?, row.get(2)?);
            sql.execute(
                "UPDATE key_enrolments SET request_id = ?3 WHERE kid = ?1 AND credit_code = ?2",
                args![&kid, &credit_code, &request_id_of(&request)],
            )?;
        }
        Ok(())
    })
}

/// Gives every record a granted repair ended before version 16 the day it ended: the day in Beijing its
/// decision reached the server (the day `workflow::decide` ended it on).
fn backfill_publication_ends(db: &Db) -> Result<(), DbError> {
    db.write(|sql| {
        let ended = sql.query(
            "SELECT r.credit_code, r.id, (SELECT d.received_at FROM decisions d WHERE d.target = r.ended_by
                 AND d.state = 'granted' ORDER BY d.sequence DESC LIMIT 1)
             FROM records r WHERE r.ended_by IS NOT NULL AND r.ended_on IS NULL",
            &[],
        )?;
        for row in ended {
            let (credit_code, id, at): (String, String, Option<String>) = (row.get(0)?, row.get(1)?, row.get(2)?);
            let day = at
                .and_then(|at| xinnuo_core::calendar::UtcTimestamp::parse(&at).ok())
                .map(|at| at.china_date().to_string())
                .ok_or(DbError::Corrupt("granted repair without its decision"))?;
            sql.execute(
                "UPDATE records SET ended_on = ?3 WHERE credit_code = ?1 AND id = ?2",
                args![&credit_code, &id, &day],
            )?;
        }
        Ok(())
    })
}

/// Where the data lives, as `--db` names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Location {
    /// A file path, or `sqlite:PATH`.
    Sqlite(std::path::PathBuf),
    /// `postgres://…` or `postgresql://…` (libpq's URL form).
    Postgres(String),
}

impl Location {
    pub fn parse(text: &str) -> Self {
        if text.starts_with("postgres://") || text.starts_with("postgresql://") {
            Location::Postgres(text.to_owned())
        } else {
            let path = text.strip_prefix("sqlite://").or_else(|| text.strip_prefix("sqlite:")).unwrap_or(text);
            Location::Sqlite(path.into())
        }
    }
}

enum Backend {
    Sqlite(Mutex<Connection>),
    Postgres(r2d2::Pool<PgManager>),
}

/// The store: every query in `store`, `officers`, `subjects` and `holidays` runs through it, on either backend.
#[derive(Clone)]
pub struct Db {
    backend: Arc<Backend>,
}

impl Db {
    /// Opens `--db`: a path or `sqlite:` URL (SQLite), or a `postgres://` URL (PostgreSQL).
    pub fn open(location: impl AsRef<Path>) -> Result<Self, DbError> {
        match Location::parse(&location.as_ref().to_string_lossy()) {
            Location::Sqlite(path) => Self::prepare(Connection::open(path)?),
            Location::Postgres(url) => Self::open_postgres(&url),
        }
    }

    fn open_postgres(url: &str) -> Result<Self, DbError> {
        let config: postgres::Config = url.parse()?;
        let manager = PgManager(r2d2_postgres::PostgresConnectionManager::new(config, postgres::NoTls));
        let pool =
            r2d2::Pool::builder().max_size(16).connection_timeout(std::time::Duration::from_secs(10)).build(manager)?;
        let db = Self { backend: Arc::new(Backend::Postgres(pool)) };
        db.migrate_postgres()?;
        backfill_enrolment_ids(&db)?;
        backfill_publication_ends(&db)?;
        Ok(db)
    }

    fn prepare(mut connection: Connection) -> Result<Self, DbError> {
        connection.pragma_update(None, "journal_mode", "WAL")?;
        connection.pragma_update(None, "synchronous", "NORMAL")?;
        connection.pragma_update(None, "foreign_keys", "ON")?;
        // The committer's pages stay in memory (64 MB; SQLite's default is 2 MB), and a statement's undo
        // journal too: both showed as file reads and writes per submission (`cargo xtask bench server`, issue 31).
        connection.pragma_update(None, "cache_size", -65536)?;
        connection.pragma_update(None, "temp_store", "MEMORY")?;
        connection.busy_timeout(std::time::Duration::from_secs(5))?;
        connection.set_prepared_statement_cache_capacity(64);
        migrate(&mut connection)?;
        let db = Self { backend: Arc::new(Backend::Sqlite(Mutex::new(connection))) };
        backfill_enrolment_ids(&db)?;
        backfill_publication_ends(&db)?;
        Ok(db)
    }

    pub fn dialect(&self) -> Dialect {
        match &*self.backend {
            Backend::Sqlite(_) => Dialect::Sqlite,
            Backend::Postgres(_) => Dialect::Postgres,
        }
    }

    /// Runs `work` on a connection outside a transaction (reads; call from a blocking task).
    pub fn read<T>(&self, work: impl FnOnce(&mut dyn Sql) -> Result<T, DbError>) -> Result<T, DbError> {
        match &*self.backend {
            Backend::Sqlite(connection) => {
                let connection = connection.lock().map_err(|_| DbError::Poisoned)?;
                work(&mut SqliteSql(&connection))
            }
            Backend::Postgres(pool) => work(&mut PgSql(&mut *pool.get()?)),
        }
    }

    /// Runs `work` in one transaction, committed when it returns `Ok`, rolled back otherwise. On PostgreSQL
    /// the transaction first takes the write lock (see `WRITE_LOCK`).
    pub fn write<T>(&self, work: impl FnOnce(&mut dyn Sql) -> Result<T, DbError>) -> Result<T, DbError> {
        match &*self.backend {
            Backend::Sqlite(connection) => {
                let mut connection = connection.lock().map_err(|_| DbError::Poisoned)?;
                // IMMEDIATE: a command-line tool writing to the same file waits its turn instead of failing.
                let transaction = connection.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
                let result = work(&mut SqliteSql(&transaction))?;
                transaction.commit()?;
                Ok(result)
            }
            Backend::Postgres(pool) => {
                let mut connection = pool.get()?;
                in_postgres_transaction(&mut connection, work)
            }
        }
    }

    pub fn schema_version(&self) -> Result<i64, DbError> {
        match &*self.backend {
            Backend::Sqlite(_) => self.read(|sql| sql.query_one("PRAGMA user_version", &[])?.get(0)),
            Backend::Postgres(_) => {
                self.read(|sql| sql.query_one("SELECT COALESCE(MAX(version), 0) FROM xinnuo_schema", &[])?.get(0))
            }
        }
    }

    pub fn set_meta(&self, key: &str, value: &str) -> Result<(), DbError> {
        self.write(|sql| {
            sql.execute(
                "INSERT INTO server_meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                args![key, value],
            )?;
            Ok(())
        })
    }

    pub fn meta(&self, key: &str) -> Result<Option<String>, DbError> {
        self.read(|sql| {
            sql.query_opt("SELECT value FROM server_meta WHERE key = ?1", args![key])?.map(|row| row.get(0)).transpose()
        })
    }

    /// Applies PostgreSQL migrations under the write lock, so servers starting together migrate once.
    fn migrate_postgres(&self) -> Result<(), DbError> {
        self.write(|sql| {
            sql.batch("CREATE TABLE IF NOT EXISTS xinnuo_schema (version BIGINT NOT NULL, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")?;
            let found: i64 = sql.query_one("SELECT COALESCE(MAX(version), 0) FROM xinnuo_schema", &[])?.get(0)?;
            let supported = POSTGRES_MIGRATIONS.last().map_or(0, |(version, _)| *version);
            if found > supported {
                return Err(DbError::TooNew { found, supported });
            }
            for (version, migration) in POSTGRES_MIGRATIONS.iter().filter(|(version, _)| *version > found) {
                sql.batch(migration)?;
                sql.execute("INSERT INTO xinnuo_schema (version) VALUES (?1)", args![*version])?;
            }
            Ok(())
        })
    }
}

fn in_postgres_transaction<T>(
    connection: &mut PgConnection,
    work: impl FnOnce(&mut dyn Sql) -> Result<T, DbError>,
) -> Result<T, DbError> {
    connection.client.batch_execute(&format!("BEGIN; SELECT pg_advisory_xact_lock({WRITE_LOCK})"))?;
    match work(&mut PgSql(connection)) {
        Ok(result) => {
            connection.client.batch_execute("COMMIT")?;
            Ok(result)
        }
        Err(error) => {
            // The error is what the caller needs; a failed rollback leaves the connection closed, and r2d2
            // drops closed connections.
            let _ = connection.client.batch_execute("ROLLBACK");
            Err(error)
        }
    }
}

impl Db {
    /// Row count and SHA-256 of the content of every table, in a stable order: tests compare digests to
    /// prove that refused requests changed nothing and that a crash lost or duplicated nothing.
    pub fn digest(&self) -> Result<std::collections::BTreeMap<String, (u64, String)>, DbError> {
        use sha2::{Digest, Sha256};
        let tables = match self.dialect() {
            Dialect::Sqlite => {
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name"
            }
            Dialect::Postgres => {
                "SELECT table_name::text FROM information_schema.tables
                 WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name <> 'xinnuo_schema'
                 ORDER BY table_name"
            }
        };
        self.read(|sql| {
            let tables: Vec<String> = sql.query(tables, &[])?.iter().map(|row| row.get(0)).collect::<Result<_, _>>()?;
            let mut digest = std::collections::BTreeMap::new();
            for table in tables {
                let mut hasher = Sha256::new();
                let rows = sql.query(&format!("SELECT * FROM \"{table}\" ORDER BY 1, 2"), &[])?;
                for row in &rows {
                    for cell in row.cells() {
                        hasher.update(format!("{cell:?}\u{1f}").as_bytes());
                    }
                    hasher.update(b"\x1e");
                }
                let hash: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
                digest.insert(table, (rows.len() as u64, hash));
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
pub(crate) mod tests {
    use super::*;

    /// A fresh SQLite file for one test (`name` keeps tests that run at once apart).
    pub(crate) fn scratch_db(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("xinnuo-{name}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("test.db");
        let _ = std::fs::remove_file(&path);
        path
    }

    #[test]
    fn migrates_and_keeps_data_across_reopen() {
        let path = scratch_db("db-test");
        let db = Db::open(&path).unwrap();
        assert_eq!(db.schema_version().unwrap(), MIGRATIONS.len() as i64);
        db.set_meta("created_at", "x").unwrap();
        drop(db);
        let db = Db::open(&path).unwrap();
        assert_eq!(db.meta("created_at").unwrap().as_deref(), Some("x"));
        assert_eq!(db.meta("missing").unwrap(), None);
        drop(db);
        if let Some(dir) = path.parent() {
            std::fs::remove_dir_all(dir).unwrap();
        }
    }

    /// An in-memory database as release `version` left it (its migrations applied), for a test to fill.
    fn database_at(version: usize) -> Connection {
        let mut connection = Connection::open_in_memory().unwrap();
        let transaction = connection.transaction().unwrap();
        for sql in &MIGRATIONS[..version] {
            transaction.execute_batch(sql).unwrap();
        }
        transaction.pragma_update(None, "user_version", version as i64).unwrap();
        transaction.commit().unwrap();
        connection
    }

    #[test]
    fn a_version_3_database_keeps_its_enrolments_and_gains_revocation() {
        let mut connection = database_at(3);
        let transaction = connection.transaction().unwrap();
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
        let status: String =
            db.read(|sql| sql.query_one("SELECT status FROM key_enrolments WHERE kid = 'k'", &[])?.get(0)).unwrap();
        assert_eq!(status, "approved");
        db.write(|sql| sql.execute("UPDATE key_enrolments SET status = 'revoked' WHERE kid = 'k'", &[])).unwrap();
    }

    /// Records a decision added or a granted repair ended before version 16 are marked so (the repair with the
    /// day in Beijing its decision arrived), and outlive the next import like those decided since.
    #[test]
    fn a_version_14_database_marks_what_decisions_did_to_its_records() {
        let mut connection = database_at(14);
        let transaction = connection.transaction().unwrap();
        let decision_id = "ab".repeat(32);
        let broken = xinnuo_core::workflow::broken_record_id(&decision_id);
        let record = |id: &str, removed_on: &str| {
            format!(
                r#"{{"id":"{id}","kind":"administrative_penalty","decision_no":"n","authority":"a","decided_on":"2026-06-01"{removed_on}}}"#
            )
        };
        transaction
            .execute_batch(&format!(
                "INSERT INTO subjects (credit_code, name, updated_at) VALUES ('91140105123456788F', '示例', 't');
                 INSERT INTO records (credit_code, id, body) VALUES ('91140105123456788F', 'r-1', '{}'),
                     ('91140105123456788F', 'r-2', '{}'), ('91140105123456788F', '{broken}', '{}');
                 INSERT INTO commitments (sequence, submission_id, credit_code, template_id, template_version,
                     signer_kid, signed_at, received_at, key_status, envelope, receipt) VALUES (1, 'a-1',
                     '91140105123456788F', 'credit-repair', 'v', 'k', 't', 't', 'verified', '{{}}', '{{}}');
                 INSERT INTO repair_applications (submission_id, credit_code, record_id, channel, status, created_at)
                     VALUES ('a-1', '91140105123456788F', 'r-1', 'credit_china', 'granted', 't');
                 INSERT INTO decisions VALUES ('{decision_id}', 1, 'c-1', 'broken', 'broken', 'o', 'd', 'r', 't',
                     '2026-12-01T17:00:00.000Z', '{{}}', '{{}}', NULL),
                     ('{}', 2, 'a-1', 'repair_granted', 'granted', 'o', 'd', '', 't', '2026-12-01T17:00:00.000Z',
                     '{{}}', '{{}}', NULL);",
                record("r-1", r#","removed_on":"2026-12-02""#),
                record("r-2", ""),
                record(&broken, ""),
                "cd".repeat(32),
            ))
            .unwrap();
        transaction.commit().unwrap();
        let db = Db::prepare(connection).unwrap();
        assert_eq!(db.schema_version().unwrap(), MIGRATIONS.len() as i64);
        type Marks = (String, Option<String>, Option<String>, Option<String>);
        let marks: Vec<Marks> = db
            .read(|sql| {
                crate::sql::rows(sql, "SELECT id, added_by, ended_by, ended_on FROM records ORDER BY id", &[], |row| {
                    Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?))
                })
            })
            .unwrap();
        assert_eq!(
            marks,
            [
                (broken.clone(), Some(decision_id.clone()), None, None),
                ("r-1".into(), None, Some("a-1".into()), Some("2026-12-02".into())),
                ("r-2".into(), None, None, None),
            ]
        );
        // The register's file, knowing nothing of either: both stay.
        let profile: xinnuo_core::status::Profile = serde_json::from_value(serde_json::json!({
            "credit_code": "91140105123456788F", "name": "示例",
            "records": [serde_json::from_str::<serde_json::Value>(&record("r-1", "")).unwrap()],
        }))
        .unwrap();
        let log = crate::log::LogKey::derive("xinnuo.test/log", &[1; 32]).unwrap();
        let subject = crate::subjects::StoredSubject { profile, situation: Default::default() };
        db.save_subjects(&[subject], "2026-12-03T00:00:00Z", &log).unwrap();
        let records = db.subject("91140105123456788F").unwrap().unwrap().profile.records;
        let kept: Vec<(&str, Option<String>)> =
            records.iter().map(|r| (r.id.as_str(), r.removed_on.map(|d| d.to_string()))).collect();
        assert_eq!(kept, [("r-1", Some("2026-12-02".to_owned())), (broken.as_str(), None)]);
    }

    #[test]
    fn a_version_8_database_keeps_its_decisions_and_names_its_enrolments() {
        let mut connection = database_at(8);
        let transaction = connection.transaction().unwrap();
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
            .read(|sql| {
                let row = sql.query_one(
                    "SELECT (SELECT request_id FROM key_enrolments), (SELECT target FROM decisions),
                     (SELECT roles FROM officers)",
                    &[],
                )?;
                Ok((row.get(0)?, row.get(1)?, row.get(2)?))
            })
            .unwrap();
        assert_eq!(id, xinnuo_core::envelope::submission_id("eyJhbGciOiJFZERTQSJ9", "e30"));
        assert_eq!((target.as_str(), roles.as_str()), ("s", "review,decide"));
        // Decisions may now name what is not a commitment (an objection, an enrolment).
        db.write(|sql| {
            sql.execute(
                "INSERT INTO decisions VALUES ('d2', 2, 'objection-id', 'objection_upheld', 'upheld', 'o', 'd', 'r',
                 't', 't', '{}', '{}', NULL)",
                &[],
            )
        })
        .unwrap();
    }

    /// A value a column of `table` accepts (the CHECK constraints name their values), for filling any schema.
    fn sample_value(table: &str, column: &str, declared: &str) -> rusqlite::types::Value {
        use rusqlite::types::Value;
        match (table, column) {
            ("key_enrolments", "status") => Value::Text("approved".into()),
            ("commitments", "status") => Value::Text("active".into()),
            ("admin_actions", "action") => Value::Text("approve".into()),
            // Columns holding JSON documents.
            (_, "public_jwk" | "envelope" | "receipt" | "masked" | "body") => Value::Text("{}".into()),
            (_, "disclosures") => Value::Text("[]".into()),
            // One submission across tables, as the foreign keys have it (version 18 moves rows by it).
            (_, "submission_id") => Value::Text("submission".into()),
            (_, "request") => {
                Value::Text(r#"{"protected":"eyJhbGciOiJFZERTQSJ9","payload":"e30","signature":"AA"}"#.into())
            }
            _ if declared.eq_ignore_ascii_case("INTEGER") => Value::Integer(1),
            _ if declared.eq_ignore_ascii_case("BLOB") => Value::Blob(vec![7; 32]),
            _ => Value::Text(format!("{table}.{column}")),
        }
    }

    /// Every released schema, populated with a row in each of its tables, upgrades to the current one keeping
    /// every row (tables renamed on the way keep theirs).
    #[test]
    fn every_older_schema_upgrades_with_its_data() {
        for version in 1..MIGRATIONS.len() {
            let mut connection = database_at(version);
            // Rows stand alone here (one per table, in name order); the store turns the checks on when it opens.
            connection.pragma_update(None, "foreign_keys", "OFF").unwrap();
            let transaction = connection.transaction().unwrap();
            let tables: Vec<String> = transaction
                .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
                .unwrap()
                .query_map([], |row| row.get(0))
                .unwrap()
                .collect::<Result<_, _>>()
                .unwrap();
            for table in &tables {
                let columns: Vec<(String, String)> = transaction
                    .prepare(&format!("PRAGMA table_info(\"{table}\")"))
                    .unwrap()
                    .query_map([], |row| Ok((row.get(1)?, row.get(2)?)))
                    .unwrap()
                    .collect::<Result<_, _>>()
                    .unwrap();
                let names: Vec<&str> = columns.iter().map(|(name, _)| name.as_str()).collect();
                let values: Vec<rusqlite::types::Value> =
                    columns.iter().map(|(name, declared)| sample_value(table, name, declared)).collect();
                let placeholders = vec!["?"; columns.len()].join(", ");
                transaction
                    .execute(
                        &format!("INSERT INTO \"{table}\" ({}) VALUES ({placeholders})", names.join(", ")),
                        rusqlite::params_from_iter(values),
                    )
                    .unwrap_or_else(|e| panic!("version {version}, {table}: {e}"));
            }
            transaction.commit().unwrap();
            let db = Db::prepare(connection).unwrap_or_else(|e| panic!("version {version} upgrades: {e}"));
            assert_eq!(db.schema_version().unwrap(), MIGRATIONS.len() as i64);
            let digest = db.digest().unwrap();
            for table in tables {
                let (rows, _) = digest.get(&table).unwrap_or_else(|| panic!("version {version}: {table} is gone"));
                assert_eq!(*rows, 1, "version {version}: {table} keeps its row");
            }
            // The rows read back through the store as the current version reads them.
            if version >= 2 {
                assert!(db.enrolments_of_key("key_enrolments.kid").unwrap().len() == 1, "version {version}");
            }
        }
    }

    /// Version 18 finds a commitment's log entry and disclosures by its row, and keeps both.
    #[test]
    fn a_version_17_database_moves_submission_lookups_to_the_commitment_row() {
        let connection = database_at(17);
        connection
            .execute_batch(
                "INSERT INTO commitments (sequence, submission_id, credit_code, template_id, template_version,
                     signer_kid, signed_at, received_at, key_status, envelope, receipt) VALUES
                     (7, 'sub-7', 'c', 't', 'v', 'k', 't', 't', 'verified', '{}', '{}'),
                     (8, 'sub-8', 'c', 't', 'v', 'k', 't', 't', 'verified', '{}', '{}'),
                     (9, 'sub-9', 'c', 't', 'v', 'k', 't', 't', 'verified', '{}', '{}');
                 INSERT INTO commitment_disclosures (submission_id, disclosures) VALUES ('sub-7', '[\"d7\"]');
                 INSERT INTO log_entries (idx, reference) VALUES (3, 'sub-7'), (4, 'dec-1'), (5, 'sub-8'),
                     (6, 'sub-8');",
            )
            .unwrap();
        let db = Db::prepare(connection).unwrap();
        assert_eq!(db.disclosures("sub-7").unwrap(), Some(vec!["d7".to_owned()]));
        assert_eq!(db.disclosures("sub-8").unwrap(), None);
        let places: Vec<(String, Option<u64>)> = db
            .read(|sql| {
                crate::sql::rows(
                    sql,
                    "SELECT submission_id, log_index FROM commitments ORDER BY sequence",
                    &[],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
            })
            .unwrap();
        // sub-8 twice in the log (never made so, but read as `index_of` read it: the newest); sub-9 in none.
        assert_eq!(places, [("sub-7".to_owned(), Some(3)), ("sub-8".to_owned(), Some(6)), ("sub-9".to_owned(), None)]);
        let left: Vec<String> =
            db.read(|sql| crate::sql::rows(sql, "SELECT reference FROM log_entries", &[], |row| row.get(0))).unwrap();
        assert_eq!(left, ["dec-1"]);
        for (reference, index) in [("sub-7", Some(3)), ("dec-1", Some(4)), ("sub-8", Some(6)), ("sub-9", None)] {
            assert_eq!(db.read(|sql| crate::log::index_of(sql, reference)).unwrap(), index, "{reference}");
        }
    }

    #[test]
    fn refuses_a_newer_schema() {
        let connection = Connection::open_in_memory().unwrap();
        connection.pragma_update(None, "user_version", 99).unwrap();
        assert!(matches!(Db::prepare(connection), Err(DbError::TooNew { found: 99, .. })));
    }
}
