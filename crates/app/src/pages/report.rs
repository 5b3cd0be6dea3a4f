//! `#/report/<code>`: the subject's credit report, issued by the server as of today, verified here against the
//! pinned server keys (and its place in the public log), shown as an A4 document to print — a QR code on every
//! page opens its verification — and downloadable as the signed file to hand to a procurement officer.

use xinnuo_core::error::Described;
use xinnuo_core::report;
use yew::prelude::*;

use crate::api;
use crate::browser::{app_base, download};
use crate::components::report::ReportDocument;
use crate::i18n::Lang;
use crate::pages::print::qr_svg;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub code: String,
}

#[derive(Clone, PartialEq)]
struct Issued {
    file: String,
    report: report::CreditReport,
    signed_by: String,
    /// 第 N 条 of the public log, where its entry verified against the pinned log key.
    logged: Option<u64>,
}

async fn issue(code: &str, lang: Lang) -> Result<Issued, String> {
    let answer = api::subject_report(code).await.map_err(|e| e.message(lang))?;
    // The file downloaded is the one verified here: the signed report with its log entry beside it.
    let file = answer.file_with_log();
    let trusted = api::trusted_server_keys().await;
    let verified = report::verify(&file, &trusted).map_err(|e| e.message(lang))?;
    Ok(Issued {
        file,
        signed_by: xinnuo_core::envelope::fingerprint_groups(&verified.server_kid),
        logged: verified.logged.map(|place| place.number()),
        report: verified.report,
    })
}

#[component]
pub fn ReportPage(props: &Props) -> Html {
    let lang = props.lang;
    let loaded = use_state(|| None::<Result<Issued, String>>);
    {
        let loaded = loaded.clone();
        use_effect_with(props.code.clone(), move |code| {
            let code = code.clone();
            loaded.set(None);
            wasm_bindgen_futures::spawn_local(async move { loaded.set(Some(issue(&code, lang).await)) });
        });
    }
    let issued = match &*loaded {
        None => {
            return html! { <p class="notice busy" role="status">{ lang.pick("正在生成信用报告…", "Making the credit report…") }</p> }
        }
        Some(Err(message)) => return html! { <p class="verdict no" id="report-verdict" role="alert">{ message }</p> },
        Some(Ok(issued)) => issued.clone(),
    };
    let report_no = issued.report.report_no.clone();
    let url = format!("{}{}", app_base(), Route::Verify(Some(report_no.clone())).href());
    let qr = qr_svg(&url).map(|svg| Html::from_html_unchecked(AttrValue::from(svg))).unwrap_or_default();
    let on_print = Callback::from(|_| {
        if let Some(window) = web_sys::window() {
            let _ = window.print();
        }
    });
    let on_download = {
        let (file, name) =
            (issued.file.clone(), format!("信用报告-{}-{report_no}.json", issued.report.content.credit_code));
        Callback::from(move |_| {
            let _ = download(&name, &file, "application/json");
        })
    };
    html! {
        <>
            <p class="verdict ok no-print" id="report-verdict" role="status">
                { lang.pick("✓ 报告已由服务器签名（签名已在本机核验）", "✓ Signed by the server (signature verified here)") }
                if let Some(position) = issued.logged {
                    { match lang { Lang::Zh => format!("，已记入公开日志 第 {position} 条"), Lang::En => format!("; entry {position} of the public log") } }
                }
            </p>
            <div class="row no-print">
                <button type="button" class="primary" id="report-print" onclick={on_print}>{ lang.pick("打印（A4）", "Print (A4)") }</button>
                <button type="button" id="report-download" onclick={on_download}>{ lang.pick("下载签名文件", "Download the signed file") }</button>
                <a href={Route::Verify(Some(report_no.clone())).href()}>{ lang.pick("验证此报告", "Verify this report") }</a>
                <a href={Route::Status(Some(issued.report.content.credit_code.clone())).href()}>{ lang.pick("返回信用状况", "Back to the credit status") }</a>
            </div>
            <p class="hint no-print">{ lang.pick(
                "收到报告的一方可用“验证”页离线核验下载的签名文件，或扫描二维码查看签发记录并核对此后是否有变化。",
                "Whoever receives the report verifies the downloaded file offline on the Verify page, or scans the QR code to see the issued report and whether anything changed since.",
            ) }</p>
            <ReportDocument {lang} report={issued.report.clone()} {qr} signed_by={issued.signed_by.clone()} />
            <div class="report-verify-url print-only">{ format!("验证地址：{url}") }</div>
        </>
    }
}
