//! Serde values to and from JavaScript values at the package's, the app's and the widgets' boundary.
//! Out: serde-wasm-bindgen builds plain objects field by field (the boundary the design names). In: JSON text
//! (`JSON.stringify`, then serde_json, which the core needs anyway), measured faster for the small inputs the
//! API takes and with serde's messages; the figures are in docs/BENCHMARKS.md ("The JS boundary").

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

/// A Rust value as the plain JavaScript value its JSON would be (objects for maps and structs, `null` for
/// `None`). Errors are serde's English message.
pub fn to_js<T: Serialize + ?Sized>(value: &T) -> Result<JsValue, String> {
    value.serialize(&serde_wasm_bindgen::Serializer::json_compatible()).map_err(|error| error.to_string())
}

/// A JavaScript value read as `T` through `JSON.stringify` (so `undefined` fields are absent). The error is
/// serde's English message, for the caller to put after its own words.
pub fn from_js<T: DeserializeOwned>(value: &JsValue) -> Result<T, String> {
    let text = js_sys::JSON::stringify(value)
        .ok()
        .and_then(|text| text.as_string())
        .ok_or_else(|| "not representable as JSON".to_owned())?;
    serde_json::from_str(&text).map_err(|error| without_position(&error))
}

/// serde's message without " at line 1 column 57": a position in text the caller never wrote only confuses.
fn without_position(error: &serde_json::Error) -> String {
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    message.strip_suffix(&suffix).unwrap_or(&message).to_owned()
}

#[cfg(test)]
mod tests {
    use super::without_position;

    #[test]
    fn messages_lose_only_the_position() {
        let error = serde_json::from_str::<Vec<u8>>("[1, \"two\"]").unwrap_err();
        assert!(error.to_string().ends_with(" at line 1 column 9"), "{error}");
        assert_eq!(without_position(&error), "invalid type: string \"two\", expected u8");
        let plain = serde::de::Error::custom("no position here");
        assert_eq!(without_position(&plain), "no position here");
    }
}
