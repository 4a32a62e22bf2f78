//! One thing wrong (or worth a look) in an uploaded roster, located as the user sees it.

use serde::Serialize;

/// Whether a problem stops the row from being imported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The row is not imported.
    Error,
    /// The row is imported; the sender should check the value.
    Warning,
}

/// A problem in one cell (or row, or header) of the file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// Sheet name (`""` for a CSV file).
    pub sheet: String,
    /// Row number as shown by Excel (1-based); `None` for problems of the whole sheet.
    pub row: Option<u32>,
    /// The column's header text as written in the file; `None` for whole-row problems.
    pub column: Option<String>,
    /// The cell's value as text (at most 200 characters).
    pub value: Option<String>,
    /// Stable machine-readable code, e.g. `NATIONAL_ID_LENGTH`.
    pub code: &'static str,
    /// What is wrong and how to fix it, in Vietnamese.
    pub message_vi: String,
    /// What is wrong and how to fix it, in English.
    pub message_en: String,
    /// Error (row rejected) or warning.
    pub severity: Severity,
}

/// Longest cell value copied into a [`Problem`].
pub const MAX_VALUE_CHARS: usize = 200;

/// `value` shortened to [`MAX_VALUE_CHARS`] characters.
pub fn clip_value(value: &str) -> String {
    match value.char_indices().nth(MAX_VALUE_CHARS) {
        Some((cut, _)) => format!("{}…", &value[..cut]),
        None => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_clipped_on_a_char_boundary() {
        let long = "ữ".repeat(500);
        let clipped = clip_value(&long);
        assert_eq!(clipped.chars().count(), MAX_VALUE_CHARS + 1);
        assert_eq!(clip_value("abc"), "abc");
    }

    #[test]
    fn serializes_as_the_cli_json_shape() {
        let p = Problem {
            sheet: "DS".into(),
            row: Some(7),
            column: Some("Ngày sinh".into()),
            value: Some("31/02/1970".into()),
            code: "DATE_INVALID",
            message_vi: "vi".into(),
            message_en: "en".into(),
            severity: Severity::Error,
        };
        let json = serde_json::to_value(&p).unwrap();
        assert_eq!(json["row"], 7);
        assert_eq!(json["code"], "DATE_INVALID");
        assert_eq!(json["severity"], "error");
    }
}
