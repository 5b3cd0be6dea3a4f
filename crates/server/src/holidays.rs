//! Holiday schedules added after a release (the State Council publishes next year's in October–December):
//! imported into the database (`xinnuo-server holidays import FILE`), loaded into the core when the server
//! starts and whenever an import lands while it runs, and published (`GET /api/v1/holidays`, `export-static`)
//! so that the app and the widgets compute with them too.

use serde_json::Value;
use xinnuo_core::calendar::{self, Added, Schedule};

use crate::db::{Db, DbError};
use crate::sql::args;
use crate::sql::rows;

impl Db {
    /// Stores a checked schedule (its file text), replacing the stored one of that year.
    pub fn store_holiday_schedule(&self, year: u32, text: &str, now: &str) -> Result<(), DbError> {
        self.write(|sql| {
            sql.execute(
                "INSERT INTO holiday_schedules (year, body, imported_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (year) DO UPDATE SET body = excluded.body, imported_at = excluded.imported_at",
                args![year, text, now],
            )?;
            Ok(())
        })
    }

    /// Every stored schedule: (year, file text), by year.
    pub fn holiday_schedules(&self) -> Result<Vec<(u32, String)>, DbError> {
        self.read(|sql| {
            rows(sql, "SELECT year, body FROM holiday_schedules ORDER BY year", &[], |row| {
                Ok((row.get(0)?, row.get(1)?))
            })
        })
    }

    /// What changes when a schedule is imported: the count and the latest import time.
    pub fn holiday_generation(&self) -> Result<String, DbError> {
        self.read(|sql| {
            let row = sql.query_one("SELECT COUNT(*), COALESCE(MAX(imported_at), '') FROM holiday_schedules", &[])?;
            Ok(format!("{}/{}", row.get::<i64>(0)?, row.get::<String>(1)?))
        })
    }
}

/// Checks a schedule and makes it known to this process; with `replace`, a different stored year is
/// replaced (a built-in year never is).
pub fn add(text: &str, replace: bool) -> Result<(Schedule, Added), String> {
    let schedule = calendar::parse_schedule(text).map_err(|e| e.to_string())?;
    let added = calendar::add_schedule(schedule.clone(), replace).map_err(|e| e.to_string())?;
    Ok((schedule, added))
}

/// Loads every stored schedule into the core (those already known are left as they are).
pub fn load(db: &Db) -> Result<usize, DbError> {
    let mut loaded = 0;
    for (year, text) in db.holiday_schedules()? {
        match add(&text, true) {
            Ok(_) => loaded += 1,
            Err(error) => tracing::warn!(year, %error, "stored holiday schedule not loaded"),
        }
    }
    Ok(loaded)
}

/// Reloads the stored schedules whenever an import changed them (checked every few seconds): a year
/// imported on the command line counts in a running server without a restart.
pub fn watch(db: Db) {
    tokio::spawn(async move {
        let mut seen = tokio::task::spawn_blocking({
            let db = db.clone();
            move || db.holiday_generation().ok()
        })
        .await
        .ok()
        .flatten();
        let mut tick = tokio::time::interval(std::time::Duration::from_secs(2));
        loop {
            tick.tick().await;
            let db = db.clone();
            let now = tokio::task::spawn_blocking({
                let db = db.clone();
                move || db.holiday_generation().ok()
            })
            .await
            .ok()
            .flatten();
            if now != seen {
                seen = now;
                let _ = tokio::task::spawn_blocking(move || load(&db)).await;
            }
        }
    });
}

/// What `GET /api/v1/holidays` and `export-static` publish.
pub fn published(db: &Db) -> Result<xinnuo_core::wire::Holidays, DbError> {
    let schedules =
        db.holiday_schedules()?.into_iter().filter_map(|(_, text)| serde_json::from_str::<Value>(&text).ok()).collect();
    Ok(xinnuo_core::wire::Holidays { years: calendar::year_sources(), schedules })
}
