//! Flags as the screens, the API and the reports show them: computed from the stored data
//! every time (`domain::flags` decides; this module loads the facts), each with the
//! responsible unit, its age in days and what to do.
//!
//! Unmatched statement lines are flagged from the lines themselves (a line matched later
//! stops being flagged), on the case whose reference the line carries when there is one, else
//! on the unit whose statement it is.

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::flags::{CaseFactsRow, FlagRows, UnmatchedLineRow};
use crate::db::payments::visible_units;
use crate::db::units::UnitScope;
use crate::db::{DbConnection, cases};
use crate::domain::flags::{CaseFacts, Flag, FlagKind, FlagParams, Markers, UnitFacts, case_flags};
use crate::domain::ids::{CaseId, StatementLineId};
use crate::domain::money::Vnd;
use crate::domain::policy::PolicySet;
use crate::domain::unit::UnitKind;
use crate::domain::vn_time;

/// One open flag.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FlagRow {
    #[schema(value_type = String)]
    pub kind: FlagKind,
    /// The case, when the flag is about one.
    #[schema(value_type = Option<i64>)]
    pub case_id: Option<CaseId>,
    /// The statement line, for `unmatched_statement_line`.
    #[schema(value_type = Option<i64>)]
    pub statement_line_id: Option<StatementLineId>,
    /// The responsible unit.
    pub unit_code: String,
    pub unit_name: String,
    /// The first day it was wrong and whole days since.
    pub since: NaiveDate,
    pub age_days: i64,
    /// For cases: entitled and paid, to judge the size of the problem.
    pub entitled_vnd: Option<i64>,
    pub paid_vnd: Option<i64>,
    pub label_vi: &'static str,
    pub label_en: &'static str,
    pub action_vi: &'static str,
    pub action_en: &'static str,
}

/// Which flags to list.
#[derive(Debug, Clone, Default)]
pub struct FlagFilter {
    pub kind: Option<FlagKind>,
    /// Only this unit and the units below it (a materialised path).
    pub unit_path: Option<String>,
    /// Only this case.
    pub case_id: Option<CaseId>,
}

/// Every open flag within `scope` that passes `filter`, oldest first within each kind.
#[tracing::instrument(skip_all)]
pub fn list(
    conn: &mut DbConnection,
    policy: &PolicySet,
    scope: &UnitScope,
    filter: &FlagFilter,
    today: NaiveDate,
) -> diesel::QueryResult<Vec<FlagRow>> {
    // One case (a case page, a case read): check its unit against the scope instead of
    // listing every visible unit into the queries.
    let visible = match filter.case_id {
        Some(id) => {
            let path = cases::unit_path(conn, id)?;
            if !path.is_some_and(|p| scope.contains_path(&p)) {
                return Ok(Vec::new());
            }
            None
        }
        None => visible_units(conn, scope)?,
    };
    let rows = FlagRows {
        visible: visible.as_deref(),
        unit_path: filter.unit_path.as_deref(),
        case_id: filter.case_id,
    };
    let mut out = Vec::new();
    let line_kinds = [
        FlagKind::UnmatchedStatementLine,
        FlagKind::PossibleDoublePayout,
    ];
    if !filter.kind.is_some_and(|k| line_kinds.contains(&k)) {
        let cases_facts = crate::db::flags::case_facts(conn, rows)?;
        let overdue_after_days = policy.overdue_after_approval_days();
        let commune_accounts_by = policy.commune_accounts_by().map(|(d, _)| d);
        for CaseFactsRow {
            id,
            state,
            entitled_vnd: entitled,
            paid_vnd: paid,
            approved_at,
            entitlement_set_at: set_at,
            last_payment_on: last_paid,
            bank_account: account,
            decision_date: decided,
            entitlement_changed_on: changed,
            disputed_on: disputed,
            duplicate_payment_on: duplicate,
            unit_code,
            unit_name,
            treasury_account_no: treasury,
            unit_kind,
        } in cases_facts
        {
            let facts = CaseFacts {
                state,
                entitled: Vnd::new(entitled),
                paid: Vnd::new(paid),
                approved_on: approved_at.map(vn_time::day),
                entitlement_set_on: set_at.map(vn_time::day),
                last_payment_on: last_paid,
                person_has_account: account.is_some_and(|a| !a.trim().is_empty()),
                markers: Markers {
                    entitlement_changed: changed,
                    disputed,
                    duplicate_payment: duplicate,
                    unmatched_statement_line: None,
                },
            };
            let unit = UnitFacts {
                has_treasury_account: treasury.is_some_and(|a| !a.trim().is_empty()),
                account_due: commune_accounts_by
                    .filter(|_| UnitKind::parse(&unit_kind) == Some(UnitKind::Commune)),
            };
            let params = FlagParams {
                overdue_after_days,
                national_deadline: policy.payment_deadline_for(decided),
                after_programme_end: decided.filter(|_| policy.after_programme_end(decided)),
            };
            for flag in case_flags(&facts, &unit, params, today) {
                if filter.kind.is_some_and(|k| k != flag.kind) {
                    continue;
                }
                out.push(row_of(
                    flag,
                    Some(id),
                    None,
                    &unit_code,
                    &unit_name,
                    Some((entitled, paid)),
                ));
            }
        }
    }
    if filter.kind.is_none_or(|k| line_kinds.contains(&k)) {
        let lines = crate::db::flags::unmatched_lines(conn, rows)?;
        for UnmatchedLineRow {
            id: line_id,
            case_id,
            line_date: date,
            unit_code: code,
            unit_name: name,
            unit_path: path,
            unmatched_reason: reason,
        } in lines
        {
            // For one case the query was not limited to the visible units: the line's own
            // unit (the account holder) must be visible too.
            if !scope.contains_path(&path) {
                continue;
            }
            let kind = if reason.as_deref() == Some("possible_double_payout") {
                FlagKind::PossibleDoublePayout
            } else {
                FlagKind::UnmatchedStatementLine
            };
            if filter.kind.is_some_and(|k| k != kind) {
                continue;
            }
            let flag = Flag::new(kind, date, today);
            out.push(row_of(flag, case_id, Some(line_id), &code, &name, None));
        }
    }
    out.sort_by(|a, b| {
        (
            a.kind,
            std::cmp::Reverse(a.age_days),
            a.case_id,
            a.statement_line_id,
        )
            .cmp(&(
                b.kind,
                std::cmp::Reverse(b.age_days),
                b.case_id,
                b.statement_line_id,
            ))
    });
    Ok(out)
}

fn row_of(
    flag: Flag,
    case_id: Option<CaseId>,
    statement_line_id: Option<StatementLineId>,
    unit_code: &str,
    unit_name: &str,
    amounts: Option<(i64, i64)>,
) -> FlagRow {
    FlagRow {
        kind: flag.kind,
        case_id,
        statement_line_id,
        unit_code: unit_code.to_owned(),
        unit_name: unit_name.to_owned(),
        since: flag.since,
        age_days: flag.age_days,
        entitled_vnd: amounts.map(|a| a.0),
        paid_vnd: amounts.map(|a| a.1),
        label_vi: flag.kind.label_vi(),
        label_en: flag.kind.label_en(),
        action_vi: flag.kind.action_vi(),
        action_en: flag.kind.action_en(),
    }
}

/// How long the dashboard's flag counts may be reused at most, even when the audit trail has
/// not moved (a change committed out of order on PostgreSQL can keep its highest id still).
pub const COUNTS_REUSED_FOR: std::time::Duration = std::time::Duration::from_secs(30);

/// The open flags remembered by this process for the dashboard's counts and the flag list page
/// (issue 19: at 150,000 cases listing them takes ≈ 0.4 s, every case's facts loaded and
/// judged; the dashboard is every officer's home page). An entry is reused only for the same
/// units and day, while the audit trail's newest id is unchanged (every change that can raise
/// or clear a flag is audited in its own transaction) and for at most [`COUNTS_REUSED_FOR`].
/// One listing runs at a time: meanwhile other requests take the entry of the same units and
/// day as it stands (its time is shown) or, without one, wait for the listing — instead of
/// eight requests each loading every case at once. Belongs to one database (held in the
/// application state), so processes and instances stay independent: each checks the database.
#[derive(Default, Debug)]
pub struct RememberedFlags {
    entries: std::sync::Mutex<std::collections::HashMap<String, Remembered>>,
    listing: std::sync::Mutex<()>,
}

#[derive(Debug, Clone)]
struct Remembered {
    today: NaiveDate,
    mark: Option<i64>,
    at: std::time::Instant,
    computed_at: chrono::NaiveDateTime,
    flags: std::sync::Arc<Vec<FlagRow>>,
    counts: Vec<(FlagKind, usize)>,
}

/// At most this many flags are remembered in all (more: all forgotten, then filled again).
const REMEMBERED_FLAGS: usize = 1_000_000;

/// Counts by kind, and when they were computed (UTC).
pub type CountsAt = (Vec<(FlagKind, usize)>, chrono::NaiveDateTime);

/// Flags, and when they were listed (UTC).
pub type FlagsAt = (std::sync::Arc<Vec<FlagRow>>, chrono::NaiveDateTime);

impl RememberedFlags {
    /// The counts by kind of the open flags within `scope` as of `today`, and when they were
    /// listed (UTC).
    pub fn counts(
        &self,
        conn: &mut DbConnection,
        policy: &PolicySet,
        scope: &UnitScope,
        today: NaiveDate,
    ) -> diesel::QueryResult<CountsAt> {
        let r = self.remembered(conn, policy, scope, None, today)?;
        Ok((r.counts, r.computed_at))
    }

    /// The open flags within `scope` (and below `unit_path`, when given) as of `today`, as
    /// [`list`] orders them, and when they were listed (UTC).
    pub fn flags(
        &self,
        conn: &mut DbConnection,
        policy: &PolicySet,
        scope: &UnitScope,
        unit_path: Option<String>,
        today: NaiveDate,
    ) -> diesel::QueryResult<FlagsAt> {
        let r = self.remembered(conn, policy, scope, unit_path, today)?;
        Ok((r.flags, r.computed_at))
    }

    fn remembered(
        &self,
        conn: &mut DbConnection,
        policy: &PolicySet,
        scope: &UnitScope,
        unit_path: Option<String>,
        today: NaiveDate,
    ) -> diesel::QueryResult<Remembered> {
        use std::sync::{PoisonError, TryLockError};
        let key = format!("{scope:?} {unit_path:?}");
        let mark = crate::db::audit::high_water(conn)?;
        let entry = || {
            self.entries
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .get(&key)
                .filter(|r| r.today == today)
                .cloned()
        };
        let fresh = |r: &Remembered, mark: Option<i64>| {
            r.mark == mark && r.at.elapsed() < COUNTS_REUSED_FOR
        };
        let known = entry();
        if let Some(r) = known.as_ref().filter(|r| fresh(r, mark)) {
            return Ok(r.clone());
        }
        let _listing = match self.listing.try_lock() {
            Ok(guard) => guard,
            Err(TryLockError::Poisoned(e)) => e.into_inner(),
            Err(TryLockError::WouldBlock) => match known {
                Some(r) => return Ok(r),
                None => self.listing.lock().unwrap_or_else(PoisonError::into_inner),
            },
        };
        // Listed by another request while this one waited?
        let mark = crate::db::audit::high_water(conn)?;
        if let Some(r) = entry().filter(|r| fresh(r, mark)) {
            return Ok(r);
        }
        let at = std::time::Instant::now();
        let computed_at = crate::db::now();
        let filter = FlagFilter {
            unit_path,
            ..FlagFilter::default()
        };
        let flags = list(conn, policy, scope, &filter, today)?;
        let r = Remembered {
            today,
            mark,
            at,
            computed_at,
            counts: counts(&flags),
            flags: std::sync::Arc::new(flags),
        };
        let mut entries = self.entries.lock().unwrap_or_else(PoisonError::into_inner);
        entries.remove(&key);
        let held: usize = entries.values().map(|e| e.flags.len()).sum();
        if held + r.flags.len() > REMEMBERED_FLAGS {
            entries.clear();
        }
        entries.insert(key, r.clone());
        Ok(r)
    }
}

/// Counts by kind, for summaries.
pub fn counts(flags: &[FlagRow]) -> Vec<(FlagKind, usize)> {
    FlagKind::ALL
        .into_iter()
        .map(|k| (k, flags.iter().filter(|f| f.kind == k).count()))
        .collect()
}
