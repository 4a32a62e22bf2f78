//! Counting time (Art. 5): rounded years, and the 12-month window.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;

use super::input::PersonFacts;
use super::refusal::Refusal;
use crate::domain::policy::{Article, CountingPeriod, Interpretations, WindowTestDate};

/// Months counted and the years they round to (Art. 5(3)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CountedTime {
    /// Raw months.
    pub months: u32,
    /// Whole years plus 0.5 / 1 for the odd months.
    pub years: Decimal,
}

impl CountedTime {
    /// Counts `months` with the counting rules in force.
    pub(crate) fn of(counting: &CountingPeriod, months: u32) -> Self {
        CountedTime {
            months,
            years: counting.rounded_years(months),
        }
    }
}

/// Whether the leave falls inside the 12-month window.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Window {
    /// Inside: the higher factors apply.
    First12Months,
    /// From the 13th month: the lower factors apply.
    From13thMonth,
}

impl Window {
    /// `first_12_months` or `from_13th_month`.
    pub fn code(self) -> &'static str {
        match self {
            Window::First12Months => "first_12_months",
            Window::From13thMonth => "from_13th_month",
        }
    }

    /// Whether the higher factor applies.
    pub fn inside(self) -> bool {
        self == Window::First12Months
    }
}

/// The window and, when it can close, the first leave date outside it (the 13th month).
pub(crate) fn window(
    interp: &Interpretations,
    facts: &PersonFacts,
) -> Result<(Window, Option<NaiveDate>), Refusal> {
    let start = match facts.article {
        Article::A7b if interp.article_7b_always_inside => {
            return Ok((Window::First12Months, None));
        }
        Article::A7a => interp.article_7a_window_start,
        _ => facts
            .reorganization
            .ok_or_else(|| Refusal::missing("reorganization_effective_date"))?,
    };
    let anniversary = start
        .checked_add_months(Months::new(interp.window_months))
        .ok_or_else(|| Refusal::invalid("Ngày không hợp lệ", "Date out of range"))?;
    let closes = if interp.anniversary_day_inside {
        anniversary
            .succ_opt()
            .ok_or_else(|| Refusal::invalid("Ngày không hợp lệ", "Date out of range"))?
    } else {
        anniversary
    };
    let tested = match interp.window_test_date {
        WindowTestDate::LeaveDate => facts.leave,
        WindowTestDate::DecisionDate => facts.decision.unwrap_or(facts.leave),
    };
    let window = if tested < closes {
        Window::First12Months
    } else {
        Window::From13thMonth
    };
    Ok((window, Some(closes)))
}
