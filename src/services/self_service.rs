//! Self-service status for departing staff (`/tra-cuu`): a national id and a lookup code open
//! one case — its timeline, what is owed line by line, what has been paid, what is missing —
//! and let the person send a question or dispute the amount.
//!
//! A wrong pair answers the same whether or not the id exists. Failed attempts are counted per
//! client address and per national id (keyed hash, so the counter reveals no id), in the
//! database so that every instance agrees, counted before the check so that parallel attempts
//! cannot pass the limit (`auth::throttle`); a locked id can be unlocked by the person's
//! agency. Successful lookups take their count back.

use chrono::TimeDelta;
use serde::Serialize;

use crate::auth::keys::SecretKeys;
use crate::auth::throttle::{self, ThrottleRule};
use crate::db::audit::{self, AuditEntry};
use crate::db::markers::{Marker, set_marker};
use crate::db::messages::{self, MessageRow};
use crate::db::units::UnitScope;
use crate::db::{DbConnection, now, today_vn, transaction};
use crate::domain::case_state::CaseState;
use crate::domain::entitlement::CalcOutput;
use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::present;
use crate::services::Actor;

/// Failed lookups per client address: 20 in 15 minutes lock the address for 15 minutes.
pub const PER_ADDRESS: ThrottleRule = ThrottleRule {
    max_failures: 20,
    window: TimeDelta::minutes(15),
    lockout: TimeDelta::minutes(15),
};

/// Failed lookups per national id: 5 in an hour lock the id for a day (the agency can lift
/// it sooner).
pub const PER_ID: ThrottleRule = ThrottleRule {
    max_failures: 5,
    window: TimeDelta::hours(1),
    lockout: TimeDelta::hours(24),
};

/// How long a status-page session lasts.
pub const SESSION: TimeDelta = TimeDelta::minutes(15);

/// Longest question or dispute, in characters.
pub const MAX_MESSAGE: usize = 2_000;

fn id_key(keys: &SecretKeys, national_id: &str) -> String {
    format!("status:id:{}", keys.sign("status-id", national_id.trim()))
}

fn address_key(address: &str) -> String {
    format!("status:ip:{address}")
}

/// What a lookup found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lookup {
    Found(CaseId),
    /// The same for an unknown id and a wrong code.
    NotFound,
    /// Too many failures from this address or for this id.
    Locked {
        retry_after_secs: u64,
    },
}

/// Checks a national id and lookup code.
#[tracing::instrument(skip_all)]
pub fn lookup(
    conn: &mut DbConnection,
    keys: &SecretKeys,
    address: &str,
    national_id: &str,
    code: &str,
) -> Result<Lookup, AppError> {
    let at = now();
    // Counted before the check, as sign-ins are (see `auth::throttle`).
    let admitted = match throttle::admit(
        conn,
        &[
            (&address_key(address), PER_ADDRESS),
            (&id_key(keys, national_id), PER_ID),
        ],
        at,
    )? {
        throttle::Admission::Admitted(admitted) => admitted,
        throttle::Admission::Refused { until } => {
            return Ok(Lookup::Locked {
                retry_after_secs: throttle::retry_after_secs(until, at),
            });
        }
    };
    if let Some(id) = crate::services::case_review::find_by_lookup(conn, keys, national_id, code)? {
        admitted.succeeded(conn, &[])?;
        return Ok(Lookup::Found(id));
    }
    admitted.failed();
    audit::record(
        conn,
        AuditEntry {
            actor: "anonymous".into(),
            action: "status.lookup_failed".into(),
            entity_kind: "status".into(),
            after: Some(serde_json::json!({ "address": address })),
            ..Default::default()
        },
    )?;
    Ok(Lookup::NotFound)
}

/// Lifts the lock on the national id of a case's person (the agency, on the person's
/// request).
#[tracing::instrument(skip_all, fields(case_id = case_id.0))]
pub fn lift_lockout(
    conn: &mut DbConnection,
    keys: &SecretKeys,
    actor: &Actor,
    case_id: CaseId,
) -> Result<(), AppError> {
    let (case, person, unit) =
        crate::db::cases::find_in_scope(conn, &actor.scope, case_id)?.ok_or(AppError::NotFound)?;
    transaction(conn, |conn| {
        throttle::clear(conn, &id_key(keys, &person.national_id))?;
        audit::record(
            conn,
            AuditEntry {
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "status.lockout_lifted".into(),
                entity_kind: "case".into(),
                entity_id: Some(case.id.to_string()),
                unit_id: Some(unit.id),
                case_id: Some(case.id),
                request_id: actor.request_id.clone(),
                ..Default::default()
            },
        )?;
        Ok(())
    })
}

/// One step of the timeline.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// `dd/mm/yyyy`, Vietnam time.
    pub on: String,
    pub vi: &'static str,
    pub en: &'static str,
}

/// One amount line.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub vi: String,
    pub en: String,
    /// In the page's language.
    pub basis: String,
    /// In the page's format, e.g. `460.687.500 đ`.
    pub amount: String,
}

/// Something missing, in plain words.
#[derive(Debug, Clone, Serialize)]
pub struct Missing {
    pub vi: &'static str,
    pub en: &'static str,
}

/// Everything the status page shows.
#[derive(Debug, Clone, Serialize)]
pub struct StatusView {
    pub case_id: CaseId,
    pub full_name: String,
    pub unit_name: String,
    pub state_vi: &'static str,
    pub state_en: &'static str,
    pub payment_reference: String,
    pub timeline: Vec<Step>,
    pub lines: Vec<Line>,
    pub total: String,
    pub paid: String,
    pub outstanding: String,
    pub payments: Vec<Step>,
    pub payment_amounts: Vec<String>,
    pub missing: Vec<Missing>,
    pub messages: Vec<MessageRow>,
}

fn day(at: chrono::NaiveDateTime) -> String {
    crate::domain::vn_time::day(at)
        .format("%d/%m/%Y")
        .to_string()
}

/// The status of one case (already found by [`lookup`]), its figures in the page's language.
pub fn status(conn: &mut DbConnection, case_id: CaseId, en: bool) -> Result<StatusView, AppError> {
    let (case, person, unit, documents) =
        crate::db::cases::find_with_documents_in_scope(conn, &UnitScope::All, case_id)?
            .ok_or(AppError::NotFound)?;
    let state = case.state;
    let mut timeline: Vec<Step> = crate::db::case_events::events(conn, case_id)?
        .into_iter()
        .map(|e| Step {
            on: day(e.at),
            vi: e.to_state.label_vi(),
            en: e.to_state.label_en(),
        })
        .collect();
    // A state reached again (a second payment leaves the case paid) is said once, on the
    // first day it was reached; the payments are listed with their dates below.
    timeline.dedup_by(|later, earlier| later.vi == earlier.vi);
    let json = crate::db::pinned::unpack(&documents.result_json)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("case {case_id}: {e}")))?;
    let lines = match serde_json::from_str::<CalcOutput>(&json) {
        Ok(CalcOutput::Computed(c)) => c
            .components
            .into_iter()
            .map(|p| Line {
                vi: p.label_vi,
                en: p.label_en,
                basis: present::legal_basis(&p.legal_basis, en).into_owned(),
                amount: present::money(p.amount_vnd, en),
            })
            .collect(),
        _ => Vec::new(),
    };
    let payment_rows = crate::db::payments::for_case(conn, case_id)?;
    let payments = payment_rows
        .iter()
        .map(|p| Step {
            on: p.paid_on.format("%d/%m/%Y").to_string(),
            vi: if p.amount_vnd < 0 {
                "Ghi giảm"
            } else {
                "Đã chi"
            },
            en: if p.amount_vnd < 0 { "Reversal" } else { "Paid" },
        })
        .collect();
    let payment_amounts = payment_rows
        .iter()
        .map(|p| present::money(p.amount_vnd, en))
        .collect();
    let outstanding = if state == CaseState::Cancelled {
        0
    } else {
        (case.entitled_vnd - case.paid_vnd).max(0)
    };
    let messages = messages::for_case(conn, case_id)?;
    let mut missing = Vec::new();
    match state {
        CaseState::Submitted => missing.push(Missing {
            vi: "Hồ sơ đang chờ cơ quan có thẩm quyền xét duyệt.",
            en: "Your case is waiting for review.",
        }),
        CaseState::Returned => missing.push(Missing {
            vi: "Hồ sơ đã được trả lại cho cơ quan của bạn để bổ sung: hãy liên hệ cơ quan của bạn.",
            en: "Your case was sent back to your agency for corrections: contact your agency.",
        }),
        CaseState::Approved => missing.push(Missing {
            vi: "Hồ sơ đã được duyệt, đang chờ cấp kinh phí chi trả.",
            en: "Your case is approved and waiting for funding.",
        }),
        CaseState::Payable | CaseState::PartiallyPaid if outstanding > 0 => {
            missing.push(Missing {
                vi: "Đã có kinh phí; khoản còn lại đang chờ chi trả.",
                en: "Funded; the rest is waiting to be paid.",
            });
        }
        CaseState::Cancelled => missing.push(Missing {
            vi: "Hồ sơ đã bị hủy: liên hệ cơ quan của bạn nếu có thắc mắc.",
            en: "Your case was cancelled: contact your agency with any question.",
        }),
        _ => {}
    }
    let money_to_flow = outstanding > 0 && !matches!(state, CaseState::Cancelled);
    if money_to_flow && unit.treasury_account_no.is_none() {
        missing.push(Missing {
            vi: "Cơ quan của bạn chưa có tài khoản tại Kho bạc Nhà nước để nhận kinh phí chi trả.",
            en: "Your unit has no State Treasury account yet to receive the funds.",
        });
    }
    if money_to_flow
        && person
            .bank_account
            .as_deref()
            .is_none_or(|a| a.trim().is_empty())
    {
        missing.push(Missing {
            vi: "Chưa có số tài khoản ngân hàng của bạn: hãy liên hệ cơ quan của bạn.",
            en: "Your bank account is missing: contact your agency.",
        });
    }
    if messages
        .iter()
        .any(|m| m.kind == "dispute" && m.answer.is_none())
    {
        missing.push(Missing {
            vi: "Khiếu nại của bạn về số tiền đang được xem xét.",
            en: "Your dispute about the amount is being reviewed.",
        });
    }
    Ok(StatusView {
        case_id,
        full_name: person.full_name,
        unit_name: unit.name_vi,
        state_vi: state.label_vi(),
        state_en: state.label_en(),
        payment_reference: case.payment_reference,
        timeline,
        lines,
        total: present::money(case.entitled_vnd, en),
        paid: present::money(case.paid_vnd, en),
        outstanding: present::money(outstanding, en),
        payments,
        payment_amounts,
        missing,
        messages,
    })
}

/// What a person sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MessageKind {
    Question,
    Dispute,
}

impl MessageKind {
    pub fn parse(text: &str) -> Option<Self> {
        match text.trim() {
            "question" => Some(MessageKind::Question),
            "dispute" => Some(MessageKind::Dispute),
            _ => None,
        }
    }

    fn as_str(self) -> &'static str {
        match self {
            MessageKind::Question => "question",
            MessageKind::Dispute => "dispute",
        }
    }
}

/// Stores a question or dispute (stored as typed; shown escaped); a dispute raises the
/// case's `disputed` flag for a reviewer.
#[tracing::instrument(skip_all, fields(case_id = case_id.0))]
pub fn send(
    conn: &mut DbConnection,
    case_id: CaseId,
    kind: MessageKind,
    body: &str,
) -> Result<i64, AppError> {
    let body = body.trim();
    if body.is_empty() || body.chars().count() > MAX_MESSAGE {
        return Err(AppError::bad_request(
            "message_length",
            format!("Nội dung phải có từ 1 đến {MAX_MESSAGE} ký tự."),
            format!("The message must have 1 to {MAX_MESSAGE} characters."),
        ));
    }
    transaction(conn, |conn| {
        let id = messages::insert(conn, case_id, kind.as_str(), body)?;
        if kind == MessageKind::Dispute {
            set_marker(conn, &[case_id], Marker::Disputed, Some(today_vn()))?;
        }
        audit::record(
            conn,
            AuditEntry {
                actor: "anonymous".into(),
                action: format!("status.{}", kind.as_str()),
                entity_kind: "case".into(),
                entity_id: Some(case_id.to_string()),
                case_id: Some(case_id),
                after: Some(serde_json::json!({ "message_id": id })),
                ..Default::default()
            },
        )?;
        Ok(id)
    })
}

/// A reviewer answers a message; answering a dispute clears the `disputed` flag.
#[tracing::instrument(skip_all, fields(case_id = case_id.0, message_id = message_id))]
pub fn answer(
    conn: &mut DbConnection,
    actor: &Actor,
    case_id: CaseId,
    message_id: i64,
    text: &str,
) -> Result<(), AppError> {
    let text = text.trim();
    if text.is_empty() || text.chars().count() > MAX_MESSAGE {
        return Err(AppError::bad_request(
            "message_length",
            format!("Câu trả lời phải có từ 1 đến {MAX_MESSAGE} ký tự."),
            format!("The answer must have 1 to {MAX_MESSAGE} characters."),
        ));
    }
    let (_, _, unit) =
        crate::db::cases::find_in_scope(conn, &actor.scope, case_id)?.ok_or(AppError::NotFound)?;
    transaction(conn, |conn| {
        if !messages::answer(conn, case_id, message_id, text, actor.user_id)? {
            return Err(AppError::conflict(
                "already_answered",
                "Không có câu hỏi này, hoặc đã được trả lời.",
                "No such message, or it was already answered.",
            ));
        }
        let open_disputes = messages::for_case(conn, case_id)?
            .iter()
            .any(|m| m.kind == "dispute" && m.answer.is_none());
        if !open_disputes {
            set_marker(conn, &[case_id], Marker::Disputed, None)?;
        }
        audit::record(
            conn,
            AuditEntry {
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "case.message_answered".into(),
                entity_kind: "case".into(),
                entity_id: Some(case_id.to_string()),
                unit_id: Some(unit.id),
                case_id: Some(case_id),
                request_id: actor.request_id.clone(),
                after: Some(serde_json::json!({ "message_id": message_id })),
                ..Default::default()
            },
        )?;
        Ok(())
    })
}

/// A signed status-page session for a case, valid until `SESSION` from now:
/// `case.expiry.signature`.
pub fn session_token(keys: &SecretKeys, case_id: i64) -> String {
    let expires = (now() + SESSION).and_utc().timestamp();
    let value = format!("{case_id}.{expires}");
    let sig = keys.sign("status-session", &value);
    format!("{value}.{sig}")
}

/// The case of a valid, unexpired session token.
pub fn session_case(keys: &SecretKeys, token: &str) -> Option<i64> {
    let (value, sig) = token.rsplit_once('.')?;
    let (case, expires) = value.split_once('.')?;
    let expected = keys.sign("status-session", value);
    if !same(expected.as_bytes(), sig.as_bytes()) {
        return None;
    }
    let expires: i64 = expires.parse().ok()?;
    (now().and_utc().timestamp() < expires).then(|| case.parse().ok())?
}

/// The form token that goes with a session (a form without it is refused).
pub fn csrf_token(keys: &SecretKeys, session: &str) -> String {
    keys.sign("status-csrf", session)
}

/// Compares two signatures in time independent of where they differ.
pub fn same(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sessions_are_signed_and_expire() {
        let keys = SecretKeys::from_material("k".repeat(40).as_str());
        let token = session_token(&keys, 42);
        assert_eq!(session_case(&keys, &token), Some(42));
        let forged = token.replacen("42.", "43.", 1);
        assert_eq!(session_case(&keys, &forged), None);
        let other = SecretKeys::from_material("x".repeat(40).as_str());
        assert_eq!(session_case(&other, &token), None);
        let expired = format!("42.1.{}", keys.sign("status-session", "42.1"));
        assert_eq!(session_case(&keys, &expired), None);
        assert_ne!(csrf_token(&keys, &token), csrf_token(&keys, &forged));
        assert!(same(b"abc", b"abc") && !same(b"abc", b"abd") && !same(b"ab", b"abc"));
    }
}
