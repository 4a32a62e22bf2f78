//! `GET /api/v1/audit` and `GET /api/v1/audit.xlsx`: the audit trail within the caller's
//! units, filtered by unit, case, action, actor and days.

use actix_web::{HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;

use super::AppState;
use crate::auth::Caller;
use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::services::audit::{AuditQuery, AuditView, query};
use crate::xlsx::sheet::xlsx;

/// Filters of the audit trail.
#[derive(Debug, Deserialize, IntoParams, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct AuditParams {
    /// A unit and the units below it.
    pub unit: Option<String>,
    /// One case.
    pub case: Option<i64>,
    /// Actions starting with this, e.g. `case.` or `payment.record`.
    pub action: Option<String>,
    /// A username, `cli` or `system`.
    pub actor: Option<String>,
    /// First and last day (Vietnam time), `YYYY-MM-DD`.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Events older than this id (next page).
    pub before_id: Option<i64>,
    /// At most this many (default 500, at most 5,000).
    #[validate(range(min = 1, max = 5000))]
    #[param(minimum = 1, maximum = 5000)]
    pub limit: Option<i64>,
}

/// The query, its bounds checked.
fn read(params: web::Query<AuditParams>) -> Result<AuditQuery, AppError> {
    let p = params.into_inner();
    validator::Validate::validate(&p)?;
    Ok(p.into())
}

impl From<AuditParams> for AuditQuery {
    fn from(p: AuditParams) -> Self {
        AuditQuery {
            unit: p.unit,
            case_id: p.case.map(CaseId),
            action: p.action,
            actor: p.actor,
            from: p.from,
            to: p.to,
            before_id: p.before_id,
            limit: p.limit,
        }
    }
}

/// A page of events, newest first.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct AuditPage {
    pub events: Vec<AuditView>,
    /// Pass as `before_id` for the next page (absent on the last).
    pub next_before_id: Option<i64>,
}

/// The audit trail as JSON.
#[utoipa::path(get, path = "/api/v1/audit", tag = "audit", params(AuditParams),
    responses((status = 200, body = AuditPage), (status = 403, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, AppError> {
    let q = read(params)?;
    let limit = q
        .limit
        .unwrap_or(500)
        .clamp(1, crate::services::audit::MAX_LIMIT);
    let scope = caller.scope.clone();
    let events = state.db.run(move |conn| query(conn, &scope, &q)).await?;
    let next_before_id = (i64::try_from(events.len()).unwrap_or(i64::MAX) == limit)
        .then(|| events.last().map(|e| e.id))
        .flatten();
    Ok(HttpResponse::Ok().json(AuditPage {
        events,
        next_before_id,
    }))
}

/// The audit trail as a workbook (same filters).
#[utoipa::path(get, path = "/api/v1/audit.xlsx", tag = "audit", params(AuditParams),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 403, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn export(
    state: web::Data<AppState>,
    caller: Caller,
    params: web::Query<AuditParams>,
) -> Result<HttpResponse, AppError> {
    let q = read(params)?;
    let label = q
        .unit
        .clone()
        .unwrap_or_else(|| "toàn bộ phạm vi / all".into());
    let scope = caller.scope.clone();
    let bytes = state
        .db
        .run(move |conn| {
            let events = query(conn, &scope, &q)?;
            crate::reports::audit::build(&events, &label)
                .and_then(|mut w| w.save_to_buffer())
                .map_err(xlsx)
        })
        .await?;
    Ok(super::reports_api::download(bytes, "nhat-ky.xlsx"))
}
