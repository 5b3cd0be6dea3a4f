//! A repair application: the 信用修复承诺书 signed for one record. What the wizard fills in from the record,
//! and whether the authority may take the application now — written once, for the app and the server.

use crate::lang::Lang;
use std::collections::BTreeMap;

use serde_json::Value;

use super::evaluate::{evaluate, Channel, Evaluation};
use crate::calendar::Date;
use crate::commitment::Prepared;
use crate::status::{Profile, Record, RecordError};
use crate::template::TemplateKind;

/// The template a repair application is signed on.
pub const REPAIR_TEMPLATE_ID: &str = "credit-repair";

/// The values of the 信用修复承诺书 that the record already states: who, which decision, by whom, when.
/// The person completes the rest (contact, the measures taken) before signing.
pub fn prefilled_values(profile: &Profile, record: &Record) -> BTreeMap<String, Value> {
    [
        ("subject_name", profile.name.clone()),
        ("credit_code", profile.credit_code.clone()),
        ("decision_no", record.decision_no.clone()),
        ("decision_authority", record.authority.clone()),
        ("decision_date", record.decided_on.to_string()),
    ]
    .into_iter()
    .map(|(field, value)| (field.to_owned(), Value::String(value)))
    .collect()
}

/// An application the authority may take: the record it is for and where it goes.
#[derive(Debug)]
pub struct Accepted<'a> {
    pub record: &'a Record,
    pub channel: Option<Channel>,
}

impl Accepted<'_> {
    /// The channel the application is recorded under: the evaluation's, else "信用中国" (the general channel
    /// of 36号; the evaluation names gsxt or a court where those decide).
    pub fn recorded_channel(&self) -> Channel {
        self.channel.unwrap_or(Channel::CreditChina)
    }
}

/// Why an application cannot be taken now.
#[derive(Debug, Clone, PartialEq)]
pub enum ApplicationError {
    NotARepairCommitment,
    RecordNotFound {
        decision_no: String,
    },
    BadRecord(RecordError),
    /// Not (yet) repairable: the evaluation says why, with the rule of each blocking finding.
    NotEligible(Box<Evaluation>),
}

impl crate::error::Described for ApplicationError {
    fn code(&self) -> &'static str {
        match self {
            Self::NotARepairCommitment => "not_a_repair_commitment",
            Self::RecordNotFound { .. } => "record_not_found",
            Self::BadRecord(_) => "bad_record",
            Self::NotEligible(_) => "not_eligible",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::NotARepairCommitment => crate::error::in_lang(
                lang,
                format_args!("修复申请须使用“信用修复承诺书”模板。"),
                format_args!("A repair application must use the credit-repair commitment template."),
            ),
            Self::RecordNotFound { decision_no } => crate::error::in_lang(
                lang,
                format_args!("该主体没有文号为 {decision_no} 的记录。"),
                format_args!("The subject has no record with decision number {decision_no}."),
            ),
            Self::BadRecord(inner) => inner.message(lang),
            Self::NotEligible(evaluation) => crate::error::in_lang(
                lang,
                format_args!("该记录目前不能申请信用修复：{}", evaluation.outcome_label.zh),
                format_args!("This record cannot be repaired now: {}", evaluation.outcome_label.en),
            ),
        }
    }
}
crate::error::display_in_chinese!(ApplicationError);

impl From<RecordError> for ApplicationError {
    fn from(inner: RecordError) -> Self {
        Self::BadRecord(inner)
    }
}

impl ApplicationError {}

/// Whether a signed commitment is on the repair template at all (checked before its subject is looked up).
pub fn check_template(prepared: &Prepared) -> Result<(), ApplicationError> {
    if prepared.template.kind == TemplateKind::Repair {
        Ok(())
    } else {
        Err(ApplicationError::NotARepairCommitment)
    }
}

/// Whether a signed repair commitment may be taken as an application on `on`: it must be on the repair
/// template, name a record of the subject by its decision number, and that record must be repairable now.
pub fn accept<'a>(prepared: &Prepared, records: &'a [Record], on: Date) -> Result<Accepted<'a>, ApplicationError> {
    check_template(prepared)?;
    let decision_no = prepared.values.get("decision_no").and_then(Value::as_str).unwrap_or_default();
    let record = records
        .iter()
        .find(|record| record.decision_no == decision_no)
        .ok_or_else(|| ApplicationError::RecordNotFound { decision_no: decision_no.to_owned() })?;
    let evaluation = evaluate(record, records, on)?;
    if !evaluation.eligible_now {
        return Err(ApplicationError::NotEligible(Box::new(evaluation)));
    }
    Ok(Accepted { record, channel: evaluation.channel })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::error::Described;
    use crate::template;

    fn profile() -> Profile {
        Profile::from_json(json!({
            "credit_code": "91140105123456788F", "name": "晋示例修复有限公司",
            "records": [
                { "id": "r1", "kind": "administrative_penalty", "decision_no": "晋示例罚〔2026〕1号", "authority": "示例局",
                  "decided_on": "2026-05-10", "class": "general", "obligations_met_on": "2026-05-20" }
            ]
        }))
        .expect("profile")
    }

    fn application(template_id: &str, decision_no: &str) -> Prepared {
        let profile = profile();
        let mut values = prefilled_values(&profile, &profile.records[0]);
        values.insert("decision_no".into(), decision_no.into());
        Prepared { template: template::get(template_id, None).expect("template"), values, department: None }
    }

    #[test]
    fn the_wizard_fills_in_what_the_record_states() {
        let profile = profile();
        let values = prefilled_values(&profile, &profile.records[0]);
        assert_eq!(values["credit_code"], "91140105123456788F");
        assert_eq!(values["decision_no"], "晋示例罚〔2026〕1号");
        assert_eq!(values["decision_authority"], "示例局");
        assert_eq!(values["decision_date"], "2026-05-10");
        let repair = template::get(REPAIR_TEMPLATE_ID, None).expect("the repair template");
        for field in values.keys() {
            assert!(repair.fields.iter().any(|f| &f.id == field), "{field} is a field of the repair template");
        }
    }

    #[test]
    fn an_application_is_taken_only_for_a_repairable_record_of_the_subject() {
        let records = profile().records;
        let on = |text| Date::parse(text).expect("date");
        let taken = accept(&application(REPAIR_TEMPLATE_ID, "晋示例罚〔2026〕1号"), &records, on("2026-08-10"))
            .expect("eligible on the day the minimum period ends");
        assert_eq!(taken.record.id, "r1");
        assert_eq!(taken.channel, Some(Channel::CreditChina));
        let early = accept(&application(REPAIR_TEMPLATE_ID, "晋示例罚〔2026〕1号"), &records, on("2026-08-09"));
        assert!(matches!(&early, Err(ApplicationError::NotEligible(ev)) if !ev.blocking.is_empty()), "{early:?}");
        assert_eq!(early.map(|_| ()).unwrap_err().code(), "not_eligible");
        let unknown = accept(&application(REPAIR_TEMPLATE_ID, "晋示例罚〔2026〕9号"), &records, on("2026-08-10"));
        assert_eq!(
            unknown.map(|_| ()),
            Err(ApplicationError::RecordNotFound { decision_no: "晋示例罚〔2026〕9号".into() })
        );
        let other = accept(&application("tax-service", "晋示例罚〔2026〕1号"), &records, on("2026-08-10"));
        assert_eq!(other.map(|_| ()), Err(ApplicationError::NotARepairCommitment));
        let before = accept(&application(REPAIR_TEMPLATE_ID, "晋示例罚〔2026〕1号"), &records, on("2026-05-01"));
        assert_eq!(before.map(|_| ()).unwrap_err().code(), "bad_record");
    }
}
