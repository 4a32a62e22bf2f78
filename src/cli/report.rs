//! `staffpay report reconciliation | payment-list | statement | mau09 | moha`: Excel workbooks
//! (and PDFs) written to `reports/` (or `--out`), never left half-written.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Subcommand};

use super::DbArgs;
use crate::db::units::UnitScope;
use crate::domain::ids::CaseId;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::reports::{self, Generated};
use crate::services::Actor;
use crate::xlsx::sheet::save_atomically;

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(subcommand)]
    which: Which,
}

#[derive(Debug, Subcommand)]
enum Which {
    /// Reconciliation workbook: summary, every case, flags, unmatched statement lines and
    /// payments, basis. Default file reports/doi-soat-<scope>-<as-of>.xlsx.
    Reconciliation {
        /// A ministry, province or unit code (default: the whole country).
        #[arg(long)]
        unit: Option<String>,
        /// The date the figures are as of (YYYY-MM-DD, default today in Vietnam).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        out: OutArgs,
    },
    /// Treasury payment list of a unit (and the units below it): funded cases not yet fully
    /// paid; those without a bank account on a second sheet.
    PaymentList {
        /// The paying unit's code.
        #[arg(long)]
        unit: String,
        #[command(flatten)]
        out: OutArgs,
    },
    /// A person's entitlement statement.
    Statement {
        /// The case id.
        #[arg(long = "case")]
        case_id: CaseId,
        /// Issue a new lookup code (the old one stops working) and print it on the statement.
        #[arg(long)]
        issue_lookup_code: bool,
        /// With --issue-lookup-code: the acting user's token (issuing changes case data).
        #[command(flatten)]
        token: super::acting::TokenArg,
        #[command(flatten)]
        out: OutArgs,
    },
    /// The Treasury's form of a payment batch ("Bảng thanh toán cho đối tượng thụ hưởng", Mẫu
    /// số 09, Decree 11/2020): with --new, first puts the unit's funded cases with money due
    /// into a new batch (needs the token of a payment officer); else prints batch --number
    /// (default the unit's latest). Default file reports/mau-09-<unit>-so-<number>.xlsx (.pdf
    /// with --pdf).
    Mau09 {
        /// The paying unit's code.
        #[arg(long)]
        unit: String,
        /// The batch's number within the unit (default: the latest).
        #[arg(long, conflicts_with = "new")]
        number: Option<i32>,
        /// Make a new batch of the unit's funded cases not yet in one, then print it.
        #[arg(long)]
        new: bool,
        /// With --new: the batch's date (YYYY-MM-DD, default today).
        #[arg(long, requires = "new")]
        date: Option<NaiveDate>,
        /// With --new: the number of the withdrawal or payment order (`12/GRDT`).
        #[arg(long, requires = "new")]
        order_ref: Option<String>,
        #[command(flatten)]
        token: super::acting::TokenArg,
        /// Write a PDF (LibreOffice headless) instead of the workbook.
        #[arg(long)]
        pdf: bool,
        #[command(flatten)]
        out: OutArgs,
    },
    /// MoHA's progress report by ministry and province (decided, submitted for funding, funded,
    /// paid; money; share paid) as an official document. Default file
    /// reports/tien-do-bnv-<scope>-<as-of>.xlsx.
    Moha {
        /// A ministry, province or unit code (default: the whole country).
        #[arg(long)]
        unit: Option<String>,
        /// The date the figures are as of (YYYY-MM-DD, default today in Vietnam).
        #[arg(long)]
        as_of: Option<NaiveDate>,
        #[command(flatten)]
        out: OutArgs,
    },
}

#[derive(Debug, Args)]
struct OutArgs {
    /// Output file (default: under reports/).
    #[arg(long)]
    out: Option<PathBuf>,
    #[command(flatten)]
    db: DbArgs,
}

/// A refusal in both languages; "not found" says what was not found.
fn explain(e: AppError, missing: &str) -> anyhow::Error {
    match e {
        AppError::NotFound => anyhow::anyhow!("{missing}"),
        AppError::Internal(e) => e,
        other => {
            let body = other.body();
            anyhow::anyhow!("{} / {}", body.message_vi, body.message_en)
        }
    }
}

/// The configured reports folder (setting `reports_dir`), created if missing.
fn reports_dir(settings: &crate::config::Settings) -> anyhow::Result<PathBuf> {
    let dir = settings.reports_dir.clone();
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}

fn unknown_unit(code: Option<&str>) -> String {
    let code = code.unwrap_or("");
    format!("Không có đơn vị mã {code:?} / No unit with code {code:?}")
}

fn generated() -> Generated {
    Generated {
        at: crate::db::now(),
        by: crate::services::Actor::operator().label,
    }
}

fn done(path: &Path, rows: usize, what: &str, timings: Option<(u128, u128, u128)>) {
    match timings {
        Some((load, build, save)) => println!(
            "{}: {rows} {what} (read {load} ms, sheets {build} ms, save {save} ms)",
            path.display()
        ),
        None => println!("{}: {rows} {what}", path.display()),
    }
}

pub fn run(args: ReportArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let db_args = match &args.which {
        Which::Reconciliation { out, .. }
        | Which::PaymentList { out, .. }
        | Which::Statement { out, .. }
        | Which::Mau09 { out, .. }
        | Which::Moha { out, .. } => out.db.clone(),
    };
    let settings = super::settings(db_args.overrides(config))?;
    let db = crate::startup::prepare_database(&settings)?;
    let mut conn = db.get()?;
    let stamp = generated();
    match args.which {
        Which::Reconciliation { unit, as_of, out } => {
            let policy = crate::startup::load_policy(&settings)?;
            let unit = unit.map(|u| UnitCode::normalize(&u));
            let mut second = db.try_get();
            let mut built = reports::reconciliation(
                &mut conn,
                second.as_deref_mut(),
                &policy,
                &UnitScope::All,
                unit.as_deref(),
                as_of,
                &stamp,
            )
            .map_err(|e| explain(e, &unknown_unit(unit.as_deref())))?;
            let path = match out.out {
                Some(p) => p,
                None => reports::default_reconciliation_path(
                    &reports_dir(&settings)?,
                    &built.scope,
                    built.as_of,
                ),
            };
            let started = std::time::Instant::now();
            save_atomically(&mut built.workbook, &path).map_err(|e| explain(e, ""))?;
            let save = started.elapsed().as_millis();
            done(
                &path,
                built.rows,
                "cases",
                Some((built.load_ms, built.build_ms, save)),
            );
        }
        Which::PaymentList { unit, out } => {
            let unit = UnitCode::normalize(&unit);
            let mut built = reports::payment_list(&mut conn, &UnitScope::All, &unit, &stamp)
                .map_err(|e| explain(e, &unknown_unit(Some(&unit))))?;
            let path = match out.out {
                Some(p) => p,
                None => {
                    reports::default_payment_list_path(&reports_dir(&settings)?, &unit, built.as_of)
                }
            };
            save_atomically(&mut built.workbook, &path).map_err(|e| explain(e, ""))?;
            done(&path, built.rows, "lines", None);
        }
        Which::Statement {
            case_id,
            issue_lookup_code,
            token,
            out,
        } => {
            let keys = crate::auth::SecretKeys::load(&settings, &mut conn)?;
            let actor = if issue_lookup_code {
                token.actor(
                    &mut conn,
                    &settings,
                    super::acting::Needs::Permission(
                        crate::domain::access::Permission::IssueLookupCodes,
                    ),
                    "report statement --issue-lookup-code",
                )?
            } else {
                Actor::operator()
            };
            let mut workbook =
                reports::statement(&mut conn, &keys, &actor, case_id, issue_lookup_code, &stamp)
                    .map_err(|e| {
                        explain(
                            e,
                            &format!("Không có hồ sơ số {case_id} / No case with id {case_id}"),
                        )
                    })?;
            let path = match out.out {
                Some(p) => p,
                None => reports::default_statement_path(&reports_dir(&settings)?, case_id),
            };
            save_atomically(&mut workbook, &path).map_err(|e| explain(e, ""))?;
            done(&path, 1, "case", None);
        }
        Which::Mau09 {
            unit,
            number,
            new,
            date,
            order_ref,
            token,
            pdf,
            out,
        } => {
            let unit = UnitCode::normalize(&unit);
            let id = if new {
                let actor = token.actor(
                    &mut conn,
                    &settings,
                    super::acting::Needs::Permission(
                        crate::domain::access::Permission::RecordPayments,
                    ),
                    "report mau09 --new",
                )?;
                let request = crate::services::batches::NewBatchRequest {
                    unit: unit.clone(),
                    batch_date: date,
                    order_ref,
                    case_ids: None,
                };
                crate::services::batches::create(&mut conn, &actor, &request, crate::db::today_vn())
                    .map_err(|e| explain(e, &unknown_unit(Some(&unit))))?
                    .summary
                    .id
            } else {
                let batches = crate::services::batches::list(
                    &mut conn,
                    &UnitScope::All,
                    Some(&unit),
                    i64::MAX,
                )
                .map_err(|e| explain(e, &unknown_unit(Some(&unit))))?;
                batches
                    .iter()
                    .filter(|b| b.unit_code == unit)
                    .find(|b| number.is_none_or(|n| n == b.number))
                    .map(|b| b.id)
                    .ok_or_else(|| {
                        anyhow::anyhow!(
                            "Đơn vị {unit} không có bảng thanh toán {} / Unit {unit} has no batch {}",
                            number.map_or("nào".into(), |n| format!("số {n}")),
                            number.map_or("yet".into(), |n| format!("number {n}"))
                        )
                    })?
            };
            let batch = crate::services::batches::load(&mut conn, &UnitScope::All, id)
                .map_err(|e| explain(e, ""))?;
            let issuer = reports::official::issuer_of_unit(&mut conn, &batch.unit)
                .map_err(|e| explain(e, ""))?;
            let mut workbook = reports::mau09::build(&batch, &issuer)
                .map_err(|e| explain(crate::xlsx::sheet::xlsx(e), ""))?;
            let ext = if pdf { "pdf" } else { "xlsx" };
            let path = match out.out {
                Some(p) => p,
                None => reports_dir(&settings)?.join(reports::mau09::file_name(
                    &batch.unit.code,
                    batch.batch.number,
                    ext,
                )),
            };
            if pdf {
                let bytes = workbook
                    .save_to_buffer()
                    .map_err(|e| explain(crate::xlsx::sheet::xlsx(e), ""))?;
                let pdf = reports::pdf::from_xlsx(&bytes).map_err(|e| explain(e, ""))?;
                crate::files::write_atomically(&path, &pdf)?;
            } else {
                save_atomically(&mut workbook, &path).map_err(|e| explain(e, ""))?;
            }
            println!(
                "Bảng thanh toán số {} / batch {}",
                batch.batch.number, batch.batch.id
            );
            done(&path, batch.lines.len(), "lines", None);
        }
        Which::Moha { unit, as_of, out } => {
            let policy = crate::startup::load_policy(&settings)?;
            let unit = unit.map(|u| UnitCode::normalize(&u));
            let mut built = reports::moha_progress(
                &mut conn,
                &policy,
                &UnitScope::All,
                None,
                unit.as_deref(),
                as_of,
            )
            .map_err(|e| explain(e, &unknown_unit(unit.as_deref())))?;
            let path = match out.out {
                Some(p) => p,
                None => reports_dir(&settings)?.join(format!(
                    "tien-do-bnv-{}-{}.xlsx",
                    built.scope.slug(),
                    built.as_of
                )),
            };
            save_atomically(&mut built.workbook, &path).map_err(|e| explain(e, ""))?;
            done(&path, built.rows, "cases", None);
        }
    }
    Ok(ExitCode::SUCCESS)
}
