//! `GET /api/v1/templates` and `GET /api/v1/templates/{id}?version=`: the embedded templates of the core.

use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::Json;
use serde::{Deserialize, Serialize};
use xinnuo_core::template::{self, Lang, Template, TemplateKind, Text};

use crate::problem::Problem;

#[derive(Serialize)]
pub struct TemplateSummary {
    id: &'static str,
    version: &'static str,
    kind: TemplateKind,
    kind_label: Text,
    field: &'static Text,
    title: &'static Text,
    effective_from: String,
    effective_to: Option<String>,
    text_sha256: &'static str,
}

/// `GET /api/v1/templates`: every template, every version.
pub async fn list() -> Json<Vec<TemplateSummary>> {
    Json(
        template::all()
            .iter()
            .map(|t| TemplateSummary {
                id: &t.id,
                version: &t.version,
                kind: t.kind,
                kind_label: Text { zh: t.kind.label(Lang::Zh).into(), en: t.kind.label(Lang::En).into() },
                field: &t.field,
                title: &t.title,
                effective_from: t.effective_from.to_string(),
                effective_to: t.effective_to.map(|d| d.to_string()),
                text_sha256: &t.text_sha256,
            })
            .collect(),
    )
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
    template::get(&id, query.version.as_deref())
        .map(Json)
        .map_err(|e| Problem::from_bilingual(StatusCode::NOT_FOUND, "unknown-template", &e))
}
