//! What a reviewer needs to verify a case on its page: the inputs the entitlement came from
//! (scheme, category, dates, insured and worked months), how the monthly salary S was built
//! line by line with the base salary used, the retirement timing, the bank account — read
//! from the roster input and the pinned result the case stores, in the page's language.

use chrono::NaiveDate;
use serde_json::Value;

use crate::present;

/// A label and its value.
pub type Line = (String, String);

/// `YYYY-MM-DD` as dd/mm/yyyy (left as given when it is not a date).
fn day(text: &str) -> String {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_or_else(|_| text.to_owned(), present::date)
}

/// `YYYY-MM` as mm/yyyy.
fn month(text: &str) -> String {
    match text.split_once('-') {
        Some((y, m)) if y.len() == 4 && m.len() == 2 => format!("{m}/{y}"),
        _ => text.to_owned(),
    }
}

fn pick<'a>(en: bool, vi: &'a str, english: &'a str) -> &'a str {
    if en { english } else { vi }
}

fn scheme(code: &str, en: bool) -> String {
    match code {
        "early_retirement" => pick(en, "Nghỉ hưu trước tuổi", "Early retirement"),
        "quit" => pick(en, "Thôi việc", "Quitting (severance)"),
        "part_time_leave" => pick(
            en,
            "Nghỉ việc (không chuyên trách)",
            "Part-time worker leaving",
        ),
        other => other,
    }
    .to_owned()
}

fn category(code: &str, en: bool) -> String {
    match code {
        "cadre_civil_servant" => pick(en, "Cán bộ, công chức", "Cadre or civil servant"),
        "public_employee" => pick(en, "Viên chức", "Public employee"),
        "contract_worker" => pick(en, "Người lao động (hợp đồng)", "Contract worker"),
        "commune_part_time" => pick(
            en,
            "Người hoạt động không chuyên trách cấp xã",
            "Commune-level part-time worker",
        ),
        "armed_forces" => pick(en, "Lực lượng vũ trang", "Armed forces"),
        other => other,
    }
    .to_owned()
}

fn sex(code: &str, en: bool) -> String {
    match code {
        "male" => pick(en, "Nam", "Male"),
        "female" => pick(en, "Nữ", "Female"),
        other => other,
    }
    .to_owned()
}

fn salary_source(code: &str, en: bool) -> String {
    match code {
        "coefficients" => pick(
            en,
            "Hệ số lương × lương cơ sở",
            "Coefficients × base salary",
        ),
        "contract_wage" => pick(en, "Tiền lương theo hợp đồng", "Contract wage"),
        "stated" => pick(
            en,
            "Số tiền lương cơ quan khai",
            "Salary as stated by the agency",
        ),
        "part_time_allowance" => pick(en, "Phụ cấp hằng tháng", "Monthly allowance"),
        "former_post_salary" => pick(
            en,
            "Tiền lương của chức vụ trước (bảo lưu)",
            "Salary of the former post (retained)",
        ),
        other => other,
    }
    .to_owned()
}

/// A decimal text from JSON (string or number).
fn decimal_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The inputs the entitlement came from (the roster row as the engine read it).
pub fn inputs(input: &Value, computed: &Value, en: bool) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut push = |vi: &str, english: &str, value: String| {
        if !value.is_empty() {
            out.push((pick(en, vi, english).to_owned(), value));
        }
    };
    let text = |v: &Value, key: &str| v[key].as_str().unwrap_or_default().to_owned();
    push(
        "Hình thức nghỉ",
        "Scheme",
        scheme(&text(input, "scheme"), en),
    );
    push(
        "Đối tượng",
        "Category",
        category(&text(input, "category"), en),
    );
    push(
        "Ngày sinh",
        "Date of birth",
        day(&text(input, "date_of_birth")),
    );
    push("Giới tính", "Sex", sex(&text(input, "sex"), en));
    push("Ngày nghỉ", "Leave date", day(&text(input, "leave_date")));
    push(
        "Ngày ký quyết định nghỉ",
        "Leave decision signed on",
        day(&text(input, "decision_date")),
    );
    push(
        "Ngày hiệu lực sắp xếp tổ chức",
        "Reorganisation effective on",
        day(&text(input, "reorganization_effective_date")),
    );
    let counted = |key: &str| -> String {
        let c = &computed[key];
        match (c["months"].as_i64(), c["years_rounded"].as_str()) {
            (Some(m), Some(y)) => {
                let years = present::number(y, en);
                if en {
                    format!("{m} months (rounded: {years} years)")
                } else {
                    format!("{m} tháng (làm tròn: {years} năm)")
                }
            }
            _ => input[format!("{key}_months")]
                .as_i64()
                .map(|m| format!("{m} {}", pick(en, "tháng", "months")))
                .unwrap_or_default(),
        }
    };
    push(
        "Thời gian đóng BHXH bắt buộc",
        "Compulsory insured time",
        counted("insured"),
    );
    push("Thời gian làm việc", "Time worked", counted("worked"));
    let r = &computed["retirement"];
    if let (Some(y), Some(m)) = (r["age_years"].as_i64(), r["age_months"].as_i64()) {
        push(
            "Tuổi nghỉ hưu",
            "Retirement age",
            if en {
                format!(
                    "{y} years {m} months (reached {})",
                    month(&text(r, "retirement_month"))
                )
            } else {
                format!(
                    "{y} tuổi {m} tháng (đủ tuổi tháng {})",
                    month(&text(r, "retirement_month"))
                )
            },
        );
        push(
            "Tháng bắt đầu hưởng lương hưu (nếu nghỉ đúng tuổi)",
            "Pension would start",
            month(&text(r, "pension_start_month")),
        );
    }
    if let Some(n) = computed["months_early"].as_i64().filter(|n| *n > 0) {
        push(
            "Số tháng nghỉ trước tuổi",
            "Months before retirement age",
            present::count(n, en),
        );
    }
    out
}

/// How S was built, line by line, with the base salary used.
pub fn salary(input: &Value, computed: &Value, en: bool) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let s = &computed["salary"];
    let i = &input["salary"];
    let mut push = |vi: &str, english: &str, value: String| {
        if !value.is_empty() {
            out.push((pick(en, vi, english).to_owned(), value));
        }
    };
    push(
        "Cách xác định",
        "Built from",
        salary_source(s["source"].as_str().unwrap_or_default(), en),
    );
    for (key, vi, english) in [
        (
            "grade_coefficient",
            "Hệ số lương theo ngạch, bậc",
            "Grade coefficient",
        ),
        (
            "leadership_coefficient",
            "Hệ số phụ cấp chức vụ",
            "Leadership coefficient",
        ),
        (
            "retention_coefficient",
            "Hệ số chênh lệch bảo lưu",
            "Retention coefficient",
        ),
        (
            "beyond_frame_seniority_pct",
            "Phụ cấp thâm niên vượt khung (%)",
            "Beyond-frame seniority (%)",
        ),
    ] {
        if let Some(v) = decimal_text(&i[key]) {
            push(vi, english, present::number(&v, en));
        }
    }
    if let Some(total) = s["coefficient_total"].as_str() {
        push(
            "Tổng hệ số",
            "Coefficients in all",
            present::number(total, en),
        );
    }
    if let Some(base) = s["base_salary_vnd"].as_i64() {
        let at = s["base_salary_month"]
            .as_str()
            .map(month)
            .unwrap_or_default();
        push(
            "Mức lương cơ sở áp dụng",
            "Base salary used",
            if at.is_empty() {
                present::money(base, en)
            } else if en {
                format!("{} (month {at})", present::money(base, en))
            } else {
                format!("{} (tháng {at})", present::money(base, en))
            },
        );
    }
    for (key, vi, english) in [
        (
            "contract_monthly_wage_vnd",
            "Tiền lương theo hợp đồng",
            "Contract wage",
        ),
        (
            "monthly_salary_vnd",
            "Tiền lương tháng cơ quan khai",
            "Monthly salary as stated",
        ),
        (
            "monthly_allowance_vnd",
            "Phụ cấp hằng tháng",
            "Monthly allowance",
        ),
    ] {
        if let Some(v) = i[key].as_i64() {
            push(vi, english, present::money(v, en));
        }
    }
    if let Some(allowances) = i["allowances_pct"].as_object() {
        let listed: Vec<String> = allowances
            .iter()
            .filter_map(|(k, v)| {
                decimal_text(v)
                    .map(|p| format!("{} {} %", allowance(k, en), present::number(&p, en)))
            })
            .collect();
        if !listed.is_empty() {
            push(
                "Các khoản phụ cấp (%)",
                "Percentage allowances",
                listed.join("; "),
            );
        }
    }
    if let Some(core) = s["core_vnd"].as_str() {
        push(
            "Tiền lương phần hệ số",
            "Core",
            format!(
                "{} {}",
                present::number(core, en),
                if en { "VND" } else { "đ" }
            ),
        );
    }
    if let Some(pct) = s["allowance_pct"].as_str() {
        push(
            "Phụ cấp được tính (%)",
            "Allowances counted (%)",
            present::number(pct, en),
        );
    }
    if let Some(pct) = s["excluded_allowance_pct"].as_str().filter(|p| *p != "0") {
        push(
            "Phụ cấp không tính (%)",
            "Allowances not counted (%)",
            present::number(pct, en),
        );
    }
    if let Some(monthly) = s["monthly_vnd"].as_str() {
        push(
            "Tiền lương tháng S",
            "Monthly salary S",
            if en {
                format!("{} VND", present::number(monthly, true))
            } else {
                format!("{} đ", present::number(monthly, false))
            },
        );
    }
    out
}

fn allowance(key: &str, en: bool) -> String {
    match key {
        "public_service" => pick(en, "công vụ", "public service"),
        "professional_seniority" => pick(en, "thâm niên nghề", "professional seniority"),
        "occupational_preferential" => pick(en, "ưu đãi nghề", "occupational preferential"),
        "occupational_responsibility" => {
            pick(en, "trách nhiệm nghề", "occupational responsibility")
        }
        "party_union_work" => pick(en, "công tác Đảng, đoàn thể", "party and union work"),
        "armed_forces_special" => pick(en, "đặc thù lực lượng vũ trang", "armed forces special"),
        "work_responsibility" => pick(en, "trách nhiệm theo công việc", "work responsibility"),
        "hazardous" => pick(en, "độc hại, nguy hiểm", "hazardous work"),
        "regional" => pick(en, "khu vực", "regional"),
        "attraction" => pick(en, "thu hút", "attraction"),
        "party_committee_responsibility" => {
            pick(en, "trách nhiệm cấp ủy", "party committee responsibility")
        }
        "chief_accountant" => pick(en, "kế toán trưởng", "chief accountant"),
        other => other,
    }
    .to_owned()
}

/// The cliff warnings and notes of the pinned result, in the page's language.
pub fn warnings(computed: &Value, en: bool) -> Vec<String> {
    computed["warnings"]
        .as_array()
        .map(|ws| {
            ws.iter()
                .filter_map(|w| w[if en { "message_en" } else { "message_vi" }].as_str())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_allowance_and_salary_source_has_words() {
        use crate::domain::entitlement::SalarySource;
        for a in crate::domain::policy::Allowance::ALL {
            assert_ne!(allowance(a.code(), false), a.code(), "{a:?}");
            assert!(!allowance(a.code(), true).contains('_'), "{a:?}");
        }
        for source in [
            SalarySource::Coefficients,
            SalarySource::ContractWage,
            SalarySource::Stated,
            SalarySource::PartTimeAllowance,
            SalarySource::FormerPostSalary,
        ] {
            let code = source.code();
            assert_ne!(salary_source(code, false), code, "{source:?}");
        }
    }

    #[test]
    fn inputs_read_as_officials_write_them() {
        let input = serde_json::json!({
            "scheme": "early_retirement", "category": "public_employee", "sex": "female",
            "date_of_birth": "1968-03-15", "leave_date": "2025-08-01",
            "salary": {"grade_coefficient": "4.65", "allowances_pct": {"public_service": "25"}}
        });
        let computed = serde_json::json!({
            "insured": {"months": 264, "years_rounded": "22"},
            "retirement": {"age_years": 57, "age_months": 4, "retirement_month": "2025-07",
                           "pension_start_month": "2025-08"},
            "months_early": 19,
            "salary": {"source": "coefficients", "base_salary_vnd": 2340000,
                       "base_salary_month": "2025-07", "coefficient_total": "4.65",
                       "core_vnd": "10881000", "allowance_pct": "25",
                       "excluded_allowance_pct": "0", "monthly_vnd": "13601250"},
            "warnings": [{"message_vi": "Nếu nghỉ từ ngày 01/09/2025…", "message_en": "If…"}]
        });
        let lines = inputs(&input, &computed, false);
        assert!(
            lines.contains(&("Đối tượng".into(), "Viên chức".into())),
            "{lines:?}"
        );
        assert!(
            lines.contains(&("Ngày sinh".into(), "15/03/1968".into())),
            "{lines:?}"
        );
        assert!(
            lines.contains(&(
                "Thời gian đóng BHXH bắt buộc".into(),
                "264 tháng (làm tròn: 22 năm)".into()
            )),
            "{lines:?}"
        );
        let s = salary(&input, &computed, false);
        assert!(
            s.contains(&("Hệ số lương theo ngạch, bậc".into(), "4,65".into())),
            "{s:?}"
        );
        assert!(
            s.contains(&(
                "Mức lương cơ sở áp dụng".into(),
                "2.340.000 đ (tháng 07/2025)".into()
            )),
            "{s:?}"
        );
        assert!(
            s.contains(&("Tiền lương tháng S".into(), "13.601.250 đ".into())),
            "{s:?}"
        );
        assert!(
            s.contains(&("Các khoản phụ cấp (%)".into(), "công vụ 25 %".into())),
            "{s:?}"
        );
        assert_eq!(warnings(&computed, false).len(), 1);
    }
}
