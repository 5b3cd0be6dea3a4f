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

/// The review of issue 30, item 2: the penalties as 行政处罚法 第九条 names them, each with its wire name and
/// labels; the two confiscations told apart; 暂扣许可证件 runs for a term; 45号 第十四条第三款 names six
/// penalties never stopped early (not 暂扣许可证件 or 责令关闭).
#[test]
fn penalty_types_follow_article_9_of_the_administrative_penalty_law() {
    let names: Vec<String> =
        PenaltyType::ALL.iter().map(|p| serde_json::to_value(p).unwrap().as_str().unwrap().to_owned()).collect();
    for name in [
        "licence_suspended",
        "ordered_closed",
        "illegal_gains_confiscated",
        "illegal_property_confiscated",
        "other",
        "confiscation",
    ] {
        assert!(names.iter().any(|n| n == name), "{name}");
    }
    for penalty in PenaltyType::ALL {
        assert!(!penalty.label_zh().is_empty() && !penalty.label_en().is_empty());
        let name = serde_json::to_value(penalty).unwrap();
        assert_eq!(serde_json::from_value::<PenaltyType>(name).unwrap(), penalty);
    }
    assert_eq!(PenaltyType::LicenceSuspended.label_zh(), "暂扣许可证件");
    assert_eq!(PenaltyType::OrderedClosed.label_zh(), "责令关闭");
    let termed: Vec<_> = PenaltyType::ALL.into_iter().filter(|p| p.has_term()).collect();
    assert_eq!(
        termed,
        [PenaltyType::LicenceSuspended, PenaltyType::Suspension, PenaltyType::Restriction, PenaltyType::PracticeBan]
    );
    let never: Vec<&str> =
        PenaltyType::ALL.into_iter().filter(|p| p.never_early_in_market_regulation()).map(|p| p.label_zh()).collect();
    assert_eq!(
        never,
        ["责令停产停业", "限制开展生产经营活动", "降低资质等级", "吊销许可证件", "吊销营业执照", "限制从业"]
    );
    assert!(PenaltyType::OrderedClosed.market_weight_unconfirmed() && PenaltyType::Other.market_weight_unconfirmed());
    assert!(!PenaltyType::LicenceSuspended.market_weight_unconfirmed());
}

/// The penalty as the decision names it travels with the record and is shown beside it; a blank or hidden text
/// is refused, and so is “no term” beside a penalty with one.
#[test]
fn the_penalty_as_named_and_has_term_are_read_and_checked() {
    let mut value = penalty("general", "2026-05-10");
    value["penalties"] = serde_json::json!(["fine", "other"]);
    value["penalty_as_named"] = serde_json::json!("罚款人民币 1 万元，责令停止招生");
    value["has_term"] = serde_json::json!(false);
    let record = Record::from_json(value.clone()).unwrap();
    record.check().unwrap();
    assert_eq!(record.rule_facts(Lang::Zh), ["决定书载明：罚款人民币 1 万元，责令停止招生", "无附带期限的处罚或措施"]);
    assert_eq!(serde_json::to_value(&record).unwrap()["penalty_as_named"], "罚款人民币 1 万元，责令停止招生");
    for (key, bad) in
        [("penalty_as_named", serde_json::json!("  ")), ("penalty_as_named", serde_json::json!("罚款\u{202E}"))]
    {
        let mut v = value.clone();
        v[key] = bad;
        let error = Record::from_json(v).unwrap().check().unwrap_err();
        assert!(matches!(&error, RecordError::Invalid { field, .. } if field == "penalty_as_named"), "{error}");
    }
    let mut termed = value;
    termed["penalties"] = serde_json::json!(["licence_suspended"]);
    let error = Record::from_json(termed).unwrap().check().unwrap_err();
    assert!(matches!(&error, RecordError::Invalid { field, .. } if field == "has_term"), "{error}");
}
