//! The key-file KDF (Argon2id, 19 MiB by default, at most 256 MiB) on its own, for `web/kdf-worker.js`: deriving
//! a key takes a noticeable fraction of a second, and a hostile file's parameters several seconds, which must
//! not freeze the page. Same function as the core's, so a file sealed in a worker opens anywhere.

use wasm_bindgen::prelude::*;
use xinnuo_core::envelope::keyfile::{self, KdfParams};

/// The 32-byte key for `passphrase` and `salt` under Argon2id with memory `m` KiB, `t` passes and `p` lanes;
/// throws (zh / en) when the parameters are outside the accepted range.
#[wasm_bindgen(js_name = deriveKey)]
pub fn derive_key(passphrase: &str, salt: &[u8], m: u32, t: u32, p: u32) -> Result<Vec<u8>, JsError> {
    keyfile::derive(passphrase, salt, KdfParams { m, t, p })
        .map(|key| key.to_vec())
        .map_err(|error| JsError::new(&error.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn derives_what_the_core_derives() {
        let key = derive_key("correct horse battery", &[1; 16], 19_456, 2, 1).ok().unwrap();
        let core = keyfile::derive("correct horse battery", &[1; 16], KdfParams::RECOMMENDED).unwrap();
        assert_eq!(key, core.to_vec());
    }
}
