//! Errors as RFC 9457 problem details: a Chinese title first, an English detail, and both languages.

use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use xinnuo_core::decision::DecisionError;
use xinnuo_core::envelope::EnvelopeError;
use xinnuo_core::error::Described;
use xinnuo_core::template::Lang;
use xinnuo_core::wire::{ErrorItem, ProblemDetails};
use xinnuo_core::workflow::{NotReceived, Refusal, RefusalKind};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Serialised as the `type` URI `urn:xinnuo:problem:{slug}`.
    pub slug: &'static str,
    /// zh-CN.
    pub title: &'static str,
    pub title_en: &'static str,
    pub status: u16,
    /// English.
    pub detail: String,
    pub detail_zh: String,
    /// Extension member: itemised reasons (e.g. one per invalid field).
    pub errors: Box<[ErrorItem]>,
    /// Seconds for the `Retry-After` header (429 and 503).
    pub retry_after: Option<u16>,
}

impl Problem {
    pub fn new(
        status: StatusCode,
        slug: &'static str,
        title_zh: &'static str,
        title_en: &'static str,
        detail_zh: impl Into<String>,
        detail_en: impl Into<String>,
    ) -> Self {
        Self {
            slug,
            title: title_zh,
            title_en,
            status: status.as_u16(),
            detail: detail_en.into(),
            detail_zh: detail_zh.into(),
            errors: Box::default(),
            retry_after: None,
        }
    }

    pub fn with_retry_after(mut self, seconds: u16) -> Self {
        self.retry_after = Some(seconds);
        self
    }

    pub fn with_errors(mut self, errors: Vec<ErrorItem>) -> Self {
        self.errors = errors.into_boxed_slice();
        self
    }

    /// What is sent: the wire's problem object.
    pub fn details(&self) -> ProblemDetails {
        ProblemDetails {
            problem_type: format!("{}{}", ProblemDetails::TYPE_PREFIX, self.slug),
            title: self.title.to_owned(),
            title_en: self.title_en.to_owned(),
            status: self.status,
            detail: self.detail.clone(),
            detail_zh: self.detail_zh.clone(),
            errors: self.errors.to_vec(),
        }
    }

    /// 422: well-formed but refused by a rule.
    pub fn unprocessable(slug: &'static str, detail_zh: impl Into<String>, detail_en: impl Into<String>) -> Self {
        Self::new(StatusCode::UNPROCESSABLE_ENTITY, slug, "无法受理", "Unprocessable content", detail_zh, detail_en)
    }

    /// A core error: its code is the problem type, its messages the details.
    pub fn from_error(status: StatusCode, error: &impl Described) -> Self {
        let (title_zh, title_en) = match status {
            StatusCode::BAD_REQUEST => ("请求有误", "Bad request"),
            StatusCode::NOT_FOUND => ("未找到", "Not found"),
            StatusCode::CONFLICT => ("状态冲突", "Conflict"),
            _ => ("无法受理", "Unprocessable content"),
        };
        Self::new(status, error.code(), title_zh, title_en, error.message(Lang::Zh), error.message(Lang::En))
    }

    pub fn not_found(path: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "not_found",
            "未找到",
            "Not found",
            format!("没有这个接口：{path}"),
            format!("No such resource: {path}"),
        )
    }

    pub fn method_not_allowed() -> Self {
        Self::new(
            StatusCode::METHOD_NOT_ALLOWED,
            "method_not_allowed",
            "不支持此请求方法",
            "Method not allowed",
            "该接口不支持此 HTTP 方法。",
            "This resource does not support the HTTP method.",
        )
    }

    pub fn bad_request(slug: &'static str, detail_zh: impl Into<String>, detail_en: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, slug, "请求有误", "Bad request", detail_zh, detail_en)
    }

    pub fn too_large(detail_zh: impl Into<String>, detail_en: impl Into<String>) -> Self {
        Self::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "请求过大", "Payload too large", detail_zh, detail_en)
    }

    pub fn unsupported_media_type(found: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "不支持的内容类型",
            "Unsupported media type",
            format!("内容类型 {found:?} 不受支持：请发送 application/json（字符串数组）或 text/plain（每行一个代码）。"),
            format!("Content type {found:?} is not supported: send application/json (an array of strings) or text/plain (one code per line)."),
        )
    }

    pub fn unsupported_json_media_type(found: &str) -> Self {
        Self::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
            "不支持的内容类型",
            "Unsupported media type",
            format!("内容类型 {found:?} 不受支持：请发送 application/json（签名文件，JWS JSON）。"),
            format!("Content type {found:?} is not supported: send application/json (the signed JWS JSON)."),
        )
    }

    /// A failure of ours. The cause (database text, paths) goes to the log under an id; the answer carries
    /// only that id, so an operator can find the cause and a caller learns nothing about the inside.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        let sequence = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let id = format!("{:x}-{sequence}", crate::clock::now_millis());
        tracing::error!(error_id = %id, "internal error: {cause}");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "内部错误",
            "Internal server error",
            format!("服务器内部错误，请稍后重试；如仍出错，请向管理员提供错误编号 {id}。"),
            format!("Internal server error; try again later. If it persists, give the operator the error id {id}."),
        )
    }
}

impl From<axum::extract::rejection::QueryRejection> for Problem {
    fn from(rejection: axum::extract::rejection::QueryRejection) -> Self {
        Self::bad_request("bad_query", format!("查询参数有误：{rejection}"), format!("Bad query string: {rejection}"))
    }
}

impl From<axum::extract::rejection::PathRejection> for Problem {
    fn from(rejection: axum::extract::rejection::PathRejection) -> Self {
        Self::bad_request("bad_path", format!("路径有误：{rejection}"), format!("Bad path: {rejection}"))
    }
}

impl utoipa::PartialSchema for Problem {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        <ProblemDetails as utoipa::PartialSchema>::schema()
    }
}

impl utoipa::ToSchema for Problem {
    fn name() -> std::borrow::Cow<'static, str> {
        <ProblemDetails as utoipa::ToSchema>::name()
    }

    // The schemas it refers to (`ErrorItem`) go into the document with it.
    fn schemas(schemas: &mut Vec<(String, utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>)>) {
        <ProblemDetails as utoipa::ToSchema>::schemas(schemas);
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&self.details()).unwrap_or_default();
        let mut response =
            (status, [(header::CONTENT_TYPE, "application/problem+json; charset=utf-8")], body).into_response();
        if let Some(seconds) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

// The core's errors as problems: one mapping each, used by every handler.

/// Maps an envelope failure to its problem: a malformed envelope is 400, a failed check 422. (The body was
/// already read as JSON, so unreadable JSON here is inside the envelope: its header or payload.)
pub fn envelope_problem(error: &EnvelopeError) -> Problem {
    let status = match error {
        EnvelopeError::BadSignature => StatusCode::UNPROCESSABLE_ENTITY,
        _ => StatusCode::BAD_REQUEST,
    };
    Problem::from_error(status, error)
}

pub fn decision_problem(error: &DecisionError) -> Problem {
    match error {
        DecisionError::Envelope(inner) => envelope_problem(inner),
        _ => refusal_problem(&Refusal::Transition(error.clone())),
    }
}

/// A signed document not received (the core's `workflow::NotReceived`): 400 when it is not a signed document
/// at all, else 422, with the fields at fault itemised.
pub fn not_received_problem(error: &NotReceived) -> Problem {
    let status = if error.is_unreadable() { StatusCode::BAD_REQUEST } else { StatusCode::UNPROCESSABLE_ENTITY };
    let problem = Problem::from_error(status, error);
    match error.field_issues() {
        [] => problem,
        issues => problem.with_errors(issues.iter().map(ErrorItem::from).collect()),
    }
}

/// The core's refusal as a problem: 403, 409 or 422 as it says.
pub fn refusal_problem(refusal: &Refusal) -> Problem {
    let status = match refusal.kind() {
        RefusalKind::Forbidden => StatusCode::FORBIDDEN,
        RefusalKind::Conflict => StatusCode::CONFLICT,
        RefusalKind::Unprocessable => StatusCode::UNPROCESSABLE_ENTITY,
    };
    Problem::from_error(status, refusal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_internal_error_tells_the_caller_an_id_and_nothing_of_its_cause() {
        let problem = Problem::internal("no such table: commitments at /var/lib/xinnuo/xinnuo.db");
        assert_eq!((problem.status, problem.slug, problem.title), (500, "internal", "内部错误"));
        for text in [&problem.detail, &problem.detail_zh] {
            assert!(!text.contains("table") && !text.contains("/var/lib"), "{text}");
        }
        let id = problem.detail.split("error id ").nth(1).unwrap().trim_end_matches('.');
        assert!(problem.detail_zh.contains(id));
        assert_ne!(Problem::internal("x").detail, problem.detail, "each error has its own id");
    }
}
