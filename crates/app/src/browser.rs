//! The few browser facilities the pages need: storage, downloads, randomness, the clock, navigation.

use wasm_bindgen::JsValue;
use xinnuo_core::calendar::{Date, UtcTimestamp};
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
// Resolves { key } or { error } (the KDF's own refusal); rejects only when the worker itself cannot run.
export function deriveInWorker(url, passphrase, salt, m, t, p) {
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
      worker.postMessage({ id, passphrase, salt, m, t, p });
    } catch (error) {
      reject(error);
    }
  });
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = deriveInWorker, catch)]
    fn derive_in_worker(
        url: &str,
        passphrase: &str,
        salt: &[u8],
        m: u32,
        t: u32,
        p: u32,
    ) -> Result<js_sys::Promise, JsValue>;
}

/// The key-file key for `passphrase` (Argon2id), derived in a Web Worker (`kdf-worker.js`) so that the page
/// never freezes, even on a hostile file's costly parameters. Never on the page itself: a browser that cannot
/// start a module worker (none current) gets an error saying so, and no build carries a second Argon2.
pub async fn derive_key(
    passphrase: &str,
    salt: &[u8],
    params: xinnuo_core::envelope::keyfile::KdfParams,
) -> Result<Zeroizing<[u8; 32]>, Text> {
    let params = params.check()?;
    let url = crate::api::url("kdf-worker.js");
    let answer = match derive_in_worker(&url, passphrase, salt, params.m, params.t, params.p) {
        Ok(promise) => wasm_bindgen_futures::JsFuture::from(promise).await,
        Err(error) => Err(error),
    };
    let Ok(answer) = answer else {
        return Err(Text::new(
            "此浏览器无法在后台派生密钥（需要支持模块 Web Worker 的新版浏览器）",
            "This browser cannot derive the key in the background (a current browser with module Web Workers is needed)",
        ));
    };
    if let Some(error) = js_sys::Reflect::get(&answer, &JsValue::from_str("error")).ok().and_then(|e| e.as_string()) {
        return Err(Text::new(format!("密钥派生失败：{error}"), format!("Key derivation failed: {error}")));
    }
    let bytes = js_sys::Reflect::get(&answer, &JsValue::from_str("key"))
        .map(|key| js_sys::Uint8Array::new(&key))
        .map_err(|_| derivation_failed())?;
    let mut key = Zeroizing::new([0u8; 32]);
    if bytes.length() != 32 {
        return Err(derivation_failed());
    }
    bytes.copy_to(key.as_mut());
    bytes.fill(0, 0, 32);
    Ok(key)
}

fn derivation_failed() -> Text {
    Text::new("密钥派生失败", "Key derivation failed")
}
