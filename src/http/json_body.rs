//! How JSON request bodies are read: one configuration for every JSON endpoint, so that a
//! body the endpoint cannot read is refused the same way everywhere, in the error envelope.
//!
//! - not JSON (`Content-Type` missing or another type): 415 `unsupported_content_type`;
//! - larger than [`MAX_JSON_BYTES`]: 413 `payload_too_large`;
//! - malformed, truncated or of the wrong shape: 400 `invalid_json`.
//!
//! Handlers take `web::Json<T>` (never `Option<web::Json<T>>`, which turns every one of these
//! refusals into an empty body). The 400 message says what is wrong and where, but never
//! repeats a value the client sent: serde's own messages quote values (`invalid type: integer
//! `12345678901234``), and a rejected value may be a password.

use actix_web::{HttpRequest, error, web};
use serde_json::error::Category;

use crate::error::AppError;

/// Largest JSON body accepted.
pub const MAX_JSON_BYTES: usize = 1024 * 1024;

/// The JSON extractor's configuration (registered once on the app).
pub fn config() -> web::JsonConfig {
    web::JsonConfig::default()
        .limit(MAX_JSON_BYTES)
        .content_type_required(true)
        // The refusal itself becomes the error: the request log records the error of every
        // 4xx, and serde's original (which quotes the value) must not reach it.
        .error_handler(|err, _req: &HttpRequest| refusal(&err).into())
}

/// The refusal of a body that could not be read as the endpoint's JSON.
pub fn refusal(err: &error::JsonPayloadError) -> AppError {
    match err {
        error::JsonPayloadError::Overflow { .. }
        | error::JsonPayloadError::OverflowKnownLength { .. } => AppError::PayloadTooLarge,
        error::JsonPayloadError::ContentType => AppError::UnsupportedMediaType,
        error::JsonPayloadError::Deserialize(e) => {
            let (vi, en) = describe(e);
            invalid(vi, en)
        }
        _ => invalid(
            "không đọc được nội dung gửi lên".into(),
            "the body could not be read".into(),
        ),
    }
}

fn invalid(vi: String, en: String) -> AppError {
    AppError::bad_request(
        "invalid_json",
        format!("JSON không hợp lệ: {vi}."),
        format!("Invalid JSON: {en}."),
    )
}

/// What a deserialisation error may tell the client, in Vietnamese and English: the kind of
/// problem, a field name serde reports, the type expected and the position — never the value.
pub fn describe(err: &serde_json::Error) -> (String, String) {
    let at_vi = format!(" (dòng {}, cột {})", err.line(), err.column());
    let at_en = format!(" (line {}, column {})", err.line(), err.column());
    let (vi, en) = match err.classify() {
        Category::Syntax => ("sai cú pháp".to_string(), "malformed JSON".to_string()),
        Category::Eof => (
            "nội dung bị cắt ngang (kết thúc sớm)".to_string(),
            "the body ends too early (truncated)".to_string(),
        ),
        Category::Io => (
            "không đọc được nội dung".to_string(),
            "the body could not be read".to_string(),
        ),
        Category::Data => data_problem(&err.to_string()),
    };
    (vi + &at_vi, en + &at_en)
}

/// serde's data errors, rebuilt from their parts that come from the program (field names of
/// the request type, the expected type), leaving out the parts that come from the client.
fn data_problem(message: &str) -> (String, String) {
    let message = message
        .rfind(" at line ")
        .map_or(message, |at| &message[..at]);
    let expected = message
        .rsplit_once(", expected ")
        .map(|(_, e)| e.to_string());
    let field = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .filter(|name| is_field_name(name))
            .map(str::to_string)
    };
    if let Some(name) = field("missing field `") {
        return (
            format!("thiếu trường `{name}`"),
            format!("missing field `{name}`"),
        );
    }
    if message.starts_with("unknown field `") {
        let name = field("unknown field `")
            .map(|n| format!(" `{n}`"))
            .unwrap_or_default();
        let allowed = expected
            .map(|e| format!(", expected {e}"))
            .unwrap_or_default();
        return (
            format!("trường{name} không được nhận{allowed}"),
            format!("unknown field{name}{allowed}"),
        );
    }
    if let Some(name) = field("duplicate field `") {
        return (
            format!("trường `{name}` lặp lại"),
            format!("duplicate field `{name}`"),
        );
    }
    let kind_en = if message.starts_with("invalid type") {
        "a value has the wrong type"
    } else if message.starts_with("invalid length") {
        "a list has the wrong length"
    } else if message.starts_with("unknown variant") {
        "a value is not one of the allowed names"
    } else {
        "a value is not valid"
    };
    let kind_vi = match kind_en {
        "a value has the wrong type" => "một giá trị sai kiểu",
        "a list has the wrong length" => "một danh sách sai độ dài",
        "a value is not one of the allowed names" => "một giá trị không thuộc các tên cho phép",
        _ => "một giá trị không hợp lệ",
    };
    match expected {
        Some(e) => (
            format!("{kind_vi}, cần {e}"),
            format!("{kind_en}, expected {e}"),
        ),
        None => (kind_vi.to_string(), kind_en.to_string()),
    }
}

fn is_field_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[expect(dead_code, reason = "only deserialised")]
    struct Login {
        username: String,
        password: String,
    }

    fn en(body: &str) -> String {
        let err = serde_json::from_str::<Login>(body).unwrap_err();
        describe(&err).1
    }

    #[test]
    fn values_are_never_repeated() {
        for (body, secret) in [
            (
                r#"{"username":"a","password":12345678901234}"#,
                "12345678901234",
            ),
            (
                r#"{"username":"a","password":["hunter2hunter2"]}"#,
                "hunter2",
            ),
            (
                r#"{"username":"a","password":{"x":"hunter2hunter2"}}"#,
                "hunter2",
            ),
            (r#"{"username":"a","password":true}"#, "true"),
            (r#"{"username":"a","password":1.5e300}"#, "1.5"),
        ] {
            let message = en(body);
            assert!(!message.contains(secret), "{body}: {message}");
            assert!(
                message.contains("wrong type, expected"),
                "{body}: {message}"
            );
        }
    }

    #[test]
    fn field_names_and_positions_are_kept() {
        assert!(en(r#"{"username":"a"}"#).starts_with("missing field `password`"));
        assert!(en(r#"{"username":"a","password":"b","x":1}"#).starts_with("unknown field `x`"));
        assert!(en(r#"{"username":"a","#).starts_with("the body ends too early"));
        assert!(en(r#"{"username" "a"}"#).starts_with("malformed JSON (line 1"));
    }
}

/// Whole numbers in request bodies, read as JSON Schema reads them: `3` and `3.0` are the same
/// integer (a client in JavaScript or Python may send either), `3.5`, `1e400` and a value
/// outside the field's range are not. For versions and ids only; amounts keep their own,
/// stricter reader ([`crate::http::payments_api::amount_from_json`]).
pub mod whole {
    use rust_decimal::Decimal;
    use rust_decimal::prelude::ToPrimitive;
    use serde::Deserialize;
    use serde::de::{self, Deserializer, Unexpected};

    /// The number's exact text, read as a decimal (never through `f64`, whose parse of
    /// `-2251799813685247.0` may land a quarter off): whole and within `i64`, or refused.
    fn exact(text: &str) -> Option<i64> {
        if !text.starts_with(|c: char| c == '-' || c.is_ascii_digit()) {
            return None;
        }
        let value = if text.contains(['e', 'E']) {
            Decimal::from_scientific(text)
        } else {
            Decimal::from_str_exact(text)
        }
        .ok()?;
        if value.fract().is_zero() {
            value.to_i64()
        } else {
            None
        }
    }

    fn read<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        let raw = Box::<serde_json::value::RawValue>::deserialize(d)?;
        let text = raw.get().trim();
        exact(text).ok_or_else(|| {
            de::Error::invalid_value(
                Unexpected::Other("a number that is not whole"),
                &"a whole number",
            )
        })
    }

    /// An `i64` field.
    pub fn i64<'de, D: Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
        read(d)
    }

    /// An `i32` field (a case version).
    pub fn i32<'de, D: Deserializer<'de>>(d: D) -> Result<i32, D::Error> {
        let v = read(d)?;
        i32::try_from(v).map_err(|_| de::Error::invalid_value(Unexpected::Signed(v), &"an i32"))
    }

    /// An optional `i64` field (`null` or absent is `None`; add `#[serde(default)]`).
    pub fn opt_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<i64>, D::Error> {
        #[derive(serde::Deserialize)]
        struct W(#[serde(deserialize_with = "i64")] i64);
        let v: Option<W> = serde::Deserialize::deserialize(d)?;
        Ok(v.map(|W(n)| n))
    }

    /// An optional list of `i64` (`null` or absent is `None`; add `#[serde(default)]`).
    pub fn opt_vec_i64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<i64>>, D::Error> {
        #[derive(serde::Deserialize)]
        struct W(#[serde(deserialize_with = "i64")] i64);
        let v: Option<Vec<W>> = serde::Deserialize::deserialize(d)?;
        Ok(v.map(|list| list.into_iter().map(|W(n)| n).collect()))
    }

    #[cfg(test)]
    mod tests {
        #[derive(serde::Deserialize, Debug)]
        struct T {
            #[serde(deserialize_with = "super::i32")]
            v: i32,
            #[serde(default, deserialize_with = "super::opt_vec_i64")]
            ids: Option<Vec<i64>>,
        }

        fn read(s: &str) -> Option<T> {
            serde_json::from_str(s).ok()
        }

        #[test]
        fn whole_numbers_in_either_spelling() {
            let t = read(r#"{"v": 284.0, "ids": [1, 2.0, -3, -2251799813685247.0, 3e2]}"#).unwrap();
            assert_eq!(t.v, 284);
            assert_eq!(t.ids, Some(vec![1, 2, -3, -2_251_799_813_685_247, 300]));
            assert_eq!(read(r#"{"v": 7}"#).unwrap().ids, None);
            assert_eq!(read(r#"{"v": 7, "ids": null}"#).unwrap().ids, None);
        }

        #[test]
        fn fractions_strings_and_out_of_range_are_refused() {
            for bad in [
                r#"{"v": 1.5}"#,
                r#"{"v": 1.0000000000000001}"#,
                r#"{"v": true}"#,
                r#"{"v": "1"}"#,
                r#"{"v": 2147483648}"#,
                r#"{"v": 1e300}"#,
                r#"{"v": 1, "ids": [1.5]}"#,
                r#"{"v": 1, "ids": [9223372036854775808]}"#,
            ] {
                assert!(read(bad).is_none(), "{bad}");
            }
        }
    }
}
