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
use sha2::{Digest, Sha256};
use xinnuo_core::envelope;
use xinnuo_core::session::{self, SignInError};
use xinnuo_core::wire::{OfficerSession, SignInChallenge};

use super::body::read_jws_text;
use crate::clock::now_millis;
use crate::officers::OfficerRow;
use crate::problem::envelope_problem;
use crate::problem::Problem;
use crate::state::{blocking, AppState};

const CHALLENGE_LIFETIME_MS: u64 = 2 * 60 * 1000;
const SESSION_LIFETIME_MS: u64 = 30 * 60 * 1000;

/// A challenge is 32 bytes (what the core's sign-in expects): a random nonce, its expiry (Unix ms,
/// big-endian) and the server's MAC over both, truncated. Given to anyone without storing anything, so no
/// flood of requests can fill a table or lock officers out; only used ones are remembered, until they expire.
const NONCE_BYTES: usize = 8;
const MAC_BYTES: usize = 16;
type ChallengeMac = hmac::Hmac<Sha256>;

fn challenge_mac(key: &[u8; 32], body: &[u8]) -> Result<ChallengeMac, Problem> {
    use hmac::{KeyInit, Mac};
    let mut mac = <ChallengeMac as KeyInit>::new_from_slice(key).map_err(Problem::internal)?;
    mac.update(body);
    Ok(mac)
}

fn make_challenge(key: &[u8; 32], nonce: [u8; NONCE_BYTES], expires_at_ms: u64) -> Result<String, Problem> {
    use hmac::Mac;
    let mut bytes = Vec::with_capacity(NONCE_BYTES + 8 + MAC_BYTES);
    bytes.extend_from_slice(&nonce);
    bytes.extend_from_slice(&expires_at_ms.to_be_bytes());
    let tag = challenge_mac(key, &bytes)?.finalize().into_bytes();
    bytes.extend_from_slice(&tag[..MAC_BYTES]);
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// The expiry of a challenge this server made, if it is one and has not expired.
fn open_challenge(key: &[u8; 32], challenge: &str, now_ms: u64) -> Option<u64> {
    use hmac::Mac;
    let bytes = URL_SAFE_NO_PAD.decode(challenge).ok()?;
    if bytes.len() != NONCE_BYTES + 8 + MAC_BYTES {
        return None;
    }
    let (body, tag) = bytes.split_at(NONCE_BYTES + 8);
    challenge_mac(key, body).ok()?.verify_truncated_left(tag).ok()?;
    let expires_at_ms = u64::from_be_bytes(body[NONCE_BYTES..].try_into().ok()?);
    (expires_at_ms > now_ms && expires_at_ms <= now_ms + CHALLENGE_LIFETIME_MS).then_some(expires_at_ms)
}

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

/// `POST /api/v1/officer-sessions/challenge` → 201 `{challenge, expires_at}` (valid once, two minutes).
#[utoipa::path(
    operation_id = "sessions_challenge",
    post,
    path = "/api/v1/officer-sessions/challenge",
    tag = "officers",
    summary = "登录挑战 / a sign-in challenge",
    responses(
        (status = 201, description = "一次性，两分钟内有效 / once, two minutes", body = SignInChallenge, content_type = "application/json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn challenge(State(state): State<AppState>) -> Result<(StatusCode, Json<SignInChallenge>), Problem> {
    let mut nonce = [0u8; NONCE_BYTES];
    getrandom::fill(&mut nonce).map_err(Problem::internal)?;
    let expires = now_millis() + CHALLENGE_LIFETIME_MS;
    let challenge = make_challenge(&state.challenge_key, nonce, expires)?;
    let expires_at = xinnuo_core::calendar::UtcTimestamp::format_unix_millis(expires);
    Ok((StatusCode::CREATED, Json(SignInChallenge { challenge, expires_at })))
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
        (status = 201, description = "会话令牌 / the session token", body = OfficerSession, content_type = "application/json"),
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
) -> Result<(StatusCode, Json<OfficerSession>), Problem> {
    let text = read_jws_text(&headers, body, 16 * 1024).await?;
    let now = now_millis();
    let db = state.db.clone();
    let challenge_key = state.challenge_key.clone();
    let session = blocking(move || {
        let (verified, sign_in) = session::verify(&text).map_err(|e| sign_in_problem(&e))?;
        session::check_time(&sign_in, now).map_err(|e| sign_in_problem(&e))?;
        let officer =
            db.officer(&verified.kid).map_err(Problem::internal)?.filter(OfficerRow::is_active).ok_or_else(|| {
                unauthorized(
                    "此密钥不是在册的部门工作人员密钥（或已停用）。",
                    "This key is not an active officer's key.",
                )
            })?;
        let fresh = open_challenge(&challenge_key, &sign_in.challenge, now);
        let used_now = match fresh {
            Some(expires) => db.use_challenge(&sign_in.challenge, expires, now).map_err(Problem::internal)?,
            None => false,
        };
        if !used_now {
            return Err(unauthorized(
                "登录挑战无效、已过期或已使用，请重新获取。",
                "The challenge is unknown, expired or already used; ask for a new one.",
            ));
        }
        let token = random_b64()?;
        let expires = now + SESSION_LIFETIME_MS;
        db.open_session(&token_hash(&token), &officer.kid, now, expires).map_err(Problem::internal)?;
        Ok(OfficerSession {
            token,
            expires_at: xinnuo_core::calendar::UtcTimestamp::format_unix_millis(expires),
            officer_fingerprint: envelope::fingerprint_groups(&officer.kid),
            officer: officer.into(),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn challenges_are_the_servers_own_fresh_and_untouched() {
        let key = [7u8; 32];
        let now = 1_796_176_800_000;
        let challenge = make_challenge(&key, [1; NONCE_BYTES], now + CHALLENGE_LIFETIME_MS).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.decode(&challenge).unwrap().len(), 32, "the core's sign-in takes 32 bytes");
        assert_eq!(open_challenge(&key, &challenge, now), Some(now + CHALLENGE_LIFETIME_MS));
        assert_eq!(open_challenge(&key, &challenge, now + CHALLENGE_LIFETIME_MS), None, "expired");
        assert_eq!(open_challenge(&[8u8; 32], &challenge, now), None, "another server's key");
        let mut bytes = URL_SAFE_NO_PAD.decode(&challenge).unwrap();
        bytes[NONCE_BYTES] ^= 1; // a later expiry, forged
        assert_eq!(open_challenge(&key, &URL_SAFE_NO_PAD.encode(&bytes), now), None);
        // One that claims to live longer than the server ever gives is refused even with a good MAC.
        let long = make_challenge(&key, [1; NONCE_BYTES], now + 10 * CHALLENGE_LIFETIME_MS).unwrap();
        assert_eq!(open_challenge(&key, &long, now), None);
    }

    #[test]
    fn a_challenge_is_used_once() {
        let db = crate::db::Db::open(":memory:").unwrap();
        assert!(db.use_challenge("c", 2_000, 1_000).unwrap());
        assert!(!db.use_challenge("c", 2_000, 1_500).unwrap());
        // Forgotten once expired — and by then refused for its expiry anyway.
        assert!(db.use_challenge("c", 2_000, 2_000).unwrap());
    }
}
