//! Case review over HTTP: approve, return, fund, cancel; stale versions; separation of duties;
//! history; and the case read with its pinned entitlement.

use chrono::TimeDelta;
use staffpay::domain::access::Role;
use staffpay::domain::ids::CaseId;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, action_body};

const PW: &str = "a long enough password";
const CSV: &str = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\nNguyễn Văn An,079066001234,15/01/1966,Nam,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025\nTrần Thị Bình,079185004321,01/06/1985,Nữ,\"Cán bộ, công chức\",Thôi việc,3.66,0,25,180,01/03/2025,01/06/2025\n";

async fn review_flow(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let submitter = app.user("sub", Role::Admin, &[], PW);
    let reviewer = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let officer = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let (sub_token, _) = app.token(submitter, TimeDelta::hours(1));
    let (rev_token, _) = app.token(reviewer, TimeDelta::hours(1));
    let (mof_token, _) = app.token(officer, TimeDelta::hours(1));

    // The admin submits the roster for HCMC through the API (so the cases record who).
    let report = app.upload_roster(&sub_token, "79", CSV).await;
    assert_eq!(report["rows"]["created"], 2, "{report}");

    let list = app
        .get("/api/v1/cases?unit=79&state=submitted", Some(&rev_token))
        .await;
    assert_eq!(list.body["total"], 2, "{:?}", list.body);
    let e1 = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["entitled_vnd"] == 744_778_125)
        .unwrap()
        .clone();
    let id = e1["id"].as_i64().unwrap();
    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&rev_token))
        .await;
    assert_eq!(case.status, 200);
    assert_eq!(case.body["entitlement"]["total_vnd"], 744_778_125);
    assert!(case.body["entitlement"]["components"][0]["legal_basis"].is_string());
    let version = case.body["version"].as_i64().unwrap();

    // The submitter may not approve what they submitted.
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/approve"),
            Some(&sub_token),
            Some(&action_body(&app, id, "")),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body["error"]["code"].as_str()),
        (409, Some("separation_of_duties"))
    );
    // A stale version is refused.
    let stale = format!(r#"{{"version":{}}}"#, version + 5);
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/approve"),
            Some(&rev_token),
            Some(&stale),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body["error"]["code"].as_str()),
        (409, Some("stale_version"))
    );
    // Return needs a reason.
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/return"),
            Some(&rev_token),
            Some(&action_body(&app, id, "")),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body["error"]["code"].as_str()),
        (409, Some("reason_required"))
    );
    // Funding before approval is an invalid transition.
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/fund"),
            Some(&mof_token),
            Some(&action_body(&app, id, r#","funding_source":"QĐ 123""#)),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body["error"]["code"].as_str()),
        (409, Some("invalid_transition"))
    );

    let ok = format!(r#"{{"version":{version}}}"#);
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/approve"),
            Some(&rev_token),
            Some(&ok),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["state"], "approved");
    // The same request again: the version moved on.
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/approve"),
            Some(&rev_token),
            Some(&ok),
        )
        .await;
    assert_eq!(reply.status, 409);

    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/fund"),
            Some(&mof_token),
            Some(&action_body(
                &app,
                id,
                r#","funding_source":"Dự toán 2025""#,
            )),
        )
        .await;
    assert_eq!(
        (reply.status, reply.body["state"].as_str()),
        (200, Some("payable")),
        "{:?}",
        reply.body
    );

    let case = app
        .get(&format!("/api/v1/cases/{id}"), Some(&rev_token))
        .await;
    let actions: Vec<&str> = case.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["import.create", "approve", "fund"]);
    assert_eq!(case.body["history"][2]["reason"], "Dự toán 2025");

    // Cancel the other case, with a reason; a unit officer of Hanoi cannot even see it.
    let other = list.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["id"] != id)
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let hanoi = app.user("hn", Role::UnitOfficer, &["01"], PW);
    let (hn_token, _) = app.token(hanoi, TimeDelta::hours(1));
    assert_eq!(
        app.get(&format!("/api/v1/cases/{other}"), Some(&hn_token))
            .await
            .status,
        404
    );
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{other}/cancel"),
            Some(&rev_token),
            Some(&action_body(
                &app,
                other,
                r#","reason":"Quyết định bị thu hồi""#,
            )),
        )
        .await;
    assert_eq!(reply.body["state"], "cancelled");
}
both_backends!(review_flow);

async fn concurrent_approvals_exactly_one_wins(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let admin = app.user("adm", Role::Admin, &[], PW);
    let (admin_token, _) = app.token(admin, TimeDelta::hours(1));
    app.upload_roster(&admin_token, "79", CSV).await;
    let list = app.get("/api/v1/cases", Some(&admin_token)).await;
    let id = list.body["items"][0]["id"].as_i64().unwrap();
    let version = list.body["items"][0]["version"].as_i64().unwrap();
    let mut tokens = Vec::new();
    for i in 0..6 {
        let r = app.user(&format!("rev{i}"), Role::MohaReviewer, &["VN"], PW);
        tokens.push(app.token(r, TimeDelta::hours(1)).0);
    }
    let body = format!(r#"{{"version":{version}}}"#);
    let path = format!("/api/v1/cases/{id}/approve");
    let calls = tokens
        .iter()
        .map(|t| app.call("POST", &path, Some(t), Some(&body)));
    let replies = futures_util::future::join_all(calls).await;
    let wins = replies.iter().filter(|r| r.status == 200).count();
    let conflicts = replies.iter().filter(|r| r.status == 409).count();
    assert_eq!(
        (wins, conflicts),
        (1, 5),
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
}
both_backends!(concurrent_approvals_exactly_one_wins);

async fn the_approver_cannot_record_payments(backend: Backend) {
    use staffpay::domain::case_state::CaseAction;
    use staffpay::domain::money::Vnd;
    use staffpay::services::Actor;
    let app = TestApp::spawn(backend).await;
    let admin = app.user("adm2", Role::Admin, &[], PW);
    let reviewer = app.user("rev9", Role::MohaReviewer, &["VN"], PW);
    let (admin_token, _) = app.token(admin, TimeDelta::hours(1));
    let (rev_token, _) = app.token(reviewer, TimeDelta::hours(1));
    app.upload_roster(&admin_token, "79", CSV).await;
    let list = app.get("/api/v1/cases", Some(&rev_token)).await;
    let id = list.body["items"][0]["id"].as_i64().unwrap();
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/approve"),
            Some(&rev_token),
            Some(&action_body(&app, id, "")),
        )
        .await;
    assert_eq!(reply.status, 200);
    let actor = Actor {
        user_id: Some(reviewer),
        label: "rev9".into(),
        scope: staffpay::db::units::UnitScope::All,
        request_id: None,
    };
    let mut conn = app.db.get().unwrap();
    let err = staffpay::services::case_review::act(
        &mut conn,
        &actor,
        CaseId(id),
        None,
        CaseAction::RecordPayment {
            amount: Vnd::new(1_000),
        },
    )
    .unwrap_err();
    assert!(err.to_string().contains("conflict"), "{err}");
    assert!(
        format!("{err:?}").contains("separation_of_duties"),
        "the approver is refused before anything else: {err:?}"
    );
}
both_backends!(the_approver_cannot_record_payments);

async fn lookup_codes_are_shown_once_and_replaced(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app.user("agency", Role::UnitOfficer, &["79"], PW);
    let (token, _) = app.token(officer, TimeDelta::hours(1));
    app.upload_roster(&token, "79", CSV).await;
    let list = app.get("/api/v1/cases?unit=79", Some(&token)).await;
    let id = CaseId(list.body["items"][0]["id"].as_i64().unwrap());
    let national_id = app
        .get(&format!("/api/v1/cases/{id}"), Some(&token))
        .await
        .body["national_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let path = format!("/api/v1/cases/{id}/lookup-code");
    let first = app.call("POST", &path, Some(&token), None).await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    assert_eq!(first.headers.get("cache-control").unwrap(), "no-store");
    let first = first.body["code"].as_str().unwrap().to_owned();
    let second = app.call("POST", &path, Some(&token), None).await.body["code"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_ne!(first, second);
    let keys = staffpay::auth::keys::SecretKeys::from_material(
        app.test_db.settings().secret_key.unwrap().expose(),
    );
    let mut conn = app.db.get().unwrap();
    let find = |conn: &mut _, nid: &str, code: &str| {
        staffpay::services::case_review::find_by_lookup(conn, &keys, nid, code).unwrap()
    };
    assert_eq!(find(&mut conn, &national_id, &second), Some(id));
    assert_eq!(
        find(
            &mut conn,
            &national_id,
            &second.to_lowercase().replace('-', "")
        ),
        Some(id),
        "typed without dashes, in lower case"
    );
    assert_eq!(
        find(&mut conn, &national_id, &first),
        None,
        "the old code stops working"
    );
    assert_eq!(find(&mut conn, "001066002222", &second), None, "another id");
    let case = app.get(&format!("/api/v1/cases/{id}"), Some(&token)).await;
    let history = case.body["history"].to_string();
    assert_eq!(history.matches("lookup_code_issued").count(), 2);
    assert!(!history.contains(&second) && !history.contains(&second.replace('-', "")));
    // A national viewer may not issue codes (that would lock the person out).
    let viewer = app.user("viewer", Role::NationalViewer, &[], PW);
    let (viewer, _) = app.token(viewer, TimeDelta::hours(1));
    assert_eq!(
        app.call("POST", &path, Some(&viewer), None).await.status,
        403
    );
}
both_backends!(lookup_codes_are_shown_once_and_replaced);
