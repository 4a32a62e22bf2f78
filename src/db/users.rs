//! Users, the units they are scoped to, their tokens, and login throttling counters.
//!
//! Throttling counters live in the database, not in process memory, so that several service
//! instances on one database share them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{auth_tokens, throttles, units, user_units, users};
use super::{DbConnection, now};
use crate::domain::ids::{TokenId, UnitId, UserId};

/// A user as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: UserId,
    pub username: String,
    pub role: String,
    pub password_hash: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// Creates a user scoped to the given units.
pub fn insert(
    conn: &mut DbConnection,
    username: &str,
    role: &str,
    password_hash: &str,
    unit_ids: &[UnitId],
) -> QueryResult<UserRow> {
    let at = now();
    let id: UserId = diesel::insert_into(users::table)
        .values((
            users::username.eq(username),
            users::role.eq(role),
            users::password_hash.eq(password_hash),
            users::created_at.eq(at),
            users::updated_at.eq(at),
        ))
        .returning(users::id)
        .get_result(conn)?;
    for unit_id in unit_ids {
        diesel::insert_into(user_units::table)
            .values((user_units::user_id.eq(id), user_units::unit_id.eq(unit_id)))
            .execute(conn)?;
    }
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
}

pub fn find_by_username(conn: &mut DbConnection, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: UserId) -> QueryResult<Option<UserRow>> {
    users::table
        .find(id)
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// Every user with the codes of their units, by username.
pub fn list(conn: &mut DbConnection) -> QueryResult<Vec<(UserRow, Vec<String>)>> {
    let rows = users::table
        .order(users::username.asc())
        .select(UserRow::as_select())
        .load(conn)?;
    let links: Vec<(UserId, String)> = user_units::table
        .inner_join(units::table)
        .select((user_units::user_id, units::code))
        .order(units::code.asc())
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|u| {
            let codes = links
                .iter()
                .filter(|(uid, _)| *uid == u.id)
                .map(|(_, c)| c.clone())
                .collect();
            (u, codes)
        })
        .collect())
}

/// Ids of the units a user is scoped to.
pub fn unit_ids(conn: &mut DbConnection, user_id: UserId) -> QueryResult<Vec<UnitId>> {
    user_units::table
        .filter(user_units::user_id.eq(user_id))
        .select(user_units::unit_id)
        .load(conn)
}

/// Disables (or re-enables) a user; disabling also revokes every token.
pub fn set_disabled(conn: &mut DbConnection, id: UserId, disabled: bool) -> QueryResult<usize> {
    let at = now();
    let changed = diesel::update(users::table.find(id))
        .set((
            users::disabled_at.eq(disabled.then_some(at)),
            users::updated_at.eq(at),
        ))
        .execute(conn)?;
    if disabled {
        revoke_all(conn, id)?;
    }
    Ok(changed)
}

/// Replaces a user's password hash and revokes their tokens.
pub fn set_password(
    conn: &mut DbConnection,
    id: UserId,
    password_hash: &str,
) -> QueryResult<usize> {
    let changed = diesel::update(users::table.find(id))
        .set((
            users::password_hash.eq(password_hash),
            users::updated_at.eq(now()),
        ))
        .execute(conn)?;
    revoke_all(conn, id)?;
    Ok(changed)
}

/// A token as stored (only its keyed hash, never the token).
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = auth_tokens)]
pub struct TokenRow {
    pub id: TokenId,
    pub user_id: UserId,
    pub kind: String,
    pub name: String,
    pub token_hash: String,
    pub created_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
    pub revoked_at: Option<NaiveDateTime>,
    pub last_used_at: Option<NaiveDateTime>,
}

pub fn insert_token(
    conn: &mut DbConnection,
    user_id: UserId,
    kind: &str,
    name: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<TokenRow> {
    let id: TokenId = diesel::insert_into(auth_tokens::table)
        .values((
            auth_tokens::user_id.eq(user_id),
            auth_tokens::kind.eq(kind),
            auth_tokens::name.eq(name),
            auth_tokens::token_hash.eq(token_hash),
            auth_tokens::created_at.eq(now()),
            auth_tokens::expires_at.eq(expires_at),
        ))
        .returning(auth_tokens::id)
        .get_result(conn)?;
    auth_tokens::table
        .find(id)
        .select(TokenRow::as_select())
        .first(conn)
}

/// The token with this hash and its user, whatever their state (the caller decides).
pub fn find_token(
    conn: &mut DbConnection,
    token_hash: &str,
) -> QueryResult<Option<(TokenRow, UserRow)>> {
    auth_tokens::table
        .inner_join(users::table)
        .filter(auth_tokens::token_hash.eq(token_hash))
        .select((TokenRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

/// Tokens of a user, newest first.
pub fn tokens_of(conn: &mut DbConnection, user_id: UserId) -> QueryResult<Vec<TokenRow>> {
    auth_tokens::table
        .filter(auth_tokens::user_id.eq(user_id))
        .order(auth_tokens::id.desc())
        .select(TokenRow::as_select())
        .load(conn)
}

/// Revokes one token; returns whether it was active.
pub fn revoke_token(conn: &mut DbConnection, token_id: TokenId) -> QueryResult<bool> {
    let n = diesel::update(
        auth_tokens::table
            .find(token_id)
            .filter(auth_tokens::revoked_at.is_null()),
    )
    .set(auth_tokens::revoked_at.eq(now()))
    .execute(conn)?;
    Ok(n > 0)
}

/// Revokes a user's named API tokens; returns how many.
pub fn revoke_named(conn: &mut DbConnection, user_id: UserId, name: &str) -> QueryResult<usize> {
    diesel::update(
        auth_tokens::table
            .filter(auth_tokens::user_id.eq(user_id))
            .filter(auth_tokens::name.eq(name))
            .filter(auth_tokens::revoked_at.is_null()),
    )
    .set(auth_tokens::revoked_at.eq(now()))
    .execute(conn)
}

fn revoke_all(conn: &mut DbConnection, user_id: UserId) -> QueryResult<usize> {
    diesel::update(
        auth_tokens::table
            .filter(auth_tokens::user_id.eq(user_id))
            .filter(auth_tokens::revoked_at.is_null()),
    )
    .set(auth_tokens::revoked_at.eq(now()))
    .execute(conn)
}

/// Notes a token's use, at most once a minute per token (keeps reads read-only).
pub fn touch_token(
    conn: &mut DbConnection,
    token: &TokenRow,
    at: NaiveDateTime,
) -> QueryResult<()> {
    let stale = token
        .last_used_at
        .is_none_or(|last| at - last > chrono::TimeDelta::minutes(1));
    if stale {
        diesel::update(auth_tokens::table.find(token.id))
            .set(auth_tokens::last_used_at.eq(at))
            .execute(conn)?;
    }
    Ok(())
}

/// A throttle counter just counted: the attempts in its window (this one included) and the
/// end of its lock, if locked.
#[derive(Debug, Clone, Copy, QueryableByName)]
pub struct ThrottleCount {
    #[diesel(sql_type = diesel::sql_types::Integer)]
    pub failures: i32,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    pub locked_until: Option<NaiveDateTime>,
}

/// Counts one attempt on `key` and returns the count, in one statement (an upsert with
/// `RETURNING`, on SQLite ≥ 3.35 and PostgreSQL alike), so that parallel attempts each see
/// their own number: the database serialises them on the row.
///
/// A counter whose lock has ended, or whose window started before `window_start`, starts
/// again at 1. The attempt that reaches `max` sets the lock (`lock_end`).
pub fn count_attempt(
    conn: &mut DbConnection,
    key: &str,
    max: i32,
    now: NaiveDateTime,
    window_start: NaiveDateTime,
    lock_end: NaiveDateTime,
) -> QueryResult<ThrottleCount> {
    use diesel::sql_types::{Integer, Text, Timestamp};
    const EXPIRED: &str = "((throttles.locked_until IS NOT NULL AND throttles.locked_until <= $2) \
         OR (throttles.locked_until IS NULL AND throttles.window_started_at < $5))";
    diesel::sql_query(format!(
        "INSERT INTO throttles (key, failures, window_started_at, locked_until) \
         VALUES ($1, 1, $2, CASE WHEN 1 >= $3 THEN $4 ELSE NULL END) \
         ON CONFLICT (key) DO UPDATE SET \
         failures = CASE WHEN {EXPIRED} THEN 1 ELSE throttles.failures + 1 END, \
         window_started_at = CASE WHEN {EXPIRED} THEN $2 ELSE throttles.window_started_at END, \
         locked_until = CASE WHEN {EXPIRED} THEN (CASE WHEN 1 >= $3 THEN $4 ELSE NULL END) \
           WHEN throttles.failures + 1 >= $3 THEN COALESCE(throttles.locked_until, $4) \
           ELSE throttles.locked_until END \
         RETURNING failures, locked_until"
    ))
    .bind::<Text, _>(key)
    .bind::<Timestamp, _>(now)
    .bind::<Integer, _>(max)
    .bind::<Timestamp, _>(lock_end)
    .bind::<Timestamp, _>(window_start)
    .get_result(conn)
}

/// Takes back one counted attempt on `key` (it succeeded, or another key refused it); a lock
/// that this attempt set is lifted with it.
pub fn uncount_attempt(conn: &mut DbConnection, key: &str, max: i32) -> QueryResult<()> {
    use diesel::sql_types::{Integer, Text};
    // SQLite numbers `$N` parameters in the order they first appear: keep them in order.
    diesel::sql_query(
        "UPDATE throttles SET failures = failures - 1, \
         locked_until = CASE WHEN failures - 1 < $1 THEN NULL ELSE locked_until END \
         WHERE key = $2 AND failures > 0",
    )
    .bind::<Integer, _>(max)
    .bind::<Text, _>(key)
    .execute(conn)?;
    Ok(())
}

pub fn clear_throttle(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(throttles::table.find(key)).execute(conn)?;
    Ok(())
}
