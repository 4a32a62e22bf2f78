//! The monthly salary S (Art. 5(6)) and the part-time allowance P, exact and unrounded.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::input::{PersonFacts, SalaryBasis};
use super::refusal::Refusal;
use crate::domain::money::Vnd;
use crate::domain::policy::{Allowance, BeyondFrameBase, Interpretations, PolicySet, YearMonth};

/// One percent.
const PERCENT: Decimal = Decimal::from_parts(1, 0, 0, false, 2);

/// Where S came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SalarySource {
    /// Coefficients × base salary, plus percentage allowances.
    Coefficients,
    /// Contract wage, plus percentage allowances.
    ContractWage,
    /// Stated by the agency, used as is.
    Stated,
    /// P, a commune part-time worker's monthly allowance.
    PartTimeAllowance,
    /// The salary of the former cadre or civil-servant post, replacing P (Decree 154 Art.
    /// 9(2)).
    FormerPostSalary,
}

impl SalarySource {
    /// Snake-case code.
    pub fn code(self) -> &'static str {
        match self {
            SalarySource::Coefficients => "coefficients",
            SalarySource::ContractWage => "contract_wage",
            SalarySource::Stated => "stated",
            SalarySource::PartTimeAllowance => "part_time_allowance",
            SalarySource::FormerPostSalary => "former_post_salary",
        }
    }
}

/// How S was built.
#[derive(Clone, Debug, PartialEq)]
pub struct SalaryBreakdown {
    /// Where S came from.
    pub source: SalarySource,
    /// Base salary used (coefficient salaries).
    pub base_salary: Option<Vnd>,
    /// The month whose base salary was used.
    pub base_salary_month: Option<YearMonth>,
    /// Citation of the base salary.
    pub base_salary_citation: Option<Arc<str>>,
    /// Sum of coefficients (grade + leadership + beyond-frame + retention when counted).
    pub coefficient_total: Option<Decimal>,
    /// Whether the retention difference coefficient was counted.
    pub retention_counted: bool,
    /// The core (coefficients × base salary, or the contract wage).
    pub core: Decimal,
    /// Sum of the included percentage allowances, in percent.
    pub allowance_pct: Decimal,
    /// Sum of given but excluded allowances, in percent.
    pub excluded_allowance_pct: Decimal,
    /// S (or P), exact.
    pub monthly: Decimal,
}

fn mul(a: Decimal, b: Decimal) -> Result<Decimal, Refusal> {
    a.checked_mul(b).ok_or_else(Refusal::overflow)
}

fn add(a: Decimal, b: Decimal) -> Result<Decimal, Refusal> {
    a.checked_add(b).ok_or_else(Refusal::overflow)
}

/// S for early retirement and quit.
pub(crate) fn monthly_salary(
    policy: &PolicySet,
    facts: &PersonFacts,
    interp: &Interpretations,
) -> Result<SalaryBreakdown, Refusal> {
    let leave = facts.leave;
    let rules = policy
        .salary(leave)
        .ok_or_else(|| Refusal::not_in_force("salary", leave))?;
    let mut included = Decimal::ZERO;
    let mut excluded = Decimal::ZERO;
    for a in Allowance::ALL {
        if let Some(pct) = facts.salary.allowances_pct[a.index()] {
            if rules.allowances.included(a) {
                included = add(included, pct)?;
            } else {
                excluded = add(excluded, pct)?;
            }
        }
    }
    let with_allowances = |core: Decimal| -> Result<Decimal, Refusal> {
        add(core, mul(core, mul(included, PERCENT)?)?)
    };
    let blank = |source, core, monthly| SalaryBreakdown {
        source,
        base_salary: None,
        base_salary_month: None,
        base_salary_citation: None,
        coefficient_total: None,
        retention_counted: false,
        core,
        allowance_pct: Decimal::ZERO,
        excluded_allowance_pct: Decimal::ZERO,
        monthly,
    };
    match facts.salary.basis {
        SalaryBasis::Stated(s) => {
            if !interp.stated_salary_accepted {
                return Err(Refusal::invalid(
                    "Chính sách hiện hành không chấp nhận `salary.monthly_salary_vnd` khai sẵn",
                    "The policy in force does not accept a stated `salary.monthly_salary_vnd`",
                ));
            }
            Ok(blank(SalarySource::Stated, s, s))
        }
        SalaryBasis::ContractWage(wage) => {
            let (monthly, pct) = if interp.contract_wage_allowances_apply {
                (with_allowances(wage)?, included)
            } else {
                (wage, Decimal::ZERO)
            };
            Ok(SalaryBreakdown {
                allowance_pct: pct,
                excluded_allowance_pct: excluded,
                ..blank(SalarySource::ContractWage, wage, monthly)
            })
        }
        SalaryBasis::Coefficients {
            grade,
            leadership,
            retention,
            beyond_frame_pct,
        } => {
            let month = YearMonth::of(leave).plus(rules.base_salary_month_offset);
            let on: NaiveDate = month
                .first_day()
                .ok_or_else(|| Refusal::not_in_force("base_salary", leave))?;
            let base = policy
                .base_salary_period(on)
                .ok_or_else(|| Refusal::not_in_force("base_salary", on))?;
            let retention_counted = leave >= interp.salary_retention_counts_from;
            let beyond_frame_of = match rules.beyond_frame_base {
                BeyondFrameBase::GradeAndLeadership => add(grade, leadership)?,
                BeyondFrameBase::Grade => grade,
            };
            let mut total = add(grade, leadership)?;
            total = add(
                total,
                mul(beyond_frame_of, mul(beyond_frame_pct, PERCENT)?)?,
            )?;
            if retention_counted {
                total = add(total, retention)?;
            }
            let core = mul(total, Decimal::from(base.amount_vnd))?;
            Ok(SalaryBreakdown {
                source: SalarySource::Coefficients,
                base_salary: i64::try_from(base.amount_vnd).ok().map(Vnd::new),
                base_salary_month: Some(month),
                base_salary_citation: Some(base.citation.clone()),
                coefficient_total: Some(total),
                retention_counted: retention_counted && !retention.is_zero(),
                core,
                allowance_pct: included,
                excluded_allowance_pct: excluded,
                monthly: with_allowances(core)?,
            })
        }
        SalaryBasis::Missing => Err(Refusal::invalid(
            "Thiếu thông tin tiền lương: cần `salary.grade_coefficient`, `salary.contract_monthly_wage_vnd` hoặc `salary.monthly_salary_vnd`",
            "Missing salary: give `salary.grade_coefficient`, `salary.contract_monthly_wage_vnd` or `salary.monthly_salary_vnd`",
        )),
    }
}

/// P for commune part-time workers: the post's own allowance, or the former post's salary
/// for people moved from a cadre or civil-servant post (Decree 154 Art. 9(2)).
pub(crate) fn part_time_allowance(facts: &PersonFacts) -> Result<SalaryBreakdown, Refusal> {
    let (source, p) = match (
        facts.salary.former_post_salary,
        facts.salary.monthly_allowance,
    ) {
        (Some(former), _) => (SalarySource::FormerPostSalary, former),
        (None, Some(p)) => (SalarySource::PartTimeAllowance, p),
        (None, None) => return Err(Refusal::missing("salary.monthly_allowance_vnd")),
    };
    Ok(SalaryBreakdown {
        source,
        base_salary: None,
        base_salary_month: None,
        base_salary_citation: None,
        coefficient_total: None,
        retention_counted: false,
        core: p,
        allowance_pct: Decimal::ZERO,
        excluded_allowance_pct: Decimal::ZERO,
        monthly: p,
    })
}
