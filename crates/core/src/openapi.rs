//! Schemas for the types whose JSON is written by hand (`impl Serialize`), for the server's OpenAPI document.
//! Each mirrors its `serialize` exactly; `openapi_document_matches_the_json` in the server checks them against
//! real answers.

use std::borrow::Cow;

use utoipa::openapi::schema::{KnownFormat, ObjectBuilder, OneOfBuilder, SchemaFormat, SchemaType, Type};
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use crate::calendar::Date;
use crate::code::{CodeKind, CodeReport, Issue, Parts, RegionName, Suggestion};
use crate::repair::rules::{Confidence, Regime};
use crate::template::{FieldIssue, Text};

/// The schema of `$json`, a struct written like `$type`'s hand-made JSON, stands for `$type`.
macro_rules! shaped_as {
    ($type:ty, $json:ty) => {
        impl PartialSchema for $type {
            fn schema() -> RefOr<Schema> {
                <$json as PartialSchema>::schema()
            }
        }
        impl ToSchema for $type {
            fn name() -> Cow<'static, str> {
                <$json as ToSchema>::name()
            }
            fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
                <$json as ToSchema>::schemas(schemas)
            }
        }
    };
}

impl PartialSchema for Date {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::Date)))
            .description(Some("公历日期 / a calendar date, YYYY-MM-DD"))
            .into()
    }
}
impl ToSchema for Date {}

impl PartialSchema for RegionName {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Null]))
            .description(Some("行政区划名称（GB/T 2260）；未知时为 null / the division's name, null when unknown"))
            .into()
    }
}
impl ToSchema for RegionName {}

/// `CodeReport` as serialised: the suggestions twice (codes, then details) and the kind's labels.
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(as = CodeReport)]
struct CodeReportJson {
    input: String,
    normalized: String,
    kind: CodeKind,
    kind_label_zh: String,
    kind_label_en: String,
    valid: bool,
    errors: Vec<Issue>,
    warnings: Vec<Issue>,
    suggestions: Vec<String>,
    suggestion_details: Vec<Suggestion>,
    #[schema(required = false)]
    parts: Parts,
}

shaped_as!(CodeReport, CodeReportJson);

/// `Regime` as serialised: its identity and dates, not its period table.
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(as = Regime)]
struct RegimeJson {
    id: String,
    name: Text,
    from: Date,
    to: Option<Date>,
    confidence: Confidence,
}

shaped_as!(Regime, RegimeJson);

/// A code's issue as serialised: its code word, where, and the message in each language.
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(as = Issue)]
struct IssueJson {
    code: String,
    #[schema(required = false)]
    position: usize,
    message_zh: String,
    message_en: String,
}
shaped_as!(Issue, IssueJson);

/// A form field's issue as serialised.
#[allow(dead_code)]
#[derive(ToSchema)]
#[schema(as = FieldIssue)]
struct FieldIssueJson {
    field: String,
    code: String,
    message_zh: String,
    message_en: String,
}
shaped_as!(FieldIssue, FieldIssueJson);

/// A rule as a finding cites it (`repair::evaluate::rule_ref`): which rule, from where, how sure; not its text.
#[allow(dead_code)]
#[derive(ToSchema)]
pub(crate) struct RuleRef {
    id: String,
    title: Text,
    source: String,
    confidence: Confidence,
}

/// `Parts`, one kind of code each. The kinds share member names, so each allows no other members: otherwise a
/// credit code's parts would also read as an organisation code's (`oneOf` must match exactly one).
impl PartialSchema for Parts {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(UsccParts::schema())
            .item(OrgCodeParts::schema())
            .item(RegNo15Parts::schema())
            .item(ResidentIdParts::schema())
            .into()
    }
}
impl ToSchema for Parts {
    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        schemas.push((RegionName::name().into_owned(), RegionName::schema()));
    }
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
struct UsccParts {
    authority: char,
    authority_name_zh: String,
    authority_name_en: String,
    org_type: char,
    org_type_name_zh: String,
    org_type_name_en: String,
    region: String,
    region_name: RegionName,
    org_code: String,
    check: char,
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
struct OrgCodeParts {
    org_code: String,
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
struct RegNo15Parts {
    region: String,
    region_name: RegionName,
}

#[allow(dead_code)]
#[derive(ToSchema)]
#[serde(deny_unknown_fields)]
struct ResidentIdParts {
    region: String,
    region_name: RegionName,
    birth_date: String,
    sex: String,
}
