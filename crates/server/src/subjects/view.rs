//! Subjects as lists and status pages show them, computed by the core.

use super::rows::{StoredSubject, SubjectRow};
use crate::db::Db;
use xinnuo_core::calendar::Date;
use xinnuo_core::status::RecordError;
use xinnuo_core::wire::{PublicObjection, RepairApplicationView, SubjectView};

/// A subject as a list shows it (the API's search, a static site's index), with its summary tier on `on`.
pub fn list_item(db: &Db, row: SubjectRow, on: Date) -> xinnuo_core::wire::SubjectListItem {
    let summary = db.subject(&row.credit_code).ok().flatten().map(|s| xinnuo_core::tier::summarize(&s.profile, on));
    xinnuo_core::wire::SubjectListItem {
        tier: summary.as_ref().map(|s| s.tier),
        tier_name: summary.map(|s| s.name),
        credit_code: row.credit_code,
        name: row.name,
        demo: row.demo,
        situation: row.situation,
    }
}

/// A subject's credit status on `on` as the API answers it and a static site publishes it: the summary tier
/// and each record's repair evaluation (records decided after `on` are not yet known then), computed by the core.
pub fn view(
    stored: StoredSubject,
    repair_applications: Vec<RepairApplicationView>,
    objections: Vec<PublicObjection>,
    on: Date,
) -> Result<SubjectView, RecordError> {
    let records = &stored.profile.records;
    let evaluations = records
        .iter()
        .filter(|r| r.decided_on <= on)
        .map(|r| xinnuo_core::repair::evaluate(r, records, on))
        .collect::<Result<Vec<_>, _>>()?;
    let summary = xinnuo_core::tier::summarize(&stored.profile, on);
    Ok(SubjectView {
        on,
        situation: stored.situation,
        profile: stored.profile,
        summary: Some(summary),
        evaluations,
        repair_applications,
        objections,
    })
}
