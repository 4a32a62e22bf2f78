//! `/healthz` (the process answers) and `/readyz` (the database is reachable and its
//! migrations are current).

use std::time::Duration;

use actix_web::{HttpResponse, web};
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use crate::config::DatabaseUrl;
use crate::db::{DbConnection, Manager, migrate};
use crate::error::AppError;

/// Health answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    pub status: &'static str,
    pub version: &'static str,
}

/// Readiness answer.
#[derive(Debug, Serialize, ToSchema)]
pub struct Readiness {
    pub status: &'static str,
    pub database: &'static str,
    pub migrations: &'static str,
    /// Which policy tables are in force.
    pub policy_tables: PolicyTables,
}

/// The policy tables in force: `embedded` (built into the binary) or `folder` (the
/// `policy_dir` setting), with the SHA-256 of their names and texts.
#[derive(Debug, Serialize, ToSchema)]
pub struct PolicyTables {
    #[schema(example = "embedded")]
    pub source: &'static str,
    pub sha256: String,
    pub tables: usize,
}

/// The process is up.
#[utoipa::path(get, path = "/healthz", tag = "health",
    responses((status = 200, body = Health)))]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(Health {
        status: "ok",
        version: env!("CARGO_PKG_VERSION"),
    })
}

/// The database is reachable and its migrations are current.
#[utoipa::path(get, path = "/readyz", tag = "health",
    responses((status = 200, body = Readiness), (status = 503, body = crate::error::ErrorEnvelope)))]
pub async fn readyz(state: web::Data<AppState>) -> Result<HttpResponse, AppError> {
    let db = state.db.clone();
    let backend = db.url().backend_name();
    let check = tokio::task::spawn_blocking(move || -> anyhow::Result<bool> {
        match db.url() {
            // A fresh read-write (never create) connection: sees a file that was removed or
            // replaced, which pooled connections holding the old file would not.
            DatabaseUrl::Sqlite(path) => {
                let uri = DatabaseUrl::Sqlite(sqlite_rw_uri(path));
                let mut conn = Manager::new(uri).open()?;
                migrate::is_current(&mut conn)
            }
            DatabaseUrl::Postgres(_) => {
                let mut conn = db.get_timeout(Duration::from_secs(2))?;
                let conn: &mut DbConnection = &mut conn;
                migrate::is_current(conn)
            }
        }
    })
    .await;
    match check {
        Ok(Ok(true)) => Ok(HttpResponse::Ok().json(Readiness {
            status: "ready",
            database: backend,
            migrations: "current",
            policy_tables: PolicyTables {
                source: crate::policy_files::source_name(state.settings.policy_dir.as_deref()),
                sha256: state.policy.fingerprint().to_owned(),
                tables: state.policy.versions().len(),
            },
        })),
        Ok(Ok(false)) => {
            tracing::warn!("not ready: migrations pending");
            Err(AppError::Unavailable)
        }
        Ok(Err(e)) => {
            tracing::warn!(error = %format!("{e:#}"), "not ready: database unreachable");
            Err(AppError::Unavailable)
        }
        Err(e) => Err(AppError::Internal(anyhow::Error::new(e))),
    }
}

/// An SQLite URI that opens an existing file read-write and never creates one.
fn sqlite_rw_uri(path: &str) -> String {
    if path.starts_with("file:") {
        return path.to_string();
    }
    let mut escaped = String::with_capacity(path.len());
    for c in path.chars() {
        match c {
            '%' => escaped.push_str("%25"),
            '?' => escaped.push_str("%3F"),
            '#' => escaped.push_str("%23"),
            _ => escaped.push(c),
        }
    }
    format!("file:{escaped}?mode=rw")
}
