//! Schemas written by hand, for the shapes utoipa's derive cannot state (exactly one of two
//! selections, a value that is a number or a string of digits, one item or a batch). A leaf:
//! handlers use it for their request types, and the document (`openapi.rs`) lists handlers.

/// A schema written as JSON Schema text, for the shapes the derive cannot state (exactly one
/// of two selections, a value that is a number or a string of digits). A text that does not
/// read as a schema becomes an empty object schema; the test below reads each of them.
pub(crate) fn json_schema(
    value: serde_json::Value,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    serde_json::from_value(value).unwrap_or_else(|_| {
        utoipa::openapi::RefOr::T(utoipa::openapi::schema::Schema::Object(Default::default()))
    })
}

/// `T`, or an array of `T`s: a body that takes (or answers) one item or a batch.
pub(crate) fn one_or_many<T: utoipa::ToSchema>(
    description: &str,
) -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    let one = serde_json::json!({"$ref": format!("#/components/schemas/{}", T::name())});
    json_schema(serde_json::json!({
        "description": description,
        "oneOf": [one, {"type": "array", "items": one}]
    }))
}

/// Registers `T` (and what it refers to) for a hand-written schema that refers to it.
pub(crate) fn with_schema<T: utoipa::ToSchema>(
    schemas: &mut Vec<(
        String,
        utoipa::openapi::RefOr<utoipa::openapi::schema::Schema>,
    )>,
) {
    schemas.push((T::name().into_owned(), T::schema()));
    T::schemas(schemas);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hand_written_schemas_keep_every_keyword() {
        let text = serde_json::json!({
            "oneOf": [
                {"type": "object", "required": ["ids"], "additionalProperties": false,
                 "properties": {"ids": {"type": "array", "minItems": 1,
                                        "items": {"type": "integer", "format": "int64"}},
                                "filter": {"type": "null"}}},
                {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"}
            ]
        });
        let back = serde_json::to_value(json_schema(text.clone())).unwrap_or_default();
        assert_eq!(back, text);
    }
}
