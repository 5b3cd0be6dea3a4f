//! What an offline verification found: verdict, signer, time, receipt, the text, and every mismatch.

use xinnuo_core::bundle::BundleReport;
use xinnuo_core::envelope;
use xinnuo_core::error::Described;
use xinnuo_core::public_log::CheckedReceipt;
use yew::prelude::*;

use crate::components::time::BeijingTime;
use crate::i18n::Lang;
use crate::log_view::Consistency;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: BundleReport,
    /// What this browser's view of the log says of the checkpoint proving the receipt (`None`: no log place).
    #[prop_or_default]
    pub consistency: Option<Consistency>,
}

#[component]
pub fn Verification(props: &Props) -> Html {
    let lang = props.lang;
    let report = &props.report;
    let consistency = props.consistency.as_ref();
    let rewritten = consistency.is_some_and(Consistency::is_rewritten);
    let valid = report.is_valid() && !rewritten;
    let verdict = if valid {
        html! { <p class="verdict ok" id="verify-verdict">{ lang.pick("✓ 验证通过：签名有效，内容与模板一致", "✓ Verified: the signature holds and the content matches its template") }</p> }
    } else {
        html! { <p class="verdict no" id="verify-verdict">{ lang.pick("✗ 验证未通过", "✗ Verification failed") }</p> }
    };
    let mut problems: Vec<String> = Vec::new();
    if let Some(Err(error)) = &report.commitment {
        problems.push(error.message(lang));
        for issue in error.field_issues() {
            problems.push(format!("{}：{}", issue.field, issue.message(lang)));
        }
    }
    if let Some(Err(error)) = &report.receipt {
        problems.push(format!("{}{}", lang.pick("回执：", "Receipt: "), error.message(lang)));
    }
    if let Some(Consistency::Rewritten(why)) = consistency {
        problems.push(format!("{}{}", lang.pick("回执：", "Receipt: "), why.get(lang)));
    }
    html! {
        <div class="verification" id="verification">
            { verdict }
            if !problems.is_empty() {
                <ul class="issues errors" id="verify-problems">{ for problems.iter().map(|p| html! { <li>{ p }</li> }) }</ul>
            }
            if let (None, Some(Ok(receipt))) = (&report.commitment, &report.receipt) {
                <p class="notice" id="verify-receipt-only">{ lang.pick("这是一份服务器回执（不含承诺书正文）。", "This is a server receipt (without the commitment itself).") }</p>
                <dl class="facts">
                    <dt>{ lang.pick("提交编号", "Submission id") }</dt><dd><code id="verify-id">{ receipt.submission_id.clone() }</code></dd>
                    <dt>{ lang.pick("服务器回执", "Server receipt") }</dt>
                    <dd id="verify-receipt">{ format!("#{} · ", receipt.sequence) }<BeijingTime {lang} at={receipt.received_at.clone()} />
                        { format!(" · {}", lang.pick(receipt.key_status.label_zh(), receipt.key_status.label_en())) }</dd>
                    if let xinnuo_core::public_log::ReceiptProof::Signed { receipt: signed, .. } = &receipt.proof {
                        <dt>{ lang.pick("签名密钥指纹", "Signer key fingerprint") }</dt>
                        <dd><code class="fingerprint">{ envelope::fingerprint_groups(&signed.signer_kid) }</code></dd>
                    }
                    { receipt_proof(lang, receipt, consistency) }
                </dl>
                <p><crate::route::AppLink class="button" to={Route::Verify(Some(receipt.submission_id.clone()))}>{ lang.pick("查看对应的承诺书", "Open the commitment") }</crate::route::AppLink></p>
            }
            if let Some(Ok(signed)) = &report.commitment {
                <crate::components::tech_details::TechDetails {lang}>
                <dl class="facts">
                    <dt>{ lang.pick("签名密钥指纹", "Signer key fingerprint") }</dt>
                    <dd><code class="fingerprint" id="verify-fingerprint">{ envelope::fingerprint_groups(&signed.envelope.kid) }</code></dd>
                    <dt>{ lang.pick("签名时间（签名设备的时钟，以服务器接收时间为准）", "Signed at (the signing device's clock; the server's time of receipt counts)") }</dt><dd id="verify-signed-at"><BeijingTime {lang} at={signed.signed_at.clone()} /></dd>
                    <dt>{ lang.pick("提交编号", "Submission id") }</dt><dd><code id="verify-id">{ signed.envelope.submission_id.clone() }</code></dd>
                    <dt>{ lang.pick("模板", "Template") }</dt>
                    <dd>{ format!("{} {} (SHA-256 {}…)", signed.prepared.template.id, signed.prepared.template.version, &signed.prepared.template.text_sha256[..16]) }</dd>
                    if let Some(Ok(receipt)) = &report.receipt {
                        <dt>{ lang.pick("服务器回执（序号 · 接收时间 · 密钥状态）", "Server receipt (number · received at · key status)") }</dt>
                        <dd id="verify-receipt">{ format!("#{} · ", receipt.sequence) }<BeijingTime {lang} at={receipt.received_at.clone()} />
                            { format!(" · {}", lang.pick(receipt.key_status.label_zh(), receipt.key_status.label_en())) }</dd>
                        { receipt_proof(lang, receipt, consistency) }
                    }
                </dl>
                if signed.withheld > 0 {
                    <p>{ lang.pick("个人信息以加盐摘要签署，公开时隐去原值。", "Personal values are signed as salted digests and withheld when published.") }</p>
                }
                </crate::components::tech_details::TechDetails>
                if signed.withheld > 0 {
                    <p class="notice" id="verify-withheld">{ format!("{}{}", signed.withheld,
                        lang.pick(" 项个人信息已隐去（身份证号码、电话、住所等不公示）；签名仍完整有效。", " personal value(s) withheld (ID numbers, phones and addresses are not published); the signature still holds in full.")) }</p>
                }
                <article class="commitment-text">
                    <pre id="verify-text">{ signed.render_masked(lang, &report.masked).text }</pre>
                </article>
                <p><crate::route::AppLink class="button" to={Route::Print(signed.envelope.submission_id.clone())}>{ lang.pick("打印", "Print") }</crate::route::AppLink></p>
            }
        </div>
    }
}

/// What proves the receipt: its place in the public log (a checkpoint signed by the server's log key), or, for
/// a receipt signed alone before, the server key that signed it.
fn receipt_proof(lang: Lang, receipt: &CheckedReceipt, consistency: Option<&Consistency>) -> Html {
    match (&receipt.log, receipt.server_kid()) {
        (Some(place), _) => html! {
            <>
            <dt>{ lang.pick("公开日志", "Public log") }</dt>
            <dd id="verify-log">{ format!("{}{}{}{}{}", lang.pick("已记入公开日志 第 ", "In the public log as entry "), place.number(),
                lang.pick(" 条（已在含 ", " (verified in a signed checkpoint of "), place.checkpoint_size,
                lang.pick(" 条的签名检查点中核验）", " entries)")) }</dd>
            if let Some(consistency) = consistency {
                <dd id="verify-log-view" class={classes!(consistency.is_rewritten().then_some("load-error"))}>{ consistency.describe(lang) }</dd>
            }
            </>
        },
        (None, Some(kid)) => html! {
            <>
            <dt>{ lang.pick("服务器密钥指纹", "Server key fingerprint") }</dt>
            <dd><code class="fingerprint">{ envelope::fingerprint_groups(kid) }</code></dd>
            </>
        },
        (None, None) => Html::default(),
    }
}
