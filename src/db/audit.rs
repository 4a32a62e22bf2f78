//! The append-only audit trail: who did what, when, before and after, with the request id.
//!
//! Only inserts exist here; the database refuses updates and deletes (triggers on both
//! backends).

use crate::domain::ids::UserId;
use crate::domain::ids::{CaseId, UnitId};
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::audit_events;
use super::{DbConnection, now};

/// One thing that happened.
#[derive(Debug, Clone, Default)]
pub struct AuditEntry {
    pub actor_user_id: Option<UserId>,
    /// Username, `cli`, `system` or `anonymous` (never a person's name or id number).
    pub actor: String,
    /// e.g. `auth.login`, `auth.login_failed`, `user.create`, `token.revoke`, `unit.treasury_account`.
    pub action: String,
    pub entity_kind: String,
    pub entity_id: Option<String>,
    pub unit_id: Option<UnitId>,
    pub case_id: Option<CaseId>,
    pub request_id: Option<String>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

/// A stored audit event.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = audit_events)]
pub struct AuditRow {
    pub id: i64,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub at: NaiveDateTime,
    pub actor_user_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: Option<String>,
    pub unit_id: Option<UnitId>,
    pub case_id: Option<CaseId>,
    pub request_id: Option<String>,
    pub before_json: Option<String>,
    pub after_json: Option<String>,
}

/// Appends one event.
pub fn record(conn: &mut DbConnection, entry: AuditEntry) -> QueryResult<()> {
    diesel::insert_into(audit_events::table)
        .values((
            audit_events::at.eq(now()),
            audit_events::actor_user_id.eq(entry.actor_user_id),
            audit_events::actor.eq(entry.actor),
            audit_events::action.eq(entry.action),
            audit_events::entity_kind.eq(entry.entity_kind),
            audit_events::entity_id.eq(entry.entity_id),
            audit_events::unit_id.eq(entry.unit_id),
            audit_events::case_id.eq(entry.case_id),
            audit_events::request_id.eq(entry.request_id),
            audit_events::before_json.eq(entry.before.map(|v| v.to_string())),
            audit_events::after_json.eq(entry.after.map(|v| v.to_string())),
        ))
        .execute(conn)?;
    Ok(())
}

/// The most recent events, newest first.
/// The newest audit entry's id (`None` for an empty trail): it moves with every audited
/// change, so a figure computed from the data can be reused while it stays the same.
pub fn high_water(conn: &mut DbConnection) -> QueryResult<Option<i64>> {
    audit_events::table
        .select(diesel::dsl::max(audit_events::id))
        .first(conn)
}

pub fn recent(conn: &mut DbConnection, limit: i64) -> QueryResult<Vec<AuditRow>> {
    audit_events::table
        .order(audit_events::id.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}

/// Which events to list.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    /// Only events of these units (a unit and the units below it, resolved by the caller).
    pub unit_ids: Option<Vec<UnitId>>,
    pub case_id: Option<CaseId>,
    /// Actions starting with this (`case.`, `payment.record`).
    pub action_prefix: Option<String>,
    pub actor: Option<String>,
    /// UTC bounds, inclusive from, exclusive to.
    pub from: Option<NaiveDateTime>,
    pub to: Option<NaiveDateTime>,
    /// Only events older than this id (paging backwards).
    pub before_id: Option<i64>,
}

/// Events passing `filter`, newest first, at most `limit`.
pub fn list(
    conn: &mut DbConnection,
    filter: &AuditFilter,
    limit: i64,
) -> QueryResult<Vec<AuditRow>> {
    let mut q = audit_events::table.into_boxed();
    if let Some(ids) = &filter.unit_ids {
        q = q.filter(audit_events::unit_id.eq_any(ids.clone()));
    }
    if let Some(id) = filter.case_id {
        q = q.filter(audit_events::case_id.eq(id));
    }
    if let Some(prefix) = &filter.action_prefix {
        let escaped = prefix
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        q = q.filter(
            audit_events::action
                .like(format!("{escaped}%"))
                .escape('\\'),
        );
    }
    if let Some(actor) = &filter.actor {
        q = q.filter(audit_events::actor.eq(actor.clone()));
    }
    if let Some(from) = filter.from {
        q = q.filter(audit_events::at.ge(from));
    }
    if let Some(to) = filter.to {
        q = q.filter(audit_events::at.lt(to));
    }
    if let Some(before) = filter.before_id {
        q = q.filter(audit_events::id.lt(before));
    }
    q.order(audit_events::id.desc())
        .limit(limit)
        .select(AuditRow::as_select())
        .load(conn)
}
