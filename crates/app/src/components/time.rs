//! A moment as people read it: Beijing time to the second, in the page's language, with the exact UTC value
//! kept in the element (`<time datetime>`) and its tooltip.

use xinnuo_core::calendar::UtcTimestamp;
use yew::prelude::*;

use crate::components::field_input::text_lang;
use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    /// `YYYY-MM-DDTHH:MM:SS[.fff]Z`; anything else is shown as it is.
    pub at: AttrValue,
    #[prop_or_default]
    pub id: Option<AttrValue>,
}

/// `2026年12月2日 11:50:16（北京时间）` for a UTC timestamp.
pub fn beijing(at: &str, lang: Lang) -> String {
    UtcTimestamp::parse(at).map_or_else(|_| at.to_owned(), |time| time.beijing(text_lang(lang)))
}

#[component]
pub fn BeijingTime(props: &Props) -> Html {
    html! {
        <time id={props.id.clone()} datetime={props.at.clone()} title={props.at.clone()}>{ beijing(&props.at, props.lang) }</time>
    }
}
