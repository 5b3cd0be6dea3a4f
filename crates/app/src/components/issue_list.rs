//! Errors or warnings, each in the chosen language first and with its position.

use xinnuo_core::code::Issue;
use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub issues: Vec<Issue>,
    pub lang: Lang,
    /// `errors` or `warnings`: the CSS class and the test hook.
    pub class: AttrValue,
}

#[component]
pub fn IssueList(props: &Props) -> Html {
    if props.issues.is_empty() {
        return html! {};
    }
    let items = props.issues.iter().map(|issue| {
        let (first, second) = match props.lang {
            Lang::Zh => (issue.code.message_zh(), issue.code.message_en()),
            Lang::En => (issue.code.message_en(), issue.code.message_zh()),
        };
        let position =
            issue.position.map(|p| format!("[{}{p}{}] ", props.lang.pick("第 ", "pos "), props.lang.pick(" 位", "")));
        html! {
            <li data-code={issue.code.name()}>
                <span class="pos">{ position.unwrap_or_default() }</span>
                <span class="msg">{ first }</span>
                <span class="msg-alt" lang={props.lang.other().tag()}>{ second }</span>
            </li>
        }
    });
    html! { <ul class={classes!("issues", props.class.to_string())}>{ for items }</ul> }
}
