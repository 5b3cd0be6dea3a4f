//! `POST /api/v1/commitments` (submit a signed commitment → a receipt: its public-log entry and proof),
//! `GET /api/v1/commitments/{id}` and `GET /api/v1/subjects/{code}/commitments` (publication, 公示).

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::Value;
use xinnuo_core::commitment::SignedCommitment;
use xinnuo_core::receipt::KeyStatus;
use xinnuo_core::wire::{
    CommitmentDetail, DisclosedCommitment, PublicationList, PublicationQuery, PublishedCommitment, ReceiptAnswer,
    SubjectCommitments,
};
use xinnuo_core::workflow::{self, Desk};

use super::body::{read_jws_text, submission_id_from};
use crate::clock::now_millis;
use crate::problem::{not_received_problem, Problem};
use crate::state::{blocking, with_decisions, AppState, Receipts};
use crate::store::{NewCommitment, PublicationFilter, StoredReceipt};
use crate::views::commitment as published;
use xinnuo_core::decision::CommitmentState;

/// Largest signed commitment accepted.
pub const MAX_ENVELOPE_BYTES: usize = 64 * 1024;

/// What a submitter is answered, from the stored receipt.
pub fn receipt_answer(stored: &StoredReceipt) -> Result<ReceiptAnswer, Problem> {
    let receipt = serde_json::from_str(&stored.receipt).map_err(Problem::internal)?;
    let mut answer = answer(&stored.submission_id, stored.sequence, &stored.received_at, stored.key_status, receipt);
    answer.log = stored.log.as_deref().cloned();
    Ok(answer)
}

fn answer(
    submission_id: &str,
    sequence: u64,
    received_at: &str,
    key_status: KeyStatus,
    receipt: Value,
) -> ReceiptAnswer {
    ReceiptAnswer {
        submission_id: submission_id.to_owned(),
        sequence,
        received_at: received_at.to_owned(),
        key_status,
        key_status_label_zh: key_status.label_zh().to_owned(),
        key_status_label_en: key_status.label_en().to_owned(),
        receipt,
        log: None,
    }
}

/// What is stored of a verified submission: what was verified and nothing else the request carried, its
/// personal values apart.
pub fn new_commitment(signed: &SignedCommitment, now: u64) -> Result<NewCommitment, Problem> {
    Ok(NewCommitment {
        submission_id: signed.envelope.submission_id.clone(),
        credit_code: signed.prepared.credit_code().unwrap_or_default().to_owned(),
        template_id: signed.prepared.template.id.to_string(),
        template_version: signed.prepared.template.version.to_string(),
        subject_name: signed.subject_name(),
        signer_kid: signed.envelope.kid.clone(),
        signed_at: signed.signed_at.clone(),
        received_at: xinnuo_core::calendar::UtcTimestamp::format_unix_millis(now),
        envelope: signed.public_file().to_json(),
        masked: serde_json::to_string(&signed.masks()).map_err(Problem::internal)?,
        disclosures: serde_json::to_string(&signed.full_file().disclosures).map_err(Problem::internal)?,
        department: signed.prepared.department.clone(),
    })
}

/// `POST /api/v1/commitments`: 201 with its receipt (its public-log entry, proved in the batch's signed checkpoint);
/// the same submission again → 200, same receipt.
/// Verified on the blocking pool (in parallel), stored by the committer (in groups), answered once committed.
/// Submissions up to this size are verified on the request's thread (see `submit`).
const INLINE_VERIFY_BYTES: usize = 16 * 1024;

#[utoipa::path(
    operation_id = "commitments_submit",
    post,
    path = "/api/v1/commitments",
    tag = "commitments",
    summary = "提交承诺书 / submit a commitment",
    request_body(content = crate::openapi::SignedRequest, content_type = "application/json", description = "签名文件：扁平化 JWS JSON（EdDSA）/ the signed file: flattened JWS JSON (EdDSA)"),
    responses(
        (status = 201, description = "已受理，附服务器回执 / received, with the receipt", body = ReceiptAnswer, content_type = "application/json"),
        (status = 200, description = "同一份承诺书再次提交：同一回执 / the same submission again", body = ReceiptAnswer, content_type = "application/json"),
        (status = 400, description = "签名文件无法读取（bad_envelope、unexpected_member、malformed_json）/ unreadable signed file", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "不予受理（签名、模板、填写内容）/ refused", body = Problem, content_type = "application/problem+json"),
        crate::openapi::BodyProblems,
        (status = 503, description = "繁忙 / busy", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<(StatusCode, Json<ReceiptAnswer>), Problem> {
    let text = read_jws_text(&headers, body, MAX_ENVELOPE_BYTES).await?;
    let now = now_millis();
    // A typical submission (a few KB) verifies in ≈ 100 µs: on the request's own thread, which saves the hand-off
    // to a blocking thread and back (≈ 15 % of the server's CPU per submission; docs/BENCHMARKS.md). Larger
    // ones, up to the limit, go to a blocking thread so that no request holds a worker for long.
    // What is received as a commitment is the core's rule (`workflow::accept_submission`): a repair
    // application goes to `POST /api/v1/repair-applications`, which checks the key and the record.
    let receive = move |text: &str| {
        let signed = workflow::accept_submission(text, now, Desk::Commitments).map_err(|e| not_received_problem(&e))?;
        new_commitment(&signed, now)
    };
    let new =
        if text.len() <= INLINE_VERIFY_BYTES { receive(&text)? } else { blocking(move || receive(&text)).await? };
    let stored = state.committer.store(new).await?;
    let status = if stored.created { StatusCode::CREATED } else { StatusCode::OK };
    let mut answer = receipt_answer(&stored)?;
    crate::api::log::witnessed_receipt(&state, &mut answer.receipt, &mut answer.log).await?;
    Ok((status, Json(answer)))
}

fn not_found(id: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "commitment_not_found",
        "未找到",
        "Not found",
        format!("没有编号为 {id} 的承诺书。"),
        format!("No commitment with id {id}."),
    )
}

/// `GET /api/v1/commitments/{id}`: the published form (JWS with digests, masks), never personal values.
#[utoipa::path(
    operation_id = "commitments_get_one",
    get,
    path = "/api/v1/commitments/{id}",
    tag = "commitments",
    summary = "一份承诺书（公开形式）/ one commitment as published",
    params(("id" = String, Path, description = "提交编号（64 位十六进制）/ the submission id (64 hex)")),
    responses(
        (status = 200, description = "不含个人信息，附各项决定 / no personal values, with its decisions", body = CommitmentDetail, content_type = "application/json"),
        (status = 400, description = "编号有误 / bad id", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "没有这个承诺书 / no such commitment", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn get_one(
    State(state): State<AppState>,
    id: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<CommitmentDetail>, Problem> {
    let axum::extract::Path(id) = id?;
    let id = submission_id_from(&id)?;
    let (db, witnessing) = (state.db.clone(), state.witnessing.clone());
    let lookup = id.clone();
    let found = blocking(move || {
        let Some(row) = db.commitment(&lookup).map_err(Problem::internal)? else { return Ok(None) };
        let commitment = published(row);
        let decisions: Vec<_> =
            db.decisions_on(&lookup).map_err(Problem::internal)?.into_iter().map(crate::views::decision).collect();
        // Where witnesses are required, the stored receipts proved again in a checkpoint they cosigned.
        Ok(witnessing.witnessed(&db, vec![CommitmentDetail { commitment, decisions }])?.pop())
    })
    .await?;
    Ok(Json(found.ok_or_else(|| not_found(&id))?))
}

/// Most commitments listed for one subject.
const SUBJECT_LIST_LIMIT: u32 = 500;

/// `GET /api/v1/subjects/{code}/commitments`: the subject's commitments, newest first.
#[utoipa::path(
    operation_id = "commitments_of_subject",
    get,
    path = "/api/v1/subjects/{code}/commitments",
    tag = "commitments",
    summary = "主体的承诺书 / a subject's commitments",
    params(("code" = String, Path, description = "统一社会信用代码等 / the credit code or other number", example = "91140403MA7DM00956")),
    responses(
        (status = 200, description = "新的在前 / newest first", body = SubjectCommitments, content_type = "application/json"),
        (status = 400, description = "代码无效 / invalid code", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn of_subject(
    State(state): State<AppState>,
    code: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
) -> Result<Json<SubjectCommitments>, Problem> {
    let axum::extract::Path(code) = code?;
    let report = xinnuo_core::code::validate(&code, &Default::default());
    if !report.valid || report.kind != xinnuo_core::code::CodeKind::Uscc {
        let reason_zh =
            report.errors.first().map(|e| e.code.message_zh()).unwrap_or_else(|| report.kind.label_zh().into());
        let reason_en =
            report.errors.first().map(|e| e.code.message_en()).unwrap_or_else(|| report.kind.label_en().into());
        return Err(Problem::bad_request(
            "invalid_credit_code",
            format!("统一社会信用代码无效：{reason_zh}"),
            format!("Invalid unified social credit code: {reason_en}"),
        ));
    }
    let (db, witnessing) = (state.db.clone(), state.witnessing.clone());
    let credit_code = report.normalized;
    let lookup = credit_code.clone();
    let commitments = blocking(move || {
        let rows =
            db.commitments_of_subject(&lookup, SUBJECT_LIST_LIMIT).map_err(|e| Problem::internal(e.to_string()))?;
        witnessing.witnessed(&db, rows.into_iter().map(published).collect())
    })
    .await?;
    Ok(Json(SubjectCommitments { credit_code, commitments }))
}

/// `GET /api/v1/admin/commitments/{id}` (admin token): the commitment with its personal values.
#[utoipa::path(
    operation_id = "commitments_get_disclosed",
    get,
    path = "/api/v1/admin/commitments/{id}",
    tag = "admin",
    summary = "承诺书及个人信息（管理）/ a commitment with personal data (admin)",
    params(("id" = String, Path, description = "提交编号（64 位十六进制）/ the submission id (64 hex)")),
    security(("admin_token" = [])),
    responses(
        (status = 200, description = "含个人信息 / with personal values", body = DisclosedCommitment, content_type = "application/json"),
        crate::openapi::AdminProblems,
        (status = 404, description = "没有这个承诺书 / no such commitment", body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "尝试过多 / too many attempts", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn get_disclosed(
    State(state): State<AppState>,
    id: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    client: crate::admin::ClientAddr,
    headers: HeaderMap,
) -> Result<Json<DisclosedCommitment>, Problem> {
    let axum::extract::Path(id) = id?;
    state.admin.check(&headers, client)?;
    let id = submission_id_from(&id)?;
    let db = state.db.clone();
    let lookup = id.clone();
    let found = blocking(move || {
        let row = db.commitment(&lookup).map_err(Problem::internal)?;
        let disclosures = db.disclosures(&lookup).map_err(Problem::internal)?;
        Ok(row.map(|row| (row, disclosures.unwrap_or_default())))
    })
    .await?;
    let (row, disclosures) = found.ok_or_else(|| not_found(&id))?;
    let mut signed_file = row.envelope;
    if !disclosures.is_empty() {
        signed_file["header"] = serde_json::json!({ "disclosures": disclosures });
    }
    Ok(Json(DisclosedCommitment { submission_id: row.submission_id, credit_code: row.credit_code, signed_file }))
}

/// `GET /api/v1/publications?department=&template=&state=&q=&page=&per_page=`: the 信用承诺 column — published
/// commitments (no personal values), newest first, with their state.
#[utoipa::path(
    operation_id = "commitments_publications",
    get,
    path = "/api/v1/publications",
    tag = "commitments",
    summary = "信用承诺公示 / the published commitments",
    params(PublicationQuery),
    responses(
        (status = 200, description = "不含个人信息 / without personal data", body = PublicationList, content_type = "application/json"),
        (status = 400, description = "查询参数有误 / bad query", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn publications(
    State(state): State<AppState>,
    query: Result<axum::extract::Query<PublicationQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<PublicationList>, Problem> {
    let axum::extract::Query(query) = query?;
    let blank = |text: String| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    let lifecycle = match blank(query.state) {
        None => None,
        Some(text) => Some(CommitmentState::parse(&text).ok_or_else(|| {
            Problem::bad_request(
                "bad_query",
                format!("state 应为 submitted、returned、in_force、kept、broken 或 withdrawn，而不是 {text:?}。"),
                format!("state must be submitted, returned, in_force, kept, broken or withdrawn, not {text:?}."),
            )
        })?),
    };
    // A department by either of its names: the commitments it decides, by the core's rule.
    let department = blank(query.department).map(|name| xinnuo_core::workflow::commitment_filter(&name));
    let page = query.page.max(1);
    let per_page = query.per_page.unwrap_or(20).clamp(1, 100);
    let offset = (page - 1).checked_mul(per_page).ok_or_else(|| {
        Problem::bad_request("bad_query", format!("页码 {page} 太大。"), format!("Page {page} is out of range."))
    })?;
    let filter = PublicationFilter {
        department,
        template: blank(query.template),
        state: lifecycle,
        query: blank(query.q).map(|q| xinnuo_core::search::normalize_query(&q)),
        with_unlisted: false,
    };
    let (db, witnessing) = (state.db.clone(), state.witnessing.clone());
    let (total, publications) = blocking(move || {
        let (total, rows) = db.publications(&filter, offset, per_page).map_err(Problem::internal)?;
        Ok((total, witnessing.witnessed(&db, rows.into_iter().map(published).collect())?))
    })
    .await?;
    Ok(Json(PublicationList { total, page, per_page, publications, generated_on: None }))
}

impl Receipts for PublishedCommitment {
    fn receipts(&mut self) -> Vec<&mut Value> {
        vec![&mut self.receipt]
    }
}

impl Receipts for CommitmentDetail {
    fn receipts(&mut self) -> Vec<&mut Value> {
        with_decisions(Some(&mut self.commitment.receipt), &mut self.decisions)
    }
}
