//! Credit status: search subjects; a subject's summary tier (labelled 本工具汇总，非官方评级) with its
//! measures and sources, official grades as issued, lists and records with publication end dates, and the
//! repair wizard for each record. The tier and every evaluation are computed here by the core.

use web_sys::HtmlInputElement;
use xinnuo_core::decision::ObjectionState;
use xinnuo_core::repair;
use xinnuo_core::status::GradeScheme;
use xinnuo_core::tier::{self, Tier};
use yew::prelude::*;

use crate::api::{self, SubjectList, SubjectView};
use crate::browser::today_china;
use crate::components::objection_panel::ObjectionPanel;
use crate::components::repair_panel::RepairPanel;
use crate::i18n::Lang;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub code: Option<String>,
}

/// The badge's style: `tier-trustworthy` and so on (styles.css).
fn tier_class(tier: Tier) -> String {
    format!("tier-{}", tier.as_str())
}

#[component]
pub fn StatusPage(props: &Props) -> Html {
    match &props.code {
        Some(code) => html! { <SubjectPage lang={props.lang} code={code.clone()} /> },
        None => html! { <SearchPage lang={props.lang} /> },
    }
}

#[derive(Properties, PartialEq)]
struct SearchProps {
    lang: Lang,
}

#[component]
fn SearchPage(props: &SearchProps) -> Html {
    let lang = props.lang;
    let query = use_state(String::new);
    let results = use_state(|| None::<Result<SubjectList, String>>);
    let run = {
        let results = results.clone();
        move |q: String| {
            let results = results.clone();
            wasm_bindgen_futures::spawn_local(async move {
                results.set(Some(api::search_subjects(&q, 1).await.map_err(|e| e.message(lang))));
            });
        }
    };
    {
        let run = run.clone();
        use_effect_with((), move |_| run(String::new()));
    }
    let on_input = {
        let query = query.clone();
        Callback::from(move |e: InputEvent| query.set(e.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_submit = {
        let query = query.clone();
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            run((*query).clone());
        })
    };
    html! {
        <section class="card" aria-labelledby="status-title">
            <h2 id="status-title">{ lang.pick("信用状况查询", "Credit status") }</h2>
            <form class="row" onsubmit={on_submit} role="search">
                <label for="subject-query">{ lang.pick("企业名称或统一社会信用代码", "Name or credit code") }</label>
                <input id="subject-query" value={(*query).clone()} oninput={on_input} />
                <button type="submit" class="primary">{ lang.pick("查询", "Search") }</button>
            </form>
            { match &*results {
                None => html! { <p class="notice busy">{ lang.pick("正在加载…", "Loading…") }</p> },
                Some(Err(message)) => html! { <p class="notice no" role="alert">{ message }</p> },
                Some(Ok(list)) if list.subjects.is_empty() => html! { <p id="no-subjects">{ lang.pick("没有找到匹配的主体。", "No matching subject.") }</p> },
                Some(Ok(list)) => html! {
                    <>
                    <p class="muted">{ format!("{} {}", list.total, lang.pick("个主体", "subjects")) }</p>
                    <table class="results subjects" id="subject-list">
                        <thead><tr><th>{ lang.pick("名称", "Name") }</th><th>{ lang.pick("统一社会信用代码", "Credit code") }</th><th>{ lang.pick("汇总分级", "Summary tier") }</th></tr></thead>
                        <tbody>
                        { for list.subjects.iter().map(|s| html! {
                            <tr>
                                <td><a href={Route::Status(Some(s.credit_code.clone())).href()}>{ s.name.clone() }</a>
                                    if s.demo { <span class="demo-badge">{ lang.pick("示例", "demo") }</span> }
                                    if let Some(situation) = &s.situation { <div class="muted small situation">{ demo_situation(lang, situation, s.situation_en.as_deref()) }</div> }
                                </td>
                                <td><code>{ s.credit_code.clone() }</code></td>
                                <td>{ s.tier.map(|t| html! { <span class={classes!("tier-badge", tier_class(t))}>{ t.name().get(lang).to_owned() }</span> }).unwrap_or_default() }</td>
                            </tr>
                        }) }
                        </tbody>
                    </table>
                    </>
                },
            } }
        </section>
    }
}

#[derive(Properties, PartialEq)]
pub struct SubjectProps {
    pub lang: Lang,
    pub code: String,
}

/// One subject's status (also the `<xinnuo-status>` widget).
#[component]
pub fn SubjectPage(props: &SubjectProps) -> Html {
    let lang = props.lang;
    let tl = lang;
    let loaded = use_state(|| None::<Result<SubjectView, String>>);
    // Bumped to load the subject again (after an objection was sent).
    let generation = use_state(|| 0u32);
    {
        let loaded = loaded.clone();
        use_effect_with((props.code.clone(), *generation), move |(code, _)| {
            let code = code.clone();
            loaded.set(None);
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(Some(api::get_subject(&code).await.map_err(|e| e.message(lang))));
            });
        });
    }
    let view = match &*loaded {
        None => return html! { <p class="notice busy">{ lang.pick("正在加载…", "Loading…") }</p> },
        Some(Err(message)) => {
            let back = (!crate::route::is_embedded()).then(|| html! { <crate::route::AppLink to={Route::Status(None)}>{ lang.pick("返回查询", "Back to search") }</crate::route::AppLink> });
            return html! { <section class="card"><p class="notice no" role="alert">{ message }</p>{ back }</section> };
        }
        Some(Ok(view)) => view,
    };
    let Some(today) = today_china() else { return html! {} };
    let profile = &view.profile;
    let applications = &view.repair_applications;
    let reload = {
        let generation = generation.clone();
        Callback::from(move |_: ()| generation.set(*generation + 1))
    };
    let summary = tier::summarize(profile, today);
    let mut records: Vec<_> = profile.records.iter().filter(|r| r.decided_on <= today).collect();
    records.sort_by_key(|r| std::cmp::Reverse(r.decided_on));
    html! {
        <>
        <section class="card subject" aria-labelledby="subject-name">
            // In the status widget the department's page chose the enterprise: no search to go back to (a
            // link would open the app in a new tab).
            if !crate::route::is_embedded() {
                <p><crate::route::AppLink to={Route::Status(None)} id="back-to-search">{ lang.pick("← 返回查询", "← Back to search") }</crate::route::AppLink></p>
            }
            <h2 id="subject-name">{ profile.name.clone() }
                if profile.demo { <span class="demo-badge">{ lang.pick("示例数据", "demo data") }</span> }
            </h2>
            <p><code id="subject-code">{ profile.credit_code.clone() }</code></p>
            // A document to hand on (procurement, tendering, approvals): issued and signed by the server. Not on a
            // static copy, which has no server to sign it.
            if matches!(crate::api::data_source(), crate::api::DataSource::Api) {
                <p class="no-print"><crate::route::AppLink to={Route::Report(profile.credit_code.clone())} id="make-report" class="button">{ lang.pick("生成信用报告", "Make a credit report") }</crate::route::AppLink></p>
            }
            if let Some(situation) = &view.situation { <p class="muted" id="subject-situation">{ demo_situation(lang, situation, view.situation_en.as_deref()) }</p> }
            <div class={classes!("tier", tier_class(summary.tier))} id="tier">
                <span class={classes!("tier-badge", tier_class(summary.tier))} id="tier-name">{ summary.name.get(tl) }</span>
                <span class="tier-label" id="tier-label">{ summary.label.get(tl) }</span>
                <p class="muted">{ summary.criteria.get(tl) }{ crate::i18n::bracketed(lang, &format!("{} {}", lang.pick("评估日期", "as of"), summary.on)) }</p>
                if !summary.reasons.is_empty() {
                    <ul id="tier-reasons">{ for summary.reasons.iter().map(|r| html! { <li>{ r.message.get(tl) }</li> }) }</ul>
                }
                <h3>{ lang.pick("通常适用的措施", "Typical measures") }</h3>
                <ul class="measures">
                    { for summary.measures.iter().map(|m| html! { <li>{ m.text.get(tl) }{ " " }<span class="rule-source">{ lang.pick("依据：", "Source: ") }{ crate::i18n::chinese_only(lang, &m.source) }</span></li> }) }
                </ul>
            </div>
        </section>
        <section class="card" aria-labelledby="grades-title">
            <h2 id="grades-title">{ lang.pick("官方评级（按发布原样显示）", "Official grades (as issued)") }</h2>
            if profile.grades.is_empty() {
                <p class="muted">{ lang.pick("没有官方评级记录。", "No official grade on record.") }</p>
            } else {
                <table class="results" id="grades">
                    <thead><tr><th>{ lang.pick("评级", "Scheme") }</th><th>{ lang.pick("结果", "Grade") }</th><th>{ lang.pick("年度", "Year") }</th><th>{ lang.pick("评定机关 / 来源", "Authority / source") }</th></tr></thead>
                    <tbody>{ for profile.grades.iter().map(|g| html! {
                        <tr>
                            <td>{ match g.scheme { GradeScheme::TaxCredit => lang.pick("纳税信用", "Tax credit"), GradeScheme::Customs => lang.pick("海关信用", "Customs credit"), GradeScheme::Other => lang.pick("其他", "Other") } }</td>
                            <td><strong>{ g.grade.clone() }</strong></td><td>{ g.year }</td><td>{ crate::i18n::chinese_only(lang, &crate::i18n::department(lang, &g.authority)) }{ crate::i18n::separator(lang) }{ crate::i18n::chinese_only(lang, &g.source) }</td>
                        </tr>
                    }) }</tbody>
                </table>
            }
        </section>
        <section class="card" aria-labelledby="records-title">
            <h2 id="records-title">{ lang.pick("记录与信用修复", "Records and credit repair") }</h2>
            if records.is_empty() { <p class="muted" id="no-records">{ lang.pick("没有失信或守信记录。", "No records.") }</p> }
            // An upheld objection took its record off this page: say so, with the authority's decision.
            { for view.objections.iter().filter(|o| o.state == ObjectionState::Upheld && !records.iter().any(|r| r.id == o.record_id)).map(|o| html! {
                <p class="notice ok objection-upheld" data-record={o.record_id.clone()}>
                    { match lang {
                        Lang::Zh => format!("异议成立：记录 {} 经核实已更正，不再公示", o.record_id),
                        Lang::En => format!("Objection upheld: record {} was corrected and is no longer published", o.record_id),
                    } }
                    { o.decided_at.as_deref().map(|at| crate::i18n::bracketed(lang, &crate::components::time::beijing(at, lang))).unwrap_or_default() }
                    if !o.reason.is_empty() { { format!("{}{}", lang.pick("。理由：", ". Reason: "), o.reason) } }
                    if let Some(decision) = &o.decision_id {
                        { " " }<crate::route::AppLink to={Route::Decision(decision.clone())} class="decision-link">{ lang.pick("查看决定书", "Open the decision") }</crate::route::AppLink>
                    }
                </p>
            }) }
            { for records.iter().map(|record| {
                let evaluation = repair::evaluate(record, &profile.records, today);
                let objections: Vec<_> = view.objections.iter().filter(|o| o.record_id == record.id).cloned().collect();
                let contested = objections.last().is_some_and(|o| o.state == ObjectionState::UnderReview);
                html! {
                    <article class="record" id={format!("record-{}", record.id)}>
                        <h3>{ format!("{} · ", lang.pick(record.kind.label_zh(), record.kind.label_en())) }{ crate::i18n::chinese_only(lang, &record.decision_no) }
                            if contested { <span class="badge contested">{ lang.pick("异议处理中", "objection under review") }</span> }
                        </h3>
                        <p class="muted">{ crate::i18n::chinese_only(lang, &crate::i18n::department(lang, &record.authority)) }{ format!(" · {} {}", lang.pick("决定日期", "decided"), record.decided_on) }
                            if let Some(class) = record.class { { format!(" · {}", lang.pick(class.label_zh(), class.label_en())) } }
                        </p>
                        if !record.summary.is_empty() { <p>{ crate::i18n::chinese_only(lang, &record.summary) }</p> }
                        // The facts the repair rules read (the term, procedure, lower fine, province…), from the core.
                        { {
                            let facts = record.rule_facts(lang);
                            if facts.is_empty() { html! {} } else { html! { <p class="muted record-facts">{ facts.join(" · ") }</p> } }
                        } }
                        { match evaluation {
                            Ok(evaluation) => {
                                let application = applications.iter().rev().find(|a| a.record_id == record.id).cloned();
                                html! { <RepairPanel {lang} credit_code={profile.credit_code.clone()} record={(*record).clone()} {evaluation} {application} /> }
                            }
                            Err(error) => html! { <p class="notice no">{ error.to_string() }</p> },
                        } }
                        // Objections go to the server; a static site shows none and takes none.
                        if crate::api::data_source() == crate::api::DataSource::Api {
                            <ObjectionPanel {lang} credit_code={profile.credit_code.clone()} record_id={record.id.clone()}
                                objections={objections} on_sent={reload.clone()} />
                        }
                    </article>
                }
            }) }
        </section>
        </>
    }
}

/// A demo subject's situation in the page's language: an English page shows its English line, or, for a
/// subject whose data gives none, says the line is in Chinese and quotes it.
fn demo_situation(lang: Lang, situation: &str, situation_en: Option<&str>) -> Html {
    match (lang, situation_en) {
        (Lang::Zh, _) => html! { { situation.to_owned() } },
        (Lang::En, Some(english)) => html! { { english.to_owned() } },
        (Lang::En, None) => {
            html! { <>{ "Demo situation (in Chinese): " }{ crate::i18n::chinese_only(lang, situation) }</> }
        }
    }
}
