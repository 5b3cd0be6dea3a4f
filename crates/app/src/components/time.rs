//! A moment as people read it: Beijing time to the second, in the page's language, with the exact UTC value
//! kept in the element (`<time datetime>`) and its tooltip.

use xinnuo_core::calendar::UtcTimestamp;
use yew::prelude::*;

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
    UtcTimestamp::parse(at).map_or_else(|_| at.to_owned(), |time| time.beijing(lang))
}

#[component]
pub fn BeijingTime(props: &Props) -> Html {
    html! {
        <time id={props.id.clone()} datetime={props.at.clone()} title={props.at.clone()}>{ beijing(&props.at, props.lang) }</time>
    }
}

/// The date of a UTC timestamp in Beijing (`2026-12-03` for `2026-12-02T20:00:00Z`), the exact value kept in
/// `<time datetime>` and its tooltip. Cutting the UTC text at its tenth character would give the day before
/// for anything after 16:00 UTC.
#[component]
pub fn BeijingDate(props: &Props) -> Html {
    let date =
        UtcTimestamp::parse(&props.at).map_or_else(|_| props.at.to_string(), |time| time.china_date().to_string());
    html! {
        <time id={props.id.clone()} datetime={props.at.clone()} title={beijing(&props.at, props.lang)}>{ date }</time>
    }
}
