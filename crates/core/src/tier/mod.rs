//! The summary tier: the kit's own reading of a subject's records (`status`) and of what the repair rules
//! say of each (`repair`), never an official grade. Official grades are only read (tax credit A/C/D), never
//! recomputed. Above both modules, so that neither depends on the other's caller: `status` is the records,
//! `repair` reads records, and this reads both.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
use crate::repair::{self, Outcome};
use crate::status::{GradeScheme, PenaltyClass, Profile, RecordKind};
use crate::template::{DataList, DataStr, Text};

pub const TIER_LABEL_ZH: &str = "本工具汇总，非官方评级";
pub const TIER_LABEL_EN: &str = "Summarised by this tool, not an official rating";

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    Trustworthy,
    Normal,
    Attention,
    Serious,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Trustworthy, Tier::Normal, Tier::Attention, Tier::Serious];

    /// The name on the wire (as serde writes it).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Trustworthy => "trustworthy",
            Self::Normal => "normal",
            Self::Attention => "attention",
            Self::Serious => "serious",
        }
    }

    /// The tier's name as `rules/tiers.json` writes it (its wire name if the table could not be read).
    pub fn name(self) -> Text {
        tier_table()
            .iter()
            .find(|info| info.tier == self)
            .map_or_else(|| Text { zh: self.as_str().into(), en: self.as_str().into() }, |info| info.name.clone())
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Measure {
    pub text: Text,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: DataStr,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct TierInfo {
    pub tier: Tier,
    pub name: Text,
    pub criteria: Text,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Measure>))]
    pub measures: DataList<Measure>,
}

// `static LABEL: Text` and `static TIERS: &[TierInfo]` from `rules/tiers.json`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/tiers.rs"));

/// Every tier with its criteria and measures (from `rules/tiers.json`).
pub fn tier_table() -> &'static [TierInfo] {
    TIERS
}

/// Why the tier is what it is.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TierReason {
    pub tier: Tier,
    /// The record or grade it comes from.
    pub source_id: String,
    pub message: Text,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = TierSummary))]
pub struct Summary {
    pub on: Date,
    pub tier: Tier,
    pub name: Text,
    /// Always "本工具汇总，非官方评级".
    pub label: Text,
    pub criteria: Text,
    pub measures: Vec<Measure>,
    pub reasons: Vec<TierReason>,
    /// Negative records still published on `on`.
    pub active_records: Vec<String>,
}

fn reason(tier: Tier, source_id: &str, zh: String, en: String) -> TierReason {
    TierReason { tier, source_id: source_id.to_owned(), message: Text::new(zh, en) }
}

/// The summary tier of a profile on `on`. Records decided after `on` are ignored (not yet known then).
pub fn summarize(profile: &Profile, on: Date) -> Summary {
    let mut reasons = Vec::new();
    let mut active_records = Vec::new();
    let mut red = false;
    for record in profile.records.iter().filter(|r| r.decided_on <= on) {
        let Ok(evaluation) = repair::evaluate(record, &profile.records, on) else { continue };
        let active =
            !matches!(evaluation.outcome, Outcome::AlreadyRemoved | Outcome::PublicationEnded | Outcome::NotNegative);
        if record.kind == RecordKind::RedList {
            red |= record.removed_on.is_none_or(|d| d > on);
            continue;
        }
        if !active {
            continue;
        }
        let class = evaluation.class;
        let label = format!("{}（{}）", record.kind.label_zh(), record.decision_no);
        let label_en = format!("{} ({})", record.kind.label_en(), record.decision_no);
        match record.kind {
            RecordKind::SeriousDishonestyList | RecordKind::SeriousIllegalList | RecordKind::CourtDishonestDebtor => {
                reasons.push(reason(Tier::Serious, &record.id, format!("在{label}中"), format!("On the {label_en}")));
            }
            RecordKind::AbnormalOperationList => {
                reasons.push(reason(Tier::Attention, &record.id, format!("在{label}中"), format!("On the {label_en}")));
            }
            _ if class == Some(PenaltyClass::Minor) => {
                // A minor record does not change the tier.
            }
            _ => reasons.push(reason(
                Tier::Attention,
                &record.id,
                format!("{label}仍在公示期内"),
                format!("{label_en} still published"),
            )),
        }
        if class != Some(PenaltyClass::Minor) {
            active_records.push(record.id.clone());
        }
    }
    if let Some(tax) = profile.latest_grade(GradeScheme::TaxCredit) {
        let grade = tax.grade.trim().to_ascii_uppercase();
        let id = format!("tax-{}", tax.year);
        match grade.as_str() {
            "D" => reasons.push(reason(
                Tier::Serious,
                &id,
                format!("{} 年度纳税信用 D 级", tax.year),
                format!("Tax credit D ({})", tax.year),
            )),
            "C" => reasons.push(reason(
                Tier::Attention,
                &id,
                format!("{} 年度纳税信用 C 级", tax.year),
                format!("Tax credit C ({})", tax.year),
            )),
            "A" => reasons.push(reason(
                Tier::Trustworthy,
                &id,
                format!("{} 年度纳税信用 A 级", tax.year),
                format!("Tax credit A ({})", tax.year),
            )),
            _ => {}
        }
    }
    if red {
        reasons.push(reason(Tier::Trustworthy, "red-list", "在守信激励名单中".into(), "On a red list".into()));
    }
    let worst = reasons.iter().map(|r| r.tier).max();
    let tier = match worst {
        Some(Tier::Serious) => Tier::Serious,
        Some(Tier::Attention) => Tier::Attention,
        Some(Tier::Trustworthy) => Tier::Trustworthy,
        _ => Tier::Normal,
    };
    // Only the reasons that decided the tier are shown as reasons.
    reasons.retain(|r| r.tier == tier);
    let info = tier_table().iter().find(|t| t.tier == tier);
    Summary {
        on,
        tier,
        name: info.map(|i| i.name.clone()).unwrap_or_else(|| Text::new("", "")),
        label: LABEL.clone(),
        criteria: info.map(|i| i.criteria.clone()).unwrap_or_else(|| Text::new("", "")),
        measures: info.map(|i| i.measures.to_vec()).unwrap_or_default(),
        reasons,
        active_records,
    }
}

#[cfg(test)]
mod tests;
