//! Throttling of failed attempts (logins now; status-page lookups later), counted in the
//! database so that every instance sees the same counters.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::QueryResult;

use crate::db::DbConnection;
use crate::db::users::{ThrottleRow, clear_throttle, find_throttle, save_throttle};

/// How many failures within a window lock a key, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct ThrottleRule {
    pub max_failures: i32,
    pub window: TimeDelta,
    pub lockout: TimeDelta,
}

/// Failed logins per username: 5 in 15 minutes lock the name for 15 minutes.
pub const LOGIN_PER_USER: ThrottleRule = ThrottleRule {
    max_failures: 5,
    window: TimeDelta::minutes(15),
    lockout: TimeDelta::minutes(15),
};

/// Failed logins per client address: 20 in 15 minutes lock the address for 15 minutes.
pub const LOGIN_PER_ADDRESS: ThrottleRule = ThrottleRule {
    max_failures: 20,
    window: TimeDelta::minutes(15),
    lockout: TimeDelta::minutes(15),
};

/// Until when any of `keys` is locked, if one is (one query for all of them).
pub fn locked_until_any(
    conn: &mut DbConnection,
    keys: &[&str],
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    Ok(crate::db::users::latest_lock(conn, keys)?.filter(|until| *until > now))
}

/// Counts one failure; locks the key when the rule says so. Returns the lock's end if locked.
pub fn record_failure(
    conn: &mut DbConnection,
    key: &str,
    rule: ThrottleRule,
    now: NaiveDateTime,
) -> QueryResult<Option<NaiveDateTime>> {
    let mut row = match find_throttle(conn, key)? {
        Some(row) if now - row.window_started_at <= rule.window => row,
        _ => ThrottleRow {
            key: key.to_string(),
            failures: 0,
            window_started_at: now,
            locked_until: None,
        },
    };
    row.failures += 1;
    if row.failures >= rule.max_failures {
        row.locked_until = Some(now + rule.lockout);
    }
    save_throttle(conn, &row)?;
    Ok(row.locked_until)
}

/// Forgets a key's failures (after a success, or when an officer lifts a lockout).
pub fn clear(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    clear_throttle(conn, key)
}

/// Seconds until `until`, at least 1.
pub fn retry_after_secs(until: NaiveDateTime, now: NaiveDateTime) -> u64 {
    u64::try_from((until - now).num_seconds())
        .unwrap_or(0)
        .max(1)
}
