//! The canonical roster columns, their header aliases and the field each one fills: the
//! roster's [`ColumnSet`], read on the same path as payment lists and statements
//! ([`super::tabular`]).
//!
//! Headers are matched on their folded key ([`crate::domain::text::fold_key`]): case,
//! spacing, punctuation and diacritics do not matter, nor does a bracketed unit such as `(%)`
//! or `(đồng)`.

use std::sync::OnceLock;

use super::error::ListKind;
use super::header::HeaderColumn;
use super::recognize::{ColumnSet, ColumnSpec, HeaderIndex, lookup_header};

/// What kind of value a column holds; decides how its cells are converted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Row number of the form (STT); ignored.
    Seq,
    /// Free text (names, unit, bank).
    Text,
    /// Personal identification number.
    NationalId,
    /// Date of birth: full date, month/year or year only.
    BirthDate,
    /// A full date.
    Date,
    /// Nam/Nữ.
    Sex,
    /// Category vocabulary.
    Category,
    /// Military/police rank vocabulary.
    Rank,
    /// Scheme vocabulary.
    Scheme,
    /// Article 7, 7a or 7b.
    Article,
    /// A coefficient: at most 4 decimals, 0..=100.
    Coefficient,
    /// A percentage: at most 4 decimals, 0..=100.
    Percent,
    /// Whole đồng, 0..=10^12.
    Money,
    /// Whole months, 0..=720.
    Months,
    /// Whole years, 0..=60.
    Years,
    /// Whole months 0..=11 (the remainder next to a years column).
    ExtraMonths,
    /// Có/Không.
    YesNo,
    /// Province code (2025 list, or a pre-2025 code mapped to its successor).
    ProvinceCode,
    /// Bank account number: digits, letters, `-` and spaces.
    BankAccount,
}

macro_rules! columns {
    ($( $variant:ident => $field:literal, $kind:ident, $vi:literal, $en:literal, [$($alias:literal),*]; )*) => {
        /// A canonical roster column.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Column { $(
            #[doc = concat!($vi, " / ", $en, " → `", $field, "`")]
            $variant,
        )* }

        impl Column {
            /// Every column, in template order.
            pub const ALL: &'static [Column] = &[$(Column::$variant),*];

            /// The field of the `staffpay calc` contract (or the person record) it fills.
            pub const fn field(self) -> &'static str {
                match self { $(Column::$variant => $field),* }
            }

            /// How its cells are converted.
            pub const fn kind(self) -> Kind {
                match self { $(Column::$variant => Kind::$kind),* }
            }

            /// The template's Vietnamese header.
            pub const fn header_vi(self) -> &'static str {
                match self { $(Column::$variant => $vi),* }
            }

            /// The template's English header.
            pub const fn header_en(self) -> &'static str {
                match self { $(Column::$variant => $en),* }
            }

            /// Further accepted headers.
            pub const fn aliases(self) -> &'static [&'static str] {
                match self { $(Column::$variant => &[$($alias),*]),* }
            }
        }

        impl ColumnSet for Column {
            const SPECS: &'static [ColumnSpec<Column>] = &[$(
                ColumnSpec {
                    column: Column::$variant, key: $field, vi: $vi, en: $en,
                    aliases: &[$($alias),*],
                },
            )*];

            const LIST: ListKind = ListKind::Roster;

            fn index() -> &'static OnceLock<HeaderIndex<Column>> {
                static INDEX: OnceLock<HeaderIndex<Column>> = OnceLock::new();
                &INDEX
            }

            fn header_vi(self) -> &'static str {
                Column::header_vi(self)
            }

            fn header_en(self) -> &'static str {
                Column::header_en(self)
            }

            fn position(self) -> usize {
                self.index()
            }
        }
    };
}

columns! {
    Seq => "seq", Seq, "STT", "No", ["Số thứ tự", "TT", "No."];
    FullName => "full_name", Text, "Họ và tên", "Full name", ["Họ tên", "Name", "Họ và tên người lao động"];
    NationalId => "national_id", NationalId, "Số định danh cá nhân", "National ID",
        ["Số CCCD", "CCCD", "Số căn cước công dân", "Số căn cước", "Số CCCD/CMND", "Số định danh",
         "Mã định danh cá nhân", "National ID number", "Personal identification number", "ID number"];
    DateOfBirth => "date_of_birth", BirthDate, "Ngày sinh", "Date of birth",
        ["Ngày, tháng, năm sinh", "Ngày tháng năm sinh", "Năm sinh", "Birth date", "DOB"];
    Sex => "sex", Sex, "Giới tính", "Sex", ["Gender"];
    UnitCode => "unit_code", Text, "Mã đơn vị", "Unit code", [];
    UnitName => "unit_name", Text, "Đơn vị công tác", "Unit", ["Đơn vị", "Tên đơn vị", "Unit name"];
    Category => "category", Category, "Đối tượng", "Category", ["Loại đối tượng", "Nhóm đối tượng"];
    Rank => "rank", Rank, "Cấp bậc", "Rank", ["Quân hàm", "Cấp bậc quân hàm"];
    Scheme => "scheme", Scheme, "Hình thức nghỉ", "Scheme", ["Hình thức", "Chế độ nghỉ"];
    Article => "article", Article, "Điều áp dụng", "Article", ["Điều"];
    GradeCoefficient => "salary.grade_coefficient", Coefficient, "Hệ số lương", "Grade coefficient",
        ["Hệ số lương theo ngạch bậc", "Hệ số lương ngạch bậc", "Salary coefficient"];
    LeadershipCoefficient => "salary.leadership_coefficient", Coefficient,
        "Hệ số phụ cấp chức vụ", "Leadership coefficient",
        ["Phụ cấp chức vụ", "Hệ số phụ cấp chức vụ lãnh đạo", "Leadership allowance coefficient"];
    BeyondFrameSeniorityPct => "salary.beyond_frame_seniority_pct", Percent,
        "Phụ cấp thâm niên vượt khung (%)", "Beyond-frame seniority (%)",
        ["Thâm niên vượt khung", "Phụ cấp TNVK", "Beyond frame seniority"];
    ProfessionalSeniorityPct => "salary.allowances_pct.professional_seniority", Percent,
        "Phụ cấp thâm niên nghề (%)", "Professional seniority (%)", ["Thâm niên nghề"];
    OccupationalPreferentialPct => "salary.allowances_pct.occupational_preferential", Percent,
        "Phụ cấp ưu đãi nghề (%)", "Occupational preferential (%)", ["Ưu đãi nghề"];
    OccupationalResponsibilityPct => "salary.allowances_pct.occupational_responsibility", Percent,
        "Phụ cấp trách nhiệm nghề (%)", "Occupational responsibility (%)", ["Trách nhiệm nghề"];
    PublicServicePct => "salary.allowances_pct.public_service", Percent,
        "Phụ cấp công vụ (%)", "Public service (%)", ["Công vụ"];
    PartyUnionWorkPct => "salary.allowances_pct.party_union_work", Percent,
        "Phụ cấp công tác Đảng, đoàn thể (%)", "Party and union work (%)",
        ["Công tác Đảng, đoàn thể", "Phụ cấp công tác Đảng, đoàn thể chính trị - xã hội",
         "Party union work"];
    ArmedForcesSpecialPct => "salary.allowances_pct.armed_forces_special", Percent,
        "Phụ cấp đặc thù lực lượng vũ trang (%)", "Armed forces special (%)",
        ["Đặc thù lực lượng vũ trang", "Phụ cấp đặc thù", "Đặc thù"];
    RetentionCoefficient => "salary.retention_coefficient", Coefficient,
        "Hệ số chênh lệch bảo lưu", "Retention coefficient", ["Chênh lệch bảo lưu", "Hệ số bảo lưu"];
    ContractMonthlyWage => "salary.contract_monthly_wage_vnd", Money,
        "Tiền lương theo hợp đồng (đồng)", "Contract wage (VND)",
        ["Lương theo hợp đồng", "Contract monthly wage"];
    MonthlySalary => "salary.monthly_salary_vnd", Money,
        "Tiền lương hiện hưởng (đồng)", "Monthly salary (VND)", ["Lương hiện hưởng"];
    MonthlyAllowance => "salary.monthly_allowance_vnd", Money,
        "Phụ cấp hằng tháng (đồng)", "Monthly allowance (VND)", ["Phụ cấp hàng tháng"];
    FormerPostSalary => "salary.former_post_salary_vnd", Money,
        "Lương chức danh cũ (đồng)", "Former post salary (VND)",
        ["Lương chức danh cũ", "Tiền lương chức danh cũ", "Lương chức vụ cũ",
         "Tiền lương của chức danh trước khi chuyển", "Former post salary"];
    ConcurrentPostAllowance => "salary.concurrent_post_allowance_vnd", Money,
        "Phụ cấp kiêm nhiệm (đồng)", "Concurrent post allowance (VND)",
        ["Phụ cấp kiêm nhiệm", "Phụ cấp kiêm nhiệm chức danh", "Concurrent post allowance"];
    InsuredMonths => "insured_months", Months, "Thời gian đóng BHXH (tháng)", "Insured months",
        ["Thời gian đóng bảo hiểm xã hội", "Số tháng đóng BHXH", "Social insurance months"];
    InsuredYears => "insured_months.years", Years, "Số năm đóng BHXH", "Insured years",
        ["Thời gian đóng BHXH Số năm", "Thời gian đóng BHXH Năm", "Years of social insurance"];
    InsuredExtraMonths => "insured_months.months", ExtraMonths, "Số tháng lẻ", "Extra months",
        ["Thời gian đóng BHXH Số tháng lẻ", "Thời gian đóng BHXH Số tháng", "Thời gian đóng BHXH Tháng",
         "Insured extra months"];
    WorkedMonths => "worked_months", Months, "Thời gian công tác (tháng)", "Worked months",
        ["Số tháng công tác"];
    ReceivingPension => "receiving_pension", YesNo, "Đang hưởng lương hưu", "Receiving pension", [];
    ReceivingIncapacityBenefit => "receiving_incapacity_benefit", YesNo,
        "Hưởng trợ cấp mất sức lao động", "Receiving incapacity benefit",
        ["Đang hưởng trợ cấp mất sức lao động", "Trợ cấp mất sức lao động", "Hưởng trợ cấp MSLĐ",
         "Incapacity benefit"];
    MovedToVillagePost => "moved_to_village_post", YesNo,
        "Chuyển sang thôn, tổ dân phố", "Moved to a village post",
        ["Chuyển sang hoạt động ở thôn, tổ dân phố", "Chuyển sang thôn tổ dân phố",
         "Chuyển về thôn, tổ dân phố", "Moved to village post"];
    ReducedRetirementAge => "reduced_retirement_age", YesNo,
        "Tuổi nghỉ hưu thấp hơn (Phụ lục II)", "Reduced retirement age", [];
    ReorganizationEffectiveDate => "reorganization_effective_date", Date,
        "Ngày hiệu lực quyết định sắp xếp", "Reorganization effective date",
        ["Ngày hiệu lực sắp xếp", "Ngày hiệu lực của quyết định sắp xếp"];
    LeaveDate => "leave_date", Date, "Ngày nghỉ", "Leave date", ["Ngày nghỉ việc", "Thời điểm nghỉ"];
    DecisionDate => "decision_date", Date, "Ngày quyết định cho nghỉ", "Decision date",
        ["Ngày quyết định"];
    ProvinceCode => "province_code", ProvinceCode, "Mã tỉnh", "Province code", [];
    BankAccount => "bank_account", BankAccount, "Số tài khoản", "Bank account",
        ["Số tài khoản ngân hàng", "Account number", "Ngân hàng Số tài khoản"];
    Bank => "bank", Text, "Ngân hàng", "Bank", ["Tên ngân hàng", "Bank name", "Mở tại ngân hàng",
        "Ngân hàng Tên ngân hàng"];
}

impl Column {
    /// Columns that must be in the header: the fields the `staffpay calc` contract requires
    /// (`scheme`, `category`, `sex`, `date_of_birth`, `leave_date`) and the person's name and
    /// id. Insured time is optional, as in the contract (part-time leavers count worked months).
    pub const REQUIRED: &'static [Column] = &[
        Column::FullName,
        Column::NationalId,
        Column::DateOfBirth,
        Column::Sex,
        Column::Category,
        Column::Scheme,
        Column::LeaveDate,
    ];

    /// Position in [`Column::ALL`], for array-indexed lookups.
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The column whose header is `text`, if any.
    pub fn from_header(text: &str) -> Option<Column> {
        lookup_header(text)
    }
}

impl HeaderColumn for Column {
    fn is_anchor(self) -> bool {
        matches!(self, Column::FullName | Column::NationalId)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::{fold_key, strip_brackets};
    use std::collections::HashMap;

    #[test]
    fn specs_list_the_columns_in_declaration_order() {
        assert!(super::super::tabular::specs_in_order::<Column>());
        assert_eq!(Column::SPECS.len(), Column::ALL.len());
    }

    #[test]
    fn aliases_never_point_at_two_columns() {
        let mut seen: HashMap<String, Column> = HashMap::new();
        for &c in Column::ALL {
            let names = [c.header_vi(), c.header_en()]
                .into_iter()
                .chain(c.aliases().iter().copied());
            for name in names {
                let key = fold_key(&strip_brackets(name));
                if let Some(other) = seen.insert(key.clone(), c) {
                    assert_eq!(other, c, "alias {key:?} is used by {other:?} and {c:?}");
                }
            }
        }
    }

    #[test]
    fn template_headers_match_their_column() {
        for &c in Column::ALL {
            assert_eq!(
                Column::from_header(c.header_vi()),
                Some(c),
                "{}",
                c.header_vi()
            );
            assert_eq!(
                Column::from_header(c.header_en()),
                Some(c),
                "{}",
                c.header_en()
            );
        }
        // 36 + the four Decree 154 columns (issue 16).
        assert_eq!(Column::ALL.len(), 40);
    }

    #[test]
    fn matching_ignores_case_spacing_diacritics_and_units() {
        let cases = [
            ("HO VA TEN", Column::FullName),
            ("  họ   và tên ", Column::FullName),
            ("So CCCD", Column::NationalId),
            ("Số  CCCD:", Column::NationalId),
            ("Ngay sinh", Column::DateOfBirth),
            ("Phu cap cong vu (%)", Column::PublicServicePct),
            ("phụ cấp công vụ", Column::PublicServicePct),
            ("Tien luong hien huong (dong)", Column::MonthlySalary),
            ("Tiền lương hiện hưởng (VNĐ)", Column::MonthlySalary),
            ("Số năm đóng BHXH", Column::InsuredYears),
            ("Số tháng lẻ", Column::InsuredExtraMonths),
            ("date of birth", Column::DateOfBirth),
            (
                "Beyond-frame seniority (%)",
                Column::BeyondFrameSeniorityPct,
            ),
            ("Ho va ten (*)", Column::FullName),
        ];
        for (header, col) in cases {
            assert_eq!(Column::from_header(header), Some(col), "{header}");
        }
    }

    #[test]
    fn unknown_headers_do_not_match() {
        for h in ["Ghi chú", "Chức vụ", "", "(%)", "Số điện thoại"] {
            assert_eq!(Column::from_header(h), None, "{h}");
        }
    }

    #[test]
    fn fields_follow_the_calc_contract() {
        assert_eq!(
            Column::PublicServicePct.field(),
            "salary.allowances_pct.public_service"
        );
        assert_eq!(
            Column::ContractMonthlyWage.field(),
            "salary.contract_monthly_wage_vnd"
        );
        assert_eq!(
            Column::LeaveDate.index(),
            Column::ALL
                .iter()
                .position(|c| *c == Column::LeaveDate)
                .unwrap()
        );
    }
}
