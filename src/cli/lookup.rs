//! `staffpay lookup-codes --unit CODE --out FILE`: issues a new status-page lookup code for
//! every case of a unit (and the units below it) and writes them for the agency to hand out
//! (national id, name, code): a CSV file (UTF-8 with a byte-order mark), or an `.xlsx`
//! workbook when `FILE` ends in `.xlsx`, with national ids as text cells so that their leading
//! zeros stay. Names are defused like every cell the project writes ([`crate::export`]). Old
//! codes stop working. The file holds personal data and the codes: keep it like the letters
//! it prints.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use clap::Args;

use super::DbArgs;
use crate::db::cases::{self, CaseHolder};
use crate::domain::ids::CaseId;
use crate::domain::unit::UnitCode;

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
    let code = UnitCode::normalize(&args.unit);
    let unit = crate::db::units::find_by_code(&mut conn, &code)?
        .filter(|u| actor.scope.contains_path(&u.path))
        .with_context(|| format!("Không có đơn vị mã {code} / No unit with code {code}"))?;
    let rows = cases::holders_below(&mut conn, &unit.path, args.limit.unwrap_or(i64::MAX))?;
    let mut issued = Vec::with_capacity(rows.len());
    for CaseHolder {
        id,
        national_id,
        full_name: name,
    } in rows
    {
        let code = crate::services::case_review::issue_lookup_code(&mut conn, &keys, &actor, id)
            .map_err(|e| anyhow::anyhow!("case {id}: {e}"))?;
        issued.push(Issued {
            case_id: id,
            national_id,
            full_name: name,
            code,
        });
    }
    let tmp = args.out.with_extension("partial");
    if is_xlsx(&args.out) {
        write_xlsx(&tmp, &issued)?;
    } else {
        write_csv(&tmp, &issued)?;
    }
    std::fs::rename(&tmp, &args.out)?;
    println!("{}: {} codes", args.out.display(), issued.len());
    Ok(ExitCode::SUCCESS)
}

/// One case's new code.
struct Issued {
    case_id: CaseId,
    national_id: String,
    full_name: String,
    code: String,
}

const HEADER: [&str; 4] = ["case_id", "national_id", "full_name", "code"];

fn is_xlsx(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx"))
}

fn write_csv(path: &Path, issued: &[Issued]) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut csv = crate::export::csv_writer(std::io::BufWriter::new(file))?;
    crate::export::write_csv_record(&mut csv, HEADER)?;
    for i in issued {
        let id = i.case_id.to_string();
        crate::export::write_csv_record(
            &mut csv,
            [id.as_str(), &i.national_id, &i.full_name, &i.code],
        )?;
    }
    csv.flush()?;
    Ok(())
}

fn write_xlsx(path: &Path, issued: &[Issued]) -> anyhow::Result<()> {
    use crate::export::SafeText as _;
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Ma tra cuu")?;
    let bold = rust_xlsxwriter::Format::new().set_bold();
    for (col, title) in (0u16..).zip(HEADER) {
        sheet.write_text_with_format(0, col, title, &bold)?;
    }
    for (row, i) in (1u32..).zip(issued) {
        sheet.write_text(row, 0, i.case_id.to_string())?;
        sheet.write_text(row, 1, &i.national_id)?;
        sheet.write_text(row, 2, &i.full_name)?;
        sheet.write_text(row, 3, &i.code)?;
    }
    sheet.set_column_width(1, 16)?;
    sheet.set_column_width(2, 32)?;
    sheet.set_column_width(3, 16)?;
    workbook.save(path)?;
    Ok(())
}
