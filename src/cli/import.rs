//! `staffpay import FILE`: a roster into the database, all or nothing by default.

use std::path::PathBuf;
use std::process::ExitCode;

use std::io::IsTerminal as _;

use anyhow::Context as _;
use clap::Args;

use super::DbArgs;
use crate::import::ReadOptions;
use crate::services::imports::{
    ImportProgress, ImportReport, ImportRequest, import_roster, import_roster_with_progress,
};

/// A one-line progress bar on standard error (only when it is a terminal): the phase and, for
/// computing, the share of rows done; redrawn only when the percentage or phase changes.
#[derive(Default)]
struct TerminalBar {
    last: std::sync::Mutex<(&'static str, u64)>,
}

impl ImportProgress for TerminalBar {
    fn update(&self, phase: &'static str, done: u64, total: u64) {
        let pct = (done * 100).checked_div(total).unwrap_or(0).min(100);
        let Ok(mut last) = self.last.lock() else {
            return;
        };
        if *last == (phase, pct) {
            return;
        }
        *last = (phase, pct);
        let label = match phase {
            "read" => "đọc tệp / reading",
            "compute" => "tính trợ cấp / computing",
            _ => "ghi / writing",
        };
        let width = 30usize;
        let filled = usize::try_from(pct).unwrap_or(0) * width / 100;
        eprint!(
            "\r[{}{}] {pct:>3}% {label:<28}",
            "#".repeat(filled),
            "-".repeat(width - filled)
        );
    }
}

impl TerminalBar {
    fn finish(&self) {
        eprintln!();
    }
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// The roster: .xlsx, .xls, .ods or .csv.
    file: PathBuf,
    /// Sheet to read (default: the first sheet with a header row).
    #[arg(long)]
    sheet: Option<String>,
    /// The submitting unit; every row must belong to it or a unit below it.
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
    /// Write the upload with its problems marked (an added "Lỗi / Errors" column, bad cells
    /// highlighted) to this .xlsx file when there are errors.
    #[arg(long)]
    errors_out: Option<PathBuf>,
    /// Print one JSON object instead of a summary.
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    token: super::acting::TokenArg,
    #[command(flatten)]
    db: DbArgs,
}

pub fn run(args: ImportArgs, config: Option<PathBuf>) -> anyhow::Result<ExitCode> {
    let settings = super::settings(args.db.overrides(config))?;
    let policy = crate::startup::load_policy(&settings)?;
    let db = crate::startup::prepare_database(&settings)?;
    let size = std::fs::metadata(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?
        .len();
    let file_name = args
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let request = ImportRequest {
        file_name,
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
    };
    if size > settings.max_upload_bytes {
        eprintln!(
            "staffpay import: {}: {size} bytes is over the limit of {} bytes (setting max_upload_bytes) \
             / tệp vượt quá giới hạn dung lượng",
            args.file.display(),
            settings.max_upload_bytes
        );
        return Ok(ExitCode::from(1));
    }
    let bytes = std::fs::read(&args.file)
        .with_context(|| format!("cannot read {}", args.file.display()))?;
    let mut conn = db.get()?;
    let actor = args.token.actor(
        &mut conn,
        &settings,
        super::acting::Needs::Permission(crate::domain::access::Permission::SubmitRoster),
        "import",
    )?;
    let report = if !args.json && std::io::stderr().is_terminal() {
        let bar = TerminalBar::default();
        let report =
            import_roster_with_progress(&mut conn, &policy, &actor, &request, &bytes, &bar);
        bar.finish();
        report?
    } else {
        import_roster(&mut conn, &policy, &actor, &request, &bytes)?
    };
    if let (Some(path), Some(workbook)) = (&args.errors_out, &report.error_workbook) {
        crate::files::write_atomically(path, workbook)?;
        if !args.json {
            println!("error workbook: {}", path.display());
        }
    }
    if args.json {
        println!("{}", serde_json::to_string(&report)?);
    } else {
        print_summary(&report);
    }
    Ok(ExitCode::from(report.exit_code()))
}

pub(crate) fn print_summary(r: &ImportReport) {
    let c = &r.rows;
    println!(
        "{}: {} (import {})",
        r.file,
        r.outcome.as_str(),
        r.import_id
            .map(|i| i.to_string())
            .unwrap_or_else(|| "-".into())
    );
    println!(
        "rows: {} total, {} valid, {} invalid; {} created, {} updated, {} unchanged, {} locked",
        c.total, c.valid, c.invalid, c.created, c.updated, c.unchanged, c.locked
    );
    if let Some(cols) = &r.columns {
        let read: Vec<String> = cols
            .recognised
            .iter()
            .filter(|m| m.how != "exact")
            .map(|m| format!("{} \"{}\" → {} ({})", m.column, m.header, m.field, m.how))
            .collect();
        if !read.is_empty() {
            println!(
                "columns recognised by meaning or mapped / cột nhận theo nghĩa hoặc ghép tay: {}",
                read.join("; ")
            );
        }
        for u in &cols.unread {
            println!(
                "  column not read / cột không được đọc: {} \"{}\"{}{}",
                u.column,
                u.header,
                u.sample
                    .as_deref()
                    .map(|s| format!(", e.g. / ví dụ: {s}"))
                    .unwrap_or_default(),
                if u.candidates.is_empty() {
                    String::new()
                } else {
                    format!(" (could be / có thể là: {})", u.candidates.join(", "))
                }
            );
        }
        if !cols.missing.is_empty() {
            let names: Vec<String> = cols
                .missing
                .iter()
                .map(|f| format!("{} ({})", f.header_vi, f.field))
                .collect();
            println!(
                "columns of the template not in the file / cột của mẫu không có trong tệp \
                 (`staffpay template {}`): {}",
                cols.template,
                names.join(", ")
            );
        }
    }
    for (label, list) in [("error", &r.errors), ("warning", &r.warnings)] {
        for p in list.iter().take(50) {
            let at = match (p.row, &p.column) {
                (Some(row), Some(col)) => format!("row {row}, column \"{col}\""),
                (Some(row), None) => format!("row {row}"),
                _ => "file".into(),
            };
            println!(
                "  {label} {} [{}] {}: {} / {}",
                p.sheet, p.code, at, p.message_vi, p.message_en
            );
        }
        if list.len() > 50 {
            println!(
                "  ... {} more {label}s (use --json for all)",
                list.len() - 50
            );
        }
    }
}
