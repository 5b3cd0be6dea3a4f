//! `POST /api/v1/decisions`: a decision signed by a registered officer's key, on a commitment of the
//! officer's department. The core checks the document and the step it takes in the commitment's lifecycle;
//! here: whose key it is, which department, and storing it with its receipt (its public-log entry and proof).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use xinnuo_core::decision::{self, TargetKind};
use xinnuo_core::wire::PublishedDecision;
use xinnuo_core::workflow::{self, Actor};

use super::body::read_jws_text;
use crate::clock::now_millis;
use crate::officers::NewDecision;
use crate::problem::Problem;
use crate::problem::{decision_problem, refusal_problem};
use crate::process::NotDecided;
use crate::state::{blocking, AppState};
use crate::views::decision as published;

const MAX_DECISION_BYTES: usize = 16 * 1024;

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
    let (answer, created) = blocking(move || {
        let (verified, decision) = decision::verify(&text).map_err(|e| decision_problem(&e))?;
        // Who signed: an active officer, or any other key (an enterprise withdrawing its own commitment).
        let actor = match db.officer(&verified.kid).map_err(Problem::internal)?.filter(|o| o.is_active()) {
            Some(officer) => Actor::Officer {
                kid: officer.kid,
                name: officer.name,
                department: officer.department,
                roles: officer.roles,
            },
            None => Actor::Signer { kid: verified.kid.clone() },
        };
        // Before the target is read: a stranger learns nothing about it.
        workflow::authorize(decision.action, &actor).map_err(|r| refusal_problem(&r))?;
        let new = NewDecision {
            decision_id: verified.submission_id.clone(),
            target: decision.target.clone(),
            action: decision.action,
            officer_kid: verified.kid.clone(),
            identity_checked: decision.identity_checked,
            reason: decision.reason.clone(),
            decided_at: decision.decided_at.clone(),
            received_at: xinnuo_core::calendar::UtcTimestamp::format_unix_millis(now),
            envelope: verified.jws.to_json(),
        };
        match db.record_decision(&new, &decision, &actor, now, &server_key).map_err(Problem::internal)? {
            Ok((row, created)) => {
                let mut answer = published(row);
                answer.log = crate::views::logged(&db, &answer.decision_id).map_err(Problem::internal)?;
                Ok((answer, created))
            }
            Err(NotDecided::UnknownTarget(kind)) => Err(unknown_target(&decision.target, kind)),
            Err(NotDecided::Refused(refusal)) => Err(refusal_problem(&refusal)),
        }
    })
    .await?;
    let mut answer = answer;
    crate::api::log::witnessed_receipt(&state, &mut answer.receipt, &mut answer.log).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(answer)))
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
    let id = super::body::submission_id_from(&id)?;
    let (db, witnessing) = (state.db.clone(), state.witnessing.clone());
    let lookup = id.clone();
    let answer = blocking(move || {
        let Some(row) = db.decision(&lookup).map_err(Problem::internal)? else { return Ok(None) };
        let mut answer = published(row);
        let logged = crate::views::logged(&db, &answer.decision_id).map_err(Problem::internal)?;
        // Where witnesses are required, the receipt and the entry proved in a checkpoint they cosigned.
        let mut log = serde_json::to_value(logged).map_err(Problem::internal)?;
        witnessing.rewitness(&db, &mut [&mut answer.receipt, &mut log]).map_err(Problem::internal)?;
        answer.log = serde_json::from_value(log).map_err(Problem::internal)?;
        answer.concerns = crate::concerns::decision_concerns(&db, answer.action.target_kind(), &answer.target)
            .map_err(Problem::internal)?;
        Ok(Some(answer))
    })
    .await?;
    let answer = answer.ok_or_else(|| {
        Problem::new(
            StatusCode::NOT_FOUND,
            "decision_not_found",
            "未找到",
            "Not found",
            format!("没有编号为 {id} 的决定。"),
            format!("No decision with id {id}."),
        )
    })?;
    Ok(Json(answer))
}
