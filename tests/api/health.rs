use crate::both_backends;
use crate::helpers::{Backend, TestApp};

async fn healthz_and_readyz_answer(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reply = app.get("/healthz", None).await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body["status"], "ok");
    assert!(
        reply.headers.contains_key("x-request-id"),
        "request id header"
    );
    let reply = app.get("/readyz", None).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    assert_eq!(reply.body["migrations"], "current");
    assert_eq!(
        reply.body["database"],
        if backend == Backend::Sqlite {
            "sqlite"
        } else {
            "postgres"
        }
    );
}
both_backends!(healthz_and_readyz_answer);

async fn readyz_fails_when_database_goes_away_and_recovers(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    assert_eq!(app.get("/readyz", None).await.status, 200);
    let moved = format!("{}.away", app.test_db.url);
    match backend {
        Backend::Sqlite => std::fs::rename(&app.test_db.url, &moved).unwrap(),
        Backend::Postgres => app.test_db.pg_drop(),
    }
    let reply = app.get("/readyz", None).await;
    assert_eq!(reply.status, 503, "{:?}", reply.body);
    assert_eq!(reply.body["error"]["code"], "unavailable");
    assert_eq!(
        app.get("/healthz", None).await.status,
        200,
        "healthz keeps answering"
    );
    match backend {
        Backend::Sqlite => std::fs::rename(&moved, &app.test_db.url).unwrap(),
        Backend::Postgres => {
            app.test_db.pg_create();
            staffpay::startup::prepare_database(&app.test_db.settings()).unwrap();
        }
    }
    let mut status = 0;
    for _ in 0..20 {
        status = app.get("/readyz", None).await.status;
        if status == 200 {
            break;
        }
        actix_web::rt::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(status, 200, "readyz recovers");
}
both_backends!(readyz_fails_when_database_goes_away_and_recovers);

async fn unknown_paths_answer_in_the_envelope(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reply = app.get("/api/v1/no-such-thing", None).await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body["error"]["code"], "not_found");
    assert!(reply.body["error"]["message_vi"].is_string());
}
both_backends!(unknown_paths_answer_in_the_envelope);

/// `/readyz` says which policy tables are in force: the tests name the repository's folder,
/// whose fingerprint is the built-in set's (the same files).
async fn readyz_names_the_policy_tables_in_force(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let reply = app.get("/readyz", None).await;
    assert_eq!(reply.status, 200, "{:?}", reply.body);
    let tables = &reply.body["policy_tables"];
    assert_eq!(tables["source"], "folder");
    let embedded = staffpay::policy_files::load_embedded().unwrap();
    assert_eq!(tables["sha256"], embedded.fingerprint());
    assert_eq!(tables["tables"], embedded.versions().len());
}
both_backends!(readyz_names_the_policy_tables_in_force);
