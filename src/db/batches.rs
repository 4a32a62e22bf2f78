//! Payment batches (`payment_batches`, `payment_batch_lines`, issue 18): the cases of one unit
//! put to one withdrawal order, numbered per unit. A line keeps what the Mẫu số 09 list
//! printed; it is open while less than its amount is paid under the batch and the case still
//! has money due.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{cases, payment_batch_lines, payment_batches, payments, units};
use crate::domain::case_state::CaseState;
use crate::domain::ids::{CaseId, UnitId, UserId};

/// A batch as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = payment_batches)]
pub struct BatchRow {
    pub id: i64,
    pub unit_id: UnitId,
    /// 1, 2, ... per unit.
    pub number: i32,
    pub batch_date: NaiveDate,
    /// The number of the withdrawal or payment order it goes with (`12/GRDT`).
    pub order_ref: Option<String>,
    pub created_by: Option<UserId>,
    pub created_by_label: String,
    pub created_at: NaiveDateTime,
}

/// A new batch.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payment_batches)]
pub struct NewBatch {
    pub unit_id: UnitId,
    pub number: i32,
    pub batch_date: NaiveDate,
    pub order_ref: Option<String>,
    pub created_by: Option<UserId>,
    pub created_by_label: String,
    pub created_at: NaiveDateTime,
}

/// One line of a batch, as printed.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable, Insertable)]
#[diesel(table_name = payment_batch_lines)]
#[diesel(treat_none_as_default_value = false)]
pub struct BatchLine {
    pub batch_id: i64,
    pub case_id: CaseId,
    /// 1, 2, ... within the batch.
    pub line_no: i32,
    /// Row group of the form: 1 = cán bộ, công chức, viên chức; 2 = lao động hợp đồng.
    pub worker_group: i32,
    pub full_name: String,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub amount_vnd: i64,
    /// A supplementary payment (an accepted higher entitlement on a case already partly paid).
    pub supplement: bool,
}

/// The next number of a unit's batches.
pub fn next_number(conn: &mut DbConnection, unit: UnitId) -> QueryResult<i32> {
    let max: Option<i32> = payment_batches::table
        .filter(payment_batches::unit_id.eq(unit))
        .select(diesel::dsl::max(payment_batches::number))
        .first(conn)?;
    Ok(max.unwrap_or(0) + 1)
}

/// Stores a batch and its lines (call within a transaction); returns the batch id.
pub fn insert(
    conn: &mut DbConnection,
    batch: &NewBatch,
    lines: &mut [BatchLine],
) -> QueryResult<i64> {
    let id: i64 = diesel::insert_into(payment_batches::table)
        .values(batch)
        .returning(payment_batches::id)
        .get_result(conn)?;
    for line in lines.iter_mut() {
        line.batch_id = id;
    }
    for chunk in lines.chunks(super::CHUNK) {
        crate::insert_batch!(conn, payment_batch_lines::table, chunk)?;
    }
    Ok(id)
}

/// A batch with its unit's code.
pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<(BatchRow, String)>> {
    payment_batches::table
        .inner_join(units::table)
        .filter(payment_batches::id.eq(id))
        .select((BatchRow::as_select(), units::code))
        .first(conn)
        .optional()
}

/// A batch's lines in printed order.
pub fn lines(conn: &mut DbConnection, id: i64) -> QueryResult<Vec<BatchLine>> {
    payment_batch_lines::table
        .filter(payment_batch_lines::batch_id.eq(id))
        .order(payment_batch_lines::line_no.asc())
        .select(BatchLine::as_select())
        .load(conn)
}

/// The newest `limit` batches of `units` (every unit when `None`), newest first, with the
/// unit code, the number of lines and their total.
pub fn list(
    conn: &mut DbConnection,
    units_of: Option<Vec<UnitId>>,
    limit: i64,
) -> QueryResult<Vec<(BatchRow, String, i64, i64)>> {
    let mut q = payment_batches::table.inner_join(units::table).into_boxed();
    if let Some(ids) = units_of {
        q = q.filter(payment_batches::unit_id.eq_any(ids));
    }
    let batches: Vec<(BatchRow, String)> = q
        .order(payment_batches::id.desc())
        .limit(limit)
        .select((BatchRow::as_select(), units::code))
        .load(conn)?;
    let ids: Vec<i64> = batches.iter().map(|(b, _)| b.id).collect();
    let mut sums: HashMap<i64, (i64, i64)> = HashMap::new();
    for chunk in ids.chunks(super::CHUNK) {
        let amounts: Vec<(i64, i64)> = payment_batch_lines::table
            .filter(payment_batch_lines::batch_id.eq_any(chunk))
            .select((
                payment_batch_lines::batch_id,
                payment_batch_lines::amount_vnd,
            ))
            .load(conn)?;
        for (batch, amount) in amounts {
            let e = sums.entry(batch).or_default();
            e.0 += 1;
            e.1 += amount;
        }
    }
    Ok(batches
        .into_iter()
        .map(|(b, code)| {
            let (n, total) = sums.get(&b.id).copied().unwrap_or_default();
            (b, code, n, total)
        })
        .collect())
}

/// For each of `case_ids` in an open batch line, that batch: the line's amount is not yet
/// paid under the batch and the case, funded, still has money due.
pub fn open_for_cases(
    conn: &mut DbConnection,
    case_ids: &[CaseId],
) -> QueryResult<HashMap<CaseId, i64>> {
    let mut out = HashMap::new();
    for chunk in case_ids.chunks(super::CHUNK) {
        let lines: Vec<(CaseId, i64, i64)> = payment_batch_lines::table
            .inner_join(cases::table)
            .filter(payment_batch_lines::case_id.eq_any(chunk))
            .filter(cases::state.eq_any([
                CaseState::Payable.as_str(),
                CaseState::PartiallyPaid.as_str(),
            ]))
            .filter(cases::entitled_vnd.gt(cases::paid_vnd))
            .select((
                payment_batch_lines::case_id,
                payment_batch_lines::batch_id,
                payment_batch_lines::amount_vnd,
            ))
            .load(conn)?;
        if lines.is_empty() {
            continue;
        }
        let paid: Vec<(CaseId, Option<i64>, i64)> = payments::table
            .filter(payments::case_id.eq_any(chunk))
            .filter(payments::batch_id.is_not_null())
            .select((payments::case_id, payments::batch_id, payments::amount_vnd))
            .load(conn)?;
        let mut under: HashMap<(CaseId, i64), i64> = HashMap::new();
        for (case, batch, amount) in paid {
            if let Some(batch) = batch {
                *under.entry((case, batch)).or_default() += amount;
            }
        }
        for (case, batch, amount) in lines {
            if under.get(&(case, batch)).copied().unwrap_or(0) < amount {
                // The newest open batch wins should two be open (not made by this service).
                let e = out.entry(case).or_insert(batch);
                *e = (*e).max(batch);
            }
        }
    }
    Ok(out)
}
