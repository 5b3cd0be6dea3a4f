//! The repair rules and the regimes in force by date, as compiled-in data (`rules/repair.json`).

use std::borrow::Cow;

use serde::{Deserialize, Serialize, Serializer};

use crate::calendar::{Date, Period};
use crate::status::PenaltyClass;
use crate::template::{DataStr, Text};

/// How sure we are of a rule: read in a primary text, agreed by secondary sources, or unconfirmed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum Confidence {
    #[serde(rename = "C")]
    Confirmed,
    #[serde(rename = "S")]
    Secondary,
    #[serde(rename = "U")]
    Unconfirmed,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Rule {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: DataStr,
    pub confidence: Confidence,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub source: DataStr,
    pub title: Text,
    pub text: Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassPeriods {
    /// `None`: repair may be applied for as soon as obligations are met.
    pub min: Option<Period>,
    pub max: Period,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
struct PeriodTable {
    minor: ClassPeriods,
    general: ClassPeriods,
    serious: ClassPeriods,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Regime {
    pub id: DataStr,
    pub name: Text,
    pub from: Date,
    pub to: Option<Date>,
    pub confidence: Confidence,
    periods: PeriodTable,
    pub(super) periods_rule: DataStr,
}

impl Regime {
    pub fn periods(&self, class: PenaltyClass) -> ClassPeriods {
        match class {
            PenaltyClass::Minor => self.periods.minor,
            PenaltyClass::General => self.periods.general,
            PenaltyClass::Serious => self.periods.serious,
        }
    }

    pub fn periods_rule(&self) -> &'static Rule {
        rule(&self.periods_rule)
    }

    fn in_force_on(&self, date: Date) -> bool {
        self.from <= date && self.to.is_none_or(|to| date <= to)
    }
}

impl Serialize for Regime {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("Regime", 5)?;
        state.serialize_field("id", &self.id)?;
        state.serialize_field("name", &self.name)?;
        state.serialize_field("from", &self.from)?;
        state.serialize_field("to", &self.to)?;
        state.serialize_field("confidence", &self.confidence)?;
        state.end()
    }
}

// `static REGIMES: &[Regime]` and `static RULES: &[Rule]` from `rules/repair.json`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/repair-rules.rs"));

/// Every rule, for display and for tests.
pub fn rules() -> &'static [Rule] {
    RULES
}

pub fn regimes() -> &'static [Regime] {
    REGIMES
}

static MISSING_RULE: Rule = Rule {
    id: Cow::Borrowed("missing"),
    confidence: Confidence::Unconfirmed,
    source: Cow::Borrowed(""),
    title: Text { zh: Cow::Borrowed("规则缺失"), en: Cow::Borrowed("missing rule") },
    text: Text { zh: Cow::Borrowed(""), en: Cow::Borrowed("") },
};

/// A rule by id (a missing id shows as an unconfirmed placeholder; a unit test ensures none is missing).
pub fn rule(id: &str) -> &'static Rule {
    RULES.iter().find(|r| r.id == id).unwrap_or(&MISSING_RULE)
}

/// The regime in force on `date`, if any (none before 2019-07-01).
pub fn regime_on(date: Date) -> Option<&'static Regime> {
    regimes().iter().find(|r| r.in_force_on(date))
}
