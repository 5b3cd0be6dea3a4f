//! The JS-facing functions in headless Chromium (wasm-bindgen-test-runner).
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;
use xinnuo_wasm::{check_codes, validate_code, validate_codes};

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
