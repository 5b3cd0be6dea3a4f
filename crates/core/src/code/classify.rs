//! What kind of code a text is (by length and characters), and the one-call check.

use super::checks::{
    check_org_code, check_reg_no, check_resident_id, check_uscc, looks_like_first_generation_id,
    looks_like_resident_id, org_check_symbol, uscc_check_symbol, ResidentIdParts, UsccOutcome,
};
use super::issue::{Issue, IssueCode};
use super::normalize::{self, normalize};
use serde::Serialize;

/// Longer input is not a code (someone pasted a list or a document into a single field).
pub const MAX_CODE_CHARS: usize = 256;

/// What the input is taken to be. Kind detection lets the user paste anything into one field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum CodeKind {
    #[serde(rename = "uscc")]
    Uscc,
    #[serde(rename = "org_code")]
    OrgCode,
    #[serde(rename = "reg_no_15")]
    RegNo15,
    #[serde(rename = "resident_id")]
    ResidentId,
    #[serde(rename = "unknown")]
    Unknown,
}

impl CodeKind {
    pub const ALL: [CodeKind; 5] = [Self::Uscc, Self::OrgCode, Self::RegNo15, Self::ResidentId, Self::Unknown];

    pub fn name(self) -> &'static str {
        match self {
            Self::Uscc => "uscc",
            Self::OrgCode => "org_code",
            Self::RegNo15 => "reg_no_15",
            Self::ResidentId => "resident_id",
            Self::Unknown => "unknown",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Uscc => "统一社会信用代码",
            Self::OrgCode => "组织机构代码",
            Self::RegNo15 => "工商注册号（15 位）",
            Self::ResidentId => "居民身份证号码",
            Self::Unknown => "无法识别",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Uscc => "Unified social credit code",
            Self::OrgCode => "Organisation code",
            Self::RegNo15 => "Registration number (15 digits)",
            Self::ResidentId => "Resident ID number",
            Self::Unknown => "Not recognised",
        }
    }

    /// The length a code of this kind has.
    pub fn length(self) -> Option<usize> {
        match self {
            Self::Uscc | Self::ResidentId => Some(18),
            Self::OrgCode => Some(9),
            Self::RegNo15 => Some(15),
            Self::Unknown => None,
        }
    }
}

/// The quick answer used by batch checks: what it is and whether it is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Verdict {
    pub kind: CodeKind,
    pub valid: bool,
}

/// How normalised text was classified and what its kind's check said.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Classified {
    Uscc(UsccOutcome),
    OrgCode(Result<(), Issue>),
    RegNo15(Result<(), Issue>),
    ResidentId(Result<ResidentIdParts, Issue>),
    /// Wrong length, a symbol outside ASCII, empty, scientific notation …: reported with its kind.
    Rejected(CodeKind, IssueCode, Option<usize>),
}

impl Classified {
    pub(super) fn verdict(&self) -> Verdict {
        let (kind, valid) = match self {
            Self::Uscc(outcome) => (CodeKind::Uscc, !matches!(outcome, UsccOutcome::Invalid(_))),
            Self::OrgCode(result) => (CodeKind::OrgCode, result.is_ok()),
            Self::RegNo15(result) => (CodeKind::RegNo15, result.is_ok()),
            Self::ResidentId(result) => (CodeKind::ResidentId, result.is_ok()),
            Self::Rejected(kind, ..) => (*kind, false),
        };
        Verdict { kind, valid }
    }
}

/// `9.11401E+17`: a spreadsheet turned the code into a floating-point number.
fn is_scientific_notation(text: &[u8]) -> bool {
    let Some(e) = text.iter().position(|&b| b == b'E') else {
        return false;
    };
    let (mantissa, exponent) = (&text[..e], &text[e + 1..]);
    let exponent = exponent.strip_prefix(b"+").unwrap_or(exponent);
    let mantissa_ok = mantissa.first().is_some_and(u8::is_ascii_digit)
        && mantissa.iter().filter(|&&b| b == b'.').count() <= 1
        && mantissa.iter().all(|&b| b.is_ascii_digit() || b == b'.');
    mantissa_ok && !exponent.is_empty() && exponent.iter().all(u8::is_ascii_digit)
}

/// Classifies normalised text and runs its kind's check. No allocation: this is the batch hot path.
pub(super) fn classify(text: &str) -> Classified {
    let bytes = text.as_bytes();
    if bytes.is_empty() {
        return Classified::Rejected(CodeKind::Unknown, IssueCode::Empty, None);
    }
    if !bytes.is_ascii() {
        let chars = text.chars().count();
        if chars > MAX_CODE_CHARS {
            return Classified::Rejected(CodeKind::Unknown, IssueCode::TooLong { chars }, None);
        }
        let kind = kind_by_length(chars, false);
        let (index, symbol) = text.chars().enumerate().find(|(_, c)| !c.is_ascii()).unwrap_or((0, '?'));
        return Classified::Rejected(kind, IssueCode::SymbolNotAllowed { symbol }, Some(index + 1));
    }
    if bytes.len() > MAX_CODE_CHARS {
        return Classified::Rejected(CodeKind::Unknown, IssueCode::TooLong { chars: bytes.len() }, None);
    }
    let classified = classify_ascii(bytes);
    // Scientific notation is looked for only when the code failed: it keeps the valid path short.
    if !classified.verdict().valid && is_scientific_notation(bytes) {
        return Classified::Rejected(CodeKind::Unknown, IssueCode::ScientificNotation, None);
    }
    classified
}

/// Classifies ASCII text of at most `MAX_CODE_CHARS` bytes by its length and runs that kind's check.
fn classify_ascii(bytes: &[u8]) -> Classified {
    match bytes.len() {
        18 => {
            let code: &[u8; 18] = bytes.try_into().unwrap_or(&[0; 18]);
            let outcome = check_uscc(code);
            if !matches!(outcome, UsccOutcome::Invalid(_)) {
                return Classified::Uscc(outcome);
            }
            let id = check_resident_id(code);
            if id.is_ok() || looks_like_resident_id(code) {
                Classified::ResidentId(id)
            } else {
                Classified::Uscc(outcome)
            }
        }
        9 => Classified::OrgCode(check_org_code(bytes.try_into().unwrap_or(&[0; 9]))),
        15 => {
            let code: &[u8; 15] = bytes.try_into().unwrap_or(&[0; 15]);
            match check_reg_no(code) {
                Err(_) if looks_like_first_generation_id(code) => {
                    Classified::Rejected(CodeKind::ResidentId, IssueCode::FirstGenerationId, None)
                }
                result => Classified::RegNo15(result),
            }
        }
        length => {
            let all_digits = bytes.iter().all(u8::is_ascii_digit);
            let kind = kind_by_length(length, all_digits);
            let issue = match kind.length() {
                Some(expected) => IssueCode::WrongLength { expected, actual: length },
                None => IssueCode::UnknownLength { length },
            };
            Classified::Rejected(kind, issue, None)
        }
    }
}

/// The kind a code of this length most likely is (one symbol off counts as that kind).
fn kind_by_length(length: usize, all_digits: bool) -> CodeKind {
    match length {
        17 | 19 if all_digits => CodeKind::ResidentId,
        17..=19 => CodeKind::Uscc,
        8..=10 => CodeKind::OrgCode,
        14..=16 => CodeKind::RegNo15,
        _ => CodeKind::Unknown,
    }
}

/// Quick check of one code: kind and validity, agreeing with [`validate`] but without the report.
/// Input already in normal form (upper-case ASCII letters and digits) takes a path with no allocation.
/// Builds a valid 统一社会信用代码 from its authority and type (2 symbols), region (6 digits) and
/// organisation-code body (8 symbols), adding both check symbols; `None` if the parts cannot form one.
/// For demo data and tests: real codes are issued, never made.
pub fn make_uscc(authority_and_type: &str, region: &str, org_body: &str) -> Option<String> {
    let mut code = format!("{authority_and_type}{region}{org_body}");
    if code.len() != 16 || !code.is_ascii() {
        return None;
    }
    code.push(char::from(org_check_symbol(org_body.as_bytes())?));
    let check_symbol = uscc_check_symbol(code.as_bytes());
    code.push(char::from(check_symbol));
    let verdict = check(&code);
    (verdict.valid && verdict.kind == CodeKind::Uscc).then_some(code)
}

pub fn check(input: &str) -> Verdict {
    if normalize::is_plain(input.as_bytes()) {
        classify(input).verdict()
    } else {
        classify(&normalize(input).text).verdict()
    }
}
