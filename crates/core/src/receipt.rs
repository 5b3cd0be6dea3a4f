//! Receipts: the server's countersignature on an accepted submission (id, time, sequence number, key
//! status), itself a JWS, so the receipt gives a commitment an independent time that anyone can check.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::envelope::{self, EnvelopeError, Verified};

pub const RECEIPT_TYPE: &str = "xinnuo.receipt/1";

/// Whether the signing key is bound to the subject's credit code by an approved enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Enrolled for this credit code and approved by a department.
    Verified,
    /// Enrolled, awaiting approval.
    Pending,
    /// Never enrolled for this credit code.
    Unenrolled,
}

impl KeyStatus {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Verified => "密钥已核验",
            Self::Pending => "密钥未核验（登记待审核）",
            Self::Unenrolled => "密钥未核验（未登记）",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Verified => "key verified",
            Self::Pending => "key not verified (enrolment pending)",
            Self::Unenrolled => "key not verified (not enrolled)",
        }
    }
}

/// What a receipt states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    #[serde(rename = "type")]
    pub receipt_type: String,
    pub submission_id: String,
    pub received_at: String,
    pub sequence: u64,
    pub key_status: KeyStatus,
    pub signer_kid: String,
    pub credit_code: String,
    pub template_id: String,
    pub template_version: String,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ReceiptError {
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("不是回执（type 应为 {RECEIPT_TYPE}）/ not a receipt (type must be {RECEIPT_TYPE})")]
    NotAReceipt,
    #[error("回执对应的是另一份承诺书 / the receipt belongs to another submission")]
    OtherSubmission,
}

/// Signs a receipt with the server's key.
pub fn sign(receipt: &Receipt, server: &envelope::Signer) -> Result<envelope::FlattenedJws, EnvelopeError> {
    let payload = serde_json::to_value(receipt).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    server.sign(&payload)
}

/// A verified receipt and the server key that signed it.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedReceipt {
    pub receipt: Receipt,
    pub server: Verified,
}

/// Verifies a receipt's signature and shape; whether `server.kid` is a published server key is the
/// caller's check (it needs the list of server keys).
pub fn verify(jws: &str) -> Result<VerifiedReceipt, ReceiptError> {
    let server = envelope::verify(jws)?;
    let receipt: Receipt = serde_json::from_value(server.payload.clone()).map_err(|_| ReceiptError::NotAReceipt)?;
    if receipt.receipt_type != RECEIPT_TYPE {
        return Err(ReceiptError::NotAReceipt);
    }
    Ok(VerifiedReceipt { receipt, server })
}

/// Verifies a receipt and that it is for `submission_id`.
pub fn verify_for(jws: &str, submission_id: &str) -> Result<VerifiedReceipt, ReceiptError> {
    let verified = verify(jws)?;
    if verified.receipt.submission_id != submission_id {
        return Err(ReceiptError::OtherSubmission);
    }
    Ok(verified)
}

/// A JWS given either as text or as an already parsed JSON value.
pub fn jws_text(value: &Value) -> String {
    match value {
        Value::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Receipt {
        Receipt {
            receipt_type: RECEIPT_TYPE.into(),
            submission_id: "ab".repeat(32),
            received_at: "2026-11-26T02:00:01Z".into(),
            sequence: 7,
            key_status: KeyStatus::Unenrolled,
            signer_kid: "kid".into(),
            credit_code: "91140105123456788F".into(),
            template_id: "tax-service".into(),
            template_version: "1.0.0".into(),
        }
    }

    #[test]
    fn a_receipt_round_trips_and_is_bound_to_its_submission() {
        let jws = sign(&sample(), &envelope::Signer::from_seed(&[5; 32])).unwrap().to_json();
        let verified = verify_for(&jws, &"ab".repeat(32)).unwrap();
        assert_eq!(verified.receipt, sample());
        assert_eq!(verified.server.kid, envelope::thumbprint(&envelope::public_key(&[5; 32])));
        assert_eq!(verify_for(&jws, "cd"), Err(ReceiptError::OtherSubmission));
    }

    #[test]
    fn a_commitment_is_not_a_receipt() {
        let jws = envelope::sign(&serde_json::json!({"type": "xinnuo.commitment/1"}), &[5; 32]).unwrap().to_json();
        assert_eq!(verify(&jws), Err(ReceiptError::NotAReceipt));
    }
}
