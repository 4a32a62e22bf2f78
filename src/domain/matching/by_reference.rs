//! First pass: lines whose description holds payment references.

use std::collections::HashMap;

use super::{
    CandidatePayment, MatchMethod, MatchSettings, Progress, StatementLine, UnmatchedReason,
    date_reason, days_apart, names,
};
use crate::domain::ids::CaseId;
use crate::domain::payment_reference::PaymentReference;
use crate::domain::text::name_tokens;

/// Most references read from one description.
const MAX_REFERENCES: usize = 20;
/// Most candidate payments (or lines) a subset search looks at.
const MAX_SUBSET_ITEMS: usize = 16;
/// Most steps one subset search may take.
const MAX_SUBSET_STEPS: usize = 50_000;

/// Every distinct valid payment reference in `text`, in order of appearance (at most 20).
pub fn references_in(text: &str) -> Vec<PaymentReference> {
    let mut out: Vec<PaymentReference> = Vec::new();
    let mut rest = text;
    while out.len() < MAX_REFERENCES {
        let Some(found) = PaymentReference::find_in(rest) else {
            break;
        };
        // Where it was found: the occurrence not followed by another digit (the reference is a
        // whole run of digits after `SP`).
        let upper = rest.to_ascii_uppercase();
        let end = upper
            .match_indices(found.as_str())
            .map(|(pos, s)| pos + s.len())
            .find(|&end| !upper.as_bytes().get(end).is_some_and(u8::is_ascii_digit));
        if !out.contains(&found) {
            out.push(found);
        }
        match end.and_then(|e| rest.get(e..)) {
            Some(next) => rest = next,
            None => break,
        }
    }
    out
}

/// A subset of `amounts` (all positive) adding up to `target`, preferring the first one that
/// `accept` takes; indexes into `amounts`. Bounded: at most [`MAX_SUBSET_ITEMS`] items and
/// [`MAX_SUBSET_STEPS`] steps.
fn subset_summing(
    amounts: &[i64],
    target: i64,
    accept: impl Fn(&[usize]) -> bool,
) -> Option<Vec<usize>> {
    if target <= 0 {
        return None;
    }
    let mut search = Search {
        amounts: amounts
            .get(..amounts.len().min(MAX_SUBSET_ITEMS))
            .unwrap_or(amounts),
        accept: &accept,
        chosen: Vec::new(),
        steps: 0,
        fallback: None,
    };
    search.run(0, target).or(search.fallback)
}

/// Depth-first search state of [`subset_summing`].
struct Search<'a> {
    amounts: &'a [i64],
    accept: &'a dyn Fn(&[usize]) -> bool,
    chosen: Vec<usize>,
    steps: usize,
    /// The first subset found that `accept` refused.
    fallback: Option<Vec<usize>>,
}

impl Search<'_> {
    fn run(&mut self, start: usize, remaining: i64) -> Option<Vec<usize>> {
        if remaining == 0 && !self.chosen.is_empty() {
            if (self.accept)(&self.chosen) {
                return Some(self.chosen.clone());
            }
            if self.fallback.is_none() {
                self.fallback = Some(self.chosen.clone());
            }
            return None;
        }
        for k in start..self.amounts.len() {
            self.steps += 1;
            if self.steps > MAX_SUBSET_STEPS {
                return None;
            }
            let a = self.amounts.get(k).copied().unwrap_or(0);
            if a <= 0 || a > remaining {
                continue;
            }
            self.chosen.push(k);
            let found = self.run(k + 1, remaining - a);
            self.chosen.pop();
            if found.is_some() {
                return found;
            }
        }
        None
    }
}

/// Runs the pass: matches what it can and leaves the rest to the details pass (lines whose
/// references are unknown) or explained (lines whose referenced cases do not add up).
pub(super) fn run(
    lines: &[StatementLine],
    payments: &[CandidatePayment],
    settings: &MatchSettings,
    progress: &mut Progress<'_>,
) {
    let mut by_ref: HashMap<&str, Vec<usize>> = HashMap::with_capacity(payments.len());
    for (j, p) in payments.iter().enumerate() {
        by_ref
            .entry(p.payment_reference.as_str())
            .or_default()
            .push(j);
    }
    let mut settled_by_ref: HashMap<&str, Vec<usize>> = HashMap::new();
    for (j, p) in progress.settled.iter().enumerate() {
        settled_by_ref
            .entry(p.payment_reference.as_str())
            .or_default()
            .push(j);
    }
    let window = i64::from(settings.date_window_days);
    // Lines naming one known case that matched nothing alone, by (reference, sign), in order
    // of first appearance (the map holds each group's position).
    let mut pending: Vec<((&str, bool), Vec<usize>)> = Vec::new();
    let mut pending_at: HashMap<(&str, bool), usize> = HashMap::new();
    for (i, line) in lines.iter().enumerate() {
        if progress.line_done.get(i).copied().unwrap_or(true) {
            continue;
        }
        let refs = references_in(&line.description);
        let Some(first) = refs.first() else { continue };
        let known: Vec<&str> = refs
            .iter()
            .filter_map(|r| by_ref.get_key_value(r.as_str()).map(|(k, _)| *k))
            .collect();
        if known.is_empty() {
            let all: Vec<&str> = refs.iter().map(PaymentReference::as_str).collect();
            let reason = double_payout(line, &all, &by_ref, &settled_by_ref, payments, progress)
                .unwrap_or_else(|| UnmatchedReason::UnknownReference {
                    reference: first.clone(),
                });
            progress.explain(i, reason);
            continue;
        }
        let positive = !line.amount.is_negative();
        let candidates: Vec<usize> = known
            .iter()
            .filter_map(|r| by_ref.get(r))
            .flatten()
            .copied()
            .filter(|&j| {
                !progress.payment_done.get(j).copied().unwrap_or(true)
                    && payments
                        .get(j)
                        .is_some_and(|p| p.amount.is_negative() != positive && !p.amount.is_zero())
            })
            .collect();
        if let Some(chosen) = choose(line, &candidates, payments, &known) {
            let reasons = reasons_one_line(line, &chosen, payments, known.len());
            let score = score(line, &chosen, payments, window);
            progress.take(&[i], &chosen, MatchMethod::Reference, score, reasons);
        } else if let [only] = known.as_slice() {
            let key = (*only, positive);
            match pending_at.get(&key).and_then(|&at| pending.get_mut(at)) {
                Some((_, v)) => v.push(i),
                None => {
                    pending_at.insert(key, pending.len());
                    pending.push((key, vec![i]));
                }
            }
        } else {
            let case_ids = cases_of(&known, &by_ref, payments);
            let reason = double_payout(line, &known, &by_ref, &settled_by_ref, payments, progress)
                .unwrap_or(UnmatchedReason::ReferenceAmountDiffers { case_ids });
            progress.explain(i, reason);
        }
    }
    for ((reference, positive), line_ix) in pending {
        let left = split_lines(
            lines, payments, &by_ref, reference, positive, &line_ix, window, progress,
        );
        let case_ids = cases_of(&[reference], &by_ref, payments);
        for i in left {
            let Some(line) = lines.get(i) else { continue };
            let reason = double_payout(
                line,
                &[reference],
                &by_ref,
                &settled_by_ref,
                payments,
                progress,
            )
            .unwrap_or_else(|| UnmatchedReason::ReferenceAmountDiffers {
                case_ids: case_ids.clone(),
            });
            progress.explain(i, reason);
        }
    }
}

/// When `line` pays, for one of `references`, exactly the amount of a payment already
/// confirmed (by an earlier statement, or by another line of this run): a likely double
/// payout.
fn double_payout(
    line: &StatementLine,
    references: &[&str],
    by_ref: &HashMap<&str, Vec<usize>>,
    settled_by_ref: &HashMap<&str, Vec<usize>>,
    payments: &[CandidatePayment],
    progress: &Progress<'_>,
) -> Option<UnmatchedReason> {
    let mut case_ids = Vec::new();
    let mut payment_ids = Vec::new();
    let mut see = |p: &CandidatePayment| {
        if p.amount == line.amount && !p.amount.is_zero() {
            if !case_ids.contains(&p.case_id) {
                case_ids.push(p.case_id);
            }
            if !payment_ids.contains(&p.id) {
                payment_ids.push(p.id);
            }
        }
    };
    for r in references {
        for &j in by_ref.get(r).into_iter().flatten() {
            if progress.payment_done.get(j).copied().unwrap_or(false)
                && let Some(p) = payments.get(j)
            {
                see(p);
            }
        }
        for &j in settled_by_ref.get(r).into_iter().flatten() {
            if let Some(p) = progress.settled.get(j) {
                see(p);
            }
        }
    }
    (!payment_ids.is_empty()).then_some(UnmatchedReason::PossibleDoublePayout {
        case_ids,
        payment_ids,
    })
}

/// Several lines naming one case: together they may pay one or more of its payments. Returns
/// the lines left unmatched, for the caller to explain.
#[expect(clippy::too_many_arguments, reason = "one private step of the pass")]
fn split_lines(
    lines: &[StatementLine],
    payments: &[CandidatePayment],
    by_ref: &HashMap<&str, Vec<usize>>,
    reference: &str,
    positive: bool,
    line_ix: &[usize],
    window: i64,
    progress: &mut Progress<'_>,
) -> Vec<usize> {
    let open: Vec<usize> = by_ref
        .get(reference)
        .into_iter()
        .flatten()
        .copied()
        .filter(|&j| {
            !progress.payment_done.get(j).copied().unwrap_or(true)
                && payments
                    .get(j)
                    .is_some_and(|p| p.amount.is_negative() != positive && !p.amount.is_zero())
        })
        .collect();
    let line_amount = |i: usize| lines.get(i).map_or(0, |l| l.amount.dong().saturating_abs());
    let pay_amount = |j: usize| {
        payments
            .get(j)
            .map_or(0, |p| p.amount.dong().saturating_abs())
    };
    let mut left: Vec<usize> = line_ix.to_vec();
    let total_lines = left
        .iter()
        .fold(0i64, |s, &i| s.saturating_add(line_amount(i)));
    let total_open = open
        .iter()
        .fold(0i64, |s, &j| s.saturating_add(pay_amount(j)));
    if !open.is_empty() && left.len() > 1 && total_lines == total_open {
        take_group(lines, payments, &left, &open, window, progress);
        return Vec::new();
    }
    for &j in &open {
        if left.len() < 2 {
            break;
        }
        let amounts: Vec<i64> = left.iter().map(|&i| line_amount(i)).collect();
        if let Some(pick) = subset_summing(&amounts, pay_amount(j), |s| s.len() > 1) {
            let group: Vec<usize> = pick.iter().filter_map(|&k| left.get(k).copied()).collect();
            take_group(lines, payments, &group, &[j], window, progress);
            left.retain(|i| !group.contains(i));
        }
    }
    left
}

fn take_group(
    lines: &[StatementLine],
    payments: &[CandidatePayment],
    li: &[usize],
    pi: &[usize],
    window: i64,
    progress: &mut Progress<'_>,
) {
    let worst = li
        .iter()
        .filter_map(|&i| lines.get(i))
        .flat_map(|l| {
            pi.iter()
                .filter_map(|&j| payments.get(j))
                .map(|p| days_apart(l.date, p.date))
        })
        .max_by_key(|d| d.abs())
        .unwrap_or(0);
    let mut reasons = vec!["reference".to_owned()];
    reasons.push(if pi.len() == 1 {
        format!("amount = {} lines", li.len())
    } else {
        format!("amount = {} lines = {} payments", li.len(), pi.len())
    });
    reasons.push(date_reason(worst));
    let score = if worst.abs() <= window { 100 } else { 90 };
    progress.take(li, pi, MatchMethod::Reference, score, reasons);
}

/// The payments among `candidates` that `line` pays: one of its amount (closest date),
/// or a set adding up to it, covering every referenced case where possible.
fn choose(
    line: &StatementLine,
    candidates: &[usize],
    payments: &[CandidatePayment],
    known: &[&str],
) -> Option<Vec<usize>> {
    let exact = || {
        candidates
            .iter()
            .copied()
            .filter(|&j| payments.get(j).is_some_and(|p| p.amount == line.amount))
            .min_by_key(|&j| {
                payments
                    .get(j)
                    .map_or(i64::MAX, |p| days_apart(line.date, p.date).abs())
            })
            .map(|j| vec![j])
    };
    let covers_all = |set: &[usize]| {
        known.iter().all(|r| {
            set.iter().any(|&k| {
                candidates
                    .get(k)
                    .and_then(|&j| payments.get(j))
                    .is_some_and(|p| p.payment_reference.as_str() == *r)
            })
        })
    };
    let subset = |require_cover: bool| {
        let amounts: Vec<i64> = candidates
            .iter()
            .map(|&j| {
                payments
                    .get(j)
                    .map_or(0, |p| p.amount.dong().saturating_abs())
            })
            .collect();
        let pick = subset_summing(&amounts, line.amount.dong().saturating_abs(), |s| {
            s.len() > 1 && (!require_cover || covers_all(s))
        })?;
        let set: Vec<usize> = pick
            .iter()
            .filter_map(|&k| candidates.get(k).copied())
            .collect();
        (set.len() > 1 && (!require_cover || covers_all(&pick))).then_some(set)
    };
    if known.len() == 1 {
        exact().or_else(|| subset(false))
    } else {
        // A line quoting several references pays all of them or is left unmatched with a
        // reason naming every one: never silently only the first.
        subset(true)
    }
}

fn reasons_one_line(
    line: &StatementLine,
    chosen: &[usize],
    payments: &[CandidatePayment],
    references: usize,
) -> Vec<String> {
    let mut reasons = Vec::with_capacity(5);
    reasons.push(if references == 1 {
        "reference".to_owned()
    } else {
        format!("references {references}")
    });
    let worst = chosen
        .iter()
        .filter_map(|&j| payments.get(j))
        .map(|p| days_apart(line.date, p.date))
        .max_by_key(|d| d.abs())
        .unwrap_or(0);
    match chosen {
        [j] => {
            reasons.push("amount".to_owned());
            if let Some(p) = payments.get(*j) {
                let same_account = match (&line.account_no, &p.person_account) {
                    (Some(a), Some(b)) => {
                        let a = names::normalize_account(a);
                        !a.is_empty() && a == names::normalize_account(b)
                    }
                    _ => false,
                };
                if same_account {
                    reasons.push("account".to_owned());
                }
                if let Some(name) = line.counterparty.as_deref() {
                    let sim =
                        names::token_similarity(&name_tokens(name), &name_tokens(&p.person_name));
                    reasons.push(format!("name {sim:.2}"));
                }
            }
        }
        _ => reasons.push(format!("amount = {} payments", chosen.len())),
    }
    reasons.push(date_reason(worst));
    reasons
}

fn score(line: &StatementLine, chosen: &[usize], payments: &[CandidatePayment], window: i64) -> u8 {
    let outside = chosen
        .iter()
        .filter_map(|&j| payments.get(j))
        .any(|p| days_apart(line.date, p.date).abs() > window);
    if outside { 90 } else { 100 }
}

fn cases_of(
    refs: &[&str],
    by_ref: &HashMap<&str, Vec<usize>>,
    payments: &[CandidatePayment],
) -> Vec<CaseId> {
    let mut out: Vec<CaseId> = Vec::new();
    for r in refs {
        let case = by_ref
            .get(r)
            .and_then(|v| v.first())
            .and_then(|&j| payments.get(j))
            .map(|p| p.case_id);
        if let Some(c) = case
            && !out.contains(&c)
        {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_every_reference_once() {
        let a = PaymentReference::new(1, 1);
        let b = PaymentReference::new(1, 2);
        let text = format!(
            "CHI ND178 {a}; {b}, {a} x SP12 {}",
            a.as_str().to_lowercase()
        );
        assert_eq!(references_in(&text), [a.clone(), b]);
        assert!(references_in("no reference").is_empty());
        // A longer digit run that fails its check digits is not a reference, and a valid one
        // after it is still found.
        let text = format!("{}9 {a}", a.as_str());
        assert_eq!(references_in(&text), [a]);
    }

    #[test]
    fn subsets_prefer_the_accepted_one() {
        assert_eq!(subset_summing(&[5, 3, 2], 5, |_| true), Some(vec![0]));
        assert_eq!(
            subset_summing(&[5, 3, 2], 5, |s| s.len() > 1),
            Some(vec![1, 2])
        );
        assert_eq!(subset_summing(&[5, 3, 2], 11, |_| true), None);
        assert_eq!(subset_summing(&[5], 0, |_| true), None);
        assert_eq!(
            subset_summing(&[i64::MAX, i64::MAX], i64::MAX, |_| true),
            Some(vec![0])
        );
        // Bounded on hopeless inputs.
        let many = vec![2i64; 200];
        assert_eq!(subset_summing(&many, 1001, |_| true), None);
    }
}
