//! The commitment form: choose a template → a form generated from it → live validation by the core →
//! a preview that is exactly the text to be signed → sign with a stored key → submit → receipt. The draft
//! is kept by `drafts` (restored once, saved on every edit), the submission made by `submit`.

mod drafts;
mod submit;

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use xinnuo_core::bundle::Bundle;
use xinnuo_core::commitment::{self, CommitmentError, Filled};
use xinnuo_core::envelope;
use xinnuo_core::error::Described;
use xinnuo_core::template::{self, Template};
use yew::prelude::*;

use drafts::use_draft;
pub use drafts::{set_current_draft, start_new_draft};

use crate::browser::{download, now_iso, today_china, yield_to_paint};
use crate::components::field_input::FieldInput;
use crate::i18n::Lang;
use crate::route::Route;
use crate::storage::keys as key_store;
use crate::storage::outbox::{Draft, OutboxItem, OutboxState};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// Start from these values (the repair wizard fills the record in).
    #[prop_or_default]
    pub prefill: Option<Filled>,
    /// Submit as a repair application (`POST /api/v1/repair-applications`).
    #[prop_or_default]
    pub repair: bool,
    /// The draft this form saves to (default: the current draft of the commitment page).
    #[prop_or_default]
    pub draft_id: Option<String>,
    /// Embedded in a department's page: key creation is offered inline.
    #[prop_or_default]
    pub embedded: bool,
    /// Called when a submission is receipted (widgets turn it into an `xinnuo-submitted` event).
    #[prop_or_default]
    pub on_submitted: Option<Callback<OutboxItem>>,
    /// A credit code to fill in (`#/commit/<code>`, the check page's link for a valid code).
    #[prop_or_default]
    pub for_code: Option<String>,
}

#[derive(Clone, PartialEq)]
enum Phase {
    Editing,
    Signing,
    Submitting,
    /// Stored in the outbox; sent when online (or, on a static site, to export).
    Queued(Box<OutboxItem>),
    Done(Box<OutboxItem>),
    Failed {
        message: String,
        signed: Option<String>,
    },
}

/// Values that belong to the template (others stay in memory for another template, never signed). The
/// department chosen is kept among the draft's values under `department` and signed as the payload's own.
fn filled_for(template: &Template, values: &BTreeMap<String, Value>) -> Filled {
    let department = values
        .get(commitment::DEPARTMENT_FIELD)
        .and_then(Value::as_str)
        .filter(|chosen| template.departments.iter().any(|d| d.zh == *chosen))
        .map(str::to_owned);
    let values =
        values.iter().filter(|(k, _)| template.field_spec(k).is_some()).map(|(k, v)| (k.clone(), v.clone())).collect();
    Filled {
        template_id: template.id.to_string(),
        template_version: Some(template.version.to_string()),
        values,
        department,
    }
}

#[component]
pub fn CommitPage(props: &Props) -> Html {
    let lang = props.lang;
    let tl = lang;
    let repair = props.repair;
    let draft = use_draft(props.draft_id.clone(), props.prefill.clone(), repair, props.for_code.clone());
    let (template_id, values, storage_error) =
        (draft.template_id.clone(), draft.values.clone(), draft.storage_error.clone());
    let touched = use_state(HashSet::<String>::new);
    let show_all = use_state(|| false);
    let keys = use_state(key_store::load);
    let chosen_kid = use_state(|| key_store::load().first().map(|k| k.kid.clone()));
    let passphrase = use_state(String::new);
    let phase = use_state(|| Phase::Editing);
    {
        let keys = keys.clone();
        use_effect_with((), move |_| {
            let listener = web_sys::window().map(|w| {
                gloo_events::EventListener::new(&w, "xinnuo-keys-changed", move |_| keys.set(key_store::load()))
            });
            move || drop(listener)
        });
    }
    {
        let on_submitted = props.on_submitted.clone();
        use_effect_with((*phase).clone(), move |phase| {
            if let Phase::Done(_) = phase {
                // The receipt heads the page, above the emptied form: bring it into view where the person is.
                wasm_bindgen_futures::spawn_local(async {
                    yield_to_paint().await;
                    let receipt =
                        web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id("receipt"));
                    if let Some(receipt) = receipt {
                        receipt.scroll_into_view();
                    }
                });
            }
            if let (Phase::Done(item), Some(on_submitted)) = (phase, on_submitted) {
                on_submitted.emit((**item).clone());
            }
        });
    }
    let embedded = props.embedded;

    let today = today_china();
    // The version in force today (a revision replaces its predecessor from its first day).
    let in_force = |id: &str| match today {
        Some(today) => template::get_in_force(id, today),
        None => template::get(id, None),
    };
    let Ok(template) = in_force(&template_id) else {
        return html! { <p role="alert">{ lang.pick("模板加载失败", "The template failed to load") }</p> };
    };
    let filled = filled_for(template, &values);
    let prepared = commitment::prepare(&filled, today);
    let issues: BTreeMap<String, String> = match &prepared {
        Err(CommitmentError::InvalidFields(issues)) => {
            issues.iter().rev().map(|i| (i.field.clone(), i.message(tl))).collect()
        }
        _ => BTreeMap::new(),
    };
    let blocking_error = match &prepared {
        Err(error @ (CommitmentError::NotInForce { .. } | CommitmentError::Template(_))) => Some(error.message(tl)),
        _ => None,
    };
    let preview = match &prepared {
        Ok(prepared) => prepared.render(tl, today),
        Err(_) => commitment::render_draft(&filled, tl).unwrap_or_else(|_| template::blank_text(template, tl)),
    };

    let on_template = {
        let (template_id, touched, show_all, phase) =
            (template_id.clone(), touched.clone(), show_all.clone(), phase.clone());
        Callback::from(move |event: Event| {
            template_id.set(event.target_unchecked_into::<HtmlSelectElement>().value());
            touched.set(HashSet::new());
            show_all.set(false);
            phase.set(Phase::Editing);
        })
    };
    let on_department = {
        let (values, touched) = (values.clone(), touched.clone());
        Callback::from(move |event: Event| {
            let chosen = event.target_unchecked_into::<HtmlSelectElement>().value();
            let mut next = (*values).clone();
            next.insert(commitment::DEPARTMENT_FIELD.to_owned(), Value::String(chosen));
            values.set(next);
            let mut seen = (*touched).clone();
            seen.insert(commitment::DEPARTMENT_FIELD.to_owned());
            touched.set(seen);
        })
    };
    let on_change = {
        let (values, touched, phase) = (values.clone(), touched.clone(), phase.clone());
        Callback::from(move |(name, value): (String, Value)| {
            let mut next = (*values).clone();
            next.insert(name.clone(), value);
            values.set(next);
            // Choices and ticks are complete at once; text is judged when the field is left.
            if !matches!(*phase, Phase::Signing | Phase::Submitting) {
                phase.set(Phase::Editing);
            }
            let mut seen = (*touched).clone();
            if seen.insert(name) {
                touched.set(seen);
            }
        })
    };
    let on_blur = {
        let (touched, values) = (touched.clone(), values.clone());
        // Leaving a field judges what was typed; tabbing through an empty one marks nothing.
        Callback::from(move |name: String| {
            if values.get(&name).is_none_or(xinnuo_core::template::is_blank) {
                return;
            }
            let mut seen = (*touched).clone();
            if seen.insert(name) {
                touched.set(seen);
            }
        })
    };
    let on_key = {
        let chosen_kid = chosen_kid.clone();
        Callback::from(move |event: Event| {
            chosen_kid.set(Some(event.target_unchecked_into::<HtmlSelectElement>().value()).filter(|v| !v.is_empty()))
        })
    };
    let on_pass = {
        let passphrase = passphrase.clone();
        Callback::from(move |event: InputEvent| {
            passphrase.set(event.target_unchecked_into::<HtmlInputElement>().value())
        })
    };
    // The chosen key, or the first one (a key may have just been created or deleted).
    let signing_kid = (*chosen_kid)
        .clone()
        .filter(|kid| keys.iter().any(|k| &k.kid == kid))
        .or_else(|| keys.first().map(|k| k.kid.clone()));
    let ready = prepared.is_ok() && signing_kid.is_some() && !passphrase.is_empty();
    let on_sign = {
        let (filled, signing_kid, passphrase, phase, show_all, keys) =
            (filled.clone(), signing_kid.clone(), passphrase.clone(), phase.clone(), show_all.clone(), keys.clone());
        let (draft, touched) = (draft.clone(), touched.clone());
        // A repair form starts again from what the record prefilled; any other form starts empty.
        let start_values =
            if repair { props.prefill.as_ref().map(|p| p.values.clone()).unwrap_or_default() } else { BTreeMap::new() };
        let title = template.title.zh.to_string();
        let valid = prepared.is_ok();
        // Where a refused attempt sends the person: the first field in error, in the form's order.
        let first_error = if issues.contains_key(commitment::DEPARTMENT_FIELD) {
            Some("commit-department".to_owned())
        } else {
            template.fields.iter().find(|f| issues.contains_key(&*f.id)).map(|f| format!("field-{}", f.id))
        };
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            keys.set(key_store::load());
            if !valid {
                show_all.set(true);
                if let Some(id) = first_error.clone() {
                    wasm_bindgen_futures::spawn_local(async move {
                        // After the errors are drawn, so the field's message is read with it.
                        yield_to_paint().await;
                        let element =
                            web_sys::window().and_then(|w| w.document()).and_then(|d| d.get_element_by_id(&id));
                        if let Some(element) =
                            element.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
                        {
                            let _ = element.focus();
                        }
                    });
                }
                return;
            }
            let Some(kid) = signing_kid.clone() else { return };
            phase.set(Phase::Signing);
            let (filled, passphrase, phase, title) = (filled.clone(), passphrase.clone(), phase.clone(), title.clone());
            let (draft, touched, show_all, start_values) =
                (draft.clone(), touched.clone(), show_all.clone(), start_values.clone());
            wasm_bindgen_futures::spawn_local(async move {
                yield_to_paint().await;
                let kept = Draft {
                    id: (*draft.id).clone(),
                    template_id: filled.template_id.clone(),
                    values: filled.values.clone(),
                    updated_at: now_iso(),
                    // A 信用修复承诺书 is a repair application wherever it was filled in.
                    repair: repair
                        || xinnuo_core::template::index().iter().any(|t| {
                            t.id == filled.template_id && t.kind == xinnuo_core::template::TemplateKind::Repair
                        }),
                    // Corrected and signed again: the reason it came back is answered.
                    correction: None,
                };
                let item = match submit::sign_and_keep(&filled, &kid, &passphrase, title, kept).await {
                    Ok(item) => item,
                    Err(failure) => {
                        if failure.signed.is_some() {
                            passphrase.set(String::new());
                        }
                        phase.set(Phase::Failed { message: failure.message.get(lang), signed: failure.signed });
                        return;
                    }
                };
                passphrase.set(String::new());
                // The form is done: the next one is fresh, nothing in it marked until the person touches it.
                draft.finish(start_values, repair).await;
                touched.set(HashSet::new());
                show_all.set(false);
                phase.set(Phase::Submitting);
                let stored = submit::send(item).await;
                phase.set(match stored.state {
                    OutboxState::Receipted => Phase::Done(Box::new(stored)),
                    OutboxState::Rejected => Phase::Failed {
                        message: format!(
                            "{}{}",
                            lang.pick("服务器拒绝：", "Rejected by the server: "),
                            stored.rejection.as_ref().map(|reason| reason.get(lang)).unwrap_or_default()
                        ),
                        signed: Some(stored.jws.clone()),
                    },
                    _ => Phase::Queued(Box::new(stored)),
                });
            });
        })
    };

    // One entry per template (its version in force), grouped by kind.
    let mut kinds: Vec<template::TemplateKind> = Vec::new();
    let mut offered: Vec<&template::Template> = Vec::new();
    for t in template::all() {
        if !kinds.contains(&t.kind) {
            kinds.push(t.kind);
        }
        if !offered.iter().any(|o| o.id == t.id) {
            offered.extend(in_force(&t.id));
        }
    }
    let busy = matches!(*phase, Phase::Signing | Phase::Submitting);

    let done = matches!(*phase, Phase::Done(_));
    html! {
        <>
        if done {
            <section class="card receipt-card" aria-label={lang.pick("回执", "Receipt")}>{ phase_view(&phase, lang, repair) }</section>
        }
        <section class="card" aria-labelledby="commit-title">
            <h2 id="commit-title">{ lang.pick("填写信用承诺书", "Fill in a credit commitment") }</h2>
            // A form that came back to be corrected says why, until it is signed again.
            if let Some(correction) = &*draft.correction {
                <p class="notice no" id="correction-reason" role="note">
                    <strong>{ lang.pick("请修改后重新签名。", "Correct it and sign again. ") }</strong>{ correction.get(lang) }
                </p>
            }
            <label for="template-select">{ lang.pick("承诺书模板", "Template") }</label>
            <select id="template-select" onchange={on_template} disabled={repair}>
                { for kinds.iter().map(|kind| html! {
                    <optgroup label={kind.label(tl)}>
                        { for offered.iter().filter(|t| t.kind == *kind).map(|t| html! {
                            <option value={t.id.clone()} selected={t.id == *template_id}>{ format!("{} · {}", t.field.get(tl), t.title.get(tl)) }</option>
                        }) }
                    </optgroup>
                }) }
            </select>
            <dl class="template-meta">
                <dt>{ lang.pick("责任部门", "Responsible departments") }</dt>
                <dd>{ template.departments.iter().map(|d| d.get(tl)).collect::<Vec<_>>().join("、") }
                    if !template.departments_confirmed { <span class="unconfirmed">{ lang.pick("（按本省分工整理，以部门发布为准）", " (per provincial assignment; the department's own publication prevails)") }</span> }
                </dd>
                <dt>{ lang.pick("依据", "Legal basis") }</dt>
                <dd>{ template.legal_basis.iter().map(|d| d.get(tl)).collect::<Vec<_>>().join("；") }</dd>
                <dt>{ lang.pick("版本", "Version") }</dt>
                <dd>{ format!("{} {} · {} {}", template.id, template.version, lang.pick("施行日期", "in force from"), template.effective_from) }</dd>
                if !template.notes.is_empty() {
                    <dt>{ lang.pick("版本说明", "About this version") }</dt>
                    <dd class="template-notes">{ for template.notes.iter().map(|note| html! { <p>{ note.get(tl) }</p> }) }</dd>
                }
            </dl>
            if let Some(error) = &blocking_error { <p class="notice no" role="alert">{ error }</p> }
            <form id="commit-form" class="commit-form" novalidate=true onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                if template.departments.len() > 1 && template.kind != template::TemplateKind::Repair {
                    <div class="field">
                        <label for="commit-department">{ lang.pick("向哪个部门作出承诺", "Department the commitment is made to") }<span class="required" aria-hidden="true">{ " *" }</span></label>
                        <select id="commit-department" onchange={on_department}
                            aria-invalid={issues.contains_key(commitment::DEPARTMENT_FIELD).to_string()}>
                            <option value="" selected={filled.department.is_none()}>{ lang.pick("请选择部门", "Choose the department") }</option>
                            { for template.departments.iter().map(|d| html! {
                                <option value={d.zh.clone()} selected={filled.department.as_deref() == Some(&*d.zh)}>{ d.get(tl) }</option>
                            }) }
                        </select>
                        if let Some(error) = issues.get(commitment::DEPARTMENT_FIELD).filter(|_| *show_all || touched.contains(commitment::DEPARTMENT_FIELD)) {
                            <p class="field-error" role="alert">{ error }</p>
                        }
                    </div>
                }
                { for template.fields.iter().map(|spec| {
                    let shown = *show_all || touched.contains(&*spec.id);
                    html! {
                        <FieldInput key={format!("{}:{}", template.id, spec.id)} {lang} spec={spec.clone()}
                            value={values.get(&*spec.id).cloned()} required={spec.is_required(&filled.values)}
                            error={issues.get(&*spec.id).filter(|_| shown).cloned()}
                            on_change={on_change.clone()} on_blur={on_blur.clone()} />
                    }
                }) }
            </form>
        </section>
        <section class="card" aria-labelledby="preview-title">
            <h2 id="preview-title">{ lang.pick("预览：即将签署的文本", "Preview: the text you will sign") }</h2>
            <p class="hint">{ if prepared.is_ok() {
                lang.pick("以下即为签名的完整文本（承诺日期为签名当日）。", "This is exactly the text that will be signed (dated the day of signing).")
            } else {
                lang.pick("尚有未填或填写有误的项目，〔 〕处待填写。", "Some fields are missing or invalid; 〔 〕 marks what is still to fill.")
            } }</p>
            // The signed text begins with its title: shown once, as part of it.
            <article class="commitment-text" id="preview" lang={lang.tag()}>
                <pre id="preview-text">{ preview.text.clone() }</pre>
            </article>
        </section>
        <section class="card" aria-labelledby="sign-title">
            <h2 id="sign-title">{ lang.pick("签名并提交", "Sign and submit") }</h2>
            if let Some(key_manager) = keys.is_empty().then(|| inline_key_manager(lang, embedded)).flatten() {
                { key_manager }
            } else if keys.is_empty() {
                <p>{ lang.pick("还没有签名密钥：", "No signing key yet: ") }<crate::route::AppLink to={Route::Keys}>{ lang.pick("先创建一个密钥", "create one first") }</crate::route::AppLink></p>
            } else {
                <form class="sign-form" onsubmit={on_sign}>
                    <label for="sign-key">{ lang.pick("签名密钥", "Signing key") }</label>
                    <select id="sign-key" onchange={on_key}>
                        { for keys.iter().map(|k| html! {
                            <option value={k.kid.clone()} selected={Some(&k.kid) == signing_kid.as_ref()}>
                                { format!("{} · {}", k.label.clone().unwrap_or_else(|| lang.pick("未命名", "unnamed").into()), envelope::fingerprint_groups(&k.kid)) }
                            </option>
                        }) }
                    </select>
                    <label for="sign-pass">{ lang.pick("密钥口令", "Key passphrase") }</label>
                    <input id="sign-pass" type="password" autocomplete="current-password" value={(*passphrase).clone()} oninput={on_pass} />
                    <div class="row">
                        <button type="submit" class="primary" id="sign-submit" disabled={busy || (!ready && prepared.is_ok())}>{ lang.pick("签名并提交", "Sign and submit") }</button>
                        // Only once something is marked: a fresh form (after a submission, too) has nothing to correct.
                        if prepared.is_err() && (*show_all || !touched.is_empty()) { <span class="muted">{ lang.pick("请先改正上面标出的项目", "Correct the marked fields first") }</span> }
                    </div>
                </form>
            }
            if !done { { phase_view(&phase, lang, repair) } }
            if let Some(error) = &*storage_error { <p class="notice no" role="alert" id="storage-error">{ error.get(lang) }</p> }
        </section>
        </>
    }
}

/// `repair`: the submission was a repair application (its receipt says what happens next).
fn phase_view(phase: &Phase, lang: Lang, repair: bool) -> Html {
    match phase {
        Phase::Editing => html! { <div id="sign-status" aria-live="polite"></div> },
        Phase::Signing => {
            html! { <p id="sign-status" class="notice busy" aria-live="polite">{ lang.pick("正在解锁密钥并签名…", "Unlocking the key and signing…") }</p> }
        }
        Phase::Submitting => {
            html! { <p id="sign-status" class="notice busy" aria-live="polite">{ lang.pick("已签名，正在提交…", "Signed; submitting…") }</p> }
        }
        Phase::Failed { message, signed } => {
            let on_download = signed.clone().map(|signed| {
                Callback::from(move |_| {
                    let bundle = Bundle { commitment: Some(signed.clone()), ..Bundle::default() };
                    let _ = download("xinnuo-commitment-signed.json", &bundle.to_json(), "application/json");
                })
            });
            html! {
                <div id="sign-status" class="notice no" role="alert">
                    <p>{ message }</p>
                    if let Some(on_download) = on_download {
                        <p>{ lang.pick("承诺书已签名但未提交，请下载保存后重试：", "The commitment is signed but not submitted; download it and retry: ") }
                            <button type="button" onclick={on_download}>{ lang.pick("下载已签名文件", "Download the signed file") }</button></p>
                    }
                </div>
            }
        }
        Phase::Queued(item) => html! {
            <div id="sign-status" class="notice busy queued" aria-live="polite">
                <p>{ if item.state == OutboxState::Signed {
                    lang.pick("已签名并保存在发件箱：本站为静态站点，请在“发件箱”导出文件提交。", "Signed and kept in the outbox: this is a static site; export the file from the outbox to submit it.")
                } else {
                    lang.pick("已签名，已加入发件箱：联网后自动发送，无需重复操作。", "Signed and queued: it is sent automatically when online; nothing more to do.")
                } }</p>
                if let Some(error) = &item.last_error { <p class="muted">{ error.get(lang) }</p> }
                <p><crate::route::AppLink to={Route::Outbox}>{ lang.pick("查看发件箱", "Open the outbox") }</crate::route::AppLink></p>
            </div>
        },
        Phase::Done(item) => {
            let bundle = Bundle {
                commitment: Some(item.jws.clone()),
                receipt: item.receipt.as_ref().map(Value::to_string),
                ..Bundle::default()
            }
            .to_json();
            let id = item.submission_id.clone();
            let on_download = Callback::from(move |_| {
                let name = format!("xinnuo-commitment-{}.json", id.chars().take(12).collect::<String>());
                let _ = download(&name, &bundle, "application/json");
            });
            let (status_zh, status_en) = item.key_status_label.clone().unwrap_or_default();
            html! {
                <div id="receipt" class="notice ok receipt" aria-live="polite">
                    <p class="receipt-title">{ format!("{} #{}", lang.pick("已提交，回执序号", "Submitted, receipt number"), item.sequence.unwrap_or_default()) }</p>
                    <dl>
                        <dt>{ lang.pick("提交编号", "Submission number") }</dt><dd><code id="receipt-ref">{ crate::components::tech_details::short_id(&item.submission_id) }</code></dd>
                        <dt>{ lang.pick("接收时间", "Received at") }</dt><dd><crate::components::time::BeijingTime {lang} at={item.received_at.clone().unwrap_or_default()} id="receipt-received-at" /></dd>
                        <dt>{ lang.pick("密钥状态", "Key status") }</dt><dd id="receipt-key-status">{ lang.pick(&status_zh, &status_en).to_owned() }</dd>
                        if let Some(position) = item.log_position {
                            <dt>{ lang.pick("公开日志", "Public log") }</dt>
                            <dd id="receipt-log">{ match lang { Lang::Zh => format!("已记入公开日志 第 {position} 条（可离线核验）"), Lang::En => format!("Entry {position} of the public log (verifiable offline)") } }</dd>
                        }
                    </dl>
                    <crate::components::tech_details::TechDetails {lang}>
                        <dl><dt>{ lang.pick("完整提交编号", "Full submission id") }</dt><dd><code id="receipt-id">{ item.submission_id.clone() }</code></dd></dl>
                    </crate::components::tech_details::TechDetails>
                    <div class="row">
                        <crate::route::AppLink class="button" id="print-link" to={Route::Print(item.submission_id.clone())}>{ lang.pick("打印承诺书", "Print") }</crate::route::AppLink>
                        <crate::route::AppLink class="button" id="verify-link" to={Route::Verify(Some(item.submission_id.clone()))}>{ lang.pick("验证", "Verify") }</crate::route::AppLink>
                        <button type="button" onclick={on_download}>{ lang.pick("下载签名文件", "Download signed file") }</button>
                    </div>
                    if repair {
                        <p id="receipt-next-step">{ lang.pick(
                            "下一步：作出该记录的认定机关审核您的修复申请，并在办理期限内作出决定；审核进度和结果显示在本企业的信用状况页。",
                            "Next: the authority that decided the record reviews your application and decides within its time limit; progress and the result show on your company's status page.",
                        ) }</p>
                    }
                    <p class="muted" id="receipt-next">{ lang.pick("表单已清空，可以再填一份。", "The form is empty again: you may fill in another.") }</p>
                </div>
            }
        }
    }
}

/// Inside the commitment widget there is no keys page to go to first, so the key manager shows in place; the
/// app's own builds link to `#/keys` and leave it out (feature `widget-keys`).
#[cfg(feature = "widget-keys")]
fn inline_key_manager(lang: Lang, embedded: bool) -> Option<Html> {
    embedded.then(|| html! { <crate::pages::keys::KeysPage {lang} /> })
}

#[cfg(not(feature = "widget-keys"))]
fn inline_key_manager(_: Lang, _: bool) -> Option<Html> {
    None
}
