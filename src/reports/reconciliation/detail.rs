//! Chi tiết: every case on one row (identity, scheme, S, each component, entitled, paid,
//! outstanding, state, flags, original and supplementary), written in constant-memory mode,
//! and a total row that leaves cancelled cases out.
//!
//! The columns are one table, left to right: [`BEFORE`], one column per component (in the
//! order of [`ComponentCode::ALL`]), [`AFTER`]. A new column is one entry there: its headers,
//! how its cell comes from the case, how it is fitted and what the total row shows.

use std::borrow::Cow;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Worksheet, XlsxError};

use super::table::{
    Cell, Fit, SharedFormats, TableColumn, Total, Value, add_sums, fit_row_shared, fit_totals,
    headers, write_row_shared, write_total,
};
use crate::domain::case_state::CaseState;
use crate::domain::entitlement::ComponentCode;
use crate::domain::flags::FlagKind;
use crate::domain::policy::leave_window_vi;
use crate::reports::data::{CaseLine, ReportData, UnitInfo};
use crate::xlsx::sheet::{Column, Formats, Widths, c, heading};

/// A column of the detail sheet.
type DetailColumn = TableColumn<CaseLine>;

/// Columns before the components.
const BEFORE: &[DetailColumn] = &[
    DetailColumn::new("Mã hồ sơ", "Case", 8, |l, _| Cell::Int(l.id)),
    DetailColumn::new("Họ và tên", "Name", 18, |l, _| Cell::text(&l.full_name))
        .fit(Fit::Text)
        .total(Total::Label(
            "Tổng cộng (không kể hồ sơ đã hủy) / Total (cancelled cases excluded)",
        )),
    DetailColumn::new("Số định danh", "National id", 13, |l, _| {
        Cell::text(&l.national_id)
    }),
    DetailColumn::new("Mã đơn vị", "Unit code", 9, |l, d| {
        Cell::text(unit_of(l, d).map_or("", |u| u.code.as_str()))
    })
    .fit(Fit::Text),
    DetailColumn::new("Đơn vị", "Unit", 20, |l, d| {
        Cell::text(unit_of(l, d).map_or("", |u| u.name.as_str()))
    })
    .fit(Fit::Text),
    DetailColumn::new("Chế độ", "Scheme", 14, |l, _| {
        Cell::text(l.scheme.label_vi())
    }),
    DetailColumn::new("Nhóm", "Band", 10, |l, _| Cell::text(l.band.label_vi())),
    DetailColumn::new("Thời điểm nghỉ", "Window", 12, |l, _| {
        Cell::text_or_blank(l.window.as_deref().map(leave_window_vi))
    }),
    DetailColumn::new(
        "Tiền lương tháng S (đồng)",
        "Monthly salary S (VND)",
        12,
        |l, _| match l.salary_exact.parse::<Decimal>() {
            Ok(s) => Cell::Decimal(s),
            Err(_) => Cell::text(&l.salary_exact),
        },
    )
    .fit(Fit::Chars(|l| l.salary_exact.len())),
];

/// Columns after the components.
const AFTER: &[DetailColumn] = &[
    DetailColumn::new(
        "Tổng được hưởng (đồng)",
        "Entitled (VND)",
        14,
        |l, _| Cell::Money(l.entitled_vnd),
    )
    .fit(Fit::Money)
    .total(Total::Sum),
    DetailColumn::new("Đã chi (đồng)", "Paid (VND)", 14, |l, _| {
        Cell::Money(l.paid_vnd)
    })
    .total(Total::Sum),
    DetailColumn::new(
        "Còn phải chi (đồng)",
        "Outstanding (VND)",
        14,
        |l, _| Cell::Money(l.outstanding_vnd()),
    )
    .total(Total::Sum),
    DetailColumn::new("Trạng thái", "State", 12, |l, _| {
        Cell::text(l.state.label_vi())
    })
    .total(Total::Condition),
    DetailColumn::new("Mã thanh toán", "Payment reference", 16, |l, _| {
        Cell::text(&l.payment_reference)
    })
    .fit(Fit::Text),
    DetailColumn::new("Cảnh báo", "Flags", 12, |l, _| {
        if l.flags.is_empty() {
            Cell::Blank
        } else {
            Cell::Text(Cow::Owned(flags_text(&l.flags)))
        }
    })
    .fit(Fit::Chars(|l| l.flags.len() * 30)),
    DetailColumn::new(
        "Số được hưởng ban đầu (đồng)",
        "Original entitlement (VND)",
        14,
        |l, _| Cell::Money(l.original_vnd()),
    ),
    DetailColumn::new("Bổ sung (đồng)", "Supplementary (VND)", 14, |l, _| {
        Cell::Money(l.supplementary_vnd())
    }),
];

/// The column of component `n` (of [`ComponentCode::ALL`]): its amount, blank when zero,
/// summed in the total row.
fn component_column(n: usize, code: ComponentCode) -> DetailColumn {
    DetailColumn {
        column: Column::new(component_header_vi(code), component_header_en(code), 12),
        value: Value::Nth(
            |l, n| match l.components[n] {
                0 => Cell::Blank,
                v => Cell::Money(v),
            },
            n,
        ),
        fit: Fit::Header,
        total: Total::Sum,
    }
}

/// The detail sheet's columns, left to right.
fn detail_table() -> Vec<DetailColumn> {
    let components = ComponentCode::ALL
        .iter()
        .enumerate()
        .map(|(n, code)| component_column(n, *code));
    BEFORE
        .iter()
        .copied()
        .chain(components)
        .chain(AFTER.iter().copied())
        .collect()
}

/// The detail sheet's columns.
pub fn detail_columns() -> Vec<Column> {
    headers(&detail_table())
}

/// The unit of a case, when in the report.
fn unit_of<'a>(case: &CaseLine, data: &'a ReportData) -> Option<&'a UnitInfo> {
    data.units.get(&case.unit_id)
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
    let table = detail_table();
    let columns = headers(&table);

    // Widths and totals first: a constant-memory sheet is written row by row.
    let mut widths = Widths::new(&columns);
    let mut shared = SharedFormats::new(table.len());
    let mut sums = vec![0i64; table.len()];
    for case in &data.cases {
        fit_row_shared(&mut widths, &mut shared, &table, case, data);
        if case.state != CaseState::Cancelled {
            add_sums(&mut sums, &table, case, data);
        }
    }
    fit_totals(&mut widths, &table, &sums);
    widths.apply(sheet)?;
    shared.apply(sheet, formats)?;

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
    let mut row = first;
    for case in &data.cases {
        write_row_shared(sheet, formats, &shared, row, &table, case, data)?;
        row += 1;
    }
    let last = row.saturating_sub(1);
    write_total(
        sheet,
        formats,
        row,
        first,
        &table,
        &sums,
        Some(CaseState::Cancelled.label_vi()),
    )?;
    sheet.autofilter(first - 1, 0, last.max(first - 1), c(table.len() - 1))?;
    Ok(())
}
