//! The audit trail over HTTP: filtered by case, unit and action, within the caller's units,
//! exported to a workbook; report downloads and policy loads are recorded.

#![allow(clippy::cast_possible_truncation)] // spreadsheet numbers are f64

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use chrono::TimeDelta;
use serde_json::Value;
use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, with_demo};

const PW: &str = "correct horse battery staple";

fn events(reply: &Value) -> &Vec<Value> {
    reply["events"].as_array().expect("events")
}

async fn audit_trail_filters_and_scopes(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 150, true);
    let reviewer = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let (token, _) = app.token(reviewer, TimeDelta::hours(1));

    let all = app.get("/api/v1/audit?limit=5000", Some(&token)).await;
    assert_eq!(all.status, 200, "{:?}", all.body);
    let all = events(&all.body);
    let actions: std::collections::HashSet<&str> =
        all.iter().map(|e| e["action"].as_str().unwrap()).collect();
    for expected in ["policy.load", "import.roster", "case.approve", "case.fund"] {
        assert!(actions.contains(expected), "{expected} in {actions:?}");
    }
    let ids: Vec<i64> = all.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first");

    // One case: only its events.
    let case_id = all
        .iter()
        .find(|e| e["action"] == "case.approve")
        .and_then(|e| e["case_id"].as_i64())
        .unwrap();
    let one = app
        .get(&format!("/api/v1/audit?case={case_id}"), Some(&token))
        .await;
    assert_eq!(one.status, 200);
    assert!(!events(&one.body).is_empty());
    assert!(events(&one.body).iter().all(|e| e["case_id"] == case_id));

    // By action prefix, and paging.
    let approvals = app
        .get("/api/v1/audit?action=case.appr&limit=2", Some(&token))
        .await;
    let page = events(&approvals.body);
    assert_eq!(page.len(), 2);
    assert!(page.iter().all(|e| e["action"] == "case.approve"));
    let next = approvals.body["next_before_id"].as_i64().unwrap();
    let page2 = app
        .get(
            &format!("/api/v1/audit?action=case.approve&limit=2&before_id={next}"),
            Some(&token),
        )
        .await;
    assert!(
        events(&page2.body)
            .iter()
            .all(|e| e["id"].as_i64().unwrap() < next)
    );

    // A reviewer of one province sees that province's events only, never logins or policy.
    let local = app.user("rev79", Role::MohaReviewer, &["79"], PW);
    let (local, _) = app.token(local, TimeDelta::hours(1));
    let mine = app.get("/api/v1/audit?limit=5000", Some(&local)).await;
    assert_eq!(mine.status, 200);
    let mine = events(&mine.body);
    assert!(!mine.is_empty());
    assert!(mine.iter().all(|e| !e["unit_code"].is_null()));
    assert!(mine.iter().all(|e| e["action"] != "policy.load"));
    let reply = app.get("/api/v1/audit?unit=01", Some(&local)).await;
    assert_eq!(reply.status, 404, "another province");
    let other_case = all
        .iter()
        .filter_map(|e| e["case_id"].as_i64())
        .find(|id| !mine.iter().any(|e| e["case_id"] == *id))
        .unwrap();
    let reply = app
        .get(&format!("/api/v1/audit?case={other_case}"), Some(&local))
        .await;
    assert_eq!(reply.status, 404, "another unit's case");

    // Roles without the permission; unknown parameters.
    let officer = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let (officer, _) = app.token(officer, TimeDelta::hours(1));
    assert_eq!(app.get("/api/v1/audit", Some(&officer)).await.status, 403);
    assert_eq!(
        app.get("/api/v1/audit?sort=x", Some(&token)).await.status,
        400
    );

    // A report download is recorded, with who and which unit.
    let before = events(&app.get("/api/v1/audit?limit=1", Some(&token)).await.body)[0]["id"]
        .as_i64()
        .unwrap();
    let d = app
        .get("/api/v1/reports/reconciliation.xlsx?unit=79", Some(&token))
        .await;
    assert_eq!(d.status, 200);
    let latest = app
        .get("/api/v1/audit?action=report.&limit=1", Some(&token))
        .await;
    let latest = &events(&latest.body)[0];
    assert!(latest["id"].as_i64().unwrap() > before);
    assert_eq!(latest["action"], "report.reconciliation");
    assert_eq!(latest["actor"], "rev");
    assert_eq!(latest["unit_code"], "79");

    // The export holds the same events.
    let mut resp = app
        .client
        .get(format!("{}/api/v1/audit.xlsx?unit=79&limit=5000", app.base))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let bytes = resp.body().limit(64 * 1024 * 1024).await.unwrap().to_vec();
    let json = app
        .get("/api/v1/audit?unit=79&limit=5000", Some(&token))
        .await;
    let expected: Vec<i64> = events(&json.body)
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    let sheet = book.worksheet_range("Nhật ký").unwrap();
    let got: Vec<i64> = sheet
        .rows()
        .skip(4)
        .filter_map(|r| match r.first() {
            Some(Data::Float(f)) => Some(*f as i64),
            _ => None,
        })
        .collect();
    // Same filter, same events (the export itself records nothing).
    assert_eq!(got, expected);
}
both_backends!(audit_trail_filters_and_scopes);
