//! Recognising column headers by meaning, for every list (roster, payment list, statement).
//!
//! A list declares its columns as a [`ColumnSet`]: a table of [`ColumnSpec`]s with a field
//! key, the template headers and aliases. A header found in a file is recognised in three
//! steps, strongest first:
//!
//! 1. **mapped**: the caller named the column (`--map 'account=STK hưởng'`, the upload page's
//!    mapping step, a saved mapping profile) — see [`Recognizer::with_mapping`];
//! 2. **exact**: its folded text (case, spacing, punctuation, diacritics and a bracketed unit
//!    ignored) is a template header or an alias, once abbreviations are spelled out (`STK` →
//!    `số tài khoản`, `TK`, `SĐT`, `CCCD`, `ND`, `CK`, `GD`, `NH`) and word order ignored;
//! 3. **by meaning**: every word of some alias (of two words or more) occurs in the header,
//!    whatever else it says ("Số tài khoản **hưởng**", "**STK** người hưởng", "TK nhận",
//!    "Số tiền ghi nợ (VND)"); the alias with the most words wins. Two columns tied for the
//!    most words make the header **ambiguous**: it is reported, never guessed.
//!
//! Headers longer than [`MAX_MEANING_WORDS`] words are not matched by meaning (a title or a
//! sentence above the table is not a column header).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::OnceLock;

use super::error::{ListKind, ReadError};
use super::grid::Grid;
use super::header::{self, HeaderColumn, HeaderLayout, Recognition, Strength};
use crate::domain::text::{fold_key, strip_brackets};

/// Longest header (in words, abbreviations spelled out) matched by meaning.
pub const MAX_MEANING_WORDS: usize = 12;

/// One canonical column of a list: its field key, template headers and accepted aliases.
#[derive(Clone, Copy, Debug)]
pub struct ColumnSpec<C: 'static> {
    /// The column.
    pub column: C,
    /// Field key, as `--map KEY=HEADER` names it (`account`, `amount`, `full_name`, ...).
    pub key: &'static str,
    /// Template header in Vietnamese.
    pub vi: &'static str,
    /// Template header in English.
    pub en: &'static str,
    /// Further accepted headers.
    pub aliases: &'static [&'static str],
}

/// The columns of one kind of list.
pub trait ColumnSet: HeaderColumn + Hash + Eq + 'static {
    /// Every column with its headers, in template order.
    const SPECS: &'static [ColumnSpec<Self>];

    /// Which list this is (names its template in refusals).
    const LIST: ListKind;

    /// The header index, built once (`OnceLock` static of the implementor).
    fn index() -> &'static OnceLock<HeaderIndex<Self>>;

    /// The column's spec.
    fn spec(self) -> &'static ColumnSpec<Self> {
        Self::SPECS
            .get(self.position())
            .filter(|s| s.column == self)
            .or_else(|| Self::SPECS.iter().find(|s| s.column == self))
            .unwrap_or(&Self::SPECS[0])
    }

    /// The column's Vietnamese template header.
    fn header_vi(self) -> &'static str {
        self.spec().vi
    }

    /// The column's English template header.
    fn header_en(self) -> &'static str {
        self.spec().en
    }

    /// The column's field key.
    fn key(self) -> &'static str {
        self.spec().key
    }

    /// Position in [`ColumnSet::SPECS`] (template order): the enum's discriminant, since
    /// every set lists its variants in declaration order (checked by each set's tests with
    /// [`specs_in_order`]). Row readers index their columns by it.
    fn position(self) -> usize;
}

/// Whether every column of `C` sits in [`ColumnSet::SPECS`] at its own
/// [`ColumnSet::position`] (what the array-indexed row reader relies on).
pub fn specs_in_order<C: ColumnSet>() -> bool {
    C::SPECS
        .iter()
        .enumerate()
        .all(|(i, spec)| spec.column.position() == i)
}

/// Abbreviations in headers, spelled out (folded words).
const ABBREVIATIONS: &[(&str, &str)] = &[
    ("stk", "so tai khoan"),
    ("tk", "tai khoan"),
    ("sotk", "so tai khoan"),
    ("sdt", "so dien thoai"),
    ("cccd", "can cuoc cong dan"),
    ("cmnd", "chung minh nhan dan"),
    ("nd", "noi dung"),
    ("ck", "chuyen khoan"),
    ("gd", "giao dich"),
    ("nh", "ngan hang"),
    ("sl", "so luong"),
    ("ps", "phat sinh"),
    ("dv", "don vi"),
    ("bhxh", "bao hiem xa hoi"),
    ("kbnn", "kho bac nha nuoc"),
    ("vnd", ""),
    ("vnđ", ""),
    ("d", ""),
    ("cua", ""),
];

/// The words of a header: folded, bracketed units dropped, abbreviations spelled out, filler
/// (`của`, currency words) dropped.
pub fn header_words(text: &str) -> Vec<String> {
    let folded = fold_key(&strip_brackets(text));
    let folded = if folded.is_empty() {
        fold_key(text)
    } else {
        folded
    };
    let mut words = Vec::new();
    for word in folded.split(' ').filter(|w| !w.is_empty()) {
        match ABBREVIATIONS.iter().find(|(a, _)| *a == word) {
            Some((_, spelled)) => words.extend(
                spelled
                    .split(' ')
                    .filter(|w| !w.is_empty())
                    .map(str::to_owned),
            ),
            None => words.push(word.to_owned()),
        }
    }
    words
}

fn sorted(mut words: Vec<String>) -> Vec<String> {
    words.sort();
    words
}

/// Every header of a column set, indexed for recognition.
#[derive(Debug)]
pub struct HeaderIndex<C> {
    /// Folded text (and folded text without brackets) → column.
    exact: HashMap<String, C>,
    /// Sorted words of each name → column (word order ignored).
    bags: HashMap<Vec<String>, C>,
    /// Each name of two words or more: its distinct words (sorted), its words in order, and
    /// its column.
    phrases: Vec<(Vec<String>, Vec<String>, C)>,
}

impl<C: ColumnSet> HeaderIndex<C> {
    fn build() -> Self {
        let mut exact = HashMap::new();
        let mut bags = HashMap::new();
        let mut phrases = Vec::new();
        for spec in C::SPECS {
            let names = [spec.vi, spec.en]
                .into_iter()
                .chain(spec.aliases.iter().copied());
            for name in names {
                for key in [fold_key(name), fold_key(&strip_brackets(name))] {
                    if !key.is_empty() {
                        exact.entry(key).or_insert(spec.column);
                    }
                }
                let words = header_words(name);
                if words.is_empty() {
                    continue;
                }
                bags.entry(sorted(words.clone())).or_insert(spec.column);
                let mut distinct = sorted(words.clone());
                distinct.dedup();
                if distinct.len() >= 2 {
                    phrases.push((distinct, words, spec.column));
                }
            }
        }
        HeaderIndex {
            exact,
            bags,
            phrases,
        }
    }

    /// The index of `C`.
    pub fn of() -> &'static HeaderIndex<C> {
        C::index().get_or_init(Self::build)
    }

    /// What `text` names, without a caller's mapping.
    pub fn recognize(&self, text: &str) -> Recognition<C> {
        let key = fold_key(text);
        if key.is_empty() {
            return Recognition::Unknown;
        }
        if let Some(&c) = self
            .exact
            .get(&key)
            .or_else(|| self.exact.get(&fold_key(&strip_brackets(text))))
        {
            return Recognition::Column(c, Strength::Exact);
        }
        let words = header_words(text);
        if words.is_empty() {
            return Recognition::Unknown;
        }
        if let Some(&c) = self.bags.get(&sorted(words.clone())) {
            return Recognition::Column(c, Strength::Exact);
        }
        if words.len() > MAX_MEANING_WORDS {
            return Recognition::Unknown;
        }
        let mut best = 0usize;
        // (column, whether its phrase opens the header)
        let mut found: Vec<(C, bool)> = Vec::new();
        for (phrase, in_order, column) in &self.phrases {
            if phrase.len() < best || !phrase.iter().all(|w| words.contains(w)) {
                continue;
            }
            if phrase.len() > best {
                best = phrase.len();
                found.clear();
            }
            let opens = words.starts_with(in_order);
            match found.iter_mut().find(|(c, _)| c == column) {
                Some((_, o)) => *o |= opens,
                None => found.push((*column, opens)),
            }
        }
        // A tie goes to the one phrase that opens the header: Vietnamese noun phrases put
        // their head first ("Ngày chi cho người hưởng" is a date, "Tài khoản người nhận" an
        // account).
        let openers: Vec<C> = found.iter().filter(|(_, o)| *o).map(|(c, _)| *c).collect();
        match (found.as_slice(), openers.as_slice()) {
            ([], _) => Recognition::Unknown,
            ([(one, _)], _) | (_, [one]) => Recognition::Column(*one, Strength::Meaning(best)),
            _ => {
                let mut all: Vec<C> = found.into_iter().map(|(c, _)| c).collect();
                all.sort();
                Recognition::Ambiguous(all)
            }
        }
    }
}

/// The column of set `C` that `text` names (exactly or by meaning), if exactly one.
pub fn lookup_header<C: ColumnSet>(text: &str) -> Option<C> {
    match HeaderIndex::<C>::of().recognize(text) {
        Recognition::Column(c, _) => Some(c),
        _ => None,
    }
}

/// What a mapped header is made to mean.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Target<C> {
    /// This column.
    Column(C),
    /// Nothing: the column is read past on purpose (a running balance, a note).
    Ignore,
}

/// One `FIELD=HEADER` of a mapping, as the caller wrote it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ColumnMap {
    /// The field key (`account`), a template header (`Số tài khoản`) or `ignore`.
    pub field: String,
    /// The header as written in the file (matched folded).
    pub header: String,
}

impl ColumnMap {
    /// Parses `FIELD=HEADER` (`account=STK hưởng`).
    pub fn parse(text: &str) -> Result<ColumnMap, String> {
        let (field, header) = text.split_once('=').ok_or_else(|| {
            format!("expected FIELD=HEADER (e.g. 'account=STK hưởng'), got {text:?}")
        })?;
        let (field, header) = (field.trim(), header.trim());
        if field.is_empty() || header.is_empty() {
            return Err(format!("expected FIELD=HEADER, got {text:?}"));
        }
        Ok(ColumnMap {
            field: field.to_owned(),
            header: header.to_owned(),
        })
    }
}

/// A named mapping saved for a unit: applied to an upload whose header has the same
/// [`shape`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    /// Its name ("Sao kê KBNN", "Vietcombank xlsx").
    pub name: String,
    /// The folded header texts of the file it was saved from, sorted.
    pub shape: Vec<String>,
    /// The mapping.
    pub mapping: Vec<ColumnMap>,
}

/// The shape of a header: its texts folded, sorted, without repeats.
pub fn shape<'h>(headers: impl IntoIterator<Item = &'h str>) -> Vec<String> {
    let mut out: Vec<String> = headers
        .into_iter()
        .map(fold_key)
        .filter(|h| !h.is_empty())
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Field names that mean "read past this column".
const IGNORE_WORDS: &[&str] = &["ignore", "-", "bo qua", "none", "skip"];

/// Header recognition for one read: the set's index and the caller's mapping.
pub struct Recognizer<C: 'static> {
    index: &'static HeaderIndex<C>,
    overrides: Vec<(String, Target<C>)>,
}

impl<C: ColumnSet> Default for Recognizer<C> {
    fn default() -> Self {
        Recognizer {
            index: HeaderIndex::of(),
            overrides: Vec::new(),
        }
    }
}

impl<C: ColumnSet> Recognizer<C> {
    /// Recognition with the caller's `mapping`; a field that is not one of the set's is refused.
    pub fn with_mapping(mapping: &[ColumnMap]) -> Result<Self, ReadError> {
        let mut r = Recognizer::default();
        for m in mapping {
            let target = resolve_field::<C>(&m.field).ok_or_else(|| ReadError::UnknownField {
                field: m.field.clone(),
                list: C::LIST,
                fields: C::SPECS.iter().map(|s| s.key).collect(),
            })?;
            r.overrides.push((fold_key(&m.header), target));
        }
        Ok(r)
    }

    /// What `text` names.
    pub fn recognize(&self, text: &str) -> Recognition<C> {
        if !self.overrides.is_empty() {
            let key = fold_key(text);
            if let Some((_, target)) = self.overrides.iter().find(|(h, _)| *h == key) {
                return match target {
                    Target::Column(c) => Recognition::Column(*c, Strength::Mapped),
                    Target::Ignore => Recognition::Ignored,
                };
            }
        }
        self.index.recognize(text)
    }

    /// The mapped headers that `layout` does not contain (a mapping for another file).
    pub fn unused<'m>(&self, mapping: &'m [ColumnMap], layout: &HeaderLayout<C>) -> Vec<&'m str> {
        let present: Vec<String> = layout
            .columns
            .iter()
            .map(|m| m.header.as_str())
            .chain(layout.duplicates.iter().map(|m| m.header.as_str()))
            .chain(layout.ignored.iter().map(|u| u.header.as_str()))
            .flat_map(|h| {
                // A header under a group heading is "group / sub": either part may be mapped.
                std::iter::once(fold_key(h)).chain(h.rsplit(" / ").next().map(fold_key))
            })
            .collect();
        mapping
            .iter()
            .filter(|m| !present.contains(&fold_key(&m.header)))
            .map(|m| m.header.as_str())
            .collect()
    }

    /// Finds the header of `grid`.
    pub fn detect(&self, grid: &Grid<'_>) -> Option<HeaderLayout<C>> {
        header::detect_with(grid, &|text: &str| self.recognize(text))
    }
}

/// The target a mapping's field names: a field key, a template header or alias, or one of
/// the words for "ignore".
fn resolve_field<C: ColumnSet>(field: &str) -> Option<Target<C>> {
    let folded = fold_key(field);
    if IGNORE_WORDS.contains(&folded.as_str()) || field.trim() == "-" {
        return Some(Target::Ignore);
    }
    let key = field.trim().to_ascii_lowercase().replace('-', "_");
    if let Some(spec) = C::SPECS.iter().find(|s| s.key == key) {
        return Some(Target::Column(spec.column));
    }
    lookup_header::<C>(field).map(Target::Column)
}

/// Finds the header of `grid` in the column set `C`, no mapping.
pub fn detect_as<C: ColumnSet>(grid: &Grid<'_>) -> Option<HeaderLayout<C>> {
    Recognizer::<C>::default().detect(grid)
}

/// A sample value as it may be shown (CLI, JSON, web): digits of what looks like a national
/// id, an account or a phone number (six digits or more) masked but for the last three;
/// clipped to 40 characters.
pub fn mask_sample(text: &str) -> String {
    let text = text.trim();
    let digits = text.chars().filter(char::is_ascii_digit).count();
    let clipped: String = text.chars().take(40).collect();
    let clipped = if text.chars().count() > 40 {
        format!("{clipped}…")
    } else {
        clipped
    };
    if digits < 6 || !looks_numeric(text) {
        return clipped;
    }
    let mut left = digits;
    clipped
        .chars()
        .map(|c| {
            if c.is_ascii_digit() {
                left -= 1;
                if left >= 3 { '•' } else { c }
            } else {
                c
            }
        })
        .collect()
}

/// Mostly digits: at least six, and no more than a few letters (an account with a bank
/// prefix, a national id, a phone number) — not a sentence with a number in it.
fn looks_numeric(text: &str) -> bool {
    let letters = text.chars().filter(|c| c.is_alphabetic()).count();
    letters <= 4
}

/// Whether a sample looks like an account number (or a national id or a phone number):
/// 8 to 19 digits, with only spaces, dots or dashes between them.
pub fn looks_like_account(text: &str) -> bool {
    let t = text.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    (8..=19).contains(&digits) && t.chars().all(|c| c.is_ascii_digit() || " .-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn abbreviations_are_spelled_out() {
        assert_eq!(header_words("STK hưởng"), ["so", "tai", "khoan", "huong"]);
        assert_eq!(
            header_words("Nội dung CK"),
            ["noi", "dung", "chuyen", "khoan"]
        );
        assert_eq!(header_words("SĐT"), ["so", "dien", "thoai"]);
        assert_eq!(
            header_words("Số tiền ghi nợ (VND)"),
            ["so", "tien", "ghi", "no"]
        );
        assert_eq!(header_words("Ngày GD"), ["ngay", "giao", "dich"]);
    }

    #[test]
    fn samples_that_look_like_ids_are_masked() {
        assert_eq!(mask_sample("0011004123456"), "••••••••••456");
        assert_eq!(mask_sample("001 100 412 345"), "••• ••• ••• 345");
        assert_eq!(mask_sample("Nguyễn Văn A"), "Nguyễn Văn A");
        assert_eq!(mask_sample("12345"), "12345");
        assert_eq!(
            mask_sample("Chi trợ cấp NĐ 178 năm 2025"),
            "Chi trợ cấp NĐ 178 năm 2025"
        );
        assert!(mask_sample(&"x".repeat(60)).ends_with('…'));
        assert!(looks_like_account("0011004123456"));
        assert!(looks_like_account("1903-5555-1234"));
        assert!(!looks_like_account("12/05/2026"));
        assert!(!looks_like_account("Nguyễn Văn A"));
    }

    #[test]
    fn mapping_fields_parse() {
        assert_eq!(
            ColumnMap::parse("account = STK hưởng").unwrap(),
            ColumnMap {
                field: "account".into(),
                header: "STK hưởng".into()
            }
        );
        assert!(ColumnMap::parse("account").is_err());
        assert!(ColumnMap::parse("=x").is_err());
    }
}
