//! Test harness: every test owns its database (a temporary SQLite file, or a fresh PostgreSQL
//! database dropped afterwards) and a real server on port 0.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::TimeDelta;
use diesel::{Connection, PgConnection, RunQueryDsl};
use serde_json::Value;
use staffpay::auth::SecretKeys;
use staffpay::auth::login::{KIND_API, issue_token};
use staffpay::config::{Overrides, Settings};
use staffpay::db::{Db, now, units, users};
use staffpay::domain::access::Role;
use staffpay::domain::ids::{CaseId, TokenId, UnitId, UserId};
use staffpay::http::{AppState, Application};

/// Which backend a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// PostgreSQL server for tests: `TEST_DATABASE_URL`, else the machine's local server, without
/// TLS (loopback; and pooled connections still open when the test process exits would race
/// OpenSSL's exit-time cleanup — seen once as a segfault in libcrypto after all tests passed).
pub fn postgres_admin_url() -> String {
    std::env::var("TEST_DATABASE_URL").unwrap_or_else(|_| {
        "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable".to_string()
    })
}

/// A database that exists for one test.
pub struct TestDb {
    pub url: String,
    #[allow(dead_code, reason = "kept for diagnostics")]
    pub backend: Backend,
    _dir: Option<tempfile::TempDir>,
    pg_name: Option<String>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name() -> String {
    format!(
        "staffpay_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed),
        rand_suffix()
    )
}

fn rand_suffix() -> u32 {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    nanos % 100_000
}

/// Replaces the database name of a PostgreSQL URL.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut out = format!("{}/{}", &base[..path_start], name);
    if let Some(q) = query {
        out.push('?');
        out.push_str(q);
    }
    out
}

impl TestDb {
    pub fn new(backend: Backend) -> TestDb {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().unwrap();
                let url = dir.path().join("staffpay.db").display().to_string();
                TestDb {
                    url,
                    backend,
                    _dir: Some(dir),
                    pg_name: None,
                }
            }
            Backend::Postgres => {
                let admin = postgres_admin_url();
                let name = unique_name();
                let mut conn = PgConnection::establish(&admin).unwrap_or_else(|e| {
                    panic!("PostgreSQL for tests at TEST_DATABASE_URL / 127.0.0.1:5432: {e}")
                });
                diesel::sql_query(format!("CREATE DATABASE {name}"))
                    .execute(&mut conn)
                    .unwrap();
                TestDb {
                    url: with_database(&admin, &name),
                    backend,
                    _dir: None,
                    pg_name: Some(name),
                }
            }
        }
    }

    /// Drops and recreates the PostgreSQL database (empty), or removes the SQLite file.
    pub fn pg_drop(&self) {
        if let Some(name) = &self.pg_name {
            let mut conn = PgConnection::establish(&postgres_admin_url()).unwrap();
            diesel::sql_query(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                .execute(&mut conn)
                .unwrap();
        }
    }

    pub fn pg_create(&self) {
        if let Some(name) = &self.pg_name {
            let mut conn = PgConnection::establish(&postgres_admin_url()).unwrap();
            diesel::sql_query(format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .unwrap();
        }
    }

    /// An API token of a nationwide administrator, for command-line runs that change case or
    /// payment data (`STAFFPAY_TOKEN`). Hashed with the key kept in the database, as a command
    /// without `STAFFPAY_SECRET_KEY` reads it.
    pub fn cli_token(&self) -> String {
        cli_token_at(&self.url)
    }

    pub fn settings(&self) -> Settings {
        settings_for(&self.url)
    }
}

/// Test settings for the database at `url`.
fn settings_for(url: &str) -> Settings {
    Settings::resolve(Overrides {
        bind: Some("127.0.0.1:0".into()),
        database_url: Some(url.to_owned()),
        pool_size: Some(4),
        secret_key: Some("test-secret-key-test-secret-key-0123456789".into()),
        policy_dir: Some(concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables").into()),
        ..Default::default()
    })
    .unwrap()
}

/// [`TestDb::cli_token`] for any database URL (a private PostgreSQL cluster, say).
pub fn cli_token_at(url: &str) -> String {
    cli_token_keyed(url, None)
}

/// [`cli_token_at`] for commands run with `STAFFPAY_SECRET_KEY` = `secret`.
pub fn cli_token_keyed(url: &str, secret: Option<&str>) -> String {
    {
        let settings = Settings::resolve(Overrides {
            database_url: Some(url.to_owned()),
            pool_size: Some(2),
            secret_key: secret.map(str::to_owned),
            policy_dir: Some(concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables").into()),
            ..Default::default()
        })
        .unwrap();
        let db = staffpay::startup::prepare_database(&settings).unwrap();
        let mut conn = db.get().unwrap();
        let keys = SecretKeys::load(&settings, &mut conn).unwrap();
        let vn = units::find_by_code(&mut conn, "VN").unwrap().unwrap().id;
        let hash = staffpay::auth::password::hash("command line operator").unwrap();
        let name = format!("cli-admin-{}", COUNTER.fetch_add(1, Ordering::Relaxed));
        let user = users::insert(&mut conn, &name, Role::Admin.as_str(), &hash, &[vn])
            .unwrap()
            .id;
        issue_token(
            &mut conn,
            &keys,
            user,
            KIND_API,
            "cli",
            now() + TimeDelta::hours(2),
        )
        .unwrap()
        .token
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        self.pg_drop();
    }
}

/// A running server on its own database.
pub struct TestApp {
    pub base: String,
    pub db: Db,
    pub keys: SecretKeys,
    pub client: awc::Client,
    pub test_db: TestDb,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: awc::http::header::HeaderMap,
    pub body: Value,
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// As [`TestApp::spawn`], with settings changed by `adjust`.
    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> TestApp {
        let test_db = TestDb::new(backend);
        let mut settings = test_db.settings();
        adjust(&mut settings);
        let db = staffpay::startup::prepare_database(&settings).unwrap();
        let state: AppState = staffpay::startup::app_state(settings, db.clone()).unwrap();
        let keys = (*state.keys).clone();
        let app = Application::build(state).unwrap();
        let base = format!("http://127.0.0.1:{}", app.port());
        actix_web::rt::spawn(app.into_server());
        TestApp {
            base,
            db,
            keys,
            client: awc::Client::builder()
                .timeout(std::time::Duration::from_secs(60))
                .finish(),
            test_db,
        }
    }

    /// Another instance of the service on this test's database, reading its policy tables from
    /// `policy_dir` (default: the shipped ones); returns its base URL.
    pub fn instance_with_policy(&self, policy_dir: Option<&std::path::Path>) -> String {
        let mut settings = self.test_db.settings();
        if let Some(dir) = policy_dir {
            settings.policy_dir = Some(dir.to_path_buf());
        }
        let db = staffpay::startup::prepare_database(&settings).unwrap();
        let state = staffpay::startup::app_state(settings, db).unwrap();
        let server = Application::build(state).unwrap();
        let base = format!("http://127.0.0.1:{}", server.port());
        actix_web::rt::spawn(server.into_server());
        base
    }

    /// Sends a request with an optional bearer token and JSON body.
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
    ) -> Reply {
        self.call_as(method, path, token, body, "application/json")
            .await
    }

    /// Sends a request with a body of the given content type.
    pub async fn call_as(
        &self,
        method: &str,
        path: &str,
        token: Option<&str>,
        body: Option<&str>,
        content_type: &str,
    ) -> Reply {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let mut req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        if let Some(token) = token {
            req = req.insert_header(("authorization", format!("Bearer {token}")));
        }
        let mut resp = match body {
            Some(body) => req
                .insert_header(("content-type", content_type.to_string()))
                .send_body(body.to_string())
                .await
                .unwrap(),
            None => req.send().await.unwrap(),
        };
        let bytes = resp.body().limit(64 * 1024 * 1024).await.unwrap();
        let body = if bytes.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&bytes)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
        };
        Reply {
            status: resp.status().as_u16(),
            headers: resp.headers().clone(),
            body,
        }
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Reply {
        self.call("GET", path, token, None).await
    }

    /// Uploads a roster (CSV text) for `unit` as the token's user; returns the import report.
    pub async fn upload_roster(&self, token: &str, unit: &str, csv: &str) -> Value {
        let reply = self
            .upload(token, &format!("/api/v1/imports?unit={unit}"), "r.csv", csv)
            .await;
        assert_eq!(reply.status, 200, "{:?}", reply.body);
        reply.body
    }

    /// Uploads `content` as the multipart field `file` named `file_name` to `path`.
    pub async fn upload(&self, token: &str, path: &str, file_name: &str, content: &str) -> Reply {
        let body = format!(
            "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--B--\r\n"
        );
        self.call_as(
            "POST",
            path,
            Some(token),
            Some(&body),
            "multipart/form-data; boundary=B",
        )
        .await
    }

    /// Creates a user with a password and returns their id.
    pub fn user(&self, username: &str, role: Role, unit_codes: &[&str], password: &str) -> UserId {
        let mut conn = self.db.get().unwrap();
        let ids: Vec<UnitId> = unit_codes
            .iter()
            .map(|c| units::find_by_code(&mut conn, c).unwrap().unwrap().id)
            .collect();
        let hash = staffpay::auth::password::hash(password).unwrap();
        users::insert(&mut conn, username, role.as_str(), &hash, &ids)
            .unwrap()
            .id
    }

    /// Issues a token for a user, valid for `valid_for` (negative: already expired).
    pub fn token(&self, user_id: UserId, valid_for: TimeDelta) -> (String, TokenId) {
        let mut conn = self.db.get().unwrap();
        let issued = issue_token(
            &mut conn,
            &self.keys,
            user_id,
            KIND_API,
            "test",
            now() + valid_for,
        )
        .unwrap();
        (issued.token, issued.token_id)
    }
}

/// The shipped policy tables in a temporary folder, with the 2024–2026 base salary changed to
/// `amount` and the base-salary table's version set to `version` (a policy change).
pub fn policy_with_base(amount: u32, version: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables");
    for entry in std::fs::read_dir(src).unwrap() {
        let path = entry.unwrap().path();
        let mut text = std::fs::read_to_string(&path).unwrap();
        if path.file_name().unwrap() == "base_salary.toml" {
            assert!(text.contains("amount_vnd = 2340000"));
            text = text
                .replace("amount_vnd = 2340000", &format!("amount_vnd = {amount}"))
                .replace("version = \"2026.2\"", &format!("version = \"{version}\""));
        }
        std::fs::write(dir.path().join(path.file_name().unwrap()), text).unwrap();
    }
    dir
}

/// Runs an async test body against SQLite and against PostgreSQL, as two tests.
#[macro_export]
macro_rules! both_backends {
    ($name:ident) => {
        mod $name {
            #[actix_web::test]
            async fn sqlite() {
                super::$name($crate::helpers::Backend::Sqlite).await
            }
            #[actix_web::test]
            async fn postgres() {
                super::$name($crate::helpers::Backend::Postgres).await
            }
        }
    };
}

/// The demo data: reference units, `people` synthetic people with computed entitlements and,
/// with `activity`, cases moved through every state with payments and a statement.
pub fn with_demo(app: &TestApp, people: usize, activity: bool) {
    let settings = app.test_db.settings();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    let mut conn = app.db.get().unwrap();
    staffpay::demo::load(&mut conn).unwrap();
    staffpay::demo::load_people(&mut conn, &policy, people).unwrap();
    if activity {
        staffpay::demo::load_activity(&mut conn, &settings.matching).unwrap();
    }
}

/// A web page's answer as a browser would see it (redirects not followed).
pub struct Page {
    pub status: u16,
    /// The `name=value` part of `Set-Cookie`.
    pub cookie: Option<String>,
    pub set_cookie: Option<String>,
    pub location: Option<String>,
    pub body: String,
    pub bytes: Vec<u8>,
}

/// Content type of an HTML form.
pub const FORM: &str = "application/x-www-form-urlencoded";

/// Sends a request to the service's web pages: `body` is `(content type, bytes)`.
pub async fn send_page(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    body: Option<(&str, String)>,
) -> Page {
    let client = awc::Client::builder()
        .disable_redirects()
        .timeout(std::time::Duration::from_secs(30))
        .finish();
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut req = client.request(method, format!("{}{}", app.base, path));
    if let Some(c) = cookie {
        req = req.insert_header(("cookie", c.to_string()));
    }
    let mut resp = match body {
        Some((content_type, bytes)) => req
            .insert_header(("content-type", content_type.to_string()))
            .send_body(bytes)
            .await
            .unwrap(),
        None => req.send().await.unwrap(),
    };
    let header = |name: &str| {
        resp.headers()
            .get(name)
            .map(|v| v.to_str().unwrap().to_string())
    };
    let set_cookie = header("set-cookie");
    let location = header("location");
    let bytes = resp.body().limit(16 * 1024 * 1024).await.unwrap();
    Page {
        status: resp.status().as_u16(),
        cookie: set_cookie
            .as_ref()
            .map(|c| c.split(';').next().unwrap().to_string()),
        set_cookie,
        location,
        body: String::from_utf8_lossy(&bytes).into_owned(),
        bytes: bytes.to_vec(),
    }
}

/// A fresh lookup code for a case (as the agency issues one).
pub fn lookup_code(app: &TestApp, case: i64) -> String {
    let mut conn = app.db.get().unwrap();
    staffpay::services::case_review::issue_lookup_code(
        &mut conn,
        &app.keys,
        &staffpay::services::Actor::cli(),
        CaseId(case),
    )
    .unwrap()
}

/// The first case (by id) in one of `states`, with its person's national id and a fresh lookup
/// code: (case, national id, code).
pub fn case_with_code(app: &TestApp, states: &[&str]) -> (i64, String, String) {
    use diesel::prelude::*;
    use staffpay::db::schema::{cases, people};
    let (case, nid): (i64, String) = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .inner_join(people::table)
            .filter(cases::state.eq_any(states))
            .order(cases::id.asc())
            .select((cases::id, people::national_id))
            .first(&mut conn)
            .unwrap()
    };
    (case, nid, lookup_code(app, case))
}

/// The CSRF field of a page's form.
pub fn csrf_of(body: &str) -> String {
    let at = body.find("name=\"csrf\" value=\"").expect("csrf field") + 19;
    body[at..].split('"').next().unwrap().to_string()
}

/// A case's current version, as a form field.
pub fn version_of(app: &TestApp, case: i64) -> String {
    use diesel::prelude::*;
    use staffpay::db::schema::cases;
    let mut conn = app.db.get().unwrap();
    cases::table
        .find(case)
        .select(cases::version)
        .first::<i32>(&mut conn)
        .unwrap()
        .to_string()
}

/// The body of a review action on `case` at its current version, with `more` fields
/// (`""`, or e.g. `,"reason":"..."`).
pub fn action_body(app: &TestApp, case: i64, more: &str) -> String {
    format!(r#"{{"version":{}{more}}}"#, version_of(app, case))
}

/// The sign-in form's pre-session cookie and form token, as a browser gets them from
/// `GET /dang-nhap`.
pub async fn login_form(app: &TestApp) -> (String, String) {
    let page = send_page(app, "GET", "/dang-nhap", None, None).await;
    (
        page.cookie.expect("the sign-in form sets its cookie"),
        csrf_of(&page.body),
    )
}

/// A JSON object `body` with the case's current `version` added (a payment as a client that
/// has just read the case sends it).
pub fn with_version(app: &TestApp, case: i64, body: &str) -> String {
    let mut value: Value = serde_json::from_str(body).expect("a JSON object");
    value["version"] = serde_json::json!(version_of(app, case).parse::<i64>().unwrap());
    value.to_string()
}

/// The text of an HTML page a person reads: tags (and so attribute values such as option
/// values and links) removed, the common entities decoded.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    let mut in_style = false;
    let lower = html.to_ascii_lowercase();
    let mut i = 0;
    for (at, ch) in html.char_indices() {
        if at < i {
            continue;
        }
        if in_style {
            if lower[at..].starts_with("</style>") {
                in_style = false;
                i = at + "</style>".len();
            }
            continue;
        }
        match ch {
            '<' => {
                in_tag = true;
                if lower[at..].starts_with("<style") {
                    in_style = true;
                }
            }
            '>' if in_tag => {
                in_tag = false;
                out.push(' ');
            }
            _ if !in_tag => out.push(ch),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
}

/// `word` in `text` as a whole word (not inside a longer word or code).
fn has_word(text: &str, word: &str) -> bool {
    let part = |c: char| c.is_alphanumeric() || c == '_' || c == '.';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(part) && !after.is_some_and(part)
    })
}

/// Fails when a Vietnamese page shows what a person should not read: a JSON body, an
/// English legal basis, a raw code of the project's vocabularies (states, flags, actions,
/// methods, outcomes), or a comma-grouped number.
pub fn assert_reads_vietnamese(what: &str, html: &str) {
    let trimmed = html.trim_start();
    assert!(
        !trimmed.starts_with('{') && !trimmed.starts_with('['),
        "{what}: a JSON body: {html}"
    );
    // The page's title is text: markup there is a template that put its content in the
    // wrong block (the browser shows none of it).
    if let (Some(start), Some(end)) = (html.find("<title>"), html.find("</title>")) {
        let title = &html[start + 7..end];
        assert!(
            !title.contains('<'),
            "{what}: markup in the page's <title>: {title}"
        );
    }
    let text = visible_text(html);
    for english in [
        "Decree ",
        "Circular ",
        "Resolution ",
        "Social Insurance Law",
        "Art. ",
    ] {
        assert!(
            !text.contains(english),
            "{what}: an English legal basis ('{english}') in: {text}"
        );
    }
    let mut codes: Vec<&str> = staffpay::domain::case_state::CaseState::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    codes.extend(
        staffpay::domain::case_state::ActionKind::ALL
            .iter()
            .map(|a| a.as_str()),
    );
    codes.extend(
        staffpay::domain::flags::FlagKind::ALL
            .iter()
            .map(|k| k.as_str()),
    );
    codes.extend([
        "transfer", "cash", "imported", "rejected", "partial", "dry_run", "reversal",
    ]);
    for code in codes {
        assert!(
            !has_word(&text, code),
            "{what}: the raw code '{code}' in: {text}"
        );
    }
    let chars: Vec<char> = text.chars().collect();
    for w in chars.windows(5) {
        let grouped =
            w[0].is_ascii_digit() && w[1] == ',' && w[2..].iter().all(char::is_ascii_digit);
        assert!(!grouped, "{what}: a comma-grouped number in: {text}");
    }
}
