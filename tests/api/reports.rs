//! Excel reports, read back with calamine and checked figure by figure against the database:
//! the reconciliation workbook (national, scoped, as of a past date, refusals), the payment
//! list and the entitlement statement (with a snapshot of its cells).

#![allow(clippy::cast_possible_truncation, clippy::type_complexity)] // spreadsheet cells are f64 and u32

use staffpay::domain::ids::CaseId;
use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx};
use chrono::TimeDelta;
use diesel::prelude::*;
use staffpay::db::schema::{case_events, cases, payments, people, units};
use staffpay::domain::access::Role;
use staffpay::domain::case_state::CaseState;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, with_demo};

const PW: &str = "correct horse battery staple";

/// A downloaded file.
pub(crate) struct Download {
    pub status: u16,
    pub content_type: String,
    pub bytes: Vec<u8>,
}

pub(crate) async fn download(app: &TestApp, method: &str, path: &str, token: &str) -> Download {
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut resp = app
        .client
        .request(method, format!("{}{}", app.base, path))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    let bytes = resp.body().limit(256 * 1024 * 1024).await.unwrap().to_vec();
    Download {
        status: resp.status().as_u16(),
        content_type: resp
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_string())
            .unwrap_or_default(),
        bytes,
    }
}

pub(crate) fn open(bytes: &[u8]) -> Xlsx<Cursor<Vec<u8>>> {
    Xlsx::new(Cursor::new(bytes.to_vec())).expect("a workbook calamine can read")
}

pub(crate) fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    book.worksheet_range(name).unwrap()
}

pub(crate) fn text(r: &Range<Data>, row: u32, col: u32) -> String {
    match r.get_value((row, col)) {
        None | Some(Data::Empty) => String::new(),
        Some(Data::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// A number cell as whole đồng (must be exactly whole).
pub(crate) fn int(r: &Range<Data>, row: u32, col: u32) -> i64 {
    match r.get_value((row, col)) {
        None | Some(Data::Empty) => 0,
        Some(Data::Float(f)) => {
            assert_eq!(f.fract(), 0.0, "({row},{col}) = {f} is not whole");
            *f as i64
        }
        Some(Data::Int(i)) => *i,
        other => panic!("({row},{col}) is not a number: {other:?}"),
    }
}

fn ratio(r: &Range<Data>, row: u32, col: u32) -> f64 {
    match r.get_value((row, col)) {
        Some(Data::Float(f)) => *f,
        other => panic!("({row},{col}) is not a ratio: {other:?}"),
    }
}

/// Case id → (name, national id, unit code, state, entitled, paid, reference).
type Facts = HashMap<i64, (String, String, String, String, i64, i64, String)>;

fn facts(app: &TestApp, unit_path: Option<&str>) -> Facts {
    let mut conn = app.db.get().unwrap();
    let mut q = cases::table
        .inner_join(people::table)
        .inner_join(units::table)
        .into_boxed();
    if let Some(p) = unit_path {
        q = q.filter(units::path.like(format!("{p}%")));
    }
    let rows: Vec<(i64, String, String, String, String, i64, i64, String)> = q
        .select((
            cases::id,
            people::full_name,
            people::national_id,
            units::code,
            cases::state,
            cases::entitled_vnd,
            cases::paid_vnd,
            cases::payment_reference,
        ))
        .load(&mut conn)
        .unwrap();
    rows.into_iter()
        .map(|(id, n, nid, u, s, e, p, r)| (id, (n, nid, u, s, e, p, r)))
        .collect()
}

/// Rows of the detail sheet (from row 4 to the row before the total).
fn detail_rows(detail: &Range<Data>) -> Vec<u32> {
    let end = detail.end().unwrap().0;
    (4..=end)
        .filter(|r| !text(detail, *r, 0).is_empty())
        .collect()
}

async fn reconciliation_workbook_agrees_with_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 150, true);
    let reviewer = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let (token, _) = app.token(reviewer, TimeDelta::hours(1));
    let d = download(&app, "GET", "/api/v1/reports/reconciliation.xlsx", &token).await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    assert!(
        d.content_type.contains("spreadsheetml"),
        "{}",
        d.content_type
    );
    let mut book = open(&d.bytes);
    assert_eq!(
        book.sheet_names(),
        ["Tổng hợp", "Chi tiết", "Cảnh báo", "Sao kê", "Căn cứ"]
    );
    let db = facts(&app, None);
    let live: Vec<_> = db.values().filter(|f| f.3 != "cancelled").collect();
    let people = live.len() as i64;
    let entitled: i64 = live.iter().map(|f| f.4).sum();
    let paid: i64 = live.iter().map(|f| f.5).sum();
    let outstanding: i64 = live.iter().map(|f| (f.4 - f.5).max(0)).sum();
    let paid_people = live
        .iter()
        .filter(|f| f.3 == "paid" || f.3 == "reconciled")
        .count() as i64;
    assert!(people > 100 && paid > 0 && outstanding > 0);

    // Detail: one row per case, every figure as stored.
    let detail = sheet(&mut book, "Chi tiết");
    assert_eq!(text(&detail, 2, 0), "Mã hồ sơ");
    assert_eq!(text(&detail, 3, 0), "Case");
    let rows = detail_rows(&detail);
    assert_eq!(rows.len(), db.len(), "a row per case");
    let header: Vec<String> = (0..40).map(|c| text(&detail, 3, c)).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap() as u32;
    let (c_ent, c_paid, c_out, c_state, c_ref) = (
        col("Entitled (VND)"),
        col("Paid (VND)"),
        col("Outstanding (VND)"),
        col("State"),
        col("Payment reference"),
    );
    let mut seen = std::collections::HashSet::new();
    for r in &rows {
        let id = int(&detail, *r, 0);
        let f = db
            .get(&id)
            .unwrap_or_else(|| panic!("case {id} not in the database"));
        assert!(seen.insert(id), "case {id} twice");
        assert_eq!(text(&detail, *r, 1), f.0);
        assert_eq!(text(&detail, *r, 2), f.1, "national id kept as text");
        assert_eq!(text(&detail, *r, 3), f.2);
        let state = CaseState::parse(&f.3).unwrap();
        assert_eq!(text(&detail, *r, c_state), state.label_vi());
        assert_eq!(int(&detail, *r, c_ent), f.4, "case {id} entitled");
        assert_eq!(int(&detail, *r, c_paid), f.5, "case {id} paid");
        let expected_out = if state == CaseState::Cancelled {
            0
        } else {
            (f.4 - f.5).max(0)
        };
        assert_eq!(
            int(&detail, *r, c_out),
            expected_out,
            "case {id} outstanding"
        );
        assert_eq!(text(&detail, *r, c_ref), f.6);
        let components: i64 = (9..c_ent).map(|c| int(&detail, *r, c)).sum();
        assert_eq!(components, f.4, "case {id}: components add up to the total");
    }
    let total_row = rows.last().unwrap() + 1;
    assert!(text(&detail, total_row, 1).starts_with("Tổng cộng"));
    assert_eq!(int(&detail, total_row, c_ent), entitled);
    assert_eq!(int(&detail, total_row, c_paid), paid);
    assert_eq!(int(&detail, total_row, c_out), outstanding);
    let formulas = book.worksheet_formula("Chi tiết").unwrap();
    let f = formulas.get_value((total_row, c_ent)).unwrap();
    assert!(f.starts_with("SUMIF("), "total is a formula: {f}");

    // Summary: the total row equals the database; the group rows add up to it.
    let summary = sheet(&mut book, "Tổng hợp");
    let end = summary.end().unwrap().0;
    let total = (4..=end)
        .find(|r| text(&summary, *r, 1) == "Tổng cộng / Total")
        .unwrap();
    assert_eq!(int(&summary, total, 2), people);
    assert_eq!(int(&summary, total, 4), paid_people);
    assert_eq!(int(&summary, total, 6), entitled);
    assert_eq!(int(&summary, total, 7), paid);
    assert_eq!(int(&summary, total, 8), outstanding);
    let expected_pct = paid_people as f64 / people as f64;
    assert!((ratio(&summary, total, 5) - expected_pct).abs() < 1e-9);
    let groups: Vec<u32> = (4..total).collect();
    assert!(groups.len() >= 5, "ministries and provinces");
    for c in [2, 3, 4, 6, 7, 8, 10, 12, 13] {
        let sum: i64 = groups.iter().map(|r| int(&summary, *r, c)).sum();
        assert_eq!(sum, int(&summary, total, c), "column {c} adds up");
    }

    // Flags and unmatched lines: as many rows as the services list.
    let settings = app.test_db.settings();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    let mut conn = app.db.get().unwrap();
    let all = staffpay::db::units::UnitScope::All;
    let flags = staffpay::services::flags::list(
        &mut conn,
        &policy,
        &all,
        &Default::default(),
        staffpay::db::today_vn(),
    )
    .unwrap();
    let flag_sheet = sheet(&mut book, "Cảnh báo");
    let flag_rows = (4..=flag_sheet.end().unwrap().0)
        .filter(|r| !text(&flag_sheet, *r, 1).is_empty())
        .count();
    assert_eq!(flag_rows, flags.len());
    let overdue = flags
        .iter()
        .filter(|f| f.kind == staffpay::domain::flags::FlagKind::Overdue)
        .count() as i64;
    assert_eq!(int(&summary, total, 10), overdue);
    let lines = staffpay::db::payments::open_lines(&mut conn, &all).unwrap();
    assert!(!lines.is_empty(), "the demo has an unmatched line");
    let statement = sheet(&mut book, "Sao kê");
    let line_total = (4..=statement.end().unwrap().0)
        .find(|r| text(&statement, *r, 0) == "Tổng cộng / Total")
        .unwrap();
    assert_eq!(line_total as usize - 4, lines.len());
    assert_eq!(
        int(&statement, line_total, 3),
        lines.iter().map(|l| l.amount_vnd).sum::<i64>()
    );

    // Basis: every policy table with its citation, the imports with their SHA-256.
    let basis = sheet(&mut book, "Căn cứ");
    let cells: Vec<String> = basis
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    for v in policy.versions() {
        assert!(cells.contains(&v.citation), "{} cited", v.id);
    }
    let imports: Vec<String> = staffpay::db::schema::imports::table
        .select(staffpay::db::schema::imports::sha256)
        .load(&mut conn)
        .unwrap();
    assert!(!imports.is_empty());
    for sha in imports {
        assert!(cells.contains(&sha), "import {sha} listed");
    }

    // The same through the command line, to a file, opens in LibreOffice when present.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("doi-soat.xlsx");
    std::fs::write(&path, &d.bytes).unwrap();
    if let Some(soffice) = which("soffice") {
        let out = std::process::Command::new(soffice)
            .args([
                "--headless",
                "--convert-to",
                "csv:Text - txt - csv (StarCalc):44,34,76",
                "--outdir",
            ])
            .arg(dir.path())
            .arg(&path)
            .env("HOME", dir.path())
            .output()
            .unwrap();
        assert!(out.status.success(), "{:?}", out);
        let csv = std::fs::read_to_string(dir.path().join("doi-soat.csv")).unwrap();
        assert!(
            csv.contains("Tổng cộng / Total"),
            "LibreOffice read the summary"
        );
        assert!(csv.contains(&people.to_string()));
    } else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI installs LibreOffice (.ci/run): the workbook must be opened by it there"
        );
        eprintln!("soffice not installed: LibreOffice check not run");
    }
}
both_backends!(reconciliation_workbook_agrees_with_the_database);

fn which(program: &str) -> Option<std::path::PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(program))
            .find(|p| p.is_file())
    })
}

async fn scoped_and_refused_reports(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 150, true);
    let viewer = app.user("nv", Role::NationalViewer, &["VN"], PW);
    let (token, _) = app.token(viewer, TimeDelta::hours(1));
    // One province: only its cases, rows per unit.
    let path = {
        let mut conn = app.db.get().unwrap();
        staffpay::db::units::find_by_code(&mut conn, "79")
            .unwrap()
            .unwrap()
            .path
    };
    let db = facts(&app, Some(&path));
    assert!(!db.is_empty());
    let d = download(
        &app,
        "GET",
        "/api/v1/reports/reconciliation.xlsx?unit=79",
        &token,
    )
    .await;
    assert_eq!(d.status, 200);
    let mut book = open(&d.bytes);
    let detail = sheet(&mut book, "Chi tiết");
    let ids: Vec<i64> = detail_rows(&detail)
        .iter()
        .map(|r| int(&detail, *r, 0))
        .collect();
    let mut expected: Vec<i64> = db.keys().copied().collect();
    expected.sort();
    let mut got = ids.clone();
    got.sort();
    assert_eq!(got, expected);
    let summary = sheet(&mut book, "Tổng hợp");
    assert!(
        text(&summary, 0, 0).contains("79"),
        "{}",
        text(&summary, 0, 0)
    );

    // A unit with no cases: a valid, clearly empty report.
    let d = download(
        &app,
        "GET",
        "/api/v1/reports/reconciliation.xlsx?unit=BQP",
        &token,
    )
    .await;
    assert_eq!(d.status, 200);
    let mut book = open(&d.bytes);
    let detail = sheet(&mut book, "Chi tiết");
    assert!(detail_rows(&detail).is_empty());
    let summary = sheet(&mut book, "Tổng hợp");
    assert_eq!(text(&summary, 4, 1), "Tổng cộng / Total");
    assert_eq!(int(&summary, 4, 2), 0);

    // Refusals: unknown unit, a date in the future, a date before any data.
    let reply = app
        .get(
            "/api/v1/reports/reconciliation.xlsx?unit=NOPE",
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, 404);
    let tomorrow = staffpay::db::today_vn() + chrono::Duration::days(1);
    let reply = app
        .get(
            &format!("/api/v1/reports/reconciliation.xlsx?as_of={tomorrow}"),
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.body["error"]["code"], "as_of_in_future");
    let reply = app
        .get(
            "/api/v1/reports/reconciliation.xlsx?as_of=2020-01-01",
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, 409);
    assert_eq!(reply.body["error"]["code"], "as_of_before_data");
    assert!(
        reply.body["error"]["message_vi"]
            .as_str()
            .unwrap()
            .contains("trước khi có dữ liệu")
    );
    let reply = app
        .get(
            "/api/v1/reports/reconciliation.xlsx?as_of=01/07/2025",
            Some(&token),
        )
        .await;
    assert_eq!(reply.status, 400);

    // A unit officer sees only their unit, and another unit is not found.
    let officer = app.user("hcm", Role::UnitOfficer, &["79"], PW);
    let (own, _) = app.token(officer, TimeDelta::hours(1));
    let d = download(&app, "GET", "/api/v1/reports/reconciliation.xlsx", &own).await;
    assert_eq!(d.status, 200);
    let mut book = open(&d.bytes);
    let detail = sheet(&mut book, "Chi tiết");
    assert_eq!(detail_rows(&detail).len(), db.len());
    let reply = app
        .get("/api/v1/reports/reconciliation.xlsx?unit=01", Some(&own))
        .await;
    assert_eq!(reply.status, 404);
}
both_backends!(scoped_and_refused_reports);

async fn reports_as_of_a_past_date(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 150, true);
    // Everything was recorded 30 days ago, except that the payments and the states they
    // brought came today: yesterday's workbook shows nothing paid.
    let today = staffpay::db::today_vn();
    let long_ago = staffpay::db::now() - chrono::Duration::days(30);
    {
        let mut conn = app.db.get().unwrap();
        diesel::update(cases::table)
            .set(cases::created_at.eq(long_ago))
            .execute(&mut conn)
            .unwrap();
        let paid_states = ["partially_paid", "paid", "reconciled"];
        diesel::update(case_events::table.filter(case_events::to_state.ne_all(paid_states)))
            .set(case_events::at.eq(long_ago))
            .execute(&mut conn)
            .unwrap();
        diesel::update(payments::table)
            .set(payments::paid_on.eq(today))
            .execute(&mut conn)
            .unwrap();
    }
    let viewer = app.user("nv", Role::NationalViewer, &["VN"], PW);
    let (token, _) = app.token(viewer, TimeDelta::hours(1));
    let yesterday = today - chrono::Duration::days(1);
    let d = download(
        &app,
        "GET",
        &format!("/api/v1/reports/reconciliation.xlsx?as_of={yesterday}"),
        &token,
    )
    .await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    let mut book = open(&d.bytes);
    let summary = sheet(&mut book, "Tổng hợp");
    let end = summary.end().unwrap().0;
    let total = (4..=end)
        .find(|r| text(&summary, *r, 1) == "Tổng cộng / Total")
        .unwrap();
    assert_eq!(int(&summary, total, 4), 0, "nobody paid yet");
    assert_eq!(int(&summary, total, 7), 0, "no money paid yet");
    assert_eq!(int(&summary, total, 8), int(&summary, total, 6));
    let detail = sheet(&mut book, "Chi tiết");
    let header: Vec<String> = (0..40).map(|c| text(&detail, 3, c)).collect();
    let c_state = header.iter().position(|h| h == "State").unwrap() as u32;
    let states: std::collections::HashSet<String> = detail_rows(&detail)
        .iter()
        .map(|r| text(&detail, *r, c_state))
        .collect();
    assert!(!states.contains(CaseState::Paid.label_vi()), "{states:?}");
    assert!(states.contains(CaseState::Payable.label_vi()), "{states:?}");
    // Today's workbook shows the payments.
    let d = download(&app, "GET", "/api/v1/reports/reconciliation.xlsx", &token).await;
    let mut book = open(&d.bytes);
    let summary = sheet(&mut book, "Tổng hợp");
    assert!(int(&summary, total, 7) > 0);
}
both_backends!(reports_as_of_a_past_date);

async fn payment_list_and_statement(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 150, true);
    let officer = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let (token, _) = app.token(officer, TimeDelta::hours(1));
    // The unit with the most funded cases still owed.
    let (unit, expected): (String, Vec<(i64, i64, Option<String>)>) = {
        let mut conn = app.db.get().unwrap();
        let rows: Vec<(String, i64, i64, i64, Option<String>)> = cases::table
            .inner_join(units::table)
            .inner_join(people::table)
            .filter(cases::state.eq_any(["payable", "partially_paid"]))
            .filter(cases::entitled_vnd.gt(cases::paid_vnd))
            .select((
                units::code,
                cases::id,
                cases::entitled_vnd,
                cases::paid_vnd,
                people::bank_account,
            ))
            .load(&mut conn)
            .unwrap();
        let mut by_unit: HashMap<String, Vec<(i64, i64, Option<String>)>> = HashMap::new();
        for (u, id, e, p, a) in rows {
            by_unit.entry(u).or_default().push((id, e - p, a));
        }
        by_unit.into_iter().max_by_key(|(_, v)| v.len()).unwrap()
    };
    // Give one of them no bank account: it moves to the second sheet.
    let no_account = expected[0].0;
    {
        let mut conn = app.db.get().unwrap();
        let person: i64 = cases::table
            .find(no_account)
            .select(cases::person_id)
            .first(&mut conn)
            .unwrap();
        diesel::update(people::table.find(person))
            .set(people::bank_account.eq(None::<String>))
            .execute(&mut conn)
            .unwrap();
    }
    let d = download(
        &app,
        "GET",
        &format!("/api/v1/reports/payment-list.xlsx?unit={unit}"),
        &token,
    )
    .await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    let mut book = open(&d.bytes);
    assert_eq!(
        book.sheet_names(),
        ["Danh sách chi trả", "Chưa có tài khoản"]
    );
    let mut listed: HashMap<i64, i64> = HashMap::new();
    let mut listed_total = 0;
    for (name, with_account) in [("Danh sách chi trả", true), ("Chưa có tài khoản", false)]
    {
        let s = sheet(&mut book, name);
        let end = s.end().unwrap().0;
        let mut sum = 0;
        for r in 4..end {
            let id = int(&s, r, 7);
            assert_eq!(
                text(&s, r, 3).is_empty(),
                !with_account,
                "case {id} on {name}"
            );
            listed.insert(id, int(&s, r, 5));
            sum += int(&s, r, 5);
        }
        assert!(text(&s, end, 1).starts_with("Tổng cộng"));
        assert_eq!(int(&s, end, 5), sum);
        listed_total += sum;
    }
    assert_eq!(listed.len(), expected.len(), "every owed case listed once");
    for (id, due, _) in &expected {
        assert_eq!(listed.get(id), Some(due), "case {id}");
    }
    assert_eq!(listed_total, expected.iter().map(|e| e.1).sum::<i64>());

    // The statement of one of them: components, total and payments as stored.
    let case_id = CaseId(expected[0].0);
    let d = download(
        &app,
        "GET",
        &format!("/api/v1/cases/{case_id}/statement.xlsx"),
        &token,
    )
    .await;
    assert_eq!(d.status, 200);
    let mut book = open(&d.bytes);
    let s = sheet(&mut book, "Bảng tính trợ cấp");
    let all: Vec<String> = s
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    let f = &facts(&app, None)[&case_id.0];
    assert!(all.contains(&f.6), "payment reference printed");
    assert!(
        all.iter().any(|c| c.contains("Chưa cấp")),
        "no lookup code issued yet"
    );
    let end = s.end().unwrap().0;
    let total = (0..=end)
        .find(|r| text(&s, *r, 1) == "Tổng được hưởng")
        .unwrap();
    assert_eq!(int(&s, total, 5), f.4);
    let paid_total = (0..=end)
        .find(|r| text(&s, *r, 1) == "Tổng đã chi / Total paid")
        .unwrap();
    assert_eq!(int(&s, paid_total, 5), f.5);
    assert!(
        (0..total).any(|r| text(&s, r, 3).contains("178")),
        "components cite the decree"
    );

    // POST issues a code, printed on the statement, that opens the case at /tra-cuu.
    let reviewer = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let (reviewer, _) = app.token(reviewer, TimeDelta::hours(1));
    let d = download(
        &app,
        "POST",
        &format!("/api/v1/cases/{case_id}/statement.xlsx"),
        &reviewer,
    )
    .await;
    assert_eq!(d.status, 200);
    let mut book = open(&d.bytes);
    let s = sheet(&mut book, "Bảng tính trợ cấp");
    let code_row = (0..=s.end().unwrap().0)
        .find(|r| text(&s, *r, 0).starts_with("Mã tra cứu"))
        .unwrap();
    let code = text(&s, code_row, 2);
    let mut conn = app.db.get().unwrap();
    assert_eq!(
        staffpay::services::case_review::find_by_lookup(&mut conn, &app.keys, &f.1, &code).unwrap(),
        Some(case_id)
    );
    drop(conn);

    // Another unit's officer: not found; a viewer may not issue codes.
    let other = if unit == "01" { "79" } else { "01" };
    let outsider = app.user("out", Role::UnitOfficer, &[other], PW);
    let (outsider, _) = app.token(outsider, TimeDelta::hours(1));
    let reply = app
        .get(
            &format!("/api/v1/cases/{case_id}/statement.xlsx"),
            Some(&outsider),
        )
        .await;
    assert_eq!(reply.status, 404);
    let reply = app
        .get(
            &format!("/api/v1/reports/payment-list.xlsx?unit={unit}"),
            Some(&outsider),
        )
        .await;
    assert_eq!(reply.status, 404);
    let viewer = app.user("nv", Role::NationalViewer, &["VN"], PW);
    let (viewer, _) = app.token(viewer, TimeDelta::hours(1));
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{case_id}/statement.xlsx"),
            Some(&viewer),
            None,
        )
        .await;
    assert_eq!(reply.status, 403);
}
both_backends!(payment_list_and_statement);
