//! `evaluate(record, others, on)`: can this record be repaired on `on`, from when, what blocks it, where to
//! apply, and the steps and materials still needed — each conclusion with the rule it rests on.

use serde::{Serialize, Serializer};

use super::{regime_on, rule, Regime, Rule};
use crate::calendar::{period_end, CalendarError, Date, Period};
use crate::status::{PenaltyClass, PenaltyType, Record, RecordError, RecordKind, Sector};
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
    pub outcome: Outcome,
    pub outcome_label: Text,
    pub eligible_now: bool,
    /// The first day an application can succeed, when it is known.
    pub earliest_date: Option<Date>,
    /// A lower bound when the exact day is not known (obligations open, or an unpublished holiday year).
    pub earliest_not_before: Option<Date>,
    /// The last day of publication (it stops automatically after it).
    pub publication_ends: Option<Date>,
    pub publication_ends_not_before: Option<Date>,
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

impl Evaluation {
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
            outcome: Outcome::NoRule,
            outcome_label: Outcome::NoRule.label(),
            eligible_now: false,
            earliest_date: None,
            earliest_not_before: None,
            publication_ends: None,
            publication_ends_not_before: None,
            channel: None,
            channel_label: None,
            blocking: Vec::new(),
            steps: Vec::new(),
            materials: Vec::new(),
            notes: Vec::new(),
        }
    }

    fn set(&mut self, outcome: Outcome) {
        self.outcome = outcome;
        self.outcome_label = outcome.label();
        self.eligible_now = outcome == Outcome::EligibleNow;
    }

    fn channel(&mut self, channel: Channel) {
        self.channel = Some(channel);
        self.channel_label = Some(channel.label());
    }

    fn publication(&mut self, end: Bound) {
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

    /// Sets the earliest date from the minimum period and the day obligations were met.
    fn earliest(&mut self, min_end: Bound, obligations_met_on: Option<Date>) {
        self.note_unpublished(min_end);
        match (min_end.date, obligations_met_on) {
            (Some(min), Some(met)) => self.earliest_date = Some(min.max(met)),
            (None, Some(met)) => self.earliest_not_before = Some(min_end.not_before.max(met)),
            (_, None) => self.earliest_not_before = Some(min_end.not_before),
        }
    }

    fn removed_or_ended(&mut self, record: &Record, end: Option<Bound>) -> bool {
        if let Some(removed) = record.removed_on.filter(|d| *d <= self.on) {
            self.set(Outcome::AlreadyRemoved);
            self.notes.push(finding(
                "removed",
                format!("已于 {removed} 修复、移出或停止公示"),
                format!("Repaired, removed or no longer published since {removed}"),
                "36.auto_end",
            ));
            return true;
        }
        if let Some(end) = end.filter(|end| end.passed_by(self.on)) {
            self.set(Outcome::PublicationEnded);
            let ends = end.date.unwrap_or(end.not_before);
            self.notes.push(finding(
                "publication_ended",
                format!("最长公示期已于 {ends} 届满，已自动停止公示，无需申请修复"),
                format!("The maximum period ended on {ends}; publication stopped automatically, no application needed"),
                "36.auto_end",
            ));
            return true;
        }
        false
    }
}

fn obligations_step(record: &Record, on: Date, rule_id: &str) -> (bool, Step) {
    let met = record.obligations_met_on.is_some_and(|d| d <= on);
    let (zh, en) = match record.obligations_met_on.filter(|_| met) {
        Some(date) => (
            format!("已于 {date} 全面履行处罚决定规定的义务、纠正失信行为"),
            format!("Every obligation met and the behaviour corrected on {date}"),
        ),
        None => (
            "全面履行处罚决定规定的义务（如缴清罚款）、纠正失信行为、消除不良影响".into(),
            "Meet every obligation of the decision (e.g. pay the fine), correct the behaviour, remove its effects"
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
fn conclude(ev: &mut Evaluation, (met, waited, clear): (bool, bool, bool), rule_id: &str, wait: Finding) {
    if !met {
        ev.blocking.insert(
            0,
            finding(
                "obligations_open",
                "尚未全面履行处罚决定规定的义务".into(),
                "The decision's obligations are not all met".into(),
                rule_id,
            ),
        );
    }
    if !waited {
        ev.blocking.insert(usize::from(!met), wait);
    }
    ev.set(match (met, waited && clear) {
        (true, true) => Outcome::EligibleNow,
        (false, _) => Outcome::ObligationsOutstanding,
        (true, false) => Outcome::NotYet,
    });
}

/// Repair through Credit China under the regime in force (penalties of non-market regulators, sector lists,
/// other dishonesty records).
fn credit_china(ev: &mut Evaluation, record: &Record, regime: &'static Regime) {
    let (class, guessed, periods_rule) = match record.kind {
        RecordKind::SeriousDishonestyList => (PenaltyClass::Serious, false, rule("sector.serious_list")),
        RecordKind::OtherDishonesty | RecordKind::BrokenCommitment if record.class.is_none() => {
            (PenaltyClass::General, true, regime.periods_rule())
        }
        _ => {
            let (class, guessed) = record.class_or_guess();
            (class, guessed, regime.periods_rule())
        }
    };
    ev.class = Some(class);
    ev.class_guessed = guessed;
    if guessed {
        ev.notes.push(finding(
            "class_guessed",
            format!("失信程度“{}”为本工具推定，以认定部门的分类为准", class.label_zh()),
            format!("The class “{}” is a guess; the deciding body's class prevails", class.label_en()),
            "class.guess",
        ));
    }
    let periods = regime.periods(class);
    let end = Bound::of(record.decided_on, periods.max);
    ev.publication(end);
    ev.channel(Channel::CreditChina);
    // 36号: reaching the maximum period with obligations still open does not end publication by itself;
    // the field's own rules apply ("按照行业主管部门有关规定执行").
    let open_at_max =
        regime.id == "36" && end.passed_by(ev.on) && record.obligations_met_on.is_none_or(|met| met > ev.on);
    if open_at_max {
        if ev.removed_or_ended(record, None) {
            return;
        }
        ev.notes.push(finding(
            "max_period_obligations_open",
            "已达最长公示期但尚未全面履行义务：不自动停止公示，按照行业主管部门有关规定执行".into(),
            "The maximum period is reached with obligations still open: publication does not stop by itself; the field's rules apply".into(),
            "36.auto_end",
        ));
    } else if ev.removed_or_ended(record, Some(end)) {
        return;
    }
    if class == PenaltyClass::Minor {
        // 36号 has a minor class; 527 and 58 did not (their minor row is this tool's projection of 36).
        let minor_rule = if regime.id == "36" { &*periods_rule.id } else { "minor.backfilled" };
        ev.notes.push(finding("minor_not_published", "轻微失信原则上不公示；已公示的，履行义务后即可申请修复".into(), "Minor cases are in principle not published; if published, repair may be applied for once obligations are met".into(), minor_rule));
    }
    if record.law_forbids_repair {
        ev.set(Outcome::NotRepairable);
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
        ev.set(Outcome::NotRepairable);
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
    ev.steps.push(commitment_step("36.conditions"));
    ev.steps.push(apply_step(Channel::CreditChina, "36.where"));
    ev.steps.push(step(
        "review",
        false,
        "由作出认定的单位审核决定（2024 年实务约 10 个工作日）".into(),
        "The deciding body reviews it (about 10 working days in 2024 practice)".into(),
        "36.review_days",
    ));
    ev.materials = standard_materials();
    ev.earliest(min_end, record.obligations_met_on.filter(|_| met));
    let wait = finding(
        "minimum_period",
        format!("最短公示期未满，{until} 起方可申请"),
        format!("The minimum period runs until {until}"),
        &periods_rule.id,
    );
    conclude(ev, (met, waited, true), "36.conditions", wait);
}

/// Whether another record lists the subject on the abnormal or serious illegal list on `on`.
fn listed_on(others: &[Record], on: Date) -> Option<&Record> {
    others.iter().find(|o| {
        matches!(o.kind, RecordKind::AbnormalOperationList | RecordKind::SeriousIllegalList)
            && o.decided_on <= on
            && o.removed_on.is_none_or(|r| r > on)
    })
}

/// Market-regulation penalties: published on gsxt; early stop under 国市监信规〔2021〕3号.
/// A market-regulation period counted from the day of publication (总局令第45号 第十三条). Without
/// `published_on`, publication fell within 20 working days of the decision (第十条): the bound is certain only
/// from that latest day, and not before the decision's own.
fn from_publication(ev: &mut Evaluation, record: &Record, period: Period) -> Bound {
    if let Some(published) = record.published_on {
        return Bound::of(published, period);
    }
    let earliest = Bound::of(record.decided_on, period);
    let latest = match crate::calendar::add_working_days(record.decided_on, 20) {
        Ok(published) => Bound::of(published, period),
        Err(CalendarError::Unpublished(year)) => {
            Bound { date: None, not_before: earliest.not_before, unpublished: Some(year) }
        }
        Err(CalendarError::OutOfRange) => Bound { date: None, not_before: earliest.not_before, unpublished: None },
    };
    if !ev.notes.iter().any(|n| n.code == "published_on_missing") {
        ev.notes.push(finding(
            "published_on_missing",
            "缺少公示日期（published_on）：期限自公示之日起算，公示在决定后 20 个工作日内，故按最晚情形计算".into(),
            "The publication date (published_on) is missing: periods count from publication, which follows the decision within 20 working days, so the latest case is used".into(),
            "market.periods",
        ));
    }
    Bound {
        date: latest.date,
        not_before: earliest.date.unwrap_or(earliest.not_before),
        unpublished: latest.unpublished,
    }
}

fn market_penalty(ev: &mut Evaluation, record: &Record, others: &[Record]) {
    ev.channel(Channel::Gsxt);
    let (class, guessed) = record.class_or_guess();
    ev.class = Some(class);
    ev.class_guessed = guessed;
    // Only 普通程序 penalties are published, and never one that is a warning alone (45号 第二条).
    let warning_only = !record.penalties.is_empty() && record.penalties.iter().all(|p| *p == PenaltyType::Warning);
    if record.procedure == Some(crate::status::Procedure::Simplified) || warning_only {
        ev.set(Outcome::NotPublished);
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
    let short = class == PenaltyClass::Minor;
    let mut end = from_publication(ev, record, if short { Period::Months(3) } else { Period::Years(3) });
    if let Some(ban) = record.ban_until.filter(|ban| *ban > end.not_before) {
        end = Bound::exact(ban);
    }
    ev.publication(end);
    if ev.removed_or_ended(record, Some(end)) {
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
        ev.set(Outcome::NotRepairable);
        ev.blocking.push(finding(
            "never_early",
            "该类处罚（停产停业、限制经营、降低资质、吊销许可证件或营业执照）不得提前停止公示，公示期满自动停止".into(),
            "This penalty can never be stopped early; publication ends at the end of its period".into(),
            "market.never_early",
        ));
        return;
    }
    if short {
        ev.set(Outcome::EndsAutomatically);
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
    ev.materials = standard_materials();
    ev.earliest(min_end, record.obligations_met_on.filter(|_| met));
    let clear = listing.is_none() && repeat.is_none();
    let wait = finding(
        "minimum_period",
        format!("公示未满 {}，{until} 起方可申请提前停止公示", min.describe(true)),
        format!("Not yet published for {}; apply from {until}", min.describe(false)),
        min_rule,
    );
    conclude(ev, (met, waited, clear), "market.early", wait);
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
    if ev.removed_or_ended(record, None) {
        return;
    }
    let (met, obligations) = obligations_step(record, ev.on, "market.abnormal");
    ev.steps.push(obligations);
    ev.steps.push(apply_step(Channel::Gsxt, "market.abnormal"));
    ev.materials = vec![finding(
        "proof_of_fulfilment",
        "已履行义务的证明（如补报年度报告、更正住所）".into(),
        "Proof the duty is met (annual report filed, address corrected)".into(),
        "market.abnormal",
    )];
    let three_years = record.decided_on.add_months(36);
    if ev.on >= three_years {
        ev.notes.push(finding(
            "three_years",
            format!("列入已满 3 年（{three_years}），将被列入严重违法失信名单"),
            format!("Listed for 3 years ({three_years}): it moves to the serious illegal list"),
            "market.abnormal",
        ));
    }
    if met {
        ev.earliest_date = record.obligations_met_on;
        ev.set(Outcome::EligibleNow);
    } else {
        ev.blocking.push(finding(
            "obligations_open",
            "尚未履行导致列入的义务".into(),
            "The duty that caused the listing is not met".into(),
            "market.abnormal",
        ));
        ev.set(Outcome::ObligationsOutstanding);
    }
}

fn serious_illegal_list(ev: &mut Evaluation, record: &Record) {
    ev.channel(Channel::Gsxt);
    let end = Bound::of(record.decided_on, Period::Years(3));
    ev.publication(end);
    if ev.removed_or_ended(record, Some(end)) {
        return;
    }
    let min_end = Bound::of(record.decided_on, Period::Years(1));
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
    ev.materials = standard_materials();
    ev.earliest(min_end, record.obligations_met_on.filter(|_| met));
    let wait = finding(
        "minimum_period",
        format!("列入未满 1 年，{until} 起方可申请提前移出"),
        format!("Listed for less than a year; apply from {until}"),
        "market.serious_list",
    );
    conclude(ev, (met, waited, true), "market.serious_list", wait);
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
                "依第一条第一项（有履行能力而拒不履行）纳入的，没有固定期限，履行后由执行法院删除".into(),
                "Listed under item 1 (refusing to perform while able): no fixed term; the court deletes it after performance".into(),
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
        ev.publication(end);
    }
    if record.removed_on.is_some_and(|d| d <= ev.on) {
        ev.removed_or_ended(record, None);
        return;
    }
    let (met, obligations) = obligations_step(record, ev.on, "court.debtor");
    ev.steps.push(obligations);
    ev.steps.push(step(
        "court",
        false,
        "向执行法院申请删除失信信息（履行完毕、和解履行或执行终结后）".into(),
        "Ask the enforcing court to delete the listing (after performance, settlement or termination)".into(),
        "court.debtor",
    ));
    ev.blocking.push(finding(
        "court_only",
        "失信被执行人信息不适用信用修复，只能由执行法院删除".into(),
        "A court listing is not a repair matter; only the enforcing court deletes it".into(),
        "court.debtor",
    ));
    if end.is_some_and(|end| end.passed_by(ev.on)) {
        ev.notes.push(finding(
            "court_period_over",
            "纳入期限已届满，可请执行法院确认删除".into(),
            "The listing period is over; ask the court to confirm deletion".into(),
            "court.debtor",
        ));
    }
    if met {
        ev.earliest_date = record.obligations_met_on;
    }
    ev.set(Outcome::CourtOnly);
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
        (RecordKind::RedList, _) => ev.set(Outcome::NotNegative),
        (RecordKind::CourtDishonestDebtor, _) => court(&mut ev, record),
        (RecordKind::AbnormalOperationList, _) => abnormal_list(&mut ev, record),
        (RecordKind::SeriousIllegalList, _) => serious_illegal_list(&mut ev, record),
        (RecordKind::AdministrativePenalty, true) => market_penalty(&mut ev, record, others),
        (_, _) => match ev.regime {
            Some(regime) => credit_china(&mut ev, record, regime),
            None => ev.set(Outcome::NoRule),
        },
    }
    Ok(ev)
}
