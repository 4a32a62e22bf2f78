//! Statement lines imported twice: a line with the same account, date, amount, bank
//! reference and sequence number as another is a duplicate (an overlapping statement, or
//! the same file under another name).
//!
//! Where a statement has neither bank references nor sequence numbers, two transfers of the
//! same amount to the same account on the same day cannot be told apart and the second is
//! reported as a duplicate, for a person to confirm.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use serde::Serialize;

use super::StatementLine;
use super::names::normalize_account;
use crate::domain::ids::StatementLineId;
use crate::domain::money::Vnd;

/// What makes a statement line the same as another.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LineKey {
    account: String,
    date: NaiveDate,
    amount: Vnd,
    reference: String,
    sequence: String,
}

impl LineKey {
    /// The key of a line's parts: the account as [`normalize_account`], the reference upper
    /// case with spaces removed, the sequence trimmed (a missing value is empty).
    pub fn new(
        account: Option<&str>,
        date: NaiveDate,
        amount: Vnd,
        reference: Option<&str>,
        sequence: Option<&str>,
    ) -> Self {
        let compact = |t: Option<&str>| {
            t.unwrap_or("")
                .chars()
                .filter(|c| !c.is_whitespace())
                .flat_map(char::to_uppercase)
                .collect::<String>()
        };
        LineKey {
            account: account.map(normalize_account).unwrap_or_default(),
            date,
            amount,
            reference: compact(reference),
            sequence: compact(sequence),
        }
    }

    /// The key of a stored line.
    pub fn of(line: &StatementLine) -> Self {
        LineKey::new(
            line.account_no.as_deref(),
            line.date,
            line.amount,
            line.bank_reference.as_deref(),
            line.sequence.as_deref(),
        )
    }

    /// The key as one text, for a unique column in storage:
    /// `account|yyyy-mm-dd|amount|reference|sequence`.
    pub fn fingerprint(&self) -> String {
        format!(
            "{}|{}|{}|{}|{}",
            self.account,
            self.date,
            self.amount.dong(),
            self.reference.replace('|', "/"),
            self.sequence.replace('|', "/")
        )
    }
}

/// What a duplicate line repeats.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateOf {
    /// An earlier line of the same batch.
    Line(StatementLineId),
    /// A line imported before.
    Stored,
}

/// A line that repeats another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub struct DuplicateLine {
    /// The repeating line.
    pub line_id: StatementLineId,
    /// What it repeats.
    pub of: DuplicateOf,
}

/// Lines of `lines` that repeat a line imported before (`stored`) or an earlier line of the
/// batch; the first occurrence is kept.
pub fn find_duplicates(lines: &[StatementLine], stored: &HashSet<LineKey>) -> Vec<DuplicateLine> {
    let mut seen: HashMap<LineKey, StatementLineId> = HashMap::with_capacity(lines.len());
    let mut out = Vec::new();
    for line in lines {
        let key = LineKey::of(line);
        if stored.contains(&key) {
            out.push(DuplicateLine {
                line_id: line.id,
                of: DuplicateOf::Stored,
            });
        } else if let Some(first) = seen.get(&key) {
            out.push(DuplicateLine {
                line_id: line.id,
                of: DuplicateOf::Line(*first),
            });
        } else {
            seen.insert(key, line.id);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(
        id: i64,
        account: &str,
        day: u32,
        amount: i64,
        reference: &str,
        seq: &str,
    ) -> StatementLine {
        StatementLine {
            id: StatementLineId(id),
            date: NaiveDate::from_ymd_opt(2025, 7, day).unwrap(),
            amount: Vnd::new(amount),
            account_no: Some(account.into()),
            counterparty: None,
            description: String::new(),
            bank_reference: (!reference.is_empty()).then(|| reference.into()),
            sequence: (!seq.is_empty()).then(|| seq.into()),
        }
    }

    #[test]
    fn the_same_line_twice_is_a_duplicate() {
        let lines = [
            line(1, "0011 004", 15, 5_000_000, "FT1", "1"),
            line(2, "0011004", 15, 5_000_000, "ft1", " 1 "),
            line(3, "0011004", 15, 5_000_000, "FT1", "2"),
            line(4, "0011004", 16, 5_000_000, "FT1", "1"),
            line(5, "0011004", 15, 5_000_001, "FT1", "1"),
            line(6, "0011005", 15, 5_000_000, "FT1", "1"),
            line(7, "0011004", 15, 5_000_000, "FT2", "1"),
            line(8, "0011004", 15, -5_000_000, "FT1", "1"),
        ];
        let dups = find_duplicates(&lines, &HashSet::new());
        assert_eq!(
            dups,
            [DuplicateLine {
                line_id: StatementLineId(2),
                of: DuplicateOf::Line(StatementLineId(1))
            }]
        );
    }

    #[test]
    fn lines_imported_before_are_duplicates() {
        let old = line(1, "0011004", 15, 5_000_000, "FT1", "1");
        let stored: HashSet<LineKey> = [LineKey::of(&old)].into_iter().collect();
        let new = [line(9, "0011-004", 15, 5_000_000, "FT1", "1")];
        assert_eq!(
            find_duplicates(&new, &stored),
            [DuplicateLine {
                line_id: StatementLineId(9),
                of: DuplicateOf::Stored
            }]
        );
    }

    #[test]
    fn fingerprints_are_stable_text() {
        let k = LineKey::new(
            Some("0011 004"),
            NaiveDate::from_ymd_opt(2025, 7, 15).unwrap(),
            Vnd::new(5),
            Some("ft|1"),
            None,
        );
        assert_eq!(k.fingerprint(), "0011004|2025-07-15|5|FT/1|");
    }
}
