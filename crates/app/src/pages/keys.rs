//! Keys: create one with a passphrase (stored only encrypted), export/import the key file, enrol it with
//! the server for a credit code. Nothing secret leaves this page.

use web_sys::HtmlInputElement;
use xinnuo_core::enrolment;
use xinnuo_core::envelope::keyfile::{self, KeyFile};
use xinnuo_core::envelope::{self};
use yew::prelude::*;

use crate::api::{self, EnrolmentView};
use crate::browser::{download, now_iso, random, yield_to_paint};
use crate::i18n::{Lang, Text};
use crate::storage::keys as key_store;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

#[derive(Clone, PartialEq)]
enum Notice {
    None,
    Busy(&'static str, &'static str),
    Ok(String),
    Error(String),
}

impl Notice {
    fn view(&self, lang: Lang, id: &str) -> Html {
        match self {
            Notice::None => html! { <p id={id.to_owned()} class="notice idle" aria-live="polite"></p> },
            Notice::Busy(zh, en) => {
                html! { <p id={id.to_owned()} class="notice busy" aria-live="polite">{ lang.pick(zh, en) }</p> }
            }
            Notice::Ok(text) => html! { <p id={id.to_owned()} class="notice ok" aria-live="polite">{ text }</p> },
            Notice::Error(text) => html! { <p id={id.to_owned()} class="notice no" role="alert">{ text }</p> },
        }
    }
}

fn input_value(event: &InputEvent) -> String {
    event.target_unchecked_into::<HtmlInputElement>().value()
}

async fn create_key(passphrase: &str, label: &str) -> Result<KeyFile, Text> {
    let label = Some(label.trim().to_owned()).filter(|l| !l.is_empty());
    keyfile::check_passphrase(passphrase)?;
    let (seed, salt, nonce) = (random::<32>()?, random::<16>()?, random::<12>()?);
    crate::browser::seal_key_file(&seed, passphrase, &salt, &nonce, &now_iso(), label).await
}

/// Offers the key file (still encrypted) as a download; answers the file's name.
fn export_key_file(file: &KeyFile) -> Result<String, String> {
    let name = format!("xinnuo-key-{}.json", file.kid.chars().take(8).collect::<String>());
    serde_json::to_string_pretty(file)
        .map_err(|e| e.to_string())
        .and_then(|text| download(&name, &text, "application/json").map_err(|e| format!("{e:?}")))
        .map(|()| name)
}

#[component]
pub fn KeysPage(props: &Props) -> Html {
    let lang = props.lang;
    let keys = use_state(key_store::load);
    let label = use_state(String::new);
    let pass = use_state(String::new);
    let pass_again = use_state(String::new);
    let notice = use_state(|| Notice::None);
    let import_notice = use_state(|| Notice::None);
    // The key just created, until it is backed up or the person says later: asked once, right after creating.
    let backup = use_state(|| None::<KeyFile>);

    let on_create = {
        let (keys, label, pass, pass_again, notice, backup) =
            (keys.clone(), label.clone(), pass.clone(), pass_again.clone(), notice.clone(), backup.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *pass != *pass_again {
                notice.set(Notice::Error(lang.pick("两次输入的口令不一致", "The two passphrases differ").into()));
                return;
            }
            notice.set(Notice::Busy("正在生成并加密密钥…", "Generating and encrypting the key…"));
            let (keys, label, pass, pass_again, notice, backup) =
                (keys.clone(), label.clone(), pass.clone(), pass_again.clone(), notice.clone(), backup.clone());
            wasm_bindgen_futures::spawn_local(async move {
                yield_to_paint().await;
                match create_key(&pass, &label).await.and_then(|file| {
                    let kid = file.kid.clone();
                    key_store::add(file.clone()).map(|_| (kid, file))
                }) {
                    Ok((kid, file)) => {
                        backup.set(Some(file));
                        notice.set(Notice::Ok(format!(
                            "{}{}",
                            lang.pick("已创建密钥，指纹：", "Key created, fingerprint: "),
                            envelope::fingerprint_groups(&kid)
                        )));
                        keys.set(key_store::load());
                        crate::browser::announce("xinnuo-keys-changed");
                        pass.set(String::new());
                        pass_again.set(String::new());
                        label.set(String::new());
                    }
                    Err(error) => notice.set(Notice::Error(error.get(lang))),
                }
            });
        })
    };

    let on_import = {
        let (keys, import_notice) = (keys.clone(), import_notice.clone());
        Callback::from(move |event: Event| {
            let input = event.target_unchecked_into::<HtmlInputElement>();
            let Some(file) = input.files().and_then(|files| files.get(0)) else { return };
            input.set_value("");
            let (keys, import_notice) = (keys.clone(), import_notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let text = gloo_file::futures::read_as_text(&gloo_file::File::from(file)).await;
                let result = text
                    .map_err(|e| Text::new(format!("无法读取文件：{e}"), format!("Cannot read the file: {e}")))
                    .and_then(|text| Ok(keyfile::parse(&text)?))
                    .and_then(|file| {
                        let kid = file.kid.clone();
                        key_store::add(file).map(|added| (kid, added))
                    });
                import_notice.set(match result {
                    Ok((kid, true)) => Notice::Ok(format!(
                        "{}{}",
                        lang.pick("已导入密钥：", "Key imported: "),
                        envelope::fingerprint_groups(&kid)
                    )),
                    Ok((_, false)) => {
                        Notice::Ok(lang.pick("此密钥已在列表中", "This key is already in the list").into())
                    }
                    Err(error) => Notice::Error(error.get(lang)),
                });
                keys.set(key_store::load());
            });
        })
    };

    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |event: InputEvent| state.set(input_value(&event)))
    };
    let on_backup = {
        let (backup, notice) = (backup.clone(), notice.clone());
        Callback::from(move |_| {
            let Some(file) = (*backup).clone() else { return };
            notice.set(match export_key_file(&file) {
                Ok(name) => Notice::Ok(format!(
                    "{}{name}{}",
                    lang.pick("已下载密钥文件 ", "Key file downloaded: "),
                    lang.pick(
                        "（仍由口令加密）。请把它保存在本机以外的安全位置，例如单位的加密U盘。",
                        " (still encrypted by its passphrase). Keep it somewhere safe besides this computer.",
                    )
                )),
                Err(error) => Notice::Error(error),
            });
            backup.set(None);
        })
    };
    let on_backup_later = {
        let backup = backup.clone();
        Callback::from(move |_| backup.set(None))
    };

    html! {
        <section class="card" aria-labelledby="keys-title">
            <h2 id="keys-title">{ lang.pick("签名密钥", "Signing keys") }</h2>
            <p class="hint">{ lang.pick(
                "密钥在本浏览器中生成，只以您的口令加密后保存；口令不会保存或上传，忘记口令将无法使用该密钥。",
                "Keys are made in this browser and kept only locked with your passphrase. The passphrase is never stored or sent; without it the key cannot be used.") }</p>
            <crate::components::tech_details::TechDetails {lang}>
                <p>{ lang.pick(
                    "Ed25519 签名密钥；私钥以口令经 Argon2id 派生的密钥、用 AES-256-GCM 加密保存。",
                    "Ed25519 signing keys; the private key is encrypted with AES-256-GCM under a key derived from the passphrase with Argon2id.") }</p>
            </crate::components::tech_details::TechDetails>
            <form class="key-create" onsubmit={on_create}>
                <h3>{ lang.pick("新建密钥", "New key") }</h3>
                <label for="key-label">{ lang.pick("名称（可选，如“财务部”）", "Label (optional)") }</label>
                <input id="key-label" value={(*label).clone()} oninput={set(&label)} maxlength="50" />
                <label for="key-pass">{ lang.pick("口令（至少 8 个字符）", "Passphrase (at least 8 characters)") }</label>
                <input id="key-pass" type="password" autocomplete="new-password" value={(*pass).clone()} oninput={set(&pass)} />
                <label for="key-pass-again">{ lang.pick("再次输入口令", "Passphrase again") }</label>
                <input id="key-pass-again" type="password" autocomplete="new-password" value={(*pass_again).clone()} oninput={set(&pass_again)} />
                <div class="row"><button type="submit" class="primary" id="key-create" disabled={matches!(*notice, Notice::Busy(..))}>{ lang.pick("生成密钥", "Create key") }</button></div>
                { notice.view(lang, "key-notice") }
            </form>
            if backup.is_some() {
                <div class="notice warn key-backup" id="key-backup" role="alert">
                    <p><strong>{ lang.pick("请立即备份新密钥。", "Back up your new key now.") }</strong>
                        { lang.pick(
                            "密钥只保存在本浏览器中：清除浏览器数据、换电脑或手机后，没有备份就无法再使用它签名，已登记的核验也要重新办理。备份文件仍由口令加密。",
                            "The key lives only in this browser: if its data is cleared or you change computer or phone, without a backup it can sign nothing and its approval must be done again. The backup stays encrypted by the passphrase.") }</p>
                    <div class="row">
                        <button type="button" class="primary" id="key-backup-download" onclick={on_backup}>{ lang.pick("下载密钥文件备份", "Download the key file") }</button>
                        <button type="button" id="key-backup-later" onclick={on_backup_later}>{ lang.pick("以后再说", "Later") }</button>
                    </div>
                </div>
            }
            <div class="row">
                <label class="file-button">{ lang.pick("导入密钥文件：", "Import a key file: ") }
                    <input id="key-import" type="file" accept=".json,application/json" onchange={on_import} />
                </label>
            </div>
            { import_notice.view(lang, "key-import-notice") }
            if keys.is_empty() {
                <p id="no-keys">{ lang.pick("还没有密钥。", "No keys yet.") }</p>
            } else {
                <ul class="key-list" id="key-list">
                    { for keys.iter().map(|file| html! { <KeyItem key={file.kid.clone()} {lang} file={file.clone()} on_removed={
                        let keys = keys.clone();
                        Callback::from(move |_| keys.set(key_store::load()))
                    } /> }) }
                </ul>
            }
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct KeyItemProps {
    lang: Lang,
    file: KeyFile,
    on_removed: Callback<()>,
}

#[component]
fn KeyItem(props: &KeyItemProps) -> Html {
    let lang = props.lang;
    let file = &props.file;
    let enrol_open = use_state(|| false);
    let code = use_state(String::new);
    let name = use_state(String::new);
    let pass = use_state(String::new);
    let notice = use_state(|| Notice::None);
    let kid_short: String = file.kid.chars().take(8).collect();
    // This key's enrolments, as the server has them now (for each code enrolled from this browser).
    let enrolments = use_state(Vec::<EnrolmentView>::new);
    {
        let (enrolments, kid) = (enrolments.clone(), file.kid.clone());
        use_effect_with(kid, move |kid| {
            let kid = kid.clone();
            if api::data_source() == api::DataSource::Api {
                wasm_bindgen_futures::spawn_local(async move {
                    let mut found = Vec::new();
                    for code in key_store::enrolled_codes(&kid) {
                        if let Ok(view) = api::key_enrolment(&kid, &code).await {
                            found.extend(view.enrolments);
                        }
                    }
                    enrolments.set(found);
                });
            }
        });
    }

    let on_export = {
        let (file, notice) = (file.clone(), notice.clone());
        Callback::from(move |_| {
            // Said where the person looks: which file, and that it is still locked by the passphrase.
            notice.set(match export_key_file(&file) {
                Ok(name) => Notice::Ok(format!(
                    "{}{name}{}",
                    lang.pick("已导出密钥文件 ", "Key file exported: "),
                    lang.pick("（仍由口令加密，请妥善保存）", " (still encrypted by its passphrase; keep it safe)")
                )),
                Err(error) => Notice::Error(format!("{}{error}", lang.pick("导出失败：", "Export failed: "))),
            });
        })
    };
    let on_remove = {
        let (kid, on_removed) = (file.kid.clone(), props.on_removed.clone());
        Callback::from(move |_| {
            let question = lang.pick(
                "删除后无法恢复（除非已导出密钥文件）。确定删除？",
                "This cannot be undone unless you exported the key file. Delete?",
            );
            let confirmed = web_sys::window().and_then(|w| w.confirm_with_message(question).ok()).unwrap_or(false);
            if confirmed && key_store::remove(&kid).is_ok() {
                on_removed.emit(());
            }
        })
    };
    let on_enrol = {
        let (file, code, name, pass, notice, enrolments) =
            (file.clone(), code.clone(), name.clone(), pass.clone(), notice.clone(), enrolments.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            notice.set(Notice::Busy("正在解锁密钥并登记…", "Unlocking the key and enrolling…"));
            let (file, code, name, pass, notice, enrolments) =
                (file.clone(), code.clone(), name.clone(), pass.clone(), notice.clone(), enrolments.clone());
            wasm_bindgen_futures::spawn_local(async move {
                yield_to_paint().await;
                let signed = crate::browser::open_key_file(&file, &pass).await.and_then(|seed| {
                    let nonce = random::<16>()?;
                    Ok(enrolment::sign(&code, &name, &now_iso(), &nonce, &envelope::Signer::from_seed(&seed))?)
                });
                let result = match signed {
                    Ok(jws) => api::enrol_key(&jws.to_json()).await.map_err(|e| e.message(lang)),
                    Err(error) => Err(error.get(lang)),
                };
                pass.set(String::new());
                if let Ok(row) = &result {
                    key_store::remember_enrolment(&row.kid, &row.credit_code);
                    let mut rows: Vec<EnrolmentView> =
                        enrolments.iter().filter(|e| e.credit_code != row.credit_code).cloned().collect();
                    rows.push(row.clone());
                    enrolments.set(rows);
                }
                notice.set(match result {
                    Ok(row) => Notice::Ok(format!(
                        "{} {}：{}",
                        lang.pick("已登记", "Enrolled for"),
                        row.credit_code,
                        lang.pick(&row.status_label_zh, &row.status_label_en)
                    )),
                    Err(error) => Notice::Error(error),
                });
            });
        })
    };
    let set = |state: &UseStateHandle<String>| {
        let state = state.clone();
        Callback::from(move |event: InputEvent| state.set(input_value(&event)))
    };
    let toggle = {
        let enrol_open = enrol_open.clone();
        Callback::from(move |_| enrol_open.set(!*enrol_open))
    };
    html! {
        <li class="key-item" data-kid={file.kid.clone()}>
            <div class="key-head">
                <strong>{ file.label.clone().unwrap_or_else(|| lang.pick("未命名密钥", "Unnamed key").into()) }</strong>
                <span class="muted">{ format!(" · {} ", lang.pick("创建于", "created")) }<crate::components::time::BeijingDate {lang} at={file.created_at.clone()} /></span>
            </div>
            <div>{ lang.pick("指纹：", "Fingerprint: ") }<code class="fingerprint">{ envelope::fingerprint_groups(&file.kid) }</code></div>
            <div class="row">
                <button type="button" onclick={on_export}>{ lang.pick("导出密钥文件", "Export key file") }</button>
                <button type="button" onclick={toggle} aria-expanded={(*enrol_open).to_string()}>{ lang.pick("向服务器登记", "Enrol with the server") }</button>
                <button type="button" onclick={on_remove}>{ lang.pick("删除", "Delete") }</button>
            </div>
            if !enrolments.is_empty() {
                <ul class="key-enrolments" aria-label={lang.pick("登记情况", "Enrolments")}>
                    { for enrolments.iter().map(|e| html! {
                        <li class={classes!("key-enrolment", e.status.as_str())} data-code={e.credit_code.clone()}>
                            { format!("{} · {} · {}", e.credit_code, e.subject_name, lang.pick(&e.status_label_zh, &e.status_label_en)) }
                            if e.status == xinnuo_core::enrolment::EnrolmentStatus::Pending {
                                <small class="hint">{ lang.pick(
                                    "：请持营业执照、法定代表人身份证件（他人办理另带授权书）到任一部门窗口，或用电子营业执照，请部门的密钥核验人员核对身份并核验此密钥。",
                                    ": take the business licence and the legal representative's ID (an authorisation if someone else goes) to any department's counter, or use the electronic business licence, for its key officer to check who you are and approve this key.") }</small>
                            }
                        </li>
                    }) }
                </ul>
            }
            if *enrol_open {
                <form class="enrol" onsubmit={on_enrol}>
                    <label for={format!("enrol-code-{kid_short}")}>{ lang.pick("统一社会信用代码", "Unified social credit code") }</label>
                    <input id={format!("enrol-code-{kid_short}")} value={(*code).clone()} oninput={set(&code)} />
                    <label for={format!("enrol-name-{kid_short}")}>{ lang.pick("主体名称", "Entity name") }</label>
                    <input id={format!("enrol-name-{kid_short}")} value={(*name).clone()} oninput={set(&name)} />
                    <label for={format!("enrol-pass-{kid_short}")}>{ lang.pick("密钥口令", "Key passphrase") }</label>
                    <input id={format!("enrol-pass-{kid_short}")} type="password" autocomplete="current-password" value={(*pass).clone()} oninput={set(&pass)} />
                    <div class="row"><button type="submit" class="primary">{ lang.pick("签名并登记", "Sign and enrol") }</button></div>
                </form>
            }
            { notice.view(lang, &format!("enrol-notice-{kid_short}")) }
        </li>
    }
}
