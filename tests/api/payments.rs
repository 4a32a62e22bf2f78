//! Money: bulk approval and funding, payments and reversals with every refusal, two officers
//! recording the same payment at once, payment-list and statement imports with
//! reconciliation, and the flags that follow from the data.

use chrono::TimeDelta;
use serde_json::Value;
use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, action_body};

const PW: &str = "a long enough password";
/// Two people of HCMC (79): E1 (744,778,125 đồng) with a bank account, and a second person
/// without one.
const CSV: &str = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ,Số tài khoản,Ngân hàng\nNguyễn Văn An,079066001234,15/01/1966,Nam,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025,0123456789,Vietcombank\nTrần Thị Bình,079185004321,01/06/1985,Nữ,\"Cán bộ, công chức\",Thôi việc,3.66,0,25,180,01/03/2025,01/06/2025,,\n";

struct Setup {
    app: TestApp,
    reviewer: String,
    officer: String,
    officer2: String,
    /// E1's case id and payment reference.
    e1: (i64, String),
    /// The second case's id and payment reference.
    other: (i64, String),
}

async fn setup(backend: Backend) -> Setup {
    let app = TestApp::spawn(backend).await;
    let submitter = app.user("sub", Role::UnitOfficer, &["79"], PW);
    let reviewer = app.user("rev", Role::MohaReviewer, &["VN"], PW);
    let officer = app.user("mof", Role::MofOfficer, &["VN"], PW);
    let officer2 = app.user("mof2", Role::MofOfficer, &["79"], PW);
    let (sub, _) = app.token(submitter, TimeDelta::hours(1));
    let (reviewer, _) = app.token(reviewer, TimeDelta::hours(1));
    let (officer, _) = app.token(officer, TimeDelta::hours(1));
    let (officer2, _) = app.token(officer2, TimeDelta::hours(1));
    let report = app.upload_roster(&sub, "79", CSV).await;
    assert_eq!(report["rows"]["created"], 2, "{report}");
    let list = app.get("/api/v1/cases?unit=79", Some(&reviewer)).await;
    let items = list.body["items"].as_array().unwrap().clone();
    let pick = |entitled: bool| {
        let c = items
            .iter()
            .find(|c| (c["entitled_vnd"] == 744_778_125) == entitled)
            .unwrap();
        (
            c["id"].as_i64().unwrap(),
            c["payment_reference"].as_str().unwrap().to_owned(),
        )
    };
    Setup {
        e1: pick(true),
        other: pick(false),
        app,
        reviewer,
        officer,
        officer2,
    }
}

fn code(reply: &crate::helpers::Reply) -> (u16, Option<&str>) {
    (reply.status, reply.body["error"]["code"].as_str())
}

/// Approves and funds both cases in bulk.
async fn approve_and_fund(s: &Setup) {
    let (e1, other) = (s.e1.0, s.other.0);
    let reply = s
        .app
        .call(
            "POST",
            "/api/v1/cases/bulk/approve",
            Some(&s.reviewer),
            Some(&format!(r#"{{"ids":[{e1},{other}]}}"#)),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["applied"], true);
    assert_eq!(reply.body["count"], 2);
    let reply = s
        .app
        .call(
            "POST",
            "/api/v1/cases/bulk/fund",
            Some(&s.officer),
            Some(r#"{"filter":{"unit":"79","state":"approved"},"funding_source":"QĐ 15/2025"}"#),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["count"], 2);
}

/// A case as the payment officer sees it.
async fn case_of(s: &Setup, id: i64) -> crate::helpers::Reply {
    let reply = s
        .app
        .get(&format!("/api/v1/cases/{id}"), Some(&s.officer))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply
}

/// Unit 79's unmatched statement lines.
async fn unmatched_lines(s: &Setup) -> Vec<serde_json::Value> {
    let reply = s
        .app
        .get("/api/v1/reconciliation/unmatched?unit=79", Some(&s.officer))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    reply.body["lines"].as_array().unwrap().clone()
}

/// Records a payment with `body`, at the case's current version.
async fn pay(s: &Setup, token: &str, id: i64, body: &str) -> crate::helpers::Reply {
    let body = crate::helpers::with_version(&s.app, id, body);
    s.app
        .call(
            "POST",
            &format!("/api/v1/cases/{id}/payments"),
            Some(token),
            Some(&body),
        )
        .await
}

async fn bulk_actions_are_all_or_nothing(backend: Backend) {
    let s = setup(backend).await;
    let (e1, other) = (s.e1.0, s.other.0);
    // Funding before approval: one request, both refused, nothing changed.
    let reply = s
        .app
        .call(
            "POST",
            "/api/v1/cases/bulk/fund",
            Some(&s.officer),
            Some(&format!(r#"{{"ids":[{e1},{other}],"funding_source":"x"}}"#)),
        )
        .await;
    assert_eq!(
        code(&reply),
        (409, Some("bulk_refused")),
        "{:?}",
        reply.body
    );
    let results = reply.body["error"]["details"]["results"]
        .as_array()
        .unwrap();
    assert_eq!(results.len(), 2);
    assert_eq!(results[0]["code"], "invalid_transition");
    // Approve one, then a bulk approval of both fails on the approved one and rolls back.
    let reply = s
        .app
        .call(
            "POST",
            &format!("/api/v1/cases/{e1}/approve"),
            Some(&s.reviewer),
            Some(&action_body(&s.app, e1, "")),
        )
        .await;
    assert_eq!(reply.status, 200);
    let reply = s
        .app
        .call(
            "POST",
            "/api/v1/cases/bulk/approve",
            Some(&s.reviewer),
            Some(&format!(r#"{{"ids":[{other},{e1}]}}"#)),
        )
        .await;
    assert_eq!(code(&reply), (409, Some("bulk_refused")));
    let details = &reply.body["error"]["details"];
    assert_eq!(details["refused"], 1);
    assert_eq!(details["results"][0]["ok"], true);
    assert_eq!(details["results"][1]["code"], "invalid_transition");
    let case = s
        .app
        .get(&format!("/api/v1/cases/{other}"), Some(&s.reviewer))
        .await;
    assert_eq!(case.body["state"], "submitted", "rolled back");
    // A payment officer may not bulk-approve; ids and filter together are refused.
    let reply = s
        .app
        .call(
            "POST",
            "/api/v1/cases/bulk/approve",
            Some(&s.officer),
            Some(&format!(r#"{{"ids":[{other}]}}"#)),
        )
        .await;
    assert_eq!(reply.status, 403);
    let reply = s
        .app
        .call(
            "POST",
            "/api/v1/cases/bulk/approve",
            Some(&s.reviewer),
            Some(&format!(r#"{{"ids":[{other}],"filter":{{"unit":"79"}}}}"#)),
        )
        .await;
    assert_eq!(code(&reply), (400, Some("selection_required")));
}
both_backends!(bulk_actions_are_all_or_nothing);

async fn payments_accumulate_and_refusals_say_why(backend: Backend) {
    let s = setup(backend).await;
    let (e1, reference) = s.e1.clone();
    // Not payable yet.
    let reply = pay(
        &s,
        &s.officer,
        e1,
        r#"{"amount_vnd":1000,"paid_on":"2025-08-01"}"#,
    )
    .await;
    assert_eq!(code(&reply), (409, Some("invalid_transition")));
    approve_and_fund(&s).await;

    for (body, expected) in [
        (
            r#"{"amount_vnd":1000.5,"paid_on":"2025-08-01"}"#,
            "amount_not_whole",
        ),
        (
            r#"{"amount_vnd":-1000,"paid_on":"2025-08-01"}"#,
            "amount_not_positive",
        ),
        (
            r#"{"amount_vnd":"12a","paid_on":"2025-08-01"}"#,
            "amount_invalid",
        ),
        (
            r#"{"amount_vnd":1000,"paid_on":"2025-08-01","method":"cheque"}"#,
            "method_invalid",
        ),
    ] {
        let reply = pay(&s, &s.officer, e1, body).await;
        assert_eq!(
            code(&reply),
            (400, Some(expected)),
            "{body}: {:?}",
            reply.body
        );
    }
    // Refusals that depend on the stored data or today's date, which no schema can state.
    for (body, expected) in [
        (
            r#"{"amount_vnd":1000,"paid_on":"2999-01-01"}"#,
            "date_in_future",
        ),
        (
            r#"{"amount_vnd":1000,"paid_on":"2025-08-01","payer_unit":"ZZ"}"#,
            "unknown_unit",
        ),
    ] {
        let reply = pay(&s, &s.officer, e1, body).await;
        assert_eq!(
            code(&reply),
            (409, Some(expected)),
            "{body}: {:?}",
            reply.body
        );
    }
    let reply = pay(
        &s,
        &s.officer,
        e1,
        r#"{"amount_vnd":744778126,"paid_on":"2025-08-01"}"#,
    )
    .await;
    assert_eq!(code(&reply), (409, Some("payment_exceeds_entitlement")));
    assert!(
        reply.body["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("744,778,125"),
        "{:?}",
        reply.body
    );

    // A partial payment, then the same payment again (a duplicate), then the rest.
    let first = r#"{"amount_vnd":"400000000","paid_on":"2025-08-01","method":"chuyển khoản"}"#;
    let reply = pay(&s, &s.officer, e1, first).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(reply.body["case"]["state"], "partially_paid");
    assert_eq!(reply.body["payment"]["reference"], reference.as_str());
    let first_id = reply.body["payment"]["id"].as_i64().unwrap();
    let reply = pay(&s, &s.officer, e1, first).await;
    assert_eq!(code(&reply), (409, Some("duplicate_payment")));
    let reply = pay(
        &s,
        &s.officer,
        e1,
        r#"{"amount_vnd":344778125,"paid_on":"2025-08-02"}"#,
    )
    .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(reply.body["case"]["state"], "paid");
    assert_eq!(reply.body["case"]["paid_vnd"], 744_778_125);
    let reply = pay(
        &s,
        &s.officer,
        e1,
        r#"{"amount_vnd":1,"paid_on":"2025-08-03"}"#,
    )
    .await;
    assert_eq!(code(&reply), (409, Some("payment_exceeds_entitlement")));

    // A reversal is its own entry; the history is never edited.
    let reversal =
        format!(r#"{{"amount_vnd":400000000,"paid_on":"2025-08-05","reverses":{first_id}}}"#);
    let reply = pay(&s, &s.officer, e1, &reversal).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(reply.body["payment"]["amount_vnd"], -400_000_000);
    assert_eq!(reply.body["case"]["state"], "partially_paid");
    let reply = pay(&s, &s.officer, e1, &reversal).await;
    assert_eq!(code(&reply), (409, Some("already_reversed")));

    let case = case_of(&s, e1).await;
    assert_eq!(case.body["paid_vnd"], 344_778_125);
    assert_eq!(case.body["outstanding_vnd"], 400_000_000);
    let amounts: Vec<i64> = case.body["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["amount_vnd"].as_i64().unwrap())
        .collect();
    assert_eq!(amounts, [400_000_000, 344_778_125, -400_000_000]);
    let actions: Vec<&str> = case.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "import.create",
            "approve",
            "fund",
            "record_payment",
            "record_payment",
            "reverse_payment"
        ]
    );
    // Reachable by its payment reference; another unit's officer sees nothing.
    let by_ref = s
        .app
        .get(
            &format!("/api/v1/cases/by-reference/{reference}"),
            Some(&s.officer),
        )
        .await;
    assert_eq!(by_ref.body["id"], e1);
    let outsider = s.app.user("mof-hn", Role::MofOfficer, &["01"], PW);
    let (outsider, _) = s.app.token(outsider, TimeDelta::hours(1));
    let reply = pay(
        &s,
        &outsider,
        e1,
        r#"{"amount_vnd":1,"paid_on":"2025-08-03"}"#,
    )
    .await;
    assert_eq!(reply.status, 404);
    let reply = s
        .app
        .get(
            &format!("/api/v1/cases/by-reference/{reference}"),
            Some(&outsider),
        )
        .await;
    assert_eq!(reply.status, 404);
}
both_backends!(payments_accumulate_and_refusals_say_why);

async fn the_approver_does_not_pay(backend: Backend) {
    let s = setup(backend).await;
    let admin = s.app.user("boss", Role::Admin, &[], PW);
    let (admin, _) = s.app.token(admin, TimeDelta::hours(1));
    let e1 = s.e1.0;
    let reply = s
        .app
        .call(
            "POST",
            &format!("/api/v1/cases/{e1}/approve"),
            Some(&admin),
            Some(&action_body(&s.app, e1, "")),
        )
        .await;
    assert_eq!(reply.status, 200);
    let reply = s
        .app
        .call(
            "POST",
            &format!("/api/v1/cases/{e1}/fund"),
            Some(&s.officer),
            Some(&action_body(&s.app, e1, r#","funding_source":"QĐ 1""#)),
        )
        .await;
    assert_eq!(reply.status, 200);
    let reply = pay(
        &s,
        &admin,
        e1,
        r#"{"amount_vnd":1000,"paid_on":"2025-08-01"}"#,
    )
    .await;
    assert_eq!(code(&reply), (409, Some("separation_of_duties")));
    let reply = pay(
        &s,
        &s.officer,
        e1,
        r#"{"amount_vnd":1000,"paid_on":"2025-08-01"}"#,
    )
    .await;
    assert_eq!(reply.status, 201);
}
both_backends!(the_approver_does_not_pay);

async fn two_officers_record_the_same_payment_at_once(backend: Backend) {
    let s = setup(backend).await;
    approve_and_fund(&s).await;
    let e1 = s.e1.0;
    let body = r#"{"amount_vnd":500000000,"paid_on":"2025-08-01"}"#;
    for round in 0..3 {
        let body = body.replace("2025-08-01", &format!("2025-08-0{}", round + 1));
        let body = if round > 0 {
            body.replace("500000000", "100000000")
        } else {
            body
        };
        let (a, b) = tokio::join!(
            pay(&s, &s.officer, e1, &body),
            pay(&s, &s.officer2, e1, &body)
        );
        let mut statuses = [a.status, b.status];
        statuses.sort_unstable();
        assert_eq!(statuses, [201, 409], "{:?} / {:?}", a.body, b.body);
        let refused = if a.status == 409 { &a } else { &b };
        assert_eq!(refused.body["error"]["code"], "duplicate_payment");
    }
    let case = case_of(&s, e1).await;
    assert_eq!(case.body["paid_vnd"], 700_000_000, "nothing double counted");
    assert_eq!(case.body["payments"].as_array().unwrap().len(), 3);
}
both_backends!(two_officers_record_the_same_payment_at_once);

fn report_codes(report: &Value, list: &str) -> Vec<String> {
    report[list]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap().to_owned())
        .collect()
}

async fn payment_lists_and_statements_reconcile(backend: Backend) {
    let s = setup(backend).await;
    approve_and_fund(&s).await;
    let ((e1, r1), (other, r2)) = (s.e1.clone(), s.other.clone());
    let other_entitled = case_of(&s, other).await.body["entitled_vnd"]
        .as_i64()
        .unwrap();

    // A payment list: E1 in two instalments, the other case in full.
    let list = format!(
        "DANH SÁCH CHI TRẢ\nMã tham chiếu thanh toán,Số định danh,Số tiền,Ngày chi,Hình thức\n{r1},079066001234,400000000,01/08/2025,CK\n{r1},079066001234,344778125,02/08/2025,CK\n{r2},,{other_entitled},02/08/2025,TM\n"
    );
    let path = "/api/v1/payments/imports?unit=79";
    let reply = s.app.upload(&s.officer, path, "chi-tra.csv", &list).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    assert_eq!(reply.body["rows"]["created"], 3);
    // The same file again changes nothing.
    let again = s.app.upload(&s.officer, path, "chi-tra.csv", &list).await;
    assert_eq!(again.body["outcome"], "unchanged");
    // A new list repeating a recorded payment: flagged, not recorded.
    let repeat = format!("Mã tham chiếu thanh toán,Số tiền,Ngày chi\n{r1},400000000,01/08/2025\n");
    let reply = s
        .app
        .upload(&s.officer, path, "chi-tra-2.csv", &repeat)
        .await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    assert_eq!(reply.body["rows"]["created"], 0);
    assert_eq!(
        report_codes(&reply.body, "warnings"),
        ["PAYMENT_ALREADY_RECORDED"]
    );
    // A list that would overpay is rejected whole (nothing written) unless accept_valid.
    let over = format!(
        "Mã tham chiếu thanh toán,Số tiền,Ngày chi\n{r1},1,03/08/2025\nSP00000000000000,5,03/08/2025\n"
    );
    let reply = s.app.upload(&s.officer, path, "chi-tra-3.csv", &over).await;
    assert_eq!(reply.body["outcome"], "rejected", "{:?}", reply.body);
    let codes = report_codes(&reply.body, "errors");
    assert!(
        codes.contains(&"PAYMENT_EXCEEDS_ENTITLEMENT".to_owned()),
        "{codes:?}"
    );
    let case = case_of(&s, e1).await;
    assert_eq!(case.body["state"], "paid");
    assert_eq!(case.body["paid_vnd"], 744_778_125);
    let kinds: Vec<&str> = case.body["flags"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["duplicate_payment"]);

    // The statement: E1's two transfers by reference, the other by account and name (no
    // reference), one line nobody can match, and money in.
    let statement = format!(
        "SAO KÊ TÀI KHOẢN\nNgày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu\n01/08/2025,-400000000,0123456789,NGUYEN VAN AN,Chi tro cap {r1},FT001\n02/08/2025,-344778125,0123456789,NGUYEN VAN AN,Chi tro cap {r1},FT002\n03/08/2025,-{other_entitled},,TRAN THI BINH,Chi tro cap thoi viec,FT003\n04/08/2025,-123456,999,AI DO,Chuyen nham,FT004\n"
    );
    let spath = "/api/v1/statements/imports?unit=79";
    let reply = s
        .app
        .upload(&s.officer, spath, "sao-ke.csv", &statement)
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    let rec = &reply.body["reconciliation"];
    assert_eq!(rec["lines_considered"], 4, "{rec}");
    assert_eq!(rec["by_reference"], 2, "{rec}");
    assert_eq!(rec["cases_reconciled"], 1, "{rec}");
    let case = case_of(&s, e1).await;
    assert_eq!(case.body["state"], "reconciled");
    // The cash payment has no account on the line: it stays unmatched, as does the stray line.
    let lines = unmatched_lines(&s).await;
    assert!(
        lines.iter().any(|l| l["description"] == "Chuyen nham"),
        "{lines:?}"
    );
    assert!(lines.iter().all(|l| l["unmatched_reason"].is_string()));
    let flags = s
        .app
        .get(
            "/api/v1/flags?kind=unmatched_statement_line",
            Some(&s.officer),
        )
        .await;
    assert_eq!(flags.status, 200);
    assert_eq!(flags.body["total"], lines.len(), "{:?}", flags.body);

    // The same statement again: unchanged. An overlapping one: its old lines are duplicates.
    let again = s
        .app
        .upload(&s.officer, spath, "sao-ke.csv", &statement)
        .await;
    assert_eq!(again.body["outcome"], "unchanged");
    let overlap = format!("{statement}05/08/2025,-5000,888,KHAC,Phi,FT005\n");
    let reply = s
        .app
        .upload(&s.officer, spath, "sao-ke-2.csv", &overlap)
        .await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    assert_eq!(reply.body["rows"]["created"], 1);
    assert_eq!(reply.body["rows"]["unchanged"], 4);
    assert_eq!(
        report_codes(&reply.body, "warnings")
            .iter()
            .filter(|c| *c == "STATEMENT_LINE_DUPLICATE")
            .count(),
        4
    );
    // Future dates are refused with the row named.
    let future = "Ngày giao dịch,Số tiền,Nội dung\n01/01/2999,-1000,x\n";
    let reply = s.app.upload(&s.officer, spath, "future.csv", future).await;
    assert_eq!(reply.body["outcome"], "rejected");
    assert_eq!(reply.body["errors"][0]["row"], 2);
}
both_backends!(payment_lists_and_statements_reconcile);

/// A statement line that arrives before its payment is recorded stays unmatched (with its
/// reason); the next statement import matches it once the payment is there, and reconciles.
async fn an_early_statement_line_is_matched_later(backend: Backend) {
    let s = setup(backend).await;
    approve_and_fund(&s).await;
    let (other, r2) = s.other.clone();
    let entitled = case_of(&s, other).await.body["entitled_vnd"]
        .as_i64()
        .unwrap();
    let spath = "/api/v1/statements/imports?unit=79";
    let early = format!(
        "Ngày giao dịch,Số tiền,Nội dung,Số tham chiếu\n02/08/2025,-{entitled},Chi tro cap {r2},FT101\n"
    );
    let reply = s
        .app
        .upload(&s.officer, spath, "sao-ke-1.csv", &early)
        .await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    assert_eq!(reply.body["reconciliation"]["matches"], 0);
    let lines = unmatched_lines(&s).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    let first_reason = lines[0]["unmatched_reason"].clone();
    assert!(first_reason.is_string(), "{lines:?}");

    let reply = pay(
        &s,
        &s.officer,
        other,
        &format!(r#"{{"amount_vnd":{entitled},"paid_on":"2025-08-02","method":"transfer"}}"#),
    )
    .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    // A later statement with one unrelated line: the stored line is matched now.
    let later = "Ngày giao dịch,Số tiền,Nội dung,Số tham chiếu\n05/08/2025,-5000,Phi,FT102\n";
    let reply = s.app.upload(&s.officer, spath, "sao-ke-2.csv", later).await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    let rec = &reply.body["reconciliation"];
    assert_eq!(rec["lines_considered"], 2, "{rec}");
    assert_eq!(rec["matches"], 1, "{rec}");
    assert_eq!(rec["cases_reconciled"], 1, "{rec}");
    let case = case_of(&s, other).await;
    assert_eq!(case.body["state"], "reconciled", "{:?}", case.body);
    let lines = unmatched_lines(&s).await;
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["description"], "Phi", "{lines:?}");
    assert!(lines[0]["unmatched_reason"].is_string(), "{lines:?}");
}
both_backends!(an_early_statement_line_is_matched_later);

/// Issue 18: a statement headed as the Treasury writes it ("STK hưởng", "Nội dung CK",
/// "Ngày GD") is read and reconciled; the report lists how each column was read, the columns
/// not read with masked samples, and a mapping given as `map=` reads a column by hand.
async fn statements_headed_as_the_treasury_writes_them(backend: Backend) {
    let s = setup(backend).await;
    approve_and_fund(&s).await;
    let (other, r2) = s.other.clone();
    let entitled = case_of(&s, other).await.body["entitled_vnd"]
        .as_i64()
        .unwrap();
    let reply = pay(
        &s,
        &s.officer,
        other,
        &format!(r#"{{"amount_vnd":{entitled},"paid_on":"2025-08-02","method":"transfer"}}"#),
    )
    .await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let csv = format!(
        "Ngày GD,STK hưởng,Nội dung CK,Số tiền ghi nợ (VND),Ma KH,Ghi chú\n\
         02/08/2025,0011004123456,Chi tro cap {r2},{entitled},0011004999888,x\n"
    );
    let reply = s
        .app
        .upload(
            &s.officer,
            "/api/v1/statements/imports?unit=79",
            "kbnn.csv",
            &csv,
        )
        .await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    assert_eq!(
        reply.body["reconciliation"]["matches"], 1,
        "{:?}",
        reply.body
    );
    let columns = &reply.body["columns"];
    assert_eq!(columns["template"], "statement");
    let fields: Vec<(&str, &str)> = columns["recognised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["field"].as_str().unwrap(), m["header"].as_str().unwrap()))
        .collect();
    assert!(fields.contains(&("account", "STK hưởng")), "{fields:?}");
    assert!(
        fields.contains(&("description", "Nội dung CK")),
        "{fields:?}"
    );
    let unread = columns["unread"].as_array().unwrap();
    assert_eq!(unread.len(), 2, "{columns}");
    assert_eq!(unread[0]["header"], "Ma KH");
    assert_eq!(unread[0]["sample"], "••••••••••888");
    assert!(!reply.body.to_string().contains("0011004999888"));
    let warned: Vec<&str> = reply.body["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|w| w["code"].as_str())
        .collect();
    assert!(warned.contains(&"COLUMN_UNMAPPED_ACCOUNT"), "{warned:?}");

    // Mapped by hand, "Ma KH" is the account and the abbreviated one is a duplicate.
    let csv2 = csv.replace("02/08/2025", "03/08/2025");
    let reply = s
        .app
        .upload(
            &s.officer,
            "/api/v1/statements/imports?unit=79&dry_run=true&map=account%3DMa%20KH",
            "kbnn-2.csv",
            &csv2,
        )
        .await;
    assert_eq!(reply.body["outcome"], "dry_run", "{:?}", reply.body);
    let mapped: Vec<(&str, &str, &str)> = reply.body["columns"]["recognised"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["field"].as_str().unwrap(),
                m["header"].as_str().unwrap(),
                m["how"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        mapped.contains(&("account", "Ma KH", "mapped")),
        "{mapped:?}"
    );

    // Saved as a profile, the mapping applies to the next file of the same header shape.
    let reply = s
        .app
        .upload(
            &s.officer,
            "/api/v1/statements/imports?unit=79&dry_run=true&map=account%3DMa%20KH&profile=Sao%20k%C3%AA%20KBNN",
            "kbnn-2.csv",
            &csv2,
        )
        .await;
    assert_eq!(
        reply.body["columns"]["profile_saved"], "Sao kê KBNN",
        "{:?}",
        reply.body
    );
    let csv3 = csv.replace("02/08/2025", "04/08/2025");
    let reply = s
        .app
        .upload(
            &s.officer,
            "/api/v1/statements/imports?unit=79&dry_run=true",
            "kbnn-3.csv",
            &csv3,
        )
        .await;
    assert_eq!(
        reply.body["columns"]["profile"], "Sao kê KBNN",
        "{:?}",
        reply.body
    );
    let account = reply.body["columns"]["recognised"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["field"] == "account")
        .map(|m| (m["header"].clone(), m["how"].clone()));
    assert_eq!(account, Some(("Ma KH".into(), "mapped".into())));
    // A file of another shape is read without it.
    let other_shape = "Ngày GD,STK hưởng,Nội dung CK,Số tiền ghi nợ (VND)\n05/08/2025,001,x,5\n";
    let reply = s
        .app
        .upload(
            &s.officer,
            "/api/v1/statements/imports?unit=79&dry_run=true",
            "kbnn-4.csv",
            other_shape,
        )
        .await;
    assert!(
        reply.body["columns"]["profile"].is_null(),
        "{:?}",
        reply.body
    );
    // Saving is audited.
    let admin = s.app.user("boss", Role::Admin, &[], PW);
    let (admin, _) = s.app.token(admin, TimeDelta::hours(1));
    let audit = s
        .app
        .get("/api/v1/audit?action=mapping_profile.save", Some(&admin))
        .await;
    assert_eq!(audit.status, 200, "{:?}", audit.body);
    assert!(
        audit.body.to_string().contains("Sao kê KBNN"),
        "{:?}",
        audit.body
    );

    // A statement without a description is refused naming the statement's template.
    let reply = s
        .app
        .upload(
            &s.officer,
            "/api/v1/statements/imports?unit=79",
            "x.csv",
            "Ngày GD,Số tiền\n02/08/2025,-5\n",
        )
        .await;
    assert_eq!(reply.body["outcome"], "failed", "{:?}", reply.body);
    let message = reply.body["errors"][0]["message_vi"].as_str().unwrap();
    assert!(message.contains("staffpay template statement"), "{message}");
    // A malformed map is a request error.
    let reply = s
        .app
        .upload(
            &s.officer,
            "/api/v1/statements/imports?unit=79&map=account",
            "x.csv",
            "Ngày GD,Số tiền\n02/08/2025,-5\n",
        )
        .await;
    assert_eq!(reply.status, 400, "{:?}", reply.body);
}
both_backends!(statements_headed_as_the_treasury_writes_them);

async fn flags_follow_the_data(backend: Backend) {
    let s = setup(backend).await;
    approve_and_fund(&s).await;
    // HCMC has no Treasury account in the reference data; the second person has no bank
    // account; the approvals are today, so nothing is overdue by days yet.
    let flags = s.app.get("/api/v1/flags?unit=79", Some(&s.reviewer)).await;
    assert_eq!(flags.status, 200, "{:?}", flags.body);
    let counts = &flags.body["counts"];
    assert_eq!(counts["unit_account_missing"], 2, "{counts}");
    assert_eq!(counts["person_account_missing"], 1, "{counts}");
    // Progress tells the same story as the flags.
    let progress = s
        .app
        .get("/api/v1/progress?group_by=unit", Some(&s.reviewer))
        .await;
    assert_eq!(progress.status, 200);
    let national = &progress.body["national"];
    assert_eq!(national["overdue"], counts["overdue"], "{national}");
    assert_eq!(national["units_lacking_account"], 1);
    assert_eq!(national["units"], 1);
    assert_eq!(national["below_60_pct"], true);
    assert_eq!(national["outstanding_vnd"], national["entitled_vnd"]);
    assert_eq!(national["by_state"]["payable"], 2);
    let one = &flags.body["flags"][0];
    for key in ["unit_code", "age_days", "since", "action_vi", "action_en"] {
        assert!(!one[key].is_null(), "{key}: {one}");
    }
    // Opening the unit's Treasury account clears its flag.
    let reply = s
        .app
        .call(
            "PUT",
            "/api/v1/units/79/treasury-account",
            Some(&s.officer),
            Some(r#"{"account_no":"9527.1.1012345","opened_on":"2025-07-15"}"#),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let flags = s.app.get("/api/v1/flags?unit=79", Some(&s.reviewer)).await;
    assert_eq!(flags.body["counts"]["unit_account_missing"], 0);
    let reply = s
        .app
        .get("/api/v1/flags?kind=late", Some(&s.reviewer))
        .await;
    assert_eq!(code(&reply), (400, Some("unknown_flag")));
}
both_backends!(flags_follow_the_data);

/// A second statement line paying an already-confirmed payment (same reference, same amount)
/// is a likely double payout: its own reason, a flag on the case, in the flag list and the
/// workbook — in the same statement or a later one.
async fn a_second_transfer_of_a_confirmed_payment_is_flagged(backend: Backend) {
    let s = setup(backend).await;
    approve_and_fund(&s).await;
    let (e1, r1) = s.e1.clone();
    let list = format!("Mã tham chiếu thanh toán,Số tiền,Ngày chi\n{r1},744778125,01/08/2025\n");
    let reply = s
        .app
        .upload(
            &s.officer,
            "/api/v1/payments/imports?unit=79",
            "c.csv",
            &list,
        )
        .await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    let spath = "/api/v1/statements/imports?unit=79";
    let first = format!(
        "Ngày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu\n01/08/2025,-744778125,0123456789,NGUYEN VAN AN,Chi tro cap {r1},FT001\n"
    );
    let reply = s.app.upload(&s.officer, spath, "s1.csv", &first).await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    assert_eq!(case_of(&s, e1).await.body["state"], "reconciled");
    // The bank sent it again a week later.
    let second = format!(
        "Ngày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu\n08/08/2025,-744778125,0123456789,NGUYEN VAN AN,Chi tro cap {r1},FT077\n"
    );
    let reply = s.app.upload(&s.officer, spath, "s2.csv", &second).await;
    assert_eq!(reply.body["outcome"], "imported", "{:?}", reply.body);
    let lines = unmatched_lines(&s).await;
    let again = lines
        .iter()
        .find(|l| l["bank_reference"] == "FT077")
        .unwrap();
    assert_eq!(
        again["unmatched_reason"], "possible_double_payout",
        "{again}"
    );
    let flags = s
        .app
        .get(
            "/api/v1/flags?kind=possible_double_payout",
            Some(&s.reviewer),
        )
        .await;
    assert_eq!(flags.status, 200, "{:?}", flags.body);
    let rows = flags.body["flags"].as_array().unwrap();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(rows[0]["case_id"], e1);
    let case = case_of(&s, e1).await;
    assert!(
        case.body["flags"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "possible_double_payout"),
        "{:?}",
        case.body["flags"]
    );
    let d = crate::reports::download(
        &s.app,
        "GET",
        "/api/v1/reports/reconciliation.xlsx?unit=79",
        &s.officer,
    )
    .await;
    let mut book = crate::reports::open(&d.bytes);
    let warn = crate::reports::sheet(&mut book, "Cảnh báo");
    assert!(
        warn.rows()
            .flatten()
            .any(|c| *c == "Có thể chi trùng hai lần"),
        "the workbook lists the flag"
    );
}
both_backends!(a_second_transfer_of_a_confirmed_payment_is_flagged);
