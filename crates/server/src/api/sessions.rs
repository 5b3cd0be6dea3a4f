//! Officers' sign-in and their department's inbox. `POST /api/v1/officer-sessions/challenge` gives out a
//! one-time challenge; `POST /api/v1/officer-sessions` takes it signed by an active officer's key and answers
//! a bearer token for 30 minutes; `GET /api/v1/dept/commitments` lists the department's commitments with their
//! personal values (disclosures), for that officer only.

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use xinnuo_core::decision::CommitmentState;
use xinnuo_core::session::{self, SignInError};
use xinnuo_core::{envelope, template};

use super::body::read_jws_text;
use super::commitments::{envelope_problem, CommitmentView};
use crate::officers::OfficerRow;
use crate::problem::Problem;
use crate::store::PublicationFilter;
use crate::{blocking, now_millis, AppState};

const CHALLENGE_LIFETIME_MS: u64 = 2 * 60 * 1000;
const SESSION_LIFETIME_MS: u64 = 30 * 60 * 1000;

fn random_b64() -> Result<String, Problem> {
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(Problem::internal)?;
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn unauthorized(zh: &str, en: &str) -> Problem {
    Problem::new(StatusCode::UNAUTHORIZED, "unauthorized", "未授权", "Unauthorized", zh, en)
}

#[derive(Serialize)]
pub struct Challenge {
    challenge: String,
    expires_at: String,
}

/// `POST /api/v1/officer-sessions/challenge` → 201 `{challenge, expires_at}` (valid once, two minutes).
pub async fn challenge(State(state): State<AppState>) -> Result<(StatusCode, Json<Challenge>), Problem> {
    let challenge = random_b64()?;
    let now = now_millis();
    let expires = now + CHALLENGE_LIFETIME_MS;
    let db = state.db.clone();
    let stored = challenge.clone();
    blocking(move || db.add_challenge(&stored, now, expires).map_err(Problem::internal)).await?;
    let expires_at = xinnuo_core::calendar::UtcTimestamp::format_unix_millis(expires);
    Ok((StatusCode::CREATED, Json(Challenge { challenge, expires_at })))
}

#[derive(Serialize)]
pub struct Session {
    token: String,
    expires_at: String,
    officer: OfficerRow,
    officer_fingerprint: String,
}

fn sign_in_problem(error: &SignInError) -> Problem {
    match error {
        SignInError::Envelope(inner) => envelope_problem(inner),
        _ => Problem::from_bilingual(StatusCode::UNPROCESSABLE_ENTITY, "not-a-sign-in", error),
    }
}

/// `POST /api/v1/officer-sessions`: body = the challenge signed by the officer's key → 201 `{token, …}`.
pub async fn sign_in(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<Session>), Problem> {
    let text = read_jws_text(&headers, body, 16 * 1024).await?;
    let now = now_millis();
    let db = state.db.clone();
    let session = blocking(move || {
        let (verified, sign_in) = session::verify(&text).map_err(|e| sign_in_problem(&e))?;
        let officer =
            db.officer(&verified.kid).map_err(Problem::internal)?.filter(OfficerRow::is_active).ok_or_else(|| {
                unauthorized(
                    "此密钥不是在册的部门工作人员密钥（或已停用）。",
                    "This key is not an active officer's key.",
                )
            })?;
        if !db.take_challenge(&sign_in.challenge, now).map_err(Problem::internal)? {
            return Err(unauthorized(
                "登录挑战无效、已过期或已使用，请重新获取。",
                "The challenge is unknown, expired or already used; ask for a new one.",
            ));
        }
        let token = random_b64()?;
        let expires = now + SESSION_LIFETIME_MS;
        db.open_session(&token_hash(&token), &officer.kid, now, expires).map_err(Problem::internal)?;
        Ok(Session {
            token,
            expires_at: xinnuo_core::calendar::UtcTimestamp::format_unix_millis(expires),
            officer_fingerprint: envelope::fingerprint_groups(&officer.kid),
            officer,
        })
    })
    .await?;
    Ok((StatusCode::CREATED, Json(session)))
}

/// The active officer whose live session the request's bearer token opens.
pub async fn officer_of(state: &AppState, headers: &HeaderMap) -> Result<OfficerRow, Problem> {
    let token = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(|t| t.trim().to_owned())
        .ok_or_else(|| unauthorized("请先以工作人员密钥登录。", "Sign in with an officer's key first."))?;
    let db = state.db.clone();
    let now = now_millis();
    blocking(move || db.session_officer(&token_hash(&token), now).map_err(Problem::internal))
        .await?
        .ok_or_else(|| unauthorized("登录已失效，请重新登录。", "The session has ended; sign in again."))
}

#[derive(Deserialize)]
pub struct InboxQuery {
    state: Option<String>,
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

#[derive(Serialize)]
pub struct InboxItem {
    #[serde(flatten)]
    view: CommitmentView,
    /// The signed file with its disclosures: the personal values, for the department.
    signed_file: Value,
}

#[derive(Serialize)]
pub struct Inbox {
    department: String,
    total: u64,
    page: u32,
    per_page: u32,
    commitments: Vec<InboxItem>,
}

/// `GET /api/v1/dept/commitments?state=&q=&page=` (officer session): the department's commitments.
pub async fn inbox(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<InboxQuery>,
) -> Result<Json<Inbox>, Problem> {
    let officer = officer_of(&state, &headers).await?;
    let lifecycle = match query.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(text) => Some(CommitmentState::parse(text).ok_or_else(|| {
            Problem::bad_request("bad-query", format!("未知的状态 {text:?}。"), format!("Unknown state {text:?}."))
        })?),
    };
    let templates = template::all()
        .iter()
        .filter(|t| t.departments.iter().any(|d| d.zh == officer.department))
        .map(|t| t.id.clone())
        .collect();
    let page = query.page.unwrap_or(1).max(1);
    let per_page = query.per_page.unwrap_or(50).clamp(1, 100);
    let offset = (page - 1)
        .checked_mul(per_page)
        .ok_or_else(|| Problem::bad_request("bad-query", "页码太大。", "The page is out of range."))?;
    let filter = PublicationFilter {
        templates: Some(templates),
        state: lifecycle,
        query: query.q.map(|q| q.trim().chars().take(100).collect::<String>()).filter(|q| !q.is_empty()),
    };
    let db = state.db.clone();
    let department = officer.department.clone();
    let (total, commitments) = blocking(move || {
        let (total, rows) = db.publications(&filter, offset, per_page).map_err(Problem::internal)?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let disclosures = db.disclosures(&row.submission_id).map_err(Problem::internal)?.unwrap_or_default();
            let mut signed_file = row.envelope.clone();
            if !disclosures.is_empty() {
                signed_file["header"] = serde_json::json!({ "disclosures": disclosures });
            }
            items.push(InboxItem { view: row.into(), signed_file });
        }
        Ok((total, items))
    })
    .await?;
    Ok(Json(Inbox { department, total, page, per_page, commitments }))
}
