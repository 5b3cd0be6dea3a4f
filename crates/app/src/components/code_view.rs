//! The normalised code, symbol by symbol, with the wrong positions highlighted.

use std::rc::Rc;

use xinnuo_core::code::CodeReport;
use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub report: Rc<CodeReport>,
    pub lang: Lang,
}

#[component]
pub fn CodeView(props: &Props) -> Html {
    let report = &props.report;
    let bad: Vec<usize> = report.errors.iter().filter_map(|issue| issue.position).collect();
    let warn: Vec<usize> = report.warnings.iter().filter_map(|issue| issue.position).collect();
    let symbols = report.normalized.chars().enumerate().map(|(index, symbol)| {
        let position = index + 1;
        let class = if bad.contains(&position) {
            "sym bad"
        } else if warn.contains(&position) {
            "sym warn"
        } else {
            "sym"
        };
        let shown = if symbol.is_control() { '\u{2426}' } else { symbol };
        let title = format!("{} {position}", props.lang.pick("第", "position"));
        html! { <span class={class} title={title}>{shown}</span> }
    });
    html! {
        <div class="code-view" aria-label={props.lang.pick("规范化后的代码", "normalised code")}>
            { for symbols }
        </div>
    }
}
