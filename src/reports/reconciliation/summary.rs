//! Tổng hợp: the summary per ministry and province (national scope) or per unit, its total
//! row (formulas with their values cached), the legend and the chart of shares paid.

use crate::domain::ids::UnitId;
use crate::export::SafeText as _;
use std::collections::{BTreeMap, HashMap, HashSet};

use rust_xlsxwriter::{Chart, ChartType, ColNum, Formula, RowNum, Worksheet, XlsxError};

use super::SUMMARY;
use crate::domain::case_state::CaseState;
use crate::domain::flags::FlagKind;
use crate::reports::data::{CaseLine, ReportData, Scope};
use crate::xlsx::sheet::{
    Column, Formats, Mark, Widths, cell, heading, money_width, ratio_text, vnd,
};

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
    let mut per_unit: HashMap<UnitId, Tally> = HashMap::new();
    for case in &data.cases {
        per_unit.entry(case.unit_id).or_default().add_case(case);
    }
    let id_by_code: HashMap<&str, UnitId> = data
        .units
        .values()
        .map(|u| (u.code.as_str(), u.id))
        .collect();
    let unit_of_case: HashMap<i64, UnitId> = data.cases.iter().map(|c| (c.id, c.unit_id)).collect();
    let mut lacking_units: HashSet<UnitId> = HashSet::new();
    for f in &data.flags {
        let unit = f
            .case_id
            .and_then(|id| unit_of_case.get(&id.0).copied())
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
                .and_then(|id| data.units.get(&UnitId(id)))
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

pub(super) fn summary_sheet(
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
