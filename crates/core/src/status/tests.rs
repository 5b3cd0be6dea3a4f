use serde_json::json;

use super::*;

fn penalty(class: &str, decided_on: &str) -> serde_json::Value {
    json!({"id": format!("p-{class}"), "kind": "administrative_penalty", "decision_no": "晋示例罚〔2026〕1号",
        "authority": "示例局", "decided_on": decided_on, "class": class})
}

#[test]
fn a_profile_with_a_bad_code_is_refused() {
    let bad = Profile::from_json(json!({"credit_code": "91140105123456788E", "name": "x"}));
    assert!(matches!(bad, Err(RecordError::InvalidCreditCode(_))));
    let bad_field =
        Profile::from_json(json!({"credit_code": "91140105123456788F", "name": "x", "records": [{"id": 1}]}));
    assert!(
        matches!(&bad_field, Err(RecordError::Invalid { field, .. }) if field.starts_with("records[0]")),
        "{bad_field:?}"
    );
}

#[test]
fn names_and_record_texts_that_would_display_otherwise_are_refused() {
    let name = serde_json::json!({ "credit_code": "91140105123456788F", "name": "山西\u{202E}司公", "records": [] });
    let error = Profile::from_json(name).unwrap_err();
    assert!(matches!(&error, RecordError::Invalid { field, .. } if field == "name"), "{error}");
    let mut record = penalty("general", "2026-05-10");
    record["summary"] = "罚款\u{200B}五千元".into();
    let with_record =
        serde_json::json!({ "credit_code": "91140105123456788F", "name": "山西示例", "records": [record] });
    let error = Profile::from_json(with_record).unwrap_err();
    assert!(matches!(&error, RecordError::Invalid { field, .. } if field == "summary"), "{error}");
}
