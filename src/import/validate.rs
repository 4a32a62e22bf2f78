//! The row loop: every data row's cells converted once, problems located, duplicates found.

use std::collections::HashMap;

use rust_decimal::Decimal;

use super::columns::{Column, Kind};
use super::convert::{self, Issue};
use super::error::ReadError;
use super::grid::{Grid, GridRow};
use super::header::{self, HeaderLayout, RowKind};
use super::problem::{Problem, Severity};
use super::roster::{AllowancesPct, ParsedRoster, RosterRow, SalaryFields};
use super::tabular::{RowReader, check_required_columns, header_problems, row_problem};
use crate::domain::national_id::{NationalId, NationalIdError};
use crate::domain::policy::{Article, Category, Rank, Scheme};

/// The roster's cells are read by the row reader every list uses.
type Reader<'h> = RowReader<'h, Column>;

/// Checks the header's columns, then converts every data row.
pub fn build(
    grid: &Grid<'_>,
    layout: HeaderLayout<Column>,
    max_rows: u32,
    file_name: &str,
    sha256: String,
) -> Result<ParsedRoster, ReadError> {
    check_required_columns(&layout, Column::REQUIRED)?;
    let mut problems = header_problems(&grid.sheet, &layout);
    let mut reader = Reader::new(&grid.sheet, &layout);
    let id_col = reader.column_index(Column::NationalId);
    let name_col = reader.column_index(Column::FullName);

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
                reader.begin();
                let (parsed, id) = convert_row(&mut reader, row);
                reader.finish();
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
    let id_header = reader.header(Column::NationalId).map(str::to_owned);
    let mut cell_problems = reader.problems;
    mark_duplicates(&mut results, &mut cell_problems, &grid.sheet, id_header);
    problems.append(&mut cell_problems);
    problems.sort_by_key(|p| p.row.unwrap_or(0));
    let total_rows = results.len();
    Ok(ParsedRoster::new(
        file_name,
        (grid, layout, sha256),
        results.into_iter().filter_map(|(_, row, _)| row).collect(),
        (),
        total_rows,
        problems,
    ))
}

/// The same national id on two rows: both rows are rejected, each naming the other.
fn mark_duplicates(
    results: &mut [(u32, Option<RosterRow>, Option<NationalId>)],
    problems: &mut Vec<Problem>,
    sheet: &str,
    header: Option<String>,
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

/// A coefficient or percentage cell (at most 4 decimals, 0..=100).
fn scaled(r: &mut Reader<'_>, row: &GridRow<'_>, column: Column) -> Option<Decimal> {
    let percent = column.kind() == Kind::Percent;
    r.get(row, column, false, |c, b| {
        convert::scaled(c, b, percent, Decimal::ONE_HUNDRED)
    })
}

/// A text cell of at most `max` characters.
fn text(
    r: &mut Reader<'_>,
    row: &GridRow<'_>,
    column: Column,
    required: bool,
    max: usize,
) -> Option<String> {
    r.get(row, column, required, |c, b| convert::text(c, b, max))
}

fn convert_row(r: &mut Reader<'_>, row: &GridRow<'_>) -> (Option<RosterRow>, Option<NationalId>) {
    let n = row.number;
    let sex = r.get(row, Column::Sex, true, convert::sex);
    let date_of_birth = r.get(row, Column::DateOfBirth, true, convert::birth_date);
    let national_id = national_id(r, row, sex, date_of_birth.map(|d| d.year()));
    let full_name = text(r, row, Column::FullName, true, 200);
    let unit_code = text(r, row, Column::UnitCode, false, 50);
    let unit_name = text(r, row, Column::UnitName, false, 300);
    let province_code = r.get(row, Column::ProvinceCode, false, convert::province);
    let bank_account = r.get(row, Column::BankAccount, false, convert::bank_account);
    let bank = text(r, row, Column::Bank, false, 200);
    let category = r.get(row, Column::Category, true, |c, b| {
        convert::vocabulary(c, b, Category::from_folded, "CATEGORY_INVALID", CATEGORIES)
    });
    let scheme = r.get(row, Column::Scheme, true, |c, b| {
        convert::vocabulary(c, b, Scheme::from_folded, "SCHEME_INVALID", SCHEMES)
    });
    let rank = r.get(row, Column::Rank, false, |c, b| {
        convert::vocabulary(c, b, Rank::from_folded, "RANK_INVALID", RANKS)
    });
    let article = r.get(row, Column::Article, false, |c, b| {
        convert::vocabulary(c, b, Article::from_folded, "ARTICLE_INVALID", "7, 7a, 7b")
    });
    let salary = SalaryFields {
        grade_coefficient: scaled(r, row, Column::GradeCoefficient),
        leadership_coefficient: scaled(r, row, Column::LeadershipCoefficient),
        retention_coefficient: scaled(r, row, Column::RetentionCoefficient),
        beyond_frame_seniority_pct: scaled(r, row, Column::BeyondFrameSeniorityPct),
        allowances_pct: AllowancesPct {
            public_service: scaled(r, row, Column::PublicServicePct),
            professional_seniority: scaled(r, row, Column::ProfessionalSeniorityPct),
            occupational_preferential: scaled(r, row, Column::OccupationalPreferentialPct),
            occupational_responsibility: scaled(r, row, Column::OccupationalResponsibilityPct),
            party_union_work: scaled(r, row, Column::PartyUnionWorkPct),
            armed_forces_special: scaled(r, row, Column::ArmedForcesSpecialPct),
        },
        contract_monthly_wage_vnd: r.get(row, Column::ContractMonthlyWage, false, convert::money),
        monthly_salary_vnd: r.get(row, Column::MonthlySalary, false, convert::money),
        monthly_allowance_vnd: r.get(row, Column::MonthlyAllowance, false, convert::money),
        former_post_salary_vnd: r.get(row, Column::FormerPostSalary, false, convert::money),
        concurrent_post_allowance_vnd: r.get(
            row,
            Column::ConcurrentPostAllowance,
            false,
            convert::money,
        ),
    };
    let insured_months = insured_months(r, row);
    let worked_months = r.get(row, Column::WorkedMonths, false, |c, b| {
        convert::whole(c, b, 720)
    });
    let receiving_pension = r.get(row, Column::ReceivingPension, false, convert::yes_no);
    let receiving_incapacity_benefit = r.get(
        row,
        Column::ReceivingIncapacityBenefit,
        false,
        convert::yes_no,
    );
    let moved_to_village_post = r.get(row, Column::MovedToVillagePost, false, convert::yes_no);
    let reduced_retirement_age = r.get(row, Column::ReducedRetirementAge, false, convert::yes_no);
    let reorganization_effective_date = r.get(
        row,
        Column::ReorganizationEffectiveDate,
        false,
        convert::date,
    );
    let leave_date = r.get(row, Column::LeaveDate, true, convert::date);
    let decision_date = r.get(row, Column::DecisionDate, false, convert::date);

    let id = national_id;
    if r.failed() {
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
    r: &mut Reader<'_>,
    row: &GridRow<'_>,
    sex: Option<crate::domain::person::Sex>,
    year: Option<i32>,
) -> Option<NationalId> {
    let expected = sex.zip(year);
    let parsed = r.get(row, Column::NationalId, true, |cell, bufs| {
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
    let id_header = header_of(r, Column::NationalId);
    let other_header = header_of(r, other);
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
    r.report(row, Column::NationalId, issue.clone(), Severity::Error);
    r.report(row, other, issue, Severity::Error);
    Some(parsed)
}

fn header_of(r: &Reader<'_>, column: Column) -> String {
    r.header(column)
        .unwrap_or_else(|| column.header_vi())
        .to_owned()
}

/// Insured months from its column, or from the years + extra months pair (a months part
/// without years is ignored).
fn insured_months(r: &mut Reader<'_>, row: &GridRow<'_>) -> Option<u32> {
    let has_years_col = r.has(Column::InsuredYears);
    let months = r.get(row, Column::InsuredMonths, false, |c, b| {
        convert::whole(c, b, 720)
    });
    if !has_years_col {
        return months;
    }
    let years = r.get(row, Column::InsuredYears, false, |c, b| {
        convert::whole(c, b, 60)
    });
    let extra = r.get(row, Column::InsuredExtraMonths, false, |c, b| {
        convert::whole(c, b, 11)
    });
    let from_pair = years.map(|y| y * 12 + extra.unwrap_or(0));
    match (months, from_pair) {
        (Some(m), Some(p)) if m != p => {
            let issue = Issue::new(
                "INSURED_MONTHS_CONFLICT",
                format!("Thời gian đóng BHXH {m} tháng khác với số năm và số tháng lẻ ({p} tháng)"),
                format!(
                    "Insured months {m} differ from the years and extra months given ({p} months)"
                ),
            );
            r.report(row, Column::InsuredMonths, issue, Severity::Error);
            None
        }
        (Some(m), _) => Some(m),
        (None, p) => p,
    }
}

fn id_issue(e: &NationalIdError) -> Issue {
    Issue::new(e.code(), e.message_vi(), e.message_en())
}

const CATEGORIES: &str = "Cán bộ, công chức; Viên chức; Lao động hợp đồng; Không chuyên trách cấp xã; Lực lượng vũ trang";
const SCHEMES: &str = "Nghỉ hưu trước tuổi; Thôi việc; Nghỉ việc";
const RANKS: &str = "Thiếu úy, Trung úy, Thượng úy, Đại úy, Thiếu tá, Trung tá, Thượng tá, Đại tá, \
    Thiếu tướng, Trung tướng, Thượng tướng, Đại tướng";
