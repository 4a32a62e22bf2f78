//! The two ways a calendar date is written: `dd/mm/yyyy` for people (pages, workbooks,
//! messages) and `YYYY-MM-DD` for contracts and storage (the engine's input and output, the
//! pinned documents). These run several times per roster row, so they write the digits
//! themselves instead of interpreting a chrono format string each time; a year outside
//! 0–9999 (never a real roster date) goes through chrono, so the text is always chrono's.

use chrono::{Datelike, NaiveDate};

/// Appends `n` as exactly `width` decimal digits (zero-padded; higher digits dropped).
pub fn push_digits(out: &mut String, n: u32, width: u32) {
    for p in (0..width).rev() {
        let digit = (n / 10u32.pow(p)) % 10;
        out.push(char::from(b'0' + digit as u8));
    }
}

fn plain_year(d: NaiveDate) -> Option<u32> {
    u32::try_from(d.year()).ok().filter(|y| *y <= 9999)
}

/// `YYYY-MM-DD`, as chrono's `%Y-%m-%d`.
pub fn iso(d: NaiveDate) -> String {
    let Some(year) = plain_year(d) else {
        return d.format("%Y-%m-%d").to_string();
    };
    let mut out = String::with_capacity(10);
    push_digits(&mut out, year, 4);
    out.push('-');
    push_digits(&mut out, d.month(), 2);
    out.push('-');
    push_digits(&mut out, d.day(), 2);
    out
}

/// `dd/mm/yyyy`, as chrono's `%d/%m/%Y`.
pub fn dmy(d: NaiveDate) -> String {
    let Some(year) = plain_year(d) else {
        return d.format("%d/%m/%Y").to_string();
    };
    let mut out = String::with_capacity(10);
    push_digits(&mut out, d.day(), 2);
    out.push('/');
    push_digits(&mut out, d.month(), 2);
    out.push('/');
    push_digits(&mut out, year, 4);
    out
}

/// Reads `YYYY-MM-DD` as chrono's `%Y-%m-%d` does: eight digits in that shape directly, any
/// other text through chrono (so signs, spaces and the like are judged exactly as before).
pub fn parse_iso(text: &str) -> Option<NaiveDate> {
    let b = text.as_bytes();
    let digits_at = |range: std::ops::Range<usize>| -> Option<u32> {
        let part = b.get(range)?;
        part.iter()
            .all(u8::is_ascii_digit)
            .then(|| part.iter().fold(0, |n, c| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && let (Some(y), Some(m), Some(d)) = (digits_at(0..4), digits_at(5..7), digits_at(8..10))
    {
        return NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
    }
    NaiveDate::parse_from_str(text, "%Y-%m-%d").ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_texts_are_chronos() {
        let mut d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap();
        let samples = (0..4000).map(|_| {
            d = d + chrono::Days::new(997);
            d
        });
        let edges = [
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(0, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(-5, 3, 4).unwrap(),
            NaiveDate::from_ymd_opt(12345, 6, 7).unwrap(),
            NaiveDate::from_ymd_opt(2024, 2, 29).unwrap(),
        ];
        for d in samples.chain(edges) {
            assert_eq!(iso(d), d.format("%Y-%m-%d").to_string());
            assert_eq!(dmy(d), d.format("%d/%m/%Y").to_string());
            assert_eq!(parse_iso(&iso(d)), Some(d), "{d}");
        }
    }

    #[test]
    fn reading_agrees_with_chrono_on_odd_text() {
        for text in [
            "2025-02-29",
            "2024-02-29",
            "2025-13-01",
            "2025-00-10",
            "2025-1-01",
            "2025-01-1",
            "+2025-01-01",
            "2025-01-01 ",
            " 2025-01-01",
            "2025/01/01",
            "abcd-ef-gh",
            "",
            "0000-01-01",
            "2025-+1-01",
            "2025- 1-01",
        ] {
            assert_eq!(
                parse_iso(text),
                NaiveDate::parse_from_str(text, "%Y-%m-%d").ok(),
                "{text:?}"
            );
        }
    }
}
