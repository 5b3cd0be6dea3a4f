//! Texts in both languages, and the compiled-in data's strings and lists.

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use crate::lang::Lang;

/// A string of the compiled-in data (templates, rules): borrowed from the program's own bytes where build.rs
/// wrote it as a static, owned where made at run time.
pub type DataStr = Cow<'static, str>;

/// A list of the compiled-in data, likewise.
pub type DataList<T> = Cow<'static, [T]>;

pub(super) fn no_text(text: &DataStr) -> bool {
    text.is_empty()
}

pub(super) fn none_listed<T: Clone>(list: &DataList<T>) -> bool {
    list.is_empty()
}

/// A text in Simplified Chinese (authoritative) and English (courtesy translation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Text {
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub zh: DataStr,
    #[cfg_attr(feature = "openapi", schema(value_type = String))]
    pub en: DataStr,
}

impl Text {
    pub fn new(zh: impl Into<DataStr>, en: impl Into<DataStr>) -> Self {
        Self { zh: zh.into(), en: en.into() }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}
