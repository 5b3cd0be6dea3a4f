//! The department console (`#/dept`): an officer signs in with a key from this browser's key ring (by
//! signing the server's challenge), sees the department's commitments with their personal values, and
//! decides — accept or return what was submitted, find what is in force kept or broken — each decision
//! signed here with the officer's key. The passphrase unlocks the key once per sign-in; the unlocked key
//! stays in memory until sign-out or the page closes.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use xinnuo_core::decision::{self, Action, CommitmentState};
use xinnuo_core::envelope::{self, Signer};
use xinnuo_core::{commitment, session};
use yew::prelude::*;

use crate::api::{self, DeptItem, OfficerSession};
use crate::browser::{now_iso, random};
use crate::components::field_input::text_lang;
use crate::i18n::Lang;
use crate::storage::keys as key_store;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

async fn sign_in(kid: &str, passphrase: &str) -> Result<(OfficerSession, Signer), String> {
    let file =
        key_store::load().into_iter().find(|f| f.kid == kid).ok_or("未找到所选密钥 / the chosen key is missing")?;
    let seed = crate::pages::keys::unlock(&file, passphrase).await?;
    let signer = Signer::from_seed(&seed);
    let challenge = api::officer_challenge().await.map_err(|e| e.message(Lang::Zh))?;
    let jws = session::sign(&challenge, &now_iso(), &signer).map_err(|e| e.to_string())?;
    let session = api::officer_sign_in(&jws.to_json()).await.map_err(|e| e.message(Lang::Zh))?;
    Ok((session, signer))
}

/// Signs a decision with the unlocked key (synchronously: the key is never held across a wait).
fn sign_decision(signer: &Signer, action: Action, target: &str, reason: &str) -> Result<String, String> {
    let nonce = random::<16>()?;
    let jws = decision::sign(action, target, reason, &now_iso(), &nonce, signer).map_err(|e| e.to_string())?;
    Ok(jws.to_json())
}

/// The actions open to a commitment in `state`.
fn actions_for(state: CommitmentState) -> &'static [Action] {
    match state {
        CommitmentState::Submitted => &[Action::Accept, Action::Return],
        CommitmentState::InForce => &[Action::Kept, Action::Broken],
        _ => &[],
    }
}

#[component]
pub fn DeptPage(props: &Props) -> Html {
    let lang = props.lang;
    let keys = use_state(key_store::load);
    let kid = use_state(|| key_store::load().first().map(|k| k.kid.clone()).unwrap_or_default());
    let passphrase = use_state(String::new);
    let session = use_state(|| None::<OfficerSession>);
    let signer: Rc<RefCell<Option<Signer>>> = use_mut_ref(|| None);
    let filter = use_state(|| "submitted".to_owned());
    let items = use_state(Vec::<DeptItem>::new);
    let reasons = use_state(BTreeMap::<String, String>::new);
    let notice = use_state(|| None::<Result<String, String>>);

    let reload = {
        let (session, filter, items, notice) = (session.clone(), filter.clone(), items.clone(), notice.clone());
        Callback::from(move |_: ()| {
            let Some(token) = session.as_ref().map(|s| s.token.clone()) else { return };
            let (state, items, notice) = ((*filter).clone(), items.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let wanted = Some(state.as_str()).filter(|s| !s.is_empty());
                match api::dept_commitments(&token, wanted).await {
                    Ok(inbox) => items.set(inbox.commitments),
                    Err(error) => notice.set(Some(Err(error.message(lang)))),
                }
            });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((session.clone(), (*filter).clone()), move |_| reload.emit(()));
    }

    let on_sign_in = {
        let (kid, passphrase, session, signer, notice) =
            (kid.clone(), passphrase.clone(), session.clone(), signer.clone(), notice.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            notice.set(Some(Ok(lang.pick("正在登录…", "Signing in…").to_owned())));
            let (kid, pass, session, signer, notice) =
                ((*kid).clone(), (*passphrase).clone(), session.clone(), signer.clone(), notice.clone());
            passphrase.set(String::new());
            wasm_bindgen_futures::spawn_local(async move {
                match sign_in(&kid, &pass).await {
                    Ok((opened, key)) => {
                        *signer.borrow_mut() = Some(key);
                        notice.set(None);
                        session.set(Some(opened));
                    }
                    Err(error) => notice.set(Some(Err(lang.half(&error)))),
                }
            });
        })
    };
    let on_sign_out = {
        let (session, signer, items) = (session.clone(), signer.clone(), items.clone());
        Callback::from(move |_| {
            signer.borrow_mut().take();
            items.set(Vec::new());
            session.set(None);
        })
    };

    let Some(current) = (*session).clone() else {
        let chosen = keys.iter().find(|k| k.kid == *kid).cloned();
        let jwk = chosen.map(|k| serde_json::to_string(&k.public_jwk).unwrap_or_default()).unwrap_or_default();
        let on_key = {
            let kid = kid.clone();
            Callback::from(move |event: Event| kid.set(event.target_unchecked_into::<HtmlSelectElement>().value()))
        };
        let on_pass = {
            let passphrase = passphrase.clone();
            Callback::from(move |event: InputEvent| {
                passphrase.set(event.target_unchecked_into::<HtmlInputElement>().value())
            })
        };
        let _ = &keys;
        return html! {
            <section class="card" aria-labelledby="dept-title">
                <h2 id="dept-title">{ lang.pick("部门办理", "Department console") }</h2>
                <p class="hint">{ lang.pick(
                    "工作人员以本浏览器中的密钥登录（对服务器的一次性挑战签名），不使用密码。首次使用：在“密钥”页生成密钥，把下面的公钥交给管理员登记。",
                    "Officers sign in with a key in this browser (signing the server's one-time challenge); no passwords. First time: create a key on the Keys page and give the public key below to the operator.") }</p>
                if keys.is_empty() {
                    <p id="dept-no-keys">{ lang.pick("本浏览器中还没有密钥。", "No key in this browser yet.") }</p>
                } else {
                    <form onsubmit={on_sign_in}>
                        <label for="dept-key">{ lang.pick("工作人员密钥", "Officer key") }</label>
                        <select id="dept-key" onchange={on_key}>
                            { for keys.iter().map(|k| html! {
                                <option value={k.kid.clone()} selected={k.kid == *kid}>{ envelope::fingerprint_groups(&k.kid) }</option>
                            }) }
                        </select>
                        <label for="dept-pass">{ lang.pick("密钥口令", "Key passphrase") }</label>
                        <input id="dept-pass" type="password" autocomplete="current-password" value={(*passphrase).clone()} oninput={on_pass} />
                        <div class="row"><button type="submit" class="primary" id="dept-sign-in">{ lang.pick("登录", "Sign in") }</button></div>
                    </form>
                    <p>{ lang.pick("公钥（交给管理员登记为工作人员）：", "Public key (for the operator to register):") }</p>
                    <pre id="officer-jwk">{ jwk }</pre>
                }
                { notice_view(&notice, lang) }
            </section>
        };
    };

    let on_filter = {
        let filter = filter.clone();
        Callback::from(move |event: Event| filter.set(event.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let states = [
        ("submitted", "待受理", "to accept"),
        ("in_force", "在诺", "in force"),
        ("returned", "需补正", "returned"),
        ("kept", "已履诺", "kept"),
        ("broken", "违诺", "broken"),
        ("", "全部", "all"),
    ];
    html! {
        <section class="card" aria-labelledby="dept-title">
            <h2 id="dept-title">{ format!("{} · {}", lang.pick("部门办理", "Department console"), current.officer.department) }</h2>
            <p id="dept-officer">{ format!("{} · {}", current.officer.name, envelope::fingerprint_groups(&current.officer.kid)) }
                <button type="button" onclick={on_sign_out}>{ lang.pick("退出", "Sign out") }</button></p>
            <label for="dept-filter">{ lang.pick("状态", "State") }</label>
            <select id="dept-filter" onchange={on_filter}>
                { for states.iter().map(|(value, zh, en)| html! { <option value={*value} selected={*filter == *value}>{ lang.pick(zh, en) }</option> }) }
            </select>
            { notice_view(&notice, lang) }
            if items.is_empty() { <p id="dept-empty">{ lang.pick("没有需要办理的承诺书。", "Nothing here.") }</p> }
            <ul class="dept-list" id="dept-list">
                { for items.iter().map(|item| {
                    let text = commitment::verify_value(&item.signed_file)
                        .map(|signed| signed.render(text_lang(lang)).text)
                        .unwrap_or_else(|error| lang.half(&error.to_string()));
                    let reason_of = {
                        let (reasons, id) = (reasons.clone(), item.submission_id.clone());
                        Callback::from(move |event: InputEvent| {
                            let mut next = (*reasons).clone();
                            next.insert(id.clone(), event.target_unchecked_into::<HtmlTextAreaElement>().value());
                            reasons.set(next);
                        })
                    };
                    let reason = reasons.get(&item.submission_id).cloned().unwrap_or_default();
                    html! {
                        <li class="dept-item" data-id={item.submission_id.clone()}>
                            <div><strong>{ lang.pick(&item.title_zh, &item.title_en) }</strong>
                                { format!(" · {} · {} · ", item.subject_name, item.credit_code) }
                                <span class="state">{ lang.pick(item.state.label_zh(), item.state.label_en()) }</span></div>
                            <details><summary>{ lang.pick("承诺书全文（含个人信息）", "Full text (with personal data)") }</summary><pre class="dept-text">{ text }</pre></details>
                            if !actions_for(item.state).is_empty() {
                                <label>{ lang.pick("理由或核查结论", "Reason or finding") }
                                    <textarea class="dept-reason" rows="2" value={reason.clone()} oninput={reason_of} /></label>
                                <div class="row">
                                { for actions_for(item.state).iter().map(|action| {
                                    let (signer, target, reason, notice, reload) = (signer.clone(), item.submission_id.clone(), reason.clone(), notice.clone(), reload.clone());
                                    let action = *action;
                                    let onclick = Callback::from(move |_| {
                                        let (signer, target, reason, notice, reload) = (signer.clone(), target.clone(), reason.clone(), notice.clone(), reload.clone());
                                        wasm_bindgen_futures::spawn_local(async move {
                                            let signed = signer.borrow().as_ref().map(|key| sign_decision(key, action, &target, &reason));
                                            let result = match signed {
                                                Some(Ok(jws)) => api::post_decision(&jws).await.map(|_| ()).map_err(|e| e.message(lang)),
                                                Some(Err(error)) => Err(error),
                                                None => Err("请重新登录 / sign in again".into()),
                                            };
                                            notice.set(Some(match result {
                                                Ok(()) => Ok(format!("{}{}", lang.pick("已签署决定：", "Decision signed: "), lang.pick(action.label_zh(), action.label_en()))),
                                                Err(error) => Err(lang.half(&error)),
                                            }));
                                            reload.emit(());
                                        });
                                    });
                                    html! { <button type="button" class="dept-action" {onclick}>{ lang.pick(action.label_zh(), action.label_en()) }</button> }
                                }) }
                                </div>
                            }
                        </li>
                    }
                }) }
            </ul>
        </section>
    }
}

fn notice_view(notice: &UseStateHandle<Option<Result<String, String>>>, _lang: Lang) -> Html {
    match &**notice {
        Some(Ok(text)) => html! { <p class="notice ok" id="dept-notice" aria-live="polite">{ text }</p> },
        Some(Err(text)) => html! { <p class="notice no" role="alert" id="dept-notice">{ text }</p> },
        None => html! {},
    }
}
