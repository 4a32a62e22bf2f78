//! Synthetic people for the demo roster ([`super::roster`]): names, valid national ids,
//! units over the 34 provinces and the central bodies, schemes, salaries and dates that fit
//! together (an early retiree's date of birth gives the months early that was drawn; insured
//! time fits the age).
//!
//! Everything comes from one seeded [`StdRng`], drawn in a fixed order, so a seed always gives
//! the same people. No real person's data is used.

use std::collections::HashSet;

use chrono::NaiveDate;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use crate::domain::national_id::{NationalId, birth_province_codes};
use crate::domain::person::Sex;
use crate::domain::policy::{Article, Category, Rank, Scheme};
use crate::import::error::WriteError;

const PROVINCES_2025: &str = include_str!("../../reference/provinces-2025.csv");
const CENTRAL_BODIES: &str = include_str!("../../reference/central-bodies-2025.csv");

/// A top-level unit: a 2025 province or a central body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TopUnit {
    /// `79`, `BYT`, ...
    pub code: String,
    /// Vietnamese name.
    pub name: String,
    /// True for a province (its people carry "Mã tỉnh").
    pub is_province: bool,
}

/// The 34 provinces of 2025, then the central bodies, from `reference/*.csv`.
pub fn top_units() -> Vec<TopUnit> {
    let mut out = Vec::new();
    for line in PROVINCES_2025.lines().skip(1) {
        let fields = csv_fields(line);
        if let [code, name, ..] = fields.as_slice() {
            out.push(TopUnit {
                code: code.clone(),
                name: name.clone(),
                is_province: true,
            });
        }
    }
    for line in CENTRAL_BODIES.lines().skip(1) {
        let fields = csv_fields(line);
        if let [code, name, ..] = fields.as_slice() {
            out.push(TopUnit {
                code: code.clone(),
                name: name.clone(),
                is_province: false,
            });
        }
    }
    out
}

/// Splits one line of the reference CSV files (fields may be double-quoted).
fn csv_fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    for c in line.chars() {
        match c {
            '"' => quoted = !quoted,
            ',' if !quoted => fields.push(std::mem::take(&mut field)),
            _ => field.push(c),
        }
    }
    fields.push(field);
    fields.into_iter().map(|f| f.trim().to_owned()).collect()
}

/// One synthetic person, every value as it goes into the roster.
#[derive(Clone, Debug)]
pub struct Person {
    pub full_name: String,
    pub national_id: String,
    pub birth: NaiveDate,
    /// Only the year is on record (old files); the id's year still matches.
    pub birth_year_only: bool,
    pub sex: Sex,
    pub province_code: Option<String>,
    pub unit_code: String,
    pub unit_name: String,
    pub category: Category,
    pub rank: Option<Rank>,
    pub scheme: Scheme,
    pub article: Option<Article>,
    pub grade: Option<Decimal>,
    pub leadership: Option<Decimal>,
    pub retention: Option<Decimal>,
    pub beyond_frame_pct: Option<u32>,
    pub professional_seniority_pct: Option<u32>,
    pub occupational_preferential_pct: Option<u32>,
    pub occupational_responsibility_pct: Option<u32>,
    pub public_service_pct: Option<u32>,
    pub party_union_pct: Option<u32>,
    pub armed_forces_special_pct: Option<u32>,
    pub contract_wage_vnd: Option<u32>,
    pub monthly_allowance_vnd: Option<u32>,
    /// Decree 154 Art. 9(2): the former post's salary, replacing P.
    pub former_post_salary_vnd: Option<u32>,
    /// Decree 154 Art. 5(1): shown, never part of P.
    pub concurrent_post_allowance_vnd: Option<u32>,
    pub insured_months: Option<u32>,
    pub worked_months: Option<u32>,
    pub receiving_pension: bool,
    /// Decree 154 Art. 9(3).
    pub receiving_incapacity_benefit: bool,
    /// Decree 154 Art. 9(4); never set by the generator (such rows are refused).
    pub moved_to_village_post: bool,
    pub reduced_retirement_age: bool,
    pub effective_date: NaiveDate,
    pub decision_date: NaiveDate,
    pub leave_date: NaiveDate,
    /// (account number, bank), missing for about 5 % on purpose.
    pub bank: Option<(String, &'static str)>,
}

/// Draws people one after the other.
pub struct Generator {
    rng: StdRng,
    provinces: Vec<TopUnit>,
    central: Vec<TopUnit>,
    /// Index into `central` of the defence and police ministries, when allowed.
    armed: Vec<usize>,
    used_ids: HashSet<u64>,
}

impl Generator {
    /// A generator over the given top-level units (all of them when `units` is empty).
    pub fn new(seed: u64, units: Vec<TopUnit>) -> Self {
        let (provinces, central): (Vec<_>, Vec<_>) = units.into_iter().partition(|u| u.is_province);
        let armed = central
            .iter()
            .enumerate()
            .filter(|(_, u)| u.code == "BQP" || u.code == "BCA")
            .map(|(i, _)| i)
            .collect();
        Generator {
            rng: StdRng::seed_from_u64(seed),
            provinces,
            central,
            armed,
            used_ids: HashSet::new(),
        }
    }

    fn pick<T: Copy>(&mut self, list: &[T]) -> T {
        list[self.rng.random_range(0..list.len())]
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    /// The next person.
    pub fn person(&mut self) -> Result<Person, WriteError> {
        let has_provinces = !self.provinces.is_empty();
        let has_central = !self.central.is_empty();
        let draw: f64 = self.rng.random();
        // ~3 % armed forces, ~7 % commune part-time, the rest 55 : 35 early retirement : quit.
        // Armed forces leave only by early retirement: Art. 9/10 quit does not apply to them.
        let (category, scheme) = if draw < 0.03 {
            (Category::ArmedForces, Scheme::EarlyRetirement)
        } else if draw < 0.10 && has_provinces {
            (Category::CommunePartTime, Scheme::PartTimeLeave)
        } else {
            let early = self.rng.random_range(0..90) < 55;
            let c: u32 = self.rng.random_range(0..100);
            let category = match (early, c) {
                (true, 0..55) | (false, 0..45) => Category::CadreCivilServant,
                (true, 55..90) | (false, 45..85) => Category::PublicEmployee,
                _ => Category::ContractWorker,
            };
            let scheme = if early {
                Scheme::EarlyRetirement
            } else {
                Scheme::Quit
            };
            (category, scheme)
        };
        let sex = match category {
            Category::ArmedForces if self.chance(0.95) => Sex::Male,
            _ if self.chance(0.52) => Sex::Male,
            _ => Sex::Female,
        };
        let rank = (category == Category::ArmedForces).then(|| {
            let r: u32 = self.rng.random_range(0..100);
            match r {
                0..15 => Rank::Captain,
                15..45 => Rank::Major,
                45..75 => Rank::LieutenantColonel,
                75..91 => Rank::SeniorLieutenantColonel,
                _ => Rank::Colonel,
            }
        });

        // Dates of the decision.
        // Decree 154 (commune part-time workers) is in force from 2025-06-16: their leave
        // dates start in July.
        let first_month = if scheme == Scheme::PartTimeLeave {
            7
        } else {
            4
        };
        let leave_month = self.rng.random_range(first_month..=12);
        let leave_date = ymd(2025, leave_month, 1)?;
        let effective_date = if leave_month >= 7 && self.chance(0.7) {
            ymd(2025, 7, 1)?
        } else {
            ymd(2025, 3, 1)?
        };
        let decision_date = leave_date - chrono::Days::new(self.rng.random_range(10..=45));
        let leave_ym = 2025 * 12 + i32::try_from(leave_month).unwrap_or(1) - 1;

        // Date of birth: from the months early drawn for early retirement, from an age
        // otherwise.
        let reduced_retirement_age = scheme == Scheme::EarlyRetirement
            && category != Category::ArmedForces
            && self.chance(0.03);
        let birth_ym = match (scheme, rank) {
            (Scheme::EarlyRetirement, _) => {
                let band: u32 = self.rng.random_range(0..100);
                let months_early = match band {
                    0..35 => self.rng.random_range(1..=24),
                    35..80 => self.rng.random_range(25..=56),
                    // The 5-10 year band exists only on Appendix I (policy §4, §11.10).
                    // Upper ends keep a margin: not every pension-start month is reachable
                    // from a birth month (the age steps by 3-4 months), so the nearest birth
                    // month can add a month or two.
                    _ if reduced_retirement_age => self.rng.random_range(25..=54),
                    _ => self.rng.random_range(61..=114),
                };
                let pension_start = leave_ym + months_early;
                match rank {
                    Some(r) => pension_start - 1 - service_age_years(r) * 12,
                    None => birth_month_for(pension_start, sex, reduced_retirement_age),
                }
            }
            (Scheme::Quit, _) => {
                let oldest = match (category, sex) {
                    (Category::ArmedForces, _) => 42,
                    (_, Sex::Male) => 49,
                    (_, Sex::Female) => 45,
                };
                leave_ym - self.rng.random_range(25 * 12..=oldest * 12)
            }
            (Scheme::PartTimeLeave, _) => leave_ym - self.rng.random_range(22 * 12..=58 * 12),
        };
        let birth_year = birth_ym.div_euclid(12);
        let birth_month = u32::try_from(birth_ym.rem_euclid(12) + 1).unwrap_or(1);
        let birth = ymd(birth_year, birth_month, self.rng.random_range(1..=28))?;
        let birth_year_only = scheme == Scheme::Quit && self.chance(0.02);
        let age_months = u32::try_from(leave_ym - birth_ym).unwrap_or(0);
        let working_months = age_months.saturating_sub(18 * 12).max(12);

        let insured_months = match scheme {
            Scheme::EarlyRetirement => {
                let lo = 240;
                let hi = working_months
                    .saturating_sub(self.rng.random_range(0..24))
                    .max(lo);
                Some(self.rng.random_range(lo..=hi))
            }
            Scheme::Quit => {
                if self.chance(0.8) {
                    Some(self.rng.random_range(60..=working_months.max(60)))
                } else {
                    Some(self.rng.random_range(12..=59))
                }
            }
            Scheme::PartTimeLeave => {
                if self.chance(0.5) {
                    Some(self.rng.random_range(12..=working_months.min(240)))
                } else {
                    None
                }
            }
        };
        let worked_months = (scheme == Scheme::PartTimeLeave)
            .then(|| self.rng.random_range(12..=working_months.clamp(12, 360)));

        let article = (scheme == Scheme::EarlyRetirement).then(|| {
            let a: u32 = self.rng.random_range(0..100);
            match a {
                0..90 => Article::A7,
                90..96 => Article::A7a,
                _ => Article::A7b,
            }
        });

        let (province_code, unit_code, unit_name) = self.unit(category, has_central)?;
        let mut person = Person {
            full_name: self.name(sex),
            national_id: self.national_id(sex, birth_year)?,
            birth,
            birth_year_only,
            sex,
            province_code,
            unit_code,
            unit_name,
            category,
            rank,
            scheme,
            article,
            grade: None,
            leadership: None,
            retention: None,
            beyond_frame_pct: None,
            professional_seniority_pct: None,
            occupational_preferential_pct: None,
            occupational_responsibility_pct: None,
            public_service_pct: None,
            party_union_pct: None,
            armed_forces_special_pct: None,
            contract_wage_vnd: None,
            monthly_allowance_vnd: None,
            former_post_salary_vnd: None,
            concurrent_post_allowance_vnd: None,
            insured_months,
            worked_months,
            receiving_pension: scheme == Scheme::PartTimeLeave && self.chance(0.08),
            receiving_incapacity_benefit: false,
            moved_to_village_post: false,
            reduced_retirement_age,
            effective_date,
            decision_date,
            leave_date,
            bank: None,
        };
        self.salary(&mut person);
        person.bank = self.bank();
        Ok(person)
    }

    fn salary(&mut self, p: &mut Person) {
        match p.category {
            Category::ContractWorker => {
                p.contract_wage_vnd = Some(self.rng.random_range(4_500..=12_000) * 1_000);
            }
            Category::CommunePartTime => {
                let thousands = self.rng.random_range(1_500..=3_500);
                p.monthly_allowance_vnd = Some(thousands * 1_000);
                // The Decree 154 groups, derived from the drawn allowance so that the random
                // sequence (and every other generated person) stays as before: about 5 % draw
                // the incapacity benefit, 5 % were moved from a cadre post (former salary
                // twice the allowance), 10 % hold a concurrent post.
                p.receiving_incapacity_benefit = !p.receiving_pension && thousands % 20 == 3;
                p.former_post_salary_vnd = (thousands % 20 == 11).then_some(thousands * 2_000);
                p.concurrent_post_allowance_vnd =
                    (thousands % 10 == 5).then_some(thousands / 5 * 1_000);
            }
            Category::ArmedForces => {
                let hundredths = match p.rank {
                    Some(Rank::Captain) => 540,
                    Some(Rank::Major) => 600,
                    Some(Rank::LieutenantColonel) => 660,
                    Some(Rank::SeniorLieutenantColonel) => 730,
                    _ => 800,
                };
                p.grade = Some(Decimal::new(hundredths, 2));
                if self.chance(0.3) {
                    p.leadership = Some(self.leadership(100));
                }
                p.public_service_pct = Some(25);
                p.armed_forces_special_pct = Some(self.pick(&[20, 25, 30]));
                if self.chance(0.8) {
                    p.professional_seniority_pct = Some(self.rng.random_range(10..=30));
                }
                if self.chance(0.15) {
                    p.beyond_frame_pct = Some(self.rng.random_range(5..=15));
                }
            }
            Category::CadreCivilServant | Category::PublicEmployee => {
                p.grade = Some(self.grade());
                if self.chance(0.3) {
                    p.leadership = Some(self.leadership(130));
                }
                if self.chance(0.1) {
                    p.beyond_frame_pct = Some(self.rng.random_range(5..=15));
                }
                if self.chance(0.03) {
                    p.retention = Some(Decimal::new(self.rng.random_range(10..=60), 2));
                }
                if p.category == Category::CadreCivilServant {
                    p.public_service_pct = Some(25);
                    if self.chance(0.2) {
                        p.party_union_pct = Some(30);
                    }
                    if self.chance(0.08) {
                        p.professional_seniority_pct = Some(self.rng.random_range(5..=30));
                    }
                    if self.chance(0.05) {
                        p.occupational_responsibility_pct = Some(self.pick(&[10, 15, 20]));
                    }
                } else {
                    if self.chance(0.6) {
                        p.occupational_preferential_pct =
                            Some(self.pick(&[20, 25, 30, 35, 40, 50, 70]));
                    }
                    if self.chance(0.3) {
                        p.professional_seniority_pct = Some(self.rng.random_range(5..=30));
                    }
                }
            }
        }
    }

    /// A coefficient of the civil service scales: A1 2.34 + 0.33 k, A2.1 4.40 + 0.34 k,
    /// A3.1 6.20 + 0.36 k (up to 8.00).
    fn grade(&mut self) -> Decimal {
        let s: u32 = self.rng.random_range(0..100);
        let hundredths = match s {
            0..70 => 234 + 33 * self.rng.random_range(0..=8),
            70..90 => 440 + 34 * self.rng.random_range(0..=7),
            _ => 620 + 36 * self.rng.random_range(0..=5),
        };
        Decimal::new(hundredths, 2)
    }

    fn leadership(&mut self, max_hundredths: i64) -> Decimal {
        let all = [
            15, 20, 25, 30, 40, 45, 50, 60, 70, 80, 90, 100, 105, 110, 120, 125, 130,
        ];
        let allowed: Vec<i64> = all.into_iter().filter(|v| *v <= max_hundredths).collect();
        Decimal::new(self.pick(&allowed), 2)
    }

    fn name(&mut self, sex: Sex) -> String {
        let family = {
            let total: u32 = FAMILY.iter().map(|(_, w)| w).sum();
            let mut x = self.rng.random_range(0..total);
            let mut chosen = FAMILY[0].0;
            for (name, w) in FAMILY {
                if x < *w {
                    chosen = name;
                    break;
                }
                x -= w;
            }
            chosen
        };
        let (middles, givens) = match sex {
            Sex::Male => (MALE_MIDDLE, MALE_GIVEN),
            Sex::Female => (FEMALE_MIDDLE, FEMALE_GIVEN),
        };
        let middle = self.pick(middles);
        let given = self.pick(givens);
        if self.chance(0.12) {
            let second = self.pick(SECOND_MIDDLE);
            format!("{family} {middle} {second} {given}")
        } else {
            format!("{family} {middle} {given}")
        }
    }

    /// A valid id, unique in the file: birth-province code, sex-and-century digit, year,
    /// six random digits — checked with [`NationalId::parse`].
    fn national_id(&mut self, sex: Sex, year: i32) -> Result<String, WriteError> {
        let codes = birth_province_codes();
        let century = match (sex, year >= 2000) {
            (Sex::Male, false) => 0,
            (Sex::Female, false) => 1,
            (Sex::Male, true) => 2,
            (Sex::Female, true) => 3,
        };
        for _ in 0..1000 {
            let code = codes
                .get(self.rng.random_range(0..codes.len().max(1)))
                .copied()
                .unwrap_or("001");
            let serial: u32 = self.rng.random_range(0..1_000_000);
            let text = format!("{code}{century}{:02}{serial:06}", year.rem_euclid(100));
            let Ok(parsed) = NationalId::parse(&text, Some((sex, year))) else {
                continue;
            };
            if parsed.restored_zeros != 0 {
                continue;
            }
            let key: u64 = text.parse().unwrap_or(0);
            if self.used_ids.insert(key) {
                return Ok(text);
            }
        }
        Err(WriteError::Demo("no unused valid national id found"))
    }

    /// (province code, unit code, unit name) for a person of this category.
    fn unit(
        &mut self,
        category: Category,
        has_central: bool,
    ) -> Result<(Option<String>, String, String), WriteError> {
        if category == Category::ArmedForces && !self.armed.is_empty() {
            let i = self.pick(&self.armed.clone());
            let top = self
                .central
                .get(i)
                .cloned()
                .ok_or(WriteError::Demo("unit"))?;
            let n: usize = self.rng.random_range(1..=34);
            let place = PROVINCE_SHORT.get(n - 1).copied().unwrap_or("Hà Nội");
            let name = if top.code == "BQP" {
                format!("Bộ Chỉ huy Quân sự {place}")
            } else {
                format!("Công an {place}")
            };
            return Ok((None, format!("{}-D{n:03}", top.code), name));
        }
        let central = match (self.provinces.is_empty(), has_central) {
            (true, _) => true,
            (false, false) => false,
            (false, true) => category != Category::CommunePartTime && self.chance(0.25),
        };
        if central {
            let top = self.pick_unit(false)?;
            let n: usize = self.rng.random_range(1..=CENTRAL_DEPARTMENTS.len());
            let dept = CENTRAL_DEPARTMENTS
                .get(n - 1)
                .copied()
                .unwrap_or("Văn phòng");
            return Ok((
                None,
                format!("{}-D{n:03}", top.code),
                format!("{dept} - {}", top.name),
            ));
        }
        let top = self.pick_unit(true)?;
        let offset = top.code.bytes().map(usize::from).sum::<usize>();
        let commune = |n: usize| {
            let first = COMMUNE_FIRST[(n - 1) % COMMUNE_FIRST.len()];
            let second =
                COMMUNE_SECOND[((n - 1) / COMMUNE_FIRST.len() + offset) % COMMUNE_SECOND.len()];
            format!("{first} {second}")
        };
        let communes = 60 + offset % 80;
        let code = Some(top.code.clone());
        let kind: u32 = self.rng.random_range(0..100);
        Ok(match (category, kind) {
            (Category::CommunePartTime, _) | (Category::CadreCivilServant, 0..60) => {
                let n = self.rng.random_range(1..=communes);
                let prefix = if n % 4 == 0 { "Phường" } else { "Xã" };
                (
                    code,
                    format!("{}-X{n:04}", top.code),
                    format!(
                        "UBND {} {}, {}",
                        prefix.to_lowercase(),
                        commune(n),
                        top.name
                    ),
                )
            }
            (Category::PublicEmployee, 0..75) => {
                let n = self.rng.random_range(1..=communes);
                let what = PUBLIC_SERVICE_UNITS[n % PUBLIC_SERVICE_UNITS.len()];
                (
                    code,
                    format!("{}-V{n:04}", top.code),
                    format!("{what} {}, {}", commune(n), top.name),
                )
            }
            _ => {
                let n = self.rng.random_range(1..=PROVINCIAL_DEPARTMENTS.len());
                let dept = PROVINCIAL_DEPARTMENTS
                    .get(n - 1)
                    .copied()
                    .unwrap_or("Sở Nội vụ");
                (
                    code,
                    format!("{}-S{n:03}", top.code),
                    format!("{dept} {}", top.name),
                )
            }
        })
    }

    fn pick_unit(&mut self, province: bool) -> Result<TopUnit, WriteError> {
        let list = if province {
            &self.provinces
        } else {
            &self.central
        };
        if list.is_empty() {
            return Err(WriteError::Demo("no unit to place a person in"));
        }
        let i = self.rng.random_range(0..list.len());
        list.get(i).cloned().ok_or(WriteError::Demo("unit"))
    }

    fn bank(&mut self) -> Option<(String, &'static str)> {
        if self.chance(0.05) {
            return None;
        }
        let (bank, prefix, len) = self.pick(BANKS);
        let mut account = String::with_capacity(len);
        account.push_str(prefix);
        while account.len() < len {
            account.push(char::from(b'0' + self.rng.random_range(0..10u8)));
        }
        Some((account, bank))
    }
}

fn ymd(year: i32, month: u32, day: u32) -> Result<NaiveDate, WriteError> {
    NaiveDate::from_ymd_opt(year, month, day).ok_or(WriteError::Demo("date out of range"))
}

/// Maximum service age of officers by rank (policy §8): captain and below 50, major 52,
/// lieutenant colonel 54, senior lieutenant colonel 56, colonel 58, generals 60.
fn service_age_years(rank: Rank) -> i32 {
    match rank {
        Rank::SecondLieutenant | Rank::Lieutenant | Rank::SeniorLieutenant | Rank::Captain => 50,
        Rank::Major => 52,
        Rank::LieutenantColonel => 54,
        Rank::SeniorLieutenantColonel => 56,
        Rank::Colonel => 58,
        _ => 60,
    }
}

/// Retirement age in months for a birth month (`year × 12 + month − 1`), Decree 135/2020 in
/// the closed form of policy §3: Appendix I, or Appendix II when `reduced`.
pub fn retirement_age_months(sex: Sex, reduced: bool, birth_ym: i32) -> i32 {
    let (first, before, base, step, every, cap) = match (reduced, sex) {
        (false, Sex::Male) => (1961 * 12, 60 * 12, 60 * 12 + 3, 3, 9, 62 * 12),
        (false, Sex::Female) => (1966 * 12, 55 * 12, 55 * 12 + 4, 4, 8, 60 * 12),
        (true, Sex::Male) => (1966 * 12, 55 * 12, 55 * 12 + 3, 3, 9, 57 * 12),
        (true, Sex::Female) => (1971 * 12, 50 * 12, 50 * 12 + 4, 4, 8, 55 * 12),
    };
    let idx = birth_ym - first;
    if idx < 0 {
        before
    } else {
        (base + (idx / every) * step).min(cap)
    }
}

/// The pension starts the month after the retirement age is reached.
pub fn pension_start_ym(sex: Sex, reduced: bool, birth_ym: i32) -> i32 {
    birth_ym + retirement_age_months(sex, reduced, birth_ym) + 1
}

/// The birth month whose pension starts in `pension_start` (or the nearest after it, when
/// a jump of the retirement age skips that month).
fn birth_month_for(pension_start: i32, sex: Sex, reduced: bool) -> i32 {
    let latest = pension_start - 1 - 50 * 12;
    let earliest = pension_start - 1 - 62 * 12;
    let mut best = earliest;
    let mut best_gap = i32::MAX;
    for b in earliest..=latest {
        let gap = (pension_start_ym(sex, reduced, b) - pension_start).abs();
        if gap < best_gap {
            best = b;
            best_gap = gap;
        }
    }
    best
}

const FAMILY: &[(&str, u32)] = &[
    ("Nguyễn", 380),
    ("Trần", 110),
    ("Lê", 95),
    ("Phạm", 70),
    ("Hoàng", 50),
    ("Huỳnh", 30),
    ("Phan", 45),
    ("Vũ", 39),
    ("Võ", 30),
    ("Đặng", 21),
    ("Bùi", 20),
    ("Đỗ", 14),
    ("Hồ", 13),
    ("Ngô", 13),
    ("Dương", 10),
    ("Lý", 5),
];

const MALE_MIDDLE: &[&str] = &[
    "Văn", "Văn", "Văn", "Đức", "Minh", "Quốc", "Hữu", "Công", "Thanh", "Ngọc", "Xuân", "Đình",
    "Quang", "Trọng", "Tuấn", "Hoàng", "Mạnh",
];
const MALE_GIVEN: &[&str] = &[
    "Anh", "Bình", "Cường", "Dũng", "Đạt", "Đức", "Giang", "Hải", "Hiếu", "Hòa", "Hùng", "Hưng",
    "Huy", "Khánh", "Khoa", "Lâm", "Long", "Minh", "Nam", "Nghĩa", "Phong", "Phúc", "Quân",
    "Quang", "Sơn", "Tài", "Thắng", "Thành", "Thịnh", "Toàn", "Trung", "Tuấn", "Tùng", "Việt",
    "Vinh", "Thông", "Kiên", "Lợi",
];
const FEMALE_MIDDLE: &[&str] = &[
    "Thị", "Thị", "Thị", "Thị", "Ngọc", "Thu", "Thanh", "Kim", "Mai", "Hồng", "Phương", "Bích",
    "Minh", "Thùy", "Hoài", "Diệu",
];
const FEMALE_GIVEN: &[&str] = &[
    "An", "Anh", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hiền", "Hoa", "Hồng",
    "Huyền", "Hương", "Lan", "Liên", "Linh", "Loan", "Mai", "My", "Nga", "Ngân", "Ngọc", "Nhung",
    "Oanh", "Phương", "Quyên", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Yến",
];
const SECOND_MIDDLE: &[&str] = &["Thu", "Minh", "Ngọc", "Thanh", "Hải", "Kim", "Quốc", "Bảo"];

const COMMUNE_FIRST: &[&str] = &[
    "Tân", "An", "Bình", "Phú", "Hòa", "Thạnh", "Long", "Mỹ", "Vĩnh", "Đông", "Tây", "Nam", "Bắc",
    "Thuận", "Hưng", "Phước", "Quang", "Thanh", "Xuân", "Minh",
];
const COMMUNE_SECOND: &[&str] = &[
    "Phú", "Hòa", "Lợi", "Thạnh", "An", "Bình", "Hưng", "Thành", "Lộc", "Phong", "Sơn", "Hải",
    "Lâm", "Trung", "Đức", "Tiến", "Thịnh", "Khánh", "Yên", "Thắng",
];
const PUBLIC_SERVICE_UNITS: &[&str] = &[
    "Trường Tiểu học",
    "Trường THCS",
    "Trường Mầm non",
    "Trạm Y tế",
    "Trường THPT",
    "Trung tâm Y tế khu vực",
];
const PROVINCIAL_DEPARTMENTS: &[&str] = &[
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Sở Khoa học và Công nghệ",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Tư pháp",
    "Thanh tra",
    "Văn phòng UBND",
    "Sở Dân tộc và Tôn giáo",
    "Văn phòng Đoàn ĐBQH và HĐND",
    "Ban Quản lý các khu công nghiệp",
    "Đài Phát thanh và Truyền hình",
];
const CENTRAL_DEPARTMENTS: &[&str] = &[
    "Văn phòng",
    "Vụ Tổ chức cán bộ",
    "Vụ Kế hoạch - Tài chính",
    "Vụ Pháp chế",
    "Vụ Hợp tác quốc tế",
    "Thanh tra",
    "Cục Quản lý",
    "Trung tâm Thông tin",
    "Viện Chiến lược",
    "Tạp chí",
    "Trường Đào tạo, bồi dưỡng cán bộ",
    "Cục Kiểm tra",
    "Vụ Tổng hợp",
    "Trung tâm Dịch vụ",
];
const PROVINCE_SHORT: &[&str] = &[
    "Hà Nội",
    "Cao Bằng",
    "Tuyên Quang",
    "Điện Biên",
    "Lai Châu",
    "Sơn La",
    "Lào Cai",
    "Thái Nguyên",
    "Lạng Sơn",
    "Quảng Ninh",
    "Bắc Ninh",
    "Phú Thọ",
    "Hải Phòng",
    "Hưng Yên",
    "Ninh Bình",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Quảng Trị",
    "Huế",
    "Đà Nẵng",
    "Quảng Ngãi",
    "Gia Lai",
    "Khánh Hòa",
    "Đắk Lắk",
    "Lâm Đồng",
    "Đồng Nai",
    "TP. Hồ Chí Minh",
    "Tây Ninh",
    "Đồng Tháp",
    "Vĩnh Long",
    "An Giang",
    "Cần Thơ",
    "Cà Mau",
];
/// (bank, account prefix, account length).
const BANKS: &[(&str, &str, usize)] = &[
    ("Vietcombank", "10", 13),
    ("Vietcombank", "00", 13),
    ("VietinBank", "10", 12),
    ("BIDV", "12", 14),
    ("BIDV", "31", 14),
    ("Agribank", "15", 13),
    ("Agribank", "37", 13),
    ("Techcombank", "19", 14),
    ("MB Bank", "0", 13),
    ("Sacombank", "06", 12),
    ("ACB", "2", 9),
    ("VPBank", "", 9),
    ("Kho bạc Nhà nước", "37", 12),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retirement_ages_match_the_policy_examples() {
        // Man born 01/1966 → 61y9m → pension from 11/2027.
        assert_eq!(
            retirement_age_months(Sex::Male, false, 1966 * 12),
            61 * 12 + 9
        );
        assert_eq!(
            pension_start_ym(Sex::Male, false, 1966 * 12),
            2027 * 12 + 10
        );
        // Woman born 01/1968 → 56y4m → pension from 06/2024.
        assert_eq!(
            pension_start_ym(Sex::Female, false, 1968 * 12),
            2024 * 12 + 5
        );
        // Appendix II man born 01/1968 → pension from 11/2023.
        assert_eq!(pension_start_ym(Sex::Male, true, 1968 * 12), 2023 * 12 + 10);
    }

    #[test]
    fn birth_months_give_the_drawn_months_early() {
        for target in (2025 * 12)..(2036 * 12) {
            for sex in [Sex::Male, Sex::Female] {
                let b = birth_month_for(target, sex, false);
                let gap = pension_start_ym(sex, false, b) - target;
                assert!((0..=4).contains(&gap.abs()), "{target} {sex:?} {gap}");
            }
        }
    }

    #[test]
    fn reference_units_are_read() {
        let units = top_units();
        assert_eq!(units.iter().filter(|u| u.is_province).count(), 34);
        let culture = units.iter().find(|u| u.code == "BVHTTDL").unwrap();
        assert_eq!(culture.name, "Bộ Văn hóa, Thể thao và Du lịch");
        assert_eq!(PROVINCE_SHORT.len(), 34);
    }

    #[test]
    fn ids_are_valid_and_unique() {
        let mut g = Generator::new(7, top_units());
        let mut seen = HashSet::new();
        for _ in 0..2000 {
            let p = g.person().unwrap();
            let id = NationalId::parse(
                &p.national_id,
                Some((p.sex, chrono::Datelike::year(&p.birth))),
            );
            assert!(id.is_ok(), "{id:?}");
            assert!(seen.insert(p.national_id.clone()));
        }
    }
}
