//! `evaluate(record, others, on)`: can this record be repaired on `on`, from when, what blocks it, where to
//! apply, and the steps and materials still needed — each conclusion with the rule it rests on.

use serde::{Serialize, Serializer};

use super::rules::{regime_on, rule, Regime, Rule};
use crate::calendar::{period_end, CalendarError, Date, Period};
use crate::status::{ClassBasis, PenaltyClass, PenaltyType, Record, RecordError, RecordKind, Sector};
use crate::template::Text;

/// Where to apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    /// “信用中国”网站 (creditchina.gov.cn).
    CreditChina,
    /// 国家企业信用信息公示系统 (gsxt.gov.cn).
    Gsxt,
    /// The enforcing court.
    Court,
}

impl Channel {
    /// The name on the wire and in the store (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::CreditChina => "credit_china",
            Self::Gsxt => "gsxt",
            Self::Court => "court",
        }
    }

    /// A stored name back (`as_str`); `None` for any other text.
    pub fn parse(name: &str) -> Option<Self> {
        [Self::CreditChina, Self::Gsxt, Self::Court].into_iter().find(|c| c.as_str() == name)
    }

    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Self::CreditChina => ("“信用中国”网站（www.creditchina.gov.cn）", "Credit China (www.creditchina.gov.cn)"),
            Self::Gsxt => (
                "国家企业信用信息公示系统（www.gsxt.gov.cn）",
                "National Enterprise Credit Information Publicity System (www.gsxt.gov.cn)",
            ),
            Self::Court => ("作出失信决定的执行法院", "The enforcing court"),
        };
        Text { zh: zh.into(), en: en.into() }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RepairOutcome))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every condition is met: apply now.
    EligibleNow,
    /// Obligations are met; the minimum period has not passed.
    NotYet,
    /// Obligations of the decision are still open.
    ObligationsOutstanding,
    /// Never repairable (a law forbids it, or the penalty can never be stopped early).
    NotRepairable,
    /// Only the court deletes it.
    CourtOnly,
    /// Publication ends on its own before repair could apply; nothing to do but wait.
    EndsAutomatically,
    /// The publication period is over.
    PublicationEnded,
    /// Already repaired or removed.
    AlreadyRemoved,
    /// Not a negative record.
    NotNegative,
    /// No repair rule covers the evaluation date (before 2019-07-01).
    NoRule,
    /// Never published (a market penalty by simplified procedure, or a warning only: 总局令第45号 第二条).
    NotPublished,
}

impl Outcome {
    pub fn label(self) -> Text {
        let (zh, en) = match self {
            Self::EligibleNow => ("现在可以申请信用修复", "You can apply for repair now"),
            Self::NotYet => ("暂不能申请：最短公示期未满", "Not yet: the minimum publication period has not passed"),
            Self::ObligationsOutstanding => ("暂不能申请：尚未全面履行义务", "Not yet: obligations are still open"),
            Self::NotRepairable => ("不能申请信用修复", "Repair cannot be applied for"),
            Self::CourtOnly => ("不适用信用修复，由执行法院删除", "Not a repair matter: only the court deletes it"),
            Self::EndsAutomatically => {
                ("无需申请：到期自动停止公示", "No application needed: publication ends automatically")
            }
            Self::PublicationEnded => ("公示期已届满，已停止公示", "The publication period is over"),
            Self::AlreadyRemoved => ("已修复或已移出", "Already repaired or removed"),
            Self::NotNegative => ("不是失信记录，无需修复", "Not a negative record"),
            Self::NoRule => ("评估日期没有适用的修复规定", "No repair rule applies on that date"),
            Self::NotPublished => ("不予公示，无需修复", "Not published: nothing to repair"),
        };
        Text { zh: zh.into(), en: en.into() }
    }
}

fn rule_ref<S: Serializer>(rule: &&'static Rule, serializer: S) -> Result<S::Ok, S::Error> {
    use serde::ser::SerializeStruct;
    let mut state = serializer.serialize_struct("RuleRef", 4)?;
    state.serialize_field("id", &rule.id)?;
    state.serialize_field("title", &rule.title)?;
    state.serialize_field("source", &rule.source)?;
    state.serialize_field("confidence", &rule.confidence)?;
    state.end()
}

fn rule_ref_opt<S: Serializer>(rule: &Option<&'static Rule>, serializer: S) -> Result<S::Ok, S::Error> {
    match rule {
        Some(rule) => rule_ref(rule, serializer),
        None => serializer.serialize_none(),
    }
}

/// A conclusion and the rule it rests on.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Finding {
    pub code: &'static str,
    pub message: Text,
    #[serde(serialize_with = "rule_ref")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::RuleRef))]
    pub rule: &'static Rule,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = RepairStep))]
pub struct Step {
    pub code: &'static str,
    pub message: Text,
    pub done: bool,
    #[serde(serialize_with = "rule_ref")]
    #[cfg_attr(feature = "openapi", schema(value_type = crate::openapi::RuleRef))]
    pub rule: &'static Rule,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Evaluation {
    pub record_id: String,
    pub on: Date,
    pub regime: Option<&'static Regime>,
    /// The regime in force when the record was decided, when it differs.
    pub regime_of_its_time: Option<&'static Regime>,
    pub class: Option<PenaltyClass>,
    pub class_guessed: bool,
    /// The rule that decided the class (`None` when the department gave it, or no class applies).
    #[serde(serialize_with = "rule_ref_opt")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::RuleRef>))]
    pub class_rule: Option<&'static Rule>,
    pub outcome: Outcome,
    pub outcome_label: Text,
    /// The rule (article) that decided the outcome: the first blocker's while something blocks it.
    #[serde(serialize_with = "rule_ref_opt")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::RuleRef>))]
    pub outcome_rule: Option<&'static Rule>,
    pub eligible_now: bool,
    /// The first day an application can succeed, when it is known.
    pub earliest_date: Option<Date>,
    /// A lower bound when the exact day is not known (obligations open, or an unpublished holiday year).
    pub earliest_not_before: Option<Date>,
    /// The rule that decided the earliest date (the minimum period, a penalty's term, or the obligations).
    #[serde(serialize_with = "rule_ref_opt")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::RuleRef>))]
    pub earliest_rule: Option<&'static Rule>,
    /// The last day of publication (it stops automatically after it).
    pub publication_ends: Option<Date>,
    pub publication_ends_not_before: Option<Date>,
    /// The rule that decided the last day of publication.
    #[serde(serialize_with = "rule_ref_opt")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<crate::openapi::RuleRef>))]
    pub publication_rule: Option<&'static Rule>,
    pub channel: Option<Channel>,
    pub channel_label: Option<Text>,
    pub blocking: Vec<Finding>,
    pub steps: Vec<Step>,
    pub materials: Vec<Finding>,
    pub notes: Vec<Finding>,
}

/// A period's end, or a lower bound when that year's holiday schedule is not published.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Bound {
    date: Option<Date>,
    not_before: Date,
    unpublished: Option<u32>,
}

impl Bound {
    fn exact(date: Date) -> Self {
        Self { date: Some(date), not_before: date, unpublished: None }
    }

    fn of(start: Date, period: Period) -> Self {
        match period_end(start, period) {
            Ok(date) => Self::exact(date),
            Err(CalendarError::Unpublished(year)) => {
                Self { date: None, not_before: period.raw_end(start), unpublished: Some(year) }
            }
            Err(CalendarError::OutOfRange) => Self { date: None, not_before: period.raw_end(start), unpublished: None },
        }
    }

    /// Whether `on` is certainly on or after the bound.
    fn reached_by(self, on: Date) -> bool {
        self.date.is_some_and(|d| on >= d)
    }

    /// Whether `on` is certainly after the bound.
    fn passed_by(self, on: Date) -> bool {
        self.date.is_some_and(|d| on > d)
    }

    /// The later of two bounds (exact only when both are).
    fn later(self, other: Self) -> Self {
        match (self.date, other.date) {
            (Some(a), Some(b)) => Self::exact(a.max(b)),
            _ => Self {
                date: None,
                not_before: self.not_before.max(other.not_before),
                unpublished: self.unpublished.or(other.unpublished),
            },
        }
    }
}

fn text(zh: String, en: String) -> Text {
    Text::new(zh, en)
}

fn finding(code: &'static str, zh: String, en: String, rule_id: &str) -> Finding {
    Finding { code, message: text(zh, en), rule: rule(rule_id) }
}

fn step(code: &'static str, done: bool, zh: String, en: String, rule_id: &str) -> Step {
    Step { code, message: text(zh, en), done, rule: rule(rule_id) }
}

/// Why a record's term has an end not known here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnknownTerm {
    /// A penalty that runs for a term (暂扣许可证件, 责令停产停业, 限制开展生产经营活动, 限制从业).
    Penalty(PenaltyType),
    /// A penalty the tool cannot place (`other`): it may run for a term; `has_term: false` says it does not.
    Unplaced,
    /// The record says it has a term (`has_term: true`).
    Said,
}

/// The term a record carries whose last day (`ban_until`) is not given, if any.
fn term_of_unknown_end(record: &Record) -> Option<UnknownTerm> {
    if record.ban_until.is_some() {
        return None;
    }
    if let Some(penalty) = record.penalties.iter().copied().find(|p| p.has_term()) {
        return Some(UnknownTerm::Penalty(penalty));
    }
    if record.penalties.contains(&PenaltyType::Other) && record.has_term != Some(false) {
        return Some(UnknownTerm::Unplaced);
    }
    (record.has_term == Some(true)).then_some(UnknownTerm::Said)
}

/// The penalty as the decision names it (zh, en), or that the record does not say.
fn named(record: &Record) -> (String, String) {
    match &record.penalty_as_named {
        Some(named) => (format!("决定书载明：{named}"), format!("as decided: {named}")),
        None => (
            "决定书载明的处罚未注明（penalty_as_named）".to_owned(),
            "the penalty as decided is not given (penalty_as_named)".to_owned(),
        ),
    }
}

impl Evaluation {
    /// An application for this record was made on `applied_on` and is under review: the repair commitment is
    /// signed and the application sent, so the checklist shows those steps done (with the day), and only the
    /// authority's review is still to come. (The subject's page and the wizard call this while an application
    /// is under review; a refused one leaves the steps to do again.)
    pub fn applied(&mut self, applied_on: Date) {
        for step in &mut self.steps {
            let done = match step.code {
                "commitment" => {
                    Some(text("已签署信用修复承诺书".into(), "The credit-repair commitment is signed".into()))
                }
                "apply" => Some(text(
                    format!("已于 {applied_on} 提交修复申请，认定单位审核中"),
                    format!("Application made on {applied_on}; the deciding authority is reviewing it"),
                )),
                _ => None,
            };
            if let Some(message) = done {
                step.done = true;
                step.message = message;
            }
        }
    }

    /// No earliest day can be promised (a term whose end is not known): only a lower bound still ahead is kept,
    /// and `rule_id` decided it.
    fn unknown_earliest(&mut self, rule_id: &str) {
        let bound = self.earliest_date.or(self.earliest_not_before);
        self.earliest_date = None;
        self.earliest_not_before = bound.filter(|day| *day > self.on);
        self.earliest_rule = Some(rule(rule_id));
    }

    fn new(record: &Record, on: Date) -> Self {
        let regime = regime_on(on);
        let then = regime_on(record.decided_on).filter(|then| regime.is_none_or(|now| now.id != then.id));
        Self {
            record_id: record.id.clone(),
            on,
            regime,
            regime_of_its_time: then,
            class: None,
            class_guessed: false,
            class_rule: None,
            outcome: Outcome::NoRule,
            outcome_label: Outcome::NoRule.label(),
            outcome_rule: None,
            eligible_now: false,
            earliest_date: None,
            earliest_not_before: None,
            earliest_rule: None,
            publication_ends: None,
            publication_ends_not_before: None,
            publication_rule: None,
            channel: None,
            channel_label: None,
            blocking: Vec::new(),
            steps: Vec::new(),
            materials: Vec::new(),
            notes: Vec::new(),
        }
    }

    /// Sets the outcome and the rule that decided it (`""`: none, e.g. not a negative record).
    fn set(&mut self, outcome: Outcome, rule_id: &str) {
        self.outcome = outcome;
        self.outcome_label = outcome.label();
        self.eligible_now = outcome == Outcome::EligibleNow;
        self.outcome_rule = (!rule_id.is_empty()).then(|| rule(rule_id));
    }

    fn channel(&mut self, channel: Channel) {
        self.channel = Some(channel);
        self.channel_label = Some(channel.label());
    }

    fn publication(&mut self, end: Bound, rule_id: &str) {
        self.publication_rule = Some(rule(rule_id));
        self.publication_ends = end.date;
        self.publication_ends_not_before = end.date.is_none().then_some(end.not_before);
        self.note_unpublished(end);
    }

    fn note_unpublished(&mut self, bound: Bound) {
        if let Some(year) = bound.unpublished {
            let year_text = format!("{year} 年");
            if !self.notes.iter().any(|n| n.code == "holidays_unpublished" && n.message.zh.starts_with(&year_text)) {
                self.notes.push(finding(
                    "holidays_unpublished",
                    format!("{year} 年节假日安排尚未公布：相关日期不早于 {}，公布后才能确定", bound.not_before),
                    format!(
                        "The {year} holiday schedule is not published: the date is not before {}, exact once it is",
                        bound.not_before
                    ),
                    "calendar.period",
                ));
            }
        }
    }

    /// Sets the earliest date from the minimum period (or term) and the day obligations were met, and the rule
    /// that decided it: `min_rule` unless the obligations were met later (`met_rule`).
    fn earliest(&mut self, min_end: Bound, min_rule: &str, obligations_met_on: Option<Date>, met_rule: &str) {
        self.note_unpublished(min_end);
        let by_obligations = obligations_met_on.is_some_and(|met| met > min_end.date.unwrap_or(min_end.not_before));
        self.earliest_rule = Some(rule(if by_obligations { met_rule } else { min_rule }));
        match (min_end.date, obligations_met_on) {
            (Some(min), Some(met)) => self.earliest_date = Some(min.max(met)),
            (None, Some(met)) => self.earliest_not_before = Some(min_end.not_before.max(met)),
            (_, None) => self.earliest_not_before = Some(min_end.not_before),
        }
    }

    /// Already removed, or the period over: `rule_id` is the rule of the record's path that ends it.
    fn removed_or_ended(&mut self, record: &Record, end: Option<Bound>, rule_id: &str) -> bool {
        if let Some(removed) = record.removed_on.filter(|d| *d <= self.on) {
            self.set(Outcome::AlreadyRemoved, rule_id);
            // Its publication ended on that day: no end still to come (公示截止 …) is shown beside it.
            self.publication_ends = None;
            self.publication_ends_not_before = None;
            self.notes.push(finding(
                "removed",
                format!("已于 {removed} 修复、移出或停止公示"),
                format!("Repaired, removed or no longer published since {removed}"),
                rule_id,
            ));
            return true;
        }
        if let Some(end) = end.filter(|end| end.passed_by(self.on)) {
            self.set(Outcome::PublicationEnded, rule_id);
            let ends = end.date.unwrap_or(end.not_before);
            self.notes.push(finding(
                "publication_ended",
                format!("最长公示期已于 {ends} 届满，已自动停止公示，无需申请修复"),
                format!("The maximum period ended on {ends}; publication stopped automatically, no application needed"),
                rule_id,
            ));
            return true;
        }
        false
    }
}

/// A broken commitment carries no penalty decision: what it asks is to honour the commitment and correct the
/// breach, never "the obligations of the penalty decision".
fn no_penalty(record: &Record) -> bool {
    record.kind == RecordKind::BrokenCommitment
}

fn obligations_step(record: &Record, on: Date, rule_id: &str) -> (bool, Step) {
    let met = record.obligations_met_on.is_some_and(|d| d <= on);
    let (zh, en) = match (record.obligations_met_on.filter(|_| met), no_penalty(record)) {
        (Some(date), false) => (
            format!("已于 {date} 全面履行处罚决定规定的义务、纠正失信行为"),
            format!("Every obligation met and the behaviour corrected on {date}"),
        ),
        (Some(date), true) => (
            format!("已于 {date} 履行所作承诺、纠正违诺行为"),
            format!("The commitment honoured and the breach corrected on {date}"),
        ),
        (None, false) => (
            "全面履行处罚决定规定的义务（如缴清罚款）、纠正失信行为、消除不良影响".into(),
            "Meet every obligation of the decision (e.g. pay the fine), correct the behaviour, remove its effects"
                .into(),
        ),
        (None, true) => (
            "履行所作承诺（如补交承诺的材料）、纠正违诺行为、消除不良影响".into(),
            "Honour the commitment (e.g. hand in the materials promised), correct the breach, remove its effects"
                .into(),
        ),
    };
    (met, step("obligations", met, zh, en, rule_id))
}

fn commitment_step(rule_id: &str) -> Step {
    step(
        "commitment",
        false,
        "签署信用修复承诺书（每条记录一份），承诺材料真实并承担违诺责任".into(),
        "Sign a credit-repair commitment (one per record): materials true, liability accepted".into(),
        rule_id,
    )
}

fn apply_step(channel: Channel, rule_id: &str) -> Step {
    let label = channel.label();
    step("apply", false, format!("通过{}提交修复申请", label.zh), format!("Apply through {}", label.en), rule_id)
}

fn standard_materials() -> Vec<Finding> {
    vec![
        finding(
            "proof_of_fulfilment",
            "履行义务的证明材料（如罚款缴纳凭证、整改报告）".into(),
            "Proof that obligations were met (payment receipts, correction report)".into(),
            "36.materials",
        ),
        finding(
            "repair_commitment",
            "信用修复承诺书（本工具可生成并签名）".into(),
            "Credit-repair commitment (this tool fills and signs it)".into(),
            "36.materials",
        ),
        finding(
            "optional_evidence",
            "可选：信用培训证明、信用报告".into(),
            "Optional: credit training certificate, credit report".into(),
            "36.materials",
        ),
    ]
}

/// The common end of an evaluation by obligations and time: the blockers, then the outcome.
/// `(met, waited, clear)`: obligations met, minimum period over, nothing else in the way.
fn conclude(
    ev: &mut Evaluation,
    record: &Record,
    (met, waited, clear): (bool, bool, bool),
    rule_id: &str,
    wait: Finding,
) {
    if !met {
        let (zh, en) = if no_penalty(record) {
            ("尚未履行所作承诺、纠正违诺行为", "The commitment is not yet honoured and the breach not corrected")
        } else {
            ("尚未全面履行处罚决定规定的义务", "The decision's obligations are not all met")
        };
        ev.blocking.insert(0, finding("obligations_open", zh.into(), en.into(), rule_id));
    }
    if !waited {
        ev.blocking.insert(usize::from(!met), wait);
    }
    ev.set(
        match (met, waited && clear) {
            (true, true) => Outcome::EligibleNow,
            (false, _) => Outcome::ObligationsOutstanding,
            (true, false) => Outcome::NotYet,
        },
        rule_id,
    );
}

/// The class and what decided it, by the record's decision date: 36号's default classes (第十一条 → 第八条至
/// 第十条) apply only to a record decided on or after 2026-04-01, the day 36号 came into force — on the
/// “信用中国” path and the market path alike; a record decided before is not classed by them (the rules of its
/// time set no such classes, and 36号's are not applied back): the class is then a guess, and the note says why.
fn class_by_decision_date(ev: &mut Evaluation, record: &Record) -> (PenaltyClass, ClassBasis) {
    match record.class_and_basis() {
        (class, ClassBasis::Article(_)) if !decided_under_36(record) => {
            ev.notes.push(finding(
                "class_before_36",
                format!(
                    "该处罚作出于 {}，早于国家发展改革委令2025年第36号施行（2026-04-01），不按其第八条至第十一条分类：失信程度“{}”为本工具推定，以认定部门为准",
                    record.decided_on,
                    class.label_zh()
                ),
                format!(
                    "Decided on {}, before NDRC Order No. 36 came into force (2026-04-01), so not classed by its Arts. 8–11: the class “{}” is a guess; the deciding body's class prevails",
                    record.decided_on,
                    class.label_en()
                ),
                "class.guess",
            ));
            (class, ClassBasis::Guess)
        }
        other => other,
    }
}

/// The record's class and what decided it, said in the notes: the department's class; else 36号's default
/// classes (第十一条 → 第八条至第十条) where the articles coded cover the penalty and the record was decided
/// under 36号 (`class_by_decision_date`); else this tool's guess, marked unconfirmed.
fn class_of(ev: &mut Evaluation, record: &Record) -> (PenaltyClass, ClassBasis) {
    let (class, basis) = class_by_decision_date(ev, record);
    ev.class = Some(class);
    ev.class_guessed = basis == ClassBasis::Guess;
    match basis {
        ClassBasis::Given => {}
        ClassBasis::Article(id) => {
            ev.class_rule = Some(rule(id));
            let source = &rule(id).source;
            ev.notes.push(finding(
                "class_by_article",
                format!("部门未给出失信程度，按{source}定为“{}”", class.label_zh()),
                format!("No class from the department: “{}” under {source}", class.label_en()),
                id,
            ));
        }
        // Said once: the note on the decision date already says it is a guess.
        ClassBasis::Guess if ev.notes.iter().any(|n| n.code == "class_before_36") => {
            ev.class_rule = Some(rule("class.guess"));
        }
        ClassBasis::Guess => class_guessed_note(ev, class),
    }
    (class, basis)
}

fn class_guessed_note(ev: &mut Evaluation, class: PenaltyClass) {
    ev.class_rule = Some(rule("class.guess"));
    ev.notes.push(finding(
        "class_guessed",
        format!("失信程度“{}”为本工具推定（本工具所录36号条款（据引述）未涉及该处罚），以认定部门的分类为准", class.label_zh()),
        format!(
            "The class “{}” is a guess (the articles of No. 36 this tool has, as quoted, do not cover this penalty); the deciding body's class prevails",
            class.label_en()
        ),
        "class.guess",
    ));
}

/// Repair through Credit China under the regime in force (penalties of non-market regulators, sector lists,
/// other dishonesty records).
fn credit_china(ev: &mut Evaluation, record: &Record, regime: &'static Regime) {
    let under_36 = regime.id == "36";
    let (class, basis, periods_rule) = match record.kind {
        RecordKind::SeriousDishonestyList => {
            ev.class = Some(PenaltyClass::Serious);
            ev.class_rule = Some(rule("sector.serious_list"));
            (PenaltyClass::Serious, ClassBasis::Given, rule("sector.serious_list"))
        }
        RecordKind::OtherDishonesty | RecordKind::BrokenCommitment if record.class.is_none() => {
            ev.class = Some(PenaltyClass::General);
            ev.class_guessed = true;
            class_guessed_note(ev, PenaltyClass::General);
            (PenaltyClass::General, ClassBasis::Guess, regime.periods_rule())
        }
        _ => {
            let (class, basis) = class_of(ev, record);
            (class, basis, regime.periods_rule())
        }
    };
    ev.channel(Channel::CreditChina);
    // 36号 第八条第（一）项: a penalty by simplified procedure is minor and “原则上” not published — in principle
    // only, so it may have been: without `published_on` it is evaluated as a published minor record (at most
    // 3 months; repair once obligations are met), and said so, never answered “nothing to repair”.
    let simplified_minor = basis == ClassBasis::Article("36.class_minor");
    if simplified_minor && record.published_on.is_none() {
        ev.notes.push(finding(
            "simplified_may_be_published",
            "适用简易程序作出的行政处罚为轻微失信信息，原则上不予公示；未注明是否已公示（published_on），可能已公示：按已公示的轻微失信信息评估（公示期最长 3 个月，履行义务后即可申请修复）；确未公示的，无需修复".into(),
            "A penalty by simplified procedure is minor information, in principle not published; whether it was published (published_on) is not given, and it may have been: evaluated as a published minor record (published at most 3 months, repair once obligations are met); if it was never published, there is nothing to repair".into(),
            "36.class_minor",
        ));
    }
    let periods = regime.periods(class);
    let end = Bound::of(record.decided_on, periods.max);
    ev.publication(end, &periods_rule.id);
    // The rule that ends publication on this path (36号's automatic end; before it, the regime's periods).
    let end_rule = if under_36 { "36.auto_end" } else { &*periods_rule.id };
    // 36号: reaching the maximum period with obligations still open does not end publication by itself;
    // the field's own rules apply ("按照行业主管部门有关规定执行").
    let open_at_max =
        regime.id == "36" && end.passed_by(ev.on) && record.obligations_met_on.is_none_or(|met| met > ev.on);
    if open_at_max {
        if ev.removed_or_ended(record, None, end_rule) {
            return;
        }
        ev.notes.push(finding(
            "max_period_obligations_open",
            "已达最长公示期但尚未全面履行义务：不自动停止公示，按照行业主管部门有关规定执行".into(),
            "The maximum period is reached with obligations still open: publication does not stop by itself; the field's rules apply".into(),
            "36.auto_end",
        ));
    } else if ev.removed_or_ended(record, Some(end), end_rule) {
        return;
    }
    if class == PenaltyClass::Minor && !(simplified_minor && record.published_on.is_none()) {
        // 36号 has a minor class; 527 and 58 did not (their minor row is this tool's projection of 36).
        let minor_rule = if regime.id == "36" { &*periods_rule.id } else { "minor.backfilled" };
        ev.notes.push(finding("minor_not_published", "轻微失信原则上不公示；已公示的，履行义务后即可申请修复".into(), "Minor cases are in principle not published; if published, repair may be applied for once obligations are met".into(), minor_rule));
    }
    if record.law_forbids_repair {
        ev.set(Outcome::NotRepairable, "36.right");
        ev.blocking.push(finding(
            "law_forbids",
            "法律、法规或中央政策文件明确规定不可修复".into(),
            "A law, regulation or central policy document forbids repairing it".into(),
            "36.right",
        ));
        return;
    }
    let special_sector = matches!(
        record.sector,
        Some(
            Sector::Food
                | Sector::Drugs
                | Sector::Environment
                | Sector::Construction
                | Sector::WorkSafety
                | Sector::Fire
        )
    );
    let revoked = record.penalties.iter().any(|p| {
        matches!(p, PenaltyType::LicenceRevoked | PenaltyType::BusinessLicenceRevoked | PenaltyType::PracticeBan)
    });
    if regime.id == "527" && class == PenaltyClass::Serious && special_sector && revoked {
        ev.set(Outcome::NotRepairable, "527.special");
        ev.blocking.push(finding(
            "special_serious",
            "属于特定严重失信行为，公示 3 年且不得修复".into(),
            "A specified serious case: published 3 years and never repaired".into(),
            "527.special",
        ));
        return;
    }
    let min_end = periods.min.map_or(Bound::exact(record.decided_on), |min| Bound::of(record.decided_on, min));
    let (met, obligations) = obligations_step(record, ev.on, "36.conditions");
    let waited = min_end.reached_by(ev.on);
    // 36号 第十二条第三款: a penalty with a term is not ended early before the term ends.
    let term = record.ban_until.filter(|_| under_36);
    // A term whose last day is not given: the conservative answer — not before the term ends, a day not known
    // here, so no earliest day is promised and the outcome is not “eligible now”.
    let term_unknown = under_36 && term.is_none() && term_of_unknown_end(record).is_some();
    let term_over = !term_unknown && term.is_none_or(|last| ev.on > last);
    let min_text = periods
        .min
        .map_or_else(|| ("无最短期限".to_owned(), "no minimum".to_owned()), |p| (p.describe(true), p.describe(false)));
    let until = min_end.date.unwrap_or(min_end.not_before);
    ev.steps.push(obligations);
    ev.steps.push(step(
        "minimum_period",
        waited,
        format!("最短公示期（{}）届满：{until}", min_text.0),
        format!("Minimum period ({}) over: {until}", min_text.1),
        &periods_rule.id,
    ));
    if let Some(last) = term {
        ev.steps.push(step(
            "term_over",
            term_over,
            format!("处罚所附期限届满（{last}），此前不得提前终止公示"),
            format!("The penalty's term is over ({last}); publication is not ended early before it"),
            "36.term_hold",
        ));
    } else if term_unknown {
        ev.steps.push(step(
            "term_over",
            false,
            "处罚所附期限届满（届满日未注明，请核对决定书载明的期限），此前不得提前终止公示".into(),
            "The penalty's term is over (its last day is not given: check the term the decision sets); publication is not ended early before it".into(),
            "36.term_hold",
        ));
    }
    ev.steps.push(commitment_step("36.conditions"));
    ev.steps.push(apply_step(Channel::CreditChina, "36.where"));
    ev.steps.push(review_step(regime));
    ev.materials = standard_materials();
    if no_penalty(record) {
        ev.materials[0] = finding(
            "proof_of_fulfilment",
            "履行承诺、纠正违诺行为的证明材料（如补交的材料、整改报告）".into(),
            "Proof that the commitment was honoured and the breach corrected (materials handed in, correction report)"
                .into(),
            "36.materials",
        );
    }
    // The later of the minimum period and the day after the term decides the earliest date.
    let (earliest_from, earliest_rule) = match term {
        Some(last) if Bound::exact(last.succ()).not_before > min_end.not_before => {
            (min_end.later(Bound::exact(last.succ())), "36.term_hold")
        }
        _ => (min_end, &*periods_rule.id),
    };
    ev.earliest(earliest_from, earliest_rule, record.obligations_met_on.filter(|_| met), "36.conditions");
    if term_unknown {
        ev.unknown_earliest("36.term_hold");
    }
    let wait = finding(
        "minimum_period",
        format!("最短公示期未满，{until} 起方可申请"),
        format!("The minimum period runs until {until}"),
        &periods_rule.id,
    );
    conclude(ev, record, (met, waited, term_over), "36.conditions", wait);
    if let Some(what) = term_of_unknown_end(record).filter(|_| term_unknown) {
        let (zh, en) = match what {
            UnknownTerm::Penalty(penalty) => (
                format!("处罚（{}）附有期限，未注明期限届满日（ban_until）", penalty.label_zh()),
                format!("The penalty ({}) runs for a term whose last day is not given (ban_until)", penalty.label_en()),
            ),
            UnknownTerm::Unplaced => (
                format!("处罚种类未能归类（{}），可能附有期限，且未注明期限届满日（ban_until）或无期限（has_term）", named(record).0),
                format!("The penalty cannot be placed ({}): it may run for a term, and neither its last day (ban_until) nor that it has none (has_term) is given", named(record).1),
            ),
            UnknownTerm::Said => (
                "记录注明附有期限（has_term），未注明期限届满日（ban_until）".to_owned(),
                "The record has a term (has_term) whose last day is not given (ban_until)".to_owned(),
            ),
        };
        ev.blocking.push(finding(
            "term_unknown",
            format!("{zh}：不早于处罚期限届满之日，期限届满前不得提前终止公示；请核对决定书载明的期限"),
            format!("{en}: not before the term ends, and publication is not ended early before it; check the term the decision sets"),
            "36.term_hold",
        ));
    }
    if let Some(last) = term.filter(|_| !term_over) {
        ev.blocking.push(finding(
            "term_not_over",
            format!("处罚所附期限至 {last} 届满，届满前不得提前终止公示；{} 起方可申请", last.succ()),
            format!(
                "The penalty's term runs until {last}; publication is not ended early before it; apply from {}",
                last.succ()
            ),
            "36.term_hold",
        ));
    }
}

/// The deciding unit's review on the “信用中国” channel: 36号 第十六条 while it is in force; before it, the
/// limits are not confirmed.
fn review_step(regime: &Regime) -> Step {
    if regime.id == "36" {
        step(
            "review",
            false,
            "“信用中国”网站一般自收到申请之日起 10 个工作日内反馈结果；认定单位 3 个工作日内决定是否受理，受理后 7 个工作日内作出决定（复杂情形可延长 10 个工作日）".into(),
            "Credit China answers within 10 working days; the deciding unit accepts within 3 working days and decides within 7 working days of acceptance (extendable by 10)".into(),
            "36.review_days",
        )
    } else {
        step(
            "review",
            false,
            "由作出认定的单位审核决定（当时规定的时限待核对）".into(),
            "The deciding body reviews it (the limit of the rule of that time is unconfirmed)".into(),
            &regime.periods_rule,
        )
    }
}

/// The market regulator's review on the 国家企业信用信息公示系统: its own rule, never 36号 第十六条's stages
/// (which are “信用中国”'s); 45号 sets no limit and 3号's was not read, so none is promised.
fn market_review_step() -> Step {
    step(
        "review",
        false,
        "由作出决定的市场监督管理部门审核决定（办理时限按市场监管部门的规定，待核对）".into(),
        "The market-regulation department that decided reviews it (its time limit is the market regulators', unconfirmed)"
            .into(),
        "market.review_days",
    )
}

/// Whether another record lists the subject on the abnormal or serious illegal list on `on`.
fn listed_on(others: &[Record], on: Date) -> Option<&Record> {
    others.iter().find(|o| {
        matches!(o.kind, RecordKind::AbnormalOperationList | RecordKind::SeriousIllegalList)
            && o.decided_on <= on
            && o.removed_on.is_none_or(|r| r > on)
    })
}

/// The latest day a market penalty is published: within 20 working days of the decision (总局令第45号
/// 第九条); across provinces, notified within 10 working days and published within 10 of receipt (第十条).
/// Unknown whether cross-province: the later of the two.
fn latest_publication(record: &Record) -> Result<Date, CalendarError> {
    use crate::calendar::add_working_days;
    let same = add_working_days(record.decided_on, 20)?;
    match record.cross_province {
        Some(false) => Ok(same),
        _ => Ok(same.max(add_working_days(add_working_days(record.decided_on, 10)?, 10)?)),
    }
}

/// A market-regulation period counted from the day of publication (总局令第45号 第十三条). Without
/// `published_on`, the bound is certain only from the latest day publication could fall on
/// (`latest_publication`), and not before the decision's own.
fn from_publication(ev: &mut Evaluation, record: &Record, period: Period) -> Bound {
    if let Some(published) = record.published_on {
        return Bound::of(published, period);
    }
    let earliest = Bound::of(record.decided_on, period);
    let latest = match latest_publication(record) {
        Ok(published) => Bound::of(published, period),
        Err(CalendarError::Unpublished(year)) => {
            Bound { date: None, not_before: earliest.not_before, unpublished: Some(year) }
        }
        Err(CalendarError::OutOfRange) => Bound { date: None, not_before: earliest.not_before, unpublished: None },
    };
    if !ev.notes.iter().any(|n| n.code == "published_on_missing") {
        let (zh, en, rule_id) = match record.cross_province {
            Some(true) => (
                "缺少公示日期（published_on）：期限自公示之日起算；跨省作出的处罚，10 个工作日内告知登记地、收到后 10 个工作日内公示，故按最晚情形计算",
                "The publication date (published_on) is missing: periods count from publication; decided in another province, it is notified within 10 working days and published within 10 of receipt, so the latest case is used",
                "market.cross_province",
            ),
            Some(false) => (
                "缺少公示日期（published_on）：期限自公示之日起算，公示在决定后 20 个工作日内，故按最晚情形计算",
                "The publication date (published_on) is missing: periods count from publication, which follows the decision within 20 working days, so the latest case is used",
                "market.periods",
            ),
            None => (
                "缺少公示日期（published_on）：期限自公示之日起算，公示在决定后 20 个工作日内（跨省的为告知 10 个工作日、收到后 10 个工作日；是否跨省未注明 cross_province），故按最晚情形计算",
                "The publication date (published_on) is missing: periods count from publication, within 20 working days of the decision (across provinces 10 + 10 working days; cross_province not given), so the latest case is used",
                "market.periods",
            ),
        };
        ev.notes.push(finding("published_on_missing", zh.into(), en.into(), rule_id));
    }
    Bound {
        date: latest.date,
        not_before: earliest.date.unwrap_or(earliest.not_before),
        unpublished: latest.unpublished,
    }
}

/// Whether a market penalty is published 3 months (总局令第45号 第十三条第一款: "仅受到通报批评或者较低数额罚款"):
/// 通报批评 or a 较低数额罚款 and nothing else — a warning beside them is another penalty, so 3 years —
/// decided by the penalty, not by a class label. Notes say why when unknown.
fn short_market_period(ev: &mut Evaluation, record: &Record) -> bool {
    let penalties = &record.penalties;
    let light_only = penalties.iter().all(|p| matches!(p, PenaltyType::CirculatedCriticism | PenaltyType::Fine));
    let fined = penalties.contains(&PenaltyType::Fine);
    let criticised = penalties.contains(&PenaltyType::CirculatedCriticism);
    if penalties.is_empty() {
        ev.notes.push(finding(
            "penalties_missing",
            "未注明处罚种类（penalties）：仅通报批评或较低数额罚款的公示 3 个月，故按 3 年计算".into(),
            "The penalties are not given: only circulated criticism or a lower-amount fine is published 3 months, so 3 years is used".into(),
            "market.periods",
        ));
        return false;
    }
    if light_only && fined && record.lower_fine.is_none() {
        ev.notes.push(finding(
            "lower_fine_unknown",
            "未注明罚款是否属于本省标准的较低数额罚款（lower_fine）：按 3 年计算；属于的，公示期为 3 个月".into(),
            "Whether the fine is a lower-amount fine by the province's standard (lower_fine) is not given: 3 years is used; if it is, 3 months".into(),
            "market.periods",
        ));
    }
    let short = light_only && (criticised || fined) && (!fined || record.lower_fine == Some(true));
    if !short && record.class == Some(PenaltyClass::Minor) {
        ev.notes.push(finding(
            "class_not_period",
            "市场监管部门的公示期按处罚种类确定（通报批评或较低数额罚款 3 个月，其他 3 年），不按“轻微”标注".into(),
            "Market-regulation periods follow the penalty (circulated criticism or a lower-amount fine 3 months, others 3 years), not the label “minor”".into(),
            "market.periods",
        ));
    }
    short
}

/// Whether 36号 was in force when the record was decided: only then do its default classes (第十一条 →
/// 第八条至第十条) say what the record's class is.
fn decided_under_36(record: &Record) -> bool {
    regime_on(record.decided_on).is_some_and(|regime| regime.id == "36")
}

fn market_penalty(ev: &mut Evaluation, record: &Record, others: &[Record]) {
    ev.channel(Channel::Gsxt);
    // A market penalty's class is a label of its time (its periods follow 45号, not a class): one decided
    // before 36号 came into force is not classed by 36号's articles; 45号 sets no class, so it is a guess — the
    // same date test as on the “信用中国” path.
    let (class, basis) = class_by_decision_date(ev, record);
    ev.class = Some(class);
    // As on the “信用中国” path: a class by an article in force is not a guess.
    ev.class_guessed = basis == ClassBasis::Guess;
    ev.class_rule = match basis {
        ClassBasis::Given => None,
        ClassBasis::Article(id) => Some(rule(id)),
        ClassBasis::Guess => Some(rule("class.guess")),
    };
    // Only 普通程序 penalties are published, and never one that is a warning alone (45号 第二条).
    let warning_only = !record.penalties.is_empty() && record.penalties.iter().all(|p| *p == PenaltyType::Warning);
    if record.procedure == Some(crate::status::Procedure::Simplified) || warning_only {
        ev.set(Outcome::NotPublished, "market.published");
        let (zh, en) = if warning_only {
            ("仅受到警告行政处罚的，不予公示", "A penalty that is a warning only is not published")
        } else {
            ("适用简易程序作出的行政处罚不予公示", "A penalty by simplified procedure is not published")
        };
        ev.notes.push(finding("not_published", zh.into(), en.into(), "market.published"));
        return;
    }
    if record.procedure.is_none() {
        ev.notes.push(finding(
            "procedure_missing",
            "未注明处罚程序（procedure）：按普通程序（公示）评估；简易程序作出的处罚不予公示".into(),
            "The procedure is not given: evaluated as ordinary procedure (published); penalties by simplified procedure are not published".into(),
            "market.published",
        ));
    }
    let short = short_market_period(ev, record);
    let mut end = from_publication(ev, record, if short { Period::Months(3) } else { Period::Years(3) });
    let mut end_rule = "market.periods";
    // 45号 第十三条第三款: a restriction of business or a ban on practising beyond three years sets the period.
    if let Some(ban) = record.ban_until.filter(|ban| *ban > end.not_before) {
        end = Bound::exact(ban);
        end_rule = "market.ban_term";
        ev.notes.push(finding(
            "ban_term",
            format!("限制开展生产经营活动、限制从业超过三年的，公示期按实际限制期限执行：至 {ban}"),
            format!("A restriction or ban beyond three years sets the period: published until {ban}"),
            "market.ban_term",
        ));
    }
    // Without the restriction's last day (or for a penalty the tool cannot place, which may be one), the three
    // years are only a lower bound: a restriction beyond them lengthens publication to its actual term.
    let restricted = record.penalties.iter().any(|p| matches!(p, PenaltyType::Restriction | PenaltyType::PracticeBan));
    let unplaced = record.penalties.contains(&PenaltyType::Other) && record.has_term != Some(false);
    if record.ban_until.is_none() && (restricted || unplaced) {
        let floor = end.date.unwrap_or(end.not_before);
        end = Bound { date: None, not_before: floor, unpublished: end.unpublished };
        let (zh, en) = if restricted {
            (
                format!("处罚含限制开展生产经营活动或限制从业，未注明限制期限届满日（ban_until）：公示期不早于 {floor} 届满；限制超过三年的，按实际限制期限公示，请核对决定书载明的期限"),
                format!("The penalty restricts business activities or bans practising, and its last day (ban_until) is not given: publication ends not before {floor}; a restriction beyond three years is published for its actual term, so check the term the decision sets"),
            )
        } else {
            let (named_zh, named_en) = named(record);
            (
                format!("处罚种类未能归类（{named_zh}）：如属限制开展生产经营活动或限制从业且超过三年，按实际限制期限公示，故公示期不早于 {floor} 届满；请核对决定书"),
                format!("The penalty cannot be placed ({named_en}): if it is a restriction or ban beyond three years, it is published for its actual term, so publication ends not before {floor}; check the decision"),
            )
        };
        ev.notes.push(finding("ban_until_missing", zh, en, "market.ban_term"));
    }
    ev.publication(end, end_rule);
    if ev.removed_or_ended(record, Some(end), end_rule) {
        return;
    }
    ev.notes.push(finding(
        "market_periods",
        "市场监管部门的行政处罚信息在国家企业信用信息公示系统公示".into(),
        "Market-regulation penalties are published on the National Enterprise Credit Information Publicity System"
            .into(),
        "market.periods",
    ));
    if record.law_forbids_repair || record.penalties.iter().any(|p| p.never_early_in_market_regulation()) {
        ev.set(Outcome::NotRepairable, "market.never_early");
        ev.blocking.push(finding(
            "never_early",
            "该类处罚（责令停产停业、限制开展生产经营活动、限制从业、降低资质等级、吊销许可证件或营业执照）不得提前停止公示，公示期满自动停止".into(),
            "This penalty can never be stopped early; publication ends at the end of its period".into(),
            "market.never_early",
        ));
        return;
    }
    // 45号 第十四条第三款 names the penalties never stopped early and adds “国家市场监督管理总局规定的其他较为严重
    // 行政处罚”, whose list was not read: for 责令关闭 (a 较重行政处罚 in 44号 第二条第二款) and a penalty the tool
    // cannot place, an early stop is not promised.
    if let Some(penalty) = record.penalties.iter().copied().find(|p| p.market_weight_unconfirmed()) {
        let (what_zh, what_en) = match penalty {
            PenaltyType::Other => named(record),
            other => (other.label_zh().to_owned(), other.label_en().to_owned()),
        };
        ev.blocking.push(finding(
            "weight_unconfirmed",
            format!("该处罚（{what_zh}）未列入 45号 第十四条第三款所列不得提前停止公示的处罚，但该款还包括“国家市场监督管理总局规定的其他较为严重行政处罚”（其范围未核对）：能否提前停止公示，请向作出决定的市场监督管理部门核实"),
            format!("This penalty ({what_en}) is not among those Art. 14(3) of No. 45 names as never stopped early, but the paragraph adds “other heavier penalties SAMR sets” (not checked): whether it can be stopped early, ask the market-regulation department that decided"),
            "market.never_early",
        ));
    }
    if short {
        ev.set(Outcome::EndsAutomatically, "market.periods");
        let ends = end.date.unwrap_or(end.not_before);
        ev.notes.push(finding(
            "short_publication",
            format!("公示期 3 个月，{ends} 后自动停止公示，无需申请"),
            format!("Published for 3 months; it stops after {ends} without an application"),
            "market.periods",
        ));
        return;
    }
    let long_sector = matches!(record.sector, Some(Sector::Food | Sector::Drugs | Sector::SpecialEquipment));
    let (min, min_rule) =
        if long_sector { (Period::Years(1), "market.early_food") } else { (Period::Months(6), "market.early") };
    let min_end = from_publication(ev, record, min);
    let (met, obligations) = obligations_step(record, ev.on, "market.early");
    let waited = min_end.reached_by(ev.on);
    let until = min_end.date.unwrap_or(min_end.not_before);
    let listing = listed_on(others, ev.on);
    let repeat = others.iter().find(|o| {
        o.id != record.id
            && o.kind == crate::status::RecordKind::AdministrativePenalty
            && o.market_regulation
            && o.decided_on > record.decided_on
            && o.decided_on <= ev.on
            && o.sector == record.sector
    });
    ev.steps.push(obligations);
    ev.steps.push(step(
        "minimum_period",
        waited,
        format!("公示满 {}：{until}", min.describe(true)),
        format!("Published for {}: {until}", min.describe(false)),
        min_rule,
    ));
    ev.steps.push(step(
        "not_listed",
        listing.is_none(),
        "未被列入经营异常名录或严重违法失信名单".into(),
        "Not on the abnormal-operation list or the serious illegal list".into(),
        "market.early",
    ));
    ev.steps.push(step(
        "no_repeat",
        repeat.is_none(),
        "未再受到同类行政处罚".into(),
        "No further penalty of the same kind".into(),
        "market.early",
    ));
    ev.steps.push(commitment_step("market.early"));
    ev.steps.push(apply_step(Channel::Gsxt, "36.where"));
    ev.steps.push(market_review_step());
    ev.materials = standard_materials();
    ev.earliest(min_end, min_rule, record.obligations_met_on.filter(|_| met), "market.early");
    let weight_unconfirmed = ev.blocking.iter().any(|b| b.code == "weight_unconfirmed");
    if weight_unconfirmed {
        ev.unknown_earliest("market.never_early");
    }
    let clear = listing.is_none() && repeat.is_none() && !weight_unconfirmed;
    let wait = finding(
        "minimum_period",
        format!("公示未满 {}，{until} 起方可申请提前停止公示", min.describe(true)),
        format!("Not yet published for {}; apply from {until}", min.describe(false)),
        min_rule,
    );
    conclude(ev, record, (met, waited, clear), "market.early", wait);
    if let Some(list) = listing {
        ev.blocking.push(finding(
            "listed",
            format!("仍在{}中（{}），须先移出", list.kind.label_zh(), list.decision_no),
            format!("Still on the {} ({}); it must be lifted first", list.kind.label_en(), list.decision_no),
            "market.early",
        ));
    }
    if let Some(again) = repeat {
        ev.blocking.push(finding(
            "repeat_penalty",
            format!("此后又受到同类行政处罚（{}）", again.decision_no),
            format!("A later penalty of the same kind ({})", again.decision_no),
            "market.early",
        ));
    }
}

fn abnormal_list(ev: &mut Evaluation, record: &Record) {
    ev.channel(Channel::Gsxt);
    if ev.removed_or_ended(record, None, "market.abnormal") {
        return;
    }
    let (met, obligations) = obligations_step(record, ev.on, "market.abnormal");
    ev.steps.push(obligations);
    ev.steps.push(apply_step(Channel::Gsxt, "market.abnormal"));
    ev.steps.push(market_review_step());
    ev.materials = vec![finding(
        "proof_of_fulfilment",
        "已履行义务的证明（如补报年度报告、更正住所）".into(),
        "Proof the duty is met (annual report filed, address corrected)".into(),
        "market.abnormal",
    )];
    ev.notes.push(finding(
        "listed_constraints",
        "列入期间，政府采购、工程招投标、国有土地出让、授予荣誉称号等工作中依法予以限制或者禁入".into(),
        "While listed, procurement, tendering, land grants and honours may restrict or bar the subject".into(),
        "market.abnormal_measures",
    ));
    if met {
        ev.earliest_date = record.obligations_met_on;
        ev.earliest_rule = Some(rule("market.abnormal"));
        ev.set(Outcome::EligibleNow, "market.abnormal");
    } else {
        ev.blocking.push(finding(
            "obligations_open",
            "尚未履行导致列入的义务".into(),
            "The duty that caused the listing is not met".into(),
            "market.abnormal",
        ));
        ev.set(Outcome::ObligationsOutstanding, "market.abnormal");
    }
}

fn serious_illegal_list(ev: &mut Evaluation, record: &Record) {
    ev.channel(Channel::Gsxt);
    let three_years = Bound::of(record.decided_on, Period::Years(3));
    // 总局令第44号 第十六条第二款、第二十一条: a ban beyond three years holds the listing until it ends.
    let end = match record.ban_until.filter(|ban| *ban > three_years.not_before) {
        Some(ban) => {
            ev.notes.push(finding(
                "ban_beyond_three_years",
                format!("限制从业等期限超过 3 年，至 {ban} 届满前不移出"),
                format!("A ban runs beyond three years: the listing is not removed before {ban}"),
                "market.serious_list_term",
            ));
            Bound::exact(ban)
        }
        // No measure with a term (`has_term: false`), or one that ends within three years: three years.
        None if record.ban_until.is_some() || record.has_term == Some(false) => three_years,
        // A measure's last day not given: three years is only a lower bound (a ban beyond them holds it).
        None => {
            ev.notes.push(finding(
                "ban_until_missing",
                format!("列入满 3 年移出，故不早于 {} 移出；如有期限超过 3 年的限制从业等管理措施（ban_until 未注明），期限届满前不移出", three_years.not_before),
                format!("Removed after 3 years, so not before {}; where a ban or other measure runs longer (ban_until not given), not before it ends", three_years.not_before),
                "market.serious_list_term",
            ));
            Bound {
                date: None,
                not_before: three_years.date.unwrap_or(three_years.not_before),
                unpublished: three_years.unpublished,
            }
        }
    };
    ev.publication(end, "market.serious_list_term");
    if ev.removed_or_ended(record, Some(end), "market.serious_list_term") {
        return;
    }
    // A ban beyond three years holds the listing until it ends: it ends then by itself, nothing to apply for.
    if record.ban_until.is_some_and(|ban| ban > three_years.not_before) {
        ev.set(Outcome::EndsAutomatically, "market.serious_list_term");
        return;
    }
    // Early removal needs the measures' terms over too (a ban still running holds it, 44号 第十六条第二款 as
    // quoted in the review; the text itself not read): the earliest day is the day after the ban ends.
    let min_end = match record.ban_until {
        Some(ban) if ban >= Bound::of(record.decided_on, Period::Years(1)).not_before => Bound::exact(ban.succ()),
        _ => Bound::of(record.decided_on, Period::Years(1)),
    };
    let ban_holds = record.ban_until.is_some_and(|ban| min_end.date == Some(ban.succ()));
    // 44号 第十六条第二款 (as quoted): a measure still running holds an early removal. Only a record that says
    // no measure has a term (`has_term: false`), or gives its last day, can be answered “eligible now”.
    let measure_unknown = record.ban_until.is_none() && record.has_term != Some(false);
    let (met, obligations) = obligations_step(record, ev.on, "market.serious_list");
    let waited = min_end.reached_by(ev.on);
    let until = min_end.date.unwrap_or(min_end.not_before);
    ev.steps.push(obligations);
    ev.steps.push(step(
        "minimum_period",
        waited,
        format!("列入满 1 年：{until}"),
        format!("Listed for 1 year: {until}"),
        "market.serious_list",
    ));
    ev.steps.push(commitment_step("market.serious_list"));
    ev.steps.push(apply_step(Channel::Gsxt, "market.serious_list"));
    ev.steps.push(market_review_step());
    ev.materials = standard_materials();
    ev.earliest(min_end, "market.serious_list", record.obligations_met_on.filter(|_| met), "market.serious_list");
    if measure_unknown {
        ev.unknown_earliest("market.serious_list_term");
    }
    let wait = if ban_holds {
        finding(
            "ban_running",
            format!("限制从业等管理措施期限未届满，{until} 起方可申请提前移出"),
            format!("A ban or other measure is still running; apply from {until}"),
            "market.serious_list_term",
        )
    } else {
        finding(
            "minimum_period",
            format!("列入未满 1 年，{until} 起方可申请提前移出"),
            format!("Listed for less than a year; apply from {until}"),
            "market.serious_list",
        )
    };
    conclude(ev, record, (met, waited, !measure_unknown), "market.serious_list", wait);
    if measure_unknown {
        let zh = if record.has_term == Some(true) {
            "记录注明有限制从业等管理措施，未注明其期限届满日（ban_until）"
        } else {
            "未注明是否有限制从业等管理措施（has_term）及其期限届满日（ban_until）"
        };
        ev.blocking.push(finding(
            "measure_unknown",
            format!("{zh}：相关措施期限未届满的，不能申请提前移出（不早于措施期限届满之日）；请核对列入决定书，无此类措施的注明 has_term: false"),
            "Whether a ban or other measure with a term runs (has_term), or its last day (ban_until), is not given: while such a measure runs, early removal cannot be applied for (not before it ends); check the listing decision, and give has_term: false where there is none".into(),
            "market.serious_list_term",
        ));
    }
}

fn court(ev: &mut Evaluation, record: &Record) {
    ev.channel(Channel::Court);
    // 第一条第二至六项: two years (plus one to three when aggravated). Item (一), refusing to perform while
    // able, has no fixed term: the listing lasts until the court deletes it. Unknown: no term is promised.
    let end = match record.listing_ground {
        Some(2..=6) => Some(Bound::of(record.decided_on, Period::Years(2 + record.aggravated_years))),
        Some(_) => {
            ev.notes.push(finding(
                "court_no_term",
                "依第一条第一项（有履行能力而拒不履行）纳入的，没有固定期限：履行完毕等情形下，人民法院应当在三个工作日内删除（第十条第一款）".into(),
                "Listed under item 1 (refusing to perform while able): no fixed term; after performance (and the like) the court deletes it within three working days (Art. 10(1))".into(),
                "court.debtor",
            ));
            None
        }
        None => {
            ev.notes.push(finding(
                "listing_ground_missing",
                "未注明纳入依据（listing_ground）：第二至六项纳入期限为 2 年，第一项没有固定期限，故不推算届满日期".into(),
                "The ground of the listing (listing_ground) is missing: items 2–6 last 2 years, item 1 has no fixed term, so no end date is given".into(),
                "court.debtor",
            ));
            None
        }
    };
    if let Some(end) = end {
        ev.publication(end, "court.debtor");
    }
    if record.removed_on.is_some_and(|d| d <= ev.on) {
        ev.removed_or_ended(record, None, "court.debtor");
        return;
    }
    let (met, obligations) = obligations_step(record, ev.on, "court.debtor");
    ev.steps.push(obligations);
    // 法释〔2017〕7号 第十条第二款: a listing with a term (items 2–6) is not deleted on performance alone;
    // 第二条第二款: early deletion is the court's decision. Unknown ground: the term may apply.
    let with_term = record.listing_ground.is_none_or(|g| g >= 2);
    if with_term {
        // 第十条第二款: deleted within three working days after the term ends (the day when it is known).
        let deleted_by = end.and_then(|end| end.date).and_then(|last| crate::calendar::add_working_days(last, 3).ok());
        let (by_zh, by_en) = match deleted_by {
            Some(day) => (format!("（{day} 前）"), format!(" (by {day})")),
            None => (String::new(), String::new()),
        };
        ev.steps.push(step(
            "court",
            false,
            format!("纳入期限届满后三个工作日内由人民法院删除{by_zh}；履行义务不当然提前删除，提前删除由执行法院决定"),
            format!("Deleted by the court within three working days after the term ends{by_en}; performance does not end it by itself, and only the court may delete it earlier"),
            "court.term",
        ));
        ev.notes.push(finding(
            "court_term_holds",
            format!("有纳入期限的，不适用履行完毕即删除的规定，纳入期限届满后三个工作日内删除{by_zh}（法释〔2017〕7号 第十条第二款）；是否提前删除由执行法院决定（第二条第二款）"),
            format!("A listing with a term is not deleted on performance alone: it is deleted within three working days after the term ends{by_en} (Art. 10(2)); whether to delete it earlier is the court's decision (Art. 2(2))"),
            "court.term",
        ));
    } else {
        ev.steps.push(step(
            "court",
            false,
            "履行完毕、和解履行或执行终结后，人民法院应当在三个工作日内删除失信信息；未删除的，向执行法院申请".into(),
            "After performance, settlement or termination the court deletes the listing within three working days; if it has not, ask the enforcing court".into(),
            "court.debtor",
        ));
    }
    ev.blocking.push(finding(
        "court_only",
        "失信被执行人信息不适用信用修复，只能由执行法院删除".into(),
        "A court listing is not a repair matter; only the enforcing court deletes it".into(),
        "court.debtor",
    ));
    if end.is_some_and(|end| end.passed_by(ev.on)) {
        ev.notes.push(finding(
            "court_period_over",
            "纳入期限已届满：人民法院应当在届满后三个工作日内删除失信信息，未删除的可请执行法院删除".into(),
            "The listing period is over: the court deletes it within three working days after; if it has not, ask the court".into(),
            "court.term",
        ));
    }
    if met && !with_term {
        ev.earliest_date = record.obligations_met_on;
        ev.earliest_rule = Some(rule("court.debtor"));
    } else if let Some(end) = end.filter(|_| with_term) {
        // The day after the term: deletion is due then, whatever was performed (earlier only by the court).
        match end.date {
            Some(last) => ev.earliest_date = Some(last.succ()),
            None => ev.earliest_not_before = Some(end.not_before.succ()),
        }
        ev.earliest_rule = Some(rule("court.term"));
    }
    ev.set(Outcome::CourtOnly, if with_term { "court.term" } else { "court.debtor" });
}

/// The last day a record is published (it stops automatically after it), `None` while a listing lasts until
/// removed; for an unpublished holiday year, the calendar end is returned as a lower bound.
pub fn publication_end(record: &Record, on: Date) -> Option<Date> {
    evaluate(record, &[], on).ok().and_then(|ev| ev.publication_ends.or(ev.publication_ends_not_before))
}

/// Evaluates one record on `on`; `others` are the subject's other records (listings block market early stops).
pub fn evaluate(record: &Record, others: &[Record], on: Date) -> Result<Evaluation, RecordError> {
    record.check_on(on)?;
    let mut ev = Evaluation::new(record, on);
    if let Some(then) = ev.regime_of_its_time {
        ev.notes.push(finding(
            "rule_of_its_time",
            format!("该记录作出时适用{}；现按评估日适用的规定评估", then.name.zh),
            format!(
                "When decided, {} applied; it is evaluated under the rule in force on the evaluation date",
                then.name.en
            ),
            &then.periods_rule,
        ));
    }
    match (record.kind, record.market_regulation) {
        (RecordKind::RedList, _) => ev.set(Outcome::NotNegative, ""),
        (RecordKind::CourtDishonestDebtor, _) => court(&mut ev, record),
        (RecordKind::AbnormalOperationList, _) => abnormal_list(&mut ev, record),
        (RecordKind::SeriousIllegalList, _) => serious_illegal_list(&mut ev, record),
        (RecordKind::AdministrativePenalty, true) => market_penalty(&mut ev, record, others),
        (_, _) => match ev.regime {
            Some(regime) => credit_china(&mut ev, record, regime),
            None => ev.set(Outcome::NoRule, ""),
        },
    }
    // While something blocks the answer, the first blocker's rule decided it (e.g. 45号 第十四条第三款 for a
    // penalty never stopped early, 36号 第十二条第三款 for a term not over).
    if matches!(ev.outcome, Outcome::NotYet | Outcome::ObligationsOutstanding | Outcome::NotRepairable) {
        if let Some(first) = ev.blocking.first() {
            ev.outcome_rule = Some(first.rule);
        }
    }
    // "Not yet" for another reason than the minimum period says that reason.
    if ev.outcome == Outcome::NotYet {
        let reason = match ev.blocking.first().map(|b| b.code) {
            Some("term_not_over") => Some(("处罚所附期限未届满", "the penalty's term is not over")),
            Some("listed") => {
                Some(("仍在经营异常名录或严重违法失信名单中", "still on the abnormal or serious illegal list"))
            }
            Some("repeat_penalty") => Some(("此后又受到同类行政处罚", "a later penalty of the same kind")),
            Some("term_unknown") => Some((
                "处罚期限届满日未知，请核对决定书",
                "the end of the penalty's term is not known: check the decision",
            )),
            Some("measure_unknown") => Some((
                "管理措施期限未知，请核对列入决定书",
                "whether a measure still runs is not known: check the listing decision",
            )),
            Some("weight_unconfirmed") => {
                Some(("能否提前停止公示待核实", "whether it can be stopped early is to be checked"))
            }
            _ => None,
        };
        if let Some((zh, en)) = reason {
            ev.outcome_label = Text::new(format!("暂不能申请：{zh}"), format!("Not yet: {en}"));
        }
    }
    Ok(ev)
}
