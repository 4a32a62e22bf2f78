//! Item 6: payments' dates and amounts. A payment is not dated before the case's decision
//! (or 2025-01-01 without one), a reversal not before its payment; amounts are digits only in
//! the API, and page forms also take thousands grouped with dots or spaces.

use staffpay::domain::access::Role;

use super::{Fixture, PW, ROSTER};
use crate::both_backends;
use crate::helpers::{self, Backend, FORM, Reply, action_body, send_page};

fn code(reply: &Reply) -> (u16, Option<&str>) {
    (reply.status, reply.body["error"]["code"].as_str())
}

/// The fixture's case approved and funded.
async fn payable(backend: Backend, roster: &str) -> Fixture {
    let f = super::fixture_with(backend, roster).await;
    for (action, token, more) in [
        ("approve", &f.reviewer, ""),
        ("fund", &f.officer, r#","funding_source":"Dự toán 2025""#),
    ] {
        let reply = f
            .app
            .call(
                "POST",
                &format!("/api/v1/cases/{}/{action}", f.case),
                Some(token),
                Some(&action_body(&f.app, f.case, more)),
            )
            .await;
        assert_eq!(reply.status, 200, "{action}: {:?}", reply.body);
    }
    f
}

async fn pay(f: &Fixture, body: &str) -> Reply {
    let body = helpers::with_version(&f.app, f.case, body);
    f.app
        .call(
            "POST",
            &format!("/api/v1/cases/{}/payments", f.case),
            Some(&f.officer),
            Some(&body),
        )
        .await
}

async fn amounts_are_digits_only(backend: Backend) {
    let f = payable(backend, ROSTER).await;
    for amount in [
        r#""1e3""#,
        r#""+1000""#,
        r#"" 1000""#,
        r#""1000 ""#,
        r#""0001000""#,
        r#""""#,
        "null",
    ] {
        let reply = pay(
            &f,
            &format!(r#"{{"amount_vnd":{amount},"paid_on":"2025-08-01"}}"#),
        )
        .await;
        assert_eq!(
            code(&reply),
            (400, Some("amount_invalid")),
            "{amount}: {:?}",
            reply.body
        );
    }
    for (amount, expected) in [
        ("-1000", "amount_not_positive"),
        ("0", "amount_not_positive"),
        (r#""-1000""#, "amount_not_positive"),
        (r#""1.000""#, "amount_not_whole"),
        ("1000.5", "amount_not_whole"),
        // A JSON number is read from its exact text: whole in value is whole, nothing less.
        ("1000.0000000001", "amount_not_whole"),
    ] {
        let reply = pay(
            &f,
            &format!(r#"{{"amount_vnd":{amount},"paid_on":"2025-08-01"}}"#),
        )
        .await;
        assert_eq!(code(&reply), (400, Some(expected)), "{amount}");
    }
    let reply = pay(&f, r#"{"amount_vnd":"1000","paid_on":"2025-08-01"}"#).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    assert_eq!(reply.body["payment"]["amount_vnd"], 1000);
}
both_backends!(amounts_are_digits_only);

async fn payments_are_not_dated_before_the_decision(backend: Backend) {
    // Without a decision date: not before 2025-01-01.
    let f = payable(backend, ROSTER).await;
    for day in ["0001-01-01", "1900-01-01", "2024-12-31"] {
        let reply = pay(&f, &format!(r#"{{"amount_vnd":1000,"paid_on":"{day}"}}"#)).await;
        assert_eq!(code(&reply), (409, Some("date_before_decision")), "{day}");
    }
    let reply = pay(&f, r#"{"amount_vnd":1000,"paid_on":"2025-01-01"}"#).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
    let payment = reply.body["payment"]["id"].as_i64().unwrap();

    // A reversal is not dated before the payment it takes back.
    let reverse =
        |day: &str| format!(r#"{{"amount_vnd":1000,"paid_on":"{day}","reverses":{payment}}}"#);
    let early = pay(&f, &reverse("2024-12-31")).await;
    assert_eq!(
        code(&early),
        (409, Some("date_before_decision")),
        "{:?}",
        early.body
    );
    let paid = pay(&f, r#"{"amount_vnd":2000,"paid_on":"2025-03-10"}"#).await;
    let later = paid.body["payment"]["id"].as_i64().unwrap();
    let before = pay(
        &f,
        &format!(r#"{{"amount_vnd":2000,"paid_on":"2025-03-09","reverses":{later}}}"#),
    )
    .await;
    assert_eq!(
        code(&before),
        (409, Some("reversal_before_payment")),
        "{:?}",
        before.body
    );
    let same_day = pay(
        &f,
        &format!(r#"{{"amount_vnd":2000,"paid_on":"2025-03-10","reverses":{later}}}"#),
    )
    .await;
    assert_eq!(same_day.status, 201, "{:?}", same_day.body);

    // With a decision date (15/04/2025): not before it.
    let roster = ROSTER
        .replacen(
            ",Số tài khoản,",
            ",Ngày quyết định cho nghỉ,Số tài khoản,",
            1,
        )
        .replacen(
            "01/05/2025,0123456789",
            "01/05/2025,15/04/2025,0123456789",
            1,
        )
        .replacen("01/06/2025,,", "01/06/2025,,,", 1);
    let f = payable(backend, &roster).await;
    let reply = pay(&f, r#"{"amount_vnd":1000,"paid_on":"2025-04-14"}"#).await;
    assert_eq!(
        code(&reply),
        (409, Some("date_before_decision")),
        "{:?}",
        reply.body
    );
    assert!(
        reply.body["error"]["message_vi"]
            .as_str()
            .unwrap()
            .contains("15/04/2025")
    );
    let reply = pay(&f, r#"{"amount_vnd":1000,"paid_on":"2025-04-15"}"#).await;
    assert_eq!(reply.status, 201, "{:?}", reply.body);
}
both_backends!(payments_are_not_dated_before_the_decision);

/// The page form takes `1.000.000` and `1 000 000`, and refuses what the API refuses.
async fn page_forms_take_grouped_amounts(backend: Backend) {
    let f = payable(backend, ROSTER).await;
    f.app.user("mof2", Role::MofOfficer, &["VN"], PW);
    let (form_cookie, csrf) = helpers::login_form(&f.app).await;
    let body =
        serde_urlencoded::to_string([("username", "mof2"), ("password", PW), ("csrf", &csrf)])
            .unwrap();
    let signed_in = send_page(
        &f.app,
        "POST",
        "/dang-nhap",
        Some(&form_cookie),
        Some((FORM, body)),
    )
    .await;
    assert_eq!(signed_in.status, 303, "{}", signed_in.body);
    let session = signed_in.cookie.unwrap();
    let page = send_page(
        &f.app,
        "GET",
        &format!("/ho-so/{}", f.case),
        Some(&session),
        None,
    )
    .await;
    let csrf = helpers::csrf_of(&page.body);
    let pay_form = |amount: &str, day: &str| {
        serde_urlencoded::to_string([
            ("csrf", csrf.as_str()),
            ("version", &helpers::version_of(&f.app, f.case)),
            ("amount", amount),
            ("paid_on", day),
            ("method", "transfer"),
            // Past the confirmation step (its own test is in tests/api/pages.rs).
            ("confirm", "1"),
        ])
        .unwrap()
    };
    let mut paid = 0;
    for (amount, day) in [
        ("1.000.000", "2025-08-01"),
        ("1 000 000", "2025-08-02"),
        (" 250000 ", "2025-08-03"),
    ] {
        let reply = send_page(
            &f.app,
            "POST",
            &format!("/ho-so/{}/chi", f.case),
            Some(&session),
            Some((FORM, pay_form(amount, day))),
        )
        .await;
        assert_eq!(reply.status, 303, "{amount}: {}", reply.body);
    }
    for amount in ["1e3", "+1000", "1.00.000", "1,5", "0001000"] {
        let reply = send_page(
            &f.app,
            "POST",
            &format!("/ho-so/{}/chi", f.case),
            Some(&session),
            Some((FORM, pay_form(amount, "2025-08-04"))),
        )
        .await;
        assert_ne!(reply.status, 303, "{amount} refused");
    }
    let case = f
        .app
        .get(&format!("/api/v1/cases/{}", f.case), Some(&f.admin))
        .await;
    for p in case.body["payments"].as_array().unwrap() {
        paid += p["amount_vnd"].as_i64().unwrap();
    }
    assert_eq!(paid, 2_250_000);
}
both_backends!(page_forms_take_grouped_amounts);

/// A payment, like a review action, carries the version of the case its sender read.
async fn payments_carry_the_version_read(backend: Backend) {
    let f = payable(backend, ROSTER).await;
    let path = format!("/api/v1/cases/{}/payments", f.case);
    let read = helpers::version_of(&f.app, f.case);
    let without = f
        .app
        .call(
            "POST",
            &path,
            Some(&f.officer),
            Some(r#"{"amount_vnd":1000,"paid_on":"2025-08-01"}"#),
        )
        .await;
    assert_eq!(
        code(&without),
        (400, Some("invalid_json")),
        "{:?}",
        without.body
    );
    let body = |amount: u32| {
        format!(r#"{{"version":{read},"amount_vnd":{amount},"paid_on":"2025-08-01"}}"#)
    };
    let first = f
        .app
        .call("POST", &path, Some(&f.officer), Some(&body(1000)))
        .await;
    assert_eq!(first.status, 201, "{:?}", first.body);
    // Another payment sent from the same (now stale) reading of the case.
    let second = f
        .app
        .call("POST", &path, Some(&f.officer), Some(&body(2000)))
        .await;
    assert_eq!(
        code(&second),
        (409, Some("stale_version")),
        "{:?}",
        second.body
    );
}
both_backends!(payments_carry_the_version_read);

/// A payment list follows the single entry's date rule, row by row.
async fn payment_lists_are_not_dated_before_the_decision(backend: Backend) {
    let f = payable(backend, ROSTER).await;
    let case = f
        .app
        .get(&format!("/api/v1/cases/{}", f.case), Some(&f.admin))
        .await;
    let reference = case.body["payment_reference"].as_str().unwrap().to_string();
    let list = format!(
        "Mã tham chiếu thanh toán,Số tiền,Ngày chi\n{reference},1000,01/01/1900\n{reference},2000,31/12/2024\n"
    );
    let reply = f
        .app
        .upload(
            &f.officer,
            "/api/v1/payments/imports?unit=79",
            "chi.csv",
            &list,
        )
        .await;
    assert_eq!(reply.body["outcome"], "rejected", "{:?}", reply.body);
    let codes: Vec<&str> = reply.body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["DATE_BEFORE_DECISION", "DATE_BEFORE_DECISION"],
        "{:?}",
        reply.body
    );
    let after = f
        .app
        .get(&format!("/api/v1/cases/{}", f.case), Some(&f.admin))
        .await;
    assert_eq!(after.body["paid_vnd"], 0);
}
both_backends!(payment_lists_are_not_dated_before_the_decision);
