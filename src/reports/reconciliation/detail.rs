//! Chi tiết: every case on one row (identity, scheme, S, each component, entitled, paid,
//! outstanding, state, flags, original and supplementary), written in constant-memory mode,
//! and a total row that leaves cancelled cases out.

use crate::export::SafeText as _;

use rust_xlsxwriter::{Formula, Worksheet, XlsxError};

use crate::domain::case_state::CaseState;
use crate::domain::entitlement::ComponentCode;
use crate::domain::flags::FlagKind;
use crate::domain::policy::leave_window_vi;
use crate::reports::data::ReportData;
use crate::reports::sheet::{
    Column, Formats, Mark, Widths, c, cell, col_name, heading, money_width, vnd,
};

/// Columns of the detail sheet before and after the components.
const DETAIL_HEAD: [Column; 9] = [
    Column::new("Mã hồ sơ", "Case", 8),
    Column::new("Họ và tên", "Name", 18),
    Column::new("Số định danh", "National id", 13),
    Column::new("Mã đơn vị", "Unit code", 9),
    Column::new("Đơn vị", "Unit", 20),
    Column::new("Chế độ", "Scheme", 14),
    Column::new("Nhóm", "Band", 10),
    Column::new("Thời điểm nghỉ", "Window", 12),
    Column::new("Tiền lương tháng S (đồng)", "Monthly salary S (VND)", 12),
];
const DETAIL_TAIL: [Column; 8] = [
    Column::new("Tổng được hưởng (đồng)", "Entitled (VND)", 14),
    Column::new("Đã chi (đồng)", "Paid (VND)", 14),
    Column::new("Còn phải chi (đồng)", "Outstanding (VND)", 14),
    Column::new("Trạng thái", "State", 12),
    Column::new("Mã thanh toán", "Payment reference", 16),
    Column::new("Cảnh báo", "Flags", 12),
    Column::new(
        "Số được hưởng ban đầu (đồng)",
        "Original entitlement (VND)",
        14,
    ),
    Column::new("Bổ sung (đồng)", "Supplementary (VND)", 14),
];

/// The detail sheet's columns.
pub fn detail_columns() -> Vec<Column> {
    let mut cols: Vec<Column> = DETAIL_HEAD.to_vec();
    cols.extend(
        ComponentCode::ALL
            .iter()
            .map(|c| Column::new(component_header_vi(*c), component_header_en(*c), 12)),
    );
    cols.extend(DETAIL_TAIL);
    cols
}

/// Column headers of the components (the engine's labels repeat between articles; these
/// name the article).
pub fn component_header_vi(c: ComponentCode) -> &'static str {
    match c {
        ComponentCode::MonthsEarly => "Trợ cấp theo số tháng nghỉ sớm (Điều 7)",
        ComponentCode::YearsEarly => "Trợ cấp theo số năm nghỉ sớm (Điều 7)",
        ComponentCode::InsuredYears => "Trợ cấp theo số năm đóng BHXH (Điều 7)",
        ComponentCode::Severance => "Trợ cấp thôi việc (Điều 9, 10)",
        ComponentCode::InsuredYearsQuit => "Trợ cấp theo số năm đóng BHXH (Điều 9, 10)",
        ComponentCode::JobSearch => "Trợ cấp tìm việc làm (Điều 9)",
        ComponentCode::PartTimeLump => "Trợ cấp một lần (NĐ 154)",
        ComponentCode::PartTimeYears => "Trợ cấp theo số năm công tác (NĐ 154)",
        ComponentCode::PartTimeJobSearch => "Trợ cấp tìm việc làm (NĐ 154)",
        ComponentCode::PartTimeFlat => "Trợ cấp một lần khi đủ tuổi (NĐ 154)",
        ComponentCode::LocalLump => "Hỗ trợ địa phương: một lần",
        ComponentCode::LocalYearsEarly => "Hỗ trợ địa phương: theo năm nghỉ sớm",
        ComponentCode::LocalInsuredYears => "Hỗ trợ địa phương: theo năm đóng BHXH",
    }
}

/// English column headers of the components.
pub fn component_header_en(c: ComponentCode) -> &'static str {
    match c {
        ComponentCode::MonthsEarly => "Months early (Art. 7)",
        ComponentCode::YearsEarly => "Years early (Art. 7)",
        ComponentCode::InsuredYears => "Insured years (Art. 7)",
        ComponentCode::Severance => "Severance (Art. 9, 10)",
        ComponentCode::InsuredYearsQuit => "Insured years (Art. 9, 10)",
        ComponentCode::JobSearch => "Job search (Art. 9)",
        ComponentCode::PartTimeLump => "Lump sum (Decree 154)",
        ComponentCode::PartTimeYears => "Years worked (Decree 154)",
        ComponentCode::PartTimeJobSearch => "Job search (Decree 154)",
        ComponentCode::PartTimeFlat => "Flat amount (Decree 154)",
        ComponentCode::LocalLump => "Provincial top-up: lump sum",
        ComponentCode::LocalYearsEarly => "Provincial top-up: per year early",
        ComponentCode::LocalInsuredYears => "Provincial top-up: per insured year",
    }
}

/// The flags of a case as one cell.
fn flags_text(kinds: &[FlagKind]) -> String {
    let mut out = String::new();
    for (i, k) in kinds.iter().enumerate() {
        if i > 0 {
            out.push_str("; ");
        }
        out.push_str(k.label_vi());
    }
    out
}

pub(super) fn detail_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    data: &ReportData,
) -> Result<(), XlsxError> {
    let columns = detail_columns();
    let n_comp = ComponentCode::ALL.len();
    let entitled_col = DETAIL_HEAD.len() + n_comp;
    let state_col = entitled_col + 3;
    let flags_col = state_col + 2;
    let original_col = flags_col + 1;
    let supplement_col = flags_col + 2;

    // Widths first: a constant-memory sheet is written row by row.
    let mut widths = Widths::new(&columns);
    let mut sums = vec![0i64; n_comp + 3];
    for case in &data.cases {
        widths.see_text(1, &case.full_name);
        if let Some(u) = data.units.get(&case.unit_id) {
            widths.see_text(3, &u.code);
            widths.see_text(4, &u.name);
        }
        widths.see_text(8, &case.salary_exact);
        widths.see(entitled_col, money_width(case.entitled_vnd));
        widths.see_text(state_col + 1, &case.payment_reference);
        if !case.flags.is_empty() {
            widths.see(flags_col, case.flags.len() * 30);
        }
        if case.state != CaseState::Cancelled {
            for (i, v) in case.components.iter().enumerate() {
                sums[i] += v;
            }
            sums[n_comp] += case.entitled_vnd;
            sums[n_comp + 1] += case.paid_vnd;
            sums[n_comp + 2] += case.outstanding_vnd();
        }
    }
    widths.see(entitled_col, money_width(sums[n_comp]));
    widths.apply(sheet)?;

    let first = heading(
        sheet,
        formats,
        &format!(
            "Chi tiết từng hồ sơ – số liệu đến ngày {}",
            data.as_of.format("%d/%m/%Y")
        ),
        &format!("Every case – as of {}", data.as_of),
        &columns,
    )?;
    sheet.set_freeze_panes(first, 2)?;
    let text = formats.text(Mark::None);
    let money = formats.money(Mark::None);
    let mut row = first;
    let mut flags_buf;
    for case in &data.cases {
        let unit = data.units.get(&case.unit_id);
        sheet.write_number_with_format(row, 0, vnd(case.id)?, formats.int(Mark::None))?;
        sheet.write_text_with_format(row, 1, &case.full_name, text)?;
        sheet.write_text_with_format(row, 2, &case.national_id, text)?;
        sheet.write_text_with_format(row, 3, unit.map_or("", |u| u.code.as_str()), text)?;
        sheet.write_text_with_format(row, 4, unit.map_or("", |u| u.name.as_str()), text)?;
        sheet.write_text_with_format(row, 5, case.scheme.label_vi(), text)?;
        sheet.write_text_with_format(row, 6, case.band.label_vi(), text)?;
        if let Some(w) = &case.window {
            sheet.write_text_with_format(row, 7, leave_window_vi(w), text)?;
        }
        match case.salary_exact.parse::<rust_decimal::Decimal>() {
            Ok(s) => sheet.write_number_with_format(
                row,
                8,
                crate::reports::sheet::decimal(s),
                formats.int(Mark::None),
            )?,
            Err(_) => sheet.write_text_with_format(row, 8, &case.salary_exact, text)?,
        };
        for (i, v) in case.components.iter().enumerate() {
            if *v != 0 {
                sheet.write_number_with_format(row, c(DETAIL_HEAD.len() + i), vnd(*v)?, money)?;
            }
        }
        sheet.write_number_with_format(row, c(entitled_col), vnd(case.entitled_vnd)?, money)?;
        sheet.write_number_with_format(row, c(entitled_col + 1), vnd(case.paid_vnd)?, money)?;
        sheet.write_number_with_format(
            row,
            c(entitled_col + 2),
            vnd(case.outstanding_vnd())?,
            money,
        )?;
        sheet.write_text_with_format(row, c(state_col), case.state.label_vi(), text)?;
        sheet.write_text_with_format(row, c(state_col + 1), &case.payment_reference, text)?;
        if !case.flags.is_empty() {
            flags_buf = flags_text(&case.flags);
            sheet.write_text_with_format(row, c(flags_col), &flags_buf, text)?;
        }
        sheet.write_number_with_format(row, c(original_col), vnd(case.original_vnd())?, money)?;
        sheet.write_number_with_format(
            row,
            c(supplement_col),
            vnd(case.supplementary_vnd())?,
            money,
        )?;
        row += 1;
    }
    let last = row.saturating_sub(1);
    let t = Mark::Total;
    sheet.write_text_with_format(
        row,
        1,
        "Tổng cộng (không kể hồ sơ đã hủy) / Total (cancelled cases excluded)",
        formats.text(t),
    )?;
    let state_range = format!(
        "${}${}:${}${}",
        col_name(c(state_col)),
        first + 1,
        col_name(c(state_col)),
        last + 1
    );
    for (i, value) in sums.iter().enumerate() {
        let col = c(DETAIL_HEAD.len() + i);
        let f = if data.cases.is_empty() {
            Formula::new("=0").set_result("0")
        } else {
            Formula::new(format!(
                "=SUMIF({state_range},\"<>{}\",{}:{})",
                CaseState::Cancelled.label_vi(),
                cell(first, col),
                cell(last, col)
            ))
            .set_result(value.to_string())
        };
        sheet.write_formula_with_format(row, col, f, formats.money(t))?;
    }
    sheet.autofilter(first - 1, 0, last.max(first - 1), c(supplement_col))?;
    Ok(())
}
