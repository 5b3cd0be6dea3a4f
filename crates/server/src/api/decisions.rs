//! `POST /api/v1/decisions`: a decision signed by a registered officer's key, on a commitment of the
//! officer's department. The core checks the document and the step it takes in the commitment's lifecycle;
//! here: whose key it is, which department, and storing it with a countersigned receipt.

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use xinnuo_core::commitment;
use xinnuo_core::decision::{
    self, CommitmentState, DecisionError, DecisionReceipt, ObjectionState, RepairState, TargetKind,
    DECISION_RECEIPT_TYPE,
};
use xinnuo_core::enrolment::EnrolmentStatus;
use xinnuo_core::wire::PublishedDecision;
use xinnuo_core::{envelope, template};

use super::body::read_jws_text;
use super::commitments::{commitment_problem, envelope_problem};
use crate::officers::{DecisionRow, NewDecision, NewRecord, ObjectionRow, RepairTarget, Target};
use crate::problem::Problem;
use crate::store::EnrolmentRow;
use crate::{blocking, now_millis, AppState};

const MAX_DECISION_BYTES: usize = 16 * 1024;

fn decision_problem(error: &DecisionError) -> Problem {
    match error {
        DecisionError::Envelope(inner) => envelope_problem(inner),
        DecisionError::NotNow { .. }
        | DecisionError::NotNowRepair { .. }
        | DecisionError::NotNowObjection { .. }
        | DecisionError::NotNowKey { .. } => Problem::from_error(StatusCode::CONFLICT, error),
        _ => Problem::from_error(StatusCode::UNPROCESSABLE_ENTITY, error),
    }
}

fn forbidden(slug: &'static str, zh: String, en: String) -> Problem {
    Problem::new(StatusCode::FORBIDDEN, slug, "无权作出此决定", "Not allowed to decide", zh, en)
}

/// A decision as published, with labels for people.
pub fn published(row: DecisionRow) -> PublishedDecision {
    PublishedDecision {
        action_label_zh: row.action.label_zh().to_owned(),
        action_label_en: row.action.label_en().to_owned(),
        state_label_zh: row.state.label_zh().to_owned(),
        state_label_en: row.state.label_en().to_owned(),
        officer_fingerprint: envelope::fingerprint_groups(&row.officer_kid),
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

/// The departments a commitment belongs to: the one it was made to, or (signed before the choice was
/// signed) those its template names.
fn departments_of(target: &Target) -> Vec<String> {
    if let Some(department) = &target.department {
        return vec![department.clone()];
    }
    template::get(&target.template_id, Some(&target.template_version))
        .map(|t| t.departments.iter().map(|d| d.zh.to_string()).collect())
        .unwrap_or_default()
}

fn unknown_target(target: &str, kind: TargetKind) -> Problem {
    let (zh, en) = match kind {
        TargetKind::Commitment => ("承诺书", "commitment"),
        TargetKind::RepairApplication => ("信用修复申请", "repair application"),
        TargetKind::Objection => ("异议", "objection"),
        TargetKind::KeyEnrolment => ("密钥登记", "key enrolment"),
    };
    Problem::unprocessable(
        "unknown_target",
        format!("没有编号为 {target} 的{zh}。"),
        format!("No {en} with id {target}."),
    )
}

/// The authority of a record refuses a decision by another department (谁认定、谁修复; objections alike).
fn other_authority(authority: &str, department: &str) -> Problem {
    forbidden(
        "other_department",
        format!("这条记录由{authority}认定，由其作出决定，不由{department}决定。"),
        format!("The record was decided by {authority}, which decides this; not {department}."),
    )
}

/// The day in Beijing of a moment (what a decision is dated).
fn china_date(unix_ms: u64) -> String {
    let stamp = xinnuo_core::calendar::UtcTimestamp::format_unix_millis(unix_ms);
    xinnuo_core::calendar::UtcTimestamp::parse(&stamp).map(|t| t.china_date().to_string()).unwrap_or_default()
}

/// A broken commitment enters the subject's credit record (晋政办发〔2020〕10号 item 2), dated the decision and
/// decided by the officer's department; its class is left to the rules (the core takes it as general and
/// says so).
fn broken_commitment_record(
    target: &Target,
    decision_id: &str,
    decision: &xinnuo_core::decision::Decision,
    department: &str,
    now_ms: u64,
) -> Option<NewRecord> {
    // Without a credit code (a person, or an entity before registration) there is no subject in the
    // register to hold the record: the decision itself is the department's record.
    if decision.action != xinnuo_core::decision::Action::Broken || target.credit_code.is_empty() {
        return None;
    }
    let decided_on = china_date(now_ms);
    let title = template::get(&target.template_id, Some(&target.template_version))
        .map(|t| t.title.zh.clone())
        .unwrap_or_default();
    let body = serde_json::json!({
        "id": format!("broken-{}", &decision_id[..16]),
        "kind": "broken_commitment",
        "decision_no": format!("{department}违诺认定 {}", &decision_id[..8]),
        "authority": department,
        "market_regulation": false,
        "decided_on": decided_on,
        "summary": format!("违背《{title}》：{}", decision.reason),
    });
    // Written in the shape every record has; refused by the core's own reader means a bug here, not input.
    xinnuo_core::status::Record::from_json(body.clone()).ok().filter(|r| r.check().is_ok())?;
    Some(NewRecord { id: format!("broken-{}", &decision_id[..16]), body })
}

/// `POST /api/v1/decisions` → 201 `{decision_id, state, receipt, …}`; the same decision again → 200.
#[utoipa::path(
    operation_id = "decisions_decide",
    post,
    path = "/api/v1/decisions",
    tag = "decisions",
    summary = "签署决定 / sign a decision",
    request_body(content = crate::openapi::SignedRequest, content_type = "application/json", description = "签名文件：扁平化 JWS JSON（EdDSA）/ the signed file: flattened JWS JSON (EdDSA)"),
    security(("officer_session" = [])),
    responses(
        (status = 201, description = "已记录 / recorded", body = PublishedDecision, content_type = "application/json"),
        (status = 200, description = "同一决定再次提交 / the same decision again", body = PublishedDecision, content_type = "application/json"),
        (status = 400, description = "签名文件无法读取（bad_envelope、unexpected_member、malformed_json）/ unreadable signed file", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "无权作出此决定 / not allowed", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "没有这个对象 / unknown target", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "当前状态下不能这样决定 / not in this state", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "不予受理 / refused", body = Problem, content_type = "application/problem+json"),
        crate::openapi::BodyProblems,
        crate::openapi::AnyProblem
    )
)]
pub async fn decide(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<PublishedDecision>), Problem> {
    let text = read_jws_text(&headers, body, MAX_DECISION_BYTES).await?;
    let now = now_millis();
    let db = state.db.clone();
    let server_key = state.server_key.clone();
    let (row, created) = blocking(move || {
        let (verified, decision) = decision::verify(&text).map_err(|e| decision_problem(&e))?;
        commitment::check_signing_time(&decision.decided_at, now).map_err(|e| commitment_problem(&e))?;
        // Who signed, and for which department: an officer (with the role the action needs), or — for a
        // withdrawal — the enterprise, with the very key that signed the commitment.
        let (officer, signer_kid, department) = match decision.action.role() {
            Some(role) => {
                let officer =
                    db.officer(&verified.kid).map_err(Problem::internal)?.filter(|o| o.is_active()).ok_or_else(
                        || {
                            let fingerprint = envelope::fingerprint_groups(&verified.kid);
                            forbidden(
                                "not_an_officer",
                                format!("密钥 {fingerprint} 不是在册的部门工作人员密钥（或已停用）。"),
                                format!("Key {fingerprint} is not a registered officer's key (or was revoked)."),
                            )
                        },
                    )?;
                if !officer.may(role) {
                    return Err(forbidden(
                        "role_missing",
                        format!("{}没有“{}”权限，不能{}。", officer.name, role.label_zh(), decision.action.label_zh()),
                        format!("{} does not hold the {} role needed to decide this.", officer.name, role.as_str()),
                    ));
                }
                let (kid, department) = (officer.kid.clone(), officer.department.clone());
                (Some(officer), kid, department)
            }
            None => {
                let commitment = db
                    .commitment(&decision.target)
                    .map_err(Problem::internal)?
                    .ok_or_else(|| unknown_target(&decision.target, TargetKind::Commitment))?;
                if commitment.signer_kid != verified.kid {
                    return Err(forbidden(
                        "not_the_signer",
                        "只有签署这份承诺书的密钥才能撤回它。".into(),
                        "Only the key that signed this commitment can withdraw it.".into(),
                    ));
                }
                // A repair application is decided on its own track (修复审核中 → 已修复 | 修复未通过).
                let repair = template::get(&commitment.template_id, Some(&commitment.template_version))
                    .is_ok_and(|t| t.kind == template::TemplateKind::Repair);
                if repair {
                    return Err(Problem::new(
                        StatusCode::CONFLICT,
                        "transition_not_allowed",
                        "不能撤回",
                        "Cannot be withdrawn",
                        "信用修复申请由认定单位决定，不能以撤回承诺的方式撤回。",
                        "A repair application is decided by the deciding authority; it is not withdrawn as a commitment.",
                    ));
                }
                let department = commitment.department.clone().unwrap_or_else(|| {
                    template::get(&commitment.template_id, Some(&commitment.template_version))
                        .ok()
                        .and_then(|t| t.departments.first().map(|d| d.zh.to_string()))
                        .unwrap_or_default()
                });
                (None, verified.kid.clone(), department)
            }
        };
        let kind = decision.action.target_kind();
        let received_at = xinnuo_core::calendar::UtcTimestamp::format_unix_millis(now);
        let new = NewDecision {
            decision_id: verified.submission_id.clone(),
            target: decision.target.clone(),
            action: decision.action,
            officer_kid: signer_kid.clone(),
            department: department.clone(),
            reason: decision.reason.clone(),
            decided_at: decision.decided_at.clone(),
            received_at: received_at.clone(),
            envelope: verified.jws.to_json(),
        };
        let check = |target: Option<&Target>| -> Result<CommitmentState, Problem> {
            let target = target.ok_or_else(|| unknown_target(&decision.target, kind))?;
            let departments = departments_of(target);
            // A withdrawal's signer was checked above; an officer's department is checked here.
            if officer.is_some() && !departments.contains(&department) {
                return Err(forbidden(
                    "other_department",
                    format!("这份承诺书属于{}，不属于{department}。", departments.join("、")),
                    format!("This commitment belongs to {}, not to {department}.", departments.join(", ")),
                ));
            }
            target.state.after(decision.action).map_err(|e| decision_problem(&e))
        };
        let receipt_for = |sequence, state: decision::Outcome| {
            let receipt = DecisionReceipt {
                receipt_type: DECISION_RECEIPT_TYPE.into(),
                decision_id: verified.submission_id.clone(),
                target: decision.target.clone(),
                action: decision.action,
                state,
                received_at,
                sequence,
                officer_kid: signer_kid.clone(),
                department: department.clone(),
            };
            decision::sign_receipt(&receipt, &server_key.signer).map(|jws| jws.to_json()).map_err(|e| e.to_string())
        };
        match kind {
            TargetKind::Commitment => {}
            TargetKind::RepairApplication => {
                // 谁认定、谁修复: the authority that decided the record decides its repair.
                let check_repair = |target: Option<&RepairTarget>| -> Result<RepairState, Problem> {
                    let target = target.ok_or_else(|| unknown_target(&decision.target, kind))?;
                    if target.authority != department {
                        return Err(other_authority(&target.authority, &department));
                    }
                    target.state.after(decision.action).map_err(|e| decision_problem(&e))
                };
                let removed_on = china_date(now);
                return db.decide_repair(new, &removed_on, check_repair, receipt_for).map_err(Problem::internal)?;
            }
            TargetKind::Objection => {
                let check_objection = |target: Option<&ObjectionRow>| -> Result<ObjectionState, Problem> {
                    let target = target.ok_or_else(|| unknown_target(&decision.target, kind))?;
                    if target.authority != department {
                        return Err(other_authority(&target.authority, &department));
                    }
                    target.state.after(decision.action).map_err(|e| decision_problem(&e))
                };
                return db.decide_objection(new, check_objection, receipt_for).map_err(Problem::internal)?;
            }
            TargetKind::KeyEnrolment => {
                // Any department's officer holding the keys role checks a subject's key (the department that
                // checked is in the approvals log and the decision).
                let actor = officer
                    .as_ref()
                    .map(|o| format!("officer:{}（{}）", o.name, o.department))
                    .ok_or_else(|| Problem::internal("key decision without an officer"))?;
                let check_key = |target: Option<&EnrolmentRow>| -> Result<EnrolmentStatus, Problem> {
                    let target = target.ok_or_else(|| unknown_target(&decision.target, kind))?;
                    decision::enrolment_after(target.status, decision.action).map_err(|e| decision_problem(&e))
                };
                return db.decide_key(new, &actor, check_key, receipt_for).map_err(Problem::internal)?;
            }
        }
        let record_for =
            |target: &Target| broken_commitment_record(target, &verified.submission_id, &decision, &department, now);
        db.decide(new, check, record_for, receipt_for).map_err(Problem::internal)?
    })
    .await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(published(row))))
}

/// `GET /api/v1/decisions/{id}`: one decision as published (the signed document and the server's receipt),
/// for its printed copy's QR code and anyone verifying it.
#[utoipa::path(
    operation_id = "decisions_get_one",
    get,
    path = "/api/v1/decisions/{id}",
    tag = "decisions",
    summary = "一个决定 / one decision",
    params(("id" = String, Path, description = "决定编号 / the decision id")),
    responses(
        (status = 200, description = "公开的决定书 / the decision as published", body = PublishedDecision, content_type = "application/json"),
        (status = 404, description = "没有这个决定 / no such decision", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    id: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<PublishedDecision>, Problem> {
    let axum::extract::Path(id) = id?;
    let id = super::commitments::submission_id_from(&id)?;
    let db = state.db.clone();
    let lookup = id.clone();
    let row = blocking(move || db.decision(&lookup).map_err(Problem::internal)).await?;
    let row = row.ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "decision_not_found",
            "未找到",
            "Not found",
            format!("没有编号为 {id} 的决定。"),
            format!("No decision with id {id}."),
        )
    })?;
    Ok(Json(published(row)))
}
