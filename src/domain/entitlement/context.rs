//! The rules in force on the leave date, resolved once per computation, and the checks that
//! need them (insured or worked time longer than the working life).

use super::counting::CountedTime;
use super::input::PersonFacts;
use super::refusal::Refusal;
use super::retirement::{Retirement, retirement};
use crate::domain::policy::{CountingPeriod, Interpretations, PolicySet, YearMonth};

/// One computation's view of the policy.
pub(crate) struct Ctx<'a> {
    pub policy: &'a PolicySet,
    pub facts: &'a PersonFacts,
    pub interp: &'a Interpretations,
    pub counting: &'a CountingPeriod,
    pub retirement: Retirement,
}

impl<'a> Ctx<'a> {
    /// Resolves the tables for `facts.leave` and checks time against the working life.
    pub fn new(policy: &'a PolicySet, facts: &'a PersonFacts) -> Result<Ctx<'a>, Refusal> {
        let leave = facts.leave;
        let interp = policy
            .interpretations(leave)
            .ok_or_else(|| Refusal::not_in_force("interpretations", leave))?;
        let counting = policy
            .counting(leave)
            .ok_or_else(|| Refusal::not_in_force("counting", leave))?;
        let min_age = i32::try_from(counting.minimum_working_age_years).unwrap_or(i32::MAX / 24);
        let working_life = YearMonth::of(leave)
            .months_since(facts.birth.plus(min_age.saturating_mul(12)))
            .max(0);
        for (field, value) in [
            ("insured_months", facts.insured_months),
            ("worked_months", facts.worked_months),
        ] {
            if let Some(m) = value
                && i64::from(m) > i64::from(working_life)
            {
                return Err(Refusal::invalid(
                    format!(
                        "`{field}`: {m} tháng dài hơn thời gian từ tuổi {} đến ngày nghỉ ({working_life} tháng)",
                        counting.minimum_working_age_years
                    ),
                    format!(
                        "`{field}`: {m} months is longer than the time from age {} to the leave date ({working_life} months)",
                        counting.minimum_working_age_years
                    ),
                ));
            }
        }
        Ok(Ctx {
            policy,
            facts,
            interp,
            counting,
            retirement: retirement(policy, facts, leave)?,
        })
    }

    /// Insured months, required for this scheme.
    pub fn insured_months(&self) -> Result<u32, Refusal> {
        self.facts
            .insured_months
            .ok_or_else(|| Refusal::missing("insured_months"))
    }

    /// Counts months with the rules in force.
    pub fn count(&self, months: u32) -> CountedTime {
        CountedTime::of(self.counting, months)
    }

    /// Months early as an unsigned count (0 when at or past retirement age).
    pub fn months_early_u32(&self) -> u32 {
        u32::try_from(self.retirement.months_early).unwrap_or(0)
    }
}
