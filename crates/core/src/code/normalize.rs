//! Normalisation of what people paste: spaces, dashes, full-width forms, case, spreadsheet quoting.

/// The normalised text and what was done to get it (so the user can be told).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Normalized {
    pub text: String,
    /// Invisible format characters (zero-width spaces, RTL/LTR marks, BOM) that were removed.
    pub invisible_removed: usize,
}

/// Characters that separate groups when codes are printed or typed: removed.
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '-' | '\u{2010}'
                ..='\u{2015}'
                    | '\u{2212}'
                    | '\u{2E3A}'
                    | '\u{2E3B}'
                    | '\u{FE58}'
                    | '\u{FE63}'
                    | '\u{FF0D}'
                    | '\u{30FC}'
                    | '\u{00B7}'
                    | '\u{30FB}'
        )
}

/// Invisible format characters that sneak in with copy and paste: removed, with a warning.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{00AD}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}')
}

/// Full-width ASCII forms (U+FF01–U+FF5E) map to ASCII; everything else is kept as it is.
fn to_ascii_form(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    }
}

/// Strips the quoting spreadsheets add when a code is exported as text: `'91…`, `"91…"`, `="91…"`.
fn strip_spreadsheet_quoting(text: &str) -> &str {
    let text = text.strip_prefix('=').filter(|rest| rest.starts_with('"')).unwrap_or(text);
    let text = text.strip_prefix('\'').unwrap_or(text);
    match text.strip_prefix('"').and_then(|rest| rest.strip_suffix('"')) {
        Some(inner) => inner,
        None => text,
    }
}

/// Whether the text is already in normal form (upper-case ASCII letters and digits only): the fast path.
pub fn is_plain(text: &[u8]) -> bool {
    text.iter().all(|&b| PLAIN[b as usize])
}

/// Digits and capital letters, as a table: this test runs on every code of a batch.
static PLAIN: [bool; 256] = {
    let mut table = [false; 256];
    let mut byte = 0;
    while byte < 256 {
        table[byte] = (byte as u8).is_ascii_digit() || (byte as u8).is_ascii_uppercase();
        byte += 1;
    }
    table
};

pub fn normalize(input: &str) -> Normalized {
    let mut out = Normalized { text: String::with_capacity(input.len().min(64)), invisible_removed: 0 };
    let mapped: String = input
        .chars()
        .map(to_ascii_form)
        .filter(|&c| {
            let invisible = is_invisible(c);
            out.invisible_removed += usize::from(invisible);
            !invisible && !is_separator(c)
        })
        .collect();
    out.text.extend(strip_spreadsheet_quoting(&mapped).chars().map(|c| c.to_ascii_uppercase()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_separators_and_maps_full_width_and_case() {
        assert_eq!(normalize(" 9135 0100-M000\u{3000}100y４３ ").text, "91350100M000100Y43");
        assert_eq!(normalize("９１３５０１００Ｍ０００１００Ｙ４３").text, "91350100M000100Y43");
        assert_eq!(normalize("ｍ０００—１００ｙ").text, "M000100Y");
        assert_eq!(normalize("12345678–9").text, "123456789");
    }

    #[test]
    fn strips_spreadsheet_quoting() {
        assert_eq!(normalize("'91350100M000100Y43").text, "91350100M000100Y43");
        assert_eq!(normalize("=\"91350100M000100Y43\"").text, "91350100M000100Y43");
        assert_eq!(normalize("\"91350100M000100Y43\"").text, "91350100M000100Y43");
    }

    #[test]
    fn counts_invisible_characters() {
        let normalized = normalize("\u{200F}9135\u{200B}0100M000100Y43\u{FEFF}");
        assert_eq!(normalized.text, "91350100M000100Y43");
        assert_eq!(normalized.invisible_removed, 3);
    }

    #[test]
    fn keeps_what_it_cannot_map_so_it_can_be_reported() {
        assert_eq!(normalize("91\u{0}3😀").text, "91\u{0}3😀");
    }
}
