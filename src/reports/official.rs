//! The frame of a printed administrative document (Decree 30/2020/ND-CP, Appendix I): the
//! governing and issuing bodies top left with the document's number, the national motto block
//! top right with place and date, the title centred, and the signature blocks at the foot —
//! laid out on A4 so that the sheet prints as it is.

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ColNum, Format, FormatAlign, FormatBorder, RowNum, Worksheet, XlsxError};

use crate::db::DbConnection;
use crate::db::units::{self, UnitRow, UnitScope};
use crate::domain::access::Role;
use crate::domain::unit::UnitKind;
use crate::error::AppError;
use crate::export::SafeText as _;

/// The national name and motto (Decree 30/2020, Appendix I, items 1–2).
pub const NATION: &str = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM";
pub const MOTTO: &str = "Độc lập - Tự do - Hạnh phúc";

/// Who issues the document: the governing body (above, not bold) and the issuing body, each
/// in capitals, and the place printed before the date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub governing: Option<String>,
    pub body: String,
    pub place: String,
}

impl Issuer {
    /// A central body in Hà Nội, without a governing body (a ministry issues in its own name).
    pub fn central(name: &str) -> Self {
        Issuer {
            governing: None,
            body: name.to_uppercase(),
            place: "Hà Nội".into(),
        }
    }
}

/// The issuer of a unit: the unit above it governs (unless that is the nation), and the place
/// is its province's name (Hà Nội for central bodies).
pub fn issuer_of_unit(conn: &mut DbConnection, unit: &UnitRow) -> Result<Issuer, AppError> {
    let mut chain = vec![unit.clone()];
    while let Some(parent) = chain.last().and_then(|u| u.parent_id) {
        match units::find(conn, parent)? {
            Some(p) if chain.len() < 8 => chain.push(p),
            _ => break,
        }
    }
    let governing = chain
        .get(1)
        .filter(|p| p.kind != UnitKind::Nation)
        .map(|p| p.name_vi.to_uppercase());
    let place = chain
        .iter()
        .find(|u| matches!(u.kind, UnitKind::Province | UnitKind::City))
        .map_or_else(|| "Hà Nội".to_owned(), |p| place_name(&p.name_vi));
    Ok(Issuer {
        governing,
        body: unit.name_vi.to_uppercase(),
        place,
    })
}

/// "Tỉnh Cao Bằng" → "Cao Bằng", "Thành phố Hà Nội" → "Hà Nội".
pub fn place_name(province: &str) -> String {
    ["Thành phố ", "Tỉnh ", "TP. ", "TP "]
        .iter()
        .find_map(|p| province.strip_prefix(p))
        .unwrap_or(province)
        .trim()
        .to_owned()
}

/// The issuer for a caller: the first unit of their scope; a caller who sees every unit (or
/// whose unit is the nation) issues as their ministry (a payment officer as the Ministry of Finance, anyone else as the
/// Ministry of Home Affairs, which collects the reorganisation's figures).
pub fn issuer_of_caller(
    conn: &mut DbConnection,
    scope: &UnitScope,
    role: Option<Role>,
) -> Result<Issuer, AppError> {
    if let UnitScope::Subtrees(paths) = scope
        && let Some(path) = paths.first()
        && let Some(unit) = units::find_by_path(conn, path)?
        && unit.kind != UnitKind::Nation
    {
        return issuer_of_unit(conn, &unit);
    }
    Ok(Issuer::central(match role {
        Some(Role::MofOfficer) => "Bộ Tài chính",
        _ => "Bộ Nội vụ",
    }))
}

/// "Hà Nội, ngày 06 tháng 12 năm 2026" (Decree 30, Appendix I: a day below 10 and a month
/// below 3 take a leading zero).
pub fn place_and_date(place: &str, date: NaiveDate) -> String {
    let month = if date.month() < 3 {
        format!("{:02}", date.month())
    } else {
        date.month().to_string()
    };
    format!(
        "{place}, ngày {:02} tháng {month} năm {}",
        date.day(),
        date.year()
    )
}

/// The formats of the frame.
pub struct FrameFormats {
    pub governing: Format,
    pub body: Format,
    pub nation: Format,
    pub motto: Format,
    pub centre: Format,
    pub place: Format,
    pub title: Format,
    pub subtitle: Format,
    pub sign_title: Format,
    pub sign_note: Format,
}

impl FrameFormats {
    pub fn new() -> Self {
        let centre = || {
            Format::new()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_font_name("Times New Roman")
                .set_font_size(12)
        };
        FrameFormats {
            governing: centre(),
            body: centre().set_bold().set_text_wrap(),
            nation: centre().set_bold(),
            motto: centre().set_bold().set_border_bottom(FormatBorder::Thin),
            centre: centre().set_text_wrap(),
            place: centre().set_italic(),
            title: centre().set_bold().set_font_size(14).set_text_wrap(),
            subtitle: centre().set_italic().set_text_wrap(),
            sign_title: centre().set_bold().set_text_wrap(),
            sign_note: centre().set_italic(),
        }
    }
}

impl Default for FrameFormats {
    fn default() -> Self {
        Self::new()
    }
}

/// What the head of a document says.
#[derive(Debug, Clone)]
pub struct Heading<'a> {
    pub issuer: &'a Issuer,
    /// "Số: …" under the issuer, if the document is numbered.
    pub number: Option<&'a str>,
    /// The date printed after the place.
    pub date: NaiveDate,
    pub title: &'a str,
    /// Lines under the title (what it is attached to, the date of the figures).
    pub under_title: &'a [String],
}

/// The head of the document across columns `0..width`: issuer and number on the left
/// (about two fifths), motto and place-date on the right, then the title and the lines under
/// it. Returns the next free row.
pub fn head(
    sheet: &mut Worksheet,
    f: &FrameFormats,
    width: ColNum,
    h: &Heading<'_>,
) -> Result<RowNum, XlsxError> {
    let Heading {
        issuer,
        number,
        date,
        title,
        under_title,
    } = *h;
    let split = (width * 2 / 5).max(1);
    let last = width - 1;
    let left = |sheet: &mut Worksheet, row: RowNum, text: &str, fmt: &Format| {
        if split > 1 {
            sheet
                .merge_text(row, 0, row, split - 1, text, fmt)
                .map(|_| ())
        } else {
            sheet.write_text_with_format(row, 0, text, fmt).map(|_| ())
        }
    };
    let right = |sheet: &mut Worksheet, row: RowNum, text: &str, fmt: &Format| {
        sheet
            .merge_text(row, split, row, last, text, fmt)
            .map(|_| ())
    };
    let (governing, body) = match &issuer.governing {
        Some(g) => (g.as_str(), issuer.body.as_str()),
        None => ("", issuer.body.as_str()),
    };
    left(sheet, 0, governing, &f.governing)?;
    right(sheet, 0, NATION, &f.nation)?;
    left(sheet, 1, body, &f.body)?;
    right(sheet, 1, MOTTO, &f.motto)?;
    sheet.set_row_height(1, 32)?;
    left(sheet, 2, number.unwrap_or(""), &f.centre)?;
    right(sheet, 2, &place_and_date(&issuer.place, date), &f.place)?;
    let mut row: RowNum = 4;
    sheet.merge_text(row, 0, row, last, title, &f.title)?;
    sheet.set_row_height(row, 36)?;
    row += 1;
    for line in under_title {
        sheet.merge_text(row, 0, row, last, line, &f.subtitle)?;
        row += 1;
    }
    Ok(row + 1)
}

/// A signature block: the title, the note under it, and room to sign.
#[derive(Debug, Clone, Copy)]
pub struct Signer {
    pub title: &'static str,
    pub note: &'static str,
}

/// The three signers of a financial form (Decree 11/2020 forms; Decree 30 item 7).
pub const FINANCE_SIGNERS: [Signer; 3] = [
    Signer {
        title: "NGƯỜI LẬP BIỂU",
        note: "(Ký, ghi rõ họ tên)",
    },
    Signer {
        title: "KẾ TOÁN TRƯỞNG",
        note: "(Ký, ghi rõ họ tên)",
    },
    Signer {
        title: "THỦ TRƯỞNG ĐƠN VỊ",
        note: "(Ký, ghi rõ họ tên, đóng dấu)",
    },
];

/// The signature blocks side by side across columns `0..width`, from `row`: titles, notes,
/// four blank rows to sign in. Returns the next free row.
pub fn signatures(
    sheet: &mut Worksheet,
    f: &FrameFormats,
    row: RowNum,
    width: ColNum,
    signers: &[Signer],
) -> Result<RowNum, XlsxError> {
    let n = ColNum::try_from(signers.len().max(1)).unwrap_or(1);
    let span = (width / n).max(1);
    for (i, s) in signers.iter().enumerate() {
        let first = ColNum::try_from(i).unwrap_or(0) * span;
        let last = if i + 1 == signers.len() {
            width - 1
        } else {
            first + span - 1
        };
        if last > first {
            sheet.merge_text(row, first, row, last, s.title, &f.sign_title)?;
            sheet.merge_text(row + 1, first, row + 1, last, s.note, &f.sign_note)?;
        } else {
            sheet.write_text_with_format(row, first, s.title, &f.sign_title)?;
            sheet.write_text_with_format(row + 1, first, s.note, &f.sign_note)?;
        }
    }
    Ok(row + 6)
}

/// A4 (paper 9), portrait or landscape, fitted to one page wide, narrow margins, the page
/// number in the footer ("Trang 1/3").
pub fn page_setup(sheet: &mut Worksheet, landscape: bool, repeat: Option<(RowNum, RowNum)>) {
    if landscape {
        sheet.set_landscape();
    } else {
        sheet.set_portrait();
    }
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    sheet.set_margins(0.4, 0.4, 0.6, 0.6, 0.3, 0.3);
    sheet.set_footer("&CTrang &P/&N");
    if let Some((first, last)) = repeat {
        // Only fails on rows out of range, which these are not.
        let _ = sheet.set_repeat_rows(first, last);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn place_and_date_follow_decree_30() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default();
        assert_eq!(
            place_and_date("Hà Nội", d(2026, 12, 6)),
            "Hà Nội, ngày 06 tháng 12 năm 2026"
        );
        assert_eq!(
            place_and_date("Cao Bằng", d(2026, 2, 15)),
            "Cao Bằng, ngày 15 tháng 02 năm 2026"
        );
        assert_eq!(
            place_and_date("Huế", d(2026, 7, 1)),
            "Huế, ngày 01 tháng 7 năm 2026"
        );
    }

    #[test]
    fn place_is_the_province_without_its_kind() {
        assert_eq!(place_name("Tỉnh Cao Bằng"), "Cao Bằng");
        assert_eq!(place_name("Thành phố Hà Nội"), "Hà Nội");
        assert_eq!(place_name("Huế"), "Huế");
    }
}
