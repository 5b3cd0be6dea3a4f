//! CSV record import (the server's parser over the core's records): any text is refused with row numbers or
//! accepted as profiles that pass the core's checks — never a panic, never half a file.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinnuo_server::subjects::{parse_csv_import, ImportError};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    match parse_csv_import(text) {
        Ok(subjects) => {
            for subject in &subjects {
                assert!(subject.profile.check().is_ok(), "an accepted profile fails its own check");
            }
        }
        Err(ImportError::Rows(rows)) => assert!(!rows.is_empty()),
        Err(_) => {}
    }
});
