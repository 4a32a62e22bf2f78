//! Synthetic rosters in the official layout (`staffpay demo-data --people N --seed S`), for
//! demonstrations, tests and benchmarks.
//!
//! The sheet looks like the forms agencies send: the agency and national motto on top, the
//! title, the unit line, a two-row header with group headings merged across their columns
//! (`Phụ cấp (%)` over `Công vụ`, `Thâm niên nghề`, ...), a row of column numbers
//! `(1) (2) (3)`, one row per person, a `Tổng cộng` row and a signature block. The people come
//! from [`super::people`]. The same options give the same bytes: one seeded generator,
//! fixed document properties, and no clock anywhere.

use crate::export::SafeText as _;
use std::path::Path;

use rust_decimal::Decimal;
use rust_xlsxwriter::{Color, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

use super::people::{Generator, Person, TopUnit, top_units};
use crate::domain::policy::{Category, Scheme};
use crate::import::columns::Column;
use crate::import::error::WriteError;
use crate::import::province::ProvinceCode;
use crate::xlsx::write::{
    DATE_FORMAT, article_label, category_vi, excel_date, fixed_properties, rank_vi, scheme_vi,
};

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DemoRosterOptions {
    /// Number of people (rows).
    pub people: usize,
    /// Seed of the random generator: the same seed gives the same file, byte for byte.
    pub seed: u64,
    /// Top-level units to spread the people over: 2025 province codes (`79`) and central
    /// body codes (`BYT`). Empty: the 34 provinces and every central body.
    pub unit_codes: Vec<String>,
    /// Rows per thousand written with an invalid national id (a letter for its last digit),
    /// spread evenly and the same for the same seed: a roster with refused rows, to import
    /// with `--accept-valid` (issue 19's benchmark variant). 0: none.
    pub invalid_per_mille: u32,
}

impl Default for DemoRosterOptions {
    fn default() -> Self {
        DemoRosterOptions {
            people: 1_000,
            seed: 178,
            unit_codes: Vec::new(),
            invalid_per_mille: 0,
        }
    }
}

/// Whether row `i` (0-based) is written invalid: a fixed spread of the rows by a
/// multiplicative hash of the row and the seed, `per_mille` of every thousand on average.
fn written_invalid(i: usize, seed: u64, per_mille: u32) -> bool {
    if per_mille == 0 {
        return false;
    }
    let h = (u64::try_from(i).unwrap_or(u64::MAX) ^ seed).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 32) % 1000 < u64::from(per_mille)
}

/// What was generated.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DemoSummary {
    /// Person rows written.
    pub people: usize,
    /// Nghỉ hưu trước tuổi.
    pub early_retirement: usize,
    /// Thôi việc.
    pub quit: usize,
    /// Nghỉ việc (commune part-time workers).
    pub part_time_leave: usize,
    /// Lực lượng vũ trang (any scheme).
    pub armed_forces: usize,
    /// Rows left without a bank account on purpose.
    pub without_bank_account: usize,
    /// Rows written with an invalid national id on purpose (`invalid_per_mille`).
    pub invalid: usize,
    /// The sheet's name.
    pub sheet: String,
    /// Excel row numbers of the two header rows.
    pub header_rows: (u32, u32),
    /// Excel row number of the first person.
    pub first_data_row: u32,
    /// Excel row number of the last person.
    pub last_data_row: u32,
    /// Excel row number of the `Tổng cộng` row.
    pub total_row: u32,
    /// Size of the `.xlsx` file in bytes.
    pub bytes: u64,
}

/// Deflate level of the `.xlsx` container. Level 3 writes 150,000 people in ~4 s instead of
/// ~6 s at the default 6, for a file of 20 MB instead of 17 MB (level 1: 29 MB, too close to
/// the 32 MB upload limit).
const ZIP_LEVEL: u8 = 3;

/// Name of the generated sheet.
pub const DEMO_SHEET: &str = "Danh sách";

/// Writes a synthetic roster to `path`.
pub fn write_demo_roster(
    path: &Path,
    options: &DemoRosterOptions,
) -> Result<DemoSummary, WriteError> {
    let (bytes, summary) = demo_roster_bytes(options)?;
    std::fs::write(path, bytes)?;
    Ok(summary)
}

/// A synthetic roster as `.xlsx` bytes, with its summary.
pub fn demo_roster_bytes(
    options: &DemoRosterOptions,
) -> Result<(Vec<u8>, DemoSummary), WriteError> {
    let units = chosen_units(&options.unit_codes)?;
    let mut workbook = Workbook::new();
    workbook.set_zip_compression_level(ZIP_LEVEL);
    workbook.set_properties(&fixed_properties(
        "Danh sách nghỉ việc theo Nghị định 178/2024/NĐ-CP (dữ liệu mô phỏng)",
    )?);
    // "Low memory" mode streams each finished row to a temporary file (rows must be written
    // top to bottom) and keeps Excel's shared strings: 150,000 people without holding every
    // cell in memory.
    let ws = workbook.add_worksheet_with_low_memory()?;
    let mut summary = write_sheet(ws, options, units)?;
    let bytes = workbook.save_to_buffer()?;
    summary.bytes = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    Ok((bytes, summary))
}

fn chosen_units(codes: &[String]) -> Result<Vec<TopUnit>, WriteError> {
    let all = top_units();
    if codes.is_empty() {
        return Ok(all);
    }
    let mut chosen: Vec<TopUnit> = Vec::new();
    for code in codes {
        let wanted = code.trim();
        let province = ProvinceCode::parse(wanted).map(|p| p.code().to_owned());
        let found = all.iter().find(|u| match &province {
            Some(p) => u.is_province && u.code == *p,
            None => !u.is_province && u.code.eq_ignore_ascii_case(wanted),
        });
        match found {
            Some(u) if !chosen.contains(u) => chosen.push(u.clone()),
            Some(_) => {}
            None => return Err(WriteError::UnknownUnit(wanted.to_owned())),
        }
    }
    Ok(chosen)
}

/// One header cell: a column alone (merged down both header rows) or a group heading
/// merged across its columns, with their names in the second row.
enum Block {
    One(Column, &'static str),
    Group(&'static str, &'static [(Column, &'static str)]),
}

/// The official layout. Every label reads back as its column (`Phụ cấp (%)` + `Công vụ` is
/// "Phụ cấp công vụ"), which the tests check through the reader.
const LAYOUT: &[Block] = &[
    Block::One(Column::Seq, "STT"),
    Block::One(Column::FullName, "Họ và tên"),
    Block::One(Column::NationalId, "Số định danh cá nhân"),
    Block::One(Column::DateOfBirth, "Ngày, tháng, năm sinh"),
    Block::One(Column::Sex, "Giới tính"),
    Block::One(Column::ProvinceCode, "Mã tỉnh"),
    Block::One(Column::UnitCode, "Mã đơn vị"),
    Block::One(Column::UnitName, "Đơn vị công tác"),
    Block::One(Column::Category, "Đối tượng"),
    Block::One(Column::Rank, "Cấp bậc"),
    Block::One(Column::Scheme, "Hình thức nghỉ"),
    Block::One(Column::Article, "Điều áp dụng"),
    Block::Group(
        "Hệ số",
        &[
            (Column::GradeCoefficient, "Lương"),
            (Column::LeadershipCoefficient, "Phụ cấp chức vụ"),
            (Column::RetentionCoefficient, "Chênh lệch bảo lưu"),
        ],
    ),
    Block::Group(
        "Phụ cấp (%)",
        &[
            (Column::BeyondFrameSeniorityPct, "Thâm niên vượt khung"),
            (Column::ProfessionalSeniorityPct, "Thâm niên nghề"),
            (Column::OccupationalPreferentialPct, "Ưu đãi nghề"),
            (Column::OccupationalResponsibilityPct, "Trách nhiệm nghề"),
            (Column::PublicServicePct, "Công vụ"),
            (Column::PartyUnionWorkPct, "Công tác Đảng, đoàn thể"),
            (Column::ArmedForcesSpecialPct, "Đặc thù lực lượng vũ trang"),
        ],
    ),
    Block::Group(
        "Tiền lương, phụ cấp (đồng)",
        &[
            (Column::ContractMonthlyWage, "Lương theo hợp đồng"),
            (Column::MonthlyAllowance, "Phụ cấp hằng tháng"),
            (Column::FormerPostSalary, "Lương chức danh cũ"),
            (Column::ConcurrentPostAllowance, "Phụ cấp kiêm nhiệm"),
        ],
    ),
    Block::Group(
        "Thời gian đóng BHXH",
        &[
            (Column::InsuredYears, "Số năm"),
            (Column::InsuredExtraMonths, "Số tháng lẻ"),
        ],
    ),
    Block::One(Column::WorkedMonths, "Thời gian công tác (tháng)"),
    Block::One(Column::ReceivingPension, "Đang hưởng lương hưu"),
    Block::One(
        Column::ReceivingIncapacityBenefit,
        "Hưởng trợ cấp mất sức lao động",
    ),
    Block::One(Column::MovedToVillagePost, "Chuyển sang thôn, tổ dân phố"),
    Block::One(
        Column::ReducedRetirementAge,
        "Tuổi nghỉ hưu thấp hơn (Phụ lục II)",
    ),
    Block::One(
        Column::ReorganizationEffectiveDate,
        "Ngày hiệu lực quyết định sắp xếp",
    ),
    Block::One(Column::DecisionDate, "Ngày quyết định cho nghỉ"),
    Block::One(Column::LeaveDate, "Ngày nghỉ"),
    Block::Group(
        "Ngân hàng",
        &[
            (Column::BankAccount, "Số tài khoản"),
            (Column::Bank, "Tên ngân hàng"),
        ],
    ),
];

/// The columns of [`LAYOUT`], left to right.
pub fn demo_columns() -> Vec<Column> {
    LAYOUT
        .iter()
        .flat_map(|b| match b {
            Block::One(c, _) => vec![*c],
            Block::Group(_, cols) => cols.iter().map(|(c, _)| *c).collect(),
        })
        .collect()
}

/// Row indexes (0-based) of the parts of the sheet.
const HEADER_TOP: u32 = 8;
const NUMBERING_ROW: u32 = HEADER_TOP + 2;
const FIRST_DATA: u32 = NUMBERING_ROW + 1;

fn col_num(i: usize) -> Result<u16, XlsxError> {
    u16::try_from(i).map_err(|_| XlsxError::ParameterError("too many columns".into()))
}

fn row_num(i: usize) -> Result<u32, XlsxError> {
    u32::try_from(i).map_err(|_| XlsxError::RowColumnLimitError)
}

fn width(column: Column) -> f64 {
    match column {
        Column::Seq => 6.0,
        Column::FullName => 26.0,
        Column::NationalId => 15.0,
        Column::DateOfBirth
        | Column::ReorganizationEffectiveDate
        | Column::DecisionDate
        | Column::LeaveDate => 12.0,
        Column::UnitCode => 12.0,
        Column::UnitName => 44.0,
        Column::Category | Column::Scheme => 22.0,
        Column::Rank => 12.0,
        Column::ContractMonthlyWage | Column::MonthlyAllowance => 14.0,
        Column::BankAccount => 17.0,
        Column::Bank => 18.0,
        _ => 10.0,
    }
}

fn write_sheet(
    ws: &mut Worksheet,
    options: &DemoRosterOptions,
    units: Vec<TopUnit>,
) -> Result<DemoSummary, WriteError> {
    ws.set_name(DEMO_SHEET)?;
    let columns = demo_columns();
    let last_col = col_num(columns.len().saturating_sub(1))?;

    let bold = Format::new().set_bold().set_align(FormatAlign::Center);
    let title = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center);
    let centered = Format::new().set_align(FormatAlign::Center);
    let italic = centered.clone().set_italic();
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let numbering = Format::new()
        .set_italic()
        .set_align(FormatAlign::Center)
        .set_border(FormatBorder::Thin);
    let total = Format::new().set_bold().set_num_format("#,##0");

    // Title block.
    let agency = match units.as_slice() {
        [one] if one.is_province => format!("UBND {}", one.name.to_uppercase()),
        [one] => one.name.to_uppercase(),
        _ => "BỘ NỘI VỤ".to_owned(),
    };
    let right = last_col.saturating_sub(11);
    ws.merge_text(0, 0, 0, 7, &agency, &bold)?;
    ws.merge_text(
        0,
        right,
        0,
        last_col,
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        &bold,
    )?;
    ws.merge_text(1, 0, 1, 7, "(Dữ liệu mô phỏng)", &italic)?;
    ws.merge_text(1, right, 1, last_col, "Độc lập - Tự do - Hạnh phúc", &bold)?;
    ws.merge_text(
        3,
        0,
        3,
        last_col,
        "DANH SÁCH CÁN BỘ, CÔNG CHỨC, VIÊN CHỨC, NGƯỜI LAO ĐỘNG NGHỈ VIỆC THEO NGHỊ ĐỊNH 178/2024/NĐ-CP",
        &title,
    )?;
    ws.merge_text(
        4,
        0,
        4,
        last_col,
        "(Được sửa đổi, bổ sung bởi Nghị định số 67/2025/NĐ-CP)",
        &italic,
    )?;
    let unit_line = match units.as_slice() {
        [] => "Đơn vị:".to_owned(),
        list if list.len() <= 5 => format!(
            "Đơn vị: {}",
            list.iter()
                .map(|u| u.name.as_str())
                .collect::<Vec<_>>()
                .join("; ")
        ),
        list => {
            let provinces = list.iter().filter(|u| u.is_province).count();
            format!(
                "Đơn vị: {provinces} tỉnh, thành phố và {} bộ, ngành, cơ quan trung ương",
                list.len() - provinces
            )
        }
    };
    ws.merge_text(5, 0, 5, last_col, &unit_line, &centered)?;
    ws.merge_text(
        6,
        0,
        6,
        last_col,
        format!(
            "Dữ liệu mô phỏng để thử nghiệm, không phải người thật — synthetic test data, not real people (seed {})",
            options.seed
        ),
        &italic,
    )?;

    // Two-row header, then the column numbers. Rows are written top to bottom (the sheet is
    // streamed): the upper row with its merges first, then the group members below.
    ws.set_row_height(HEADER_TOP, 30)?;
    ws.set_row_height(HEADER_TOP + 1, 45)?;
    let mut col = 0usize;
    for block in LAYOUT {
        match block {
            Block::One(_, label) => {
                let c = col_num(col)?;
                ws.merge_text(HEADER_TOP, c, HEADER_TOP + 1, c, label, &header)?;
                col += 1;
            }
            Block::Group(group, members) => {
                let first = col_num(col)?;
                let last = col_num(col + members.len() - 1)?;
                if first == last {
                    ws.write_text_with_format(HEADER_TOP, first, *group, &header)?;
                } else {
                    ws.merge_text(HEADER_TOP, first, HEADER_TOP, last, group, &header)?;
                }
                col += members.len();
            }
        }
    }
    let mut col = 0usize;
    for block in LAYOUT {
        match block {
            Block::One(..) => col += 1,
            Block::Group(_, members) => {
                for (_, label) in *members {
                    ws.write_text_with_format(HEADER_TOP + 1, col_num(col)?, *label, &header)?;
                    col += 1;
                }
            }
        }
    }
    for (i, column) in columns.iter().enumerate() {
        ws.set_column_width(col_num(i)?, width(*column))?;
    }
    for i in 0..columns.len() {
        ws.write_text_with_format(
            NUMBERING_ROW,
            col_num(i)?,
            format!("({})", i + 1),
            &numbering,
        )?;
    }

    // Column formats apply to the unformatted data cells below.
    let date = Format::new().set_num_format(DATE_FORMAT);
    let money = Format::new().set_num_format("#,##0");
    let coefficient = Format::new().set_num_format("0.00");
    for (i, column) in columns.iter().enumerate() {
        let f = match column.kind() {
            crate::import::columns::Kind::Date | crate::import::columns::Kind::BirthDate => &date,
            crate::import::columns::Kind::Money => &money,
            crate::import::columns::Kind::Coefficient => &coefficient,
            _ => continue,
        };
        ws.set_column_format(col_num(i)?, f)?;
    }

    // People.
    let mut generator = Generator::new(options.seed, units);
    let mut summary = DemoSummary {
        people: options.people,
        sheet: DEMO_SHEET.to_owned(),
        header_rows: (HEADER_TOP + 1, HEADER_TOP + 2),
        first_data_row: FIRST_DATA + 1,
        ..DemoSummary::default()
    };
    let mut wage_sum: i64 = 0;
    let mut allowance_sum: i64 = 0;
    let mut text = String::new();
    for i in 0..options.people {
        let person = generator.person()?;
        let row = FIRST_DATA + row_num(i)?;
        match person.scheme {
            Scheme::EarlyRetirement => summary.early_retirement += 1,
            Scheme::Quit => summary.quit += 1,
            Scheme::PartTimeLeave => summary.part_time_leave += 1,
        }
        if person.category == Category::ArmedForces {
            summary.armed_forces += 1;
        }
        if person.bank.is_none() {
            summary.without_bank_account += 1;
        }
        wage_sum += i64::from(person.contract_wage_vnd.unwrap_or(0));
        allowance_sum += i64::from(person.monthly_allowance_vnd.unwrap_or(0));
        let invalid = written_invalid(i, options.seed, options.invalid_per_mille);
        if invalid {
            summary.invalid += 1;
        }
        for (c, column) in columns.iter().enumerate() {
            let c = col_num(c)?;
            if invalid && *column == Column::NationalId {
                let mut id = person.national_id.clone();
                id.pop();
                id.push('X');
                ws.write_text(row, c, &id)?;
                continue;
            }
            match value(&person, *column, i + 1, &mut text)? {
                Value::Empty => {}
                Value::Text(t) => {
                    ws.write_text(row, c, t)?;
                }
                Value::Number(n) => {
                    ws.write_number(row, c, n)?;
                }
            }
        }
    }
    let total_row = FIRST_DATA + row_num(options.people)?;
    summary.last_data_row = total_row;
    summary.total_row = total_row + 1;

    // Total row and signature block.
    let name_col = col_position(&columns, Column::FullName)?;
    ws.write_text_with_format(total_row, name_col, "Tổng cộng", &total)?;
    ws.write_text_with_format(
        total_row,
        col_position(&columns, Column::UnitName)?,
        format!("{} người", options.people),
        &total,
    )?;
    ws.write_number_with_format(
        total_row,
        col_position(&columns, Column::ContractMonthlyWage)?,
        exact_f64(wage_sum)?,
        &total,
    )?;
    ws.write_number_with_format(
        total_row,
        col_position(&columns, Column::MonthlyAllowance)?,
        exact_f64(allowance_sum)?,
        &total,
    )?;
    let sign = total_row + 2;
    let middle = col_position(&columns, Column::Scheme)?;
    ws.merge_text(
        sign,
        right,
        sign,
        last_col,
        "Hà Nội, ngày 15 tháng 12 năm 2025",
        &italic,
    )?;
    let signers = [
        (name_col, "NGƯỜI LẬP BIỂU"),
        (middle, "KẾ TOÁN TRƯỞNG"),
        (right + 5, "THỦ TRƯỞNG ĐƠN VỊ"),
    ];
    for (c, who) in signers {
        ws.write_text_with_format(sign + 1, c, who, &bold)?;
    }
    for (c, _) in signers {
        ws.write_text_with_format(sign + 2, c, "(Ký, ghi rõ họ tên)", &italic)?;
    }

    ws.set_freeze_panes(FIRST_DATA, 3)?;
    ws.set_landscape();
    ws.set_paper_size(8);
    ws.set_repeat_rows(HEADER_TOP, NUMBERING_ROW)?;
    Ok(summary)
}

fn col_position(columns: &[Column], wanted: Column) -> Result<u16, XlsxError> {
    let i = columns
        .iter()
        .position(|c| *c == wanted)
        .ok_or_else(|| XlsxError::ParameterError("column not in the layout".into()))?;
    col_num(i)
}

/// Whole đồng as an Excel number: exact below 2^53, refused above.
fn exact_f64(dong: i64) -> Result<f64, WriteError> {
    const LIMIT: i64 = 1 << 53;
    if !(-LIMIT..=LIMIT).contains(&dong) {
        return Err(WriteError::Demo("sum too large for an exact Excel number"));
    }
    let text = dong.to_string();
    text.parse::<f64>()
        .map_err(|_| WriteError::Demo("number conversion"))
}

/// A coefficient (at most 4 decimals) as the Excel number that displays as the same
/// decimal: parsed from its text, so `4.65` is the double nearest to 4.65.
fn decimal_f64(d: Decimal, text: &mut String) -> Result<f64, WriteError> {
    use std::fmt::Write as _;
    text.clear();
    let _ = write!(text, "{}", d.normalize());
    text.parse::<f64>()
        .map_err(|_| WriteError::Demo("number conversion"))
}

enum Value<'p> {
    Empty,
    Text(&'p str),
    Number(f64),
}

fn value<'p>(
    p: &'p Person,
    column: Column,
    seq: usize,
    buf: &mut String,
) -> Result<Value<'p>, WriteError> {
    let num = |v: Option<u32>| v.map_or(Value::Empty, |n| Value::Number(f64::from(n)));
    let date = |d: chrono::NaiveDate| -> Result<Value<'p>, WriteError> {
        Ok(Value::Number(excel_date(d)?.to_excel()))
    };
    let yes_no = |b: bool| Value::Text(if b { "Có" } else { "Không" });
    Ok(match column {
        Column::Seq => Value::Number(f64::from(u32::try_from(seq).unwrap_or(u32::MAX))),
        Column::FullName => Value::Text(&p.full_name),
        Column::NationalId => Value::Text(&p.national_id),
        Column::DateOfBirth if p.birth_year_only => Value::Text(year_text(p.birth)),
        Column::DateOfBirth => date(p.birth)?,
        Column::Sex => Value::Text(p.sex.label_vi()),
        Column::UnitCode => Value::Text(&p.unit_code),
        Column::UnitName => Value::Text(&p.unit_name),
        Column::Category => Value::Text(category_vi(p.category)),
        Column::Rank => p.rank.map_or(Value::Empty, |r| Value::Text(rank_vi(r))),
        Column::Scheme => Value::Text(scheme_vi(p.scheme)),
        Column::Article => p
            .article
            .map_or(Value::Empty, |a| Value::Text(article_label(a))),
        Column::GradeCoefficient => coefficient(p.grade, buf)?,
        Column::LeadershipCoefficient => coefficient(p.leadership, buf)?,
        Column::RetentionCoefficient => coefficient(p.retention, buf)?,
        Column::BeyondFrameSeniorityPct => num(p.beyond_frame_pct),
        Column::ProfessionalSeniorityPct => num(p.professional_seniority_pct),
        Column::OccupationalPreferentialPct => num(p.occupational_preferential_pct),
        Column::OccupationalResponsibilityPct => num(p.occupational_responsibility_pct),
        Column::PublicServicePct => num(p.public_service_pct),
        Column::PartyUnionWorkPct => num(p.party_union_pct),
        Column::ArmedForcesSpecialPct => num(p.armed_forces_special_pct),
        Column::ContractMonthlyWage => num(p.contract_wage_vnd),
        Column::MonthlyAllowance => num(p.monthly_allowance_vnd),
        Column::FormerPostSalary => num(p.former_post_salary_vnd),
        Column::ConcurrentPostAllowance => num(p.concurrent_post_allowance_vnd),
        Column::InsuredYears => num(p.insured_months.map(|m| m / 12)),
        Column::InsuredExtraMonths => num(p.insured_months.map(|m| m % 12)),
        Column::InsuredMonths => num(p.insured_months),
        Column::WorkedMonths => num(p.worked_months),
        Column::ReceivingPension => yes_no(p.receiving_pension),
        Column::ReceivingIncapacityBenefit => yes_no(p.receiving_incapacity_benefit),
        Column::MovedToVillagePost => yes_no(p.moved_to_village_post),
        Column::ReducedRetirementAge => yes_no(p.reduced_retirement_age),
        Column::ReorganizationEffectiveDate => date(p.effective_date)?,
        Column::DecisionDate => date(p.decision_date)?,
        Column::LeaveDate => date(p.leave_date)?,
        Column::ProvinceCode => p.province_code.as_deref().map_or(Value::Empty, Value::Text),
        Column::BankAccount => p
            .bank
            .as_ref()
            .map_or(Value::Empty, |(a, _)| Value::Text(a)),
        Column::Bank => p
            .bank
            .as_ref()
            .map_or(Value::Empty, |(_, b)| Value::Text(b)),
        Column::MonthlySalary => Value::Empty,
    })
}

fn coefficient<'p>(d: Option<Decimal>, buf: &mut String) -> Result<Value<'p>, WriteError> {
    Ok(match d {
        Some(d) => Value::Number(decimal_f64(d, buf)?),
        None => Value::Empty,
    })
}

/// The year of an old record, as the text `1968`: a number would be shown as a date in the
/// date-formatted column.
fn year_text(d: chrono::NaiveDate) -> &'static str {
    use chrono::Datelike;
    const YEARS: [&str; 61] = [
        "1950", "1951", "1952", "1953", "1954", "1955", "1956", "1957", "1958", "1959", "1960",
        "1961", "1962", "1963", "1964", "1965", "1966", "1967", "1968", "1969", "1970", "1971",
        "1972", "1973", "1974", "1975", "1976", "1977", "1978", "1979", "1980", "1981", "1982",
        "1983", "1984", "1985", "1986", "1987", "1988", "1989", "1990", "1991", "1992", "1993",
        "1994", "1995", "1996", "1997", "1998", "1999", "2000", "2001", "2002", "2003", "2004",
        "2005", "2006", "2007", "2008", "2009", "2010",
    ];
    usize::try_from(d.year() - 1950)
        .ok()
        .and_then(|i| YEARS.get(i))
        .copied()
        .unwrap_or("1970")
}

#[cfg(test)]
mod tests {

    #[test]
    fn invalid_rows_are_spread_at_the_share_asked() {
        let count = |per_mille| {
            (0..150_000)
                .filter(|i| super::written_invalid(*i, 1, per_mille))
                .count()
        };
        assert_eq!(count(0), 0);
        let six_percent = count(60);
        assert!((8_500..=9_500).contains(&six_percent), "{six_percent}");
        assert_eq!(count(1000), 150_000);
    }

    use super::*;

    #[test]
    fn layout_labels_read_back_as_their_columns() {
        // As the reader does: the group heading plus the lower label, else the label alone.
        for block in LAYOUT {
            match block {
                Block::One(c, label) => assert_eq!(Column::from_header(label), Some(*c), "{label}"),
                Block::Group(g, members) => {
                    for (c, label) in *members {
                        let found = Column::from_header(&format!("{g} {label}"))
                            .or_else(|| Column::from_header(label));
                        assert_eq!(found, Some(*c), "{g} / {label}");
                    }
                }
            }
        }
        let cols = demo_columns();
        let mut unique = cols.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), cols.len());
    }

    #[test]
    fn unit_codes_are_checked() {
        assert!(chosen_units(&["79".into(), "byt".into()]).is_ok());
        assert_eq!(chosen_units(&["79".into()]).unwrap()[0].code, "79");
        assert!(matches!(
            chosen_units(&["XYZ".into()]),
            Err(WriteError::UnknownUnit(_))
        ));
    }

    #[test]
    fn money_and_coefficients_convert_exactly() {
        let mut buf = String::new();
        assert_eq!(decimal_f64(Decimal::new(465, 2), &mut buf).unwrap(), 4.65);
        assert_eq!(exact_f64(12_345_000).unwrap(), 12_345_000.0);
        assert!(exact_f64(i64::MAX).is_err());
    }
}
