//! Hash routes (`#/commit`, `#/verify/<id>`, …), so links work from a static host and a QR code.

use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;
use yew::prelude::*;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    Check,
    /// The commitment form; with a credit code (`#/commit/<code>`, from the check page), a form for it.
    Commit(Option<String>),
    Keys,
    Verify(Option<String>),
    Print(String),
    Status(Option<String>),
    /// Drafts and the outbox.
    Outbox,
    /// The repair wizard's application for one record: (credit code, record id).
    Repair(String, String),
    /// The department console.
    Dept,
    /// The 信用承诺 column.
    Publications,
    /// A decision's printed copy.
    Decision(String),
    /// The public log: its newest checkpoint, and whether this browser's view of it is consistent.
    Log,
    /// A subject's credit report (信用报告), to print and download.
    Report(String),
}

impl Route {
    pub fn parse(hash: &str) -> Self {
        let path = hash.trim_start_matches('#').trim_start_matches('/');
        let mut parts = path.splitn(2, '/');
        let (head, rest) = (parts.next().unwrap_or(""), parts.next().filter(|r| !r.is_empty()).map(str::to_owned));
        match (head, rest) {
            ("commit", code) => Self::Commit(code),
            ("keys", _) => Self::Keys,
            ("verify", id) => Self::Verify(id),
            ("print", Some(id)) => Self::Print(id),
            ("status", code) => Self::Status(code),
            ("outbox", _) => Self::Outbox,
            ("dept", _) => Self::Dept,
            ("publications", _) => Self::Publications,
            ("decision", Some(id)) => Self::Decision(id),
            ("log", _) => Self::Log,
            ("report", Some(code)) => Self::Report(code),
            ("repair", Some(rest)) => match rest.split_once('/') {
                Some((code, record)) if !record.is_empty() => Self::Repair(code.to_owned(), decode(record)),
                _ => Self::Status(Some(rest)),
            },
            _ => Self::Check,
        }
    }

    pub fn href(&self) -> String {
        match self {
            Self::Check => "#/check".into(),
            Self::Commit(None) => "#/commit".into(),
            Self::Commit(Some(code)) => format!("#/commit/{code}"),
            Self::Keys => "#/keys".into(),
            Self::Verify(None) => "#/verify".into(),
            Self::Verify(Some(id)) => format!("#/verify/{id}"),
            Self::Print(id) => format!("#/print/{id}"),
            Self::Status(None) => "#/status".into(),
            Self::Outbox => "#/outbox".into(),
            Self::Dept => "#/dept".into(),
            Self::Publications => "#/publications".into(),
            Self::Decision(id) => format!("#/decision/{id}"),
            Self::Log => "#/log".into(),
            Self::Report(code) => format!("#/report/{code}"),
            Self::Status(Some(code)) => format!("#/status/{code}"),
            Self::Repair(code, record) => format!("#/repair/{code}/{}", encode(record)),
        }
    }
}

thread_local! {
    static EMBEDDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Marks this page as a widget (or the embed frame): it has no routes of its own, and the host page's URL
/// is not ours to change, so links to other routes open the app in a new tab.
pub fn set_embedded(embedded: bool) {
    EMBEDDED.with(|cell| cell.set(embedded));
}

/// Whether this page is a widget (or the embed frame) rather than the app.
pub fn is_embedded() -> bool {
    EMBEDDED.with(std::cell::Cell::get)
}

impl Route {
    /// Where a link to this route goes, and its target: in the app the route's hash; in a widget the app on
    /// the API's origin (this origin when the API is here), in a new tab.
    pub fn link(&self) -> (String, Option<&'static str>) {
        if is_embedded() {
            let base = crate::origin::url("");
            let app = if base.is_empty() { "/".to_owned() } else { base };
            (format!("{app}{}", self.href()), Some("_blank"))
        } else {
            (self.href(), None)
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct AppLinkProps {
    pub to: Route,
    #[prop_or_default]
    pub class: Classes,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

/// A link to a route of the app that also works inside a widget (see [`Route::link`]).
#[component]
pub fn AppLink(props: &AppLinkProps) -> Html {
    let (href, target) = props.to.link();
    html! {
        <a {href} {target} rel={target.map(|_| "noopener")} class={props.class.clone()} id={props.id.clone()}>
            { props.children.clone() }
        </a>
    }
}

/// Record ids are the department's own: keep them safe in a URL fragment.
fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

fn decode(text: &str) -> String {
    js_sys::decode_uri_component(text).map(String::from).unwrap_or_else(|_| text.to_owned())
}

fn current() -> Route {
    Route::parse(&web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default())
}

/// The current route, updated on every `hashchange`.
#[hook]
pub fn use_route() -> Route {
    let route = use_state(current);
    {
        let route = route.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || route.set(current()));
            let window = web_sys::window();
            if let Some(window) = &window {
                let _ = window.add_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(window) = window {
                    let _ = window.remove_event_listener_with_callback("hashchange", listener.as_ref().unchecked_ref());
                }
            }
        });
    }
    (*route).clone()
}

thread_local! {
    static STOP_APP: std::cell::RefCell<Option<Box<dyn FnOnce()>>> = const { std::cell::RefCell::new(None) };
}

/// Kept so that a route this build lacks can stop the app before another build takes over the page (a closure,
/// so this module need not name the app it stops).
pub fn keep_app_stopper(stop: Box<dyn FnOnce()>) {
    STOP_APP.with(|cell| cell.replace(Some(stop)));
}

#[derive(Properties, PartialEq)]
pub struct HandOverProps {
    pub lang: crate::i18n::Lang,
}

/// Shown for a route this build does not render: hands the page over to a build that has it.
#[component]
pub fn HandOver(props: &HandOverProps) -> Html {
    let stuck = use_state(|| false);
    {
        let stuck = stuck.clone();
        use_effect_with((), move |_| stuck.set(!hand_over(Build::ForTheRoute)));
    }
    let lang = props.lang;
    if *stuck {
        return html! {
            <p class="notice no" role="alert">{ lang.pick("此页面未包含这一功能，请从信诺首页打开。", "This page does not include this section; open it from Xinnuo's home page.") }</p>
        };
    }
    html! {
        <section class="card skeleton" aria-busy="true">
            <p class="loading" role="status">{ lang.pick("正在加载此功能…", "Loading this section…") }</p>
            <div class="skeleton-line"></div>
            <div class="skeleton-line short"></div>
        </section>
    }
}

/// Which build takes the page over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Build {
    /// The smallest build that renders the address's route.
    ForTheRoute,
    /// The build with everything, for a part of this route that this build leaves out (e.g. signing).
    Everything,
}

/// Stops this app (its timers and listeners go with it) and asks `web/boot.js` (`window.xinnuoSwitchBuild`)
/// to start another build in its place. Drafts and the outbox live in IndexedDB, so nothing is lost on the
/// way. Returns false where there is no other build to switch to (a widget, a page without `boot.js`).
pub fn hand_over(build: Build) -> bool {
    let switch = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w, &wasm_bindgen::JsValue::from_str("xinnuoSwitchBuild")).ok())
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
    let Some(switch) = switch else { return false };
    // Not from inside the render or callback that asked: the app is destroyed once that has finished.
    wasm_bindgen_futures::spawn_local(async move {
        gloo_timers::future::TimeoutFuture::new(0).await;
        if let Some(stop) = STOP_APP.with(|cell| cell.borrow_mut().take()) {
            stop();
        }
        let _ =
            switch.call1(&wasm_bindgen::JsValue::NULL, &wasm_bindgen::JsValue::from_bool(build == Build::Everything));
    });
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes_round_trip() {
        for route in [
            Route::Check,
            Route::Commit(None),
            Route::Commit(Some("91140105123456788F".into())),
            Route::Keys,
            Route::Verify(None),
            Route::Verify(Some("ab".into())),
            Route::Print("cd".into()),
            Route::Dept,
            Route::Publications,
            Route::Decision("ef".into()),
            Route::Log,
            Route::Report("91140105123456788F".into()),
        ] {
            assert_eq!(Route::parse(&route.href()), route);
        }
        assert_eq!(Route::parse(""), Route::Check);
        assert_eq!(Route::parse("#/nonsense"), Route::Check);
    }
}
