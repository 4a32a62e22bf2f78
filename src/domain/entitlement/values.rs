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

/// The largest magnitude a JSON integer amount may have: 15 digits, as for a decimal string
/// (the input's own range check refuses far less, as a result line).
const MONEY_BOUND: f64 = 999_999_999_999_999.0;

/// Digits before and after the point of a decimal string: 27 in all, always exact in a
/// `Decimal` (28 significant digits).
const WHOLE_DIGITS: usize = 15;
const FRACTION_DIGITS: usize = 12;
const DECIMAL_PATTERN: &str = r"^-?[0-9]{1,15}(\.[0-9]{1,12})?$";

fn parse_text<E: de::Error>(v: &str) -> Result<Decimal, E> {
    let body = v.strip_prefix('-').unwrap_or(v);
    let (whole, frac) = body.split_once('.').unwrap_or((body, "0"));
    let digits = |t: &str, most: usize| {
        !t.is_empty() && t.len() <= most && t.bytes().all(|b| b.is_ascii_digit())
    };
    if !digits(whole, WHOLE_DIGITS) || !digits(frac, FRACTION_DIGITS) {
        return Err(E::custom(format!(
            "`{v}` is not a decimal number (at most {WHOLE_DIGITS} digits, optional '.' and at \
             most {FRACTION_DIGITS} more)"
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

impl<'de> Deserialize<'de> for DecimalString {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(TextVisitor).map(DecimalString)
    }
}

/// Money is read from the exact text of the JSON value: a decimal string, or a number whose
/// value is whole (`30000000`, `30000000.0`, `3e7`: JSON Schema's integers), never through
/// `f64`, so an integer too large for 64 bits is still read exactly.
impl<'de> Deserialize<'de> for MoneyValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get().trim();
        if text.starts_with('"') {
            let s: String = serde_json::from_str(text).map_err(de::Error::custom)?;
            return parse_text(&s).map(MoneyValue);
        }
        let expected =
            "an amount of đồng as an integer or a decimal string (fractions only as strings)";
        if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            return Err(de::Error::invalid_type(
                de::Unexpected::Other(text.get(..1).unwrap_or("")),
                &expected,
            ));
        }
        let exact = if text.contains(['e', 'E']) {
            Decimal::from_scientific(text)
        } else {
            Decimal::from_str_exact(text)
        }
        .map_err(|_| de::Error::custom(format!("`{text}` has too many digits")))?;
        if exact.abs() > Decimal::from(999_999_999_999_999_i64) {
            Err(de::Error::custom(format!(
                "`{text}`: at most {WHOLE_DIGITS} digits"
            )))
        } else if exact.fract().is_zero() {
            Ok(MoneyValue(exact.trunc()))
        } else {
            Err(de::Error::custom(format!("`{text}`: {expected}")))
        }
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

/// A nested object of the input, read only from a JSON object (serde's derive would also take
/// an array of the fields in order, which the contract does not allow).
pub(super) fn object<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Object<T>(std::marker::PhantomData<T>);
    impl<'de, T: Deserialize<'de>> Visitor<'de> for Object<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: de::MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    d.deserialize_map(Object(std::marker::PhantomData))
}

/// A count of months: a JSON integer, or a number with nothing after the point (`12.0`),
/// which JSON Schema counts as the same integer; `null` is none.
pub(super) fn whole_months<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    struct Months;
    impl Visitor<'_> for Months {
        type Value = Option<u32>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a whole number of months")
        }
        fn visit_unit<E: de::Error>(self) -> Result<Option<u32>, E> {
            Ok(None)
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<Option<u32>, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Unsigned(v), &self))
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<Option<u32>, E> {
            u32::try_from(v)
                .map(Some)
                .map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
        #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<Option<u32>, E> {
            if v.fract() == 0.0 && (0.0..=f64::from(u32::MAX)).contains(&v) {
                Ok(Some(v as u32))
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
    }
    d.deserialize_any(Months)
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
            .item(
                ObjectBuilder::new()
                    .schema_type(Type::Integer)
                    .minimum(Some(-MONEY_BOUND))
                    .maximum(Some(MONEY_BOUND)),
            )
            .into()
    }
}

impl utoipa::ToSchema for MoneyValue {}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Deserialize, Debug, Default, PartialEq)]
    struct Inner {
        a: Option<u32>,
    }

    #[derive(Deserialize, Debug)]
    struct Outer {
        #[serde(default, deserialize_with = "object")]
        inner: Inner,
        #[serde(default, deserialize_with = "whole_months")]
        months: Option<u32>,
    }

    #[test]
    fn nested_objects_only_and_whole_months() {
        let o: Outer = serde_json::from_str(r#"{"inner": {"a": 1}, "months": 12.0}"#).unwrap();
        assert_eq!((o.inner, o.months), (Inner { a: Some(1) }, Some(12)));
        let o: Outer = serde_json::from_str(r#"{"months": null}"#).unwrap();
        assert_eq!((o.inner, o.months), (Inner::default(), None));
        for bad in [
            r#"{"inner": [1]}"#,
            r#"{"inner": [null]}"#,
            r#"{"months": 1.5}"#,
            r#"{"months": -1}"#,
            r#"{"months": 4294967296}"#,
        ] {
            assert!(serde_json::from_str::<Outer>(bad).is_err(), "{bad}");
        }
    }

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
        assert!(serde_json::from_str::<MoneyValue>("30000000.0000000001").is_err());
        assert!(serde_json::from_str::<MoneyValue>("true").is_err());
        let m: MoneyValue = serde_json::from_str("3.0e7").unwrap();
        assert_eq!(m.0.to_string(), "30000000");
        let m: MoneyValue = serde_json::from_str("-999999999999999").unwrap();
        assert_eq!(m.0.to_string(), "-999999999999999");
        assert!(serde_json::from_str::<MoneyValue>("-252041657625190727680").is_err());
        assert!(serde_json::from_str::<MoneyValue>("1000000000000000").is_err());
        assert!(serde_json::from_str::<MoneyValue>("\"1000000000000000\"").is_err());
        assert!(serde_json::from_str::<DecimalString>("\"1.0000000000001\"").is_err());
        let m: MoneyValue = serde_json::from_str("\"19326832.2\"").unwrap();
        assert_eq!(m.0.to_string(), "19326832.2");
    }
}
