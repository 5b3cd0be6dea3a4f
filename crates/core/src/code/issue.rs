//! What can be wrong with a code (errors) or worth knowing (warnings), with zh-CN and English messages.

use serde::ser::{Serialize, SerializeStruct, Serializer};

/// One finding about a code. `position` is 1-based in the normalised text, where the finding has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Issue {
    pub code: IssueCode,
    pub position: Option<usize>,
}

impl Issue {
    pub fn at(code: IssueCode, position: usize) -> Self {
        Self { code, position: Some(position) }
    }

    pub fn whole(code: IssueCode) -> Self {
        Self { code, position: None }
    }

    /// The message with its position in front (`第 9 位：…`, `Position 9: …`) unless the message already names
    /// where it is: each says it once.
    pub fn located_message(&self, lang: crate::lang::Lang) -> String {
        let (message, names_place) = match lang {
            crate::lang::Lang::Zh => {
                let message = self.code.message_zh();
                let names_place = message.contains("位");
                (message, names_place)
            }
            crate::lang::Lang::En => {
                let message = self.code.message_en();
                let names_place = message.to_lowercase().contains("position");
                (message, names_place)
            }
        };
        match self.position {
            Some(position) if !names_place => match lang {
                crate::lang::Lang::Zh => format!("第 {position} 位：{message}"),
                crate::lang::Lang::En => format!("Position {position}: {message}"),
            },
            _ => message,
        }
    }
}

/// Every outcome is a variant here; messages are derived from it, never parsed back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IssueCode {
    // Errors.
    Empty,
    TooLong { chars: usize },
    UnknownLength { length: usize },
    WrongLength { expected: usize, actual: usize },
    ForbiddenLetter { symbol: char },
    SymbolNotAllowed { symbol: char },
    UnknownAuthority { symbol: char },
    TypeNotAllowed { authority: char, symbol: char },
    RegionNotDigits,
    OrgCheckWrong { expected: char, found: char },
    CheckSymbolWrong { expected: char, found: char },
    ScientificNotation,
    BirthDateInvalid,
    IdCheckWrong { expected: char, found: char },
    FirstGenerationId,
    RegNoCheckWrong,
    // Warnings.
    InvisibleRemoved { count: usize },
    UnknownRegion { region: u32 },
    OutsideProvince { region: u32, province: &'static str },
    SpreadsheetDamage,
    FujianPilot { expected: char },
    LegacyOrgCode,
    LegacyRegNo,
    MaybeFirstGenerationId,
}

/// How a symbol is shown in a message: printable as itself, otherwise as its code point.
fn shown(symbol: char) -> String {
    if symbol.is_control() || symbol.is_whitespace() {
        format!("U+{:04X}", symbol as u32)
    } else {
        format!("“{symbol}”")
    }
}

impl IssueCode {
    /// Stable machine-readable name (snake_case), part of the public API.
    pub fn name(&self) -> &'static str {
        use IssueCode::*;
        match self {
            Empty => "empty",
            TooLong { .. } => "too_long",
            UnknownLength { .. } => "unknown_length",
            WrongLength { .. } => "wrong_length",
            ForbiddenLetter { .. } => "forbidden_letter",
            SymbolNotAllowed { .. } => "symbol_not_allowed",
            UnknownAuthority { .. } => "unknown_authority",
            TypeNotAllowed { .. } => "type_not_allowed",
            RegionNotDigits => "region_not_digits",
            OrgCheckWrong { .. } => "org_check_wrong",
            CheckSymbolWrong { .. } => "check_symbol_wrong",
            ScientificNotation => "scientific_notation",
            BirthDateInvalid => "birth_date_invalid",
            IdCheckWrong { .. } => "id_check_wrong",
            FirstGenerationId => "first_generation_id",
            RegNoCheckWrong => "reg_no_check_wrong",
            InvisibleRemoved { .. } => "invisible_removed",
            UnknownRegion { .. } => "unknown_region",
            OutsideProvince { .. } => "outside_province",
            SpreadsheetDamage => "spreadsheet_damage",
            FujianPilot { .. } => "fujian_pilot",
            LegacyOrgCode => "legacy_org_code",
            LegacyRegNo => "legacy_reg_no",
            MaybeFirstGenerationId => "maybe_first_generation_id",
        }
    }

    pub fn message_zh(&self) -> String {
        use IssueCode::*;
        match self {
            Empty => "请输入代码。".into(),
            TooLong { chars } => format!("输入过长（{chars} 个字符），不是一个代码；批量检查请使用“批量检查”。"),
            UnknownLength { length } => format!("长度为 {length} 位，不是统一社会信用代码（18 位）、组织机构代码（9 位）、注册号（15 位）或身份证号（18 位）。"),
            WrongLength { expected, actual } => format!("应为 {expected} 位，实际为 {actual} 位：可能多输或漏输了一位。"),
            ForbiddenLetter { symbol } => format!("不允许的字母 {}：统一社会信用代码从不使用 I、O、S、V、Z（常被误作 1、0、5、U、2）。", shown(*symbol)),
            SymbolNotAllowed { symbol } => format!("不允许的字符 {}。", shown(*symbol)),
            UnknownAuthority { symbol } => format!("第 1 位登记管理部门代码 {} 不存在（应为 1–9、A、N 或 Y）。", shown(*symbol)),
            TypeNotAllowed { authority, symbol } => format!("第 2 位机构类别 {} 不属于登记管理部门 {}。", shown(*symbol), shown(*authority)),
            RegionNotDigits => "第 3–8 位行政区划码应为 6 位数字。".into(),
            OrgCheckWrong { expected, found } => format!("组织机构代码校验码应为 {}，实际为 {}。", shown(*expected), shown(*found)),
            CheckSymbolWrong { expected, found } => format!("第 18 位校验码应为 {}，实际为 {}：代码中某一位有误。", shown(*expected), shown(*found)),
            ScientificNotation => "这是科学计数法（如 9.11E+17）：表格软件把代码当成数字保存，后几位已丢失。请把该列设为“文本”后重新录入。".into(),
            BirthDateInvalid => "第 7–14 位出生日期不是有效日期。".into(),
            IdCheckWrong { expected, found } => format!("身份证号第 18 位校验码应为 {}，实际为 {}。", shown(*expected), shown(*found)),
            FirstGenerationId => "这是 15 位第一代身份证号，请换算或填写 18 位号码。".into(),
            RegNoCheckWrong => "15 位注册号校验位不正确。".into(),
            InvisibleRemoved { count } => format!("已删除 {count} 个不可见字符（如零宽空格、方向标记），请检查原始数据。"),
            UnknownRegion { region } => format!("行政区划码 {region:06} 不在 2021 年区划表中；代码保留发证当年的区划，可能仍然有效。"),
            OutsideProvince { region, province } => format!("行政区划码 {region:06} 不在{province}。"),
            SpreadsheetDamage => "以 000 结尾的 18 位数字常是表格软件损坏（只保留 15 位有效数字），请核对原件。".into(),
            FujianPilot { expected } => format!("校验码不符合国家标准（按标准应为 {}）；2016 年前福建（厦门）试点发放的代码可能真实存在，请在国家企业信用信息公示系统核实。", shown(*expected)),
            LegacyOrgCode => "这是 9 位组织机构代码；请填写 18 位统一社会信用代码（其第 9–17 位即此代码）。".into(),
            LegacyRegNo => "这是 15 位工商注册号（2015 年前使用）；请填写 18 位统一社会信用代码。".into(),
            MaybeFirstGenerationId => "也可能是 15 位第一代身份证号。".into(),
        }
    }

    pub fn message_en(&self) -> String {
        use IssueCode::*;
        match self {
            Empty => "Enter a code.".into(),
            TooLong { chars } => format!("Input too long ({chars} characters) to be one code; use batch check for lists."),
            UnknownLength { length } => format!("{length} characters: not a credit code (18), organisation code (9), registration number (15) or ID number (18)."),
            WrongLength { expected, actual } => format!("Expected {expected} characters, found {actual}: one may be missing or extra."),
            ForbiddenLetter { symbol } => format!("Letter {} not allowed: credit codes never use I, O, S, V, Z (often mistyped for 1, 0, 5, U, 2).", shown(*symbol)),
            SymbolNotAllowed { symbol } => format!("Character {} not allowed.", shown(*symbol)),
            UnknownAuthority { symbol } => format!("Position 1: no registration authority {} (must be 1–9, A, N or Y).", shown(*symbol)),
            TypeNotAllowed { authority, symbol } => format!("Position 2: type {} does not exist for authority {}.", shown(*symbol), shown(*authority)),
            RegionNotDigits => "Positions 3–8: the region code must be 6 digits.".into(),
            OrgCheckWrong { expected, found } => format!("The organisation-code check symbol should be {}, found {}.", shown(*expected), shown(*found)),
            CheckSymbolWrong { expected, found } => format!("Check symbol (position 18) should be {}, found {}: a symbol is wrong.", shown(*expected), shown(*found)),
            ScientificNotation => "Scientific notation (like 9.11E+17): a spreadsheet stored the code as a number and lost digits. Format the column as text and enter it again.".into(),
            BirthDateInvalid => "Positions 7–14: the birth date is not a real date.".into(),
            IdCheckWrong { expected, found } => format!("ID number check digit should be {}, found {}.", shown(*expected), shown(*found)),
            FirstGenerationId => "A 15-digit first-generation ID number: convert it or enter the 18-digit number.".into(),
            RegNoCheckWrong => "The 15-digit registration number's check digit is wrong.".into(),
            InvisibleRemoved { count } => format!("Removed {count} invisible characters (zero-width spaces, direction marks); check the source data."),
            UnknownRegion { region } => format!("Region {region:06} is not in the 2021 division table; codes keep the region of the year they were issued, so it may still be valid."),
            OutsideProvince { region, province } => format!("Region {region:06} is outside {province}."),
            SpreadsheetDamage => "18 digits ending in 000 are often spreadsheet damage (only 15 significant digits kept): check the original.".into(),
            FujianPilot { expected } => format!("Check symbol does not conform (the standard gives {}); codes issued in the Fujian (Xiamen) pilot before 2016 may be real: confirm in the national registry.", shown(*expected)),
            LegacyOrgCode => "A 9-symbol organisation code: enter the 18-symbol credit code (it contains this code at positions 9–17).".into(),
            LegacyRegNo => "A 15-digit business registration number (used before 2015): enter the 18-symbol credit code.".into(),
            MaybeFirstGenerationId => "It may also be a first-generation 15-digit ID number.".into(),
        }
    }
}

impl Serialize for Issue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut state = serializer.serialize_struct("Issue", 4)?;
        state.serialize_field("code", self.code.name())?;
        if let Some(position) = self.position {
            state.serialize_field("position", &position)?;
        } else {
            state.skip_field("position")?;
        }
        state.serialize_field("message_zh", &self.code.message_zh())?;
        state.serialize_field("message_en", &self.code.message_en())?;
        state.end()
    }
}
