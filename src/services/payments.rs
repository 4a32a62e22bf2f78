//! Recording payments: one at a time (an officer at the screen) and reversals. Every entry
//! goes through the case state machine (`payable` or later; never above the entitlement),
//! separation of duties (the approver does not pay), and the duplicate rule (same case,
//! amount, date and reference), and records history and audit in one transaction.
//!
//! Concurrency: the case row is locked first (`cases::lock`), so two officers recording on
//! one case are serialised and the second sees the first's entry; the unique index on the
//! duplicate key backs this up in the database itself.

use chrono::NaiveDate;
use serde_json::json;

use super::Actor;
use crate::db::audit::{self, AuditEntry};
use crate::db::case_events::{self, NewCaseEvent};
use crate::db::cases::{self, CaseRow};
use crate::db::payments::{self, NewPayment, PaymentRow};
use crate::db::units::{self, UnitRow};
use crate::db::{DbConnection, now, transaction};
use crate::domain::access::{CaseActors, DutyConflict};
use crate::domain::case_state::{CaseAction, Transition};
use crate::domain::ids::{CaseId, PaymentId, UnitId};
use crate::domain::ledger::{PayableCase, PaymentRefusal, admit_payment};
use crate::domain::money::Vnd;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::import::payments::PaymentMethod;

/// A payment (or reversal) to record.
#[derive(Debug, Clone)]
pub struct PaymentRequest {
    /// The amount, whole đồng, more than zero (a reversal takes back this much).
    pub amount: Vnd,
    /// The day the money left.
    pub paid_on: NaiveDate,
    pub method: PaymentMethod,
    /// The paying unit's code; the case's unit when not given.
    pub payer_unit: Option<String>,
    /// The transfer's reference; the case's payment reference when not given.
    pub reference: Option<String>,
    /// For a reversal: the entry it reverses.
    pub reverses: Option<PaymentId>,
    /// The version of the case the person recording it read (API and page forms); `None`
    /// only for the service's own seeding (demo data).
    pub version: Option<i32>,
}

/// What was recorded.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub case: CaseRow,
    pub payment: PaymentRow,
}

/// A refusal as a 409 (or 422-like 400) with a stable code and both languages.
fn refusal(error: crate::domain::case_state::TransitionError) -> AppError {
    AppError::conflict(error.code(), error.message_vi(), error.message_en())
}

/// The separation-of-duties refusal, shared by review actions and payments.
pub fn duty_refusal(conflict: DutyConflict) -> AppError {
    AppError::conflict(
        "separation_of_duties",
        conflict.message_vi(),
        conflict.to_string(),
    )
}

/// A payment the rules refuse ([`admit_payment`]), as a 409 with its code.
pub fn payment_refusal(refused: PaymentRefusal) -> AppError {
    match refused {
        PaymentRefusal::Duty(conflict) => duty_refusal(conflict),
        PaymentRefusal::BeforeDecision(too_early) => {
            let (vi, en) = too_early.messages();
            AppError::conflict("date_before_decision", vi, en)
        }
        PaymentRefusal::Rule(error) => refusal(error),
    }
}

/// The refusal of a payment that repeats a recorded one.
pub fn duplicate_refusal(existing: Option<i64>) -> AppError {
    AppError::conflict(
        "duplicate_payment",
        format!(
            "Khoản chi trùng với khoản đã ghi nhận{} (cùng hồ sơ, số tiền, ngày chi và mã tham chiếu); không ghi lại",
            existing.map(|id| format!(" số {id}")).unwrap_or_default()
        ),
        format!(
            "The same payment is already recorded{} (same case, amount, date and reference); not recorded again",
            existing.map(|id| format!(" as #{id}")).unwrap_or_default()
        ),
    )
}

/// Checks the day of a payment: not after today.
pub fn check_paid_on(paid_on: NaiveDate, today: NaiveDate) -> Result<(), AppError> {
    if paid_on > today {
        return Err(AppError::conflict(
            "date_in_future",
            format!("Ngày chi {paid_on} sau ngày hôm nay ({today})"),
            format!("The payment date {paid_on} is after today ({today})"),
        ));
    }
    Ok(())
}

/// Checks the day of a reversal: not before the payment it takes back (otherwise a report
/// "as of" a day in between would show negative money paid).
pub fn check_reversal_date(reversal_on: NaiveDate, paid_on: NaiveDate) -> Result<(), AppError> {
    if reversal_on < paid_on {
        return Err(AppError::conflict(
            "reversal_before_payment",
            format!(
                "Ngày ghi giảm {} trước ngày chi của khoản chi được ghi giảm ({})",
                reversal_on.format("%d/%m/%Y"),
                paid_on.format("%d/%m/%Y")
            ),
            format!(
                "The reversal date {reversal_on} is before the date of the payment it reverses ({paid_on})"
            ),
        ));
    }
    Ok(())
}

/// Finds the paying unit by code (any unit: a province's finance department may pay for a
/// commune), or the case's own unit.
fn payer_unit(
    conn: &mut DbConnection,
    code: Option<&str>,
    case_unit: &UnitRow,
) -> Result<UnitId, AppError> {
    let Some(code) = code.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(case_unit.id);
    };
    let code = UnitCode::normalize(code);
    units::find_by_code(conn, &code)?
        .map(|u| u.id)
        .ok_or_else(|| {
            AppError::conflict(
                "unknown_unit",
                format!("Không có đơn vị mã {code}"),
                format!("There is no unit with code {code}"),
            )
        })
}

/// Records a payment or a reversal on one case within the actor's scope.
#[tracing::instrument(skip_all, fields(case_id = case_id.0))]
pub fn record(
    conn: &mut DbConnection,
    actor: &Actor,
    case_id: CaseId,
    request: &PaymentRequest,
    today: NaiveDate,
) -> Result<Recorded, AppError> {
    check_paid_on(request.paid_on, today)?;
    let result = transaction(conn, |conn| {
        if !cases::lock(conn, case_id)? {
            return Err(AppError::NotFound);
        }
        let (case, _, unit) =
            cases::find_in_scope(conn, &actor.scope, case_id)?.ok_or(AppError::NotFound)?;
        let admitted = admit_payment(
            &PayableCase {
                state: case.state,
                entitled: Vnd::new(case.entitled_vnd),
                paid: Vnd::new(case.paid_vnd),
                decision_date: case.decision_date,
                actors: CaseActors {
                    submitted_by: case.submitted_by,
                    approved_by: case.approved_by,
                },
            },
            actor.user_id,
            request.paid_on,
        )
        .map_err(payment_refusal)?;
        let (action, reference, reverses, batch_id) = match request.reverses {
            None => (
                CaseAction::RecordPayment {
                    amount: request.amount,
                },
                request
                    .reference
                    .as_deref()
                    .map(str::trim)
                    .filter(|r| !r.is_empty())
                    .unwrap_or(&case.payment_reference)
                    .to_owned(),
                None,
                crate::db::batches::open_for_cases(conn, &[case.id])?
                    .get(&case.id)
                    .copied(),
            ),
            Some(original_id) => {
                let original = payments::find(conn, original_id)?
                    .filter(|p| p.case_id == case.id && p.amount_vnd > 0)
                    .ok_or_else(|| {
                        AppError::conflict(
                            "unknown_payment",
                            format!("Hồ sơ không có khoản chi số {original_id} để ghi giảm"),
                            format!("The case has no payment #{original_id} to reverse"),
                        )
                    })?;
                check_reversal_date(request.paid_on, original.paid_on)?;
                if payments::is_reversed(conn, original_id)? {
                    return Err(AppError::conflict(
                        "already_reversed",
                        format!("Khoản chi số {original_id} đã được ghi giảm"),
                        format!("Payment #{original_id} is already reversed"),
                    ));
                }
                if request.amount.dong() != original.amount_vnd {
                    return Err(AppError::conflict(
                        "reversal_amount",
                        format!(
                            "Ghi giảm phải đúng số tiền của khoản chi ({} đồng)",
                            Vnd::new(original.amount_vnd).grouped('.')
                        ),
                        format!(
                            "A reversal takes back the whole payment ({} đồng)",
                            original.amount_vnd
                        ),
                    ));
                }
                (
                    CaseAction::ReversePayment {
                        amount: request.amount,
                    },
                    original.reference,
                    Some(original_id),
                    original.batch_id,
                )
            }
        };
        // A repeat is named as such before any other rule speaks.
        let signed = if reverses.is_some() {
            -request.amount
        } else {
            request.amount
        };
        if let Some(existing) =
            payments::find_same(conn, case.id, signed.dong(), request.paid_on, &reference)?
        {
            return Err(duplicate_refusal(Some(existing)));
        }
        if let Some(expected) = request.version.filter(|v| *v != case.version) {
            return Err(refusal(
                crate::domain::case_state::TransitionError::StaleVersion {
                    expected: expected.into(),
                    actual: case.version.into(),
                },
            ));
        }
        let transition = admitted.apply(&action).map_err(payment_refusal)?;
        let entry = transition.entry.unwrap_or(Vnd::ZERO);
        let payer_unit_id = payer_unit(conn, request.payer_unit.as_deref(), &unit)?;
        let payment_id = payments::insert(
            conn,
            &NewPayment {
                case_id: case.id,
                amount_vnd: entry.dong(),
                paid_on: request.paid_on,
                method: request.method.as_str().into(),
                payer_unit_id: Some(payer_unit_id),
                reference: reference.clone(),
                reverses_id: reverses,
                import_id: None,
                source_row: None,
                recorded_by: actor.user_id,
                recorded_by_label: actor.label.clone(),
                match_id: None,
                created_at: now(),
                batch_id,
            },
        )?;
        write_transition(
            conn,
            actor,
            &case,
            unit.id,
            &transition,
            payment_id,
            request.paid_on,
            None,
        )?;
        let payment = payments::find(conn, payment_id)?.ok_or(AppError::NotFound)?;
        let (updated, _, _) =
            cases::find_in_scope(conn, &actor.scope, case.id)?.ok_or(AppError::NotFound)?;
        Ok(Recorded {
            case: updated,
            payment,
        })
    });
    // The unique index is the last word on duplicates (a race the lock did not see, e.g. on a
    // backend without row locks).
    result.map_err(|e| match e {
        AppError::Internal(err) if is_unique_violation(&err) => duplicate_refusal(None),
        other => other,
    })
}

/// Applies a payment transition to the stored case: state, total, latest day, history and
/// audit. The caller has locked the case and inserted the entry.
#[allow(clippy::too_many_arguments)]
pub fn write_transition(
    conn: &mut DbConnection,
    actor: &Actor,
    case: &CaseRow,
    unit_id: UnitId,
    transition: &Transition,
    payment_id: PaymentId,
    paid_on: NaiveDate,
    import_id: Option<i64>,
) -> Result<(), AppError> {
    let last = Some(paid_on);
    if !cases::set_paid(
        conn,
        case.id,
        case.version,
        transition.to,
        transition.paid_after.dong(),
        last,
    )? {
        return Err(refusal(
            crate::domain::case_state::TransitionError::StaleVersion {
                expected: case.version.into(),
                actual: i64::from(case.version) + 1,
            },
        ));
    }
    let detail = json!({
        "payment_id": payment_id,
        "amount_vnd": transition.entry.map(Vnd::dong),
        "paid_on": paid_on,
        "paid_after_vnd": transition.paid_after.dong(),
        "import_id": import_id,
    });
    case_events::insert_events(
        conn,
        &[NewCaseEvent {
            case_id: case.id,
            at: now().into(),
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: transition.action.as_str().into(),
            from_state: Some(transition.from),
            to_state: transition.to,
            reason: None,
            detail_json: Some(detail.to_string()),
            request_id: actor.request_id.clone(),
        }],
    )?;
    audit::record(
        conn,
        AuditEntry {
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: format!("payment.{}", transition.action.as_str()),
            entity_kind: "payment".into(),
            entity_id: Some(payment_id.to_string()),
            unit_id: Some(unit_id),
            case_id: Some(case.id),
            request_id: actor.request_id.clone(),
            before: Some(json!({"state": transition.from.as_str(), "paid_vnd": case.paid_vnd})),
            after: Some(json!({"state": transition.to.as_str(),
                "paid_vnd": transition.paid_after.dong(), "entry_vnd": transition.entry.map(Vnd::dong)})),
        },
    )?;
    Ok(())
}

/// Whether a database error (wrapped by `AppError::Internal`) is a unique-constraint violation.
pub fn is_unique_violation(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        matches!(
            cause.downcast_ref::<diesel::result::Error>(),
            Some(diesel::result::Error::DatabaseError(
                diesel::result::DatabaseErrorKind::UniqueViolation,
                _
            ))
        )
    })
}
