//! Code normalisation and checks: never panic; the quick check agrees with the full report; batches split
//! the same text the same way.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinnuo_core::code::{self, ValidateOptions};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let report = code::validate(text, &ValidateOptions::default());
    let verdict = code::check(text);
    assert_eq!(report.valid, verdict.valid, "check and validate disagree on {text:?}");
    assert_eq!(report.kind, verdict.kind, "kinds disagree on {text:?}");
    let cells = code::batch_cells(text).count();
    assert_eq!(code::validate_batch(text, &ValidateOptions::default()).len(), cells);
});
