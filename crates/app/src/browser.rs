//! The few browser facilities the pages need: storage, downloads, randomness, the clock, navigation.

use wasm_bindgen::JsValue;
use xinnuo_core::calendar::{Date, UtcTimestamp};
use xinnuo_core::envelope::keyfile::{self, KeyFile};
use zeroize::Zeroizing;

use crate::i18n::Text;

pub fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

pub fn local_storage() -> Option<web_sys::Storage> {
    window().and_then(|w| w.local_storage().ok().flatten())
}

/// Offers `content` as a file download.
pub fn download(filename: &str, content: &str, mime: &str) -> Result<(), JsValue> {
    let parts = js_sys::Array::of1(&JsValue::from_str(content));
    let properties = web_sys::BlobPropertyBag::new();
    properties.set_type(mime);
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &properties)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = window().and_then(|w| w.document()).ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = wasm_bindgen::JsCast::unchecked_into(document.create_element("a")?);
    anchor.set_href(&url);
    anchor.set_download(filename);
    anchor.click();
    web_sys::Url::revoke_object_url(&url)
}

/// Puts `text` on the clipboard; answers whether the browser took it (it may refuse: no permission, no focus).
/// Called through `navigator.clipboard` by name, so no web-sys feature is added for one call.
pub async fn copy_to_clipboard(text: &str) -> bool {
    use wasm_bindgen::JsCast;
    let Some(navigator) = window().map(|w| w.navigator()) else { return false };
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &JsValue::from_str("clipboard")) else { return false };
    let write = js_sys::Reflect::get(&clipboard, &JsValue::from_str("writeText"))
        .ok()
        .and_then(|write| write.dyn_into::<js_sys::Function>().ok());
    let Some(write) = write else { return false };
    let Ok(promise) = write.call1(&clipboard, &JsValue::from_str(text)) else { return false };
    match promise.dyn_into::<js_sys::Promise>() {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await.is_ok(),
        Err(_) => false,
    }
}

/// Fresh random bytes (Web Crypto).
pub fn random<const N: usize>() -> Result<Zeroizing<[u8; N]>, Text> {
    let mut bytes = Zeroizing::new([0u8; N]);
    getrandom::fill(bytes.as_mut()).map_err(|e| {
        Text::new(format!("浏览器无法提供随机数：{e}"), format!("The browser gives no randomness: {e}"))
    })?;
    Ok(bytes)
}

/// Now as `YYYY-MM-DDTHH:MM:SS.sssZ`.
pub fn now_iso() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}

/// Today's date in China (UTC+8), whatever the device's time zone.
pub fn today_china() -> Option<Date> {
    UtcTimestamp::parse(&now_iso()).ok().map(|t| t.china_date())
}

/// The page's origin, e.g. `https://credit.example.gov.cn`.
pub fn origin() -> String {
    window().and_then(|w| w.location().origin().ok()).unwrap_or_default()
}

/// The app's own address without the hash (the app may live below the origin).
pub fn app_base() -> String {
    let href = window().and_then(|w| w.location().href().ok()).unwrap_or_default();
    href.split('#').next().unwrap_or_default().to_owned()
}

/// Dispatches a plain event on the window (parts of the page listen for each other's changes).
pub fn announce(name: &str) {
    if let (Some(window), Ok(event)) = (window(), web_sys::Event::new(name)) {
        let _ = window.dispatch_event(&event);
    }
}

/// Lets the browser paint before CPU-heavy work (key derivation) starts.
pub async fn yield_to_paint() {
    gloo_timers::future::TimeoutFuture::new(30).await;
}

#[wasm_bindgen::prelude::wasm_bindgen(inline_js = r#"
let worker;
let next = 0;
const waiting = new Map();
// Resolves the worker's answer (a result, or { error } for the core's own refusal); rejects only when the
// worker itself cannot run.
function ask(url, request) {
  return new Promise((resolve, reject) => {
    try {
      if (!worker) {
        worker = new Worker(url, { type: "module" });
        worker.onmessage = ({ data }) => {
          const entry = waiting.get(data.id);
          if (!entry) return;
          waiting.delete(data.id);
          entry.resolve(data);
        };
        worker.onerror = (event) => {
          event.preventDefault?.();
          for (const entry of waiting.values()) entry.reject(new Error(event.message || "worker failed"));
          waiting.clear();
          worker = undefined;
        };
      }
      const id = ++next;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, ...request });
    } catch (error) {
      reject(error);
    }
  });
}
export function sealInWorker(url, seed, passphrase, salt, nonce, createdAt, label) {
  const answer = ask(url, { seal: { seed, passphrase, salt, nonce, createdAt, label } });
  seed.fill(0); // the worker has its copy (postMessage copies at once)
  return answer;
}
export function openInWorker(url, keyFile, passphrase) {
  return ask(url, { open: { keyFile, passphrase } });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = sealInWorker, catch)]
    fn seal_in_worker(
        url: &str,
        seed: js_sys::Uint8Array,
        passphrase: &str,
        salt: &[u8],
        nonce: &[u8],
        created_at: &str,
        label: Option<String>,
    ) -> Result<js_sys::Promise, JsValue>;
    #[wasm_bindgen(js_name = openInWorker, catch)]
    fn open_in_worker(url: &str, key_file: &str, passphrase: &str) -> Result<js_sys::Promise, JsValue>;
}

/// Sends a request to the key worker (`kdf-worker.js`) and returns its answer, or its refusal in both
/// languages. Never on the page itself: a browser that cannot start a module worker (none current) gets an
/// error saying so, and no page build carries Argon2 or AES-GCM.
async fn key_worker(request: Result<js_sys::Promise, JsValue>) -> Result<JsValue, Text> {
    let answer = match request {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    let Ok(answer) = answer else {
        return Err(Text::new(
            "此浏览器无法在后台处理密钥（需要支持模块 Web Worker 的新版浏览器）",
            "This browser cannot work on keys in the background (a current browser with module Web Workers is needed)",
        ));
    };
    // The worker rejects with the wire's error object (`ErrorItem`), read as that type.
    let error = js_sys::Reflect::get(&answer, &JsValue::from_str("error")).ok().filter(|error| error.is_object());
    match error {
        Some(error) => match xinnuo_js_json::from_js::<xinnuo_core::wire::ErrorItem>(&error) {
            Ok(item) => Err(Text::new(item.message_zh, item.message_en)),
            Err(_) => Err(Text::new("密钥处理失败", "Working on the key failed")),
        },
        None => Ok(answer),
    }
}

/// A new key file sealing `seed` under `passphrase` (Argon2id with the recommended parameters, then
/// AES-256-GCM), made in the key worker so that the page keeps painting.
pub async fn seal_key_file(
    seed: &[u8; 32],
    passphrase: &str,
    salt: &[u8; 16],
    nonce: &[u8; 12],
    created_at: &str,
    label: Option<String>,
) -> Result<KeyFile, Text> {
    let url = crate::origin::url("kdf-worker.js");
    let seed = js_sys::Uint8Array::from(&seed[..]);
    let answer = key_worker(seal_in_worker(&url, seed, passphrase, salt, nonce, created_at, label)).await?;
    let text = js_sys::Reflect::get(&answer, &JsValue::from_str("keyFile")).ok().and_then(|t| t.as_string());
    Ok(keyfile::parse(&text.ok_or_else(key_worker_failed)?)?)
}

/// The seed of `file`, opened with `passphrase` in the key worker.
pub async fn open_key_file(file: &KeyFile, passphrase: &str) -> Result<Zeroizing<[u8; 32]>, Text> {
    let url = crate::origin::url("kdf-worker.js");
    let text = serde_json::to_string(file).map_err(|_| key_worker_failed())?;
    let answer = key_worker(open_in_worker(&url, &text, passphrase)).await?;
    let bytes = js_sys::Reflect::get(&answer, &JsValue::from_str("seed"))
        .map(|seed| js_sys::Uint8Array::new(&seed))
        .map_err(|_| key_worker_failed())?;
    let mut seed = Zeroizing::new([0u8; 32]);
    if bytes.length() != 32 {
        return Err(key_worker_failed());
    }
    bytes.copy_to(seed.as_mut());
    bytes.fill(0, 0, 32);
    Ok(seed)
}

fn key_worker_failed() -> Text {
    Text::new("密钥处理失败", "Working on the key failed")
}
