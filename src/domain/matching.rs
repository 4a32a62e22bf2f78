//! Statement reconciliation: which statement lines paid which recorded payments.
//!
//! [`reconcile`] matches in two passes, each indexed so that 150,000 lines against 150,000
//! payments take a fraction of a second (no pass compares every line with every payment):
//!
//! 1. **By payment reference** ([`by_reference`]): every valid reference in a line's
//!    description (`PaymentReference::find_in`, repeated) names a case; among that case's
//!    unmatched payments the line takes the one with its amount (closest date first), or a
//!    set of payments adding up to it (one line paying several instalments, or several cases
//!    whose references all appear). Lines of one case that match nothing alone are then tried
//!    together: several lines may pay one payment (a transfer the bank split).
//! 2. **By details** ([`by_details`]): a line without a usable reference is compared with the
//!    unmatched payments of the same amount to the same account (a `HashMap` on
//!    `(amount, account)`), keeping those whose person's name is similar enough
//!    ([`name_similarity`]) and whose date is within the window; pairs are then taken best
//!    first, so a line never steals a payment that fits another line better.
//!
//! Amounts are signed the same way on both sides: money paid out is positive, money coming
//! back negative; a credit line (a transfer returned by the bank) can so match a recorded
//! reversal. Lines that repeat an earlier line ([`find_duplicates`]) are never matched.
//!
//! Scores (0–100): a reference match scores 100, or 90 when a date falls outside the window;
//! a details match scores `50 + 45 × name similarity − days apart`, at most 95. The reasons
//! shown with a match read e.g. `["reference", "amount", "account", "name 0.96", "date +2d"]`
//! (`+2d`: the line is two days after the payment).

mod by_details;
mod by_reference;
mod duplicates;
mod names;

use chrono::NaiveDate;
use serde::Serialize;

use crate::domain::ids::{CaseId, PaymentId, StatementLineId};
use crate::domain::money::Vnd;
use crate::domain::payment_reference::PaymentReference;

pub use by_reference::references_in;
pub use duplicates::{DuplicateLine, DuplicateOf, LineKey, find_duplicates};
pub use names::{name_similarity, normalize_account};

/// One statement line, as stored after import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatementLine {
    /// The line's id.
    pub id: StatementLineId,
    /// Transaction date.
    pub date: NaiveDate,
    /// Paid out (debit) positive; money in (credit) negative.
    pub amount: Vnd,
    /// The beneficiary's account number, as printed.
    pub account_no: Option<String>,
    /// The beneficiary's name, as printed.
    pub counterparty: Option<String>,
    /// The transfer description, where agencies write the payment reference.
    pub description: String,
    /// The bank's own transaction reference.
    pub bank_reference: Option<String>,
    /// The line's sequence number in the statement.
    pub sequence: Option<String>,
}

/// A recorded payment entry that a statement line may confirm.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CandidatePayment {
    /// The payment's id.
    pub id: PaymentId,
    /// Its case.
    pub case_id: CaseId,
    /// Paid out positive; a reversal negative.
    pub amount: Vnd,
    /// The payment date recorded.
    pub date: NaiveDate,
    /// The case's payment reference.
    pub payment_reference: PaymentReference,
    /// The person's full name.
    pub person_name: String,
    /// The person's bank account on record.
    pub person_account: Option<String>,
}

/// Settings of the matcher.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct MatchSettings {
    /// Lowest name similarity (0–1) a details match accepts; default 0.90.
    pub name_threshold: f64,
    /// Most days between line and payment dates for a details match; default 7.
    pub date_window_days: u32,
}

impl Default for MatchSettings {
    fn default() -> Self {
        MatchSettings {
            name_threshold: 0.90,
            date_window_days: 7,
        }
    }
}

/// How a match was found.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchMethod {
    /// A payment reference in the description.
    Reference,
    /// Amount, account, name and date.
    Details,
}

/// Statement lines and the payments they pay; the amounts on both sides add up.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Match {
    /// The lines (usually one).
    pub line_ids: Vec<StatementLineId>,
    /// The payments (usually one).
    pub payment_ids: Vec<PaymentId>,
    /// The cases of the payments, without repeats.
    pub case_ids: Vec<CaseId>,
    /// How it was found.
    pub method: MatchMethod,
    /// Confidence, 0–100 (see the module documentation).
    pub score: u8,
    /// Why, for the screen: `["reference", "amount", "date +2d"]`.
    pub reasons: Vec<String>,
}

/// Why a line matched nothing.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum UnmatchedReason {
    /// It repeats another line.
    Duplicate {
        /// Which.
        of: DuplicateOf,
    },
    /// Its description holds references of known cases, but no unmatched payments of those
    /// cases add up to its amount.
    ReferenceAmountDiffers {
        /// The referenced cases.
        case_ids: Vec<CaseId>,
    },
    /// Its description holds a valid reference of no case among the payments.
    UnknownReference {
        /// The reference.
        reference: PaymentReference,
    },
    /// Payments with its amount and account exist, but the names differ too much.
    NameTooDifferent {
        /// The best similarity seen (0–1).
        best: f64,
    },
    /// Payments with its amount, account and name exist, but not within the date window.
    OutsideDateWindow {
        /// The fewest days apart.
        days: i64,
    },
    /// Money in that matches no recorded reversal.
    Credit,
    /// No payment with its amount and account.
    NoCandidate,
    /// Its references name cases whose payment of exactly its amount is already confirmed by
    /// another line (earlier, or in this statement): most likely the same money paid twice.
    PossibleDoublePayout {
        /// The referenced cases.
        case_ids: Vec<CaseId>,
        /// The payments already confirmed with that amount.
        payment_ids: Vec<PaymentId>,
    },
}

impl UnmatchedReason {
    /// Stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            UnmatchedReason::Duplicate { .. } => "duplicate",
            UnmatchedReason::ReferenceAmountDiffers { .. } => "reference_amount_differs",
            UnmatchedReason::UnknownReference { .. } => "unknown_reference",
            UnmatchedReason::NameTooDifferent { .. } => "name_too_different",
            UnmatchedReason::OutsideDateWindow { .. } => "outside_date_window",
            UnmatchedReason::Credit => "credit",
            UnmatchedReason::NoCandidate => "no_candidate",
            UnmatchedReason::PossibleDoublePayout { .. } => "possible_double_payout",
        }
    }
}

/// A line that matched nothing, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct UnmatchedLine {
    /// The line.
    pub line_id: StatementLineId,
    /// Why.
    pub reason: UnmatchedReason,
}

/// The result of [`reconcile`].
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Reconciliation {
    /// Matches, in the order of their first line.
    pub matches: Vec<Match>,
    /// Lines that matched nothing, in line order (duplicates included).
    pub unmatched_lines: Vec<UnmatchedLine>,
    /// Payments no line confirmed, in payment order.
    pub unmatched_payments: Vec<PaymentId>,
    /// Lines that repeat another line of the batch.
    pub duplicates: Vec<DuplicateLine>,
}

/// What the passes share: which lines and payments are taken, and why lines were not.
pub(crate) struct Progress<'a> {
    pub lines: &'a [StatementLine],
    pub payments: &'a [CandidatePayment],
    /// Payments of referenced cases confirmed before this run (double-payout checks only).
    pub settled: &'a [CandidatePayment],
    pub line_done: Vec<bool>,
    pub payment_done: Vec<bool>,
    pub reason: Vec<Option<UnmatchedReason>>,
    /// Matches with the index of their first line, for ordering.
    pub matches: Vec<(usize, Match)>,
}

impl Progress<'_> {
    /// Records a match of lines `li` and payments `pi` (indexes into the inputs).
    pub fn take(
        &mut self,
        li: &[usize],
        pi: &[usize],
        method: MatchMethod,
        score: u8,
        reasons: Vec<String>,
    ) {
        let (lines, payments) = (self.lines, self.payments);
        for &i in li {
            if let Some(done) = self.line_done.get_mut(i) {
                *done = true;
            }
        }
        for &j in pi {
            if let Some(done) = self.payment_done.get_mut(j) {
                *done = true;
            }
        }
        let mut case_ids: Vec<CaseId> = Vec::with_capacity(pi.len());
        for p in pi.iter().filter_map(|&j| payments.get(j)) {
            if !case_ids.contains(&p.case_id) {
                case_ids.push(p.case_id);
            }
        }
        let first = li.iter().copied().min().unwrap_or(usize::MAX);
        self.matches.push((
            first,
            Match {
                line_ids: li
                    .iter()
                    .filter_map(|&i| lines.get(i))
                    .map(|l| l.id)
                    .collect(),
                payment_ids: pi
                    .iter()
                    .filter_map(|&j| payments.get(j))
                    .map(|p| p.id)
                    .collect(),
                case_ids,
                method,
                score,
                reasons,
            },
        ));
    }

    /// Notes why line `i` did not match (the first reason given is kept).
    pub fn explain(&mut self, i: usize, reason: UnmatchedReason) {
        if let Some(slot) = self.reason.get_mut(i)
            && slot.is_none()
        {
            *slot = Some(reason);
        }
    }
}

/// Days from the payment date to the line date (positive: the line is later).
pub(crate) fn days_apart(line: NaiveDate, payment: NaiveDate) -> i64 {
    (line - payment).num_days()
}

/// `date +2d` / `date -1d` / `date +0d`.
pub(crate) fn date_reason(days: i64) -> String {
    format!("date {days:+}d")
}

/// Matches statement `lines` with candidate `payments` (see the module documentation).
pub fn reconcile(
    lines: &[StatementLine],
    payments: &[CandidatePayment],
    settings: &MatchSettings,
) -> Reconciliation {
    reconcile_with_settled(lines, payments, &[], settings)
}

/// [`reconcile`], knowing the payments already confirmed by earlier statements (`settled`,
/// typically those of the cases the lines reference): a line that pays one of them again is
/// explained as [`UnmatchedReason::PossibleDoublePayout`], never matched.
pub fn reconcile_with_settled(
    lines: &[StatementLine],
    payments: &[CandidatePayment],
    settled: &[CandidatePayment],
    settings: &MatchSettings,
) -> Reconciliation {
    let duplicates = find_duplicates(lines, &Default::default());
    let mut progress = Progress {
        lines,
        payments,
        settled,
        line_done: vec![false; lines.len()],
        payment_done: vec![false; payments.len()],
        reason: vec![None; lines.len()],
        matches: Vec::new(),
    };
    if !duplicates.is_empty() {
        let index: std::collections::HashMap<StatementLineId, usize> =
            lines.iter().enumerate().map(|(i, l)| (l.id, i)).collect();
        for d in &duplicates {
            if let Some(&i) = index.get(&d.line_id) {
                progress.line_done[i] = true;
                progress.explain(i, UnmatchedReason::Duplicate { of: d.of });
            }
        }
    }
    let skip: Vec<bool> = progress.line_done.clone();
    by_reference::run(lines, payments, settings, &mut progress);
    by_details::run(lines, payments, settings, &mut progress);

    let mut matches = std::mem::take(&mut progress.matches);
    matches.sort_by_key(|(first, _)| *first);
    let unmatched_lines = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| {
            skip.get(*i).copied().unwrap_or(false)
                || !progress.line_done.get(*i).copied().unwrap_or(false)
        })
        .map(|(i, l)| UnmatchedLine {
            line_id: l.id,
            reason: progress.reason.get_mut(i).and_then(Option::take).unwrap_or(
                if l.amount.is_negative() {
                    UnmatchedReason::Credit
                } else {
                    UnmatchedReason::NoCandidate
                },
            ),
        })
        .collect();
    let unmatched_payments = payments
        .iter()
        .zip(&progress.payment_done)
        .filter(|(_, done)| !**done)
        .map(|(p, _)| p.id)
        .collect();
    Reconciliation {
        matches: matches.into_iter().map(|(_, m)| m).collect(),
        unmatched_lines,
        unmatched_payments,
        duplicates,
    }
}

#[cfg(test)]
mod tests;
