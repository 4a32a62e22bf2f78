//! Quitting (Decree 178 Art. 9 for cadres and civil servants, Art. 10 for public employees and
//! contract workers): severance, insured years, job search.

use rust_decimal::Decimal;

use super::component::{Component, ComponentCode, Components, Unit};
use super::context::Ctx;
use super::counting::window;
use super::early_retirement::{qualifies, salary_warnings};
use super::refusal::{Refusal, RefusalCode};
use super::result::{Eligibility, Entitlement};
use super::salary::monthly_salary;
use crate::domain::policy::Band;

/// Computes a quit entitlement.
pub(crate) fn compute(ctx: &Ctx<'_>) -> Result<Entitlement, Refusal> {
    let facts = ctx.facts;
    let leave = facts.leave;
    let rules = ctx
        .policy
        .quit(leave)
        .ok_or_else(|| Refusal::not_in_force("quit", leave))?;
    let cat = rules.for_category(facts.category).ok_or_else(|| {
        Refusal::new(
            RefusalCode::SchemeNotApplicable,
            format!(
                "Chế độ thôi việc (Điều 9, 10) không áp dụng cho đối tượng `{}`",
                facts.category.as_str()
            ),
            format!(
                "Quit (Art. 9, 10) does not apply to category `{}`",
                facts.category.as_str()
            ),
        )
    })?;
    let r = &ctx.retirement;
    if r.months_early <= 0 {
        return Err(Refusal::new(
            RefusalCode::AtRetirementAge,
            format!(
                "Đã đến tuổi nghỉ hưu (lương hưu từ {:02}/{})",
                r.pension_start.month(),
                r.pension_start.year()
            ),
            format!("At retirement age (pension from {})", r.pension_start),
        ));
    }
    let months_early = ctx.months_early_u32();
    if months_early < rules.min_months_to_retirement {
        return Err(Refusal::new(
            RefusalCode::LessThan2Years,
            format!(
                "Còn {months_early} tháng đến tuổi nghỉ hưu; thôi việc cần ít nhất {} tháng",
                rules.min_months_to_retirement
            ),
            format!(
                "{months_early} months to retirement age; quitting needs at least {}",
                rules.min_months_to_retirement
            ),
        ));
    }
    if ctx.interp.quit_refused_when_early_retirement_applies && qualifies(ctx).is_ok() {
        return Err(Refusal::new(
            RefusalCode::EarlyRetirementApplies,
            "Người này đủ điều kiện nghỉ hưu trước tuổi (Điều 7) nên không áp dụng chế độ thôi việc",
            "This person qualifies for early retirement (Art. 7), so quit does not apply",
        ));
    }
    let insured_months = ctx.insured_months()?;
    let insured = ctx.count(insured_months);
    let salary = monthly_salary(ctx.policy, facts, ctx.interp)?;
    let s = salary.monthly;
    let (win, closes) = window(ctx.interp, facts)?;
    let factor = if win.inside() {
        rules.severance_factor_inside
    } else {
        rules.severance_factor_outside
    };
    let severance_months = insured_months.min(ctx.counting.severance_months_cap);
    let basis = &cat.legal_basis;
    let mut components = Components::default();
    components.push(Component::new(
        ComponentCode::Severance,
        s,
        factor,
        Decimal::from(severance_months),
        Unit::Months,
        &basis.severance,
    )?)?;
    components.push(Component::new(
        ComponentCode::InsuredYearsQuit,
        s,
        rules.insured_years_factor,
        insured.years,
        Unit::Years,
        &basis.insured_years_quit,
    )?)?;
    if cat.job_search
        && let Some(job_basis) = &basis.job_search
    {
        components.push(Component::new(
            ComponentCode::JobSearch,
            s,
            Decimal::ONE,
            rules.job_search_months,
            Unit::SalaryMonths,
            job_basis,
        )?)?;
    }
    let mut warnings = Vec::new();
    salary_warnings(facts, &mut warnings);
    Ok(Entitlement {
        scheme: facts.scheme,
        category: facts.category,
        leave_date: leave,
        salary,
        retirement: ctx.retirement,
        band: Band::Quit,
        window: Some(win),
        window_closes: closes,
        insured: Some(insured),
        worked: None,
        years_early: None,
        insured_years_variant: None,
        eligibility: Eligibility::Quit {
            article: cat.article.clone(),
            min_months_to_retirement: rules.min_months_to_retirement,
        },
        components,
        warnings,
        versions: ctx.policy.used_quit().clone(),
        cliffs_version: None,
        decree_67: None,
    })
}
