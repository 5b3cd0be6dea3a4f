//! Working days from the State Council's published schedules (statutory holidays and make-up working days,
//! 调休), and legal periods: the starting day is not counted, "N months" ends on the same day number (or the
//! month's last day), and a period ending on a non-working day ends on the next working day (民法典 arts.
//! 201–203, by analogy). A year whose schedule is not published is an error, never a guess.

use crate::lang::Lang;
use std::collections::BTreeMap;
use std::sync::RwLock;

use serde::Serialize;

use super::date::Date;

include!(concat!(env!("OUT_DIR"), "/holidays.rs"));

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CalendarError {
    Unpublished(u32),
    OutOfRange,
}

impl crate::error::Described for CalendarError {
    fn code(&self) -> &'static str {
        match self {
            Self::Unpublished(_) => "calendar_unavailable",
            Self::OutOfRange => "working_days_out_of_range",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Unpublished(year) => crate::error::in_lang(
                lang,
                format_args!("{year} 年的节假日安排尚未公布（或不在数据范围内），无法计算工作日"),
                format_args!(
                    "the {year} holiday schedule is not published (or not in our data): working days cannot be computed"
                ),
            ),
            Self::OutOfRange => crate::error::in_lang(
                lang,
                format_args!("工作日数应在 0 到 3650 之间"),
                format_args!("the number of working days must be between 0 and 3650"),
            ),
        }
    }
}
crate::error::display_in_chinese!(CalendarError);

/// Years added at run time (the State Council publishes next year's schedule in October–December, after a
/// release): each with its source. Built-in years are never replaced.
static ADDED: RwLock<BTreeMap<u32, AddedYear>> = RwLock::new(BTreeMap::new());

struct AddedYear {
    days: Vec<HolidayEntry>,
    source: String,
}

/// The years whose schedules are known: built in, then added.
pub fn published_years() -> impl Iterator<Item = u32> {
    let mut years: Vec<u32> = HOLIDAY_YEARS.iter().map(|(year, _)| *year).collect();
    if let Ok(added) = ADDED.read() {
        years.extend(added.keys().copied());
    }
    years.into_iter()
}

fn is_working_in(days: &[HolidayEntry], date: Date) -> bool {
    match days.binary_search_by_key(&(date.month, date.day), |&(m, d, _)| (m, d)) {
        Ok(index) => !days[index].2,
        Err(_) => date.weekday() <= 5,
    }
}

/// Mon–Fri and not a listed holiday, or a listed make-up working day.
pub fn is_working_day(date: Date) -> Result<bool, CalendarError> {
    if let Some((_, days)) = HOLIDAY_YEARS.iter().find(|(y, _)| *y == date.year) {
        return Ok(is_working_in(days, date));
    }
    let added = ADDED.read().map_err(|_| CalendarError::Unpublished(date.year))?;
    added.get(&date.year).map(|year| is_working_in(&year.days, date)).ok_or(CalendarError::Unpublished(date.year))
}

/// A year's schedule in the published format (NateScarlet/holiday-cn, as in `data/holidays/`):
/// `{year, papers: [notice URL], days: [{name, date, isOffDay}]}`.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct ScheduleFile {
    year: u32,
    #[serde(default)]
    papers: Vec<String>,
    days: Vec<ScheduleDay>,
}

#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
struct ScheduleDay {
    #[serde(default)]
    #[allow(dead_code)]
    name: String,
    date: String,
    #[serde(rename = "isOffDay")]
    is_off_day: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    Malformed(String),
    OtherYear { year: u32, date: String },
    Duplicate(String),
    NotWholeYear(u32),
    BuiltIn(u32),
    Conflict(u32),
}

impl crate::error::Described for ScheduleError {
    fn code(&self) -> &'static str {
        match self {
            Self::Malformed(_) => "schedule_malformed",
            Self::OtherYear { .. } => "schedule_other_year",
            Self::Duplicate(_) => "schedule_duplicate_date",
            Self::NotWholeYear(_) => "schedule_not_whole_year",
            Self::BuiltIn(_) => "schedule_built_in",
            Self::Conflict(_) => "schedule_conflict",
        }
    }

    fn message(&self, lang: Lang) -> String {
        match self {
            Self::Malformed(detail) => crate::error::in_lang(
                lang,
                format_args!("节假日安排格式不正确：{detail}"),
                format_args!("the holiday schedule is malformed: {detail}"),
            ),
            Self::OtherYear { year, date } => crate::error::in_lang(
                lang,
                format_args!("{year} 年的安排中有不属于该年的日期 {date}"),
                format_args!("the {year} schedule lists {date}, which is not in that year"),
            ),
            Self::Duplicate(date) => crate::error::in_lang(
                lang,
                format_args!("日期 {date} 出现两次"),
                format_args!("{date} is listed twice"),
            ),
            Self::NotWholeYear(year) => crate::error::in_lang(
                lang,
                format_args!("{year} 年的安排不完整：应包括元旦（1 月 1 日）和国庆节（10 月 1 日）"),
                format_args!("the {year} schedule is not a whole year: it must include 1 January and 1 October"),
            ),
            Self::BuiltIn(year) => crate::error::in_lang(
                lang,
                format_args!("{year} 年的安排已内置，不能替换"),
                format_args!("the {year} schedule is built in and cannot be replaced"),
            ),
            Self::Conflict(year) => crate::error::in_lang(
                lang,
                format_args!("{year} 年已有不同的安排；如需更正，请明确替换"),
                format_args!("a different {year} schedule is already loaded; replace it explicitly to correct it"),
            ),
        }
    }
}
crate::error::display_in_chinese!(ScheduleError);

/// A checked schedule of one year.
#[derive(Debug, Clone, PartialEq)]
pub struct Schedule {
    pub year: u32,
    /// The State Council notice (its URL), when given.
    pub source: String,
    days: Vec<HolidayEntry>,
}

/// Reads and checks one year's schedule: a whole year (1 January and 1 October listed as days off), every
/// date real and in that year, none twice.
pub fn parse_schedule(text: &str) -> Result<Schedule, ScheduleError> {
    let file: ScheduleFile = serde_json::from_str(text).map_err(|e| ScheduleError::Malformed(e.to_string()))?;
    let mut days = Vec::with_capacity(file.days.len());
    for day in &file.days {
        let date = Date::parse(&day.date).map_err(|_| ScheduleError::Malformed(format!("{:?}", day.date)))?;
        if date.year != file.year {
            return Err(ScheduleError::OtherYear { year: file.year, date: day.date.clone() });
        }
        days.push((date.month, date.day, day.is_off_day));
    }
    days.sort();
    if let Some(pair) = days.windows(2).find(|pair| (pair[0].0, pair[0].1) == (pair[1].0, pair[1].1)) {
        return Err(ScheduleError::Duplicate(format!("{}-{:02}-{:02}", file.year, pair[0].0, pair[0].1)));
    }
    let off = |m, d| days.iter().any(|&(month, day, off)| (month, day, off) == (m, d, true));
    if !off(1, 1) || !off(10, 1) {
        return Err(ScheduleError::NotWholeYear(file.year));
    }
    Ok(Schedule { year: file.year, source: file.papers.first().cloned().unwrap_or_default(), days })
}

/// What adding a schedule did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Added {
    /// The year is now known.
    New,
    /// The same schedule was known already.
    Same,
    /// A different schedule of a year added at run time was replaced, as asked.
    Replaced,
}

/// Makes a year's schedule known from now on. A built-in year is never replaced (the same one again is
/// `Same`); a year added before is replaced only when `replace` says so.
pub fn add_schedule(schedule: Schedule, replace: bool) -> Result<Added, ScheduleError> {
    if let Some((_, days)) = HOLIDAY_YEARS.iter().find(|(y, _)| *y == schedule.year) {
        return if *days == schedule.days.as_slice() {
            Ok(Added::Same)
        } else {
            Err(ScheduleError::BuiltIn(schedule.year))
        };
    }
    let mut added = ADDED.write().map_err(|_| ScheduleError::Malformed("lock".into()))?;
    let outcome = match added.get(&schedule.year) {
        Some(known) if known.days == schedule.days => return Ok(Added::Same),
        Some(_) if !replace => return Err(ScheduleError::Conflict(schedule.year)),
        Some(_) => Added::Replaced,
        None => Added::New,
    };
    added.insert(schedule.year, AddedYear { days: schedule.days, source: schedule.source });
    Ok(outcome)
}

/// A known year and where its schedule comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct YearSource {
    pub year: u32,
    pub source: String,
    /// Shipped with this build (else added at run time).
    pub built_in: bool,
}

/// Every known year with its source.
pub fn year_sources() -> Vec<YearSource> {
    let mut years: Vec<YearSource> = HOLIDAY_SOURCES
        .iter()
        .map(|(year, source)| YearSource { year: *year, source: (*source).to_owned(), built_in: true })
        .collect();
    if let Ok(added) = ADDED.read() {
        years.extend(added.iter().map(|(year, a)| YearSource {
            year: *year,
            source: a.source.clone(),
            built_in: false,
        }));
    }
    years
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
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
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

    /// A made-up schedule for a year no other test uses (the registry is shared by the tests of a run).
    fn schedule_2035(extra: &str) -> String {
        format!(
            r#"{{"year": 2035, "papers": ["https://www.gov.cn/example-2035"], "days": [
            {{"name": "元旦", "date": "2035-01-01", "isOffDay": true}},
            {{"name": "春节", "date": "2035-02-08", "isOffDay": true}},
            {{"name": "春节", "date": "2035-02-10", "isOffDay": false}},
            {{"name": "国庆节", "date": "2035-10-01", "isOffDay": true}}{extra}]}}"#
        )
    }

    #[test]
    fn a_schedule_added_at_run_time_counts_like_a_built_in_one() {
        let d = |text: &str| Date::parse(text).unwrap();
        assert_eq!(is_working_day(d("2035-02-08")), Err(CalendarError::Unpublished(2035)));
        let schedule = parse_schedule(&schedule_2035("")).unwrap();
        assert_eq!(schedule.source, "https://www.gov.cn/example-2035");
        assert_eq!(add_schedule(schedule.clone(), false), Ok(Added::New));
        assert_eq!(add_schedule(schedule, false), Ok(Added::Same));
        assert_eq!(is_working_day(d("2035-02-08")), Ok(false), "a listed day off");
        assert_eq!(is_working_day(d("2035-02-10")), Ok(true), "a make-up working Saturday");
        // Wednesday 2035-02-07 + 2 working days: Thursday 02-08 is off, so Friday 02-09 and Saturday 02-10.
        assert_eq!(add_working_days(d("2035-02-07"), 2), Ok(d("2035-02-10")));
        assert!(year_sources().iter().any(|y| y.year == 2035 && !y.built_in));
        // A different 2035 is a conflict unless replaced on purpose.
        let changed =
            parse_schedule(&schedule_2035(r#", {"name": "清明节", "date": "2035-04-05", "isOffDay": true}"#)).unwrap();
        assert_eq!(add_schedule(changed.clone(), false), Err(ScheduleError::Conflict(2035)));
        assert_eq!(add_schedule(changed, true), Ok(Added::Replaced));
        assert_eq!(is_working_day(d("2035-04-05")), Ok(false));
    }

    #[test]
    fn schedules_are_checked_before_they_count() {
        let other_year = schedule_2035(r#", {"name": "元旦", "date": "2034-12-31", "isOffDay": true}"#);
        assert!(matches!(parse_schedule(&other_year), Err(ScheduleError::OtherYear { year: 2035, .. })));
        let twice = schedule_2035(r#", {"name": "国庆节", "date": "2035-10-01", "isOffDay": true}"#);
        assert_eq!(parse_schedule(&twice), Err(ScheduleError::Duplicate("2035-10-01".into())));
        let partial = r#"{"year": 2036, "days": [{"name": "元旦", "date": "2036-01-01", "isOffDay": true}]}"#;
        assert_eq!(parse_schedule(partial), Err(ScheduleError::NotWholeYear(2036)));
        assert!(matches!(parse_schedule("{\"year\": 2036}"), Err(ScheduleError::Malformed(_))));
        assert!(matches!(
            parse_schedule(&schedule_2035("").replace("2035-02-08", "2035-02-30")),
            Err(ScheduleError::Malformed(_))
        ));
        // A built-in year is never replaced; the same schedule again is harmless.
        let built_in = include_str!("../../data/holidays/2026.json");
        assert_eq!(add_schedule(parse_schedule(built_in).unwrap(), true), Ok(Added::Same));
        let changed = built_in.replacen("\"isOffDay\": false", "\"isOffDay\": true", 1);
        assert_eq!(add_schedule(parse_schedule(&changed).unwrap(), true), Err(ScheduleError::BuiltIn(2026)));
    }

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
