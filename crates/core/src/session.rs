//! Officers sign in by signing a server challenge with their key (proof of possession, no passwords). The
//! server issues the challenge and, for a valid signature by an active officer, a short-lived bearer token;
//! bearer tokens are never sent by a browser on its own, so the session is safe against CSRF.

use crate::lang::Lang;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::calendar::UtcTimestamp;
use crate::envelope::{self, EnvelopeError, FlattenedJws, Verified};

pub const SIGN_IN_TYPE: &str = "xinnuo.officer-sign-in/1";

/// What an officer signs to sign in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignIn {
    #[serde(rename = "type")]
    pub sign_in_type: String,
    /// The server's challenge, as it was given.
    pub challenge: String,
    pub signed_at: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SignInError {
    Envelope(EnvelopeError),
    NotASignIn,
    BadChallenge,
    BadTime,
    /// Signed more than the officer's clock allowance away from the server's time.
    StaleTime,
}

impl crate::error::Described for SignInError {
    fn code(&self) -> &'static str {
        match self {
            Self::Envelope(inner) => inner.code(),
            Self::NotASignIn | Self::BadChallenge | Self::BadTime => "not_a_sign_in",
            Self::StaleTime => "sign_in_clock",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Envelope(inner) => inner.message(lang),
            Self::NotASignIn => crate::error::in_lang(
                lang,
                format_args!("不是登录签名（type 应为 {SIGN_IN_TYPE}）"),
                format_args!("not a sign-in (type must be {SIGN_IN_TYPE})"),
            ),
            Self::BadChallenge => crate::error::in_lang(
                lang,
                format_args!("登录挑战应为服务器给出的 base64url 值"),
                format_args!("the challenge must be the server's base64url value"),
            ),
            Self::BadTime => crate::error::in_lang(
                lang,
                format_args!("签名时间格式应为 UTC 时间戳"),
                format_args!("signed_at must be a UTC timestamp"),
            ),
            Self::StaleTime => crate::error::in_lang(
                lang,
                format_args!("登录签名的时间与服务器时间相差超过 10 分钟：请校准电脑时间后重新登录"),
                format_args!("the sign-in was signed more than 10 minutes from the server's time: set the clock and sign in again"),
            ),
        }
    }
}
crate::error::display_in_chinese!(SignInError);

impl From<EnvelopeError> for SignInError {
    fn from(inner: EnvelopeError) -> Self {
        Self::Envelope(inner)
    }
}

fn checked(sign_in: &SignIn) -> Result<(), SignInError> {
    if sign_in.sign_in_type != SIGN_IN_TYPE {
        return Err(SignInError::NotASignIn);
    }
    if URL_SAFE_NO_PAD.decode(&sign_in.challenge).map_or(true, |c| c.len() != 32) {
        return Err(SignInError::BadChallenge);
    }
    UtcTimestamp::parse(&sign_in.signed_at).map_err(|_| SignInError::BadTime)?;
    Ok(())
}

/// Signs a challenge with an officer's key.
pub fn sign(challenge: &str, signed_at: &str, signer: &envelope::Signer) -> Result<FlattenedJws, SignInError> {
    let sign_in =
        SignIn { sign_in_type: SIGN_IN_TYPE.into(), challenge: challenge.into(), signed_at: signed_at.into() };
    checked(&sign_in)?;
    let payload = serde_json::to_value(&sign_in).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    Ok(signer.sign(&payload)?)
}

/// A sign-in is signed now: within the officer's clock allowance (`workflow::OFFICER_CLOCK_ALLOWANCE_MILLIS`)
/// of the server's time.
pub fn check_time(sign_in: &SignIn, now_millis: u64) -> Result<(), SignInError> {
    let signed = UtcTimestamp::parse(&sign_in.signed_at).map_err(|_| SignInError::BadTime)?.unix_millis();
    let now = i64::try_from(now_millis).unwrap_or(i64::MAX);
    if (signed - now).abs() > crate::workflow::OFFICER_CLOCK_ALLOWANCE_MILLIS {
        return Err(SignInError::StaleTime);
    }
    Ok(())
}

/// The signature and the shape; whether the challenge is the server's and fresh, and the key an active
/// officer's, is the server's check.
pub fn verify(jws: &str) -> Result<(Verified, SignIn), SignInError> {
    let verified = envelope::verify(jws)?;
    let sign_in: SignIn = serde_json::from_value(verified.payload.clone()).map_err(|_| SignInError::NotASignIn)?;
    checked(&sign_in)?;
    Ok((verified, sign_in))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signed_challenge_proves_the_key() {
        let officer = envelope::Signer::from_seed(&[8; 32]);
        let challenge = URL_SAFE_NO_PAD.encode([3; 32]);
        let jws = sign(&challenge, "2026-12-02T02:00:00Z", &officer).unwrap();
        let (verified, sign_in) = verify(&jws.to_json()).unwrap();
        assert_eq!((verified.kid.as_str(), sign_in.challenge.as_str()), (officer.kid(), challenge.as_str()));
        assert_eq!(sign("short", "2026-12-02T02:00:00Z", &officer).unwrap_err(), SignInError::BadChallenge);
        let decision = envelope::sign(&serde_json::json!({"type": "xinnuo.decision/1"}), &[8; 32]).unwrap();
        assert_eq!(verify(&decision.to_json()).unwrap_err(), SignInError::NotASignIn);
    }

    #[test]
    fn a_sign_in_is_signed_now() {
        let officer = envelope::Signer::from_seed(&[4; 32]);
        let challenge = URL_SAFE_NO_PAD.encode([3; 32]);
        let jws = sign(&challenge, "2026-12-02T02:00:00Z", &officer).unwrap();
        let (_, sign_in) = verify(&jws.to_json()).unwrap();
        let at = 1_796_176_800_000;
        assert_eq!(check_time(&sign_in, at + 9 * 60_000), Ok(()));
        assert_eq!(check_time(&sign_in, at + 11 * 60_000), Err(SignInError::StaleTime));
        assert_eq!(check_time(&sign_in, at - 11 * 60_000), Err(SignInError::StaleTime));
    }
}
