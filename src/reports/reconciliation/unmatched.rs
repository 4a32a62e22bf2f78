//! Sao kê: the statement lines matched to no payment and, below them, the payments matched
//! to no statement line, each block with its total.

use crate::export::SafeText as _;

use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{
    Cell, Fit, TableColumn, Total, add_sums, fit_row, fit_totals, headers, write_row, write_total,
};
use crate::db::payments::{OpenPayment, StatementLineRow};
use crate::reports::data::ReportData;
use crate::xlsx::sheet::{Formats, Widths, c, heading};

/// A column of the statement lines.
type LineColumn = TableColumn<StatementLineRow>;
/// A column of the payments.
type PaymentColumn = TableColumn<OpenPayment>;

/// The statement lines' columns, left to right.
const LINE_COLUMNS: &[LineColumn] = &[
    LineColumn::new("Số dòng", "Line id", 8, |l, _| Cell::Int(l.id.0))
        .total(Total::Label("Tổng cộng / Total")),
    LineColumn::new("Mã đơn vị", "Unit code", 9, |l, d| {
        Cell::text(d.units.get(&l.unit_id).map_or("", |u| u.code.as_str()))
    }),
    LineColumn::new("Ngày", "Date", 11, |l, _| Cell::Date(l.line_date)),
    LineColumn::new("Số tiền (đồng)", "Amount (VND)", 14, |l, _| {
        Cell::Money(l.amount_vnd)
    })
    .fit(Fit::Total)
    .total(Total::Sum),
    LineColumn::new("Tài khoản", "Account", 14, |l, _| {
        Cell::text_or_blank(l.account_no.as_deref())
    })
    .fit(Fit::Text),
    LineColumn::new("Người nhận", "Counterparty", 18, |l, _| {
        Cell::text_or_blank(l.counterparty.as_deref())
    })
    .fit(Fit::Text),
    LineColumn::new("Nội dung", "Description", 30, |l, _| {
        Cell::text(&l.description)
    })
    .fit(Fit::Text),
    LineColumn::new("Mã giao dịch", "Bank reference", 14, |l, _| {
        Cell::text_or_blank(l.bank_reference.as_deref())
    })
    .fit(Fit::Text),
    LineColumn::new("Lý do chưa khớp", "Why not matched", 24, |l, _| {
        Cell::text_or_blank(l.unmatched_reason.as_deref())
    })
    .fit(Fit::Text),
];

/// The payments' columns, left to right (the block shares the lines' column widths).
const PAYMENT_COLUMNS: &[PaymentColumn] = &[
    PaymentColumn::new("Số khoản chi", "Payment id", 8, |p, _| {
        Cell::Int(p.id.0)
    })
    .total(Total::Label("Tổng cộng / Total")),
    PaymentColumn::new("Mã hồ sơ", "Case", 8, |p, _| Cell::Int(p.case_id.0)),
    PaymentColumn::new("Mã thanh toán", "Payment reference", 16, |p, _| {
        Cell::text(&p.payment_reference)
    }),
    PaymentColumn::new("Họ và tên", "Name", 18, |p, _| Cell::text(&p.full_name)).fit(Fit::Text),
    PaymentColumn::new("Tài khoản", "Account", 14, |p, _| {
        Cell::text_or_blank(p.bank_account.as_deref())
    }),
    PaymentColumn::new("Số tiền (đồng)", "Amount (VND)", 14, |p, _| {
        Cell::Money(p.amount_vnd)
    })
    .fit(Fit::Total)
    .total(Total::Sum),
    PaymentColumn::new("Ngày chi", "Paid on", 11, |p, _| Cell::Date(p.paid_on)),
    PaymentColumn::new("Mã đơn vị", "Unit code", 9, |p, _| {
        Cell::text(&p.unit_code)
    }),
];

pub(super) fn statement_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    data: &ReportData,
) -> Result<(), XlsxError> {
    let columns = headers(LINE_COLUMNS);
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
        &columns,
    )?;
    let mut widths = Widths::new(&columns);
    let mut sums = vec![0i64; LINE_COLUMNS.len()];
    let mut row = first;
    for l in &data.open_lines {
        fit_row(&mut widths, LINE_COLUMNS, l, data);
        add_sums(&mut sums, LINE_COLUMNS, l, data);
        write_row(sheet, formats, row, LINE_COLUMNS, l, data)?;
        row += 1;
    }
    write_total(sheet, formats, row, first, LINE_COLUMNS, &sums, None)?;
    fit_totals(&mut widths, LINE_COLUMNS, &sums);
    let lines_last = row.max(first) - 1;
    sheet.autofilter(
        first - 1,
        0,
        lines_last.max(first - 1),
        c(LINE_COLUMNS.len() - 1),
    )?;

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
    for (i, t) in PAYMENT_COLUMNS.iter().enumerate() {
        sheet.write_text_with_format(head + 2, c(i), t.column.vi, &formats.header)?;
        sheet.write_text_with_format(head + 3, c(i), t.column.en, &formats.header_en)?;
    }
    let pfirst = head + 4;
    let mut sums = vec![0i64; PAYMENT_COLUMNS.len()];
    let mut row = pfirst;
    for p in &data.open_payments {
        fit_row(&mut widths, PAYMENT_COLUMNS, p, data);
        add_sums(&mut sums, PAYMENT_COLUMNS, p, data);
        write_row(sheet, formats, row, PAYMENT_COLUMNS, p, data)?;
        row += 1;
    }
    write_total(sheet, formats, row, pfirst, PAYMENT_COLUMNS, &sums, None)?;
    fit_totals(&mut widths, PAYMENT_COLUMNS, &sums);
    widths.apply(sheet)?;
    Ok(())
}
