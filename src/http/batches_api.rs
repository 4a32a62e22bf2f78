//! Payment batches (issue 18): create one from a unit's funded cases, list them, show one,
//! and print its Treasury form (Mẫu số 09) as a workbook or a PDF.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::{IntoParams, ToSchema};
use validator::Validate;

use super::reports_api::{download, download_pdf, record_download};
use super::{AppState, request_id};
use crate::auth::Caller;
use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::reports::{mau09, official, pdf};
use crate::services::batches::{self, BatchSummary, BatchView, NewBatchRequest};
use crate::xlsx::sheet::xlsx;

/// What the officer asks for.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    /// The paying unit's code; its cases and those of the units below it are batched.
    #[validate(length(min = 1, max = 50))]
    #[schema(min_length = 1, max_length = 50)]
    pub unit: String,
    /// The batch's date (`YYYY-MM-DD`, default today; not after today).
    pub batch_date: Option<NaiveDate>,
    /// The number of the withdrawal or payment order it goes with (`12/GRDT`).
    #[validate(length(max = 200))]
    #[schema(max_length = 200)]
    pub order_ref: Option<String>,
    /// Only these cases (default: every funded case with money due and in no open batch).
    #[serde(
        default,
        deserialize_with = "crate::http::json_body::whole::opt_vec_i64"
    )]
    #[validate(length(min = 1, max = 10000))]
    #[schema(min_items = 1, max_items = 10000)]
    pub case_ids: Option<Vec<i64>>,
}

/// Query of the batch list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct BatchListQuery {
    /// A unit's code: its batches and those of the units below it (default: every unit the
    /// caller sees).
    pub unit: Option<String>,
}

/// Creates a batch: the unit's funded cases with money due that are in no open batch (or the
/// ones named), numbered next for the unit.
#[utoipa::path(post, path = "/api/v1/payment-batches", tag = "payments",
    request_body = BatchBody,
    responses((status = 201, body = BatchView),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn create(
    state: web::Data<AppState>,
    caller: Caller,
    body: web::Json<BatchBody>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let actor = request_id::actor(&caller, &req);
    let request = NewBatchRequest {
        unit: body.unit,
        batch_date: body.batch_date,
        order_ref: body.order_ref,
        case_ids: body
            .case_ids
            .map(|ids| ids.into_iter().map(CaseId).collect()),
    };
    let view = state
        .db
        .run(move |conn| batches::create(conn, &actor, &request, crate::db::today_vn()))
        .await?;
    Ok(HttpResponse::Created().json(view))
}

/// How many batches the list returns at most.
const LIST_LIMIT: i64 = 1000;

/// The batches of a unit, newest first (at most 1,000).
#[utoipa::path(get, path = "/api/v1/payment-batches", tag = "payments",
    params(BatchListQuery),
    responses((status = 200, body = Vec<BatchSummary>),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<BatchListQuery>,
) -> Result<HttpResponse, AppError> {
    let unit = query.into_inner().unit;
    let scope = caller.scope.clone();
    let rows = state
        .db
        .run(move |conn| batches::list(conn, &scope, unit.as_deref(), LIST_LIMIT))
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// One batch with its lines.
#[utoipa::path(get, path = "/api/v1/payment-batches/{id}", tag = "payments",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, body = BatchView),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn show(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let scope = caller.scope.clone();
    let view = state
        .db
        .run(move |conn| batches::view(conn, &scope, id))
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

/// The batch's Treasury form as a workbook (three copies, one sheet each).
#[utoipa::path(get, path = "/api/v1/payment-batches/{id}/mau-09.xlsx", tag = "reports",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn form_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (bytes, name) = form(&state, &caller, id.into_inner(), &req, "xlsx").await?;
    Ok(download(bytes, &name))
}

/// The batch's Treasury form as a PDF (A4 landscape, three copies), for signing; 503 where
/// LibreOffice is not installed.
#[utoipa::path(get, path = "/api/v1/payment-batches/{id}/mau-09.pdf", tag = "reports",
    params(("id" = i64, Path, description = "Batch id")),
    responses((status = 200, content_type = "application/pdf"),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 503, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn form_pdf(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    if !pdf::available() {
        return Err(pdf::unavailable());
    }
    let (bytes, name) = form(&state, &caller, id.into_inner(), &req, "pdf").await?;
    let pdf = web::block(move || pdf::from_xlsx(&bytes))
        .await
        .map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))??;
    Ok(download_pdf(pdf, &name))
}

async fn form(
    state: &web::Data<AppState>,
    caller: &Caller,
    id: i64,
    req: &HttpRequest,
    ext: &'static str,
) -> Result<(Vec<u8>, String), AppError> {
    let actor = request_id::actor(caller, req);
    let scope = caller.scope.clone();
    state
        .db
        .run(move |conn| {
            let batch = batches::load(conn, &scope, id)?;
            let issuer = official::issuer_of_unit(conn, &batch.unit)?;
            let mut workbook = mau09::build(&batch, &issuer).map_err(xlsx)?;
            let bytes = workbook.save_to_buffer().map_err(xlsx)?;
            record_download(
                conn,
                &actor,
                "report.mau_09",
                Some(batch.unit.id),
                None,
                serde_json::json!({ "batch": id, "number": batch.batch.number, "format": ext }),
            )?;
            Ok((
                bytes,
                mau09::file_name(&batch.unit.code, batch.batch.number, ext),
            ))
        })
        .await
}
