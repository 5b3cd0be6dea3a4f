//! Subjects as the store keeps them.

use xinnuo_core::status::Profile;

/// A subject as stored: its profile and, for demo data, the situation it shows.
#[derive(Debug, Clone)]
pub struct StoredSubject {
    pub profile: Profile,
    pub situation: Option<String>,
}

#[derive(Debug, Clone)]
pub struct SubjectRow {
    pub credit_code: String,
    pub name: String,
    pub demo: bool,
    pub situation: Option<String>,
}
