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
