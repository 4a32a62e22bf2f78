use super::*;
use CaseState::*;
use proptest::prelude::*;

fn facts(entitled: i64, paid: i64) -> PaymentFacts {
    PaymentFacts {
        entitled: Vnd::new(entitled),
        paid: Vnd::new(paid),
        all_payments_matched: true,
    }
}

/// One valid example of every action.
fn sample(kind: ActionKind) -> CaseAction {
    match kind {
        ActionKind::Approve => CaseAction::Approve,
        ActionKind::Return => CaseAction::Return {
            reason: "Sai hệ số lương".into(),
        },
        ActionKind::Resubmit => CaseAction::Resubmit,
        ActionKind::Fund => CaseAction::Fund {
            funding_source: "Dự toán NSTW 2025".into(),
        },
        ActionKind::RecordPayment => CaseAction::RecordPayment {
            amount: Vnd::new(100),
        },
        ActionKind::ReversePayment => CaseAction::ReversePayment {
            amount: Vnd::new(100),
        },
        ActionKind::Reconcile => CaseAction::Reconcile,
        ActionKind::Cancel => CaseAction::Cancel {
            reason: "Quyết định bị thu hồi".into(),
        },
    }
}

/// Facts typical of a case in `state`, entitled 1,000.
fn typical(state: CaseState) -> PaymentFacts {
    match state {
        PartiallyPaid => facts(1000, 400),
        Paid | Reconciled => facts(1000, 1000),
        _ => facts(1000, 0),
    }
}

#[test]
fn states_and_actions_round_trip() {
    for s in CaseState::ALL {
        assert_eq!(CaseState::parse(s.as_str()), Ok(s));
        assert_eq!(s.as_str().parse::<CaseState>(), Ok(s));
        assert!(!s.label_vi().is_empty() && !s.label_en().is_empty());
    }
    assert!(CaseState::parse("done").is_err());
    for a in ActionKind::ALL {
        assert_eq!(ActionKind::parse(a.as_str()), Some(a));
        assert_eq!(sample(a).kind(), a);
    }
    assert_eq!(ActionKind::parse("delete"), None);
}

/// Every (state, action) pair with typical facts: the expected next state, or the error
/// code. One row per pair, 64 in all.
#[test]
fn every_state_action_pair() {
    use ActionKind as A;
    let bad = Err("invalid_transition");
    #[rustfmt::skip]
    let table: &[(CaseState, ActionKind, Result<CaseState, &str>)] = &[
        (Submitted, A::Approve, Ok(Approved)),
        (Submitted, A::Return, Ok(Returned)),
        (Submitted, A::Resubmit, bad),
        (Submitted, A::Fund, bad),
        (Submitted, A::RecordPayment, bad),
        (Submitted, A::ReversePayment, bad),
        (Submitted, A::Reconcile, bad),
        (Submitted, A::Cancel, Ok(Cancelled)),
        (Returned, A::Approve, bad),
        (Returned, A::Return, bad),
        (Returned, A::Resubmit, Ok(Submitted)),
        (Returned, A::Fund, bad),
        (Returned, A::RecordPayment, bad),
        (Returned, A::ReversePayment, bad),
        (Returned, A::Reconcile, bad),
        (Returned, A::Cancel, Ok(Cancelled)),
        (Approved, A::Approve, bad),
        (Approved, A::Return, Ok(Returned)),
        (Approved, A::Resubmit, bad),
        (Approved, A::Fund, Ok(Payable)),
        (Approved, A::RecordPayment, bad),
        (Approved, A::ReversePayment, bad),
        (Approved, A::Reconcile, bad),
        (Approved, A::Cancel, Ok(Cancelled)),
        (Payable, A::Approve, bad),
        (Payable, A::Return, bad),
        (Payable, A::Resubmit, bad),
        (Payable, A::Fund, bad),
        (Payable, A::RecordPayment, Ok(PartiallyPaid)),
        (Payable, A::ReversePayment, bad),
        (Payable, A::Reconcile, bad),
        (Payable, A::Cancel, Ok(Cancelled)),
        (PartiallyPaid, A::Approve, bad),
        (PartiallyPaid, A::Return, bad),
        (PartiallyPaid, A::Resubmit, bad),
        (PartiallyPaid, A::Fund, bad),
        (PartiallyPaid, A::RecordPayment, Ok(PartiallyPaid)),
        (PartiallyPaid, A::ReversePayment, Ok(PartiallyPaid)),
        (PartiallyPaid, A::Reconcile, bad),
        (PartiallyPaid, A::Cancel, Err("cancel_has_payments")),
        (Paid, A::Approve, bad),
        (Paid, A::Return, bad),
        (Paid, A::Resubmit, bad),
        (Paid, A::Fund, bad),
        (Paid, A::RecordPayment, Err("payment_exceeds_entitlement")),
        (Paid, A::ReversePayment, Ok(PartiallyPaid)),
        (Paid, A::Reconcile, Ok(Reconciled)),
        (Paid, A::Cancel, bad),
        (Reconciled, A::Approve, bad),
        (Reconciled, A::Return, bad),
        (Reconciled, A::Resubmit, bad),
        (Reconciled, A::Fund, bad),
        (Reconciled, A::RecordPayment, Err("payment_exceeds_entitlement")),
        (Reconciled, A::ReversePayment, Ok(PartiallyPaid)),
        (Reconciled, A::Reconcile, bad),
        (Reconciled, A::Cancel, bad),
        (Cancelled, A::Approve, bad),
        (Cancelled, A::Return, bad),
        (Cancelled, A::Resubmit, bad),
        (Cancelled, A::Fund, bad),
        (Cancelled, A::RecordPayment, bad),
        (Cancelled, A::ReversePayment, bad),
        (Cancelled, A::Reconcile, bad),
        (Cancelled, A::Cancel, bad),
    ];
    assert_eq!(table.len(), CaseState::ALL.len() * ActionKind::ALL.len());
    for &(state, kind, expected) in table {
        let got = apply(state, &sample(kind), typical(state));
        match (got, expected) {
            (Ok(t), Ok(to)) => {
                assert_eq!(
                    (t.from, t.to, t.action),
                    (state, to, kind),
                    "{state} {kind}"
                );
            }
            (Err(e), Err(code)) => assert_eq!(e.code(), code, "{state} {kind}"),
            (got, expected) => panic!("{state} {kind}: got {got:?}, expected {expected:?}"),
        }
    }
}

#[test]
fn invalid_transition_names_both_states() {
    let e = apply(Paid, &CaseAction::Approve, facts(1000, 1000)).unwrap_err();
    assert_eq!(e.code(), "invalid_transition");
    let (vi, en) = (e.message_vi(), e.message_en());
    assert!(en.contains("paid") && en.contains("approved"), "{en}");
    assert!(en.contains("allowed from: submitted"), "{en}");
    assert!(vi.contains("Đã chi đủ") && vi.contains("approved"), "{vi}");
}

#[test]
fn reasons_and_funding_source_are_required() {
    for (state, action) in [
        (
            Submitted,
            CaseAction::Return {
                reason: "  ".into(),
            },
        ),
        (
            Approved,
            CaseAction::Cancel {
                reason: String::new(),
            },
        ),
    ] {
        let e = apply(state, &action, facts(1000, 0)).unwrap_err();
        assert_eq!(e.code(), "reason_required");
    }
    let e = apply(
        Approved,
        &CaseAction::Fund {
            funding_source: "\t".into(),
        },
        facts(1000, 0),
    )
    .unwrap_err();
    assert_eq!(e.code(), "funding_source_required");
    let t = apply(
        Submitted,
        &CaseAction::Return {
            reason: "  Thiếu   quyết định ".into(),
        },
        facts(1000, 0),
    )
    .unwrap();
    assert_eq!(t.note.as_deref(), Some("Thiếu quyết định"));
}

#[test]
fn payments_accumulate_to_paid() {
    let pay = |amount| CaseAction::RecordPayment {
        amount: Vnd::new(amount),
    };
    let t = apply(Payable, &pay(600), facts(1000, 0)).unwrap();
    assert_eq!(
        (t.to, t.paid_after, t.entry),
        (PartiallyPaid, Vnd::new(600), Some(Vnd::new(600)))
    );
    let t = apply(PartiallyPaid, &pay(400), facts(1000, 600)).unwrap();
    assert_eq!((t.to, t.paid_after), (Paid, Vnd::new(1000)));
}

#[test]
fn overpayment_is_refused_with_the_numbers() {
    let e = apply(
        PartiallyPaid,
        &CaseAction::RecordPayment {
            amount: Vnd::new(500_000),
        },
        facts(1_000_000, 700_000),
    )
    .unwrap_err();
    assert_eq!(
        e,
        TransitionError::PaymentExceedsEntitlement {
            entitled: Vnd::new(1_000_000),
            paid: Vnd::new(700_000),
            amount: Vnd::new(500_000)
        }
    );
    let en = e.message_en();
    assert!(
        en.contains("over by 200,000") && en.contains("at most 300,000"),
        "{en}"
    );
    assert!(e.message_vi().contains("vượt 200.000 đồng"));
}

#[test]
fn amounts_must_be_positive() {
    for amount in [0, -5] {
        for action in [
            CaseAction::RecordPayment {
                amount: Vnd::new(amount),
            },
            CaseAction::ReversePayment {
                amount: Vnd::new(amount),
            },
        ] {
            let e = apply(PartiallyPaid, &action, facts(1000, 500)).unwrap_err();
            assert_eq!(e.code(), "amount_not_positive");
        }
    }
}

#[test]
fn huge_amounts_do_not_overflow() {
    let e = apply(
        PartiallyPaid,
        &CaseAction::RecordPayment {
            amount: Vnd::new(i64::MAX),
        },
        facts(i64::MAX, 10),
    )
    .unwrap_err();
    assert_eq!(e.code(), "payment_exceeds_entitlement");
    assert!(!e.message_en().is_empty() && !e.message_vi().is_empty());
}

#[test]
fn reversals_are_negative_entries_and_stop_at_zero() {
    let rev = |amount| CaseAction::ReversePayment {
        amount: Vnd::new(amount),
    };
    let t = apply(Paid, &rev(1000), facts(1000, 1000)).unwrap();
    assert_eq!(
        (t.to, t.entry, t.paid_after),
        (Payable, Some(Vnd::new(-1000)), Vnd::ZERO)
    );
    let e = apply(PartiallyPaid, &rev(401), facts(1000, 400)).unwrap_err();
    assert_eq!(e.code(), "reversal_below_zero");
    // Overpaid after a recomputation lowered the entitlement: a partial reversal leaves it
    // paid (the overpaid flag stays until the surplus is reversed).
    let t = apply(Paid, &rev(100), facts(800, 1000)).unwrap();
    assert_eq!((t.to, t.paid_after), (Paid, Vnd::new(900)));
}

#[test]
fn a_payment_reopens_a_reconciled_case() {
    // Entitlement raised by a recomputation after reconciliation.
    let t = apply(
        Reconciled,
        &CaseAction::RecordPayment {
            amount: Vnd::new(200),
        },
        facts(1200, 1000),
    )
    .unwrap();
    assert_eq!(t.to, Paid);
}

#[test]
fn reconcile_needs_every_payment_matched_and_the_full_amount() {
    let mut f = facts(1000, 1000);
    f.all_payments_matched = false;
    let e = apply(Paid, &CaseAction::Reconcile, f).unwrap_err();
    assert_eq!(e.code(), "payments_unmatched");
    let e = apply(Paid, &CaseAction::Reconcile, facts(1200, 1000)).unwrap_err();
    assert_eq!(e.code(), "amount_mismatch");
}

#[test]
fn every_error_has_a_code_and_two_messages() {
    let all = [
        TransitionError::InvalidTransition {
            from: Paid,
            action: ActionKind::Fund,
        },
        TransitionError::ReasonRequired {
            action: ActionKind::Cancel,
        },
        TransitionError::FundingSourceRequired,
        TransitionError::AmountNotPositive { amount: Vnd::ZERO },
        TransitionError::PaymentExceedsEntitlement {
            entitled: Vnd::new(1),
            paid: Vnd::new(1),
            amount: Vnd::new(1),
        },
        TransitionError::ReversalBelowZero {
            paid: Vnd::ZERO,
            amount: Vnd::new(1),
        },
        TransitionError::PaymentsUnmatched,
        TransitionError::AmountMismatch {
            entitled: Vnd::new(2),
            paid: Vnd::new(1),
        },
        TransitionError::CancelHasPayments { paid: Vnd::new(1) },
        TransitionError::StaleVersion {
            expected: 3,
            actual: 4,
        },
    ];
    let mut codes: Vec<&str> = all.iter().map(TransitionError::code).collect();
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), all.len());
    for e in &all {
        assert!(
            !e.message_vi().is_empty() && !e.message_en().is_empty(),
            "{e:?}"
        );
    }
    assert_eq!(all[9].code(), "stale_version");
    assert!(all[9].message_en().contains("version 3, now 4"));
}

#[test]
fn bulk_is_all_or_nothing_with_per_case_results() {
    let ok = apply_bulk(
        [(1, Submitted, facts(1, 0)), (2, Submitted, facts(1, 0))],
        &CaseAction::Approve,
    );
    assert!(ok.all_accepted());
    let mixed = apply_bulk(
        [
            (1, Submitted, facts(1, 0)),
            (2, Paid, facts(1, 1)),
            (3, Returned, facts(1, 0)),
        ],
        &CaseAction::Approve,
    );
    assert!(!mixed.all_accepted());
    let refused: Vec<i32> = mixed.refused().map(|(k, _)| *k).collect();
    assert_eq!(refused, [2, 3]);
    assert_eq!(mixed.results.len(), 3);
}

#[derive(Clone, Debug)]
enum Op {
    Pay(i64),
    Reverse(i64),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1i64..2_000_000_000).prop_map(Op::Pay),
        1 => (1i64..2_000_000_000).prop_map(Op::Reverse),
    ]
}

proptest! {
    /// Whatever payments and reversals are attempted, the accepted ones never take the
    /// total above the entitlement or below zero, and the state always follows the total.
    #[test]
    fn accepted_payments_never_exceed_the_entitlement(
        entitled in 0i64..5_000_000_000,
        ops in proptest::collection::vec(op(), 0..40),
    ) {
        let mut state = Payable;
        let mut paid = Vnd::ZERO;
        let mut ledger = Vec::new();
        for op in ops {
            let action = match op {
                Op::Pay(a) => CaseAction::RecordPayment { amount: Vnd::new(a) },
                Op::Reverse(a) => CaseAction::ReversePayment { amount: Vnd::new(a) },
            };
            let f = PaymentFacts { entitled: Vnd::new(entitled), paid, all_payments_matched: false };
            if let Ok(t) = apply(state, &action, f) {
                ledger.push(t.entry.unwrap());
                state = t.to;
                paid = t.paid_after;
            }
            prop_assert!(paid <= Vnd::new(entitled));
            prop_assert!(!paid.is_negative());
            prop_assert_eq!(ledger.iter().copied().sum::<Vnd>(), paid);
            let expected = if paid.is_zero() { Payable } else if paid < Vnd::new(entitled) { PartiallyPaid } else { Paid };
            prop_assert_eq!(state, expected);
        }
    }
}

#[test]
fn an_accepted_change_follows_the_money() {
    let v = Vnd::new;
    // (state, new entitlement, paid) → state after
    for (state, entitled, paid, after) in [
        (Approved, 1_100, 0, Some(Approved)),
        (Payable, 900, 0, Some(Payable)),
        (PartiallyPaid, 1_100, 500, Some(PartiallyPaid)),
        (PartiallyPaid, 400, 500, Some(Paid)),
        (Paid, 1_100, 1_000, Some(PartiallyPaid)),
        (Paid, 900, 1_000, Some(Paid)),
        (Reconciled, 1_100, 1_000, Some(PartiallyPaid)),
        (Reconciled, 900, 1_000, Some(Paid)),
        (Submitted, 1_100, 0, None),
        (Returned, 1_100, 0, None),
        (Cancelled, 1_100, 0, None),
    ] {
        assert_eq!(
            after_accepted_change(state, v(entitled), v(paid)),
            after,
            "{state} {entitled} {paid}"
        );
    }
}

#[test]
fn available_actions_are_the_ones_apply_does_not_refuse_as_invalid() {
    for s in CaseState::ALL {
        let available = s.available_actions();
        for a in ActionKind::ALL {
            let invalid = matches!(
                apply(s, &sample(a), typical(s)),
                Err(TransitionError::InvalidTransition { .. })
            );
            assert_eq!(available.contains(&a), !invalid, "{s} {a:?}");
        }
    }
    assert_eq!(
        Submitted.available_actions(),
        [ActionKind::Approve, ActionKind::Return, ActionKind::Cancel]
    );
    assert!(Cancelled.available_actions().is_empty());
}

#[test]
fn every_action_names_the_permission_its_route_requires() {
    use crate::domain::access::Permission;
    assert_eq!(ActionKind::Approve.permission(), Permission::ReviewCases);
    assert_eq!(ActionKind::Fund.permission(), Permission::FundCases);
    assert_eq!(
        ActionKind::RecordPayment.permission(),
        Permission::RecordPayments
    );
    assert_eq!(ActionKind::Cancel.permission(), Permission::CancelCases);
}
