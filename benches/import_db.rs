//! End-to-end roster import benchmark: a synthetic roster in the official layout (default
//! 150,000 people) read, validated, computed and stored on SQLite (and on PostgreSQL when
//! `STAFFPAY_BENCH_PG` names a server URL). Prints phase times and peak memory.
//!
//!     cargo bench --bench import_db
//!     STAFFPAY_BENCH_PEOPLE=20000 STAFFPAY_BENCH_PG=postgres://postgres@127.0.0.1/postgres cargo bench --bench import_db

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::time::Instant;

use diesel::{Connection, PgConnection, RunQueryDsl};
use staffpay::config::{Overrides, Settings};
use staffpay::demo::roster::{DemoRosterOptions, demo_roster_bytes};
use staffpay::domain::entitlement::calculate;
use staffpay::import::to_calc::calc_input;
use staffpay::import::{ReadOptions, read_roster};
use staffpay::services::Actor;
use staffpay::services::imports::{ImportRequest, import_roster};

fn peak_memory_mb() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb / 1024)
}

fn import_into(url: &str, policy: &staffpay::domain::policy::PolicySet, bytes: &[u8]) -> f64 {
    let settings = Settings::resolve(Overrides {
        database_url: Some(url.to_string()),
        ..Default::default()
    })
    .unwrap();
    let db = staffpay::startup::prepare_database(&settings).unwrap();
    let mut conn = db.get().unwrap();
    let request = ImportRequest {
        file_name: "bench.xlsx".into(),
        sheet: None,
        unit_code: "VN".into(),
        dry_run: false,
        accept_valid: false,
        options: ReadOptions::default(),
    };
    let started = Instant::now();
    let report = import_roster(&mut conn, policy, &Actor::cli(), &request, bytes).unwrap();
    let took = started.elapsed().as_secs_f64();
    assert!(
        report.errors.is_empty(),
        "{:?}",
        &report.errors[..report.errors.len().min(3)]
    );
    println!(
        "  outcome {:?}: {} created in {took:.2} s ({:.0} rows/s); phases (ms): {:?}",
        report.outcome,
        report.rows.created,
        f64::from(report.rows.created) / took,
        report.timings_ms
    );
    took
}

fn main() {
    let people: usize = std::env::var("STAFFPAY_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150_000);
    let policy = staffpay::policy_files::load_dir(
        concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables").as_ref(),
    )
    .unwrap();
    let started = Instant::now();
    let (bytes, summary) = demo_roster_bytes(&DemoRosterOptions {
        people,
        seed: 1,
        unit_codes: Vec::new(),
        invalid_per_mille: 0,
    })
    .unwrap();
    println!(
        "roster: {} people, {:.1} MB, written in {:.2} s",
        summary.people,
        bytes.len() as f64 / 1e6,
        started.elapsed().as_secs_f64()
    );

    let started = Instant::now();
    let roster = read_roster("bench.xlsx", &bytes, &ReadOptions::default()).unwrap();
    let read = started.elapsed().as_secs_f64();
    println!(
        "read + validate: {read:.2} s ({} valid rows)",
        roster.rows.len()
    );

    let started = Instant::now();
    let mut total = 0i64;
    for row in &roster.rows {
        total += calculate(&policy, &calc_input(row))
            .total_vnd()
            .unwrap_or(0);
    }
    let compute = started.elapsed().as_secs_f64();
    println!("compute (with cliff warnings): {compute:.2} s, total {total} VND");
    drop(roster);

    let dir = tempfile::tempdir().unwrap();
    let sqlite = dir.path().join("bench.db").display().to_string();
    println!("SQLite end to end (read, validate, compute, store):");
    let sqlite_time = import_into(&sqlite, &policy, &bytes);
    println!("  store ≈ {:.2} s", (sqlite_time - read - compute).max(0.0));

    if let Ok(admin) = std::env::var("STAFFPAY_BENCH_PG") {
        let name = format!("staffpay_bench_{}", std::process::id());
        let mut conn = PgConnection::establish(&admin).unwrap();
        diesel::sql_query(format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .unwrap();
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{name}"),
            None => admin.clone(),
        };
        println!("PostgreSQL end to end:");
        let pg_time = import_into(&url, &policy, &bytes);
        println!("  PostgreSQL / SQLite = {:.2}", pg_time / sqlite_time);
        diesel::sql_query(format!("DROP DATABASE {name} WITH (FORCE)"))
            .execute(&mut conn)
            .unwrap();
    }
    println!("peak memory: {} MB", peak_memory_mb());
}
