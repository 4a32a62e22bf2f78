//! Engine throughput, single thread, no criterion (`cargo bench --bench engine`).
//!
//! 1. `compute` on already-parsed facts (the hot path, no cliff warnings), a realistic mix of
//!    all schemes: target ≥ 1,000,000 entitlements/s on one core.
//! 2. `compute_with_cliffs` on the same facts (re-runs the computation per cliff date).
//! 3. End to end as `staffpay calc` does it: JSON line → parse → compute with cliffs →
//!    JSON line, in lines/s.

use std::error::Error;
use std::hint::black_box;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use staffpay::domain::entitlement::{
    CalcInput, PersonFacts, calculate_line, compute, compute_with_cliffs,
};
use staffpay::domain::policy::PolicySet;

/// A small deterministic generator (no external crates).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

/// One synthetic case: 60% early retirement (some with a HCMC top-up, some armed forces,
/// some with a stated salary), 25% quit, 15% commune part-time workers.
fn case(r: &mut Lcg, i: u64) -> Value {
    let kind = r.next(100);
    let leave_month = 1 + r.next(12);
    let leave_year = 2025 + r.next(2);
    let leave = format!("{leave_year}-{leave_month:02}-01");
    let reorg = format!("{}-{:02}-01", leave_year - r.next(2), 1 + r.next(12));
    let grade = format!("{}.{:02}", 2 + r.next(5), r.next(100));
    let sex = if r.next(2) == 0 { "male" } else { "female" };
    let salary = json!({
        "grade_coefficient": grade,
        "leadership_coefficient": if r.next(3) == 0 { "0.3" } else { "0" },
        "beyond_frame_seniority_pct": if r.next(4) == 0 { "7" } else { "0" },
        "allowances_pct": {"public_service": "25", "professional_seniority": r.next(30).to_string()}
    });
    if kind < 60 {
        let birth_year = if sex == "male" {
            1964 + r.next(6)
        } else {
            1969 + r.next(8)
        };
        let mut v = json!({
            "id": format!("c{i}"), "scheme": "early_retirement",
            "category": if r.next(2) == 0 { "cadre_civil_servant" } else { "public_employee" },
            "sex": sex, "date_of_birth": format!("{birth_year}-{:02}", 1 + r.next(12)),
            "salary": salary, "insured_months": 240 + r.next(200),
            "reorganization_effective_date": reorg, "leave_date": leave
        });
        match r.next(10) {
            0 => {
                v["province_code"] = json!("79");
                v["decision_date"] = json!("2025-03-01");
                v["leave_date"] = json!("2025-03-01");
            }
            1 => {
                v["category"] = json!("armed_forces");
                v["rank"] = json!(
                    ["major", "lieutenant_colonel", "colonel"]
                        [usize::try_from(r.next(3)).unwrap_or(0)]
                );
                v["date_of_birth"] = json!(format!("{}-05", 1970 + r.next(8)));
                v["salary"] = json!({"monthly_salary_vnd": 25_000_000 + r.next(10_000_000)});
            }
            _ => {}
        }
        v
    } else if kind < 85 {
        let category = ["cadre_civil_servant", "public_employee", "contract_worker"]
            [usize::try_from(r.next(3)).unwrap_or(0)];
        json!({
            "id": format!("c{i}"), "scheme": "quit", "category": category,
            "sex": sex, "date_of_birth": format!("{}-{:02}", 1975 + r.next(20), 1 + r.next(12)),
            "salary": salary, "insured_months": r.next(200),
            "reorganization_effective_date": reorg, "leave_date": leave
        })
    } else {
        json!({
            "id": format!("c{i}"), "scheme": "part_time_leave", "category": "commune_part_time",
            "sex": sex, "date_of_birth": format!("{}", 1960 + r.next(35)),
            "salary": {"monthly_allowance_vnd": 2_000_000 + r.next(3_000_000)},
            "worked_months": r.next(300), "receiving_pension": r.next(10) == 0,
            "leave_date": format!("2025-{:02}-01", 7 + r.next(6))
        })
    }
}

fn per_second(n: u64, elapsed: Duration) -> u128 {
    u128::from(n) * 1_000_000_000 / elapsed.as_nanos().max(1)
}

/// Runs `f` over `items` repeatedly for at least `budget`; returns (count, elapsed, ok count).
fn time<T>(items: &[T], budget: Duration, mut f: impl FnMut(&T) -> bool) -> (u64, Duration, u64) {
    let start = Instant::now();
    let (mut n, mut ok) = (0u64, 0u64);
    while start.elapsed() < budget {
        for item in items {
            ok += u64::from(f(item));
            n += 1;
        }
    }
    (n, start.elapsed(), ok)
}

fn main() -> Result<(), Box<dyn Error>> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("policy_tables");
    let policy: PolicySet = staffpay::policy_files::load_dir(&dir)?;
    let mut rng = Lcg(0x5eed);
    let values: Vec<Value> = (0..10_000).map(|i| case(&mut rng, i)).collect();
    let inputs: Vec<CalcInput> = values
        .iter()
        .map(|v| serde_json::from_value(v.clone()))
        .collect::<Result<_, _>>()?;
    let facts: Vec<PersonFacts> = inputs
        .iter()
        .filter_map(|i| PersonFacts::parse(i).ok())
        .collect();
    let lines: Vec<String> = values.iter().map(Value::to_string).collect();
    let eligible = facts.iter().filter(|f| compute(&policy, f).is_ok()).count();
    println!(
        "mix: {} cases ({} parsed, {} eligible, the rest refused), single thread",
        values.len(),
        facts.len(),
        eligible
    );

    // Warm-up.
    let _ = time(&facts, Duration::from_millis(300), |f| {
        compute(&policy, black_box(f)).is_ok()
    });

    let (n, t, _) = time(&facts, Duration::from_secs(3), |f| {
        compute(&policy, black_box(f)).is_ok()
    });
    println!(
        "compute (parsed facts, no cliffs):       {:>10} entitlements/s  ({n} in {t:.2?})",
        per_second(n, t)
    );

    let (n, t, _) = time(&facts, Duration::from_secs(3), |f| {
        compute_with_cliffs(&policy, black_box(f)).is_ok()
    });
    println!(
        "compute_with_cliffs (parsed facts):      {:>10} entitlements/s  ({n} in {t:.2?})",
        per_second(n, t)
    );

    let mut bytes = 0usize;
    let (n, t, _) = time(&lines, Duration::from_secs(3), |line| {
        let out = calculate_line(&policy, black_box(line));
        let ok = out.is_ok();
        match serde_json::to_string(&out) {
            Ok(s) => bytes += s.len(),
            Err(_) => return false,
        }
        ok
    });
    println!(
        "JSON line → parse → compute+cliffs → JSON: {:>8} lines/s        ({n} in {t:.2?}, {} MB out)",
        per_second(n, t),
        bytes / 1_000_000
    );
    Ok(())
}
