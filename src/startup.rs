//! Bringing a process up: connect, migrate, load reference data and keys.

use std::sync::Arc;

use anyhow::Context as _;

use crate::auth::SecretKeys;
use crate::config::Settings;
use crate::db::{Db, migrate, units};
use crate::domain::policy::PolicySet;
use crate::http::AppState;

/// Connects to the database, applies pending migrations and makes sure the reference units
/// exist. Used by `serve`, `migrate` and every command that touches the database.
pub fn prepare_database(settings: &Settings) -> anyhow::Result<Db> {
    let db = Db::connect(settings)?;
    let mut conn = db.get().context("taking a database connection")?;
    let applied = migrate::run_pending(&mut conn)?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "migrations applied");
    }
    let added = units::seed_reference(&mut conn).context("loading reference units")?;
    if added > 0 {
        tracing::info!(count = added, "reference units added");
    }
    Ok(db)
}

/// The policy tables the settings name: the folder `policy_dir` when set, else the tables
/// compiled into the binary. Logs which set is in force and its fingerprint.
pub fn load_policy(settings: &Settings) -> anyhow::Result<PolicySet> {
    let dir = settings.policy_dir.as_deref();
    let policy = crate::policy_files::load(dir).with_context(|| match dir {
        Some(dir) => format!(
            "loading policy tables from {} (setting policy_dir)",
            dir.display()
        ),
        None => "loading the policy tables built into the binary".to_owned(),
    })?;
    tracing::info!(
        tables = policy.versions().len(),
        source = crate::policy_files::source_name(dir),
        folder = dir.map(|d| d.display().to_string()),
        sha256 = policy.fingerprint(),
        "policy tables loaded"
    );
    Ok(policy)
}

/// The state shared by every request of a server.
pub fn app_state(settings: Settings, db: Db) -> anyhow::Result<AppState> {
    let policy = load_policy(&settings)?;
    app_state_with(settings, db, policy)
}

/// The state shared by every request of a server, with policy tables already read.
pub fn app_state_with(settings: Settings, db: Db, policy: PolicySet) -> anyhow::Result<AppState> {
    let keys = {
        let mut conn = db.get().context("taking a database connection")?;
        let versions: Vec<serde_json::Value> = policy
            .versions()
            .iter()
            .map(|v| serde_json::json!({ "id": v.id, "version": v.version }))
            .collect();
        crate::db::audit::record(
            &mut conn,
            crate::db::audit::AuditEntry {
                actor: "system".into(),
                action: "policy.load".into(),
                entity_kind: "policy".into(),
                after: Some(serde_json::Value::Array(versions)),
                ..Default::default()
            },
        )
        .context("recording the policy tables loaded")?;
        if crate::db::progress::sync_deadline_cuts(&mut conn, &policy.deadline_breakpoints())
            .context("keying the progress aggregates by the policy's deadline cuts")?
        {
            tracing::info!("progress aggregates keyed by the policy's deadline cuts");
        }
        SecretKeys::load(&settings, &mut conn).context("loading the secret key")?
    };
    Ok(AppState {
        db,
        policy: Arc::new(policy),
        keys: Arc::new(keys),
        settings: Arc::new(settings),
        flags_remembered: Arc::default(),
    })
}
