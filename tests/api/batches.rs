//! Payment batches and their Treasury form (issue 18): a batch takes a unit's funded cases
//! with money due, once; it is numbered per unit; a payment on one of its cases carries it;
//! the Mẫu số 09 workbook lists its people in groups, the ones without an account apart, with
//! the totals, the certification and the signature blocks; MoHA's progress report agrees with
//! the database; the PDFs hold the names and amounts on A4.

#![allow(clippy::cast_possible_truncation)] // spreadsheet cells are f64

use std::collections::HashMap;

use chrono::TimeDelta;
use diesel::prelude::*;
use serde_json::json;
use staffpay::db::schema::{cases, payments, people, units};
use staffpay::domain::access::Role;

use calamine::Reader as _;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, with_demo};
use crate::reports::{download, int, open, sheet, text};

const PW: &str = "correct horse battery staple";

/// The unit with the most funded cases still owed: (unit, [(case, due, has account)]).
fn owed_unit(app: &TestApp) -> (String, Vec<(i64, i64)>) {
    let mut conn = app.db.get().unwrap();
    let rows: Vec<(String, i64, i64, i64)> = cases::table
        .inner_join(units::table)
        .filter(cases::state.eq_any(["payable", "partially_paid"]))
        .filter(cases::entitled_vnd.gt(cases::paid_vnd))
        .select((units::code, cases::id, cases::entitled_vnd, cases::paid_vnd))
        .load(&mut conn)
        .unwrap();
    let mut by_unit: HashMap<String, Vec<(i64, i64)>> = HashMap::new();
    for (u, id, e, p) in rows {
        by_unit.entry(u).or_default().push((id, e - p));
    }
    by_unit.into_iter().max_by_key(|(_, v)| v.len()).unwrap()
}

fn drop_account(app: &TestApp, case: i64) -> String {
    let mut conn = app.db.get().unwrap();
    let (person, name): (i64, String) = cases::table
        .inner_join(people::table)
        .filter(cases::id.eq(case))
        .select((cases::person_id, people::full_name))
        .first(&mut conn)
        .unwrap();
    diesel::update(people::table.find(person))
        .set(people::bank_account.eq(None::<String>))
        .execute(&mut conn)
        .unwrap();
    name
}

async fn a_batch_takes_funded_cases_once_and_prints_as_mau_09(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 150, true);
    let officer = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let (token, _) = app.token(officer, TimeDelta::hours(1));
    let (unit, owed) = owed_unit(&app);
    let apart_name = drop_account(&app, owed[0].0);

    // Refusals first: a date in the future, a case that is not the unit's.
    let tomorrow = staffpay::db::today_vn() + chrono::Days::new(1);
    let r = app
        .call(
            "POST",
            "/api/v1/payment-batches",
            Some(&token),
            Some(&json!({"unit": unit, "batch_date": tomorrow}).to_string()),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "batch_date_in_future");
    let r = app
        .call(
            "POST",
            "/api/v1/payment-batches",
            Some(&token),
            Some(&json!({"unit": unit, "case_ids": [999_999_999]}).to_string()),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "case_not_batchable");

    let r = app
        .call(
            "POST",
            "/api/v1/payment-batches",
            Some(&token),
            Some(&json!({"unit": unit, "order_ref": "12/GRDT"}).to_string()),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let batch = r.body.clone();
    let batch_id = batch["id"].as_i64().unwrap();
    assert_eq!(batch["number"], 1);
    assert_eq!(batch["unit_code"], unit.as_str());
    assert_eq!(batch["lines"].as_array().unwrap().len(), owed.len());
    assert_eq!(batch["people"], owed.len());
    let total: i64 = owed.iter().map(|o| o.1).sum();
    assert_eq!(batch["total_vnd"], total);
    for line in batch["lines"].as_array().unwrap() {
        let id = line["case_id"].as_i64().unwrap();
        let due = owed.iter().find(|o| o.0 == id).unwrap().1;
        assert_eq!(line["amount_vnd"], due, "case {id}");
    }
    // Nothing left to batch: every owed case is in an open batch.
    let r = app
        .call(
            "POST",
            "/api/v1/payment-batches",
            Some(&token),
            Some(&json!({"unit": unit}).to_string()),
        )
        .await;
    assert_eq!(r.status, 409, "{:?}", r.body);
    assert_eq!(r.body["error"]["code"], "nothing_to_batch");
    let r = app
        .get(
            &format!("/api/v1/payment-batches?unit={unit}"),
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.body.as_array().unwrap().len(), 1);
    assert_eq!(r.body[0]["total_vnd"], total);
    assert_eq!(r.body[0]["people"], owed.len());

    // A payment on a batched case carries the batch.
    let (paid_case, due) = owed[1];
    let version: i32 = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .find(paid_case)
            .select(cases::version)
            .first(&mut conn)
            .unwrap()
    };
    let r = app
        .call(
            "POST",
            &format!("/api/v1/cases/{paid_case}/payments"),
            Some(&token),
            Some(
                &json!({"version": version, "amount_vnd": due, "paid_on": staffpay::db::today_vn()})
                    .to_string(),
            ),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    assert_eq!(r.body["payment"]["batch_id"], batch_id);
    {
        let mut conn = app.db.get().unwrap();
        let carried: Vec<Option<i64>> = payments::table
            .filter(payments::case_id.eq(paid_case))
            .filter(payments::paid_on.eq(staffpay::db::today_vn()))
            .select(payments::batch_id)
            .load(&mut conn)
            .unwrap();
        assert_eq!(carried, [Some(batch_id)]);
    }

    // So does a payment from a payment list.
    {
        // The person without an account, paid in cash through the list.
        let (listed_case, listed_due) = owed[0];
        let reference: String = {
            let mut conn = app.db.get().unwrap();
            cases::table
                .find(listed_case)
                .select(cases::payment_reference)
                .first(&mut conn)
                .unwrap()
        };
        let today = staffpay::db::today_vn().format("%d/%m/%Y");
        let r = app
            .upload(
                &token,
                &format!("/api/v1/payments/imports?unit={unit}"),
                "chi-tra.csv",
                &format!("Mã tham chiếu thanh toán,Số tiền,Ngày chi\r\n{reference},{listed_due},{today}\r\n"),
            )
            .await;
        assert_eq!(r.status, 200, "{:?}", r.body);
        let mut conn = app.db.get().unwrap();
        let carried: Vec<Option<i64>> = payments::table
            .filter(payments::case_id.eq(listed_case))
            .filter(payments::paid_on.eq(staffpay::db::today_vn()))
            .select(payments::batch_id)
            .load(&mut conn)
            .unwrap();
        assert_eq!(carried, [Some(batch_id)], "{:?}", r.body);
    }

    // The form: three copies, each the same list.
    let d = download(
        &app,
        "GET",
        &format!("/api/v1/payment-batches/{batch_id}/mau-09.xlsx"),
        &token,
    )
    .await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    let mut book = open(&d.bytes);
    assert_eq!(
        book.sheet_names(),
        ["Liên 1 - Kho bạc", "Liên 2 - Ngân hàng", "Liên 3 - Đơn vị"]
    );
    for name in book.sheet_names() {
        let s = sheet(&mut book, &name);
        let end = s.end().unwrap().0;
        let all: Vec<String> = s
            .rows()
            .flat_map(|r| r.iter().map(|c| c.to_string()))
            .collect();
        for expected in [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "BẢNG THANH TOÁN CHO ĐỐI TƯỢNG THỤ HƯỞNG",
            "Số: 1",
            "Tổng số",
            "Tiền phụ cấp và trợ cấp khác",
            "Số tài khoản người hưởng",
            "NGƯỜI LẬP BIỂU",
            "KẾ TOÁN TRƯỞNG",
            "THỦ TRƯỞNG ĐƠN VỊ",
        ] {
            assert!(all.iter().any(|c| c == expected), "{name}: {expected}");
        }
        assert!(
            all.iter()
                .any(|c| c.contains("Giấy rút dự toán/Ủy nhiệm chi số 12/GRDT")),
            "{name}: the order"
        );
        assert!(all.iter().any(|c| c.starts_with("Đơn vị xác nhận")));
        // Column numbers (1) to (13) on one row.
        let numbered = (0..=end)
            .find(|r| text(&s, *r, 0) == "(1)")
            .expect("the numbered row");
        for col in 0..13u32 {
            assert_eq!(text(&s, numbered, col), format!("({})", col + 1));
        }
        // Lines between the numbered row and the total: name, amount in (5) and (10).
        let total_row = (numbered..=end)
            .find(|r| text(&s, *r, 0) == "Tổng cộng")
            .expect("the total row");
        let mut listed = 0;
        let mut sum = 0;
        let mut groups = Vec::new();
        for r in numbered + 1..total_row {
            let first = text(&s, r, 1);
            if first.starts_with("I. ") || first.starts_with("II. ") {
                groups.push(first);
                continue;
            }
            assert!(!text(&s, r, 2).is_empty(), "row {r} has an account");
            assert_eq!(int(&s, r, 4), int(&s, r, 9), "row {r}: total = allowance");
            sum += int(&s, r, 4);
            listed += 1;
        }
        assert_eq!(
            groups,
            ["I. Cán bộ, công chức, viên chức", "II. Lao động hợp đồng"]
        );
        assert_eq!(listed, owed.len() - 1, "everyone with an account listed");
        assert_eq!(int(&s, total_row, 4), sum);
        assert_eq!(sum, total - owed[0].1);
        assert!(all.iter().any(|c| c.starts_with("Tổng số tiền bằng chữ: ")));
        // The person without an account is listed apart, after the total.
        let apart = (total_row..=end)
            .find(|r| text(&s, *r, 1) == apart_name)
            .expect("the person without an account, apart");
        assert_eq!(int(&s, apart, 4), owed[0].1);
        assert!(text(&s, apart - 1, 0).starts_with("Người chưa có tài khoản ngân hàng: 1 người"));
    }

    // Another unit's officer does not find it.
    let other = app.user("mof-01", Role::UnitOfficer, &["01"], PW);
    let (other_token, _) = app.token(other, TimeDelta::hours(1));
    if !unit.starts_with("01") {
        let r = app
            .get(
                &format!("/api/v1/payment-batches/{batch_id}"),
                Some(&other_token),
            )
            .await;
        assert_eq!(r.status, 404);
    }
}
both_backends!(a_batch_takes_funded_cases_once_and_prints_as_mau_09);

async fn moha_progress_report_counts_as_the_database(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 150, true);
    let reviewer = app.user("bnv", Role::MohaReviewer, &["VN"], PW);
    let (token, _) = app.token(reviewer, TimeDelta::hours(1));
    let d = download(&app, "GET", "/api/v1/reports/moha-progress.xlsx", &token).await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    let mut book = open(&d.bytes);
    let s = sheet(&mut book, "Báo cáo tiến độ");
    let end = s.end().unwrap().0;
    let total = (0..=end)
        .find(|r| text(&s, *r, 0) == "TỔNG CỘNG")
        .expect("the total row");
    let states: Vec<(String, i64, i64)> = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .filter(cases::state.ne("cancelled"))
            .select((cases::state, cases::entitled_vnd, cases::paid_vnd))
            .load(&mut conn)
            .unwrap()
    };
    let count = |f: &dyn Fn(&str) -> bool| states.iter().filter(|s| f(&s.0)).count() as i64;
    let money =
        |f: &dyn Fn(&str) -> bool| states.iter().filter(|s| f(&s.0)).map(|s| s.1).sum::<i64>();
    let submitted = |s: &str| {
        [
            "approved",
            "payable",
            "partially_paid",
            "paid",
            "reconciled",
        ]
        .contains(&s)
    };
    let funded = |s: &str| ["payable", "partially_paid", "paid", "reconciled"].contains(&s);
    let decided = count(&|_| true);
    let paid = states
        .iter()
        .filter(|s| ["paid", "reconciled"].contains(&s.0.as_str()) && s.2 >= s.1)
        .count() as i64;
    assert_eq!(int(&s, total, 3), decided);
    assert_eq!(int(&s, total, 4), money(&|_| true));
    assert_eq!(int(&s, total, 5), count(&submitted));
    assert_eq!(int(&s, total, 6), money(&submitted));
    assert_eq!(int(&s, total, 7), count(&funded));
    assert_eq!(int(&s, total, 8), money(&funded));
    assert_eq!(int(&s, total, 9), paid);
    assert_eq!(int(&s, total, 10), states.iter().map(|s| s.2).sum::<i64>());
    assert_eq!(
        text(&s, total, 11),
        staffpay::reports::moha::share_vi(paid, decided)
    );
    let all: Vec<String> = s
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    assert!(all.iter().any(|c| c == "BỘ NỘI VỤ"), "issued by MoHA");
    assert!(all.iter().any(|c| c.starts_with("Hà Nội, ngày ")));
    assert!(all.iter().any(|c| c == "A") && all.iter().any(|c| c == "B"));
    // As of a day before any data: refused.
    let r = app
        .get(
            "/api/v1/reports/moha-progress.xlsx?as_of=2000-01-01",
            Some(&token),
        )
        .await;
    assert_eq!(r.status, 409);
    assert_eq!(r.body["error"]["code"], "as_of_before_data");
}
both_backends!(moha_progress_report_counts_as_the_database);

/// Text of a PDF (`pdftotext -layout`) and its page sizes (`pdfinfo`); the machine needs
/// poppler-utils (`.ci/run` installs it with LibreOffice and fonts).
fn pdf_text_and_size(bytes: &[u8]) -> (String, String) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, bytes).unwrap();
    let run = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program)
            .args(args)
            .arg(&path)
            .args(if program == "pdftotext" {
                &["-"][..]
            } else {
                &[][..]
            })
            .output()
            .unwrap_or_else(|e| panic!("{program} (poppler-utils, installed by .ci/run): {e}"));
        assert!(out.status.success(), "{program}: {out:?}");
        String::from_utf8(out.stdout).unwrap()
    };
    (run("pdftotext", &["-layout"]), run("pdfinfo", &[]))
}

/// An amount as LibreOffice prints `#,##0` in the machine's locale (a comma or a dot).
fn printed(text: &str, amount: i64) -> bool {
    let grouped = |sep: char| staffpay::domain::money::Vnd::new(amount).grouped(sep);
    text.contains(&grouped(',')) || text.contains(&grouped('.'))
}

/// The PDFs of the Mẫu số 09 list and of a statement: LibreOffice headless must be installed
/// (`.ci/run` installs it); the text keeps its diacritics, the names and amounts are there,
/// and the pages are A4 (landscape).
#[actix_web::test]
async fn pdfs_of_the_form_and_the_statement_print_on_a4() {
    assert!(
        staffpay::reports::pdf::available(),
        "LibreOffice (soffice) is needed for the PDFs: .ci/run installs libreoffice-calc-nogui"
    );
    let app = TestApp::spawn(Backend::Sqlite).await;
    with_demo(&app, 60, true);
    let officer = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let (token, _) = app.token(officer, TimeDelta::hours(1));
    let (unit, _) = owed_unit(&app);
    let r = app
        .call(
            "POST",
            "/api/v1/payment-batches",
            Some(&token),
            Some(&json!({"unit": unit, "order_ref": "7/GRDT"}).to_string()),
        )
        .await;
    assert_eq!(r.status, 201, "{:?}", r.body);
    let batch = r.body.clone();
    let d = download(
        &app,
        "GET",
        &format!("/api/v1/payment-batches/{}/mau-09.pdf", batch["id"]),
        &token,
    )
    .await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    assert_eq!(d.content_type, "application/pdf");
    assert!(d.bytes.starts_with(b"%PDF"));
    let (text, info) = pdf_text_and_size(&d.bytes);
    for expected in [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "BẢNG THANH TOÁN CHO ĐỐI TƯỢNG THỤ HƯỞNG",
        "Liên 1: Lưu tại Kho bạc Nhà nước",
        "Liên 3: Lưu tại đơn vị",
        "THỦ TRƯỞNG ĐƠN VỊ",
    ] {
        assert!(text.contains(expected), "{expected} in\n{text}");
    }
    for line in batch["lines"].as_array().unwrap() {
        let name = line["full_name"].as_str().unwrap();
        assert!(text.contains(name), "{name} in the PDF");
        assert!(
            printed(&text, line["amount_vnd"].as_i64().unwrap()),
            "{line}"
        );
    }
    assert!(info.contains("(A4)"), "{info}");
    assert!(info.contains("841.89 x 595."), "landscape: {info}");

    let case = batch["lines"][0]["case_id"].as_i64().unwrap();
    let d = download(
        &app,
        "GET",
        &format!("/api/v1/cases/{case}/statement.pdf"),
        &token,
    )
    .await;
    assert_eq!(d.status, 200, "{}", String::from_utf8_lossy(&d.bytes));
    let (text, info) = pdf_text_and_size(&d.bytes);
    let name = batch["lines"][0]["full_name"].as_str().unwrap();
    assert!(text.contains(name), "{name} in\n{text}");
    assert!(text.contains("BẢNG TÍNH TRỢ CẤP"), "{text}");
    assert!(text.contains("Tổng được hưởng"), "{text}");
    let entitled: i64 = {
        let mut conn = app.db.get().unwrap();
        cases::table
            .find(case)
            .select(cases::entitled_vnd)
            .first(&mut conn)
            .unwrap()
    };
    assert!(printed(&text, entitled), "{entitled} in\n{text}");
    assert!(info.contains("(A4)"), "{info}");
}
