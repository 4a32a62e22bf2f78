//! Cliff warnings: when leaving a little later would change the amount a lot, name the date
//! and the amount at stake, found by re-running the computation with that leave date.
//!
//! Three kinds (horizons in cliffs.toml): the 12-month window closing; a band edge (from the
//! early-retirement bands and the quit minimum); a rule switch date (period starts of the
//! early-retirement and pension-threshold tables, insured-years variant switches).

use chrono::{Months, NaiveDate};

use super::compute;
use super::input::PersonFacts;
use super::result::{Entitlement, Warning, WarningCode};
use crate::domain::policy::{PolicySet, YearMonth};

/// Candidate alternative leave dates, one per date, most telling reason first.
fn candidates(
    policy: &PolicySet,
    facts: &PersonFacts,
    ent: &Entitlement,
) -> Vec<(NaiveDate, WarningCode)> {
    let settings = policy.cliff_settings();
    let leave = facts.leave;
    let mut out = Vec::new();
    if let (Some(w), Some(closes)) = (ent.window, ent.window_closes)
        && w.inside()
        && closes > leave
        && closes.signed_duration_since(leave).num_days()
            <= i64::from(settings.window_closing_within_days)
    {
        out.push((closes, WarningCode::WindowClosing));
    }

    let leave_month = YearMonth::of(leave);
    let horizon_edge = i32::try_from(settings.band_edge_within_months).unwrap_or(0);
    let mut edges: Vec<u32> = Vec::new();
    if let Some(er) = policy.early_retirement(leave) {
        edges.extend(er.band.iter().skip(1).map(|b| b.min_months_early));
    }
    if let Some(q) = policy.quit(leave) {
        edges.push(q.min_months_to_retirement);
    }
    let months_early = ent.retirement.months_early;
    for edge in edges {
        let Ok(edge) = i32::try_from(edge) else {
            continue;
        };
        if months_early < edge {
            continue;
        }
        // The first leave month with months early = edge − 1.
        let month = ent.retirement.pension_start.plus(1 - edge);
        let ahead = month.months_since(leave_month);
        if ahead >= 1
            && ahead <= horizon_edge
            && let Some(date) = month.first_day()
        {
            out.push((date, WarningCode::BandEdge));
        }
    }

    if let Some(limit) = leave.checked_add_months(Months::new(settings.rule_switch_within_months)) {
        for &d in policy.rule_switch_dates() {
            if d > leave && d <= limit {
                out.push((d, WarningCode::RuleSwitch));
            }
        }
    }
    out.sort_by_key(|(d, _)| *d);
    out.dedup_by_key(|(d, _)| *d);
    out
}

/// Adds cliff warnings to `ent` (computed for `facts`).
pub(crate) fn add_cliffs(policy: &PolicySet, facts: &PersonFacts, ent: &mut Entitlement) {
    for (date, code) in candidates(policy, facts, ent) {
        let warning = match compute(policy, &facts.with_leave_date(date)) {
            Ok(other) => {
                let delta = other.total() - ent.total();
                if delta.is_zero() {
                    continue;
                }
                Warning {
                    code,
                    date: Some(date),
                    delta: Some(delta),
                    refused: None,
                    band_after: Some(other.band),
                }
            }
            Err(refusal) => Warning {
                code,
                date: Some(date),
                delta: Some(-ent.total()),
                refused: Some(refusal.code()),
                band_after: None,
            },
        };
        ent.warnings.push(warning);
    }
    ent.cliffs_version = Some(policy.cliffs_version().clone());
}
