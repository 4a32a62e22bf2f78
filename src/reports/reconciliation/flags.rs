//! Cảnh báo: the open flags, with what to do about each.

use crate::export::SafeText as _;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{
    Cell, Fit, SharedFormats, TableColumn, fit_row_shared, headers, write_row_shared,
};
use crate::reports::data::ReportData;
use crate::services::flags::FlagRow;
use crate::xlsx::sheet::{Formats, Widths, c, heading};

/// A column of the flags sheet.
type FlagColumn = TableColumn<FlagRow>;

/// The flags sheet's columns, left to right.
const FLAG_COLUMNS: &[FlagColumn] = &[
    FlagColumn::new("Cảnh báo", "Flag", 24, |f, _| {
        Cell::text(f.kind.label_vi())
    })
    .fit(Fit::Text),
    FlagColumn::new("Mã đơn vị", "Unit code", 9, |f, _| {
        Cell::text(&f.unit_code)
    }),
    FlagColumn::new("Đơn vị", "Unit", 20, |f, _| Cell::text(&f.unit_name)).fit(Fit::Text),
    FlagColumn::new("Mã hồ sơ", "Case", 8, |f, _| {
        f.case_id.map_or(Cell::Blank, |id| Cell::Int(id.0))
    }),
    FlagColumn::new("Dòng sao kê", "Statement line", 8, |f, _| {
        f.statement_line_id
            .map_or(Cell::Blank, |id| Cell::Int(id.0))
    }),
    FlagColumn::new("Từ ngày", "Since", 11, |f, _| Cell::Date(f.since)),
    FlagColumn::new("Số ngày", "Age (days)", 8, |f, _| Cell::Int(f.age_days)),
    FlagColumn::new(
        "Được hưởng (đồng)",
        "Entitled (VND)",
        14,
        |f, _| f.entitled_vnd.map_or(Cell::Blank, Cell::Money),
    ),
    FlagColumn::new("Đã chi (đồng)", "Paid (VND)", 14, |f, _| {
        f.paid_vnd.map_or(Cell::Blank, Cell::Money)
    }),
    FlagColumn::new(
        "Việc cần làm",
        "What to do (Vietnamese)",
        40,
        |f, _| Cell::Wrapped(f.action_vi),
    ),
    FlagColumn::new("What to do", "What to do (English)", 40, |f, _| {
        Cell::Wrapped(f.action_en)
    }),
];

/// One sheet of open flags: `flags`, part `n` of `parts` (a national report can need more
/// than one sheet).
pub(super) fn flags_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    data: &ReportData,
    flags: &[FlagRow],
    (n, parts): (usize, usize),
) -> Result<(), XlsxError> {
    let columns = headers(FLAG_COLUMNS);
    // Widths first: the sheet is written row by row in constant-memory mode (a national
    // report can list a flag for every case).
    let mut widths = Widths::new(&columns);
    let mut shared = SharedFormats::new(FLAG_COLUMNS.len());
    for f in flags {
        fit_row_shared(&mut widths, &mut shared, FLAG_COLUMNS, f, data);
    }
    widths.apply(sheet)?;
    shared.apply(sheet, formats)?;
    let first = heading(
        sheet,
        formats,
        &format!(
            "Cảnh báo đang mở – đến ngày {}{}",
            data.as_of.format("%d/%m/%Y"),
            if parts > 1 {
                format!(" (phần {n}/{parts})")
            } else {
                String::new()
            }
        ),
        &format!(
            "Open flags – as of {}{}",
            data.as_of,
            if parts > 1 {
                format!(" (part {n} of {parts})")
            } else {
                String::new()
            }
        ),
        &columns,
    )?;
    let mut row = first;
    for f in flags {
        write_row_shared(sheet, formats, &shared, row, FLAG_COLUMNS, f, data)?;
        row += 1;
    }
    if flags.is_empty() {
        sheet.write_text(row, 0, "Không có cảnh báo nào / No open flags")?;
    }
    sheet.autofilter(
        first - 1,
        0,
        (row.max(first) - 1).max(first - 1),
        c(FLAG_COLUMNS.len() - 1),
    )?;
    Ok(())
}
