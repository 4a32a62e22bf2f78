//! Rendering an entitlement into the output contract's text: formulas, warning messages,
//! eligibility reasons, salary and retirement breakdowns. Only called when a result is
//! serialized or explained, never on the compute hot path.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::component::Component;
use super::counting::CountedTime;
use super::output::{
    ComponentOut, CountedOut, EligibilityOut, RetirementOut, SalaryOut, WarningOut,
};
use super::result::{Eligibility, Entitlement, FlatReason, Warning, WarningCode};
use super::retirement::RetirementBasis;
use crate::domain::money::Vnd;

/// A decimal without trailing zeros.
pub(crate) fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

/// `dd/mm/yyyy`.
pub(crate) fn dmy(d: NaiveDate) -> String {
    crate::domain::dates::dmy(d)
}

/// The formula text of a component, given S (or P) and the rounded insured years.
pub(crate) fn formula(c: &Component, base: Decimal, years: Decimal) -> String {
    let exact = c.exact(base).map(dec).unwrap_or_default();
    let head = match &c.stepped {
        Some(s) => {
            let first = if s.pro_rata {
                format!(
                    "{} × min({}, {}) / {}",
                    dec(s.base_months),
                    dec(years),
                    dec(s.threshold_years),
                    dec(s.threshold_years)
                )
            } else {
                dec(s.base_months)
            };
            format!(
                "({first} + {} × max(0, {} − {})) × {} = {} × {}",
                dec(s.per_year_above),
                dec(years),
                dec(s.threshold_years),
                dec(base),
                dec(c.quantity),
                dec(base)
            )
        }
        None => format!("{} × {} × {}", c.factor, dec(base), dec(c.quantity)),
    };
    let rounded = c.amount.dong().to_string();
    if exact == rounded {
        format!("{head} = {exact}")
    } else {
        format!("{head} = {exact} → {rounded}")
    }
}

pub(crate) fn component_out(c: &Component, base: Decimal, years: Decimal) -> ComponentOut {
    ComponentOut {
        code: c.code.code().to_owned(),
        amount_vnd: c.amount.dong(),
        label_vi: c.code.label_vi().to_owned(),
        label_en: c.code.label_en().to_owned(),
        legal_basis: c.legal_basis.to_string(),
        formula: formula(c, base, years),
        quantity: dec(c.quantity),
        unit: c.unit.code().to_owned(),
        factor: c.factor.to_string(),
        base_vnd: dec(base),
        exact_vnd: c.exact(base).map(dec).unwrap_or_default(),
    }
}

fn more_less(delta: Vnd) -> (&'static str, &'static str) {
    if delta.is_negative() {
        ("ít hơn", "less")
    } else {
        ("nhiều hơn", "more")
    }
}

pub(crate) fn warning_out(w: &Warning, e: &Entitlement) -> WarningOut {
    let date = w.date.map(dmy).unwrap_or_default();
    let (message_vi, message_en) = match (w.code, w.delta, w.refused) {
        (code, Some(_), Some(refused)) if code.is_cliff() => (
            format!(
                "Nếu nghỉ từ ngày {date} trở đi: không được hưởng ({}), mất {} đồng",
                refused.code(),
                e.total().grouped('.')
            ),
            format!(
                "Leaving on or after {date} is refused ({}): {} đồng at stake",
                refused.code(),
                e.total().grouped(',')
            ),
        ),
        (code, Some(delta), None) if code.is_cliff() => {
            let amount = if delta.is_negative() { -delta } else { delta };
            let (vi, en) = more_less(delta);
            let (why_vi, why_en) = match code {
                WarningCode::WindowClosing => {
                    ("hết thời hạn 12 tháng", "the 12-month window closes")
                }
                WarningCode::BandEdge => (
                    "sang khung thời gian nghỉ sớm khác",
                    "another band of time early",
                ),
                _ => ("quy định mới có hiệu lực", "a rule switch takes effect"),
            };
            let band = match (code, w.band_after) {
                (WarningCode::BandEdge, Some(b)) => format!(": {} → {}", e.band.code(), b.code()),
                _ => String::new(),
            };
            (
                format!(
                    "Nếu nghỉ từ ngày {date} trở đi ({why_vi}{band}): được {vi} {} đồng",
                    amount.grouped('.')
                ),
                format!(
                    "Leaving on or after {date} ({why_en}{band}) pays {} đồng {en}",
                    amount.grouped(',')
                ),
            )
        }
        (WarningCode::SalaryStated, _, _) => (
            format!(
                "Tiền lương tháng S lấy theo số cơ quan khai ({} đồng), không tính từ hệ số",
                dec(e.salary.monthly)
            ),
            format!(
                "S taken as stated by the agency ({} đồng), not computed from coefficients",
                dec(e.salary.monthly)
            ),
        ),
        (WarningCode::SalaryInputsIgnored, _, _) => (
            "Đã khai S nên hệ số lương / tiền lương hợp đồng được bỏ qua".to_owned(),
            "A stated S was given, so the coefficients / contract wage were ignored".to_owned(),
        ),
        (WarningCode::TopUpNotAssessed, _, _) => (
            "Tỉnh có chính sách hỗ trợ thêm nhưng thiếu `decision_date`: chưa xét hỗ trợ thêm"
                .to_owned(),
            "The province has a top-up but `decision_date` is missing: top-up not assessed"
                .to_owned(),
        ),
        (WarningCode::TopUpNotPayable, _, _) => match w.date {
            Some(_) => (
                format!(
                    "Hỗ trợ thêm của địa phương chỉ áp dụng cho quyết định ký trước ngày {date}"
                ),
                format!("Provincial top-ups apply only to decisions signed before {date}"),
            ),
            None => (
                "Không có mức hỗ trợ thêm của tỉnh cho ngày quyết định này".to_owned(),
                "The province has no top-up for this decision date".to_owned(),
            ),
        },
        (WarningCode::ConcurrentAllowanceExcluded, _, _) => (
            "Phụ cấp kiêm nhiệm không tính vào mức phụ cấp P (Nghị định 154/2025/NĐ-CP Điều 5 khoản 1)"
                .to_owned(),
            "The concurrent-post allowance is not part of P (Decree 154/2025/ND-CP Art. 5(1))"
                .to_owned(),
        ),
        (code, _, _) => (code.code().to_owned(), code.code().to_owned()),
    };
    WarningOut {
        code: w.code.code().to_owned(),
        date: w.date.map(|d| d.to_string()),
        amount_vnd: w.delta.map(|d| if d.is_negative() { -d } else { d }.dong()),
        delta_vnd: w.delta.map(Vnd::dong),
        message_vi,
        message_en,
    }
}

pub(crate) fn counted(c: CountedTime) -> CountedOut {
    CountedOut {
        months: c.months,
        years_rounded: dec(c.years),
    }
}

pub(crate) fn eligibility_out(e: &Entitlement) -> EligibilityOut {
    let m = e.retirement.months_early;
    match &e.eligibility {
        Eligibility::EarlyRetirement {
            article,
            insured_months,
            threshold_months,
            max_months_early,
        } => EligibilityOut {
            basis: format!("Decree 178/2024/ND-CP Art. {}", article.as_str()),
            reason_vi: format!(
                "Nghỉ hưu trước tuổi {m} tháng (khung {}, tối đa {max_months_early} tháng); đóng BHXH {insured_months} tháng, đủ mức {threshold_months} tháng để hưởng lương hưu",
                e.band.code()
            ),
            reason_en: format!(
                "{m} months before retirement age (band {}, at most {max_months_early}); {insured_months} insured months, at least the {threshold_months} needed for a pension",
                e.band.code()
            ),
        },
        Eligibility::Quit {
            article,
            min_months_to_retirement,
        } => EligibilityOut {
            basis: format!("Decree 178/2024/ND-CP Art. {article}"),
            reason_vi: format!(
                "Còn {m} tháng đến tuổi nghỉ hưu (cần ít nhất {min_months_to_retirement}) và không thuộc diện nghỉ hưu trước tuổi"
            ),
            reason_en: format!(
                "{m} months to retirement age (at least {min_months_to_retirement} needed) and not qualifying for early retirement"
            ),
        },
        Eligibility::PartTime { flat } => {
            let worked = e.worked.map_or(0, |w| w.months);
            let (vi, en) = match flat {
                Some(FlatReason::AtRetirementAge) => (
                    "đã đến tuổi nghỉ hưu: hưởng mức cố định".to_owned(),
                    "at retirement age: flat amount".to_owned(),
                ),
                Some(FlatReason::ReceivingPension) => (
                    "đang hưởng lương hưu: hưởng mức cố định".to_owned(),
                    "drawing a pension: flat amount".to_owned(),
                ),
                Some(FlatReason::ReceivingIncapacityBenefit) => (
                    "đang hưởng trợ cấp mất sức lao động: hưởng mức cố định".to_owned(),
                    "drawing the incapacity benefit: flat amount".to_owned(),
                ),
                None => (
                    format!("còn {m} tháng đến tuổi nghỉ hưu"),
                    format!("{m} months to retirement age"),
                ),
            };
            EligibilityOut {
                basis: "Decree 154/2025/ND-CP Art. 9".to_owned(),
                reason_vi: format!(
                    "Người hoạt động không chuyên trách cấp xã, {worked} tháng công tác; {vi}"
                ),
                reason_en: format!("Commune-level part-time worker, {worked} months worked; {en}"),
            }
        }
    }
}

pub(crate) fn salary_out(e: &Entitlement) -> SalaryOut {
    let s = &e.salary;
    SalaryOut {
        source: s.source.code().to_owned(),
        base_salary_vnd: s.base_salary.map(Vnd::dong),
        base_salary_month: s.base_salary_month.map(|m| m.to_string()),
        coefficient_total: s.coefficient_total.map(dec),
        retention_counted: s.retention_counted,
        core_vnd: dec(s.core),
        allowance_pct: dec(s.allowance_pct),
        excluded_allowance_pct: dec(s.excluded_allowance_pct),
        monthly_vnd: dec(s.monthly),
    }
}

pub(crate) fn retirement_out(e: &Entitlement) -> RetirementOut {
    let r = &e.retirement;
    RetirementOut {
        basis: r.basis.code().to_owned(),
        rank: match r.basis {
            RetirementBasis::Rank(rank) => Some(rank),
            _ => None,
        },
        age_years: r.age_months.div_euclid(12),
        age_months: r.age_months.rem_euclid(12),
        retirement_month: r.retirement_month.to_string(),
        pension_start_month: r.pension_start.to_string(),
    }
}
