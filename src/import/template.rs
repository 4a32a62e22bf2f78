//! The blank roster template (`staffpay template roster --out FILE.xlsx`).
//!
//! One sheet per purpose: "Danh sách" holds the header (every canonical column of
//! [`Column::ALL`], Vietnamese with the English name in brackets on a second line, so the
//! reader maps each one), drop-down lists for the enumerated columns, text format on the
//! columns whose leading zeros matter and `dd/mm/yyyy` on the dates; "Hướng dẫn -
//! Instructions" explains every column in both languages; the hidden "DanhMuc" sheet holds
//! the drop-down values (list values such as "Cán bộ, công chức" contain commas, which an
//! inline Excel list cannot hold).
//!
//! The date of birth column is *text*, not a date: typing a bare year (allowed for old
//! records) into a date-formatted cell makes Excel show `1970` as 22/05/1905.

use crate::export::SafeText as _;
use std::path::Path;

use rust_xlsxwriter::{
    Color, DataValidation, DataValidationErrorStyle, DataValidationRule, ExcelDateTime, Format,
    FormatAlign, FormatBorder, Formula, Note, Workbook, Worksheet, XlsxError,
};

use super::columns::{Column, Kind};
use crate::domain::policy::{Article, Category, Rank, Scheme};
use crate::xlsx::write::{
    DATE_FORMAT, SEX_VI, YES_NO_VI, article_label, category_en, category_vi, fixed_properties,
    rank_vi, scheme_en, scheme_vi,
};

/// Errors of the template writer.
pub type TemplateError = super::error::WriteError;

/// Name of the sheet to fill in.
pub const ROSTER_SHEET: &str = "Danh sách";
/// Name of the instructions sheet.
pub const INSTRUCTIONS_SHEET: &str = "Hướng dẫn - Instructions";
/// Name of the hidden sheet holding the drop-down values.
pub const LISTS_SHEET: &str = "DanhMuc";

/// Last 0-based row covered by drop-down lists and validation (Excel's last row).
const LAST_ROW: u32 = 1_048_575;

/// Writes the template to `path`.
pub fn write_template(path: &Path) -> Result<(), TemplateError> {
    std::fs::write(path, template_bytes()?)?;
    Ok(())
}

/// The template as `.xlsx` bytes (for an HTTP download). Always the same bytes.
pub fn template_bytes() -> Result<Vec<u8>, TemplateError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties(
        "Mẫu danh sách nghỉ việc theo Nghị định 178/2024/NĐ-CP",
    )?);
    let lists = Lists::new();
    roster_sheet(workbook.add_worksheet(), &lists)?;
    instructions_sheet(workbook.add_worksheet())?;
    lists_sheet(workbook.add_worksheet(), &lists)?;
    Ok(workbook.save_to_buffer()?)
}

/// The header cell of a column: Vietnamese (with `(*)` when required), then the English
/// name in brackets on a second line. The reader ignores bracketed text, so it maps the cell
/// by its Vietnamese name.
pub fn template_header(column: Column) -> String {
    let star = if Column::REQUIRED.contains(&column) {
        " (*)"
    } else {
        ""
    };
    format!("{}{star}\n({})", column.header_vi(), column.header_en())
}

/// The drop-down lists: one column of the hidden sheet each.
struct Lists {
    columns: Vec<(Kind, &'static str, Vec<&'static str>)>,
}

impl Lists {
    fn new() -> Self {
        let columns = vec![
            (Kind::Sex, "Giới tính / Sex", SEX_VI.to_vec()),
            (
                Kind::Category,
                "Đối tượng / Category",
                Category::ALL.iter().map(|c| category_vi(*c)).collect(),
            ),
            (
                Kind::Rank,
                "Cấp bậc / Rank",
                Rank::ALL.iter().map(|r| rank_vi(*r)).collect(),
            ),
            (
                Kind::Scheme,
                "Hình thức nghỉ / Scheme",
                Scheme::ALL.iter().map(|s| scheme_vi(*s)).collect(),
            ),
            (
                Kind::Article,
                "Điều áp dụng / Article",
                Article::ALL.iter().map(|a| article_label(*a)).collect(),
            ),
            (Kind::YesNo, "Có/Không / Yes/No", YES_NO_VI.to_vec()),
        ];
        Lists { columns }
    }

    /// The values and the sheet range holding them, for a column of this kind.
    fn for_kind(&self, kind: Kind) -> Option<(&[&'static str], String)> {
        let (i, (_, _, values)) = self
            .columns
            .iter()
            .enumerate()
            .find(|(_, (k, ..))| *k == kind)?;
        let letter = column_letter(u16::try_from(i).ok()?);
        let range = format!("={LISTS_SHEET}!${letter}$2:${letter}${}", values.len() + 1);
        Some((values.as_slice(), range))
    }
}

fn roster_sheet(ws: &mut Worksheet, lists: &Lists) -> Result<(), XlsxError> {
    ws.set_name(ROSTER_SHEET)?;
    let header = Format::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_border(FormatBorder::Thin)
        .set_background_color(Color::RGB(0xDDEBF7));
    let required = header.clone().set_background_color(Color::RGB(0xFCE4D6));
    let text = Format::new().set_num_format("@");
    let date = Format::new().set_num_format(DATE_FORMAT);
    let money = Format::new().set_num_format("#,##0");
    ws.set_row_height(0, 48)?;
    for (i, &column) in Column::ALL.iter().enumerate() {
        let col = u16::try_from(i).map_err(|_| XlsxError::ParameterError("column".into()))?;
        let title = template_header(column);
        let fmt = if Column::REQUIRED.contains(&column) {
            &required
        } else {
            &header
        };
        ws.write_text_with_format(0, col, &title, fmt)?;
        let (format_vi, format_en) = kind_help(column.kind());
        let mut note_text = format!("{format_vi}\n{format_en}");
        if let Some(values) = allowed_values(column.kind()) {
            note_text.push_str("\n→ ");
            note_text.push_str(&values);
        }
        ws.insert_note(
            0,
            col,
            &Note::new(note_text)
                .set_author("staffpay")
                .add_author_prefix(false)
                .set_width(320)
                .set_height(120),
        )?;
        ws.set_column_width(col, width_of(&title))?;
        match column.kind() {
            Kind::NationalId
            | Kind::BankAccount
            | Kind::ProvinceCode
            | Kind::BirthDate
            | Kind::Article => {
                ws.set_column_format(col, &text)?;
            }
            Kind::Text if column == Column::UnitCode => {
                ws.set_column_format(col, &text)?;
            }
            Kind::Date => {
                ws.set_column_format(col, &date)?;
            }
            Kind::Money => {
                ws.set_column_format(col, &money)?;
            }
            _ => {}
        }
        if let Some(validation) = validation(column, lists)? {
            ws.add_data_validation(1, col, LAST_ROW, col, &validation)?;
        }
    }
    ws.set_freeze_panes(1, 2)?;
    ws.set_active(true);
    Ok(())
}

fn width_of(title: &str) -> f64 {
    let longest = title.lines().map(|l| l.chars().count()).max().unwrap_or(8);
    let chars = u32::try_from(longest.clamp(10, 34)).unwrap_or(34);
    f64::from(chars) + 2.0
}

/// The drop-down list or range check of a column, if any. Checks warn instead of refusing:
/// the reader also accepts English words and other spellings.
fn validation(column: Column, lists: &Lists) -> Result<Option<DataValidation>, XlsxError> {
    let kind = column.kind();
    let dv = if let Some((_, range)) = lists.for_kind(kind) {
        DataValidation::new().allow_list_formula(Formula::new(range))
    } else {
        match kind {
            Kind::Coefficient | Kind::Percent => {
                DataValidation::new().allow_decimal_number(DataValidationRule::Between(0.0, 100.0))
            }
            Kind::Money => DataValidation::new()
                .allow_decimal_number(DataValidationRule::Between(0.0, 1_000_000_000_000.0)),
            Kind::Months => {
                DataValidation::new().allow_whole_number(DataValidationRule::Between(0, 720))
            }
            Kind::Years => {
                DataValidation::new().allow_whole_number(DataValidationRule::Between(0, 60))
            }
            Kind::ExtraMonths => {
                DataValidation::new().allow_whole_number(DataValidationRule::Between(0, 11))
            }
            Kind::Date => DataValidation::new().allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(1900, 1, 1)?,
                ExcelDateTime::from_ymd(2100, 12, 31)?,
            )),
            _ => return Ok(None),
        }
    };
    let (format_vi, format_en) = kind_help(kind);
    let message = clip(&format!("{format_vi} / {format_en}"), 255);
    let dv = dv
        .set_error_style(DataValidationErrorStyle::Warning)
        .set_error_title(clip(column.header_vi(), 32))?
        .set_error_message(message)?;
    Ok(Some(dv))
}

fn clip(text: &str, max: usize) -> String {
    text.chars().take(max).collect()
}

/// How a column of this kind is filled in: (Vietnamese, English).
pub fn kind_help(kind: Kind) -> (&'static str, &'static str) {
    match kind {
        Kind::Seq => ("Số thứ tự, không bắt buộc", "Row number, optional"),
        Kind::Text => ("Chữ", "Text"),
        Kind::NationalId => (
            "12 chữ số, nhập dạng văn bản để giữ số 0 ở đầu",
            "12 digits, typed as text so the leading zero stays",
        ),
        Kind::BirthDate => (
            "dd/mm/yyyy; hồ sơ cũ có thể ghi mm/yyyy hoặc chỉ năm (yyyy)",
            "dd/mm/yyyy; old records may give mm/yyyy or the year only",
        ),
        Kind::Date => ("Ngày dạng dd/mm/yyyy", "A date, dd/mm/yyyy"),
        Kind::Sex => ("Chọn trong danh sách", "Pick from the list"),
        Kind::Category | Kind::Rank | Kind::Scheme | Kind::Article | Kind::YesNo => {
            ("Chọn trong danh sách", "Pick from the list")
        }
        Kind::Coefficient => (
            "Số thập phân, tối đa 4 chữ số sau dấu phẩy (ví dụ 4,65)",
            "Decimal, at most 4 decimals (e.g. 4.65)",
        ),
        Kind::Percent => (
            "Phần trăm, 0–100 (ghi 25 cho 25%)",
            "Percent, 0–100 (write 25 for 25%)",
        ),
        Kind::Money => ("Số đồng nguyên", "Whole đồng"),
        Kind::Months => ("Số tháng nguyên, 0–720", "Whole months, 0–720"),
        Kind::Years => ("Số năm nguyên, 0–60", "Whole years, 0–60"),
        Kind::ExtraMonths => (
            "Số tháng lẻ, 0–11 (đi cùng cột Số năm)",
            "Remaining months, 0–11 (with the years column)",
        ),
        Kind::ProvinceCode => (
            "Mã tỉnh, thành phố năm 2025 (2 chữ số, ví dụ 01, 79)",
            "2025 province code (2 digits, e.g. 01, 79)",
        ),
        Kind::BankAccount => (
            "Chữ số (có thể có dấu cách, gạch ngang), nhập dạng văn bản",
            "Digits (spaces, dashes allowed), typed as text",
        ),
    }
}

/// The accepted values of an enumerated column, for the instructions.
pub fn allowed_values(kind: Kind) -> Option<String> {
    let join = |v: Vec<&str>| v.join("; ");
    Some(match kind {
        Kind::Sex => "Nam; Nữ (Male; Female)".to_owned(),
        Kind::Category => Category::ALL
            .iter()
            .map(|c| format!("{} ({})", category_vi(*c), category_en(*c)))
            .collect::<Vec<_>>()
            .join("; "),
        Kind::Rank => join(Rank::ALL.iter().map(|r| rank_vi(*r)).collect()),
        Kind::Scheme => Scheme::ALL
            .iter()
            .map(|s| format!("{} ({})", scheme_vi(*s), scheme_en(*s)))
            .collect::<Vec<_>>()
            .join("; "),
        Kind::Article => join(Article::ALL.iter().map(|a| article_label(*a)).collect()),
        Kind::YesNo => "Có; Không (Yes; No)".to_owned(),
        _ => return None,
    })
}

/// What each column is for: (Vietnamese, English).
fn column_help(column: Column) -> (&'static str, &'static str) {
    match column {
        Column::Seq => ("Số thứ tự trong danh sách", "Row number in the list"),
        Column::FullName => ("Họ và tên đầy đủ, có dấu", "Full name, with diacritics"),
        Column::NationalId => (
            "Số định danh cá nhân (số CCCD)",
            "Personal identification number (CCCD)",
        ),
        Column::DateOfBirth => ("Ngày sinh", "Date of birth"),
        Column::Sex => ("Giới tính", "Sex"),
        Column::UnitCode => (
            "Mã đơn vị nơi công tác (đơn vị chưa có sẽ được tạo)",
            "Code of the unit the person works in (unknown units are created)",
        ),
        Column::UnitName => ("Tên đơn vị công tác", "Name of the unit"),
        Column::Category => ("Nhóm đối tượng", "Group of staff"),
        Column::Rank => (
            "Cấp bậc quân hàm (chỉ lực lượng vũ trang)",
            "Officer rank (armed forces only)",
        ),
        Column::Scheme => ("Hình thức nghỉ", "How the person leaves"),
        Column::Article => (
            "Điều áp dụng của Nghị định (để trống là Điều 7)",
            "Article of the Decree (empty means Article 7)",
        ),
        Column::GradeCoefficient => ("Hệ số lương theo ngạch, bậc", "Salary grade coefficient"),
        Column::LeadershipCoefficient => (
            "Hệ số phụ cấp chức vụ lãnh đạo",
            "Leadership allowance coefficient",
        ),
        Column::BeyondFrameSeniorityPct => (
            "Phụ cấp thâm niên vượt khung",
            "Beyond-frame seniority allowance",
        ),
        Column::ProfessionalSeniorityPct => {
            ("Phụ cấp thâm niên nghề", "Professional seniority allowance")
        }
        Column::OccupationalPreferentialPct => (
            "Phụ cấp ưu đãi theo nghề",
            "Occupational preferential allowance",
        ),
        Column::OccupationalResponsibilityPct => (
            "Phụ cấp trách nhiệm theo nghề",
            "Occupational responsibility allowance",
        ),
        Column::PublicServicePct => (
            "Phụ cấp công vụ (thường 25)",
            "Public service allowance (usually 25)",
        ),
        Column::PartyUnionWorkPct => (
            "Phụ cấp công tác Đảng, đoàn thể chính trị - xã hội",
            "Party and mass-organisation work allowance",
        ),
        Column::ArmedForcesSpecialPct => (
            "Phụ cấp đặc thù lực lượng vũ trang",
            "Armed forces special allowance",
        ),
        Column::RetentionCoefficient => (
            "Hệ số chênh lệch bảo lưu (tính cho mọi ngày nghỉ; quyết định trước 15/3/2025 được cấp bổ sung theo NĐ 67/2025)",
            "Retained salary difference coefficient (every leave date; decisions before 15/03/2025 are topped up under Decree 67/2025)",
        ),
        Column::ContractMonthlyWage => (
            "Tiền lương theo hợp đồng lao động; không ghi cùng hệ số lương",
            "Monthly wage under a labour contract; not together with coefficients",
        ),
        Column::MonthlySalary => (
            "Tiền lương tháng hiện hưởng, nếu đã tính sẵn (thay cho hệ số)",
            "Current monthly salary, when already computed (instead of coefficients)",
        ),
        Column::MonthlyAllowance => (
            "Phụ cấp hằng tháng (người không chuyên trách cấp xã)",
            "Monthly allowance (commune part-time workers)",
        ),
        Column::FormerPostSalary => (
            "Tiền lương của chức danh cán bộ, công chức cấp xã trước khi chuyển sang không chuyên trách: thay cho phụ cấp (NĐ 154/2025 Điều 9 khoản 2)",
            "Salary of the former commune cadre or civil-servant post: replaces the allowance (Decree 154/2025 Art. 9(2))",
        ),
        Column::ConcurrentPostAllowance => (
            "Phụ cấp kiêm nhiệm chức danh: chỉ để đối chiếu, không tính vào phụ cấp hằng tháng (NĐ 154/2025 Điều 5 khoản 1)",
            "Concurrent-post allowance: shown only, not part of the monthly allowance (Decree 154/2025 Art. 5(1))",
        ),
        Column::InsuredMonths => (
            "Tổng thời gian đóng BHXH bắt buộc, tính bằng tháng",
            "Total compulsory social insurance time, in months",
        ),
        Column::InsuredYears => (
            "Hoặc: số năm đóng BHXH (cùng cột Số tháng lẻ)",
            "Or: insured years (with the extra months column)",
        ),
        Column::InsuredExtraMonths => ("Số tháng lẻ ngoài số năm", "Months beyond the whole years"),
        Column::WorkedMonths => (
            "Thời gian công tác, tính bằng tháng (người không chuyên trách)",
            "Time worked, in months (part-time workers)",
        ),
        Column::ReceivingPension => (
            "Đang hưởng lương hưu hay không",
            "Already drawing a pension",
        ),
        Column::ReceivingIncapacityBenefit => (
            "Đang hưởng trợ cấp mất sức lao động (Có/Không): hưởng mức 15 tháng (NĐ 154/2025 Điều 9 khoản 3)",
            "Drawing the incapacity benefit (Yes/No): flat 15 months (Decree 154/2025 Art. 9(3))",
        ),
        Column::MovedToVillagePost => (
            "Chuyển sang hoạt động ở thôn, tổ dân phố (Có/Không): không thuộc đối tượng (NĐ 154/2025 Điều 9 khoản 4)",
            "Moved to a village or residential-group post (Yes/No): not covered (Decree 154/2025 Art. 9(4))",
        ),
        Column::ReducedRetirementAge => (
            "Thuộc diện tuổi nghỉ hưu thấp hơn (Phụ lục II Nghị định 135/2020)",
            "Reduced retirement age (Appendix II of Decree 135/2020)",
        ),
        Column::ReorganizationEffectiveDate => (
            "Ngày có hiệu lực của quyết định sắp xếp tổ chức bộ máy",
            "Effective date of the reorganisation decision",
        ),
        Column::LeaveDate => (
            "Ngày nghỉ theo quyết định (thường là ngày 01 của tháng)",
            "Leave date in the decision (normally the 1st of a month)",
        ),
        Column::DecisionDate => (
            "Ngày ký quyết định cho nghỉ",
            "Date the leave decision was signed",
        ),
        Column::ProvinceCode => (
            "Mã tỉnh, thành phố của đơn vị (mã cũ được chuyển sang mã mới)",
            "Province code of the unit (pre-2025 codes are mapped)",
        ),
        Column::BankAccount => ("Số tài khoản nhận tiền", "Bank account to pay into"),
        Column::Bank => ("Tên ngân hàng, chi nhánh", "Bank and branch"),
    }
}

const GENERAL_NOTES: &[(&str, &str)] = &[
    (
        "Mỗi dòng là một người; không gộp ô và không để dòng trống giữa các dòng dữ liệu.",
        "One row per person; do not merge cells or leave empty rows between people.",
    ),
    (
        "Cột có dấu (*) là bắt buộc; có thể xóa các cột không dùng, thứ tự cột không quan trọng.",
        "Columns marked (*) are required; unused columns may be deleted, their order does not matter.",
    ),
    (
        "Tên cột có thể viết không dấu hoặc bằng tiếng Anh; có thể thêm dòng tiêu đề phía trên.",
        "Headers may be typed without diacritics or in English; title rows above the header are fine.",
    ),
    (
        "Ngày ghi dd/mm/yyyy (ví dụ 01/07/2025). Ngày sinh có thể chỉ ghi năm hoặc tháng/năm.",
        "Dates as dd/mm/yyyy (e.g. 01/07/2025). Date of birth may be a year or month/year only.",
    ),
    (
        "Số định danh cá nhân và số tài khoản nhập dạng văn bản để Excel không làm mất số 0 ở đầu.",
        "Type national ids and bank accounts as text so Excel keeps the leading zeros.",
    ),
    (
        "Số thập phân dùng dấu phẩy hoặc dấu chấm; hệ số tối đa 4 chữ số thập phân; tiền ghi số đồng nguyên.",
        "Decimals with a comma or a dot; coefficients at most 4 decimals; money in whole đồng.",
    ),
    (
        "Thời gian đóng BHXH: ghi tổng số tháng, hoặc Số năm và Số tháng lẻ.",
        "Insured time: total months, or insured years plus extra months.",
    ),
    (
        "Tiền lương: ghi hệ số lương và phụ cấp, hoặc Tiền lương theo hợp đồng (không ghi cả hai).",
        "Salary: give the coefficients and allowances, or the contract wage (not both).",
    ),
    (
        "Người không chuyên trách cấp xã: ghi Phụ cấp hằng tháng và Thời gian công tác.",
        "Commune part-time workers: give the monthly allowance and the months worked.",
    ),
    (
        "Dòng \"Tổng cộng\" và phần chữ ký ở cuối danh sách được bỏ qua.",
        "A \"Tổng cộng\" (total) row and the signature block at the end are ignored.",
    ),
];

/// The top of an instructions sheet (named [`INSTRUCTIONS_SHEET`]): the title in Vietnamese
/// and English, then one bullet per general note in both languages; the first free row
/// after a blank one. Shared with the payment-list and statement templates.
pub(super) fn instructions_intro(
    ws: &mut Worksheet,
    title_vi: &str,
    title_en: &str,
    notes: &[(&str, &str)],
) -> Result<u32, XlsxError> {
    ws.set_name(INSTRUCTIONS_SHEET)?;
    let title = Format::new().set_bold().set_font_size(14);
    let bold = Format::new().set_bold();
    ws.write_text_with_format(0, 0, title_vi, &title)?;
    ws.write_text_with_format(1, 0, title_en, &bold)?;
    let mut row = 3u32;
    for (vi, en) in notes {
        ws.write_text(row, 0, format!("• {vi}"))?;
        ws.write_text(row + 1, 0, format!("  {en}"))?;
        row += 2;
    }
    Ok(row + 1)
}

fn instructions_sheet(ws: &mut Worksheet) -> Result<(), XlsxError> {
    let mut row = instructions_intro(
        ws,
        "HƯỚNG DẪN ĐIỀN DANH SÁCH NGHỈ VIỆC THEO NGHỊ ĐỊNH 178/2024/NĐ-CP",
        "How to fill in the roster of leavers under Decree 178/2024/ND-CP",
        GENERAL_NOTES,
    )?;
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(FormatAlign::Top)
        .set_border(FormatBorder::Thin);
    let head = wrap
        .clone()
        .set_bold()
        .set_background_color(Color::RGB(0xDDEBF7));
    let headings = [
        "Cột\nColumn",
        "Tên cột\nHeader (VI)",
        "Header (EN)",
        "Bắt buộc\nRequired",
        "Nội dung\nMeaning",
        "Định dạng\nFormat",
        "Giá trị cho phép\nAllowed values",
        "Tên cột khác được chấp nhận\nOther accepted headers",
    ];
    let widths = [8.0, 30.0, 26.0, 10.0, 46.0, 46.0, 44.0, 44.0];
    for (i, (h, w)) in headings.iter().zip(widths).enumerate() {
        let col = u16::try_from(i).map_err(|_| XlsxError::ParameterError("column".into()))?;
        ws.write_text_with_format(row, col, *h, &head)?;
        ws.set_column_width(col, w)?;
    }
    ws.set_column_width(0, 8.0)?;
    for (i, &column) in Column::ALL.iter().enumerate() {
        row += 1;
        let col = u16::try_from(i).map_err(|_| XlsxError::ParameterError("column".into()))?;
        let (meaning_vi, meaning_en) = column_help(column);
        let (format_vi, format_en) = kind_help(column.kind());
        let required = if Column::REQUIRED.contains(&column) {
            "Có / Yes"
        } else {
            ""
        };
        let cells = [
            column_letter(col),
            column.header_vi().to_owned(),
            column.header_en().to_owned(),
            required.to_owned(),
            format!("{meaning_vi}\n{meaning_en}"),
            format!("{format_vi}\n{format_en}"),
            allowed_values(column.kind()).unwrap_or_default(),
            column.aliases().join("; "),
        ];
        for (c, text) in cells.iter().enumerate() {
            let c = u16::try_from(c).map_err(|_| XlsxError::ParameterError("column".into()))?;
            ws.write_text_with_format(row, c, text, &wrap)?;
        }
    }
    Ok(())
}

fn lists_sheet(ws: &mut Worksheet, lists: &Lists) -> Result<(), XlsxError> {
    ws.set_name(LISTS_SHEET)?;
    for (i, (_, title, values)) in lists.columns.iter().enumerate() {
        let col = u16::try_from(i).map_err(|_| XlsxError::ParameterError("column".into()))?;
        ws.write_text(0, col, *title)?;
        for (r, v) in values.iter().enumerate() {
            let r = u32::try_from(r + 1).map_err(|_| XlsxError::ParameterError("row".into()))?;
            ws.write_text(r, col, *v)?;
        }
        ws.set_column_width(col, 28)?;
    }
    ws.set_hidden(true);
    Ok(())
}

/// `A`, `B`, ... `Z`, `AA`, ... for a 0-based column index (the workbooks' helper).
pub use crate::xlsx::sheet::col_name as column_letter;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_header_maps_to_its_column() {
        for &c in Column::ALL {
            assert_eq!(Column::from_header(&template_header(c)), Some(c), "{c:?}");
        }
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(35), "AJ");
    }

    #[test]
    fn every_enumerated_kind_has_a_list() {
        let lists = Lists::new();
        for kind in [
            Kind::Sex,
            Kind::Category,
            Kind::Rank,
            Kind::Scheme,
            Kind::Article,
            Kind::YesNo,
        ] {
            let (values, range) = lists.for_kind(kind).unwrap();
            assert!(!values.is_empty());
            assert!(range.starts_with("=DanhMuc!$"), "{range}");
        }
        assert_eq!(
            lists.for_kind(Kind::Category).unwrap().1,
            "=DanhMuc!$B$2:$B$6"
        );
    }

    #[test]
    fn the_template_is_the_same_every_time() {
        assert_eq!(template_bytes().unwrap(), template_bytes().unwrap());
    }
}
