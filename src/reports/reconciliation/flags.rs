//! Cảnh báo: the open flags, with what to do about each.

use crate::export::SafeText as _;

use rust_xlsxwriter::{Worksheet, XlsxError};

use crate::reports::data::ReportData;
use crate::reports::sheet::{Column, Formats, Mark, Widths, heading, vnd, write_date};

const FLAG_COLUMNS: [Column; 11] = [
    Column::new("Cảnh báo", "Flag", 24),
    Column::new("Mã đơn vị", "Unit code", 9),
    Column::new("Đơn vị", "Unit", 20),
    Column::new("Mã hồ sơ", "Case", 8),
    Column::new("Dòng sao kê", "Statement line", 8),
    Column::new("Từ ngày", "Since", 11),
    Column::new("Số ngày", "Age (days)", 8),
    Column::new("Được hưởng (đồng)", "Entitled (VND)", 14),
    Column::new("Đã chi (đồng)", "Paid (VND)", 14),
    Column::new("Việc cần làm", "What to do (Vietnamese)", 40),
    Column::new("What to do", "What to do (English)", 40),
];

pub(super) fn flags_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    data: &ReportData,
) -> Result<(), XlsxError> {
    let first = heading(
        sheet,
        formats,
        &format!(
            "Cảnh báo đang mở – đến ngày {}",
            data.as_of.format("%d/%m/%Y")
        ),
        &format!("Open flags – as of {}", data.as_of),
        &FLAG_COLUMNS,
    )?;
    let mut widths = Widths::new(&FLAG_COLUMNS);
    let text = formats.text(Mark::None);
    let int = formats.int(Mark::None);
    let money = formats.money(Mark::None);
    let mut row = first;
    for f in &data.flags {
        widths.see_text(0, f.kind.label_vi());
        widths.see_text(2, &f.unit_name);
        sheet.write_text_with_format(row, 0, f.kind.label_vi(), text)?;
        sheet.write_text_with_format(row, 1, &f.unit_code, text)?;
        sheet.write_text_with_format(row, 2, &f.unit_name, text)?;
        if let Some(id) = f.case_id {
            sheet.write_number_with_format(row, 3, vnd(id)?, int)?;
        }
        if let Some(id) = f.statement_line_id {
            sheet.write_number_with_format(row, 4, vnd(id)?, int)?;
        }
        write_date(sheet, row, 5, f.since, formats)?;
        sheet.write_number_with_format(row, 6, vnd(f.age_days)?, int)?;
        if let Some(v) = f.entitled_vnd {
            sheet.write_number_with_format(row, 7, vnd(v)?, money)?;
        }
        if let Some(v) = f.paid_vnd {
            sheet.write_number_with_format(row, 8, vnd(v)?, money)?;
        }
        sheet.write_text_with_format(row, 9, f.action_vi, &formats.wrap)?;
        sheet.write_text_with_format(row, 10, f.action_en, &formats.wrap)?;
        row += 1;
    }
    if data.flags.is_empty() {
        sheet.write_text(row, 0, "Không có cảnh báo nào / No open flags")?;
    }
    widths.apply(sheet)?;
    sheet.autofilter(first - 1, 0, (row.max(first) - 1).max(first - 1), 10)?;
    Ok(())
}
