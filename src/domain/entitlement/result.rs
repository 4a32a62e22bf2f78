//! The computed entitlement: everything a case stores and a result line reports.

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::component::Components;
use super::counting::{CountedTime, Window};
use super::refusal::RefusalCode;
use super::retirement::Retirement;
use super::salary::SalaryBreakdown;
use crate::domain::money::Vnd;
use crate::domain::policy::{Article, Band, Category, PolicyVersion, Scheme};

/// Why the person is eligible (rendered into words by the output layer).
#[derive(Clone, Debug, PartialEq)]
pub enum Eligibility {
    /// Decree 178 Art. 7 / 7a / 7b.
    EarlyRetirement {
        /// The article.
        article: Article,
        /// Insured months.
        insured_months: u32,
        /// Minimum insured months for a pension on the leave date.
        threshold_months: u32,
        /// Most months early allowed.
        max_months_early: u32,
    },
    /// Decree 178 Art. 9 or 10.
    Quit {
        /// `9` or `10`.
        article: Arc<str>,
        /// Months left needed.
        min_months_to_retirement: u32,
    },
    /// Decree 154 Art. 9.
    PartTime {
        /// Whether the flat amount applies, and why.
        flat: Option<FlatReason>,
    },
}

/// Why a part-time worker gets the flat amount.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FlatReason {
    /// At or past retirement age.
    AtRetirementAge,
    /// Already drawing a pension.
    ReceivingPension,
    /// Drawing the incapacity benefit (trợ cấp mất sức lao động; Decree 154 Art. 9(3)).
    ReceivingIncapacityBenefit,
}

/// What a warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WarningCode {
    /// The 12-month window closes soon after the leave date.
    WindowClosing,
    /// Leaving a little later crosses a band edge.
    BandEdge,
    /// A rule switch date (e.g. 2025-07-01) falls soon after the leave date.
    RuleSwitch,
    /// S was taken as stated by the agency.
    SalaryStated,
    /// A stated S was given together with coefficients or a wage, which were ignored.
    SalaryInputsIgnored,
    /// The province has a top-up but the decision date is missing.
    TopUpNotAssessed,
    /// The province's top-up does not apply to this decision date.
    TopUpNotPayable,
    /// A concurrent-post allowance was given; it is not part of P (Decree 154 Art. 5(1)).
    ConcurrentAllowanceExcluded,
}

impl WarningCode {
    /// Snake-case code.
    pub fn code(self) -> &'static str {
        match self {
            WarningCode::WindowClosing => "window_closing",
            WarningCode::BandEdge => "band_edge",
            WarningCode::RuleSwitch => "rule_switch",
            WarningCode::SalaryStated => "salary_stated",
            WarningCode::SalaryInputsIgnored => "salary_inputs_ignored",
            WarningCode::TopUpNotAssessed => "top_up_not_assessed",
            WarningCode::TopUpNotPayable => "top_up_not_payable",
            WarningCode::ConcurrentAllowanceExcluded => "concurrent_allowance_excluded",
        }
    }

    /// Whether this is a cliff warning (computed by re-running with another leave date).
    pub fn is_cliff(self) -> bool {
        matches!(
            self,
            WarningCode::WindowClosing | WarningCode::BandEdge | WarningCode::RuleSwitch
        )
    }
}

/// A structured warning; messages are rendered by the output layer.
#[derive(Clone, Debug, PartialEq)]
pub struct Warning {
    /// What it is about.
    pub code: WarningCode,
    /// The date it names (cliffs: the alternative leave date; top-ups: the cut-off).
    pub date: Option<NaiveDate>,
    /// Cliffs: change of the total when leaving on `date` (negative: pays less).
    pub delta: Option<Vnd>,
    /// Cliffs: the refusal the alternative date would get instead.
    pub refused: Option<RefusalCode>,
    /// Cliffs: the band the alternative date would fall in.
    pub band_after: Option<Band>,
}

impl Warning {
    /// An informational warning.
    pub(crate) fn info(code: WarningCode, date: Option<NaiveDate>) -> Self {
        Warning {
            code,
            date,
            delta: None,
            refused: None,
            band_after: None,
        }
    }
}

/// A computed entitlement.
#[derive(Clone, Debug, PartialEq)]
pub struct Entitlement {
    pub(crate) scheme: Scheme,
    pub(crate) category: Category,
    pub(crate) leave_date: NaiveDate,
    pub(crate) salary: SalaryBreakdown,
    pub(crate) retirement: Retirement,
    pub(crate) band: Band,
    pub(crate) window: Option<Window>,
    pub(crate) window_closes: Option<NaiveDate>,
    pub(crate) insured: Option<CountedTime>,
    pub(crate) worked: Option<CountedTime>,
    pub(crate) years_early: Option<Decimal>,
    pub(crate) insured_years_variant: Option<Arc<str>>,
    pub(crate) eligibility: Eligibility,
    pub(crate) components: Components,
    pub(crate) warnings: Vec<Warning>,
    pub(crate) versions: Arc<[PolicyVersion]>,
    pub(crate) cliffs_version: Option<PolicyVersion>,
    /// Set when the decision predates Decree 67 and the Decree 67 level is higher than the
    /// Decree 178 original (§11.6).
    pub(crate) decree_67: Option<Decree67TopUp>,
}

/// The part of an entitlement that tops a decision made under Decree 178 up to the Decree 67
/// level (Decree 67/2025/ND-CP Art. 2: "được cấp bổ sung"): the total is what is owed; an
/// agency that already paid `original_total` pays `top_up` as a supplementary payment.
#[derive(Clone, Debug, PartialEq)]
pub struct Decree67TopUp {
    /// The total by the Decree 178 original formula (no salary-retention difference).
    pub original_total: Vnd,
    /// Total − original total (positive).
    pub top_up: Vnd,
    /// The date tested against the cut-off (the decision date, or the leave date when the
    /// decision date is not given and the setting allows it).
    pub decided_on: NaiveDate,
    /// Citation.
    pub legal_basis: Arc<str>,
}

impl Entitlement {
    /// Total: the sum of the rounded components.
    pub fn total(&self) -> Vnd {
        self.components.total()
    }
    /// The components (non-zero only).
    pub fn components(&self) -> &Components {
        &self.components
    }
    /// S (or P), exact.
    pub fn salary(&self) -> Decimal {
        self.salary.monthly
    }
    /// How S was built.
    pub fn salary_breakdown(&self) -> &SalaryBreakdown {
        &self.salary
    }
    /// Scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }
    /// Category.
    pub fn category(&self) -> Category {
        self.category
    }
    /// Leave date.
    pub fn leave_date(&self) -> NaiveDate {
        self.leave_date
    }
    /// Band.
    pub fn band(&self) -> Band {
        self.band
    }
    /// Window (none for part-time workers).
    pub fn window(&self) -> Option<Window> {
        self.window
    }
    /// First leave date outside the window, when it can close.
    pub fn window_closes(&self) -> Option<NaiveDate> {
        self.window_closes
    }
    /// Retirement age, pension start, months early.
    pub fn retirement(&self) -> &Retirement {
        &self.retirement
    }
    /// Months early (pension start month − leave month).
    pub fn months_early(&self) -> i32 {
        self.retirement.months_early
    }
    /// Years early, rounded (early retirement; part-time lump).
    pub fn years_early(&self) -> Option<Decimal> {
        self.years_early
    }
    /// Insured time, raw and rounded.
    pub fn insured(&self) -> Option<CountedTime> {
        self.insured
    }
    /// Worked time (part-time workers), raw and rounded.
    pub fn worked(&self) -> Option<CountedTime> {
        self.worked
    }
    /// Insured-years variant used (`C20` / `C15`).
    pub fn insured_years_variant(&self) -> Option<&str> {
        self.insured_years_variant.as_deref()
    }
    /// Why the person is eligible.
    pub fn eligibility(&self) -> &Eligibility {
        &self.eligibility
    }
    /// Warnings (informational and, after `compute_with_cliffs`, cliffs).
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }
    /// The Decree 67 top-up part, when the decision predates Decree 67 and it is higher.
    pub fn decree_67_top_up(&self) -> Option<&Decree67TopUp> {
        self.decree_67.as_ref()
    }
    /// Ids and versions of the policy tables used.
    pub fn policy_versions(&self) -> impl Iterator<Item = &PolicyVersion> {
        self.versions.iter().chain(self.cliffs_version.iter())
    }
}
