//! The Treasury's payment list of one batch in its official form: "Bảng thanh toán cho đối
//! tượng thụ hưởng", Mẫu số 09 of Decree 11/2020/ND-CP, attached to a budget-withdrawal order
//! or payment order, in the frame of Decree 30/2020/ND-CP (`official.rs`). Three copies, one
//! sheet each (Treasury, bank, unit), identical but for the copy's name.

use rust_xlsxwriter::{
    ColNum, Format, FormatAlign, FormatBorder, Formula, RowNum, Workbook, Worksheet, XlsxError,
};

use super::official::{self, FINANCE_SIGNERS, FrameFormats, Issuer};
use super::payment_list::SUPPLEMENT_NOTE;
use crate::db::batches::BatchLine;
use crate::domain::money::in_words_vi;
use crate::export::SafeText as _;
use crate::services::batches::LoadedBatch;
use crate::xlsx::sheet::{cell, vnd};
use crate::xlsx::write::fixed_properties;

/// The form's title.
pub const TITLE: &str = "BẢNG THANH TOÁN CHO ĐỐI TƯỢNG THỤ HƯỞNG";

/// The three copies: sheet name and the line printed over the form.
pub const COPIES: [(&str, &str); 3] = [
    ("Liên 1 - Kho bạc", "Liên 1: Lưu tại Kho bạc Nhà nước"),
    ("Liên 2 - Ngân hàng", "Liên 2: Gửi ngân hàng phục vụ"),
    ("Liên 3 - Đơn vị", "Liên 3: Lưu tại đơn vị"),
];

/// What the allowance is paid for (item 4 of the form).
pub const PURPOSE: &str = "Chi trợ cấp cho cán bộ, công chức, viên chức, người lao động nghỉ việc do sắp xếp tổ chức bộ máy theo Nghị định 178/2024/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 67/2025/NĐ-CP)";

/// The columns, numbered (1) to (13): the issue counted twelve, but the form's own list
/// names thirteen (STT, name, two account columns, total, seven kinds of payment, note), and
/// every one is numbered so that none is ambiguous (docs/REPORTS.md).
const WIDTHS: [f64; 13] = [
    5.0, 24.0, 17.0, 16.0, 14.0, 9.0, 9.0, 9.0, 8.0, 14.0, 8.0, 8.0, 44.0,
];
const LAST: ColNum = 12;
/// The total column (5) and the allowance column (10, "Tiền phụ cấp và trợ cấp khác").
const TOTAL: ColNum = 4;
const ALLOWANCE: ColNum = 9;

struct Formats {
    frame: FrameFormats,
    left: Format,
    right_italic: Format,
    head: Format,
    numbered: Format,
    text: Format,
    centre: Format,
    money: Format,
    group: Format,
    group_money: Format,
    total: Format,
    total_money: Format,
    italic: Format,
}

impl Formats {
    fn new() -> Self {
        let base = || {
            Format::new()
                .set_font_name("Times New Roman")
                .set_font_size(11)
        };
        let cellf = || {
            base()
                .set_border(FormatBorder::Thin)
                .set_align(FormatAlign::VerticalCenter)
        };
        Formats {
            frame: FrameFormats::new(),
            left: base().set_text_wrap(),
            right_italic: base().set_italic().set_align(FormatAlign::Right),
            head: cellf()
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center),
            numbered: cellf().set_italic().set_align(FormatAlign::Center),
            text: cellf().set_text_wrap(),
            centre: cellf().set_align(FormatAlign::Center),
            money: cellf().set_num_format("#,##0"),
            group: cellf().set_bold(),
            group_money: cellf().set_bold().set_num_format("#,##0"),
            total: cellf().set_bold().set_align(FormatAlign::Center),
            total_money: cellf().set_bold().set_num_format("#,##0"),
            italic: base().set_italic().set_text_wrap(),
        }
    }
}

/// "Số: 3" printed under the unit: the batch's number within its unit.
pub fn number_label(number: i32) -> String {
    format!("Số: {number}")
}

/// Builds the workbook of a batch.
pub fn build(batch: &LoadedBatch, issuer: &Issuer) -> Result<Workbook, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties(&format!(
        "Mẫu số 09 – Bảng thanh toán số {} – {}",
        batch.batch.number, batch.unit.code
    ))?);
    for (name, copy) in COPIES {
        let sheet = workbook.add_worksheet().set_name(name)?;
        form_sheet(sheet, &formats, batch, issuer, copy)?;
    }
    Ok(workbook)
}

fn money(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    v: i64,
    f: &Format,
) -> Result<(), XlsxError> {
    sheet.write_number_with_format(row, col, vnd(v)?, f)?;
    Ok(())
}

fn sum(
    sheet: &mut Worksheet,
    row: RowNum,
    col: ColNum,
    cells: &[RowNum],
    value: i64,
    f: &Format,
) -> Result<(), XlsxError> {
    let formula = if cells.is_empty() {
        "=0".to_owned()
    } else {
        let list: Vec<String> = cells.iter().map(|r| cell(*r, col)).collect();
        // Contiguous runs are written as ranges.
        if cells.windows(2).all(|w| w[1] == w[0] + 1) {
            format!(
                "=SUM({}:{})",
                cell(cells[0], col),
                cell(cells[cells.len() - 1], col)
            )
        } else {
            format!("=SUM({})", list.join(","))
        }
    };
    sheet.write_formula_with_format(
        row,
        col,
        Formula::new(formula).set_result(value.to_string()),
        f,
    )?;
    Ok(())
}

/// Columns (1) and (2) of a line: its number within its part of the form, and the name.
fn number_and_name(
    sheet: &mut Worksheet,
    f: &Formats,
    row: RowNum,
    i: usize,
    line: &BatchLine,
) -> Result<(), XlsxError> {
    let number = vnd(i64::try_from(i + 1).unwrap_or(0))?;
    sheet.write_number_with_format(row, 0, number, &f.centre)?;
    sheet.write_text_with_format(row, 1, &line.full_name, &f.text)?;
    Ok(())
}

fn form_sheet(
    sheet: &mut Worksheet,
    f: &Formats,
    batch: &LoadedBatch,
    issuer: &Issuer,
    copy: &str,
) -> Result<(), XlsxError> {
    for (i, w) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(ColNum::try_from(i).unwrap_or(0), *w)?;
    }
    let b = &batch.batch;
    let order = b.order_ref.clone().unwrap_or_else(|| "…………".into());
    let date = b.batch_date.format("%d/%m/%Y");
    let number = number_label(b.number);
    let under = [format!(
        "(Kèm theo Giấy rút dự toán/Ủy nhiệm chi số {order} ngày {date})"
    )];
    let mut row = official::head(
        sheet,
        &f.frame,
        LAST + 1,
        &official::Heading {
            issuer,
            number: Some(&number),
            date: b.batch_date,
            title: TITLE,
            under_title: &under,
        },
    )?;
    sheet.merge_text(
        3,
        0,
        3,
        LAST,
        format!("Mẫu số 09 – Nghị định 11/2020/NĐ-CP · {copy}"),
        &f.right_italic,
    )?;
    let account = batch
        .unit
        .treasury_account_no
        .clone()
        .unwrap_or_else(|| "………… (đơn vị chưa khai báo tài khoản tại Kho bạc)".into());
    let lines = [
        format!(
            "Mã hiệu: {} · Số: {} · Tài khoản dự toán/tiền gửi tại Kho bạc Nhà nước: {account}",
            batch.unit.code, b.number
        ),
        format!("1. Đơn vị sử dụng ngân sách: {}", batch.unit.name_vi),
        format!("2. Mã đơn vị: {}", batch.unit.code),
        "3. Tài khoản thanh toán của đơn vị mở tại ngân hàng thương mại: …………………………".to_owned(),
        format!("4. Nội dung đề nghị thanh toán: {PURPOSE}"),
    ];
    for text in &lines {
        sheet.merge_text(row, 0, row, LAST, text, &f.left)?;
        if text.chars().count() > 150 {
            sheet.set_row_height(row, 30)?;
        }
        row += 1;
    }
    sheet.merge_text(row, 0, row, LAST, "Đơn vị: đồng", &f.right_italic)?;
    row += 1;
    let header_first = row;
    // Header: two rows of names, one of numbers.
    let h = &f.head;
    for (col, text) in [
        (0, "STT"),
        (1, "Họ và tên"),
        (TOTAL, "Tổng số"),
        (LAST, "Ghi chú"),
    ] {
        sheet.merge_text(row, col, row + 1, col, text, h)?;
    }
    sheet.merge_text(row, 2, row, 3, "Tài khoản ngân hàng", h)?;
    sheet.merge_text(row, 5, row, 11, "Trong đó", h)?;
    let kinds = [
        "Số tài khoản người hưởng",
        "Tên ngân hàng",
        "",
        "Lương và phụ cấp theo lương",
        "Tiền công lao động thường xuyên theo hợp đồng",
        "Tiền thu nhập tăng thêm",
        "Tiền thưởng",
        "Tiền phụ cấp và trợ cấp khác",
        "Tiền khoán",
        "Tiền học bổng",
    ];
    for (i, text) in kinds.iter().enumerate() {
        let col = ColNum::try_from(i).unwrap_or(0) + 2;
        if !text.is_empty() {
            sheet.write_text_with_format(row + 1, col, *text, h)?;
        }
    }
    sheet.set_row_height(row + 1, 62)?;
    row += 2;
    for col in 0..=LAST {
        sheet.write_text_with_format(row, col, format!("({})", col + 1), &f.numbered)?;
    }
    row += 1;
    let header_last = row - 1;

    let (paid, apart): (Vec<&BatchLine>, Vec<&BatchLine>) =
        batch.lines.iter().partition(|l| l.bank_account.is_some());
    let mut group_rows = Vec::new();
    let mut grand = 0i64;
    for (group, label) in [
        (1, "I. Cán bộ, công chức, viên chức"),
        (2, "II. Lao động hợp đồng"),
    ] {
        let members: Vec<&&BatchLine> = paid.iter().filter(|l| l.worker_group == group).collect();
        let total: i64 = members.iter().map(|l| l.amount_vnd).sum();
        let group_row = row;
        sheet.write_blank(row, 0, &f.group)?;
        sheet.write_text_with_format(row, 1, label, &f.group)?;
        for col in 2..=LAST {
            sheet.write_blank(row, col, &f.group)?;
        }
        row += 1;
        let first = row;
        for (i, l) in members.iter().enumerate() {
            number_and_name(sheet, f, row, i, l)?;
            sheet.write_text_with_format(
                row,
                2,
                l.bank_account.as_deref().unwrap_or(""),
                &f.text,
            )?;
            sheet.write_text_with_format(row, 3, l.bank_name.as_deref().unwrap_or(""), &f.text)?;
            sheet.write_formula_with_format(
                row,
                TOTAL,
                Formula::new(format!("=SUM({}:{})", cell(row, 5), cell(row, 11)))
                    .set_result(l.amount_vnd.to_string()),
                &f.money,
            )?;
            for col in 5..=11 {
                if col == ALLOWANCE {
                    money(sheet, row, col, l.amount_vnd, &f.money)?;
                } else {
                    sheet.write_blank(row, col, &f.money)?;
                }
            }
            sheet.write_text_with_format(
                row,
                LAST,
                if l.supplement { SUPPLEMENT_NOTE } else { "" },
                &f.text,
            )?;
            row += 1;
        }
        let rows: Vec<RowNum> = (first..row).collect();
        sum(sheet, group_row, TOTAL, &rows, total, &f.group_money)?;
        sum(sheet, group_row, ALLOWANCE, &rows, total, &f.group_money)?;
        group_rows.push(group_row);
        grand += total;
    }
    sheet.merge_text(row, 0, row, 3, "Tổng cộng", &f.total)?;
    sum(sheet, row, TOTAL, &group_rows, grand, &f.total_money)?;
    for col in 5..=11 {
        if col == ALLOWANCE {
            sum(sheet, row, col, &group_rows, grand, &f.total_money)?;
        } else {
            sheet.write_blank(row, col, &f.total_money)?;
        }
    }
    sheet.write_blank(row, LAST, &f.total)?;
    row += 1;
    sheet.merge_text(
        row,
        0,
        row,
        LAST,
        format!("Tổng số tiền bằng chữ: {}.", in_words_vi(grand)),
        &f.italic,
    )?;
    row += 1;
    sheet.merge_text(
        row,
        0,
        row,
        LAST,
        format!(
            "Số người: {} (nhóm I: {}, nhóm II: {}).",
            paid.len(),
            paid.iter().filter(|l| l.worker_group == 1).count(),
            paid.iter().filter(|l| l.worker_group == 2).count()
        ),
        &f.italic,
    )?;
    row += 2;

    if !apart.is_empty() {
        let apart_total: i64 = apart.iter().map(|l| l.amount_vnd).sum();
        sheet.merge_text(
            row,
            0,
            row,
            LAST,
            format!(
                "Người chưa có tài khoản ngân hàng: {} người, {} đồng — không chuyển khoản theo bảng này; chi khi có tài khoản hoặc bằng tiền mặt:",
                apart.len(),
                crate::domain::money::Vnd::new(apart_total).grouped('.')
            ),
            &f.left,
        )?;
        row += 1;
        for (i, l) in apart.iter().enumerate() {
            number_and_name(sheet, f, row, i, l)?;
            sheet.merge_text(
                row,
                2,
                row,
                3,
                format!(
                    "Nhóm {} · hồ sơ {}",
                    crate::services::batches::group_numeral(l.worker_group),
                    l.case_id.0
                ),
                &f.text,
            )?;
            money(sheet, row, TOTAL, l.amount_vnd, &f.money)?;
            sheet.merge_text(
                row,
                5,
                row,
                LAST,
                if l.supplement {
                    SUPPLEMENT_NOTE
                } else {
                    "Chưa có số tài khoản"
                },
                &f.text,
            )?;
            row += 1;
        }
        row += 1;
    }

    sheet.merge_text(
        row,
        0,
        row,
        LAST,
        "Đơn vị xác nhận danh sách người hưởng, số tài khoản và số tiền nêu trên là đúng, và chịu trách nhiệm trước pháp luật về tính chính xác của các thông tin này.",
        &f.left,
    )?;
    sheet.set_row_height(row, 30)?;
    row += 1;
    sheet.merge_text(row, 0, row, LAST, "Bảng này lập thành 03 liên: Liên 1 lưu tại Kho bạc Nhà nước, Liên 2 gửi ngân hàng phục vụ, Liên 3 lưu tại đơn vị.", &f.italic)?;
    row += 2;
    official::signatures(sheet, &f.frame, row, LAST + 1, &FINANCE_SIGNERS)?;
    official::page_setup(sheet, true, Some((header_first, header_last)));
    Ok(())
}

/// The default file of a batch's form: `reports/mau-09-<unit>-<number>.xlsx`.
pub fn file_name(unit_code: &str, number: i32, ext: &str) -> String {
    format!("mau-09-{unit_code}-so-{number}.{ext}")
}
