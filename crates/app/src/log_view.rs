//! Whether a checkpoint met extends the one this browser kept of its log, asked the same way in every build:
//! the build with the log's view (`public-log`) checks it itself (`log_watch`); the others ask the small
//! `log_watch` build, which `web/boot.js` and the widgets' loader load when it is first needed
//! (`log_watch_build::observe_for`).

#[cfg(not(feature = "public-log"))]
use wasm_bindgen::prelude::*;
use xinnuo_core::receipt::TrustedServerKeys;

use crate::i18n::Text;

/// Whether a checkpoint met (one proving a receipt, or a new server key) extends the one this browser kept of the
/// log (else the log was rewritten, and nothing it proves is believed): checked here in the build with the log's
/// view.
#[cfg(feature = "public-log")]
pub async fn extends_kept(note: &str, trusted: &TrustedServerKeys) -> Result<(), Text> {
    match crate::log_watch::observe(note, trusted).await {
        Ok(crate::log_watch::Observed::Rewritten { message, .. }) | Err(message) => Err(message),
        Ok(_) => Ok(()),
    }
}

#[cfg(not(feature = "public-log"))]
#[wasm_bindgen]
extern "C" {
    /// Set by `web/boot.js` and the widgets' loader: loads the small `log_watch` build (once) and asks it
    /// (`log_watch_build::observe_for`).
    #[wasm_bindgen(catch, js_namespace = window, js_name = xinnuoLogWatch)]
    fn log_watch_build(note: &str, server: &str) -> Result<js_sys::Promise, JsValue>;
}

/// The same in a build without the log's view (the commit route's, the widgets): the `log_watch` build checks
/// it against the server keys pinned here (it runs `trusted_server_keys` again). Without that build (not
/// downloaded, no loader) nothing is believed.
#[cfg(not(feature = "public-log"))]
pub async fn extends_kept(note: &str, _trusted: &TrustedServerKeys) -> Result<(), Text> {
    let answer = match log_watch_build(note, &crate::origin::url("")) {
        Ok(asked) => wasm_bindgen_futures::JsFuture::from(asked).await.ok().and_then(|answer| answer.as_string()),
        Err(_) => None,
    };
    match answer.as_deref() {
        Some("") => Ok(()),
        Some(why) => Err(serde_json::from_str(why).unwrap_or_else(|_| unchecked_log())),
        None => Err(unchecked_log()),
    }
}

#[cfg(not(feature = "public-log"))]
fn unchecked_log() -> Text {
    Text::new("无法核对公开日志（核对程序未能加载），将重试", "The public log could not be checked; retrying")
}
