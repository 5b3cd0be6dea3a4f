//! Objections (异议) to one record on the subject's page: where an objection stands ("异议处理中" until the
//! record's authority decides, with its deadline; the reasons once decided), and for the enterprise the form
//! to object — the grounds, signed with a key of this browser that a department approved for the code. The
//! form signs, so it is in the builds with the `sign-objections` feature; the status route's own build opens
//! it by handing over to the build with everything. The status widget never signs on its host's page (keys
//! live on our origin): its button opens the subject's page in the app, in a new tab.

use xinnuo_core::decision::ObjectionState;
use yew::prelude::*;

use crate::api::PublicObjection;
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

/// What the form tells the panel: signing has begun, the objection was received, or what went wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormNotice {
    Busy(String),
    Sent(String),
    Failed(String),
    /// Refused because the key is not approved for the code: the panel says how to have it approved.
    KeyNotApproved(String),
}

/// How to get a key approved, under a refusal for a key that is not: enrol it on the keys page, then a
/// department's key officer checks who holds it and approves it.
fn how_to_approve(lang: Lang) -> Html {
    html! {
        <div class="notice warn key-approval-help" id="key-approval-help">
            <p><strong>{ lang.pick("如何让密钥通过核验：", "How to have your key approved:") }</strong></p>
            <ol>
                <li>{ lang.pick("在“密钥”页点“向服务器登记”，填写本单位的统一社会信用代码和名称，签名登记；", "on the Keys page, choose “Enrol with the server”, give your company's credit code and name, and sign;") }</li>
                <li>{ lang.pick("持营业执照、法定代表人身份证件（他人办理另带加盖公章的授权书）到任一部门窗口，或用电子营业执照，请部门的密钥核验人员核对身份并核验该密钥；", "take the business licence and the legal representative's ID (someone else: also an authorisation bearing the company seal) to any department's counter, or use the electronic business licence, for its key officer to check who you are and approve the key;") }</li>
                <li>{ lang.pick("核验通过后（“密钥”页显示“已核验”），再回到这里提出异议。", "once approved (the Keys page says so), come back here and object.") }</li>
            </ol>
            <p><crate::route::AppLink to={crate::route::Route::Keys} id="to-keys">{ lang.pick("前往“密钥”页登记密钥", "Go to the Keys page to enrol the key") }</crate::route::AppLink></p>
        </div>
    }
}

/// The record whose objection form to open once the build with the form has taken over (this tab only).
const OPEN_AFTER_HAND_OVER: &str = "xinnuo.object-to";

fn take_form_to_open(record_id: &str) -> bool {
    let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) else { return false };
    let wanted = storage.get_item(OPEN_AFTER_HAND_OVER).ok().flatten().is_some_and(|id| id == record_id);
    if wanted {
        let _ = storage.remove_item(OPEN_AFTER_HAND_OVER);
    }
    wanted
}

#[component]
pub fn ObjectionPanel(props: &Props) -> Html {
    let lang = props.lang;
    let open = use_state(|| cfg!(feature = "sign-objections") && take_form_to_open(&props.record_id));
    let has_keys = use_state(|| !key_store::load().is_empty());
    let notice = use_state(|| None::<Result<String, String>>);
    // The last refusal was for a key not approved for the code: say how to have it approved.
    let needs_approval = use_state(|| false);
    let latest = props.objections.last();
    // One objection under review per record: the core's rule, which the server applies to a new one.
    let states: Vec<(String, ObjectionState)> =
        props.objections.iter().map(|o| (o.objection_id.clone(), o.state)).collect();
    let under_review = xinnuo_core::workflow::no_objection_pending(&states).is_err();
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
    let toggle = {
        let (open, record_id) = (open.clone(), props.record_id.clone());
        Callback::from(move |_| {
            if cfg!(feature = "sign-objections") {
                open.set(!*open);
                return;
            }
            if let Some(storage) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
                let _ = storage.set_item(OPEN_AFTER_HAND_OVER, &record_id);
            }
            crate::route::hand_over(crate::route::Build::Everything);
        })
    };
    let on_result = {
        let (notice, open, on_sent, needs_approval) =
            (notice.clone(), open.clone(), props.on_sent.clone(), needs_approval.clone());
        Callback::from(move |form_notice: FormNotice| {
            needs_approval.set(matches!(form_notice, FormNotice::KeyNotApproved(_)));
            match form_notice {
                FormNotice::Busy(text) => notice.set(Some(Ok(text))),
                FormNotice::Sent(text) => {
                    open.set(false);
                    on_sent.emit(());
                    notice.set(Some(Ok(text)));
                }
                FormNotice::Failed(text) | FormNotice::KeyNotApproved(text) => notice.set(Some(Err(text))),
            }
        })
    };
    html! {
        <div class="objection-panel" data-record={props.record_id.clone()}>
            if let Some(line) = status {
                <p class={classes!("notice", "objection-state", under_review.then_some("warn"))} role="status">{ format!("{}{line}", lang.pick("异议：", "Objection: ")) }</p>
            }
            if !under_review && crate::route::is_embedded() {
                <crate::route::AppLink class="button object" to={crate::route::Route::Status(Some(props.credit_code.clone()))}>
                    { lang.pick("对这条记录提出异议（在信诺中打开）", "Object to this record (opens Xinnuo)") }
                </crate::route::AppLink>
            } else if !under_review && *has_keys {
                <button type="button" class="object" onclick={toggle}>{ lang.pick("对这条记录提出异议", "Object to this record") }</button>
            }
            if *open && !under_review {
                { objection_form(lang, &props.credit_code, &props.record_id, on_result) }
            }
            { match &*notice {
                Some(Ok(text)) => html! { <p class="notice ok objection-notice" aria-live="polite">{ text }</p> },
                Some(Err(text)) => html! { <p class="notice no objection-notice" role="alert">{ text }</p> },
                None => html! {},
            } }
            if *needs_approval { { how_to_approve(lang) } }
        </div>
    }
}

#[cfg(feature = "sign-objections")]
fn objection_form(lang: Lang, credit_code: &str, record_id: &str, on_result: Callback<FormNotice>) -> Html {
    html! { <form::ObjectionForm {lang} credit_code={credit_code.to_owned()} record_id={record_id.to_owned()} {on_result} /> }
}

#[cfg(not(feature = "sign-objections"))]
fn objection_form(_: Lang, _: &str, _: &str, _: Callback<FormNotice>) -> Html {
    Html::default()
}

#[cfg(feature = "sign-objections")]
mod form {
    use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
    use xinnuo_core::envelope::{self, Signer};
    use xinnuo_core::objection;
    use yew::prelude::*;

    use crate::api;
    use crate::browser::{now_iso, random};
    use crate::i18n::{Lang, Text};
    use crate::storage::keys as key_store;

    use super::FormNotice;

    #[derive(Properties, PartialEq)]
    pub struct FormProps {
        pub lang: Lang,
        pub credit_code: String,
        pub record_id: String,
        pub on_result: Callback<super::FormNotice>,
    }

    /// Why sending failed, and whether the server refused the key as not approved for the code.
    struct Refused {
        text: Text,
        key_not_approved: bool,
    }

    impl From<Text> for Refused {
        fn from(text: Text) -> Self {
            Self { text, key_not_approved: false }
        }
    }

    async fn sign_and_send(
        code: &str,
        record_id: &str,
        grounds: &str,
        kid: &str,
        passphrase: &str,
    ) -> Result<(), Refused> {
        let file = key_store::find(kid)?;
        let seed = crate::browser::open_key_file(&file, passphrase).await?;
        let nonce = random::<16>()?;
        let jws = objection::sign(code, record_id, grounds, &now_iso(), &nonce, &Signer::from_seed(&seed))
            .map_err(Text::from)?;
        let answer = api::post_objection(&jws.to_json()).await.map_err(|error| {
            let key_not_approved =
                matches!(&error, api::ApiError::Problem(problem) if problem.code() == "key_not_approved");
            Refused { text: Text::from(error), key_not_approved }
        })?;
        // Received only once its receipt verifies: the objection's entry in this server's public log (or a
        // receipt signed alone by a pinned server key), for this objection and this record.
        let objection_id = xinnuo_core::envelope::submission_id(&jws.protected, &jws.payload);
        let trusted = api::trusted_server_keys().await;
        let receipt = answer.get("receipt").cloned().unwrap_or_default();
        match xinnuo_core::public_log::check_objection_receipt(&receipt, &objection_id, &trusted) {
            Ok(checked) if checked.record_id == record_id && checked.credit_code.eq_ignore_ascii_case(code) => Ok(()),
            _ => Err(Text::new(
                "服务器的回执未能通过验证（须由本服务器公开日志的签名检查点证明），异议是否已受理无法确认，请稍后查看或联系受理部门。",
                "The server's receipt did not verify (it must be proved by a checkpoint this server's log key signed); whether the objection was received cannot be confirmed: look again later or contact the department.",
            )
            .into()),
        }
    }

    #[component]
    pub fn ObjectionForm(props: &FormProps) -> Html {
        let lang = props.lang;
        let grounds = use_state(String::new);
        let keys = use_state(key_store::load);
        let kid = use_state(|| key_store::load().first().map(|k| k.kid.clone()).unwrap_or_default());
        let passphrase = use_state(String::new);
        let on_submit = {
            let (code, record_id, on_result) =
                (props.credit_code.clone(), props.record_id.clone(), props.on_result.clone());
            let (grounds, kid, passphrase) = (grounds.clone(), kid.clone(), passphrase.clone());
            Callback::from(move |event: SubmitEvent| {
                event.prevent_default();
                on_result.emit(FormNotice::Busy(lang.pick("正在签名并提交…", "Signing and sending…").to_owned()));
                let (code, record_id, on_result) = (code.clone(), record_id.clone(), on_result.clone());
                let (text, key, pass) = ((*grounds).clone(), (*kid).clone(), (*passphrase).clone());
                passphrase.set(String::new());
                wasm_bindgen_futures::spawn_local(async move {
                    match sign_and_send(&code, &record_id, &text, &key, &pass).await {
                        Ok(()) => on_result.emit(FormNotice::Sent(
                            lang.pick(
                                "异议已提交，等待认定单位处理。",
                                "Objection sent; the authority will decide it.",
                            )
                            .to_owned(),
                        )),
                        Err(Refused { text, key_not_approved: true }) => {
                            on_result.emit(FormNotice::KeyNotApproved(text.get(lang)))
                        }
                        Err(Refused { text, .. }) => on_result.emit(FormNotice::Failed(text.get(lang))),
                    }
                });
            })
        };
        let on_pass = {
            let passphrase = passphrase.clone();
            Callback::from(move |event: InputEvent| {
                passphrase.set(event.target_unchecked_into::<HtmlInputElement>().value())
            })
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
        html! {
            <form class="objection-form" onsubmit={on_submit}>
                <label>{ lang.pick("异议理由（至少 10 个字；请写明依据，例如复议或诉讼结果）", "Grounds (at least 10 characters; say what shows the record is wrong)") }
                    <textarea class="objection-grounds" rows="3" value={(*grounds).clone()} oninput={on_grounds} /></label>
                <label>{ lang.pick("签名密钥（须已由部门核验）", "Signing key (approved by a department)") }
                    <select class="objection-key" onchange={on_key}>
                        { for keys.iter().map(|k| html! { <option value={k.kid.clone()} selected={k.kid == *kid}>{ envelope::fingerprint_groups(&k.kid) }</option> }) }
                    </select></label>
                <label>{ lang.pick("密钥口令", "Key passphrase") }
                    <input class="objection-pass" type="password" autocomplete="current-password" value={(*passphrase).clone()} oninput={on_pass} /></label>
                <div class="row"><button type="submit" class="primary objection-submit">{ lang.pick("签名并提出异议", "Sign and object") }</button></div>
            </form>
        }
    }
}
