//! Aggregates of cases per unit, for progress reports (one grouped query; the roll-up to
//! ministries, provinces and the nation happens in memory over the unit tree).

use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConnection;
use crate::domain::ids::UnitId;

/// Case counts and money of one unit in one state.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct UnitStateTotals {
    #[diesel(sql_type = BigInt)]
    pub unit_id: UnitId,
    #[diesel(sql_type = Text)]
    pub state: crate::domain::case_state::CaseState,
    #[diesel(sql_type = BigInt)]
    pub cases: i64,
    #[diesel(sql_type = BigInt)]
    pub entitled_vnd: i64,
    #[diesel(sql_type = BigInt)]
    pub paid_vnd: i64,
}

/// Per unit and state: how many cases, how much entitled and paid.
///
/// Sums of BIGINT are cast back to BIGINT in SQL (PostgreSQL would return NUMERIC), so no
/// decimal or floating type is involved; whole đồng stay whole đồng.
pub fn by_unit_and_state(conn: &mut DbConnection) -> QueryResult<Vec<UnitStateTotals>> {
    diesel::sql_query(
        "SELECT unit_id, state, CAST(COUNT(*) AS BIGINT) AS cases, \
         CAST(COALESCE(SUM(entitled_vnd), 0) AS BIGINT) AS entitled_vnd, \
         CAST(COALESCE(SUM(paid_vnd), 0) AS BIGINT) AS paid_vnd \
         FROM cases GROUP BY unit_id, state",
    )
    .load(conn)
}

/// Owed cases (not fully paid, not cancelled) of one unit whose decision dates fall in one
/// deadline band: how many, how many were approved before `cutoff`, and the oldest approval.
/// Band -1: no decision date; band i: before `breakpoints[i]` (and not before the previous);
/// band `breakpoints.len()`: on or after the last.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct OwedGroup {
    #[diesel(sql_type = BigInt)]
    pub unit_id: UnitId,
    #[diesel(sql_type = BigInt)]
    pub band: i64,
    #[diesel(sql_type = BigInt)]
    pub cases: i64,
    #[diesel(sql_type = BigInt)]
    pub approved_before_cutoff: i64,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Timestamp>)]
    pub oldest_approval: Option<chrono::NaiveDateTime>,
}

/// Owed cases grouped by unit and deadline band (a few rows per unit, read from the covering
/// index `cases_progress_idx`).
pub fn owed_groups(
    conn: &mut DbConnection,
    cutoff: chrono::NaiveDateTime,
    breakpoints: &[chrono::NaiveDate],
) -> QueryResult<Vec<OwedGroup>> {
    // The breakpoints are dates from the policy tables, formatted here (never user input).
    let mut band = String::from("CASE WHEN decision_date IS NULL THEN -1");
    for (i, cut) in breakpoints.iter().enumerate() {
        band.push_str(&format!(
            " WHEN decision_date < '{}' THEN {i}",
            cut.format("%Y-%m-%d")
        ));
    }
    band.push_str(&format!(" ELSE {} END", breakpoints.len()));
    diesel::sql_query(format!(
        "SELECT unit_id, CAST({band} AS BIGINT) AS band, CAST(COUNT(*) AS BIGINT) AS cases, \
         CAST(COALESCE(SUM(CASE WHEN approved_at < $1 THEN 1 ELSE 0 END), 0) AS BIGINT) \
           AS approved_before_cutoff, \
         MIN(approved_at) AS oldest_approval \
         FROM cases \
         WHERE state IN ('submitted', 'returned', 'approved', 'payable', 'partially_paid') \
           AND paid_vnd < entitled_vnd \
         GROUP BY unit_id, {band}"
    ))
    .bind::<diesel::sql_types::Timestamp, _>(cutoff)
    .load(conn)
}
