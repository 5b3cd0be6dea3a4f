//! Calendar dates without a clock: parsing, validity and day arithmetic; working days and legal periods
//! (`working`). The caller passes "today" in.

mod civil;
mod date;
mod working;

pub use date::{days_in_month, is_leap_year, Date, DateError, UtcTimestamp};
pub use working::{
    add_schedule, add_working_days, is_working_day, next_working_day, parse_schedule, period_end, published_years,
    working_days_between, year_sources, Added, CalendarError, Period, Schedule, ScheduleError, YearSource,
};
