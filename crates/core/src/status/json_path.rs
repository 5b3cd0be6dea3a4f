//! Reading a value from JSON with the member at fault named (`records[0].kind`). The value is parsed from its
//! pretty text, one member a line, so the line the parser stops at leads back to the member — with no second,
//! path-tracking copy of every deserialiser in each build (serde_path_to_error's cost 6.8 KB gzip in the
//! status package).

use serde::de::DeserializeOwned;
use serde_json::Value;

/// What went wrong: the member (`records[0].kind`; `(root)` for the value itself) and serde's message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathError {
    pub path: String,
    pub message: String,
}

pub fn from_value<T: DeserializeOwned>(value: &Value) -> Result<T, PathError> {
    let text = serde_json::to_string_pretty(value)
        .map_err(|error| PathError { path: ROOT.to_owned(), message: error.to_string() })?;
    serde_json::from_str(&text).map_err(|error| {
        let message = error.to_string();
        let position = format!(" at line {} column {}", error.line(), error.column());
        PathError {
            path: path_at_line(&text, error.line()),
            message: message.strip_suffix(&position).unwrap_or(&message).to_owned(),
        }
    })
}

const ROOT: &str = "(root)";

/// An open object or array above the current line: its path, and for an array the index of its next element.
struct Open {
    path: String,
    next_index: Option<usize>,
}

/// The member on line `line` (1-based) of `serde_json`'s pretty text: a member's own line names it; a closing
/// bracket names its container (a missing field is reported there).
fn path_at_line(text: &str, line: usize) -> String {
    let mut open: Vec<Open> = Vec::new();
    for (number, raw) in text.lines().enumerate().map(|(index, raw)| (index + 1, raw.trim())) {
        if raw.starts_with(['}', ']']) {
            let closed = open.pop();
            if number == line {
                return shown(closed.map(|c| c.path).unwrap_or_default());
            }
            continue;
        }
        let (path, value) = match open.last_mut() {
            None => (String::new(), raw),
            Some(Open { path, next_index: Some(index) }) => {
                *index += 1;
                (format!("{path}[{}]", *index - 1), raw)
            }
            Some(Open { path, next_index: None }) => match leading_key(raw) {
                Some((key, value)) if path.is_empty() => (key, value),
                Some((key, value)) => (format!("{path}.{key}"), value),
                None => (path.clone(), raw),
            },
        };
        if number == line {
            return shown(path);
        }
        if value.ends_with('{') {
            open.push(Open { path, next_index: None });
        } else if value.ends_with('[') {
            open.push(Open { path, next_index: Some(0) });
        }
    }
    ROOT.to_owned()
}

fn shown(path: String) -> String {
    if path.is_empty() {
        ROOT.to_owned()
    } else {
        path
    }
}

/// `"key": value` → (key, value): the key is a JSON string (escapes and all) followed by `: `.
fn leading_key(line: &str) -> Option<(String, &str)> {
    let body = line.strip_prefix('"')?;
    let mut escaped = false;
    let end = body.char_indices().find_map(|(at, c)| match (escaped, c) {
        (true, _) => {
            escaped = false;
            None
        }
        (false, '\\') => {
            escaped = true;
            None
        }
        (false, '"') => Some(at),
        _ => None,
    })?;
    let key: String = serde_json::from_str(&line[..end + 2]).ok()?;
    Some((key, line[end + 2..].strip_prefix(": ")?))
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;
    use serde_json::json;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        kind: u8,
        #[serde(default)]
        tags: Vec<String>,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Outer {
        name: String,
        items: Vec<Item>,
    }

    fn path_of(value: serde_json::Value) -> String {
        from_value::<Outer>(&value).unwrap_err().path
    }

    #[test]
    fn the_member_at_fault_is_named() {
        let good = json!({"name": "a", "items": [{"kind": 1}, {"kind": 2, "tags": ["x"]}]});
        assert!(from_value::<Outer>(&good).is_ok());
        assert_eq!(path_of(json!({"name": "a", "items": [{"kind": 1}, {"kind": "two"}]})), "items[1].kind");
        assert_eq!(path_of(json!({"name": "a", "items": [{"kind": 1, "tags": ["x", 5]}]})), "items[0].tags[1]");
        assert_eq!(path_of(json!({"name": 7, "items": []})), "name");
        // A missing field is reported where its object closes; an unknown one at its own line.
        assert_eq!(path_of(json!({"name": "a", "items": [{"kind": 1}, {}]})), "items[1]");
        assert_eq!(path_of(json!({"name": "a", "items": [{"kind": 1, "extra": true}]})), "items[0].extra");
        assert_eq!(path_of(json!({"items": []})), "(root)");
        assert_eq!(path_of(json!("not an object")), "(root)");
    }

    #[test]
    fn keys_and_strings_with_quotes_escapes_and_line_breaks_do_not_confuse_it() {
        let value =
            json!({"name": "a \"quoted\"\nname: [", "items": [{"kind": 1, "tags": ["{", "]\"\\"]}, {"kind": -1}]});
        assert_eq!(path_of(value), "items[1].kind");
        let error = from_value::<Outer>(&json!({"name": "a", "items": [{"kind": 1, "we\"ird\n": 1}]})).unwrap_err();
        assert_eq!(error.path, "items[0].we\"ird\n");
    }

    #[test]
    fn the_message_is_serdes_without_a_position() {
        let error = from_value::<Outer>(&json!({"name": "a", "items": [{"kind": "two"}]})).unwrap_err();
        assert_eq!(error.message, "invalid type: string \"two\", expected u8");
    }
}
