//! Entitlement rules: early retirement (Art. 7), quit (Art. 9/10), commune part-time workers
//! (Decree 154) and provincial top-ups (Art. 19(6)).

use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;

use super::dated::{self, impl_dated};
use super::de;
use super::error::PolicyError;
use super::meta::Meta;
use super::vocab::{Article, Band, Category, Scheme};

/// `early_retirement.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EarlyRetirementFile {
    pub meta: Meta,
    pub period: Vec<EarlyRetirementPeriod>,
}

/// Art. 7 as in force from `from`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EarlyRetirementPeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    pub label: String,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    pub articles: Vec<Article>,
    pub categories: Vec<Category>,
    pub band: Vec<EarlyBand>,
    pub insured_years_variant: Vec<InsuredYearsVariant>,
    pub legal_basis: EarlyLegalBasis,
}

/// One band of time left to retirement age.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EarlyBand {
    pub code: Band,
    pub min_months_early: u32,
    pub max_months_early: u32,
    #[serde(deserialize_with = "de::decimal")]
    pub months_factor_inside: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub months_factor_outside: Decimal,
    /// Months counted for A at most (none: all months early).
    #[serde(default)]
    pub months_cap: Option<u32>,
    #[serde(deserialize_with = "de::decimal")]
    pub per_year_early: Decimal,
    /// Whether C (insured years) is paid in this band.
    pub insured_years: bool,
}

/// C = S × (base_months + per_year_above × max(0, Y_si − threshold_years)).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct InsuredYearsVariant {
    #[serde(deserialize_with = "de::arc_str")]
    pub code: Arc<str>,
    #[serde(deserialize_with = "de::decimal")]
    pub base_months: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub threshold_years: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub per_year_above: Decimal,
    #[serde(deserialize_with = "de::arc_str")]
    pub legal_basis: Arc<str>,
}

/// Citations of the A and B components.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EarlyLegalBasis {
    #[serde(deserialize_with = "de::arc_str")]
    pub months_early: Arc<str>,
    #[serde(deserialize_with = "de::arc_str")]
    pub years_early: Arc<str>,
}

impl EarlyRetirementPeriod {
    /// The insured-years variant named `code`.
    pub fn variant(&self, code: &str) -> Option<&InsuredYearsVariant> {
        self.insured_years_variant.iter().find(|v| &*v.code == code)
    }
}

/// `quit.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuitFile {
    pub meta: Meta,
    pub period: Vec<QuitPeriod>,
}

/// Art. 9 / 10 as in force from `from`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuitPeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    pub min_months_to_retirement: u32,
    #[serde(deserialize_with = "de::decimal")]
    pub severance_factor_inside: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub severance_factor_outside: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub insured_years_factor: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub job_search_months: Decimal,
    pub category: Vec<QuitCategory>,
}

/// Which article a category quits under.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuitCategory {
    pub category: Category,
    #[serde(deserialize_with = "de::arc_str")]
    pub article: Arc<str>,
    pub job_search: bool,
    pub legal_basis: QuitLegalBasis,
}

/// Citations of the quit components.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct QuitLegalBasis {
    #[serde(deserialize_with = "de::arc_str")]
    pub severance: Arc<str>,
    #[serde(deserialize_with = "de::arc_str")]
    pub insured_years_quit: Arc<str>,
    #[serde(default, deserialize_with = "opt_arc_str")]
    pub job_search: Option<Arc<str>>,
}

fn opt_arc_str<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<Arc<str>>, D::Error> {
    de::arc_str(d).map(Some)
}

impl QuitPeriod {
    /// The rule for `category`, if it may quit under Art. 9/10.
    pub fn for_category(&self, category: Category) -> Option<&QuitCategory> {
        self.category.iter().find(|c| c.category == category)
    }
}

/// `part_time.toml`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartTimeFile {
    pub meta: Meta,
    pub period: Vec<PartTimePeriod>,
}

/// Decree 154 Art. 9 as in force from `from`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartTimePeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    pub categories: Vec<Category>,
    pub short_service_below_months: u32,
    #[serde(deserialize_with = "de::decimal")]
    pub lump_factor: Decimal,
    pub lump_cap_months: u32,
    #[serde(deserialize_with = "de::decimal")]
    pub per_year_worked: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub job_search_months: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub flat_months: Decimal,
    /// Leave dates from this day on are refused (letter 12/CV-BCĐ).
    #[serde(default, deserialize_with = "de::opt_date")]
    pub leave_before: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::arc_str")]
    pub leave_before_citation: Arc<str>,
    pub legal_basis: PartTimeLegalBasis,
}

/// Citations of the part-time components.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct PartTimeLegalBasis {
    #[serde(deserialize_with = "de::arc_str")]
    pub part_time_lump: Arc<str>,
    #[serde(deserialize_with = "de::arc_str")]
    pub part_time_years: Arc<str>,
    #[serde(deserialize_with = "de::arc_str")]
    pub part_time_job_search: Arc<str>,
    #[serde(deserialize_with = "de::arc_str")]
    pub part_time_flat: Arc<str>,
}

/// A `provincial_top_up` file (one per province).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopUpFile {
    pub meta: Meta,
    pub province: Province,
    pub period: Vec<TopUpPeriod>,
}

/// The province whose budget pays.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Province {
    pub code: String,
    pub name: String,
}

/// A province's top-up rules, selected by decision date.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopUpPeriod {
    #[serde(deserialize_with = "de::date")]
    pub from: NaiveDate,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub until: Option<NaiveDate>,
    #[serde(deserialize_with = "de::arc_str")]
    pub citation: Arc<str>,
    pub schemes: Vec<Scheme>,
    #[serde(deserialize_with = "de::decimal")]
    pub lump_months: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub insured_base_months: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub insured_threshold_years: Decimal,
    #[serde(deserialize_with = "de::decimal")]
    pub insured_per_year_above: Decimal,
    pub band: Vec<TopUpBand>,
    pub legal_basis: TopUpLegalBasis,
}

/// Per-year-early top-up of one band.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopUpBand {
    pub code: Band,
    #[serde(deserialize_with = "de::decimal")]
    pub per_year_early: Decimal,
}

/// Citations of the top-up components.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct TopUpLegalBasis {
    #[serde(deserialize_with = "de::arc_str")]
    pub local_lump: Arc<str>,
    #[serde(deserialize_with = "de::arc_str")]
    pub local_years_early: Arc<str>,
    #[serde(deserialize_with = "de::arc_str")]
    pub local_insured_years: Arc<str>,
}

impl TopUpPeriod {
    /// The per-year-early top-up for `band` (zero when the band is not listed).
    pub fn per_year_early(&self, band: Band) -> Decimal {
        self.band
            .iter()
            .find(|b| b.code == band)
            .map_or(Decimal::ZERO, |b| b.per_year_early)
    }
}

impl_dated!(
    EarlyRetirementPeriod,
    QuitPeriod,
    PartTimePeriod,
    TopUpPeriod
);

fn early_band_code_ok(code: Band) -> bool {
    matches!(code, Band::Lt2y | Band::B2to5y | Band::B5to10y)
}

/// Bands contiguous from 1 month, known codes, variants unique.
pub(crate) fn validate_early(file: &str, f: &EarlyRetirementFile) -> Result<(), PolicyError> {
    dated::validate(file, "period", &f.period)?;
    for (i, p) in f.period.iter().enumerate() {
        let mut next_min = 1;
        for (j, b) in p.band.iter().enumerate() {
            let key = format!("period[{i}].band[{j}]");
            if !early_band_code_ok(b.code) {
                return Err(PolicyError::new(
                    file,
                    format!("{key}.code"),
                    "early-retirement bands are lt_2y, 2_5y, 5_10y",
                ));
            }
            if p.band.iter().filter(|o| o.code == b.code).count() > 1 {
                return Err(PolicyError::new(
                    file,
                    format!("{key}.code"),
                    "band listed twice",
                ));
            }
            if b.min_months_early != next_min {
                return Err(PolicyError::new(
                    file,
                    format!("{key}.min_months_early"),
                    format!("bands must follow each other from 1 month; expected {next_min}"),
                ));
            }
            if b.max_months_early < b.min_months_early {
                return Err(PolicyError::new(
                    file,
                    format!("{key}.max_months_early"),
                    "below min_months_early",
                ));
            }
            next_min = b.max_months_early + 1;
        }
        if p.band.is_empty() {
            return Err(PolicyError::new(
                file,
                format!("period[{i}].band"),
                "at least one band is required",
            ));
        }
        for (j, v) in p.insured_years_variant.iter().enumerate() {
            if p.insured_years_variant
                .iter()
                .filter(|o| o.code == v.code)
                .count()
                > 1
            {
                return Err(PolicyError::new(
                    file,
                    format!("period[{i}].insured_years_variant[{j}].code"),
                    "variant listed twice",
                ));
            }
        }
    }
    Ok(())
}

/// Categories listed once.
pub(crate) fn validate_quit(file: &str, f: &QuitFile) -> Result<(), PolicyError> {
    dated::validate(file, "period", &f.period)?;
    for (i, p) in f.period.iter().enumerate() {
        for (j, c) in p.category.iter().enumerate() {
            if p.category
                .iter()
                .filter(|o| o.category == c.category)
                .count()
                > 1
            {
                return Err(PolicyError::new(
                    file,
                    format!("period[{i}].category[{j}].category"),
                    "category listed twice",
                ));
            }
            if c.job_search && c.legal_basis.job_search.is_none() {
                return Err(PolicyError::new(
                    file,
                    format!("period[{i}].category[{j}].legal_basis.job_search"),
                    "required when job_search = true",
                ));
            }
        }
    }
    Ok(())
}

/// Dated periods only.
pub(crate) fn validate_part_time(file: &str, f: &PartTimeFile) -> Result<(), PolicyError> {
    dated::validate(file, "period", &f.period)
}

/// Two-digit province code, bands listed once.
pub(crate) fn validate_top_up(file: &str, f: &TopUpFile) -> Result<(), PolicyError> {
    let code = &f.province.code;
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Err(PolicyError::new(
            file,
            "province.code",
            "must be a two-digit code",
        ));
    }
    dated::validate(file, "period", &f.period)?;
    for (i, p) in f.period.iter().enumerate() {
        for (j, b) in p.band.iter().enumerate() {
            if p.band.iter().filter(|o| o.code == b.code).count() > 1 {
                return Err(PolicyError::new(
                    file,
                    format!("period[{i}].band[{j}].code"),
                    "band listed twice",
                ));
            }
        }
    }
    Ok(())
}
