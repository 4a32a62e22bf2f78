//! A person's entitlement statement ("Bảng tính trợ cấp"): the inputs, every component with
//! its formula and legal basis, the total, the payment reference, the lookup code when one is
//! handed over with it, and the payments so far.

use crate::domain::ids::CaseId;
use crate::export::SafeText as _;
use rust_xlsxwriter::{Formula, RowNum, Workbook, Worksheet, XlsxError};

use super::official::{self, FINANCE_SIGNERS, FrameFormats, Issuer};
use super::reconciliation::Generated;
use crate::db::DbConnection;
use crate::db::cases::{CaseRow, find_with_documents_in_scope};
use crate::db::payments::PaymentRow;
use crate::db::people::PersonRow;
use crate::db::units::{UnitRow, UnitScope};
use crate::domain::case_state::CaseState;
use crate::domain::entitlement::{CalcOutput, Computed};
use crate::domain::policy::leave_window_vi;
use crate::error::AppError;
use crate::xlsx::sheet::{Formats, Mark, cell, vnd, write_date};
use crate::xlsx::write::fixed_properties;

/// The sheet name.
pub const SHEET: &str = "Bảng tính trợ cấp";

/// Everything the statement shows.
#[derive(Debug, Clone)]
pub struct StatementData {
    pub case: CaseRow,
    pub person: PersonRow,
    pub unit: UnitRow,
    /// The pinned result (`None` if it cannot be read: the statement says so).
    pub computed: Option<Computed>,
    pub payments: Vec<PaymentRow>,
}

/// What the statement says about the lookup code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LookupCode {
    /// A code issued with this statement, printed on it.
    Shown(String),
    /// Not printed: the person's own download, or an officer who did not ask for a new one.
    /// `true` when one has been issued.
    NotShown { issued: bool },
}

/// Loads a case within `scope` (another unit's case is not found).
pub fn load(
    conn: &mut DbConnection,
    scope: &UnitScope,
    id: CaseId,
) -> Result<StatementData, AppError> {
    let (case, person, unit, documents) =
        find_with_documents_in_scope(conn, scope, id)?.ok_or(AppError::NotFound)?;
    let json = crate::db::pinned::unpack(&documents.result_json).unwrap_or_default();
    let computed = match serde_json::from_str::<CalcOutput>(&json) {
        Ok(CalcOutput::Computed(c)) => Some(*c),
        _ => None,
    };
    let payments = crate::db::payments::for_case(conn, id)?;
    Ok(StatementData {
        case,
        person,
        unit,
        computed,
        payments,
    })
}

/// Builds the statement workbook.
pub fn build(
    d: &StatementData,
    issuer: &Issuer,
    code: &LookupCode,
    generated: &Generated,
) -> Result<Workbook, XlsxError> {
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&fixed_properties(
        "Bảng tính trợ cấp / Entitlement statement",
    )?);
    let sheet = workbook.add_worksheet().set_name(SHEET)?;
    write(sheet, &formats, d, issuer, code, generated)?;
    Ok(workbook)
}

/// Label (Vietnamese, English) and value rows.
struct Rows<'a> {
    sheet: &'a mut Worksheet,
    formats: &'a Formats,
    row: RowNum,
}

impl Rows<'_> {
    fn section(&mut self, vi: &str, en: &str) -> Result<(), XlsxError> {
        self.row += 1;
        self.sheet
            .write_text_with_format(self.row, 0, vi, &self.formats.header)?;
        self.sheet
            .write_text_with_format(self.row, 1, en, &self.formats.header_en)?;
        self.row += 1;
        Ok(())
    }

    /// A header row of a table.
    fn headers(&mut self, labels: &[&str]) -> Result<(), XlsxError> {
        for (col, h) in labels.iter().enumerate() {
            self.sheet.write_text_with_format(
                self.row,
                crate::xlsx::sheet::c(col),
                *h,
                &self.formats.header,
            )?;
        }
        self.row += 1;
        Ok(())
    }

    fn pair(&mut self, vi: &str, en: &str, value: &str) -> Result<(), XlsxError> {
        self.sheet
            .write_text_with_format(self.row, 0, vi, &self.formats.label)?;
        self.sheet
            .write_text_with_format(self.row, 1, en, &self.formats.subtitle)?;
        self.sheet.write_text(self.row, 2, value)?;
        self.row += 1;
        Ok(())
    }

    fn money(&mut self, vi: &str, en: &str, value: i64) -> Result<(), XlsxError> {
        self.sheet
            .write_text_with_format(self.row, 0, vi, &self.formats.label)?;
        self.sheet
            .write_text_with_format(self.row, 1, en, &self.formats.subtitle)?;
        self.sheet.write_number_with_format(
            self.row,
            2,
            vnd(value)?,
            self.formats.money(Mark::None),
        )?;
        self.row += 1;
        Ok(())
    }
}

fn write(
    sheet: &mut Worksheet,
    formats: &Formats,
    d: &StatementData,
    issuer: &Issuer,
    code: &LookupCode,
    generated: &Generated,
) -> Result<(), XlsxError> {
    for (col, w) in [(0, 34), (1, 34), (2, 40), (3, 34), (4, 52), (5, 16)] {
        sheet.set_column_width(col, w)?;
    }
    // The frame of an administrative document (Decree 30/2020): issuer, motto, place and date
    // of the day it is printed, the title.
    let frame = FrameFormats::new();
    let today = crate::domain::vn_time::local(generated.at).date();
    let under = [
        "(theo Nghị định 178/2024/NĐ-CP, sửa đổi, bổ sung bởi Nghị định 67/2025/NĐ-CP)".to_owned(),
        "Entitlement statement under Decree 178/2024/ND-CP (as amended by Decree 67/2025/ND-CP)"
            .to_owned(),
    ];
    let first = official::head(
        sheet,
        &frame,
        6,
        &official::Heading {
            issuer,
            number: None,
            date: today,
            title: TITLE,
            under_title: &under,
        },
    )?;
    official::page_setup(sheet, true, None);
    let mut rows = Rows {
        sheet,
        formats,
        row: first.saturating_sub(1),
    };
    let state = d.case.state;
    rows.section("I. Người hưởng", "Beneficiary")?;
    rows.pair("Họ và tên", "Name", &d.person.full_name)?;
    rows.pair("Số định danh cá nhân", "National id", &d.person.national_id)?;
    rows.pair("Ngày sinh", "Date of birth", &d.person.date_of_birth)?;
    rows.pair(
        "Đơn vị",
        "Unit",
        &format!("{} – {}", d.unit.code, d.unit.name_vi),
    )?;
    rows.pair("Mã hồ sơ", "Case", &d.case.id.to_string())?;
    rows.pair(
        "Trạng thái",
        "State",
        &format!("{} / {}", state.label_vi(), state.label_en()),
    )?;
    rows.pair(
        "Tài khoản nhận tiền",
        "Bank account",
        &match (&d.person.bank_account, &d.person.bank_name) {
            (Some(a), Some(b)) => format!("{a} – {b}"),
            (Some(a), None) => a.clone(),
            _ => "Chưa có – liên hệ đơn vị / None yet – contact your agency".into(),
        },
    )?;
    rows.pair(
        "Mã thanh toán (ghi trong nội dung chuyển khoản)",
        "Payment reference (in the transfer details)",
        &d.case.payment_reference,
    )?;
    let code_text = match code {
        LookupCode::Shown(c) => c.clone(),
        LookupCode::NotShown { issued: true } => {
            "Đã cấp, không in lại (đơn vị cấp mã mới nếu bị mất) / Issued, not printed again \
             (the agency issues a new one if lost)"
                .into()
        }
        LookupCode::NotShown { issued: false } => "Chưa cấp / Not issued".into(),
    };
    rows.pair(
        "Mã tra cứu (tại /tra-cuu)",
        "Lookup code (at /tra-cuu)",
        &code_text,
    )?;

    rows.section("II. Căn cứ tính", "Inputs")?;
    rows.pair("Chế độ", "Scheme", d.case.scheme.label_vi())?;
    rows.pair("Nhóm", "Band", d.case.band.label_vi())?;
    if let Some(w) = &d.case.leave_window {
        rows.pair("Thời điểm nghỉ", "Window", leave_window_vi(w))?;
    }
    rows.pair(
        "Ngày nghỉ",
        "Leave date",
        &d.case.leave_date.format("%d/%m/%Y").to_string(),
    )?;
    if let Some(date) = d.case.decision_date {
        rows.pair(
            "Ngày quyết định",
            "Decision date",
            &date.format("%d/%m/%Y").to_string(),
        )?;
    }
    rows.pair(
        "Tiền lương tháng S (đồng)",
        "Monthly salary S (VND)",
        &d.case.salary_exact,
    )?;
    match &d.computed {
        None => rows.pair(
            "Kết quả tính",
            "Computation",
            "Không đọc được kết quả đã lưu – liên hệ quản trị / Stored result unreadable – contact the administrator",
        )?,
        Some(c) => {
            let s = &c.salary;
            rows.pair("Cách xác định S", "How S was built", &s.source)?;
            if let Some(b) = s.base_salary_vnd {
                rows.money("Mức lương cơ sở", "Base salary", b)?;
            }
            if let Some(k) = &s.coefficient_total {
                rows.pair("Tổng hệ số", "Total coefficient", k)?;
            }
            rows.pair("Tỷ lệ phụ cấp tính vào S (%)", "Allowances counted (%)", &s.allowance_pct)?;
            let r = &c.retirement;
            rows.pair(
                "Tuổi nghỉ hưu",
                "Retirement age",
                &format!("{} năm {} tháng / {} years {} months", r.age_years, r.age_months, r.age_years, r.age_months),
            )?;
            rows.pair("Tháng đủ tuổi nghỉ hưu", "Retirement month", &r.retirement_month)?;
            rows.pair("Số tháng nghỉ sớm", "Months early", &c.months_early.to_string())?;
            if let Some(y) = &c.years_early {
                rows.pair("Số năm nghỉ sớm", "Years early", y)?;
            }
            if let Some(i) = &c.insured {
                rows.pair(
                    "Thời gian đóng BHXH bắt buộc",
                    "Compulsory social insurance",
                    &format!("{} tháng, tính {} năm / {} months, counted as {} years", i.months, i.years_rounded, i.months, i.years_rounded),
                )?;
            }
            if let Some(w) = &c.worked {
                rows.pair(
                    "Thời gian công tác",
                    "Time worked",
                    &format!("{} tháng, tính {} năm / {} months, counted as {} years", w.months, w.years_rounded, w.months, w.years_rounded),
                )?;
            }
            rows.pair("Điều kiện hưởng", "Eligibility", &c.eligibility.reason_vi)?;
        }
    }

    rows.section("III. Các khoản trợ cấp", "Components")?;
    rows.headers(&[
        "STT / No.",
        "Khoản trợ cấp",
        "Component",
        "Căn cứ pháp lý / Legal basis",
        "Cách tính / Formula",
        "Số tiền (đồng) / Amount (VND)",
    ])?;
    let first = rows.row;
    let components = d
        .computed
        .as_ref()
        .map(|c| c.components.as_slice())
        .unwrap_or_default();
    for (i, comp) in components.iter().enumerate() {
        let r = rows.row;
        // Vietnamese first, the tables' English under it; the formula's numbers as
        // officials write them (7.441.200; 0,5).
        let basis_vi = crate::present::legal_basis(&comp.legal_basis, false);
        let basis = if basis_vi == comp.legal_basis.as_str() {
            comp.legal_basis.clone()
        } else {
            format!("{basis_vi}\n{}", comp.legal_basis)
        };
        let formula = crate::present::numbers_in(&comp.formula, false);
        rows.sheet
            .write_number(r, 0, vnd(i64::try_from(i + 1).unwrap_or(0))?)?;
        rows.sheet
            .write_text_with_format(r, 1, &comp.label_vi, &formats.wrap)?;
        rows.sheet
            .write_text_with_format(r, 2, &comp.label_en, &formats.wrap)?;
        rows.sheet
            .write_text_with_format(r, 3, &basis, &formats.wrap)?;
        rows.sheet
            .write_text_with_format(r, 4, &formula, &formats.wrap)?;
        // The height of the longest wrapped text: LibreOffice does not fit rows on opening,
        // and the PDF is printed from it.
        let basis_lines: usize = basis
            .split('\n')
            .map(|t| t.chars().count().div_ceil(34))
            .sum();
        let lines = [(&comp.label_vi, 34), (&comp.label_en, 40), (&formula, 52)]
            .iter()
            .map(|(t, w)| t.chars().count().div_ceil(*w))
            .chain([basis_lines])
            .max()
            .unwrap_or(1)
            .max(1);
        rows.sheet
            .set_row_height(r, 15.0 * f64::from(u32::try_from(lines).unwrap_or(1)))?;
        rows.sheet.write_number_with_format(
            r,
            5,
            vnd(comp.amount_vnd)?,
            formats.money(Mark::None),
        )?;
        rows.row += 1;
    }
    let sum: i64 = components.iter().map(|c| c.amount_vnd).sum();
    let total = rows.row;
    rows.sheet
        .write_text_with_format(total, 1, "Tổng được hưởng", formats.text(Mark::Total))?;
    rows.sheet
        .write_text_with_format(total, 2, "Total entitlement", formats.text(Mark::Total))?;
    let f = if components.is_empty() {
        Formula::new("=0").set_result("0")
    } else {
        Formula::new(format!("=SUM({}:{})", cell(first, 5), cell(total - 1, 5)))
            .set_result(sum.to_string())
    };
    rows.sheet
        .write_formula_with_format(total, 5, f, formats.money(Mark::Total))?;
    rows.row += 1;
    if sum != d.case.entitled_vnd {
        rows.money(
            "Số được hưởng ghi trong hồ sơ (khác tổng trên: xem cảnh báo)",
            "Entitlement on the case (differs from the sum above: see the flags)",
            d.case.entitled_vnd,
        )?;
    }
    if let Some(t) = d
        .computed
        .as_ref()
        .and_then(|c| c.decree_67_top_up.as_ref())
    {
        rows.money(
            "Trong đó: theo công thức Nghị định 178/2024/NĐ-CP ban đầu",
            "Of which: by the original Decree 178/2024/ND-CP formula",
            t.original_total_vnd,
        )?;
        rows.money(
            "Trong đó: phần cấp bổ sung theo Nghị định 67/2025/NĐ-CP (Điều 2)",
            "Of which: top-up under Decree 67/2025/ND-CP (Art. 2)",
            t.top_up_vnd,
        )?;
    }
    if let Some(original) = d.case.original_entitled_vnd {
        rows.money(
            "Số được hưởng ban đầu (trước điều chỉnh đã chấp nhận)",
            "Original entitlement (before the accepted change)",
            original,
        )?;
        rows.money(
            "Chi bổ sung do điều chỉnh (tổng mới − ban đầu)",
            "Supplementary (new total − original)",
            d.case.entitled_vnd - original,
        )?;
        rows.money(
            "Tổng được hưởng sau điều chỉnh",
            "Total after the change",
            d.case.entitled_vnd,
        )?;
    }

    rows.section("IV. Đã chi trả", "Payments")?;
    rows.headers(&[
        "Ngày chi / Paid on",
        "Hình thức / Method",
        "Số tham chiếu / Reference",
        "Ghi chú / Note",
        "",
        "Số tiền (đồng) / Amount (VND)",
    ])?;
    let first = rows.row;
    for p in &d.payments {
        let r = rows.row;
        write_date(rows.sheet, r, 0, p.paid_on, formats)?;
        rows.sheet.write_text(r, 1, &p.method)?;
        rows.sheet.write_text(r, 2, &p.reference)?;
        if let Some(id) = p.reverses_id {
            rows.sheet.write_text(
                r,
                3,
                format!("Ghi giảm khoản chi {id} / Reverses payment {id}"),
            )?;
        }
        rows.sheet
            .write_number_with_format(r, 5, vnd(p.amount_vnd)?, formats.money(Mark::None))?;
        rows.row += 1;
    }
    let paid: i64 = d.payments.iter().map(|p| p.amount_vnd).sum();
    let total = rows.row;
    rows.sheet.write_text_with_format(
        total,
        1,
        "Tổng đã chi / Total paid",
        formats.text(Mark::Total),
    )?;
    let f = if d.payments.is_empty() {
        Formula::new("=0").set_result("0")
    } else {
        Formula::new(format!("=SUM({}:{})", cell(first, 5), cell(total - 1, 5)))
            .set_result(paid.to_string())
    };
    rows.sheet
        .write_formula_with_format(total, 5, f, formats.money(Mark::Total))?;
    rows.row += 1;
    let outstanding = if state == CaseState::Cancelled {
        0
    } else {
        (d.case.entitled_vnd - d.case.paid_vnd).max(0)
    };
    rows.money("Còn phải chi", "Still to pay", outstanding)?;

    rows.section("V. Bảng chính sách áp dụng", "Policy tables used")?;
    for v in d.computed.iter().flat_map(|c| c.policy_versions.iter()) {
        rows.pair(&v.id, "", &v.version)?;
    }
    let at_vn = crate::domain::vn_time::local(generated.at);
    rows.row += 1;
    rows.pair(
        "Lập lúc",
        "Generated at (Vietnam time)",
        &at_vn.format("%d/%m/%Y %H:%M").to_string(),
    )?;
    rows.pair("Người lập", "Generated by", &generated.by)?;
    official::signatures(rows.sheet, &frame, rows.row + 1, 6, &FINANCE_SIGNERS)?;
    Ok(())
}

/// The statement's title.
pub const TITLE: &str = "BẢNG TÍNH TRỢ CẤP";
