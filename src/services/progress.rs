//! Progress: how many people decided to leave, how many were approved and paid, and how much
//! money, for every unit rolled up to its ministry or province and to the nation.

use std::collections::HashMap;

use chrono::NaiveDate;
use serde::Serialize;

use crate::db::units::{UnitFilter, UnitScope, list};
use crate::db::{DbConnection, progress};

/// States that count as approved (or further along).
const APPROVED: [&str; 5] = [
    "approved",
    "payable",
    "partially_paid",
    "paid",
    "reconciled",
];
/// States that count as paid.
const PAID: [&str; 2] = ["paid", "reconciled"];

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
    /// Cases by state.
    pub by_state: std::collections::BTreeMap<String, i64>,
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
    fn add(&mut self, state: &str, cases: i64, entitled: i64, paid: i64) {
        *self.by_state.entry(state.to_string()).or_default() += cases;
        self.paid_vnd += paid;
        if state == "cancelled" {
            return;
        }
        self.people += cases;
        self.entitled_vnd += entitled;
        if APPROVED.contains(&state) {
            self.approved += cases;
        }
        if PAID.contains(&state) {
            self.paid += cases;
        }
    }

    fn finish(&mut self) {
        self.paid_people_pct = pct(self.paid, self.people);
        self.paid_amount_pct = pct(self.paid_vnd, self.entitled_vnd);
    }
}

/// Computes progress within a scope.
pub fn progress(
    conn: &mut DbConnection,
    scope: &UnitScope,
    group_by: GroupBy,
    as_of: NaiveDate,
) -> diesel::QueryResult<Progress> {
    let (units, _) = list(conn, scope, &UnitFilter::default(), i64::MAX, 0)?;
    let all_units = list(conn, &UnitScope::All, &UnitFilter::default(), i64::MAX, 0)?.0;
    let by_id: HashMap<i64, &crate::db::units::UnitRow> =
        all_units.iter().map(|u| (u.id, u)).collect();
    let visible: std::collections::HashSet<i64> = units.iter().map(|u| u.id).collect();
    let totals = progress::by_unit_and_state(conn)?;

    let mut national = Figures::default();
    let mut groups: HashMap<i64, Figures> = HashMap::new();
    for t in totals.iter().filter(|t| visible.contains(&t.unit_id)) {
        national.add(&t.state, t.cases, t.entitled_vnd, t.paid_vnd);
        let Some(unit) = by_id.get(&t.unit_id) else {
            continue;
        };
        let group_id = match group_by {
            GroupBy::Unit => Some(unit.id),
            _ => top_level(&unit.path),
        };
        if let Some(id) = group_id {
            groups
                .entry(id)
                .or_default()
                .add(&t.state, t.cases, t.entitled_vnd, t.paid_vnd);
        }
    }
    national.finish();
    let mut out: Vec<Group> = groups
        .into_iter()
        .filter_map(|(id, mut figures)| {
            let unit = by_id.get(&id)?;
            let keep = match group_by {
                GroupBy::Ministry => !matches!(unit.kind.as_str(), "province" | "city"),
                GroupBy::Province => matches!(unit.kind.as_str(), "province" | "city"),
                GroupBy::Top | GroupBy::Unit => true,
            };
            figures.finish();
            keep.then(|| Group {
                code: unit.code.clone(),
                name: unit.name_vi.clone(),
                kind: unit.kind.clone(),
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
