//! The public log, read by anyone: C2SP tlog-tiles at `/log/` (`checkpoint`, `tile/<L>/<N>[.p/<W>]`,
//! `tile/entries/<N>[.p/<W>]`) for monitors and their own tools, and `GET /api/v1/log/proof?ref=` (one entry
//! with its proof in the newest checkpoint) for the app and the package.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use xinnuo_core::public_log::LoggedEntry;
use xinnuo_core::tlog::{Tile, TlogProof};

use crate::problem::Problem;
use crate::sql::args;
use crate::sql::row;
use crate::state::{blocking, AppState};

/// Anyone may read the log, from any page (monitors, witnesses, other departments' tools).
fn public(mut response: Response, cache: &'static str) -> Response {
    let headers = response.headers_mut();
    headers.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    response
}

fn not_logged(what: &str) -> Problem {
    Problem::new(
        StatusCode::NOT_FOUND,
        "not_in_log",
        "未找到",
        "Not found",
        format!("公开日志中没有 {what}。"),
        format!("The public log has no {what}."),
    )
}

/// The witnesses have not cosigned a checkpoint that covers the entry (yet): what was received is kept.
fn not_witnessed() -> Problem {
    Problem::new(
        StatusCode::SERVICE_UNAVAILABLE,
        "witnesses_pending",
        "见证人尚未联署",
        "Witnesses have not cosigned yet",
        "已收到并记入公开日志，但见证人尚未联署包含它的检查点。请稍后再次提交同一文件取回回执（不会重复记录）。",
        "Received and logged, but the witnesses have not yet cosigned a checkpoint that includes it. Submit the \
         same file again later to get the receipt (it is not recorded twice).",
    )
}

/// How long an answer waits for the witnesses to cosign its checkpoint.
const WITNESS_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// How often a waiting answer looks again when no cosignature was kept meanwhile.
const LOOK_AGAIN: std::time::Duration = std::time::Duration::from_millis(500);

/// With a witness quorum (`serve --witness-quorum`): the entry re-proved in a checkpoint the quorum cosigned
/// (their cosignatures in its note), waiting for them up to `WITNESS_WAIT`; without one, as it is.
pub async fn witnessed(state: &AppState, logged: LoggedEntry) -> Result<LoggedEntry, Problem> {
    let witnessing = state.witnessing.clone();
    if !witnessing.required() {
        return Ok(logged);
    }
    let index = TlogProof::parse(&logged.proof).map_err(|e| Problem::internal(e.to_string()))?.index;
    let deadline = tokio::time::Instant::now() + WITNESS_WAIT;
    // Subscribed before the first look: a cosignature kept in between is not missed.
    let mut cosigned = witnessing.cosigned.subscribe();
    loop {
        for wake in &witnessing.wake {
            let _ = wake.try_send(());
        }
        let (db, asked) = (state.db.clone(), witnessing.clone());
        let found = blocking(move || {
            crate::witness::witnessed_proof(&db, &asked.witnesses, asked.quorum, index).map_err(Problem::internal)
        })
        .await?;
        if let Some(found) = found {
            return Ok(found);
        }
        if tokio::time::Instant::now() >= deadline {
            return Err(not_witnessed());
        }
        // Woken by a cosignature this process kept, or after a while anyway: another server on the same
        // database may have kept it.
        let next_look = (tokio::time::Instant::now() + LOOK_AGAIN).min(deadline);
        if let Ok(Err(_)) = tokio::time::timeout_at(next_look, cosigned.changed()).await {
            tokio::time::sleep_until(next_look).await;
        }
    }
}

/// An answer's receipt and `log` (the same entry) re-proved in a witnessed checkpoint (see `witnessed`); a
/// receipt signed alone (before the log) stays as it is.
pub async fn witnessed_receipt(
    state: &AppState,
    receipt: &mut Value,
    log: &mut Option<LoggedEntry>,
) -> Result<(), Problem> {
    if !state.witnessing.required() {
        return Ok(());
    }
    let as_logged = serde_json::from_value::<LoggedEntry>(receipt.clone()).ok();
    let Some(entry) = log.take().or_else(|| as_logged.clone()) else { return Ok(()) };
    let proved = witnessed(state, entry).await?;
    match as_logged {
        Some(logged) if logged.entry == proved.entry => {
            *receipt = serde_json::to_value(&proved).map_err(Problem::internal)?
        }
        // A receipt of another entry than its answer's `log` would show an unwitnessed checkpoint.
        Some(_) => return Err(Problem::internal("a receipt and its log entry differ")),
        None => {}
    }
    *log = Some(proved);
    Ok(())
}

/// `GET /log/checkpoint`: the newest signed checkpoint (C2SP tlog-checkpoint as a signed note). Short-lived:
/// the log grows.
pub async fn checkpoint(State(state): State<AppState>) -> Result<Response, Problem> {
    let db = state.db.clone();
    let witnessing = state.witnessing.clone();
    // The newest checkpoint the quorum of witnesses cosigned, with their cosignatures.
    let note = blocking(move || {
        db.read(|sql| crate::witness::published_checkpoint(sql, &witnessing.witnesses, witnessing.quorum))
            .map_err(Problem::internal)
    })
    .await?;
    let note = note.ok_or_else(|| not_logged("checkpoint"))?;
    let response = ([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], note).into_response();
    Ok(public(response, "no-cache"))
}

/// `GET /log/tile/…`: a hash tile or an entry bundle. Each path's bytes never change (a partial tile has a
/// path per width), so they may be cached for good.
pub async fn tile(State(state): State<AppState>, Path(rest): Path<String>) -> Result<Response, Problem> {
    let path = format!("tile/{rest}");
    // Only canonical tile paths are looked up.
    let tile = Tile::parse_path(&path).map_err(|e| Problem::from_error(StatusCode::NOT_FOUND, &e))?;
    let db = state.db.clone();
    let lookup = tile.path();
    let data = blocking(move || {
        db.read(|sql| {
            row(sql, "SELECT data FROM log_tiles WHERE path = ?1", args![&lookup], |row| row.get::<Vec<u8>>(0))
        })
        .map_err(Problem::internal)
    })
    .await?;
    let data = data.ok_or_else(|| not_logged(&path))?;
    let response = ([(header::CONTENT_TYPE, "application/octet-stream")], data).into_response();
    Ok(public(response, "public, max-age=31536000, immutable"))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProofQuery {
    /// A submission, objection or decision id, a record as `{credit code}/{record id}`, or a server key's kid.
    #[serde(rename = "ref")]
    #[param(rename = "ref")]
    reference: String,
}

/// `GET /api/v1/log/proof?ref=`: the newest entry about `ref`, with its inclusion proof in the newest
/// checkpoint (C2SP tlog-proof); with a witness quorum, in the newest checkpoint the quorum cosigned (503 until
/// one covers it).
#[utoipa::path(
    operation_id = "log_proof",
    get,
    path = "/api/v1/log/proof",
    tag = "log",
    summary = "公开日志中的条目及其证明 / an entry of the public log with its proof",
    params(ProofQuery),
    responses(
        (status = 200, description = "条目、包含证明和签名检查点 / the entry, its inclusion proof and the signed checkpoint", body = LoggedEntry, content_type = "application/json"),
        (status = 400, description = "查询参数有误 / bad query", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "日志中没有 / not in the log", body = Problem, content_type = "application/problem+json"),
        crate::openapi::AnyProblem
    )
)]
pub async fn proof(
    State(state): State<AppState>,
    query: Result<Query<ProofQuery>, QueryRejection>,
) -> Result<Json<LoggedEntry>, Problem> {
    let Query(query) = query?;
    let reference = query.reference.trim().to_owned();
    if reference.is_empty() || reference.len() > 200 {
        return Err(Problem::bad_request("bad_query", "ref 应为 1 至 200 个字符。", "ref takes 1 to 200 characters."));
    }
    let db = state.db.clone();
    let lookup = reference.clone();
    let witnessing = state.witnessing.clone();
    let logged = blocking(move || {
        if !witnessing.required() {
            return db.read(|sql| crate::log::proof_of(sql, &lookup)).map_err(Problem::internal);
        }
        let Some(index) = db.read(|sql| crate::log::index_of(sql, &lookup)).map_err(Problem::internal)? else {
            return Ok(None);
        };
        let (witnesses, quorum) = (&witnessing.witnesses, witnessing.quorum);
        // The entry naming the witnesses is read by browsers that pinned earlier ones, which count only theirs:
        // proved, once it can be, in a checkpoint every witness asked cosigned (retiring ones too), not just
        // the quorum.
        let all = match lookup.starts_with("witnesses/") {
            true => crate::witness::proof_cosigned_by_every(&db, witnesses, index).map_err(Problem::internal)?,
            false => None,
        };
        let proved = match all {
            Some(proved) => proved,
            None => crate::witness::witnessed_proof(&db, witnesses, quorum, index)
                .map_err(Problem::internal)?
                .ok_or_else(not_witnessed)?,
        };
        Ok(Some(proved).filter(|logged| crate::log::is_about(logged, &lookup)))
    })
    .await?;
    logged.map(Json).ok_or_else(|| not_logged(&reference))
}

/// `POST /witness/add-checkpoint` (C2SP tlog-witness): cosigns a checkpoint of a log this server witnesses
/// (`serve --witness-for`) if it extends the newest one cosigned for that log; 409 with the size held when the
/// request's old size is another, 422 for a proof that does not verify (a fork), 403 for a checkpoint the
/// log's key did not sign, 404 for a log not witnessed here.
pub async fn add_checkpoint(State(state): State<AppState>, body: String) -> Result<Response, Problem> {
    if state.witnessing.for_logs.is_empty() {
        return Err(Problem::new(
            StatusCode::NOT_FOUND,
            "not_a_witness",
            "未找到",
            "Not found",
            "此服务器不为其他日志作见证（未配置 --witness-for）。",
            "This server witnesses no log (no --witness-for configured).",
        ));
    }
    let db = state.db.clone();
    let server_key = state.server_key.clone();
    let witnessing = state.witnessing.clone();
    let now_secs = crate::clock::now_millis() / 1000;
    let answer = blocking(move || {
        crate::witness::add_checkpoint(&db, &server_key.witness, &witnessing.for_logs, &body, now_secs)
            .map_err(Problem::internal)
    })
    .await?;
    let status = StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    Ok((status, [(header::CONTENT_TYPE, answer.content_type)], answer.body).into_response())
}
