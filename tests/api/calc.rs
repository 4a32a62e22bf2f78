//! `staffpay calc` and `POST /api/v1/entitlements/calc`.

use std::io::Write;
use std::process::{Command, Stdio};

use chrono::TimeDelta;
use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

const E1: &str = r#"{"id":"E1","scheme":"early_retirement","category":"cadre_civil_servant","sex":"male","date_of_birth":"1966-01-15","salary":{"grade_coefficient":"4.65","leadership_coefficient":"0.6","allowances_pct":{"public_service":"25"}},"insured_months":264,"reorganization_effective_date":"2025-03-01","leave_date":"2025-05-01"}"#;
const E2: &str = r#"{"id":"E2","scheme":"quit","category":"cadre_civil_servant","sex":"female","date_of_birth":"1985-06-01","salary":{"grade_coefficient":"3.66","allowances_pct":{"public_service":"25"}},"insured_months":180,"reorganization_effective_date":"2025-03-01","leave_date":"2025-06-01"}"#;

fn calc(args: &[&str], input: &str) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .arg("calc")
        .args([
            "--policy-dir",
            concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables"),
        ])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn calc_answers_every_line_and_sets_the_exit_status() {
    let (code, out, err) = calc(&[], &format!("{E1}\n{E2}\n"));
    assert_eq!(code, 0, "{err}");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["id"], "E1");
    assert_eq!(lines[0]["total_vnd"], 744_778_125);
    assert_eq!(lines[1]["total_vnd"], 786_854_250);

    let bad = r#"{"id":"bad","scheme":"early_retirement","category":"cadre_civil_servant","sex":"male","date_of_birth":"1966-02-31","leave_date":"2025-05-01"}"#;
    let (code, out, _) = calc(&[], &format!("{E1}\nnot json\n{bad}\n{E2}\n"));
    assert_eq!(code, 2, "a refused line gives exit 2");
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4, "every line is answered");
    assert_eq!(lines[1]["ok"], false);
    assert_eq!(lines[1]["error"]["code"], "invalid_input");
    assert_eq!(lines[2]["id"], "bad");
    assert!(
        lines[2]["error"]["message_vi"].is_string() && lines[2]["error"]["message_en"].is_string()
    );
    assert_eq!(lines[3]["ok"], true);
}

#[test]
fn calc_explains_in_both_languages() {
    let (code, vi, _) = calc(&["--explain"], E1);
    assert_eq!(code, 0);
    assert!(
        vi.contains("744.778.125") || vi.contains("744,778,125"),
        "{vi}"
    );
    let (_, en, _) = calc(&["--explain", "--lang", "en"], E1);
    assert_ne!(vi, en);
}

#[test]
fn calc_fails_clearly_without_policy_tables() {
    let out = Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .args(["calc", "--policy-dir", "/nonexistent/policy"])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/policy"));
}

#[test]
fn calc_exit_1_on_unreadable_input() {
    let (code, _, err) = calc(&[], "\u{fffd}ok\n");
    // Valid UTF-8 replacement characters are still input: answered as invalid, exit 2.
    assert_eq!(code, 2, "{err}");
    let mut child = Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .args([
            "calc",
            "--policy-dir",
            concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables"),
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&[0xff, 0xfe, 0x00, b'\n'])
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(1),
        "input that is not text cannot be read"
    );
}

async fn calc_over_http(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.user(
        "calc-user",
        Role::UnitOfficer,
        &["79"],
        "a long enough password",
    );
    let (token, _) = app.token(user, TimeDelta::hours(1));
    let one = app
        .call("POST", "/api/v1/entitlements/calc", Some(&token), Some(E1))
        .await;
    assert_eq!(one.status, 200, "{:?}", one.body);
    assert_eq!(one.body["total_vnd"], 744_778_125);
    assert!(
        one.body["components"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["legal_basis"].is_string())
    );

    let many = app
        .call(
            "POST",
            "/api/v1/entitlements/calc",
            Some(&token),
            Some(&format!("[{E1},{E2}]")),
        )
        .await;
    assert_eq!(many.status, 200);
    assert_eq!(many.body[1]["total_vnd"], 786_854_250);

    let too_many = format!("[{}]", vec![E1; 1001].join(","));
    let reply = app
        .call(
            "POST",
            "/api/v1/entitlements/calc",
            Some(&token),
            Some(&too_many),
        )
        .await;
    assert!(matches!(reply.status, 400 | 413), "{}", reply.status);

    let reply = app
        .call(
            "POST",
            "/api/v1/entitlements/calc",
            Some(&token),
            Some(r#"{"id":"x","scheme":"teleport"}"#),
        )
        .await;
    assert_eq!(reply.status, 400);
    assert_eq!(reply.body["error"]["code"], "invalid_json");
}
both_backends!(calc_over_http);

/// An installed binary needs no policy folder: run from an empty folder without
/// `--policy-dir`, `calc` computes with the tables built into it, the same figures.
#[test]
fn calc_uses_the_built_in_tables_from_any_folder() {
    let empty = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .arg("calc")
        .current_dir(empty.path())
        .env_remove("STAFFPAY_POLICY_DIR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{E1}\n").as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let (code, from_folder, _) = calc(&[], &format!("{E1}\n"));
    assert_eq!(code, 0);
    assert_eq!(String::from_utf8_lossy(&out.stdout), from_folder);
}
