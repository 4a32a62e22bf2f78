//! Case markers (`case_markers`): the days flags are aged from, and the entitlement a
//! recomputation proposes for an approved case.

use chrono::NaiveDate;
use diesel::prelude::*;

use super::schema::{case_markers, cases, units};
use super::{CHUNK, DbConnection};
use crate::domain::case_state::CaseState;
use crate::domain::ids::CaseId;

/// A stored marker that flags are aged from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Marker {
    EntitlementChanged,
    Disputed,
    DuplicatePayment,
}

/// Makes sure every case of `ids` has a markers row.
fn ensure_markers(conn: &mut DbConnection, ids: &[CaseId]) -> QueryResult<()> {
    let rows: Vec<_> = ids.iter().map(|id| case_markers::case_id.eq(*id)).collect();
    for chunk in rows.chunks(CHUNK) {
        match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(case_markers::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(case_markers::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(())
}

/// Sets (`Some(day)`, keeping an earlier day already set) or clears (`None`) a marker on cases.
pub fn set_marker(
    conn: &mut DbConnection,
    ids: &[CaseId],
    marker: Marker,
    on: Option<NaiveDate>,
) -> QueryResult<()> {
    use super::schema::case_markers as m;
    if ids.is_empty() {
        return Ok(());
    }
    if on.is_some() {
        ensure_markers(conn, ids)?;
    }
    for chunk in ids.chunks(CHUNK * 5) {
        let target = m::table.filter(m::case_id.eq_any(chunk));
        macro_rules! set {
            ($col:expr) => {
                match on {
                    Some(day) => diesel::update(target.filter($col.is_null()))
                        .set($col.eq(day))
                        .execute(conn)?,
                    None => diesel::update(target)
                        .set($col.eq(None::<NaiveDate>))
                        .execute(conn)?,
                }
            };
        }
        match marker {
            Marker::EntitlementChanged => set!(m::entitlement_changed_on),
            Marker::Disputed => set!(m::disputed_on),
            Marker::DuplicatePayment => set!(m::duplicate_payment_on),
        };
    }
    Ok(())
}

/// Records (or, with `None`, clears) the entitlement a recomputation proposes for an approved
/// case, raising (or clearing) its `entitlement_changed` marker.
pub fn set_pending_entitlement(
    conn: &mut DbConnection,
    id: CaseId,
    pending: Option<i64>,
    on: NaiveDate,
) -> QueryResult<()> {
    use super::schema::case_markers as m;
    ensure_markers(conn, &[id])?;
    diesel::update(m::table.find(id))
        .set((
            m::pending_entitled_vnd.eq(pending),
            m::entitlement_changed_on.eq(pending.map(|_| on)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The entitlement a recomputation proposed for a case, if any.
pub fn pending_entitlement(conn: &mut DbConnection, id: CaseId) -> QueryResult<Option<i64>> {
    use super::schema::case_markers as m;
    Ok(m::table
        .find(id)
        .select(m::pending_entitled_vnd)
        .first::<Option<i64>>(conn)
        .optional()?
        .flatten())
}

/// A case (not cancelled) with a proposed entitlement: its figures, unit and marker.
#[derive(Debug, Clone, Queryable)]
pub struct PendingRow {
    pub case_id: CaseId,
    pub version: i32,
    pub unit_code: String,
    pub state: String,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub pending_entitled_vnd: Option<i64>,
    pub entitlement_changed_on: Option<NaiveDate>,
    pub unit_path: String,
}

/// Every case not cancelled with a proposed entitlement, by id (no scope: the caller filters
/// on `unit_path`).
pub fn pending_changes(conn: &mut DbConnection) -> QueryResult<Vec<PendingRow>> {
    use super::schema::case_markers as m;
    cases::table
        .inner_join(units::table)
        .inner_join(m::table)
        .filter(m::pending_entitled_vnd.is_not_null())
        .filter(cases::state.ne(CaseState::Cancelled))
        .order(cases::id.asc())
        .select((
            cases::id,
            cases::version,
            units::code,
            cases::state,
            cases::entitled_vnd,
            cases::paid_vnd,
            m::pending_entitled_vnd,
            m::entitlement_changed_on,
            units::path,
        ))
        .load(conn)
}
