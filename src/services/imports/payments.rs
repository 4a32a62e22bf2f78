//! Importing a **payment list** (payments an agency or the Treasury made), with the rules of
//! every import (see [`super`]): everything read and checked before the one write transaction.
//! A payment row goes through the same rules as a payment entered on screen (state machine,
//! entitlement ceiling, separation of duties). A row that repeats a payment already recorded
//! (same case, amount, date and reference) is not recorded again: it is a warning, and the
//! case is flagged `duplicate_payment`.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde_json::json;

use super::record::{
    ColumnsOut, ImportError, ImportReport, Outcome, RowCounts, already_imported, outcome_of,
    record_only, record_rejected, store_problems, to_new_import_counts, unreadable,
};
use super::{LedgerRequest, known_references, submitting_unit};
use crate::db::audit::{self, AuditEntry};
use crate::db::case_events::{self, NewCaseEvent};
use crate::db::cases;
use crate::db::imports;
use crate::db::markers::{self, Marker};
use crate::db::payments::{self, NewPayment};
use crate::db::{DbConnection, now, transaction};
use crate::domain::access::CaseActors;
use crate::domain::case_state::{CaseAction, CaseState, TransitionError};
use crate::domain::ids::CaseId;
use crate::domain::ledger::{PayableCase, PaymentRefusal, admit_payment};
use crate::domain::money::Vnd;
use crate::import::error::ListKind;
use crate::import::payments::{PaymentCheck, read_payment_list};
use crate::import::{Problem, Severity};
use crate::services::Actor;

/// Kind of a payment-list import record.
pub const PAYMENTS: &str = "payments";

/// A refused row as a problem: its code (upper case, as the readers' codes) and messages.
fn row_refusal(refusal: PaymentRefusal) -> (&'static str, String, String) {
    match refusal {
        PaymentRefusal::Duty(conflict) => (
            "SEPARATION_OF_DUTIES",
            conflict.message_vi().to_owned(),
            conflict.to_string(),
        ),
        PaymentRefusal::BeforeDecision(too_early) => {
            let (vi, en) = too_early.messages();
            ("DATE_BEFORE_DECISION", vi, en)
        }
        PaymentRefusal::Rule(error) => {
            let code = match error {
                TransitionError::InvalidTransition { .. } => "CASE_NOT_PAYABLE",
                TransitionError::PaymentExceedsEntitlement { .. } => "PAYMENT_EXCEEDS_ENTITLEMENT",
                TransitionError::AmountNotPositive { .. } => "AMOUNT_NOT_POSITIVE",
                _ => "PAYMENT_REFUSED",
            };
            (code, error.message_vi(), error.message_en())
        }
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
    import_payments_with_progress(conn, actor, request, bytes, &super::NoProgress)
}

/// [`import_payments`], reporting its phases to `progress` (`read`, then `write`; rows of the file).
#[tracing::instrument(skip_all, fields(bytes = bytes.len()))]
pub fn import_payments_with_progress(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &LedgerRequest,
    bytes: &[u8],
    progress: &dyn super::ImportProgress,
) -> Result<ImportReport, ImportError> {
    progress.update("read", 0, 0);
    let started_at = now();
    let unit = submitting_unit(conn, actor, &request.unit_code)?;
    let known = known_references(conn, actor)?;
    let mut options = request.options.clone();
    options.sheet = request.sheet.clone();
    options.profiles = super::profiles_of(conn, &unit, ListKind::PaymentList)?;
    let check = PaymentCheck {
        today: request.today,
        references: &known,
    };
    let list = match read_payment_list(&request.file_name, bytes, &options, &check) {
        Ok(list) => list,
        Err(e) => return unreadable(conn, actor, PAYMENTS, request, &unit, bytes, &e, started_at),
    };
    let rows = u64::from(list.total_rows);
    progress.update("read", rows, rows);
    let saved = super::save_profile(
        conn,
        actor,
        &unit,
        ListKind::PaymentList,
        &options,
        &list.headers,
    )?;
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
    let case_ids: Vec<CaseId> = {
        let set: HashSet<CaseId> = list.rows.iter().map(|r| r.case_id).collect();
        let mut v: Vec<CaseId> = set.into_iter().collect();
        v.sort_unstable();
        v
    };

    progress.update("write", 0, rows);
    let outcome = transaction(
        conn,
        |conn| -> Result<(ImportReport, Vec<Problem>), ImportError> {
            // Current state of every case the list touches, and the payments already recorded.
            // Every referenced case is within the actor's units (the references were loaded
            // from them): lock them all, then read them in a few queries.
            cases::lock_many(conn, &case_ids)?;
            let mut running: HashMap<CaseId, Running> = cases::by_ids(conn, &case_ids)?
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
            let stored: HashSet<(CaseId, i64, NaiveDate, String)> =
                payments::keys_for_cases(conn, &case_ids)?
                    .into_iter()
                    .collect();
            let open_batches = crate::db::batches::open_for_cases(conn, &case_ids)?;
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
                let Some(run) = running.get_mut(&row.case_id) else {
                    continue;
                };
                let key = (
                    row.case_id,
                    row.amount.dong(),
                    row.date,
                    row.reference.as_str().to_owned(),
                );
                if stored.contains(&key) {
                    repeated += 1;
                    duplicate_cases.push(row.case_id);
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
                let case = PayableCase {
                    state: run.state,
                    entitled: Vnd::new(run.case.entitled_vnd),
                    paid: run.paid,
                    decision_date: run.case.decision_date,
                    actors: CaseActors {
                        submitted_by: run.case.submitted_by,
                        approved_by: run.case.approved_by,
                    },
                };
                match admit_payment(&case, actor.user_id, row.date)
                    .and_then(|a| a.apply(&CaseAction::RecordPayment { amount: row.amount }))
                {
                    Ok(t) => {
                        run.events
                            .push((t.from, t.to, row.amount, row.date, row.row_number));
                        run.state = t.to;
                        run.paid = t.paid_after;
                        run.last_paid = run.last_paid.max(Some(row.date));
                        recorded += 1;
                        new_payments.push(NewPayment {
                            case_id: row.case_id,
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
                            batch_id: open_batches.get(&row.case_id).copied(),
                        });
                    }
                    Err(refusal) => {
                        let (code, vi, en) = row_refusal(refusal);
                        refuse(&mut problems, code, vi, en);
                        invalid_rows.insert(row.row_number);
                    }
                }
            }
            problems.sort_by_key(|p| p.row.unwrap_or(0));
            let has_errors = problems.iter().any(|p| p.severity == Severity::Error);
            let invalid = u32::try_from(invalid_rows.len()).unwrap_or(u32::MAX);
            let mut r =
                ImportReport::new(&request.file_name, list.sha256.clone(), Outcome::Imported);
            r.columns = Some(ColumnsOut::of(&list).saved_as(saved.clone()));
            r.rows = RowCounts {
                total: list.total_rows,
                valid: list.total_rows.saturating_sub(invalid),
                invalid,
                created: recorded,
                unchanged: repeated,
                ..Default::default()
            };
            r.add_problems(&problems);
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
                        at: at.into(),
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
            case_events::insert_events(conn, &events)?;
            markers::set_marker(
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
