//! The rules every payment passes, entered on screen or read from a payment list: the payer is
//! not the case's approver (separation of duties), the payment is not dated before the case's
//! decision (or the programme's start), and the case's state machine admits it (payable state,
//! entitlement ceiling, positive amount). One path, [`admit_payment`] then [`Admitted::apply`],
//! for both; what only the stored data can tell (a repeated payment, a stale version, the
//! payment a reversal takes back) the services check between the two.

use chrono::NaiveDate;

use super::access::{CaseActors, Duty, DutyConflict, check_duty};
use super::case_state::{CaseAction, CaseState, PaymentFacts, Transition, TransitionError, apply};
use super::ids::UserId;
use super::money::Vnd;

/// What the payment rules need to know of a case.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PayableCase {
    pub state: CaseState,
    pub entitled: Vnd,
    pub paid: Vnd,
    pub decision_date: Option<NaiveDate>,
    pub actors: CaseActors,
}

/// Why a payment is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentRefusal {
    /// The payer approved the case.
    Duty(DutyConflict),
    /// Dated too early.
    BeforeDecision(TooEarly),
    /// The state machine refuses it.
    Rule(TransitionError),
}

/// A payment dated before `earliest`: the case's decision, or (without one) the programme's
/// start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooEarly {
    pub paid_on: NaiveDate,
    pub earliest: NaiveDate,
    pub has_decision: bool,
}

impl TooEarly {
    /// The refusal in Vietnamese and English.
    pub fn messages(self) -> (String, String) {
        let TooEarly {
            paid_on,
            earliest,
            has_decision,
        } = self;
        let day = |d: NaiveDate| d.format("%d/%m/%Y").to_string();
        if has_decision {
            (
                format!(
                    "Ngày chi {} trước ngày quyết định cho nghỉ ({})",
                    day(paid_on),
                    day(earliest)
                ),
                format!("The payment date {paid_on} is before the case's decision ({earliest})"),
            )
        } else {
            (
                format!(
                    "Ngày chi {} trước khi chương trình bắt đầu ({})",
                    day(paid_on),
                    day(earliest)
                ),
                format!("The payment date {paid_on} is before the programme's start ({earliest})"),
            )
        }
    }
}

/// The first day a payment can be dated when the case has no decision date: the programme
/// (Decree 178/2024/ND-CP) pays from 2025.
pub fn programme_start() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 1, 1).unwrap_or(NaiveDate::MIN)
}

/// Checks the day of a payment against the case: not before its decision (or, without a
/// decision date, before the programme's start).
pub fn check_paid_after_decision(
    paid_on: NaiveDate,
    decision_date: Option<NaiveDate>,
) -> Result<(), TooEarly> {
    let earliest = decision_date.unwrap_or_else(programme_start);
    if paid_on < earliest {
        return Err(TooEarly {
            paid_on,
            earliest,
            has_decision: decision_date.is_some(),
        });
    }
    Ok(())
}

/// Admits a payment or reversal dated `paid_on`, made by the user `paid_by` (none for the
/// command line's operator), on `case`: separation of duties, then the date. What the stored
/// data must tell (a repeat, a stale version, the payment a reversal takes back) is checked
/// next by the caller; then [`Admitted::apply`] runs the state machine. A transition for a
/// payment can only be had through here.
pub fn admit_payment(
    case: &PayableCase,
    paid_by: Option<UserId>,
    paid_on: NaiveDate,
) -> Result<Admitted, PaymentRefusal> {
    if let Some(user) = paid_by {
        check_duty(user, Duty::Pay, case.actors).map_err(PaymentRefusal::Duty)?;
    }
    check_paid_after_decision(paid_on, case.decision_date)
        .map_err(PaymentRefusal::BeforeDecision)?;
    Ok(Admitted { case: *case })
}

/// A payment whose payer and date passed [`admit_payment`].
#[derive(Debug, Clone, Copy)]
#[must_use]
pub struct Admitted {
    case: PayableCase,
}

impl Admitted {
    /// The state machine on `action` (a payment or a reversal): payable state, entitlement
    /// ceiling, positive amount. Returns the transition to store.
    pub fn apply(self, action: &CaseAction) -> Result<Transition, PaymentRefusal> {
        let facts = PaymentFacts {
            entitled: self.case.entitled,
            paid: self.case.paid,
            all_payments_matched: false,
        };
        apply(self.case.state, action, facts).map_err(PaymentRefusal::Rule)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn payable(approved_by: Option<UserId>) -> PayableCase {
        PayableCase {
            state: CaseState::Payable,
            entitled: Vnd::new(1_000),
            paid: Vnd::ZERO,
            decision_date: Some(day("2025-06-01")),
            actors: CaseActors {
                submitted_by: Some(UserId(1)),
                approved_by,
            },
        }
    }

    #[test]
    fn the_rules_speak_in_order_duty_date_state() {
        let pay = |amount| CaseAction::RecordPayment {
            amount: Vnd::new(amount),
        };
        let case = payable(Some(UserId(7)));
        // The approver, too early, too much: the duty speaks first.
        assert!(matches!(
            admit_payment(&case, Some(UserId(7)), day("2025-01-01"))
                .and_then(|a| a.apply(&pay(5_000))),
            Err(PaymentRefusal::Duty(DutyConflict::ApproverPays))
        ));
        // Someone else, too early: the date.
        let early = admit_payment(&case, Some(UserId(8)), day("2025-05-31"))
            .and_then(|a| a.apply(&pay(500)));
        let Err(PaymentRefusal::BeforeDecision(too_early)) = early else {
            panic!("{early:?}");
        };
        assert!(too_early.has_decision);
        assert!(too_early.messages().0.contains("31/05/2025"));
        // On time, too much: the ceiling.
        assert!(matches!(
            admit_payment(&case, Some(UserId(8)), day("2025-06-01"))
                .and_then(|a| a.apply(&pay(1_001))),
            Err(PaymentRefusal::Rule(
                TransitionError::PaymentExceedsEntitlement { .. }
            ))
        ));
        // The operator (no user) pays part of it.
        let t = admit_payment(&case, None, day("2025-06-02"))
            .and_then(|a| a.apply(&pay(400)))
            .unwrap();
        assert_eq!(t.to, CaseState::PartiallyPaid);
        assert_eq!(t.paid_after, Vnd::new(400));
    }

    #[test]
    fn without_a_decision_the_programme_start_is_the_floor() {
        let mut case = payable(None);
        case.decision_date = None;
        let r = check_paid_after_decision(day("2024-12-31"), None).unwrap_err();
        assert!(r.messages().1.contains("programme's start"));
        assert!(check_paid_after_decision(programme_start(), None).is_ok());
        assert!(
            admit_payment(&case, Some(UserId(3)), day("2025-01-01"))
                .and_then(|a| a.apply(&CaseAction::RecordPayment {
                    amount: Vnd::new(1)
                }))
                .is_ok()
        );
    }
}
