//! The result of reading a roster: typed rows and every problem found.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::columns::Column;
use super::tabular::ParsedList;
use crate::domain::money::Vnd;
use crate::domain::national_id::NationalId;
use crate::domain::person::{BirthDate, Sex};
use crate::domain::policy::{Article, Category, Rank, Scheme};

/// A roster file read and checked cell by cell; nothing stored yet.
pub type ParsedRoster = ParsedList<Column, RosterRow>;

/// One person's row, every cell already a domain value.
#[derive(Clone, Debug, PartialEq)]
pub struct RosterRow {
    /// Row number as Excel shows it.
    pub row_number: u32,
    /// Số định danh cá nhân (leading zeros restored when needed).
    pub national_id: NationalId,
    /// Họ và tên, whitespace collapsed.
    pub full_name: String,
    /// Ngày sinh (may be year or month/year only).
    pub date_of_birth: BirthDate,
    /// Giới tính.
    pub sex: Sex,
    /// Mã đơn vị.
    pub unit_code: Option<String>,
    /// Đơn vị công tác.
    pub unit_name: Option<String>,
    /// Mã tỉnh, always a 2025 code (pre-2025 codes mapped).
    pub province_code: Option<&'static str>,
    /// Số tài khoản.
    pub bank_account: Option<String>,
    /// Ngân hàng.
    pub bank: Option<String>,
    /// Đối tượng.
    pub category: Category,
    /// Hình thức nghỉ.
    pub scheme: Scheme,
    /// Cấp bậc (armed forces).
    pub rank: Option<Rank>,
    /// Điều áp dụng.
    pub article: Option<Article>,
    /// Salary and allowance fields (`salary.*` of the calc contract).
    pub salary: SalaryFields,
    /// Thời gian đóng BHXH in months (from the months column, or years × 12 + months).
    pub insured_months: Option<u32>,
    /// Thời gian công tác in months.
    pub worked_months: Option<u32>,
    /// Đang hưởng lương hưu.
    pub receiving_pension: Option<bool>,
    /// Hưởng trợ cấp mất sức lao động.
    pub receiving_incapacity_benefit: Option<bool>,
    /// Chuyển sang thôn, tổ dân phố.
    pub moved_to_village_post: Option<bool>,
    /// Tuổi nghỉ hưu thấp hơn (Phụ lục II).
    pub reduced_retirement_age: Option<bool>,
    /// Ngày hiệu lực quyết định sắp xếp.
    pub reorganization_effective_date: Option<NaiveDate>,
    /// Ngày nghỉ.
    pub leave_date: NaiveDate,
    /// Ngày quyết định cho nghỉ.
    pub decision_date: Option<NaiveDate>,
}

/// The `salary` object of the calc contract; `None` where the cell was empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SalaryFields {
    /// Hệ số lương.
    pub grade_coefficient: Option<Decimal>,
    /// Hệ số phụ cấp chức vụ.
    pub leadership_coefficient: Option<Decimal>,
    /// Hệ số chênh lệch bảo lưu.
    pub retention_coefficient: Option<Decimal>,
    /// Phụ cấp thâm niên vượt khung (%).
    pub beyond_frame_seniority_pct: Option<Decimal>,
    /// Allowances in percent.
    pub allowances_pct: AllowancesPct,
    /// Tiền lương theo hợp đồng.
    pub contract_monthly_wage_vnd: Option<Vnd>,
    /// Tiền lương hiện hưởng.
    pub monthly_salary_vnd: Option<Vnd>,
    /// Phụ cấp hằng tháng.
    pub monthly_allowance_vnd: Option<Vnd>,
    /// Lương chức danh cũ (replaces P, Decree 154 Art. 9(2)).
    pub former_post_salary_vnd: Option<Vnd>,
    /// Phụ cấp kiêm nhiệm (shown, never part of P).
    pub concurrent_post_allowance_vnd: Option<Vnd>,
}

/// `salary.allowances_pct` of the calc contract.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AllowancesPct {
    /// Phụ cấp công vụ.
    pub public_service: Option<Decimal>,
    /// Phụ cấp thâm niên nghề.
    pub professional_seniority: Option<Decimal>,
    /// Phụ cấp ưu đãi nghề.
    pub occupational_preferential: Option<Decimal>,
    /// Phụ cấp trách nhiệm nghề.
    pub occupational_responsibility: Option<Decimal>,
    /// Phụ cấp công tác Đảng, đoàn thể.
    pub party_union_work: Option<Decimal>,
    /// Phụ cấp đặc thù lực lượng vũ trang.
    pub armed_forces_special: Option<Decimal>,
}
