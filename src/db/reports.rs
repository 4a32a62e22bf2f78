//! What the reports read: cases page by page with their people, states and payments as of a
//! date, the imports that fed the data, and the Treasury payment list.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{case_events, cases, imports, payments, people, units};
use crate::domain::case_state::CaseState;
use crate::domain::ids::{CaseId, UnitId};
use crate::domain::policy::{Band, Scheme};

/// When the first case (by id: ids grow with time, and the primary key answers without a
/// scan) was created, if there is one.
pub fn first_case_created_at(conn: &mut DbConnection) -> QueryResult<Option<NaiveDateTime>> {
    cases::table
        .order(cases::id.asc())
        .select(cases::created_at)
        .first(conn)
        .optional()
}

/// Which units' cases a report reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaseUnits {
    /// Every unit.
    All,
    /// The units whose materialised path starts with this one.
    Below(String),
    /// These units.
    Ids(Vec<UnitId>),
}

/// One case as a report reads it, with its person.
#[derive(Debug, Clone, Queryable)]
pub struct ReportCaseRow {
    pub id: i64,
    pub unit_id: UnitId,
    pub state: CaseState,
    pub scheme: Scheme,
    pub band: Band,
    pub leave_window: Option<String>,
    pub salary_exact: String,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub payment_reference: String,
    pub original_entitled_vnd: Option<i64>,
    pub full_name: String,
    pub national_id: String,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
}

/// A page of at most `limit` cases of `units` with ids above `after`, in id order (keyset
/// paging), created before `created_before` when given.
pub fn case_page(
    conn: &mut DbConnection,
    units_of: &CaseUnits,
    created_before: Option<NaiveDateTime>,
    after: i64,
    limit: i64,
) -> QueryResult<Vec<ReportCaseRow>> {
    let mut q = cases::table
        .inner_join(people::table)
        .inner_join(units::table)
        .filter(cases::id.gt(after))
        .into_boxed();
    match units_of {
        CaseUnits::All => {}
        CaseUnits::Below(path) => {
            q = q.filter(units::path.like(format!("{path}%")));
        }
        CaseUnits::Ids(ids) => {
            q = q.filter(cases::unit_id.eq_any(ids.clone()));
        }
    }
    if let Some(cutoff) = created_before {
        q = q.filter(cases::created_at.lt(cutoff));
    }
    q.order(cases::id.asc())
        .limit(limit)
        .select((
            cases::id,
            cases::unit_id,
            cases::state,
            cases::scheme,
            cases::band,
            cases::leave_window,
            cases::salary_exact,
            cases::entitled_vnd,
            cases::paid_vnd,
            cases::payment_reference,
            cases::original_entitled_vnd,
            people::full_name,
            people::national_id,
            people::bank_account,
            people::bank_name,
        ))
        .load(conn)
}

/// `(case id, state reached)` of every history entry before `cutoff`, in id order (so the
/// last entry of each case comes last).
pub fn states_before(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
) -> QueryResult<Vec<(i64, CaseState)>> {
    case_events::table
        .filter(case_events::at.lt(cutoff))
        .order(case_events::id.asc())
        .select((case_events::case_id, case_events::to_state))
        .load(conn)
}

/// `(case id, amount)` of every ledger entry (payments and reversals) dated on or before
/// `as_of`.
pub fn payments_until(conn: &mut DbConnection, as_of: NaiveDate) -> QueryResult<Vec<(i64, i64)>> {
    payments::table
        .filter(payments::paid_on.le(as_of))
        .select((payments::case_id, payments::amount_vnd))
        .load(conn)
}

/// An import as the reports list it (the data sheet's "imports that fed the data").
#[derive(Debug, Clone, Queryable)]
pub struct ImportInfo {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub unit_code: String,
    pub outcome: String,
    pub rows_total: i32,
    pub finished_at: Option<NaiveDateTime>,
}

/// Every import started before `cutoff`, oldest first, with its unit's id (no scope: the
/// caller filters on the unit).
pub fn imports_before(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
) -> QueryResult<Vec<(ImportInfo, UnitId)>> {
    imports::table
        .inner_join(units::table)
        .filter(imports::started_at.lt(cutoff))
        .order(imports::id.asc())
        .select((
            (
                imports::id,
                imports::kind,
                imports::file_name,
                imports::sha256,
                units::code,
                imports::outcome,
                imports::rows_total,
                imports::finished_at,
            ),
            imports::unit_id,
        ))
        .load(conn)
}

/// A funded case with money still due, as the Treasury payment list shows it.
#[derive(Debug, Clone, Queryable)]
pub struct PayableRow {
    pub case_id: CaseId,
    pub full_name: String,
    pub national_id: String,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub unit_code: String,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub payment_reference: String,
    pub original_entitled_vnd: Option<i64>,
    pub category: crate::domain::policy::Category,
}

/// Funded cases (payable or partially paid) of `units` (every unit when `None`) with money
/// still due, by unit code and case id.
pub fn payable(
    conn: &mut DbConnection,
    units_of: Option<Vec<UnitId>>,
) -> QueryResult<Vec<PayableRow>> {
    let mut q = cases::table
        .inner_join(people::table)
        .inner_join(units::table)
        .filter(cases::state.eq_any([
            CaseState::Payable.as_str(),
            CaseState::PartiallyPaid.as_str(),
        ]))
        .filter(cases::entitled_vnd.gt(cases::paid_vnd))
        .into_boxed();
    if let Some(ids) = units_of {
        q = q.filter(cases::unit_id.eq_any(ids));
    }
    q.order((units::code.asc(), cases::id.asc()))
        .select((
            cases::id,
            people::full_name,
            people::national_id,
            people::bank_account,
            people::bank_name,
            units::code,
            cases::entitled_vnd,
            cases::paid_vnd,
            cases::payment_reference,
            cases::original_entitled_vnd,
            cases::category,
        ))
        .load(conn)
}
