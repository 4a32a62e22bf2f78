//! Accepting a changed entitlement (issue 16): after a recomputation marked an approved (or
//! later) case `entitlement_changed` with a proposed figure — a Decree 67 top-up, a corrected
//! table — a reviewer accepts that figure for one case or a selection, with a reason and a
//! legal basis, all or nothing. The case's entitlement becomes the new figure (its pinned
//! result and policy versions too); the figure before the first accepted change is kept as the
//! original, so reports show original, supplementary and total. A case paid in full whose
//! entitlement rises becomes `partially_paid` with the difference outstanding, paid and
//! reconciled like any payment; the acceptor becomes the approver of the new figure, so the
//! approver-does-not-pay rule keeps them from paying the difference. A lowered entitlement never
//! changes what was paid: the overpaid flag shows the amount to recover.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;
use utoipa::ToSchema;

use super::Actor;
use crate::db::audit::{self, AuditEntry};
use crate::db::case_events::{self, NewCaseEvent};
use crate::db::cases::{self, CaseFigures};
use crate::db::{DbConnection, now, transaction};
use crate::db::{documents, markers};
use crate::domain::access::{CaseActors, Duty, check_duty};
use crate::domain::case_state::{CaseState, after_accepted_change};
use crate::domain::entitlement::{CalcInput, CalcOutput, calculate};
use crate::domain::ids::CaseId;
use crate::domain::money::Vnd;
use crate::domain::policy::PolicySet;
use crate::error::AppError;

/// Longest reason or legal basis kept.
pub const TEXT_LIMIT: usize = 2000;

/// What the reviewer states when accepting.
#[derive(Debug, Clone)]
pub struct Acceptance {
    /// Why the new figure is right (required).
    pub reason: String,
    /// The legal basis of the change (required), e.g. "Nghị định 67/2025/NĐ-CP Điều 2".
    pub legal_basis: String,
}

/// One case's result.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptedItem {
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    /// Whether this case accepts the change.
    pub ok: bool,
    #[schema(value_type = Option<String>)]
    pub state_before: Option<CaseState>,
    #[schema(value_type = Option<String>)]
    pub state: Option<CaseState>,
    pub version: Option<i32>,
    /// Entitlement before.
    pub before_vnd: Option<i64>,
    /// Entitlement after (the accepted figure).
    pub after_vnd: Option<i64>,
    /// The first entitlement, before any accepted change.
    pub original_vnd: Option<i64>,
    pub paid_vnd: Option<i64>,
    /// What remains to pay (negative: to recover).
    pub outstanding_vnd: Option<i64>,
    pub code: Option<String>,
    pub message_vi: Option<String>,
    pub message_en: Option<String>,
}

/// The outcome: applied to every case, or to none.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AcceptOutcome {
    pub applied: bool,
    pub count: usize,
    pub refused: usize,
    pub results: Vec<AcceptedItem>,
}

/// A case with a proposed figure waiting for a reviewer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PendingChange {
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    pub version: i32,
    pub unit_code: String,
    pub state: String,
    pub entitled_vnd: i64,
    pub proposed_vnd: i64,
    pub delta_vnd: i64,
    pub paid_vnd: i64,
    /// Since when the change waits (Vietnam date).
    pub since: Option<NaiveDate>,
}

/// Every pending change within the actor's scope, oldest case first.
#[tracing::instrument(skip_all)]
pub fn pending(conn: &mut DbConnection, actor: &Actor) -> Result<Vec<PendingChange>, AppError> {
    let rows = markers::pending_changes(conn)?;
    Ok(rows
        .into_iter()
        .filter(|r| actor.scope.contains_path(&r.unit_path))
        .filter_map(|r| {
            r.pending_entitled_vnd.map(|p| PendingChange {
                case_id: r.case_id,
                version: r.version,
                unit_code: r.unit_code,
                state: r.state,
                entitled_vnd: r.entitled_vnd,
                proposed_vnd: p,
                delta_vnd: p - r.entitled_vnd,
                paid_vnd: r.paid_vnd,
                since: r.entitlement_changed_on,
            })
        })
        .collect())
}

fn refused(case_id: CaseId, err: &AppError) -> AcceptedItem {
    let body = err.body();
    AcceptedItem {
        case_id,
        ok: false,
        state_before: None,
        state: None,
        version: None,
        before_vnd: None,
        after_vnd: None,
        original_vnd: None,
        paid_vnd: None,
        outstanding_vnd: None,
        code: Some(body.code.to_owned()),
        message_vi: Some(body.message_vi),
        message_en: Some(body.message_en),
    }
}

fn required(text: &str, field: &'static str, vi: &str, en: &str) -> Result<String, AppError> {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.is_empty() {
        return Err(AppError::bad_request(
            field,
            format!("Cần ghi {vi} khi chấp nhận số được hưởng mới"),
            format!("The {en} is required to accept a new entitlement"),
        ));
    }
    if t.chars().count() > TEXT_LIMIT {
        return Err(AppError::bad_request(
            field,
            format!("{vi} dài quá {TEXT_LIMIT} ký tự"),
            format!("The {en} is longer than {TEXT_LIMIT} characters"),
        ));
    }
    Ok(crate::domain::text::nfc(&t).into_owned())
}

/// Accepts the proposed figure of every selected case (`(id, version read)`), all or nothing:
/// when any case refuses, nothing is written and the refusal carries every case's result.
#[tracing::instrument(skip_all, fields(cases = selection.len()))]
pub fn accept(
    conn: &mut DbConnection,
    policy: &PolicySet,
    actor: &Actor,
    selection: &[(CaseId, Option<i32>)],
    acceptance: &Acceptance,
    today: NaiveDate,
) -> Result<AcceptOutcome, AppError> {
    let reason = required(&acceptance.reason, "reason_required", "lý do", "reason")?;
    let basis = required(
        &acceptance.legal_basis,
        "legal_basis_required",
        "căn cứ pháp lý",
        "legal basis",
    )?;
    if selection.is_empty() || selection.len() > super::case_review::BULK_LIMIT {
        return Err(AppError::bad_request(
            "selection_required",
            format!("Chọn từ 1 đến {} hồ sơ", super::case_review::BULK_LIMIT),
            format!("Select from 1 to {} cases", super::case_review::BULK_LIMIT),
        ));
    }
    let single = selection.len() == 1;
    let outcome = transaction(conn, |conn| {
        let mut results = Vec::with_capacity(selection.len());
        for &(id, version) in selection {
            match accept_one(conn, policy, actor, id, version, &reason, &basis, today) {
                Ok(item) => results.push(item),
                Err(AppError::Internal(e)) => return Err(AppError::Internal(e)),
                Err(err) => results.push(refused(id, &err)),
            }
        }
        let refused_n = results.iter().filter(|r| !r.ok).count();
        let outcome = AcceptOutcome {
            applied: refused_n == 0,
            count: results.len(),
            refused: refused_n,
            results,
        };
        if refused_n > 0 {
            // Roll back every case of the selection.
            return Err(refusal_of(&outcome, single));
        }
        Ok(outcome)
    })?;
    Ok(outcome)
}

fn refusal_of(outcome: &AcceptOutcome, single: bool) -> AppError {
    let details = serde_json::to_value(outcome).unwrap_or_default();
    match outcome.results.iter().find(|r| !r.ok) {
        Some(item) if single && item.code.as_deref() == Some("not_found") => AppError::NotFound,
        Some(item) if single => AppError::Refused {
            code: match item.code.as_deref() {
                Some("stale_version") => "stale_version",
                Some("no_pending_change") => "no_pending_change",
                Some("pending_changed") => "pending_changed",
                Some("separation_of_duties") => "separation_of_duties",
                _ => "invalid_transition",
            },
            message_vi: item.message_vi.clone().unwrap_or_default(),
            message_en: item.message_en.clone().unwrap_or_default(),
            details,
        },
        _ => AppError::Refused {
            code: "bulk_refused",
            message_vi: format!(
                "{} trong {} hồ sơ không chấp nhận được; không hồ sơ nào bị thay đổi",
                outcome.refused, outcome.count
            ),
            message_en: format!(
                "{} of {} cases refused; no case was changed",
                outcome.refused, outcome.count
            ),
            details,
        },
    }
}

#[expect(clippy::too_many_arguments, reason = "one transaction's inputs")]
fn accept_one(
    conn: &mut DbConnection,
    policy: &PolicySet,
    actor: &Actor,
    id: CaseId,
    expected_version: Option<i32>,
    reason: &str,
    basis: &str,
    today: NaiveDate,
) -> Result<AcceptedItem, AppError> {
    let (case, _, unit) =
        cases::find_in_scope(conn, &actor.scope, id)?.ok_or(AppError::NotFound)?;
    if let Some(v) = expected_version.filter(|v| *v != case.version) {
        return Err(AppError::conflict(
            "stale_version",
            format!(
                "Hồ sơ {id} đã thay đổi (phiên bản {} thay vì {v}); hãy xem lại trước khi chấp nhận",
                case.version
            ),
            format!(
                "Case {id} changed (version {} instead of {v}); review it again before accepting",
                case.version
            ),
        ));
    }
    let state = case.state;
    let proposed = markers::pending_entitlement(conn, id)?;
    let Some(proposed) = proposed else {
        return Err(AppError::conflict(
            "no_pending_change",
            format!("Hồ sơ {id} không có số được hưởng mới chờ chấp nhận"),
            format!("Case {id} has no proposed entitlement to accept"),
        ));
    };
    if let Some(user) = actor.user_id {
        check_duty(
            user,
            Duty::Approve,
            CaseActors {
                submitted_by: case.submitted_by,
                approved_by: None,
            },
        )
        .map_err(super::payments::duty_refusal)?;
    }
    let new_state = after_accepted_change(state, Vnd::new(proposed), Vnd::new(case.paid_vnd))
        .ok_or_else(|| {
            AppError::conflict(
                "invalid_transition",
                format!(
                    "Hồ sơ {id} đang ở trạng thái {}: chỉ chấp nhận số mới cho hồ sơ đã duyệt",
                    state.label_vi()
                ),
                format!("Case {id} is {state}: a new figure is accepted only for approved cases"),
            )
        })?;
    let input_json = documents::input_json(conn, id)?;
    let input: CalcInput = serde_json::from_str(&input_json)
        .map_err(|e| anyhow::anyhow!("case {id}: stored input: {e}"))?;
    let output = calculate(policy, &input);
    let total = match &output {
        CalcOutput::Computed(c) => c.total_vnd,
        CalcOutput::Refused(_) => -1,
    };
    if total != proposed {
        return Err(AppError::conflict(
            "pending_changed",
            format!(
                "Số đề xuất của hồ sơ {id} không còn khớp với bảng chính sách đang áp dụng; hãy tính lại trước"
            ),
            format!(
                "The proposed figure of case {id} no longer matches the policy tables in force; recompute first"
            ),
        ));
    }
    let figures = CaseFigures::of(
        &output,
        case.leave_date,
        case.decision_date,
        input_json,
        case.input_hash.clone(),
    )?
    .ok_or_else(|| anyhow::anyhow!("case {id}: computed output expected"))?;
    if !cases::accept_figures(
        conn,
        id,
        case.version,
        new_state,
        &figures,
        case.entitled_vnd,
        actor.user_id,
    )? {
        return Err(AppError::conflict(
            "stale_version",
            format!("Hồ sơ {id} vừa thay đổi; hãy thử lại"),
            format!("Case {id} changed meanwhile; try again"),
        ));
    }
    markers::set_pending_entitlement(conn, id, None, today)?;
    let original = case.original_entitled_vnd.unwrap_or(case.entitled_vnd);
    let detail = json!({
        "before_vnd": case.entitled_vnd, "after_vnd": proposed, "original_vnd": original,
        "paid_vnd": case.paid_vnd, "legal_basis": basis,
    });
    case_events::insert_events(
        conn,
        &[NewCaseEvent {
            case_id: id,
            at: now().into(),
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: "accept_change".into(),
            from_state: Some(case.state),
            to_state: new_state,
            reason: Some(reason.to_owned()),
            detail_json: Some(detail.to_string()),
            request_id: actor.request_id.clone(),
        }],
    )?;
    audit::record(
        conn,
        AuditEntry {
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: "case.accept_change".into(),
            entity_kind: "case".into(),
            entity_id: Some(id.to_string()),
            unit_id: Some(unit.id),
            case_id: Some(id),
            request_id: actor.request_id.clone(),
            before: Some(json!({"state": case.state, "version": case.version,
                "entitled_vnd": case.entitled_vnd})),
            after: Some(
                json!({"state": new_state.as_str(), "version": case.version + 1,
                "entitled_vnd": proposed, "original_vnd": original, "reason": reason,
                "legal_basis": basis}),
            ),
        },
    )?;
    Ok(AcceptedItem {
        case_id: id,
        ok: true,
        state_before: Some(case.state),
        state: Some(new_state),
        version: Some(case.version + 1),
        before_vnd: Some(case.entitled_vnd),
        after_vnd: Some(proposed),
        original_vnd: Some(original),
        paid_vnd: Some(case.paid_vnd),
        outstanding_vnd: Some(proposed - case.paid_vnd),
        code: None,
        message_vi: None,
        message_en: None,
    })
}
