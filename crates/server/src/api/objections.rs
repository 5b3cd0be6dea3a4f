//! `POST /api/v1/objections`: an enterprise objects to one record of its credit record, signed with a key
//! approved for its credit code (an unapproved key could mark anybody's record "异议处理中"). The record's
//! authority decides it (`POST /api/v1/decisions`, `objection_upheld` / `objection_rejected`).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;

use super::body::read_jws_text;
use super::dept::objection_item;
use crate::clock::now_millis;
use crate::officers::NewObjection;
use crate::problem::{not_received_problem, Problem};
use crate::state::{blocking, AppState};
use xinnuo_core::wire::DeptObjection;

const MAX_OBJECTION_BYTES: usize = 16 * 1024;

/// `POST /api/v1/objections` → 201 with the objection and its receipt; the same objection again → 200; a
/// second objection while one to that record is under review → 409.
#[utoipa::path(
    operation_id = "objections_submit",
    post,
    path = "/api/v1/objections",
    tag = "objections",
    summary = "提出异议 / object to a record",
    request_body(content = crate::openapi::SignedRequest, content_type = "application/json", description = "签名文件：扁平化 JWS JSON（EdDSA）/ the signed file: flattened JWS JSON (EdDSA)"),
    responses(
        (status = 201, description = "已受理 / received", body = DeptObjection, content_type = "application/json"),
        (status = 200, description = "同一异议再次提交 / the same objection again", body = DeptObjection, content_type = "application/json"),
        (status = 400, description = "签名文件无法读取（bad_envelope、unexpected_member、malformed_json）/ unreadable signed file", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "没有这条记录 / no such record", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "密钥未经核验可代表该主体（key_not_approved）/ key not approved for the code", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "该记录已有异议在审，或刚被认定不成立（objection_pending、objection_same_grounds、objection_too_soon）/ one under review, or just rejected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "不予受理 / refused", body = Problem, content_type = "application/problem+json"),
        crate::openapi::BodyProblems,
        crate::openapi::AnyProblem
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<DeptObjection>), Problem> {
    let text = read_jws_text(&headers, body, MAX_OBJECTION_BYTES).await?;
    let now = now_millis();
    let db = state.db.clone();
    let witnessing = state.witnessing.clone();
    let server_key = state.server_key.clone();
    let (item, created) = blocking(move || {
        let (verified, objection) =
            xinnuo_core::workflow::receive_objection(&text, now).map_err(|e| not_received_problem(&e))?;
        let code = objection.credit_code.clone();
        let enrolment = db.enrolment(&verified.kid, &code).map_err(Problem::internal)?;
        let standing = xinnuo_core::workflow::standing(Some(&code), enrolment.map(|e| e.status));
        xinnuo_core::workflow::require_approved(
            &verified.kid,
            &code,
            standing,
            xinnuo_core::workflow::Filing::Objection,
        )
        .map_err(|r| crate::problem::refusal_problem(&r))?;
        let stored = db.subject(&code).map_err(Problem::internal)?;
        let record = stored.as_ref().and_then(|s| s.profile.records.iter().find(|r| r.id == objection.record_id));
        let Some(record) = record else {
            return Err(Problem::unprocessable(
                "record_not_found",
                format!("{code} 的信用记录中没有编号为 {} 的记录。", objection.record_id),
                format!("{code} has no record with id {} on its credit record.", objection.record_id),
            ));
        };
        let received_at = xinnuo_core::calendar::UtcTimestamp::format_unix_millis(now);
        let today = xinnuo_core::calendar::UtcTimestamp::parse(&received_at)
            .map(|t| t.china_date())
            .map_err(Problem::internal)?;
        let new = NewObjection {
            objection_id: verified.submission_id.clone(),
            credit_code: code.clone(),
            record_id: record.id.clone(),
            authority: record.authority.clone(),
            grounds: objection.grounds.clone(),
            signer_kid: verified.kid.clone(),
            envelope: verified.jws.to_json(),
            received_at,
        };
        let filing = crate::officers::ObjectionFiling { grounds: &objection.grounds, today };
        match db.add_objection(new, filing, &server_key).map_err(Problem::internal)? {
            Ok((row, created)) => {
                let mut item = witnessing
                    .witnessed(&db, vec![objection_item(&db, row)?])?
                    .pop()
                    .ok_or_else(|| Problem::internal("an objection went missing"))?;
                item.log = crate::views::logged(&db, &item.objection_id).map_err(Problem::internal)?;
                Ok((item, created))
            }
            Err(refusal) => Err(crate::problem::refusal_problem(&refusal)),
        }
    })
    .await?;
    let mut item = item;
    crate::api::log::witnessed_receipt(&state, &mut item.receipt, &mut item.log).await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(item)))
}
