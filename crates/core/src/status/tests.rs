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

/// Issue 30: the facts the rules read are said beside the record, in one language at a time.
#[test]
fn the_facts_the_rules_read_are_listed_beside_the_record() {
    let mut value = penalty("general", "2026-05-10");
    for (key, v) in [
        ("procedure", serde_json::json!("ordinary")),
        ("ban_until", serde_json::json!("2030-05-09")),
        ("lower_fine", serde_json::json!(false)),
        ("cross_province", serde_json::json!(true)),
        ("published_on", serde_json::json!("2026-05-18")),
    ] {
        value[key] = v;
    }
    let record = Record::from_json(value).unwrap();
    assert_eq!(
        record.rule_facts(Lang::Zh),
        ["普通程序", "处罚所附期限至 2030-05-09", "非较低数额罚款", "外省作出", "公示日期 2026-05-18"]
    );
    assert_eq!(record.rule_facts(Lang::En)[1], "term until 2030-05-09");
    let court = Record::from_json(
        serde_json::json!({"id": "c", "kind": "court_dishonest_debtor", "decision_no": "(2026)晋01执1号",
        "authority": "法院", "decided_on": "2026-05-10", "listing_ground": 3}),
    )
    .unwrap();
    assert_eq!(court.rule_facts(Lang::Zh), ["纳入依据：第一条第三项"]);
    assert!(Record::from_json(penalty("general", "2026-05-10")).unwrap().rule_facts(Lang::Zh).is_empty());
}
