//! Progress: how many people decided to leave, how many were approved and paid, and how much
//! money, for every unit rolled up to its ministry or province and to the nation.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::progress::Source;
use crate::db::units::{self, UnitBrief, UnitScope};
use crate::db::{DbConnection, progress};
use crate::domain::case_state::CaseState;
use crate::domain::ids::UnitId;
use crate::domain::policy::PolicySet;

/// Figures of one group (or the nation).
#[derive(Debug, Clone, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// People who decided to leave (cases not cancelled).
    pub people: i64,
    pub approved: i64,
    pub paid: i64,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    /// Paid people as a share of people, in percent with two decimals (text, exact).
    pub paid_people_pct: String,
    /// Paid money as a share of entitled money, in percent with two decimals (text, exact).
    pub paid_amount_pct: String,
    /// Entitled minus paid (never below zero per case state group).
    pub outstanding_vnd: i64,
    /// Cases by state.
    pub by_state: std::collections::BTreeMap<String, i64>,
    /// Units with cases.
    pub units: i64,
    /// Units whose every (not cancelled) case is paid.
    pub units_complete: i64,
    /// Units with cases of which less than 60% of people are paid.
    pub units_below_60_pct: i64,
    /// Units with money still to pay (approved, payable, partially paid) and no Treasury
    /// account.
    pub units_lacking_account: i64,
    /// Cases overdue today (see the flags), and the age in days of the oldest.
    pub overdue: i64,
    pub oldest_overdue_days: Option<i64>,
    /// Less than 60% of people paid.
    pub below_60_pct: bool,
}

/// One group of the report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Group {
    pub code: String,
    pub name: String,
    pub kind: String,
    #[serde(flatten)]
    pub figures: Figures,
}

/// The report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Progress {
    pub as_of: NaiveDate,
    pub group_by: GroupBy,
    pub national: Figures,
    pub groups: Vec<Group>,
}

/// How to group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum GroupBy {
    /// Ministries, central bodies and provinces (the units directly below Việt Nam).
    Top,
    /// Only ministries and other central bodies.
    Ministry,
    /// Only provinces and centrally-run cities.
    Province,
    /// Every unit that has cases.
    Unit,
}

/// Percentage `part / whole` with two decimals, computed exactly in integers.
pub fn pct(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "0.00".into();
    }
    let scaled = i128::from(part) * 10_000;
    let whole = i128::from(whole);
    // Round half up.
    let hundredths = (scaled * 2 + whole) / (whole * 2);
    format!("{}.{:02}", hundredths / 100, hundredths % 100)
}

impl Figures {
    fn finish(&mut self) {
        self.paid_people_pct = pct(self.paid, self.people);
        self.paid_amount_pct = pct(self.paid_vnd, self.entitled_vnd);
        self.outstanding_vnd = (self.entitled_vnd - self.paid_vnd).max(0);
        // paid / people < 60% ⟺ 100·paid < 60·people (exact).
        self.below_60_pct = self.people > 0 && self.paid * 100 < self.people * 60;
    }

    /// Adds a unit's own figures into a group's (the unit counts as one unit); the counts by
    /// state go to `states` (turned into `by_state` by [`Figures::finish_with`]).
    fn absorb(&mut self, states: &mut [i64; STATES], unit: &UnitFigures, lacking_account: bool) {
        for (sum, n) in states.iter_mut().zip(unit.by_state) {
            *sum += n;
        }
        self.people += unit.people;
        self.approved += unit.approved;
        self.paid += unit.paid;
        self.entitled_vnd += unit.entitled_vnd;
        self.paid_vnd += unit.paid_vnd;
        self.overdue += unit.overdue;
        self.oldest_overdue_days = self.oldest_overdue_days.max(unit.oldest_overdue_days);
        self.units += 1;
        if unit.people > 0 && unit.paid == unit.people {
            self.units_complete += 1;
        }
        if unit.people > 0 && unit.paid * 100 < unit.people * 60 {
            self.units_below_60_pct += 1;
        }
        if lacking_account {
            self.units_lacking_account += 1;
        }
    }

    /// [`Figures::finish`] with the counts by state gathered by [`Figures::absorb`].
    fn finish_with(&mut self, states: &[i64; STATES]) {
        for (state, n) in CaseState::ALL.iter().zip(states) {
            if *n != 0 {
                *self.by_state.entry(state.as_str().to_owned()).or_default() += n;
            }
        }
        self.finish();
    }
}

const STATES: usize = CaseState::ALL.len();

/// One unit's own figures, compact (no allocation per unit).
#[derive(Debug, Clone, Copy, Default)]
struct UnitFigures {
    by_state: [i64; STATES],
    people: i64,
    approved: i64,
    paid: i64,
    entitled_vnd: i64,
    paid_vnd: i64,
    overdue: i64,
    oldest_overdue_days: Option<i64>,
    seen: bool,
}

impl UnitFigures {
    fn add(&mut self, state: CaseState, cases: i64, entitled: i64, paid: i64) {
        self.seen = true;
        if let Some(i) = CaseState::ALL.iter().position(|s| *s == state) {
            self.by_state[i] += cases;
        }
        self.paid_vnd += paid;
        if state == CaseState::Cancelled {
            return;
        }
        self.people += cases;
        self.entitled_vnd += entitled;
        if state.is_approved_or_later() {
            self.approved += cases;
        }
        if state.is_paid() {
            self.paid += cases;
        }
    }

    /// Whether some of its cases have money still to flow (approved, payable, partially paid).
    fn has_money_to_flow(&self) -> bool {
        CaseState::ALL
            .iter()
            .zip(self.by_state)
            .any(|(s, n)| s.has_money_to_flow() && n > 0)
    }
}

/// The unit tree as progress needs it, kept per process and read again only when the
/// database's units version moved (every change of a unit bumps it, migration 13).
#[derive(Debug)]
struct UnitTree {
    version: i64,
    units: Vec<UnitBrief>,
    /// Position in `units` by id.
    index: HashMap<UnitId, usize>,
    /// Position of the unit directly below the root above each unit (none for the root).
    top: Vec<Option<usize>>,
}

static UNIT_TREE: std::sync::Mutex<Option<std::sync::Arc<UnitTree>>> = std::sync::Mutex::new(None);

fn unit_tree(conn: &mut DbConnection) -> diesel::QueryResult<std::sync::Arc<UnitTree>> {
    let version = units::version(conn)?;
    let cached = UNIT_TREE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    if let Some(tree) = cached.filter(|t| t.version == version) {
        return Ok(tree);
    }
    let tree = std::sync::Arc::new(read_unit_tree(conn, version)?);
    *UNIT_TREE
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner) = Some(tree.clone());
    Ok(tree)
}

fn read_unit_tree(conn: &mut DbConnection, version: i64) -> diesel::QueryResult<UnitTree> {
    let all = units::all_brief(conn)?;
    let index: HashMap<UnitId, usize> = all.iter().enumerate().map(|(i, u)| (u.id, i)).collect();
    let top = all
        .iter()
        .map(|u| top_level(&u.path).and_then(|id| index.get(&UnitId(id)).copied()))
        .collect();
    Ok(UnitTree {
        version,
        units: all,
        index,
        top,
    })
}

/// Computes progress within a scope from the per-unit aggregates the database keeps (see
/// [`crate::db::progress`]), rolled up to the groups and the nation over the unit tree in
/// memory.
pub fn progress(
    conn: &mut DbConnection,
    policy: &PolicySet,
    scope: &UnitScope,
    group_by: GroupBy,
    as_of: NaiveDate,
) -> diesel::QueryResult<Progress> {
    progress_from(conn, policy, scope, group_by, as_of, Source::Aggregates)
}

/// [`progress`] from the aggregates or from every case (`Source::Live`: the check that the
/// aggregates are right, `staffpay progress --verify`).
#[tracing::instrument(skip_all, fields(group_by = ?group_by, source = ?source))]
pub fn progress_from(
    conn: &mut DbConnection,
    policy: &PolicySet,
    scope: &UnitScope,
    group_by: GroupBy,
    as_of: NaiveDate,
    source: Source,
) -> diesel::QueryResult<Progress> {
    // Every unit once (kept per process while the units do not change; read afresh for the
    // live check); the scope is applied in memory.
    let tree = match source {
        Source::Aggregates => unit_tree(conn)?,
        Source::Live => {
            let version = units::version(conn)?;
            std::sync::Arc::new(read_unit_tree(conn, version)?)
        }
    };
    let visible: Vec<bool> = match scope {
        UnitScope::All => vec![true; tree.units.len()],
        _ => tree
            .units
            .iter()
            .map(|u| scope.contains_path(&u.path))
            .collect(),
    };
    let position = |id: UnitId| tree.index.get(&id).copied().filter(|i| visible[*i]);

    // Per unit. The owed aggregates are keyed by the deadline cuts stored with them; when
    // those are not this process's policy's (another instance started with other tables, and
    // no `sync_deadline_cuts` since), the owed cases are read live, exact but slower.
    let source = match source {
        Source::Aggregates => {
            let stored = progress::deadline_cuts(conn)?;
            if stored.is_empty() || stored == policy.deadline_breakpoints() {
                Source::Aggregates
            } else {
                tracing::warn!("deadline cuts differ from the policy tables: owed cases read live");
                Source::Live
            }
        }
        Source::Live => Source::Live,
    };
    let (totals, owed) = match source {
        Source::Aggregates => (progress::by_unit_and_state(conn)?, progress::owed(conn)?),
        Source::Live => (
            progress::live_by_unit_and_state(conn)?,
            progress::live_owed(conn, None)?,
        ),
    };
    let mut per_unit: Vec<UnitFigures> = vec![UnitFigures::default(); tree.units.len()];
    for t in &totals {
        if let Some(i) = position(t.unit_id) {
            per_unit[i].add(t.state, t.cases, t.entitled_vnd, t.paid_vnd);
        }
    }
    let n = i64::from(policy.overdue_after_approval_days());
    let mut deadlines: HashMap<Option<NaiveDate>, NaiveDate> = HashMap::new();
    for g in &owed {
        let Some(i) = position(g.unit_id) else {
            continue;
        };
        let deadline = *deadlines
            .entry(g.decision_band)
            .or_insert_with(|| policy.payment_deadline_for(g.decision_band));
        // Approved on day D (Vietnam) is overdue by approval from D + N + 1.
        let by_approval = g.approved_on.map(|day| day + chrono::Duration::days(n + 1));
        let since = if as_of > deadline {
            let after_deadline = deadline + chrono::Duration::days(1);
            Some(by_approval.map_or(after_deadline, |b| b.min(after_deadline)))
        } else {
            by_approval.filter(|b| *b <= as_of)
        };
        if let Some(since) = since {
            let f = &mut per_unit[i];
            f.seen = true;
            f.overdue += g.cases;
            let age = (as_of - since).num_days().max(0);
            f.oldest_overdue_days = f.oldest_overdue_days.max(Some(age));
        }
    }

    let mut national = Figures::default();
    let mut national_states = [0_i64; STATES];
    let mut groups: HashMap<usize, (Figures, [i64; STATES])> = HashMap::new();
    for (i, figures) in per_unit.iter().enumerate().filter(|(_, f)| f.seen) {
        let unit = &tree.units[i];
        let lacking = unit.treasury_account_no.is_none() && figures.has_money_to_flow();
        national.absorb(&mut national_states, figures, lacking);
        let group = match group_by {
            GroupBy::Unit => Some(i),
            _ => tree.top[i],
        };
        if let Some(g) = group {
            let (f, states) = groups.entry(g).or_default();
            f.absorb(states, figures, lacking);
        }
    }
    national.finish_with(&national_states);
    let mut out: Vec<Group> = groups
        .into_iter()
        .filter_map(|(i, (mut figures, states))| {
            let unit = &tree.units[i];
            let keep = match group_by {
                GroupBy::Ministry => !matches!(unit.kind.as_str(), "province" | "city"),
                GroupBy::Province => matches!(unit.kind.as_str(), "province" | "city"),
                GroupBy::Top | GroupBy::Unit => true,
            };
            figures.finish_with(&states);
            keep.then(|| Group {
                code: unit.code.clone(),
                name: unit.name_vi.clone(),
                kind: unit.kind.as_str().to_owned(),
                figures,
            })
        })
        .collect();
    out.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(Progress {
        as_of,
        group_by,
        national,
        groups: out,
    })
}

/// The id of the unit directly below the root in a materialised path (`/1/17/230/` → 17);
/// the root itself has none.
fn top_level(path: &str) -> Option<i64> {
    path.trim_matches('/').split('/').nth(1)?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentages_are_exact_and_rounded_half_up() {
        assert_eq!(pct(0, 0), "0.00");
        assert_eq!(pct(1, 3), "33.33");
        assert_eq!(pct(2, 3), "66.67");
        assert_eq!(pct(105_056, 142_746), "73.60");
        assert_eq!(pct(1, 1), "100.00");
        assert_eq!(pct(1, 8), "12.50");
        assert_eq!(pct(1, 16), "6.25");
        assert_eq!(pct(1, 200_000), "0.00");
    }

    #[test]
    fn top_level_of_paths() {
        assert_eq!(top_level("/1/"), None);
        assert_eq!(top_level("/1/17/"), Some(17));
        assert_eq!(top_level("/1/17/230/"), Some(17));
    }
}
