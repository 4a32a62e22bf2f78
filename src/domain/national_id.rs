//! The 12-digit personal identification number (số định danh cá nhân, printed on the CCCD).
//!
//! Layout (Circular 59/2021/TT-BCA, art. 7): a 3-digit code of the province where the birth
//! was registered (one of the 63 pre-2025 codes, which ids keep after the 2025 merger), one
//! digit for sex and century (0/1 man/woman born 1900–1999, 2/3 born 2000–2099), the last two
//! digits of the year of birth, then 6 more digits.
//!
//! Every real id starts with `0`, so a number that Excel stored as a number has lost one or
//! two leading zeros. [`NationalId::parse`] restores them when the padded id passes every
//! check, and says so through [`ParsedId::restored_zeros`] so the import can warn.
//!
//! The id is personal data: log [`NationalId::mask`], never the id itself.

use std::fmt;
use std::sync::OnceLock;

use crate::domain::person::Sex;

/// A checked personal identification number: exactly 12 ASCII digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct NationalId([u8; 12]);

/// A successful parse: the id, and how many leading zeros had to be put back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ParsedId {
    /// The checked id.
    pub id: NationalId,
    /// 0 when the text had all 12 digits; 1 or 2 when Excel had dropped leading zeros.
    pub restored_zeros: u8,
}

/// Why a text is not a valid personal identification number for this row.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NationalIdError {
    /// Nothing in the cell.
    #[error("the national id is empty")]
    Empty,
    /// Contains something other than digits (after removing spaces, dots and dashes).
    #[error("the national id must contain only digits")]
    NotDigits {
        /// The text looks like Excel's scientific notation (`1.08501E+11`): digits are lost.
        scientific: bool,
    },
    /// Not 12 digits (and not 10–11 digits that become valid with leading zeros).
    #[error("the national id must have 12 digits, found {len}")]
    Length {
        /// Number of digits found.
        len: usize,
    },
    /// The first three digits are not one of the 63 birth-province codes.
    #[error("{code} is not a birth-province code")]
    UnknownProvince {
        /// The three digits found.
        code: String,
    },
    /// The fourth digit is not 0–3 (only people born 1900–2099 are covered).
    #[error("the sex-and-century digit must be 0-3, found {digit}")]
    CenturyDigit {
        /// The digit found.
        digit: char,
    },
    /// The id encodes one sex and the row states the other.
    #[error("the national id is for a {id_sex} but the row says {row_sex}")]
    SexMismatch {
        /// Sex encoded in the id.
        id_sex: Sex,
        /// Sex stated in the row.
        row_sex: Sex,
    },
    /// The id encodes another year of birth than the row's date of birth.
    #[error("the national id encodes birth year {id_year} but the row says {row_year}")]
    BirthYearMismatch {
        /// Year encoded in the id.
        id_year: i32,
        /// Year of the row's date of birth.
        row_year: i32,
    },
}

impl NationalIdError {
    /// A stable machine-readable code.
    pub const fn code(&self) -> &'static str {
        match self {
            NationalIdError::Empty => "NATIONAL_ID_EMPTY",
            NationalIdError::NotDigits { .. } => "NATIONAL_ID_NOT_DIGITS",
            NationalIdError::Length { .. } => "NATIONAL_ID_LENGTH",
            NationalIdError::UnknownProvince { .. } => "NATIONAL_ID_PROVINCE",
            NationalIdError::CenturyDigit { .. } => "NATIONAL_ID_CENTURY_DIGIT",
            NationalIdError::SexMismatch { .. } => "NATIONAL_ID_SEX_MISMATCH",
            NationalIdError::BirthYearMismatch { .. } => "NATIONAL_ID_BIRTH_YEAR_MISMATCH",
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            NationalIdError::NotDigits { scientific: true } => "the national id is shown in \
                scientific notation, so Excel has lost digits: format the column as Text and \
                type the 12 digits again"
                .to_owned(),
            other => {
                let mut s = other.to_string();
                if let Some(first) = s.get(..1) {
                    let upper = first.to_uppercase();
                    s.replace_range(..1, &upper);
                }
                s
            }
        }
    }

    /// The message in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            NationalIdError::Empty => "Thiếu số định danh cá nhân".to_owned(),
            NationalIdError::NotDigits { scientific: true } => "Số định danh cá nhân bị Excel \
                hiển thị dạng khoa học nên đã mất chữ số: định dạng cột là Văn bản (Text) và \
                nhập lại đủ 12 chữ số"
                .to_owned(),
            NationalIdError::NotDigits { scientific: false } => {
                "Số định danh cá nhân chỉ được gồm chữ số".to_owned()
            }
            NationalIdError::Length { len } => {
                format!("Số định danh cá nhân phải có 12 chữ số, tìm thấy {len}")
            }
            NationalIdError::UnknownProvince { code } => {
                format!("{code} không phải mã tỉnh nơi đăng ký khai sinh")
            }
            NationalIdError::CenturyDigit { digit } => {
                format!(
                    "Chữ số thứ tư (giới tính và thế kỷ sinh) phải từ 0 đến 3, tìm thấy {digit}"
                )
            }
            NationalIdError::SexMismatch { id_sex, row_sex } => format!(
                "Số định danh cá nhân là của người giới tính {} nhưng cột giới tính ghi {}",
                id_sex.label_vi(),
                row_sex.label_vi()
            ),
            NationalIdError::BirthYearMismatch { id_year, row_year } => format!(
                "Số định danh cá nhân mang năm sinh {id_year} nhưng ngày sinh ghi năm {row_year}"
            ),
        }
    }
}

impl NationalId {
    /// Parses and checks an id, optionally against the row's sex and year of birth.
    ///
    /// Spaces, dots and dashes between digits and a leading apostrophe (Excel's "text" mark)
    /// are ignored. Ten or eleven digits are padded with leading zeros when the padded id
    /// passes every check (including `expected`); otherwise the length error is returned.
    pub fn parse(text: &str, expected: Option<(Sex, i32)>) -> Result<ParsedId, NationalIdError> {
        let digits = clean(text)?;
        let len = digits.len();
        let missing = match len {
            12 => 0,
            10 | 11 => 12 - len,
            _ => return Err(NationalIdError::Length { len }),
        };
        let mut raw = [b'0'; 12];
        for (slot, d) in raw.iter_mut().skip(missing).zip(digits.bytes()) {
            *slot = d;
        }
        let id = NationalId(raw);
        match id.check(expected) {
            Ok(()) => Ok(ParsedId {
                id,
                restored_zeros: u8::try_from(missing).unwrap_or(0),
            }),
            Err(_) if missing > 0 => Err(NationalIdError::Length { len }),
            Err(e) => Err(e),
        }
    }

    /// Checks this id against a row's sex and year of birth, each when known.
    pub fn check_against(
        &self,
        sex: Option<Sex>,
        birth_year: Option<i32>,
    ) -> Result<(), NationalIdError> {
        if let Some(row_sex) = sex {
            let id_sex = self.sex();
            if id_sex != row_sex {
                return Err(NationalIdError::SexMismatch { id_sex, row_sex });
            }
        }
        if let Some(row_year) = birth_year {
            let id_year = self.birth_year();
            if id_year != row_year {
                return Err(NationalIdError::BirthYearMismatch { id_year, row_year });
            }
        }
        Ok(())
    }

    fn check(&self, expected: Option<(Sex, i32)>) -> Result<(), NationalIdError> {
        let code = self.province_code();
        if !birth_province_codes().contains(&code) {
            return Err(NationalIdError::UnknownProvince {
                code: code.to_owned(),
            });
        }
        let digit = self.0[3];
        if !(b'0'..=b'3').contains(&digit) {
            return Err(NationalIdError::CenturyDigit {
                digit: char::from(digit),
            });
        }
        match expected {
            Some((sex, year)) => self.check_against(Some(sex), Some(year)),
            None => Ok(()),
        }
    }

    /// The 12 digits.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or_default()
    }

    /// The 3-digit birth-province code (pre-2025 list).
    pub fn province_code(&self) -> &str {
        self.as_str().get(..3).unwrap_or_default()
    }

    /// Sex encoded in the fourth digit.
    pub fn sex(&self) -> Sex {
        if (self.0[3] - b'0').is_multiple_of(2) {
            Sex::Male
        } else {
            Sex::Female
        }
    }

    /// Year of birth encoded in digits 4–6.
    pub fn birth_year(&self) -> i32 {
        let century = if self.0[3] <= b'1' { 1900 } else { 2000 };
        century + i32::from(self.0[4] - b'0') * 10 + i32::from(self.0[5] - b'0')
    }

    /// A form safe for logs and screens: first three and last three digits, e.g.
    /// `001******345`.
    pub fn mask(&self) -> String {
        let s = self.as_str();
        format!(
            "{}******{}",
            s.get(..3).unwrap_or_default(),
            s.get(9..).unwrap_or_default()
        )
    }
}

impl fmt::Debug for NationalId {
    /// Masked, so a stray `{:?}` cannot leak the id into a log.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "NationalId({})", self.mask())
    }
}

impl fmt::Display for NationalId {
    /// The full 12 digits (for storage and the person's own documents).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Digits of `text` with separators removed.
fn clean(text: &str) -> Result<String, NationalIdError> {
    let t = text.trim();
    let t = t.strip_prefix('\'').unwrap_or(t);
    if t.is_empty() {
        return Err(NationalIdError::Empty);
    }
    let mut digits = String::with_capacity(12);
    for c in t.chars() {
        match c {
            '0'..='9' => digits.push(c),
            ' ' | '.' | '-' | '\u{00A0}' => {}
            _ => {
                let upper = t.to_ascii_uppercase();
                let scientific = upper.contains("E+")
                    && upper.chars().next().is_some_and(|c| c.is_ascii_digit());
                return Err(NationalIdError::NotDigits { scientific });
            }
        }
        if digits.len() > 20 {
            return Err(NationalIdError::Length {
                len: t.chars().filter(char::is_ascii_digit).count(),
            });
        }
    }
    if digits.is_empty() {
        return Err(NationalIdError::NotDigits { scientific: false });
    }
    Ok(digits)
}

/// The 63 birth-province codes, from `reference/birth-province-codes.csv`.
pub fn birth_province_codes() -> &'static [&'static str] {
    static CODES: OnceLock<Vec<&'static str>> = OnceLock::new();
    CODES.get_or_init(|| {
        include_str!("../../reference/birth-province-codes.csv")
            .lines()
            .skip(1)
            .filter_map(|line| line.split(',').next())
            .map(str::trim)
            .filter(|code| code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()))
            .collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const MAN_1970: &str = "001070012345";

    #[test]
    fn the_reference_list_has_63_codes() {
        assert_eq!(birth_province_codes().len(), 63);
        assert!(birth_province_codes().contains(&"096"));
    }

    #[test]
    fn parses_a_valid_id() {
        let p = NationalId::parse(MAN_1970, None).unwrap();
        assert_eq!(p.restored_zeros, 0);
        assert_eq!(p.id.as_str(), MAN_1970);
        assert_eq!(p.id.province_code(), "001");
        assert_eq!(p.id.sex(), Sex::Male);
        assert_eq!(p.id.birth_year(), 1970);
        let woman_2001 = NationalId::parse("079301000001", None).unwrap().id;
        assert_eq!(
            (woman_2001.sex(), woman_2001.birth_year()),
            (Sex::Female, 2001)
        );
    }

    #[test]
    fn ignores_separators_and_excel_text_mark() {
        for t in [
            "001 070 012 345",
            "'001070012345",
            " 001.070.012.345 ",
            "001-070-012345",
        ] {
            assert_eq!(
                NationalId::parse(t, None).unwrap().id.as_str(),
                MAN_1970,
                "{t}"
            );
        }
    }

    #[test]
    fn restores_leading_zeros_lost_by_excel() {
        let p = NationalId::parse("1070012345", None).unwrap();
        assert_eq!((p.id.as_str(), p.restored_zeros), (MAN_1970, 2));
        let p = NationalId::parse("79301000001", Some((Sex::Female, 2001))).unwrap();
        assert_eq!((p.id.as_str(), p.restored_zeros), ("079301000001", 1));
    }

    #[test]
    fn does_not_restore_when_the_padded_id_fails() {
        // 0 + "99070012345": 099 is not a province code.
        assert_eq!(
            NationalId::parse("99070012345", None),
            Err(NationalIdError::Length { len: 11 })
        );
        // Padding gives a man born 1970, but the row is a woman.
        assert_eq!(
            NationalId::parse("1070012345", Some((Sex::Female, 1970))),
            Err(NationalIdError::Length { len: 10 })
        );
    }

    #[test]
    fn refuses_malformed_ids() {
        assert_eq!(NationalId::parse("", None), Err(NationalIdError::Empty));
        assert_eq!(NationalId::parse("  ' ", None), Err(NationalIdError::Empty));
        assert_eq!(
            NationalId::parse("12345", None),
            Err(NationalIdError::Length { len: 5 })
        );
        assert_eq!(
            NationalId::parse("0010700123456", None),
            Err(NationalIdError::Length { len: 13 })
        );
        assert_eq!(
            NationalId::parse("00107001234A", None),
            Err(NationalIdError::NotDigits { scientific: false })
        );
        assert_eq!(
            NationalId::parse("1.08501E+11", None),
            Err(NationalIdError::NotDigits { scientific: true })
        );
        assert_eq!(
            NationalId::parse("...", None),
            Err(NationalIdError::NotDigits { scientific: false })
        );
        assert_eq!(
            NationalId::parse("003070012345", None),
            Err(NationalIdError::UnknownProvince { code: "003".into() })
        );
        assert_eq!(
            NationalId::parse("001570012345", None),
            Err(NationalIdError::CenturyDigit { digit: '5' })
        );
        let long = "1".repeat(100_000);
        assert!(matches!(
            NationalId::parse(&long, None),
            Err(NationalIdError::Length { .. })
        ));
        assert!(NationalId::parse("٠٠١٠٧٠٠١٢٣٤٥", None).is_err());
    }

    #[test]
    fn mismatch_with_the_row_is_its_own_error() {
        assert_eq!(
            NationalId::parse(MAN_1970, Some((Sex::Female, 1970))),
            Err(NationalIdError::SexMismatch {
                id_sex: Sex::Male,
                row_sex: Sex::Female
            })
        );
        assert_eq!(
            NationalId::parse(MAN_1970, Some((Sex::Male, 1971))),
            Err(NationalIdError::BirthYearMismatch {
                id_year: 1970,
                row_year: 1971
            })
        );
        let id = NationalId::parse(MAN_1970, None).unwrap().id;
        assert_eq!(id.check_against(None, Some(1970)), Ok(()));
    }

    #[test]
    fn masks_for_logs() {
        let id = NationalId::parse(MAN_1970, None).unwrap().id;
        assert_eq!(id.mask(), "001******345");
        assert_eq!(format!("{id:?}"), "NationalId(001******345)");
        assert_eq!(id.to_string(), MAN_1970);
    }

    #[test]
    fn messages_in_both_languages() {
        let e = NationalIdError::Length { len: 9 };
        assert_eq!(e.code(), "NATIONAL_ID_LENGTH");
        assert!(e.message_vi().contains("12 chữ số"));
        assert!(
            e.message_en()
                .starts_with("The national id must have 12 digits")
        );
    }
}
