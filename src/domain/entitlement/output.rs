//! The output contract: one JSON object per input line, either a computed entitlement
//! (`"ok": true`) or a refusal (`"ok": false`). Text (labels, formulas, messages) is rendered
//! here, from the structured entitlement, never during computation.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::refusal::Refusal;
use super::render::{
    component_out, counted, dec, eligibility_out, retirement_out, salary_out, warning_out,
};
use super::result::Entitlement;
use crate::domain::policy::{Band, Category, Rank, Scheme};

/// One result line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(untagged)]
pub enum CalcOutput {
    /// `"ok": true`.
    Computed(Box<Computed>),
    /// `"ok": false`.
    Refused(Refused),
}

/// A computed entitlement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Computed {
    /// The input's id.
    pub id: String,
    /// Always `true`.
    pub ok: bool,
    /// Sum of the rounded components, whole đồng.
    pub total_vnd: i64,
    /// S (or P), exact decimal string, not rounded.
    pub salary_vnd: String,
    /// Pension start month − leave month.
    pub months_early: i32,
    /// Band.
    pub band: Band,
    /// `first_12_months`, `from_13th_month` or null (part-time).
    pub window: Option<String>,
    /// Non-zero components.
    pub components: Vec<ComponentOut>,
    /// Policy tables used.
    pub policy_versions: Vec<VersionOut>,
    /// Warnings (cliffs and notes).
    pub warnings: Vec<WarningOut>,
    /// Scheme.
    pub scheme: Scheme,
    /// Category.
    pub category: Category,
    /// Leave date.
    pub leave_date: String,
    /// Years early, rounded (early retirement).
    pub years_early: Option<String>,
    /// Retirement age and pension start.
    pub retirement: RetirementOut,
    /// Insured time, raw and rounded.
    pub insured: Option<CountedOut>,
    /// Worked time (part-time workers).
    pub worked: Option<CountedOut>,
    /// Insured-years variant (`C20` / `C15`).
    pub insured_years_variant: Option<String>,
    /// First leave date outside the 12-month window.
    pub window_closes_on: Option<String>,
    /// How S was built.
    pub salary: SalaryOut,
    /// Why the person is eligible.
    pub eligibility: EligibilityOut,
    /// The Decree 67 top-up part, for a decision made before Decree 67 whose Decree 178
    /// original comes out lower (absent otherwise).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decree_67_top_up: Option<Decree67TopUpOut>,
}

/// The part of the total that tops a Decree 178 decision up to the Decree 67 level.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Decree67TopUpOut {
    /// The total by the Decree 178 original formula, whole đồng.
    pub original_total_vnd: i64,
    /// The top-up (total − original), whole đồng.
    pub top_up_vnd: i64,
    /// The date tested against 2025-03-15 (`YYYY-MM-DD`): the decision date, or the leave
    /// date when no decision date was given.
    pub decided_on: String,
    /// Vietnamese label.
    pub label_vi: String,
    /// English label.
    pub label_en: String,
    /// Citation.
    pub legal_basis: String,
}

/// One component line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ComponentOut {
    /// Component code.
    pub code: String,
    /// Rounded amount, whole đồng.
    pub amount_vnd: i64,
    /// Vietnamese label.
    pub label_vi: String,
    /// English label.
    pub label_en: String,
    /// Citation.
    pub legal_basis: String,
    /// The computation, e.g. `1.0 × 15356250 × 30 = 460687500`.
    pub formula: String,
    /// What is counted.
    pub quantity: String,
    /// `months`, `years` or `salary_months`.
    pub unit: String,
    /// Multiplier.
    pub factor: String,
    /// S or P, exact.
    pub base_vnd: String,
    /// Exact amount before rounding.
    pub exact_vnd: String,
}

/// A policy table id and version.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VersionOut {
    /// File id.
    pub id: String,
    /// Version label.
    pub version: String,
}

/// A warning.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct WarningOut {
    /// Warning code.
    pub code: String,
    /// The date it names (`YYYY-MM-DD`).
    pub date: Option<String>,
    /// Amount at stake (absolute), whole đồng.
    pub amount_vnd: Option<i64>,
    /// Change of the total when leaving on `date` (negative: pays less).
    pub delta_vnd: Option<i64>,
    /// Vietnamese message.
    pub message_vi: String,
    /// English message.
    pub message_en: String,
}

/// Retirement timing.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct RetirementOut {
    /// `appendix_i`, `appendix_ii` or `rank`.
    pub basis: String,
    /// Rank, when the age comes from the rank.
    pub rank: Option<Rank>,
    /// Whole years of the retirement age.
    pub age_years: i32,
    /// Extra months of the retirement age.
    pub age_months: i32,
    /// Month the age is reached (`YYYY-MM`).
    pub retirement_month: String,
    /// Month the pension would normally start (`YYYY-MM`).
    pub pension_start_month: String,
}

/// Months and rounded years.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct CountedOut {
    /// Raw months.
    pub months: u32,
    /// Rounded years (Art. 5(3)).
    pub years_rounded: String,
}

/// How S was built.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct SalaryOut {
    /// `coefficients`, `contract_wage`, `stated` or `part_time_allowance`.
    pub source: String,
    /// Base salary used.
    pub base_salary_vnd: Option<i64>,
    /// Month whose base salary was used (`YYYY-MM`).
    pub base_salary_month: Option<String>,
    /// Sum of coefficients.
    pub coefficient_total: Option<String>,
    /// Whether the retention coefficient counted.
    pub retention_counted: bool,
    /// Core, exact.
    pub core_vnd: String,
    /// Included percentage allowances, percent.
    pub allowance_pct: String,
    /// Given but excluded allowances, percent.
    pub excluded_allowance_pct: String,
    /// S (or P), exact.
    pub monthly_vnd: String,
}

/// Why the person is eligible.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct EligibilityOut {
    /// Legal basis, e.g. `Decree 178/2024/ND-CP Art. 7`.
    pub basis: String,
    /// Vietnamese reason.
    pub reason_vi: String,
    /// English reason.
    pub reason_en: String,
}

/// A refusal line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct Refused {
    /// The input's id (empty when it could not be read).
    pub id: String,
    /// Always `false`.
    pub ok: bool,
    /// Why.
    pub error: ErrorOut,
}

/// Refusal code and messages.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ErrorOut {
    /// E.g. `invalid_input`, `at_retirement_age`.
    pub code: String,
    /// Vietnamese message.
    pub message_vi: String,
    /// English message.
    pub message_en: String,
}

impl CalcOutput {
    /// The result line for a computed entitlement.
    pub fn computed(id: &str, e: &Entitlement) -> CalcOutput {
        CalcOutput::Computed(Box::new(Computed {
            id: id.to_owned(),
            ok: true,
            total_vnd: e.total().dong(),
            salary_vnd: dec(e.salary.monthly),
            months_early: e.retirement.months_early,
            band: e.band,
            window: e.window.map(|w| w.code().to_owned()),
            components: e
                .components()
                .iter()
                .map(|c| {
                    component_out(
                        c,
                        e.salary.monthly,
                        e.insured.map_or(Decimal::ZERO, |i| i.years),
                    )
                })
                .collect(),
            policy_versions: e
                .policy_versions()
                .map(|v| VersionOut {
                    id: v.id.clone(),
                    version: v.version.clone(),
                })
                .collect(),
            warnings: e.warnings.iter().map(|w| warning_out(w, e)).collect(),
            scheme: e.scheme,
            category: e.category,
            leave_date: e.leave_date.to_string(),
            years_early: e.years_early.map(dec),
            retirement: retirement_out(e),
            insured: e.insured.map(counted),
            worked: e.worked.map(counted),
            insured_years_variant: e.insured_years_variant.as_deref().map(str::to_owned),
            window_closes_on: e.window_closes.map(|d| d.to_string()),
            salary: salary_out(e),
            eligibility: eligibility_out(e),
            decree_67_top_up: e.decree_67.as_ref().map(|t| Decree67TopUpOut {
                original_total_vnd: t.original_total.dong(),
                top_up_vnd: t.top_up.dong(),
                decided_on: t.decided_on.to_string(),
                label_vi: "Phần cấp bổ sung theo Nghị định 67/2025/NĐ-CP".to_owned(),
                label_en: "Top-up under Decree 67/2025/ND-CP".to_owned(),
                legal_basis: t.legal_basis.to_string(),
            }),
        }))
    }

    /// The result line for a refusal.
    pub fn refused(id: &str, r: &Refusal) -> CalcOutput {
        CalcOutput::Refused(Refused {
            id: id.to_owned(),
            ok: false,
            error: ErrorOut {
                code: r.code().code().to_owned(),
                message_vi: r.message_vi().to_owned(),
                message_en: r.message_en().to_owned(),
            },
        })
    }

    /// The echoed id.
    pub fn id(&self) -> &str {
        match self {
            CalcOutput::Computed(c) => &c.id,
            CalcOutput::Refused(r) => &r.id,
        }
    }

    /// Whether the line was computed.
    pub fn is_ok(&self) -> bool {
        matches!(self, CalcOutput::Computed(_))
    }

    /// The total, when computed.
    pub fn total_vnd(&self) -> Option<i64> {
        match self {
            CalcOutput::Computed(c) => Some(c.total_vnd),
            CalcOutput::Refused(_) => None,
        }
    }

    /// The refusal code, when refused.
    pub fn error_code(&self) -> Option<&str> {
        match self {
            CalcOutput::Computed(_) => None,
            CalcOutput::Refused(r) => Some(&r.error.code),
        }
    }
}
