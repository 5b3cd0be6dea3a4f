//! Decisions by department officers, each a signed document: a JWS by the officer's key (the same envelope
//! rules as commitments) whose payload says what was decided about which submission, and why. Decisions are
//! public and hold no personal data. The lifecycle they move a commitment through is computed here, so the
//! server, the app and any verifier agree on what a sequence of decisions means.

use crate::lang::Lang;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};

use crate::calendar::UtcTimestamp;
use crate::enrolment::EnrolmentStatus;
use crate::envelope::{self, EnvelopeError, FlattenedJws, Verified};

pub const DECISION_TYPE: &str = "xinnuo.decision/1";
/// Longest reason or finding, in characters.
pub const MAX_REASON_CHARS: usize = 2000;

/// What an officer decides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// 受理: the commitment is accepted and in force (在诺).
    Accept,
    /// 退回补正: returned to the enterprise to correct and sign again.
    Return,
    /// 已履诺: the department found the commitment kept.
    Kept,
    /// 违诺: the department found the commitment broken.
    Broken,
    /// 准予修复: a repair application granted by the authority that decided the record (谁认定、谁修复).
    RepairGranted,
    /// 不予修复: refused, with the reasons.
    RepairRefused,
    /// 异议成立: the record was wrong; it is removed from the subject's credit record.
    ObjectionUpheld,
    /// 异议不成立: the record stands, with the reasons.
    ObjectionRejected,
    /// 核验密钥: an officer checked that a key enrolled for a credit code belongs to that subject.
    KeyApproved,
    /// 吊销密钥: signatures made with the key for that code from now on are received as revoked.
    KeyRevoked,
    /// 撤回: the enterprise withdraws its own commitment, signed with the key that signed it.
    Withdraw,
}

impl Action {
    /// Every action, in declaration order (tests go through each; `position` keeps the list whole).
    pub const ALL: [Action; 11] = [
        Action::Accept,
        Action::Return,
        Action::Kept,
        Action::Broken,
        Action::RepairGranted,
        Action::RepairRefused,
        Action::ObjectionUpheld,
        Action::ObjectionRejected,
        Action::KeyApproved,
        Action::KeyRevoked,
        Action::Withdraw,
    ];

    /// Its place in `ALL`: a new action does not compile until it has one (and a test finds it there).
    pub const fn position(self) -> usize {
        match self {
            Self::Accept => 0,
            Self::Return => 1,
            Self::Kept => 2,
            Self::Broken => 3,
            Self::RepairGranted => 4,
            Self::RepairRefused => 5,
            Self::ObjectionUpheld => 6,
            Self::ObjectionRejected => 7,
            Self::KeyApproved => 8,
            Self::KeyRevoked => 9,
            Self::Withdraw => 10,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Accept => "受理",
            Self::Return => "退回补正",
            Self::Kept => "认定已履诺",
            Self::Broken => "认定违诺",
            Self::RepairGranted => "准予信用修复",
            Self::RepairRefused => "不予信用修复",
            Self::ObjectionUpheld => "异议成立",
            Self::ObjectionRejected => "异议不成立",
            Self::KeyApproved => "核验密钥",
            Self::KeyRevoked => "吊销密钥",
            Self::Withdraw => "撤回承诺",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Accept => "accepted",
            Self::Return => "returned for correction",
            Self::Kept => "found kept",
            Self::Broken => "found broken",
            Self::RepairGranted => "repair granted",
            Self::RepairRefused => "repair refused",
            Self::ObjectionUpheld => "objection upheld",
            Self::ObjectionRejected => "objection rejected",
            Self::KeyApproved => "key approved",
            Self::KeyRevoked => "key revoked",
            Self::Withdraw => "withdrawn by the enterprise",
        }
    }

    /// What the action decides on.
    pub fn target_kind(self) -> TargetKind {
        match self {
            Self::Accept | Self::Return | Self::Kept | Self::Broken | Self::Withdraw => TargetKind::Commitment,
            Self::RepairGranted | Self::RepairRefused => TargetKind::RepairApplication,
            Self::ObjectionUpheld | Self::ObjectionRejected => TargetKind::Objection,
            Self::KeyApproved | Self::KeyRevoked => TargetKind::KeyEnrolment,
        }
    }

    /// The role an officer needs for it; `None`: not an officer's act (a withdrawal is the enterprise's,
    /// signed with the key that signed the commitment).
    pub fn role(self) -> Option<Role> {
        match self {
            Self::Accept | Self::Return => Some(Role::Review),
            Self::KeyApproved | Self::KeyRevoked => Some(Role::Keys),
            Self::Withdraw => None,
            _ => Some(Role::Decide),
        }
    }

    /// A return and a finding of a broken commitment must say why; accepting and finding it kept may.
    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Self::Return
                | Self::Broken
                | Self::RepairRefused
                | Self::ObjectionUpheld
                | Self::ObjectionRejected
                | Self::KeyRevoked
        )
    }
}

/// What a decision is about; its `target` is that item's id (the SHA-256 of its signed document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    Commitment,
    RepairApplication,
    Objection,
    KeyEnrolment,
}

/// What an officer may do; the operator gives each officer one or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 受理 / 退回补正 commitments.
    Review,
    /// Find commitments kept or broken; decide repair applications and objections.
    Decide,
    /// Approve and revoke enterprises' keys (the operator's token stays for bootstrap).
    Keys,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Review, Role::Decide, Role::Keys];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Review => "review",
            Self::Decide => "decide",
            Self::Keys => "keys",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|role| role.as_str() == text.trim())
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Review => "受理",
            Self::Decide => "认定与决定",
            Self::Keys => "密钥核验",
        }
    }

    /// Roles written `review,decide` (order and spaces do not matter; each once).
    pub fn parse_list(text: &str) -> Option<Vec<Role>> {
        let mut roles = Vec::new();
        for part in text.split(',').filter(|p| !p.trim().is_empty()) {
            let role = Self::parse(part)?;
            if !roles.contains(&role) {
                roles.push(role);
            }
        }
        roles.sort();
        (!roles.is_empty()).then_some(roles)
    }
}

/// Where an objection stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ObjectionState {
    /// 异议处理中: the record is shown with this mark everywhere until decided.
    UnderReview,
    /// 异议成立: the record is removed.
    Upheld,
    /// 异议不成立.
    Rejected,
}

impl ObjectionState {
    pub const ALL: [Self; 3] = [Self::UnderReview, Self::Upheld, Self::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::UnderReview => "under_review",
            Self::Upheld => "upheld",
            Self::Rejected => "rejected",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::UnderReview => "异议处理中",
            Self::Upheld => "异议成立",
            Self::Rejected => "异议不成立",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::UnderReview => "objection under review",
            Self::Upheld => "objection upheld",
            Self::Rejected => "objection rejected",
        }
    }

    pub fn after(self, action: Action) -> Result<Self, DecisionError> {
        match (self, action) {
            (Self::UnderReview, Action::ObjectionUpheld) => Ok(Self::Upheld),
            (Self::UnderReview, Action::ObjectionRejected) => Ok(Self::Rejected),
            (state, action) => Err(DecisionError::NotNowObjection { state, action }),
        }
    }
}

/// A key enrolment's state after a key decision (approval is per credit code; a revoked key stays so).
pub fn enrolment_after(state: EnrolmentStatus, action: Action) -> Result<EnrolmentStatus, DecisionError> {
    match (state, action) {
        (EnrolmentStatus::Pending, Action::KeyApproved) => Ok(EnrolmentStatus::Approved),
        (EnrolmentStatus::Pending | EnrolmentStatus::Approved, Action::KeyRevoked) => Ok(EnrolmentStatus::Revoked),
        (state, action) => Err(DecisionError::NotNowKey { state, action }),
    }
}

/// Where a repair application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RepairState {
    /// 修复审核中.
    Received,
    /// 已修复: the record's publication ended on the decision.
    Granted,
    /// 修复未通过.
    Refused,
}

impl RepairState {
    pub const ALL: [Self; 3] = [Self::Received, Self::Granted, Self::Refused];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::Granted => "granted",
            Self::Refused => "refused",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            // Applications stored before decisions existed were "submitted".
            "received" | "submitted" => Some(Self::Received),
            "granted" => Some(Self::Granted),
            "refused" => Some(Self::Refused),
            _ => None,
        }
    }

    /// Every name a state is stored under (applications stored before decisions existed say "submitted").
    pub fn stored_names(self) -> &'static [&'static str] {
        match self {
            Self::Received => &["received", "submitted"],
            Self::Granted => &["granted"],
            Self::Refused => &["refused"],
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Received => "修复审核中",
            Self::Granted => "已修复",
            Self::Refused => "修复未通过",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Received => "repair under review",
            Self::Granted => "repaired",
            Self::Refused => "repair refused",
        }
    }

    /// The state after `action`: only an application under review is decided, once.
    pub fn after(self, action: Action) -> Result<Self, DecisionError> {
        match (self, action) {
            (Self::Received, Action::RepairGranted) => Ok(Self::Granted),
            (Self::Received, Action::RepairRefused) => Ok(Self::Refused),
            (state, action) => Err(DecisionError::NotNowRepair { state, action }),
        }
    }
}

/// The state a decision led to: a commitment's or a repair application's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(as = DecisionOutcome))]
#[serde(untagged)]
pub enum Outcome {
    Commitment(CommitmentState),
    Repair(RepairState),
    Objection(ObjectionState),
    Key(EnrolmentStatus),
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commitment(state) => state.as_str(),
            Self::Repair(state) => state.as_str(),
            Self::Objection(state) => state.as_str(),
            Self::Key(state) => state.as_str(),
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Commitment(state) => state.label_zh(),
            Self::Repair(state) => state.label_zh(),
            Self::Objection(state) => state.label_zh(),
            Self::Key(state) => state.label_zh(),
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Commitment(state) => state.label_en(),
            Self::Repair(state) => state.label_en(),
            Self::Objection(state) => state.label_en(),
            Self::Key(state) => state.label_en(),
        }
    }
}

/// Where a commitment stands (GB/T 46277-2025: make, publish, fulfil, verify).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CommitmentState {
    /// 已提交: received, not yet decided.
    Submitted,
    /// 需补正: returned; the enterprise corrects it and signs a new one.
    Returned,
    /// 在诺: accepted, within its term.
    InForce,
    /// 已履诺.
    Kept,
    /// 违诺.
    Broken,
    /// 已撤回: withdrawn by the enterprise before the department accepted it.
    Withdrawn,
}

impl CommitmentState {
    /// Where it stands as the public reads it (the 信用承诺 column, the credit report): a breach finding whose
    /// record an upheld objection removed reads "违诺认定已撤销", neither 违诺 as if it stood nor a state
    /// nobody decided.
    pub fn public_label(self, finding_overturned: bool) -> (&'static str, &'static str) {
        match (self, finding_overturned) {
            (Self::Broken, true) => ("违诺认定已撤销", "breach finding withdrawn"),
            (state, _) => (state.label_zh(), state.label_en()),
        }
    }

    /// In the order a department works through them.
    pub const ALL: [Self; 6] =
        [Self::Submitted, Self::InForce, Self::Returned, Self::Kept, Self::Broken, Self::Withdrawn];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::InForce => "in_force",
            Self::Kept => "kept",
            Self::Broken => "broken",
            Self::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|state| state.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Submitted => "已提交",
            Self::Returned => "需补正",
            Self::InForce => "在诺",
            Self::Kept => "已履诺",
            Self::Broken => "违诺",
            Self::Withdrawn => "已撤回",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Submitted => "submitted",
            Self::Returned => "returned for correction",
            Self::InForce => "in force",
            Self::Kept => "kept",
            Self::Broken => "broken",
            Self::Withdrawn => "withdrawn",
        }
    }

    /// The state after `action`, or why the action does not apply now.
    pub fn after(self, action: Action) -> Result<Self, DecisionError> {
        match (self, action) {
            (Self::Submitted, Action::Accept) => Ok(Self::InForce),
            (Self::Submitted, Action::Return) => Ok(Self::Returned),
            (Self::InForce, Action::Kept) => Ok(Self::Kept),
            (Self::InForce, Action::Broken) => Ok(Self::Broken),
            // Before the department accepted it: once in force the department relies on it until it is found
            // kept or broken (withdrawing then would let a breach escape its finding).
            (Self::Submitted | Self::Returned, Action::Withdraw) => Ok(Self::Withdrawn),
            (state, action) => Err(DecisionError::NotNow { state, action }),
        }
    }
}

/// What a decision says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(rename = "type")]
    pub decision_type: String,
    pub action: Action,
    /// The id of what is decided on: a commitment's or repair application's submission id, an objection's
    /// id, a key enrolment's id (each the SHA-256 of its signed document).
    pub target: String,
    pub reason: String,
    pub decided_at: String,
    pub nonce: String,
    /// How the officer identified the signer of a commitment whose key is not approved for its credit code
    /// (only with `accept`); without it such a commitment is not accepted (see `workflow`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub identity_checked: Option<IdentityCheck>,
}

/// How an officer identified the signer of a commitment signed with a key not approved for its credit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case")]
pub enum IdentityCheck {
    /// 窗口核验: in person at the counter, against an ID card and the business licence.
    Counter,
    /// The key's enrolment was checked (as when approving it) while accepting.
    Enrolment,
    /// 电子营业执照: the enterprise signed in with its electronic business licence.
    ELicense,
}

impl IdentityCheck {
    pub const ALL: [Self; 3] = [Self::Counter, Self::Enrolment, Self::ELicense];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Counter => "counter",
            Self::Enrolment => "enrolment",
            Self::ELicense => "e-license",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|check| check.as_str() == text)
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Counter => "窗口当面核验身份证件与营业执照",
            Self::Enrolment => "核验密钥登记材料",
            Self::ELicense => "电子营业执照核验",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Counter => "identity documents and business licence checked at the counter",
            Self::Enrolment => "the key's enrolment papers checked",
            Self::ELicense => "electronic business licence checked",
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub enum DecisionError {
    Envelope(EnvelopeError),
    NotADecision,
    BadTarget,
    ReasonRequired(Action),
    BadReason,
    BadTime,
    BadNonce,
    /// `identity_checked` says how a signer was identified when accepting; on any other action it means nothing.
    IdentityOnlyOnAccept,
    NotNow {
        state: CommitmentState,
        action: Action,
    },
    NotNowRepair {
        state: RepairState,
        action: Action,
    },
    NotNowObjection {
        state: ObjectionState,
        action: Action,
    },
    NotNowKey {
        state: EnrolmentStatus,
        action: Action,
    },
}

impl crate::error::Described for DecisionError {
    fn code(&self) -> &'static str {
        match self {
            Self::Envelope(inner) => inner.code(),
            Self::NotADecision => "not_a_decision",
            Self::BadTarget => "bad_target",
            Self::ReasonRequired(_) => "reason_required",
            Self::BadReason => "bad_reason",
            Self::BadTime | Self::BadNonce => "bad_payload",
            Self::IdentityOnlyOnAccept => "identity_only_on_accept",
            Self::NotNow { .. } | Self::NotNowRepair { .. } | Self::NotNowObjection { .. } | Self::NotNowKey { .. } => {
                "transition_not_allowed"
            }
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Envelope(inner) => inner.message(lang),
            Self::NotADecision => crate::error::in_lang(lang, format_args!("不是决定书（type 应为 {DECISION_TYPE}）"), format_args!("not a decision (type must be {DECISION_TYPE})")),
            Self::BadTarget => crate::error::in_lang(lang, format_args!("决定对象应为 64 位十六进制的提交编号"), format_args!("the target must be a 64-hex submission id")),
            Self::ReasonRequired(action) => crate::error::in_lang(lang, format_args!("{}须写明理由", action.label_zh()), format_args!("{} needs a reason", action.label_en())),
            Self::BadReason => crate::error::in_lang(lang, format_args!("理由最多 {MAX_REASON_CHARS} 个字，且不含控制字符或不可见的格式字符"), format_args!("the reason has at most {MAX_REASON_CHARS} characters and no control or invisible format characters")),
            Self::BadTime => crate::error::in_lang(lang, format_args!("决定时间格式应为 UTC 时间戳"), format_args!("decided_at must be a UTC timestamp")),
            Self::BadNonce => crate::error::in_lang(lang, format_args!("随机数 nonce 应为至少 16 字节的 base64url"), format_args!("the nonce must be base64url of at least 16 bytes")),
            Self::IdentityOnlyOnAccept => crate::error::in_lang(lang, format_args!("只有受理时才写明如何核验签署人身份（identity_checked）"), format_args!("identity_checked says how a signer was identified; it belongs to an accept only")),
            Self::NotNow { state, action } => crate::error::in_lang(lang, format_args!("当前状态“{}”下不能{}", state.label_zh(), action.label_zh()), format_args!("cannot be {} while {}", action.label_en(), state.label_en())),
            Self::NotNowRepair { state, action } => crate::error::in_lang(lang, format_args!("修复申请当前状态“{}”下不能{}", state.label_zh(), action.label_zh()), format_args!("cannot be {} while {}", action.label_en(), state.label_en())),
            Self::NotNowObjection { state, action } => crate::error::in_lang(lang, format_args!("异议当前状态“{}”下不能{}", state.label_zh(), action.label_zh()), format_args!("cannot be {} while {}", action.label_en(), state.label_en())),
            Self::NotNowKey { state, action } => crate::error::in_lang(lang, format_args!("密钥登记当前状态“{}”下不能{}", state.label_zh(), action.label_zh()), format_args!("cannot be {} while {}", action.label_en(), state.label_en())),
        }
    }
}
crate::error::display_in_chinese!(DecisionError);

impl From<EnvelopeError> for DecisionError {
    fn from(inner: EnvelopeError) -> Self {
        Self::Envelope(inner)
    }
}

impl DecisionError {}

fn checked(decision: &Decision) -> Result<(), DecisionError> {
    if decision.decision_type != DECISION_TYPE {
        return Err(DecisionError::NotADecision);
    }
    if decision.target.len() != 64 || !decision.target.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    {
        return Err(DecisionError::BadTarget);
    }
    let reason_chars = decision.reason.chars().count();
    if reason_chars > MAX_REASON_CHARS
        || decision.reason.trim() != decision.reason
        || crate::text::first_forbidden(&decision.reason).is_some()
    {
        return Err(DecisionError::BadReason);
    }
    if decision.action.needs_reason() && reason_chars < 2 {
        return Err(DecisionError::ReasonRequired(decision.action));
    }
    UtcTimestamp::parse(&decision.decided_at).map_err(|_| DecisionError::BadTime)?;
    if decision.identity_checked.is_some() && decision.action != Action::Accept {
        return Err(DecisionError::IdentityOnlyOnAccept);
    }
    if URL_SAFE_NO_PAD.decode(&decision.nonce).map_or(true, |n| n.len() < 16) {
        return Err(DecisionError::BadNonce);
    }
    Ok(())
}

/// Builds and signs a decision with an officer's key.
pub fn sign(
    action: Action,
    target: &str,
    reason: &str,
    decided_at: &str,
    nonce: &[u8; 16],
    signer: &envelope::Signer,
) -> Result<FlattenedJws, DecisionError> {
    sign_identified(action, target, reason, None, decided_at, nonce, signer)
}

/// Builds and signs a decision that says how the officer identified the signer (an `accept`).
pub fn sign_identified(
    action: Action,
    target: &str,
    reason: &str,
    identity_checked: Option<IdentityCheck>,
    decided_at: &str,
    nonce: &[u8; 16],
    signer: &envelope::Signer,
) -> Result<FlattenedJws, DecisionError> {
    let decision = Decision {
        identity_checked,
        decision_type: DECISION_TYPE.into(),
        action,
        target: target.trim().to_ascii_lowercase(),
        reason: reason.trim().to_owned(),
        decided_at: decided_at.into(),
        nonce: URL_SAFE_NO_PAD.encode(nonce),
    };
    checked(&decision)?;
    let payload = serde_json::to_value(&decision).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    Ok(signer.sign(&payload)?)
}

/// Verifies the signature and the decision's contents (whose key it is, and whether it may decide, is the
/// server's check: it knows the officers).
pub fn verify(jws: &str) -> Result<(Verified, Decision), DecisionError> {
    let verified = envelope::verify(jws)?;
    let decision: Decision =
        serde_json::from_value(verified.payload.clone()).map_err(|_| DecisionError::NotADecision)?;
    checked(&decision)?;
    Ok((verified, decision))
}

pub const DECISION_RECEIPT_TYPE: &str = "xinnuo.decision-receipt/1";

/// The server's countersignature on a decision it recorded (when, in which order, and the state it led to), as
/// servers made them before a decision's receipt became its public-log entry: still verified
/// (`public_log::check_decision_receipt`), no longer made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct DecisionReceipt {
    #[serde(rename = "type")]
    pub receipt_type: String,
    pub decision_id: String,
    pub target: String,
    pub action: Action,
    pub state: Outcome,
    pub received_at: String,
    pub sequence: u64,
    pub officer_kid: String,
    pub department: String,
}

/// Signs a decision receipt with the server's key.
pub fn sign_receipt(receipt: &DecisionReceipt, server: &envelope::Signer) -> Result<FlattenedJws, EnvelopeError> {
    let payload = serde_json::to_value(receipt).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    server.sign(&payload)
}

/// Verifies a decision receipt: signed by one of the trusted server keys, and for `decision_id`.
pub fn verify_receipt(
    jws: &str,
    decision_id: &str,
    trusted: &crate::receipt::TrustedServerKeys,
) -> Result<DecisionReceipt, crate::receipt::ReceiptError> {
    use crate::receipt::ReceiptError;
    let server = envelope::verify(jws)?;
    if !trusted.trusts(&server.kid, &server.public_key) {
        return Err(ReceiptError::UnknownServerKey);
    }
    let receipt: DecisionReceipt = serde_json::from_value(server.payload).map_err(|_| ReceiptError::NotAReceipt)?;
    if receipt.receipt_type != DECISION_RECEIPT_TYPE {
        return Err(ReceiptError::NotAReceipt);
    }
    if receipt.decision_id != decision_id {
        return Err(ReceiptError::OtherSubmission);
    }
    Ok(receipt)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TARGET: &str = "ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12ab12";

    fn officer() -> envelope::Signer {
        envelope::Signer::from_seed(&[8; 32])
    }

    #[test]
    fn a_signed_decision_verifies_and_names_its_officer() {
        let jws =
            sign(Action::Broken, TARGET, "未按承诺期限补交材料", "2026-12-02T02:00:00Z", &[1; 16], &officer()).unwrap();
        let (verified, decision) = verify(&jws.to_json()).unwrap();
        assert_eq!(verified.kid, officer().kid());
        assert_eq!((decision.action, decision.target.as_str()), (Action::Broken, TARGET));
    }

    #[test]
    fn a_return_or_a_breach_says_why_and_targets_are_submission_ids() {
        let sign_now = |action, target: &str, reason: &str| {
            sign(action, target, reason, "2026-12-02T02:00:00Z", &[1; 16], &officer()).map(|_| ())
        };
        assert_eq!(sign_now(Action::Return, TARGET, " "), Err(DecisionError::ReasonRequired(Action::Return)));
        assert_eq!(sign_now(Action::Accept, TARGET, ""), Ok(()));
        assert_eq!(sign_now(Action::Accept, "../etc", ""), Err(DecisionError::BadTarget));
        assert_eq!(sign_now(Action::Broken, TARGET, "理由\u{202E}"), Err(DecisionError::BadReason));
        let commitment = envelope::sign(&serde_json::json!({"type": "xinnuo.commitment/2"}), &[8; 32]).unwrap();
        assert_eq!(verify(&commitment.to_json()).unwrap_err(), DecisionError::NotADecision);
    }

    #[test]
    fn a_decision_receipt_counts_only_from_the_server() {
        let receipt = DecisionReceipt {
            receipt_type: DECISION_RECEIPT_TYPE.into(),
            decision_id: "cd".repeat(32),
            target: TARGET.into(),
            action: Action::Accept,
            state: Outcome::Commitment(CommitmentState::InForce),
            received_at: "2026-12-02T02:00:01.000Z".into(),
            sequence: 1,
            officer_kid: officer().kid().into(),
            department: "国家税务总局山西省税务局".into(),
        };
        let server = envelope::Signer::from_seed(&[9; 32]);
        let trusted = crate::receipt::TrustedServerKeys::from_public_keys([server.public_key()]);
        let jws = sign_receipt(&receipt, &server).unwrap().to_json();
        assert_eq!(verify_receipt(&jws, &"cd".repeat(32), &trusted), Ok(receipt.clone()));
        let forged = sign_receipt(&receipt, &officer()).unwrap().to_json();
        assert_eq!(
            verify_receipt(&forged, &"cd".repeat(32), &trusted),
            Err(crate::receipt::ReceiptError::UnknownServerKey)
        );
    }

    #[test]
    fn roles_are_read_from_a_list_and_each_action_needs_one() {
        assert_eq!(Role::parse_list("decide, review,review"), Some(vec![Role::Review, Role::Decide]));
        assert_eq!(Role::parse_list("review,admin"), None);
        assert_eq!(Role::parse_list(""), None);
        assert_eq!(Action::Accept.role(), Some(Role::Review));
        assert_eq!(Action::Broken.role(), Some(Role::Decide));
        assert_eq!(Action::ObjectionUpheld.role(), Some(Role::Decide));
        assert_eq!(Action::KeyApproved.role(), Some(Role::Keys));
        assert_eq!(Action::Withdraw.role(), None, "the enterprise's own act");
        assert_eq!(Action::ObjectionRejected.target_kind(), TargetKind::Objection);
    }

    #[test]
    fn the_lifecycle_allows_only_its_own_steps() {
        use CommitmentState::*;
        assert_eq!(Submitted.after(Action::Accept), Ok(InForce));
        assert_eq!(Submitted.after(Action::Return), Ok(Returned));
        assert_eq!(InForce.after(Action::Kept), Ok(Kept));
        assert_eq!(InForce.after(Action::Broken), Ok(Broken));
        for (state, action) in [
            (Submitted, Action::Kept),
            (Returned, Action::Accept),
            (Kept, Action::Broken),
            (Broken, Action::Kept),
            (InForce, Action::Accept),
        ] {
            assert_eq!(state.after(action), Err(DecisionError::NotNow { state, action }), "{state:?} {action:?}");
        }
        for state in [Submitted, Returned, InForce, Kept, Broken, Withdrawn] {
            assert_eq!(CommitmentState::parse(state.as_str()), Some(state));
        }
        assert_eq!(Submitted.after(Action::Withdraw), Ok(Withdrawn));
        assert_eq!(Returned.after(Action::Withdraw), Ok(Withdrawn));
        assert!(InForce.after(Action::Withdraw).is_err(), "accepted: the department relies on it");
        assert!(Kept.after(Action::Withdraw).is_err(), "a finding stands");
        assert!(Withdrawn.after(Action::Accept).is_err());
        assert_eq!(
            Submitted.after(Action::RepairGranted),
            Err(DecisionError::NotNow { state: Submitted, action: Action::RepairGranted })
        );
        assert_eq!(RepairState::Received.after(Action::RepairGranted), Ok(RepairState::Granted));
        assert_eq!(RepairState::Received.after(Action::RepairRefused), Ok(RepairState::Refused));
        assert!(RepairState::Granted.after(Action::RepairRefused).is_err());
        assert!(RepairState::Received.after(Action::Accept).is_err());
        // Stored as their names; read back to the right kind.
        assert_eq!(ObjectionState::UnderReview.after(Action::ObjectionUpheld), Ok(ObjectionState::Upheld));
        assert!(ObjectionState::Rejected.after(Action::ObjectionUpheld).is_err());
        assert_eq!(enrolment_after(EnrolmentStatus::Pending, Action::KeyApproved), Ok(EnrolmentStatus::Approved));
        assert_eq!(enrolment_after(EnrolmentStatus::Approved, Action::KeyRevoked), Ok(EnrolmentStatus::Revoked));
        assert!(enrolment_after(EnrolmentStatus::Revoked, Action::KeyApproved).is_err());
        let outcomes = [
            Outcome::Commitment(Kept),
            Outcome::Repair(RepairState::Granted),
            Outcome::Objection(ObjectionState::Upheld),
            Outcome::Key(EnrolmentStatus::Approved),
        ];
        for outcome in outcomes {
            let text = serde_json::to_string(&outcome).unwrap();
            assert_eq!(serde_json::from_str::<Outcome>(&text).unwrap(), outcome);
        }
    }
}
