//! The repair wizard for one record: can I apply now, from when, what blocks it, the checklist of steps
//! and materials — each with the rule and source it rests on — and the way into the repair commitment.

use xinnuo_core::repair::{Evaluation, Finding, Outcome};
use xinnuo_core::status::Record;
use yew::prelude::*;

use crate::i18n::Lang;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub credit_code: String,
    pub record: Record,
    pub evaluation: Evaluation,
    /// The latest repair application for this record, if any.
    #[prop_or_default]
    pub application: Option<crate::api::RepairApplication>,
}

/// How sure a rule is, said after its source ("" when read in its text).
fn confidence_note(confidence: xinnuo_core::repair::Confidence, lang: Lang) -> &'static str {
    match confidence {
        xinnuo_core::repair::Confidence::Confirmed => "",
        xinnuo_core::repair::Confidence::Secondary => lang.pick("（二手资料）", " (secondary source)"),
        xinnuo_core::repair::Confidence::Unconfirmed => lang.pick("（待核实）", " (unconfirmed)"),
    }
}

fn rule_note(finding_rule: &xinnuo_core::repair::Rule, lang: Lang) -> Html {
    let confidence = confidence_note(finding_rule.confidence, lang);
    html! { <span class="rule-source" title={finding_rule.text.get(lang).to_owned()}>{ lang.pick("依据：", "Source: ") }{ crate::i18n::chinese_only(lang, &finding_rule.source) }{ confidence }</span> }
}

/// Which rule (article) decided an answer — the verdict, the class, the earliest date, the end of publication —
/// beside it; an unconfirmed rule says so.
pub fn answer_source(rule: Option<&xinnuo_core::repair::Rule>, lang: Lang) -> Html {
    let Some(rule) = rule else { return html! {} };
    let confidence = confidence_note(rule.confidence, lang);
    html! {
        <span class="answer-source" data-rule={rule.id.to_string()} title={rule.title.get(lang).to_owned()}>
            { format!("{}{}{confidence}", lang.pick("依据：", "Decided by: "), rule.source) }
        </span>
    }
}

fn findings(list: &[Finding], lang: Lang, class: &'static str) -> Html {
    let tl = lang;
    html! {
        <ul class={classes!("findings", class)}>
            { for list.iter().map(|f| html! { <li data-code={f.code}>{ f.message.get(tl) }{ " " }{ rule_note(f.rule, lang) }</li> }) }
        </ul>
    }
}

/// Where a repair application stands, in one line: its state, the refusal's reason, or — under review — the
/// authority's limit (the server's `workflow::repair_step` deadline for its channel). The subject's page and
/// the outbox both say it with this, from the same answer, so they never give two limits.
pub fn application_line(a: &crate::api::RepairApplication, lang: Lang) -> String {
    use xinnuo_core::decision::RepairState;
    let label = lang.pick(a.state.label_zh(), a.state.label_en());
    match (a.state, a.reason.is_empty(), &a.deadline) {
        (RepairState::Refused, false, _) => format!("{label}{}{}", lang.pick("：", ": "), a.reason),
        // The limit here, each stage with its date below (36号 第十六条: accept, decide, Credit China).
        (RepairState::Received, _, Some(deadline)) => format!("{label} · {}", deadline.headline(lang == Lang::Zh)),
        _ => label.to_owned(),
    }
}

#[component]
pub fn RepairPanel(props: &Props) -> Html {
    let lang = props.lang;
    let tl = lang;
    use xinnuo_core::decision::RepairState;
    // While an application is under review, the steps it took are done (the core ticks them, with its day).
    let mut evaluation = props.evaluation.clone();
    let applied_on = props
        .application
        .as_ref()
        .filter(|a| a.state == RepairState::Received)
        .and_then(|a| a.received_at.as_deref())
        .and_then(|at| xinnuo_core::calendar::UtcTimestamp::parse(at).ok())
        .map(|at| at.china_date());
    if let Some(day) = applied_on {
        evaluation.applied(day);
    }
    let ev = &evaluation;
    let verdict_class = match ev.outcome {
        Outcome::EligibleNow => "ok",
        Outcome::NotYet | Outcome::ObligationsOutstanding => "warn",
        Outcome::NotRepairable | Outcome::CourtOnly => "no",
        _ => "idle-info",
    };
    let date_line = match (ev.earliest_date, ev.earliest_not_before) {
        (Some(date), _) if !ev.eligible_now => {
            Some(format!("{}{date}", lang.pick("最早可申请日期：", "Earliest date to apply: ")))
        }
        // The exact day waits for a holiday schedule not yet published, or is not known at all (a term whose end
        // is not given, obligations still open): the day it cannot come before is known, and why it is a bound.
        (None, Some(date)) => Some(format!(
            "{}{date}{}",
            lang.pick("最早可申请日期：不早于 ", "Earliest date to apply: not before "),
            if ev.notes.iter().any(|n| n.code == "holidays_unpublished") {
                lang.pick(
                    "（确切日期待节假日安排公布后确定）",
                    " (the exact day once the holiday schedule is published)",
                )
            } else {
                ""
            }
        )),
        _ => None,
    };
    let ends = match (ev.publication_ends, ev.publication_ends_not_before) {
        (Some(date), _) => Some(format!(
            "{}{date}",
            lang.pick("公示截止（到期自动停止）：", "Published until (stops automatically): ")
        )),
        (None, Some(date)) => Some(format!("{}{date}", lang.pick("公示截止不早于：", "Published at least until: "))),
        _ => None,
    };
    let application = props.application.as_ref();
    // While an application is under review the core refuses another (a granted one ended the record's
    // publication, so the evaluation has nothing to apply for).
    let pending = application.is_some_and(|a| {
        xinnuo_core::workflow::accept_repair_application(&[(a.submission_id.clone(), a.state)]).is_err()
    });
    // The core answers a court listing "only the court deletes it", never eligible now.
    let can_apply = ev.eligible_now && !pending;
    // Once applied for, the verdict is the application's, not "you can apply now" again (a granted one is the
    // core's own "已修复或已移出": the record's publication ended).
    let (verdict, verdict_class) = match application.map(|a| a.state) {
        Some(RepairState::Received) => (
            lang.pick(
                "已申请信用修复，等待认定机关审核（结果会显示在此）",
                "Repair applied for: awaiting the deciding authority (the result will show here)",
            ),
            "idle-info",
        ),
        _ => (ev.outcome_label.get(tl), verdict_class),
    };
    let application_line = application.map(|a| application_line(a, lang));
    // The stages of the deciding unit's review, each with its latest day, while it is under review.
    let stage_lines: Vec<String> = application
        .filter(|a| a.state == RepairState::Received)
        .and_then(|a| a.deadline.as_ref())
        .map(|deadline| deadline.stage_lines(lang == Lang::Zh))
        .unwrap_or_default();
    let class_line = ev.class.map(|class| {
        let name = lang.pick(class.label_zh(), class.label_en());
        match ev.class_rule {
            Some(_) => format!("{}{name}", lang.pick("失信程度：", "Class: ")),
            None => format!(
                "{}{name}{}",
                lang.pick("失信程度：", "Class: "),
                lang.pick("（认定部门给出）", " (given by the deciding body)")
            ),
        }
    });
    html! {
        <div class="repair-panel" data-record={props.record.id.clone()}>
            <p class={classes!("verdict", verdict_class)} data-outcome={format!("{:?}", ev.outcome)}>{ verdict }</p>
            // Under review the verdict is the application's; otherwise the rule that decided it is beside it.
            if ev.outcome_rule.is_some() && application.is_none_or(|a| a.state != RepairState::Received) {
                <p class="verdict-source">{ answer_source(ev.outcome_rule, lang) }</p>
            }
            if let Some(line) = application_line {
                <p class="notice repair-application" role="status">{ format!("{}{line}", lang.pick("修复申请：", "Repair application: ")) }</p>
            }
            if !stage_lines.is_empty() {
                <ol class="deadline-stages" aria-label={lang.pick("审核各环节期限", "Each stage of the review")}>
                    { for stage_lines.iter().map(|line| html! { <li>{ line }</li> }) }
                </ol>
            }
            <ul class="facts-list">
                if let Some(line) = date_line { <li class="earliest">{ line }{ " " }{ answer_source(ev.earliest_rule, lang) }</li> }
                if let Some(line) = ends { <li class="ends">{ line }{ " " }{ answer_source(ev.publication_rule, lang) }</li> }
                if let Some(line) = class_line { <li class="class">{ line }{ " " }{ answer_source(ev.class_rule, lang) }</li> }
                if let Some(channel) = &ev.channel_label { <li>{ lang.pick("办理渠道：", "Where: ") }{ channel.get(tl) }</li> }
                if let Some(regime) = ev.regime { <li>{ lang.pick("适用规定：", "Rule in force: ") }{ regime.name.get(tl) }</li> }
            </ul>
            if !ev.blocking.is_empty() {
                <h4>{ lang.pick("尚不满足的条件", "What blocks it") }</h4>
                { findings(&ev.blocking, lang, "blocking") }
            }
            if !ev.steps.is_empty() {
                <h4>{ lang.pick("办理步骤", "Steps") }</h4>
                <ol class="checklist">
                    { for ev.steps.iter().map(|step| html! {
                        <li class={classes!(step.done.then_some("done"))} data-code={step.code}>
                            <span aria-hidden="true">{ if step.done { "☑ " } else { "☐ " } }</span>
                            { step.message.get(tl) }{ " " }{ rule_note(step.rule, lang) }
                        </li>
                    }) }
                </ol>
            }
            if !ev.materials.is_empty() {
                <h4>{ lang.pick("所需材料", "Materials") }</h4>
                { findings(&ev.materials, lang, "materials") }
                // Where the rules take a credit report as evidence, the enterprise's own, signed, one click away.
                if ev.materials.iter().any(|m| m.code == "optional_evidence")
                    && matches!(crate::api::data_source(), crate::api::DataSource::Api)
                {
                    <p class="attach-report"><crate::route::AppLink to={Route::Report(props.credit_code.clone())} class="button">
                        { lang.pick("生成本企业的信用报告（可作补充材料）", "Make the enterprise's credit report (optional evidence)") }
                    </crate::route::AppLink></p>
                }
            }
            if !ev.notes.is_empty() {
                <h4>{ lang.pick("说明", "Notes") }</h4>
                { findings(&ev.notes, lang, "notes") }
            }
            if can_apply {
                // In a widget the link opens the full app (on the API's origin) in a new tab.
                <crate::route::AppLink class="button primary start-repair" to={Route::Repair(props.credit_code.clone(), props.record.id.clone())}>
                    { lang.pick("填写信用修复承诺书并申请", "Fill the repair commitment and apply") }
                </crate::route::AppLink>
            }
        </div>
    }
}
