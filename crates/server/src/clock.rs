//! The server's clock: the core reads none, so every "now" and "today" comes from here.

/// Milliseconds since the Unix epoch (the server, unlike the core, reads the clock).
pub fn now_millis() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
}

/// Now as `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn now() -> String {
    xinnuo_core::calendar::UtcTimestamp::format_unix_millis(now_millis())
}

/// The day in Beijing of a stored `…Z` timestamp.
pub fn china_day_of(timestamp: &str) -> Option<xinnuo_core::calendar::Date> {
    xinnuo_core::calendar::UtcTimestamp::parse(timestamp).ok().map(|t| t.china_date())
}

/// Today in Beijing.
pub fn china_today() -> xinnuo_core::calendar::Date {
    china_day_of(&now()).unwrap_or(xinnuo_core::calendar::Date { year: 2026, month: 1, day: 1 })
}

/// The deadline of `step` for an item received at `received_at`, as of today (none where the rule sets none
/// or the holiday schedule is not published yet).
pub fn deadline_of(step: xinnuo_core::deadline::Step, received_at: &str) -> Option<xinnuo_core::deadline::Deadline> {
    let arrived = china_day_of(received_at)?;
    xinnuo_core::deadline::deadline(step, arrived, china_today()).ok().flatten()
}
