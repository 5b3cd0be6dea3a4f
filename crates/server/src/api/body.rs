//! Request bodies with a size limit. A body known to be far too large — a Content-Length or a stream beyond
//! `DRAIN_CAP` — is refused at once and its connection closed: nobody makes the server read gigabytes only to
//! refuse them. A body a little over its limit is read (and dropped) up to `DRAIN_CAP`, so that an ordinary
//! client, still sending when the answer comes, receives the 413 instead of a broken connection.

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap};
use http_body_util::BodyExt;

use crate::problem::Problem;

/// The most an oversized body is read before the answer; twice the largest limit (4 MiB batches).
const DRAIN_CAP: usize = 8 * 1024 * 1024;

fn too_big(limit: usize) -> Problem {
    let (amount, unit) = if limit >= 1024 * 1024 { (limit / 1024 / 1024, "MiB") } else { (limit / 1024, "KiB") };
    Problem::too_large(
        format!("请求体超过 {amount} {unit}，请缩小或分批提交。"),
        format!("The request body is over {amount} {unit}; make it smaller or split it."),
    )
}

/// Reads a body of at most `limit` bytes (also when no Content-Length is sent).
pub async fn read_body(headers: &HeaderMap, mut body: Body, limit: usize) -> Result<Bytes, Problem> {
    let declared =
        headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<usize>().ok());
    if declared.is_some_and(|length| length > DRAIN_CAP) {
        return Err(too_big(limit));
    }
    let mut buffer = Vec::new();
    let mut total = 0usize;
    while let Some(frame) = body.frame().await {
        let frame = frame.map_err(|e| {
            Problem::bad_request(
                "body_read",
                format!("请求体读取失败：{e}"),
                format!("Could not read the request body: {e}"),
            )
        })?;
        let Ok(data) = frame.into_data() else {
            continue;
        };
        total += data.len();
        if total > DRAIN_CAP {
            return Err(too_big(limit));
        }
        if total <= limit {
            buffer.extend_from_slice(&data);
        }
    }
    if total > limit {
        return Err(too_big(limit));
    }
    Ok(Bytes::from(buffer))
}

/// A signed JSON document (JWS) from the body: JSON media type, size limit, well-formed JSON, UTF-8 text.
pub async fn read_jws_text(headers: &HeaderMap, body: Body, limit: usize) -> Result<String, Problem> {
    require_json(headers)?;
    let bytes = read_body(headers, body, limit).await?;
    // Well-formed JSON within serde_json's nesting limit (a tree is built: `IgnoredAny` would not count depth).
    let _: serde_json::Value = json_body(&bytes)?;
    String::from_utf8(bytes.to_vec())
        .map_err(|_| Problem::bad_request("bad_encoding", "请求体不是 UTF-8 编码。", "The body is not UTF-8."))
}

/// Parses a JSON body, or says clearly that it is not JSON.
pub fn json_body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    serde_json::from_slice(bytes).map_err(|e| {
        Problem::bad_request("malformed_json", format!("JSON 格式不正确：{e}"), format!("Malformed JSON: {e}"))
    })
}

/// The JSON media types a JWS may arrive as.
pub fn require_json(headers: &HeaderMap) -> Result<(), Problem> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let media_type = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    match media_type.as_str() {
        "application/json" | "application/jose+json" => Ok(()),
        "" => Err(Problem::unsupported_json_media_type("(none)")),
        other => Err(Problem::unsupported_json_media_type(other)),
    }
}

/// A 64-hex submission (or decision) id from a path, lower-cased, or a 400 that says what one is.
pub fn submission_id_from(text: &str) -> Result<String, Problem> {
    let id = text.trim().to_ascii_lowercase();
    if id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit()) {
        Ok(id)
    } else {
        Err(Problem::bad_request(
            "bad_submission_id",
            "提交编号应为 64 位十六进制字符。",
            "A submission id has 64 hexadecimal characters.",
        ))
    }
}
