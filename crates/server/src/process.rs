//! A decision, from the store's side: inside one transaction, read the target as the core's `Case`, ask
//! `workflow::decide`, apply the `Transition`'s effects, log the decision and its effects, and store it with its
//! receipt (its public-log entry with the proof; nothing is called back from a handler). The rules are the
//! core's; this module only reads and writes.

use serde_json::Value;
use xinnuo_core::calendar::UtcTimestamp;
use xinnuo_core::decision::{Decision, ObjectionState, Outcome, RepairState, TargetKind};
use xinnuo_core::enrolment::EnrolmentStatus;
use xinnuo_core::public_log::{LogEvent, RecordChange};
use xinnuo_core::template::{self, TemplateKind};
use xinnuo_core::workflow::{
    self, Actor, Case, CommitmentCase, Effect, KeyCase, ObjectionCase, PublicationEnd, Refusal, RepairCase,
};

use crate::db::{Db, DbError};
use crate::officers::{existing_decision, insert_decision, DecisionRow, NewDecision};
use crate::sql::args;
use crate::sql::row;
use crate::sql::Sql;
use crate::store::{CommitmentRow, ServerKey};

/// Why a decision was not recorded.
#[derive(Debug)]
pub enum NotDecided {
    /// No target of the kind its action decides, with that id.
    UnknownTarget(TargetKind),
    Refused(Refusal),
}

fn millis_of(stamp: &str) -> Result<u64, DbError> {
    UtcTimestamp::parse(stamp)
        .ok()
        .and_then(|t| u64::try_from(t.unix_millis()).ok())
        .ok_or(DbError::Corrupt("received_at"))
}

/// A stored commitment as the core's case (its standing, identification and register entry read with it).
pub(crate) fn commitment_case_of(row: &CommitmentRow) -> Result<CommitmentCase, DbError> {
    let template = template::get(&row.template_id, Some(&row.template_version)).ok();
    Ok(CommitmentCase {
        state: row.state,
        template_kind: template.map_or(TemplateKind::Field, |t| t.kind),
        departments: workflow::departments_of(template, row.department.as_deref()),
        received_at_millis: millis_of(&row.received_at)?,
        signer_kid: row.signer_kid.clone(),
        standing: row.standing,
        standing_at_receipt: row.key_status,
        identified: row.identified,
        credit_code: (!row.credit_code.is_empty()).then(|| row.credit_code.clone()),
        subject_registered: row.registry_name.is_some(),
        title_zh: template.map(|t| t.title.zh.to_string()).unwrap_or_else(|| row.template_id.clone()),
    })
}

fn commitment_case(sql: &mut dyn Sql, target: &str) -> Result<Option<Case>, DbError> {
    crate::store::commitment_in(sql, target)?.map(|row| commitment_case_of(&row).map(Case::Commitment)).transpose()
}

fn repair_case(sql: &mut dyn Sql, target: &str) -> Result<Option<Case>, DbError> {
    row(
        sql,
        "SELECT a.credit_code, a.record_id, a.status, r.body, a.created_at FROM repair_applications a
         JOIN records r ON r.credit_code = a.credit_code AND r.id = a.record_id WHERE a.submission_id = ?1",
        args![target],
        |row| {
            let body: Value = row.get(3)?;
            Ok(Case::Repair(RepairCase {
                credit_code: row.get(0)?,
                record_id: row.get(1)?,
                state: RepairState::parse(&row.get::<String>(2)?)
                    .ok_or(DbError::Corrupt("repair application status"))?,
                authority: body.get("authority").and_then(Value::as_str).unwrap_or_default().to_owned(),
                received_at_millis: millis_of(&row.get::<String>(4)?)?,
            }))
        },
    )
}

fn objection_case(sql: &mut dyn Sql, target: &str) -> Result<Option<Case>, DbError> {
    row(
        sql,
        "SELECT state, authority, received_at, credit_code, record_id FROM objections WHERE objection_id = ?1",
        args![target],
        |row| {
            Ok(Case::Objection(ObjectionCase {
                state: ObjectionState::parse(&row.get::<String>(0)?).ok_or(DbError::Corrupt("objection state"))?,
                authority: row.get(1)?,
                received_at_millis: millis_of(&row.get::<String>(2)?)?,
                credit_code: row.get(3)?,
                record_id: row.get(4)?,
            }))
        },
    )
}

fn key_case(sql: &mut dyn Sql, target: &str) -> Result<Option<Case>, DbError> {
    row(
        sql,
        "SELECT kid, credit_code, status, enrolled_at FROM key_enrolments WHERE request_id = ?1",
        args![target],
        |row| {
            Ok(Case::Key(KeyCase {
                kid: row.get(0)?,
                credit_code: row.get(1)?,
                state: EnrolmentStatus::parse(&row.get::<String>(2)?).ok_or(DbError::Corrupt("enrolment status"))?,
                received_at_millis: millis_of(&row.get::<String>(3)?)?,
            }))
        },
    )
}

/// What a decision targets, read as the core's case; `None`: nothing of that kind has the id.
pub(crate) fn read_case(sql: &mut dyn Sql, kind: TargetKind, target: &str) -> Result<Option<Case>, DbError> {
    match kind {
        TargetKind::Commitment => commitment_case(sql, target),
        TargetKind::RepairApplication => repair_case(sql, target),
        TargetKind::Objection => objection_case(sql, target),
        TargetKind::KeyEnrolment => key_case(sql, target),
    }
}

/// Writes a transition: the target's new state and each effect; returns what the effects changed of the
/// public record, for the log.
fn apply(
    sql: &mut dyn Sql,
    decision_id: &str,
    decision: &Decision,
    case: &Case,
    transition: &workflow::Transition,
    actor: &Actor,
    at: &str,
) -> Result<Vec<LogEvent>, DbError> {
    let target = decision.target.as_str();
    match (transition.outcome, case) {
        (Outcome::Commitment(state), _) => crate::store::set_lifecycle(sql, target, state)?,
        (Outcome::Repair(state), _) => crate::subjects::set_repair_status(sql, target, state)?,
        (Outcome::Objection(state), _) => {
            sql.execute("UPDATE objections SET state = ?2 WHERE objection_id = ?1", args![target, state.as_str()])?;
        }
        (Outcome::Key(state), Case::Key(key)) => {
            let who = match actor {
                Actor::Officer { name, department, .. } => format!("officer:{name}（{department}）"),
                Actor::Signer { kid } => format!("key:{kid}"),
            };
            let reason = (state != EnrolmentStatus::Approved).then_some(decision.reason.as_str());
            crate::store::change_enrolment(sql, &key.kid, &key.credit_code, state, reason, &who, at)?;
        }
        (Outcome::Key(_), _) => return Err(DbError::Corrupt("key decision on another target")),
    }
    let mut logged = Vec::new();
    let record_event = |credit_code: &str, record_id: &str, change, body: Option<&Value>| LogEvent::Record {
        credit_code: credit_code.to_owned(),
        record_id: record_id.to_owned(),
        change,
        body_sha256: body.map(xinnuo_core::public_log::body_sha256),
    };
    for effect in &transition.effects {
        match effect {
            Effect::SignerIdentified(check) => {
                sql.execute(
                    "UPDATE commitments SET identified = ?2 WHERE submission_id = ?1",
                    args![target, check.as_str()],
                )?;
            }
            Effect::AddRecord { credit_code, record } => {
                let body = serde_json::to_value(record.as_ref()).map_err(|e| DbError::Other(e.to_string()))?;
                if crate::subjects::add_record(sql, credit_code, &record.id, &body, decision_id)? {
                    logged.push(record_event(credit_code, &record.id, RecordChange::Added, Some(&body)));
                }
            }
            Effect::EndPublication { credit_code, record_id, removed_on } => {
                let body = row(
                    sql,
                    "SELECT body FROM records WHERE credit_code = ?1 AND id = ?2",
                    args![credit_code, record_id],
                    |row| row.get::<Value>(0),
                )?;
                let mut body = body.ok_or(DbError::Corrupt("repaired record"))?;
                body["removed_on"] = Value::String(removed_on.to_string());
                let ended = PublicationEnd { by: target.to_owned(), on: *removed_on };
                crate::subjects::end_publication(sql, credit_code, record_id, &body, &ended)?;
                logged.push(record_event(credit_code, record_id, RecordChange::PublicationEnded, Some(&body)));
            }
            Effect::HideRecord { credit_code, record_id } => {
                sql.execute(
                    "UPDATE records SET hidden_by = ?3 WHERE credit_code = ?1 AND id = ?2",
                    args![credit_code, record_id, target],
                )?;
                logged.push(record_event(credit_code, record_id, RecordChange::Hidden, None));
            }
        }
    }
    Ok(logged)
}

impl Db {
    /// Records one verified decision, atomically: the same decision again returns the stored one; otherwise
    /// the target is read, the core decides, its effects are applied and the decision is stored with the
    /// server's receipt. A refusal changes nothing.
    pub fn record_decision(
        &self,
        new: &NewDecision,
        decision: &Decision,
        actor: &Actor,
        now_millis: u64,
        server_key: &ServerKey,
    ) -> Result<Result<(DecisionRow, bool), NotDecided>, DbError> {
        let kind = decision.action.target_kind();
        self.write(|sql| {
            if let Some(row) = existing_decision(sql, &new.decision_id)? {
                return Ok(Ok((row, false)));
            }
            let Some(case) = read_case(sql, kind, &decision.target)? else {
                return Ok(Err(NotDecided::UnknownTarget(kind)));
            };
            let transition = match workflow::decide(&case, &new.decision_id, decision, actor, now_millis) {
                Ok(transition) => transition,
                Err(refusal) => return Ok(Err(NotDecided::Refused(refusal))),
            };
            let changed = apply(sql, &new.decision_id, decision, &case, &transition, actor, &new.received_at)?;
            // The decision and what it changed, in the public log with it; the decision's entry with its proof
            // is its receipt.
            let mut events = vec![LogEvent::Decision {
                decision_id: new.decision_id.clone(),
                target: decision.target.clone(),
                action: decision.action,
                state: transition.outcome.as_str().to_owned(),
                decided_at: decision.decided_at.clone(),
                received_at: new.received_at.clone(),
            }];
            events.extend(changed);
            let receipt = crate::log::append_with_receipt(sql, &server_key.log, &events, &new.received_at)?;
            let stored = insert_decision(sql, new, &transition.department, transition.outcome, &receipt)?;
            Ok(Ok((stored, true)))
        })
    }
}
