//! `GET /api/v1/subjects?q=` (search, paged), `GET /api/v1/subjects/{code}?on=` (profile, tier and each
//! record's repair evaluation, computed by the core), `POST /api/v1/repair-applications`, and
//! `GET /api/v1/deadlines` (双公示 working-day deadlines).

use axum::body::Body;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use xinnuo_core::calendar::{self, Date};
use xinnuo_core::repair::application::{self, ApplicationError};
use xinnuo_core::wire::{ErrorItem, PublicationDeadline, RepairReceipt, SubjectList, SubjectView};

use super::body::read_jws_text;
use super::commitments::{new_commitment, receipt_answer, MAX_ENVELOPE_BYTES};
use crate::clock::{now, now_millis};
use crate::problem::{not_received_problem, refusal_problem, Problem};
use crate::state::{blocking, AppState};

fn today() -> Date {
    crate::clock::china_today()
}

fn date_param(text: Option<&str>, name: &str) -> Result<Option<Date>, Problem> {
    text.filter(|t| !t.is_empty())
        .map(|t| {
            Date::parse(t).map_err(|_| {
                Problem::bad_request(
                    "bad_date",
                    format!("参数 {name} 应为 YYYY-MM-DD 格式的真实日期：{t:?}"),
                    format!("Parameter {name} must be a real date written YYYY-MM-DD: {t:?}"),
                )
            })
        })
        .transpose()
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

/// `GET /api/v1/subjects?q=&page=1&per_page=20`.
#[utoipa::path(
    operation_id = "subjects_search",
    get,
    path = "/api/v1/subjects",
    tag = "subjects",
    summary = "查找主体 / find subjects",
    params(SearchQuery),
    responses(
        (status = 200, description = "名称或代码匹配 / by name or code", body = SubjectList, content_type = "application/json"),
        (status = 400, description = "查询参数有误 / bad query", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn search(
    State(state): State<AppState>,
    query: Result<Query<SearchQuery>, QueryRejection>,
) -> Result<Json<SubjectList>, Problem> {
    let Query(query) = query?;
    let page = query.page.unwrap_or(1).max(1);
    let per_page = query.per_page.unwrap_or(20).clamp(1, 100);
    // Checked: page 4,294,967,295 would overflow a u32 offset.
    let offset = (page - 1).checked_mul(per_page).ok_or_else(|| {
        Problem::bad_request("bad_query", format!("页码 {page} 太大。"), format!("Page {page} is out of range."))
    })?;
    let q = xinnuo_core::search::normalize_query(&query.q.unwrap_or_default());
    let db = state.db.clone();
    let on = today();
    let list = blocking(move || {
        let (total, rows) = db.search_subjects(&q, offset, per_page).map_err(|e| Problem::internal(e.to_string()))?;
        let subjects = rows.into_iter().map(|row| crate::subjects::list_item(&db, row, on)).collect();
        Ok(SubjectList { total, page, per_page, subjects, generated_on: None })
    })
    .await?;
    Ok(Json(list))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OnQuery {
    on: Option<String>,
}

/// Normalises a credit code from a path, or a 400 that says why.
pub fn credit_code_param(code: &str) -> Result<String, Problem> {
    let report = xinnuo_core::code::validate(code, &Default::default());
    if report.valid && report.kind == xinnuo_core::code::CodeKind::Uscc {
        return Ok(report.normalized);
    }
    let reason_zh = report.errors.first().map(|e| e.code.message_zh()).unwrap_or_else(|| report.kind.label_zh().into());
    let reason_en = report.errors.first().map(|e| e.code.message_en()).unwrap_or_else(|| report.kind.label_en().into());
    Err(Problem::bad_request(
        "invalid_credit_code",
        format!("统一社会信用代码无效：{reason_zh}"),
        format!("Invalid unified social credit code: {reason_en}"),
    ))
}

pub fn subject_not_found(code: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "subject_not_found",
        "未找到",
        "Not found",
        format!("没有统一社会信用代码为 {code} 的主体记录。"),
        format!("No subject with credit code {code} is on record."),
    )
}

/// `GET /api/v1/subjects/{code}?on=YYYY-MM-DD`.
#[utoipa::path(
    operation_id = "subjects_profile",
    get,
    path = "/api/v1/subjects/{code}",
    tag = "subjects",
    summary = "主体信用状况 / a subject's credit status",
    params(("code" = String, Path, description = "统一社会信用代码等 / the credit code or other number", example = "91140403MA7DM00956"), OnQuery),
    responses(
        (status = 200, description = "分级与修复评估 / tier and repair evaluations", body = SubjectView, content_type = "application/json"),
        (status = 400, description = "代码或日期有误 / bad code or date", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "没有这个主体 / no such subject", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn profile(
    State(state): State<AppState>,
    code: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    query: Result<Query<OnQuery>, QueryRejection>,
) -> Result<Json<SubjectView>, Problem> {
    let axum::extract::Path(code) = code?;
    let Query(query) = query?;
    let on = date_param(query.on.as_deref(), "on")?.unwrap_or_else(today);
    let code = credit_code_param(&code)?;
    let db = state.db.clone();
    let lookup = code.clone();
    let (stored, repair_applications, objections) = blocking(move || {
        let stored = db.subject(&lookup).map_err(Problem::internal)?;
        let applications = db.repair_applications_of(&lookup).map_err(Problem::internal)?;
        let objections = db.objections_of(&lookup).map_err(Problem::internal)?;
        Ok((stored, applications, objections))
    })
    .await?;
    let stored = stored.ok_or_else(|| subject_not_found(&code))?;
    let objections = crate::views::public_objections(objections, &stored.profile.records);
    let view = crate::subjects::view(stored, repair_applications, objections, on)
        .map_err(|e| Problem::from_error(StatusCode::UNPROCESSABLE_ENTITY, &e))?;
    Ok(Json(view))
}

/// `POST /api/v1/repair-applications`: a signed 信用修复承诺书 for one record of a subject; accepted only
/// when the core finds the record repairable today. 201 with the receipt; the same submission again → 200.
#[utoipa::path(
    operation_id = "subjects_apply_for_repair",
    post,
    path = "/api/v1/repair-applications",
    tag = "subjects",
    summary = "申请信用修复 / apply for repair",
    request_body(content = crate::openapi::SignedRequest, content_type = "application/json", description = "签名文件：扁平化 JWS JSON（EdDSA）/ the signed file: flattened JWS JSON (EdDSA)"),
    responses(
        (status = 201, description = "已受理 / received", body = RepairReceipt, content_type = "application/json"),
        (status = 200, description = "同一申请再次提交 / the same application again", body = RepairReceipt, content_type = "application/json"),
        (status = 400, description = "签名文件无法读取（bad_envelope、unexpected_member、malformed_json）/ unreadable signed file", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "密钥未经核验可代表该主体（key_not_approved）/ key not approved for the code", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "没有这个主体 / no such subject", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "该记录已有修复申请在审（repair_pending）/ one under review already", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "不予受理（不可修复、记录不符）/ refused", body = Problem, content_type = "application/problem+json"),
        crate::openapi::BodyProblems,
        crate::openapi::AnyProblem
    )
)]
pub async fn apply_for_repair(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<RepairReceipt>), Problem> {
    let text = read_jws_text(&headers, body, MAX_ENVELOPE_BYTES).await?;
    let now_ms = now_millis();
    let on = today();
    let db = state.db.clone();
    let server = state.server_key.clone();
    let (receipt, record_id, channel) = blocking(move || {
        let signed =
            xinnuo_core::workflow::accept_submission(&text, now_ms, xinnuo_core::workflow::Desk::RepairApplications)
                .map_err(|e| not_received_problem(&e))?;
        let code = signed.prepared.credit_code().unwrap_or_default().to_owned();
        // Only a key approved for the record's credit code applies for its repair (as for objections).
        let enrolment = db.enrolment(&signed.envelope.kid, &code).map_err(Problem::internal)?;
        let standing = xinnuo_core::workflow::standing(Some(&code), enrolment.map(|e| e.status));
        xinnuo_core::workflow::require_approved(
            &signed.envelope.kid,
            &code,
            standing,
            xinnuo_core::workflow::Filing::RepairApplication,
        )
        .map_err(|r| crate::problem::refusal_problem(&r))?;
        let stored =
            db.subject(&code).map_err(|e| Problem::internal(e.to_string()))?.ok_or_else(|| subject_not_found(&code))?;
        let accepted =
            application::accept(&signed.prepared, &stored.profile.records, on).map_err(application_problem)?;
        let (record_id, channel, recorded) =
            (accepted.record.id.clone(), accepted.channel, accepted.recorded_channel());
        // One application under review per record: checked where the submission and the application are stored,
        // in one transaction (two sent at once cannot both be under review; a refused one leaves nothing).
        let new = new_commitment(&signed, now_ms)?;
        let receipt = db
            .store_repair_application(&new, &server, &record_id, recorded.as_str(), &now())
            .map_err(Problem::internal)?
            .map_err(|r| refusal_problem(&r))?;
        Ok((receipt, record_id, channel))
    })
    .await?;
    let status = if receipt.created { StatusCode::CREATED } else { StatusCode::OK };
    let mut answer = receipt_answer(&receipt)?;
    crate::api::log::witnessed_receipt(&state, &mut answer.receipt, &mut answer.log).await?;
    Ok((status, Json(RepairReceipt { receipt: answer, record_id, channel: channel.map(|c| c.label()) })))
}

/// The core's reason as a 422 problem; a record not yet repairable lists what blocks it.
fn application_problem(error: ApplicationError) -> Problem {
    let problem = Problem::from_error(StatusCode::UNPROCESSABLE_ENTITY, &error);
    match error {
        ApplicationError::NotEligible(evaluation) => problem.with_errors(
            evaluation
                .blocking
                .iter()
                .map(|b| ErrorItem::new(b.code, b.message.zh.clone(), b.message.en.clone()))
                .collect(),
        ),
        _ => problem,
    }
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DeadlineQuery {
    decided_on: Option<String>,
    working_days: Option<u32>,
}

/// `GET /api/v1/deadlines?decided_on=YYYY-MM-DD&working_days=7`: the publication deadline for 双公示.
#[utoipa::path(
    operation_id = "subjects_deadline",
    get,
    path = "/api/v1/deadlines",
    tag = "subjects",
    summary = "公示期限 / a publication deadline",
    params(DeadlineQuery),
    responses(
        (status = 200, description = "按工作日计算 / in working days", body = PublicationDeadline, content_type = "application/json"),
        (status = 400, description = "缺少参数 / a parameter missing", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "节假日安排未公布或天数超出范围 / schedule unpublished or out of range", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn deadline(
    query: Result<Query<DeadlineQuery>, QueryRejection>,
) -> Result<Json<PublicationDeadline>, Problem> {
    let Query(query) = query?;
    let decided_on = date_param(query.decided_on.as_deref(), "decided_on")?.ok_or_else(|| {
        Problem::bad_request(
            "missing_parameter",
            "缺少参数 decided_on（YYYY-MM-DD）。",
            "Missing parameter decided_on (YYYY-MM-DD).",
        )
    })?;
    let working_days = query.working_days.unwrap_or(7);
    let deadline = calendar::add_working_days(decided_on, working_days)
        .map_err(|e| Problem::from_error(StatusCode::UNPROCESSABLE_ENTITY, &e))?;
    Ok(Json(PublicationDeadline {
        decided_on,
        working_days,
        deadline,
        source: "国办发〔2015〕51号；发改办财金〔2018〕424号：作出决定之日起 7 个工作日内公示".into(),
    }))
}

/// `GET /api/v1/holidays`: every year whose schedule is known, with its source, and the schedules added after
/// the build (the app adds them before computing).
#[utoipa::path(
    operation_id = "subjects_holidays",
    get,
    path = "/api/v1/holidays",
    tag = "subjects",
    summary = "节假日安排 / holiday schedules",
    responses(
        (status = 200, description = "已知年份及来源 / known years and sources", body = xinnuo_core::wire::Holidays, content_type = "application/json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn holidays(State(state): State<AppState>) -> Result<Json<xinnuo_core::wire::Holidays>, Problem> {
    let db = state.db.clone();
    Ok(Json(blocking(move || crate::holidays::published(&db).map_err(Problem::internal)).await?))
}
