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

/// Each finding once, in the page's language (the other is one click away on the language switch), with its
/// position where the message does not already name it.
#[component]
pub fn IssueList(props: &Props) -> Html {
    if props.issues.is_empty() {
        return html! {};
    }
    let lang = props.lang;
    let items = props.issues.iter().map(|issue| {
        html! { <li data-code={issue.code.name()}><span class="msg">{ issue.located_message(lang) }</span></li> }
    });
    html! { <ul class={classes!("issues", props.class.to_string())}>{ for items }</ul> }
}
