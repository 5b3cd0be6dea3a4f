//! Sending the outbox: at start, when the browser comes online, after each signature and on a timer. One
//! tab at a time holds the `xinnuo-outbox` Web Lock (where the browser has Web Locks), and each item is
//! claimed for sending in one IndexedDB transaction, so open tabs never send the same item twice; a retry
//! after a lost answer is harmless anyway (same submission id → same receipt).

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use xinnuo_core::lang::Lang;
use xinnuo_core::public_log;
use xinnuo_core::receipt::{self, ReceiptError};

use crate::api::{self, data_source, ApiError, DataSource, ProblemDetails};
use crate::browser::window;
use crate::i18n::Text;
use crate::storage::db;
use crate::storage::outbox::{Answer, OutboxItem, OutboxState, Retry};

/// Tells every part of the page (and other tabs, via storage) that the outbox changed.
pub fn notify_changed() {
    crate::browser::announce("xinnuo-outbox-changed");
}

fn now_ms() -> f64 {
    js_sys::Date::now()
}

/// A refusal is final: 4xx, but for a timeout (408) or too many requests (429).
fn refused(status: u16) -> bool {
    (400..500).contains(&status) && status != 408 && status != 429
}

/// Sends one item and sorts the answer: a receipt counts only if it verifies for this submission against the
/// pinned server keys; a refusal (4xx but 408 and 429) is final; anything else is tried again later.
async fn send(item: &OutboxItem, trusted: &receipt::TrustedServerKeys) -> Answer {
    let answer = match api::submit(&item.jws, item.repair).await {
        Ok(answer) => answer,
        Err(ApiError::Problem(problem)) if refused(problem.status) => {
            let with_fields = |lang: Lang| {
                let detail = problem.detail(lang);
                let fields: Vec<&str> = problem.errors.iter().map(|e| e.message(lang)).collect();
                if fields.is_empty() {
                    detail.to_owned()
                } else {
                    format!("{detail} {}", fields.join("；"))
                }
            };
            return Answer::Rejected(Text::new(with_fields(Lang::Zh), with_fields(Lang::En)));
        }
        Err(ApiError::Unexpected(status)) if refused(status) => {
            return Answer::Rejected(Text::new(format!("HTTP {status}"), format!("HTTP {status}")));
        }
        // Said briefly here (the outbox shows it under the item); the page explains a refused origin.
        Err(ApiError::Network) => {
            return Answer::Transient(Text::new("无法连接服务器，将自动重试", "Cannot reach the server; retrying"))
        }
        Err(ApiError::Problem(ProblemDetails { status, .. }) | ApiError::Unexpected(status)) => {
            return Answer::Transient(Text::new(
                format!("服务器暂时无法处理（HTTP {status}），将自动重试"),
                format!("Server error (HTTP {status}); retrying"),
            ));
        }
    };
    // Of the answer only the receipt counts (its public-log entry with the proof, or a receipt signed alone by
    // this server before, with its log entry beside it); the other members merely repeat it unproved.
    let checked = match public_log::check_answer(&answer.receipt, answer.log.as_ref(), Some(&item.submission_id), trusted)
    {
        Ok(checked) => checked,
        // A receipt signed alone, in a build that does not check that form: the outbox page's build does.
        Err(error @ ReceiptError::SignedAloneElsewhere) => return Answer::Transient(Text::from(error)),
        Err(_) => {
            return Answer::Transient(Text::new(
                "服务器回执未能通过验证（须由本服务器公开日志的签名检查点证明），将重试",
                "The server's receipt did not verify (it must be proved by a checkpoint this server's log key signed); retrying",
            ))
        }
    };
    let logged = answer.log.clone().or_else(|| serde_json::from_value(answer.receipt.clone()).ok());
    let log = logged.zip(checked.log.as_ref().map(|place| place.number()));
    // A log it cannot check now (a tile missing, the network) is not believed either: the item is sent again
    // later (same submission, same receipt), never marked received on a proof that was not checked.
    if let Some(place) = &checked.log {
        if let Err(message) = crate::log_view::extends_kept(&place.checkpoint_note, trusted).await {
            return Answer::Transient(message);
        }
    }
    Answer::Receipt {
        // What was checked, and nothing else, is kept as the receipt (and exported with the commitment).
        receipt: public_log::receipt_to_keep(&answer.receipt, answer.log.as_ref(), &checked),
        sequence: checked.sequence,
        received_at: checked.received_at,
        key_status: (checked.key_status.label_zh().into(), checked.key_status.label_en().into()),
        log,
    }
}

/// Days a delivered item keeps its personal values here: `<meta name="xinnuo-retention-days" content="1">` on
/// shared computers, else the default.
fn retention_days() -> f64 {
    window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("meta[name='xinnuo-retention-days']").ok().flatten())
        .and_then(|m| m.get_attribute("content"))
        .and_then(|days| number(&days))
        .filter(|days| *days >= 0.0)
        .unwrap_or(crate::storage::outbox::DEFAULT_RETENTION_DAYS)
}

/// `text` as JavaScript's `Number()` reads it (finite, not blank). Not `str::parse::<f64>`: that brought Rust's
/// decimal-to-float code and tables (12.8 KB compressed) into every build with the outbox, for this attribute.
fn number(text: &str) -> Option<f64> {
    let text = text.trim();
    let value = text.parse::<js_sys::Number>().ok()?.value_of();
    (!text.is_empty() && value.is_finite()).then_some(value)
}

/// Drops the personal values of items delivered longer ago than the retention period.
async fn forget_delivered(items: &mut [OutboxItem]) {
    let (now, days) = (now_ms(), retention_days());
    for item in items.iter_mut() {
        if item.forget_personal_data(now, days) && db::save_item(item).await.is_ok() {
            notify_changed();
        }
    }
}

/// Sends every due item (a static site sends nothing); whether anything changed.
async fn flush_locked(retry: Retry) -> bool {
    let Ok((mut items, _)) = db::items().await else { return false };
    forget_delivered(&mut items).await;
    if data_source() != DataSource::Api {
        return false;
    }
    if !items.iter().any(|item| item.should_send(now_ms(), retry)) {
        return false;
    }
    let trusted = api::trusted_server_keys().await;
    let mut changed = false;
    for listed in items {
        // Claimed in one transaction: another tab may have sent it since the list was made.
        let Ok(Some(mut item)) = db::claim_for_sending(&listed.submission_id, now_ms(), retry).await else { continue };
        notify_changed();
        let answer = send(&item, &trusted).await;
        item.finish(answer, now_ms());
        let _ = db::save_item(&item).await;
        changed = true;
        notify_changed();
    }
    changed
}

#[wasm_bindgen(inline_js = r#"
export function withLock(name, work) {
  if (!(globalThis.navigator && navigator.locks && navigator.locks.request)) return work();
  return navigator.locks.request(name, { ifAvailable: true }, (lock) => (lock ? work() : null));
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = withLock)]
    fn with_lock(name: &str, work: &js_sys::Function) -> js_sys::Promise;
}

thread_local! {
    static LAST_CHECK: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// When this tab last went through the outbox (sent what was due, or found another tab sending), UTC.
pub fn last_check() -> Option<String> {
    LAST_CHECK.with(|last| last.borrow().clone())
}

/// Flushes the outbox under the cross-tab lock (if another tab holds it, that tab is already sending).
pub async fn flush(retry: Retry) {
    let work = Closure::once_into_js(move || {
        wasm_bindgen_futures::future_to_promise(async move { Ok(JsValue::from_bool(flush_locked(retry).await)) })
    });
    let promise = with_lock("xinnuo-outbox", work.unchecked_ref());
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
    LAST_CHECK.with(|last| *last.borrow_mut() = Some(crate::browser::now_iso()));
}

/// Starts a flush of what is due, without waiting for it.
pub fn flush_soon() {
    wasm_bindgen_futures::spawn_local(flush(Retry::WhenDue));
}

/// Starts a flush of everything queued, retry delays or not (back online; 立即发送).
pub fn send_now() {
    wasm_bindgen_futures::spawn_local(flush(Retry::Now));
}

/// Asks the browser to keep our storage under pressure; `Some(true)` when granted.
/// Flushes the outbox now, whenever the browser comes online, and every few seconds while items wait for
/// their retry time; until the returned guard is dropped.
pub fn watch() -> Watching {
    flush_soon();
    let online = web_sys::window().map(|w| gloo_events::EventListener::new(&w, "online", |_| send_now()));
    let timer = gloo_timers::callback::Interval::new(5_000, flush_soon);
    Watching { _online: online, _timer: timer }
}

/// The outbox's listeners, removed when dropped.
pub struct Watching {
    _online: Option<gloo_events::EventListener>,
    _timer: gloo_timers::callback::Interval,
}

pub async fn request_persistence() -> Option<bool> {
    let storage = window()?.navigator().storage();
    let promise = storage.persist().ok()?;
    wasm_bindgen_futures::JsFuture::from(promise).await.ok()?.as_bool()
}

/// Whether a state is still on its way.
pub fn pending(state: OutboxState) -> bool {
    matches!(state, OutboxState::Queued | OutboxState::Sent)
}

#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::number;

    wasm_bindgen_test_configure!(run_in_browser);

    #[wasm_bindgen_test]
    fn retention_days_read_as_numbers() {
        assert_eq!(number("1"), Some(1.0));
        assert_eq!(number(" 0.5 "), Some(0.5));
        assert_eq!(number("0"), Some(0.0));
        assert_eq!(number("-2"), Some(-2.0));
        for not_a_number in ["", "  ", "abc", "1 day", "Infinity", "NaN"] {
            assert_eq!(number(not_a_number), None, "{not_a_number:?}");
        }
    }
}
