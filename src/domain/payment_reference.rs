//! Payment references: what an agency writes in the transfer description so that the
//! statement matcher can find the case again.
//!
//! Form: `SP` + the import number + a 6-digit sequence within that import + 2 check digits
//! (ISO 7064 MOD 97-10, as in IBAN), e.g. `SP00001200004753`. Unique by construction (no retry
//! on collision), digits only after the prefix so that banks do not mangle it, and any single
//! wrong digit or swap of two adjacent digits fails the check.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

const PREFIX: &str = "SP";

/// A checked payment reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PaymentReference(String);

/// Why a text is not a payment reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ReferenceError {
    #[error("a payment reference starts with SP followed by digits")]
    Format,
    #[error("the check digits of the payment reference do not match")]
    Checksum,
}

fn check_digits(body: &str) -> u32 {
    // n * 100 mod 97, computed digit by digit; body holds only ASCII digits.
    let rem = body
        .bytes()
        .chain(*b"00")
        .fold(0u32, |acc, b| (acc * 10 + u32::from(b - b'0')) % 97);
    98 - rem
}

impl PaymentReference {
    /// The reference of the `sequence`-th case created by import number `import_id`.
    pub fn new(import_id: i64, sequence: u32) -> Self {
        let body = format!("{:06}{:06}", import_id.max(0), sequence % 1_000_000);
        let check = check_digits(&body);
        PaymentReference(format!("{PREFIX}{body}{check:02}"))
    }

    /// Reads a reference from text as people type it or banks print it: case, spaces, dots
    /// and dashes are ignored.
    pub fn parse(raw: &str) -> Result<Self, ReferenceError> {
        let cleaned: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-' && *c != '.')
            .collect::<String>()
            .to_ascii_uppercase();
        let digits = cleaned.strip_prefix(PREFIX).ok_or(ReferenceError::Format)?;
        if digits.len() < 14 || digits.len() > 24 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(ReferenceError::Format);
        }
        let (body, check) = digits.split_at(digits.len() - 2);
        if check.parse::<u32>().ok() != Some(check_digits(body)) {
            return Err(ReferenceError::Checksum);
        }
        Ok(PaymentReference(format!("{PREFIX}{digits}")))
    }

    /// Finds the first valid reference inside a free-text transfer description.
    pub fn find_in(text: &str) -> Option<Self> {
        let upper = text.to_ascii_uppercase();
        let bytes = upper.as_bytes();
        let mut start = 0;
        while let Some(pos) = upper[start..].find(PREFIX) {
            let from = start + pos;
            let end = bytes[from + 2..]
                .iter()
                .position(|b| !b.is_ascii_digit())
                .map_or(bytes.len(), |p| from + 2 + p);
            if let Ok(found) = PaymentReference::parse(&upper[from..end]) {
                return Some(found);
            }
            start = from + 2;
        }
        None
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PaymentReference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for PaymentReference {
    type Err = ReferenceError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        PaymentReference::parse(s)
    }
}

impl TryFrom<String> for PaymentReference {
    type Error = ReferenceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        PaymentReference::parse(&value)
    }
}

impl From<PaymentReference> for String {
    fn from(r: PaymentReference) -> String {
        r.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn round_trips_and_tolerates_typing() {
        let r = PaymentReference::new(12, 475);
        assert_eq!(r.as_str().len(), 16);
        assert_eq!(PaymentReference::parse(r.as_str()).unwrap(), r);
        let spaced = format!("sp {}-{}", &r.as_str()[2..8], &r.as_str()[8..]);
        assert_eq!(PaymentReference::parse(&spaced).unwrap(), r);
        assert_eq!(
            PaymentReference::parse("XX123"),
            Err(ReferenceError::Format)
        );
    }

    #[test]
    fn found_in_a_transfer_description() {
        let r = PaymentReference::new(3, 9);
        let text = format!("CHI TRO CAP ND178 {} NGUYEN VAN A", r);
        assert_eq!(PaymentReference::find_in(&text), Some(r));
        assert_eq!(PaymentReference::find_in("SP12 nothing here"), None);
    }

    proptest! {
        #[test]
        fn any_single_digit_error_is_caught(import in 0i64..999_999, seq in 0u32..999_999, pos in 2usize..16, delta in 1u8..10) {
            let r = PaymentReference::new(import, seq);
            let mut bytes = r.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert!(PaymentReference::parse(&typo).is_err());
        }

        #[test]
        fn adjacent_swaps_are_caught(import in 0i64..999_999, seq in 0u32..999_999, pos in 2usize..15) {
            let r = PaymentReference::new(import, seq);
            let mut bytes = r.as_str().as_bytes().to_vec();
            prop_assume!(bytes[pos] != bytes[pos + 1]);
            bytes.swap(pos, pos + 1);
            let typo = String::from_utf8(bytes).unwrap();
            prop_assert!(PaymentReference::parse(&typo).is_err());
        }
    }
}
