//! Daily progress snapshots (migration 15): one row per day for Việt Nam and for each unit
//! directly below it.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::progress_snapshots;
use crate::domain::ids::UnitId;

/// One day's figures of one unit.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = progress_snapshots)]
#[diesel(treat_none_as_default_value = false)]
pub struct SnapshotRow {
    pub day: NaiveDate,
    pub unit_id: UnitId,
    pub people: i64,
    pub paid: i64,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    /// Rebuilt from the history rather than taken on the day.
    pub rebuilt: bool,
    pub taken_at: NaiveDateTime,
}

/// Whether `day` has its snapshot (the national row is written with the others, in one
/// transaction).
pub fn has_day(conn: &mut DbConnection, day: NaiveDate, national: UnitId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        progress_snapshots::table
            .filter(progress_snapshots::day.eq(day))
            .filter(progress_snapshots::unit_id.eq(national)),
    ))
    .get_result(conn)
}

/// The first day with a snapshot, if any.
pub fn first_day(conn: &mut DbConnection) -> QueryResult<Option<NaiveDate>> {
    progress_snapshots::table
        .select(diesel::dsl::min(progress_snapshots::day))
        .first(conn)
}

/// Inserts the rows; a row already there (another instance was first) is left as it is.
pub fn insert(conn: &mut DbConnection, rows: &[SnapshotRow]) -> QueryResult<usize> {
    let mut n = 0;
    for chunk in rows.chunks(super::CHUNK) {
        n += match conn {
            DbConnection::Sqlite(c) => diesel::insert_into(progress_snapshots::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
            DbConnection::Postgresql(c) => diesel::insert_into(progress_snapshots::table)
                .values(chunk)
                .on_conflict_do_nothing()
                .execute(c)?,
        };
    }
    Ok(n)
}

/// The snapshots of one unit, oldest first.
pub fn of_unit(conn: &mut DbConnection, unit: UnitId) -> QueryResult<Vec<SnapshotRow>> {
    progress_snapshots::table
        .filter(progress_snapshots::unit_id.eq(unit))
        .order(progress_snapshots::day.asc())
        .select(SnapshotRow::as_select())
        .load(conn)
}
