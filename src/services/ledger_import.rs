//! Imports of money lists: a **payment list** (payments an agency or Treasury made) and a
//! **statement** (State Treasury or bank lines), with the same rules as the roster import:
//! everything is read and checked before the one write transaction; by default a file with any
//! error writes nothing (`accept_valid` keeps the good rows); the same file again changes
//! nothing; each import is a record with its problems.
//!
//! A payment row goes through the same rules as a payment entered on screen (state machine,
//! entitlement ceiling, separation of duties). A row that repeats a payment already recorded
//! (same case, amount, date and reference) is not recorded again: it is a warning, and the
//! case is flagged `duplicate_payment`.
//!
//! A statement's new lines are stored (lines already imported are duplicates: warnings, not
//! stored), then every open line of the caller's units is matched against every open payment
//! (`domain::matching::reconcile`); matches are recorded, and paid cases whose payments are all
//! matched move to `reconciled`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use diesel::prelude::*;
use serde_json::json;

use super::Actor;
use super::roster_import::{
    ImportError, ImportReport, Outcome, ProblemOut, RowCounts, Timings, ms, record_only,
    store_problems, to_new_import_counts,
};
use crate::db::audit::{self, AuditEntry};
use crate::db::cases::{self, Marker, NewCaseEvent};
use crate::db::imports;
use crate::db::payments::{self, NewMatch, NewPayment, NewStatementLine, visible_units};
use crate::db::schema::{cases as cases_t, people};
use crate::db::units::{self, UnitRow};
use crate::db::{DbConnection, now, transaction};
use crate::domain::access::{CaseActors, Duty, check_duty};
use crate::domain::case_state::{CaseAction, CaseState, PaymentFacts, TransitionError, apply};
use crate::domain::ids::{CaseId, PaymentId, StatementLineId};
use crate::domain::matching::{
    CandidatePayment, LineKey, MatchSettings, find_duplicates, reconcile_with_settled,
};
use crate::domain::money::Vnd;
use crate::domain::national_id::NationalId;
use crate::domain::payment_reference::PaymentReference;
use crate::import::payments::{PaymentCheck, read_payment_list};
use crate::import::statement::{AmountSign, StatementCheck, read_statement};
use crate::import::tabular::KnownCase;
use crate::import::{Problem, ReadError, ReadOptions, Severity};

/// Kind of a payment-list import record.
pub const PAYMENTS: &str = "payments";
/// Kind of a statement import record.
pub const STATEMENT: &str = "statement";

/// A payment list or statement to import.
#[derive(Debug, Clone)]
pub struct LedgerRequest {
    pub file_name: String,
    pub sheet: Option<String>,
    /// The paying unit (payment list) or the account holder (statement).
    pub unit_code: String,
    pub dry_run: bool,
    pub accept_valid: bool,
    pub options: ReadOptions,
    /// Days counted from (Vietnam calendar).
    pub today: NaiveDate,
    /// How a single signed amount column of a statement reads.
    pub sign: AmountSign,
    /// Matcher settings.
    pub matching: MatchSettings,
}

fn out(p: &Problem) -> ProblemOut {
    ProblemOut::from(p)
}

fn report(request: &LedgerRequest, sha256: String, outcome: Outcome) -> ImportReport {
    ImportReport {
        import_id: None,
        file: request.file_name.clone(),
        sha256,
        outcome,
        rows: RowCounts::default(),
        errors: Vec::new(),
        warnings: Vec::new(),
        timings_ms: Timings::default(),
        error_workbook: None,
        reconciliation: None,
    }
}

/// Records a rejected import (nothing of its rows written) with its problems; returns its id.
#[allow(clippy::too_many_arguments)]
fn record_rejected(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: &str,
    request: &LedgerRequest,
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
            &request.file_name,
            unit,
            report,
            started_at,
        )?;
        store_problems(conn, id, problems)?;
        Ok(id)
    })
}

/// The outcome of a checked file: a dry run, or by errors and `accept_valid`.
fn outcome_of(request: &LedgerRequest, has_errors: bool) -> Outcome {
    match (request.dry_run, has_errors, request.accept_valid) {
        (true, _, _) => Outcome::DryRun,
        (false, true, false) => Outcome::Rejected,
        (false, true, true) => Outcome::Partial,
        (false, false, _) => Outcome::Imported,
    }
}

fn split(report: &mut ImportReport, problems: &[Problem]) {
    for p in problems {
        match p.severity {
            Severity::Error => report.errors.push(out(p)),
            Severity::Warning => report.warnings.push(out(p)),
        }
    }
}

/// The unreadable-file report, recorded unless a dry run.
fn failed(
    conn: &mut DbConnection,
    actor: &Actor,
    kind: &str,
    request: &LedgerRequest,
    unit: &UnitRow,
    bytes: &[u8],
    error: &ReadError,
) -> Result<ImportReport, ImportError> {
    use sha2::Digest as _;
    let mut r = report(
        request,
        hex::encode(sha2::Sha256::digest(bytes)),
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
    if !request.dry_run {
        r.import_id = Some(record_only(
            conn,
            actor,
            kind,
            &request.file_name,
            unit,
            &r,
            now(),
        )?);
    }
    Ok(r)
}

/// The "same file again" report, if this file was imported before for this unit.
fn already_imported(
    conn: &mut DbConnection,
    kind: &str,
    request: &LedgerRequest,
    unit: &UnitRow,
    sha256: &str,
    sheet: &str,
    total: u32,
) -> Result<Option<ImportReport>, ImportError> {
    if request.dry_run {
        return Ok(None);
    }
    let Some(previous) = imports::find_applied(conn, kind, sha256, unit.id)? else {
        return Ok(None);
    };
    let mut r = report(request, sha256.to_owned(), Outcome::Unchanged);
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

/// Payment references of the cases within the actor's units, with the person's id.
fn known_references(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<HashMap<PaymentReference, KnownCase>, ImportError> {
    let visible = visible_units(conn, &actor.scope)?;
    let mut q = cases_t::table.inner_join(people::table).into_boxed();
    if let Some(ids) = visible {
        q = q.filter(cases_t::unit_id.eq_any(ids));
    }
    let rows: Vec<(i64, String, String)> = q
        .select((cases_t::id, cases_t::payment_reference, people::national_id))
        .load(conn)?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, reference, national_id)| {
            let reference = PaymentReference::parse(&reference).ok()?;
            Some((
                reference,
                KnownCase {
                    case_id: CaseId(id),
                    national_id: NationalId::parse(&national_id, None).ok().map(|p| p.id),
                },
            ))
        })
        .collect())
}

fn submitting_unit(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
) -> Result<UnitRow, ImportError> {
    units::find_in_scope(conn, &actor.scope, &code.trim().to_ascii_uppercase())?
        .ok_or_else(|| ImportError::UnknownUnit(code.to_owned()))
}

/// A rule refusal as a row problem code (upper case, as the readers' codes).
fn rule_code(error: &TransitionError) -> &'static str {
    match error {
        TransitionError::InvalidTransition { .. } => "CASE_NOT_PAYABLE",
        TransitionError::PaymentExceedsEntitlement { .. } => "PAYMENT_EXCEEDS_ENTITLEMENT",
        TransitionError::AmountNotPositive { .. } => "AMOUNT_NOT_POSITIVE",
        _ => "PAYMENT_REFUSED",
    }
}

/// The state of one case while a payment list is applied to it in memory.
struct Running {
    case: cases::CaseRow,
    state: CaseState,
    paid: Vnd,
    last_paid: Option<NaiveDate>,
    events: Vec<(CaseState, CaseState, Vnd, NaiveDate, u32)>,
}

/// Imports a payment list.
pub fn import_payments(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &LedgerRequest,
    bytes: &[u8],
) -> Result<ImportReport, ImportError> {
    let started_at = now();
    let unit = submitting_unit(conn, actor, &request.unit_code)?;
    let known = known_references(conn, actor)?;
    let mut options = request.options.clone();
    options.sheet = request.sheet.clone();
    let check = PaymentCheck {
        today: request.today,
        references: &known,
    };
    let list = match read_payment_list(&request.file_name, bytes, &options, &check) {
        Ok(list) => list,
        Err(e) => return failed(conn, actor, PAYMENTS, request, &unit, bytes, &e),
    };
    if let Some(r) = already_imported(
        conn,
        PAYMENTS,
        request,
        &unit,
        &list.sha256,
        &list.sheet,
        list.total_rows,
    )? {
        return Ok(r);
    }
    let mut problems = list.problems.clone();
    let sheet = list.sheet.clone();
    let case_ids: Vec<i64> = {
        let set: HashSet<i64> = list.rows.iter().map(|r| r.case_id.0).collect();
        let mut v: Vec<i64> = set.into_iter().collect();
        v.sort_unstable();
        v
    };

    let outcome = transaction(
        conn,
        |conn| -> Result<(ImportReport, Vec<Problem>), ImportError> {
            // Current state of every case the list touches, and the payments already recorded.
            // Every referenced case is within the actor's units (the references were loaded
            // from them): lock them all, then read them in a few queries.
            cases::lock_many(conn, &case_ids)?;
            let mut running: HashMap<i64, Running> = cases::by_ids(conn, &case_ids)?
                .into_iter()
                .map(|case| {
                    let state = case.state;
                    let run = Running {
                        paid: Vnd::new(case.paid_vnd),
                        last_paid: case.last_payment_on,
                        case,
                        state,
                        events: Vec::new(),
                    };
                    (run.case.id, run)
                })
                .collect();
            let stored: HashSet<(i64, i64, NaiveDate, String)> =
                payments::keys_for_cases(conn, &case_ids)?
                    .into_iter()
                    .collect();
            let mut new_payments = Vec::new();
            let mut duplicate_cases = Vec::new();
            let mut invalid_rows: HashSet<u32> = problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .filter_map(|p| p.row)
                .collect();
            let mut recorded = 0u32;
            let mut repeated = 0u32;
            for row in &list.rows {
                let Some(run) = running.get_mut(&row.case_id.0) else {
                    continue;
                };
                let key = (
                    row.case_id.0,
                    row.amount.dong(),
                    row.date,
                    row.reference.as_str().to_owned(),
                );
                if stored.contains(&key) {
                    repeated += 1;
                    duplicate_cases.push(row.case_id.0);
                    problems.push(crate::import::tabular::row_problem(
                    &sheet,
                    row.row_number,
                    Severity::Warning,
                    crate::import::convert::Issue::new(
                        "PAYMENT_ALREADY_RECORDED",
                        "Khoản chi này đã được ghi nhận trước đây (cùng hồ sơ, số tiền, ngày chi, mã tham chiếu); không ghi lại, hồ sơ được gắn cảnh báo khoản chi trùng",
                        "This payment is already recorded (same case, amount, date, reference); not recorded again, and the case is flagged duplicate_payment",
                    ),
                ));
                    continue;
                }
                let refuse =
                    |problems: &mut Vec<Problem>, code: &'static str, vi: String, en: String| {
                        problems.push(crate::import::tabular::row_problem(
                            &sheet,
                            row.row_number,
                            Severity::Error,
                            crate::import::convert::Issue::new(code, vi, en),
                        ));
                    };
                if let Some(user) = actor.user_id {
                    let actors = CaseActors {
                        submitted_by: run.case.submitted_by,
                        approved_by: run.case.approved_by,
                    };
                    if let Err(conflict) = check_duty(user, Duty::Pay, actors) {
                        refuse(
                            &mut problems,
                            "SEPARATION_OF_DUTIES",
                            "Người duyệt hồ sơ không được ghi nhận chi trả cho hồ sơ đó".into(),
                            conflict.to_string(),
                        );
                        invalid_rows.insert(row.row_number);
                        continue;
                    }
                }
                // The single entry's date rule (`services::payments`): not before the decision.
                if let Err(e) = crate::services::payments::check_paid_after_decision(
                    row.date,
                    run.case.decision_date,
                ) {
                    let body = e.body();
                    refuse(
                        &mut problems,
                        "DATE_BEFORE_DECISION",
                        body.message_vi,
                        body.message_en,
                    );
                    invalid_rows.insert(row.row_number);
                    continue;
                }
                let facts = PaymentFacts {
                    entitled: Vnd::new(run.case.entitled_vnd),
                    paid: run.paid,
                    all_payments_matched: false,
                };
                match apply(
                    run.state,
                    &CaseAction::RecordPayment { amount: row.amount },
                    facts,
                ) {
                    Ok(t) => {
                        run.events
                            .push((t.from, t.to, row.amount, row.date, row.row_number));
                        run.state = t.to;
                        run.paid = t.paid_after;
                        run.last_paid = run.last_paid.max(Some(row.date));
                        recorded += 1;
                        new_payments.push(NewPayment {
                            case_id: row.case_id.0,
                            amount_vnd: row.amount.dong(),
                            paid_on: row.date,
                            method: row
                                .method
                                .unwrap_or(crate::import::payments::PaymentMethod::Transfer)
                                .as_str()
                                .into(),
                            payer_unit_id: Some(unit.id),
                            reference: row.reference.as_str().to_owned(),
                            reverses_id: None,
                            import_id: None,
                            source_row: i32::try_from(row.row_number).ok(),
                            recorded_by: actor.user_id,
                            recorded_by_label: actor.label.clone(),
                            match_id: None,
                            created_at: now(),
                        });
                    }
                    Err(e) => {
                        refuse(&mut problems, rule_code(&e), e.message_vi(), e.message_en());
                        invalid_rows.insert(row.row_number);
                    }
                }
            }
            problems.sort_by_key(|p| p.row.unwrap_or(0));
            let has_errors = problems.iter().any(|p| p.severity == Severity::Error);
            let invalid = u32::try_from(invalid_rows.len()).unwrap_or(u32::MAX);
            let mut r = report(request, list.sha256.clone(), Outcome::Imported);
            r.rows = RowCounts {
                total: list.total_rows,
                valid: list.total_rows.saturating_sub(invalid),
                invalid,
                created: recorded,
                unchanged: repeated,
                ..Default::default()
            };
            split(&mut r, &problems);
            r.outcome = outcome_of(request, has_errors);
            if matches!(r.outcome, Outcome::DryRun | Outcome::Rejected) {
                r.rows.created = 0;
                return Ok((r, problems));
            }
            let import_id = record_only(
                conn,
                actor,
                PAYMENTS,
                &request.file_name,
                &unit,
                &r,
                started_at,
            )?;
            r.import_id = Some(import_id);
            store_problems(conn, import_id, &problems)?;
            for p in &mut new_payments {
                p.import_id = Some(import_id);
            }
            payments::insert_many(conn, &new_payments)?;
            let mut changed: Vec<&Running> =
                running.values().filter(|r| !r.events.is_empty()).collect();
            changed.sort_unstable_by_key(|r| r.case.id);
            let updates: Vec<cases::PaidUpdate> = changed
                .iter()
                .map(|run| cases::PaidUpdate {
                    id: run.case.id,
                    expected_version: run.case.version,
                    state: run.state,
                    paid_vnd: run.paid.dong(),
                    last_payment_on: run.last_paid,
                })
                .collect();
            // The cases are locked, so every version still matches; a miss means a bug or a
            // writer that ignored the lock, and the whole import is undone.
            let updated = cases::set_paid_many(conn, &updates)?;
            if updated.len() != updates.len() {
                return Err(ImportError::Other(anyhow::anyhow!(
                    "{} of {} cases changed during the import",
                    updates.len() - updated.len(),
                    updates.len()
                )));
            }
            let at = now();
            let mut events = Vec::new();
            for run in changed {
                for (from, to, amount, date, row) in &run.events {
                    events.push(NewCaseEvent {
                        case_id: run.case.id,
                        at,
                        actor_user_id: actor.user_id,
                        actor: actor.label.clone(),
                        action: "record_payment".into(),
                        from_state: Some(*from),
                        to_state: *to,
                        reason: None,
                        detail_json: Some(
                            json!({"import_id": import_id, "row": row, "amount_vnd": amount.dong(),
                               "paid_on": date})
                            .to_string(),
                        ),
                        request_id: actor.request_id.clone(),
                    });
                }
            }
            cases::insert_events(conn, &events)?;
            cases::set_marker(
                conn,
                &duplicate_cases,
                Marker::DuplicatePayment,
                Some(request.today),
            )?;
            audit::record(
                conn,
                AuditEntry {
                    actor_user_id: actor.user_id,
                    actor: actor.label.clone(),
                    action: "import.payments".into(),
                    entity_kind: "import".into(),
                    entity_id: Some(import_id.to_string()),
                    unit_id: Some(unit.id),
                    case_id: None,
                    request_id: actor.request_id.clone(),
                    before: None,
                    after: Some(json!({"file": request.file_name, "sha256": list.sha256,
                    "outcome": r.outcome.as_str(), "recorded": recorded, "duplicates": repeated})),
                },
            )?;
            let counts = to_new_import_counts(&r.rows, &problems);
            imports::set_counts(conn, import_id, &counts)?;
            Ok((r, problems))
        },
    );
    let (mut r, problems) = outcome?;
    if r.outcome == Outcome::Rejected {
        // Nothing written; the refusal itself is recorded with its problems.
        r.import_id = Some(record_rejected(
            conn, actor, PAYMENTS, request, &unit, &r, &problems, started_at,
        )?);
    } else if u64::from(r.rows.created) >= crate::db::ANALYZE_AFTER_ROWS {
        crate::db::analyze(conn, &["payments", "cases", "case_events"])?;
    }
    Ok(r)
}

/// What a statement import's matching did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct MatchSummary {
    pub lines_considered: usize,
    pub payments_considered: usize,
    pub matches: usize,
    pub lines_matched: usize,
    pub payments_matched: usize,
    pub lines_unmatched: usize,
    pub payments_unmatched: usize,
    pub cases_reconciled: usize,
    pub by_reference: usize,
    pub by_details: usize,
    /// Milliseconds the matcher itself took (part of the write transaction).
    pub match_ms: u64,
}

/// Imports a statement and reconciles.
pub fn import_statement(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &LedgerRequest,
    bytes: &[u8],
) -> Result<ImportReport, ImportError> {
    let started_at = now();
    let clock = std::time::Instant::now();
    let mut timings = Timings::default();
    let unit = submitting_unit(conn, actor, &request.unit_code)?;
    let known = known_references(conn, actor)?;
    timings.lookup = ms(clock);
    let mut options = request.options.clone();
    options.sheet = request.sheet.clone();
    let check = StatementCheck {
        today: request.today,
        references: &known,
        sign: request.sign,
    };
    let statement = match read_statement(&request.file_name, bytes, &options, &check) {
        Ok(s) => s,
        Err(e) => return failed(conn, actor, STATEMENT, request, &unit, bytes, &e),
    };
    timings.read = ms(clock) - timings.lookup;
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
    let mut r = report(request, statement.sha256.clone(), Outcome::Imported);
    r.rows = RowCounts {
        total: statement.total_rows,
        valid: statement.total_rows.saturating_sub(invalid),
        invalid,
        created: u32::try_from(new_rows.len()).unwrap_or(u32::MAX),
        unchanged: u32::try_from(duplicate_idx.len()).unwrap_or(u32::MAX),
        ..Default::default()
    };
    split(&mut r, &problems);
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
                    .map(|k| k.case_id.0),
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

/// Matches the statement lines of this import (`new_lines`, not yet stored) and every open
/// line stored before, within the actor's units, with every open payment of their cases; stores
/// the matches, then the new lines already matched (or with the reason they are not), and
/// reconciles the paid cases whose payments are now all matched. Runs inside the caller's
/// transaction.
pub fn reconcile_open(
    conn: &mut DbConnection,
    actor: &Actor,
    import_id: i64,
    mut new_lines: Vec<NewStatementLine>,
    settings: &MatchSettings,
) -> Result<MatchSummary, ImportError> {
    let open_lines = payments::open_lines(conn, &actor.scope)?;
    let open_payments = payments::open_payments(conn, &actor.scope)?;
    // New lines take ids -1, -2, ... until they are stored.
    let new_id = |i: usize| -(i64::try_from(i).unwrap_or(i64::MAX - 1) + 1);
    let new_index = |id: i64| usize::try_from(-id - 1).ok();
    let lines: Vec<_> =
        open_lines
            .iter()
            .map(|l| crate::domain::matching::StatementLine {
                id: StatementLineId(l.id),
                date: l.line_date,
                amount: Vnd::new(l.amount_vnd),
                account_no: l.account_no.clone(),
                counterparty: l.counterparty.clone(),
                description: l.description.clone(),
                bank_reference: l.bank_reference.clone(),
                sequence: l.sequence.clone(),
            })
            .chain(new_lines.iter().enumerate().map(|(i, l)| {
                crate::domain::matching::StatementLine {
                    id: StatementLineId(new_id(i)),
                    date: l.line_date,
                    amount: Vnd::new(l.amount_vnd),
                    account_no: l.account_no.clone(),
                    counterparty: l.counterparty.clone(),
                    description: l.description.clone(),
                    bank_reference: l.bank_reference.clone(),
                    sequence: l.sequence.clone(),
                }
            }))
            .collect();
    let candidate = |p: &payments::OpenPayment| {
        Some(CandidatePayment {
            id: PaymentId(p.id),
            case_id: CaseId(p.case_id),
            amount: Vnd::new(p.amount_vnd),
            date: p.paid_on,
            payment_reference: PaymentReference::parse(&p.payment_reference).ok()?,
            person_name: p.full_name.clone(),
            person_account: p.bank_account.clone(),
        })
    };
    let candidates: Vec<CandidatePayment> = open_payments.iter().filter_map(candidate).collect();
    // Payments confirmed by earlier statements, of the cases the lines quote: a line paying one
    // of them again is a likely double payout.
    let mut quoted: Vec<String> = lines
        .iter()
        .flat_map(|l| crate::domain::matching::references_in(&l.description))
        .map(|r| r.as_str().to_owned())
        .collect();
    quoted.sort_unstable();
    quoted.dedup();
    let settled: Vec<CandidatePayment> = payments::settled_for_references(conn, &quoted)?
        .iter()
        .filter_map(candidate)
        .collect();
    let matching = std::time::Instant::now();
    let result = reconcile_with_settled(&lines, &candidates, &settled, settings);
    let match_ms = ms(matching);
    let mut summary = MatchSummary {
        lines_considered: lines.len(),
        payments_considered: candidates.len(),
        matches: result.matches.len(),
        lines_unmatched: result.unmatched_lines.len(),
        payments_unmatched: result.unmatched_payments.len(),
        match_ms,
        ..Default::default()
    };
    let at = now();
    let records: Vec<NewMatch> = result
        .matches
        .iter()
        .map(|m| {
            let method = match m.method {
                crate::domain::matching::MatchMethod::Reference => {
                    summary.by_reference += 1;
                    "reference"
                }
                crate::domain::matching::MatchMethod::Details => {
                    summary.by_details += 1;
                    "details"
                }
            };
            NewMatch {
                import_id: Some(import_id),
                method: method.into(),
                score: i32::from(m.score),
                reasons: m.reasons.join("; "),
                created_at: at,
            }
        })
        .collect();
    let ids = payments::insert_matches(conn, import_id, &records)?;
    if ids.len() != result.matches.len() {
        return Err(ImportError::Other(anyhow::anyhow!(
            "{} match records stored for {} matches",
            ids.len(),
            result.matches.len()
        )));
    }
    let mut touched: HashSet<i64> = HashSet::new();
    let mut payment_matches: Vec<(i64, i64)> = Vec::new();
    let mut line_matches: Vec<(i64, i64)> = Vec::new();
    for (m, &match_id) in result.matches.iter().zip(&ids) {
        for line in &m.line_ids {
            match new_index(line.0).and_then(|i| new_lines.get_mut(i)) {
                Some(new) if line.0 < 0 => new.match_id = Some(match_id),
                _ => line_matches.push((line.0, match_id)),
            }
        }
        summary.lines_matched += m.line_ids.len();
        summary.payments_matched += m.payment_ids.len();
        payment_matches.extend(m.payment_ids.iter().map(|p| (p.0, match_id)));
        touched.extend(m.case_ids.iter().map(|c| c.0));
    }
    let previous: HashMap<i64, Option<&str>> = open_lines
        .iter()
        .map(|l| (l.id, l.unmatched_reason.as_deref()))
        .collect();
    let mut reasons: Vec<(i64, &'static str)> = Vec::new();
    for u in &result.unmatched_lines {
        let code = u.reason.code();
        if u.line_id.0 < 0 {
            if let Some(new) = new_index(u.line_id.0).and_then(|i| new_lines.get_mut(i)) {
                new.unmatched_reason = Some(code.to_owned());
            }
        } else if previous.get(&u.line_id.0).copied().flatten() != Some(code) {
            reasons.push((u.line_id.0, code));
        }
    }
    payments::set_line_matches(conn, &line_matches)?;
    payments::set_unmatched_reasons(conn, &reasons)?;
    payments::set_payment_matches(conn, &payment_matches)?;
    payments::insert_lines(conn, &new_lines)?;
    // Paid cases whose every payment is now matched are reconciled.
    let mut touched: Vec<i64> = touched.into_iter().collect();
    touched.sort_unstable();
    let still_open: HashMap<i64, i64> = payments::unmatched_counts(conn, &touched)?
        .into_iter()
        .collect();
    let mut events = Vec::new();
    let done: Vec<i64> = touched
        .into_iter()
        .filter(|id| !still_open.contains_key(id))
        .collect();
    // Every such case goes paid → reconciled (the state machine decides each), in batches.
    let mut ready: Vec<(i64, i32)> = Vec::new();
    let mut from: HashMap<i64, CaseState> = HashMap::new();
    for (id, state, version, entitled, paid) in cases::money_facts(conn, &done)? {
        let facts = PaymentFacts {
            entitled: Vnd::new(entitled),
            paid: Vnd::new(paid),
            all_payments_matched: true,
        };
        if apply(state, &CaseAction::Reconcile, facts).is_ok() {
            ready.push((id, version));
            from.insert(id, state);
        }
    }
    let reconciled = CaseState::Reconciled;
    let at = now();
    let detail = json!({"import_id": import_id}).to_string();
    for id in cases::set_state_many(conn, &ready, reconciled)? {
        summary.cases_reconciled += 1;
        events.push(NewCaseEvent {
            case_id: id,
            at,
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: "reconcile".into(),
            from_state: from.get(&id).copied(),
            to_state: reconciled,
            reason: None,
            detail_json: Some(detail.clone()),
            request_id: actor.request_id.clone(),
        });
    }
    cases::insert_events(conn, &events)?;
    Ok(summary)
}
