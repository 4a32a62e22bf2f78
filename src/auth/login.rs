//! Logging in and out, and issuing tokens.

use chrono::{NaiveDateTime, TimeDelta};
use serde_json::json;

use super::{SecretKeys, password, throttle, token};
use crate::db::audit::{self, AuditEntry};
use crate::db::{DbConnection, users};
use crate::domain::ids::{TokenId, UserId};
use crate::error::AppError;

/// Token kinds.
pub const KIND_SESSION: &str = "session";
pub const KIND_API: &str = "api";

/// A token just issued; the only moment the token itself exists outside the client.
#[derive(Debug, Clone)]
pub struct IssuedToken {
    pub token: String,
    pub token_id: TokenId,
    pub user_id: UserId,
    pub expires_at: NaiveDateTime,
}

/// Issues a token for a user (login, or an API token from the command line).
pub fn issue_token(
    conn: &mut DbConnection,
    keys: &SecretKeys,
    user_id: UserId,
    kind: &str,
    name: &str,
    expires_at: NaiveDateTime,
) -> diesel::QueryResult<IssuedToken> {
    let token = token::generate();
    let row = users::insert_token(
        conn,
        user_id,
        kind,
        name,
        &keys.token_hash(&token),
        expires_at,
    )?;
    Ok(IssuedToken {
        token,
        token_id: row.id,
        user_id,
        expires_at,
    })
}

/// A login attempt's context.
#[derive(Debug, Clone)]
pub struct LoginAttempt<'a> {
    pub username: &'a str,
    pub password: &'a str,
    /// The client address (for throttling), as text.
    pub address: &'a str,
    pub request_id: Option<String>,
    pub ttl: TimeDelta,
    pub now: NaiveDateTime,
}

fn user_key(username: &str) -> String {
    format!("login:user:{}", username.trim().to_lowercase())
}

fn address_key(address: &str) -> String {
    format!("login:addr:{address}")
}

/// Checks a username and password and issues a session token.
///
/// Unknown users, wrong passwords and disabled users get the same answer after the same work;
/// attempts are counted per username and per address before the password is checked (see
/// [`throttle`]), and a locked key answers 429 without a check.
pub fn login(
    conn: &mut DbConnection,
    keys: &SecretKeys,
    attempt: LoginAttempt<'_>,
) -> Result<IssuedToken, AppError> {
    let now = attempt.now;
    let user_key = user_key(attempt.username);
    let address_key = address_key(attempt.address);
    let admitted = match throttle::admit(
        conn,
        &[
            (&user_key, throttle::LOGIN_PER_USER),
            (&address_key, throttle::LOGIN_PER_ADDRESS),
        ],
        now,
    )? {
        throttle::Admission::Admitted(admitted) => admitted,
        throttle::Admission::Refused { until } => {
            return Err(AppError::TooManyRequests {
                retry_after_secs: throttle::retry_after_secs(until, now),
            });
        }
    };

    let user = users::find_by_username(conn, attempt.username.trim())?;
    let ok = match &user {
        Some(u) => password::verify(&u.password_hash, attempt.password) && u.disabled_at.is_none(),
        None => {
            password::verify_dummy(attempt.password);
            false
        }
    };

    let Some(user) = user.filter(|_| ok) else {
        admitted.failed();
        audit::record(
            conn,
            AuditEntry {
                actor: "anonymous".into(),
                action: "auth.login_failed".into(),
                entity_kind: "user".into(),
                request_id: attempt.request_id,
                ..Default::default()
            },
        )?;
        return Err(AppError::Unauthenticated);
    };

    admitted.succeeded(conn, &[&user_key])?;
    let issued = issue_token(
        conn,
        keys,
        user.id,
        KIND_SESSION,
        "login",
        now + attempt.ttl,
    )?;
    audit::record(
        conn,
        AuditEntry {
            actor_user_id: Some(user.id),
            actor: user.username.clone(),
            action: "auth.login".into(),
            entity_kind: "token".into(),
            entity_id: Some(issued.token_id.to_string()),
            request_id: attempt.request_id,
            after: Some(json!({"expires_at": issued.expires_at})),
            ..Default::default()
        },
    )?;
    Ok(issued)
}
