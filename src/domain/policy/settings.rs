//! Settings: the §11 default interpretations, the rounding rule, cliff-warning horizons and
//! national payment deadlines.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;

use super::dated::{self, impl_dated};
use super::de;
use super::error::PolicyError;
use super::meta::Meta;

/// `interpretations.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InterpretationsFile {
    pub meta: Meta,
    pub period: Vec<Interpretations>,
}

/// The §11 default interpretations, each by name.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Interpretations {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    // §11.1
    pub window_months: u32,
    pub anniversary_day_inside: bool,
    #[serde(deserialize_with = "de::date")]
    pub article_7a_window_start: NaiveDate,
    pub article_7b_always_inside: bool,
    // §11.2
    pub lt_2y_window_split: bool,
    // §11.3
    pub insured_years_variants: Vec<VariantFrom>,
    // §11.4
    pub pension_eligibility_uses_raw_months: bool,
    // §11.5
    pub quit_refused_when_early_retirement_applies: bool,
    // §11.6
    #[serde(deserialize_with = "de::date")]
    pub salary_retention_counts_from: NaiveDate,
    #[serde(deserialize_with = "de::date")]
    pub decree_67_top_up_decisions_before: NaiveDate,
    pub decree_67_top_up_undated_uses_leave_date: bool,
    #[serde(deserialize_with = "de::arc_str")]
    pub decree_67_top_up_legal_basis: Arc<str>,
    pub provincial_top_up_salary: ProvincialTopUpSalary,
    // §11.7
    pub contract_wage_allowances_apply: bool,
    pub stated_salary_accepted: bool,
    // §11.8
    #[serde(deserialize_with = "de::date")]
    pub top_up_decisions_before: NaiveDate,
    pub top_up_insured_years_flat: bool,
    // §11.9
    pub part_time_flat_at_retirement_age: bool,
    pub part_time_flat_when_receiving_pension: bool,
    pub part_time_flat_when_receiving_incapacity_benefit: bool,
    // §11.10
    pub early_retirement_max_months_early: u32,
    pub early_retirement_max_months_early_reduced_age: u32,
    // §11.11
    pub window_test_date: WindowTestDate,
}

/// Which S the provincial top-up lines are computed from (§11.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ProvincialTopUpSalary {
    /// The case's one S (with the salary-retention difference when it counts).
    CaseSalary,
    /// S without the salary-retention difference (the Decree 178 S).
    WithoutRetention,
}

/// Which date is tested against the 12-month window (Circular 01/2025/TT-BNV Art. 3(1)(a)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum WindowTestDate {
    /// The leave date in the decision.
    LeaveDate,
    /// The date of the leave decision ("được cơ quan có thẩm quyền quyết định cho nghỉ
    /// việc"); the leave date when no decision date is given.
    DecisionDate,
}

/// From `from` (by leave date), the insured-years variant named `variant` applies.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct VariantFrom {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    pub variant: String,
}

impl Interpretations {
    /// The insured-years variant for a leave on `date`.
    pub fn variant_on(&self, date: NaiveDate) -> Option<&str> {
        self.insured_years_variants
            .iter()
            .rev()
            .find(|v| v.from <= date)
            .map(|v| v.variant.as_str())
    }
}

impl_dated!(Interpretations);

/// Variant switches sorted, the first one covering the period start.
pub(crate) fn validate_interpretations(
    file: &str,
    f: &InterpretationsFile,
) -> Result<(), PolicyError> {
    dated::validate(file, "period", &f.period)?;
    for (i, p) in f.period.iter().enumerate() {
        let key = format!("period[{i}].insured_years_variants");
        match p.insured_years_variants.first() {
            Some(first) if first.from <= p.from => {}
            _ => {
                return Err(PolicyError::new(
                    file,
                    key,
                    format!("the first entry must start on or before {}", p.from),
                ));
            }
        }
        if p.insured_years_variants
            .windows(2)
            .any(|w| w[1].from <= w[0].from)
        {
            return Err(PolicyError::new(
                file,
                key,
                "entries must be in strictly increasing date order",
            ));
        }
        if p.window_months == 0 {
            return Err(PolicyError::new(
                file,
                format!("period[{i}].window_months"),
                "must be positive",
            ));
        }
    }
    Ok(())
}

/// `rounding.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RoundingFile {
    pub meta: Meta,
    #[expect(
        dead_code,
        reason = "validated on load: each setting admits only the rule the engine implements"
    )]
    pub settings: Rounding,
}

/// The rounding rule; each field admits only the value the law sets.
#[derive(Debug, Deserialize)]
#[expect(
    dead_code,
    reason = "validated on load: each setting admits only the rule the engine implements"
)]
#[serde(deny_unknown_fields)]
pub(crate) struct Rounding {
    pub salary: SalaryRounding,
    pub component: ComponentRounding,
    pub total: TotalRule,
}

/// S stays exact.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum SalaryRounding {
    /// Not rounded.
    Exact,
}

/// Components rounded half-up to the đồng.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum ComponentRounding {
    /// `Vnd::round_half_up`.
    HalfUpDong,
}

/// Total = Σ rounded components.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum TotalRule {
    /// Sum of the rounded components.
    SumOfRoundedComponents,
}

/// `cliffs.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CliffsFile {
    pub meta: Meta,
    pub settings: CliffSettings,
}

/// Horizons of the cliff warnings.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CliffSettings {
    pub window_closing_within_days: u32,
    pub band_edge_within_months: u32,
    pub rule_switch_within_months: u32,
}

/// `payment_deadlines.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaymentFile {
    pub meta: Meta,
    pub settings: PaymentSettings,
    pub deadline: Vec<Deadline>,
}

/// How deadlines combine, the overdue flag setting, the programme's window for decisions and
/// the date commune units were to have their Treasury accounts.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PaymentSettings {
    pub selection: DeadlineSelection,
    pub overdue_after_approval_days: u32,
    /// Decisions were to be made by this day (Conclusion 183-KL/TW): one made after it that no
    /// windowed rule covers keeps the catch-all deadline and is flagged `after_programme_end`.
    #[serde(default, deserialize_with = "de::opt_date")]
    pub programme_decisions_until: Option<NaiveDate>,
    #[serde(default)]
    pub programme_citation: String,
    /// Commune-level units were to have a State Treasury account by this day: the
    /// `unit_account_missing` flag of a commune unit counts its age from it.
    #[serde(default, deserialize_with = "de::opt_date")]
    pub commune_accounts_by: Option<NaiveDate>,
    #[serde(default)]
    pub commune_accounts_citation: String,
}

/// Which applicable deadline wins.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum DeadlineSelection {
    /// The rule with the narrowest window of decision dates containing the decision date
    /// (an open end counts as unbounded); else the general rule.
    MostSpecific,
    /// The earliest `pay_by` among the applicable rules.
    Earliest,
}

/// Pay by `pay_by`, for decisions made on or after `decisions_from` and before
/// `decisions_before` (each when set; neither: every decision).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Deadline {
    #[serde(default, deserialize_with = "de::opt_date")]
    pub decisions_from: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub decisions_before: Option<NaiveDate>,
    #[serde(deserialize_with = "de::date")]
    pub pay_by: NaiveDate,
    pub citation: String,
}

impl Deadline {
    /// Whether the rule covers only some decision dates.
    fn windowed(&self) -> bool {
        self.decisions_from.is_some() || self.decisions_before.is_some()
    }

    /// Whether a decision made on `date` falls in the rule's window.
    fn covers(&self, date: NaiveDate) -> bool {
        self.decisions_from.is_none_or(|from| date >= from)
            && self.decisions_before.is_none_or(|before| date < before)
    }

    /// The window's length in days (an open end reaches the calendar's end).
    fn width(&self) -> i64 {
        let from = self.decisions_from.unwrap_or(NaiveDate::MIN);
        let before = self.decisions_before.unwrap_or(NaiveDate::MAX);
        (before - from).num_days()
    }
}

/// Exactly one general rule; windows distinct and not empty.
pub(crate) fn validate_payment(file: &str, f: &PaymentFile) -> Result<(), PolicyError> {
    let general = f.deadline.iter().filter(|d| !d.windowed()).count();
    if general != 1 {
        return Err(PolicyError::new(
            file,
            "deadline",
            format!(
                "exactly one deadline without decisions_from / decisions_before is required; found {general}"
            ),
        ));
    }
    for (i, d) in f.deadline.iter().enumerate() {
        if let (Some(from), Some(before)) = (d.decisions_from, d.decisions_before)
            && from >= before
        {
            return Err(PolicyError::new(
                file,
                format!("deadline[{i}].decisions_from"),
                "the window is empty: decisions_from must be before decisions_before",
            ));
        }
        if d.windowed()
            && f.deadline
                .iter()
                .filter(|o| {
                    o.decisions_from == d.decisions_from && o.decisions_before == d.decisions_before
                })
                .count()
                > 1
        {
            return Err(PolicyError::new(
                file,
                format!("deadline[{i}]"),
                "the same window of decision dates is listed twice",
            ));
        }
    }
    Ok(())
}

impl PaymentFile {
    /// The national deadline for a decision signed on `decision` (unknown: the general one).
    pub fn deadline_for(&self, decision: Option<NaiveDate>) -> Option<NaiveDate> {
        self.rule_for(decision).map(|d| d.pay_by)
    }

    /// The deadline rule that applies, with its citation prefixed by the table id@version.
    pub fn cited_deadline_for(&self, decision: Option<NaiveDate>) -> Option<(NaiveDate, String)> {
        self.rule_for(decision).map(|d| {
            (
                d.pay_by,
                format!("{}@{}: {}", self.meta.id, self.meta.version, d.citation),
            )
        })
    }

    /// The decision dates at which the applicable deadline can change (every
    /// `decisions_from` and `decisions_before`), ascending: the deadline is the same for all
    /// decision dates from one of them up to the day before the next.
    pub fn breakpoints(&self) -> Vec<NaiveDate> {
        let mut cuts: Vec<NaiveDate> = self
            .deadline
            .iter()
            .flat_map(|d| [d.decisions_from, d.decisions_before])
            .flatten()
            .collect();
        cuts.sort_unstable();
        cuts.dedup();
        cuts
    }

    /// Whether a decision made on `decision` lies after the programme's window for decisions
    /// and no windowed rule covers it (it keeps the catch-all deadline, for a reviewer to look
    /// at).
    pub fn after_programme_end(&self, decision: Option<NaiveDate>) -> bool {
        match (decision, self.settings.programme_decisions_until) {
            (Some(date), Some(until)) => {
                date > until && !self.deadline.iter().any(|d| d.windowed() && d.covers(date))
            }
            _ => false,
        }
    }

    fn rule_for(&self, decision: Option<NaiveDate>) -> Option<&Deadline> {
        let general = self.deadline.iter().find(|d| !d.windowed());
        let applicable = self
            .deadline
            .iter()
            .filter(|d| d.windowed() && decision.is_some_and(|date| d.covers(date)));
        match self.settings.selection {
            DeadlineSelection::MostSpecific => applicable.min_by_key(|d| d.width()).or(general),
            DeadlineSelection::Earliest => applicable.chain(general).min_by_key(|d| d.pay_by),
        }
    }
}
