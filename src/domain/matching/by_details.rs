//! Second pass: lines without a usable reference, by amount + account, then name and date.

use std::collections::HashMap;

use super::names::{normalize_account, token_similarity};
use super::{
    CandidatePayment, MatchMethod, MatchSettings, Progress, StatementLine, UnmatchedReason,
    date_reason, days_apart,
};
use crate::domain::text::name_tokens;

/// A line and a payment that could go together.
struct Pair {
    line: usize,
    payment: usize,
    similarity: f64,
    days: i64,
}

/// Runs the pass over the lines still open, except those whose references named known cases
/// (their amounts did not add up; another payment with the same amount would be a guess).
pub(super) fn run(
    lines: &[StatementLine],
    payments: &[CandidatePayment],
    settings: &MatchSettings,
    progress: &mut Progress<'_>,
) {
    let mut index: HashMap<(i64, String), Vec<usize>> = HashMap::new();
    for (j, p) in payments.iter().enumerate() {
        if progress.payment_done.get(j).copied().unwrap_or(true) || p.amount.is_zero() {
            continue;
        }
        let Some(account) = p.person_account.as_deref().map(normalize_account) else {
            continue;
        };
        if !account.is_empty() {
            index.entry((p.amount.dong(), account)).or_default().push(j);
        }
    }
    let threshold = if settings.name_threshold.is_nan() {
        1.0
    } else {
        settings.name_threshold.clamp(0.0, 1.0)
    };
    let window = i64::from(settings.date_window_days);
    let mut pairs: Vec<Pair> = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let open = !progress.line_done.get(i).copied().unwrap_or(true);
        let referenced = matches!(
            progress.reason.get(i),
            Some(Some(UnmatchedReason::ReferenceAmountDiffers { .. }))
        );
        if !open || referenced {
            continue;
        }
        let account = line
            .account_no
            .as_deref()
            .map(normalize_account)
            .unwrap_or_default();
        let Some(candidates) = index.get(&(line.amount.dong(), account)) else {
            continue;
        };
        let tokens = name_tokens(line.counterparty.as_deref().unwrap_or(""));
        let mut best_similarity: f64 = 0.0;
        let mut closest_days: Option<i64> = None;
        let before = pairs.len();
        for &j in candidates {
            let Some(p) = payments.get(j) else { continue };
            let similarity = token_similarity(&tokens, &name_tokens(&p.person_name));
            let days = days_apart(line.date, p.date);
            best_similarity = best_similarity.max(similarity);
            if similarity < threshold {
                continue;
            }
            if days.abs() > window {
                closest_days = Some(
                    closest_days.map_or(days, |c: i64| if days.abs() < c.abs() { days } else { c }),
                );
                continue;
            }
            pairs.push(Pair {
                line: i,
                payment: j,
                similarity,
                days,
            });
        }
        if pairs.len() == before {
            let reason = match closest_days {
                Some(days) => UnmatchedReason::OutsideDateWindow { days },
                None => UnmatchedReason::NameTooDifferent {
                    best: (best_similarity * 100.0).round() / 100.0,
                },
            };
            progress.explain(i, reason);
        }
    }
    // Best pairs first: a line never takes a payment that fits another line better.
    pairs.sort_by(|a, b| {
        b.similarity
            .total_cmp(&a.similarity)
            .then(a.days.abs().cmp(&b.days.abs()))
            .then(a.line.cmp(&b.line))
            .then(a.payment.cmp(&b.payment))
    });
    for pair in pairs {
        let line_open = !progress.line_done.get(pair.line).copied().unwrap_or(true);
        let payment_open = !progress
            .payment_done
            .get(pair.payment)
            .copied()
            .unwrap_or(true);
        if !(line_open && payment_open) {
            continue;
        }
        let reasons = vec![
            "amount".to_owned(),
            "account".to_owned(),
            format!("name {:.2}", pair.similarity),
            date_reason(pair.days),
        ];
        let score = details_score(pair.similarity, pair.days);
        progress.take(
            &[pair.line],
            &[pair.payment],
            MatchMethod::Details,
            score,
            reasons,
        );
    }
}

/// `50 + 45 × similarity − days apart`, within 0..=95.
fn details_score(similarity: f64, days: i64) -> u8 {
    let percent = percent(similarity);
    let score = 50 + 45 * i64::from(percent) / 100 - days.saturating_abs().min(95);
    u8::try_from(score.clamp(0, 95)).unwrap_or(0)
}

/// A similarity in 0..=1 as a whole percentage.
#[expect(
    clippy::cast_possible_truncation,
    reason = "a clamped similarity score, not money: 0.0..=100.0 fits in u8"
)]
fn percent(similarity: f64) -> u8 {
    let clamped = if similarity.is_nan() {
        0.0
    } else {
        similarity.clamp(0.0, 1.0)
    };
    (clamped * 100.0).round() as u8
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scores_fall_with_distance_and_stay_in_range() {
        assert_eq!(details_score(1.0, 0), 95);
        assert_eq!(details_score(0.96, 2), 91);
        assert_eq!(details_score(0.90, -7), 83);
        assert_eq!(details_score(f64::NAN, i64::MIN), 0);
        assert_eq!(details_score(7.0, 0), 95);
    }
}
