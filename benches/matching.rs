//! Statement reconciliation at national scale: 150,000 statement lines against 150,000
//! recorded payments, with a realistic mix — 80% of the lines carry the payment reference in
//! the description, 15% only the beneficiary's account and name as a bank prints it (capitals
//! without diacritics, dated 0–3 days after the payment), 5% belong to no payment.
//!
//! Run: `cargo bench --bench matching` (release build). The target is well under 10 s on
//! one core.

use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use staffpay::domain::ids::{CaseId, PaymentId, StatementLineId};
use staffpay::domain::matching::{
    CandidatePayment, MatchMethod, MatchSettings, StatementLine, reconcile,
};
use staffpay::domain::money::Vnd;
use staffpay::domain::payment_reference::PaymentReference;
use staffpay::domain::text::fold_key;

const N: usize = 150_000;
const RUNS: usize = 3;

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý",
];
const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Ngọc", "Thanh", "Quốc", "Xuân", "Thu", "Hồng", "Kim",
];
const GIVEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Hùng", "Hương",
    "Khánh", "Lan", "Linh", "Long", "Mai", "Nam", "Nga", "Phương", "Quân", "Sơn", "Tâm", "Thảo",
    "Trang", "Tuấn", "Vân", "Yến",
];

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        usize::try_from(self.next() % u64::try_from(n).unwrap_or(1)).unwrap_or(0)
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items.get(self.below(items.len())).copied().unwrap_or("")
    }
}

fn id(k: usize) -> i64 {
    i64::try_from(k).unwrap_or(i64::MAX)
}

/// Lines generated per kind: with reference, by details only, belonging to no payment.
type Mix = [usize; 3];

fn synthetic(base: NaiveDate) -> (Vec<StatementLine>, Vec<CandidatePayment>, Mix) {
    let mut mix: Mix = [0; 3];
    let mut rng = Rng(0x5EED_1234_ABCD_0001);
    let mut payments = Vec::with_capacity(N);
    let mut lines = Vec::with_capacity(N);
    for k in 0..N {
        let seq = u32::try_from(k % 1_000_000).unwrap_or(0);
        let import = id(k / 1_000_000 + 1);
        let name = format!(
            "{} {} {}",
            rng.pick(FAMILY),
            rng.pick(MIDDLE),
            rng.pick(GIVEN)
        );
        // Entitlements between 20 and 900 million đồng, in thousands: many repeats.
        let amount = Vnd::new(i64::try_from(20_000 + rng.below(880_000)).unwrap_or(0) * 1_000);
        let account = format!(
            "{:013}",
            1_000_000_000_000u64 + rng.next() % 8_999_999_999_999
        );
        let date = base
            .checked_add_days(Days::new(u64::try_from(rng.below(60)).unwrap_or(0)))
            .unwrap_or(base);
        let payment = CandidatePayment {
            id: PaymentId(id(k)),
            case_id: CaseId(id(k)),
            amount,
            date,
            payment_reference: PaymentReference::new(import, seq),
            person_name: name,
            person_account: Some(account),
        };
        let roll = rng.below(100);
        let kind = if roll < 80 {
            0
        } else if roll < 95 {
            1
        } else {
            2
        };
        if let Some(count) = mix.get_mut(kind) {
            *count += 1;
        }
        let line_date = date
            .checked_add_days(Days::new(u64::try_from(rng.below(4)).unwrap_or(0)))
            .unwrap_or(date);
        let bank_name = fold_key(&payment.person_name).to_uppercase();
        let line = if roll < 80 {
            StatementLine {
                id: StatementLineId(id(k)),
                date: line_date,
                amount,
                account_no: payment.person_account.clone(),
                counterparty: Some(bank_name.clone()),
                description: format!(
                    "CHI TRO CAP THOI VIEC ND178 {} {}",
                    payment.payment_reference, bank_name
                ),
                bank_reference: Some(format!("FT25{k:010}")),
                sequence: Some(k.to_string()),
            }
        } else if roll < 95 {
            StatementLine {
                id: StatementLineId(id(k)),
                date: line_date,
                amount,
                account_no: payment.person_account.clone(),
                counterparty: Some(bank_name),
                description: "CHI TRO CAP NGHI VIEC THEO ND 178".to_owned(),
                bank_reference: Some(format!("FT25{k:010}")),
                sequence: Some(k.to_string()),
            }
        } else {
            StatementLine {
                id: StatementLineId(id(k)),
                date: line_date,
                amount: Vnd::new(i64::try_from(1 + rng.below(5_000)).unwrap_or(1) * 1_000),
                account_no: Some(format!("{:013}", rng.next() % 9_999_999_999_999)),
                counterparty: Some("CONG TY TNHH ABC".to_owned()),
                description: "THANH TOAN TIEN DIEN".to_owned(),
                bank_reference: Some(format!("FT25{k:010}")),
                sequence: Some(k.to_string()),
            }
        };
        payments.push(payment);
        lines.push(line);
    }
    (lines, payments, mix)
}

fn main() {
    let Some(base) = NaiveDate::from_ymd_opt(2025, 7, 1) else {
        return;
    };
    let started = Instant::now();
    let (lines, payments, mix) = synthetic(base);
    println!(
        "generated {} lines and {} payments in {:.2?}: {} lines with reference, {} by details only, {} of no payment",
        lines.len(),
        payments.len(),
        started.elapsed(),
        mix[0],
        mix[1],
        mix[2]
    );
    let settings = MatchSettings::default();
    let mut times: Vec<Duration> = Vec::with_capacity(RUNS);
    let mut last = None;
    for _ in 0..RUNS {
        let t = Instant::now();
        let result = reconcile(&lines, &payments, &settings);
        times.push(t.elapsed());
        last = Some(result);
    }
    times.sort();
    let Some(result) = last else { return };
    let by_reference = result
        .matches
        .iter()
        .filter(|m| m.method == MatchMethod::Reference)
        .count();
    let by_details = result.matches.len() - by_reference;
    let median = times.get(RUNS / 2).copied().unwrap_or_default();
    let best = times.first().copied().unwrap_or_default();
    let rate = |d: Duration| {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX).max(1);
        u64::try_from(lines.len()).unwrap_or(0) * 1000 / ms
    };
    println!(
        "matches: {} by reference, {} by details; unmatched: {} lines, {} payments",
        by_reference,
        by_details,
        result.unmatched_lines.len(),
        result.unmatched_payments.len()
    );
    let mut reasons: std::collections::BTreeMap<&str, usize> = Default::default();
    for u in &result.unmatched_lines {
        *reasons.entry(u.reason.code()).or_default() += 1;
    }
    println!("unmatched lines by reason: {reasons:?}");
    println!(
        "reconcile {} lines x {} payments: best {:.2?}, median {:.2?} of {RUNS} runs — {} lines/s (median)",
        lines.len(),
        payments.len(),
        best,
        median,
        rate(median)
    );
}
