//! Why a case gets no entitlement: a stable code and a message in Vietnamese and English.
//! The engine never answers an ineligible or inconsistent case with a zero or a panic.

use std::fmt;

/// Machine-readable reason for a refusal.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum RefusalCode {
    /// The input is malformed, out of range, inconsistent, or no rules are in force for it.
    InvalidInput,
    /// The person has reached (or passed) retirement age.
    AtRetirementAge,
    /// Not enough insured time for a pension (early retirement).
    InsufficientInsurance,
    /// More months early than early retirement allows.
    TooEarly,
    /// Quit needs at least 2 years to retirement age.
    LessThan2Years,
    /// The person qualifies for Art. 7 early retirement, so quit is not offered.
    EarlyRetirementApplies,
    /// The scheme does not cover the person's category.
    SchemeNotApplicable,
    /// The law excludes the person (e.g. moved to a village post, Decree 154 Art. 9(4)).
    NotEligible,
    /// A commune part-time worker leaving on or after the last covered date (letter
    /// 12/CV-BCĐ).
    PartTimeAfterDeadline,
    /// An amount overflowed (only with absurd policy values).
    Arithmetic,
}

impl RefusalCode {
    /// The snake-case code used in JSON.
    pub fn code(self) -> &'static str {
        match self {
            RefusalCode::InvalidInput => "invalid_input",
            RefusalCode::AtRetirementAge => "at_retirement_age",
            RefusalCode::InsufficientInsurance => "insufficient_insurance",
            RefusalCode::TooEarly => "too_early",
            RefusalCode::LessThan2Years => "less_than_2_years",
            RefusalCode::EarlyRetirementApplies => "early_retirement_applies",
            RefusalCode::SchemeNotApplicable => "scheme_not_applicable",
            RefusalCode::NotEligible => "not_eligible",
            RefusalCode::PartTimeAfterDeadline => "part_time_after_deadline",
            RefusalCode::Arithmetic => "arithmetic_overflow",
        }
    }
}

/// A structured refusal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    code: RefusalCode,
    message_vi: String,
    message_en: String,
}

impl Refusal {
    /// A refusal with both messages.
    pub fn new(
        code: RefusalCode,
        message_vi: impl Into<String>,
        message_en: impl Into<String>,
    ) -> Self {
        Refusal {
            code,
            message_vi: message_vi.into(),
            message_en: message_en.into(),
        }
    }

    /// An `invalid_input` refusal.
    pub fn invalid(message_vi: impl Into<String>, message_en: impl Into<String>) -> Self {
        Refusal::new(RefusalCode::InvalidInput, message_vi, message_en)
    }

    /// A field that is required for this case is missing.
    pub fn missing(field: &str) -> Self {
        Refusal::invalid(
            format!("Thiếu trường bắt buộc `{field}`"),
            format!("Missing required field `{field}`"),
        )
    }

    /// No table of `table` is in force on `date`.
    pub fn not_in_force(table: &str, date: chrono::NaiveDate) -> Self {
        Refusal::invalid(
            format!(
                "Không có quy định `{table}` có hiệu lực vào ngày {}",
                crate::domain::dates::dmy(date)
            ),
            format!("No `{table}` rules are in force on {date}"),
        )
    }

    /// An amount overflowed.
    pub fn overflow() -> Self {
        Refusal::new(
            RefusalCode::Arithmetic,
            "Số tiền vượt quá giới hạn tính toán",
            "An amount is out of the computable range",
        )
    }

    /// The machine-readable code.
    pub fn code(&self) -> RefusalCode {
        self.code
    }

    /// The Vietnamese message.
    pub fn message_vi(&self) -> &str {
        &self.message_vi
    }

    /// The English message.
    pub fn message_en(&self) -> &str {
        &self.message_en
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.code(), self.message_en)
    }
}

impl std::error::Error for Refusal {}
