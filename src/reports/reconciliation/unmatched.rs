//! Sao kê: the statement lines matched to no payment and, below them, the payments matched
//! to no statement line, each block with its total.

use crate::export::SafeText as _;

use rust_xlsxwriter::{ColNum, Formula, RowNum, Worksheet, XlsxError};

use crate::reports::data::ReportData;
use crate::reports::sheet::{
    Column, Formats, Mark, Widths, c, cell, heading, money_width, vnd, write_date,
};

const LINE_COLUMNS: [Column; 9] = [
    Column::new("Số dòng", "Line id", 8),
    Column::new("Mã đơn vị", "Unit code", 9),
    Column::new("Ngày", "Date", 11),
    Column::new("Số tiền (đồng)", "Amount (VND)", 14),
    Column::new("Tài khoản", "Account", 14),
    Column::new("Người nhận", "Counterparty", 18),
    Column::new("Nội dung", "Description", 30),
    Column::new("Mã giao dịch", "Bank reference", 14),
    Column::new("Lý do chưa khớp", "Why not matched", 24),
];

const PAYMENT_COLUMNS: [Column; 8] = [
    Column::new("Số khoản chi", "Payment id", 8),
    Column::new("Mã hồ sơ", "Case", 8),
    Column::new("Mã thanh toán", "Payment reference", 16),
    Column::new("Họ và tên", "Name", 18),
    Column::new("Tài khoản", "Account", 14),
    Column::new("Số tiền (đồng)", "Amount (VND)", 14),
    Column::new("Ngày chi", "Paid on", 11),
    Column::new("Mã đơn vị", "Unit code", 9),
];

pub(super) fn statement_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    data: &ReportData,
) -> Result<(), XlsxError> {
    let first = heading(
        sheet,
        formats,
        &format!(
            "Dòng sao kê chưa khớp với khoản chi – đến ngày {}",
            data.as_of.format("%d/%m/%Y")
        ),
        &format!(
            "Statement lines matched to no payment – as of {}",
            data.as_of
        ),
        &LINE_COLUMNS,
    )?;
    let mut widths = Widths::new(&LINE_COLUMNS);
    let text = formats.text(Mark::None);
    let int = formats.int(Mark::None);
    let money = formats.money(Mark::None);
    let code_of = |id: i64| data.units.get(&id).map_or("", |u| u.code.as_str());
    let mut row = first;
    for l in &data.open_lines {
        sheet.write_number_with_format(row, 0, vnd(l.id)?, int)?;
        sheet.write_text_with_format(row, 1, code_of(l.unit_id), text)?;
        write_date(sheet, row, 2, l.line_date, formats)?;
        sheet.write_number_with_format(row, 3, vnd(l.amount_vnd)?, money)?;
        for (col, v) in [
            (4, &l.account_no),
            (5, &l.counterparty),
            (7, &l.bank_reference),
        ] {
            if let Some(v) = v {
                widths.see_text(col, v);
                sheet.write_text_with_format(row, c(col), v, text)?;
            }
        }
        widths.see_text(6, &l.description);
        sheet.write_text_with_format(row, 6, &l.description, text)?;
        if let Some(why) = &l.unmatched_reason {
            widths.see_text(8, why);
            sheet.write_text_with_format(row, 8, why, text)?;
        }
        row += 1;
    }
    let lines_total: i64 = data.open_lines.iter().map(|l| l.amount_vnd).sum();
    total_row(sheet, formats, row, first, 3, lines_total)?;
    let lines_last = row.max(first) - 1;
    sheet.autofilter(first - 1, 0, lines_last.max(first - 1), 8)?;

    // Payments block, below.
    let head = row + 3;
    sheet.write_text_with_format(
        head,
        0,
        "Khoản chi chưa khớp với dòng sao kê nào",
        &formats.title,
    )?;
    sheet.write_text_with_format(
        head + 1,
        0,
        "Payments matched to no statement line",
        &formats.subtitle,
    )?;
    for (i, col) in PAYMENT_COLUMNS.iter().enumerate() {
        sheet.write_text_with_format(head + 2, c(i), col.vi, &formats.header)?;
        sheet.write_text_with_format(head + 3, c(i), col.en, &formats.header_en)?;
    }
    let pfirst = head + 4;
    let mut row = pfirst;
    for p in &data.open_payments {
        sheet.write_number_with_format(row, 0, vnd(p.id)?, int)?;
        sheet.write_number_with_format(row, 1, vnd(p.case_id)?, int)?;
        sheet.write_text_with_format(row, 2, &p.payment_reference, text)?;
        widths.see_text(3, &p.full_name);
        sheet.write_text_with_format(row, 3, &p.full_name, text)?;
        if let Some(a) = &p.bank_account {
            sheet.write_text_with_format(row, 4, a, text)?;
        }
        sheet.write_number_with_format(row, 5, vnd(p.amount_vnd)?, money)?;
        write_date(sheet, row, 6, p.paid_on, formats)?;
        sheet.write_text_with_format(row, 7, &p.unit_code, text)?;
        row += 1;
    }
    let payments_total: i64 = data.open_payments.iter().map(|p| p.amount_vnd).sum();
    total_row(sheet, formats, row, pfirst, 5, payments_total)?;
    widths.see(3, money_width(lines_total));
    widths.see(5, money_width(payments_total));
    widths.apply(sheet)?;
    Ok(())
}

/// A "Tổng cộng" row summing `col` from `first` to the row above.
fn total_row(
    sheet: &mut Worksheet,
    formats: &Formats,
    row: RowNum,
    first: RowNum,
    col: ColNum,
    value: i64,
) -> Result<(), XlsxError> {
    let t = Mark::Total;
    sheet.write_text_with_format(row, 0, "Tổng cộng / Total", formats.text(t))?;
    let f = if row == first {
        Formula::new("=0").set_result("0")
    } else {
        Formula::new(format!("=SUM({}:{})", cell(first, col), cell(row - 1, col)))
            .set_result(value.to_string())
    };
    sheet.write_formula_with_format(row, col, f, formats.money(t))?;
    Ok(())
}
