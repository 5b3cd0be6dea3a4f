//! Officers' sign-in. `POST /api/v1/officer-sessions/challenge` gives out a one-time challenge;
//! `POST /api/v1/officer-sessions` takes it signed by an active officer's key and answers a bearer token for
//! 30 minutes (a header, never a cookie: no request from another site carries it). The inboxes it opens are
//! in `dept.rs`.

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::Json;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::Serialize;
use sha2::{Digest, Sha256};
use xinnuo_core::envelope;
use xinnuo_core::session::{self, SignInError};

use super::body::read_jws_text;
use super::commitments::envelope_problem;
use crate::officers::OfficerRow;
use crate::problem::Problem;
use crate::{blocking, now_millis, AppState};

const CHALLENGE_LIFETIME_MS: u64 = 2 * 60 * 1000;
const SESSION_LIFETIME_MS: u64 = 30 * 60 * 1000;
/// Challenges are given to anyone; this many open at once (each lives two minutes) is far more than a
/// department signs in with, and keeps a flood from filling the database.
const MAX_OPEN_CHALLENGES: u64 = 1000;

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

#[derive(Serialize, utoipa::ToSchema)]
pub struct Challenge {
    challenge: String,
    expires_at: String,
}

/// `POST /api/v1/officer-sessions/challenge` → 201 `{challenge, expires_at}` (valid once, two minutes).
#[utoipa::path(
    operation_id = "sessions_challenge",
    post,
    path = "/api/v1/officer-sessions/challenge",
    tag = "officers",
    summary = "登录挑战 / a sign-in challenge",
    responses(
        (status = 201, description = "一次性，两分钟内有效 / once, two minutes", body = Challenge, content_type = "application/json"),
        (status = 429, description = "挑战过多 / too many challenges", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn challenge(State(state): State<AppState>) -> Result<(StatusCode, Json<Challenge>), Problem> {
    let challenge = random_b64()?;
    let now = now_millis();
    let expires = now + CHALLENGE_LIFETIME_MS;
    let db = state.db.clone();
    let stored = challenge.clone();
    let given =
        blocking(move || db.add_challenge(&stored, now, expires, MAX_OPEN_CHALLENGES).map_err(Problem::internal))
            .await?;
    if !given {
        return Err(Problem::new(
            StatusCode::TOO_MANY_REQUESTS,
            "too_many_challenges",
            "请求过多",
            "Too many requests",
            "登录挑战请求过多，请稍后再试。",
            "Too many sign-in challenges are open; try again shortly.",
        ));
    }
    let expires_at = xinnuo_core::calendar::UtcTimestamp::format_unix_millis(expires);
    Ok((StatusCode::CREATED, Json(Challenge { challenge, expires_at })))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Session {
    token: String,
    expires_at: String,
    officer: OfficerRow,
    officer_fingerprint: String,
}

fn sign_in_problem(error: &SignInError) -> Problem {
    match error {
        SignInError::Envelope(inner) => envelope_problem(inner),
        _ => Problem::from_error(StatusCode::UNPROCESSABLE_ENTITY, error),
    }
}

/// `POST /api/v1/officer-sessions`: body = the challenge signed by the officer's key → 201 `{token, …}`.
#[utoipa::path(
    operation_id = "sessions_sign_in",
    post,
    path = "/api/v1/officer-sessions",
    tag = "officers",
    summary = "工作人员登录 / an officer signs in",
    request_body(content = crate::openapi::SignedRequest, content_type = "application/json", description = "签名文件：扁平化 JWS JSON（EdDSA）/ the signed file: flattened JWS JSON (EdDSA)"),
    responses(
        (status = 201, description = "会话令牌 / the session token", body = Session, content_type = "application/json"),
        (status = 400, description = "签名文件无法读取（bad_envelope、unexpected_member、malformed_json）/ unreadable signed file", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "挑战无效或不是工作人员 / not an officer", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "不是登录签名 / not a sign-in", body = Problem, content_type = "application/problem+json"),
        crate::openapi::BodyProblems,
        crate::openapi::AnyProblem
    )
)]
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
