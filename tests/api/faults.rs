//! Faults: the process killed in the middle of an import's write (SQLite) leaves nothing
//! half-written and the import can simply be run again; a report whose folder cannot be
//! written leaves no file.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::prelude::*;
use staffpay::db::schema::{cases, imports, people};

use crate::helpers::{Backend, TestDb};

fn binary() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_staffpay"));
    c.env(
        "STAFFPAY_SECRET_KEY",
        "fault-test-secret-key-fault-test-secret-key",
    );
    c
}

fn counts(db: &TestDb) -> (i64, i64, i64) {
    let pool = staffpay::startup::prepare_database(&db.settings()).unwrap();
    let mut conn = pool.get().unwrap();
    (
        cases::table.count().get_result(&mut conn).unwrap(),
        people::table.count().get_result(&mut conn).unwrap(),
        imports::table
            .filter(imports::outcome.eq("imported"))
            .count()
            .get_result(&mut conn)
            .unwrap(),
    )
}

#[test]
fn an_import_killed_mid_write_leaves_nothing_and_runs_again() {
    let db = TestDb::new(Backend::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("r.xlsx");
    let made = binary()
        .args(["demo-data", "--people", "20000", "--seed", "7", "--out"])
        .arg(&roster)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    // Migrate first, so the only writes after that are the import's.
    let out = binary()
        .args(["migrate", "--database-url", &db.url])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let wal = format!("{}-wal", db.url);
    let wal_before = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);

    let mut child = binary()
        .args(["import", "--database-url", &db.url, "--json"])
        .arg(&roster)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait until the write transaction is well under way (the write-ahead log grows by
    // megabytes), then kill the process without warning.
    let started = Instant::now();
    let mut killed_mid_write = false;
    while started.elapsed() < Duration::from_secs(120) {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        let wal_now = std::fs::metadata(&wal).map(|m| m.len()).unwrap_or(0);
        if wal_now > wal_before + 2 * 1024 * 1024 {
            child.kill().unwrap();
            killed_mid_write = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let _ = child.wait();
    assert!(
        killed_mid_write,
        "the import finished before it could be killed"
    );
    assert_eq!(
        counts(&db),
        (0, 0, 0),
        "nothing of the killed import remains"
    );

    // Run it again: everything is imported once.
    let again = binary()
        .args(["import", "--database-url", &db.url, "--json"])
        .arg(&roster)
        .output()
        .unwrap();
    assert!(again.status.success(), "{again:?}");
    let (cases, people, imported) = counts(&db);
    assert_eq!((cases, people, imported), (20_000, 20_000, 1));
}

#[test]
fn a_report_on_a_full_disk_leaves_no_file() {
    let db = TestDb::new(Backend::Sqlite);
    {
        let settings = db.settings();
        let policy = staffpay::startup::load_policy(&settings).unwrap();
        let pool = staffpay::startup::prepare_database(&settings).unwrap();
        let mut conn = pool.get().unwrap();
        staffpay::demo::load(&mut conn).unwrap();
        staffpay::demo::load_people(&mut conn, &policy, 300).unwrap();
    }
    // A 64 KB file system: the workbook (about 100 KB) cannot fit.
    let dir = tempfile::tempdir().unwrap();
    let mounted = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(dir.path())
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !mounted {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root and can mount a small tmpfs for this test"
        );
        eprintln!("cannot mount a tmpfs (not root?): full-disk test not run");
        return;
    }
    let target = dir.path().join("doi-soat.xlsx");
    let out = binary()
        .args([
            "report",
            "reconciliation",
            "--database-url",
            &db.url,
            "--out",
        ])
        .arg(&target)
        .output()
        .unwrap();
    let listing: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let _ = Command::new("umount").arg(dir.path()).status();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("Cannot write the report"), "{err}");
    assert!(listing.is_empty(), "nothing left behind: {listing:?}");
}
