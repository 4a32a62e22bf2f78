//! The one authorisation mechanism: every route in the route table is wrapped in this
//! middleware with its access rule. It authenticates the bearer token, checks the role's
//! permission, and hands the handler a [`Caller`] whose unit scope every query takes; for a
//! staff page ([`Access::Page`]) it reads the session cookie instead, sends a browser without
//! one to the sign-in page, and hands the handler the [`Session`].

use std::sync::Arc;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::http::header::AUTHORIZATION;
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage, ResponseError, web};

use super::AppState;
use super::pages::{SESSION_COOKIE, session, to_login};
use crate::auth::Caller;
use crate::auth::caller::authenticate;
use crate::db::now;
use crate::domain::access::Permission;
use crate::error::AppError;

/// Who may call an endpoint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Anyone (health checks, the OpenAPI document, login).
    Public,
    /// Any authenticated user.
    Authenticated,
    /// An authenticated user whose role has the permission; data further limited by scope.
    Requires(Permission),
    /// A staff page: a signed-in session (the page cookie) is needed — without one the
    /// browser is sent to the sign-in page — and, when given, the role's permission (403
    /// otherwise). The handler takes the [`super::pages::Session`]; forms check their CSRF
    /// token themselves, and a form whose permission depends on its content (which action,
    /// which kind of file) checks that too.
    Page(Option<Permission>),
}

/// The access rules of one resource (path), by method.
#[derive(Debug, Clone)]
pub struct ResourceAccess(pub Arc<Vec<(Method, Access)>>);

/// The bearer token of a request, if any.
pub fn bearer_token(req: &ServiceRequest) -> Option<String> {
    let value = req.headers().get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_string())
}

/// Middleware body: see the module documentation.
pub async fn authorize(
    rules: ResourceAccess,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let access = rules
        .0
        .iter()
        .find(|(method, _)| method == req.method())
        .map(|(_, access)| *access);
    let required = match access {
        // A method without a rule is answered by actix (405); nothing runs.
        None | Some(Access::Public) => return Ok(next.call(req).await?.map_into_boxed_body()),
        Some(Access::Page(permission)) => return page(permission, req, next).await,
        Some(Access::Authenticated) => None,
        Some(Access::Requires(permission)) => Some(permission),
    };
    match check(&req, required).await {
        Ok(caller) => {
            req.extensions_mut().insert(caller);
            Ok(next.call(req).await?.map_into_boxed_body())
        }
        Err(error) => {
            let response = error.error_response();
            Ok(req.into_response(response))
        }
    }
}

/// A staff page: the session cookie's caller (else the sign-in page), with the permission
/// when one is required; the handler receives the [`Session`].
async fn page(
    permission: Option<Permission>,
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, Error> {
    let found = match req.app_data::<web::Data<AppState>>() {
        Some(state) => session(state, req.request()).await,
        None => Err(AppError::Internal(anyhow::anyhow!(
            "application state missing"
        ))),
    };
    let session = match found {
        Ok(Some(session)) => session,
        Ok(None) => {
            let expired = req.cookie(SESSION_COOKIE).is_some();
            return Ok(req.into_response(to_login(expired)));
        }
        Err(error) => return Ok(req.into_response(error.error_response())),
    };
    if let Some(permission) = permission
        && let Err(error) = session.caller.require(permission)
    {
        return Ok(req.into_response(error.error_response()));
    }
    // The session's caller too: a page-side download route runs the API's handler (which
    // takes a `Caller`) under the page's rules, so its errors answer as pages.
    req.extensions_mut().insert(session.caller.clone());
    req.extensions_mut().insert(session);
    Ok(next.call(req).await?.map_into_boxed_body())
}

async fn check(req: &ServiceRequest, required: Option<Permission>) -> Result<Caller, AppError> {
    // The web pages' session cookie also opens the API's safe (GET/HEAD) requests, so that
    // pages can link to downloads; a change always needs the bearer header (or a page form
    // with its CSRF token, handled by the page itself).
    let token = bearer_token(req)
        .or_else(|| {
            matches!(*req.method(), Method::GET | Method::HEAD)
                .then(|| req.cookie(super::pages::SESSION_COOKIE))
                .flatten()
                .map(|c| c.value().to_string())
        })
        .ok_or(AppError::Unauthenticated)?;
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("application state missing")))?
        .clone();
    let keys = state.keys.clone();
    let caller = state
        .db
        .run(move |conn| Ok(authenticate(conn, &keys, &token, now())?))
        .await?
        .map_err(|rejected| {
            tracing::info!(reason = ?rejected, "token rejected");
            AppError::Unauthenticated
        })?;
    if let Some(permission) = required {
        caller.require(permission)?;
    }
    Ok(caller)
}
