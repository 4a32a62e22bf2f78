//! Turning one cell into one domain value, per column kind, with the problem to report when
//! it cannot be done. Each function takes reusable buffers so the hot loop does not allocate.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::cell::{Cell, CellError, date_from_serial};
use super::province::ProvinceCode;
use super::vocab::yes_no_from_folded;
use crate::domain::money::Vnd;
use crate::domain::person::{BirthDate, DateError, Sex, date_from_parts, parse_date};
use crate::domain::text::fold_into;

/// A problem found in a cell, before it is located (sheet, row, column).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Issue {
    /// Stable code.
    pub code: &'static str,
    /// Vietnamese message.
    pub vi: String,
    /// English message.
    pub en: String,
}

impl Issue {
    /// An issue from its three parts.
    pub fn new(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        Issue {
            code,
            vi: vi.into(),
            en: en.into(),
        }
    }
}

/// A converted value, possibly with a warning worth showing.
pub type Converted<T> = Result<(T, Option<Issue>), Issue>;

/// Reusable scratch space.
#[derive(Default)]
pub struct Bufs {
    /// Text of non-text cells.
    pub text: String,
    /// Folded keys.
    pub key: String,
}

/// Largest amount of money accepted in a cell, in đồng (10^12).
pub const MAX_MONEY: i64 = 1_000_000_000_000;

/// The issue for a cell that cannot be read at all.
pub fn cell_issue(e: CellError) -> Issue {
    match e {
        CellError::ErrorValue(v) => Issue::new(
            "CELL_ERROR",
            format!("Ô chứa lỗi {v}; hãy sửa công thức hoặc nhập giá trị"),
            format!("The cell holds the error {v}; fix the formula or type the value"),
        ),
        CellError::NoCachedValue => Issue::new(
            "FORMULA_NO_VALUE",
            "Ô có công thức nhưng chưa có kết quả đã lưu; hãy mở tệp trong Excel, lưu lại (hoặc dán giá trị) rồi tải lên",
            "The cell has a formula without a saved result; open the file in Excel and save it (or paste values), then upload again",
        ),
        CellError::NotANumber | CellError::Boolean => Issue::new(
            "NUMBER_INVALID",
            "Giá trị không phải là số",
            "The value is not a number",
        ),
        CellError::AmbiguousNumber => Issue::new(
            "NUMBER_AMBIGUOUS",
            "Số viết không rõ ràng (nhiều dấu phân cách); chỉ dùng một dấu phẩy hoặc dấu chấm thập phân",
            "The number is ambiguous (several separators); use a single decimal comma or point",
        ),
        CellError::NumberOutOfRange => Issue::new(
            "NUMBER_OUT_OF_RANGE",
            "Số quá lớn hoặc quá nhiều chữ số",
            "The number is too large or has too many digits",
        ),
        CellError::Date(d) => date_issue(d),
    }
}

/// The issue for a text that is not a date.
pub fn date_issue(e: DateError) -> Issue {
    match e {
        DateError::Format => Issue::new(
            "DATE_INVALID",
            "Ngày không đúng dạng; hãy nhập dd/mm/yyyy (ví dụ 01/07/2025)",
            "Not a date; type dd/mm/yyyy (e.g. 01/07/2025)",
        ),
        DateError::NoSuchDay => Issue::new(
            "DATE_INVALID",
            "Ngày không có thật trên lịch",
            "No such day in the calendar",
        ),
        DateError::TwoDigitYear => Issue::new(
            "DATE_INVALID",
            "Năm phải có 4 chữ số (ví dụ 1970, không phải 70)",
            "The year must have four digits (1970, not 70)",
        ),
        DateError::YearOutOfRange => Issue::new(
            "DATE_INVALID",
            "Năm phải trong khoảng 1900–2100",
            "The year must be within 1900–2100",
        ),
        DateError::Incomplete => Issue::new(
            "DATE_INCOMPLETE",
            "Cần ghi đủ ngày, tháng, năm",
            "A full date (day, month and year) is required",
        ),
    }
}

/// Free text, whitespace collapsed, at most `max_chars` characters.
pub fn text(cell: &Cell<'_>, bufs: &mut Bufs, max_chars: usize) -> Converted<String> {
    let t = cell.as_text(&mut bufs.text).map_err(cell_issue)?;
    let mut out = String::with_capacity(t.len());
    for word in t.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    if let std::borrow::Cow::Owned(composed) = crate::domain::text::nfc(&out) {
        out = composed;
    }
    if out.chars().count() > max_chars {
        return Err(Issue::new(
            "TEXT_TOO_LONG",
            format!("Nội dung dài quá {max_chars} ký tự"),
            format!("The text is longer than {max_chars} characters"),
        ));
    }
    Ok((out, None))
}

/// A date of birth: a date cell, a text date, `mm/yyyy`, or a year (text or number).
pub fn birth_date(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<BirthDate> {
    match cell {
        Cell::Date(d) => checked(*d).map(|d| (BirthDate::Full(d), None)),
        Cell::Int(_) | Cell::Float(_) => {
            let n = cell.to_decimal(&mut bufs.text, false).map_err(cell_issue)?;
            if let Some(year) = year_like(n) {
                return BirthDate::year_only(year)
                    .map(|b| (b, None))
                    .map_err(date_issue);
            }
            date_from_serial(n)
                .map(|d| (BirthDate::Full(d), None))
                .map_err(cell_issue)
        }
        _ => {
            let t = cell.as_text(&mut bufs.text).map_err(cell_issue)?;
            BirthDate::parse(t).map(|b| (b, None)).map_err(date_issue)
        }
    }
}

/// A full date: a date cell, a text date, or an Excel serial number.
pub fn date(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<NaiveDate> {
    match cell {
        Cell::Date(d) => checked(*d).map(|d| (d, None)),
        Cell::Int(_) | Cell::Float(_) => {
            let n = cell.to_decimal(&mut bufs.text, false).map_err(cell_issue)?;
            if year_like(n).is_some() {
                return Err(date_issue(DateError::Incomplete));
            }
            date_from_serial(n).map(|d| (d, None)).map_err(cell_issue)
        }
        _ => {
            let t = cell.as_text(&mut bufs.text).map_err(cell_issue)?;
            parse_date(t).map(|d| (d, None)).map_err(date_issue)
        }
    }
}

fn checked(d: NaiveDate) -> Result<NaiveDate, Issue> {
    use chrono::Datelike;
    date_from_parts(d.year(), d.month(), d.day()).map_err(date_issue)
}

/// A whole number within 1900..=2100: a year typed as a number.
fn year_like(n: Decimal) -> Option<i32> {
    if !n.fract().is_zero() {
        return None;
    }
    let year = i32::try_from(n).ok()?;
    crate::domain::person::YEAR_RANGE
        .contains(&year)
        .then_some(year)
}

/// Nam/Nữ.
pub fn sex(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<Sex> {
    let t = cell.as_text(&mut bufs.text).map_err(cell_issue)?;
    Sex::parse(t).map(|s| (s, None)).map_err(|_| {
        Issue::new(
            "SEX_INVALID",
            "Giới tính phải là Nam hoặc Nữ",
            "Sex must be Nam/Nữ (Male/Female)",
        )
    })
}

/// A value of a vocabulary, looked up on its folded key.
pub fn vocabulary<T>(
    cell: &Cell<'_>,
    bufs: &mut Bufs,
    lookup: fn(&str) -> Option<T>,
    code: &'static str,
    accepted: &str,
) -> Converted<T> {
    let t = cell.as_text(&mut bufs.text).map_err(cell_issue)?;
    fold_into(t, &mut bufs.key);
    lookup(&bufs.key).map(|v| (v, None)).ok_or_else(|| {
        Issue::new(
            code,
            format!("Giá trị không hợp lệ; chỉ nhận: {accepted}"),
            format!("Invalid value; accepted: {accepted}"),
        )
    })
}

/// Có/Không (also x, 1/0, Yes/No, TRUE/FALSE).
pub fn yes_no(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<bool> {
    if let Cell::Bool(b) = cell {
        return Ok((*b, None));
    }
    let t = cell.as_text(&mut bufs.text).map_err(cell_issue)?;
    fold_into(t, &mut bufs.key);
    yes_no_from_folded(&bufs.key)
        .map(|b| (b, None))
        .ok_or_else(|| {
            Issue::new(
                "YES_NO_INVALID",
                "Chỉ nhận Có hoặc Không",
                "Only Có/Không (Yes/No) is accepted",
            )
        })
}

/// A coefficient or percentage: at most 4 decimals, within `0..=max`.
///
/// For percentages (`percent`), a trailing `%` is accepted, and a number cell strictly
/// between 0 and 1 is taken as Excel's percent format (0.25 shown as 25 %) and multiplied by
/// 100, with a warning: no allowance rate of this programme lies strictly between 0 % and 1 %.
pub fn scaled(cell: &Cell<'_>, bufs: &mut Bufs, percent: bool, max: Decimal) -> Converted<Decimal> {
    let mut warning = None;
    let mut value = match cell {
        Cell::Text(t) if percent => {
            let t = t.trim();
            let t = t.strip_suffix('%').unwrap_or(t);
            super::cell::parse_decimal(t, false).map_err(cell_issue)?
        }
        _ => cell.to_decimal(&mut bufs.text, false).map_err(cell_issue)?,
    };
    let numeric = matches!(cell, Cell::Float(_) | Cell::Int(_));
    if percent && numeric && value > Decimal::ZERO && value < Decimal::ONE {
        value = value
            .checked_mul(Decimal::ONE_HUNDRED)
            .ok_or_else(|| cell_issue(CellError::NumberOutOfRange))?;
        warning = Some(Issue::new(
            "PERCENT_AS_FRACTION",
            format!("Ô định dạng phần trăm: đã hiểu là {}%", value.normalize()),
            format!("Percent-formatted cell: read as {}%", value.normalize()),
        ));
    }
    let value = value.normalize();
    if value.scale() > 4 {
        return Err(Issue::new(
            "NUMBER_TOO_MANY_DECIMALS",
            "Tối đa 4 chữ số thập phân (có thể do công thức làm tròn chưa hết; hãy làm tròn)",
            "At most 4 decimals (a formula result may need rounding)",
        ));
    }
    if value.is_sign_negative() && !value.is_zero() || value > max {
        return Err(Issue::new(
            "NUMBER_OUT_OF_RANGE",
            format!("Giá trị phải từ 0 đến {max}"),
            format!("The value must be between 0 and {max}"),
        ));
    }
    Ok((value, warning))
}

/// Whole đồng, 0..=[`MAX_MONEY`]; thousands separators and a trailing `đ`/`đồng`/`VND` allowed.
pub fn money(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<Vnd> {
    let value = match cell {
        Cell::Text(t) => super::cell::parse_decimal(strip_currency(t), true).map_err(cell_issue)?,
        _ => cell.to_decimal(&mut bufs.text, true).map_err(cell_issue)?,
    };
    let vnd = Vnd::from_whole(value).map_err(|_| {
        Issue::new(
            "MONEY_NOT_WHOLE",
            "Số tiền phải là số đồng nguyên",
            "Amounts must be whole đồng",
        )
    })?;
    if vnd.is_negative() || vnd.dong() > MAX_MONEY {
        return Err(Issue::new(
            "NUMBER_OUT_OF_RANGE",
            "Số tiền phải từ 0 đến 1.000.000.000.000 đồng",
            "The amount must be between 0 and 1,000,000,000,000 đồng",
        ));
    }
    Ok((vnd, None))
}

fn strip_currency(t: &str) -> &str {
    let t = t.trim();
    for suffix in ["đồng", "đ", "VNĐ", "VND", "vnđ", "vnd", "dong", "Đồng"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            return rest.trim_end();
        }
    }
    t
}

/// A whole number within `0..=max` (months, years).
pub fn whole(cell: &Cell<'_>, bufs: &mut Bufs, max: u32) -> Converted<u32> {
    let value = cell.to_decimal(&mut bufs.text, false).map_err(cell_issue)?;
    if !value.fract().is_zero() {
        return Err(Issue::new(
            "NUMBER_NOT_WHOLE",
            "Phải là số nguyên",
            "Must be a whole number",
        ));
    }
    match u32::try_from(value) {
        Ok(n) if n <= max => Ok((n, None)),
        _ => Err(Issue::new(
            "NUMBER_OUT_OF_RANGE",
            format!("Giá trị phải từ 0 đến {max}"),
            format!("The value must be between 0 and {max}"),
        )),
    }
}

/// A province code; a pre-2025 code is mapped to its successor with a warning.
pub fn province(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<&'static str> {
    let t = cell.as_text(&mut bufs.text).map_err(cell_issue)?;
    match ProvinceCode::parse(t) {
        Some(ProvinceCode::Current(c)) => Ok((c, None)),
        Some(ProvinceCode::Mapped { old, new }) => Ok((
            new,
            Some(Issue::new(
                "PROVINCE_CODE_MAPPED",
                format!("Mã tỉnh {old} (trước sáp nhập 2025) được chuyển thành {new}"),
                format!("Pre-2025 province code {old} mapped to {new}"),
            )),
        )),
        None => Err(Issue::new(
            "PROVINCE_CODE_UNKNOWN",
            "Mã tỉnh không có trong danh mục 34 tỉnh, thành phố (hoặc 63 mã cũ)",
            "Unknown province code (neither one of the 34 current nor of the 63 pre-2025 codes)",
        )),
    }
}

/// A bank account number: 4–30 characters of digits, letters, spaces or dashes. A number
/// cell of 16 digits or more has already lost digits in Excel and is refused.
pub fn bank_account(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<String> {
    if let Cell::Float(f) = cell
        && *f >= 1e15
    {
        {
            return Err(Issue::new(
                "BANK_ACCOUNT_NUMERIC",
                "Số tài khoản dài bị Excel lưu dạng số nên có thể mất chữ số; hãy định dạng cột là Văn bản và nhập lại",
                "A long account number stored as a number may have lost digits; format the column as Text and type it again",
            ));
        }
    }
    let (t, _) = text(cell, bufs, 30)?;
    let len = t.chars().count();
    if !(4..=30).contains(&len)
        || !t
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-')
    {
        return Err(Issue::new(
            "BANK_ACCOUNT_INVALID",
            "Số tài khoản chỉ gồm 4–30 chữ số, chữ cái, dấu cách hoặc gạch ngang",
            "A bank account has 4-30 digits, letters, spaces or dashes",
        ));
    }
    Ok((t, None))
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_decimal_macros::dec;
    use std::borrow::Cow;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }

    fn ok<T>(r: Converted<T>) -> T {
        r.map(|(v, _)| v).unwrap()
    }

    fn code<T: std::fmt::Debug>(r: Converted<T>) -> &'static str {
        r.unwrap_err().code
    }

    #[test]
    fn birth_dates_from_every_kind_of_cell() {
        let b = &mut Bufs::default();
        let d = NaiveDate::from_ymd_opt(1970, 3, 15).unwrap();
        assert_eq!(ok(birth_date(&Cell::Date(d), b)), BirthDate::Full(d));
        assert_eq!(ok(birth_date(&t("15/03/1970"), b)), BirthDate::Full(d));
        assert_eq!(
            ok(birth_date(&Cell::Float(1970.0), b)),
            BirthDate::Year(1970)
        );
        assert_eq!(ok(birth_date(&t("1970"), b)), BirthDate::Year(1970));
        assert_eq!(ok(birth_date(&Cell::Float(25642.0), b)), BirthDate::Full(d));
        assert_eq!(code(birth_date(&t("15/3/70"), b)), "DATE_INVALID");
        assert_eq!(code(birth_date(&Cell::Error("#REF!"), b)), "CELL_ERROR");
    }

    #[test]
    fn full_dates_refuse_a_year_only() {
        let b = &mut Bufs::default();
        assert_eq!(code(date(&t("2025"), b)), "DATE_INCOMPLETE");
        assert_eq!(code(date(&Cell::Int(2025), b)), "DATE_INCOMPLETE");
        assert_eq!(
            ok(date(&Cell::Int(45839), b)),
            NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()
        );
        assert_eq!(code(date(&Cell::NoCachedValue, b)), "FORMULA_NO_VALUE");
    }

    #[test]
    fn coefficients_have_at_most_four_decimals() {
        let b = &mut Bufs::default();
        assert_eq!(
            ok(scaled(&Cell::Float(4.32), b, false, dec!(100))),
            dec!(4.32)
        );
        assert_eq!(ok(scaled(&t("2,34"), b, false, dec!(100))), dec!(2.34));
        assert_eq!(
            code(scaled(
                &Cell::Float(2.5740000000000003),
                b,
                false,
                dec!(100)
            )),
            "NUMBER_TOO_MANY_DECIMALS"
        );
        assert_eq!(
            code(scaled(&Cell::Float(-1.0), b, false, dec!(100))),
            "NUMBER_OUT_OF_RANGE"
        );
        assert_eq!(
            code(scaled(&Cell::Float(1e20), b, false, dec!(100))),
            "NUMBER_OUT_OF_RANGE"
        );
    }

    #[test]
    fn percentages_accept_percent_signs_and_percent_formats() {
        let b = &mut Bufs::default();
        assert_eq!(ok(scaled(&t("25%"), b, true, dec!(100))), dec!(25));
        let (v, warn) = scaled(&Cell::Float(0.25), b, true, dec!(100)).unwrap();
        assert_eq!(v, dec!(25));
        assert_eq!(warn.unwrap().code, "PERCENT_AS_FRACTION");
        assert_eq!(ok(scaled(&t("0,5"), b, true, dec!(100))), dec!(0.5));
        assert_eq!(
            code(scaled(&Cell::Float(150.0), b, true, dec!(100))),
            "NUMBER_OUT_OF_RANGE"
        );
    }

    #[test]
    fn money_is_whole_dong() {
        let b = &mut Bufs::default();
        assert_eq!(
            ok(money(&Cell::Float(12_345_678.0), b)),
            Vnd::new(12_345_678)
        );
        assert_eq!(ok(money(&t("12.345.678"), b)), Vnd::new(12_345_678));
        assert_eq!(ok(money(&t("12,345,678 đ"), b)), Vnd::new(12_345_678));
        assert_eq!(ok(money(&t("5.000.000 VND"), b)), Vnd::new(5_000_000));
        assert_eq!(code(money(&Cell::Float(100.5), b)), "MONEY_NOT_WHOLE");
        assert_eq!(code(money(&t("-5"), b)), "NUMBER_OUT_OF_RANGE");
        assert_eq!(code(money(&t("1.23.4"), b)), "NUMBER_AMBIGUOUS");
    }

    #[test]
    fn months_and_years_are_whole() {
        let b = &mut Bufs::default();
        assert_eq!(ok(whole(&Cell::Float(240.0), b, 720)), 240);
        assert_eq!(ok(whole(&t("12,0"), b, 720)), 12);
        assert_eq!(code(whole(&t("12,5"), b, 720)), "NUMBER_NOT_WHOLE");
        assert_eq!(code(whole(&Cell::Int(-1), b, 720)), "NUMBER_OUT_OF_RANGE");
        assert_eq!(code(whole(&Cell::Int(12), b, 11)), "NUMBER_OUT_OF_RANGE");
    }

    #[test]
    fn provinces_and_accounts() {
        let b = &mut Bufs::default();
        assert_eq!(ok(province(&Cell::Int(1), b)), "01");
        let (code_, warn) = province(&t("27"), b).unwrap();
        assert_eq!(
            (code_, warn.map(|w| w.code)),
            ("24", Some("PROVINCE_CODE_MAPPED"))
        );
        assert_eq!(code(province(&t("99"), b)), "PROVINCE_CODE_UNKNOWN");
        assert_eq!(
            ok(bank_account(&t(" 0011 0040 12345 "), b)),
            "0011 0040 12345"
        );
        assert_eq!(
            ok(bank_account(&Cell::Float(19_031_234_567.0), b)),
            "19031234567"
        );
        assert_eq!(
            code(bank_account(&Cell::Float(9_704_123_456_789_012.0), b)),
            "BANK_ACCOUNT_NUMERIC"
        );
        assert_eq!(code(bank_account(&t("12;3"), b)), "BANK_ACCOUNT_INVALID");
    }

    #[test]
    fn vocabularies_and_yes_no() {
        let b = &mut Bufs::default();
        let r = vocabulary(
            &t("Viên chức"),
            b,
            crate::domain::policy::Category::from_folded,
            "CATEGORY_INVALID",
            "…",
        );
        assert_eq!(ok(r), crate::domain::policy::Category::PublicEmployee);
        assert!(ok(yes_no(&Cell::Bool(true), b)));
        assert!(!ok(yes_no(&t("Không"), b)));
        assert_eq!(code(yes_no(&t("maybe"), b)), "YES_NO_INVALID");
        assert_eq!(code(sex(&t("?"), b)), "SEX_INVALID");
        assert_eq!(code(text(&t(&"a".repeat(300)), b, 200)), "TEXT_TOO_LONG");
    }
}
