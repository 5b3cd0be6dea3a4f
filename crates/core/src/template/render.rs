//! Rendering a template to plain text: the blank form (hashed into `text_sha256`) and a filled one
//! (shown in the preview and printed). Placeholders are `{field_id}` in the preamble and clauses.

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::field::{self, FieldType};
use super::model::Template;
use super::text::Text;
use crate::calendar::Date;
use crate::lang::Lang;

/// A rendered commitment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rendered {
    pub title: String,
    pub text: String,
}

const ZH_NUMERALS: [&str; 20] = [
    "一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二", "十三", "十四", "十五", "十六", "十七",
    "十八", "十九", "二十",
];

fn placeholders(text: &str) -> impl Iterator<Item = &str> {
    text.split('{').skip(1).filter_map(|part| part.split_once('}').map(|(name, _)| name))
}

/// Every placeholder names a field of the template.
pub(super) fn check_placeholders(template: &Template) -> Result<(), String> {
    let texts =
        std::iter::once(&template.preamble).chain(template.clauses.iter()).chain(std::iter::once(&template.closing));
    for text in texts {
        for part in [&text.zh, &text.en] {
            if let Some(name) = placeholders(part).find(|name| template.field_spec(name).is_none()) {
                return Err(format!("placeholder {{{name}}} names no field"));
            }
        }
    }
    if template.clauses.len() > ZH_NUMERALS.len() {
        return Err("too many clauses".into());
    }
    Ok(())
}

/// Renders with a function that gives each field's text.
fn render(template: &Template, lang: Lang, value_of: &dyn Fn(&str) -> String, date: &str) -> Rendered {
    let fill = |text: &Text| {
        let source = text.get(lang);
        let mut out = String::with_capacity(source.len());
        let mut rest = source;
        while let Some(start) = rest.find('{') {
            out.push_str(&rest[..start]);
            match rest[start + 1..].split_once('}') {
                Some((name, after)) if template.field_spec(name).is_some() => {
                    out.push_str(&value_of(name));
                    rest = after;
                }
                _ => {
                    out.push('{');
                    rest = &rest[start + 1..];
                }
            }
        }
        out.push_str(rest);
        out
    };
    let title = template.title.get(lang).to_owned();
    let mut text = format!("{title}\n\n{}\n\n", fill(&template.preamble));
    for (index, clause) in template.clauses.iter().enumerate() {
        match lang {
            Lang::Zh => text.push_str(&format!("{}、{}\n", ZH_NUMERALS[index], fill(clause))),
            Lang::En => text.push_str(&format!("{}. {}\n", index + 1, fill(clause))),
        }
    }
    text.push_str(&format!("\n{}\n\n", fill(&template.closing)));
    let separator = if lang == Lang::Zh { "：" } else { ": " };
    for spec in template.fields.iter() {
        let value = value_of(&spec.id);
        if spec.kind == FieldType::Confirm {
            text.push_str(&format!("{value} {}\n", spec.label.get(lang)));
        } else if !value.is_empty() {
            text.push_str(&format!("{}{separator}{value}\n", spec.label.get(lang)));
        }
    }
    let date_label = if lang == Lang::Zh { "承诺日期" } else { "Date of commitment" };
    text.push_str(&format!("{date_label}{separator}{date}\n"));
    Rendered { title, text }
}

/// The blank template: every field shown as `〔label〕`, every confirmation unticked.
pub fn blank_text(template: &Template, lang: Lang) -> Rendered {
    let value_of = |id: &str| match template.field_spec(id) {
        Some(spec) if spec.kind == FieldType::Confirm => "☐".to_owned(),
        Some(spec) => format!("〔{}〕", spec.label.get(lang)),
        None => String::new(),
    };
    let date = if lang == Lang::Zh { "　　年　　月　　日" } else { "____-__-__" };
    render(template, lang, &value_of, date)
}

/// SHA-256 (hex) of the blank template in Chinese, then a blank line, then in English.
pub fn text_sha256(template: &Template) -> String {
    let mut hasher = Sha256::new();
    hasher.update(blank_text(template, Lang::Zh).text.as_bytes());
    hasher.update(b"\n");
    hasher.update(blank_text(template, Lang::En).text.as_bytes());
    hasher.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

/// A filled template. Missing values show as `〔label〕` (a draft); `signed_on` fills the date line.
pub fn render_values(
    template: &Template,
    values: &BTreeMap<String, Value>,
    lang: Lang,
    signed_on: Option<Date>,
) -> Rendered {
    let value_of = |id: &str| {
        let Some(spec) = template.field_spec(id) else { return String::new() };
        match values.get(id) {
            Some(Value::Bool(true)) if spec.kind == FieldType::Confirm => "☑".to_owned(),
            _ if spec.kind == FieldType::Confirm => "☐".to_owned(),
            Some(value) if !field::is_blank(value) => spec.display(value, lang),
            // Optional and empty: nothing in the field list, a neutral mark inside sentences.
            _ if !spec.is_required(values) => String::new(),
            _ => format!("〔{}〕", spec.label.get(lang)),
        }
    };
    let date = match (signed_on, lang) {
        (Some(date), Lang::Zh) => date.to_zh(),
        (Some(date), Lang::En) => date.to_string(),
        (None, Lang::Zh) => "　　年　　月　　日".to_owned(),
        (None, Lang::En) => "____-__-__".to_owned(),
    };
    render(template, lang, &value_of, &date)
}
