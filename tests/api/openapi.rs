//! The OpenAPI document lists exactly the API routes of the route table.

use std::collections::BTreeSet;

use crate::both_backends;
use crate::helpers::{Backend, TestApp};

async fn openapi_matches_the_route_table(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reply = app.get("/api/v1/openapi.json", None).await;
    assert_eq!(reply.status, 200);
    let mut documented = BTreeSet::new();
    for (path, item) in reply.body["paths"].as_object().unwrap() {
        for method in item.as_object().unwrap().keys() {
            documented.insert(format!("{} {path}", method.to_uppercase()));
        }
    }
    // Web pages are HTML for people, not part of the API document.
    let routed: BTreeSet<String> = staffpay::http::routes::table()
        .iter()
        .filter(|s| s.path.starts_with("/api/") || s.path == "/healthz" || s.path == "/readyz")
        .map(|s| format!("{} {}", s.method, s.path))
        .collect();
    assert_eq!(documented, routed, "OpenAPI paths = route table");
    assert!(reply.body["components"]["schemas"]["ErrorEnvelope"].is_object());
}
both_backends!(openapi_matches_the_route_table);

/// The document is one a client can trust (issue 15, item 13, in part): operation ids are
/// unique, and every operation documents the shared answers (400, 404, 422, 429, 500; 401 and
/// 403 where a caller is needed; 413 and 415 where it takes a body), each in the error envelope.
#[test]
fn operation_ids_are_unique_and_shared_answers_documented() {
    use utoipa::OpenApi as _;
    let doc = serde_json::to_value(staffpay::http::openapi::ApiDoc::openapi()).unwrap();
    let mut ids = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, op) in item.as_object().unwrap() {
            let id = op["operationId"].as_str().unwrap().to_owned();
            assert!(
                ids.insert(id.clone()),
                "operation id {id} repeats ({method} {path})"
            );
            let responses = op["responses"].as_object().unwrap();
            for code in ["400", "404", "422", "429", "500"] {
                assert!(responses.contains_key(code), "{method} {path}: {code}");
            }
            let public = path == "/api/v1/auth/login" || path == "/api/v1/openapi.json";
            if path.starts_with("/api/v1/") && !public {
                for code in ["401", "403"] {
                    assert!(responses.contains_key(code), "{method} {path}: {code}");
                }
            }
            if op.get("requestBody").is_some() {
                for code in ["413", "415"] {
                    assert!(responses.contains_key(code), "{method} {path}: {code}");
                }
            }
        }
    }
}
