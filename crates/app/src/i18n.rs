//! Interface language: Simplified Chinese first, English second.

/// The one language type, the core's.
pub use xinnuo_core::lang::Lang;

/// A message held in both languages until it is shown in one (errors travel as this, never as one string
/// holding both).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Text {
    zh: String,
    en: String,
}

/// Read from `{zh, en}`, or from the one string older versions stored in the outbox (then shown in both
/// languages). Written by hand: serde's `untagged` would bring its buffering machinery into every build.
impl<'de> serde::Deserialize<'de> for Text {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl<'de> serde::de::Visitor<'de> for TextVisitor {
            type Value = Text;
            fn expecting(&self, formatter: &mut std::fmt::Formatter) -> std::fmt::Result {
                formatter.write_str("{zh, en} or a string")
            }
            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Text, E> {
                Ok(Text::new(text, text))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Text, A::Error> {
                let (mut zh, mut en) = (None, None);
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "zh" => zh = Some(map.next_value()?),
                        "en" => en = Some(map.next_value()?),
                        _ => {
                            map.next_value::<serde::de::IgnoredAny>()?;
                        }
                    }
                }
                match (zh, en) {
                    (Some(zh), Some(en)) => Ok(Text { zh, en }),
                    _ => Err(serde::de::Error::missing_field("zh")),
                }
            }
        }
        deserializer.deserialize_any(TextVisitor)
    }
}

impl Text {
    pub fn new(zh: impl Into<String>, en: impl Into<String>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> String {
        lang.pick(&self.zh, &self.en).to_owned()
    }
}

impl<E: xinnuo_core::error::Described> From<E> for Text {
    fn from(error: E) -> Self {
        Self::new(error.message(Lang::Zh), error.message(Lang::En))
    }
}

/// `text` in brackets after what precedes it: full-width in Chinese, ASCII after a space in English (a
/// full-width bracket around English words reads as an error).
pub fn bracketed(lang: Lang, text: &str) -> String {
    match lang {
        Lang::Zh => format!("（{text}）"),
        Lang::En => format!(" ({text})"),
    }
}

/// A department's name in `lang`: in English the English name the templates give it, else its own name.
pub fn department(lang: Lang, name: &str) -> String {
    xinnuo_core::workflow::department_in(name, lang)
}

/// The departments a commitment is made to, each in `lang`, joined as each language lists names.
pub fn departments(lang: Lang, names: &[String]) -> String {
    let names: Vec<String> = names.iter().map(|name| department(lang, name)).collect();
    names.join(lang.pick("、", ", "))
}

/// Between two items of one line: "；" in Chinese, "; " in English.
pub fn separator(lang: Lang) -> &'static str {
    lang.pick("；", "; ")
}

/// Text that exists only in Chinese (a register's record, a demo line) shown on an English page: marked as
/// Chinese, so it reads (and is spoken) as quoted Chinese rather than as the page's English with full-width
/// punctuation.
pub fn chinese_only(lang: Lang, text: &str) -> yew::Html {
    if lang == Lang::En && !text.is_ascii() {
        yew::html! { <span lang="zh-CN">{ text.to_owned() }</span> }
    } else {
        yew::html! { { text.to_owned() } }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stored_message_reads_in_both_forms_and_keeps_its_languages_apart() {
        let both: Text = serde_json::from_str(r#"{"zh":"离线","en":"offline"}"#).expect("both");
        assert_eq!((both.get(Lang::Zh), both.get(Lang::En)), ("离线".to_owned(), "offline".to_owned()));
        assert_eq!(serde_json::from_str::<Text>(&serde_json::to_string(&both).expect("written")).expect("read"), both);
        let older: Text = serde_json::from_str(r#""无法连接服务器 / cannot reach the server""#).expect("older");
        assert_eq!(older.get(Lang::En), "无法连接服务器 / cannot reach the server", "shown as it was stored");
        assert!(serde_json::from_str::<Text>(r#"{"zh":"只有中文"}"#).is_err());
        assert!(serde_json::from_str::<Text>("3").is_err());
    }

    #[test]
    fn brackets_follow_the_language() {
        assert_eq!(bracketed(Lang::Zh, "评估日期 2026-12-07"), "（评估日期 2026-12-07）");
        assert_eq!(bracketed(Lang::En, "as of 2026-12-07"), " (as of 2026-12-07)");
    }
}
