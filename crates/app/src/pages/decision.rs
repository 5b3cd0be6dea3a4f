//! A decision's printed copy (`#/decision/<id>`): what was decided on which submission, why, by which
//! department and key, when; what this browser checked (the signature, and the server's receipt against the
//! pinned server keys); and a QR code that opens this page again, so a printed decision verifies like a
//! printed commitment.

use xinnuo_core::decision::{self, TargetKind};
use xinnuo_core::envelope;
use xinnuo_core::public_log::LogPlace;
use xinnuo_core::receipt;
use yew::prelude::*;

use crate::api::{self, PublishedDecision};
use crate::browser::app_base;
use crate::i18n::Lang;
use crate::log_view::Consistency;
use crate::pages::print::qr_svg;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub id: String,
}

/// What the browser found: (the signature is the named key's, over this decision; the receipt is a
/// trusted server's, for this decision).
#[derive(Clone, PartialEq)]
struct Checked {
    document: PublishedDecision,
    signed: bool,
    receipted: bool,
    /// Its place in the public log (第 N 条), where the answer's proof verified against the pinned log key.
    logged: Option<LogPlace>,
    /// What this browser's view of the log says of the checkpoint proving the receipt.
    consistency: Option<Consistency>,
}

#[cfg(feature = "public-log")]
fn logged_place(document: &PublishedDecision, trusted: &receipt::TrustedServerKeys) -> Option<LogPlace> {
    let logged = document.log.as_ref()?;
    xinnuo_core::public_log::verify_entry_about(logged, &document.decision_id, trusted)
        .ok()
        .map(|placed| LogPlace::at(logged, placed.index, &placed.checkpoint))
}

#[cfg(not(feature = "public-log"))]
fn logged_place(_: &PublishedDecision, _: &receipt::TrustedServerKeys) -> Option<LogPlace> {
    None
}

#[component]
pub fn DecisionPage(props: &Props) -> Html {
    let lang = props.lang;
    let loaded = use_state(|| None::<Result<Checked, String>>);
    {
        let loaded = loaded.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let trusted = api::trusted_server_keys().await;
                let result = api::get_decision(&id).await.map_err(|e| e.message(lang)).map(|document| {
                    let signed = decision::verify(&receipt::jws_text(&document.envelope)).is_ok_and(|(verified, d)| {
                        verified.kid == document.officer_kid
                            && verified.submission_id == document.decision_id
                            && d.target == document.target
                            && d.action == document.action
                            && d.reason == document.reason
                    });
                    let checked_receipt = xinnuo_core::public_log::check_decision_receipt(
                        &document.receipt,
                        &document.decision_id,
                        &trusted,
                    )
                    // The receipt proves what the page shows of the server's record: target, action, state, time.
                    .ok()
                    .filter(|r| {
                        (r.target.as_str(), r.action, r.state.as_str(), r.received_at.as_str())
                            == (
                                document.target.as_str(),
                                document.action,
                                document.state.as_str(),
                                document.received_at.as_str(),
                            )
                    });
                    let receipted = checked_receipt.is_some();
                    let logged = logged_place(&document, &trusted);
                    // The checkpoint compared with the one this browser kept: the one proving the place shown
                    // (第 N 条), else the receipt's.
                    let place = logged.clone().or_else(|| checked_receipt.and_then(|r| r.log));
                    (Checked { document, signed, receipted, logged, consistency: None }, place)
                });
                let result = match result {
                    Ok((mut checked, place)) => {
                        checked.consistency = crate::log_view::compare_place(place.as_ref(), &trusted).await;
                        Ok(checked)
                    }
                    Err(message) => Err(message),
                };
                loaded.set(Some(result));
            });
        });
    }
    let checked = match &*loaded {
        None => return html! { <p class="notice busy">{ lang.pick("正在加载…", "Loading…") }</p> },
        Some(Err(message)) => return html! { <p class="verdict no" role="alert">{ message }</p> },
        Some(Ok(checked)) => checked,
    };
    let d = &checked.document;
    let url = format!("{}{}", app_base(), Route::Decision(d.decision_id.clone()).href());
    let qr = qr_svg(&url).map(|svg| Html::from_html_unchecked(AttrValue::from(svg))).unwrap_or_default();
    let rewritten = match &checked.consistency {
        Some(Consistency::Rewritten(why)) => Some(why.get(lang)),
        _ => None,
    };
    let (verdict, class) = match (checked.signed, checked.receipted) {
        (true, true) if rewritten.is_some() => (
            lang.pick(
                "✗ 证明此决定的公开日志已被改写，不予信任",
                "✗ The public log proving this decision was rewritten: not trusted",
            ),
            "no",
        ),
        (true, true) => (lang.pick("✓ 签名有效，服务器回执已核验", "✓ Signature valid, server receipt verified"), "ok"),
        (false, _) => (lang.pick("✗ 决定的签名无效", "✗ The decision's signature does not verify"), "no"),
        (true, false) => {
            (lang.pick("✗ 回执不是受信任的服务器签发", "✗ The receipt is not from a trusted server"), "no")
        }
    };
    let on_print = Callback::from(|_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    html! {
        <>
        <p class={classes!("verdict", class)} id="decision-verdict" role="status">{ verdict }</p>
        if let Some(why) = &rewritten {
            <p class="notice no" id="decision-log-alarm" role="alert">{ why }</p>
        }
        <div class="row no-print">
            <button type="button" class="primary" id="print-button" onclick={on_print}>{ lang.pick("打印", "Print") }</button>
            // A commitment or a repair application (a signed 信用修复承诺书) opens on the verify page; an objection
            // or a key enrolment is not a published document.
            if matches!(d.action.target_kind(), TargetKind::Commitment | TargetKind::RepairApplication) {
                <a href={Route::Verify(Some(d.target.clone())).href()}>{ match d.action.target_kind() {
                    TargetKind::RepairApplication => lang.pick("查看所涉信用修复申请", "Open the repair application"),
                    _ => lang.pick("查看所涉承诺书", "Open the commitment"),
                } }</a>
            }
        </div>
        <article class="print-page" id="decision-page" lang="zh-CN">
            <h1 class="print-title">{ format!("{}决定书", d.department) }</h1>
            <dl class="decision-facts">
                <dt>{ "决定事项" }</dt><dd id="decision-action">{ d.action.label_zh() }{ if d.state_label_zh == d.action.label_zh() { String::new() } else { format!("（{}）", d.state_label_zh) } }</dd>
                { concerns_facts(d) }
                <dt>{ "理由或核查结论" }</dt><dd id="decision-reason">{ if d.reason.is_empty() { "—" } else { &d.reason } }</dd>
                <dt>{ "作出时间" }</dt><dd><crate::components::time::BeijingTime lang={crate::i18n::Lang::Zh} at={d.decided_at.clone()} /></dd>
            </dl>
            <footer class="print-footer">
                <div class="print-facts">
                    <div>{ "决定编号：" }<code>{ crate::components::tech_details::short_id(&d.decision_id) }</code></div>
                    <div>{ format!("服务器回执：#{} · {}", d.sequence, crate::components::time::beijing(&d.received_at, crate::i18n::Lang::Zh)) }</div>
                    if let (Some(place), None) = (&checked.logged, &rewritten) {
                        <div id="decision-log">{ format!("已记入公开日志 第 {} 条（可离线核验）", place.number()) }</div>
                    }
                    if let (Some(consistency), None) = (&checked.consistency, &rewritten) {
                        // Of this browser's view: nothing a reader of the paper can rely on.
                        <div id="decision-log-view" class="no-print muted">{ consistency.describe(lang) }</div>
                    }
                    <div class="verify-url">{ "扫码或访问以下地址验证：" }<span id="decision-url">{ url.clone() }</span></div>
                </div>
                <div class="qr" id="decision-qr" data-url={url}>{ qr }</div>
            </footer>
        </article>
        <div class="no-print">
            <crate::components::tech_details::TechDetails {lang} id="decision-tech">
                <dl class="decision-facts" lang="zh-CN">
                    <dt>{ "决定编号" }</dt><dd><code id="decision-id">{ &d.decision_id }</code></dd>
                    <dt>{ target_id_label(d.action.target_kind()) }</dt><dd><code id="decision-target">{ &d.target }</code></dd>
                    <dt>{ "签名算法" }</dt><dd>{ "Ed25519" }</dd>
                    <dt>{ "签名密钥指纹" }</dt><dd><code class="fingerprint">{ envelope::fingerprint_groups(&d.officer_kid) }</code></dd>
                </dl>
            </crate::components::tech_details::TechDetails>
        </div>
        </>
    }
}

/// Whom the decision concerns, in words: the enterprise by name and code, and the commitment by its title or
/// the record by its kind and document number. A server that names nothing (a static site) leaves it out.
fn concerns_facts(d: &PublishedDecision) -> Html {
    let Some(concerns) = &d.concerns else { return Html::default() };
    let enterprise = if concerns.subject_name.is_empty() {
        format!("统一社会信用代码 {}", concerns.credit_code)
    } else {
        format!("{}（统一社会信用代码 {}）", concerns.subject_name, concerns.credit_code)
    };
    let (matter_label, matter) = match (d.action.target_kind(), &concerns.record, &concerns.title_zh) {
        (TargetKind::KeyEnrolment, _, _) => ("事项", Some("该企业签名密钥的登记".to_owned())),
        (_, Some(record), _) => (
            "所涉信用记录",
            Some(format!("{}（{}，{}）", record.kind.label_zh(), record.decision_no, record.authority)),
        ),
        (_, None, Some(title)) => ("所涉承诺书", Some(title.clone())),
        _ => ("", None),
    };
    html! {
        <>
            <dt>{ "所涉企业" }</dt><dd id="decision-subject">{ enterprise }</dd>
            if let Some(matter) = matter {
                <dt>{ matter_label }</dt><dd id="decision-matter">{ matter }</dd>
            }
        </>
    }
}

/// What the target's id names, for the technical details.
fn target_id_label(kind: TargetKind) -> &'static str {
    match kind {
        TargetKind::Commitment => "承诺书提交编号",
        TargetKind::RepairApplication => "信用修复申请编号",
        TargetKind::Objection => "异议编号",
        TargetKind::KeyEnrolment => "密钥登记请求编号",
    }
}
