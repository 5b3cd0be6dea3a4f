//! Credit reports as issued: one signed file per subject, day and content (made again only when the subject's
//! public record changed: reports are cheap), each with its entry in the public log.

use xinnuo_core::public_log::{LogEvent, LoggedEntry};
use xinnuo_core::report::CreditReport;

use crate::db::{Db, DbError};
use crate::sql::{args, row, Sql};
use crate::store::ServerKey;

/// A report as issued: the signed file and its proof in the public log.
#[derive(Debug, Clone)]
pub struct IssuedReport {
    pub file: String,
    pub log: Option<LoggedEntry>,
}

fn stored_file(sql: &mut dyn Sql, report_no: &str) -> Result<Option<String>, DbError> {
    row(sql, "SELECT file FROM reports WHERE report_no = ?1", args![report_no], |row| row.get::<String>(0))
}

impl Db {
    /// The report numbered `report_no`, as issued, with its log entry proved in the newest checkpoint.
    pub fn report(&self, report_no: &str) -> Result<Option<IssuedReport>, DbError> {
        self.read(|sql| {
            let Some(file) = stored_file(sql, report_no)? else { return Ok(None) };
            Ok(Some(IssuedReport { file, log: crate::log::proof_of(sql, report_no)? }))
        })
    }

    /// Issues `report` unless one of its number was issued (the same subject, day and content): signed with
    /// the server's key and the log's size written in, stored and appended to the public log in one transaction.
    pub fn issue_report(&self, mut report: CreditReport, server: &ServerKey) -> Result<IssuedReport, DbError> {
        let log = &server.log;
        self.write(|sql| {
            if let Some(file) = stored_file(sql, &report.report_no)? {
                return Ok(IssuedReport { log: crate::log::proof_of(sql, &report.report_no)?, file });
            }
            report.log_size = crate::log::size(sql)?;
            let file = xinnuo_core::report::sign(&report, &server.signer)
                .map(|jws| jws.to_json())
                .map_err(|e| DbError::Other(e.to_string()))?;
            sql.execute(
                "INSERT INTO reports (report_no, credit_code, made_at, file) VALUES (?1, ?2, ?3, ?4)",
                args![&report.report_no, &report.content.credit_code, &report.made_at, &file],
            )?;
            let event = LogEvent::Report {
                report_no: report.report_no.clone(),
                credit_code: report.content.credit_code.clone(),
                made_at: report.made_at.clone(),
                file_sha256: xinnuo_core::public_log::text_sha256(&file),
            };
            let appended = crate::log::append(sql, log, &[event], &report.made_at)?;
            let logged = crate::log::prove(sql, &[appended.first], appended.size, &appended.checkpoint)?.pop();
            Ok(IssuedReport { file, log: logged })
        })
    }
}

#[cfg(test)]
mod tests {
    use xinnuo_core::calendar::Date;
    use xinnuo_core::public_log::{verify_logged, LogEvent};
    use xinnuo_core::report;
    use xinnuo_core::wire::SubjectView;

    use crate::db::Db;

    /// A report is issued once per number: asked again, the stored file (no new signature, no new entry);
    /// made, it is signed with the log's size written in and entered in the log in the same transaction.
    #[test]
    fn a_report_is_issued_once_per_number_and_logged_with_it() {
        let db = Db::open(":memory:").unwrap();
        let server = crate::state::server_key(&db).unwrap();
        let profile = xinnuo_core::status::Profile::from_json(serde_json::json!({
            "credit_code": "91140105123456788F", "name": "山西示例科技有限公司", "records": []}))
        .unwrap();
        let on = Date::parse("2026-12-07").unwrap();
        let view = SubjectView::of(profile, Default::default(), Vec::new(), Vec::new(), on).unwrap();
        let made = report::report(report::build::content(&view, &[]), "2026-12-07T02:00:00.000Z", "测试", 0);
        let size_before = db.read(crate::log::size).unwrap();
        let first = db.issue_report(made.clone(), &server).unwrap();
        use xinnuo_core::receipt::TrustedServerKeys;
        let trusted = TrustedServerKeys::from_public_keys([server.signer.public_key()]);
        let stored = report::verify(&first.file, &trusted).unwrap().report;
        assert_eq!((stored.report_no.as_str(), stored.log_size), (made.report_no.as_str(), size_before));
        let placed =
            verify_logged(first.log.as_ref().unwrap(), &TrustedServerKeys::from_log_keys([server.log.verifier()]))
                .unwrap();
        assert!(matches!(placed.event, LogEvent::Report { ref report_no, .. } if *report_no == made.report_no));
        let later = report::report(made.content.clone(), "2026-12-07T09:00:00.000Z", "测试", 0);
        let again = db.issue_report(later, &server).unwrap();
        assert_eq!(again.file, first.file, "the same number: the stored file, not a new one");
        assert_eq!(db.read(crate::log::size).unwrap(), size_before + 1, "one entry, for the first issue only");
        assert!(db.report(&made.report_no).unwrap().is_some() && db.report("XN0").unwrap().is_none());
    }
}
