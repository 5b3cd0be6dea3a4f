//! Record import: profiles and records from arbitrary JSON, then the tier and every repair evaluation on a
//! few dates — typed errors for bad input, never a panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinnuo_core::calendar::Date;
use xinnuo_core::repair;
use xinnuo_core::status::{self, Profile, Record};

fuzz_target!(|data: &[u8]| {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else { return };
    if let Ok(record) = Record::from_json(value.clone()) {
        for on in ["2019-07-01", "2026-03-31", "2026-11-26", "2030-01-01"] {
            let on = Date::parse(on).expect("literal date");
            let _ = repair::evaluate(&record, std::slice::from_ref(&record), on);
        }
    }
    if let Ok(profile) = Profile::from_json(value) {
        let _ = status::summarize(&profile, Date::parse("2026-11-26").expect("literal date"));
    }
});
