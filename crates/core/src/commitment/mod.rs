//! A filled commitment: validation against its template, the canonical payload that is signed, and the
//! checks a verifier (server or browser) applies to a signed payload. Time and nonce are passed in.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::calendar::{Date, UtcTimestamp};
use crate::envelope::{self, EnvelopeError, FlattenedJws, Verified};
use crate::template::{self, render_values, FieldIssue, FieldIssueCode, Lang, Rendered, Template, TemplateError};

/// The `type` member of a commitment payload.
pub const PAYLOAD_TYPE: &str = "xinnuo.commitment/1";

/// What a person filled in: a template and the field values (strings; booleans for confirmations).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Filled {
    pub template_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_version: Option<String>,
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
}

/// A filled commitment whose every value passed its rule, in normal form.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub template: &'static Template,
    pub values: BTreeMap<String, Value>,
}

impl Prepared {
    /// The subject's credit code (every template has a `credit_code` field).
    pub fn credit_code(&self) -> Option<&str> {
        self.values.get("credit_code").and_then(Value::as_str)
    }

    pub fn render(&self, lang: Lang, signed_on: Option<Date>) -> Rendered {
        render_values(self.template, &self.values, lang, signed_on)
    }
}

/// Why a filled or signed commitment is refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CommitmentError {
    #[error(transparent)]
    Template(#[from] TemplateError),
    #[error("模板 {id} {version} 自 {from} 起施行，{on} 不能使用 / template {id} {version} is not in force on {on} (from {from})")]
    NotInForce { id: String, version: String, from: Date, on: Date },
    #[error("有 {} 项填写有误 / {} field(s) are invalid", .0.len(), .0.len())]
    InvalidFields(Vec<FieldIssue>),
    #[error("承诺书文本摘要与模板 {id} {version} 不符：内容不是该模板的文本 / the text hash does not match template {id} {version}")]
    TextHashMismatch { id: String, version: String },
    #[error("载荷中的统一社会信用代码与填写的不一致 / the payload's credit code differs from the filled one")]
    CreditCodeMismatch,
    #[error("不是承诺书载荷（type 应为 {PAYLOAD_TYPE}）/ not a commitment payload (type must be {PAYLOAD_TYPE})")]
    WrongType,
    #[error("载荷缺少或错写了 {0} / the payload lacks or misstates {0}")]
    BadMember(&'static str),
    #[error(transparent)]
    Envelope(#[from] EnvelopeError),
    #[error("签名时间 {0} 晚于接收时间一小时以上，请检查设备时钟 / the signature time {0} is more than an hour ahead of its receipt; check the device clock")]
    SignedInFuture(String),
    #[error("签名时间 {0} 早于接收时间七天以上，请重新签名后提交 / the signature time {0} is more than seven days before its receipt; sign again and submit")]
    SignedTooLongAgo(String),
}

/// How far a signature may lie ahead of the server's clock (devices whose clocks run fast).
pub const MAX_SIGNED_AHEAD_MILLIS: i64 = 60 * 60 * 1000;
/// How long a signed commitment may wait before it reaches the server: the offline allowance (a device
/// that signed without a connection sends within a week), and no longer, so nobody backdates a signature.
pub const MAX_SIGNED_BEFORE_RECEIPT_MILLIS: i64 = 7 * 24 * 60 * 60 * 1000;

/// A signature time must lie within `[received − 7 days, received + 1 hour]`; `received_at` is authoritative.
pub fn check_signing_time(signed_at: &str, received_at_unix_millis: u64) -> Result<(), CommitmentError> {
    let signed = UtcTimestamp::parse(signed_at).map_err(|_| CommitmentError::BadMember("signed_at"))?.unix_millis();
    let received = i64::try_from(received_at_unix_millis).unwrap_or(i64::MAX);
    if signed > received.saturating_add(MAX_SIGNED_AHEAD_MILLIS) {
        Err(CommitmentError::SignedInFuture(signed_at.to_owned()))
    } else if signed < received.saturating_sub(MAX_SIGNED_BEFORE_RECEIPT_MILLIS) {
        Err(CommitmentError::SignedTooLongAgo(signed_at.to_owned()))
    } else {
        Ok(())
    }
}

impl CommitmentError {
    /// A stable code for programs (the package's `errors[].code`; the server's problem type is the same words
    /// with hyphens). Field issues carry their own codes.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Template(TemplateError::UnknownTemplate(_)) => "unknown_template",
            Self::Template(TemplateError::UnknownVersion { .. }) => "unknown_template_version",
            Self::NotInForce { .. } => "template_not_in_force",
            Self::InvalidFields(_) => "invalid_fields",
            Self::TextHashMismatch { .. } => "text_hash_mismatch",
            Self::CreditCodeMismatch => "credit_code_mismatch",
            Self::WrongType => "not_a_commitment",
            Self::BadMember(_) => "bad_payload",
            Self::Envelope(EnvelopeError::UnexpectedMember(_)) => "unexpected_member",
            Self::Envelope(_) => "bad_signature",
            Self::SignedInFuture(_) => "signed_in_future",
            Self::SignedTooLongAgo(_) => "signed_too_long_ago",
        }
    }

    /// Field issues, when that is the reason.
    pub fn field_issues(&self) -> &[FieldIssue] {
        match self {
            Self::InvalidFields(issues) => issues,
            _ => &[],
        }
    }
}

/// Checks every field; unknown fields are reported too, so nothing typed is silently dropped.
pub fn prepare(filled: &Filled, today: Option<Date>) -> Result<Prepared, CommitmentError> {
    let template = template::get(&filled.template_id, filled.template_version.as_deref())?;
    if let Some(today) = today.filter(|&today| !template.in_force_on(today)) {
        return Err(CommitmentError::NotInForce {
            id: template.id.clone(),
            version: template.version.clone(),
            from: template.effective_from,
            on: today,
        });
    }
    let mut issues = Vec::new();
    let mut values = BTreeMap::new();
    for spec in &template.fields {
        match filled.values.get(&spec.id).filter(|v| !template::is_blank(v)) {
            Some(value) => match spec.normalize(value, today) {
                Ok(normal) => {
                    values.insert(spec.id.clone(), normal);
                }
                Err(issue) => issues.push(issue),
            },
            None if spec.is_required(&filled.values) => {
                let code = if spec.kind == template::FieldType::Confirm {
                    FieldIssueCode::NotConfirmed
                } else {
                    FieldIssueCode::Required
                };
                issues.push(FieldIssue { field: spec.id.clone(), code });
            }
            None => {}
        }
    }
    for name in filled.values.keys().filter(|name| template.field_spec(name).is_none()) {
        issues.push(FieldIssue { field: name.chars().take(80).collect(), code: FieldIssueCode::UnknownField });
    }
    if issues.is_empty() {
        Ok(Prepared { template, values })
    } else {
        Err(CommitmentError::InvalidFields(issues))
    }
}

/// The field issues of a draft (empty when it can be signed).
pub fn validate(filled: &Filled, today: Option<Date>) -> Result<Vec<FieldIssue>, CommitmentError> {
    match prepare(filled, today) {
        Ok(_) => Ok(Vec::new()),
        Err(CommitmentError::InvalidFields(issues)) => Ok(issues),
        Err(other) => Err(other),
    }
}

/// Renders a draft as it stands (missing values as `〔label〕`), for a live preview.
pub fn render_draft(filled: &Filled, lang: Lang) -> Result<Rendered, CommitmentError> {
    let template = template::get(&filled.template_id, filled.template_version.as_deref())?;
    Ok(render_values(template, &filled.values, lang, None))
}

/// The payload that is signed: template pinned by id, version and text hash; values; time; nonce.
pub fn payload(prepared: &Prepared, signed_at: &str, nonce: &[u8; 16]) -> Result<Value, CommitmentError> {
    UtcTimestamp::parse(signed_at).map_err(|_| CommitmentError::BadMember("signed_at"))?;
    Ok(json!({
        "type": PAYLOAD_TYPE,
        "template": {
            "id": prepared.template.id,
            "version": prepared.template.version,
            "text_sha256": prepared.template.text_sha256,
        },
        "credit_code": prepared.credit_code(),
        "values": prepared.values,
        "signed_at": signed_at,
        "nonce": URL_SAFE_NO_PAD.encode(nonce),
    }))
}

/// Validates, builds the payload and signs it.
pub fn sign(
    filled: &Filled,
    signer: &envelope::Signer,
    signed_at: &str,
    nonce: &[u8; 16],
) -> Result<(FlattenedJws, Prepared), CommitmentError> {
    let signed = UtcTimestamp::parse(signed_at).map_err(|_| CommitmentError::BadMember("signed_at"))?;
    let prepared = prepare(filled, Some(signed.china_date()))?;
    let jws = signer.sign(&payload(&prepared, signed_at, nonce)?)?;
    Ok((jws, prepared))
}

/// A signed commitment that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedCommitment {
    pub envelope: Verified,
    pub prepared: Prepared,
    pub signed_at: String,
    pub signed_on: Date,
}

impl SignedCommitment {
    pub fn render(&self, lang: Lang) -> Rendered {
        self.prepared.render(lang, Some(self.signed_on))
    }
}

fn member<'a>(payload: &'a Value, path: &[&str], name: &'static str) -> Result<&'a str, CommitmentError> {
    path.iter().try_fold(payload, |v, key| v.get(key)).and_then(Value::as_str).ok_or(CommitmentError::BadMember(name))
}

/// Checks a verified envelope's payload against the embedded templates and field rules; the values must
/// already be in normal form, exactly as `sign` writes them.
pub fn check_payload(envelope: Verified) -> Result<SignedCommitment, CommitmentError> {
    let payload = &envelope.payload;
    if payload.get("type").and_then(Value::as_str) != Some(PAYLOAD_TYPE) {
        return Err(CommitmentError::WrongType);
    }
    envelope::only_members(payload, &["type", "template", "credit_code", "values", "signed_at", "nonce"], "payload")?;
    if let Some(template) = payload.get("template") {
        envelope::only_members(template, &["id", "version", "text_sha256"], "payload.template")?;
    }
    let id = member(payload, &["template", "id"], "template.id")?;
    let version = member(payload, &["template", "version"], "template.version")?;
    let text_sha256 = member(payload, &["template", "text_sha256"], "template.text_sha256")?;
    let signed_at = member(payload, &["signed_at"], "signed_at")?;
    let signed_on = UtcTimestamp::parse(signed_at).map_err(|_| CommitmentError::BadMember("signed_at"))?.china_date();
    let nonce = member(payload, &["nonce"], "nonce")?;
    if URL_SAFE_NO_PAD.decode(nonce).map_or(true, |n| n.len() < 16) {
        return Err(CommitmentError::BadMember("nonce"));
    }
    let values: BTreeMap<String, Value> = payload
        .get("values")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .ok_or(CommitmentError::BadMember("values"))?;
    let template = template::get(id, Some(version))?;
    if template.text_sha256 != text_sha256 {
        return Err(CommitmentError::TextHashMismatch { id: id.to_owned(), version: version.to_owned() });
    }
    let filled = Filled { template_id: id.to_owned(), template_version: Some(version.to_owned()), values };
    let prepared = prepare(&filled, Some(signed_on))?;
    if prepared.values != filled.values {
        return Err(CommitmentError::BadMember("values (not in normal form)"));
    }
    if payload.get("credit_code").and_then(Value::as_str) != prepared.credit_code() {
        return Err(CommitmentError::CreditCodeMismatch);
    }
    let signed_at = signed_at.to_owned();
    Ok(SignedCommitment { envelope, prepared, signed_at, signed_on })
}

/// Verifies a signed commitment completely: the signature, then the payload.
pub fn verify(jws: &str) -> Result<SignedCommitment, CommitmentError> {
    check_payload(envelope::verify(jws)?)
}

#[cfg(test)]
pub(crate) mod tests;
