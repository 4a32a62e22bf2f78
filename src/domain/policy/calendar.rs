//! Whole calendar months: the unit retirement ages, pension starts and months early are counted
//! in.

use std::fmt;

use chrono::{Datelike, NaiveDate};

/// A calendar month, held as months since January of year 0 (so differences are month counts).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth(i32);

impl YearMonth {
    /// The month `year`-`month` (1–12); `None` when the month is out of range.
    pub fn new(year: i32, month: u32) -> Option<Self> {
        if !(1..=12).contains(&month) {
            return None;
        }
        let m0 = i32::try_from(month - 1).ok()?;
        year.checked_mul(12)?.checked_add(m0).map(YearMonth)
    }

    /// The month a date falls in.
    pub fn of(date: NaiveDate) -> Self {
        let m0 = i32::try_from(date.month0()).unwrap_or_default();
        YearMonth(date.year() * 12 + m0)
    }

    /// Parses `YYYY-MM`.
    pub fn parse(text: &str) -> Option<Self> {
        let (y, m) = text.split_once('-')?;
        if y.len() != 4 || m.len() != 2 {
            return None;
        }
        YearMonth::new(y.parse().ok()?, m.parse().ok()?)
    }

    /// The calendar year.
    pub fn year(self) -> i32 {
        self.0.div_euclid(12)
    }

    /// The month number, 1–12.
    pub fn month(self) -> u32 {
        u32::try_from(self.0.rem_euclid(12)).unwrap_or_default() + 1
    }

    /// This month moved by `months` (negative: earlier).
    pub fn plus(self, months: i32) -> Self {
        YearMonth(self.0.saturating_add(months))
    }

    /// Months from `earlier` to `self` (negative when `earlier` is later).
    pub fn months_since(self, earlier: YearMonth) -> i32 {
        self.0.saturating_sub(earlier.0)
    }

    /// The first day of the month (`None` only outside chrono's date range).
    pub fn first_day(self) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(self.year(), self.month(), 1)
    }
}

impl fmt::Display for YearMonth {
    /// `YYYY-MM`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year(), self.month())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_round_trip() {
        let ym = YearMonth::parse("1966-01").unwrap();
        assert_eq!(ym.year(), 1966);
        assert_eq!(ym.month(), 1);
        assert_eq!(ym.plus(-1).to_string(), "1965-12");
        assert_eq!(ym.plus(12 * 61 + 9).to_string(), "2027-10");
        assert_eq!(YearMonth::parse("1966-13"), None);
    }
}
