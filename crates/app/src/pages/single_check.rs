//! Single check with live feedback while typing.

use web_sys::HtmlInputElement;
use xinnuo_core::code::{validate, CodeReport, Edit, ValidateOptions};
use yew::prelude::*;

use crate::components::code_view::CodeView;
use crate::components::issue_list::IssueList;
use crate::components::parts_table::PartsTable;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub options: ValidateOptions,
    /// Called with each new report (widgets turn it into an `xinnuo-checked` event).
    #[prop_or_default]
    pub on_report: Option<Callback<CodeReport>>,
}

/// A code valid only as a possible early Fujian pilot code: to be confirmed, never plainly valid.
fn needs_confirmation(report: &CodeReport) -> Option<&xinnuo_core::code::Issue> {
    report.warnings.iter().find(|w| w.code.name() == "fujian_pilot").filter(|_| report.valid)
}

/// The one-line verdict read out by screen readers: valid, to be confirmed, or the first reason it is not
/// (the list below gives the rest, each once).
fn verdict_text(report: &CodeReport, lang: Lang) -> String {
    let kind = lang.pick(report.kind.label_zh(), report.kind.label_en());
    if let Some(pilot) = needs_confirmation(report) {
        return format!("{}{}", lang.pick("需核实：", "To be confirmed: "), pilot.located_message(lang));
    }
    if report.valid {
        let flagged = if report.warnings.is_empty() { "" } else { lang.pick("（有提醒）", " (with warnings)") };
        format!("{}{kind}{flagged}", lang.pick("有效：", "Valid: "))
    } else {
        let reason = report.errors.first().map(|issue| issue.located_message(lang));
        format!("{}{}", lang.pick("无效：", "Invalid: "), reason.unwrap_or_default())
    }
}

fn edit_label(edit: Edit, guess: bool, lang: Lang) -> &'static str {
    match (edit, guess) {
        (_, true) => lang.pick("猜测", "a guess"),
        (Edit::LookAlike, _) => lang.pick("形近字母", "look-alike letter"),
        (Edit::Swap, _) => lang.pick("相邻两位互换", "adjacent swap"),
        (Edit::Substitute, _) => lang.pick("改一位", "one symbol changed"),
        (Edit::Insert, _) => lang.pick("补一位", "one symbol added"),
        (Edit::Delete, _) => lang.pick("删一位", "one symbol removed"),
    }
}

#[component]
pub fn SingleCheck(props: &Props) -> Html {
    let lang = props.lang;
    let input = use_state(String::new);
    let input_ref = use_node_ref();
    let report = {
        let options = props.options;
        use_memo(((*input).clone(), options), |(text, options)| validate(text, options))
    };
    {
        let on_report = props.on_report.clone();
        let report = report.clone();
        use_effect_with(report, move |report| {
            if let (Some(on_report), false) = (on_report, report.input.trim().is_empty()) {
                on_report.emit((**report).clone());
            }
        });
    }
    let oninput = {
        let input = input.clone();
        Callback::from(move |event: InputEvent| input.set(event.target_unchecked_into::<HtmlInputElement>().value()))
    };
    let is_empty = input.trim().is_empty();
    let suggestions: Vec<Html> = report.suggestions.iter().map(|suggestion| {
        let code = suggestion.code.clone();
        let onclick = {
            let input = input.clone();
            let input_ref = input_ref.clone();
            Callback::from(move |_| {
                input.set(code.clone());
                if let Some(element) = input_ref.cast::<HtmlInputElement>() {
                    element.set_value(&code);
                    let _ = element.focus();
                }
            })
        };
        let label = edit_label(suggestion.edit, suggestion.guess, lang);
        html! {
            <li>
                <button type="button" class="suggestion" {onclick}>
                    <code>{ &suggestion.code }</code>
                    <span class="edit">{ format!(" {} {}", label, lang.pick(&format!("（第 {} 位）", suggestion.position), &format!(" (position {})", suggestion.position))) }</span>
                </button>
            </li>
        }
    }).collect();
    html! {
        <section class="card" aria-labelledby="single-title">
            <h2 id="single-title">{ lang.pick("单个检查", "Check one code") }</h2>
            <label for="code-input">{ lang.pick("统一社会信用代码、组织机构代码、注册号或身份证号", "Credit code, organisation code, registration number or ID number") }</label>
            <input id="code-input" ref={input_ref.clone()} class="code-input" type="text" autocomplete="off" spellcheck="false"
                maxlength="4096" value={(*input).clone()} {oninput}
                placeholder={lang.pick("粘贴或输入，例如 91350100M000100Y43", "Paste or type, e.g. 91350100M000100Y43")}
                aria-describedby="verdict" aria-invalid={(!is_empty && !report.valid).to_string()} />
            <div id="verdict" class={classes!("verdict", if is_empty { "idle" } else if needs_confirmation(&report).is_some() { "warn" } else if report.valid { "ok" } else { "no" })} role="status" aria-live="polite">
                { if is_empty { String::new() } else { verdict_text(&report, lang) } }
            </div>
            if !is_empty {
                <CodeView report={report.clone()} {lang} />
                // The first error and a pilot code's warning are in the verdict already.
                <IssueList issues={report.errors.iter().skip(1).copied().collect::<Vec<_>>()} {lang} class="errors" />
                <IssueList issues={report.warnings.iter().filter(|w| needs_confirmation(&report) != Some(*w)).copied().collect::<Vec<_>>()} {lang} class="warnings" />
                if !report.suggestions.is_empty() {
                    <div class="suggestions">
                        <h3>{ lang.pick("您是不是要输入：", "Did you mean:") }</h3>
                        <ul>{ for suggestions }</ul>
                    </div>
                }
                if let Some(parts) = report.parts.clone() {
                    <PartsTable {parts} {lang} />
                }
            }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_text_says_valid_or_the_first_reason() {
        let options = ValidateOptions::default();
        assert_eq!(verdict_text(&validate("91350100M000100Y43", &options), Lang::Zh), "有效：统一社会信用代码");
        let text = verdict_text(&validate("91140105123456788E", &options), Lang::En);
        assert!(text.starts_with("Invalid: Check symbol"), "{text}");
    }
}
