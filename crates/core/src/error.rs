//! One error vocabulary: every error a person may read has a stable code for programs and a message in each
//! language, so no caller splits a two-language string apart.
//!
//! The code is the same word everywhere: the package's `errors[].code`, the server's problem type
//! (`urn:xinnuo:problem:{code}`), the app's `data-code`.

use crate::lang::Lang;

/// An error with a stable code and a message per language.
pub trait Described {
    /// Stable, `snake_case`; documented in the OpenAPI document and the package's types.
    fn code(&self) -> &'static str;
    /// A whole sentence in `lang`, without the other language.
    fn message(&self, lang: Lang) -> String;
}

/// `Display` (logs, `?` into other errors) shows the Chinese message; `Error` has no source to report (the
/// message already names the cause).
macro_rules! display_in_chinese {
    ($error:ty) => {
        impl ::core::fmt::Display for $error {
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                formatter.write_str(&$crate::error::Described::message(self, $crate::lang::Lang::Zh))
            }
        }
        impl ::std::error::Error for $error {}
    };
}
pub(crate) use display_in_chinese;

/// The sentence in `lang`: both are written side by side where the error is, only one is formatted.
pub(crate) fn in_lang(lang: Lang, zh: std::fmt::Arguments<'_>, en: std::fmt::Arguments<'_>) -> String {
    std::fmt::format(match lang {
        Lang::Zh => zh,
        Lang::En => en,
    })
}
