//! Pieces shared by the three workbook writers ([`crate::import::template`],
//! [`crate::demo::roster`], [`crate::import::error_workbook`]): fixed document
//! properties (so the same input gives the same bytes; the reports use them too), date cells,
//! and the Vietnamese/English labels of the enumerated values.
//!
//! The labels are checked against the roster reader in `import::vocab`'s tests: every label
//! parses back to its own value, so the drop-down lists and the reader can never disagree.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{DocProperties, ExcelDateTime, XlsxError};

use crate::domain::policy::{Article, Category, Rank, Scheme};

/// Document properties with a fixed creation time: `rust_xlsxwriter` otherwise stamps the
/// current time into `docProps/core.xml` and the same input would give different bytes.
pub fn fixed_properties(title: &str) -> Result<DocProperties, XlsxError> {
    let created = ExcelDateTime::from_ymd(2025, 1, 1)?;
    Ok(DocProperties::new()
        .set_title(title)
        .set_author("staffpay")
        .set_company("staffpay")
        .set_creation_datetime(&created))
}

/// A calendar date as an Excel date value.
pub fn excel_date(date: NaiveDate) -> Result<ExcelDateTime, XlsxError> {
    let year =
        u16::try_from(date.year()).map_err(|_| XlsxError::DateTimeRangeError(date.to_string()))?;
    let month =
        u8::try_from(date.month()).map_err(|_| XlsxError::DateTimeRangeError(date.to_string()))?;
    let day =
        u8::try_from(date.day()).map_err(|_| XlsxError::DateTimeRangeError(date.to_string()))?;
    ExcelDateTime::from_ymd(year, month, day)
}

/// Excel's number format for dates, day first as Vietnamese forms write them.
pub const DATE_FORMAT: &str = "dd/mm/yyyy";

/// The words offered in drop-down lists and written by the demo data.
pub fn category_vi(c: Category) -> &'static str {
    match c {
        Category::CadreCivilServant => "Cán bộ, công chức",
        Category::PublicEmployee => "Viên chức",
        Category::ContractWorker => "Lao động hợp đồng",
        Category::CommunePartTime => "Không chuyên trách cấp xã",
        Category::ArmedForces => "Lực lượng vũ trang",
    }
}

/// English label of a category (accepted by the reader too).
pub fn category_en(c: Category) -> &'static str {
    match c {
        Category::CadreCivilServant => "Cadre civil servant",
        Category::PublicEmployee => "Public employee",
        Category::ContractWorker => "Contract worker",
        Category::CommunePartTime => "Commune part-time",
        Category::ArmedForces => "Armed forces",
    }
}

/// Vietnamese rank name.
pub fn rank_vi(r: Rank) -> &'static str {
    match r {
        Rank::SecondLieutenant => "Thiếu úy",
        Rank::Lieutenant => "Trung úy",
        Rank::SeniorLieutenant => "Thượng úy",
        Rank::Captain => "Đại úy",
        Rank::Major => "Thiếu tá",
        Rank::LieutenantColonel => "Trung tá",
        Rank::SeniorLieutenantColonel => "Thượng tá",
        Rank::Colonel => "Đại tá",
        Rank::MajorGeneral => "Thiếu tướng",
        Rank::LieutenantGeneral => "Trung tướng",
        Rank::ColonelGeneral => "Thượng tướng",
        Rank::General => "Đại tướng",
    }
}

/// Vietnamese scheme name.
pub fn scheme_vi(s: Scheme) -> &'static str {
    match s {
        Scheme::EarlyRetirement => "Nghỉ hưu trước tuổi",
        Scheme::Quit => "Thôi việc",
        Scheme::PartTimeLeave => "Nghỉ việc",
    }
}

/// English scheme name (accepted by the reader too).
pub fn scheme_en(s: Scheme) -> &'static str {
    match s {
        Scheme::EarlyRetirement => "Early retirement",
        Scheme::Quit => "Quit",
        Scheme::PartTimeLeave => "Part-time leave",
    }
}

/// The article as written in the column: `7`, `7a`, `7b`.
pub fn article_label(a: Article) -> &'static str {
    a.as_str()
}

/// Yes/no words of the drop-down list.
pub const YES_NO_VI: [&str; 2] = ["Có", "Không"];

/// Nam/Nữ.
pub const SEX_VI: [&str; 2] = ["Nam", "Nữ"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_become_excel_dates() {
        let d = NaiveDate::from_ymd_opt(2025, 7, 1).unwrap();
        assert_eq!(excel_date(d).unwrap().to_excel(), 45839.0);
    }
}
