//! Fix suggestions: one look-alike letter, one adjacent swap, one substitution, or one missing or extra
//! symbol that makes an invalid code valid. Look-alikes come first because they are the usual mistake.

use serde::Serialize;

use super::checks::{check_org_code, check_reg_no, check_resident_id, check_uscc, UsccOutcome};
use super::tables::USCC_ALPHABET;
use super::CodeKind;

/// At most this many suggestions: beyond that the user is better served by the error itself.
const MAX_SUGGESTIONS: usize = 5;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Edit {
    LookAlike,
    Swap,
    Substitute,
    Insert,
    Delete,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub code: String,
    pub edit: Edit,
    /// 1-based position of the (first) changed symbol.
    pub position: usize,
    /// A guess rather than a look-alike (V→U): said so to the user.
    pub guess: bool,
}

/// Letters the credit-code alphabet leaves out, and what they were probably meant to be.
const LOOK_ALIKES: [(u8, u8, bool); 5] =
    [(b'O', b'0', false), (b'I', b'1', false), (b'Z', b'2', false), (b'S', b'5', false), (b'V', b'U', true)];

/// Strictly valid (a flagged pilot code is not offered as a fix).
fn strictly_valid(kind: CodeKind, code: &[u8]) -> bool {
    match kind {
        CodeKind::Uscc => code.try_into().is_ok_and(|c| matches!(check_uscc(c), UsccOutcome::Valid(_))),
        CodeKind::ResidentId => code.try_into().is_ok_and(|c| check_resident_id(c).is_ok()),
        CodeKind::OrgCode => code.try_into().is_ok_and(|c| check_org_code(c).is_ok()),
        CodeKind::RegNo15 => code.try_into().is_ok_and(|c| check_reg_no(c).is_ok()),
        CodeKind::Unknown => false,
    }
}

fn alphabet(kind: CodeKind) -> &'static [u8] {
    match kind {
        CodeKind::Uscc => USCC_ALPHABET,
        CodeKind::ResidentId => b"0123456789X",
        CodeKind::OrgCode => b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        CodeKind::RegNo15 | CodeKind::Unknown => b"0123456789",
    }
}

struct Collector {
    kind: CodeKind,
    found: Vec<Suggestion>,
}

impl Collector {
    fn full(&self) -> bool {
        self.found.len() >= MAX_SUGGESTIONS
    }

    fn offer(&mut self, candidate: Vec<u8>, edit: Edit, position: usize, guess: bool) {
        if self.full() || !strictly_valid(self.kind, &candidate) {
            return;
        }
        let code = String::from_utf8(candidate).unwrap_or_default();
        if !self.found.iter().any(|s| s.code == code) {
            self.found.push(Suggestion { code, edit, position, guess });
        }
    }
}

/// Suggestions for an invalid code of the given kind (normalised text); empty when none is one edit away.
pub fn suggest(kind: CodeKind, text: &str) -> Vec<Suggestion> {
    let Some(length) = kind.length() else {
        return Vec::new();
    };
    let code = text.as_bytes();
    if !code.is_ascii() || code.len() + 1 < length || code.len() > length + 1 {
        return Vec::new();
    }
    let mut collector = Collector { kind, found: Vec::new() };

    if code.len() == length {
        if kind == CodeKind::Uscc {
            // All look-alikes at once, then each alone.
            let replace =
                |byte: u8| LOOK_ALIKES.iter().find(|(from, ..)| *from == byte).map(|&(_, to, guess)| (to, guess));
            let positions: Vec<usize> = (0..code.len()).filter(|&i| replace(code[i]).is_some()).collect();
            if positions.len() > 1 {
                let mut candidate = code.to_vec();
                let mut guess = false;
                for &i in &positions {
                    let (to, is_guess) = replace(code[i]).unwrap_or((code[i], false));
                    candidate[i] = to;
                    guess |= is_guess;
                }
                collector.offer(candidate, Edit::LookAlike, positions[0] + 1, guess);
            }
            for &i in &positions {
                let (to, guess) = replace(code[i]).unwrap_or((code[i], false));
                let mut candidate = code.to_vec();
                candidate[i] = to;
                collector.offer(candidate, Edit::LookAlike, i + 1, guess);
            }
        }
        for i in 0..code.len() - 1 {
            if code[i] != code[i + 1] {
                let mut candidate = code.to_vec();
                candidate.swap(i, i + 1);
                collector.offer(candidate, Edit::Swap, i + 1, false);
            }
        }
        // Substitutions from the end: the check symbol is the likeliest single wrong symbol to fix.
        for i in (0..code.len()).rev() {
            for &symbol in alphabet(kind) {
                if collector.full() {
                    break;
                }
                if symbol != code[i] {
                    let mut candidate = code.to_vec();
                    candidate[i] = symbol;
                    collector.offer(candidate, Edit::Substitute, i + 1, false);
                }
            }
        }
    } else if code.len() + 1 == length {
        for i in (0..=code.len()).rev() {
            for &symbol in alphabet(kind) {
                let mut candidate = code.to_vec();
                candidate.insert(i, symbol);
                collector.offer(candidate, Edit::Insert, i + 1, false);
            }
        }
    } else {
        for i in 0..code.len() {
            let mut candidate = code.to_vec();
            candidate.remove(i);
            collector.offer(candidate, Edit::Delete, i + 1, false);
        }
    }
    collector.found
}
