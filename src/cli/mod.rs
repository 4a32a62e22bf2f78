//! The command line. `main.rs` only calls [`run`].

mod acting;
mod calc;
mod generate;
mod import;
mod ledger;
mod lookup;
mod progress;
mod report;
mod serve;
mod users;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use crate::config::{Overrides, Settings};

/// staffpay: payouts of the 2025 staff reorganisation (Decree 178/2024/ND-CP as amended by
/// Decree 67/2025/ND-CP).
#[derive(Debug, Parser)]
#[command(name = "staffpay", version, about, long_about = None)]
pub struct Cli {
    /// Optional configuration file (TOML); flags and environment variables take precedence.
    #[arg(long, env = "STAFFPAY_CONFIG", global = true)]
    config: Option<PathBuf>,

    #[command(subcommand)]
    command: Command,
}

/// Settings shared by every command that uses the database.
#[derive(Debug, Args, Clone, Default)]
pub struct DbArgs {
    /// Database URL: a file path or sqlite://PATH for SQLite (default data/staffpay.db),
    /// postgres://USER@HOST/DB for PostgreSQL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,

    /// Secret key for keyed hashes of tokens and lookup codes (at least 32 characters).
    /// Without it a key is generated once and kept in the database.
    #[arg(long, env = "STAFFPAY_SECRET_KEY", hide_env_values = true, hide = true)]
    secret_key: Option<String>,

    /// Connections in the database pool.
    #[arg(long, env = "STAFFPAY_POOL_SIZE")]
    pool_size: Option<u32>,

    /// Folder of policy tables.
    #[arg(long, env = "STAFFPAY_POLICY_DIR")]
    policy_dir: Option<PathBuf>,
}

/// `staffpay migrate`.
#[derive(Debug, Args)]
pub struct MigrateArgs {
    #[command(flatten)]
    db: DbArgs,

    /// Then revert the latest migration (its down.sql), to go back to the previous release:
    /// stop every instance first, and keep the backup taken before the upgrade.
    #[arg(long)]
    revert_last: bool,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the HTTP service (applies pending migrations first).
    Serve(serve::ServeArgs),
    /// Apply pending database migrations and load the reference units, then exit.
    Migrate(MigrateArgs),
    /// Manage users, their units and API tokens.
    Users(users::UsersArgs),
    /// Import a roster (xlsx/xls/ods/csv): validated cell by cell, never half-written.
    Import(import::ImportArgs),
    /// Case counts and money by ministry / province / unit and nationally.
    Progress(progress::ProgressArgs),
    /// Write a blank template (roster) to fill in.
    Template(generate::TemplateArgs),
    /// Write a realistic synthetic roster in the official layout (same seed, same file).
    DemoData(generate::DemoDataArgs),
    /// Payment lists: `payments import FILE`.
    Payments(ledger::PaymentsArgs),
    /// State Treasury / bank statements: `statements import FILE` (then reconciles).
    Statements(ledger::PaymentsArgs),
    /// Every open flag, with its unit, age and what to do.
    Flags(ledger::FlagsArgs),
    /// Compute every case again with the current policy tables: who gains or loses, per unit.
    Recompute(ledger::RecomputeArgs),
    /// Issue new status-page lookup codes for a unit's cases, written to a CSV file.
    LookupCodes(lookup::LookupCodesArgs),
    /// Excel reports: `report reconciliation`, `report payment-list`, `report statement`.
    Report(report::ReportArgs),
    /// Compute entitlements for JSON Lines on standard input (no database).
    Calc(calc::CalcArgs),
}

impl DbArgs {
    fn overrides(&self, config: Option<PathBuf>) -> Overrides {
        Overrides {
            config_file: config,
            database_url: self.database_url.clone(),
            secret_key: self.secret_key.clone(),
            pool_size: self.pool_size,
            policy_dir: self.policy_dir.clone(),
            ..Default::default()
        }
    }
}

/// Runs the command line; returns the process exit status.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    if let Err(e) = crate::telemetry::init() {
        eprintln!("staffpay: {e}");
        return ExitCode::from(1);
    }
    let result = match cli.command {
        Command::Serve(args) => serve::run(args, cli.config),
        Command::Migrate(args) => migrate(args, cli.config),
        Command::Users(args) => users::run(args, cli.config),
        Command::Calc(args) => calc::run(args),
        Command::Template(args) => generate::template(args),
        Command::DemoData(args) => generate::demo_data(args),
        Command::Import(args) => import::run(args, cli.config),
        Command::Progress(args) => progress::run(args, cli.config),
        Command::Payments(args) => ledger::run(args, ledger::Ledger::Payments, cli.config),
        Command::Statements(args) => ledger::run(args, ledger::Ledger::Statement, cli.config),
        Command::Flags(args) => ledger::flags(args, cli.config),
        Command::Recompute(args) => ledger::recompute(args, cli.config),
        Command::Report(args) => report::run(args, cli.config),
        Command::LookupCodes(args) => lookup::run(args, cli.config),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("staffpay: error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn settings(overrides: Overrides) -> anyhow::Result<Settings> {
    Ok(Settings::resolve(overrides)?)
}

fn migrate(args: MigrateArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = settings(args.db.overrides(config))?;
    let db = crate::startup::prepare_database(&settings)?;
    let mut conn = db.get()?;
    if args.revert_last {
        let version = crate::db::migrate::revert_last(&mut conn)?;
        println!(
            "database {}: migration {version} reverted",
            settings.database
        );
    }
    let current = crate::db::migrate::is_current(&mut conn)?;
    println!(
        "database {}: migrations {}",
        settings.database,
        if current { "current" } else { "pending" }
    );
    Ok(ExitCode::SUCCESS)
}
