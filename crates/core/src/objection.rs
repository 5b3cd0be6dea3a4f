//! Objections (异议, 晋政办发〔2020〕10号 item 20): the enterprise signs, with a key approved for its credit
//! code, an objection to one record of its credit record; the record's authority upholds (the record is
//! removed) or rejects it (with reasons). While it is under review the record shows "异议处理中" everywhere.

use crate::lang::Lang;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::calendar::UtcTimestamp;
use crate::code::{self, CodeKind, ValidateOptions};
use crate::envelope::{self, EnvelopeError, FlattenedJws, Verified};

pub const OBJECTION_TYPE: &str = "xinnuo.objection/1";
/// Longest statement of grounds, in characters.
pub const MAX_GROUNDS_CHARS: usize = 2000;

/// What an objection says: which record, and why it is wrong. No personal data: it is shown to the public
/// as "异议处理中" and its grounds to the department.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Objection {
    #[serde(rename = "type")]
    pub objection_type: String,
    pub credit_code: String,
    pub record_id: String,
    pub grounds: String,
    pub signed_at: String,
    pub nonce: String,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ObjectionError {
    Envelope(EnvelopeError),
    NotAnObjection,
    InvalidCreditCode,
    BadRecordId,
    BadGrounds,
    BadTime,
    BadNonce,
}

impl crate::error::Described for ObjectionError {
    fn code(&self) -> &'static str {
        match self {
            Self::Envelope(inner) => inner.code(),
            Self::NotAnObjection => "not_an_objection",
            Self::InvalidCreditCode => "invalid_credit_code",
            Self::BadRecordId => "bad_record_id",
            Self::BadGrounds => "bad_grounds",
            Self::BadTime | Self::BadNonce => "bad_payload",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Envelope(inner) => inner.message(lang),
            Self::NotAnObjection => crate::error::in_lang(
                lang,
                format_args!("不是异议申请（type 应为 {OBJECTION_TYPE}）"),
                format_args!("not an objection (type must be {OBJECTION_TYPE})"),
            ),
            Self::InvalidCreditCode => crate::error::in_lang(
                lang,
                format_args!("统一社会信用代码无效"),
                format_args!("invalid unified social credit code"),
            ),
            Self::BadRecordId => crate::error::in_lang(
                lang,
                format_args!("记录编号应为 1–100 个字母、数字、-、_ 或 ."),
                format_args!("the record id has 1–100 letters, digits, -, _ or ."),
            ),
            Self::BadGrounds => crate::error::in_lang(
                lang,
                format_args!("请写明异议理由（10–{MAX_GROUNDS_CHARS} 个字，不含控制字符或不可见的格式字符）"),
                format_args!(
                    "state the grounds (10–{MAX_GROUNDS_CHARS} characters, no control or invisible format characters)"
                ),
            ),
            Self::BadTime => crate::error::in_lang(
                lang,
                format_args!("签署时间格式应为 UTC 时间戳"),
                format_args!("signed_at must be a UTC timestamp"),
            ),
            Self::BadNonce => crate::error::in_lang(
                lang,
                format_args!("随机数 nonce 应为至少 16 字节的 base64url"),
                format_args!("the nonce must be base64url of at least 16 bytes"),
            ),
        }
    }
}
crate::error::display_in_chinese!(ObjectionError);

impl From<EnvelopeError> for ObjectionError {
    fn from(inner: EnvelopeError) -> Self {
        Self::Envelope(inner)
    }
}

fn checked(objection: &Objection) -> Result<(), ObjectionError> {
    if objection.objection_type != OBJECTION_TYPE {
        return Err(ObjectionError::NotAnObjection);
    }
    let report = code::validate(&objection.credit_code, &ValidateOptions::default());
    if !report.valid || report.kind != CodeKind::Uscc || report.normalized != objection.credit_code {
        return Err(ObjectionError::InvalidCreditCode);
    }
    let id = &objection.record_id;
    if id.is_empty() || id.len() > 100 || !id.bytes().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b)) {
        return Err(ObjectionError::BadRecordId);
    }
    let grounds = objection.grounds.chars().count();
    if !(10..=MAX_GROUNDS_CHARS).contains(&grounds)
        || objection.grounds.trim() != objection.grounds
        || crate::text::first_forbidden(&objection.grounds).is_some()
    {
        return Err(ObjectionError::BadGrounds);
    }
    UtcTimestamp::parse(&objection.signed_at).map_err(|_| ObjectionError::BadTime)?;
    if URL_SAFE_NO_PAD.decode(&objection.nonce).map_or(true, |n| n.len() < 16) {
        return Err(ObjectionError::BadNonce);
    }
    Ok(())
}

/// Builds and signs an objection with the enterprise's key.
pub fn sign(
    credit_code: &str,
    record_id: &str,
    grounds: &str,
    signed_at: &str,
    nonce: &[u8; 16],
    signer: &envelope::Signer,
) -> Result<FlattenedJws, ObjectionError> {
    let credit_code = code::validate(credit_code, &ValidateOptions::default()).normalized;
    let objection = Objection {
        objection_type: OBJECTION_TYPE.into(),
        credit_code,
        record_id: record_id.trim().to_owned(),
        grounds: grounds.trim().to_owned(),
        signed_at: signed_at.into(),
        nonce: URL_SAFE_NO_PAD.encode(nonce),
    };
    checked(&objection)?;
    let payload = serde_json::to_value(&objection).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    Ok(signer.sign(&payload)?)
}

/// Verifies the signature and the objection's contents (whether the key may speak for the code is the
/// server's check: it knows the approved keys).
pub fn verify(jws: &str) -> Result<(Verified, Objection), ObjectionError> {
    let verified = envelope::verify(jws)?;
    let objection: Objection =
        serde_json::from_value(verified.payload.clone()).map_err(|_| ObjectionError::NotAnObjection)?;
    checked(&objection)?;
    Ok((verified, objection))
}

pub const OBJECTION_RECEIPT_TYPE: &str = "xinnuo.objection-receipt/1";

/// The server's countersignature on an objection it received (when, in which order, for which record), as servers
/// made them before an objection's receipt became its public-log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ObjectionReceipt {
    #[serde(rename = "type")]
    pub receipt_type: String,
    pub objection_id: String,
    pub credit_code: String,
    pub record_id: String,
    pub received_at: String,
    pub sequence: u64,
    pub signer_kid: String,
}

/// Signs an objection receipt with the server's key.
pub fn sign_receipt(receipt: &ObjectionReceipt, server: &envelope::Signer) -> Result<FlattenedJws, EnvelopeError> {
    let payload = serde_json::to_value(receipt).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    server.sign(&payload)
}

#[cfg(test)]
mod tests {
    use super::*;

    const CODE: &str = "91140105123456788F";

    fn signer() -> envelope::Signer {
        envelope::Signer::from_seed(&[5; 32])
    }

    fn sign_now(code: &str, record: &str, grounds: &str) -> Result<FlattenedJws, ObjectionError> {
        sign(code, record, grounds, "2026-12-02T02:00:00Z", &[3; 16], &signer())
    }

    #[test]
    fn an_objection_verifies_with_its_record_and_grounds() {
        let code = code::validate(CODE, &ValidateOptions::default());
        assert!(code.valid, "the test code must be valid: {:?}", code.errors);
        let jws = sign_now(CODE, "p-2025-001", "该处罚决定已被行政复议撤销，附复议决定书。").unwrap();
        let (verified, objection) = verify(&jws.to_json()).unwrap();
        assert_eq!(verified.kid, signer().kid());
        assert_eq!((objection.credit_code.as_str(), objection.record_id.as_str()), (CODE, "p-2025-001"));
    }

    #[test]
    fn objections_are_refused_for_what_they_lack() {
        let grounds = "该处罚决定已被行政复议撤销。";
        assert_eq!(sign_now("91140105123456788E", "p-1", grounds).unwrap_err(), ObjectionError::InvalidCreditCode);
        assert_eq!(sign_now(CODE, "../p", grounds).unwrap_err(), ObjectionError::BadRecordId);
        assert_eq!(sign_now(CODE, "p-1", "不对").unwrap_err(), ObjectionError::BadGrounds);
        assert_eq!(sign_now(CODE, "p-1", "理由充分理由充分理由充分\u{202E}").unwrap_err(), ObjectionError::BadGrounds);
        let decision = envelope::sign(&serde_json::json!({"type": "xinnuo.decision/1"}), &[5; 32]).unwrap();
        assert_eq!(verify(&decision.to_json()).unwrap_err(), ObjectionError::NotAnObjection);
    }
}
