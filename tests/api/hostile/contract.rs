//! Item 13: the API holds to its published contract. What the schema admits is not refused as
//! unreadable (JSON Schema's integers include `3.0`; money is read from its exact text); what
//! it rules out is refused with 400 or 422, never taken in; what only the stored data or the
//! clock can refuse is a 409; and no value a client may send reaches a server error.

use super::fixture;
use crate::both_backends;
use crate::helpers::{Backend, Reply};

fn code(reply: &Reply) -> (u16, Option<&str>) {
    (reply.status, reply.body["error"]["code"].as_str())
}

const E1: &str = r#"{"id":"E1","scheme":"early_retirement","category":"cadre_civil_servant","sex":"male","date_of_birth":"1966-01-15","salary":{"grade_coefficient":"4.65","leadership_coefficient":"0.6","allowances_pct":{"public_service":"25"}},"insured_months":264,"reorganization_effective_date":"2025-03-01","leave_date":"2025-05-01"}"#;

async fn integers_written_with_a_point_are_the_same_integers(backend: Backend) {
    let f = fixture(backend).await;
    let case = f
        .app
        .get(&format!("/api/v1/cases/{}", f.case), Some(&f.admin))
        .await;
    let version = case.body["version"].as_i64().unwrap();
    let reply = f
        .app
        .call(
            "POST",
            &format!("/api/v1/cases/{}/approve", f.case),
            Some(&f.reviewer),
            Some(&format!(r#"{{"version": {version}.0}}"#)),
        )
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    // Not whole, or past the field's range: unreadable.
    for version in ["1.5", "2147483648", "1e400"] {
        let reply = f
            .app
            .call(
                "POST",
                &format!("/api/v1/cases/{}/fund", f.case),
                Some(&f.officer),
                Some(&format!(r#"{{"version": {version}}}"#)),
            )
            .await;
        assert_eq!(code(&reply), (400, Some("invalid_json")), "{version}");
    }
}
both_backends!(integers_written_with_a_point_are_the_same_integers);

async fn calc_reads_money_and_months_exactly_and_objects_only(backend: Backend) {
    let f = fixture(backend).await;
    let calc = |body: String| {
        let app = &f.app;
        let token = f.admin.clone();
        async move {
            app.call(
                "POST",
                "/api/v1/entitlements/calc",
                Some(&token),
                Some(&body),
            )
            .await
        }
    };
    // `264.0` months and a salary of `9307500.0` are whole numbers.
    let stated = E1
        .replace(r#""insured_months":264"#, r#""insured_months":264.0"#)
        .replace(
            r#""salary":{"grade_coefficient":"4.65","leadership_coefficient":"0.6","allowances_pct":{"public_service":"25"}}"#,
            r#""salary":{"monthly_salary_vnd":9307500.0}"#,
        );
    let reply = calc(stated).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["ok"], true, "{:?}", reply.body);
    // An amount within the schema's 15 digits but past the input's own range is refused by
    // the range check, as a result line (the contract's way of refusing a computation).
    let huge = E1.replace(
        r#""salary":{"grade_coefficient":"4.65","leadership_coefficient":"0.6","allowances_pct":{"public_service":"25"}}"#,
        r#""salary":{"monthly_salary_vnd":999999999999999}"#,
    );
    let reply = calc(huge).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["ok"], false);
    assert_eq!(reply.body["error"]["code"], "invalid_input");
    // A nested object given as an array of its fields is not an object.
    for bad in [
        E1.replace(
            r#""allowances_pct":{"public_service":"25"}"#,
            r#""allowances_pct":[null,null]"#,
        ),
        E1.replace(r#""insured_months":264"#, r#""insured_months":264.5"#),
        // Past the schema's 15 digits: 252,041,657,625,190,727,680 (more than 64 bits).
        E1.replace(
            r#""salary":{"grade_coefficient":"4.65","leadership_coefficient":"0.6","allowances_pct":{"public_service":"25"}}"#,
            r#""salary":{"monthly_salary_vnd":252041657625190727680}"#,
        ),
        E1.replace(
            r#""salary":{"grade_coefficient":"4.65","leadership_coefficient":"0.6","allowances_pct":{"public_service":"25"}}"#,
            r#""salary":{"monthly_salary_vnd":9307500.5}"#,
        ),
    ] {
        let reply = calc(format!("[{bad}]")).await;
        assert_eq!(code(&reply), (400, Some("invalid_json")), "{bad}");
        // The refusal says where the bad value is (an untagged enum lost the position).
        let message = reply.body["error"]["message_en"].as_str().unwrap();
        assert!(message.contains("line 1, column"), "{message}");
        assert!(!message.contains("line 0"), "{message}");
    }
}
both_backends!(calc_reads_money_and_months_exactly_and_objects_only);

async fn paging_and_limits_past_their_bounds_are_refused_not_a_server_error(backend: Backend) {
    let f = fixture(backend).await;
    for path in [
        "/api/v1/cases?page=9223372036854775807",
        "/api/v1/units?page=9223372036854775807",
        "/api/v1/audit?limit=5001",
        "/api/v1/flags?limit=100001",
    ] {
        let reply = f.app.get(path, Some(&f.admin)).await;
        assert_eq!(reply.status, 422, "{path}: {:?}", reply.body);
    }
    let reply = f
        .app
        .get("/api/v1/cases?page=1000000", Some(&f.admin))
        .await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["items"].as_array().map(Vec::len), Some(0));
}
both_backends!(paging_and_limits_past_their_bounds_are_refused_not_a_server_error);

async fn uploads_take_only_the_file_field(backend: Backend) {
    let f = fixture(backend).await;
    let body = "--B\r\nContent-Disposition: form-data; name=\"dry_run\"\r\n\r\ntrue\r\n--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r.csv\"\r\nContent-Type: text/csv\r\n\r\na,b\r\n--B--\r\n";
    for path in [
        "/api/v1/imports?unit=79",
        "/api/v1/payments/imports?unit=79",
        "/api/v1/statements/imports?unit=79",
    ] {
        let reply = f
            .app
            .call_as(
                "POST",
                path,
                Some(&f.admin),
                Some(body),
                "multipart/form-data; boundary=B",
            )
            .await;
        assert_eq!(code(&reply), (400, Some("unknown_form_field")), "{path}");
    }
}
both_backends!(uploads_take_only_the_file_field);

async fn the_document_states_what_the_handlers_enforce(backend: Backend) {
    let f = fixture(backend).await;
    let doc = f.app.get("/api/v1/openapi.json", None).await.body;
    let schemas = &doc["components"]["schemas"];
    // Exactly one of `ids` and `filter`; an opening date only with an account number.
    assert_eq!(
        schemas["BulkRequest"]["oneOf"].as_array().map(Vec::len),
        Some(2)
    );
    assert_eq!(
        schemas["TreasuryAccountRequest"]["oneOf"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    // The calculation answers one result or an array of them.
    let calc = &doc["paths"]["/api/v1/entitlements/calc"]["post"]["responses"]["200"];
    let schema = &calc["content"]["application/json"]["schema"];
    assert!(
        schema["$ref"].is_string() || schema["oneOf"].is_array(),
        "{calc}"
    );
    // Every upload requires its file; every operation of the API documents 409.
    let upload = &doc["paths"]["/api/v1/imports"]["post"]["requestBody"]["content"]["multipart/form-data"]
        ["schema"];
    assert!(upload.is_object(), "{upload}");
    for (path, item) in doc["paths"].as_object().unwrap() {
        if !path.starts_with("/api/v1/") || path == "/api/v1/openapi.json" {
            continue;
        }
        for (method, op) in item.as_object().unwrap() {
            assert!(op["responses"]["409"].is_object(), "{method} {path}");
        }
    }
}
both_backends!(the_document_states_what_the_handlers_enforce);
