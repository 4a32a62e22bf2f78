//! Organisation units: list, read, and the State Treasury payment account.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{AppState, request_id};
use crate::auth::Caller;
use crate::db::units::{self, UnitFilter, UnitRow};
use crate::domain::ids::UnitId;
use crate::domain::unit::UnitCode;
use crate::domain::unit::UnitKind;
use crate::error::AppError;

/// A unit as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitView {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: String,
    pub parent_code: Option<String>,
    pub depth: i32,
    pub merged_into_code: Option<String>,
    pub treasury_account: TreasuryAccountView,
}

/// A unit's State Treasury payment account.
#[derive(Debug, Serialize, ToSchema)]
pub struct TreasuryAccountView {
    /// `open` or `missing`.
    pub state: &'static str,
    pub account_no: Option<String>,
    pub opened_on: Option<NaiveDate>,
}

impl UnitView {
    fn from_row(
        row: UnitRow,
        parent_code: Option<String>,
        merged_into_code: Option<String>,
    ) -> Self {
        UnitView {
            treasury_account: TreasuryAccountView {
                state: if row.treasury_account_no.is_some() {
                    "open"
                } else {
                    "missing"
                },
                account_no: row.treasury_account_no,
                opened_on: row.treasury_account_opened_on,
            },
            code: row.code,
            name_vi: row.name_vi,
            name_en: row.name_en,
            kind: row.kind.as_str().to_owned(),
            parent_code,
            depth: row.depth,
            merged_into_code,
        }
    }
}

/// A page of units.
#[derive(Debug, Serialize, ToSchema)]
pub struct UnitPage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    pub items: Vec<UnitView>,
}

/// Filters and paging for the unit list.
#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct UnitQuery {
    /// Only direct children of this unit.
    pub parent: Option<String>,
    /// Only units of this kind.
    #[param(value_type = Option<crate::domain::unit::UnitKind>)]
    pub kind: Option<String>,
    /// Only units without a Treasury account.
    pub without_treasury_account: Option<bool>,
    #[validate(range(min = 1, max = 1_000_000))]
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[validate(range(min = 1, max = 1000))]
    #[param(minimum = 1, maximum = 1000)]
    pub per_page: Option<i64>,
}

fn codes_of(
    conn: &mut crate::db::DbConnection,
    rows: Vec<UnitRow>,
) -> Result<Vec<UnitView>, AppError> {
    let mut ids: Vec<UnitId> = rows
        .iter()
        .flat_map(|r| r.parent_id.into_iter().chain(r.merged_into_id))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    let codes = units::codes_by_ids(conn, &ids)?;
    let code = |id: Option<UnitId>| {
        id.and_then(|id| codes.iter().find(|(i, _)| *i == id).map(|(_, c)| c.clone()))
    };
    Ok(rows
        .into_iter()
        .map(|r| {
            let parent = code(r.parent_id);
            let merged = code(r.merged_into_id);
            UnitView::from_row(r, parent, merged)
        })
        .collect())
}

/// Units the caller may see, in tree order, with their Treasury account state.
#[utoipa::path(get, path = "/api/v1/units", tag = "units", params(UnitQuery),
    responses((status = 200, body = UnitPage), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UnitQuery>,
) -> Result<HttpResponse, AppError> {
    let query = query.into_inner();
    query.validate()?;
    let kind = match &query.kind {
        Some(k) => Some(UnitKind::parse(k).ok_or_else(|| {
            AppError::bad_request(
                "invalid_kind",
                format!("Loại đơn vị '{k}' không hợp lệ."),
                format!("Unknown unit kind '{k}'."),
            )
        })?),
        None => None,
    };
    let filter = UnitFilter {
        parent_code: query.parent.clone(),
        kind,
        without_treasury_account: query.without_treasury_account.unwrap_or(false),
    };
    let page = query.page.unwrap_or(1);
    let per_page = query.per_page.unwrap_or(100);
    let scope = caller.scope.clone();
    let (items, total) = state
        .db
        .run(move |conn| {
            let (rows, total) = units::list(
                conn,
                &scope,
                &filter,
                per_page,
                (page - 1).saturating_mul(per_page),
            )?;
            Ok((codes_of(conn, rows)?, total))
        })
        .await?;
    Ok(HttpResponse::Ok().json(UnitPage {
        total,
        page,
        per_page,
        items,
    }))
}

/// One unit, if the caller may see it (another unit answers 404).
#[utoipa::path(get, path = "/api/v1/units/{code}", tag = "units",
    params(("code" = String, Path, description = "Unit code")),
    responses((status = 200, body = UnitView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let code = UnitCode::normalize(&code.into_inner());
    let scope = caller.scope.clone();
    let view = state
        .db
        .run(move |conn| {
            let row = units::find_in_scope(conn, &scope, &code)?.ok_or(AppError::NotFound)?;
            codes_of(conn, vec![row])?.pop().ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A State Treasury payment account (or `null` to record that it is missing).
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct TreasuryAccountRequest {
    /// Account number: digits, dots and dashes, 5 to 40 characters.
    #[validate(length(min = 5, max = 40), custom(function = "validate_account_no"))]
    pub account_no: Option<String>,
    /// When the account was opened (not in the future).
    pub opened_on: Option<NaiveDate>,
}

/// The schema says what the handler enforces: an opening date only with an account number.
impl utoipa::PartialSchema for TreasuryAccountRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::http::schema::json_schema(serde_json::json!({
            "description": "A State Treasury payment account, or `{\"account_no\": null}` (or `{}`) \
                            to record that it is missing.",
            "oneOf": [
                {"type": "object", "required": ["account_no"], "additionalProperties": false,
                 "properties": {
                    "account_no": {"type": "string", "minLength": 5, "maxLength": 40,
                                   "pattern": "^[0-9.-]+$",
                                   "description": "Account number: digits, dots and dashes."},
                    "opened_on": {"type": ["string", "null"], "format": "date",
                                  "description": "When it was opened (not in the future)."}}},
                {"type": "object", "additionalProperties": false,
                 "properties": {"account_no": {"type": "null"}, "opened_on": {"type": "null"}}}
            ]
        }))
    }
}

impl utoipa::ToSchema for TreasuryAccountRequest {}

fn validate_account_no(value: &str) -> Result<(), validator::ValidationError> {
    if value
        .bytes()
        .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
    {
        Ok(())
    } else {
        Err(validator::ValidationError::new("account_no_format")
            .with_message("Số tài khoản chỉ gồm chữ số, dấu chấm và gạch nối.".into()))
    }
}

/// Records a unit's State Treasury payment account (payment officers).
#[utoipa::path(put, path = "/api/v1/units/{code}/treasury-account", tag = "units",
    params(("code" = String, Path, description = "Unit code")),
    request_body = TreasuryAccountRequest,
    responses((status = 200, body = UnitView), (status = 404, body = crate::error::ErrorEnvelope),
              (status = 422, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn set_treasury_account(
    state: web::Data<AppState>,
    caller: Caller,
    code: web::Path<String>,
    body: web::Json<TreasuryAccountRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let actor = request_id::actor(&caller, &req);
    let code = code.into_inner();
    let view = state
        .db
        .run(move |conn| {
            let after = crate::services::treasury_accounts::set(
                conn,
                &actor,
                &code,
                body.account_no.as_deref(),
                body.opened_on,
                crate::db::today_vn(),
            )?;
            codes_of(conn, vec![after])?.pop().ok_or(AppError::NotFound)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// When a merge takes effect (`{}` for today).
#[derive(Debug, Deserialize, Validate, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct MergeRequest {
    /// Effective date (default today); not in the future.
    pub merged_on: Option<chrono::NaiveDate>,
}

/// Merges a unit into its successor: cases, statement lines and units below move with their
/// history; the merged unit remains, marked merged (administrators).
#[utoipa::path(post, path = "/api/v1/units/{code}/merge-into/{successor}", tag = "units",
    params(("code" = String, Path, description = "The unit merged"),
           ("successor" = String, Path, description = "The unit it is merged into")),
    request_body = MergeRequest,
    responses((status = 200, body = crate::services::unit_merge::MergeOutcome),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn merge_into(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(String, String)>,
    body: web::Json<MergeRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (code, successor) = path.into_inner();
    let body = body.into_inner();
    let today = crate::db::today_vn();
    let on = body.merged_on.unwrap_or(today);
    if on > today {
        return Err(AppError::conflict(
            "date_in_future",
            "Ngày hợp nhất không được ở tương lai.",
            "The merge date cannot be in the future.",
        ));
    }
    let actor = request_id::actor(&caller, &req);
    let outcome = state
        .db
        .run(move |conn| crate::services::unit_merge::merge(conn, &actor, &code, &successor, on))
        .await?;
    Ok(HttpResponse::Ok().json(outcome))
}
