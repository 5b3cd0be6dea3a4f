//! Ed25519 signing (RFC 8032 §5.1.6) on curve25519-dalek's primitives, with the basepoint table built once
//! at run time instead of linked in: ed25519-dalek's `SigningKey` multiplies by a 30 KB precomputed table,
//! incompressible data in every wasm download, and building the same table takes well under a millisecond.
//! The steps are ed25519-dalek's own `raw_sign`; tests require byte-identical signatures to its `SigningKey`
//! for random seeds and messages, and the RFC 8032 vectors. Verification stays with ed25519-dalek.

use std::sync::OnceLock;

use curve25519_dalek::constants::ED25519_BASEPOINT_POINT;
use curve25519_dalek::edwards::EdwardsBasepointTable;
use curve25519_dalek::scalar::Scalar;
use curve25519_dalek::traits::BasepointTable as _;
use ed25519_dalek::hazmat::ExpandedSecretKey;
use ed25519_dalek::VerifyingKey;
use sha2::{Digest, Sha512};

/// Multiples of the basepoint for constant-time fixed-base multiplication, built on first use.
fn basepoint_table() -> &'static EdwardsBasepointTable {
    static TABLE: OnceLock<EdwardsBasepointTable> = OnceLock::new();
    TABLE.get_or_init(|| EdwardsBasepointTable::create(&ED25519_BASEPOINT_POINT))
}

/// An Ed25519 key expanded from its 32-byte seed; the secret half is wiped on drop (`ExpandedSecretKey`).
pub struct SigningKey {
    secret: ExpandedSecretKey,
    public: VerifyingKey,
}

impl SigningKey {
    pub fn from_seed(seed: &[u8; 32]) -> Self {
        let secret = ExpandedSecretKey::from(seed);
        let public = VerifyingKey::from(&secret.scalar * basepoint_table());
        Self { secret, public }
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.public.to_bytes()
    }

    /// R = r·B with r = H(prefix ‖ M); S = r + H(R ‖ A ‖ M)·a (mod ℓ).
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let r = scalar_of_hash(&[&self.secret.hash_prefix, message]);
        let big_r = (&r * basepoint_table()).compress();
        let k = scalar_of_hash(&[big_r.as_bytes(), self.public.as_bytes(), message]);
        let s = k * self.secret.scalar + r;
        let mut signature = [0u8; 64];
        signature[..32].copy_from_slice(big_r.as_bytes());
        signature[32..].copy_from_slice(s.as_bytes());
        signature
    }
}

fn scalar_of_hash(parts: &[&[u8]]) -> Scalar {
    let mut hasher = Sha512::new();
    for part in parts {
        hasher.update(part);
    }
    Scalar::from_bytes_mod_order_wide(&hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ed25519_dalek::Signer as _;
    use proptest::prelude::*;

    fn unhex<const N: usize>(text: &str) -> [u8; N] {
        let bytes: Vec<u8> =
            (0..text.len()).step_by(2).map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap()).collect();
        bytes.try_into().unwrap()
    }

    /// RFC 8032 §7.1, tests 1–3: public keys and signatures.
    #[test]
    fn rfc8032_vectors() {
        let vectors: [(&str, &str, &str, &str); 3] = [
            (
                "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
                "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a",
                "",
                "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b",
            ),
            (
                "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
                "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c",
                "72",
                "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00",
            ),
            (
                "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
                "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025",
                "af82",
                "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a",
            ),
        ];
        for (seed, public, message, signature) in vectors {
            let key = SigningKey::from_seed(&unhex(seed));
            assert_eq!(key.public_key(), unhex::<32>(public));
            let message: Vec<u8> =
                (0..message.len()).step_by(2).map(|i| u8::from_str_radix(&message[i..i + 2], 16).unwrap()).collect();
            assert_eq!(key.sign(&message), unhex::<64>(signature));
        }
    }

    proptest! {
        #[test]
        fn same_keys_and_signatures_as_ed25519_dalek(seed in any::<[u8; 32]>(), message in prop::collection::vec(any::<u8>(), 0..300)) {
            let ours = SigningKey::from_seed(&seed);
            let reference = ed25519_dalek::SigningKey::from_bytes(&seed);
            prop_assert_eq!(ours.public_key(), reference.verifying_key().to_bytes());
            let signature = ours.sign(&message);
            prop_assert_eq!(signature, reference.sign(&message).to_bytes());
            prop_assert!(reference.verifying_key().verify_strict(&message, &ed25519_dalek::Signature::from_bytes(&signature)).is_ok());
        }
    }
}
