//! `staffpay lookup-codes --unit CODE --out FILE`: issues a new status-page lookup code for
//! every case of a unit (and the units below it) and writes them to a CSV file for the agency
//! to hand out (national id, name, code). Old codes stop working. The file holds personal data
//! and the codes: keep it like the letters it prints.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;
use diesel::prelude::*;

use super::DbArgs;
use crate::db::schema::{cases, people, units};
use crate::services::Actor;

#[derive(Debug, Args)]
pub struct LookupCodesArgs {
    /// The unit whose cases get new codes (VN: every case).
    #[arg(long)]
    unit: String,
    /// At most this many cases (the first by id).
    #[arg(long)]
    limit: Option<i64>,
    /// The CSV file to write (`case_id,national_id,full_name,code`).
    #[arg(long)]
    out: PathBuf,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: LookupCodesArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = super::settings(args.db.overrides(config))?;
    let db = crate::startup::prepare_database(&settings)?;
    let mut conn = db.get()?;
    let keys = crate::auth::SecretKeys::load(&settings, &mut conn)?;
    let code = args.unit.trim().to_ascii_uppercase();
    let unit = crate::db::units::find_by_code(&mut conn, &code)?
        .with_context(|| format!("Không có đơn vị mã {code} / No unit with code {code}"))?;
    let rows: Vec<(i64, String, String)> = cases::table
        .inner_join(people::table)
        .inner_join(units::table)
        .filter(units::path.like(format!("{}%", unit.path)))
        .filter(cases::state.ne("cancelled"))
        .order(cases::id.asc())
        .limit(args.limit.unwrap_or(i64::MAX))
        .select((cases::id, people::national_id, people::full_name))
        .load(&mut conn)?;
    let tmp = args.out.with_extension("partial");
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&tmp).with_context(|| format!("cannot write {}", tmp.display()))?,
    );
    writeln!(file, "case_id,national_id,full_name,code")?;
    let actor = Actor::cli();
    for (id, national_id, name) in &rows {
        let code = crate::services::case_review::issue_lookup_code(&mut conn, &keys, &actor, *id)
            .map_err(|e| anyhow::anyhow!("case {id}: {e}"))?;
        let name = name.replace('"', "\"\"");
        writeln!(file, "{id},{national_id},\"{name}\",{code}")?;
    }
    file.flush()?;
    drop(file);
    std::fs::rename(&tmp, &args.out)?;
    println!("{}: {} codes", args.out.display(), rows.len());
    Ok(ExitCode::SUCCESS)
}
