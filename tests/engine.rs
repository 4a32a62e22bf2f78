//! The entitlement engine against the shipped policy tables: worked examples E1–E6 to the
//! đồng, boundary tables, refusals, cliff warnings, properties, schemas.
#![expect(
    clippy::unwrap_used,
    reason = "test helpers: a failed unwrap is a failed test"
)]

use std::path::PathBuf;
use std::sync::OnceLock;

use serde_json::{Value, json};
use staffpay::domain::entitlement::{
    CalcInput, CalcOutput, Computed, PersonFacts, calculate, calculate_line, compute,
};
use staffpay::domain::policy::PolicySet;

fn policy() -> &'static PolicySet {
    static POLICY: OnceLock<PolicySet> = OnceLock::new();
    POLICY.get_or_init(|| {
        let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policy_tables");
        staffpay::policy_files::load_dir(&dir).unwrap_or_else(|e| panic!("{e}"))
    })
}

fn input(v: Value) -> CalcInput {
    serde_json::from_value(v).unwrap_or_else(|e| panic!("bad test input: {e}"))
}

fn run(v: Value) -> CalcOutput {
    calculate(policy(), &input(v))
}

fn ok(v: Value) -> Box<Computed> {
    match run(v.clone()) {
        CalcOutput::Computed(c) => c,
        CalcOutput::Refused(r) => {
            panic!("refused {}: {} for {v}", r.error.code, r.error.message_en)
        }
    }
}

fn amount(c: &Computed, code: &str) -> i64 {
    c.components
        .iter()
        .find(|x| x.code == code)
        .map_or(0, |x| x.amount_vnd)
}

fn e1() -> Value {
    json!({
        "id": "E1", "scheme": "early_retirement", "category": "cadre_civil_servant", "sex": "male",
        "date_of_birth": "1966-01-15",
        "salary": {"grade_coefficient": "4.65", "leadership_coefficient": "0.6",
                   "allowances_pct": {"public_service": "25"}},
        "insured_months": 264, "reorganization_effective_date": "2025-03-01",
        "leave_date": "2025-05-01"
    })
}

fn e2() -> Value {
    json!({
        "id": "E2", "scheme": "quit", "category": "cadre_civil_servant", "sex": "male",
        "date_of_birth": "1980-03-10",
        "salary": {"grade_coefficient": "3.66", "allowances_pct": {"public_service": "25"}},
        "insured_months": 180, "reorganization_effective_date": "2025-03-01",
        "leave_date": "2025-06-01"
    })
}

fn e3() -> Value {
    json!({
        "id": "E3", "scheme": "early_retirement", "category": "armed_forces", "sex": "male",
        "date_of_birth": "1971-05", "rank": "colonel",
        "salary": {"monthly_salary_vnd": 30000000},
        "insured_months": 424, "reorganization_effective_date": "2025-03-01",
        "leave_date": "2025-06-01"
    })
}

fn e4() -> Value {
    let mut v = e1();
    v["id"] = json!("E4");
    v["salary"] = json!({"grade_coefficient": "4.98", "beyond_frame_seniority_pct": "7",
        "allowances_pct": {"public_service": "25", "professional_seniority": "30"}});
    v
}

#[test]
fn e1_early_retirement_2_5y_inside_window() {
    let c = ok(e1());
    assert_eq!(c.salary_vnd, "15356250");
    assert_eq!(c.months_early, 30);
    assert_eq!(c.retirement.pension_start_month, "2027-11");
    assert_eq!(amount(&c, "months_early"), 460_687_500);
    assert_eq!(amount(&c, "years_early"), 191_953_125);
    assert_eq!(amount(&c, "insured_years"), 92_137_500);
    assert_eq!(c.total_vnd, 744_778_125);
}

#[test]
fn e2_quit_civil_servant_inside_window() {
    let c = ok(e2());
    assert_eq!(c.salary_vnd, "10705500");
    assert_eq!(amount(&c, "severance"), 513_864_000);
    assert_eq!(amount(&c, "insured_years_quit"), 240_873_750);
    assert_eq!(amount(&c, "job_search"), 32_116_500);
    assert_eq!(c.total_vnd, 786_854_250);
}

#[test]
fn e3_armed_forces_colonel() {
    let c = ok(e3());
    assert_eq!(c.months_early, 48);
    assert_eq!(c.retirement.pension_start_month, "2029-06");
    assert_eq!(amount(&c, "months_early"), 1_440_000_000);
    assert_eq!(amount(&c, "years_early"), 600_000_000);
    assert_eq!(amount(&c, "insured_years"), 382_500_000);
    assert_eq!(c.total_vnd, 2_422_500_000);
}

#[test]
fn e4_rounding_each_component_half_up() {
    let c = ok(e4());
    assert_eq!(c.salary_vnd, "19326832.2");
    assert_eq!(amount(&c, "months_early"), 579_804_966);
    assert_eq!(amount(&c, "years_early"), 241_585_403);
    assert_eq!(amount(&c, "insured_years"), 115_960_993);
    assert_eq!(c.total_vnd, 937_351_362);
}

// ------------------------------------------------------------------ boundaries: months early

/// A woman born 1980-01 retires at 60y0m (Appendix I cap): pension from 2040-02. Leaving
/// `m` months before that, inside the window (reorganised two months earlier).
fn early_woman(months_early: i32) -> Value {
    let leave = staffpay::domain::policy::YearMonth::new(2040, 2)
        .unwrap()
        .plus(-months_early)
        .first_day()
        .unwrap();
    let reorg = leave - chrono::Months::new(2);
    json!({
        "id": format!("M{months_early}"), "scheme": "early_retirement",
        "category": "public_employee", "sex": "female", "date_of_birth": "1980-01-20",
        "salary": {"grade_coefficient": "3", "allowances_pct": {"public_service": "25"}},
        "insured_months": 300, "reorganization_effective_date": reorg.to_string(),
        "leave_date": leave.to_string()
    })
}

#[test]
fn months_early_band_edges() {
    // (months early, band or refusal, A quantity, A factor, has B and C)
    let cases: &[(i32, &str, &str, &str, bool)] = &[
        (23, "lt_2y", "23", "1.0", false),
        (24, "2_5y", "24", "1.0", true),
        (60, "2_5y", "60", "1.0", true),
        (61, "5_10y", "60", "0.9", true),
        (120, "5_10y", "60", "0.9", true),
        (121, "too_early", "", "", false),
    ];
    for &(m, band, qty, factor, b_and_c) in cases {
        let out = run(early_woman(m));
        match out {
            CalcOutput::Computed(c) => {
                assert_eq!(c.months_early, m, "months early for {m}");
                assert_eq!(c.band.code(), band, "band for {m}");
                let a = c
                    .components
                    .iter()
                    .find(|x| x.code == "months_early")
                    .unwrap();
                assert_eq!(
                    (a.quantity.as_str(), a.factor.as_str()),
                    (qty, factor),
                    "A for {m}"
                );
                assert_eq!(amount(&c, "years_early") > 0, b_and_c, "B for {m}");
                assert_eq!(amount(&c, "insured_years") > 0, b_and_c, "C for {m}");
            }
            CalcOutput::Refused(r) => assert_eq!(r.error.code, band, "refusal for {m}"),
        }
    }
}

#[test]
fn years_early_per_year_rate_by_band() {
    let c24 = ok(early_woman(24));
    let y = c24
        .components
        .iter()
        .find(|x| x.code == "years_early")
        .unwrap();
    assert_eq!((y.factor.as_str(), y.quantity.as_str()), ("5", "2"));
    let c90 = ok(early_woman(90));
    let y = c90
        .components
        .iter()
        .find(|x| x.code == "years_early")
        .unwrap();
    assert_eq!((y.factor.as_str(), y.quantity.as_str()), ("4", "7.5"));
}

#[test]
fn reduced_age_limits_early_retirement_to_60_months() {
    // Appendix II woman born 1985-01: 55y0m cap → pension from 2040-02, as early_woman.
    for (m, expect) in [(60, "2_5y"), (61, "too_early")] {
        let mut v = early_woman(m);
        v["reduced_retirement_age"] = json!(true);
        v["date_of_birth"] = json!("1985-01");
        match run(v) {
            CalcOutput::Computed(c) => {
                assert_eq!(c.band.code(), expect);
                assert_eq!(c.retirement.basis, "appendix_ii");
                assert_eq!(c.retirement.pension_start_month, "2040-02");
            }
            CalcOutput::Refused(r) => assert_eq!(r.error.code, expect, "{m}"),
        }
    }
}

// -------------------------------------------------------------- boundaries: counting time

#[test]
fn odd_insured_months_round_to_half_or_whole_years() {
    for (odd, years, amount_in_s) in [
        (0, "10", "15"),
        (1, "10.5", "15.75"),
        (6, "10.5", "15.75"),
        (7, "11", "16.5"),
        (11, "11", "16.5"),
    ] {
        let mut v = e2();
        v["insured_months"] = json!(120 + odd);
        let c = ok(v);
        let line = c
            .components
            .iter()
            .find(|x| x.code == "insured_years_quit")
            .unwrap();
        assert_eq!(line.quantity, years, "{odd} odd months");
        assert_eq!(c.insured.as_ref().unwrap().years_rounded, years);
        let expected: rust_decimal::Decimal = amount_in_s.parse::<rust_decimal::Decimal>().unwrap()
            * rust_decimal::Decimal::from(10_705_500);
        assert_eq!(
            rust_decimal::Decimal::from(line.amount_vnd),
            expected.round(),
            "{odd}"
        );
    }
}

#[test]
fn severance_months_capped_at_60_insured_months() {
    for (insured, sev_months) in [(59, "59"), (60, "60"), (61, "60"), (180, "60")] {
        let mut v = e2();
        v["insured_months"] = json!(insured);
        let c = ok(v);
        let sev = c.components.iter().find(|x| x.code == "severance").unwrap();
        assert_eq!(sev.quantity, sev_months, "{insured} insured months");
    }
}

#[test]
fn window_anniversary_day_is_the_13th_month() {
    // Reorganised 2025-03-01: 2026-02-28 is inside, 2026-03-01 is the 13th month.
    for (leave, window, factor) in [
        ("2026-02-28", "first_12_months", "0.8"),
        ("2026-03-01", "from_13th_month", "0.4"),
    ] {
        let mut v = e2();
        v["leave_date"] = json!(leave);
        let c = ok(v);
        assert_eq!(c.window.as_deref(), Some(window), "{leave}");
        let sev = c.components.iter().find(|x| x.code == "severance").unwrap();
        assert_eq!(sev.factor, factor, "{leave}");
    }
    // Same for early retirement: A factor 1.0 → 0.5.
    let mut v = e1();
    v["leave_date"] = json!("2026-03-01");
    let c = ok(v);
    assert_eq!(c.window.as_deref(), Some("from_13th_month"));
    assert_eq!(c.components[0].factor, "0.5");
}

#[test]
fn articles_7a_and_7b_windows() {
    let mut v = e1();
    v["article"] = json!("7a");
    v["leave_date"] = json!("2026-03-01");
    v["reorganization_effective_date"] = json!("2024-01-01");
    assert_eq!(
        ok(v.clone()).window.as_deref(),
        Some("first_12_months"),
        "7a counts from 2025-03-15"
    );
    v["leave_date"] = json!("2026-03-15");
    assert_eq!(ok(v.clone()).window.as_deref(), Some("from_13th_month"));
    v["article"] = json!("7b");
    assert_eq!(
        ok(v.clone()).window.as_deref(),
        Some("first_12_months"),
        "7b always inside"
    );
    // 7a did not exist before Decree 67.
    v["article"] = json!("7a");
    v["leave_date"] = json!("2025-03-01");
    assert_eq!(run(v).error_code(), Some("invalid_input"));
}

// ---------------------------------------------------------------- boundaries: switch dates

/// The retention coefficient counts for every leave date (Decree 67 Art. 2 tops Decree 178
/// decisions up; policy document §11.6, changed in the second reading of the sources): the
/// first wave counted it only from 2025-03-15.
#[test]
fn retention_coefficient_counts_for_every_leave_date() {
    // (leave, decision, retention) → S, whether a Decree 67 top-up part is stated.
    for (leave, decision, retention, salary, top_up) in [
        ("2025-03-14", None, Some("0.3"), "16233750", true),
        ("2025-03-15", None, Some("0.3"), "16233750", false),
        ("2025-03-14", None, None, "15356250", false),
        ("2025-03-15", None, None, "15356250", false),
        (
            "2025-03-14",
            Some("2025-03-10"),
            Some("0.3"),
            "16233750",
            true,
        ),
        (
            "2025-03-15",
            Some("2025-03-14"),
            Some("0.3"),
            "16233750",
            true,
        ),
        (
            "2025-03-14",
            Some("2025-03-15"),
            Some("0.3"),
            "16233750",
            false,
        ),
        (
            "2025-03-15",
            Some("2025-03-15"),
            Some("0.3"),
            "16233750",
            false,
        ),
    ] {
        let mut v = e1();
        if let Some(r) = retention {
            v["salary"]["retention_coefficient"] = json!(r);
        }
        if let Some(d) = decision {
            v["decision_date"] = json!(d);
        }
        v["leave_date"] = json!(leave);
        let c = ok(v.clone());
        let case = format!("{leave} {decision:?} {retention:?}");
        assert_eq!(c.salary_vnd, salary, "{case}");
        assert!(c.salary.retention_counted == retention.is_some(), "{case}");
        assert_eq!(c.decree_67_top_up.is_some(), top_up, "{case}");
        if let Some(t) = &c.decree_67_top_up {
            // The original is the same case without the retention difference.
            v["salary"]
                .as_object_mut()
                .unwrap()
                .remove("retention_coefficient");
            let original = ok(v).total_vnd;
            assert_eq!(t.original_total_vnd, original, "{case}");
            assert_eq!(t.top_up_vnd, c.total_vnd - original, "{case}");
            assert!(t.legal_basis.contains("Decree 67/2025/ND-CP Art. 2"));
            assert_eq!(t.decided_on, decision.unwrap_or(leave), "{case}");
        }
    }
}

fn e5() -> Value {
    let mut v = e1();
    v["id"] = json!("E5");
    v["salary"] = json!({"grade_coefficient": "6.2", "leadership_coefficient": "0.9",
        "beyond_frame_seniority_pct": "8", "allowances_pct": {"public_service": "25"}});
    v
}

fn e6() -> Value {
    let mut v = e1();
    v["id"] = json!("E6");
    v["reorganization_effective_date"] = json!("2025-01-01");
    v["leave_date"] = json!("2025-02-01");
    v["salary"]["retention_coefficient"] = json!("0.25");
    v
}

#[test]
fn e5_beyond_frame_is_a_percentage_of_grade_plus_leadership() {
    let c = ok(e5());
    assert_eq!(c.salary.core_vnd, "17943120");
    assert_eq!(c.salary_vnd, "22428900");
    assert_eq!(amount(&c, "months_early"), 672_867_000);
    assert_eq!(amount(&c, "years_early"), 280_361_250);
    assert_eq!(amount(&c, "insured_years"), 134_573_400);
    assert_eq!(c.total_vnd, 1_087_801_650);
    assert_eq!(c.decree_67_top_up, None);
}

#[test]
fn beyond_frame_with_and_without_leadership() {
    // Without leadership the base is the grade alone (E4's core: (4.98 + 7% × 4.98) × base).
    let c = ok(e4());
    assert_eq!(c.salary.core_vnd, "12468924");
    // With leadership 0.9 on grade 4.98 and 7%: (4.98 + 0.9 + 0.07 × 5.88) × 2,340,000.
    let mut v = e4();
    v["salary"]["leadership_coefficient"] = json!("0.9");
    let c = ok(v);
    assert_eq!(c.salary.coefficient_total.as_deref(), Some("6.2916"));
    assert_eq!(c.salary.core_vnd, "14722344");
}

#[test]
fn beyond_frame_base_is_a_setting() {
    let grade_only = load_with("salary.toml", |s| {
        s.replace(
            "beyond_frame_base = \"grade_and_leadership\"",
            "beyond_frame_base = \"grade\"",
        )
    })
    .unwrap();
    let CalcOutput::Computed(c) = calculate(&grade_only, &input(e5())) else {
        panic!("refused")
    };
    // (6.2 + 0.9 + 8% × 6.2) × 2,340,000.
    assert_eq!(c.salary.core_vnd, "17774640");
}

#[test]
fn e6_decree_67_top_up_of_a_decree_178_decision() {
    let c = ok(e6());
    assert_eq!(c.salary_vnd, "16087500");
    assert_eq!(c.months_early, 33);
    assert_eq!(amount(&c, "months_early"), 530_887_500);
    assert_eq!(amount(&c, "years_early"), 241_312_500);
    assert_eq!(amount(&c, "insured_years"), 96_525_000);
    assert_eq!(c.total_vnd, 868_725_000);
    let t = c.decree_67_top_up.as_ref().unwrap();
    assert_eq!(t.original_total_vnd, 829_237_500);
    assert_eq!(t.top_up_vnd, 39_487_500);
    assert_eq!(t.decided_on, "2025-02-01");
}

#[test]
fn decree_67_top_up_without_a_decision_date_is_a_setting() {
    let strict = load_with("interpretations.toml", |s| {
        s.replace(
            "decree_67_top_up_undated_uses_leave_date = true",
            "decree_67_top_up_undated_uses_leave_date = false",
        )
    })
    .unwrap();
    let CalcOutput::Computed(c) = calculate(&strict, &input(e6())) else {
        panic!("refused")
    };
    assert_eq!(c.total_vnd, 868_725_000);
    assert_eq!(c.decree_67_top_up, None);
    let mut v = e6();
    v["decision_date"] = json!("2025-01-20");
    let CalcOutput::Computed(c) = calculate(&strict, &input(v)) else {
        panic!("refused")
    };
    assert_eq!(c.decree_67_top_up.unwrap().top_up_vnd, 39_487_500);
}

#[test]
fn provincial_top_up_uses_the_case_salary_unless_set_otherwise() {
    let mut v = e6();
    v["province_code"] = json!("79");
    v["decision_date"] = json!("2025-01-20");
    let c = ok(v.clone());
    // 12 × S with the retention difference (the case's one S).
    assert_eq!(amount(&c, "local_lump"), 12 * 16_087_500);
    let other = load_with("interpretations.toml", |s| {
        s.replace(
            "provincial_top_up_salary = \"case_salary\"",
            "provincial_top_up_salary = \"without_retention\"",
        )
    })
    .unwrap();
    let CalcOutput::Computed(c2) = calculate(&other, &input(v)) else {
        panic!("refused")
    };
    assert_eq!(amount(&c2, "local_lump"), 12 * 15_356_250);
    assert_eq!(amount(&c2, "months_early"), amount(&c, "months_early"));
    // The top-up part covers every line that changed.
    let t = c.decree_67_top_up.unwrap();
    assert_eq!(t.top_up_vnd, c.total_vnd - t.original_total_vnd);
}

#[test]
fn window_test_date_is_the_leave_date_or_the_decision_date() {
    // Reorganised 2025-01-01; leave 2026-01-05 is in the 13th month; the decision was signed
    // 2025-12-20, inside the first 12 months.
    let mut v = e1();
    v["reorganization_effective_date"] = json!("2025-01-01");
    v["leave_date"] = json!("2026-01-05");
    v["decision_date"] = json!("2025-12-20");
    assert_eq!(ok(v.clone()).window.as_deref(), Some("from_13th_month"));
    let by_decision = load_with("interpretations.toml", |s| {
        s.replace(
            "window_test_date = \"leave_date\"",
            "window_test_date = \"decision_date\"",
        )
    })
    .unwrap();
    let run_with = |v: &Value| match calculate(&by_decision, &input(v.clone())) {
        CalcOutput::Computed(c) => c,
        CalcOutput::Refused(r) => panic!("{}", r.error.message_en),
    };
    assert_eq!(run_with(&v).window.as_deref(), Some("first_12_months"));
    // Without a decision date the leave date is tested.
    v.as_object_mut().unwrap().remove("decision_date");
    assert_eq!(run_with(&v).window.as_deref(), Some("from_13th_month"));
}

#[test]
fn c20_before_and_c15_from_2025_07_01() {
    for (leave, variant, c_months) in [("2025-06-30", "C20", "6"), ("2025-07-01", "C15", "7.5")] {
        let mut v = e1();
        v["leave_date"] = json!(leave);
        let c = ok(v);
        assert_eq!(c.insured_years_variant.as_deref(), Some(variant), "{leave}");
        let line = c
            .components
            .iter()
            .find(|x| x.code == "insured_years")
            .unwrap();
        assert_eq!(line.quantity, c_months, "{leave}");
    }
}

#[test]
fn pension_threshold_240_then_180_raw_months() {
    let mut v = e1();
    v["insured_months"] = json!(200);
    v["leave_date"] = json!("2025-06-30");
    assert_eq!(run(v.clone()).error_code(), Some("insufficient_insurance"));
    v["leave_date"] = json!("2025-07-01");
    assert!(run(v.clone()).is_ok());
    // Raw months, not rounded years: 179 months (14y11m → 15 years rounded) is not enough.
    v["insured_months"] = json!(179);
    assert_eq!(run(v).error_code(), Some("insufficient_insurance"));
}

#[test]
fn provincial_top_up_only_for_decisions_before_2025_03_15() {
    let mut v = e1();
    v["leave_date"] = json!("2025-03-01");
    v["reorganization_effective_date"] = json!("2025-01-01");
    v["province_code"] = json!("79");
    v["decision_date"] = json!("2025-03-14");
    let with = ok(v.clone());
    // S = 15,356,250; 32 months early → 3 years; 22 insured years.
    assert_eq!(amount(&with, "local_lump"), 12 * 15_356_250);
    assert_eq!(amount(&with, "local_years_early"), 18 * 15_356_250);
    assert_eq!(amount(&with, "local_insured_years"), 7 * 15_356_250);
    assert!(with.policy_versions.iter().any(|p| p.id == "top_up_79"));
    v["decision_date"] = json!("2025-03-15");
    let without = ok(v.clone());
    assert_eq!(amount(&without, "local_lump"), 0);
    assert!(
        without
            .warnings
            .iter()
            .any(|w| w.code == "top_up_not_payable")
    );
    assert_eq!(with.total_vnd - without.total_vnd, 37 * 15_356_250);
    // No decision date: not assessed, with a warning.
    v.as_object_mut().unwrap().remove("decision_date");
    assert!(
        ok(v.clone())
            .warnings
            .iter()
            .any(|w| w.code == "top_up_not_assessed")
    );
    // Another province: nothing.
    v["province_code"] = json!("01");
    v["decision_date"] = json!("2025-03-01");
    assert_eq!(ok(v).total_vnd, without.total_vnd);
}

// ------------------------------------------------------------------- retirement age tables

/// Commune part-time workers get an answer even at retirement age, so they expose the
/// retirement-age computation for any birth date.
fn part_time(dob: &str, sex: &str, reduced: bool) -> Box<Computed> {
    ok(json!({
        "id": "PT", "scheme": "part_time_leave", "category": "commune_part_time", "sex": sex,
        "date_of_birth": dob, "reduced_retirement_age": reduced,
        "salary": {"monthly_allowance_vnd": "3000000"}, "worked_months": 100,
        "leave_date": "2025-08-01"
    }))
}

#[test]
fn retirement_ages_decree_135_examples() {
    let cases = [
        ("1966-01", "male", false, "2027-11", (61, 9)),
        ("1968-01", "female", false, "2024-06", (56, 4)),
        ("1968-01", "male", true, "2023-11", (55, 9)),
        ("1960-12", "male", false, "2021-01", (60, 0)),
        ("1961-01", "male", false, "2021-05", (60, 3)),
        ("1961-09", "male", false, "2022-01", (60, 3)),
        ("1961-10", "male", false, "2022-05", (60, 6)),
        ("1975-01", "male", false, "2037-02", (62, 0)),
        ("1980-01", "female", false, "2040-02", (60, 0)),
        ("1971-01", "female", true, "2021-06", (50, 4)),
    ];
    for (dob, sex, reduced, start, (y, m)) in cases {
        let c = part_time(dob, sex, reduced);
        assert_eq!(
            c.retirement.pension_start_month, start,
            "{dob} {sex} reduced={reduced}"
        );
        assert_eq!(
            (c.retirement.age_years, c.retirement.age_months),
            (y, m),
            "{dob} {sex}"
        );
    }
}

#[test]
fn year_only_birth_date_means_january() {
    let year_only = part_time("1966", "male", false);
    let january = part_time("1966-01-31", "male", false);
    assert_eq!(year_only.retirement, january.retirement);
    assert_eq!(year_only.retirement.pension_start_month, "2027-11");
    let mut v = e1();
    v["date_of_birth"] = json!("1966");
    assert_eq!(ok(v).total_vnd, 744_778_125);
}

#[test]
fn armed_forces_service_age_by_rank() {
    // Born 1980-05, leaving 2031-01-01.
    let cases = [
        ("second_lieutenant", Err("at_retirement_age")),
        ("captain", Err("at_retirement_age")),
        ("major", Ok((17, "2032-06", "lt_2y"))),
        ("lieutenant_colonel", Ok((41, "2034-06", "2_5y"))),
        ("senior_lieutenant_colonel", Ok((65, "2036-06", "5_10y"))),
        ("colonel", Ok((89, "2038-06", "5_10y"))),
        ("major_general", Ok((113, "2040-06", "5_10y"))),
        ("general", Ok((113, "2040-06", "5_10y"))),
    ];
    for (rank, expect) in cases {
        let out = run(json!({
            "id": rank, "scheme": "early_retirement", "category": "armed_forces", "sex": "male",
            "date_of_birth": "1980-05", "rank": rank, "salary": {"monthly_salary_vnd": "20000000"},
            "insured_months": 300, "reorganization_effective_date": "2030-12-01",
            "leave_date": "2031-01-01"
        }));
        match (expect, out) {
            (Ok((m, start, band)), CalcOutput::Computed(c)) => {
                assert_eq!(c.months_early, m, "{rank}");
                assert_eq!(c.retirement.pension_start_month, start, "{rank}");
                assert_eq!(c.band.code(), band, "{rank}");
                assert_eq!(c.retirement.basis, "rank");
            }
            (Err(code), CalcOutput::Refused(r)) => assert_eq!(r.error.code, code, "{rank}"),
            (e, o) => panic!("{rank}: expected {e:?}, got {o:?}"),
        }
    }
}

// ------------------------------------------------------------------------ part-time workers

#[test]
fn part_time_rules() {
    let base = json!({
        "id": "PT", "scheme": "part_time_leave", "category": "commune_part_time", "sex": "female",
        "date_of_birth": "1975", "salary": {"monthly_allowance_vnd": 3000000},
        "worked_months": 100, "leave_date": "2025-08-01"
    });
    let p = 3_000_000;
    // 5+ years worked, ≥ 5 years to retirement age: 0.8 × P × 60; 8.5 years × 1.5; 3 × P.
    let c = ok(base.clone());
    assert_eq!(amount(&c, "part_time_lump"), 48 * p);
    assert_eq!(amount(&c, "part_time_years"), 1275 * p / 100);
    assert_eq!(amount(&c, "part_time_job_search"), 3 * p);
    assert_eq!(c.window, None);
    // < 5 years worked: 0.8 × P × months worked.
    let mut v = base.clone();
    v["worked_months"] = json!(59);
    assert_eq!(amount(&ok(v), "part_time_lump"), 59 * 8 * p / 10);
    // 5+ years worked, < 5 years to retirement age: 0.8 × P × months early.
    let mut v = base.clone();
    v["date_of_birth"] = json!("1969-01");
    let c = ok(v);
    assert!(c.months_early < 60);
    assert_eq!(
        amount(&c, "part_time_lump"),
        i64::from(c.months_early) * 8 * p / 10
    );
    // Drawing a pension: 15 × P only.
    let mut v = base;
    v["receiving_pension"] = json!(true);
    let c = ok(v);
    assert_eq!(c.components.len(), 1);
    assert_eq!(amount(&c, "part_time_flat"), 15 * p);
}

#[test]
fn decree_154_groups() {
    let base = json!({
        "id": "PT", "scheme": "part_time_leave", "category": "commune_part_time", "sex": "female",
        "date_of_birth": "1975", "salary": {"monthly_allowance_vnd": 3000000},
        "worked_months": 100, "leave_date": "2025-08-01"
    });
    let p = 3_000_000;
    // Drawing the incapacity benefit: 15 × P only (Art. 9(3)).
    let mut v = base.clone();
    v["receiving_incapacity_benefit"] = json!(true);
    let c = ok(v);
    assert_eq!(c.components.len(), 1);
    assert_eq!(amount(&c, "part_time_flat"), 15 * p);
    assert!(c.eligibility.reason_vi.contains("mất sức lao động"));
    // The former post's salary replaces P (Art. 9(2)).
    let mut v = base.clone();
    v["salary"]["former_post_salary_vnd"] = json!(5000000);
    let c = ok(v);
    assert_eq!(c.salary.source, "former_post_salary");
    assert_eq!(amount(&c, "part_time_lump"), 48 * 5_000_000);
    assert_eq!(amount(&c, "part_time_job_search"), 3 * 5_000_000);
    // A concurrent-post allowance is shown, never part of P.
    let mut v = base.clone();
    v["salary"]["concurrent_post_allowance_vnd"] = json!(700000);
    let c = ok(v);
    assert_eq!(c.salary_vnd, "3000000");
    assert!(
        c.warnings
            .iter()
            .any(|w| w.code == "concurrent_allowance_excluded")
    );
    // Moved to a village or residential-group post: not covered (Art. 9(4)).
    let mut v = base.clone();
    v["moved_to_village_post"] = json!(true);
    assert_eq!(run(v).error_code(), Some("not_eligible"));
    // Communes keep part-time workers until before 2026-05-31 (letter 12/CV-BCĐ).
    let mut v = base.clone();
    v["leave_date"] = json!("2026-05-30");
    assert!(ok(v.clone()).total_vnd > 0);
    v["leave_date"] = json!("2026-05-31");
    assert_eq!(run(v).error_code(), Some("part_time_after_deadline"));
    // These facts belong to part-time workers only.
    let mut v = e1();
    v["receiving_incapacity_benefit"] = json!(true);
    assert_eq!(run(v).error_code(), Some("invalid_input"));
    let mut v = e1();
    v["salary"]["former_post_salary_vnd"] = json!(5000000);
    assert_eq!(run(v).error_code(), Some("invalid_input"));
}

#[test]
fn payment_deadlines_by_decision_window() {
    let p = policy();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    // (decision, pay by, after the programme's window)
    for (decision, pay_by, after_end) in [
        (Some("2025-08-30"), "2025-10-15", false),
        (Some("2025-08-31"), "2025-10-10", false),
        (Some("2025-09-01"), "2025-10-10", true),
        (Some("2025-09-16"), "2025-10-10", true),
        (Some("2025-09-17"), "2025-11-01", false),
        (Some("2025-12-01"), "2025-11-01", false),
        (None, "2025-10-10", false),
    ] {
        let decision = decision.map(d);
        assert_eq!(p.payment_deadline_for(decision), d(pay_by), "{decision:?}");
        assert_eq!(p.after_programme_end(decision), after_end, "{decision:?}");
    }
    assert_eq!(
        p.deadline_breakpoints(),
        vec![d("2025-08-31"), d("2025-09-17")]
    );
    assert_eq!(
        p.commune_accounts_by().map(|(d, _)| d),
        Some(d("2025-10-05"))
    );
    let (until, cited) = p.programme_decisions_until().unwrap();
    assert_eq!(until, d("2025-08-31"));
    assert!(cited.contains("183-KL/TW"));
    // The narrowest window wins: a rule for September decisions inside the catch-all.
    let narrower = load_with("payment_deadlines.toml", |s| {
        format!(
            "{s}\n[[deadline]]\ndecisions_from = \"2025-09-01\"\ndecisions_before = \"2025-09-30\"\npay_by = \"2025-10-20\"\ncitation = \"test\"\n"
        )
    })
    .unwrap();
    assert_eq!(
        narrower.payment_deadline_for(Some(d("2025-09-20"))),
        d("2025-10-20")
    );
    assert_eq!(
        narrower.payment_deadline_for(Some(d("2025-09-30"))),
        d("2025-11-01")
    );
    assert!(!narrower.after_programme_end(Some(d("2025-09-05"))));
    // An empty window is refused.
    let empty = load_with("payment_deadlines.toml", |s| {
        s.replace(
            "decisions_from = \"2025-09-17\"",
            "decisions_from = \"2025-09-17\"\ndecisions_before = \"2025-09-01\"",
        )
    });
    assert!(empty.is_err());
}

// ----------------------------------------------------------------- refusals and bad input

#[test]
fn bad_input_lines_are_refused_with_a_code_in_both_languages() {
    let e1_line = e1().to_string();
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = e1();
        f(&mut v);
        v.to_string()
    };
    let cases: Vec<(&str, String, &str)> = vec![
        (
            "malformed JSON",
            "{\"id\": \"x\", ".to_owned(),
            "invalid_input",
        ),
        ("not an object", "[1,2]".to_owned(), "invalid_input"),
        (
            "unknown scheme",
            with(&|v| v["scheme"] = json!("retire")),
            "invalid_input",
        ),
        (
            "unknown category",
            with(&|v| v["category"] = json!("minister")),
            "invalid_input",
        ),
        (
            "unknown sex",
            with(&|v| v["sex"] = json!("x")),
            "invalid_input",
        ),
        (
            "unknown rank",
            with(&|v| {
                v["category"] = json!("armed_forces");
                v["rank"] = json!("admiral")
            }),
            "invalid_input",
        ),
        (
            "unknown field",
            with(&|v| v["insured_month"] = json!(1)),
            "invalid_input",
        ),
        (
            "unknown allowance",
            with(&|v| v["salary"]["allowances_pct"]["bonus"] = json!("5")),
            "invalid_input",
        ),
        (
            "31 February",
            with(&|v| v["leave_date"] = json!("2025-02-31")),
            "invalid_input",
        ),
        (
            "bad birth date",
            with(&|v| v["date_of_birth"] = json!("1966-13")),
            "invalid_input",
        ),
        (
            "birth date shape",
            with(&|v| v["date_of_birth"] = json!("15/01/1966")),
            "invalid_input",
        ),
        (
            "leave before birth",
            with(&|v| v["date_of_birth"] = json!("2026-01-01")),
            "invalid_input",
        ),
        (
            "leave before 2025",
            with(&|v| v["leave_date"] = json!("2024-12-01")),
            "invalid_input",
        ),
        (
            "coefficient too big",
            with(&|v| v["salary"]["grade_coefficient"] = json!("15.01")),
            "invalid_input",
        ),
        (
            "negative coefficient",
            with(&|v| v["salary"]["leadership_coefficient"] = json!("-0.1")),
            "invalid_input",
        ),
        (
            "percent too big",
            with(&|v| v["salary"]["allowances_pct"]["public_service"] = json!("201")),
            "invalid_input",
        ),
        (
            "float coefficient",
            with(&|v| v["salary"]["grade_coefficient"] = json!(4.65)),
            "invalid_input",
        ),
        (
            "float money",
            with(&|v| v["salary"] = json!({"monthly_salary_vnd": 1.5})),
            "invalid_input",
        ),
        (
            "zero salary",
            with(&|v| v["salary"] = json!({"monthly_salary_vnd": 0})),
            "invalid_input",
        ),
        (
            "not a decimal",
            with(&|v| v["salary"]["grade_coefficient"] = json!("4,65")),
            "invalid_input",
        ),
        (
            "negative months",
            with(&|v| v["insured_months"] = json!(-1)),
            "invalid_input",
        ),
        (
            "insured longer than working life",
            with(&|v| v["insured_months"] = json!(600)),
            "invalid_input",
        ),
        (
            "rank outside armed forces",
            with(&|v| v["rank"] = json!("colonel")),
            "invalid_input",
        ),
        (
            "province code",
            with(&|v| v["province_code"] = json!("7")),
            "invalid_input",
        ),
        (
            "article",
            with(&|v| v["article"] = json!("8")),
            "invalid_input",
        ),
        (
            "wage and coefficients",
            with(&|v| v["salary"]["contract_monthly_wage_vnd"] = json!(9000000)),
            "invalid_input",
        ),
        (
            "no salary",
            with(&|v| v["salary"] = json!({})),
            "invalid_input",
        ),
        (
            "no insured months",
            with(&|v| {
                v.as_object_mut().unwrap().remove("insured_months");
            }),
            "invalid_input",
        ),
        (
            "no reorganisation date",
            with(&|v| {
                v.as_object_mut()
                    .unwrap()
                    .remove("reorganization_effective_date");
            }),
            "invalid_input",
        ),
        (
            "at retirement age",
            with(&|v| v["leave_date"] = json!("2027-11-01")),
            "at_retirement_age",
        ),
        (
            "too early",
            with(&|v| v["date_of_birth"] = json!("1975-01")),
            "too_early",
        ),
        (
            "insufficient insurance",
            with(&|v| v["insured_months"] = json!(239)),
            "insufficient_insurance",
        ),
        (
            "quit < 2 years",
            with(&|v| {
                v["scheme"] = json!("quit");
                v["date_of_birth"] = json!("1965-01");
                v["leave_date"] = json!("2025-06-01");
                v["insured_months"] = json!(100)
            }),
            "less_than_2_years",
        ),
        (
            "quit but early retirement applies",
            with(&|v| v["scheme"] = json!("quit")),
            "early_retirement_applies",
        ),
        (
            "quit armed forces",
            with(&|v| {
                v["scheme"] = json!("quit");
                v["category"] = json!("armed_forces");
                v["date_of_birth"] = json!("1980")
            }),
            "scheme_not_applicable",
        ),
        (
            "early retirement part-timer",
            with(&|v| v["category"] = json!("commune_part_time")),
            "scheme_not_applicable",
        ),
        (
            "part-time scheme for civil servant",
            with(&|v| {
                v["scheme"] = json!("part_time_leave");
                v["leave_date"] = json!("2025-07-01")
            }),
            "scheme_not_applicable",
        ),
        (
            "part-time before Decree 154",
            with(&|v| {
                v["scheme"] = json!("part_time_leave");
                v["category"] = json!("commune_part_time")
            }),
            "invalid_input",
        ),
    ];
    for (what, line, code) in cases {
        let out = calculate_line(policy(), &line);
        let CalcOutput::Refused(r) = &out else {
            panic!("{what}: expected refusal {code}, got {out:?}");
        };
        assert_eq!(r.error.code, code, "{what}: {}", r.error.message_en);
        assert!(
            !r.error.message_vi.is_empty() && !r.error.message_en.is_empty(),
            "{what}"
        );
        assert!(!r.ok, "{what}");
    }
    // The id is echoed whenever it can be read.
    let out = calculate_line(policy(), &with(&|v| v["sex"] = json!("x")));
    assert_eq!(out.id(), "E1");
    assert!(calculate_line(policy(), &e1_line).is_ok());
}

#[test]
fn refusal_json_shape() {
    let out = calculate_line(policy(), "{\"id\":\"R\",\"scheme\":\"quit\"}");
    let v: Value = serde_json::to_value(&out).unwrap();
    assert_eq!(v["id"], "R");
    assert_eq!(v["ok"], false);
    assert_eq!(v["error"]["code"], "invalid_input");
    assert!(v["error"]["message_vi"].is_string() && v["error"]["message_en"].is_string());
    assert_eq!(v.as_object().unwrap().len(), 3);
}

#[test]
fn stated_salary_and_contract_wage() {
    let c = ok(e3());
    assert!(c.warnings.iter().any(|w| w.code == "salary_stated"));
    assert_eq!(c.salary.source, "stated");
    let mut v = e1();
    v["salary"] = json!({"contract_monthly_wage_vnd": "10000000", "allowances_pct": {"public_service": "25", "regional": "50"}});
    let c = ok(v);
    assert_eq!(c.salary_vnd, "12500000");
    assert_eq!(c.salary.excluded_allowance_pct, "50");
}

// --------------------------------------------------------------------------- cliff warnings

#[test]
fn cliff_window_closing_names_date_and_amount() {
    // E2 leaving 2026-01-15: the window closes 2026-03-01 (45 days later).
    let mut v = e2();
    v["leave_date"] = json!("2026-01-15");
    let c = ok(v);
    let w = c
        .warnings
        .iter()
        .find(|w| w.code == "window_closing")
        .expect("window warning");
    assert_eq!(w.date.as_deref(), Some("2026-03-01"));
    // Severance 0.8 → 0.4 of S × 60 (base salary unchanged): 0.4 × 60 × 10,705,500.
    assert_eq!(w.delta_vnd, Some(-256_932_000));
    assert_eq!(w.amount_vnd, Some(256_932_000));
    assert!(
        w.message_en.contains("01/03/2026") && w.message_en.contains("256,932,000"),
        "{}",
        w.message_en
    );
    assert!(w.message_vi.contains("256.932.000"), "{}", w.message_vi);
    // Exactly 60 days before the anniversary: warned; 61 days: not.
    let mut v = e2();
    v["leave_date"] = json!("2025-12-31");
    assert!(
        ok(v.clone())
            .warnings
            .iter()
            .any(|w| w.code == "window_closing")
    );
    v["leave_date"] = json!("2025-12-30");
    assert!(!ok(v).warnings.iter().any(|w| w.code == "window_closing"));
}

#[test]
fn cliff_band_edge_and_rule_switch() {
    // 24 months early: leaving one month later falls into the lt_2y band (no B, no C).
    let c = ok(early_woman(24));
    let w = c
        .warnings
        .iter()
        .find(|w| w.code == "band_edge")
        .expect("band edge");
    let later = ok({
        let mut v = early_woman(23);
        v["reorganization_effective_date"] =
            early_woman(24)["reorganization_effective_date"].clone();
        v
    });
    assert_eq!(w.delta_vnd, Some(later.total_vnd - c.total_vnd));
    assert!(w.delta_vnd.unwrap() < 0);
    // E1 (leaving 2025-05-01): the 2025-07-01 switch is within 3 months.
    let c = ok(e1());
    let w = c
        .warnings
        .iter()
        .find(|w| w.code == "rule_switch")
        .expect("rule switch");
    assert_eq!(w.date.as_deref(), Some("2025-07-01"));
    let mut moved = e1();
    moved["leave_date"] = json!("2025-07-01");
    assert_eq!(w.delta_vnd, Some(ok(moved).total_vnd - c.total_vnd));
    // A quit case one month from the 24-month edge: the later date would be refused.
    let mut v = e2();
    v["date_of_birth"] = json!("1965-08");
    v["insured_months"] = json!(100);
    let c = ok(v);
    assert_eq!(c.months_early, 24);
    let w = c
        .warnings
        .iter()
        .find(|w| w.code == "band_edge")
        .expect("quit edge");
    assert_eq!(w.delta_vnd, Some(-c.total_vnd));
    assert!(
        w.message_en.contains("less_than_2_years"),
        "{}",
        w.message_en
    );
}

#[test]
fn compute_has_no_cliffs_calculate_has() {
    let facts = PersonFacts::parse(&input(e1())).unwrap();
    let plain = compute(policy(), &facts).unwrap();
    assert!(plain.warnings().iter().all(|w| !w.code.is_cliff()));
    assert!(!plain.policy_versions().any(|v| v.id == "cliffs"));
    let full = staffpay::domain::entitlement::compute_with_cliffs(policy(), &facts).unwrap();
    assert!(full.warnings().iter().any(|w| w.code.is_cliff()));
    assert_eq!(plain.total(), full.total());
}

// -------------------------------------------------------------------------------- explain

#[test]
fn explain_in_both_languages() {
    use staffpay::domain::entitlement::{Lang, explain};
    let out = run(e4());
    let vi = explain(&out, Lang::Vi);
    assert!(vi.contains("Tổng cộng: 937.351.362 đồng"), "{vi}");
    assert!(vi.contains("19.326.832,2"), "{vi}");
    assert!(vi.contains("241585402.5 → 241585403"), "{vi}");
    let en = explain(&out, Lang::En);
    assert!(en.contains("Total: 937,351,362 đồng"), "{en}");
    let refused = explain(&calculate_line(policy(), "nope"), Lang::En);
    assert!(refused.contains("invalid_input"), "{refused}");
    assert_eq!(Lang::default(), Lang::Vi);
}

// -------------------------------------------------------------------------- output shapes

#[test]
fn output_contract_fields() {
    let v = serde_json::to_value(run(e1())).unwrap();
    for key in [
        "id",
        "ok",
        "total_vnd",
        "salary_vnd",
        "months_early",
        "band",
        "window",
        "components",
        "policy_versions",
        "warnings",
    ] {
        assert!(v.get(key).is_some(), "missing {key}");
    }
    assert_eq!(v["ok"], true);
    assert!(v["total_vnd"].is_i64());
    assert!(v["salary_vnd"].is_string());
    for c in v["components"].as_array().unwrap() {
        for key in [
            "code",
            "amount_vnd",
            "label_vi",
            "label_en",
            "legal_basis",
            "formula",
        ] {
            assert!(c.get(key).is_some(), "component missing {key}");
        }
    }
    let pt =
        serde_json::to_value(CalcOutput::Computed(part_time("1975", "female", false))).unwrap();
    assert!(pt["window"].is_null());
    // Round trip.
    let back: CalcOutput = serde_json::from_value(v.clone()).unwrap();
    assert_eq!(serde_json::to_value(back).unwrap(), v);
}

// ------------------------------------------------------------------------- policy tables

fn shipped_sources() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policy_tables");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read_to_string(p).unwrap(),
            )
        })
        .collect()
}

fn load_with(
    file: &str,
    edit: impl Fn(&str) -> String,
) -> Result<PolicySet, staffpay::domain::policy::PolicyError> {
    let mut sources = shipped_sources();
    let entry = sources.iter_mut().find(|(n, _)| n == file).unwrap();
    let edited = edit(&entry.1);
    assert_ne!(edited, entry.1, "the edit of {file} changed nothing");
    entry.1 = edited;
    PolicySet::from_sources(&sources)
}

#[test]
fn shipped_tables_load_and_report_versions() {
    let versions = policy().versions();
    for id in [
        "base_salary",
        "retirement_age",
        "armed_forces_service_age",
        "early_retirement",
        "quit",
        "part_time",
        "top_up_79",
        "payment_deadlines",
        "rounding",
        "interpretations",
        "cliffs",
        "counting",
        "salary",
        "pension_threshold",
    ] {
        let v = versions
            .iter()
            .find(|v| v.id == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        assert!(!v.version.is_empty() && !v.citation.is_empty(), "{id}");
    }
}

#[test]
fn shared_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<PolicySet>();
    send_sync::<staffpay::domain::entitlement::Entitlement>();
    send_sync::<CalcOutput>();
}

#[test]
fn policy_accessors_for_later_features() {
    let p = policy();
    let d = |s: &str| s.parse::<chrono::NaiveDate>().unwrap();
    assert_eq!(p.base_salary_on(d("2024-06-30")).unwrap().dong(), 1_800_000);
    assert_eq!(p.base_salary_on(d("2024-07-01")).unwrap().dong(), 2_340_000);
    assert_eq!(p.base_salary_on(d("2026-07-01")).unwrap().dong(), 2_530_000);
    assert_eq!(p.base_salary_on(d("2010-01-01")), None);
    assert_eq!(p.overdue_after_approval_days(), 30);
    assert_eq!(p.payment_deadline_for(None), d("2025-10-10"));
    assert_eq!(
        p.payment_deadline_for(Some(d("2025-08-30"))),
        d("2025-10-15")
    );
    assert_eq!(
        p.payment_deadline_for(Some(d("2025-08-31"))),
        d("2025-10-10")
    );
    assert!(
        p.payment_deadline_cited(Some(d("2025-08-01")))
            .1
            .contains("195-KL/TW")
    );
    assert!(!p.citations_on(d("2025-05-01")).is_empty());
}

#[test]
fn policy_errors_name_file_and_key() {
    type Edit = Box<dyn Fn(&str) -> String>;
    let cases: Vec<(&str, Edit, &str)> = vec![
        (
            "quit.toml",
            Box::new(|t: &str| {
                t.replacen(
                    "job_search_months = \"3\"",
                    "job_search_months = \"3\"\nbonus = 1",
                    1,
                )
            }),
            "bonus",
        ),
        (
            "quit.toml",
            Box::new(|t: &str| t.replacen("insured_years_factor = \"1.5\"\n", "", 1)),
            "insured_years_factor",
        ),
        (
            "quit.toml",
            Box::new(|t: &str| {
                t.replacen(
                    "insured_years_factor = \"1.5\"",
                    "insured_years_factor = 1.5",
                    1,
                )
            }),
            "insured_years_factor",
        ),
        (
            "base_salary.toml",
            Box::new(|t: &str| t.replacen("from = \"2024-07-01\"", "from = \"2024-06-01\"", 1)),
            "period[2].from",
        ),
        (
            "base_salary.toml",
            Box::new(|t: &str| t.replacen("from = \"2024-07-01\"", "from = \"2024-08-01\"", 1)),
            "period[2].from",
        ),
        (
            "base_salary.toml",
            Box::new(|t: &str| t.replacen("until = \"2024-07-01\"\n", "", 1)),
            "period[1].until",
        ),
        (
            "counting.toml",
            Box::new(|t: &str| t.replacen("{ from = 7, to = 11", "{ from = 8, to = 11", 1)),
            "period[0].odd_months",
        ),
        (
            "early_retirement.toml",
            Box::new(|t: &str| t.replacen("min_months_early = 61", "min_months_early = 62", 1)),
            "period[0].band[2].min_months_early",
        ),
        (
            "interpretations.toml",
            Box::new(|t: &str| t.replacen("variant = \"C15\"", "variant = \"C16\"", 1)),
            "period[0].insured_years_variants[1].variant",
        ),
        (
            "rounding.toml",
            Box::new(|t: &str| {
                t.replacen(
                    "component = \"half_up_dong\"",
                    "component = \"half_even\"",
                    1,
                )
            }),
            "component",
        ),
        (
            "armed_forces_service_age.toml",
            Box::new(|t: &str| t.replacen("colonel = 58\n", "", 1)),
            "colonel",
        ),
        (
            "cliffs.toml",
            Box::new(|t: &str| t.replacen("kind = \"cliffs\"", "kind = \"cliff\"", 1)),
            "meta.kind",
        ),
        (
            "quit.toml",
            Box::new(|t: &str| t.replacen("id = \"quit\"", "id = \"part_time\"", 1)),
            "meta.id",
        ),
        (
            "payment_deadlines.toml",
            Box::new(|t: &str| t.replacen("decisions_before = \"2025-08-31\"\n", "", 1)),
            "deadline",
        ),
        (
            "top_up_79_hcmc.toml",
            Box::new(|t: &str| t.replacen("code = \"79\"", "code = \"7\"", 1)),
            "province.code",
        ),
    ];
    for (file, edit, key) in cases {
        let err = load_with(file, edit).expect_err(file);
        assert_eq!(err.file, file, "{err}");
        assert_eq!(err.key, key, "{err}");
        assert!(
            err.to_string().contains(file) && err.to_string().contains(key),
            "{err}"
        );
    }
    // A missing table kind is named.
    let sources: Vec<_> = shipped_sources()
        .into_iter()
        .filter(|(n, _)| n != "quit.toml")
        .collect();
    let err = PolicySet::from_sources(&sources).unwrap_err();
    assert!(err.to_string().contains("`quit`"), "{err}");
}

#[test]
fn load_dir_names_the_file() {
    let dir = std::env::temp_dir().join(format!("staffpay-policy-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in shipped_sources() {
        std::fs::write(dir.join(name), text).unwrap();
    }
    std::fs::write(dir.join("zz_broken.toml"), "[meta\nid = 1").unwrap();
    let err = staffpay::policy_files::load_dir(&dir).unwrap_err();
    assert!(err.to_string().contains("zz_broken.toml"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
    let missing = staffpay::policy_files::load_dir(&dir).unwrap_err();
    assert!(missing.to_string().contains("staffpay-policy"), "{missing}");
    assert_eq!(
        staffpay::policy_files::default_dir(),
        PathBuf::from("policy_tables")
    );
}

#[test]
fn a_reviewer_can_change_a_default_interpretation() {
    // §11.2 off: the ≤ 2-year band keeps factor 1.0 from the 13th month.
    let p = load_with("interpretations.toml", |t| {
        t.replacen("lt_2y_window_split = true", "lt_2y_window_split = false", 1)
    })
    .unwrap();
    let mut v = early_woman(20);
    v["reorganization_effective_date"] = json!("2030-01-01");
    let facts = PersonFacts::parse(&input(v)).unwrap();
    let changed = compute(&p, &facts).unwrap();
    let shipped = compute(policy(), &facts).unwrap();
    assert_eq!(changed.window(), shipped.window());
    assert_eq!(changed.total().dong(), 2 * shipped.total().dong());
}

// ---------------------------------------------------------------------------- properties

mod properties {
    use super::*;
    use proptest::prelude::*;
    use rust_decimal::Decimal;
    use staffpay::domain::entitlement::Entitlement;
    use staffpay::domain::money::Vnd;

    /// A random case of any scheme; `insured` and the reorganisation offset are separate so
    /// properties can vary one thing. Part-time workers' worked months are derived from the
    /// other parameters, not from `insured`.
    #[expect(clippy::too_many_arguments, reason = "one proptest parameter each")]
    fn case(
        scheme: u8,
        birth_year: i32,
        birth_month: u32,
        leave_offset: u32,
        insured: u32,
        reorg_back: u32,
        grade: u32,
        pct: u32,
    ) -> Value {
        let worked = (grade * 7 + pct) % 400;
        // Part-time workers are covered for leave dates from 2025-07-01 up to 2026-05-30
        // (Decree 154 Art. 9; letter 12/CV-BCĐ): their leave dates are drawn from that span.
        let leave = if scheme % 3 == 2 {
            chrono::NaiveDate::from_ymd_opt(2025, 7, 1).unwrap()
                + chrono::Months::new(leave_offset % 11)
        } else {
            chrono::NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Months::new(leave_offset)
        };
        let reorg = leave - chrono::Months::new(reorg_back);
        let (scheme, category) = match scheme % 3 {
            0 => ("early_retirement", "public_employee"),
            1 => ("quit", "cadre_civil_servant"),
            _ => ("part_time_leave", "commune_part_time"),
        };
        json!({
            "id": "P", "scheme": scheme, "category": category, "sex": if birth_month.is_multiple_of(2) { "male" } else { "female" },
            "date_of_birth": format!("{birth_year}-{birth_month:02}"),
            "salary": {"grade_coefficient": format!("{}.{:02}", grade / 100, grade % 100),
                       "allowances_pct": {"public_service": pct.to_string()},
                       "monthly_allowance_vnd": 2_000_000 + grade * 1000},
            "insured_months": insured, "worked_months": worked,
            "reorganization_effective_date": reorg.to_string(), "leave_date": leave.to_string()
        })
    }

    fn facts(v: Value) -> Option<PersonFacts> {
        PersonFacts::parse(&input(v)).ok()
    }

    fn result(v: Value) -> Option<Entitlement> {
        facts(v).and_then(|f| compute(policy(), &f).ok())
    }

    /// The properties are not vacuous: the generator yields computed cases of every scheme,
    /// on both sides of the window.
    #[test]
    fn generators_produce_eligible_cases() {
        for scheme in 0u8..3 {
            let mut computed = 0;
            let mut total = 0;
            for by in (1960..1995).step_by(3) {
                for lo in (0..36).step_by(5) {
                    for back in [0u32, 6, 14, 25] {
                        total += 1;
                        let insured = if scheme == 1 { 150 } else { 250 };
                        let c = case(scheme, by, 1 + (lo % 12), lo, insured, back, 450, 25);
                        if result(c).is_some() {
                            computed += 1;
                        }
                    }
                }
            }
            assert!(
                computed * 5 >= total,
                "scheme {scheme}: only {computed} of {total} computed"
            );
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::with_cases(400) })]

        #[test]
        fn total_is_sum_of_whole_dong_components(
            scheme in 0u8..3, by in 1960i32..1995, bm in 1u32..13, lo in 0u32..36,
            ins in 0u32..480, back in 0u32..30, grade in 100u32..1000, pct in 0u32..100,
        ) {
            if let Some(e) = result(case(scheme, by, bm, lo, ins, back, grade, pct)) {
                let sum: Vnd = e.components().iter().map(|c| c.amount).sum();
                prop_assert_eq!(e.total(), sum);
                prop_assert!(!e.components().is_empty());
                for c in e.components() {
                    let exact = c.exact(e.salary()).unwrap();
                    prop_assert_eq!(Vnd::round_half_up(exact).unwrap(), c.amount);
                    prop_assert!((exact - c.amount.to_decimal()).abs() <= Decimal::new(5, 1));
                    prop_assert!(!c.amount.is_zero());
                }
                // And the serialized line says the same.
                let out = CalcOutput::computed("P", &e);
                let c = match out { CalcOutput::Computed(c) => c, CalcOutput::Refused(_) => unreachable!() };
                prop_assert_eq!(c.total_vnd, c.components.iter().map(|x| x.amount_vnd).sum::<i64>());
            }
        }

        #[test]
        fn more_insured_months_never_pays_less(
            scheme in 0u8..3, by in 1960i32..1995, bm in 1u32..13, lo in 0u32..36,
            a in 0u32..480, extra in 0u32..120, back in 0u32..30, grade in 100u32..1000, pct in 0u32..100,
        ) {
            // Same band and same side of every switch date: only insured months change.
            let less = result(case(scheme, by, bm, lo, a, back, grade, pct));
            let more = result(case(scheme, by, bm, lo, a + extra, back, grade, pct));
            if let (Some(less), Some(more)) = (less, more) {
                prop_assert_eq!(less.band(), more.band());
                prop_assert!(more.total() >= less.total(), "{} < {}", more.total(), less.total());
            }
        }

        #[test]
        fn the_13th_month_never_pays_more(
            scheme in 0u8..2, by in 1960i32..1995, bm in 1u32..13, lo in 0u32..36,
            ins in 0u32..480, inside in 0u32..12, outside in 12u32..40, grade in 100u32..1000, pct in 0u32..100,
        ) {
            let within = result(case(scheme, by, bm, lo, ins, inside, grade, pct));
            let after = result(case(scheme, by, bm, lo, ins, outside, grade, pct));
            if let (Some(within), Some(after)) = (within, after) {
                prop_assert_eq!(within.window().map(|w| w.inside()), Some(true));
                prop_assert_eq!(after.window().map(|w| w.inside()), Some(false));
                prop_assert!(after.total() <= within.total());
            }
        }

        #[test]
        fn extreme_valid_inputs_never_panic(
            scheme in 0u8..3, cat in 0u8..5, by in 1900i32..2100, bm in 1u32..13, ly in 1990i32..2200,
            lm in 1u32..13, ld in 1u32..29, ins in 0u32..1201, coef in 0u32..1501, pct in 0u32..201,
            money in 1u64..10_000_000_000, art in 0u8..3, reduced: bool, stated: bool,
        ) {
            let schemes = ["early_retirement", "quit", "part_time_leave"];
            let cats = ["cadre_civil_servant", "public_employee", "contract_worker", "commune_part_time", "armed_forces"];
            let salary = if stated {
                json!({"monthly_salary_vnd": money, "monthly_allowance_vnd": money})
            } else {
                json!({"grade_coefficient": format!("{}.{:02}", coef / 100, coef % 100),
                       "leadership_coefficient": "15", "retention_coefficient": "15",
                       "beyond_frame_seniority_pct": pct.to_string(),
                       "allowances_pct": {"public_service": pct.to_string(), "hazardous": "200"},
                       "monthly_allowance_vnd": money})
            };
            let leave = format!("{ly}-{lm:02}-{ld:02}");
            let article = ["7", "7a", "7b"][usize::from(art)];
            let v = json!({
                "id": "X", "scheme": schemes[usize::from(scheme)], "category": cats[usize::from(cat)],
                "sex": if reduced { "female" } else { "male" }, "date_of_birth": format!("{by}-{bm:02}"),
                "reduced_retirement_age": reduced, "salary": salary, "insured_months": ins,
                "worked_months": ins, "reorganization_effective_date": leave.clone(),
                "leave_date": leave.clone(), "decision_date": leave, "article": article,
                "province_code": "79"
            });
            let out = calculate_line(policy(), &v.to_string());
            if let CalcOutput::Computed(c) = &out {
                prop_assert_eq!(c.total_vnd, c.components.iter().map(|x| x.amount_vnd).sum::<i64>());
            }
            let _ = staffpay::domain::entitlement::explain(&out, staffpay::domain::entitlement::Lang::Vi);
        }

        #[test]
        fn arbitrary_lines_never_panic(line in ".{0,200}") {
            let out = calculate_line(policy(), &line);
            prop_assert!(!out.is_ok());
        }
    }
}

// ------------------------------------------------------------------------------ JSON Schema

/// A small JSON Schema (draft 2020-12) checker for the keywords our schema files use:
/// `$ref` (local), `type`, `enum`, `const`, `properties`, `required`,
/// `additionalProperties`, `items`, `oneOf`, `minimum`, `maximum`, `maxLength`. `pattern` and
/// `format` are annotations here (the engine's own parsers enforce them).
mod schema {
    use serde_json::Value;

    fn resolve<'a>(root: &'a Value, r: &str) -> &'a Value {
        let path = r
            .strip_prefix("#/")
            .unwrap_or_else(|| panic!("non-local $ref {r}"));
        path.split('/').fold(root, |v, k| &v[k])
    }

    fn type_ok(t: &str, v: &Value) -> bool {
        match t {
            "object" => v.is_object(),
            "array" => v.is_array(),
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "null" => v.is_null(),
            other => panic!("unknown type {other}"),
        }
    }

    /// Errors of `v` against `s` (empty when valid).
    pub fn check(root: &Value, s: &Value, v: &Value, at: &str) -> Vec<String> {
        let mut errs = Vec::new();
        if let Some(r) = s.get("$ref").and_then(Value::as_str) {
            errs.extend(check(root, resolve(root, r), v, at));
        }
        match s.get("type") {
            Some(Value::String(t)) if !type_ok(t, v) => errs.push(format!("{at}: not {t}")),
            Some(Value::Array(ts)) if !ts.iter().any(|t| type_ok(t.as_str().unwrap(), v)) => {
                errs.push(format!("{at}: not any of {ts:?}"))
            }
            _ => {}
        }
        if let Some(e) = s.get("enum").and_then(Value::as_array)
            && !e.contains(v)
        {
            errs.push(format!("{at}: {v} not in enum"));
        }
        if let Some(c) = s.get("const")
            && c != v
        {
            errs.push(format!("{at}: {v} != const {c}"));
        }
        if let (Some(min), Some(n)) = (s.get("minimum").and_then(Value::as_i64), v.as_i64())
            && n < min
        {
            errs.push(format!("{at}: {n} < {min}"));
        }
        if let (Some(max), Some(n)) = (s.get("maximum").and_then(Value::as_i64), v.as_i64())
            && n > max
        {
            errs.push(format!("{at}: {n} > {max}"));
        }
        if let (Some(max), Some(t)) = (s.get("maxLength").and_then(Value::as_u64), v.as_str())
            && t.chars().count() > usize::try_from(max).unwrap()
        {
            errs.push(format!("{at}: longer than {max}"));
        }
        if let Some(one) = s.get("oneOf").and_then(Value::as_array) {
            let n = one
                .iter()
                .filter(|b| check(root, b, v, at).is_empty())
                .count();
            if n != 1 {
                errs.push(format!("{at}: matches {n} of oneOf"));
            }
        }
        if let Some(obj) = v.as_object() {
            let props = s.get("properties").and_then(Value::as_object);
            for r in s
                .get("required")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if !obj.contains_key(r.as_str().unwrap()) {
                    errs.push(format!("{at}: missing {r}"));
                }
            }
            for (k, val) in obj {
                match props.and_then(|p| p.get(k)) {
                    Some(ps) => errs.extend(check(root, ps, val, &format!("{at}.{k}"))),
                    None if s.get("additionalProperties") == Some(&Value::Bool(false)) => {
                        errs.push(format!("{at}: unexpected {k}"))
                    }
                    None => {}
                }
            }
        }
        if let (Some(items), Some(arr)) = (s.get("items"), v.as_array()) {
            for (i, item) in arr.iter().enumerate() {
                errs.extend(check(root, items, item, &format!("{at}[{i}]")));
            }
        }
        errs
    }

    /// Loads `docs/schema/<name>`.
    pub fn load(name: &str) -> Value {
        let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("docs/schema")
            .join(name);
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap()
    }
}

#[test]
fn schema_examples_and_engine_outputs_validate() {
    let input_schema = schema::load("calc-input.schema.json");
    let output_schema = schema::load("calc-output.schema.json");
    assert_eq!(
        input_schema["$schema"],
        "https://json-schema.org/draft/2020-12/schema"
    );
    let valid_in = |v: &Value| schema::check(&input_schema, &input_schema, v, "$");
    let valid_out = |v: &Value| schema::check(&output_schema, &output_schema, v, "$");
    // The examples embedded in the schema files.
    for ex in input_schema["examples"].as_array().unwrap() {
        assert_eq!(valid_in(ex), Vec::<String>::new(), "{ex}");
        let out = serde_json::to_value(run(ex.clone())).unwrap();
        assert_eq!(valid_out(&out), Vec::<String>::new(), "{out}");
    }
    for ex in output_schema["examples"].as_array().unwrap() {
        assert_eq!(valid_out(ex), Vec::<String>::new(), "{ex}");
    }
    // Every case of this file: inputs valid, outputs (computed or refused) valid.
    let mut inputs = vec![
        e1(),
        e2(),
        e3(),
        e4(),
        e5(),
        e6(),
        early_woman(24),
        early_woman(90),
        early_woman(121),
    ];
    let mut top_up = e1();
    top_up["leave_date"] = json!("2025-03-01");
    top_up["province_code"] = json!("79");
    top_up["decision_date"] = json!("2025-03-01");
    inputs.push(top_up);
    inputs.push(serde_json::to_value(input(json!({
        "id": "PT", "scheme": "part_time_leave", "category": "commune_part_time", "sex": "female",
        "date_of_birth": "1960", "salary": {"monthly_allowance_vnd": "3000000.5"},
        "worked_months": 100, "leave_date": "2025-08-01", "article": 7
    }))).unwrap());
    for v in &inputs {
        assert_eq!(valid_in(v), Vec::<String>::new(), "{v}");
        let out = serde_json::to_value(run(v.clone())).unwrap();
        assert_eq!(valid_out(&out), Vec::<String>::new(), "{out}");
    }
    for line in [
        "nope",
        "{\"id\":\"x\"}",
        "{\"id\":\"x\",\"scheme\":\"quit\",\"category\":\"quit\"}",
    ] {
        let out = serde_json::to_value(calculate_line(policy(), line)).unwrap();
        assert_eq!(valid_out(&out), Vec::<String>::new(), "{out}");
    }
    // The checker is not vacuous.
    let mut bad = e1();
    bad["insured_month"] = json!(1);
    assert!(!valid_in(&bad).is_empty());
    bad = e1();
    bad["scheme"] = json!("retire");
    assert!(!valid_in(&bad).is_empty());
    let mut out = serde_json::to_value(run(e1())).unwrap();
    out["total_vnd"] = json!("744778125");
    assert!(!valid_out(&out).is_empty());
    out = serde_json::to_value(run(e1())).unwrap();
    out["ok"] = json!(false);
    assert!(!valid_out(&out).is_empty());
}

#[test]
fn openapi_schemas_are_derived() {
    use utoipa::PartialSchema;
    let input = serde_json::to_value(CalcInput::schema())
        .unwrap()
        .to_string();
    for field in [
        "date_of_birth",
        "leave_date",
        "reorganization_effective_date",
        "province_code",
        "salary",
    ] {
        assert!(input.contains(field), "{field} missing from {input}");
    }
    let output = serde_json::to_value(CalcOutput::schema())
        .unwrap()
        .to_string();
    assert!(
        output.contains("oneOf") || output.contains("anyOf"),
        "{output}"
    );
}
