//! A real browser (headless Chromium driven through ChromeDriver's WebDriver protocol) uses
//! the pages: a reviewer signs in and approves a case, an officer funds it and records its
//! payment, then the person looks the case up on the status page and sees it paid.
//!
//! Needs `chromium` and `chromium-driver` (Debian packages; `.ci/run` installs them). Without
//! them the test says so and passes only outside CI; in CI (`CI` set) it fails.

use std::process::{Child, Command, Stdio};
use std::time::Duration;

use diesel::prelude::*;
use serde_json::{Value, json};
use staffpay::db::schema::cases;
use staffpay::domain::access::Role;

use crate::helpers::{Backend, TestApp, case_with_code, with_demo};

const PW: &str = "correct horse battery staple";
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

/// A ChromeDriver process, killed when dropped.
struct Driver {
    child: Child,
    base: String,
    client: awc::Client,
    session: String,
    _profile: tempfile::TempDir,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Driver {
    async fn start() -> Option<Driver> {
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())?;
        let driver = "/usr/bin/chromedriver";
        if !std::path::Path::new(driver).exists() {
            return None;
        }
        let port = free_port();
        let child = Command::new(driver)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let client = awc::Client::builder()
            .timeout(Duration::from_secs(60))
            .finish();
        let base = format!("http://127.0.0.1:{port}");
        let profile = tempfile::tempdir().unwrap();
        let mut driver = Driver {
            child,
            base,
            client,
            session: String::new(),
            _profile: profile,
        };
        for _ in 0..100 {
            if let Ok(mut r) = driver
                .client
                .get(format!("{}/status", driver.base))
                .send()
                .await
                && r.json::<Value>()
                    .await
                    .is_ok_and(|v| v["value"]["ready"] == true)
            {
                break;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium,
                "args": ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                         format!("--user-data-dir={}", driver._profile.path().display())]
            }
        }}});
        let created = driver.call("POST", "/session", Some(caps)).await;
        driver.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_string();
        Some(driver)
    }

    /// A driver, or `None` (said on standard error) where the browser is not installed —
    /// which fails in CI (`CI` set), where `.ci/run` installs it.
    async fn start_or_skip() -> Option<Driver> {
        let driver = Driver::start().await;
        if driver.is_none() {
            assert!(
                std::env::var_os("CI").is_none(),
                "CI installs chromium and chromium-driver (.ci/run): the browser test must run there"
            );
            eprintln!("chromium or chromedriver not installed: browser test not run");
        }
        driver
    }

    async fn call(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
        let req = self
            .client
            .request(method, format!("{}{}", self.base, path));
        let mut resp = match body {
            Some(b) => req.send_json(&b).await.unwrap(),
            None => req.send().await.unwrap(),
        };
        let value: Value = resp.json().limit(64 * 1024 * 1024).await.unwrap();
        value["value"].clone()
    }

    fn at(&self, path: &str) -> String {
        format!("/session/{}{path}", self.session)
    }

    async fn go(&self, url: &str) {
        self.call("POST", &self.at("/url"), Some(json!({"url": url})))
            .await;
    }

    async fn find(&self, css: &str) -> String {
        let found = self
            .call(
                "POST",
                &self.at("/element"),
                Some(json!({"using": "css selector", "value": css})),
            )
            .await;
        match found[ELEMENT].as_str() {
            Some(id) => id.to_string(),
            None => {
                let page = self.source().await;
                panic!("no element {css} on the page:\n{page}")
            }
        }
    }

    async fn type_into(&self, css: &str, text: &str) {
        let id = self.find(css).await;
        self.call(
            "POST",
            &self.at(&format!("/element/{id}/value")),
            Some(json!({ "text": text })),
        )
        .await;
    }

    async fn click(&self, css: &str) {
        let id = self.find(css).await;
        self.call(
            "POST",
            &self.at(&format!("/element/{id}/click")),
            Some(json!({})),
        )
        .await;
    }

    async fn text(&self, css: &str) -> String {
        let id = self.find(css).await;
        self.call("GET", &self.at(&format!("/element/{id}/text")), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    /// Waits (up to 10 s) until the page holds `needle`: a click that submits a form returns
    /// before the next page has loaded.
    async fn wait_for(&self, needle: &str) -> String {
        let mut page = String::new();
        for _ in 0..100 {
            page = self.source().await;
            if page.contains(needle) {
                return page;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed {needle:?}:\n{page}")
    }

    /// Waits (up to 10 s) until the page holds one of `needles`; its index.
    async fn wait_for_any(&self, needles: &[&str]) -> usize {
        let mut page = String::new();
        for _ in 0..100 {
            page = self.source().await;
            if let Some(i) = needles.iter().position(|n| page.contains(n)) {
                return i;
            }
            actix_web::rt::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the page never showed any of {needles:?}:\n{page}")
    }

    /// Saves a screenshot of the page as `NN-name.png` under the test artifacts folder
    /// (`$CARGO_TARGET_TMPDIR/browser-walk/`) and checks that what the page shows reads in
    /// Vietnamese (no JSON, English legal basis, raw codes or comma-grouped numbers).
    async fn step(&self, n: u32, name: &str) {
        use base64::Engine as _;
        let page = self.source().await;
        crate::helpers::assert_reads_vietnamese(name, &page);
        let png = self.call("GET", &self.at("/screenshot"), None).await;
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(png.as_str().unwrap_or_default())
            .unwrap_or_default();
        assert!(bytes.starts_with(b"\x89PNG"), "{name}: no screenshot");
        let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-walk");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{n:02}-{name}.png")), bytes).unwrap();
    }

    async fn resize(&self, width: u32, height: u32) {
        self.call(
            "POST",
            &self.at("/window/rect"),
            Some(json!({"width": width, "height": height})),
        )
        .await;
    }

    /// The page's width in CSS pixels (wider than the window: the page scrolls sideways).
    async fn page_width(&self) -> i64 {
        self.call(
            "POST",
            &self.at("/execute/sync"),
            Some(json!({"script": "return document.documentElement.scrollWidth", "args": []})),
        )
        .await
        .as_i64()
        .unwrap_or(i64::MAX)
    }

    async fn source(&self) -> String {
        self.call("GET", &self.at("/source"), None)
            .await
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    async fn sign_in(&self, site: &str, user: &str) {
        self.go(&format!("{site}/dang-nhap")).await;
        self.type_into("#username", user).await;
        self.type_into("#password", PW).await;
        self.click("#sign-in").await;
    }

    async fn sign_out(&self) {
        self.click("header button").await;
    }
}

#[actix_web::test]
async fn a_browser_approves_pays_and_the_person_sees_it() {
    let Some(driver) = Driver::start_or_skip().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await;
    with_demo(&app, 20, false);
    let (case, nid, code) = case_with_code(&app, &["submitted"]);
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    app.user("mof", Role::MofOfficer, &["VN"], PW);
    // `localhost`: browsers keep Secure cookies for it over plain HTTP.
    let site = app.base.replace("127.0.0.1", "localhost");

    // The reviewer approves.
    driver.sign_in(&site, "rev").await;
    driver.wait_for("Tiến độ chi trả").await;
    driver.go(&format!("{site}/ho-so/{case}")).await;
    assert_eq!(driver.text("#state").await, "Đã gửi");
    driver.click("#approve").await;
    // A large approval asks to confirm (the amount in words) first.
    let approved = "<strong id=\"state\">Đã duyệt</strong>";
    if driver.wait_for_any(&["id=\"confirm\"", approved]).await == 0 {
        driver.click("#confirm").await;
    }
    driver
        .wait_for("<strong id=\"state\">Đã duyệt</strong>")
        .await;
    driver.sign_out().await;
    driver.wait_for("id=\"sign-in\"").await;

    // The officer funds and pays.
    driver.sign_in(&site, "mof").await;
    driver.wait_for("Tiến độ chi trả").await;
    driver.go(&format!("{site}/ho-so/{case}")).await;
    driver.type_into("#funding_source", "Dự toán 2025").await;
    driver.click("#fund").await;
    driver
        .wait_for("<strong id=\"state\">Đủ điều kiện chi</strong>")
        .await;
    driver.click("#pay").await;
    // Every payment is confirmed with the amount in words.
    driver.wait_for("id=\"words\"").await;
    driver.click("#confirm").await;
    driver
        .wait_for("<strong id=\"state\">Đã chi đủ</strong>")
        .await;
    driver.sign_out().await;
    driver.wait_for("id=\"sign-in\"").await;

    // The person sees it paid.
    driver.go(&format!("{site}/tra-cuu")).await;
    driver.type_into("#national_id", &nid).await;
    driver.type_into("#code", &code).await;
    driver.click("button[type=submit]").await;
    // The status page shows the case paid.
    driver.wait_for("<strong>Đã chi đủ</strong>").await;
    let (state, entitled, paid): (String, i64, i64) = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .find(case)
            .select((cases::state, cases::entitled_vnd, cases::paid_vnd))
            .first(&mut conn)
            .unwrap()
    };
    assert_eq!((state.as_str(), paid), ("paid", entitled));
    driver
        .call("DELETE", &format!("/session/{}", driver.session), None)
        .await;
}

/// The officers' work on the web alone, step by step, each step's page checked for
/// Vietnamese and kept as a screenshot: a reviewer verifies a case (its inputs and S) and
/// approves it; a payment officer funds it in bulk from the list, pays it (confirming the
/// amount in words), reverses the payment, pays again and imports the Treasury statement; an
/// agency officer uploads a roster mapping a column by hand, issues the person's lookup code
/// and prints the statement; the person looks the case up on a 390 px
/// phone screen.
#[actix_web::test]
async fn officers_walk_the_web_alone() {
    let Some(driver) = Driver::start_or_skip().await else {
        return;
    };
    let app = TestApp::spawn(Backend::Sqlite).await;
    with_demo(&app, 20, false);
    let (case, nid, _) = case_with_code(&app, &["submitted"]);
    let unit_code: String = {
        use staffpay::db::schema::units;
        let mut conn = app.db.get().unwrap();
        cases::table
            .inner_join(units::table)
            .filter(cases::id.eq(case))
            .select(units::code)
            .first(&mut conn)
            .unwrap()
    };
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    app.user("mof", Role::MofOfficer, &["VN"], PW);
    app.user("agency", Role::UnitOfficer, &[unit_code.as_str()], PW);
    let site = app.base.replace("127.0.0.1", "localhost");
    driver.resize(1280, 1000).await;

    // The reviewer: dashboard, the case with what it was computed from, approve.
    driver.sign_in(&site, "rev").await;
    driver.wait_for("Tiến độ chi trả").await;
    driver.step(1, "dashboard").await;
    driver.go(&format!("{site}/ho-so/{case}")).await;
    driver.wait_for("Căn cứ tính trợ cấp").await;
    driver.step(2, "reviewer-verifies").await;
    driver.click("#approve").await;
    let approved = "<strong id=\"state\">Đã duyệt</strong>";
    if driver.wait_for_any(&["id=\"confirm\"", approved]).await == 0 {
        driver.step(3, "approval-confirmation").await;
        driver.click("#confirm").await;
    }
    driver.wait_for(approved).await;
    driver.step(4, "approved").await;
    driver.sign_out().await;
    driver.wait_for("id=\"sign-in\"").await;

    // The payment officer: bulk funding from the list, then pay, reverse, pay again.
    driver.sign_in(&site, "mof").await;
    driver.wait_for("Tiến độ chi trả").await;
    driver.go(&format!("{site}/ho-so?state=approved")).await;
    driver.wait_for("id=\"bulk-fund\"").await;
    driver
        .click(&format!("input[name=id][value=\"{case}\"]"))
        .await;
    driver.type_into("#bulk-source", "Dự toán 2025").await;
    driver.step(5, "bulk-funding").await;
    driver.click("#bulk-fund").await;
    driver.wait_for("Đã cấp kinh phí cho 1 hồ sơ").await;
    driver.go(&format!("{site}/ho-so/{case}")).await;
    driver
        .wait_for("<strong id=\"state\">Đủ điều kiện chi</strong>")
        .await;
    driver.click("#pay").await;
    driver.wait_for("id=\"words\"").await;
    driver.step(6, "payment-confirmation").await;
    driver.click("#confirm").await;
    driver.wait_for("Đã ghi nhận khoản chi").await;
    driver.step(7, "paid").await;
    driver.click("form[action$=\"/chi\"] button.warn").await;
    driver.wait_for("Xác nhận ghi giảm khoản đã chi").await;
    driver.step(8, "reversal-confirmation").await;
    driver.click("#confirm").await;
    driver.wait_for("Đã ghi giảm khoản chi").await;
    driver.step(9, "reversed").await;
    // The new transfer has its own reference (the same amount, day and reference again
    // would be refused as a duplicate of the first).
    driver.type_into("#reference", "UNC-0002").await;
    driver.click("#pay").await;
    driver.wait_for("id=\"words\"").await;
    driver.click("#confirm").await;
    driver
        .wait_for("<strong id=\"state\">Đã chi đủ</strong>")
        .await;
    driver.step(10, "paid-again").await;

    // The payment officer imports the Treasury statement: the result counts what the
    // matching did (this line is nobody's: it stays unmatched).
    let files = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser-files");
    std::fs::create_dir_all(&files).unwrap();
    let statement = files.join("sao-ke.csv");
    std::fs::write(
        &statement,
        "Ngày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu\n04/12/2026,-1000000,0011000123456,AI DO,Chuyen nham,FT900\n",
    )
    .unwrap();
    driver.go(&format!("{site}/nhap")).await;
    driver.wait_for("id=\"kind\"").await;
    driver.click("#kind option[value=\"statement\"]").await;
    driver.type_into("#unit", &unit_code).await;
    driver.type_into("#file", statement.to_str().unwrap()).await;
    driver.step(11, "statement-upload").await;
    driver.click("form[enctype] button:not([name])").await;
    driver.wait_for("Dòng chưa khớp").await;
    driver.step(12, "statement-result").await;
    driver.sign_out().await;
    driver.wait_for("id=\"sign-in\"").await;

    // The agency: issue the person's lookup code and print the statement with it (a
    // download; the page stays and its history says it).
    driver.sign_in(&site, "agency").await;
    driver.wait_for("Tiến độ chi trả").await;
    // First a roster whose id column has a header nobody could recognise: previewed, the
    // column mapped by hand, then imported.
    let roster = files.join("danh-sach.csv");
    std::fs::write(
        &roster,
        "Họ và tên,Mã số lạ,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\nNguyễn Văn Thử,079066001239,15/01/1966,Nam,Viên chức,Nghỉ hưu trước tuổi,4.65,25,264,01/03/2025,01/05/2025\n",
    )
    .unwrap();
    driver.go(&format!("{site}/nhap")).await;
    driver.wait_for("id=\"kind\"").await;
    driver.type_into("#unit", &unit_code).await;
    driver.type_into("#file", roster.to_str().unwrap()).await;
    driver.click("button[name=step]").await;
    driver.wait_for("name=\"col_1\"").await;
    driver.click("#col_1 option[value=\"national_id\"]").await;
    driver.step(13, "upload-mapping").await;
    // The wide preview scrolls inside its card, not the whole page.
    let width = driver.page_width().await;
    assert!(
        width <= 1280,
        "the mapping step is {width} px wide on a 1280 px window"
    );
    driver.click("form[action=\"/nhap/ghep-cot\"] button").await;
    driver.wait_for(": Đã nhập</h2>").await;
    driver.step(14, "upload-result").await;
    // A large upload's job page while it runs (a job recorded as halfway through its
    // computation): the phase, the rows done, refreshing itself.
    let agency_id = {
        use staffpay::db::schema::users;
        let mut conn = app.db.get().unwrap();
        users::table
            .filter(users::username.eq("agency"))
            .select(users::id)
            .first::<staffpay::domain::ids::UserId>(&mut conn)
            .unwrap()
    };
    let job = {
        let mut conn = app.db.get().unwrap();
        let job =
            staffpay::db::jobs::start(&mut conn, agency_id, "roster", "danh-sach-bo.xlsx").unwrap();
        staffpay::db::jobs::report(&mut conn, &job, "compute", 72_000, 150_000).unwrap();
        job
    };
    driver.go(&format!("{site}/nhap/viec/{job}")).await;
    driver.wait_for("72.000 / 150.000 dòng").await;
    driver.step(15, "upload-progress").await;
    driver.go(&format!("{site}/ho-so/{case}")).await;
    driver.wait_for("id=\"code-xlsx\"").await;
    driver.step(16, "lookup-code").await;
    driver.click("#code-xlsx").await;
    let mut issued = false;
    for _ in 0..100 {
        let history = {
            use staffpay::db::schema::case_events;
            let mut conn = app.db.get().unwrap();
            case_events::table
                .filter(case_events::case_id.eq(case))
                .filter(case_events::action.eq("lookup_code_issued"))
                .count()
                .get_result::<i64>(&mut conn)
                .unwrap()
        };
        if history >= 2 {
            issued = true;
            break;
        }
        actix_web::rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(issued, "the page issued a code");
    driver.sign_out().await;
    driver.wait_for("id=\"sign-in\"").await;

    // The person, on a phone: the code they were given (issued again here, as the printed
    // one went to a download folder), the case paid, nothing wider than the screen.
    let code = crate::helpers::lookup_code(&app, case);
    driver.resize(390, 844).await;
    driver.go(&format!("{site}/tra-cuu")).await;
    driver.type_into("#national_id", &nid).await;
    driver.type_into("#code", &code).await;
    driver.step(17, "phone-lookup").await;
    driver.click("button[type=submit]").await;
    driver.wait_for("<strong>Đã chi đủ</strong>").await;
    driver.step(18, "phone-status").await;
    let width = driver.page_width().await;
    assert!(
        width <= 390,
        "the status page is {width} px wide on a 390 px screen"
    );
    driver
        .call("DELETE", &format!("/session/{}", driver.session), None)
        .await;
}
