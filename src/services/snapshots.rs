//! Daily progress snapshots for the dashboard's progress over time. [`ensure`] writes today's
//! (as the day began: the figures of the first request or import after 00:00 Vietnam time),
//! on any instance, at most once (the table's key makes a concurrent second write a no-op);
//! the first time it runs, the days before are rebuilt once from the case and payment history.
//! A day's snapshot holds every unit with cases in its subtree (its own cases added up along the
//! tree); the rebuilt days hold the nation and the units directly below it.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI32, Ordering};

use chrono::{Datelike, NaiveDate, NaiveDateTime, TimeDelta};
use diesel::prelude::*;

use crate::db::schema::{cases, payments, units};
use crate::db::snapshots::{self, SnapshotRow};
use crate::db::units::UnitScope;
use crate::db::{DbConnection, now, transaction};
use crate::domain::case_state::CaseState;
use crate::domain::ids::UnitId;
use crate::domain::policy::PolicySet;
use crate::domain::unit::NATION_CODE;
use crate::error::AppError;
use crate::services::progress::{GroupBy, progress};

/// The last day this process made sure of (days from the common era), so that a request
/// costs a database look-up once a day, not every time.
static ENSURED: AtomicI32 = AtomicI32::new(0);

/// Makes sure today's snapshot exists; `true` when this call wrote it. Looks at the
/// database once a day per process.
pub fn ensure(
    conn: &mut DbConnection,
    policy: &PolicySet,
    today: NaiveDate,
) -> Result<bool, AppError> {
    let day = today.num_days_from_ce();
    if ENSURED.load(Ordering::Relaxed) == day {
        return Ok(false);
    }
    let written = ensure_in_database(conn, policy, today)?;
    ENSURED.store(day, Ordering::Relaxed);
    Ok(written)
}

/// [`ensure`] without the process's memory of the day: writes today's snapshot unless the
/// database has it (idempotent across instances).
pub fn ensure_in_database(
    conn: &mut DbConnection,
    policy: &PolicySet,
    today: NaiveDate,
) -> Result<bool, AppError> {
    let Some(nation) = crate::db::units::find_by_code(conn, NATION_CODE)? else {
        return Ok(false);
    };
    let written = transaction(conn, |conn| -> Result<bool, AppError> {
        if snapshots::has_day(conn, today, nation.id)? {
            return Ok(false);
        }
        let mut rows = Vec::new();
        if snapshots::first_day(conn)?.is_none() {
            rows = rebuild(conn, today)?;
        }
        // Every unit's own cases, added up along the tree: the figures of each unit with
        // cases in its subtree (the nation's equal the national total).
        let report = progress(conn, policy, &UnitScope::All, GroupBy::Unit, today)?;
        let paths: HashMap<String, String> = units::table
            .select((units::code, units::path))
            .load(conn)?
            .into_iter()
            .collect();
        let mut tallies: HashMap<UnitId, Tally> = HashMap::new();
        for g in &report.groups {
            let Some(path) = paths.get(&g.code) else {
                continue;
            };
            for unit in units_on(path) {
                let t = tallies.entry(unit).or_default();
                t.people += g.figures.people;
                t.paid += g.figures.paid;
                t.entitled += g.figures.entitled_vnd;
                t.paid_vnd += g.figures.paid_vnd;
            }
        }
        tallies.entry(nation.id).or_default();
        let at = now();
        rows.extend(
            tallies
                .into_iter()
                .map(|(unit, t)| t.row(today, unit, false, at)),
        );
        snapshots::insert(conn, &rows)?;
        Ok(true)
    })?;
    Ok(written)
}

/// The days before `today`, from the first case on, rebuilt from the history for the nation and
/// the units directly below it: people are the
/// cases created by the day's end (not cancelled today), money paid is the sum of the payments
/// dated up to the day, and a person counts as paid once their payments reach today's
/// entitlement. Entitlements are today's (a change accepted later shows from the start).
fn rebuild(conn: &mut DbConnection, today: NaiveDate) -> Result<Vec<SnapshotRow>, AppError> {
    let all: Vec<(i64, String, i64, chrono::NaiveDateTime, String)> = cases::table
        .inner_join(units::table.on(units::id.eq(cases::unit_id)))
        .select((
            cases::id,
            units::path,
            cases::entitled_vnd,
            cases::created_at,
            cases::state,
        ))
        .load(conn)?;
    let paid: Vec<(i64, NaiveDate, i64)> = payments::table
        .select((payments::case_id, payments::paid_on, payments::amount_vnd))
        .order((payments::paid_on.asc(), payments::id.asc()))
        .load(conn)?;
    struct Case {
        /// The case's unit and every unit above it.
        units: Vec<UnitId>,
        entitled: i64,
        paid: i64,
    }
    // A case counts from the day it was created, or from its first payment when that is
    // earlier (a roster imported after its people were paid).
    let mut first_paid: HashMap<i64, NaiveDate> = HashMap::new();
    for (id, on, _) in &paid {
        first_paid.entry(*id).or_insert(*on);
    }
    let mut by_case: HashMap<i64, Case> = HashMap::new();
    let mut created: Vec<(NaiveDate, i64)> = Vec::new();
    for (id, path, entitled, at, state) in all {
        if CaseState::parse(&state).is_ok_and(|s| s == CaseState::Cancelled) {
            continue;
        }
        by_case.insert(
            id,
            Case {
                // History is rebuilt for the nation and the units directly below it only
                // (deeper units are kept from their first day on): a commune's history would
                // be thousands of rows a day for every day since the first case.
                units: units_on(&path).into_iter().take(2).collect(),
                entitled,
                paid: 0,
            },
        );
        let day = crate::domain::vn_time::day(at);
        created.push((first_paid.get(&id).map_or(day, |p| day.min(*p)), id));
    }
    created.sort_unstable();
    let Some(first) = created.first().map(|c| c.0) else {
        return Ok(Vec::new());
    };
    let mut tallies: HashMap<UnitId, Tally> = HashMap::new();
    let at = now();
    let mut rows = Vec::new();
    let (mut c, mut p) = (0, 0);
    let mut day = first;
    while day < today {
        while let Some((_, id)) = created.get(c).copied().filter(|(d, _)| *d <= day) {
            c += 1;
            if let Some(case) = by_case.get(&id) {
                let entitled = case.entitled;
                for unit in &case.units {
                    let t = tallies.entry(*unit).or_default();
                    t.people += 1;
                    t.entitled += entitled;
                }
            }
        }
        while let Some((id, _, amount)) = paid.get(p).copied().filter(|(_, d, _)| *d <= day) {
            p += 1;
            let Some(case) = by_case.get_mut(&id) else {
                continue;
            };
            let was_paid = case.entitled > 0 && case.paid >= case.entitled;
            case.paid += amount;
            let is_paid = case.entitled > 0 && case.paid >= case.entitled;
            let change = i64::from(is_paid) - i64::from(was_paid);
            for unit in &case.units {
                let t = tallies.entry(*unit).or_default();
                t.paid += change;
                t.paid_vnd += amount;
            }
        }
        rows.extend(tallies.iter().map(|(unit, t)| t.row(day, *unit, true, at)));
        day += TimeDelta::days(1);
    }
    Ok(rows)
}

/// A unit's figures for a day.
#[derive(Default, Clone, Copy)]
struct Tally {
    people: i64,
    paid: i64,
    entitled: i64,
    paid_vnd: i64,
}

impl Tally {
    fn row(
        self,
        day: NaiveDate,
        unit_id: UnitId,
        rebuilt: bool,
        taken_at: NaiveDateTime,
    ) -> SnapshotRow {
        SnapshotRow {
            day,
            unit_id,
            people: self.people,
            paid: self.paid,
            entitled_vnd: self.entitled,
            paid_vnd: self.paid_vnd,
            rebuilt,
            taken_at,
        }
    }
}

/// The units a materialised path names (`/1/23/456/`: the nation, a province, a commune), from
/// the top down.
fn units_on(path: &str) -> Vec<UnitId> {
    path.split('/')
        .filter_map(|id| id.parse().ok().map(UnitId))
        .collect()
}
