//! IndexedDB (`xinnuo`, stores `drafts` and `outbox`) through rexie. Records that cannot be read are
//! skipped and counted, never deleted, so nothing a person entered is thrown away.

use rexie::{ObjectStore, Rexie, TransactionMode};
use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::JsValue;

use super::outbox::{Draft, OutboxItem, Retry};
use crate::i18n::Text;

const DB_NAME: &str = "xinnuo";
const DRAFTS: &str = "drafts";
const OUTBOX: &str = "outbox";

/// A storage failure, said plainly.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StorageError(pub Text);

impl StorageError {
    fn from(error: impl std::fmt::Display) -> Self {
        Self(Text::new(
            format!("浏览器存储不可用或已满（{error}）：已填内容仍在页面中，请勿关闭"),
            format!(
                "Browser storage is unavailable or full ({error}): what you entered is still on the page, keep it open"
            ),
        ))
    }
}

async fn open() -> Result<Rexie, StorageError> {
    Rexie::builder(DB_NAME)
        .version(1)
        .add_object_store(ObjectStore::new(DRAFTS).key_path("id"))
        .add_object_store(ObjectStore::new(OUTBOX).key_path("submission_id"))
        .build()
        .await
        .map_err(StorageError::from)
}

async fn put<T: Serialize>(store_name: &str, value: &T) -> Result<(), StorageError> {
    let db = open().await?;
    let tx = db.transaction(&[store_name], TransactionMode::ReadWrite).map_err(StorageError::from)?;
    let store = tx.store(store_name).map_err(StorageError::from)?;
    let value = xinnuo_js_json::to_js(value).map_err(StorageError::from)?;
    store.put(&value, None).await.map_err(StorageError::from)?;
    tx.done().await.map_err(StorageError::from)?;
    Ok(())
}

/// Every readable record, and how many could not be read.
async fn all<T: DeserializeOwned>(store_name: &str) -> Result<(Vec<T>, usize), StorageError> {
    let db = open().await?;
    let tx = db.transaction(&[store_name], TransactionMode::ReadOnly).map_err(StorageError::from)?;
    let store = tx.store(store_name).map_err(StorageError::from)?;
    let values = store.get_all(None, None).await.map_err(StorageError::from)?;
    let mut items = Vec::new();
    let mut unreadable = 0;
    for value in values {
        match xinnuo_js_json::from_js(&value) {
            Ok(item) => items.push(item),
            Err(_) => unreadable += 1,
        }
    }
    Ok((items, unreadable))
}

async fn get<T: DeserializeOwned>(store_name: &str, key: &str) -> Result<Option<T>, StorageError> {
    let db = open().await?;
    let tx = db.transaction(&[store_name], TransactionMode::ReadOnly).map_err(StorageError::from)?;
    let store = tx.store(store_name).map_err(StorageError::from)?;
    Ok(store
        .get(JsValue::from_str(key))
        .await
        .map_err(StorageError::from)?
        .and_then(|v| xinnuo_js_json::from_js(&v).ok()))
}

async fn delete(store_name: &str, key: &str) -> Result<(), StorageError> {
    let db = open().await?;
    let tx = db.transaction(&[store_name], TransactionMode::ReadWrite).map_err(StorageError::from)?;
    let store = tx.store(store_name).map_err(StorageError::from)?;
    store.delete(JsValue::from_str(key)).await.map_err(StorageError::from)?;
    tx.done().await.map_err(StorageError::from)?;
    Ok(())
}

pub async fn save_draft(draft: &Draft) -> Result<(), StorageError> {
    put(DRAFTS, draft).await
}

pub async fn draft(id: &str) -> Result<Option<Draft>, StorageError> {
    get(DRAFTS, id).await
}

pub async fn drafts() -> Result<(Vec<Draft>, usize), StorageError> {
    all(DRAFTS).await
}

pub async fn delete_draft(id: &str) -> Result<(), StorageError> {
    delete(DRAFTS, id).await
}

pub async fn save_item(item: &OutboxItem) -> Result<(), StorageError> {
    put(OUTBOX, item).await
}

pub async fn item(id: &str) -> Result<Option<OutboxItem>, StorageError> {
    get(OUTBOX, id).await
}

/// Marks the item as being sent, if it is due, in one transaction: IndexedDB runs read-write transactions on a
/// store one at a time, so of two tabs flushing at once only one gets the item, whether or not the browser
/// has Web Locks. `None` when the item is gone or not to be sent now.
pub async fn claim_for_sending(id: &str, now_ms: f64, retry: Retry) -> Result<Option<OutboxItem>, StorageError> {
    let db = open().await?;
    let tx = db.transaction(&[OUTBOX], TransactionMode::ReadWrite).map_err(StorageError::from)?;
    let store = tx.store(OUTBOX).map_err(StorageError::from)?;
    let stored = store.get(JsValue::from_str(id)).await.map_err(StorageError::from)?;
    let Some(mut item) = stored.and_then(|v| xinnuo_js_json::from_js::<OutboxItem>(&v).ok()) else {
        tx.done().await.map_err(StorageError::from)?;
        return Ok(None);
    };
    if !item.should_send(now_ms, retry) {
        tx.done().await.map_err(StorageError::from)?;
        return Ok(None);
    }
    item.start_send(now_ms);
    let value = xinnuo_js_json::to_js(&item).map_err(StorageError::from)?;
    store.put(&value, None).await.map_err(StorageError::from)?;
    tx.done().await.map_err(StorageError::from)?;
    Ok(Some(item))
}

pub async fn items() -> Result<(Vec<OutboxItem>, usize), StorageError> {
    all(OUTBOX).await
}

pub async fn delete_item(id: &str) -> Result<(), StorageError> {
    delete(OUTBOX, id).await
}

/// Removes everything this app keeps on the device: drafts and outbox (IndexedDB), and the key
/// ring, draft backup and pinned server keys (every `xinnuo` entry of `localStorage` and `sessionStorage`).
/// For shared computers; what was delivered stays on the server.
pub async fn clear_device() -> Result<(), StorageError> {
    if let Some(window) = web_sys::window() {
        for storage in [window.local_storage(), window.session_storage()].into_iter().filter_map(|s| s.ok().flatten()) {
            let length = storage.length().unwrap_or(0);
            let keys: Vec<String> = (0..length).filter_map(|i| storage.key(i).ok().flatten()).collect();
            for key in keys.iter().filter(|key| key.starts_with("xinnuo")) {
                storage.remove_item(key).map_err(|e| StorageError::from(format!("{e:?}")))?;
            }
        }
    }
    // Emptied rather than deleted: deleting waits for every open connection (other tabs) to close.
    let db = open().await?;
    let tx = db.transaction(&[DRAFTS, OUTBOX], TransactionMode::ReadWrite).map_err(StorageError::from)?;
    for store_name in [DRAFTS, OUTBOX] {
        tx.store(store_name).map_err(StorageError::from)?.clear().await.map_err(StorageError::from)?;
    }
    tx.done().await.map_err(StorageError::from)?;
    Ok(())
}

/// In headless Chromium (`cargo xtask test` runs them with wasm-bindgen-test-runner).
#[cfg(all(test, target_arch = "wasm32"))]
mod browser_tests {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

    use super::*;
    use crate::storage::outbox::OutboxState;

    wasm_bindgen_test_configure!(run_in_browser);

    /// Two flushes (two tabs, no Web Locks) reaching one queued item at the same moment: one sends it.
    #[wasm_bindgen_test]
    async fn of_two_claims_at_once_only_one_gets_the_item() {
        let id = format!("claim-{}", js_sys::Math::random());
        let queued = OutboxItem::new(
            id.clone(),
            "{}".into(),
            false,
            true,
            "纳税服务".into(),
            "91350100M000100Y43".into(),
            "2026-12-02T00:00:00Z".into(),
        );
        save_item(&queued).await.expect("saved");
        let claim = |id: String| {
            wasm_bindgen_futures::future_to_promise(async move {
                let claimed = claim_for_sending(&id, 1.0, Retry::Now)
                    .await
                    .map_err(|e| JsValue::from_str(&e.0.get(crate::i18n::Lang::En)))?;
                Ok(JsValue::from_bool(claimed.is_some()))
            })
        };
        let both = js_sys::Array::of2(&claim(id.clone()), &claim(id.clone()));
        let results = wasm_bindgen_futures::JsFuture::from(js_sys::Promise::all(&both)).await.expect("claims");
        let claimed = results.unchecked_into::<js_sys::Array>().iter().filter(JsValue::is_truthy).count();
        assert_eq!(claimed, 1, "exactly one claim gets the item");
        let stored = item(&id).await.expect("read").expect("kept");
        assert_eq!((stored.state, stored.attempts), (OutboxState::Sent, 1));
        // Once claimed, it is nobody's until its answer comes (or the send is abandoned).
        assert!(claim_for_sending(&id, 2.0, Retry::Now).await.expect("claim").is_none());
        delete_item(&id).await.expect("deleted");
    }
}
