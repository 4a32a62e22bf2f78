//! The Treasury payment list ("Danh sách chi trả") of one unit and the units below it: every
//! funded case not yet fully paid, with the person's bank account and the amount still due —
//! what an agency sends to the State Treasury or its bank. Cases without a bank account go on
//! a separate sheet, never silently dropped.

use crate::domain::ids::CaseId;
use crate::export::SafeText as _;
use chrono::NaiveDate;
use rust_xlsxwriter::{Formula, RowNum, Workbook, Worksheet, XlsxError};

use super::data::Scope;
use super::reconciliation::Generated;
use crate::db::DbConnection;
use crate::db::payments::visible_units;
use crate::error::AppError;
use crate::xlsx::sheet::{Column, Formats, Mark, Widths, c, cell, heading, money_width, vnd};
use crate::xlsx::write::fixed_properties;

/// Sheet names.
pub const WITH_ACCOUNT: &str = "Danh sách chi trả";
pub const WITHOUT_ACCOUNT: &str = "Chưa có tài khoản";

/// One line of the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PayLine {
    pub case_id: CaseId,
    pub full_name: String,
    pub national_id: String,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub unit_code: String,
    pub due_vnd: i64,
    pub payment_reference: String,
    /// A supplementary payment ("chi bổ sung"): the entitlement was raised after approval and
    /// some of it is paid; `(original, new total)`.
    pub supplement: Option<(i64, i64)>,
}

/// The note a supplementary line carries.
pub const SUPPLEMENT_NOTE: &str = "Chi bổ sung theo Nghị định 67/2025/NĐ-CP";

/// Funded cases (payable or partially paid) of the scope with money still due, by unit code
/// and case id.
pub fn load(conn: &mut DbConnection, scope: &Scope) -> Result<Vec<PayLine>, AppError> {
    let units = visible_units(conn, &scope.units)?;
    let rows = crate::db::reports::payable(conn, units)?;
    Ok(rows
        .into_iter()
        .map(|row| {
            let (e, p, o) = (row.entitled_vnd, row.paid_vnd, row.original_entitled_vnd);
            PayLine {
                case_id: row.case_id,
                full_name: row.full_name,
                national_id: row.national_id,
                bank_account: row.bank_account.filter(|a| !a.trim().is_empty()),
                bank_name: row.bank_name,
                unit_code: row.unit_code,
                due_vnd: e - p,
                payment_reference: row.payment_reference,
                supplement: o.filter(|o| *o < e && p > 0).map(|o| (o, e)),
            }
        })
        .collect())
}

const COLUMNS: [Column; 12] = [
    Column::new("STT", "No.", 5),
    Column::new("Họ và tên", "Name", 20),
    Column::new("Số định danh", "National id", 13),
    Column::new("Số tài khoản", "Bank account", 16),
    Column::new("Ngân hàng", "Bank", 14),
    Column::new("Số tiền (đồng)", "Amount (VND)", 14),
    Column::new("Nội dung chi (mã thanh toán)", "Payment reference", 18),
    Column::new("Mã hồ sơ", "Case", 8),
    Column::new("Mã đơn vị", "Unit code", 9),
    Column::new(
        "Số được hưởng ban đầu (đồng)",
        "Original entitlement (VND)",
        14,
    ),
    Column::new("Số được hưởng mới (đồng)", "New entitlement (VND)", 14),
    Column::new("Ghi chú", "Note", 24),
];

/// Builds the workbook: payable lines, then the lines without an account.
pub fn build(
    lines: &[PayLine],
    scope: &Scope,
    on: NaiveDate,
    generated: &Generated,
) -> Result<Workbook, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties("Danh sách chi trả / Payment list")?);
    let (with, without): (Vec<&PayLine>, Vec<&PayLine>) =
        lines.iter().partition(|l| l.bank_account.is_some());
    let when = on.format("%d/%m/%Y");
    list_sheet(
        workbook.add_worksheet().set_name(WITH_ACCOUNT)?,
        &formats,
        &with,
        &format!(
            "Danh sách chi trả trợ cấp theo Nghị định 178/2024/NĐ-CP – {} – ngày {when} – lập bởi {}",
            scope.label_vi(),
            generated.by
        ),
        &format!(
            "Payment list under Decree 178/2024/ND-CP – {} – {on}",
            scope.label_en()
        ),
    )?;
    list_sheet(
        workbook.add_worksheet().set_name(WITHOUT_ACCOUNT)?,
        &formats,
        &without,
        &format!(
            "Hồ sơ đủ điều kiện chi nhưng chưa có số tài khoản ngân hàng – {} – ngày {when}: bổ sung tài khoản hoặc chi tiền mặt",
            scope.label_vi()
        ),
        &format!(
            "Payable cases without a bank account – {} – {on}: add the account or pay in cash",
            scope.label_en()
        ),
    )?;
    Ok(workbook)
}

fn list_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    lines: &[&PayLine],
    title_vi: &str,
    title_en: &str,
) -> Result<(), XlsxError> {
    let first = heading(sheet, formats, title_vi, title_en, &COLUMNS)?;
    let mut widths = Widths::new(&COLUMNS);
    let text = formats.text(Mark::None);
    let int = formats.int(Mark::None);
    let money = formats.money(Mark::None);
    let mut row: RowNum = first;
    let mut total = 0i64;
    for (i, l) in lines.iter().enumerate() {
        widths.see_text(1, &l.full_name);
        sheet.write_number_with_format(row, 0, vnd(i64::try_from(i + 1).unwrap_or(0))?, int)?;
        sheet.write_text_with_format(row, 1, &l.full_name, text)?;
        sheet.write_text_with_format(row, 2, &l.national_id, text)?;
        if let Some(a) = &l.bank_account {
            widths.see_text(3, a);
            sheet.write_text_with_format(row, 3, a, text)?;
        }
        if let Some(b) = &l.bank_name {
            widths.see_text(4, b);
            sheet.write_text_with_format(row, 4, b, text)?;
        }
        sheet.write_number_with_format(row, 5, vnd(l.due_vnd)?, money)?;
        sheet.write_text_with_format(row, 6, &l.payment_reference, text)?;
        sheet.write_number_with_format(row, 7, vnd(l.case_id.0)?, int)?;
        sheet.write_text_with_format(row, 8, &l.unit_code, text)?;
        if let Some((original, new_total)) = l.supplement {
            sheet.write_number_with_format(row, 9, vnd(original)?, money)?;
            sheet.write_number_with_format(row, 10, vnd(new_total)?, money)?;
            sheet.write_text_with_format(row, 11, SUPPLEMENT_NOTE, text)?;
            widths.see_text(11, SUPPLEMENT_NOTE);
        }
        total += l.due_vnd;
        row += 1;
    }
    let t = Mark::Total;
    sheet.write_text_with_format(
        row,
        1,
        format!(
            "Tổng cộng: {} người / Total: {} people",
            lines.len(),
            lines.len()
        ),
        formats.text(t),
    )?;
    let f = if lines.is_empty() {
        Formula::new("=0").set_result("0")
    } else {
        Formula::new(format!("=SUM({}:{})", cell(first, 5), cell(row - 1, 5)))
            .set_result(total.to_string())
    };
    sheet.write_formula_with_format(row, 5, f, formats.money(t))?;
    widths.see(5, money_width(total));
    widths.apply(sheet)?;
    sheet.autofilter(first - 1, 0, row.max(first) - 1, c(COLUMNS.len() - 1))?;
    Ok(())
}
