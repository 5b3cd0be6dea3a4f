//! The process, as pure functions over snapshots: what a signed document may cause, given who signed it and
//! where its target stands. The server reads a `Case` inside its transaction, asks `decide` (or one of the
//! `accept_*` functions for what arrives from enterprises), and applies the `Transition`'s effects; the
//! console asks `actions` what to offer. Nothing here reads a clock or a database: times and standings are
//! passed in.
//!
//! The rules on standing (who may cause what): a signature proves only which key signed. A key counts for a
//! credit code once a department approved it for that code (`KeyStatus::Verified`); until then its commitment
//! may be accepted only by an officer who says how the signer was identified, and nothing unidentified can
//! become anyone's credit record. Repair applications and objections need an approved key; a revoked key
//! withdraws, objects and applies for nothing.

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::calendar::{Date, UtcTimestamp};
use crate::commitment::{CommitmentError, SignedCommitment};
use crate::deadline::Step;
use crate::decision::{
    Action, CommitmentState, Decision, DecisionError, IdentityCheck, ObjectionState, Outcome, RepairState, Role,
    TargetKind,
};
use crate::enrolment::EnrolmentStatus;
use crate::envelope::Verified;
use crate::lang::Lang;
use crate::objection::{Objection, ObjectionError};
use crate::public_log::{body_sha256, LogEvent, RecordChange};
use crate::receipt::KeyStatus;
use crate::repair::Channel;
use crate::status::{Record, RecordKind};
use crate::template::{Template, TemplateKind};

#[cfg(test)]
mod tests;

/// How far an officer's clock may be from the server's: officers sign online, so minutes, not the
/// enterprise's offline week.
pub const OFFICER_CLOCK_ALLOWANCE_MILLIS: i64 = 10 * 60 * 1000;

/// After an objection to a record is rejected, a new one to the same record waits this many days (and must
/// state other grounds): the tool's own policy, so that a record cannot be kept "异议处理中" by refiling.
pub const OBJECTION_REFILE_WAIT_DAYS: i64 = 15;

/// A commitment's place in the process, as read before a decision.
#[derive(Debug, Clone, PartialEq)]
pub struct CommitmentCase {
    pub state: CommitmentState,
    pub template_kind: TemplateKind,
    /// The departments that decide it (see `departments_of`).
    pub departments: Vec<String>,
    /// The server's time of receipt.
    pub received_at_millis: u64,
    pub signer_kid: String,
    /// The signer's key for the commitment's credit code, now (`NoCreditCode` for a person's).
    pub standing: KeyStatus,
    /// What it was when the commitment arrived (the receipt's `key_status`): a signature made with an approved
    /// key stays the enterprise's even if the key is revoked later.
    pub standing_at_receipt: KeyStatus,
    /// How the signer was identified when it was accepted (`enrolment` where the key was approved then).
    pub identified: Option<IdentityCheck>,
    /// `None` for a person's commitment.
    pub credit_code: Option<String>,
    /// The credit code is in the register (a record may be added to it).
    pub subject_registered: bool,
    /// The template's title, for the record of a broken commitment.
    pub title_zh: String,
}

/// A repair application's place in the process.
#[derive(Debug, Clone, PartialEq)]
pub struct RepairCase {
    pub state: RepairState,
    /// The authority that decided the record (谁认定、谁修复).
    pub authority: String,
    pub received_at_millis: u64,
    /// The record it asks to repair, of the subject `credit_code`.
    pub credit_code: String,
    pub record_id: String,
}

/// An objection's place in the process.
#[derive(Debug, Clone, PartialEq)]
pub struct ObjectionCase {
    pub state: ObjectionState,
    pub authority: String,
    pub received_at_millis: u64,
    /// The record objected to.
    pub credit_code: String,
    pub record_id: String,
}

/// A key enrolment's place in the process.
#[derive(Debug, Clone, PartialEq)]
pub struct KeyCase {
    pub state: EnrolmentStatus,
    pub received_at_millis: u64,
    /// The key and the credit code it is enrolled for.
    pub kid: String,
    pub credit_code: String,
}

/// What a decision targets, as read before it. A repair application is also stored as the signed commitment
/// it is; read as a commitment, its `template_kind` is `Repair`.
#[derive(Debug, Clone, PartialEq)]
pub enum Case {
    Commitment(CommitmentCase),
    Repair(RepairCase),
    Objection(ObjectionCase),
    Key(KeyCase),
}

impl Case {
    fn received_at_millis(&self) -> u64 {
        match self {
            Self::Commitment(case) => case.received_at_millis,
            Self::Repair(case) => case.received_at_millis,
            Self::Objection(case) => case.received_at_millis,
            Self::Key(case) => case.received_at_millis,
        }
    }
}

/// Who signed a decision.
#[derive(Debug, Clone, PartialEq)]
pub enum Actor {
    /// A registered, active officer.
    Officer { kid: String, name: String, department: String, roles: Vec<Role> },
    /// Any other key (the enterprise's, for a withdrawal; a stranger's).
    Signer { kid: String },
}

/// What a decision changes besides its target's state.
#[derive(Debug, Clone, PartialEq)]
pub enum Effect {
    /// The officer identified the commitment's signer on accepting it (kept with the commitment: it may now be
    /// listed in the 信用承诺 column).
    SignerIdentified(IdentityCheck),
    /// A record enters the subject's credit record (a broken commitment).
    AddRecord { credit_code: String, record: Box<Record> },
    /// The record's publication ends on that day (a granted repair).
    EndPublication { credit_code: String, record_id: String, removed_on: Date },
    /// The record was wrong (an upheld objection): kept in the store with the objection that hid it, and no
    /// longer part of the subject's credit record anywhere it is read.
    HideRecord { credit_code: String, record_id: String },
}

/// What a decision leads to: the target's new state and the effects to apply with it, in one transaction.
#[derive(Debug, Clone, PartialEq)]
pub struct Transition {
    pub outcome: Outcome,
    pub effects: Vec<Effect>,
    /// The department the decision is made for (the officer's; for a withdrawal, the commitment's).
    pub department: String,
    /// Why no record was added where one might be expected (a broken commitment of an unregistered code).
    pub note: Option<&'static str>,
}

/// Why a step is refused; `kind()` says how the server answers it.
#[derive(Debug, Clone, PartialEq)]
pub enum Refusal {
    NotAnOfficer {
        fingerprint: String,
    },
    RoleMissing {
        officer: String,
        role: Role,
        action: Action,
    },
    OtherDepartment {
        departments: Vec<String>,
        department: String,
    },
    OtherAuthority {
        authority: String,
        department: String,
    },
    NotTheSigner,
    /// The signer's key was revoked for this credit code.
    KeyRevoked {
        credit_code: String,
    },
    /// The key is not approved for this credit code.
    KeyNotApproved {
        fingerprint: String,
        credit_code: String,
        standing: KeyStatus,
        what: Filing,
    },
    Transition(DecisionError),
    /// A repair application was sent down the commitment track.
    NotACommitment,
    /// Accepting a commitment whose signer is not verified, without saying how they were identified; or
    /// finding broken one whose signer nobody verified or identified.
    SignerNotVerified {
        standing: KeyStatus,
        action: Action,
    },
    DecidedBeforeReceipt,
    DecidedTooLongAgo,
    DecidedInFuture,
    /// A new commitment to a template naming several departments must name one.
    DepartmentRequired,
    ObjectionPending {
        objection_id: String,
    },
    /// Another application to repair the record is under review.
    RepairPending {
        submission_id: String,
    },
    ObjectionSameGrounds,
    ObjectionTooSoon {
        retry_on: Date,
    },
}

/// What an enterprise files with its key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filing {
    RepairApplication,
    Objection,
}

impl Filing {
    fn label_zh(self) -> &'static str {
        match self {
            Self::RepairApplication => "申请信用修复",
            Self::Objection => "提出异议",
        }
    }

    fn label_en(self) -> &'static str {
        match self {
            Self::RepairApplication => "a repair application",
            Self::Objection => "an objection",
        }
    }
}

/// How a refusal is answered: HTTP 403, 409 or 422.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefusalKind {
    Forbidden,
    Conflict,
    Unprocessable,
}

impl Refusal {
    pub fn kind(&self) -> RefusalKind {
        match self {
            Self::NotAnOfficer { .. }
            | Self::RoleMissing { .. }
            | Self::OtherDepartment { .. }
            | Self::OtherAuthority { .. }
            | Self::NotTheSigner
            | Self::KeyRevoked { .. }
            | Self::KeyNotApproved { .. } => RefusalKind::Forbidden,
            Self::Transition(DecisionError::NotNow { .. })
            | Self::Transition(DecisionError::NotNowRepair { .. })
            | Self::Transition(DecisionError::NotNowObjection { .. })
            | Self::Transition(DecisionError::NotNowKey { .. })
            | Self::NotACommitment
            | Self::SignerNotVerified { .. }
            | Self::ObjectionPending { .. }
            | Self::RepairPending { .. }
            | Self::ObjectionSameGrounds
            | Self::ObjectionTooSoon { .. } => RefusalKind::Conflict,
            Self::Transition(_)
            | Self::DecidedBeforeReceipt
            | Self::DecidedTooLongAgo
            | Self::DecidedInFuture
            | Self::DepartmentRequired => RefusalKind::Unprocessable,
        }
    }
}

impl crate::error::Described for Refusal {
    fn code(&self) -> &'static str {
        match self {
            Self::NotAnOfficer { .. } => "not_an_officer",
            Self::RoleMissing { .. } => "role_missing",
            Self::OtherDepartment { .. } | Self::OtherAuthority { .. } => "other_department",
            Self::NotTheSigner => "not_the_signer",
            Self::KeyRevoked { .. } => "key_revoked",
            Self::KeyNotApproved { .. } => "key_not_approved",
            Self::Transition(inner) => inner.code(),
            Self::NotACommitment => "not_a_commitment",
            Self::SignerNotVerified { .. } => "signer_not_verified",
            Self::DecidedBeforeReceipt => "decided_before_received",
            Self::DecidedTooLongAgo => "signed_too_long_ago",
            Self::DecidedInFuture => "signed_in_future",
            Self::DepartmentRequired => "department_required",
            Self::ObjectionPending { .. } => "objection_pending",
            Self::RepairPending { .. } => "repair_pending",
            Self::ObjectionSameGrounds => "objection_same_grounds",
            Self::ObjectionTooSoon { .. } => "objection_too_soon",
        }
    }

    fn message(&self, lang: Lang) -> String {
        use crate::error::in_lang;
        match self {
            Self::NotAnOfficer { fingerprint } => in_lang(
                lang,
                format_args!("密钥 {fingerprint} 不是在册的部门工作人员密钥（或已停用）。"),
                format_args!("Key {fingerprint} is not a registered officer's key (or was revoked)."),
            ),
            Self::RoleMissing { officer, role, action } => in_lang(
                lang,
                format_args!("{officer}没有“{}”权限，不能{}。", role.label_zh(), action.label_zh()),
                format_args!("{officer} does not hold the {} role needed to decide this.", role.as_str()),
            ),
            Self::OtherDepartment { departments, department } => in_lang(
                lang,
                format_args!("这份承诺书属于{}，不属于{department}。", departments.join("、")),
                format_args!("This commitment belongs to {}, not to {department}.", departments.join(", ")),
            ),
            Self::OtherAuthority { authority, department } => in_lang(
                lang,
                format_args!("这条记录由{authority}认定，由其作出决定，不由{department}决定。"),
                format_args!("The record was decided by {authority}, which decides this; not {department}."),
            ),
            Self::NotTheSigner => in_lang(
                lang,
                format_args!("只有签署这份承诺书的密钥才能撤回它。"),
                format_args!("Only the key that signed this commitment can withdraw it."),
            ),
            Self::KeyRevoked { credit_code } => in_lang(
                lang,
                format_args!("这把密钥代表 {credit_code} 的资格已被吊销，不能再以其名义撤回、异议或申请。"),
                format_args!("This key was revoked for {credit_code}: it can no longer withdraw, object or apply for it."),
            ),
            Self::KeyNotApproved { fingerprint, credit_code, standing, what } => in_lang(
                lang,
                format_args!(
                    "密钥 {fingerprint} 未经核验可代表 {credit_code}（{}）：{}须使用已核验的密钥。请在“密钥”页向部门登记该密钥，经部门核验身份后再提交。",
                    standing.label_zh(),
                    what.label_zh()
                ),
                format_args!(
                    "Key {fingerprint} is not approved for {credit_code} ({}): {} needs an approved key. Enrol the key on the Keys page and have a department check it, then file again.",
                    standing.label_en(),
                    what.label_en()
                ),
            ),
            Self::Transition(inner) => inner.message(lang),
            Self::NotACommitment => in_lang(
                lang,
                format_args!("这是信用修复申请，由认定单位准予或不予修复，不按承诺书受理、认定履诺或违诺，也不能撤回。"),
                format_args!("This is a repair application: the deciding authority grants or refuses it; it is not accepted, found kept or broken, or withdrawn as a commitment."),
            ),
            Self::SignerNotVerified { standing, action: Action::Accept } => in_lang(
                lang,
                format_args!(
                    "签署人的密钥未经核验（{}）：受理前须核验签署人身份，并在决定中写明核验方式（identity_checked）。",
                    standing.label_zh()
                ),
                format_args!(
                    "The signer's key is not verified ({}): identify the signer and say how in the decision (identity_checked) before accepting.",
                    standing.label_en()
                ),
            ),
            Self::SignerNotVerified { standing, .. } => in_lang(
                lang,
                format_args!(
                    "签署人的密钥未经核验（{}），受理时也未核验其身份：不能据此认定违诺并记入任何主体的信用记录。",
                    standing.label_zh()
                ),
                format_args!(
                    "The signer's key is not verified ({}) and nobody identified the signer on acceptance: this cannot be found broken and become anyone's record.",
                    standing.label_en()
                ),
            ),
            Self::DecidedBeforeReceipt => in_lang(
                lang,
                format_args!("决定时间早于服务器收到决定对象的时间，不能倒签。"),
                format_args!("The decision is dated before its target reached the server: no backdating."),
            ),
            Self::DecidedTooLongAgo => in_lang(
                lang,
                format_args!("决定时间早于服务器时间 10 分钟以上：请校准电脑时间后重新签署。"),
                format_args!("The decision is dated more than 10 minutes before the server's time: set the clock and sign again."),
            ),
            Self::DecidedInFuture => in_lang(
                lang,
                format_args!("决定时间晚于服务器时间 10 分钟以上：请校准电脑时间后重新签署。"),
                format_args!("The decision is dated more than 10 minutes after the server's time: set the clock and sign again."),
            ),
            Self::DepartmentRequired => in_lang(
                lang,
                format_args!("该模板适用于多个部门：请在承诺书中选择受理部门（department）后重新签署。"),
                format_args!("This template names several departments: choose the department (department) and sign again."),
            ),
            Self::ObjectionPending { objection_id } => in_lang(
                lang,
                format_args!("对这条记录的异议（{}）正在处理中，请等待决定。", short(objection_id)),
                format_args!("An objection to this record ({}) is under review; wait for its decision.", short(objection_id)),
            ),
            Self::RepairPending { submission_id } => in_lang(
                lang,
                format_args!("这条记录的信用修复申请（{}）正在审核中，请等待认定单位的决定。", short(submission_id)),
                format_args!("An application to repair this record ({}) is under review; wait for the authority's decision.", short(submission_id)),
            ),
            Self::ObjectionSameGrounds => in_lang(
                lang,
                format_args!("对这条记录的同样理由的异议已被认定不成立：再次提出须有新的事实和理由。"),
                format_args!("An objection on the same grounds to this record was rejected: a new one needs new facts and grounds."),
            ),
            Self::ObjectionTooSoon { retry_on } => in_lang(
                lang,
                format_args!(
                    "对这条记录的异议刚被认定不成立：{OBJECTION_REFILE_WAIT_DAYS} 日内不再受理新的异议，{} 起可以新的理由再次提出。",
                    retry_on.to_zh()
                ),
                format_args!(
                    "An objection to this record was just rejected: a new one is taken {OBJECTION_REFILE_WAIT_DAYS} days later, from {retry_on}, with new grounds."
                ),
            ),
        }
    }
}
crate::error::display_in_chinese!(Refusal);

fn short(id: &str) -> &str {
    id.get(..12).unwrap_or(id)
}

impl From<DecisionError> for Refusal {
    fn from(inner: DecisionError) -> Self {
        Self::Transition(inner)
    }
}

/// The step whose deadline runs while a case is in this state, if any: a commitment's review while submitted
/// and its fulfilment check while in force, an objection's decision while under review. (Every list, inbox and
/// page asks here; a repair application asks `repair_step`.)
pub fn running_step(state: Outcome) -> Option<Step> {
    match state {
        Outcome::Commitment(CommitmentState::Submitted) => Some(Step::CommitmentReview),
        Outcome::Commitment(CommitmentState::InForce) => Some(Step::FulfilmentCheck),
        Outcome::Objection(ObjectionState::UnderReview) => Some(Step::ObjectionDecision),
        // A repair's step follows the channel it was applied through, which its state does not say: none here
        // rather than 36号's stages on an application they do not govern.
        _ => None,
    }
}

/// The step running for an objection under review, by the record objected to: one published through “信用中国”
/// runs 36号 第十八条's step; a market-regulation record or a court listing a step of its own (no stages of 36号).
/// Without the record (it was hidden), the objection's own step is kept as it was.
pub fn objection_step(state: ObjectionState, record: Option<&crate::status::Record>) -> Option<Step> {
    if state != ObjectionState::UnderReview {
        return None;
    }
    let elsewhere =
        record.is_some_and(|r| r.market_regulation || r.kind == crate::status::RecordKind::CourtDishonestDebtor);
    Some(if elsewhere { Step::OtherObjectionDecision } else { Step::ObjectionDecision })
}

/// The step running for a repair application under review, by the channel it was applied through: “信用中国”
/// (36号 第十六条, with its stages) or the 国家企业信用信息公示系统 (market regulation, a rule of its own).
/// Court listings are deleted by the court, never applied for here.
pub fn repair_step(state: RepairState, channel: Channel) -> Option<Step> {
    match (state, channel) {
        (RepairState::Received, Channel::CreditChina) => Some(Step::RepairDecision),
        (RepairState::Received, Channel::Gsxt) => Some(Step::MarketRepairDecision),
        _ => None,
    }
}

/// The step running for a commitment in `state`: a repair application (stored as a signed commitment) runs on
/// its own track, the authority's (`repair_step`), never the commitment review's.
pub fn commitment_step(state: CommitmentState, kind: Option<TemplateKind>) -> Option<Step> {
    match kind {
        Some(TemplateKind::Repair) => None,
        _ => running_step(Outcome::Commitment(state)),
    }
}

/// What an operator's approval or revocation of a key (the admin API, the command line) does to an enrolment,
/// by the same lifecycle officers' key decisions follow (`decision::enrolment_after`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyStep {
    /// Move the enrolment to this status.
    Change(EnrolmentStatus),
    /// It already is what was asked: answer it as it stands.
    AlreadySo,
    /// Revocation is final: a revoked enrolment is not approved again (the holder enrols a new key).
    Final,
}

pub fn key_step(state: EnrolmentStatus, action: Action) -> KeyStep {
    match crate::decision::enrolment_after(state, action) {
        Ok(to) => KeyStep::Change(to),
        Err(_) if state == EnrolmentStatus::Revoked && action == Action::KeyApproved => KeyStep::Final,
        Err(_) => KeyStep::AlreadySo,
    }
}

/// What a name says among the templates' departments.
enum Named {
    /// A department's Chinese name.
    Zh(&'static str),
    /// The English name of these departments (one, or several sharing it).
    En(Vec<&'static str>),
    Unknown,
}

fn named(departments: impl Iterator<Item = (&'static str, &'static str)>, name: &str) -> Named {
    let mut english = Vec::new();
    for (zh, en) in departments {
        if zh == name {
            return Named::Zh(zh);
        }
        if en == name && !english.contains(&zh) {
            english.push(zh);
        }
    }
    if english.is_empty() {
        Named::Unknown
    } else {
        Named::En(english)
    }
}

/// The name a department is known by here, whatever name it is given by: a department the templates name
/// (their index), by its Chinese name — its English name is taken for it where that English name is one
/// department's; any other name as given (trimmed). Every comparison of departments compares these names:
/// `decides` (the inboxes' filters, `decide`, `actions`, a static site's column) and `decides_record`.
pub fn department_name(name: &str) -> String {
    let name = name.trim();
    let index = crate::template::index().iter().flat_map(|entry| entry.departments.iter().map(|d| (d.zh, d.en)));
    match named(index, name) {
        Named::Zh(zh) => zh.to_owned(),
        Named::En(zh) if zh.len() == 1 => zh[0].to_owned(),
        _ => name.to_owned(),
    }
}

/// A department's name in `lang`: in English, the English name the templates give it (by its Chinese name,
/// as `department_name` keeps it); a department no template names has only the name it was registered by.
pub fn department_in(name: &str, lang: Lang) -> String {
    let name = department_name(name);
    if lang == Lang::Zh {
        return name;
    }
    crate::template::index()
        .iter()
        .flat_map(|entry| entry.departments.iter())
        .find(|d| d.zh == name)
        .map_or(name, |d| d.en.to_owned())
}

/// Whether an officer of `department` decides a commitment made to `departments` (its `departments_of`):
/// one of them, by `department_name`. The one rule of which commitments are a department's: `decide` and
/// `actions` ask it, the store's filter is `commitment_filter`, made from it.
pub fn decides(departments: &[String], department: &str) -> bool {
    let department = department_name(department);
    departments.iter().any(|d| department_name(d) == department)
}

/// Whether an officer of `department` decides on a record decided by `authority` (its repair, an objection
/// to it: 谁认定、谁修复): the record's authority as the register names it is the officer's department (by
/// `department_name`), as the authority's inboxes select them.
pub fn decides_record(authority: &str, department: &str) -> bool {
    authority == department_name(department)
}

/// The commitments an officer of a department decides, as a store selects them (`decides`, in other
/// words): those made to `department` (signed), and those signed before the choice was signed whose template
/// version names it (id, version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitmentFilter {
    pub department: String,
    pub template_versions: Vec<(String, String)>,
}

pub fn commitment_filter(department: &str) -> CommitmentFilter {
    let department = department_name(department);
    let template_versions = crate::template::all()
        .iter()
        .filter(|t| decides(&departments_of(Some(t), None), &department))
        .map(|t| (t.id.to_string(), t.version.to_string()))
        .collect();
    CommitmentFilter { department, template_versions }
}

/// Why an officer cannot be registered for a department.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DepartmentError {
    /// No template names it, no record of the register was decided by it, and registering it anyway was not
    /// asked for.
    Unknown { name: String, known: Vec<String> },
    /// An English name several departments share.
    Ambiguous { name: String, candidates: Vec<String> },
}

impl crate::error::Described for DepartmentError {
    fn code(&self) -> &'static str {
        match self {
            Self::Unknown { .. } => "unknown_department",
            Self::Ambiguous { .. } => "ambiguous_department",
        }
    }

    fn message(&self, lang: Lang) -> String {
        use crate::error::in_lang;
        match self {
            Self::Unknown { name, known } => in_lang(
                lang,
                format_args!(
                    "没有模板或主体名录中的记录出自“{name}”：工作人员的部门应写作模板中的部门名称（{}），或为名录中记录的认定单位；确属其他部门的，请加 --other-department。",
                    known.join("、")
                ),
                format_args!(
                    "No template and no record of the register names “{name}”: an officer's department is a department the templates name ({}), or the authority of a record in the register; for another department, add --other-department.",
                    known.join(", ")
                ),
            ),
            Self::Ambiguous { name, candidates } => in_lang(
                lang,
                format_args!("“{name}”是多个部门的英文名称（{}）：请写明中文名称。", candidates.join("、")),
                format_args!("“{name}” is the English name of several departments ({}): give the Chinese name.", candidates.join(", ")),
            ),
        }
    }
}
crate::error::display_in_chinese!(DepartmentError);

/// The departments commitments are made to: every department a template version names (not a repair
/// application's form, which goes to the record's authority), by Chinese name, sorted, each once.
pub fn known_departments() -> Vec<&'static str> {
    let mut known: Vec<&'static str> = commitment_departments().map(|(zh, _)| zh).collect();
    known.sort_unstable();
    known.dedup();
    known
}

fn commitment_departments() -> impl Iterator<Item = (&'static str, &'static str)> {
    crate::template::all()
        .iter()
        .filter(|t| t.kind != TemplateKind::Repair)
        .flat_map(|t| t.departments.iter().map(|d| (&*d.zh, &*d.en)))
}

/// The name an officer's department is registered under (`officers add`): a department the templates name,
/// by its Chinese name (its English name taken for it where only one department has it); another name only
/// where `decides_records` (the register holds a record it decided, or the operator asks for it), as given.
/// So an officer is never registered under a name `decides` cannot match.
pub fn register_department(name: &str, decides_records: bool) -> Result<String, DepartmentError> {
    let name = name.trim();
    match named(commitment_departments(), name) {
        Named::Zh(zh) => Ok(zh.to_owned()),
        Named::En(zh) if zh.len() == 1 => Ok(zh[0].to_owned()),
        Named::En(zh) => Err(DepartmentError::Ambiguous {
            name: name.to_owned(),
            candidates: zh.into_iter().map(str::to_owned).collect(),
        }),
        Named::Unknown if decides_records => Ok(name.to_owned()),
        Named::Unknown => Err(DepartmentError::Unknown {
            name: name.to_owned(),
            known: known_departments().into_iter().map(str::to_owned).collect(),
        }),
    }
}

/// The departments that decide a commitment: the one it was made to (signed), or — for one signed before
/// the choice was signed — those its template names.
pub fn departments_of(template: Option<&Template>, signed_department: Option<&str>) -> Vec<String> {
    match signed_department {
        Some(department) => vec![department.to_owned()],
        None => template.map(|t| t.departments.iter().map(|d| d.zh.to_string()).collect()).unwrap_or_default(),
    }
}

/// The signer's standing for a credit code, from its enrolment (`None`: never enrolled for it).
pub fn standing(credit_code: Option<&str>, enrolment: Option<EnrolmentStatus>) -> KeyStatus {
    match (credit_code.filter(|code| !code.is_empty()), enrolment) {
        (None, _) => KeyStatus::NoCreditCode,
        (Some(_), Some(status)) => status.key_status(),
        (Some(_), None) => KeyStatus::Unenrolled,
    }
}

/// Whether the 信用承诺 column lists a commitment: it names a credit code, it is a commitment (not a repair
/// application), and its signer is known — the key approved for that code, or identified by the officer
/// who accepted it. (The server's publication query says the same in SQL; a test holds them equal.)
pub fn listed_publicly(
    template_kind: Option<TemplateKind>,
    has_credit_code: bool,
    standing: KeyStatus,
    identified: Option<IdentityCheck>,
) -> bool {
    has_credit_code
        && template_kind != Some(TemplateKind::Repair)
        && (standing == KeyStatus::Verified || identified.is_some())
}

/// Checks a new commitment before it is stored: a template naming several departments needs the one chosen
/// (older files without it still verify, but are not accepted). A repair application goes to the authority
/// that decided its record (谁认定、谁修复), not to a department chosen on the form.
pub fn accept_commitment(template: &Template, signed_department: Option<&str>) -> Result<(), Refusal> {
    if template.kind != TemplateKind::Repair && template.departments.len() > 1 && signed_department.is_none() {
        return Err(Refusal::DepartmentRequired);
    }
    Ok(())
}

/// Where a signed submission is sent: as a commitment, or as a repair application (a signed 信用修复承诺书,
/// decided by the record's authority).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Desk {
    Commitments,
    RepairApplications,
}

/// Why a signed document is not received, before anything is stored or looked up. Each says its code and a
/// sentence in each language; `is_unreadable` says whether it is a malformed request (400) rather than a
/// document refused (422).
#[derive(Debug, Clone, PartialEq)]
pub enum NotReceived {
    /// The commitment itself: it does not verify or is filled wrongly, it was signed outside the allowance
    /// (`commitment::check_signing_time`; a stale signature on a template version since ended is refused for
    /// its time, the real reason), it is of the older payload type, or it withholds a personal value.
    Commitment(CommitmentError),
    /// The objection does not verify (or was signed outside the allowance: `Commitment`).
    Objection(ObjectionError),
    /// A process rule on a new commitment (`accept_commitment`: a template naming several departments needs
    /// the one chosen).
    Refused(Refusal),
    /// A 信用修复承诺书 sent as a commitment: it is a repair application, decided elsewhere.
    RepairApplicationElsewhere,
    /// Sent as a repair application, but not on the repair template.
    Application(crate::repair::application::ApplicationError),
}

impl NotReceived {
    /// A request that is not a signed document at all (malformed JSON, a bad envelope): 400; any other: 422.
    pub fn is_unreadable(&self) -> bool {
        let envelope = match self {
            Self::Commitment(CommitmentError::Envelope(inner)) | Self::Objection(ObjectionError::Envelope(inner)) => {
                inner
            }
            _ => return false,
        };
        !matches!(envelope, crate::envelope::EnvelopeError::BadSignature)
    }

    /// The fields at fault, when that is the reason.
    pub fn field_issues(&self) -> &[crate::template::FieldIssue] {
        match self {
            Self::Commitment(inner) => inner.field_issues(),
            _ => &[],
        }
    }
}

impl crate::error::Described for NotReceived {
    fn code(&self) -> &'static str {
        match self {
            Self::Commitment(inner) => inner.code(),
            Self::Objection(inner) => inner.code(),
            Self::Refused(inner) => inner.code(),
            Self::RepairApplicationElsewhere => "repair_application_elsewhere",
            Self::Application(inner) => inner.code(),
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Commitment(inner) => inner.message(lang),
            Self::Objection(inner) => inner.message(lang),
            Self::Refused(inner) => inner.message(lang),
            Self::RepairApplicationElsewhere => crate::error::in_lang(
                lang,
                format_args!("信用修复承诺书是修复申请：请通过信用修复申请提交（POST /api/v1/repair-applications）。"),
                format_args!("A credit-repair commitment is a repair application: submit it to POST /api/v1/repair-applications."),
            ),
            Self::Application(inner) => inner.message(lang),
        }
    }
}
crate::error::display_in_chinese!(NotReceived);

/// The signing time a submission claims, read from its payload without verifying it: what a refusal for a
/// template not in force is checked against first (a stale or future-dated signature is refused for its time).
fn claimed_signing_time(text: &str) -> Option<String> {
    use base64::Engine;
    let outer: serde_json::Value = serde_json::from_str(text).ok()?;
    let payload = base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(outer.get("payload")?.as_str()?).ok()?;
    let payload: serde_json::Value = serde_json::from_slice(&payload).ok()?;
    payload.get("signed_at")?.as_str().filter(|at| UtcTimestamp::parse(at).is_ok()).map(str::to_owned)
}

/// Receives a signed submission at `now_millis` (the server's time of receipt) for `desk`: it verifies (one
/// `commitment::verify` for server and browser), is the current payload type with every personal value
/// disclosed (the server checks them all, then keeps them apart from what it publishes), was signed within the
/// allowance (a week before, an hour ahead), and is what the desk takes — a commitment to a template naming
/// several departments names one (`accept_commitment`), a repair application is on the repair template and a
/// commitment is not. What is refused later needs the store (the key's standing, the record, one application
/// under review).
pub fn accept_submission(text: &str, now_millis: u64, desk: Desk) -> Result<SignedCommitment, NotReceived> {
    let signed = crate::commitment::verify(text).map_err(|error| {
        // Read the claimed time only on this refusal, off the hot path of good submissions.
        if let CommitmentError::NotInForce { .. } = error {
            if let Some(Err(stale)) =
                claimed_signing_time(text).map(|at| crate::commitment::check_signing_time(&at, now_millis))
            {
                return NotReceived::Commitment(stale);
            }
        }
        NotReceived::Commitment(error)
    })?;
    if signed.payload_type != crate::commitment::PAYLOAD_TYPE {
        return Err(NotReceived::Commitment(CommitmentError::OutdatedType));
    }
    if !signed.is_complete() {
        return Err(NotReceived::Commitment(CommitmentError::DisclosuresMissing(signed.withheld)));
    }
    crate::commitment::check_signing_time(&signed.signed_at, now_millis).map_err(NotReceived::Commitment)?;
    accept_commitment(signed.prepared.template, signed.prepared.department.as_deref()).map_err(NotReceived::Refused)?;
    match desk {
        Desk::Commitments if signed.prepared.template.kind == TemplateKind::Repair => {
            Err(NotReceived::RepairApplicationElsewhere)
        }
        Desk::RepairApplications => {
            crate::repair::application::check_template(&signed.prepared).map_err(NotReceived::Application)?;
            Ok(signed)
        }
        Desk::Commitments => Ok(signed),
    }
}

/// Receives a signed objection at `now_millis`: it verifies and was signed within the same allowance as a
/// commitment. Whether the key may object, and to that record, is `accept_objection`'s, with the store.
pub fn receive_objection(text: &str, now_millis: u64) -> Result<(Verified, Objection), NotReceived> {
    let (verified, objection) = crate::objection::verify(text).map_err(NotReceived::Objection)?;
    crate::commitment::check_signing_time(&objection.signed_at, now_millis).map_err(NotReceived::Commitment)?;
    Ok((verified, objection))
}

fn approved(kid: &str, credit_code: &str, standing: KeyStatus, what: Filing) -> Result<(), Refusal> {
    match standing {
        KeyStatus::Verified => Ok(()),
        standing => Err(Refusal::KeyNotApproved {
            fingerprint: crate::envelope::fingerprint_groups(kid),
            credit_code: credit_code.to_owned(),
            standing,
            what,
        }),
    }
}

/// A repair application for a record: one at a time, so that the authority's desk and the subject's page
/// hold one application per record (`earlier`: the other applications for it and where each stands).
pub fn accept_repair_application(earlier: &[(String, RepairState)]) -> Result<(), Refusal> {
    match earlier.iter().find(|(_, state)| *state == RepairState::Received) {
        Some((submission_id, _)) => Err(Refusal::RepairPending { submission_id: submission_id.clone() }),
        None => Ok(()),
    }
}

/// An earlier objection to the same record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PastObjection {
    pub objection_id: String,
    pub state: ObjectionState,
    /// `grounds_digest` of its grounds.
    pub grounds_digest: String,
    /// The day (Beijing) it was decided, once decided.
    pub decided_on: Option<Date>,
}

/// The digest two objections' grounds are compared by: hex SHA-256 of the grounds with runs of white space
/// made one space (a reworded statement is new grounds; the same words re-spaced are not).
pub fn grounds_digest(grounds: &str) -> String {
    let normal = grounds.split_whitespace().collect::<Vec<_>>().join(" ");
    Sha256::digest(normal.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

/// A filing (repair application, objection) needs a key approved for the credit code: checked first, before
/// anything about the record is looked up, so a stranger learns nothing about it.
pub fn require_approved(kid: &str, credit_code: &str, standing: KeyStatus, what: Filing) -> Result<(), Refusal> {
    approved(kid, credit_code, standing, what)
}

/// Whether another objection to a record may be filed, given the objections to it so far (id, state): not while
/// one is under review (the record is "异议处理中" until its authority decides). `accept_objection` checks it
/// (after the key); the subject's page asks it before it offers the form.
pub fn no_objection_pending(earlier: &[(String, ObjectionState)]) -> Result<(), Refusal> {
    match earlier.iter().find(|(_, state)| *state == ObjectionState::UnderReview) {
        Some((objection_id, _)) => Err(Refusal::ObjectionPending { objection_id: objection_id.clone() }),
        None => Ok(()),
    }
}

/// Whether an officer holding `roles` may open the inbox of what `kind` names: key enrolments (who claims to
/// hold which key, for which subject) only with the keys role; the others to any officer of the department
/// (what each offers them is `actions`). The server answers by it and the console shows its tabs by it.
pub fn may_open_inbox(kind: TargetKind, roles: &[Role]) -> bool {
    match kind {
        TargetKind::KeyEnrolment => roles.contains(&Role::Keys),
        TargetKind::Commitment | TargetKind::RepairApplication | TargetKind::Objection => true,
    }
}

/// Checks a new objection to a record: an approved key, no other under review, and after a rejection new
/// grounds and `OBJECTION_REFILE_WAIT_DAYS` days.
pub fn accept_objection(
    kid: &str,
    credit_code: &str,
    standing: KeyStatus,
    grounds: &str,
    earlier: &[PastObjection],
    today: Date,
) -> Result<(), Refusal> {
    approved(kid, credit_code, standing, Filing::Objection)?;
    let states: Vec<(String, ObjectionState)> = earlier.iter().map(|o| (o.objection_id.clone(), o.state)).collect();
    no_objection_pending(&states)?;
    let digest = grounds_digest(grounds);
    let rejected = earlier.iter().filter(|o| o.state == ObjectionState::Rejected);
    if rejected.clone().any(|o| o.grounds_digest == digest) {
        return Err(Refusal::ObjectionSameGrounds);
    }
    if let Some(last) = rejected.filter_map(|o| o.decided_on).max() {
        let retry_on = last.add_days(OBJECTION_REFILE_WAIT_DAYS);
        if today < retry_on {
            return Err(Refusal::ObjectionTooSoon { retry_on });
        }
    }
    Ok(())
}

/// Checks the time a decision claims against the server's clock and its target's receipt.
fn check_time(decided_at: &str, case: &Case, now_millis: u64) -> Result<(), Refusal> {
    let decided = UtcTimestamp::parse(decided_at).map_err(|_| DecisionError::BadTime)?.unix_millis();
    let now = i64::try_from(now_millis).unwrap_or(i64::MAX);
    if decided > now.saturating_add(OFFICER_CLOCK_ALLOWANCE_MILLIS) {
        return Err(Refusal::DecidedInFuture);
    }
    if decided < now.saturating_sub(OFFICER_CLOCK_ALLOWANCE_MILLIS) {
        return Err(Refusal::DecidedTooLongAgo);
    }
    if decided < i64::try_from(case.received_at_millis()).unwrap_or(i64::MAX) {
        return Err(Refusal::DecidedBeforeReceipt);
    }
    Ok(())
}

/// The officer a decision needs, with the role its action needs.
fn officer_for(actor: &Actor, action: Action, role: Role) -> Result<(&str, &str), Refusal> {
    match actor {
        Actor::Officer { name, department, roles, .. } => {
            if roles.contains(&role) {
                Ok((name, department))
            } else {
                Err(Refusal::RoleMissing { officer: name.clone(), role, action })
            }
        }
        Actor::Signer { kid } => Err(Refusal::NotAnOfficer { fingerprint: crate::envelope::fingerprint_groups(kid) }),
    }
}

/// Whether the actor may take this kind of step at all (before its target is read, so that a stranger learns
/// nothing about it): the officer's department, or "" for the enterprise's own withdrawal.
pub fn authorize(action: Action, actor: &Actor) -> Result<String, Refusal> {
    match action.role() {
        Some(role) => Ok(department_name(officer_for(actor, action, role)?.1)),
        None => Ok(String::new()),
    }
}

/// Decides one verified decision on its case: the transition, or why not. `now_millis` is the server's
/// time of receipt of the decision.
pub fn decide(
    case: &Case,
    decision_id: &str,
    decision: &Decision,
    actor: &Actor,
    now_millis: u64,
) -> Result<Transition, Refusal> {
    let action = decision.action;
    let department = authorize(action, actor)?;
    check_time(&decision.decided_at, case, now_millis)?;
    match (case, action.target_kind()) {
        (Case::Commitment(case), TargetKind::Commitment) => {
            decide_commitment(case, decision_id, decision, actor, department)
        }
        (Case::Repair(case), TargetKind::RepairApplication) => {
            if !decides_record(&case.authority, &department) {
                return Err(Refusal::OtherAuthority { authority: case.authority.clone(), department });
            }
            let state = case.state.after(action)?;
            let mut effects = Vec::new();
            if state == RepairState::Granted {
                let removed_on = china_date(now_millis);
                effects.push(Effect::EndPublication {
                    credit_code: case.credit_code.clone(),
                    record_id: case.record_id.clone(),
                    removed_on,
                });
            }
            Ok(Transition { outcome: Outcome::Repair(state), effects, department, note: None })
        }
        (Case::Objection(case), TargetKind::Objection) => {
            if !decides_record(&case.authority, &department) {
                return Err(Refusal::OtherAuthority { authority: case.authority.clone(), department });
            }
            let state = case.state.after(action)?;
            let effects = if state == ObjectionState::Upheld {
                vec![Effect::HideRecord { credit_code: case.credit_code.clone(), record_id: case.record_id.clone() }]
            } else {
                Vec::new()
            };
            Ok(Transition { outcome: Outcome::Objection(state), effects, department, note: None })
        }
        // Any department's officer holding the keys role checks a subject's key.
        (Case::Key(case), TargetKind::KeyEnrolment) => {
            let state = crate::decision::enrolment_after(case.state, action)?;
            Ok(Transition { outcome: Outcome::Key(state), effects: Vec::new(), department, note: None })
        }
        // The target is of another kind than the action decides: a repair application (stored as a signed
        // commitment) sent down the commitment track is the case that matters.
        (Case::Commitment(case), _) if case.template_kind == TemplateKind::Repair => Err(Refusal::NotACommitment),
        (case, _) => Err(Refusal::Transition(not_now(case, action))),
    }
}

fn not_now(case: &Case, action: Action) -> DecisionError {
    match case {
        Case::Commitment(case) => DecisionError::NotNow { state: case.state, action },
        Case::Repair(case) => DecisionError::NotNowRepair { state: case.state, action },
        Case::Objection(case) => DecisionError::NotNowObjection { state: case.state, action },
        Case::Key(case) => DecisionError::NotNowKey { state: case.state, action },
    }
}

fn decide_commitment(
    case: &CommitmentCase,
    decision_id: &str,
    decision: &Decision,
    actor: &Actor,
    department: String,
) -> Result<Transition, Refusal> {
    let action = decision.action;
    if case.template_kind == TemplateKind::Repair {
        return Err(Refusal::NotACommitment);
    }
    let department = match actor {
        // A withdrawal: the enterprise's own act, with the very key that signed, while it still counts.
        _ if action == Action::Withdraw => {
            let Actor::Signer { kid } = actor else { return Err(Refusal::NotTheSigner) };
            if *kid != case.signer_kid {
                return Err(Refusal::NotTheSigner);
            }
            if case.standing == KeyStatus::Revoked {
                return Err(Refusal::KeyRevoked { credit_code: case.credit_code.clone().unwrap_or_default() });
            }
            case.departments.first().cloned().unwrap_or_default()
        }
        _ => {
            if !decides(&case.departments, &department) {
                return Err(Refusal::OtherDepartment { departments: case.departments.clone(), department });
            }
            department
        }
    };
    let state = case.state.after(action)?;
    let signer_known = signer_known(case);
    let mut effects = Vec::new();
    let mut note = None;
    match action {
        // Acceptance fixes who signed: the officer's check, or the approved key's enrolment. A later
        // revocation (a key reported lost) then cannot make a breach impossible to find.
        Action::Accept => match decision.identity_checked {
            Some(check) => effects.push(Effect::SignerIdentified(check)),
            None if case.standing == KeyStatus::Verified => {
                effects.push(Effect::SignerIdentified(IdentityCheck::Enrolment));
            }
            None => return Err(Refusal::SignerNotVerified { standing: case.standing, action }),
        },
        Action::Broken if !signer_known => {
            return Err(Refusal::SignerNotVerified { standing: case.standing, action });
        }
        Action::Broken => match &case.credit_code {
            // A person's commitment, or a code the register does not hold: no subject is made from a
            // signature; the decision itself is the department's record.
            None => note = Some("no_credit_code"),
            Some(_) if !case.subject_registered => note = Some("not_in_register"),
            Some(code) => effects.push(Effect::AddRecord {
                credit_code: code.clone(),
                record: Box::new(broken_commitment_record(case, decision_id, decision, &department)),
            }),
        },
        _ => {}
    }
    Ok(Transition { outcome: Outcome::Commitment(state), effects, department, note })
}

/// Whether the enterprise may still withdraw its commitment, as `decide` rules on a withdrawal by the key
/// that signed: the lifecycle allows it (before acceptance) and that key is not revoked for the code. The
/// outbox offers the withdrawal only then.
pub fn may_withdraw(state: CommitmentState, standing: KeyStatus) -> bool {
    standing != KeyStatus::Revoked && state.after(Action::Withdraw).is_ok()
}

/// Whether the commitment's signer is known: identified on acceptance, or signing with a key approved for
/// the code (when it arrived, or now). Only a known signer's commitment can be found broken; the console
/// says it beside each commitment.
pub fn signer_known(case: &CommitmentCase) -> bool {
    case.identified.is_some() || case.standing == KeyStatus::Verified || case.standing_at_receipt == KeyStatus::Verified
}

/// The day in Beijing of a moment.
fn china_date(unix_millis: u64) -> Date {
    let stamp = UtcTimestamp::format_unix_millis(unix_millis);
    UtcTimestamp::parse(&stamp).map(|t| t.china_date()).unwrap_or_else(|_| Date::from_days_since_epoch(0))
}

/// The id of the record a broken commitment's decision adds: its decision's id, shortened (the public log's
/// monitor finds the record a decision added by it).
pub fn broken_record_id(decision_id: &str) -> String {
    format!("broken-{}", decision_id.get(..16).unwrap_or(decision_id))
}

/// What signed decisions did to a stored record, kept beside the body the register gave (the register knows
/// nothing of them): the decision that added it (a broken commitment), the day a granted repair ended its
/// publication, the upheld objection that hid it. They outlive a new import of the subject (`reimport`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecidedMarks {
    /// The decision that added the record: the register never held it.
    pub added_by: Option<String>,
    /// The granted repair that ended the record's publication.
    pub ended: Option<PublicationEnd>,
    /// The upheld objection that hid the record.
    pub hidden_by: Option<String>,
}

impl DecidedMarks {
    /// Whether the record stays through a new import of its subject: while the import holds it, or when a
    /// decision added it (the register never held it, so leaving it out says nothing). What stays keeps its
    /// marks: hidden stays hidden, ended stays ended.
    pub fn outlives_import(&self, in_import: bool) -> bool {
        in_import || self.added_by.is_some()
    }

    /// The body an imported record is kept with: the import's, its publication ending no later than a
    /// granted repair ended it (an import ending it earlier wins; one saying nothing, or later, does not
    /// undo the repair).
    pub fn imported_body(&self, mut imported: Record) -> Record {
        imported.removed_on = match (imported.removed_on, self.ended.as_ref().map(|ended| ended.on)) {
            (Some(imported), Some(ended)) => Some(imported.min(ended)),
            (imported, ended) => imported.or(ended),
        };
        imported
    }
}

/// A granted repair's end of a record's publication: the application granted, and the day (the record's
/// `removed_on` then).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicationEnd {
    pub by: String,
    pub on: Date,
}

/// A record as the store keeps it: its body and what decisions did to it.
#[derive(Debug, Clone, PartialEq)]
pub struct StoredRecord {
    pub record: Record,
    pub marks: DecidedMarks,
}

/// A subject's records after a new import (the register's `imported` over what was `stored`): each imported
/// record, with the marks of the stored record of the same id and its body as `DecidedMarks::imported_body`
/// keeps it; then, in their stored order, the stored records the import leaves out that outlive it (those a
/// decision added), as they were. What the import leaves out and no decision added is gone: the register
/// removed it.
pub fn reimport(imported: &[Record], stored: &[StoredRecord]) -> Vec<StoredRecord> {
    let mut records: Vec<StoredRecord> = imported
        .iter()
        .map(|record| {
            let marks = stored.iter().find(|s| s.record.id == record.id).map(|s| s.marks.clone()).unwrap_or_default();
            StoredRecord { record: marks.imported_body(record.clone()), marks }
        })
        .collect();
    records.extend(
        stored
            .iter()
            .filter(|s| !imported.iter().any(|r| r.id == s.record.id) && s.marks.outlives_import(false))
            .cloned(),
    );
    records
}

/// What an import logs of a subject's records: each one added, changed (by the digest of its body as kept)
/// or removed between what was stored `before` and what is stored `after` (`reimport`'s answer) — so the
/// public log says what the store holds.
pub fn reimport_events(credit_code: &str, before: &[StoredRecord], after: &[StoredRecord]) -> Vec<LogEvent> {
    let digest = |record: &Record| serde_json::to_value(record).ok().map(|body| body_sha256(&body));
    let event = |record_id: &str, change, body_sha256| LogEvent::Record {
        credit_code: credit_code.to_owned(),
        record_id: record_id.to_owned(),
        change,
        body_sha256,
    };
    let mut events = Vec::new();
    for kept in after {
        let now = digest(&kept.record);
        match before.iter().find(|b| b.record.id == kept.record.id) {
            None => events.push(event(&kept.record.id, RecordChange::Added, now)),
            Some(old) if digest(&old.record) != now => events.push(event(&kept.record.id, RecordChange::Changed, now)),
            Some(_) => {}
        }
    }
    for gone in before.iter().filter(|b| !after.iter().any(|a| a.record.id == b.record.id)) {
        events.push(event(&gone.record.id, RecordChange::Removed, None));
    }
    events
}

/// A broken commitment enters the subject's credit record (晋政办发〔2020〕10号 item 2), dated the decision
/// (the day it reached the server, Beijing) and decided by the officer's department; its class is left to the
/// rules (taken as general, and said so).
fn broken_commitment_record(case: &CommitmentCase, decision_id: &str, decision: &Decision, department: &str) -> Record {
    let decided_on = UtcTimestamp::parse(&decision.decided_at)
        .map(|t| t.china_date())
        .unwrap_or_else(|_| china_date(case.received_at_millis));
    Record {
        id: broken_record_id(decision_id),
        kind: RecordKind::BrokenCommitment,
        decision_no: format!("{department}违诺认定 {}", decision_id.get(..8).unwrap_or(decision_id)),
        authority: department.to_owned(),
        market_regulation: false,
        decided_on,
        class: None,
        penalties: Vec::new(),
        penalty_as_named: None,
        fine_yuan: None,
        sector: None,
        summary: format!("违背《{}》：{}", case.title_zh, decision.reason),
        obligations_met_on: None,
        removed_on: None,
        ban_until: None,
        has_term: None,
        law_forbids_repair: false,
        aggravated_years: 0,
        published_on: None,
        procedure: None,
        listing_ground: None,
        lower_fine: None,
        cross_province: None,
    }
}

/// What the console offers an officer on a case: each action whose role they hold and whose step the target
/// can take now, on a case of their department, and whether accepting needs them to say how they identified
/// the signer — exactly what `decide` would allow them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Offer {
    pub action: Action,
    pub needs_identity_check: bool,
}

pub fn actions(case: &Case, department: &str, roles: &[Role]) -> Vec<Offer> {
    // The officer's department, as `decide` reads it: nothing of another department's (any department checks keys).
    let theirs = match case {
        Case::Commitment(c) => decides(&c.departments, department),
        Case::Repair(c) => decides_record(&c.authority, department),
        Case::Objection(c) => decides_record(&c.authority, department),
        Case::Key(_) => true,
    };
    let candidates: &[Action] = match case {
        _ if !theirs => &[],
        Case::Commitment(c) if c.template_kind == TemplateKind::Repair => &[],
        Case::Commitment(_) => &[Action::Accept, Action::Return, Action::Kept, Action::Broken],
        Case::Repair(_) => &[Action::RepairGranted, Action::RepairRefused],
        Case::Objection(_) => &[Action::ObjectionUpheld, Action::ObjectionRejected],
        Case::Key(_) => &[Action::KeyApproved, Action::KeyRevoked],
    };
    candidates
        .iter()
        .copied()
        .filter(|action| action.role().is_some_and(|role| roles.contains(&role)))
        .filter_map(|action| {
            let (allowed, needs_identity_check) = match case {
                Case::Commitment(c) => {
                    let known = signer_known(c);
                    let step = c.state.after(action).is_ok();
                    match action {
                        Action::Accept => (step, c.standing != KeyStatus::Verified),
                        Action::Broken => (step && known, false),
                        _ => (step, false),
                    }
                }
                Case::Repair(c) => (c.state.after(action).is_ok(), false),
                Case::Objection(c) => (c.state.after(action).is_ok(), false),
                Case::Key(c) => (crate::decision::enrolment_after(c.state, action).is_ok(), false),
            };
            allowed.then_some(Offer { action, needs_identity_check })
        })
        .collect()
}
