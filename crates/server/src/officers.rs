//! The department side's store: officers (registered by the operator, each with an Ed25519 key) and the
//! decisions they sign, each moving a commitment one step through the lifecycle the core defines.

use serde::Serialize;
use serde_json::Value;
use xinnuo_core::decision::{Action, IdentityCheck, ObjectionState, Outcome, RepairState, Role};
use xinnuo_core::enrolment::EnrolmentStatus;
use xinnuo_core::workflow::{self, PastObjection, Refusal};

use crate::db::{Db, DbError};
use crate::sql::args;
use crate::sql::{like_pattern, row, rows};
use crate::sql::{Sql, SqlRow};
use crate::store::ServerKey;

#[derive(Debug, Clone)]
pub struct OfficerRow {
    pub kid: String,
    pub department: String,
    pub name: String,
    pub public_jwk: Value,
    pub added_at: String,
    pub revoked_at: Option<String>,
    pub roles: Vec<Role>,
}

impl OfficerRow {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A recorded decision, as published (no personal data: the action, the reason, the officer's key).
#[derive(Debug, Clone)]
pub struct DecisionRow {
    pub decision_id: String,
    pub sequence: u64,
    pub target: String,
    pub action: Action,
    pub state: Outcome,
    pub officer_kid: String,
    pub department: String,
    pub reason: String,
    pub decided_at: String,
    pub received_at: String,
    pub envelope: Value,
    pub receipt: Value,
    /// How the officer identified a commitment's signer (an `accept` of a key not approved for its code).
    pub identity_checked: Option<IdentityCheck>,
}

/// A verified decision before it is stored.
pub struct NewDecision {
    pub decision_id: String,
    pub target: String,
    pub action: Action,
    pub officer_kid: String,
    pub identity_checked: Option<IdentityCheck>,
    pub reason: String,
    pub decided_at: String,
    pub received_at: String,
    pub envelope: String,
}

const OFFICER_COLUMNS: &str = "kid, department, name, public_jwk, added_at, revoked_at, roles";
const DECISION_COLUMNS: &str = "decision_id, sequence, target, action, state, officer_kid, department, reason, \
     decided_at, received_at, envelope, receipt, identity_checked";

/// A typed column stored as its JSON string (`"accept"`, `"in_force"`).
fn enum_column<T: serde::de::DeserializeOwned>(row: &SqlRow, index: usize) -> Result<T, DbError> {
    serde_json::from_value(Value::String(row.get(index)?)).map_err(|_| DbError::ColumnType(index))
}

fn name_of<T: Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn officer_row(row: &SqlRow) -> Result<OfficerRow, DbError> {
    Ok(OfficerRow {
        kid: row.get(0)?,
        department: row.get(1)?,
        name: row.get(2)?,
        public_jwk: row.get(3)?,
        added_at: row.get(4)?,
        revoked_at: row.get(5)?,
        roles: Role::parse_list(&row.get::<String>(6)?).ok_or(DbError::Corrupt("officer roles"))?,
    })
}

fn decision_row(row: &SqlRow) -> Result<DecisionRow, DbError> {
    Ok(DecisionRow {
        decision_id: row.get(0)?,
        sequence: row.get(1)?,
        target: row.get(2)?,
        action: enum_column(row, 3)?,
        state: enum_column(row, 4)?,
        officer_kid: row.get(5)?,
        department: row.get(6)?,
        reason: row.get(7)?,
        decided_at: row.get(8)?,
        received_at: row.get(9)?,
        envelope: row.get(10)?,
        receipt: row.get(11)?,
        identity_checked: row.get::<Option<String>>(12)?.as_deref().and_then(IdentityCheck::parse),
    })
}

pub(crate) fn existing_decision(sql: &mut dyn Sql, decision_id: &str) -> Result<Option<DecisionRow>, DbError> {
    row(
        sql,
        &format!("SELECT {DECISION_COLUMNS} FROM decisions WHERE decision_id = ?1"),
        args![decision_id],
        decision_row,
    )
}

/// Stores a decision for `department` with the next sequence number and its receipt (its public-log entry
/// with the inclusion proof, as JSON text).
pub(crate) fn insert_decision(
    sql: &mut dyn Sql,
    new: &NewDecision,
    department: &str,
    outcome: Outcome,
    receipt: &str,
) -> Result<DecisionRow, DbError> {
    let sequence: u64 = sql.query_one("SELECT COALESCE(MAX(sequence), 0) + 1 FROM decisions", &[])?.get(0)?;
    sql.execute(
        &format!(
            "INSERT INTO decisions ({DECISION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
        ),
        args![
            &new.decision_id,
            sequence,
            &new.target,
            &name_of(new.action),
            outcome.as_str(),
            &new.officer_kid,
            department,
            &new.reason,
            &new.decided_at,
            &new.received_at,
            &new.envelope,
            receipt,
            new.identity_checked.map(IdentityCheck::as_str)
        ],
    )?;
    existing_decision(sql, &new.decision_id)?.ok_or(DbError::Corrupt("decision"))
}

impl Db {
    /// Registers an officer's key for a department; the same key again is refused (one key, one officer).
    pub fn add_officer(
        &self,
        kid: &str,
        department: &str,
        name: &str,
        public_jwk: &Value,
        roles: &[Role],
        now: &str,
    ) -> Result<Option<OfficerRow>, DbError> {
        let roles = roles.iter().map(|r| r.as_str()).collect::<Vec<_>>().join(",");
        self.write(|sql| {
            let inserted = sql.execute(
                "INSERT INTO officers (kid, department, name, public_jwk, added_at, roles) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                 ON CONFLICT (kid) DO NOTHING",
                args![kid, department, name, &public_jwk.to_string(), now, &roles],
            )?;
            if inserted == 0 {
                return Ok(None);
            }
            officer(sql, kid)
        })
    }

    pub fn officer(&self, kid: &str) -> Result<Option<OfficerRow>, DbError> {
        self.read(|sql| officer(sql, kid))
    }

    pub fn officers(&self) -> Result<Vec<OfficerRow>, DbError> {
        self.read(|sql| {
            rows(
                sql,
                &format!("SELECT {OFFICER_COLUMNS} FROM officers ORDER BY department, added_at"),
                &[],
                officer_row,
            )
        })
    }

    /// Revokes an officer's key from now on (decisions already made stay valid). `None`: no such officer.
    pub fn revoke_officer(&self, kid: &str, now: &str) -> Result<Option<OfficerRow>, DbError> {
        self.write(|sql| {
            sql.execute("UPDATE officers SET revoked_at = ?2 WHERE kid = ?1 AND revoked_at IS NULL", args![kid, now])?;
            officer(sql, kid)
        })
    }

    /// Uses a sign-in challenge up (the server made it; it is not stored when given out): true the first time,
    /// false ever after. Used ones are kept until they expire, and no longer.
    pub fn use_challenge(&self, challenge: &str, expires_at_ms: u64, now_ms: u64) -> Result<bool, DbError> {
        self.write(|sql| {
            sql.execute("DELETE FROM used_challenges WHERE expires_at_ms <= ?1", args![now_ms])?;
            let inserted = sql.execute(
                "INSERT INTO used_challenges (challenge, expires_at_ms) VALUES (?1, ?2) ON CONFLICT (challenge) DO NOTHING",
                args![challenge, expires_at_ms],
            )?;
            Ok(inserted == 1)
        })
    }

    /// Opens a session for an officer: stores the token's hash until `expires_at_ms`.
    pub fn open_session(&self, token_sha256: &str, kid: &str, now_ms: u64, expires_at_ms: u64) -> Result<(), DbError> {
        self.write(|sql| {
            sql.execute("DELETE FROM officer_sessions WHERE expires_at_ms <= ?1", args![now_ms])?;
            sql.execute(
                "INSERT INTO officer_sessions (token_sha256, kid, expires_at_ms) VALUES (?1, ?2, ?3)",
                args![token_sha256, kid, expires_at_ms],
            )?;
            Ok(())
        })
    }

    /// The active officer a live session belongs to.
    pub fn session_officer(&self, token_sha256: &str, now_ms: u64) -> Result<Option<OfficerRow>, DbError> {
        let columns = OFFICER_COLUMNS.split(", ").map(|column| format!("o.{column}")).collect::<Vec<_>>().join(", ");
        self.read(|sql| {
            row(
                sql,
                &format!(
                    "SELECT {columns} FROM officer_sessions s JOIN officers o ON o.kid = s.kid
                     WHERE s.token_sha256 = ?1 AND s.expires_at_ms > ?2 AND o.revoked_at IS NULL"
                ),
                args![token_sha256, now_ms],
                officer_row,
            )
        })
    }

    /// A subject's repair applications: (submission id, record id, state, the last decision's reason).
    pub fn repair_applications_of(
        &self,
        credit_code: &str,
    ) -> Result<Vec<xinnuo_core::wire::RepairApplicationView>, DbError> {
        self.read(|sql| {
            rows(
                sql,
                "SELECT a.submission_id, a.record_id, a.status,
                        (SELECT d.reason FROM decisions d WHERE d.target = a.submission_id ORDER BY d.sequence DESC LIMIT 1),
                        a.created_at, a.channel
                 FROM repair_applications a WHERE a.credit_code = ?1 ORDER BY a.created_at",
                args![credit_code],
                |row| {
                    let state = RepairState::parse(&row.get::<String>(2)?)
                        .ok_or(DbError::Corrupt("repair application status"))?;
                    let created_at: String = row.get(4)?;
                    let channel = xinnuo_core::repair::Channel::parse(&row.get::<String>(5)?)
                        .ok_or(DbError::Corrupt("repair application channel"))?;
                    // The step follows the channel: 36号's stages only on “信用中国”.
                    let deadline = workflow::repair_step(state, channel)
                        .and_then(|step| crate::clock::deadline_of(step, &created_at));
                    Ok(xinnuo_core::wire::RepairApplicationView {
                        submission_id: row.get(0)?,
                        record_id: row.get(1)?,
                        state,
                        reason: row.get::<Option<String>>(3)?.unwrap_or_default(),
                        deadline,
                        received_at: Some(created_at),
                    })
                },
            )
        })
    }

    /// One decision, by its id.
    pub fn decision(&self, decision_id: &str) -> Result<Option<DecisionRow>, DbError> {
        self.read(|sql| existing_decision(sql, decision_id))
    }

    /// The decisions on a commitment, in the order they were made.
    pub fn decisions_on(&self, target: &str) -> Result<Vec<DecisionRow>, DbError> {
        self.read(|sql| {
            rows(
                sql,
                &format!("SELECT {DECISION_COLUMNS} FROM decisions WHERE target = ?1 ORDER BY sequence"),
                args![target],
                decision_row,
            )
        })
    }
}

fn officer(sql: &mut dyn Sql, kid: &str) -> Result<Option<OfficerRow>, DbError> {
    row(sql, &format!("SELECT {OFFICER_COLUMNS} FROM officers WHERE kid = ?1"), args![kid], officer_row)
}

/// An objection to a record, as the department sees it (the public sees its state only).
#[derive(Debug, Clone)]
pub struct ObjectionRow {
    pub objection_id: String,
    pub sequence: u64,
    pub credit_code: String,
    pub record_id: String,
    /// The record's authority: it decides the objection.
    pub authority: String,
    pub grounds: String,
    pub signer_kid: String,
    pub envelope: Value,
    pub receipt: Value,
    pub state: ObjectionState,
    pub received_at: String,
    /// The deciding authority's reason, once decided.
    pub reason: String,
    /// When the decision reached the server, once decided.
    pub decided_at: Option<String>,
    /// The decision, once decided (its printed copy: `#/decision/<id>`).
    pub decision_id: Option<String>,
}

/// What the core needs to accept an objection besides what the store reads: the grounds and the day.
pub struct ObjectionFiling<'a> {
    pub grounds: &'a str,
    pub today: xinnuo_core::calendar::Date,
}

/// A verified objection before it is stored.
pub struct NewObjection {
    pub objection_id: String,
    pub credit_code: String,
    pub record_id: String,
    pub authority: String,
    pub grounds: String,
    pub signer_kid: String,
    pub envelope: String,
    pub received_at: String,
}

/// A repair application in its authority's inbox: the application (a signed 信用修复承诺书) and its record.
#[derive(Debug, Clone)]
pub struct RepairInboxRow {
    pub submission_id: String,
    pub credit_code: String,
    pub subject_name: String,
    pub record_id: String,
    pub record: Value,
    pub state: RepairState,
    pub received_at: String,
    pub reason: String,
    /// Where it was applied for: its deadline's step follows it (`workflow::repair_step`).
    pub channel: xinnuo_core::repair::Channel,
}

const OBJECTION_COLUMNS: &str = "o.objection_id, o.sequence, o.credit_code, o.record_id, o.authority, o.grounds, \
     o.signer_kid, o.envelope, o.receipt, o.state, o.received_at, \
     COALESCE((SELECT d.reason FROM decisions d WHERE d.target = o.objection_id ORDER BY d.sequence DESC LIMIT 1), ''), \
     (SELECT d.received_at FROM decisions d WHERE d.target = o.objection_id ORDER BY d.sequence DESC LIMIT 1), \
     (SELECT d.decision_id FROM decisions d WHERE d.target = o.objection_id ORDER BY d.sequence DESC LIMIT 1)";

fn objection_row(row: &SqlRow) -> Result<ObjectionRow, DbError> {
    Ok(ObjectionRow {
        objection_id: row.get(0)?,
        sequence: row.get(1)?,
        credit_code: row.get(2)?,
        record_id: row.get(3)?,
        authority: row.get(4)?,
        grounds: row.get(5)?,
        signer_kid: row.get(6)?,
        envelope: row.get(7)?,
        receipt: row.get(8)?,
        state: ObjectionState::parse(&row.get::<String>(9)?).ok_or(DbError::Corrupt("objection state"))?,
        received_at: row.get(10)?,
        reason: row.get(11)?,
        decided_at: row.get(12)?,
        decision_id: row.get(13)?,
    })
}

impl Db {
    /// Stores an objection with its receipt (its public-log entry with the proof, in `server_key`'s log) if the
    /// core accepts it against the earlier objections to the same record, read in the same transaction; the
    /// same objection again returns the stored one.
    pub fn add_objection(
        &self,
        new: NewObjection,
        filing: ObjectionFiling<'_>,
        server_key: &ServerKey,
    ) -> Result<Result<(ObjectionRow, bool), Refusal>, DbError> {
        let by_id = format!("SELECT {OBJECTION_COLUMNS} FROM objections o WHERE o.objection_id = ?1");
        self.write(|sql| {
            if let Some(row) = row(sql, &by_id, args![&new.objection_id], objection_row)? {
                return Ok(Ok((row, false)));
            }
            let earlier = rows(
                sql,
                "SELECT o.objection_id, o.state, o.grounds,
                        (SELECT d.received_at FROM decisions d WHERE d.target = o.objection_id
                         ORDER BY d.sequence DESC LIMIT 1)
                 FROM objections o WHERE o.credit_code = ?1 AND o.record_id = ?2",
                args![&new.credit_code, &new.record_id],
                |row| {
                    let decided_on = row
                        .get::<Option<String>>(3)?
                        .and_then(|at| xinnuo_core::calendar::UtcTimestamp::parse(&at).ok())
                        .map(|at| at.china_date());
                    Ok(PastObjection {
                        objection_id: row.get(0)?,
                        state: ObjectionState::parse(&row.get::<String>(1)?)
                            .ok_or(DbError::Corrupt("objection state"))?,
                        grounds_digest: workflow::grounds_digest(&row.get::<String>(2)?),
                        decided_on,
                    })
                },
            )?;
            // The key's standing as of this transaction (a revocation a moment ago counts).
            let enrolment = crate::store::enrolment(sql, &new.signer_kid, &new.credit_code)?;
            let standing = workflow::standing(Some(&new.credit_code), enrolment.map(|e| e.status));
            if let Err(refusal) = workflow::accept_objection(
                &new.signer_kid,
                &new.credit_code,
                standing,
                filing.grounds,
                &earlier,
                filing.today,
            ) {
                return Ok(Err(refusal));
            }
            let sequence: u64 = sql.query_one("SELECT COALESCE(MAX(sequence), 0) + 1 FROM objections", &[])?.get(0)?;
            // Public: that the record is objected to, and when (never the grounds); that entry with its proof
            // is the objection's receipt.
            let event = xinnuo_core::public_log::LogEvent::ObjectionReceived {
                objection_id: new.objection_id.clone(),
                credit_code: new.credit_code.clone(),
                record_id: new.record_id.clone(),
                received_at: new.received_at.clone(),
            };
            let receipt = crate::log::append_with_receipt(sql, &server_key.log, &[event], &new.received_at)?;
            sql.execute(
                "INSERT INTO objections (objection_id, sequence, credit_code, record_id, authority, grounds, signer_kid,
                 envelope, receipt, state, received_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, 'under_review', ?10)",
                args![
                    &new.objection_id,
                    sequence,
                    &new.credit_code,
                    &new.record_id,
                    &new.authority,
                    &new.grounds,
                    &new.signer_kid,
                    &new.envelope,
                    &receipt,
                    &new.received_at
                ],
            )?;
            let row = row(sql, &by_id, args![&new.objection_id], objection_row)?.ok_or(DbError::Corrupt("objection"))?;
            Ok(Ok((row, true)))
        })
    }

    /// A subject's objections, oldest first.
    pub fn objections_of(&self, credit_code: &str) -> Result<Vec<ObjectionRow>, DbError> {
        self.read(|sql| {
            rows(
                sql,
                &format!("SELECT {OBJECTION_COLUMNS} FROM objections o WHERE o.credit_code = ?1 ORDER BY o.sequence"),
                args![credit_code],
                objection_row,
            )
        })
    }

    /// The objections an authority decides, newest first; by state and a search in codes and grounds.
    pub fn objections_for(
        &self,
        authority: &str,
        state: Option<ObjectionState>,
        query: Option<&str>,
    ) -> Result<Vec<ObjectionRow>, DbError> {
        let pattern = query.map(like_pattern);
        self.read(|sql| {
            rows(
                sql,
                &format!(
                    "SELECT {OBJECTION_COLUMNS} FROM objections o WHERE o.authority = ?1 AND (CAST(?2 AS TEXT) IS NULL OR o.state = ?2)
                     AND (CAST(?3 AS TEXT) IS NULL OR o.credit_code LIKE ?3 ESCAPE '\\' OR o.grounds LIKE ?3 ESCAPE '\\'
                          OR o.record_id LIKE ?3 ESCAPE '\\')
                     ORDER BY o.sequence DESC LIMIT 500"
                ),
                args![authority, state.map(ObjectionState::as_str), pattern.as_deref()],
                objection_row,
            )
        })
    }

    /// The repair applications an authority decides (谁认定、谁修复), newest first.
    pub fn repair_applications_for(
        &self,
        authority: &str,
        state: Option<RepairState>,
        query: Option<&str>,
    ) -> Result<Vec<RepairInboxRow>, DbError> {
        let states = state.map(|s| serde_json::json!(s.stored_names()).to_string());
        let pattern = query.map(like_pattern);
        let dialect = self.dialect();
        let statement = format!(
            "SELECT a.submission_id, a.credit_code, COALESCE(s.name, ''), a.record_id, r.body, a.status, a.created_at,
                    COALESCE((SELECT d.reason FROM decisions d WHERE d.target = a.submission_id
                              ORDER BY d.sequence DESC LIMIT 1), ''), a.channel
             FROM repair_applications a
             JOIN records r ON r.credit_code = a.credit_code AND r.id = a.record_id
             LEFT JOIN subjects s ON s.credit_code = a.credit_code
             WHERE {} = ?1
               AND (CAST(?2 AS TEXT) IS NULL OR a.status IN ({}))
               AND (CAST(?3 AS TEXT) IS NULL OR a.credit_code LIKE ?3 ESCAPE '\\' OR s.name LIKE ?3 ESCAPE '\\')
             ORDER BY a.created_at DESC LIMIT 500",
            dialect.json_member("r.body", "authority"),
            dialect.json_array_values("?2"),
        );
        self.read(|sql| {
            rows(sql, &statement, args![authority, states.as_deref(), pattern.as_deref()], |row| {
                Ok(RepairInboxRow {
                    submission_id: row.get(0)?,
                    credit_code: row.get(1)?,
                    subject_name: row.get(2)?,
                    record_id: row.get(3)?,
                    record: row.get(4)?,
                    state: RepairState::parse(&row.get::<String>(5)?)
                        .ok_or(DbError::Corrupt("repair application status"))?,
                    received_at: row.get(6)?,
                    reason: row.get(7)?,
                    channel: xinnuo_core::repair::Channel::parse(&row.get::<String>(8)?)
                        .ok_or(DbError::Corrupt("repair application channel"))?,
                })
            })
        })
    }

    /// Key enrolments for officers who check keys: by status and a search in codes and names, newest first.
    pub fn enrolments_for_review(
        &self,
        status: Option<EnrolmentStatus>,
        query: Option<&str>,
    ) -> Result<Vec<crate::store::EnrolmentRow>, DbError> {
        let pattern = query.map(like_pattern);
        self.read(|sql| {
            let keys = rows(
                sql,
                "SELECT kid, credit_code FROM key_enrolments WHERE (CAST(?1 AS TEXT) IS NULL OR status = ?1)
                 AND (CAST(?2 AS TEXT) IS NULL OR credit_code LIKE ?2 ESCAPE '\\' OR subject_name LIKE ?2 ESCAPE '\\')
                 ORDER BY enrolled_at DESC LIMIT 500",
                args![status.map(EnrolmentStatus::as_str), pattern.as_deref()],
                |row| Ok((row.get::<String>(0)?, row.get::<String>(1)?)),
            )?;
            let mut out = Vec::with_capacity(keys.len());
            for (kid, code) in keys {
                out.extend(crate::store::enrolment(sql, &kid, &code)?);
            }
            Ok(out)
        })
    }
}
