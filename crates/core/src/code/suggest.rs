//! Fix suggestions: one look-alike letter, one adjacent swap, one substitution, or one missing or extra
//! symbol that makes an invalid code valid. Look-alikes come first because they are the usual mistake; then
//! fixes that keep the region typed (inside the form's province before outside it), the check symbol the
//! check proves before a swap; a fix into a region that does not exist is never offered.

use serde::Serialize;

use super::checks::{check_org_code, check_reg_no, check_resident_id, check_uscc, UsccOutcome};
use super::classify::CodeKind;
use super::division::{division_known, Province, NATIONAL_LEVEL};
use super::tables::USCC_ALPHABET;

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

/// Where a kind's region code is (byte range), for the kinds that have one.
fn region_range(kind: CodeKind) -> Option<std::ops::Range<usize>> {
    match kind {
        CodeKind::Uscc => Some(2..8),
        CodeKind::ResidentId | CodeKind::RegNo15 => Some(0..6),
        CodeKind::OrgCode | CodeKind::Unknown => None,
    }
}

fn region_of(code: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    code.get(range)?.iter().try_fold(0u32, |acc, &b| b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0')))
}

/// A candidate kept for ranking: the suggestion and its sort key.
struct Ranked {
    key: (u8, u8, u8, usize),
    suggestion: Suggestion,
}

struct Collector<'a> {
    kind: CodeKind,
    input: &'a [u8],
    province: Option<Province>,
    found: Vec<Ranked>,
}

impl Collector<'_> {
    /// Keeps `candidate` if it is strictly valid and its region exists, ranked: look-alikes first (they fix
    /// letters the alphabet forbids); then by region — inside the form's province (any, without one) before
    /// outside it, and within each the region typed before a changed one; then the check symbol recomputed
    /// (the fix the check proves), a swap, any other edit; then in the order found.
    fn offer(&mut self, candidate: &[u8], edit: Edit, position: usize, guess: bool) {
        if !strictly_valid(self.kind, candidate) {
            return;
        }
        let region = match region_range(self.kind) {
            None => 0,
            Some(range) => {
                // Never a code in a region that does not exist (GB/T 2260).
                let Some(region) = region_of(candidate, range.clone()).filter(|&r| division_known(r)) else {
                    return;
                };
                let kept = candidate.get(range.clone()) == self.input.get(range);
                let outside = self.province.is_some_and(|p| region != NATIONAL_LEVEL && !p.contains(region));
                2 * u8::from(outside) + u8::from(!kept)
            }
        };
        let check_symbol = edit == Edit::Substitute && position == candidate.len();
        let edit_rank = match edit {
            Edit::LookAlike => 0,
            _ if check_symbol => 0,
            Edit::Swap => 1,
            _ => 2,
        };
        let after_look_alikes = u8::from(edit != Edit::LookAlike);
        // ASCII: the input is, and every symbol put in is.
        let code = String::from_utf8(candidate.to_vec()).unwrap_or_default();
        if !self.found.iter().any(|r| r.suggestion.code == code) {
            let key = (after_look_alikes, region, edit_rank, self.found.len());
            self.found.push(Ranked { key, suggestion: Suggestion { code, edit, position, guess } });
        }
    }

    /// The best few, by key (unique: the order found is in it). Picked one by one rather than sorted: a
    /// handful of candidates, and no sort's code in the builds.
    fn best(mut self) -> Vec<Suggestion> {
        let mut best = Vec::new();
        while best.len() < MAX_SUGGESTIONS {
            let Some(index) = (0..self.found.len()).min_by_key(|&i| self.found[i].key) else { break };
            best.push(self.found.swap_remove(index).suggestion);
        }
        best
    }
}

/// Suggestions for an invalid code of the given kind (normalised text), best first; empty when none is one
/// edit away. `province` is the form's: a fix that keeps a code inside it comes before one that moves it out.
pub fn suggest(kind: CodeKind, text: &str, province: Option<Province>) -> Vec<Suggestion> {
    let Some(length) = kind.length() else {
        return Vec::new();
    };
    let code = text.as_bytes();
    if !code.is_ascii() || code.len() + 1 < length || code.len() > length + 1 {
        return Vec::new();
    }
    let mut collector = Collector { kind, input: code, province, found: Vec::new() };
    let mut candidate = code.to_vec();

    if code.len() == length {
        if kind == CodeKind::Uscc {
            // All look-alikes at once, then each alone.
            let replace =
                |byte: u8| LOOK_ALIKES.iter().find(|(from, ..)| *from == byte).map(|&(_, to, guess)| (to, guess));
            let positions: Vec<usize> = (0..code.len()).filter(|&i| replace(code[i]).is_some()).collect();
            if positions.len() > 1 {
                let mut guess = false;
                for &i in &positions {
                    let (to, is_guess) = replace(code[i]).unwrap_or((code[i], false));
                    candidate[i] = to;
                    guess |= is_guess;
                }
                collector.offer(&candidate, Edit::LookAlike, positions[0] + 1, guess);
                candidate.copy_from_slice(code);
            }
            for &i in &positions {
                let (to, guess) = replace(code[i]).unwrap_or((code[i], false));
                candidate[i] = to;
                collector.offer(&candidate, Edit::LookAlike, i + 1, guess);
                candidate[i] = code[i];
            }
        }
        for i in 0..code.len() - 1 {
            if code[i] != code[i + 1] {
                candidate.swap(i, i + 1);
                collector.offer(&candidate, Edit::Swap, i + 1, false);
                candidate.swap(i, i + 1);
            }
        }
        // Substitutions from the end: the check symbol is the likeliest single wrong symbol to fix.
        for i in (0..code.len()).rev() {
            for &symbol in alphabet(kind) {
                if symbol != code[i] {
                    candidate[i] = symbol;
                    collector.offer(&candidate, Edit::Substitute, i + 1, false);
                }
            }
            candidate[i] = code[i];
        }
    } else if code.len() + 1 == length {
        for i in (0..=code.len()).rev() {
            for &symbol in alphabet(kind) {
                let mut candidate = code.to_vec();
                candidate.insert(i, symbol);
                collector.offer(&candidate, Edit::Insert, i + 1, false);
            }
        }
    } else {
        for i in 0..code.len() {
            let mut candidate = code.to_vec();
            candidate.remove(i);
            collector.offer(&candidate, Edit::Delete, i + 1, false);
        }
    }
    collector.best()
}
