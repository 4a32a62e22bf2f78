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
    for line in lines.by_ref() {
        let line = line.unwrap();
        if line.contains(" password ") {
            demo_users += 1;
        }
        if line.contains("listening on http://127.0.0.1:") {
            listening = true;
            break;
        }
    }
    assert!(listening);
    assert_eq!(demo_users, 5, "one demo user per role, printed once");
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
