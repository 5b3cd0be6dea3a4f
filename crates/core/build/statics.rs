//! JSON data → Rust expressions for statics of the core's own types. Each shape lists a type's members as
//! the JSON names them; a member the shape does not know is refused, so nothing in a file is silently
//! dropped. The core's tests read the same files into the same types with serde and compare.

use serde_json::Value;

/// How one member is written in Rust.
pub enum Kind {
    /// `Cow<'static, str>`; missing: empty.
    Str,
    /// `Text { zh, en }`.
    Text,
    /// Missing: `false`.
    Bool,
    U32,
    F64,
    /// `Date { year, month, day }` from `YYYY-MM-DD`.
    Date,
    /// `Period::Months(3)` from `{"unit": "months", "count": 3}`.
    Period,
    /// A unit enum written in snake_case in JSON (CamelCase variants); missing: the default given, if any.
    Enum(&'static str, Option<&'static str>),
    /// `Confidence`: `C`, `S`, `U`.
    Confidence,
    /// `Cow<'static, [T]>`; missing: empty.
    List(&'static Kind),
    /// Missing or `null`: `None`.
    Optional(&'static Kind),
    Struct(&'static Shape),
}

/// A struct: its Rust name and its members as (JSON name, Rust name, kind).
pub struct Shape {
    pub name: &'static str,
    pub members: &'static [(&'static str, &'static str, Kind)],
}

const TEXT_LIST: Kind = Kind::List(&Kind::Text);

pub const CONDITION: Shape = Shape {
    name: "Condition",
    members: &[
        ("field", "field", Kind::Str),
        ("equals", "equals", Kind::Str),
        ("one_of", "one_of", Kind::List(&Kind::Str)),
    ],
};

pub const CHOICE_OPTION: Shape =
    Shape { name: "ChoiceOption", members: &[("value", "value", Kind::Str), ("label", "label", Kind::Text)] };

pub const FIELD_SPEC: Shape = Shape {
    name: "FieldSpec",
    members: &[
        ("id", "id", Kind::Str),
        ("type", "kind", Kind::Enum("FieldType", None)),
        ("label", "label", Kind::Text),
        ("help", "help", Kind::Optional(&Kind::Text)),
        ("required", "required", Kind::Bool),
        ("required_if", "required_if", Kind::Optional(&Kind::Struct(&CONDITION))),
        ("min_len", "min_len", Kind::Optional(&Kind::U32)),
        ("max_len", "max_len", Kind::Optional(&Kind::U32)),
        ("options", "options", Kind::List(&Kind::Struct(&CHOICE_OPTION))),
        ("min", "min", Kind::Optional(&Kind::F64)),
        ("max", "max", Kind::Optional(&Kind::F64)),
        ("not_future", "not_future", Kind::Bool),
        ("personal", "personal", Kind::Bool),
    ],
};

pub const TEMPLATE: Shape = Shape {
    name: "Template",
    members: &[
        ("id", "id", Kind::Str),
        ("version", "version", Kind::Str),
        ("kind", "kind", Kind::Enum("TemplateKind", None)),
        ("signer", "signer", Kind::Enum("Signer", Some("Entity"))),
        ("field", "field", Kind::Text),
        ("title", "title", Kind::Text),
        ("departments", "departments", TEXT_LIST),
        ("departments_confirmed", "departments_confirmed", Kind::Bool),
        ("legal_basis", "legal_basis", TEXT_LIST),
        ("effective_from", "effective_from", Kind::Date),
        ("effective_to", "effective_to", Kind::Optional(&Kind::Date)),
        ("notes", "notes", TEXT_LIST),
        ("fields", "fields", Kind::List(&Kind::Struct(&FIELD_SPEC))),
        ("preamble", "preamble", Kind::Text),
        ("clauses", "clauses", TEXT_LIST),
        ("closing", "closing", Kind::Text),
        ("text_sha256", "text_sha256", Kind::Str),
    ],
};

pub const RULE: Shape = Shape {
    name: "Rule",
    members: &[
        ("id", "id", Kind::Str),
        ("confidence", "confidence", Kind::Confidence),
        ("source", "source", Kind::Str),
        ("title", "title", Kind::Text),
        ("text", "text", Kind::Text),
    ],
};

const CLASS_PERIODS: Shape = Shape {
    name: "ClassPeriods",
    members: &[("min", "min", Kind::Optional(&Kind::Period)), ("max", "max", Kind::Period)],
};

const PERIOD_TABLE: Shape = Shape {
    name: "PeriodTable",
    members: &[
        ("minor", "minor", Kind::Struct(&CLASS_PERIODS)),
        ("general", "general", Kind::Struct(&CLASS_PERIODS)),
        ("serious", "serious", Kind::Struct(&CLASS_PERIODS)),
    ],
};

pub const REGIME: Shape = Shape {
    name: "Regime",
    members: &[
        ("id", "id", Kind::Str),
        ("name", "name", Kind::Text),
        ("from", "from", Kind::Date),
        ("to", "to", Kind::Optional(&Kind::Date)),
        ("confidence", "confidence", Kind::Confidence),
        ("periods", "periods", Kind::Struct(&PERIOD_TABLE)),
        ("periods_rule", "periods_rule", Kind::Str),
    ],
};

const MEASURE: Shape =
    Shape { name: "Measure", members: &[("text", "text", Kind::Text), ("source", "source", Kind::Str)] };

pub const TIER_INFO: Shape = Shape {
    name: "TierInfo",
    members: &[
        ("tier", "tier", Kind::Enum("Tier", None)),
        ("name", "name", Kind::Text),
        ("criteria", "criteria", Kind::Text),
        ("measures", "measures", Kind::List(&Kind::Struct(&MEASURE))),
    ],
};

pub const STEP_RULE: Shape = Shape {
    name: "StepRule",
    members: &[
        ("step", "step", Kind::Enum("Step", None)),
        ("working_days", "working_days", Kind::Optional(&Kind::U32)),
        ("from", "from", Kind::Date),
        ("to", "to", Kind::Optional(&Kind::Date)),
        ("confidence", "confidence", Kind::Confidence),
        ("source", "source", Kind::Str),
        ("text", "text", Kind::Text),
        ("extension_working_days", "extension_working_days", Kind::Optional(&Kind::U32)),
        ("stages", "stages", Kind::List(&Kind::Struct(&STAGE_RULE))),
    ],
};

pub const STAGE_RULE: Shape = Shape {
    name: "StageRule",
    members: &[
        ("code", "code", Kind::Str),
        ("working_days", "working_days", Kind::U32),
        ("after", "after", Kind::Str),
        ("text", "text", Kind::Text),
    ],
};

/// `&[…]` of the structs in a JSON array.
pub fn slice(array: &Value, shape: &'static Shape) -> String {
    let items = array.as_array().unwrap_or_else(|| panic!("{}: expected an array", shape.name));
    let items: Vec<String> = items.iter().map(|item| structure(item, shape)).collect();
    format!("&[\n{}\n]", items.join(",\n"))
}

fn structure(object: &Value, shape: &Shape) -> String {
    let map = object.as_object().unwrap_or_else(|| panic!("{}: expected an object, found {object}", shape.name));
    if let Some(unknown) = map.keys().find(|key| !shape.members.iter().any(|(json, _, _)| json == key)) {
        panic!("{}: unknown member {unknown:?} in {object}", shape.name);
    }
    let members: Vec<String> = shape
        .members
        .iter()
        .map(|(json, rust, kind)| {
            let value = map.get(*json).unwrap_or(&Value::Null);
            format!("{rust}: {}", value_or_default(value, kind, &format!("{}.{json}", shape.name)))
        })
        .collect();
    format!("{} {{ {} }}", shape.name, members.join(", "))
}

fn refuse(at: &str, expected: &str, value: &Value) -> ! {
    panic!("{at}: expected {expected}, found {value}")
}

/// A member's value in Rust.
pub fn value(value: &Value, kind: &Kind) -> String {
    value_or_default(value, kind, "value")
}

fn value_or_default(value: &Value, kind: &Kind, at: &str) -> String {
    let missing = value.is_null();
    match kind {
        Kind::Str if missing => "Cow::Borrowed(\"\")".to_owned(),
        Kind::Str => format!("Cow::Borrowed({:?})", value.as_str().unwrap_or_else(|| refuse(at, "a string", value))),
        Kind::Text => {
            let part =
                |lang: &str| value[lang].as_str().unwrap_or_else(|| refuse(at, "{\"zh\", \"en\"}", value)).to_owned();
            if value.as_object().is_none_or(|map| map.len() != 2) {
                refuse(at, "{\"zh\", \"en\"}", value);
            }
            format!("Text {{ zh: Cow::Borrowed({:?}), en: Cow::Borrowed({:?}) }}", part("zh"), part("en"))
        }
        Kind::Bool if missing => "false".to_owned(),
        Kind::Bool => value.as_bool().unwrap_or_else(|| refuse(at, "true or false", value)).to_string(),
        Kind::U32 => {
            let number = value.as_u64().unwrap_or_else(|| refuse(at, "a whole number", value));
            u32::try_from(number).unwrap_or_else(|_| refuse(at, "a number below 2³²", value)).to_string()
        }
        // `{:?}` writes a float Rust reads back exactly (`1.0`, `0.01`, `1e20`).
        Kind::F64 => format!("{:?}", value.as_f64().unwrap_or_else(|| refuse(at, "a number", value))),
        Kind::Date => {
            let text = value.as_str().unwrap_or_else(|| refuse(at, "a date YYYY-MM-DD", value));
            let parts: Vec<u32> =
                text.split('-').map(|part| part.parse().unwrap_or_else(|_| refuse(at, "YYYY-MM-DD", value))).collect();
            let [year, month, day] = parts[..] else { refuse(at, "YYYY-MM-DD", value) };
            format!("Date {{ year: {year}, month: {month}, day: {day} }}")
        }
        Kind::Period => {
            let unit = value["unit"].as_str().unwrap_or_else(|| refuse(at, "{\"unit\", \"count\"}", value));
            let variant = match unit {
                "days" => "Days",
                "months" => "Months",
                "years" => "Years",
                _ => refuse(at, "a unit of days, months or years", value),
            };
            format!("Period::{variant}({})", value_or_default(&value["count"], &Kind::U32, at))
        }
        Kind::Enum(name, Some(default)) if missing => format!("{name}::{default}"),
        Kind::Enum(name, _) => {
            let snake = value.as_str().unwrap_or_else(|| refuse(at, "a name", value));
            let camel: String = snake
                .split('_')
                .map(|word| {
                    let mut chars = word.chars();
                    chars
                        .next()
                        .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
                        .unwrap_or_default()
                })
                .collect();
            format!("{name}::{camel}")
        }
        Kind::Confidence => match value.as_str() {
            Some("C") => "Confidence::Confirmed".to_owned(),
            Some("S") => "Confidence::Secondary".to_owned(),
            Some("U") => "Confidence::Unconfirmed".to_owned(),
            _ => refuse(at, "C, S or U", value),
        },
        Kind::List(_) if missing => "Cow::Borrowed(&[])".to_owned(),
        Kind::List(item) => {
            let items = value.as_array().unwrap_or_else(|| refuse(at, "an array", value));
            let items: Vec<String> = items.iter().map(|element| value_or_default(element, item, at)).collect();
            format!("Cow::Borrowed(&[{}])", items.join(", "))
        }
        Kind::Optional(_) if missing => "None".to_owned(),
        Kind::Optional(inner) => format!("Some({})", value_or_default(value, inner, at)),
        Kind::Struct(shape) => structure(value, shape),
    }
}
