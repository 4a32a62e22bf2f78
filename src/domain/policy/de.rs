//! Deserialisers for policy-table values: exact decimals (quoted strings or integers, never
//! floats), dates (quoted `YYYY-MM-DD` or TOML local dates), shared strings.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Deserialize;
use serde::de::{self, Deserializer, Visitor};

use super::calendar::YearMonth;

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal as a quoted string (e.g. \"0.5\") or an integer")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        Decimal::from_str_exact(v.trim())
            .map_err(|_| E::custom(format!("`{v}` is not an exact decimal")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
}

/// An exact decimal from a quoted string or an integer.
pub(crate) fn decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

#[derive(Deserialize)]
#[serde(untagged)]
enum DateText {
    Text(String),
    Toml(toml::value::Datetime),
}

fn parse_date<E: de::Error>(raw: DateText) -> Result<NaiveDate, E> {
    let text = match raw {
        DateText::Text(t) => t,
        DateText::Toml(t) => t.to_string(),
    };
    NaiveDate::from_str(&text)
        .map_err(|_| E::custom(format!("`{text}` is not a date (YYYY-MM-DD)")))
}

/// A date from `"YYYY-MM-DD"` or a TOML local date.
pub(crate) fn date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    parse_date(DateText::deserialize(d)?)
}

/// An optional date.
pub(crate) fn opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    date(d).map(Some)
}

/// A month from `"YYYY-MM"`.
pub(crate) fn year_month<'de, D: Deserializer<'de>>(d: D) -> Result<YearMonth, D::Error> {
    let text = String::deserialize(d)?;
    YearMonth::parse(&text)
        .ok_or_else(|| de::Error::custom(format!("`{text}` is not a month (YYYY-MM)")))
}

/// A shared string (legal citations are cloned into every result).
pub(crate) fn arc_str<'de, D: Deserializer<'de>>(d: D) -> Result<Arc<str>, D::Error> {
    String::deserialize(d).map(Arc::from)
}
