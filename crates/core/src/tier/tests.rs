use serde_json::json;

use super::*;
use crate::status::{PenaltyClass, Profile, Record};

fn profile(records: serde_json::Value, grades: serde_json::Value) -> Profile {
    Profile::from_json(json!({"credit_code": "91140105123456788F", "name": "山西示例科技有限公司", "demo": true,
        "records": records, "grades": grades}))
    .unwrap()
}

fn tier(records: serde_json::Value, grades: serde_json::Value, on: &str) -> Tier {
    summarize(&profile(records, grades), Date::parse(on).unwrap()).tier
}

fn penalty(class: &str, decided_on: &str) -> serde_json::Value {
    json!({"id": format!("p-{class}"), "kind": "administrative_penalty", "decision_no": "晋示例罚〔2026〕1号",
        "authority": "示例局", "decided_on": decided_on, "class": class})
}

#[test]
fn tiers_follow_the_records_and_grades() {
    let tax = |grade: &str| json!([{"scheme": "tax_credit", "grade": grade, "year": 2025, "authority": "国家税务总局山西省税务局", "source": "纳税信用评价结果公布"}]);
    assert_eq!(tier(json!([]), json!([]), "2026-11-26"), Tier::Normal);
    assert_eq!(tier(json!([]), tax("A"), "2026-11-26"), Tier::Trustworthy);
    assert_eq!(tier(json!([]), tax("C"), "2026-11-26"), Tier::Attention);
    assert_eq!(tier(json!([]), tax("D"), "2026-11-26"), Tier::Serious);
    // A general penalty is active for a year, then — its obligations met — the tier returns to normal; with
    // obligations open the 36号 maximum does not end it.
    assert_eq!(tier(json!([penalty("general", "2026-01-05")]), json!([]), "2026-11-26"), Tier::Attention);
    let mut met = penalty("general", "2025-01-06");
    met["obligations_met_on"] = json!("2025-02-01");
    assert_eq!(tier(json!([met]), json!([]), "2026-11-26"), Tier::Normal);
    assert_eq!(tier(json!([penalty("general", "2025-01-06")]), json!([]), "2026-11-26"), Tier::Attention);
    // A minor record does not change the tier, even with tax A.
    assert_eq!(tier(json!([penalty("minor", "2026-11-01")]), tax("A"), "2026-11-26"), Tier::Trustworthy);
    // Tax A does not outweigh an active negative record.
    assert_eq!(tier(json!([penalty("general", "2026-06-01")]), tax("A"), "2026-11-26"), Tier::Attention);
    let court = json!([{"id": "c1", "kind": "court_dishonest_debtor", "decision_no": "(2026)晋01执1号", "authority": "太原市中级人民法院", "decided_on": "2026-02-02"}]);
    assert_eq!(tier(court, json!([]), "2026-11-26"), Tier::Serious);
    // Repaired: recomputed.
    let mut repaired = penalty("general", "2026-01-05");
    repaired["removed_on"] = json!("2026-06-01");
    assert_eq!(tier(json!([repaired]), json!([]), "2026-11-26"), Tier::Normal);
}

#[test]
fn the_summary_says_it_is_not_official_and_gives_measures_with_sources() {
    let summary =
        summarize(&profile(json!([penalty("serious", "2026-05-05")]), json!([])), Date::parse("2026-11-26").unwrap());
    assert_eq!(summary.label.zh, "本工具汇总，非官方评级");
    assert_eq!(summary.name.zh, "需关注");
    assert_eq!(summary.reasons.len(), 1);
    assert!(summary.reasons[0].message.zh.contains("仍在公示期内"));
    assert!(!summary.measures.is_empty() && summary.measures.iter().all(|m| !m.source.is_empty()));
    assert_eq!(tier_table().len(), 4);
}

#[test]
fn every_tier_has_its_name_from_the_table_and_its_serde_name() {
    for tier in Tier::ALL {
        assert_eq!(serde_json::to_value(tier).unwrap(), tier.as_str());
        assert_ne!(tier.name().zh, tier.as_str(), "{tier:?} is named in rules/tiers.json");
    }
    assert_eq!(Tier::Attention.name().zh, "需关注");
    assert_eq!(Tier::Serious.name().en, "Seriously dishonest");
}

#[test]
fn a_broken_commitment_is_a_dishonesty_record_until_its_publication_ends() {
    let broken = json!({"id": "broken-1", "kind": "broken_commitment", "decision_no": "国家税务总局山西省税务局 违诺认定 1a2b3c4d",
        "authority": "国家税务总局山西省税务局", "decided_on": "2026-11-02", "summary": "未按承诺期限补交材料"});
    assert_eq!(tier(json!([broken.clone()]), json!([]), "2026-12-02"), Tier::Attention);
    let record = Record::from_json(broken).unwrap();
    let evaluation = crate::repair::evaluate(&record, &[], Date::parse("2026-12-02").unwrap()).unwrap();
    assert_eq!(evaluation.class, Some(PenaltyClass::General));
    assert!(evaluation.class_guessed, "no class given: taken as general, and said to be a guess");
    assert_eq!(RecordKind::BrokenCommitment.label_zh(), "违背信用承诺");
}

/// The statics build.rs wrote are `rules/tiers.json`, read with serde (unknown members refused).
#[test]
fn the_compiled_tiers_are_the_file() {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct TierFile {
        label: Text,
        tiers: Vec<TierInfo>,
    }
    let file: TierFile = serde_json::from_str(include_str!("../../rules/tiers.json")).expect("tiers.json");
    assert_eq!(file.label, LABEL);
    assert_eq!(file.tiers, TIERS);
}
