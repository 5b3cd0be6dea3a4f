//! Commitment templates (信用承诺书) as data: one JSON file per template under `crates/core/templates/`,
//! resolved at build time against a shared library of standard fields and clauses (`_common.json`) and
//! compiled in as Rust statics (build.rs), so no build parses them at run time. A template pins its text
//! with `text_sha256`, the SHA-256 of its blank rendering: every template is checked ([`load_errors`]) by the
//! tests, by `cargo xtask build` (through `xinnuo-server check-data`) and by the server before it serves.

mod field;
mod render;

use std::borrow::Cow;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
pub use field::{is_blank, ChoiceOption, Condition, FieldIssue, FieldIssueCode, FieldSpec, FieldType};
pub use render::{blank_text, render_values, text_sha256, Rendered};

/// A string of the compiled-in data (templates, rules): borrowed from the program's own bytes where build.rs
/// wrote it as a static, owned where made at run time.
pub type DataStr = Cow<'static, str>;

/// A list of the compiled-in data, likewise.
pub type DataList<T> = Cow<'static, [T]>;

fn no_text(text: &DataStr) -> bool {
    text.is_empty()
}

fn none_listed<T: Clone>(list: &DataList<T>) -> bool {
    list.is_empty()
}

/// A text in Simplified Chinese (authoritative) and English (courtesy translation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub zh: DataStr,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub en: DataStr,
}

impl Text {
    pub fn new(zh: impl Into<DataStr>, en: impl Into<DataStr>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

pub use crate::lang::Lang;

/// Kinds of commitment (国办发〔2019〕35号, GB/T 46277-2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    /// 审批替代型 / 行业领域承诺 in a pilot field.
    Field,
    /// 证明事项告知承诺.
    Notification,
    /// 主动型（自愿）公示承诺.
    Voluntary,
    /// 行业自律型.
    Industry,
    /// 信用修复型.
    Repair,
    /// 投资项目承诺制.
    Investment,
    /// 容缺受理: accepted with materials missing, on the promise to supply them by a date.
    Deferred,
}

impl TemplateKind {
    pub fn label(self, lang: Lang) -> &'static str {
        let (zh, en) = match self {
            Self::Field => ("行业领域承诺", "Field commitment"),
            Self::Notification => ("证明事项告知承诺", "Commitment instead of a certificate"),
            Self::Voluntary => ("主动公示承诺", "Voluntary public commitment"),
            Self::Industry => ("行业自律承诺", "Industry self-discipline commitment"),
            Self::Repair => ("信用修复承诺", "Credit-repair commitment"),
            Self::Investment => ("投资项目承诺", "Investment-project commitment"),
            Self::Deferred => ("容缺受理承诺", "Commitment to supply missing materials"),
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// Who signs a template: an organisation (本单位, identified by its credit code) or a natural person (本人,
/// by name and resident ID number, both personal data).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Signer {
    #[default]
    Entity,
    Person,
}

impl Signer {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Entity => lang.pick("单位", "organisation"),
            Self::Person => lang.pick("个人", "individual"),
        }
    }
}

/// A resolved template, as served and signed against.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Template {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: DataStr,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub version: DataStr,
    pub kind: TemplateKind,
    #[serde(default)]
    pub signer: Signer,
    /// Application field (应用领域), e.g. 纳税服务.
    pub field: Text,
    pub title: Text,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Text>))]
    pub departments: DataList<Text>,
    /// Whether the responsible departments were confirmed against a published source.
    pub departments_confirmed: bool,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Text>))]
    pub legal_basis: DataList<Text>,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    /// What this version changed and on what authority, and where a date rests on less than a source says
    /// (版本说明). Not part of the signed text.
    #[serde(default, skip_serializing_if = "none_listed")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Text>))]
    pub notes: DataList<Text>,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<FieldSpec>))]
    pub fields: DataList<FieldSpec>,
    pub preamble: Text,
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<Text>))]
    pub clauses: DataList<Text>,
    pub closing: Text,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub text_sha256: DataStr,
}

impl Template {
    pub fn field_spec(&self, id: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// Whether the template may be used on `date`.
    pub fn in_force_on(&self, date: Date) -> bool {
        self.effective_from <= date && self.effective_to.is_none_or(|to| date <= to)
    }
}

/// A template in a list (`listTemplates()`, `GET /api/v1/templates`): one wire shape for both.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = TemplateSummary))]
pub struct Summary<'a> {
    pub id: &'a str,
    pub version: &'a str,
    pub kind: TemplateKind,
    pub kind_label: Text,
    pub signer: Signer,
    pub signer_label: Text,
    pub field: &'a Text,
    pub title: &'a Text,
    pub departments: &'a [Text],
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub text_sha256: &'a str,
}

impl Template {
    pub fn summary(&self) -> Summary<'_> {
        let kind = self.kind;
        let signer = self.signer;
        Summary {
            id: &self.id,
            version: &self.version,
            kind,
            kind_label: Text::new(kind.label(Lang::Zh), kind.label(Lang::En)),
            signer,
            signer_label: Text::new(signer.label(Lang::Zh), signer.label(Lang::En)),
            field: &self.field,
            title: &self.title,
            departments: &self.departments,
            effective_from: self.effective_from,
            effective_to: self.effective_to,
            text_sha256: &self.text_sha256,
        }
    }
}

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
