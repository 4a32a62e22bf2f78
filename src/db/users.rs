//! Users, the units they are scoped to, their tokens, and login throttling counters.
//!
//! Throttling counters live in the database, not in process memory, so that several service
//! instances on one database share them.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{auth_tokens, throttles, units, user_units, users};
use super::{DbConnection, now};

/// A user as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
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
    unit_ids: &[i64],
) -> QueryResult<UserRow> {
    let at = now();
    let id: i64 = diesel::insert_into(users::table)
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

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<UserRow>> {
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
    let links: Vec<(i64, String)> = user_units::table
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
pub fn unit_ids(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<i64>> {
    user_units::table
        .filter(user_units::user_id.eq(user_id))
        .select(user_units::unit_id)
        .load(conn)
}

/// Disables (or re-enables) a user; disabling also revokes every token.
pub fn set_disabled(conn: &mut DbConnection, id: i64, disabled: bool) -> QueryResult<usize> {
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
pub fn set_password(conn: &mut DbConnection, id: i64, password_hash: &str) -> QueryResult<usize> {
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
    pub id: i64,
    pub user_id: i64,
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
    user_id: i64,
    kind: &str,
    name: &str,
    token_hash: &str,
    expires_at: NaiveDateTime,
) -> QueryResult<TokenRow> {
    let id: i64 = diesel::insert_into(auth_tokens::table)
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
pub fn tokens_of(conn: &mut DbConnection, user_id: i64) -> QueryResult<Vec<TokenRow>> {
    auth_tokens::table
        .filter(auth_tokens::user_id.eq(user_id))
        .order(auth_tokens::id.desc())
        .select(TokenRow::as_select())
        .load(conn)
}

/// Revokes one token; returns whether it was active.
pub fn revoke_token(conn: &mut DbConnection, token_id: i64) -> QueryResult<bool> {
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
pub fn revoke_named(conn: &mut DbConnection, user_id: i64, name: &str) -> QueryResult<usize> {
    diesel::update(
        auth_tokens::table
            .filter(auth_tokens::user_id.eq(user_id))
            .filter(auth_tokens::name.eq(name))
            .filter(auth_tokens::revoked_at.is_null()),
    )
    .set(auth_tokens::revoked_at.eq(now()))
    .execute(conn)
}

fn revoke_all(conn: &mut DbConnection, user_id: i64) -> QueryResult<usize> {
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

/// A throttling counter.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = throttles)]
pub struct ThrottleRow {
    pub key: String,
    pub failures: i32,
    pub window_started_at: NaiveDateTime,
    pub locked_until: Option<NaiveDateTime>,
}

pub fn find_throttle(conn: &mut DbConnection, key: &str) -> QueryResult<Option<ThrottleRow>> {
    throttles::table
        .find(key)
        .select(ThrottleRow::as_select())
        .first(conn)
        .optional()
}

/// The latest lock end among `keys` (one query), if any is set.
pub fn latest_lock(conn: &mut DbConnection, keys: &[&str]) -> QueryResult<Option<NaiveDateTime>> {
    throttles::table
        .filter(throttles::key.eq_any(keys))
        .select(diesel::dsl::max(throttles::locked_until))
        .first(conn)
}

/// Writes a throttling counter (insert or replace).
pub fn save_throttle(conn: &mut DbConnection, row: &ThrottleRow) -> QueryResult<()> {
    let updated = diesel::update(throttles::table.find(&row.key))
        .set((
            throttles::failures.eq(row.failures),
            throttles::window_started_at.eq(row.window_started_at),
            throttles::locked_until.eq(row.locked_until),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(throttles::table)
            .values((
                throttles::key.eq(&row.key),
                throttles::failures.eq(row.failures),
                throttles::window_started_at.eq(row.window_started_at),
                throttles::locked_until.eq(row.locked_until),
            ))
            .execute(conn)?;
    }
    Ok(())
}

pub fn clear_throttle(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    diesel::delete(throttles::table.find(key)).execute(conn)?;
    Ok(())
}
