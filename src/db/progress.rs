//! Aggregates of cases per unit, for progress reports. They are kept by triggers on `cases`
//! (migration 13: `unit_state_totals`, `unit_owed`) in the same transaction as every change,
//! so reading them costs a few rows per unit; the live computations over every case are kept
//! beside them for `staffpay progress --verify` and the tests that prove the two equal. The
//! roll-up to ministries, provinces and the nation happens in memory over the unit tree.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};

use super::DbConnection;
use super::schema::{cases, deadline_cuts, totals_deferred, unit_owed, unit_state_totals};
use crate::domain::case_state::CaseState;
use crate::domain::ids::{CaseId, UnitId};

/// Case counts and money of one unit in one state.
#[derive(Debug, Clone, PartialEq, Eq, QueryableByName)]
pub struct UnitStateTotals {
    #[diesel(sql_type = BigInt)]
    pub unit_id: UnitId,
    #[diesel(sql_type = Text)]
    pub state: CaseState,
    #[diesel(sql_type = BigInt)]
    pub cases: i64,
    #[diesel(sql_type = BigInt)]
    pub entitled_vnd: i64,
    #[diesel(sql_type = BigInt)]
    pub paid_vnd: i64,
}

/// Owed cases (owed states, not yet paid in full) of one unit with one deadline band of the
/// decision date and one Vietnam day of approval.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct OwedRow {
    pub unit_id: UnitId,
    /// A decision date that stands for the band (see [`band_of`]); none without a decision.
    pub decision_band: Option<NaiveDate>,
    pub approved_on: Option<NaiveDate>,
    pub cases: i64,
}

/// The key value that stands for "no date" in `unit_owed` (key columns cannot be NULL).
const NO_DATE: NaiveDate = match NaiveDate::from_ymd_opt(1, 1, 1) {
    Some(d) => d,
    None => NaiveDate::MIN,
};

fn no_date() -> NaiveDate {
    NO_DATE
}

fn date_or_none(d: NaiveDate) -> Option<NaiveDate> {
    (d != no_date()).then_some(d)
}

/// The states whose cases are owed money while not paid in full (as in the triggers).
pub const OWED_STATES: [CaseState; 5] = [
    CaseState::Submitted,
    CaseState::Returned,
    CaseState::Approved,
    CaseState::Payable,
    CaseState::PartiallyPaid,
];

/// Per unit and state: how many cases, how much entitled and paid (from the aggregates).
pub fn by_unit_and_state(conn: &mut DbConnection) -> QueryResult<Vec<UnitStateTotals>> {
    let rows: Vec<(i64, String, i64, i64, i64)> = unit_state_totals::table
        .filter(
            unit_state_totals::cases
                .ne(0)
                .or(unit_state_totals::entitled_vnd.ne(0))
                .or(unit_state_totals::paid_vnd.ne(0)),
        )
        .select((
            unit_state_totals::unit_id,
            unit_state_totals::state,
            unit_state_totals::cases,
            unit_state_totals::entitled_vnd,
            unit_state_totals::paid_vnd,
        ))
        .load(conn)?;
    rows.into_iter()
        .map(|(unit_id, state, cases, entitled_vnd, paid_vnd)| {
            Ok(UnitStateTotals {
                unit_id: UnitId(unit_id),
                state: state.parse().map_err(|_| {
                    diesel::result::Error::DeserializationError(
                        format!("unit_state_totals: unknown state {state:?}").into(),
                    )
                })?,
                cases,
                entitled_vnd,
                paid_vnd,
            })
        })
        .collect()
}

/// The same computed from every case (for `--verify` and the tests).
///
/// Sums of BIGINT are cast back to BIGINT in SQL (PostgreSQL would return NUMERIC), so no
/// decimal or floating type is involved; whole đồng stay whole đồng.
pub fn live_by_unit_and_state(conn: &mut DbConnection) -> QueryResult<Vec<UnitStateTotals>> {
    diesel::sql_query(
        "SELECT unit_id, state, CAST(COUNT(*) AS BIGINT) AS cases, \
         CAST(COALESCE(SUM(entitled_vnd), 0) AS BIGINT) AS entitled_vnd, \
         CAST(COALESCE(SUM(paid_vnd), 0) AS BIGINT) AS paid_vnd \
         FROM cases GROUP BY unit_id, state",
    )
    .load(conn)
}

/// The deadline cuts the aggregates are keyed by (ascending): a copy of the policy tables'
/// [`crate::domain::policy::PolicySet::deadline_breakpoints`], written by [`sync_deadline_cuts`].
pub fn deadline_cuts(conn: &mut DbConnection) -> QueryResult<Vec<NaiveDate>> {
    deadline_cuts::table
        .order(deadline_cuts::cut.asc())
        .select(deadline_cuts::cut)
        .load(conn)
}

/// The band key of a decision date, as the triggers compute it: the latest cut on or before
/// it, the day before the first cut for earlier dates, the date itself without cuts. Every
/// date of a band has the same payment deadline, so the key stands for all of them.
pub fn band_of(cuts: &[NaiveDate], decision: NaiveDate) -> NaiveDate {
    match cuts.iter().rev().find(|c| **c <= decision) {
        Some(cut) => *cut,
        None => cuts
            .first()
            .and_then(|first| first.pred_opt())
            .unwrap_or(decision),
    }
}

/// Copies the policy's deadline cuts into the database when they differ from the stored ones,
/// and rebuilds the owed aggregates keyed by them, in one transaction; returns whether it
/// changed anything. On PostgreSQL the case table is locked against writers meanwhile (a
/// writer between the two would key its change by the old cuts).
pub fn sync_deadline_cuts(conn: &mut DbConnection, cuts: &[NaiveDate]) -> QueryResult<bool> {
    if deadline_cuts(conn)? == cuts {
        return Ok(false);
    }
    super::transaction(conn, |conn| {
        if let DbConnection::Postgresql(c) = conn {
            diesel::sql_query("LOCK TABLE cases IN SHARE ROW EXCLUSIVE MODE").execute(c)?;
        }
        if deadline_cuts(conn)? == cuts {
            return Ok(false);
        }
        diesel::delete(deadline_cuts::table).execute(conn)?;
        for cut in cuts {
            diesel::insert_into(deadline_cuts::table)
                .values(deadline_cuts::cut.eq(cut))
                .execute(conn)?;
        }
        rebuild_owed(conn)?;
        Ok(true)
    })
}

/// Owed cases by unit, deadline band and day of approval (from the aggregates).
///
/// The two dates are read as day numbers (computed by the database): parsing some 20,000
/// dates from text on every progress request on SQLite was a tenth of its time.
pub fn owed(conn: &mut DbConnection) -> QueryResult<Vec<OwedRow>> {
    use diesel::dsl::sql;
    let day = |column: &str| match conn {
        DbConnection::Sqlite(_) => format!("CAST(julianday({column}) AS BIGINT) - 1721424"),
        DbConnection::Postgresql(_) => format!("CAST({column} - DATE '0001-01-01' AS BIGINT) + 1"),
    };
    let (band, approved) = (day("decision_band"), day("approved_on"));
    let rows: Vec<(i64, i64, i64, i64)> = unit_owed::table
        .filter(unit_owed::cases.ne(0))
        .select((
            unit_owed::unit_id,
            sql::<BigInt>(&band),
            sql::<BigInt>(&approved),
            unit_owed::cases,
        ))
        .load(conn)?;
    let date = |days: i64| -> QueryResult<Option<NaiveDate>> {
        let d = i32::try_from(days)
            .ok()
            .and_then(NaiveDate::from_num_days_from_ce_opt)
            .ok_or_else(|| {
                diesel::result::Error::DeserializationError(
                    format!("unit_owed: day number {days} out of range").into(),
                )
            })?;
        Ok(date_or_none(d))
    };
    rows.into_iter()
        .map(|(unit_id, band, approved, cases)| {
            Ok(OwedRow {
                unit_id: UnitId(unit_id),
                decision_band: date(band)?,
                approved_on: date(approved)?,
                cases,
            })
        })
        .collect()
}

/// The same computed from every case, by the application's own band and Vietnam day (not the
/// triggers' SQL), sorted; keyed by `cuts` (the stored ones to compare with the aggregates),
/// or by the exact decision date when `None`.
pub fn live_owed(conn: &mut DbConnection, cuts: Option<&[NaiveDate]>) -> QueryResult<Vec<OwedRow>> {
    let rows: Vec<(i64, Option<NaiveDate>, Option<chrono::NaiveDateTime>)> = cases::table
        .filter(cases::state.eq_any(OWED_STATES.map(|s| s.as_str())))
        .filter(cases::paid_vnd.lt(cases::entitled_vnd))
        .select((cases::unit_id, cases::decision_date, cases::approved_at))
        .load(conn)?;
    let mut groups: BTreeMap<OwedKey, i64> = BTreeMap::new();
    for (unit, decision, approved) in rows {
        *groups
            .entry(owed_key(cuts, unit, decision, approved))
            .or_default() += 1;
    }
    Ok(owed_rows(groups))
}

/// An owed case's key: unit, band of its decision date (see [`live_owed`]), Vietnam day of
/// approval.
type OwedKey = (i64, Option<NaiveDate>, Option<NaiveDate>);

fn owed_key(
    cuts: Option<&[NaiveDate]>,
    unit: i64,
    decision: Option<NaiveDate>,
    approved: Option<chrono::NaiveDateTime>,
) -> OwedKey {
    (
        unit,
        decision.map(|d| cuts.map_or(d, |cuts| band_of(cuts, d))),
        approved.map(crate::domain::vn_time::day),
    )
}

fn owed_rows(groups: BTreeMap<OwedKey, i64>) -> Vec<OwedRow> {
    groups
        .into_iter()
        .map(|((unit_id, decision_band, approved_on), cases)| OwedRow {
            unit_id: UnitId(unit_id),
            decision_band,
            approved_on,
            cases,
        })
        .collect()
}

/// Runs `insert`, a bulk insert of new cases, with the per-row upkeep of the aggregates
/// deferred, then adds the new cases' contributions set-wise, all in one transaction (a
/// savepoint inside the caller's). On SQLite the insert trigger otherwise runs two upserts per
/// case, a sixth of a 150,000-row import; the marker row that makes it stand aside is never
/// visible outside this transaction (SQLite has one writer at a time). PostgreSQL's statement
/// triggers already work set-wise, so there `insert` simply runs.
pub fn with_deferred_totals<T>(
    conn: &mut DbConnection,
    insert: impl FnOnce(&mut DbConnection) -> QueryResult<T>,
) -> QueryResult<T> {
    if matches!(conn, DbConnection::Postgresql(_)) {
        return insert(conn);
    }
    conn.transaction(|conn| {
        let since: i64 = cases::table
            .select(diesel::dsl::max(cases::id))
            .first::<Option<CaseId>>(conn)?
            .map_or(0, |id| id.0);
        diesel::insert_into(totals_deferred::table)
            .values(totals_deferred::since_id.eq(since))
            .execute(conn)?;
        let mark = std::time::Instant::now();
        let out = insert(conn)?;
        tracing::debug!(ms = mark.elapsed().as_millis(), "deferred insert");
        let mark = std::time::Instant::now();
        diesel::delete(totals_deferred::table).execute(conn)?;
        add_cases_after(conn, since)?;
        tracing::debug!(ms = mark.elapsed().as_millis(), "deferred apply");
        Ok(out)
    })
}

/// Adds the contributions of the cases with an id above `after` to the aggregates (SQLite,
/// after an insert with the trigger deferred): one scan of the new rows by id, folded here by
/// the same keys as [`live_by_unit_and_state`] and [`live_owed`], upserted in chunks.
fn add_cases_after(conn: &mut DbConnection, after: i64) -> QueryResult<()> {
    type Row = (
        i64,
        CaseState,
        i64,
        i64,
        Option<NaiveDate>,
        Option<chrono::NaiveDateTime>,
    );
    let rows: Vec<Row> = cases::table
        .filter(cases::id.gt(CaseId(after)))
        .select((
            cases::unit_id,
            cases::state,
            cases::entitled_vnd,
            cases::paid_vnd,
            cases::decision_date,
            cases::approved_at,
        ))
        .load(conn)?;
    let cuts = deadline_cuts(conn)?;
    let mut totals: BTreeMap<(i64, CaseState), (i64, i64, i64)> = BTreeMap::new();
    let mut owed: BTreeMap<OwedKey, i64> = BTreeMap::new();
    for (unit, state, entitled, paid, decision, approved) in rows {
        let t = totals.entry((unit, state)).or_default();
        *t = (t.0 + 1, t.1 + entitled, t.2 + paid);
        if OWED_STATES.contains(&state) && paid < entitled {
            *owed
                .entry(owed_key(Some(&cuts), unit, decision, approved))
                .or_default() += 1;
        }
    }
    use std::fmt::Write as _;
    let totals: Vec<_> = totals.into_iter().collect();
    for chunk in totals.chunks(1_000) {
        // Ids, fixed state codes and sums the program formats itself.
        let values = super::values_list(chunk, |s, ((unit, state), (n, entitled, paid))| {
            let _ = write!(s, "{unit},'{}',{n},{entitled},{paid}", state.as_str());
        });
        diesel::sql_query(format!(
            "INSERT INTO unit_state_totals (unit_id, state, cases, entitled_vnd, paid_vnd) \
             VALUES {values} ON CONFLICT (unit_id, state) DO UPDATE SET \
             cases = cases + excluded.cases, entitled_vnd = entitled_vnd + excluded.entitled_vnd, \
             paid_vnd = paid_vnd + excluded.paid_vnd"
        ))
        .execute(conn)?;
    }
    let owed = owed_rows(owed);
    for chunk in owed.chunks(1_000) {
        // Ids, day keys and counts the program formats itself.
        let values = super::values_list(chunk, |s, r| {
            let _ = write!(
                s,
                "{},'{}','{}',{}",
                r.unit_id.0,
                r.decision_band.unwrap_or_else(no_date).format("%Y-%m-%d"),
                r.approved_on.unwrap_or_else(no_date).format("%Y-%m-%d"),
                r.cases
            );
        });
        diesel::sql_query(format!(
            "INSERT INTO unit_owed (unit_id, decision_band, approved_on, cases) VALUES {values} \
             ON CONFLICT (unit_id, decision_band, approved_on) \
             DO UPDATE SET cases = cases + excluded.cases"
        ))
        .execute(conn)?;
    }
    Ok(())
}

/// Where progress reads its per-unit figures from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The aggregates the triggers keep (the service's path).
    Aggregates,
    /// Every case (the check).
    Live,
}

/// A difference between the aggregates and the live computation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    State {
        unit_id: UnitId,
        state: CaseState,
        /// (cases, entitled, paid) in the aggregates and live.
        stored: (i64, i64, i64),
        live: (i64, i64, i64),
    },
    Owed {
        unit_id: UnitId,
        decision_band: Option<NaiveDate>,
        approved_on: Option<NaiveDate>,
        stored: i64,
        live: i64,
    },
}

/// The keys whose values differ between two maps (a missing key counts as the default),
/// with `(stored, live)`.
fn differences<K: Ord + Copy, V: Copy + Default + PartialEq>(
    stored: &BTreeMap<K, V>,
    live: &BTreeMap<K, V>,
) -> Vec<(K, V, V)> {
    let keys: std::collections::BTreeSet<K> = stored.keys().chain(live.keys()).copied().collect();
    keys.into_iter()
        .filter_map(|key| {
            let s = stored.get(&key).copied().unwrap_or_default();
            let l = live.get(&key).copied().unwrap_or_default();
            (s != l).then_some((key, s, l))
        })
        .collect()
}

/// Compares the aggregates with the live computation; empty when they agree.
pub fn drift(conn: &mut DbConnection) -> QueryResult<Vec<Drift>> {
    type StateKey = (UnitId, CaseState);
    let totals = |rows: Vec<UnitStateTotals>| -> BTreeMap<StateKey, (i64, i64, i64)> {
        rows.into_iter()
            .filter(|t| (t.cases, t.entitled_vnd, t.paid_vnd) != (0, 0, 0))
            .map(|t| ((t.unit_id, t.state), (t.cases, t.entitled_vnd, t.paid_vnd)))
            .collect()
    };
    let stored = totals(by_unit_and_state(conn)?);
    let live = totals(live_by_unit_and_state(conn)?);
    let mut out: Vec<Drift> = differences(&stored, &live)
        .into_iter()
        .map(|((unit_id, state), stored, live)| Drift::State {
            unit_id,
            state,
            stored,
            live,
        })
        .collect();
    type StoredOwedKey = (UnitId, Option<NaiveDate>, Option<NaiveDate>);
    let owed_map = |rows: Vec<OwedRow>| -> BTreeMap<StoredOwedKey, i64> {
        rows.into_iter()
            .map(|r| ((r.unit_id, r.decision_band, r.approved_on), r.cases))
            .collect()
    };
    let stored = owed_map(owed(conn)?);
    let cuts = deadline_cuts(conn)?;
    let live = owed_map(live_owed(conn, Some(&cuts))?);
    out.extend(differences(&stored, &live).into_iter().map(
        |((unit_id, decision_band, approved_on), stored, live)| Drift::Owed {
            unit_id,
            decision_band,
            approved_on,
            stored,
            live,
        },
    ));
    Ok(out)
}

/// Rebuilds the aggregates from every case (an operator's repair after `--verify` found a
/// difference; in one transaction with the caller's).
pub fn rebuild(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::delete(unit_state_totals::table).execute(conn)?;
    let rows: Vec<StateTotalsRow> = live_by_unit_and_state(conn)?
        .into_iter()
        .map(|t| StateTotalsRow {
            unit_id: t.unit_id.0,
            state: t.state.as_str().to_owned(),
            cases: t.cases,
            entitled_vnd: t.entitled_vnd,
            paid_vnd: t.paid_vnd,
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        crate::insert_batch!(conn, unit_state_totals::table, chunk)?;
    }
    rebuild_owed(conn)
}

/// Rebuilds the owed aggregates from every case, keyed by the stored cuts.
fn rebuild_owed(conn: &mut DbConnection) -> QueryResult<()> {
    diesel::delete(unit_owed::table).execute(conn)?;
    let cuts = deadline_cuts(conn)?;
    let rows: Vec<OwedKeyRow> = live_owed(conn, Some(&cuts))?
        .into_iter()
        .map(|r| OwedKeyRow {
            unit_id: r.unit_id.0,
            decision_band: r.decision_band.unwrap_or_else(no_date),
            approved_on: r.approved_on.unwrap_or_else(no_date),
            cases: r.cases,
        })
        .collect();
    for chunk in rows.chunks(1_000) {
        crate::insert_batch!(conn, unit_owed::table, chunk)?;
    }
    Ok(())
}

#[derive(Insertable)]
#[diesel(table_name = unit_state_totals)]
#[diesel(treat_none_as_default_value = false)]
struct StateTotalsRow {
    unit_id: i64,
    state: String,
    cases: i64,
    entitled_vnd: i64,
    paid_vnd: i64,
}

#[derive(Insertable)]
#[diesel(table_name = unit_owed)]
#[diesel(treat_none_as_default_value = false)]
struct OwedKeyRow {
    unit_id: i64,
    decision_band: NaiveDate,
    approved_on: NaiveDate,
    cases: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(text: &str) -> NaiveDate {
        text.parse().unwrap()
    }

    #[test]
    fn a_decision_date_falls_in_the_band_of_the_latest_cut_before_it() {
        let cuts = [d("2025-07-01"), d("2025-10-01")];
        assert_eq!(band_of(&cuts, d("2025-03-01")), d("2025-06-30"));
        assert_eq!(band_of(&cuts, d("2025-06-30")), d("2025-06-30"));
        assert_eq!(band_of(&cuts, d("2025-07-01")), d("2025-07-01"));
        assert_eq!(band_of(&cuts, d("2025-09-30")), d("2025-07-01"));
        assert_eq!(band_of(&cuts, d("2025-10-01")), d("2025-10-01"));
        assert_eq!(band_of(&cuts, d("2026-12-31")), d("2025-10-01"));
        assert_eq!(band_of(&[], d("2025-03-01")), d("2025-03-01"));
    }
}
