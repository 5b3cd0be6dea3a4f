//! The A4 print view of a submitted commitment: title, text with the filled fields, signature and seal
//! boxes, key fingerprint, receipt, and a QR code that opens the verify page for this submission.

use qrcode::render::svg;
use qrcode::QrCode;
use xinnuo_core::bundle::{self, BundleReport};
use xinnuo_core::envelope;
use yew::prelude::*;

use crate::api;
use crate::browser::app_base;
use crate::i18n::Lang;
use crate::log_view::Consistency;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub id: String,
}

#[derive(Clone, PartialEq)]
enum Loaded {
    Loading,
    /// The verified bundle, its place in the public log (第 N 条 of a checkpoint of M) where its proof verified,
    /// and what this browser's view of the log says of that checkpoint.
    Ready(Box<BundleReport>, Option<(u64, u64, Consistency)>),
    Error(String),
}

/// The QR code as inline SVG (generated here from a URL we build, so it is safe to inline).
pub(crate) fn qr_svg(url: &str) -> Option<String> {
    let code = QrCode::new(url.as_bytes()).ok()?;
    Some(code.render::<svg::Color<'_>>().min_dimensions(150, 150).quiet_zone(true).build())
}

#[component]
pub fn PrintPage(props: &Props) -> Html {
    let lang = props.lang;
    let loaded = use_state(|| Loaded::Loading);
    {
        let loaded = loaded.clone();
        use_effect_with(props.id.clone(), move |id| {
            let id = id.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let trusted = api::trusted_server_keys().await;
                let result = api::get_commitment(&id)
                    .await
                    .map_err(|e| e.message(lang))
                    .and_then(|stored| bundle::verify(&stored.bundle_text(), &trusted).map_err(|e| e.to_string()));
                // A receipt that is a log entry places itself; one signed alone (made before) is looked up.
                let in_receipt = match &result {
                    Ok(report) => report.receipt.as_ref().and_then(|r| r.as_ref().ok()).and_then(|r| r.log.clone()),
                    Err(_) => None,
                };
                let place = match (&result, in_receipt) {
                    (_, Some(place)) => Some(place),
                    (Ok(_), None) => api::log_proof(&id).await.ok().and_then(|logged| {
                        xinnuo_core::public_log::check_logged_receipt(&logged, Some(&id), &trusted).ok()?.log
                    }),
                    (Err(_), None) => None,
                };
                let consistency = crate::log_view::compare_place(place.as_ref(), &trusted).await;
                let place = place.zip(consistency).map(|(place, seen)| (place.number(), place.checkpoint_size, seen));
                loaded.set(match result {
                    Ok(report) => Loaded::Ready(Box::new(report), place),
                    Err(message) => Loaded::Error(message),
                });
            });
        });
    }
    let report = match &*loaded {
        Loaded::Loading => return html! { <p class="notice busy">{ lang.pick("正在加载…", "Loading…") }</p> },
        Loaded::Error(message) => return html! { <p class="verdict no" role="alert">{ message }</p> },
        Loaded::Ready(report, place) => (report, place.clone()),
    };
    let (report, place) = report;
    let signed = match &report.commitment {
        Some(Ok(signed)) => signed,
        Some(Err(error)) => return html! { <p class="verdict no" role="alert">{ error.to_string() }</p> },
        None => return html! { <p class="verdict no" role="alert">{ lang.pick("没有承诺书", "No commitment") }</p> },
    };
    let verify_url = format!("{}{}", app_base(), Route::Verify(Some(signed.envelope.submission_id.clone())).href());
    let qr = qr_svg(&verify_url).map(|svg| Html::from_html_unchecked(AttrValue::from(svg))).unwrap_or_default();
    let rendered = signed.render_masked(Lang::Zh, &report.masked);
    let body = rendered.text.split_once("\n\n").map_or(rendered.text.as_str(), |(_, rest)| rest).to_owned();
    let receipt = match &report.receipt {
        Some(Ok(receipt)) => {
            format!("#{} · {}", receipt.sequence, crate::components::time::beijing(&receipt.received_at, Lang::Zh))
        }
        _ => lang.pick("无有效回执", "no valid receipt").to_owned(),
    };
    let on_print = Callback::from(|_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    html! {
        <>
        if let Some((_, _, rewritten @ Consistency::Rewritten(_))) = &place {
            <p class="verdict no" id="print-log-alarm" role="alert">{ rewritten.describe(lang) }</p>
        }
        <div class="row no-print">
            <button type="button" class="primary" id="print-button" onclick={on_print}>{ lang.pick("打印", "Print") }</button>
            <span class="muted">{ lang.pick("A4 纵向；打印后在签字、盖章处手写签名并加盖公章。", "A4 portrait; after printing, sign and seal in the boxes.") }</span>
        </div>
        <article class="print-page" id="print-page" lang="zh-CN">
            <h1 class="print-title">{ rendered.title.clone() }</h1>
            <pre class="print-text">{ body }</pre>
            <div class="sign-boxes">
                if signed.prepared.template.signer == xinnuo_core::template::Signer::Person {
                    <div class="sign-box">{ "承诺人签字：" }</div>
                } else {
                    <div class="sign-box">{ "法定代表人（负责人）签字：" }</div>
                    <div class="sign-box seal">{ "（单位盖章）" }</div>
                }
            </div>
            <footer class="print-footer">
                <div class="print-facts">
                    <div>{ "电子签名密钥指纹：" }<code class="fingerprint" id="print-fingerprint">{ envelope::fingerprint_groups(&signed.envelope.kid) }</code></div>
                    <div>{ "提交编号：" }<code>{ crate::components::tech_details::short_id(&signed.envelope.submission_id) }</code></div>
                    <div>{ "签名时间：" }{ crate::components::time::beijing(&signed.signed_at, Lang::Zh) }{ "　回执：" }{ receipt }</div>
                    if let Some((position, size, consistency)) = &place {
                        if consistency.is_rewritten() {
                            <div id="print-log" class="load-error">{ consistency.describe(Lang::Zh) }</div>
                        } else {
                            <div id="print-log">{ format!("已记入公开日志 第 {position} 条（已在含 {size} 条的签名检查点中核验）") }</div>
                            // Of this browser's view: nothing a reader of the paper can rely on.
                            <div id="print-log-view" class="no-print muted">{ consistency.describe(lang) }</div>
                        }
                    }
                    <div>{ format!("文本：{}（第 {} 版，自 {} 起施行）", signed.prepared.template.title.zh, signed.prepared.template.version, signed.prepared.template.effective_from) }</div>
                    <div class="verify-url">{ "扫码或访问以下地址验证：" }<span id="print-verify-url">{ verify_url.clone() }</span></div>
                </div>
                <div class="qr" id="print-qr" data-url={verify_url}>{ qr }</div>
            </footer>
        </article>
        </>
    }
}
