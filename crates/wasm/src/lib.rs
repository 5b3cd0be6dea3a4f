//! The `xinnuo` npm package: a thin wasm-bindgen facade over `xinnuo-core`. It converts JavaScript values
//! to core types and back; every rule lives in the core. Features by use, one npm entry each: `codes` (code
//! checks), `status` (credit status, repair, working days), `commitments` (templates, keys, signing,
//! verification); the all-in-one `xinnuo` has all three.

#[cfg(feature = "codes")]
pub mod codes;
#[cfg(feature = "commitments")]
pub mod commitment;
#[cfg(feature = "status")]
pub mod status;
pub mod thrown;

use wasm_bindgen::prelude::*;

use crate::thrown::Thrown;

/// A Rust value as a plain JavaScript value.
fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> Result<JsValue, Thrown> {
    xinnuo_js_json::to_js(value).map_err(Thrown::internal)
}

/// The package version.
#[wasm_bindgen]
pub fn version() -> String {
    env!("CARGO_PKG_VERSION").to_owned()
}
