//! A calendar date and a UTC timestamp: parsing, validity and day arithmetic.

use super::civil;
use crate::lang::Lang;
use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A proleptic Gregorian calendar date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u32,
    pub month: u32,
    pub day: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DateError(pub String);

impl crate::error::Described for DateError {
    fn code(&self) -> &'static str {
        match self {
            Self(_) => "bad_date",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self(given) => crate::error::in_lang(
                lang,
                format_args!("日期应为 YYYY-MM-DD 格式的真实日期：{given:?}"),
                format_args!("a date must be a real date written YYYY-MM-DD: {given:?}"),
            ),
        }
    }
}
crate::error::display_in_chinese!(DateError);

pub fn is_leap_year(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Days in a month, or `None` for a month outside 1–12.
pub fn days_in_month(year: u32, month: u32) -> Option<u32> {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => Some(31),
        4 | 6 | 9 | 11 => Some(30),
        2 if is_leap_year(year) => Some(29),
        2 => Some(28),
        _ => None,
    }
}

impl Date {
    pub fn new(year: u32, month: u32, day: u32) -> Option<Self> {
        let last = days_in_month(year, month)?;
        ((1..=9999).contains(&year) && (1..=last).contains(&day)).then_some(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD` (ASCII digits only).
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let bytes = text.as_bytes();
        let digits = |range: std::ops::Range<usize>| -> Option<u32> {
            let part = bytes.get(range)?;
            part.iter().all(u8::is_ascii_digit).then(|| part.iter().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
        };
        let parsed = (bytes.len() == 10 && bytes[4] == b'-' && bytes[7] == b'-')
            .then(|| Self::new(digits(0..4)?, digits(5..7)?, digits(8..10)?))
            .flatten();
        parsed.ok_or_else(|| DateError(text.chars().take(40).collect()))
    }

    /// Days since 1970-01-01 (days-from-civil, H. Hinnant).
    pub fn days_since_epoch(self) -> i64 {
        let (month, day) = (i64::from(self.month), i64::from(self.day));
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let yoe = year - era * 400;
        let doy = (153 * (month + if month > 2 { -3 } else { 9 }) + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// 1 = Monday … 7 = Sunday.
    pub fn weekday(self) -> u32 {
        ((self.days_since_epoch() + 3).rem_euclid(7) + 1) as u32
    }

    /// The date `days` later (or earlier, when negative).
    pub fn add_days(self, days: i64) -> Self {
        Self::from_days_since_epoch((self.days_since_epoch() + days).max(0) as u64)
    }

    /// The same day number `months` later, or the last day of that month when it is shorter.
    pub fn add_months(self, months: u32) -> Self {
        let index = self.month - 1 + months;
        let (year, month) = (self.year + index / 12, index % 12 + 1);
        let last = days_in_month(year, month).unwrap_or(28);
        Self { year, month, day: self.day.min(last) }
    }

    /// The next day.
    pub fn succ(self) -> Self {
        match days_in_month(self.year, self.month) {
            Some(last) if self.day < last => Self { day: self.day + 1, ..self },
            _ if self.month < 12 => Self { month: self.month + 1, day: 1, ..self },
            _ => Self { year: self.year + 1, month: 1, day: 1 },
        }
    }

    /// The date `days` after 1970-01-01.
    pub fn from_days_since_epoch(days: u64) -> Self {
        let (year, month, day) = civil::from_days(days);
        Self { year, month, day }
    }

    /// 2026年11月26日
    pub fn to_zh(self) -> String {
        format!("{}年{}月{}日", self.year, self.month, self.day)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// A UTC timestamp `YYYY-MM-DDTHH:MM:SS[.fff]Z` as signed into commitments; only its shape and its
/// date in China Standard Time (UTC+8) matter to the core.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtcTimestamp {
    pub date: Date,
    pub hour: u32,
    /// Minutes, seconds and milliseconds past the hour (finer fractions are dropped).
    pub millis_in_hour: u32,
}

impl UtcTimestamp {
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let bad = || DateError(text.chars().take(40).collect());
        let (date, time) = text.split_once('T').ok_or_else(bad)?;
        let date = Date::parse(date).map_err(|_| bad())?;
        let time = time.strip_suffix('Z').ok_or_else(bad)?;
        let (hms, fraction) = time.split_once('.').unwrap_or((time, "0"));
        let fields: Vec<&str> = hms.split(':').collect();
        let numbers: Option<Vec<u32>> = fields
            .iter()
            .map(|f| (f.len() == 2 && f.bytes().all(|b| b.is_ascii_digit())).then(|| f.parse().ok()).flatten())
            .collect();
        let fraction_ok = !fraction.is_empty() && fraction.len() <= 9 && fraction.bytes().all(|b| b.is_ascii_digit());
        match numbers.as_deref() {
            Some(&[hour, minute, second]) if hour < 24 && minute < 60 && second < 60 && fraction_ok => {
                let millis: u32 = format!("{fraction:0<3}")[..3].parse().map_err(|_| bad())?;
                Ok(Self { date, hour, millis_in_hour: minute * 60_000 + second * 1000 + millis })
            }
            _ => Err(bad()),
        }
    }

    /// Formats a Unix time (milliseconds) as `YYYY-MM-DDTHH:MM:SS.sssZ`. The caller reads the clock.
    pub fn format_unix_millis(millis: u64) -> String {
        let (days, rest) = (millis / 86_400_000, millis % 86_400_000);
        let date = Date::from_days_since_epoch(days);
        let (hour, minute, second, ms) = (rest / 3_600_000, rest / 60_000 % 60, rest / 1000 % 60, rest % 1000);
        format!("{date}T{hour:02}:{minute:02}:{second:02}.{ms:03}Z")
    }

    /// Milliseconds since the Unix epoch (negative before 1970).
    pub fn unix_millis(&self) -> i64 {
        self.date.days_since_epoch() * 86_400_000 + i64::from(self.hour) * 3_600_000 + i64::from(self.millis_in_hour)
    }

    /// The time as people read it, in Beijing (UTC+8), to the second: `2026年12月2日 11:50:16（北京时间）`,
    /// `2 Dec 2026, 11:50:16 (Beijing time)`. The exact UTC value stays with the caller (a `<time>` element).
    pub fn beijing(&self, lang: crate::lang::Lang) -> String {
        const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
        let local = self.unix_millis() + 8 * 3_600_000;
        let date = Date::from_days_since_epoch(local.div_euclid(86_400_000) as u64);
        let in_day = local.rem_euclid(86_400_000);
        let (hour, minute, second) = (in_day / 3_600_000, in_day / 60_000 % 60, in_day / 1000 % 60);
        match lang {
            crate::lang::Lang::Zh => format!("{} {hour:02}:{minute:02}:{second:02}（北京时间）", date.to_zh()),
            crate::lang::Lang::En => format!(
                "{} {} {}, {hour:02}:{minute:02}:{second:02} (Beijing time)",
                date.day,
                MONTHS[(date.month as usize).saturating_sub(1) % 12],
                date.year
            ),
        }
    }

    /// The calendar date in Beijing (UTC+8), which is the date written on a commitment.
    pub fn china_date(&self) -> Date {
        if self.hour >= 16 {
            self.date.succ()
        } else {
            self.date
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_read_in_beijing() {
        let at = UtcTimestamp::parse("2026-12-02T03:50:16.264Z").unwrap();
        assert_eq!(at.beijing(crate::lang::Lang::Zh), "2026年12月2日 11:50:16（北京时间）");
        assert_eq!(at.beijing(crate::lang::Lang::En), "2 Dec 2026, 11:50:16 (Beijing time)");
        // After 16:00 UTC it is already the next day in Beijing, across a year's end too.
        let late = UtcTimestamp::parse("2026-12-31T16:00:00Z").unwrap();
        assert_eq!(late.beijing(crate::lang::Lang::Zh), "2027年1月1日 00:00:00（北京时间）");
    }

    #[test]
    fn timestamps_round_trip_through_unix_millis() {
        for millis in [0u64, 1_764_642_616_264, 1_798_761_599_999] {
            let text = UtcTimestamp::format_unix_millis(millis);
            assert_eq!(UtcTimestamp::parse(&text).map(|t| t.unix_millis()), Ok(millis as i64), "{text}");
        }
        assert_eq!(UtcTimestamp::parse("2026-12-02T03:50:16.2Z").map(|t| t.unix_millis()), Ok(1_796_183_416_200));
        assert_eq!(UtcTimestamp::parse("2026-12-02T03:50:16Z").map(|t| t.unix_millis()), Ok(1_796_183_416_000));
    }

    #[test]
    fn parses_real_dates_only() {
        assert_eq!(Date::parse("2024-02-29"), Ok(Date { year: 2024, month: 2, day: 29 }));
        for bad in ["2023-02-29", "2024-13-01", "2024-1-01", "２０２４-01-01", "2024/01/01", "", "2024-00-10"] {
            assert!(Date::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn epoch_days_weekdays_and_month_arithmetic() {
        let date = Date::parse("2026-11-26").unwrap();
        assert_eq!(Date::from_days_since_epoch(date.days_since_epoch() as u64), date);
        assert_eq!(date.weekday(), 4, "a Thursday");
        assert_eq!(Date::parse("1970-01-01").unwrap().weekday(), 4);
        assert_eq!(date.add_days(-26).to_string(), "2026-10-31");
        assert_eq!(Date::parse("2026-01-31").unwrap().add_months(1).to_string(), "2026-02-28");
        assert_eq!(Date::parse("2024-01-31").unwrap().add_months(1).to_string(), "2024-02-29");
        assert_eq!(Date::parse("2025-11-30").unwrap().add_months(3).to_string(), "2026-02-28");
        assert_eq!(Date::parse("2024-02-29").unwrap().add_months(12).to_string(), "2025-02-28");
    }

    #[test]
    fn next_day_rolls_over_months_and_years() {
        assert_eq!(Date::parse("2024-02-28").unwrap().succ().to_string(), "2024-02-29");
        assert_eq!(Date::parse("2023-02-28").unwrap().succ().to_string(), "2023-03-01");
        assert_eq!(Date::parse("2026-12-31").unwrap().succ().to_string(), "2027-01-01");
    }

    #[test]
    fn unix_times_format_as_utc_timestamps() {
        assert_eq!(UtcTimestamp::format_unix_millis(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(UtcTimestamp::format_unix_millis(1_709_164_800_123), "2024-02-29T00:00:00.123Z");
        assert_eq!(UtcTimestamp::format_unix_millis(1_798_761_599_999), "2026-12-31T23:59:59.999Z");
        let text = UtcTimestamp::format_unix_millis(1_795_000_000_000);
        assert!(UtcTimestamp::parse(&text).is_ok(), "{text}");
    }

    #[test]
    fn timestamps_give_the_china_date() {
        let late = UtcTimestamp::parse("2026-12-31T16:00:00Z").unwrap();
        assert_eq!(late.china_date().to_string(), "2027-01-01");
        let early = UtcTimestamp::parse("2026-11-26T09:30:15.123Z").unwrap();
        assert_eq!(early.china_date().to_zh(), "2026年11月26日");
        for bad in ["2026-11-26", "2026-11-26T25:00:00Z", "2026-11-26T10:00:00+08:00", "2026-11-26T10:00Z"] {
            assert!(UtcTimestamp::parse(bad).is_err(), "{bad}");
        }
    }
}
