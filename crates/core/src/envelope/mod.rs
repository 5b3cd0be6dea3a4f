//! The signed envelope: a JWS in flattened JSON serialisation (RFC 7515) with `alg: "EdDSA"` (RFC 8037) over
//! the RFC 8785 (JCS) bytes of a JSON payload. Anyone can verify it offline with any JOSE library or a
//! plain Ed25519 verify. Keys are passed in as 32-byte seeds: this module never draws randomness.

use crate::lang::Lang;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use self::ed25519::SigningKey;

/// The only algorithm accepted.
pub const ALG: &str = "EdDSA";

pub(crate) mod ed25519;
pub mod keyfile;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EnvelopeError {
    MalformedJson(String),
    MissingField(&'static str),
    BadBase64(&'static str),
    UnsupportedAlgorithm(String),
    BadPublicKey,
    KidMismatch,
    BadSignature,
    NotCanonical,
    /// A member we do not define: it would be carried beside the signature without being signed, or signed
    /// without anyone knowing what it means.
    UnexpectedMember(String),
}

impl crate::error::Described for EnvelopeError {
    fn code(&self) -> &'static str {
        match self {
            Self::BadSignature => "bad_signature",
            // The cause is in the message; programs need only know the envelope is unreadable.
            Self::MalformedJson(_)
            | Self::MissingField(_)
            | Self::BadBase64(_)
            | Self::UnsupportedAlgorithm(_)
            | Self::BadPublicKey
            | Self::KidMismatch
            | Self::NotCanonical => "bad_envelope",
            Self::UnexpectedMember(_) => "unexpected_member",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            // The parser's own words stay as they are, marked as its detail.
            Self::MalformedJson(detail) => crate::error::in_lang(
                lang,
                format_args!("签名文件不是有效的 JSON（解析器：{detail}）"),
                format_args!("the signed file is not valid JSON ({detail})"),
            ),
            Self::MissingField(field) => crate::error::in_lang(
                lang,
                format_args!("签名文件缺少字段 {field}"),
                format_args!("the signed file lacks the field {field}"),
            ),
            Self::BadBase64(field) => crate::error::in_lang(
                lang,
                format_args!("字段 {field} 不是有效的 base64url 编码"),
                format_args!("field {field} is not valid base64url"),
            ),
            Self::UnsupportedAlgorithm(algorithm) => crate::error::in_lang(
                lang,
                format_args!("不支持的签名算法 {algorithm:?}，应为 EdDSA"),
                format_args!("unsupported algorithm {algorithm:?}, expected EdDSA"),
            ),
            Self::BadPublicKey => crate::error::in_lang(
                lang,
                format_args!("公钥无效（应为 Ed25519 OKP 公钥）"),
                format_args!("invalid public key (expected an Ed25519 OKP key)"),
            ),
            Self::KidMismatch => crate::error::in_lang(
                lang,
                format_args!("密钥指纹 kid 与公钥不符"),
                format_args!("the key fingerprint (kid) does not match the public key"),
            ),
            Self::BadSignature => crate::error::in_lang(
                lang,
                format_args!("签名无效：内容已被改动或密钥不符"),
                format_args!("invalid signature: the content was changed or the key is wrong"),
            ),
            Self::NotCanonical => crate::error::in_lang(
                lang,
                format_args!("载荷不是规范化 JSON（RFC 8785）"),
                format_args!("the payload is not canonical JSON (RFC 8785)"),
            ),
            Self::UnexpectedMember(member) => crate::error::in_lang(
                lang,
                format_args!("签名文件含有未定义的成员 {member}（只接受规定的成员）"),
                format_args!("the signed file has a member we do not define: {member}"),
            ),
        }
    }
}
crate::error::display_in_chinese!(EnvelopeError);

/// Refuses an object with any member beyond `allowed` (named `where_.member` in the error); a missing member
/// is reported by whoever reads it.
pub fn only_members(value: &Value, allowed: &[&str], where_: &str) -> Result<(), EnvelopeError> {
    let Some(object) = value.as_object() else {
        return Err(EnvelopeError::MalformedJson(format!("{where_}: not an object")));
    };
    match object.keys().find(|key| !allowed.contains(&key.as_str())) {
        Some(extra) => {
            let shown: String = extra.chars().take(40).collect();
            Err(EnvelopeError::UnexpectedMember(if where_.is_empty() { shown } else { format!("{where_}.{shown}") }))
        }
        None => Ok(()),
    }
}

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The payload's bytes as a signed file carries them, before anything is verified: only to choose which check to
/// run on it (they may have been changed: never to be believed).
pub fn claimed_payload_bytes(file: &Value) -> Option<Vec<u8>> {
    unb64(file.get("payload").and_then(Value::as_str)?, "payload").ok()
}

fn unb64(text: &str, field: &'static str) -> Result<Vec<u8>, EnvelopeError> {
    URL_SAFE_NO_PAD.decode(text).map_err(|_| EnvelopeError::BadBase64(field))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// RFC 8785 canonical bytes of a JSON value (a number that is not finite is refused, as RFC 8785 has it).
pub fn canonicalize(value: &impl Serialize) -> Result<Vec<u8>, EnvelopeError> {
    serde_json_canonicalizer::to_vec(value).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))
}

/// [`canonicalize`] for a value already in serde_json's model (which holds no NaN or infinity): serde_json's
/// output where it writes exactly what JCS writes (see [`is_canonical`]), as for every public-log entry.
pub fn canonicalize_value(value: &Value) -> Result<Vec<u8>, EnvelopeError> {
    if plain_serde_json() && written_alike(value) {
        return serde_json::to_vec(value).map_err(|e| EnvelopeError::MalformedJson(e.to_string()));
    }
    canonicalize(value)
}

/// Whether `bytes` are the canonical form (RFC 8785) of `value`, which was read from them. Where serde_json
/// writes exactly what JCS writes — whole numbers within ±2^53, object keys within the Basic Multilingual Plane
/// (beyond it UTF-16 order differs from code point order), and maps that sort their keys (no `preserve_order`
/// in the build, checked once) — its output is compared, at a fifth of the cost of making the canonical form
/// (measured in `cargo xtask bench server`); otherwise the canonical form is made.
pub fn is_canonical(value: &Value, bytes: &[u8]) -> Result<bool, EnvelopeError> {
    if plain_serde_json() && written_alike(value) {
        let written = serde_json::to_vec(value).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
        return Ok(written == bytes);
    }
    Ok(canonicalize(value)? == bytes)
}

/// Whether this build's serde_json sorts map keys and reads numbers as integers or floats (neither
/// `preserve_order` nor `arbitrary_precision`, which would keep `-0` as written), checked once.
fn plain_serde_json() -> bool {
    static SORTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *SORTED.get_or_init(|| {
        let sorted = serde_json::from_str::<serde_json::Map<String, Value>>(r#"{"b":0,"a":0}"#)
            .is_ok_and(|map| map.keys().next().map(String::as_str) == Some("a"));
        let plain_numbers = serde_json::from_str::<Value>("-0").is_ok_and(|zero| zero.is_f64());
        sorted && plain_numbers
    })
}

/// Whether serde_json and JCS write `value` alike (see [`is_canonical`]).
fn written_alike(value: &Value) -> bool {
    const EXACT: u64 = 1 << 53;
    match value {
        Value::Null | Value::Bool(_) | Value::String(_) => true,
        Value::Number(number) => {
            number.as_u64().is_some_and(|n| n <= EXACT) || number.as_i64().is_some_and(|n| n.unsigned_abs() <= EXACT)
        }
        Value::Array(items) => items.iter().all(written_alike),
        Value::Object(members) => {
            members.iter().all(|(key, item)| key.chars().all(|c| u32::from(c) < 0x1_0000) && written_alike(item))
        }
    }
}

/// The Ed25519 public key of a 32-byte seed.
pub fn public_key(seed: &[u8; 32]) -> [u8; 32] {
    SigningKey::from_seed(seed).public_key()
}

/// The public key as a JWK (RFC 8037).
pub fn public_jwk(public_key: &[u8; 32]) -> Value {
    json!({ "kty": "OKP", "crv": "Ed25519", "x": b64(public_key) })
}

/// The Ed25519 public key of a JWK with exactly `kty: "OKP"`, `crv: "Ed25519"` and `x`.
pub fn public_key_from_jwk(jwk: &Value) -> Result<[u8; 32], EnvelopeError> {
    only_members(jwk, &["kty", "crv", "x"], "jwk")?;
    if jwk.get("kty").and_then(Value::as_str) != Some("OKP")
        || jwk.get("crv").and_then(Value::as_str) != Some("Ed25519")
    {
        return Err(EnvelopeError::BadPublicKey);
    }
    let x = jwk.get("x").and_then(Value::as_str).ok_or(EnvelopeError::MissingField("x"))?;
    let key: [u8; 32] = unb64(x, "jwk.x")?.try_into().map_err(|_| EnvelopeError::BadPublicKey)?;
    VerifyingKey::from_bytes(&key).map_err(|_| EnvelopeError::BadPublicKey)?;
    Ok(key)
}

/// RFC 7638 JWK thumbprint (SHA-256, base64url): the key's `kid` and fingerprint.
pub fn thumbprint(public_key: &[u8; 32]) -> String {
    // Required members only, in lexicographic order, no white space (RFC 7638 §3).
    let members = format!(r#"{{"crv":"Ed25519","kty":"OKP","x":"{}"}}"#, b64(public_key));
    b64(&Sha256::digest(members.as_bytes()))
}

/// A fingerprint as people compare it, read aloud or on paper: the key's thumbprint (the bytes the `kid`
/// encodes) in base32 (RFC 4648, no padding), in groups of four. Base32 rather than hexadecimal: 52 symbols
/// instead of 64, one case, and none of 0, 1 and 8 that people mistake for O, I and B; base64url, the `kid`
/// itself, mixes cases with `-` and `_`, which nobody reads out. A `kid` that is not a thumbprint is grouped
/// as it is.
pub fn fingerprint_groups(kid: &str) -> String {
    let shown = match URL_SAFE_NO_PAD.decode(kid) {
        Ok(thumbprint) if thumbprint.len() == 32 => base32(&thumbprint),
        _ => kid.to_owned(),
    };
    shown.as_bytes().chunks(4).map(|chunk| String::from_utf8_lossy(chunk).into_owned()).collect::<Vec<_>>().join(" ")
}

/// The `kid` a fingerprint as people type it names: [`fingerprint_groups`]' form (spaces and case as they
/// come), or a `kid` itself, with or without spaces.
pub fn kid_from_fingerprint(text: &str) -> String {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    match unbase32(&compact) {
        Some(thumbprint) if thumbprint.len() == 32 => b64(&thumbprint),
        _ => compact,
    }
}

const BASE32_ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for &byte in bytes {
        buffer = (buffer << 8) | u32::from(byte);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(BASE32_ALPHABET[((buffer >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(BASE32_ALPHABET[((buffer << (5 - bits)) & 31) as usize]));
    }
    out
}

/// Base32 without padding, either case; `None` for any other symbol or for left-over bits that are not zero
/// (so that one text names one key).
fn unbase32(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 5 / 8);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for symbol in text.bytes() {
        let value = BASE32_ALPHABET.iter().position(|&a| a == symbol.to_ascii_uppercase())?;
        buffer = ((buffer << 5) | value as u32) & 0xFFFF;
        bits += 5;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
        }
    }
    (bits < 5 && buffer & ((1 << bits) - 1) == 0).then_some(out)
}

/// Submission id: hex SHA-256 of the JWS signing input, so that a retry is the same submission.
pub fn submission_id(protected_b64: &str, payload_b64: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(protected_b64.as_bytes());
    hasher.update(b".");
    hasher.update(payload_b64.as_bytes());
    hex(&hasher.finalize())
}

/// A JWS in flattened JSON serialisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FlattenedJws {
    pub protected: String,
    pub payload: String,
    pub signature: String,
}

impl FlattenedJws {
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// An unlocked signing key with its derived public parts, so that signing many times derives them once.
/// The secret is wiped when it is dropped (ed25519-dalek's `ExpandedSecretKey`).
pub struct Signer {
    key: SigningKey,
    /// Canonical protected header, base64url: `alg`, `kid`, `jwk`.
    protected: String,
    kid: String,
}

impl Signer {
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let key = SigningKey::from_seed(seed);
        let public = key.public_key();
        let kid = thumbprint(&public);
        let header = json!({ "alg": ALG, "kid": kid, "jwk": public_jwk(&public) });
        // Canonicalising a literal object of strings cannot fail; the fallback is never used.
        let protected = b64(&canonicalize(&header).unwrap_or_default());
        Self { key, protected, kid }
    }

    pub fn kid(&self) -> &str {
        &self.kid
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.public_key()
    }

    /// Signs the canonical bytes of `payload`; the protected header carries `alg`, `kid` and `jwk`.
    pub fn sign(&self, payload: &Value) -> Result<FlattenedJws, EnvelopeError> {
        let payload = b64(&canonicalize(payload)?);
        let signature = self.key.sign(format!("{}.{payload}", self.protected).as_bytes());
        Ok(FlattenedJws { protected: self.protected.clone(), payload, signature: b64(&signature) })
    }

    /// An Ed25519 signature over [`BYTES_LABEL`] followed by `message` (for interoperability tests and
    /// benchmarks). The label keeps this from being an oracle for our documents: no JWS signing input can
    /// start with it.
    pub fn sign_labelled_bytes(&self, message: &[u8]) -> [u8; 64] {
        self.key.sign(&labelled(message))
    }
}

/// Signs `payload` with the key of a 32-byte seed (see [`Signer`] to sign many times).
pub fn sign(payload: &Value, seed: &[u8; 32]) -> Result<FlattenedJws, EnvelopeError> {
    Signer::from_seed(seed).sign(payload)
}

/// What [`Signer::sign_labelled_bytes`] puts before the message. A JWS signing input is base64url text and
/// a dot; a space and a newline never occur in one, so a labelled signature can never be a JWS signature.
pub const BYTES_LABEL: &[u8] = b"xinnuo signed bytes/1\n";

fn labelled(message: &[u8]) -> Vec<u8> {
    [BYTES_LABEL, message].concat()
}

/// Verifies a signature made by [`Signer::sign_labelled_bytes`].
pub fn verify_labelled_bytes(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    verify_raw(public_key, &labelled(message), signature)
}

/// Verifies a raw Ed25519 signature (strict: no malleable or small-order forms).
pub fn verify_raw(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    let (Ok(public_key), Ok(signature)) = (<[u8; 32]>::try_from(public_key), <[u8; 64]>::try_from(signature)) else {
        return false;
    };
    VerifyingKey::from_bytes(&public_key)
        .is_ok_and(|key| key.verify_strict(message, &Signature::from_bytes(&signature)).is_ok())
}

/// What a valid envelope says.
#[derive(Debug, Clone, PartialEq)]
pub struct Verified {
    /// Exactly what was verified, and nothing else: what a server stores and publishes.
    pub jws: FlattenedJws,
    pub submission_id: String,
    pub kid: String,
    pub public_key: [u8; 32],
    pub payload: Value,
}

fn string_field<'a>(value: &'a Value, name: &'static str) -> Result<&'a str, EnvelopeError> {
    value.get(name).and_then(Value::as_str).ok_or(EnvelopeError::MissingField(name))
}

/// Verifies a flattened JWS: exactly the members we define (no unprotected `header`, no extra header or key
/// members), algorithm, embedded key and its `kid`, the signature (strict Ed25519), and that the payload is
/// canonical JSON.
pub fn verify(jws: &str) -> Result<Verified, EnvelopeError> {
    let outer: Value = serde_json::from_str(jws).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    verify_value(&outer)
}

/// The verifying key of a public key (its point decompressed: ≈ 5 µs). Builds with `key-cache` (the server,
/// where an enterprise's or an officer's key signs many documents) keep the last few thousand.
fn verifying_key(public_key: &[u8; 32]) -> Result<VerifyingKey, EnvelopeError> {
    #[cfg(feature = "key-cache")]
    {
        use std::collections::HashMap;
        use std::sync::Mutex;
        const KEPT: usize = 4096;
        static KEYS: Mutex<Option<HashMap<[u8; 32], VerifyingKey>>> = Mutex::new(None);
        if let Some(key) = KEYS.lock().ok().and_then(|keys| keys.as_ref()?.get(public_key).copied()) {
            return Ok(key);
        }
        let key = VerifyingKey::from_bytes(public_key).map_err(|_| EnvelopeError::BadPublicKey)?;
        if let Ok(mut keys) = KEYS.lock() {
            let keys = keys.get_or_insert_with(HashMap::new);
            if keys.len() >= KEPT {
                keys.clear();
            }
            keys.insert(*public_key, key);
        }
        Ok(key)
    }
    #[cfg(not(feature = "key-cache"))]
    VerifyingKey::from_bytes(public_key).map_err(|_| EnvelopeError::BadPublicKey)
}

/// [`verify`] for an already parsed JSON value.
pub fn verify_value(outer: &Value) -> Result<Verified, EnvelopeError> {
    only_members(outer, &["protected", "payload", "signature"], "")?;
    let (protected_b64, payload_b64, signature_b64) =
        (string_field(outer, "protected")?, string_field(outer, "payload")?, string_field(outer, "signature")?);
    let header: Value = serde_json::from_slice(&unb64(protected_b64, "protected")?)
        .map_err(|e| EnvelopeError::MalformedJson(format!("protected: {e}")))?;
    only_members(&header, &["alg", "kid", "jwk"], "protected")?;
    let alg = string_field(&header, "alg")?;
    if alg != ALG {
        return Err(EnvelopeError::UnsupportedAlgorithm(alg.to_owned()));
    }
    let jwk = header.get("jwk").ok_or(EnvelopeError::MissingField("jwk"))?;
    only_members(jwk, &["kty", "crv", "x"], "protected.jwk")?;
    if jwk.get("kty").and_then(Value::as_str) != Some("OKP")
        || jwk.get("crv").and_then(Value::as_str) != Some("Ed25519")
    {
        return Err(EnvelopeError::BadPublicKey);
    }
    let public_key: [u8; 32] =
        unb64(string_field(jwk, "x")?, "jwk.x")?.try_into().map_err(|_| EnvelopeError::BadPublicKey)?;
    let kid = string_field(&header, "kid")?;
    if kid != thumbprint(&public_key) {
        return Err(EnvelopeError::KidMismatch);
    }
    let signature: [u8; 64] = unb64(signature_b64, "signature")?.try_into().map_err(|_| EnvelopeError::BadSignature)?;
    verifying_key(&public_key)?
        .verify_strict(format!("{protected_b64}.{payload_b64}").as_bytes(), &Signature::from_bytes(&signature))
        .map_err(|_| EnvelopeError::BadSignature)?;
    let payload_bytes = unb64(payload_b64, "payload")?;
    let payload: Value =
        serde_json::from_slice(&payload_bytes).map_err(|e| EnvelopeError::MalformedJson(format!("payload: {e}")))?;
    if !is_canonical(&payload, &payload_bytes)? {
        return Err(EnvelopeError::NotCanonical);
    }
    Ok(Verified {
        submission_id: submission_id(protected_b64, payload_b64),
        jws: FlattenedJws {
            protected: protected_b64.to_owned(),
            payload: payload_b64.to_owned(),
            signature: signature_b64.to_owned(),
        },
        kid: kid.to_owned(),
        public_key,
        payload,
    })
}

#[cfg(test)]
mod tests;
