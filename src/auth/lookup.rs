//! Lookup codes: what a departing person types, with their national id, to see their case.
//! Twelve characters from an alphabet without look-alikes (no 0/O, 1/I), 60 random bits,
//! printed as `ABCD-EFGH-JKLM`; stored only as a keyed hash (like tokens). Issuing a new code
//! replaces the old one, which stops working.

use rand::Rng;

const ALPHABET: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ23456789";
const LEN: usize = 12;

/// A fresh random code, grouped for printing.
pub fn generate() -> String {
    let mut rng = rand::rng();
    let raw: String = (0..LEN)
        .map(|_| char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]))
        .collect();
    format!("{}-{}-{}", &raw[0..4], &raw[4..8], &raw[8..12])
}

/// A typed code reduced to its characters (case, spaces and dashes ignored); `None` when it
/// cannot be a code (so nothing is looked up).
pub fn normalize(typed: &str) -> Option<String> {
    let s: String = typed
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (s.len() == LEN && s.bytes().all(|b| ALPHABET.contains(&b))).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_grouped_random_and_normalise_back() {
        let a = generate();
        let b = generate();
        assert_ne!(a, b);
        assert_eq!(a.len(), 14);
        let n = normalize(&a.to_lowercase().replace('-', " ")).unwrap();
        assert_eq!(n, a.replace('-', ""));
        assert_eq!(
            normalize("ABCD-EFGH-JKL0"),
            None,
            "0 is not in the alphabet"
        );
        assert_eq!(normalize("short"), None);
    }
}
