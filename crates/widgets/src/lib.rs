//! Widgets for department websites. `widgets/xinnuo-widgets.js` defines the custom elements
//! (`<xinnuo-code-check>`, `<xinnuo-status code>`, `<xinnuo-commitment-list department>`,
//! `<xinnuo-commitment template>`); each creates a shadow root
//! and calls one `mount…` function here, which renders the app's own component into that root only and turns
//! its outcomes into DOM events on the host element. Every rule is the core's, every view the app's.
//! Features: `code-check` the code check, `status` the status widget and the commitment list (both read public
//! data), `commitment` the signing widget, `report-verify` the credit-report check — so that a page (or the
//! commitment widget's own frame) downloads only the widgets it shows.

use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::{Element, HtmlElement};
use xinnuo_app::i18n::Lang;
#[cfg(feature = "commitment")]
use xinnuo_app::pages::commit::CommitPage;
#[cfg(feature = "status")]
use xinnuo_app::pages::publications::PublicationsPage;
#[cfg(feature = "code-check")]
use xinnuo_app::pages::single_check::SingleCheck;
#[cfg(feature = "status")]
use xinnuo_app::pages::status::SubjectPage;
#[cfg(feature = "code-check")]
use xinnuo_core::code::{CodeReport, ValidateOptions};
#[cfg(feature = "commitment")]
use xinnuo_core::commitment::Filled;
use yew::prelude::*;

#[cfg(feature = "report-verify")]
#[derive(Properties, PartialEq)]
struct ReportVerifyProps {
    lang: Lang,
    host: HtmlElement,
}

#[cfg(feature = "report-verify")]
#[component]
fn ReportVerifyWidget(props: &ReportVerifyProps) -> Html {
    use xinnuo_app::components::report_verify::{ReportVerdict, ReportVerifier};
    let host = props.host.clone();
    let on_verdict = Callback::from(move |verdict: ReportVerdict| emit(&host, "xinnuo-report-verified", &verdict));
    html! { <ReportVerifier lang={props.lang} on_verdict={Some(on_verdict)} /> }
}

/// `<xinnuo-report-verify>`: a credit report dropped as a file, or found by its number, checked in this page
/// against the server's pinned keys; `xinnuo-report-verified` tells the host page the verdict only (valid, the
/// report's number, subject, dates, whether anything changed since).
#[cfg(feature = "report-verify")]
#[wasm_bindgen(js_name = mountReportVerify)]
pub fn mount_report_verify(host: HtmlElement, root: Element, lang: &str, api: &str) -> WidgetHandle {
    let lang = setup(lang, api);
    handle(yew::Renderer::<ReportVerifyWidget>::with_root_and_props(root, ReportVerifyProps { lang, host }).render())
}

/// A mounted widget; `destroy()` unmounts it (the element left the page).
#[wasm_bindgen]
pub struct WidgetHandle {
    destroy: Option<Box<dyn FnOnce()>>,
}

#[wasm_bindgen]
impl WidgetHandle {
    pub fn destroy(&mut self) {
        if let Some(destroy) = self.destroy.take() {
            destroy();
        }
    }
}

fn handle<C: BaseComponent>(app: yew::AppHandle<C>) -> WidgetHandle {
    WidgetHandle { destroy: Some(Box::new(move || app.destroy())) }
}

/// Dispatches `name` on the host element with `detail` (bubbles, crosses the shadow boundary).
fn emit(host: &HtmlElement, name: &str, detail: &impl Serialize) {
    let Ok(detail) = xinnuo_js_json::to_js(detail) else { return };
    let init = web_sys::CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_detail(&detail);
    if let Ok(event) = web_sys::CustomEvent::new_with_event_init_dict(name, &init) {
        let _ = host.dispatch_event(&event);
    }
}

fn setup(lang: &str, api: &str) -> Lang {
    xinnuo_app::api::set_base(api);
    xinnuo_app::route::set_embedded(true);
    Lang::from_tag(lang)
}

#[cfg(feature = "code-check")]
#[derive(Properties, PartialEq)]
struct CodeCheckProps {
    lang: Lang,
    host: HtmlElement,
}

#[cfg(feature = "code-check")]
#[component]
fn CodeCheckWidget(props: &CodeCheckProps) -> Html {
    let host = props.host.clone();
    let on_report = Callback::from(move |report: CodeReport| emit(&host, "xinnuo-checked", &report));
    html! { <SingleCheck lang={props.lang} options={ValidateOptions::default()} on_report={Some(on_report)} /> }
}

/// `<xinnuo-code-check>`: input with live verdict; `xinnuo-checked` carries the CodeReport, sent when the
/// verdict changes or the value is committed (see `SingleCheck`'s `on_report`).
#[cfg(feature = "code-check")]
#[wasm_bindgen(js_name = mountCodeCheck)]
pub fn mount_code_check(host: HtmlElement, root: Element, lang: &str, api: &str) -> WidgetHandle {
    let lang = setup(lang, api);
    handle(yew::Renderer::<CodeCheckWidget>::with_root_and_props(root, CodeCheckProps { lang, host }).render())
}

#[cfg(feature = "status")]
#[derive(Properties, PartialEq)]
struct StatusProps {
    lang: Lang,
    code: String,
}

#[cfg(feature = "status")]
#[component]
fn StatusWidget(props: &StatusProps) -> Html {
    html! { <SubjectPage lang={props.lang} code={props.code.clone()} /> }
}

/// `<xinnuo-status code="…">`: tier, lists and each record's repair answer for one subject.
#[cfg(feature = "status")]
#[wasm_bindgen(js_name = mountStatus)]
pub fn mount_status(root: Element, code: &str, lang: &str, api: &str) -> WidgetHandle {
    let lang = setup(lang, api);
    handle(
        yew::Renderer::<StatusWidget>::with_root_and_props(root, StatusProps { lang, code: code.to_owned() }).render(),
    )
}

#[cfg(feature = "status")]
#[derive(Properties, PartialEq)]
struct CommitmentListProps {
    lang: Lang,
    department: Option<String>,
}

#[cfg(feature = "status")]
#[component]
fn CommitmentListWidget(props: &CommitmentListProps) -> Html {
    html! { <PublicationsPage lang={props.lang} department={props.department.clone()} /> }
}

/// `<xinnuo-commitment-list department="…">`: the 信用承诺 column of one department (all without it).
#[cfg(feature = "status")]
#[wasm_bindgen(js_name = mountCommitmentList)]
pub fn mount_commitment_list(root: Element, department: &str, lang: &str, api: &str) -> WidgetHandle {
    let lang = setup(lang, api);
    let department = Some(department.trim().to_owned()).filter(|d| !d.is_empty());
    handle(
        yew::Renderer::<CommitmentListWidget>::with_root_and_props(root, CommitmentListProps { lang, department })
            .render(),
    )
}

#[cfg(feature = "commitment")]
#[derive(Properties, PartialEq)]
struct CommitmentProps {
    lang: Lang,
    template: String,
    host: HtmlElement,
}

#[cfg(feature = "commitment")]
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Submitted {
    submission_id: String,
    receipt: Option<serde_json::Value>,
    sequence: Option<u64>,
}

#[cfg(feature = "commitment")]
#[component]
fn CommitmentWidget(props: &CommitmentProps) -> Html {
    let host = props.host.clone();
    let on_submitted = Callback::from(move |item: xinnuo_app::storage::outbox::OutboxItem| {
        emit(
            &host,
            "xinnuo-submitted",
            &Submitted { submission_id: item.submission_id, receipt: item.receipt, sequence: item.sequence },
        )
    });
    let prefill = Filled {
        template_id: props.template.clone(),
        template_version: None,
        values: Default::default(),
        department: None,
    };
    html! {
        <CommitPage lang={props.lang} prefill={Some(prefill)} embedded={true} on_submitted={Some(on_submitted)}
            draft_id={Some(format!("widget-{}", props.template))} />
    }
}

/// `<xinnuo-commitment template="…">`: fill → sign → submit or queue; `xinnuo-submitted` carries
/// `{ submissionId, receipt }`.
#[cfg(feature = "commitment")]
#[wasm_bindgen(js_name = mountCommitment)]
pub fn mount_commitment(
    host: HtmlElement,
    root: Element,
    template: &str,
    lang: &str,
    api: &str,
) -> Result<WidgetHandle, JsError> {
    xinnuo_core::template::get(template, None).map_err(|e| JsError::new(&e.to_string()))?;
    let lang = setup(lang, api);
    let props = CommitmentProps { lang, template: template.to_owned(), host };
    Ok(handle(yew::Renderer::<CommitmentWidget>::with_root_and_props(root, props).render()))
}
