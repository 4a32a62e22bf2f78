//! Login, logout, tokens and throttling.

use chrono::TimeDelta;
use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

const PASSWORD: &str = "a long enough password";

fn login_body(username: &str, password: &str) -> String {
    serde_json::json!({"username": username, "password": password}).to_string()
}

async fn login_me_logout(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("reviewer1", Role::MohaReviewer, &["VN"], PASSWORD);
    let reply = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&login_body("reviewer1", PASSWORD)),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let token = reply.body["token"].as_str().unwrap().to_string();
    assert!(token.starts_with("sp_"));

    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.body["role"], "moha_reviewer");
    assert_eq!(me.body["units"], serde_json::json!(["VN"]));

    assert_eq!(
        app.call("POST", "/api/v1/auth/logout", Some(&token), None)
            .await
            .status,
        204
    );
    let after = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(after.status, 401, "a logged-out token stops working");
    assert_eq!(after.body["error"]["code"], "unauthenticated");
}
both_backends!(login_me_logout);

async fn wrong_password_and_unknown_user_get_the_same_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("officer1", Role::MofOfficer, &["VN"], PASSWORD);
    let wrong = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&login_body("officer1", "not the password")),
        )
        .await;
    let unknown = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&login_body("nobody-here", "not the password")),
        )
        .await;
    assert_eq!(wrong.status, 401);
    assert_eq!(wrong.status, unknown.status);
    assert_eq!(
        wrong.body, unknown.body,
        "nothing reveals whether a user exists"
    );
}
both_backends!(wrong_password_and_unknown_user_get_the_same_answer);

async fn failed_logins_are_throttled_per_user(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("unit1", Role::UnitOfficer, &["79"], PASSWORD);
    for attempt in 0..5 {
        let reply = app
            .call(
                "POST",
                "/api/v1/auth/login",
                None,
                Some(&login_body("unit1", "wrong password!")),
            )
            .await;
        assert_eq!(reply.status, 401, "attempt {attempt}");
    }
    // Locked now: even the right password is refused until the lock ends.
    let reply = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&login_body("unit1", PASSWORD)),
        )
        .await;
    assert_eq!(reply.status, 429, "{:?}", reply.body);
    assert_eq!(reply.body["error"]["code"], "too_many_requests");
    assert!(reply.headers.contains_key("retry-after"));
    // Unknown names are throttled the same way, so the lock reveals nothing.
    for _ in 0..5 {
        app.call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&login_body("ghost", "wrong password!")),
        )
        .await;
    }
    let reply = app
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(&login_body("ghost", "wrong password!")),
        )
        .await;
    assert_eq!(reply.status, 429);
}
both_backends!(failed_logins_are_throttled_per_user);

async fn bad_tokens_are_refused_alike(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let user = app.user("viewer1", Role::NationalViewer, &[], PASSWORD);
    let (expired, _) = app.token(user, TimeDelta::seconds(-1));
    let (revoked, revoked_id) = app.token(user, TimeDelta::hours(1));
    {
        let mut conn = app.db.get().unwrap();
        staffpay::db::users::revoke_token(&mut conn, revoked_id).unwrap();
    }
    let disabled_user = app.user("viewer2", Role::NationalViewer, &[], PASSWORD);
    let (of_disabled, _) = app.token(disabled_user, TimeDelta::hours(1));
    {
        let mut conn = app.db.get().unwrap();
        staffpay::db::users::set_disabled(&mut conn, disabled_user, true).unwrap();
    }
    let long = format!("sp_{}", "a".repeat(5000));
    for token in [
        "garbage",
        "sp_",
        long.as_str(),
        &expired,
        &revoked,
        &of_disabled,
    ] {
        let reply = app.get("/api/v1/units", Some(token)).await;
        assert_eq!(reply.status, 401, "token {}", &token[..token.len().min(12)]);
        assert_eq!(reply.body["error"]["code"], "unauthenticated");
    }
    let reply = app.get("/api/v1/units", None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(
        reply
            .headers
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap()),
        Some("Bearer")
    );
}
both_backends!(bad_tokens_are_refused_alike);

async fn malformed_login_bodies_get_the_envelope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for body in [
        "{",
        "[]",
        r#"{"username":"x"}"#,
        r#"{"username":"","password":"x"}"#,
    ] {
        let reply = app
            .call("POST", "/api/v1/auth/login", None, Some(body))
            .await;
        assert!(
            matches!(reply.status, 400 | 422),
            "{body}: {}",
            reply.status
        );
        assert!(
            reply.body["error"]["code"].is_string(),
            "{body}: {:?}",
            reply.body
        );
    }
}
both_backends!(malformed_login_bodies_get_the_envelope);

async fn logins_and_failures_are_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("admin1", Role::Admin, &[], PASSWORD);
    app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&login_body("admin1", "wrong password!")),
    )
    .await;
    app.call(
        "POST",
        "/api/v1/auth/login",
        None,
        Some(&login_body("admin1", PASSWORD)),
    )
    .await;
    let mut conn = app.db.get().unwrap();
    let actions: Vec<String> = staffpay::db::audit::recent(&mut conn, 10)
        .unwrap()
        .into_iter()
        .map(|e| e.action)
        .filter(|a| a.starts_with("auth."))
        .collect();
    assert_eq!(actions, vec!["auth.login", "auth.login_failed"]);
}
both_backends!(logins_and_failures_are_audited);

async fn oversized_headers_are_refused(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let huge = format!("sp_{}", "x".repeat(128 * 1024));
    let reply = app
        .client
        .get(format!("{}/api/v1/units", app.base))
        .insert_header(("authorization", format!("Bearer {huge}")))
        .send()
        .await;
    // The server may also close the connection on a header this large: a refusal too.
    if let Ok(resp) = reply {
        assert!(
            matches!(resp.status().as_u16(), 400 | 401 | 413 | 431),
            "status {}",
            resp.status()
        );
    }
    assert_eq!(
        app.get("/healthz", None).await.status,
        200,
        "the server keeps answering"
    );
}
both_backends!(oversized_headers_are_refused);
