//! The record of an import and its report, one path for every kind of file: the outcome,
//! the row counts, the problems (stored with the import record, reported in Vietnamese and
//! English), the unreadable-file and same-file-again reports.

use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::imports::{self, NewImport, ProblemRow};
use crate::db::units::UnitRow;
use crate::db::{DbConnection, now, transaction};
use crate::import::error::ListKind;
use crate::import::header::UnknownColumn;
use crate::import::tabular::{ColumnSet, ParsedList, column_letter};
use crate::import::{Problem, ReadError, Severity};
use crate::services::Actor;

/// How an import ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Imported,
    Unchanged,
    Rejected,
    Partial,
    Failed,
    DryRun,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Imported => "imported",
            Outcome::Unchanged => "unchanged",
            Outcome::Rejected => "rejected",
            Outcome::Partial => "partial",
            Outcome::Failed => "failed",
            Outcome::DryRun => "dry_run",
        }
    }
}

/// Row counts of an import.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct RowCounts {
    pub total: u32,
    pub valid: u32,
    pub invalid: u32,
    pub created: u32,
    pub updated: u32,
    pub unchanged: u32,
    pub locked: u32,
}

/// One problem as reported (`--json`, the API).
#[derive(Debug, Clone, Serialize)]
pub struct ProblemOut {
    pub sheet: String,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub value: Option<String>,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl From<&Problem> for ProblemOut {
    fn from(p: &Problem) -> Self {
        ProblemOut {
            sheet: p.sheet.clone(),
            row: p.row,
            column: p.column.clone(),
            value: p.value.clone(),
            code: p.code.to_string(),
            message_vi: p.message_vi.clone(),
            message_en: p.message_en.clone(),
        }
    }
}

/// Phase durations of an import, in milliseconds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Timings {
    pub read: u64,
    pub compute: u64,
    pub lookup: u64,
    pub write: u64,
    /// Building the uploaded file with its errors marked (during the write, on another core,
    /// when the import writes).
    pub error_workbook: u64,
}

pub fn ms(since: std::time::Instant) -> u64 {
    u64::try_from(since.elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The result of an import, as `staffpay import --json` prints it.
#[derive(Debug, Clone, Serialize)]
pub struct ImportReport {
    pub import_id: Option<i64>,
    pub file: String,
    pub sha256: String,
    pub outcome: Outcome,
    pub rows: RowCounts,
    pub errors: Vec<ProblemOut>,
    pub warnings: Vec<ProblemOut>,
    /// Milliseconds spent in each phase (read + validate, compute, look up existing people,
    /// write), for operators and benchmarks.
    pub timings_ms: Timings,
    /// The upload with its problems marked ("Lỗi / Errors"), when there were errors.
    #[serde(skip)]
    pub error_workbook: Option<Vec<u8>>,
    /// For statements: what the matcher did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reconciliation: Option<serde_json::Value>,
    /// How the file's columns were read (absent when the file could not be read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub columns: Option<ColumnsOut>,
}

/// How a file's columns were read: what each recognised column holds and how it was
/// recognised, every column not read with a sample value (masked when it looks like an id or
/// an account), the columns mapped to nothing, and the list's columns the file lacks.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnsOut {
    /// The kind of list read.
    pub list: ListKind,
    /// The `staffpay template` of this kind of list.
    pub template: &'static str,
    /// Recognised columns, left to right.
    pub recognised: Vec<RecognisedOut>,
    /// Columns not read (unknown header, or one naming several fields), left to right.
    pub unread: Vec<UnreadOut>,
    /// Columns the mapping told to read past.
    pub ignored: Vec<UnreadOut>,
    /// The list's columns the file does not have, in template order.
    pub missing: Vec<FieldOut>,
    /// The saved mapping profile applied (same header shape), if any.
    pub profile: Option<String>,
    /// The name the request's mapping was saved under, if it asked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub profile_saved: Option<String>,
}

/// A recognised column.
#[derive(Debug, Clone, Serialize)]
pub struct RecognisedOut {
    /// The field key (`account`, `amount`, `national_id`, ...).
    pub field: &'static str,
    /// The header as written.
    pub header: String,
    /// The spreadsheet column (`A`, `B`, ...).
    pub column: String,
    /// `mapped`, `exact` or `meaning`.
    pub how: &'static str,
}

/// A column that is not read.
#[derive(Debug, Clone, Serialize)]
pub struct UnreadOut {
    /// The header as written.
    pub header: String,
    /// The spreadsheet column.
    pub column: String,
    /// Its first value, masked when it looks like an id or an account number.
    pub sample: Option<String>,
    /// The fields the header could name, when it names several.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<&'static str>,
}

/// A field of the list.
#[derive(Debug, Clone, Serialize)]
pub struct FieldOut {
    /// The field key.
    pub field: &'static str,
    /// Its template header in Vietnamese.
    pub header_vi: &'static str,
    /// Its template header in English.
    pub header_en: &'static str,
}

impl ColumnsOut {
    /// The columns of a list as read.
    pub fn of<C: ColumnSet, R, D>(list: &ParsedList<C, R, D>) -> Self {
        let unread = |u: &UnknownColumn, candidates: Vec<&'static str>| UnreadOut {
            header: u.header.clone(),
            column: column_letter(u.index),
            sample: u.sample.clone(),
            candidates,
        };
        ColumnsOut {
            list: C::LIST,
            template: C::LIST.template(),
            recognised: list
                .columns
                .iter()
                .map(|m| RecognisedOut {
                    field: m.column.key(),
                    header: m.header.clone(),
                    column: column_letter(m.index),
                    how: m.strength.as_str(),
                })
                .collect(),
            unread: list
                .unknown_columns
                .iter()
                .map(|u| {
                    let candidates = list
                        .ambiguous_columns
                        .iter()
                        .find(|a| a.column.index == u.index)
                        .map(|a| a.candidates.iter().map(|c| c.key()).collect())
                        .unwrap_or_default();
                    unread(u, candidates)
                })
                .collect(),
            ignored: list
                .ignored_columns
                .iter()
                .map(|u| unread(u, Vec::new()))
                .collect(),
            missing: list
                .missing_columns
                .iter()
                .map(|c| FieldOut {
                    field: c.key(),
                    header_vi: c.header_vi(),
                    header_en: c.header_en(),
                })
                .collect(),
            profile: list.profile.clone(),
            profile_saved: None,
        }
    }

    /// The same, saying under which name the mapping was saved.
    pub fn saved_as(mut self, name: Option<String>) -> Self {
        self.profile_saved = name;
        self
    }
}

impl ImportReport {
    /// Exit status of `staffpay import`: 0 imported / unchanged / clean dry run, 2 validation
    /// errors and nothing written, 3 partial, 1 unusable file.
    pub fn exit_code(&self) -> u8 {
        match self.outcome {
            Outcome::Imported | Outcome::Unchanged => 0,
            Outcome::DryRun if self.errors.is_empty() => 0,
            Outcome::DryRun | Outcome::Rejected => 2,
            Outcome::Partial => 3,
            Outcome::Failed => 1,
        }
    }
}

/// Why an import could not even start.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("unknown unit {0}, or not one you may submit for")]
    UnknownUnit(String),
    #[error(transparent)]
    Database(#[from] diesel::result::Error),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub fn to_new_import_counts(c: &RowCounts, problems: &[Problem]) -> imports::Counts {
    let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    imports::Counts {
        rows_total: n(c.total),
        rows_valid: n(c.valid),
        rows_invalid: n(c.invalid),
        rows_created: n(c.created),
        rows_updated: n(c.updated),
        rows_unchanged: n(c.unchanged),
        rows_locked: n(c.locked),
        errors: i32::try_from(
            problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .count(),
        )
        .unwrap_or(i32::MAX),
        warnings: i32::try_from(
            problems
                .iter()
                .filter(|p| p.severity == Severity::Warning)
                .count(),
        )
        .unwrap_or(i32::MAX),
    }
}

/// Records the import itself (without rows).
pub fn record_only(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: &str,
    file_name: &str,
    unit: &UnitRow,
    report: &ImportReport,
    started_at: chrono::NaiveDateTime,
) -> Result<i64, ImportError> {
    let n = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let row = imports::insert(
        conn,
        &NewImport {
            kind: kind.into(),
            file_name: file_name.into(),
            sha256: report.sha256.clone(),
            unit_id: unit.id,
            submitted_by: actor.user_id,
            submitted_by_label: actor.label.clone(),
            outcome: report.outcome.as_str().into(),
            rows_total: n(report.rows.total),
            rows_valid: n(report.rows.valid),
            rows_invalid: n(report.rows.invalid),
            rows_created: n(report.rows.created),
            rows_updated: n(report.rows.updated),
            rows_unchanged: n(report.rows.unchanged),
            rows_locked: n(report.rows.locked),
            errors: i32::try_from(report.errors.len()).unwrap_or(i32::MAX),
            warnings: i32::try_from(report.warnings.len()).unwrap_or(i32::MAX),
            started_at,
            finished_at: Some(now()),
        },
    )?;
    Ok(row.id)
}

pub fn store_problems(
    conn: &mut DbConnection,
    import_id: i64,
    problems: &[Problem],
) -> Result<(), ImportError> {
    let rows: Vec<ProblemRow> = problems
        .iter()
        .map(|p| ProblemRow {
            import_id,
            severity: match p.severity {
                Severity::Error => "error".into(),
                Severity::Warning => "warning".into(),
            },
            sheet: p.sheet.clone(),
            row_number: p.row.and_then(|r| i32::try_from(r).ok()),
            column_name: p.column.clone(),
            cell_value: p.value.clone(),
            code: p.code.to_string(),
            message_vi: p.message_vi.clone(),
            message_en: p.message_en.clone(),
        })
        .collect();
    imports::insert_problems(conn, &rows)?;
    Ok(())
}

/// What every file import is asked: the file's name, a dry run or not, and whether to keep the
/// valid rows of a file with errors.
pub trait FileRequest {
    fn file_name(&self) -> &str;
    fn dry_run(&self) -> bool;
    fn accept_valid(&self) -> bool;
}

impl ImportReport {
    /// A report on `file` with no rows or problems yet.
    pub fn new(file: &str, sha256: String, outcome: Outcome) -> Self {
        ImportReport {
            import_id: None,
            file: file.to_owned(),
            sha256,
            outcome,
            rows: RowCounts::default(),
            errors: Vec::new(),
            warnings: Vec::new(),
            timings_ms: Timings::default(),
            error_workbook: None,
            reconciliation: None,
            columns: None,
        }
    }

    /// Adds `problems` to the errors and warnings.
    pub fn add_problems(&mut self, problems: &[Problem]) {
        for p in problems {
            match p.severity {
                Severity::Error => self.errors.push(ProblemOut::from(p)),
                Severity::Warning => self.warnings.push(ProblemOut::from(p)),
            }
        }
    }
}

/// Records a rejected import (nothing of its rows written) with its problems; returns its id.
#[allow(clippy::too_many_arguments)]
pub fn record_rejected(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: &str,
    request: &impl FileRequest,
    unit: &UnitRow,
    report: &ImportReport,
    problems: &[Problem],
    started_at: chrono::NaiveDateTime,
) -> Result<i64, ImportError> {
    transaction(conn, |conn| -> Result<i64, ImportError> {
        let id = record_only(
            conn,
            actor,
            kind,
            request.file_name(),
            unit,
            report,
            started_at,
        )?;
        store_problems(conn, id, problems)?;
        Ok(id)
    })
}

/// The outcome of a checked file: a dry run, or by errors and `accept_valid`.
pub fn outcome_of(request: &impl FileRequest, has_errors: bool) -> Outcome {
    match (request.dry_run(), has_errors, request.accept_valid()) {
        (true, _, _) => Outcome::DryRun,
        (false, true, false) => Outcome::Rejected,
        (false, true, true) => Outcome::Partial,
        (false, false, _) => Outcome::Imported,
    }
}

/// The report on a file that could not be read, recorded unless a dry run.
#[allow(clippy::too_many_arguments)]
pub fn unreadable(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: &str,
    request: &impl FileRequest,
    unit: &UnitRow,
    bytes: &[u8],
    error: &ReadError,
    started_at: chrono::NaiveDateTime,
) -> Result<ImportReport, ImportError> {
    let mut r = ImportReport::new(
        request.file_name(),
        hex::encode(Sha256::digest(bytes)),
        Outcome::Failed,
    );
    r.errors.push(ProblemOut {
        sheet: String::new(),
        row: None,
        column: None,
        value: None,
        code: error.code().to_string(),
        message_vi: error.message_vi(),
        message_en: error.message_en(),
    });
    if !request.dry_run() {
        r.import_id = Some(record_only(
            conn,
            actor,
            kind,
            request.file_name(),
            unit,
            &r,
            started_at,
        )?);
    }
    Ok(r)
}

/// The "same file again" report, if this file was imported before for this unit (never for a
/// dry run).
pub fn already_imported(
    conn: &mut DbConnection,
    kind: &str,
    request: &impl FileRequest,
    unit: &UnitRow,
    sha256: &str,
    sheet: &str,
    total: u32,
) -> Result<Option<ImportReport>, ImportError> {
    if request.dry_run() {
        return Ok(None);
    }
    let Some(previous) = imports::find_applied(conn, kind, sha256, unit.id)? else {
        return Ok(None);
    };
    let mut r = ImportReport::new(request.file_name(), sha256.to_owned(), Outcome::Unchanged);
    r.rows = RowCounts {
        total,
        unchanged: total,
        ..Default::default()
    };
    r.warnings.push(ProblemOut {
        sheet: sheet.to_owned(),
        row: None,
        column: None,
        value: None,
        code: "FILE_ALREADY_IMPORTED".into(),
        message_vi: format!(
            "Tệp này đã được nhập (lần nhập số {}); không có gì thay đổi.",
            previous.id
        ),
        message_en: format!(
            "This file was already imported (import {}); nothing changed.",
            previous.id
        ),
    });
    Ok(Some(r))
}
