//! Whether a checkpoint met extends the one this browser kept of its log, asked the same way in every build:
//! the build with the log's view (`public-log`) checks it itself (`log_watch`); the others ask the small
//! `log_watch` build, which `web/boot.js` and the widgets' loader load when it is first needed
//! (`log_watch_build::observe_for`).

#[cfg(not(feature = "public-log"))]
use wasm_bindgen::prelude::*;
use xinnuo_core::public_log::LogPlace;
use xinnuo_core::receipt::TrustedServerKeys;

use crate::i18n::{Lang, Text};

/// What this browser's view of a log says of a checkpoint met (one proving a receipt, a decision or a new
/// server key).
#[derive(Debug, Clone, PartialEq)]
pub enum Consistency {
    /// This browser had no checkpoint of this log it could compare with (none yet, or one under keys no longer
    /// pinned): this one is kept now, and every later one must extend it.
    First,
    /// It extends the checkpoint kept here, or is it, or is older than it (a consistency proof verified).
    Consistent,
    /// Not compared now (offline, the log's tiles unreadable, the checker not loaded): the inclusion proof alone
    /// holds, and the comparison is made next time.
    Unchecked(Text),
    /// The log disagrees with the checkpoint kept here: it was rewritten, and nothing it proves is trusted.
    Rewritten(Text),
}

impl Consistency {
    /// The log was rewritten: what it proves is not believed.
    pub fn is_rewritten(&self) -> bool {
        matches!(self, Self::Rewritten(_))
    }

    /// The line the verify, print and decision pages show under a log place.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            Self::First => lang
                .pick(
                    "本浏览器此前没有可与之比对的此公开日志检查点：已保存这一个，以后见到的须与之一致",
                    "This browser had no checkpoint of this public log to compare with: this one is kept, and every later one must extend it",
                )
                .to_owned(),
            Self::Consistent => lang
                .pick(
                    "与本浏览器此前见到的公开日志一致（一致性证明已核验）",
                    "Consistent with the public log this browser saw before (consistency proof verified)",
                )
                .to_owned(),
            Self::Unchecked(why) => format!(
                "{}{}",
                lang.pick("暂未与本浏览器此前见到的公开日志比对：", "Not compared with the public log this browser saw before. "),
                why.get(lang)
            ),
            Self::Rewritten(why) => format!("⚠ {}", why.get(lang)),
        }
    }
}

/// Compares a checkpoint met with the one kept, here in the build with the log's view.
#[cfg(feature = "public-log")]
pub async fn compare(note: &str, trusted: &TrustedServerKeys) -> Consistency {
    use crate::log_watch::Observed;
    match crate::log_watch::observe(note, trusted).await {
        Ok(Observed::First(_)) => Consistency::First,
        Ok(Observed::Known { .. } | Observed::Extended { .. }) => Consistency::Consistent,
        Ok(Observed::Rewritten { message, .. }) => Consistency::Rewritten(message),
        Err(message) => Consistency::Unchecked(message),
    }
}

/// What this browser's view says of the checkpoint proving a log place, where there is one (the verify, print
/// and decision pages).
pub async fn compare_place(place: Option<&LogPlace>, trusted: &TrustedServerKeys) -> Option<Consistency> {
    match place {
        Some(place) => Some(compare(&place.checkpoint_note, trusted).await),
        None => None,
    }
}

/// Whether a checkpoint met extends the one this browser kept of the log (else the log was rewritten, or it
/// could not be compared now, and nothing it proves is believed yet).
pub async fn extends_kept(note: &str, trusted: &TrustedServerKeys) -> Result<(), Text> {
    match compare(note, trusted).await {
        Consistency::First | Consistency::Consistent => Ok(()),
        Consistency::Unchecked(why) | Consistency::Rewritten(why) => Err(why),
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

/// The same in a build without the log's view (the commit and verify routes', the widgets): the `log_watch`
/// build compares it against the server keys pinned here (it runs `trusted_server_keys` again), and answers in
/// `log_watch_build::observe_for`'s form. Without that build (not downloaded, no loader) nothing is compared.
#[cfg(not(feature = "public-log"))]
pub async fn compare(note: &str, _trusted: &TrustedServerKeys) -> Consistency {
    let answer = match log_watch_build(note, &crate::origin::url("")) {
        Ok(asked) => wasm_bindgen_futures::JsFuture::from(asked).await.ok().and_then(|answer| answer.as_string()),
        Err(_) => None,
    };
    let why = |json: &str| serde_json::from_str(json).unwrap_or_else(|_| unchecked_log());
    match answer.as_deref() {
        Some("") => Consistency::Consistent,
        Some("first") => Consistency::First,
        Some(answer) => match answer.strip_prefix('!') {
            Some(json) => Consistency::Rewritten(why(json)),
            None => Consistency::Unchecked(why(answer)),
        },
        None => Consistency::Unchecked(unchecked_log()),
    }
}

/// Has the `log_watch` build pin the witnesses the server lists, if the log it trusts allows
/// (`api::pin_witnesses` there, with `public_log::admit_witness_policy`): the builds without the log's view do
/// not carry that check.
#[cfg(not(feature = "public-log"))]
pub async fn pin_in_log_watch() {
    if let Ok(asked) = log_watch_build("", &crate::origin::url("")) {
        let _ = wasm_bindgen_futures::JsFuture::from(asked).await;
    }
}

#[cfg(not(feature = "public-log"))]
fn unchecked_log() -> Text {
    Text::new("无法核对公开日志（核对程序未能加载）", "The public log could not be checked (its checker did not load)")
}
