//! `GET /api/v1/openapi.json`: the OpenAPI 3.1 document, generated from the handlers' own types and their
//! `#[utoipa::path]` attributes (every route the API router serves is listed here; a test holds the two equal).

use std::sync::OnceLock;

use axum::http::header;
use axum::response::IntoResponse;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi, ToSchema};
use xinnuo_core::code::{BatchSummary, CodeReport};

use crate::api;
use crate::problem::Problem;

/// A signed request: a flattened JWS JSON object (RFC 7515 §7.2.2, EdDSA) over the canonical payload (RFC 8785),
/// with the salted disclosures of personal values when the payload has them.
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct SignedRequest {
    /// base64url of the protected header `{"alg":"EdDSA","jwk":…,"kid":…}`.
    protected: String,
    /// base64url of the payload.
    payload: String,
    /// base64url of the Ed25519 signature.
    signature: String,
    /// Salted personal values, each base64url of `[salt, field, value]`.
    #[schema(required = false)]
    disclosures: Vec<String>,
}

/// The answer of `POST /api/v1/codes:check` (streamed).
#[allow(dead_code)]
#[derive(ToSchema)]
pub struct BatchAnswer {
    summary: BatchSummary,
    reports: Vec<CodeReport>,
}

/// The answer every operation may give besides its own: a problem (RFC 9457), `type` `urn:xinnuo:problem:{code}`.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum AnyProblem {
    #[response(
        status = "default",
        description = "问题详情（RFC 9457），type 为 urn:xinnuo:problem:{code} / a problem (RFC 9457)",
        content_type = "application/problem+json"
    )]
    Problem(Problem),
}

/// What a request body may be refused for before it is read.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum BodyProblems {
    #[response(status = 413, description = "请求过大 / too large", content_type = "application/problem+json")]
    TooLarge(Problem),
    #[response(
        status = 415,
        description = "内容类型不受支持 / unsupported media type",
        content_type = "application/problem+json"
    )]
    MediaType(Problem),
}

/// A signed submission that cannot be read as one (before its content is judged).
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum UnreadableSignedFile {
    #[response(
        status = 400,
        description = "签名文件无法读取（bad_envelope、unexpected_member、malformed_json）/ unreadable signed file",
        content_type = "application/problem+json"
    )]
    Unreadable(Problem),
}

/// An officer's inbox: a bad filter, no session, or a role the officer lacks.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum InboxProblems {
    #[response(status = 400, description = "查询参数有误 / bad query", content_type = "application/problem+json")]
    BadQuery(Problem),
    #[response(
        status = 401,
        description = "未登录或登录已失效 / not signed in",
        content_type = "application/problem+json"
    )]
    NotSignedIn(Problem),
    #[response(status = 403, description = "缺少角色 / role missing", content_type = "application/problem+json")]
    RoleMissing(Problem),
}

/// The operator's routes: no admin token, or a server started without one.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
pub enum AdminProblems {
    #[response(
        status = 401,
        description = "需要管理令牌 / admin token required",
        content_type = "application/problem+json"
    )]
    NoToken(Problem),
    #[response(
        status = 403,
        description = "管理接口未启用 / admin disabled",
        content_type = "application/problem+json"
    )]
    Disabled(Problem),
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "信诺 Xinnuo API",
        description = "信用承诺、信用状况与信用修复（晋政办发〔2020〕10号）。错误均为 RFC 9457 问题详情，type 为 urn:xinnuo:problem:{code}，code 与 npm 包 errors[].code 相同。/ Credit commitments, credit status and repair. Errors are RFC 9457 problems; their code is the package's errors[].code.",
        license(name = "MIT OR Apache-2.0"),
    ),
    paths(
        api::health,
        api::codes::check_one,
        api::codes::check_batch,
        api::templates::list,
        api::templates::get_one,
        api::keys::enrol,
        api::keys::get_key,
        api::keys::approve,
        api::keys::revoke,
        api::keys::actions,
        api::commitments::get_disclosed,
        api::keys::server_keys,
        api::commitments::submit,
        api::decisions::decide,
        api::decisions::get_one,
        api::commitments::publications,
        api::sessions::challenge,
        api::sessions::sign_in,
        api::dept::commitments,
        api::dept::repair_applications,
        api::dept::objections,
        api::dept::key_enrolments,
        api::objections::submit,
        api::commitments::get_one,
        api::commitments::of_subject,
        api::subjects::search,
        api::subjects::profile,
        api::reports::of_subject,
        api::reports::get_one,
        api::subjects::apply_for_repair,
        api::subjects::deadline,
        api::subjects::holidays,
        api::log::proof,
        document,
    ),
    modifiers(&BearerSchemes),
    tags(
        (name = "codes", description = "代码核验 / code checks"),
        (name = "templates", description = "承诺书模板 / commitment templates"),
        (name = "commitments", description = "信用承诺 / credit commitments"),
        (name = "subjects", description = "信用状况与修复 / credit status and repair"),
        (name = "log", description = "公开日志（C2SP tlog-tiles 在 /log/）/ the public log (C2SP tlog-tiles at /log/)"),
        (name = "objections", description = "异议 / objections"),
        (name = "decisions", description = "部门决定 / department decisions"),
        (name = "department", description = "部门办理（工作人员）/ the department console (officers)"),
        (name = "officers", description = "工作人员登录 / officer sign-in"),
        (name = "keys", description = "签名密钥 / signing keys"),
        (name = "admin", description = "运营管理 / operator administration"),
        (name = "meta", description = "服务状态与本文档 / health and this document"),
    )
)]
pub struct ApiDoc;

/// The two bearer tokens: an officer's session (from signing a challenge) and the operator's admin token.
struct BearerSchemes;

impl Modify for BearerSchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        for (name, description) in [
            ("officer_session", "POST /api/v1/officer-sessions 给出的令牌 / the token from an officer's sign-in"),
            ("admin_token", "运营方的管理令牌（XINNUO_ADMIN_TOKEN）/ the operator's admin token"),
        ] {
            let mut scheme = Http::new(HttpAuthScheme::Bearer);
            scheme.description = Some(description.to_owned());
            components.add_security_scheme(name, SecurityScheme::Http(scheme));
        }
    }
}

fn document_json() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| ApiDoc::openapi().to_json().unwrap_or_default())
}

/// `GET /api/v1/openapi.json`.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    summary = "本文档 / this document",
    responses(
        (status = 200, description = "OpenAPI 3.1", content_type = "application/json"),
        (status = "default", description = "问题详情 / a problem", body = crate::problem::Problem, content_type = "application/problem+json")
    )
)]
pub async fn document() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "application/json")], document_json())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// `(method, path)` of every route the server serves (`API_ROUTES`, the router's own table) and `/healthz`.
    fn routed() -> BTreeSet<(String, String)> {
        let mut routes: BTreeSet<(String, String)> =
            crate::API_ROUTES.iter().map(|(method, path)| ((*method).to_owned(), format!("/api/v1{path}"))).collect();
        routes.insert(("get".into(), "/healthz".into()));
        routes
    }

    #[test]
    fn the_document_lists_exactly_the_routes_served() {
        let document = ApiDoc::openapi();
        let documented: BTreeSet<(String, String)> = document
            .paths
            .paths
            .iter()
            .flat_map(|(path, item)| {
                let methods = [("get", item.get.is_some()), ("post", item.post.is_some())];
                methods.into_iter().filter(|(_, present)| *present).map(|(method, _)| (method.to_owned(), path.clone()))
            })
            .collect();
        let routed = routed();
        assert!(routed.len() >= 30, "the route table was read: {routed:?}");
        assert_eq!(documented, routed);
    }

    #[test]
    fn the_document_is_openapi_3_1_with_every_problem_answer_typed() {
        let json: serde_json::Value = serde_json::from_str(document_json()).expect("JSON");
        assert_eq!(json["openapi"], "3.1.0");
        for (path, item) in json["paths"].as_object().expect("paths") {
            for (method, operation) in item.as_object().expect("item") {
                let default = &operation["responses"]["default"]["content"]["application/problem+json"]["schema"];
                assert_eq!(default["$ref"], "#/components/schemas/Problem", "{method} {path}");
            }
        }
        assert!(json["components"]["schemas"]["Problem"]["properties"]["type"]["pattern"].is_string());
        // Every reference resolves (a schema used only inside a hand-made one must be listed too).
        fn refs(value: &serde_json::Value, out: &mut Vec<String>) {
            match value {
                serde_json::Value::Object(map) => {
                    if let Some(target) = map.get("$ref").and_then(serde_json::Value::as_str) {
                        out.push(target.to_owned());
                    }
                    map.values().for_each(|v| refs(v, out));
                }
                serde_json::Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
                _ => {}
            }
        }
        let mut found = Vec::new();
        refs(&json, &mut found);
        for target in found {
            let name = target.trim_start_matches("#/components/schemas/");
            assert!(json["components"]["schemas"].get(name).is_some(), "{target} is not in the document");
        }
    }
}
