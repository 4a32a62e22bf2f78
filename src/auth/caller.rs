//! The authenticated caller of a request, and how a bearer token becomes one.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use chrono::NaiveDateTime;
use diesel::QueryResult;

use super::SecretKeys;
use super::token;
use crate::db::units::{self, UnitScope};
use crate::db::{DbConnection, users};
use crate::domain::access::{Permission, Role};
use crate::domain::ids::{TokenId, UserId};
use crate::error::AppError;

/// Who is asking, what role they have and which units they may see.
///
/// Handlers receive it as an extractor. It exists only after the authorisation middleware
/// authenticated the request and checked the route's permission; a handler of a route that
/// went around the middleware gets a 401, never an anonymous caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: UserId,
    pub username: String,
    pub role: Role,
    pub token_id: TokenId,
    /// The units this caller may see (the subtrees below their units, or everything).
    pub scope: UnitScope,
}

impl Caller {
    /// The units every query of this caller must be restricted to.
    pub fn scope(&self) -> &UnitScope {
        &self.scope
    }

    /// Refuses with 403 unless the role has the permission (used by the middleware, and by
    /// handlers whose permission depends on the body, e.g. a bulk action's name).
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.role.can(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

impl FromRequest for Caller {
    type Error = AppError;
    type Future = Ready<Result<Caller, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(
            req.extensions()
                .get::<Caller>()
                .cloned()
                .ok_or(AppError::Unauthenticated),
        )
    }
}

/// Why a token was not accepted. All of them answer 401 alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rejected {
    Malformed,
    Unknown,
    Expired,
    Revoked,
    UserDisabled,
    BadRole,
}

/// Turns a presented bearer token into a caller.
pub fn authenticate(
    conn: &mut DbConnection,
    keys: &SecretKeys,
    presented: &str,
    now: NaiveDateTime,
) -> QueryResult<Result<Caller, Rejected>> {
    if !token::looks_valid(presented) {
        return Ok(Err(Rejected::Malformed));
    }
    let Some((token, user)) = users::find_token(conn, &keys.token_hash(presented))? else {
        return Ok(Err(Rejected::Unknown));
    };
    if token.revoked_at.is_some() {
        return Ok(Err(Rejected::Revoked));
    }
    if token.expires_at <= now {
        return Ok(Err(Rejected::Expired));
    }
    if user.disabled_at.is_some() {
        return Ok(Err(Rejected::UserDisabled));
    }
    let Ok(role) = user.role.parse::<Role>() else {
        return Ok(Err(Rejected::BadRole));
    };
    let scope = scope_of(conn, role, user.id)?;
    users::touch_token(conn, &token, now)?;
    Ok(Ok(Caller {
        user_id: user.id,
        username: user.username,
        role,
        token_id: token.id,
        scope,
    }))
}

/// The unit scope of a user: everything for nationwide roles, else the subtrees of their units.
pub fn scope_of(conn: &mut DbConnection, role: Role, user_id: UserId) -> QueryResult<UnitScope> {
    if role.is_nationwide() {
        return Ok(UnitScope::All);
    }
    let ids = users::unit_ids(conn, user_id)?;
    Ok(UnitScope::Subtrees(units::paths_of(conn, &ids)?))
}
