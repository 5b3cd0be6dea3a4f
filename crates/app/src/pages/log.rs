//! `#/log`: the server's public log as this browser sees it — its newest checkpoint (verified against the
//! pinned log key), its size, who else signed it (witnesses), and whether it extends the checkpoint this
//! browser kept before (a consistency proof from the log's tiles). A rewritten log is said plainly.

use xinnuo_core::public_log::Believed;
use yew::prelude::*;

use crate::api::{self, data_source, DataSource};
use crate::i18n::{Lang, Text};
use crate::log_watch::{self, Observed};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
}

async fn newest_checkpoint() -> Result<String, Text> {
    let unreachable = || {
        Text::new(
            "无法读取公开日志：服务器没有应答，请稍后再试。",
            "Cannot read the public log: the server did not answer; try again later.",
        )
    };
    let answer = gloo_net::http::Request::get(&api::url("log/checkpoint")).send().await.map_err(|_| unreachable())?;
    if answer.status() == 404 {
        return Err(Text::new("此服务器的公开日志还没有条目。", "This server's public log has no entries yet."));
    }
    if !answer.ok() {
        return Err(unreachable());
    }
    answer.text().await.map_err(|_| unreachable())
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn checkpoint_facts(believed: &Believed, lang: Lang) -> Html {
    let checkpoint = &believed.checkpoint;
    let witnesses = if believed.cosigners.is_empty() {
        lang.pick("无（本检查点只有日志自己的签名）", "none (only the log's own signature)").to_owned()
    } else {
        let named: Vec<String> = believed
            .cosigners
            .iter()
            .map(|(name, verified)| match (verified, lang) {
                (true, Lang::Zh) => format!("{name} ✓ 联署有效"),
                (true, Lang::En) => format!("{name} ✓ cosignature valid"),
                (false, Lang::Zh) => format!("{name}（未登记的见证人，未核验）"),
                (false, Lang::En) => format!("{name} (not a listed witness; not verified)"),
            })
            .collect();
        named.join(lang.pick("；", "; "))
    };
    html! {
        <dl class="log-facts">
            <dt>{ lang.pick("日志名称", "Log") }</dt><dd class="log-origin"><code>{ &checkpoint.origin }</code></dd>
            <dt>{ lang.pick("条目数", "Entries") }</dt><dd class="log-size">{ checkpoint.size }</dd>
            <dt>{ lang.pick("根哈希", "Root hash") }</dt><dd class="log-root"><code>{ hex(&checkpoint.root) }</code></dd>
            <dt>{ lang.pick("签名", "Signature") }</dt>
            <dd class="log-signature">{ lang.pick("✓ 日志密钥签名有效（与本浏览器保存的服务器密钥一致）", "✓ Signed by the log key (as pinned in this browser)") }</dd>
            <dt>{ lang.pick("见证人联署", "Witness cosignatures") }</dt><dd class="log-witnesses">{ witnesses }</dd>
        </dl>
    }
}

#[component]
pub fn LogPage(props: &Props) -> Html {
    let lang = props.lang;
    let state = use_state(|| None::<Result<Observed, Text>>);
    {
        let state = state.clone();
        use_effect_with((), move |_| {
            wasm_bindgen_futures::spawn_local(async move {
                let result = match data_source() {
                    DataSource::Static(_) => Err(Text::new(
                        "这是静态副本，不含公开日志；请在部门的信诺服务器上查看。",
                        "This is a static copy without the public log; see it on the department's Xinnuo server.",
                    )),
                    DataSource::Api => match newest_checkpoint().await {
                        Ok(note) => {
                            let trusted = api::trusted_server_keys().await;
                            log_watch::observe(&note, &trusted).await
                        }
                        Err(error) => Err(error),
                    },
                };
                state.set(Some(result));
            });
        });
    }
    let body = match &*state {
        None => {
            html! { <p class="notice busy" role="status">{ lang.pick("正在读取并核验公开日志…", "Reading and checking the public log…") }</p> }
        }
        Some(Err(error)) => html! { <p class="verdict no" role="alert">{ error.get(lang) }</p> },
        Some(Ok(Observed::Rewritten { kept, seen, message })) => html! {
            <>
                <p class="verdict no log-consistency" role="alert">{ format!("✗ {}", message.get(lang)) }</p>
                <details>
                    <summary>{ lang.pick("此前保存的检查点与现在的检查点", "The checkpoint kept and the one seen now") }</summary>
                    <pre class="log-note">{ kept }</pre>
                    <pre class="log-note">{ seen }</pre>
                </details>
            </>
        },
        Some(Ok(observed)) => {
            let (believed, verdict) = match observed {
                Observed::First(seen) => (seen, lang.pick(
                    "本浏览器首次核验此日志：已保存这个检查点，今后见到的检查点都须与它一致（只增不改）。",
                    "This browser checks this log for the first time: it keeps this checkpoint, and every later one must extend it (append only).",
                ).to_owned()),
                Observed::Known { seen, kept } => (seen, match lang {
                    Lang::Zh => format!("✓ 与本浏览器此前保存的检查点（{} 条）一致。", kept.checkpoint.size),
                    Lang::En => format!("✓ Consistent with the checkpoint this browser kept ({} entries).", kept.checkpoint.size),
                }),
                Observed::Extended { from, to } => (to, match lang {
                    Lang::Zh => format!("✓ 只增不改：此前保存的 {from} 条是现在这份日志的开头（一致性证明已核验），已保存新的检查点。"),
                    Lang::En => format!("✓ Append only: the {from} entries kept before are the start of this log (consistency proof verified); the new checkpoint is kept."),
                }),
                Observed::Rewritten { .. } => return html! {},
            };
            html! {
                <>
                    <p class="verdict ok log-consistency" role="status">{ verdict }</p>
                    { checkpoint_facts(believed, lang) }
                    <details>
                        <summary>{ lang.pick("签名检查点原文（C2SP tlog-checkpoint）", "The signed checkpoint (C2SP tlog-checkpoint)") }</summary>
                        <pre class="log-note">{ &believed.note }</pre>
                    </details>
                </>
            }
        }
    };
    html! {
        <section class="card log-page">
            <h2>{ lang.pick("公开日志", "Public log") }</h2>
            <p>{ lang.pick(
                "每一份承诺书的受理、每一项决定、每一条信用记录的变化都按顺序记入只增不改的公开日志（默克尔树），服务器对每批条目签署一个检查点。本页核验最新检查点的签名，并核对它与本浏览器此前见到的是否一致：日志若被删改，这里会显示警告。",
                "Every commitment received, every decision and every change to a credit record is appended, in order, to an append-only public log (a Merkle tree); the server signs a checkpoint per batch. This page verifies the newest checkpoint's signature and checks that it extends what this browser saw before: a log that was edited shows a warning here.",
            ) }</p>
            { body }
            <p class="hint">{ lang.pick(
                "任何人都可以用 xinnuo-server log verify --url <服务器地址> 读取整份日志、重算默克尔树并与公开数据逐条核对。",
                "Anyone can read the whole log, recompute the tree and compare it with the public data: xinnuo-server log verify --url <server>.",
            ) }</p>
        </section>
    }
}
