//! The Ministry of Home Affairs' progress report (issue 18, docs/REPORTS.md): by ministry and
//! by province, the four counts MoHA collects — people with a leave decision, submitted for
//! funding, whose funding was approved, paid — with the money for each and the share paid, as
//! of a date, in the frame of an official document (Decree 30/2020/ND-CP).
//!
//! The mapping of the case states to the counts (a case not cancelled):
//! - decided: every case (the agency's roster row is the decision);
//! - submitted for funding: approved or later (MoHA approved it and it went to the Ministry of
//!   Finance for funding);
//! - funding approved: payable, partially paid, paid or reconciled;
//! - paid: nothing outstanding (paid or reconciled and paid ≥ entitled, supplements included).
//!
//! The money of the first three is the entitlement; the money paid is every payment on the
//! cases, net of reversals, supplements included (also of people not yet paid in full).

use rust_decimal::{Decimal, RoundingStrategy};
use rust_xlsxwriter::{
    ColNum, Format, FormatAlign, FormatBorder, Formula, RowNum, Workbook, XlsxError,
};

use super::data::{CaseLine, ReportData};
use super::official::{self, FINANCE_SIGNERS, FrameFormats, Issuer};
use crate::domain::case_state::CaseState;
use crate::domain::ids::UnitId;
use crate::domain::unit::UnitKind;
use crate::export::SafeText as _;
use crate::xlsx::sheet::{cell, vnd};
use crate::xlsx::write::fixed_properties;

/// The report's title.
pub const TITLE: &str = "BÁO CÁO TIẾN ĐỘ GIẢI QUYẾT CHÍNH SÁCH, CHẾ ĐỘ THEO NGHỊ ĐỊNH SỐ 178/2024/NĐ-CP VÀ NGHỊ ĐỊNH SỐ 67/2025/NĐ-CP";

/// The four counts of one row, with their money.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub decided: i64,
    pub decided_vnd: i64,
    pub submitted: i64,
    pub submitted_vnd: i64,
    pub funded: i64,
    pub funded_vnd: i64,
    pub paid: i64,
    pub paid_vnd: i64,
}

impl Counts {
    /// Adds one case as of the report's date.
    pub fn add_case(&mut self, case: &CaseLine) {
        if case.state == CaseState::Cancelled {
            return;
        }
        let e = case.entitled_vnd;
        self.decided += 1;
        self.decided_vnd += e;
        if case.state.is_approved_or_later() {
            self.submitted += 1;
            self.submitted_vnd += e;
        }
        if case.state.is_approved_or_later() && case.state != CaseState::Approved {
            self.funded += 1;
            self.funded_vnd += e;
        }
        if matches!(case.state, CaseState::Paid | CaseState::Reconciled) && case.paid_vnd >= e {
            self.paid += 1;
        }
        self.paid_vnd += case.paid_vnd;
    }

    fn add(&mut self, o: &Counts) {
        self.decided += o.decided;
        self.decided_vnd += o.decided_vnd;
        self.submitted += o.submitted;
        self.submitted_vnd += o.submitted_vnd;
        self.funded += o.funded;
        self.funded_vnd += o.funded_vnd;
        self.paid += o.paid;
        self.paid_vnd += o.paid_vnd;
    }
}

/// A share as Vietnamese prints it, one decimal, rounded half up: `share_vi(105_056,
/// 142_746)` → "73,6 %"; nothing to share → "–".
pub fn share_vi(part: i64, whole: i64) -> String {
    if whole <= 0 {
        return "–".into();
    }
    let pct = (Decimal::from(part) * Decimal::from(100) / Decimal::from(whole))
        .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero);
    format!("{:.1} %", pct).replace('.', ",")
}

/// One row: a ministry (or central body) or a province.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub code: String,
    pub name: String,
    pub counts: Counts,
}

/// The report's rows: central bodies, then provinces, each sorted by code.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    pub central: Vec<Row>,
    pub provinces: Vec<Row>,
}

impl Report {
    pub fn total(&self) -> Counts {
        let mut t = Counts::default();
        for r in self.central.iter().chain(&self.provinces) {
            t.add(&r.counts);
        }
        t
    }
}

/// Rolls the cases up to the unit below the nation (a ministry or a province).
pub fn summarise(data: &ReportData) -> Report {
    let mut per_top: std::collections::BTreeMap<String, Row> = Default::default();
    let mut kinds: std::collections::HashMap<String, bool> = Default::default();
    for case in &data.cases {
        let Some(unit) = data.units.get(&case.unit_id) else {
            continue;
        };
        let top = top_level(&unit.path)
            .and_then(|id| data.units.get(&UnitId(id)))
            .unwrap_or(unit);
        let province =
            top.kind == UnitKind::Province.as_str() || top.kind == UnitKind::City.as_str();
        kinds.insert(top.code.clone(), province);
        per_top
            .entry(top.code.clone())
            .or_insert_with(|| Row {
                code: top.code.clone(),
                name: top.name.clone(),
                counts: Counts::default(),
            })
            .counts
            .add_case(case);
    }
    let mut report = Report::default();
    for (code, row) in per_top {
        if kinds.get(&code).copied().unwrap_or(false) {
            report.provinces.push(row);
        } else {
            report.central.push(row);
        }
    }
    report
}

/// The id of the unit directly below the root in a materialised path (`/1/17/230/` → 17).
fn top_level(path: &str) -> Option<i64> {
    path.trim_matches('/').split('/').nth(1)?.parse().ok()
}

const WIDTHS: [f64; 13] = [
    5.0, 30.0, 8.0, 10.0, 16.0, 10.0, 16.0, 10.0, 16.0, 10.0, 16.0, 10.0, 10.0,
];
const LAST: ColNum = 12;

/// Builds the workbook.
pub fn build(
    report: &Report,
    issuer: &Issuer,
    as_of: chrono::NaiveDate,
    today: chrono::NaiveDate,
) -> Result<Workbook, XlsxError> {
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties("Báo cáo tiến độ chi trả (Bộ Nội vụ)")?);
    let sheet = workbook.add_worksheet().set_name("Báo cáo tiến độ")?;
    let frame = FrameFormats::new();
    let base = || {
        Format::new()
            .set_font_name("Times New Roman")
            .set_font_size(11)
            .set_border(FormatBorder::Thin)
            .set_align(FormatAlign::VerticalCenter)
    };
    let head = base()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center);
    let numbered = base().set_italic().set_align(FormatAlign::Center);
    let text = base().set_text_wrap();
    let centre = base().set_align(FormatAlign::Center);
    let int = base().set_num_format("#,##0");
    let share = base().set_align(FormatAlign::Right);
    let bold = base().set_bold();
    let bold_int = base().set_bold().set_num_format("#,##0");
    let bold_share = base().set_bold().set_align(FormatAlign::Right);
    let note = Format::new()
        .set_font_name("Times New Roman")
        .set_italic()
        .set_text_wrap();
    for (i, w) in WIDTHS.iter().enumerate() {
        sheet.set_column_width(ColNum::try_from(i).unwrap_or(0), *w)?;
    }
    let under = [format!(
        "(Số liệu đến hết ngày {})",
        as_of.format("%d/%m/%Y")
    )];
    let mut row = official::head(
        sheet,
        &frame,
        LAST + 1,
        &official::Heading {
            issuer,
            number: Some("Số: ……/BC"),
            date: today,
            title: TITLE,
            under_title: &under,
        },
    )?;
    sheet.merge_text(row, 0, row, LAST, "Đơn vị tính: người; đồng", &note)?;
    row += 1;
    let header_first = row;
    for (col, t) in [(0, "STT"), (1, "Bộ, ngành, địa phương"), (2, "Mã")] {
        sheet.merge_text(row, col, row + 1, col, t, &head)?;
    }
    for (i, t) in [
        "Số người có quyết định nghỉ việc",
        "Số người đã đề nghị cấp kinh phí",
        "Số người đã được cấp kinh phí",
        "Số người đã được chi trả",
    ]
    .iter()
    .enumerate()
    {
        let col = 3 + 2 * ColNum::try_from(i).unwrap_or(0);
        sheet.merge_text(row, col, row, col + 1, *t, &head)?;
        sheet.write_text_with_format(row + 1, col, "Số người", &head)?;
        sheet.write_text_with_format(
            row + 1,
            col + 1,
            if i == 3 {
                "Số tiền đã chi"
            } else {
                "Số tiền"
            },
            &head,
        )?;
    }
    sheet.merge_text(row, 11, row, 12, "Tỷ lệ đã chi trả", &head)?;
    sheet.write_text_with_format(row + 1, 11, "Theo số người", &head)?;
    sheet.write_text_with_format(row + 1, 12, "Theo số tiền", &head)?;
    sheet.set_row_height(row, 45)?;
    sheet.set_row_height(row + 1, 30)?;
    row += 2;
    for col in 0..=LAST {
        sheet.write_text_with_format(row, col, format!("({})", col + 1), &numbered)?;
    }
    let header_last = row;
    row += 1;

    let mut section_rows = Vec::new();
    for (letter, heading, rows) in [
        ("A", "Bộ, ngành, cơ quan trung ương", &report.central),
        (
            "B",
            "Tỉnh, thành phố trực thuộc trung ương",
            &report.provinces,
        ),
    ] {
        let mut sub = Counts::default();
        for r in rows.iter() {
            sub.add(&r.counts);
        }
        let section_row = row;
        sheet.write_text_with_format(row, 0, letter, &bold)?;
        sheet.write_text_with_format(row, 1, heading, &bold)?;
        sheet.write_blank(row, 2, &bold)?;
        row += 1;
        let first = row;
        for (i, r) in rows.iter().enumerate() {
            sheet.write_number_with_format(
                row,
                0,
                vnd(i64::try_from(i + 1).unwrap_or(0))?,
                &centre,
            )?;
            sheet.write_text_with_format(row, 1, &r.name, &text)?;
            sheet.write_text_with_format(row, 2, &r.code, &centre)?;
            counts_cells(sheet, row, &r.counts, &int, &share)?;
            row += 1;
        }
        section_sums(sheet, section_row, first, row, &sub, &bold_int, &bold_share)?;
        section_rows.push(section_row);
    }
    let total = report.total();
    sheet.merge_text(
        row,
        0,
        row,
        2,
        "TỔNG CỘNG",
        &bold.clone().set_align(FormatAlign::Center),
    )?;
    for (k, value) in count_values(&total).iter().enumerate() {
        let col = 3 + ColNum::try_from(k).unwrap_or(0);
        let cells: Vec<String> = section_rows.iter().map(|r| cell(*r, col)).collect();
        sheet.write_formula_with_format(
            row,
            col,
            Formula::new(format!("=SUM({})", cells.join(","))).set_result(value.to_string()),
            &bold_int,
        )?;
    }
    sheet.write_text_with_format(row, 11, share_vi(total.paid, total.decided), &bold_share)?;
    sheet.write_text_with_format(
        row,
        12,
        share_vi(total.paid_vnd, total.decided_vnd),
        &bold_share,
    )?;
    row += 2;
    sheet.merge_text(
        row,
        0,
        row,
        LAST,
        "Ghi chú: Số người đã được chi trả là người không còn khoản nào phải chi (kể cả khoản chi bổ sung theo Nghị định 67/2025/NĐ-CP); số tiền đã chi gồm mọi khoản đã chi, kể cả chi bổ sung. Tỷ lệ theo số người = (10)/(4); theo số tiền = (11)/(5).",
        &note,
    )?;
    sheet.set_row_height(row, 30)?;
    row += 2;
    official::signatures(sheet, &frame, row, LAST + 1, &FINANCE_SIGNERS)?;
    official::page_setup(sheet, true, Some((header_first, header_last)));
    Ok(workbook)
}

fn count_values(c: &Counts) -> [i64; 8] {
    [
        c.decided,
        c.decided_vnd,
        c.submitted,
        c.submitted_vnd,
        c.funded,
        c.funded_vnd,
        c.paid,
        c.paid_vnd,
    ]
}

fn counts_cells(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: RowNum,
    c: &Counts,
    int: &Format,
    share: &Format,
) -> Result<(), XlsxError> {
    for (k, v) in count_values(c).iter().enumerate() {
        sheet.write_number_with_format(row, 3 + ColNum::try_from(k).unwrap_or(0), vnd(*v)?, int)?;
    }
    sheet.write_text_with_format(row, 11, share_vi(c.paid, c.decided), share)?;
    sheet.write_text_with_format(row, 12, share_vi(c.paid_vnd, c.decided_vnd), share)?;
    Ok(())
}

fn section_sums(
    sheet: &mut rust_xlsxwriter::Worksheet,
    at: RowNum,
    first: RowNum,
    end: RowNum,
    sub: &Counts,
    int: &Format,
    share: &Format,
) -> Result<(), XlsxError> {
    for (k, v) in count_values(sub).iter().enumerate() {
        let col = 3 + ColNum::try_from(k).unwrap_or(0);
        let formula = if end > first {
            format!("=SUM({}:{})", cell(first, col), cell(end - 1, col))
        } else {
            "=0".into()
        };
        sheet.write_formula_with_format(
            at,
            col,
            Formula::new(formula).set_result(v.to_string()),
            int,
        )?;
    }
    sheet.write_text_with_format(at, 11, share_vi(sub.paid, sub.decided), share)?;
    sheet.write_text_with_format(at, 12, share_vi(sub.paid_vnd, sub.decided_vnd), share)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader as _, Xlsx};

    #[test]
    fn shares_are_printed_as_vietnamese_reads_them() {
        assert_eq!(share_vi(105_056, 142_746), "73,6 %");
        assert_eq!(share_vi(1, 3), "33,3 %");
        assert_eq!(share_vi(2, 3), "66,7 %");
        assert_eq!(share_vi(1, 1), "100,0 %");
        assert_eq!(share_vi(0, 0), "–");
    }

    /// DECREE-178.md §10: 142,746 people decided, 105,056 paid — the report shows 73,6 %.
    #[test]
    fn the_national_figures_come_out_at_73_6_percent() {
        let counts = Counts {
            decided: 142_746,
            decided_vnd: 0,
            submitted: 142_746,
            submitted_vnd: 0,
            funded: 142_746,
            funded_vnd: 0,
            paid: 105_056,
            paid_vnd: 0,
        };
        let report = Report {
            central: vec![],
            provinces: vec![Row {
                code: "01".into(),
                name: "Cả nước (Bộ Nội vụ tổng hợp)".into(),
                counts,
            }],
        };
        let day = chrono::NaiveDate::from_ymd_opt(2025, 10, 31).unwrap();
        let mut wb = build(&report, &Issuer::central("Bộ Nội vụ"), day, day).unwrap();
        let bytes = wb.save_to_buffer().unwrap();
        let mut book = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        let range = book.worksheet_range("Báo cáo tiến độ").unwrap();
        let total_row = range
            .rows()
            .find(|r| {
                r.first()
                    .is_some_and(|c| *c == Data::String("TỔNG CỘNG".into()))
            })
            .unwrap();
        assert_eq!(total_row[11], Data::String("73,6 %".into()));
        assert_eq!(total_row[3], Data::Float(142_746.0));
        assert_eq!(total_row[9], Data::Float(105_056.0));
        let texts: Vec<String> = range.rows().flatten().map(|c| c.to_string()).collect();
        assert!(texts.contains(&official::NATION.to_owned()));
        assert!(texts.contains(&"BỘ NỘI VỤ".to_owned()));
        assert!(
            texts
                .iter()
                .any(|t| t == "Hà Nội, ngày 31 tháng 10 năm 2025")
        );
        assert!(
            texts
                .iter()
                .any(|t| t == "(Số liệu đến hết ngày 31/10/2025)")
        );
        for s in ["NGƯỜI LẬP BIỂU", "KẾ TOÁN TRƯỞNG", "THỦ TRƯỞNG ĐƠN VỊ"] {
            assert!(texts.iter().any(|t| t == s), "{s}");
        }
    }
}
