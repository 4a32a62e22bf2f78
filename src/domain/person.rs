//! Facts about a person as rosters state them: sex and date of birth.
//!
//! Old records sometimes know only the year (or month and year) of birth. Following the
//! pension rules (Decree 135/2020/NĐ-CP, art. 6(2)), a missing month means January and a
//! missing day means the first of the month; [`BirthDate`] keeps what was known and
//! [`BirthDate::effective_date`] applies that rule.

use std::fmt;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::domain::text::fold_into;

/// A person's sex as recorded in the civil status register, as the retirement-age schedules
/// distinguish it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Sex {
    /// Nam.
    Male,
    /// Nữ.
    Female,
}

/// The text of a sex cell is none of the accepted words.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("sex must be Nam/Nữ or Male/Female")]
pub struct SexError;

impl Sex {
    /// Every value.
    pub const ALL: &'static [Sex] = &[Sex::Male, Sex::Female];

    /// Parses `Nam`/`Nữ`, `Male`/`Female`, `M`/`F` (also `Man`/`Woman`), ignoring case,
    /// diacritics and surrounding punctuation.
    pub fn parse(text: &str) -> Result<Self, SexError> {
        let mut key = String::with_capacity(text.len());
        fold_into(text, &mut key);
        match key.as_str() {
            "nam" | "male" | "m" | "man" => Ok(Sex::Male),
            "nu" | "female" | "f" | "woman" => Ok(Sex::Female),
            _ => Err(SexError),
        }
    }

    /// The contract value: `male` or `female`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Sex::Male => "male",
            Sex::Female => "female",
        }
    }

    /// The Vietnamese word: `Nam` or `Nữ`.
    pub const fn label_vi(self) -> &'static str {
        match self {
            Sex::Male => "Nam",
            Sex::Female => "Nữ",
        }
    }
}

impl fmt::Display for Sex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A date of birth, as precisely as the record knows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum BirthDate {
    /// Day, month and year known.
    Full(NaiveDate),
    /// Only month and year known (`03/1970`): counts as the first of that month.
    YearMonth {
        /// Four-digit year.
        year: i32,
        /// Month, 1..=12.
        month: u32,
    },
    /// Only the year known (`1970`): counts as the first of January.
    Year(i32),
}

/// Why a text is not a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Not one of the accepted layouts.
    #[error("not a date in dd/mm/yyyy or yyyy-mm-dd form")]
    Format,
    /// The layout is right but the day does not exist (31/02/1970).
    #[error("no such day in the calendar")]
    NoSuchDay,
    /// A two-digit year (`01/02/75`) is ambiguous.
    #[error("the year must have four digits")]
    TwoDigitYear,
    /// Outside 1900..=2100: certainly a typing error for this programme.
    #[error("the year must be between 1900 and 2100")]
    YearOutOfRange,
    /// Only a year (or month and year) where a full date is required.
    #[error("a full date is required")]
    Incomplete,
}

/// The earliest and latest year accepted in any date of this programme.
pub const YEAR_RANGE: std::ops::RangeInclusive<i32> = 1900..=2100;

impl BirthDate {
    /// Parses a full date (see [`parse_date`]), `mm/yyyy` or a four-digit year.
    pub fn parse(text: &str) -> Result<Self, DateError> {
        let t = text.trim();
        if let Some(year) = parse_year(t) {
            return checked_year(year).map(BirthDate::Year);
        }
        if let Some((m, y)) = split_two(t)
            && y.len() == 4
        {
            let (Some(month), Some(year)) = (small_number(m), parse_year(y)) else {
                return Err(DateError::Format);
            };
            let year = checked_year(year)?;
            return BirthDate::year_month(year, month);
        }
        parse_date(t).map(BirthDate::Full)
    }

    /// Month and year only; the month must be 1..=12.
    pub fn year_month(year: i32, month: u32) -> Result<Self, DateError> {
        let year = checked_year(year)?;
        if (1..=12).contains(&month) {
            Ok(BirthDate::YearMonth { year, month })
        } else {
            Err(DateError::NoSuchDay)
        }
    }

    /// Year only, 1900..=2100.
    pub fn year_only(year: i32) -> Result<Self, DateError> {
        checked_year(year).map(BirthDate::Year)
    }

    /// The year of birth.
    pub fn year(self) -> i32 {
        match self {
            BirthDate::Full(d) => d.year(),
            BirthDate::YearMonth { year, .. } | BirthDate::Year(year) => year,
        }
    }

    /// The date used in age calculations: missing month → January, missing day → the 1st.
    pub fn effective_date(self) -> NaiveDate {
        let (year, month) = match self {
            BirthDate::Full(d) => return d,
            BirthDate::YearMonth { year, month } => (year, month),
            BirthDate::Year(year) => (year, 1),
        };
        // Constructors keep year and month in range, so this always succeeds.
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// True when day and month are known.
    pub fn is_full(self) -> bool {
        matches!(self, BirthDate::Full(_))
    }
}

impl fmt::Display for BirthDate {
    /// `yyyy-mm-dd`, `yyyy-mm` or `yyyy`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BirthDate::Full(d) => f.write_str(&crate::domain::dates::iso(*d)),
            BirthDate::YearMonth { year, month } => write!(f, "{year:04}-{month:02}"),
            BirthDate::Year(year) => write!(f, "{year:04}"),
        }
    }
}

/// Parses a full date written `dd/mm/yyyy` or `d/m/yyyy` (also with `-` or `.` between the
/// parts, as Vietnamese offices type them) or `yyyy-mm-dd` (ISO, optionally followed by a
/// time, as OpenDocument stores dates). Day first always: `03/04/1970` is 3 April.
pub fn parse_date(text: &str) -> Result<NaiveDate, DateError> {
    let t = text.trim();
    // ISO: yyyy-mm-dd, maybe followed by `T...` or ` hh:mm:ss`.
    if t.len() >= 10 && t.as_bytes().get(4) == Some(&b'-') {
        let head = t.get(..10).ok_or(DateError::Format)?;
        let rest = t.get(10..).unwrap_or("");
        if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
            return Err(DateError::Format);
        }
        let mut parts = head.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(DateError::Format);
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(DateError::Format);
        }
        return ymd(y, m, d);
    }
    if parse_year(t).is_some()
        || split_two(t).is_some_and(|(m, y)| small_number(m).is_some() && parse_year(y).is_some())
    {
        return Err(DateError::Incomplete);
    }
    // Day first: d/m/yyyy with one separator kind used twice.
    let sep = t
        .chars()
        .find(|c| matches!(c, '/' | '-' | '.'))
        .ok_or(DateError::Format)?;
    let mut parts = t.split(sep);
    let (Some(d), Some(m), Some(y), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(DateError::Format);
    };
    if d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
        return Err(DateError::Format);
    }
    if y.len() == 2 && y.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DateError::TwoDigitYear);
    }
    if y.len() != 4 {
        return Err(DateError::Format);
    }
    ymd(y, m, d)
}

/// A date from calendar parts, with the programme's year range checked.
pub fn date_from_parts(year: i32, month: u32, day: u32) -> Result<NaiveDate, DateError> {
    let year = checked_year(year)?;
    NaiveDate::from_ymd_opt(year, month, day).ok_or(DateError::NoSuchDay)
}

fn ymd(y: &str, m: &str, d: &str) -> Result<NaiveDate, DateError> {
    let year = parse_year(y).ok_or(DateError::Format)?;
    let month = small_number(m).ok_or(DateError::Format)?;
    let day = small_number(d).ok_or(DateError::Format)?;
    date_from_parts(year, month, day)
}

fn checked_year(year: i32) -> Result<i32, DateError> {
    if YEAR_RANGE.contains(&year) {
        Ok(year)
    } else {
        Err(DateError::YearOutOfRange)
    }
}

/// Exactly four ASCII digits.
fn parse_year(s: &str) -> Option<i32> {
    if s.len() == 4 && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// One or two ASCII digits.
fn small_number(s: &str) -> Option<u32> {
    if (1..=2).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_digit()) {
        s.parse().ok()
    } else {
        None
    }
}

/// `a/b` (or `a-b`, `a.b`) with exactly one separator.
fn split_two(t: &str) -> Option<(&str, &str)> {
    let sep = t.chars().find(|c| matches!(c, '/' | '-' | '.'))?;
    let mut parts = t.split(sep);
    match (parts.next(), parts.next(), parts.next()) {
        (Some(a), Some(b), None) => Some((a, b)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn sex_words_in_both_languages() {
        for t in ["Nam", "nam", "NAM", "Male", "m", " M ", "man"] {
            assert_eq!(Sex::parse(t), Ok(Sex::Male), "{t}");
        }
        for t in [
            "Nữ",
            "nữ",
            "NỮ",
            "Nu",
            "Nu\u{031B}\u{0303}",
            "Female",
            "F",
            "woman",
        ] {
            assert_eq!(Sex::parse(t), Ok(Sex::Female), "{t}");
        }
        for t in ["", "x", "Nam Nữ", "1", "nữa"] {
            assert_eq!(Sex::parse(t), Err(SexError), "{t}");
        }
    }

    #[test]
    fn day_first_dates() {
        assert_eq!(parse_date("03/04/1970"), Ok(d(1970, 4, 3)));
        assert_eq!(parse_date("3/4/1970"), Ok(d(1970, 4, 3)));
        assert_eq!(parse_date(" 31-12-1969 "), Ok(d(1969, 12, 31)));
        assert_eq!(parse_date("01.07.2025"), Ok(d(2025, 7, 1)));
    }

    #[test]
    fn iso_dates_with_or_without_time() {
        assert_eq!(parse_date("2025-07-01"), Ok(d(2025, 7, 1)));
        assert_eq!(parse_date("2025-07-01T00:00:00"), Ok(d(2025, 7, 1)));
        assert_eq!(parse_date("2025-07-01 08:30"), Ok(d(2025, 7, 1)));
        assert_eq!(parse_date("2025-7-1"), Err(DateError::Format));
        assert_eq!(parse_date("2025-07-01x"), Err(DateError::Format));
    }

    #[test]
    fn bad_dates_are_refused() {
        assert_eq!(parse_date("31/02/1970"), Err(DateError::NoSuchDay));
        assert_eq!(parse_date("01/13/1970"), Err(DateError::NoSuchDay));
        assert_eq!(parse_date("01/02/75"), Err(DateError::TwoDigitYear));
        assert_eq!(parse_date("01/02/1850"), Err(DateError::YearOutOfRange));
        assert_eq!(parse_date("1970"), Err(DateError::Incomplete));
        assert_eq!(parse_date("03/1970"), Err(DateError::Incomplete));
        assert_eq!(parse_date("1/2/3/4"), Err(DateError::Format));
        assert_eq!(parse_date("ngày 1 tháng 2"), Err(DateError::Format));
        assert_eq!(parse_date(""), Err(DateError::Format));
        assert_eq!(parse_date("//"), Err(DateError::Format));
        assert_eq!(parse_date("ａ/ｂ/ｃｄｅｆ"), Err(DateError::Format));
        assert_eq!(parse_date("-1/-1/-100"), Err(DateError::Format));
    }

    #[test]
    fn birth_dates_may_be_partial() {
        assert_eq!(BirthDate::parse("1970"), Ok(BirthDate::Year(1970)));
        assert_eq!(
            BirthDate::parse("03/1970"),
            Ok(BirthDate::YearMonth {
                year: 1970,
                month: 3
            })
        );
        assert_eq!(
            BirthDate::parse("15/03/1970"),
            Ok(BirthDate::Full(d(1970, 3, 15)))
        );
        assert_eq!(BirthDate::parse("13/1970"), Err(DateError::NoSuchDay));
        assert_eq!(BirthDate::parse("1870"), Err(DateError::YearOutOfRange));
        assert_eq!(BirthDate::parse("abc"), Err(DateError::Format));
    }

    #[test]
    fn partial_birth_dates_count_from_january_first() {
        assert_eq!(BirthDate::Year(1970).effective_date(), d(1970, 1, 1));
        assert_eq!(
            BirthDate::year_month(1970, 5).unwrap().effective_date(),
            d(1970, 5, 1)
        );
        assert_eq!(BirthDate::Year(1970).year(), 1970);
        assert_eq!(BirthDate::Year(1970).to_string(), "1970");
        assert_eq!(BirthDate::Full(d(1970, 5, 2)).to_string(), "1970-05-02");
    }
}
