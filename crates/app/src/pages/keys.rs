//! Keys: create one with a passphrase (stored only encrypted), export/import the key file, enrol it with
//! the server for a credit code. Nothing secret leaves this page.

use web_sys::HtmlInputElement;
use xinnuo_core::enrolment;
use xinnuo_core::envelope::keyfile::{self, KeyFile};
use xinnuo_core::envelope::{self};
use yew::prelude::*;

use crate::api;
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

#[component]
pub fn KeysPage(props: &Props) -> Html {
    let lang = props.lang;
    let keys = use_state(key_store::load);
    let label = use_state(String::new);
    let pass = use_state(String::new);
    let pass_again = use_state(String::new);
    let notice = use_state(|| Notice::None);
    let import_notice = use_state(|| Notice::None);

    let on_create = {
        let (keys, label, pass, pass_again, notice) =
            (keys.clone(), label.clone(), pass.clone(), pass_again.clone(), notice.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            if *pass != *pass_again {
                notice.set(Notice::Error(lang.pick("两次输入的口令不一致", "The two passphrases differ").into()));
                return;
            }
            notice.set(Notice::Busy("正在生成并加密密钥…", "Generating and encrypting the key…"));
            let (keys, label, pass, pass_again, notice) =
                (keys.clone(), label.clone(), pass.clone(), pass_again.clone(), notice.clone());
            wasm_bindgen_futures::spawn_local(async move {
                yield_to_paint().await;
                match create_key(&pass, &label).await.and_then(|file| {
                    let kid = file.kid.clone();
                    key_store::add(file).map(|_| kid)
                }) {
                    Ok(kid) => {
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

    html! {
        <section class="card" aria-labelledby="keys-title">
            <h2 id="keys-title">{ lang.pick("签名密钥", "Signing keys") }</h2>
            <p class="hint">{ lang.pick(
                "密钥在本浏览器中生成，私钥只以口令加密（Argon2id + AES-256-GCM）后保存；口令不会保存或上传，忘记口令将无法使用该密钥。",
                "Keys are generated in this browser; the private key is stored only encrypted with your passphrase (Argon2id + AES-256-GCM). The passphrase is never stored or sent; without it the key cannot be used.") }</p>
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

    let on_export = {
        let (file, notice) = (file.clone(), notice.clone());
        Callback::from(move |_| {
            let name = format!("xinnuo-key-{}.json", file.kid.chars().take(8).collect::<String>());
            let saved = serde_json::to_string_pretty(&file)
                .map_err(|e| e.to_string())
                .and_then(|text| download(&name, &text, "application/json").map_err(|e| format!("{e:?}")));
            // Said where the person looks: which file, and that it is still locked by the passphrase.
            notice.set(match saved {
                Ok(()) => Notice::Ok(format!(
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
        let (file, code, name, pass, notice) = (file.clone(), code.clone(), name.clone(), pass.clone(), notice.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            notice.set(Notice::Busy("正在解锁密钥并登记…", "Unlocking the key and enrolling…"));
            let (file, code, name, pass, notice) =
                (file.clone(), code.clone(), name.clone(), pass.clone(), notice.clone());
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
