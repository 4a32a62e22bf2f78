//! Request ids and the per-request tracing span.
//!
//! Every request gets a random id (tracing-actix-web generates it), carried on every log line
//! of the request through the root span and returned in the `x-request-id` header. The span
//! records the route pattern (`/api/v1/cases/{id}`), never the raw path or query string, which
//! may carry personal data.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing::Span;
use tracing_actix_web::{RequestId, RootSpanBuilder};

/// Response header carrying the request id.
pub const HEADER: &str = "x-request-id";

/// Builds the root span of each request.
pub struct StaffpayRootSpan;

impl RootSpanBuilder for StaffpayRootSpan {
    fn on_request_start(request: &ServiceRequest) -> Span {
        let request_id = request
            .extensions()
            .get::<RequestId>()
            .map(ToString::to_string)
            .unwrap_or_default();
        tracing::info_span!(
            "request",
            request_id = %request_id,
            method = %request.method(),
            route = tracing::field::Empty,
            status = tracing::field::Empty,
        )
    }

    fn on_request_end<B: MessageBody>(span: Span, outcome: &Result<ServiceResponse<B>, Error>) {
        match outcome {
            Ok(response) => {
                let route = response
                    .request()
                    .match_pattern()
                    .unwrap_or_else(|| "unmatched".to_string());
                let status = response.status().as_u16();
                span.record("route", route.as_str());
                span.record("status", status);
                span.in_scope(|| {
                    if response.status().is_server_error() {
                        tracing::error!(status, "request failed");
                    } else {
                        tracing::info!(status, "request finished");
                    }
                });
            }
            Err(error) => {
                span.in_scope(|| tracing::error!(error = %error, "request failed"));
            }
        }
    }
}

/// The request id of a request, if the tracing middleware assigned one.
pub fn of(request: &actix_web::HttpRequest) -> Option<String> {
    request
        .extensions()
        .get::<RequestId>()
        .map(ToString::to_string)
}

/// The authenticated caller as the services know it: who, their units, this request's id.
pub fn actor(
    caller: &crate::auth::Caller,
    request: &actix_web::HttpRequest,
) -> crate::services::Actor {
    crate::services::Actor {
        user_id: Some(caller.user_id),
        label: caller.username.clone(),
        scope: caller.scope.clone(),
        request_id: of(request),
    }
}

/// Middleware: copies the request id into the `x-request-id` response header.
pub async fn add_header(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let id = req.extensions().get::<RequestId>().map(ToString::to_string);
    let mut response = next.call(req).await?;
    if let Some(id) = id.and_then(|id| HeaderValue::from_str(&id).ok()) {
        response
            .headers_mut()
            .insert(HeaderName::from_static(HEADER), id);
    }
    Ok(response)
}
