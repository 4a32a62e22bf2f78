//! Comparing a person's name with a beneficiary name printed by a bank, and account numbers
//! as banks print them.
//!
//! Banks print names in capitals without diacritics, sometimes cut short, sometimes with the
//! given name first. Both names are folded ([`name_tokens`]: diacritics removed, lower case,
//! punctuation dropped) and compared word by word: the words of the two names are paired
//! one to one, most similar pairs first (Jaro–Winkler, `strsim`); each pair counts its
//! similarity squared, an unpaired word counts 0, and the score is the mean over the words of
//! both names.
//!
//! - Word order does not matter (`BINH TRAN VAN` = `Trần Văn Bình`).
//! - A cut-short or mistyped word costs little (`TUY` for `Tuyết`: 0.96 for the name;
//!   `HUNH` for `Hùng`: 0.93).
//! - A different given name costs a whole word even when the family and middle names are the
//!   same (`Nguyễn Văn An` / `NGUYEN VAN BAO`: 0.67), and so does a missing or extra word.
//!   Whole-string Jaro–Winkler would score such pairs above 0.9 on the shared prefix; squaring
//!   keeps short names that merely share letters (`Hoa` / `HONG`: 0.78 → 0.61) below the
//!   default threshold.

use crate::domain::text::name_tokens;

/// Similarity of two names, 0 (nothing alike) to 1 (the same words).
pub fn name_similarity(a: &str, b: &str) -> f64 {
    token_similarity(&name_tokens(a), &name_tokens(b))
}

/// Words of a name compared; the rest (a description pasted into the name column) is ignored.
const MAX_WORDS: usize = 12;

/// Similarity of two names already split into folded words.
pub(crate) fn token_similarity(a: &[String], b: &[String]) -> f64 {
    let a = a.get(..a.len().min(MAX_WORDS)).unwrap_or(a);
    let b = b.get(..b.len().min(MAX_WORDS)).unwrap_or(b);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let token_set = paired(a, b);
    if a.len() == 1 || b.len() == 1 {
        // One side written as one word ("NGUYENVANA"): compare the letters as a whole too.
        let joined = strsim::jaro_winkler(&a.concat(), &b.concat());
        return token_set.max(joined * joined);
    }
    token_set
}

/// The one-to-one pairing score described in the module documentation.
fn paired(a: &[String], b: &[String]) -> f64 {
    let mut pairs: Vec<(f64, usize, usize)> = Vec::with_capacity(a.len() * b.len());
    for (i, w) in a.iter().enumerate() {
        for (j, u) in b.iter().enumerate() {
            pairs.push((strsim::jaro_winkler(w, u), i, j));
        }
    }
    pairs.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)).then(x.2.cmp(&y.2)));
    let mut used_a = vec![false; a.len()];
    let mut used_b = vec![false; b.len()];
    let mut total = 0.0;
    for (sim, i, j) in pairs {
        let free =
            !used_a.get(i).copied().unwrap_or(true) && !used_b.get(j).copied().unwrap_or(true);
        if free {
            used_a[i] = true;
            used_b[j] = true;
            total += 2.0 * sim * sim;
        }
    }
    let words = u32::try_from(a.len() + b.len()).unwrap_or(u32::MAX);
    total / f64::from(words)
}

/// An account number as a matching key: letters and digits only, upper case
/// (`0011 0040-12345` → `0011004012345`). Empty when nothing is left.
pub fn normalize_account(account: &str) -> String {
    account
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Person's name, bank's spelling, expected similarity (two decimals), and whether the
    /// default threshold of 0.90 accepts it.
    #[test]
    fn similarities_of_typical_pairs() {
        let cases = [
            ("Nguyễn Thị Ánh Tuyết", "NGUYEN THI ANH TUYET", 1.00, true),
            ("Nguyễn Thị Ánh Tuyết", "nguyen  thi anh-tuyet", 1.00, true),
            ("Trần Văn Bình", "BINH TRAN VAN", 1.00, true),
            ("Nguyễn Văn A", "NGUYENVANA", 1.00, true),
            ("Nguyễn Thị Ánh Tuyết", "NGUYEN THI ANH TUY", 0.96, true),
            ("Nguyễn Thị Hoa", "NGUYEN THI HOAN", 0.96, true),
            ("Lê Văn Hùng", "LE VAN HUNH", 0.93, true),
            ("Nguyễn Thị Ánh Tuyết", "NGUYEN THI ANH T", 0.89, false),
            ("Nguyễn Thị Hoa", "NGUYEN THI HONG", 0.87, false),
            ("Phạm Minh Tuấn", "PHAM MINH TUAN ANH", 0.86, false),
            ("Nguyễn Văn A", "NGUYEN A", 0.80, false),
            ("Phạm Minh Tuấn", "PHAM VAN TUAN", 0.76, false),
            ("Nguyễn Văn An", "NGUYEN VAN BAO", 0.67, false),
            ("Lê Văn Hùng", "PHAM THI MAI", 0.20, false),
        ];
        for (person, bank, expected, accepted) in cases {
            let sim = name_similarity(person, bank);
            assert!((sim - expected).abs() < 0.005, "{person} / {bank}: {sim}");
            assert_eq!(sim >= 0.90, accepted, "{person} / {bank}: {sim}");
            assert_eq!(sim, name_similarity(bank, person), "symmetric");
        }
    }

    #[test]
    fn long_names_are_cut_not_slow() {
        let long = "a ".repeat(10_000);
        assert!(name_similarity(&long, &long) > 0.99);
    }

    #[test]
    fn empty_names_are_not_similar() {
        assert_eq!(name_similarity("", "NGUYEN VAN A"), 0.0);
        assert_eq!(name_similarity(" - ", ""), 0.0);
    }

    #[test]
    fn accounts_keep_letters_and_digits() {
        assert_eq!(normalize_account(" 0011 0040-12345 "), "0011004012345");
        assert_eq!(normalize_account("vcb.1903"), "VCB1903");
        assert_eq!(normalize_account("--"), "");
    }
}
