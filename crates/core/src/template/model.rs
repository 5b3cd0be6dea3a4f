//! A template: its kind, who signs it, its fields and clauses, and how lists show it.

use serde::{Deserialize, Serialize};

use super::field::FieldSpec;
use super::text::{none_listed, DataList, DataStr, Text};
use crate::calendar::Date;
use crate::lang::Lang;

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
