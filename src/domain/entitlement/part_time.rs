//! Commune-level part-time workers (Decree 154/2025 Art. 9): lump by months, years worked and
//! job search, or the flat amount for people at retirement age or drawing a pension.

use rust_decimal::Decimal;

use super::component::{Component, ComponentCode, Components, Unit};
use super::context::Ctx;
use super::refusal::{Refusal, RefusalCode};
use super::result::{Eligibility, Entitlement, FlatReason, Warning, WarningCode};
use super::salary::part_time_allowance;
use crate::domain::policy::Band;

/// Computes a part-time worker's entitlement.
pub(crate) fn compute(ctx: &Ctx<'_>) -> Result<Entitlement, Refusal> {
    let facts = ctx.facts;
    let leave = facts.leave;
    let rules = ctx
        .policy
        .part_time(leave)
        .ok_or_else(|| Refusal::not_in_force("part_time", leave))?;
    if !rules.categories.contains(&facts.category) {
        return Err(Refusal::new(
            RefusalCode::SchemeNotApplicable,
            format!(
                "Chế độ Nghị định 154 không áp dụng cho đối tượng `{}`",
                facts.category.as_str()
            ),
            format!(
                "Decree 154 part-time rules do not apply to category `{}`",
                facts.category.as_str()
            ),
        ));
    }
    if facts.moved_to_village_post {
        return Err(Refusal::new(
            RefusalCode::NotEligible,
            "Người chuyển sang hoạt động không chuyên trách ở thôn, tổ dân phố không thuộc đối tượng (Nghị định 154/2025/NĐ-CP Điều 9 khoản 4)",
            "People moved to a part-time post in a village or residential group are not covered (Decree 154/2025/ND-CP Art. 9(4))",
        ));
    }
    if let Some(last) = rules.leave_before
        && leave >= last
    {
        return Err(Refusal::new(
            RefusalCode::PartTimeAfterDeadline,
            format!(
                "Ngày nghỉ {} từ ngày {} trở đi không còn thuộc chính sách ({})",
                crate::domain::dates::dmy(leave),
                crate::domain::dates::dmy(last),
                rules.leave_before_citation
            ),
            format!(
                "A leave date of {leave}, on or after {last}, is no longer covered ({})",
                rules.leave_before_citation
            ),
        ));
    }
    let salary = part_time_allowance(facts)?;
    let p = salary.monthly;
    let worked_months = facts
        .worked_months
        .ok_or_else(|| Refusal::missing("worked_months"))?;
    let worked = ctx.count(worked_months);
    let at_age = ctx.retirement.months_early <= 0;
    let flat = if at_age && ctx.interp.part_time_flat_at_retirement_age {
        Some(FlatReason::AtRetirementAge)
    } else if facts.receiving_pension && ctx.interp.part_time_flat_when_receiving_pension {
        Some(FlatReason::ReceivingPension)
    } else if facts.receiving_incapacity_benefit
        && ctx.interp.part_time_flat_when_receiving_incapacity_benefit
    {
        Some(FlatReason::ReceivingIncapacityBenefit)
    } else {
        None
    };
    if at_age && flat.is_none() {
        return Err(Refusal::new(
            RefusalCode::AtRetirementAge,
            "Đã đến tuổi nghỉ hưu",
            "At retirement age",
        ));
    }
    let basis = &rules.legal_basis;
    let mut components = Components::default();
    let months_early = ctx.months_early_u32();
    if flat.is_some() {
        components.push(Component::new(
            ComponentCode::PartTimeFlat,
            p,
            Decimal::ONE,
            rules.flat_months,
            Unit::SalaryMonths,
            &basis.part_time_flat,
        )?)?;
    } else {
        let lump_months = if worked_months < rules.short_service_below_months {
            worked_months
        } else {
            months_early.min(rules.lump_cap_months)
        };
        components.push(Component::new(
            ComponentCode::PartTimeLump,
            p,
            rules.lump_factor,
            Decimal::from(lump_months),
            Unit::Months,
            &basis.part_time_lump,
        )?)?;
        components.push(Component::new(
            ComponentCode::PartTimeYears,
            p,
            rules.per_year_worked,
            worked.years,
            Unit::Years,
            &basis.part_time_years,
        )?)?;
        components.push(Component::new(
            ComponentCode::PartTimeJobSearch,
            p,
            Decimal::ONE,
            rules.job_search_months,
            Unit::SalaryMonths,
            &basis.part_time_job_search,
        )?)?;
    }
    Ok(Entitlement {
        scheme: facts.scheme,
        category: facts.category,
        leave_date: leave,
        salary,
        retirement: ctx.retirement,
        band: if at_age {
            Band::AtRetirementAge
        } else {
            Band::PartTime
        },
        window: None,
        window_closes: None,
        insured: facts.insured_months.map(|m| ctx.count(m)),
        worked: Some(worked),
        years_early: None,
        insured_years_variant: None,
        eligibility: Eligibility::PartTime { flat },
        components,
        warnings: if facts.salary.concurrent_post_allowance.is_some() {
            vec![Warning::info(
                WarningCode::ConcurrentAllowanceExcluded,
                None,
            )]
        } else {
            Vec::new()
        },
        versions: ctx.policy.used_part_time().clone(),
        cliffs_version: None,
        decree_67: None,
    })
}
