//! Personal fields signed as salted digests, disclosed beside the signature: selective disclosure in the
//! manner of SD-JWT (RFC 9901). A disclosure is base64url of the JSON array `[salt, field, value]`; the payload
//! lists base64url SHA-256 digests of the disclosures under `values._sd` and names the hash in `_sd_alg`. The
//! signed file is the flattened JWS with the disclosures in its unprotected header (RFC 9901 §8.1):
//! `{"header": {"disclosures": [...]}, "protected", "payload", "signature"}`. Without the disclosures the same
//! JWS still verifies, and says nothing of the personal values.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::envelope::{self, EnvelopeError, FlattenedJws};

/// The hash named in `_sd_alg` (the IANA name SD-JWT uses).
pub const SD_ALG: &str = "sha-256";

/// One disclosed personal value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure {
    pub salt: String,
    pub field: String,
    pub value: Value,
    /// As carried: base64url of the JSON array. The digest is of exactly these characters.
    pub encoded: String,
}

impl Disclosure {
    /// A disclosure whose salt is derived from `salt_secret` (random, drawn by the caller, kept nowhere) and
    /// the field name, so each field has its own unguessable salt.
    pub fn new(salt_secret: &[u8; 32], field: &str, value: &Value) -> Self {
        let mut hasher = Sha256::new();
        hasher.update(b"xinnuo disclosure salt/1\n");
        hasher.update(salt_secret);
        hasher.update(field.as_bytes());
        let salt = URL_SAFE_NO_PAD.encode(&hasher.finalize()[..16]);
        let encoded = URL_SAFE_NO_PAD.encode(json!([salt, field, value]).to_string());
        Self { salt, field: field.to_owned(), value: value.clone(), encoded }
    }

    /// Reads a disclosure as carried; refuses anything but a three-element array with a salt of at least
    /// 128 bits.
    pub fn parse(encoded: &str) -> Result<Self, EnvelopeError> {
        let bad = |why: &str| EnvelopeError::MalformedJson(format!("disclosure: {why}"));
        let bytes = URL_SAFE_NO_PAD.decode(encoded).map_err(|_| EnvelopeError::BadBase64("disclosure"))?;
        let array: Value = serde_json::from_slice(&bytes).map_err(|e| bad(&e.to_string()))?;
        match array.as_array().map(Vec::as_slice) {
            Some([Value::String(salt), Value::String(field), value]) => {
                if URL_SAFE_NO_PAD.decode(salt).map_or(true, |s| s.len() < 16) {
                    return Err(bad("salt shorter than 128 bits"));
                }
                Ok(Self { salt: salt.clone(), field: field.clone(), value: value.clone(), encoded: encoded.to_owned() })
            }
            _ => Err(bad("not [salt, field, value]")),
        }
    }

    /// base64url SHA-256 of the encoded disclosure: what the payload lists.
    pub fn digest(&self) -> String {
        URL_SAFE_NO_PAD.encode(Sha256::digest(self.encoded.as_bytes()))
    }
}

/// A signed commitment as its holder keeps and submits it: the JWS and the disclosures of its personal
/// fields. Published, it is the JWS alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedFile {
    pub jws: FlattenedJws,
    pub disclosures: Vec<String>,
}

impl SignedFile {
    pub fn to_value(&self) -> Value {
        let mut value =
            json!({ "protected": self.jws.protected, "payload": self.jws.payload, "signature": self.jws.signature });
        if !self.disclosures.is_empty() {
            value["header"] = json!({ "disclosures": self.disclosures });
        }
        value
    }

    /// The id the server files it under: the digest of what was signed (the same for every resend).
    pub fn submission_id(&self) -> String {
        crate::envelope::submission_id(&self.jws.protected, &self.jws.payload)
    }

    pub fn to_json(&self) -> String {
        self.to_value().to_string()
    }

    /// The JWS part and the disclosures. The unprotected header may hold `disclosures` (strings) and nothing
    /// else; the JWS is then checked strictly by [`envelope::verify_value`].
    pub fn split(outer: &Value) -> Result<(Value, Vec<String>), EnvelopeError> {
        let Some(header) = outer.get("header") else {
            return Ok((outer.clone(), Vec::new()));
        };
        envelope::only_members(header, &["disclosures"], "header")?;
        let disclosures = header
            .get("disclosures")
            .and_then(Value::as_array)
            .ok_or(EnvelopeError::MissingField("header.disclosures"))?
            .iter()
            .map(|d| d.as_str().map(str::to_owned).ok_or(EnvelopeError::MalformedJson("header.disclosures".into())))
            .collect::<Result<Vec<_>, _>>()?;
        let mut jws = outer.clone();
        if let Some(object) = jws.as_object_mut() {
            object.remove("header");
        }
        Ok((jws, disclosures))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_disclosure_round_trips_and_its_digest_is_of_the_encoded_text() {
        let disclosure = Disclosure::new(&[1; 32], "phone", &json!("13812348000"));
        let parsed = Disclosure::parse(&disclosure.encoded).unwrap();
        assert_eq!(parsed, disclosure);
        assert_eq!(parsed.digest(), URL_SAFE_NO_PAD.encode(Sha256::digest(disclosure.encoded.as_bytes())));
        assert_ne!(Disclosure::new(&[2; 32], "phone", &json!("13812348000")).digest(), disclosure.digest());
        assert_ne!(Disclosure::new(&[1; 32], "agent_phone", &json!("13812348000")).salt, disclosure.salt);
    }

    #[test]
    fn rfc9901_example_digest() {
        // RFC 9901 §5.1 (and draft examples): the disclosure of "family_name": "Doe" and its digest.
        let disclosure =
            Disclosure::parse("WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0").unwrap();
        assert_eq!(disclosure.field, "family_name");
        assert_eq!(disclosure.value, json!("Möbius"));
        assert_eq!(disclosure.digest(), "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0");
    }

    #[test]
    fn malformed_disclosures_and_headers_are_refused() {
        let encode = |v: Value| URL_SAFE_NO_PAD.encode(v.to_string());
        assert!(Disclosure::parse(&encode(json!(["c2FsdA", "phone", "1"]))).is_err(), "short salt");
        assert!(Disclosure::parse(&encode(json!(["AAAAAAAAAAAAAAAAAAAAAA", "phone"]))).is_err());
        assert!(Disclosure::parse("not base64!").is_err());
        let outer =
            json!({ "header": { "disclosures": [], "kid": "x" }, "protected": "", "payload": "", "signature": "" });
        assert_eq!(SignedFile::split(&outer).unwrap_err(), EnvelopeError::UnexpectedMember("header.kid".into()));
    }
}
