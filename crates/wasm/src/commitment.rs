//! Commitments, keys and envelopes for JavaScript: templates, validation, rendering, encrypted keys,
//! signing and offline verification. Randomness (getrandom → `crypto.getRandomValues`) and the clock
//! (`Date`) are read here and passed to the core.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use wasm_bindgen::prelude::*;
use xinnuo_core::calendar::Date;
use xinnuo_core::commitment::{self, CommitmentError, Filled};
use xinnuo_core::envelope::{self, keyfile};
use xinnuo_core::template::{self, Lang, Template};
use xinnuo_core::wire::ErrorItem;
use xinnuo_core::{enrolment, public_log, receipt};
use zeroize::Zeroizing;

use crate::thrown::Thrown;
use crate::to_js;

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
export interface LocalText { zh: string; en: string; }
export type TemplateKind = "field" | "notification" | "voluntary" | "industry" | "repair" | "investment" | "deferred";
export type Signer = "entity" | "person";
export type FieldType = "text" | "person_name" | "multiline" | "credit_code" | "id_number" | "phone" | "date" | "amount" | "choice" | "confirm";
export interface FieldSpec {
  id: string; type: FieldType; label: LocalText; help?: LocalText; required: boolean;
  required_if?: { field: string; equals?: string; one_of?: string[] };
  min_len?: number; max_len?: number; options?: { value: string; label: LocalText }[];
  min?: number; max?: number; not_future?: boolean;
}
export interface Template {
  id: string; version: string; kind: TemplateKind; signer: Signer; field: LocalText; title: LocalText;
  departments: LocalText[]; departments_confirmed: boolean; legal_basis: LocalText[];
  effective_from: string; effective_to: string | null;
  /** What this version changed and on what authority (版本说明). */
  notes?: LocalText[];
  fields: FieldSpec[];
  preamble: LocalText; clauses: LocalText[]; closing: LocalText; text_sha256: string;
}
export interface TemplateSummary {
  id: string; version: string; kind: TemplateKind; kind_label: LocalText;
  /** Who signs: an organisation with its credit code, or a person with name and resident ID number. */
  signer: Signer; signer_label: LocalText; field: LocalText; title: LocalText;
  departments: LocalText[]; effective_from: string; effective_to: string | null; text_sha256: string;
}
/** What a person filled in. Values are strings; confirmations are booleans. */
export interface FilledCommitment {
  template_id: string;
  template_version?: string;
  values: Record<string, string | boolean>;
  /** The department it is made to (Chinese name); required when the template names several. */
  department?: string;
}
export interface FieldIssue { field: string; code: string; message_zh: string; message_en: string; }
export interface RenderOptions { lang?: "zh-CN" | "en"; /** YYYY-MM-DD for the date line. */ signedOn?: string; }
export interface ValidateCommitmentOptions { /** YYYY-MM-DD: enables "not after today" and in-force checks. */ today?: string; }
export interface PublicJwk { kty: "OKP"; crv: "Ed25519"; x: string; }
/** `fingerprint`: the key's thumbprint in base32, 13 groups of four (`fingerprintGroups(kid)`); `kid` is the same thumbprint in base64url. */
export interface CreatedKey { keyFile: string; publicKeyJwk: PublicJwk; kid: string; fingerprint: string; }
export interface KeyFileInfo { kid: string; fingerprint: string; label?: string; createdAt: string; publicKeyJwk: PublicJwk; }
export interface EnvelopeError { code: string; message_zh: string; message_en: string; field?: string; }
export interface VerifiedEnvelope {
  /** Signature, template, text hash and every field hold. */
  valid: boolean;
  /** The Ed25519 signature alone holds. */
  signatureValid: boolean;
  submissionId?: string; kid?: string; fingerprint?: string; publicKeyJwk?: PublicJwk;
  payload?: any; signedAt?: string; title?: string; text?: string; textEn?: string;
  /** Personal values signed as salted digests and not disclosed in this file (a published copy: all). */
  withheld: number;
  /** Personal values disclosed in the file, each checked against its digest. */
  disclosed?: Record<string, string>;
  /** Their public masks, e.g. `110105********002X`, `138****8000` (none for an address). */
  masked?: Record<string, string>;
  errors: EnvelopeError[];
}
/** What a receipt says: a public-log entry (`xinnuo.log/1`, what servers answer now) or a receipt signed alone
 * (`xinnuo.receipt/1`, made before), which also names the signer's key, credit code and template. */
export interface Receipt {
  type: "xinnuo.log/1" | "xinnuo.receipt/1"; submission_id: string; received_at: string; sequence: number;
  key_status: "verified" | "pending" | "unenrolled" | "revoked" | "no_credit_code"; signer_kid?: string; credit_code?: string;
  template_id?: string; template_version?: string;
}
export interface ServerKey { kid: string; jwk: { kty: "OKP"; crv: "Ed25519"; x: string }; fingerprint?: string; current?: boolean; created_at?: string; retired_at?: string | null; log_key?: string; }
/** The server's published keys (`GET /api/v1/server-keys`), pinned by the verifier. With `witnesses` and
 * `witness_quorum`, a receipt proved in the public log counts only in a checkpoint that many of these witnesses
 * cosigned (error `log_not_witnessed` otherwise), and a receipt signed alone by a server key counts only beside
 * its witnessed log entry. The check is against the listing given: pass the one you pinned when you first met the
 * server (witnesses kept, the quorum never lowered), not one fetched anew from a server you are checking. */
export interface ServerKeys { keys: ServerKey[]; witnesses?: string[]; witness_quorum?: number; }
export interface LoggedEntry { entry: string; proof: string; }
export interface ReceiptAnswer { submission_id: string; sequence: number; received_at: string; key_status: string; receipt?: LoggedEntry | unknown; log?: LoggedEntry; }
/** Where the public log holds the receipt: entry `index` (第 `index + 1` 条) of a checkpoint of `checkpointSize` entries. */
export interface LogPlace { index: number; checkpointSize: number; origin: string; }
export interface VerifiedReceipt { valid: boolean; receipt?: Receipt; serverKid?: string; serverFingerprint?: string; keyStatusLabel?: LocalText; log?: LogPlace; errors: EnvelopeError[]; }
/** A 信用报告 as signed (`xinnuo.report/1`): its number, when and by whom it was made, and its sections. */
export interface CreditReport {
  type: "xinnuo.report/1"; report_no: string; made_at: string; maker: string; log_size: number;
  content: {
    credit_code: string; name: string; demo: boolean; as_of: string;
    penalties: ReportRecord[]; serious_lists: ReportRecord[]; abnormal_lists: ReportRecord[];
    other_records: ReportRecord[]; red_lists: ReportRecord[];
    commitments: { submission_id: string; title: string; class: "notification" | "voluntary" | "industry" | "repair"; department: string; state: string; received_on: string }[];
    grades: { scheme: string; grade: string; year: number; authority: string; source: string }[];
    tier: { tier: string; name: LocalText; label: LocalText } | null;
    repairs: { record_id: string; state: string; received_on?: string }[];
    objections: { record_id: string; state: string; received_on?: string; decided_on?: string }[];
    notes: { text: LocalText; rules?: string[] }[];
  };
}
export interface ReportRecord { id: string; kind: string; decision_no: string; authority: string; decided_on: string; summary: string; class?: string; publication_ends?: string; }
/** `verifyReport`: valid only when the file is intact, a credit report, and signed by one of `serverKeys`; its log entry, when it carries one (always where `serverKeys` requires witnesses), must be its issue's. */
export interface VerifiedReport { valid: boolean; report?: CreditReport; serverKid?: string; serverFingerprint?: string; log?: LogPlace; errors: EnvelopeError[]; }
/** One thing that changed for the subject between two reports (`reportChanges`). */
export interface ReportChange { code: string; message_zh: string; message_en: string; }
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "FilledCommitment")]
    pub type JsFilled;
    #[wasm_bindgen(typescript_type = "RenderOptions")]
    pub type JsRenderOptions;
    #[wasm_bindgen(typescript_type = "ValidateCommitmentOptions")]
    pub type JsValidateCommitmentOptions;
}

fn from_js<T: for<'de> Deserialize<'de> + Default>(value: Option<JsValue>, what: &str) -> Result<T, Thrown> {
    match value.filter(|v| !v.is_undefined() && !v.is_null()) {
        None => Ok(T::default()),
        Some(value) => xinnuo_js_json::from_js(&value)
            .map_err(|e| Thrown::bad_argument(format!("{what}格式不正确：{e}"), format!("invalid {what}: {e}"))),
    }
}

fn filled_from(value: JsFilled) -> Result<Filled, Thrown> {
    let value: JsValue = value.into();
    if value.is_undefined() || value.is_null() {
        return Err(Thrown::bad_argument("缺少承诺书内容", "missing the filled commitment"));
    }
    xinnuo_js_json::from_js(&value).map_err(|e| {
        Thrown::bad_argument(
            format!("承诺书内容格式不正确（需要 template_id 和 values）：{e}"),
            format!("invalid filled commitment (needs template_id and values): {e}"),
        )
    })
}

fn parse_date(text: Option<&str>) -> Result<Option<Date>, Thrown> {
    text.map(Date::parse).transpose().map_err(Thrown::from)
}

/// Fresh random bytes from the platform (Web Crypto in browsers and Node).
pub fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, Thrown> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut())
        .map_err(|e| Thrown::new("no_randomness", format!("无法获得随机数：{e}"), format!("no randomness: {e}")))?;
    Ok(bytes)
}

/// Now, as `YYYY-MM-DDTHH:MM:SS.sssZ`.
fn now() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// Today in Beijing: the day a commitment signed now is signed on, which decides the template version in force.
fn beijing_today() -> Option<Date> {
    xinnuo_core::calendar::UtcTimestamp::parse(&now()).ok().map(|t| t.china_date())
}

/// A filled commitment naming no version is read under the version in force today, as `signCommitment` signs
/// it (not the newest, which may start tomorrow).
fn pinned_to_today(mut filled: Filled) -> Filled {
    if filled.template_version.is_none() {
        if let Some(template) =
            beijing_today().and_then(|today| template::get_in_force(&filled.template_id, today).ok())
        {
            filled.template_version = Some(template.version.to_string());
        }
    }
    filled
}

/// Every commitment template (every version), summarised.
#[wasm_bindgen(js_name = listTemplates, unchecked_return_type = "TemplateSummary[]")]
pub fn list_templates() -> Result<JsValue, Thrown> {
    to_js(&template::all().iter().map(Template::summary).collect::<Vec<_>>())
}

/// One template in full; without `version`, the newest.
#[wasm_bindgen(js_name = getTemplate, unchecked_return_type = "Template")]
pub fn get_template(id: &str, version: Option<String>) -> Result<JsValue, Thrown> {
    to_js(template::get(id, version.as_deref()).map_err(Thrown::from)?)
}

#[derive(Default, Deserialize)]
#[serde(default)]
struct ValidateCommitmentOptions {
    today: Option<String>,
}

/// Field issues of a filled commitment (empty when it can be signed). Throws for an unknown template.
#[wasm_bindgen(js_name = validateCommitment, unchecked_return_type = "FieldIssue[]")]
pub fn validate_commitment(filled: JsFilled, options: Option<JsValidateCommitmentOptions>) -> Result<JsValue, Thrown> {
    let options: ValidateCommitmentOptions = from_js(options.map(Into::into), "选项")?;
    let today = parse_date(options.today.as_deref())?.or_else(beijing_today);
    to_js(&commitment::validate(&filled_from(filled)?, today).map_err(Thrown::from)?)
}

#[derive(Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct RenderOptions {
    lang: Option<Lang>,
    signed_on: Option<String>,
}

/// The text of a filled commitment (a draft shows missing values as 〔label〕).
#[wasm_bindgen(js_name = renderCommitment, unchecked_return_type = "{ title: string; text: string }")]
pub fn render_commitment(filled: JsFilled, options: Option<JsRenderOptions>) -> Result<JsValue, Thrown> {
    let options: RenderOptions = from_js(options.map(Into::into), "选项")?;
    let filled = pinned_to_today(filled_from(filled)?);
    let lang = options.lang.unwrap_or_default();
    let signed_on = parse_date(options.signed_on.as_deref())?;
    let rendered = match commitment::prepare(&filled, None) {
        Ok(prepared) => prepared.render(lang, signed_on),
        Err(CommitmentError::InvalidFields(_)) => commitment::render_draft(&filled, lang).map_err(Thrown::from)?,
        Err(other) => return Err(other.into()),
    };
    to_js(&rendered)
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct CreatedKey {
    key_file: String,
    public_key_jwk: Value,
    kid: String,
    fingerprint: String,
}

/// A new Ed25519 key, returned only as an encrypted key file (Argon2id + AES-256-GCM) plus public parts.
#[wasm_bindgen(js_name = createKey, unchecked_return_type = "CreatedKey")]
pub fn create_key(passphrase: &str, label: Option<String>) -> Result<JsValue, Thrown> {
    let seed = random::<32>()?;
    let file =
        keyfile::seal(&seed, passphrase, &*random::<16>()?, &*random::<12>()?, &now(), label).map_err(Thrown::from)?;
    to_js(&CreatedKey {
        key_file: serde_json::to_string_pretty(&file).map_err(Thrown::internal)?,
        public_key_jwk: file.public_jwk.clone(),
        fingerprint: envelope::fingerprint_groups(&file.kid),
        kid: file.kid,
    })
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KeyFileInfo {
    kid: String,
    fingerprint: String,
    label: Option<String>,
    created_at: String,
    public_key_jwk: Value,
}

/// The public parts of a key file (no passphrase needed); throws if it is not a key file.
#[wasm_bindgen(js_name = readKeyFile, unchecked_return_type = "KeyFileInfo")]
pub fn read_key_file(key_file: &str) -> Result<JsValue, Thrown> {
    let file = keyfile::parse(key_file).map_err(Thrown::from)?;
    to_js(&KeyFileInfo {
        fingerprint: envelope::fingerprint_groups(&file.kid),
        kid: file.kid,
        label: file.label,
        created_at: file.created_at,
        public_key_jwk: file.public_jwk,
    })
}

/// An unlocked key. The secret stays inside wasm memory and is wiped on `free()`.
#[wasm_bindgen]
pub struct UnlockedKey {
    signer: envelope::Signer,
}

#[wasm_bindgen]
impl UnlockedKey {
    #[wasm_bindgen(getter)]
    pub fn kid(&self) -> String {
        self.signer.kid().to_owned()
    }

    /// The 32-byte Ed25519 public key.
    #[wasm_bindgen(getter, js_name = publicKey)]
    pub fn public_key(&self) -> Vec<u8> {
        self.signer.public_key().to_vec()
    }

    /// Signs a filled commitment now; returns the signed file: the JWS (flattened JSON) whose personal
    /// values are salted digests, with their disclosures under `header.disclosures` (SD-JWT JSON form). The
    /// server accepts it as it is and publishes the JWS alone.
    #[wasm_bindgen(js_name = signCommitment)]
    pub fn sign_commitment(&self, filled: JsFilled) -> Result<String, Thrown> {
        let salts = random::<32>()?;
        let (file, _) = commitment::sign(&filled_from(filled)?, &self.signer, &now(), &*random::<16>()?, &salts)
            .map_err(Thrown::from)?;
        Ok(file.to_json())
    }

    /// Signs a key-enrolment request (proof of possession) for `POST /api/v1/keys`.
    #[wasm_bindgen(js_name = signEnrolment)]
    pub fn sign_enrolment(&self, credit_code: &str, subject_name: &str) -> Result<String, Thrown> {
        let jws = enrolment::sign(credit_code, subject_name, &now(), &*random::<16>()?, &self.signer)
            .map_err(Thrown::from)?;
        Ok(jws.to_json())
    }

    /// An Ed25519 signature (64 bytes) over the label `"xinnuo signed bytes/1\n"` followed by `message`, for
    /// interoperability and benchmarks. Because of the label it can never sign a commitment or enrolment.
    #[wasm_bindgen(js_name = signBytes)]
    pub fn sign_bytes(&self, message: &[u8]) -> Vec<u8> {
        self.signer.sign_labelled_bytes(message).to_vec()
    }
}

/// Opens a key file with its passphrase.
#[wasm_bindgen(js_name = unlockKey)]
pub fn unlock_key(key_file: &str, passphrase: &str) -> Result<UnlockedKey, Thrown> {
    let file = keyfile::parse(key_file).map_err(Thrown::from)?;
    let seed = keyfile::open(&file, passphrase).map_err(Thrown::from)?;
    Ok(UnlockedKey { signer: envelope::Signer::from_seed(&seed) })
}

/// Opens the key file and signs the filled commitment; returns the signed file (see `UnlockedKey.signCommitment`).
#[wasm_bindgen(js_name = signCommitment)]
pub fn sign_commitment(key_file: &str, passphrase: &str, filled: JsFilled) -> Result<String, Thrown> {
    unlock_key(key_file, passphrase)?.sign_commitment(filled)
}

/// Verifies a `signBytes` signature (over the label and `message`) with a 32-byte public key.
#[wasm_bindgen(js_name = verifyBytes)]
pub fn verify_bytes(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    envelope::verify_labelled_bytes(public_key, message, signature)
}

fn commitment_error_items(error: &CommitmentError) -> Vec<ErrorItem> {
    if let CommitmentError::InvalidFields(issues) = error {
        return issues.iter().map(ErrorItem::from).collect();
    }
    vec![ErrorItem::of(error)]
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct VerifiedEnvelope {
    valid: bool,
    signature_valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    submission_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    public_key_jwk: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    payload: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    signed_at: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    title: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    text_en: Option<String>,
    /// Personal values signed as digests and not disclosed in this file.
    withheld: usize,
    /// The personal values disclosed and checked against their digests.
    #[serde(skip_serializing_if = "Option::is_none")]
    disclosed: Option<std::collections::BTreeMap<String, Value>>,
    /// Their public masks (`110105********002X`).
    #[serde(skip_serializing_if = "Option::is_none")]
    masked: Option<std::collections::BTreeMap<String, String>>,
    errors: Vec<ErrorItem>,
}

/// Verifies a signed commitment offline: signature, template, text hash, credit code and fields, and the
/// disclosures it carries. A published copy (no disclosures) verifies too, its personal values `withheld`.
/// Never throws for bad input: `valid` is false and `errors` says why.
#[wasm_bindgen(js_name = verifyEnvelope, unchecked_return_type = "VerifiedEnvelope")]
pub fn verify_envelope(jws: &str) -> Result<JsValue, Thrown> {
    let mut out = VerifiedEnvelope::default();
    let parsed = serde_json::from_str::<Value>(jws.trim())
        .map_err(|e| envelope::EnvelopeError::MalformedJson(e.to_string()))
        .and_then(|outer| commitment::SignedFile::split(&outer))
        .and_then(|(outer, disclosures)| Ok((envelope::verify_value(&outer)?, disclosures)));
    match parsed {
        Err(error) => out.errors.push(ErrorItem::of(&error)),
        Ok((verified, disclosures)) => {
            out.signature_valid = true;
            out.submission_id = Some(verified.submission_id.clone());
            out.fingerprint = Some(envelope::fingerprint_groups(&verified.kid));
            out.kid = Some(verified.kid.clone());
            out.public_key_jwk = Some(envelope::public_jwk(&verified.public_key));
            out.payload = Some(verified.payload.clone());
            out.signed_at = verified.payload.get("signed_at").and_then(Value::as_str).map(str::to_owned);
            match commitment::check_payload(verified, &disclosures) {
                Ok(signed) => {
                    out.valid = true;
                    let zh = signed.render(Lang::Zh);
                    out.title = Some(zh.title);
                    out.text = Some(zh.text);
                    out.text_en = Some(signed.render(Lang::En).text);
                    out.withheld = signed.withheld;
                    out.disclosed =
                        Some(signed.disclosures.iter().map(|d| (d.field.clone(), d.value.clone())).collect());
                    out.masked = Some(signed.masks());
                }
                Err(error) => out.errors = commitment_error_items(&error),
            }
        }
    }
    to_js(&out)
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct VerifiedReceiptOut {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    receipt: Option<ReceiptOut>,
    /// The server key that signed a receipt signed alone (none for a log entry: its log key is the server's).
    #[serde(skip_serializing_if = "Option::is_none")]
    server_kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_fingerprint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    key_status_label: Option<template::Text>,
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<LogPlace>,
    errors: Vec<ErrorItem>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogPlace {
    index: u64,
    checkpoint_size: u64,
    origin: String,
}

impl LogPlace {
    fn of(place: &xinnuo_core::public_log::LogPlace) -> Self {
        Self { index: place.index, checkpoint_size: place.checkpoint_size, origin: place.origin.clone() }
    }
}

/// The server keys a receipt may come from: the JSON of `GET /api/v1/server-keys` (text or object), or its
/// `keys` array. Missing or unreadable → no key is trusted.
fn trusted_server_keys(server_keys: &JsValue) -> Result<receipt::TrustedServerKeys, receipt::ReceiptError> {
    let value: Value = match server_keys.as_string() {
        Some(text) => serde_json::from_str(&text).map_err(|e| receipt::ReceiptError::BadServerKeys(e.to_string()))?,
        None if server_keys.is_undefined() || server_keys.is_null() => return Ok(Default::default()),
        None => xinnuo_js_json::from_js(server_keys).map_err(receipt::ReceiptError::BadServerKeys)?,
    };
    receipt::TrustedServerKeys::from_json(&value)
}

/// Verifies a server receipt offline. A receipt is now its submission's entry in the public log with the
/// inclusion proof (`{entry, proof}`): valid when the checkpoint is signed by a log key `serverKeys` lists and
/// the entry is in it. A receipt signed alone (a JWS, as servers made them before) is valid when one of
/// `serverKeys` signed it. Given the whole answer of a submission (object or JSON text), its receipt is checked
/// and, beside a signed receipt, its log entry too (`log`: its place). With `submissionId`, that it is for that
/// submission. Without `serverKeys` it is never valid.
#[wasm_bindgen(js_name = verifyReceipt, unchecked_return_type = "VerifiedReceipt")]
pub fn verify_receipt(
    #[wasm_bindgen(unchecked_param_type = "string | ReceiptAnswer | LoggedEntry")] receipt: JsValue,
    submission_id: Option<String>,
    #[wasm_bindgen(unchecked_param_type = "ServerKeys | ServerKey[] | string")] server_keys: JsValue,
) -> Result<JsValue, Thrown> {
    let value: Value = match receipt.as_string() {
        Some(text) => serde_json::from_str(text.trim()).unwrap_or(Value::String(text)),
        None => xinnuo_js_json::from_js(&receipt).map_err(|e| {
            Thrown::bad_argument(
                format!("回执应为回执文本或提交的应答：{e}"),
                format!("receipt must be the receipt's text or a submission's answer: {e}"),
            )
        })?,
    };
    // A submission's answer carries the receipt in `receipt` (and its log entry in `log`); else this is the receipt.
    let (receipt_value, log) = match value.get("receipt") {
        Some(inner) => (inner, value.get("log").and_then(|log| serde_json::from_value(log.clone()).ok())),
        None => (&value, None),
    };
    let id = submission_id.or_else(|| value.get("submission_id").and_then(Value::as_str).map(str::to_owned));
    let result = trusted_server_keys(&server_keys)
        .and_then(|trusted| public_log::check_answer(receipt_value, log.as_ref(), id.as_deref(), &trusted));
    let out = match result {
        Ok(checked) => VerifiedReceiptOut {
            valid: true,
            key_status_label: Some(template::Text {
                zh: checked.key_status.label_zh().into(),
                en: checked.key_status.label_en().into(),
            }),
            server_fingerprint: checked.server_kid().map(envelope::fingerprint_groups),
            server_kid: checked.server_kid().map(str::to_owned),
            log: checked.log.as_ref().map(LogPlace::of),
            receipt: Some(ReceiptOut::of(checked)),
            errors: Vec::new(),
        },
        Err(error) => VerifiedReceiptOut { errors: vec![ErrorItem::of(&error)], ..Default::default() },
    };
    to_js(&out)
}

/// What a verified receipt says, in either form (the members only a receipt signed alone has are left out
/// for a log entry).
#[derive(Serialize)]
struct ReceiptOut {
    #[serde(rename = "type")]
    receipt_type: String,
    submission_id: String,
    received_at: String,
    sequence: u64,
    key_status: receipt::KeyStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    signer_kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    credit_code: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    template_version: Option<String>,
}

impl ReceiptOut {
    fn of(checked: public_log::CheckedReceipt) -> Self {
        let signed = match checked.proof {
            public_log::ReceiptProof::Signed { receipt, .. } => Some(*receipt),
            public_log::ReceiptProof::Logged => None,
        };
        Self {
            receipt_type: match &signed {
                Some(_) => receipt::RECEIPT_TYPE.into(),
                None => public_log::ENTRY_TYPE.into(),
            },
            submission_id: checked.submission_id,
            received_at: checked.received_at,
            sequence: checked.sequence,
            key_status: checked.key_status,
            signer_kid: signed.as_ref().map(|r| r.signer_kid.clone()),
            credit_code: signed.as_ref().map(|r| r.credit_code.clone()),
            template_id: signed.as_ref().map(|r| r.template_id.clone()),
            template_version: signed.map(|r| r.template_version),
        }
    }
}

/// A key fingerprint as people compare it aloud or on paper: the thumbprint `kid` encodes, in base32, in
/// groups of four (`envelope::fingerprint_groups`, the one form every page and answer shows).
#[wasm_bindgen(js_name = fingerprintGroups)]
pub fn fingerprint_groups(kid: &str) -> String {
    envelope::fingerprint_groups(kid)
}

#[derive(Serialize, Default)]
#[serde(rename_all = "camelCase")]
struct VerifiedReportOut {
    valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    report: Option<xinnuo_core::report::CreditReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_kid: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    server_fingerprint: Option<String>,
    /// Where the public log holds the report's issue, when the file carries its entry.
    #[serde(skip_serializing_if = "Option::is_none")]
    log: Option<LogPlace>,
    errors: Vec<ErrorItem>,
}

/// The signed file as text: given as text, or as the parsed file (or the server's whole answer, whose `file` it
/// is).
fn report_file(file: &JsValue) -> Result<String, Thrown> {
    let value: Value = match file.as_string() {
        // Text that is not JSON is handed on as it is: the check says why it is no report.
        Some(text) => match serde_json::from_str(text.trim()) {
            Ok(value) => value,
            Err(_) => return Ok(text),
        },
        None => xinnuo_js_json::from_js(file).map_err(|e| {
            Thrown::bad_argument(
                format!("报告应为签名文件（文本或对象）：{e}"),
                format!("the report must be the signed file (text or object): {e}"),
            )
        })?,
    };
    // The server's answer: its file with its log entry beside it, as the app downloads it — the entry as given
    // (the check judges it; one that does not read is refused, never dropped).
    Ok(match value.get("file") {
        Some(signed) => xinnuo_core::report::file_with_log(signed, value.get("log")),
        None => value.to_string(),
    })
}

/// Verifies a credit report (信用报告) offline: the signed file is intact, is a credit report, and one of
/// `serverKeys` (the issuing server's published keys, pinned by the verifier) signed it; the log entry beside it
/// (the app's downloaded file, or the server's answer) is its issue's, and is required where `serverKeys` lists a
/// witness quorum. Without `serverKeys` it is never valid.
#[wasm_bindgen(js_name = verifyReport, unchecked_return_type = "VerifiedReport")]
pub fn verify_report(
    #[wasm_bindgen(unchecked_param_type = "string | object")] file: JsValue,
    #[wasm_bindgen(unchecked_param_type = "ServerKeys | ServerKey[] | string")] server_keys: JsValue,
) -> Result<JsValue, Thrown> {
    let text = report_file(&file)?;
    let trusted = trusted_server_keys(&server_keys);
    let out = match trusted {
        Err(error) => VerifiedReportOut { errors: vec![ErrorItem::of(&error)], ..Default::default() },
        Ok(trusted) => match xinnuo_core::report::verify(&text, &trusted) {
            Ok(verified) => VerifiedReportOut {
                valid: true,
                server_fingerprint: Some(envelope::fingerprint_groups(&verified.server_kid)),
                server_kid: Some(verified.server_kid),
                log: verified.logged.as_ref().map(LogPlace::of),
                report: Some(verified.report),
                errors: Vec::new(),
            },
            Err(error) => VerifiedReportOut { errors: vec![ErrorItem::of(&error)], ..Default::default() },
        },
    };
    to_js(&out)
}

/// What changed for the subject between a report and a newer one (both verified first): records added or no
/// longer listed, commitments added or moved on, the tier, repairs, objections, grades.
#[wasm_bindgen(js_name = reportChanges, unchecked_return_type = "ReportChange[]")]
pub fn report_changes(
    #[wasm_bindgen(unchecked_param_type = "CreditReport")] then: JsValue,
    #[wasm_bindgen(unchecked_param_type = "CreditReport")] now: JsValue,
) -> Result<JsValue, Thrown> {
    let read = |value: &JsValue, name: &str| -> Result<xinnuo_core::report::CreditReport, Thrown> {
        xinnuo_js_json::from_js(value).map_err(|e| {
            Thrown::bad_argument(format!("{name} 不是信用报告：{e}"), format!("{name} is not a credit report: {e}"))
        })
    };
    let (then, now) = (read(&then, "then")?, read(&now, "now")?);
    let changes: Vec<ErrorItem> = xinnuo_core::report::changes(&then.content, &now.content)
        .iter()
        .map(|change| ErrorItem::new(change.code(), change.message(Lang::Zh), change.message(Lang::En)))
        .collect();
    to_js(&changes)
}
