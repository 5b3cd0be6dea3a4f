//! `GET /api/v1/templates` and `GET /api/v1/templates/{id}?version=`: the embedded templates of the core.

use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use xinnuo_core::template::{self, Template};

use crate::problem::Problem;

/// `GET /api/v1/templates`: every template, every version.
#[utoipa::path(
    operation_id = "templates_list",
    get,
    path = "/api/v1/templates",
    tag = "templates",
    summary = "承诺书模板 / commitment templates",
    responses(
        (status = 200, description = "每个模板的每个版本 / every template, every version", body = Vec<template::Summary>, content_type = "application/json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn list() -> Json<Vec<template::Summary<'static>>> {
    Json(template::all().iter().map(Template::summary).collect())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionQuery {
    version: Option<String>,
}

/// `GET /api/v1/templates/{id}`: one template in full (the newest version unless `?version=`).
#[utoipa::path(
    operation_id = "templates_get_one",
    get,
    path = "/api/v1/templates/{id}",
    tag = "templates",
    summary = "一个模板 / one template",
    params(("id" = String, Path, description = "模板编号 / the template id"), VersionQuery),
    responses(
        (status = 200, description = "模板全文 / the template in full", body = Template, content_type = "application/json"),
        (status = 404, description = "没有这个模板 / no such template", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn get_one(
    id: Result<axum::extract::Path<String>, axum::extract::rejection::PathRejection>,
    query: Result<axum::extract::Query<VersionQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<&'static Template>, Problem> {
    let axum::extract::Query(query) = query?;
    let axum::extract::Path(id) = id?;
    template::get(&id, query.version.as_deref()).map(Json).map_err(|e| Problem::from_error(StatusCode::NOT_FOUND, &e))
}
