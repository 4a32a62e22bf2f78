//! A case's history (`case_events`): who did what, when and why, appended, never changed.

use super::sql_types::Stamp;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::case_events;
use crate::domain::case_state::CaseState;
use crate::domain::ids::{CaseId, UserId};

/// A history entry.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_events)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewCaseEvent {
    pub case_id: CaseId,
    pub at: Stamp,
    pub actor_user_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub from_state: Option<CaseState>,
    pub to_state: CaseState,
    pub reason: Option<String>,
    pub detail_json: Option<String>,
    pub request_id: Option<String>,
}

/// Appends history entries in chunks.
pub fn insert_events(conn: &mut DbConnection, rows: &[NewCaseEvent]) -> QueryResult<()> {
    crate::insert_chunks!(conn, case_events::table, rows);
    Ok(())
}

/// A case's history, oldest first.
pub fn events(conn: &mut DbConnection, case_id: CaseId) -> QueryResult<Vec<CaseEventRow>> {
    case_events::table
        .filter(case_events::case_id.eq(case_id))
        .order(case_events::id.asc())
        .select(CaseEventRow::as_select())
        .load(conn)
}

/// A history entry as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = case_events)]
pub struct CaseEventRow {
    pub id: i64,
    pub case_id: CaseId,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub at: NaiveDateTime,
    pub actor_user_id: Option<UserId>,
    pub actor: String,
    pub action: String,
    pub from_state: Option<CaseState>,
    pub to_state: CaseState,
    pub reason: Option<String>,
    pub detail_json: Option<String>,
    pub request_id: Option<String>,
}
