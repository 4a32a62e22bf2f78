//! Recomputation after a policy table changes: open cases take the new figures, approved ones
//! are flagged `entitlement_changed` with the proposed figure; a dry run writes nothing.

use chrono::TimeDelta;
use staffpay::domain::access::Role;
use staffpay::services::Actor;
use staffpay::services::recompute::recompute;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, action_body};

const CSV: &str = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\nNguyễn Văn An,079066001234,15/01/1966,Nam,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025\nTrần Thị Bình,079185004321,01/06/1985,Nữ,\"Cán bộ, công chức\",Thôi việc,3.66,0,25,180,01/03/2025,01/06/2025\n";

/// The shipped policy tables with the 2024 base salary raised: every 2025 leaver gains.
fn raised_policy() -> (tempfile::TempDir, staffpay::domain::policy::PolicySet) {
    let dir = crate::helpers::policy_with_base(2_400_000, "2026.2-test");
    let policy = staffpay::policy_files::load_dir(dir.path()).unwrap();
    (dir, policy)
}

async fn recompute_updates_open_cases_and_flags_approved_ones(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let pw = "a long enough password";
    let sub = app.user("sub", Role::UnitOfficer, &["79"], pw);
    let rev = app.user("rev", Role::MohaReviewer, &["VN"], pw);
    let (sub, _) = app.token(sub, TimeDelta::hours(1));
    let (rev, _) = app.token(rev, TimeDelta::hours(1));
    app.upload_roster(&sub, "79", CSV).await;
    let list = app.get("/api/v1/cases?unit=79", Some(&rev)).await;
    let items = list.body["items"].as_array().unwrap().clone();
    let e1 = items
        .iter()
        .find(|c| c["entitled_vnd"] == 744_778_125)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let other = items.iter().find(|c| c["id"] != e1).unwrap().clone();
    let (other_id, other_before) = (
        other["id"].as_i64().unwrap(),
        other["entitled_vnd"].as_i64().unwrap(),
    );
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{e1}/approve"),
            Some(&rev),
            Some(&action_body(&app, e1, "")),
        )
        .await;
    assert_eq!(reply.status, 200);

    let (_dir, policy) = raised_policy();
    let today = staffpay::db::today_vn();
    let mut conn = app.db.get().unwrap();
    let dry = recompute(&mut conn, &policy, &Actor::cli(), true, today).unwrap();
    assert_eq!(
        (dry.cases, dry.changed, dry.updated, dry.flagged),
        (2, 2, 1, 1),
        "{dry:?}"
    );
    assert!(dry.gains_vnd > 0 && dry.losses_vnd == 0, "{dry:?}");
    assert_eq!(dry.by_unit.len(), 1);
    assert_eq!(dry.by_unit[0].gainers, 2);
    let unchanged = app
        .get(&format!("/api/v1/cases/{other_id}"), Some(&rev))
        .await;
    assert_eq!(
        unchanged.body["entitled_vnd"], other_before,
        "a dry run writes nothing"
    );

    let real = recompute(&mut conn, &policy, &Actor::cli(), false, today).unwrap();
    assert_eq!((real.changed, real.updated, real.flagged), (2, 1, 1));
    let updated = app
        .get(&format!("/api/v1/cases/{other_id}"), Some(&rev))
        .await;
    let change = real
        .changes
        .iter()
        .find(|c| c.case_id.0 == other_id)
        .unwrap();
    assert_eq!(updated.body["entitled_vnd"], change.after_vnd);
    assert!(change.after_vnd > other_before);
    assert_eq!(
        updated.body["policy_versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["id"] == "base_salary")
            .unwrap()["version"],
        "2026.2-test",
        "the new versions are pinned"
    );
    // The approved case keeps its pinned entitlement and is flagged for a reviewer.
    let approved = app.get(&format!("/api/v1/cases/{e1}"), Some(&rev)).await;
    assert_eq!(approved.body["entitled_vnd"], 744_778_125);
    let kinds: Vec<&str> = approved.body["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert!(kinds.contains(&"entitlement_changed"), "{kinds:?}");
    assert_eq!(
        approved.body["history"].as_array().unwrap().last().unwrap()["action"],
        "recompute"
    );
    // Again: the open case is current; the approved one still waits for its reviewer.
    let again = recompute(&mut conn, &policy, &Actor::cli(), false, today).unwrap();
    assert_eq!((again.changed, again.updated, again.flagged), (1, 0, 1));
}
both_backends!(recompute_updates_open_cases_and_flags_approved_ones);
