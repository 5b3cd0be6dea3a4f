//! A filled commitment: validation against its template, the canonical payload that is signed, and the
//! checks a verifier (server or browser) applies to a signed payload. Time and nonce are passed in.

use std::collections::BTreeMap;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

use crate::calendar::{Date, UtcTimestamp};
use crate::envelope::{self, EnvelopeError, Verified};
use crate::lang::Lang;
use crate::template::{self, render_values, FieldIssue, FieldIssueCode, Rendered, Template, TemplateError};

pub mod disclosure;

pub use disclosure::{Disclosure, SignedFile};

/// The `type` member of a commitment payload whose personal fields are salted digests (what is signed now).
pub const PAYLOAD_TYPE: &str = "xinnuo.commitment/2";
/// The first payload type: every value in clear. Still verified, no longer signed or accepted by the server.
pub const PAYLOAD_TYPE_V1: &str = "xinnuo.commitment/1";

/// What a person filled in: a template and the field values (strings; booleans for confirmations).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Filled {
    pub template_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub template_version: Option<String>,
    #[serde(default)]
    pub values: BTreeMap<String, Value>,
    /// The department it is made to, one of those the template names (chosen when it names several).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

/// A filled commitment whose every value passed its rule, in normal form.
#[derive(Debug, Clone, PartialEq)]
pub struct Prepared {
    pub template: &'static Template,
    pub values: BTreeMap<String, Value>,
    /// The department it goes to; `None` only in commitments signed before the choice was signed, and in
    /// repair applications (they go to the authority that decided the record).
    pub department: Option<String>,
}

/// The field id under which a missing or unknown department choice is reported.
pub const DEPARTMENT_FIELD: &str = "department";

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
#[derive(Debug, Clone, PartialEq)]
pub enum CommitmentError {
    Template(TemplateError),
    NotInForce { id: String, version: String, from: Date, on: Date },
    InvalidFields(Vec<FieldIssue>),
    TextHashMismatch { id: String, version: String },
    CreditCodeMismatch,
    WrongType,
    OutdatedType,
    BadDisclosure(String),
    DisclosuresMissing(usize),
    BadMember(&'static str),
    Envelope(EnvelopeError),
    SignedInFuture(String),
    SignedTooLongAgo(String),
}

impl crate::error::Described for CommitmentError {
    fn code(&self) -> &'static str {
        match self {
            Self::Template(TemplateError::UnknownTemplate(_)) => "unknown_template",
            Self::Template(TemplateError::UnknownVersion { .. }) => "unknown_template_version",
            Self::NotInForce { .. } => "template_not_in_force",
            Self::InvalidFields(_) => "invalid_fields",
            Self::TextHashMismatch { .. } => "text_hash_mismatch",
            Self::CreditCodeMismatch => "credit_code_mismatch",
            Self::WrongType => "not_a_commitment",
            Self::OutdatedType => "outdated_payload_type",
            Self::BadDisclosure(_) => "bad_disclosure",
            Self::DisclosuresMissing(_) => "disclosures_missing",
            Self::BadMember(_) => "bad_payload",
            Self::Envelope(inner) => inner.code(),
            Self::SignedInFuture(_) => "signed_in_future",
            Self::SignedTooLongAgo(_) => "signed_too_long_ago",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Template(inner) => inner.message(lang),
            Self::NotInForce { id, version, from, on } => crate::error::in_lang(lang, format_args!("模板 {id} {version} 自 {from} 起施行，{on} 不能使用"), format_args!("template {id} {version} is not in force on {on} (from {from})")),
            Self::InvalidFields(issues) => crate::error::in_lang(lang, format_args!("有 {} 项填写有误", issues.len()), format_args!("{} field(s) are invalid", issues.len())),
            Self::TextHashMismatch { id, version } => crate::error::in_lang(lang, format_args!("承诺书文本摘要与模板 {id} {version} 不符：内容不是该模板的文本"), format_args!("the text hash does not match template {id} {version}")),
            Self::CreditCodeMismatch => crate::error::in_lang(lang, format_args!("载荷中的统一社会信用代码与填写的不一致"), format_args!("the payload's credit code differs from the filled one")),
            Self::WrongType => crate::error::in_lang(lang, format_args!("不是承诺书载荷（type 应为 {PAYLOAD_TYPE}）"), format_args!("not a commitment payload (type must be {PAYLOAD_TYPE})")),
            Self::OutdatedType => crate::error::in_lang(lang, format_args!("旧版承诺书（{PAYLOAD_TYPE_V1}）公开了个人信息，不再受理：请用当前版本重新签名"), format_args!("a {PAYLOAD_TYPE_V1} commitment publishes personal data and is no longer accepted: sign it again with the current version")),
            Self::BadDisclosure(detail) => crate::error::in_lang(lang, format_args!("个人信息披露有误：{detail}"), format_args!("a personal-data disclosure is wrong: {detail}")),
            Self::DisclosuresMissing(count) => crate::error::in_lang(lang, format_args!("缺少个人信息的披露（{count} 项），服务器无法核对"), format_args!("{count} personal-data disclosure(s) missing: the server cannot check them")),
            Self::BadMember(member) => crate::error::in_lang(lang, format_args!("载荷缺少或错写了 {member}"), format_args!("the payload lacks or misstates {member}")),
            Self::Envelope(inner) => inner.message(lang),
            Self::SignedInFuture(signed_at) => crate::error::in_lang(lang, format_args!("签名时间 {signed_at} 晚于接收时间一小时以上，请检查设备时钟"), format_args!("the signature time {signed_at} is more than an hour ahead of its receipt; check the device clock")),
            Self::SignedTooLongAgo(signed_at) => crate::error::in_lang(lang, format_args!("签名时间 {signed_at} 早于接收时间七天以上，请重新签名后提交"), format_args!("the signature time {signed_at} is more than seven days before its receipt; sign again and submit")),
        }
    }
}
crate::error::display_in_chinese!(CommitmentError);

impl From<TemplateError> for CommitmentError {
    fn from(inner: TemplateError) -> Self {
        Self::Template(inner)
    }
}

impl From<EnvelopeError> for CommitmentError {
    fn from(inner: EnvelopeError) -> Self {
        Self::Envelope(inner)
    }
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
    prepare_except(filled, today, &|_| false, true)
}

/// The department a commitment goes to: the one chosen, which must be among the template's; the only one
/// when the template names one. `Err` with the field issue; `Ok(None)` when no choice is needed or (for a
/// verifier of an older signature) none was signed.
fn chosen_department(
    template: &Template,
    chosen: Option<&str>,
    choice_required: bool,
) -> Result<Option<String>, FieldIssue> {
    let issue = |code| FieldIssue { field: DEPARTMENT_FIELD.into(), code };
    match chosen.map(str::trim).filter(|d| !d.is_empty()) {
        Some(department) if template.departments.iter().any(|d| d.zh == department) => Ok(Some(department.to_owned())),
        Some(_) => Err(issue(FieldIssueCode::NotAnOption)),
        None if template.kind == template::TemplateKind::Repair => Ok(None),
        None if template.departments.len() == 1 && choice_required => Ok(Some(template.departments[0].zh.to_string())),
        None if template.departments.len() > 1 && choice_required => Err(issue(FieldIssueCode::Required)),
        None => Ok(None),
    }
}

/// [`prepare`], except that a missing field for which `withheld` says yes is not reported: a personal value
/// that was signed but not disclosed to this verifier.
fn prepare_except(
    filled: &Filled,
    today: Option<Date>,
    withheld: &dyn Fn(&template::FieldSpec) -> bool,
    choice_required: bool,
) -> Result<Prepared, CommitmentError> {
    // Unpinned, the version in force on the day; pinned, exactly that version (which must be in force then).
    let template = match (filled.template_version.as_deref(), today) {
        (None, Some(today)) => template::get_in_force(&filled.template_id, today)?,
        (version, _) => template::get(&filled.template_id, version)?,
    };
    if let Some(today) = today.filter(|&today| !template.in_force_on(today)) {
        return Err(CommitmentError::NotInForce {
            id: template.id.to_string(),
            version: template.version.to_string(),
            from: template.effective_from,
            on: today,
        });
    }
    let mut issues = Vec::new();
    let department = chosen_department(template, filled.department.as_deref(), choice_required)
        .map_err(|issue| issues.push(issue))
        .ok()
        .flatten();
    let mut values = BTreeMap::new();
    for spec in template.fields.iter() {
        match filled.values.get(&*spec.id).filter(|v| !template::is_blank(v)) {
            Some(value) => match spec.normalize(value, today) {
                Ok(normal) => {
                    values.insert(spec.id.to_string(), normal);
                }
                Err(issue) => issues.push(issue),
            },
            None if spec.is_required(&filled.values) && !withheld(spec) => {
                let code = if spec.kind == template::FieldType::Confirm {
                    FieldIssueCode::NotConfirmed
                } else {
                    FieldIssueCode::Required
                };
                issues.push(FieldIssue { field: spec.id.to_string(), code });
            }
            None => {}
        }
    }
    for name in filled.values.keys().filter(|name| template.field_spec(name).is_none()) {
        issues.push(FieldIssue { field: name.chars().take(80).collect(), code: FieldIssueCode::UnknownField });
    }
    if issues.is_empty() {
        Ok(Prepared { template, values, department })
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

/// The payload that is signed: template pinned by id, version and text hash; the values, personal ones as
/// salted digests (returned as disclosures); time; nonce.
pub fn payload(
    prepared: &Prepared,
    signed_at: &str,
    nonce: &[u8; 16],
    salt_secret: &[u8; 32],
) -> Result<(Value, Vec<Disclosure>), CommitmentError> {
    UtcTimestamp::parse(signed_at).map_err(|_| CommitmentError::BadMember("signed_at"))?;
    let mut values = serde_json::Map::new();
    let mut disclosures = Vec::new();
    for (field, value) in &prepared.values {
        match prepared.template.field_spec(field) {
            Some(spec) if spec.is_personal() => disclosures.push(Disclosure::new(salt_secret, field, value)),
            _ => {
                values.insert(field.clone(), value.clone());
            }
        }
    }
    // Sorted, so that the order of the digests says nothing about which field each hides.
    let mut digests: Vec<String> = disclosures.iter().map(Disclosure::digest).collect();
    digests.sort();
    if !digests.is_empty() {
        values.insert("_sd".into(), json!(digests));
    }
    let mut payload = json!({
        "type": PAYLOAD_TYPE,
        "template": {
            "id": prepared.template.id,
            "version": prepared.template.version,
            "text_sha256": prepared.template.text_sha256,
        },
        "credit_code": prepared.credit_code(),
        "department": prepared.department,
        "values": values,
        "_sd_alg": disclosure::SD_ALG,
        "signed_at": signed_at,
        "nonce": URL_SAFE_NO_PAD.encode(nonce),
    });
    if prepared.department.is_none() {
        if let Some(members) = payload.as_object_mut() {
            members.remove("department");
        }
    }
    Ok((payload, disclosures))
}

/// Validates, builds the payload and signs it. `nonce` and `salt_secret` are fresh random values.
pub fn sign(
    filled: &Filled,
    signer: &envelope::Signer,
    signed_at: &str,
    nonce: &[u8; 16],
    salt_secret: &[u8; 32],
) -> Result<(SignedFile, Prepared), CommitmentError> {
    let signed = UtcTimestamp::parse(signed_at).map_err(|_| CommitmentError::BadMember("signed_at"))?;
    let prepared = prepare(filled, Some(signed.china_date()))?;
    let (payload, disclosures) = payload(&prepared, signed_at, nonce, salt_secret)?;
    let jws = signer.sign(&payload)?;
    let disclosures = disclosures.into_iter().map(|d| d.encoded).collect();
    Ok((SignedFile { jws, disclosures }, prepared))
}

/// A signed commitment that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct SignedCommitment {
    pub envelope: Verified,
    /// The values checked: every non-personal one, and the personal ones that were disclosed.
    pub prepared: Prepared,
    pub signed_at: String,
    pub signed_on: Date,
    /// The disclosures that matched the payload's digests (empty for a published copy).
    pub disclosures: Vec<Disclosure>,
    /// Digests of personal values not disclosed to this verifier.
    pub withheld: usize,
    pub payload_type: &'static str,
}

impl SignedCommitment {
    pub fn render(&self, lang: Lang) -> Rendered {
        self.render_masked(lang, &BTreeMap::new())
    }

    /// Renders what this verifier may see: withheld personal values as their masks when given (unsigned
    /// hints beside a published copy), else as 〔已隐去〕 where the field is required.
    pub fn render_masked(&self, lang: Lang, masks: &BTreeMap<String, String>) -> Rendered {
        let mut values = self.prepared.values.clone();
        if self.withheld > 0 {
            let hidden = lang.pick("〔已隐去〕", "[withheld]");
            for spec in self.prepared.template.fields.iter().filter(|spec| spec.is_personal()) {
                if values.contains_key(&*spec.id) {
                    continue;
                }
                let shown = match masks.get(&*spec.id) {
                    Some(mask) => format!("{mask}{}", lang.pick("（已隐去）", " (withheld)")),
                    None if spec.is_required(&self.prepared.values) => hidden.to_owned(),
                    None => continue,
                };
                values.insert(spec.id.to_string(), Value::String(shown));
            }
        }
        render_values(self.prepared.template, &values, lang, Some(self.signed_on))
    }

    /// Every personal value was disclosed and checked: what the server requires of a submission.
    pub fn is_complete(&self) -> bool {
        self.withheld == 0
    }

    /// What may be published: the JWS without disclosures.
    pub fn public_file(&self) -> SignedFile {
        SignedFile { jws: self.envelope.jws.clone(), disclosures: Vec::new() }
    }

    /// The holder's file: the JWS and every disclosure that verified.
    pub fn full_file(&self) -> SignedFile {
        SignedFile {
            jws: self.envelope.jws.clone(),
            disclosures: self.disclosures.iter().map(|d| d.encoded.clone()).collect(),
        }
    }

    /// Who signed, as it may be listed: the organisation's name, or a person's name masked (`张**`): the
    /// template's first person-name field (an agent's name is one too, further down, and is never the
    /// signer's, even when the signer's own name was not disclosed).
    pub fn subject_name(&self) -> String {
        if let Some(name) = self.prepared.values.get("subject_name").and_then(Value::as_str) {
            return name.to_owned();
        }
        let masks = self.masks();
        self.prepared
            .template
            .fields
            .iter()
            .find(|spec| spec.kind == template::FieldType::PersonName)
            .and_then(|spec| masks.get(&*spec.id).cloned())
            .unwrap_or_default()
    }

    /// The public masks of the disclosed personal values (`110105********002X`, `138****8000`; none for an
    /// address).
    pub fn masks(&self) -> BTreeMap<String, String> {
        self.disclosures
            .iter()
            .filter_map(|d| {
                let spec = self.prepared.template.field_spec(&d.field)?;
                Some((d.field.clone(), spec.masked(&d.value)?))
            })
            .collect()
    }
}

fn member<'a>(payload: &'a Value, path: &[&str], name: &'static str) -> Result<&'a str, CommitmentError> {
    path.iter().try_fold(payload, |v, key| v.get(key)).and_then(Value::as_str).ok_or(CommitmentError::BadMember(name))
}

/// The values of a `/2` payload with its disclosures put back.
struct Disclosed {
    values: BTreeMap<String, Value>,
    /// The disclosures that matched a digest.
    disclosures: Vec<Disclosure>,
    /// Digests left undisclosed.
    withheld: usize,
}

fn disclosed_values(
    template: &Template,
    values: &serde_json::Map<String, Value>,
    encoded: &[String],
) -> Result<Disclosed, CommitmentError> {
    let bad = |why: String| CommitmentError::BadDisclosure(why);
    let mut digests: Vec<&str> = match values.get("_sd") {
        None => Vec::new(),
        Some(list) => list
            .as_array()
            .and_then(|list| list.iter().map(Value::as_str).collect::<Option<Vec<_>>>())
            .ok_or(CommitmentError::BadMember("values._sd"))?,
    };
    let total = digests.len();
    digests.sort_unstable();
    digests.dedup();
    if digests.len() != total {
        return Err(CommitmentError::BadMember("values._sd (a digest twice)"));
    }
    let mut out: BTreeMap<String, Value> = BTreeMap::new();
    for (field, value) in values.iter().filter(|(field, _)| field.as_str() != "_sd") {
        if template.field_spec(field).is_some_and(template::FieldSpec::is_personal) {
            return Err(bad(format!(
                "{field} 是个人信息，不能明文签署 / {field} is personal and may not be signed in clear"
            )));
        }
        out.insert(field.clone(), value.clone());
    }
    let mut disclosures = Vec::new();
    for text in encoded {
        let disclosure = Disclosure::parse(text).map_err(|e| bad(e.to_string()))?;
        let field: String = disclosure.field.chars().take(80).collect();
        let Some(position) = digests.iter().position(|d| *d == disclosure.digest()) else {
            return Err(bad(format!(
                "{field} 的摘要不在签名内容中 / the digest of {field} is not in the signed payload"
            )));
        };
        digests.remove(position);
        if !template.field_spec(&disclosure.field).is_some_and(template::FieldSpec::is_personal) {
            return Err(bad(format!("{field} 不是个人信息字段 / {field} is not a personal field")));
        }
        if out.insert(disclosure.field.clone(), disclosure.value.clone()).is_some() {
            return Err(bad(format!("{field} 出现两次 / {field} given twice")));
        }
        disclosures.push(disclosure);
    }
    Ok(Disclosed { values: out, disclosures, withheld: digests.len() })
}

/// Checks a verified envelope's payload against the embedded templates and field rules; the values must
/// already be in normal form, exactly as `sign` writes them. `disclosures` are the personal values the
/// verifier was given; without them a `/2` payload still verifies, its personal values unseen.
pub fn check_payload(envelope: Verified, disclosures: &[String]) -> Result<SignedCommitment, CommitmentError> {
    let payload = &envelope.payload;
    let payload_type = match payload.get("type").and_then(Value::as_str) {
        Some(PAYLOAD_TYPE) => PAYLOAD_TYPE,
        Some(PAYLOAD_TYPE_V1) => PAYLOAD_TYPE_V1,
        _ => return Err(CommitmentError::WrongType),
    };
    if payload_type == PAYLOAD_TYPE {
        envelope::only_members(
            payload,
            &["type", "template", "credit_code", "department", "values", "_sd_alg", "signed_at", "nonce"],
            "payload",
        )?;
        if payload.get("_sd_alg").and_then(Value::as_str) != Some(disclosure::SD_ALG) {
            return Err(CommitmentError::BadMember("_sd_alg"));
        }
    } else {
        envelope::only_members(
            payload,
            &["type", "template", "credit_code", "values", "signed_at", "nonce"],
            "payload",
        )?;
        if !disclosures.is_empty() {
            return Err(CommitmentError::BadDisclosure(
                "旧版承诺书没有披露 / a /1 commitment has no disclosures".into(),
            ));
        }
    }
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
    let template = template::get(id, Some(version))?;
    if template.text_sha256 != text_sha256 {
        return Err(CommitmentError::TextHashMismatch { id: id.to_owned(), version: version.to_owned() });
    }
    let signed_values = payload.get("values").and_then(Value::as_object).ok_or(CommitmentError::BadMember("values"))?;
    let Disclosed { values, disclosures: checked_disclosures, withheld } = if payload_type == PAYLOAD_TYPE {
        disclosed_values(template, signed_values, disclosures)?
    } else {
        let values = signed_values.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        Disclosed { values, disclosures: Vec::new(), withheld: 0 }
    };
    let department = match payload.get("department") {
        None | Some(Value::Null) => None,
        Some(Value::String(department)) => Some(department.clone()),
        Some(_) => return Err(CommitmentError::BadMember("department")),
    };
    let filled = Filled { template_id: id.to_owned(), template_version: Some(version.to_owned()), values, department };
    let undisclosed = |spec: &template::FieldSpec| withheld > 0 && spec.is_personal();
    // Commitments signed before the department was part of the payload have none: still valid.
    let prepared = prepare_except(&filled, Some(signed_on), &undisclosed, false)?;
    if prepared.department != filled.department {
        return Err(CommitmentError::BadMember("department"));
    }
    if prepared.values != filled.values {
        return Err(CommitmentError::BadMember("values (not in normal form)"));
    }
    if payload.get("credit_code").and_then(Value::as_str) != prepared.credit_code() {
        return Err(CommitmentError::CreditCodeMismatch);
    }
    let signed_at = signed_at.to_owned();
    Ok(SignedCommitment {
        envelope,
        prepared,
        signed_at,
        signed_on,
        disclosures: checked_disclosures,
        withheld,
        payload_type,
    })
}

/// Verifies a signed commitment completely: the signature, then the payload with whatever disclosures the
/// file carries (the holder's file has them all; a published copy none).
pub fn verify(text: &str) -> Result<SignedCommitment, CommitmentError> {
    let outer: Value = serde_json::from_str(text).map_err(|e| EnvelopeError::MalformedJson(e.to_string()))?;
    verify_value(&outer)
}

/// [`verify`] for an already parsed JSON value.
pub fn verify_value(outer: &Value) -> Result<SignedCommitment, CommitmentError> {
    let (jws, disclosures) = SignedFile::split(outer)?;
    check_payload(envelope::verify_value(&jws)?, &disclosures)
}

#[cfg(test)]
pub(crate) mod tests;
