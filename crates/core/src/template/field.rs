//! Field schema of a template and the rules every filled value must meet. Validation also normalises
//! (trimmed text, canonical credit codes and amounts), so what is signed is the normal form.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::text::{no_text, none_listed, DataList, DataStr, Text};
use crate::calendar::Date;
use crate::code::{self, CodeKind};
use crate::lang::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FieldType {
    /// One line of text.
    Text,
    /// A natural person's name: personal data, shown to the public as its first character only (张**).
    PersonName,
    /// Several lines of text.
    Multiline,
    /// 统一社会信用代码 (GB 32100).
    CreditCode,
    /// 居民身份证号码 (GB 11643).
    IdNumber,
    /// Mobile `1[3-9]` + 9 digits, or a landline with area code.
    Phone,
    /// `YYYY-MM-DD`.
    Date,
    /// Yuan with at most two decimals.
    Amount,
    /// One of `options`.
    Choice,
    /// A yes/no confirmation that must be yes.
    Confirm,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub value: DataStr,
    pub label: Text,
}

/// A field is required when another field holds a given value (`equals`) or one of several (`one_of`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Condition {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub field: DataStr,
    #[serde(default, skip_serializing_if = "no_text")]
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub equals: DataStr,
    #[serde(default, skip_serializing_if = "none_listed")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<String>))]
    pub one_of: DataList<DataStr>,
}

impl Condition {
    fn holds(&self, values: &BTreeMap<String, Value>) -> bool {
        values
            .get(&*self.field)
            .and_then(Value::as_str)
            .is_some_and(|value| value == self.equals || self.one_of.iter().any(|option| option == value))
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub id: DataStr,
    #[serde(rename = "type")]
    pub kind: FieldType,
    pub label: Text,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<Text>,
    #[serde(default)]
    pub required: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub required_if: Option<Condition>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min_len: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_len: Option<u32>,
    #[serde(default, skip_serializing_if = "none_listed")]
    #[cfg_attr(feature = "openapi", schema(value_type = Vec<ChoiceOption>))]
    pub options: DataList<ChoiceOption>,
    /// Amount bounds in yuan.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// A date that may not lie after the day of signing.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub not_future: bool,
    /// Personal data of a person (an address, say) beyond what the type implies: ID numbers and phones are
    /// always personal. Personal values are signed as salted digests and never published.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub personal: bool,
}

/// Longest text accepted when a template sets no limit.
pub const DEFAULT_MAX_LEN: u32 = 2000;
const MAX_AMOUNT_CENTS: i64 = 100_000_000_000_000;

/// What is wrong with a field; serialised with `field`, `code` and both messages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldIssueCode {
    Required,
    TooShort {
        min: u32,
    },
    TooLong {
        max: u32,
    },
    /// The credit-code check failed; the first reason in both languages.
    InvalidCreditCode {
        reason_zh: String,
        reason_en: String,
    },
    InvalidIdNumber {
        reason_zh: String,
        reason_en: String,
    },
    InvalidPhone,
    InvalidDate,
    DateInFuture,
    InvalidAmount,
    AmountTooSmall {
        min: String,
    },
    AmountTooLarge {
        max: String,
    },
    NotAnOption,
    NotConfirmed,
    WrongType,
    UnknownField,
    ControlCharacters,
}

impl FieldIssueCode {
    pub fn name(&self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooShort { .. } => "too_short",
            Self::TooLong { .. } => "too_long",
            Self::InvalidCreditCode { .. } => "invalid_credit_code",
            Self::InvalidIdNumber { .. } => "invalid_id_number",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidDate => "invalid_date",
            Self::DateInFuture => "date_in_future",
            Self::InvalidAmount => "invalid_amount",
            Self::AmountTooSmall { .. } => "amount_too_small",
            Self::AmountTooLarge { .. } => "amount_too_large",
            Self::NotAnOption => "not_an_option",
            Self::NotConfirmed => "not_confirmed",
            Self::WrongType => "wrong_type",
            Self::UnknownField => "unknown_field",
            Self::ControlCharacters => "control_characters",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldIssue {
    pub field: String,
    pub code: FieldIssueCode,
}

impl FieldIssue {
    pub fn message(&self, lang: Lang) -> String {
        let zh = lang == Lang::Zh;
        let pick = |z: &str, e: &str| if zh { z.to_owned() } else { e.to_owned() };
        match &self.code {
            FieldIssueCode::Required => pick("此项必填", "This field is required"),
            FieldIssueCode::TooShort { min } => {
                if zh {
                    format!("至少填写 {min} 个字")
                } else {
                    format!("Enter at least {min} characters")
                }
            }
            FieldIssueCode::TooLong { max } => {
                if zh {
                    format!("最多 {max} 个字")
                } else {
                    format!("At most {max} characters")
                }
            }
            FieldIssueCode::InvalidCreditCode { reason_zh, reason_en } => {
                if zh {
                    format!("统一社会信用代码有误：{reason_zh}")
                } else {
                    format!("Invalid unified social credit code: {reason_en}")
                }
            }
            FieldIssueCode::InvalidIdNumber { reason_zh, reason_en } => {
                if zh {
                    format!("身份证号码有误：{reason_zh}")
                } else {
                    format!("Invalid resident ID number: {reason_en}")
                }
            }
            FieldIssueCode::InvalidPhone => pick(
                "电话号码应为 11 位手机号（1 开头）或带区号的固定电话，如 0351-1234567",
                "Enter an 11-digit mobile number (starting with 1) or a landline with area code, e.g. 0351-1234567",
            ),
            FieldIssueCode::InvalidDate => pick("日期应为真实日期，格式 YYYY-MM-DD", "Enter a real date as YYYY-MM-DD"),
            FieldIssueCode::DateInFuture => pick("日期不能晚于今天", "The date cannot be after today"),
            FieldIssueCode::InvalidAmount => pick(
                "金额应为数字（元），最多两位小数，如 12345.67",
                "Enter an amount in yuan with at most two decimals, e.g. 12345.67",
            ),
            FieldIssueCode::AmountTooSmall { min } => {
                if zh {
                    format!("金额不能小于 {min} 元")
                } else {
                    format!("The amount cannot be less than {min} yuan")
                }
            }
            FieldIssueCode::AmountTooLarge { max } => {
                if zh {
                    format!("金额不能大于 {max} 元")
                } else {
                    format!("The amount cannot exceed {max} yuan")
                }
            }
            FieldIssueCode::NotAnOption => pick("请从列表中选择", "Choose one of the listed options"),
            FieldIssueCode::NotConfirmed => pick("须勾选确认后才能签署", "This must be confirmed before signing"),
            FieldIssueCode::WrongType => pick("填写的值类型不对", "The value has the wrong type"),
            FieldIssueCode::UnknownField => pick("模板中没有此项", "The template has no such field"),
            FieldIssueCode::ControlCharacters => {
                pick("含有不可见的控制字符，请删除", "Contains invisible control characters; remove them")
            }
        }
    }
}

impl Serialize for FieldIssue {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut state = serializer.serialize_struct("FieldIssue", 4)?;
        state.serialize_field("field", &self.field)?;
        state.serialize_field("code", self.code.name())?;
        state.serialize_field("message_zh", &self.message(Lang::Zh))?;
        state.serialize_field("message_en", &self.message(Lang::En))?;
        state.end()
    }
}

impl FieldSpec {
    /// Whether the value is personal data: signed as a salted digest, disclosed only to those allowed.
    pub fn is_personal(&self) -> bool {
        self.personal || matches!(self.kind, FieldType::IdNumber | FieldType::Phone | FieldType::PersonName)
    }

    /// How a personal value may be shown to the public: an ID number keeps its region and last four
    /// (`110105********002X`), a person's name its first character (`张**`), a mobile its first three and last four (`138****8000`), a landline its area
    /// code and last four; anything else (an address) is not shown at all. Non-personal values as they are.
    pub fn masked(&self, value: &Value) -> Option<String> {
        let text = value.as_str()?;
        let stars = |count: usize| "*".repeat(count);
        let keep = |text: &str, head: usize, tail: usize| {
            let chars: Vec<char> = text.chars().collect();
            (chars.len() > head + tail).then(|| {
                let middle = chars.len() - head - tail;
                format!(
                    "{}{}{}",
                    chars[..head].iter().collect::<String>(),
                    stars(middle),
                    chars[head + middle..].iter().collect::<String>()
                )
            })
        };
        match self.kind {
            _ if !self.is_personal() => Some(text.to_owned()),
            FieldType::IdNumber => keep(text, 6, 4),
            FieldType::PersonName => keep(text, 1, 0).or_else(|| Some("*".to_owned())),
            FieldType::Phone => match text.split('-').collect::<Vec<_>>().as_slice() {
                [mobile] => keep(mobile, 3, 4),
                [area, number, ..] => keep(number, 0, 4).map(|masked| format!("{area}-{masked}")),
                [] => None,
            },
            _ => None,
        }
    }

    /// Consistency of a definition (run when templates load).
    pub(super) fn check(&self) -> Result<(), String> {
        if self.id.is_empty() || !self.id.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(format!("field id {:?} must be lower-case ASCII, digits or _", self.id));
        }
        if let Some(condition) = &self.required_if {
            if condition.equals.is_empty() == condition.one_of.is_empty() {
                return Err(format!("field {:?}: required_if takes equals or one_of", self.id));
            }
        }
        if (self.kind == FieldType::Choice) == self.options.is_empty() {
            return Err(format!("field {:?}: options belong to choice fields, and choice fields need them", self.id));
        }
        Ok(())
    }

    fn issue(&self, code: FieldIssueCode) -> FieldIssue {
        FieldIssue { field: self.id.to_string(), code }
    }

    /// Whether the field must be filled, given the other values.
    pub fn is_required(&self, values: &BTreeMap<String, Value>) -> bool {
        self.required || self.required_if.as_ref().is_some_and(|condition| condition.holds(values))
    }

    /// Normalises one present value, or says what is wrong with it. `today` enables the not-in-future rule.
    pub fn normalize(&self, value: &Value, today: Option<Date>) -> Result<Value, FieldIssue> {
        if self.kind == FieldType::Confirm {
            return match value {
                Value::Bool(true) => Ok(Value::Bool(true)),
                Value::Bool(false) => Err(self.issue(FieldIssueCode::NotConfirmed)),
                _ => Err(self.issue(FieldIssueCode::WrongType)),
            };
        }
        let Value::String(raw) = value else {
            return Err(self.issue(FieldIssueCode::WrongType));
        };
        let text = normalize_text(raw, self.kind == FieldType::Multiline);
        // Format characters (bidi overrides, zero-width marks) would let the signed text display differently
        // from what was signed. Codes, phones and dates are rebuilt from their symbols, so only free text is
        // checked for them here.
        let free_text = matches!(self.kind, FieldType::Text | FieldType::Multiline | FieldType::PersonName);
        if text.chars().any(|c| c.is_control() && c != '\n')
            || (free_text && text.chars().any(crate::text::is_invisible_format))
        {
            return Err(self.issue(FieldIssueCode::ControlCharacters));
        }
        let normalized = match self.kind {
            FieldType::Text | FieldType::Multiline | FieldType::PersonName => {
                let length = text.chars().count() as u32;
                let max = self.max_len.unwrap_or(DEFAULT_MAX_LEN);
                if length > max {
                    return Err(self.issue(FieldIssueCode::TooLong { max }));
                }
                if let Some(min) = self.min_len.filter(|&min| length < min) {
                    return Err(self.issue(FieldIssueCode::TooShort { min }));
                }
                text
            }
            FieldType::CreditCode => self.checked_code(&text, CodeKind::Uscc)?,
            FieldType::IdNumber => self.checked_code(&text, CodeKind::ResidentId)?,
            FieldType::Phone => normalize_phone(&text).ok_or_else(|| self.issue(FieldIssueCode::InvalidPhone))?,
            FieldType::Date => {
                let date = Date::parse(&text).map_err(|_| self.issue(FieldIssueCode::InvalidDate))?;
                if self.not_future && today.is_some_and(|today| date > today) {
                    return Err(self.issue(FieldIssueCode::DateInFuture));
                }
                date.to_string()
            }
            FieldType::Amount => {
                let cents = parse_amount(&text).ok_or_else(|| self.issue(FieldIssueCode::InvalidAmount))?;
                if let Some(min) = self.min.filter(|&min| (cents as f64) < min * 100.0) {
                    return Err(self.issue(FieldIssueCode::AmountTooSmall { min: format_yuan(min) }));
                }
                if let Some(max) = self.max.filter(|&max| (cents as f64) > max * 100.0) {
                    return Err(self.issue(FieldIssueCode::AmountTooLarge { max: format_yuan(max) }));
                }
                format!("{}.{:02}", cents / 100, cents % 100)
            }
            FieldType::Choice => {
                self.options.iter().find(|o| o.value == text).ok_or_else(|| self.issue(FieldIssueCode::NotAnOption))?;
                text
            }
            FieldType::Confirm => unreachable!("handled above"),
        };
        Ok(Value::String(normalized))
    }

    fn checked_code(&self, text: &str, kind: CodeKind) -> Result<String, FieldIssue> {
        let checked = code::check_field(text);
        let found = checked.verdict.kind;
        if checked.verdict.valid && found == kind {
            return Ok(checked.normalized);
        }
        let (reason_zh, reason_en) = match &checked.first_error {
            Some(issue) if found == kind || found == CodeKind::Unknown => {
                (issue.code.message_zh(), issue.code.message_en())
            }
            _ => (
                format!("这是{}，不是{}", found.label_zh(), kind.label_zh()),
                format!("this is a {}, not a {}", found.label_en(), kind.label_en()),
            ),
        };
        Err(self.issue(match kind {
            CodeKind::ResidentId => FieldIssueCode::InvalidIdNumber { reason_zh, reason_en },
            _ => FieldIssueCode::InvalidCreditCode { reason_zh, reason_en },
        }))
    }

    /// A value as it appears in the rendered text (choice values show their label).
    pub fn display(&self, value: &Value, lang: Lang) -> String {
        match (self.kind, value) {
            (FieldType::Choice, Value::String(v)) => {
                self.options.iter().find(|o| &o.value == v).map_or_else(|| v.clone(), |o| o.label.get(lang).to_owned())
            }
            (FieldType::Amount, Value::String(v)) => match lang {
                Lang::Zh => format!("{v} 元"),
                Lang::En => format!("CNY {v}"),
            },
            (FieldType::Date, Value::String(v)) => match (lang, Date::parse(v)) {
                (Lang::Zh, Ok(date)) => date.to_zh(),
                _ => v.clone(),
            },
            (_, Value::String(v)) => v.clone(),
            (_, Value::Bool(b)) => if *b { "✓" } else { "✗" }.to_owned(),
            (_, other) => other.to_string(),
        }
    }
}

/// Whether a value counts as not filled in.
pub fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(s) => s.trim().is_empty(),
        Value::Bool(b) => !b,
        _ => false,
    }
}

/// Trims, unifies line ends, and for one-line fields folds runs of white space.
fn normalize_text(raw: &str, multiline: bool) -> String {
    let unified = raw.replace("\r\n", "\n").replace('\r', "\n");
    if multiline {
        unified.lines().map(str::trim).collect::<Vec<_>>().join("\n").trim().to_owned()
    } else {
        unified.split_whitespace().collect::<Vec<_>>().join(" ")
    }
}

/// Mobile numbers as 11 digits; landlines as `AREA-NUMBER[-EXT]`.
fn normalize_phone(text: &str) -> Option<String> {
    let ascii: String = text
        .chars()
        .filter_map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
            '－' | '—' | '–' => Some('-'),
            ' ' | '\u{3000}' | '(' | ')' | '（' | '）' => None,
            c => Some(c),
        })
        .collect();
    let ascii = ascii.strip_prefix("+86").unwrap_or(&ascii);
    let bytes = ascii.as_bytes();
    if bytes.len() == 11
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1])
        && bytes.iter().all(u8::is_ascii_digit)
    {
        return Some(ascii.to_owned());
    }
    let parts: Vec<&str> = ascii.split('-').collect();
    let digits = |s: &str, range: std::ops::RangeInclusive<usize>| {
        range.contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [area, number] | [area, number, _] if area.starts_with('0') && digits(area, 3..=4) && digits(number, 7..=8) => {
            if let [_, _, extension] = parts.as_slice() {
                if !digits(extension, 1..=6) {
                    return None;
                }
            }
            Some(parts.join("-"))
        }
        [number] if number.starts_with('0') && digits(number, 10..=12) => Some((*number).to_owned()),
        _ => None,
    }
}

/// Yuan → cents: digits with optional thousands commas and at most two decimals.
fn parse_amount(text: &str) -> Option<i64> {
    let text = text.trim_end_matches('元').trim();
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    let whole: String = whole.chars().filter(|&c| c != ',' && c != '，').collect();
    if whole.is_empty() || whole.len() > 13 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if fraction.len() > 2
        || !fraction.bytes().all(|b| b.is_ascii_digit())
        || (text.contains('.') && fraction.is_empty())
    {
        return None;
    }
    let yuan: i64 = whole.parse().ok()?;
    let cents: i64 = format!("{fraction:0<2}").parse().ok()?;
    let total = yuan.checked_mul(100)?.checked_add(cents)?;
    (total <= MAX_AMOUNT_CENTS).then_some(total)
}

/// Through integer cents: exact for any bound a template can state, and it keeps float formatting (over
/// 10 KB of wasm) out of the build.
fn format_yuan(yuan: f64) -> String {
    let cents = (yuan * 100.0).round() as i64;
    let (whole, fraction) = (cents / 100, (cents % 100).abs());
    let sign = if cents < 0 && whole == 0 { "-" } else { "" };
    if fraction == 0 {
        format!("{sign}{whole}")
    } else {
        format!("{sign}{whole}.{fraction:02}")
    }
}

#[cfg(test)]
mod mask_tests {
    use super::*;

    fn spec(kind: &str, personal: bool) -> FieldSpec {
        serde_json::from_value(serde_json::json!({
            "id": "f", "type": kind, "label": {"zh": "字段", "en": "field"}, "personal": personal
        }))
        .unwrap()
    }

    #[test]
    fn personal_values_are_masked_for_the_public() {
        let id = spec("id_number", false);
        assert!(id.is_personal());
        assert_eq!(id.masked(&"11010519491231002X".into()).as_deref(), Some("110105********002X"));
        let phone = spec("phone", false);
        assert_eq!(phone.masked(&"13812348000".into()).as_deref(), Some("138****8000"));
        assert_eq!(phone.masked(&"0351-7654321".into()).as_deref(), Some("0351-***4321"));
        assert_eq!(phone.masked(&"0351-7654321-88".into()).as_deref(), Some("0351-***4321"));
        let address = spec("text", true);
        assert!(address.is_personal());
        assert_eq!(address.masked(&"太原市小店区示例路 1 号".into()), None, "an address is never shown");
        let name = spec("text", false);
        assert!(!name.is_personal());
        assert_eq!(name.masked(&"张三".into()).as_deref(), Some("张三"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_bounds_read_as_written() {
        assert_eq!(format_yuan(0.0), "0");
        assert_eq!(format_yuan(100.0), "100");
        assert_eq!(format_yuan(0.5), "0.50");
        assert_eq!(format_yuan(1234.05), "1234.05");
        assert_eq!(format_yuan(-0.25), "-0.25");
        assert_eq!(format_yuan(-3.5), "-3.50");
    }

    #[test]
    fn phones() {
        assert_eq!(normalize_phone("138 0013 8000").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("+8613800138000").as_deref(), Some("13800138000"));
        assert_eq!(normalize_phone("0351-1234567").as_deref(), Some("0351-1234567"));
        assert_eq!(normalize_phone("（0351）1234567").as_deref(), Some("03511234567"));
        assert_eq!(normalize_phone("010-12345678-123").as_deref(), Some("010-12345678-123"));
        for bad in ["12800138000", "1380013800", "351-1234567", "0351-12345", "abc", ""] {
            assert_eq!(normalize_phone(bad), None, "{bad}");
        }
    }

    #[test]
    fn amounts() {
        assert_eq!(parse_amount("12,345.6"), Some(1_234_560));
        assert_eq!(parse_amount("0.05元"), Some(5));
        assert_eq!(parse_amount("100"), Some(10_000));
        for bad in ["", "-1", "1.234", "1.", "1e5", "abc", "99999999999999"] {
            assert_eq!(parse_amount(bad), None, "{bad}");
        }
    }

    #[test]
    fn text_is_trimmed_and_folded() {
        assert_eq!(normalize_text("  山西  某某 \t 公司 ", false), "山西 某某 公司");
        assert_eq!(normalize_text(" a \r\n\r\n b  \r\n", true), "a\n\nb");
    }
}
