//! One spreadsheet cell, whatever the file format, and its exact conversions.
//!
//! Numbers never go through `f64` arithmetic: a numeric cell's `f64` is written with Rust's
//! `Display` (the shortest text that reads back as the same `f64`) and that text is parsed as
//! a [`Decimal`]. So a cell showing `2.34` becomes exactly `2.34`, and a computed
//! `2.5740000000000003` keeps its 16 decimals and fails the column's scale check instead of
//! being silently rounded.

use std::borrow::Cow;
use std::fmt::Write as _;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::person::{DateError, date_from_parts};

/// A cell value as read from the file. Text borrows from the workbook or CSV bytes.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum Cell<'a> {
    /// No value (or only whitespace, which readers turn into `Empty`).
    #[default]
    Empty,
    /// Text, as typed.
    Text(Cow<'a, str>),
    /// A whole number stored as such (`.xls`/`.ods` integers).
    Int(i64),
    /// A number; converted only through its shortest round-trip text.
    Float(f64),
    /// A TRUE/FALSE cell.
    Bool(bool),
    /// A cell with a date format, already turned into a calendar date.
    Date(NaiveDate),
    /// An error value such as `#REF!` or `#VALUE!`.
    Error(&'static str),
    /// A formula whose result was never computed and saved (no cached value).
    NoCachedValue,
}

/// Why a cell cannot be read as the wanted kind of value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellError {
    /// The cell holds an error value (`#REF!` ...).
    ErrorValue(&'static str),
    /// A formula without a saved result.
    NoCachedValue,
    /// Not a number.
    NotANumber,
    /// More than one decimal separator, or thousands groups not of three digits.
    AmbiguousNumber,
    /// Too large (or too many digits) for an exact decimal.
    NumberOutOfRange,
    /// Not a date.
    Date(DateError),
    /// A TRUE/FALSE cell where a number, date or text is expected.
    Boolean,
}

impl Cell<'_> {
    /// True for `Empty` (readers already map whitespace-only text to `Empty`).
    pub fn is_empty(&self) -> bool {
        matches!(self, Cell::Empty)
    }

    /// The value as a person would read it, for problem reports.
    pub fn display(&self) -> String {
        let mut buf = String::new();
        match self {
            Cell::Empty => {}
            Cell::Text(t) => buf.push_str(t),
            Cell::Int(i) => {
                let _ = write!(buf, "{i}");
            }
            Cell::Float(f) => {
                let _ = write!(buf, "{f}");
            }
            Cell::Bool(b) => buf.push_str(if *b { "TRUE" } else { "FALSE" }),
            Cell::Date(d) => {
                let _ = write!(buf, "{}", d.format("%d/%m/%Y"));
            }
            Cell::Error(e) => buf.push_str(e),
            Cell::NoCachedValue => buf.push_str("=…"),
        }
        buf
    }

    /// The cell as text: text trimmed, numbers in their exact decimal form (a national id
    /// stored as a number becomes its digits). `buf` holds the text of non-text cells.
    pub fn as_text<'s>(&'s self, buf: &'s mut String) -> Result<&'s str, CellError> {
        buf.clear();
        match self {
            Cell::Empty => Ok(""),
            Cell::Text(t) => Ok(t.trim()),
            Cell::Int(i) => {
                let _ = write!(buf, "{i}");
                Ok(buf.as_str())
            }
            Cell::Float(f) => {
                let _ = write!(buf, "{f}");
                Ok(buf.as_str())
            }
            Cell::Bool(_) => Err(CellError::Boolean),
            Cell::Date(d) => {
                let _ = write!(buf, "{}", d.format("%d/%m/%Y"));
                Ok(buf.as_str())
            }
            Cell::Error(e) => Err(CellError::ErrorValue(e)),
            Cell::NoCachedValue => Err(CellError::NoCachedValue),
        }
    }

    /// The cell as an exact decimal. Text is parsed with [`parse_decimal`]; `grouping`
    /// allows thousands separators (money columns).
    pub fn to_decimal(&self, buf: &mut String, grouping: bool) -> Result<Decimal, CellError> {
        match self {
            Cell::Int(i) => Ok(Decimal::from(*i)),
            Cell::Float(f) => {
                buf.clear();
                let _ = write!(buf, "{f}");
                Decimal::from_str_exact(buf).map_err(|_| {
                    if f.is_finite() {
                        CellError::NumberOutOfRange
                    } else {
                        CellError::NotANumber
                    }
                })
            }
            Cell::Text(t) => parse_decimal(t, grouping),
            Cell::Empty | Cell::Date(_) => Err(CellError::NotANumber),
            Cell::Bool(_) => Err(CellError::Boolean),
            Cell::Error(e) => Err(CellError::ErrorValue(e)),
            Cell::NoCachedValue => Err(CellError::NoCachedValue),
        }
    }
}

/// An Excel serial day number (1900 date system) as a date: the whole part counts days from
/// 1899-12-30, as Excel does for every date after February 1900.
pub fn date_from_serial(days: Decimal) -> Result<NaiveDate, CellError> {
    let whole = days.floor();
    let n = i64::try_from(whole).map_err(|_| CellError::Date(DateError::YearOutOfRange))?;
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30).ok_or(CellError::NumberOutOfRange)?;
    let date = epoch
        .checked_add_signed(chrono::TimeDelta::try_days(n).ok_or(CellError::NumberOutOfRange)?)
        .ok_or(CellError::Date(DateError::YearOutOfRange))?;
    use chrono::Datelike;
    date_from_parts(date.year(), date.month(), date.day()).map_err(CellError::Date)
}

/// Parses a decimal typed as text. Either `.` or `,` may be the decimal separator.
///
/// With `grouping` (money columns, where amounts are whole đồng) thousands separators are
/// accepted: `1.234.567`, `1,234,567`, `1 234 567`, and `1.234.567,5` / `1,234,567.5` (the
/// last separator is then the decimal one). A single separator followed by exactly three
/// digits (`1.500`) is read as grouping in such a column, since no amount has a tenth of a
/// đồng. Without `grouping` (coefficients, percentages, months) a single `.` or `,` is the
/// decimal separator and more than one is refused as ambiguous. A trailing `%` is not
/// accepted here: the caller strips it for percentage columns.
pub fn parse_decimal(text: &str, grouping: bool) -> Result<Decimal, CellError> {
    let t = text.trim();
    let (negative, body) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..).unwrap_or("")),
        Some(b'+') => (false, t.get(1..).unwrap_or("")),
        _ => (false, t),
    };
    if body.is_empty() || body.len() > 64 {
        return Err(if body.len() > 64 {
            CellError::NumberOutOfRange
        } else {
            CellError::NotANumber
        });
    }
    let mut dots = 0usize;
    let mut commas = 0usize;
    let mut spaces = 0usize;
    let mut last_sep = None;
    for c in body.chars() {
        match c {
            '0'..='9' => {}
            '.' => {
                dots += 1;
                last_sep = Some('.');
            }
            ',' => {
                commas += 1;
                last_sep = Some(',');
            }
            ' ' | '\u{00A0}' | '\u{202F}' => spaces += 1,
            _ => return Err(CellError::NotANumber),
        }
    }
    if !body.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(CellError::NotANumber);
    }
    if !grouping && (spaces > 0 || dots + commas > 1) {
        return Err(CellError::AmbiguousNumber);
    }
    // Decide which separator (if any) is the decimal point.
    let decimal_sep = match (dots, commas, last_sep) {
        (0, 0, _) => None,
        (1, 0, _) | (0, 1, _) if !grouping => last_sep,
        (1, 0, Some(s)) | (0, 1, Some(s)) => {
            let after = body.rsplit(s).next().unwrap_or("");
            if after.len() == 3 && spaces == 0 {
                None
            } else {
                Some(s)
            }
        }
        (_, 0, _) | (0, _, _) => None,
        (_, _, Some(s)) => {
            let count = if s == '.' { dots } else { commas };
            if count != 1 {
                return Err(CellError::AmbiguousNumber);
            }
            Some(s)
        }
        _ => return Err(CellError::AmbiguousNumber),
    };
    let (int_part, frac_part) = match decimal_sep {
        Some(s) => body.rsplit_once(s).unwrap_or((body, "")),
        None => (body, ""),
    };
    if decimal_sep.is_some() && frac_part.is_empty() {
        return Err(CellError::NotANumber);
    }
    let mut normal = String::with_capacity(body.len() + 1);
    if negative {
        normal.push('-');
    }
    if int_part.bytes().any(|b| !b.is_ascii_digit()) {
        check_groups(int_part)?;
        normal.extend(int_part.chars().filter(char::is_ascii_digit));
    } else {
        normal.push_str(int_part);
    }
    if !frac_part.is_empty() {
        if frac_part.bytes().any(|b| !b.is_ascii_digit()) {
            return Err(CellError::AmbiguousNumber);
        }
        normal.push('.');
        normal.push_str(frac_part);
    }
    Decimal::from_str_exact(&normal).map_err(|_| CellError::NumberOutOfRange)
}

/// `1.234.567` style: a first group of 1–3 digits, then groups of exactly 3, all separated by
/// one and the same separator.
fn check_groups(int_part: &str) -> Result<(), CellError> {
    let sep = int_part
        .chars()
        .find(|c| !c.is_ascii_digit())
        .ok_or(CellError::NotANumber)?;
    let mut groups = int_part.split(sep);
    let first = groups.next().unwrap_or("");
    if first.is_empty() || first.len() > 3 {
        return Err(CellError::AmbiguousNumber);
    }
    for g in groups {
        if g.len() != 3 || !g.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CellError::AmbiguousNumber);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    fn text(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }

    #[test]
    fn floats_convert_through_their_shortest_text() {
        let mut buf = String::new();
        assert_eq!(
            Cell::Float(2.34).to_decimal(&mut buf, false),
            Ok(dec!(2.34))
        );
        assert_eq!(
            Cell::Float(0.1 + 0.2).to_decimal(&mut buf, false),
            Ok(dec!(0.30000000000000004))
        );
        assert_eq!(
            Cell::Float(5_000_000.0).to_decimal(&mut buf, true),
            Ok(dec!(5000000))
        );
        assert_eq!(Cell::Float(-0.0).to_decimal(&mut buf, true), Ok(dec!(0)));
        assert_eq!(
            Cell::Float(1e300).to_decimal(&mut buf, true),
            Err(CellError::NumberOutOfRange)
        );
        assert_eq!(
            Cell::Float(f64::NAN).to_decimal(&mut buf, true),
            Err(CellError::NotANumber)
        );
        assert_eq!(
            Cell::Float(f64::INFINITY).to_decimal(&mut buf, true),
            Err(CellError::NotANumber)
        );
        assert_eq!(Cell::Int(-7).to_decimal(&mut buf, true), Ok(dec!(-7)));
    }

    #[test]
    fn numeric_ids_become_their_digits() {
        let mut buf = String::new();
        assert_eq!(
            Cell::Float(1_070_012_345.0).as_text(&mut buf),
            Ok("1070012345")
        );
        let mut buf = String::new();
        assert_eq!(
            Cell::Float(79_301_000_001.0).as_text(&mut buf),
            Ok("79301000001")
        );
    }

    #[test]
    fn error_cells_and_missing_results_are_errors() {
        let mut buf = String::new();
        assert_eq!(
            Cell::Error("#REF!").to_decimal(&mut buf, false),
            Err(CellError::ErrorValue("#REF!"))
        );
        assert_eq!(
            Cell::NoCachedValue.as_text(&mut buf),
            Err(CellError::NoCachedValue)
        );
        assert_eq!(Cell::Error("#VALUE!").display(), "#VALUE!");
    }

    #[test]
    fn coefficients_take_comma_or_dot() {
        assert_eq!(parse_decimal("2,34", false), Ok(dec!(2.34)));
        assert_eq!(parse_decimal("2.34", false), Ok(dec!(2.34)));
        assert_eq!(parse_decimal(" 4 ", false), Ok(dec!(4)));
        assert_eq!(parse_decimal("-0,5", false), Ok(dec!(-0.5)));
        assert_eq!(
            parse_decimal("1.234.5", false),
            Err(CellError::AmbiguousNumber)
        );
        assert_eq!(
            parse_decimal("1,234.5", false),
            Err(CellError::AmbiguousNumber)
        );
        assert_eq!(parse_decimal("2,", false), Err(CellError::NotANumber));
        assert_eq!(parse_decimal(",5", false), Err(CellError::NotANumber));
        assert_eq!(parse_decimal("abc", false), Err(CellError::NotANumber));
        assert_eq!(parse_decimal("", false), Err(CellError::NotANumber));
        assert_eq!(parse_decimal("1e5", false), Err(CellError::NotANumber));
        assert_eq!(parse_decimal("٣", false), Err(CellError::NotANumber));
    }

    #[test]
    fn money_takes_thousands_groups() {
        for t in [
            "1.234.567",
            "1,234,567",
            "1 234 567",
            "1234567",
            "1.234.567,00",
            "1,234,567.00",
        ] {
            assert_eq!(parse_decimal(t, true), Ok(dec!(1234567)), "{t}");
        }
        assert_eq!(parse_decimal("1.500", true), Ok(dec!(1500)));
        assert_eq!(parse_decimal("1,5", true), Ok(dec!(1.5)));
        assert_eq!(parse_decimal("1.234.567,5", true), Ok(dec!(1234567.5)));
        assert_eq!(
            parse_decimal("1.23.567", true),
            Err(CellError::AmbiguousNumber)
        );
        assert_eq!(
            parse_decimal("1234.567.890", true),
            Err(CellError::AmbiguousNumber)
        );
        assert_eq!(
            parse_decimal("1.234,567,8", true),
            Err(CellError::AmbiguousNumber)
        );
    }

    #[test]
    fn huge_numbers_are_refused_not_rounded() {
        assert_eq!(
            parse_decimal(&"9".repeat(40), true),
            Err(CellError::NumberOutOfRange)
        );
        assert_eq!(
            parse_decimal(&"9".repeat(10_000), true),
            Err(CellError::NumberOutOfRange)
        );
        assert_eq!(
            parse_decimal("0.12345678901234567890123456789", false),
            Err(CellError::NumberOutOfRange)
        );
    }

    #[test]
    fn serial_days_are_dates() {
        assert_eq!(
            date_from_serial(dec!(45839)),
            Ok(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap())
        );
        assert_eq!(
            date_from_serial(dec!(25569.75)),
            Ok(NaiveDate::from_ymd_opt(1970, 1, 1).unwrap())
        );
        assert!(date_from_serial(dec!(-5)).is_err());
        assert!(date_from_serial(dec!(99999999999)).is_err());
    }

    #[test]
    fn text_cells_display_as_typed() {
        assert_eq!(text("Nguyễn Văn A").display(), "Nguyễn Văn A");
        assert_eq!(Cell::Bool(true).display(), "TRUE");
        assert_eq!(
            Cell::Date(NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()).display(),
            "01/07/2025"
        );
    }
}
