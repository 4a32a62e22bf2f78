//! Acting on a case: approve, return, fund, cancel. Each action goes through the domain's
//! state machine and separation of duties, is refused on a stale version, and records who,
//! when and why in the case history and the audit trail, in one transaction.

use serde_json::json;

use super::Actor;
use crate::db::audit::{self, AuditEntry};
use crate::db::case_events::{self, NewCaseEvent};
use crate::db::cases::{self, CaseRow};
use crate::db::{DbConnection, now, transaction};
use crate::domain::access::{CaseActors, Duty, check_duty};
use crate::domain::case_state::{CaseAction, CaseState, PaymentFacts, TransitionError, apply};
use crate::domain::ids::CaseId;
use crate::domain::money::Vnd;
use crate::error::AppError;

/// Applies an action to one case within the actor's scope.
///
/// `expected_version` is the version the reviewer read; a different current version is
/// refused as stale (409), so nobody approves something they have not seen.
#[tracing::instrument(skip_all, fields(case_id = case_id.0, action = action.kind().as_str()))]
pub fn act(
    conn: &mut DbConnection,
    actor: &Actor,
    case_id: CaseId,
    expected_version: Option<i32>,
    action: CaseAction,
) -> Result<CaseRow, AppError> {
    transaction(conn, |conn| {
        act_within(conn, actor, case_id, expected_version, &action)
    })
}

/// [`act`] inside the caller's transaction.
fn act_within(
    conn: &mut DbConnection,
    actor: &Actor,
    case_id: CaseId,
    expected_version: Option<i32>,
    action: &CaseAction,
) -> Result<CaseRow, AppError> {
    let (case, _, unit) =
        cases::find_in_scope(conn, &actor.scope, case_id)?.ok_or(AppError::NotFound)?;
    if let Some(expected) = expected_version.filter(|v| *v != case.version) {
        return Err(refusal(TransitionError::StaleVersion {
            expected: expected.into(),
            actual: case.version.into(),
        }));
    }
    let duty = match action {
        CaseAction::Approve | CaseAction::Return { .. } => Some(Duty::Approve),
        CaseAction::RecordPayment { .. } | CaseAction::ReversePayment { .. } => Some(Duty::Pay),
        _ => None,
    };
    if let (Some(duty), Some(user)) = (duty, actor.user_id) {
        let actors = CaseActors {
            submitted_by: case.submitted_by,
            approved_by: case.approved_by,
        };
        check_duty(user, duty, actors).map_err(super::payments::duty_refusal)?;
    }
    if matches!(
        action,
        CaseAction::RecordPayment { .. }
            | CaseAction::ReversePayment { .. }
            | CaseAction::Reconcile
    ) {
        // Payments carry a ledger entry and statement matching; they are not review
        // actions. Separation of duties is checked above first, for every caller.
        return Err(AppError::bad_request(
            "not_a_review_action",
            "Chi trả và đối soát được ghi nhận qua chức năng chi trả, không qua duyệt hồ sơ.",
            "Payments and reconciliation are recorded through payments, not review actions.",
        ));
    }
    let state = case.state;
    let facts = PaymentFacts {
        entitled: Vnd::new(case.entitled_vnd),
        paid: Vnd::new(case.paid_vnd),
        all_payments_matched: false,
    };
    let transition = apply(state, action, facts).map_err(refusal)?;
    let approved_by = match transition.to {
        CaseState::Approved if state != CaseState::Approved => Some(actor.user_id),
        CaseState::Returned | CaseState::Submitted => Some(None),
        _ => None,
    };
    if !cases::set_state(conn, case.id, case.version, transition.to, approved_by)? {
        return Err(refusal(TransitionError::StaleVersion {
            expected: case.version.into(),
            actual: i64::from(case.version) + 1,
        }));
    }
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
            reason: transition.note.clone(),
            detail_json: None,
            request_id: actor.request_id.clone(),
        }],
    )?;
    audit::record(
        conn,
        AuditEntry {
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: format!("case.{}", transition.action.as_str()),
            entity_kind: "case".into(),
            entity_id: Some(case.id.to_string()),
            unit_id: Some(unit.id),
            case_id: Some(case.id),
            request_id: actor.request_id.clone(),
            before: Some(json!({"state": transition.from.as_str(), "version": case.version})),
            after: Some(
                json!({"state": transition.to.as_str(), "version": case.version + 1,
                    "note": transition.note}),
            ),
        },
    )?;
    if let CaseAction::Fund { .. } = action
        && let Some(source) = &transition.note
    {
        cases::set_funding_source(conn, case.id, source)?;
    }
    let (updated, _, _) =
        cases::find_in_scope(conn, &actor.scope, case.id)?.ok_or(AppError::NotFound)?;
    Ok(updated)
}

/// One case's result in a bulk action.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BulkItem {
    #[schema(value_type = i64)]
    pub id: CaseId,
    /// Whether this case accepts the action.
    pub ok: bool,
    /// The state after (when applied) or the current state.
    #[schema(value_type = Option<String>)]
    pub state: Option<CaseState>,
    pub code: Option<String>,
    pub message_vi: Option<String>,
    pub message_en: Option<String>,
}

/// The outcome of a bulk action: applied to every case, or to none.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct BulkOutcome {
    pub applied: bool,
    pub count: usize,
    pub refused: usize,
    pub results: Vec<BulkItem>,
}

/// Most cases one bulk request may select.
pub const BULK_LIMIT: usize = 10_000;

/// Applies one action to every case of a selection in one transaction: all or nothing.
/// Cases outside the scope are refused as not found; when any case refuses, nothing is
/// written and every case's result is returned.
#[tracing::instrument(skip_all, fields(cases = ids.len(), action = action.kind().as_str()))]
pub fn act_bulk(
    conn: &mut DbConnection,
    actor: &Actor,
    ids: &[CaseId],
    action: &CaseAction,
) -> Result<BulkOutcome, AppError> {
    if ids.len() > BULK_LIMIT {
        return Err(AppError::conflict(
            "selection_too_large",
            format!(
                "Chọn tối đa {BULK_LIMIT} hồ sơ mỗi lần (đã chọn {})",
                ids.len()
            ),
            format!(
                "Select at most {BULK_LIMIT} cases at a time ({} selected)",
                ids.len()
            ),
        ));
    }
    let mut results = Vec::with_capacity(ids.len());
    let outcome = transaction(conn, |conn| {
        for &id in ids {
            match act_within(conn, actor, id, None, action) {
                Ok(case) => results.push(BulkItem {
                    id,
                    ok: true,
                    state: Some(case.state),
                    code: None,
                    message_vi: None,
                    message_en: None,
                }),
                Err(AppError::Internal(e)) => return Err(AppError::Internal(e)),
                Err(err) => {
                    let body = err.body();
                    results.push(BulkItem {
                        id,
                        ok: false,
                        state: None,
                        code: Some(body.code.to_owned()),
                        message_vi: Some(body.message_vi),
                        message_en: Some(body.message_en),
                    });
                }
            }
        }
        if results.iter().any(|r| !r.ok) {
            // Roll back everything this request did.
            return Err(AppError::conflict("bulk_refused", "", ""));
        }
        Ok(())
    });
    let refused = results.iter().filter(|r| !r.ok).count();
    match outcome {
        Ok(()) => Ok(BulkOutcome {
            applied: true,
            count: results.len(),
            refused: 0,
            results,
        }),
        Err(AppError::Conflict {
            code: "bulk_refused",
            ..
        }) => {
            // Successes of a refused batch were rolled back: report their current state.
            for r in results.iter_mut().filter(|r| r.ok) {
                r.state = None;
            }
            Ok(BulkOutcome {
                applied: false,
                count: results.len(),
                refused,
                results,
            })
        }
        Err(e) => Err(e),
    }
}

/// A refused transition as a 409 with its stable code and both languages.
fn refusal(error: TransitionError) -> AppError {
    AppError::Conflict {
        code: error.code(),
        message_vi: error.message_vi(),
        message_en: error.message_en(),
    }
}

/// Issues a new lookup code for a case's status page: returns the code (shown once, on the
/// printed statement); only its keyed hash is stored, the previous code stops working, and the
/// history records that a code was issued (never the code).
#[tracing::instrument(skip_all, fields(case_id = case_id.0))]
pub fn issue_lookup_code(
    conn: &mut DbConnection,
    keys: &crate::auth::keys::SecretKeys,
    actor: &Actor,
    case_id: CaseId,
) -> Result<String, AppError> {
    transaction(conn, |conn| {
        let (case, _, unit) =
            cases::find_in_scope(conn, &actor.scope, case_id)?.ok_or(AppError::NotFound)?;
        let code = crate::auth::lookup::generate();
        let normalized = crate::auth::lookup::normalize(&code)
            .ok_or_else(|| AppError::Internal(anyhow::anyhow!("generated code is not valid")))?;
        cases::set_lookup_code_hash(conn, case.id, &keys.lookup_hash(&normalized))?;
        let replaced = case.lookup_code_hash.is_some();
        case_events::insert_events(
            conn,
            &[NewCaseEvent {
                case_id: case.id,
                at: now().into(),
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "lookup_code_issued".into(),
                from_state: Some(case.state),
                to_state: case.state,
                reason: None,
                detail_json: Some(json!({"replaced_previous": replaced}).to_string()),
                request_id: actor.request_id.clone(),
            }],
        )?;
        audit::record(
            conn,
            AuditEntry {
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "case.lookup_code".into(),
                entity_kind: "case".into(),
                entity_id: Some(case.id.to_string()),
                unit_id: Some(unit.id),
                case_id: Some(case.id),
                request_id: actor.request_id.clone(),
                before: Some(json!({"had_code": replaced})),
                after: Some(json!({"issued": true})),
            },
        )?;
        Ok(code)
    })
}

/// The case whose current lookup code this is, if the national id is its person's (a wrong
/// pair and an unknown id answer the same: `None`).
#[tracing::instrument(skip_all)]
pub fn find_by_lookup(
    conn: &mut DbConnection,
    keys: &crate::auth::keys::SecretKeys,
    national_id: &str,
    typed_code: &str,
) -> Result<Option<CaseId>, AppError> {
    let Some(code) = crate::auth::lookup::normalize(typed_code) else {
        return Ok(None);
    };
    let found = cases::by_lookup_hash(conn, &keys.lookup_hash(&code))?;
    Ok(found.and_then(|(id, nid)| (nid == national_id.trim()).then_some(id)))
}
