//! What the package throws: a JS `Error` with the stable `code` (the same word as the server's problem type and
//! `errors[].code`) and the message in each language as properties, so a caller shows one language and never
//! splits a string. Its `message` carries both, for a developer reading a stack trace.

use wasm_bindgen::JsValue;
use xinnuo_core::error::Described;
use xinnuo_core::wire::ErrorItem;

/// The package's error object (`ErrorItem`: code and both messages), thrown as a JS `Error`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Thrown(ErrorItem);

impl Thrown {
    pub fn new(code: &'static str, zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self(ErrorItem::new(code, zh, en))
    }

    /// A failure of ours (converting a value for JavaScript), never of the caller's input.
    pub fn internal(error: impl std::fmt::Display) -> Self {
        Self::new("internal", format!("内部错误：{error}"), format!("internal error: {error}"))
    }

    /// A JS value the package was given that is not what its types say.
    pub fn bad_argument(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self::new("bad_argument", zh, en)
    }
}

impl<E: Described> From<E> for Thrown {
    fn from(error: E) -> Self {
        Self(ErrorItem::of(&error))
    }
}

impl From<Thrown> for JsValue {
    fn from(Thrown(item): Thrown) -> Self {
        let error = js_sys::Error::new(&format!("{} / {}", item.message_zh, item.message_en));
        for (name, value) in [("code", &item.code), ("message_zh", &item.message_zh), ("message_en", &item.message_en)]
        {
            let _ = js_sys::Reflect::set(&error, &JsValue::from_str(name), &JsValue::from_str(value));
        }
        error.into()
    }
}
