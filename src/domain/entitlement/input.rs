//! The JSON input contract (one line of `staffpay calc`) and its parsing into validated
//! [`PersonFacts`]: after [`PersonFacts::parse`] nothing re-checks shapes or ranges.
//!
//! Checks that need the policy tables (rules in force on the leave date, insured time longer
//! than the working life) happen in `compute`.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::refusal::Refusal;
use super::values::{DecimalString, MoneyValue};
use crate::domain::policy::{Allowance, Article, Category, Rank, Scheme, Sex, YearMonth};

/// Largest coefficient accepted (grade, leadership, retention).
const MAX_COEFFICIENT: Decimal = Decimal::from_parts(15, 0, 0, false, 0);
/// Largest percentage accepted (allowances, beyond-frame seniority).
const MAX_PERCENT: Decimal = Decimal::from_parts(200, 0, 0, false, 0);
/// Largest monthly amount accepted: 10 billion đồng.
const MAX_MONTHLY_VND: Decimal = Decimal::from_parts(1_410_065_408, 2, 0, false, 0);
/// Longest insured or worked time accepted (100 years).
const MAX_MONTHS: u32 = 1200;
/// Longest id echoed back.
const MAX_ID_LEN: usize = 200;

/// One departing person, as a line of JSON input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalcInput {
    /// Caller's identifier, echoed back.
    pub id: String,
    /// What the person leaves under.
    pub scheme: Scheme,
    /// Employment category.
    pub category: Category,
    /// Sex (retirement-age schedule).
    pub sex: Sex,
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (missing month → January).
    #[schema(example = "1966-01-15")]
    pub date_of_birth: String,
    /// Decree 135 Appendix II (reduced retirement age).
    #[serde(default)]
    pub reduced_retirement_age: bool,
    /// Officer rank (armed forces); absent → Appendix I/II.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<Rank>,
    /// How the monthly salary S (or allowance P) is built.
    #[serde(default, deserialize_with = "super::values::object")]
    pub salary: SalaryInput,
    /// Compulsory social-insurance months not yet compensated.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::values::whole_months"
    )]
    #[schema(format = Int64, minimum = 0, maximum = 4294967295.0)]
    pub insured_months: Option<u32>,
    /// Months worked (commune part-time workers).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::values::whole_months"
    )]
    #[schema(format = Int64, minimum = 0, maximum = 4294967295.0)]
    pub worked_months: Option<u32>,
    /// Part-time worker already drawing a pension.
    #[serde(default)]
    pub receiving_pension: bool,
    /// Part-time worker drawing the incapacity benefit ("trợ cấp mất sức lao động"): the flat
    /// amount (Decree 154/2025/ND-CP Art. 9(3)).
    #[serde(default)]
    pub receiving_incapacity_benefit: bool,
    /// Moved to a part-time post in a village or residential group (thôn, tổ dân phố): not
    /// covered (Decree 154/2025/ND-CP Art. 9(4)).
    #[serde(default)]
    pub moved_to_village_post: bool,
    /// `YYYY-MM-DD`: effective date of the reorganisation (start of the 12-month window).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "2025-03-01")]
    pub reorganization_effective_date: Option<String>,
    /// `YYYY-MM-DD`: the leave / pension-start date in the decision.
    #[schema(example = "2025-05-01")]
    pub leave_date: String,
    /// `YYYY-MM-DD`: when the leave decision was signed (provincial top-ups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_date: Option<String>,
    /// `7` (default), `7a` or `7b`; a JSON string or the number 7.
    #[serde(default, deserialize_with = "article")]
    pub article: Article,
    /// Two-digit code of the province whose budget pays (top-ups).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(example = "79")]
    pub province_code: Option<String>,
}

/// Salary facts; which fields are needed depends on the case.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SalaryInput {
    /// Grade (rank) coefficient, 0–15.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade_coefficient: Option<DecimalString>,
    /// Leadership allowance coefficient, 0–15.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub leadership_coefficient: Option<DecimalString>,
    /// Salary-retention difference coefficient, 0–15 (counts for every leave date; a decision
    /// before 2025-03-15 states the Decree 67 top-up part).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_coefficient: Option<DecimalString>,
    /// Beyond-frame seniority, percent of (grade coefficient + leadership coefficient), 0–200
    /// (Circular 04/2005/TT-BNV).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beyond_frame_seniority_pct: Option<DecimalString>,
    /// Percentage allowances, each 0–200 (percent of the core).
    #[serde(default, deserialize_with = "super::values::object")]
    pub allowances_pct: AllowancesInput,
    /// Monthly contract wage: replaces the coefficient part of the core.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_monthly_wage_vnd: Option<MoneyValue>,
    /// S as stated by the agency, used as is.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_salary_vnd: Option<MoneyValue>,
    /// P, the monthly allowance of a commune part-time worker.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_allowance_vnd: Option<MoneyValue>,
    /// The salary of the former cadre or civil-servant post, as stated by the agency, for a
    /// part-time worker moved from it: replaces P (Decree 154/2025/ND-CP Art. 9(2)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub former_post_salary_vnd: Option<MoneyValue>,
    /// Allowance for a concurrent post (kiêm nhiệm): shown, never part of P (Decree
    /// 154/2025/ND-CP Art. 5(1)).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrent_post_allowance_vnd: Option<MoneyValue>,
}

/// Percentage allowances (`"25"` = 25%). salary.toml decides which count towards S; the last
/// six are accepted so they can be shown as excluded.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AllowancesInput {
    /// Public service (25%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_service: Option<DecimalString>,
    /// Professional seniority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub professional_seniority: Option<DecimalString>,
    /// Occupational preferential.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupational_preferential: Option<DecimalString>,
    /// Occupational responsibility.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occupational_responsibility: Option<DecimalString>,
    /// Party / union work.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_union_work: Option<DecimalString>,
    /// Armed-forces special.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub armed_forces_special: Option<DecimalString>,
    /// Work responsibility (excluded by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_responsibility: Option<DecimalString>,
    /// Hazardous (excluded by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hazardous: Option<DecimalString>,
    /// Regional (excluded by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regional: Option<DecimalString>,
    /// Attraction (excluded by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attraction: Option<DecimalString>,
    /// Party-committee responsibility (excluded by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub party_committee_responsibility: Option<DecimalString>,
    /// Chief accountant (excluded by default).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chief_accountant: Option<DecimalString>,
}

impl AllowancesInput {
    fn get(&self, a: Allowance) -> Option<DecimalString> {
        match a {
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
        }
    }
}

#[derive(Clone, Copy)]
struct ArticleVisitor;

impl Visitor<'_> for ArticleVisitor {
    type Value = Article;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("\"7\", \"7a\", \"7b\" or 7")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Article, E> {
        match v {
            "7" => Ok(Article::A7),
            "7a" => Ok(Article::A7a),
            "7b" => Ok(Article::A7b),
            _ => Err(E::custom(format!(
                "unknown article `{v}`, expected 7, 7a or 7b"
            ))),
        }
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Article, E> {
        if v == 7 {
            Ok(Article::A7)
        } else {
            Err(E::custom(format!(
                "unknown article `{v}`, expected 7, 7a or 7b"
            )))
        }
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Article, E> {
        u64::try_from(v).map_or_else(|_| self.visit_str(&v.to_string()), |u| self.visit_u64(u))
    }
}

fn article<'de, D: Deserializer<'de>>(d: D) -> Result<Article, D::Error> {
    d.deserialize_any(ArticleVisitor)
}

/// How S is to be built for this person.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SalaryBasis {
    /// S as stated by the agency.
    Stated(Decimal),
    /// Contract wage replaces the coefficient part.
    ContractWage(Decimal),
    /// Coefficients × base salary.
    Coefficients {
        grade: Decimal,
        leadership: Decimal,
        retention: Decimal,
        beyond_frame_pct: Decimal,
    },
    /// No salary facts given (fine for part-time workers, who give P).
    Missing,
}

/// Validated salary facts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct SalaryFacts {
    pub basis: SalaryBasis,
    /// Percent values by [`Allowance::index`].
    pub allowances_pct: [Option<Decimal>; 12],
    /// P for part-time workers.
    pub monthly_allowance: Option<Decimal>,
    /// The former post's salary, replacing P (Decree 154 Art. 9(2)).
    pub former_post_salary: Option<Decimal>,
    /// A concurrent-post allowance given (never part of P).
    pub concurrent_post_allowance: Option<Decimal>,
    /// Coefficients were given alongside a stated salary (they are ignored).
    pub stated_overrides_other: bool,
}

/// A validated case: every date real, every value in range, enums known.
#[derive(Debug, Clone, PartialEq)]
pub struct PersonFacts {
    pub(crate) scheme: Scheme,
    pub(crate) category: Category,
    pub(crate) sex: Sex,
    pub(crate) birth: YearMonth,
    pub(crate) reduced_age: bool,
    pub(crate) rank: Option<Rank>,
    pub(crate) salary: SalaryFacts,
    pub(crate) insured_months: Option<u32>,
    pub(crate) worked_months: Option<u32>,
    pub(crate) receiving_pension: bool,
    pub(crate) receiving_incapacity_benefit: bool,
    pub(crate) moved_to_village_post: bool,
    pub(crate) reorganization: Option<NaiveDate>,
    pub(crate) leave: NaiveDate,
    pub(crate) decision: Option<NaiveDate>,
    pub(crate) article: Article,
    pub(crate) province: Option<[u8; 2]>,
}

fn bad(field: &str, vi: &str, en: &str) -> Refusal {
    Refusal::invalid(format!("`{field}`: {vi}"), format!("`{field}`: {en}"))
}

fn parse_date(field: &str, text: &str) -> Result<NaiveDate, Refusal> {
    let ok_shape = text.len() == 10
        && text.as_bytes().get(4) == Some(&b'-')
        && text.as_bytes().get(7) == Some(&b'-');
    let date = if ok_shape {
        crate::domain::dates::parse_iso(text)
    } else {
        None
    };
    date.ok_or_else(|| {
        bad(
            field,
            &format!("`{text}` không phải là ngày hợp lệ (YYYY-MM-DD)"),
            &format!("`{text}` is not a valid date (YYYY-MM-DD)"),
        )
    })
}

fn parse_birth(text: &str) -> Result<(YearMonth, NaiveDate), Refusal> {
    let err = || {
        bad(
            "date_of_birth",
            &format!("`{text}` không hợp lệ (YYYY-MM-DD, YYYY-MM hoặc YYYY)"),
            &format!("`{text}` is not a valid birth date (YYYY-MM-DD, YYYY-MM or YYYY)"),
        )
    };
    let parts: Vec<&str> = text.split('-').collect();
    let num = |s: &str, len: usize| -> Result<u32, Refusal> {
        if s.len() == len && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse().map_err(|_| err())
        } else {
            Err(err())
        }
    };
    let (year, month, day) = match parts.as_slice() {
        [y] => (num(y, 4)?, 1, 1),
        [y, m] => (num(y, 4)?, num(m, 2)?, 1),
        [y, m, d] => (num(y, 4)?, num(m, 2)?, num(d, 2)?),
        _ => return Err(err()),
    };
    if !(1900..=2100).contains(&year) {
        return Err(err());
    }
    let year = i32::try_from(year).map_err(|_| err())?;
    let date = NaiveDate::from_ymd_opt(year, month, day).ok_or_else(err)?;
    Ok((YearMonth::of(date), date))
}

fn in_range(
    field: &str,
    v: Option<DecimalString>,
    max: Decimal,
) -> Result<Option<Decimal>, Refusal> {
    match v {
        None => Ok(None),
        Some(DecimalString(d)) if d >= Decimal::ZERO && d <= max => Ok(Some(d)),
        Some(DecimalString(d)) => Err(bad(
            field,
            &format!("{d} nằm ngoài khoảng 0–{max}"),
            &format!("{d} is outside 0–{max}"),
        )),
    }
}

fn money(field: &str, v: Option<MoneyValue>) -> Result<Option<Decimal>, Refusal> {
    match v {
        None => Ok(None),
        Some(MoneyValue(d)) if d > Decimal::ZERO && d <= MAX_MONTHLY_VND => Ok(Some(d)),
        Some(MoneyValue(d)) => Err(bad(
            field,
            &format!("{d} phải lớn hơn 0 và không quá {MAX_MONTHLY_VND} đồng"),
            &format!("{d} must be positive and at most {MAX_MONTHLY_VND} đồng"),
        )),
    }
}

fn months(field: &str, v: Option<u32>) -> Result<Option<u32>, Refusal> {
    match v {
        Some(m) if m > MAX_MONTHS => Err(bad(
            field,
            &format!("{m} tháng vượt quá {MAX_MONTHS}"),
            &format!("{m} months exceeds {MAX_MONTHS}"),
        )),
        other => Ok(other),
    }
}

fn parse_salary(s: &SalaryInput) -> Result<SalaryFacts, Refusal> {
    let grade = in_range(
        "salary.grade_coefficient",
        s.grade_coefficient,
        MAX_COEFFICIENT,
    )?;
    let leadership = in_range(
        "salary.leadership_coefficient",
        s.leadership_coefficient,
        MAX_COEFFICIENT,
    )?;
    let retention = in_range(
        "salary.retention_coefficient",
        s.retention_coefficient,
        MAX_COEFFICIENT,
    )?;
    let beyond = in_range(
        "salary.beyond_frame_seniority_pct",
        s.beyond_frame_seniority_pct,
        MAX_PERCENT,
    )?;
    let mut allowances_pct = [None; 12];
    for a in Allowance::ALL {
        let field = format!("salary.allowances_pct.{}", a.code());
        allowances_pct[a.index()] = in_range(&field, s.allowances_pct.get(a), MAX_PERCENT)?;
    }
    let wage = money(
        "salary.contract_monthly_wage_vnd",
        s.contract_monthly_wage_vnd,
    )?;
    let stated = money("salary.monthly_salary_vnd", s.monthly_salary_vnd)?;
    let monthly_allowance = money("salary.monthly_allowance_vnd", s.monthly_allowance_vnd)?;
    let former_post_salary = money("salary.former_post_salary_vnd", s.former_post_salary_vnd)?;
    let concurrent_post_allowance = money(
        "salary.concurrent_post_allowance_vnd",
        s.concurrent_post_allowance_vnd,
    )?;
    let coefficients_given =
        grade.is_some() || leadership.is_some() || retention.is_some() || beyond.is_some();
    let basis = match (stated, wage) {
        (Some(s), _) => SalaryBasis::Stated(s),
        (None, Some(_)) if coefficients_given => {
            return Err(Refusal::invalid(
                "Chỉ khai một trong hai: hệ số lương hoặc `salary.contract_monthly_wage_vnd`",
                "Give either salary coefficients or `salary.contract_monthly_wage_vnd`, not both",
            ));
        }
        (None, Some(w)) => SalaryBasis::ContractWage(w),
        (None, None) => match grade {
            Some(g) => SalaryBasis::Coefficients {
                grade: g,
                leadership: leadership.unwrap_or_default(),
                retention: retention.unwrap_or_default(),
                beyond_frame_pct: beyond.unwrap_or_default(),
            },
            None if coefficients_given => {
                return Err(Refusal::missing("salary.grade_coefficient"));
            }
            None => SalaryBasis::Missing,
        },
    };
    Ok(SalaryFacts {
        basis,
        allowances_pct,
        monthly_allowance,
        former_post_salary,
        concurrent_post_allowance,
        stated_overrides_other: stated.is_some() && (coefficients_given || wage.is_some()),
    })
}

impl PersonFacts {
    /// Validates one input line: real dates, known values, ranges, consistent fields.
    pub fn parse(input: &CalcInput) -> Result<PersonFacts, Refusal> {
        if input.id.len() > MAX_ID_LEN {
            return Err(bad("id", "quá dài", "is too long"));
        }
        let (birth, birth_date) = parse_birth(&input.date_of_birth)?;
        let leave = parse_date("leave_date", &input.leave_date)?;
        if leave <= birth_date {
            return Err(bad(
                "leave_date",
                "ngày nghỉ không thể trước ngày sinh",
                "the leave date cannot be before the date of birth",
            ));
        }
        let reorganization = input
            .reorganization_effective_date
            .as_deref()
            .map(|t| parse_date("reorganization_effective_date", t))
            .transpose()?;
        let decision = input
            .decision_date
            .as_deref()
            .map(|t| parse_date("decision_date", t))
            .transpose()?;
        if input.rank.is_some() && input.category != Category::ArmedForces {
            return Err(bad(
                "rank",
                "chỉ dùng cho lực lượng vũ trang (category = armed_forces)",
                "applies only to category armed_forces",
            ));
        }
        if input.scheme != Scheme::PartTimeLeave {
            for (field, given) in [
                (
                    "receiving_incapacity_benefit",
                    input.receiving_incapacity_benefit,
                ),
                ("moved_to_village_post", input.moved_to_village_post),
                (
                    "salary.former_post_salary_vnd",
                    input.salary.former_post_salary_vnd.is_some(),
                ),
            ] {
                if given {
                    return Err(bad(
                        field,
                        "chỉ dùng cho người hoạt động không chuyên trách cấp xã (scheme = part_time_leave)",
                        "applies only to scheme part_time_leave",
                    ));
                }
            }
        }
        let province = match input.province_code.as_deref() {
            None => None,
            Some(code) => match code.as_bytes() {
                [a, b] if a.is_ascii_digit() && b.is_ascii_digit() => Some([*a, *b]),
                _ => {
                    return Err(bad(
                        "province_code",
                        &format!("`{code}` không phải mã tỉnh hai chữ số"),
                        &format!("`{code}` is not a two-digit province code"),
                    ));
                }
            },
        };
        Ok(PersonFacts {
            scheme: input.scheme,
            category: input.category,
            sex: input.sex,
            birth,
            reduced_age: input.reduced_retirement_age,
            rank: input.rank,
            salary: parse_salary(&input.salary)?,
            insured_months: months("insured_months", input.insured_months)?,
            worked_months: months("worked_months", input.worked_months)?,
            receiving_pension: input.receiving_pension,
            receiving_incapacity_benefit: input.receiving_incapacity_benefit,
            moved_to_village_post: input.moved_to_village_post,
            reorganization,
            leave,
            decision,
            article: input.article,
            province,
        })
    }

    /// The same case with another leave date (cliff warnings, planning tools).
    pub fn with_leave_date(&self, leave: NaiveDate) -> PersonFacts {
        PersonFacts {
            leave,
            ..self.clone()
        }
    }

    /// The same case by the Decree 178 original formula (no salary-retention difference), when
    /// the retention difference is part of S.
    pub(crate) fn without_retention(&self) -> Option<PersonFacts> {
        match self.salary.basis {
            SalaryBasis::Coefficients {
                grade,
                leadership,
                retention,
                beyond_frame_pct,
            } if !retention.is_zero() => {
                let mut original = self.clone();
                original.salary.basis = SalaryBasis::Coefficients {
                    grade,
                    leadership,
                    retention: Decimal::ZERO,
                    beyond_frame_pct,
                };
                Some(original)
            }
            _ => None,
        }
    }

    /// The leave date.
    pub fn leave_date(&self) -> NaiveDate {
        self.leave
    }

    /// The scheme.
    pub fn scheme(&self) -> Scheme {
        self.scheme
    }

    /// The province code, as text.
    pub(crate) fn province_str(&self) -> Option<&str> {
        self.province
            .as_ref()
            .and_then(|p| std::str::from_utf8(p).ok())
    }
}
