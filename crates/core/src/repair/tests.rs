use serde_json::json;

use super::*;
use crate::calendar::Date;
use crate::status::{PenaltyClass, Record, RecordError};

fn d(text: &str) -> Date {
    Date::parse(text).unwrap()
}

fn record(value: serde_json::Value) -> Record {
    let mut base = json!({
        "id": "r1", "kind": "administrative_penalty", "decision_no": "晋示例罚〔2026〕1号", "authority": "示例局",
        "decided_on": "2026-05-10", "class": "general", "obligations_met_on": "2026-05-20"
    });
    for (key, value) in value.as_object().unwrap() {
        base[key] = value.clone();
    }
    Record::from_json(base).unwrap()
}

fn eval(record: &Record, on: &str) -> Evaluation {
    evaluate(record, &[], d(on)).unwrap()
}

#[test]
fn the_rule_data_is_complete() {
    assert_eq!(regimes().len(), 3);
    assert_eq!(regime_on(d("2019-06-30")), None);
    assert_eq!(regime_on(d("2019-07-01")).unwrap().id, "527");
    assert_eq!(regime_on(d("2023-04-30")).unwrap().id, "527");
    assert_eq!(regime_on(d("2023-05-01")).unwrap().id, "58");
    assert_eq!(regime_on(d("2026-03-31")).unwrap().id, "58");
    assert_eq!(regime_on(d("2026-04-01")).unwrap().id, "36");
    for regime in regimes() {
        assert_ne!(regime.periods_rule().id, "missing", "{}", regime.id);
    }
}

/// (record overrides, evaluation date, outcome, earliest date, publication end)
type Case = (serde_json::Value, &'static str, Outcome, Option<&'static str>, Option<&'static str>);

/// The statics build.rs wrote are `rules/repair.json`, read with serde (unknown members refused).
#[test]
fn the_compiled_rules_are_the_file() {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct RuleBook {
        regimes: Vec<Regime>,
        rules: Vec<Rule>,
    }
    let file: RuleBook = serde_json::from_str(include_str!("../../rules/repair.json")).expect("repair.json");
    assert_eq!(file.regimes, regimes());
    assert_eq!(file.rules, rules());
}

#[test]
fn boundaries_of_the_minimum_period_under_36() {
    let cases: &[Case] = &[
        // General: 3 months from 2026-05-10 → 2026-08-10 (Monday).
        (json!({}), "2026-08-09", Outcome::NotYet, Some("2026-08-10"), None),
        (json!({}), "2026-08-10", Outcome::EligibleNow, Some("2026-08-10"), None),
        // Obligations not met: blocked whatever the date, with a lower bound only.
        (json!({"obligations_met_on": null}), "2026-09-01", Outcome::ObligationsOutstanding, None, None),
        // Minor: as soon as obligations are met; published at most 3 months (2026-08-01 is a Saturday → 08-03).
        (
            json!({"class": "minor", "decided_on": "2026-05-01", "obligations_met_on": "2026-05-03"}),
            "2026-05-02",
            Outcome::ObligationsOutstanding,
            None,
            Some("2026-08-03"),
        ),
        (
            json!({"class": "minor", "decided_on": "2026-05-01", "obligations_met_on": "2026-05-03"}),
            "2026-05-03",
            Outcome::EligibleNow,
            Some("2026-05-03"),
            Some("2026-08-03"),
        ),
        (
            json!({"class": "minor", "decided_on": "2026-05-01", "obligations_met_on": "2026-05-03"}),
            "2026-08-04",
            Outcome::PublicationEnded,
            None,
            Some("2026-08-03"),
        ),
        // Already repaired.
        (json!({"removed_on": "2026-09-01"}), "2026-09-02", Outcome::AlreadyRemoved, None, None),
        // A law forbids it.
        (json!({"law_forbids_repair": true}), "2026-09-01", Outcome::NotRepairable, None, None),
    ];
    for (overrides, on, outcome, earliest, ends) in cases {
        let ev = eval(&record(overrides.clone()), on);
        assert_eq!(ev.outcome, *outcome, "{overrides} on {on}: {:?}", ev.blocking);
        assert_eq!(ev.eligible_now, *outcome == Outcome::EligibleNow);
        if ev.outcome != Outcome::AlreadyRemoved && ev.outcome != Outcome::NotRepairable {
            assert_eq!(ev.earliest_date, earliest.map(d), "{overrides} on {on}");
        }
        if let Some(ends) = ends {
            assert_eq!(ev.publication_ends, Some(d(ends)), "{overrides} on {on}");
        }
        assert_eq!(ev.regime.unwrap().id, "36");
        assert!(ev.blocking.iter().chain(&ev.notes).all(|f| f.rule.id != "missing"));
        assert!(ev.steps.iter().all(|s| s.rule.id != "missing"));
    }
}

#[test]
fn holidays_move_the_end_and_make_up_saturdays_count() {
    // 3 months from 2025-11-15 end on Sunday 2026-02-15 in the Spring Festival → Tuesday 2026-02-24 (58号).
    let spring = record(json!({"decided_on": "2025-11-15", "obligations_met_on": "2025-12-01"}));
    assert_eq!(eval(&spring, "2026-02-23").outcome, Outcome::NotYet);
    let on_the_day = eval(&spring, "2026-02-24");
    assert_eq!(on_the_day.outcome, Outcome::EligibleNow);
    assert_eq!(on_the_day.regime.unwrap().id, "58");
    // 3 months from 2025-11-28 end on Saturday 2026-02-28, a make-up working day: not moved.
    let saturday = record(json!({"decided_on": "2025-11-28", "obligations_met_on": "2025-12-01"}));
    assert_eq!(eval(&saturday, "2026-03-01").earliest_date, Some(d("2026-02-28")));
}

#[test]
fn an_unpublished_holiday_year_gives_a_bound_not_a_guess() {
    let serious = record(json!({"class": "serious", "decided_on": "2026-06-01", "obligations_met_on": "2026-06-10"}));
    let ev = eval(&serious, "2026-11-26");
    assert_eq!(ev.outcome, Outcome::NotYet);
    assert_eq!(ev.earliest_date, None);
    assert_eq!(ev.earliest_not_before, Some(d("2027-06-01")));
    assert_eq!(ev.publication_ends, None);
    assert_eq!(ev.publication_ends_not_before, Some(d("2029-06-01")));
    assert!(ev.notes.iter().any(|n| n.code == "holidays_unpublished" && n.message.zh.contains("2027 年")));
}

#[test]
fn market_regulation_has_its_own_clock_and_blocks_while_listed() {
    // Published ten days after the decision: 总局令第45号 第十三条 counts from publication.
    let market = json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
        "published_on": "2026-01-20", "obligations_met_on": "2026-02-01"});
    let penalty = record(market.clone());
    // 6 months from 2026-01-20 → 2026-07-20 (Monday); publication 3 years from then.
    assert_eq!(eval(&penalty, "2026-07-17").outcome, Outcome::NotYet);
    let ev = eval(&penalty, "2026-07-20");
    assert_eq!(ev.outcome, Outcome::EligibleNow);
    assert_eq!(ev.channel, Some(Channel::Gsxt));
    // 2029's holidays are not published yet: the end is a bound, three years from publication.
    assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, Some(d("2029-01-20"))));
    // While on the abnormal-operation list, early stop is blocked.
    let listed =
        Record::from_json(json!({"id": "l1", "kind": "abnormal_operation_list", "decision_no": "异常〔2026〕3号",
        "authority": "示例市场监管局", "market_regulation": true, "decided_on": "2026-03-01"}))
        .unwrap();
    let blocked = evaluate(&penalty, std::slice::from_ref(&listed), d("2026-07-20")).unwrap();
    assert_eq!(blocked.outcome, Outcome::NotYet);
    assert!(blocked.blocking.iter().any(|b| b.code == "listed"));
    // Food: one year.
    let mut food = market.clone();
    food["sector"] = json!("food");
    assert_eq!(eval(&record(food), "2026-07-20").outcome, Outcome::NotYet);
    // Revocation: never early. Circulated criticism: ends by itself 3 months after publication.
    let mut revoked = market.clone();
    revoked["penalties"] = json!(["business_licence_revoked"]);
    assert_eq!(eval(&record(revoked), "2026-07-20").outcome, Outcome::NotRepairable);
    let mut minor = market;
    minor["penalties"] = json!(["circulated_criticism"]);
    let ends = eval(&record(minor), "2026-02-01");
    assert_eq!(ends.outcome, Outcome::EndsAutomatically);
    assert_eq!(ends.publication_ends, Some(d("2026-04-20")));
}

#[test]
fn without_its_publication_date_a_market_penalty_is_counted_from_the_latest_day_it_could_have_been_published() {
    // Decided Saturday 2026-01-10; published within 20 working days: by 2026-02-06 at the latest.
    let unknown = record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
        "obligations_met_on": "2026-02-01"}));
    let ev = eval(&unknown, "2026-07-20");
    assert_eq!(ev.outcome, Outcome::NotYet, "certain only from 2026-08-06");
    assert_eq!(ev.earliest_date, Some(d("2026-08-06")));
    assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, Some(d("2029-01-10"))));
    assert!(ev.notes.iter().any(|n| n.code == "published_on_missing" && n.rule.source.contains("第十三条")));
    assert_eq!(eval(&unknown, "2026-08-06").outcome, Outcome::EligibleNow);
}

#[test]
fn warnings_alone_and_simplified_procedure_are_not_published_by_market_regulators() {
    let warning = record(json!({"market_regulation": true, "decided_on": "2026-05-10", "class": null,
        "penalties": ["warning"]}));
    let ev = eval(&warning, "2026-06-01");
    assert_eq!(ev.outcome, Outcome::NotPublished);
    assert!(ev.notes.iter().any(|n| n.code == "not_published" && n.rule.source.contains("第二条")));
    let simplified = record(json!({"market_regulation": true, "procedure": "simplified", "decided_on": "2026-05-10",
        "penalties": ["fine"], "class": "general"}));
    assert_eq!(eval(&simplified, "2026-06-01").outcome, Outcome::NotPublished);
    // A warning with a fine is published; an unknown procedure is taken as ordinary, and said so.
    let both = record(json!({"market_regulation": true, "decided_on": "2026-05-10", "penalties": ["warning", "fine"],
        "class": "general", "published_on": "2026-05-12"}));
    let ev = eval(&both, "2026-06-01");
    assert_eq!(ev.outcome, Outcome::NotYet);
    assert!(ev.notes.iter().any(|n| n.code == "procedure_missing"));
    // Not published: no tier change.
    let profile = crate::status::Profile::from_json(json!({"credit_code": "91140105123456788F", "name": "示例",
        "records": [{"id": "w", "kind": "administrative_penalty", "decision_no": "警〔2026〕1号", "authority": "示例局",
        "market_regulation": true, "decided_on": "2026-05-10", "penalties": ["warning"]}]}))
    .unwrap();
    assert_eq!(crate::tier::summarize(&profile, d("2026-06-01")).tier, crate::tier::Tier::Normal);
}

#[test]
fn the_36_maximum_does_not_end_publication_while_obligations_are_open() {
    // General, decided 2025-01-06: the 1-year maximum has passed by 2026-11-26 (36号 in force).
    let open = record(json!({"class": "general", "decided_on": "2025-01-06", "obligations_met_on": null}));
    let ev = eval(&open, "2026-11-26");
    assert_eq!(ev.outcome, Outcome::ObligationsOutstanding);
    assert!(ev.notes.iter().any(|n| n.code == "max_period_obligations_open" && n.rule.id == "36.auto_end"));
    let met = record(json!({"class": "general", "decided_on": "2025-01-06", "obligations_met_on": "2025-03-01"}));
    assert_eq!(eval(&met, "2026-11-26").outcome, Outcome::PublicationEnded);
    // Under 58号 (before 2026-04-01) the maximum ended it regardless.
    assert_eq!(eval(&open, "2026-03-01").outcome, Outcome::PublicationEnded);
}

#[test]
fn lists_and_the_court_path() {
    // 法释〔2017〕7号 第一条第二至六项: two years, plus aggravation.
    let court = record(json!({"kind": "court_dishonest_debtor", "decided_on": "2025-03-03", "class": null,
        "aggravated_years": 1, "listing_ground": 3}));
    let ev = eval(&court, "2026-11-26");
    assert_eq!(ev.outcome, Outcome::CourtOnly);
    assert_eq!(ev.channel, Some(Channel::Court));
    assert_eq!(ev.publication_ends_not_before, Some(d("2028-03-03")));
    assert!(!ev.eligible_now);
    // Item (一): no fixed term. No ground given: no end date promised, and said why.
    let refusing = record(
        json!({"kind": "court_dishonest_debtor", "decided_on": "2025-03-03", "class": null, "listing_ground": 1}),
    );
    let ev = eval(&refusing, "2026-11-26");
    assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, None));
    assert!(ev.notes.iter().any(|n| n.code == "court_no_term"));
    let unknown = record(json!({"kind": "court_dishonest_debtor", "decided_on": "2025-03-03", "class": null}));
    let ev = eval(&unknown, "2028-06-01");
    assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, None));
    assert!(ev.notes.iter().any(|n| n.code == "listing_ground_missing"));
    assert!(Record::from_json(
        json!({"id": "x", "kind": "court_dishonest_debtor", "decision_no": "x", "authority": "x",
        "decided_on": "2025-03-03", "listing_ground": 7})
    )
    .unwrap()
    .check()
    .is_err());
    let abnormal = record(
        json!({"kind": "abnormal_operation_list", "market_regulation": true, "decided_on": "2023-01-05", "class": null, "obligations_met_on": null}),
    );
    let ev = eval(&abnormal, "2026-11-26");
    assert_eq!(ev.outcome, Outcome::ObligationsOutstanding);
    // The current texts no longer move it to the serious illegal list after 3 years (issue 30, item 6).
    assert!(!ev.notes.iter().any(|n| n.code == "three_years"));
    assert!(ev.notes.iter().any(|n| n.code == "listed_constraints" && n.rule.id == "market.abnormal_measures"));
    // The serious illegal list: early removal after a year where the record says no measure has a term.
    let serious_list = record(json!({"kind": "serious_illegal_list", "market_regulation": true,
        "decided_on": "2025-06-01", "class": null, "has_term": false}));
    assert_eq!(eval(&serious_list, "2026-06-01").outcome, Outcome::EligibleNow);
    assert_eq!(eval(&serious_list, "2026-05-31").outcome, Outcome::NotYet);
}

#[test]
fn older_records_cite_the_rule_of_their_time_and_527_special_cases_stay() {
    let special = record(json!({"class": "serious", "decided_on": "2021-06-01", "sector": "food",
        "penalties": ["licence_revoked"], "obligations_met_on": "2021-07-01"}));
    assert_eq!(eval(&special, "2022-06-01").outcome, Outcome::NotRepairable);
    let older = record(json!({"decided_on": "2026-03-02", "obligations_met_on": "2026-03-10"}));
    let ev = eval(&older, "2026-06-02");
    assert_eq!(ev.regime.unwrap().id, "36");
    assert_eq!(ev.regime_of_its_time.unwrap().id, "58");
    assert!(ev.notes.iter().any(|n| n.code == "rule_of_its_time"));
}

#[test]
fn bad_input_names_the_problem() {
    assert!(matches!(
        evaluate(&record(json!({})), &[], d("2026-05-09")),
        Err(RecordError::DecidedAfterEvaluation { .. })
    ));
    let missing = Record::from_json(json!({"id": "x", "kind": "administrative_penalty", "decision_no": "n", "authority": "a", "decided_on": "2026-01-01"})).unwrap();
    assert!(matches!(missing.check(), Err(RecordError::MissingClass { .. })));
    let wrong_kind = Record::from_json(
        json!({"id": "x", "kind": "parking_ticket", "decision_no": "n", "authority": "a", "decided_on": "2026-01-01"}),
    );
    assert!(matches!(&wrong_kind, Err(RecordError::Invalid { field, .. }) if field == "kind"), "{wrong_kind:?}");
    let wrong_date = Record::from_json(
        json!({"id": "x", "kind": "red_list", "decision_no": "n", "authority": "a", "decided_on": "2026/01/01"}),
    );
    assert!(matches!(&wrong_date, Err(RecordError::Invalid { field, .. }) if field == "decided_on"), "{wrong_date:?}");
    let guessed = record(json!({"class": null, "penalties": ["warning"]}));
    let ev = eval(&guessed, "2026-06-01");
    assert!(ev.class_guessed && ev.class == Some(crate::status::PenaltyClass::Minor));
}

#[test]
fn a_minor_record_under_the_older_rules_cites_the_projection_as_unconfirmed() {
    let minor = record(json!({"class": "minor", "decided_on": "2025-11-20", "obligations_met_on": "2025-11-21"}));
    let under_58 = eval(&minor, "2025-12-01");
    let note = under_58.notes.iter().find(|n| n.code == "minor_not_published").unwrap();
    assert_eq!((&*note.rule.id, note.rule.confidence), ("minor.backfilled", crate::repair::Confidence::Unconfirmed));
    let under_36 =
        eval(&record(json!({"class": "minor", "decided_on": "2026-11-20", "obligations_met_on": null})), "2026-11-26");
    let note = under_36.notes.iter().find(|n| n.code == "minor_not_published").unwrap();
    assert_eq!(note.rule.id, "36.periods");
}

#[test]
fn the_rule_book_lists_every_rule_with_its_source() {
    let table = include_str!("../../rules/SOURCES.md");
    let repair: serde_json::Value = serde_json::from_str(include_str!("../../rules/repair.json")).unwrap();
    for rule in repair["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert!(table.contains(&format!("`{id}`")), "rules/SOURCES.md does not list {id}");
    }
    let deadlines: serde_json::Value = serde_json::from_str(include_str!("../../rules/deadlines.json")).unwrap();
    for step in deadlines["steps"].as_array().unwrap() {
        let step = step["step"].as_str().unwrap();
        assert!(table.contains(&format!("`{step}`")), "rules/SOURCES.md does not list the step {step}");
    }
}

// Issue 30: rules as the law writes them, round three.

#[test]
fn a_ban_on_practising_never_ends_market_publication_early_45_art_14_3() {
    let ban = record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
        "published_on": "2026-01-20", "obligations_met_on": "2026-02-01", "class": null,
        "penalties": ["fine", "practice_ban"]}));
    let ev = eval(&ban, "2026-07-20");
    assert_eq!(ev.outcome, Outcome::NotRepairable);
    let never = ev.blocking.iter().find(|b| b.code == "never_early").unwrap();
    assert_eq!(never.rule.source, "市场监管总局令第45号 第十四条第三款");
    assert!(never.message.zh.contains("限制从业"));
}

#[test]
fn a_penalty_with_a_term_holds_credit_china_publication_until_the_term_ends_36_art_12_3() {
    // General, decided 2026-05-10: the 3-month minimum ends 2026-08-10; the term runs to 2026-09-30.
    let termed = record(json!({"ban_until": "2026-09-30"}));
    let ev = eval(&termed, "2026-08-10");
    assert_eq!(ev.outcome, Outcome::NotYet);
    assert_eq!(ev.earliest_date, Some(d("2026-10-01")));
    let hold = ev.blocking.iter().find(|b| b.code == "term_not_over").unwrap();
    assert_eq!(hold.rule.source, "国家发展改革委令2025年第36号 第十二条第三款");
    assert!(ev.steps.iter().any(|s| s.code == "term_over" && !s.done));
    assert_eq!(eval(&termed, "2026-09-30").outcome, Outcome::NotYet);
    assert_eq!(eval(&termed, "2026-10-01").outcome, Outcome::EligibleNow);
    // A term that ended before the minimum period changes nothing.
    assert_eq!(eval(&record(json!({"ban_until": "2026-06-30"})), "2026-08-10").earliest_date, Some(d("2026-08-10")));
}

#[test]
fn without_a_department_class_36_articles_8_to_10_decide_by_article_11() {
    // 第十条第（二）项: lowered qualification is serious — decided Wednesday 2026-04-08 (under 36号), 1 year: not
    // before Thursday 2027-04-08 (2027's holidays are not published).
    let lowered = record(json!({"class": null, "decided_on": "2026-04-08", "obligations_met_on": "2026-05-01",
        "penalties": ["qualification_lowered"]}));
    let ev = eval(&lowered, "2026-12-07");
    assert_eq!((ev.class, ev.class_guessed), (Some(PenaltyClass::Serious), false));
    let basis = ev.notes.iter().find(|n| n.code == "class_by_article").unwrap();
    assert_eq!(basis.rule.source, "国家发展改革委令2025年第36号 第十条第（二）项、第十一条");
    assert_eq!((ev.outcome, ev.earliest_not_before), (Outcome::NotYet, Some(d("2027-04-08"))));
    // Decided before 2026-04-01 (2025-06-03): not classed by it, though evaluated under 36号 — a guess.
    let older = record(json!({"class": null, "decided_on": "2025-06-03", "obligations_met_on": "2025-07-01",
        "penalties": ["qualification_lowered"]}));
    let ev = eval(&older, "2026-06-02");
    assert_eq!((ev.class, ev.class_guessed), (Some(PenaltyClass::Serious), true));
    assert!(ev.notes.iter().any(|n| n.code == "class_before_36"));
    let restricted = record(json!({"class": null, "penalties": ["fine", "restriction"]}));
    assert_eq!(eval(&restricted, "2026-08-10").class, Some(PenaltyClass::Serious));
    // 第八条第（一）项: a non-market penalty by simplified procedure is minor and “原则上” not published: in
    // principle only, so without published_on it may have been published — evaluated as a published minor
    // record (decided 2026-05-10: at most 3 months, to Monday 2026-08-10; repairable once obligations are met).
    let simplified = record(json!({"class": null, "procedure": "simplified", "penalties": ["fine"]}));
    let ev = eval(&simplified, "2026-06-01");
    assert_eq!((ev.outcome, ev.class), (Outcome::EligibleNow, Some(PenaltyClass::Minor)));
    assert_eq!(ev.publication_ends, Some(d("2026-08-10")));
    let note = ev.notes.iter().find(|n| n.code == "simplified_may_be_published").unwrap();
    assert_eq!(note.rule.source, "国家发展改革委令2025年第36号 第八条第（一）项、第十一条");
    assert!(note.message.zh.contains("原则上不予公示") && note.message.zh.contains("可能已公示"));
    assert!(!ev.notes.iter().any(|n| n.code == "minor_not_published"), "said once");
    let open =
        record(json!({"class": null, "procedure": "simplified", "penalties": ["fine"], "obligations_met_on": null}));
    assert_eq!(eval(&open, "2026-06-01").outcome, Outcome::ObligationsOutstanding);
    assert_eq!(eval(&simplified, "2026-08-11").outcome, Outcome::PublicationEnded);
    // Published anyway: a minor record, repairable once obligations are met, published at most 3 months.
    let published = record(json!({"class": null, "procedure": "simplified", "penalties": ["fine"],
        "published_on": "2026-05-12"}));
    let ev = eval(&published, "2026-06-01");
    assert_eq!((ev.outcome, ev.publication_ends), (Outcome::EligibleNow, Some(d("2026-08-10"))));
    // The department's class prevails; other penalties stay a guess marked unconfirmed.
    assert_eq!(
        eval(&record(json!({"penalties": ["qualification_lowered"]})), "2026-08-10").class,
        Some(PenaltyClass::General)
    );
    let guess = eval(&record(json!({"class": null, "penalties": ["confiscation"]})), "2026-08-10");
    assert!(
        guess.class_guessed
            && guess.notes.iter().any(|n| n.code == "class_guessed" && n.rule.confidence == Confidence::Unconfirmed)
    );
    // Under 58号 (evaluated 2026-03-02) the articles of 36号 are not applied: a guess.
    let before = record(json!({"class": null, "decided_on": "2026-01-05", "obligations_met_on": "2026-01-06",
        "procedure": "simplified", "penalties": ["fine"]}));
    let ev = eval(&before, "2026-03-02");
    assert!(ev.class_guessed && ev.outcome != Outcome::NotPublished);
}

#[test]
fn the_market_three_month_period_follows_the_penalty_not_the_class_45_art_13_1() {
    let base = json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
        "published_on": "2026-01-20", "obligations_met_on": "2026-02-01", "class": "minor", "penalties": ["fine"]});
    // A fine labelled minor, amount unknown: 3 years from publication (2029: a bound), and said why.
    let ev = eval(&record(base.clone()), "2026-02-02");
    assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, Some(d("2029-01-20"))));
    assert!(ev.notes.iter().any(|n| n.code == "lower_fine_unknown" && n.rule.source.contains("第十三条第一款")));
    assert!(ev.notes.iter().any(|n| n.code == "class_not_period"));
    // A lower-amount fine by the province's standard: 3 months, ends by itself on Monday 2026-04-20.
    let mut lower = base.clone();
    lower["lower_fine"] = json!(true);
    let ev = eval(&record(lower), "2026-02-02");
    assert_eq!((ev.outcome, ev.publication_ends), (Outcome::EndsAutomatically, Some(d("2026-04-20"))));
    // "仅": a warning beside the lower fine or the criticism is another penalty, so 3 years.
    for penalties in [json!(["warning", "fine"]), json!(["warning", "circulated_criticism"])] {
        let mut warned = base.clone();
        warned["lower_fine"] = json!(true);
        warned["penalties"] = penalties.clone();
        let ev = eval(&record(warned), "2026-02-02");
        assert_ne!(ev.outcome, Outcome::EndsAutomatically, "{penalties}");
        assert_eq!(ev.publication_ends_not_before, Some(d("2029-01-20")), "{penalties}");
    }
    // Confiscation labelled minor: still 3 years.
    let mut confiscation = base.clone();
    confiscation["penalties"] = json!(["confiscation"]);
    assert_eq!(eval(&record(confiscation), "2026-02-02").publication_ends_not_before, Some(d("2029-01-20")));
    // Circulated criticism labelled general: 3 months.
    let mut criticism = base;
    criticism["class"] = json!("general");
    criticism["penalties"] = json!(["circulated_criticism"]);
    assert_eq!(eval(&record(criticism), "2026-02-02").publication_ends, Some(d("2026-04-20")));
}

#[test]
fn a_serious_illegal_listing_with_a_ban_beyond_three_years_lasts_for_the_ban_44_art_16_2_and_21() {
    let banned = record(json!({"kind": "serious_illegal_list", "market_regulation": true, "decided_on": "2025-06-03",
        "class": null, "ban_until": "2030-06-30"}));
    let ev = eval(&banned, "2026-06-03");
    assert_eq!(ev.publication_ends, Some(d("2030-06-30")));
    let note = ev.notes.iter().find(|n| n.code == "ban_beyond_three_years").unwrap();
    assert_eq!(note.rule.source, "市场监管总局令第44号 第十六条第二款、第二十一条");
    // 2028-06-03 is not the end while the ban runs.
    assert_ne!(eval(&banned, "2028-06-05").outcome, Outcome::PublicationEnded);
    // It ends with the ban, by itself: there is no early removal to apply for.
    assert_eq!(eval(&banned, "2026-06-10").outcome, Outcome::EndsAutomatically);
    // A shorter ban holds early removal until it ends: a year listed and obligations met are not enough.
    let shorter = record(json!({"kind": "serious_illegal_list", "market_regulation": true, "decided_on": "2025-06-03",
        "class": null, "ban_until": "2027-01-31", "obligations_met_on": "2025-07-01"}));
    let ev = eval(&shorter, "2026-06-10");
    assert_eq!(ev.outcome, Outcome::NotYet);
    assert_eq!(ev.earliest_date, Some(d("2027-02-01")), "the day after the ban ends");
    assert!(ev.blocking.iter().any(|b| b.code == "ban_running"));
    assert_eq!(eval(&shorter, "2027-02-01").outcome, Outcome::EligibleNow);
    let plain = record(json!({"kind": "serious_illegal_list", "market_regulation": true, "decided_on": "2025-06-03",
        "class": null}));
    let ev = eval(&plain, "2026-06-03");
    assert_eq!(ev.publication_ends_not_before, Some(d("2028-06-03")));
    assert!(ev.notes.iter().any(|n| n.code == "ban_until_missing"));
}

#[test]
fn the_abnormal_list_cites_the_current_texts() {
    let source = &rule("market.abnormal").source;
    assert!(source.contains("企业信息公示暂行条例》（2024年修订）") && !source.contains("2014"), "{source}");
    assert!(rule("market.abnormal_measures").source.contains("第十八条"));
    assert!(!rule("market.abnormal").text.zh.contains("列入满 3 年仍未移出的，列入"));
}

#[test]
fn the_latest_day_of_market_publication_is_45_art_9_and_art_10_across_provinces() {
    // Decided Saturday 2026-01-10: 20 working days (第九条) → 2026-02-06; across provinces 10 working days to
    // notify (2026-01-23) and 10 to publish (第十条) → 2026-02-06 as well.
    let base = json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
        "obligations_met_on": "2026-02-01"});
    for cross in [json!(null), json!(true), json!(false)] {
        let mut value = base.clone();
        value["cross_province"] = cross.clone();
        let ev = eval(&record(value), "2026-07-20");
        assert_eq!(ev.earliest_date, Some(d("2026-08-06")), "cross_province {cross}");
        let note = ev.notes.iter().find(|n| n.code == "published_on_missing").unwrap();
        let expected = if cross == json!(true) {
            "市场监管总局令第45号 第十条"
        } else {
            "市场监管总局令第45号 第九条、第十三条第一款"
        };
        assert_eq!(note.rule.source, expected);
        assert_eq!(note.message.zh.contains("cross_province"), cross.is_null());
    }
    assert_eq!(rule("market.cross_province").confidence, Confidence::Confirmed);
}

#[test]
fn a_court_listing_with_a_term_is_not_ended_by_performance_fashi_2017_7_art_10_2() {
    // Item 3 of 第一条, decided 2024-03-04: two years → Wednesday 2026-03-04; obligations met 2025-06-01.
    let termed = record(json!({"kind": "court_dishonest_debtor", "decided_on": "2024-03-04", "class": null,
        "listing_ground": 3, "obligations_met_on": "2025-06-01"}));
    let ev = eval(&termed, "2025-12-01");
    assert_eq!(ev.outcome, Outcome::CourtOnly);
    assert_eq!((ev.publication_ends, ev.earliest_date), (Some(d("2026-03-04")), Some(d("2026-03-05"))));
    let note = ev.notes.iter().find(|n| n.code == "court_term_holds").unwrap();
    assert_eq!(
        note.rule.source,
        "《最高人民法院关于公布失信被执行人名单信息的若干规定》（法释〔2017〕7号）第二条第二款、第十条第二款"
    );
    let court_step = ev.steps.iter().find(|s| s.code == "court").unwrap();
    assert!(court_step.rule.id == "court.term" && !court_step.message.zh.contains("履行完毕、和解履行或执行终结后"));
    // 第十条第二款: deleted within three working days after the term — Thursday 03-05, Friday 03-06, Monday 03-09.
    assert!(
        court_step.message.zh.starts_with("纳入期限届满后三个工作日内由人民法院删除（2026-03-09 前）"),
        "{}",
        court_step.message.zh
    );
    assert!(note
        .message
        .zh
        .contains("纳入期限届满后三个工作日内删除（2026-03-09 前）（法释〔2017〕7号 第十条第二款）"));
    // The review of issue 30, item 7: the rule's text says performance deletes only a listing without a term.
    let debtor = &rule("court.debtor").text.zh;
    assert!(
        debtor.contains("有纳入期限的，不适用第十条第一款，纳入期限届满后三个工作日内删除（第十条第二款）"),
        "{debtor}"
    );
    assert!(!debtor.starts_with("不适用信用修复；履行完毕"), "{debtor}");
    // Item 1: no term; deleted after performance (第十条第一款).
    let refusing = record(json!({"kind": "court_dishonest_debtor", "decided_on": "2024-03-04", "class": null,
        "listing_ground": 1, "obligations_met_on": "2025-06-01"}));
    let ev = eval(&refusing, "2025-12-01");
    assert_eq!(ev.earliest_date, Some(d("2025-06-01")));
    assert!(!ev.notes.iter().any(|n| n.code == "court_term_holds"));
    // Ground unknown: the term may apply, so performance is not promised to end it.
    let unknown = record(json!({"kind": "court_dishonest_debtor", "decided_on": "2024-03-04", "class": null,
        "obligations_met_on": "2025-06-01"}));
    let ev = eval(&unknown, "2025-12-01");
    assert_eq!(ev.earliest_date, None);
    assert!(ev.notes.iter().any(|n| n.code == "court_term_holds"));
}

/// Issue 30 (Deliver): each answer says which article decided it — the outcome, the class, the earliest date
/// and the last day of publication — on exact dates.
#[test]
fn each_answer_names_the_article_that_decided_it() {
    let id = |rule: Option<&'static Rule>| rule.map(|r| &*r.id);
    // A term that outlasts the minimum period: 36号 第十二条第三款 decides the outcome and the earliest date;
    // the periods of 36号 decide the last day of publication (1 year from 2026-05-10 → Monday 2027-05-10:
    // unpublished year, a bound); the department gave the class.
    let termed = record(json!({"ban_until": "2026-09-30"}));
    let ev = eval(&termed, "2026-08-10");
    assert_eq!((ev.outcome, ev.earliest_date), (Outcome::NotYet, Some(d("2026-10-01"))));
    assert_eq!(id(ev.outcome_rule), Some("36.term_hold"));
    assert_eq!(id(ev.earliest_rule), Some("36.term_hold"));
    assert_eq!(id(ev.publication_rule), Some("36.periods"));
    assert_eq!(id(ev.class_rule), None, "the department's class");
    assert_eq!(ev.outcome_label.zh, "暂不能申请：处罚所附期限未届满", "not the minimum period's label");
    // Once the term is over: the conditions of 36号 decide; the earliest date stays the term's.
    let ev = eval(&termed, "2026-10-01");
    assert_eq!((ev.outcome, id(ev.outcome_rule)), (Outcome::EligibleNow, Some("36.conditions")));
    // Without a term, the minimum period decides the earliest date; paid later, the obligations do.
    let ev = eval(&record(json!({})), "2026-08-09");
    assert_eq!((id(ev.outcome_rule), id(ev.earliest_rule)), (Some("36.periods"), Some("36.periods")));
    let late = eval(&record(json!({"obligations_met_on": "2026-09-01"})), "2026-09-01");
    assert_eq!((late.earliest_date, id(late.earliest_rule)), (Some(d("2026-09-01")), Some("36.conditions")));
    // The class by 36号 第十条第（二）项 (no class given), by the tool's guess otherwise.
    let lowered = eval(&record(json!({"class": null, "penalties": ["qualification_lowered"]})), "2026-08-10");
    assert_eq!(id(lowered.class_rule), Some("36.class_serious"));
    assert_eq!(lowered.class_rule.map(|r| &*r.source), Some("国家发展改革委令2025年第36号 第十条第（二）项、第十一条"));
    let guess = eval(&record(json!({"class": null, "penalties": ["confiscation"]})), "2026-08-10");
    assert_eq!(guess.class_rule.map(|r| r.confidence), Some(Confidence::Unconfirmed));
    // Simplified procedure (第八条第（一）项): minor by that article, and — “原则上” not published, so maybe
    // published — answered as a published minor record, never “nothing to repair”.
    let simplified =
        eval(&record(json!({"class": null, "procedure": "simplified", "penalties": ["fine"]})), "2026-06-01");
    assert_eq!((simplified.outcome, id(simplified.class_rule)), (Outcome::EligibleNow, Some("36.class_minor")));
    assert!(simplified.notes.iter().any(|n| n.code == "simplified_may_be_published" && n.rule.id == "36.class_minor"));
    // Market: 限制从业 never early (45号 第十四条第三款); a ban beyond three years sets the period
    // (第十三条第三款); a lower-amount fine ends by itself (第十三条第一款).
    let market = json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
        "published_on": "2026-01-20", "obligations_met_on": "2026-02-01", "class": null});
    let mut banned = market.clone();
    banned["penalties"] = json!(["fine", "practice_ban"]);
    banned["ban_until"] = json!("2030-01-19");
    let ev = eval(&record(banned), "2026-07-20");
    assert_eq!((ev.outcome, id(ev.outcome_rule)), (Outcome::NotRepairable, Some("market.never_early")));
    assert_eq!((ev.publication_ends, id(ev.publication_rule)), (Some(d("2030-01-19")), Some("market.ban_term")));
    assert_eq!(rule("market.ban_term").source, "市场监管总局令第45号 第十三条第三款");
    let ban_note = ev.notes.iter().find(|n| n.code == "ban_term").unwrap();
    assert!(ban_note.message.zh.contains("2030-01-19"));
    let mut lower = market.clone();
    lower["penalties"] = json!(["fine"]);
    lower["lower_fine"] = json!(true);
    let ev = eval(&record(lower), "2026-02-02");
    assert_eq!((ev.outcome, id(ev.outcome_rule)), (Outcome::EndsAutomatically, Some("market.periods")));
    assert_eq!((ev.publication_ends, id(ev.publication_rule)), (Some(d("2026-04-20")), Some("market.periods")));
    // Market early stop: 45号 第十四条第一款 with 3号's 6 months, published 2026-01-20 → Monday 2026-07-20.
    let mut plain = market;
    plain["penalties"] = json!(["fine", "confiscation"]);
    let ev = eval(&record(plain), "2026-07-17");
    assert_eq!((ev.outcome, ev.earliest_date), (Outcome::NotYet, Some(d("2026-07-20"))));
    assert_eq!((id(ev.outcome_rule), id(ev.earliest_rule)), (Some("market.early"), Some("market.early")));
    assert!(rule("market.early").source.starts_with("市场监管总局令第45号 第十四条第一款"));
    // The serious illegal list with a ban beyond three years (44号); court listings with a term (法释〔2017〕7号).
    let listed = eval(
        &record(json!({"kind": "serious_illegal_list", "market_regulation": true, "decided_on": "2025-06-03",
            "class": null, "ban_until": "2030-06-30"})),
        "2026-06-03",
    );
    assert_eq!(id(listed.publication_rule), Some("market.serious_list_term"));
    let court = eval(
        &record(json!({"kind": "court_dishonest_debtor", "decided_on": "2024-03-04", "class": null,
            "listing_ground": 3, "obligations_met_on": "2025-06-01"})),
        "2025-12-01",
    );
    assert_eq!((id(court.outcome_rule), id(court.earliest_rule)), (Some("court.term"), Some("court.term")));
    // The wire form names each rule (or null).
    let json = serde_json::to_value(&court).unwrap();
    assert_eq!(json["outcome_rule"]["id"], "court.term");
    assert_eq!(json["class_rule"], serde_json::Value::Null);
    // Not a negative record: nothing decided it.
    assert_eq!(id(eval(&record(json!({"kind": "red_list", "class": null})), "2026-06-01").outcome_rule), None);
}

/// The review of issue 30, item 1: a term-bearing penalty whose last day is not given is answered
/// conservatively — not eligible now, no earliest day promised — by 36号 第十二条第三款.
#[test]
fn a_term_bearing_penalty_without_its_term_says_the_term_holds_36_art_12_3() {
    let id = |rule: Option<&'static Rule>| rule.map(|r| &*r.id);
    // General, decided 2026-05-10, obligations met 2026-05-20: the minimum period ended Monday 2026-08-10.
    for penalty in ["practice_ban", "restriction", "suspension", "licence_suspended"] {
        let ev = eval(
            &record(json!({"decided_on": "2026-05-10", "class": "general", "penalties": ["fine", penalty]})),
            "2026-12-07",
        );
        assert_eq!((ev.outcome, ev.eligible_now), (Outcome::NotYet, false), "{penalty}");
        assert_eq!((ev.earliest_date, ev.earliest_not_before), (None, None), "{penalty}: the term's end is not known");
        assert_eq!((id(ev.outcome_rule), id(ev.earliest_rule)), (Some("36.term_hold"), Some("36.term_hold")));
        let hold = ev.blocking.iter().find(|b| b.code == "term_unknown").expect("said");
        assert_eq!(hold.rule.source, "国家发展改革委令2025年第36号 第十二条第三款");
        assert!(
            hold.message.zh.contains("不早于处罚期限届满之日") && hold.message.zh.contains("请核对决定书载明的期限")
        );
        assert_eq!(ev.outcome_label.zh, "暂不能申请：处罚期限届满日未知，请核对决定书");
        assert!(ev.steps.iter().any(|s| s.code == "term_over" && !s.done && s.message.zh.contains("届满日未注明")));
    }
    // Before the minimum period ends, the period is the first reason, and its end a lower bound still ahead.
    let early = eval(
        &record(json!({"decided_on": "2026-05-10", "class": "general", "penalties": ["fine", "practice_ban"]})),
        "2026-07-01",
    );
    assert_eq!(
        (early.outcome, early.earliest_date, early.earliest_not_before),
        (Outcome::NotYet, None, Some(d("2026-08-10")))
    );
    assert_eq!(early.blocking.iter().map(|b| b.code).collect::<Vec<_>>(), ["minimum_period", "term_unknown"]);
    // With its last day: the day after (Monday 2027-05-10), eligible from then.
    let with_term =
        record(json!({"decided_on": "2026-05-10", "class": "general", "penalties": ["fine", "practice_ban"],
        "ban_until": "2027-05-09"}));
    let ev = eval(&with_term, "2026-12-07");
    assert!(!ev.blocking.iter().any(|b| b.code == "term_unknown"));
    assert_eq!((ev.outcome, ev.earliest_date), (Outcome::NotYet, Some(d("2027-05-10"))));
    assert_eq!(eval(&with_term, "2027-05-10").outcome, Outcome::EligibleNow);
    // A fine alone has no term: eligible.
    assert_eq!(eval(&record(json!({"penalties": ["fine"]})), "2026-12-07").outcome, Outcome::EligibleNow);
    // Before 36号 (evaluated 2026-03-31 under 58号) no such rule is applied.
    let older = record(json!({"decided_on": "2025-06-02", "class": "general", "obligations_met_on": "2025-06-10",
        "penalties": ["fine", "practice_ban"]}));
    assert_eq!(eval(&older, "2026-03-31").outcome, Outcome::EligibleNow);
}

/// The review of issue 30, item 2: a penalty the tool cannot place gets the conservative answer, with the
/// penalty as the decision names it.
#[test]
fn a_penalty_the_tool_cannot_place_is_answered_conservatively() {
    let unplaced = json!({"decided_on": "2026-05-10", "class": "general", "penalties": ["other"],
        "penalty_as_named": "责令停止招生 6 个月（示例）"});
    // “信用中国”: it may run for a term (36号 第十二条第三款): not eligible, no earliest day.
    let ev = eval(&record(unplaced.clone()), "2026-12-07");
    assert_eq!((ev.outcome, ev.earliest_date, ev.earliest_not_before), (Outcome::NotYet, None, None));
    let hold = ev.blocking.iter().find(|b| b.code == "term_unknown").unwrap();
    assert!(
        hold.message.zh.contains("处罚种类未能归类（决定书载明：责令停止招生 6 个月（示例））"),
        "{}",
        hold.message.zh
    );
    assert_eq!(hold.rule.id, "36.term_hold");
    // The department says it has no term: the class decides (general, 3 months: eligible).
    let mut no_term = unplaced.clone();
    no_term["has_term"] = json!(false);
    assert_eq!(eval(&record(no_term), "2026-12-07").outcome, Outcome::EligibleNow);
    // Without a class: taken as serious (1 year from 2026-05-10: not before Monday 2027-05-10), a guess.
    let mut classless = unplaced.clone();
    classless["class"] = json!(null);
    classless["has_term"] = json!(false);
    let ev = eval(&record(classless), "2026-12-07");
    assert_eq!((ev.class, ev.class_guessed, ev.outcome), (Some(PenaltyClass::Serious), true, Outcome::NotYet));
    // The market path: it may be among SAMR's “其他较为严重行政处罚” (45号 第十四条第三款) and a restriction
    // beyond three years (第十三条第三款): no early stop promised; publication ends not before three years.
    let mut market = unplaced;
    for (key, value) in [
        ("market_regulation", json!(true)),
        ("procedure", json!("ordinary")),
        ("decided_on", json!("2026-01-10")),
        ("published_on", json!("2026-01-20")),
        ("obligations_met_on", json!("2026-02-01")),
    ] {
        market[key] = value;
    }
    let ev = eval(&record(market), "2026-07-20");
    assert_eq!((ev.outcome, ev.earliest_date, ev.earliest_not_before), (Outcome::NotYet, None, None));
    let weight = ev.blocking.iter().find(|b| b.code == "weight_unconfirmed").unwrap();
    assert_eq!(
        (weight.rule.source.as_ref(), ev.outcome_rule.map(|r| &*r.id)),
        ("市场监管总局令第45号 第十四条第三款", Some("market.never_early"))
    );
    assert!(weight.message.zh.contains("决定书载明：责令停止招生 6 个月（示例）"));
    assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, Some(d("2029-01-20"))));
    assert!(ev.notes.iter().any(|n| n.code == "ban_until_missing" && n.rule.id == "market.ban_term"));
    // The named penalty is listed beside the record.
    let named = record(json!({"penalties": ["other"], "penalty_as_named": "责令停止招生"}));
    assert_eq!(named.rule_facts(crate::lang::Lang::Zh)[0], "决定书载明：责令停止招生");
}

/// The review of issue 30, item 1 (market path): a restriction or ban whose last day is not given may run
/// beyond three years (45号 第十三条第三款): the end is a lower bound, said so.
#[test]
fn a_market_restriction_without_its_term_ends_not_before_three_years_45_art_13_3() {
    for penalty in ["restriction", "practice_ban"] {
        let ev = eval(
            &record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
                "published_on": "2026-01-20", "obligations_met_on": "2026-02-01", "class": null, "penalties": ["fine", penalty]})),
            "2026-07-20",
        );
        assert_eq!(ev.outcome, Outcome::NotRepairable, "{penalty}: never early (第十四条第三款)");
        assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, Some(d("2029-01-20"))), "{penalty}");
        let note = ev.notes.iter().find(|n| n.code == "ban_until_missing").expect("said");
        assert_eq!(note.rule.source, "市场监管总局令第45号 第十三条第三款");
        assert!(
            note.message.zh.contains("公示期不早于 2029-01-20 届满") && note.message.zh.contains("按实际限制期限公示")
        );
        // Not ended three years on: the restriction may last longer.
        assert_ne!(eval(&record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
            "published_on": "2026-01-20", "obligations_met_on": "2026-02-01", "class": null, "penalties": ["fine", penalty]})), "2029-06-01").outcome,
            Outcome::PublicationEnded);
    }
    // 责令停产停业 is not in 第十三条第三款: three years, exact where the calendar is published.
    let suspended = eval(
        &record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2022-01-10",
            "published_on": "2022-01-20", "obligations_met_on": "2022-02-01", "class": null, "penalties": ["suspension"]})),
        "2026-07-20",
    );
    assert_eq!((suspended.outcome, suspended.publication_ends), (Outcome::PublicationEnded, Some(d("2025-01-20"))));
    // 责令关闭 is not named in 第十四条第三款 but may be among SAMR's other heavier penalties: not promised.
    let closed = eval(
        &record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
            "published_on": "2026-01-20", "obligations_met_on": "2026-02-01", "class": null, "penalties": ["fine", "ordered_closed"]})),
        "2026-07-20",
    );
    assert_eq!(closed.outcome, Outcome::NotYet);
    assert!(closed.blocking.iter().any(|b| b.code == "weight_unconfirmed" && b.message.zh.contains("责令关闭")));
    // 暂扣许可证件 and the two confiscations are not in it either: an early stop after 6 months (Monday 2026-07-20).
    for penalty in ["licence_suspended", "illegal_gains_confiscated", "illegal_property_confiscated"] {
        let ev = eval(
            &record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
                "published_on": "2026-01-20", "obligations_met_on": "2026-02-01", "class": null, "penalties": ["fine", penalty]})),
            "2026-07-20",
        );
        assert_eq!(ev.outcome, Outcome::EligibleNow, "{penalty}");
    }
}

/// The review of issue 30, item 1 (serious illegal list): early removal after a year only where the record
/// says no measure with a term runs (44号 第十六条第二款, as quoted); otherwise not yet, with that rule.
#[test]
fn an_early_removal_from_the_serious_illegal_list_needs_no_measure_running_44_art_16_2() {
    let listed = json!({"kind": "serious_illegal_list", "market_regulation": true, "decided_on": "2025-06-03",
        "class": null, "obligations_met_on": "2025-07-01"});
    // Unknown: not eligible a year on (Wednesday 2026-06-03), no earliest day, the end only a lower bound.
    let ev = eval(&record(listed.clone()), "2026-06-03");
    assert_eq!((ev.outcome, ev.earliest_date, ev.earliest_not_before), (Outcome::NotYet, None, None));
    let blocker = ev.blocking.iter().find(|b| b.code == "measure_unknown").unwrap();
    assert_eq!(blocker.rule.source, "市场监管总局令第44号 第十六条第二款、第二十一条");
    assert_eq!(ev.outcome_rule.map(|r| &*r.id), Some("market.serious_list_term"));
    assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, Some(d("2028-06-03"))));
    assert_eq!(ev.outcome_label.zh, "暂不能申请：管理措施期限未知，请核对列入决定书");
    // Said to have a term, without its day: the same.
    let mut said = listed.clone();
    said["has_term"] = json!(true);
    assert!(eval(&record(said), "2026-06-03").blocking.iter().any(|b| b.code == "measure_unknown"));
    // No measure with a term: eligible on 2026-06-03, not the day before.
    let mut none = listed;
    none["has_term"] = json!(false);
    let none = record(none);
    let ev = eval(&none, "2026-06-03");
    assert_eq!((ev.outcome, ev.earliest_date), (Outcome::EligibleNow, Some(d("2026-06-03"))));
    assert_eq!(eval(&none, "2026-06-02").outcome, Outcome::NotYet);
    assert!(!ev.notes.iter().any(|n| n.code == "ban_until_missing"));
    // has_term false beside a term-bearing penalty or a ban_until is refused.
    let contradictory = Record::from_json(json!({"id": "x", "kind": "serious_illegal_list", "decision_no": "n",
        "authority": "a", "decided_on": "2025-06-03", "has_term": false, "ban_until": "2027-01-01"}))
    .unwrap();
    assert!(matches!(contradictory.check(), Err(RecordError::Invalid { field, .. }) if field == "has_term"));
}

/// The review of issue 30, item 3: the “信用中国” path and the market path take 36号's default classes by the
/// record's decision date (2026-04-01, 36号's commencement), on either side of it.
#[test]
fn both_paths_class_by_the_decision_date_relative_to_2026_04_01() {
    let id = |rule: Option<&'static Rule>| rule.map(|r| &*r.id);
    for market in [false, true] {
        let lowered = |decided_on: &str| {
            record(json!({"market_regulation": market, "procedure": "ordinary", "decided_on": decided_on,
                "published_on": decided_on, "obligations_met_on": decided_on, "class": null,
                "penalties": ["qualification_lowered"]}))
        };
        // Decided Tuesday 2026-03-31, evaluated under 36号 on 2026-12-07: not classed by 第十条第（二）项.
        let before = eval(&lowered("2026-03-31"), "2026-12-07");
        assert_eq!((id(before.class_rule), before.class_guessed), (Some("class.guess"), true), "market {market}");
        let note = before.notes.iter().find(|n| n.code == "class_before_36").expect("said why");
        assert!(note
            .message
            .zh
            .starts_with("该处罚作出于 2026-03-31，早于国家发展改革委令2025年第36号施行（2026-04-01）"));
        assert_eq!(before.notes.iter().filter(|n| n.rule.id == "class.guess").count(), 1, "said once");
        // Decided Wednesday 2026-04-01: serious by 第十条第（二）项 and 第十一条.
        let from = eval(&lowered("2026-04-01"), "2026-12-07");
        assert_eq!(
            (from.class, id(from.class_rule), from.class_guessed),
            (Some(PenaltyClass::Serious), Some("36.class_serious"), false),
            "market {market}"
        );
        assert!(!from.notes.iter().any(|n| n.code == "class_before_36"));
    }
}

// The review of issue 30, items 3 and 4.

/// Item 3: 36号 第十六条's limits (信用中国 in 10, accept in 3, decide in 7, +10) are the “信用中国” channel's.
/// A repair on the 国家企业信用信息公示系统 shows the market regulator's review, with its own (unconfirmed) rule,
/// and its application runs the market step: no 36号 stages.
#[test]
fn the_review_and_its_limits_follow_the_channel() {
    use crate::deadline::{deadline, Step as DeadlineStep};
    use crate::decision::RepairState;
    use crate::workflow::repair_step;
    let review = |ev: &Evaluation| ev.steps.iter().find(|s| s.code == "review").cloned().expect("a review step");
    let no_36_limits = |ev: &Evaluation| {
        ev.steps.iter().all(|s| {
            s.rule.id != "36.review_days" && !s.message.zh.contains("信用中国") && !s.message.zh.contains("3 个工作日")
        })
    };
    // “信用中国”: a non-market penalty, decided 2026-05-10, general, eligible on 2026-08-10.
    let credit_china = eval(&record(json!({})), "2026-08-10");
    assert_eq!((credit_china.outcome, credit_china.channel), (Outcome::EligibleNow, Some(Channel::CreditChina)));
    let step = review(&credit_china);
    assert_eq!(
        (&*step.rule.id, step.rule.source.as_ref()),
        ("36.review_days", "国家发展改革委令2025年第36号 第十六条")
    );
    assert!(step.message.zh.contains("“信用中国”网站一般自收到申请之日起 10 个工作日内反馈结果"));
    assert!(step.message.zh.contains("认定单位 3 个工作日内决定是否受理，受理后 7 个工作日内作出决定"));
    // 国家企业信用信息公示系统: a market penalty published 2026-01-20, eligible on 2026-07-20 (45号 第十四条).
    let market = record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": "2026-01-10",
        "published_on": "2026-01-20", "obligations_met_on": "2026-02-01", "class": null,
        "penalties": ["fine", "confiscation"]}));
    let gsxt = eval(&market, "2026-07-20");
    assert_eq!((gsxt.outcome, gsxt.channel), (Outcome::EligibleNow, Some(Channel::Gsxt)));
    let step = review(&gsxt);
    assert_eq!((&*step.rule.id, step.rule.confidence), ("market.review_days", Confidence::Unconfirmed));
    assert_eq!(step.rule.source, "市场监管总局令第45号 第十四条第二款；国市监信规〔2021〕3号（时限待核对）");
    assert!(no_36_limits(&gsxt), "{:?}", gsxt.steps);
    // The lists on the same system: the same review.
    let abnormal = eval(
        &record(json!({"kind": "abnormal_operation_list", "market_regulation": true, "class": null})),
        "2026-06-01",
    );
    let serious = eval(
        &record(json!({"kind": "serious_illegal_list", "market_regulation": true, "decided_on": "2025-05-10",
            "class": null, "obligations_met_on": "2025-06-01"})),
        "2026-06-01",
    );
    for ev in [&abnormal, &serious] {
        assert_eq!(ev.channel, Some(Channel::Gsxt));
        assert_eq!(review(ev).rule.id, "market.review_days");
        assert!(no_36_limits(ev), "{:?}", ev.steps);
    }
    // An application taken on each channel runs that channel's step: 36号's stages only on “信用中国”.
    let received = DeadlineStep::RepairDecision;
    let on = d("2026-12-02");
    let credit_step = repair_step(RepairState::Received, Channel::CreditChina).unwrap();
    assert_eq!(credit_step, received);
    let stages = deadline(credit_step, on, on).unwrap().unwrap().stages;
    assert_eq!(stages.iter().map(|s| s.code.as_str()).collect::<Vec<_>>(), ["accept", "decide", "credit_china"]);
    let market_step = repair_step(RepairState::Received, Channel::Gsxt).unwrap();
    assert_eq!(market_step, DeadlineStep::MarketRepairDecision);
    let market_deadline = deadline(market_step, on, on).unwrap().unwrap();
    assert!(market_deadline.stages.is_empty() && market_deadline.due_on.is_none() && market_deadline.unconfirmed);
}

/// Item 4: 36号's default classes (第十一条 → 第八条至第十条) came into force on 2026-04-01. A market penalty
/// decided the day before is not classed by them (45号 sets no class): a guess, said so; one decided that day is.
#[test]
fn a_market_penalty_is_classed_by_36_only_when_decided_under_it() {
    let market = |decided_on: &str, published_on: &str| {
        record(json!({"market_regulation": true, "procedure": "ordinary", "decided_on": decided_on,
            "published_on": published_on, "obligations_met_on": published_on, "class": null,
            "penalties": ["fine", "restriction"]}))
    };
    let id = |rule: Option<&'static Rule>| rule.map(|r| &*r.id);
    // Decided Tuesday 2026-03-31 (58号 in force; 45号 for the market): not 36号 第十条第（二）项.
    let before = eval(&market("2026-03-31", "2026-04-08"), "2026-12-07");
    assert_eq!((id(before.class_rule), before.class_guessed), (Some("class.guess"), true));
    assert_eq!(before.class_rule.map(|r| r.confidence), Some(Confidence::Unconfirmed));
    let note = before.notes.iter().find(|n| n.code == "class_before_36").expect("said why");
    assert!(note.message.zh.starts_with("该处罚作出于 2026-03-31，早于国家发展改革委令2025年第36号施行（2026-04-01）"));
    assert_eq!(note.rule.id, "class.guess");
    // Evaluated while 58号 was still in force: the same.
    let then = eval(&market("2026-03-02", "2026-03-10"), "2026-03-31");
    assert_eq!((id(then.class_rule), then.class_guessed), (Some("class.guess"), true));
    // Decided Wednesday 2026-04-01: 36号 第十条第（二）项 and 第十一条 class it serious, confirmed, no guess.
    let from = eval(&market("2026-04-01", "2026-04-09"), "2026-12-07");
    assert_eq!(
        (from.class, id(from.class_rule), from.class_guessed),
        (Some(PenaltyClass::Serious), Some("36.class_serious"), false)
    );
    assert!(!from.notes.iter().any(|n| n.code == "class_before_36"));
    // The class labels the record; its periods and outcome follow 45号 on both days.
    assert_eq!(id(before.publication_rule), id(from.publication_rule));
    assert_eq!((before.outcome, from.outcome), (Outcome::NotRepairable, Outcome::NotRepairable));
    // A department's class is taken on either side.
    let mut given = market("2026-03-31", "2026-04-08");
    given.class = Some(PenaltyClass::General);
    let ev = eval(&given, "2026-12-07");
    assert_eq!((ev.class, ev.class_rule, ev.class_guessed), (Some(PenaltyClass::General), None, false));
}

/// The review of issue 30, item 4: a rule is marked confirmed (C) only where its primary text was read. Of
/// 36号 only 第一条 至 第四条 could be read (`36.right`, 第二条); every other 36号 rule — read only as quoted —
/// is unconfirmed, and SOURCES.md says so; 法释〔2017〕7号 第十条 likewise.
#[test]
fn confidence_marks_claim_no_more_than_was_read() {
    let table = include_str!("../../rules/SOURCES.md");
    for id in [
        "36.periods",
        "36.conditions",
        "36.auto_end",
        "36.where",
        "36.materials",
        "36.term_hold",
        "36.class_minor",
        "36.class_serious",
        "36.review_days",
        "court.debtor",
        "court.term",
    ] {
        assert_eq!(rule(id).confidence, Confidence::Unconfirmed, "{id}");
        let row = table.lines().find(|l| l.contains(&format!("`{id}`"))).unwrap_or_else(|| panic!("{id} listed"));
        assert!(row.contains("| U |") && row.contains("confirmed by quotation only"), "{id}: {row}");
    }
    assert_eq!(
        (rule("36.right").confidence, rule("36.right").source.as_ref()),
        (Confidence::Confirmed, "国家发展改革委令2025年第36号 第二条")
    );
    let regime = |id: &str| regimes().iter().find(|r| r.id == id).unwrap().confidence;
    assert_eq!(
        (regime("527"), regime("58"), regime("36")),
        (Confidence::Secondary, Confidence::Secondary, Confidence::Unconfirmed)
    );
    // The deadlines of 36号 第十六条 and 第十八条 likewise.
    use crate::deadline::{rule as step_rule, Step as DeadlineStep};
    for step in [DeadlineStep::RepairDecision, DeadlineStep::ObjectionDecision] {
        assert_eq!(step_rule(step, d("2026-12-07")).unwrap().confidence, Confidence::Unconfirmed, "{step:?}");
    }
    // Where the text was read, the mark stays: 45号 (LawRefBook copy).
    assert_eq!(rule("market.ban_term").confidence, Confidence::Confirmed);
}

/// A court listing is never applied for here: whatever its ground, term, aggravation or performance, the
/// answer is the court's and nothing is eligible now (the subject's page offers the repair form only on
/// `eligible_now`, with no check of its own).
#[test]
fn a_court_listing_is_never_eligible_for_repair_here() {
    for ground in [serde_json::Value::Null, 1.into(), 3.into(), 6.into()] {
        for met in [serde_json::Value::Null, "2025-06-01".into()] {
            for aggravated in [0, 3] {
                let listing =
                    record(json!({"kind": "court_dishonest_debtor", "decided_on": "2020-03-04", "class": null,
                    "listing_ground": ground, "obligations_met_on": met, "aggravated_years": aggravated}));
                for on in ["2025-12-01", "2030-01-01"] {
                    let ev = eval(&listing, on);
                    assert_eq!(
                        (ev.outcome, ev.eligible_now),
                        (Outcome::CourtOnly, false),
                        "{ground} {met} {aggravated} {on}"
                    );
                }
            }
        }
    }
}
/// Issue 33 item 6: a broken commitment has no penalty decision, so nothing about it speaks of one.
#[test]
fn a_broken_commitment_speaks_of_the_commitment_never_of_a_penalty_decision() {
    let broken =
        record(json!({"id": "broken-1", "kind": "broken_commitment", "decision_no": "示例局违诺认定 62a6067a",
        "class": null, "obligations_met_on": null, "summary": "违背《纳税服务信用承诺书》：未按期补交材料"}));
    let ev = eval(&broken, "2026-09-01");
    assert_eq!(ev.outcome, Outcome::ObligationsOutstanding);
    let said: Vec<&str> = ev
        .blocking
        .iter()
        .map(|f| &*f.message.zh)
        .chain(ev.steps.iter().map(|s| &*s.message.zh))
        .chain(ev.materials.iter().map(|f| &*f.message.zh))
        .collect();
    assert!(said.iter().all(|text| !text.contains("处罚决定") && !text.contains("罚款")), "{said:?}");
    assert_eq!(ev.blocking[0].message.zh, "尚未履行所作承诺、纠正违诺行为");
    let step = ev.steps.iter().find(|s| s.code == "obligations").unwrap();
    assert!(step.message.zh.starts_with("履行所作承诺"), "{}", step.message.zh);
    assert!(!step.message.en.contains("decision"), "{}", step.message.en);
    // Once honoured, the step says so, with the day.
    let honoured = record(json!({"kind": "broken_commitment", "class": null, "obligations_met_on": "2026-05-20"}));
    let step = eval(&honoured, "2026-09-01").steps.into_iter().find(|s| s.code == "obligations").unwrap();
    assert!(step.done);
    assert_eq!(step.message.zh, "已于 2026-05-20 履行所作承诺、纠正违诺行为");
    // A penalty keeps the decision's words.
    let penalty = record(json!({"obligations_met_on": null}));
    assert_eq!(eval(&penalty, "2026-09-01").blocking[0].message.zh, "尚未全面履行处罚决定规定的义务");
}

/// Issue 33 item 6: a repaired record's publication ended on the day it was repaired: no end still to come.
#[test]
fn a_repaired_record_shows_no_end_of_publication_to_come() {
    for overrides in [
        json!({"removed_on": "2026-09-01"}),
        // Obligations open at the maximum (no end by itself), then repaired.
        json!({"removed_on": "2026-09-01", "obligations_met_on": null}),
        json!({"removed_on": "2026-09-01", "market_regulation": true, "penalties": ["fine"]}),
    ] {
        let ev = eval(&record(overrides.clone()), "2026-09-02");
        assert_eq!(ev.outcome, Outcome::AlreadyRemoved, "{overrides}");
        assert_eq!((ev.publication_ends, ev.publication_ends_not_before), (None, None), "{overrides}");
        assert!(ev.notes.iter().any(|n| n.code == "removed" && n.message.zh.contains("2026-09-01")));
    }
}

/// Issue 33 item 5: once an application is under review, the checklist shows the commitment signed and the
/// application made, with its day; the review is still to come.
#[test]
fn an_application_under_review_ticks_the_steps_done() {
    let mut ev = eval(&record(json!({})), "2026-08-10");
    assert_eq!(ev.outcome, Outcome::EligibleNow);
    let open = |ev: &Evaluation| ev.steps.iter().filter(|s| !s.done).map(|s| s.code).collect::<Vec<_>>();
    assert_eq!(open(&ev), ["commitment", "apply", "review"]);
    ev.applied(d("2026-08-11"));
    assert_eq!(open(&ev), ["review"]);
    let apply = ev.steps.iter().find(|s| s.code == "apply").unwrap();
    assert_eq!(apply.message.zh, "已于 2026-08-11 提交修复申请，认定单位审核中");
    assert_eq!(ev.steps.iter().find(|s| s.code == "commitment").unwrap().message.zh, "已签署信用修复承诺书");
}
