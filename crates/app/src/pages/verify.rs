//! Verify a signed commitment offline: paste it, drop or choose the file, or open `#/verify/<id>` (the QR
//! code) to fetch it from the server. The check itself always runs here, in the browser.

use crate::components::report_verify::{check_report, check_view, ReportCheck};
use web_sys::HtmlTextAreaElement;
use xinnuo_core::bundle::{self, BundleReport};
use xinnuo_core::error::Described;
use xinnuo_core::receipt::TrustedServerKeys;
use yew::prelude::*;

use crate::api;
use crate::components::verification::Verification;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub id: Option<String>,
}

#[derive(Clone, PartialEq)]
enum Outcome {
    Nothing,
    Loading,
    Report(Box<BundleReport>),
    /// A credit report: verified (and what changed for its subject since), or refused.
    CreditReport(ReportCheck),
    Error(String),
}

fn check(text: &str, trusted: &TrustedServerKeys, lang: Lang) -> Outcome {
    match bundle::verify(text, trusted) {
        Ok(report) => Outcome::Report(Box::new(report)),
        Err(error) => Outcome::Error(error.message(lang)),
    }
}

/// Verifies against the pinned server keys (refreshed from the server when it can be reached).
async fn check_pinned(text: &str, lang: Lang) -> Outcome {
    let trusted = api::trusted_server_keys().await;
    if xinnuo_core::report::is_report_file(text) {
        return Outcome::CreditReport(check_report(text, &trusted, lang).await);
    }
    check(text, &trusted, lang)
}

async fn read_file(file: web_sys::File) -> Result<String, String> {
    gloo_file::futures::read_as_text(&gloo_file::File::from(file)).await.map_err(|e| e.to_string())
}

#[component]
pub fn VerifyPage(props: &Props) -> Html {
    let lang = props.lang;
    let text = use_state(String::new);
    let outcome = use_state(|| Outcome::Nothing);
    {
        let (outcome, text) = (outcome.clone(), text.clone());
        use_effect_with(props.id.clone(), move |id| {
            if let Some(id) = id.clone() {
                outcome.set(Outcome::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    // A report's number (its QR code): the report as issued, verified like a file.
                    if id.starts_with("XN") {
                        match api::report_by_number(&id).await {
                            Ok(issued) => {
                                let pretty = serde_json::to_string_pretty(&issued.file).unwrap_or_default();
                                outcome.set(check_pinned(&pretty, lang).await);
                                text.set(pretty);
                            }
                            Err(error) => outcome.set(Outcome::Error(error.message(lang))),
                        }
                        return;
                    }
                    match api::get_commitment(&id).await {
                        Ok(stored) => {
                            let bundle: serde_json::Value =
                                serde_json::from_str(&stored.bundle_text()).unwrap_or_default();
                            let pretty = serde_json::to_string_pretty(&bundle).unwrap_or_default();
                            outcome.set(check_pinned(&pretty, lang).await);
                            text.set(pretty);
                        }
                        Err(error) => outcome.set(Outcome::Error(error.message(lang))),
                    }
                });
            }
        });
    }
    let on_input = {
        let text = text.clone();
        Callback::from(move |event: InputEvent| text.set(event.target_unchecked_into::<HtmlTextAreaElement>().value()))
    };
    let on_verify = {
        let (text, outcome) = (text.clone(), outcome.clone());
        Callback::from(move |_| {
            let (text, outcome) = ((*text).clone(), outcome.clone());
            // No earlier verdict stays on screen while this one is worked out.
            outcome.set(Outcome::Loading);
            wasm_bindgen_futures::spawn_local(async move { outcome.set(check_pinned(&text, lang).await) });
        })
    };
    let load = {
        let (text, outcome) = (text.clone(), outcome.clone());
        move |file: web_sys::File| {
            let (text, outcome) = (text.clone(), outcome.clone());
            outcome.set(Outcome::Loading);
            wasm_bindgen_futures::spawn_local(async move {
                match read_file(file).await {
                    Ok(content) => {
                        outcome.set(check_pinned(&content, lang).await);
                        text.set(content);
                    }
                    Err(error) => outcome.set(Outcome::Error(error)),
                }
            });
        }
    };
    let (on_file, on_drop, on_drag_over) = crate::components::file_pick::file_pick(load);
    html! {
        <section class="card" aria-labelledby="verify-title">
            <h2 id="verify-title">{ lang.pick("验证承诺书或信用报告", "Verify a commitment or a credit report") }</h2>
            <p class="hint">{ lang.pick(
                "粘贴或拖入签名文件（承诺书、带回执的文件或信用报告），在本机离线验证签名、模板文本和填写内容；信用报告联网时还核对出具后是否有变化。",
                "Paste or drop a signed file (a commitment, one with its receipt, or a credit report); the signature, the template text and the values are checked offline on this device; for a report, when online, whether anything changed since.") }</p>
            <div class="drop-zone" ondrop={on_drop} ondragover={on_drag_over}>
                <label for="verify-input">{ lang.pick("签名文件内容", "Signed file") }</label>
                <textarea id="verify-input" rows="6" value={(*text).clone()} oninput={on_input}
                    placeholder={lang.pick("在此粘贴，或把文件拖到这里", "Paste here, or drop the file here")} />
            </div>
            <div class="row">
                <button type="button" class="primary" id="verify-button" onclick={on_verify}>{ lang.pick("验证", "Verify") }</button>
                <label class="file-button">{ lang.pick("或选择文件：", "or choose a file: ") }
                    <input id="verify-file" type="file" accept=".json,application/json" onchange={on_file} />
                </label>
            </div>
            { match &*outcome {
                Outcome::Nothing => html! {},
                Outcome::Loading => html! { <p class="notice busy">{ lang.pick("正在验证…", "Verifying…") }</p> },
                Outcome::Error(message) => html! { <p class="verdict no" id="verify-verdict" role="alert">{ message }</p> },
                Outcome::Report(report) => html! { <Verification {lang} report={(**report).clone()} /> },
                Outcome::CreditReport(check) => html! {
                    <>
                        { check_view(check, lang) }
                        if let ReportCheck::Verified { report, signed_by, .. } = check {
                            <crate::components::report::ReportDocument {lang} report={(**report).clone()} signed_by={signed_by.clone()} />
                        }
                    </>
                },
            } }
        </section>
    }
}
