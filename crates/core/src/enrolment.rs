//! Key enrolment: a request, signed by the key itself (proof of possession), to bind that key to a
//! subject's credit code. A department approves it later; until then the key is "not verified".

use crate::lang::Lang;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::calendar::UtcTimestamp;
use crate::code::{self, CodeKind};
use crate::envelope::{self, EnvelopeError, FlattenedJws, Verified};

pub const ENROLMENT_TYPE: &str = "xinnuo.key-enrolment/1";

/// Where one enrolment (a key for one credit code) stands. Approval and revocation are per credit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EnrolmentStatus {
    /// Requested with proof of possession; no department has looked yet.
    Pending,
    /// A department checked that the key belongs to the subject.
    Approved,
    /// The approval was withdrawn; signatures made from then on are marked so.
    Revoked,
}

impl EnrolmentStatus {
    pub const ALL: [Self; 3] = [Self::Pending, Self::Approved, Self::Revoked];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Revoked => "revoked",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Pending => "待审核",
            Self::Approved => "已核验",
            Self::Revoked => "已吊销",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Pending => "awaiting approval",
            Self::Approved => "approved",
            Self::Revoked => "revoked",
        }
    }

    /// What a receipt says of a signature made while the enrolment stands so.
    pub fn key_status(self) -> crate::receipt::KeyStatus {
        match self {
            Self::Pending => crate::receipt::KeyStatus::Pending,
            Self::Approved => crate::receipt::KeyStatus::Verified,
            Self::Revoked => crate::receipt::KeyStatus::Revoked,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct EnrolmentRequest {
    #[serde(rename = "type")]
    pub request_type: String,
    pub credit_code: String,
    pub subject_name: String,
    pub requested_at: String,
    pub nonce: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum EnrolmentError {
    Envelope(EnvelopeError),
    NotAnEnrolment,
    InvalidCreditCode(String),
    InvalidName,
    InvalidTime,
}

impl crate::error::Described for EnrolmentError {
    fn code(&self) -> &'static str {
        match self {
            Self::Envelope(inner) => inner.code(),
            Self::NotAnEnrolment => "not_an_enrolment",
            Self::InvalidCreditCode(_) => "invalid_credit_code",
            Self::InvalidName | Self::InvalidTime => "bad_payload",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Envelope(inner) => inner.message(lang),
            Self::NotAnEnrolment => crate::error::in_lang(
                lang,
                format_args!("不是密钥登记申请（type 应为 {ENROLMENT_TYPE}）"),
                format_args!("not a key enrolment (type must be {ENROLMENT_TYPE})"),
            ),
            Self::InvalidCreditCode(reason) => crate::error::in_lang(
                lang,
                format_args!("统一社会信用代码无效：{reason}"),
                format_args!("invalid unified social credit code: {reason}"),
            ),
            Self::InvalidName => crate::error::in_lang(
                lang,
                format_args!("主体名称应为 2–100 个字"),
                format_args!("the subject name must have 2–100 characters"),
            ),
            Self::InvalidTime => crate::error::in_lang(
                lang,
                format_args!("申请时间格式应为 UTC 时间戳"),
                format_args!("requested_at must be a UTC timestamp"),
            ),
        }
    }
}
crate::error::display_in_chinese!(EnrolmentError);

impl From<EnvelopeError> for EnrolmentError {
    fn from(inner: EnvelopeError) -> Self {
        Self::Envelope(inner)
    }
}

/// Builds and signs an enrolment request with the key being enrolled.
pub fn sign(
    credit_code: &str,
    subject_name: &str,
    requested_at: &str,
    nonce: &[u8; 16],
    signer: &envelope::Signer,
) -> Result<FlattenedJws, EnrolmentError> {
    let request = EnrolmentRequest {
        request_type: ENROLMENT_TYPE.into(),
        credit_code: normalized_code(credit_code)?,
        subject_name: checked_name(subject_name)?,
        requested_at: requested_at.into(),
        nonce: URL_SAFE_NO_PAD.encode(nonce),
    };
    UtcTimestamp::parse(requested_at).map_err(|_| EnrolmentError::InvalidTime)?;
    let payload = serde_json::to_value(&request).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    Ok(signer.sign(&payload)?)
}

fn normalized_code(text: &str) -> Result<String, EnrolmentError> {
    let checked = code::check_field(text);
    if checked.verdict.valid && checked.verdict.kind == CodeKind::Uscc {
        Ok(checked.normalized)
    } else {
        let reason = checked
            .first_error
            .map(|issue| issue.code.message_zh())
            .unwrap_or_else(|| checked.verdict.kind.label_zh().into());
        Err(EnrolmentError::InvalidCreditCode(reason))
    }
}

fn checked_name(name: &str) -> Result<String, EnrolmentError> {
    let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
    let length = name.chars().count();
    if (2..=100).contains(&length) && crate::text::first_forbidden(&name).is_none() {
        Ok(name)
    } else {
        Err(EnrolmentError::InvalidName)
    }
}

/// Verifies the proof of possession and the request's contents.
pub fn verify(jws: &str) -> Result<(Verified, EnrolmentRequest), EnrolmentError> {
    let verified = envelope::verify(jws)?;
    let request: EnrolmentRequest =
        serde_json::from_value(verified.payload.clone()).map_err(|_| EnrolmentError::NotAnEnrolment)?;
    if request.request_type != ENROLMENT_TYPE {
        return Err(EnrolmentError::NotAnEnrolment);
    }
    if normalized_code(&request.credit_code)? != request.credit_code {
        return Err(EnrolmentError::InvalidCreditCode("未规范化 / not normalised".into()));
    }
    if checked_name(&request.subject_name)? != request.subject_name {
        return Err(EnrolmentError::InvalidName);
    }
    UtcTimestamp::parse(&request.requested_at).map_err(|_| EnrolmentError::InvalidTime)?;
    Ok((verified, request))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn signer() -> envelope::Signer {
        envelope::Signer::from_seed(&[4; 32])
    }

    #[test]
    fn a_signed_request_proves_possession_of_the_key() {
        let jws =
            sign(" 91140105123456788f ", "山西示例科技有限公司", "2026-11-26T00:00:00Z", &[1; 16], &signer()).unwrap();
        let (verified, request) = verify(&jws.to_json()).unwrap();
        assert_eq!(request.credit_code, "91140105123456788F");
        assert_eq!(verified.public_key, envelope::public_key(&[4; 32]));
    }

    #[test]
    fn bad_requests_are_refused() {
        let bad_code = sign("91140105123456788E", "山西示例", "2026-11-26T00:00:00Z", &[1; 16], &signer());
        assert!(matches!(bad_code, Err(EnrolmentError::InvalidCreditCode(_))));
        let bad_name = sign("91140105123456788F", "x", "2026-11-26T00:00:00Z", &[1; 16], &signer());
        assert_eq!(bad_name.unwrap_err(), EnrolmentError::InvalidName);
        let commitment = envelope::sign(&serde_json::json!({"type": "other"}), &[4; 32]).unwrap();
        assert_eq!(verify(&commitment.to_json()).unwrap_err(), EnrolmentError::NotAnEnrolment);
    }
}
