//! The command line end to end: users, tokens, and a served process that stops gracefully.

use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::helpers::{Backend, TestDb};

fn staffpay(db: &str, args: &[&str], stdin: Option<&str>) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .args(args)
        .env("DATABASE_URL", db)
        .env(
            "STAFFPAY_SECRET_KEY",
            "cli-test-secret-key-cli-test-secret-key-0123",
        )
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn users_and_tokens_from_the_command_line() {
    let db = TestDb::new(Backend::Sqlite);
    let url = db.url.as_str();
    let (code, out, err) = staffpay(
        url,
        &[
            "users",
            "add",
            "--username",
            "hcm.officer",
            "--role",
            "unit_officer",
            "--unit",
            "79",
            "--password-stdin",
        ],
        Some("a very long password\n"),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        !out.contains("a very long password"),
        "a password from stdin is not echoed"
    );

    let (code, out, _) = staffpay(
        url,
        &[
            "users",
            "add",
            "--username",
            "rev",
            "--role",
            "moha_reviewer",
            "--unit",
            "VN",
        ],
        None,
    );
    assert_eq!(code, 0);
    assert!(out.contains("password (shown once):"), "{out}");

    let (code, _, err) = staffpay(
        url,
        &["users", "add", "--username", "user-x1", "--role", "wizard"],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("unknown role"), "{err}");
    let (code, _, err) = staffpay(
        url,
        &[
            "users",
            "add",
            "--username",
            "user-x2",
            "--role",
            "unit_officer",
            "--unit",
            "ZZZ",
        ],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("unknown unit ZZZ"), "{err}");
    let (code, _, err) = staffpay(
        url,
        &[
            "users",
            "add",
            "--username",
            "user-x3",
            "--role",
            "unit_officer",
            "--password-stdin",
        ],
        Some("short\n"),
    );
    assert_ne!(code, 0);
    assert!(err.contains("unit"), "{err}");

    let (code, out, _) = staffpay(url, &["users", "list", "--json"], None);
    assert_eq!(code, 0);
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["username"], "hcm.officer");
    assert_eq!(lines[0]["units"], serde_json::json!(["79"]));

    let (code, out, err) = staffpay(
        url,
        &[
            "users",
            "token",
            "create",
            "--username",
            "hcm.officer",
            "--name",
            "hr-system",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let token = out.lines().last().unwrap().trim().to_string();
    assert!(token.starts_with("sp_"), "{out}");

    let (code, _, _) = staffpay(
        url,
        &[
            "users",
            "token",
            "revoke",
            "--username",
            "hcm.officer",
            "--name",
            "hr-system",
        ],
        None,
    );
    assert_eq!(code, 0);
    let (code, _, err) = staffpay(
        url,
        &[
            "users",
            "token",
            "revoke",
            "--username",
            "hcm.officer",
            "--name",
            "hr-system",
        ],
        None,
    );
    assert_ne!(code, 0, "nothing left to revoke");
    assert!(err.contains("no active token"), "{err}");

    let (code, _, _) = staffpay(url, &["users", "disable", "--username", "rev"], None);
    assert_eq!(code, 0);
    let (_, out, _) = staffpay(url, &["users", "list"], None);
    assert!(
        out.lines()
            .any(|l| l.starts_with("rev ") && l.contains("disabled")),
        "{out}"
    );
}

#[test]
fn serve_stops_gracefully_on_sigterm() {
    let db = TestDb::new(Backend::Sqlite);
    let mut child = Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .args(["serve", "--bind", "127.0.0.1:0", "--demo"])
        .env("DATABASE_URL", &db.url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut lines = BufReader::new(child.stdout.take().unwrap()).lines();
    let mut demo_users = 0;
    let mut listening = false;
    let mut sign_in_address = false;
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains(" password ") {
            assert!(
                listening,
                "the demo sign-ins come after start-up, as one block"
            );
            demo_users += 1;
        }
        sign_in_address |= listening && line.contains("/dang-nhap");
        if line.contains("listening on http://127.0.0.1:") {
            listening = true;
        }
        // After it, one block with the sign-in address and the demo users, ended by a blank
        // line.
        if listening && demo_users > 0 && line.trim().is_empty() {
            break;
        }
    }
    assert!(listening);
    assert_eq!(demo_users, 5, "one demo user per role, printed once");
    assert!(sign_in_address, "the sign-in address is printed with them");
    let status = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            assert!(status.success(), "exit status {status:?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(20), "did not stop");
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[test]
fn reports_and_lookup_codes_from_the_command_line() {
    let db = TestDb::new(Backend::Sqlite);
    let url = db.url.as_str();
    let secret = "cli-test-secret-key-cli-test-secret-key-0123";
    {
        let mut settings = db.settings();
        settings.secret_key = Some(staffpay::config::Secret::new(secret.to_string()));
        let policy = staffpay::startup::load_policy(&settings).unwrap();
        let pool = staffpay::startup::prepare_database(&settings).unwrap();
        let mut conn = pool.get().unwrap();
        staffpay::demo::load(&mut conn).unwrap();
        staffpay::demo::load_people(&mut conn, &policy, 30).unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = |name: &str| dir.path().join(name).display().to_string();

    // Issuing lookup codes changes case data: refused without the acting user's token.
    let (code, _, err) = staffpay(
        url,
        &["lookup-codes", "--unit", "79", "--out", &out("codes.csv")],
        None,
    );
    assert_ne!(code, 0);
    assert!(err.contains("STAFFPAY_TOKEN"), "{err}");
    let token = crate::helpers::cli_token_keyed(url, Some(secret));
    // Lookup codes for a province's cases: each one opens its case.
    let (code, stdout, err) = staffpay(
        url,
        &[
            "lookup-codes",
            "--unit",
            "79",
            "--out",
            &out("codes.csv"),
            "--token",
            &token,
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("codes"), "{stdout}");
    let text = std::fs::read_to_string(out("codes.csv")).unwrap();
    let lines: Vec<&str> = text.lines().skip(1).collect();
    assert!(!lines.is_empty());
    let keys = staffpay::auth::SecretKeys::from_material(secret);
    let pool = staffpay::startup::prepare_database(&db.settings()).unwrap();
    let mut conn = pool.get().unwrap();
    for line in &lines {
        let fields: Vec<&str> = line.split(',').collect();
        let (case, nid, typed) = (fields[0], fields[1], fields[fields.len() - 1]);
        let found =
            staffpay::services::case_review::find_by_lookup(&mut conn, &keys, nid, typed).unwrap();
        assert_eq!(found, Some(case.parse().unwrap()), "{line}");
    }
    drop(conn);

    // Reports to files; refusals in both languages, no partial file left.
    let (code, stdout, err) = staffpay(
        url,
        &[
            "report",
            "reconciliation",
            "--unit",
            "79",
            "--out",
            &out("r.xlsx"),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("cases"), "{stdout}");
    assert!(std::fs::metadata(out("r.xlsx")).unwrap().len() > 5_000);
    let (code, _, err) = staffpay(
        url,
        &[
            "report",
            "payment-list",
            "--unit",
            "79",
            "--out",
            &out("p.xlsx"),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let first_case = lines[0].split(',').next().unwrap();
    let (code, _, err) = staffpay(
        url,
        &[
            "report",
            "statement",
            "--case",
            first_case,
            "--out",
            &out("s.xlsx"),
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = staffpay(
        url,
        &[
            "report",
            "reconciliation",
            "--unit",
            "NOPE",
            "--out",
            &out("x.xlsx"),
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("Không có đơn vị") && err.contains("No unit"),
        "{err}"
    );
    let (code, _, err) = staffpay(
        url,
        &[
            "report",
            "reconciliation",
            "--as-of",
            "2999-01-01",
            "--out",
            &out("x.xlsx"),
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("tương lai") && err.contains("future"), "{err}");
    let (code, _, err) = staffpay(
        url,
        &[
            "report",
            "reconciliation",
            "--out",
            "/nonexistent/dir/x.xlsx",
        ],
        None,
    );
    assert_eq!(code, 1);
    assert!(err.contains("Cannot write the report"), "{err}");
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(
        !names.iter().any(|n| n.contains("partial") || n == "x.xlsx"),
        "{names:?}"
    );
}

#[test]
fn a_migration_can_be_reverted_and_applied_again() {
    let db = TestDb::new(Backend::Sqlite);
    let url = db.url.as_str();
    let (code, out, err) = staffpay(url, &["migrate"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("migrations current"), "{out}");
    let (code, out, err) = staffpay(url, &["migrate", "--revert-last"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("000016"), "the latest migration: {out}");
    assert!(
        out.contains("reverted") && out.contains("migrations pending"),
        "{out}"
    );
    let (code, out, err) = staffpay(url, &["migrate"], None);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("migrations current"), "{out}");
}

/// `staffpay progress --verify` agrees on a database with activity, finds a hand-made
/// difference in the aggregates (exit 1, naming it), and `--rebuild` repairs it.
#[test]
fn progress_verify_finds_and_rebuilds_a_difference() {
    use diesel::RunQueryDsl;
    let db = TestDb::new(Backend::Sqlite);
    let url = db.url.as_str();
    let settings = db.settings();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    let pool = staffpay::startup::prepare_database(&settings).unwrap();
    {
        let mut conn = pool.get().unwrap();
        staffpay::demo::load(&mut conn).unwrap();
        staffpay::demo::load_people(&mut conn, &policy, 20).unwrap();
        staffpay::demo::load_activity(&mut conn, &settings.matching).unwrap();
    }
    let (code, out, err) = staffpay(url, &["progress", "--verify"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("khớp"), "{out}");
    {
        let mut conn = pool.get().unwrap();
        diesel::sql_query("UPDATE unit_state_totals SET paid_vnd = paid_vnd + 1 WHERE cases > 0")
            .execute(&mut conn)
            .unwrap();
    }
    let (code, out, _) = staffpay(url, &["progress", "--verify"], None);
    assert_eq!(code, 1, "{out}");
    assert!(
        out.contains("differs") && out.contains("--rebuild"),
        "{out}"
    );
    let (code, out, err) = staffpay(url, &["progress", "--verify", "--rebuild"], None);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("rebuilt"), "{out}");
    let (code, out, _) = staffpay(url, &["progress", "--verify"], None);
    assert_eq!(code, 0, "{out}");
}
