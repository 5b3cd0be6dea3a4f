//! The operator's admin token: where it may come from, how long it must be, and how many wrong guesses the
//! server takes before it stops listening for a while.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, StatusCode};
use zeroize::Zeroizing;

use crate::problem::Problem;

/// Shorter tokens are refused at start: 32 random characters are beyond guessing at any request rate.
pub const MIN_TOKEN_CHARS: usize = 32;
/// Wrong tokens accepted per window from one client address before its admin requests are refused until the
/// window ends. Counted per address, so that a stranger's guesses never lock out the operator.
pub const MAX_FAILURES_PER_WINDOW: u32 = 30;
/// Client addresses whose failures are remembered at once; the oldest window is forgotten first.
const MAX_CLIENTS: usize = 4096;
pub const FAILURE_WINDOW: Duration = Duration::from_secs(60);

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum TokenError {
    #[error("管理令牌至少需要 {MIN_TOKEN_CHARS} 个字符（现有 {0} 个）/ the admin token needs at least {MIN_TOKEN_CHARS} characters (it has {0})")]
    TooShort(usize),
    #[error("无法读取管理令牌文件 {0} / cannot read the admin token file {0}")]
    Unreadable(String),
}

/// Reads the token from `XINNUO_ADMIN_TOKEN` or a file (its first line), never from the command line, where
/// every user of the machine can read it in the process list. `None` when neither is given: admin API off.
pub fn token_from(
    env_value: Option<String>,
    file: Option<&std::path::Path>,
) -> Result<Option<Zeroizing<String>>, TokenError> {
    let token = match (file, env_value) {
        (Some(path), _) => {
            let text = Zeroizing::new(
                std::fs::read_to_string(path)
                    .map_err(|e| TokenError::Unreadable(format!("{}: {e}", path.display())))?,
            );
            Zeroizing::new(text.lines().next().unwrap_or("").trim().to_owned())
        }
        (None, Some(value)) => Zeroizing::new(value.trim().to_owned()),
        (None, None) => return Ok(None),
    };
    if token.is_empty() {
        return Ok(None);
    }
    let length = token.chars().count();
    if length < MIN_TOKEN_CHARS {
        return Err(TokenError::TooShort(length));
    }
    Ok(Some(token))
}

struct Failures {
    window_start: Instant,
    count: u32,
}

/// Where a request came from, as the connection says (`None` where the server was not started with connect
/// info, e.g. in-process tests). An IPv6 client is counted by its /64 (one host's usual allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    fn key(self) -> Option<IpAddr> {
        self.0.map(|ip| match ip {
            IpAddr::V6(v6) if v6.to_ipv4_mapped().is_none() => {
                let mut segments = v6.segments();
                segments[4..].fill(0);
                IpAddr::V6(segments.into())
            }
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
            v4 => v4,
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|info| info.0.ip())))
    }
}

/// Checks `Authorization: Bearer <token>` on admin requests.
pub struct AdminGate {
    token: Option<Zeroizing<String>>,
    failures: Mutex<HashMap<Option<IpAddr>, Failures>>,
}

/// Compares without revealing, by timing, how much of the token matched.
fn same_secret(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl AdminGate {
    pub fn new(token: Option<Zeroizing<String>>) -> Self {
        Self { token, failures: Mutex::new(HashMap::new()) }
    }

    pub fn check(&self, headers: &HeaderMap, client: ClientAddr) -> Result<(), Problem> {
        self.check_at(headers, client, Instant::now())
    }

    fn check_at(&self, headers: &HeaderMap, client: ClientAddr, now: Instant) -> Result<(), Problem> {
        let Some(expected) = self.token.as_deref() else {
            return Err(Problem::new(
                StatusCode::FORBIDDEN,
                "admin_disabled",
                "管理接口未启用",
                "Admin API disabled",
                "服务器未配置管理令牌（XINNUO_ADMIN_TOKEN 或 --admin-token-file），管理接口不可用。",
                "The server has no admin token configured (XINNUO_ADMIN_TOKEN or --admin-token-file); the admin API is off.",
            ));
        };
        let mut clients = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        clients.retain(|_, f| now.duration_since(f.window_start) < FAILURE_WINDOW);
        let mut key = client.key();
        if clients.len() >= MAX_CLIENTS && !clients.contains_key(&key) {
            // Full: forget the oldest address that is not locked out — never a locked one, so that a guesser
            // cannot push its own lock out by guessing from thousands of other addresses. When every remembered
            // address is locked, a new one shares one overflow count (`None`) with the other newcomers.
            let unlocked = clients
                .iter()
                .filter(|(_, f)| f.count < MAX_FAILURES_PER_WINDOW)
                .min_by_key(|(_, f)| f.window_start)
                .map(|(key, _)| *key);
            match unlocked {
                Some(oldest) => {
                    clients.remove(&oldest);
                }
                None => key = None,
            }
        }
        let failures = clients.entry(key).or_insert(Failures { window_start: now, count: 0 });
        if failures.count >= MAX_FAILURES_PER_WINDOW {
            let left = FAILURE_WINDOW.saturating_sub(now.duration_since(failures.window_start));
            let wait = u16::try_from(left.as_secs()).unwrap_or(u16::MAX).max(1);
            return Err(Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "尝试次数过多",
                "Too many attempts",
                format!("管理令牌错误次数过多，请 {wait} 秒后再试。"),
                format!("Too many wrong admin tokens; try again in {wait} s."),
            )
            .with_retry_after(wait));
        }
        let given =
            headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "));
        if given.is_some_and(|token| same_secret(token.trim().as_bytes(), expected.as_bytes())) {
            return Ok(());
        }
        failures.count += 1;
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

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn bearer(token: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::AUTHORIZATION, format!("Bearer {token}").parse().unwrap());
        headers
    }

    #[test]
    fn tokens_come_from_the_environment_or_a_file_and_are_long() {
        assert_eq!(token_from(None, None), Ok(None));
        assert_eq!(token_from(Some("short".into()), None), Err(TokenError::TooShort(5)));
        assert_eq!(token_from(Some(format!(" {TOKEN}\n")), None).unwrap().as_deref().map(String::as_str), Some(TOKEN));
        let file = std::env::temp_dir().join(format!("xinnuo-token-{}", std::process::id()));
        std::fs::write(&file, format!("{TOKEN}\nignored")).unwrap();
        assert_eq!(token_from(Some("x".into()), Some(&file)).unwrap().as_deref().map(String::as_str), Some(TOKEN));
        std::fs::remove_file(&file).unwrap();
        assert!(matches!(token_from(None, Some(&file)), Err(TokenError::Unreadable(_))));
    }

    #[test]
    fn wrong_guesses_lock_the_admin_api_for_that_client_for_the_rest_of_the_window() {
        let gate = AdminGate::new(Some(Zeroizing::new(TOKEN.into())));
        let start = Instant::now();
        let stranger = ClientAddr(Some("203.0.113.7".parse().unwrap()));
        let operator = ClientAddr(Some("198.51.100.2".parse().unwrap()));
        assert!(gate.check_at(&bearer(TOKEN), stranger, start).is_ok());
        for _ in 0..MAX_FAILURES_PER_WINDOW {
            assert_eq!(gate.check_at(&bearer("wrong"), stranger, start).unwrap_err().status, 401);
        }
        // Locked: even the right token waits, so guessing gains nothing by going fast.
        let locked = gate.check_at(&bearer(TOKEN), stranger, start + Duration::from_secs(10)).unwrap_err();
        assert_eq!((locked.status, locked.slug), (429, "too_many_attempts"));
        // The operator, elsewhere, is not locked out by the stranger.
        assert!(gate.check_at(&bearer(TOKEN), operator, start + Duration::from_secs(10)).is_ok());
        assert!(gate.check_at(&bearer(TOKEN), stranger, start + FAILURE_WINDOW).is_ok());
        // One IPv6 host is one client, whichever address of its /64 it uses.
        let a = ClientAddr(Some("2001:db8:1:2::a".parse().unwrap()));
        let b = ClientAddr(Some("2001:db8:1:2::b".parse().unwrap()));
        assert_eq!(a.key(), b.key());
        assert_ne!(a.key(), ClientAddr(Some("2001:db8:1:3::a".parse().unwrap())).key());
    }

    #[test]
    fn a_flood_of_addresses_never_frees_a_locked_guesser() {
        let gate = AdminGate::new(Some(Zeroizing::new(TOKEN.into())));
        let start = Instant::now();
        let guesser = ClientAddr(Some("203.0.113.7".parse().unwrap()));
        for _ in 0..MAX_FAILURES_PER_WINDOW {
            let _ = gate.check_at(&bearer("wrong"), guesser, start);
        }
        // Reviewer's finding F4: one wrong token from each of more addresses than are remembered.
        for n in 0..(MAX_CLIENTS as u32 + 10) {
            let client = ClientAddr(Some(IpAddr::V4((0x0A00_0000 + n).to_be_bytes().into())));
            let _ = gate.check_at(&bearer("wrong"), client, start + Duration::from_millis(u64::from(n % 1000)));
        }
        assert!(gate.failures.lock().unwrap().len() <= MAX_CLIENTS);
        let still = gate.check_at(&bearer(TOKEN), guesser, start + Duration::from_secs(5)).unwrap_err();
        assert_eq!(still.status, 429, "the guesser stays locked");
    }

    #[test]
    fn without_a_token_the_admin_api_is_off() {
        let refused = AdminGate::new(None).check(&bearer(TOKEN), ClientAddr(None)).unwrap_err();
        assert_eq!((refused.status, refused.slug), (403, "admin_disabled"));
    }
}
