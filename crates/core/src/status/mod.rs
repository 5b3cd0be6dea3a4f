//! Credit status: records (penalties, lists, court listings) and official grades as issued. The kit's own
//! summary tier, which also reads the repair rules, is `crate::tier`.

use crate::lang::Lang;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar::Date;

/// What kind of record it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// 行政处罚.
    AdministrativePenalty,
    /// 严重失信主体名单 (sector regulators).
    SeriousDishonestyList,
    /// 严重违法失信名单 (market regulation).
    SeriousIllegalList,
    /// 经营异常名录.
    AbnormalOperationList,
    /// 失信被执行人 (court).
    CourtDishonestDebtor,
    /// 守信激励对象（红名单）.
    RedList,
    /// 其他失信信息.
    OtherDishonesty,
    /// 违背信用承诺: a department found a commitment broken (晋政办发〔2020〕10号 item 2: commitments and whether
    /// they were kept enter the credit record). Its class follows the field's rules; without one it is taken
    /// as general, and said to be a guess.
    BrokenCommitment,
}

impl RecordKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::AdministrativePenalty => "行政处罚",
            Self::SeriousDishonestyList => "严重失信主体名单",
            Self::SeriousIllegalList => "严重违法失信名单",
            Self::AbnormalOperationList => "经营异常名录",
            Self::CourtDishonestDebtor => "失信被执行人",
            Self::RedList => "守信激励名单",
            Self::OtherDishonesty => "其他失信信息",
            Self::BrokenCommitment => "违背信用承诺",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::AdministrativePenalty => "Administrative penalty",
            Self::SeriousDishonestyList => "Serious dishonesty list",
            Self::SeriousIllegalList => "Serious illegal and dishonest list",
            Self::AbnormalOperationList => "Abnormal-operation list",
            Self::CourtDishonestDebtor => "Court dishonest debtor",
            Self::RedList => "Red list (trustworthy)",
            Self::OtherDishonesty => "Other dishonesty record",
            Self::BrokenCommitment => "Broken credit commitment",
        }
    }

    pub fn is_negative(self) -> bool {
        self != Self::RedList
    }
}

/// 轻微 / 一般 / 严重 (36号).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PenaltyClass {
    Minor,
    General,
    Serious,
}

impl PenaltyClass {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Minor => "轻微",
            Self::General => "一般",
            Self::Serious => "严重",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Minor => "minor",
            Self::General => "general",
            Self::Serious => "serious",
        }
    }
}

/// A penalty as 《中华人民共和国行政处罚法》（2021）第九条 names its kinds: (一) 警告、通报批评; (二) 罚款、没收违法所得、
/// 没收非法财物; (三) 暂扣许可证件、降低资质等级、吊销许可证件; (四) 限制开展生产经营活动、责令停产停业、责令关闭、
/// 限制从业; (六) 其他. A penalty the tool cannot place is `Other`, and gets the conservative answer (its term and its
/// weight unknown); the decision's own words go in `Record::penalty_as_named`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PenaltyType {
    /// 警告.
    Warning,
    /// 通报批评.
    CirculatedCriticism,
    /// 罚款.
    Fine,
    /// 没收违法所得 or 没收非法财物, not said which (kept for records written before the two were told apart).
    Confiscation,
    /// 没收违法所得.
    IllegalGainsConfiscated,
    /// 没收非法财物.
    IllegalPropertyConfiscated,
    /// 暂扣许可证件 (for a term).
    LicenceSuspended,
    /// 责令停产停业.
    Suspension,
    /// 限制开展生产经营活动.
    Restriction,
    /// 责令关闭.
    OrderedClosed,
    /// 降低资质等级.
    QualificationLowered,
    /// 吊销许可证件.
    LicenceRevoked,
    /// 吊销营业执照.
    BusinessLicenceRevoked,
    /// 限制从业.
    PracticeBan,
    /// Any other penalty (行政处罚法 第九条第（六）项), or one the tool cannot place: see `penalty_as_named`.
    Other,
}

impl PenaltyType {
    pub const ALL: [Self; 15] = [
        Self::Warning,
        Self::CirculatedCriticism,
        Self::Fine,
        Self::Confiscation,
        Self::IllegalGainsConfiscated,
        Self::IllegalPropertyConfiscated,
        Self::LicenceSuspended,
        Self::Suspension,
        Self::Restriction,
        Self::OrderedClosed,
        Self::QualificationLowered,
        Self::LicenceRevoked,
        Self::BusinessLicenceRevoked,
        Self::PracticeBan,
        Self::Other,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Warning => "警告",
            Self::CirculatedCriticism => "通报批评",
            Self::Fine => "罚款",
            Self::Confiscation => "没收违法所得或者非法财物",
            Self::IllegalGainsConfiscated => "没收违法所得",
            Self::IllegalPropertyConfiscated => "没收非法财物",
            Self::LicenceSuspended => "暂扣许可证件",
            Self::Suspension => "责令停产停业",
            Self::Restriction => "限制开展生产经营活动",
            Self::OrderedClosed => "责令关闭",
            Self::QualificationLowered => "降低资质等级",
            Self::LicenceRevoked => "吊销许可证件",
            Self::BusinessLicenceRevoked => "吊销营业执照",
            Self::PracticeBan => "限制从业",
            Self::Other => "其他行政处罚",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Warning => "warning",
            Self::CirculatedCriticism => "circulated criticism",
            Self::Fine => "fine",
            Self::Confiscation => "confiscation of illegal gains or property",
            Self::IllegalGainsConfiscated => "confiscation of illegal gains",
            Self::IllegalPropertyConfiscated => "confiscation of illegal property",
            Self::LicenceSuspended => "licence suspended for a term",
            Self::Suspension => "suspension of production or business",
            Self::Restriction => "restriction of business activities",
            Self::OrderedClosed => "ordered closed",
            Self::QualificationLowered => "qualification lowered",
            Self::LicenceRevoked => "licence revoked",
            Self::BusinessLicenceRevoked => "business licence revoked",
            Self::PracticeBan => "ban on practising (限制从业)",
            Self::Other => "another penalty",
        }
    }

    /// Penalties a market regulator never stops publishing early, as 总局令第45号 第十四条第三款 names them
    /// (责令停产停业、限制开展生产经营活动、限制从业、降低资质等级、吊销许可证件、吊销营业执照). The article adds
    /// “国家市场监督管理总局规定的其他较为严重行政处罚”, which is not read here: `market_weight_unconfirmed`.
    pub fn never_early_in_market_regulation(self) -> bool {
        matches!(
            self,
            Self::Suspension
                | Self::Restriction
                | Self::PracticeBan
                | Self::QualificationLowered
                | Self::LicenceRevoked
                | Self::BusinessLicenceRevoked
        )
    }

    /// Penalties 45号 第十四条第三款 does not name, which may still be among the “其他较为严重行政处罚” SAMR sets
    /// (its rule was not read): 责令关闭 (a 较重行政处罚 in 总局令第44号 第二条第二款, read in translation only) and a
    /// penalty the tool cannot place. A market early stop is then not promised.
    pub fn market_weight_unconfirmed(self) -> bool {
        matches!(self, Self::OrderedClosed | Self::Other)
    }

    /// Penalties that run for a term (暂扣许可证件, 责令停产停业, 限制开展生产经营活动, 限制从业): publication is not
    /// ended early before the term ends (36号 第十二条第三款, as quoted), so without its last day (`ban_until`)
    /// no earliest day is promised.
    pub fn has_term(self) -> bool {
        matches!(self, Self::LicenceSuspended | Self::Suspension | Self::Restriction | Self::PracticeBan)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Sector {
    Food,
    Drugs,
    SpecialEquipment,
    Environment,
    Construction,
    WorkSafety,
    Fire,
    Tax,
    Other,
}

/// One record about a subject, as a department reports it (双公示-style).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Record {
    pub id: String,
    pub kind: RecordKind,
    /// 决定书文号 / listing document number.
    pub decision_no: String,
    pub authority: String,
    /// Decided by a market regulator (市场监管): its publication rules and gsxt apply.
    #[serde(default)]
    pub market_regulation: bool,
    pub decided_on: Date,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<PenaltyClass>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub penalties: Vec<PenaltyType>,
    /// The penalty as the decision names it (e.g. “罚款人民币 5000 元，暂扣《道路运输经营许可证》1 个月”): shown beside
    /// the record, so that a penalty the tool cannot place (`PenaltyType::Other`) is still read as decided.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub penalty_as_named: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fine_yuan: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sector: Option<Sector>,
    #[serde(default)]
    pub summary: String,
    /// When every obligation of the decision was met (fine paid, behaviour corrected).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub obligations_met_on: Option<Date>,
    /// When publication stopped or the listing ended early (repaired, removed, deleted by the court).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub removed_on: Option<Date>,
    /// The last day of a penalty's term (从业禁止 / 限制从业, 暂扣, 停产停业 for a period): publication is not
    /// ended early before it (国家发展改革委令第36号 第十二条第三款), and market-regulation records last as
    /// long as a restriction or ban beyond three years (总局令第45号 第十三条第三款, 总局令第44号 第十六条第二款、
    /// 第二十一条). Absent while the record has a term (a term-bearing penalty, or `has_term` not `false`): the
    /// term's end is not known, and the answer is the conservative one (no earliest day promised, the end of
    /// publication only a lower bound), said in the evaluation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ban_until: Option<Date>,
    /// Whether the decision or listing carries a penalty or measure with a term (限制从业, 限制开展生产经营活动,
    /// 停产停业, 暂扣许可证件, or another measure for a period). `false`: the department says there is none, so
    /// nothing holds an early end or an early removal; `true` or absent without `ban_until`: the answer is the
    /// conservative one. `false` beside a term-bearing penalty or a `ban_until` is refused.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_term: Option<bool>,
    /// A law, regulation or central policy forbids repairing this record.
    #[serde(default)]
    pub law_forbids_repair: bool,
    /// Court listings: years added for aggravating circumstances (0–3).
    #[serde(default)]
    pub aggravated_years: u32,
    /// When publication began (公示之日): market-regulation periods count from it (总局令第45号 第十三条).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published_on: Option<Date>,
    /// The procedure of a penalty where known: only 普通程序 market penalties are published (45号 第二条).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<Procedure>,
    /// Court listings: the item of 法释〔2017〕7号 第一条 (1–6) the listing rests on; only items 2–6 have a
    /// fixed term.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listing_ground: Option<u8>,
    /// Market penalties: the fine is a 较低数额罚款 by the province's standard (总局令第45号 第十三条第一款: with
    /// 通报批评, published 3 months). Unknown: a fine is taken as not lower (published 3 years), and said so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lower_fine: Option<bool>,
    /// Market penalties: decided in one province against a subject registered in another (总局令第45号 第十条:
    /// notified within 10 working days, published within 10 working days of receipt).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cross_province: Option<bool>,
}

/// How a penalty was decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Procedure {
    /// 简易程序 (on the spot).
    Simplified,
    /// 普通程序.
    Ordinary,
}

/// Official grade schemes, shown as issued and never recomputed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GradeScheme {
    /// 纳税缴费信用 A/B/M/C/D.
    TaxCredit,
    /// 海关企业信用 (高级认证企业 / 失信企业 …), shown as issued.
    Customs,
    /// Any other published grade, shown as issued with its scale.
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct OfficialGrade {
    pub scheme: GradeScheme,
    pub grade: String,
    pub year: u32,
    pub authority: String,
    pub source: String,
}

/// A subject and what is known about it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Profile {
    pub credit_code: String,
    pub name: String,
    #[serde(default)]
    pub demo: bool,
    #[serde(default)]
    pub records: Vec<Record>,
    #[serde(default)]
    pub grades: Vec<OfficialGrade>,
}

/// Bad input, naming the field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RecordError {
    Invalid { field: String, message: String },
    DecidedAfterEvaluation { id: String, decided_on: Date, on: Date },
    MissingClass { id: String },
    DateBeforeDecision { id: String, field: &'static str },
    BadAggravation { id: String },
    BadListingGround { id: String },
    InvalidCreditCode(String),
}

impl crate::error::Described for RecordError {
    fn code(&self) -> &'static str {
        match self {
            Self::Invalid { .. } => "bad_record_field",
            Self::DecidedAfterEvaluation { .. } => "decided_after_evaluation",
            Self::MissingClass { .. } => "record_class_missing",
            Self::DateBeforeDecision { .. } => "date_before_decision",
            Self::BadAggravation { .. } => "bad_aggravation",
            Self::BadListingGround { .. } => "bad_listing_ground",
            Self::InvalidCreditCode(_) => "invalid_credit_code",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Invalid { field, message } => crate::error::in_lang(
                lang,
                format_args!("字段 {field} 有误：{message}"),
                format_args!("field {field} is invalid: {message}"),
            ),
            Self::DecidedAfterEvaluation { id, decided_on, on } => crate::error::in_lang(
                lang,
                format_args!("记录 {id}：处罚决定日期 {decided_on} 晚于评估日期 {on}"),
                format_args!("record {id}: decided on {decided_on}, after the evaluation date {on}"),
            ),
            Self::MissingClass { id } => crate::error::in_lang(
                lang,
                format_args!("记录 {id}：行政处罚缺少失信程度 class（轻微/一般/严重）和处罚种类 penalties，无法判断"),
                format_args!("record {id}: a penalty needs its class (minor/general/serious) or its penalties"),
            ),
            Self::DateBeforeDecision { id, field } => crate::error::in_lang(
                lang,
                format_args!("记录 {id}：{field} 早于决定日期"),
                format_args!("record {id}: {field} is before the decision date"),
            ),
            Self::BadAggravation { id } => crate::error::in_lang(
                lang,
                format_args!("记录 {id}：加重年限 aggravated_years 应为 0–3"),
                format_args!("record {id}: aggravated_years must be 0–3"),
            ),
            Self::BadListingGround { id } => crate::error::in_lang(
                lang,
                format_args!("记录 {id}：纳入依据 listing_ground 应为 1–6（法释〔2017〕7号 第一条各项）"),
                format_args!("record {id}: listing_ground must be 1–6 (the items of Art. 1)"),
            ),
            Self::InvalidCreditCode(reason) => crate::error::in_lang(
                lang,
                format_args!("统一社会信用代码无效：{reason}"),
                format_args!("invalid unified social credit code: {reason}"),
            ),
        }
    }
}
crate::error::display_in_chinese!(RecordError);

/// Names and texts shown to the public hold no control or invisible format characters (which could make them
/// display otherwise than stored).
fn visible_text(field: &str, text: &str) -> Result<(), RecordError> {
    match crate::text::first_forbidden(text) {
        None => Ok(()),
        Some(c) => Err(RecordError::Invalid {
            field: field.to_owned(),
            message: format!(
                "含有控制字符或不可见的格式字符 U+{:04X} / contains the control or invisible format character U+{:04X}",
                u32::from(c),
                u32::from(c)
            ),
        }),
    }
}

fn from_value<T: serde::de::DeserializeOwned>(value: Value) -> Result<T, RecordError> {
    json_path::from_value(&value).map_err(|error| RecordError::Invalid { field: error.path, message: error.message })
}

impl Record {
    /// The facts of the record the repair rules read, as a person reads them beside the record (the term, the
    /// procedure, a lower-amount fine, another province, the day of publication, the court's ground); a fact
    /// not given is not listed (the evaluation's notes say what is assumed instead).
    pub fn rule_facts(&self, lang: Lang) -> Vec<String> {
        let mut facts = Vec::new();
        if let Some(named) = &self.penalty_as_named {
            facts.push(format!("{}{named}", lang.pick("决定书载明：", "as decided: ")));
        }
        if let Some(procedure) = self.procedure {
            facts.push(
                match procedure {
                    Procedure::Simplified => lang.pick("简易程序", "simplified procedure"),
                    Procedure::Ordinary => lang.pick("普通程序", "ordinary procedure"),
                }
                .to_owned(),
            );
        }
        if let Some(last) = self.ban_until {
            facts.push(format!("{}{last}", lang.pick("处罚所附期限至 ", "term until ")));
        }
        if self.has_term == Some(false) {
            facts.push(lang.pick("无附带期限的处罚或措施", "no penalty or measure with a term").to_owned());
        }
        if let Some(lower) = self.lower_fine {
            let (zh, en) = if lower {
                ("较低数额罚款", "lower-amount fine")
            } else {
                ("非较低数额罚款", "not a lower-amount fine")
            };
            facts.push(lang.pick(zh, en).to_owned());
        }
        if let Some(cross) = self.cross_province {
            let (zh, en) = if cross {
                ("外省作出", "decided in another province")
            } else {
                ("本省作出", "decided in the province")
            };
            facts.push(lang.pick(zh, en).to_owned());
        }
        if let Some(published) = self.published_on {
            facts.push(format!("{}{published}", lang.pick("公示日期 ", "published ")));
        }
        if let Some(ground) = self.listing_ground {
            facts.push(match lang {
                Lang::Zh => format!(
                    "纳入依据：第一条第{}项",
                    ["", "一", "二", "三", "四", "五", "六"].get(usize::from(ground)).copied().unwrap_or("?")
                ),
                Lang::En => format!("listed under Art. 1 item {ground}"),
            });
        }
        facts
    }

    /// Reads a record from JSON, naming the field on error.
    pub fn from_json(value: Value) -> Result<Self, RecordError> {
        from_value(value)
    }

    /// Consistency that does not depend on the evaluation date.
    pub fn check(&self) -> Result<(), RecordError> {
        let id = || self.id.clone();
        for (field, text) in [
            ("id", &self.id),
            ("decision_no", &self.decision_no),
            ("authority", &self.authority),
            ("summary", &self.summary),
        ] {
            visible_text(field, text)?;
        }
        if let Some(named) = &self.penalty_as_named {
            visible_text("penalty_as_named", named)?;
            if named.trim().is_empty() || named.chars().count() > 500 {
                return Err(RecordError::Invalid {
                    field: "penalty_as_named".into(),
                    message: "应为 1–500 个字符 / must be 1–500 characters".into(),
                });
            }
        }
        if self.has_term == Some(false) && (self.ban_until.is_some() || self.penalties.iter().any(|p| p.has_term())) {
            return Err(RecordError::Invalid {
                field: "has_term".into(),
                message: "记录有附带期限的处罚或 ban_until，不能注明无期限 / the record has a penalty with a term or a ban_until, so it cannot say it has none".into(),
            });
        }
        if self.kind == RecordKind::AdministrativePenalty && self.class.is_none() && self.penalties.is_empty() {
            return Err(RecordError::MissingClass { id: id() });
        }
        for (field, date) in [
            ("obligations_met_on", self.obligations_met_on),
            ("removed_on", self.removed_on),
            ("published_on", self.published_on),
            ("ban_until", self.ban_until),
        ] {
            if date.is_some_and(|d| d < self.decided_on) {
                return Err(RecordError::DateBeforeDecision { id: id(), field });
            }
        }
        if self.aggravated_years > 3 {
            return Err(RecordError::BadAggravation { id: id() });
        }
        if self.listing_ground.is_some_and(|g| !(1..=6).contains(&g)) {
            return Err(RecordError::BadListingGround { id: id() });
        }
        Ok(())
    }

    /// Checks the record against an evaluation date.
    pub fn check_on(&self, on: Date) -> Result<(), RecordError> {
        self.check()?;
        if self.decided_on > on {
            return Err(RecordError::DecidedAfterEvaluation { id: self.id.clone(), decided_on: self.decided_on, on });
        }
        Ok(())
    }

    /// The class and where it comes from: given by the department; else 36号's default classes (第十一条:
    /// without a department's standard, 第八条至第十条 apply) where the articles checked cover the penalty;
    /// else this tool's guess.
    pub fn class_and_basis(&self) -> (PenaltyClass, ClassBasis) {
        if let Some(class) = self.class {
            return (class, ClassBasis::Given);
        }
        // 36号 第十条第（二）项: lowered qualification, restricted business activities.
        if self.penalties.iter().any(|p| matches!(p, PenaltyType::QualificationLowered | PenaltyType::Restriction)) {
            return (PenaltyClass::Serious, ClassBasis::Article("36.class_serious"));
        }
        // 36号 第八条第（一）项: a penalty by simplified procedure.
        if self.kind == RecordKind::AdministrativePenalty && self.procedure == Some(Procedure::Simplified) {
            return (PenaltyClass::Minor, ClassBasis::Article("36.class_minor"));
        }
        // The draft's serious items (责令关闭 among them), and a penalty the tool cannot place: taken as serious,
        // the longest periods, so that nothing is promised early.
        let severe = self.penalties.iter().any(|p| {
            matches!(
                p,
                PenaltyType::LicenceRevoked
                    | PenaltyType::BusinessLicenceRevoked
                    | PenaltyType::PracticeBan
                    | PenaltyType::Suspension
                    | PenaltyType::OrderedClosed
                    | PenaltyType::Other
            )
        });
        let light = !self.penalties.is_empty()
            && self.penalties.iter().all(|p| matches!(p, PenaltyType::Warning | PenaltyType::CirculatedCriticism));
        let class = match (severe, light, self.kind) {
            (true, _, _) => PenaltyClass::Serious,
            (_, true, _) => PenaltyClass::Minor,
            (_, _, RecordKind::SeriousDishonestyList | RecordKind::SeriousIllegalList) => PenaltyClass::Serious,
            _ => PenaltyClass::General,
        };
        (class, ClassBasis::Guess)
    }
}

/// Where a record's class comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClassBasis {
    /// The deciding department gave it.
    Given,
    /// An article of 36号 applied by its 第十一条 (the id of the rule in `rules/repair.json`).
    Article(&'static str),
    /// This tool's guess (rule `class.guess`, unconfirmed).
    Guess,
}

impl Profile {
    /// Reads and checks a profile from JSON, naming the field on error.
    pub fn from_json(value: Value) -> Result<Self, RecordError> {
        let profile: Self = from_value(value)?;
        profile.check()?;
        Ok(profile)
    }

    pub fn check(&self) -> Result<(), RecordError> {
        let report = crate::code::validate(&self.credit_code, &Default::default());
        if !report.valid || report.kind != crate::code::CodeKind::Uscc || report.normalized != self.credit_code {
            return Err(RecordError::InvalidCreditCode(self.credit_code.chars().take(40).collect()));
        }
        visible_text("name", &self.name)?;
        self.records.iter().try_for_each(Record::check)
    }

    /// The latest grade of a scheme.
    pub fn latest_grade(&self, scheme: GradeScheme) -> Option<&OfficialGrade> {
        self.grades.iter().filter(|g| g.scheme == scheme).max_by_key(|g| g.year)
    }
}

mod json_path;

#[cfg(test)]
mod tests;
