//! Reconciliation: the open statement lines of the caller's units matched against the open
//! payments of their cases (`domain::matching`), the matches recorded, and the paid cases whose
//! payments are all matched moved to `reconciled`. Run by the statement import, inside its
//! transaction.

use std::collections::{HashMap, HashSet};

use serde_json::json;

use super::Actor;
use super::imports::ImportError;
use super::imports::record::ms;
use crate::db::case_events::{self, NewCaseEvent};
use crate::db::cases;
use crate::db::payments::{self, NewMatch, NewStatementLine};
use crate::db::{DbConnection, now};
use crate::domain::case_state::{CaseAction, CaseState, PaymentFacts, apply};
use crate::domain::ids::{CaseId, StatementLineId};
use crate::domain::matching::{CandidatePayment, MatchSettings, reconcile_with_settled};
use crate::domain::money::Vnd;
use crate::domain::payment_reference::PaymentReference;

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

/// Matches the statement lines of this import (`new_lines`, not yet stored) and every open
/// line stored before, within the actor's units, with every open payment of their cases; stores
/// the matches, then the new lines already matched (or with the reason they are not), and
/// reconciles the paid cases whose payments are now all matched. Runs inside the caller's
/// transaction.
#[tracing::instrument(skip_all, fields(import_id = import_id, new_lines = new_lines.len()))]
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
                id: l.id,
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
            id: p.id,
            case_id: p.case_id,
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
    let mut touched: HashSet<CaseId> = HashSet::new();
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
        touched.extend(m.case_ids.iter().copied());
    }
    let previous: HashMap<StatementLineId, Option<&str>> = open_lines
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
        } else if previous.get(&u.line_id).copied().flatten() != Some(code) {
            reasons.push((u.line_id.0, code));
        }
    }
    payments::set_line_matches(conn, &line_matches)?;
    payments::set_unmatched_reasons(conn, &reasons)?;
    payments::set_payment_matches(conn, &payment_matches)?;
    payments::insert_lines(conn, &new_lines)?;
    // Paid cases whose every payment is now matched are reconciled.
    let mut touched: Vec<CaseId> = touched.into_iter().collect();
    touched.sort_unstable();
    let still_open: HashMap<CaseId, i64> = payments::unmatched_counts(conn, &touched)?
        .into_iter()
        .collect();
    let mut events = Vec::new();
    let done: Vec<CaseId> = touched
        .into_iter()
        .filter(|id| !still_open.contains_key(id))
        .collect();
    // Every such case goes paid → reconciled (the state machine decides each), in batches.
    let mut ready: Vec<(CaseId, i32)> = Vec::new();
    let mut from: HashMap<CaseId, CaseState> = HashMap::new();
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
            at: at.into(),
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
    case_events::insert_events(conn, &events)?;
    Ok(summary)
}
