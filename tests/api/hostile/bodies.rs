//! Item 2: a review action carries the version the caller read, and a body the endpoint
//! cannot read is refused — never taken for an empty one.

use super::fixture;
use crate::both_backends;
use crate::helpers::{Backend, Reply, action_body};

fn code(reply: &Reply) -> (u16, Option<&str>) {
    (reply.status, reply.body["error"]["code"].as_str())
}

async fn review_actions_need_a_version_and_a_readable_body(backend: Backend) {
    let f = fixture(backend).await;
    let (app, case) = (&f.app, f.case);
    let approve = format!("/api/v1/cases/{case}/approve");
    let cases: [(&str, &str, &str, (u16, &str)); 6] = [
        (
            "a JSON body sent as text/plain",
            r#"{"version":999}"#,
            "text/plain",
            (415, "unsupported_content_type"),
        ),
        (
            "no version",
            "{}",
            "application/json",
            (400, "invalid_json"),
        ),
        (
            "a truncated body",
            r#"{"version":1"#,
            "application/json",
            (400, "invalid_json"),
        ),
        (
            "not JSON at all",
            "version=1",
            "application/json",
            (400, "invalid_json"),
        ),
        (
            "an empty body",
            "",
            "application/json",
            (400, "invalid_json"),
        ),
        (
            "a form",
            "version=1",
            "application/x-www-form-urlencoded",
            (415, "unsupported_content_type"),
        ),
    ];
    for (what, body, content_type, expected) in cases {
        let reply = app
            .call_as(
                "POST",
                &approve,
                Some(&f.reviewer),
                Some(body),
                content_type,
            )
            .await;
        assert_eq!(
            code(&reply),
            (expected.0, Some(expected.1)),
            "{what}: {:?}",
            reply.body
        );
        assert!(
            reply.body["error"]["message_vi"].is_string(),
            "{what}: the envelope in both languages"
        );
        assert_eq!(f.state(case).await, "submitted", "{what} changed nothing");
    }
    let reply = app
        .call("POST", &approve, Some(&f.reviewer), Some("{}"))
        .await;
    assert!(
        reply.body["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("version"),
        "the refusal names the missing field: {:?}",
        reply.body
    );

    // Funding without a version is refused the same way (once the case is approved).
    let reply = app
        .call(
            "POST",
            &approve,
            Some(&f.reviewer),
            Some(&action_body(app, case, "")),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{case}/fund"),
            Some(&f.officer),
            Some(r#"{"funding_source":"Dự toán 2025"}"#),
        )
        .await;
    assert_eq!(
        code(&reply),
        (400, Some("invalid_json")),
        "{:?}",
        reply.body
    );
    assert_eq!(f.state(case).await, "approved");

    // A body over the limit is refused as too large, not read as an empty one.
    let huge = format!(r#"{{"version":1,"reason":"{}"}}"#, "x".repeat(1024 * 1024));
    let reply = app
        .call(
            "POST",
            &format!("/api/v1/cases/{case}/return"),
            Some(&f.reviewer),
            Some(&huge),
        )
        .await;
    assert_eq!(
        code(&reply),
        (413, Some("payload_too_large")),
        "{:?}",
        reply.body
    );
}
both_backends!(review_actions_need_a_version_and_a_readable_body);

/// Every endpoint of the route table that takes a JSON body refuses a wrong content type
/// (415), malformed JSON (400) and an oversized body (413), in the envelope.
async fn every_json_endpoint_refuses_unreadable_bodies(backend: Backend) {
    let f = fixture(backend).await;
    let oversized = format!(r#"{{"reason":"{}"}}"#, "x".repeat(1024 * 1024));
    let mut checked = 0;
    let mut failures = Vec::new();
    for spec in staffpay::http::routes::table() {
        if spec.probe.content_type != "application/json" || spec.probe.body.is_none() {
            continue;
        }
        let path = spec
            .path
            .replace("{id}", &f.case.to_string())
            .replace("{code}", "79")
            .replace("{successor}", "79")
            .replace("{message}", "1");
        let method = spec.method.as_str();
        let valid = spec.probe.body.unwrap();
        for (what, body, content_type, expected) in [
            (
                "text/plain",
                valid,
                "text/plain",
                (415, "unsupported_content_type"),
            ),
            (
                "malformed",
                "{\"",
                "application/json",
                (400, "invalid_json"),
            ),
            (
                "oversized",
                oversized.as_str(),
                "application/json",
                (413, "payload_too_large"),
            ),
        ] {
            let reply = f
                .app
                .call_as(method, &path, Some(&f.admin), Some(body), content_type)
                .await;
            if code(&reply) != (expected.0, Some(expected.1)) {
                failures.push(format!(
                    "{spec:?} {what}: {} {:?}",
                    reply.status, reply.body
                ));
            }
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} JSON endpoints found");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
both_backends!(every_json_endpoint_refuses_unreadable_bodies);
