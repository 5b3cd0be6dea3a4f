//! The demo data set (`demo/subjects.json`), its dates relative to the seeding day.

use serde::Deserialize;
use serde_json::{json, Value};
use xinnuo_core::calendar::Date;
use xinnuo_core::status::Profile;

use super::StoredSubject;

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
    records: Vec<Value>,
    grades: Vec<Value>,
}

/// The demo data set: ~30 fictional Shanxi enterprises (marked 示例) covering every tier and repair
/// situation. Dates are kept relative to `today`, so the situations stay what they are named.
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
                        let target = if field == "decided" { "decided_on".to_owned() } else { format!("{field}_on") };
                        object.insert(target, json!(today.add_days(-days).to_string()));
                    }
                }
                record
            })
            .collect();
        let profile = Profile::from_json(json!({ "credit_code": code, "name": subject.name, "demo": true, "records": records, "grades": subject.grades }))
            .map_err(|e| format!("demo {}: {e}", subject.name))?;
        subjects.push(StoredSubject { profile, situation: Some(subject.situation) });
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

    #[test]
    fn the_embed_demo_shows_a_demo_enterprise_with_records_and_grades() {
        let subjects = demo_subjects(Date::parse("2026-11-26").unwrap()).unwrap();
        let shown = demo_showcase(&subjects).unwrap();
        assert!(!shown.profile.records.is_empty() && !shown.profile.grades.is_empty());
        assert!(demo_showcase(&[]).is_none());
    }
}
