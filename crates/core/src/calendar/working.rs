//! Working days from the State Council's published schedules (statutory holidays and make-up working days,
//! 调休), and legal periods: the starting day is not counted, "N months" ends on the same day number (or the
//! month's last day), and a period ending on a non-working day ends on the next working day (民法典 arts.
//! 201–203, by analogy). A year whose schedule is not published is an error, never a guess.

use serde::Serialize;

use super::Date;

include!(concat!(env!("OUT_DIR"), "/holidays.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("{0} 年的节假日安排尚未公布（或不在数据范围内），无法计算工作日 / the {0} holiday schedule is not published (or not in our data): working days cannot be computed")]
    Unpublished(u32),
    #[error("工作日数应在 0 到 3650 之间 / the number of working days must be between 0 and 3650")]
    OutOfRange,
}

/// The years whose schedules are known.
pub fn published_years() -> impl Iterator<Item = u32> {
    HOLIDAY_YEARS.iter().map(|(year, _)| *year)
}

fn schedule(year: u32) -> Result<&'static [HolidayEntry], CalendarError> {
    HOLIDAY_YEARS.iter().find(|(y, _)| *y == year).map(|(_, days)| *days).ok_or(CalendarError::Unpublished(year))
}

/// Mon–Fri and not a listed holiday, or a listed make-up working day.
pub fn is_working_day(date: Date) -> Result<bool, CalendarError> {
    let days = schedule(date.year)?;
    Ok(match days.binary_search_by_key(&(date.month, date.day), |&(m, d, _)| (m, d)) {
        Ok(index) => !days[index].2,
        Err(_) => date.weekday() <= 5,
    })
}

/// `date` itself if it is a working day, else the next one.
pub fn next_working_day(date: Date) -> Result<Date, CalendarError> {
    let mut day = date;
    while !is_working_day(day)? {
        day = day.succ();
    }
    Ok(day)
}

/// The `n`th working day after `date` (the starting day is not counted; `n = 0` gives `date`).
pub fn add_working_days(date: Date, n: u32) -> Result<Date, CalendarError> {
    if n > 3650 {
        return Err(CalendarError::OutOfRange);
    }
    let (mut day, mut left) = (date, n);
    while left > 0 {
        day = day.succ();
        if is_working_day(day)? {
            left -= 1;
        }
    }
    Ok(day)
}

/// Working days after `from` up to and including `to` (0 when `to` is not after `from`).
pub fn working_days_between(from: Date, to: Date) -> Result<u32, CalendarError> {
    if to.days_since_epoch() - from.days_since_epoch() > 3660 * 2 {
        return Err(CalendarError::OutOfRange);
    }
    let (mut day, mut count) = (from, 0);
    while day < to {
        day = day.succ();
        if is_working_day(day)? {
            count += 1;
        }
    }
    Ok(count)
}

/// A legal period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case", tag = "unit", content = "count")]
pub enum Period {
    Days(u32),
    Months(u32),
    Years(u32),
}

impl Period {
    pub fn describe(self, zh: bool) -> String {
        match (self, zh) {
            (Self::Days(n), true) => format!("{n} 日"),
            (Self::Months(n), true) => format!("{n} 个月"),
            (Self::Years(n), true) => format!("{n} 年"),
            (Self::Days(n), false) => format!("{n} day(s)"),
            (Self::Months(n), false) => format!("{n} month(s)"),
            (Self::Years(n), false) => format!("{n} year(s)"),
        }
    }

    /// The calendar end, before moving off a non-working day.
    pub fn raw_end(self, start: Date) -> Date {
        match self {
            Self::Days(n) => start.add_days(i64::from(n)),
            Self::Months(n) => start.add_months(n),
            Self::Years(n) => start.add_months(n * 12),
        }
    }
}

/// The last day of `period` counted from `start`: the calendar end, moved to the next working day when it
/// falls on a holiday or weekend. Errors when that year's schedule is not published.
pub fn period_end(start: Date, period: Period) -> Result<Date, CalendarError> {
    next_working_day(period.raw_end(start))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> Date {
        Date::parse(text).unwrap()
    }

    #[test]
    fn holidays_and_make_up_days() {
        // (date, working?) — 2026 schedule: 春节 2026-02-15..23 off, 2026-02-14 (Saturday) and 2026-02-28 worked.
        let cases = [
            ("2026-02-13", true),
            ("2026-02-14", true),
            ("2026-02-15", false),
            ("2026-02-23", false),
            ("2026-02-24", true),
            ("2026-02-28", true),
            ("2026-03-01", false),
            ("2026-01-01", false),
            ("2026-01-04", true),
            ("2025-10-01", false),
            ("2025-09-28", true),
        ];
        for (date, working) in cases {
            assert_eq!(is_working_day(d(date)), Ok(working), "{date}");
        }
        assert_eq!(is_working_day(d("2027-03-01")), Err(CalendarError::Unpublished(2027)));
        assert_eq!(is_working_day(d("2014-03-03")), Err(CalendarError::Unpublished(2014)));
        assert!(published_years().any(|y| y == 2015) && !published_years().any(|y| y == 2027));
    }

    #[test]
    fn adding_and_counting_working_days() {
        // Seven working days from a decision on Friday 2026-02-13 jump the Spring Festival.
        assert_eq!(add_working_days(d("2026-02-13"), 1), Ok(d("2026-02-14")));
        assert_eq!(add_working_days(d("2026-02-13"), 7), Ok(d("2026-03-02")));
        assert_eq!(add_working_days(d("2026-11-26"), 0), Ok(d("2026-11-26")));
        assert_eq!(working_days_between(d("2026-02-13"), d("2026-03-02")), Ok(7));
        assert_eq!(working_days_between(d("2026-03-02"), d("2026-02-13")), Ok(0));
        assert_eq!(add_working_days(d("2026-12-28"), 5), Err(CalendarError::Unpublished(2027)));
        assert_eq!(add_working_days(d("2026-01-05"), 4000), Err(CalendarError::OutOfRange));
    }

    #[test]
    fn periods_end_on_the_next_working_day() {
        // 3 months from 2025-11-15 → 2026-02-15 (Sunday, 春节) → 2026-02-24.
        assert_eq!(period_end(d("2025-11-15"), Period::Months(3)), Ok(d("2026-02-24")));
        // Month end clipping: 2026-01-31 + 1 month = 2026-02-28, a make-up working Saturday.
        assert_eq!(period_end(d("2026-01-31"), Period::Months(1)), Ok(d("2026-02-28")));
        assert_eq!(period_end(d("2025-06-30"), Period::Years(1)), Ok(d("2026-06-30")));
        assert_eq!(period_end(d("2026-06-01"), Period::Years(1)), Err(CalendarError::Unpublished(2027)));
        assert_eq!(period_end(d("2026-11-20"), Period::Days(10)), Ok(d("2026-11-30")));
    }
}
