//! The `[meta]` header every policy file starts with.

use serde::Deserialize;

/// Identity of a policy file: results cite `id` and `version`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Meta {
    /// Stable identifier, unique across the set (e.g. `base_salary`, `top_up_79`).
    pub id: String,
    /// What the file holds; decides its shape (e.g. `base_salary`, `provincial_top_up`).
    pub kind: String,
    /// Version label, changed whenever the content changes.
    pub version: String,
    /// Human title (Vietnamese / English).
    pub title: String,
    /// Legal instruments the file transcribes.
    pub citation: String,
}

/// Just enough of a file to learn its kind before parsing it strictly.
#[derive(Debug, Deserialize)]
pub(crate) struct Probe {
    pub meta: Meta,
}
