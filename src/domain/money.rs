//! Money in whole Vietnamese đồng.
//!
//! Every amount that is stored, paid or reported is a [`Vnd`]: a whole number of đồng held in
//! an `i64` (the national programme is about 10^14 đồng, far inside the range). Intermediate
//! values, such as the monthly salary S, stay [`Decimal`] and become [`Vnd`] only through
//! [`Vnd::round_half_up`], the one rounding rule the law sets (Decree 178 as applied in
//! Circular 01/2025: each component rounded half-up to the đồng).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

/// A whole number of đồng; may be negative (reversals, differences).
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct Vnd(i64);

/// Why a value cannot be an amount of money.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("amount has a fractional part; amounts are whole đồng")]
    Fractional,
    #[error("amount is out of range")]
    OutOfRange,
    #[error("amount is not a number")]
    NotANumber,
}

impl Vnd {
    pub const ZERO: Vnd = Vnd(0);

    /// An amount from a whole number of đồng.
    pub const fn new(dong: i64) -> Self {
        Vnd(dong)
    }

    /// The amount as a whole number of đồng (what is stored in `BIGINT` columns).
    pub const fn dong(self) -> i64 {
        self.0
    }

    /// Rounds an exact amount half-up (away from zero at .5) to the whole đồng.
    pub fn round_half_up(value: Decimal) -> Result<Self, MoneyError> {
        let rounded = value.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
        rounded.to_i64().map(Vnd).ok_or(MoneyError::OutOfRange)
    }

    /// An exact amount that must already be whole (a typed or imported amount).
    pub fn from_whole(value: Decimal) -> Result<Self, MoneyError> {
        if !value.fract().is_zero() {
            return Err(MoneyError::Fractional);
        }
        value.to_i64().map(Vnd).ok_or(MoneyError::OutOfRange)
    }

    /// The amount as an exact decimal.
    pub fn to_decimal(self) -> Decimal {
        Decimal::from(self.0)
    }

    pub fn is_zero(self) -> bool {
        self.0 == 0
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }

    pub fn checked_add(self, other: Vnd) -> Option<Vnd> {
        self.0.checked_add(other.0).map(Vnd)
    }

    /// Digits grouped by thousands with `sep` (`,` in English, `.` in Vietnamese).
    pub fn grouped(self, sep: char) -> String {
        let digits = self.0.unsigned_abs().to_string();
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
        if self.0 < 0 {
            out.push('-');
        }
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push(sep);
            }
            out.push(c);
        }
        out
    }
}

/// How an amount to pay arrives as text: the front doors of the one parser
/// ([`parse_amount`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmountFormat {
    /// Digits only, nothing else (API JSON, payment-list cells): `1000000`.
    Digits,
    /// As a person types it in a page form: spaces around it ignored, and thousands grouped
    /// with dots or spaces (`1.000.000`, `1 000 000`) or not at all.
    Typed,
}

/// Why text is not an amount to pay (whole đồng, more than zero).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AmountTextError {
    #[error("no amount")]
    Empty,
    #[error("amount with a sign")]
    Signed { negative: bool },
    #[error("amount with decimals")]
    Fractional,
    #[error("amount is not written with digits only")]
    NotDigits,
    #[error("amount with a leading zero")]
    LeadingZero,
    #[error("amount is zero")]
    Zero,
    #[error("amount is out of range")]
    TooLarge,
}

/// An amount to pay from text: whole đồng, more than zero, written with digits only —
/// no sign, no exponent, no decimals, no spaces, no leading zero (`"+1000"`, `"1e3"`,
/// `" 1000"`, `"0001000"` are all refused) — after, for [`AmountFormat::Typed`], the
/// thousands grouping of the Vietnamese (and French) way of writing is taken out.
pub fn parse_amount(text: &str, format: AmountFormat) -> Result<Vnd, AmountTextError> {
    match format {
        AmountFormat::Digits => parse_digits(text),
        AmountFormat::Typed => parse_digits(&ungroup(text.trim_matches(is_space))?),
    }
}

/// An amount to pay from the exact text of a JSON number (`1000`, `1000.0`, `1e3`): JSON does
/// not tell an integer from a whole number written with a point or an exponent, nor does
/// JSON Schema, so any of them is the same whole amount. The value is read exactly from the
/// text (never through `f64`), so `1000.0000000001` is refused as having decimals.
pub fn amount_from_json_number(text: &str) -> Result<Vnd, AmountTextError> {
    let exact = if text.contains(['e', 'E']) {
        Decimal::from_scientific(text)
    } else {
        Decimal::from_str_exact(text)
    }
    .map_err(|_| AmountTextError::TooLarge)?;
    if exact.is_zero() {
        Err(AmountTextError::Zero)
    } else if exact.is_sign_negative() {
        Err(AmountTextError::Signed { negative: true })
    } else if !exact.fract().is_zero() {
        Err(AmountTextError::Fractional)
    } else {
        exact
            .to_i64()
            .map(Vnd::new)
            .ok_or(AmountTextError::TooLarge)
    }
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\t')
}

/// `1.000.000` or `1 000 000` (one kind of separator, groups of three) as `1000000`; text
/// without a separator as it is.
fn ungroup(text: &str) -> Result<String, AmountTextError> {
    let Some(separator) = text.chars().find(|c| *c == '.' || is_space(*c)) else {
        return Ok(text.to_string());
    };
    let groups: Vec<&str> = text.split(separator).collect();
    let digits = groups
        .iter()
        .all(|g| !g.is_empty() && g.bytes().all(|b| b.is_ascii_digit()));
    let well_formed = digits && groups[0].len() <= 3 && groups[1..].iter().all(|g| g.len() == 3);
    if well_formed {
        Ok(groups.concat())
    } else if separator == '.' && digits && groups.len() == 2 && groups[1].len() != 3 {
        // `1.5`: a decimal point, not a grouping.
        Err(AmountTextError::Fractional)
    } else {
        Err(AmountTextError::NotDigits)
    }
}

fn parse_digits(text: &str) -> Result<Vnd, AmountTextError> {
    let Some(first) = text.chars().next() else {
        return Err(AmountTextError::Empty);
    };
    if first == '+' || first == '-' {
        return Err(AmountTextError::Signed {
            negative: first == '-',
        });
    }
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        let decimal = text
            .split_once(['.', ','])
            .is_some_and(|(whole, fraction)| {
                !whole.is_empty()
                    && [whole, fraction]
                        .iter()
                        .all(|p| p.bytes().all(|b| b.is_ascii_digit()))
            });
        return Err(if decimal {
            AmountTextError::Fractional
        } else {
            AmountTextError::NotDigits
        });
    }
    if text.len() > 1 && text.starts_with('0') {
        return Err(AmountTextError::LeadingZero);
    }
    let dong: i64 = text.parse().map_err(|_| AmountTextError::TooLarge)?;
    if dong == 0 {
        return Err(AmountTextError::Zero);
    }
    Ok(Vnd(dong))
}

impl fmt::Display for Vnd {
    /// English grouping, e.g. `744,778,125`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.grouped(','))
    }
}

impl Add for Vnd {
    type Output = Vnd;
    fn add(self, rhs: Vnd) -> Vnd {
        Vnd(self.0 + rhs.0)
    }
}

impl AddAssign for Vnd {
    fn add_assign(&mut self, rhs: Vnd) {
        self.0 += rhs.0;
    }
}

impl Sub for Vnd {
    type Output = Vnd;
    fn sub(self, rhs: Vnd) -> Vnd {
        Vnd(self.0 - rhs.0)
    }
}

impl Neg for Vnd {
    type Output = Vnd;
    fn neg(self) -> Vnd {
        Vnd(-self.0)
    }
}

impl Sum for Vnd {
    fn sum<I: Iterator<Item = Vnd>>(iter: I) -> Vnd {
        iter.fold(Vnd::ZERO, Add::add)
    }
}

/// An amount in Vietnamese words, as official forms print it under the total ("Tổng số
/// tiền bằng chữ"): `1_234_567` → "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy
/// đồng". Zero is "Không đồng"; a negative amount starts with "Âm".
pub fn in_words_vi(dong: i64) -> String {
    const DIGITS: [&str; 10] = [
        "không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín",
    ];
    const SCALES: [&str; 7] = ["", "nghìn", "triệu", "tỷ", "nghìn tỷ", "triệu tỷ", "tỷ tỷ"];
    let mut n = dong.unsigned_abs();
    let mut groups = Vec::new();
    while n > 0 {
        groups.push(usize::try_from(n % 1000).unwrap_or(0));
        n /= 1000;
    }
    let mut parts: Vec<String> = Vec::new();
    let top = groups.len();
    for (i, &g) in groups.iter().enumerate().rev() {
        if g == 0 {
            continue;
        }
        let (h, t, u) = (g / 100, g / 10 % 10, g % 10);
        let leading = i + 1 == top;
        let mut w: Vec<&str> = Vec::new();
        if h > 0 || !leading {
            w.extend([DIGITS[h], "trăm"]);
        }
        match t {
            0 if u > 0 && (h > 0 || !leading) => w.push("linh"),
            0 => {}
            1 => w.push("mười"),
            _ => w.extend([DIGITS[t], "mươi"]),
        }
        match u {
            0 => {}
            1 if t >= 2 => w.push("mốt"),
            5 if t >= 1 => w.push("lăm"),
            _ => w.push(DIGITS[u]),
        }
        if !SCALES[i].is_empty() {
            w.push(SCALES[i]);
        }
        parts.push(w.join(" "));
    }
    let mut text = if parts.is_empty() {
        "không".to_owned()
    } else {
        parts.join(" ")
    };
    if dong < 0 {
        text = format!("âm {text}");
    }
    let mut chars = text.chars();
    let first: String = chars
        .next()
        .map(|c| c.to_uppercase().collect())
        .unwrap_or_default();
    format!("{first}{} đồng", chars.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;

    #[test]
    fn rounds_half_up_to_the_dong() {
        assert_eq!(
            Vnd::round_half_up(dec!(241585402.5)).unwrap(),
            Vnd(241_585_403)
        );
        assert_eq!(
            Vnd::round_half_up(dec!(115960993.2)).unwrap(),
            Vnd(115_960_993)
        );
        assert_eq!(Vnd::round_half_up(dec!(-2.5)).unwrap(), Vnd(-3));
    }

    #[test]
    fn whole_amounts_only() {
        assert_eq!(Vnd::from_whole(dec!(1000)).unwrap(), Vnd(1000));
        assert_eq!(Vnd::from_whole(dec!(1000.5)), Err(MoneyError::Fractional));
    }

    #[test]
    fn amounts_from_text() {
        use AmountFormat::{Digits, Typed};
        use AmountTextError::*;
        for (text, format, expected) in [
            ("1000000", Digits, Ok(Vnd(1_000_000))),
            ("1", Digits, Ok(Vnd(1))),
            ("1e3", Digits, Err(NotDigits)),
            ("+1000", Digits, Err(Signed { negative: false })),
            ("-1000", Digits, Err(Signed { negative: true })),
            (" 1000", Digits, Err(NotDigits)),
            ("1000 ", Digits, Err(NotDigits)),
            ("0001000", Digits, Err(LeadingZero)),
            ("0", Digits, Err(Zero)),
            ("", Digits, Err(Empty)),
            ("1000.5", Digits, Err(Fractional)),
            ("1.000.000", Digits, Err(NotDigits)),
            ("0x10", Digits, Err(NotDigits)),
            ("١٠٠٠", Digits, Err(NotDigits)),
            ("99999999999999999999", Digits, Err(TooLarge)),
            ("1.000.000", Typed, Ok(Vnd(1_000_000))),
            ("1 000 000", Typed, Ok(Vnd(1_000_000))),
            (" 1\u{a0}000\u{a0}000 ", Typed, Ok(Vnd(1_000_000))),
            ("1000000", Typed, Ok(Vnd(1_000_000))),
            ("400.000.000", Typed, Ok(Vnd(400_000_000))),
            ("1.000 000", Typed, Err(NotDigits)),
            ("1.00.000", Typed, Err(NotDigits)),
            ("1000.000", Typed, Err(NotDigits)),
            ("1.5", Typed, Err(Fractional)),
            ("1000,5", Typed, Err(Fractional)),
            ("+1.000", Typed, Err(NotDigits)),
            ("-1000", Typed, Err(Signed { negative: true })),
            ("1e3", Typed, Err(NotDigits)),
            ("0001000", Typed, Err(LeadingZero)),
            (".000", Typed, Err(NotDigits)),
        ] {
            assert_eq!(parse_amount(text, format), expected, "{text:?} {format:?}");
        }
    }

    #[test]
    fn amounts_from_json_numbers_are_read_exactly() {
        use AmountTextError::*;
        for (text, expected) in [
            ("1000", Ok(Vnd(1000))),
            ("1000.0", Ok(Vnd(1000))),
            ("1e3", Ok(Vnd(1000))),
            ("8.136339E6", Ok(Vnd(8_136_339))),
            ("1000.0000000001", Err(Fractional)),
            ("1000.5", Err(Fractional)),
            ("0", Err(Zero)),
            ("-0.0", Err(Zero)),
            ("-1000", Err(Signed { negative: true })),
            ("1e400", Err(TooLarge)),
            ("99999999999999999999", Err(TooLarge)),
        ] {
            assert_eq!(amount_from_json_number(text), expected, "{text}");
        }
    }

    #[test]
    fn groups_thousands() {
        assert_eq!(Vnd(744_778_125).to_string(), "744,778,125");
        assert_eq!(Vnd(-1_000).grouped('.'), "-1.000");
        assert_eq!(Vnd(999).to_string(), "999");
    }

    #[test]
    fn amounts_in_words() {
        assert_eq!(in_words_vi(0), "Không đồng");
        assert_eq!(
            in_words_vi(1_234_567),
            "Một triệu hai trăm ba mươi bốn nghìn năm trăm sáu mươi bảy đồng"
        );
        assert_eq!(in_words_vi(105), "Một trăm linh năm đồng");
        assert_eq!(in_words_vi(15), "Mười lăm đồng");
        assert_eq!(in_words_vi(21), "Hai mươi mốt đồng");
        assert_eq!(
            in_words_vi(2_005_000),
            "Hai triệu không trăm linh năm nghìn đồng"
        );
        assert_eq!(in_words_vi(1_000_000_000), "Một tỷ đồng");
        assert_eq!(in_words_vi(3_000_000_000_000), "Ba nghìn tỷ đồng");
        assert_eq!(in_words_vi(-50_000), "Âm năm mươi nghìn đồng");
    }
}
