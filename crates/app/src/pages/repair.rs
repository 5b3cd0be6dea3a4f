//! The last step of the repair wizard: the 信用修复承诺书 prefilled from the record, signed and sent as a
//! repair application. The server accepts it only when the core finds the record repairable.

use xinnuo_core::commitment::Filled;
use xinnuo_core::repair::{self, application};
use yew::prelude::*;

use crate::api;
use crate::browser::today_china;
use crate::i18n::Lang;
use crate::pages::commit::CommitPage;
use crate::route::Route;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub code: String,
    pub record_id: String,
}

#[component]
pub fn RepairPage(props: &Props) -> Html {
    let lang = props.lang;
    let loaded = use_state(|| None::<Result<api::SubjectView, String>>);
    {
        let loaded = loaded.clone();
        use_effect_with(props.code.clone(), move |code| {
            let code = code.clone();
            wasm_bindgen_futures::spawn_local(async move {
                loaded.set(Some(api::get_subject(&code).await.map_err(|e| e.message(lang))));
            });
        });
    }
    let back = html! { <p><a href={Route::Status(Some(props.code.clone())).href()}>{ lang.pick("← 返回信用状况", "← Back to the status page") }</a></p> };
    let view = match &*loaded {
        None => return html! { <p class="notice busy">{ lang.pick("正在加载…", "Loading…") }</p> },
        Some(Err(message)) => {
            return html! { <section class="card">{ back }<p class="notice no" role="alert">{ message }</p></section> }
        }
        Some(Ok(view)) => view,
    };
    let profile = &view.profile;
    let Some(record) = profile.records.iter().find(|r| r.id == props.record_id) else {
        return html! { <section class="card">{ back }<p class="notice no" role="alert">{ lang.pick("没有这条记录。", "No such record.") }</p></section> };
    };
    let Some(today) = today_china() else { return html! {} };
    let evaluation = repair::evaluate(record, &profile.records, today);
    let prefill = Filled {
        template_id: application::REPAIR_TEMPLATE_ID.into(),
        template_version: None,
        values: application::prefilled_values(profile, record),
        department: None,
    };
    html! {
        <>
        <section class="card" aria-labelledby="repair-title">
            { back }
            <h2 id="repair-title">{ lang.pick("信用修复申请", "Credit-repair application") }</h2>
            <p>{ format!("{} · {} · {}", profile.name, record.decision_no, record.authority) }</p>
            { match &evaluation {
                Ok(ev) => html! {
                    <>
                    <p class={classes!("verdict", if ev.eligible_now { "ok" } else { "no" })} id="repair-eligibility">{ ev.outcome_label.get(lang) }</p>
                    // The rule (article) that decided it, as on the status page.
                    <p class="verdict-source" id="repair-eligibility-source">{ crate::components::repair_panel::answer_source(ev.outcome_rule, lang) }</p>
                    </>
                },
                Err(error) => html! { <p class="notice no">{ error.to_string() }</p> },
            } }
            <p class="hint">{ lang.pick("承诺书已按记录预先填写；请补全其余项目，签名后提交修复申请。", "The commitment is prefilled from the record; complete the rest, sign and submit the application.") }</p>
        </section>
        <CommitPage key={format!("repair-{}", record.id)} {lang} prefill={Some(prefill)} repair={true}
            draft_id={Some(format!("repair-{}-{}", profile.credit_code, record.id))} />
        </>
    }
}
