//! Exact numbers as the JSON contract carries them: coefficients and percentages as decimal
//! strings; money as a decimal string or a JSON integer. Floating-point JSON numbers are
//! refused, so no value ever passes through `f64`.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, OneOfBuilder, Schema, Type};

/// A decimal given as a string, e.g. `"4.65"` or `"25"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecimalString(pub Decimal);

/// An amount of đồng given as a decimal string (`"19326832.2"`) or a JSON integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MoneyValue(pub Decimal);

const DECIMAL_PATTERN: &str = r"^-?[0-9]+(\.[0-9]+)?$";

fn parse_text<E: de::Error>(v: &str) -> Result<Decimal, E> {
    let body = v.strip_prefix('-').unwrap_or(v);
    let (whole, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |t: &str| !t.is_empty() && t.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(frac) {
        return Err(E::custom(format!(
            "`{v}` is not a decimal number (digits, optional '.')"
        )));
    }
    Decimal::from_str_exact(v).map_err(|_| E::custom(format!("`{v}` has too many digits")))
}

struct TextVisitor;

impl Visitor<'_> for TextVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal string such as \"4.65\"")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_text(v)
    }
}

struct MoneyVisitor;

impl Visitor<'_> for MoneyVisitor {
    type Value = Decimal;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(
            "an amount of đồng as an integer or a decimal string (fractions only as strings)",
        )
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_text(v)
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }
}

impl<'de> Deserialize<'de> for DecimalString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor).map(DecimalString)
    }
}

impl<'de> Deserialize<'de> for MoneyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(MoneyVisitor).map(MoneyValue)
    }
}

impl Serialize for DecimalString {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

impl Serialize for MoneyValue {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(&self.0.normalize())
    }
}

fn text_schema() -> ObjectBuilder {
    ObjectBuilder::new()
        .schema_type(Type::String)
        .pattern(Some(DECIMAL_PATTERN))
}

impl utoipa::PartialSchema for DecimalString {
    fn schema() -> RefOr<Schema> {
        text_schema().examples(["4.65"]).into()
    }
}

impl utoipa::ToSchema for DecimalString {}

impl utoipa::PartialSchema for MoneyValue {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(text_schema())
            .item(ObjectBuilder::new().schema_type(Type::Integer))
            .into()
    }
}

impl utoipa::ToSchema for MoneyValue {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_strings_money_may_be_integer() {
        let d: DecimalString = serde_json::from_str("\"4.65\"").unwrap();
        assert_eq!(d.0.to_string(), "4.65");
        assert!(serde_json::from_str::<DecimalString>("4.65").is_err());
        assert!(serde_json::from_str::<DecimalString>("\"1e3\"").is_err());
        assert!(serde_json::from_str::<DecimalString>("\".5\"").is_err());
        let m: MoneyValue = serde_json::from_str("30000000").unwrap();
        assert_eq!(m.0.to_string(), "30000000");
        assert!(serde_json::from_str::<MoneyValue>("3.5").is_err());
        let m: MoneyValue = serde_json::from_str("\"19326832.2\"").unwrap();
        assert_eq!(m.0.to_string(), "19326832.2");
    }
}
