//! The Decree 67 top-up of decisions made under Decree 178 (Decree 67/2025/ND-CP Art. 2;
//! policy document §11.6): the salary-retention difference coefficient counts for every leave
//! date, and a decision made before Decree 67 took effect states the part of the total that
//! tops the Decree 178 original up to the Decree 67 level.

use super::compute_scheme;
use super::input::PersonFacts;
use super::refusal::Refusal;
use super::result::{Decree67TopUp, Entitlement};
use crate::domain::policy::PolicySet;

/// The top-up part of `ent`, when its decision predates the cut-off and the Decree 178
/// original comes out lower.
pub(crate) fn top_up(
    policy: &PolicySet,
    facts: &PersonFacts,
    ent: &Entitlement,
) -> Result<Option<Decree67TopUp>, Refusal> {
    let Some(interp) = policy.interpretations(facts.leave) else {
        return Ok(None);
    };
    let decided_on = match facts.decision {
        Some(d) => d,
        None if interp.decree_67_top_up_undated_uses_leave_date => facts.leave,
        None => return Ok(None),
    };
    if decided_on >= interp.decree_67_top_up_decisions_before {
        return Ok(None);
    }
    let Some(original_facts) = facts.without_retention() else {
        return Ok(None);
    };
    // The original can only differ in S, never in eligibility; a refusal would be a defect of
    // the tables, reported as such rather than hidden.
    let original = compute_scheme(policy, &original_facts)?.total();
    let total = ent.total();
    let difference = total
        .dong()
        .checked_sub(original.dong())
        .ok_or_else(Refusal::overflow)?;
    if difference <= 0 {
        return Ok(None);
    }
    Ok(Some(Decree67TopUp {
        original_total: original,
        top_up: crate::domain::money::Vnd::new(difference),
        decided_on,
        legal_basis: interp.decree_67_top_up_legal_basis.clone(),
    }))
}
