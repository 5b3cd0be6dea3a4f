//! Receipts signed alone (`xinnuo.receipt/1`): the server's countersignature on an accepted submission (id, time,
//! sequence number, key status), as servers made them before a receipt became the submission's public-log entry
//! (`public_log::check_receipt` reads both); still verified, never made. Also `KeyStatus` and the pinned
//! `TrustedServerKeys`. Either form gives a commitment an independent time that anyone can check.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::envelope::{self, EnvelopeError, Verified};
use crate::tlog::{TlogError, VerifierKey};

pub const RECEIPT_TYPE: &str = "xinnuo.receipt/1";

/// Whether the signing key is bound to the subject's credit code by an approved enrolment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum KeyStatus {
    /// Enrolled for this credit code and approved by a department.
    Verified,
    /// Enrolled, awaiting approval.
    Pending,
    /// Never enrolled for this credit code.
    Unenrolled,
    /// Was approved for this credit code, and the approval was withdrawn (lost or stolen key, staff left).
    Revoked,
    /// Signed without a credit code (a person, or an entity not yet registered): keys are approved per credit
    /// code, so the department that receives it checks who signed, as it checks any applicant.
    NoCreditCode,
}

impl KeyStatus {
    pub const ALL: [Self; 5] = [Self::Verified, Self::Pending, Self::Unenrolled, Self::Revoked, Self::NoCreditCode];

    /// The name on the wire and in the store (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Verified => "verified",
            Self::Pending => "pending",
            Self::Unenrolled => "unenrolled",
            Self::Revoked => "revoked",
            Self::NoCreditCode => "no_credit_code",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Verified => "密钥已核验",
            Self::Pending => "密钥未核验（登记待审核）",
            Self::Unenrolled => "密钥未核验（未登记）",
            Self::Revoked => "密钥已吊销",
            Self::NoCreditCode => "无统一社会信用代码：签署人身份由受理部门核验",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Verified => "key verified",
            Self::Pending => "key not verified (enrolment pending)",
            Self::Unenrolled => "key not verified (not enrolled)",
            Self::Revoked => "key revoked",
            Self::NoCreditCode => "no credit code: the receiving department checks who signed",
        }
    }
}

/// What a receipt states.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
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

#[derive(Debug, Clone, PartialEq)]
pub enum ReceiptError {
    Envelope(EnvelopeError),
    NotAReceipt,
    OtherSubmission,
    /// Signed by a key that is not among the server keys the verifier trusts: anyone can make such a receipt.
    UnknownServerKey,
    BadServerKeys(String),
    /// The log entry's proof or its checkpoint failed (the log's reason).
    Log(TlogError),
    /// A receipt signed alone (the form from before the log), met by a build that leaves its check out
    /// (`public_log`'s `SIGNED_ALONE`): checked on the outbox and verify pages instead.
    SignedAloneElsewhere,
}

impl crate::error::Described for ReceiptError {
    fn code(&self) -> &'static str {
        match self {
            Self::Envelope(_) => "bad_receipt",
            Self::NotAReceipt => "not_a_receipt",
            Self::OtherSubmission => "other_submission",
            Self::UnknownServerKey => "unknown_server_key",
            Self::BadServerKeys(_) => "bad_server_keys",
            Self::Log(inner) => inner.code(),
            Self::SignedAloneElsewhere => "signed_alone_elsewhere",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Envelope(inner) => inner.message(lang),
            Self::NotAReceipt => crate::error::in_lang(
                lang,
                format_args!("不是回执（应为公开日志中的受理条目及其证明，或 {RECEIPT_TYPE} 签名回执）"),
                format_args!(
                    "not a receipt (it must be an entry of the public log with its proof, or a signed {RECEIPT_TYPE})"
                ),
            ),
            Self::OtherSubmission => crate::error::in_lang(
                lang,
                format_args!("回执对应的是另一份承诺书"),
                format_args!("the receipt belongs to another submission"),
            ),
            Self::UnknownServerKey => crate::error::in_lang(
                lang,
                format_args!("回执不是由受信任的服务器密钥（或其公开日志密钥）签发的，不能作为受理证明"),
                format_args!(
                    "the receipt is not signed by a trusted server key (or its public log's key) and proves nothing"
                ),
            ),
            Self::Log(inner) => inner.message(lang),
            Self::SignedAloneElsewhere => crate::error::in_lang(
                lang,
                format_args!("这是旧式单独签名的回执，本页面不核验它：请打开「草稿与发件箱」页面，在那里核验后送达"),
                format_args!("this is a receipt signed alone (the older form), which this page does not check: open the drafts & outbox page, which checks it"),
            ),
            Self::BadServerKeys(detail) => crate::error::in_lang(
                lang,
                format_args!("服务器公钥列表无效：{detail}"),
                format_args!("the list of server keys is invalid: {detail}"),
            ),
        }
    }
}
crate::error::display_in_chinese!(ReceiptError);

impl From<EnvelopeError> for ReceiptError {
    fn from(inner: EnvelopeError) -> Self {
        Self::Envelope(inner)
    }
}

impl ReceiptError {}

/// The server keys whose receipts a verifier accepts: the list the server publishes at
/// `GET /api/v1/server-keys` (retired keys included, so old receipts keep verifying), pinned by the verifier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedServerKeys {
    /// (kid, public key); the kid is recomputed from the key, never taken from the list.
    keys: Vec<(String, [u8; 32])>,
    /// The public log's verifier keys listed with them (`log_key`), for checkpoints.
    log_keys: Vec<VerifierKey>,
    /// The witnesses the log names (`witnesses`), and how many of them must cosign a checkpoint that proves a
    /// receipt (`witness_quorum`): a proof in a checkpoint fewer of them cosigned is not believed.
    witness_keys: Vec<VerifierKey>,
    witness_quorum: usize,
}

impl TrustedServerKeys {
    pub fn from_public_keys(keys: impl IntoIterator<Item = [u8; 32]>) -> Self {
        Self { keys: keys.into_iter().map(|key| (envelope::thumbprint(&key), key)).collect(), ..Self::default() }
    }

    /// Trust in a log's checkpoints alone (its verifier keys), no server key: what a log's own holder checks.
    pub fn from_log_keys(log_keys: impl IntoIterator<Item = VerifierKey>) -> Self {
        Self { log_keys: log_keys.into_iter().collect(), ..Self::default() }
    }

    /// Reads `{"keys": [{kid, jwk: {kty, crv, x}, …}], "witnesses": [vkey…], "witness_quorum": k}` or the bare
    /// array of keys. An entry whose `kid` is not its key's thumbprint makes the whole list invalid: a list that
    /// lies about one key is trusted for none.
    pub fn from_json(value: &Value) -> Result<Self, ReceiptError> {
        let bad = |why: &str| ReceiptError::BadServerKeys(why.to_owned());
        let entries = value.get("keys").unwrap_or(value).as_array().ok_or_else(|| bad("keys: not a list"))?;
        let mut keys = Vec::with_capacity(entries.len());
        let mut log_keys = Vec::new();
        for entry in entries {
            let jwk = entry.get("jwk").unwrap_or(entry);
            let key = envelope::public_key_from_jwk(jwk).map_err(|e| bad(&format!("jwk: {e}")))?;
            let kid = envelope::thumbprint(&key);
            if entry.get("kid").and_then(Value::as_str).is_some_and(|listed| listed != kid) {
                return Err(bad("kid ≠ thumbprint(jwk)"));
            }
            keys.push((kid, key));
            if let Some(log_key) = entry.get("log_key").and_then(Value::as_str) {
                log_keys.push(VerifierKey::parse(log_key).map_err(|e| bad(&format!("log_key: {e}")))?);
            }
        }
        let witness_keys = match value.get("witnesses") {
            None | Some(Value::Null) => Vec::new(),
            Some(listed) => listed
                .as_array()
                .ok_or_else(|| bad("witnesses: not a list"))?
                .iter()
                .map(|key| {
                    VerifierKey::parse(key.as_str().unwrap_or_default()).map_err(|e| bad(&format!("witnesses: {e}")))
                })
                .collect::<Result<Vec<_>, _>>()?,
        };
        let witness_quorum = match value.get("witness_quorum") {
            None | Some(Value::Null) => 0,
            Some(quorum) => quorum.as_u64().ok_or_else(|| bad("witness_quorum: not a whole number"))? as usize,
        };
        Self { keys, log_keys, ..Self::default() }.with_witnesses(witness_keys, witness_quorum)
    }

    /// These keys, with the log's witnesses and the quorum of them a proof's checkpoint needs (a browser's
    /// pinned ones: added to, never lowered). A quorum larger than the witnesses named is refused.
    pub fn with_witnesses(mut self, mut witness_keys: Vec<VerifierKey>, quorum: usize) -> Result<Self, ReceiptError> {
        // A witness is a cosigner of its own: never the log's key (a log cannot witness itself), and counted once
        // by its name (one witness with two keys is still one witness).
        if let Some(key) = witness_keys.iter().find(|key| {
            key.kind != crate::tlog::SignatureType::CosignatureV1
                || self.log_keys.iter().any(|log| log.name == key.name || log.public_key == key.public_key)
        }) {
            return Err(ReceiptError::BadServerKeys(format!(
                "witnesses: {} is not a witness's cosigner key",
                key.name
            )));
        }
        let mut seen: Vec<String> = Vec::with_capacity(witness_keys.len());
        witness_keys.retain(|key| {
            let first = !seen.contains(&key.name);
            seen.push(key.name.clone());
            first
        });
        if quorum > witness_keys.len() {
            return Err(ReceiptError::BadServerKeys(format!(
                "witness_quorum {quorum} > {} witnesses",
                witness_keys.len()
            )));
        }
        (self.witness_keys, self.witness_quorum) = (witness_keys, quorum);
        Ok(self)
    }

    /// The same keys requiring no witness: a receipt's own proof read alone, where its entry is also given
    /// proved in a witnessed checkpoint (`public_log::check_answer`).
    pub fn without_witnesses(&self) -> Self {
        Self { witness_quorum: 0, ..self.clone() }
    }

    /// The log's witnesses these keys name.
    pub fn witness_keys(&self) -> &[VerifierKey] {
        &self.witness_keys
    }

    /// How many of [`Self::witness_keys`] must cosign a checkpoint that proves something.
    pub fn witness_quorum(&self) -> usize {
        self.witness_quorum
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The kids of these keys (each its key's thumbprint).
    pub fn kids(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map(|(kid, _)| kid.as_str())
    }

    /// The public log's keys these server keys vouch for.
    pub fn log_keys(&self) -> &[VerifierKey] {
        &self.log_keys
    }

    pub fn trusts(&self, kid: &str, public_key: &[u8; 32]) -> bool {
        self.keys.iter().any(|(trusted_kid, key)| trusted_kid == kid && key == public_key)
    }
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

/// Verifies a receipt's signature and shape, and that a trusted server key signed it.
pub fn verify(jws: &str, trusted: &TrustedServerKeys) -> Result<VerifiedReceipt, ReceiptError> {
    let verified = verify_untrusted(jws)?;
    if !trusted.trusts(&verified.server.kid, &verified.server.public_key) {
        return Err(ReceiptError::UnknownServerKey);
    }
    Ok(verified)
}

/// Signature and shape only: whether this is a receipt at all, never whether to believe it.
pub(crate) fn verify_untrusted(jws: &str) -> Result<VerifiedReceipt, ReceiptError> {
    let server = envelope::verify(jws)?;
    let receipt: Receipt = serde_json::from_value(server.payload.clone()).map_err(|_| ReceiptError::NotAReceipt)?;
    if receipt.receipt_type != RECEIPT_TYPE {
        return Err(ReceiptError::NotAReceipt);
    }
    Ok(VerifiedReceipt { receipt, server })
}

/// Verifies a receipt (see [`verify`]) and that it is for `submission_id`.
pub fn verify_for(
    jws: &str,
    submission_id: &str,
    trusted: &TrustedServerKeys,
) -> Result<VerifiedReceipt, ReceiptError> {
    let verified = verify(jws, trusted)?;
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

    #[test]
    fn key_status_names_are_serdes() {
        for status in KeyStatus::ALL {
            assert_eq!(serde_json::to_value(status).unwrap(), status.as_str());
            assert_eq!(KeyStatus::parse(status.as_str()), Some(status));
        }
        assert_eq!(KeyStatus::parse("Verified"), None);
    }

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

    fn server_keys() -> TrustedServerKeys {
        TrustedServerKeys::from_public_keys([envelope::public_key(&[5; 32])])
    }

    #[test]
    fn a_receipt_round_trips_and_is_bound_to_its_submission() {
        let jws = sign(&sample(), &envelope::Signer::from_seed(&[5; 32])).unwrap().to_json();
        let verified = verify_for(&jws, &"ab".repeat(32), &server_keys()).unwrap();
        assert_eq!(verified.receipt, sample());
        assert_eq!(verified.server.kid, envelope::thumbprint(&envelope::public_key(&[5; 32])));
        assert_eq!(verify_for(&jws, "cd", &server_keys()), Err(ReceiptError::OtherSubmission));
    }

    #[test]
    fn a_receipt_from_any_other_key_proves_nothing() {
        let mut claims = sample();
        claims.key_status = KeyStatus::Verified;
        let forged = sign(&claims, &envelope::Signer::from_seed(&[6; 32])).unwrap().to_json();
        assert_eq!(verify(&forged, &server_keys()), Err(ReceiptError::UnknownServerKey));
        assert_eq!(verify(&forged, &TrustedServerKeys::default()), Err(ReceiptError::UnknownServerKey));
        assert!(verify_untrusted(&forged).is_ok(), "well formed, signed, and still refused");
    }

    #[test]
    fn the_published_key_list_is_read_and_checked() {
        let key = envelope::public_key(&[5; 32]);
        let jwk = envelope::public_jwk(&key);
        let kid = envelope::thumbprint(&key);
        let published = serde_json::json!({ "keys": [{ "kid": kid, "jwk": jwk, "current": true }] });
        assert_eq!(TrustedServerKeys::from_json(&published), Ok(server_keys()));
        assert_eq!(TrustedServerKeys::from_json(&published["keys"]), Ok(server_keys()));
        let lying = serde_json::json!([{ "kid": "someone-else", "jwk": jwk }]);
        assert!(matches!(TrustedServerKeys::from_json(&lying), Err(ReceiptError::BadServerKeys(_))));
        assert!(TrustedServerKeys::from_json(&serde_json::json!({"keys": [{"jwk": {"kty": "RSA"}}]})).is_err());
    }

    #[test]
    fn a_commitment_is_not_a_receipt() {
        let jws = envelope::sign(&serde_json::json!({"type": "xinnuo.commitment/1"}), &[5; 32]).unwrap().to_json();
        assert_eq!(verify(&jws, &server_keys()), Err(ReceiptError::NotAReceipt));
    }
}
