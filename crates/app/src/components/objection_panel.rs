//! Objections (异议) to one record on the subject's page: where an objection stands ("异议处理中" until the
//! record's authority decides, with its deadline; the reasons once decided), and for the enterprise the form
//! to object — the grounds, signed with a key of this browser that a department approved for the code.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use xinnuo_core::decision::ObjectionState;
use xinnuo_core::envelope::{self, Signer};
use xinnuo_core::objection;
use yew::prelude::*;

use crate::api::{self, PublicObjection};
use crate::browser::{now_iso, random};
use crate::i18n::Lang;
use crate::storage::keys as key_store;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub credit_code: String,
    pub record_id: String,
    /// This record's objections, oldest first.
    pub objections: Vec<PublicObjection>,
    /// Called after an objection was received, to reload the page's data.
    pub on_sent: Callback<()>,
}

async fn sign_and_send(code: &str, record_id: &str, grounds: &str, kid: &str, passphrase: &str) -> Result<(), String> {
    let file =
        key_store::load().into_iter().find(|f| f.kid == kid).ok_or("未找到所选密钥 / the chosen key is missing")?;
    let seed = crate::pages::keys::unlock(&file, passphrase).await?;
    let nonce = random::<16>()?;
    let jws = objection::sign(code, record_id, grounds, &now_iso(), &nonce, &Signer::from_seed(&seed))
        .map_err(|e| e.to_string())?;
    api::post_objection(&jws.to_json())
        .await
        .map(|_| ())
        .map_err(|e| format!("{} / {}", e.message(Lang::Zh), e.message(Lang::En)))
}

#[component]
pub fn ObjectionPanel(props: &Props) -> Html {
    let lang = props.lang;
    let open = use_state(|| false);
    let grounds = use_state(String::new);
    let keys = use_state(key_store::load);
    let kid = use_state(|| key_store::load().first().map(|k| k.kid.clone()).unwrap_or_default());
    let passphrase = use_state(String::new);
    let notice = use_state(|| None::<Result<String, String>>);
    let latest = props.objections.last();
    let under_review = latest.is_some_and(|o| o.state == ObjectionState::UnderReview);
    let status = latest.map(|o| {
        let mut line = lang.pick(o.state.label_zh(), o.state.label_en()).to_owned();
        if !o.reason.is_empty() {
            line += &format!("{}{}", lang.pick("：", ": "), o.reason);
        }
        if let Some(deadline) = o.deadline.as_ref().filter(|_| o.state == ObjectionState::UnderReview) {
            line += &format!(" · {}", deadline.describe(lang == Lang::Zh));
        }
        line
    });
    let on_submit = {
        let (code, record_id, on_sent) = (props.credit_code.clone(), props.record_id.clone(), props.on_sent.clone());
        let (grounds, kid, passphrase, notice, open) =
            (grounds.clone(), kid.clone(), passphrase.clone(), notice.clone(), open.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            notice.set(Some(Ok(lang.pick("正在签名并提交…", "Signing and sending…").to_owned())));
            let (code, record_id, on_sent) = (code.clone(), record_id.clone(), on_sent.clone());
            let (text, key, pass, notice, open) =
                ((*grounds).clone(), (*kid).clone(), (*passphrase).clone(), notice.clone(), open.clone());
            passphrase.set(String::new());
            wasm_bindgen_futures::spawn_local(async move {
                match sign_and_send(&code, &record_id, &text, &key, &pass).await {
                    Ok(()) => {
                        notice.set(Some(Ok(lang
                            .pick("异议已提交，等待认定单位处理。", "Objection sent; the authority will decide it.")
                            .to_owned())));
                        open.set(false);
                        on_sent.emit(());
                    }
                    Err(error) => notice.set(Some(Err(lang.half(&error)))),
                }
            });
        })
    };
    let field = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |event: InputEvent| state.set(event.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_grounds = {
        let grounds = grounds.clone();
        Callback::from(move |event: InputEvent| {
            grounds.set(event.target_unchecked_into::<HtmlTextAreaElement>().value())
        })
    };
    let on_key = {
        let kid = kid.clone();
        Callback::from(move |event: Event| kid.set(event.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    html! {
        <div class="objection-panel" data-record={props.record_id.clone()}>
            if let Some(line) = status {
                <p class={classes!("notice", "objection-state", under_review.then_some("warn"))} role="status">{ format!("{}{line}", lang.pick("异议：", "Objection: ")) }</p>
            }
            if !under_review && !keys.is_empty() {
                <button type="button" class="object" onclick={toggle}>{ lang.pick("对这条记录提出异议", "Object to this record") }</button>
            }
            if *open && !under_review {
                <form class="objection-form" onsubmit={on_submit}>
                    <label>{ lang.pick("异议理由（至少 10 个字；请写明依据，例如复议或诉讼结果）", "Grounds (at least 10 characters; say what shows the record is wrong)") }
                        <textarea class="objection-grounds" rows="3" value={(*grounds).clone()} oninput={on_grounds} /></label>
                    <label>{ lang.pick("签名密钥（须已由部门核验）", "Signing key (approved by a department)") }
                        <select class="objection-key" onchange={on_key}>
                            { for keys.iter().map(|k| html! { <option value={k.kid.clone()} selected={k.kid == *kid}>{ envelope::fingerprint_groups(&k.kid) }</option> }) }
                        </select></label>
                    <label>{ lang.pick("密钥口令", "Key passphrase") }
                        <input class="objection-pass" type="password" autocomplete="current-password" value={(*passphrase).clone()} oninput={field(&passphrase)} /></label>
                    <div class="row"><button type="submit" class="primary objection-submit">{ lang.pick("签名并提出异议", "Sign and object") }</button></div>
                </form>
            }
            { match &*notice {
                Some(Ok(text)) => html! { <p class="notice ok objection-notice" aria-live="polite">{ text }</p> },
                Some(Err(text)) => html! { <p class="notice no objection-notice" role="alert">{ text }</p> },
                None => html! {},
            } }
        </div>
    }
}
