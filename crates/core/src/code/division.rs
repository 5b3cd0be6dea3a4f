//! Administrative divisions (GB/T 2260) as of 2021, embedded at compile time (packed by build.rs).

use crate::lang::Lang;
use std::sync::OnceLock;

/// Code deltas (LEB128), one name length (bytes) per code, and the names back to back.
static CODE_DELTAS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/division-code-deltas.bin"));
static NAME_LENGTHS: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/division-name-lengths.bin"));
static NAMES: &str = include_str!(concat!(env!("OUT_DIR"), "/division-names.txt"));
/// The province-level divisions alone, `14\t山西省` per line.
static PROVINCES: &str = include_str!(concat!(env!("OUT_DIR"), "/division-provinces.txt"));

/// (two-digit prefix, name) of every province-level division.
fn provinces() -> impl Iterator<Item = (u32, &'static str)> {
    PROVINCES.lines().filter_map(|line| {
        let (prefix, name) = line.split_once('\t')?;
        Some((prefix.parse().ok()?, name))
    })
}

/// The sorted index: (code, start of its name in `NAMES`).
fn index() -> &'static [(u32, u32)] {
    static INDEX: OnceLock<Vec<(u32, u32)>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut index = Vec::with_capacity(NAME_LENGTHS.len());
        let (mut code, mut start, mut delta, mut shift) = (0u32, 0u32, 0u32, 0);
        for &byte in CODE_DELTAS {
            delta |= u32::from(byte & 0x7f) << shift;
            shift += 7;
            if byte & 0x80 == 0 {
                code += delta;
                index.push((code, start));
                start += u32::from(NAME_LENGTHS[index.len() - 1]);
                (delta, shift) = (0, 0);
            }
        }
        index
    })
}

fn name_at(position: usize) -> &'static str {
    let start = index()[position].1 as usize;
    let end = start + usize::from(NAME_LENGTHS[position]);
    NAMES.get(start..end).unwrap_or("")
}

/// Every division in code order.
#[cfg(test)]
fn divisions() -> impl Iterator<Item = (u32, &'static str)> {
    index().iter().enumerate().map(|(position, &(code, _))| (code, name_at(position)))
}

/// Every division code of the table (for tests that draw real regions).
#[cfg(test)]
pub(crate) fn codes() -> Vec<u32> {
    divisions().map(|(code, _)| code).collect()
}

/// The registering authority at national level uses this region code in a 统一社会信用代码.
pub const NATIONAL_LEVEL: u32 = 100_000;

/// Name of a 6-digit division code, if the 2021 table knows it.
pub fn division_name(code: u32) -> Option<&'static str> {
    if code == NATIONAL_LEVEL {
        return Some("国家级");
    }
    index().binary_search_by_key(&code, |row| row.0).ok().map(name_at)
}

/// Whether the 2021 table has a 6-digit division code (without reading its name, so that code checks
/// alone do not keep the names in a build).
pub fn division_known(code: u32) -> bool {
    code == NATIONAL_LEVEL || index().binary_search_by_key(&code, |row| row.0).is_ok()
}

/// Whether the two leading digits name a province-level division (11 北京 … 82 澳门).
pub fn is_province_prefix(prefix: u32) -> bool {
    provinces().any(|(known, _)| known == prefix)
}

/// A province a form is for; codes registered elsewhere get a warning, never a rejection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Province {
    prefix: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownProvince(pub String);

impl crate::error::Described for UnknownProvince {
    fn code(&self) -> &'static str {
        "unknown_province"
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self(given) => crate::error::in_lang(
                lang,
                format_args!(
                    "未知的省份：{given:?}（请填写 2 位或 6 位行政区划代码，或省份名称，如 14、140000、山西）"
                ),
                format_args!("unknown province {given:?}: give a 2- or 6-digit division code or a name such as 山西"),
            ),
        }
    }
}
crate::error::display_in_chinese!(UnknownProvince);

impl Province {
    /// Accepts `14`, `140000`, `山西` or `山西省`.
    pub fn parse(text: &str) -> Result<Self, UnknownProvince> {
        let text = text.trim();
        let unknown = || UnknownProvince(text.to_owned());
        let prefix = if text.bytes().all(|b| b.is_ascii_digit()) && !text.is_empty() {
            match text.len() {
                2 => text.parse::<u32>().map_err(|_| unknown())?,
                6 if text.ends_with("0000") => text[..2].parse::<u32>().map_err(|_| unknown())?,
                _ => return Err(unknown()),
            }
        } else {
            provinces()
                .find(|(_, name)| !text.is_empty() && name.starts_with(text))
                .map(|(prefix, _)| prefix)
                .ok_or_else(unknown)?
        };
        if is_province_prefix(prefix) {
            Ok(Self { prefix })
        } else {
            Err(unknown())
        }
    }

    /// The province-level division code, e.g. 140000.
    pub fn code(self) -> u32 {
        self.prefix * 10_000
    }

    pub fn name(self) -> &'static str {
        provinces().find(|(prefix, _)| *prefix == self.prefix).map_or("", |(_, name)| name)
    }

    /// Whether a region code lies inside this province (national-level codes lie in none).
    pub fn contains(self, region: u32) -> bool {
        region / 10_000 == self.prefix
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn looks_up_counties_development_zones_and_national_level() {
        assert_eq!(division_name(140105), Some("小店区"));
        assert!(division_name(140171).is_some(), "development zones are in the table");
        assert_eq!(division_name(NATIONAL_LEVEL), Some("国家级"));
        assert_eq!(division_name(999_999), None);
    }

    #[test]
    fn the_packed_table_gives_back_every_row_of_the_source() {
        let source = include_str!("../../data/divisions-2021.tsv");
        let rows: Vec<(u32, &str)> = source
            .lines()
            .skip(1)
            .filter_map(|line| line.split_once('\t'))
            .map(|(code, name)| (code.trim().parse().unwrap_or(0), name.trim()))
            .collect();
        assert!(rows.len() > 3000);
        assert_eq!(divisions().count(), rows.len());
        for (code, name) in rows {
            assert_eq!(division_name(code), Some(name), "{code}");
        }
    }

    #[test]
    fn parses_provinces_by_code_and_name() {
        for text in ["14", "140000", "山西", "山西省", " 14 "] {
            assert_eq!(Province::parse(text).map(Province::code), Ok(140000), "{text}");
        }
        assert_eq!(Province::parse("山西").map(Province::name), Ok("山西省"));
        for text in ["", "99", "140100", "火星", "1"] {
            assert!(Province::parse(text).is_err(), "{text}");
        }
    }
}
