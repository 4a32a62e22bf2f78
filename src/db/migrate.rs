//! Embedded migrations, one folder per backend, applied at start-up and by `staffpay migrate`.

use anyhow::Context as _;
use diesel_migrations::{EmbeddedMigrations, MigrationHarness, embed_migrations};

use super::DbConnection;

const SQLITE: EmbeddedMigrations = embed_migrations!("migrations/sqlite");
const POSTGRES: EmbeddedMigrations = embed_migrations!("migrations/postgres");

/// Applies every pending migration, then the data steps that have not run on this database
/// ([`super::normalize`], [`super::components`]); returns the versions applied (empty when current).
pub fn run_pending(conn: &mut DbConnection) -> anyhow::Result<Vec<String>> {
    let applied: Vec<String> = match conn {
        DbConnection::Sqlite(c) => c.run_pending_migrations(SQLITE),
        DbConnection::Postgresql(c) => c.run_pending_migrations(POSTGRES),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))
    .context("applying database migrations")?
    .into_iter()
    .map(|v| v.to_string())
    .collect();
    let changed =
        super::normalize::normalize_stored_text(conn).context("normalising stored text to NFC")?;
    if changed > 0 {
        tracing::info!(changed, "stored text normalised to NFC");
    }
    let filled = super::components::fill_from_pinned_results(conn)
        .context("filling case components from the pinned results")?;
    if filled > 0 {
        tracing::info!(filled, "case components filled from the pinned results");
    }
    Ok(applied)
}

/// Whether every embedded migration has been applied.
pub fn is_current(conn: &mut DbConnection) -> anyhow::Result<bool> {
    let pending = match conn {
        DbConnection::Sqlite(c) => c.has_pending_migration(SQLITE),
        DbConnection::Postgresql(c) => c.has_pending_migration(POSTGRES),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(!pending)
}

/// Reverts the latest applied migration (its `down.sql`); returns its version. For rolling an
/// upgrade back (docs/OPERATIONS.md) and for the tests that check each migration carries the
/// data both ways.
pub fn revert_last(conn: &mut DbConnection) -> anyhow::Result<String> {
    let version = match conn {
        DbConnection::Sqlite(c) => c.revert_last_migration(SQLITE),
        DbConnection::Postgresql(c) => c.revert_last_migration(POSTGRES),
    }
    .map_err(|e| anyhow::anyhow!("{e}"))
    .context("reverting the latest database migration")?;
    Ok(version.to_string())
}
