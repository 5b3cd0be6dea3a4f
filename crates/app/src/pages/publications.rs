//! The 信用承诺 column (`#/publications`, and the `<xinnuo-commitment-list>` widget): commitments made to
//! departments, with their state (在诺 / 已履诺 / 违诺 …), filtered by department, template, state and a
//! search in names and codes; each links to its public verification. No personal values: the server
//! publishes masks only.

use web_sys::{HtmlInputElement, HtmlSelectElement};
use xinnuo_core::template;
use yew::prelude::*;

use crate::api::{self, PublicationList, PublicationQuery};
use crate::i18n::Lang;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// A fixed department (a department's own website); `None`: chosen on the page.
    #[prop_or_default]
    pub department: Option<String>,
}

/// The states the column filters by: the core's lifecycle, its names and labels, then "any".
fn states() -> Vec<(&'static str, &'static str, &'static str)> {
    let mut states = vec![("", "全部状态", "any state")];
    states.extend(xinnuo_core::decision::CommitmentState::ALL.iter().map(|s| (s.as_str(), s.label_zh(), s.label_en())));
    states
}

/// Every department some template names, in template order, each once.
fn departments() -> Vec<template::StaticText> {
    let mut out: Vec<template::StaticText> = Vec::new();
    for t in template::index().iter().filter(|t| t.kind != template::TemplateKind::Repair) {
        for d in t.departments {
            if !out.iter().any(|known| known.zh == d.zh) {
                out.push(*d);
            }
        }
    }
    out
}

#[component]
pub fn PublicationsPage(props: &Props) -> Html {
    let lang = props.lang;
    let query = use_state(|| PublicationQuery {
        department: props.department.clone().unwrap_or_default(),
        page: 1,
        ..Default::default()
    });
    let typed = use_state(String::new);
    let loaded = use_state(|| None::<Result<PublicationList, String>>);
    {
        let loaded = loaded.clone();
        use_effect_with((*query).clone(), move |query| {
            let query = query.clone();
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(Some(api::publications(&query).await.map_err(|e| e.message(lang))));
            });
        });
    }
    let set = |edit: fn(&mut PublicationQuery, String)| {
        let query = query.clone();
        Callback::from(move |event: Event| {
            let mut next = (*query).clone();
            edit(&mut next, event.target_unchecked_into::<HtmlSelectElement>().value());
            next.page = 1;
            query.set(next);
        })
    };
    let on_typed = {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| typed.set(event.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_search = {
        let (query, typed) = (query.clone(), typed.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            query.set(PublicationQuery { q: (*typed).clone(), page: 1, ..(*query).clone() });
        })
    };
    let to_page = |page: u32| {
        let query = query.clone();
        Callback::from(move |_| query.set(PublicationQuery { page, ..(*query).clone() }))
    };
    let page = query.page;
    html! {
        <section class="card publications" aria-labelledby="publications-title">
            <h2 id="publications-title">{ lang.pick("信用承诺公示", "Credit commitments published") }
                if let Some(department) = &props.department { { format!(" · {department}") } }</h2>
            <p class="hint">{ lang.pick("公示承诺书及其履约状态；身份证号、电话等个人信息不公示。", "Commitments and whether they were kept; ID numbers, phones and other personal data are not published.") }</p>
            <form class="row" onsubmit={on_search}>
                if props.department.is_none() {
                    <select id="pub-department" aria-label={lang.pick("部门", "Department")} onchange={set(|q, v| q.department = v)}>
                        <option value="">{ lang.pick("全部部门", "any department") }</option>
                        { for departments().into_iter().map(|d| html! { <option value={d.zh} selected={query.department == d.zh}>{ d.get(lang) }</option> }) }
                    </select>
                }
                <select id="pub-template" aria-label={lang.pick("承诺书", "Template")} onchange={set(|q, v| q.template = v)}>
                    <option value="">{ lang.pick("全部承诺书", "any template") }</option>
                    { for template::index().iter().map(|t| html! { <option value={t.id} selected={query.template == t.id}>{ t.title.get(lang) }</option> }) }
                </select>
                <select id="pub-state" aria-label={lang.pick("状态", "State")} onchange={set(|q, v| q.state = v)}>
                    { for states().into_iter().map(|(value, zh, en)| html! { <option value={value} selected={query.state == value}>{ lang.pick(zh, en) }</option> }) }
                </select>
                <input id="pub-q" type="search" value={(*typed).clone()} oninput={on_typed}
                    placeholder={lang.pick("主体名称或统一社会信用代码", "name or credit code")} />
                <button type="submit" id="pub-search">{ lang.pick("查询", "Search") }</button>
            </form>
            { match &*loaded {
                None => html! { <p class="notice busy">{ lang.pick("正在加载…", "Loading…") }</p> },
                Some(Err(message)) => html! { <p class="notice no" role="alert">{ message }</p> },
                Some(Ok(list)) => html! {
                    <>
                    <p class="muted" id="pub-total">{ format!("{} {}", list.total, lang.pick("份承诺书", "commitments")) }</p>
                    <table class="results" id="publications">
                        <thead><tr>
                            <th>{ lang.pick("主体", "Subject") }</th><th>{ lang.pick("承诺书", "Commitment") }</th>
                            <th>{ lang.pick("部门", "Department") }</th><th>{ lang.pick("状态", "State") }</th>
                            <th>{ lang.pick("收到", "Received") }</th><th>{ lang.pick("核验", "Verify") }</th>
                        </tr></thead>
                        <tbody>{ for list.publications.iter().map(|p| html! {
                            <tr data-id={p.submission_id.clone()}>
                                <td class="subject">
                                    <span class="registry-name">{ p.registry_name.as_deref().unwrap_or(&p.subject_name) }</span><br /><code>{ &p.credit_code }</code>
                                    if p.registry_name.as_ref().is_some_and(|name| *name != p.subject_name) {
                                        <br /><small class="typed-name">{ lang.pick("承诺书所填名称：", "Name as signed: ") }{ &p.subject_name }</small>
                                    }
                                    if !p.signer_label_zh.is_empty() {
                                        <br /><small class="signer-standing">{ lang.pick(&p.signer_label_zh, &p.signer_label_en) }</small>
                                    }
                                </td>
                                <td>{ lang.pick(&p.title_zh, &p.title_en) }</td>
                                <td>{ &p.department_name }</td>
                                <td class="state">{ lang.pick(p.state.label_zh(), p.state.label_en()) }</td>
                                <td><crate::components::time::BeijingDate {lang} at={p.received_at.clone()} /></td>
                                <td><crate::route::AppLink to={Route::Verify(Some(p.submission_id.clone()))}>{ lang.pick("查看并核验", "view and verify") }</crate::route::AppLink></td>
                            </tr>
                        }) }</tbody>
                    </table>
                    <div class="row">
                        if page > 1 { <button type="button" id="pub-prev" onclick={to_page(page - 1)}>{ lang.pick("上一页", "Previous") }</button> }
                        if u64::from(page) * u64::from(list.per_page) < list.total {
                            <button type="button" id="pub-next" onclick={to_page(page + 1)}>{ lang.pick("下一页", "Next") }</button>
                        }
                    </div>
                    </>
                },
            } }
        </section>
    }
}
