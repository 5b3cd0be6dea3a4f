//! Batch checking: one result per non-empty line or CSV cell.

use serde::Serialize;

use super::classify::{check, Verdict};
use super::report::{validate, CodeReport, ValidateOptions};

/// One cell of a pasted list or CSV file, with its 1-based line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchCell<'a> {
    pub line: usize,
    pub text: &'a str,
}

/// Bytes that may end a cell: newline, `,` `\t` `;`, and the lead bytes of `，` `；` (EF BC ..) and `、` (E3 80 81).
static MAY_END_CELL: [bool; 256] = {
    let mut table = [false; 256];
    table[b'\n' as usize] = true;
    table[b',' as usize] = true;
    table[b'\t' as usize] = true;
    table[b';' as usize] = true;
    table[0xEF] = true;
    table[0xE3] = true;
    table
};

/// Length of the cell separator at the start of `bytes`, if one starts there.
fn separator_len(bytes: &[u8]) -> Option<usize> {
    match bytes {
        [b'\n' | b',' | b'\t' | b';', ..] => Some(1),
        [0xEF, 0xBC, 0x8C | 0x9B, ..] | [0xE3, 0x80, 0x81, ..] => Some(3),
        _ => None,
    }
}

/// Trims white space; the Unicode-aware trim runs only when a cell starts or ends outside ASCII.
fn trim(cell: &str) -> &str {
    let cell = cell.trim_ascii();
    match (cell.as_bytes().first(), cell.as_bytes().last()) {
        (Some(first), Some(last)) if !first.is_ascii() || !last.is_ascii() => cell.trim(),
        _ => cell,
    }
}

/// The non-empty cells of a pasted list or CSV/TSV text, in order: split at newlines, at `,` `\t` `;`
/// and at the full-width `，` `；` `、` of lists typed in Chinese. Scans bytes: the batch hot path.
pub fn batch_cells(text: &str) -> impl Iterator<Item = BatchCell<'_>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let bytes = text.as_bytes();
    let mut start = 0;
    let mut line = 1;
    std::iter::from_fn(move || {
        while start <= bytes.len() {
            let mut end = start;
            let separator = loop {
                if end >= bytes.len() {
                    break 1;
                }
                if MAY_END_CELL[bytes[end] as usize] {
                    if let Some(length) = separator_len(&bytes[end..]) {
                        break length;
                    }
                }
                end += 1;
            };
            // Separators are ASCII or whole UTF-8 sequences, so both ends are char boundaries.
            let cell = trim(text.get(start..end).unwrap_or(""));
            let cell_line = line;
            if bytes.get(end) == Some(&b'\n') {
                line += 1;
            }
            start = end + separator;
            if !cell.is_empty() {
                return Some(BatchCell { line: cell_line, text: cell });
            }
        }
        None
    })
}

/// Quick verdicts for every cell (the fast batch path).
pub fn check_batch(text: &str) -> Vec<Verdict> {
    batch_cells(text).map(|cell| check(cell.text)).collect()
}

/// Full reports for every cell.
pub fn validate_batch(text: &str, options: &ValidateOptions) -> Vec<CodeReport> {
    batch_cells(text).map(|cell| validate(cell.text, options)).collect()
}

/// Counts for the top of a batch result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BatchSummary {
    pub total: usize,
    pub valid: usize,
    pub invalid: usize,
    pub with_warnings: usize,
}

impl BatchSummary {
    pub fn add(&mut self, report: &CodeReport) {
        self.total += 1;
        if report.valid {
            self.valid += 1;
        } else {
            self.invalid += 1;
        }
        if !report.warnings.is_empty() {
            self.with_warnings += 1;
        }
    }

    pub fn of<'a>(reports: impl IntoIterator<Item = &'a CodeReport>) -> Self {
        let mut summary = Self::default();
        for report in reports {
            summary.add(report);
        }
        summary
    }
}
