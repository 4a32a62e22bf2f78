//! Organisation units: the nation, ministries and central bodies, provinces, and the
//! departments and communes below them.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A unit's stable code, e.g. `79` (Ho Chi Minh City), `BNV` (Ministry of Home Affairs) or an
/// agency's own code for a department or commune.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct UnitCode(String);

/// Why a text is not a unit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("a unit code is 1 to 32 letters, digits, '-', '_' or '.'")]
pub struct InvalidUnitCode;

impl UnitCode {
    /// Parses a unit code: trimmed, upper-cased, 1–32 of `A-Z 0-9 - _ .`.
    pub fn parse(raw: &str) -> Result<Self, InvalidUnitCode> {
        let code = UnitCode::normalize(raw);
        let ok = (1..=32).contains(&code.len())
            && code
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if ok {
            Ok(UnitCode(code))
        } else {
            Err(InvalidUnitCode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A typed code in the form codes are stored in (trimmed, upper-case), for looking a unit
    /// up: a text that is not a valid code is returned normalised all the same and simply
    /// finds nothing.
    pub fn normalize(raw: &str) -> String {
        raw.trim().to_ascii_uppercase()
    }
}

impl TryFrom<String> for UnitCode {
    type Error = InvalidUnitCode;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        UnitCode::parse(&value)
    }
}

impl From<UnitCode> for String {
    fn from(code: UnitCode) -> String {
        code.0
    }
}

impl fmt::Display for UnitCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What kind of unit this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// The root: Việt Nam.
    Nation,
    Ministry,
    MinisterialAgency,
    GovernmentAgency,
    CentralBody,
    Province,
    City,
    /// A department, agency or public service unit below a ministry or province.
    Agency,
    Commune,
}

impl UnitKind {
    pub const ALL: [UnitKind; 9] = [
        UnitKind::Nation,
        UnitKind::Ministry,
        UnitKind::MinisterialAgency,
        UnitKind::GovernmentAgency,
        UnitKind::CentralBody,
        UnitKind::Province,
        UnitKind::City,
        UnitKind::Agency,
        UnitKind::Commune,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnitKind::Nation => "nation",
            UnitKind::Ministry => "ministry",
            UnitKind::MinisterialAgency => "ministerial_agency",
            UnitKind::GovernmentAgency => "government_agency",
            UnitKind::CentralBody => "central_body",
            UnitKind::Province => "province",
            UnitKind::City => "city",
            UnitKind::Agency => "agency",
            UnitKind::Commune => "commune",
        }
    }

    pub fn parse(raw: &str) -> Option<UnitKind> {
        UnitKind::ALL.into_iter().find(|k| k.as_str() == raw.trim())
    }

    /// Provinces and centrally-run cities (the local side of progress reports).
    pub fn is_local_top(self) -> bool {
        matches!(self, UnitKind::Province | UnitKind::City)
    }

    /// Kinds that units below the reference list may have.
    pub fn is_subordinate(self) -> bool {
        matches!(self, UnitKind::Agency | UnitKind::Commune)
    }
}

/// The code of the root unit, Việt Nam: a user scoped to it sees the whole country.
pub const NATION_CODE: &str = "VN";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_normalised() {
        assert_eq!(UnitCode::parse(" bnv ").unwrap().as_str(), "BNV");
        assert!(UnitCode::parse("").is_err());
        assert!(UnitCode::parse("a b").is_err());
        assert!(UnitCode::parse("../x").is_err());
    }

    #[test]
    fn kinds_round_trip() {
        for k in UnitKind::ALL {
            assert_eq!(UnitKind::parse(k.as_str()), Some(k));
        }
    }
}
