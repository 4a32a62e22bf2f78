//! Changed entitlements: the proposed figures a recomputation left on approved cases, and the
//! reviewer's acceptance of them (one case or a selection, all or nothing).

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppState, request_id};
use crate::auth::Caller;
use crate::db::today_vn;
use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::services::accept_change::{self, Acceptance};

/// Every case within the caller's units with a proposed entitlement waiting for a reviewer.
#[utoipa::path(get, path = "/api/v1/changes", tag = "cases",
    responses((status = 200, body = Vec<crate::services::accept_change::PendingChange>),
              (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn pending(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let actor = request_id::actor(&caller, &req);
    let rows = state
        .db
        .run(move |conn| accept_change::pending(conn, &actor))
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// What accepting one case's proposed figure carries.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptRequest {
    /// The version the reviewer read (409 `stale_version` when it moved on).
    #[schema(minimum = 0, maximum = 2147483647)]
    #[serde(deserialize_with = "crate::http::json_body::whole::i32")]
    pub version: i32,
    /// Why the new figure is right.
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
    /// The legal basis of the change, e.g. "Nghị định 67/2025/NĐ-CP Điều 2".
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub legal_basis: String,
}

/// Accepts the proposed entitlement of one approved (or later) case: the figure becomes the
/// case's entitlement; a paid case owes the difference (or shows `overpaid`).
#[utoipa::path(post, path = "/api/v1/cases/{id}/accept-change", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    request_body = AcceptRequest,
    responses((status = 200, body = crate::services::accept_change::AcceptOutcome),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn accept_one(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    body: web::Json<AcceptRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let id = id.into_inner();
    run(
        state,
        caller,
        req,
        vec![(id, Some(body.version))],
        Acceptance {
            reason: body.reason,
            legal_basis: body.legal_basis,
        },
    )
    .await
}

/// One selected case and the version the reviewer read.
#[derive(Debug, Deserialize, serde::Serialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Selected {
    #[serde(deserialize_with = "crate::http::json_body::whole::i64")]
    pub id: i64,
    #[schema(minimum = 0, maximum = 2147483647)]
    #[serde(deserialize_with = "crate::http::json_body::whole::i32")]
    pub version: i32,
}

/// A selection of cases and the acceptance's reason and legal basis.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BulkAcceptRequest {
    /// The cases with the versions read (at most 10,000).
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_items = 1, max_items = 10000)]
    pub cases: Vec<Selected>,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub reason: String,
    #[validate(length(min = 1, max = 2000))]
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub legal_basis: String,
}

/// Accepts the proposed entitlements of a selection, all or nothing: 200 with each case's
/// result; otherwise 409 `bulk_refused` with each case's result in `details`, nothing changed.
#[utoipa::path(post, path = "/api/v1/cases/bulk/accept-change", tag = "cases",
    request_body = BulkAcceptRequest,
    responses((status = 200, body = crate::services::accept_change::AcceptOutcome),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn accept_bulk(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<BulkAcceptRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let selection = body
        .cases
        .iter()
        .map(|c| (CaseId(c.id), Some(c.version)))
        .collect();
    run(
        state,
        caller,
        req,
        selection,
        Acceptance {
            reason: body.reason,
            legal_basis: body.legal_basis,
        },
    )
    .await
}

async fn run(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
    selection: Vec<(CaseId, Option<i32>)>,
    acceptance: Acceptance,
) -> Result<HttpResponse, AppError> {
    let actor = request_id::actor(&caller, &req);
    let policy = state.policy.clone();
    let outcome = state
        .db
        .run(move |conn| {
            accept_change::accept(conn, &policy, &actor, &selection, &acceptance, today_vn())
        })
        .await?;
    Ok(HttpResponse::Ok().json(outcome))
}
