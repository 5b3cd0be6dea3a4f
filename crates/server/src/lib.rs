//! Xinnuo server: the REST API, the app's static files and the SQLite store. Every rule it applies comes
//! from `xinnuo-core`; this crate adds HTTP, SQL and files.

pub mod admin;
pub mod api;
pub mod clock;
pub mod committer;
pub mod concerns;
pub mod db;
pub mod headers;
pub mod holidays;
pub mod log;
pub mod monitor;
pub mod officers;
pub mod openapi;
pub mod problem;
pub mod process;
pub mod reports;
pub mod sql;
pub mod state;
pub mod store;
pub mod subjects;
pub mod views;
pub mod witness;

use std::path::{Path, PathBuf};

use axum::extract::OriginalUri;
use axum::http::{header, HeaderValue, Method};
use axum::routing::{get, post};
use axum::Router;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::trace::TraceLayer;

pub use crate::clock::{china_day_of, china_today, deadline_of, now, now_millis};
use crate::problem::Problem;
pub use crate::state::{blocking, server_key, AppState};

async fn api_not_found(OriginalUri(uri): OriginalUri) -> Problem {
    Problem::not_found(uri.path())
}

async fn method_not_allowed() -> Problem {
    Problem::method_not_allowed()
}

async fn app_not_built() -> Problem {
    Problem::new(
        axum::http::StatusCode::NOT_FOUND,
        "app_not_built",
        "网页尚未构建",
        "App not built",
        "未找到网页文件：请先运行 cargo xtask build（或 cargo xtask serve）。",
        "The app's files were not found: run `cargo xtask build` (or `cargo xtask serve`) first.",
    )
}

/// Declares the API's routes once: `api_routes()` serves them, and `API_ROUTES` lists them (method, path) for
/// the check that the OpenAPI document — generated from the handlers' own annotations — has exactly these.
macro_rules! api_routes {
    ($(($method:ident, $path:literal, $handler:path)),* $(,)?) => {
        /// The API routes, mounted at `/api/v1`.
        fn api_routes() -> Router<AppState> {
            Router::new()
                $(.route($path, $method($handler)))*
                .fallback(api_not_found)
                .method_not_allowed_fallback(method_not_allowed)
        }

        /// `(method, path below /api/v1)` of every route `api_routes()` serves.
        pub const API_ROUTES: &[(&str, &str)] = &[$((stringify!($method), $path)),*];
    };
}

api_routes![
    (get, "/openapi.json", openapi::document),
    (get, "/codes/{code}", api::codes::check_one),
    (post, "/codes:check", api::codes::check_batch),
    (get, "/templates", api::templates::list),
    (get, "/templates/{id}", api::templates::get_one),
    (post, "/keys", api::keys::enrol),
    (get, "/keys/{kid}", api::keys::get_key),
    (post, "/admin/keys/{kid}/approve", api::keys::approve),
    (post, "/admin/keys/{kid}/revoke", api::keys::revoke),
    (get, "/admin/actions", api::keys::actions),
    (get, "/admin/commitments/{id}", api::commitments::get_disclosed),
    (get, "/server-keys", api::keys::server_keys),
    (post, "/commitments", api::commitments::submit),
    (post, "/decisions", api::decisions::decide),
    (get, "/decisions/{id}", api::decisions::get_one),
    (get, "/publications", api::commitments::publications),
    (post, "/officer-sessions/challenge", api::sessions::challenge),
    (post, "/officer-sessions", api::sessions::sign_in),
    (get, "/dept/commitments", api::dept::commitments),
    (get, "/dept/repair-applications", api::dept::repair_applications),
    (get, "/dept/objections", api::dept::objections),
    (get, "/dept/key-enrolments", api::dept::key_enrolments),
    (post, "/objections", api::objections::submit),
    (get, "/commitments/{id}", api::commitments::get_one),
    (get, "/subjects/{code}/commitments", api::commitments::of_subject),
    (get, "/subjects", api::subjects::search),
    (get, "/subjects/{code}", api::subjects::profile),
    (get, "/subjects/{code}/report", api::reports::of_subject),
    (get, "/reports/{report_no}", api::reports::get_one),
    (post, "/repair-applications", api::subjects::apply_for_repair),
    (get, "/deadlines", api::subjects::deadline),
    (get, "/holidays", api::subjects::holidays),
    (get, "/log/proof", api::log::proof),
];

/// CORS for the API: the configured embedding origins may call it from their pages (no credentials).
fn api_cors(allow_origins: &[String]) -> CorsLayer {
    let origins: Vec<HeaderValue> =
        allow_origins.iter().filter_map(|o| HeaderValue::from_str(o.trim_end_matches('/')).ok()).collect();
    CorsLayer::new()
        .allow_origin(AllowOrigin::list(origins))
        .allow_methods([Method::GET, Method::POST])
        .allow_headers([header::CONTENT_TYPE])
        .max_age(std::time::Duration::from_secs(3600))
}

/// The whole application: API, health check and, when `dist` exists, the single-page app. `allow_origins`
/// are the department sites allowed to call the API from their pages (widgets).
pub fn router(state: AppState, dist: Option<&Path>, allow_origins: &[String], https: bool) -> Router {
    let mut app = Router::new()
        .route("/healthz", get(api::health))
        // The public log as C2SP tlog-tiles, for monitors and witnesses.
        .route("/log/checkpoint", get(api::log::checkpoint))
        .route("/log/tile/{*rest}", get(api::log::tile))
        // A witness for other logs (C2SP tlog-witness), when configured.
        .route("/witness/add-checkpoint", post(api::log::add_checkpoint))
        // A request that takes longer than this is answered 408 (slow clients, stuck work); streamed answers
        // that have started are not cut.
        .nest(
            "/api/v1",
            api_routes()
                .layer(tower_http::timeout::TimeoutLayer::with_status_code(
                    axum::http::StatusCode::REQUEST_TIMEOUT,
                    std::time::Duration::from_secs(30),
                ))
                .layer(api_cors(allow_origins))
                // JSON answers compressed for clients that ask (gzip, Brotli at a fast level).
                .layer(
                    tower_http::compression::CompressionLayer::new()
                        .quality(tower_http::compression::CompressionLevel::Fastest),
                ),
        )
        // Any other API path (another version, a typo) is a problem, never the app's page.
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(state);
    app = match dist.filter(|d| d.join("index.html").is_file()) {
        Some(dist) => {
            // `FILE.br` / `FILE.gz` written by the build are sent to clients that accept them. The app routes by
            // hash, so its page is `/` (and `/index.html`) alone: any other path that is not one of its files is
            // a 404 with a small page of its own, never the app's page with 200.
            let not_found = ServeFile::new(dist.join(NOT_FOUND_PAGE)).precompressed_br().precompressed_gzip();
            // Static files are public: any page may load the widgets (module scripts are fetched with CORS).
            // `no-cache` revalidates every time (ETag), so a new version is seen at once.
            let files = tower::ServiceBuilder::new()
                .layer(SetResponseHeaderLayer::overriding(
                    header::ACCESS_CONTROL_ALLOW_ORIGIN,
                    HeaderValue::from_static("*"),
                ))
                .layer(SetResponseHeaderLayer::if_not_present(
                    header::CACHE_CONTROL,
                    HeaderValue::from_static("no-cache"),
                ))
                .service(ServeDir::new(dist).precompressed_br().precompressed_gzip().not_found_service(not_found));
            app.fallback_service(files)
        }
        None => app.fallback(app_not_built),
    };
    let pages = headers::PagePolicy::new(allow_origins, https);
    app.layer(axum::middleware::from_fn_with_state(pages, headers::secure_pages))
        .layer(TraceLayer::new_for_http())
        .layer(SetResponseHeaderLayer::if_not_present(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

/// The page answered, with 404, for a path that is neither the app nor one of its files (`web/404.html`,
/// copied into `dist/` by the build; a static export has it too, for its web server's 404).
pub const NOT_FOUND_PAGE: &str = "404.html";

/// Where the built app is looked for when no `--dist` is given.
pub fn default_dist() -> PathBuf {
    PathBuf::from("dist")
}
