//! Text people type into signed documents: what may not be in it.

/// Unicode's format characters (general category Cf, Unicode 16.0): invisible, yet they change how text is
/// shown — bidirectional overrides reorder it, zero-width characters hide differences — so signed text could
/// display differently from what was signed. Listed here (23 ranges) rather than pulling a whole
/// general-category table into every wasm build.
const FORMAT_CHARACTERS: &[(u32, u32)] = &[
    (0x00AD, 0x00AD),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x180E, 0x180E),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x2064),
    (0x2066, 0x206F),
    (0xFEFF, 0xFEFF),
    (0xFFF9, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0001, 0xE0001),
    (0xE0020, 0xE007F),
];

/// Whether `c` is a Unicode format character (Cf).
pub fn is_invisible_format(c: char) -> bool {
    let code = u32::from(c);
    FORMAT_CHARACTERS.iter().any(|&(first, last)| (first..=last).contains(&code))
}

/// The first character a signed text field may not hold: a control character other than a line break or
/// tab, or a format character.
pub fn first_forbidden(text: &str) -> Option<char> {
    text.chars().find(|&c| (c.is_control() && c != '\n' && c != '\t') || is_invisible_format(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direction_overrides_and_zero_width_characters_are_found() {
        for text in ["山西\u{202E}司公", "91140105\u{200B}123456788F", "\u{FEFF}示例", "a\u{2066}b", "x\u{00AD}y"]
        {
            assert!(first_forbidden(text).is_some(), "{text:?}");
        }
        for text in ["山西示例科技有限公司", "第一行\n第二行", "Ａ１（全角）", "👨\u{200D}👩"]
        {
            // U+200D (zero-width joiner) is Cf too: emoji sequences are not names of enterprises.
            assert_eq!(first_forbidden(text).is_some(), text.contains('\u{200D}'), "{text:?}");
        }
        assert_eq!(first_forbidden("a\u{0007}b"), Some('\u{0007}'));
    }
}
