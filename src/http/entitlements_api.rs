//! `POST /api/v1/entitlements/calc`: the same computation as `staffpay calc`, over HTTP.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::AppState;
use crate::auth::Caller;
use crate::domain::entitlement::{CalcInput, CalcOutput, calculate};
use crate::error::AppError;

/// Most inputs in one request.
pub const MAX_BATCH: usize = 1000;

/// One input, or an array of inputs.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum CalcRequest {
    One(Box<CalcInput>),
    Many(Vec<CalcInput>),
}

/// Computes entitlements: one object in, one result out; an array in, an array out (in order).
/// Refusals are results (`"ok": false`), not HTTP errors.
#[utoipa::path(post, path = "/api/v1/entitlements/calc", tag = "entitlements",
    request_body = CalcRequest,
    responses((status = 200, body = CalcOutput, description = "one result, or an array of results"),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn calc(
    state: web::Data<AppState>,
    _caller: Caller,
    body: web::Json<CalcRequest>,
) -> Result<HttpResponse, AppError> {
    let policy = state.policy.clone();
    match body.into_inner() {
        CalcRequest::One(input) => Ok(HttpResponse::Ok().json(calculate(&policy, &input))),
        CalcRequest::Many(inputs) => {
            if inputs.len() > MAX_BATCH {
                return Err(AppError::bad_request(
                    "batch_too_large",
                    format!("Tối đa {MAX_BATCH} hồ sơ mỗi yêu cầu."),
                    format!("At most {MAX_BATCH} inputs per request."),
                ));
            }
            // Cliff warnings recompute several times per input: off the async workers.
            let outputs = tokio::task::spawn_blocking(move || {
                inputs
                    .iter()
                    .map(|input| calculate(&policy, input))
                    .collect::<Vec<CalcOutput>>()
            })
            .await
            .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
            Ok(HttpResponse::Ok().json(outputs))
        }
    }
}
