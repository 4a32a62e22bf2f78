//! The row loop: every data row's cells converted once, problems located, duplicates found.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::cell::Cell;
use super::columns::{Column, Kind};
use super::convert::{self, Bufs, Converted, Issue};
use super::error::ReadError;
use super::grid::{Grid, GridRow};
use super::header::{self, HeaderLayout, RowKind};
use super::problem::{Problem, Severity, clip_value};
use super::roster::{AllowancesPct, ParsedRoster, RosterRow, SalaryFields};
use super::tabular::{column_warnings, row_problem};
use crate::domain::national_id::{NationalId, NationalIdError};
use crate::domain::policy::{Article, Category, Rank, Scheme};

/// Column index and header text of each canonical column, by [`Column::index`].
type ColumnIndex<'h> = Vec<Option<(usize, &'h str)>>;

/// Checks the header's columns, then converts every data row.
pub fn build(
    grid: &Grid<'_>,
    layout: HeaderLayout,
    max_rows: u32,
    file_name: &str,
    sha256: String,
) -> Result<ParsedRoster, ReadError> {
    check_required(&layout)?;
    let mut problems = column_warnings(&grid.sheet, &layout, |c| (c.header_vi(), c.header_en()));
    let mut index: ColumnIndex<'_> = vec![None; Column::ALL.len()];
    for m in &layout.columns {
        if let Some(slot) = index.get_mut(m.column.index()) {
            *slot = Some((m.index, m.header.as_str()));
        }
    }
    let mut ctx = RowCtx {
        sheet: &grid.sheet,
        index: &index,
        bufs: Bufs::default(),
        problems: Vec::new(),
        row_problems: Vec::new(),
        failed: false,
    };
    let id_col = index
        .get(Column::NationalId.index())
        .copied()
        .flatten()
        .map(|(i, _)| i);
    let name_col = index
        .get(Column::FullName.index())
        .copied()
        .flatten()
        .map(|(i, _)| i);

    let mut results: Vec<(u32, Option<RosterRow>, Option<NationalId>)> = Vec::new();
    let mut ignored: Vec<u32> = Vec::new();
    let mut key = String::new();
    for row in grid.rows.iter().skip(layout.data_start) {
        match header::classify(row, id_col, name_col, &mut key) {
            RowKind::Total | RowKind::Signature => break,
            RowKind::Numbering => continue,
            RowKind::Other => ignored.push(row.number),
            RowKind::Data => {
                if results.len() >= usize::try_from(max_rows).unwrap_or(usize::MAX) {
                    return Err(ReadError::TooManyRows { limit: max_rows });
                }
                let (parsed, id) = ctx.row(row);
                results.push((row.number, parsed, id));
            }
        }
    }
    let last_data = results.last().map_or(0, |r| r.0);
    for number in ignored.into_iter().filter(|n| *n < last_data) {
        problems.push(row_problem(
            &grid.sheet,
            number,
            Severity::Warning,
            Issue::new(
                "ROW_IGNORED",
                "Dòng không có họ tên và số định danh cá nhân nên bị bỏ qua",
                "Row without full name and national id: ignored",
            ),
        ));
    }
    let mut cell_problems = ctx.problems;
    mark_duplicates(
        &mut results,
        &mut cell_problems,
        &grid.sheet,
        index.get(Column::NationalId.index()).copied().flatten(),
    );
    problems.append(&mut cell_problems);
    problems.sort_by_key(|p| p.row.unwrap_or(0));
    let total_rows = u32::try_from(results.len()).unwrap_or(u32::MAX);
    Ok(ParsedRoster {
        file_name: file_name.to_owned(),
        sha256,
        sheet: grid.sheet.clone(),
        header_rows: (layout.first_row, layout.last_row),
        rows: results.into_iter().filter_map(|(_, row, _)| row).collect(),
        total_rows,
        problems,
        columns: layout.columns,
        unknown_columns: layout.unknown,
    })
}

fn check_required(layout: &HeaderLayout) -> Result<(), ReadError> {
    let has = |c: Column| layout.find(c).is_some();
    let missing: Vec<Column> = Column::REQUIRED
        .iter()
        .copied()
        .filter(|&c| !has(c))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    Err(ReadError::MissingColumns {
        missing_vi: missing.iter().map(|c| c.header_vi()).collect(),
        missing_en: missing.iter().map(|c| c.header_en()).collect(),
    })
}

/// The same national id on two rows: both rows are rejected, each naming the other.
fn mark_duplicates(
    results: &mut [(u32, Option<RosterRow>, Option<NationalId>)],
    problems: &mut Vec<Problem>,
    sheet: &str,
    id_col: Option<(usize, &str)>,
) {
    let mut first: HashMap<NationalId, usize> = HashMap::with_capacity(results.len());
    let mut pairs = Vec::new();
    for (i, (_, _, id)) in results.iter().enumerate() {
        if let Some(id) = id {
            if let Some(&j) = first.get(id) {
                pairs.push((j, i, *id));
            } else {
                first.insert(*id, i);
            }
        }
    }
    let header = id_col.map(|(_, h)| h.to_owned());
    for (j, i, id) in pairs {
        let (a, b) = (
            results.get(j).map_or(0, |r| r.0),
            results.get(i).map_or(0, |r| r.0),
        );
        for (row, other) in [(a, b), (b, a)] {
            problems.push(Problem {
                sheet: sheet.to_owned(),
                row: Some(row),
                column: header.clone(),
                value: Some(id.to_string()),
                code: "NATIONAL_ID_DUPLICATE",
                message_vi: format!("Số định danh cá nhân trùng với dòng {other}"),
                message_en: format!("The same national id is on row {other}"),
                severity: Severity::Error,
            });
        }
        for k in [j, i] {
            if let Some(r) = results.get_mut(k) {
                r.1 = None;
            }
        }
    }
}

/// Converts the cells of one row, recording problems.
struct RowCtx<'c> {
    sheet: &'c str,
    index: &'c ColumnIndex<'c>,
    bufs: Bufs,
    problems: Vec<Problem>,
    /// Problems of the current row with their column index, sorted into file order.
    row_problems: Vec<(usize, Problem)>,
    failed: bool,
}

impl RowCtx<'_> {
    fn report(
        &mut self,
        row: u32,
        column: Column,
        cell: &Cell<'_>,
        issue: Issue,
        severity: Severity,
    ) {
        if severity == Severity::Error {
            self.failed = true;
        }
        let mapped = self.index.get(column.index()).copied().flatten();
        let header = mapped.map(|(_, h)| h.to_owned());
        let position = mapped.map_or(usize::MAX, |(i, _)| i);
        self.row_problems.push((
            position,
            Problem {
                sheet: self.sheet.to_owned(),
                row: Some(row),
                column: header,
                value: if cell.is_empty() {
                    None
                } else {
                    Some(clip_value(&cell.display()))
                },
                code: issue.code,
                message_vi: issue.vi,
                message_en: issue.en,
                severity,
            },
        ));
    }

    /// The cell of `column` in `row`; `None` when the column is not in the file.
    fn cell<'r, 'g>(&self, row: &'r GridRow<'g>, column: Column) -> Option<&'r Cell<'g>> {
        let (i, _) = self.index.get(column.index()).copied().flatten()?;
        Some(row.get(i))
    }

    /// Converts a cell; empty (or absent) cells give `None`, or an error when `required`.
    fn get<T>(
        &mut self,
        row: &GridRow<'_>,
        column: Column,
        required: bool,
        convert: impl FnOnce(&Cell<'_>, &mut Bufs) -> Converted<T>,
    ) -> Option<T> {
        let cell = self.cell(row, column).unwrap_or(&Cell::Empty);
        if cell.is_empty() {
            if required {
                let issue = Issue::new(
                    "REQUIRED_MISSING",
                    format!("Thiếu {} (bắt buộc)", column.header_vi()),
                    format!("{} is required", column.header_en()),
                );
                self.report(row.number, column, cell, issue, Severity::Error);
            }
            return None;
        }
        match convert(cell, &mut self.bufs) {
            Ok((value, warning)) => {
                if let Some(w) = warning {
                    self.report(row.number, column, cell, w, Severity::Warning);
                }
                Some(value)
            }
            Err(issue) => {
                self.report(row.number, column, cell, issue, Severity::Error);
                None
            }
        }
    }

    fn scaled(&mut self, row: &GridRow<'_>, column: Column) -> Option<Decimal> {
        let percent = column.kind() == Kind::Percent;
        self.get(row, column, false, |c, b| {
            convert::scaled(c, b, percent, Decimal::ONE_HUNDRED)
        })
    }

    fn text(
        &mut self,
        row: &GridRow<'_>,
        column: Column,
        required: bool,
        max: usize,
    ) -> Option<String> {
        self.get(row, column, required, |c, b| convert::text(c, b, max))
    }

    fn row(&mut self, row: &GridRow<'_>) -> (Option<RosterRow>, Option<NationalId>) {
        self.failed = false;
        let result = self.convert_row(row);
        self.row_problems.sort_by_key(|(position, _)| *position);
        self.problems
            .extend(self.row_problems.drain(..).map(|(_, p)| p));
        result
    }

    fn convert_row(&mut self, row: &GridRow<'_>) -> (Option<RosterRow>, Option<NationalId>) {
        let n = row.number;
        let sex = self.get(row, Column::Sex, true, convert::sex);
        let date_of_birth = self.get(row, Column::DateOfBirth, true, convert::birth_date);
        let national_id = self.national_id(row, sex, date_of_birth.map(|d| d.year()));
        let full_name = self.text(row, Column::FullName, true, 200);
        let unit_code = self.text(row, Column::UnitCode, false, 50);
        let unit_name = self.text(row, Column::UnitName, false, 300);
        let province_code = self.get(row, Column::ProvinceCode, false, convert::province);
        let bank_account = self.get(row, Column::BankAccount, false, convert::bank_account);
        let bank = self.text(row, Column::Bank, false, 200);
        let category = self.get(row, Column::Category, true, |c, b| {
            convert::vocabulary(c, b, Category::from_folded, "CATEGORY_INVALID", CATEGORIES)
        });
        let scheme = self.get(row, Column::Scheme, true, |c, b| {
            convert::vocabulary(c, b, Scheme::from_folded, "SCHEME_INVALID", SCHEMES)
        });
        let rank = self.get(row, Column::Rank, false, |c, b| {
            convert::vocabulary(c, b, Rank::from_folded, "RANK_INVALID", RANKS)
        });
        let article = self.get(row, Column::Article, false, |c, b| {
            convert::vocabulary(c, b, Article::from_folded, "ARTICLE_INVALID", "7, 7a, 7b")
        });
        let salary = SalaryFields {
            grade_coefficient: self.scaled(row, Column::GradeCoefficient),
            leadership_coefficient: self.scaled(row, Column::LeadershipCoefficient),
            retention_coefficient: self.scaled(row, Column::RetentionCoefficient),
            beyond_frame_seniority_pct: self.scaled(row, Column::BeyondFrameSeniorityPct),
            allowances_pct: AllowancesPct {
                public_service: self.scaled(row, Column::PublicServicePct),
                professional_seniority: self.scaled(row, Column::ProfessionalSeniorityPct),
                occupational_preferential: self.scaled(row, Column::OccupationalPreferentialPct),
                occupational_responsibility: self
                    .scaled(row, Column::OccupationalResponsibilityPct),
                party_union_work: self.scaled(row, Column::PartyUnionWorkPct),
                armed_forces_special: self.scaled(row, Column::ArmedForcesSpecialPct),
            },
            contract_monthly_wage_vnd: self.get(
                row,
                Column::ContractMonthlyWage,
                false,
                convert::money,
            ),
            monthly_salary_vnd: self.get(row, Column::MonthlySalary, false, convert::money),
            monthly_allowance_vnd: self.get(row, Column::MonthlyAllowance, false, convert::money),
            former_post_salary_vnd: self.get(row, Column::FormerPostSalary, false, convert::money),
            concurrent_post_allowance_vnd: self.get(
                row,
                Column::ConcurrentPostAllowance,
                false,
                convert::money,
            ),
        };
        let insured_months = self.insured_months(row);
        let worked_months = self.get(row, Column::WorkedMonths, false, |c, b| {
            convert::whole(c, b, 720)
        });
        let receiving_pension = self.get(row, Column::ReceivingPension, false, convert::yes_no);
        let receiving_incapacity_benefit = self.get(
            row,
            Column::ReceivingIncapacityBenefit,
            false,
            convert::yes_no,
        );
        let moved_to_village_post =
            self.get(row, Column::MovedToVillagePost, false, convert::yes_no);
        let reduced_retirement_age =
            self.get(row, Column::ReducedRetirementAge, false, convert::yes_no);
        let reorganization_effective_date = self.get(
            row,
            Column::ReorganizationEffectiveDate,
            false,
            convert::date,
        );
        let leave_date = self.get(row, Column::LeaveDate, true, convert::date);
        let decision_date = self.get(row, Column::DecisionDate, false, convert::date);

        let id = national_id;
        if self.failed {
            return (None, id);
        }
        let (
            Some(national_id),
            Some(full_name),
            Some(date_of_birth),
            Some(sex),
            Some(category),
            Some(scheme),
            Some(leave_date),
        ) = (
            id,
            full_name,
            date_of_birth,
            sex,
            category,
            scheme,
            leave_date,
        )
        else {
            return (None, id);
        };
        let parsed = RosterRow {
            row_number: n,
            national_id,
            full_name,
            date_of_birth,
            sex,
            unit_code,
            unit_name,
            province_code,
            bank_account,
            bank,
            category,
            scheme,
            rank,
            article,
            salary,
            insured_months,
            worked_months,
            receiving_pension,
            receiving_incapacity_benefit,
            moved_to_village_post,
            reduced_retirement_age,
            reorganization_effective_date,
            leave_date,
            decision_date,
        };
        (Some(parsed), id)
    }

    /// The national id, checked against the row's sex and birth year when those are valid.
    /// A mismatch is reported on both cells.
    fn national_id(
        &mut self,
        row: &GridRow<'_>,
        sex: Option<crate::domain::person::Sex>,
        year: Option<i32>,
    ) -> Option<NationalId> {
        let expected = sex.zip(year);
        let parsed = self.get(row, Column::NationalId, true, |cell, bufs| {
            let text = cell.as_text(&mut bufs.text).map_err(convert::cell_issue)?;
            // A mismatch is reported below on both cells, so parse again without the row.
            let parsed = match NationalId::parse(text, expected) {
                Err(NationalIdError::SexMismatch { .. } | NationalIdError::BirthYearMismatch { .. }) => {
                    NationalId::parse(text, None)
                }
                other => other,
            }
            .map_err(|e| id_issue(&e))?;
            let warning = (parsed.restored_zeros > 0).then(|| {
                Issue::new(
                    "NATIONAL_ID_ZEROS_RESTORED",
                    format!(
                        "Excel đã lưu số định danh dạng số và mất {} số 0 ở đầu; đã tự thêm lại, hãy định dạng cột là Văn bản",
                        parsed.restored_zeros
                    ),
                    format!(
                        "Excel stored the national id as a number and dropped {} leading zero(s); restored — format the column as Text",
                        parsed.restored_zeros
                    ),
                )
            });
            Ok((parsed.id, warning))
        })?;
        let Err(mismatch) = parsed.check_against(sex, year) else {
            return Some(parsed);
        };
        let other = match mismatch {
            NationalIdError::SexMismatch { .. } => Column::Sex,
            _ => Column::DateOfBirth,
        };
        let id_header = self.header(Column::NationalId);
        let other_header = self.header(other);
        let issue = Issue::new(
            mismatch.code(),
            format!(
                "{} (cột \"{id_header}\" và cột \"{other_header}\")",
                mismatch.message_vi()
            ),
            format!(
                "{} (columns \"{id_header}\" and \"{other_header}\")",
                mismatch.message_en()
            ),
        );
        let id_cell = self.cell(row, Column::NationalId).unwrap_or(&Cell::Empty);
        self.report(
            row.number,
            Column::NationalId,
            id_cell,
            issue.clone(),
            Severity::Error,
        );
        let other_cell = self.cell(row, other).unwrap_or(&Cell::Empty);
        self.report(row.number, other, other_cell, issue, Severity::Error);
        Some(parsed)
    }

    fn header(&self, column: Column) -> String {
        self.index
            .get(column.index())
            .copied()
            .flatten()
            .map_or_else(|| column.header_vi().to_owned(), |(_, h)| h.to_owned())
    }

    /// Insured months from its column, or from the years + extra months pair (a months part
    /// without years is ignored).
    fn insured_months(&mut self, row: &GridRow<'_>) -> Option<u32> {
        let has_years_col = self.cell(row, Column::InsuredYears).is_some();
        let months = self.get(row, Column::InsuredMonths, false, |c, b| {
            convert::whole(c, b, 720)
        });
        if !has_years_col {
            return months;
        }
        let years = self.get(row, Column::InsuredYears, false, |c, b| {
            convert::whole(c, b, 60)
        });
        let extra = self.get(row, Column::InsuredExtraMonths, false, |c, b| {
            convert::whole(c, b, 11)
        });
        let from_pair = years.map(|y| y * 12 + extra.unwrap_or(0));
        match (months, from_pair) {
            (Some(m), Some(p)) if m != p => {
                let cell = self
                    .cell(row, Column::InsuredMonths)
                    .unwrap_or(&Cell::Empty);
                let issue = Issue::new(
                    "INSURED_MONTHS_CONFLICT",
                    format!(
                        "Thời gian đóng BHXH {m} tháng khác với số năm và số tháng lẻ ({p} tháng)"
                    ),
                    format!(
                        "Insured months {m} differ from the years and extra months given ({p} months)"
                    ),
                );
                self.report(
                    row.number,
                    Column::InsuredMonths,
                    cell,
                    issue,
                    Severity::Error,
                );
                None
            }
            (Some(m), _) => Some(m),
            (None, p) => p,
        }
    }
}

fn id_issue(e: &NationalIdError) -> Issue {
    Issue::new(e.code(), e.message_vi(), e.message_en())
}

const CATEGORIES: &str = "Cán bộ, công chức; Viên chức; Lao động hợp đồng; Không chuyên trách cấp xã; Lực lượng vũ trang";
const SCHEMES: &str = "Nghỉ hưu trước tuổi; Thôi việc; Nghỉ việc";
const RANKS: &str = "Thiếu úy, Trung úy, Thượng úy, Đại úy, Thiếu tá, Trung tá, Thượng tá, Đại tá, \
    Thiếu tướng, Trung tướng, Thượng tướng, Đại tướng";
