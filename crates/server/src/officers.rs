//! The department side's store: officers (registered by the operator, each with an Ed25519 key) and the
//! decisions they sign, each moving a commitment one step through the lifecycle the core defines.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::Value;
use xinnuo_core::decision::{Action, CommitmentState, Outcome, RepairState};

use crate::db::{Db, DbError};

#[derive(Debug, Clone, Serialize)]
pub struct OfficerRow {
    pub kid: String,
    pub department: String,
    pub name: String,
    pub public_jwk: Value,
    pub added_at: String,
    pub revoked_at: Option<String>,
}

impl OfficerRow {
    pub fn is_active(&self) -> bool {
        self.revoked_at.is_none()
    }
}

/// A recorded decision, as published (no personal data: the action, the reason, the officer's key).
#[derive(Debug, Clone, Serialize)]
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
}

/// A verified decision before it is stored.
pub struct NewDecision {
    pub decision_id: String,
    pub target: String,
    pub action: Action,
    pub officer_kid: String,
    pub department: String,
    pub reason: String,
    pub decided_at: String,
    pub received_at: String,
    pub envelope: String,
}

/// What the target of a decision is, for the caller's checks: its subject, template and state now.
pub struct Target {
    pub credit_code: String,
    pub subject_name: String,
    pub template_id: String,
    pub template_version: String,
    pub state: CommitmentState,
}

/// A repair application a decision is about: the record it asks to repair, and where it stands.
pub struct RepairTarget {
    pub credit_code: String,
    pub record_id: String,
    /// The authority that decided the record: only its officers decide the repair (谁认定、谁修复).
    pub authority: String,
    pub state: RepairState,
}

/// A repair application as the enterprise sees it on its status page.
#[derive(Debug, Clone, Serialize)]
pub struct RepairApplicationRow {
    pub submission_id: String,
    pub record_id: String,
    pub state: RepairState,
    /// The deciding authority's reason (for a refusal, why).
    pub reason: String,
}

/// A record the decision adds to the subject's credit record (a broken commitment): its id and JSON body.
pub struct NewRecord {
    pub id: String,
    pub body: Value,
}

const OFFICER_COLUMNS: &str = "kid, department, name, public_jwk, added_at, revoked_at";
const DECISION_COLUMNS: &str = "decision_id, sequence, target, action, state, officer_kid, department, reason, \
     decided_at, received_at, envelope, receipt";

fn json_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Value> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))
}

/// A typed column stored as its JSON string (`"accept"`, `"in_force"`).
fn enum_column<T: serde::de::DeserializeOwned>(row: &Row<'_>, index: usize) -> rusqlite::Result<T> {
    let text: String = row.get(index)?;
    serde_json::from_value(Value::String(text))
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))
}

fn name_of<T: Serialize>(value: T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn officer_row(row: &Row<'_>) -> rusqlite::Result<OfficerRow> {
    Ok(OfficerRow {
        kid: row.get(0)?,
        department: row.get(1)?,
        name: row.get(2)?,
        public_jwk: json_column(row, 3)?,
        added_at: row.get(4)?,
        revoked_at: row.get(5)?,
    })
}

fn decision_row(row: &Row<'_>) -> rusqlite::Result<DecisionRow> {
    Ok(DecisionRow {
        decision_id: row.get(0)?,
        sequence: row.get::<_, i64>(1)? as u64,
        target: row.get(2)?,
        action: enum_column(row, 3)?,
        state: enum_column(row, 4)?,
        officer_kid: row.get(5)?,
        department: row.get(6)?,
        reason: row.get(7)?,
        decided_at: row.get(8)?,
        received_at: row.get(9)?,
        envelope: json_column(row, 10)?,
        receipt: json_column(row, 11)?,
    })
}

fn existing_decision(connection: &rusqlite::Connection, decision_id: &str) -> Result<Option<DecisionRow>, DbError> {
    Ok(connection
        .prepare_cached(&format!("SELECT {DECISION_COLUMNS} FROM decisions WHERE decision_id = ?1"))?
        .query_row([decision_id], decision_row)
        .optional()?)
}

/// Stores a decision with the next sequence number and its receipt (signed by `receipt_for`).
fn insert_decision(
    connection: &rusqlite::Connection,
    new: &NewDecision,
    outcome: Outcome,
    receipt_for: impl FnOnce(u64, Outcome) -> Result<String, String>,
) -> Result<DecisionRow, DbError> {
    let sequence: i64 =
        connection.query_row("SELECT COALESCE(MAX(sequence), 0) + 1 FROM decisions", [], |row| row.get(0))?;
    let receipt = receipt_for(sequence as u64, outcome).map_err(DbError::Other)?;
    connection.execute(
        &format!(
            "INSERT INTO decisions ({DECISION_COLUMNS}) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
        ),
        params![
            new.decision_id,
            sequence,
            new.target,
            name_of(new.action),
            outcome.as_str(),
            new.officer_kid,
            new.department,
            new.reason,
            new.decided_at,
            new.received_at,
            new.envelope,
            receipt
        ],
    )?;
    existing_decision(connection, &new.decision_id)?.ok_or(DbError::Corrupt("decision"))
}

impl Db {
    /// Registers an officer's key for a department; the same key again is refused (one key, one officer).
    pub fn add_officer(
        &self,
        kid: &str,
        department: &str,
        name: &str,
        public_jwk: &Value,
        now: &str,
    ) -> Result<Option<OfficerRow>, DbError> {
        self.with(|c| {
            let inserted = c.execute(
                "INSERT INTO officers (kid, department, name, public_jwk, added_at) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (kid) DO NOTHING",
                params![kid, department, name, public_jwk.to_string(), now],
            )?;
            if inserted == 0 {
                return Ok(None);
            }
            Ok(c.query_row(&format!("SELECT {OFFICER_COLUMNS} FROM officers WHERE kid = ?1"), [kid], officer_row)
                .optional()?)
        })
    }

    pub fn officer(&self, kid: &str) -> Result<Option<OfficerRow>, DbError> {
        self.with(|c| {
            Ok(c.prepare_cached(&format!("SELECT {OFFICER_COLUMNS} FROM officers WHERE kid = ?1"))?
                .query_row([kid], officer_row)
                .optional()?)
        })
    }

    pub fn officers(&self) -> Result<Vec<OfficerRow>, DbError> {
        self.with(|c| {
            let mut statement =
                c.prepare(&format!("SELECT {OFFICER_COLUMNS} FROM officers ORDER BY department, added_at"))?;
            let rows = statement.query_map([], officer_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Revokes an officer's key from now on (decisions already made stay valid). `None`: no such officer.
    pub fn revoke_officer(&self, kid: &str, now: &str) -> Result<Option<OfficerRow>, DbError> {
        self.with(|c| {
            c.execute("UPDATE officers SET revoked_at = ?2 WHERE kid = ?1 AND revoked_at IS NULL", params![kid, now])?;
            Ok(c.query_row(&format!("SELECT {OFFICER_COLUMNS} FROM officers WHERE kid = ?1"), [kid], officer_row)
                .optional()?)
        })
    }

    /// Records a decision and moves its commitment on, atomically. `check` sees the target (or `None`: no such
    /// commitment) and returns the state after the decision, or the caller's refusal; `receipt_for(sequence,
    /// state)` signs the receipt. The same decision again returns the stored one.
    pub fn decide<E>(
        &self,
        new: NewDecision,
        check: impl FnOnce(Option<&Target>) -> Result<CommitmentState, E>,
        record_for: impl FnOnce(&Target) -> Option<NewRecord>,
        receipt_for: impl FnOnce(u64, Outcome) -> Result<String, String>,
    ) -> Result<Result<(DecisionRow, bool), E>, DbError> {
        self.with(|c| {
            let transaction = c.transaction()?;
            if let Some(row) = existing_decision(&transaction, &new.decision_id)? {
                return Ok(Ok((row, false)));
            }
            let target = transaction
                .prepare_cached(
                    "SELECT credit_code, subject_name, template_id, template_version, lifecycle FROM commitments
                     WHERE submission_id = ?1",
                )?
                .query_row([&new.target], |row| {
                    Ok((row.get::<_, String>(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get::<_, String>(4)?))
                })
                .optional()?
                .map(|(credit_code, subject_name, template_id, template_version, state)| {
                    CommitmentState::parse(&state)
                        .map(|state| Target { credit_code, subject_name, template_id, template_version, state })
                        .ok_or(DbError::Corrupt("commitment lifecycle"))
                })
                .transpose()?;
            let state = match check(target.as_ref()) {
                Ok(state) => state,
                Err(refusal) => return Ok(Err(refusal)),
            };
            // The check passed, so there is a target.
            let target = target.ok_or(DbError::Corrupt("decision target"))?;
            if let Some(record) = record_for(&target) {
                // The subject enters the register if it is not there yet (named as it signed).
                transaction.execute(
                    "INSERT INTO subjects (credit_code, name, demo, situation, updated_at) VALUES (?1, ?2, 0, NULL, ?3)
                     ON CONFLICT (credit_code) DO NOTHING",
                    params![target.credit_code, target.subject_name, new.received_at],
                )?;
                transaction.execute(
                    "INSERT INTO records (credit_code, id, body) VALUES (?1, ?2, ?3)",
                    params![target.credit_code, record.id, record.body.to_string()],
                )?;
            }
            transaction.execute(
                "UPDATE commitments SET lifecycle = ?2 WHERE submission_id = ?1",
                params![new.target, state.as_str()],
            )?;
            let row = insert_decision(&transaction, &new, Outcome::Commitment(state), receipt_for)?;
            transaction.commit()?;
            Ok(Ok((row, true)))
        })
    }

    /// Records a decision on a repair application, atomically: the application's state, and for a grant the
    /// record's publication ended (`removed_on` = `removed_on`). `check` sees the application (or `None`).
    pub fn decide_repair<E>(
        &self,
        new: NewDecision,
        removed_on: &str,
        check: impl FnOnce(Option<&RepairTarget>) -> Result<RepairState, E>,
        receipt_for: impl FnOnce(u64, Outcome) -> Result<String, String>,
    ) -> Result<Result<(DecisionRow, bool), E>, DbError> {
        self.with(|c| {
            let transaction = c.transaction()?;
            if let Some(row) = existing_decision(&transaction, &new.decision_id)? {
                return Ok(Ok((row, false)));
            }
            let application = transaction
                .prepare_cached(
                    "SELECT a.credit_code, a.record_id, a.status, r.body FROM repair_applications a
                     JOIN records r ON r.credit_code = a.credit_code AND r.id = a.record_id WHERE a.submission_id = ?1",
                )?
                .query_row([&new.target], |row| {
                    Ok((
                        row.get::<_, String>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                        row.get::<_, String>(3)?,
                    ))
                })
                .optional()?;
            let (target, body) = match application {
                Some((credit_code, record_id, status, body)) => {
                    let body: Value = serde_json::from_str(&body).map_err(|_| DbError::Corrupt("record body"))?;
                    let authority = body.get("authority").and_then(Value::as_str).unwrap_or_default().to_owned();
                    let state = RepairState::parse(&status).ok_or(DbError::Corrupt("repair application status"))?;
                    (Some(RepairTarget { credit_code, record_id, authority, state }), Some(body))
                }
                None => (None, None),
            };
            let state = match check(target.as_ref()) {
                Ok(state) => state,
                Err(refusal) => return Ok(Err(refusal)),
            };
            let (Some(target), Some(mut body)) = (target, body) else {
                return Err(DbError::Corrupt("decision target"));
            };
            transaction.execute(
                "UPDATE repair_applications SET status = ?2 WHERE submission_id = ?1",
                params![new.target, state.as_str()],
            )?;
            if state == RepairState::Granted {
                body["removed_on"] = Value::String(removed_on.to_owned());
                transaction.execute(
                    "UPDATE records SET body = ?3 WHERE credit_code = ?1 AND id = ?2",
                    params![target.credit_code, target.record_id, body.to_string()],
                )?;
            }
            let row = insert_decision(&transaction, &new, Outcome::Repair(state), receipt_for)?;
            transaction.commit()?;
            Ok(Ok((row, true)))
        })
    }

    /// Keeps a sign-in challenge until `expires_at_ms` (dropping those already expired).
    pub fn add_challenge(&self, challenge: &str, now_ms: u64, expires_at_ms: u64) -> Result<(), DbError> {
        self.with(|c| {
            c.execute("DELETE FROM officer_challenges WHERE expires_at_ms <= ?1", [now_ms as i64])?;
            c.execute(
                "INSERT INTO officer_challenges (challenge, expires_at_ms) VALUES (?1, ?2)",
                params![challenge, expires_at_ms as i64],
            )?;
            Ok(())
        })
    }

    /// Uses a challenge up: true when it was given out and has not expired; it can never be used again.
    pub fn take_challenge(&self, challenge: &str, now_ms: u64) -> Result<bool, DbError> {
        self.with(|c| {
            let taken = c.execute(
                "DELETE FROM officer_challenges WHERE challenge = ?1 AND expires_at_ms > ?2",
                params![challenge, now_ms as i64],
            )?;
            Ok(taken == 1)
        })
    }

    /// Opens a session for an officer: stores the token's hash until `expires_at_ms`.
    pub fn open_session(&self, token_sha256: &str, kid: &str, now_ms: u64, expires_at_ms: u64) -> Result<(), DbError> {
        self.with(|c| {
            c.execute("DELETE FROM officer_sessions WHERE expires_at_ms <= ?1", [now_ms as i64])?;
            c.execute(
                "INSERT INTO officer_sessions (token_sha256, kid, expires_at_ms) VALUES (?1, ?2, ?3)",
                params![token_sha256, kid, expires_at_ms as i64],
            )?;
            Ok(())
        })
    }

    /// The active officer a live session belongs to.
    pub fn session_officer(&self, token_sha256: &str, now_ms: u64) -> Result<Option<OfficerRow>, DbError> {
        self.with(|c| {
            Ok(c.prepare_cached(&format!(
                "SELECT {} FROM officer_sessions s JOIN officers o ON o.kid = s.kid
                 WHERE s.token_sha256 = ?1 AND s.expires_at_ms > ?2 AND o.revoked_at IS NULL",
                OFFICER_COLUMNS.split(", ").map(|column| format!("o.{column}")).collect::<Vec<_>>().join(", ")
            ))?
            .query_row(params![token_sha256, now_ms as i64], officer_row)
            .optional()?)
        })
    }

    /// A subject's repair applications: (submission id, record id, state, the last decision's reason).
    pub fn repair_applications_of(&self, credit_code: &str) -> Result<Vec<RepairApplicationRow>, DbError> {
        self.with(|c| {
            let mut statement = c.prepare_cached(
                "SELECT a.submission_id, a.record_id, a.status,
                        (SELECT d.reason FROM decisions d WHERE d.target = a.submission_id ORDER BY d.sequence DESC LIMIT 1)
                 FROM repair_applications a WHERE a.credit_code = ?1 ORDER BY a.created_at",
            )?;
            let rows = statement.query_map([credit_code], |row| {
                let status: String = row.get(2)?;
                Ok((row.get::<_, String>(0)?, row.get::<_, String>(1)?, status, row.get::<_, Option<String>>(3)?))
            })?;
            let mut out = Vec::new();
            for row in rows {
                let (submission_id, record_id, status, reason) = row?;
                let state = RepairState::parse(&status).ok_or(DbError::Corrupt("repair application status"))?;
                out.push(RepairApplicationRow { submission_id, record_id, state, reason: reason.unwrap_or_default() });
            }
            Ok(out)
        })
    }

    /// The decisions on a commitment, in the order they were made.
    pub fn decisions_on(&self, target: &str) -> Result<Vec<DecisionRow>, DbError> {
        self.with(|c| {
            let mut statement = c.prepare_cached(&format!(
                "SELECT {DECISION_COLUMNS} FROM decisions WHERE target = ?1 ORDER BY sequence"
            ))?;
            let rows = statement.query_map([target], decision_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}
