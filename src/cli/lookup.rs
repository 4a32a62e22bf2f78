//! `staffpay lookup-codes --unit CODE --out FILE`: issues a new status-page lookup code for
//! every case of a unit (and the units below it) and writes them for the agency to hand out:
//! a CSV file, or an `.xlsx` workbook when `FILE` ends in `.xlsx`
//! ([`crate::services::lookup_codes`], the same as the units page).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::DbArgs;

#[derive(Debug, Args)]
pub struct LookupCodesArgs {
    /// The unit whose cases get new codes (VN: every case).
    #[arg(long)]
    unit: String,
    /// At most this many cases (the first by id).
    #[arg(long)]
    limit: Option<i64>,
    /// The file to write: `.xlsx` for a workbook, anything else for CSV
    /// (`case_id,national_id,full_name,code`).
    #[arg(long)]
    out: PathBuf,
    /// Issuing codes changes case data: the acting user's token.
    #[command(flatten)]
    token: super::acting::TokenArg,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: LookupCodesArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = super::settings(args.db.overrides(config))?;
    let db = crate::startup::prepare_database(&settings)?;
    let mut conn = db.get()?;
    let keys = crate::auth::SecretKeys::load(&settings, &mut conn)?;
    let actor = args.token.actor(
        &mut conn,
        &settings,
        super::acting::Needs::Permission(crate::domain::access::Permission::IssueLookupCodes),
        "lookup-codes",
    )?;
    let (_, issued) = crate::services::lookup_codes::issue_for_unit(
        &mut conn, &keys, &actor, &args.unit, args.limit,
    )
    .map_err(|e| match e {
        crate::error::AppError::NotFound => {
            let code = crate::domain::unit::UnitCode::normalize(&args.unit);
            anyhow::anyhow!("Không có đơn vị mã {code} / No unit with code {code}")
        }
        other => anyhow::anyhow!("{other}"),
    })?;
    let bytes = if is_xlsx(&args.out) {
        crate::services::lookup_codes::to_xlsx(&issued)?
    } else {
        crate::services::lookup_codes::to_csv(&issued)?
    };
    let tmp = args.out.with_extension("partial");
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &args.out)?;
    println!("{}: {} codes", args.out.display(), issued.len());
    Ok(ExitCode::SUCCESS)
}

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}
