//! Encrypted key files: the Ed25519 seed sealed with AES-256-GCM under a key derived from a passphrase
//! with Argon2id. The public parts (kid, JWK, KDF parameters) are authenticated as associated data, so a
//! file cannot be re-labelled. Salt, nonce and seed come from the caller (the core draws no randomness).

use crate::lang::Lang;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use zeroize::Zeroizing;

use super::{public_jwk, public_key, thumbprint};

pub const KEY_FILE_TYPE: &str = "xinnuo.key/1";

/// Argon2id parameters (OWASP's recommended minimum: 19 MiB, 2 passes, 1 lane).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KdfParams {
    /// Memory in KiB.
    pub m: u32,
    pub t: u32,
    pub p: u32,
}

impl KdfParams {
    pub const RECOMMENDED: Self = Self { m: 19_456, t: 2, p: 1 };
    /// Files asking for less are refused: a weak file would be a downgrade.
    const MINIMUM: Self = Self { m: 19_456, t: 2, p: 1 };
    /// And more than this is refused too, so a hostile file cannot exhaust memory or freeze a tab: 256 MiB,
    /// 4 passes.
    const MAXIMUM: Self = Self { m: 256 * 1024, t: 4, p: 4 };

    /// Within [`Self::MINIMUM`] and [`Self::MAXIMUM`].
    pub fn check(self) -> Result<Self, KeyFileError> {
        let within = |v: u32, lo: u32, hi: u32| (lo..=hi).contains(&v);
        let (lo, hi) = (Self::MINIMUM, Self::MAXIMUM);
        if within(self.m, lo.m, hi.m) && within(self.t, lo.t, hi.t) && within(self.p, lo.p, hi.p) {
            Ok(self)
        } else {
            Err(KeyFileError::BadParams)
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Kdf {
    pub alg: String,
    #[serde(flatten)]
    pub params: KdfParams,
    pub salt: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Sealed {
    pub alg: String,
    pub nonce: String,
    pub ciphertext: String,
}

/// The file a person keeps: only the seed is secret, and it is only ever stored sealed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyFile {
    #[serde(rename = "type")]
    pub file_type: String,
    pub kid: String,
    pub public_jwk: Value,
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    pub kdf: Kdf,
    pub cipher: Sealed,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum KeyFileError {
    Malformed(String),
    Unsupported(String),
    BadParams,
    WrongPassphrase,
    WeakPassphrase,
    KeyMismatch,
}

impl crate::error::Described for KeyFileError {
    fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "malformed_key_file",
            Self::Unsupported(_) => "unsupported_key_file",
            Self::BadParams => "bad_kdf_params",
            Self::WrongPassphrase => "wrong_passphrase",
            Self::WeakPassphrase => "weak_passphrase",
            Self::KeyMismatch => "key_mismatch",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Malformed(detail) => crate::error::in_lang(
                lang,
                format_args!("密钥文件格式不正确：{detail}"),
                format_args!("the key file is malformed: {detail}"),
            ),
            Self::Unsupported(found) => crate::error::in_lang(
                lang,
                format_args!("不支持的密钥文件类型或算法：{found}"),
                format_args!("unsupported key file type or algorithm: {found}"),
            ),
            Self::BadParams => crate::error::in_lang(
                lang,
                format_args!("密钥文件的加密参数超出允许范围"),
                format_args!("the key file's KDF parameters are outside the allowed range"),
            ),
            Self::WrongPassphrase => crate::error::in_lang(
                lang,
                format_args!("口令不正确（或密钥文件已被改动）"),
                format_args!("wrong passphrase (or the key file was altered)"),
            ),
            Self::WeakPassphrase => crate::error::in_lang(
                lang,
                format_args!("口令至少 8 个字符"),
                format_args!("the passphrase must have at least 8 characters"),
            ),
            Self::KeyMismatch => crate::error::in_lang(
                lang,
                format_args!("密钥文件中的公钥与私钥不符"),
                format_args!("the key file's public key does not match its private key"),
            ),
        }
    }
}
crate::error::display_in_chinese!(KeyFileError);

fn b64(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The passphrase rule, checked before any key is derived from a new passphrase.
pub fn check_passphrase(passphrase: &str) -> Result<(), KeyFileError> {
    if passphrase.chars().count() < 8 {
        return Err(KeyFileError::WeakPassphrase);
    }
    Ok(())
}

/// The salt and KDF parameters of a file: what deriving its key needs.
fn kdf_input(file: &KeyFile) -> Result<(Vec<u8>, KdfParams), KeyFileError> {
    let salt = URL_SAFE_NO_PAD
        .decode(&file.kdf.salt)
        .map_err(|_| KeyFileError::Malformed("kdf.salt is not base64url".into()))?;
    if salt.len() < 16 {
        return Err(KeyFileError::Malformed("salt or nonce has the wrong length".into()));
    }
    Ok((salt, file.kdf.params.check()?))
}

/// Argon2id of the passphrase: the key that seals and opens a key file.
fn derive(passphrase: &str, salt: &[u8], params: KdfParams) -> Result<Zeroizing<[u8; 32]>, KeyFileError> {
    let params = params.check()?;
    let argon_params =
        argon2::Params::new(params.m, params.t, params.p, Some(32)).map_err(|_| KeyFileError::BadParams)?;
    // Argon2's working memory holds values derived from the passphrase: ours, so that it is wiped after use.
    let mut memory = Zeroizing::new(vec![argon2::Block::default(); argon_params.block_count()]);
    let argon = argon2::Argon2::new(argon2::Algorithm::Argon2id, argon2::Version::V0x13, argon_params);
    let mut key = Zeroizing::new([0u8; 32]);
    argon
        .hash_password_into_with_memory(passphrase.as_bytes(), salt, key.as_mut(), memory.as_mut_slice())
        .map_err(|_| KeyFileError::BadParams)?;
    Ok(key)
}

/// Associated data: everything public in the file, canonical.
fn associated_data(file: &KeyFile) -> Result<Vec<u8>, KeyFileError> {
    let public = serde_json::json!({
        "type": file.file_type, "kid": file.kid, "public_jwk": file.public_jwk, "created_at": file.created_at,
        "label": file.label, "kdf": file.kdf, "cipher_alg": file.cipher.alg,
    });
    super::canonicalize(&public).map_err(|e| KeyFileError::Malformed(e.to_string()))
}

/// Seals `seed` under `passphrase`. `salt` (16 bytes) and `nonce` (12 bytes) must be fresh random values.
pub fn seal(
    seed: &[u8; 32],
    passphrase: &str,
    salt: &[u8; 16],
    nonce: &[u8; 12],
    created_at: &str,
    label: Option<String>,
) -> Result<KeyFile, KeyFileError> {
    check_passphrase(passphrase)?;
    let key = derive(passphrase, salt, KdfParams::RECOMMENDED)?;
    seal_with_key(seed, &key, salt, nonce, created_at, label)
}

/// [`seal`] with the key already derived from the passphrase with `salt` and [`KdfParams::RECOMMENDED`].
fn seal_with_key(
    seed: &[u8; 32],
    key: &[u8; 32],
    salt: &[u8; 16],
    nonce: &[u8; 12],
    created_at: &str,
    label: Option<String>,
) -> Result<KeyFile, KeyFileError> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let public = public_key(seed);
    let mut file = KeyFile {
        file_type: KEY_FILE_TYPE.into(),
        kid: thumbprint(&public),
        public_jwk: public_jwk(&public),
        created_at: created_at.into(),
        label,
        kdf: Kdf { alg: "argon2id".into(), params: KdfParams::RECOMMENDED, salt: b64(salt) },
        cipher: Sealed { alg: "A256GCM".into(), nonce: b64(nonce), ciphertext: String::new() },
    };
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).map_err(|_| KeyFileError::BadParams)?;
    let aad = associated_data(&file)?;
    let sealed = cipher
        .encrypt(aes_gcm::Nonce::from_slice(nonce), Payload { msg: seed, aad: &aad })
        .map_err(|_| KeyFileError::BadParams)?;
    file.cipher.ciphertext = b64(&sealed);
    Ok(file)
}

/// Reads a key file (JSON text).
pub fn parse(text: &str) -> Result<KeyFile, KeyFileError> {
    let file: KeyFile = serde_json::from_str(text).map_err(|e| KeyFileError::Malformed(e.to_string()))?;
    if file.file_type != KEY_FILE_TYPE {
        return Err(KeyFileError::Unsupported(file.file_type.chars().take(40).collect()));
    }
    if file.kdf.alg != "argon2id" || file.cipher.alg != "A256GCM" {
        return Err(KeyFileError::Unsupported(format!("{}/{}", file.kdf.alg, file.cipher.alg)));
    }
    // Refused on import, before anyone types a passphrase into it.
    file.kdf.params.check()?;
    Ok(file)
}

/// Opens a key file with its passphrase and returns the seed.
pub fn open(file: &KeyFile, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, KeyFileError> {
    let (salt, params) = kdf_input(file)?;
    open_with_key(file, &*derive(passphrase, &salt, params)?)
}

/// [`open`] with the key already derived (see [`kdf_input`]).
fn open_with_key(file: &KeyFile, key: &[u8; 32]) -> Result<Zeroizing<[u8; 32]>, KeyFileError> {
    use aes_gcm::aead::{Aead, KeyInit, Payload};
    let decode = |field: &str, what: &str| {
        URL_SAFE_NO_PAD.decode(field).map_err(|_| KeyFileError::Malformed(format!("{what} is not base64url")))
    };
    let nonce = decode(&file.cipher.nonce, "cipher.nonce")?;
    let sealed = decode(&file.cipher.ciphertext, "cipher.ciphertext")?;
    if nonce.len() != 12 {
        return Err(KeyFileError::Malformed("salt or nonce has the wrong length".into()));
    }
    let cipher = aes_gcm::Aes256Gcm::new_from_slice(key).map_err(|_| KeyFileError::BadParams)?;
    let aad = associated_data(file)?;
    let plain = Zeroizing::new(
        cipher
            .decrypt(aes_gcm::Nonce::from_slice(&nonce), Payload { msg: &sealed, aad: &aad })
            .map_err(|_| KeyFileError::WrongPassphrase)?,
    );
    let seed: [u8; 32] = plain.as_slice().try_into().map_err(|_| KeyFileError::KeyMismatch)?;
    let seed = Zeroizing::new(seed);
    if thumbprint(&public_key(&seed)) != file.kid || public_jwk(&public_key(&seed)) != file.public_jwk {
        return Err(KeyFileError::KeyMismatch);
    }
    Ok(seed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> KeyFile {
        seal(&[3; 32], "correct horse battery", &[1; 16], &[2; 12], "2026-11-26T00:00:00Z", Some("财务部".into()))
            .unwrap()
    }

    #[test]
    fn opens_with_the_right_passphrase_only() {
        let file = sample();
        let text = serde_json::to_string(&file).unwrap();
        assert!(!text.contains(&b64(&[3; 32])), "seed must never appear in clear");
        let parsed = parse(&text).unwrap();
        assert_eq!(*open(&parsed, "correct horse battery").unwrap(), [3; 32]);
        assert_eq!(open(&parsed, "correct horse batterx"), Err(KeyFileError::WrongPassphrase));
    }

    #[test]
    fn a_relabelled_or_weakened_file_is_refused() {
        let mut file = sample();
        file.label = Some("别人的".into());
        assert_eq!(open(&file, "correct horse battery"), Err(KeyFileError::WrongPassphrase));
        let mut weak = sample();
        weak.kdf.params.m = 8;
        assert_eq!(open(&weak, "correct horse battery"), Err(KeyFileError::BadParams));
        let mut huge = sample();
        huge.kdf.params.m = u32::MAX;
        assert_eq!(open(&huge, "correct horse battery"), Err(KeyFileError::BadParams));
    }

    /// One bit of a base64url value flipped.
    fn flipped(text: &str) -> String {
        let mut bytes = URL_SAFE_NO_PAD.decode(text).unwrap();
        bytes[0] ^= 1;
        b64(&bytes)
    }

    #[test]
    fn every_tampered_part_of_a_file_is_refused() {
        type Tamper = Box<dyn Fn(&mut KeyFile)>;
        let tampered: Vec<(&str, Tamper)> = vec![
            ("t", Box::new(|f| f.kdf.params.t += 1)),
            ("p", Box::new(|f| f.kdf.params.p += 1)),
            ("salt", Box::new(|f| f.kdf.salt = flipped(&f.kdf.salt))),
            ("kid", Box::new(|f| f.kid = flipped(&f.kid))),
            ("public key", Box::new(|f| f.public_jwk["x"] = flipped(f.public_jwk["x"].as_str().unwrap()).into())),
            ("created_at", Box::new(|f| f.created_at = "2026-11-27T00:00:00Z".into())),
            ("nonce", Box::new(|f| f.cipher.nonce = flipped(&f.cipher.nonce))),
            ("ciphertext", Box::new(|f| f.cipher.ciphertext = flipped(&f.cipher.ciphertext))),
        ];
        for (part, tamper) in tampered {
            let mut file = sample();
            tamper(&mut file);
            // Through the text a person would import, then opened with the right passphrase.
            let opened = parse(&serde_json::to_string(&file).unwrap()).and_then(|f| open(&f, "correct horse battery"));
            assert!(opened.is_err(), "a file with its {part} changed still opens");
        }
    }

    #[test]
    fn a_file_that_would_freeze_the_tab_is_refused_on_import() {
        for (m, t) in [(1 << 20, 2), (256 * 1024 + 1, 2), (19_456, 5), (19_456, 10)] {
            let mut hostile = serde_json::to_value(sample()).unwrap();
            hostile["kdf"]["m"] = m.into();
            hostile["kdf"]["t"] = t.into();
            assert_eq!(parse(&hostile.to_string()), Err(KeyFileError::BadParams), "m={m} t={t}");
        }
        let mut largest = serde_json::to_value(sample()).unwrap();
        largest["kdf"]["m"] = (256 * 1024).into();
        largest["kdf"]["t"] = 4.into();
        assert!(parse(&largest.to_string()).is_ok());
    }

    #[test]
    fn deriving_apart_gives_the_same_file_and_seed() {
        let key = derive("correct horse battery", &[1; 16], KdfParams::RECOMMENDED).unwrap();
        let file = seal_with_key(&[3; 32], &key, &[1; 16], &[2; 12], "2026-11-26T00:00:00Z", Some("财务部".into()));
        assert_eq!(file.unwrap(), sample());
        let (salt, params) = kdf_input(&sample()).unwrap();
        let again = derive("correct horse battery", &salt, params).unwrap();
        assert_eq!(*open_with_key(&sample(), &again).unwrap(), [3; 32]);
    }

    #[test]
    fn short_passphrases_and_foreign_files_are_refused() {
        assert_eq!(seal(&[3; 32], "short", &[1; 16], &[2; 12], "t", None), Err(KeyFileError::WeakPassphrase));
        assert!(matches!(parse("{}"), Err(KeyFileError::Malformed(_))));
        let mut other = serde_json::to_value(sample()).unwrap();
        other["type"] = "pgp".into();
        assert!(matches!(parse(&other.to_string()), Err(KeyFileError::Unsupported(_))));
    }
}
