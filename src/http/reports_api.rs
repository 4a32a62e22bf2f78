//! Excel downloads: the reconciliation workbook, a unit's Treasury payment list and a case's
//! entitlement statement. Each is built on a blocking thread (other requests go on), within
//! the caller's units; an unknown unit or another unit's case is not found.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::AppState;
use super::request_id;
use crate::auth::Caller;
use crate::domain::access::Permission;
use crate::domain::ids::{CaseId, UnitId};
use crate::error::AppError;
use crate::reports::{self, Generated};
use crate::xlsx::sheet::xlsx;

const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Query of the reconciliation workbook.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ReconciliationQuery {
    /// A ministry, province or unit code (default: everything the caller may see).
    pub unit: Option<String>,
    /// `YYYY-MM-DD` (default: today in Vietnam); not in the future nor before any data.
    pub as_of: Option<NaiveDate>,
}

/// Query of MoHA's progress report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct MohaQuery {
    /// A ministry, province or unit code (default: everything the caller may see).
    pub unit: Option<String>,
    /// `YYYY-MM-DD` (default: today in Vietnam); not in the future nor before any data.
    pub as_of: Option<NaiveDate>,
}

/// Query of the payment list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct PaymentListQuery {
    /// The paying unit's code.
    pub unit: String,
}

pub(crate) fn download(bytes: Vec<u8>, file_name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(XLSX)
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(bytes)
}

/// A PDF to download.
pub(crate) fn download_pdf(bytes: Vec<u8>, file_name: &str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file_name}\""),
        ))
        .body(bytes)
}

/// Who downloaded which report (reports carry personal data).
pub(crate) fn record_download(
    conn: &mut crate::db::DbConnection,
    actor: &crate::services::Actor,
    action: &str,
    unit_id: Option<UnitId>,
    case_id: Option<CaseId>,
    after: serde_json::Value,
) -> Result<(), AppError> {
    crate::db::audit::record(
        conn,
        crate::db::audit::AuditEntry {
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: action.into(),
            entity_kind: "report".into(),
            entity_id: None,
            unit_id,
            case_id,
            request_id: actor.request_id.clone(),
            before: None,
            after: Some(after),
        },
    )?;
    Ok(())
}

fn stamp(caller: &Caller) -> Generated {
    Generated {
        at: crate::db::now(),
        by: caller.username.clone(),
    }
}

/// The reconciliation workbook (sheets Tổng hợp, Chi tiết, Cảnh báo, Sao kê, Căn cứ).
#[utoipa::path(get, path = "/api/v1/reports/reconciliation.xlsx", tag = "reports",
    params(ReconciliationQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn reconciliation(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ReconciliationQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let actor = request_id::actor(&caller, &req);
    let policy = state.policy.clone();
    let generated = stamp(&caller);
    let scope = caller.scope.clone();
    let db = state.db.clone();
    let (bytes, name) = state
        .db
        .run(move |conn| {
            let mut second = db.try_get();
            let mut built = reports::reconciliation(
                conn,
                second.as_deref_mut(),
                &policy,
                &scope,
                query.unit.as_deref(),
                query.as_of,
                &generated,
            )?;
            let name = format!("doi-soat-{}-{}.xlsx", built.scope.slug(), built.as_of);
            let bytes = built.workbook.save_to_buffer().map_err(xlsx)?;
            record_download(
                conn,
                &actor,
                "report.reconciliation",
                built.scope.root.as_ref().map(|u| u.id),
                None,
                serde_json::json!({ "as_of": built.as_of, "cases": built.rows }),
            )?;
            Ok((bytes, name))
        })
        .await?;
    Ok(download(bytes, &name))
}

/// The Treasury payment list of a unit and the units below it.
#[utoipa::path(get, path = "/api/v1/reports/payment-list.xlsx", tag = "reports",
    params(PaymentListQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn payment_list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<PaymentListQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let actor = request_id::actor(&caller, &req);
    let unit = query.into_inner().unit;
    let generated = stamp(&caller);
    let scope = caller.scope.clone();
    let (bytes, name) = state
        .db
        .run(move |conn| {
            let mut built = reports::payment_list(conn, &scope, &unit, &generated)?;
            let name = format!(
                "danh-sach-chi-tra-{}-{}.xlsx",
                built.scope.slug(),
                built.as_of
            );
            let bytes = built.workbook.save_to_buffer().map_err(xlsx)?;
            record_download(
                conn,
                &actor,
                "report.payment_list",
                built.scope.root.as_ref().map(|u| u.id),
                None,
                serde_json::json!({ "lines": built.rows }),
            )?;
            Ok((bytes, name))
        })
        .await?;
    Ok(download(bytes, &name))
}

/// A case's entitlement statement (the lookup code is not printed: see the POST).
#[utoipa::path(get, path = "/api/v1/cases/{id}/statement.xlsx", tag = "reports",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn statement(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    statement_response(state, caller, id.into_inner(), req, false).await
}

/// Issues a new lookup code for the case (the old one stops working) and returns the
/// statement with the code printed on it, to hand to the person.
#[utoipa::path(post, path = "/api/v1/cases/{id}/statement.xlsx", tag = "reports",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn statement_with_code(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    if !caller.role.can(Permission::IssueLookupCodes) {
        return Err(AppError::Forbidden);
    }
    statement_response(state, caller, id.into_inner(), req, true).await
}

async fn statement_response(
    state: web::Data<AppState>,
    caller: Caller,
    id: CaseId,
    req: HttpRequest,
    issue_code: bool,
) -> Result<HttpResponse, AppError> {
    statement_file(state, &caller, id, &req, issue_code, false).await
}

/// A case's entitlement statement as a workbook or (`pdf`) a PDF, with a newly issued lookup
/// code printed on it when `issue_code` (the old code stops working). The PDF needs
/// LibreOffice (503 otherwise, checked before any code is issued).
pub(crate) async fn statement_file(
    state: web::Data<AppState>,
    caller: &Caller,
    id: CaseId,
    req: &HttpRequest,
    issue_code: bool,
    pdf: bool,
) -> Result<HttpResponse, AppError> {
    if pdf && !reports::pdf::available() {
        return Err(reports::pdf::unavailable());
    }
    let actor = request_id::actor(caller, req);
    let generated = stamp(caller);
    let keys = state.keys.clone();
    let bytes = state
        .db
        .run(move |conn| {
            let mut workbook = reports::statement(conn, &keys, &actor, id, issue_code, &generated)?;
            workbook.save_to_buffer().map_err(xlsx)
        })
        .await?;
    if !pdf {
        return Ok(download(bytes, &format!("bang-tinh-tro-cap-{id}.xlsx")));
    }
    let pdf = web::block(move || reports::pdf::from_xlsx(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))??;
    Ok(download_pdf(pdf, &format!("bang-tinh-tro-cap-{id}.pdf")))
}

/// A case's entitlement statement as a PDF (A4 portrait), for printing and signing; 503
/// where LibreOffice is not installed.
#[utoipa::path(get, path = "/api/v1/cases/{id}/statement.pdf", tag = "reports",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, content_type = "application/pdf"),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 503, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn statement_pdf(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    statement_file(state, &caller, id.into_inner(), &req, false, true).await
}

/// MoHA's progress report: by ministry and by province, people with a leave decision,
/// submitted for funding, funded and paid, with the money and the share paid, as of a date,
/// as an official document (docs/REPORTS.md).
#[utoipa::path(get, path = "/api/v1/reports/moha-progress.xlsx", tag = "reports",
    params(MohaQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn moha_progress(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<MohaQuery>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    let actor = request_id::actor(&caller, &req);
    let policy = state.policy.clone();
    let scope = caller.scope.clone();
    let role = caller.role;
    let (bytes, name) = state
        .db
        .run(move |conn| {
            let built = reports::moha_progress(
                conn,
                &policy,
                &scope,
                Some(role),
                query.unit.as_deref(),
                query.as_of,
            )?;
            let name = format!("tien-do-bnv-{}-{}.xlsx", built.scope.slug(), built.as_of);
            let mut workbook = built.workbook;
            let bytes = workbook.save_to_buffer().map_err(xlsx)?;
            record_download(
                conn,
                &actor,
                "report.moha_progress",
                built.scope.root.as_ref().map(|u| u.id),
                None,
                serde_json::json!({ "as_of": built.as_of, "cases": built.rows }),
            )?;
            Ok((bytes, name))
        })
        .await?;
    Ok(download(bytes, &name))
}
