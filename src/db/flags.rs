//! The stored facts flags are computed from (`services::flags` and `domain::flags` decide):
//! cases with their person, unit and markers, and the statement lines not matched.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{case_markers, cases, people, statement_lines, units};
use crate::domain::case_state::CaseState;
use crate::domain::ids::{CaseId, StatementLineId, UnitId};

/// Which rows to read: the units visible (every unit when `None`), the subtree below a
/// materialised path, one case.
#[derive(Debug, Clone, Copy, Default)]
pub struct FlagRows<'a> {
    pub visible: Option<&'a [UnitId]>,
    pub unit_path: Option<&'a str>,
    pub case_id: Option<CaseId>,
}

/// The facts of one case (not cancelled) that its flags depend on.
#[derive(Debug, Clone, Queryable)]
pub struct CaseFactsRow {
    pub id: CaseId,
    pub state: CaseState,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub approved_at: Option<NaiveDateTime>,
    pub entitlement_set_at: Option<NaiveDateTime>,
    pub last_payment_on: Option<NaiveDate>,
    /// The person's bank account.
    pub bank_account: Option<String>,
    pub decision_date: Option<NaiveDate>,
    /// The markers (none when the case has no markers row).
    pub entitlement_changed_on: Option<NaiveDate>,
    pub disputed_on: Option<NaiveDate>,
    pub duplicate_payment_on: Option<NaiveDate>,
    pub unit_code: String,
    pub unit_name: String,
    pub treasury_account_no: Option<String>,
    pub unit_kind: String,
}

/// The facts of the cases not cancelled that `rows` selects (unordered).
pub fn case_facts(conn: &mut DbConnection, rows: FlagRows<'_>) -> QueryResult<Vec<CaseFactsRow>> {
    let mut q = cases::table
        .inner_join(people::table)
        .inner_join(units::table)
        .left_join(case_markers::table)
        .filter(cases::state.ne(CaseState::Cancelled))
        .into_boxed();
    if let Some(ids) = rows.visible {
        q = q.filter(cases::unit_id.eq_any(ids.to_vec()));
    }
    if let Some(path) = rows.unit_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(id) = rows.case_id {
        q = q.filter(cases::id.eq(id));
    }
    q.select((
        cases::id,
        cases::state,
        cases::entitled_vnd,
        cases::paid_vnd,
        cases::approved_at,
        cases::entitlement_set_at,
        cases::last_payment_on,
        people::bank_account,
        cases::decision_date,
        case_markers::entitlement_changed_on.nullable(),
        case_markers::disputed_on.nullable(),
        case_markers::duplicate_payment_on.nullable(),
        units::code,
        units::name_vi,
        units::treasury_account_no,
        units::kind,
    ))
    .load(conn)
}

/// A statement line not matched, with the unit whose statement it is.
#[derive(Debug, Clone, Queryable)]
pub struct UnmatchedLineRow {
    pub id: StatementLineId,
    /// The case whose reference the line carries, if any.
    pub case_id: Option<CaseId>,
    pub line_date: NaiveDate,
    pub unit_code: String,
    pub unit_name: String,
    pub unit_path: String,
    pub unmatched_reason: Option<String>,
}

/// The statement lines not matched that `rows` selects (by the line's unit; for one case, the
/// lines carrying its reference), unordered.
pub fn unmatched_lines(
    conn: &mut DbConnection,
    rows: FlagRows<'_>,
) -> QueryResult<Vec<UnmatchedLineRow>> {
    let mut q = statement_lines::table
        .inner_join(units::table)
        .filter(statement_lines::match_id.is_null())
        .into_boxed();
    if let Some(ids) = rows.visible {
        q = q.filter(statement_lines::unit_id.eq_any(ids.to_vec()));
    }
    if let Some(path) = rows.unit_path {
        q = q.filter(units::path.like(format!("{path}%")));
    }
    if let Some(id) = rows.case_id {
        q = q.filter(statement_lines::case_id.eq(id));
    }
    q.select((
        statement_lines::id,
        statement_lines::case_id,
        statement_lines::line_date,
        units::code,
        units::name_vi,
        units::path,
        statement_lines::unmatched_reason,
    ))
    .load(conn)
}
