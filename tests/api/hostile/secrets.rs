//! Item 7: secrets and personal data. A rejected secret is neither echoed nor logged; API
//! answers are not cached or sniffed; the sign-in form carries a CSRF token.

use std::io::Read;
use std::process::{Command, Stdio};

use staffpay::domain::access::Role;

use super::PW;
use crate::both_backends;
use crate::helpers::{self, Backend, FORM, TestApp, TestDb, send_page};

const SECRET: &str = "12345678901234";

/// Login bodies whose password is not a string: the value must not come back.
fn rejected_passwords() -> Vec<String> {
    vec![
        format!(r#"{{"username":"adm","password":{SECRET}}}"#),
        format!(r#"{{"username":"adm","password":[{SECRET}]}}"#),
        format!(r#"{{"username":"adm","password":{{"p":"{SECRET}"}}}}"#),
        format!(r#"{{"username":"adm","password":"x","pass":"{SECRET}"}}"#),
        format!(r#"{{"username":{SECRET},"password":"x"}}"#),
    ]
}

async fn rejected_secrets_are_not_echoed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    for body in rejected_passwords() {
        let reply = app
            .call("POST", "/api/v1/auth/login", None, Some(&body))
            .await;
        assert_eq!(reply.status, 400, "{body}: {:?}", reply.body);
        assert_eq!(reply.body["error"]["code"], "invalid_json");
        let text = reply.body.to_string();
        assert!(!text.contains(SECRET), "{body} echoed: {text}");
        assert!(text.contains("line 1"), "still says where: {text}");
    }
}
both_backends!(rejected_secrets_are_not_echoed);

/// The real binary's log, at the most verbose level, never carries the rejected value.
#[test]
fn rejected_secrets_are_not_logged() {
    let db = TestDb::new(Backend::Sqlite);
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut server = Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .args(["--database-url", &db.url])
        .args([
            "--policy-dir",
            concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables"),
        ])
        .env("RUST_LOG", "trace")
        .env_remove("STAFFPAY_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{port}/api/v1/auth/login");
    let mut answered = 0;
    for _ in 0..100 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
    }
    actix_web::rt::System::new().block_on(async {
        let client = awc::Client::default();
        for body in rejected_passwords() {
            let resp = client
                .post(&url)
                .insert_header(("content-type", "application/json"))
                .send_body(body)
                .await
                .unwrap();
            assert_eq!(resp.status().as_u16(), 400);
            answered += 1;
        }
    });
    server.kill().unwrap();
    let mut log = String::new();
    server
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut log)
        .unwrap();
    server.wait().unwrap();
    assert_eq!(answered, 5);
    assert!(
        log.contains("invalid_json"),
        "the refusals are logged: {log}"
    );
    assert!(
        !log.contains(SECRET),
        "a rejected value reached the log:\n{log}"
    );
}

async fn api_answers_are_neither_cached_nor_sniffed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.user("adm", Role::Admin, &[], PW);
    let (token, _) = app.token(admin, chrono::TimeDelta::hours(1));
    let replies = [
        ("me", app.get("/api/v1/me", Some(&token)).await),
        ("units", app.get("/api/v1/units", Some(&token)).await),
        ("401", app.get("/api/v1/cases", None).await),
        ("404", app.get("/api/v1/no-such-thing", Some(&token)).await),
        ("openapi", app.get("/api/v1/openapi.json", None).await),
        (
            "400",
            app.call("POST", "/api/v1/auth/login", None, Some("{"))
                .await,
        ),
        ("xlsx", app.get("/api/v1/audit.xlsx", Some(&token)).await),
    ];
    for (what, reply) in replies {
        let header = |name: &str| {
            reply
                .headers
                .get(name)
                .map(|v| v.to_str().unwrap().to_string())
        };
        assert_eq!(
            header("cache-control").as_deref(),
            Some("no-store"),
            "{what}"
        );
        assert_eq!(
            header("x-content-type-options").as_deref(),
            Some("nosniff"),
            "{what}"
        );
    }
}
both_backends!(api_answers_are_neither_cached_nor_sniffed);

async fn the_sign_in_form_needs_its_token(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let post = |cookie: Option<String>, csrf: Option<String>| {
        let mut fields = vec![
            ("username", "rev".to_string()),
            ("password", PW.to_string()),
        ];
        if let Some(csrf) = csrf {
            fields.push(("csrf", csrf));
        }
        let body = serde_urlencoded::to_string(&fields).unwrap();
        let app = &app;
        async move {
            send_page(
                app,
                "POST",
                "/dang-nhap",
                cookie.as_deref(),
                Some((FORM, body)),
            )
            .await
        }
    };
    let (cookie, csrf) = helpers::login_form(&app).await;
    let (other_cookie, other_csrf) = helpers::login_form(&app).await;
    assert_ne!(csrf, other_csrf, "every browser gets its own token");
    for (what, cookie, csrf) in [
        ("a cross-site post: no cookie, no token", None, None),
        ("no token", Some(cookie.clone()), None),
        ("no cookie", None, Some(csrf.clone())),
        (
            "another browser's token",
            Some(cookie.clone()),
            Some(other_csrf.clone()),
        ),
        (
            "a made-up token",
            Some(other_cookie.clone()),
            Some("0".repeat(64)),
        ),
    ] {
        let page = post(cookie, csrf).await;
        assert_eq!(page.status, 403, "{what}");
        assert!(
            !page
                .set_cookie
                .unwrap_or_default()
                .contains("staffpay_session"),
            "{what}: no session"
        );
        assert!(page.body.contains("name=\"csrf\""), "{what}: a fresh form");
    }
    let page = post(Some(cookie), Some(csrf)).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(page.set_cookie.unwrap().contains("staffpay_session"));
}
both_backends!(the_sign_in_form_needs_its_token);
