//! Xinnuo server: the REST API, the app's static files and the SQLite store. Every rule it applies comes
//! from `xinnuo-core`; this crate adds HTTP, SQL and files.

pub mod api;
pub mod db;
pub mod problem;

use std::path::{Path, PathBuf};

use axum::extract::OriginalUri;
use axum::http::{header, HeaderValue};
use axum::routing::{get, post};
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

use crate::db::Db;
use crate::problem::Problem;

#[derive(Clone)]
pub struct AppState {
    pub db: Db,
}

async fn api_not_found(OriginalUri(uri): OriginalUri) -> Problem {
    Problem::not_found(uri.path())
}

async fn method_not_allowed() -> Problem {
    Problem::method_not_allowed()
}

async fn app_not_built() -> Problem {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "app-not-built",
        "网页尚未构建",
        "App not built",
        "未找到网页文件：请先运行 cargo xtask build（或 cargo xtask serve）。",
        "The app's files were not found: run `cargo xtask build` (or `cargo xtask serve`) first.",
    )
}

/// The API routes, mounted at `/api/v1`.
fn api_routes() -> Router<AppState> {
    Router::new()
        .route("/codes/{code}", get(api::codes::check_one))
        .route("/codes:check", post(api::codes::check_batch))
        .fallback(api_not_found)
        .method_not_allowed_fallback(method_not_allowed)
}

/// The whole application: API, health check and, when `dist` exists, the single-page app.
pub fn router(state: AppState, dist: Option<&Path>) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(api::health))
        .nest("/api/v1", api_routes())
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    app = match dist.filter(|d| d.join("index.html").is_file()) {
        Some(dist) => {
            let index = ServeFile::new(dist.join("index.html"));
            app.fallback_service(ServeDir::new(dist).fallback(index))
        }
        None => app.fallback(app_not_built),
    };
    app.layer(TraceLayer::new_for_http()).layer(SetResponseHeaderLayer::if_not_present(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    ))
}

/// Where the built app is looked for when no `--dist` is given.
pub fn default_dist() -> PathBuf {
    PathBuf::from("dist")
}
