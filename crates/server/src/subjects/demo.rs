//! The demo data set (`demo/subjects.json`), its dates relative to the seeding day.

use serde::Deserialize;
use serde_json::{json, Value};
use xinnuo_core::calendar::Date;
use xinnuo_core::status::Profile;
use xinnuo_core::wire::Situation;

use super::rows::StoredSubject;

#[derive(Deserialize)]
struct DemoFile {
    subjects: Vec<DemoSubject>,
}

#[derive(Deserialize)]
struct DemoSubject {
    region: String,
    org_body: String,
    name: String,
    situation: String,
    situation_en: String,
    records: Vec<Value>,
    grades: Vec<Value>,
}

/// The demo data set: fictional Shanxi enterprises (marked 示例; README.md says how many, a test keeps it
/// true) covering every tier and repair situation, and every record field the rules read. Dates are kept
/// relative to `today`, so the situations stay what they are named.
pub fn demo_subjects(today: Date) -> Result<Vec<StoredSubject>, String> {
    let file: DemoFile = serde_json::from_str(include_str!("../../demo/subjects.json")).map_err(|e| e.to_string())?;
    let mut subjects = Vec::new();
    for subject in file.subjects {
        let code = xinnuo_core::code::make_uscc("91", &subject.region, &subject.org_body)
            .ok_or_else(|| format!("demo {}: cannot make a credit code", subject.name))?;
        let records: Vec<Value> = subject
            .records
            .into_iter()
            .map(|mut record| {
                if let Some(object) = record.as_object_mut() {
                    let relative: Vec<(String, i64)> = object
                        .iter()
                        .filter_map(|(k, v)| Some((k.strip_suffix("_days_ago")?.to_owned(), v.as_i64()?)))
                        .collect();
                    for (field, days) in relative {
                        object.remove(&format!("{field}_days_ago"));
                        // `decided_days_ago` → `decided_on`, `ban_until_days_ago` (negative: ahead) → `ban_until`.
                        let target = match field.as_str() {
                            "decided" => "decided_on".to_owned(),
                            "ban_until" => "ban_until".to_owned(),
                            _ => format!("{field}_on"),
                        };
                        object.insert(target, json!(today.add_days(-days).to_string()));
                    }
                }
                record
            })
            .collect();
        let profile = Profile::from_json(json!({ "credit_code": code, "name": subject.name, "demo": true, "records": records, "grades": subject.grades }))
            .map_err(|e| format!("demo {}: {e}", subject.name))?;
        subjects.push(StoredSubject {
            profile,
            situation: Situation { zh: Some(subject.situation), en: Some(subject.situation_en) },
        });
    }
    Ok(subjects)
}

/// The demo enterprise the embedding demo's status widget shows: the first with records and grades, so that
/// the widget has a tier, grades and a record to show.
pub fn demo_showcase(subjects: &[StoredSubject]) -> Option<&StoredSubject> {
    subjects.iter().find(|s| !s.profile.records.is_empty() && !s.profile.grades.is_empty()).or_else(|| subjects.first())
}

#[cfg(test)]
mod tests {
    use super::*;
    use xinnuo_core::repair::Outcome;
    use xinnuo_core::tier::{summarize, Tier};
    #[test]
    fn the_demo_set_covers_every_tier_and_repair_situation() {
        let today = Date::parse("2026-11-26").unwrap();
        let subjects = demo_subjects(today).unwrap();
        assert!(subjects.len() >= 30);
        let mut tiers = Vec::new();
        let mut outcomes = Vec::new();
        for subject in &subjects {
            assert!(subject.profile.name.contains("示例"), "{}", subject.profile.name);
            tiers.push(summarize(&subject.profile, today).tier);
            for record in &subject.profile.records {
                outcomes.push(xinnuo_core::repair::evaluate(record, &subject.profile.records, today).unwrap().outcome);
            }
        }
        for tier in [Tier::Trustworthy, Tier::Normal, Tier::Attention, Tier::Serious] {
            assert!(tiers.contains(&tier), "no demo subject in {tier:?}");
        }
        for outcome in [
            Outcome::EligibleNow,
            Outcome::NotYet,
            Outcome::ObligationsOutstanding,
            Outcome::NotRepairable,
            Outcome::CourtOnly,
            Outcome::EndsAutomatically,
            Outcome::PublicationEnded,
            Outcome::AlreadyRemoved,
            Outcome::NotNegative,
            Outcome::NotPublished,
        ] {
            assert!(outcomes.contains(&outcome), "no demo record with {outcome:?}");
        }
    }

    /// Each subject shows what `shows` writes down (the Node suite checks it against the running server on the
    /// day it runs; here on days up to the end of the last published holiday year, where later dates become
    /// bounds and some answers "not yet" by design).
    #[test]
    fn each_demo_subject_shows_what_the_file_says_on_any_day() {
        #[derive(Deserialize)]
        struct Shows {
            tier: String,
            outcomes: Vec<String>,
        }
        #[derive(Deserialize)]
        struct Entry {
            name: String,
            shows: Shows,
        }
        #[derive(Deserialize)]
        struct File {
            subjects: Vec<Entry>,
        }
        let file: File = serde_json::from_str(include_str!("../../demo/subjects.json")).unwrap();
        for day in ["2026-11-26", "2026-12-07", "2026-12-11", "2026-12-31"] {
            let today = Date::parse(day).unwrap();
            let subjects = demo_subjects(today).unwrap();
            assert_eq!(subjects.len(), file.subjects.len());
            for (subject, entry) in subjects.iter().zip(&file.subjects) {
                assert_eq!(subject.profile.name, entry.name);
                assert_eq!(
                    summarize(&subject.profile, today).tier.as_str(),
                    entry.shows.tier,
                    "{} on {day}",
                    entry.name
                );
                let outcomes: Vec<String> = subject
                    .profile
                    .records
                    .iter()
                    .map(|r| xinnuo_core::repair::evaluate(r, &subject.profile.records, today).unwrap().outcome)
                    .map(|outcome| serde_json::to_value(outcome).unwrap().as_str().unwrap_or_default().to_owned())
                    .collect();
                assert_eq!(outcomes, entry.shows.outcomes, "{} on {day}", entry.name);
            }
        }
    }

    /// Issue 30: the demo set exercises each record field the rules read, and the answer it decides.
    #[test]
    fn the_demo_set_exercises_every_field_the_rules_read() {
        let today = Date::parse("2026-12-07").unwrap();
        let subjects = demo_subjects(today).unwrap();
        let mut rules = Vec::new();
        let mut fields = (false, false, false, false, false);
        let mut named_and_no_term = (false, false);
        for subject in &subjects {
            for record in &subject.profile.records {
                fields.0 |= record.ban_until.is_some();
                fields.1 |= record.lower_fine == Some(true);
                fields.2 |= record.cross_province == Some(true);
                fields.3 |=
                    record.procedure == Some(xinnuo_core::status::Procedure::Simplified) && !record.market_regulation;
                fields.4 |= record.listing_ground.is_some() && record.obligations_met_on.is_some();
                named_and_no_term.0 |= record.penalty_as_named.is_some();
                named_and_no_term.1 |= record.has_term == Some(false);
                let ev = xinnuo_core::repair::evaluate(record, &subject.profile.records, today).unwrap();
                for rule in
                    [ev.outcome_rule, ev.class_rule, ev.earliest_rule, ev.publication_rule].into_iter().flatten()
                {
                    rules.push(rule.id.to_string());
                }
                rules.extend(ev.notes.iter().chain(&ev.blocking).map(|f| f.rule.id.to_string()));
            }
        }
        assert_eq!(
            fields,
            (true, true, true, true, true),
            "ban_until, lower_fine, cross_province, simplified, court term"
        );
        assert_eq!(named_and_no_term, (true, true), "penalty_as_named, has_term: false");
        for id in [
            "36.term_hold",
            "36.class_serious",
            "36.class_minor",
            "market.ban_term",
            "market.never_early",
            "market.cross_province",
            "market.serious_list_term",
            "court.term",
        ] {
            assert!(rules.iter().any(|r| r == id), "no demo answer decided by {id}");
        }
    }

    /// The README's number of demo enterprises is the demo set's (what `serve --demo` prints, derived from the
    /// file), so the two never disagree.
    #[test]
    fn the_readme_counts_the_demo_enterprises_as_the_server_does() {
        let count = demo_subjects(Date::parse("2026-11-26").unwrap()).unwrap().len();
        let readme = include_str!("../../../../README.md");
        let said: Vec<&str> =
            readme.split("seeds ").skip(1).filter_map(|rest| rest.split_once(" fictional")).map(|(n, _)| n).collect();
        assert_eq!(said, [count.to_string()], "README: `--demo` … seeds N fictional Shanxi enterprises");
    }

    /// Issue 33: every demo subject's line is there in Chinese and in English, and the English one is English
    /// (no Chinese characters or full-width punctuation), so an English page shows no Chinese demo line.
    #[test]
    fn every_demo_subject_has_its_line_in_chinese_and_in_english() {
        let chinese = |c: char| {
            matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}' | '\u{FF00}'..='\u{FFEF}')
                || ('\u{20000}'..='\u{3FFFF}').contains(&c)
        };
        let subjects = demo_subjects(Date::parse("2026-11-26").unwrap()).unwrap();
        for subject in &subjects {
            let name = &subject.profile.name;
            let zh = subject.situation.zh.as_deref().unwrap_or_default();
            let en = subject.situation.en.as_deref().unwrap_or_default();
            assert!(zh.chars().any(chinese), "{name}: a Chinese line");
            assert!(!en.trim().is_empty(), "{name}: an English line");
            assert!(!en.chars().any(chinese), "{name}: the English line has Chinese in it: {en}");
        }
    }

    #[test]
    fn the_embed_demo_shows_a_demo_enterprise_with_records_and_grades() {
        let subjects = demo_subjects(Date::parse("2026-11-26").unwrap()).unwrap();
        let shown = demo_showcase(&subjects).unwrap();
        assert!(!shown.profile.records.is_empty() && !shown.profile.grades.is_empty());
        assert!(demo_showcase(&[]).is_none());
    }
}
