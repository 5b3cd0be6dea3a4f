//! `GET /api/v1/codes/{code}` and `POST /api/v1/codes:check`: the same core checks the browser runs.

use axum::body::Body;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query};
use axum::http::{header, HeaderMap};
use axum::Json;
use serde::{Deserialize, Serialize};
use xinnuo_core::code::{self, BatchSummary, CodeReport, Province, ValidateOptions};

use super::body::read_body;
use crate::problem::Problem;

/// Most codes one batch request may carry.
pub const MAX_BATCH_CODES: usize = 100_000;
/// Largest batch request body.
pub const MAX_BATCH_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Default, Deserialize)]
pub struct CheckQuery {
    province: Option<String>,
}

fn options(query: Result<Query<CheckQuery>, QueryRejection>) -> Result<ValidateOptions, Problem> {
    let Query(query) = query.map_err(|e| {
        Problem::bad_request("bad-query", format!("查询参数有误：{e}"), format!("Bad query string: {e}"))
    })?;
    let province = match query.province.as_deref().filter(|p| !p.trim().is_empty()) {
        Some(text) => Some(Province::parse(text).map_err(|e| {
            Problem::bad_request(
                "unknown-province",
                format!("未知的省份：{text:?}（可填 14、140000 或 山西）"),
                e.to_string(),
            )
        })?),
        None => None,
    };
    Ok(ValidateOptions { province })
}

/// `GET /api/v1/codes/{code}?province=14` → one report.
pub async fn check_one(
    path: Result<Path<String>, PathRejection>,
    query: Result<Query<CheckQuery>, QueryRejection>,
) -> Result<Json<CodeReport>, Problem> {
    let Path(input) = path.map_err(|e| {
        Problem::bad_request(
            "bad-path",
            format!("路径中的代码无法解析：{e}"),
            format!("The code in the path cannot be read: {e}"),
        )
    })?;
    Ok(Json(code::validate(&input, &options(query)?)))
}

#[derive(Serialize)]
pub struct BatchResponse {
    summary: BatchSummary,
    reports: Vec<CodeReport>,
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
                    "bad-json",
                    format!("JSON 格式不正确，应为字符串数组：{e}"),
                    format!("Malformed JSON, expected an array of strings: {e}"),
                )
            })?;
            Ok(codes)
        }
        "text/plain" | "text/csv" => {
            let text = std::str::from_utf8(bytes).map_err(|e| {
                Problem::bad_request(
                    "bad-encoding",
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

/// `POST /api/v1/codes:check` → summary and one report per code.
pub async fn check_batch(
    headers: HeaderMap,
    query: Result<Query<CheckQuery>, QueryRejection>,
    body: Body,
) -> Result<Json<BatchResponse>, Problem> {
    let options = options(query)?;
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = read_body(&headers, body, MAX_BATCH_BYTES).await?;
    let codes = codes_from_body(&content_type, &bytes)?;
    if codes.len() > MAX_BATCH_CODES {
        return Err(too_many(codes.len()));
    }
    let reports =
        tokio::task::spawn_blocking(move || codes.iter().map(|c| code::validate(c, &options)).collect::<Vec<_>>())
            .await
            .map_err(|e| Problem::internal(e.to_string()))?;
    Ok(Json(BatchResponse { summary: BatchSummary::of(&reports), reports }))
}
