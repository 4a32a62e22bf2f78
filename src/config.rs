//! Typed configuration: command-line flags > environment variables > optional TOML file >
//! defaults. Every setting is documented in `docs/CONFIGURATION.md` and README.
//!
//! Secrets (the database password inside a URL, the secret key) are wrapped so that `Debug`
//! and `Display` never print them. An invalid value stops start-up with a message naming the
//! setting.

use std::fmt;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

/// Default bind address of `staffpay serve`.
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Default database: an SQLite file created on first start.
pub const DEFAULT_DATABASE: &str = "data/staffpay.db";

/// A configuration problem, naming the setting.
#[derive(Debug, thiserror::Error)]
#[error("invalid configuration: {setting}: {message}")]
pub struct ConfigError {
    pub setting: &'static str,
    pub message: String,
}

impl ConfigError {
    pub fn new(setting: &'static str, message: impl Into<String>) -> Self {
        ConfigError {
            setting,
            message: message.into(),
        }
    }
}

/// A value that must never be printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(value: impl Into<String>) -> Self {
        Secret(value.into())
    }
    /// The secret itself, for the one place that needs it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

/// Which database, parsed from `--database-url` / `DATABASE_URL`.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (a plain path, `sqlite://PATH` or a `file:` URI).
    Sqlite(String),
    /// A PostgreSQL server (`postgres://` or `postgresql://`).
    Postgres(Secret),
}

impl DatabaseUrl {
    /// Parses a database URL; the scheme selects the backend.
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        let raw = raw.trim();
        if raw.is_empty() {
            return Err(ConfigError::new("database_url", "is empty"));
        }
        if raw.starts_with("postgres://") || raw.starts_with("postgresql://") {
            return Ok(DatabaseUrl::Postgres(Secret::new(raw)));
        }
        if let Some(path) = raw.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(ConfigError::new(
                    "database_url",
                    "sqlite:// needs a file path",
                ));
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        if let Some(path) = raw.strip_prefix("sqlite:") {
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        if raw.starts_with("file:") {
            return Ok(DatabaseUrl::Sqlite(raw.to_string()));
        }
        if let Some((scheme, _)) = raw.split_once("://") {
            return Err(ConfigError::new(
                "database_url",
                format!(
                    "unknown scheme '{scheme}://': use a file path or sqlite://PATH for SQLite, \
                     postgres://... for PostgreSQL"
                ),
            ));
        }
        Ok(DatabaseUrl::Sqlite(raw.to_string()))
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, DatabaseUrl::Postgres(_))
    }

    /// The name of the backend, for logs and `/readyz`.
    pub fn backend_name(&self) -> &'static str {
        match self {
            DatabaseUrl::Sqlite(_) => "sqlite",
            DatabaseUrl::Postgres(_) => "postgres",
        }
    }
}

impl fmt::Display for DatabaseUrl {
    /// Prints the backend and location without credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DatabaseUrl::Sqlite(path) => write!(f, "sqlite:{path}"),
            DatabaseUrl::Postgres(url) => {
                let s = url.expose();
                let after_scheme = s.split_once("://").map(|x| x.1).unwrap_or(s);
                let host_part = after_scheme
                    .rsplit_once('@')
                    .map(|x| x.1)
                    .unwrap_or(after_scheme);
                let host_part = host_part.split('?').next().unwrap_or(host_part);
                write!(f, "postgres://{host_part}")
            }
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

/// Log output format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines (the default on a terminal).
    Human,
    /// One JSON object per line (`STAFFPAY_LOG_FORMAT=json`).
    Json,
}

impl LogFormat {
    pub fn parse(raw: &str) -> Result<Self, ConfigError> {
        match raw.trim().to_ascii_lowercase().as_str() {
            "" | "human" | "text" | "pretty" => Ok(LogFormat::Human),
            "json" => Ok(LogFormat::Json),
            other => Err(ConfigError::new(
                "log_format",
                format!("'{other}' is not one of: human, json"),
            )),
        }
    }
}

/// Values given on the command line or in the environment (clap reads both); `None` means
/// "not given", so that the file and the defaults can fill in.
#[derive(Debug, Default, Clone)]
pub struct Overrides {
    pub config_file: Option<PathBuf>,
    pub bind: Option<String>,
    pub database_url: Option<String>,
    pub policy_dir: Option<PathBuf>,
    pub pool_size: Option<u32>,
    pub secret_key: Option<String>,
    pub session_ttl_minutes: Option<u64>,
    pub reports_dir: Option<PathBuf>,
    /// Addresses / networks of the proxies whose forwarding headers are believed.
    pub trusted_proxies: Option<Vec<String>>,
}

/// The optional configuration file (TOML); keys as in [`Settings`].
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileSettings {
    bind: Option<String>,
    database_url: Option<String>,
    policy_dir: Option<PathBuf>,
    pool_size: Option<u32>,
    secret_key: Option<String>,
    session_ttl_minutes: Option<u64>,
    reports_dir: Option<PathBuf>,
    db_connect_timeout_secs: Option<u64>,
    max_upload_bytes: Option<u64>,
    max_rows: Option<usize>,
    max_unpacked_bytes: Option<u64>,
    max_part_bytes: Option<u64>,
    max_cell_bytes: Option<u64>,
    match_name_threshold: Option<f64>,
    match_date_window_days: Option<u32>,
    trusted_proxies: Option<Vec<String>>,
    confirm_above_vnd: Option<i64>,
    upload_wait_seconds: Option<u64>,
}

/// The resolved configuration of one process.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Address `serve` listens on.
    pub bind: SocketAddr,
    /// The database.
    pub database: DatabaseUrl,
    /// Folder of policy tables that replaces the embedded set whole; `None`: the tables
    /// compiled into the binary.
    pub policy_dir: Option<PathBuf>,
    /// Connections in the pool.
    pub pool_size: u32,
    /// How long to wait for a database connection before failing.
    pub db_connect_timeout: Duration,
    /// Key for the keyed hashes of tokens and lookup codes. When absent, a key is generated
    /// once and kept in the database (so that every instance on it shares it).
    pub secret_key: Option<Secret>,
    /// Lifetime of a login token / web session.
    pub session_ttl: Duration,
    /// Where generated workbooks go by default.
    pub reports_dir: PathBuf,
    /// Largest accepted upload.
    pub max_upload_bytes: u64,
    /// Largest accepted number of data rows in one sheet.
    pub max_rows: usize,
    /// Bounds on what reading one spreadsheet may unpack: total and per-part unpacked bytes,
    /// bytes of one cell's text (file keys `max_unpacked_bytes`, `max_part_bytes`,
    /// `max_cell_bytes`).
    pub read_limits: crate::import::limits::ReadLimits,
    /// Statement matching without a reference: the lowest name similarity (0–1, Jaro–Winkler
    /// over folded tokens) and the most days between payment and line.
    pub matching: crate::domain::matching::MatchSettings,
    /// The load balancers / reverse proxies whose `Forwarded`, `X-Forwarded-For` and
    /// `X-Forwarded-Proto` are believed (default: none; see `http::client`).
    pub trusted_proxies: crate::net::TrustedProxies,
    /// Approving a case entitled to more than this (whole đồng) on the web asks to confirm,
    /// with the amount in words (every payment is confirmed whatever its size).
    pub confirm_above_vnd: i64,
    /// How long an upload from the web waits for its import before answering with the job's
    /// page, which refreshes itself until the result (file key `upload_wait_seconds`; 0: always
    /// the job's page).
    pub upload_wait: Duration,
}

/// An upload from the web answers with its result if the import ends within this many seconds.
pub const DEFAULT_UPLOAD_WAIT_SECONDS: u64 = 3;

/// Approvals above 500.000.000 đồng ask to confirm on the web unless set otherwise.
pub const DEFAULT_CONFIRM_ABOVE_VND: i64 = 500_000_000;

impl Settings {
    /// Resolves flags > environment > file > defaults.
    pub fn resolve(overrides: Overrides) -> Result<Self, ConfigError> {
        let file = match &overrides.config_file {
            Some(path) => read_file(path)?,
            None => FileSettings::default(),
        };
        let read_limits = read_limits(&file)?;

        let bind_raw = overrides
            .bind
            .or(file.bind)
            .unwrap_or_else(|| DEFAULT_BIND.to_string());
        let bind: SocketAddr = bind_raw.parse().map_err(|_| {
            ConfigError::new(
                "bind",
                format!("'{bind_raw}' is not an address such as 127.0.0.1:8080"),
            )
        })?;

        let database_raw = overrides
            .database_url
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE.to_string());
        let database = DatabaseUrl::parse(&database_raw)?;

        let pool_size = overrides.pool_size.or(file.pool_size).unwrap_or(8);
        if !(1..=256).contains(&pool_size) {
            return Err(ConfigError::new("pool_size", "must be between 1 and 256"));
        }

        let secret_key = overrides.secret_key.or(file.secret_key).map(Secret::new);
        if secret_key
            .as_ref()
            .is_some_and(|key| key.expose().len() < 32)
        {
            return Err(ConfigError::new(
                "secret_key",
                "must be at least 32 characters (e.g. 64 hex digits)",
            ));
        }

        let ttl_minutes = overrides
            .session_ttl_minutes
            .or(file.session_ttl_minutes)
            .unwrap_or(120);
        if !(1..=24 * 60).contains(&ttl_minutes) {
            return Err(ConfigError::new(
                "session_ttl_minutes",
                "must be between 1 and 1440",
            ));
        }

        let confirm_above_vnd = file.confirm_above_vnd.unwrap_or(DEFAULT_CONFIRM_ABOVE_VND);
        if confirm_above_vnd < 0 {
            return Err(ConfigError::new(
                "confirm_above_vnd",
                "must be 0 or more (whole đồng)",
            ));
        }
        let upload_wait = file
            .upload_wait_seconds
            .unwrap_or(DEFAULT_UPLOAD_WAIT_SECONDS);
        if upload_wait > 60 {
            return Err(ConfigError::new(
                "upload_wait_seconds",
                "must be between 0 and 60 (seconds)",
            ));
        }
        let max_upload_bytes = file.max_upload_bytes.unwrap_or(32 * 1024 * 1024);
        let max_rows = file.max_rows.unwrap_or(500_000);

        let defaults = crate::domain::matching::MatchSettings::default();
        let name_threshold = file.match_name_threshold.unwrap_or(defaults.name_threshold);
        if !(0.5..=1.0).contains(&name_threshold) {
            return Err(ConfigError::new(
                "match_name_threshold",
                "must be between 0.5 and 1.0",
            ));
        }
        let date_window_days = file
            .match_date_window_days
            .unwrap_or(defaults.date_window_days);
        if date_window_days > 90 {
            return Err(ConfigError::new(
                "match_date_window_days",
                "must be at most 90",
            ));
        }

        let trusted_proxies = crate::net::TrustedProxies::parse(
            overrides
                .trusted_proxies
                .or(file.trusted_proxies)
                .unwrap_or_default()
                .iter()
                .map(String::as_str),
        )
        .map_err(|message| ConfigError::new("trusted_proxies", message))?;

        Ok(Settings {
            bind,
            database,
            policy_dir: overrides.policy_dir.or(file.policy_dir),
            pool_size,
            db_connect_timeout: Duration::from_secs(file.db_connect_timeout_secs.unwrap_or(5)),
            secret_key,
            session_ttl: Duration::from_secs(ttl_minutes * 60),
            reports_dir: overrides
                .reports_dir
                .or(file.reports_dir)
                .unwrap_or_else(|| PathBuf::from("reports")),
            max_upload_bytes,
            max_rows,
            read_limits,
            matching: crate::domain::matching::MatchSettings {
                name_threshold,
                date_window_days,
            },
            trusted_proxies,
            confirm_above_vnd,
            upload_wait: Duration::from_secs(upload_wait),
        })
    }
}

/// The spreadsheet read bounds from the file, each at least 1 KiB.
fn read_limits(file: &FileSettings) -> Result<crate::import::limits::ReadLimits, ConfigError> {
    let defaults = crate::import::limits::ReadLimits::default();
    let at_least = |setting: &'static str, value: Option<u64>, default: u64| match value {
        Some(v) if v < 1024 => Err(ConfigError::new(setting, "must be at least 1024 (bytes)")),
        Some(v) => Ok(v),
        None => Ok(default),
    };
    Ok(crate::import::limits::ReadLimits {
        max_unpacked_bytes: at_least(
            "max_unpacked_bytes",
            file.max_unpacked_bytes,
            defaults.max_unpacked_bytes,
        )?,
        max_part_bytes: at_least(
            "max_part_bytes",
            file.max_part_bytes,
            defaults.max_part_bytes,
        )?,
        max_cell_bytes: at_least(
            "max_cell_bytes",
            file.max_cell_bytes,
            defaults.max_cell_bytes,
        )?,
    })
}

fn read_file(path: &Path) -> Result<FileSettings, ConfigError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| ConfigError::new("config", format!("cannot read {}: {e}", path.display())))?;
    toml::from_str(&text)
        .map_err(|e| ConfigError::new("config", format!("{}: {e}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scheme_selects_backend() {
        assert!(
            DatabaseUrl::parse("postgres://u:p@h/db")
                .unwrap()
                .is_postgres()
        );
        assert!(
            DatabaseUrl::parse("postgresql://h/db")
                .unwrap()
                .is_postgres()
        );
        assert_eq!(
            DatabaseUrl::parse("sqlite://x.db").unwrap(),
            DatabaseUrl::Sqlite("x.db".into())
        );
        assert_eq!(
            DatabaseUrl::parse("data/a.db").unwrap(),
            DatabaseUrl::Sqlite("data/a.db".into())
        );
        let err = DatabaseUrl::parse("mysql://h/db").unwrap_err();
        assert_eq!(err.setting, "database_url");
        assert!(err.message.contains("unknown scheme"));
    }

    #[test]
    fn passwords_are_never_printed() {
        let url = DatabaseUrl::parse("postgres://user:hunter2@db.example:5432/sp?x=1").unwrap();
        let shown = format!("{url} {url:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("db.example:5432/sp"));
        assert_eq!(format!("{:?}", Secret::new("k")), "[redacted]");
    }

    #[test]
    fn bad_values_name_the_setting() {
        let err = Settings::resolve(Overrides {
            bind: Some("nowhere".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.setting, "bind");
        let err = Settings::resolve(Overrides {
            secret_key: Some("short".into()),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.setting, "secret_key");
        let err = Settings::resolve(Overrides {
            trusted_proxies: Some(vec!["10.0.0.0/8".into(), "lb.example".into()]),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.setting, "trusted_proxies");
    }
}

#[cfg(test)]
mod file_tests {
    use super::*;

    #[test]
    fn flags_beat_the_file_and_the_file_beats_defaults() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("staffpay.toml");
        std::fs::write(
            &path,
            "bind = \"127.0.0.1:9999\"\npool_size = 3\ndatabase_url = \"file.db\"\n",
        )
        .unwrap();
        let s = Settings::resolve(Overrides {
            config_file: Some(path.clone()),
            database_url: Some("flag.db".into()),
            ..Default::default()
        })
        .unwrap();
        assert_eq!(s.bind.port(), 9999, "from the file");
        assert_eq!(s.pool_size, 3, "from the file");
        assert_eq!(
            s.database,
            DatabaseUrl::Sqlite("flag.db".into()),
            "flag wins"
        );

        std::fs::write(&path, "bogus_key = 1\n").unwrap();
        let err = Settings::resolve(Overrides {
            config_file: Some(path),
            ..Default::default()
        })
        .unwrap_err();
        assert_eq!(err.setting, "config");
        assert!(err.message.contains("bogus_key"), "{}", err.message);
    }
}
