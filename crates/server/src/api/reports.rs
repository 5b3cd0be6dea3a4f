//! `GET /api/v1/subjects/{code}/report` (a subject's credit report as of today, issued and signed) and
//! `GET /api/v1/reports/{report_no}` (a report as issued: what its QR code opens).

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use xinnuo_core::report::{self, CreditReport};
use xinnuo_core::wire::{ReportAnswer, SubjectView};

use super::subjects::credit_code_param;
use crate::clock::{china_today, now};
use crate::problem::Problem;
use crate::reports::IssuedReport;
use crate::state::{blocking, AppState};

fn answer(report_no: String, issued: IssuedReport) -> Result<ReportAnswer, Problem> {
    let file: serde_json::Value = serde_json::from_str(&issued.file).map_err(Problem::internal)?;
    let verified = xinnuo_core::envelope::verify(&issued.file).map_err(Problem::internal)?;
    let report: CreditReport = serde_json::from_value(verified.payload).map_err(Problem::internal)?;
    Ok(ReportAnswer { report_no, file, report, log: issued.log })
}

/// `GET /api/v1/subjects/{code}/report`: the subject's credit report as of today (Beijing), signed by the
/// server and entered in the public log; the same one again while nothing public about the subject changed.
#[utoipa::path(
    operation_id = "subjects_report",
    get,
    path = "/api/v1/subjects/{code}/report",
    tag = "subjects",
    summary = "信用报告 / the credit report",
    params(("code" = String, Path, description = "统一社会信用代码 / the unified social credit code", example = "91140403MA7DM00956")),
    responses(
        (status = 200, description = "签名的信用报告 / the signed report", body = ReportAnswer, content_type = "application/json"),
        (status = 400, description = "代码无效 / invalid code", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "没有这个主体 / no such subject", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn of_subject(
    State(state): State<AppState>,
    code: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<ReportAnswer>, Problem> {
    let axum::extract::Path(code) = code?;
    let code = credit_code_param(&code)?;
    let db = state.db.clone();
    let server_key = state.server_key.clone();
    let issued = blocking(move || {
        let stored =
            db.subject(&code).map_err(Problem::internal)?.ok_or_else(|| super::subjects::subject_not_found(&code))?;
        let applications = db.repair_applications_of(&code).map_err(Problem::internal)?;
        let objections = crate::views::public_objections(
            db.objections_of(&code).map_err(Problem::internal)?,
            &stored.profile.records,
        );
        let commitments: Vec<_> = db
            .commitments_of_subject(&code, 500)
            .map_err(Problem::internal)?
            .into_iter()
            .map(crate::views::commitment)
            .collect();
        let view = SubjectView::of(stored.profile, stored.situation, applications, objections, china_today())
            .map_err(|e| Problem::from_error(StatusCode::UNPROCESSABLE_ENTITY, &e))?;
        let content = report::build::content(&view, &commitments);
        let maker = format!("信诺服务器（签名密钥 {}）", xinnuo_core::envelope::fingerprint_groups(&server_key.kid));
        let made = report::report(content, &now(), &maker, 0);
        let report_no = made.report_no.clone();
        let issued = db.issue_report(made, &server_key).map_err(Problem::internal)?;
        answer(report_no, issued)
    })
    .await?;
    Ok(Json(witnessed_report(&state, issued).await?))
}

/// With a witness quorum, the report's log entry proved in a checkpoint the quorum cosigned (a report just
/// issued waits for it, as a receipt does).
async fn witnessed_report(state: &AppState, mut answer: ReportAnswer) -> Result<ReportAnswer, Problem> {
    if let Some(log) = answer.log.take() {
        answer.log = Some(crate::api::log::witnessed(state, log).await?);
    }
    Ok(answer)
}

/// `GET /api/v1/reports/{report_no}`: a report as issued, for whoever scans its QR code or types its number.
#[utoipa::path(
    operation_id = "reports_get_one",
    get,
    path = "/api/v1/reports/{report_no}",
    tag = "subjects",
    summary = "按编号查看信用报告 / a credit report by its number",
    params(("report_no" = String, Path, description = "报告编号 / the report number", example = "XN20261207A1B2C3D4E5F60718")),
    responses(
        (status = 200, description = "签发时的报告 / the report as issued", body = ReportAnswer, content_type = "application/json"),
        (status = 404, description = "没有这个编号的报告 / no report of that number", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    report_no: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<ReportAnswer>, Problem> {
    let axum::extract::Path(report_no) = report_no?;
    let report_no = report_no.trim().to_uppercase();
    let not_found = || {
        Problem::new(
            StatusCode::NOT_FOUND,
            "report_not_found",
            "未找到",
            "Not found",
            format!("没有编号为 {report_no} 的信用报告。"),
            format!("No credit report numbered {report_no}."),
        )
    };
    if report_no.len() > 40 || !report_no.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(not_found());
    }
    let db = state.db.clone();
    let lookup = report_no.clone();
    let issued = blocking(move || db.report(&lookup).map_err(Problem::internal)).await?;
    let issued = issued.ok_or_else(not_found)?;
    Ok(Json(witnessed_report(&state, answer(report_no, issued)?).await?))
}
