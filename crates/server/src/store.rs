//! The SQL for keys, commitments and the server's signing keys. Every write that must be atomic (a
//! submission and its receipt, with the next sequence number) runs in one transaction (`Db::write`).

use std::collections::{HashMap, HashSet};

use serde_json::Value;
use xinnuo_core::decision::Action;
use xinnuo_core::enrolment::EnrolmentStatus;
use xinnuo_core::envelope::Signer;
use xinnuo_core::public_log::{LogEvent, LoggedEntry};
use xinnuo_core::receipt::KeyStatus;
use xinnuo_core::workflow::KeyStep;
use zeroize::Zeroizing;

use crate::db::{Db, DbError};
use crate::sql::{args, row, rows, Sql, SqlRow};

#[derive(Debug, Clone)]
pub struct EnrolmentRow {
    pub kid: String,
    pub credit_code: String,
    pub subject_name: String,
    pub public_jwk: Value,
    pub status: EnrolmentStatus,
    pub enrolled_at: String,
    pub approved_at: Option<String>,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
    /// The id officers' decisions name it by: the SHA-256 of the signed request.
    pub request_id: Option<String>,
}

/// One approval or revocation, as recorded (the wire's shape: the admin log publishes it as it is).
pub use xinnuo_core::wire::AdminAction;

/// What an approval or revocation found.
#[derive(Debug)]
pub enum EnrolmentChange {
    /// Done (or already so): the enrolment as it now stands.
    Changed(EnrolmentRow),
    /// No enrolment of this key for this credit code.
    NotEnrolled,
    /// Revocation is final: a revoked enrolment is not approved again (the holder enrols a new key).
    Revoked(EnrolmentRow),
}

#[derive(Debug, Clone)]
pub struct CommitmentRow {
    pub sequence: u64,
    pub submission_id: String,
    pub credit_code: String,
    pub template_id: String,
    pub template_version: String,
    pub signer_kid: String,
    pub signed_at: String,
    pub received_at: String,
    pub key_status: KeyStatus,
    /// Where it stands, moved on by officers' decisions.
    pub state: xinnuo_core::decision::CommitmentState,
    /// The signed JWS as published: personal values only as salted digests.
    pub envelope: Value,
    pub receipt: Value,
    /// Masks of the personal values (`110105********002X`), for display beside the JWS.
    pub masked: Value,
    /// False for rows signed as xinnuo.commitment/1, whose signed payload holds personal data.
    pub publishable: bool,
    pub subject_name: String,
    /// The department it was made to, as signed; `None` for those signed before the choice was signed.
    pub department: Option<String>,
    /// How the accepting officer identified the signer.
    pub identified: Option<xinnuo_core::decision::IdentityCheck>,
    /// The signer's key for this credit code now.
    pub standing: KeyStatus,
    /// The subject's name in the register, if it is there.
    pub registry_name: Option<String>,
    /// Found broken, and the broken-commitment record that finding added was then removed by an upheld
    /// objection: that objection's decision.
    pub finding_overturned_by: Option<String>,
}

/// A submission's receipt as stored: what its submitter is answered.
#[derive(Debug, Clone)]
pub struct StoredReceipt {
    pub submission_id: String,
    pub sequence: u64,
    pub received_at: String,
    pub key_status: KeyStatus,
    /// The receipt as stored: its public-log entry with the proof (a JWS for one stored before), JSON text.
    pub receipt: String,
    /// Stored now, not found stored before.
    pub created: bool,
    /// Its entry in the public log with the inclusion proof (a submission stored before the log began has none).
    pub log: Option<Box<LoggedEntry>>,
}

/// Which commitments a publication list shows.
#[derive(Debug, Default)]
pub struct PublicationFilter {
    /// Only those a department decides (`workflow::commitment_filter`: its name, and the template versions
    /// naming it for commitments signed before the department was part of the payload).
    pub department: Option<xinnuo_core::workflow::CommitmentFilter>,
    /// Only this template.
    pub template: Option<String>,
    pub state: Option<xinnuo_core::decision::CommitmentState>,
    /// Part of a subject's name or credit code.
    pub query: Option<String>,
    /// Also those signed without a credit code (a person's, an establishment's): for the department they are
    /// made to, never for the public list.
    pub with_unlisted: bool,
}

/// What is known of a verified submission before it is stored.
pub struct NewCommitment {
    pub submission_id: String,
    pub credit_code: String,
    pub template_id: String,
    pub template_version: String,
    pub signer_kid: String,
    pub signed_at: String,
    pub received_at: String,
    /// The committing subject's name (not personal data: published).
    pub subject_name: String,
    /// The JWS without disclosures (published).
    pub envelope: String,
    /// Masks of the personal values, as JSON (published).
    pub masked: String,
    /// The disclosures, as a JSON array (kept apart, never published).
    pub disclosures: String,
    /// The department it was made to (signed).
    pub department: Option<String>,
}

pub struct ServerKey {
    pub kid: String,
    pub signer: Signer,
    /// Signs the public log's checkpoints (a key of its own, derived from this one).
    pub log: crate::log::LogKey,
    /// Cosigns other logs' checkpoints when this server witnesses them (a key of its own too).
    pub witness: crate::witness::WitnessKey,
}

impl ServerKey {
    /// The key sign-in challenges are authenticated with: derived from this key, so every server on one
    /// database makes and accepts the same challenges.
    pub fn challenge_key(&self) -> [u8; 32] {
        use sha2::Digest;
        let signature = self.signer.sign_labelled_bytes(b"xinnuo officer sign-in challenge MAC key v1");
        sha2::Sha256::digest(signature).into()
    }
}

#[derive(Debug, Clone)]
pub struct ServerKeyRow {
    pub kid: String,
    pub public_jwk: Value,
    pub created_at: String,
    pub retired_at: Option<String>,
    /// The verifier key of the public log's checkpoints signed while this key was current.
    pub log_key: Option<String>,
}

/// A stored key status; one this program did not write reads as the weakest claim, never as verified.
fn key_status_from(text: &str) -> KeyStatus {
    KeyStatus::parse(text).unwrap_or(KeyStatus::Unenrolled)
}

/// Which commitments the public sees, as `workflow::listed_publicly` says: with a credit code, not a repair
/// application, and signed by a known signer — a key approved for that code (on receipt or now) or a signer
/// the accepting officer identified. (`the_sql_listing_is_the_cores_rule` holds the two equal.)
const LISTED: &str = "credit_code <> '' AND template_id <> 'credit-repair'
     AND (key_status = 'verified' OR identified IS NOT NULL
          OR EXISTS (SELECT 1 FROM key_enrolments k WHERE k.kid = commitments.signer_kid
                     AND k.credit_code = commitments.credit_code AND k.status = 'approved'))";

const COMMITMENT_COLUMNS: &str = "sequence, submission_id, credit_code, template_id, template_version, signer_kid, \
     signed_at, received_at, key_status, lifecycle, envelope, receipt, masked, publishable, subject_name, department, \
     identified, (SELECT k.status FROM key_enrolments k WHERE k.kid = commitments.signer_kid \
     AND k.credit_code = commitments.credit_code), \
     (SELECT s.name FROM subjects s WHERE s.credit_code = commitments.credit_code), \
     (SELECT u.decision_id FROM decisions d \
      JOIN records r ON r.credit_code = commitments.credit_code AND r.id = ('broken-' || SUBSTR(d.decision_id, 1, 16)) \
      JOIN decisions u ON u.target = r.hidden_by AND u.action = 'objection_upheld' \
      WHERE d.target = commitments.submission_id AND d.action = 'broken' ORDER BY u.sequence DESC LIMIT 1)";

fn commitment_row(row: &SqlRow) -> Result<CommitmentRow, DbError> {
    Ok(CommitmentRow {
        sequence: row.get(0)?,
        submission_id: row.get(1)?,
        credit_code: row.get(2)?,
        template_id: row.get(3)?,
        template_version: row.get(4)?,
        signer_kid: row.get(5)?,
        signed_at: row.get(6)?,
        received_at: row.get(7)?,
        key_status: key_status_from(&row.get::<String>(8)?),
        state: xinnuo_core::decision::CommitmentState::parse(&row.get::<String>(9)?)
            .ok_or(DbError::Corrupt("commitment lifecycle"))?,
        envelope: row.get(10)?,
        receipt: row.get(11)?,
        masked: row.get(12)?,
        publishable: row.get(13)?,
        subject_name: row.get(14)?,
        department: row.get(15)?,
        identified: row.get::<Option<String>>(16)?.as_deref().and_then(xinnuo_core::decision::IdentityCheck::parse),
        standing: {
            let credit_code: String = row.get(2)?;
            let enrolment = row.get::<Option<String>>(17)?.as_deref().and_then(EnrolmentStatus::parse);
            xinnuo_core::workflow::standing(Some(&credit_code), enrolment)
        },
        registry_name: row.get(18)?,
        finding_overturned_by: row.get(19)?,
    })
}

fn enrolment_row(row: &SqlRow) -> Result<EnrolmentRow, DbError> {
    Ok(EnrolmentRow {
        kid: row.get(0)?,
        credit_code: row.get(1)?,
        subject_name: row.get(2)?,
        public_jwk: row.get(3)?,
        status: EnrolmentStatus::parse(&row.get::<String>(4)?).ok_or(DbError::Corrupt("enrolment status"))?,
        enrolled_at: row.get(5)?,
        approved_at: row.get(6)?,
        revoked_at: row.get(7)?,
        revoke_reason: row.get(8)?,
        request_id: row.get(9)?,
    })
}

const ENROLMENT_COLUMNS: &str =
    "kid, credit_code, subject_name, public_jwk, status, enrolled_at, approved_at, revoked_at, revoke_reason, request_id";

pub(crate) fn enrolment(sql: &mut dyn Sql, kid: &str, credit_code: &str) -> Result<Option<EnrolmentRow>, DbError> {
    row(
        sql,
        &format!("SELECT {ENROLMENT_COLUMNS} FROM key_enrolments WHERE kid = ?1 AND credit_code = ?2"),
        args![kid, credit_code],
        enrolment_row,
    )
}

pub(crate) fn record_action(
    sql: &mut dyn Sql,
    actor: &str,
    action: &str,
    kid: &str,
    credit_code: &str,
    reason: Option<&str>,
    now: &str,
) -> Result<(), DbError> {
    sql.execute(
        "INSERT INTO admin_actions (at, actor, action, kid, credit_code, reason) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        args![now, actor, action, kid, credit_code, reason],
    )?;
    Ok(())
}

/// Approves or revokes one enrolment in a transaction, recording who did it. `to`: the status it moves to.
pub(crate) fn change_enrolment(
    sql: &mut dyn Sql,
    kid: &str,
    credit_code: &str,
    to: EnrolmentStatus,
    reason: Option<&str>,
    actor: &str,
    now: &str,
) -> Result<(), DbError> {
    if to == EnrolmentStatus::Approved {
        sql.execute(
            "UPDATE key_enrolments SET status = 'approved', approved_at = ?3, approved_by = ?4
             WHERE kid = ?1 AND credit_code = ?2",
            args![kid, credit_code, now, actor],
        )?;
        record_action(sql, actor, "approve", kid, credit_code, None, now)
    } else {
        sql.execute(
            "UPDATE key_enrolments SET status = 'revoked', revoked_at = ?3, revoked_by = ?4, revoke_reason = ?5
             WHERE kid = ?1 AND credit_code = ?2",
            args![kid, credit_code, now, actor, reason],
        )?;
        record_action(sql, actor, "revoke", kid, credit_code, reason, now)
    }
}

/// One commitment, read in the caller's transaction.
pub(crate) fn commitment_in(sql: &mut dyn Sql, submission_id: &str) -> Result<Option<CommitmentRow>, DbError> {
    row(
        sql,
        &format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE submission_id = ?1"),
        args![submission_id],
        commitment_row,
    )
}

/// An operator's approval or revocation, as the core's `workflow::key_step` says, in the caller's transaction.
/// An operator's approval or revocation, appended to the public log in the same transaction (a key's
/// standing decides what its signatures may cause, so changing it is a public event however it is done).
#[allow(clippy::too_many_arguments)]
fn operator_key_step(
    sql: &mut dyn Sql,
    kid: &str,
    credit_code: &str,
    action: Action,
    reason: Option<&str>,
    actor: &str,
    now: &str,
    log: &crate::log::LogKey,
) -> Result<EnrolmentChange, DbError> {
    let Some(row) = enrolment(sql, kid, credit_code)? else { return Ok(EnrolmentChange::NotEnrolled) };
    Ok(match xinnuo_core::workflow::key_step(row.status, action) {
        KeyStep::Final => EnrolmentChange::Revoked(row),
        KeyStep::AlreadySo => EnrolmentChange::Changed(row),
        KeyStep::Change(to) => {
            change_enrolment(sql, kid, credit_code, to, reason, actor, now)?;
            let event = LogEvent::OperatorKeyStep {
                kid: kid.to_owned(),
                credit_code: credit_code.to_owned(),
                action,
                actor: actor.to_owned(),
                at: now.to_owned(),
                reason_sha256: reason.map(xinnuo_core::public_log::text_sha256),
            };
            crate::log::append(sql, log, &[event], now)?;
            EnrolmentChange::Changed(enrolment(sql, kid, credit_code)?.ok_or(DbError::Corrupt("enrolment"))?)
        }
    })
}

/// Sets a commitment's lifecycle state (a department's decision on it).
pub(crate) fn set_lifecycle(
    sql: &mut dyn Sql,
    submission_id: &str,
    state: xinnuo_core::decision::CommitmentState,
) -> Result<(), DbError> {
    sql.execute(
        "UPDATE commitments SET lifecycle = ?2 WHERE submission_id = ?1",
        args![submission_id, state.as_str()],
    )?;
    Ok(())
}

impl Db {
    /// The current server signing key; `generate` makes one (seed, kid, public JWK) on first use. Several
    /// servers on one database share it: the first to start creates it, under the write lock.
    pub fn server_key(
        &self,
        now: &str,
        generate: impl FnOnce() -> Result<([u8; 32], String, Value), String>,
    ) -> Result<ServerKey, DbError> {
        self.write(|sql| {
            let existing = row(
                sql,
                "SELECT kid, seed FROM server_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1",
                &[],
                |row| Ok((row.get::<String>(0)?, row.get::<Vec<u8>>(1)?)),
            )?;
            let (kid, seed, new_key) = match existing {
                Some((kid, seed)) => {
                    let seed: [u8; 32] = seed.as_slice().try_into().map_err(|_| DbError::Corrupt("server key seed"))?;
                    (kid, Zeroizing::new(seed), None)
                }
                None => {
                    let (seed, kid, jwk) = generate().map_err(DbError::Other)?;
                    let seed = Zeroizing::new(seed);
                    sql.execute(
                        "INSERT INTO server_keys (kid, seed, public_jwk, created_at) VALUES (?1, ?2, ?3, ?4)",
                        args![&kid, seed.as_slice(), &jwk.to_string(), now],
                    )?;
                    (kid, seed, Some(jwk))
                }
            };
            // The log's name is fixed when it starts (checkpoints name it), whatever keys come later.
            let origin =
                match row(sql, "SELECT value FROM server_meta WHERE key = 'log_origin'", &[], |row| row.get(0))? {
                    Some(origin) => origin,
                    None => {
                        let origin = format!("xinnuo.log/{}", kid.chars().take(16).collect::<String>());
                        sql.execute("INSERT INTO server_meta (key, value) VALUES ('log_origin', ?1)", args![&origin])?;
                        origin
                    }
                };
            // The witness's name follows the log's (`xinnuo.witness/…` beside `xinnuo.log/…`).
            let witness_name = origin.replacen("xinnuo.log/", "xinnuo.witness/", 1);
            let key = ServerKey {
                log: crate::log::LogKey::derive(&origin, &seed)?,
                witness: crate::witness::WitnessKey::derive(&witness_name, &seed)?,
                signer: Signer::from_seed(&seed),
                kid,
            };
            if let Some(public_jwk) = new_key {
                let event = LogEvent::ServerKey { kid: key.kid.clone(), public_jwk, created_at: now.to_owned() };
                crate::log::append(sql, &key.log, &[event], now)?;
            }
            Ok(key)
        })
    }

    pub fn server_keys(&self) -> Result<Vec<ServerKeyRow>, DbError> {
        self.read(|sql| {
            let origin: Option<String> =
                row(sql, "SELECT value FROM server_meta WHERE key = 'log_origin'", &[], |row| row.get(0))?;
            rows(
                sql,
                "SELECT kid, public_jwk, created_at, retired_at, seed FROM server_keys ORDER BY created_at",
                &[],
                |row| {
                    let seed = Zeroizing::new(row.get::<Vec<u8>>(4)?);
                    let seed: &[u8; 32] =
                        seed.as_slice().try_into().map_err(|_| DbError::Corrupt("server key seed"))?;
                    let log_key = match &origin {
                        Some(origin) => Some(crate::log::LogKey::derive(origin, seed)?.verifier().to_string()),
                        None => None,
                    };
                    Ok(ServerKeyRow {
                        kid: row.get(0)?,
                        public_jwk: row.get(1)?,
                        created_at: row.get(2)?,
                        retired_at: row.get(3)?,
                        log_key,
                    })
                },
            )
        })
    }

    /// Records an enrolment request; returns the row and whether it is new.
    pub fn enrol(
        &self,
        kid: &str,
        credit_code: &str,
        subject_name: &str,
        public_jwk: &Value,
        request: &str,
        now: &str,
    ) -> Result<(EnrolmentRow, bool), DbError> {
        let request_id = crate::db::request_id_of(request);
        self.write(|sql| {
            let inserted = sql.execute(
                "INSERT INTO key_enrolments (kid, credit_code, subject_name, public_jwk, request, status, enrolled_at,
                 request_id) VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6, ?7) ON CONFLICT (kid, credit_code) DO NOTHING",
                args![kid, credit_code, subject_name, &public_jwk.to_string(), request, now, &request_id],
            )?;
            let row = enrolment(sql, kid, credit_code)?.ok_or(DbError::Corrupt("enrolment"))?;
            Ok((row, inserted == 1))
        })
    }

    pub fn enrolments_of_key(&self, kid: &str) -> Result<Vec<EnrolmentRow>, DbError> {
        self.read(|sql| {
            rows(
                sql,
                &format!("SELECT {ENROLMENT_COLUMNS} FROM key_enrolments WHERE kid = ?1 ORDER BY enrolled_at"),
                args![kid],
                enrolment_row,
            )
        })
    }

    /// The enrolment of a key for one credit code.
    pub fn enrolment(&self, kid: &str, credit_code: &str) -> Result<Option<EnrolmentRow>, DbError> {
        self.read(|sql| enrolment(sql, kid, credit_code))
    }

    /// Approves exactly one enrolment (this key for this credit code), recording who did it.
    pub fn approve(
        &self,
        kid: &str,
        credit_code: &str,
        actor: &str,
        now: &str,
        log: &crate::log::LogKey,
    ) -> Result<EnrolmentChange, DbError> {
        self.write(|sql| operator_key_step(sql, kid, credit_code, Action::KeyApproved, None, actor, now, log))
    }

    /// Revokes one enrolment (pending or approved) with a reason, recording who did it. Final.
    pub fn revoke(
        &self,
        kid: &str,
        credit_code: &str,
        reason: &str,
        actor: &str,
        now: &str,
        log: &crate::log::LogKey,
    ) -> Result<EnrolmentChange, DbError> {
        self.write(|sql| operator_key_step(sql, kid, credit_code, Action::KeyRevoked, Some(reason), actor, now, log))
    }

    /// Every admin action, newest first.
    pub fn admin_actions(&self, limit: u32) -> Result<Vec<AdminAction>, DbError> {
        self.read(|sql| {
            rows(
                sql,
                "SELECT id, at, actor, action, kid, credit_code, reason FROM admin_actions ORDER BY id DESC LIMIT ?1",
                args![limit],
                |row| {
                    Ok(AdminAction {
                        id: row.get(0)?,
                        at: row.get(1)?,
                        actor: row.get(2)?,
                        action: row.get(3)?,
                        kid: row.get(4)?,
                        credit_code: row.get(5)?,
                        reason: row.get(6)?,
                    })
                },
            )
        })
    }

    pub fn commitment(&self, submission_id: &str) -> Result<Option<CommitmentRow>, DbError> {
        self.read(|sql| commitment_in(sql, submission_id))
    }

    /// Stores submissions with their receipts (signed with `server_key`) in one transaction; a known
    /// submission (stored before, or earlier in the batch, or by another server on the same database) gets its
    /// stored receipt. Answers in the order given.
    ///
    /// A batch costs a few statements whatever its size (ids looked up as one JSON array, rows inserted many
    /// per statement): on PostgreSQL each statement is a round trip, made while holding the write lock.
    pub fn store_commitments(
        &self,
        batch: &[&NewCommitment],
        server_key: &ServerKey,
    ) -> Result<Vec<StoredReceipt>, DbError> {
        self.write(|sql| insert_commitments(sql, batch, server_key))
    }

    /// The disclosures of a commitment's personal values (for those allowed to see them).
    pub fn disclosures(&self, submission_id: &str) -> Result<Option<Vec<String>>, DbError> {
        self.read(|sql| {
            let text = row(
                sql,
                "SELECT d.disclosures FROM commitments c JOIN commitment_disclosures d ON d.sequence = c.sequence
                 WHERE c.submission_id = ?1",
                args![submission_id],
                |row| row.get::<String>(0),
            )?;
            text.map(|text| serde_json::from_str(&text).map_err(|_| DbError::Corrupt("disclosures"))).transpose()
        })
    }

    /// The publication list (信用承诺公示): published commitments, newest first, filtered by department (the
    /// core's `commitment_filter`) or template, state and a search in names and credit codes. Returns the total
    /// and one page.
    pub fn publications(
        &self,
        filter: &PublicationFilter,
        offset: u32,
        limit: u32,
    ) -> Result<(u64, Vec<CommitmentRow>), DbError> {
        let (department, templates) = match &filter.department {
            Some(department) => {
                let versions: Vec<String> =
                    department.template_versions.iter().map(|(id, version)| format!("{id}@{version}")).collect();
                (Some(department.department.as_str()), Some(serde_json::json!(versions).to_string()))
            }
            None => (None, None),
        };
        let pattern = filter.query.as_deref().map(crate::sql::like_pattern);
        // Without a credit code there is no subject to publish under, and a person's commitment is not
        // published at all: it goes to the department only.
        let condition = format!(
            "publishable = 1 AND (?6 OR ({LISTED}))
             AND (CAST(?1 AS TEXT) IS NULL OR department = ?1
                  OR (department IS NULL AND template_id || '@' || template_version IN ({})))
             AND (CAST(?3 AS TEXT) IS NULL OR template_id = ?3)
             AND (CAST(?4 AS TEXT) IS NULL OR lifecycle = ?4)
             AND (CAST(?5 AS TEXT) IS NULL OR subject_name LIKE ?5 ESCAPE '\\' OR credit_code LIKE ?5 ESCAPE '\\')",
            self.dialect().json_array_values("?2")
        );
        let state = filter.state.map(|s| s.as_str());
        self.read(|sql| {
            let arguments = args![
                department,
                templates.as_deref(),
                filter.template.as_deref(),
                state,
                pattern.as_deref(),
                filter.with_unlisted,
                limit,
                offset
            ];
            let total: u64 =
                sql.query_one(&format!("SELECT COUNT(*) FROM commitments WHERE {condition}"), &arguments[..6])?.get(0)?;
            let rows = rows(
                sql,
                &format!(
                    "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE {condition} ORDER BY sequence DESC LIMIT ?7 OFFSET ?8"
                ),
                arguments,
                commitment_row,
            )?;
            Ok((total, rows))
        })
    }

    /// A subject's commitments as published, newest first (公示): those the column lists.
    pub fn commitments_of_subject(&self, credit_code: &str, limit: u32) -> Result<Vec<CommitmentRow>, DbError> {
        self.read(|sql| {
            rows(
                sql,
                &format!(
                    "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE credit_code = ?1 AND ({LISTED})
                     ORDER BY sequence DESC LIMIT ?2"
                ),
                args![credit_code, limit],
                commitment_row,
            )
        })
    }
}

/// `Db::store_commitments` inside a transaction already open (a repair application stores its submission and
/// the application in one).
pub(crate) fn insert_commitments(
    sql: &mut dyn Sql,
    batch: &[&NewCommitment],
    server_key: &ServerKey,
) -> Result<Vec<StoredReceipt>, DbError> {
    let dialect = sql.dialect();
    let ids = serde_json::Value::from(batch.iter().map(|new| new.submission_id.as_str()).collect::<Vec<_>>());
    let kids = serde_json::Value::from(batch.iter().map(|new| new.signer_kid.as_str()).collect::<Vec<_>>());
    let find_existing = format!(
        "SELECT submission_id, sequence, received_at, key_status, receipt FROM commitments
         WHERE submission_id IN ({})",
        dialect.json_array_values("?1")
    );
    let find_keys = format!(
        "SELECT kid, credit_code, status FROM key_enrolments WHERE kid IN ({})",
        dialect.json_array_values("?1")
    );
    let mut known: HashMap<String, StoredReceipt> = HashMap::new();
    for row in sql.query(&find_existing, args![&ids.to_string()])? {
        let submission_id: String = row.get(0)?;
        known.insert(
            submission_id.clone(),
            StoredReceipt {
                submission_id,
                sequence: row.get(1)?,
                received_at: row.get(2)?,
                key_status: key_status_from(&row.get::<String>(3)?),
                receipt: row.get(4)?,
                created: false,
                log: None,
            },
        );
    }
    let mut enrolments: HashMap<(String, String), EnrolmentStatus> = HashMap::new();
    for row in sql.query(&find_keys, args![&kids.to_string()])? {
        if let Some(status) = EnrolmentStatus::parse(&row.get::<String>(2)?) {
            enrolments.insert((row.get(0)?, row.get(1)?), status);
        }
    }
    let mut next: u64 = sql.query_one("SELECT COALESCE(MAX(sequence), 0) + 1 FROM commitments", &[])?.get(0)?;
    let mut stored = Vec::with_capacity(batch.len());
    let mut created = Vec::new();
    for new in batch {
        if let Some(existing) = known.get(&new.submission_id) {
            stored.push(existing.clone());
            continue;
        }
        // The receipt's key status: the signer's standing for the code (the core's rule).
        let enrolment = enrolments.get(&(new.signer_kid.clone(), new.credit_code.clone())).copied();
        let status = xinnuo_core::workflow::standing(Some(&new.credit_code), enrolment);
        let receipt = StoredReceipt {
            submission_id: new.submission_id.clone(),
            sequence: next,
            received_at: new.received_at.clone(),
            key_status: status,
            // Its public-log entry with the proof, once the batch is logged (below).
            receipt: String::new(),
            created: true,
            log: None,
        };
        // The same submission twice in one batch: the second gets the first's receipt.
        known.insert(new.submission_id.clone(), StoredReceipt { created: false, ..receipt.clone() });
        created.push((*new, stored.len()));
        stored.push(receipt);
        next += 1;
    }
    // Every stored submission into the public log, one checkpoint for the batch; each answer (a repeat too)
    // carries its entry's proof in that checkpoint, and a new submission's receipt is that entry and proof:
    // one checkpoint signature answers for the whole batch, no receipt is signed alone.
    let events: Vec<LogEvent> = created
        .iter()
        .map(|(_, index)| {
            let receipt = &stored[*index];
            LogEvent::Received {
                submission_id: receipt.submission_id.clone(),
                sequence: receipt.sequence,
                received_at: receipt.received_at.clone(),
                key_status: receipt.key_status,
            }
        })
        .collect();
    let appended = crate::log::append(sql, &server_key.log, &events, &crate::clock::now())?;
    let mut places: HashMap<String, u64> = HashMap::new();
    for (offset, (new, _)) in created.iter().enumerate() {
        places.insert(new.submission_id.clone(), appended.first + offset as u64);
    }
    let earlier: Vec<&str> =
        stored.iter().map(|s| s.submission_id.as_str()).filter(|id| !places.contains_key(*id)).collect();
    // Stored before: found by index, so their entries are checked to be theirs once proved (`log::is_about`).
    let mut looked_up: HashSet<String> = HashSet::new();
    for id in earlier {
        if let Some(index) = crate::log::index_of(sql, id)? {
            places.insert(id.to_owned(), index);
            looked_up.insert(id.to_owned());
        }
    }
    let mut indices: Vec<u64> = places.values().copied().collect();
    indices.sort_unstable();
    indices.dedup();
    if appended.size > 0 && !indices.is_empty() {
        let proved = crate::log::prove(sql, &indices, appended.size, &appended.checkpoint)?;
        let by_index: HashMap<u64, LoggedEntry> = indices.into_iter().zip(proved).collect();
        for receipt in &mut stored {
            receipt.log = places
                .get(&receipt.submission_id)
                .and_then(|index| by_index.get(index))
                .filter(|logged| {
                    !looked_up.contains(&receipt.submission_id) || crate::log::is_about(logged, &receipt.submission_id)
                })
                .cloned()
                .map(Box::new);
        }
    }
    for receipt in stored.iter_mut().filter(|receipt| receipt.receipt.is_empty()) {
        let logged = receipt.log.as_deref().ok_or(DbError::Corrupt("a new submission without its log entry"))?;
        receipt.receipt = serde_json::to_string(logged).map_err(|e| DbError::Other(e.to_string()))?;
    }
    for chunk in crate::sql::chunks_of_powers_of_two(&created) {
        let mut commitments = Vec::with_capacity(chunk.len() * 15);
        let mut disclosures = Vec::with_capacity(chunk.len() * 2);
        for (new, index) in chunk {
            let receipt = &stored[*index];
            let log_index =
                places.get(&new.submission_id).copied().ok_or(DbError::Corrupt("a new submission unlogged"))?;
            commitments.extend_from_slice(args![
                receipt.sequence,
                &new.submission_id,
                &new.credit_code,
                &new.template_id,
                &new.template_version,
                &new.signer_kid,
                &new.signed_at,
                &new.received_at,
                receipt.key_status.as_str(),
                &new.envelope,
                &receipt.receipt,
                &new.masked,
                &new.subject_name,
                &new.department,
                log_index,
            ]);
            disclosures.extend_from_slice(args![receipt.sequence, &new.disclosures]);
        }
        sql.execute(
            &format!(
                "INSERT INTO commitments (sequence, submission_id, credit_code, template_id, template_version,
                 signer_kid, signed_at, received_at, key_status, envelope, receipt, masked, subject_name,
                 department, log_index, publishable, lifecycle) VALUES {}",
                crate::sql::values_rows(chunk.len(), 15, "1, 'submitted'")
            ),
            &commitments,
        )?;
        sql.execute(
            &format!(
                "INSERT INTO commitment_disclosures (sequence, disclosures) VALUES {}",
                crate::sql::values_rows(chunk.len(), 2, "")
            ),
            &disclosures,
        )?;
    }
    Ok(stored)
}

/// A server key of the tests' own, its log key `LogKey::derive("xinnuo.test/log", &[1; 32])` (nothing stored
/// or logged: `Db::server_key` would log a new key).
#[cfg(test)]
pub(crate) fn test_server_key() -> ServerKey {
    let seed = [1; 32];
    let signer = Signer::from_seed(&seed);
    ServerKey {
        kid: signer.kid().to_owned(),
        signer,
        log: crate::log::LogKey::derive("xinnuo.test/log", &seed).unwrap(),
        witness: crate::witness::WitnessKey::derive("xinnuo.test/witness", &seed).unwrap(),
    }
}

/// A submission as the tests store it.
#[cfg(test)]
pub(crate) fn test_commitment(id: &str, kid: &str, credit_code: &str) -> NewCommitment {
    NewCommitment {
        submission_id: id.into(),
        credit_code: credit_code.into(),
        template_id: "tax-service".into(),
        template_version: "1.0.0".into(),
        signer_kid: kid.into(),
        signed_at: "2026-12-02T00:00:00.000Z".into(),
        received_at: "2026-12-02T00:00:01.000Z".into(),
        subject_name: "示例".into(),
        envelope: "{}".into(),
        masked: "{}".into(),
        disclosures: format!("[\"{id}\"]"),
        department: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use super::test_commitment as new_commitment;

    #[test]
    fn a_batch_stores_each_submission_once_with_its_key_status_in_sequence() {
        let db = Db::open(":memory:").unwrap();
        let code = "91140105123456788F";
        let log = crate::log::LogKey::derive("xinnuo.test/log", &[1; 32]).unwrap();
        db.enrol("approved-kid", code, "示例", &serde_json::json!({}), "{}", "t").unwrap();
        assert!(matches!(db.approve("approved-kid", code, "cli", "t", &log).unwrap(), EnrolmentChange::Changed(_)));
        // The operator's approval is a public event: the log's first entry, about that key and code.
        let reference = format!("approved-kid/{code}");
        assert_eq!(db.read(|sql| crate::log::index_of(sql, &reference)).unwrap(), Some(0));
        assert!(matches!(db.approve("approved-kid", code, "cli", "t", &log).unwrap(), EnrolmentChange::Changed(_)));
        assert_eq!(db.read(crate::log::size).unwrap(), 1, "approving again changes nothing, logs nothing");
        let key = test_server_key();
        // What a stored receipt says: its entry in the public log (the submission, its sequence and the signer's
        // standing), proved in a checkpoint signed by the log key the server keys list; nothing signed alone.
        let trusted = xinnuo_core::receipt::TrustedServerKeys::from_json(&serde_json::json!({"keys": [{
            "jwk": xinnuo_core::envelope::public_jwk(&key.signer.public_key()),
            "log_key": key.log.verifier().to_string()}]}))
        .unwrap();
        let said = |stored: &StoredReceipt| {
            let receipt =
                xinnuo_core::public_log::check_receipt(&stored.receipt, Some(&stored.submission_id), &trusted).unwrap();
            assert_eq!(receipt.proof, xinnuo_core::public_log::ReceiptProof::Logged);
            format!("{}/{}/{}", receipt.submission_id, receipt.sequence, receipt.key_status.as_str())
        };
        let first = db.store_commitments(&[&new_commitment("a", "other-kid", code)], &key).unwrap();
        assert_eq!(said(&first[0]), "a/1/unenrolled");
        // 70 rows: inserted as 64 + 4 + 2, with a repeat inside the batch and one stored before.
        let many: Vec<NewCommitment> =
            (0..67).map(|n| new_commitment(&format!("n{n}"), "approved-kid", code)).collect();
        let person = new_commitment("p", "person-kid", "");
        let mut batch: Vec<&NewCommitment> = many.iter().collect();
        let (again, repeat) = (new_commitment("a", "other-kid", code), new_commitment("n3", "approved-kid", code));
        batch.extend([&person, &again, &repeat]);
        let stored = db.store_commitments(&batch, &key).unwrap();
        assert_eq!(stored.len(), 70);
        // Each answer carries its place in the public log, proved in the batch's one checkpoint (entry 0 is
        // the operator's approval of the key).
        for (receipt, index) in stored.iter().zip((2..69).chain([69, 1, 5])) {
            let logged = receipt.log.as_ref().expect("logged");
            let placed = xinnuo_core::public_log::verify_logged(
                logged,
                &xinnuo_core::receipt::TrustedServerKeys::from_log_keys([log.verifier()]),
            )
            .unwrap();
            assert_eq!((placed.index, placed.checkpoint.size), (index, 70), "{}", receipt.submission_id);
            assert_eq!(placed.event.reference(), receipt.submission_id);
        }
        assert_eq!(said(&stored[0]), "n0/2/verified");
        assert_eq!(said(&stored[66]), "n66/68/verified");
        assert_eq!(said(&stored[67]), "p/69/no_credit_code");
        assert_eq!((said(&stored[68]), stored[68].created), ("a/1/unenrolled".to_owned(), false));
        assert_eq!((stored[68].receipt.as_str(), stored[68].created), (first[0].receipt.as_str(), false));
        assert_eq!((said(&stored[69]), stored[69].created), ("n3/5/verified".to_owned(), false));
        assert_eq!(stored[69].receipt, stored[3].receipt, "a repeat inside the batch: the first one's receipt");
        assert_eq!(stored.iter().filter(|s| s.created).count(), 68);
        assert_eq!(db.disclosures("n66").unwrap(), Some(vec!["n66".to_owned()]));
        let row = db.commitment("p").unwrap().unwrap();
        assert_eq!((row.sequence, row.key_status, row.state.as_str()), (69, KeyStatus::NoCreditCode, "submitted"));

        // A row whose `log_index` points at another entry (a log cut back in the database, the index taken by a
        // later submission): never that entry shown as its own — not by a lookup, not to a repeat.
        db.write(|sql| sql.execute("UPDATE commitments SET log_index = 2 WHERE submission_id = 'a'", &[])).unwrap();
        assert_eq!(db.read(|sql| crate::log::proof_of(sql, "a")).unwrap(), None);
        assert!(db
            .read(|sql| crate::log::proof_of(sql, "n0"))
            .unwrap()
            .is_some_and(|l| crate::log::is_about(&l, "n0")));
        let repeated = db.store_commitments(&[&new_commitment("a", "other-kid", code)], &key).unwrap();
        assert_eq!((repeated[0].created, repeated[0].log.is_none()), (false, true));
        assert_eq!(repeated[0].receipt, first[0].receipt, "its stored receipt, as it was");
    }

    /// A department's inbox selects exactly the commitments the core says it decides (`workflow::decides`,
    /// which `decide` and `actions` follow): every version of templates naming it, signed to it or (older)
    /// unsigned, by either of its names — and another template version's departments never leak in.
    #[test]
    fn the_sql_department_filter_is_the_cores_rule() {
        use xinnuo_core::template;
        use xinnuo_core::workflow;
        let db = Db::open(":memory:").unwrap();
        let mut stored = Vec::new();
        let mut sequence = 0u64;
        for t in template::all().iter().filter(|t| ["tax-service", "investment-project", "food-drug"].contains(&&*t.id))
        {
            let signed: Vec<Option<String>> =
                std::iter::once(None).chain(t.departments.iter().map(|d| Some(d.zh.to_string()))).collect();
            for department in signed {
                sequence += 1;
                let id = format!("s{sequence}");
                db.write(|sql| {
                    sql.execute(
                        "INSERT INTO commitments (sequence, submission_id, credit_code, template_id, template_version,
                         signer_kid, signed_at, received_at, key_status, envelope, receipt, masked, subject_name,
                         publishable, lifecycle, department)
                         VALUES (?1, ?2, '', ?3, ?4, 'k', 't', 't', 'unenrolled', '{}', '{}', '{}', 'n', 1, 'submitted', ?5)",
                        args![sequence, &id, &*t.id, &*t.version, &department],
                    )?;
                    Ok(())
                })
                .unwrap();
                stored.push((id, workflow::departments_of(Some(t), department.as_deref())));
            }
        }
        let names = [
            "国家税务总局山西省税务局",
            "Shanxi Provincial Tax Service, State Taxation Administration",
            "山西省审批服务管理局",
            "山西省行政审批服务管理局",
            "山西省能源局",
            "Shanxi Administration for Market Regulation",
            "太原市示例局",
        ];
        let mut found_any = 0;
        for name in names {
            let filter = PublicationFilter {
                department: Some(workflow::commitment_filter(name)),
                with_unlisted: true,
                ..Default::default()
            };
            let (total, rows) = db.publications(&filter, 0, 1000).unwrap();
            let mut found: Vec<&str> = rows.iter().map(|row| row.submission_id.as_str()).collect();
            let mut expected: Vec<&str> = stored
                .iter()
                .filter(|(_, departments)| workflow::decides(departments, name))
                .map(|(id, _)| id.as_str())
                .collect();
            found.sort_unstable();
            expected.sort_unstable();
            assert_eq!(found, expected, "{name}");
            assert_eq!(total, expected.len() as u64);
            found_any += found.len();
        }
        assert!(found_any > 0);
    }

    /// A commitment found broken whose record an upheld objection removed reads as overturned, with that
    /// objection's decision; the record id the query joins on is the one `workflow` gives the record.
    #[test]
    fn a_finding_overturned_on_objection_is_read_with_the_commitment() {
        use xinnuo_core::decision::{CommitmentState, Decision, DECISION_TYPE};
        use xinnuo_core::workflow::{self, Actor, Case, Effect};
        let db = Db::open(":memory:").unwrap();
        let code = "91140105123456788F";
        let key = test_server_key();
        db.store_commitments(&[&new_commitment("c1", "kid", code), &new_commitment("c2", "kid", code)], &key).unwrap();
        // The record the core adds for a finding of breach, by the id the finding is stored under.
        let mut case = crate::process::commitment_case_of(&db.commitment("c1").unwrap().unwrap()).unwrap();
        case.state = CommitmentState::InForce;
        case.identified = Some(xinnuo_core::decision::IdentityCheck::Counter);
        case.subject_registered = true;
        case.departments = vec!["国家税务总局山西省税务局".into()];
        let finding = "ab".repeat(32);
        let now = case.received_at_millis + 60_000;
        let decision = Decision {
            decision_type: DECISION_TYPE.into(),
            action: Action::Broken,
            target: "c1".into(),
            reason: "未按期补交材料".into(),
            decided_at: xinnuo_core::calendar::UtcTimestamp::format_unix_millis(now),
            nonce: "AAAAAAAAAAAAAAAAAAAAAA".into(),
            identity_checked: None,
        };
        let officer = Actor::Officer {
            kid: "officer".into(),
            name: "王五".into(),
            department: "国家税务总局山西省税务局".into(),
            roles: xinnuo_core::decision::Role::ALL.to_vec(),
        };
        let transition = workflow::decide(&Case::Commitment(case), &finding, &decision, &officer, now).unwrap();
        let record_id = transition
            .effects
            .iter()
            .find_map(|e| match e {
                Effect::AddRecord { record, .. } => Some(record.id.clone()),
                _ => None,
            })
            .expect("a record");
        let upheld = "cd".repeat(32);
        db.write(|sql| {
            sql.execute("INSERT INTO subjects (credit_code, name, updated_at) VALUES (?1, '示例', 't')", args![code])?;
            for (id, sequence, target, action) in
                [(&finding, 1u64, "c1", "broken"), (&"ef".repeat(32), 2, "c2", "broken"), (&upheld, 3, "obj-1", "objection_upheld")]
            {
                sql.execute(
                    "INSERT INTO decisions (decision_id, sequence, target, action, state, officer_kid, department, reason,
                     decided_at, received_at, envelope, receipt) VALUES (?1, ?2, ?3, ?4, 's', 'o', 'd', 'r', 't', 't', '{}', '{}')",
                    args![id, sequence, target, action],
                )?;
            }
            sql.execute(
                "INSERT INTO records (credit_code, id, body, hidden_by) VALUES (?1, ?2, '{}', 'obj-1')",
                args![code, &record_id],
            )?;
            Ok(())
        })
        .unwrap();
        assert_eq!(db.commitment("c1").unwrap().unwrap().finding_overturned_by, Some(upheld));
        assert_eq!(db.commitment("c2").unwrap().unwrap().finding_overturned_by, None, "its record stands");
    }

    /// The publication query's `LISTED` says what `workflow::listed_publicly` says, for every combination of
    /// template kind, credit code, receipt status, identification and approval now.
    #[test]
    fn the_sql_listing_is_the_cores_rule() {
        use xinnuo_core::decision::IdentityCheck;
        let db = Db::open(":memory:").unwrap();
        let code = "91140105123456788F";
        let repair_ids: Vec<_> = xinnuo_core::template::all()
            .iter()
            .filter(|t| t.kind == xinnuo_core::template::TemplateKind::Repair)
            .map(|t| t.id.to_string())
            .collect();
        assert!(repair_ids.iter().all(|id| id == "credit-repair"), "LISTED names the repair template by id");
        let mut expected = Vec::new();
        let mut sequence = 0u64;
        for template in ["tax-service", "credit-repair"] {
            for credit_code in ["", code] {
                for receipt in KeyStatus::ALL {
                    for identified in [None, Some(IdentityCheck::Counter)] {
                        for approved_now in [false, true] {
                            sequence += 1;
                            let id = format!("s{sequence}");
                            let kid = format!("k{sequence}");
                            db.write(|sql| {
                                sql.execute(
                                    "INSERT INTO commitments (sequence, submission_id, credit_code, template_id,
                                     template_version, signer_kid, signed_at, received_at, key_status, envelope, receipt,
                                     masked, subject_name, publishable, lifecycle, identified)
                                     VALUES (?1, ?2, ?3, ?4, '1.0.0', ?5, 't', 't', ?6, '{}', '{}', '{}', 'n', 1,
                                     'submitted', ?7)",
                                    args![
                                        sequence,
                                        &id,
                                        credit_code,
                                        template,
                                        &kid,
                                        receipt.as_str(),
                                        identified.map(IdentityCheck::as_str)
                                    ],
                                )?;
                                if approved_now {
                                    sql.execute(
                                        "INSERT INTO key_enrolments (kid, credit_code, subject_name, public_jwk, request,
                                         status, enrolled_at) VALUES (?1, ?2, 'n', '{}', '{}', 'approved', 't')",
                                        args![&kid, credit_code],
                                    )?;
                                }
                                Ok(())
                            })
                            .unwrap();
                            let standing = if receipt == KeyStatus::Verified || approved_now {
                                KeyStatus::Verified
                            } else {
                                receipt
                            };
                            let kind = xinnuo_core::template::get(template, None).ok().map(|t| t.kind);
                            if xinnuo_core::workflow::listed_publicly(
                                kind,
                                !credit_code.is_empty(),
                                standing,
                                identified,
                            ) {
                                expected.push(id);
                            }
                        }
                    }
                }
            }
        }
        let (total, rows) = db.publications(&PublicationFilter::default(), 0, 1000).unwrap();
        let mut listed: Vec<String> = rows.into_iter().map(|row| row.submission_id).collect();
        listed.sort();
        expected.sort();
        assert_eq!(total as usize, expected.len());
        assert_eq!(listed, expected);
        assert!(!expected.is_empty());
    }
}
