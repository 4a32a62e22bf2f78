//! `GET /api/v1/flags`: every open flag within the caller's units.

use actix_web::{HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use crate::auth::Caller;
use crate::db::units;
use crate::domain::flags::FlagKind;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::services::flags::{self, FlagFilter, FlagRow};

/// Filters of the flag list.
#[derive(Debug, Deserialize, IntoParams, validator::Validate)]
#[serde(deny_unknown_fields)]
pub struct FlagQuery {
    /// One kind: overdue, unit_account_missing, person_account_missing, overpaid,
    /// amount_mismatch, duplicate_payment, unmatched_statement_line, entitlement_changed,
    /// disputed.
    #[param(value_type = Option<FlagKind>)]
    pub kind: Option<String>,
    /// Only this unit and the units below it.
    pub unit: Option<String>,
    /// At most this many flags (default 1,000; the counts cover all).
    #[validate(range(max = 100_000))]
    #[param(minimum = 0, maximum = 100000)]
    pub limit: Option<usize>,
}

/// Open flags: counts by kind over all, and the flags themselves (oldest first per kind).
#[derive(Debug, Serialize, ToSchema)]
pub struct FlagList {
    pub as_of: chrono::NaiveDate,
    pub total: usize,
    /// Kind → count.
    #[schema(value_type = Object)]
    pub counts: serde_json::Map<String, serde_json::Value>,
    pub flags: Vec<FlagRow>,
}

/// Parses a flag kind named in a query.
pub fn parse_kind(text: &str) -> Result<FlagKind, AppError> {
    FlagKind::parse(text).ok_or_else(|| {
        AppError::bad_request(
            "unknown_flag",
            format!("Không có loại cảnh báo '{text}'"),
            format!(
                "Unknown flag '{text}': {}",
                FlagKind::ALL.map(FlagKind::as_str).join(", ")
            ),
        )
    })
}

/// Every open flag within the caller's units, each with its unit, age and what to do.
#[utoipa::path(get, path = "/api/v1/flags", tag = "flags", params(FlagQuery),
    responses((status = 200, body = FlagList), (status = 400, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<FlagQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    validator::Validate::validate(&q)?;
    let kind = q.kind.as_deref().map(parse_kind).transpose()?;
    let limit = q.limit.unwrap_or(1000).min(100_000);
    let scope = caller.scope.clone();
    let policy = state.policy.clone();
    let today = crate::db::today_vn();
    let all = state
        .db
        .run(move |conn| {
            let unit_path = match &q.unit {
                Some(code) => Some(
                    units::find_in_scope(conn, &scope, &UnitCode::normalize(code))?
                        .ok_or(AppError::NotFound)?
                        .path,
                ),
                None => None,
            };
            let filter = FlagFilter {
                kind,
                unit_path,
                case_id: None,
            };
            Ok(flags::list(conn, &policy, &scope, &filter, today)?)
        })
        .await?;
    let counts = flags::counts(&all)
        .into_iter()
        .map(|(k, n)| (k.as_str().to_owned(), serde_json::Value::from(n)))
        .collect();
    let total = all.len();
    let mut all = all;
    all.truncate(limit);
    Ok(HttpResponse::Ok().json(FlagList {
        as_of: today,
        total,
        counts,
        flags: all,
    }))
}
