//! Subjects, their records and grades: stored (`store`), imported from JSON or CSV (`import`, all or nothing,
//! errors with row numbers), the demo data set (`demo`) and the static export (`export`). Every record is
//! read and checked by the core.

mod demo;
mod export;
mod import;
mod rows;
mod store;
mod view;

pub use demo::{demo_showcase, demo_subjects};
pub use export::export_static;
pub use import::{parse_csv_import, parse_import, parse_json_import, ImportError, CSV_COLUMNS};
pub(crate) use store::{add_record, end_publication, set_repair_status};

pub use rows::{StoredSubject, SubjectRow};
pub use view::{list_item, view};
