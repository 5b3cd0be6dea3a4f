//! The department's inboxes, for a signed-in officer (bearer token from `sessions.rs`): its commitments,
//! the repair applications and objections on records it decided, and — for officers holding the keys role —
//! key enrolments. Each item carries its full content (personal values disclosed to the department), its
//! deadline under the rule in force and its decisions so far.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde::Deserialize;
use serde_json::Value;
use xinnuo_core::decision::{CommitmentState, ObjectionState, RepairState, TargetKind};
use xinnuo_core::enrolment::EnrolmentStatus;
use xinnuo_core::envelope;

use super::sessions::officer_of;
use crate::clock::deadline_of;
use crate::db::Db;
use crate::officers::ObjectionRow;
use crate::problem::Problem;
use crate::state::{blocking, AppState};
use crate::state::{with_decisions, Receipts};
use crate::store::PublicationFilter;
use crate::views::commitment as published;
use xinnuo_core::wire::{
    DeptCommitment, DeptCommitmentInbox, DeptEnrolment, DeptEnrolmentInbox, DeptObjection, DeptObjectionInbox,
    DeptRepairApplication, DeptRepairInbox, OtherEnrolment, PublishedDecision,
};
use xinnuo_core::workflow;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct InboxQuery {
    state: Option<String>,
    q: Option<String>,
    page: Option<u32>,
    per_page: Option<u32>,
}

impl InboxQuery {
    /// The state asked for, read by `parse` (`None` when not given); a 400 naming the allowed ones otherwise.
    fn state<T>(&self, parse: impl Fn(&str) -> Option<T>, allowed: &str) -> Result<Option<T>, Problem> {
        match self.state.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(text) => parse(text).map(Some).ok_or_else(|| {
                Problem::bad_request(
                    "bad_query",
                    format!("未知的状态 {text:?}：应为 {allowed} 之一。"),
                    format!("Unknown state {text:?}: one of {allowed}."),
                )
            }),
        }
    }

    fn search(&self) -> Option<String> {
        self.q.as_deref().map(xinnuo_core::search::normalize_query).filter(|q| !q.is_empty())
    }
}

/// A signed document with its disclosures put back: what the department reads and verifies.
fn disclosed_file(db: &Db, submission_id: &str, envelope: &Value) -> Result<Value, Problem> {
    let disclosures = db.disclosures(submission_id).map_err(Problem::internal)?.unwrap_or_default();
    let mut signed_file = envelope.clone();
    if !disclosures.is_empty() {
        signed_file["header"] = serde_json::json!({ "disclosures": disclosures });
    }
    Ok(signed_file)
}

/// (Their receipts as stored: `Witnessing::witnessed` proves a page's receipts again where witnesses are required.)
fn history(db: &Db, target: &str) -> Result<Vec<PublishedDecision>, Problem> {
    Ok(db.decisions_on(target).map_err(Problem::internal)?.into_iter().map(crate::views::decision).collect())
}

impl Receipts for DeptCommitment {
    fn receipts(&mut self) -> Vec<&mut Value> {
        with_decisions(Some(&mut self.commitment.receipt), &mut self.decisions)
    }
}

impl Receipts for DeptRepairApplication {
    fn receipts(&mut self) -> Vec<&mut Value> {
        with_decisions(None, &mut self.decisions)
    }
}

impl Receipts for DeptObjection {
    fn receipts(&mut self) -> Vec<&mut Value> {
        with_decisions(Some(&mut self.receipt), &mut self.decisions)
    }
}

impl Receipts for DeptEnrolment {
    fn receipts(&mut self) -> Vec<&mut Value> {
        with_decisions(None, &mut self.decisions)
    }
}

/// `GET /api/v1/dept/commitments?state=&q=&page=`: the commitments made to the officer's department.
#[utoipa::path(
    operation_id = "dept_commitments",
    get,
    path = "/api/v1/dept/commitments",
    tag = "department",
    summary = "本部门的承诺书 / the department's commitments",
    params(InboxQuery),
    security(("officer_session" = [])),
    responses(
        (status = 200, description = "含个人信息 / with personal data", body = DeptCommitmentInbox, content_type = "application/json"),
        crate::openapi::InboxProblems,
        crate::openapi::AnyProblem
    )
)]
pub async fn commitments(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<axum::extract::Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DeptCommitmentInbox>, Problem> {
    let axum::extract::Query(query) = query?;
    let officer = officer_of(&state, &headers).await?;
    let lifecycle = query.state(CommitmentState::parse, "submitted, returned, in_force, kept, broken, withdrawn")?;
    let page = query.page.unwrap_or(1).max(1);
    let per_page = query.per_page.unwrap_or(50).clamp(1, 100);
    let offset = (page - 1)
        .checked_mul(per_page)
        .ok_or_else(|| Problem::bad_request("bad_query", "页码太大。", "The page is out of range."))?;
    let filter = PublicationFilter {
        department: Some(workflow::commitment_filter(&officer.department)),
        template: None,
        state: lifecycle,
        query: query.search(),
        with_unlisted: true,
    };
    let db = state.db.clone();
    let witnessing = state.witnessing.clone();
    let department = workflow::department_name(&officer.department);
    let offered_to = department.clone();
    let roles = officer.roles.clone();
    let (total, commitments) = blocking(move || {
        let (total, rows) = db.publications(&filter, offset, per_page).map_err(Problem::internal)?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let signed_file = disclosed_file(&db, &row.submission_id, &row.envelope)?;
            let decisions = history(&db, &row.submission_id)?;
            let case = crate::process::commitment_case_of(&row).map_err(Problem::internal)?;
            let signer_known = workflow::signer_known(&case);
            let offers = workflow::actions(&workflow::Case::Commitment(case), &offered_to, &roles);
            items.push(DeptCommitment { commitment: published(row), signed_file, decisions, offers, signer_known });
        }
        Ok((total, witnessing.witnessed(&db, items)?))
    })
    .await?;
    Ok(Json(DeptCommitmentInbox { department, total, page, per_page, commitments }))
}

/// `GET /api/v1/dept/repair-applications?state=received|granted|refused&q=`: applications to repair records
/// the officer's department decided (谁认定、谁修复).
#[utoipa::path(
    operation_id = "dept_repair_applications",
    get,
    path = "/api/v1/dept/repair-applications",
    tag = "department",
    summary = "信用修复申请 / repair applications",
    params(InboxQuery),
    security(("officer_session" = [])),
    responses(
        (status = 200, description = "本部门认定的记录 / on the department's records", body = DeptRepairInbox, content_type = "application/json"),
        crate::openapi::InboxProblems,
        crate::openapi::AnyProblem
    )
)]
pub async fn repair_applications(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<axum::extract::Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DeptRepairInbox>, Problem> {
    let axum::extract::Query(query) = query?;
    let officer = officer_of(&state, &headers).await?;
    let wanted = query.state(RepairState::parse, "received, granted, refused")?;
    let search = query.search();
    let db = state.db.clone();
    let witnessing = state.witnessing.clone();
    // The records the department decided (`workflow::decides_record`).
    let department = workflow::department_name(&officer.department);
    let answered = department.clone();
    let repair_applications = blocking(move || {
        let rows = db.repair_applications_for(&department, wanted, search.as_deref()).map_err(Problem::internal)?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let envelope = db.commitment(&row.submission_id).map_err(Problem::internal)?.map(|c| c.envelope);
            let signed_file = match envelope {
                Some(envelope) => disclosed_file(&db, &row.submission_id, &envelope)?,
                None => Value::Null,
            };
            let deadline =
                workflow::repair_step(row.state, row.channel).and_then(|step| deadline_of(step, &row.received_at));
            // Stored by the core's reader: a record that does not read back is a fault of the store.
            let record = xinnuo_core::status::Record::from_json(row.record.clone()).map_err(Problem::internal)?;
            items.push(DeptRepairApplication {
                state_label_zh: row.state.label_zh().to_owned(),
                state_label_en: row.state.label_en().to_owned(),
                decisions: history(&db, &row.submission_id)?,
                signed_file,
                deadline,
                submission_id: row.submission_id,
                credit_code: row.credit_code,
                subject_name: row.subject_name,
                record_id: row.record_id,
                record,
                state: row.state,
                received_at: row.received_at,
                reason: row.reason,
            });
        }
        witnessing.witnessed(&db, items)
    })
    .await?;
    Ok(Json(DeptRepairInbox { department: answered, repair_applications }))
}

/// The view of an objection with its record, deadline and decisions (the department's and the enterprise's);
/// its receipts as stored (shown through `Witnessing::witnessed`).
pub fn objection_item(db: &Db, row: ObjectionRow) -> Result<DeptObjection, Problem> {
    let record = db
        .record_body(&row.credit_code, &row.record_id)
        .map_err(Problem::internal)?
        .map(xinnuo_core::status::Record::from_json)
        .transpose()
        .map_err(Problem::internal)?;
    let deadline =
        workflow::objection_step(row.state, record.as_ref()).and_then(|step| deadline_of(step, &row.received_at));
    Ok(DeptObjection {
        state_label_zh: row.state.label_zh().to_owned(),
        state_label_en: row.state.label_en().to_owned(),
        signer_fingerprint: envelope::fingerprint_groups(&row.signer_kid),
        decisions: history(db, &row.objection_id)?,
        record,
        deadline,
        objection_id: row.objection_id,
        sequence: row.sequence,
        credit_code: row.credit_code,
        record_id: row.record_id,
        authority: row.authority,
        grounds: row.grounds,
        signer_kid: row.signer_kid,
        envelope: row.envelope,
        receipt: row.receipt,
        state: row.state,
        received_at: row.received_at,
        reason: row.reason,
        decided_at: row.decided_at,
        log: None,
    })
}

/// `GET /api/v1/dept/objections?state=under_review|upheld|rejected&q=`: objections to records the officer's
/// department decided.
#[utoipa::path(
    operation_id = "dept_objections",
    get,
    path = "/api/v1/dept/objections",
    tag = "department",
    summary = "异议 / objections",
    params(InboxQuery),
    security(("officer_session" = [])),
    responses(
        (status = 200, description = "本部门认定的记录 / on the department's records", body = DeptObjectionInbox, content_type = "application/json"),
        crate::openapi::InboxProblems,
        crate::openapi::AnyProblem
    )
)]
pub async fn objections(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<axum::extract::Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DeptObjectionInbox>, Problem> {
    let axum::extract::Query(query) = query?;
    let officer = officer_of(&state, &headers).await?;
    let wanted = query.state(ObjectionState::parse, "under_review, upheld, rejected")?;
    let search = query.search();
    let db = state.db.clone();
    let witnessing = state.witnessing.clone();
    let department = workflow::department_name(&officer.department);
    let answered = department.clone();
    let objections = blocking(move || {
        let items = db
            .objections_for(&department, wanted, search.as_deref())
            .map_err(Problem::internal)?
            .into_iter()
            .map(|row| objection_item(&db, row))
            .collect::<Result<Vec<_>, _>>()?;
        witnessing.witnessed(&db, items)
    })
    .await?;
    Ok(Json(DeptObjectionInbox { department: answered, objections }))
}

/// `GET /api/v1/dept/key-enrolments?state=pending|approved|revoked&q=`: for officers holding the keys role.
#[utoipa::path(
    operation_id = "dept_key_enrolments",
    get,
    path = "/api/v1/dept/key-enrolments",
    tag = "department",
    summary = "密钥登记 / key enrolments",
    params(InboxQuery),
    security(("officer_session" = [])),
    responses(
        (status = 200, description = "待审核与已处理 / pending and decided", body = DeptEnrolmentInbox, content_type = "application/json"),
        crate::openapi::InboxProblems,
        crate::openapi::AnyProblem
    )
)]
pub async fn key_enrolments(
    State(state): State<AppState>,
    headers: HeaderMap,
    query: Result<axum::extract::Query<InboxQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<DeptEnrolmentInbox>, Problem> {
    let axum::extract::Query(query) = query?;
    let officer = officer_of(&state, &headers).await?;
    if !workflow::may_open_inbox(TargetKind::KeyEnrolment, &officer.roles) {
        return Err(Problem::new(
            StatusCode::FORBIDDEN,
            "role_missing",
            "无权查看",
            "Not allowed",
            format!("{}没有“密钥核验”权限。", officer.name),
            format!("{} does not hold the keys role.", officer.name),
        ));
    }
    let wanted = query.state(EnrolmentStatus::parse, "pending, approved, revoked")?;
    let search = query.search();
    let db = state.db.clone();
    let witnessing = state.witnessing.clone();
    let enrolments = blocking(move || {
        let rows = db.enrolments_for_review(wanted, search.as_deref()).map_err(Problem::internal)?;
        let mut items = Vec::with_capacity(rows.len());
        for row in rows {
            let registry_name = db.registry_name(&row.credit_code).map_err(Problem::internal)?;
            let decisions = match &row.request_id {
                Some(id) => history(&db, id)?,
                None => Vec::new(),
            };
            let same_key_elsewhere = db
                .enrolments_of_key(&row.kid)
                .map_err(Problem::internal)?
                .into_iter()
                .filter(|other| other.credit_code != row.credit_code)
                .map(|other| OtherEnrolment {
                    credit_code: other.credit_code,
                    subject_name: other.subject_name,
                    status: other.status,
                })
                .collect();
            items.push(DeptEnrolment { enrolment: row.into(), registry_name, decisions, same_key_elsewhere });
        }
        witnessing.witnessed(&db, items)
    })
    .await?;
    Ok(Json(DeptEnrolmentInbox { enrolments }))
}
