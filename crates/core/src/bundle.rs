//! A signed file as people pass it around: the signed commitment alone, a receipt alone, or
//! `{ "commitment": JWS, "receipt": JWS }` (the app's download; the server's look-up calls the commitment
//! `envelope`, its submission answer has only `receipt`). Verifying checks every signature present and
//! that the receipt is for this commitment.

use std::collections::BTreeMap;

use serde_json::{json, Value};

use crate::commitment::{self, CommitmentError, SignedCommitment};
use crate::envelope::EnvelopeError;
use crate::public_log::{check_receipt, CheckedReceipt};
use crate::receipt::{ReceiptError, TrustedServerKeys};

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Bundle {
    pub commitment: Option<String>,
    pub receipt: Option<String>,
    /// Masks of personal values a publisher shows beside a published copy (`masked`): unsigned hints for
    /// display, never part of what is verified.
    pub masked: BTreeMap<String, String>,
}

fn is_jws(value: &Value) -> bool {
    ["protected", "payload", "signature"].iter().all(|k| value.get(k).is_some_and(Value::is_string))
}

/// A receipt as servers answer now: a public-log entry with its proof.
fn is_logged_entry(value: &Value) -> bool {
    ["entry", "proof"].iter().all(|k| value.get(k).is_some_and(Value::is_string))
}

impl Bundle {
    /// Reads any of the accepted shapes.
    pub fn parse(text: &str) -> Result<Self, EnvelopeError> {
        let value: Value =
            serde_json::from_str(text.trim()).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
        if is_logged_entry(&value) {
            return Ok(Self { receipt: Some(value.to_string()), ..Self::default() });
        }
        if is_jws(&value) {
            let text = Some(value.to_string());
            let is_receipt = crate::receipt::verify_untrusted(&value.to_string()).is_ok();
            return Ok(if is_receipt {
                Self { receipt: text, ..Self::default() }
            } else {
                Self { commitment: text, ..Self::default() }
            });
        }
        let commitment = value.get("commitment").or_else(|| value.get("envelope")).filter(|v| is_jws(v));
        let receipt = value.get("receipt").filter(|v| is_jws(v) || is_logged_entry(v));
        if commitment.is_none() && receipt.is_none() {
            return Err(EnvelopeError::MissingField("commitment"));
        }
        let masked = value
            .get("masked")
            .and_then(Value::as_object)
            .map(|masks| {
                masks
                    .iter()
                    .filter_map(|(k, v)| Some((k.chars().take(80).collect(), v.as_str()?.chars().take(200).collect())))
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self { commitment: commitment.map(Value::to_string), receipt: receipt.map(Value::to_string), masked })
    }

    pub fn to_json(&self) -> String {
        let parse = |text: &str| serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
        let mut value = json!({});
        if let Some(commitment) = &self.commitment {
            value["commitment"] = parse(commitment);
        }
        if let Some(receipt) = &self.receipt {
            value["receipt"] = parse(receipt);
        }
        serde_json::to_string_pretty(&value).unwrap_or_default()
    }
}

/// Everything a verifier found.
#[derive(Debug, Clone, PartialEq)]
pub struct BundleReport {
    pub commitment: Option<Result<SignedCommitment, CommitmentError>>,
    pub receipt: Option<Result<CheckedReceipt, ReceiptError>>,
    /// The publisher's masks of withheld personal values, for display only.
    pub masked: BTreeMap<String, String>,
}

impl BundleReport {
    /// Every part present verified (and a receipt alone is valid only as a receipt).
    pub fn is_valid(&self) -> bool {
        !matches!(self.commitment, Some(Err(_))) && !matches!(self.receipt, Some(Err(_)))
    }
}

/// Verifies a signed file completely and offline; a receipt counts only from a server key in `trusted`.
pub fn verify(text: &str, trusted: &TrustedServerKeys) -> Result<BundleReport, EnvelopeError> {
    let bundle = Bundle::parse(text)?;
    let commitment = bundle.commitment.as_deref().map(commitment::verify);
    let receipt = bundle.receipt.as_deref().map(|receipt_text| match &commitment {
        Some(Ok(signed)) => check_receipt(receipt_text, Some(&signed.envelope.submission_id), trusted),
        _ => check_receipt(receipt_text, None, trusted),
    });
    Ok(BundleReport { commitment, receipt, masked: bundle.masked })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::envelope::Signer;
    use crate::receipt::{KeyStatus, Receipt, RECEIPT_TYPE};

    /// The tax-service commitment of the commitment tests, signed by the key of seed 7.
    fn signed_tax_commitment() -> commitment::SignedFile {
        let filled = commitment::tests::tax_filled();
        commitment::sign(&filled, &Signer::from_seed(&[7; 32]), "2026-11-26T02:00:00Z", &[1; 16], &[2; 32]).unwrap().0
    }

    #[test]
    fn a_bundle_verifies_both_signatures_and_their_link() {
        let jws = signed_tax_commitment();
        let signed = commitment::verify(&jws.to_json()).unwrap();
        let receipt_for = |id: &str| Receipt {
            receipt_type: RECEIPT_TYPE.into(),
            submission_id: id.into(),
            received_at: "2026-11-26T02:00:01Z".into(),
            sequence: 1,
            key_status: KeyStatus::Pending,
            signer_kid: signed.envelope.kid.clone(),
            credit_code: "91140105123456788F".into(),
            template_id: "tax-service".into(),
            template_version: "1.0.0".into(),
        };
        let good = crate::receipt::sign(&receipt_for(&signed.envelope.submission_id), &Signer::from_seed(&[5; 32]))
            .unwrap()
            .to_json();
        let trusted = TrustedServerKeys::from_public_keys([crate::envelope::public_key(&[5; 32])]);
        let bundle = Bundle { commitment: Some(jws.to_json()), receipt: Some(good.clone()), ..Bundle::default() };
        let report = verify(&bundle.to_json(), &trusted).unwrap();
        assert!(report.is_valid());
        let untrusted = verify(&bundle.to_json(), &TrustedServerKeys::default()).unwrap();
        assert!(matches!(untrusted.receipt, Some(Err(ReceiptError::UnknownServerKey))) && !untrusted.is_valid());
        let alone = verify(&good, &trusted).unwrap();
        assert!(alone.commitment.is_none() && matches!(alone.receipt, Some(Ok(_))), "a receipt alone is read as one");
        let other = crate::receipt::sign(&receipt_for("ff"), &Signer::from_seed(&[5; 32])).unwrap().to_json();
        let wrong = Bundle { commitment: Some(jws.to_json()), receipt: Some(other), ..Bundle::default() };
        assert!(matches!(
            verify(&wrong.to_json(), &trusted).unwrap().receipt,
            Some(Err(ReceiptError::OtherSubmission))
        ));
        // The server's published shape: the JWS without disclosures, and masks to show instead.
        let public = json!({
            "envelope": serde_json::from_str::<Value>(&jws.jws.to_json()).unwrap(),
            "masked": { "phone": "0351-***4567" },
        })
        .to_string();
        let report = verify(&public, &trusted).unwrap();
        assert!(report.is_valid());
        let signed = report.commitment.unwrap().unwrap();
        assert!(signed.withheld > 0 && signed.disclosures.is_empty());
        let text = signed.render_masked(crate::lang::Lang::Zh, &report.masked).text;
        assert!(text.contains("0351-***4567（已隐去）") && !text.contains("0351-1234567"), "{text}");
        assert!(matches!(Bundle::parse("{}"), Err(EnvelopeError::MissingField("commitment"))));
    }

    /// What servers answer now: the receipt is the submission's public-log entry with its proof.
    #[test]
    fn a_bundle_with_a_public_log_receipt_verifies_against_the_pinned_log_key() {
        use crate::public_log::{LogEvent, LoggedEntry, ReceiptProof};
        let jws = signed_tax_commitment();
        let id = commitment::verify(&jws.to_json()).unwrap().envelope.submission_id;
        let event = |submission_id: &str, sequence: u64| LogEvent::Received {
            submission_id: submission_id.into(),
            sequence,
            received_at: "2026-11-26T02:00:01.000Z".into(),
            key_status: KeyStatus::Pending,
        };
        let log = crate::public_log::TestLog::of(&[event(&"ff".repeat(32), 1), event(&id, 2)]);
        let logged_at = |index: u64| log.logged(index);
        let trusted = log.trusted();
        let bundle_with = |logged: &LoggedEntry| {
            json!({"commitment": serde_json::from_str::<Value>(&jws.to_json()).unwrap(), "receipt": logged}).to_string()
        };
        let report = verify(&bundle_with(&logged_at(1)), &trusted).unwrap();
        assert!(report.is_valid());
        let receipt = report.receipt.unwrap().unwrap();
        assert_eq!(
            (receipt.sequence, receipt.proof, receipt.log.map(|p| p.number())),
            (2, ReceiptProof::Logged, Some(2))
        );
        // Another submission's entry, or a log key nobody pinned: refused.
        let other = verify(&bundle_with(&logged_at(0)), &trusted).unwrap();
        assert!(matches!(other.receipt, Some(Err(ReceiptError::OtherSubmission))));
        let unpinned = TrustedServerKeys::from_public_keys([crate::envelope::public_key(&[5; 32])]);
        assert!(!verify(&bundle_with(&logged_at(1)), &unpinned).unwrap().is_valid());
        // The receipt alone is read as one.
        let alone = verify(&serde_json::to_string(&logged_at(1)).unwrap(), &trusted).unwrap();
        assert!(alone.commitment.is_none() && matches!(alone.receipt, Some(Ok(_))));
    }
}
