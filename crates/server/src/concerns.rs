//! Whom and what a decision concerns, in words, for its page: read from the case the decision was made on
//! (`process::read_case`) and the rows it names. Apart from `views` so that `views` (used by `export-static`)
//! does not reach into the decision process.

use xinnuo_core::decision::TargetKind;
use xinnuo_core::wire::{ConcernedRecord, DecisionConcerns};
use xinnuo_core::workflow::{Case, KeyCase, ObjectionCase, RepairCase};

use crate::db::{Db, DbError};
use crate::views::commitment;

/// Whom and what a decision concerns, in words: the enterprise (its register name, else the name signed),
/// and the commitment's title or the record; `None` when its target is not stored (nothing to name).
pub fn decision_concerns(db: &Db, kind: TargetKind, target: &str) -> Result<Option<DecisionConcerns>, DbError> {
    let case = db.read(|sql| crate::process::read_case(sql, kind, target))?;
    let named = |credit_code: String, signed_name: Option<String>| -> Result<DecisionConcerns, DbError> {
        let subject_name = db.registry_name(&credit_code)?.or(signed_name).unwrap_or_default();
        Ok(DecisionConcerns { credit_code, subject_name, title_zh: None, title_en: None, record: None })
    };
    let record_of = |credit_code: &str, record_id: &str| -> Result<Option<ConcernedRecord>, DbError> {
        let Some(body) = db.record_body(credit_code, record_id)? else { return Ok(None) };
        let record: xinnuo_core::status::Record =
            serde_json::from_value(body).map_err(|_| DbError::Corrupt("record body"))?;
        Ok(Some(ConcernedRecord {
            id: record.id,
            kind: record.kind,
            decision_no: record.decision_no,
            authority: record.authority,
        }))
    };
    Ok(match case {
        None => None,
        Some(Case::Commitment(_)) => match db.commitment(target)? {
            None => None,
            Some(row) => {
                let published = commitment(row);
                let mut concerns = named(published.credit_code, Some(published.subject_name))?;
                (concerns.title_zh, concerns.title_en) = (Some(published.title_zh), Some(published.title_en));
                Some(concerns)
            }
        },
        Some(Case::Repair(RepairCase { credit_code, record_id, .. }))
        | Some(Case::Objection(ObjectionCase { credit_code, record_id, .. })) => {
            let record = record_of(&credit_code, &record_id)?;
            Some(DecisionConcerns { record, ..named(credit_code, None)? })
        }
        Some(Case::Key(KeyCase { credit_code, .. })) => Some(named(credit_code, None)?),
    })
}
