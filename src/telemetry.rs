//! Logging set up once: human-readable lines on a terminal, JSON lines when
//! `STAFFPAY_LOG_FORMAT=json`; level from `RUST_LOG` (default `info`).
//!
//! Personal data (names, national ids, salaries, bank accounts) is never logged: log fields
//! carry ids, codes, counts and outcomes only.

use tracing_subscriber::EnvFilter;

use crate::config::{ConfigError, LogFormat};

/// Installs the global subscriber. Logs go to standard error so that commands which print
/// results (`calc`, `--json`) keep standard output clean.
pub fn init() -> Result<(), ConfigError> {
    let format = LogFormat::parse(&std::env::var("STAFFPAY_LOG_FORMAT").unwrap_or_default())?;
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    let result = match format {
        LogFormat::Json => builder
            .json()
            .with_current_span(true)
            .with_span_list(false)
            .try_init(),
        LogFormat::Human => builder.with_target(false).try_init(),
    };
    // A second initialisation (tests) keeps the first subscriber.
    drop(result);
    Ok(())
}
