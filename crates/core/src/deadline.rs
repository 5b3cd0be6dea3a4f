//! How long a department has for each step it takes: working days from the rule in force when the item
//! arrived (`rules/deadlines.json`, dated, with its source and how sure we are). Both sides see the same
//! deadline, computed here.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::calendar::{self, CalendarError, Date};
use crate::repair::rules::Confidence;
use crate::template::{DataList, DataStr, Text};

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
    /// Grant or refuse a repair application made through “信用中国” (36号 第十六条; 58号 before it).
    RepairDecision,
    /// Grant or refuse a repair application made through the 国家企业信用信息公示系统 (market regulation: 45号,
    /// 国市监信规〔2021〕3号). A step of its own, so that 36号's stages are never shown on this channel.
    MarketRepairDecision,
    /// Uphold or reject an objection (异议) to a record published through “信用中国” (36号 第十八条).
    ObjectionDecision,
    /// Uphold or reject an objection to a market-regulation record or a court listing: not objected to through
    /// “信用中国”, so 36号 第十八条's stages are never shown for it; a rule of its own.
    OtherObjectionDecision,
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
    /// Working days the limit may be extended by (with notice to the applicant), where the rule allows it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_working_days: Option<u32>,
    /// The stages within the step, each with its own limit (36号 第十六条: accept, then decide).
    #[serde(default, skip_serializing_if = "<[StageRule]>::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<StageRule>))]
    pub stages: DataList<StageRule>,
}

/// One stage of a step: `working_days` counted from the item's arrival, or from the end of the stage named
/// by `after` (its latest day when the actual day is not known).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StageRule {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub code: DataStr,
    pub working_days: u32,
    #[serde(default, skip_serializing_if = "str::is_empty")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub after: DataStr,
    pub text: Text,
}

/// A stage's latest day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = HandlingStage))]
pub struct StageDeadline {
    pub code: String,
    pub working_days: u32,
    /// Counted from the end of this stage (its latest day), or from arrival when empty.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub after: String,
    pub due_on: Date,
    pub text: Text,
    /// Whether the stage's latest day has passed on the day the deadline was computed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub passed: bool,
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
    /// Said beside the date ("期限以办理单位告知为准") where the rule is not confirmed against its text.
    pub unconfirmed: bool,
    pub source: String,
    pub text: Text,
    /// Working days the limit may be extended by, and the day it then ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extension_working_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extended_due_on: Option<Date>,
    /// Each stage's latest day (36号 第十六条: 受理 in 3 working days, then the decision in 7).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stages: Vec<StageDeadline>,
}

/// A day after the limit: `None` when it falls in a year whose schedule is not published.
fn later_day(day: Result<Date, CalendarError>) -> Result<Option<Date>, CalendarError> {
    match day {
        Ok(day) => Ok(Some(day)),
        Err(CalendarError::Unpublished(_)) => Ok(None),
        Err(other) => Err(other),
    }
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
    // The extension and the stages are shown beside the limit; one that ends in a year whose holiday schedule
    // is not published yet is left out (the limit itself still shows), never a reason to show nothing.
    let extended_due_on = match (due_on, rule.extension_working_days) {
        (Some(due), Some(n)) => later_day(calendar::add_working_days(due, n))?,
        _ => None,
    };
    let mut stages: Vec<StageDeadline> = Vec::with_capacity(rule.stages.len());
    for stage in rule.stages.iter() {
        let start = match stages.iter().find(|s| *s.code == *stage.after) {
            Some(before) => before.due_on,
            None => arrived_on,
        };
        let Some(stage_due) = later_day(calendar::add_working_days(start, stage.working_days))? else { break };
        stages.push(StageDeadline {
            code: stage.code.to_string(),
            working_days: stage.working_days,
            after: stage.after.to_string(),
            due_on: stage_due,
            text: stage.text.clone(),
            passed: today > stage_due,
        });
    }
    Ok(Some(Deadline {
        step,
        due_on,
        working_days: rule.working_days,
        overdue_working_days,
        confidence: rule.confidence,
        unconfirmed: rule.confidence == Confidence::Unconfirmed,
        source: rule.source.to_string(),
        text: rule.text.clone(),
        extension_working_days: rule.extension_working_days,
        extended_due_on,
        stages,
    }))
}

impl Deadline {
    /// How people read it: "办理期限 2026-12-09（5 个工作日，已逾期 2 个工作日；期限以办理单位告知为准）".
    pub fn describe(&self, zh: bool) -> String {
        self.text(zh, true)
    }

    /// The limit without its stages and extension, for a page that lists them by `stage_lines`.
    pub fn headline(&self, zh: bool) -> String {
        self.text(zh, false)
    }

    /// One line per stage with its latest day, then the extension: "受理（3 个工作日）：2026-12-07", …,
    /// "复杂情形可延长 10 个工作日：2026-12-30"; a passed stage says so. Empty when the rule has no stages.
    pub fn stage_lines(&self, zh: bool) -> Vec<String> {
        let mut lines: Vec<String> = self
            .stages
            .iter()
            .map(|stage| {
                let label = if zh { &stage.text.zh } else { &stage.text.en };
                let passed = match (stage.passed, zh) {
                    (false, _) => "",
                    (true, true) => "（已过）",
                    (true, false) => " (passed)",
                };
                if zh {
                    format!("{label}：{}{passed}", stage.due_on)
                } else {
                    format!("{label}: {}{passed}", stage.due_on)
                }
            })
            .collect();
        if let (false, Some(n), Some(until)) = (lines.is_empty(), self.extension_working_days, self.extended_due_on) {
            lines.push(if zh {
                format!("复杂情形可延长 {n} 个工作日：{until}")
            } else {
                format!("Extendable by {n} working days: {until}")
            });
        }
        lines
    }

    fn text(&self, zh: bool, with_stages: bool) -> String {
        let mut text = match (self.due_on, self.working_days, zh) {
            (Some(due), Some(n), true) => format!("办理期限 {due}（{n} 个工作日"),
            (Some(due), Some(n), false) => format!("Due {due} ({n} working days"),
            (_, _, true) => "无统一办理期限（按所在领域规定".to_owned(),
            (_, _, false) => "No common time limit (each field sets its own".to_owned(),
        };
        for stage in self.stages.iter().filter(|_| with_stages) {
            let label = if zh { &stage.text.zh } else { &stage.text.en };
            text += &if zh { format!("；{label} {}", stage.due_on) } else { format!("; {label} {}", stage.due_on) };
        }
        if let (true, Some(n), Some(until)) = (with_stages, self.extension_working_days, self.extended_due_on) {
            text += &if zh {
                format!("；复杂情形可延长 {n} 个工作日至 {until}")
            } else {
                format!("; extendable by {n} working days to {until}")
            };
        }
        if self.overdue_working_days > 0 {
            text += &if zh {
                format!("，已逾期 {} 个工作日", self.overdue_working_days)
            } else {
                format!(", {} working days overdue", self.overdue_working_days)
            };
        }
        // A limit whose rule was read only as quoted: said in plain words to the public (the rule and its
        // source are named beside it where the page shows them).
        if self.unconfirmed {
            text += if zh {
                "；期限以办理单位告知为准"
            } else {
                "; the authority's own notice of the limit prevails"
            };
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
        for step in [
            Step::CommitmentReview,
            Step::FulfilmentCheck,
            Step::RepairDecision,
            Step::MarketRepairDecision,
            Step::ObjectionDecision,
            Step::OtherObjectionDecision,
        ] {
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
        let repair = deadline(Step::RepairDecision, d("2025-12-02"), d("2025-12-02")).unwrap().unwrap();
        assert!(repair.unconfirmed, "58号's limit was not checked against its text");
        assert_eq!(late.describe(true), "办理期限 2026-02-27（5 个工作日，已逾期 3 个工作日）");
        assert_eq!(repair.describe(true), "办理期限 2025-12-16（10 个工作日；期限以办理单位告知为准）");
        assert!(check.describe(false).starts_with("No common time limit"));
    }

    /// Issue 30, item 9: 36号 第十六条 — accept within 3 working days, decide within 7 of acceptance (+10);
    /// Credit China answers within 10 of receipt. The article was read only as quoted (the review of issue 30,
    /// item 4): unconfirmed, and said so beside the limit.
    #[test]
    fn repair_decisions_under_36_are_split_into_their_stages_art_16() {
        // Received Wednesday 2026-12-02.
        let repair = deadline(Step::RepairDecision, d("2026-12-02"), d("2026-12-02")).unwrap().unwrap();
        assert_eq!((repair.confidence, repair.unconfirmed), (Confidence::Unconfirmed, true));
        assert_eq!(repair.source, "国家发展改革委令2025年第36号 第十六条");
        let stages: Vec<(&str, u32, Date)> =
            repair.stages.iter().map(|s| (s.code.as_str(), s.working_days, s.due_on)).collect();
        assert_eq!(
            stages,
            [("accept", 3, d("2026-12-07")), ("decide", 7, d("2026-12-16")), ("credit_china", 10, d("2026-12-16"))]
        );
        assert_eq!(
            (repair.due_on, repair.extension_working_days, repair.extended_due_on),
            (Some(d("2026-12-16")), Some(10), Some(d("2026-12-30")))
        );
        assert_eq!(
            repair.describe(true),
            "办理期限 2026-12-16（10 个工作日；受理（3 个工作日） 2026-12-07；受理后作出决定（7 个工作日） 2026-12-16；“信用中国”网站反馈结果（10 个工作日） 2026-12-16；复杂情形可延长 10 个工作日至 2026-12-30；期限以办理单位告知为准）"
        );
        // Each stage on its own line with its date (the status page and the console list them), the limit
        // without them above.
        assert_eq!(
            repair.stage_lines(true),
            [
                "受理（3 个工作日）：2026-12-07",
                "受理后作出决定（7 个工作日）：2026-12-16",
                "“信用中国”网站反馈结果（10 个工作日）：2026-12-16",
                "复杂情形可延长 10 个工作日：2026-12-30",
            ]
        );
        assert_eq!(repair.headline(true), "办理期限 2026-12-16（10 个工作日；期限以办理单位告知为准）");
        assert_eq!(repair.stage_lines(false)[0], "acceptance (3 working days): 2026-12-07");
        // On 2026-12-08 the acceptance stage has passed (its day was 12-07); the decision has not.
        let later = deadline(Step::RepairDecision, d("2026-12-02"), d("2026-12-08")).unwrap().unwrap();
        assert_eq!(
            later.stages.iter().map(|s| s.passed).collect::<Vec<_>>(),
            [true, false, false],
            "only the acceptance stage is past"
        );
        assert_eq!(later.stage_lines(true)[0], "受理（3 个工作日）：2026-12-07（已过）");
        // A step without stages lists none.
        let review = deadline(Step::CommitmentReview, d("2026-12-02"), d("2026-12-02")).unwrap().unwrap();
        assert!(review.stage_lines(true).is_empty());
        assert_eq!(review.headline(true), review.describe(true));
        // The JSON form keeps the stages; a deadline without them reads as before.
        let json = serde_json::to_value(&repair).unwrap();
        assert_eq!(json["stages"][1]["after"], "accept");
        let back: Deadline = serde_json::from_value(json).unwrap();
        assert_eq!(back, repair);
    }

    /// The review of issue 30, item 3: 36号 第十六条's stages belong to the “信用中国” channel. A repair on the
    /// 国家企业信用信息公示系统 has the market rule (45号 第十四条第二款 leaves it to 3号, not read): no limit, no
    /// stages, no extension, shown as unconfirmed — on either side of 2026-04-01.
    #[test]
    fn a_repair_on_the_market_channel_has_no_stages_of_36() {
        let credit_china = deadline(Step::RepairDecision, d("2026-12-02"), d("2026-12-02")).unwrap().unwrap();
        assert_eq!(credit_china.stages.len(), 3);
        for arrived in ["2026-03-31", "2026-04-01", "2026-12-02"] {
            let market = deadline(Step::MarketRepairDecision, d(arrived), d("2026-12-07")).unwrap().unwrap();
            assert_eq!(market.step, Step::MarketRepairDecision);
            assert_eq!((market.due_on, market.working_days, market.overdue_working_days), (None, None, 0), "{arrived}");
            assert!(market.stages.is_empty() && market.extension_working_days.is_none(), "{arrived}");
            assert!(market.stage_lines(true).is_empty());
            assert_eq!((market.confidence, market.unconfirmed), (Confidence::Unconfirmed, true));
            assert_eq!(market.source, "市场监管总局令第45号 第十四条第二款；国市监信规〔2021〕3号（时限待核对）");
            let said = market.describe(true);
            assert!(
                !said.contains("信用中国")
                    && !said.contains("3 个工作日")
                    && said.ends_with("期限以办理单位告知为准）"),
                "{said}"
            );
        }
        // Before 45号 (in force 2021-09-01) no market rule is known.
        assert_eq!(deadline(Step::MarketRepairDecision, d("2021-08-31"), d("2021-08-31")).unwrap(), None);
        // The wire names the step.
        let json = serde_json::to_value(Step::MarketRepairDecision).unwrap();
        assert_eq!(json, "market_repair_decision");
    }

    /// Issue 30, item 10, and its review (item 6): 36号 第十八条 counts the unit's 7 working days from
    /// acceptance, after the site forwards the objection within 1 working day. With no acceptance step here, the
    /// latest case is counted: filed Wednesday 2026-12-02, forwarded by Thursday 12-03 (taken as the day of
    /// acceptance), checked within 7 working days of it: Monday 2026-12-14 — 8 working days from filing.
    #[test]
    fn objections_under_36_count_the_forwarding_day_and_seven_working_days_art_18() {
        let objection = deadline(Step::ObjectionDecision, d("2026-12-02"), d("2026-12-15")).unwrap().unwrap();
        assert_eq!((objection.working_days, objection.due_on), (Some(8), Some(d("2026-12-14"))));
        let stages: Vec<(&str, u32, Date)> =
            objection.stages.iter().map(|s| (s.code.as_str(), s.working_days, s.due_on)).collect();
        assert_eq!(stages, [("forward", 1, d("2026-12-03")), ("check", 7, d("2026-12-14"))]);
        assert_eq!(objection.extension_working_days, None, "第十八条 sets no number of days for an extension");
        // Read only as quoted (the review of issue 30, item 4): unconfirmed, and the text says how it counts.
        assert_eq!((objection.confidence, objection.overdue_working_days), (Confidence::Unconfirmed, 1));
        assert_eq!(objection.source, "国家发展改革委令2025年第36号 第十八条");
        assert!(objection
            .text
            .zh
            .contains("以其届满之日（认定单位最晚收到之日）作为受理日，再计 7 个工作日，共 8 个工作日"));
        assert_eq!(
            objection.describe(true),
            "办理期限 2026-12-14（8 个工作日；“信用中国”网站转送认定单位（1 个工作日） 2026-12-03；认定单位受理后完成核查并反馈（7 个工作日，以最晚收到之日为受理日） 2026-12-14，已逾期 1 个工作日；期限以办理单位告知为准）"
        );
        // Before 36号: 国办发〔2025〕22号, 10 working days, unconfirmed.
        let before = rule(Step::ObjectionDecision, d("2026-03-31")).unwrap();
        assert_eq!((before.working_days, before.confidence), (Some(10), Confidence::Unconfirmed));
    }

    #[test]
    fn a_limit_near_the_end_of_the_published_calendar_still_shows() {
        // Arrived 2026-12-07: the decision is due in 2026; the extension ends in 2027, not published here.
        let arrived = Date::parse("2026-12-07").unwrap();
        let due = deadline(Step::RepairDecision, arrived, arrived).unwrap().expect("a rule");
        assert!(due.due_on.is_some_and(|d| d.to_string().starts_with("2026-12")), "{due:?}");
        if calendar::add_working_days(arrived, 40).is_err() {
            assert_eq!(due.extended_due_on, None, "left out, not a reason to show nothing");
        }
    }
}
