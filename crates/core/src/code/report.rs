//! The full report a person sees for one code.

use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::checks;
use super::checks::{ResidentIdParts, UsccOutcome, UsccParts};
use super::classify::{classify, Classified, CodeKind, Verdict, MAX_CODE_CHARS};
use super::division::{division_known, division_name, Province, NATIONAL_LEVEL};
use super::issue::{Issue, IssueCode};
use super::normalize::normalize;
use super::suggest::{suggest, Suggestion};

/// Longest echo of the input kept in a report (a 10 MB paste is not sent back).
const ECHO_CHARS: usize = 64;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ValidateOptions {
    /// The province the form is for: codes registered elsewhere get a warning.
    pub province: Option<Province>,
}

/// The name of a code's region (GB/T 2260, 2021), looked up when read or serialised: a build that only
/// checks codes (a form, a verifier) then leaves the table of names out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegionName(u32);

impl RegionName {
    pub fn get(self) -> Option<&'static str> {
        division_name(self.0)
    }
}

impl Serialize for RegionName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.get().serialize(serializer)
    }
}

/// The parsed parts of a code, for display.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(untagged)]
pub enum Parts {
    Uscc {
        authority: char,
        authority_name_zh: &'static str,
        authority_name_en: &'static str,
        org_type: char,
        org_type_name_zh: &'static str,
        org_type_name_en: &'static str,
        region: String,
        region_name: RegionName,
        /// Printed as `XXXXXXXX-X`.
        org_code: String,
        check: char,
    },
    OrgCode {
        org_code: String,
    },
    RegNo15 {
        region: String,
        region_name: RegionName,
    },
    ResidentId {
        region: String,
        region_name: RegionName,
        birth_date: String,
        sex: &'static str,
    },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeReport {
    /// What was given (cut to 64 characters).
    pub input: String,
    pub normalized: String,
    pub kind: CodeKind,
    /// No errors: the code conforms, or is a known real non-conforming code (then flagged in warnings).
    pub valid: bool,
    pub errors: Vec<Issue>,
    pub warnings: Vec<Issue>,
    pub suggestions: Vec<Suggestion>,
    pub parts: Option<Parts>,
}

fn cut(text: &str) -> String {
    match text.char_indices().nth(ECHO_CHARS) {
        Some((end, _)) => format!("{}…", &text[..end]),
        None => text.to_owned(),
    }
}

fn format_org_code(code: &[u8]) -> String {
    let (body, check) = code.split_at(8);
    format!("{}-{}", String::from_utf8_lossy(body), String::from_utf8_lossy(check))
}

fn uscc_parts(parts: &UsccParts) -> Parts {
    Parts::Uscc {
        authority: char::from(parts.authority.symbol),
        authority_name_zh: parts.authority.name_zh,
        authority_name_en: parts.authority.name_en,
        org_type: char::from(parts.org_type.symbol),
        org_type_name_zh: parts.org_type.name_zh,
        org_type_name_en: parts.org_type.name_en,
        region: format!("{:06}", parts.region),
        region_name: RegionName(parts.region),
        org_code: format_org_code(&parts.org_code),
        check: char::from(parts.check),
    }
}

fn resident_id_parts(parts: &ResidentIdParts) -> Parts {
    let (year, month, day) = parts.birth_date;
    Parts::ResidentId {
        region: format!("{:06}", parts.region),
        region_name: RegionName(parts.region),
        birth_date: format!("{year:04}-{month:02}-{day:02}"),
        sex: if parts.male { "male" } else { "female" },
    }
}

/// Warnings about where a code was registered: unknown region, or outside the form's province.
fn region_warnings(region: u32, options: &ValidateOptions, warnings: &mut Vec<Issue>) {
    if !division_known(region) {
        warnings.push(Issue::at(IssueCode::UnknownRegion { region }, 3));
    }
    if let Some(province) = options.province {
        if region != NATIONAL_LEVEL && !province.contains(region) {
            warnings.push(Issue::at(IssueCode::OutsideProvince { region, province: province.name() }, 3));
        }
    }
}

/// What a form field needs of a code: its normal form, the verdict and the first error of the full report —
/// without the report's warnings, parts and suggestions, so a build that only checks fields (the commitment
/// form, the signing package) carries none of them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldCheck {
    pub normalized: String,
    pub verdict: Verdict,
    /// `validate(…).errors.first()`.
    pub first_error: Option<Issue>,
}

/// A code typed into a form field (see [`FieldCheck`]).
pub fn check_field(input: &str) -> FieldCheck {
    let normalized = normalize(input);
    let text = normalized.text.as_str();
    let classified = classify(text);
    let verdict = classified.verdict();
    let first_error = match classified {
        Classified::Uscc(UsccOutcome::Invalid(issue)) => uscc_errors(issue, text).into_iter().next(),
        Classified::OrgCode(Err(issue)) | Classified::RegNo15(Err(issue)) | Classified::ResidentId(Err(issue)) => {
            Some(issue)
        }
        Classified::Rejected(_, code, position) => Some(Issue { code, position }),
        _ => None,
    };
    FieldCheck { normalized: text.to_owned(), verdict, first_error }
}

/// A credit code's errors: every bad symbol when symbols are wrong, else the one issue found.
fn uscc_errors(issue: Issue, text: &str) -> Vec<Issue> {
    let symbol_error = matches!(issue.code, IssueCode::ForbiddenLetter { .. } | IssueCode::SymbolNotAllowed { .. });
    if symbol_error {
        checks::uscc_bad_symbols(text.as_bytes()).collect()
    } else {
        vec![issue]
    }
}

/// Validates one code as a person pasted it.
pub fn validate(input: &str, options: &ValidateOptions) -> CodeReport {
    let normalized = normalize(input);
    let text = normalized.text.as_str();
    let classified = classify(text);
    let verdict = classified.verdict();
    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    let mut parts = None;

    if normalized.invisible_removed > 0 {
        warnings.push(Issue::whole(IssueCode::InvisibleRemoved { count: normalized.invisible_removed }));
    }
    match classified {
        Classified::Uscc(UsccOutcome::Valid(found)) => {
            region_warnings(found.region, options, &mut warnings);
            parts = Some(uscc_parts(&found));
        }
        Classified::Uscc(UsccOutcome::FujianPilot(found, expected)) => {
            warnings.push(Issue::at(IssueCode::FujianPilot { expected: char::from(expected) }, 18));
            region_warnings(found.region, options, &mut warnings);
            parts = Some(uscc_parts(&found));
        }
        Classified::Uscc(UsccOutcome::Invalid(issue)) => errors = uscc_errors(issue, text),
        Classified::OrgCode(result) => {
            warnings.push(Issue::whole(IssueCode::LegacyOrgCode));
            match result {
                Ok(()) => parts = Some(Parts::OrgCode { org_code: format_org_code(text.as_bytes()) }),
                Err(issue) => errors.push(issue),
            }
        }
        Classified::RegNo15(result) => {
            warnings.push(Issue::whole(IssueCode::LegacyRegNo));
            match result {
                Ok(()) => {
                    let region = text[..6].parse().unwrap_or(0);
                    region_warnings(region, options, &mut warnings);
                    parts = Some(Parts::RegNo15 { region: text[..6].to_owned(), region_name: RegionName(region) });
                    let digits: Option<&[u8; 15]> = text.as_bytes().try_into().ok();
                    if digits.is_some_and(checks::looks_like_first_generation_id) {
                        warnings.push(Issue::whole(IssueCode::MaybeFirstGenerationId));
                    }
                }
                Err(issue) => errors.push(issue),
            }
        }
        Classified::ResidentId(result) => match result {
            Ok(found) => {
                if !division_known(found.region) {
                    warnings.push(Issue::at(IssueCode::UnknownRegion { region: found.region }, 1));
                }
                parts = Some(resident_id_parts(&found));
            }
            Err(issue) => errors.push(issue),
        },
        Classified::Rejected(_, code, position) => errors.push(Issue { code, position }),
    }
    let is_18_digits = text.len() == 18 && text.bytes().all(|b| b.is_ascii_digit());
    let spreadsheet_damage = !verdict.valid && is_18_digits && text.ends_with("000");
    if spreadsheet_damage {
        warnings.push(Issue::whole(IssueCode::SpreadsheetDamage));
    }
    // Digits a spreadsheet dropped cannot be guessed back: a one-edit "fix" would only mislead.
    let suggestions =
        if verdict.valid || spreadsheet_damage { Vec::new() } else { suggest(verdict.kind, text, options.province) };
    CodeReport {
        input: cut(input),
        normalized: if text.chars().count() > MAX_CODE_CHARS { cut(text) } else { text.to_owned() },
        kind: verdict.kind,
        valid: verdict.valid,
        errors,
        warnings,
        suggestions,
        parts,
    }
}

impl CodeReport {
    /// The verdict alone, as the quick check gives it.
    pub fn verdict(&self) -> Verdict {
        Verdict { kind: self.kind, valid: self.valid }
    }
}

impl Serialize for CodeReport {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let codes: Vec<&str> = self.suggestions.iter().map(|s| s.code.as_str()).collect();
        let mut state = serializer.serialize_struct("CodeReport", 10)?;
        state.serialize_field("input", &self.input)?;
        state.serialize_field("normalized", &self.normalized)?;
        state.serialize_field("kind", &self.kind)?;
        state.serialize_field("kind_label_zh", self.kind.label_zh())?;
        state.serialize_field("kind_label_en", self.kind.label_en())?;
        state.serialize_field("valid", &self.valid)?;
        state.serialize_field("errors", &self.errors)?;
        state.serialize_field("warnings", &self.warnings)?;
        state.serialize_field("suggestions", &codes)?;
        state.serialize_field("suggestion_details", &self.suggestions)?;
        match &self.parts {
            Some(parts) => state.serialize_field("parts", parts)?,
            None => state.skip_field("parts")?,
        }
        state.end()
    }
}
