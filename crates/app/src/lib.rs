//! Xinnuo single-page app: credit-code check (single and batch). Every check runs `xinnuo-core` in the
//! browser; this crate only renders and keeps UI state.

pub mod components;
pub mod i18n;
pub mod pages;

use i18n::Lang;
use wasm_bindgen::prelude::*;
use web_sys::HtmlSelectElement;
use xinnuo_core::code::{Province, ValidateOptions};
use yew::prelude::*;

use pages::batch_check::BatchCheck;
use pages::single_check::SingleCheck;

const LANG_KEY: &str = "xinnuo.lang";

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn saved_lang() -> Lang {
    storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten()).map(|tag| Lang::from_tag(&tag)).unwrap_or_default()
}

#[component]
pub fn App() -> Html {
    let lang = use_state(saved_lang);
    let province = use_state(|| None::<Province>);
    {
        let lang = *lang;
        use_effect_with(lang, move |lang| {
            if let Some(root) = web_sys::window().and_then(|w| w.document()).and_then(|d| d.document_element()) {
                let _ = root.set_attribute("lang", lang.tag());
            }
            if let Some(storage) = storage() {
                let _ = storage.set_item(LANG_KEY, lang.tag());
            }
        });
    }
    let toggle_lang = {
        let lang = lang.clone();
        Callback::from(move |_| lang.set(lang.other()))
    };
    let on_province = {
        let province = province.clone();
        Callback::from(move |event: Event| {
            let value = event.target_unchecked_into::<HtmlSelectElement>().value();
            province.set(Province::parse(&value).ok());
        })
    };
    let lang = *lang;
    let options = ValidateOptions { province: *province };
    html! {
        <>
            <header class="top">
                <h1>{ lang.pick("信诺 · 信用代码检查", "Xinnuo · Credit code check") }</h1>
                <div class="tools">
                    <label>{ lang.pick("办理省份：", "Province: ") }
                        <select id="province" onchange={on_province}>
                            <option value="" selected={province.is_none()}>{ lang.pick("不限", "any") }</option>
                            <option value="14">{ lang.pick("山西省", "Shanxi") }</option>
                        </select>
                    </label>
                    <button type="button" id="lang-toggle" onclick={toggle_lang} lang={lang.other().tag()}>{ lang.pick("English", "中文") }</button>
                </div>
            </header>
            <main>
                <SingleCheck {lang} {options} />
                <BatchCheck {lang} {options} />
            </main>
            <footer>
                { lang.pick("依据 GB 32100-2015、GB 11714、GB 11643 在您的浏览器中检查，输入内容不会上传。", "Checked in your browser against GB 32100-2015, GB 11714 and GB 11643; nothing you type is uploaded.") }
            </footer>
        </>
    }
}

/// Mounts the app into `#app` (never the whole body, so host pages keep their own content).
#[wasm_bindgen(start)]
pub fn start() {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<App>::with_root(root).render();
        }
        None => {
            yew::Renderer::<App>::new().render();
        }
    }
}
