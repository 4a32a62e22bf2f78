use std::collections::HashSet;

use chrono::NaiveDate;
use proptest::prelude::*;

use super::*;

fn day(d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, d).unwrap()
}

fn reference(case: i64) -> PaymentReference {
    PaymentReference::new(7, u32::try_from(case).unwrap())
}

fn payment(id: i64, case: i64, amount: i64, d: u32) -> CandidatePayment {
    CandidatePayment {
        id: PaymentId(id),
        case_id: CaseId(case),
        amount: Vnd::new(amount),
        date: day(d),
        payment_reference: reference(case),
        person_name: format!("Nguyễn Văn Người {case}"),
        person_account: Some(format!("0011-{case:06}")),
    }
}

fn line(id: i64, amount: i64, d: u32, description: &str) -> StatementLine {
    StatementLine {
        id: StatementLineId(id),
        date: day(d),
        amount: Vnd::new(amount),
        account_no: None,
        counterparty: None,
        description: description.to_owned(),
        bank_reference: Some(format!("FT{id}")),
        sequence: Some(id.to_string()),
    }
}

/// A line without a reference, to the account of `case` in the bank's spelling of `name`.
fn plain(id: i64, amount: i64, d: u32, case: i64, name: &str) -> StatementLine {
    StatementLine {
        account_no: Some(format!("0011{case:06}")),
        counterparty: Some(name.to_owned()),
        ..line(id, amount, d, "CHI TRO CAP NGHI VIEC")
    }
}

fn run(lines: &[StatementLine], payments: &[CandidatePayment]) -> Reconciliation {
    reconcile(lines, payments, &MatchSettings::default())
}

fn ids<T: Copy, U>(items: &[T], f: impl Fn(T) -> U) -> Vec<U> {
    items.iter().copied().map(f).collect()
}

#[test]
fn by_reference_with_every_reason() {
    let payments = [payment(1, 10, 5_000_000, 14)];
    let mut l = line(
        100,
        5_000_000,
        16,
        &format!("CHI ND178 {} NGUYEN VAN NGUOI 10", reference(10)),
    );
    l.account_no = Some("0011 000010".into());
    l.counterparty = Some("NGUYEN VAN NGUOI 10".into());
    let r = run(&[l], &payments);
    assert_eq!(r.matches.len(), 1);
    let m = &r.matches[0];
    assert_eq!((m.method, m.score), (MatchMethod::Reference, 100));
    assert_eq!(
        m.reasons,
        ["reference", "amount", "account", "name 1.00", "date +2d"]
    );
    assert_eq!(
        (
            m.line_ids.clone(),
            m.payment_ids.clone(),
            m.case_ids.clone()
        ),
        (
            vec![StatementLineId(100)],
            vec![PaymentId(1)],
            vec![CaseId(10)]
        )
    );
    assert!(r.unmatched_lines.is_empty() && r.unmatched_payments.is_empty());
}

#[test]
fn instalments_of_one_case_match_by_amount_then_closest_date() {
    let payments = [
        payment(1, 10, 3_000_000, 1),
        payment(2, 10, 2_000_000, 10),
        payment(3, 10, 3_000_000, 20),
    ];
    let r#ref = reference(10).to_string();
    let lines = [
        line(100, 3_000_000, 21, &r#ref),
        line(101, 2_000_000, 11, &r#ref),
        line(102, 3_000_000, 2, &r#ref),
    ];
    let r = run(&lines, &payments);
    let pairs: Vec<(StatementLineId, PaymentId)> = r
        .matches
        .iter()
        .map(|m| (m.line_ids[0], m.payment_ids[0]))
        .collect();
    assert_eq!(
        pairs,
        [
            (StatementLineId(100), PaymentId(3)),
            (StatementLineId(101), PaymentId(2)),
            (StatementLineId(102), PaymentId(1))
        ]
    );
}

#[test]
fn one_line_pays_several_cases() {
    let payments = [
        payment(1, 10, 5_000_000, 14),
        payment(2, 11, 7_000_000, 14),
        payment(3, 12, 9_000_000, 14),
    ];
    let desc = format!("CHI ND178 {} {} DOT 1", reference(10), reference(11));
    let r = run(&[line(100, 12_000_000, 15, &desc)], &payments);
    assert_eq!(r.matches.len(), 1);
    let m = &r.matches[0];
    assert_eq!(m.payment_ids, [PaymentId(1), PaymentId(2)]);
    assert_eq!(m.case_ids, [CaseId(10), CaseId(11)]);
    assert_eq!(
        m.reasons,
        ["references 2", "amount = 2 payments", "date +1d"]
    );
    assert_eq!(r.unmatched_payments, [PaymentId(3)]);
}

#[test]
fn one_line_pays_two_instalments_of_one_case() {
    let payments = [payment(1, 10, 5_000_000, 14), payment(2, 10, 2_000_000, 15)];
    let r = run(
        &[line(100, 7_000_000, 15, &reference(10).to_string())],
        &payments,
    );
    assert_eq!(r.matches[0].payment_ids, [PaymentId(1), PaymentId(2)]);
    assert!(r.unmatched_payments.is_empty());
}

#[test]
fn several_lines_pay_one_payment() {
    let payments = [payment(1, 10, 10_000_000, 14)];
    let r#ref = reference(10).to_string();
    let lines = [
        line(100, 6_000_000, 15, &r#ref),
        line(101, 4_000_000, 16, &r#ref),
    ];
    let r = run(&lines, &payments);
    assert_eq!(r.matches.len(), 1);
    let m = &r.matches[0];
    assert_eq!(m.line_ids, [StatementLineId(100), StatementLineId(101)]);
    assert_eq!(m.payment_ids, [PaymentId(1)]);
    assert_eq!(m.reasons, ["reference", "amount = 2 lines", "date +2d"]);
    assert!(r.unmatched_lines.is_empty());
}

#[test]
fn a_known_reference_with_a_different_amount_is_not_guessed() {
    let payments = [
        payment(1, 10, 10_000_000, 14),
        payment(2, 11, 9_000_000, 14),
    ];
    // The details would fit case 11, but the reference names case 10.
    let mut l = plain(100, 9_000_000, 15, 11, "NGUYEN VAN NGUOI 11");
    l.description = format!("CHI {}", reference(10));
    let r = run(&[l], &payments);
    assert!(r.matches.is_empty());
    assert_eq!(
        r.unmatched_lines[0].reason,
        UnmatchedReason::ReferenceAmountDiffers {
            case_ids: vec![CaseId(10)]
        }
    );
    assert_eq!(
        r.unmatched_lines[0].reason.code(),
        "reference_amount_differs"
    );
}

#[test]
fn an_unknown_reference_falls_back_to_the_details() {
    let payments = [payment(1, 10, 5_000_000, 14)];
    let mut l = plain(100, 5_000_000, 15, 10, "NGUYEN VAN NGUOI 10");
    l.description = format!("CHI {}", reference(99));
    let r = run(std::slice::from_ref(&l), &payments);
    assert_eq!(r.matches[0].method, MatchMethod::Details);
    // Without matching details, the unknown reference is the reason shown.
    l.amount = Vnd::new(1);
    let r = run(&[l], &payments);
    assert_eq!(
        r.unmatched_lines[0].reason,
        UnmatchedReason::UnknownReference {
            reference: reference(99)
        }
    );
}

#[test]
fn by_amount_account_name_and_date() {
    let payments = [payment(1, 10, 5_000_000, 14)];
    let r = run(
        &[plain(100, 5_000_000, 16, 10, "NGUYEN VAN NGUOI 10")],
        &payments,
    );
    let m = &r.matches[0];
    assert_eq!(m.method, MatchMethod::Details);
    assert_eq!(m.reasons, ["amount", "account", "name 1.00", "date +2d"]);
    assert_eq!(m.score, 93);
}

#[test]
fn the_name_threshold_and_date_window_are_settings() {
    let payments = [payment(1, 10, 5_000_000, 14)];
    let other_name = plain(100, 5_000_000, 15, 10, "TRAN THI MAI");
    let r = run(&[other_name], &payments);
    assert!(r.matches.is_empty());
    assert_eq!(r.unmatched_lines[0].reason.code(), "name_too_different");
    assert_eq!(r.unmatched_payments, [PaymentId(1)]);

    let late = plain(100, 5_000_000, 22, 10, "NGUYEN VAN NGUOI 10");
    let r = run(std::slice::from_ref(&late), &payments);
    assert_eq!(
        r.unmatched_lines[0].reason,
        UnmatchedReason::OutsideDateWindow { days: 8 }
    );
    let wide = MatchSettings {
        date_window_days: 8,
        ..MatchSettings::default()
    };
    assert_eq!(reconcile(&[late], &payments, &wide).matches.len(), 1);

    // Exactly at the window's edge (7 days before) still matches.
    let early = plain(100, 5_000_000, 7, 10, "NGUYEN VAN NGUOI 10");
    assert_eq!(run(&[early], &payments).matches[0].reasons[3], "date -7d");

    let loose = MatchSettings {
        name_threshold: 0.0,
        ..MatchSettings::default()
    };
    let r = reconcile(
        &[plain(100, 5_000_000, 15, 10, "TRAN THI MAI")],
        &payments,
        &loose,
    );
    assert_eq!(r.matches.len(), 1);
}

#[test]
fn no_payment_with_that_amount_and_account() {
    let payments = [payment(1, 10, 5_000_000, 14)];
    let r = run(
        &[plain(100, 5_000_001, 15, 10, "NGUYEN VAN NGUOI 10")],
        &payments,
    );
    assert_eq!(r.unmatched_lines[0].reason, UnmatchedReason::NoCandidate);
}

#[test]
fn the_best_pair_wins_whatever_the_line_order() {
    // Two equal instalments to the same person: each line takes the payment closest in date.
    let payments = [payment(1, 10, 5_000_000, 1), payment(2, 10, 5_000_000, 8)];
    let lines = [
        plain(100, 5_000_000, 8, 10, "NGUYEN VAN NGUOI 10"),
        plain(101, 5_000_000, 2, 10, "NGUYEN VAN NGUOI 10"),
    ];
    let r = run(&lines, &payments);
    let pairs: Vec<(StatementLineId, PaymentId)> = r
        .matches
        .iter()
        .map(|m| (m.line_ids[0], m.payment_ids[0]))
        .collect();
    assert_eq!(
        pairs,
        [
            (StatementLineId(100), PaymentId(2)),
            (StatementLineId(101), PaymentId(1))
        ]
    );
}

#[test]
fn a_returned_transfer_matches_its_reversal() {
    let mut reversal = payment(2, 10, -5_000_000, 20);
    reversal.id = PaymentId(2);
    let payments = [payment(1, 10, 5_000_000, 14), reversal];
    let r#ref = reference(10).to_string();
    let lines = [
        line(100, 5_000_000, 15, &r#ref),
        line(101, -5_000_000, 20, &format!("HOAN TRA {}", r#ref)),
    ];
    let r = run(&lines, &payments);
    assert_eq!(r.matches.len(), 2);
    assert_eq!(r.matches[1].payment_ids, [PaymentId(2)]);
    // A credit nobody recorded stays unmatched as a credit.
    let r = run(&[line(102, -1_000, 20, "LAI TIEN GUI")], &payments);
    assert_eq!(r.unmatched_lines[0].reason, UnmatchedReason::Credit);
}

#[test]
fn duplicate_lines_are_reported_and_never_matched() {
    let payments = [payment(1, 10, 5_000_000, 14), payment(2, 10, 5_000_000, 14)];
    let r#ref = reference(10).to_string();
    let first = line(100, 5_000_000, 15, &r#ref);
    let again = StatementLine {
        id: StatementLineId(101),
        ..first.clone()
    };
    let r = run(&[first, again], &payments);
    assert_eq!(r.matches.len(), 1);
    assert_eq!(r.duplicates.len(), 1);
    assert_eq!(
        r.unmatched_lines,
        [UnmatchedLine {
            line_id: StatementLineId(101),
            reason: UnmatchedReason::Duplicate {
                of: DuplicateOf::Line(StatementLineId(100))
            }
        }]
    );
    assert_eq!(r.unmatched_payments, [PaymentId(2)]);
}

#[test]
fn empty_inputs() {
    assert_eq!(run(&[], &[]), Reconciliation::default());
    let r = run(&[], &[payment(1, 10, 5, 1)]);
    assert_eq!(r.unmatched_payments, [PaymentId(1)]);
}

#[test]
fn duplicates_against_stored_lines_use_the_same_key() {
    let l = line(1, 5, 15, "x");
    let stored: HashSet<LineKey> = [LineKey::of(&l)].into_iter().collect();
    assert_eq!(find_duplicates(&[l], &stored)[0].of, DuplicateOf::Stored);
}

#[test]
fn many_lines_whose_referenced_amounts_differ_stay_fast() {
    // 20,000 lines each naming a different known case with the wrong amount: every group is
    // looked up by key, never by scanning the others.
    let n = 20_000;
    let payments: Vec<CandidatePayment> = (0..n).map(|k| payment(k, k, 5_000, 1)).collect();
    let lines: Vec<StatementLine> = (0..n)
        .map(|k| line(k, 4_000, 2, &reference(k).to_string()))
        .collect();
    let started = std::time::Instant::now();
    let r = run(&lines, &payments);
    assert!(started.elapsed() < std::time::Duration::from_secs(5));
    assert_eq!(r.unmatched_lines.len(), lines.len());
    assert!(
        r.unmatched_lines
            .iter()
            .all(|u| u.reason.code() == "reference_amount_differs")
    );
}

fn arb_line() -> impl Strategy<Value = (i64, u32, u8, bool, u8)> {
    (-3i64..6, 1u32..28, 0u8..6, any::<bool>(), 0u8..6)
}

proptest! {
    /// Whatever the input: no line and no payment is used twice, every line and payment is
    /// either matched or listed unmatched, and the amounts of each match add up.
    #[test]
    fn matches_are_consistent(
        pays in proptest::collection::vec((1i64..6, -2i64..6, 1u32..28), 0..25),
        raw_lines in proptest::collection::vec(arb_line(), 0..25),
    ) {
        let payments: Vec<CandidatePayment> = pays
            .iter()
            .enumerate()
            .map(|(k, &(case, amount, d))| payment(i64::try_from(k).unwrap(), case, amount * 1000, d))
            .collect();
        let lines: Vec<StatementLine> = raw_lines
            .iter()
            .enumerate()
            .map(|(k, &(amount, d, case, with_ref, second))| {
                let id = i64::try_from(k).unwrap();
                let mut desc = String::from("CHI");
                if with_ref {
                    desc.push_str(&format!(" {}", reference(i64::from(case))));
                    if second > 3 {
                        desc.push_str(&format!(" {}", reference(i64::from(second))));
                    }
                }
                let mut l = plain(id, amount * 1000, d, i64::from(case), &format!("NGUYEN VAN NGUOI {case}"));
                l.description = desc;
                l.sequence = Some((id % 3).to_string());
                l
            })
            .collect();
        let r = run(&lines, &payments);
        let mut seen_lines = HashSet::new();
        let mut seen_payments = HashSet::new();
        for m in &r.matches {
            prop_assert!(!m.line_ids.is_empty() && !m.payment_ids.is_empty());
            for l in &m.line_ids { prop_assert!(seen_lines.insert(*l)); }
            for p in &m.payment_ids { prop_assert!(seen_payments.insert(*p)); }
            let line_sum: Vnd = m.line_ids.iter().map(|id| lines[usize::try_from(id.0).unwrap()].amount).sum();
            let pay_sum: Vnd = m.payment_ids.iter().map(|id| payments[usize::try_from(id.0).unwrap()].amount).sum();
            prop_assert_eq!(line_sum, pay_sum);
            prop_assert!(m.score <= 100);
        }
        for u in &r.unmatched_lines { prop_assert!(seen_lines.insert(u.line_id)); }
        for p in &r.unmatched_payments { prop_assert!(seen_payments.insert(*p)); }
        prop_assert_eq!(seen_lines.len(), lines.len());
        prop_assert_eq!(seen_payments.len(), payments.len());
        let _ = ids(&r.unmatched_payments, |p| p.0);
    }
}

#[test]
fn a_line_quoting_two_references_pays_both_or_neither() {
    let payments = [payment(1, 10, 5_000_000, 14), payment(2, 11, 7_000_000, 14)];
    // The amount is case 10's alone: not matched to the first reference in silence.
    let desc = format!("CHI {} {}", reference(10), reference(11));
    let r = run(&[line(100, 5_000_000, 15, &desc)], &payments);
    assert!(r.matches.is_empty(), "{:?}", r.matches);
    assert_eq!(
        r.unmatched_lines[0].reason,
        UnmatchedReason::ReferenceAmountDiffers {
            case_ids: vec![CaseId(10), CaseId(11)]
        }
    );
    assert_eq!(r.unmatched_payments, [PaymentId(1), PaymentId(2)]);
}

#[test]
fn a_second_line_paying_a_confirmed_payment_is_a_possible_double_payout() {
    let payments = [payment(1, 10, 5_000_000, 14)];
    let r#ref = reference(10).to_string();
    // In one statement: the second transfer of the same amount finds its payment taken.
    let lines = [
        line(100, 5_000_000, 15, &r#ref),
        line(101, 5_000_000, 20, &r#ref),
    ];
    let r = run(&lines, &payments);
    assert_eq!(r.matches.len(), 1);
    assert_eq!(r.unmatched_lines.len(), 1);
    assert_eq!(
        r.unmatched_lines[0].reason,
        UnmatchedReason::PossibleDoublePayout {
            case_ids: vec![CaseId(10)],
            payment_ids: vec![PaymentId(1)]
        }
    );
    assert_eq!(r.unmatched_lines[0].reason.code(), "possible_double_payout");
    // In a later statement: the payment was confirmed before (settled), none is open.
    let later = [line(102, 5_000_000, 25, &r#ref)];
    let r = reconcile_with_settled(&later, &[], &payments, &MatchSettings::default());
    assert_eq!(
        r.unmatched_lines[0].reason,
        UnmatchedReason::PossibleDoublePayout {
            case_ids: vec![CaseId(10)],
            payment_ids: vec![PaymentId(1)]
        }
    );
    // A different amount to a settled case is not a double payout.
    let other = [line(103, 4_000_000, 25, &r#ref)];
    let r = reconcile_with_settled(&other, &[], &payments, &MatchSettings::default());
    assert_eq!(r.unmatched_lines[0].reason.code(), "unknown_reference");
}
