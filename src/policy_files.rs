//! Where the policy tables come from: the set compiled into the binary (the repository's
//! `policy_tables/` at build time, the default, so an installed binary starts from any
//! folder), or a folder named by the `policy_dir` setting, whose `*.toml` files (sorted by
//! name) replace the embedded set whole, so the tables can change without a new release.
//! Either way [`PolicySet::from_sources`] does all parsing and validation, and the set's
//! [`PolicySet::fingerprint`] says which tables are in force (start-up log, `/readyz`).

use std::fmt;
use std::path::{Path, PathBuf};

use crate::domain::policy::{PolicyError, PolicySet};

/// Why the policy directory could not be loaded; always names the file (and key).
#[derive(Debug)]
pub enum PolicyLoadError {
    /// The directory or a file could not be read.
    Io {
        /// The path that failed.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A file was read but its content is not a valid table (or the set is incomplete).
    Invalid(PolicyError),
}

impl fmt::Display for PolicyLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PolicyLoadError::Io { path, source } => {
                write!(f, "{}: cannot read: {source}", path.display())
            }
            PolicyLoadError::Invalid(e) => write!(f, "policy tables: {e}"),
        }
    }
}

impl std::error::Error for PolicyLoadError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            PolicyLoadError::Io { source, .. } => Some(source),
            PolicyLoadError::Invalid(e) => Some(e),
        }
    }
}

impl From<PolicyError> for PolicyLoadError {
    fn from(e: PolicyError) -> Self {
        PolicyLoadError::Invalid(e)
    }
}

/// The repository's policy folder, relative to the working directory (where the tables are
/// edited; the binary embeds them from there).
pub fn default_dir() -> PathBuf {
    PathBuf::from("policy_tables")
}

macro_rules! embedded {
    ($($file:literal)*) => {
        &[$(($file, include_str!(concat!("../policy_tables/", $file))),)*]
    };
}

/// The tables compiled into the binary, sorted by file name (a test checks that the list is
/// the folder's every `*.toml` file).
pub const EMBEDDED: &[(&str, &str)] = embedded!(
    "armed_forces_service_age.toml"
    "base_salary.toml"
    "cliffs.toml"
    "counting.toml"
    "early_retirement.toml"
    "interpretations.toml"
    "part_time.toml"
    "payment_deadlines.toml"
    "pension_threshold.toml"
    "quit.toml"
    "retirement_age.toml"
    "rounding.toml"
    "salary.toml"
    "top_up_79_hcmc.toml"
);

/// The embedded tables.
pub fn load_embedded() -> Result<PolicySet, PolicyLoadError> {
    let sources: Vec<(String, String)> = EMBEDDED
        .iter()
        .map(|(name, text)| ((*name).to_owned(), (*text).to_owned()))
        .collect();
    Ok(PolicySet::from_sources(&sources)?)
}

/// The tables of `dir` when given (replacing the embedded set whole), else the embedded ones.
pub fn load(dir: Option<&Path>) -> Result<PolicySet, PolicyLoadError> {
    match dir {
        Some(dir) => load_dir(dir),
        None => load_embedded(),
    }
}

/// Which set is in force, in words for the log and `/readyz`: `embedded` or `folder`.
pub fn source_name(dir: Option<&Path>) -> &'static str {
    if dir.is_some() { "folder" } else { "embedded" }
}

/// Reads every `*.toml` file in `dir` (sorted by file name) and builds the policy set.
pub fn load_dir(dir: &Path) -> Result<PolicySet, PolicyLoadError> {
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| PolicyLoadError::Io { path, source }
    };
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(io(dir))? {
        let path = entry.map_err(io(dir))?.path();
        if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
            paths.push(path);
        }
    }
    paths.sort();
    let mut sources = Vec::with_capacity(paths.len());
    for path in &paths {
        let text = std::fs::read_to_string(path).map_err(io(path))?;
        let name = path.file_name().map_or_else(
            || path.display().to_string(),
            |n| n.to_string_lossy().into_owned(),
        );
        sources.push((name, text));
    }
    Ok(PolicySet::from_sources(&sources)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_set_is_the_folder() {
        let mut names: Vec<String> =
            std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables"))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .filter(|n| n.ends_with(".toml"))
                .collect();
        names.sort();
        let embedded: Vec<&str> = EMBEDDED.iter().map(|(n, _)| *n).collect();
        assert_eq!(embedded, names);
        let from_folder = load_dir(Path::new(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/policy_tables"
        )))
        .unwrap();
        let embedded = load_embedded().unwrap();
        assert_eq!(embedded.fingerprint(), from_folder.fingerprint());
        assert_eq!(embedded.versions(), from_folder.versions());
        assert_eq!(embedded.fingerprint().len(), 64);
    }
}
