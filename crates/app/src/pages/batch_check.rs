//! Batch check: paste or choose a CSV/TXT file, check in chunks so the page never freezes, filter, export.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use web_sys::{HtmlInputElement, HtmlTextAreaElement};
use xinnuo_core::code::{batch_cells, validate, ValidateOptions};
use yew::prelude::*;

use super::batch_state::{export_csv, row_note, BatchAction, BatchRow, BatchState};
use crate::browser::download;
use crate::i18n::Lang;

/// One example of each situation the checker explains (示例, fictional codes built to the standard).
const EXAMPLES: &str = "91350100M000100Y43\n\
91140105123456788F\n\
91140105123456788E\n\
91140105124356788F\n\
9114O1O5123456788F\n\
９１１４０１０５１２３４５６７８８Ｆ\n\
91350203M0001QKT19\n\
M000100Y-4\n\
110108000000016\n\
11010519491231002x\n\
911401051234567000\n\
9.11401E+17\n";

/// Cells checked between two yields to the browser: about 30 ms of work, so input stays responsive.
const CHUNK: usize = 1_000;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub options: ValidateOptions,
}

/// Checks every cell, yielding to the event loop between chunks; a newer run makes this one stop.
async fn run_batch(
    text: String,
    options: ValidateOptions,
    run: u32,
    latest: Rc<Cell<u32>>,
    state: UseReducerDispatcher<BatchState>,
) {
    // The cells are counted first (a byte scan, no copies) and then walked a chunk at a time: splitting a
    // large file into cells all at once took one long task of its own.
    let total = batch_cells(&text).count();
    state.dispatch(BatchAction::Start { run, total });
    let mut rows = Vec::with_capacity(total);
    let mut cells = batch_cells(&text);
    loop {
        TimeoutFuture::new(0).await;
        if latest.get() != run {
            return;
        }
        let before = rows.len();
        rows.extend(
            cells.by_ref().take(CHUNK).map(|cell| BatchRow { line: cell.line, report: validate(cell.text, &options) }),
        );
        if rows.len() == before {
            break;
        }
        state.dispatch(BatchAction::Progress { run, done: rows.len() });
    }
    state.dispatch(BatchAction::Finished { run, rows: Rc::new(rows) });
}

/// Text of an uploaded file: UTF-8, or GB18030 (what Excel on Chinese Windows writes).
fn decode_file(bytes: &[u8]) -> Result<String, String> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    let decoder = web_sys::TextDecoder::new_with_label("gb18030").map_err(|_| "gb18030".to_owned())?;
    decoder.decode_with_u8_array(bytes).map_err(|_| "decode".to_owned())
}

#[component]
pub fn BatchCheck(props: &Props) -> Html {
    let lang = props.lang;
    let state = use_reducer(BatchState::default);
    let latest_run = use_mut_ref(|| Rc::new(Cell::new(0u32)));
    let text_ref = use_node_ref();
    let file_message = use_state(|| None::<String>);

    let start = {
        let state = state.dispatcher();
        let latest_run = latest_run.clone();
        let options = props.options;
        Rc::new(move |text: String| {
            let latest = latest_run.borrow().clone();
            let run = latest.get() + 1;
            latest.set(run);
            wasm_bindgen_futures::spawn_local(run_batch(text, options, run, latest, state.clone()));
        })
    };
    let on_check = {
        let text_ref = text_ref.clone();
        let start = start.clone();
        Callback::from(move |_| {
            if let Some(area) = text_ref.cast::<HtmlTextAreaElement>() {
                start(area.value());
            }
        })
    };
    let on_examples = {
        let text_ref = text_ref.clone();
        let start = start.clone();
        Callback::from(move |_| {
            if let Some(area) = text_ref.cast::<HtmlTextAreaElement>() {
                area.set_value(EXAMPLES);
                start(EXAMPLES.to_owned());
            }
        })
    };
    let on_file = {
        let start = start.clone();
        let file_message = file_message.clone();
        let text_ref = text_ref.clone();
        Callback::from(move |event: Event| {
            let input: HtmlInputElement = event.target_unchecked_into();
            let Some(file) = input.files().and_then(|files| files.get(0)) else {
                return;
            };
            let start = start.clone();
            let file_message = file_message.clone();
            let text_ref = text_ref.clone();
            let name = file.name();
            wasm_bindgen_futures::spawn_local(async move {
                let file = gloo_file::File::from(file);
                match gloo_file::futures::read_as_bytes(&file)
                    .await
                    .map_err(|e| e.to_string())
                    .and_then(|b| decode_file(&b))
                {
                    Ok(text) => {
                        file_message.set(Some(format!("{name} · {} KB", file.size() / 1024)));
                        if let Some(area) = text_ref.cast::<HtmlTextAreaElement>() {
                            // Very large files are not copied into the text box; they are checked directly.
                            if text.len() <= 1024 * 1024 {
                                area.set_value(&text);
                            }
                        }
                        start(text);
                    }
                    Err(error) => file_message.set(Some(match lang {
                        Lang::Zh => format!("无法读取文件 {name}：{error}"),
                        Lang::En => format!("Cannot read the file {name}: {error}"),
                    })),
                }
            });
        })
    };
    let on_invalid_only = {
        let state = state.dispatcher();
        Callback::from(move |event: Event| {
            state.dispatch(BatchAction::SetInvalidOnly(event.target_unchecked_into::<HtmlInputElement>().checked()))
        })
    };
    let page_to = |page: usize| {
        let state = state.dispatcher();
        Callback::from(move |_| state.dispatch(BatchAction::Page(page)))
    };
    let on_export = {
        let state = state.clone();
        Callback::from(move |_| {
            let invalid_only = state.invalid_only;
            let rows = state.rows.iter().filter(|row| !invalid_only || !row.report.valid);
            let _ = download("xinnuo-codes.csv", &export_csv(rows, lang), "text/csv;charset=utf-8");
        })
    };

    let summary = state.summary;
    let status = if state.running {
        format!("{} {}/{}", lang.pick("正在检查…", "Checking…"), state.done, state.total)
    } else if state.run == 0 {
        String::new()
    } else {
        match lang {
            Lang::Zh => format!(
                "共 {} 个：有效 {}，无效 {}，有提醒 {}",
                summary.total, summary.valid, summary.invalid, summary.with_warnings
            ),
            Lang::En => format!(
                "{} checked: {} valid, {} invalid, {} with warnings",
                summary.total, summary.valid, summary.invalid, summary.with_warnings
            ),
        }
    };
    let rows = state.page_rows().into_iter().map(|row| {
        let report = &row.report;
        // One click takes the suggestion: the row is checked again as corrected.
        let take_suggestion = report.suggestions.first().map(|suggestion| {
            let (state, options, line, code) = (state.dispatcher(), props.options, row.line, suggestion.code.clone());
            Callback::from(move |_| state.dispatch(BatchAction::Replace { line, report: Box::new(validate(&code, &options)) }))
        });
        html! {
            <tr class={if report.valid { "ok" } else { "no" }}>
                <td>{ row.line }</td>
                <td><code>{ &report.normalized }</code></td>
                <td class="kind">{ lang.pick(report.kind.label_zh(), report.kind.label_en()) }</td>
                <td class="result">{ if report.valid { lang.pick("有效", "valid") } else { lang.pick("无效", "invalid") } }</td>
                <td>{ row_note(report, lang) }</td>
                <td>{ report.suggestions.first().zip(take_suggestion).map(|(s, onclick)| html! {
                    <button type="button" class="suggestion take-suggestion" {onclick}
                        aria-label={format!("{}{}", lang.pick("改为 ", "Change to "), s.code)}>
                        { lang.pick("改为 ", "Use ") }<code>{ &s.code }</code>
                    </button>
                }).unwrap_or_default() }</td>
            </tr>
        }
    });
    let has_results = !state.running && state.run > 0;
    html! {
        <section class="card" aria-labelledby="batch-title">
            <h2 id="batch-title">{ lang.pick("批量检查", "Batch check") }</h2>
            <label for="batch-input">{ lang.pick("每行一个代码，或粘贴 CSV", "One code per line, or paste CSV") }</label>
            <textarea id="batch-input" ref={text_ref} rows="6" spellcheck="false" />
            <div class="row">
                <button type="button" id="batch-run" class="primary" onclick={on_check} disabled={state.running}>{ lang.pick("批量检查", "Check all") }</button>
                <button type="button" id="batch-examples" onclick={on_examples} disabled={state.running}>{ lang.pick("填入示例", "Try examples") }</button>
                <label class="file">
                    { lang.pick("或选择 CSV/TXT 文件：", "or choose a CSV/TXT file: ") }
                    <input type="file" id="batch-file" accept=".csv,.txt,text/csv,text/plain" onchange={on_file} />
                </label>
                if let Some(message) = (*file_message).clone() { <span class="file-note">{ message }</span> }
            </div>
            <div id="batch-status" class="batch-status" role="status" aria-live="polite">{ status }</div>
            if state.running {
                <progress max={state.total.max(1).to_string()} value={state.done.to_string()}></progress>
            }
            if has_results {
                <div class="row">
                    <label><input type="checkbox" id="invalid-only" checked={state.invalid_only} onchange={on_invalid_only} />{ lang.pick(" 只看无效", " invalid only") }</label>
                    <button type="button" id="export-csv" onclick={on_export}>{ lang.pick("导出 CSV", "Export CSV") }</button>
                </div>
                // On a phone the table scrolls in its own box; the page keeps the screen's width.
                <div class="table-scroll" data-scrolls="x">
                <table class="results" id="batch-results">
                    <thead><tr>
                        <th scope="col">{ lang.pick("行", "Line") }</th>
                        <th scope="col">{ lang.pick("代码", "Code") }</th>
                        <th scope="col">{ lang.pick("类型", "Kind") }</th>
                        <th scope="col">{ lang.pick("结果", "Result") }</th>
                        <th scope="col">{ lang.pick("说明", "Note") }</th>
                        <th scope="col">{ lang.pick("建议", "Suggestion") }</th>
                    </tr></thead>
                    <tbody>{ for rows }</tbody>
                </table>
                </div>
                if state.page_count() > 1 {
                    <nav class="pager" aria-label={lang.pick("分页", "pages")}>
                        <button type="button" disabled={state.page == 0} onclick={page_to(state.page.saturating_sub(1))}>{ lang.pick("上一页", "Previous") }</button>
                        <span>{ format!(" {} / {} ", state.page + 1, state.page_count()) }</span>
                        <button type="button" disabled={state.page + 1 >= state.page_count()} onclick={page_to(state.page + 1)}>{ lang.pick("下一页", "Next") }</button>
                    </nav>
                }
            }
        </section>
    }
}
