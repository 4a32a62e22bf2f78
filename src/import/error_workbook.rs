//! The error workbook (`staffpay import --errors-out FILE.xlsx`,
//! `GET /api/v1/imports/{id}/errors.xlsx`): the uploaded sheet as the sender wrote it, each
//! row at its own row number, with a last column "Lỗi / Errors" listing the row's problems in
//! Vietnamese and English, the bad cells filled red (warnings yellow) with a note carrying the
//! message, and a first sheet summarising the counts. The sender fixes the cells and uploads
//! the same file again (the added column is recognised and ignored).
//!
//! [`ParsedRoster`] does not keep the cells, so the upload is read again
//! ([`error_workbook_from_upload`]) or the caller hands over the [`Grid`] it still holds
//! ([`error_workbook_bytes`]). Merged cells, fonts and colours of the original are not
//! copied: values are.

use crate::export::SafeText as _;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use rust_xlsxwriter::{
    Color, Format, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};
use sha2::{Digest, Sha256};

use super::cell::Cell;
use super::error::{ListKind, WriteError};
use super::grid::Grid;
use super::problem::{Problem, Severity};
use super::reader::{self, ReadOptions};
use super::roster::ParsedRoster;
use crate::xlsx::write::{DATE_FORMAT, excel_date, fixed_properties};

pub use super::tabular::ERRORS_HEADER;
/// Name of the summary sheet (the first sheet).
pub const SUMMARY_SHEET: &str = "Tóm tắt - Summary";
/// Sheet name used when the upload had none (CSV).
const DEFAULT_SHEET: &str = "Danh sách";
/// Cell notes are capped: a file with errors on every row stays openable; the errors column
/// still lists every problem.
pub const MAX_NOTES: usize = 5_000;
/// Excel's limit on the characters of one cell.
const MAX_CELL_CHARS: usize = 32_000;

/// Reads the upload again and writes its error workbook. `bytes` must be the file `roster`
/// was read from (checked by SHA-256); `problems` are the roster's problems plus any found
/// later (unit checks, the engine's refusals).
pub fn error_workbook_from_upload(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    roster: &ParsedRoster,
    problems: &[Problem],
) -> Result<Vec<u8>, WriteError> {
    if hex::encode(Sha256::digest(bytes)) != roster.sha256 {
        return Err(WriteError::NotTheSameFile);
    }
    let format = reader::sniff(file_name, bytes)?;
    let options = ReadOptions {
        sheet: (!roster.sheet.is_empty()).then(|| roster.sheet.clone()),
        ..options.clone()
    };
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        reader::with_sheet_as(
            format,
            bytes,
            &options,
            ListKind::Roster,
            // The sheet is the one the roster was read from (named above, or the CSV's one):
            // its header was found then, with the caller's mapping or a saved profile.
            |_grid| Some(()),
            |grid, ()| Ok(error_workbook_bytes(grid, roster, problems)),
        )
    }));
    read.unwrap_or(Err(super::ReadError::Corrupt))?
}

/// Writes the error workbook of an upload to `path` (see [`error_workbook_from_upload`]).
pub fn write_error_workbook(
    path: &Path,
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    roster: &ParsedRoster,
    problems: &[Problem],
) -> Result<(), WriteError> {
    let out = error_workbook_from_upload(file_name, bytes, options, roster, problems)?;
    std::fs::write(path, out)?;
    Ok(())
}

/// The error workbook of a sheet already read into `grid` (the grid `roster` came from).
pub fn error_workbook_bytes(
    grid: &Grid<'_>,
    roster: &ParsedRoster,
    problems: &[Problem],
) -> Result<Vec<u8>, WriteError> {
    let mut workbook = Workbook::new();
    // Faster than the default level 6 for a slightly larger file (see `demo::roster`).
    workbook.set_zip_compression_level(3);
    workbook.set_properties(&fixed_properties("Lỗi danh sách / Roster errors")?);
    let data_name = sheet_name(&roster.sheet);
    let mut by_row: BTreeMap<u32, Vec<&Problem>> = BTreeMap::new();
    let mut general: Vec<&Problem> = Vec::new();
    for p in problems {
        match p.row {
            Some(r) if r > roster.header_rows.1 => by_row.entry(r).or_default().push(p),
            Some(r) => {
                by_row.entry(r).or_default().push(p);
                general.push(p);
            }
            None => general.push(p),
        }
    }
    summary_sheet(
        workbook.add_worksheet(),
        roster,
        problems,
        &by_row,
        &general,
    )?;
    // The data sheet is streamed ("constant memory" mode: rows top to bottom, strings
    // written inline rather than into a shared table), so a 150,000-row upload is not held
    // twice in memory, nor are its 150,000 names kept in a string table.
    data_sheet(
        workbook.add_worksheet_with_constant_memory()?,
        &data_name,
        grid,
        roster,
        &by_row,
    )?;
    Ok(workbook.save_to_buffer()?)
}

/// A valid Excel sheet name for the upload's sheet.
fn sheet_name(original: &str) -> String {
    let cleaned: String = original
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    let cleaned = cleaned.trim_matches('\'').trim().to_owned();
    if cleaned.is_empty() || cleaned == SUMMARY_SHEET {
        DEFAULT_SHEET.to_owned()
    } else {
        cleaned
    }
}

/// Number of distinct person rows with at least one error.
fn rows_with_errors(by_row: &BTreeMap<u32, Vec<&Problem>>, header_last: u32) -> usize {
    by_row
        .iter()
        .filter(|(r, ps)| **r > header_last && ps.iter().any(|p| p.severity == Severity::Error))
        .count()
}

fn summary_sheet(
    ws: &mut Worksheet,
    roster: &ParsedRoster,
    problems: &[Problem],
    by_row: &BTreeMap<u32, Vec<&Problem>>,
    general: &[&Problem],
) -> Result<(), XlsxError> {
    ws.set_name(SUMMARY_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let wrap = Format::new().set_text_wrap().set_align(FormatAlign::Top);
    ws.write_text_with_format(
        0,
        0,
        "KẾT QUẢ KIỂM TRA DANH SÁCH / ROSTER CHECK RESULT",
        &title,
    )?;
    let invalid = rows_with_errors(by_row, roster.header_rows.1);
    let total = usize::try_from(roster.total_rows).unwrap_or(usize::MAX);
    let errors = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .count();
    let warnings = problems.len() - errors;
    let facts: [(&str, String); 8] = [
        ("Tệp / File", roster.file_name.clone()),
        ("Trang tính / Sheet", roster.sheet.clone()),
        (
            "Dòng tiêu đề / Header rows",
            format!("{}–{}", roster.header_rows.0, roster.header_rows.1),
        ),
        ("Số người trong tệp / Person rows", total.to_string()),
        (
            "Dòng hợp lệ / Valid rows",
            total.saturating_sub(invalid).to_string(),
        ),
        ("Dòng có lỗi / Rows with errors", invalid.to_string()),
        ("Số lỗi / Errors", errors.to_string()),
        ("Số cảnh báo / Warnings", warnings.to_string()),
    ];
    let mut row = 2u32;
    for (label, value) in facts {
        ws.write_text_with_format(row, 0, label, &bold)?;
        ws.write_text(row, 1, value)?;
        row += 1;
    }
    row += 1;
    ws.write_text(
        row,
        0,
        "Ô có lỗi tô đỏ, ô có cảnh báo tô vàng; cột \"Lỗi / Errors\" ở cuối mỗi dòng ghi rõ cần sửa gì. \
         Sửa rồi tải lại chính tệp này.",
    )?;
    ws.write_text(
        row + 1,
        0,
        "Cells with errors are red, warnings yellow; the \"Lỗi / Errors\" column at the end of each row \
         says what to fix. Fix them and upload this file again.",
    )?;
    row += 3;

    // Counts by code, errors first.
    let mut by_code: BTreeMap<(u8, &str), (usize, &Problem)> = BTreeMap::new();
    for p in problems {
        let key = (u8::from(p.severity == Severity::Warning), p.code);
        by_code.entry(key).or_insert((0, p)).0 += 1;
    }
    let heads = [
        "Mã / Code",
        "Mức độ / Severity",
        "Số lần / Count",
        "Ví dụ / Example (VI)",
        "Example (EN)",
    ];
    for (c, h) in (0u16..).zip(heads) {
        ws.write_text_with_format(row, c, h, &head)?;
    }
    for ((warning, code), (count, example)) in &by_code {
        row += 1;
        ws.write_text(row, 0, *code)?;
        ws.write_text(
            row,
            1,
            if *warning == 1 {
                "Cảnh báo / Warning"
            } else {
                "Lỗi / Error"
            },
        )?;
        ws.write_number(row, 2, f64::from(u32::try_from(*count).unwrap_or(u32::MAX)))?;
        ws.write_text_with_format(row, 3, &example.message_vi, &wrap)?;
        ws.write_text_with_format(row, 4, &example.message_en, &wrap)?;
    }
    if !general.is_empty() {
        row += 2;
        ws.write_text_with_format(
            row,
            0,
            "Vấn đề của trang tính và dòng tiêu đề / Problems of the sheet and the header",
            &bold,
        )?;
        for (c, h) in (0u16..).zip([
            "Dòng / Row",
            "Cột / Column",
            "Mã / Code",
            "Tiếng Việt",
            "English",
        ]) {
            ws.write_text_with_format(row + 1, c, h, &head)?;
        }
        row += 1;
        for p in general {
            row += 1;
            if let Some(r) = p.row {
                ws.write_number(row, 0, f64::from(r))?;
            }
            ws.write_text(row, 1, p.column.as_deref().unwrap_or(""))?;
            ws.write_text(row, 2, p.code)?;
            ws.write_text_with_format(row, 3, &p.message_vi, &wrap)?;
            ws.write_text_with_format(row, 4, &p.message_en, &wrap)?;
        }
    }
    ws.set_column_width(0, 34)?;
    ws.set_column_width(1, 28)?;
    ws.set_column_width(2, 26)?;
    ws.set_column_width(3, 60)?;
    ws.set_column_width(4, 60)?;
    Ok(())
}

/// Cell formats: plain, error, warning — each also as a date.
struct Styles {
    date: Format,
    error: Format,
    error_date: Format,
    warning: Format,
    warning_date: Format,
    header: Format,
    header_error: Format,
    header_warning: Format,
    errors_text: Format,
}

impl Styles {
    fn new() -> Self {
        let red = Color::RGB(0xFFC7CE);
        let yellow = Color::RGB(0xFFEB9C);
        let date = Format::new().set_num_format(DATE_FORMAT);
        let header = Format::new()
            .set_bold()
            .set_text_wrap()
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter)
            .set_border(FormatBorder::Thin)
            .set_background_color(Color::RGB(0xDDEBF7));
        Styles {
            error: Format::new()
                .set_background_color(red)
                .set_font_color(Color::RGB(0x9C0006)),
            error_date: date
                .clone()
                .set_background_color(red)
                .set_font_color(Color::RGB(0x9C0006)),
            warning: Format::new().set_background_color(yellow),
            warning_date: date.clone().set_background_color(yellow),
            date,
            header_error: header.clone().set_background_color(red),
            header_warning: header.clone().set_background_color(yellow),
            header,
            errors_text: Format::new()
                .set_text_wrap()
                .set_align(FormatAlign::Top)
                .set_font_color(Color::RGB(0x9C0006)),
        }
    }

    fn pick(&self, header: bool, date: bool, severity: Option<Severity>) -> Option<&Format> {
        match (header, severity, date) {
            (true, None, _) => Some(&self.header),
            (true, Some(Severity::Error), _) => Some(&self.header_error),
            (true, Some(Severity::Warning), _) => Some(&self.header_warning),
            (false, None, false) => None,
            (false, None, true) => Some(&self.date),
            (false, Some(Severity::Error), false) => Some(&self.error),
            (false, Some(Severity::Error), true) => Some(&self.error_date),
            (false, Some(Severity::Warning), false) => Some(&self.warning),
            (false, Some(Severity::Warning), true) => Some(&self.warning_date),
        }
    }
}

fn data_sheet(
    ws: &mut Worksheet,
    name: &str,
    grid: &Grid<'_>,
    roster: &ParsedRoster,
    by_row: &BTreeMap<u32, Vec<&Problem>>,
) -> Result<(), WriteError> {
    ws.set_name(name)?;
    let styles = Styles::new();
    // Problems name their column by its header as written; find the sheet column.
    let mut column_of: HashMap<&str, usize> = HashMap::new();
    for m in &roster.columns {
        column_of.entry(m.header.as_str()).or_insert(m.index);
    }
    for u in &roster.unknown_columns {
        column_of.entry(u.header.as_str()).or_insert(u.index);
    }
    let (header_first, header_last) = roster.header_rows;
    let last_problem_row = by_row.keys().next_back().copied().unwrap_or(0);
    let table_width = grid
        .rows
        .iter()
        .filter(|r| r.number >= header_first && r.number <= header_last.max(last_problem_row))
        .map(|r| r.cells.len())
        .chain(roster.columns.iter().map(|m| m.index + 1))
        .chain(roster.unknown_columns.iter().map(|u| u.index + 1))
        .max()
        .unwrap_or(1);
    let errors_col = col_num(table_width)?;

    let mut notes = 0usize;
    let mut flagged: Vec<(usize, Severity)> = Vec::new();
    let mut text = String::new();
    for row in &grid.rows {
        let r = row.number.saturating_sub(1);
        let is_header = (header_first..=header_last).contains(&row.number);
        let problems = by_row.get(&row.number).map_or(&[][..], Vec::as_slice);
        flagged.clear();
        for p in problems {
            if let Some(c) = p.column.as_deref().and_then(|h| column_of.get(h)) {
                match flagged.iter_mut().find(|(i, _)| i == c) {
                    Some((_, s)) if p.severity == Severity::Error => *s = Severity::Error,
                    Some(_) => {}
                    None => flagged.push((*c, p.severity)),
                }
            }
        }
        for (i, cell) in row.cells.iter().enumerate() {
            let severity = flagged.iter().find(|(c, _)| *c == i).map(|(_, s)| *s);
            write_cell(
                ws,
                r,
                col_num(i)?,
                cell,
                styles.pick(is_header, matches!(cell, Cell::Date(_)), severity),
            )?;
        }
        // Flagged cells that are empty (a required value missing) are filled too.
        for (i, severity) in &flagged {
            if row.get(*i).is_empty()
                && let Some(f) = styles.pick(is_header, false, Some(*severity))
            {
                ws.write_blank(r, col_num(*i)?, f)?;
            }
        }
        for (i, _) in &flagged {
            if notes >= MAX_NOTES {
                break;
            }
            let header = problems
                .iter()
                .filter(|p| p.column.as_deref().and_then(|h| column_of.get(h)) == Some(i));
            let body: Vec<String> = header
                .map(|p| format!("{}\n{} ({})", p.message_vi, p.message_en, p.code))
                .collect();
            ws.insert_note(
                r,
                col_num(*i)?,
                &Note::new(clip(&body.join("\n"), 2_000))
                    .set_author("staffpay")
                    .add_author_prefix(false)
                    .set_width(300)
                    .set_height(110),
            )?;
            notes += 1;
        }
        if row.number == header_first {
            // The added column's heading spans the header rows.
            let bottom = header_last.saturating_sub(1);
            if r == bottom {
                ws.write_text_with_format(r, errors_col, ERRORS_HEADER, &styles.header)?;
            } else {
                ws.merge_text(
                    r,
                    errors_col,
                    bottom,
                    errors_col,
                    ERRORS_HEADER,
                    &styles.header,
                )?;
            }
        }
        if !is_header && !problems.is_empty() {
            text.clear();
            for p in problems {
                if !text.is_empty() {
                    text.push('\n');
                }
                text.push_str(&problem_line(p));
            }
            ws.write_text_with_format(
                r,
                errors_col,
                clip(&text, MAX_CELL_CHARS),
                &styles.errors_text,
            )?;
        }
    }

    ws.set_column_width(errors_col, 70)?;
    for m in &roster.columns {
        let chars = m.header.chars().count().clamp(8, 36);
        ws.set_column_width(
            col_num(m.index)?,
            f64::from(u32::try_from(chars).unwrap_or(36)) + 2.0,
        )?;
    }
    ws.set_freeze_panes(header_last, 0)?;
    Ok(())
}

/// One line of the errors cell: `Cột: vi — en`, warnings marked as such.
pub fn problem_line(p: &Problem) -> String {
    let mut line = String::new();
    if p.severity == Severity::Warning {
        line.push_str("[Cảnh báo / Warning] ");
    }
    if let Some(c) = &p.column {
        line.push_str(c);
        line.push_str(": ");
    }
    line.push_str(&p.message_vi);
    line.push_str(" — ");
    line.push_str(&p.message_en);
    line
}

fn write_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell<'_>,
    format: Option<&Format>,
) -> Result<(), WriteError> {
    match cell {
        Cell::Empty | Cell::NoCachedValue => {
            if let Some(f) = format {
                ws.write_blank(row, col, f)?;
            }
        }
        Cell::Text(t) => {
            let t = clip(t, MAX_CELL_CHARS);
            match format {
                Some(f) => ws.write_text_with_format(row, col, t, f)?,
                None => ws.write_text(row, col, t)?,
            };
        }
        Cell::Error(e) => {
            match format {
                Some(f) => ws.write_text_with_format(row, col, *e, f)?,
                None => ws.write_text(row, col, *e)?,
            };
        }
        Cell::Int(i) => write_number(ws, row, col, int_f64(*i), format)?,
        Cell::Float(f) => write_number(ws, row, col, *f, format)?,
        Cell::Bool(b) => {
            match format {
                Some(f) => ws.write_boolean_with_format(row, col, *b, f)?,
                None => ws.write_boolean(row, col, *b)?,
            };
        }
        Cell::Date(d) => write_number(ws, row, col, excel_date(*d)?.to_excel(), format)?,
    }
    Ok(())
}

fn write_number(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    n: f64,
    format: Option<&Format>,
) -> Result<(), XlsxError> {
    match format {
        Some(f) => ws.write_number_with_format(row, col, n, f)?,
        None => ws.write_number(row, col, n)?,
    };
    Ok(())
}

/// An integer cell back as the number it was (exact below 2^53, as in the original file).
fn int_f64(i: i64) -> f64 {
    match i32::try_from(i) {
        Ok(small) => f64::from(small),
        Err(_) => i.to_string().parse().unwrap_or(f64::NAN),
    }
}

fn col_num(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i)
        .ok()
        .filter(|c| *c < 16_384)
        .ok_or(XlsxError::RowColumnLimitError)
}

fn clip(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_valid_for_excel() {
        assert_eq!(sheet_name(""), "Danh sách");
        assert_eq!(sheet_name("DS/2025:[1]"), "DS20251");
        assert_eq!(sheet_name(&"x".repeat(40)).len(), 31);
        assert_eq!(sheet_name(SUMMARY_SHEET), "Danh sách");
    }

    #[test]
    fn problem_lines_name_the_column_in_both_languages() {
        let p = Problem {
            sheet: "S".into(),
            row: Some(5),
            column: Some("Ngày sinh".into()),
            value: None,
            code: "DATE_INVALID",
            message_vi: "Ngày không có thật".into(),
            message_en: "No such day".into(),
            severity: Severity::Warning,
        };
        assert_eq!(
            problem_line(&p),
            "[Cảnh báo / Warning] Ngày sinh: Ngày không có thật — No such day"
        );
    }
}
