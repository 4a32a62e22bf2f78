//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/me`.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::{NaiveDateTime, TimeDelta};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use validator::Validate;

use super::{AppState, request_id};
use crate::auth::Caller;
use crate::auth::login::{LoginAttempt, login as do_login};
use crate::db::audit::{self, AuditEntry};
use crate::db::{now, users};
use crate::domain::access::Role;
use crate::error::AppError;

/// Username and password.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    #[validate(length(min = 1, max = 64))]
    #[schema(min_length = 1, max_length = 64)]
    pub username: String,
    #[validate(length(min = 1, max = 256))]
    #[schema(min_length = 1, max_length = 256)]
    pub password: String,
}

/// A short-lived bearer token.
#[derive(Debug, Serialize, ToSchema)]
pub struct LoginResponse {
    pub token: String,
    pub token_type: &'static str,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub expires_at: NaiveDateTime,
}

/// Exchanges username and password for a short-lived bearer token.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse),
              (status = 401, body = crate::error::ErrorEnvelope),
              (status = 429, body = crate::error::ErrorEnvelope)))]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    body: web::Json<LoginRequest>,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let address = super::client::of(&req, &state.settings).address();
    let request_id = request_id::of(&req);
    let ttl = TimeDelta::from_std(state.settings.session_ttl)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let keys = state.keys.clone();
    let issued = state
        .db
        .run(move |conn| {
            do_login(
                conn,
                &keys,
                LoginAttempt {
                    username: &body.username,
                    password: &body.password,
                    address: &address,
                    request_id,
                    ttl,
                    now: now(),
                },
            )
        })
        .await?;
    Ok(HttpResponse::Ok().json(LoginResponse {
        token: issued.token,
        token_type: "Bearer",
        expires_at: issued.expires_at,
    }))
}

/// Ends the session: the presented token stops working.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth",
    responses((status = 204), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn logout(
    state: web::Data<AppState>,
    caller: Caller,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let request_id = request_id::of(&req);
    state
        .db
        .run(move |conn| {
            users::revoke_token(conn, caller.token_id)?;
            audit::record(
                conn,
                AuditEntry {
                    actor_user_id: Some(caller.user_id),
                    actor: caller.username.clone(),
                    action: "auth.logout".into(),
                    entity_kind: "token".into(),
                    entity_id: Some(caller.token_id.to_string()),
                    request_id,
                    ..Default::default()
                },
            )?;
            Ok(())
        })
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// The caller as the service sees them.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub username: String,
    pub role: Role,
    /// Codes of the units the caller is scoped to (empty for nationwide roles).
    pub units: Vec<String>,
    pub nationwide: bool,
}

/// Who am I, with which role and units.
#[utoipa::path(get, path = "/api/v1/me", tag = "auth",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn me(state: web::Data<AppState>, caller: Caller) -> Result<HttpResponse, AppError> {
    let user_id = caller.user_id;
    let units = state
        .db
        .run(move |conn| {
            let list = users::list(conn)?;
            Ok(list
                .into_iter()
                .find(|(u, _)| u.id == user_id)
                .map(|(_, codes)| codes)
                .unwrap_or_default())
        })
        .await?;
    Ok(HttpResponse::Ok().json(Me {
        username: caller.username,
        role: caller.role,
        units,
        nationwide: caller.role.is_nationwide(),
    }))
}
