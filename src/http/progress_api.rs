//! `GET /api/v1/progress`: progress within the caller's units.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::IntoParams;

use super::AppState;
use crate::auth::Caller;
use crate::error::AppError;
use crate::services::progress::{GroupBy, Progress, progress};

/// Grouping of the progress report.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ProgressQuery {
    /// `top` (default: ministries and provinces), `ministry`, `province` or `unit`.
    pub group_by: Option<GroupBy>,
}

/// People decided / approved / paid and money entitled / paid, by group and in total, within
/// the caller's units.
#[utoipa::path(get, path = "/api/v1/progress", tag = "progress", params(ProgressQuery),
    responses((status = 200, body = Progress), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<ProgressQuery>,
) -> Result<HttpResponse, AppError> {
    let group_by = query.group_by.unwrap_or(GroupBy::Top);
    let scope = caller.scope.clone();
    let today = crate::db::today_vn();
    let policy = state.policy.clone();
    let report = state
        .db
        .run(move |conn| Ok(progress(conn, &policy, &scope, group_by, today)?))
        .await?;
    Ok(HttpResponse::Ok().json(report))
}
