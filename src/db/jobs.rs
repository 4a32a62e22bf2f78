//! Page uploads as jobs (`import_jobs`, issue 20): where a running import is (phase, rows done
//! of rows total) and, once it ends, what the upload page shows (`result`, JSON), readable from
//! any instance. The import itself is one transaction elsewhere; a job only reports on it.

use chrono::{NaiveDateTime, TimeDelta};
use diesel::prelude::*;
use rand::RngCore as _;

use super::schema::import_jobs;
use super::{DbConnection, now};
use crate::domain::ids::UserId;

/// How long a finished job's page stays readable.
pub const KEPT: TimeDelta = TimeDelta::days(30);

/// A running job that has not reported for this long was cut short (its process stopped): it
/// wrote nothing, and its page says so.
pub const SILENT: TimeDelta = TimeDelta::minutes(15);

/// Phases after which a job changes no more.
pub const DONE: &str = "done";

/// A job as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = import_jobs)]
pub struct JobRow {
    pub token: String,
    pub user_id: UserId,
    pub kind: String,
    pub file_name: String,
    pub phase: String,
    pub rows_done: i64,
    pub rows_total: i64,
    pub import_id: Option<i64>,
    pub result: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

impl JobRow {
    /// Whether the job ended (its result is kept).
    pub fn finished(&self) -> bool {
        self.finished_at.is_some()
    }

    /// Whether the job stopped reporting before it ended (as of `at`).
    pub fn cut_short(&self, at: NaiveDateTime) -> bool {
        !self.finished() && at - self.updated_at > SILENT
    }
}

/// Records a new job of `user` (phase `queued`); returns its token (32 random bytes, hex), the
/// address of its page. Jobs older than [`KEPT`] are dropped first.
pub fn start(
    conn: &mut DbConnection,
    user: UserId,
    kind: &str,
    file_name: &str,
) -> QueryResult<String> {
    let at = now();
    diesel::delete(import_jobs::table.filter(import_jobs::created_at.lt(at - KEPT)))
        .execute(conn)?;
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    diesel::insert_into(import_jobs::table)
        .values((
            import_jobs::token.eq(&token),
            import_jobs::user_id.eq(user),
            import_jobs::kind.eq(kind),
            import_jobs::file_name.eq(file_name),
            import_jobs::phase.eq("queued"),
            import_jobs::rows_done.eq(0_i64),
            import_jobs::rows_total.eq(0_i64),
            import_jobs::created_at.eq(at),
            import_jobs::updated_at.eq(at),
        ))
        .execute(conn)?;
    Ok(token)
}

/// Where the job is now (a job that ended is left as it is).
pub fn report(
    conn: &mut DbConnection,
    token: &str,
    phase: &str,
    done: i64,
    total: i64,
) -> QueryResult<()> {
    diesel::update(
        import_jobs::table
            .filter(import_jobs::token.eq(token))
            .filter(import_jobs::finished_at.is_null()),
    )
    .set((
        import_jobs::phase.eq(phase),
        import_jobs::rows_done.eq(done),
        import_jobs::rows_total.eq(total),
        import_jobs::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(())
}

/// Ends the job with what its page shows.
pub fn finish(
    conn: &mut DbConnection,
    token: &str,
    import_id: Option<i64>,
    result: &str,
) -> QueryResult<()> {
    let at = now();
    diesel::update(import_jobs::table.filter(import_jobs::token.eq(token)))
        .set((
            import_jobs::phase.eq(DONE),
            import_jobs::import_id.eq(import_id),
            import_jobs::result.eq(result),
            import_jobs::updated_at.eq(at),
            import_jobs::finished_at.eq(Some(at)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The job `token` of `user`, if any.
pub fn find(conn: &mut DbConnection, user: UserId, token: &str) -> QueryResult<Option<JobRow>> {
    import_jobs::table
        .filter(import_jobs::token.eq(token))
        .filter(import_jobs::user_id.eq(user))
        .select(JobRow::as_select())
        .first(conn)
        .optional()
}
