//! Item 9: the command line acts as a user. A payment list imported by the case's own
//! approver is refused as it is through the API (separation of duties); without a token the
//! command refuses and writes nothing; the audit trail names the user, not "cli".

use std::process::Command;

use chrono::TimeDelta;
use diesel::prelude::*;
use staffpay::db::schema::{audit_events, payments};
use staffpay::domain::access::Role;

use super::{PW, fixture};
use crate::both_backends;
use crate::helpers::{Backend, with_version};

fn staffpay_as(url: &str, token: Option<&str>, args: &[&str]) -> std::process::Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_staffpay"));
    c.args(args)
        .env("DATABASE_URL", url)
        .env(
            "STAFFPAY_SECRET_KEY",
            "test-secret-key-test-secret-key-0123456789",
        )
        .env(
            "STAFFPAY_POLICY_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables"),
        )
        .env_remove("STAFFPAY_TOKEN");
    if let Some(t) = token {
        c.env("STAFFPAY_TOKEN", t);
    }
    c.output().unwrap()
}

async fn the_command_line_acts_as_the_tokens_user(backend: Backend) {
    let f = fixture(backend).await;
    let app = &f.app;
    let approver = app.user("adm2", Role::Admin, &["VN"], PW);
    let (approver, _) = app.token(approver, TimeDelta::hours(1));
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{}/approve", f.case),
            Some(&approver),
            Some(&with_version(app, f.case, "{}")),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{}/fund", f.case),
            Some(&f.officer),
            Some(&with_version(app, f.case, r#"{"funding_source":"QĐ 1"}"#)),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let reference = app
        .get(&format!("/api/v1/cases/{}", f.case), Some(&f.admin))
        .await
        .body["payment_reference"]
        .as_str()
        .unwrap()
        .to_owned();
    let dir = tempfile::tempdir().unwrap();
    let list = dir.path().join("chi.csv");
    std::fs::write(
        &list,
        format!("Mã tham chiếu thanh toán,Số tiền,Ngày chi\n{reference},744778125,01/08/2025\n"),
    )
    .unwrap();
    let file = list.to_str().unwrap();
    let url = app.test_db.url.clone();
    let paid = || -> i64 {
        payments::table
            .count()
            .get_result(&mut app.db.get().unwrap())
            .unwrap()
    };

    // No token: refused, nothing written.
    let out = staffpay_as(&url, None, &["payments", "import", file, "--unit", "79"]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("STAFFPAY_TOKEN"), "{err}");
    assert_eq!(paid(), 0);
    // A reviewer's token: the role may not record payments.
    let out = staffpay_as(
        &url,
        Some(&f.reviewer),
        &["payments", "import", file, "--unit", "79"],
    );
    assert!(!out.status.success());
    assert_eq!(paid(), 0);
    // The case's approver: separation of duties, as through the API.
    let out = staffpay_as(
        &url,
        Some(&approver),
        &["payments", "import", file, "--unit", "79", "--json"],
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(report["outcome"], "rejected", "{report}");
    assert!(
        report.to_string().contains("SEPARATION_OF_DUTIES"),
        "{report}"
    );
    assert_eq!(paid(), 0);
    // A payment officer: recorded, and the audit trail names them.
    let out = staffpay_as(
        &url,
        Some(&f.officer),
        &["payments", "import", file, "--unit", "79", "--json"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(paid(), 1);
    let actors: Vec<String> = audit_events::table
        .filter(audit_events::action.like("import.%"))
        .select(audit_events::actor)
        .load(&mut app.db.get().unwrap())
        .unwrap();
    assert!(actors.contains(&"mof".to_owned()), "{actors:?}");
    assert!(!actors.contains(&"cli".to_owned()), "{actors:?}");
}
both_backends!(the_command_line_acts_as_the_tokens_user);
