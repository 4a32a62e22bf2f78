//! Headers on every API response (`/api/...`, errors and unknown paths included): the JSON
//! carries national ids and bank accounts and the session cookie opens API reads in a
//! browser, so nothing is cached (`Cache-Control: no-store`) and nothing is sniffed into
//! another type (`X-Content-Type-Options: nosniff`). Pages get theirs from `pages::html`.

use actix_web::Error;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::middleware::Next;

/// Paths under this prefix are the API.
pub const API_PREFIX: &str = "/api/";

/// Middleware: sets the API's caching and sniffing headers (replacing any a handler set).
pub async fn add(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let is_api = req.path().starts_with(API_PREFIX);
    let mut response = next.call(req).await?;
    if is_api {
        let headers = response.headers_mut();
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        headers.insert(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        );
    }
    Ok(response)
}
