//! Faults: the process killed in the middle of an import's write (SQLite) leaves nothing
//! half-written and the import can simply be run again; a report whose folder cannot be
//! written leaves no file.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use diesel::PgConnection;
use diesel::prelude::*;
use staffpay::db::schema::{cases, imports, people};

use crate::helpers::{Backend, TestDb};

const SECRET: &str = "fault-test-secret-key-fault-test-secret-key";

fn binary() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_staffpay"));
    c.env("STAFFPAY_SECRET_KEY", SECRET);
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
    let token = crate::helpers::cli_token_keyed(&db.url, Some(SECRET));
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
        .env("STAFFPAY_TOKEN", &token)
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
        .env("STAFFPAY_TOKEN", &token)
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

/// A private PostgreSQL cluster (never the machine's shared server) in a temporary folder,
/// run as the `postgres` user; stopped when dropped.
struct PrivatePg {
    dir: tempfile::TempDir,
    bin: std::path::PathBuf,
    port: u16,
}

impl PrivatePg {
    fn start() -> Option<PrivatePg> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok())
            .map(|e| e.path().join("bin"))
            .find(|p| p.join("initdb").exists())?;
        let dir = tempfile::tempdir().ok()?;
        let owned = Command::new("chown")
            .args(["-R", "postgres"])
            .arg(dir.path())
            .status()
            .ok()?
            .success();
        if !owned {
            return None;
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .ok()?
            .local_addr()
            .ok()?
            .port();
        let pg = PrivatePg { dir, bin, port };
        let init = pg.run(
            "initdb",
            &["-A", "trust", "-U", "postgres", "-D", &pg.data()],
        );
        if !init {
            return None;
        }
        pg.ctl("start").then_some(pg)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) -> bool {
        Command::new("runuser")
            .args(["-u", "postgres", "--"])
            .arg(self.bin.join(tool))
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    }

    fn ctl(&self, action: &str) -> bool {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.dir.path().display()
        );
        let log = self.dir.path().join("log").display().to_string();
        match action {
            "start" => self.run(
                "pg_ctl",
                &[
                    "-D",
                    &self.data(),
                    "-o",
                    &options,
                    "-l",
                    &log,
                    "-w",
                    "start",
                ],
            ),
            _ => self.run(
                "pg_ctl",
                &["-D", &self.data(), "-m", "immediate", "-w", "stop"],
            ),
        }
    }

    fn url(&self) -> String {
        format!("postgres://postgres@127.0.0.1:{}/postgres", self.port)
    }
}

impl Drop for PrivatePg {
    fn drop(&mut self) {
        self.ctl("stop");
    }
}

fn get(url: &str) -> u16 {
    // A tiny blocking HTTP GET (the test has no async runtime here).
    use std::io::{Read, Write};
    let rest = url.trim_start_matches("http://");
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let Ok(mut s) = std::net::TcpStream::connect(host) else {
        return 0;
    };
    let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = write!(
        s,
        "GET /{path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n"
    );
    let mut reply = String::new();
    let _ = s.read_to_string(&mut reply);
    reply
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0)
}

#[test]
fn postgres_stopped_mid_import_then_restarted() {
    let Some(pg) = PrivatePg::start() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI runs as root with PostgreSQL's tools installed: the private cluster must start"
        );
        eprintln!("cannot start a private PostgreSQL (not root, or no initdb): test not run");
        return;
    };
    let url = pg.url();
    let token = crate::helpers::cli_token_keyed(&url, Some(SECRET));
    let dir = tempfile::tempdir().unwrap();
    let roster = dir.path().join("r.xlsx");
    let made = binary()
        .args(["demo-data", "--people", "20000", "--seed", "8", "--out"])
        .arg(&roster)
        .output()
        .unwrap();
    assert!(made.status.success(), "{made:?}");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = binary()
        .args([
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
            "--database-url",
            &url,
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let ready = (0..200).any(|_| {
        std::thread::sleep(Duration::from_millis(50));
        get(&format!("{base}/readyz")) == 200
    });
    assert!(ready, "the service came up");

    // Start the import; stop PostgreSQL while it copies the cases in.
    let mut import = binary()
        .args(["import", "--database-url", &url, "--json"])
        .env("STAFFPAY_TOKEN", &token)
        .arg(&roster)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut admin = PgConnection::establish(&url).unwrap();
    let started = Instant::now();
    let mut stopped_mid_write = false;
    while started.elapsed() < Duration::from_secs(120) && import.try_wait().unwrap().is_none() {
        #[derive(QueryableByName)]
        struct N {
            #[diesel(sql_type = diesel::sql_types::BigInt)]
            n: i64,
        }
        let copying: Vec<N> = diesel::sql_query(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE query ILIKE 'COPY%' AND state = 'active'",
        )
        .load(&mut admin)
        .unwrap_or_default();
        if copying.first().is_some_and(|c| c.n > 0) {
            assert!(pg.ctl("stop"));
            stopped_mid_write = true;
            break;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    drop(admin);
    let status = import.wait().unwrap();
    assert!(
        stopped_mid_write,
        "the import finished before the database could be stopped"
    );
    assert!(!status.success(), "the import reports the failure");
    assert_eq!(
        get(&format!("{base}/healthz")),
        200,
        "the process still answers"
    );
    assert_eq!(
        get(&format!("{base}/readyz")),
        503,
        "not ready without its database"
    );

    // Restart: ready again, nothing half-written, the import runs again.
    assert!(pg.ctl("start"));
    let recovered = (0..200).any(|_| {
        std::thread::sleep(Duration::from_millis(100));
        get(&format!("{base}/readyz")) == 200
    });
    assert!(recovered, "/readyz recovers");
    let mut conn = PgConnection::establish(&url).unwrap();
    let cases: i64 = cases::table.count().get_result(&mut conn).unwrap();
    let people: i64 = people::table.count().get_result(&mut conn).unwrap();
    assert_eq!(
        (cases, people),
        (0, 0),
        "nothing of the cut-off import remains"
    );
    let again = binary()
        .args(["import", "--database-url", &url, "--json"])
        .env("STAFFPAY_TOKEN", &token)
        .arg(&roster)
        .output()
        .unwrap();
    assert!(again.status.success(), "{again:?}");
    let cases: i64 = cases::table.count().get_result(&mut conn).unwrap();
    assert_eq!(cases, 20_000);
    let _ = server.kill();
    let _ = server.wait();
}
