//! Building a [`PolicySet`] from TOML texts: parse each file by kind, validate it, check the
//! set is complete and consistent, precompute what results report.

use chrono::NaiveDate;
use serde::Deserialize;

use super::meta::{Meta, Probe};
use super::rules::{self, EarlyRetirementFile, PartTimeFile, QuitFile, TopUpFile};
use super::schedules::{
    self, ArmedForcesFile, BaseSalaryFile, CountingFile, PensionThresholdFile, RetirementAgeFile,
    SalaryFile,
};
use super::settings::{self, CliffsFile, InterpretationsFile, PaymentFile, RoundingFile};
use super::{PolicyError, PolicySet, PolicyVersion, Versions, dated};

/// Files being collected, one slot per kind.
#[derive(Default)]
struct Collected {
    base_salary: Option<(String, BaseSalaryFile)>,
    retirement_age: Option<(String, RetirementAgeFile)>,
    armed_forces: Option<(String, ArmedForcesFile)>,
    counting: Option<(String, CountingFile)>,
    salary: Option<(String, SalaryFile)>,
    early_retirement: Option<(String, EarlyRetirementFile)>,
    quit: Option<(String, QuitFile)>,
    pension_threshold: Option<(String, PensionThresholdFile)>,
    part_time: Option<(String, PartTimeFile)>,
    payment: Option<(String, PaymentFile)>,
    rounding: Option<(String, RoundingFile)>,
    interpretations: Option<(String, InterpretationsFile)>,
    cliffs: Option<(String, CliffsFile)>,
    top_ups: Vec<(String, TopUpFile)>,
}

const SET: &str = "(policy set)";

fn parse<T: for<'de> Deserialize<'de>>(file: &str, text: &str) -> Result<T, PolicyError> {
    toml::from_str(text).map_err(|e| PolicyError::from_toml(file, text, &e))
}

fn put<T>(
    slot: &mut Option<(String, T)>,
    file: &str,
    kind: &str,
    value: T,
) -> Result<(), PolicyError> {
    if let Some((other, _)) = slot {
        return Err(PolicyError::new(
            file,
            "meta.kind",
            format!("a table of kind `{kind}` is already given by {other}"),
        ));
    }
    *slot = Some((file.to_owned(), value));
    Ok(())
}

fn need<T>(slot: Option<(String, T)>, kind: &str) -> Result<T, PolicyError> {
    slot.map(|(_, v)| v)
        .ok_or_else(|| PolicyError::new(SET, "meta.kind", format!("no file of kind `{kind}`")))
}

fn overlaps(a: (NaiveDate, Option<NaiveDate>), b: (NaiveDate, Option<NaiveDate>)) -> bool {
    a.1.is_none_or(|au| b.0 < au) && b.1.is_none_or(|bu| a.0 < bu)
}

impl PolicySet {
    /// Parses and validates a complete set of tables from `(file name, TOML text)` pairs.
    pub fn from_sources(sources: &[(String, String)]) -> Result<PolicySet, PolicyError> {
        let mut c = Collected::default();
        let mut metas: Vec<(String, Meta)> = Vec::new();
        for (file, text) in sources {
            let probe: Probe = parse(file, text)?;
            let meta = probe.meta;
            if meta.id.trim().is_empty() {
                return Err(PolicyError::new(file, "meta.id", "must not be empty"));
            }
            if let Some((other, _)) = metas.iter().find(|(_, m)| m.id == meta.id) {
                return Err(PolicyError::new(
                    file,
                    "meta.id",
                    format!("id `{}` is already used by {other}", meta.id),
                ));
            }
            Self::collect(&mut c, file, text, &meta.kind)?;
            metas.push((file.clone(), meta));
        }
        let mut set = Self::assemble(c, metas)?;
        set.fingerprint = fingerprint(sources);
        Ok(set)
    }

    fn collect(c: &mut Collected, file: &str, text: &str, kind: &str) -> Result<(), PolicyError> {
        match kind {
            "base_salary" => {
                let f: BaseSalaryFile = parse(file, text)?;
                schedules::validate_base_salary(file, &f)?;
                put(&mut c.base_salary, file, kind, f)
            }
            "retirement_age" => {
                let f: RetirementAgeFile = parse(file, text)?;
                schedules::validate_retirement(file, &f)?;
                put(&mut c.retirement_age, file, kind, f)
            }
            "armed_forces_service_age" => {
                let f: ArmedForcesFile = parse(file, text)?;
                dated::validate(file, "period", &f.period)?;
                put(&mut c.armed_forces, file, kind, f)
            }
            "counting" => {
                let mut f: CountingFile = parse(file, text)?;
                schedules::validate_counting(file, &mut f)?;
                put(&mut c.counting, file, kind, f)
            }
            "salary" => {
                let f: SalaryFile = parse(file, text)?;
                dated::validate(file, "period", &f.period)?;
                put(&mut c.salary, file, kind, f)
            }
            "early_retirement" => {
                let f: EarlyRetirementFile = parse(file, text)?;
                rules::validate_early(file, &f)?;
                put(&mut c.early_retirement, file, kind, f)
            }
            "quit" => {
                let f: QuitFile = parse(file, text)?;
                rules::validate_quit(file, &f)?;
                put(&mut c.quit, file, kind, f)
            }
            "pension_threshold" => {
                let f: PensionThresholdFile = parse(file, text)?;
                dated::validate(file, "period", &f.period)?;
                put(&mut c.pension_threshold, file, kind, f)
            }
            "part_time" => {
                let f: PartTimeFile = parse(file, text)?;
                rules::validate_part_time(file, &f)?;
                put(&mut c.part_time, file, kind, f)
            }
            "payment_deadlines" => {
                let f: PaymentFile = parse(file, text)?;
                settings::validate_payment(file, &f)?;
                put(&mut c.payment, file, kind, f)
            }
            "rounding" => put(&mut c.rounding, file, kind, parse(file, text)?),
            "interpretations" => {
                let f: InterpretationsFile = parse(file, text)?;
                settings::validate_interpretations(file, &f)?;
                put(&mut c.interpretations, file, kind, f)
            }
            "cliffs" => put(&mut c.cliffs, file, kind, parse(file, text)?),
            "provincial_top_up" => {
                let f: TopUpFile = parse(file, text)?;
                rules::validate_top_up(file, &f)?;
                if let Some((other, _)) = c
                    .top_ups
                    .iter()
                    .find(|(_, o)| o.province.code == f.province.code)
                {
                    return Err(PolicyError::new(
                        file,
                        "province.code",
                        format!(
                            "province {} already has a top-up file ({other})",
                            f.province.code
                        ),
                    ));
                }
                c.top_ups.push((file.to_owned(), f));
                Ok(())
            }
            other => Err(PolicyError::new(
                file,
                "meta.kind",
                format!("unknown kind `{other}`"),
            )),
        }
    }

    fn assemble(c: Collected, metas: Vec<(String, Meta)>) -> Result<PolicySet, PolicyError> {
        let interp_file = c
            .interpretations
            .as_ref()
            .map(|(f, _)| f.clone())
            .unwrap_or_default();
        let base_salary = need(c.base_salary, "base_salary")?;
        let retirement_age = need(c.retirement_age, "retirement_age")?;
        let armed_forces = need(c.armed_forces, "armed_forces_service_age")?;
        let counting = need(c.counting, "counting")?;
        let salary = need(c.salary, "salary")?;
        let early_retirement = need(c.early_retirement, "early_retirement")?;
        let quit = need(c.quit, "quit")?;
        let pension_threshold = need(c.pension_threshold, "pension_threshold")?;
        let part_time = need(c.part_time, "part_time")?;
        let payment = need(c.payment, "payment_deadlines")?;
        let rounding: RoundingFile = need(c.rounding, "rounding")?;
        let interpretations = need(c.interpretations, "interpretations")?;
        let cliffs = need(c.cliffs, "cliffs")?;

        check_variants(&interp_file, &interpretations, &early_retirement)?;
        let general_deadline = payment
            .deadline_for(None)
            .ok_or_else(|| PolicyError::new(SET, "deadline", "no general payment deadline"))?;

        let v = |m: &Meta| PolicyVersion::of(m);
        let common = [
            v(&retirement_age.meta),
            v(&armed_forces.meta),
            v(&counting.meta),
            v(&rounding.meta),
            v(&interpretations.meta),
        ];
        let salary_side = [
            v(&base_salary.meta),
            v(&salary.meta),
            v(&pension_threshold.meta),
        ];
        let list = |extra: &[PolicyVersion], with_salary: bool| -> Versions {
            let mut all: Vec<PolicyVersion> = Vec::new();
            if with_salary {
                all.extend(salary_side.iter().cloned());
            }
            all.extend(common.iter().cloned());
            all.extend(extra.iter().cloned());
            all.into()
        };
        let used_early = list(&[v(&early_retirement.meta)], true);
        let used_quit = list(&[v(&early_retirement.meta), v(&quit.meta)], true);
        let used_part_time = list(&[v(&part_time.meta)], false);
        let top_ups = c
            .top_ups
            .into_iter()
            .map(|(_, f)| {
                let used = list(&[v(&early_retirement.meta), v(&f.meta)], true);
                (f, used)
            })
            .collect();

        let mut switch_dates: Vec<NaiveDate> = early_retirement
            .period
            .iter()
            .skip(1)
            .map(|p| p.from)
            .chain(pension_threshold.period.iter().skip(1).map(|p| p.from))
            .chain(
                interpretations
                    .period
                    .iter()
                    .flat_map(|p| p.insured_years_variants.iter().skip(1).map(|v| v.from)),
            )
            .collect();
        switch_dates.sort_unstable();
        switch_dates.dedup();

        Ok(PolicySet {
            fingerprint: String::new(),
            versions: metas.iter().map(|(_, m)| PolicyVersion::of(m)).collect(),
            cliffs_version: PolicyVersion::of(&cliffs.meta),
            base_salary,
            retirement_age,
            armed_forces,
            counting,
            salary,
            early_retirement,
            quit,
            pension_threshold,
            part_time,
            top_ups,
            payment,
            general_deadline,
            interpretations,
            cliffs,
            used_early,
            used_quit,
            used_part_time,
            switch_dates,
        })
    }
}

/// Every insured-years variant named in interpretations exists in every early-retirement
/// period it may apply to.
fn check_variants(
    file: &str,
    interp: &InterpretationsFile,
    early: &EarlyRetirementFile,
) -> Result<(), PolicyError> {
    for (i, p) in interp.period.iter().enumerate() {
        let entries = &p.insured_years_variants;
        for (j, entry) in entries.iter().enumerate() {
            let start = entry.from.max(p.from);
            let next = entries.get(j + 1).map(|n| n.from);
            let end = match (next, p.until) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            for e in &early.period {
                if overlaps((start, end), (e.from, e.until)) && e.variant(&entry.variant).is_none()
                {
                    return Err(PolicyError::new(
                        file,
                        format!("period[{i}].insured_years_variants[{j}].variant"),
                        format!(
                            "variant `{}` is not defined in early_retirement period from {}",
                            entry.variant, e.from
                        ),
                    ));
                }
            }
        }
    }
    Ok(())
}

/// SHA-256 over each source's name and text, each followed by a NUL byte.
fn fingerprint(sources: &[(String, String)]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    for (name, text) in sources {
        h.update(name.as_bytes());
        h.update([0]);
        h.update(text.as_bytes());
        h.update([0]);
    }
    hex::encode(h.finalize())
}
