//! Item 5: throttles hold under a race. N attempts sent at once get at most the limit of
//! password (or lookup-code) checks, per account, per national id and per address; the rest
//! answer 429 without a check.

use futures_util::future::join_all;
use staffpay::domain::access::Role;

use super::PW;
use crate::both_backends;
use crate::helpers::{Backend, FORM, TestApp, send_page};

/// A server with enough database connections for the attempts to really run side by side.
async fn app(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |s| s.pool_size = 24).await
}

async fn logins(app: &TestApp, usernames: &[String], password: &str) -> Vec<u16> {
    let bodies: Vec<String> = usernames
        .iter()
        .map(|u| serde_json::json!({"username": u, "password": password}).to_string())
        .collect();
    join_all(
        bodies
            .iter()
            .map(|b| app.call("POST", "/api/v1/auth/login", None, Some(b))),
    )
    .await
    .into_iter()
    .map(|r| r.status)
    .collect()
}

fn checked(statuses: &[u16]) -> usize {
    statuses.iter().filter(|s| **s != 429).count()
}

async fn parallel_wrong_passwords_on_one_account(backend: Backend) {
    let app = app(backend).await;
    app.user("target", Role::UnitOfficer, &["79"], PW);
    let names = vec!["target".to_string(); 20];
    let statuses = logins(&app, &names, "not the password").await;
    assert_eq!(
        checked(&statuses),
        5,
        "20 parallel wrong passwords: exactly the limit (5) checked, the rest 429: {statuses:?}"
    );
    assert!(
        statuses.iter().all(|s| matches!(s, 401 | 429)),
        "{statuses:?}"
    );
    // The account is locked now, even for the right password.
    let statuses = logins(&app, &names[..1], PW).await;
    assert_eq!(statuses, vec![429]);
}
both_backends!(parallel_wrong_passwords_on_one_account);

async fn parallel_wrong_passwords_from_one_address(backend: Backend) {
    let app = app(backend).await;
    let names: Vec<String> = (0..40).map(|i| format!("nobody{i}")).collect();
    let statuses = logins(&app, &names, "not the password").await;
    assert_eq!(
        checked(&statuses),
        20,
        "40 parallel sign-ins from one address: exactly the address limit (20) checked: {statuses:?}"
    );
}
both_backends!(parallel_wrong_passwords_from_one_address);

async fn lookups(app: &TestApp, ids: &[String]) -> Vec<u16> {
    join_all(ids.iter().map(|id| {
        let body =
            serde_urlencoded::to_string([("national_id", id.as_str()), ("code", "AAAA-BBBB-CCCC")])
                .unwrap();
        send_page(app, "POST", "/tra-cuu", None, Some((FORM, body)))
    }))
    .await
    .into_iter()
    .map(|p| p.status)
    .collect()
}

async fn parallel_wrong_lookup_codes(backend: Backend) {
    let app = app(backend).await;
    // One national id, 30 wrong codes at once: 5 checked.
    let ids = vec!["079085000001".to_string(); 30];
    let statuses = lookups(&app, &ids).await;
    assert_eq!(checked(&statuses), 5, "per national id: {statuses:?}");
    // From the same address, 40 more ids at once: the address has 15 of its 20 left.
    let ids: Vec<String> = (0..40).map(|i| format!("0790850001{i:02}")).collect();
    let statuses = lookups(&app, &ids).await;
    assert_eq!(checked(&statuses), 15, "per address: {statuses:?}");
}
both_backends!(parallel_wrong_lookup_codes);
