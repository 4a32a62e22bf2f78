//! `staffpay payments import FILE`, `staffpay statements import FILE` and `staffpay flags`.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, Subcommand};

use super::DbArgs;
use crate::domain::access::Permission;
use crate::domain::unit::UnitCode;
use crate::import::ReadOptions;
use crate::import::statement::AmountSign;
use crate::services::imports::{LedgerRequest, import_payments, import_statement};

/// A payment list or statement file and how to import it.
#[derive(Debug, Args)]
pub struct LedgerFileArgs {
    /// The file: .xlsx, .xls, .ods or .csv.
    file: PathBuf,
    /// Sheet to read (default: the first sheet with a header row).
    #[arg(long)]
    sheet: Option<String>,
    /// The paying unit (payment list) or the account holder (statement).
    #[arg(long, default_value = "VN")]
    unit: String,
    /// Check everything, write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Store the valid rows and report the others (default: any error stores nothing).
    #[arg(long)]
    accept_valid: bool,
    /// Map a column by hand when its header is not recognised: FIELD=HEADER (e.g.
    /// `--map 'account=STK hưởng'`; FIELD is a field key, a template header, or `ignore` to
    /// read past a column). Repeatable.
    #[arg(long = "map", value_name = "FIELD=HEADER", value_parser = crate::import::recognize::ColumnMap::parse)]
    map: Vec<crate::import::recognize::ColumnMap>,
    /// Save the --map mapping for the unit under this name ("Sao kê KBNN"): the next file of
    /// the same header shape uses it without --map.
    #[arg(long, value_name = "NAME", requires = "map")]
    save_profile: Option<String>,
    /// Statements with one signed amount column whose positive amounts are payments out.
    #[arg(long)]
    positive_is_debit: bool,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    token: super::acting::TokenArg,
    #[command(flatten)]
    db: DbArgs,
}

#[derive(Debug, Args)]
pub struct PaymentsArgs {
    #[command(subcommand)]
    command: LedgerCommand,
}

#[derive(Debug, Subcommand)]
enum LedgerCommand {
    /// Import the file.
    Import(LedgerFileArgs),
}

/// Which list a ledger command imports.
#[derive(Debug, Clone, Copy)]
pub enum Ledger {
    Payments,
    Statement,
}

pub fn run(
    args: PaymentsArgs,
    ledger: Ledger,
    config: Option<PathBuf>,
) -> anyhow::Result<ExitCode> {
    let LedgerCommand::Import(args) = args.command;
    let settings = super::settings(args.db.overrides(config))?;
    let db = crate::startup::prepare_database(&settings)?;
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    if size > settings.max_upload_bytes {
        eprintln!(
            "staffpay: {}: {size} bytes is over the limit of {} bytes (setting max_upload_bytes) \
             / tệp vượt quá giới hạn dung lượng",
            args.file.display(),
            settings.max_upload_bytes
        );
        return Ok(ExitCode::from(1));
    }
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let request = LedgerRequest {
        file_name: args
            .file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
        sheet: args.sheet,
        unit_code: args.unit,
        dry_run: args.dry_run,
        accept_valid: args.accept_valid,
        options: ReadOptions {
            sheet: None,
            max_rows: u32::try_from(settings.max_rows).unwrap_or(u32::MAX),
            max_bytes: settings.max_upload_bytes,
            limits: settings.read_limits,
            mapping: args.map,
            profiles: Vec::new(),
            save_profile: args.save_profile,
        },
        today: crate::db::today_vn(),
        sign: if args.positive_is_debit {
            AmountSign::PositiveIsDebit
        } else {
            AmountSign::NegativeIsDebit
        },
        matching: settings.matching,
    };
    let mut conn = db.get()?;
    let (permission, command) = match ledger {
        Ledger::Payments => (Permission::RecordPayments, "payments import"),
        Ledger::Statement => (Permission::ImportStatements, "statements import"),
    };
    let actor = args.token.actor(
        &mut conn,
        &settings,
        super::acting::Needs::Permission(permission),
        command,
    )?;
    let report = match ledger {
        Ledger::Payments => import_payments(&mut conn, &actor, &request, &bytes)?,
        Ledger::Statement => import_statement(&mut conn, &actor, &request, &bytes)?,
    };
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        super::import::print_summary(&report);
        if let Some(m) = &report.reconciliation {
            println!("reconciliation: {m}");
        }
    }
    Ok(ExitCode::from(report.exit_code()))
}

#[derive(Debug, Args)]
pub struct FlagsArgs {
    /// Only this kind (overdue, unit_account_missing, person_account_missing, overpaid,
    /// amount_mismatch, duplicate_payment, unmatched_statement_line, entitlement_changed,
    /// disputed).
    #[arg(long)]
    kind: Option<String>,
    /// Only this unit and the units below it.
    #[arg(long)]
    unit: Option<String>,
    /// Print JSON instead of a table.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    db: DbArgs,
}

pub fn flags(args: FlagsArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    use crate::services::flags::{FlagFilter, counts, list};
    let settings = super::settings(args.db.overrides(config))?;
    let policy = crate::startup::load_policy(&settings)?;
    let db = crate::startup::prepare_database(&settings)?;
    let mut conn = db.get()?;
    let kind = match args.kind.as_deref() {
        Some(k) => Some(
            crate::domain::flags::FlagKind::parse(k)
                .ok_or_else(|| anyhow::anyhow!("unknown flag kind '{k}'"))?,
        ),
        None => None,
    };
    let scope = crate::db::units::UnitScope::All;
    let unit_path = match &args.unit {
        Some(code) => Some(
            crate::db::units::find_by_code(&mut conn, &UnitCode::normalize(code))?
                .ok_or_else(|| anyhow::anyhow!("unknown unit '{code}'"))?
                .path,
        ),
        None => None,
    };
    let today = crate::db::today_vn();
    let filter = FlagFilter {
        kind,
        unit_path,
        case_id: None,
    };
    let all = list(&mut conn, &policy, &scope, &filter, today)?;
    if args.json {
        let counts: serde_json::Map<String, serde_json::Value> = counts(&all)
            .into_iter()
            .map(|(k, n)| (k.as_str().to_owned(), n.into()))
            .collect();
        println!(
            "{}",
            serde_json::json!({"as_of": today, "total": all.len(), "counts": counts, "flags": all})
        );
    } else {
        println!("Cảnh báo / Flags, {today}: {}", all.len());
        for (k, n) in counts(&all).into_iter().filter(|(_, n)| *n > 0) {
            println!(
                "  {:<26} {n:>8}  {} / {}",
                k.as_str(),
                k.label_vi(),
                k.label_en()
            );
        }
        for f in all.iter().take(200) {
            println!(
                "  {:<26} case {:<8} unit {:<10} {:>5} days  {}",
                f.kind.as_str(),
                f.case_id
                    .map(|c| c.to_string())
                    .unwrap_or_else(|| "-".into()),
                f.unit_code,
                f.age_days,
                f.action_en
            );
        }
        if all.len() > 200 {
            println!("  ... {} more (use --json)", all.len() - 200);
        }
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct RecomputeArgs {
    /// Compute and report; write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Print JSON instead of a summary.
    #[arg(long)]
    json: bool,
    /// The acting administrator's token (not needed for `--dry-run`).
    #[command(flatten)]
    token: super::acting::TokenArg,
    #[command(flatten)]
    db: DbArgs,
}

/// `staffpay recompute [--dry-run]`: every case again with the current policy tables; the
/// preview runs as the operator, the real run as an administrator (by token).
pub fn recompute(args: RecomputeArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = super::settings(args.db.overrides(config))?;
    let policy = crate::startup::load_policy(&settings)?;
    let db = crate::startup::prepare_database(&settings)?;
    let mut conn = db.get()?;
    let actor = if args.dry_run {
        crate::services::Actor::operator()
    } else {
        args.token.actor(
            &mut conn,
            &settings,
            super::acting::Needs::Admin,
            "recompute",
        )?
    };
    let report = crate::services::recompute::recompute(
        &mut conn,
        &policy,
        &actor,
        args.dry_run,
        crate::db::today_vn(),
    )
    .map_err(|e| anyhow::anyhow!("{}", e.body().message_en))?;
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "Tính lại / Recompute{}: {} cases, {} changed ({} updated, {} flagged for review, {} refused), {} re-pinned",
        if report.dry_run { " (dry run)" } else { "" },
        report.cases,
        report.changed,
        report.updated,
        report.flagged,
        report.refused,
        report.repinned
    );
    println!(
        "gains {} đồng, losses {} đồng",
        report.gains_vnd, report.losses_vnd
    );
    for u in &report.by_unit {
        println!(
            "  {:<10} {:>6} gain {:>16}  {:>6} lose {:>16}  net {:>16}",
            u.unit_code, u.gainers, u.gains_vnd, u.losers, u.losses_vnd, u.net_vnd
        );
    }
    for c in report.changes.iter().take(100) {
        println!(
            "  case {:<8} {:<10} {:<15} {:>14} -> {:>14} ({:+}) {}",
            c.case_id, c.unit_code, c.state, c.before_vnd, c.after_vnd, c.delta_vnd, c.action
        );
    }
    if report.changes.len() > 100 {
        println!("  ... {} more (use --json)", report.changes.len() - 100);
    }
    Ok(ExitCode::SUCCESS)
}
