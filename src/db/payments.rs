//! The payment ledger (entries appended, never edited: a reversal is a negative entry that
//! names the entry it reverses), statement lines, and the matches between them.

use crate::domain::ids::{CaseId, UnitId};
use crate::domain::ids::{PaymentId, StatementLineId, UserId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use std::fmt::Write as _;

use super::CHUNK;
use super::schema::{cases, payments, people, reconciliation_matches, statement_lines, units};
use super::units::UnitScope;
use super::{DbConnection, values_list};

/// A payment entry as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = payments)]
pub struct PaymentRow {
    #[schema(value_type = i64)]
    pub id: PaymentId,
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    /// Positive for a payment, negative for a reversal.
    pub amount_vnd: i64,
    pub paid_on: NaiveDate,
    pub method: String,
    #[schema(value_type = Option<i64>)]
    pub payer_unit_id: Option<UnitId>,
    pub reference: String,
    /// The entry this one reverses.
    #[schema(value_type = Option<i64>)]
    pub reverses_id: Option<PaymentId>,
    pub import_id: Option<i64>,
    pub source_row: Option<i32>,
    #[schema(value_type = Option<i64>)]
    pub recorded_by: Option<UserId>,
    pub recorded_by_label: String,
    /// The statement match that confirms it, once reconciled.
    pub match_id: Option<i64>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    /// The payment batch (Mẫu số 09 list) it was paid under, if the case was in an open one.
    pub batch_id: Option<i64>,
}

/// A new payment entry.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = payments)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewPayment {
    pub case_id: CaseId,
    pub amount_vnd: i64,
    pub paid_on: NaiveDate,
    pub method: String,
    pub payer_unit_id: Option<UnitId>,
    pub reference: String,
    pub reverses_id: Option<PaymentId>,
    pub import_id: Option<i64>,
    pub source_row: Option<i32>,
    pub recorded_by: Option<UserId>,
    pub recorded_by_label: String,
    pub match_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub batch_id: Option<i64>,
}

/// A case's payment entries, oldest first.
pub fn for_case(conn: &mut DbConnection, case_id: CaseId) -> QueryResult<Vec<PaymentRow>> {
    payments::table
        .filter(payments::case_id.eq(case_id))
        .order(payments::id.asc())
        .select(PaymentRow::as_select())
        .load(conn)
}

/// One entry.
pub fn find(conn: &mut DbConnection, id: PaymentId) -> QueryResult<Option<PaymentRow>> {
    payments::table
        .find(id)
        .select(PaymentRow::as_select())
        .first(conn)
        .optional()
}

/// The entry with the same case, amount, date and reference, if one is recorded.
pub fn find_same(
    conn: &mut DbConnection,
    case_id: CaseId,
    amount_vnd: i64,
    paid_on: NaiveDate,
    reference: &str,
) -> QueryResult<Option<i64>> {
    payments::table
        .filter(payments::case_id.eq(case_id))
        .filter(payments::amount_vnd.eq(amount_vnd))
        .filter(payments::paid_on.eq(paid_on))
        .filter(payments::reference.eq(reference))
        .select(payments::id)
        .first(conn)
        .optional()
}

/// Whether an entry already reverses `id`.
pub fn is_reversed(conn: &mut DbConnection, id: PaymentId) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        payments::table.filter(payments::reverses_id.eq(id)),
    ))
    .get_result(conn)
}

/// Appends one entry; returns its id.
pub fn insert(conn: &mut DbConnection, row: &NewPayment) -> QueryResult<PaymentId> {
    diesel::insert_into(payments::table)
        .values(row)
        .returning(payments::id)
        .get_result(conn)
}

/// Appends entries in chunks (a payment-list import).
pub fn insert_many(conn: &mut DbConnection, rows: &[NewPayment]) -> QueryResult<()> {
    crate::insert_chunks!(conn, payments::table, rows);
    Ok(())
}

/// The keys `(case, amount, date, reference)` of the entries recorded for these cases.
pub fn keys_for_cases(
    conn: &mut DbConnection,
    case_ids: &[CaseId],
) -> QueryResult<Vec<(CaseId, i64, NaiveDate, String)>> {
    let mut out = Vec::new();
    for chunk in case_ids.chunks(CHUNK * 5) {
        let rows: Vec<(CaseId, i64, NaiveDate, String)> = payments::table
            .filter(payments::case_id.eq_any(chunk))
            .select((
                payments::case_id,
                payments::amount_vnd,
                payments::paid_on,
                payments::reference,
            ))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// An unmatched payment with what the matcher compares.
#[derive(Debug, Clone, Queryable)]
pub struct OpenPayment {
    pub id: PaymentId,
    pub case_id: CaseId,
    pub amount_vnd: i64,
    pub paid_on: NaiveDate,
    pub payment_reference: String,
    pub full_name: String,
    pub bank_account: Option<String>,
    pub unit_code: String,
}

/// Payments with their case, person and unit: what the matcher compares statement lines with.
macro_rules! candidates {
    () => {
        payments::table.inner_join(
            cases::table
                .inner_join(people::table)
                .inner_join(units::table),
        )
    };
}

/// The columns of an [`OpenPayment`], in its field order.
macro_rules! candidate_columns {
    () => {
        (
            payments::id,
            payments::case_id,
            payments::amount_vnd,
            payments::paid_on,
            cases::payment_reference,
            people::full_name,
            people::bank_account,
            units::code,
        )
    };
}

/// Payments not yet matched to a statement line, within `scope`.
pub fn open_payments(conn: &mut DbConnection, scope: &UnitScope) -> QueryResult<Vec<OpenPayment>> {
    let visible = visible_units(conn, scope)?;
    let mut q = candidates!()
        .filter(payments::match_id.is_null())
        .into_boxed();
    if let Some(ids) = visible {
        q = q.filter(cases::unit_id.eq_any(ids));
    }
    q.order(payments::id.asc())
        .select(candidate_columns!())
        .load(conn)
}

/// Payments already matched to a statement line, of the cases with these payment references
/// (the references a statement's lines quote): a line paying one of them again is a likely
/// double payout.
pub fn settled_for_references(
    conn: &mut DbConnection,
    references: &[String],
) -> QueryResult<Vec<OpenPayment>> {
    let mut out = Vec::new();
    for chunk in references.chunks(CHUNK) {
        let rows: Vec<OpenPayment> = candidates!()
            .filter(payments::match_id.is_not_null())
            .filter(cases::payment_reference.eq_any(chunk))
            .order(payments::id.asc())
            .select(candidate_columns!())
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// The ids of the units in `scope`, or `None` for every unit.
pub fn visible_units(
    conn: &mut DbConnection,
    scope: &UnitScope,
) -> QueryResult<Option<Vec<UnitId>>> {
    Ok(match scope {
        UnitScope::All => None,
        _ => Some(scope.units_query().select(units::id).load(conn)?),
    })
}

/// A statement line as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = statement_lines)]
pub struct StatementLineRow {
    #[schema(value_type = i64)]
    pub id: StatementLineId,
    pub import_id: i64,
    #[schema(value_type = i64)]
    pub unit_id: UnitId,
    pub line_date: NaiveDate,
    /// Paid out positive, money in negative.
    pub amount_vnd: i64,
    pub account_no: Option<String>,
    pub counterparty: Option<String>,
    pub description: String,
    pub bank_reference: Option<String>,
    pub sequence: Option<String>,
    pub source_row: i32,
    #[serde(skip)]
    pub fingerprint: String,
    /// The case whose payment reference the description carries, if any.
    #[schema(value_type = Option<i64>)]
    pub case_id: Option<CaseId>,
    pub match_id: Option<i64>,
    /// Why the matcher left it unmatched (a code), while unmatched.
    pub unmatched_reason: Option<String>,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
}

/// A new statement line.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = statement_lines)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewStatementLine {
    pub import_id: i64,
    pub unit_id: UnitId,
    pub line_date: NaiveDate,
    pub amount_vnd: i64,
    pub account_no: Option<String>,
    pub counterparty: Option<String>,
    pub description: String,
    pub bank_reference: Option<String>,
    pub sequence: Option<String>,
    pub source_row: i32,
    pub fingerprint: String,
    pub case_id: Option<CaseId>,
    pub match_id: Option<i64>,
    pub unmatched_reason: Option<String>,
    pub created_at: NaiveDateTime,
}

/// Appends lines in chunks.
pub fn insert_lines(conn: &mut DbConnection, rows: &[NewStatementLine]) -> QueryResult<()> {
    crate::insert_chunks!(conn, statement_lines::table, rows);
    Ok(())
}

/// Which of these fingerprints are stored already.
pub fn stored_fingerprints(
    conn: &mut DbConnection,
    fingerprints: &[String],
) -> QueryResult<Vec<String>> {
    let mut out = Vec::new();
    for chunk in fingerprints.chunks(CHUNK * 5) {
        let rows: Vec<String> = statement_lines::table
            .filter(statement_lines::fingerprint.eq_any(chunk))
            .select(statement_lines::fingerprint)
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Unmatched statement lines of the units in `scope`, oldest first.
pub fn open_lines(
    conn: &mut DbConnection,
    scope: &UnitScope,
) -> QueryResult<Vec<StatementLineRow>> {
    let visible = visible_units(conn, scope)?;
    let mut q = statement_lines::table
        .filter(statement_lines::match_id.is_null())
        .into_boxed();
    if let Some(ids) = visible {
        q = q.filter(statement_lines::unit_id.eq_any(ids));
    }
    q.order(statement_lines::id.asc())
        .select(StatementLineRow::as_select())
        .load(conn)
}

/// A new match record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = reconciliation_matches)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewMatch {
    pub import_id: Option<i64>,
    pub method: String,
    pub score: i32,
    pub reasons: String,
    pub created_at: NaiveDateTime,
}

/// Records the matches of one import in multi-row batches; returns their ids in the order
/// given (one import's matches are inserted by one transaction, so ascending ids of that
/// import are the rows in insertion order).
pub fn insert_matches(
    conn: &mut DbConnection,
    import_id: i64,
    rows: &[NewMatch],
) -> QueryResult<Vec<i64>> {
    crate::insert_chunks!(conn, reconciliation_matches::table, rows);
    reconciliation_matches::table
        .filter(reconciliation_matches::import_id.eq(import_id))
        .order(reconciliation_matches::id.asc())
        .select(reconciliation_matches::id)
        .load(conn)
}

/// Sets `match_id` on many payments at once: `(payment id, match id)` pairs, a thousand per
/// `UPDATE ... FROM (VALUES ...)` statement (the same SQL on SQLite ≥ 3.33 and PostgreSQL).
pub fn set_payment_matches(conn: &mut DbConnection, pairs: &[(i64, i64)]) -> QueryResult<()> {
    for chunk in pairs.chunks(CHUNK) {
        let values = values_list(chunk, |s, (payment, matched)| {
            let _ = write!(s, "{payment},{matched}");
        });
        diesel::sql_query(format!(
            "UPDATE payments SET match_id = v.column2 FROM (VALUES {values}) AS v \
             WHERE payments.id = v.column1"
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// Marks stored statement lines as confirmed: `(line id, match id)` pairs, set-based as
/// [`set_payment_matches`].
pub fn set_line_matches(conn: &mut DbConnection, pairs: &[(i64, i64)]) -> QueryResult<()> {
    for chunk in pairs.chunks(CHUNK) {
        let values = values_list(chunk, |s, (line, matched)| {
            let _ = write!(s, "{line},{matched}");
        });
        diesel::sql_query(format!(
            "UPDATE statement_lines SET match_id = v.column2, unmatched_reason = NULL \
             FROM (VALUES {values}) AS v WHERE statement_lines.id = v.column1"
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// Records why stored lines are still unmatched: `(line id, reason code)` pairs, set-based.
/// The codes are the matcher's fixed lower-case codes.
pub fn set_unmatched_reasons(
    conn: &mut DbConnection,
    reasons: &[(i64, &'static str)],
) -> QueryResult<()> {
    for chunk in reasons.chunks(CHUNK) {
        let values = values_list(chunk, |s, (line, code)| {
            debug_assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
            let _ = write!(s, "{line},'{code}'");
        });
        diesel::sql_query(format!(
            "UPDATE statement_lines SET unmatched_reason = v.column2 \
             FROM (VALUES {values}) AS v WHERE statement_lines.id = v.column1"
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// How many of each case's entries are still unmatched.
pub fn unmatched_counts(
    conn: &mut DbConnection,
    case_ids: &[CaseId],
) -> QueryResult<Vec<(CaseId, i64)>> {
    let mut out = Vec::new();
    for chunk in case_ids.chunks(CHUNK * 5) {
        let rows: Vec<(CaseId, i64)> = payments::table
            .filter(payments::case_id.eq_any(chunk))
            .filter(payments::match_id.is_null())
            .group_by(payments::case_id)
            .select((payments::case_id, diesel::dsl::count_star()))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Moves every statement line of unit `from` to unit `to` (a unit merge); returns how many
/// moved.
pub fn move_lines_to_unit(conn: &mut DbConnection, from: UnitId, to: UnitId) -> QueryResult<usize> {
    diesel::update(statement_lines::table.filter(statement_lines::unit_id.eq(from)))
        .set(statement_lines::unit_id.eq(to))
        .execute(conn)
}
