//! Reading the audit trail: by unit (and the units below it), by case, by action, actor and
//! time, within the caller's units. Events not tied to a unit (logins, users, tokens, policy
//! loads) are visible only to callers whose units cover the whole country. Nothing here writes: the trail is appended by
//! the actions themselves and the database refuses updates and deletes.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::DbConnection;
use crate::db::audit::{AuditFilter, AuditRow, list};
use crate::db::payments::visible_units;
use crate::db::units::{UnitFilter, UnitScope};
use crate::domain::ids::{CaseId, UnitId};
use crate::domain::unit::UnitCode;
use crate::error::AppError;

/// Most events one request returns.
pub const MAX_LIMIT: i64 = 5_000;

/// What to list.
#[derive(Debug, Clone, Default)]
pub struct AuditQuery {
    pub unit: Option<String>,
    pub case_id: Option<CaseId>,
    pub action: Option<String>,
    pub actor: Option<String>,
    /// Vietnam calendar days, inclusive.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub before_id: Option<i64>,
    pub limit: Option<i64>,
}

/// One event as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditView {
    pub id: i64,
    /// UTC.
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub at: chrono::NaiveDateTime,
    pub actor: String,
    pub action: String,
    pub entity_kind: String,
    pub entity_id: Option<String>,
    pub unit_code: Option<String>,
    #[schema(value_type = Option<i64>)]
    pub case_id: Option<CaseId>,
    pub request_id: Option<String>,
    /// What the entity was before (any JSON value, or null).
    #[schema(schema_with = any_json)]
    pub before: Option<serde_json::Value>,
    /// What it became (any JSON value, or null).
    #[schema(schema_with = any_json)]
    pub after: Option<serde_json::Value>,
}

fn any_json() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::SchemaType::AnyValue)
        .into()
}

/// Events within `scope` passing the query, newest first.
#[tracing::instrument(skip_all)]
pub fn query(
    conn: &mut DbConnection,
    scope: &UnitScope,
    q: &AuditQuery,
) -> Result<Vec<AuditView>, AppError> {
    let mut filter = AuditFilter {
        case_id: q.case_id,
        action_prefix: q.action.clone().filter(|a| !a.trim().is_empty()),
        actor: q.actor.clone().filter(|a| !a.trim().is_empty()),
        from: q
            .from
            .map(|d| crate::domain::vn_time::end_of_day_utc(d - chrono::Duration::days(1))),
        to: q.to.map(crate::domain::vn_time::end_of_day_utc),
        before_id: q.before_id,
        unit_ids: None,
    };
    // A caller whose units include the whole country sees every event; others only the
    // events of their units.
    let nation = crate::db::units::find_by_code(conn, crate::domain::unit::NATION_CODE)?;
    if !nation.is_some_and(|n| scope.contains_path(&n.path)) {
        filter.unit_ids = visible_units(conn, scope)?;
    }
    if let Some(code) = q.unit.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        let unit = crate::db::units::find_in_scope(conn, scope, &UnitCode::normalize(code))?
            .ok_or(AppError::NotFound)?;
        let subtree = UnitScope::Subtrees(vec![unit.path]);
        filter.unit_ids = visible_units(conn, &subtree)?;
    }
    if let Some(id) = q.case_id {
        // Another unit's case is not found, as everywhere.
        crate::db::cases::find_in_scope(conn, scope, id)?.ok_or(AppError::NotFound)?;
    }
    let limit = q.limit.unwrap_or(500).clamp(1, MAX_LIMIT);
    let rows = list(conn, &filter, limit)?;
    let codes: HashMap<UnitId, String> =
        crate::db::units::list(conn, &UnitScope::All, &UnitFilter::default(), i64::MAX, 0)?
            .0
            .into_iter()
            .map(|u| (u.id, u.code))
            .collect();
    Ok(rows.into_iter().map(|r| view(r, &codes)).collect())
}

fn view(r: AuditRow, codes: &HashMap<UnitId, String>) -> AuditView {
    let parse = |t: Option<String>| {
        t.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)))
    };
    AuditView {
        id: r.id,
        at: r.at,
        actor: r.actor,
        action: r.action,
        entity_kind: r.entity_kind,
        entity_id: r.entity_id,
        unit_code: r.unit_id.and_then(|id| codes.get(&id).cloned()),
        case_id: r.case_id,
        request_id: r.request_id,
        before: parse(r.before_json),
        after: parse(r.after_json),
    }
}
