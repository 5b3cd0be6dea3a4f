//! Batch checking: one result per non-empty line or CSV cell.

use serde::Serialize;

use super::report::{validate, CodeReport, ValidateOptions};
use super::{check, Verdict};

/// One cell of a pasted list or CSV file, with its 1-based line number.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchCell<'a> {
    pub line: usize,
    pub text: &'a str,
}

/// Cell separators of CSV/TSV files and of lists typed in Chinese (full-width comma and semicolon).
fn is_cell_separator(c: char) -> bool {
    matches!(c, ',' | '\t' | ';' | '，' | '；' | '、')
}

/// The non-empty cells of a pasted list or CSV/TSV text, in order.
pub fn batch_cells(text: &str) -> impl Iterator<Item = BatchCell<'_>> {
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    text.split('\n').enumerate().flat_map(|(index, line)| {
        line.split(is_cell_separator)
            .map(|cell| cell.trim_matches(|c: char| c.is_whitespace()))
            .filter(|cell| !cell.is_empty())
            .map(move |cell| BatchCell {
                line: index + 1,
                text: cell,
            })
    })
}

/// Quick verdicts for every cell (the fast batch path).
pub fn check_batch(text: &str) -> Vec<Verdict> {
    batch_cells(text).map(|cell| check(cell.text)).collect()
}

/// Full reports for every cell.
pub fn validate_batch(text: &str, options: &ValidateOptions) -> Vec<CodeReport> {
    batch_cells(text)
        .map(|cell| validate(cell.text, options))
        .collect()
}

/// Counts for the top of a batch result.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
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
