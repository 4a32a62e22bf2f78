//! Cases: list, read (entitlement breakdown and history), and the review actions.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{AppState, request_id};
use crate::auth::Caller;
use crate::db::cases::{self, CaseFilter};
use crate::db::units;
use crate::domain::case_state::CaseAction;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::case_review::act;

/// Filters and paging of the case list.
#[derive(Debug, Deserialize, IntoParams, Validate)]
#[serde(deny_unknown_fields)]
pub struct CaseQuery {
    /// Only this unit and the units below it.
    pub unit: Option<String>,
    pub state: Option<String>,
    pub scheme: Option<String>,
    /// A national id, or part of a name or payment reference.
    #[validate(length(max = 100))]
    pub text: Option<String>,
    #[validate(range(min = 1))]
    pub page: Option<i64>,
    #[validate(range(min = 1, max = 500))]
    pub per_page: Option<i64>,
}

/// A page of cases.
#[derive(Debug, Serialize, ToSchema)]
pub struct CasePage {
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<cases::CaseListRow>,
}

/// Cases within the caller's units, newest first.
#[utoipa::path(get, path = "/api/v1/cases", tag = "cases", params(CaseQuery),
    responses((status = 200, body = CasePage), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<CaseQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    q.validate()?;
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    let scope = caller.scope.clone();
    let (items, total) = state
        .db
        .run(move |conn| {
            let unit_path = match &q.unit {
                Some(code) => Some(
                    units::find_in_scope(conn, &scope, &code.trim().to_ascii_uppercase())?
                        .ok_or(AppError::NotFound)?
                        .path,
                ),
                None => None,
            };
            let filter = CaseFilter {
                unit_path,
                state: q.state,
                scheme: q.scheme,
                text: q.text,
            };
            Ok(cases::list(
                conn,
                &scope,
                &filter,
                per_page,
                (page - 1) * per_page,
            )?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(CasePage {
        total,
        page,
        per_page,
        items,
    }))
}

/// A case as the API shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct CaseView {
    pub id: i64,
    pub state: String,
    pub version: i32,
    pub unit_code: String,
    pub unit_name: String,
    pub full_name: String,
    pub national_id: String,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub payment_reference: String,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    /// The pinned entitlement: the engine's result when the case was computed.
    #[schema(value_type = Object)]
    pub entitlement: serde_json::Value,
    #[schema(value_type = Object)]
    pub policy_versions: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<cases::CaseEventRow>,
}

/// One case with its entitlement breakdown (each line with its legal basis) and history.
/// Another unit's case answers 404.
#[utoipa::path(get, path = "/api/v1/cases/{id}", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = CaseView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let scope = caller.scope.clone();
    let view = state
        .db
        .run(move |conn| {
            let (case, person, unit) =
                cases::find_in_scope(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            let history = cases::events(conn, id)?;
            Ok(CaseView {
                id: case.id,
                state: case.state,
                version: case.version,
                unit_code: unit.code,
                unit_name: unit.name_vi,
                full_name: person.full_name,
                national_id: person.national_id,
                bank_account: person.bank_account,
                bank_name: person.bank_name,
                payment_reference: case.payment_reference,
                entitled_vnd: case.entitled_vnd,
                paid_vnd: case.paid_vnd,
                entitlement: serde_json::from_str(&case.result_json).unwrap_or_default(),
                policy_versions: serde_json::from_str(&case.policy_versions).unwrap_or_default(),
                history,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// What a review action carries.
#[derive(Debug, Deserialize, Validate, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// The version the caller read; a different current version is refused (409
    /// `stale_version`).
    pub version: Option<i32>,
    /// Why (required to return or cancel).
    #[validate(length(max = 2000))]
    pub reason: Option<String>,
    /// Where the money comes from (required to fund).
    #[validate(length(max = 500))]
    pub funding_source: Option<String>,
}

async fn run_action(
    state: web::Data<AppState>,
    caller: Caller,
    id: i64,
    body: ActionRequest,
    req: HttpRequest,
    make: fn(&ActionRequest) -> CaseAction,
) -> Result<HttpResponse, AppError> {
    body.validate()?;
    let action = make(&body);
    let actor = Actor {
        user_id: Some(caller.user_id.0),
        label: caller.username.clone(),
        scope: caller.scope.clone(),
        request_id: request_id::of(&req),
    };
    let version = body.version;
    let case = state
        .db
        .run(move |conn| act(conn, &actor, id, version, action))
        .await?;
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "id": case.id, "state": case.state, "version": case.version
    })))
}

macro_rules! action_endpoint {
    ($name:ident, $path:literal, $doc:literal, $make:expr) => {
        #[doc = $doc]
        #[utoipa::path(post, path = $path, tag = "cases",
                    params(("id" = i64, Path, description = "Case id")),
                    request_body = ActionRequest,
                    responses((status = 200, description = "the case's new state and version"),
                              (status = 404, body = crate::error::ErrorEnvelope),
                              (status = 409, body = crate::error::ErrorEnvelope)),
                    security(("bearer" = [])))]
        pub async fn $name(
            state: web::Data<AppState>,
            caller: Caller,
            id: web::Path<i64>,
            body: Option<web::Json<ActionRequest>>,
            req: HttpRequest,
        ) -> Result<HttpResponse, AppError> {
            let body = body.map(web::Json::into_inner).unwrap_or_default();
            run_action(state, caller, id.into_inner(), body, req, $make).await
        }
    };
}

action_endpoint!(
    approve,
    "/api/v1/cases/{id}/approve",
    "Approves a submitted case (reviewers; not the roster's submitter).",
    |_| CaseAction::Approve
);
action_endpoint!(
    return_case,
    "/api/v1/cases/{id}/return",
    "Returns a case to its agency with a reason (reviewers).",
    |b| CaseAction::Return {
        reason: b.reason.clone().unwrap_or_default()
    }
);
action_endpoint!(
    fund,
    "/api/v1/cases/{id}/fund",
    "Records the funding source of an approved case, making it payable (payment officers).",
    |b| CaseAction::Fund {
        funding_source: b.funding_source.clone().unwrap_or_default()
    }
);
action_endpoint!(
    cancel,
    "/api/v1/cases/{id}/cancel",
    "Cancels a case before it is paid, with a reason (decision revoked, person deceased, ...).",
    |b| CaseAction::Cancel {
        reason: b.reason.clone().unwrap_or_default()
    }
);
