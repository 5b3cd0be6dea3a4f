//! The SQL for keys, commitments and the server's signing keys. Every write that must be atomic (a
//! submission and its receipt, with the next sequence number) runs in one transaction on the one connection.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;
use serde_json::Value;
use xinnuo_core::envelope::Signer;
use xinnuo_core::receipt::KeyStatus;
use zeroize::Zeroizing;

use crate::db::{Db, DbError};

#[derive(Debug, Clone, Serialize)]
pub struct EnrolmentRow {
    pub kid: String,
    pub credit_code: String,
    pub subject_name: String,
    pub public_jwk: Value,
    pub status: String,
    pub enrolled_at: String,
    pub approved_at: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
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
    /// active (在诺) | kept (已履诺) | broken (违诺)
    pub status: String,
    pub envelope: Value,
    pub receipt: Value,
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
    pub envelope: String,
}

pub struct ServerKey {
    pub kid: String,
    pub signer: Signer,
}

#[derive(Debug, Clone, Serialize)]
pub struct ServerKeyRow {
    pub kid: String,
    pub public_jwk: Value,
    pub created_at: String,
    pub retired_at: Option<String>,
}

fn json_column(row: &Row<'_>, index: usize) -> rusqlite::Result<Value> {
    let text: String = row.get(index)?;
    serde_json::from_str(&text)
        .map_err(|e| rusqlite::Error::FromSqlConversionFailure(index, rusqlite::types::Type::Text, Box::new(e)))
}

fn key_status_from(text: &str) -> KeyStatus {
    match text {
        "verified" => KeyStatus::Verified,
        "pending" => KeyStatus::Pending,
        _ => KeyStatus::Unenrolled,
    }
}

fn key_status_name(status: KeyStatus) -> &'static str {
    match status {
        KeyStatus::Verified => "verified",
        KeyStatus::Pending => "pending",
        KeyStatus::Unenrolled => "unenrolled",
    }
}

const COMMITMENT_COLUMNS: &str = "sequence, submission_id, credit_code, template_id, template_version, signer_kid, \
     signed_at, received_at, key_status, status, envelope, receipt";

fn commitment_row(row: &Row<'_>) -> rusqlite::Result<CommitmentRow> {
    Ok(CommitmentRow {
        sequence: row.get::<_, i64>(0)? as u64,
        submission_id: row.get(1)?,
        credit_code: row.get(2)?,
        template_id: row.get(3)?,
        template_version: row.get(4)?,
        signer_kid: row.get(5)?,
        signed_at: row.get(6)?,
        received_at: row.get(7)?,
        key_status: key_status_from(&row.get::<_, String>(8)?),
        status: row.get(9)?,
        envelope: json_column(row, 10)?,
        receipt: json_column(row, 11)?,
    })
}

fn enrolment_row(row: &Row<'_>) -> rusqlite::Result<EnrolmentRow> {
    Ok(EnrolmentRow {
        kid: row.get(0)?,
        credit_code: row.get(1)?,
        subject_name: row.get(2)?,
        public_jwk: json_column(row, 3)?,
        status: row.get(4)?,
        enrolled_at: row.get(5)?,
        approved_at: row.get(6)?,
    })
}

const ENROLMENT_COLUMNS: &str = "kid, credit_code, subject_name, public_jwk, status, enrolled_at, approved_at";

fn key_status(connection: &rusqlite::Connection, kid: &str, credit_code: &str) -> Result<KeyStatus, DbError> {
    let status: Option<String> = connection
        .prepare_cached("SELECT status FROM key_enrolments WHERE kid = ?1 AND credit_code = ?2")?
        .query_row([kid, credit_code], |row| row.get(0))
        .optional()?;
    Ok(match status.as_deref() {
        Some("approved") => KeyStatus::Verified,
        Some(_) => KeyStatus::Pending,
        None => KeyStatus::Unenrolled,
    })
}

impl Db {
    /// The current server signing key; `generate` makes one (seed, kid, public JWK) on first use.
    pub fn server_key(
        &self,
        now: &str,
        generate: impl FnOnce() -> Result<([u8; 32], String, Value), String>,
    ) -> Result<ServerKey, DbError> {
        self.with(|c| {
            let existing: Option<(String, Vec<u8>)> = c
                .query_row(
                    "SELECT kid, seed FROM server_keys WHERE retired_at IS NULL ORDER BY created_at DESC LIMIT 1",
                    [],
                    |row| Ok((row.get(0)?, row.get(1)?)),
                )
                .optional()?;
            if let Some((kid, seed)) = existing {
                let seed: [u8; 32] = seed.as_slice().try_into().map_err(|_| DbError::Corrupt("server key seed"))?;
                let seed = Zeroizing::new(seed);
                return Ok(ServerKey { kid, signer: Signer::from_seed(&seed) });
            }
            let (seed, kid, jwk) = generate().map_err(DbError::Other)?;
            c.execute(
                "INSERT INTO server_keys (kid, seed, public_jwk, created_at) VALUES (?1, ?2, ?3, ?4)",
                params![kid, seed.as_slice(), jwk.to_string(), now],
            )?;
            let seed = Zeroizing::new(seed);
            Ok(ServerKey { kid, signer: Signer::from_seed(&seed) })
        })
    }

    pub fn server_keys(&self) -> Result<Vec<ServerKeyRow>, DbError> {
        self.with(|c| {
            let mut statement = c.prepare_cached(
                "SELECT kid, public_jwk, created_at, retired_at FROM server_keys ORDER BY created_at",
            )?;
            let rows = statement.query_map([], |row| {
                Ok(ServerKeyRow {
                    kid: row.get(0)?,
                    public_jwk: json_column(row, 1)?,
                    created_at: row.get(2)?,
                    retired_at: row.get(3)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
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
        self.with(|c| {
            let inserted = c.execute(
                "INSERT INTO key_enrolments (kid, credit_code, subject_name, public_jwk, request, status, enrolled_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, 'pending', ?6) ON CONFLICT (kid, credit_code) DO NOTHING",
                params![kid, credit_code, subject_name, public_jwk.to_string(), request, now],
            )?;
            let row = c.query_row(
                &format!("SELECT {ENROLMENT_COLUMNS} FROM key_enrolments WHERE kid = ?1 AND credit_code = ?2"),
                [kid, credit_code],
                enrolment_row,
            )?;
            Ok((row, inserted == 1))
        })
    }

    pub fn enrolments_of_key(&self, kid: &str) -> Result<Vec<EnrolmentRow>, DbError> {
        self.with(|c| {
            let mut statement = c.prepare_cached(&format!(
                "SELECT {ENROLMENT_COLUMNS} FROM key_enrolments WHERE kid = ?1 ORDER BY enrolled_at"
            ))?;
            let rows = statement.query_map([kid], enrolment_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    /// Approves a key's pending enrolments (for one credit code, or all); returns the rows now approved.
    pub fn approve(
        &self,
        kid: &str,
        credit_code: Option<&str>,
        by: &str,
        now: &str,
    ) -> Result<Vec<EnrolmentRow>, DbError> {
        self.with(|c| {
            c.execute(
                "UPDATE key_enrolments SET status = 'approved', approved_at = ?3, approved_by = ?4
                 WHERE kid = ?1 AND (?2 IS NULL OR credit_code = ?2) AND status = 'pending'",
                params![kid, credit_code, now, by],
            )?;
            let mut statement = c.prepare_cached(&format!(
                "SELECT {ENROLMENT_COLUMNS} FROM key_enrolments
                 WHERE kid = ?1 AND (?2 IS NULL OR credit_code = ?2) AND status = 'approved'"
            ))?;
            let rows = statement.query_map(params![kid, credit_code], enrolment_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }

    pub fn commitment(&self, submission_id: &str) -> Result<Option<CommitmentRow>, DbError> {
        self.with(|c| {
            Ok(c.prepare_cached(&format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE submission_id = ?1"))?
                .query_row([submission_id], commitment_row)
                .optional()?)
        })
    }

    /// Stores a submission with its receipt, atomically; a known submission returns its stored row.
    /// `receipt_for(sequence, key_status)` signs the receipt. Returns the row and whether it is new.
    pub fn store_commitment(
        &self,
        new: NewCommitment,
        receipt_for: impl FnOnce(u64, KeyStatus) -> Result<String, String>,
    ) -> Result<(CommitmentRow, bool), DbError> {
        self.with(|c| {
            let transaction = c.transaction()?;
            let existing = transaction
                .prepare_cached(&format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE submission_id = ?1"))?
                .query_row([&new.submission_id], commitment_row)
                .optional()?;
            if let Some(row) = existing {
                return Ok((row, false));
            }
            let status = key_status(&transaction, &new.signer_kid, &new.credit_code)?;
            let sequence: i64 =
                transaction
                    .query_row("SELECT COALESCE(MAX(sequence), 0) + 1 FROM commitments", [], |row| row.get(0))?;
            let receipt = receipt_for(sequence as u64, status).map_err(DbError::Other)?;
            transaction
                .prepare_cached(
                    "INSERT INTO commitments (sequence, submission_id, credit_code, template_id, template_version,
                     signer_kid, signed_at, received_at, key_status, envelope, receipt)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                )?
                .execute(params![
                    sequence,
                    new.submission_id,
                    new.credit_code,
                    new.template_id,
                    new.template_version,
                    new.signer_kid,
                    new.signed_at,
                    new.received_at,
                    key_status_name(status),
                    new.envelope,
                    receipt
                ])?;
            let row = transaction
                .prepare_cached(&format!("SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE sequence = ?1"))?
                .query_row([sequence], commitment_row)?;
            transaction.commit()?;
            Ok((row, true))
        })
    }

    /// A subject's commitments, newest first (公示).
    pub fn commitments_of_subject(&self, credit_code: &str, limit: u32) -> Result<Vec<CommitmentRow>, DbError> {
        self.with(|c| {
            let mut statement = c.prepare_cached(&format!(
                "SELECT {COMMITMENT_COLUMNS} FROM commitments WHERE credit_code = ?1 ORDER BY sequence DESC LIMIT ?2"
            ))?;
            let rows = statement.query_map(params![credit_code, limit], commitment_row)?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
    }
}
