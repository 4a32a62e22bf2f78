//! Policy tables: every number the law sets, with effective dates and citations, parsed from
//! TOML text handed in by the caller (no file I/O here; see `crate::policy_files`).
//!
//! A [`PolicySet`] is built once at start-up by [`PolicySet::from_sources`], which rejects
//! the whole set on the first problem, naming the file and key: TOML syntax, unknown or
//! missing keys, periods that overlap or leave a gap, a missing table kind, settings that
//! refer to rules that do not exist. After that the engine only looks values up.

mod calendar;
mod dated;
mod de;
mod error;
mod load;
mod meta;
mod rules;
mod schedules;
mod settings;
mod vocab;

use std::sync::Arc;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::domain::money::Vnd;

pub use calendar::YearMonth;
pub use error::PolicyError;
pub use vocab::{Allowance, Article, Band, Category, Rank, Scheme, Sex, leave_window_vi};

pub(crate) use rules::{EarlyRetirementPeriod, PartTimePeriod, QuitPeriod, TopUpPeriod};
pub(crate) use schedules::{
    Appendix, BeyondFrameBase, CountingPeriod, RetirementAgePeriod, SalaryPeriod,
};
pub(crate) use settings::{CliffSettings, Interpretations, ProvincialTopUpSalary, WindowTestDate};

use meta::Meta;
use rules::{EarlyRetirementFile, PartTimeFile, QuitFile, TopUpFile};
use schedules::{
    ArmedForcesFile, ArmedForcesPeriod, BaseSalaryFile, CountingFile, PensionThresholdFile,
    PensionThresholdPeriod, RetirementAgeFile, SalaryFile,
};
use settings::{CliffsFile, InterpretationsFile, PaymentFile};

/// Identity of one policy file, as results report it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyVersion {
    /// Stable file id, e.g. `early_retirement`.
    pub id: String,
    /// The file's version label.
    pub version: String,
    /// Legal instruments the file transcribes.
    pub citation: String,
    /// Human title.
    pub title: String,
}

impl PolicyVersion {
    fn of(meta: &Meta) -> Self {
        PolicyVersion {
            id: meta.id.clone(),
            version: meta.version.clone(),
            citation: meta.citation.clone(),
            title: meta.title.clone(),
        }
    }
}

/// Which tables a result was computed from (shared, so results clone a pointer).
pub(crate) type Versions = Arc<[PolicyVersion]>;

/// A validated, complete set of policy tables.
#[derive(Debug)]
pub struct PolicySet {
    versions: Vec<PolicyVersion>,
    base_salary: BaseSalaryFile,
    retirement_age: RetirementAgeFile,
    armed_forces: ArmedForcesFile,
    counting: CountingFile,
    salary: SalaryFile,
    early_retirement: EarlyRetirementFile,
    quit: QuitFile,
    pension_threshold: PensionThresholdFile,
    part_time: PartTimeFile,
    top_ups: Vec<(TopUpFile, Versions)>,
    payment: PaymentFile,
    general_deadline: NaiveDate,
    interpretations: InterpretationsFile,
    cliffs: CliffsFile,
    used_early: Versions,
    used_quit: Versions,
    used_part_time: Versions,
    cliffs_version: PolicyVersion,
    switch_dates: Vec<NaiveDate>,
    fingerprint: String,
}

impl PolicySet {
    /// SHA-256 (hex) of the set's sources, names and texts in the order given: which tables
    /// are in force, whatever folder or build they came from.
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Ids, versions and citations of every file in the set, in the order given.
    pub fn versions(&self) -> Vec<PolicyVersion> {
        self.versions.clone()
    }

    /// The base salary in force on `date`.
    pub fn base_salary_on(&self, date: NaiveDate) -> Option<Vnd> {
        dated::at(&self.base_salary.period, date)
            .and_then(|p| i64::try_from(p.amount_vnd).ok())
            .map(Vnd::new)
    }

    /// Days after approval after which an unpaid entitlement is flagged as overdue.
    pub fn overdue_after_approval_days(&self) -> u32 {
        self.payment.settings.overdue_after_approval_days
    }

    /// The decision dates at which the national deadline changes, ascending (see
    /// [`PolicySet::payment_deadline_for`]).
    pub fn deadline_breakpoints(&self) -> Vec<NaiveDate> {
        self.payment.breakpoints()
    }

    /// Whether a decision signed on `decision_date` lies outside the programme's window for
    /// decisions and every windowed deadline (flag `after_programme_end`).
    pub fn after_programme_end(&self, decision_date: Option<NaiveDate>) -> bool {
        self.payment.after_programme_end(decision_date)
    }

    /// The last day of the programme's window for decisions, with its citation.
    pub fn programme_decisions_until(&self) -> Option<(NaiveDate, &str)> {
        let s = &self.payment.settings;
        s.programme_decisions_until
            .map(|d| (d, s.programme_citation.as_str()))
    }

    /// The day commune-level units were to have a State Treasury account, with its citation.
    pub fn commune_accounts_by(&self) -> Option<(NaiveDate, &str)> {
        let s = &self.payment.settings;
        s.commune_accounts_by
            .map(|d| (d, s.commune_accounts_citation.as_str()))
    }

    /// The national payment deadline for a leave decision signed on `decision_date`
    /// (unknown date: the general deadline).
    pub fn payment_deadline_for(&self, decision_date: Option<NaiveDate>) -> NaiveDate {
        self.payment
            .deadline_for(decision_date)
            .unwrap_or(self.general_deadline)
    }

    /// The citation of every rule period in force on `date` (early-retirement, quit and
    /// part-time rules by leave date; top-ups by decision date), as `(table id, citation)`.
    pub fn citations_on(&self, date: NaiveDate) -> Vec<(String, String)> {
        fn cite<P: dated::Dated>(
            out: &mut Vec<(String, String)>,
            id: &str,
            periods: &[P],
            date: NaiveDate,
            c: impl Fn(&P) -> String,
        ) {
            if let Some(p) = dated::at(periods, date) {
                out.push((id.to_owned(), c(p)));
            }
        }
        let mut out = Vec::new();
        cite(
            &mut out,
            &self.base_salary.meta.id,
            &self.base_salary.period,
            date,
            |p| p.citation.to_string(),
        );
        cite(
            &mut out,
            &self.retirement_age.meta.id,
            &self.retirement_age.period,
            date,
            |p| p.citation.to_string(),
        );
        cite(
            &mut out,
            &self.armed_forces.meta.id,
            &self.armed_forces.period,
            date,
            |p| p.citation.to_string(),
        );
        cite(
            &mut out,
            &self.counting.meta.id,
            &self.counting.period,
            date,
            |p| p.citation.to_string(),
        );
        cite(
            &mut out,
            &self.salary.meta.id,
            &self.salary.period,
            date,
            |p| p.citation.to_string(),
        );
        cite(
            &mut out,
            &self.early_retirement.meta.id,
            &self.early_retirement.period,
            date,
            |p| format!("{} — {}", p.label, p.citation),
        );
        cite(&mut out, &self.quit.meta.id, &self.quit.period, date, |p| {
            p.citation.to_string()
        });
        cite(
            &mut out,
            &self.pension_threshold.meta.id,
            &self.pension_threshold.period,
            date,
            |p| p.citation.to_string(),
        );
        cite(
            &mut out,
            &self.part_time.meta.id,
            &self.part_time.period,
            date,
            |p| p.citation.to_string(),
        );
        cite(
            &mut out,
            &self.interpretations.meta.id,
            &self.interpretations.period,
            date,
            |p| p.citation.to_string(),
        );
        for (f, _) in &self.top_ups {
            cite(&mut out, &f.meta.id, &f.period, date, |p| {
                format!("{} {}: {}", f.province.code, f.province.name, p.citation)
            });
        }
        out
    }

    /// The payment deadline for `decision_date` with the citation of the rule that set it.
    pub fn payment_deadline_cited(&self, decision_date: Option<NaiveDate>) -> (NaiveDate, String) {
        self.payment
            .cited_deadline_for(decision_date)
            .unwrap_or_else(|| (self.general_deadline, String::new()))
    }

    // ---- look-ups for the engine -----------------------------------------------------------

    pub(crate) fn base_salary_period(
        &self,
        date: NaiveDate,
    ) -> Option<&schedules::BaseSalaryPeriod> {
        dated::at(&self.base_salary.period, date)
    }
    pub(crate) fn retirement_age(&self, date: NaiveDate) -> Option<&RetirementAgePeriod> {
        dated::at(&self.retirement_age.period, date)
    }
    pub(crate) fn armed_forces(&self, date: NaiveDate) -> Option<&ArmedForcesPeriod> {
        dated::at(&self.armed_forces.period, date)
    }
    pub(crate) fn counting(&self, date: NaiveDate) -> Option<&CountingPeriod> {
        dated::at(&self.counting.period, date)
    }
    pub(crate) fn salary(&self, date: NaiveDate) -> Option<&SalaryPeriod> {
        dated::at(&self.salary.period, date)
    }
    pub(crate) fn early_retirement(&self, date: NaiveDate) -> Option<&EarlyRetirementPeriod> {
        dated::at(&self.early_retirement.period, date)
    }
    pub(crate) fn quit(&self, date: NaiveDate) -> Option<&QuitPeriod> {
        dated::at(&self.quit.period, date)
    }
    pub(crate) fn pension_threshold(&self, date: NaiveDate) -> Option<&PensionThresholdPeriod> {
        dated::at(&self.pension_threshold.period, date)
    }
    pub(crate) fn part_time(&self, date: NaiveDate) -> Option<&PartTimePeriod> {
        dated::at(&self.part_time.period, date)
    }
    pub(crate) fn interpretations(&self, date: NaiveDate) -> Option<&Interpretations> {
        dated::at(&self.interpretations.period, date)
    }
    /// The top-up of `province` in force for a decision on `decision`, with the versions a
    /// result using it reports.
    pub(crate) fn top_up(
        &self,
        province: &str,
        decision: NaiveDate,
    ) -> Option<(&TopUpPeriod, &Versions)> {
        let (file, used) = self
            .top_ups
            .iter()
            .find(|(f, _)| f.province.code == province)?;
        dated::at(&file.period, decision).map(|p| (p, used))
    }
    /// Whether `province` has a top-up file at all.
    pub(crate) fn has_top_up(&self, province: &str) -> bool {
        self.top_ups
            .iter()
            .any(|(f, _)| f.province.code == province)
    }
    pub(crate) fn cliff_settings(&self) -> &CliffSettings {
        &self.cliffs.settings
    }
    pub(crate) fn cliffs_version(&self) -> &PolicyVersion {
        &self.cliffs_version
    }
    pub(crate) fn rule_switch_dates(&self) -> &[NaiveDate] {
        &self.switch_dates
    }
    pub(crate) fn used_early(&self) -> &Versions {
        &self.used_early
    }
    pub(crate) fn used_quit(&self) -> &Versions {
        &self.used_quit
    }
    pub(crate) fn used_part_time(&self) -> &Versions {
        &self.used_part_time
    }
}
