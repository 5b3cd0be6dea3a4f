//! The commitment form: choose a template → a form generated from it → live validation by the core →
//! a preview that is exactly the text to be signed → sign with a stored key → submit → receipt.

use std::collections::{BTreeMap, HashSet};

use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use xinnuo_core::bundle::Bundle;
use xinnuo_core::commitment::{self, CommitmentError, Filled};
use xinnuo_core::envelope::{self, keyfile};
use xinnuo_core::template::{self, Template};
use yew::prelude::*;

use crate::api::{self, ReceiptResponse};
use crate::browser::{download, now_iso, random, today_china, yield_to_paint};
use crate::components::field_input::{text_lang, FieldInput};
use crate::i18n::Lang;
use crate::route::Route;
use crate::storage::keys as key_store;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// Start from these values (the repair wizard fills the record in).
    #[prop_or_default]
    pub prefill: Option<Filled>,
    /// Submit as a repair application (`POST /api/v1/repair-applications`).
    #[prop_or_default]
    pub repair: bool,
}

#[derive(Clone, PartialEq)]
enum Phase {
    Editing,
    Signing,
    Submitting,
    Done { receipt: ReceiptResponse, bundle: String },
    Failed { message: String, signed: Option<String> },
}

const DEFAULT_TEMPLATE: &str = "tax-service";

/// Values that belong to the template (others stay in memory for another template, never signed).
fn filled_for(template: &Template, values: &BTreeMap<String, Value>) -> Filled {
    let values =
        values.iter().filter(|(k, _)| template.field_spec(k).is_some()).map(|(k, v)| (k.clone(), v.clone())).collect();
    Filled { template_id: template.id.clone(), template_version: Some(template.version.clone()), values }
}

fn sign(filled: &Filled, kid: &str, passphrase: &str) -> Result<String, String> {
    let file =
        key_store::load().into_iter().find(|f| f.kid == kid).ok_or("未找到所选密钥 / the chosen key is missing")?;
    let seed = keyfile::open(&file, passphrase).map_err(|e| e.to_string())?;
    let nonce = random::<16>()?;
    let (jws, _) =
        commitment::sign(filled, &envelope::Signer::from_seed(&seed), &now_iso(), &nonce).map_err(|e| e.to_string())?;
    Ok(jws.to_json())
}

fn bilingual(message: &str, lang: Lang) -> String {
    message.split_once(" / ").map_or_else(|| message.to_owned(), |(zh, en)| lang.pick(zh, en).to_owned())
}

#[component]
pub fn CommitPage(props: &Props) -> Html {
    let lang = props.lang;
    let tl = text_lang(lang);
    let template_id =
        use_state(|| props.prefill.as_ref().map_or(DEFAULT_TEMPLATE.to_owned(), |p| p.template_id.clone()));
    let values = use_state(|| props.prefill.as_ref().map(|p| p.values.clone()).unwrap_or_default());
    let repair = props.repair;
    let touched = use_state(HashSet::<String>::new);
    let show_all = use_state(|| false);
    let keys = use_state(key_store::load);
    let chosen_kid = use_state(|| key_store::load().first().map(|k| k.kid.clone()));
    let passphrase = use_state(String::new);
    let phase = use_state(|| Phase::Editing);

    let Ok(template) = template::get(&template_id, None) else {
        return html! { <p role="alert">{ lang.pick("模板加载失败", "The template failed to load") }</p> };
    };
    let today = today_china();
    let filled = filled_for(template, &values);
    let prepared = commitment::prepare(&filled, today);
    let issues: BTreeMap<String, String> = match &prepared {
        Err(CommitmentError::InvalidFields(issues)) => {
            issues.iter().rev().map(|i| (i.field.clone(), i.message(tl))).collect()
        }
        _ => BTreeMap::new(),
    };
    let blocking_error = match &prepared {
        Err(error @ (CommitmentError::NotInForce { .. } | CommitmentError::Template(_))) => {
            Some(bilingual(&error.to_string(), lang))
        }
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
        let touched = touched.clone();
        Callback::from(move |name: String| {
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
    let ready = prepared.is_ok() && chosen_kid.is_some() && !passphrase.is_empty();
    let on_sign = {
        let (filled, chosen_kid, passphrase, phase, show_all, keys) =
            (filled.clone(), chosen_kid.clone(), passphrase.clone(), phase.clone(), show_all.clone(), keys.clone());
        let valid = prepared.is_ok();
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            keys.set(key_store::load());
            if !valid {
                show_all.set(true);
                return;
            }
            let Some(kid) = (*chosen_kid).clone() else { return };
            phase.set(Phase::Signing);
            let (filled, passphrase, phase) = (filled.clone(), passphrase.clone(), phase.clone());
            wasm_bindgen_futures::spawn_local(async move {
                yield_to_paint().await;
                let signed = match sign(&filled, &kid, &passphrase) {
                    Ok(signed) => signed,
                    Err(error) => {
                        phase.set(Phase::Failed { message: bilingual(&error, lang), signed: None });
                        return;
                    }
                };
                passphrase.set(String::new());
                phase.set(Phase::Submitting);
                let answer = if repair {
                    api::submit_repair_application(&signed).await
                } else {
                    api::submit_commitment(&signed).await
                };
                phase.set(match answer {
                    Ok(receipt) => {
                        let bundle = Bundle { commitment: Some(signed), receipt: Some(receipt.receipt.to_string()) };
                        Phase::Done { bundle: bundle.to_json(), receipt }
                    }
                    Err(error) => Phase::Failed { message: error.message(lang), signed: Some(signed) },
                });
            });
        })
    };

    let mut kinds: Vec<template::TemplateKind> = Vec::new();
    for t in template::all() {
        if !kinds.contains(&t.kind) {
            kinds.push(t.kind);
        }
    }
    let busy = matches!(*phase, Phase::Signing | Phase::Submitting);

    html! {
        <>
        <section class="card" aria-labelledby="commit-title">
            <h2 id="commit-title">{ lang.pick("填写信用承诺书", "Fill in a credit commitment") }</h2>
            <label for="template-select">{ lang.pick("承诺书模板", "Template") }</label>
            <select id="template-select" onchange={on_template} disabled={repair}>
                { for kinds.iter().map(|kind| html! {
                    <optgroup label={kind.label(tl)}>
                        { for template::all().iter().filter(|t| t.kind == *kind).map(|t| html! {
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
            </dl>
            if let Some(error) = &blocking_error { <p class="notice no" role="alert">{ error }</p> }
            <form id="commit-form" class="commit-form" novalidate=true onsubmit={Callback::from(|e: SubmitEvent| e.prevent_default())}>
                { for template.fields.iter().map(|spec| {
                    let shown = *show_all || touched.contains(&spec.id);
                    html! {
                        <FieldInput key={format!("{}:{}", template.id, spec.id)} {lang} spec={spec.clone()}
                            value={values.get(&spec.id).cloned()} required={spec.is_required(&filled.values)}
                            error={issues.get(&spec.id).filter(|_| shown).cloned()}
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
            <article class="commitment-text" id="preview" lang={lang.tag()}>
                <h3>{ preview.title.clone() }</h3>
                <pre id="preview-text">{ preview.text.clone() }</pre>
            </article>
        </section>
        <section class="card" aria-labelledby="sign-title">
            <h2 id="sign-title">{ lang.pick("签名并提交", "Sign and submit") }</h2>
            if keys.is_empty() {
                <p>{ lang.pick("还没有签名密钥：", "No signing key yet: ") }<a href={Route::Keys.href()}>{ lang.pick("先创建一个密钥", "create one first") }</a></p>
            } else {
                <form class="sign-form" onsubmit={on_sign}>
                    <label for="sign-key">{ lang.pick("签名密钥", "Signing key") }</label>
                    <select id="sign-key" onchange={on_key}>
                        { for keys.iter().map(|k| html! {
                            <option value={k.kid.clone()} selected={Some(&k.kid) == chosen_kid.as_ref()}>
                                { format!("{} · {}", k.label.clone().unwrap_or_else(|| lang.pick("未命名", "unnamed").into()), envelope::fingerprint_groups(&k.kid)) }
                            </option>
                        }) }
                    </select>
                    <label for="sign-pass">{ lang.pick("密钥口令", "Key passphrase") }</label>
                    <input id="sign-pass" type="password" autocomplete="current-password" value={(*passphrase).clone()} oninput={on_pass} />
                    <div class="row">
                        <button type="submit" class="primary" id="sign-submit" disabled={busy || (!ready && prepared.is_ok())}>{ lang.pick("签名并提交", "Sign and submit") }</button>
                        if prepared.is_err() { <span class="muted">{ lang.pick("请先改正上面标出的项目", "Correct the marked fields first") }</span> }
                    </div>
                </form>
            }
            { phase_view(&phase, lang) }
        </section>
        </>
    }
}

fn phase_view(phase: &Phase, lang: Lang) -> Html {
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
                    let bundle = Bundle { commitment: Some(signed.clone()), receipt: None };
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
        Phase::Done { receipt, bundle } => {
            let bundle = bundle.clone();
            let id = receipt.submission_id.clone();
            let on_download = Callback::from(move |_| {
                let name = format!("xinnuo-commitment-{}.json", id.chars().take(12).collect::<String>());
                let _ = download(&name, &bundle, "application/json");
            });
            html! {
                <div id="receipt" class="notice ok receipt" aria-live="polite">
                    <p class="receipt-title">{ format!("{} #{}", lang.pick("已提交，回执序号", "Submitted, receipt number"), receipt.sequence) }</p>
                    <dl>
                        <dt>{ lang.pick("提交编号", "Submission id") }</dt><dd><code id="receipt-id">{ receipt.submission_id.clone() }</code></dd>
                        <dt>{ lang.pick("接收时间", "Received at") }</dt><dd>{ receipt.received_at.clone() }</dd>
                        <dt>{ lang.pick("密钥状态", "Key status") }</dt><dd id="receipt-key-status">{ lang.pick(&receipt.key_status_label_zh, &receipt.key_status_label_en) }</dd>
                    </dl>
                    <div class="row">
                        <a class="button" id="print-link" href={Route::Print(receipt.submission_id.clone()).href()}>{ lang.pick("打印承诺书", "Print") }</a>
                        <a class="button" href={Route::Verify(Some(receipt.submission_id.clone())).href()}>{ lang.pick("验证", "Verify") }</a>
                        <button type="button" onclick={on_download}>{ lang.pick("下载签名文件", "Download signed file") }</button>
                    </div>
                </div>
            }
        }
    }
}
