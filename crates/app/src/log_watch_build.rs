//! The `log_watch` build's one export (the app with `public-log` alone, `xtask/src/build.rs`): the builds
//! without the log's view ask it whether a checkpoint extends the one kept (`log_view::extends_kept`). A module
//! of its own: it reads the pinned keys (`api`), which the view's callers depend on.

/// What the builds without the log's view ask of it: `web/boot.js` and the widgets' loader load the small
/// `log_watch` build (this module alone) for them when they first meet a checkpoint (`window.xinnuoLogWatch`,
/// see `log_view::compare`). `note` is compared with the checkpoint kept here for `server`, under the server
/// keys pinned here for it (`trusted_server_keys` again, as the asking build ran it a moment before). The
/// answer: empty when it is consistent, `first` when it is the first kept, else why not as an `i18n::Text` in
/// JSON, after a `!` when the log was rewritten. The widgets' loader asks one question at a time: the address
/// is this instance's for the duration of a check. With no `note`, it only pins what `trusted_server_keys` may
/// (new witnesses the log records: `log_view::pin_in_log_watch`) and answers nothing.
#[wasm_bindgen::prelude::wasm_bindgen]
pub async fn observe_for(note: String, server: String) -> String {
    use crate::log_view::Consistency;
    crate::origin::set_base(&server);
    let trusted = crate::api::trusted_server_keys().await;
    if note.is_empty() {
        return String::new();
    }
    let json = |why: &crate::i18n::Text| serde_json::to_string(why).unwrap_or_else(|_| "null".into());
    match crate::log_view::compare(&note, &trusted).await {
        Consistency::Consistent => String::new(),
        Consistency::First => "first".into(),
        Consistency::Unchecked(why) => json(&why),
        Consistency::Rewritten(why) => format!("!{}", json(&why)),
    }
}
