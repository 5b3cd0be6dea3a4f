//! Verify a signed commitment offline: paste it, drop or choose the file, or open `#/verify/<id>` (the QR
//! code) to fetch it from the server. The check itself always runs here, in the browser.
//!
//! The QR code's page is read by anyone: it says first, in words, where the commitment stands and what the
//! department decided on it (`GET /api/v1/commitments/{id}`'s decisions); the signed file as fetched is folded
//! under 技术详情.

use crate::components::report_verify::{check_report, check_view, ReportCheck};
use web_sys::HtmlTextAreaElement;
use xinnuo_core::bundle::{self, BundleReport};
use xinnuo_core::error::Described;
use xinnuo_core::receipt::{ReceiptError, TrustedServerKeys};
use xinnuo_core::wire::CommitmentDetail;
use yew::prelude::*;

use crate::api;
use crate::components::tech_details::TechDetails;
use crate::components::time::{BeijingDate, BeijingTime};
use crate::components::verification::Verification;
use crate::i18n::Lang;
use crate::log_view::Consistency;
use crate::route::{AppLink, Route};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub id: Option<String>,
}

#[derive(Clone, PartialEq)]
enum Outcome {
    Nothing,
    Loading,
    /// A commitment or receipt, and what this browser's view of the log says of the checkpoint proving it.
    Report(Box<BundleReport>, Option<Consistency>),
    /// A credit report: verified (and what changed for its subject since), or refused.
    CreditReport(ReportCheck),
    Error(String),
}

fn check(text: &str, trusted: &TrustedServerKeys, lang: Lang) -> Outcome {
    match bundle::verify(text, trusted) {
        Ok(report) => Outcome::Report(Box::new(report), None),
        Err(error) => Outcome::Error(error.message(lang)),
    }
}

/// Verifies against the pinned server keys (refreshed from the server when it can be reached).
async fn check_pinned(text: &str, lang: Lang) -> Outcome {
    let trusted = api::trusted_server_keys().await;
    if xinnuo_core::report::is_report_file(text) {
        return Outcome::CreditReport(check_report(text, &trusted, lang).await);
    }
    match check(text, &trusted, lang) {
        Outcome::Report(report, _) => {
            let report = with_witnessed_proof(text, *report, &trusted).await;
            // The checkpoint proving the receipt is compared with the one this browser kept of the log.
            let place = report.receipt.as_ref().and_then(|receipt| receipt.as_ref().ok()).and_then(|r| r.log.as_ref());
            let consistency = crate::log_view::compare_place(place, &trusted).await;
            Outcome::Report(Box::new(report), consistency)
        }
        other => other,
    }
}

/// A receipt proved in a checkpoint the pinned witnesses did not cosign (one made before the server asked for
/// witnesses) counts with its entry proved now in a witnessed checkpoint, asked of the server
/// (`public_log::check_answer`); offline, or where the server has no such proof, it stays refused.
async fn with_witnessed_proof(text: &str, mut report: BundleReport, trusted: &TrustedServerKeys) -> BundleReport {
    let not_witnessed =
        matches!(&report.receipt, Some(Err(ReceiptError::Log(xinnuo_core::tlog::TlogError::NotWitnessed { .. }))));
    let id = match &report.commitment {
        Some(Ok(signed)) if not_witnessed => signed.envelope.submission_id.clone(),
        _ => return report,
    };
    let receipt = serde_json::from_str::<serde_json::Value>(text).ok().and_then(|file| file.get("receipt").cloned());
    let (Some(receipt), Ok(fresh)) = (receipt, api::log_proof(&id).await) else { return report };
    if let Ok(checked) = xinnuo_core::public_log::check_answer(&receipt, Some(&fresh), Some(&id), trusted) {
        report.receipt = Some(Ok(checked));
    }
    report
}

/// Where the commitment stands and what was decided on it, in words for anyone who scanned its QR code.
fn standing_view(detail: &CommitmentDetail, lang: Lang) -> Html {
    let commitment = &detail.commitment;
    let (state_zh, state_en) = commitment.public_state_label();
    let name = commitment.registry_name.as_deref().unwrap_or(&commitment.subject_name);
    html! {
        <section class="standing" id="commitment-standing" aria-labelledby="standing-title">
            <h3 id="standing-title">{ lang.pick(&commitment.title_zh, &commitment.title_en) }</h3>
            <dl class="facts">
                <dt>{ lang.pick("承诺主体", "Made by") }</dt>
                <dd id="standing-subject">{ format!("{name} · {}", commitment.credit_code) }</dd>
                if !commitment.department_name.is_empty() {
                    <dt>{ lang.pick("承诺对象", "Made to") }</dt><dd>{ crate::i18n::departments(lang, &commitment.departments) }</dd>
                }
                <dt>{ lang.pick("当前状态", "Where it stands") }</dt>
                <dd><strong id="standing-state">{ lang.pick(state_zh, state_en) }</strong>
                    if let Some(deadline) = &commitment.deadline {
                        <br /><small class="deadline">{ deadline.describe(lang == Lang::Zh) }</small>
                    }
                </dd>
                <dt>{ lang.pick("提交时间", "Submitted") }</dt>
                <dd><BeijingTime {lang} at={commitment.received_at.clone()} /></dd>
                if !commitment.signer_label_zh.is_empty() {
                    <dt>{ lang.pick("签署人", "Signer") }</dt>
                    <dd>{ lang.pick(&commitment.signer_label_zh, &commitment.signer_label_en) }</dd>
                }
            </dl>
            <h4>{ lang.pick("部门的决定", "The department's decisions") }</h4>
            if detail.decisions.is_empty() {
                <p class="muted" id="standing-no-decisions">{ lang.pick("部门尚未作出决定。", "No decision yet.") }</p>
            } else {
                <ol class="standing-decisions">
                    { for detail.decisions.iter().map(|decision| html! {
                        <li class="standing-decision" data-id={decision.decision_id.clone()}>
                            <BeijingDate {lang} at={decision.decided_at.clone()} />{ " · " }{ crate::i18n::department(lang, &decision.department) }{ " · " }
                            <strong>{ lang.pick(&decision.action_label_zh, &decision.action_label_en) }</strong>
                            if !decision.reason.is_empty() {
                                { format!("{}{}", lang.pick("。理由：", ". Reason: "), decision.reason) }
                            }
                            { " " }<AppLink to={Route::Decision(decision.decision_id.clone())} class="decision-link">{ lang.pick("查看决定书", "Open the decision") }</AppLink>
                        </li>
                    }) }
                </ol>
            }
        </section>
    }
}

async fn read_file(file: web_sys::File) -> Result<String, String> {
    gloo_file::futures::read_as_text(&gloo_file::File::from(file)).await.map_err(|e| e.to_string())
}

#[component]
pub fn VerifyPage(props: &Props) -> Html {
    let lang = props.lang;
    let text = use_state(String::new);
    let outcome = use_state(|| Outcome::Nothing);
    let detail = use_state(|| None::<Box<CommitmentDetail>>);
    {
        let (outcome, text, detail) = (outcome.clone(), text.clone(), detail.clone());
        use_effect_with(props.id.clone(), move |id| {
            detail.set(None);
            if let Some(id) = id.clone() {
                outcome.set(Outcome::Loading);
                wasm_bindgen_futures::spawn_local(async move {
                    // A report's number (its QR code): the report as issued, verified like a file.
                    if id.starts_with("XN") {
                        match api::report_by_number(&id).await {
                            Ok(issued) => {
                                let pretty = issued.file_with_log();
                                outcome.set(check_pinned(&pretty, lang).await);
                                text.set(pretty);
                            }
                            Err(error) => outcome.set(Outcome::Error(error.message(lang))),
                        }
                        return;
                    }
                    match api::get_commitment_detail(&id).await {
                        Ok(stored) => {
                            let bundle: serde_json::Value =
                                serde_json::from_str(&stored.commitment.bundle_text()).unwrap_or_default();
                            let pretty = serde_json::to_string_pretty(&bundle).unwrap_or_default();
                            detail.set(Some(Box::new(stored)));
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
    // Opened from a QR code or a link: the file was fetched, so its raw text is a technical detail.
    let fetched = props.id.is_some();
    let file_input = html! {
        <>
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
        </>
    };
    html! {
        <section class="card" aria-labelledby="verify-title">
            if fetched {
                <h2 id="verify-title">{ if props.id.as_deref().is_some_and(|id| id.starts_with("XN")) {
                    lang.pick("核验信用报告", "Check a credit report")
                } else {
                    lang.pick("核验承诺书", "Check a commitment")
                } }</h2>
                <p class="hint">{ lang.pick(
                    "以下内容从服务器取回，签名已在本机核验，可确认内容未被改动。",
                    "Fetched from the server; its signature was checked on this device, so you can tell it has not been altered.") }</p>
                if let Some(detail) = &*detail { { standing_view(detail, lang) } }
            } else {
                <h2 id="verify-title">{ lang.pick("验证承诺书或信用报告", "Verify a commitment or a credit report") }</h2>
                <p class="hint">{ lang.pick(
                    "粘贴或拖入签名文件（承诺书、带回执的文件或信用报告），在本机离线验证签名、模板文本和填写内容；信用报告联网时还核对出具后是否有变化。",
                    "Paste or drop a signed file (a commitment, one with its receipt, or a credit report); the signature, the template text and the values are checked offline on this device; for a report, when online, whether anything changed since.") }</p>
                { file_input.clone() }
            }
            { match &*outcome {
                Outcome::Nothing => html! {},
                Outcome::Loading => html! { <p class="notice busy">{ lang.pick("正在验证…", "Verifying…") }</p> },
                Outcome::Error(message) => html! { <p class="verdict no" id="verify-verdict" role="alert">{ message }</p> },
                Outcome::Report(report, consistency) => html! {
                    <Verification {lang} report={(**report).clone()} consistency={consistency.clone()} />
                },
                Outcome::CreditReport(check) => html! {
                    <>
                        { check_view(check, lang) }
                        if let ReportCheck::Verified { report, signed_by, .. } = check {
                            <crate::components::report::ReportDocument {lang} report={(**report).clone()} signed_by={signed_by.clone()} />
                        }
                    </>
                },
            } }
            if fetched {
                <TechDetails {lang} id="verify-raw">
                    <p class="hint">{ lang.pick("服务器保存的签名文件原文（可复制后在任何设备上再次验证）：", "The signed file as the server keeps it (copy it to verify again on any device):") }</p>
                    { file_input }
                </TechDetails>
            }
        </section>
    }
}
