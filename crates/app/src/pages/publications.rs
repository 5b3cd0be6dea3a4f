//! The 信用承诺 column (`#/publications`, and the `<xinnuo-commitment-list>` widget): commitments made to
//! departments, with their state (在诺 / 已履诺 / 违诺 …), filtered by department, template, state and a
//! search in names and codes; each links to its public verification. No personal values: the server
//! publishes masks only.
//!
//! What the filter boxes show is what the list is filtered by: the query is the core's
//! `PublicationQuery::applied` of what was chosen (a department, template or state the catalogue does not know
//! falls back to "all", said above the list), the boxes are set to it after every change, and only the answer
//! to the query shown now is listed (an earlier, slower answer never replaces it).

use web_sys::{HtmlInputElement, HtmlSelectElement};
use xinnuo_core::wire::UnknownFilter;
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

/// What a dropped filter is said as, above the list.
fn dropped_text(dropped: &UnknownFilter, lang: Lang) -> String {
    match (dropped, lang) {
        (UnknownFilter::Department(name), Lang::Zh) => format!("未找到部门“{name}”，显示全部部门的承诺书。"),
        (UnknownFilter::Department(name), Lang::En) => {
            format!("No department “{name}” is known: commitments to every department are shown.")
        }
        (UnknownFilter::Template(id), Lang::Zh) => format!("未找到承诺书模板“{id}”，显示全部承诺书。"),
        (UnknownFilter::Template(id), Lang::En) => {
            format!("No commitment template “{id}” is known: every template is shown.")
        }
        (UnknownFilter::State(state), Lang::Zh) => format!("未知状态“{state}”，显示全部状态。"),
        (UnknownFilter::State(state), Lang::En) => format!("Unknown state “{state}”: every state is shown."),
    }
}

/// The filter applied, in words: what the list shows.
fn applied_text(query: &PublicationQuery, lang: Lang) -> String {
    let department = PublicationQuery::departments()
        .into_iter()
        .find(|d| d.zh == query.department)
        .map_or(lang.pick("全部部门", "every department"), |d| d.get(lang));
    let template = PublicationQuery::templates()
        .find(|t| t.id == query.template)
        .map_or(lang.pick("全部承诺书", "every template"), |t| t.title.get(lang));
    let state = states()
        .into_iter()
        .find(|(value, _, _)| *value == query.state)
        .map_or(lang.pick("全部状态", "any state"), |(_, zh, en)| lang.pick(zh, en));
    let mut text = format!("{}{department} · {template} · {state}", lang.pick("当前显示：", "Showing: "));
    if !query.q.is_empty() {
        text += &match lang {
            Lang::Zh => format!(" · 搜索“{}”", query.q),
            Lang::En => format!(" · search “{}”", query.q),
        };
    }
    text
}

#[component]
pub fn PublicationsPage(props: &Props) -> Html {
    let lang = props.lang;
    // What was chosen; the list is filtered by its `applied()` form, and the boxes show that.
    let asked = use_state(|| PublicationQuery {
        department: props.department.clone().unwrap_or_default(),
        page: 1,
        ..Default::default()
    });
    let (query, dropped) = asked.applied();
    // A department's own site names its department; one the catalogue does not know shows every department,
    // with the box to choose one (and the box stays, whatever is chosen in it).
    let fixed_department = props.department.as_ref().is_some_and(|named| {
        let own = PublicationQuery { department: named.clone(), ..PublicationQuery::default() };
        !own.applied().0.department.is_empty()
    });
    let typed = use_state(String::new);
    // The answer with the query it answers: only the answer to the query shown now is listed.
    let loaded = use_state(|| None::<(PublicationQuery, Result<PublicationList, String>)>);
    let latest = use_mut_ref(PublicationQuery::default);
    {
        let (loaded, latest) = (loaded.clone(), latest.clone());
        use_effect_with(query.clone(), move |query| {
            *latest.borrow_mut() = query.clone();
            let query = query.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api::publications(&query).await.map_err(|e| e.message(lang));
                if *latest.borrow() == query {
                    loaded.set(Some((query, answer)));
                }
            });
        });
    }
    // The boxes show the filter applied, whatever the browser kept or restored in them.
    let department_box = use_node_ref();
    let template_box = use_node_ref();
    let state_box = use_node_ref();
    {
        let boxes = [department_box.clone(), template_box.clone(), state_box.clone()];
        let values = [query.department.clone(), query.template.clone(), query.state.clone()];
        use_effect_with(values, move |values| {
            for (node, value) in boxes.iter().zip(values) {
                if let Some(select) = node.cast::<HtmlSelectElement>() {
                    select.set_value(value);
                }
            }
        });
    }
    let set = |edit: fn(&mut PublicationQuery, String)| {
        let asked = asked.clone();
        Callback::from(move |event: Event| {
            let mut next = (*asked).clone();
            edit(&mut next, event.target_unchecked_into::<HtmlSelectElement>().value());
            next.page = 1;
            asked.set(next);
        })
    };
    let on_typed = {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| typed.set(event.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_search = {
        let (asked, typed) = (asked.clone(), typed.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            asked.set(PublicationQuery { q: (*typed).clone(), page: 1, ..(*asked).clone() });
        })
    };
    let to_page = |page: u32| {
        let asked = asked.clone();
        Callback::from(move |_| asked.set(PublicationQuery { page, ..(*asked).clone() }))
    };
    let page = query.page;
    let department_name = PublicationQuery::departments()
        .into_iter()
        .find(|d| d.zh == query.department)
        .map(|d| d.get(lang).to_owned())
        .unwrap_or_default();
    let shown = loaded.as_ref().filter(|(answered, _)| *answered == query).map(|(_, answer)| answer);
    html! {
        <section class="card publications" aria-labelledby="publications-title">
            <h2 id="publications-title">{ lang.pick("信用承诺公示", "Credit commitments published") }
                if fixed_department { { format!(" · {department_name}") } }</h2>
            <p class="hint">{ lang.pick("公示承诺书及其履约状态；身份证号、电话等个人信息不公示。", "Commitments and whether they were kept; ID numbers, phones and other personal data are not published.") }</p>
            <form class="row" onsubmit={on_search}>
                if !fixed_department {
                    <select id="pub-department" ref={department_box} aria-label={lang.pick("部门", "Department")} onchange={set(|q, v| q.department = v)}>
                        <option value="" selected={query.department.is_empty()}>{ lang.pick("全部部门", "any department") }</option>
                        { for PublicationQuery::departments().into_iter().map(|d| html! { <option value={d.zh} selected={query.department == d.zh}>{ d.get(lang) }</option> }) }
                    </select>
                }
                <select id="pub-template" ref={template_box} aria-label={lang.pick("承诺书", "Template")} onchange={set(|q, v| q.template = v)}>
                    <option value="" selected={query.template.is_empty()}>{ lang.pick("全部承诺书", "any template") }</option>
                    { for PublicationQuery::templates().map(|t| html! { <option value={t.id} selected={query.template == t.id}>{ t.title.get(lang) }</option> }) }
                </select>
                <select id="pub-state" ref={state_box} aria-label={lang.pick("状态", "State")} onchange={set(|q, v| q.state = v)}>
                    { for states().into_iter().map(|(value, zh, en)| html! { <option value={value} selected={query.state == value}>{ lang.pick(zh, en) }</option> }) }
                </select>
                <input id="pub-q" type="search" value={(*typed).clone()} oninput={on_typed}
                    placeholder={lang.pick("主体名称或统一社会信用代码", "name or credit code")} />
                <button type="submit" id="pub-search">{ lang.pick("查询", "Search") }</button>
            </form>
            if !dropped.is_empty() {
                <p class="notice warn" id="pub-dropped" role="status">
                    { for dropped.iter().map(|d| html! { <span>{ dropped_text(d, lang) }</span> }) }
                </p>
            }
            <p class="muted" id="pub-applied">{ applied_text(&query, lang) }</p>
            { match shown {
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
                        <tbody>{ for list.publications.iter().map(|p| {
                            let (state_zh, state_en) = p.public_state_label();
                            html! {
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
                                <td class="department">{ crate::i18n::departments(lang, &p.departments) }</td>
                                <td class="state">{ lang.pick(state_zh, state_en) }
                                    if let Some(decision) = &p.finding_overturned_by {
                                        <br /><small class="overturned">
                                            { lang.pick("企业提出异议，经核实异议成立，违诺记录已撤销。", "The enterprise objected; the objection was upheld and the breach record removed. ") }
                                            <crate::route::AppLink to={Route::Decision(decision.clone())} class="decision-link">{ lang.pick("查看决定书", "Open the decision") }</crate::route::AppLink>
                                        </small>
                                    }
                                </td>
                                <td><crate::components::time::BeijingDate {lang} at={p.received_at.clone()} /></td>
                                <td><crate::route::AppLink to={Route::Verify(Some(p.submission_id.clone()))}>{ lang.pick("查看并核验", "view and verify") }</crate::route::AppLink></td>
                            </tr>
                        } }) }</tbody>
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
