//! The HTTP layer without a socket: requests sent to the router (`tower::ServiceExt::oneshot`) on an in-memory
//! database, so that `cargo test` alone exercises the API's edge cases — refusals, limits, problem answers —
//! and proves a refused request stored nothing.

use axum::body::Body;
use axum::http::{header, Request, StatusCode};
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use xinnuo_server::db::Db;
use xinnuo_server::{router, AppState};
use zeroize::Zeroizing;

const TOKEN: &str = "a-test-admin-token-of-at-least-32-characters";

fn app(token: Option<&str>) -> (axum::Router, Db) {
    let db = Db::open(":memory:").expect("an in-memory database");
    let state = AppState::new(db.clone(), token.map(|t| Zeroizing::new(t.to_owned()))).expect("the state");
    (router(state, None, &[], false), db)
}

/// Sends one request; the status, the content type and the body as JSON (Null when not JSON).
async fn send(app: &axum::Router, request: Request<Body>) -> (StatusCode, String, Value) {
    let response = app.clone().oneshot(request).await.expect("an answer");
    let status = response.status();
    let kind = response.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("").to_owned();
    let bytes = response.into_body().collect().await.expect("a body").to_bytes();
    (status, kind, serde_json::from_slice(&bytes).unwrap_or(Value::Null))
}

fn post(path: &str, content_type: &str, body: impl Into<Body>) -> Request<Body> {
    Request::post(path).header(header::CONTENT_TYPE, content_type).body(body.into()).expect("a request")
}

/// A problem answer: its status, `application/problem+json`, its type slug and a Chinese title.
fn assert_problem(answer: &(StatusCode, String, Value), status: StatusCode, slug: &str) {
    let (got, kind, body) = answer;
    assert_eq!(*got, status, "{body}");
    assert!(kind.starts_with("application/problem+json"), "{kind}");
    assert_eq!(body["type"], format!("urn:xinnuo:problem:{slug}"), "{body}");
    assert!(body["title"].as_str().is_some_and(|t| !t.is_ascii()), "a Chinese title first: {body}");
}

#[tokio::test]
async fn admin_endpoints_answer_403_without_a_configured_token_and_401_for_a_wrong_one() {
    let (off, _) = app(None);
    // Even a request carrying a token: without one configured, the admin API is off.
    for (method, path) in [
        ("POST", "/api/v1/admin/keys/k/approve"),
        ("GET", "/api/v1/admin/actions"),
        ("GET", "/api/v1/admin/commitments/x"),
    ] {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(r#"{"credit_code":"91140105123456788F"}"#))
            .expect("a request");
        assert_problem(&send(&off, request).await, StatusCode::FORBIDDEN, "admin_disabled");
    }
    let (on, _) = app(Some(TOKEN));
    let wrong = Request::get("/api/v1/admin/actions")
        .header(header::AUTHORIZATION, "Bearer not-the-token-not-the-token-not-the-token")
        .body(Body::empty())
        .expect("a request");
    assert_problem(&send(&on, wrong).await, StatusCode::UNAUTHORIZED, "unauthorized");
    let right = Request::get("/api/v1/admin/actions")
        .header(header::AUTHORIZATION, format!("Bearer {TOKEN}"))
        .body(Body::empty());
    assert_eq!(send(&on, right.expect("a request")).await.0, StatusCode::OK);
}

#[tokio::test]
async fn refused_submissions_are_problems_and_store_nothing() {
    let (app, db) = app(None);
    let before = db.digest().expect("a digest");
    assert_problem(
        &send(&app, post("/api/v1/commitments", "text/html", "<p>")).await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let (status, kind, body) = send(&app, post("/api/v1/commitments", "application/json", "{not json")).await;
    assert!(status.is_client_error() && kind.starts_with("application/problem+json"), "{status} {body}");
    let forged = r#"{"protected":"eyJhbGciOiJFZERTQSJ9","payload":"e30","signature":"AAAA"}"#;
    let (status, _, body) = send(&app, post("/api/v1/commitments", "application/json", forged)).await;
    assert!(status.is_client_error(), "{status} {body}");
    let huge = vec![b'a'; 70 * 1024];
    assert_problem(
        &send(&app, post("/api/v1/commitments", "application/json", huge)).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
    );
    assert_eq!(db.digest().expect("a digest"), before, "nothing was stored");
}

#[tokio::test]
async fn unknown_routes_and_bad_codes_answer_problems_in_both_languages() {
    let (app, _) = app(None);
    let missing = send(&app, Request::get("/api/v1/nothing-here").body(Body::empty()).expect("a request")).await;
    assert_problem(&missing, StatusCode::NOT_FOUND, "not_found");
    assert!(missing.2["detail_zh"].as_str().is_some_and(|d| d.contains("/api/v1/nothing-here")));
    let (status, _, report) =
        send(&app, Request::get("/api/v1/codes/91140105123456788E").body(Body::empty()).expect("a request")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(report["valid"], false);
    let health = send(&app, Request::get("/healthz").body(Body::empty()).expect("a request")).await;
    assert_eq!(health.0, StatusCode::OK);
}
