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
        situation: row.situation.zh,
        situation_en: row.situation.en,
    }
}

/// A subject's credit status on `on` (the core's `SubjectView::of`).
pub fn view(
    stored: StoredSubject,
    repair_applications: Vec<RepairApplicationView>,
    objections: Vec<PublicObjection>,
    on: Date,
) -> Result<SubjectView, RecordError> {
    SubjectView::of(stored.profile, stored.situation, repair_applications, objections, on)
}
