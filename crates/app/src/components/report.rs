//! A credit report as a document: its heading, number and dates, then the sections of the national
//! 公共信用信息报告, and the 说明. Shown by `#/report/<code>` (with its QR code, to print) and by the verify
//! page (a report someone handed over). Chinese is the document's language; the screen's labels follow the
//! chosen one.

use xinnuo_core::report::{CreditReport, ReportRecord};
use yew::prelude::*;

use crate::components::time::beijing;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub report: CreditReport,
    /// The QR code that opens its verification (the printable page's), repeated on every printed page.
    #[prop_or_default]
    pub qr: Html,
    /// The server key's fingerprint that signed it, as verified.
    pub signed_by: String,
}

fn records(lang: Lang, id: &str, title_zh: &str, title_en: &str, list: &[ReportRecord]) -> Html {
    html! {
        <section class="report-section" id={id.to_owned()}>
            <h3>{ lang.pick(title_zh, title_en) }</h3>
            if list.is_empty() {
                <p class="report-none">{ lang.pick("无", "None") }</p>
            } else {
                <table class="report-table">
                    <thead><tr>
                        <th>{ lang.pick("类别", "Kind") }</th><th>{ lang.pick("文号", "Document no.") }</th>
                        <th>{ lang.pick("认定机关", "Authority") }</th><th>{ lang.pick("决定日期", "Decided") }</th>
                        <th>{ lang.pick("内容", "Summary") }</th><th>{ lang.pick("公示截止", "Published until") }</th>
                    </tr></thead>
                    <tbody>
                    { for list.iter().map(|r| html! {
                        <tr data-record={r.id.clone()}>
                            <td>{ lang.pick(r.kind.label_zh(), r.kind.label_en()) }{ r.class.map(|c| crate::i18n::bracketed(lang, lang.pick(c.label_zh(), c.label_en()))).unwrap_or_default() }</td>
                            <td>{ crate::i18n::chinese_only(lang, &r.decision_no) }</td><td>{ crate::i18n::chinese_only(lang, &crate::i18n::department(lang, &r.authority)) }</td><td>{ r.decided_on.to_string() }</td>
                            <td>{ crate::i18n::chinese_only(lang, &r.summary) }</td>
                            <td>{ r.publication_end_text(lang) }</td>
                        </tr>
                    }) }
                    </tbody>
                </table>
            }
        </section>
    }
}

#[component]
pub fn ReportDocument(props: &Props) -> Html {
    let lang = props.lang;
    let report = &props.report;
    let c = &report.content;
    html! {
        <article class="print-page report-document" id="report-document" lang="zh-CN">
            <div class="report-qr">{ props.qr.clone() }<div class="report-qr-no">{ &report.report_no }</div></div>
            <h1 class="print-title">{ lang.pick("信用报告", "Credit report") }</h1>
            <dl class="report-facts">
                <dt>{ lang.pick("报告编号", "Report no.") }</dt><dd id="report-no"><code>{ &report.report_no }</code></dd>
                <dt>{ lang.pick("主体名称", "Subject") }</dt><dd id="report-subject">{ &c.name }</dd>
                <dt>{ lang.pick("统一社会信用代码", "Credit code") }</dt><dd id="report-code"><code>{ &c.credit_code }</code></dd>
                <dt>{ lang.pick("信息截至", "Information as of") }</dt><dd id="report-as-of">{ c.as_of.to_string() }</dd>
                <dt>{ lang.pick("出具时间", "Made") }</dt><dd id="report-made">{ beijing(&report.made_at, lang) }</dd>
                <dt>{ lang.pick("出具方", "Made by") }</dt><dd>{ &report.maker }</dd>
                <dt>{ lang.pick("签名密钥指纹", "Signing key") }</dt><dd><code class="fingerprint">{ &props.signed_by }</code></dd>
            </dl>
            <section class="report-section" id="report-basic">
                <h3>{ lang.pick("一、基础信息", "1. Basic information") }</h3>
                <p>{ format!("{}　{}", c.name, c.credit_code) }{ if c.demo { lang.pick("（示例数据）", " (demo data)") } else { "" } }</p>
            </section>
            { records(lang, "report-penalties", "二、行政管理信息：行政处罚", "2. Administrative information: penalties", &c.penalties) }
            { records(lang, "report-serious", "三、严重失信主体名单", "3. Serious dishonesty lists", &c.serious_lists) }
            { records(lang, "report-abnormal", "四、经营异常名录", "4. Abnormal-operation list", &c.abnormal_lists) }
            { records(lang, "report-other", "五、其他失信信息", "5. Other dishonesty information", &c.other_records) }
            { records(lang, "report-red", "六、守信激励信息", "6. Rewards for trustworthiness", &c.red_lists) }
            <section class="report-section" id="report-commitments">
                <h3>{ lang.pick("七、信用承诺及履约情况", "7. Credit commitments and whether they were kept") }</h3>
                if c.commitments.is_empty() {
                    <p class="report-none">{ lang.pick("无", "None") }</p>
                } else {
                    <table class="report-table">
                        <thead><tr>
                            <th>{ lang.pick("承诺书", "Commitment") }</th><th>{ lang.pick("类型", "Kind") }</th>
                            <th>{ lang.pick("承诺对象部门", "Department") }</th><th>{ lang.pick("收到日期", "Received") }</th>
                            <th>{ lang.pick("履约状态", "State") }</th>
                        </tr></thead>
                        <tbody>
                        { for c.commitments.iter().map(|m| html! {
                            <tr data-commitment={m.submission_id.clone()}>
                                <td>{ &m.title }</td><td>{ m.class.label(lang) }</td><td>{ &m.department }</td>
                                <td>{ m.received_on.to_string() }</td><td>{ { let (zh, en) = m.state_label(); lang.pick(zh, en) } }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                }
            </section>
            <section class="report-section" id="report-evaluation">
                <h3>{ lang.pick("八、信用评价", "8. Credit evaluations") }</h3>
                <ul>
                    { for c.grades.iter().map(|g| {
                        let authority = crate::i18n::department(lang, &g.authority);
                        match lang {
                            Lang::Zh => html! { <li>{ format!("{authority} {} 年度：{}（{authority}；来源：{}）", g.year, g.grade, g.source) }</li> },
                            Lang::En => html! { <li>{ crate::i18n::chinese_only(lang, &authority) }{ format!(", {}: {} (source: ", g.year, g.grade) }{ crate::i18n::chinese_only(lang, &g.source) }{ ")" }</li> },
                        }
                    }) }
                    if let Some(tier) = &c.tier {
                        <li id="report-tier">{ format!("{}{}{}", lang.pick("汇总等级：", "Summary tier: "), tier.name.get(lang), crate::i18n::bracketed(lang, tier.label.get(lang))) }</li>
                    }
                </ul>
            </section>
            <section class="report-section" id="report-repairs">
                <h3>{ lang.pick("九、信用修复与异议", "9. Credit repair and objections") }</h3>
                if c.repairs.is_empty() && c.objections.is_empty() {
                    <p class="report-none">{ lang.pick("无", "None") }</p>
                }
                <ul>
                    { for c.repairs.iter().map(|r| html! { <li>{ format!("{}{}：{}{}", lang.pick("信用修复申请，记录 ", "Repair application, record "), r.record_id, lang.pick(r.state.label_zh(), r.state.label_en()), r.received_on.map(|d| crate::i18n::bracketed(lang, &d.to_string())).unwrap_or_default()) }</li> }) }
                    { for c.objections.iter().map(|o| html! { <li>{ format!("{}{}：{}{}", lang.pick("异议，记录 ", "Objection, record "), o.record_id, lang.pick(o.state.label_zh(), o.state.label_en()), o.decided_on.or(o.received_on).map(|d| crate::i18n::bracketed(lang, &d.to_string())).unwrap_or_default()) }</li> }) }
                </ul>
            </section>
            <section class="report-section" id="report-notes">
                <h3>{ lang.pick("十、说明", "10. Notes") }</h3>
                <ol>
                    { for c.notes.iter().map(|n| html! { <li>{ n.text.get(lang) }{ if n.rules.is_empty() { String::new() } else { format!(" [{}]", n.rules.join("、")) } }</li> }) }
                </ol>
            </section>
        </article>
    }
}
