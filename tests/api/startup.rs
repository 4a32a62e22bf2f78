//! Start-up through the real binary: bad configuration fails fast and clearly; migrations are
//! idempotent; the demo loads once.

use std::process::Command;
use std::time::{Duration, Instant};

use crate::both_backends;
use crate::helpers::{Backend, TestDb};

fn staffpay(args: &[&str]) -> (i32, String, String, Duration) {
    let started = Instant::now();
    let out = Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .args(args)
        .env_remove("DATABASE_URL")
        .env("STAFFPAY_LOG_FORMAT", "json")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
        started.elapsed(),
    )
}

#[test]
fn bad_database_urls_fail_fast_with_a_clear_message() {
    let cases = [
        ("mysql://root@127.0.0.1/x", "unknown scheme"),
        (
            "postgres://postgres@127.0.0.1:1/none",
            "cannot open the database",
        ),
        ("/proc/staffpay-no/such.db", "database_url"),
    ];
    for (url, expected) in cases {
        let (code, _, stderr, took) = staffpay(&["migrate", "--database-url", url]);
        assert_eq!(code, 1, "{url}: {stderr}");
        assert!(stderr.contains(expected), "{url}: {stderr}");
        assert!(
            stderr.contains("database_url"),
            "{url} names the setting: {stderr}"
        );
        assert!(took < Duration::from_secs(10), "{url} took {took:?}");
    }
}

#[test]
fn passwords_in_database_urls_are_not_printed() {
    let (code, stdout, stderr, _) = staffpay(&[
        "migrate",
        "--database-url",
        "postgres://u:hunter2secret@127.0.0.1:1/x",
    ]);
    assert_eq!(code, 1);
    assert!(
        !stderr.contains("hunter2secret") && !stdout.contains("hunter2secret"),
        "{stderr}"
    );
}

#[test]
fn invalid_bind_address_names_the_setting() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("x.db").display().to_string();
    let (code, _, stderr, _) =
        staffpay(&["serve", "--bind", "not-an-address", "--database-url", &db]);
    assert_eq!(code, 1);
    assert!(stderr.contains("bind"), "{stderr}");
}

#[test]
fn empty_sqlite_file_location_is_created_on_first_start() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nested/data/staffpay.db");
    let (code, stdout, stderr, _) =
        staffpay(&["migrate", "--database-url", &db.display().to_string()]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("migrations current"), "{stdout}");
    assert!(db.exists());
}

async fn migrations_are_idempotent(backend: Backend) {
    let test_db = TestDb::new(backend);
    for round in 0..2 {
        let (code, stdout, stderr, _) = staffpay(&["migrate", "--database-url", &test_db.url]);
        assert_eq!(code, 0, "round {round}: {stderr}");
        assert!(stdout.contains("migrations current"), "{stdout}");
    }
    let db = staffpay::startup::prepare_database(&test_db.settings()).unwrap();
    let mut conn = db.get().unwrap();
    // 1 root + 29 central bodies + 34 provinces, loaded once however often we start.
    assert_eq!(staffpay::db::units::count(&mut conn).unwrap(), 64);
}
both_backends!(migrations_are_idempotent);

async fn demo_loads_once(backend: Backend) {
    let test_db = TestDb::new(backend);
    let db = staffpay::startup::prepare_database(&test_db.settings()).unwrap();
    let mut conn = db.get().unwrap();
    let first = staffpay::demo::load(&mut conn)
        .unwrap()
        .expect("loads on an empty database");
    assert_eq!(first.users.len(), 5);
    assert!(first.units_added > 0);
    let units_after = staffpay::db::units::count(&mut conn).unwrap();
    assert!(
        staffpay::demo::load(&mut conn).unwrap().is_none(),
        "second load is a no-op"
    );
    assert_eq!(staffpay::db::units::count(&mut conn).unwrap(), units_after);
}
both_backends!(demo_loads_once);

async fn demo_people_import_with_entitlements(backend: Backend) {
    let test_db = TestDb::new(backend);
    let settings = test_db.settings();
    let db = staffpay::startup::prepare_database(&settings).unwrap();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    let mut conn = db.get().unwrap();
    staffpay::demo::load(&mut conn).unwrap();
    let report = staffpay::demo::load_people(&mut conn, &policy, 150).unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    assert_eq!(report.rows.created, 150);
    let progress = staffpay::services::progress::progress(
        &mut conn,
        &policy,
        &staffpay::db::units::UnitScope::All,
        staffpay::services::progress::GroupBy::Top,
        chrono::NaiveDate::from_ymd_opt(2025, 10, 1).unwrap(),
    )
    .unwrap();
    assert_eq!(progress.national.people, 150);
    assert!(progress.national.entitled_vnd > 0);
    assert!(
        progress.groups.len() >= 5,
        "several provinces and ministries"
    );
    let states = staffpay::demo::load_activity(&mut conn, &settings.matching).unwrap();
    for state in staffpay::domain::case_state::CaseState::ALL {
        assert!(
            states.get(state.as_str()).copied().unwrap_or(0) > 0,
            "no demo case is {state}: {states:?}"
        );
    }
    let flags = staffpay::services::flags::list(
        &mut conn,
        &policy,
        &staffpay::db::units::UnitScope::All,
        &Default::default(),
        staffpay::db::today_vn(),
    )
    .unwrap();
    assert!(
        flags
            .iter()
            .any(|f| f.kind == staffpay::domain::flags::FlagKind::UnmatchedStatementLine),
        "the stray statement line is flagged"
    );
}
both_backends!(demo_people_import_with_entitlements);
