//! `GET /api/v1/templates` and `GET /api/v1/templates/{id}?version=`: the embedded templates of the core.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use xinnuo_core::template::{self, Template};

use crate::problem::Problem;

/// `GET /api/v1/templates`: every template, every version.
pub async fn list() -> Json<Vec<template::Summary<'static>>> {
    Json(template::all().iter().map(Template::summary).collect())
}

#[derive(Deserialize)]
pub struct VersionQuery {
    version: Option<String>,
}

/// `GET /api/v1/templates/{id}`: one template in full (the newest version unless `?version=`).
pub async fn get_one(
    Path(id): Path<String>,
    Query(query): Query<VersionQuery>,
) -> Result<Json<&'static Template>, Problem> {
    template::get(&id, query.version.as_deref()).map(Json).map_err(|e| Problem::from_error(StatusCode::NOT_FOUND, &e))
}
