//! Checking a credit report someone handed over: the file (offline: intact, a report, signed by a pinned server
//! key) and then, online, the subject's report now (what changed since). Used by the verify page and by the
//! `<xinnuo-report-verify>` widget a tendering platform embeds (drop a file, or type a report number).

use serde::Serialize;
use web_sys::HtmlTextAreaElement;
use xinnuo_core::error::Described;
use xinnuo_core::receipt::TrustedServerKeys;
use xinnuo_core::report::{self, CreditReport};
use yew::prelude::*;

use crate::api;
use crate::i18n::Lang;
use crate::log_view::Consistency;

/// What the check found.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportCheck {
    Verified {
        report: Box<CreditReport>,
        signed_by: String,
        /// What changed for the subject since: `None` offline; `Some(Err)` when the server's answer did not verify.
        since: Option<Result<Vec<String>, String>>,
        /// What this browser's view of the log says of the checkpoint proving the report's issue (`None`: the
        /// file carried no log entry).
        log_view: Option<Consistency>,
    },
    Refused(String),
}

/// The verdict a host page hears (`xinnuo-report-verified`): nothing of the report beyond what identifies it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReportVerdict {
    pub valid: bool,
    pub report_no: Option<String>,
    pub credit_code: Option<String>,
    pub subject_name: Option<String>,
    pub made_at: Option<String>,
    pub as_of: Option<String>,
    /// Whether anything changed for the subject since (`None`: could not be checked).
    pub changed: Option<bool>,
    pub reason: Option<String>,
}

impl ReportCheck {
    pub fn verdict(&self) -> ReportVerdict {
        match self {
            Self::Verified { report, since, .. } => ReportVerdict {
                valid: true,
                report_no: Some(report.report_no.clone()),
                credit_code: Some(report.content.credit_code.clone()),
                subject_name: Some(report.content.name.clone()),
                made_at: Some(report.made_at.clone()),
                as_of: Some(report.content.as_of.to_string()),
                changed: since.as_ref().and_then(|s| s.as_ref().ok()).map(|changes| !changes.is_empty()),
                reason: None,
            },
            Self::Refused(reason) => ReportVerdict {
                valid: false,
                report_no: None,
                credit_code: None,
                subject_name: None,
                made_at: None,
                as_of: None,
                changed: None,
                reason: Some(reason.clone()),
            },
        }
    }
}

/// Checks a report file against `trusted`; the file is believed only once it verified, and the subject's report
/// now is checked the same way before anything is compared.
pub async fn check_report(text: &str, trusted: &TrustedServerKeys, lang: Lang) -> ReportCheck {
    let verified = match report::verify(text, trusted) {
        Ok(verified) => verified,
        Err(error) => return ReportCheck::Refused(error.message(lang)),
    };
    // The checkpoint proving its issue, compared with the one this browser kept: a rewritten log proves nothing.
    let log_view = crate::log_view::compare_place(verified.logged.as_ref(), trusted).await;
    if let Some(rewritten @ Consistency::Rewritten(_)) = &log_view {
        return ReportCheck::Refused(rewritten.describe(lang));
    }
    let since = match api::subject_report(&verified.report.content.credit_code).await {
        Ok(now) => match report::verify(&now.file_with_log(), trusted) {
            Ok(fresh) => Some(Ok(report::changes(&verified.report.content, &fresh.report.content)
                .iter()
                .map(|change| change.message(lang))
                .collect())),
            Err(error) => Some(Err(error.message(lang))),
        },
        Err(api::ApiError::Network) => None,
        Err(error) => Some(Err(error.message(lang))),
    };
    ReportCheck::Verified {
        signed_by: xinnuo_core::envelope::fingerprint_groups(&verified.server_kid),
        report: Box::new(verified.report),
        since,
        log_view,
    }
}

/// The verdict and what changed since, as the verify page and the widget show it.
pub fn check_view(check: &ReportCheck, lang: Lang) -> Html {
    match check {
        ReportCheck::Refused(message) => {
            html! { <p class="verdict no" id="verify-verdict" role="alert">{ message }</p> }
        }
        ReportCheck::Verified { report, since, log_view, .. } => html! {
            <>
                <p class="verdict ok" id="verify-verdict" role="status">{ match lang {
                    Lang::Zh => format!("✓ 信用报告完整，由本浏览器保存的服务器密钥签发（{}，{}）", report.report_no, crate::components::time::beijing(&report.made_at, lang)),
                    Lang::En => format!("✓ The credit report is intact and was issued by a server key pinned here ({}, {})", report.report_no, crate::components::time::beijing(&report.made_at, lang)),
                } }</p>
                if let Some(log_view) = log_view {
                    <p class="hint" id="report-log-view">{ log_view.describe(lang) }</p>
                }
                { match since {
                    None => html! { <p class="notice" id="report-since">{ lang.pick("当前无法联网，未能核对报告出具后是否有变化。", "Offline: whether anything changed since the report was made could not be checked.") }</p> },
                    Some(Err(message)) => html! { <p class="notice no" id="report-since">{ message }</p> },
                    Some(Ok(changes)) if changes.is_empty() => html! { <p class="verdict ok" id="report-since">{ lang.pick("✓ 报告出具以来，该主体的公开信用信息没有变化。", "✓ Nothing public about the subject has changed since the report was made.") }</p> },
                    Some(Ok(changes)) => html! {
                        <div class="notice no" id="report-since" role="alert">
                            <p>{ lang.pick("信息已有变化：报告出具以来，该主体的公开信用信息有以下变化。", "Information has changed since the report was made:") }</p>
                            <ul>{ for changes.iter().map(|c| html! { <li>{ c }</li> }) }</ul>
                        </div>
                    },
                } }
            </>
        },
    }
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// Told the verdict of each check (the widget turns it into an event on its element).
    #[prop_or_default]
    pub on_verdict: Option<Callback<ReportVerdict>>,
}

/// A file drop zone and a report-number field, and the verdict (the widget's whole view).
#[component]
pub fn ReportVerifier(props: &Props) -> Html {
    let lang = props.lang;
    let number = use_state(String::new);
    let state = use_state(|| None::<Option<ReportCheck>>);
    let run = {
        let (state, on_verdict) = (state.clone(), props.on_verdict.clone());
        Callback::from(move |source: Result<String, String>| {
            let (state, on_verdict) = (state.clone(), on_verdict.clone());
            state.set(Some(None));
            wasm_bindgen_futures::spawn_local(async move {
                let check = match source {
                    Ok(text) => check_report(&text, &api::trusted_server_keys().await, lang).await,
                    Err(message) => ReportCheck::Refused(message),
                };
                if let Some(on_verdict) = &on_verdict {
                    on_verdict.emit(check.verdict());
                }
                state.set(Some(Some(check)));
            });
        })
    };
    let load = {
        let run = run.clone();
        move |file: web_sys::File| {
            let run = run.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let text =
                    gloo_file::futures::read_as_text(&gloo_file::File::from(file)).await.map_err(|e| e.to_string());
                run.emit(text);
            });
        }
    };
    let (on_file, on_drop, on_drag_over) = crate::components::file_pick::file_pick(load);
    let on_number = {
        let number = number.clone();
        Callback::from(move |event: InputEvent| {
            number.set(event.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_lookup = {
        let (number, run) = (number.clone(), run.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (typed, run) = ((*number).trim().to_uppercase(), run.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let file = api::report_by_number(&typed)
                    .await
                    .map(|issued| issued.file_with_log())
                    .map_err(|error| error.message(lang));
                run.emit(file);
            });
        })
    };
    html! {
        <section class="card report-verifier" aria-label={lang.pick("核验信用报告", "Verify a credit report")}>
            <h2>{ lang.pick("核验信用报告", "Verify a credit report") }</h2>
            <div class="drop-zone" ondrop={on_drop} ondragover={on_drag_over}>
                <label class="file-button">{ lang.pick("把报告文件拖到这里，或选择文件：", "Drop the report file here, or choose it: ") }
                    <input class="report-file" type="file" accept=".json,application/json" onchange={on_file} />
                </label>
            </div>
            <form class="row report-number" onsubmit={on_lookup}>
                <label>{ lang.pick("或输入报告编号：", "or type the report number: ") }
                    <textarea class="report-number-input" rows="1" value={(*number).clone()} oninput={on_number} /></label>
                <button type="submit" class="primary">{ lang.pick("核验", "Verify") }</button>
            </form>
            { match &*state {
                None => html! {},
                Some(None) => html! { <p class="notice busy">{ lang.pick("正在核验…", "Verifying…") }</p> },
                Some(Some(check)) => check_view(check, lang),
            } }
        </section>
    }
}
