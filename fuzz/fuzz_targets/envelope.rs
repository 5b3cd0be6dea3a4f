//! JWS parsing and verification, signed files and key files from arbitrary text: errors, never panics, and
//! never a valid verdict for input we did not sign.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinnuo_core::{bundle, commitment, envelope, enrolment, receipt};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Ok(verified) = envelope::verify(text) {
        // Only possible with a real signature; its id must match the signing input.
        assert_eq!(verified.submission_id.len(), 64);
    }
    let _ = commitment::verify(text);
    let _ = receipt::verify(text);
    let _ = enrolment::verify(text);
    let _ = bundle::verify(text);
    if let Ok(file) = envelope::keyfile::parse(text) {
        // A wrong passphrase or a tampered file is an error, not a panic (parameters are bounded first).
        let _ = envelope::keyfile::open(&file, "fuzz passphrase");
    }
});
