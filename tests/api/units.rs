use chrono::TimeDelta;
use staffpay::domain::access::Role;
use staffpay::domain::ids::CaseId;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

async fn reference_units_are_listed_with_account_state(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let viewer = app.user(
        "viewer",
        Role::NationalViewer,
        &[],
        "a long enough password",
    );
    let (token, _) = app.token(viewer, TimeDelta::hours(1));
    let reply = app
        .get("/api/v1/units?parent=VN&per_page=1000", Some(&token))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(
        reply.body["total"], 63,
        "29 central bodies and 34 provinces below VN"
    );
    let hcmc = reply.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["code"] == "79")
        .unwrap();
    assert_eq!(hcmc["name_en"], "Ho Chi Minh City");
    assert_eq!(hcmc["treasury_account"]["state"], "missing");
    let provinces = app
        .get("/api/v1/units?kind=province&per_page=1000", Some(&token))
        .await;
    let cities = app
        .get("/api/v1/units?kind=city&per_page=1000", Some(&token))
        .await;
    assert_eq!(
        provinces.body["total"].as_i64().unwrap() + cities.body["total"].as_i64().unwrap(),
        34
    );
    let bad = app.get("/api/v1/units?kind=planet", Some(&token)).await;
    assert_eq!(bad.status, 400);
    assert_eq!(bad.body["error"]["code"], "invalid_kind");
}
both_backends!(reference_units_are_listed_with_account_state);

async fn treasury_account_is_recorded_validated_and_audited(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app.user("mof", Role::MofOfficer, &["79"], "a long enough password");
    let (token, _) = app.token(officer, TimeDelta::hours(1));
    let path = "/api/v1/units/79/treasury-account";
    for (body, status) in [
        (r#"{"account_no":"12<script>","opened_on":null}"#, 422),
        // Only the clock can refuse a date after today: 409 (docs/SECURITY.md, item 13).
        (r#"{"account_no":"9527.1.1","opened_on":"2999-01-01"}"#, 409),
        (r#"{"account_no":null,"opened_on":"2025-01-01"}"#, 400),
        (r#"{"account_no":"9527.1.1","unknown":1}"#, 400),
    ] {
        let reply = app.call("PUT", path, Some(&token), Some(body)).await;
        assert_eq!(reply.status, status, "{body}: {:?}", reply.body);
    }
    let reply = app
        .call(
            "PUT",
            path,
            Some(&token),
            Some(r#"{"account_no":"9527.1.1079","opened_on":"2025-07-20"}"#),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["treasury_account"]["state"], "open");
    assert_eq!(reply.body["treasury_account"]["opened_on"], "2025-07-20");
    let mut conn = app.db.get().unwrap();
    let last = staffpay::db::audit::recent(&mut conn, 1).unwrap().remove(0);
    assert_eq!(last.action, "unit.treasury_account");
    assert_eq!(last.actor, "mof");
    assert!(last.request_id.is_some());
    assert!(last.after_json.unwrap().contains("9527.1.1079"));
}
both_backends!(treasury_account_is_recorded_validated_and_audited);

async fn audit_trail_cannot_be_edited(backend: Backend) {
    use diesel::RunQueryDsl;
    let app = TestApp::spawn(backend).await;
    let mut conn = app.db.get().unwrap();
    staffpay::db::audit::record(
        &mut conn,
        staffpay::db::audit::AuditEntry {
            actor: "test".into(),
            action: "test.event".into(),
            entity_kind: "test".into(),
            ..Default::default()
        },
    )
    .unwrap();
    assert!(
        diesel::sql_query("UPDATE audit_events SET actor = 'x'")
            .execute(&mut *conn)
            .is_err()
    );
    assert!(
        diesel::sql_query("DELETE FROM audit_events")
            .execute(&mut *conn)
            .is_err()
    );
}
both_backends!(audit_trail_cannot_be_edited);

async fn a_unit_merges_into_its_successor_with_its_cases(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pw = "a long enough password";
    let admin = app.user("root", Role::Admin, &[], pw);
    let (admin, _) = app.token(admin, TimeDelta::hours(1));
    let viewer = app.user("hcm", Role::MohaReviewer, &["79"], pw);
    let (viewer, _) = app.token(viewer, TimeDelta::hours(1));
    let csv = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\nLê Văn Cường,075066001234,15/01/1966,Nam,Viên chức,Nghỉ hưu trước tuổi,4.65,25,264,01/03/2025,01/05/2025\n";
    // A province with a case, seen from HCMC before and after the merge.
    let report = app.upload_roster(&admin, "75", csv).await;
    assert_eq!(report["rows"]["created"], 1, "{report}");
    let before = app.get("/api/v1/cases", Some(&viewer)).await;
    assert_eq!(before.body["total"], 0);

    let reply = app
        .call(
            "POST",
            "/api/v1/units/75/merge-into/79",
            Some(&viewer),
            Some("{}"),
        )
        .await;
    assert_eq!(reply.status, 403);
    let reply = app
        .call(
            "POST",
            "/api/v1/units/75/merge-into/75",
            Some(&admin),
            Some("{}"),
        )
        .await;
    assert_eq!(reply.body["error"]["code"], "merge_into_itself");
    let reply = app
        .call(
            "POST",
            "/api/v1/units/VN/merge-into/79",
            Some(&admin),
            Some("{}"),
        )
        .await;
    assert_eq!(reply.body["error"]["code"], "merge_root");
    let reply = app
        .call(
            "POST",
            "/api/v1/units/75/merge-into/79",
            Some(&admin),
            Some(r#"{"merged_on":"2025-07-01"}"#),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["cases_moved"], 1);
    let reply = app
        .call(
            "POST",
            "/api/v1/units/75/merge-into/79",
            Some(&admin),
            Some("{}"),
        )
        .await;
    assert_eq!(reply.body["error"]["code"], "unit_already_merged");

    let unit = app.get("/api/v1/units/75", Some(&admin)).await;
    assert_eq!(unit.body["merged_into_code"], "79");
    let after = app.get("/api/v1/cases", Some(&viewer)).await;
    assert_eq!(
        after.body["total"], 1,
        "the successor's people see the case"
    );
    let id = after.body["items"][0]["id"].as_i64().unwrap();
    let case = app.get(&format!("/api/v1/cases/{id}"), Some(&viewer)).await;
    assert_eq!(case.body["unit_code"], "79");
    let last = case.body["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["action"], "unit_merge");
    assert_eq!(last["to_state"], "submitted");
    let mut conn = app.db.get().unwrap();
    let (row, _, _) = staffpay::db::cases::find_in_scope(
        &mut conn,
        &staffpay::db::units::UnitScope::All,
        CaseId(id),
    )
    .unwrap()
    .unwrap();
    let original = staffpay::db::units::find(&mut conn, row.original_unit_id)
        .unwrap()
        .unwrap();
    assert_eq!(original.code, "75", "reports can still show the old unit");
}
both_backends!(a_unit_merges_into_its_successor_with_its_cases);
