//! One form control generated from a template field, with its label, help and the core's message.

use serde_json::Value;
use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use xinnuo_core::template::{FieldSpec, FieldType};
use yew::prelude::*;

use crate::i18n::Lang;

#[derive(Properties, PartialEq)]
pub struct Props {
    pub lang: Lang,
    pub spec: FieldSpec,
    pub value: Option<Value>,
    pub required: bool,
    /// The message to show (already chosen for the language), if any.
    pub error: Option<String>,
    pub on_change: Callback<(String, Value)>,
    pub on_blur: Callback<String>,
}

#[component]
pub fn FieldInput(props: &Props) -> Html {
    let spec = &props.spec;
    let lang = props.lang;
    let id = format!("field-{}", spec.id);
    let error_id = format!("{id}-error");
    let text_value = props.value.as_ref().and_then(Value::as_str).unwrap_or_default().to_owned();
    let on_text = {
        let (name, on_change) = (spec.id.to_string(), props.on_change.clone());
        Callback::from(move |event: InputEvent| {
            let value = event.target_unchecked_into::<HtmlInputElement>().value();
            on_change.emit((name.clone(), Value::String(value)));
        })
    };
    let on_blur = {
        let (name, on_blur) = (spec.id.to_string(), props.on_blur.clone());
        Callback::from(move |_: FocusEvent| on_blur.emit(name.clone()))
    };
    let invalid = props.error.is_some().then_some("true");
    let required = props.required.then_some("true");
    let described = props.error.is_some().then(|| error_id.clone());
    let label_text = spec.label.get(lang).to_owned();
    let label = html! {
        <label for={id.clone()} class={classes!(props.required.then_some("required"))}>{ label_text.clone() }</label>
    };
    let control = match spec.kind {
        FieldType::Confirm => {
            let checked = props.value.as_ref().and_then(Value::as_bool).unwrap_or(false);
            let on_check = {
                let (name, on_change) = (spec.id.to_string(), props.on_change.clone());
                Callback::from(move |event: Event| {
                    let checked = event.target_unchecked_into::<HtmlInputElement>().checked();
                    on_change.emit((name.clone(), Value::Bool(checked)));
                })
            };
            return html! {
                <div class={classes!("field", "confirm", props.error.is_some().then_some("has-error"))}>
                    <label class="check">
                        <input type="checkbox" id={id.clone()} {checked} onchange={on_check} aria-invalid={invalid} aria-required={required} aria-describedby={described} />
                        { format!(" {label_text}") }
                    </label>
                    { error_view(&error_id, &props.error) }
                </div>
            };
        }
        FieldType::Multiline => {
            let on_area = {
                let (name, on_change) = (spec.id.to_string(), props.on_change.clone());
                Callback::from(move |event: InputEvent| {
                    let value = event.target_unchecked_into::<HtmlTextAreaElement>().value();
                    on_change.emit((name.clone(), Value::String(value)));
                })
            };
            html! { <textarea id={id.clone()} rows="4" value={text_value} oninput={on_area} onblur={on_blur} aria-invalid={invalid} aria-required={required} aria-describedby={described} /> }
        }
        FieldType::Choice => {
            let on_select = {
                let (name, on_change) = (spec.id.to_string(), props.on_change.clone());
                Callback::from(move |event: Event| {
                    let value = event.target_unchecked_into::<HtmlSelectElement>().value();
                    on_change.emit((name.clone(), Value::String(value)));
                })
            };
            html! {
                <select id={id.clone()} onchange={on_select} onblur={on_blur} aria-invalid={invalid} aria-required={required} aria-describedby={described}>
                    <option value="" selected={text_value.is_empty()}>{ props.lang.pick("请选择", "Choose") }</option>
                    { for spec.options.iter().map(|option| html! {
                        <option value={option.value.clone()} selected={option.value == text_value}>{ option.label.get(lang) }</option>
                    }) }
                </select>
            }
        }
        other => {
            let (input_type, mode, placeholder) = match other {
                FieldType::Date => ("date", None, None),
                FieldType::Phone => (
                    "tel",
                    Some("tel"),
                    Some(props.lang.pick("如 13812345678 或 0351-1234567", "e.g. 13812345678 or 0351-1234567")),
                ),
                FieldType::Amount => {
                    ("text", Some("decimal"), Some(props.lang.pick("元，如 12345.67", "yuan, e.g. 12345.67")))
                }
                FieldType::CreditCode => ("text", None, Some("18 位，如 91140105123456788F")),
                FieldType::IdNumber => {
                    ("text", None, Some(props.lang.pick("18 位身份证号码", "18-character ID number")))
                }
                _ => ("text", None, None),
            };
            let class = matches!(other, FieldType::CreditCode | FieldType::IdNumber).then_some("mono");
            html! {
                <input id={id.clone()} type={input_type} inputmode={mode} placeholder={placeholder} class={class}
                    maxlength={spec.max_len.map(|m| m.to_string())} value={text_value} oninput={on_text} onblur={on_blur}
                    aria-invalid={invalid} aria-required={required} aria-describedby={described} autocomplete="off" />
            }
        }
    };
    html! {
        <div class={classes!("field", props.error.is_some().then_some("has-error"))}>
            { label }
            { control }
            if let Some(help) = &spec.help { <p class="help">{ help.get(lang) }</p> }
            { error_view(&error_id, &props.error) }
        </div>
    }
}

fn error_view(id: &str, error: &Option<String>) -> Html {
    match error {
        Some(message) => html! { <p class="field-error" id={id.to_owned()}>{ message }</p> },
        None => html! {},
    }
}
