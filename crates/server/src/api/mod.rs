//! The REST API under `/api/v1`.

pub mod body;
pub mod codes;
pub mod commitments;
pub mod decisions;
pub mod dept;
pub mod keys;
pub mod log;
pub mod objections;
pub mod reports;
pub mod sessions;
pub mod subjects;
pub mod templates;

use axum::extract::State;
use axum::Json;

use crate::problem::Problem;
use crate::state::AppState;
use xinnuo_core::wire::Health;

/// `GET /healthz`: the process answers and the database can be read.
#[utoipa::path(
    operation_id = "health",
    get,
    path = "/healthz",
    tag = "meta",
    summary = "服务状态 / health",
    responses(
        (status = 200, description = "正常 / up", body = Health, content_type = "application/json"),
        (status = "default", description = "问题详情 / a problem", body = Problem, content_type = "application/problem+json")
    )
)]
pub async fn health(State(state): State<AppState>) -> Result<Json<Health>, Problem> {
    let db = state.db.clone();
    let schema_version = tokio::task::spawn_blocking(move || db.schema_version())
        .await
        .map_err(|e| Problem::internal(e.to_string()))?
        .map_err(|e| Problem::internal(e.to_string()))?;
    Ok(Json(Health { status: "ok".into(), version: env!("CARGO_PKG_VERSION").into(), schema_version }))
}
