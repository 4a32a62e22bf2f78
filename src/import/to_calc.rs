//! A validated roster row as the entitlement engine's input (the `staffpay calc` contract).

use crate::domain::entitlement::{
    AllowancesInput, CalcInput, DecimalString, MoneyValue, SalaryInput,
};
use crate::domain::money::Vnd;
use crate::domain::person::Sex;
use crate::domain::policy;

use super::roster::RosterRow;
use super::vocab::{Article, Category, Rank, Scheme};

fn sex(s: Sex) -> policy::Sex {
    match s {
        Sex::Male => policy::Sex::Male,
        Sex::Female => policy::Sex::Female,
    }
}

fn category(c: Category) -> policy::Category {
    match c {
        Category::CadreCivilServant => policy::Category::CadreCivilServant,
        Category::PublicEmployee => policy::Category::PublicEmployee,
        Category::ContractWorker => policy::Category::ContractWorker,
        Category::CommunePartTime => policy::Category::CommunePartTime,
        Category::ArmedForces => policy::Category::ArmedForces,
    }
}

fn scheme(s: Scheme) -> policy::Scheme {
    match s {
        Scheme::EarlyRetirement => policy::Scheme::EarlyRetirement,
        Scheme::Quit => policy::Scheme::Quit,
        Scheme::PartTimeLeave => policy::Scheme::PartTimeLeave,
    }
}

fn rank(r: Rank) -> policy::Rank {
    match r {
        Rank::SecondLieutenant => policy::Rank::SecondLieutenant,
        Rank::Lieutenant => policy::Rank::Lieutenant,
        Rank::SeniorLieutenant => policy::Rank::SeniorLieutenant,
        Rank::Captain => policy::Rank::Captain,
        Rank::Major => policy::Rank::Major,
        Rank::LieutenantColonel => policy::Rank::LieutenantColonel,
        Rank::SeniorLieutenantColonel => policy::Rank::SeniorLieutenantColonel,
        Rank::Colonel => policy::Rank::Colonel,
        Rank::MajorGeneral => policy::Rank::MajorGeneral,
        Rank::LieutenantGeneral => policy::Rank::LieutenantGeneral,
        Rank::ColonelGeneral => policy::Rank::ColonelGeneral,
        Rank::General => policy::Rank::General,
    }
}

fn article(a: Article) -> policy::Article {
    match a {
        Article::A7 => policy::Article::A7,
        Article::A7a => policy::Article::A7a,
        Article::A7b => policy::Article::A7b,
    }
}

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
        scheme: scheme(row.scheme),
        category: category(row.category),
        sex: sex(row.sex),
        date_of_birth: row.date_of_birth.to_string(),
        reduced_retirement_age: row.reduced_retirement_age.unwrap_or(false),
        rank: row.rank.map(rank),
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
        reorganization_effective_date: row
            .reorganization_effective_date
            .map(|d| d.format("%Y-%m-%d").to_string()),
        leave_date: row.leave_date.format("%Y-%m-%d").to_string(),
        decision_date: row.decision_date.map(|d| d.format("%Y-%m-%d").to_string()),
        article: row.article.map(article).unwrap_or_default(),
        province_code: row.province_code.map(str::to_string),
    }
}
