//! The key-file cryptography on its own, for `web/kdf-worker.js`: Argon2id (19 MiB by default, at most 256 MiB)
//! and AES-256-GCM, the core's `keyfile::seal` and `keyfile::open`. Deriving a key takes a noticeable fraction
//! of a second, and a hostile file's parameters several seconds, which must not freeze the page; and the
//! pages that sign (the commitment form, its widget) download neither cipher on a first visit — this module
//! comes only when a key is made or unlocked. Same functions as the core's, so a file sealed in a worker opens
//! anywhere.

use wasm_bindgen::prelude::*;
use xinnuo_core::envelope::keyfile::{self, KeyFileError};
use xinnuo_core::wire::ErrorItem;

/// A refusal as the page shows it: `{ code, message_zh, message_en }` (the core's stable code and its two
/// messages; the members the package's errors have).
fn refusal(error: KeyFileError) -> JsValue {
    let item = ErrorItem::of(&error);
    let object = js_sys::Object::new();
    for (name, value) in [("code", &item.code), ("message_zh", &item.message_zh), ("message_en", &item.message_en)] {
        let _ = js_sys::Reflect::set(&object, &JsValue::from_str(name), &JsValue::from_str(value));
    }
    object.into()
}

fn exactly<const N: usize>(bytes: &[u8], what: &str) -> Result<[u8; N], JsValue> {
    bytes.try_into().map_err(|_| refusal(KeyFileError::Malformed(format!("{what} must have {N} bytes"))))
}

/// A new key file (JSON text) sealing `seed` under `passphrase`; `salt` (16 bytes) and `nonce` (12) fresh from
/// the caller. Throws `{ code, message_zh, message_en }` (a passphrase under 8 characters: `weak_passphrase`).
#[wasm_bindgen(js_name = sealKeyFile)]
pub fn seal_key_file(
    seed: &[u8],
    passphrase: &str,
    salt: &[u8],
    nonce: &[u8],
    created_at: &str,
    label: Option<String>,
) -> Result<String, JsValue> {
    let seed = zeroize::Zeroizing::new(exactly::<32>(seed, "seed")?);
    let file = keyfile::seal(&seed, passphrase, &exactly(salt, "salt")?, &exactly(nonce, "nonce")?, created_at, label)
        .map_err(refusal)?;
    serde_json::to_string(&file).map_err(|error| refusal(KeyFileError::Malformed(error.to_string())))
}

/// The 32-byte seed of a key file (JSON text) opened with `passphrase`. Throws `{ code, message_zh, message_en }`
/// (`wrong_passphrase`, `bad_kdf_params` for a hostile file's parameters, …).
#[wasm_bindgen(js_name = openKeyFile)]
pub fn open_key_file(file: &str, passphrase: &str) -> Result<Vec<u8>, JsValue> {
    let file = keyfile::parse(file).map_err(refusal)?;
    keyfile::open(&file, passphrase).map(|seed| seed.to_vec()).map_err(refusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    // Natively the refusals cannot be built (they are JS objects): only the successes are compared here; the
    // refusals are seen in the browser (`trust.test.mjs`, `keys.test.mjs`).
    #[test]
    fn seals_and_opens_what_the_core_does() {
        let seed = [7u8; 32];
        let text = seal_key_file(&seed, "correct horse battery", &[1; 16], &[2; 12], "2026-12-03T00:00:00Z", None)
            .ok()
            .unwrap();
        let core =
            keyfile::seal(&seed, "correct horse battery", &[1; 16], &[2; 12], "2026-12-03T00:00:00Z", None).unwrap();
        assert_eq!(keyfile::parse(&text).unwrap(), core);
        assert_eq!(*keyfile::open(&core, "correct horse battery").unwrap(), seed);
        assert_eq!(open_key_file(&text, "correct horse battery").ok().unwrap(), seed.to_vec());
    }
}
