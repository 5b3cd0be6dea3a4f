//! Commitment templates (信用承诺书) as data: one JSON file per template under `crates/core/templates/`,
//! embedded at compile time, resolved against a shared library of standard fields and clauses
//! (`_common.json`). A template pins its text with `text_sha256`, the SHA-256 of its blank rendering.

mod field;
mod render;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use crate::calendar::Date;
pub use field::{is_blank, ChoiceOption, Condition, FieldIssue, FieldIssueCode, FieldSpec, FieldType};
pub use render::{blank_text, render_values, text_sha256, Rendered};

/// A text in Simplified Chinese (authoritative) and English (courtesy translation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// The language of a rendering.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Lang {
    #[default]
    #[serde(rename = "zh-CN")]
    Zh,
    #[serde(rename = "en")]
    En,
}

/// Kinds of commitment (国办发〔2019〕35号, GB/T 46277-2025).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
        };
        match lang {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }
}

/// A resolved template, as served and signed against.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Template {
    pub id: String,
    pub version: String,
    pub kind: TemplateKind,
    /// Application field (应用领域), e.g. 纳税服务.
    pub field: Text,
    pub title: Text,
    pub departments: Vec<Text>,
    /// Whether the responsible departments were confirmed against a published source.
    pub departments_confirmed: bool,
    pub legal_basis: Vec<Text>,
    pub effective_from: Date,
    pub effective_to: Option<Date>,
    pub fields: Vec<FieldSpec>,
    pub preamble: Text,
    pub clauses: Vec<Text>,
    pub closing: Text,
    pub text_sha256: String,
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

/// Errors finding a template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    #[error("没有编号为 {0:?} 的承诺书模板 / no commitment template with id {0:?}")]
    UnknownTemplate(String),
    #[error("模板 {id:?} 没有版本 {version:?}（现有：{known}）/ template {id:?} has no version {version:?} (known: {known})")]
    UnknownVersion { id: String, version: String, known: String },
}

// --- the files -------------------------------------------------------------------------------------

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CommonFile {
    fields: BTreeMap<String, FieldSpecFile>,
    clauses: BTreeMap<String, Text>,
}

/// A field in a template file: a full definition, or `use` of a standard field with overrides.
#[derive(Deserialize, Default, Clone)]
#[serde(deny_unknown_fields)]
struct FieldSpecFile {
    #[serde(rename = "use")]
    uses: Option<String>,
    id: Option<String>,
    #[serde(rename = "type")]
    kind: Option<FieldType>,
    label: Option<Text>,
    help: Option<Text>,
    required: Option<bool>,
    required_if: Option<Condition>,
    min_len: Option<u32>,
    max_len: Option<u32>,
    options: Option<Vec<ChoiceOption>>,
    min: Option<f64>,
    max: Option<f64>,
    not_future: Option<bool>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum ClauseFile {
    Use {
        #[serde(rename = "use")]
        uses: String,
    },
    Inline(Text),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TemplateFile {
    id: String,
    version: String,
    kind: TemplateKind,
    field: Text,
    title: Text,
    departments: Vec<Text>,
    departments_confirmed: bool,
    legal_basis: Vec<Text>,
    effective_from: Date,
    effective_to: Option<Date>,
    fields: Vec<FieldSpecFile>,
    preamble: Text,
    clauses: Vec<ClauseFile>,
    closing: Text,
    text_sha256: String,
}

include!(concat!(env!("OUT_DIR"), "/templates.rs"));

fn resolve_field(file: &FieldSpecFile, common: &CommonFile) -> Result<FieldSpec, String> {
    let base = match &file.uses {
        Some(name) => common.fields.get(name).ok_or(format!("unknown standard field {name:?}"))?.clone(),
        None => FieldSpecFile::default(),
    };
    let id = file.id.clone().or(file.uses.clone()).ok_or("field without id or use")?;
    let spec = FieldSpec {
        kind: file.kind.or(base.kind).ok_or(format!("field {id:?} has no type"))?,
        label: file.label.clone().or(base.label).ok_or(format!("field {id:?} has no label"))?,
        help: file.help.clone().or(base.help),
        required: file.required.or(base.required).unwrap_or(false),
        required_if: file.required_if.clone().or(base.required_if),
        min_len: file.min_len.or(base.min_len),
        max_len: file.max_len.or(base.max_len),
        options: file.options.clone().or(base.options).unwrap_or_default(),
        min: file.min.or(base.min),
        max: file.max.or(base.max),
        not_future: file.not_future.or(base.not_future).unwrap_or(false),
        id,
    };
    spec.check()?;
    Ok(spec)
}

fn resolve(file: TemplateFile, common: &CommonFile) -> Result<Template, String> {
    let fields = file.fields.iter().map(|f| resolve_field(f, common)).collect::<Result<Vec<_>, _>>()?;
    let clauses = file
        .clauses
        .into_iter()
        .map(|clause| match clause {
            ClauseFile::Inline(text) => Ok(text),
            ClauseFile::Use { uses } => common.clauses.get(&uses).cloned().ok_or(format!("unknown clause {uses:?}")),
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut template = Template {
        id: file.id,
        version: file.version,
        kind: file.kind,
        field: file.field,
        title: file.title,
        departments: file.departments,
        departments_confirmed: file.departments_confirmed,
        legal_basis: file.legal_basis,
        effective_from: file.effective_from,
        effective_to: file.effective_to,
        fields,
        preamble: file.preamble,
        clauses,
        closing: file.closing,
        text_sha256: String::new(),
    };
    render::check_placeholders(&template)?;
    let computed = text_sha256(&template);
    if computed != file.text_sha256 {
        return Err(format!("text_sha256 is {:?} but the text hashes to {computed:?}", file.text_sha256));
    }
    template.text_sha256 = computed;
    Ok(template)
}

struct Catalogue {
    templates: Vec<Template>,
    errors: Vec<String>,
}

fn catalogue() -> &'static Catalogue {
    static CATALOGUE: OnceLock<Catalogue> = OnceLock::new();
    CATALOGUE.get_or_init(|| {
        let mut templates = Vec::new();
        let mut errors = Vec::new();
        let common: CommonFile = match serde_json::from_str(COMMON_FILE) {
            Ok(common) => common,
            Err(e) => {
                return Catalogue { templates, errors: vec![format!("_common.json: {e}")] };
            }
        };
        for (name, text) in TEMPLATE_FILES {
            match serde_json::from_str::<TemplateFile>(text)
                .map_err(|e| e.to_string())
                .and_then(|f| resolve(f, &common))
            {
                Ok(template) => templates.push(template),
                Err(e) => errors.push(format!("{name}: {e}")),
            }
        }
        templates.sort_by(|a, b| (a.kind as u8, &a.id, &a.version).cmp(&(b.kind as u8, &b.id, &b.version)));
        Catalogue { templates, errors }
    })
}

/// Every embedded template, every version.
pub fn all() -> &'static [Template] {
    &catalogue().templates
}

/// Problems found loading the embedded files (empty in a correct build; a unit test checks it).
pub fn load_errors() -> &'static [String] {
    &catalogue().errors
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
                known: versions.iter().map(|t| t.version.as_str()).collect::<Vec<_>>().join(", "),
            })
        }
        None => versions
            .into_iter()
            .max_by_key(|t| version_key(&t.version))
            .ok_or_else(|| TemplateError::UnknownTemplate(id.to_owned())),
    }
}

/// `1.10.0` sorts after `1.9.0`.
fn version_key(version: &str) -> Vec<u64> {
    version.split('.').map(|part| part.parse().unwrap_or(0)).collect()
}

#[cfg(test)]
mod tests;
