//! Commitment templates (信用承诺书) as data: one JSON file per template under `crates/core/templates/`,
//! resolved at build time against a shared library of standard fields and clauses (`_common.json`) and
//! compiled in as Rust statics (build.rs), so no build parses them at run time. A template pins its text
//! with `text_sha256`, the SHA-256 of its blank rendering: every template is checked ([`load_errors`]) by the
//! tests, by `cargo xtask build` (through `xinnuo-server check-data`) and by the server before it serves.

mod field;
mod model;
mod render;
mod text;

use std::borrow::Cow;
use std::sync::OnceLock;

use crate::calendar::Date;
pub use field::{is_blank, ChoiceOption, Condition, FieldIssue, FieldIssueCode, FieldSpec, FieldType};
pub use model::{Signer, Summary, Template, TemplateKind};
pub use render::{blank_text, render_values, text_sha256, Rendered};
pub use text::{DataList, DataStr, Text};

pub use crate::lang::Lang;

/// A text of the compiled-in index (see [`IndexEntry`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StaticText {
    pub zh: &'static str,
    pub en: &'static str,
}

impl StaticText {
    pub fn get(self, lang: Lang) -> &'static str {
        match lang {
            Lang::Zh => self.zh,
            Lang::En => self.en,
        }
    }
}

/// What lists and filters show of a template: one entry per id, from its newest version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexEntry {
    pub id: &'static str,
    pub kind: TemplateKind,
    pub title: StaticText,
    pub departments: &'static [StaticText],
}

include!(concat!(env!("OUT_DIR"), "/template-index.rs"));

/// Every template id in the catalogue's order, compiled in as Rust statics by build.rs: a page that only
/// lists or filters commitments leaves the templates themselves (and the code reading them) out of its build.
pub fn index() -> &'static [IndexEntry] {
    INDEX
}

/// Errors finding a template.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TemplateError {
    UnknownTemplate(String),
    UnknownVersion { id: String, version: String, known: String },
}

impl crate::error::Described for TemplateError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownTemplate(_) => "unknown_template",
            Self::UnknownVersion { .. } => "unknown_template_version",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::UnknownTemplate(id) => crate::error::in_lang(
                lang,
                format_args!("没有编号为 {id:?} 的承诺书模板"),
                format_args!("no commitment template with id {id:?}"),
            ),
            Self::UnknownVersion { id, version, known } => crate::error::in_lang(
                lang,
                format_args!("模板 {id:?} 没有版本 {version:?}（现有：{known}）"),
                format_args!("template {id:?} has no version {version:?} (known: {known})"),
            ),
        }
    }
}
crate::error::display_in_chinese!(TemplateError);

// `static TEMPLATES: &[Template]`, written by build.rs.
include!(concat!(env!("OUT_DIR"), "/templates.rs"));

/// A template must have valid field rules, known placeholders, and the text its hash pins.
fn check(template: &Template) -> Result<(), String> {
    for field in template.fields.iter() {
        field.check()?;
    }
    render::check_placeholders(template)?;
    let computed = text_sha256(template);
    if computed != template.text_sha256 {
        return Err(format!("text_sha256 is {:?} but the text hashes to {computed:?}", template.text_sha256));
    }
    Ok(())
}

/// Every embedded template, every version, in the catalogue's order (kind, id, version).
pub fn all() -> &'static [Template] {
    TEMPLATES
}

/// What is wrong with the embedded templates (empty in a correct build: the tests and `cargo xtask build`
/// require it).
pub fn load_errors() -> &'static [String] {
    static ERRORS: OnceLock<Vec<String>> = OnceLock::new();
    ERRORS.get_or_init(|| {
        all().iter().filter_map(|t| check(t).err().map(|e| format!("{}@{}: {e}", t.id, t.version))).collect()
    })
}

/// A template by id and version; without a version, the newest one (by version order).
pub fn get(id: &str, version: Option<&str>) -> Result<&'static Template, TemplateError> {
    let versions: Vec<&Template> = all().iter().filter(|t| t.id == id).collect();
    if versions.is_empty() {
        return Err(TemplateError::UnknownTemplate(id.chars().take(80).collect()));
    }
    match version {
        Some(version) => {
            versions.iter().find(|t| t.version == version).copied().ok_or_else(|| TemplateError::UnknownVersion {
                id: id.to_owned(),
                version: version.chars().take(40).collect(),
                known: versions.iter().map(|t| &*t.version).collect::<Vec<_>>().join(", "),
            })
        }
        None => versions
            .into_iter()
            .max_by_key(|t| version_key(&t.version))
            .ok_or_else(|| TemplateError::UnknownTemplate(id.to_owned())),
    }
}

/// The newest version of `id` in force on `on` (a revised template replaces the old one from its
/// `effective_from`; the old one still verifies what was signed under it); the newest version when none is.
pub fn get_in_force(id: &str, on: Date) -> Result<&'static Template, TemplateError> {
    all()
        .iter()
        .filter(|t| t.id == id && t.in_force_on(on))
        .max_by_key(|t| version_key(&t.version))
        .map_or_else(|| get(id, None), Ok)
}

/// `1.10.0` sorts after `1.9.0`.
fn version_key(version: &str) -> Vec<u64> {
    version.split('.').map(|part| part.parse().unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests;
