//! Provincial top-ups (Decree 178 Art. 19(6); abolished for decisions from 2025-03-15), e.g.
//! Ho Chi Minh City Resolution 01/2025.

use rust_decimal::Decimal;

use super::component::{Component, ComponentCode, Components, Stepped, Unit};
use super::context::Ctx;
use super::early_retirement::stepped_months;
use super::refusal::Refusal;
use super::result::{Warning, WarningCode};
use crate::domain::policy::{Band, PolicyVersion};

/// Adds the province's top-up lines when they apply; returns the table versions to report
/// instead of the national ones when they do.
pub(crate) fn apply(
    ctx: &Ctx<'_>,
    band: Band,
    s: Decimal,
    years_early: Decimal,
    insured_years: Decimal,
    components: &mut Components,
    warnings: &mut Vec<Warning>,
) -> Result<Option<std::sync::Arc<[PolicyVersion]>>, Refusal> {
    let facts = ctx.facts;
    let Some(province) = facts.province_str() else {
        return Ok(None);
    };
    if !ctx.policy.has_top_up(province) {
        return Ok(None);
    }
    let Some(decision) = facts.decision else {
        warnings.push(Warning::info(WarningCode::TopUpNotAssessed, None));
        return Ok(None);
    };
    let cutoff = ctx.interp.top_up_decisions_before;
    if decision >= cutoff {
        warnings.push(Warning::info(WarningCode::TopUpNotPayable, Some(cutoff)));
        return Ok(None);
    }
    let Some((rules, versions)) = ctx.policy.top_up(province, decision) else {
        warnings.push(Warning::info(WarningCode::TopUpNotPayable, None));
        return Ok(None);
    };
    if !rules.schemes.contains(&facts.scheme) {
        return Ok(None);
    }
    let basis = &rules.legal_basis;
    components.push(Component::new(
        ComponentCode::LocalLump,
        s,
        Decimal::ONE,
        rules.lump_months,
        Unit::SalaryMonths,
        &basis.local_lump,
    )?)?;
    components.push(Component::new(
        ComponentCode::LocalYearsEarly,
        s,
        rules.per_year_early(band),
        years_early,
        Unit::Years,
        &basis.local_years_early,
    )?)?;
    let stepped = Stepped {
        base_months: rules.insured_base_months,
        threshold_years: rules.insured_threshold_years,
        per_year_above: rules.insured_per_year_above,
        pro_rata: !ctx.interp.top_up_insured_years_flat,
    };
    components.push(
        Component::new(
            ComponentCode::LocalInsuredYears,
            s,
            Decimal::ONE,
            stepped_months(&stepped, insured_years)?,
            Unit::SalaryMonths,
            &basis.local_insured_years,
        )?
        .with_stepped(stepped),
    )?;
    Ok(Some(versions.clone()))
}
