//! How long a department has for each step it takes: working days from the rule in force when the item
//! arrived (`rules/deadlines.json`, dated, with its source and how sure we are). Both sides see the same
//! deadline, computed here.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::calendar::{self, CalendarError, Date};
use crate::repair::Confidence;
use crate::template::{DataStr, Text};

/// A step a department owes an answer to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DeadlineStep))]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// Accept or return a submitted commitment (受理 / 补正).
    CommitmentReview,
    /// Find an accepted commitment kept or broken (履约核查).
    FulfilmentCheck,
    /// Grant or refuse a repair application.
    RepairDecision,
    /// Uphold or reject an objection (异议).
    ObjectionDecision,
}

/// One dated rule for a step: `working_days: None` when no common limit exists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StepRule {
    pub step: Step,
    pub working_days: Option<u32>,
    pub from: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<Date>,
    pub confidence: Confidence,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: DataStr,
    pub text: Text,
}

// `static STEPS: &[StepRule]` from `rules/deadlines.json`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/deadlines.rs"));

/// The rule for `step` in force on `on`, if any.
pub fn rule(step: Step, on: Date) -> Option<&'static StepRule> {
    STEPS.iter().find(|r| r.step == step && r.from <= on && r.to.is_none_or(|to| on <= to))
}

/// A step's deadline for an item that arrived on `arrived_on`, and whether it has passed on `today`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = HandlingDeadline))]
pub struct Deadline {
    pub step: Step,
    /// The last day to answer; `None` where the rule sets no common limit (or the calendar is not published).
    pub due_on: Option<Date>,
    pub working_days: Option<u32>,
    /// Whole working days past `due_on` (0 while in time).
    pub overdue_working_days: u32,
    pub confidence: Confidence,
    /// Shown beside the date: "待核对" where the rule is not confirmed against its text.
    pub unconfirmed: bool,
    pub source: String,
    pub text: Text,
}

/// Computes the deadline; `Err` only when the holiday schedule needed is not published.
pub fn deadline(step: Step, arrived_on: Date, today: Date) -> Result<Option<Deadline>, CalendarError> {
    let Some(rule) = rule(step, arrived_on) else {
        return Ok(None);
    };
    let due_on = rule.working_days.map(|n| calendar::add_working_days(arrived_on, n)).transpose()?;
    let overdue_working_days = match due_on {
        Some(due) if today > due => calendar::working_days_between(due, today)?,
        _ => 0,
    };
    Ok(Some(Deadline {
        step,
        due_on,
        working_days: rule.working_days,
        overdue_working_days,
        confidence: rule.confidence,
        unconfirmed: rule.confidence == Confidence::Unconfirmed,
        source: rule.source.to_string(),
        text: rule.text.clone(),
    }))
}

impl Deadline {
    /// How people read it: "办理期限 2026-12-09（5 个工作日，已逾期 2 个工作日；待核对）".
    pub fn describe(&self, zh: bool) -> String {
        let mut text = match (self.due_on, self.working_days, zh) {
            (Some(due), Some(n), true) => format!("办理期限 {due}（{n} 个工作日"),
            (Some(due), Some(n), false) => format!("Due {due} ({n} working days"),
            (_, _, true) => "无统一办理期限（按所在领域规定".to_owned(),
            (_, _, false) => "No common time limit (each field sets its own".to_owned(),
        };
        if self.overdue_working_days > 0 {
            text += &if zh {
                format!("，已逾期 {} 个工作日", self.overdue_working_days)
            } else {
                format!(", {} working days overdue", self.overdue_working_days)
            };
        }
        if self.unconfirmed {
            text += if zh { "；期限待核对" } else { "; limit not yet checked against its source" };
        }
        text + if zh { "）" } else { ")" }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The statics build.rs wrote are `rules/deadlines.json`, read with serde (unknown members refused).
    #[test]
    fn the_compiled_deadlines_are_the_file() {
        #[derive(Deserialize)]
        #[serde(deny_unknown_fields)]
        struct Book {
            steps: Vec<StepRule>,
        }
        let file: Book = serde_json::from_str(include_str!("../rules/deadlines.json")).expect("deadlines.json");
        assert_eq!(file.steps, STEPS);
    }

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn the_rule_book_reads_and_every_step_has_a_rule_today() {
        assert!(STEPS.len() >= 4, "rules/deadlines.json did not parse");
        for step in [Step::CommitmentReview, Step::FulfilmentCheck, Step::RepairDecision, Step::ObjectionDecision] {
            let rule = rule(step, d("2026-12-02")).unwrap_or_else(|| panic!("no rule for {step:?}"));
            assert!(!rule.source.is_empty() && !rule.text.zh.is_empty());
        }
        // Repair decisions: 58号 until 2026-03-31, 36号 from 2026-04-01.
        assert!(rule(Step::RepairDecision, d("2026-03-31")).unwrap().source.contains("58号"));
        assert!(rule(Step::RepairDecision, d("2026-04-01")).unwrap().source.contains("36号"));
    }

    #[test]
    fn deadlines_count_working_days_and_say_when_they_passed() {
        // Friday 2026-02-13: five working days jump the Spring Festival (2026-02-14 is a make-up working day).
        let review = deadline(Step::CommitmentReview, d("2026-02-13"), d("2026-02-13")).unwrap().unwrap();
        assert_eq!(review.due_on, Some(d("2026-02-27")));
        assert_eq!(review.overdue_working_days, 0);
        assert!(!review.unconfirmed);
        let late = deadline(Step::CommitmentReview, d("2026-02-13"), d("2026-03-03")).unwrap().unwrap();
        assert_eq!(late.overdue_working_days, 3, "02-28 (make-up day), 03-02, 03-03");
        let check = deadline(Step::FulfilmentCheck, d("2026-12-02"), d("2027-12-02")).unwrap().unwrap();
        assert_eq!((check.due_on, check.overdue_working_days, check.unconfirmed), (None, 0, true));
        let repair = deadline(Step::RepairDecision, d("2026-12-02"), d("2026-12-02")).unwrap().unwrap();
        assert!(repair.unconfirmed, "the repair limit is not checked against 36号 yet");
        assert_eq!(late.describe(true), "办理期限 2026-02-27（5 个工作日，已逾期 3 个工作日）");
        assert_eq!(repair.describe(true), "办理期限 2026-12-16（10 个工作日；期限待核对）");
        assert!(check.describe(false).starts_with("No common time limit"));
    }
}
