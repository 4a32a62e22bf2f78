//! Retirement age, the month the pension would normally start, and months early.

use chrono::NaiveDate;

use super::input::PersonFacts;
use super::refusal::Refusal;
use crate::domain::policy::{Appendix, PolicySet, Rank, YearMonth};

/// Where the retirement age comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetirementBasis {
    /// Decree 135 Appendix I.
    AppendixI,
    /// Decree 135 Appendix II (reduced).
    AppendixII,
    /// Officer's maximum service age by rank.
    Rank(Rank),
}

impl RetirementBasis {
    /// `appendix_i`, `appendix_ii` or `rank`.
    pub fn code(self) -> &'static str {
        match self {
            RetirementBasis::AppendixI => "appendix_i",
            RetirementBasis::AppendixII => "appendix_ii",
            RetirementBasis::Rank(_) => "rank",
        }
    }
}

/// The person's retirement timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retirement {
    /// Which schedule gave the age.
    pub basis: RetirementBasis,
    /// Retirement age in months.
    pub age_months: i32,
    /// The month the age is reached (retirement at its end).
    pub retirement_month: YearMonth,
    /// The month the pension would normally start.
    pub pension_start: YearMonth,
    /// Pension start month − leave month (≤ 0: at or past retirement age).
    pub months_early: i32,
}

/// Computes the retirement timing for a leave on `leave`.
pub(crate) fn retirement(
    policy: &PolicySet,
    facts: &PersonFacts,
    leave: NaiveDate,
) -> Result<Retirement, Refusal> {
    let (basis, age_months) = match facts.rank {
        Some(rank) => {
            let table = policy
                .armed_forces(leave)
                .ok_or_else(|| Refusal::not_in_force("armed_forces_service_age", leave))?;
            let years = table.max_service_age_years.years(rank);
            let months = i32::try_from(years)
                .unwrap_or(i32::MAX / 24)
                .saturating_mul(12);
            (RetirementBasis::Rank(rank), months)
        }
        None => {
            let table = policy
                .retirement_age(leave)
                .ok_or_else(|| Refusal::not_in_force("retirement_age", leave))?;
            let (appendix, basis) = if facts.reduced_age {
                (Appendix::II, RetirementBasis::AppendixII)
            } else {
                (Appendix::I, RetirementBasis::AppendixI)
            };
            let schedule = table
                .schedule(appendix, facts.sex)
                .ok_or_else(|| Refusal::not_in_force("retirement_age", leave))?;
            (basis, schedule.age_months(facts.birth))
        }
    };
    let retirement_month = facts.birth.plus(age_months);
    let pension_start = retirement_month.plus(1);
    Ok(Retirement {
        basis,
        age_months,
        retirement_month,
        pension_start,
        months_early: pension_start.months_since(YearMonth::of(leave)),
    })
}
