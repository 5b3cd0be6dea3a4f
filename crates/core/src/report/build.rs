//! A report's content from what the core computed of the subject (its status on the day) and its published
//! commitments.

use super::{
    CommitmentClass, ReportCommitment, ReportContent, ReportNote, ReportObjection, ReportRecord, ReportRepair,
    ReportTier,
};
use crate::calendar::{Date, UtcTimestamp};
use crate::decision::ObjectionState;
use crate::repair::Outcome;
use crate::status::{Record, RecordKind};
use crate::template::Text;
use crate::wire::{PublishedCommitment, SubjectView};

fn china_day(timestamp: &str) -> Option<Date> {
    UtcTimestamp::parse(timestamp).ok().map(|t| t.china_date())
}

fn listed(record: &Record, ends: (Option<Date>, Option<Date>)) -> ReportRecord {
    ReportRecord {
        id: record.id.clone(),
        kind: record.kind,
        decision_no: record.decision_no.clone(),
        authority: record.authority.clone(),
        decided_on: record.decided_on,
        summary: record.summary.clone(),
        class: record.class,
        publication_ends: ends.0,
        publication_ends_not_before: ends.1,
    }
}

/// The report's content for `view` (a subject's status on a day, computed by the core) and its published
/// commitments: what is public that day, in the report's sections.
pub fn content(view: &SubjectView, commitments: &[PublishedCommitment]) -> ReportContent {
    let on = view.on;
    let profile = &view.profile;
    let mut content = ReportContent {
        credit_code: profile.credit_code.clone(),
        name: profile.name.clone(),
        demo: profile.demo,
        as_of: on,
        penalties: Vec::new(),
        serious_lists: Vec::new(),
        abnormal_lists: Vec::new(),
        other_records: Vec::new(),
        red_lists: Vec::new(),
        commitments: Vec::new(),
        grades: profile.grades.clone(),
        tier: view.summary.as_ref().map(|s| ReportTier { tier: s.tier, name: s.name.clone(), label: s.label.clone() }),
        repairs: Vec::new(),
        objections: Vec::new(),
        notes: Vec::new(),
    };
    // Records left out, by why: (count, the rules that said so).
    let mut ended = (0usize, Vec::<String>::new());
    let mut removed = (0usize, Vec::<String>::new());
    let mut unpublished = (0usize, Vec::<String>::new());
    let note_rule = |bucket: &mut (usize, Vec<String>), rule: Option<&str>| {
        bucket.0 += 1;
        if let Some(rule) = rule {
            if !bucket.1.iter().any(|r| r == rule) {
                bucket.1.push(rule.to_owned());
            }
        }
    };
    for record in profile.records.iter().filter(|r| r.decided_on <= on) {
        let evaluation = view.evaluations.iter().find(|e| e.record_id == record.id);
        let outcome = evaluation.map(|e| e.outcome);
        let rule = evaluation.and_then(|e| e.outcome_rule).map(|r| r.id.as_ref());
        let removed_by_then = record.removed_on.is_some_and(|day| day <= on);
        match outcome {
            _ if removed_by_then && record.kind.is_negative() => {
                note_rule(&mut removed, rule);
                continue;
            }
            Some(Outcome::AlreadyRemoved) => {
                note_rule(&mut removed, rule);
                continue;
            }
            Some(Outcome::PublicationEnded) => {
                note_rule(&mut ended, rule);
                continue;
            }
            Some(Outcome::NotPublished) => {
                note_rule(&mut unpublished, rule);
                continue;
            }
            _ => {}
        }
        if removed_by_then {
            continue;
        }
        let entry =
            listed(record, evaluation.map(|e| (e.publication_ends, e.publication_ends_not_before)).unwrap_or_default());
        match record.kind {
            RecordKind::AdministrativePenalty => content.penalties.push(entry),
            RecordKind::SeriousDishonestyList | RecordKind::SeriousIllegalList | RecordKind::CourtDishonestDebtor => {
                content.serious_lists.push(entry)
            }
            RecordKind::AbnormalOperationList => content.abnormal_lists.push(entry),
            RecordKind::OtherDishonesty | RecordKind::BrokenCommitment => content.other_records.push(entry),
            RecordKind::RedList => content.red_lists.push(entry),
        }
    }
    for commitment in commitments {
        let Ok(template) = crate::template::get(&commitment.template_id, Some(&commitment.template_version)) else {
            continue;
        };
        content.commitments.push(ReportCommitment {
            submission_id: commitment.submission_id.clone(),
            title: commitment.title_zh.clone(),
            class: CommitmentClass::of(template.kind),
            department: commitment.department_name.clone(),
            state: commitment.state,
            received_on: china_day(&commitment.received_at).unwrap_or(on),
            finding_overturned_by: commitment.finding_overturned_by.clone(),
        });
    }
    content.commitments.sort_by(|a, b| b.received_on.cmp(&a.received_on).then(a.submission_id.cmp(&b.submission_id)));
    for application in &view.repair_applications {
        content.repairs.push(ReportRepair {
            record_id: application.record_id.clone(),
            state: application.state,
            received_on: application.received_at.as_deref().and_then(china_day),
        });
    }
    let mut upheld = 0usize;
    for objection in &view.objections {
        if objection.state == ObjectionState::Upheld {
            upheld += 1;
        }
        content.objections.push(ReportObjection {
            record_id: objection.record_id.clone(),
            state: objection.state,
            received_on: china_day(&objection.received_at),
            decided_on: objection.decided_at.as_deref().and_then(china_day),
        });
    }

    let notes = &mut content.notes;
    notes.push(ReportNote {
        text: Text::new(
            "本报告只列入报告日仍在公示期内的信息，不含任何个人信息；行政许可信息本系统未收录，请以各部门公示为准。信用评价中的“汇总等级”为本工具根据已公示信息的汇总，非官方评级。",
            "This report lists only what is still published on its day and no personal data; administrative licences are not collected by this system (see each department's publication). The summary tier is this tool's summary of published information, not an official grade.",
        ),
        rules: Vec::new(),
    });
    let mut left_out = |(count, rules): (usize, Vec<String>), zh: &str, en: &str| {
        if count > 0 {
            notes.push(ReportNote {
                text: Text::new(format!("{zh}（{count} 条）。"), format!("{en} ({count}).")),
                rules,
            });
        }
    };
    left_out(ended, "公示期已届满的记录不再列入", "Records whose publication period is over are not listed");
    left_out(
        removed,
        "已修复或已提前终止公示、已移出的记录不再列入",
        "Records repaired, removed, or whose publication was ended early are not listed",
    );
    left_out(
        unpublished,
        "依规不予公示的记录（如适用简易程序的处罚）不列入",
        "Records the rules keep unpublished (e.g. penalties by simplified procedure) are not listed",
    );
    if upheld > 0 {
        notes.push(ReportNote {
            text: Text::new(
                format!("经异议核实更正的记录不再列入（{upheld} 件异议成立）。"),
                format!("Records corrected after an upheld objection are not listed ({upheld} upheld)."),
            ),
            rules: Vec::new(),
        });
    }
    if profile.demo {
        notes.push(ReportNote {
            text: Text::new(
                "本报告中的主体和信息均为示例数据，不代表真实企业。",
                "The subject and information in this report are fictional demo data.",
            ),
            rules: Vec::new(),
        });
    }
    content
}
