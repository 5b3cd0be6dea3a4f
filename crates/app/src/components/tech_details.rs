//! The public reads plain words; the technical values (ids, fingerprints, algorithms, hashes, the raw signed
//! file) stay one click away, folded under "技术详情", for whoever checks them.

use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    #[prop_or_default]
    pub id: Option<AttrValue>,
    #[prop_or_default]
    pub children: Html,
}

#[component]
pub fn TechDetails(props: &Props) -> Html {
    html! {
        <details class="tech-details" id={props.id.clone()}>
            <summary>{ props.lang.pick("技术详情", "Technical details") }</summary>
            { props.children.clone() }
        </details>
    }
}

/// A 64-character id as a person reads it out or finds it again: its first eight characters, in two groups
/// (`d1e5 a9df`). The whole id stays in the technical details and in the verify link.
pub fn short_id(id: &str) -> String {
    let head: Vec<char> = id.chars().take(8).collect();
    let (first, second) = head.split_at(head.len().min(4));
    let (first, second): (String, String) = (first.iter().collect(), second.iter().collect());
    if second.is_empty() {
        first
    } else {
        format!("{first} {second}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_id_is_two_groups_of_four() {
        assert_eq!(short_id(&"d1e5a9df".repeat(8)), "d1e5 a9df");
        assert_eq!(short_id("abc"), "abc");
        assert_eq!(short_id(""), "");
    }
}
