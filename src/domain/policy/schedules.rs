//! Tables of facts by date: base salary, retirement ages, officers' service ages, pension
//! thresholds, counting rules and the salary formula.

use std::sync::Arc;

use chrono::NaiveDate;
use serde::Deserialize;

use super::calendar::YearMonth;
use super::dated::{self, impl_dated};
use super::de;
use super::error::PolicyError;
use super::meta::Meta;
use super::vocab::{Allowance, Rank, Sex};

/// `base_salary.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaseSalaryFile {
    pub meta: Meta,
    pub period: Vec<BaseSalaryPeriod>,
}

/// One base-salary level.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct BaseSalaryPeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    pub amount_vnd: u64,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
}

/// An age in years and months.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgeYm {
    pub years: u32,
    pub months: u32,
}

impl AgeYm {
    /// The age in months.
    pub fn total_months(self) -> i32 {
        i32::try_from(self.years.saturating_mul(12).saturating_add(self.months))
            .unwrap_or(i32::MAX / 2)
    }
}

/// Decree 135 appendix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
pub(crate) enum Appendix {
    /// Normal conditions.
    I,
    /// Reduced retirement age.
    II,
}

/// `retirement_age.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetirementAgeFile {
    pub meta: Meta,
    pub period: Vec<RetirementAgePeriod>,
}

/// The closed form of both appendices, in force from `from`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RetirementAgePeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    pub schedule: Vec<AgeSchedule>,
}

/// One row of the closed form (appendix × sex).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AgeSchedule {
    pub appendix: Appendix,
    pub sex: Sex,
    #[serde(deserialize_with = "de::year_month")]
    pub first_birth_month: YearMonth,
    pub age_before: AgeYm,
    pub base_age: AgeYm,
    pub step_months: u32,
    pub every_birth_months: u32,
    pub cap: AgeYm,
}

impl AgeSchedule {
    /// Retirement age in months for someone born in `birth`.
    pub fn age_months(&self, birth: YearMonth) -> i32 {
        let idx = birth.months_since(self.first_birth_month);
        if idx < 0 {
            return self.age_before.total_months();
        }
        let every = i32::try_from(self.every_birth_months.max(1)).unwrap_or(1);
        let step = i32::try_from(self.step_months).unwrap_or(0);
        let age = self
            .base_age
            .total_months()
            .saturating_add((idx / every).saturating_mul(step));
        age.min(self.cap.total_months())
    }
}

impl RetirementAgePeriod {
    /// The schedule for `appendix` and `sex` (validated to exist).
    pub fn schedule(&self, appendix: Appendix, sex: Sex) -> Option<&AgeSchedule> {
        self.schedule
            .iter()
            .find(|s| s.appendix == appendix && s.sex == sex)
    }
}

/// `armed_forces_service_age.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArmedForcesFile {
    pub meta: Meta,
    pub period: Vec<ArmedForcesPeriod>,
}

/// Maximum service ages by rank.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ArmedForcesPeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    pub max_service_age_years: RankAges,
}

/// One maximum service age (years) per rank; every rank is required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RankAges {
    pub second_lieutenant: u32,
    pub lieutenant: u32,
    pub senior_lieutenant: u32,
    pub captain: u32,
    pub major: u32,
    pub lieutenant_colonel: u32,
    pub senior_lieutenant_colonel: u32,
    pub colonel: u32,
    pub major_general: u32,
    pub lieutenant_general: u32,
    pub colonel_general: u32,
    pub general: u32,
}

impl RankAges {
    /// The maximum service age for `rank`, in years.
    pub fn years(&self, rank: Rank) -> u32 {
        match rank {
            Rank::SecondLieutenant => self.second_lieutenant,
            Rank::Lieutenant => self.lieutenant,
            Rank::SeniorLieutenant => self.senior_lieutenant,
            Rank::Captain => self.captain,
            Rank::Major => self.major,
            Rank::LieutenantColonel => self.lieutenant_colonel,
            Rank::SeniorLieutenantColonel => self.senior_lieutenant_colonel,
            Rank::Colonel => self.colonel,
            Rank::MajorGeneral => self.major_general,
            Rank::LieutenantGeneral => self.lieutenant_general,
            Rank::ColonelGeneral => self.colonel_general,
            Rank::General => self.general,
        }
    }
}

/// `pension_threshold.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PensionThresholdFile {
    pub meta: Meta,
    pub period: Vec<PensionThresholdPeriod>,
}

/// Minimum insured months for a pension.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PensionThresholdPeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    pub min_insured_months: u32,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
}

/// `counting.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountingFile {
    pub meta: Meta,
    pub period: Vec<CountingPeriod>,
}

/// Art. 5 counting rules.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct CountingPeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    pub odd_months: Vec<OddMonthStep>,
    pub severance_months_cap: u32,
    pub minimum_working_age_years: u32,
    /// Year value for 0..=11 odd months, filled after validation.
    #[serde(skip)]
    pub odd_table: [rust_decimal::Decimal; 12],
}

/// Odd months `from..=to` count as `years`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct OddMonthStep {
    pub from: u32,
    pub to: u32,
    #[serde(deserialize_with = "de::decimal")]
    pub years: rust_decimal::Decimal,
}

impl CountingPeriod {
    /// Whole years plus the value of the odd months (Art. 5(3)).
    pub fn rounded_years(&self, months: u32) -> rust_decimal::Decimal {
        let whole = rust_decimal::Decimal::from(months / 12);
        let odd = usize::try_from(months % 12).unwrap_or_default();
        whole + self.odd_table.get(odd).copied().unwrap_or_default()
    }
}

/// `salary.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SalaryFile {
    pub meta: Meta,
    pub period: Vec<SalaryPeriod>,
}

/// The salary formula's data.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct SalaryPeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    pub base_salary_month_offset: i32,
    /// What the beyond-frame seniority percentage is taken of (Circular 04/2005/TT-BNV).
    pub beyond_frame_base: BeyondFrameBase,
    pub allowances: AllowanceRules,
}

/// What the beyond-frame seniority percentage is taken of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum BeyondFrameBase {
    /// % × (grade coefficient of the last step + leadership coefficient): Circular
    /// 04/2005/TT-BNV.
    GradeAndLeadership,
    /// % × grade coefficient alone (the first wave's reading).
    Grade,
}

/// Whether an allowance counts towards S.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Inclusion {
    /// Counts towards S.
    Included,
    /// Does not count.
    Excluded,
}

/// One inclusion rule per allowance; every allowance is required.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AllowanceRules {
    pub public_service: Inclusion,
    pub professional_seniority: Inclusion,
    pub occupational_preferential: Inclusion,
    pub occupational_responsibility: Inclusion,
    pub party_union_work: Inclusion,
    pub armed_forces_special: Inclusion,
    pub work_responsibility: Inclusion,
    pub hazardous: Inclusion,
    pub regional: Inclusion,
    pub attraction: Inclusion,
    pub party_committee_responsibility: Inclusion,
    pub chief_accountant: Inclusion,
}

impl AllowanceRules {
    /// Whether `a` counts towards S.
    pub fn included(&self, a: Allowance) -> bool {
        let rule = match a {
            Allowance::PublicService => self.public_service,
            Allowance::ProfessionalSeniority => self.professional_seniority,
            Allowance::OccupationalPreferential => self.occupational_preferential,
            Allowance::OccupationalResponsibility => self.occupational_responsibility,
            Allowance::PartyUnionWork => self.party_union_work,
            Allowance::ArmedForcesSpecial => self.armed_forces_special,
            Allowance::WorkResponsibility => self.work_responsibility,
            Allowance::Hazardous => self.hazardous,
            Allowance::Regional => self.regional,
            Allowance::Attraction => self.attraction,
            Allowance::PartyCommitteeResponsibility => self.party_committee_responsibility,
            Allowance::ChiefAccountant => self.chief_accountant,
        };
        rule == Inclusion::Included
    }
}

impl_dated!(
    BaseSalaryPeriod,
    RetirementAgePeriod,
    ArmedForcesPeriod,
    PensionThresholdPeriod,
    CountingPeriod,
    SalaryPeriod,
);

/// File-level checks beyond the shape.
pub(crate) fn validate_base_salary(file: &str, f: &BaseSalaryFile) -> Result<(), PolicyError> {
    dated::validate(file, "period", &f.period)?;
    for (i, p) in f.period.iter().enumerate() {
        if p.amount_vnd == 0 {
            return Err(PolicyError::new(
                file,
                format!("period[{i}].amount_vnd"),
                "must be positive",
            ));
        }
    }
    Ok(())
}

/// Every appendix × sex once, sane steps.
pub(crate) fn validate_retirement(file: &str, f: &RetirementAgeFile) -> Result<(), PolicyError> {
    dated::validate(file, "period", &f.period)?;
    for (i, p) in f.period.iter().enumerate() {
        for appendix in [Appendix::I, Appendix::II] {
            for sex in [Sex::Male, Sex::Female] {
                let n = p
                    .schedule
                    .iter()
                    .filter(|s| s.appendix == appendix && s.sex == sex)
                    .count();
                if n != 1 {
                    return Err(PolicyError::new(
                        file,
                        format!("period[{i}].schedule"),
                        format!(
                            "need exactly one row for appendix {appendix:?}, {sex:?}; found {n}"
                        ),
                    ));
                }
            }
        }
        for (j, s) in p.schedule.iter().enumerate() {
            let key = format!("period[{i}].schedule[{j}]");
            if s.every_birth_months == 0 {
                return Err(PolicyError::new(
                    file,
                    format!("{key}.every_birth_months"),
                    "must be positive",
                ));
            }
            for (name, age) in [
                ("age_before", s.age_before),
                ("base_age", s.base_age),
                ("cap", s.cap),
            ] {
                if age.months > 11 {
                    return Err(PolicyError::new(
                        file,
                        format!("{key}.{name}.months"),
                        "must be 0..=11",
                    ));
                }
            }
            if s.cap.total_months() < s.base_age.total_months() {
                return Err(PolicyError::new(
                    file,
                    format!("{key}.cap"),
                    "cap is below base_age",
                ));
            }
        }
    }
    Ok(())
}

/// Odd-month steps cover 1..=11 exactly once; fills the lookup table.
pub(crate) fn validate_counting(file: &str, f: &mut CountingFile) -> Result<(), PolicyError> {
    dated::validate(file, "period", &f.period)?;
    for (i, p) in f.period.iter_mut().enumerate() {
        let mut seen = [false; 12];
        let mut table = [rust_decimal::Decimal::ZERO; 12];
        for (j, step) in p.odd_months.iter().enumerate() {
            if step.from < 1 || step.to > 11 || step.from > step.to {
                return Err(PolicyError::new(
                    file,
                    format!("period[{i}].odd_months[{j}]"),
                    "from..=to must lie within 1..=11",
                ));
            }
            for m in step.from..=step.to {
                let m = usize::try_from(m).unwrap_or_default();
                if seen[m] {
                    return Err(PolicyError::new(
                        file,
                        format!("period[{i}].odd_months[{j}]"),
                        format!("odd month {m} is covered twice"),
                    ));
                }
                seen[m] = true;
                table[m] = step.years;
            }
        }
        if let Some(m) = (1..12).find(|&m| !seen[m]) {
            return Err(PolicyError::new(
                file,
                format!("period[{i}].odd_months"),
                format!("odd month {m} is not covered"),
            ));
        }
        p.odd_table = table;
    }
    Ok(())
}
