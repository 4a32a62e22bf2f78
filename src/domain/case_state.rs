//! The case lifecycle as a state machine, with the payment rules that guard money.
//!
//! ```text
//! submitted ──approve──▶ approved ──fund──▶ payable ──record_payment──▶ partially_paid ⇄ paid ──reconcile──▶ reconciled
//!     │  ▲                  │                                   ▲            │
//!  return│resubmit        return                               └─reverse_payment┘
//!     ▼  │                  │
//!   returned ◀──────────────┘        cancel: from submitted, returned, approved, payable
//!                                    (and partially_paid once nothing is paid)
//! ```
//!
//! [`apply`] is pure: it takes the current state, the requested [`CaseAction`] and the money
//! [`PaymentFacts`] and returns the [`Transition`] to record (who and when are added by the
//! caller) or a [`TransitionError`] with a stable code and Vietnamese and English messages.
//! Optimistic locking (the `version` column) is the storage layer's job; it reports a lost
//! race as [`TransitionError::StaleVersion`] so that every refusal has one shape.
//!
//! Decisions where the issue is silent:
//! - `return` is allowed from `approved` too (a reviewer who finds a mistake, or decides an
//!   `entitlement_changed` flag, before the case is funded); once funded, only `cancel`.
//! - `cancel` is refused while money is paid (`paid_vnd > 0`): the payments are reversed first,
//!   so that no đồng is left on a cancelled case. In practice `partially_paid` cannot be
//!   cancelled directly, since reversing everything returns the case to `payable`.
//! - Payments are accepted in `payable`, `partially_paid`, `paid` and `reconciled` ("payable or
//!   later"); a payment on a `reconciled` case reopens it (the new payment is not yet matched).
//!   The resulting state follows the total: below the entitlement `partially_paid`, equal
//!   `paid`; above it is refused.
//! - A reversal to exactly zero returns the case to `payable`.
//! - `reconcile` also requires the total paid to equal the entitlement.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::domain::access::Permission;
use crate::domain::money::Vnd;

/// Where a case is in its lifecycle; stored as [`CaseState::as_str`] in `cases.state`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CaseState {
    /// Created or corrected by a roster import; waits for a reviewer.
    Submitted,
    /// Sent back to the agency with a reason; waits for a corrected row.
    Returned,
    /// Approved by a reviewer; waits for funding.
    Approved,
    /// Funded by a payment officer; payments may be recorded.
    Payable,
    /// Some, not all, of the entitlement is paid.
    PartiallyPaid,
    /// The entitlement is paid in full.
    Paid,
    /// Paid, and every payment matched to a statement line.
    Reconciled,
    /// Withdrawn (decision revoked, person deceased, ...); final.
    Cancelled,
}

impl CaseState {
    /// Every state, in lifecycle order.
    pub const ALL: [CaseState; 8] = [
        CaseState::Submitted,
        CaseState::Returned,
        CaseState::Approved,
        CaseState::Payable,
        CaseState::PartiallyPaid,
        CaseState::Paid,
        CaseState::Reconciled,
        CaseState::Cancelled,
    ];

    /// The stored name, e.g. `partially_paid`.
    pub const fn as_str(self) -> &'static str {
        match self {
            CaseState::Submitted => "submitted",
            CaseState::Returned => "returned",
            CaseState::Approved => "approved",
            CaseState::Payable => "payable",
            CaseState::PartiallyPaid => "partially_paid",
            CaseState::Paid => "paid",
            CaseState::Reconciled => "reconciled",
            CaseState::Cancelled => "cancelled",
        }
    }

    /// The stored name back to a state.
    pub fn parse(text: &str) -> Result<Self, UnknownState> {
        let t = text.trim();
        CaseState::ALL
            .into_iter()
            .find(|s| s.as_str() == t)
            .ok_or_else(|| UnknownState(text.to_owned()))
    }

    /// Vietnamese name for screens.
    pub const fn label_vi(self) -> &'static str {
        match self {
            CaseState::Submitted => "Đã gửi",
            CaseState::Returned => "Trả lại",
            CaseState::Approved => "Đã duyệt",
            CaseState::Payable => "Đủ điều kiện chi",
            CaseState::PartiallyPaid => "Đã chi một phần",
            CaseState::Paid => "Đã chi đủ",
            CaseState::Reconciled => "Đã đối chiếu",
            CaseState::Cancelled => "Đã hủy",
        }
    }

    /// The name for screens in the page's language.
    pub const fn label(self, en: bool) -> &'static str {
        if en { self.label_en() } else { self.label_vi() }
    }

    /// English name for screens.
    pub const fn label_en(self) -> &'static str {
        match self {
            CaseState::Submitted => "Submitted",
            CaseState::Returned => "Returned",
            CaseState::Approved => "Approved",
            CaseState::Payable => "Payable",
            CaseState::PartiallyPaid => "Partially paid",
            CaseState::Paid => "Paid",
            CaseState::Reconciled => "Reconciled",
            CaseState::Cancelled => "Cancelled",
        }
    }

    /// Approved, funded, paid or reconciled: a reviewer has accepted the entitlement.
    pub const fn is_approved_or_later(self) -> bool {
        matches!(
            self,
            CaseState::Approved
                | CaseState::Payable
                | CaseState::PartiallyPaid
                | CaseState::Paid
                | CaseState::Reconciled
        )
    }

    /// Funded or later: payments may be recorded.
    pub const fn is_payable_or_later(self) -> bool {
        matches!(
            self,
            CaseState::Payable | CaseState::PartiallyPaid | CaseState::Paid | CaseState::Reconciled
        )
    }

    /// Paid in full (and possibly reconciled).
    pub const fn is_paid(self) -> bool {
        matches!(self, CaseState::Paid | CaseState::Reconciled)
    }

    /// Approved and not yet paid in full: money is still to flow through the paying unit's
    /// Treasury account.
    pub const fn has_money_to_flow(self) -> bool {
        matches!(
            self,
            CaseState::Approved | CaseState::Payable | CaseState::PartiallyPaid
        )
    }

    /// Still open for a roster import to change (the rows an agency may correct).
    pub const fn is_open_for_import(self) -> bool {
        matches!(self, CaseState::Submitted | CaseState::Returned)
    }

    /// The actions the state machine accepts from this state, in [`ActionKind::ALL`] order.
    /// The money rules (amounts, the total paid) are checked when an action is applied, and
    /// who may take each action is [`ActionKind::permission`]'s answer.
    pub fn available_actions(self) -> Vec<ActionKind> {
        ActionKind::ALL
            .into_iter()
            .filter(|a| a.allowed_from().contains(&self))
            .collect()
    }
}

impl fmt::Display for CaseState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for CaseState {
    type Err = UnknownState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        CaseState::parse(s)
    }
}

/// A stored state name that is not one of [`CaseState::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown case state '{0}'")]
pub struct UnknownState(pub String);

/// The kind of an action, without its data: the name in routes, events and errors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActionKind {
    /// Reviewer accepts the case.
    Approve,
    /// Reviewer sends the case back, with a reason.
    Return,
    /// The agency re-imports the corrected row.
    Resubmit,
    /// Payment officer records the funding source.
    Fund,
    /// A payment is recorded.
    RecordPayment,
    /// A payment is reversed by a negative entry.
    ReversePayment,
    /// Every payment is matched to a statement line.
    Reconcile,
    /// The case is withdrawn, with a reason.
    Cancel,
}

impl ActionKind {
    /// Every action.
    pub const ALL: [ActionKind; 8] = [
        ActionKind::Approve,
        ActionKind::Return,
        ActionKind::Resubmit,
        ActionKind::Fund,
        ActionKind::RecordPayment,
        ActionKind::ReversePayment,
        ActionKind::Reconcile,
        ActionKind::Cancel,
    ];

    /// The name in routes and case events, e.g. `record_payment`.
    pub const fn as_str(self) -> &'static str {
        match self {
            ActionKind::Approve => "approve",
            ActionKind::Return => "return",
            ActionKind::Resubmit => "resubmit",
            ActionKind::Fund => "fund",
            ActionKind::RecordPayment => "record_payment",
            ActionKind::ReversePayment => "reverse_payment",
            ActionKind::Reconcile => "reconcile",
            ActionKind::Cancel => "cancel",
        }
    }

    /// The name back to an action kind.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        ActionKind::ALL.into_iter().find(|a| a.as_str() == t)
    }

    /// The permission a caller needs to take this action (the route table asks the same).
    pub const fn permission(self) -> Permission {
        match self {
            ActionKind::Approve | ActionKind::Return => Permission::ReviewCases,
            ActionKind::Resubmit => Permission::SubmitRoster,
            ActionKind::Fund => Permission::FundCases,
            ActionKind::RecordPayment | ActionKind::ReversePayment => Permission::RecordPayments,
            ActionKind::Reconcile => Permission::ImportStatements,
            ActionKind::Cancel => Permission::CancelCases,
        }
    }

    /// The states this action may start from.
    pub const fn allowed_from(self) -> &'static [CaseState] {
        use CaseState::*;
        match self {
            ActionKind::Approve => &[Submitted],
            ActionKind::Return => &[Submitted, Approved],
            ActionKind::Resubmit => &[Returned],
            ActionKind::Fund => &[Approved],
            ActionKind::RecordPayment => &[Payable, PartiallyPaid, Paid, Reconciled],
            ActionKind::ReversePayment => &[PartiallyPaid, Paid, Reconciled],
            ActionKind::Reconcile => &[Paid],
            ActionKind::Cancel => &[Submitted, Returned, Approved, Payable, PartiallyPaid],
        }
    }

    /// The state the action leads to, as named in messages (payments and reversals lead to
    /// `partially_paid` or `paid` depending on the amounts).
    pub const fn target_name(self) -> &'static str {
        match self {
            ActionKind::Approve => "approved",
            ActionKind::Return => "returned",
            ActionKind::Resubmit => "submitted",
            ActionKind::Fund => "payable",
            ActionKind::RecordPayment => "partially_paid/paid",
            ActionKind::ReversePayment => "payable/partially_paid/paid",
            ActionKind::Reconcile => "reconciled",
            ActionKind::Cancel => "cancelled",
        }
    }

    const fn verb_vi(self) -> &'static str {
        match self {
            ActionKind::Approve => "duyệt",
            ActionKind::Return => "trả lại",
            ActionKind::Resubmit => "gửi lại",
            ActionKind::Fund => "ghi nhận nguồn kinh phí cho",
            ActionKind::RecordPayment => "ghi nhận khoản chi cho",
            ActionKind::ReversePayment => "ghi giảm khoản chi của",
            ActionKind::Reconcile => "đối chiếu",
            ActionKind::Cancel => "hủy",
        }
    }

    const fn verb_en(self) -> &'static str {
        match self {
            ActionKind::Approve => "approve",
            ActionKind::Return => "return",
            ActionKind::Resubmit => "resubmit",
            ActionKind::Fund => "fund",
            ActionKind::RecordPayment => "record a payment on",
            ActionKind::ReversePayment => "reverse a payment on",
            ActionKind::Reconcile => "reconcile",
            ActionKind::Cancel => "cancel",
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A requested action with its data.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CaseAction {
    /// Reviewer accepts the case.
    Approve,
    /// Reviewer sends the case back; the reason is required.
    Return {
        /// Why, for the agency.
        reason: String,
    },
    /// The agency's corrected row was imported.
    Resubmit,
    /// Payment officer records where the money comes from; required.
    Fund {
        /// E.g. the budget estimate or Treasury order reference.
        funding_source: String,
    },
    /// A payment of `amount` (positive, whole đồng).
    RecordPayment {
        /// The amount paid.
        amount: Vnd,
    },
    /// A reversal of `amount` (positive; recorded as a negative entry).
    ReversePayment {
        /// The amount taken back.
        amount: Vnd,
    },
    /// Every payment is matched to a statement line.
    Reconcile,
    /// The case is withdrawn; the reason is required.
    Cancel {
        /// Why (decision revoked, person deceased, ...).
        reason: String,
    },
}

impl CaseAction {
    /// The action's kind.
    pub const fn kind(&self) -> ActionKind {
        match self {
            CaseAction::Approve => ActionKind::Approve,
            CaseAction::Return { .. } => ActionKind::Return,
            CaseAction::Resubmit => ActionKind::Resubmit,
            CaseAction::Fund { .. } => ActionKind::Fund,
            CaseAction::RecordPayment { .. } => ActionKind::RecordPayment,
            CaseAction::ReversePayment { .. } => ActionKind::ReversePayment,
            CaseAction::Reconcile => ActionKind::Reconcile,
            CaseAction::Cancel { .. } => ActionKind::Cancel,
        }
    }
}

/// The money facts of a case the rules depend on, read with the case (not to be confused with
/// `flags::CaseFacts`, which describes a case for flagging).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PaymentFacts {
    /// The pinned entitlement (`cases.entitled_vnd`).
    pub entitled: Vnd,
    /// The sum of all payment entries so far, reversals included (`cases.paid_vnd`).
    pub paid: Vnd,
    /// Whether every payment entry of the case is matched to a statement line.
    pub all_payments_matched: bool,
}

/// An accepted action: what to record.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transition {
    /// The state before.
    pub from: CaseState,
    /// The state after (may equal `from`, e.g. a second partial payment).
    pub to: CaseState,
    /// What was done.
    pub action: ActionKind,
    /// The payment entry to append: positive for a payment, negative for a reversal.
    pub entry: Option<Vnd>,
    /// Total paid after the action (`cases.paid_vnd`).
    pub paid_after: Vnd,
    /// The reason or funding source, trimmed.
    pub note: Option<String>,
}

/// Why an action is refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TransitionError {
    /// The action is not possible from the case's state.
    #[error("cannot {action} a case in state {from}")]
    InvalidTransition {
        /// The case's state.
        from: CaseState,
        /// The refused action.
        action: ActionKind,
    },
    /// `return` and `cancel` need a reason.
    #[error("a reason is required to {action}")]
    ReasonRequired {
        /// The action.
        action: ActionKind,
    },
    /// `fund` needs the funding source.
    #[error("the funding source is required")]
    FundingSourceRequired,
    /// A payment or reversal of zero or less.
    #[error("the amount must be more than zero")]
    AmountNotPositive {
        /// The amount given.
        amount: Vnd,
    },
    /// The payment would take the total paid above the entitlement.
    #[error("the payment would take the total paid above the entitlement")]
    PaymentExceedsEntitlement {
        /// The entitlement.
        entitled: Vnd,
        /// Paid so far.
        paid: Vnd,
        /// The refused payment.
        amount: Vnd,
    },
    /// The reversal would take the total paid below zero.
    #[error("the reversal would take the total paid below zero")]
    ReversalBelowZero {
        /// Paid so far.
        paid: Vnd,
        /// The refused reversal.
        amount: Vnd,
    },
    /// `reconcile` before every payment is matched.
    #[error("some payments are not matched to a statement line")]
    PaymentsUnmatched,
    /// `reconcile` on a paid case whose payments do not add up to the entitlement.
    #[error("the payments do not add up to the entitlement")]
    AmountMismatch {
        /// The entitlement.
        entitled: Vnd,
        /// Paid.
        paid: Vnd,
    },
    /// `cancel` while money is paid.
    #[error("the case has payments; reverse them before cancelling")]
    CancelHasPayments {
        /// Paid so far.
        paid: Vnd,
    },
    /// The case changed since it was read (optimistic version check in storage).
    #[error("the case changed since it was read")]
    StaleVersion {
        /// The version the caller read.
        expected: i64,
        /// The version now stored.
        actual: i64,
    },
}

impl TransitionError {
    /// Stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            TransitionError::InvalidTransition { .. } => "invalid_transition",
            TransitionError::ReasonRequired { .. } => "reason_required",
            TransitionError::FundingSourceRequired => "funding_source_required",
            TransitionError::AmountNotPositive { .. } => "amount_not_positive",
            TransitionError::PaymentExceedsEntitlement { .. } => "payment_exceeds_entitlement",
            TransitionError::ReversalBelowZero { .. } => "reversal_below_zero",
            TransitionError::PaymentsUnmatched => "payments_unmatched",
            TransitionError::AmountMismatch { .. } => "amount_mismatch",
            TransitionError::CancelHasPayments { .. } => "cancel_has_payments",
            TransitionError::StaleVersion { .. } => "stale_version",
        }
    }

    /// The message in Vietnamese, with what to do.
    pub fn message_vi(&self) -> String {
        let d = |v: Vnd| format!("{} đồng", v.grouped('.'));
        match self {
            TransitionError::InvalidTransition { from, action } => format!(
                "Không thể {} hồ sơ đang ở trạng thái \"{}\" ({}) để chuyển sang \"{}\"; \
                 chỉ thực hiện được từ: {}",
                action.verb_vi(),
                from.label_vi(),
                from.as_str(),
                action.target_name(),
                names(action.allowed_from())
            ),
            TransitionError::ReasonRequired { action } => {
                format!("Cần ghi lý do để {} hồ sơ", action.verb_vi())
            }
            TransitionError::FundingSourceRequired => "Cần ghi nguồn kinh phí chi trả".to_owned(),
            TransitionError::AmountNotPositive { amount } => format!(
                "Số tiền phải lớn hơn 0 (đã nhập {}); khoản ghi giảm dùng thao tác ghi giảm riêng",
                d(*amount)
            ),
            TransitionError::PaymentExceedsEntitlement {
                entitled,
                paid,
                amount,
            } => {
                let over = over_by(*entitled, *paid, *amount);
                format!(
                    "Khoản chi {} làm tổng đã chi vượt số được hưởng {} (đã chi {}, vượt {}); \
                     còn được chi tối đa {}",
                    d(*amount),
                    d(*entitled),
                    d(*paid),
                    d(over),
                    d(remaining(*entitled, *paid))
                )
            }
            TransitionError::ReversalBelowZero { paid, amount } => {
                format!("Ghi giảm {} lớn hơn số đã chi {}", d(*amount), d(*paid))
            }
            TransitionError::PaymentsUnmatched => {
                "Còn khoản chi chưa khớp với dòng sao kê; hãy đối chiếu sao kê trước".to_owned()
            }
            TransitionError::AmountMismatch { entitled, paid } => format!(
                "Tổng đã chi {} khác số được hưởng {}",
                d(*paid),
                d(*entitled)
            ),
            TransitionError::CancelHasPayments { paid } => format!(
                "Hồ sơ đã chi {}; hãy ghi giảm các khoản chi trước khi hủy",
                d(*paid)
            ),
            TransitionError::StaleVersion { .. } => {
                "Hồ sơ đã được người khác thay đổi sau khi bạn mở; hãy tải lại và thực hiện lại"
                    .to_owned()
            }
        }
    }

    /// The message in English, with what to do.
    pub fn message_en(&self) -> String {
        let d = |v: Vnd| format!("{v} đồng");
        match self {
            TransitionError::InvalidTransition { from, action } => format!(
                "Cannot {} a case that is {} (to {}); allowed from: {}",
                action.verb_en(),
                from.as_str(),
                action.target_name(),
                names(action.allowed_from())
            ),
            TransitionError::ReasonRequired { action } => {
                format!("A reason is required to {} a case", action.verb_en())
            }
            TransitionError::FundingSourceRequired => "The funding source is required".to_owned(),
            TransitionError::AmountNotPositive { amount } => format!(
                "The amount must be more than zero (got {}); record a reversal separately",
                d(*amount)
            ),
            TransitionError::PaymentExceedsEntitlement {
                entitled,
                paid,
                amount,
            } => format!(
                "A payment of {} would take the total paid above the entitlement of {} \
                 (paid so far {}, over by {}); at most {} can still be paid",
                d(*amount),
                d(*entitled),
                d(*paid),
                d(over_by(*entitled, *paid, *amount)),
                d(remaining(*entitled, *paid))
            ),
            TransitionError::ReversalBelowZero { paid, amount } => format!(
                "A reversal of {} is more than the {} paid",
                d(*amount),
                d(*paid)
            ),
            TransitionError::PaymentsUnmatched => {
                "Some payments are not matched to a statement line; reconcile the statement first"
                    .to_owned()
            }
            TransitionError::AmountMismatch { entitled, paid } => format!(
                "The total paid, {}, differs from the entitlement, {}",
                d(*paid),
                d(*entitled)
            ),
            TransitionError::CancelHasPayments { paid } => format!(
                "The case has {} paid; reverse the payments before cancelling",
                d(*paid)
            ),
            TransitionError::StaleVersion { expected, actual } => format!(
                "The case changed since you read it (version {expected}, now {actual}); \
                 reload it and try again"
            ),
        }
    }
}

fn names(states: &[CaseState]) -> String {
    states
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn remaining(entitled: Vnd, paid: Vnd) -> Vnd {
    if paid >= entitled {
        Vnd::ZERO
    } else {
        entitled - paid
    }
}

fn over_by(entitled: Vnd, paid: Vnd, amount: Vnd) -> Vnd {
    // Saturating: the inputs are i64 đồng and must never panic in a message.
    Vnd::new(
        paid.dong()
            .saturating_add(amount.dong())
            .saturating_sub(entitled.dong()),
    )
}

/// The state a case with `paid` out of `entitled` is in, once payable.
fn payment_state(entitled: Vnd, paid: Vnd) -> CaseState {
    if paid.is_zero() || paid.is_negative() {
        CaseState::Payable
    } else if paid < entitled {
        CaseState::PartiallyPaid
    } else {
        CaseState::Paid
    }
}

/// The states from which a reviewer may accept a recomputed entitlement (issue 16: Decree 67
/// top-ups and other policy changes reaching cases already approved).
pub const ACCEPT_CHANGE_FROM: [CaseState; 5] = [
    CaseState::Approved,
    CaseState::Payable,
    CaseState::PartiallyPaid,
    CaseState::Paid,
    CaseState::Reconciled,
];

/// The state a case moves to when a reviewer accepts a new entitlement: an approved or payable
/// case stays where it is; a case with payments follows the money (a raised entitlement on a
/// paid case is `partially_paid` with the difference outstanding; a lowered one below what was
/// paid is `paid`, and the overpaid flag shows the amount to recover — what was paid never
/// changes). `None` from any other state.
pub fn after_accepted_change(state: CaseState, entitled: Vnd, paid: Vnd) -> Option<CaseState> {
    if !ACCEPT_CHANGE_FROM.contains(&state) {
        return None;
    }
    Some(match state {
        CaseState::Approved | CaseState::Payable => state,
        _ => payment_state(entitled, paid),
    })
}

fn required_text(text: &str) -> Option<String> {
    let t = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!t.is_empty()).then(|| crate::domain::text::nfc(&t).into_owned())
}

/// Applies `action` to a case in `state` with the money `facts`: the transition to record,
/// or why it is refused.
pub fn apply(
    state: CaseState,
    action: &CaseAction,
    facts: PaymentFacts,
) -> Result<Transition, TransitionError> {
    let kind = action.kind();
    if !kind.allowed_from().contains(&state) {
        return Err(TransitionError::InvalidTransition {
            from: state,
            action: kind,
        });
    }
    let moved = |to: CaseState, note: Option<String>| Transition {
        from: state,
        to,
        action: kind,
        entry: None,
        paid_after: facts.paid,
        note,
    };
    match action {
        CaseAction::Approve => Ok(moved(CaseState::Approved, None)),
        CaseAction::Resubmit => Ok(moved(CaseState::Submitted, None)),
        CaseAction::Return { reason } => {
            let note =
                required_text(reason).ok_or(TransitionError::ReasonRequired { action: kind })?;
            Ok(moved(CaseState::Returned, Some(note)))
        }
        CaseAction::Fund { funding_source } => {
            let note =
                required_text(funding_source).ok_or(TransitionError::FundingSourceRequired)?;
            Ok(moved(CaseState::Payable, Some(note)))
        }
        CaseAction::Cancel { reason } => {
            let note =
                required_text(reason).ok_or(TransitionError::ReasonRequired { action: kind })?;
            if facts.paid > Vnd::ZERO {
                return Err(TransitionError::CancelHasPayments { paid: facts.paid });
            }
            Ok(moved(CaseState::Cancelled, Some(note)))
        }
        CaseAction::Reconcile => {
            if !facts.all_payments_matched {
                return Err(TransitionError::PaymentsUnmatched);
            }
            if facts.paid != facts.entitled {
                return Err(TransitionError::AmountMismatch {
                    entitled: facts.entitled,
                    paid: facts.paid,
                });
            }
            Ok(moved(CaseState::Reconciled, None))
        }
        CaseAction::RecordPayment { amount } => record_payment(state, *amount, facts),
        CaseAction::ReversePayment { amount } => reverse_payment(state, *amount, facts),
    }
}

fn record_payment(
    state: CaseState,
    amount: Vnd,
    facts: PaymentFacts,
) -> Result<Transition, TransitionError> {
    if amount <= Vnd::ZERO {
        return Err(TransitionError::AmountNotPositive { amount });
    }
    let exceeds = TransitionError::PaymentExceedsEntitlement {
        entitled: facts.entitled,
        paid: facts.paid,
        amount,
    };
    let total = facts.paid.checked_add(amount).ok_or(exceeds.clone())?;
    if total > facts.entitled {
        return Err(exceeds);
    }
    Ok(Transition {
        from: state,
        to: payment_state(facts.entitled, total),
        action: ActionKind::RecordPayment,
        entry: Some(amount),
        paid_after: total,
        note: None,
    })
}

fn reverse_payment(
    state: CaseState,
    amount: Vnd,
    facts: PaymentFacts,
) -> Result<Transition, TransitionError> {
    if amount <= Vnd::ZERO {
        return Err(TransitionError::AmountNotPositive { amount });
    }
    if amount > facts.paid {
        return Err(TransitionError::ReversalBelowZero {
            paid: facts.paid,
            amount,
        });
    }
    let total = facts.paid - amount;
    Ok(Transition {
        from: state,
        to: payment_state(facts.entitled, total),
        action: ActionKind::ReversePayment,
        entry: Some(-amount),
        paid_after: total,
        note: None,
    })
}

/// The outcome of a bulk action (approve or fund a selection): all or nothing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BulkOutcome<K> {
    /// Every case's result, in the order given.
    pub results: Vec<(K, Result<Transition, TransitionError>)>,
}

impl<K> BulkOutcome<K> {
    /// Whether every case accepts the action; only then is anything written.
    pub fn all_accepted(&self) -> bool {
        self.results.iter().all(|(_, r)| r.is_ok())
    }

    /// The refused cases.
    pub fn refused(&self) -> impl Iterator<Item = (&K, &TransitionError)> {
        self.results
            .iter()
            .filter_map(|(k, r)| r.as_ref().err().map(|e| (k, e)))
    }
}

/// Applies one action to each case of a selection, collecting the per-case results; the
/// caller writes only when [`BulkOutcome::all_accepted`].
pub fn apply_bulk<K>(
    cases: impl IntoIterator<Item = (K, CaseState, PaymentFacts)>,
    action: &CaseAction,
) -> BulkOutcome<K> {
    BulkOutcome {
        results: cases
            .into_iter()
            .map(|(k, state, facts)| (k, apply(state, action, facts)))
            .collect(),
    }
}

#[cfg(test)]
mod tests;
