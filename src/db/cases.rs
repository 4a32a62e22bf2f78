//! Cases: the case rows, their figures and state changes, the case list, with set-based writes
//! for imports (multi-row inserts in chunks sized to each backend's parameter limit). People
//! ([`super::people`]), history ([`super::case_events`]), markers ([`super::markers`]),
//! documents ([`super::documents`]) and components ([`super::components`]) have their own
//! modules.

use super::sql_types::Stamp;
use crate::domain::ids::UserId;
use crate::domain::ids::{CaseId, UnitId};
use chrono::{NaiveDate, NaiveDateTime};
use diesel::prelude::*;

use super::documents::CaseDocuments;
use super::people::PersonRow;
use super::schema::{case_documents, cases, people};
use super::{CHUNK, DbConnection, now};
use crate::domain::case_state::CaseState;
use crate::domain::policy::{Band, Category, Scheme};

/// A case as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = cases)]
pub struct CaseRow {
    pub id: CaseId,
    pub person_id: i64,
    pub unit_id: UnitId,
    pub original_unit_id: UnitId,
    pub state: CaseState,
    pub version: i32,
    pub scheme: Scheme,
    pub category: Category,
    pub band: Band,
    pub leave_window: Option<String>,
    pub leave_date: NaiveDate,
    pub decision_date: Option<NaiveDate>,
    pub salary_exact: String,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub input_hash: String,
    pub payment_reference: String,
    pub lookup_code_hash: Option<String>,
    pub import_id: Option<i64>,
    pub source_row: Option<i32>,
    pub submitted_by: Option<UserId>,
    pub approved_by: Option<UserId>,
    pub approved_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub funding_source: Option<String>,
    pub entitlement_set_at: Option<NaiveDateTime>,
    pub last_payment_on: Option<NaiveDate>,
    /// The entitlement before the first accepted change (see [`accept_figures`]).
    pub original_entitled_vnd: Option<i64>,
}

/// The computed part of a case, written on creation and on every recomputation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFigures {
    pub scheme: Scheme,
    pub category: Category,
    pub band: Band,
    pub leave_window: Option<String>,
    pub leave_date: NaiveDate,
    pub decision_date: Option<NaiveDate>,
    pub salary_exact: String,
    pub entitled_vnd: i64,
    pub input_hash: String,
    pub documents: CaseDocuments,
    /// The non-zero components (stored in `case_components`).
    pub components: super::components::Amounts,
}

impl CaseFigures {
    /// The figures of a computed entitlement, its result pinned compressed; `None` for a
    /// refusal.
    pub fn of(
        output: &crate::domain::entitlement::CalcOutput,
        leave_date: NaiveDate,
        decision_date: Option<NaiveDate>,
        input_json: String,
        input_hash: String,
    ) -> anyhow::Result<Option<CaseFigures>> {
        let crate::domain::entitlement::CalcOutput::Computed(c) = output else {
            return Ok(None);
        };
        Ok(Some(CaseFigures {
            scheme: c.scheme,
            category: c.category,
            band: c.band,
            leave_window: c.window.clone(),
            leave_date,
            decision_date,
            salary_exact: c.salary_vnd.clone(),
            entitled_vnd: c.total_vnd,
            input_hash,
            components: super::components::parts_of(&c.components)?,
            documents: CaseDocuments {
                input_json,
                result_json: super::pinned::pack(&serde_json::to_string(output)?)?,
                policy_versions: serde_json::to_string(&c.policy_versions)?,
            },
        }))
    }
}

/// Where a case's current figures came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Provenance {
    pub import_id: Option<i64>,
    pub source_row: Option<i32>,
    pub submitted_by: Option<UserId>,
}

/// A new case.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = cases)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewCase {
    pub person_id: i64,
    pub unit_id: UnitId,
    pub original_unit_id: UnitId,
    pub state: CaseState,
    pub version: i32,
    pub scheme: Scheme,
    pub category: Category,
    pub band: Band,
    pub leave_window: Option<String>,
    pub leave_date: NaiveDate,
    pub decision_date: Option<NaiveDate>,
    pub salary_exact: String,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub input_hash: String,
    pub payment_reference: String,
    pub import_id: Option<i64>,
    pub source_row: Option<i32>,
    pub submitted_by: Option<UserId>,
    pub created_at: Stamp,
    pub updated_at: Stamp,
    pub entitlement_set_at: Option<Stamp>,
}

/// People (and their cases, if any) with these national ids.
pub fn by_national_ids(
    conn: &mut DbConnection,
    ids: &[String],
) -> QueryResult<Vec<(PersonRow, Option<CaseRow>)>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK * 5) {
        let rows: Vec<(PersonRow, Option<CaseRow>)> = people::table
            .left_join(cases::table)
            .filter(people::national_id.eq_any(chunk))
            .select((PersonRow::as_select(), Option::<CaseRow>::as_select()))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Inserts cases in chunks, with their documents and components (`documents[i]` and
/// `components[i]` belong to `rows[i]`); returns `(person_id, case_id)` of the inserted rows.
pub fn insert_cases(
    conn: &mut DbConnection,
    rows: &[NewCase],
    documents: &[CaseDocuments],
    components: &[super::components::Amounts],
) -> QueryResult<Vec<(i64, CaseId)>> {
    if rows.len() != documents.len() || rows.len() != components.len() {
        return Err(diesel::result::Error::QueryBuilderError(
            "insert_cases: one document and one component list per case".into(),
        ));
    }
    let mark = std::time::Instant::now();
    super::progress::with_deferred_totals(conn, |conn| {
        crate::insert_chunks!(conn, cases::table, rows);
        Ok(())
    })?;
    tracing::debug!(ms = mark.elapsed().as_millis(), "case rows");
    let mark = std::time::Instant::now();
    let person_ids: Vec<i64> = rows.iter().map(|r| r.person_id).collect();
    let mut out = Vec::with_capacity(person_ids.len());
    for chunk in person_ids.chunks(CHUNK * 5) {
        let found: Vec<(i64, CaseId)> = cases::table
            .filter(cases::person_id.eq_any(chunk))
            .select((cases::person_id, cases::id))
            .load(conn)?;
        out.extend(found);
    }
    let case_of: std::collections::HashMap<i64, CaseId> = out.iter().copied().collect();
    let new_documents: Vec<(CaseId, &CaseDocuments)> = rows
        .iter()
        .zip(documents)
        .filter_map(|(row, d)| Some((*case_of.get(&row.person_id)?, d)))
        .collect();
    tracing::debug!(ms = mark.elapsed().as_millis(), "case ids");
    let mark = std::time::Instant::now();
    super::documents::insert(conn, &new_documents)?;
    tracing::debug!(ms = mark.elapsed().as_millis(), "documents");
    let mark = std::time::Instant::now();
    let new_components: Vec<(CaseId, &super::components::Amounts)> = rows
        .iter()
        .zip(components)
        .filter_map(|(row, amounts)| Some((*case_of.get(&row.person_id)?, amounts)))
        .collect();
    super::components::insert(conn, &new_components)?;
    tracing::debug!(ms = mark.elapsed().as_millis(), "components");
    Ok(out)
}

/// Replaces a case's computed figures (a corrected row, or a recomputation) and moves it to
/// `state`, bumping its version. Only when the version still matches (optimistic locking);
/// returns whether it did.
pub fn update_figures(
    conn: &mut DbConnection,
    id: CaseId,
    expected_version: i32,
    state: CaseState,
    figures: &CaseFigures,
    source: &Provenance,
) -> QueryResult<bool> {
    let n = diesel::update(
        cases::table
            .find(id)
            .filter(cases::version.eq(expected_version)),
    )
    .set((
        cases::state.eq(state),
        cases::version.eq(expected_version + 1),
        cases::scheme.eq(&figures.scheme),
        cases::category.eq(&figures.category),
        cases::band.eq(&figures.band),
        cases::leave_window.eq(&figures.leave_window),
        cases::leave_date.eq(figures.leave_date),
        cases::decision_date.eq(figures.decision_date),
        cases::salary_exact.eq(&figures.salary_exact),
        cases::entitled_vnd.eq(figures.entitled_vnd),
        cases::input_hash.eq(&figures.input_hash),
        cases::import_id.eq(source.import_id),
        cases::source_row.eq(source.source_row),
        cases::submitted_by.eq(source.submitted_by),
        cases::updated_at.eq(now()),
        cases::entitlement_set_at.eq(Some(now())),
    ))
    .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    super::documents::set(conn, id, &figures.documents)?;
    super::components::replace(
        conn,
        id,
        &super::components::parts(&figures.components),
        false,
    )?;
    Ok(true)
}

/// Writes an accepted change of an approved (or later) case: the new figures and documents,
/// its new state, the entitlement before the first accepted change kept in
/// `original_entitled_vnd`, and the acceptor as the approver of the new figure (so the
/// approver-does-not-pay rule covers the difference). Version-checked; false when stale.
pub fn accept_figures(
    conn: &mut DbConnection,
    id: CaseId,
    expected_version: i32,
    state: CaseState,
    figures: &CaseFigures,
    previous_entitled: i64,
    accepted_by: Option<UserId>,
) -> QueryResult<bool> {
    let at = now();
    let n = diesel::update(
        cases::table
            .find(id)
            .filter(cases::version.eq(expected_version)),
    )
    .set((
        cases::state.eq(state),
        cases::version.eq(expected_version + 1),
        cases::band.eq(&figures.band),
        cases::leave_window.eq(&figures.leave_window),
        cases::salary_exact.eq(&figures.salary_exact),
        cases::entitled_vnd.eq(figures.entitled_vnd),
        cases::original_entitled_vnd.eq(diesel::dsl::sql::<
            diesel::sql_types::Nullable<diesel::sql_types::BigInt>,
        >(&format!(
            "COALESCE(original_entitled_vnd, {previous_entitled})"
        ))),
        cases::approved_by.eq(accepted_by),
        cases::approved_at.eq(Some(at)),
        cases::updated_at.eq(at),
        cases::entitlement_set_at.eq(Some(at)),
    ))
    .execute(conn)?;
    if n != 1 {
        return Ok(false);
    }
    super::documents::set(conn, id, &figures.documents)?;
    super::components::replace(
        conn,
        id,
        &super::components::parts(&figures.components),
        true,
    )?;
    Ok(true)
}

/// Number of cases.
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    cases::table.count().get_result(conn)
}

/// A case with its person and unit, if the unit is within the scope.
pub fn find_in_scope(
    conn: &mut DbConnection,
    scope: &super::units::UnitScope,
    id: CaseId,
) -> QueryResult<Option<(CaseRow, PersonRow, super::units::UnitRow)>> {
    use super::schema::units;
    let found: Option<(CaseRow, PersonRow, super::units::UnitRow)> = cases::table
        .inner_join(people::table)
        .inner_join(units::table)
        .filter(cases::id.eq(id))
        .select((
            CaseRow::as_select(),
            PersonRow::as_select(),
            super::units::UnitRow::as_select(),
        ))
        .first(conn)
        .optional()?;
    Ok(found.filter(|(_, _, unit)| scope.contains_path(&unit.path)))
}

/// A case with its person, unit and documents (one query), if the unit is within the scope:
/// for the views that show the computed entitlement.
pub fn find_with_documents_in_scope(
    conn: &mut DbConnection,
    scope: &super::units::UnitScope,
    id: CaseId,
) -> QueryResult<Option<(CaseRow, PersonRow, super::units::UnitRow, CaseDocuments)>> {
    use super::schema::units;
    let found: Option<(CaseRow, PersonRow, super::units::UnitRow, CaseDocuments)> = cases::table
        .inner_join(people::table)
        .inner_join(units::table)
        .inner_join(case_documents::table)
        .filter(cases::id.eq(id))
        .select((
            CaseRow::as_select(),
            PersonRow::as_select(),
            super::units::UnitRow::as_select(),
            CaseDocuments::as_select(),
        ))
        .first(conn)
        .optional()?;
    Ok(found.filter(|(_, _, unit, _)| scope.contains_path(&unit.path)))
}

/// Moves a case to `state` if its version still matches; returns whether it did.
pub fn set_state(
    conn: &mut DbConnection,
    id: CaseId,
    expected_version: i32,
    state: CaseState,
    approved_by: Option<Option<UserId>>,
) -> QueryResult<bool> {
    let at = now();
    let target = cases::table
        .find(id)
        .filter(cases::version.eq(expected_version));
    let n = match approved_by {
        Some(by) => diesel::update(target)
            .set((
                cases::state.eq(state),
                cases::version.eq(expected_version + 1),
                cases::approved_by.eq(by),
                cases::approved_at.eq(by.map(|_| at)),
                cases::updated_at.eq(at),
            ))
            .execute(conn)?,
        None => diesel::update(target)
            .set((
                cases::state.eq(state),
                cases::version.eq(expected_version + 1),
                cases::updated_at.eq(at),
            ))
            .execute(conn)?,
    };
    Ok(n == 1)
}

/// The id of the case with this payment reference.
pub fn id_by_reference(conn: &mut DbConnection, reference: &str) -> QueryResult<Option<CaseId>> {
    cases::table
        .filter(cases::payment_reference.eq(reference))
        .select(cases::id)
        .first(conn)
        .optional()
}

/// Takes the write lock on a case row before reading it, so that two requests on one case are
/// serialised and the second reads what the first wrote. Returns whether the case exists.
///
/// Must run inside [`super::transaction`]. On PostgreSQL this is `SELECT ... FOR UPDATE` (a row
/// lock, no new row version: an `UPDATE` that changes nothing would still write a whole copy of
/// the row and of its index entries); on SQLite the transaction already holds the database's
/// write lock, so only the existence is checked.
pub fn lock(conn: &mut DbConnection, id: CaseId) -> QueryResult<bool> {
    let found: Option<CaseId> = match conn {
        DbConnection::Postgresql(c) => cases::table
            .find(id)
            .select(cases::id)
            .for_update()
            .first(c)
            .optional()?,
        DbConnection::Sqlite(c) => cases::table
            .find(id)
            .select(cases::id)
            .first(c)
            .optional()?,
    };
    Ok(found.is_some())
}

/// Takes the write lock on many case rows (see [`lock`]), in chunks, in id order (two
/// transactions locking overlapping sets cannot deadlock).
pub fn lock_many(conn: &mut DbConnection, ids: &[CaseId]) -> QueryResult<()> {
    if let DbConnection::Postgresql(c) = conn {
        let mut sorted = ids.to_vec();
        sorted.sort_unstable();
        for chunk in sorted.chunks(CHUNK * 5) {
            cases::table
                .filter(cases::id.eq_any(chunk))
                .order(cases::id.asc())
                .select(cases::id)
                .for_update()
                .load::<CaseId>(c)?;
        }
    }
    Ok(())
}

/// Cases by id (no scope: the caller has established it), in chunks.
pub fn by_ids(conn: &mut DbConnection, ids: &[CaseId]) -> QueryResult<Vec<CaseRow>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK * 5) {
        let rows: Vec<CaseRow> = cases::table
            .filter(cases::id.eq_any(chunk))
            .select(CaseRow::as_select())
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// `(id, state, version, entitled, paid)` of a case.
pub type MoneyFacts = (CaseId, CaseState, i32, i64, i64);

/// The money facts of cases by id — narrow rows, for bulk transitions that need nothing else
/// (no scope: the caller has established it).
pub fn money_facts(conn: &mut DbConnection, ids: &[CaseId]) -> QueryResult<Vec<MoneyFacts>> {
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK * 5) {
        let rows: Vec<MoneyFacts> = cases::table
            .filter(cases::id.eq_any(chunk))
            .select((
                cases::id,
                cases::state,
                cases::version,
                cases::entitled_vnd,
                cases::paid_vnd,
            ))
            .load(conn)?;
        out.extend(rows);
    }
    Ok(out)
}

/// Records a payment's effect on a case: its new state, total paid and latest payment day.
/// Only when the version still matches; returns whether it did.
pub fn set_paid(
    conn: &mut DbConnection,
    id: CaseId,
    expected_version: i32,
    state: CaseState,
    paid_vnd: i64,
    last_payment_on: Option<NaiveDate>,
) -> QueryResult<bool> {
    let n = diesel::update(
        cases::table
            .find(id)
            .filter(cases::version.eq(expected_version)),
    )
    .set((
        cases::state.eq(state),
        cases::version.eq(expected_version + 1),
        cases::paid_vnd.eq(paid_vnd),
        cases::last_payment_on.eq(last_payment_on),
        cases::updated_at.eq(now()),
    ))
    .execute(conn)?;
    Ok(n == 1)
}

/// A case's new payment figures, for [`set_paid_many`].
#[derive(Debug, Clone)]
pub struct PaidUpdate {
    pub id: CaseId,
    pub expected_version: i32,
    pub state: CaseState,
    pub paid_vnd: i64,
    pub last_payment_on: Option<NaiveDate>,
}

/// [`set_paid`] for many cases at once, a thousand per `UPDATE ... FROM (VALUES ...)`
/// statement (one round trip per thousand cases instead of one per case). Every value is an
/// integer, a date or a state name formatted here, never user text. Returns the ids updated
/// (a case whose version moved on is left out).
pub fn set_paid_many(conn: &mut DbConnection, updates: &[PaidUpdate]) -> QueryResult<Vec<CaseId>> {
    use std::fmt::Write as _;
    #[derive(QueryableByName)]
    struct Updated {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: CaseId,
    }
    // PostgreSQL types a quoted literal in VALUES as text; the date column needs the cast.
    let date_cast = match conn {
        DbConnection::Postgresql(_) => "::date",
        DbConnection::Sqlite(_) => "",
    };
    let mut updated = Vec::with_capacity(updates.len());
    for chunk in updates.chunks(CHUNK) {
        let values = super::values_list(chunk, |s, u| {
            // The state is a closed vocabulary's code (lower-case words), never user text.
            let _ = write!(
                s,
                "{},{},'{}',{},",
                u.id,
                u.expected_version,
                u.state.as_str(),
                u.paid_vnd
            );
            let _ = match u.last_payment_on {
                Some(d) => write!(s, "'{}'{date_cast}", d.format("%Y-%m-%d")),
                None => write!(s, "NULL{date_cast}"),
            };
        });
        let rows: Vec<Updated> = diesel::sql_query(format!(
            "UPDATE cases SET state = v.column3, version = cases.version + 1, \
             paid_vnd = v.column4, last_payment_on = v.column5, updated_at = $1 \
             FROM (VALUES {values}) AS v \
             WHERE cases.id = v.column1 AND cases.version = v.column2 RETURNING cases.id"
        ))
        .bind::<diesel::sql_types::Timestamp, _>(now())
        .load(conn)?;
        updated.extend(rows.into_iter().map(|r| r.id));
    }
    Ok(updated)
}

/// Records the funding source of a case.
pub fn set_funding_source(conn: &mut DbConnection, id: CaseId, source: &str) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set(cases::funding_source.eq(source))
        .execute(conn)?;
    Ok(())
}

/// Moves many cases to `state`, each only if its version still matches, a thousand per
/// statement (`UPDATE ... FROM (VALUES ...) RETURNING`, the same SQL on SQLite ≥ 3.35 and
/// PostgreSQL; ids and versions are integers read from the database). Returns the ids moved.
pub fn set_state_many(
    conn: &mut DbConnection,
    cases_and_versions: &[(CaseId, i32)],
    state: CaseState,
) -> QueryResult<Vec<CaseId>> {
    use std::fmt::Write as _;
    #[derive(QueryableByName)]
    struct Moved {
        #[diesel(sql_type = diesel::sql_types::BigInt)]
        id: CaseId,
    }
    let mut moved = Vec::with_capacity(cases_and_versions.len());
    for chunk in cases_and_versions.chunks(CHUNK) {
        let values = super::values_list(chunk, |s, (id, version)| {
            let _ = write!(s, "{id},{version}");
        });
        let rows: Vec<Moved> = diesel::sql_query(format!(
            "UPDATE cases SET state = $1, version = cases.version + 1, updated_at = $2 \
             FROM (VALUES {values}) AS v \
             WHERE cases.id = v.column1 AND cases.version = v.column2 RETURNING cases.id"
        ))
        .bind::<diesel::sql_types::Text, _>(state)
        .bind::<diesel::sql_types::Timestamp, _>(now())
        .load(conn)?;
        moved.extend(rows.into_iter().map(|r| r.id));
    }
    Ok(moved)
}

/// Filters of the case list.
#[derive(Debug, Clone, Default)]
pub struct CaseFilter {
    pub unit_path: Option<String>,
    pub state: Option<String>,
    pub scheme: Option<String>,
    /// A national id, or part of a name or payment reference.
    pub text: Option<String>,
    /// Only these cases (at most a page of ids; larger selections page in the caller).
    pub ids: Option<Vec<CaseId>>,
}

/// A row of the case list.
#[derive(Debug, Clone, Queryable, serde::Serialize)]
pub struct CaseListRow {
    pub id: CaseId,
    pub state: CaseState,
    pub version: i32,
    pub scheme: Scheme,
    pub band: Band,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub payment_reference: String,
    pub full_name: String,
    pub unit_code: String,
}

/// The cases within `visible` units (every unit when `None`) that pass `filter`: a boxed
/// query over cases ⋈ people ⋈ units (a macro, as the boxed type is not nameable simply).
macro_rules! filtered {
    ($visible:expr, $filter:expr) => {{
        use super::schema::units;
        let visible: &Option<Vec<UnitId>> = $visible;
        let filter: &CaseFilter = $filter;
        let mut q = cases::table
            .inner_join(people::table)
            .inner_join(units::table)
            .into_boxed();
        if let Some(ids) = visible {
            q = q.filter(cases::unit_id.eq_any(ids.clone()));
        }
        if let Some(path) = &filter.unit_path {
            q = q.filter(units::path.like(format!("{path}%")));
        }
        if let Some(state) = &filter.state {
            q = q.filter(cases::state.eq(state.clone()));
        }
        if let Some(scheme) = &filter.scheme {
            q = q.filter(cases::scheme.eq(scheme.clone()));
        }
        if let Some(ids) = &filter.ids {
            q = q.filter(cases::id.eq_any(ids.clone()));
        }
        if let Some(text) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let text = crate::domain::text::nfc(text);
            let like = format!("%{}%", text.replace(['%', '_'], ""));
            q = q.filter(
                people::national_id
                    .eq(text.to_string())
                    .or(people::full_name.like(like.clone()))
                    .or(cases::payment_reference.like(like)),
            );
        }
        q
    }};
}

/// Lists cases in scope, newest first.
pub fn list(
    conn: &mut DbConnection,
    scope: &super::units::UnitScope,
    filter: &CaseFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<CaseListRow>, i64)> {
    use super::schema::units;
    // The visible units as ids (a few thousand at most), so the case query stays one plain
    // statement on both backends.
    let visible = super::payments::visible_units(conn, scope)?;
    let total = filtered!(&visible, filter).count().get_result(conn)?;
    let rows = filtered!(&visible, filter)
        .order(cases::id.desc())
        .limit(limit)
        .offset(offset)
        .select((
            cases::id,
            cases::state,
            cases::version,
            cases::scheme,
            cases::band,
            cases::entitled_vnd,
            cases::paid_vnd,
            cases::payment_reference,
            people::full_name,
            units::code,
        ))
        .load(conn)?;
    Ok((rows, total))
}

/// The ids of the cases in scope that pass `filter`, oldest first.
pub fn ids(
    conn: &mut DbConnection,
    scope: &super::units::UnitScope,
    filter: &CaseFilter,
) -> QueryResult<Vec<CaseId>> {
    let visible = super::payments::visible_units(conn, scope)?;
    filtered!(&visible, filter)
        .order(cases::id.asc())
        .select(cases::id)
        .load(conn)
}

/// Stores the keyed hash of a case's new lookup code (the previous code stops working).
pub fn set_lookup_code_hash(conn: &mut DbConnection, id: CaseId, hash: &str) -> QueryResult<()> {
    diesel::update(cases::table.find(id))
        .set(cases::lookup_code_hash.eq(hash))
        .execute(conn)?;
    Ok(())
}

/// The case whose current lookup code has this keyed hash: `(case id, the person's national
/// id)`.
pub fn by_lookup_hash(
    conn: &mut DbConnection,
    hash: &str,
) -> QueryResult<Option<(CaseId, String)>> {
    cases::table
        .inner_join(people::table)
        .filter(cases::lookup_code_hash.eq(hash))
        .select((cases::id, people::national_id))
        .first(conn)
        .optional()
}

/// The ids of the cases of a unit.
pub fn ids_of_unit(conn: &mut DbConnection, unit_id: UnitId) -> QueryResult<Vec<CaseId>> {
    cases::table
        .filter(cases::unit_id.eq(unit_id))
        .select(cases::id)
        .load(conn)
}

/// Moves every case of unit `from` to unit `to` (a unit merge; `original_unit_id` stays);
/// returns how many moved.
pub fn move_to_unit(conn: &mut DbConnection, from: UnitId, to: UnitId) -> QueryResult<usize> {
    diesel::update(cases::table.filter(cases::unit_id.eq(from)))
        .set((cases::unit_id.eq(to), cases::updated_at.eq(now())))
        .execute(conn)
}

/// `(id, state)` of cases by id, in id order (one statement).
pub fn states_of(conn: &mut DbConnection, ids: &[CaseId]) -> QueryResult<Vec<(CaseId, CaseState)>> {
    cases::table
        .filter(cases::id.eq_any(ids))
        .order(cases::id.asc())
        .select((cases::id, cases::state))
        .load(conn)
}

/// The materialised path of a case's unit (no scope: the caller checks it).
pub fn unit_path(conn: &mut DbConnection, id: CaseId) -> QueryResult<Option<String>> {
    use super::schema::units;
    cases::table
        .inner_join(units::table)
        .filter(cases::id.eq(id))
        .select(units::path)
        .first(conn)
        .optional()
}

/// What a recomputation reads of a case that is not cancelled.
#[derive(Debug, Clone, Queryable)]
pub struct RecomputeRow {
    pub id: CaseId,
    pub state: CaseState,
    pub version: i32,
    pub entitled_vnd: i64,
    pub input_json: String,
    pub result_json: String,
    pub import_id: Option<i64>,
    pub source_row: Option<i32>,
    pub submitted_by: Option<UserId>,
    pub unit_code: String,
    /// The entitlement an earlier recomputation proposed, if any.
    pub pending_entitled_vnd: Option<i64>,
}

/// Every case not cancelled with its documents, unit code and pending entitlement, by id.
pub fn for_recompute(conn: &mut DbConnection) -> QueryResult<Vec<RecomputeRow>> {
    use super::schema::{case_markers, units};
    cases::table
        .inner_join(units::table)
        .inner_join(case_documents::table)
        .left_join(case_markers::table)
        .filter(cases::state.ne(CaseState::Cancelled))
        .order(cases::id.asc())
        .select((
            cases::id,
            cases::state,
            cases::version,
            cases::entitled_vnd,
            case_documents::input_json,
            case_documents::result_json,
            cases::import_id,
            cases::source_row,
            cases::submitted_by,
            units::code,
            case_markers::pending_entitled_vnd.nullable(),
        ))
        .load(conn)
}

/// The stored facts a case's figures are recomputed with, besides its input.
#[derive(Debug, Clone, Queryable)]
pub struct InputFacts {
    pub input_hash: String,
    pub leave_date: NaiveDate,
    pub decision_date: Option<NaiveDate>,
}

/// A case's input hash, leave date and decision date.
pub fn input_facts(conn: &mut DbConnection, id: CaseId) -> QueryResult<InputFacts> {
    cases::table
        .find(id)
        .select((cases::input_hash, cases::leave_date, cases::decision_date))
        .first(conn)
}

/// A case's payment reference with its id and the person's national id.
#[derive(Debug, Clone, Queryable)]
pub struct CaseReference {
    pub id: CaseId,
    pub payment_reference: String,
    pub national_id: String,
}

/// The payment references of the cases of `units` (every case when `None`).
pub fn references(
    conn: &mut DbConnection,
    units: Option<Vec<UnitId>>,
) -> QueryResult<Vec<CaseReference>> {
    let mut q = cases::table.inner_join(people::table).into_boxed();
    if let Some(ids) = units {
        q = q.filter(cases::unit_id.eq_any(ids));
    }
    q.select((cases::id, cases::payment_reference, people::national_id))
        .load(conn)
}

/// A case with its person's national id and name.
#[derive(Debug, Clone, Queryable)]
pub struct CaseHolder {
    pub id: CaseId,
    pub national_id: String,
    pub full_name: String,
}

/// The cases (not cancelled) of the units whose materialised path starts with `path`, by id,
/// at most `limit`.
pub fn holders_below(
    conn: &mut DbConnection,
    path: &str,
    limit: i64,
) -> QueryResult<Vec<CaseHolder>> {
    use super::schema::units;
    cases::table
        .inner_join(people::table)
        .inner_join(units::table)
        .filter(units::path.like(format!("{path}%")))
        .filter(cases::state.ne(CaseState::Cancelled))
        .order(cases::id.asc())
        .limit(limit)
        .select((cases::id, people::national_id, people::full_name))
        .load(conn)
}
