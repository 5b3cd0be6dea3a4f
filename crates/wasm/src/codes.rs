//! Code checks: `validateCode`, `validateCodes`, `checkCodes`, `codeKinds` (entries `xinnuo`, `xinnuo/codes`,
//! `xinnuo/status`).

use wasm_bindgen::prelude::*;

use crate::thrown::Thrown;
use crate::to_js;
use xinnuo_core::code::{self, CodeKind, CodeReport, Province, ValidateOptions, Verdict};

#[wasm_bindgen(typescript_custom_section)]
const TYPES: &'static str = r#"
/** Kind of identifier detected in the input. */
export type CodeKind = "uscc" | "org_code" | "reg_no_15" | "resident_id" | "unknown";

/** One finding; `position` is 1-based in `normalized`. */
export interface Issue {
  code: string;
  position?: number;
  message_zh: string;
  message_en: string;
}

export interface SuggestionDetail {
  code: string;
  edit: "look_alike" | "swap" | "substitute" | "insert" | "delete";
  position: number;
  /** True for a guess (V→U) rather than a look-alike. */
  guess: boolean;
}

export interface CodeParts {
  authority?: string; authority_name_zh?: string; authority_name_en?: string;
  org_type?: string; org_type_name_zh?: string; org_type_name_en?: string;
  region?: string; region_name?: string | null;
  /** `XXXXXXXX-X` */
  org_code?: string;
  check?: string;
  birth_date?: string;
  sex?: "male" | "female";
}

export interface CodeReport {
  input: string;
  normalized: string;
  kind: CodeKind;
  kind_label_zh: string;
  kind_label_en: string;
  valid: boolean;
  errors: Issue[];
  warnings: Issue[];
  suggestions: string[];
  suggestion_details: SuggestionDetail[];
  parts?: CodeParts;
}

export interface ValidateOptions {
  /** Province the form is for: `"14"`, `"140000"` or `"山西"`. */
  province?: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The options object of `validateCode` and `validateCodes`.
    #[wasm_bindgen(typescript_type = "ValidateOptions")]
    pub type JsValidateOptions;
}

/// Reads the options object; a bad province is an error the caller must see, not silently ignored. Read by
/// property, not through serde: the codes-only build then carries no JSON parser.
fn options_from(value: Option<JsValidateOptions>) -> Result<ValidateOptions, Thrown> {
    let Some(value) = value.map(JsValue::from).filter(|v| !v.is_undefined() && !v.is_null()) else {
        return Ok(ValidateOptions::default());
    };
    if !value.is_object() {
        return Err(Thrown::bad_argument(
            "选项应为对象，如 { province: \"山西\" }",
            "options must be an object, like { province: \"山西\" }",
        ));
    }
    let province = js_sys::Reflect::get(&value, &JsValue::from_str("province")).unwrap_or(JsValue::UNDEFINED);
    let province = match province.as_string() {
        Some(text) => Some(text),
        None if province.is_undefined() || province.is_null() => None,
        None => return Err(Thrown::bad_argument("选项 province 应为字符串", "options.province must be a string")),
    };
    Ok(parse_options(province.as_deref())?)
}

/// Core options from the JavaScript fields (native-testable).
pub fn parse_options(province: Option<&str>) -> Result<ValidateOptions, code::UnknownProvince> {
    Ok(ValidateOptions { province: province.map(Province::parse).transpose()? })
}

/// Validates one credit code, organisation code, registration number or ID number.
#[wasm_bindgen(js_name = validateCode, unchecked_return_type = "CodeReport")]
pub fn validate_code(input: &str, options: Option<JsValidateOptions>) -> Result<JsValue, Thrown> {
    to_js(&code::validate(input, &options_from(options)?))
}

/// One report per non-empty line or CSV cell.
#[wasm_bindgen(js_name = validateCodes, unchecked_return_type = "CodeReport[]")]
pub fn validate_codes(text: &str, options: Option<JsValidateOptions>) -> Result<JsValue, Thrown> {
    let reports: Vec<CodeReport> = code::validate_batch(text, &options_from(options)?);
    to_js(&reports)
}

/// Kind index used by [`check_codes`]: the order of `CodeKind.ALL`.
fn kind_index(kind: CodeKind) -> u8 {
    CodeKind::ALL.iter().position(|k| *k == kind).unwrap_or(CodeKind::ALL.len() - 1) as u8
}

/// One byte per verdict: bit 7 = valid, bits 0–6 = kind index.
pub fn verdict_byte(verdict: Verdict) -> u8 {
    (u8::from(verdict.valid) << 7) | kind_index(verdict.kind)
}

/// The fast batch check: one byte per non-empty line or CSV cell, `0x80` set when valid, the low bits the
/// index into `codeKinds()`. Use `validateCode` on the ones you want to explain.
#[wasm_bindgen(js_name = checkCodes)]
pub fn check_codes(text: &str) -> Vec<u8> {
    code::batch_cells(text).map(|cell| verdict_byte(code::check(cell.text))).collect()
}

/// The kind names in the order `checkCodes` indexes them.
#[wasm_bindgen(js_name = codeKinds, unchecked_return_type = "CodeKind[]")]
pub fn code_kinds() -> Vec<JsValue> {
    CodeKind::ALL.iter().map(|kind| JsValue::from_str(kind.name())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_bytes_encode_kind_and_validity() {
        let bytes: Vec<u8> = code::batch_cells("91350100M000100Y43\nabc\nM000100Y-4")
            .map(|c| verdict_byte(code::check(c.text)))
            .collect();
        assert_eq!(bytes, [0x80, 4, 0x81]);
    }

    #[test]
    fn options_reject_unknown_provinces() {
        assert!(parse_options(Some("山西")).is_ok());
        assert!(parse_options(None).is_ok());
        let error = parse_options(Some("火星")).unwrap_err().to_string();
        assert!(error.starts_with("未知的省份"), "{error}");
    }
}
