//! `GET /api/v1/codes/{code}` and `POST /api/v1/codes:check`: the same core checks the browser runs.

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use xinnuo_core::code::{self, BatchSummary, CodeReport, Province, ValidateOptions};

use super::body::read_body;
use crate::problem::Problem;
use crate::state::AppState;

/// Most codes one batch request may carry.
pub const MAX_BATCH_CODES: usize = 100_000;
/// Largest batch request body.
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CheckQuery {
    province: Option<String>,
}

fn options(query: Result<Query<CheckQuery>, QueryRejection>) -> Result<ValidateOptions, Problem> {
    let Query(query) = query?;
    let province = match query.province.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(text) => Some(Province::parse(text).map_err(|e| {
            Problem::bad_request(
                "unknown_province",
                format!("未知的省份：{text:?}（可填 14、140000 或 山西）"),
                e.to_string(),
            )
        })?),
        None => None,
    };
    Ok(ValidateOptions { province })
}

/// `GET /api/v1/codes/{code}?province=14` → one report.
#[utoipa::path(
    operation_id = "codes_check_one",
    get,
    path = "/api/v1/codes/{code}",
    tag = "codes",
    summary = "核验一个代码 / check one code",
    params(("code" = String, Path, description = "统一社会信用代码等 / the credit code or other number", example = "91140403MA7DM00956"), CheckQuery),
    responses(
        (status = 200, description = "核验报告 / the report", body = CodeReport, content_type = "application/json"),
        (status = 400, description = "省份或路径有误 / bad province or path", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn check_one(
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<CheckQuery>, QueryRejection>,
) -> Result<Json<CodeReport>, Problem> {
    let Path(input) = path.map_err(|e| {
        Problem::bad_request(
            "bad_path",
            format!("路径中的代码无法解析：{e}"),
            format!("The code in the path cannot be read: {e}"),
        )
    })?;
    Ok(Json(code::validate(&input, &options(query)?)))
}

/// Reports per chunk of a streamed batch answer: the answer is written as it is computed, so a 100,000-code
/// request never holds its whole (about 30 times larger) JSON reply in memory.
const REPORTS_PER_CHUNK: usize = 1000;
/// How long a batch may wait for a free slot before the server says it is busy.
const BUSY_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

fn busy() -> Problem {
    Problem::new(
        axum::http::StatusCode::SERVICE_UNAVAILABLE,
        "busy",
        "服务器繁忙",
        "Server busy",
        "同时进行的批量检查过多，请稍后重试。",
        "Too many batch checks at once; try again shortly.",
    )
    .with_retry_after(1)
}

fn too_many(count: usize) -> Problem {
    Problem::too_large(
        format!("一次最多检查 {MAX_BATCH_CODES} 个代码，本次有 {count} 个，请分批提交。"),
        format!("At most {MAX_BATCH_CODES} codes per request; this one has {count}. Split it into several requests."),
    )
}

/// The codes of a request body: a JSON array of strings, or text lines / CSV cells.
fn codes_from_body(content_type: &str, bytes: &[u8]) -> Result<Vec<String>, Problem> {
    let media_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match media_type.as_str() {
        "application/json" => {
            let codes: Vec<String> = serde_json::from_slice(bytes).map_err(|e| {
                Problem::bad_request(
                    "bad_json",
                    format!("JSON 格式不正确，应为字符串数组：{e}"),
                    format!("Malformed JSON, expected an array of strings: {e}"),
                )
            })?;
            Ok(codes)
        }
        "text/plain" | "text/csv" => {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                Problem::bad_request(
                    "bad_encoding",
                    format!("文本不是有效的 UTF-8 编码（第 {} 个字节起）。", e.valid_up_to() + 1),
                    format!("The text is not valid UTF-8 (from byte {}).", e.valid_up_to() + 1),
                )
            })?;
            Ok(code::batch_cells(text).map(|cell| cell.text.to_owned()).collect())
        }
        "" => Err(Problem::unsupported_media_type("(none)")),
        other => Err(Problem::unsupported_media_type(other)),
    }
}

/// `POST /api/v1/codes:check` → `{summary, reports}`: one report per code, streamed in chunks. At most
/// [`crate::state::AppState::heavy`] batches run at once; others wait up to five seconds, then get 503.
#[utoipa::path(
    operation_id = "codes_check_batch",
    post,
    path = "/api/v1/codes:check",
    tag = "codes",
    summary = "批量核验 / check many codes",
    params(CheckQuery),
    request_body(content((Vec<String> = "application/json"), (String = "text/plain")), description = "代码：JSON 字符串数组，或每行一个 / codes: a JSON array of strings, or one per line"),
    responses(
        (status = 200, description = "摘要与逐个报告 / summary and one report per code", body = crate::openapi::BatchAnswer, content_type = "application/json"),
        (status = 400, description = "请求体有误 / bad body", body = Problem, content_type = "application/problem+json"),
        crate::openapi::BodyProblems,
        (status = 503, description = "繁忙，请稍后重试 / busy, retry later", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn check_batch(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<Query<CheckQuery>, QueryRejection>,
    body: Body,
) -> Result<Response, Problem> {
    let options = options(query)?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = read_body(&headers, body, MAX_BATCH_BYTES).await?;
    let codes = codes_from_body(&content_type, &bytes)?;
    drop(bytes);
    if codes.len() > MAX_BATCH_CODES {
        return Err(too_many(codes.len()));
    }
    let permit = tokio::time::timeout(BUSY_WAIT, state.heavy.clone().acquire_owned())
        .await
        .map_err(|_| busy())?
        .map_err(|_| busy())?;
    // First pass: the summary, which leads the answer (checking is ~20 M codes/s; the JSON is the cost).
    let (codes, summary) = tokio::task::spawn_blocking(move || {
        let mut summary = BatchSummary::default();
        codes.iter().for_each(|c| summary.add(&code::validate(c, &options)));
        (codes, summary)
    })
    .await
    .map_err(Problem::internal)?;
    let head = format!(r#"{{"summary":{},"reports":["#, serde_json::to_string(&summary).map_err(Problem::internal)?);
    let (sender, receiver) = tokio::sync::mpsc::channel::<Result<Vec<u8>, std::io::Error>>(2);
    tokio::task::spawn_blocking(move || {
        let _permit = permit;
        if sender.blocking_send(Ok(head.into_bytes())).is_err() {
            return;
        }
        for (index, chunk) in codes.chunks(REPORTS_PER_CHUNK).enumerate() {
            let mut text = Vec::with_capacity(chunk.len() * 400);
            for (position, input) in chunk.iter().enumerate() {
                if index > 0 || position > 0 {
                    text.push(b',');
                }
                if serde_json::to_writer(&mut text, &code::validate(input, &options)).is_err() {
                    return;
                }
            }
            // The client went away: stop working for it.
            if sender.blocking_send(Ok(text)).is_err() {
                return;
            }
        }
        let _ = sender.blocking_send(Ok(b"]}".to_vec()));
    });
    // Fused: a wrapping body (compression) may poll once more after the end.
    let stream = futures_util::StreamExt::fuse(futures_util::stream::unfold(receiver, |mut receiver| async move {
        receiver.recv().await.map(|chunk| (chunk, receiver))
    }));
    Ok(([(header::CONTENT_TYPE, "application/json")], Body::from_stream(stream)).into_response())
}
