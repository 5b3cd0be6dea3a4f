//! Key enrolment (`POST /api/v1/keys`, proof of possession), look-up, approval by a department (admin API,
//! bearer token) and the server's own published keys (`GET /api/v1/server-keys`).

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use xinnuo_core::enrolment::{self, EnrolmentError};
use xinnuo_core::envelope;

use super::body::{json_body, read_body, read_jws_text};
use super::commitments::envelope_problem;
use crate::problem::Problem;
use crate::store::EnrolmentRow;
use crate::{blocking, now, AppState};

const MAX_ENROLMENT_BYTES: usize = 16 * 1024;

#[derive(Serialize)]
pub struct EnrolmentView {
    #[serde(flatten)]
    row: EnrolmentRow,
    fingerprint: String,
    status_label_zh: &'static str,
    status_label_en: &'static str,
}

impl From<EnrolmentRow> for EnrolmentView {
    fn from(row: EnrolmentRow) -> Self {
        let approved = row.status == "approved";
        Self {
            fingerprint: envelope::fingerprint_groups(&row.kid),
            status_label_zh: if approved { "已核验" } else { "待审核" },
            status_label_en: if approved { "approved" } else { "awaiting approval" },
            row,
        }
    }
}

fn enrolment_problem(error: &EnrolmentError) -> Problem {
    match error {
        EnrolmentError::Envelope(inner) => envelope_problem(inner),
        EnrolmentError::NotAnEnrolment => {
            Problem::from_bilingual(StatusCode::UNPROCESSABLE_ENTITY, "not-an-enrolment", error)
        }
        EnrolmentError::InvalidCreditCode(_) => {
            Problem::from_bilingual(StatusCode::UNPROCESSABLE_ENTITY, "invalid-credit-code", error)
        }
        EnrolmentError::InvalidName | EnrolmentError::InvalidTime => {
            Problem::from_bilingual(StatusCode::UNPROCESSABLE_ENTITY, "bad-payload", error)
        }
    }
}

/// `POST /api/v1/keys`: body = an enrolment request signed by the key itself. 201 new, 200 known.
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

/// Accepts a key id as printed: grouped with spaces or not.
pub fn kid_from(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn key_not_found(kid: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "key-not-found",
        "未找到",
        "Not found",
        format!("没有登记过指纹为 {} 的密钥。", envelope::fingerprint_groups(kid)),
        format!("No key with fingerprint {} has been enrolled.", envelope::fingerprint_groups(kid)),
    )
}

#[derive(Serialize)]
pub struct KeyView {
    kid: String,
    fingerprint: String,
    enrolments: Vec<EnrolmentView>,
}

/// `GET /api/v1/keys/{kid}`: where the key is enrolled and whether it is approved.
pub async fn get_key(State(state): State<AppState>, Path(kid): Path<String>) -> Result<Json<KeyView>, Problem> {
    let kid = kid_from(&kid);
    let db = state.db.clone();
    let lookup = kid.clone();
    let rows = blocking(move || db.enrolments_of_key(&lookup).map_err(|e| Problem::internal(e.to_string()))).await?;
    if rows.is_empty() {
        return Err(key_not_found(&kid));
    }
    Ok(Json(KeyView {
        fingerprint: envelope::fingerprint_groups(&kid),
        kid,
        enrolments: rows.into_iter().map(Into::into).collect(),
    }))
}

/// Compares without revealing, by timing, how much of the token matched.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Checks `Authorization: Bearer <admin token>`.
pub fn require_admin(state: &AppState, headers: &HeaderMap) -> Result<(), Problem> {
    let Some(expected) = state.admin_token.as_deref() else {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "admin-disabled",
            "管理接口未启用",
            "Admin API disabled",
            "服务器未配置管理令牌（--admin-token 或 XINNUO_ADMIN_TOKEN），管理接口不可用。",
            "The server has no admin token configured (--admin-token or XINNUO_ADMIN_TOKEN); the admin API is off.",
        ));
    };
    let given =
        headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
    if given.is_some_and(|token| same_secret(token.trim().as_bytes(), expected.as_bytes())) {
        Ok(())
    } else {
        Err(Problem::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "未授权",
            "Unauthorized",
            "需要有效的管理令牌（Authorization: Bearer …）。",
            "A valid admin token is required (Authorization: Bearer …).",
        ))
    }
}

#[derive(Default, Deserialize)]
pub struct ApproveRequest {
    credit_code: Option<String>,
}

#[derive(Serialize)]
pub struct Approved {
    approved: Vec<EnrolmentView>,
}

/// `POST /api/v1/admin/keys/{kid}/approve` (optional body `{"credit_code": …}`).
pub async fn approve(
    State(state): State<AppState>,
    Path(kid): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<Approved>, Problem> {
    require_admin(&state, &headers)?;
    let bytes = read_body(&headers, body, MAX_ENROLMENT_BYTES).await?;
    let request: ApproveRequest =
        if bytes.iter().all(u8::is_ascii_whitespace) { Default::default() } else { json_body(&bytes)? };
    let kid = kid_from(&kid);
    let db = state.db.clone();
    let lookup = kid.clone();
    let rows = blocking(move || {
        db.approve(&lookup, request.credit_code.as_deref(), "admin-api", &now())
            .map_err(|e| Problem::internal(e.to_string()))
    })
    .await?;
    if rows.is_empty() {
        return Err(key_not_found(&kid));
    }
    Ok(Json(Approved { approved: rows.into_iter().map(Into::into).collect() }))
}

#[derive(Serialize)]
pub struct ServerKeyView {
    kid: String,
    fingerprint: String,
    jwk: Value,
    created_at: String,
    retired_at: Option<String>,
    current: bool,
}

#[derive(Serialize)]
pub struct ServerKeys {
    keys: Vec<ServerKeyView>,
}

/// `GET /api/v1/server-keys`: the keys receipts are signed with.
pub async fn server_keys(State(state): State<AppState>) -> Result<Json<ServerKeys>, Problem> {
    let db = state.db.clone();
    let rows = blocking(move || db.server_keys().map_err(|e| Problem::internal(e.to_string()))).await?;
    let current = state.server_key.kid.clone();
    Ok(Json(ServerKeys {
        keys: rows
            .into_iter()
            .map(|row| ServerKeyView {
                fingerprint: envelope::fingerprint_groups(&row.kid),
                current: row.kid == current,
                kid: row.kid,
                jwk: row.public_jwk,
                created_at: row.created_at,
                retired_at: row.retired_at,
            })
            .collect(),
    }))
}
