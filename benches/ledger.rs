//! Money at national scale on SQLite (and PostgreSQL when `STAFFPAY_BENCH_PG` names a server
//! URL): a 150,000-person roster is imported and every case approved and funded (set-based, as
//! set-up), then timed: a 150,000-row payment-list import, the progress report over ~3,500
//! units, the flag list, a 150,000-line statement import with its reconciliation, and the
//! national reconciliation workbook (with, for comparison, the spreadsheet writer alone
//! writing the same cells). `STAFFPAY_BENCH_KEEP=DIR` keeps the SQLite database in DIR (to
//! measure `staffpay report` on it).
//!
//!     cargo bench --bench ledger
//!     STAFFPAY_BENCH_PEOPLE=20000 STAFFPAY_BENCH_PG=postgres://postgres@127.0.0.1/postgres cargo bench --bench ledger

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::print_stdout)]

use std::fmt::Write as _;
use std::time::Instant;

use diesel::{Connection, PgConnection, RunQueryDsl};
use staffpay::config::{Overrides, Settings};
use staffpay::db::units::UnitScope;
use staffpay::demo::roster::{DemoRosterOptions, demo_roster_bytes};
use staffpay::import::ReadOptions;
use staffpay::import::statement::AmountSign;
use staffpay::services::Actor;
use staffpay::services::imports::{ImportRequest, import_roster};
use staffpay::services::imports::{LedgerRequest, import_payments, import_statement};
use staffpay::services::progress::{GroupBy, progress};

fn run(
    url: &str,
    policy: &staffpay::domain::policy::PolicySet,
    roster: &[u8],
    out: &std::path::Path,
) {
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
    let report = import_roster(&mut conn, policy, &Actor::cli(), &request, roster).unwrap();
    println!("  roster: {} cases", report.rows.created);
    diesel::sql_query("UPDATE cases SET state = 'payable', approved_at = '2025-08-01 03:00:00'")
        .execute(&mut conn)
        .unwrap();
    let cases: Vec<(i64, String, i64)> = {
        use diesel::prelude::*;
        use staffpay::db::schema::cases::dsl as c;
        c::cases
            .select((c::id, c::payment_reference, c::entitled_vnd))
            .order(c::id.asc())
            .load(&mut conn)
            .unwrap()
    };
    let today = staffpay::db::today_vn();
    let ledger = |file: &str| LedgerRequest {
        file_name: file.into(),
        sheet: None,
        unit_code: "VN".into(),
        dry_run: false,
        accept_valid: false,
        options: ReadOptions::default(),
        today,
        sign: AmountSign::NegativeIsDebit,
        matching: settings.matching,
    };

    // Payment list: every case paid in full (a tenth of them in two instalments).
    let mut list = String::from("Mã tham chiếu thanh toán,Số tiền,Ngày chi\n");
    for (i, (_, reference, entitled)) in cases.iter().enumerate() {
        if i % 10 == 0 && *entitled > 1 {
            let half = entitled / 2;
            writeln!(list, "{reference},{half},01/09/2025").unwrap();
            writeln!(list, "{reference},{},02/09/2025", entitled - half).unwrap();
        } else {
            writeln!(list, "{reference},{entitled},01/09/2025").unwrap();
        }
    }
    let started = Instant::now();
    let report = import_payments(
        &mut conn,
        &Actor::cli(),
        &ledger("chi-tra.csv"),
        list.as_bytes(),
    )
    .unwrap();
    println!(
        "  payment list: {:?}, {} payments in {:.2} s",
        report.outcome,
        report.rows.created,
        started.elapsed().as_secs_f64()
    );

    for group_by in [GroupBy::Top, GroupBy::Unit] {
        let started = Instant::now();
        let p = progress(&mut conn, policy, &UnitScope::All, group_by, today).unwrap();
        println!(
            "  progress ({group_by:?}): {} groups, {} people in {:.0} ms",
            p.groups.len(),
            p.national.people,
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
    let started = Instant::now();
    let flags = staffpay::services::flags::list(
        &mut conn,
        policy,
        &UnitScope::All,
        &Default::default(),
        today,
    )
    .unwrap();
    println!(
        "  flags: {} in {:.0} ms",
        flags.len(),
        started.elapsed().as_secs_f64() * 1000.0
    );

    // Statement: one line per case (150,000 lines): a case paid in two instalments is paid by
    // one line of their sum (several payments, one line); nine in ten lines carry the payment
    // reference, the tenth only the person's account and name (matched by details) when the
    // person has an account on record.
    let mut statement =
        String::from("Ngày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu\n");
    let per_case: Vec<(i64, i64, String, Option<String>, String)> = {
        use diesel::prelude::*;
        use staffpay::db::schema::{cases, payments, people};
        let mut paid: std::collections::HashMap<i64, i64> = std::collections::HashMap::new();
        let rows: Vec<(i64, i64)> = payments::table
            .select((payments::case_id, payments::amount_vnd))
            .load(&mut conn)
            .unwrap();
        for (case, amount) in rows {
            *paid.entry(case).or_default() += amount;
        }
        let rows: Vec<(i64, String, Option<String>, String)> = cases::table
            .inner_join(people::table)
            .select((
                cases::id,
                cases::payment_reference,
                people::bank_account,
                people::full_name,
            ))
            .order(cases::id.asc())
            .load(&mut conn)
            .unwrap();
        rows.into_iter()
            .filter_map(|(id, r, a, n)| Some((id, *paid.get(&id)?, r, a, n)))
            .collect()
    };
    let mut by_details = 0;
    for (i, (id, amount, reference, account, name)) in per_case.iter().enumerate() {
        match account {
            Some(account) if i % 10 == 5 => {
                by_details += 1;
                writeln!(
                    statement,
                    "03/09/2025,-{amount},{account},{name},Chi tro cap nghi viec,FT{id:08}"
                )
                .unwrap();
            }
            _ => writeln!(
                statement,
                "03/09/2025,-{amount},,,Chi tro cap {reference},FT{id:08}"
            )
            .unwrap(),
        }
    }
    println!(
        "  statement of {} lines ({by_details} without a reference)",
        per_case.len()
    );
    let started = Instant::now();
    let report = import_statement(
        &mut conn,
        &Actor::cli(),
        &ledger("sao-ke.csv"),
        statement.as_bytes(),
    )
    .unwrap();
    println!(
        "  statement: {:?}, {} lines in {:.2} s; phases (ms) {:?}; {}",
        report.outcome,
        report.rows.created,
        started.elapsed().as_secs_f64(),
        report.timings_ms,
        report.reconciliation.unwrap_or_default()
    );

    // The national reconciliation workbook.
    let started = Instant::now();
    let generated = staffpay::reports::Generated {
        at: staffpay::db::now(),
        by: "bench".into(),
    };
    let mut second = db.get().unwrap();
    let mut built = staffpay::reports::reconciliation(
        &mut conn,
        Some(&mut second),
        policy,
        &UnitScope::All,
        None,
        None,
        &generated,
    )
    .unwrap();
    let saving = Instant::now();
    let path = out.join("doi-soat-bench.xlsx");
    staffpay::xlsx::sheet::save_atomically(&mut built.workbook, &path).unwrap();
    let save_ms = saving.elapsed().as_millis();
    println!(
        "  reconciliation workbook: {} cases in {:.2} s (read {} ms, sheets {} ms, save {save_ms} ms), {:.1} MB",
        built.rows,
        started.elapsed().as_secs_f64(),
        built.load_ms,
        built.build_ms,
        std::fs::metadata(&path).unwrap().len() as f64 / 1e6
    );
    writer_alone(built.rows, out);
}

/// The spreadsheet writer alone (constant memory) writing the detail sheet's cells: per row
/// 8 texts and 10 numbers with a format, as the detail sheet writes for a typical case.
fn writer_alone(rows: usize, out: &std::path::Path) {
    use rust_xlsxwriter::{Format, Workbook};
    let started = Instant::now();
    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet_with_constant_memory().unwrap();
    let money = Format::new().set_num_format("#,##0");
    let text = Format::new();
    let mut cells = 0u64;
    for r in 0..rows {
        let row = u32::try_from(r).unwrap() + 4;
        for c in 0..8u16 {
            sheet
                .write_string_with_format(row, c, "Nguyễn Văn Một", &text)
                .unwrap();
        }
        for c in 8..18u16 {
            sheet
                .write_number_with_format(row, c, 123_456_789.0 + f64::from(c), &money)
                .unwrap();
        }
        cells += 18;
    }
    let path = out.join("writer-alone.xlsx");
    workbook.save(&path).unwrap();
    println!(
        "  writer alone: {cells} cells in {:.2} s",
        started.elapsed().as_secs_f64()
    );
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
    let (roster, _) = demo_roster_bytes(&DemoRosterOptions {
        people,
        seed: 1,
        unit_codes: Vec::new(),
        invalid_per_mille: 0,
    })
    .unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let dir = match std::env::var_os("STAFFPAY_BENCH_KEEP") {
        Some(keep) => std::path::PathBuf::from(keep),
        None => tmp.path().to_path_buf(),
    };
    let db_file = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db_file.display()));
    }
    let sqlite = format!("sqlite://{}", db_file.display());
    println!("SQLite, {people} people:");
    run(&sqlite, &policy, &roster, &dir);
    if let Ok(server) = std::env::var("STAFFPAY_BENCH_PG") {
        let mut admin = PgConnection::establish(&server).unwrap();
        diesel::sql_query("DROP DATABASE IF EXISTS staffpay_bench_ledger")
            .execute(&mut admin)
            .unwrap();
        diesel::sql_query("CREATE DATABASE staffpay_bench_ledger")
            .execute(&mut admin)
            .unwrap();
        let url = match server.rsplit_once('/') {
            Some((base, _)) => format!("{base}/staffpay_bench_ledger"),
            None => server.clone(),
        };
        println!("PostgreSQL, {people} people:");
        run(&url, &policy, &roster, &dir);
    }
}
