//! The words a roster uses for the closed vocabularies of the law (category, rank, scheme,
//! article) and for yes/no: Vietnamese or English, with or without diacritics, or the contract
//! value itself. The types are the domain's own (`domain::policy`); this module only teaches
//! them to read a roster cell.

use crate::domain::policy::{Article, Category, Rank, Scheme};

macro_rules! words {
    ($name:ident { $( $variant:ident => [$($word:literal),+]; )* }) => {
        impl $name {
            /// Parses an already folded key ([`crate::domain::text::fold_into`]): a roster
            /// word, or the contract value.
            pub fn from_folded(key: &str) -> Option<Self> {
                $(
                    if [$($word),+].contains(&key) || eq_contract(key, $name::$variant.as_str()) {
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

words! {
    Category {
        CadreCivilServant => ["can bo cong chuc", "can bo", "cong chuc", "cbcc", "cadre civil servant", "cadre", "civil servant"];
        PublicEmployee => ["vien chuc", "public employee"];
        ContractWorker => ["lao dong hop dong", "hop dong lao dong", "nguoi lao dong hop dong", "contract worker", "contract"];
        CommunePartTime => ["khong chuyen trach cap xa", "nguoi hoat dong khong chuyen trach cap xa", "khong chuyen trach", "commune part time", "commune part timer"];
        ArmedForces => ["luc luong vu trang", "llvt", "armed forces"];
    }
}

words! {
    Rank {
        SecondLieutenant => ["thieu uy"];
        Lieutenant => ["trung uy", "first lieutenant"];
        SeniorLieutenant => ["thuong uy"];
        Captain => ["dai uy"];
        Major => ["thieu ta"];
        LieutenantColonel => ["trung ta"];
        SeniorLieutenantColonel => ["thuong ta", "senior colonel"];
        Colonel => ["dai ta"];
        MajorGeneral => ["thieu tuong"];
        LieutenantGeneral => ["trung tuong"];
        ColonelGeneral => ["thuong tuong"];
        General => ["dai tuong"];
    }
}

words! {
    Scheme {
        EarlyRetirement => ["nghi huu truoc tuoi", "nghi huu som", "huu truoc tuoi", "early retirement"];
        Quit => ["thoi viec", "thoi viec ngay", "nghi thoi viec", "quit", "resignation"];
        PartTimeLeave => ["nghi viec", "part time leave"];
    }
}

words! {
    Article {
        A7 => ["dieu 7", "article 7"];
        A7a => ["7 a", "dieu 7a", "dieu 7 a", "article 7a", "article 7 a"];
        A7b => ["7 b", "dieu 7b", "dieu 7 b", "article 7b", "article 7 b"];
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
    use crate::domain::person::Sex;
    use crate::domain::text::fold_key;
    use crate::xlsx::write;

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

    #[test]
    fn every_workbook_label_reads_back_as_its_own_value() {
        for &c in Category::ALL {
            assert_eq!(Category::parse(write::category_vi(c)), Some(c), "{c:?}");
            assert_eq!(Category::parse(write::category_en(c)), Some(c), "{c:?}");
        }
        for &r in Rank::ALL {
            assert_eq!(Rank::parse(write::rank_vi(r)), Some(r), "{r:?}");
        }
        for &s in Scheme::ALL {
            assert_eq!(Scheme::parse(write::scheme_vi(s)), Some(s), "{s:?}");
            assert_eq!(Scheme::parse(write::scheme_en(s)), Some(s), "{s:?}");
        }
        for &a in Article::ALL {
            assert_eq!(Article::parse(write::article_label(a)), Some(a), "{a:?}");
        }
        assert_eq!(
            yes_no_from_folded(&fold_key(write::YES_NO_VI[0])),
            Some(true)
        );
        assert_eq!(
            yes_no_from_folded(&fold_key(write::YES_NO_VI[1])),
            Some(false)
        );
        assert_eq!(Sex::parse(write::SEX_VI[0]), Ok(Sex::Male));
        assert_eq!(Sex::parse(write::SEX_VI[1]), Ok(Sex::Female));
    }
}
