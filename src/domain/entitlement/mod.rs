//! The entitlement engine: person facts + policy set → what the person is owed, line by line,
//! each line citing its legal basis, in exact decimals rounded once per line.
//!
//! Pure: no I/O, no clock ("today" never matters; the leave date is an input). Never panics:
//! ineligible or inconsistent cases get a structured [`Refusal`].
//!
//! - [`PersonFacts::parse`] validates a [`CalcInput`] once (parse, don't validate).
//! - [`compute`] is the hot path (no cliff warnings, no per-component allocation).
//! - [`compute_with_cliffs`] adds cliff warnings by re-running with shifted leave dates.
//! - [`calculate`] / [`calculate_line`] do parse + compute with cliffs → [`CalcOutput`].
//! - [`explain`] renders a readable breakdown in Vietnamese or English.

mod cliffs;
mod component;
mod context;
mod counting;
mod decree_67;
mod early_retirement;
mod explain;
mod input;
mod output;
mod part_time;
mod quit;
mod refusal;
mod render;
mod result;
mod retirement;
mod salary;
mod top_up;
mod values;

pub use component::{Component, ComponentCode, Components, Stepped, Unit};
pub use counting::{CountedTime, Window};
pub use explain::{Lang, explain};
pub use input::{AllowancesInput, CalcInput, PersonFacts, SalaryInput};
pub use output::{
    CalcOutput, ComponentOut, Computed, CountedOut, Decree67TopUpOut, EligibilityOut, ErrorOut,
    Refused, RetirementOut, SalaryOut, VersionOut, WarningOut,
};
pub use refusal::{Refusal, RefusalCode};
pub use result::{Decree67TopUp, Eligibility, Entitlement, FlatReason, Warning, WarningCode};
pub use retirement::{Retirement, RetirementBasis};
pub use salary::{SalaryBreakdown, SalarySource};
pub use values::{DecimalString, MoneyValue};

use crate::domain::policy::{PolicySet, Scheme};

/// Computes the entitlement for validated facts, without cliff warnings (the hot path).
pub fn compute(policy: &PolicySet, facts: &PersonFacts) -> Result<Entitlement, Refusal> {
    let mut ent = compute_scheme(policy, facts)?;
    ent.decree_67 = decree_67::top_up(policy, facts, &ent)?;
    Ok(ent)
}

/// The scheme's formula alone.
pub(crate) fn compute_scheme(
    policy: &PolicySet,
    facts: &PersonFacts,
) -> Result<Entitlement, Refusal> {
    let ctx = context::Ctx::new(policy, facts)?;
    match facts.scheme {
        Scheme::EarlyRetirement => early_retirement::compute(&ctx),
        Scheme::Quit => quit::compute(&ctx),
        Scheme::PartTimeLeave => part_time::compute(&ctx),
    }
}

/// Computes the entitlement and adds cliff warnings (re-runs the computation for each
/// alternative leave date within the horizons of cliffs.toml).
pub fn compute_with_cliffs(
    policy: &PolicySet,
    facts: &PersonFacts,
) -> Result<Entitlement, Refusal> {
    let mut ent = compute(policy, facts)?;
    cliffs::add_cliffs(policy, facts, &mut ent);
    Ok(ent)
}

/// Parses and computes one input (with cliff warnings) into the output contract.
pub fn calculate(policy: &PolicySet, input: &CalcInput) -> CalcOutput {
    match PersonFacts::parse(input).and_then(|f| compute_with_cliffs(policy, &f)) {
        Ok(ent) => CalcOutput::computed(&input.id, &ent),
        Err(refusal) => CalcOutput::refused(&input.id, &refusal),
    }
}

/// Parses one JSON line and computes it; malformed JSON or unknown values become an
/// `invalid_input` refusal (echoing the `id` when one can be found).
pub fn calculate_line(policy: &PolicySet, line: &str) -> CalcOutput {
    match serde_json::from_str::<CalcInput>(line) {
        Ok(input) => calculate(policy, &input),
        Err(err) => {
            let id = serde_json::from_str::<serde_json::Value>(line)
                .ok()
                .and_then(|v| v.get("id").and_then(|i| i.as_str()).map(str::to_owned))
                .unwrap_or_default();
            let refusal = Refusal::invalid(
                format!("Dữ liệu đầu vào không hợp lệ: {err}"),
                format!("Invalid input: {err}"),
            );
            CalcOutput::refused(&id, &refusal)
        }
    }
}
