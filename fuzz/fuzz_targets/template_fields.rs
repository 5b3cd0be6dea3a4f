//! Filled commitments from arbitrary JSON: validation, normalisation and rendering never panic; a form that
//! prepares renders deterministically with its values inserted literally, and its normal form is a fixed point.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xinnuo_core::commitment::{self, Filled};
use xinnuo_core::template::Lang;

fuzz_target!(|data: &[u8]| {
    let Ok(filled) = serde_json::from_slice::<Filled>(data) else { return };
    let _ = commitment::validate(&filled, None);
    let _ = commitment::render_draft(&filled, Lang::Zh);
    if let Ok(prepared) = commitment::prepare(&filled, None) {
        let text = prepared.render(Lang::Zh, None).text;
        assert_eq!(text, prepared.render(Lang::Zh, None).text, "rendering is deterministic");
        if let Some(serde_json::Value::String(name)) = prepared.values.get("subject_name") {
            assert!(text.contains(name.as_str()), "the subject's name appears literally");
        }
        // Normal form is a fixed point.
        let again = Filled { values: prepared.values.clone(), ..filled.clone() };
        assert_eq!(commitment::prepare(&again, None).map(|p| p.values).ok(), Some(prepared.values));
    }
});
