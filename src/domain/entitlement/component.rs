//! One line of an entitlement: what it is, how much, and from which quantities. Labels are
//! static text, citations are shared with the policy set, and the formula text is rendered
//! only when asked for, so computing a component allocates nothing.

use std::sync::Arc;

use rust_decimal::Decimal;

use super::refusal::Refusal;
use crate::domain::money::Vnd;

/// Component codes of the output contract.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComponentCode {
    /// Art. 7 A: per month early.
    MonthsEarly,
    /// Art. 7 B: per year early.
    YearsEarly,
    /// Art. 7 C: insured years.
    InsuredYears,
    /// Art. 9/10 severance.
    Severance,
    /// Art. 9/10 insured years.
    InsuredYearsQuit,
    /// Art. 9 job search.
    JobSearch,
    /// Decree 154 lump.
    PartTimeLump,
    /// Decree 154 years worked.
    PartTimeYears,
    /// Decree 154 job search.
    PartTimeJobSearch,
    /// Decree 154 flat amount.
    PartTimeFlat,
    /// Provincial lump.
    LocalLump,
    /// Provincial per year early.
    LocalYearsEarly,
    /// Provincial insured years.
    LocalInsuredYears,
}

impl ComponentCode {
    /// Every component, in the order results and reports list them.
    pub const ALL: [ComponentCode; 13] = [
        ComponentCode::MonthsEarly,
        ComponentCode::YearsEarly,
        ComponentCode::InsuredYears,
        ComponentCode::Severance,
        ComponentCode::InsuredYearsQuit,
        ComponentCode::JobSearch,
        ComponentCode::PartTimeLump,
        ComponentCode::PartTimeYears,
        ComponentCode::PartTimeJobSearch,
        ComponentCode::PartTimeFlat,
        ComponentCode::LocalLump,
        ComponentCode::LocalYearsEarly,
        ComponentCode::LocalInsuredYears,
    ];

    /// Snake-case code.
    pub fn code(self) -> &'static str {
        match self {
            ComponentCode::MonthsEarly => "months_early",
            ComponentCode::YearsEarly => "years_early",
            ComponentCode::InsuredYears => "insured_years",
            ComponentCode::Severance => "severance",
            ComponentCode::InsuredYearsQuit => "insured_years_quit",
            ComponentCode::JobSearch => "job_search",
            ComponentCode::PartTimeLump => "part_time_lump",
            ComponentCode::PartTimeYears => "part_time_years",
            ComponentCode::PartTimeJobSearch => "part_time_job_search",
            ComponentCode::PartTimeFlat => "part_time_flat",
            ComponentCode::LocalLump => "local_lump",
            ComponentCode::LocalYearsEarly => "local_years_early",
            ComponentCode::LocalInsuredYears => "local_insured_years",
        }
    }

    /// Vietnamese label.
    pub fn label_vi(self) -> &'static str {
        match self {
            ComponentCode::MonthsEarly => "Trợ cấp cho số tháng nghỉ hưu trước tuổi",
            ComponentCode::YearsEarly => "Trợ cấp cho số năm nghỉ hưu trước tuổi",
            ComponentCode::InsuredYears => "Trợ cấp theo số năm đóng bảo hiểm xã hội",
            ComponentCode::Severance => "Trợ cấp thôi việc",
            ComponentCode::InsuredYearsQuit => "Trợ cấp theo số năm đóng bảo hiểm xã hội",
            ComponentCode::JobSearch => "Trợ cấp để tìm việc làm",
            ComponentCode::PartTimeLump => "Trợ cấp một lần theo số tháng",
            ComponentCode::PartTimeYears => "Trợ cấp theo số năm công tác",
            ComponentCode::PartTimeJobSearch => "Trợ cấp để tìm việc làm",
            ComponentCode::PartTimeFlat => {
                "Trợ cấp một lần (đã đủ tuổi nghỉ hưu hoặc đang hưởng lương hưu)"
            }
            ComponentCode::LocalLump => "Hỗ trợ thêm của địa phương: trợ cấp một lần",
            ComponentCode::LocalYearsEarly => "Hỗ trợ thêm của địa phương: theo số năm nghỉ sớm",
            ComponentCode::LocalInsuredYears => "Hỗ trợ thêm của địa phương: theo số năm đóng BHXH",
        }
    }

    /// English label.
    pub fn label_en(self) -> &'static str {
        match self {
            ComponentCode::MonthsEarly => "Allowance for months of early retirement",
            ComponentCode::YearsEarly => "Allowance for years of early retirement",
            ComponentCode::InsuredYears => "Allowance for years of social insurance",
            ComponentCode::Severance => "Severance allowance",
            ComponentCode::InsuredYearsQuit => "Allowance for years of social insurance",
            ComponentCode::JobSearch => "Job-search allowance",
            ComponentCode::PartTimeLump => "Lump-sum allowance by months",
            ComponentCode::PartTimeYears => "Allowance for years worked",
            ComponentCode::PartTimeJobSearch => "Job-search allowance",
            ComponentCode::PartTimeFlat => {
                "Flat allowance (at retirement age or drawing a pension)"
            }
            ComponentCode::LocalLump => "Provincial top-up: lump sum",
            ComponentCode::LocalYearsEarly => "Provincial top-up: per year of early retirement",
            ComponentCode::LocalInsuredYears => "Provincial top-up: per insured year",
        }
    }
}

/// What a component's quantity counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Months (early, of severance, worked).
    Months,
    /// Years (rounded per Art. 5(3)).
    Years,
    /// Months of salary (a lump expressed in S or P).
    SalaryMonths,
}

impl Unit {
    /// Snake-case code.
    pub fn code(self) -> &'static str {
        match self {
            Unit::Months => "months",
            Unit::Years => "years",
            Unit::SalaryMonths => "salary_months",
        }
    }
}

/// How a "salary months by insured years" quantity was built from the rounded insured years
/// Y: `base_months + per_year_above × max(0, Y − threshold)` (or, pro rata,
/// `base_months × min(Y, threshold) / threshold + …`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stepped {
    /// Months of salary for the years up to the threshold.
    pub base_months: Decimal,
    /// Years included in the base.
    pub threshold_years: Decimal,
    /// Months of salary per year above the threshold.
    pub per_year_above: Decimal,
    /// Whether the base is pro rata below the threshold.
    pub pro_rata: bool,
}

/// One line of an entitlement: `amount = round_half_up(S × factor × quantity)`, where S (or
/// P) is the entitlement's salary. Kept small: it is built on the hot path.
#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    /// What it is.
    pub code: ComponentCode,
    /// Rounded amount.
    pub amount: Vnd,
    /// Multiplier (window factor, per-year rate, …).
    pub factor: Decimal,
    /// What is counted.
    pub quantity: Decimal,
    /// Unit of the quantity.
    pub unit: Unit,
    /// For insured-years lines: how the quantity was built.
    pub stepped: Option<Stepped>,
    /// Citation, shared with the policy set.
    pub legal_basis: Arc<str>,
}

impl Component {
    /// Builds a component, rounding half-up to the đồng (rounding.toml `component`).
    pub(crate) fn new(
        code: ComponentCode,
        base: Decimal,
        factor: Decimal,
        quantity: Decimal,
        unit: Unit,
        legal_basis: &Arc<str>,
    ) -> Result<Component, Refusal> {
        let exact = base
            .checked_mul(factor)
            .and_then(|v| v.checked_mul(quantity))
            .ok_or_else(Refusal::overflow)?;
        let amount = Vnd::round_half_up(exact).map_err(|_| Refusal::overflow())?;
        Ok(Component {
            code,
            amount,
            factor,
            quantity,
            unit,
            stepped: None,
            legal_basis: Arc::clone(legal_basis),
        })
    }

    /// The exact amount before rounding, given the entitlement's S (or P).
    pub fn exact(&self, base: Decimal) -> Option<Decimal> {
        base.checked_mul(self.factor)?.checked_mul(self.quantity)
    }

    /// Adds how an insured-years quantity was built.
    pub(crate) fn with_stepped(mut self, stepped: Stepped) -> Self {
        self.stepped = Some(stepped);
        self
    }
}

/// At most this many components per entitlement (3 national + 3 provincial).
const MAX_COMPONENTS: usize = 6;

/// A small fixed-capacity list of non-zero components (no heap allocation).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Components {
    items: [Option<Component>; MAX_COMPONENTS],
    len: usize,
    total: Vnd,
}

impl Components {
    /// Adds `c` unless its rounded amount is zero; keeps the running total.
    pub(crate) fn push(&mut self, c: Component) -> Result<(), Refusal> {
        if c.amount.is_zero() {
            return Ok(());
        }
        let slot = self.items.get_mut(self.len).ok_or_else(Refusal::overflow)?;
        self.total = self
            .total
            .checked_add(c.amount)
            .ok_or_else(Refusal::overflow)?;
        *slot = Some(c);
        self.len += 1;
        Ok(())
    }

    /// The components, in order.
    pub fn iter(&self) -> impl Iterator<Item = &Component> {
        self.items.iter().take(self.len).flatten()
    }

    /// Number of components.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Sum of the rounded amounts (rounding.toml `total`).
    pub fn total(&self) -> Vnd {
        self.total
    }
}

impl<'a> IntoIterator for &'a Components {
    type Item = &'a Component;
    type IntoIter = std::iter::Flatten<std::iter::Take<std::slice::Iter<'a, Option<Component>>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter().take(self.len).flatten()
    }
}
