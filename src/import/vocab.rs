//! The enumerated values of a roster (category, rank, scheme, article, yes/no), accepted in
//! Vietnamese or English, with or without diacritics, and named by the `staffpay calc`
//! contract value (`as_str`). The entitlement engine maps these to its own policy types.

macro_rules! vocabulary {
    ($(#[$meta:meta])* $name:ident { $( $variant:ident => $value:literal, [$($word:literal),+]; )* }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $(
            #[doc = concat!("`", $value, "`")]
            $variant,
        )* }

        impl $name {
            /// Every value.
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            /// The contract value, e.g. `cadre_civil_servant`.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),* }
            }

            /// Parses an already folded key ([`crate::domain::text::fold_into`]).
            pub fn from_folded(key: &str) -> Option<Self> {
                $(
                    if [$($word),+].contains(&key) || eq_contract(key, $value) {
                        return Some($name::$variant);
                    }
                )*
                None
            }

            /// Parses a cell's text.
            pub fn parse(text: &str) -> Option<Self> {
                Self::from_folded(&crate::domain::text::fold_key(text))
            }
        }
    };
}

/// True when `key` is the folded form of the contract value (`_` folds to a space).
fn eq_contract(key: &str, value: &str) -> bool {
    key.len() == value.len()
        && key
            .bytes()
            .zip(value.bytes())
            .all(|(k, v)| k == v || (k == b' ' && v == b'_'))
}

vocabulary! {
    /// Đối tượng: which group of staff the person belongs to.
    Category {
        CadreCivilServant => "cadre_civil_servant",
            ["can bo cong chuc", "can bo", "cong chuc", "cbcc", "cadre civil servant",
             "cadre", "civil servant"];
        PublicEmployee => "public_employee", ["vien chuc", "public employee"];
        ContractWorker => "contract_worker",
            ["lao dong hop dong", "hop dong lao dong", "nguoi lao dong hop dong", "contract worker",
             "contract"];
        CommunePartTime => "commune_part_time",
            ["khong chuyen trach cap xa", "nguoi hoat dong khong chuyen trach cap xa",
             "khong chuyen trach", "commune part time", "commune part timer"];
        ArmedForces => "armed_forces", ["luc luong vu trang", "llvt", "armed forces"];
    }
}

vocabulary! {
    /// Cấp bậc: officer rank in the army or police.
    Rank {
        SecondLieutenant => "second_lieutenant", ["thieu uy"];
        Lieutenant => "lieutenant", ["trung uy", "first lieutenant"];
        SeniorLieutenant => "senior_lieutenant", ["thuong uy"];
        Captain => "captain", ["dai uy"];
        Major => "major", ["thieu ta"];
        LieutenantColonel => "lieutenant_colonel", ["trung ta"];
        SeniorLieutenantColonel => "senior_lieutenant_colonel", ["thuong ta", "senior colonel"];
        Colonel => "colonel", ["dai ta"];
        MajorGeneral => "major_general", ["thieu tuong"];
        LieutenantGeneral => "lieutenant_general", ["trung tuong"];
        ColonelGeneral => "colonel_general", ["thuong tuong"];
        General => "general", ["dai tuong"];
    }
}

vocabulary! {
    /// Hình thức nghỉ: the scheme the person leaves under.
    Scheme {
        EarlyRetirement => "early_retirement",
            ["nghi huu truoc tuoi", "nghi huu som", "huu truoc tuoi", "early retirement"];
        Quit => "quit", ["thoi viec", "thoi viec ngay", "nghi thoi viec", "quit", "resignation"];
        PartTimeLeave => "part_time_leave", ["nghi viec", "part time leave"];
    }
}

vocabulary! {
    /// Điều áp dụng: the article of the Decree the case falls under.
    Article {
        A7 => "7", ["dieu 7", "article 7"];
        A7a => "7a", ["7 a", "dieu 7a", "dieu 7 a", "article 7a", "article 7 a"];
        A7b => "7b", ["7 b", "dieu 7b", "dieu 7 b", "article 7b", "article 7 b"];
    }
}

/// A yes/no cell: `Có`/`Không`, `x`, `1`/`0`, `Yes`/`No`, `Y`/`N`, `TRUE`/`FALSE`,
/// `Đúng`/`Sai`. Takes a folded key.
pub fn yes_no_from_folded(key: &str) -> Option<bool> {
    match key {
        "co" | "x" | "1" | "yes" | "y" | "true" | "dung" => Some(true),
        "khong" | "0" | "no" | "n" | "false" | "sai" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_in_both_languages() {
        assert_eq!(
            Category::parse("Cán bộ, công chức"),
            Some(Category::CadreCivilServant)
        );
        assert_eq!(Category::parse("VIÊN CHỨC"), Some(Category::PublicEmployee));
        assert_eq!(
            Category::parse("Lao dong hop dong"),
            Some(Category::ContractWorker)
        );
        assert_eq!(
            Category::parse("Không chuyên trách cấp xã"),
            Some(Category::CommunePartTime)
        );
        assert_eq!(
            Category::parse("Lực lượng vũ trang"),
            Some(Category::ArmedForces)
        );
        assert_eq!(
            Category::parse("public_employee"),
            Some(Category::PublicEmployee)
        );
        assert_eq!(Category::parse("Công nhân"), None);
    }

    #[test]
    fn every_rank_from_thieu_uy_to_dai_tuong() {
        let vi = [
            "Thiếu úy",
            "Trung úy",
            "Thượng úy",
            "Đại úy",
            "Thiếu tá",
            "Trung tá",
            "Thượng tá",
            "Đại tá",
            "Thiếu tướng",
            "Trung tướng",
            "Thượng tướng",
            "Đại tướng",
        ];
        for (word, rank) in vi.iter().zip(Rank::ALL) {
            assert_eq!(Rank::parse(word), Some(*rank), "{word}");
            assert_eq!(Rank::parse(rank.as_str()), Some(*rank));
        }
        assert_eq!(
            Rank::parse("Thieu uy").map(Rank::as_str),
            Some("second_lieutenant")
        );
        assert_eq!(Rank::parse("Binh nhì"), None);
    }

    #[test]
    fn schemes_and_articles() {
        assert_eq!(
            Scheme::parse("Nghỉ hưu trước tuổi"),
            Some(Scheme::EarlyRetirement)
        );
        assert_eq!(Scheme::parse("thôi việc"), Some(Scheme::Quit));
        assert_eq!(Scheme::parse("Nghỉ việc"), Some(Scheme::PartTimeLeave));
        assert_eq!(
            Scheme::parse("Early retirement"),
            Some(Scheme::EarlyRetirement)
        );
        assert_eq!(Article::parse("7"), Some(Article::A7));
        assert_eq!(Article::parse("7A"), Some(Article::A7a));
        assert_eq!(Article::parse("Điều 7b"), Some(Article::A7b));
        assert_eq!(Article::parse("8"), None);
    }

    #[test]
    fn yes_and_no() {
        for t in ["Có", "x", "X", "1", "Yes", "TRUE", "đúng"] {
            assert_eq!(
                yes_no_from_folded(&crate::domain::text::fold_key(t)),
                Some(true),
                "{t}"
            );
        }
        for t in ["Không", "0", "no", "FALSE", "Sai"] {
            assert_eq!(
                yes_no_from_folded(&crate::domain::text::fold_key(t)),
                Some(false),
                "{t}"
            );
        }
        assert_eq!(yes_no_from_folded("co le"), None);
    }
}
