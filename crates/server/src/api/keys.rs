//! Key enrolment (`POST /api/v1/keys`, proof of possession), look-up, approval by a department (admin API,
//! bearer token) and the server's own published keys (`GET /api/v1/server-keys`).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use xinnuo_core::enrolment::{self, EnrolmentError};
use xinnuo_core::envelope;

use super::body::{json_body, read_body, read_jws_text};
use crate::clock::now;
use crate::problem::envelope_problem;
use crate::problem::Problem;
use crate::state::{blocking, AppState};
use crate::store::{EnrolmentChange, EnrolmentRow};
use crate::views::EnrolmentView;
use xinnuo_core::wire::{AdminLog, EnrolmentDecision, KeyView, ServerKeys};

const MAX_ENROLMENT_BYTES: usize = 16 * 1024;

fn enrolment_problem(error: &EnrolmentError) -> Problem {
    match error {
        EnrolmentError::Envelope(inner) => envelope_problem(inner),
        _ => Problem::from_error(StatusCode::UNPROCESSABLE_ENTITY, error),
    }
}

/// `POST /api/v1/keys`: body = an enrolment request signed by the key itself. 201 new, 200 known.
#[utoipa::path(
    operation_id = "keys_enrol",
    post,
    path = "/api/v1/keys",
    tag = "keys",
    summary = "登记密钥 / enrol a key",
    request_body(content = crate::openapi::SignedRequest, content_type = "application/json", description = "签名文件：扁平化 JWS JSON（EdDSA）/ the signed file: flattened JWS JSON (EdDSA)"),
    responses(
        (status = 201, description = "已登记，待审核 / enrolled, pending", body = EnrolmentView, content_type = "application/json"),
        (status = 200, description = "已登记过 / known already", body = EnrolmentView, content_type = "application/json"),
        (status = 400, description = "签名文件无法读取（bad_envelope、unexpected_member、malformed_json）/ unreadable signed file", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "内容不符 / refused", body = Problem, content_type = "application/problem+json"),
        crate::openapi::BodyProblems,
        crate::openapi::AnyProblem
    )
)]
pub async fn enrol(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<EnrolmentView>), Problem> {
    let text = read_jws_text(&headers, body, MAX_ENROLMENT_BYTES).await?;
    let db = state.db.clone();
    let (row, created) = blocking(move || {
        let (verified, request) = enrolment::verify(&text).map_err(|e| enrolment_problem(&e))?;
        let jwk = envelope::public_jwk(&verified.public_key);
        db.enrol(&verified.kid, &request.credit_code, &request.subject_name, &jwk, &text, &now())
            .map_err(|e| Problem::internal(e.to_string()))
    })
    .await?;
    Ok((if created { StatusCode::CREATED } else { StatusCode::OK }, Json(row.into())))
}

/// Accepts a key as printed: its fingerprint (grouped with spaces or not) or its id.
pub fn kid_from(text: &str) -> String {
    envelope::kid_from_fingerprint(text)
}

fn key_not_found(kid: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "key_not_found",
        "未找到",
        "Not found",
        format!("没有登记过指纹为 {} 的密钥。", envelope::fingerprint_groups(kid)),
        format!("No key with fingerprint {} has been enrolled.", envelope::fingerprint_groups(kid)),
    )
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct KeyQuery {
    credit_code: Option<String>,
}

fn credit_code_required() -> Problem {
    Problem::bad_request(
        "credit_code_required",
        "请用 ?credit_code= 指明要查询的统一社会信用代码：一个密钥为哪些单位签名不对外公开。",
        "Name the credit code with ?credit_code=: which companies a key signs for is not public.",
    )
}

/// The credit code as the core normalises it, or a problem naming what is wrong.
fn checked_credit_code(text: &str) -> Result<String, Problem> {
    let report = xinnuo_core::code::validate(text, &Default::default());
    if report.valid && report.kind == xinnuo_core::code::CodeKind::Uscc {
        return Ok(report.normalized);
    }
    Err(Problem::bad_request(
        "invalid_credit_code",
        "统一社会信用代码无效。",
        "The unified social credit code is invalid.",
    ))
}

/// `GET /api/v1/keys/{kid}?credit_code=`: whether the key is enrolled and approved for that credit code.
#[utoipa::path(
    operation_id = "keys_get_key",
    get,
    path = "/api/v1/keys/{kid}",
    tag = "keys",
    summary = "密钥的登记状态 / a key's enrolment",
    params(("kid" = String, Path, description = "密钥指纹（JWK thumbprint，base64url）/ the key fingerprint"), KeyQuery),
    responses(
        (status = 200, description = "登记状态 / its status", body = KeyView, content_type = "application/json"),
        (status = 400, description = "缺少 credit_code / credit_code missing", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn get_key(
    State(state): State<AppState>,
    kid: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    query: Result<axum::extract::Query<KeyQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<KeyView>, Problem> {
    let axum::extract::Query(query) = query?;
    let axum::extract::Path(kid) = kid?;
    let kid = kid_from(&kid);
    let credit_code = checked_credit_code(query.credit_code.as_deref().ok_or_else(credit_code_required)?)?;
    let db = state.db.clone();
    let lookup = kid.clone();
    let row =
        blocking(move || db.enrolment(&lookup, &credit_code).map_err(|e| Problem::internal(e.to_string()))).await?;
    let row = row.ok_or_else(|| key_not_found(&kid))?;
    Ok(Json(KeyView { fingerprint: envelope::fingerprint_groups(&kid), kid, enrolments: vec![row.into()] }))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveRequest {
    credit_code: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevokeRequest {
    credit_code: String,
    reason: String,
}

fn already_revoked(row: &EnrolmentRow) -> Problem {
    Problem::new(
        StatusCode::CONFLICT,
        "enrolment_revoked",
        "密钥已吊销",
        "Enrolment revoked",
        format!(
            "该密钥对 {} 的登记已于 {} 吊销，不能再次核验；请登记新的密钥。",
            row.credit_code,
            row.revoked_at.as_deref().unwrap_or("?")
        ),
        format!(
            "This key's enrolment for {} was revoked at {}; it cannot be approved again. Enrol a new key.",
            row.credit_code,
            row.revoked_at.as_deref().unwrap_or("?")
        ),
    )
}

fn decision(
    change: EnrolmentChange,
    kid: &str,
    registry_name: Option<String>,
) -> Result<Json<EnrolmentDecision>, Problem> {
    match change {
        EnrolmentChange::Changed(row) => Ok(Json(EnrolmentDecision { enrolment: row.into(), registry_name })),
        EnrolmentChange::NotEnrolled => Err(key_not_found(kid)),
        EnrolmentChange::Revoked(row) => Err(already_revoked(&row)),
    }
}

/// Runs an approval or revocation of one enrolment and answers it with the registry's name for the code.
async fn change_enrolment(
    state: &AppState,
    kid: &str,
    credit_code: String,
    change: impl FnOnce(&crate::db::Db, &crate::log::LogKey, &str, &str) -> Result<EnrolmentChange, crate::db::DbError>
        + Send
        + 'static,
) -> Result<Json<EnrolmentDecision>, Problem> {
    let kid = kid_from(kid);
    let db = state.db.clone();
    let server_key = state.server_key.clone();
    let lookup = kid.clone();
    let (change, registry_name) = blocking(move || {
        let change = change(&db, &server_key.log, &lookup, &credit_code);
        let name = db.registry_name(&credit_code);
        change.and_then(|change| Ok((change, name?))).map_err(Problem::internal)
    })
    .await?;
    decision(change, &kid, registry_name)
}

/// `POST /api/v1/admin/keys/{kid}/approve` with `{"credit_code": …}`: approves exactly that enrolment.
#[utoipa::path(
    operation_id = "keys_approve",
    post,
    path = "/api/v1/admin/keys/{kid}/approve",
    tag = "admin",
    summary = "核准密钥（管理）/ approve a key (admin)",
    params(("kid" = String, Path, description = "密钥指纹（JWK thumbprint，base64url）/ the key fingerprint")),
    request_body(content = ApproveRequest, content_type = "application/json"),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "已核准 / approved", body = EnrolmentDecision, content_type = "application/json"),
        crate::openapi::AdminProblems,
        (status = 404, description = "没有这个登记 / no such enrolment", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "尝试过多 / too many attempts", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn approve(
    State(state): State<AppState>,
    kid: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    client: crate::admin::ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<EnrolmentDecision>, Problem> {
    let axum::extract::Path(kid) = kid?;
    state.admin.check(&headers, client)?;
    let bytes = read_body(&headers, body, MAX_ENROLMENT_BYTES).await?;
    let request: ApproveRequest = json_body(&bytes)?;
    let credit_code = checked_credit_code(&request.credit_code)?;
    change_enrolment(&state, &kid, credit_code, |db, log, kid, code| db.approve(kid, code, "admin-api", &now(), log))
        .await
}

/// `POST /api/v1/admin/keys/{kid}/revoke` with `{"credit_code": …, "reason": …}`: from now on signatures by
/// this key for this credit code are received as `revoked`.
#[utoipa::path(
    operation_id = "keys_revoke",
    post,
    path = "/api/v1/admin/keys/{kid}/revoke",
    tag = "admin",
    summary = "撤销密钥（管理）/ revoke a key (admin)",
    params(("kid" = String, Path, description = "密钥指纹（JWK thumbprint，base64url）/ the key fingerprint")),
    request_body(content = RevokeRequest, content_type = "application/json"),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "已撤销 / revoked", body = EnrolmentDecision, content_type = "application/json"),
        crate::openapi::AdminProblems,
        (status = 404, description = "没有这个登记 / no such enrolment", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "尝试过多 / too many attempts", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn revoke(
    State(state): State<AppState>,
    kid: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    client: crate::admin::ClientAddr,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<EnrolmentDecision>, Problem> {
    let axum::extract::Path(kid) = kid?;
    state.admin.check(&headers, client)?;
    let bytes = read_body(&headers, body, MAX_ENROLMENT_BYTES).await?;
    let request: RevokeRequest = json_body(&bytes)?;
    let credit_code = checked_credit_code(&request.credit_code)?;
    let reason = checked_reason(&request.reason)?;
    change_enrolment(&state, &kid, credit_code, move |db, log, kid, code| {
        db.revoke(kid, code, &reason, "admin-api", &now(), log)
    })
    .await
}

/// A revocation reason: 2–500 characters of visible text.
pub fn checked_reason(reason: &str) -> Result<String, Problem> {
    let reason = reason.trim();
    let length = reason.chars().count();
    let visible = !reason.chars().any(|c| c.is_control() || xinnuo_core::text::is_invisible_format(c));
    if (2..=500).contains(&length) && visible {
        Ok(reason.to_owned())
    } else {
        Err(Problem::bad_request(
            "bad_reason",
            "请填写吊销原因（2–500 个字，不含控制字符或不可见格式字符）。",
            "Give the reason for revoking (2–500 characters, no control or invisible format characters).",
        ))
    }
}

/// `GET /api/v1/admin/actions`: every approval and revocation, newest first (who, when, what).
#[utoipa::path(
    operation_id = "keys_actions",
    get,
    path = "/api/v1/admin/actions",
    tag = "admin",
    summary = "管理操作记录 / the admin log",
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "核准与撤销，新的在前 / approvals and revocations", body = AdminLog, content_type = "application/json"),
        crate::openapi::AdminProblems,
        (status = 429, description = "尝试过多 / too many attempts", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn actions(
    State(state): State<AppState>,
    client: crate::admin::ClientAddr,
    headers: HeaderMap,
) -> Result<Json<AdminLog>, Problem> {
    state.admin.check(&headers, client)?;
    let db = state.db.clone();
    let actions = blocking(move || db.admin_actions(1000).map_err(|e| Problem::internal(e.to_string()))).await?;
    Ok(Json(AdminLog { actions }))
}

/// `GET /api/v1/server-keys`: the keys receipts are signed with.
#[utoipa::path(
    operation_id = "keys_server_keys",
    get,
    path = "/api/v1/server-keys",
    tag = "keys",
    summary = "服务器回执公钥 / the server's receipt keys",
    responses(
        (status = 200, description = "含已退役的密钥 / retired keys included", body = ServerKeys, content_type = "application/json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn server_keys(State(state): State<AppState>) -> Result<Json<ServerKeys>, Problem> {
    let db = state.db.clone();
    let rows = blocking(move || db.server_keys().map_err(|e| Problem::internal(e.to_string()))).await?;
    Ok(Json(crate::views::server_keys(rows, &state.server_key.kid, &state.witnessing)))
}
