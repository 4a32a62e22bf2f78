//! Reference data shipped in the repository (`reference/*.csv`), compiled into the binary:
//! the 34 provinces and centrally-run cities in force from 2025-07-01, the central bodies, and
//! the 63 pre-2025 birth-province codes of personal identification numbers.

use crate::domain::unit::UnitKind;

const PROVINCES_CSV: &str = include_str!("../reference/provinces-2025.csv");
const CENTRAL_BODIES_CSV: &str = include_str!("../reference/central-bodies-2025.csv");

/// One unit of the reference list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReferenceUnit {
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: UnitKind,
    /// Pre-2025 provinces merged into this one (provinces only).
    pub merged_from: Vec<String>,
}

/// A problem in a reference file (a build defect: tests load every file).
#[derive(Debug, thiserror::Error)]
#[error("reference/{file}: row {row}: {message}")]
pub struct ReferenceError {
    pub file: &'static str,
    pub row: usize,
    pub message: String,
}

fn read(file: &'static str, text: &str) -> Result<Vec<ReferenceUnit>, ReferenceError> {
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let err = |message: String| ReferenceError { file, row, message };
        let record = record.map_err(|e| err(e.to_string()))?;
        let field = |n: usize| record.get(n).map(str::trim).unwrap_or_default().to_string();
        let kind_text = field(3);
        let kind = UnitKind::parse(&kind_text)
            .ok_or_else(|| err(format!("unknown kind '{kind_text}'")))?;
        let merged_from = field(4)
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        out.push(ReferenceUnit {
            code: field(0),
            name_vi: field(1),
            name_en: field(2),
            kind,
            merged_from,
        });
    }
    Ok(out)
}

/// The 34 provinces and centrally-run cities.
pub fn provinces() -> Result<Vec<ReferenceUnit>, ReferenceError> {
    read("provinces-2025.csv", PROVINCES_CSV)
}

/// Ministries, ministerial-level agencies, government agencies and other central bodies.
pub fn central_bodies() -> Result<Vec<ReferenceUnit>, ReferenceError> {
    read("central-bodies-2025.csv", CENTRAL_BODIES_CSV)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thirty_four_provinces_with_two_digit_codes() {
        let provinces = provinces().unwrap();
        assert_eq!(provinces.len(), 34);
        assert!(
            provinces
                .iter()
                .all(|p| p.code.len() == 2 && p.kind.is_local_top())
        );
        let hcmc = provinces.iter().find(|p| p.code == "79").unwrap();
        assert_eq!(hcmc.merged_from.len(), 3);
    }

    #[test]
    fn central_bodies_load() {
        let bodies = central_bodies().unwrap();
        assert!(
            bodies
                .iter()
                .any(|b| b.code == "BNV" && b.kind == UnitKind::Ministry)
        );
        assert!(bodies.len() >= 29);
    }
}
