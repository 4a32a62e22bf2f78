//! Throttling of failed attempts (sign-ins and status-page lookups), counted in the database
//! so that every instance sees the same counters.
//!
//! An attempt is counted *before* it is checked, in one statement that increments and
//! returns the count ([`crate::db::users::count_attempt`]): of N parallel attempts exactly
//! the first `max_failures` are let through to the password or code check, whatever the
//! timing, on either backend. (Counting after the check let 12 of 20 parallel wrong
//! passwords through a limit of 5: every one of them read the counter before any wrote it.)
//! An attempt that turns out right takes its count back ([`Admitted::succeeded`]), so what
//! stays counted are the failures.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::QueryResult;

use crate::db::DbConnection;
use crate::db::users::{clear_throttle, count_attempt, uncount_attempt};

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

/// The outcome of counting an attempt against its keys.
#[derive(Debug)]
pub enum Admission {
    /// Go on and check it; then tell the counters how it went.
    Admitted(Admitted),
    /// A key is locked (or this attempt is over its limit): refuse without checking.
    Refused { until: NaiveDateTime },
}

/// An attempt let through, with the keys it was counted on.
#[derive(Debug)]
#[must_use = "a right attempt must take its count back"]
pub struct Admitted {
    counted: Vec<(String, ThrottleRule)>,
}

impl Admitted {
    /// The attempt was right: its count is taken back, and the keys in `forget` (the
    /// username after a good password) are cleared altogether.
    pub fn succeeded(self, conn: &mut DbConnection, forget: &[&str]) -> QueryResult<()> {
        for (key, rule) in &self.counted {
            if forget.contains(&key.as_str()) {
                clear_throttle(conn, key)?;
            } else {
                uncount_attempt(conn, key, rule.max_failures)?;
            }
        }
        Ok(())
    }

    /// The attempt was wrong: it stays counted (nothing to do; says so where it is called).
    pub fn failed(self) {}
}

/// Counts one attempt on every key (each with its rule), atomically per key. Refused when a
/// key is locked or the attempt is beyond a key's limit; an attempt refused is no failure,
/// so every key it was counted on takes the count back (a lock stays: the keys that had
/// reached their limit are still at it).
pub fn admit(
    conn: &mut DbConnection,
    keys: &[(&str, ThrottleRule)],
    now: NaiveDateTime,
) -> QueryResult<Admission> {
    let mut counted: Vec<(String, ThrottleRule)> = Vec::with_capacity(keys.len());
    for (key, rule) in keys {
        let count = count_attempt(
            conn,
            key,
            rule.max_failures,
            now,
            now - rule.window,
            now + rule.lockout,
        )?;
        counted.push(((*key).to_string(), *rule));
        if count.failures > rule.max_failures {
            // Locked before this attempt (the lock was set when the limit was reached).
            for (key, rule) in &counted {
                uncount_attempt(conn, key, rule.max_failures)?;
            }
            return Ok(Admission::Refused {
                until: count.locked_until.unwrap_or(now + rule.lockout),
            });
        }
    }
    Ok(Admission::Admitted(Admitted { counted }))
}

/// Forgets a key's failures (when an officer lifts a lockout).
pub fn clear(conn: &mut DbConnection, key: &str) -> QueryResult<()> {
    clear_throttle(conn, key)
}

/// Seconds until `until`, at least 1.
pub fn retry_after_secs(until: NaiveDateTime, now: NaiveDateTime) -> u64 {
    u64::try_from((until - now).num_seconds())
        .unwrap_or(0)
        .max(1)
}
