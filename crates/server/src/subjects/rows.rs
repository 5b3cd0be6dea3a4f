//! Subjects as the store keeps them.

use xinnuo_core::status::Profile;
use xinnuo_core::wire::Situation;

/// A subject as stored: its profile and, for demo data, the situation it shows (in Chinese and English).
#[derive(Debug, Clone)]
pub struct StoredSubject {
    pub profile: Profile,
    pub situation: Situation,
}

#[derive(Debug, Clone)]
pub struct SubjectRow {
    pub credit_code: String,
    pub name: String,
    pub demo: bool,
    pub situation: Situation,
}
