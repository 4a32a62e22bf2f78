//! Storage: one portable diesel schema over SQLite (the embedded default) and PostgreSQL.
//!
//! Queries are written once against [`DbConnection`], diesel's multi-backend connection.
//! Backend-specific SQL (upserts, bulk loads) stays in this module tree behind a `match` on
//! the connection. Storage functions take `&mut DbConnection` and return rows; async callers go
//! through [`Db::run`], which moves the work to the blocking pool and keeps the tracing span.

pub mod audit;
pub mod batches;
pub mod case_events;
pub mod cases;
pub mod components;
pub mod documents;
pub mod drafts;
pub mod flags;
pub mod imports;
pub mod jobs;
pub mod mapping_profiles;
pub mod markers;
pub mod messages;
pub mod migrate;
pub mod normalize;
pub mod payments;
pub mod people;
pub mod pinned;
pub mod progress;
pub mod reports;
pub mod schema;
pub mod settings;
pub mod snapshots;
pub mod sql_types;
pub mod units;
pub mod users;

use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use diesel::connection::SimpleConnection;
use diesel::r2d2::{self, ManageConnection, R2D2Connection};
use diesel::{Connection, PgConnection, SqliteConnection};

use crate::config::{DatabaseUrl, Settings};

/// Rows per multi-row insert: keeps every statement under SQLite's 32,766 and PostgreSQL's
/// 65,535 bound parameters for the widest table (cases, 27 columns).
pub const CHUNK: usize = 1000;

/// A connection to either backend.
#[derive(diesel::MultiConnection)]
pub enum DbConnection {
    Postgresql(PgConnection),
    Sqlite(SqliteConnection),
}

/// Errors from taking a connection out of the pool.
pub type PoolError = r2d2::PoolError;

/// Opens connections for the pool, choosing the backend from the URL (never by trial) and
/// preparing each SQLite connection (foreign keys, WAL, busy timeout).
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
}

/// Statements run on every new SQLite connection.
const SQLITE_PRAGMAS: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
     PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; \
     PRAGMA temp_store = MEMORY;";

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Manager { url }
    }

    /// Opens one connection directly, with the backend's own error message.
    pub fn open(&self) -> Result<DbConnection, r2d2::Error> {
        match &self.url {
            DatabaseUrl::Postgres(url) => PgConnection::establish(url.expose())
                .map(DbConnection::Postgresql)
                .map_err(r2d2::Error::ConnectionError),
            DatabaseUrl::Sqlite(path) => {
                let mut conn =
                    SqliteConnection::establish(path).map_err(r2d2::Error::ConnectionError)?;
                conn.batch_execute(SQLITE_PRAGMAS)
                    .map_err(r2d2::Error::QueryError)?;
                Ok(DbConnection::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConnection;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConnection, r2d2::Error> {
        self.open()
    }

    fn is_valid(&self, conn: &mut DbConnection) -> Result<(), r2d2::Error> {
        conn.ping().map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, conn: &mut DbConnection) -> bool {
        std::thread::panicking() || conn.is_broken()
    }
}

/// The connection pool and what it points at. Cheap to clone.
#[derive(Clone)]
pub struct Db {
    pool: r2d2::Pool<Manager>,
    url: DatabaseUrl,
}

impl std::fmt::Debug for Db {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Db({})", self.url)
    }
}

impl Db {
    /// Connects (failing fast with the backend's message), then builds the pool.
    ///
    /// For SQLite the parent folder of the file is created if missing.
    pub fn connect(settings: &Settings) -> anyhow::Result<Db> {
        let url = settings.database.clone();
        if let DatabaseUrl::Sqlite(path) = &url {
            prepare_sqlite_path(path)?;
        }
        let manager = Manager::new(url.clone());
        // One direct connection first: a clear error now instead of a pool time-out later.
        manager
            .open()
            .with_context(|| format!("cannot open the database {url} (setting database_url)"))?;
        let pool = r2d2::Pool::builder()
            .max_size(settings.pool_size)
            .min_idle(Some(1))
            .connection_timeout(settings.db_connect_timeout)
            .test_on_check_out(true)
            .error_handler(Box::new(QuietErrors))
            .build(manager)
            .with_context(|| format!("cannot build the connection pool for {url}"))?;
        Ok(Db { pool, url })
    }

    /// The database this pool points at.
    pub fn url(&self) -> &DatabaseUrl {
        &self.url
    }

    /// A connection for synchronous code (CLI commands, tests).
    pub fn get(&self) -> Result<r2d2::PooledConnection<Manager>, PoolError> {
        self.pool.get()
    }

    /// A second connection if one is free right now (work that can use two in parallel
    /// falls back to one).
    pub fn try_get(&self) -> Option<r2d2::PooledConnection<Manager>> {
        self.pool.try_get()
    }

    /// A connection, waiting at most `timeout` (readiness checks).
    pub fn get_timeout(
        &self,
        timeout: Duration,
    ) -> Result<r2d2::PooledConnection<Manager>, PoolError> {
        self.pool.get_timeout(timeout)
    }

    /// Runs blocking work with the pool on the blocking thread pool, inside the caller's
    /// span: the work's own result, or the task's failure. (The services' `Db::run` takes a
    /// connection for the work and speaks their error type.)
    pub async fn run_blocking<R, F>(&self, work: F) -> Result<R, tokio::task::JoinError>
    where
        F: FnOnce(&r2d2::Pool<Manager>) -> R + Send + 'static,
        R: Send + 'static,
    {
        let pool = self.pool.clone();
        let span = tracing::Span::current();
        tokio::task::spawn_blocking(move || {
            let _entered = span.enter();
            work(&pool)
        })
        .await
    }
}

/// r2d2 logs connection errors through this: a warning without the URL.
#[derive(Debug)]
struct QuietErrors;

impl r2d2::HandleError<r2d2::Error> for QuietErrors {
    fn handle_error(&self, error: r2d2::Error) {
        tracing::warn!(error = %error, "database connection failed");
    }
}

fn prepare_sqlite_path(path: &str) -> anyhow::Result<()> {
    if path.starts_with("file:") || path == ":memory:" {
        return Ok(());
    }
    if let Some(parent) = Path::new(path)
        .parent()
        .filter(|p| !p.as_os_str().is_empty() && !p.exists())
    {
        std::fs::create_dir_all(parent).with_context(|| {
            format!(
                "cannot create the folder {} for the SQLite database (setting database_url)",
                parent.display()
            )
        })?;
    }
    Ok(())
}

/// Runs `work` in one write transaction on either backend (on SQLite the write lock is taken
/// first, so that concurrent writers wait for each other instead of failing).
pub fn transaction<T, E, F>(conn: &mut DbConnection, work: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConnection) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    conn.transaction(|conn| {
        if let DbConnection::Sqlite(c) = conn {
            // Every transaction here writes. On SQLite a transaction that reads first and
            // writes later fails at once (SQLITE_BUSY_SNAPSHOT, which no busy timeout waits
            // for) when another writer committed in between; taking the write lock first
            // makes concurrent writers queue on the busy timeout instead. A write statement
            // that changes no row is enough to take it.
            diesel::RunQueryDsl::execute(
                diesel::sql_query("UPDATE app_settings SET value = value WHERE 1 = 0"),
                c,
            )?;
        }
        work(conn)
    })
}

/// A batch insert of `rows` into `table`, on whichever backend the connection is: one
/// multi-row `INSERT` on SQLite, `COPY ... FROM STDIN (FORMAT binary)` on PostgreSQL (several
/// times faster than a multi-row insert there, and without a parameter limit).
///
/// diesel's multi-backend connection cannot express batch inserts, so this expands the
/// statement once per backend (the one place where storage matches on the connection for it).
#[macro_export]
macro_rules! insert_batch {
    ($conn:expr, $table:expr, $rows:expr) => {
        match $conn {
            $crate::db::DbConnection::Sqlite(c) => {
                diesel::RunQueryDsl::execute(diesel::insert_into($table).values($rows), c)
            }
            $crate::db::DbConnection::Postgresql(c) => diesel::ExecuteCopyFromDsl::execute(
                diesel::copy_from($table).from_insertable($rows),
                c,
            ),
        }
    };
}

/// [`insert_batch!`] over all of `rows`, [`CHUNK`] rows per statement. On SQLite every full
/// chunk goes in as a fixed-size array, which gives diesel a statement it may keep prepared:
/// the same `INSERT` of 1,000 rows is then parsed once per connection instead of once per
/// chunk (a 22-column chunk is a 22,000-parameter statement); only the last, shorter chunk is
/// prepared afresh. Returns the rows written.
#[macro_export]
macro_rules! insert_chunks {
    ($conn:expr, $table:expr, $rows:expr) => {{
        let rows = $rows;
        let mut written = 0usize;
        let mut chunks = rows.chunks_exact($crate::db::CHUNK);
        for chunk in &mut chunks {
            written += match <&[_; $crate::db::CHUNK]>::try_from(chunk) {
                Ok(full) => $crate::insert_batch!(&mut *$conn, $table, full)?,
                Err(_) => $crate::insert_batch!(&mut *$conn, $table, chunk)?,
            };
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            written += $crate::insert_batch!(&mut *$conn, $table, rest)?;
        }
        written
    }};
}

/// The rows of an `UPDATE ... FROM (VALUES ...)` statement: `(a,b,..),(a,b,..)`, each row
/// written by `row` (which writes the inside of the parentheses). Only for values the program
/// formats itself (ids, amounts, dates, fixed codes), never for text a person typed.
pub fn values_list<T>(rows: &[T], mut row: impl FnMut(&mut String, &T)) -> String {
    let mut out = String::with_capacity(rows.len() * 24);
    for (i, r) in rows.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push('(');
        row(&mut out, r);
        out.push(')');
    }
    out
}

/// Rows after which a bulk write refreshes the planner's statistics on PostgreSQL.
pub const ANALYZE_AFTER_ROWS: u64 = 10_000;

/// After a bulk write on PostgreSQL (outside its transaction), refreshes the planner's
/// statistics of `tables`: a fresh load of 150,000 rows otherwise plans like an empty table
/// until autovacuum comes round. SQLite needs nothing.
pub fn analyze(conn: &mut DbConnection, tables: &[&str]) -> diesel::QueryResult<()> {
    if let DbConnection::Postgresql(c) = conn {
        diesel::RunQueryDsl::execute(
            diesel::sql_query(format!("ANALYZE {}", tables.join(", "))),
            c,
        )?;
    }
    Ok(())
}

/// Now, in UTC, as stored in `TIMESTAMP` columns.
pub fn now() -> chrono::NaiveDateTime {
    chrono::Utc::now().naive_utc()
}

/// Today's calendar date in Vietnam (UTC+7): the day payments, deadlines and flags are
/// counted in.
pub fn today_vn() -> chrono::NaiveDate {
    crate::domain::vn_time::day(now())
}
