//! C2SP signed-note: a text ending in a newline, a blank line, and signature lines
//! `— <key name> base64(key ID ‖ signature)`. Ed25519 signatures (type 0x01) over the text, and timestamped
//! Ed25519 cosignatures (type 0x04, C2SP tlog-cosignature) over `cosignature/v1\ntime <t>\n` and the text.
//! A key is known by its name and 4-byte ID; signatures by unknown keys are kept but not trusted, a known
//! key's bad signature refuses the note, and a note needs at least one good signature by a known key.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, VerifyingKey};
use sha2::{Digest, Sha256};

use super::error::{Fault, TlogError};
use crate::envelope::ed25519::SigningKey;

/// The longest note read (bytes): far above any checkpoint with a hundred signatures.
pub const MAX_NOTE_LEN: usize = 1_000_000;
/// The most signature lines read (the spec asks for at least 16; Go's reader stops at 100).
pub const MAX_SIGNATURES: usize = 100;

/// The signature types this crate signs and verifies (C2SP signed-note §Signature types).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SignatureType {
    /// 0x01: Ed25519 over the note text.
    Ed25519,
    /// 0x04: a witness's timestamped Ed25519 cosignature (`cosignature/v1`).
    CosignatureV1,
}

impl SignatureType {
    pub fn byte(self) -> u8 {
        match self {
            Self::Ed25519 => 0x01,
            Self::CosignatureV1 => 0x04,
        }
    }

    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            0x01 => Some(Self::Ed25519),
            0x04 => Some(Self::CosignatureV1),
            _ => None,
        }
    }
}

/// Key ID = the first 4 bytes (big-endian) of SHA-256(name ‖ 0x0A ‖ type ‖ public key).
pub fn key_id(name: &str, kind: SignatureType, public_key: &[u8; 32]) -> u32 {
    let mut hasher = Sha256::new();
    hasher.update(name.as_bytes());
    hasher.update([b'\n', kind.byte()]);
    hasher.update(public_key);
    let digest = hasher.finalize();
    u32::from_be_bytes([digest[0], digest[1], digest[2], digest[3]])
}

/// A key name: non-empty, no Unicode space, no plus sign.
pub fn is_valid_key_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

/// A verifier key (vkey): `<name>+<hex key ID>+<base64(type ‖ public key)>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifierKey {
    pub name: String,
    pub key_id: u32,
    pub kind: SignatureType,
    pub public_key: [u8; 32],
}

impl VerifierKey {
    /// The key of `name` and `public_key` for `kind`; the name must be valid and the key an Ed25519 point.
    pub fn new(name: &str, kind: SignatureType, public_key: [u8; 32]) -> Result<Self, TlogError> {
        if !is_valid_key_name(name) {
            return Err(TlogError::KeyMalformed(Fault::BadKeyName));
        }
        VerifyingKey::from_bytes(&public_key).map_err(|_| TlogError::KeyMalformed(Fault::BadPublicKey))?;
        Ok(Self { name: name.to_owned(), key_id: key_id(name, kind, &public_key), kind, public_key })
    }

    /// Reads a vkey; the key ID must be the one the name and key give.
    pub fn parse(text: &str) -> Result<Self, TlogError> {
        if text.len() > 1000 {
            return Err(TlogError::KeyMalformed(Fault::TooLong));
        }
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id), Some(key)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(TlogError::KeyMalformed(Fault::BadKeyFormat));
        };
        if !is_valid_key_name(name) {
            return Err(TlogError::KeyMalformed(Fault::BadKeyName));
        }
        if id.len() != 8 || !id.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return Err(TlogError::KeyMalformed(Fault::BadKeyId));
        }
        let id = u32::from_str_radix(id, 16).map_err(|_| TlogError::KeyMalformed(Fault::BadKeyId))?;
        let bytes = STANDARD.decode(key).map_err(|_| TlogError::KeyMalformed(Fault::BadBase64))?;
        let (&kind, public_key) = bytes.split_first().ok_or(TlogError::KeyMalformed(Fault::BadBase64))?;
        let kind = SignatureType::from_byte(kind).ok_or(TlogError::KeyMalformed(Fault::UnknownSignatureType))?;
        let public_key: [u8; 32] = public_key.try_into().map_err(|_| TlogError::KeyMalformed(Fault::BadPublicKey))?;
        let key = Self::new(name, kind, public_key)?;
        if key.key_id != id {
            return Err(TlogError::KeyMalformed(Fault::BadKeyId));
        }
        Ok(key)
    }

    fn verifies(&self, text: &str, signature: &[u8]) -> Result<Option<u64>, ()> {
        let Ok(key) = VerifyingKey::from_bytes(&self.public_key) else { return Err(()) };
        match self.kind {
            SignatureType::Ed25519 => {
                let signature: [u8; 64] = signature.try_into().map_err(|_| ())?;
                key.verify_strict(text.as_bytes(), &Signature::from_bytes(&signature)).map(|()| None).map_err(|_| ())
            }
            SignatureType::CosignatureV1 => {
                if signature.len() != 72 {
                    return Err(());
                }
                let (time, signature) = signature.split_at(8);
                let time = u64::from_be_bytes(time.try_into().map_err(|_| ())?);
                let signature: [u8; 64] = signature.try_into().map_err(|_| ())?;
                if time > i64::MAX as u64 {
                    return Err(());
                }
                let message = cosigned_message(text, time);
                key.verify_strict(message.as_bytes(), &Signature::from_bytes(&signature))
                    .map(|()| Some(time))
                    .map_err(|_| ())
            }
        }
    }
}

impl std::fmt::Display for VerifierKey {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut key = Vec::with_capacity(33);
        key.push(self.kind.byte());
        key.extend_from_slice(&self.public_key);
        write!(formatter, "{}+{:08x}+{}", self.name, self.key_id, STANDARD.encode(key))
    }
}

/// What a cosigner signs: `cosignature/v1`, `time <t>`, then the checkpoint body.
fn cosigned_message(text: &str, time: u64) -> String {
    format!("cosignature/v1\ntime {time}\n{text}")
}

/// A key that signs notes (type 0x01) or cosigns checkpoints (type 0x04). Use a key for nothing else: it signs
/// whatever text it is given.
pub struct NoteSigner {
    name: String,
    kind: SignatureType,
    key: SigningKey,
    key_id: u32,
}

impl NoteSigner {
    /// A log's signer (Ed25519, type 0x01).
    pub fn ed25519(name: &str, seed: &[u8; 32]) -> Result<Self, TlogError> {
        Self::new(name, SignatureType::Ed25519, seed)
    }

    /// A witness's cosigner (type 0x04).
    pub fn cosigner(name: &str, seed: &[u8; 32]) -> Result<Self, TlogError> {
        Self::new(name, SignatureType::CosignatureV1, seed)
    }

    fn new(name: &str, kind: SignatureType, seed: &[u8; 32]) -> Result<Self, TlogError> {
        if !is_valid_key_name(name) {
            return Err(TlogError::KeyMalformed(Fault::BadKeyName));
        }
        let key = SigningKey::from_seed(seed);
        let key_id = key_id(name, kind, &key.public_key());
        Ok(Self { name: name.to_owned(), kind, key, key_id })
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn verifier_key(&self) -> VerifierKey {
        VerifierKey { name: self.name.clone(), key_id: self.key_id, kind: self.kind, public_key: self.key.public_key() }
    }

    /// The signature line (`— name base64…\n`) over `text`; `time` (POSIX seconds) is what a cosignature
    /// states and is ignored by a plain Ed25519 signature.
    pub fn sign_line(&self, text: &str, time: u64) -> Result<String, TlogError> {
        check_text(text)?;
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        match self.kind {
            SignatureType::Ed25519 => bytes.extend_from_slice(&self.key.sign(text.as_bytes())),
            SignatureType::CosignatureV1 => {
                if time > i64::MAX as u64 {
                    return Err(TlogError::NoteMalformed(Fault::BadTimestamp));
                }
                bytes.extend_from_slice(&time.to_be_bytes());
                bytes.extend_from_slice(&self.key.sign(cosigned_message(text, time).as_bytes()));
            }
        }
        Ok(format!("— {} {}\n", self.name, STANDARD.encode(bytes)))
    }

    /// The signature of `text` as a [`NoteSignature`].
    pub fn sign(&self, text: &str, time: u64) -> Result<NoteSignature, TlogError> {
        let line = self.sign_line(text, time)?;
        parse_signature_line(line.trim_end_matches('\n'))
    }
}

/// A note's text may hold no control character but newlines and must end in a newline.
fn check_text(text: &str) -> Result<(), TlogError> {
    if text.len() > MAX_NOTE_LEN {
        return Err(TlogError::NoteMalformed(Fault::TooLong));
    }
    if text.chars().any(|c| c < ' ' && c != '\n') {
        return Err(TlogError::NoteMalformed(Fault::ControlCharacter));
    }
    if !text.ends_with('\n') {
        return Err(TlogError::NoteMalformed(Fault::NoFinalNewline));
    }
    Ok(())
}

/// One signature line, verified or not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: u32,
    /// The signature after the key ID (for a cosignature: the timestamp and the Ed25519 signature).
    pub signature: Vec<u8>,
}

impl NoteSignature {
    /// `— <name> <base64(key ID ‖ signature)>` and a newline.
    pub fn line(&self) -> String {
        let mut bytes = self.key_id.to_be_bytes().to_vec();
        bytes.extend_from_slice(&self.signature);
        format!("— {} {}\n", self.name, STANDARD.encode(bytes))
    }
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, TlogError> {
    let rest = line.strip_prefix("— ").ok_or(TlogError::NoteMalformed(Fault::BadSignatureLine))?;
    let (name, b64) = rest.split_once(' ').ok_or(TlogError::NoteMalformed(Fault::BadSignatureLine))?;
    if !is_valid_key_name(name) {
        return Err(TlogError::NoteMalformed(Fault::BadKeyName));
    }
    let bytes = STANDARD.decode(b64).map_err(|_| TlogError::NoteMalformed(Fault::BadBase64))?;
    if bytes.len() < 5 {
        return Err(TlogError::NoteMalformed(Fault::ShortSignature));
    }
    let key_id = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    Ok(NoteSignature { name: name.to_owned(), key_id, signature: bytes[4..].to_vec() })
}

/// A signed note, read but not verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The text, with its final newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

impl Note {
    /// Reads a signed note: the text is everything before the last blank line.
    pub fn parse(note: &str) -> Result<Self, TlogError> {
        if note.len() > MAX_NOTE_LEN {
            return Err(TlogError::NoteMalformed(Fault::TooLong));
        }
        if note.chars().any(|c| c < ' ' && c != '\n') {
            return Err(TlogError::NoteMalformed(Fault::ControlCharacter));
        }
        let split = note.rfind("\n\n").ok_or(TlogError::NoteMalformed(Fault::NoSignatureBlock))?;
        let (text, block) = (&note[..split + 1], &note[split + 2..]);
        if block.is_empty() || !block.ends_with('\n') {
            return Err(TlogError::NoteMalformed(Fault::BadSignatureBlock));
        }
        let mut signatures = Vec::new();
        for line in block[..block.len() - 1].split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(TlogError::NoteMalformed(Fault::TooManySignatures));
            }
            signatures.push(parse_signature_line(line)?);
        }
        Ok(Self { text: text.to_owned(), signatures })
    }

    /// The note as text: the text, a blank line, the signature lines.
    pub fn to_text(&self) -> String {
        let mut out = self.text.clone();
        out.push('\n');
        for signature in &self.signatures {
            out.push_str(&signature.line());
        }
        out
    }

    /// Adds `signature`, replacing one by the same key (name and ID).
    pub fn add_signature(&mut self, signature: NoteSignature) {
        self.signatures.retain(|s| !(s.name == signature.name && s.key_id == signature.key_id));
        self.signatures.push(signature);
    }
}

/// A signature by a known key that verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifiedSignature {
    pub name: String,
    pub key_id: u32,
    pub kind: SignatureType,
    /// A cosignature's timestamp (POSIX seconds).
    pub timestamp: Option<u64>,
}

/// A note whose signatures by known keys all verified, with at least one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenedNote {
    pub note: Note,
    /// One per known key (a key's repeated signature counts once).
    pub verified: Vec<VerifiedSignature>,
}

impl OpenedNote {
    /// Whether `key` is among the verified signers.
    pub fn signed_by(&self, key: &VerifierKey) -> bool {
        self.verified.iter().any(|v| v.name == key.name && v.key_id == key.key_id && v.kind == key.kind)
    }

    /// How many of `keys` verified.
    pub fn count_signed_by(&self, keys: &[VerifierKey]) -> usize {
        keys.iter().filter(|key| self.signed_by(key)).count()
    }
}

/// Reads and verifies a note with the known keys: unknown signatures are ignored, a known key's signature
/// that fails refuses the note, and at least one known key must have signed.
pub fn open(note: &str, known: &[VerifierKey]) -> Result<OpenedNote, TlogError> {
    let note = Note::parse(note)?;
    let mut verified: Vec<VerifiedSignature> = Vec::new();
    for signature in &note.signatures {
        let mut matching = known.iter().filter(|k| k.name == signature.name && k.key_id == signature.key_id);
        let Some(key) = matching.next() else { continue };
        if matching.any(|other| other != key) {
            return Err(TlogError::AmbiguousKey { name: key.name.clone(), key_id: key.key_id });
        }
        let timestamp = key
            .verifies(&note.text, &signature.signature)
            .map_err(|()| TlogError::SignatureInvalid { name: signature.name.clone(), key_id: signature.key_id })?;
        if !verified.iter().any(|v| v.name == key.name && v.key_id == key.key_id) {
            verified.push(VerifiedSignature { name: key.name.clone(), key_id: key.key_id, kind: key.kind, timestamp });
        }
    }
    if verified.is_empty() {
        return Err(TlogError::NoteUnverified);
    }
    Ok(OpenedNote { note, verified })
}

/// Signs `text` (ending in a newline) with each signer: the whole note.
pub fn sign(text: &str, signers: &[&NoteSigner], time: u64) -> Result<String, TlogError> {
    let mut note = Note { text: text.to_owned(), signatures: Vec::new() };
    for signer in signers {
        note.add_signature(signer.sign(text, time)?);
    }
    Ok(note.to_text())
}
