//! The self-service status page: lookup by national id and code (the same answer for a wrong
//! code and an unknown id), the session cookie, the statement download, questions and
//! disputes (escaped on the page, stored as typed, CSRF-checked), reviewer answers, and
//! throttling per id and per address with the agency lifting a lock.

use chrono::TimeDelta;
use diesel::prelude::*;
use staffpay::db::schema::{case_messages, cases, people};
use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, FORM, Page, TestApp, case_with_code, csrf_of, send_page, with_demo};

const PW: &str = "correct horse battery staple";

async fn send(
    app: &TestApp,
    method: &str,
    path: &str,
    cookie: Option<&str>,
    form: Option<&str>,
) -> Page {
    send_page(
        app,
        method,
        path,
        cookie,
        form.map(|f| (FORM, f.to_string())),
    )
    .await
}

fn form(pairs: &[(&str, &str)]) -> String {
    serde_urlencoded::to_string(pairs).unwrap()
}

/// The demo data, and a payable case with a fresh lookup code: (case, national id, code).
fn setup(app: &TestApp) -> (i64, String, String) {
    with_demo(app, 150, true);
    case_with_code(app, &["payable", "partially_paid"])
}

async fn status_page_lookup_session_and_dispute(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (case, nid, code) = setup(&app);

    let page = send(&app, "GET", "/tra-cuu", None, None).await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("name=\"national_id\""));
    assert!(
        page.body.contains("<label for=\"code\">"),
        "labelled fields"
    );
    let en = send(&app, "GET", "/status?lang=en", None, None).await;
    assert!(en.body.contains("National id number"));

    // A wrong code for a real id and an unknown id: the same page.
    let wrong = send(
        &app,
        "POST",
        "/tra-cuu",
        None,
        Some(&form(&[("national_id", &nid), ("code", "AAAA-BBBB-CCCC")])),
    )
    .await;
    let unknown = send(
        &app,
        "POST",
        "/tra-cuu",
        None,
        Some(&form(&[
            ("national_id", "001099000000"),
            ("code", "AAAA-BBBB-CCCC"),
        ])),
    )
    .await;
    assert_eq!(wrong.status, 200);
    assert_eq!(wrong.body, unknown.body);
    assert!(wrong.cookie.is_none() && unknown.cookie.is_none());
    assert!(wrong.body.contains("không đúng"));

    // The right pair: the case, and a session cookie.
    let found = send(
        &app,
        "POST",
        "/tra-cuu",
        None,
        Some(&form(&[
            ("national_id", &nid),
            ("code", &code.to_lowercase()),
        ])),
    )
    .await;
    assert_eq!(found.status, 200);
    let set = found.set_cookie.clone().unwrap();
    for attr in ["HttpOnly", "Secure", "SameSite=Strict", "Max-Age=900"] {
        assert!(set.contains(attr), "{attr} in {set}");
    }
    let cookie = found.cookie.clone().unwrap();
    let (name, reference, entitled, paid): (String, String, i64, i64) = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .inner_join(people::table)
            .filter(cases::id.eq(case))
            .select((
                people::full_name,
                cases::payment_reference,
                cases::entitled_vnd,
                cases::paid_vnd,
            ))
            .first(&mut conn)
            .unwrap()
    };
    assert!(found.body.contains(&name));
    assert!(found.body.contains(&reference));
    // Figures as officials write them (issue 20): 1.234.567 đ.
    let grouped = staffpay::present::money(entitled, false);
    assert!(found.body.contains(&grouped), "total {grouped}");
    let still = staffpay::present::money(entitled - paid, false);
    assert!(found.body.contains(&still));
    assert!(found.body.contains("Quá trình xử lý"));

    // The session shows the case again and downloads the statement (without the code).
    let again = send(&app, "GET", "/tra-cuu", Some(&cookie), None).await;
    assert!(again.body.contains(&reference));
    let statement = send(&app, "GET", "/tra-cuu/bang-tinh.xlsx", Some(&cookie), None).await;
    assert_eq!(statement.status, 200);
    let cells: Vec<String> = {
        use calamine::Reader;
        let mut book: calamine::Xlsx<_> =
            calamine::Xlsx::new(std::io::Cursor::new(statement.bytes.clone())).unwrap();
        book.worksheet_range("Bảng tính trợ cấp")
            .unwrap()
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()).collect::<Vec<_>>())
            .collect()
    };
    assert!(cells.contains(&reference));
    assert!(
        !cells.iter().any(|c| c.contains(&code)),
        "the code is not printed"
    );
    let no_session = send(&app, "GET", "/tra-cuu/bang-tinh.xlsx", None, None).await;
    assert_eq!(no_session.status, 303);
    // A forged session (another case id) is no session.
    let forged = cookie.replacen(&format!("={case}."), &format!("={}.", case + 1), 1);
    let page = send(&app, "GET", "/tra-cuu", Some(&forged), None).await;
    assert!(
        page.body.contains("name=\"national_id\""),
        "back to the form"
    );
    assert!(!page.body.contains(&reference));
    // "End lookup" (a shared phone): the status cookie is removed and the form says so.
    assert!(again.body.contains("action=\"/tra-cuu/ket-thuc\""));
    let ended = send(&app, "POST", "/tra-cuu/ket-thuc", Some(&cookie), Some("")).await;
    assert_eq!(ended.status, 303);
    assert_eq!(ended.location.as_deref(), Some("/tra-cuu?lang=vi&ended=1"));
    let removal = ended.set_cookie.clone().unwrap_or_default();
    assert!(removal.starts_with("staffpay_status=;"), "{removal}");
    assert!(removal.contains("Max-Age=0"), "{removal}");
    let form_again = send(&app, "GET", "/tra-cuu?lang=vi&ended=1", None, None).await;
    assert!(form_again.body.contains("Đã kết thúc tra cứu"));

    // A dispute: the form token is required; the text is stored as typed and shown escaped.
    let csrf = csrf_of(&again.body);
    let hostile = "<script>alert('x')</script> ' OR 1=1; DROP TABLE cases; --";
    let no_token = send(
        &app,
        "POST",
        "/tra-cuu/gui",
        Some(&cookie),
        Some(&form(&[
            ("kind", "dispute"),
            ("body", hostile),
            ("csrf", "nope"),
        ])),
    )
    .await;
    assert_eq!(no_token.status, 403);
    let no_cookie = send(
        &app,
        "POST",
        "/tra-cuu/gui",
        None,
        Some(&form(&[
            ("kind", "dispute"),
            ("body", hostile),
            ("csrf", &csrf),
        ])),
    )
    .await;
    assert_eq!(no_cookie.status, 303);
    let sent = send(
        &app,
        "POST",
        "/tra-cuu/gui",
        Some(&cookie),
        Some(&form(&[
            ("kind", "dispute"),
            ("body", hostile),
            ("csrf", &csrf),
        ])),
    )
    .await;
    assert_eq!(sent.status, 303, "{}", sent.body);
    assert!(sent.location.unwrap().starts_with("/tra-cuu"));
    let stored: (i64, String) = {
        let mut conn = app.db.get().unwrap();
        case_messages::table
            .filter(case_messages::case_id.eq(case))
            .select((case_messages::id, case_messages::body))
            .first(&mut conn)
            .unwrap()
    };
    assert_eq!(stored.1, hostile, "stored as typed");
    let page = send(&app, "GET", "/tra-cuu", Some(&cookie), None).await;
    assert!(!page.body.contains("<script>alert"));
    assert!(
        page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"),
        "shown escaped"
    );
    assert!(page.body.contains("đang được xem xét"));

    // The reviewer sees the disputed flag and answers; the person sees the answer.
    let reviewer = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let (token, _) = app.token(reviewer, TimeDelta::hours(1));
    let disputed = |body: &serde_json::Value| {
        body["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["case_id"] == case)
    };
    let flags = app.get("/api/v1/flags?kind=disputed", Some(&token)).await;
    assert!(disputed(&flags.body), "{:?}", flags.body);
    let list = app
        .get(&format!("/api/v1/cases/{case}/messages"), Some(&token))
        .await;
    assert_eq!(list.status, 200);
    assert_eq!(list.body[0]["kind"], "dispute");
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{case}/messages/{}/answer", stored.0),
            Some(&token),
            Some(r#"{"answer":"Số tiền đúng theo Điều 7 <b>"}"#),
        )
        .await;
    assert_eq!(reply.status, 204, "{:?}", reply.body);
    let twice = app
        .call(
            "POST",
            &format!("/api/v1/cases/{case}/messages/{}/answer", stored.0),
            Some(&token),
            Some(r#"{"answer":"again"}"#),
        )
        .await;
    assert_eq!(twice.status, 409);
    let page = send(&app, "GET", "/tra-cuu", Some(&cookie), None).await;
    assert!(
        page.body.contains("Số tiền đúng theo Điều 7 &lt;b&gt;")
            || page.body.contains("Số tiền đúng theo Điều 7 &#60;b&#62;")
    );
    let flags = app.get("/api/v1/flags?kind=disputed", Some(&token)).await;
    assert!(!disputed(&flags.body), "answered: no longer disputed");
}
both_backends!(status_page_lookup_session_and_dispute);

async fn status_page_throttling(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let (case, nid, code) = setup(&app);
    let right = form(&[("national_id", &nid), ("code", &code)]);
    // Successful lookups are not throttled.
    for _ in 0..25 {
        assert_eq!(
            send(&app, "POST", "/tra-cuu", None, Some(&right))
                .await
                .status,
            200
        );
    }
    // Five wrong codes lock the id, even for the right code.
    let wrong = form(&[("national_id", &nid), ("code", "AAAA-BBBB-CCCC")]);
    for _ in 0..5 {
        assert_eq!(
            send(&app, "POST", "/tra-cuu", None, Some(&wrong))
                .await
                .status,
            200
        );
    }
    let locked = send(&app, "POST", "/tra-cuu", None, Some(&right)).await;
    assert_eq!(locked.status, 429);
    assert!(locked.body.contains("mở khóa"));
    assert!(
        locked.body.contains("khoảng 24 giờ"),
        "how long: {}",
        locked.body
    );
    // The agency lifts it.
    let officer = app.user("hcm", Role::UnitOfficer, &["VN"], PW);
    let (token, _) = app.token(officer, TimeDelta::hours(1));
    let lifted = app
        .call(
            "DELETE",
            &format!("/api/v1/cases/{case}/lookup-lockout"),
            Some(&token),
            None,
        )
        .await;
    assert_eq!(lifted.status, 204);
    assert_eq!(
        send(&app, "POST", "/tra-cuu", None, Some(&right))
            .await
            .status,
        200
    );
    // Twenty failures from one address lock the address, whatever the id.
    for i in 0..15 {
        let other = format!("0010990000{i:02}");
        send(
            &app,
            "POST",
            "/tra-cuu",
            None,
            Some(&form(&[
                ("national_id", &other),
                ("code", "AAAA-BBBB-CCCC"),
            ])),
        )
        .await;
    }
    assert_eq!(
        send(&app, "POST", "/tra-cuu", None, Some(&right))
            .await
            .status,
        429
    );
    // Each failure is in the audit trail, without the id typed.
    let mut conn = app.db.get().unwrap();
    let failures: Vec<staffpay::db::audit::AuditRow> = staffpay::db::audit::recent(&mut conn, 100)
        .unwrap()
        .into_iter()
        .filter(|e| e.action == "status.lookup_failed")
        .collect();
    assert_eq!(failures.len(), 20);
    assert!(
        failures
            .iter()
            .all(|e| !e.after_json.clone().unwrap_or_default().contains(&nid))
    );
}
both_backends!(status_page_throttling);
