//! Unit boundaries in roster uploads (issue 15, items 11 and 12): an upload never reveals
//! that a person is on another unit's roster, and never files another province's or central
//! body's staff under the uploader's unit.

use staffpay::db::units;
use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

const HEADER: &str = "STT,Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Mã đơn vị,Đơn vị công tác,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ,Mã tỉnh,Số tài khoản,Ngân hàng";

/// A valid row for person `id` in unit `unit` (province column `province`).
fn row(n: u32, id: &str, unit: &str, province: &str) -> String {
    format!(
        "{n},Lê Văn Cường,{id},10/03/1970,Nam,{unit},Trường học,Viên chức,Thôi việc,3.0,0,25,100,01/07/2025,01/09/2025,{province},,"
    )
}

fn roster(rows: &[String]) -> String {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text
}

fn codes(report: &serde_json::Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_string())
        .collect()
}

async fn another_units_person_is_not_revealed(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let password = "a long enough password";
    let hcm = app.user("leak-hcm", Role::UnitOfficer, &["79"], password);
    let hanoi = app.user("leak-hanoi", Role::UnitOfficer, &["01"], password);
    let both = app.user("leak-both", Role::UnitOfficer, &["01", "79"], password);
    let admin = app.user("leak-admin", Role::Admin, &["VN"], password);
    let token = |id| app.token(id, chrono::TimeDelta::hours(1)).0;

    let by_hcm = roster(&[row(1, "079070123456", "79-THPT", "79")]);
    let report = app.upload_roster(&token(hcm), "79", &by_hcm).await;
    assert_eq!(report["outcome"], "imported", "{report}");

    let by_hanoi = roster(&[row(1, "079070123456", "01-THPT", "01")]);
    let path = "/api/v1/imports?unit=01&dry_run=true";
    let reply = app.upload(&token(hanoi), path, "r.csv", &by_hanoi).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(
        codes(&reply.body, "errors"),
        ["PERSON_NOT_IMPORTABLE"],
        "a Hanoi officer learns nothing about HCMC's roster: {}",
        reply.body
    );
    let text = reply.body.to_string();
    assert!(
        !text.contains("PERSON_OTHER_UNIT") && !text.contains("đơn vị khác"),
        "{text}"
    );
    assert!(text.contains("ask the reviewer"), "{text}");

    for (who, id) in [("officer of both units", both), ("admin", admin)] {
        let reply = app.upload(&token(id), path, "r.csv", &by_hanoi).await;
        assert_eq!(
            codes(&reply.body, "errors"),
            ["PERSON_OTHER_UNIT"],
            "{who} sees both units and keeps the real reason: {}",
            reply.body
        );
    }
}
both_backends!(another_units_person_is_not_revealed);

async fn a_roster_cannot_file_other_units_staff_under_it(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app.user(
        "scope-hcm",
        Role::UnitOfficer,
        &["79"],
        "a long enough password",
    );
    let (token, _) = app.token(officer, chrono::TimeDelta::hours(1));
    let file = roster(&[
        // A Quảng Ngãi school, its province column made to look local.
        row(1, "079070123451", "51-THPT-LTV", "79"),
        // A Ministry of Defence department.
        row(2, "079070123452", "BQP-D1", "79"),
        // Bình Dương's pre-2025 code: merged into HCMC, so it is HCMC's.
        row(3, "079070123453", "74-SGD", ""),
        // HCMC's own new unit.
        row(4, "079070123454", "79-XNEW", "79"),
    ]);
    let path = "/api/v1/imports?unit=79&accept_valid=true";
    let reply = app.upload(&token, path, "r.csv", &file).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let report = &reply.body;
    assert_eq!(report["outcome"], "partial", "{report}");
    let errors: Vec<(i64, String)> = report["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["row"].as_i64().unwrap(),
                p["code"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        errors,
        [
            (2, "UNIT_OUTSIDE_SCOPE".to_string()),
            (3, "UNIT_OUTSIDE_SCOPE".to_string())
        ],
        "rows 1 and 2 (file rows 2 and 3) are outside HCMC: {report}"
    );
    let created: Vec<&str> = report["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|w| w["code"] == "UNIT_CREATED")
        .map(|w| w["message_en"].as_str().unwrap())
        .collect();
    assert_eq!(created.len(), 2, "{created:?}");
    assert!(
        created.iter().all(|m| m.ends_with("under 79.")),
        "{created:?}"
    );

    let mut conn = app.db.get().unwrap();
    for code in ["51-THPT-LTV", "BQP-D1"] {
        assert!(
            units::find_by_code(&mut conn, code).unwrap().is_none(),
            "{code} was not created"
        );
    }
    let hcm = units::find_by_code(&mut conn, "79").unwrap().unwrap();
    for code in ["74-SGD", "79-XNEW"] {
        let unit = units::find_by_code(&mut conn, code).unwrap().unwrap();
        assert_eq!(unit.parent_id, Some(hcm.id), "{code} is under 79");
    }
}
both_backends!(a_roster_cannot_file_other_units_staff_under_it);
