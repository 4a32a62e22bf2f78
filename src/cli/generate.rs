//! `staffpay template roster` and `staffpay demo-data`: files to fill in or to try things with.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

use crate::demo::roster::{DemoRosterOptions, demo_roster_bytes};
use crate::import::list_template::list_template_bytes;
use crate::import::template::template_bytes;
use crate::import::{payments, statement};

#[derive(Debug, Args)]
pub struct TemplateArgs {
    #[command(subcommand)]
    kind: TemplateKind,
}

#[derive(Debug, Subcommand)]
enum TemplateKind {
    /// A blank roster with the canonical headers, drop-down lists, date formats and an
    /// instructions sheet.
    Roster {
        #[arg(long)]
        out: PathBuf,
    },
    /// A blank payment list (payments made, one row per payment) with the headers every
    /// reader recognises and an instructions sheet naming each field for --map.
    PaymentList {
        #[arg(long)]
        out: PathBuf,
    },
    /// A blank account statement (Treasury or bank lines) with the headers every reader
    /// recognises and an instructions sheet naming each field for --map.
    Statement {
        #[arg(long)]
        out: PathBuf,
    },
}

pub fn template(args: TemplateArgs) -> anyhow::Result<ExitCode> {
    let (bytes, out) = match args.kind {
        TemplateKind::Roster { out } => (template_bytes(), out),
        TemplateKind::PaymentList { out } => (list_template_bytes(&payments::TEMPLATE), out),
        TemplateKind::Statement { out } => (list_template_bytes(&statement::TEMPLATE), out),
    };
    let bytes = bytes.map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::files::write_atomically(&out, &bytes)?;
    println!("{}", out.display());
    Ok(ExitCode::SUCCESS)
}

#[derive(Debug, Args)]
pub struct DemoDataArgs {
    /// How many people.
    #[arg(long, default_value_t = 500)]
    people: usize,
    /// Random seed: the same seed gives the same file.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Only these units (codes of ministries or provinces; repeatable). Default: all.
    #[arg(long = "unit")]
    units: Vec<String>,
    /// Rows per thousand with an invalid national id, refused on import (60: about 6 %).
    #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(u32).range(0..=1000))]
    invalid_per_mille: u32,
    #[arg(long)]
    out: PathBuf,
}

pub fn demo_data(args: DemoDataArgs) -> anyhow::Result<ExitCode> {
    if args.people == 0 || args.people > 1_000_000 {
        anyhow::bail!("--people must be between 1 and 1,000,000");
    }
    let (bytes, summary) = demo_roster_bytes(&DemoRosterOptions {
        people: args.people,
        seed: args.seed,
        unit_codes: args.units,
        invalid_per_mille: args.invalid_per_mille,
    })
    .map_err(|e| anyhow::anyhow!("{e}"))?;
    crate::files::write_atomically(&args.out, &bytes)?;
    println!(
        "{}: {} people ({} early retirement, {} quit, {} part-time leave; {} armed forces), {} bytes",
        args.out.display(),
        summary.people,
        summary.early_retirement,
        summary.quit,
        summary.part_time_leave,
        summary.armed_forces,
        summary.bytes
    );
    Ok(ExitCode::SUCCESS)
}
