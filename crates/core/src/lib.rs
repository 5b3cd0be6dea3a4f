//! Xinnuo's domain core: pure Rust with no I/O, compiled natively and to wasm32.
//!
//! The app, the JS package and the server call these functions, so each rule is written once here.
//! Nothing in this crate knows about HTTP, the DOM, SQL, clocks or randomness.

pub mod bundle;
pub mod calendar;
pub mod code;
pub mod commitment;
pub mod deadline;
pub mod decision;
pub mod enrolment;
pub mod envelope;
pub mod error;
pub mod lang;
pub mod objection;
#[cfg(feature = "openapi")]
pub(crate) mod openapi;
pub mod public_log;
pub mod receipt;
pub mod repair;
pub mod report;
pub mod search;
pub mod session;
pub mod status;
pub mod template;
pub mod text;
pub mod tier;
pub mod tlog;
pub mod wire;
pub mod workflow;
