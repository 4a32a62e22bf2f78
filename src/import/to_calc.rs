//! A validated roster row as the entitlement engine's input (the `staffpay calc` contract).

use crate::domain::dates::iso;
use crate::domain::entitlement::{
    AllowancesInput, CalcInput, DecimalString, MoneyValue, SalaryInput,
};
use crate::domain::money::Vnd;

use super::roster::RosterRow;

fn money(v: Option<Vnd>) -> Option<MoneyValue> {
    v.map(|v| MoneyValue(v.to_decimal()))
}

fn dec(v: Option<rust_decimal::Decimal>) -> Option<DecimalString> {
    v.map(DecimalString)
}

/// The engine input of a roster row; `id` is the row number as the sender sees it.
pub fn calc_input(row: &RosterRow) -> CalcInput {
    let s = &row.salary;
    let a = &s.allowances_pct;
    CalcInput {
        id: row.row_number.to_string(),
        scheme: row.scheme,
        category: row.category,
        sex: row.sex,
        date_of_birth: row.date_of_birth.to_string(),
        reduced_retirement_age: row.reduced_retirement_age.unwrap_or(false),
        rank: row.rank,
        salary: SalaryInput {
            grade_coefficient: dec(s.grade_coefficient),
            leadership_coefficient: dec(s.leadership_coefficient),
            retention_coefficient: dec(s.retention_coefficient),
            beyond_frame_seniority_pct: dec(s.beyond_frame_seniority_pct),
            allowances_pct: AllowancesInput {
                public_service: dec(a.public_service),
                professional_seniority: dec(a.professional_seniority),
                occupational_preferential: dec(a.occupational_preferential),
                occupational_responsibility: dec(a.occupational_responsibility),
                party_union_work: dec(a.party_union_work),
                armed_forces_special: dec(a.armed_forces_special),
                ..Default::default()
            },
            contract_monthly_wage_vnd: money(s.contract_monthly_wage_vnd),
            monthly_salary_vnd: money(s.monthly_salary_vnd),
            monthly_allowance_vnd: money(s.monthly_allowance_vnd),
            former_post_salary_vnd: money(s.former_post_salary_vnd),
            concurrent_post_allowance_vnd: money(s.concurrent_post_allowance_vnd),
        },
        insured_months: row.insured_months,
        worked_months: row.worked_months,
        receiving_pension: row.receiving_pension.unwrap_or(false),
        receiving_incapacity_benefit: row.receiving_incapacity_benefit.unwrap_or(false),
        moved_to_village_post: row.moved_to_village_post.unwrap_or(false),
        reorganization_effective_date: row.reorganization_effective_date.map(iso),
        leave_date: iso(row.leave_date),
        decision_date: row.decision_date.map(iso),
        article: row.article.unwrap_or_default(),
        province_code: row.province_code.map(str::to_string),
    }
}
