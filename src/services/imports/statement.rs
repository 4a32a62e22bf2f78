//! Importing a **statement** (State Treasury or bank lines): its new lines are stored (lines
//! already imported are duplicates: warnings, not stored), then every open line of the
//! caller's units is matched against every open payment ([`crate::services::reconcile`]);
//! matches are recorded, and paid cases whose payments are all matched move to `reconciled`.

use std::collections::HashSet;

use serde_json::json;

use super::record::{
    ColumnsOut, ImportError, ImportReport, Outcome, RowCounts, Timings, already_imported, ms,
    outcome_of, record_only, record_rejected, store_problems, unreadable,
};
use super::{LedgerRequest, known_references, submitting_unit};
use crate::db::audit::{self, AuditEntry};
use crate::db::payments::{self, NewStatementLine};
use crate::db::{DbConnection, now, transaction};
use crate::domain::ids::StatementLineId;
use crate::domain::matching::{LineKey, find_duplicates};
use crate::import::Severity;
use crate::import::error::ListKind;
use crate::import::statement::{StatementCheck, read_statement};
use crate::services::Actor;
use crate::services::reconcile::{MatchSummary, reconcile_open};

/// Kind of a statement import record.
pub const STATEMENT: &str = "statement";

/// Imports a statement and reconciles.
pub fn import_statement(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &LedgerRequest,
    bytes: &[u8],
) -> Result<ImportReport, ImportError> {
    import_statement_with_progress(conn, actor, request, bytes, &super::NoProgress)
}

/// [`import_statement`], reporting its phases to `progress` (`read`, then `write`; rows of the file).
#[tracing::instrument(skip_all, fields(bytes = bytes.len()))]
pub fn import_statement_with_progress(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &LedgerRequest,
    bytes: &[u8],
    progress: &dyn super::ImportProgress,
) -> Result<ImportReport, ImportError> {
    progress.update("read", 0, 0);
    let started_at = now();
    let clock = std::time::Instant::now();
    let mut timings = Timings::default();
    let unit = submitting_unit(conn, actor, &request.unit_code)?;
    let known = known_references(conn, actor)?;
    timings.lookup = ms(clock);
    let mut options = request.options.clone();
    options.sheet = request.sheet.clone();
    options.profiles = super::profiles_of(conn, &unit, ListKind::Statement)?;
    let check = StatementCheck {
        today: request.today,
        references: &known,
        sign: request.sign,
    };
    let statement = match read_statement(&request.file_name, bytes, &options, &check) {
        Ok(s) => s,
        Err(e) => {
            return unreadable(
                conn, actor, STATEMENT, request, &unit, bytes, &e, started_at,
            );
        }
    };
    let rows = u64::from(statement.total_rows);
    progress.update("read", rows, rows);
    timings.read = ms(clock) - timings.lookup;
    let saved = super::save_profile(
        conn,
        actor,
        &unit,
        ListKind::Statement,
        &options,
        &statement.headers,
    )?;
    if let Some(r) = already_imported(
        conn,
        STATEMENT,
        request,
        &unit,
        &statement.sha256,
        &statement.sheet,
        statement.total_rows,
    )? {
        return Ok(r);
    }
    let mut problems = statement.problems.clone();
    let sheet = statement.sheet.clone();
    // Duplicates: of a line imported before, or of an earlier line of this file.
    let fingerprints: Vec<String> = statement
        .rows
        .iter()
        .map(|r| r.key().fingerprint())
        .collect();
    let stored_prints: HashSet<String> = payments::stored_fingerprints(conn, &fingerprints)?
        .into_iter()
        .collect();
    let stored_keys: HashSet<LineKey> = statement
        .rows
        .iter()
        .zip(&fingerprints)
        .filter(|(_, f)| stored_prints.contains(*f))
        .map(|(r, _)| r.key())
        .collect();
    let as_lines: Vec<_> = statement
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| r.to_line(StatementLineId(i64::try_from(i).unwrap_or(i64::MAX))))
        .collect();
    let duplicate_idx: HashSet<usize> = find_duplicates(&as_lines, &stored_keys)
        .into_iter()
        .filter_map(|d| usize::try_from(d.line_id.0).ok())
        .collect();
    for &i in &duplicate_idx {
        if let Some(row) = statement.rows.get(i) {
            problems.push(crate::import::tabular::row_problem(
                &sheet,
                row.row_number,
                Severity::Warning,
                crate::import::convert::Issue::new(
                    "STATEMENT_LINE_DUPLICATE",
                    "Dòng sao kê đã được nhập trước đây hoặc lặp lại một dòng khác (cùng tài khoản, ngày, số tiền, số tham chiếu, số thứ tự); không nhập lại",
                    "This statement line was already imported or repeats another line (same account, date, amount, reference, sequence); not imported again",
                ),
            ));
        }
    }
    problems.sort_by_key(|p| p.row.unwrap_or(0));
    let has_errors = problems.iter().any(|p| p.severity == Severity::Error);
    let invalid: HashSet<u32> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .filter_map(|p| p.row)
        .collect();
    let invalid = u32::try_from(invalid.len()).unwrap_or(u32::MAX);
    let new_rows: Vec<&crate::import::statement::StatementRow> = statement
        .rows
        .iter()
        .enumerate()
        .filter(|(i, _)| !duplicate_idx.contains(i))
        .map(|(_, r)| r)
        .collect();
    let mut r = ImportReport::new(
        &request.file_name,
        statement.sha256.clone(),
        Outcome::Imported,
    );
    r.columns = Some(ColumnsOut::of(&statement).saved_as(saved.clone()));
    r.rows = RowCounts {
        total: statement.total_rows,
        valid: statement.total_rows.saturating_sub(invalid),
        invalid,
        created: u32::try_from(new_rows.len()).unwrap_or(u32::MAX),
        unchanged: u32::try_from(duplicate_idx.len()).unwrap_or(u32::MAX),
        ..Default::default()
    };
    r.add_problems(&problems);
    r.outcome = outcome_of(request, has_errors);
    if r.outcome == Outcome::DryRun {
        return Ok(r);
    }
    if r.outcome == Outcome::Rejected {
        r.rows.created = 0;
        r.import_id = Some(record_rejected(
            conn, actor, STATEMENT, request, &unit, &r, &problems, started_at,
        )?);
        return Ok(r);
    }
    let write_started = std::time::Instant::now();
    progress.update("write", 0, rows);
    let summary = transaction(conn, |conn| -> Result<MatchSummary, ImportError> {
        let import_id = record_only(
            conn,
            actor,
            STATEMENT,
            &request.file_name,
            &unit,
            &r,
            started_at,
        )?;
        r.import_id = Some(import_id);
        store_problems(conn, import_id, &problems)?;
        let at = now();
        let lines: Vec<NewStatementLine> = new_rows
            .iter()
            .map(|row| NewStatementLine {
                import_id,
                unit_id: unit.id,
                line_date: row.date,
                amount_vnd: row.paid_out().dong(),
                account_no: row.account_no.clone(),
                counterparty: row.beneficiary.clone(),
                description: row.description.clone(),
                bank_reference: row.bank_reference.clone(),
                sequence: row.sequence.clone(),
                source_row: i32::try_from(row.row_number).unwrap_or(i32::MAX),
                fingerprint: row.key().fingerprint(),
                case_id: row
                    .payment_references
                    .iter()
                    .find_map(|p| known.get(p))
                    .map(|k| k.case_id),
                match_id: None,
                unmatched_reason: None,
                created_at: at,
            })
            .collect();
        let stored_lines = lines.len();
        let summary = reconcile_open(conn, actor, import_id, lines, &request.matching)?;
        audit::record(
            conn,
            AuditEntry {
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "import.statement".into(),
                entity_kind: "import".into(),
                entity_id: Some(import_id.to_string()),
                unit_id: Some(unit.id),
                case_id: None,
                request_id: actor.request_id.clone(),
                before: None,
                after: Some(
                    json!({"file": request.file_name, "sha256": statement.sha256,
                    "outcome": r.outcome.as_str(), "lines": stored_lines,
                    "duplicates": duplicate_idx.len(), "matching": &summary}),
                ),
            },
        )?;
        Ok(summary)
    })?;
    if u64::try_from(summary.lines_considered).unwrap_or(u64::MAX) >= crate::db::ANALYZE_AFTER_ROWS
    {
        crate::db::analyze(
            conn,
            &[
                "statement_lines",
                "reconciliation_matches",
                "payments",
                "cases",
            ],
        )?;
    }
    timings.write = ms(write_started);
    timings.compute = summary.match_ms;
    r.timings_ms = timings;
    r.reconciliation = serde_json::to_value(&summary).ok();
    Ok(r)
}
