//! `staffpay calc`: entitlements for JSON Lines on standard input, one JSON result per line on
//! standard output. Touches no database.
//!
//! Exit status: 0 when every line was computed, 2 when at least one line was refused or
//! invalid (every line is still answered), 1 when the input could not be read at all.

use std::io::{BufRead, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Args, ValueEnum};

use crate::domain::entitlement::{Lang, calculate_line, explain};

#[derive(Debug, Args)]
pub struct CalcArgs {
    /// Folder of policy tables replacing the ones built into the binary.
    #[arg(long, env = "STAFFPAY_POLICY_DIR")]
    policy_dir: Option<PathBuf>,

    /// Print a readable breakdown instead of JSON.
    #[arg(long)]
    explain: bool,

    /// Language of the breakdown.
    #[arg(long, value_enum, default_value_t = LangArg::Vi)]
    lang: LangArg,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LangArg {
    Vi,
    En,
}

pub fn run(args: CalcArgs) -> anyhow::Result<ExitCode> {
    let policy =
        crate::policy_files::load(args.policy_dir.as_deref()).with_context(|| {
            match &args.policy_dir {
                Some(dir) => format!("loading policy tables from {}", dir.display()),
                None => "loading the policy tables built into the binary".to_owned(),
            }
        })?;
    let lang = match args.lang {
        LangArg::Vi => Lang::Vi,
        LangArg::En => Lang::En,
    };
    let stdin = std::io::stdin().lock();
    let stdout = std::io::stdout().lock();
    let mut out = BufWriter::with_capacity(1 << 16, stdout);
    let mut refused = false;
    for line in stdin.lines() {
        let line = match line {
            Ok(line) => line,
            Err(e) => {
                out.flush().ok();
                eprintln!("staffpay calc: cannot read standard input: {e}");
                return Ok(ExitCode::from(1));
            }
        };
        if line.trim().is_empty() {
            continue;
        }
        let result = calculate_line(&policy, &line);
        refused |= !result.is_ok();
        if args.explain {
            writeln!(out, "{}", explain(&result, lang))?;
        } else {
            serde_json::to_writer(&mut out, &result)?;
            out.write_all(b"\n")?;
        }
    }
    out.flush()?;
    Ok(if refused {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}
