//! Xinnuo single-page app: credit-code checks, commitments (fill, sign, submit, print), keys and offline
//! verification. Every rule runs `xinnuo-core` in the browser; this crate renders and keeps UI state.

pub mod api;
pub mod browser;
pub mod components;
pub mod i18n;
pub mod log_view;
#[cfg(feature = "public-log")]
pub mod log_watch;
#[cfg(feature = "public-log")]
pub mod log_watch_build;
pub mod origin;
pub mod pages;
pub mod route;
pub mod storage;
pub mod sync;

use i18n::Lang;
use wasm_bindgen::prelude::*;
use web_sys::HtmlSelectElement;
use xinnuo_core::code::Province;
use yew::prelude::*;

#[cfg(feature = "route-check")]
use pages::batch_check::BatchCheck;
#[cfg(feature = "route-check")]
use pages::single_check::SingleCheck;
use route::{use_route, Route};

const LANG_KEY: &str = "xinnuo.lang";

use browser::local_storage as storage;

fn saved_lang() -> Lang {
    storage().and_then(|s| s.get_item(LANG_KEY).ok().flatten()).map(|tag| Lang::from_tag(&tag)).unwrap_or_default()
}

#[component]
pub fn App() -> Html {
    let lang = use_state(saved_lang);
    let route = use_route();
    let persisted = use_state(|| None::<bool>);
    let update_ready = use_state(|| false);
    // Builds with a form that submits flush the outbox (`sync::watch`); storage persistence is asked for once.
    {
        let (persisted, update_ready) = (persisted.clone(), update_ready.clone());
        use_effect_with((), move |_| {
            // Only builds that submit (the commitment form's, and the one with everything) carry the outbox;
            // what is queued goes out whenever one of them runs.
            #[cfg(feature = "route-commit")]
            let outbox = sync::watch();
            wasm_bindgen_futures::spawn_local(async move { persisted.set(sync::request_persistence().await) });
            let window = web_sys::window();
            let ready = update_ready.clone();
            let update = window
                .as_ref()
                .map(|w| gloo_events::EventListener::new(w, "xinnuo-update-available", move |_| ready.set(true)));
            let already = window
                .as_ref()
                .and_then(|w| js_sys::Reflect::get(w, &JsValue::from_str("xinnuoUpdateWaiting")).ok())
                .is_some_and(|v| v.is_truthy());
            update_ready.set(already);
            move || {
                #[cfg(feature = "route-commit")]
                drop(outbox);
                drop(update);
            }
        });
    }
    let apply_update = Callback::from(|_| {
        if let (Some(window), Ok(event)) = (web_sys::window(), web_sys::Event::new("xinnuo-apply-update")) {
            let _ = window.dispatch_event(&event);
        }
    });
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
    #[cfg(feature = "route-check")]
    let options = xinnuo_core::code::ValidateOptions { province: *province };
    let tab = |target: Route, zh: &'static str, en: &'static str| {
        let current = std::mem::discriminant(&target) == std::mem::discriminant(&route);
        html! {
            <a href={target.href()} class={classes!("tab", current.then_some("current"))} aria-current={current.then_some("page")}>{ lang.pick(zh, en) }</a>
        }
    };
    // Each arm is in the builds whose `route-*` feature names it (Cargo.toml; `web/boot.js` loads the build
    // for the address's route); any other route hands over to a build that has it.
    #[allow(unreachable_patterns)] // with `every-route` no route is left over
    let page = match &route {
        #[cfg(feature = "route-check")]
        Route::Check => html! { <><SingleCheck {lang} {options} /><BatchCheck {lang} {options} /></> },
        #[cfg(feature = "route-commit")]
        Route::Commit(code) => html! { <pages::commit::CommitPage {lang} for_code={code.clone()} /> },
        #[cfg(feature = "route-verify")]
        Route::Verify(id) => html! { <pages::verify::VerifyPage {lang} id={id.clone()} /> },
        #[cfg(feature = "route-status")]
        Route::Status(code) => html! { <pages::status::StatusPage {lang} code={code.clone()} /> },
        #[cfg(feature = "every-route")]
        Route::Keys => html! { <pages::keys::KeysPage {lang} /> },
        #[cfg(feature = "every-route")]
        Route::Outbox => html! { <pages::outbox::OutboxPage {lang} persisted={*persisted} /> },
        #[cfg(feature = "every-route")]
        Route::Print(id) => html! { <pages::print::PrintPage {lang} id={id.clone()} /> },
        #[cfg(feature = "every-route")]
        Route::Dept => html! { <pages::dept::DeptPage {lang} /> },
        #[cfg(feature = "every-route")]
        Route::Publications => html! { <pages::publications::PublicationsPage {lang} /> },
        #[cfg(feature = "every-route")]
        Route::Decision(id) => html! { <pages::decision::DecisionPage {lang} id={id.clone()} /> },
        #[cfg(feature = "every-route")]
        Route::Log => html! { <pages::log::LogPage {lang} /> },
        #[cfg(feature = "every-route")]
        Route::Report(code) => html! { <pages::report::ReportPage {lang} code={code.clone()} /> },
        #[cfg(feature = "every-route")]
        Route::Repair(code, record) => {
            html! { <pages::repair::RepairPage {lang} code={code.clone()} record_id={record.clone()} /> }
        }
        _ => html! { <route::HandOver {lang} /> },
    };
    // Routes live in the URL's hash, so the skip link moves focus itself instead of following `#main`.
    let skip_to_main = Callback::from(|event: MouseEvent| {
        event.prevent_default();
        let main = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("main"));
        if let Some(main) = main.and_then(|m| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(m).ok()) {
            let _ = main.focus();
        }
    });
    html! {
        <>
            <a class="skip-link" href="#main" onclick={skip_to_main}>{ lang.pick("跳到主要内容", "Skip to the main content") }</a>
            <header class="top">
                <h1>{ lang.pick("信诺 · 信用承诺与代码检查", "Xinnuo · Credit commitments and code checks") }</h1>
                <nav class="tabs" aria-label={lang.pick("功能", "Sections")}>
                    { tab(Route::Check, "代码检查", "Code check") }
                    { tab(Route::Status(None), "信用状况", "Credit status") }
                    { tab(Route::Publications, "承诺公示", "Published") }
                    { tab(Route::Commit(None), "填写承诺书", "Commitment") }
                    { tab(Route::Keys, "密钥", "Keys") }
                    { tab(Route::Verify(None), "验证", "Verify") }
                    { tab(Route::Outbox, "草稿与发件箱", "Drafts & outbox") }
                    { tab(Route::Dept, "部门办理", "Department") }
                </nav>
                <div class="tools">
                    if route == Route::Check {
                        <label>{ lang.pick("办理省份：", "Province: ") }
                            <select id="province" onchange={on_province}>
                                <option value="" selected={province.is_none()}>{ lang.pick("不限", "any") }</option>
                                <option value="14">{ lang.pick("山西省", "Shanxi") }</option>
                            </select>
                        </label>
                    }
                    <button type="button" id="lang-toggle" onclick={toggle_lang} lang={lang.other().tag()}>{ lang.pick("English", "中文") }</button>
                </div>
            </header>
            if *update_ready {
                <div class="update-banner" role="status" id="update-banner">
                    { lang.pick("新版本可用。", "A new version is available. ") }
                    <button type="button" class="primary" onclick={apply_update}>{ lang.pick("更新（草稿已自动保存）", "Update (drafts are saved)") }</button>
                </div>
            }
            <main id="main" tabindex="-1">{ page }</main>
            <footer class="site-footer">
                { lang.pick("检查与验证均在您的浏览器中进行；只有您提交的承诺书会发送到服务器，私钥从不离开本机。", "Checks and verification run in your browser; only commitments you submit are sent to the server, and private keys never leave this device.") }
                { " " }<a href={Route::Log.href()} class="log-link">{ lang.pick("公开日志", "Public log") }</a>
            </footer>
        </>
    }
}

/// Mounts the app into `#app` (never the whole body, so host pages keep their own content); `web/boot.js`
/// calls it after loading the build, and again when the page comes back to this build from another
/// (`route::HandOver`). Left out of the widgets build, which mounts only into its own elements.
#[cfg(feature = "app")]
#[wasm_bindgen]
pub fn run() {
    let root = web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("app"));
    let handle = match root {
        Some(root) => {
            root.set_inner_html("");
            yew::Renderer::<App>::with_root(root).render()
        }
        None => yew::Renderer::<App>::new().render(),
    };
    route::keep_app_stopper(Box::new(move || handle.destroy()));
}
