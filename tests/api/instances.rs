//! Two service instances on one database behave as one: a token or page session from one is
//! accepted by the other, a status-page lockout earned on one holds on the other, and a case
//! approved on one is seen approved (and not approvable again) on the other. Nothing that must
//! be shared lives in one process's memory.

use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, case_with_code, csrf_of, version_of, with_demo};

const PW: &str = "correct horse battery staple";

/// A second instance of the service on the first one's database; returns its base URL.
fn second_instance(app: &TestApp) -> String {
    app.instance_with_policy(None)
}

async fn form(
    client: &awc::Client,
    url: &str,
    cookie: Option<&str>,
    pairs: &[(&str, &str)],
) -> (u16, String, String) {
    let mut req = client.post(url);
    if let Some(c) = cookie {
        req = req.insert_header(("cookie", c.to_string()));
    }
    let mut resp = req
        .insert_header(("content-type", "application/x-www-form-urlencoded"))
        .send_body(serde_urlencoded::to_string(pairs).unwrap())
        .await
        .unwrap();
    let cookie = resp
        .headers()
        .get("set-cookie")
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_string())
        .unwrap_or_default();
    let body = String::from_utf8_lossy(&resp.body().limit(8 << 20).await.unwrap()).into_owned();
    (resp.status().as_u16(), cookie, body)
}

async fn two_instances_behave_as_one(backend: Backend) {
    let one = TestApp::spawn(backend).await;
    let two = second_instance(&one);
    let client = awc::Client::builder().disable_redirects().finish();
    with_demo(&one, 20, false);
    let (case, nid, code) = case_with_code(&one, &["submitted"]);
    one.user("rev", Role::MohaReviewer, &["VN"], PW);

    // An API login on one; the token works on two.
    let login = one
        .call(
            "POST",
            "/api/v1/auth/login",
            None,
            Some(r#"{"username":"rev","password":"correct horse battery staple"}"#),
        )
        .await;
    assert_eq!(login.status, 200, "{:?}", login.body);
    let token = login.body["token"].as_str().unwrap().to_string();
    let mut me = client
        .get(format!("{two}/api/v1/me"))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(me.status().as_u16(), 200);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["username"], "rev");

    // A page session from one opens pages on two; a case approved through two is approved
    // for one (and a second approval of the same version is refused on either).
    let (form_cookie, login_csrf) = crate::helpers::login_form(&one).await;
    let (status, cookie, _) = form(
        &client,
        &format!("{}/dang-nhap", one.base),
        Some(&form_cookie),
        &[("username", "rev"), ("password", PW), ("csrf", &login_csrf)],
    )
    .await;
    assert_eq!(status, 303);
    let mut page = client
        .get(format!("{two}/ho-so/{case}"))
        .insert_header(("cookie", cookie.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status().as_u16(), 200);
    let body = String::from_utf8_lossy(&page.body().await.unwrap()).into_owned();
    let csrf = csrf_of(&body);
    let version = version_of(&one, case);
    let (status, _, _) = form(
        &client,
        &format!("{two}/ho-so/{case}/thao-tac"),
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("action", "approve"),
            ("version", &version),
            // Past the confirmation step of large approvals.
            ("confirm", "1"),
        ],
    )
    .await;
    assert_eq!(status, 303);
    let seen = one
        .get(&format!("/api/v1/cases/{case}"), Some(&token))
        .await;
    assert_eq!(seen.body["state"], "approved");
    let (status, _, _) = form(
        &client,
        &format!("{}/ho-so/{case}/thao-tac", one.base),
        Some(&cookie),
        &[
            ("csrf", &csrf),
            ("action", "approve"),
            ("version", &version),
        ],
    )
    .await;
    assert_eq!(
        status, 409,
        "a stale form is refused on the other instance too"
    );

    // Failed status lookups on one lock the id on two, even for the right code.
    for _ in 0..5 {
        let (status, _, _) = form(
            &client,
            &format!("{}/tra-cuu", one.base),
            None,
            &[("national_id", &nid), ("code", "AAAA-BBBB-CCCC")],
        )
        .await;
        assert_eq!(status, 200);
    }
    let (status, _, _) = form(
        &client,
        &format!("{two}/tra-cuu"),
        None,
        &[("national_id", &nid), ("code", &code)],
    )
    .await;
    assert_eq!(status, 429, "the lock holds on the other instance");

    // Signing out on two ends the session on one.
    let (status, _, _) = form(
        &client,
        &format!("{two}/dang-xuat"),
        Some(&cookie),
        &[("csrf", &csrf)],
    )
    .await;
    assert_eq!(status, 303);
    let after = client
        .get(format!("{}/", one.base))
        .insert_header(("cookie", cookie.clone()))
        .send()
        .await
        .unwrap();
    assert_eq!(after.status().as_u16(), 303);
}
both_backends!(two_instances_behave_as_one);
