//! Reading policy tables from disk: the only I/O on the way to a [`PolicySet`]. Every `*.toml`
//! file in the directory is read (sorted by name) and handed to
//! [`PolicySet::from_sources`], which does all parsing and validation.

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

/// The default policy directory, relative to the working directory.
pub fn default_dir() -> PathBuf {
    PathBuf::from("policy_tables")
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
