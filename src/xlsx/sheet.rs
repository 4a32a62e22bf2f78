//! What every report sheet shares: the cell formats (`#,##0` đồng, `dd/mm/yyyy` dates,
//! percentages, highlighted rows), the two-language title and header block, fitted column
//! widths, page setup for printing, and saving without leaving a partial file behind.

use crate::export::SafeText as _;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    ColNum, Color, Format, FormatAlign, FormatBorder, RowNum, Workbook, Worksheet, XlsxError,
};

use super::write::{DATE_FORMAT, excel_date};
use crate::error::AppError;

/// Excel stores every number as a double: whole đồng are exact up to 2^53 (9 million billion
/// đồng), far above any total here. The one place an amount becomes a spreadsheet number.
pub fn vnd(amount: i64) -> Result<f64, XlsxError> {
    const EXACT: i64 = 1 << 53;
    if amount.abs() >= EXACT {
        return Err(XlsxError::ParameterError(format!(
            "amount {amount} is beyond the exact range of a spreadsheet number"
        )));
    }
    #[allow(clippy::cast_precision_loss)] // checked above: exact below 2^53
    Ok(amount as f64)
}

/// An exact decimal (S, a ratio) as a spreadsheet number, for display; the exact text stays in
/// the database and in the entitlement statement.
pub fn decimal(value: Decimal) -> f64 {
    value.to_f64().unwrap_or_default()
}

/// `part / whole` as a decimal fraction (0 when `whole` is 0), exact to 10 places, as the
/// cached result of a percentage formula.
pub fn ratio_text(part: i64, whole: i64) -> String {
    if whole == 0 {
        return "0".into();
    }
    (Decimal::from(part) / Decimal::from(whole))
        .round_dp(10)
        .normalize()
        .to_string()
}

/// The A1 name of a column from its 0-based index: `A`, `B`, ... `Z`, `AA`, ... (27 → AB).
pub fn col_name(col: u16) -> String {
    let mut n = u32::from(col) + 1;
    let mut out = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        out.push(char::from(b'A' + u8::try_from(rem).unwrap_or(0)));
        n = (n - 1) / 26;
    }
    out.iter().rev().collect()
}

/// An A1 cell name (row and column from 0).
pub fn cell(row: RowNum, col: ColNum) -> String {
    format!("{}{}", col_name(col), row + 1)
}

/// Row highlight: below 60% paid (red) or an account gap (amber).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    None,
    Below60,
    AccountGap,
    Total,
}

/// The formats of one workbook.
pub struct Formats {
    pub title: Format,
    pub subtitle: Format,
    pub header: Format,
    pub header_en: Format,
    pub label: Format,
    text: [Format; 4],
    money: [Format; 4],
    int: [Format; 4],
    pct: [Format; 4],
    pub date: Format,
    pub wrap: Format,
}

impl Formats {
    pub fn new() -> Self {
        let fill = |f: Format, mark: Mark| match mark {
            Mark::None => f,
            Mark::Below60 => f.set_background_color(Color::RGB(0xF8CBAD)),
            Mark::AccountGap => f.set_background_color(Color::RGB(0xFFE699)),
            Mark::Total => f.set_bold().set_border_top(FormatBorder::Double),
        };
        let marks = [Mark::None, Mark::Below60, Mark::AccountGap, Mark::Total];
        let each = |base: fn() -> Format| marks.map(|m| fill(base(), m));
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            subtitle: Format::new()
                .set_italic()
                .set_font_color(Color::RGB(0x595959)),
            header: Format::new()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin),
            header_en: Format::new()
                .set_italic()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_font_color(Color::RGB(0x595959))
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border(FormatBorder::Thin),
            label: Format::new().set_bold(),
            text: each(Format::new),
            money: each(|| Format::new().set_num_format("#,##0")),
            int: each(|| Format::new().set_num_format("#,##0")),
            pct: each(|| Format::new().set_num_format("0.00%")),
            date: Format::new().set_num_format(DATE_FORMAT),
            wrap: Format::new().set_text_wrap(),
        }
    }

    fn index(mark: Mark) -> usize {
        match mark {
            Mark::None => 0,
            Mark::Below60 => 1,
            Mark::AccountGap => 2,
            Mark::Total => 3,
        }
    }

    pub fn text(&self, mark: Mark) -> &Format {
        &self.text[Self::index(mark)]
    }
    pub fn money(&self, mark: Mark) -> &Format {
        &self.money[Self::index(mark)]
    }
    pub fn int(&self, mark: Mark) -> &Format {
        &self.int[Self::index(mark)]
    }
    pub fn pct(&self, mark: Mark) -> &Format {
        &self.pct[Self::index(mark)]
    }
}

impl Default for Formats {
    fn default() -> Self {
        Self::new()
    }
}

/// One column: Vietnamese header, English header, and the narrowest sensible width.
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub vi: &'static str,
    pub en: &'static str,
    pub min_width: u16,
}

impl Column {
    pub const fn new(vi: &'static str, en: &'static str, min_width: u16) -> Self {
        Column { vi, en, min_width }
    }
}

/// Fitted widths: the longest text seen in each column, in characters.
#[derive(Debug, Clone)]
pub struct Widths(Vec<usize>);

impl Widths {
    pub fn new(columns: &[Column]) -> Self {
        Widths(columns.iter().map(|c| usize::from(c.min_width)).collect())
    }

    /// Notes a value's length in column `col`.
    pub fn see(&mut self, col: usize, chars: usize) {
        if let Some(w) = self.0.get_mut(col) {
            *w = (*w).max(chars);
        }
    }

    /// Notes a text's length.
    pub fn see_text(&mut self, col: usize, text: &str) {
        // Byte length bounds the character count from above; close enough for widths and
        // much cheaper than counting characters in a hundred thousand rows.
        self.see(col, text.len().min(60));
    }

    /// Sets the widths on the sheet (capped at 60 characters, wrapping beyond).
    pub fn apply(&self, sheet: &mut Worksheet) -> Result<(), XlsxError> {
        for (col, w) in self.0.iter().enumerate() {
            let col = ColNum::try_from(col).unwrap_or(ColNum::MAX);
            let width = u16::try_from((*w).min(60) + 2).unwrap_or(62);
            sheet.set_column_width(col, width)?;
        }
        Ok(())
    }
}

/// Width in characters of a formatted amount (`1,234,567`).
pub fn money_width(amount: i64) -> usize {
    let digits = amount
        .unsigned_abs()
        .checked_ilog10()
        .map_or(1, |d| d as usize + 1);
    digits + (digits - 1) / 3 + usize::from(amount < 0)
}

/// Writes the title (row 0, Vietnamese), subtitle (row 1, English), and the two header rows
/// (2: Vietnamese, 3: English); freezes them; sets printing (A4 landscape, fit to width,
/// header rows repeated). Returns the first data row.
pub fn heading(
    sheet: &mut Worksheet,
    formats: &Formats,
    title_vi: &str,
    title_en: &str,
    columns: &[Column],
) -> Result<RowNum, XlsxError> {
    sheet.write_text_with_format(0, 0, title_vi, &formats.title)?;
    sheet.write_text_with_format(1, 0, title_en, &formats.subtitle)?;
    // Row by row: a constant-memory sheet cannot go back to a row.
    sheet.set_row_height(2, 45)?;
    for (i, c) in columns.iter().enumerate() {
        sheet.write_text_with_format(2, self::c(i), c.vi, &formats.header)?;
    }
    sheet.set_row_height(3, 30)?;
    for (i, c) in columns.iter().enumerate() {
        sheet.write_text_with_format(3, self::c(i), c.en, &formats.header_en)?;
    }
    sheet.set_freeze_panes(4, 0)?;
    print_setup(sheet, Some((2, 3)));
    Ok(4)
}

/// A4 landscape, one page wide, header rows repeated on every page.
pub fn print_setup(sheet: &mut Worksheet, repeat: Option<(RowNum, RowNum)>) {
    sheet.set_landscape();
    sheet.set_paper_size(9);
    sheet.set_print_fit_to_pages(1, 0);
    if let Some((first, last)) = repeat {
        // Only fails on rows out of range, which these are not.
        let _ = sheet.set_repeat_rows(first, last);
    }
}

/// A date cell.
pub fn write_date(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    date: NaiveDate,
    formats: &Formats,
) -> Result<(), XlsxError> {
    sheet.write_datetime_with_format(row, col, excel_date(date)?, &formats.date)?;
    Ok(())
}

/// Column index as the spreadsheet type.
pub fn c(col: usize) -> ColNum {
    ColNum::try_from(col).unwrap_or(ColNum::MAX)
}

/// Row index as the spreadsheet type.
pub fn r(row: usize) -> RowNum {
    RowNum::try_from(row).unwrap_or(RowNum::MAX)
}

/// Saves `workbook` to `path` through a temporary file in the same folder, renamed into
/// place only when complete: a failure (disk full, killed process) leaves no partial report
/// under the final name, and the temporary file is removed on error.
pub fn save_atomically(workbook: &mut Workbook, path: &Path) -> Result<(), AppError> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !dir.is_dir() {
        return Err(AppError::bad_request(
            "output_not_writable",
            format!(
                "Không ghi được báo cáo: thư mục {} không tồn tại",
                dir.display()
            ),
            format!(
                "Cannot write the report: folder {} does not exist",
                dir.display()
            ),
        ));
    }
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "report.xlsx".into());
    let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let result = workbook
        .save(&tmp)
        .map_err(|e| not_writable(path, &e.to_string()))
        .and_then(|()| std::fs::rename(&tmp, path).map_err(|e| not_writable(path, &e.to_string())));
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

fn not_writable(path: &Path, why: &str) -> AppError {
    AppError::bad_request(
        "output_not_writable",
        format!("Không ghi được báo cáo vào {}: {why}", path.display()),
        format!("Cannot write the report to {}: {why}", path.display()),
    )
}

/// A spreadsheet library error as an internal error (a defect or an I/O failure).
pub fn xlsx(e: XlsxError) -> AppError {
    AppError::Internal(anyhow::anyhow!("cannot build the workbook: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn column_names() {
        assert_eq!(col_name(0), "A");
        assert_eq!(col_name(25), "Z");
        assert_eq!(col_name(26), "AA");
        assert_eq!(col_name(27), "AB");
        assert_eq!(col_name(701), "ZZ");
        assert_eq!(col_name(702), "AAA");
        assert_eq!(cell(0, 0), "A1");
        assert_eq!(cell(4, 2), "C5");
    }

    #[test]
    fn ratios_are_exact_text() {
        assert_eq!(ratio_text(0, 0), "0");
        assert_eq!(ratio_text(1, 4), "0.25");
        assert_eq!(ratio_text(2, 3), "0.6666666667");
        assert_eq!(ratio_text(5, 5), "1");
    }

    #[test]
    fn amounts_within_exact_range() {
        assert_eq!(vnd(460_687_500).unwrap(), 460_687_500.0);
        assert!(vnd(1 << 53).is_err());
        assert_eq!(money_width(0), 1);
        assert_eq!(money_width(999), 3);
        assert_eq!(money_width(1_000), 5);
        assert_eq!(money_width(-1_234_567), 10);
    }
}
