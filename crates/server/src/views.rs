//! Stored rows as the answers people and programs read (the wire types of `xinnuo_core::wire`, with labels):
//! one place, used by the handlers and by `export-static` alike.

use serde_json::Value;
use xinnuo_core::envelope;
use xinnuo_core::template;
use xinnuo_core::wire::{PublishedCommitment, PublishedDecision};

use crate::db::{Db, DbError};
use crate::officers::DecisionRow;
use crate::store::CommitmentRow;

/// A stored commitment as published: the signed envelope and receipt, plus labels for people.
pub fn commitment(mut row: CommitmentRow) -> PublishedCommitment {
    if !row.publishable {
        // Signed before personal values were digests: its signed payload would publish them.
        row.envelope = Value::Null;
    }
    let template = template::get(&row.template_id, Some(&row.template_version)).ok();
    let (title_zh, title_en) = template
        .map(|t| (t.title.zh.to_string(), t.title.en.to_string()))
        .unwrap_or_else(|| (row.template_id.clone(), row.template_id.clone()));
    let departments = xinnuo_core::workflow::departments_of(template, row.department.as_deref());
    let department_name = departments.join("、");
    let step = xinnuo_core::workflow::commitment_step(row.state, template.map(|t| t.kind));
    let (signer_label_zh, signer_label_en) = xinnuo_core::wire::signer_label(row.standing, row.identified);
    let mut published = PublishedCommitment {
        deadline: step.and_then(|step| crate::clock::deadline_of(step, &row.received_at)),
        signer_standing: Some(row.standing),
        identity_checked: row.identified,
        signer_label_zh,
        signer_label_en,
        registry_name: row.registry_name,
        department_name,
        departments,
        title_zh,
        title_en,
        signer_fingerprint: envelope::fingerprint_groups(&row.signer_kid),
        key_status_label_zh: row.key_status.label_zh().to_owned(),
        key_status_label_en: row.key_status.label_en().to_owned(),
        status_label_zh: String::new(),
        status_label_en: String::new(),
        sequence: row.sequence,
        submission_id: row.submission_id,
        credit_code: row.credit_code,
        template_id: row.template_id,
        template_version: row.template_version,
        signer_kid: row.signer_kid,
        signed_at: row.signed_at,
        received_at: row.received_at,
        key_status: row.key_status,
        state: row.state,
        envelope: row.envelope,
        receipt: row.receipt,
        masked: row.masked,
        subject_name: row.subject_name,
        department: row.department,
        finding_overturned_by: row.finding_overturned_by,
    };
    // "For people": where it stands as the public reads it (a breach finding overturned on objection says so).
    let (zh, en) = published.public_state_label();
    (published.status_label_zh, published.status_label_en) = (zh.to_owned(), en.to_owned());
    published
}

/// A decision as published, with labels for people.
pub fn decision(row: DecisionRow) -> PublishedDecision {
    PublishedDecision {
        action_label_zh: row.action.label_zh().to_owned(),
        action_label_en: row.action.label_en().to_owned(),
        state_label_zh: row.state.label_zh().to_owned(),
        state_label_en: row.state.label_en().to_owned(),
        officer_fingerprint: envelope::fingerprint_groups(&row.officer_kid),
        identity_checked_label_zh: row.identity_checked.map(|c| c.label_zh().to_owned()),
        identity_checked_label_en: row.identity_checked.map(|c| c.label_en().to_owned()),
        identity_checked: row.identity_checked,
        log: None,
        concerns: None,
        decision_id: row.decision_id,
        sequence: row.sequence,
        target: row.target,
        action: row.action,
        state: row.state,
        officer_kid: row.officer_kid,
        department: row.department,
        reason: row.reason,
        decided_at: row.decided_at,
        received_at: row.received_at,
        envelope: row.envelope,
        receipt: row.receipt,
    }
}

pub use xinnuo_core::wire::{EnrolmentView, OfficerView, PublicObjection, ServerKeyView, ServerKeys};

/// The subject's objections as the public sees them (state, dates and reason, never the grounds), each with the
/// deadline of the step its record's channel runs (`workflow::objection_step`).
pub fn public_objections(
    rows: Vec<crate::officers::ObjectionRow>,
    records: &[xinnuo_core::status::Record],
) -> Vec<PublicObjection> {
    rows.into_iter()
        .map(|row| {
            let record = records.iter().find(|r| r.id == row.record_id);
            let deadline = xinnuo_core::workflow::objection_step(row.state, record)
                .and_then(|step| crate::clock::deadline_of(step, &row.received_at));
            PublicObjection {
                state_label_zh: row.state.label_zh().to_owned(),
                state_label_en: row.state.label_en().to_owned(),
                objection_id: row.objection_id,
                record_id: row.record_id,
                state: row.state,
                received_at: row.received_at,
                decided_at: row.decided_at,
                reason: row.reason,
                deadline,
                decision_id: row.decision_id,
            }
        })
        .collect()
}

/// The published list of server keys (`GET /api/v1/server-keys`, `export-static`'s `server-keys.json`): every key,
/// retired ones too, so that old receipts keep verifying.
pub fn server_keys(
    rows: Vec<crate::store::ServerKeyRow>,
    current_kid: &str,
    witnessing: &crate::state::Witnessing,
) -> ServerKeys {
    ServerKeys {
        witnesses: witnessing.witnesses.iter().filter(|w| !w.retiring).map(|w| w.key.to_string()).collect(),
        witness_quorum: witnessing.quorum as u32,
        keys: rows
            .into_iter()
            .map(|row| ServerKeyView {
                fingerprint: envelope::fingerprint_groups(&row.kid),
                current: row.kid == current_kid,
                kid: row.kid,
                jwk: row.public_jwk,
                created_at: row.created_at,
                retired_at: row.retired_at,
                log_key: row.log_key,
            })
            .collect(),
    }
}

impl From<crate::store::EnrolmentRow> for EnrolmentView {
    fn from(row: crate::store::EnrolmentRow) -> Self {
        Self {
            fingerprint: envelope::fingerprint_groups(&row.kid),
            status_label_zh: row.status.label_zh().to_owned(),
            status_label_en: row.status.label_en().to_owned(),
            kid: row.kid,
            credit_code: row.credit_code,
            subject_name: row.subject_name,
            public_jwk: row.public_jwk,
            status: row.status,
            enrolled_at: row.enrolled_at,
            approved_at: row.approved_at,
            revoked_at: row.revoked_at,
            revoke_reason: row.revoke_reason,
            request_id: row.request_id,
        }
    }
}

impl From<crate::officers::OfficerRow> for OfficerView {
    fn from(row: crate::officers::OfficerRow) -> Self {
        Self {
            kid: row.kid,
            department: row.department,
            name: row.name,
            public_jwk: row.public_jwk,
            added_at: row.added_at,
            revoked_at: row.revoked_at,
            roles: row.roles,
        }
    }
}

/// The newest entry in the public log about `reference` (a decision or objection id, a submission id), with
/// its proof in the newest checkpoint: what the answers about one item carry.
pub fn logged(db: &Db, reference: &str) -> Result<Option<xinnuo_core::public_log::LoggedEntry>, DbError> {
    db.read(|sql| crate::log::proof_of(sql, reference))
}
