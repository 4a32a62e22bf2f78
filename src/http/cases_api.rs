//! Cases: list, read (entitlement breakdown and history), and the review actions.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::{AppState, request_id};
use crate::auth::Caller;
use crate::db::case_events;
use crate::db::cases::{self, CaseFilter};
use crate::db::units;
use crate::domain::access::Role;
use crate::domain::case_state::{ActionKind, CaseAction, CaseState};
use crate::domain::entitlement::{ComponentOut, Decree67TopUpOut};
use crate::domain::ids::CaseId;
use crate::domain::payment_reference::PaymentReference;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::services::case_review::act;
use crate::services::flags::FlagFilter;

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
    #[param(max_length = 100)]
    pub text: Option<String>,
    #[validate(range(min = 1, max = 1_000_000))]
    #[param(minimum = 1, maximum = 1000000)]
    pub page: Option<i64>,
    #[validate(range(min = 1, max = 500))]
    #[param(minimum = 1, maximum = 500)]
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
                    units::find_in_scope(conn, &scope, &UnitCode::normalize(code))?
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
                ids: None,
            };
            Ok(cases::list(
                conn,
                &scope,
                &filter,
                per_page,
                (page - 1).saturating_mul(per_page),
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
    #[schema(value_type = i64)]
    pub id: CaseId,
    #[schema(value_type = String)]
    pub state: CaseState,
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
    pub outstanding_vnd: i64,
    /// The entitlement before the first accepted change (equal to `entitled_vnd` when none).
    pub original_vnd: i64,
    /// What accepted changes added (`entitled_vnd − original_vnd`; negative when lowered).
    pub supplementary_vnd: i64,
    /// The pinned entitlement: the engine's result when the case was computed.
    #[schema(value_type = Object)]
    pub entitlement: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub policy_versions: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub history: Vec<case_events::CaseEventRow>,
    pub payments: Vec<crate::db::payments::PaymentRow>,
    pub flags: Vec<crate::services::flags::FlagRow>,
}

impl CaseView {
    /// The component lines of the pinned result, typed. The API serves the pinned document as
    /// it was stored (it is the record of what was computed); pages read it through here.
    pub fn lines(&self) -> Vec<ComponentOut> {
        self.entitlement
            .get("components")
            .and_then(|c| serde_json::from_value(c.clone()).ok())
            .unwrap_or_default()
    }

    /// The Decree 67 top-up part of the pinned result, when it has one.
    pub fn decree_67_top_up(&self) -> Option<Decree67TopUpOut> {
        self.entitlement
            .get("decree_67_top_up")
            .and_then(|t| serde_json::from_value(t.clone()).ok())
    }

    /// The actions `role` may take on the case now: those the state machine accepts from its
    /// state ([`CaseState::available_actions`]) that the role holds the permission for, and a
    /// payment only while something is outstanding (a payment above the entitlement is
    /// refused anyway).
    pub fn actions(&self, role: Role) -> Vec<ActionKind> {
        self.state
            .available_actions()
            .into_iter()
            .filter(|a| role.can(a.permission()))
            .filter(|a| *a != ActionKind::RecordPayment || self.outstanding_vnd > 0)
            .collect()
    }
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
    id: web::Path<CaseId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let scope = caller.scope.clone();
    let policy = state.policy.clone();
    let view = state
        .db
        .run(move |conn| case_view(conn, &policy, &scope, id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// A case by its payment reference (as read off a transfer description); 404 when the
/// reference is malformed, unknown or of another unit's case.
#[utoipa::path(get, path = "/api/v1/cases/by-reference/{reference}", tag = "cases",
    params(("reference" = String, Path, description = "Payment reference, e.g. SP00001200047553")),
    responses((status = 200, body = CaseView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn by_reference(
    state: web::Data<AppState>,
    caller: Caller,
    reference: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let reference = PaymentReference::parse(reference.trim()).map_err(|_| AppError::NotFound)?;
    let scope = caller.scope.clone();
    let policy = state.policy.clone();
    let view = state
        .db
        .run(move |conn| {
            let id = cases::id_by_reference(conn, reference.as_str())?.ok_or(AppError::NotFound)?;
            case_view(conn, &policy, &scope, id)
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// Everything shown about one case, if it is within `scope`.
pub fn case_view(
    conn: &mut crate::db::DbConnection,
    policy: &crate::domain::policy::PolicySet,
    scope: &units::UnitScope,
    id: CaseId,
) -> Result<CaseView, AppError> {
    let (case, person, unit, documents) =
        cases::find_with_documents_in_scope(conn, scope, id)?.ok_or(AppError::NotFound)?;
    let history = case_events::events(conn, id)?;
    let payments = crate::db::payments::for_case(conn, id)?;
    let filter = FlagFilter {
        case_id: Some(id),
        ..FlagFilter::default()
    };
    let flags = crate::services::flags::list(conn, policy, scope, &filter, crate::db::today_vn())?;
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
        outstanding_vnd: (case.entitled_vnd - case.paid_vnd).max(0),
        original_vnd: case.original_entitled_vnd.unwrap_or(case.entitled_vnd),
        supplementary_vnd: case.entitled_vnd
            - case.original_entitled_vnd.unwrap_or(case.entitled_vnd),
        entitlement: crate::db::pinned::unpack(&documents.result_json)
            .ok()
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default(),
        policy_versions: serde_json::from_str(&documents.policy_versions).unwrap_or_default(),
        history,
        payments,
        flags,
    })
}

/// What a review action carries.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ActionRequest {
    /// The version the caller read (required: an action without it would act on whatever the
    /// case has become); a different current version is refused (409 `stale_version`).
    #[schema(minimum = 0, maximum = 2147483647)]
    #[serde(deserialize_with = "crate::http::json_body::whole::i32")]
    pub version: i32,
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
    id: CaseId,
    body: ActionRequest,
    req: HttpRequest,
    make: fn(&ActionRequest) -> CaseAction,
) -> Result<HttpResponse, AppError> {
    body.validate()?;
    let action = make(&body);
    let actor = request_id::actor(&caller, &req);
    let version = Some(body.version);
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
                              (status = 400, body = crate::error::ErrorEnvelope),
                              (status = 404, body = crate::error::ErrorEnvelope),
                              (status = 409, body = crate::error::ErrorEnvelope),
                              (status = 413, body = crate::error::ErrorEnvelope),
                              (status = 415, body = crate::error::ErrorEnvelope)),
                    security(("bearer" = [])))]
        pub async fn $name(
            state: web::Data<AppState>,
            caller: Caller,
            id: web::Path<CaseId>,
            body: web::Json<ActionRequest>,
            req: HttpRequest,
        ) -> Result<HttpResponse, AppError> {
            run_action(state, caller, id.into_inner(), body.into_inner(), req, $make).await
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

/// A selection of cases and the data of the action.
#[derive(Debug, Deserialize, Validate)]
#[serde(deny_unknown_fields)]
pub struct BulkRequest {
    /// The cases, by id; or
    #[validate(length(max = 10000))]
    #[serde(
        default,
        deserialize_with = "crate::http::json_body::whole::opt_vec_i64"
    )]
    pub ids: Option<Vec<i64>>,
    /// every case that passes these filters (same names as the case list).
    pub filter: Option<BulkFilter>,
    /// Why (required to return or cancel).
    #[validate(length(max = 2000))]
    pub reason: Option<String>,
    /// Where the money comes from (required to fund).
    #[validate(length(max = 500))]
    pub funding_source: Option<String>,
}

/// The schema says what the handler enforces: exactly one of `ids` and `filter`.
impl utoipa::PartialSchema for BulkRequest {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        let data = serde_json::json!({
            "reason": {"type": ["string", "null"], "maxLength": 2000,
                       "description": "Why (required to return or cancel)."},
            "funding_source": {"type": ["string", "null"], "maxLength": 500,
                               "description": "Where the money comes from (required to fund)."}
        });
        let selection = |required: &str, ids: serde_json::Value, filter: serde_json::Value| {
            let mut properties = data.clone();
            properties["ids"] = ids;
            properties["filter"] = filter;
            serde_json::json!({"type": "object", "required": [required],
                               "additionalProperties": false, "properties": properties})
        };
        let null = serde_json::json!({"type": "null"});
        crate::http::schema::json_schema(serde_json::json!({
            "description": "A selection of cases (a list of ids, or the filters of the case \
                            list; exactly one of the two) and the data of the action.",
            "oneOf": [
                selection("ids", serde_json::json!({
                    "type": "array", "maxItems": 10000, "description": "The cases, by id.",
                    "items": {"type": "integer", "format": "int64"}}), null.clone()),
                selection("filter", null, serde_json::json!({
                    "type": "object", "additionalProperties": false,
                    "description": "Every case that passes these filters (as the case list).",
                    "properties": {
                        "unit": {"type": ["string", "null"]},
                        "state": {"type": ["string", "null"]},
                        "scheme": {"type": ["string", "null"]},
                        "text": {"type": ["string", "null"]}}})),
            ]
        }))
    }
}

impl ToSchema for BulkRequest {}

/// The case-list filters a bulk action may select by.
#[derive(Debug, Deserialize, Clone, Default)]
#[serde(deny_unknown_fields)]
pub struct BulkFilter {
    pub unit: Option<String>,
    pub state: Option<String>,
    pub scheme: Option<String>,
    pub text: Option<String>,
}

/// Approves or funds a selection (a list of ids or a filter) in one request, all or nothing:
/// 200 with each case's result when every case accepts; otherwise 409 `bulk_refused` with
/// each case's result in `details`, and nothing changed.
#[utoipa::path(post, path = "/api/v1/cases/bulk/approve", tag = "cases",
    request_body = BulkRequest,
    responses((status = 200, body = crate::services::case_review::BulkOutcome),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn bulk_approve(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<BulkRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    bulk(state, caller, body.into_inner(), req, |_| {
        CaseAction::Approve
    })
    .await
}

/// Funds a selection (ids or a filter) with one funding source, all or nothing (as
/// `bulk/approve`).
#[utoipa::path(post, path = "/api/v1/cases/bulk/fund", tag = "cases",
    request_body = BulkRequest,
    responses((status = 200, body = crate::services::case_review::BulkOutcome),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn bulk_fund(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<BulkRequest>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    bulk(state, caller, body.into_inner(), req, |b| {
        CaseAction::Fund {
            funding_source: b.funding_source.clone().unwrap_or_default(),
        }
    })
    .await
}

async fn bulk(
    state: web::Data<AppState>,
    caller: Caller,
    body: BulkRequest,
    req: HttpRequest,
    make: fn(&BulkRequest) -> CaseAction,
) -> Result<HttpResponse, AppError> {
    body.validate()?;
    let action = make(&body);
    let actor = request_id::actor(&caller, &req);
    let outcome = state
        .db
        .run(move |conn| {
            let ids = match (body.ids, body.filter) {
                (Some(ids), None) => ids.into_iter().map(CaseId).collect(),
                (None, Some(f)) => {
                    let unit_path = match &f.unit {
                        Some(code) => Some(
                            units::find_in_scope(
                                conn,
                                &actor.scope,
                                &UnitCode::normalize(code),
                            )?
                            .ok_or(AppError::NotFound)?
                            .path,
                        ),
                        None => None,
                    };
                    let filter = CaseFilter {
                        unit_path,
                        state: f.state,
                        scheme: f.scheme,
                        text: f.text,
                        ids: None,
                    };
                    cases::ids(conn, &actor.scope, &filter)?
                }
                _ => {
                    return Err(AppError::bad_request(
                        "selection_required",
                        "Chọn hồ sơ bằng danh sách id (ids) hoặc bộ lọc (filter), không dùng cả hai",
                        "Select cases by ids or by filter (not both)",
                    ));
                }
            };
            crate::services::case_review::act_bulk(conn, &actor, &ids, &action)
        })
        .await?;
    if outcome.applied {
        Ok(HttpResponse::Ok().json(outcome))
    } else {
        Err(AppError::Refused {
            code: "bulk_refused",
            message_vi: format!(
                "{} trong {} hồ sơ không thực hiện được; không hồ sơ nào bị thay đổi",
                outcome.refused, outcome.count
            ),
            message_en: format!(
                "{} of {} cases refused the action; no case was changed",
                outcome.refused, outcome.count
            ),
            details: serde_json::to_value(&outcome).unwrap_or_default(),
        })
    }
}

/// Issues a new lookup code for the person's status page (shown once; the previous code stops
/// working; recorded in the history without the code).
#[utoipa::path(post, path = "/api/v1/cases/{id}/lookup-code", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 201, description = "`{\"code\": \"ABCD-EFGH-JKLM\"}`"),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn lookup_code(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let actor = request_id::actor(&caller, &req);
    let keys = state.keys.clone();
    let id = id.into_inner();
    let code = state
        .db
        .run(move |conn| crate::services::case_review::issue_lookup_code(conn, &keys, &actor, id))
        .await?;
    Ok(HttpResponse::Created()
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .json(serde_json::json!({ "case_id": id, "code": code })))
}
