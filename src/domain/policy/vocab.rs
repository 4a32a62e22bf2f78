//! The closed vocabularies the law and the input contract share: schemes, categories, sex,
//! ranks, articles, bands, allowances. Policy tables and JSON inputs name them with these
//! snake-case codes; anything else is rejected when parsed.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// What the person is leaving under.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// Decree 178 Art. 7 (7a, 7b): pension without reduction plus allowances.
    EarlyRetirement,
    /// Decree 178 Art. 9 / 10: severance.
    Quit,
    /// Decree 154/2025 Art. 9: commune-level part-time workers.
    PartTimeLeave,
}

impl Scheme {
    /// Every value.
    pub const ALL: &'static [Scheme] =
        &[Scheme::EarlyRetirement, Scheme::Quit, Scheme::PartTimeLeave];

    /// The snake-case code used in JSON and policy tables.
    pub const fn as_str(self) -> &'static str {
        match self {
            Scheme::EarlyRetirement => "early_retirement",
            Scheme::Quit => "quit",
            Scheme::PartTimeLeave => "part_time_leave",
        }
    }

    /// The Vietnamese name on reports and statements.
    pub const fn label_vi(self) -> &'static str {
        match self {
            Scheme::EarlyRetirement => "Nghỉ hưu trước tuổi",
            Scheme::Quit => "Thôi việc",
            Scheme::PartTimeLeave => "Nghỉ việc (không chuyên trách)",
        }
    }
}

/// The person's employment category.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Cadres and civil servants (Art. 9 on quitting).
    CadreCivilServant,
    /// Public employees (Art. 10 on quitting).
    PublicEmployee,
    /// Contract workers (Art. 10 on quitting).
    ContractWorker,
    /// Commune-level part-time workers (Decree 154/2025).
    CommunePartTime,
    /// Armed forces (retirement age = maximum service age by rank).
    ArmedForces,
}

impl Category {
    /// Every value.
    pub const ALL: &'static [Category] = &[
        Category::CadreCivilServant,
        Category::PublicEmployee,
        Category::ContractWorker,
        Category::CommunePartTime,
        Category::ArmedForces,
    ];

    /// The snake-case code used in JSON and policy tables.
    pub const fn as_str(self) -> &'static str {
        match self {
            Category::CadreCivilServant => "cadre_civil_servant",
            Category::PublicEmployee => "public_employee",
            Category::ContractWorker => "contract_worker",
            Category::CommunePartTime => "commune_part_time",
            Category::ArmedForces => "armed_forces",
        }
    }
}

/// Sex: one type for the civil-status record and the retirement-age schedules.
pub use crate::domain::person::Sex;

/// Officer ranks (armed forces), lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Rank {
    /// Thiếu úy.
    SecondLieutenant,
    /// Trung úy.
    Lieutenant,
    /// Thượng úy.
    SeniorLieutenant,
    /// Đại úy.
    Captain,
    /// Thiếu tá.
    Major,
    /// Trung tá.
    LieutenantColonel,
    /// Thượng tá.
    SeniorLieutenantColonel,
    /// Đại tá.
    Colonel,
    /// Thiếu tướng.
    MajorGeneral,
    /// Trung tướng.
    LieutenantGeneral,
    /// Thượng tướng.
    ColonelGeneral,
    /// Đại tướng.
    General,
}

impl Rank {
    /// Every value.
    pub const ALL: &'static [Rank] = &[
        Rank::SecondLieutenant,
        Rank::Lieutenant,
        Rank::SeniorLieutenant,
        Rank::Captain,
        Rank::Major,
        Rank::LieutenantColonel,
        Rank::SeniorLieutenantColonel,
        Rank::Colonel,
        Rank::MajorGeneral,
        Rank::LieutenantGeneral,
        Rank::ColonelGeneral,
        Rank::General,
    ];

    /// The snake-case code used in JSON and policy tables.
    pub const fn as_str(self) -> &'static str {
        match self {
            Rank::SecondLieutenant => "second_lieutenant",
            Rank::Lieutenant => "lieutenant",
            Rank::SeniorLieutenant => "senior_lieutenant",
            Rank::Captain => "captain",
            Rank::Major => "major",
            Rank::LieutenantColonel => "lieutenant_colonel",
            Rank::SeniorLieutenantColonel => "senior_lieutenant_colonel",
            Rank::Colonel => "colonel",
            Rank::MajorGeneral => "major_general",
            Rank::LieutenantGeneral => "lieutenant_general",
            Rank::ColonelGeneral => "colonel_general",
            Rank::General => "general",
        }
    }
}

/// The Decree 178 article an early retirement falls under (affects the window only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Article {
    /// Art. 7: window counted from the reorganisation's effective date.
    #[default]
    #[serde(rename = "7")]
    A7,
    /// Art. 7a (Decree 67): window counted from a fixed date (interpretations).
    #[serde(rename = "7a")]
    A7a,
    /// Art. 7b (Decree 67): always the higher factor.
    #[serde(rename = "7b")]
    A7b,
}

impl Article {
    /// Every value.
    pub const ALL: &'static [Article] = &[Article::A7, Article::A7a, Article::A7b];

    /// The code used in JSON and policy tables.
    pub const fn as_str(self) -> &'static str {
        match self {
            Article::A7 => "7",
            Article::A7a => "7a",
            Article::A7b => "7b",
        }
    }
}

/// Time left to retirement age, as the result reports it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, ToSchema)]
pub enum Band {
    /// Early retirement, under 24 months early.
    #[serde(rename = "lt_2y")]
    Lt2y,
    /// Early retirement, 24 to 60 months early.
    #[serde(rename = "2_5y")]
    B2to5y,
    /// Early retirement, 61 to 120 months early.
    #[serde(rename = "5_10y")]
    B5to10y,
    /// Quit (Art. 9 / 10).
    #[serde(rename = "quit")]
    Quit,
    /// Commune part-time worker (Decree 154).
    #[serde(rename = "part_time")]
    PartTime,
    /// At or past retirement age (part-time flat amount).
    #[serde(rename = "at_retirement_age")]
    AtRetirementAge,
}

impl Band {
    /// Every value.
    pub const ALL: &'static [Band] = &[
        Band::Lt2y,
        Band::B2to5y,
        Band::B5to10y,
        Band::Quit,
        Band::PartTime,
        Band::AtRetirementAge,
    ];

    /// The code used in JSON and policy tables.
    pub fn code(self) -> &'static str {
        match self {
            Band::Lt2y => "lt_2y",
            Band::B2to5y => "2_5y",
            Band::B5to10y => "5_10y",
            Band::Quit => "quit",
            Band::PartTime => "part_time",
            Band::AtRetirementAge => "at_retirement_age",
        }
    }

    /// The Vietnamese name on reports and statements.
    pub const fn label_vi(self) -> &'static str {
        match self {
            Band::Lt2y => "Dưới 2 năm",
            Band::B2to5y => "Từ 2 đến 5 năm",
            Band::B5to10y => "Trên 5 đến 10 năm",
            Band::Quit => "Thôi việc",
            Band::PartTime => "Không chuyên trách",
            Band::AtRetirementAge => "Đã đủ tuổi",
        }
    }
}

/// Percentage allowances the input accepts; salary.toml says which count towards S.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Allowance {
    /// Công vụ (public service, 25%).
    PublicService,
    /// Thâm niên nghề.
    ProfessionalSeniority,
    /// Ưu đãi nghề.
    OccupationalPreferential,
    /// Trách nhiệm nghề.
    OccupationalResponsibility,
    /// Công tác Đảng, đoàn thể.
    PartyUnionWork,
    /// Đặc thù lực lượng vũ trang.
    ArmedForcesSpecial,
    /// Trách nhiệm công việc.
    WorkResponsibility,
    /// Độc hại, nguy hiểm.
    Hazardous,
    /// Khu vực.
    Regional,
    /// Thu hút.
    Attraction,
    /// Trách nhiệm cấp ủy.
    PartyCommitteeResponsibility,
    /// Kế toán trưởng.
    ChiefAccountant,
}

impl Allowance {
    /// Every allowance, in the order of [`Allowance::index`].
    pub const ALL: [Allowance; 12] = [
        Allowance::PublicService,
        Allowance::ProfessionalSeniority,
        Allowance::OccupationalPreferential,
        Allowance::OccupationalResponsibility,
        Allowance::PartyUnionWork,
        Allowance::ArmedForcesSpecial,
        Allowance::WorkResponsibility,
        Allowance::Hazardous,
        Allowance::Regional,
        Allowance::Attraction,
        Allowance::PartyCommitteeResponsibility,
        Allowance::ChiefAccountant,
    ];

    /// Position in [`Allowance::ALL`].
    pub fn index(self) -> usize {
        match self {
            Allowance::PublicService => 0,
            Allowance::ProfessionalSeniority => 1,
            Allowance::OccupationalPreferential => 2,
            Allowance::OccupationalResponsibility => 3,
            Allowance::PartyUnionWork => 4,
            Allowance::ArmedForcesSpecial => 5,
            Allowance::WorkResponsibility => 6,
            Allowance::Hazardous => 7,
            Allowance::Regional => 8,
            Allowance::Attraction => 9,
            Allowance::PartyCommitteeResponsibility => 10,
            Allowance::ChiefAccountant => 11,
        }
    }

    /// The snake-case code used in JSON and policy tables.
    pub fn code(self) -> &'static str {
        match self {
            Allowance::PublicService => "public_service",
            Allowance::ProfessionalSeniority => "professional_seniority",
            Allowance::OccupationalPreferential => "occupational_preferential",
            Allowance::OccupationalResponsibility => "occupational_responsibility",
            Allowance::PartyUnionWork => "party_union_work",
            Allowance::ArmedForcesSpecial => "armed_forces_special",
            Allowance::WorkResponsibility => "work_responsibility",
            Allowance::Hazardous => "hazardous",
            Allowance::Regional => "regional",
            Allowance::Attraction => "attraction",
            Allowance::PartyCommitteeResponsibility => "party_committee_responsibility",
            Allowance::ChiefAccountant => "chief_accountant",
        }
    }
}

/// The leave window stored with a case (`first_12_months`, `from_13th_month`), in Vietnamese;
/// another code as stored.
pub fn leave_window_vi(code: &str) -> &str {
    match code {
        "first_12_months" => "12 tháng đầu",
        "from_13th_month" => "Từ tháng 13",
        other => other,
    }
}

#[cfg(test)]
mod label_tests {
    use super::*;

    #[test]
    fn every_code_has_words() {
        for s in Scheme::ALL {
            assert_ne!(s.label_vi(), s.as_str());
        }
        for b in Band::ALL {
            assert_ne!(b.label_vi(), b.code());
        }
        assert_ne!(leave_window_vi("first_12_months"), "first_12_months");
        assert_ne!(leave_window_vi("from_13th_month"), "from_13th_month");
    }
}
