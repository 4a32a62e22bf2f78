//! Progress by group and nationally, scoped to the caller.

use chrono::TimeDelta;
use diesel::prelude::*;
use staffpay::db::schema::cases;
use staffpay::domain::access::Role;
use staffpay::services::Actor;
use staffpay::services::imports::{ImportRequest, import_roster};

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

const HEADER: &str = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Mã đơn vị,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ";

fn import(app: &TestApp, unit: &str, rows: &[&str]) {
    let mut text = format!("{HEADER}\n");
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    let policy = staffpay::startup::load_policy(&app.test_db.settings()).unwrap();
    let mut conn = app.db.get().unwrap();
    let report = import_roster(
        &mut conn,
        &policy,
        &Actor::cli(),
        &ImportRequest {
            file_name: format!("{unit}.csv"),
            sheet: None,
            unit_code: unit.into(),
            dry_run: false,
            accept_valid: false,
            options: Default::default(),
        },
        text.as_bytes(),
    )
    .unwrap();
    assert!(report.errors.is_empty(), "{:?}", report.errors);
}

async fn progress_rolls_up_and_respects_scope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    import(
        &app,
        "79",
        &[
            "Nguyễn Văn An,079066001234,15/01/1966,Nam,79,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025",
            "Trần Thị Bình,079185004321,01/06/1985,Nữ,79,\"Cán bộ, công chức\",Thôi việc,3.66,0,25,180,01/03/2025,01/06/2025",
        ],
    );
    import(
        &app,
        "BYT",
        &[
            "Lê Văn Cường,001070123456,10/03/1970,Nam,BYT,Viên chức,Thôi việc,3.0,0,25,100,01/07/2025,01/09/2025",
        ],
    );
    {
        // One HCMC case paid in full.
        let mut conn = app.db.get().unwrap();
        diesel::update(cases::table.filter(cases::entitled_vnd.eq(744_778_125_i64)))
            .set((cases::state.eq("paid"), cases::paid_vnd.eq(744_778_125_i64)))
            .execute(&mut conn)
            .unwrap();
    }
    let viewer = app.user(
        "viewer",
        Role::NationalViewer,
        &[],
        "a long enough password",
    );
    let (token, _) = app.token(viewer, TimeDelta::hours(1));
    let reply = app.get("/api/v1/progress", Some(&token)).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let national = &reply.body["national"];
    assert_eq!(national["people"], 3);
    assert_eq!(national["paid"], 1);
    assert_eq!(national["paid_people_pct"], "33.33");
    let entitled = national["entitled_vnd"].as_i64().unwrap();
    assert_eq!(national["paid_vnd"], 744_778_125);
    assert_eq!(
        national["paid_amount_pct"],
        staffpay::services::progress::pct(744_778_125, entitled)
    );
    let groups = reply.body["groups"].as_array().unwrap();
    let codes: Vec<&str> = groups.iter().map(|g| g["code"].as_str().unwrap()).collect();
    assert_eq!(codes, vec!["79", "BYT"]);
    assert_eq!(groups[0]["people"], 2);
    assert_eq!(groups[0]["paid_people_pct"], "50.00");

    let provinces = app
        .get("/api/v1/progress?group_by=province", Some(&token))
        .await;
    assert_eq!(provinces.body["groups"].as_array().unwrap().len(), 1);

    // A unit officer of Hanoi sees nothing of HCMC.
    let hanoi = app.user("hn", Role::UnitOfficer, &["01"], "a long enough password");
    let (token, _) = app.token(hanoi, TimeDelta::hours(1));
    let reply = app.get("/api/v1/progress", Some(&token)).await;
    assert_eq!(reply.body["national"]["people"], 0);
    assert!(reply.body["groups"].as_array().unwrap().is_empty());
}
both_backends!(progress_rolls_up_and_respects_scope);
