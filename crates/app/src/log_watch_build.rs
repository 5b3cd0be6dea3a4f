//! The `log_watch` build's one export (the app with `public-log` alone, `xtask/src/build.rs`): the builds
//! without the log's view ask it whether a checkpoint extends the one kept (`log_view::extends_kept`). A module
//! of its own: it reads the pinned keys (`api`), which the view's callers depend on.

/// What the builds without the log's view ask of it: `web/boot.js` and the widgets' loader load the small
/// `log_watch` build (this module alone) for them when they first meet a checkpoint (`window.xinnuoLogWatch`,
/// see `log_view::extends_kept`). `note` is checked against the checkpoint kept here for `server` and the server
/// keys pinned here for it (`trusted_server_keys` again, as the asking build ran it a moment before); the
/// answer is empty when it is believed, else why not (an `i18n::Text` as JSON). The widgets' loader asks one
/// question at a time: the address is this instance's for the duration of a check.
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn observe_for(note: String, server: String) -> String {
    crate::origin::set_base(&server);
    let trusted = crate::api::trusted_server_keys().await;
    match crate::log_watch::observe(&note, &trusted).await {
        Ok(crate::log_watch::Observed::Rewritten { message, .. }) | Err(message) => {
            serde_json::to_string(&message).unwrap_or_else(|_| "null".into())
        }
        Ok(_) => String::new(),
    }
}
