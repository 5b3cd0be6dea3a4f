use super::*;

/// RFC 8037 appendix A.1: the Ed25519 example key.
const RFC8037_D: &str = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const RFC8037_X: &str = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";

fn rfc_seed() -> [u8; 32] {
    unb64(RFC8037_D, "d").unwrap().try_into().unwrap()
}

#[test]
fn rfc8037_public_key_thumbprint_and_signature() {
    let seed = rfc_seed();
    assert_eq!(b64(&public_key(&seed)), RFC8037_X);
    // A.3: the JWK thumbprint.
    assert_eq!(thumbprint(&public_key(&seed)), "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
    // A.4: Ed25519 signing of the compact example (Ed25519 is deterministic).
    let input = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
    let signature = SigningKey::from_seed(&seed).sign(input.as_bytes());
    assert_eq!(
        b64(&signature),
        "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    );
}

#[test]
fn rfc8785_canonical_form() {
    // RFC 8785 §3.2.2 / §3.2.3: sorting, number and string serialisation.
    let input = r#"{"numbers":[333333333.33333329,1E30,4.50,2e-3,0.000000000000000000000000001],"string":"\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/","literals":[null,true,false]}"#;
    let value: Value = serde_json::from_str(input).unwrap();
    let expected = r#"{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}"#;
    assert_eq!(String::from_utf8(canonicalize(&value).unwrap()).unwrap(), expected);
    // Property sorting is by UTF-16 code units.
    let value: Value =
        serde_json::from_str(r#"{"\u20ac":1,"\r":2,"1":3,"\ud83d\ude00":4,"\u0080":5,"\u00f6":6}"#).unwrap();
    assert_eq!(
        String::from_utf8(canonicalize(&value).unwrap()).unwrap(),
        "{\"\\r\":2,\"1\":3,\"\u{80}\":5,\"ö\":6,\"€\":1,\"😀\":4}"
    );
}

fn payload() -> Value {
    json!({ "template": { "id": "tax-service", "version": 1 }, "credit_code": "91140105123456788F", "nonce": "abc", "signed_at": "2026-11-26T10:00:00+08:00" })
}

#[test]
fn sign_then_verify_round_trip() {
    let jws = sign(&payload(), &rfc_seed()).unwrap();
    let verified = verify(&jws.to_json()).unwrap();
    assert_eq!(verified.payload, payload());
    assert_eq!(verified.kid, thumbprint(&public_key(&rfc_seed())));
    assert_eq!(verified.submission_id, submission_id(&jws.protected, &jws.payload));
    assert_eq!(verified.submission_id.len(), 64);
    // Deterministic: the same content and key give the same submission (a retry is not a new one).
    assert_eq!(sign(&payload(), &rfc_seed()).unwrap(), jws);
}

#[test]
fn tampering_and_wrong_keys_are_rejected() {
    let jws = sign(&payload(), &rfc_seed()).unwrap();
    let mut changed = payload();
    changed["credit_code"] = json!("91350100M000100Y43");
    let tampered = FlattenedJws { payload: b64(&canonicalize(&changed).unwrap()), ..jws.clone() };
    assert_eq!(verify(&tampered.to_json()), Err(EnvelopeError::BadSignature));

    // Another key's header with this signature.
    let other = sign(&payload(), &[7u8; 32]).unwrap();
    let swapped = FlattenedJws { protected: other.protected.clone(), ..jws.clone() };
    assert_eq!(verify(&swapped.to_json()), Err(EnvelopeError::BadSignature));

    // A kid that does not belong to the key.
    let header = json!({ "alg": ALG, "kid": "not-the-thumbprint", "jwk": public_jwk(&public_key(&rfc_seed())) });
    let forged = FlattenedJws { protected: b64(&canonicalize(&header).unwrap()), ..jws.clone() };
    assert_eq!(verify(&forged.to_json()), Err(EnvelopeError::KidMismatch));

    // alg "none" and friends.
    let header = json!({ "alg": "none", "kid": "x", "jwk": public_jwk(&public_key(&rfc_seed())) });
    let none = FlattenedJws { protected: b64(&canonicalize(&header).unwrap()), ..jws.clone() };
    assert_eq!(verify(&none.to_json()), Err(EnvelopeError::UnsupportedAlgorithm("none".into())));
}

#[test]
fn malformed_envelopes_get_typed_errors() {
    assert!(matches!(verify("{"), Err(EnvelopeError::MalformedJson(_))));
    assert_eq!(verify("{}"), Err(EnvelopeError::MissingField("protected")));
    assert_eq!(verify(r#"{"protected":"!!","payload":"","signature":""}"#), Err(EnvelopeError::BadBase64("protected")));
    let jws = sign(&payload(), &rfc_seed()).unwrap();
    let short = FlattenedJws { signature: b64(&[0u8; 10]), ..jws.clone() };
    assert_eq!(verify(&short.to_json()), Err(EnvelopeError::BadSignature));
    // A correctly signed but non-canonical payload is refused: the signed bytes must be the JCS bytes.
    let key = SigningKey::from_seed(&rfc_seed());
    let loose = b64(br#"{ "b":1, "a":2 }"#);
    let signature = key.sign(format!("{}.{loose}", jws.protected).as_bytes());
    let non_canonical = FlattenedJws { payload: loose, signature: b64(&signature), ..jws };
    assert_eq!(verify(&non_canonical.to_json()), Err(EnvelopeError::NotCanonical));
}

#[test]
fn fingerprints_are_base32_in_groups_of_four_and_name_their_key_back() {
    // RFC 4648 §10's vectors, without padding.
    assert_eq!(super::base32(b""), "");
    assert_eq!(super::base32(b"f"), "MY");
    assert_eq!(super::base32(b"foobar"), "MZXW6YTBOI");
    let kid = thumbprint(&public_key(&rfc_seed()));
    let shown = fingerprint_groups(&kid);
    // 32 bytes: 52 symbols, 13 groups, only A–Z and 2–7 (nothing read as 0, 1 or 8).
    let groups: Vec<&str> = shown.split(' ').collect();
    assert_eq!(groups.len(), 13, "{shown}");
    assert!(groups
        .iter()
        .all(|g| g.len() == 4 && g.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))));
    // Typed back as people do (spaces, lower case) it names the same key; a kid stays itself.
    assert_eq!(kid_from_fingerprint(&shown), kid);
    assert_eq!(kid_from_fingerprint(&shown.to_lowercase().replace(' ', "  ")), kid);
    assert_eq!(kid_from_fingerprint(&kid), kid);
    assert_eq!(kid_from_fingerprint(&format!(" {} ", &kid)), kid);
    // Not a thumbprint: grouped as it is, never a panic.
    assert_eq!(fingerprint_groups("kPrK_qmxVWaY"), "kPrK _qmx VWaY");
    assert_eq!(fingerprint_groups(""), "");
    assert_eq!(kid_from_fingerprint("0OI1 ???"), "0OI1???");
}

#[test]
fn members_we_do_not_define_are_refused_wherever_they_are() {
    let jws = sign(&payload(), &rfc_seed()).unwrap();
    let mut outer: Value = serde_json::from_str(&jws.to_json()).unwrap();
    outer["header"] = json!({ "note": "unsigned words published beside a signature" });
    assert_eq!(verify(&outer.to_string()), Err(EnvelopeError::UnexpectedMember("header".into())));

    let public = public_jwk(&public_key(&rfc_seed()));
    let kid = thumbprint(&public_key(&rfc_seed()));
    let resign = |header: Value| {
        let protected = b64(&canonicalize(&header).unwrap());
        let payload = b64(&canonicalize(&payload()).unwrap());
        let signature = SigningKey::from_seed(&rfc_seed()).sign(format!("{protected}.{payload}").as_bytes());
        FlattenedJws { protected, payload, signature: b64(&signature) }.to_json()
    };
    let extra_header = json!({ "alg": ALG, "kid": kid, "jwk": public, "crit": ["x"] });
    assert_eq!(verify(&resign(extra_header)), Err(EnvelopeError::UnexpectedMember("protected.crit".into())));
    let mut private_jwk = public.clone();
    private_jwk["d"] = json!(RFC8037_D);
    let extra_jwk = json!({ "alg": ALG, "kid": kid, "jwk": private_jwk });
    assert_eq!(verify(&resign(extra_jwk)), Err(EnvelopeError::UnexpectedMember("protected.jwk.d".into())));
    // The exact header verifies, and the verified JWS is the one signed.
    let exact = resign(json!({ "alg": ALG, "kid": kid, "jwk": public }));
    assert_eq!(verify(&exact).unwrap().jws.to_json(), exact);
}

#[test]
fn labelled_bytes_can_never_stand_in_for_a_jws_signature() {
    let signer = Signer::from_seed(&rfc_seed());
    let jws = signer.sign(&payload()).unwrap();
    let input = format!("{}.{}", jws.protected, jws.payload);
    // A caller who asks for a signature over a JWS signing input gets one over the label and the input.
    let signature = signer.sign_labelled_bytes(input.as_bytes());
    assert!(verify_labelled_bytes(&signer.public_key(), input.as_bytes(), &signature));
    let forged = FlattenedJws { signature: b64(&signature), ..jws };
    assert_eq!(verify(&forged.to_json()), Err(EnvelopeError::BadSignature));
    assert!(!BYTES_LABEL.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(b)));
}

#[test]
fn the_quick_canonical_check_answers_as_the_canonical_form_does() {
    let texts = [
        r#"{"a":1,"b":[true,false,null],"c":{"d":"e"}}"#,
        r#"{"b":1,"a":2}"#,
        r#"{"a": 1}"#,
        r#"{"a":1.0}"#,
        r#"{"a":1}"#,
        r#"{"a":1e2}"#,
        r#"{"a":0.1}"#,
        r#"{"a":-0}"#,
        r#"{"a":9007199254740993}"#,
        r#"{"a":9007199254740992}"#,
        r#"{"a":-9007199254740992}"#,
        r#"{"a":18446744073709551615}"#,
        r#"{"a":"\u001f\b\t\n\f\r\"\\/"}"#,
        r#"{"a":"\u001F"}"#,
        r#"{"a":"\/"}"#,
        r#"{"a":"é山"}"#,
        r#"{"a":"\u00e9"}"#,
        r#"{"\uffff":1,"😀":2}"#,
        r#"{"😀":2,"\uffff":1}"#,
        r#"{"a":1,"a":2}"#,
        r#"[{"z":1,"y":{"b":[1,2,{"d":1,"c":2}]}}]"#,
    ];
    for text in texts {
        let value: Value = serde_json::from_str(text).unwrap();
        // JCS's own output is the oracle; `canonicalize_value` takes the quick path, and must agree with it.
        let jcs = serde_json_canonicalizer::to_vec(&value).unwrap();
        assert_eq!(canonicalize_value(&value).unwrap(), jcs, "{text}");
        assert_eq!(is_canonical(&value, text.as_bytes()).unwrap(), jcs == text.as_bytes(), "{text}");
    }
    // Canonical texts are recognised whichever path reads them (a DEL and a raw control character included).
    for text in [r#"{"a":1,"b":"c"}"#, r#"{"\uffff":1,"😀":2}"#, r#"{"a":1e+21}"#, "{\"a\":\"\u{7f}\\u0001\"}"] {
        let value: Value = serde_json::from_str(text).unwrap();
        let canonical = canonicalize(&value).unwrap();
        assert!(is_canonical(&value, &canonical).unwrap(), "{text}");
    }
}

/// The quick canonical check is on in this build (it is what keeps verification at its measured cost): this
/// build's serde_json sorts map keys and reads `-0` as a float.
#[test]
fn the_quick_canonical_check_is_on_in_this_build() {
    assert!(super::plain_serde_json());
}

/// A key kept between verifications (`key-cache`) changes nothing but the time: each signature is checked
/// again, and a key that is no point is refused each time.
#[test]
fn a_key_kept_between_verifications_checks_every_signature_again() {
    let signer = Signer::from_seed(&rfc_seed());
    let jws = signer.sign(&payload()).unwrap();
    for _ in 0..3 {
        assert!(verify(&jws.to_json()).is_ok());
        let mut forged = jws.clone();
        forged.signature = b64(&[7; 64]);
        assert_eq!(verify(&forged.to_json()), Err(EnvelopeError::BadSignature));
    }
    // A y coordinate with no point on the curve (2 is not one): never a key, cached or not.
    let mut not_a_point = [0u8; 32];
    not_a_point[0] = 2;
    for _ in 0..2 {
        assert_eq!(verifying_key(&not_a_point).err(), Some(EnvelopeError::BadPublicKey));
    }
    // Two keys kept side by side: each verifies its own documents only.
    let other = Signer::from_seed(&[9; 32]);
    let theirs = other.sign(&payload()).unwrap();
    for _ in 0..2 {
        assert!(verify(&theirs.to_json()).is_ok());
        assert!(verify(&jws.to_json()).is_ok());
        let crossed = FlattenedJws { signature: theirs.signature.clone(), ..jws.clone() };
        assert_eq!(verify(&crossed.to_json()), Err(EnvelopeError::BadSignature));
    }
    assert_eq!(verifying_key(&signer.public_key()).map(|key| key.to_bytes()), Ok(signer.public_key()));
    assert_eq!(verifying_key(&other.public_key()).map(|key| key.to_bytes()), Ok(other.public_key()));
}
