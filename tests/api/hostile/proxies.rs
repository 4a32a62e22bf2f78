//! Item 4: behind a load balancer. Forwarding headers are believed only from the
//! `trusted_proxies`; then throttles key on the real client, not on the balancer.

use futures_util::future::join_all;
use staffpay::http::client::TrustedProxies;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

/// A sign-in with a wrong password, sent with `forwarded` as `X-Forwarded-For`.
async fn wrong_login(app: &TestApp, username: &str, forwarded: &str) -> u16 {
    app.client
        .post(format!("{}/api/v1/auth/login", app.base))
        .insert_header(("content-type", "application/json"))
        .insert_header(("x-forwarded-for", forwarded))
        .send_body(
            serde_json::json!({"username": username, "password": "not the password"}).to_string(),
        )
        .await
        .unwrap()
        .status()
        .as_u16()
}

/// 20 failed sign-ins (the address limit) from `forwarded`, in parallel.
async fn lock_out(app: &TestApp, forwarded: &str) {
    let names: Vec<String> = (0..20).map(|i| format!("nobody{i}")).collect();
    let statuses = join_all(names.iter().map(|n| wrong_login(app, n, forwarded))).await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
}

async fn forwarded_addresses_are_ignored_by_default(backend: Backend) {
    let app = &TestApp::spawn(backend).await;
    // A client cannot escape the address limit by making up X-Forwarded-For values: every
    // one of them is the same peer.
    let names: Vec<String> = (0..20).map(|i| format!("nobody{i}")).collect();
    let statuses = join_all(
        names
            .iter()
            .enumerate()
            .map(|(i, n)| async move { wrong_login(app, n, &format!("198.51.100.{i}")).await }),
    )
    .await;
    assert!(statuses.iter().all(|s| *s == 401), "{statuses:?}");
    assert_eq!(wrong_login(app, "someone", "203.0.113.77").await, 429);
}
both_backends!(forwarded_addresses_are_ignored_by_default);

async fn behind_a_trusted_proxy_the_client_is_throttled(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| {
        s.trusted_proxies = TrustedProxies::parse(["127.0.0.0/8", "10.0.0.0/8"]).unwrap();
    })
    .await;
    // One client behind the balancer locks itself out ...
    lock_out(&app, "198.51.100.1").await;
    assert_eq!(wrong_login(&app, "someone", "198.51.100.1").await, 429);
    // ... also when it puts a made-up address in front (the rightmost untrusted hop counts),
    // or comes through a second trusted proxy ...
    assert_eq!(
        wrong_login(&app, "someone", "6.6.6.6, 198.51.100.1").await,
        429
    );
    assert_eq!(
        wrong_login(&app, "someone", "198.51.100.1, 10.1.2.3").await,
        429
    );
    // ... and everybody else behind the same balancer can still sign in.
    assert_eq!(wrong_login(&app, "someone", "198.51.100.2").await, 401);

    // The status page keys on the same address.
    let lookup = |forwarded: &'static str| {
        let app = &app;
        async move {
            app.client
                .post(format!("{}/tra-cuu", app.base))
                .insert_header(("content-type", "application/x-www-form-urlencoded"))
                .insert_header(("x-forwarded-for", forwarded))
                .send_body("national_id=079085000001&code=AAAA-BBBB-CCCC")
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    let mut conn = app.db.get().unwrap();
    staffpay::auth::throttle::clear(&mut conn, "login:addr:198.51.100.1").unwrap();
    drop(conn);
    assert_eq!(lookup("198.51.100.9").await, 200);
    let entry = {
        let mut conn = app.db.get().unwrap();
        staffpay::db::audit::recent(&mut conn, 1).unwrap().remove(0)
    };
    assert_eq!(entry.action, "status.lookup_failed");
    assert!(
        entry
            .after_json
            .as_deref()
            .unwrap_or_default()
            .contains("198.51.100.9"),
        "the audit records the client: {:?}",
        entry.after_json
    );
}
both_backends!(behind_a_trusted_proxy_the_client_is_throttled);
