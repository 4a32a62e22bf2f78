//! Accepting a changed entitlement and paying the difference (issue 16): a paid case whose
//! entitlement rises through a policy change is accepted by a reviewer, owes the difference,
//! is paid it through a payment list as a supplementary line, is reconciled, and every report
//! shows original, supplementary and total; a lowered one shows `overpaid` and keeps what was
//! paid; the acceptor may not pay the difference.

use chrono::TimeDelta;
use serde_json::Value;
use staffpay::domain::access::Role;
use staffpay::services::Actor;
use staffpay::services::recompute::recompute;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};
use crate::reports::{download, int, open, sheet, text};

const PW: &str = "a long enough password";

const CSV: &str = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ,Số tài khoản,Ngân hàng\nNguyễn Văn An,079066001234,15/01/1966,Nam,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025,0123456789,Vietcombank\nTrần Thị Bình,079185004321,01/06/1985,Nữ,\"Cán bộ, công chức\",Thôi việc,3.66,0,25,180,01/03/2025,01/06/2025,0987654321,BIDV\n";

fn policy_with_base(amount: u32) -> tempfile::TempDir {
    crate::helpers::policy_with_base(amount, &format!("test-{amount}"))
}

fn recompute_with(app: &TestApp, dir: &tempfile::TempDir) {
    let policy = staffpay::policy_files::load_dir(dir.path()).unwrap();
    let mut conn = app.db.get().unwrap();
    recompute(
        &mut conn,
        &policy,
        &Actor::cli(),
        false,
        staffpay::db::today_vn(),
    )
    .unwrap();
}

fn kinds(case: &Value) -> Vec<String> {
    case["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_owned())
        .collect()
}

async fn accept_body(app: &TestApp, token: &str, id: i64) -> String {
    let case = app.get(&format!("/api/v1/cases/{id}"), Some(token)).await;
    format!(
        r#"{{"version":{},"reason":"Bảng lương cơ sở điều chỉnh","legal_basis":"Nghị định 67/2025/NĐ-CP Điều 2"}}"#,
        case.body["version"]
    )
}

async fn a_raised_entitlement_is_accepted_paid_as_a_supplement_and_reconciled(backend: Backend) {
    let mut app = TestApp::spawn(backend).await;
    let sub = app.user("sub", Role::UnitOfficer, &["79"], PW);
    let rev = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let adm = app.user("adm", Role::Admin, &["VN"], PW);
    let mof = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let (sub, _) = app.token(sub, TimeDelta::hours(1));
    let (rev, _) = app.token(rev, TimeDelta::hours(1));
    let (adm, _) = app.token(adm, TimeDelta::hours(1));
    let (mof, _) = app.token(mof, TimeDelta::hours(1));
    app.upload_roster(&sub, "79", CSV).await;
    let items = app.get("/api/v1/cases?unit=79", Some(&rev)).await.body["items"]
        .as_array()
        .unwrap()
        .clone();
    let pick = |e1: bool| {
        let c = items
            .iter()
            .find(|c| (c["entitled_vnd"] == 744_778_125) == e1)
            .unwrap();
        (
            c["id"].as_i64().unwrap(),
            c["payment_reference"].as_str().unwrap().to_owned(),
            c["entitled_vnd"].as_i64().unwrap(),
        )
    };
    let ((e1, r1, e1_before), (e2, r2, e2_before)) = (pick(true), pick(false));
    let reply = app
        .call(
            "POST",
            "/api/v1/cases/bulk/approve",
            Some(&rev),
            Some(&format!(r#"{{"ids":[{e1},{e2}]}}"#)),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let reply = app
        .call(
            "POST",
            "/api/v1/cases/bulk/fund",
            Some(&mof),
            Some(&format!(
                r#"{{"ids":[{e1},{e2}],"funding_source":"QĐ 15/2025"}}"#
            )),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let list = format!(
        "Mã tham chiếu thanh toán,Số tiền,Ngày chi,Hình thức\n{r1},{e1_before},01/08/2025,CK\n{r2},{e2_before},01/08/2025,CK\n"
    );
    let path = "/api/v1/payments/imports?unit=79";
    let reply = app.upload(&mof, path, "chi-tra.csv", &list).await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);

    // The base salary rises: both paid cases are marked for a reviewer.
    let raised = policy_with_base(2_400_000);
    recompute_with(&app, &raised);
    let pending = app.get("/api/v1/changes", Some(&rev)).await;
    assert_eq!(pending.status, 200, "{:?}", pending.body);
    let rows = pending.body.as_array().unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    let proposed = rows.iter().find(|r| r["case_id"] == e1).unwrap()["proposed_vnd"]
        .as_i64()
        .unwrap();
    assert!(proposed > e1_before);
    // Another unit's officer sees none of them.
    let sub_view = app.get("/api/v1/changes", Some(&sub)).await;
    assert_eq!(sub_view.body.as_array().unwrap().len(), 2, "79's own cases");

    // An instance still on the old tables refuses: the proposal is not what it computes.
    let body = accept_body(&app, &adm, e1).await;
    let path1 = format!("/api/v1/cases/{e1}/accept-change");
    let reply = app.call("POST", &path1, Some(&adm), Some(&body)).await;
    assert_eq!(reply.status, 409, "{:?}", reply.body);
    assert_eq!(reply.body["error"]["code"], "pending_changed");

    // The instances restarted on the new tables.
    app.base = app.instance_with_policy(Some(raised.path()));
    // A payment officer may not accept; a reason and a legal basis are required.
    let reply = app.call("POST", &path1, Some(&mof), Some(&body)).await;
    assert_eq!(reply.status, 403, "{:?}", reply.body);
    let no_basis = body.replace("Nghị định 67/2025/NĐ-CP Điều 2", " ");
    let reply = app.call("POST", &path1, Some(&adm), Some(&no_basis)).await;
    assert_eq!(reply.status, 400, "{:?}", reply.body);
    let stale = body.replace("\"version\":", "\"version\":1");
    let reply = app.call("POST", &path1, Some(&adm), Some(&stale)).await;
    assert_eq!(reply.status, 409, "{:?}", reply.body);
    assert_eq!(reply.body["error"]["code"], "stale_version");

    let reply = app.call("POST", &path1, Some(&adm), Some(&body)).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let item = &reply.body["results"][0];
    assert_eq!(item["state_before"], "paid");
    assert_eq!(item["state"], "partially_paid");
    assert_eq!(item["original_vnd"], e1_before);
    assert_eq!(item["after_vnd"], proposed);
    assert_eq!(item["outstanding_vnd"], proposed - e1_before);
    let case = app.get(&format!("/api/v1/cases/{e1}"), Some(&mof)).await;
    assert_eq!(case.body["entitled_vnd"], proposed);
    assert_eq!(case.body["original_vnd"], e1_before);
    assert_eq!(case.body["supplementary_vnd"], proposed - e1_before);
    assert_eq!(
        case.body["paid_vnd"], e1_before,
        "what was paid never changes"
    );
    assert!(!kinds(&case.body).contains(&"entitlement_changed".to_owned()));
    let history = case.body["history"].as_array().unwrap();
    assert_eq!(history.last().unwrap()["action"], "accept_change");
    // Accepting again: nothing pending.
    let again = accept_body(&app, &adm, e1).await;
    let reply = app.call("POST", &path1, Some(&adm), Some(&again)).await;
    assert_eq!(reply.body["error"]["code"], "no_pending_change");

    // The working payment list: a supplementary line with original, new total and the note.
    let d = download(
        &app,
        "GET",
        "/api/v1/reports/payment-list.xlsx?unit=79",
        &mof,
    )
    .await;
    assert_eq!(d.status, 200);
    let mut book = open(&d.bytes);
    let s = sheet(&mut book, "Danh sách chi trả");
    let row = (4..s.end().unwrap().0)
        .find(|r| int(&s, *r, 7) == e1)
        .expect("the difference is listed");
    assert_eq!(int(&s, row, 5), proposed - e1_before);
    assert_eq!(int(&s, row, 9), e1_before);
    assert_eq!(int(&s, row, 10), proposed);
    assert_eq!(
        text(&s, row, 11),
        "Chi bổ sung theo Nghị định 67/2025/NĐ-CP"
    );

    // The acceptor may not pay the difference; a payment officer does, through a list.
    let diff = proposed - e1_before;
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{e1}/payments"),
            Some(&adm),
            Some(&crate::helpers::with_version(
                &app,
                e1,
                &format!(r#"{{"amount_vnd":{diff},"paid_on":"2025-09-01"}}"#),
            )),
        )
        .await;
    assert_eq!(reply.status, 409, "{:?}", reply.body);
    assert_eq!(reply.body["error"]["code"], "separation_of_duties");
    let list =
        format!("Mã tham chiếu thanh toán,Số tiền,Ngày chi,Hình thức\n{r1},{diff},01/09/2025,CK\n");
    let reply = app.upload(&mof, path, "chi-bo-sung.csv", &list).await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    let case = app.get(&format!("/api/v1/cases/{e1}"), Some(&mof)).await;
    assert_eq!(case.body["state"], "paid");
    assert_eq!(case.body["paid_vnd"], proposed);

    // Lowered instead (the other case): accepted, overpaid shown, payments untouched.
    let lowered = policy_with_base(2_300_000);
    recompute_with(&app, &lowered);
    app.base = app.instance_with_policy(Some(lowered.path()));
    let body = accept_body(&app, &adm, e2).await;
    let reply = app
        .call(
            "POST",
            "/api/v1/cases/bulk/accept-change",
            Some(&adm),
            Some(
                &body
                    .replace(
                        "{\"version\":",
                        &format!("{{\"cases\":[{{\"id\":{e2},\"version\":"),
                    )
                    .replacen(",\"reason\"", "}],\"reason\"", 1),
            ),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let case = app.get(&format!("/api/v1/cases/{e2}"), Some(&mof)).await;
    let e2_after = case.body["entitled_vnd"].as_i64().unwrap();
    assert!(e2_after < e2_before);
    assert_eq!(case.body["paid_vnd"], e2_before);
    assert_eq!(case.body["state"], "paid");
    assert!(
        kinds(&case.body).contains(&"overpaid".to_owned()),
        "{:?}",
        kinds(&case.body)
    );

    // The statement reconciles the original payment and the supplementary one.
    let statement = format!(
        "Ngày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu\n01/08/2025,-{e1_before},0123456789,NGUYEN VAN AN,Chi tro cap {r1},FT001\n01/09/2025,-{diff},0123456789,NGUYEN VAN AN,Chi bo sung {r1},FT002\n"
    );
    let reply = app
        .upload(
            &mof,
            "/api/v1/statements/imports?unit=79",
            "sao-ke.csv",
            &statement,
        )
        .await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    let case = app.get(&format!("/api/v1/cases/{e1}"), Some(&mof)).await;
    assert_eq!(case.body["state"], "reconciled");

    // The reconciliation workbook: original, supplementary, total.
    let d = download(
        &app,
        "GET",
        "/api/v1/reports/reconciliation.xlsx?unit=79",
        &mof,
    )
    .await;
    assert_eq!(d.status, 200);
    let mut book = open(&d.bytes);
    let s = sheet(&mut book, "Chi tiết");
    let col = |name: &str| (0..60).find(|c| text(&s, 2, *c) == name).unwrap();
    let (c_ent, c_orig, c_sup) = (
        col("Tổng được hưởng (đồng)"),
        col("Số được hưởng ban đầu (đồng)"),
        col("Bổ sung (đồng)"),
    );
    let row = (4..s.end().unwrap().0)
        .find(|r| int(&s, *r, 0) == e1)
        .unwrap();
    assert_eq!(int(&s, row, c_ent), proposed);
    assert_eq!(int(&s, row, c_orig), e1_before);
    assert_eq!(int(&s, row, c_sup), diff);
    let row = (4..s.end().unwrap().0)
        .find(|r| int(&s, *r, 0) == e2)
        .unwrap();
    assert_eq!(int(&s, row, c_sup), e2_after - e2_before);

    // The statement: the three figures.
    let d = download(
        &app,
        "GET",
        &format!("/api/v1/cases/{e1}/statement.xlsx"),
        &mof,
    )
    .await;
    assert_eq!(d.status, 200);
    let mut book = open(&d.bytes);
    let s = sheet(&mut book, "Bảng tính trợ cấp");
    let find = |label: &str| {
        (0..=s.end().unwrap().0)
            .find(|r| text(&s, *r, 0).starts_with(label))
            .unwrap_or_else(|| panic!("{label}"))
    };
    assert_eq!(int(&s, find("Số được hưởng ban đầu"), 2), e1_before);
    assert_eq!(int(&s, find("Chi bổ sung do điều chỉnh"), 2), diff);
    assert_eq!(int(&s, find("Tổng được hưởng sau điều chỉnh"), 2), proposed);
}
both_backends!(a_raised_entitlement_is_accepted_paid_as_a_supplement_and_reconciled);
