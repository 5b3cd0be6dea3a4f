//! The JS-facing functions in headless Chromium (wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use xinnuo_wasm::codes::{check_codes, validate_code, validate_codes};

wasm_bindgen_test_configure!(run_in_browser);

fn field(value: &JsValue, name: &str) -> JsValue {
    js_sys::Reflect::get(value, &JsValue::from_str(name)).expect("field present")
}

#[wasm_bindgen_test]
fn validate_code_returns_a_plain_report_object() {
    let report = validate_code("９１３５０１００Ｍ０００１００Ｙ４３", None).expect("report");
    assert_eq!(field(&report, "valid"), JsValue::TRUE);
    assert_eq!(field(&report, "kind").as_string().as_deref(), Some("uscc"));
    assert_eq!(field(&report, "normalized").as_string().as_deref(), Some("91350100M000100Y43"));
    let parts = field(&report, "parts");
    assert_eq!(field(&parts, "org_code").as_string().as_deref(), Some("M000100Y-4"));
}

#[wasm_bindgen_test]
fn errors_carry_position_and_both_languages() {
    let report = validate_code("91140105123456788E", None).expect("report");
    let errors: js_sys::Array = field(&report, "errors").into();
    let first = errors.get(0);
    assert_eq!(field(&first, "code").as_string().as_deref(), Some("check_symbol_wrong"));
    assert_eq!(field(&first, "position").as_f64(), Some(18.0));
    assert!(field(&first, "message_zh").as_string().unwrap_or_default().contains("校验码"));
    let suggestions: js_sys::Array = field(&report, "suggestions").into();
    assert_eq!(suggestions.get(0).as_string().as_deref(), Some("91140105123456788F"));
}

#[wasm_bindgen_test]
fn province_option_warns_and_bad_province_throws() {
    let options = js_sys::Object::new();
    js_sys::Reflect::set(&options, &"province".into(), &"山西".into()).expect("set");
    let report = validate_code("91350100M000100Y43", Some(options.clone().unchecked_into())).expect("report");
    let warnings: js_sys::Array = field(&report, "warnings").into();
    assert_eq!(field(&warnings.get(0), "code").as_string().as_deref(), Some("outside_province"));
    js_sys::Reflect::set(&options, &"province".into(), &"火星".into()).expect("set");
    assert!(validate_code("91350100M000100Y43", Some(options.unchecked_into())).is_err());
}

#[wasm_bindgen_test]
fn batch_functions_agree() {
    let text = "91350100M000100Y43\n91140105123456788E,M000100Y-4\n\n";
    let reports: js_sys::Array = validate_codes(text, None).expect("reports").into();
    assert_eq!(reports.length(), 3);
    let bytes = check_codes(text);
    assert_eq!(bytes.len(), 3);
    for (index, byte) in bytes.iter().enumerate() {
        let valid = field(&reports.get(index as u32), "valid") == JsValue::TRUE;
        assert_eq!(byte & 0x80 != 0, valid);
    }
}

/// Keys, signing and verification with the browser's own randomness and clock.
#[wasm_bindgen_test]
fn a_key_made_in_the_browser_signs_a_commitment_that_verifies() {
    use xinnuo_wasm::commitment::{create_key, sign_commitment, verify_envelope};
    let key = create_key("browser passphrase", None).expect("key");
    let key_file = field(&key, "keyFile").as_string().expect("key file");
    let filled = js_sys::JSON::parse(
        r#"{"template_id":"tax-service","values":{"subject_name":"山西示例科技有限公司","credit_code":"91140105123456788F",
        "legal_rep":"张三","phone":"13812345678","matter":"办理涉税事项","tax_authority":"小店区税务局","filer":"self",
        "confirm_read":true,"confirm_publish":true}}"#,
    )
    .expect("json");
    let jws = sign_commitment(&key_file, "browser passphrase", filled.clone().unchecked_into()).expect("signed");
    let verified = verify_envelope(&jws).expect("report");
    assert_eq!(field(&verified, "valid"), JsValue::TRUE);
    assert_eq!(field(&verified, "kid"), field(&key, "kid"));
    let wrong = sign_commitment(&key_file, "not the passphrase", filled.unchecked_into());
    assert!(wrong.is_err(), "a wrong passphrase is refused");
}
