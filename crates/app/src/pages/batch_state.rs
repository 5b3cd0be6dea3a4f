//! Batch-check state as a pure reducer (tested natively) and the CSV export.

use std::rc::Rc;

use xinnuo_core::code::{BatchSummary, CodeReport};
use yew::Reducible;

use crate::i18n::Lang;

/// Rows per page of the results table: a 100,000-row table would freeze the page.
pub const PAGE_SIZE: usize = 100;

#[derive(Debug, Clone, PartialEq)]
pub struct BatchRow {
    pub line: usize,
    pub report: CodeReport,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct BatchState {
    /// Identifies the newest run: progress from an older run is ignored.
    pub run: u32,
    pub running: bool,
    pub done: usize,
    pub total: usize,
    pub rows: Rc<Vec<BatchRow>>,
    pub summary: BatchSummary,
    pub invalid_only: bool,
    pub page: usize,
}

#[derive(Debug, Clone)]
pub enum BatchAction {
    Start {
        run: u32,
        total: usize,
    },
    Progress {
        run: u32,
        done: usize,
    },
    Finished {
        run: u32,
        rows: Rc<Vec<BatchRow>>,
    },
    SetInvalidOnly(bool),
    Page(usize),
    /// A row's code replaced by a suggestion (one click), with its new report; the page stays where it is.
    Replace {
        line: usize,
        report: Box<CodeReport>,
    },
}

impl Reducible for BatchState {
    type Action = BatchAction;

    fn reduce(self: Rc<Self>, action: BatchAction) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            BatchAction::Start { run, total } => {
                next =
                    BatchState { run, running: true, total, invalid_only: self.invalid_only, ..BatchState::default() };
            }
            BatchAction::Progress { run, done } if run == self.run => next.done = done,
            BatchAction::Finished { run, rows } if run == self.run => {
                next.summary = BatchSummary::of(rows.iter().map(|row| &row.report));
                next.done = rows.len();
                next.rows = rows;
                next.running = false;
                next.page = 0;
            }
            BatchAction::Progress { .. } | BatchAction::Finished { .. } => return self,
            BatchAction::SetInvalidOnly(on) => {
                next.invalid_only = on;
                next.page = 0;
            }
            BatchAction::Page(page) => next.page = page.min(self.page_count().saturating_sub(1)),
            BatchAction::Replace { line, report } => {
                let mut rows = (*self.rows).clone();
                let Some(row) = rows.iter_mut().find(|row| row.line == line) else { return self };
                row.report = *report;
                next.summary = BatchSummary::of(rows.iter().map(|row| &row.report));
                next.rows = Rc::new(rows);
                next.page = next.page.min(next.page_count().saturating_sub(1));
            }
        }
        Rc::new(next)
    }
}

impl BatchState {
    fn shown(&self) -> impl Iterator<Item = &BatchRow> {
        let invalid_only = self.invalid_only;
        self.rows.iter().filter(move |row| !invalid_only || !row.report.valid)
    }

    pub fn shown_count(&self) -> usize {
        if self.invalid_only {
            self.summary.invalid
        } else {
            self.rows.len()
        }
    }

    pub fn page_count(&self) -> usize {
        self.shown_count().div_ceil(PAGE_SIZE).max(1)
    }

    /// The rows on the current page, after the filter.
    pub fn page_rows(&self) -> Vec<&BatchRow> {
        self.shown().skip(self.page * PAGE_SIZE).take(PAGE_SIZE).collect()
    }
}

/// What to tell about a row: its errors, then its warnings (an invalid code may also be, say, from a
/// region that does not exist), each once.
pub fn row_note(report: &CodeReport, lang: Lang) -> String {
    let mut notes: Vec<String> = Vec::new();
    for issue in report.errors.iter().chain(&report.warnings) {
        let note = match lang {
            Lang::Zh => issue.code.message_zh(),
            Lang::En => issue.code.message_en(),
        };
        if !notes.contains(&note) {
            notes.push(note);
        }
    }
    notes.join(lang.pick("；", "; "))
}

/// A spreadsheet cannot mistake these for formulas (CSV injection) or numbers (precision loss).
pub(crate) fn csv_field(text: &str) -> String {
    let guarded = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() };
    format!("\"{}\"", guarded.replace('"', "\"\""))
}

/// The CSV a user downloads (UTF-8 with BOM so that Excel opens Chinese text correctly).
pub fn export_csv<'a>(rows: impl IntoIterator<Item = &'a BatchRow>, lang: Lang) -> String {
    let header = lang.pick("行号,输入,规范化,类型,结果,说明,建议", "line,input,normalized,kind,result,note,suggestion");
    let mut out = format!("\u{FEFF}{header}\r\n");
    for row in rows {
        let report = &row.report;
        let kind = lang.pick(report.kind.label_zh(), report.kind.label_en());
        let result = if report.valid { lang.pick("有效", "valid") } else { lang.pick("无效", "invalid") };
        let suggestion = report.suggestions.first().map(|s| s.code.as_str()).unwrap_or("");
        let fields = [
            row.line.to_string(),
            csv_field(&report.input),
            csv_field(&report.normalized),
            csv_field(kind),
            csv_field(result),
            csv_field(&row_note(report, lang)),
            csv_field(suggestion),
        ];
        out.push_str(&fields.join(","));
        out.push_str("\r\n");
    }
    out
}

#[cfg(test)]
mod tests {
    use xinnuo_core::code::{validate, ValidateOptions};

    use super::*;

    fn rows(codes: &[&str]) -> Rc<Vec<BatchRow>> {
        Rc::new(
            codes
                .iter()
                .enumerate()
                .map(|(i, c)| BatchRow { line: i + 1, report: validate(c, &ValidateOptions::default()) })
                .collect(),
        )
    }

    fn reduce(state: Rc<BatchState>, action: BatchAction) -> Rc<BatchState> {
        state.reduce(action)
    }

    #[test]
    fn a_suggestion_taken_replaces_its_row_and_the_summary() {
        let options = xinnuo_core::code::ValidateOptions::default();
        let rows: Vec<BatchRow> = ["91140105123456788E", "91350100M000100Y43"]
            .iter()
            .enumerate()
            .map(|(index, code)| BatchRow { line: index + 1, report: xinnuo_core::code::validate(code, &options) })
            .collect();
        let state = Rc::new(BatchState::default())
            .reduce(BatchAction::Start { run: 1, total: 2 })
            .reduce(BatchAction::Finished { run: 1, rows: Rc::new(rows) });
        assert_eq!(state.summary.invalid, 1);
        let fixed = xinnuo_core::code::validate("91140105123456788F", &options);
        let state = state.reduce(BatchAction::Replace { line: 1, report: Box::new(fixed) });
        assert_eq!((state.summary.valid, state.summary.invalid), (2, 0));
        assert_eq!(state.rows[0].report.normalized, "91140105123456788F");
        let unchanged = state
            .clone()
            .reduce(BatchAction::Replace { line: 9, report: Box::new(xinnuo_core::code::validate("x", &options)) });
        assert_eq!(unchanged, state, "no such line: nothing changes");
    }

    #[test]
    fn stale_runs_are_ignored_and_results_summarised() {
        let state = reduce(Rc::default(), BatchAction::Start { run: 2, total: 3 });
        let state = reduce(state, BatchAction::Finished { run: 1, rows: rows(&["x"]) });
        assert!(state.running && state.rows.is_empty());
        let state = reduce(state, BatchAction::Progress { run: 2, done: 2 });
        assert_eq!(state.done, 2);
        let state =
            reduce(state, BatchAction::Finished { run: 2, rows: rows(&["91350100M000100Y43", "bad", "M000100Y-4"]) });
        assert!(!state.running);
        assert_eq!((state.summary.total, state.summary.valid, state.summary.invalid), (3, 2, 1));
    }

    #[test]
    fn filter_and_pages() {
        let many: Vec<String> =
            (0..250).map(|i| if i % 2 == 0 { "91350100M000100Y43".into() } else { format!("bad{i}") }).collect();
        let refs: Vec<&str> = many.iter().map(String::as_str).collect();
        let state = reduce(
            reduce(Rc::default(), BatchAction::Start { run: 1, total: 250 }),
            BatchAction::Finished { run: 1, rows: rows(&refs) },
        );
        assert_eq!(state.page_count(), 3);
        assert_eq!(state.page_rows().len(), 100);
        let state = reduce(state, BatchAction::Page(9));
        assert_eq!((state.page, state.page_rows().len()), (2, 50));
        let state = reduce(state, BatchAction::SetInvalidOnly(true));
        assert_eq!((state.page, state.page_count()), (0, 2));
        assert!(state.page_rows().iter().all(|row| !row.report.valid));
    }

    #[test]
    fn csv_has_bom_header_and_guards_formulas() {
        let csv = export_csv(rows(&["91350100M000100Y43", "=HYPERLINK(\"x\")"]).iter(), Lang::Zh);
        assert!(csv.starts_with("\u{FEFF}行号,输入"));
        assert!(csv.contains("\"91350100M000100Y43\""));
        assert!(csv.contains("\"'=HYPERLINK(\"\"X\"\")\""), "{csv}");
        assert_eq!(csv.lines().count(), 3);
    }
}
