//! Roster reading speed: writes a synthetic roster in the official layout (timing the
//! writer), then times `read_roster_file` on it and, for comparison, calamine's own parse of
//! the same sheet.
//!
//! ```text
//! cargo bench --bench import_read            # 150,000 people
//! STAFFPAY_BENCH_PEOPLE=20000 cargo bench --bench import_read
//! ```
//!
//! Plain `Instant` timing (no criterion): each step runs once, as an import does.
#![expect(
    clippy::unwrap_used,
    reason = "a benchmark that fails should stop with the error"
)]

use std::io::Cursor;
use std::time::Instant;

use calamine::{DataType, Reader, Xlsx};
use staffpay::demo::roster::{DEMO_SHEET, DemoRosterOptions, write_demo_roster};
use staffpay::import::error_workbook::error_workbook_from_upload;
use staffpay::import::{Problem, ReadOptions, Severity, read_roster_file};

fn main() {
    let people: usize = std::env::var("STAFFPAY_BENCH_PEOPLE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(150_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.xlsx");
    let options = DemoRosterOptions {
        people,
        seed: 178,
        unit_codes: Vec::new(),
        invalid_per_mille: 0,
    };

    let start = Instant::now();
    let summary = write_demo_roster(&path, &options).unwrap();
    let write_s = start.elapsed().as_secs_f64();
    println!(
        "write demo roster: {people} people, {:.1} MB, {write_s:.2} s ({:.0} rows/s)",
        mb(summary.bytes),
        per_second(people, write_s)
    );
    println!(
        "  mix: {} early retirement, {} quit, {} part-time leave, {} armed forces, {} without bank account",
        summary.early_retirement,
        summary.quit,
        summary.part_time_leave,
        summary.armed_forces,
        summary.without_bank_account
    );

    let start = Instant::now();
    let roster = read_roster_file(&path, &ReadOptions::default()).unwrap();
    let read_s = start.elapsed().as_secs_f64();
    let errors = roster.problems_of(Severity::Error).count();
    let warnings = roster.problems_of(Severity::Warning).count();
    println!(
        "read_roster_file: {} rows ({} valid, {errors} errors, {warnings} warnings), {read_s:.2} s ({:.0} rows/s)",
        roster.total_rows,
        roster.rows.len(),
        per_second(roster.rows.len(), read_s)
    );
    assert_eq!(roster.rows.len(), people);

    let bytes = std::fs::read(&path).unwrap();
    // The error workbook when every tenth row has a problem (the upload is read again).
    let problems: Vec<Problem> = roster
        .rows
        .iter()
        .step_by(10)
        .map(|r| Problem {
            sheet: roster.sheet.clone(),
            row: Some(r.row_number),
            column: Some("Ngày nghỉ".to_owned()),
            value: None,
            code: "BENCH",
            message_vi: "Ngày nghỉ không hợp lệ".to_owned(),
            message_en: "Invalid leave date".to_owned(),
            severity: Severity::Error,
        })
        .collect();
    let start = Instant::now();
    let errors_xlsx = error_workbook_from_upload(
        "demo.xlsx",
        &bytes,
        &ReadOptions::default(),
        &roster,
        &problems,
    )
    .unwrap();
    let errors_s = start.elapsed().as_secs_f64();
    println!(
        "error workbook: {} problem rows, {:.1} MB, {errors_s:.2} s (re-read included)",
        problems.len(),
        mb(u64::try_from(errors_xlsx.len()).unwrap())
    );

    let start = Instant::now();
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.as_slice())).unwrap();
    let range = wb.worksheet_range(DEMO_SHEET).unwrap();
    let parse_s = start.elapsed().as_secs_f64();
    let cells = range.cells().filter(|(_, _, c)| !c.is_empty()).count();
    println!(
        "calamine worksheet_range only: {cells} non-empty cells, {parse_s:.2} s; read_roster_file / calamine = {:.2}",
        read_s / parse_s
    );
}

fn mb(bytes: u64) -> f64 {
    let kib = u32::try_from(bytes / 1024).unwrap_or(u32::MAX);
    f64::from(kib) / 1024.0
}

fn per_second(rows: usize, seconds: f64) -> f64 {
    f64::from(u32::try_from(rows).unwrap_or(u32::MAX)) / seconds
}
