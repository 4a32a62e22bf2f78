//! The staff web pages over HTTP, as a browser uses them: sign in (cookie), dashboard, case
//! list and case, approve as a reviewer, fund and pay as an officer (CSRF tokens on every
//! form), then the person sees the case paid on the status page. Expired sessions, forms
//! without their token, another unit's case and cookie-only API changes are refused.

use chrono::TimeDelta;
use diesel::prelude::*;
use staffpay::db::schema::{auth_tokens, cases, people, units};
use staffpay::domain::access::Role;
use staffpay::domain::ids::CaseId;

use crate::both_backends;
use crate::helpers::{
    self, Backend, FORM, TestApp, csrf_of, lookup_code, send_page, version_of, with_demo,
};

const PW: &str = "correct horse battery staple";

/// A page as these tests read it (absent headers as empty text).
struct Page {
    status: u16,
    cookie: Option<String>,
    set_cookie: String,
    location: String,
    body: String,
}

impl From<helpers::Page> for Page {
    fn from(p: helpers::Page) -> Page {
        Page {
            status: p.status,
            cookie: p.cookie,
            set_cookie: p.set_cookie.unwrap_or_default(),
            location: p.location.unwrap_or_default(),
            body: p.body,
        }
    }
}

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&[(&str, &str)]>,
) -> Page {
    let body = form.map(|f| (FORM, serde_urlencoded::to_string(f).unwrap()));
    send_page(app, method, path, cookie, body).await.into()
}

async fn sign_in(app: &TestApp, user: &str) -> String {
    let (form_cookie, csrf) = helpers::login_form(app).await;
    let page = send(
        app,
        "POST",
        "/dang-nhap",
        Some(&form_cookie),
        Some(&[("username", user), ("password", PW), ("csrf", &csrf)]),
    )
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location, "/");
    for attr in ["HttpOnly", "Secure", "SameSite=Strict"] {
        assert!(
            page.set_cookie.contains(attr),
            "{attr} in {}",
            page.set_cookie
        );
    }
    page.cookie.unwrap()
}

fn state_of(app: &TestApp, id: i64) -> (String, i64, i64) {
    let mut conn = app.db.get().unwrap();
    cases::table
        .find(id)
        .select((cases::state, cases::entitled_vnd, cases::paid_vnd))
        .first(&mut conn)
        .unwrap()
}

async fn review_fund_and_pay_in_the_browser(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 40, false);
    let (case, nid, unit_code) = {
        let mut conn = app.db.get().unwrap();
        let row: (i64, String, String) = cases::table
            .inner_join(people::table)
            .inner_join(units::table)
            .filter(cases::state.eq("submitted"))
            .filter(people::bank_account.is_not_null())
            .order(cases::id.asc())
            .select((cases::id, people::national_id, units::code))
            .first(&mut conn)
            .unwrap();
        // The unit needs a Treasury account for the money to flow (not required to pay).
        row
    };
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    app.user("mof", Role::MofOfficer, &["VN"], PW);

    // Not signed in: to the sign-in page; a wrong password is refused on the page.
    let home = send(&app, "GET", "/", None, None).await;
    assert_eq!((home.status, home.location.as_str()), (303, "/dang-nhap"));
    let form = send(&app, "GET", "/dang-nhap", None, None).await;
    assert!(form.body.contains("<label for=\"password\">"));
    let (form_cookie, csrf) = helpers::login_form(&app).await;
    let wrong = send(
        &app,
        "POST",
        "/dang-nhap",
        Some(&form_cookie),
        Some(&[
            ("username", "rev"),
            ("password", "nope-nope-nope"),
            ("csrf", &csrf),
        ]),
    )
    .await;
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Sai tên đăng nhập"));

    // The reviewer: dashboard, list, case, approve.
    let rev = sign_in(&app, "rev").await;
    let home = send(&app, "GET", "/", Some(&rev), None).await;
    assert_eq!(home.status, 200);
    assert!(home.body.contains("Tiến độ chi trả"));
    let list = send(&app, "GET", "/ho-so?state=submitted", Some(&rev), None).await;
    assert!(list.body.contains(&format!("href=\"/ho-so/{case}\"")));
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&rev), None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("178"), "legal basis shown");
    assert!(page.body.contains("id=\"approve\""));
    let csrf = csrf_of(&page.body);
    let version = version_of(&app, case);
    let forged = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/thao-tac"),
        Some(&rev),
        Some(&[
            ("csrf", "forged"),
            ("action", "approve"),
            ("version", &version),
        ]),
    )
    .await;
    assert_eq!(forged.status, 403);
    assert_eq!(state_of(&app, case).0, "submitted", "nothing changed");
    // Above `confirm_above_vnd` (500.000.000 đ by default) the approval asks to confirm,
    // with the amount in words; nothing changes until it is confirmed.
    let asked = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/thao-tac"),
        Some(&rev),
        Some(&[
            ("csrf", &csrf),
            ("action", "approve"),
            ("version", &version),
        ]),
    )
    .await;
    let (_, entitled, _) = state_of(&app, case);
    if entitled > staffpay::config::DEFAULT_CONFIRM_ABOVE_VND {
        assert_eq!(asked.status, 200, "{}", asked.body);
        assert!(asked.body.contains("id=\"confirm\""));
        assert!(
            asked
                .body
                .contains(&staffpay::domain::money::in_words_vi(entitled))
        );
        assert_eq!(state_of(&app, case).0, "submitted", "nothing changed yet");
    } else {
        assert_eq!(asked.status, 303, "{}", asked.body);
    }
    let approved = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/thao-tac"),
        Some(&rev),
        Some(&[
            ("csrf", &csrf),
            ("action", "approve"),
            ("version", &version),
            ("confirm", "1"),
        ]),
    )
    .await;
    if entitled > staffpay::config::DEFAULT_CONFIRM_ABOVE_VND {
        assert_eq!(approved.status, 303, "{}", approved.body);
    } else {
        assert_eq!(approved.status, 409, "already approved: {}", approved.body);
    }
    assert_eq!(
        approved.location.starts_with(&format!("/ho-so/{case}?ok=")),
        approved.status == 303
    );
    assert_eq!(state_of(&app, case).0, "approved");
    // A stale form (old version) is refused on the page with the reason.
    let stale = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/thao-tac"),
        Some(&rev),
        Some(&[
            ("csrf", &csrf),
            ("action", "approve"),
            ("version", &version),
        ]),
    )
    .await;
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("role=\"alert\""));

    // The officer: fund, then pay what is owed.
    let mof = sign_in(&app, "mof").await;
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&mof), None).await;
    assert!(page.body.contains("id=\"fund\""));
    let csrf = csrf_of(&page.body);
    let version = version_of(&app, case);
    let funded = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/thao-tac"),
        Some(&mof),
        Some(&[
            ("csrf", &csrf),
            ("action", "fund"),
            ("version", &version),
            ("funding_source", "Dự toán 2025"),
        ]),
    )
    .await;
    assert_eq!(funded.status, 303, "{}", funded.body);
    assert_eq!(state_of(&app, case).0, "payable");
    let (_, entitled, _) = state_of(&app, case);
    let today = staffpay::db::today_vn().to_string();
    // The payment form's amount as officials type it; a confirmation step first, with the
    // amount in figures and in words, then the payment.
    let typed = staffpay::present::count(entitled, false);
    let version = version_of(&app, case);
    let form = [
        ("csrf", csrf.as_str()),
        ("version", version.as_str()),
        ("amount", typed.as_str()),
        ("paid_on", today.as_str()),
        ("method", "transfer"),
        ("reference", "UNC-0001"),
    ];
    let asked = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/chi"),
        Some(&mof),
        Some(&form),
    )
    .await;
    assert_eq!(asked.status, 200, "{}", asked.body);
    assert!(
        asked
            .body
            .contains(&staffpay::domain::money::in_words_vi(entitled)),
        "{}",
        asked.body
    );
    assert!(asked.body.contains(&format!("{typed} đ")));
    assert!(asked.body.contains("UNC-0001"));
    helpers::assert_reads_vietnamese("payment confirmation", &asked.body);
    // Its language switch leads to the case page (a link cannot post the form again).
    assert!(
        asked.body.contains(&format!(
            "<a href=\"/ho-so/{case}?lang=en\" lang=\"en\">English</a>"
        )),
        "{}",
        asked.body
    );
    assert_eq!(
        state_of(&app, case).2,
        0,
        "nothing paid before the confirmation"
    );
    let mut confirmed = form.to_vec();
    confirmed.push(("confirm", "1"));
    let paid = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/chi"),
        Some(&mof),
        Some(&confirmed),
    )
    .await;
    assert_eq!(paid.status, 303, "{}", paid.body);
    let done = send(&app, "GET", &paid.location, Some(&mof), None).await;
    assert!(done.body.contains("Đã ghi nhận khoản chi"), "{}", done.body);
    assert!(
        done.body.contains("Chi lần 1"),
        "the history says what was done: {}",
        done.body
    );
    let (state, _, paid_vnd) = state_of(&app, case);
    assert_eq!((state.as_str(), paid_vnd), ("paid", entitled));
    // A reviewer gets no payment form (no such permission; the API refuses it too).
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&rev), None).await;
    assert!(!page.body.contains("id=\"pay\""));

    // The person sees it paid.
    let code = lookup_code(&app, case);
    let status = send(
        &app,
        "POST",
        "/tra-cuu",
        None,
        Some(&[("national_id", &nid), ("code", &code)]),
    )
    .await;
    assert_eq!(status.status, 200);
    assert!(status.body.contains("Đã chi đủ"), "paid on the status page");

    // Downloads through the session cookie; changes through the API need the bearer token.
    let d = send(
        &app,
        "GET",
        &format!("/api/v1/cases/{case}/statement.xlsx"),
        Some(&mof),
        None,
    )
    .await;
    assert_eq!(d.status, 200);
    let change = send(
        &app,
        "POST",
        &format!("/api/v1/cases/{case}/lookup-code"),
        Some(&rev),
        None,
    )
    .await;
    assert_eq!(change.status, 401);

    // A unit officer of another province: that case is not found.
    let other = if unit_code.starts_with("01") {
        "79"
    } else {
        "01"
    };
    app.user("local", Role::UnitOfficer, &[other], PW);
    let local = sign_in(&app, "local").await;
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&local), None).await;
    assert_eq!(page.status, 404);

    // Signing out ends the session; an expired session goes back to the sign-in page.
    let home = send(&app, "GET", "/", Some(&mof), None).await;
    let out = send(
        &app,
        "POST",
        "/dang-xuat",
        Some(&mof),
        Some(&[("csrf", &csrf_of(&home.body))]),
    )
    .await;
    assert_eq!(out.status, 303);
    let after = send(&app, "GET", "/", Some(&mof), None).await;
    assert_eq!(after.location, "/dang-nhap?het-han=1");
    {
        let mut conn = app.db.get().unwrap();
        diesel::update(auth_tokens::table)
            .set(auth_tokens::expires_at.eq(staffpay::db::now() - TimeDelta::minutes(1)))
            .execute(&mut conn)
            .unwrap();
    }
    let expired = send(&app, "GET", "/ho-so", Some(&rev), None).await;
    assert_eq!(expired.location, "/dang-nhap?het-han=1");
    let form = send(&app, "GET", "/dang-nhap?het-han=1", None, None).await;
    assert!(form.body.contains("hết hạn"));
}
both_backends!(review_fund_and_pay_in_the_browser);

/// A multipart body with text fields and a file.
fn multipart(fields: &[(&str, &str)], file_name: &str, content: &str) -> String {
    let mut body = String::new();
    for (name, value) in fields {
        body.push_str(&format!(
            "--B\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        ));
    }
    body.push_str(&format!(
        "--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--B--\r\n"
    ));
    body
}

async fn upload(app: &TestApp, cookie: &str, body: String) -> Page {
    let multipart = ("multipart/form-data; boundary=B", body);
    send_page(app, "POST", "/nhap", Some(cookie), Some(multipart))
        .await
        .into()
}

const ROSTER: &str = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\r\nNguyễn Văn <b>Thử</b>,079066001239,15/01/1966,Nam,Viên chức,Nghỉ hưu trước tuổi,4.65,25,264,01/03/2025,01/05/2025";

async fn units_reports_audit_and_upload_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 40, false);
    app.user("admin", Role::Admin, &[], PW);
    app.user("agency", Role::UnitOfficer, &["79"], PW);
    let admin = sign_in(&app, "admin").await;

    let units = send(&app, "GET", "/don-vi", Some(&admin), None).await;
    assert_eq!(units.status, 200);
    assert!(units.body.contains("Tài khoản Kho bạc"));
    assert!(
        units.body.contains("chưa có"),
        "units without an account are shown"
    );
    let reports = send(&app, "GET", "/bao-cao", Some(&admin), None).await;
    assert!(reports.body.contains("action=\"/bao-cao/doi-chieu.xlsx\""));
    let d = send(
        &app,
        "GET",
        "/bao-cao/doi-chieu.xlsx?unit=79",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(
        d.status, 200,
        "the report form's download works with the session"
    );
    // The API's download still opens with the session (GET), answering JSON errors.
    let d = send(
        &app,
        "GET",
        "/api/v1/reports/reconciliation.xlsx?unit=79",
        Some(&admin),
        None,
    )
    .await;
    assert_eq!(d.status, 200);
    // A page-side download's refusal is a page.
    let refused = send(
        &app,
        "GET",
        "/bao-cao/doi-chieu.xlsx?unit=ZZZ",
        Some(&admin),
        None,
    )
    .await;
    assert!(refused.status >= 400, "{}", refused.status);
    assert!(refused.body.contains("<!doctype html>"), "{}", refused.body);
    let audit = send(&app, "GET", "/nhat-ky?action=auth.", Some(&admin), None).await;
    assert_eq!(audit.status, 200);
    // Actions in words (issue 20), not their codes.
    assert!(audit.body.contains("<td>Đăng nhập</td>"), "{}", audit.body);
    assert!(!helpers::visible_text(&audit.body).contains("auth.login"));
    helpers::assert_reads_vietnamese("audit", &audit.body);

    // Upload a roster through the page: the form token is required, the name is escaped.
    let agency = sign_in(&app, "agency").await;
    let form = send(&app, "GET", "/nhap", Some(&agency), None).await;
    let csrf = csrf_of(&form.body);
    // The form offers only what the role may upload.
    assert!(
        form.body.contains("<option value=\"roster\">"),
        "{}",
        form.body
    );
    assert!(!form.body.contains("<option value=\"payments\">"));
    assert!(!form.body.contains("<option value=\"statement\">"));
    assert!(!form.body.contains("id=\"sign\""));
    let refused = upload(
        &app,
        &agency,
        multipart(
            &[("csrf", "x"), ("kind", "roster"), ("unit", "79")],
            "r.csv",
            ROSTER,
        ),
    )
    .await;
    assert_eq!(refused.status, 403);
    let done = upload(
        &app,
        &agency,
        multipart(
            &[("csrf", &csrf), ("kind", "roster"), ("unit", "79")],
            "../../etc/passwd.csv",
            ROSTER,
        ),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    // The outcome in words (issue 20), not its code.
    assert!(done.body.contains(": Đã nhập</h2>"), "{}", done.body);
    helpers::assert_reads_vietnamese("upload result", &done.body);
    assert!(!done.body.contains("../"), "the file name is made safe");
    // The past imports list it, in words.
    let history = send(&app, "GET", "/nhap/lich-su", Some(&agency), None).await;
    assert_eq!(history.status, 200);
    assert!(history.body.contains("passwd.csv"), "{}", history.body);
    assert!(history.body.contains("<td>Danh sách hồ sơ</td>"));
    assert!(history.body.contains("<td>Đã nhập</td>"));
    helpers::assert_reads_vietnamese("past imports", &history.body);
    {
        let mut conn = app.db.get().unwrap();
        let name: String = people::table
            .filter(people::national_id.eq("079066001239"))
            .select(people::full_name)
            .first(&mut conn)
            .unwrap();
        assert_eq!(name, "Nguyễn Văn <b>Thử</b>", "stored as typed");
    }
    let list = send(&app, "GET", "/ho-so?text=079066001239", Some(&agency), None).await;
    assert!(!list.body.contains("<b>Thử</b>"), "rendered escaped");
    // A file with errors: the errors and the marked-up file.
    let bad = ROSTER.replace("079066001239", "07906600123X");
    let failed = upload(
        &app,
        &agency,
        multipart(
            &[("csrf", &csrf), ("kind", "roster"), ("unit", "79")],
            "bad.csv",
            &bad,
        ),
    )
    .await;
    assert_eq!(failed.status, 200);
    assert!(failed.body.contains("/loi.xlsx\""), "{}", failed.body);
    // Another unit and a role without the right.
    let other = upload(
        &app,
        &agency,
        multipart(
            &[("csrf", &csrf), ("kind", "roster"), ("unit", "01")],
            "r.csv",
            ROSTER,
        ),
    )
    .await;
    assert_eq!(other.status, 404);
    let payments = upload(
        &app,
        &agency,
        multipart(
            &[("csrf", &csrf), ("kind", "payments"), ("unit", "79")],
            "p.csv",
            "x",
        ),
    )
    .await;
    assert_eq!(payments.status, 403);
    assert_eq!(
        send(&app, "GET", "/nhat-ky", Some(&agency), None)
            .await
            .status,
        403
    );
    // A 100 MB upload: refused past the limit, nothing stored, the service keeps answering.
    let count = || {
        let mut conn = app.db.get().unwrap();
        staffpay::db::schema::imports::table
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
    };
    let before = count();
    let huge = "a".repeat(100 * 1024 * 1024);
    let fields = [("csrf", csrf.as_str()), ("kind", "roster"), ("unit", "79")];
    let too_big = upload(&app, &agency, multipart(&fields, "huge.csv", &huge)).await;
    assert_eq!(too_big.status, 413);
    assert_eq!(count(), before);
    assert_eq!(app.get("/healthz", None).await.status, 200);
}
both_backends!(units_reports_audit_and_upload_pages);

/// Opens a job's page until the job has ended (its page no longer refreshes itself).
async fn job_result(app: &TestApp, cookie: &str, path: &str) -> Page {
    for _ in 0..600 {
        let page = send(app, "GET", path, Some(cookie), None).await;
        assert_eq!(page.status, 200, "{}", page.body);
        if !page.body.contains("http-equiv=\"refresh\"") {
            return page;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("the job at {path} never ended");
}

/// Uploads run as jobs recorded in the database (issue 20, item 5): with no wait the upload
/// answers with its job's page, which refreshes itself with the phase and the rows done until
/// the result: the summary in words, each problem with the value found, the marked-up file,
/// the refusal announced; a statement's result counts what the matching did. A job is its
/// uploader's alone; one that stopped reporting says that nothing of it was written.
async fn uploads_run_as_jobs_with_their_own_page(backend: Backend) {
    let app = TestApp::spawn_with(backend, |s| s.upload_wait = std::time::Duration::ZERO).await;
    with_demo(&app, 10, false);
    let agency_id = app.user("agency", Role::UnitOfficer, &["79"], PW);
    app.user("mof", Role::MofOfficer, &["79"], PW);
    let agency = sign_in(&app, "agency").await;
    let csrf = csrf_of(&send(&app, "GET", "/nhap", Some(&agency), None).await.body);
    let bad = ROSTER.replace("079066001239", "07906600123X");
    let fields = [("csrf", csrf.as_str()), ("kind", "roster"), ("unit", "79")];
    let started = upload(&app, &agency, multipart(&fields, "bad.csv", &bad)).await;
    assert_eq!(started.status, 303, "{}", started.body);
    assert!(
        started.location.starts_with("/nhap/viec/"),
        "{}",
        started.location
    );
    let done = job_result(&app, &agency, &started.location).await;
    assert!(done.body.contains("bad.csv: Bị từ chối"), "{}", done.body);
    assert!(
        done.body.contains("role=\"alert\""),
        "the refusal is announced"
    );
    assert!(
        done.body.contains("<td>07906600123X</td>"),
        "the value found: {}",
        done.body
    );
    assert!(done.body.contains("/loi.xlsx\""), "the marked-up file");
    assert!(done.body.contains("Bị từ chối (dòng có lỗi)"));
    helpers::assert_reads_vietnamese("job result", &done.body);
    let english = send(
        &app,
        "GET",
        &format!("{}?lang=en", started.location),
        Some(&agency),
        None,
    )
    .await;
    assert!(
        english.body.contains("Refused (rows with errors)"),
        "{}",
        english.body
    );
    // The import choices: a dry run writes nothing; the valid rows of a file with errors are
    // kept when asked; an unknown sign convention is refused; the mapping step carries them.
    let people = || {
        let mut conn = app.db.get().unwrap();
        people::table
            .filter(people::national_id.eq("079066001239"))
            .count()
            .get_result::<i64>(&mut conn)
            .unwrap()
    };
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "roster"),
        ("unit", "79"),
        ("dry_run", "1"),
    ];
    let dry = upload(&app, &agency, multipart(&fields, "thu.csv", ROSTER)).await;
    let dry = job_result(&app, &agency, &dry.location).await;
    assert!(
        dry.body.contains("thu.csv: Chạy thử: chưa ghi gì"),
        "{}",
        dry.body
    );
    assert_eq!(people(), 0);
    let mixed = format!(
        "{ROSTER}\r\n{}",
        bad.lines().nth(1).unwrap().replace("Thử", "Lỗi")
    );
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "roster"),
        ("unit", "79"),
        ("accept_valid", "1"),
    ];
    let part = upload(&app, &agency, multipart(&fields, "hai.csv", &mixed)).await;
    let part = job_result(&app, &agency, &part.location).await;
    assert!(
        part.body.contains("hai.csv: Đã nhập một phần"),
        "{}",
        part.body
    );
    assert_eq!(people(), 1, "the valid row is kept");
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "roster"),
        ("unit", "79"),
        ("sign", "sideways"),
    ];
    let refused = upload(&app, &agency, multipart(&fields, "x.csv", ROSTER)).await;
    assert_eq!(refused.status, 400);
    assert!(refused.body.contains("<!doctype html>"));
    let fields = [
        ("csrf", csrf.as_str()),
        ("kind", "roster"),
        ("unit", "79"),
        ("step", "preview"),
        ("dry_run", "1"),
        ("sheet", "Danh sách"),
    ];
    let preview = upload(&app, &agency, multipart(&fields, "ba.csv", ROSTER)).await;
    assert!(
        preview
            .body
            .contains("<input type=\"hidden\" name=\"dry_run\" value=\"1\">"),
        "{}",
        preview.body
    );
    assert!(
        preview
            .body
            .contains("<input type=\"hidden\" name=\"sheet\" value=\"Danh sách\">")
    );

    // Another officer does not see it.
    let mof = sign_in(&app, "mof").await;
    let other = send(&app, "GET", &started.location, Some(&mof), None).await;
    assert_eq!(other.status, 404);
    assert!(other.body.contains("<!doctype html>"));

    // A job still running: its phase and rows done, refreshing itself.
    let token = {
        let mut conn = app.db.get().unwrap();
        let token = staffpay::db::jobs::start(&mut conn, agency_id, "roster", "lon.xlsx").unwrap();
        staffpay::db::jobs::report(&mut conn, &token, "compute", 1200, 150_000).unwrap();
        token
    };
    let path = format!("/nhap/viec/{token}");
    let running = send(&app, "GET", &path, Some(&agency), None).await;
    assert_eq!(running.status, 200);
    assert!(
        running
            .body
            .contains("<meta http-equiv=\"refresh\" content=\"2\">")
    );
    assert!(
        running.body.contains("Đang tính chế độ"),
        "{}",
        running.body
    );
    assert!(running.body.contains("1.200 / 150.000 dòng"));
    assert!(
        running.body.contains("aria-valuenow=\"0\""),
        "1.200 of 150.000 is under 1 %"
    );
    helpers::assert_reads_vietnamese("running job", &running.body);
    // Silent for 20 minutes: cut short, and the page says that nothing was written.
    {
        use staffpay::db::schema::import_jobs;
        let mut conn = app.db.get().unwrap();
        diesel::update(import_jobs::table.filter(import_jobs::token.eq(&token)))
            .set(
                import_jobs::updated_at.eq(chrono::Utc::now().naive_utc() - TimeDelta::minutes(20)),
            )
            .execute(&mut conn)
            .unwrap();
    }
    let stopped = send(&app, "GET", &path, Some(&agency), None).await;
    assert!(!stopped.body.contains("http-equiv=\"refresh\""));
    assert!(
        stopped.body.contains("Không có gì của lần nhập được ghi"),
        "{}",
        stopped.body
    );

    // A statement: the result counts the matching.
    let mof_csrf = csrf_of(&send(&app, "GET", "/nhap", Some(&mof), None).await.body);
    let statement = "Ngày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu\n04/12/2026,-1000000,0011000123456,AI DO,Chuyen nham,FT900\n";
    let fields = [
        ("csrf", mof_csrf.as_str()),
        ("kind", "statement"),
        ("unit", "79"),
    ];
    let started = upload(&app, &mof, multipart(&fields, "sao-ke.csv", statement)).await;
    assert_eq!(started.status, 303, "{}", started.body);
    let done = job_result(&app, &mof, &started.location).await;
    assert!(done.body.contains("sao-ke.csv: Đã nhập"), "{}", done.body);
    assert!(
        done.body
            .contains("<th scope=\"row\">Dòng chưa khớp</th><td class=\"n\">1</td>"),
        "{}",
        done.body
    );
    assert!(done.body.contains("Dòng khớp theo số tham chiếu"));
    assert!(done.body.contains("Hồ sơ đã đối chiếu xong"));
    helpers::assert_reads_vietnamese("statement job result", &done.body);
}
both_backends!(uploads_run_as_jobs_with_their_own_page);

/// The value of `name="…" value="…"` in a page.
fn field_value(body: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = body
        .find(&marker)
        .unwrap_or_else(|| panic!("{name} in {body}"))
        + marker.len();
    body[start..].split('"').next().unwrap().to_owned()
}

/// The mapping step (issue 18, item 3): a statement whose account column has a header nobody
/// could recognise is previewed with a drop-down per column, nothing imported; the officer's
/// choice imports it with the account read, saves the mapping as a profile, and takes the
/// held file once; another user cannot use it.
async fn the_mapping_step_previews_then_imports_as_chosen(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 10, false);
    app.user("mof", Role::MofOfficer, &["79"], PW);
    app.user("mof2", Role::MofOfficer, &["79"], PW);
    let mof = sign_in(&app, "mof").await;
    let form = send(&app, "GET", "/nhap", Some(&mof), None).await;
    let csrf = csrf_of(&form.body);
    let statement =
        "Ngày GD,Cột lạ,Số tiền,Nội dung CK\r\n04/12/2026,0011000123456,-1000000,chi tro cap\r\n";
    let lines = || {
        let mut conn = app.db.get().unwrap();
        staffpay::db::schema::statement_lines::table
            .select(staffpay::db::schema::statement_lines::account_no)
            .load::<Option<String>>(&mut conn)
            .unwrap()
    };
    let preview = upload(
        &app,
        &mof,
        multipart(
            &[
                ("csrf", &csrf),
                ("kind", "statement"),
                ("unit", "79"),
                ("step", "preview"),
            ],
            "sao-ke.csv",
            statement,
        ),
    )
    .await;
    assert_eq!(preview.status, 200, "{}", preview.body);
    assert!(preview.body.contains("A: Ngày GD"), "{}", preview.body);
    assert!(preview.body.contains("B: Cột lạ"));
    assert!(preview.body.contains("name=\"col_1\""));
    assert!(
        preview.body.contains("<option value=\"date\" selected>"),
        "the date column is recognised: {}",
        preview.body
    );
    assert!(
        !preview.body.contains("0011000123456"),
        "the account is masked"
    );
    assert!(lines().is_empty(), "nothing imported by the preview");
    let draft = field_value(&preview.body, "draft");
    assert_eq!(draft.len(), 64);

    // Another officer cannot use the held file.
    let other = sign_in(&app, "mof2").await;
    let other_csrf = csrf_of(&send(&app, "GET", "/nhap", Some(&other), None).await.body);
    let refused = send(
        &app,
        "POST",
        "/nhap/ghep-cot",
        Some(&other),
        Some(&[
            ("csrf", &other_csrf),
            ("draft", &draft),
            ("col_1", "account"),
        ]),
    )
    .await;
    assert_eq!(refused.status, 200);
    assert!(refused.body.contains("không còn"), "{}", refused.body);
    assert!(lines().is_empty());

    let done = send(
        &app,
        "POST",
        "/nhap/ghep-cot",
        Some(&mof),
        Some(&[
            ("csrf", &csrf),
            ("draft", &draft),
            ("col_0", "date"),
            ("col_1", "account"),
            ("col_2", "amount"),
            ("col_3", "description"),
            ("profile", "Sao kê thử"),
        ]),
    )
    .await;
    assert_eq!(done.status, 200, "{}", done.body);
    // The outcome in words (issue 20), not its code.
    assert!(done.body.contains(": Đã nhập</h2>"), "{}", done.body);
    helpers::assert_reads_vietnamese("upload result", &done.body);
    assert!(
        done.body.contains("ghép tay"),
        "mapped columns shown: {}",
        done.body
    );
    assert_eq!(lines(), [Some("0011000123456".to_owned())]);
    {
        let mut conn = app.db.get().unwrap();
        let names: Vec<String> = staffpay::db::schema::mapping_profiles::table
            .select(staffpay::db::schema::mapping_profiles::name)
            .load(&mut conn)
            .unwrap();
        assert_eq!(names, ["Sao kê thử"]);
    }
    // The held file is taken once.
    let again = send(
        &app,
        "POST",
        "/nhap/ghep-cot",
        Some(&mof),
        Some(&[("csrf", &csrf), ("draft", &draft), ("col_1", "account")]),
    )
    .await;
    assert!(again.body.contains("không còn"), "{}", again.body);
    assert_eq!(lines().len(), 1);
    // The line matched nothing: the unmatched page lists it with why and what to do.
    let unmatched = send(&app, "GET", "/doi-chieu", Some(&mof), None).await;
    assert_eq!(unmatched.status, 200);
    assert!(
        unmatched.body.contains("0011000123456"),
        "{}",
        unmatched.body
    );
    assert!(unmatched.body.contains("chi tro cap"));
    helpers::assert_reads_vietnamese("unmatched", &unmatched.body);

    // The reports page: the batch form for a payment officer, the MoHA report form.
    let reports = send(&app, "GET", "/bao-cao", Some(&mof), None).await;
    assert!(reports.body.contains("action=\"/bao-cao/bang-thanh-toan\""));
    helpers::assert_reads_vietnamese("reports", &reports.body);
    assert!(
        reports
            .body
            .contains("action=\"/bao-cao/tien-do-bnv.xlsx\"")
    );
    let nothing = send(
        &app,
        "POST",
        "/bao-cao/bang-thanh-toan",
        Some(&mof),
        Some(&[("csrf", &csrf), ("unit", "79")]),
    )
    .await;
    assert_eq!(nothing.status, 200);
    assert!(
        nothing
            .body
            .contains("không có hồ sơ nào đã được cấp kinh phí"),
        "{}",
        nothing.body
    );
}
both_backends!(the_mapping_step_previews_then_imports_as_chosen);

async fn bulk_approval_and_answers_on_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let settings = app.test_db.settings();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    let submitted: Vec<i64> = {
        let mut conn = app.db.get().unwrap();
        staffpay::demo::load(&mut conn).unwrap();
        staffpay::demo::load_people(&mut conn, &policy, 20).unwrap();
        cases::table
            .filter(cases::state.eq("submitted"))
            .order(cases::id.asc())
            .limit(3)
            .select(cases::id)
            .load(&mut conn)
            .unwrap()
    };
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let rev = sign_in(&app, "rev").await;
    let list = send(&app, "GET", "/ho-so?state=submitted", Some(&rev), None).await;
    assert!(list.body.contains("id=\"bulk-approve\""));
    let csrf = csrf_of(&list.body);
    let (a, b) = (submitted[0].to_string(), submitted[1].to_string());
    let forged = send(
        &app,
        "POST",
        "/ho-so/duyet-nhieu",
        Some(&rev),
        Some(&[("csrf", "x"), ("id", &a), ("id", &b)]),
    )
    .await;
    assert_eq!(forged.status, 403);
    let done = send(
        &app,
        "POST",
        "/ho-so/duyet-nhieu",
        Some(&rev),
        Some(&[("csrf", &csrf), ("id", &a), ("id", &b)]),
    )
    .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(state_of(&app, submitted[0]).0, "approved");
    assert_eq!(state_of(&app, submitted[1]).0, "approved");
    assert_eq!(state_of(&app, submitted[2]).0, "submitted");
    // All or nothing: an approved case in the selection refuses the whole selection.
    let c = submitted[2].to_string();
    let refused = send(
        &app,
        "POST",
        "/ho-so/duyet-nhieu",
        Some(&rev),
        Some(&[("csrf", &csrf), ("id", &a), ("id", &c)]),
    )
    .await;
    assert_eq!(refused.status, 409);
    assert_eq!(state_of(&app, submitted[2]).0, "submitted");

    // A dispute from the person, answered on the case page.
    let case = submitted[2];
    let message = {
        let mut conn = app.db.get().unwrap();
        staffpay::services::self_service::send(
            &mut conn,
            CaseId(case),
            staffpay::services::self_service::MessageKind::Dispute,
            "Số năm đóng BHXH chưa đúng",
        )
        .unwrap()
    };
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&rev), None).await;
    assert!(page.body.contains("Số năm đóng BHXH chưa đúng"));
    assert!(page.body.contains(&format!("id=\"answer-{message}\"")));
    let message = message.to_string();
    let answered = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/tra-loi"),
        Some(&rev),
        Some(&[
            ("csrf", &csrf),
            ("message", &message),
            ("answer", "Đã kiểm tra: 22 năm"),
        ]),
    )
    .await;
    assert_eq!(answered.status, 303, "{}", answered.body);
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&rev), None).await;
    assert!(page.body.contains("Đã kiểm tra: 22 năm"));
    assert!(!page.body.contains(&format!("id=\"answer-{message}\"")));
}
both_backends!(bulk_approval_and_answers_on_the_pages);

/// Every staff page whose route-table rule names a permission answers 403 to a signed-in role
/// without it, before its handler runs, and lets a role with it through (whatever the form
/// then says: a missing case, a bad amount).
async fn pages_take_their_access_rule_from_the_route_table(backend: Backend) {
    use staffpay::http::routes::{Access, table};
    let app = TestApp::spawn(backend).await;
    let mut checked = 0;
    for role in Role::ALL {
        let name = format!("p-{}", role.as_str());
        app.user(&name, role, &["79"], PW);
        let cookie = sign_in(&app, &name).await;
        let home = send(&app, "GET", "/", Some(&cookie), None).await;
        assert_eq!(home.status, 200, "{}", home.body);
        let csrf = csrf_of(&home.body);
        for spec in table() {
            let Access::Page(Some(permission)) = spec.access else {
                continue;
            };
            let path = spec.path.replace("{id}", "1");
            let body = spec.probe.body.map(|b| {
                let b = b.replace("csrf=x", "");
                (FORM, format!("{b}&csrf={csrf}"))
            });
            let page = send_page(&app, spec.method.as_str(), &path, Some(&cookie), body).await;
            checked += 1;
            if role.can(permission) {
                assert_ne!(page.status, 403, "{role} {} {path}", spec.method);
                assert_ne!(
                    page.location.as_deref(),
                    Some("/dang-nhap"),
                    "{role} {path}"
                );
            } else {
                assert_eq!(page.status, 403, "{role} {} {path}", spec.method);
            }
        }
    }
    assert!(checked >= 4 * Role::ALL.len(), "{checked}");
}
both_backends!(pages_take_their_access_rule_from_the_route_table);

/// Errors on page paths are pages (HTML, Vietnamese first, what to do next), never the API's
/// JSON, whose contract stays under `/api/`; the language chosen once stays chosen; figures,
/// formulas and legal bases read as officials write them; the dashboard's flag counts lead
/// to a flag list whose rows link to their cases.
async fn pages_speak_vietnamese_and_errors_are_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 40, false);
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let rev = sign_in(&app, "rev").await;

    // A case that is not there, a path that is not there, a refused form, a bad filter.
    let missing = send(&app, "GET", "/ho-so/999999", Some(&rev), None).await;
    assert_eq!(missing.status, 404);
    assert!(missing.body.contains("Không tìm thấy"), "{}", missing.body);
    assert!(missing.body.contains("role=\"alert\""));
    helpers::assert_reads_vietnamese("404 case", &missing.body);
    let nowhere = send(&app, "GET", "/khong-co-trang-nay", None, None).await;
    assert_eq!(nowhere.status, 404);
    assert!(nowhere.body.contains("<!doctype html>"), "{}", nowhere.body);
    assert!(nowhere.body.contains("href=\"/dang-nhap\""));
    let api = send(&app, "GET", "/api/v1/khong-co", None, None).await;
    assert_eq!(api.status, 404);
    let envelope: serde_json::Value = serde_json::from_str(&api.body).unwrap();
    assert_eq!(envelope["error"]["code"], "not_found");
    let case: i64 = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .filter(cases::state.eq("submitted"))
            .order(cases::id.asc())
            .select(cases::id)
            .first(&mut conn)
            .unwrap()
    };
    let forged = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/thao-tac"),
        Some(&rev),
        Some(&[("csrf", "forged"), ("action", "approve"), ("version", "1")]),
    )
    .await;
    assert_eq!(forged.status, 403);
    assert!(forged.body.contains("Không được phép"), "{}", forged.body);
    assert!(forged.body.contains("Tải lại trang"));
    let bad = send(&app, "GET", "/canh-bao?kind=khong-co", Some(&rev), None).await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("Không có loại cảnh báo"), "{}", bad.body);
    helpers::assert_reads_vietnamese("400 flags", &bad.body);

    // The case page: Vietnamese legal bases, figures and formulas.
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&rev), None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Nghị định số 178/2024/NĐ-CP"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains(" đ<"),
        "amounts as 1.234.567 đ: {}",
        page.body
    );
    helpers::assert_reads_vietnamese("case page", &page.body);
    // What a reviewer verifies: the inputs and how S was built, with the base salary used.
    for needle in [
        "Căn cứ tính trợ cấp",
        "Ngày sinh",
        "Thời gian đóng BHXH bắt buộc",
        "Tiền lương tháng S",
        "Tài khoản ngân hàng",
    ] {
        assert!(page.body.contains(needle), "{needle}: {}", page.body);
    }
    assert!(
        !page.body.contains("/api/v1/"),
        "pages link to page-side downloads"
    );
    let statement = send_page(
        &app,
        "GET",
        &format!("/ho-so/{case}/bang-tinh.xlsx"),
        Some(&rev),
        None,
    )
    .await;
    assert_eq!(statement.status, 200);
    assert!(statement.bytes.starts_with(b"PK"));

    // The dashboard: grouped with dots, percentages with a comma and a space; its flag counts
    // lead to the flag list, whose rows lead to their cases.
    let home = send(&app, "GET", "/", Some(&rev), None).await;
    assert_eq!(home.status, 200);
    helpers::assert_reads_vietnamese("dashboard", &home.body);
    assert!(home.body.contains(" %<"), "{}", home.body);
    assert!(!home.body.contains("/api/v1/flags"));
    assert!(
        home.body.contains("href=\"/canh-bao?kind="),
        "{}",
        home.body
    );
    assert!(
        home.body.contains("id=\"as-of\""),
        "the as-of date and time"
    );
    assert!(home.body.contains("class=\"line\""), "the 60 % line");
    assert!(
        home.body.contains("Tỷ lệ tiền đã chi"),
        "money paid as its own share"
    );
    assert!(
        home.body.contains("Quá hạn: hồ sơ đã duyệt"),
        "overdue defined on the page"
    );
    // Drilling down: a province's units, then its cases.
    assert!(home.body.contains("href=\"/?unit=79\""), "{}", home.body);
    let province = send(&app, "GET", "/?unit=79", Some(&rev), None).await;
    assert_eq!(province.status, 200);
    assert!(province.body.contains("Về tất cả bộ, ngành, tỉnh"));
    helpers::assert_reads_vietnamese("dashboard of a province", &province.body);
    let elsewhere = send(&app, "GET", "/?unit=ZZZ", Some(&rev), None).await;
    assert_eq!(elsewhere.status, 404);
    let flags = send(&app, "GET", "/canh-bao", Some(&rev), None).await;
    assert_eq!(flags.status, 200);
    helpers::assert_reads_vietnamese("flags", &flags.body);
    assert!(flags.body.contains("href=\"/ho-so/"), "{}", flags.body);
    let filtered = send(
        &app,
        "GET",
        "/canh-bao?kind=unit_account_missing&age=0",
        Some(&rev),
        None,
    )
    .await;
    assert_eq!(filtered.status, 200);
    let list = send(&app, "GET", "/ho-so", Some(&rev), None).await;
    helpers::assert_reads_vietnamese("case list", &list.body);
    let units = send(&app, "GET", "/don-vi", Some(&rev), None).await;
    helpers::assert_reads_vietnamese("units", &units.body);

    // English once: remembered for the next pages and for error pages; Vietnamese again.
    let english = send(&app, "GET", "/?lang=en", Some(&rev), None).await;
    assert!(english.body.contains("Payment progress"));
    let lang = english.cookie.clone().unwrap();
    assert_eq!(lang, "staffpay_lang=en");
    let both = format!("{rev}; {lang}");
    let list = send(&app, "GET", "/ho-so", Some(&both), None).await;
    assert!(list.body.contains("<html lang=\"en\">"), "{}", list.body);
    let case_en = send(&app, "GET", &format!("/ho-so/{case}"), Some(&both), None).await;
    assert!(case_en.body.contains("Decree 178/2024/ND-CP"));
    let missing_en = send(&app, "GET", "/ho-so/999999", Some(&both), None).await;
    assert!(missing_en.body.contains("Not found"), "{}", missing_en.body);
    let back = send(&app, "GET", "/ho-so?lang=vi", Some(&both), None).await;
    assert!(back.body.contains("<html lang=\"vi\">"));
    assert_eq!(back.cookie.as_deref(), Some("staffpay_lang=vi"));

    // The sign-in page over plain HTTP: fine on the machine itself; on another address it
    // says why the session cookie cannot work and what to do.
    let local = send(&app, "GET", "/dang-nhap", None, None).await;
    assert!(!local.body.contains("id=\"insecure\""), "{}", local.body);
    let client = awc::Client::default();
    let mut remote = client
        .get(format!("{}/dang-nhap", app.base))
        .insert_header(("host", "staffpay.example.gov.vn"))
        .send()
        .await
        .unwrap();
    let remote = String::from_utf8(remote.body().await.unwrap().to_vec()).unwrap();
    assert!(remote.contains("id=\"insecure\""), "{remote}");
    assert!(remote.contains("staffpay.example.gov.vn"));
    assert!(remote.contains("trusted_proxies"));
}
both_backends!(pages_speak_vietnamese_and_errors_are_pages);

/// The tasks that were API- or CLI-only, done on the pages: a lookup code issued on the case
/// page and printed on the statement (the person then looks the case up with it), a lock
/// lifted, a Treasury account entered, codes for a whole unit as a file, a unit merge
/// refused with its reason — each refusal an error page.
async fn lookup_codes_accounts_and_merges_on_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 40, false);
    app.user("unit79", Role::UnitOfficer, &["79"], PW);
    app.user("mof", Role::MofOfficer, &["VN"], PW);
    app.user("boss", Role::Admin, &["VN"], PW);
    let below_79 = {
        let mut conn = app.db.get().unwrap();
        let path: String = units::table
            .filter(units::code.eq("79"))
            .select(units::path)
            .first(&mut conn)
            .unwrap();
        format!("{path}%")
    };
    let (case, nid): (i64, String) = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .inner_join(people::table)
            .inner_join(units::table)
            .filter(units::path.like(&below_79))
            .order(cases::id.asc())
            .select((cases::id, people::national_id))
            .first(&mut conn)
            .unwrap()
    };
    let officer = sign_in(&app, "unit79").await;
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&officer), None).await;
    assert!(page.body.contains("id=\"code-pdf\""), "{}", page.body);
    assert!(page.body.contains("Chưa cấp mã"));
    let csrf = csrf_of(&page.body);
    let printed = send_page(
        &app,
        "POST",
        &format!("/ho-so/{case}/ma-tra-cuu"),
        Some(&officer),
        Some((FORM, format!("csrf={csrf}&format=xlsx"))),
    )
    .await;
    assert_eq!(printed.status, 200);
    let code = {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(printed.bytes.clone())).unwrap();
        let name = book.sheet_names()[0].clone();
        let range = book.worksheet_range(&name).unwrap();
        range
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .find(|c| c.len() == 14 && c.matches('-').count() == 2)
            .expect("the code is printed on the statement")
    };
    let looked_up = send(
        &app,
        "POST",
        "/tra-cuu",
        None,
        Some(&[("national_id", &nid), ("code", &code)]),
    )
    .await;
    assert_eq!(looked_up.status, 200);
    assert!(
        looked_up.body.contains("Quá trình xử lý"),
        "{}",
        looked_up.body
    );
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&officer), None).await;
    assert!(page.body.contains("Cấp mã tra cứu"), "the history says it");
    assert!(page.body.contains("Đã cấp mã"));
    let unlocked = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/mo-khoa"),
        Some(&officer),
        Some(&[("csrf", &csrf)]),
    )
    .await;
    assert_eq!(unlocked.status, 303);
    let after = send(&app, "GET", &unlocked.location, Some(&officer), None).await;
    assert!(after.body.contains("Đã mở khóa tra cứu"));

    // Codes for the whole unit: the box must be ticked; then a file with a row per case.
    let units_page = send(&app, "GET", "/don-vi", Some(&officer), None).await;
    assert!(units_page.body.contains("action=\"/don-vi/ma-tra-cuu\""));
    assert!(
        !units_page.body.contains("action=\"/don-vi/hop-nhat\""),
        "admins only"
    );
    let unticked = send(
        &app,
        "POST",
        "/don-vi/ma-tra-cuu",
        Some(&officer),
        Some(&[("csrf", &csrf), ("unit", "79")]),
    )
    .await;
    assert_eq!(unticked.status, 400);
    assert!(
        unticked.body.contains("đánh dấu ô xác nhận"),
        "{}",
        unticked.body
    );
    let file = send(
        &app,
        "POST",
        "/don-vi/ma-tra-cuu",
        Some(&officer),
        Some(&[
            ("csrf", &csrf),
            ("unit", "79"),
            ("format", "csv"),
            ("understood", "1"),
        ]),
    )
    .await;
    assert_eq!(file.status, 200);
    let in_79: i64 = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .inner_join(units::table)
            .filter(units::path.like(&below_79))
            .count()
            .get_result(&mut conn)
            .unwrap()
    };
    assert_eq!(
        file.body.lines().count() as i64,
        in_79 + 1,
        "a header and a row per case"
    );
    assert!(file.body.contains("case_id,national_id,full_name,code"));

    // The payment officer enters a Treasury account; a bad number is an error page.
    let mof = sign_in(&app, "mof").await;
    let home = send(&app, "GET", "/don-vi?unit=79", Some(&mof), None).await;
    assert!(home.body.contains("id=\"save-account\""));
    let mof_csrf = csrf_of(&home.body);
    let bad = send(
        &app,
        "POST",
        "/don-vi/tai-khoan",
        Some(&mof),
        Some(&[("csrf", &mof_csrf), ("unit", "79"), ("account_no", "12ab")]),
    )
    .await;
    assert_eq!(bad.status, 400);
    assert!(bad.body.contains("không hợp lệ"), "{}", bad.body);
    let saved = send(
        &app,
        "POST",
        "/don-vi/tai-khoan",
        Some(&mof),
        Some(&[
            ("csrf", &mof_csrf),
            ("unit", "79"),
            ("account_no", "9527.1.1012345"),
            ("opened_on", "15/07/2025"),
        ]),
    )
    .await;
    assert_eq!(saved.status, 303, "{}", saved.body);
    let stored: Option<String> = {
        let mut conn = app.db.get().unwrap();
        units::table
            .filter(units::code.eq("79"))
            .select(units::treasury_account_no)
            .first(&mut conn)
            .unwrap()
    };
    assert_eq!(stored.as_deref(), Some("9527.1.1012345"));
    let back = send(&app, "GET", &saved.location, Some(&mof), None).await;
    assert!(back.body.contains("Đã lưu tài khoản Kho bạc"));

    // A merge into itself is refused, on a page, with the reason.
    let boss = sign_in(&app, "boss").await;
    let units_page = send(&app, "GET", "/don-vi", Some(&boss), None).await;
    let boss_csrf = csrf_of(&units_page.body);
    let refused = send(
        &app,
        "POST",
        "/don-vi/hop-nhat",
        Some(&boss),
        Some(&[
            ("csrf", &boss_csrf),
            ("unit", "79"),
            ("successor", "79"),
            ("understood", "1"),
        ]),
    )
    .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(refused.body.contains("<!doctype html>"));
    helpers::assert_reads_vietnamese("merge refusal", &refused.body);
}
both_backends!(lookup_codes_accounts_and_merges_on_the_pages);

/// A payment officer funds approved cases in bulk from the list (all or nothing, the funding
/// source required); a reviewer cancels a case with its reason and a ticked box.
async fn bulk_fund_and_cancel_on_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 40, false);
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    app.user("mof", Role::MofOfficer, &["VN"], PW);
    // Two cases approved (as a reviewer would).
    let approved: Vec<i64> = {
        let mut conn = app.db.get().unwrap();
        let ids: Vec<i64> = cases::table
            .filter(cases::state.eq("submitted"))
            .order(cases::id.desc())
            .select(cases::id)
            .limit(2)
            .load(&mut conn)
            .unwrap();
        for id in &ids {
            staffpay::services::case_review::act(
                &mut conn,
                &staffpay::services::Actor::cli(),
                CaseId(*id),
                None,
                staffpay::domain::case_state::CaseAction::Approve,
            )
            .unwrap();
        }
        ids
    };
    assert_eq!(approved.len(), 2);
    let mof = sign_in(&app, "mof").await;
    let list = send(&app, "GET", "/ho-so?state=approved", Some(&mof), None).await;
    assert!(list.body.contains("id=\"bulk-fund\""), "{}", list.body);
    assert!(
        list.body
            .contains(&format!("name=\"id\" value=\"{}\"", approved[0]))
    );
    helpers::assert_reads_vietnamese("case list", &list.body);
    let csrf = csrf_of(&list.body);
    let ids: Vec<(&str, String)> = approved.iter().map(|id| ("id", id.to_string())).collect();
    let mut form: Vec<(&str, &str)> = vec![("csrf", &csrf)];
    form.extend(ids.iter().map(|(k, v)| (*k, v.as_str())));
    let no_source = send(
        &app,
        "POST",
        "/ho-so/cap-kinh-phi-nhieu",
        Some(&mof),
        Some(&form),
    )
    .await;
    assert_eq!(no_source.status, 400);
    assert!(
        no_source.body.contains("nguồn kinh phí"),
        "{}",
        no_source.body
    );
    form.push(("funding_source", "Dự toán 2025"));
    let funded = send(
        &app,
        "POST",
        "/ho-so/cap-kinh-phi-nhieu",
        Some(&mof),
        Some(&form),
    )
    .await;
    assert_eq!(funded.status, 303, "{}", funded.body);
    for id in &approved {
        assert_eq!(state_of(&app, *id).0, "payable");
    }
    let after = send(&app, "GET", &funded.location, Some(&mof), None).await;
    assert!(
        after.body.contains("Đã cấp kinh phí cho 2 hồ sơ"),
        "{}",
        after.body
    );
    // Again: they are payable now, so nothing is funded and the page says why.
    let again = send(
        &app,
        "POST",
        "/ho-so/cap-kinh-phi-nhieu",
        Some(&mof),
        Some(&form),
    )
    .await;
    assert_eq!(again.status, 409);
    assert!(
        again.body.contains("Không cấp kinh phí hồ sơ nào"),
        "{}",
        again.body
    );

    // A reviewer cancels a submitted case: reason and box required.
    let rev = sign_in(&app, "rev").await;
    let case: i64 = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .filter(cases::state.eq("submitted"))
            .order(cases::id.asc())
            .select(cases::id)
            .first(&mut conn)
            .unwrap()
    };
    let page = send(&app, "GET", &format!("/ho-so/{case}"), Some(&rev), None).await;
    assert!(page.body.contains("id=\"cancel\""));
    let csrf = csrf_of(&page.body);
    let version = version_of(&app, case);
    let unticked = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/thao-tac"),
        Some(&rev),
        Some(&[
            ("csrf", &csrf),
            ("action", "cancel"),
            ("version", &version),
            ("reason", "Quyết định bị thu hồi"),
        ]),
    )
    .await;
    assert_eq!(unticked.status, 400);
    assert_eq!(state_of(&app, case).0, "submitted");
    let cancelled = send(
        &app,
        "POST",
        &format!("/ho-so/{case}/thao-tac"),
        Some(&rev),
        Some(&[
            ("csrf", &csrf),
            ("action", "cancel"),
            ("version", &version),
            ("reason", "Quyết định bị thu hồi"),
            ("understood", "1"),
        ]),
    )
    .await;
    assert_eq!(cancelled.status, 303, "{}", cancelled.body);
    assert_eq!(state_of(&app, case).0, "cancelled");
    let shown = send(&app, "GET", &cancelled.location, Some(&rev), None).await;
    assert!(shown.body.contains("Đã hủy hồ sơ"));
    assert!(shown.body.contains("Hủy hồ sơ"), "the history says it");
}
both_backends!(bulk_fund_and_cancel_on_the_pages);

/// Menus offer only what the role may use; the recomputed figures page, the help page (with
/// what is still command-line only) and an empty acceptance answered as pages.
async fn menus_recomputed_figures_and_help_on_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 10, false);
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    app.user("unit79", Role::UnitOfficer, &["79"], PW);
    let rev = sign_in(&app, "rev").await;
    let home = send(&app, "GET", "/", Some(&rev), None).await;
    assert!(
        home.body.contains("href=\"/nhat-ky\""),
        "a reviewer reads the audit trail"
    );
    let unit = sign_in(&app, "unit79").await;
    let home = send(&app, "GET", "/", Some(&unit), None).await;
    assert!(
        !home.body.contains("href=\"/nhat-ky\""),
        "an agency officer does not"
    );
    assert!(
        home.body.contains("href=\"/nhap\""),
        "an agency officer uploads rosters"
    );
    let audit = send(&app, "GET", "/nhat-ky", Some(&unit), None).await;
    assert_eq!(audit.status, 403);
    assert!(audit.body.contains("Không được phép"), "{}", audit.body);

    let changes = send(&app, "GET", "/thay-doi", Some(&rev), None).await;
    assert_eq!(changes.status, 200);
    assert!(
        changes.body.contains("Không có số tính lại nào đang chờ"),
        "{}",
        changes.body
    );
    helpers::assert_reads_vietnamese("recomputed", &changes.body);
    let csrf = csrf_of(&changes.body);
    let nothing = send(
        &app,
        "POST",
        "/thay-doi/chap-nhan",
        Some(&rev),
        Some(&[("csrf", &csrf), ("reason", "x"), ("legal_basis", "y")]),
    )
    .await;
    assert_eq!(nothing.status, 400);
    assert!(
        nothing.body.contains("Chưa chọn hồ sơ nào"),
        "{}",
        nothing.body
    );

    let help = send(&app, "GET", "/tro-giup", Some(&unit), None).await;
    assert_eq!(help.status, 200);
    assert!(
        help.body.contains("staffpay users reset-password"),
        "{}",
        help.body
    );
    assert!(help.body.contains("Hiện chỉ làm bằng dòng lệnh"));
    helpers::assert_reads_vietnamese("help", &help.body);
}
both_backends!(menus_recomputed_figures_and_help_on_the_pages);

/// An administrator manages users and tokens on the pages: a new user's password and a new
/// token are shown once and work; a disabled user cannot sign in; every refusal is a page.
async fn users_and_tokens_on_the_pages(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 5, false);
    app.user("boss", Role::Admin, &["VN"], PW);
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let boss = sign_in(&app, "boss").await;
    let page = send(&app, "GET", "/nguoi-dung", Some(&boss), None).await;
    assert_eq!(page.status, 200);
    assert!(
        page.body.contains("Cán bộ thẩm định (Bộ Nội vụ)"),
        "roles in words"
    );
    helpers::assert_reads_vietnamese("users", &page.body);
    let csrf = csrf_of(&page.body);
    let secret = |body: &str| -> String {
        let at = body.find("id=\"secret\"").expect("a secret shown once");
        let from = at + body[at..].find('>').unwrap() + 1;
        body[from..].split('<').next().unwrap().to_string()
    };
    let added = send(
        &app,
        "POST",
        "/nguoi-dung",
        Some(&boss),
        Some(&[
            ("csrf", &csrf),
            ("op", "add"),
            ("username", "hcm.officer"),
            ("role", "unit_officer"),
            ("units", "79"),
        ]),
    )
    .await;
    assert_eq!(added.status, 200, "{}", added.body);
    assert!(added.body.contains("Đã tạo người dùng"));
    let password = secret(&added.body);
    assert!(password.len() >= 12, "{password}");
    // The new user signs in with it.
    let (form_cookie, login_csrf) = helpers::login_form(&app).await;
    let signed = send(
        &app,
        "POST",
        "/dang-nhap",
        Some(&form_cookie),
        Some(&[
            ("username", "hcm.officer"),
            ("password", &password),
            ("csrf", &login_csrf),
        ]),
    )
    .await;
    assert_eq!(signed.status, 303, "{}", signed.body);
    // A token, shown once; it opens the API.
    let token_page = send(
        &app,
        "POST",
        "/nguoi-dung",
        Some(&boss),
        Some(&[
            ("csrf", &csrf),
            ("op", "token"),
            ("username", "hcm.officer"),
            ("token_name", "he-thong-nhan-su"),
            ("days", "30"),
        ]),
    )
    .await;
    let token = secret(&token_page.body);
    assert!(token.starts_with("sp_"), "{token}");
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 200);
    let revoked = send(
        &app,
        "POST",
        "/nguoi-dung",
        Some(&boss),
        Some(&[
            ("csrf", &csrf),
            ("op", "revoke"),
            ("username", "hcm.officer"),
            ("token_name", "he-thong-nhan-su"),
        ]),
    )
    .await;
    assert_eq!(revoked.status, 200);
    assert_eq!(app.get("/api/v1/me", Some(&token)).await.status, 401);
    // Disabled: the password no longer opens a session. A duplicate is refused on a page.
    let disabled = send(
        &app,
        "POST",
        "/nguoi-dung",
        Some(&boss),
        Some(&[
            ("csrf", &csrf),
            ("op", "disable"),
            ("username", "hcm.officer"),
        ]),
    )
    .await;
    assert!(disabled.body.contains("đã khóa"));
    let (form_cookie, login_csrf) = helpers::login_form(&app).await;
    let refused = send(
        &app,
        "POST",
        "/dang-nhap",
        Some(&form_cookie),
        Some(&[
            ("username", "hcm.officer"),
            ("password", &password),
            ("csrf", &login_csrf),
        ]),
    )
    .await;
    assert_ne!(refused.status, 303);
    let again = send(
        &app,
        "POST",
        "/nguoi-dung",
        Some(&boss),
        Some(&[
            ("csrf", &csrf),
            ("op", "add"),
            ("username", "hcm.officer"),
            ("role", "unit_officer"),
            ("units", "79"),
        ]),
    )
    .await;
    assert_eq!(again.status, 409);
    assert!(again.body.contains("đã có"), "{}", again.body);
    // Not for a reviewer.
    let rev = sign_in(&app, "rev").await;
    let home = send(&app, "GET", "/", Some(&rev), None).await;
    assert!(!home.body.contains("href=\"/nguoi-dung\""));
    assert_eq!(
        send(&app, "GET", "/nguoi-dung", Some(&rev), None)
            .await
            .status,
        403
    );
}
both_backends!(users_and_tokens_on_the_pages);

/// Daily snapshots: the first request of the day writes today's (once, whoever comes second
/// writes nothing), the days before are rebuilt once from the history, and the dashboard draws
/// progress over time from them.
async fn daily_snapshots_draw_progress_over_time(backend: Backend) {
    use staffpay::db::schema::{payments, progress_snapshots};
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 40, true);
    let settings = app.test_db.settings();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    let today = staffpay::db::today_vn();
    let mut conn = app.db.get().unwrap();
    // The demo's roster import may have taken today's snapshot already (the first import of
    // the day does, before the demo's payments): start from none, as a database before its
    // first snapshot.
    diesel::delete(progress_snapshots::table)
        .execute(&mut conn)
        .unwrap();
    assert!(staffpay::services::snapshots::ensure_in_database(&mut conn, &policy, today).unwrap());
    let rows: i64 = progress_snapshots::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert!(
        !staffpay::services::snapshots::ensure_in_database(&mut conn, &policy, today).unwrap(),
        "a second writer writes nothing"
    );
    let again: i64 = progress_snapshots::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    assert_eq!(rows, again);
    // The rebuilt day before today holds every payment dated before today.
    let nation: i64 = units::table
        .filter(units::code.eq("VN"))
        .select(units::id)
        .first(&mut conn)
        .unwrap();
    let yesterday = today - TimeDelta::days(1);
    let (paid_vnd, rebuilt): (i64, bool) = progress_snapshots::table
        .filter(progress_snapshots::unit_id.eq(nation))
        .filter(progress_snapshots::day.eq(yesterday))
        .select((progress_snapshots::paid_vnd, progress_snapshots::rebuilt))
        .first(&mut conn)
        .unwrap();
    let dated: Vec<i64> = payments::table
        .inner_join(cases::table)
        .filter(cases::state.ne("cancelled"))
        .filter(payments::paid_on.le(yesterday))
        .select(payments::amount_vnd)
        .load(&mut conn)
        .unwrap();
    assert!(rebuilt);
    assert_eq!(paid_vnd, dated.iter().sum::<i64>());
    let (today_paid, taken): (i64, bool) = progress_snapshots::table
        .filter(progress_snapshots::unit_id.eq(nation))
        .filter(progress_snapshots::day.eq(today))
        .select((progress_snapshots::paid_vnd, progress_snapshots::rebuilt))
        .first(&mut conn)
        .unwrap();
    assert!(!taken, "today's is taken, not rebuilt");
    let all_paid: Vec<i64> = payments::table
        .inner_join(cases::table)
        .filter(cases::state.ne("cancelled"))
        .select(payments::amount_vnd)
        .load(&mut conn)
        .unwrap();
    assert_eq!(today_paid, all_paid.iter().sum::<i64>());
    drop(conn);
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let rev = sign_in(&app, "rev").await;
    let home = send(&app, "GET", "/", Some(&rev), None).await;
    assert!(home.body.contains("id=\"over-time\""), "{}", home.body);
    assert!(home.body.contains("Tiến độ theo thời gian"));
    // A unit further down has its own series from today on (the rebuilt history holds the
    // nation and the units below it only): today's row adds up the cases below it; with one
    // day, its chart says it appears from the second day; with a second, it is drawn.
    let (deep, deep_id): (String, i64) = {
        let mut conn = app.db.get().unwrap();
        let top: Vec<i64> = units::table
            .filter(units::parent_id.eq(nation))
            .select(units::id)
            .load(&mut conn)
            .unwrap();
        cases::table
            .inner_join(units::table.on(units::id.eq(cases::unit_id)))
            .filter(units::id.ne(nation))
            .filter(units::id.ne_all(top))
            .select((units::code, units::id))
            .first(&mut conn)
            .unwrap()
    };
    {
        let mut conn = app.db.get().unwrap();
        let (people, entitled): (i64, i64) = progress_snapshots::table
            .filter(progress_snapshots::unit_id.eq(deep_id))
            .filter(progress_snapshots::day.eq(today))
            .select((progress_snapshots::people, progress_snapshots::entitled_vnd))
            .first(&mut conn)
            .unwrap();
        let below: Vec<i64> = cases::table
            .inner_join(units::table.on(units::id.eq(cases::unit_id)))
            .filter(units::path.like(format!("%/{deep_id}/%")))
            .filter(cases::state.ne("cancelled"))
            .select(cases::entitled_vnd)
            .load(&mut conn)
            .unwrap();
        assert_eq!(people, i64::try_from(below.len()).unwrap());
        assert_eq!(entitled, below.iter().sum::<i64>());
        let days: i64 = progress_snapshots::table
            .filter(progress_snapshots::unit_id.eq(deep_id))
            .count()
            .get_result(&mut conn)
            .unwrap();
        assert_eq!(days, 1, "today's only, not rebuilt");
    }
    let drilled = send(&app, "GET", &format!("/?unit={deep}"), Some(&rev), None).await;
    assert_eq!(drilled.status, 200, "{}", drilled.body);
    assert!(
        drilled.body.contains(
            "id=\"over-time-none\"><small>Biểu đồ tiến độ theo thời gian có từ ngày thứ hai"
        ),
        "{}",
        drilled.body
    );
    {
        // The next day's snapshot (written as tomorrow's first request would).
        let mut conn = app.db.get().unwrap();
        let tomorrow = today.succ_opt().unwrap();
        let written =
            staffpay::services::snapshots::ensure_in_database(&mut conn, &policy, tomorrow)
                .unwrap();
        assert!(written);
    }
    let drilled = send(&app, "GET", &format!("/?unit={deep}"), Some(&rev), None).await;
    assert!(
        drilled.body.contains("id=\"over-time\""),
        "{}",
        drilled.body
    );
}
both_backends!(daily_snapshots_draw_progress_over_time);

/// The open flags behind the dashboard's counts and the flag list page (issue 19: ≈ 0.4 s at
/// 150,000 cases) are remembered while nothing changed: reused for the same units and day
/// while the audit trail stands still, listed again after any audited change (then equal to
/// the live count), on another day, and for other units; both pages say when they were
/// listed.
async fn remembered_flags_are_reused_only_while_nothing_changed(backend: Backend) {
    use staffpay::db::units::UnitScope;
    use staffpay::domain::flags::FlagKind;
    use staffpay::services::flags::{self, FlagFilter, RememberedFlags};
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 20, false);
    let settings = app.test_db.settings();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    let mut conn = app.db.get().unwrap();
    let today = staffpay::db::today_vn();
    let live = |conn: &mut staffpay::db::DbConnection| {
        flags::counts(
            &flags::list(
                conn,
                &policy,
                &UnitScope::All,
                &FlagFilter::default(),
                today,
            )
            .unwrap(),
        )
    };
    let disputed = |counts: &[(FlagKind, usize)]| {
        counts
            .iter()
            .find(|(k, _)| *k == FlagKind::Disputed)
            .map_or(0, |c| c.1)
    };
    let remembered = RememberedFlags::default();
    let (first, at) = remembered
        .counts(&mut conn, &policy, &UnitScope::All, today)
        .unwrap();
    assert_eq!(first, live(&mut conn));
    // The flag list page takes the same entry: the flags themselves, counted the same.
    let (listed, listed_at) = remembered
        .flags(&mut conn, &policy, &UnitScope::All, None, today)
        .unwrap();
    assert_eq!(listed_at, at);
    assert_eq!(listed.len(), first.iter().map(|c| c.1).sum::<usize>());
    // A change the audit trail does not see (written here behind the services' back): the
    // remembered counts are reused, unchanged, with their time.
    let case: i64 = cases::table
        .select(cases::id)
        .order(cases::id.asc())
        .first(&mut conn)
        .unwrap();
    staffpay::db::markers::set_marker(
        &mut conn,
        &[CaseId(case)],
        staffpay::db::markers::Marker::Disputed,
        Some(today),
    )
    .unwrap();
    let (reused, reused_at) = remembered
        .counts(&mut conn, &policy, &UnitScope::All, today)
        .unwrap();
    assert_eq!((reused.clone(), reused_at), (first.clone(), at));
    assert_eq!(disputed(&live(&mut conn)), disputed(&first) + 1);
    // Another scope and another day are counted afresh.
    let nation = staffpay::db::units::find_by_code(&mut conn, "VN")
        .unwrap()
        .unwrap();
    let scoped = UnitScope::Subtrees(vec![nation.path]);
    let (other, _) = remembered
        .counts(&mut conn, &policy, &scoped, today)
        .unwrap();
    assert_eq!(disputed(&other), disputed(&first) + 1);
    let tomorrow = today.succ_opt().unwrap();
    let (next_day, _) = remembered
        .counts(&mut conn, &policy, &UnitScope::All, tomorrow)
        .unwrap();
    assert_eq!(disputed(&next_day), disputed(&first) + 1);
    // Any audited change: counted again, equal to the live count.
    staffpay::db::audit::record(
        &mut conn,
        staffpay::db::audit::AuditEntry {
            actor_user_id: None,
            actor: "cli".into(),
            action: "case.answer".into(),
            entity_kind: "case".into(),
            entity_id: Some(case.to_string()),
            unit_id: None,
            case_id: Some(CaseId(case)),
            request_id: None,
            before: None,
            after: None,
        },
    )
    .unwrap();
    let (after, _) = remembered
        .counts(&mut conn, &policy, &UnitScope::All, today)
        .unwrap();
    assert_eq!(after, live(&mut conn));
    assert_eq!(disputed(&after), disputed(&first) + 1);
    drop(conn);
    // The dashboard says when its counts were made.
    app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let rev = sign_in(&app, "rev").await;
    let page = send(&app, "GET", "/", Some(&rev), None).await;
    assert!(
        page.body.contains("Đếm lúc <span id=\"flags-as-of\">"),
        "{}",
        page.body
    );
    let list = send(&app, "GET", "/canh-bao", Some(&rev), None).await;
    assert!(
        list.body.contains("lập lúc <span id=\"listed-at\">"),
        "{}",
        list.body
    );
    // The language switch keeps the list's filters.
    let filtered = send(&app, "GET", "/canh-bao?kind=disputed", Some(&rev), None).await;
    assert!(
        filtered
            .body
            .contains("<a href=\"/canh-bao?kind=disputed&#38;lang=en\""),
        "{}",
        filtered.body
    );
}
both_backends!(remembered_flags_are_reused_only_while_nothing_changed);
