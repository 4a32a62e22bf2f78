//! Accounts and their API tokens: created, disabled and enabled again, a password reset (all
//! the user's tokens revoked), tokens created (shown once) and revoked — each in a transaction
//! with its audit entry. `staffpay users …` and the administrators' users page call these.

use chrono::TimeDelta;
use serde_json::json;

use crate::auth::SecretKeys;
use crate::auth::login::{IssuedToken, KIND_API, issue_token};
use crate::auth::password;
use crate::db::audit::{self, AuditEntry};
use crate::db::{DbConnection, now, transaction, units, users};
use crate::domain::access::Role;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::services::Actor;

fn refuse(code: &'static str, vi: String, en: String) -> AppError {
    AppError::bad_request(code, vi, en)
}

/// A username: 3 to 64 letters, digits, `.`, `-` or `_`.
pub fn check_username(username: &str) -> Result<(), AppError> {
    let ok = (3..=64).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok {
        Ok(())
    } else {
        Err(refuse(
            "username_invalid",
            "Tên đăng nhập gồm 3 đến 64 chữ cái không dấu, chữ số, '.', '-' hoặc '_'.".into(),
            "A username is 3 to 64 letters, digits, '.', '-' or '_'.".into(),
        ))
    }
}

fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    action: &str,
    entity_id: String,
    after: serde_json::Value,
) -> Result<(), AppError> {
    audit::record(
        conn,
        AuditEntry {
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: action.into(),
            entity_kind: "user".into(),
            entity_id: Some(entity_id),
            request_id: actor.request_id.clone(),
            after: Some(after),
            ..Default::default()
        },
    )?;
    Ok(())
}

fn find(conn: &mut DbConnection, username: &str) -> Result<users::UserRow, AppError> {
    users::find_by_username(conn, username)?.ok_or_else(|| {
        AppError::conflict(
            "user_unknown",
            format!("Không có người dùng {username}."),
            format!("No user {username}."),
        )
    })
}

/// Creates `username` with `role` over `unit_codes` (VN: the whole country) and `secret` as
/// the password.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    username: &str,
    role: Role,
    unit_codes: &[String],
    secret: &str,
) -> Result<(), AppError> {
    check_username(username)?;
    if !role.is_nationwide() && unit_codes.is_empty() {
        return Err(refuse(
            "units_required",
            format!(
                "Vai trò {} cần ít nhất một đơn vị (VN: cả nước).",
                role.as_str()
            ),
            format!(
                "Role {} needs at least one unit (VN for the whole country).",
                role.as_str()
            ),
        ));
    }
    let hash = password::hash(secret).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    transaction(conn, |conn| {
        if users::find_by_username(conn, username)?.is_some() {
            return Err(AppError::conflict(
                "user_exists",
                format!("Người dùng {username} đã có."),
                format!("User {username} exists already."),
            ));
        }
        let mut ids = Vec::new();
        for code in unit_codes {
            let unit = units::find_by_code(conn, &UnitCode::normalize(code))?.ok_or_else(|| {
                refuse(
                    "unit_unknown",
                    format!("Không có đơn vị mã {code}."),
                    format!("unknown unit {code}"),
                )
            })?;
            ids.push(unit.id);
        }
        let user = users::insert(conn, username, role.as_str(), &hash, &ids)?;
        record(
            conn,
            actor,
            "user.create",
            user.id.to_string(),
            json!({"username": username, "role": role, "units": unit_codes}),
        )
    })
}

/// Disables (or enables again) `username`.
pub fn set_disabled(
    conn: &mut DbConnection,
    actor: &Actor,
    username: &str,
    disabled: bool,
) -> Result<(), AppError> {
    transaction(conn, |conn| {
        let user = find(conn, username)?;
        users::set_disabled(conn, user.id, disabled)?;
        let action = if disabled {
            "user.disable"
        } else {
            "user.enable"
        };
        record(
            conn,
            actor,
            action,
            user.id.to_string(),
            json!({"username": username}),
        )
    })
}

/// Sets a new password for `username`; all their tokens (and sessions) are revoked.
pub fn reset_password(
    conn: &mut DbConnection,
    actor: &Actor,
    username: &str,
    secret: &str,
) -> Result<(), AppError> {
    let hash = password::hash(secret).map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    transaction(conn, |conn| {
        let user = find(conn, username)?;
        users::set_password(conn, user.id, &hash)?;
        record(
            conn,
            actor,
            "user.reset_password",
            user.id.to_string(),
            json!({"username": username}),
        )
    })
}

/// Creates an API token `name` for `username`, valid `days` days (1–366); the token is in the
/// result, shown once.
pub fn create_token(
    conn: &mut DbConnection,
    keys: &SecretKeys,
    actor: &Actor,
    username: &str,
    name: &str,
    days: i64,
) -> Result<IssuedToken, AppError> {
    if !(1..=366).contains(&days) {
        return Err(refuse(
            "days_invalid",
            "Thời hạn mã truy cập từ 1 đến 366 ngày.".into(),
            "A token lasts 1 to 366 days.".into(),
        ));
    }
    if name.trim().is_empty() {
        return Err(refuse(
            "name_required",
            "Đặt tên cho mã truy cập (ví dụ: he-thong-ke-toan).".into(),
            "Name the token (for example: accounting-system).".into(),
        ));
    }
    transaction(conn, |conn| {
        let user = find(conn, username)?;
        if user.disabled_at.is_some() {
            return Err(AppError::conflict(
                "user_disabled",
                format!("Người dùng {username} đang bị khóa."),
                format!("User {username} is disabled."),
            ));
        }
        let issued = issue_token(
            conn,
            keys,
            user.id,
            KIND_API,
            name,
            now() + TimeDelta::days(days),
        )?;
        record(
            conn,
            actor,
            "token.create",
            issued.token_id.to_string(),
            json!({"username": username, "name": name, "expires_at": issued.expires_at}),
        )?;
        Ok(issued)
    })
}

/// Revokes the active tokens named `name` of `username`; how many.
pub fn revoke_token(
    conn: &mut DbConnection,
    actor: &Actor,
    username: &str,
    name: &str,
) -> Result<usize, AppError> {
    transaction(conn, |conn| {
        let user = find(conn, username)?;
        let n = users::revoke_named(conn, user.id, name)?;
        record(
            conn,
            actor,
            "token.revoke",
            user.id.to_string(),
            json!({"username": username, "name": name, "revoked": n}),
        )?;
        Ok(n)
    })
}
