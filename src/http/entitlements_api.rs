//! `POST /api/v1/entitlements/calc`: the same computation as `staffpay calc`, over HTTP.

use actix_web::{HttpResponse, web};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{AppState, schema};
use crate::auth::Caller;
use crate::domain::entitlement::{CalcInput, CalcOutput, calculate};
use crate::error::AppError;

type Schema = utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>;

/// Most inputs in one request.
pub const MAX_BATCH: usize = 1000;

/// One input, or an array of inputs.
#[derive(Debug)]
pub enum CalcRequest {
    One(Box<CalcInput>),
    Many(Vec<CalcInput>),
}

/// An object is one input, an array several; read in one pass, so that a refusal names the
/// line and column of the bad value (an untagged enum would lose them).
impl<'de> Deserialize<'de> for CalcRequest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor, value::MapAccessDeserializer};
        struct Either;
        impl<'de> Visitor<'de> for Either {
            type Value = CalcRequest;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an input object or an array of input objects")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<CalcRequest, A::Error> {
                CalcInput::deserialize(MapAccessDeserializer::new(map))
                    .map(|one| CalcRequest::One(Box::new(one)))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<CalcRequest, A::Error> {
                let mut many = Vec::new();
                while let Some(one) = seq.next_element()? {
                    many.push(one);
                }
                Ok(CalcRequest::Many(many))
            }
        }
        d.deserialize_any(Either)
    }
}

impl utoipa::PartialSchema for CalcRequest {
    fn schema() -> Schema {
        schema::one_or_many::<CalcInput>("One input, or an array of inputs.")
    }
}

impl ToSchema for CalcRequest {
    fn schemas(schemas: &mut Vec<(String, Schema)>) {
        schema::with_schema::<CalcInput>(schemas);
    }
}

/// What the computation answers: one result for one input, an array of results (in the
/// inputs' order) for an array.
pub struct CalcResponse;

impl utoipa::PartialSchema for CalcResponse {
    fn schema() -> Schema {
        schema::one_or_many::<CalcOutput>("One result line, or an array of them.")
    }
}

impl ToSchema for CalcResponse {
    fn schemas(schemas: &mut Vec<(String, Schema)>) {
        schema::with_schema::<CalcOutput>(schemas);
    }
}

/// Computes entitlements: one object in, one result out; an array in, an array out (in order).
/// Refusals are results (`"ok": false`), not HTTP errors.
#[utoipa::path(post, path = "/api/v1/entitlements/calc", tag = "entitlements",
    request_body = CalcRequest,
    responses((status = 200, body = CalcResponse, description = "one result, or an array of results"),
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
