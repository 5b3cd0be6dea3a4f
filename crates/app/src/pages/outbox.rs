//! Drafts and the outbox: open or delete a draft; follow each signed submission (signed → queued → sent →
//! receipted | rejected with the server's reason); send now; correct and re-sign a rejected one; export a
//! signed file to carry by hand, or import one to queue it.

use web_sys::HtmlInputElement;
use xinnuo_core::bundle::Bundle;
use xinnuo_core::commitment;
use xinnuo_core::template::TemplateKind;
use yew::prelude::*;

use crate::api::{data_source, DataSource};
use crate::browser::{download, now_iso};
use crate::components::time::BeijingTime;
use crate::i18n::{Lang, Text};
use crate::pages::commit::{set_current_draft, start_new_draft};
use crate::route::Route;
use crate::storage::db;
use crate::storage::outbox::{Draft, OutboxItem, OutboxState};
use crate::sync;

/// The 承诺事项 a signed submission names (never personal), so that two of one template can be told apart.
fn matter_of(jws: &str) -> Option<String> {
    let signed = commitment::verify(jws).ok()?;
    signed.prepared.values.get("matter").and_then(serde_json::Value::as_str).map(str::to_owned)
}

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// The result of `navigator.storage.persist()`, once known.
    pub persisted: Option<bool>,
}

#[derive(Clone, PartialEq, Default)]
struct Lists {
    drafts: Vec<Draft>,
    items: Vec<OutboxItem>,
    unreadable: usize,
    error: Option<Text>,
    /// When this tab last went through the outbox.
    checked_at: Option<String>,
}

/// How each delivered item was handled, by submission id: a commitment by the department (its state and the
/// latest decision), a repair application by the authority that decided the record (as the subject's page
/// shows it: its state, and while under review the limit of its channel's step).
#[derive(Clone, PartialEq, Default)]
struct Handling {
    commitments: std::collections::BTreeMap<String, crate::api::CommitmentDetail>,
    repairs: std::collections::BTreeMap<String, crate::api::RepairApplication>,
}

async fn load_handling() -> Handling {
    let mut handling = Handling::default();
    if data_source() != DataSource::Api {
        return handling;
    }
    let Ok((items, _)) = db::items().await else { return handling };
    let delivered: Vec<&OutboxItem> = items.iter().filter(|item| item.state == OutboxState::Receipted).collect();
    for item in delivered.iter().filter(|item| !item.repair) {
        if let Ok(stored) = crate::api::get_commitment_detail(&item.submission_id).await {
            handling.commitments.insert(item.submission_id.clone(), stored);
        }
    }
    // A repair application stands on its subject's page: each subject read once.
    let mut subjects: Vec<&str> =
        delivered.iter().filter(|item| item.repair).map(|item| item.credit_code.as_str()).collect();
    subjects.sort_unstable();
    subjects.dedup();
    for code in subjects {
        if let Ok(view) = crate::api::get_subject(code).await {
            for application in view.repair_applications {
                if delivered.iter().any(|item| item.repair && item.submission_id == application.submission_id) {
                    handling.repairs.insert(application.submission_id.clone(), application);
                }
            }
        }
    }
    handling
}

async fn load() -> Lists {
    let mut lists = Lists { checked_at: sync::last_check(), ..Lists::default() };
    match db::drafts().await {
        Ok((mut drafts, bad)) => {
            drafts.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
            lists.drafts = drafts;
            lists.unreadable += bad;
        }
        Err(e) => lists.error = Some(e.0),
    }
    match db::items().await {
        Ok((mut items, bad)) => {
            items.sort_by(|a, b| b.created_at.cmp(&a.created_at));
            lists.items = items;
            lists.unreadable += bad;
        }
        Err(e) => lists.error = Some(e.0),
    }
    lists
}

/// A signed file (from another device or a static site) into the outbox, after verifying it here.
fn item_from_file(text: &str) -> Result<OutboxItem, Text> {
    let bundle = Bundle::parse(text)?;
    let jws = bundle.commitment.ok_or_else(|| Text::new("文件中没有承诺书", "The file holds no commitment"))?;
    let signed = commitment::verify(&jws)?;
    if !signed.is_complete() {
        return Err(Text::new(
            "这是公示的副本，个人信息已隐去，不能再次提交；请导入签名人保存的签名文件",
            "This is a published copy with personal data withheld and cannot be submitted; import the signer's own file",
        ));
    }
    Ok(OutboxItem::new(
        signed.envelope.submission_id.clone(),
        jws,
        signed.prepared.template.kind == TemplateKind::Repair,
        data_source() == DataSource::Api,
        signed.prepared.template.title.zh.to_string(),
        signed.prepared.credit_code().unwrap_or_default().to_owned(),
        now_iso(),
    ))
}

#[component]
pub fn OutboxPage(props: &Props) -> Html {
    let lang = props.lang;
    let lists = use_state(Lists::default);
    let notice = use_state(|| None::<Result<String, String>>);
    let reload = {
        let lists = lists.clone();
        Callback::from(move |_: ()| {
            let lists = lists.clone();
            wasm_bindgen_futures::spawn_local(async move { lists.set(load().await) });
        })
    };
    {
        let reload = reload.clone();
        use_effect_with((), move |_| {
            reload.emit(());
            // Follow changes from this tab, and poll for other tabs' sends.
            let listener = gloo_events_listener(reload.clone());
            let interval = gloo_timers::callback::Interval::new(2_000, move || reload.emit(()));
            move || {
                drop(listener);
                drop(interval);
            }
        });
    }
    let handling = use_state(Handling::default);
    let refresh_handling = {
        let handling = handling.clone();
        Callback::from(move |_: ()| {
            let handling = handling.clone();
            wasm_bindgen_futures::spawn_local(async move { handling.set(load_handling().await) });
        })
    };
    {
        let refresh = refresh_handling.clone();
        use_effect_with((), move |_| {
            refresh.emit(());
            // Departments decide in their own time: look again now and then, not at every outbox change.
            let interval = gloo_timers::callback::Interval::new(15_000, move || refresh.emit(()));
            move || drop(interval)
        });
    }
    let on_send_now = Callback::from(|_| sync::send_now());
    let on_new = Callback::from(|_| {
        start_new_draft();
        if let Some(window) = web_sys::window() {
            let _ = window.location().set_hash(&Route::Commit(None).href());
        }
    });
    let on_import = {
        let (notice, reload) = (notice.clone(), reload.clone());
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let (notice, reload) = (notice.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = gloo_file::futures::read_as_text(&gloo_file::File::from(file))
                    .await
                    .map_err(|e| Text::new(format!("无法读取文件：{e}"), format!("Cannot read the file: {e}")));
                let result = match text.and_then(|t| item_from_file(&t)) {
                    Ok(item) => match db::item(&item.submission_id).await {
                        Ok(Some(_)) => Ok(lang
                            .pick("这份承诺书已在发件箱中", "This commitment is already in the outbox")
                            .to_owned()),
                        _ => db::save_item(&item)
                            .await
                            .map(|_| lang.pick("已导入并加入发件箱", "Imported into the outbox").to_owned())
                            .map_err(|e| e.0.get(lang)),
                    },
                    Err(error) => Err(error.get(lang)),
                };
                notice.set(Some(result));
                reload.emit(());
                sync::flush_soon();
            });
        })
    };
    let on_clear_device = {
        let (notice, reload) = (notice.clone(), reload.clone());
        Callback::from(move |_| {
            let question = lang.pick(
                "清除本机保存的全部信诺数据？草稿、发件箱、签名密钥和已下载的服务器公钥都将删除，无法恢复（已送达服务器的承诺书不受影响）。",
                "Remove every Xinnuo record kept on this computer? Drafts, the outbox, signing keys and the pinned server keys are deleted for good (commitments already delivered stay on the server).",
            );
            let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false);
            if !confirmed {
                return;
            }
            let (notice, reload) = (notice.clone(), reload.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = db::clear_device().await;
                notice.set(Some(match result {
                    Ok(()) => Ok(lang.pick("已清除本机数据。", "This computer's Xinnuo data was removed.").to_owned()),
                    Err(error) => Err(error.0.get(lang)),
                }));
                crate::browser::announce("xinnuo-keys-changed");
                reload.emit(());
            });
        })
    };
    let persisted = match props.persisted {
        Some(true) => lang.pick(
            "浏览器已授予持久存储：草稿和发件箱不会被自动清除。",
            "Persistent storage granted: drafts and the outbox will not be evicted.",
        ),
        Some(false) => lang.pick(
            "浏览器未授予持久存储：空间紧张时可能清除数据，请及时提交或导出。",
            "Persistent storage not granted: the browser may evict data when space is short; submit or export in time.",
        ),
        None => lang.pick("正在申请持久存储…", "Requesting persistent storage…"),
    };
    html! {
        <>
        <section class="card" aria-labelledby="drafts-title">
            <h2 id="drafts-title">{ lang.pick("草稿", "Drafts") }</h2>
            <p class="hint" id="persist-status">{ persisted }</p>
            if let Some(error) = &lists.error { <p class="notice no" role="alert">{ error.get(lang) }</p> }
            if lists.unreadable > 0 {
                <p class="notice no" role="alert">{ format!("{} {}", lists.unreadable, lang.pick("条记录无法读取，已原样保留。", "record(s) could not be read; they are kept as they are.")) }</p>
            }
            <div class="row"><button type="button" onclick={on_new}>{ lang.pick("新建承诺书", "New commitment") }</button></div>
            if lists.drafts.is_empty() { <p class="muted" id="no-drafts">{ lang.pick("没有草稿。", "No drafts.") }</p> }
            <ul class="draft-list" id="draft-list">
                { for lists.drafts.iter().map(|draft| {
                    let name = draft.values.get("subject_name").and_then(|v| v.as_str()).unwrap_or("").to_owned();
                    let title = xinnuo_core::template::get(&draft.template_id, None).map(|t| t.title.get(lang).to_owned()).unwrap_or_else(|_| draft.template_id.clone());
                    let on_open = {
                        let id = draft.id.clone();
                        Callback::from(move |_| {
                            set_current_draft(&id);
                            if let Some(window) = web_sys::window() {
                                let _ = window.location().set_hash(&Route::Commit(None).href());
                            }
                        })
                    };
                    let on_delete = {
                        let (id, reload) = (draft.id.clone(), reload.clone());
                        Callback::from(move |_| {
                            let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(lang.pick("删除这份草稿？", "Delete this draft?")).ok()).unwrap_or(false);
                            if confirmed {
                                let (id, reload) = (id.clone(), reload.clone());
                                wasm_bindgen_futures::spawn_local(async move {
                                    let _ = db::delete_draft(&id).await;
                                    reload.emit(());
                                });
                            }
                        })
                    };
                    html! {
                        <li class="draft" data-id={draft.id.clone()}>
                            <strong>{ title }</strong>{ format!(" · {name} · {}", crate::components::time::beijing(&draft.updated_at, lang)) }
                            if !draft.repair { <button type="button" onclick={on_open}>{ lang.pick("打开", "Open") }</button> }
                            <button type="button" onclick={on_delete}>{ lang.pick("删除", "Delete") }</button>
                        </li>
                    }
                }) }
            </ul>
        </section>
        <section class="card" aria-labelledby="outbox-title">
            <h2 id="outbox-title">{ lang.pick("发件箱", "Outbox") }</h2>
            <div class="row">
                <button type="button" id="send-now" onclick={on_send_now}>{ lang.pick("立即发送", "Send now") }</button>
                <label class="file-button">{ lang.pick("导入签名文件：", "Import a signed file: ") }
                    <input id="outbox-import" type="file" accept=".json,application/json" onchange={on_import} />
                </label>
            </div>
            if let Some(at) = &lists.checked_at {
                <p class="muted" id="outbox-checked">{ lang.pick("本页最近一次检查发件箱：", "This page last went through the outbox: ") }<BeijingTime {lang} at={at.clone()} /></p>
            }
            { match &*notice {
                Some(Ok(text)) => html! { <p class="notice ok" id="outbox-notice">{ text }</p> },
                Some(Err(text)) => html! { <p class="notice no" role="alert" id="outbox-notice">{ text }</p> },
                None => html! {},
            } }
            if lists.items.is_empty() { <p class="muted" id="no-items">{ lang.pick("发件箱为空。", "The outbox is empty.") }</p> }
            <ul class="outbox-list" id="outbox-list">
                { for lists.items.iter().map(|item| outbox_item(item, handling.commitments.get(&item.submission_id), handling.repairs.get(&item.submission_id), lang, reload.clone(), refresh_handling.clone())) }
            </ul>
        </section>
        <section class="card" aria-labelledby="device-title">
            <h2 id="device-title">{ lang.pick("本机数据", "Data on this computer") }</h2>
            <p class="hint">{ lang.pick(
                "已送达的承诺书在一段时间后自动删除本机保存的个人信息（身份证号码、电话、住所）。在公用电脑上办理后，请清除本机数据。",
                "Delivered commitments drop the personal data kept here (ID numbers, phones, address) after a while. On a shared computer, remove this computer's data when you are done.") }</p>
            <div class="row"><button type="button" id="clear-device" onclick={on_clear_device}>{ lang.pick("清除本机数据", "Remove this computer's data") }</button></div>
        </section>
        </>
    }
}

fn outbox_item(
    item: &OutboxItem,
    handled: Option<&crate::api::CommitmentDetail>,
    repair: Option<&crate::api::RepairApplication>,
    lang: Lang,
    reload: Callback<()>,
    refresh_handling: Callback<()>,
) -> Html {
    let (zh, en) = item.state.label();
    // Until the department accepts it the enterprise may withdraw it, with the key that signed it while that key
    // is not revoked (the core says when; a server that does not say the key's standing decides itself).
    let withdrawable = !item.repair
        && handled.is_some_and(|stored| {
            let standing = stored.commitment.signer_standing.unwrap_or(xinnuo_core::receipt::KeyStatus::Unenrolled);
            xinnuo_core::workflow::may_withdraw(stored.commitment.state, standing)
        });
    let department_state = handled.map(|stored| stored.commitment.state);
    let returned = department_state == Some(xinnuo_core::decision::CommitmentState::Returned);
    // What the department said last (its reason for a return or a finding), in the page's language.
    let handling = department_state.map(|state| {
        let reason = handled
            .and_then(|stored| stored.decisions.last())
            .map(|decision| decision.reason.clone())
            .filter(|reason| !reason.is_empty());
        let label = lang.pick(state.label_zh(), state.label_en());
        let mut line = match reason {
            Some(reason) => format!("{label}{}{reason}", lang.pick("：", ": ")),
            None => label.to_owned(),
        };
        if let Some(stored) = handled.filter(|s| !s.commitment.department_name.is_empty()) {
            line = format!("{line} · {}", crate::i18n::departments(lang, &stored.commitment.departments));
        }
        if let Some(deadline) = handled.and_then(|s| s.commitment.deadline.as_ref()) {
            line += &format!(" · {}", deadline.describe(lang == Lang::Zh));
        }
        line
    });
    let on_export = {
        let item = item.clone();
        Callback::from(move |_| {
            let bundle = Bundle {
                commitment: Some(item.jws.clone()),
                receipt: item.receipt.as_ref().map(|r| r.to_string()),
                ..Bundle::default()
            };
            let _ = download(
                &format!("xinnuo-commitment-{}.json", &item.submission_id[..12.min(item.submission_id.len())]),
                &bundle.to_json(),
                "application/json",
            );
        })
    };
    let correctable = item.state == OutboxState::Rejected || returned;
    // Why it comes back: said above the form until it is signed again (the item leaves the outbox).
    let correction = if returned {
        handled.and_then(|stored| stored.decisions.last()).map(|decision| {
            Text::new(
                format!("{}退回补正：{}", decision.department, decision.reason),
                format!(
                    "Returned for correction by {}: {}",
                    crate::i18n::department(Lang::En, &decision.department),
                    decision.reason
                ),
            )
        })
    } else {
        item.rejection.as_ref().map(|reason| {
            Text::new(
                format!("服务器拒绝受理：{}", reason.get(Lang::Zh)),
                format!("Refused by the server: {}", reason.get(Lang::En)),
            )
        })
    };
    let on_correct = item.draft.clone().filter(|_| correctable).map(|draft| {
        let (id, reload, correction) = (item.submission_id.clone(), reload.clone(), correction.clone());
        Callback::from(move |_| {
            let (draft, id, reload, correction) = (draft.clone(), id.clone(), reload.clone(), correction.clone());
            wasm_bindgen_futures::spawn_local(async move {
                // The rejected form becomes the current draft again, with why; the rejected item leaves the outbox.
                let draft = Draft { id: format!("{}-fix", draft.id), updated_at: now_iso(), correction, ..draft };
                if db::save_draft(&draft).await.is_ok() {
                    let _ = db::delete_item(&id).await;
                    set_current_draft(&draft.id);
                    reload.emit(());
                    if let Some(window) = web_sys::window() {
                        let _ = window.location().set_hash(&Route::Commit(None).href());
                    }
                }
            });
        })
    });
    html! {
        <li class={classes!("outbox-item", format!("state-{:?}", item.state).to_lowercase())} data-id={item.submission_id.clone()}>
            <div><strong>{ item.title.clone() }</strong>
                if let Some(matter) = matter_of(&item.jws) { <span class="matter">{ format!(" · {matter}") }</span> }
                { format!(" · {} · ", item.credit_code) }<crate::components::time::BeijingTime {lang} at={item.created_at.clone()} /></div>
            <div class="state">{ lang.pick(zh, en) }
                if let Some(sequence) = item.sequence { { format!(" · {} #{sequence}", lang.pick("回执序号", "receipt")) } }
                if let Some(position) = item.log_position {
                    <span class="log-position">{ match lang { Lang::Zh => format!(" · 已记入公开日志 第 {position} 条"), Lang::En => format!(" · in the public log as entry {position}") } }</span>
                }
            </div>
            if let Some(reason) = &item.rejection { <div class="notice no">{ format!("{}{}", lang.pick("拒绝原因：", "Reason: "), reason.get(lang)) }</div> }
            if let Some(handling) = handling {
                <div class={classes!("handling", if returned { "notice no" } else { "notice" })}>
                    { format!("{}{handling}", lang.pick("部门办理：", "Department: ")) }
                </div>
            }
            // A repair application: said as the subject's page says it (the same words, the same limit).
            if let Some(application) = repair {
                <div class="handling repair-handling notice">
                    { format!("{}{}", lang.pick("修复申请：", "Repair application: "), crate::components::repair_panel::application_line(application, lang)) }
                    { " " }<crate::route::AppLink to={Route::Status(Some(item.credit_code.clone()))}>{ lang.pick("查看信用状况页", "Open the status page") }</crate::route::AppLink>
                </div>
            }
            if let (Some(error), true) = (&item.last_error, sync::pending(item.state)) { <div class="muted">{ error.get(lang) }</div> }
            <div class="row">
                <button type="button" onclick={on_export}>{ lang.pick("导出签名文件", "Export signed file") }</button>
                if item.state == OutboxState::Receipted {
                    <a class="button" href={Route::Print(item.submission_id.clone()).href()}>{ lang.pick("打印", "Print") }</a>
                }
                if let Some(on_correct) = on_correct {
                    <button type="button" class="primary" onclick={on_correct}>{ lang.pick("修改后重新签名", "Correct and sign again") }</button>
                }
            </div>
            if withdrawable {
                <WithdrawForm {lang} submission_id={item.submission_id.clone()} jws={item.jws.clone()} on_done={refresh_handling} />
            }
        </li>
    }
}

#[derive(Properties, PartialEq)]
struct WithdrawProps {
    lang: Lang,
    submission_id: String,
    /// The signed file: its key is the one that may withdraw it.
    jws: String,
    on_done: Callback<()>,
}

/// Signs the enterprise's withdrawal (`withdraw`, a decision on its own commitment) with the key that signed
/// the commitment, and sends it.
async fn withdraw(jws: &str, submission_id: &str, reason: &str, passphrase: &str) -> Result<(), Text> {
    let kid = commitment::verify(jws)?.envelope.kid;
    let file = crate::storage::keys::find(&kid).map_err(|_| {
        Text::new("签署这份承诺书的密钥不在本机，无法撤回", "The key that signed it is not on this device")
    })?;
    let seed = crate::browser::open_key_file(&file, passphrase).await?;
    let nonce = crate::browser::random::<16>()?;
    let signer = xinnuo_core::envelope::Signer::from_seed(&seed);
    let signed = xinnuo_core::decision::sign(
        xinnuo_core::decision::Action::Withdraw,
        submission_id,
        reason,
        &now_iso(),
        &nonce,
        &signer,
    )?;
    crate::api::post_decision(&signed.to_json()).await.map(|_| ()).map_err(Text::from)
}

#[component]
fn WithdrawForm(props: &WithdrawProps) -> Html {
    let lang = props.lang;
    let open = use_state(|| false);
    let reason = use_state(String::new);
    let passphrase = use_state(String::new);
    let notice = use_state(|| None::<Result<String, String>>);
    let input = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |event: InputEvent| state.set(event.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let on_submit = {
        let (jws, id, on_done) = (props.jws.clone(), props.submission_id.clone(), props.on_done.clone());
        let (reason, passphrase, notice, open) = (reason.clone(), passphrase.clone(), notice.clone(), open.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (jws, id, on_done) = (jws.clone(), id.clone(), on_done.clone());
            let (why, pass, notice, open) = ((*reason).clone(), (*passphrase).clone(), notice.clone(), open.clone());
            passphrase.set(String::new());
            notice.set(Some(Ok(lang.pick("正在签名并撤回…", "Signing the withdrawal…").to_owned())));
            wasm_bindgen_futures::spawn_local(async move {
                match withdraw(&jws, &id, why.trim(), &pass).await {
                    Ok(()) => {
                        notice.set(Some(Ok(lang.pick("已撤回。", "Withdrawn.").to_owned())));
                        open.set(false);
                        on_done.emit(());
                    }
                    Err(error) => notice.set(Some(Err(error.get(lang)))),
                }
            });
        })
    };
    let toggle = {
        let open = open.clone();
        Callback::from(move |_| open.set(!*open))
    };
    html! {
        <div class="withdraw">
            <button type="button" class="withdraw-open" onclick={toggle}>{ lang.pick("撤回承诺", "Withdraw") }</button>
            if *open {
                <form class="withdraw-form" onsubmit={on_submit}>
                    <label>{ lang.pick("撤回原因（可选，将公示）", "Reason (optional, published)") }
                        <input class="withdraw-reason" value={(*reason).clone()} oninput={input(&reason)} /></label>
                    <label>{ lang.pick("签署该承诺书的密钥口令", "Passphrase of the key that signed it") }
                        <input class="withdraw-pass" type="password" autocomplete="current-password" value={(*passphrase).clone()} oninput={input(&passphrase)} /></label>
                    <button type="submit" class="primary withdraw-submit">{ lang.pick("签名并撤回", "Sign and withdraw") }</button>
                </form>
            }
            { match &*notice {
                Some(Ok(text)) => html! { <p class="notice ok withdraw-notice">{ text }</p> },
                Some(Err(text)) => html! { <p class="notice no withdraw-notice" role="alert">{ text }</p> },
                None => html! {},
            } }
        </div>
    }
}

/// Listens for `xinnuo-outbox-changed` on the window for as long as the returned value lives.
fn gloo_events_listener(reload: Callback<()>) -> Option<gloo_events::EventListener> {
    let window = web_sys::window()?;
    Some(gloo_events::EventListener::new(&window, "xinnuo-outbox-changed", move |_| reload.emit(())))
}
