//! Interface language: Simplified Chinese first, English second.

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The text in this language.
    pub fn pick<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Self::Zh => zh,
            Self::En => en,
        }
    }

    /// The same language, as the core names it.
    pub fn core(self) -> xinnuo_core::template::Lang {
        match self {
            Self::Zh => xinnuo_core::template::Lang::Zh,
            Self::En => xinnuo_core::template::Lang::En,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::Zh => Self::En,
            Self::En => Self::Zh,
        }
    }

    /// BCP 47 tag, for `<html lang>` and storage.
    pub fn tag(self) -> &'static str {
        match self {
            Self::Zh => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn from_tag(tag: &str) -> Self {
        if tag.to_ascii_lowercase().starts_with("en") {
            Self::En
        } else {
            Self::Zh
        }
    }
}

/// A message held in both languages until it is shown in one (errors travel as this, never as one string
/// holding both).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(from = "StoredText")]
pub struct Text {
    zh: String,
    en: String,
}

/// What the outbox may hold: a message in both languages, or one string written before there were two.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum StoredText {
    Both { zh: String, en: String },
    Older(String),
}

impl From<StoredText> for Text {
    fn from(stored: StoredText) -> Self {
        match stored {
            StoredText::Both { zh, en } => Self { zh, en },
            StoredText::Older(text) => Self { zh: text.clone(), en: text },
        }
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
        Self::new(error.message(Lang::Zh.core()), error.message(Lang::En.core()))
    }
}

impl From<crate::api::ApiError> for Text {
    fn from(error: crate::api::ApiError) -> Self {
        Self::new(error.message(Lang::Zh), error.message(Lang::En))
    }
}
