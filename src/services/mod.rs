//! Services: the use cases that combine the domain, the readers and storage (an import, a
//! transition, a payment). HTTP handlers and CLI commands call these and only translate.

pub mod accept_change;
pub mod audit;
pub mod batches;
pub mod case_review;
pub mod flags;
pub mod imports;
pub mod lookup_codes;
pub mod payments;
pub mod progress;
pub mod recompute;
pub mod reconcile;
pub mod self_service;
pub mod snapshots;
pub mod treasury_accounts;
pub mod unit_merge;
pub mod users;

use crate::db::units::UnitScope;
use crate::db::{Db, DbConnection};
use crate::domain::ids::UserId;
use crate::error::AppError;

impl Db {
    /// Runs blocking database work on a pooled connection, off the async workers and inside
    /// the caller's span.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut DbConnection) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.run_blocking(move |pool| {
            let mut conn = pool.get()?;
            work(&mut conn)
        })
        .await
        .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("database task failed")))?
    }
}

/// Who is acting, as the services need to know it.
#[derive(Debug, Clone)]
pub struct Actor {
    /// The user, or `None` for the command line.
    pub user_id: Option<UserId>,
    /// Username, or `cli`.
    pub label: String,
    /// The units this actor may act on.
    pub scope: UnitScope,
    /// The request id, for the audit trail.
    pub request_id: Option<String>,
}

impl Actor {
    /// The operator at the command line: every unit.
    pub fn cli() -> Actor {
        Actor {
            user_id: None,
            label: "cli".into(),
            scope: UnitScope::All,
            request_id: None,
        }
    }

    /// The operator running a maintenance command (migrate, users, demo data, a recompute
    /// preview): every unit, recorded as `os:<operating-system user>`.
    pub fn operator() -> Actor {
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("LOGNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Actor {
            label: format!("os:{user}"),
            ..Actor::cli()
        }
    }
}
