//! The check of each identifier over normalised ASCII bytes. These run on the batch hot path: they do
//! not allocate and return the first reason a code fails.

use super::division::division_known;
use super::issue::{Issue, IssueCode};
use super::tables::{
    authority, Authority, OrgType, FORBIDDEN_LETTERS, ORG_CODE_WEIGHTS, RESIDENT_ID_WEIGHTS, USCC_ALPHABET, USCC_VALUE,
    USCC_WEIGHTS,
};

/// The parts of a well-formed 统一社会信用代码.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct UsccParts {
    pub authority: &'static Authority,
    pub org_type: &'static OrgType,
    pub region: u32,
    pub org_code: [u8; 9],
    pub check: u8,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResidentIdParts {
    pub region: u32,
    pub birth_date: (u32, u32, u32),
    /// Odd 17th digit: male.
    pub male: bool,
}

fn symbol(byte: u8) -> char {
    char::from(byte)
}

fn digits_value(bytes: &[u8]) -> Option<u32> {
    bytes.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

/// The mod-31 check symbol for positions 1–17 (all in the alphabet).
pub fn uscc_check_symbol(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(USCC_WEIGHTS).map(|(&b, w)| u32::from(USCC_VALUE[b as usize]) * w).sum();
    check_symbol_of_sum(sum)
}

/// The final `% 31` matters: a remainder of 0 gives check `0`, not an index past the alphabet.
fn check_symbol_of_sum(sum: u32) -> u8 {
    USCC_ALPHABET[((31 - sum % 31) % 31) as usize]
}

/// GB 11714 value: digits 0–9, letters A=10 … Z=35.
fn org_value(byte: u8) -> Option<u32> {
    match ORG_VALUE[byte as usize] {
        255 => None,
        value => Some(u32::from(value)),
    }
}

static ORG_VALUE: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = match byte as u8 {
            b'0'..=b'9' => byte as u8 - b'0',
            b'A'..=b'Z' => byte as u8 - b'A' + 10,
            _ => 255,
        };
        byte += 1;
    }
    table
};

/// GB 11714 check symbol for an 8-symbol body, or `None` if a symbol is not a digit or capital letter.
pub fn org_check_symbol(body: &[u8]) -> Option<u8> {
    let mut sum = 0;
    for (&byte, weight) in body.iter().zip(ORG_CODE_WEIGHTS) {
        sum += org_value(byte)? * weight;
    }
    Some(match 11 - sum % 11 {
        10 => b'X',
        11 => b'0',
        c => b'0' + c as u8,
    })
}

/// The first symbol outside the USCC alphabet, as an error at its position.
fn uscc_bad_symbol(code: &[u8]) -> Option<Issue> {
    uscc_bad_symbols(code).next()
}

/// Every symbol outside the USCC alphabet, each as an error at its position (I/O/S/V/Z named as such).
pub fn uscc_bad_symbols(code: &[u8]) -> impl Iterator<Item = Issue> + '_ {
    code.iter().enumerate().filter(|(_, &b)| USCC_VALUE[b as usize] == 255).map(|(index, &byte)| {
        let issue = if FORBIDDEN_LETTERS.contains(&byte) {
            IssueCode::ForbiddenLetter { symbol: symbol(byte) }
        } else {
            IssueCode::SymbolNotAllowed { symbol: symbol(byte) }
        };
        Issue::at(issue, index + 1)
    })
}

/// Checks the structure of an 18-symbol code: alphabet, authority, type, region digits.
fn uscc_structure(code: &[u8; 18], outside_alphabet: bool) -> Result<UsccParts, Issue> {
    if let Some(issue) = outside_alphabet.then(|| uscc_bad_symbol(code)).flatten() {
        return Err(issue);
    }
    let authority =
        authority(code[0]).ok_or_else(|| Issue::at(IssueCode::UnknownAuthority { symbol: symbol(code[0]) }, 1))?;
    let org_type = authority.org_type(code[1]).ok_or_else(|| {
        Issue::at(IssueCode::TypeNotAllowed { authority: symbol(code[0]), symbol: symbol(code[1]) }, 2)
    })?;
    let region = digits_value(&code[2..8]).ok_or_else(|| Issue::at(IssueCode::RegionNotDigits, 3))?;
    let mut org_code = [0u8; 9];
    org_code.copy_from_slice(&code[8..17]);
    Ok(UsccParts { authority, org_type, region, org_code, check: code[17] })
}

/// The check-symbol errors of a well-structured code, if any (position 17, then position 18).
/// `sum` is the weighted mod-31 sum of positions 1–17.
fn uscc_checks(code: &[u8; 18], sum: u32) -> Result<(), Issue> {
    let expected = org_check_symbol(&code[8..16]).unwrap_or(b'?');
    if code[16] != expected {
        return Err(Issue::at(IssueCode::OrgCheckWrong { expected: symbol(expected), found: symbol(code[16]) }, 17));
    }
    let expected = check_symbol_of_sum(sum);
    if code[17] != expected {
        return Err(Issue::at(IssueCode::CheckSymbolWrong { expected: symbol(expected), found: symbol(code[17]) }, 18));
    }
    Ok(())
}

/// Outcome of checking an 18-symbol credit code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UsccOutcome {
    Valid(UsccParts),
    /// Fails a check only in the way early Fujian (Xiamen) pilot codes do: may be real, flagged.
    FujianPilot(UsccParts, u8),
    Invalid(Issue),
}

/// Early Fujian pilot codes: `9135…` with an `M000…` organisation body, issued before 2016.
fn is_fujian_pilot_pattern(code: &[u8; 18]) -> bool {
    code.starts_with(b"9135") && code[8..12] == *b"M000"
}

pub fn check_uscc(code: &[u8; 18]) -> UsccOutcome {
    // One pass for the weighted sum and the alphabet test; the detailed error search runs only on failure.
    let mut sum = 0u32;
    let mut outside = false;
    for (&byte, weight) in code[..17].iter().zip(USCC_WEIGHTS) {
        let value = USCC_VALUE[byte as usize];
        outside |= value == 255;
        sum += u32::from(value) * weight;
    }
    let parts = match uscc_structure(code, outside || USCC_VALUE[code[17] as usize] == 255) {
        Ok(parts) => parts,
        Err(issue) => return UsccOutcome::Invalid(issue),
    };
    match uscc_checks(code, sum) {
        Ok(()) => UsccOutcome::Valid(parts),
        // Pilot codes keep a correct organisation code; only the mod-31 symbol is off.
        Err(issue) if issue.position == Some(18) && is_fujian_pilot_pattern(code) => {
            UsccOutcome::FujianPilot(parts, uscc_check_symbol(&code[..17]))
        }
        Err(issue) => UsccOutcome::Invalid(issue),
    }
}

/// A standalone 9-symbol 组织机构代码.
pub fn check_org_code(code: &[u8; 9]) -> Result<(), Issue> {
    if let Some(index) = code[..8].iter().position(|&b| org_value(b).is_none()) {
        return Err(Issue::at(IssueCode::SymbolNotAllowed { symbol: symbol(code[index]) }, index + 1));
    }
    let expected = org_check_symbol(&code[..8]).unwrap_or(b'?');
    if code[8] != expected {
        return Err(Issue::at(IssueCode::OrgCheckWrong { expected: symbol(expected), found: symbol(code[8]) }, 9));
    }
    Ok(())
}

/// One ISO 7064 MOD 11,10 step as a table: `[product][digit]` → next product, where
/// `s = (product + digit) mod 10` (0 counts as 10) and the next product is `2s mod 11`.
static MOD_11_10_STEP: [[u8; 10]; 11] = {
    let mut table = [[0u8; 10]; 11];
    let mut product = 0;
    while product < 11 {
        let mut digit = 0;
        while digit < 10 {
            let sum = match (product + digit) % 10 {
                0 => 10,
                s => s,
            };
            table[product][digit] = ((2 * sum) % 11) as u8;
            digit += 1;
        }
        product += 1;
    }
    table
};

/// ISO 7064 MOD 11,10 over a 15-digit business registration number.
pub fn check_reg_no(code: &[u8; 15]) -> Result<(), Issue> {
    if let Some(index) = code.iter().position(|b| !b.is_ascii_digit()) {
        return Err(Issue::at(IssueCode::SymbolNotAllowed { symbol: symbol(code[index]) }, index + 1));
    }
    let product =
        code[..14].iter().fold(10u8, |product, &digit| MOD_11_10_STEP[product as usize][(digit - b'0') as usize]);
    if (u32::from(product) + u32::from(code[14] - b'0')) % 10 == 1 {
        Ok(())
    } else {
        Err(Issue::at(IssueCode::RegNoCheckWrong, 15))
    }
}

/// A real calendar date between 1850 and 2100 (birth dates of living representatives).
pub fn is_real_date(year: u32, month: u32, day: u32) -> bool {
    (1850..=2100).contains(&year) && crate::calendar::Date::new(year, month, day).is_some()
}

/// GB 11643 check digit for the first 17 digits.
pub fn resident_id_check_symbol(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(RESIDENT_ID_WEIGHTS).map(|(&b, w)| u32::from(b - b'0') * w).sum();
    match (12 - sum % 11) % 11 {
        10 => b'X',
        c => b'0' + c as u8,
    }
}

/// An 18-symbol 居民身份证号码.
pub fn check_resident_id(code: &[u8; 18]) -> Result<ResidentIdParts, Issue> {
    if let Some(index) = code[..17].iter().position(|b| !b.is_ascii_digit()) {
        return Err(Issue::at(IssueCode::SymbolNotAllowed { symbol: symbol(code[index]) }, index + 1));
    }
    if !(code[17].is_ascii_digit() || code[17] == b'X') {
        return Err(Issue::at(IssueCode::SymbolNotAllowed { symbol: symbol(code[17]) }, 18));
    }
    let region = digits_value(&code[..6]).unwrap_or(0);
    let (year, month, day) = (
        digits_value(&code[6..10]).unwrap_or(0),
        digits_value(&code[10..12]).unwrap_or(0),
        digits_value(&code[12..14]).unwrap_or(0),
    );
    if !is_real_date(year, month, day) {
        return Err(Issue::at(IssueCode::BirthDateInvalid, 7));
    }
    let expected = resident_id_check_symbol(&code[..17]);
    if code[17] != expected {
        return Err(Issue::at(IssueCode::IdCheckWrong { expected: symbol(expected), found: symbol(code[17]) }, 18));
    }
    Ok(ResidentIdParts { region, birth_date: (year, month, day), male: (code[16] - b'0') % 2 == 1 })
}

/// Whether 18 digits look like an ID number rather than a credit code: a known province and a real date.
pub fn looks_like_resident_id(code: &[u8; 18]) -> bool {
    if !code[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let province_known = digits_value(&code[..2]).is_some_and(|p| division_known(p * 10_000));
    let date = (digits_value(&code[6..10]), digits_value(&code[10..12]), digits_value(&code[12..14]));
    let date_real = matches!(date, (Some(y), Some(m), Some(d)) if is_real_date(y, m, d));
    province_known && date_real
}

/// Whether 15 digits look like a first-generation ID number: known province and a real `19YYMMDD`.
pub fn looks_like_first_generation_id(code: &[u8; 15]) -> bool {
    if !code.iter().all(u8::is_ascii_digit) {
        return false;
    }
    let province_known = digits_value(&code[..2]).is_some_and(|p| division_known(p * 10_000));
    let date = (digits_value(&code[6..8]), digits_value(&code[8..10]), digits_value(&code[10..12]));
    let date_real = matches!(date, (Some(y), Some(m), Some(d)) if is_real_date(1900 + y, m, d));
    province_known && date_real
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uscc(text: &str) -> UsccOutcome {
        check_uscc(text.as_bytes().try_into().expect("18 bytes"))
    }

    #[test]
    fn standard_worked_example() {
        assert_eq!(uscc_check_symbol(b"91350100M000100Y4"), b'3');
        assert!(matches!(uscc("91350100M000100Y43"), UsccOutcome::Valid(_)));
    }

    #[test]
    fn remainder_zero_gives_check_zero() {
        // Search a body whose weighted sum is a multiple of 31 and whose position-17 check holds.
        let mut found = false;
        for n in 0..100_000u32 {
            let body = format!("{:08}", n);
            let org = org_check_symbol(body.as_bytes()).unwrap();
            let first17 = format!("91140100{body}{}", char::from(org));
            if uscc_check_symbol(first17.as_bytes()) == b'0' {
                let code = format!("{first17}0");
                assert!(matches!(uscc(&code), UsccOutcome::Valid(_)), "{code}");
                found = true;
                break;
            }
        }
        assert!(found);
    }

    #[test]
    fn resident_ids_that_pass_mod_31_by_chance_fail_position_17() {
        for id in ["362322198709086409", "430407199312020025"] {
            assert!(check_resident_id(id.as_bytes().try_into().unwrap()).is_ok(), "{id} is a valid ID");
            assert!(matches!(uscc(id), UsccOutcome::Invalid(_)), "{id}");
        }
    }

    #[test]
    fn fujian_pilot_codes_are_flagged_not_rejected() {
        assert!(matches!(uscc("91350203M0001QKT19"), UsccOutcome::FujianPilot(..)));
    }

    #[test]
    fn org_code_checks() {
        assert_eq!(check_org_code(b"M000100Y4"), Ok(()));
        assert!(check_org_code(b"M000100Y5").is_err());
        // A check of 10 is written X.
        let body =
            (0..100_000u32).map(|n| format!("{n:08}")).find(|b| org_check_symbol(b.as_bytes()) == Some(b'X')).unwrap();
        assert_eq!(check_org_code(format!("{body}X").as_bytes().try_into().unwrap()), Ok(()));
    }

    #[test]
    fn reg_no_mod_11_10() {
        // 110108000000016 is a published valid example of the MOD 11,10 rule.
        assert_eq!(check_reg_no(b"110108000000016"), Ok(()));
        assert!(check_reg_no(b"110108000000017").is_err());
    }

    #[test]
    fn resident_id_rules() {
        assert!(check_resident_id(b"11010519491231002X").is_ok());
        assert!(matches!(
            check_resident_id(b"110105194912310021"),
            Err(Issue { code: IssueCode::IdCheckWrong { .. }, .. })
        ));
        assert!(matches!(
            check_resident_id(b"110105194902300021"),
            Err(Issue { code: IssueCode::BirthDateInvalid, .. })
        ));
    }

    #[test]
    fn leap_years() {
        assert!(is_real_date(2000, 2, 29));
        assert!(!is_real_date(1900, 2, 29));
        assert!(is_real_date(2024, 2, 29));
        assert!(!is_real_date(2023, 2, 29));
    }
}
