//! 信用报告: a subject's credit report as of one day, in the sections of the national 公共信用信息报告
//! (基础信息; 行政管理信息; 严重失信主体名单; 经营异常名录; 信用承诺; 信用评价; 信用修复与异议; 说明), made from what is
//! public that day and nothing else: records whose publication ended, that were repaired or removed, or that
//! were never published are left out (the 说明 section says how many, and under which article); an upheld
//! objection's record is not in the profile at all. No personal data: commitments are named by title and id.
//!
//! The server signs the report (JWS, `xinnuo.report/1`) with its key and appends it to the public log; whoever
//! receives the file verifies it offline against the pinned server keys ([`verify`]) and, online, compares it
//! with a fresh one ([`changes`]) without trusting the file.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::calendar::Date;
use crate::decision::{CommitmentState, ObjectionState, RepairState};
use crate::envelope::{self, canonicalize, EnvelopeError};
use crate::error::{display_in_chinese, in_lang, Described};
use crate::lang::Lang;
use crate::public_log::{self, LogError, LogPlace, LoggedEntry};
use crate::receipt::TrustedServerKeys;
use crate::status::{OfficialGrade, PenaltyClass, RecordKind};
use crate::template::{TemplateKind, Text};
use crate::tier::Tier;

/// The `type` of a report's payload.
pub const REPORT_TYPE: &str = "xinnuo.report/1";

/// The content from a subject's status and commitments: `build::content`.
pub mod build;

/// The kinds of commitment as GB/T 46277-2025 sorts them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommitmentClass {
    /// 告知承诺: made instead of a certificate or an approval (审批替代, 证明事项, 容缺受理, 投资项目).
    Notification,
    /// 主动承诺: made and published of its own accord.
    Voluntary,
    /// 行业自律承诺.
    Industry,
    /// 信用修复承诺.
    Repair,
}

impl CommitmentClass {
    pub fn of(kind: TemplateKind) -> Self {
        match kind {
            TemplateKind::Field | TemplateKind::Notification | TemplateKind::Investment | TemplateKind::Deferred => {
                Self::Notification
            }
            TemplateKind::Voluntary => Self::Voluntary,
            TemplateKind::Industry => Self::Industry,
            TemplateKind::Repair => Self::Repair,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            Self::Notification => lang.pick("告知承诺", "Commitment instead of a certificate or approval"),
            Self::Voluntary => lang.pick("主动承诺", "Voluntary commitment"),
            Self::Industry => lang.pick("行业自律承诺", "Industry self-discipline commitment"),
            Self::Repair => lang.pick("信用修复承诺", "Credit-repair commitment"),
        }
    }
}

/// A credit record as the report lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRecord {
    pub id: String,
    pub kind: RecordKind,
    pub decision_no: String,
    pub authority: String,
    pub decided_on: Date,
    #[serde(default)]
    pub summary: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub class: Option<PenaltyClass>,
    /// The last day of publication where the rules fix it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_ends: Option<Date>,
    /// Where they fix only a lower bound (a penalty's term runs past the period, or its end is not known):
    /// publication lasts at least to this day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub publication_ends_not_before: Option<Date>,
}

impl ReportRecord {
    /// The report's "公示截止" cell: the day, "不早于" a day, or "—" where the rules fix neither.
    pub fn publication_end_text(&self, lang: crate::lang::Lang) -> String {
        match (self.publication_ends, self.publication_ends_not_before) {
            (Some(day), _) => day.to_string(),
            (None, Some(day)) => format!("{}{day}", lang.pick("不早于 ", "not before ")),
            (None, None) => "—".into(),
        }
    }
}

/// A commitment as the report lists it: what, to whom, and whether it was kept (履约).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportCommitment {
    pub submission_id: String,
    pub title: String,
    pub class: CommitmentClass,
    pub department: String,
    pub state: CommitmentState,
    /// The day it was received (Beijing).
    pub received_on: Date,
    /// Found broken, and an upheld objection then removed the record that finding added: that objection's
    /// decision. Such a commitment reads "违诺认定已撤销", never 违诺 (as in the 信用承诺 column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finding_overturned_by: Option<String>,
}

impl ReportCommitment {
    /// Where it stands as the report says it: the column's label (`PublishedCommitment::public_state_label`).
    pub fn state_label(&self) -> (&'static str, &'static str) {
        self.state.public_label(self.finding_overturned_by.is_some())
    }
}

/// A repair application or an objection, by state and dates (never the grounds).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportRepair {
    pub record_id: String,
    pub state: RepairState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<Date>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportObjection {
    pub record_id: String,
    pub state: ObjectionState,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub received_on: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<Date>,
}

/// The summary tier: the tool's own, never an official grade (said with it).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportTier {
    pub tier: Tier,
    pub name: Text,
    pub label: Text,
}

/// What the report says of itself: what it leaves out and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportNote {
    pub text: Text,
    /// The articles it rests on (rule ids of `rules/repair.json`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
}

/// The report's content: everything but when and by whom it was made. Two reports with the same content say
/// the same thing of the subject ([`content_sha256`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportContent {
    pub credit_code: String,
    pub name: String,
    /// Fictional (示例) data.
    #[serde(default)]
    pub demo: bool,
    /// The day the information is as of (Beijing).
    pub as_of: Date,
    /// 行政管理信息: 行政处罚 (行政许可 are not collected by this system: said in the notes).
    pub penalties: Vec<ReportRecord>,
    /// 严重失信主体名单, 严重违法失信名单, 失信被执行人.
    pub serious_lists: Vec<ReportRecord>,
    /// 经营异常名录.
    pub abnormal_lists: Vec<ReportRecord>,
    /// 其他失信信息, 违背信用承诺.
    pub other_records: Vec<ReportRecord>,
    /// 守信激励.
    pub red_lists: Vec<ReportRecord>,
    /// 信用承诺 and whether each was kept.
    pub commitments: Vec<ReportCommitment>,
    /// 信用评价: the official grades held, each with its source.
    pub grades: Vec<OfficialGrade>,
    pub tier: Option<ReportTier>,
    pub repairs: Vec<ReportRepair>,
    pub objections: Vec<ReportObjection>,
    /// 说明.
    pub notes: Vec<ReportNote>,
}

/// A report as signed: its number, when it was made and by which server, and the public log's size it
/// reflects (the report's own entry comes after).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreditReport {
    #[serde(rename = "type")]
    pub report_type: String,
    /// 报告编号: `XN` + the day + the first 16 hex digits of the content's digest (the same content on the same
    /// day, the same number).
    pub report_no: String,
    /// When it was made (UTC, `…Z`; shown in Beijing time).
    pub made_at: String,
    /// Who made it: the server's name and key fingerprint.
    pub maker: String,
    /// The public log's size when it was made.
    pub log_size: u64,
    pub content: ReportContent,
}

/// SHA-256 of the content's canonical JSON, hex.
pub fn content_sha256(content: &ReportContent) -> String {
    let value = serde_json::to_value(content).unwrap_or(Value::Null);
    let bytes = canonicalize(&value).unwrap_or_default();
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The report as signed: numbered by its day and content.
pub fn report(content: ReportContent, made_at: &str, maker: &str, log_size: u64) -> CreditReport {
    let digest = content_sha256(&content);
    let day = content.as_of.to_string().replace('-', "");
    CreditReport {
        report_type: REPORT_TYPE.into(),
        report_no: format!("XN{day}{}", &digest[..16].to_uppercase()),
        made_at: made_at.to_owned(),
        maker: maker.to_owned(),
        log_size,
        content,
    }
}

/// Signs a report with the server's key.
pub fn sign(report: &CreditReport, server: &envelope::Signer) -> Result<envelope::FlattenedJws, EnvelopeError> {
    let payload = serde_json::to_value(report).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    server.sign(&payload)
}

/// A report that verified, and the fingerprint of the server key that signed it.
#[derive(Debug, Clone, PartialEq)]
pub struct VerifiedReport {
    pub report: CreditReport,
    pub server_kid: String,
    /// Where the public log holds the report's issue, when the file carried its entry (always under a witness
    /// quorum: [`verify`]).
    pub logged: Option<LogPlace>,
}

/// The member of a report file that carries the report's entry in the public log, beside the signed report.
const LOG_MEMBER: &str = "log";
/// The member that holds the signed report (the flattened JWS) when the file carries its log entry.
const REPORT_MEMBER: &str = "report";

/// A report file as the app downloads it: `{"report": <the flattened JWS>, "log": <its entry and proof>}` — the
/// `report` member is the signed report unchanged (any JOSE library verifies it), the entry is what a verifier
/// that requires witnesses cannot do without (the server's key alone is held by whoever holds the database).
/// Without an entry the file is the signed report alone, as files made before reports were logged are. `log` is
/// put in as given: [`verify`] judges it.
pub fn file_with_log(signed: &Value, log: Option<&impl Serialize>) -> String {
    let file = match log {
        Some(log) => serde_json::json!({ REPORT_MEMBER: signed, LOG_MEMBER: log }),
        None => signed.clone(),
    };
    serde_json::to_string_pretty(&file).unwrap_or_default()
}

/// The signed report of a file and the log entry beside it, if any.
fn split_file(text: &str) -> Result<(Value, Option<LoggedEntry>), ReportError> {
    let mut file: Value = serde_json::from_str(text.trim()).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    let Some(members) = file.as_object_mut().filter(|members| members.contains_key(REPORT_MEMBER)) else {
        return Ok((file, None));
    };
    if members.keys().any(|key| key != REPORT_MEMBER && key != LOG_MEMBER) {
        return Err(ReportError::NotAReport);
    }
    let signed = members.remove(REPORT_MEMBER).unwrap_or_default();
    let log = members
        .remove(LOG_MEMBER)
        .map(|log| serde_json::from_value::<LoggedEntry>(log).map_err(|_| ReportError::Log(LogError::NotAnEntry)))
        .transpose()?;
    Ok((signed, log))
}

/// That `log` is the entry of this report's issue — its number, subject, time and the digest of the signed file
/// the server logged — in a checkpoint `trusted` believes (its log keys and witness quorum).
fn check_issue_logged(
    log: &LoggedEntry,
    report: &CreditReport,
    signed: &envelope::FlattenedJws,
    trusted: &TrustedServerKeys,
) -> Result<LogPlace, ReportError> {
    let (issue, place) = public_log::verify_report_issue(log, trusted).map_err(ReportError::Log)?;
    // The server logs the digest of the file as it signed it (`FlattenedJws::to_json`), appended in the same
    // transaction that wrote the log's size into the report: the entry's index is that size.
    let file_sha256 = public_log::text_sha256(&signed.to_json());
    let names_this = issue.report_no == report.report_no
        && issue.credit_code == report.content.credit_code
        && issue.made_at == report.made_at
        && issue.file_sha256 == file_sha256
        && place.index == report.log_size;
    if !names_this {
        return Err(ReportError::OtherIssue);
    }
    Ok(place)
}

/// Why a report file is not believed.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportError {
    /// Not a signed file at all, or changed after signing (the signature's reason).
    Signature(EnvelopeError),
    /// Signed, but not a credit report.
    NotAReport,
    /// Signed by a key that is not among the pinned server keys.
    UnknownServerKey,
    /// The file's log entry is not a report's issue in a log believed here (the log's reason).
    Log(LogError),
    /// The file's log entry is a report's issue, but of another report or another signed file.
    OtherIssue,
    /// No log entry beside the report, where the verifier requires witnessed checkpoints: a report signed by
    /// the server's key alone could have been made by whoever holds the database, and never logged.
    NotLogged,
}

impl From<EnvelopeError> for ReportError {
    fn from(error: EnvelopeError) -> Self {
        Self::Signature(error)
    }
}

impl Described for ReportError {
    fn code(&self) -> &'static str {
        match self {
            Self::Signature(inner) => inner.code(),
            Self::NotAReport => "not_a_report",
            Self::UnknownServerKey => "report_unknown_server_key",
            Self::Log(inner) => inner.code(),
            Self::OtherIssue => "report_log_other_issue",
            Self::NotLogged => "report_not_logged",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Signature(inner) => in_lang(
                lang,
                format_args!("报告文件不完整或已被改动，签名无效：{}", inner.message(Lang::Zh)),
                format_args!("The report file is incomplete or was changed; its signature is invalid: {}", inner.message(Lang::En)),
            ),
            Self::NotAReport => in_lang(
                lang,
                format_args!("这个签名文件不是信用报告。"),
                format_args!("This signed file is not a credit report."),
            ),
            Self::UnknownServerKey => in_lang(
                lang,
                format_args!("报告的签名有效，但签名密钥不是本浏览器保存的服务器密钥：无法确认是哪台服务器出具的。"),
                format_args!("The report's signature is valid, but not by a server key pinned here: who issued it cannot be confirmed."),
            ),
            Self::Log(inner) => in_lang(
                lang,
                format_args!("报告所附的公开日志记录不能证明这份报告已记入日志：{}", inner.message(Lang::Zh)),
                format_args!("The public-log entry the report carries does not prove this report was logged: {}", inner.message(Lang::En)),
            ),
            Self::OtherIssue => in_lang(
                lang,
                format_args!("报告所附的公开日志记录属于另一份报告，或与这份签名文件的摘要不符：不能证明这份报告已记入日志。"),
                format_args!("The public-log entry the report carries is another report's issue, or does not match this signed file's digest: it does not prove this report was logged."),
            ),
            Self::NotLogged => in_lang(
                lang,
                format_args!("报告没有附公开日志记录：本浏览器要求报告记入经见证方联署的公开日志，仅有服务器签名的报告文件不予采信（请使用含日志记录的报告文件，或按报告编号在线核验）。"),
                format_args!("The report carries no public-log entry: a report is believed here only once logged in a checkpoint the witnesses cosigned, not on the server's signature alone (use the report file with its log entry, or check it online by its number)."),
            ),
        }
    }
}

display_in_chinese!(ReportError);

/// Whether a file claims to be a credit report (which check to run on it; [`verify`] decides whether it is).
/// Read from the payload's bytes as they are, so that a report changed after signing is still recognised as a
/// report — and refused as one, with the reason.
pub fn is_report_file(text: &str) -> bool {
    let claimed = format!("\"type\":\"{REPORT_TYPE}\"");
    serde_json::from_str::<Value>(text.trim())
        .ok()
        .map(|file| match file.get(REPORT_MEMBER) {
            Some(signed) => signed.clone(),
            None => file,
        })
        .and_then(|file| envelope::claimed_payload_bytes(&file))
        .is_some_and(|bytes| String::from_utf8_lossy(&bytes).contains(&claimed))
}

/// Verifies a report file offline (the flattened JWS as text, or [`file_with_log`]'s form): intact, a credit
/// report, signed by a pinned server key; its log entry, when it carries one, the entry of this report's issue in
/// a checkpoint `trusted` believes — and required where `trusted` requires witnesses.
pub fn verify(file: &str, trusted: &TrustedServerKeys) -> Result<VerifiedReport, ReportError> {
    let (signed, log) = split_file(file)?;
    let verified = envelope::verify_value(&signed)?;
    let report: CreditReport = serde_json::from_value(verified.payload.clone()).map_err(|_| ReportError::NotAReport)?;
    if report.report_type != REPORT_TYPE {
        return Err(ReportError::NotAReport);
    }
    if !trusted.trusts(&verified.kid, &verified.public_key) {
        return Err(ReportError::UnknownServerKey);
    }
    // An entry the file carries must hold; under a witness quorum there must be one (as for receipts).
    let logged = match &log {
        Some(log) => Some(check_issue_logged(log, &report, &verified.jws, trusted)?),
        None if trusted.witness_quorum() > 0 => return Err(ReportError::NotLogged),
        None => None,
    };
    Ok(VerifiedReport { report, server_kid: verified.kid, logged })
}

/// What changed for the subject between a report and a fresh one: records listed now and not then, records
/// no longer listed, and the commitments, repairs and objections whose state moved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum Change {
    RecordAdded { id: String, kind: RecordKind },
    RecordNoLongerListed { id: String, kind: RecordKind },
    CommitmentAdded { submission_id: String },
    CommitmentStateChanged { submission_id: String, from: CommitmentState, to: CommitmentState },
    TierChanged { from: Option<Tier>, to: Option<Tier> },
    RepairOrObjectionChanged,
    GradesChanged,
}

impl Change {
    /// A stable name for the kind of change.
    pub fn code(&self) -> &'static str {
        match self {
            Self::RecordAdded { .. } => "record_added",
            Self::RecordNoLongerListed { .. } => "record_no_longer_listed",
            Self::CommitmentAdded { .. } => "commitment_added",
            Self::CommitmentStateChanged { .. } => "commitment_state_changed",
            Self::TierChanged { .. } => "tier_changed",
            Self::RepairOrObjectionChanged => "repair_or_objection_changed",
            Self::GradesChanged => "grades_changed",
        }
    }

    pub fn message(&self, lang: Lang) -> String {
        match self {
            Self::RecordAdded { id, kind } => in_lang(
                lang,
                format_args!("新增{}：{id}", kind.label_zh()),
                format_args!("New {}: {id}", kind.label_en()),
            ),
            Self::RecordNoLongerListed { id, kind } => in_lang(
                lang,
                format_args!("{}已不再列入（公示结束、已修复或已更正）：{id}", kind.label_zh()),
                format_args!("{} no longer listed (publication ended, repaired or corrected): {id}", kind.label_en()),
            ),
            Self::CommitmentAdded { submission_id } => in_lang(
                lang,
                format_args!("新增信用承诺：{submission_id}"),
                format_args!("New commitment: {submission_id}"),
            ),
            Self::CommitmentStateChanged { submission_id, from, to } => in_lang(
                lang,
                format_args!("信用承诺 {submission_id}：{} → {}", from.label_zh(), to.label_zh()),
                format_args!("Commitment {submission_id}: {} → {}", from.label_en(), to.label_en()),
            ),
            Self::TierChanged { .. } => {
                in_lang(lang, format_args!("汇总等级已变化"), format_args!("The summary tier changed"))
            }
            Self::RepairOrObjectionChanged => in_lang(
                lang,
                format_args!("信用修复或异议的办理情况已变化"),
                format_args!("Repair applications or objections moved on"),
            ),
            Self::GradesChanged => {
                in_lang(lang, format_args!("官方信用评价已变化"), format_args!("The official grades changed"))
            }
        }
    }
}

fn records_of(content: &ReportContent) -> Vec<&ReportRecord> {
    [&content.penalties, &content.serious_lists, &content.abnormal_lists, &content.other_records, &content.red_lists]
        .into_iter()
        .flatten()
        .collect()
}

/// What changed between the content of a report and the content now (a fresh report's), for the subject.
pub fn changes(then: &ReportContent, now: &ReportContent) -> Vec<Change> {
    let mut found = Vec::new();
    let (before, after) = (records_of(then), records_of(now));
    for record in &after {
        if !before.iter().any(|r| r.id == record.id) {
            found.push(Change::RecordAdded { id: record.id.clone(), kind: record.kind });
        }
    }
    for record in &before {
        if !after.iter().any(|r| r.id == record.id) {
            found.push(Change::RecordNoLongerListed { id: record.id.clone(), kind: record.kind });
        }
    }
    for commitment in &now.commitments {
        match then.commitments.iter().find(|c| c.submission_id == commitment.submission_id) {
            None => found.push(Change::CommitmentAdded { submission_id: commitment.submission_id.clone() }),
            Some(old) if old.state != commitment.state => found.push(Change::CommitmentStateChanged {
                submission_id: commitment.submission_id.clone(),
                from: old.state,
                to: commitment.state,
            }),
            Some(_) => {}
        }
    }
    let tier = |c: &ReportContent| c.tier.as_ref().map(|t| t.tier);
    if tier(then) != tier(now) {
        found.push(Change::TierChanged { from: tier(then), to: tier(now) });
    }
    if then.repairs != now.repairs || then.objections != now.objections {
        found.push(Change::RepairOrObjectionChanged);
    }
    if then.grades != now.grades {
        found.push(Change::GradesChanged);
    }
    found
}

#[cfg(test)]
mod tests;
