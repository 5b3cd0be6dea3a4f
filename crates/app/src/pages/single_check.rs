//! Single check with live feedback while typing.

use web_sys::HtmlInputElement;
use xinnuo_core::code::{validate, CodeReport, Edit, ValidateOptions};
use yew::prelude::*;

use crate::components::code_view::CodeView;
use crate::components::issue_list::IssueList;
use crate::components::parts_table::PartsTable;
use crate::i18n::Lang;
#[cfg(feature = "app")]
use crate::route::{is_embedded, AppLink, Route};

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub options: ValidateOptions,
    /// Called when the verdict changes (valid or not, or another valid code) and when the value is committed
    /// (Enter, leaving the field) — not on every keystroke. Widgets turn it into an `xinnuo-checked` event.
    #[prop_or_default]
    pub on_report: Option<Callback<CodeReport>>,
}

/// What was last reported: (normalised code, valid).
type Reported = Option<(String, bool)>;

/// Whether `report` is news to whoever was told `last`: the first verdict, valid ↔ invalid, another valid
/// code, or — when the value is committed — any other code.
fn worth_reporting(last: &Reported, report: &CodeReport, committed: bool) -> bool {
    match last {
        None => !report.input.trim().is_empty(),
        Some((normalized, valid)) => {
            let other = *normalized != report.normalized;
            *valid != report.valid || (other && (report.valid || committed))
        }
    }
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

/// A valid credit code leads on, in the app: its credit status, a commitment for it. Not in the code-check
/// widget (built without the `app` feature): the department's page decides where its visitors go next.
#[cfg(feature = "app")]
fn next_steps(report: &CodeReport, lang: Lang) -> Html {
    if !report.valid || report.kind != xinnuo_core::code::CodeKind::Uscc || is_embedded() {
        return Html::default();
    }
    html! {
        <p class="next-steps" id="next-steps">
            <AppLink to={Route::Status(Some(report.normalized.clone()))} class="button" id="to-status">
                { lang.pick("查看该企业的信用状况", "See this enterprise's credit status") }</AppLink>
            { " " }
            <AppLink to={Route::Commit(Some(report.normalized.clone()))} class="button" id="to-commit">
                { lang.pick("为该企业填写信用承诺书", "Fill in a credit commitment for it") }</AppLink>
        </p>
    }
}

#[cfg(not(feature = "app"))]
fn next_steps(_: &CodeReport, _: Lang) -> Html {
    Html::default()
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
    let reported = use_mut_ref(|| Reported::None);
    let tell = {
        let (on_report, reported) = (props.on_report.clone(), reported.clone());
        move |report: &CodeReport, committed: bool| {
            let Some(on_report) = &on_report else { return };
            if worth_reporting(&reported.borrow(), report, committed) {
                *reported.borrow_mut() = Some((report.normalized.clone(), report.valid));
                on_report.emit(report.clone());
            }
        }
    };
    {
        let (tell, report) = (tell.clone(), report.clone());
        use_effect_with(report, move |report| tell(report, false));
    }
    let on_commit = {
        let (tell, report) = (tell.clone(), report.clone());
        Callback::from(move |_: Event| tell(&report, true))
    };
    let on_enter = {
        let report = report.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" {
                tell(&report, true);
            }
        })
    };
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
                maxlength="4096" value={(*input).clone()} {oninput} onchange={on_commit} onkeydown={on_enter}
                placeholder={lang.pick("粘贴或输入，例如 91350100M000100Y43", "Paste or type, e.g. 91350100M000100Y43")}
                aria-describedby="verdict" aria-invalid={(!is_empty && !report.valid).to_string()} />
            <div id="verdict" class={classes!("verdict", if is_empty { "idle" } else if needs_confirmation(&report).is_some() { "warn" } else if report.valid { "ok" } else { "no" })} role="status" aria-live="polite">
                { if is_empty { String::new() } else { verdict_text(&report, lang) } }
            </div>
            { next_steps(&report, lang) }
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
    fn reports_go_out_when_the_verdict_changes_or_the_value_is_committed() {
        let options = ValidateOptions::default();
        let check = |text: &str| validate(text, &options);
        let told = |last: &str, valid: bool| Some((last.to_owned(), valid));
        assert!(!worth_reporting(&None, &check(""), false), "nothing typed, nothing to tell");
        assert!(worth_reporting(&None, &check("9"), false), "the first verdict");
        assert!(!worth_reporting(&told("9", false), &check("91"), false), "still invalid: a keystroke is no news");
        assert!(worth_reporting(&told("91", false), &check("91140105123456788F"), false), "now valid");
        assert!(
            worth_reporting(&told("91140105123456788F", true), &check("91350100M000100Y43"), false),
            "another valid code"
        );
        assert!(
            worth_reporting(&told("91140105123456788F", true), &check("91140105123456788"), false),
            "no longer valid"
        );
        assert!(!worth_reporting(&told("91140105123456788", false), &check("91140105123456788E"), false));
        assert!(worth_reporting(&told("91140105123456788", false), &check("91140105123456788E"), true), "committed");
        assert!(
            !worth_reporting(&told("91140105123456788E", false), &check("91140105123456788E"), true),
            "told already"
        );
    }

    #[test]
    fn verdict_text_says_valid_or_the_first_reason() {
        let options = ValidateOptions::default();
        assert_eq!(verdict_text(&validate("91350100M000100Y43", &options), Lang::Zh), "有效：统一社会信用代码");
        let text = verdict_text(&validate("91140105123456788E", &options), Lang::En);
        assert!(text.starts_with("Invalid: Check symbol"), "{text}");
    }
}
