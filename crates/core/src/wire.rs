//! Answers that more than one side reads or writes, defined once as serde types: the server sends them, the
//! app reads them (from the API or from the files of a static site), and `export-static` writes the same
//! shapes. The signed documents and proofs inside (`envelope`, `receipt`) stay JSON values: they are verified as
//! given, never re-serialised.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::calendar::{Date, YearSource};
use crate::deadline::Deadline;
use crate::decision::{Action, CommitmentState, IdentityCheck, ObjectionState, Outcome, RepairState, Role};
use crate::enrolment::EnrolmentStatus;
use crate::error::Described;
use crate::lang::Lang;
use crate::public_log::LoggedEntry;
use crate::receipt::KeyStatus;
use crate::repair::Evaluation;
use crate::status::{Profile, Record};
use crate::template::FieldIssue;
use crate::template::Text;
use crate::tier::{Summary, Tier};
use crate::workflow::Offer;

/// One reason something was refused, as every side gives it: the package throws it and lists it
/// (`errors[]`), the key worker rejects with it, a problem's `errors[]` itemises with it, and the app reads it.
/// `code` is the stable word of `error::Described` (the same as the problem type's last part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorItem {
    // Read leniently (a proxy's or an older server's problem may lack a member); always written whole.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub code: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub message_zh: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub message_en: String,
    /// The form field it is about (a commitment's invalid field), when it is about one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub field: Option<String>,
}

impl ErrorItem {
    pub fn new(code: impl Into<String>, message_zh: impl Into<String>, message_en: impl Into<String>) -> Self {
        Self { code: code.into(), message_zh: message_zh.into(), message_en: message_en.into(), field: None }
    }

    pub fn of(error: &impl Described) -> Self {
        Self::new(error.code(), error.message(Lang::Zh), error.message(Lang::En))
    }

    /// The message in `lang` (the other language's where it lacks one).
    pub fn message(&self, lang: Lang) -> &str {
        either(lang.pick(&self.message_zh, &self.message_en), lang.pick(&self.message_en, &self.message_zh))
    }
}

impl From<&FieldIssue> for ErrorItem {
    fn from(issue: &FieldIssue) -> Self {
        Self {
            field: Some(issue.field.clone()),
            ..Self::new(issue.code.name(), issue.message(Lang::Zh), issue.message(Lang::En))
        }
    }
}

/// An RFC 9457 problem as the server answers every refusal (`application/problem+json`): the title and
/// detail in both languages, `errors` itemising the reasons where there are several.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Problem))]
pub struct ProblemDetails {
    /// `urn:xinnuo:problem:{code}`; the code is the same word as the package's `errors[].code`.
    #[serde(rename = "type")]
    #[cfg_attr(feature = "openapi", schema(pattern = "^urn:xinnuo:problem:[a-z0-9_]+$"))]
    pub problem_type: String,
    /// zh-CN.
    pub title: String,
    // Read leniently (a proxy's or an older server's problem may lack them); the server always writes them.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub title_en: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub status: u16,
    /// English.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub detail: String,
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub detail_zh: String,
    /// Itemised reasons (one per invalid field, or what blocks a repair), when there are several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(required = false))]
    pub errors: Vec<ErrorItem>,
}

impl ProblemDetails {
    pub const TYPE_PREFIX: &'static str = "urn:xinnuo:problem:";

    /// The stable code: the type's last part.
    pub fn code(&self) -> &str {
        self.problem_type.strip_prefix(Self::TYPE_PREFIX).unwrap_or(&self.problem_type)
    }

    pub fn title(&self, lang: Lang) -> &str {
        either(lang.pick(&self.title, &self.title_en), &self.title)
    }

    pub fn detail(&self, lang: Lang) -> &str {
        either(lang.pick(&self.detail_zh, &self.detail), lang.pick(&self.detail, &self.detail_zh))
    }
}

/// `first` unless it is empty.
fn either<'a>(first: &'a str, otherwise: &'a str) -> &'a str {
    if first.is_empty() {
        otherwise
    } else {
        first
    }
}

/// `GET /healthz`: the process answers and its database can be read.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Health {
    pub status: String,
    pub version: String,
    pub schema_version: i64,
}

/// One of the server's public keys as published (`GET /api/v1/server-keys`, a static site's
/// `server-keys.json`); retired keys stay listed so old receipts keep verifying.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerKeyView {
    pub kid: String,
    pub fingerprint: String,
    pub jwk: Value,
    pub created_at: String,
    pub retired_at: Option<String>,
    pub current: bool,
    /// The public log's verifier key (C2SP signed-note: `<origin>+<key id>+<base64 key>`) for the checkpoints
    /// signed while this key was current.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub log_key: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ServerKeys {
    pub keys: Vec<ServerKeyView>,
    /// The witnesses the log asks to cosign its checkpoints (their verifier keys, C2SP vkeys).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub witnesses: Vec<String>,
    /// How many of them cosign a checkpoint before `/log/checkpoint` serves it.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub witness_quorum: u32,
}

fn is_zero(value: &u32) -> bool {
    *value == 0
}

/// The years whose holidays are known and, for those added after the build, their schedules (for the app to
/// add before computing): `GET /api/v1/holidays`, a static site's `holidays.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Holidays {
    pub years: Vec<YearSource>,
    pub schedules: Vec<Value>,
}

/// A key and its enrolments (`GET /api/v1/keys/{kid}`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct KeyView {
    pub kid: String,
    pub fingerprint: String,
    pub enrolments: Vec<EnrolmentView>,
}

/// What an operator's approval or revocation did, with the register's name to compare with the claimed one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentDecision {
    pub enrolment: EnrolmentView,
    /// The subject's name as imported (登记名称).
    pub registry_name: Option<String>,
}

/// One approval or revocation as recorded: who, when, what.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminAction {
    pub id: i64,
    pub at: String,
    pub actor: String,
    pub action: String,
    pub kid: String,
    pub credit_code: String,
    pub reason: Option<String>,
}

/// `GET /api/v1/admin/actions`: newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AdminLog {
    pub actions: Vec<AdminAction>,
}

/// The answer to a repair application: its receipt, the record and the channel it was recorded for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepairReceipt {
    #[serde(flatten)]
    pub receipt: ReceiptAnswer,
    pub record_id: String,
    pub channel: Option<Text>,
}

/// A 双公示 publication deadline (`GET /api/v1/deadlines`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = PublicationDeadline))]
pub struct PublicationDeadline {
    pub decided_on: Date,
    pub working_days: u32,
    pub deadline: Date,
    pub source: String,
}

/// A subject's commitments, newest first (`GET /api/v1/subjects/{code}/commitments`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectCommitments {
    pub credit_code: String,
    pub commitments: Vec<PublishedCommitment>,
}

/// What the operator sees of a commitment: the signed file with its disclosures, as the enterprise signed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DisclosedCommitment {
    pub submission_id: String,
    pub credit_code: String,
    pub signed_file: Value,
}

/// A page of subjects: `GET /api/v1/subjects`, and a static site's `data/subjects/index.json` (all of them,
/// with the day it was generated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectList {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub subjects: Vec<SubjectListItem>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectListItem {
    pub credit_code: String,
    pub name: String,
    pub demo: bool,
    /// A demo subject's one line: the situation it stands for, in Chinese.
    pub situation: Option<String>,
    /// The same line in English, where the data gives one (the demo set does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub situation_en: Option<String>,
    /// The summary tier today (`None` where the subject's records could not be read).
    pub tier: Option<Tier>,
    #[serde(default)]
    pub tier_name: Option<Text>,
}

/// A demo subject's one line, in Chinese and, where the data gives one, in English (the wire's `situation`
/// and `situation_en`); none for real subjects.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Situation {
    pub zh: Option<String>,
    pub en: Option<String>,
}

/// A subject's credit status: `GET /api/v1/subjects/{code}`, and a static site's `data/subjects/{code}.json`.
/// The server computes the summary tier and the repair evaluations for callers without the core; the app
/// computes them itself with the core (the same functions), so they are written but never read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubjectView {
    /// The day it was evaluated for.
    pub on: Date,
    /// A demo subject's one line: the situation it stands for, in Chinese.
    pub situation: Option<String>,
    /// The same line in English, where the data gives one (the demo set does).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub situation_en: Option<String>,
    pub profile: Profile,
    #[serde(default, deserialize_with = "computed_by_the_reader")]
    #[cfg_attr(feature = "openapi", schema(required = true, nullable = false))]
    pub summary: Option<Summary>,
    #[serde(default, deserialize_with = "computed_by_the_reader")]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub evaluations: Vec<Evaluation>,
    /// Its repair applications and where each stands (修复审核中 / 已修复 / 修复未通过; a static site has none).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub repair_applications: Vec<RepairApplicationView>,
    /// Its objections (异议处理中 / 异议成立 / 异议不成立): public, so without the grounds.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(required = true))]
    pub objections: Vec<PublicObjection>,
}

impl SubjectView {
    /// A subject's credit status on `on`, as the API answers it and a static site publishes it: the summary
    /// tier and each record's repair evaluation (records decided after `on` are not yet known then).
    pub fn of(
        profile: Profile,
        situation: Situation,
        repair_applications: Vec<RepairApplicationView>,
        objections: Vec<PublicObjection>,
        on: Date,
    ) -> Result<Self, crate::status::RecordError> {
        let records = &profile.records;
        let evaluations = records
            .iter()
            .filter(|r| r.decided_on <= on)
            .map(|r| crate::repair::evaluate(r, records, on))
            .collect::<Result<Vec<_>, _>>()?;
        let summary = crate::tier::summarize(&profile, on);
        let Situation { zh: situation, en: situation_en } = situation;
        Ok(Self {
            on,
            situation,
            situation_en,
            profile,
            summary: Some(summary),
            evaluations,
            repair_applications,
            objections,
        })
    }
}

/// A credit report as issued (`GET /api/v1/subjects/{code}/report`, `GET /api/v1/reports/{report_no}`): the
/// signed file (what to download and hand on: a flattened JWS of `xinnuo.report/1`), the report it holds (as
/// signed, for display; the file is what counts) and its entry in the public log with the proof.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportAnswer {
    pub report_no: String,
    pub file: Value,
    pub report: crate::report::CreditReport,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub log: Option<LoggedEntry>,
}

impl ReportAnswer {
    /// The report file to keep and hand over: the signed report with its log entry beside it
    /// ([`crate::report::file_with_log`]).
    pub fn file_with_log(&self) -> String {
        crate::report::file_with_log(&self.file, self.log.as_ref())
    }
}

/// Reads past a member the reader computes itself with the core (it holds references into the compiled rule
/// book, so it is written, never read back).
fn computed_by_the_reader<'de, D: serde::Deserializer<'de>, T: Default>(deserializer: D) -> Result<T, D::Error> {
    serde::de::IgnoredAny::deserialize(deserializer)?;
    Ok(T::default())
}

/// What a submitter is answered (201 new, 200 the same submission again): the receipt and,
/// unproved, what it says. Only the `receipt` counts (with `log`, checked too); the other members repeat it for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReceiptAnswer {
    pub submission_id: String,
    pub sequence: u64,
    pub received_at: String,
    pub key_status: KeyStatus,
    pub key_status_label_zh: String,
    pub key_status_label_en: String,
    /// The receipt: the submission's public-log entry with its inclusion proof and the batch's signed checkpoint
    /// (`{entry, proof}`, C2SP tlog-proof), checked against the log key `GET /api/v1/server-keys` lists; a
    /// submission stored before receipts were log entries keeps its receipt signed alone (a JWS).
    pub receipt: Value,
    /// Its entry in the public log, with the inclusion proof and the signed checkpoint (C2SP tlog-proof):
    /// verify it against the log key of `GET /api/v1/server-keys`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub log: Option<LoggedEntry>,
}

/// A commitment as published — in the 信用承诺 column, a subject's list, `GET /api/v1/commitments/{id}` and a
/// static site's `publications.json`: the signed JWS (personal values only as salted digests), its receipt,
/// masks of the personal values, and labels for people. Never a personal value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedCommitment {
    pub sequence: u64,
    pub submission_id: String,
    pub credit_code: String,
    pub template_id: String,
    pub template_version: String,
    pub signer_kid: String,
    pub signed_at: String,
    pub received_at: String,
    pub key_status: KeyStatus,
    /// Where it stands, moved on by the department's signed decisions.
    pub state: CommitmentState,
    /// `null` for commitments signed before personal values were digests (their payload would publish them).
    pub envelope: Value,
    pub receipt: Value,
    /// Masks of the personal values (`110105********002X`), for display beside the JWS.
    #[serde(default)]
    pub masked: Value,
    pub subject_name: String,
    /// The department it was made to, as signed; `None` for those signed before the choice was signed.
    pub department: Option<String>,
    pub title_zh: String,
    pub title_en: String,
    pub signer_fingerprint: String,
    pub key_status_label_zh: String,
    pub key_status_label_en: String,
    pub status_label_zh: String,
    pub status_label_en: String,
    /// The departments it is made to, for people: as signed, else (older signatures) its template's, joined by 、.
    #[serde(default)]
    pub department_name: String,
    /// The departments that decide it (the one chosen and signed; for an older commitment, its template's).
    #[serde(default)]
    pub departments: Vec<String>,
    /// The department's deadline for its next step (受理 while submitted, 核查 while in force).
    #[serde(default)]
    pub deadline: Option<Deadline>,
    /// The signer's key for this credit code now (`key_status` is what it was on receipt).
    #[serde(default)]
    pub signer_standing: Option<KeyStatus>,
    /// How the accepting officer identified the signer, if one did.
    #[serde(default)]
    pub identity_checked: Option<IdentityCheck>,
    /// Who signed, in a sentence: a verified key, a signer the department identified, or neither.
    #[serde(default)]
    pub signer_label_zh: String,
    #[serde(default)]
    pub signer_label_en: String,
    /// The subject's name in the register (the payload's name is what the signer typed); `None`: not in it.
    #[serde(default)]
    pub registry_name: Option<String>,
    /// Found broken, and the broken-commitment record that finding added was removed by an upheld objection:
    /// the id of the objection's decision (`#/decision/<id>`). The state stays `broken` (the finding was made
    /// and its signed decision stays public), but the finding no longer stands; see `public_state_label`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub finding_overturned_by: Option<String>,
}

/// Who signed a commitment, in a sentence for people: the key approved for its credit code, a signer the
/// accepting department identified (and how), or neither (the key's standing).
pub fn signer_label(standing: KeyStatus, identified: Option<IdentityCheck>) -> (String, String) {
    match (standing, identified) {
        (KeyStatus::Verified, _) => ("签署密钥已核验".into(), "signed with an approved key".into()),
        (_, Some(check)) => (
            format!("受理部门已核验签署人身份（{}）", check.label_zh()),
            format!("the signer was identified by the department ({})", check.label_en()),
        ),
        (standing, None) => (
            format!("{}，签署人身份未经核验", standing.label_zh()),
            format!("{}; the signer has not been identified", standing.label_en()),
        ),
    }
}

/// One commitment in the department's inbox (`GET /api/v1/dept/commitments`): as published, with the signed
/// file and its disclosures (the personal values, for the department only), its decisions so far, and what
/// the officer may decide on it now (the core's `workflow::actions` for their roles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeptCommitment {
    #[serde(flatten)]
    pub commitment: PublishedCommitment,
    pub signed_file: Value,
    #[serde(default)]
    pub decisions: Vec<PublishedDecision>,
    #[serde(default)]
    pub offers: Vec<Offer>,
    /// Whether its signer is known (`workflow::signer_known`): an approved key, or identified on acceptance.
    #[serde(default)]
    pub signer_known: bool,
}

/// A page of the department's commitments.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeptCommitmentInbox {
    pub department: String,
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub commitments: Vec<DeptCommitment>,
}

/// What the 信用承诺 column is filtered by: `GET /api/v1/publications`'s query, and the app's filter (which
/// filters a static site's `publications.json` itself). Empty: no filter; page 0 is the first.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
#[serde(default)]
pub struct PublicationQuery {
    /// A department's name (Chinese or English).
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub department: String,
    /// A template id.
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub template: String,
    /// A lifecycle state: submitted, returned, in_force, kept, broken or withdrawn.
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub state: String,
    /// A name or credit code, or part of one.
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub q: String,
    #[cfg_attr(feature = "openapi", param(required = false))]
    pub page: u32,
    /// 1–100; 20 when not given.
    pub per_page: Option<u32>,
}

/// A filter of the 信用承诺 column that the catalogue does not know, dropped to "all" (and said so on the page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnknownFilter {
    Department(String),
    Template(String),
    State(String),
}

impl PublicationQuery {
    /// The departments the column filters by: every department a commitment template names, once each, in
    /// catalogue order (a repair application's "作出失信认定的单位" is none: it is never listed).
    pub fn departments() -> Vec<crate::template::StaticText> {
        let mut out: Vec<crate::template::StaticText> = Vec::new();
        for t in Self::templates() {
            for d in t.departments {
                if !out.iter().any(|known| known.zh == d.zh) {
                    out.push(*d);
                }
            }
        }
        out
    }

    /// The templates the column filters by: commitments only (a signed 信用修复承诺书 is a repair application,
    /// never listed in the column).
    pub fn templates() -> impl Iterator<Item = &'static crate::template::IndexEntry> {
        crate::template::index().iter().filter(|t| t.kind != crate::template::TemplateKind::Repair)
    }

    /// The query as the column applies it, so that what the filter boxes show is what the list is filtered
    /// by: a department by its Chinese name (its English name read as it), a commitment template of the
    /// catalogue, a known state. Anything else is dropped to "all" and returned, for the page to say so.
    pub fn applied(&self) -> (PublicationQuery, Vec<UnknownFilter>) {
        let mut applied = self.clone();
        let mut dropped = Vec::new();
        let department = self.department.trim();
        applied.department = String::new();
        if !department.is_empty() {
            match Self::departments().into_iter().find(|d| d.zh == department || d.en == department) {
                Some(known) => applied.department = known.zh.to_owned(),
                None => dropped.push(UnknownFilter::Department(department.to_owned())),
            }
        }
        let template = self.template.trim();
        applied.template = String::new();
        if !template.is_empty() {
            match Self::templates().find(|t| t.id == template) {
                Some(known) => applied.template = known.id.to_owned(),
                None => dropped.push(UnknownFilter::Template(template.to_owned())),
            }
        }
        let state = self.state.trim();
        applied.state = String::new();
        if !state.is_empty() {
            match CommitmentState::parse(state) {
                Some(known) => applied.state = known.as_str().to_owned(),
                None => dropped.push(UnknownFilter::State(state.to_owned())),
            }
        }
        applied.q = self.q.trim().to_owned();
        applied.page = self.page.max(1);
        (applied, dropped)
    }
}

/// A page of the 信用承诺 column: `GET /api/v1/publications`, and a static site's `data/publications.json`
/// (all of them, with the day it was generated).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicationList {
    pub total: u64,
    pub page: u32,
    pub per_page: u32,
    pub publications: Vec<PublishedCommitment>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub generated_on: Option<Date>,
}

impl PublishedCommitment {
    /// Where it stands, as the public reads it. A finding of breach whose record an upheld objection removed
    /// is not shown as 违诺 as if it stood: the public reads the column to learn whether an enterprise stands
    /// as having broken its word, and the objection established that the finding was wrong. Nor is it shown as
    /// 在诺 or 已履诺 — nobody decided that — so it reads "违诺认定已撤销" (the finding, withdrawn), and the
    /// column says why beside it with the objection's decision.
    pub fn public_state_label(&self) -> (&'static str, &'static str) {
        self.state.public_label(self.finding_overturned_by.is_some())
    }

    /// The published copy as a signed-file bundle: JWS, receipt and the masks to show.
    pub fn bundle_text(&self) -> String {
        serde_json::json!({ "commitment": self.envelope, "receipt": self.receipt, "masked": self.masked }).to_string()
    }
}

/// `GET /api/v1/commitments/{id}`: the commitment with every decision made on it, in order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommitmentDetail {
    #[serde(flatten)]
    pub commitment: PublishedCommitment,
    #[serde(default)]
    pub decisions: Vec<PublishedDecision>,
}

/// An officer's decision as published: the signed document and the server's receipt (both public, without
/// personal data), with labels for people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublishedDecision {
    pub decision_id: String,
    pub sequence: u64,
    /// The submission or application it decides on.
    pub target: String,
    pub action: Action,
    /// The state it led to.
    pub state: Outcome,
    pub officer_kid: String,
    pub department: String,
    pub reason: String,
    pub decided_at: String,
    pub received_at: String,
    pub envelope: Value,
    pub receipt: Value,
    pub action_label_zh: String,
    pub action_label_en: String,
    pub state_label_zh: String,
    pub state_label_en: String,
    pub officer_fingerprint: String,
    /// How the officer identified the commitment's signer (an `accept` of a key not approved for its code).
    #[serde(default)]
    pub identity_checked: Option<IdentityCheck>,
    #[serde(default)]
    pub identity_checked_label_zh: Option<String>,
    #[serde(default)]
    pub identity_checked_label_en: Option<String>,
    /// Its entry in the public log, with the inclusion proof and the signed checkpoint (C2SP tlog-proof), in
    /// the answers about this one item: verify it against the log key of `GET /api/v1/server-keys`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub log: Option<LoggedEntry>,
    /// Whom and what it concerns, in words, in the answer about this one decision (its page names the
    /// enterprise rather than showing `target`, a hash).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub concerns: Option<DecisionConcerns>,
}

/// The enterprise a decision concerns, and the commitment (its title) or the record (a repair application's
/// or an objection's) it is about; a key enrolment's names the credit code only.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionConcerns {
    pub credit_code: String,
    /// The name in the register, else the name signed; empty when neither is known.
    #[serde(default)]
    pub subject_name: String,
    /// A commitment's title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_zh: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title_en: Option<String>,
    /// The record a repair application or an objection is about.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<ConcernedRecord>,
}

/// A record as a person recognises it: its kind, the number of the decision that made it, who decided it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConcernedRecord {
    pub id: String,
    pub kind: crate::status::RecordKind,
    pub decision_no: String,
    pub authority: String,
}

/// A key's enrolment for one credit code, with labels (`POST /api/v1/keys`, `GET /api/v1/keys/{kid}`, the
/// approvals, and each item of the key officers' inbox).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentView {
    pub kid: String,
    pub credit_code: String,
    /// The name the enrolment claims (compare with the register's).
    pub subject_name: String,
    pub public_jwk: Value,
    pub status: EnrolmentStatus,
    pub enrolled_at: String,
    pub approved_at: Option<String>,
    pub revoked_at: Option<String>,
    pub revoke_reason: Option<String>,
    /// The id officers' decisions name it by: the SHA-256 of the signed request.
    pub request_id: Option<String>,
    pub fingerprint: String,
    pub status_label_zh: String,
    pub status_label_en: String,
}

/// A registered officer as the API shows them (their public key and roles).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OfficerView {
    pub kid: String,
    pub department: String,
    pub name: String,
    pub public_jwk: Value,
    pub added_at: String,
    pub revoked_at: Option<String>,
    #[serde(default)]
    pub roles: Vec<Role>,
}

/// `POST /api/v1/officer-sessions/challenge`: a one-time challenge to sign.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Challenge))]
pub struct SignInChallenge {
    pub challenge: String,
    pub expires_at: String,
}

/// `POST /api/v1/officer-sessions`: the bearer token and who it is for.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = Session))]
pub struct OfficerSession {
    pub token: String,
    pub expires_at: String,
    pub officer: OfficerView,
    pub officer_fingerprint: String,
}

/// A repair application as the subject's page shows it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RepairApplicationView {
    pub submission_id: String,
    pub record_id: String,
    pub state: RepairState,
    /// When it was received (UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_at: Option<String>,
    /// The deciding authority's reason (for a refusal, why).
    #[serde(default)]
    pub reason: String,
    /// The authority's deadline while it is under review.
    #[serde(default)]
    pub deadline: Option<Deadline>,
}

/// An objection as anyone sees it on the subject's page: states and dates, never the grounds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PublicObjection {
    pub objection_id: String,
    pub record_id: String,
    pub state: ObjectionState,
    pub state_label_zh: String,
    pub state_label_en: String,
    pub received_at: String,
    /// When it was decided.
    #[serde(default)]
    pub decided_at: Option<String>,
    /// The authority's reason, once decided.
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub deadline: Option<Deadline>,
    /// The authority's signed decision, once decided (published at `/api/v1/decisions/{id}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_id: Option<String>,
}

/// A repair application in its authority's inbox (谁认定、谁修复): the signed 信用修复承诺书 with its
/// disclosures, the record it asks to repair, the deadline and the decisions so far.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeptRepairApplication {
    pub submission_id: String,
    pub credit_code: String,
    pub subject_name: String,
    pub record_id: String,
    pub record: Record,
    pub state: RepairState,
    pub received_at: String,
    pub reason: String,
    pub state_label_zh: String,
    pub state_label_en: String,
    pub signed_file: Value,
    pub deadline: Option<Deadline>,
    pub decisions: Vec<PublishedDecision>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeptRepairInbox {
    pub department: String,
    pub repair_applications: Vec<DeptRepairApplication>,
}

/// An objection as its authority (and the enterprise that filed it) sees it: with the grounds, the signed
/// document and receipt, the record objected to, the deadline and the decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeptObjection {
    pub objection_id: String,
    pub sequence: u64,
    pub credit_code: String,
    pub record_id: String,
    /// The record's authority: it decides the objection.
    pub authority: String,
    pub grounds: String,
    pub signer_kid: String,
    pub envelope: Value,
    pub receipt: Value,
    pub state: ObjectionState,
    pub received_at: String,
    /// The deciding authority's reason, once decided.
    pub reason: String,
    pub decided_at: Option<String>,
    pub state_label_zh: String,
    pub state_label_en: String,
    pub signer_fingerprint: String,
    /// The record objected to, as it stands.
    pub record: Option<Record>,
    pub deadline: Option<Deadline>,
    pub decisions: Vec<PublishedDecision>,
    /// Its entry in the public log, with the inclusion proof and the signed checkpoint (C2SP tlog-proof), in
    /// the answers about this one item: verify it against the log key of `GET /api/v1/server-keys`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(feature = "openapi", schema(required = false, nullable = false))]
    pub log: Option<LoggedEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeptObjectionInbox {
    pub department: String,
    pub objections: Vec<DeptObjection>,
}

/// A key enrolment for officers who check keys: the register's name beside the claimed one, the decisions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeptEnrolment {
    #[serde(flatten)]
    pub enrolment: EnrolmentView,
    /// The name the registry has for the code, to compare with the name the enrolment claims.
    pub registry_name: Option<String>,
    pub decisions: Vec<PublishedDecision>,
    /// The other credit codes the same key is enrolled for: one key claiming several unrelated companies is
    /// worth checking before approving it.
    #[serde(default)]
    pub same_key_elsewhere: Vec<OtherEnrolment>,
}

/// Another enrolment of the same key, for another credit code.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OtherEnrolment {
    pub credit_code: String,
    /// The name that enrolment claims.
    pub subject_name: String,
    pub status: EnrolmentStatus,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DeptEnrolmentInbox {
    pub enrolments: Vec<DeptEnrolment>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A demo line's English: read where given, absent from what is written without it (older files and
    /// answers, real subjects), and carried by `SubjectView::of`.
    #[test]
    fn a_situation_in_english_is_optional_on_the_wire() {
        let item = json!({"credit_code": "91140105123456788F", "name": "山西示例", "demo": true, "situation": "守信：纳税信用 A",
            "tier": null});
        let older: SubjectListItem = serde_json::from_value(item.clone()).unwrap();
        assert_eq!(older.situation_en, None);
        assert!(serde_json::to_value(&older).unwrap().get("situation_en").is_none());
        let mut with_english = item;
        with_english["situation_en"] = json!("Trustworthy: tax credit A");
        let read: SubjectListItem = serde_json::from_value(with_english.clone()).unwrap();
        assert_eq!(read.situation_en.as_deref(), Some("Trustworthy: tax credit A"));
        assert_eq!(serde_json::to_value(&read).unwrap()["situation_en"], with_english["situation_en"]);

        let profile = crate::status::Profile::from_json(json!({"credit_code": "91140105123456788F",
            "name": "山西示例", "records": [], "grades": []}))
        .unwrap();
        let on = Date::parse("2026-12-07").unwrap();
        let situation =
            Situation { zh: Some("守信：纳税信用 A".into()), en: Some("Trustworthy: tax credit A".into()) };
        let view = SubjectView::of(profile.clone(), situation, Vec::new(), Vec::new(), on).unwrap();
        let text = serde_json::to_value(&view).unwrap();
        assert_eq!(
            (&text["situation"], &text["situation_en"]),
            (&json!("守信：纳税信用 A"), &json!("Trustworthy: tax credit A"))
        );
        let real = SubjectView::of(profile, Situation::default(), Vec::new(), Vec::new(), on).unwrap();
        let text = serde_json::to_value(&real).unwrap();
        assert!(text["situation"].is_null() && text.get("situation_en").is_none());
    }

    #[test]
    fn a_static_sites_index_and_the_apis_page_are_one_shape() {
        let item = json!({"credit_code": "91140105123456788F", "name": "山西示例", "demo": true, "situation": null,
            "tier": "attention", "tier_name": {"zh": "需关注", "en": "Needs attention"}});
        let from_api: SubjectList =
            serde_json::from_value(json!({"total": 1, "page": 1, "per_page": 20, "subjects": [item]})).unwrap();
        assert_eq!(from_api.generated_on, None);
        assert_eq!(from_api.subjects[0].tier, Some(Tier::Attention));
        // An index written before it carried tier names still reads.
        let older = json!({"total": 1, "page": 1, "per_page": 1, "generated_on": "2026-12-02",
            "subjects": [{"credit_code": "91140105123456788F", "name": "山西示例", "demo": true, "situation": null, "tier": null}]});
        let from_file: SubjectList = serde_json::from_value(older).unwrap();
        assert_eq!(from_file.generated_on, Date::parse("2026-12-02").ok());
        assert_eq!(from_file.subjects[0].tier_name, None);
        // The API's page carries no generation day.
        assert!(serde_json::to_value(&from_api).unwrap().get("generated_on").is_none());
    }

    #[test]
    fn the_column_applies_only_filters_the_catalogue_knows_and_says_which_it_dropped() {
        let tax = PublicationQuery::departments().into_iter().find(|d| d.zh == "国家税务总局山西省税务局").unwrap();
        let asked = PublicationQuery {
            department: format!(" {} ", tax.en),
            template: "tax-service".into(),
            state: "broken".into(),
            q: " 示例 ".into(),
            page: 0,
            per_page: None,
        };
        let (applied, dropped) = asked.applied();
        assert_eq!(dropped, []);
        assert_eq!(
            (applied.department.as_str(), applied.template.as_str(), applied.state.as_str(), applied.q.as_str()),
            ("国家税务总局山西省税务局", "tax-service", "broken", "示例")
        );
        assert_eq!(applied.page, 1);
        // Unknown values (and a repair application's template, never listed) fall back to "all", said.
        let asked = PublicationQuery {
            department: "作出失信认定的单位".into(),
            template: "credit-repair".into(),
            state: "pending".into(),
            ..PublicationQuery::default()
        };
        let (applied, dropped) = asked.applied();
        assert_eq!((applied.department.as_str(), applied.template.as_str(), applied.state.as_str()), ("", "", ""));
        assert_eq!(
            dropped,
            [
                UnknownFilter::Department("作出失信认定的单位".into()),
                UnknownFilter::Template("credit-repair".into()),
                UnknownFilter::State("pending".into())
            ]
        );
        assert!(PublicationQuery::templates().all(|t| t.kind != crate::template::TemplateKind::Repair));
        assert!(!PublicationQuery::departments().is_empty());
    }

    #[test]
    fn a_breach_finding_overturned_on_objection_does_not_read_as_a_breach() {
        let mut published: PublishedCommitment = serde_json::from_value(json!({
            "sequence": 1, "submission_id": "ab", "credit_code": "91140105123456788F", "template_id": "tax-service",
            "template_version": "1.0.0", "signer_kid": "k", "signed_at": "t", "received_at": "t",
            "key_status": "verified", "state": "broken", "envelope": null, "receipt": null, "subject_name": "示例",
            "department": null, "title_zh": "纳税服务信用承诺书", "title_en": "Tax", "signer_fingerprint": "f",
            "key_status_label_zh": "", "key_status_label_en": "", "status_label_zh": "违诺", "status_label_en": "broken"
        }))
        .unwrap();
        assert_eq!(published.public_state_label().0, "违诺");
        assert!(serde_json::to_value(&published).unwrap().get("finding_overturned_by").is_none());
        published.finding_overturned_by = Some("cd".repeat(32));
        assert_eq!(published.public_state_label(), ("违诺认定已撤销", "breach finding withdrawn"));
        published.state = CommitmentState::Kept;
        assert_eq!(published.public_state_label().0, "已履诺");
    }

    #[test]
    fn a_receipt_answer_needs_every_member_the_server_sends() {
        let answer = json!({"submission_id": "ab", "sequence": 3, "received_at": "2026-12-02T03:50:16Z",
            "key_status": "pending", "key_status_label_zh": "待核验", "key_status_label_en": "pending",
            "receipt": {"payload": "x"}});
        let read: ReceiptAnswer = serde_json::from_value(answer.clone()).unwrap();
        assert_eq!(serde_json::to_value(&read).unwrap(), answer, "read and written the same");
        let mut without_receipt = answer;
        without_receipt.as_object_mut().unwrap().remove("receipt");
        assert!(serde_json::from_value::<ReceiptAnswer>(without_receipt).is_err());
    }

    #[test]
    fn a_subject_view_reads_back_what_the_server_writes_and_leaves_the_computing_to_the_reader() {
        let profile = crate::status::Profile::from_json(json!({"credit_code": "91140105123456788F",
            "name": "山西示例", "records": [], "grades": []}))
        .unwrap();
        let on = Date::parse("2026-12-07").unwrap();
        let written = SubjectView {
            on,
            situation: None,
            situation_en: None,
            summary: Some(crate::tier::summarize(&profile, on)),
            profile,
            evaluations: Vec::new(),
            repair_applications: Vec::new(),
            objections: Vec::new(),
        };
        let text = serde_json::to_value(&written).unwrap();
        assert!(text["summary"]["tier"].is_string(), "the server's answer carries the tier for other callers");
        let read: SubjectView = serde_json::from_value(text).unwrap();
        assert_eq!(read.summary, None, "the reader computes it with the core");
        assert_eq!((read.on, &read.profile), (on, &written.profile));
    }

    #[test]
    fn one_error_object_for_a_refusal_a_field_and_a_problem() {
        let refusal = ErrorItem::of(&crate::envelope::EnvelopeError::BadSignature);
        assert_eq!(refusal.code, "bad_signature");
        assert!(refusal.message(Lang::Zh).contains("签名"), "{}", refusal.message_zh);
        assert!(serde_json::to_value(&refusal).unwrap().get("field").is_none(), "no field unless about one");
        let issue = FieldIssue { field: "phone".into(), code: crate::template::FieldIssueCode::Required };
        let item = ErrorItem::from(&issue);
        assert_eq!((item.field.as_deref(), item.code.as_str()), (Some("phone"), issue.code.name()));
        assert_eq!(serde_json::to_value(&item).unwrap(), serde_json::to_value(&issue).unwrap(), "the same members");
        let problem: ProblemDetails = serde_json::from_value(json!({"type": "urn:xinnuo:problem:invalid_fields",
            "title": "无法受理", "title_en": "Unprocessable content", "status": 422, "detail": "Fields", "detail_zh": "字段",
            "errors": [item]}))
        .unwrap();
        assert_eq!(
            (problem.code(), problem.title(Lang::En), problem.detail(Lang::Zh)),
            ("invalid_fields", "Unprocessable content", "字段")
        );
        assert_eq!(problem.errors.len(), 1);
        // A proxy's or an older server's problem reads too, each text in the language it has.
        let sparse: ProblemDetails =
            serde_json::from_value(json!({"type": "urn:xinnuo:problem:x", "title": "无法受理",
            "detail_zh": "有误", "errors": [{"field": "phone", "message_zh": "电话号码有误"}]}))
            .unwrap();
        assert_eq!((sparse.title(Lang::En), sparse.detail(Lang::En)), ("无法受理", "有误"));
        assert_eq!(sparse.errors[0].message(Lang::En), "电话号码有误");
    }
}
