//! A readable breakdown of a result, in Vietnamese (default) or English.

use std::fmt::Write as _;

use super::output::{CalcOutput, Computed};

/// Language of the breakdown.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    /// Tiếng Việt (default).
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// `vi` or `en` (anything else: `None`).
    pub fn parse(code: &str) -> Option<Lang> {
        match code {
            "vi" => Some(Lang::Vi),
            "en" => Some(Lang::En),
            _ => None,
        }
    }
}

fn money(v: i64, lang: Lang) -> String {
    let sep = if lang == Lang::Vi { '.' } else { ',' };
    crate::domain::money::Vnd::new(v).grouped(sep)
}

fn exact(text: &str, lang: Lang) -> String {
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    let grouped = whole
        .parse::<i64>()
        .map(|w| money(w, lang))
        .unwrap_or_else(|_| whole.to_owned());
    if frac.is_empty() {
        grouped
    } else {
        let point = if lang == Lang::Vi { ',' } else { '.' };
        format!("{grouped}{point}{frac}")
    }
}

fn month(ym: &str) -> String {
    match ym.split_once('-') {
        Some((y, m)) => format!("{m}/{y}"),
        None => ym.to_owned(),
    }
}

fn computed(c: &Computed, lang: Lang) -> String {
    let vi = lang == Lang::Vi;
    let mut out = String::new();
    let t = |v: &'static str, e: &'static str| if vi { v } else { e };
    let _ = writeln!(
        out,
        "{} {} — {}",
        t("Hồ sơ", "Case"),
        c.id,
        c.eligibility.basis
    );
    let _ = writeln!(
        out,
        "  {}",
        if vi {
            &c.eligibility.reason_vi
        } else {
            &c.eligibility.reason_en
        }
    );
    let s = &c.salary;
    let how = match (
        s.source.as_str(),
        s.coefficient_total.as_deref(),
        s.base_salary_vnd,
    ) {
        ("coefficients", Some(k), Some(base)) => format!(
            "{} {} × {} {} × (100% + {}%)",
            t("hệ số", "coefficients"),
            exact(k, lang),
            t("lương cơ sở", "base salary"),
            money(base, lang),
            exact(&s.allowance_pct, lang)
        ),
        ("contract_wage", _, _) => format!(
            "{} {} × (100% + {}%)",
            t("lương hợp đồng", "contract wage"),
            exact(&s.core_vnd, lang),
            exact(&s.allowance_pct, lang)
        ),
        ("stated", _, _) => t("theo số cơ quan khai", "as stated by the agency").to_owned(),
        _ => t("mức phụ cấp hằng tháng P", "monthly allowance P").to_owned(),
    };
    let _ = writeln!(
        out,
        "{}: {} {} ({how})",
        t("Tiền lương tháng S", "Monthly salary S"),
        exact(&c.salary_vnd, lang),
        t("đồng", "đồng")
    );
    let r = &c.retirement;
    let _ = writeln!(
        out,
        "{}: {} {} {} {}; {} {}; {}: {}",
        t("Tuổi nghỉ hưu", "Retirement age"),
        r.age_years,
        t("năm", "years"),
        r.age_months,
        t("tháng", "months"),
        t("lương hưu từ", "pension from"),
        month(&r.pension_start_month),
        t("số tháng nghỉ sớm", "months early"),
        c.months_early
    );
    if let Some(i) = &c.insured {
        let _ = writeln!(
            out,
            "{}: {} {} → {} {}",
            t("Thời gian đóng BHXH", "Insured time"),
            i.months,
            t("tháng", "months"),
            i.years_rounded,
            t("năm", "years")
        );
    }
    if let Some(w) = &c.worked {
        let _ = writeln!(
            out,
            "{}: {} {} → {} {}",
            t("Thời gian công tác", "Time worked"),
            w.months,
            t("tháng", "months"),
            w.years_rounded,
            t("năm", "years")
        );
    }
    let window = match c.window.as_deref() {
        Some("first_12_months") => t("trong 12 tháng đầu", "within the first 12 months"),
        Some(_) => t("từ tháng thứ 13", "from the 13th month"),
        None => "—",
    };
    let _ = writeln!(
        out,
        "{}: {}; {}: {}",
        t("Khung", "Band"),
        c.band.code(),
        t("Thời điểm", "Window"),
        window
    );
    for (i, comp) in c.components.iter().enumerate() {
        let label = if vi { &comp.label_vi } else { &comp.label_en };
        let _ = writeln!(
            out,
            "  {}. {label}: {} {}",
            i + 1,
            money(comp.amount_vnd, lang),
            t("đồng", "đồng")
        );
        let _ = writeln!(out, "     {}", comp.formula);
        let _ = writeln!(out, "     {}", comp.legal_basis);
    }
    let _ = writeln!(
        out,
        "{}: {} {}",
        t("Tổng cộng", "Total"),
        money(c.total_vnd, lang),
        t("đồng", "đồng")
    );
    for w in &c.warnings {
        let _ = writeln!(
            out,
            "{}: {}",
            t("Cảnh báo", "Warning"),
            if vi { &w.message_vi } else { &w.message_en }
        );
    }
    let versions: Vec<String> = c
        .policy_versions
        .iter()
        .map(|v| format!("{}@{}", v.id, v.version))
        .collect();
    let _ = writeln!(
        out,
        "{}: {}",
        t("Bảng chính sách", "Policy tables"),
        versions.join(", ")
    );
    out
}

/// A readable breakdown of one result line.
pub fn explain(output: &CalcOutput, lang: Lang) -> String {
    match output {
        CalcOutput::Computed(c) => computed(c, lang),
        CalcOutput::Refused(r) => {
            let msg = if lang == Lang::Vi {
                &r.error.message_vi
            } else {
                &r.error.message_en
            };
            let head = if lang == Lang::Vi { "Hồ sơ" } else { "Case" };
            let refused = if lang == Lang::Vi {
                "không tính được"
            } else {
                "refused"
            };
            format!("{head} {} — {refused} ({}): {msg}\n", r.id, r.error.code)
        }
    }
}
