//! Why a set of policy tables was rejected: always names the file and the key.

use std::fmt;

/// A policy table that cannot be used, naming the file and the key at fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyError {
    /// The file name as handed to [`super::PolicySet::from_sources`].
    pub file: String,
    /// The key (dotted path) at fault, or `-` when the whole file is at fault.
    pub key: String,
    /// What is wrong.
    pub message: String,
}

impl PolicyError {
    /// An error about `key` in `file`.
    pub fn new(file: &str, key: impl Into<String>, message: impl Into<String>) -> Self {
        PolicyError {
            file: file.to_owned(),
            key: key.into(),
            message: message.into(),
        }
    }

    /// A TOML syntax or shape error. The key is the field the parser names for missing or
    /// unknown fields, otherwise the key on the offending line; the line number is added.
    pub(crate) fn from_toml(file: &str, text: &str, err: &toml::de::Error) -> Self {
        let message = err.message().trim().to_owned();
        let named = message.split('`').nth(1).map(str::to_owned);
        let start = err.span().map(|s| s.start);
        let line_no = start
            .and_then(|s| text.get(..s))
            .map(|before| before.matches('\n').count() + 1);
        let line_key = start.and_then(|s| {
            let line_start = text.get(..s)?.rfind('\n').map_or(0, |i| i + 1);
            let line = text.get(line_start..)?.lines().next()?;
            let (lhs, _) = line.split_once('=')?;
            Some(lhs.trim().to_owned())
        });
        let is_field_error =
            message.starts_with("missing field") || message.starts_with("unknown field");
        let key = if is_field_error {
            named.or(line_key)
        } else {
            line_key.or(named)
        }
        .unwrap_or_else(|| "-".to_owned());
        let message = match line_no {
            Some(l) => format!("{message} (line {l})"),
            None => message,
        };
        PolicyError::new(file, key, message)
    }
}

impl fmt::Display for PolicyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: key `{}`: {}", self.file, self.key, self.message)
    }
}

impl std::error::Error for PolicyError {}
