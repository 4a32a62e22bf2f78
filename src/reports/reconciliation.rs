//! The reconciliation workbook ("Đối soát"): Tổng hợp (summary per ministry and province, or
//! per unit), Chi tiết (every case, written in constant-memory mode), Cảnh báo (open flags),
//! Sao kê (statement lines and payments not matched) and Căn cứ (scope, date, policy tables,
//! imports). Totals are formulas with their values cached, so every viewer shows them and
//! anyone can check them.

use crate::export::SafeText as _;
use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDateTime;
use rust_xlsxwriter::{Chart, ChartType, ColNum, Formula, RowNum, Workbook, Worksheet, XlsxError};

use super::data::{CaseLine, ReportData, Scope};
use crate::domain::case_state::CaseState;
use crate::domain::entitlement::ComponentCode;
use crate::domain::flags::FlagKind;
use crate::domain::policy::PolicySet;
use crate::domain::policy::leave_window_vi;
use crate::xlsx::sheet::{
    Column, Formats, Mark, Widths, c, cell, col_name, heading, money_width, ratio_text, vnd,
    write_date,
};
use crate::xlsx::write::fixed_properties;

/// Sheet names (Excel forbids `/` in them).
pub const SUMMARY: &str = "Tổng hợp";
pub const DETAIL: &str = "Chi tiết";
pub const FLAGS: &str = "Cảnh báo";
pub const STATEMENT: &str = "Sao kê";
pub const BASIS: &str = "Căn cứ";

/// Who asked for the workbook and when (shown on the basis sheet).
#[derive(Debug, Clone)]
pub struct Generated {
    /// UTC.
    pub at: NaiveDateTime,
    pub by: String,
}

/// Figures of one summary row.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tally {
    pub people: i64,
    pub approved: i64,
    pub paid: i64,
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub outstanding_vnd: i64,
    pub overdue: i64,
    pub oldest_overdue_days: Option<i64>,
    pub units_lacking_account: i64,
    pub people_lacking_account: i64,
}

impl Tally {
    fn add_case(&mut self, case: &CaseLine) {
        if case.state == CaseState::Cancelled {
            return;
        }
        self.people += 1;
        self.entitled_vnd += case.entitled_vnd;
        self.paid_vnd += case.paid_vnd;
        self.outstanding_vnd += case.outstanding_vnd();
        if case.state.is_approved_or_later() {
            self.approved += 1;
        }
        if matches!(case.state, CaseState::Paid | CaseState::Reconciled) {
            self.paid += 1;
        }
    }

    fn add(&mut self, other: &Tally) {
        self.people += other.people;
        self.approved += other.approved;
        self.paid += other.paid;
        self.entitled_vnd += other.entitled_vnd;
        self.paid_vnd += other.paid_vnd;
        self.outstanding_vnd += other.outstanding_vnd;
        self.overdue += other.overdue;
        self.oldest_overdue_days = self.oldest_overdue_days.max(other.oldest_overdue_days);
        self.units_lacking_account += other.units_lacking_account;
        self.people_lacking_account += other.people_lacking_account;
    }

    /// Fewer than 60% of people paid (exact integer comparison).
    pub fn below_60_pct(&self) -> bool {
        self.people > 0 && self.paid * 100 < self.people * 60
    }

    fn mark(&self) -> Mark {
        if self.below_60_pct() {
            Mark::Below60
        } else if self.units_lacking_account > 0 || self.people_lacking_account > 0 {
            Mark::AccountGap
        } else {
            Mark::None
        }
    }
}

/// One summary row.
#[derive(Debug, Clone)]
pub struct SummaryRow {
    pub code: String,
    pub name: String,
    pub tally: Tally,
}

/// The summary: rows per ministry and province (national scope) or per unit with cases
/// (one unit's subtree), sorted by code, and the total.
pub fn summarise(data: &ReportData, scope: &Scope) -> (Vec<SummaryRow>, Tally) {
    let mut per_unit: HashMap<i64, Tally> = HashMap::new();
    for case in &data.cases {
        per_unit.entry(case.unit_id).or_default().add_case(case);
    }
    let id_by_code: HashMap<&str, i64> = data
        .units
        .values()
        .map(|u| (u.code.as_str(), u.id))
        .collect();
    let unit_of_case: HashMap<i64, i64> = data.cases.iter().map(|c| (c.id, c.unit_id)).collect();
    let mut lacking_units: HashSet<i64> = HashSet::new();
    for f in &data.flags {
        let unit = f
            .case_id
            .and_then(|id| unit_of_case.get(&id).copied())
            .or_else(|| id_by_code.get(f.unit_code.as_str()).copied());
        let Some(unit) = unit else { continue };
        match f.kind {
            FlagKind::Overdue => {
                let t = per_unit.entry(unit).or_default();
                t.overdue += 1;
                t.oldest_overdue_days = t.oldest_overdue_days.max(Some(f.age_days));
            }
            FlagKind::PersonAccountMissing => {
                per_unit.entry(unit).or_default().people_lacking_account += 1;
            }
            FlagKind::UnitAccountMissing if lacking_units.insert(unit) => {
                per_unit.entry(unit).or_default().units_lacking_account += 1;
            }
            _ => {}
        }
    }
    let mut groups: BTreeMap<String, SummaryRow> = BTreeMap::new();
    let mut total = Tally::default();
    for (unit_id, tally) in &per_unit {
        let Some(unit) = data.units.get(unit_id) else {
            continue;
        };
        total.add(tally);
        let group = if scope.is_national() {
            top_level(&unit.path)
                .and_then(|id| data.units.get(&id))
                .unwrap_or(unit)
        } else {
            unit
        };
        groups
            .entry(group.code.clone())
            .or_insert_with(|| SummaryRow {
                code: group.code.clone(),
                name: group.name.clone(),
                tally: Tally::default(),
            })
            .tally
            .add(tally);
    }
    (groups.into_values().collect(), total)
}

/// The id of the unit directly below the root in a materialised path (`/1/17/230/` → 17).
fn top_level(path: &str) -> Option<i64> {
    path.trim_matches('/').split('/').nth(1)?.parse().ok()
}

/// Builds the workbook in memory (the detail sheet streams through a temporary file).
pub fn build(
    data: &ReportData,
    scope: &Scope,
    policy: &PolicySet,
    generated: &Generated,
) -> Result<Workbook, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties(
        "Đối soát chi trả / Payment reconciliation",
    )?);
    let (rows, total) = summarise(data, scope);
    summary_sheet(
        workbook.add_worksheet().set_name(SUMMARY)?,
        &formats,
        data,
        scope,
        &rows,
        &total,
    )?;
    detail_sheet(
        workbook
            .add_worksheet_with_constant_memory()?
            .set_name(DETAIL)?,
        &formats,
        data,
    )?;
    flags_sheet(workbook.add_worksheet().set_name(FLAGS)?, &formats, data)?;
    statement_sheet(
        workbook.add_worksheet().set_name(STATEMENT)?,
        &formats,
        data,
    )?;
    basis_sheet(
        workbook.add_worksheet().set_name(BASIS)?,
        &formats,
        data,
        scope,
        policy,
        generated,
    )?;
    Ok(workbook)
}

const SUMMARY_COLUMNS: [Column; 14] = [
    Column::new("Mã", "Code", 8),
    Column::new("Bộ, ngành, tỉnh / đơn vị", "Ministry, province or unit", 30),
    Column::new("Số người nghỉ", "People leaving", 10),
    Column::new("Đã duyệt", "Approved", 10),
    Column::new("Đã chi đủ", "Paid in full", 10),
    Column::new("% người đã chi", "% of people paid", 10),
    Column::new("Số tiền được hưởng (đồng)", "Entitled (VND)", 16),
    Column::new("Đã chi (đồng)", "Paid (VND)", 16),
    Column::new("Còn phải chi (đồng)", "Outstanding (VND)", 16),
    Column::new("% tiền đã chi", "% of money paid", 10),
    Column::new("Hồ sơ quá hạn", "Overdue cases", 10),
    Column::new("Quá hạn lâu nhất (ngày)", "Oldest overdue (days)", 12),
    Column::new(
        "Đơn vị chưa có TK Kho bạc",
        "Units without Treasury account",
        12,
    ),
    Column::new(
        "Người chưa có TK ngân hàng",
        "People without bank account",
        12,
    ),
];

fn summary_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    data: &ReportData,
    scope: &Scope,
    rows: &[SummaryRow],
    total: &Tally,
) -> Result<(), XlsxError> {
    let first = heading(
        sheet,
        formats,
        &format!(
            "Tổng hợp chi trả theo Nghị định 178/2024/NĐ-CP – {} – số liệu đến ngày {}",
            scope.label_vi(),
            data.as_of.format("%d/%m/%Y")
        ),
        &format!(
            "Summary of payments under Decree 178/2024/ND-CP – {} – as of {}",
            scope.label_en(),
            data.as_of
        ),
        &SUMMARY_COLUMNS,
    )?;
    let mut widths = Widths::new(&SUMMARY_COLUMNS);
    let mut row = first;
    for s in rows {
        widths.see_text(0, &s.code);
        widths.see_text(1, &s.name);
        widths.see(6, money_width(s.tally.entitled_vnd));
        write_tally(
            sheet,
            formats,
            row,
            &s.code,
            &s.name,
            &s.tally,
            s.tally.mark(),
        )?;
        row += 1;
    }
    let last = row.saturating_sub(1);
    let total_row = row;
    let sum = |col: ColNum, value: String| -> Formula {
        if rows.is_empty() {
            Formula::new("=0").set_result("0")
        } else {
            Formula::new(format!("=SUM({}:{})", cell(first, col), cell(last, col)))
                .set_result(value)
        }
    };
    let t = Mark::Total;
    sheet.write_text_with_format(total_row, 0, "", formats.text(t))?;
    sheet.write_text_with_format(total_row, 1, "Tổng cộng / Total", formats.text(t))?;
    for (col, value) in [
        (2, total.people),
        (3, total.approved),
        (4, total.paid),
        (10, total.overdue),
        (12, total.units_lacking_account),
        (13, total.people_lacking_account),
    ] {
        sheet.write_formula_with_format(
            total_row,
            col,
            sum(col, value.to_string()),
            formats.int(t),
        )?;
    }
    for (col, value) in [
        (6, total.entitled_vnd),
        (7, total.paid_vnd),
        (8, total.outstanding_vnd),
    ] {
        sheet.write_formula_with_format(
            total_row,
            col,
            sum(col, value.to_string()),
            formats.money(t),
        )?;
    }
    let oldest = if rows.is_empty() {
        Formula::new("=0").set_result("0")
    } else {
        Formula::new(format!("=MAX({}:{})", cell(first, 11), cell(last, 11)))
            .set_result(total.oldest_overdue_days.unwrap_or(0).to_string())
    };
    sheet.write_formula_with_format(total_row, 11, oldest, formats.int(t))?;
    write_pct(
        sheet,
        formats,
        total_row,
        5,
        4,
        2,
        total.paid,
        total.people,
        t,
    )?;
    write_pct(
        sheet,
        formats,
        total_row,
        9,
        7,
        6,
        total.paid_vnd,
        total.entitled_vnd,
        t,
    )?;
    widths.see(6, money_width(total.entitled_vnd));
    widths.see(7, money_width(total.paid_vnd));
    widths.see(8, money_width(total.outstanding_vnd));
    widths.apply(sheet)?;
    sheet.autofilter(first - 1, 0, last.max(first - 1), 13)?;

    let legend = total_row + 2;
    sheet.write_text_with_format(
        legend,
        1,
        "Tô đỏ: dưới 60% số người đã được chi trả / Red: fewer than 60% of people paid",
        formats.text(Mark::Below60),
    )?;
    sheet.write_text_with_format(
        legend + 1,
        1,
        "Tô vàng: có đơn vị chưa có tài khoản Kho bạc hoặc người chưa có tài khoản ngân hàng / \
         Amber: a unit without a Treasury account or a person without a bank account",
        formats.text(Mark::AccountGap),
    )?;

    if !rows.is_empty() {
        let mut chart = Chart::new(ChartType::Bar);
        chart
            .add_series()
            .set_name("% người đã chi / % of people paid")
            .set_categories((SUMMARY, first, 1, last, 1))
            .set_values((SUMMARY, first, 5, last, 5));
        chart
            .add_series()
            .set_name("% tiền đã chi / % of money paid")
            .set_categories((SUMMARY, first, 1, last, 1))
            .set_values((SUMMARY, first, 9, last, 9));
        chart.title().set_name("Tỷ lệ đã chi trả / Share paid");
        chart.x_axis().set_num_format("0%");
        let bars = u32::try_from(rows.len()).unwrap_or(u32::MAX);
        chart
            .set_width(720)
            .set_height(bars.saturating_mul(28).clamp(300, 4000));
        sheet.insert_chart(legend + 3, 1, &chart)?;
    }
    Ok(())
}

/// One summary row (also used for the total of a per-unit sheet).
fn write_tally(
    sheet: &mut Worksheet,
    formats: &Formats,
    row: RowNum,
    code: &str,
    name: &str,
    t: &Tally,
    mark: Mark,
) -> Result<(), XlsxError> {
    sheet.write_text_with_format(row, 0, code, formats.text(mark))?;
    sheet.write_text_with_format(row, 1, name, formats.text(mark))?;
    for (col, v) in [
        (2, t.people),
        (3, t.approved),
        (4, t.paid),
        (10, t.overdue),
        (12, t.units_lacking_account),
        (13, t.people_lacking_account),
    ] {
        sheet.write_number_with_format(row, col, vnd(v)?, formats.int(mark))?;
    }
    for (col, v) in [(6, t.entitled_vnd), (7, t.paid_vnd), (8, t.outstanding_vnd)] {
        sheet.write_number_with_format(row, col, vnd(v)?, formats.money(mark))?;
    }
    match t.oldest_overdue_days {
        Some(d) => sheet.write_number_with_format(row, 11, vnd(d)?, formats.int(mark))?,
        None => sheet.write_blank(row, 11, formats.int(mark))?,
    };
    write_pct(sheet, formats, row, 5, 4, 2, t.paid, t.people, mark)?;
    write_pct(
        sheet,
        formats,
        row,
        9,
        7,
        6,
        t.paid_vnd,
        t.entitled_vnd,
        mark,
    )?;
    Ok(())
}

/// `=IF(whole=0,0,part/whole)` with the exact ratio cached.
#[allow(clippy::too_many_arguments)]
fn write_pct(
    sheet: &mut Worksheet,
    formats: &Formats,
    row: RowNum,
    col: ColNum,
    part_col: ColNum,
    whole_col: ColNum,
    part: i64,
    whole: i64,
    mark: Mark,
) -> Result<(), XlsxError> {
    let whole_cell = cell(row, whole_col);
    let f = Formula::new(format!(
        "=IF({whole_cell}=0,0,{}/{whole_cell})",
        cell(row, part_col)
    ))
    .set_result(ratio_text(part, whole));
    sheet.write_formula_with_format(row, col, f, formats.pct(mark))?;
    Ok(())
}

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

fn detail_sheet(
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
                crate::xlsx::sheet::decimal(s),
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

fn flags_sheet(
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

fn statement_sheet(
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

fn basis_sheet(
    sheet: &mut Worksheet,
    formats: &Formats,
    data: &ReportData,
    scope: &Scope,
    policy: &PolicySet,
    generated: &Generated,
) -> Result<(), XlsxError> {
    sheet.write_text_with_format(0, 0, "Căn cứ lập báo cáo", &formats.title)?;
    sheet.write_text_with_format(1, 0, "Basis of this report", &formats.subtitle)?;
    let label = &formats.label;
    let mut row: RowNum = 3;
    let mut pair =
        |sheet: &mut Worksheet, vi: &str, en: &str, value: &str| -> Result<(), XlsxError> {
            sheet.write_text_with_format(row, 0, vi, label)?;
            sheet.write_text_with_format(row, 1, en, &formats.subtitle)?;
            sheet.write_text(row, 2, value)?;
            row += 1;
            Ok(())
        };
    pair(
        sheet,
        "Phạm vi",
        "Scope",
        &format!("{} / {}", scope.label_vi(), scope.label_en()),
    )?;
    pair(
        sheet,
        "Số liệu đến hết ngày",
        "As of (end of day, Vietnam time)",
        &data.as_of.format("%d/%m/%Y").to_string(),
    )?;
    let at_vn = crate::domain::vn_time::local(generated.at);
    pair(
        sheet,
        "Thời điểm lập",
        "Generated at (Vietnam time)",
        &at_vn.format("%d/%m/%Y %H:%M:%S").to_string(),
    )?;
    pair(sheet, "Người lập", "Generated by", &generated.by)?;
    let base = policy
        .base_salary_on(data.as_of)
        .map(|v| format!("{v} đồng"))
        .unwrap_or_else(|| "—".into());
    pair(sheet, "Mức lương cơ sở", "Base salary in force", &base)?;
    pair(
        sheet,
        "Số hồ sơ / số cảnh báo",
        "Cases / open flags",
        &format!("{} / {}", data.cases.len(), data.flags.len()),
    )?;
    pair(
        sheet,
        "Cách tính theo ngày",
        "How the date applies",
        "Hồ sơ ghi nhận đến hết ngày; số đã chi gồm các khoản chi có ngày chi đến hết ngày; trạng thái \
         theo lịch sử hồ sơ cuối ngày; cảnh báo tính trên dữ liệu hiện tại, số ngày tính đến ngày số liệu. \
         / Cases recorded by the end of the day; money paid is the payments dated up to that day; the \
         state is the case history's at the end of that day; flags are computed from the current data \
         with ages counted to the date.",
    )?;

    row += 1;
    sheet.write_text_with_format(row, 0, "Bảng chính sách", &formats.header)?;
    sheet.write_text_with_format(row, 1, "Policy table", &formats.header_en)?;
    sheet.write_text_with_format(row, 2, "Phiên bản / Version", &formats.header)?;
    sheet.write_text_with_format(row, 3, "Căn cứ pháp lý / Legal basis", &formats.header)?;
    row += 1;
    for v in policy.versions() {
        sheet.write_text(row, 0, &v.id)?;
        sheet.write_text(row, 1, &v.title)?;
        sheet.write_text(row, 2, &v.version)?;
        sheet.write_text_with_format(row, 3, &v.citation, &formats.wrap)?;
        row += 1;
    }

    row += 1;
    let import_columns = [
        ("Số lần nhập", "Import id"),
        ("Loại", "Kind"),
        ("Tệp", "File"),
        ("SHA-256", "SHA-256"),
        ("Mã đơn vị", "Unit code"),
        ("Kết quả", "Outcome"),
        ("Số dòng", "Rows"),
        ("Hoàn tất lúc (UTC)", "Finished at (UTC)"),
    ];
    for (i, (vi, en)) in import_columns.iter().enumerate() {
        sheet.write_text_with_format(row, c(i), format!("{vi} / {en}"), &formats.header)?;
    }
    row += 1;
    for i in &data.imports {
        sheet.write_number(row, 0, vnd(i.id)?)?;
        sheet.write_text(row, 1, &i.kind)?;
        sheet.write_text(row, 2, &i.file_name)?;
        sheet.write_text(row, 3, &i.sha256)?;
        sheet.write_text(row, 4, &i.unit_code)?;
        sheet.write_text(row, 5, &i.outcome)?;
        sheet.write_number(row, 6, f64::from(i.rows_total))?;
        if let Some(at) = i.finished_at {
            sheet.write_text(row, 7, at.format("%Y-%m-%d %H:%M:%S").to_string())?;
        }
        row += 1;
    }
    if data.imports.is_empty() {
        sheet.write_text(row, 0, "Chưa có lần nhập nào / No imports")?;
    }
    for (col, w) in [
        (0, 24),
        (1, 30),
        (2, 40),
        (3, 66),
        (4, 12),
        (5, 10),
        (6, 8),
        (7, 20),
    ] {
        sheet.set_column_width(col, w)?;
    }
    crate::xlsx::sheet::print_setup(sheet, None);
    Ok(())
}
