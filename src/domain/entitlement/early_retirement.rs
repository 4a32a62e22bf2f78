//! Early retirement (Decree 178 Art. 7, 7a, 7b): eligibility, then A + B + C and any
//! provincial top-up.

use rust_decimal::Decimal;

use super::component::{Component, ComponentCode, Components, Stepped, Unit};
use super::context::Ctx;
use super::counting::window;
use super::refusal::{Refusal, RefusalCode};
use super::result::{Eligibility, Entitlement, Warning, WarningCode};
use super::salary::monthly_salary;
use super::top_up;
use crate::domain::policy::{Band, EarlyRetirementPeriod, ProvincialTopUpSalary};

/// A person who qualifies for Art. 7, with the rules that qualify them.
pub(crate) struct Qualifies<'p> {
    pub er: &'p EarlyRetirementPeriod,
    pub band_index: usize,
    pub insured_months: u32,
    pub threshold_months: u32,
    pub max_months_early: u32,
}

fn ym(m: crate::domain::policy::YearMonth) -> String {
    format!("{:02}/{}", m.month(), m.year())
}

/// Checks Art. 7 eligibility (also used to refuse quit under §11.5).
pub(crate) fn qualifies<'p>(ctx: &Ctx<'p>) -> Result<Qualifies<'p>, Refusal> {
    let facts = ctx.facts;
    let leave = facts.leave;
    let er = ctx
        .policy
        .early_retirement(leave)
        .ok_or_else(|| Refusal::not_in_force("early_retirement", leave))?;
    if !er.categories.contains(&facts.category) {
        return Err(Refusal::new(
            RefusalCode::SchemeNotApplicable,
            format!(
                "Chế độ nghỉ hưu trước tuổi không áp dụng cho đối tượng `{}`",
                facts.category.as_str()
            ),
            format!(
                "Early retirement does not apply to category `{}`",
                facts.category.as_str()
            ),
        ));
    }
    if !er.articles.contains(&facts.article) {
        return Err(Refusal::invalid(
            format!(
                "Điều {} chưa có hiệu lực vào ngày nghỉ {} ({})",
                facts.article.as_str(),
                crate::domain::dates::dmy(leave),
                er.label
            ),
            format!(
                "Article {} is not in force on the leave date {leave} ({})",
                facts.article.as_str(),
                er.label
            ),
        ));
    }
    let r = &ctx.retirement;
    if r.months_early <= 0 {
        return Err(Refusal::new(
            RefusalCode::AtRetirementAge,
            format!(
                "Đã đến tuổi nghỉ hưu: lương hưu bắt đầu từ {}, không còn tháng nghỉ sớm",
                ym(r.pension_start)
            ),
            format!(
                "At retirement age: the pension starts {}, no months early are left",
                r.pension_start
            ),
        ));
    }
    let max = if facts.reduced_age {
        ctx.interp.early_retirement_max_months_early_reduced_age
    } else {
        ctx.interp.early_retirement_max_months_early
    };
    let months_early = ctx.months_early_u32();
    let band_index = er
        .band
        .iter()
        .position(|b| (b.min_months_early..=b.max_months_early).contains(&months_early));
    let band_index = match band_index {
        Some(i) if months_early <= max => i,
        _ => {
            return Err(Refusal::new(
                RefusalCode::TooEarly,
                format!("Nghỉ sớm {months_early} tháng, vượt quá mức tối đa {max} tháng"),
                format!("{months_early} months early exceeds the maximum of {max} months"),
            ));
        }
    };
    let insured = ctx.insured_months()?;
    let threshold = ctx
        .policy
        .pension_threshold(leave)
        .ok_or_else(|| Refusal::not_in_force("pension_threshold", leave))?
        .min_insured_months;
    let counted = if ctx.interp.pension_eligibility_uses_raw_months {
        Decimal::from(insured)
    } else {
        ctx.count(insured).years * Decimal::from(12)
    };
    if counted < Decimal::from(threshold) {
        return Err(Refusal::new(
            RefusalCode::InsufficientInsurance,
            format!(
                "Thời gian đóng BHXH {insured} tháng, chưa đủ {threshold} tháng để hưởng lương hưu"
            ),
            format!(
                "{insured} insured months is less than the {threshold} months needed for a pension"
            ),
        ));
    }
    Ok(Qualifies {
        er,
        band_index,
        insured_months: insured,
        threshold_months: threshold,
        max_months_early: max,
    })
}

/// Computes an early-retirement entitlement.
pub(crate) fn compute(ctx: &Ctx<'_>) -> Result<Entitlement, Refusal> {
    let q = qualifies(ctx)?;
    let er = q.er;
    let band = er.band.get(q.band_index).ok_or_else(Refusal::overflow)?;
    let facts = ctx.facts;
    let interp = ctx.interp;
    let salary = monthly_salary(ctx.policy, facts, interp)?;
    let s = salary.monthly;
    let (win, closes) = window(interp, facts)?;
    let split = band.code != Band::Lt2y || interp.lt_2y_window_split;
    let factor = if win.inside() || !split {
        band.months_factor_inside
    } else {
        band.months_factor_outside
    };
    let months_early = ctx.months_early_u32();
    let counted_months = band
        .months_cap
        .map_or(months_early, |cap| months_early.min(cap));
    let years_early = ctx.count(months_early).years;
    let insured = ctx.count(q.insured_months);

    let mut components = Components::default();
    components.push(Component::new(
        ComponentCode::MonthsEarly,
        s,
        factor,
        Decimal::from(counted_months),
        Unit::Months,
        &er.legal_basis.months_early,
    )?)?;
    components.push(Component::new(
        ComponentCode::YearsEarly,
        s,
        band.per_year_early,
        years_early,
        Unit::Years,
        &er.legal_basis.years_early,
    )?)?;
    let mut variant_code = None;
    if band.insured_years {
        let name = interp.variant_on(facts.leave).ok_or_else(|| {
            Refusal::not_in_force("interpretations.insured_years_variants", facts.leave)
        })?;
        let v = er.variant(name).ok_or_else(|| {
            Refusal::not_in_force("early_retirement.insured_years_variant", facts.leave)
        })?;
        let stepped = Stepped {
            base_months: v.base_months,
            threshold_years: v.threshold_years,
            per_year_above: v.per_year_above,
            pro_rata: false,
        };
        let months = stepped_months(&stepped, insured.years)?;
        components.push(
            Component::new(
                ComponentCode::InsuredYears,
                s,
                Decimal::ONE,
                months,
                Unit::SalaryMonths,
                &v.legal_basis,
            )?
            .with_stepped(stepped),
        )?;
        variant_code = Some(v.code.clone());
    }

    let mut warnings = Vec::new();
    salary_warnings(facts, &mut warnings);
    let top_up_salary = match (interp.provincial_top_up_salary, facts.without_retention()) {
        (ProvincialTopUpSalary::WithoutRetention, Some(original)) => {
            monthly_salary(ctx.policy, &original, interp)?.monthly
        }
        _ => s,
    };
    let top_up_versions = top_up::apply(
        ctx,
        band.code,
        top_up_salary,
        years_early,
        insured.years,
        &mut components,
        &mut warnings,
    )?;
    let versions = top_up_versions.unwrap_or_else(|| ctx.policy.used_early().clone());

    Ok(Entitlement {
        scheme: facts.scheme,
        category: facts.category,
        leave_date: facts.leave,
        salary,
        retirement: ctx.retirement,
        band: band.code,
        window: Some(win),
        window_closes: closes,
        insured: Some(insured),
        worked: None,
        years_early: Some(years_early),
        insured_years_variant: variant_code,
        eligibility: Eligibility::EarlyRetirement {
            article: facts.article,
            insured_months: q.insured_months,
            threshold_months: q.threshold_months,
            max_months_early: q.max_months_early,
        },
        components,
        warnings,
        versions,
        cliffs_version: None,
        decree_67: None,
    })
}

/// `base + per_year × max(0, years − threshold)`, or pro rata below the threshold.
pub(crate) fn stepped_months(s: &Stepped, years: Decimal) -> Result<Decimal, Refusal> {
    let above = years
        .checked_sub(s.threshold_years)
        .ok_or_else(Refusal::overflow)?
        .max(Decimal::ZERO);
    let base = if s.pro_rata && !s.threshold_years.is_zero() {
        s.base_months
            .checked_mul(years.min(s.threshold_years))
            .and_then(|v| v.checked_div(s.threshold_years))
            .ok_or_else(Refusal::overflow)?
    } else {
        s.base_months
    };
    s.per_year_above
        .checked_mul(above)
        .and_then(|v| v.checked_add(base))
        .ok_or_else(Refusal::overflow)
}

/// Notes about how S was taken.
pub(crate) fn salary_warnings(
    facts: &crate::domain::entitlement::PersonFacts,
    warnings: &mut Vec<Warning>,
) {
    if matches!(facts.salary.basis, super::input::SalaryBasis::Stated(_)) {
        warnings.push(Warning::info(WarningCode::SalaryStated, None));
        if facts.salary.stated_overrides_other {
            warnings.push(Warning::info(WarningCode::SalaryInputsIgnored, None));
        }
    }
}
