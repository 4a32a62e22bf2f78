//! Province codes in a roster's "Mã tỉnh" column: the 34 codes in force from 2025-07-01,
//! or a pre-2025 code, which is mapped to the province it was merged into.

use std::sync::OnceLock;

use crate::domain::text::fold_key;

const PROVINCES_2025: &str = include_str!("../../reference/provinces-2025.csv");
const BIRTH_PROVINCES: &str = include_str!("../../reference/birth-province-codes.csv");

/// How a province code cell was understood.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProvinceCode {
    /// A code of the 2025 list, as given.
    Current(&'static str),
    /// A pre-2025 code, mapped to its successor.
    Mapped {
        /// The code as given, normalized to two digits.
        old: &'static str,
        /// The 2025 code it maps to.
        new: &'static str,
    },
}

impl ProvinceCode {
    /// The 2025 code.
    pub fn code(self) -> &'static str {
        match self {
            ProvinceCode::Current(c) | ProvinceCode::Mapped { new: c, .. } => c,
        }
    }

    /// Parses `"1"`, `"01"` or `"001"` style codes.
    pub fn parse(text: &str) -> Option<Self> {
        let t = text.trim();
        if t.is_empty() || t.len() > 3 || !t.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let n: u32 = t.parse().ok()?;
        let two = format!("{n:02}");
        let table = table();
        if let Some(c) = table.current.iter().find(|c| **c == two) {
            return Some(ProvinceCode::Current(c));
        }
        table
            .old
            .iter()
            .find(|(old, _)| *old == two)
            .map(|(old, new)| ProvinceCode::Mapped { old, new })
    }
}

struct Table {
    current: Vec<&'static str>,
    /// (pre-2025 two-digit code, 2025 code).
    old: Vec<(&'static str, &'static str)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        // 2025 code and the folded names of the provinces merged into it.
        let current: Vec<(&'static str, Vec<String>)> = PROVINCES_2025
            .lines()
            .skip(1)
            .filter_map(|line| {
                let mut parts = line.split(',');
                let code = parts.next()?.trim();
                let merged = parts.nth(3)?;
                Some((code, merged.split(';').map(fold_key).collect()))
            })
            .collect();
        let old = BIRTH_PROVINCES
            .lines()
            .skip(1)
            .filter_map(|line| {
                let (code, name) = line.split_once(',')?;
                let two = code.trim().get(1..)?;
                let key = fold_key(name);
                let new = current.iter().find(|(_, names)| names.contains(&key))?.0;
                Some((two, new))
            })
            .collect();
        Table {
            current: current.into_iter().map(|(c, _)| c).collect(),
            old,
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_complete() {
        assert_eq!(table().current.len(), 34);
        assert_eq!(
            table().old.len(),
            63,
            "every pre-2025 province has a successor"
        );
    }

    #[test]
    fn current_codes_are_kept() {
        assert_eq!(ProvinceCode::parse("01"), Some(ProvinceCode::Current("01")));
        assert_eq!(ProvinceCode::parse("1"), Some(ProvinceCode::Current("01")));
        assert_eq!(
            ProvinceCode::parse("079"),
            Some(ProvinceCode::Current("79"))
        );
    }

    #[test]
    fn old_codes_map_to_their_successor() {
        // Hà Giang (02) → Tuyên Quang (08); Bình Dương (74) → Hồ Chí Minh (79).
        assert_eq!(
            ProvinceCode::parse("02"),
            Some(ProvinceCode::Mapped {
                old: "02",
                new: "08"
            })
        );
        assert_eq!(
            ProvinceCode::parse("74").map(ProvinceCode::code),
            Some("79")
        );
        assert_eq!(
            ProvinceCode::parse("27").map(ProvinceCode::code),
            Some("24")
        );
    }

    #[test]
    fn unknown_codes_are_refused() {
        for t in ["", "03", "99", "1234", "a1", "-1"] {
            assert_eq!(ProvinceCode::parse(t), None, "{t}");
        }
    }
}
