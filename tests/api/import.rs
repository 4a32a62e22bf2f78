//! Roster import into the database: all or nothing, idempotent, corrections, locks, units.

use diesel::prelude::*;
use staffpay::db::schema::{cases, people};
use staffpay::services::Actor;
use staffpay::services::imports::{ImportRequest, Outcome, import_roster};

use crate::both_backends;
use crate::helpers::{Backend, TestDb};

const HEADER: &str = "STT,Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Mã đơn vị,Đơn vị công tác,Đối tượng,Hình thức nghỉ,Hệ số lương,Hệ số phụ cấp chức vụ,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ,Mã tỉnh,Số tài khoản,Ngân hàng";

const E1: &str = "1,Nguyễn Văn An,079066001234,15/01/1966,Nam,79-SNV,Sở Nội vụ,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025,79,0071000123456,Vietcombank";
const E2: &str = "2,Trần Thị Bình,079185004321,01/06/1985,Nữ,79-SNV,Sở Nội vụ,\"Cán bộ, công chức\",Thôi việc,3.66,0,25,180,01/03/2025,01/06/2025,79,0071000654321,BIDV";
const P3: &str = "3,Lê Văn Cường,079070123456,10/03/1970,Nam,79-XNEW,Xã Mới,Viên chức,Thôi việc,3.0,0,25,100,01/07/2025,01/09/2025,79,,";

fn csv(rows: &[&str]) -> Vec<u8> {
    let mut text = String::from("DANH SÁCH NGHỈ VIỆC THEO NGHỊ ĐỊNH 178\n\n");
    text.push_str(HEADER);
    text.push('\n');
    for r in rows {
        text.push_str(r);
        text.push('\n');
    }
    text.push_str(",Tổng cộng,,,,,,,,,,,,,,,,\n");
    text.into_bytes()
}

fn request(unit: &str) -> ImportRequest {
    ImportRequest {
        file_name: "roster.csv".into(),
        sheet: None,
        unit_code: unit.into(),
        dry_run: false,
        accept_valid: false,
        options: Default::default(),
    }
}

struct Env {
    _db: TestDb,
    pool: staffpay::db::Db,
    policy: staffpay::domain::policy::PolicySet,
}

fn env(backend: Backend) -> Env {
    let db = TestDb::new(backend);
    let settings = db.settings();
    let pool = staffpay::startup::prepare_database(&settings).unwrap();
    let mut conn = pool.get().unwrap();
    staffpay::demo::load(&mut conn).unwrap();
    let policy = staffpay::startup::load_policy(&settings).unwrap();
    Env {
        _db: db,
        pool,
        policy,
    }
}

fn entitled(conn: &mut staffpay::db::DbConnection, national_id: &str) -> (i64, String) {
    cases::table
        .inner_join(people::table)
        .filter(people::national_id.eq(national_id))
        .select((cases::entitled_vnd, cases::state))
        .first(conn)
        .unwrap()
}

async fn import_creates_cases_and_is_idempotent(backend: Backend) {
    let env = env(backend);
    let mut conn = env.pool.get().unwrap();
    let file = csv(&[E1, E2, P3]);
    let report =
        import_roster(&mut conn, &env.policy, &Actor::cli(), &request("79"), &file).unwrap();
    assert_eq!(report.outcome, Outcome::Imported, "{:?}", report.errors);
    assert_eq!(report.rows.created, 3);
    assert_eq!(report.exit_code(), 0);
    assert!(
        report.warnings.iter().any(|w| w.code == "UNIT_CREATED"),
        "{:?}",
        report.warnings
    );
    assert_eq!(
        entitled(&mut conn, "079066001234"),
        (744_778_125, "submitted".into())
    );
    assert_eq!(entitled(&mut conn, "079185004321").0, 786_854_250);
    let refs: Vec<String> = cases::table
        .select(cases::payment_reference)
        .load(&mut conn)
        .unwrap();
    assert!(
        refs.iter()
            .all(|r| staffpay::domain::payment_reference::PaymentReference::parse(r).is_ok())
    );

    let again =
        import_roster(&mut conn, &env.policy, &Actor::cli(), &request("79"), &file).unwrap();
    assert_eq!(again.outcome, Outcome::Unchanged);
    assert_eq!(again.exit_code(), 0);
    assert_eq!(staffpay::db::cases::count(&mut conn).unwrap(), 3);

    // A corrected file: one salary changed, the rest the same.
    let corrected_e2 = E2.replace(",3.66,", ",3.99,");
    let report = import_roster(
        &mut conn,
        &env.policy,
        &Actor::cli(),
        &request("79"),
        &csv(&[E1, &corrected_e2, P3]),
    )
    .unwrap();
    assert_eq!(report.outcome, Outcome::Imported);
    assert_eq!(
        (
            report.rows.updated,
            report.rows.unchanged,
            report.rows.created
        ),
        (1, 2, 0)
    );
    assert!(entitled(&mut conn, "079185004321").0 > 786_854_250);

    // Approved cases are locked against imports.
    diesel::update(cases::table)
        .set(cases::state.eq("approved"))
        .execute(&mut conn)
        .unwrap();
    let e1_changed = E1.replace(",264,", ",270,");
    let report = import_roster(
        &mut conn,
        &env.policy,
        &Actor::cli(),
        &request("79"),
        &csv(&[&e1_changed, &corrected_e2, P3]),
    )
    .unwrap();
    assert_eq!(report.rows.locked, 1, "{report:?}");
    assert!(report.warnings.iter().any(|w| w.code == "ROW_LOCKED"));
    assert_eq!(
        entitled(&mut conn, "079066001234").0,
        744_778_125,
        "a locked case is not changed"
    );
}
both_backends!(import_creates_cases_and_is_idempotent);

async fn any_error_writes_nothing_unless_accept_valid(backend: Backend) {
    let env = env(backend);
    let mut conn = env.pool.get().unwrap();
    let bad = "4,Phạm Văn Dũng,079066009999,15/01/1966,Nữ,79-SNV,Sở Nội vụ,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,4.65,0.6,25,264,01/03/2025,01/05/2025,79,,";
    let file = csv(&[E1, bad]);
    let report =
        import_roster(&mut conn, &env.policy, &Actor::cli(), &request("79"), &file).unwrap();
    assert_eq!(report.outcome, Outcome::Rejected);
    assert_eq!(report.exit_code(), 2);
    assert!(
        report.errors.iter().all(|e| e.row == Some(5)),
        "{:?}",
        report.errors
    );
    assert!(!report.errors.is_empty());
    assert_eq!(
        staffpay::db::cases::count(&mut conn).unwrap(),
        0,
        "nothing written"
    );

    let mut dry = request("79");
    dry.dry_run = true;
    let report = import_roster(&mut conn, &env.policy, &Actor::cli(), &dry, &file).unwrap();
    assert_eq!((report.outcome, report.exit_code()), (Outcome::DryRun, 2));

    let mut partial = request("79");
    partial.accept_valid = true;
    let report = import_roster(&mut conn, &env.policy, &Actor::cli(), &partial, &file).unwrap();
    assert_eq!(report.outcome, Outcome::Partial);
    assert_eq!(report.exit_code(), 3);
    assert_eq!(report.rows.created, 1);
    assert_eq!(staffpay::db::cases::count(&mut conn).unwrap(), 1);

    let report = import_roster(&mut conn, &env.policy, &Actor::cli(), &request("79"), b"").unwrap();
    assert_eq!((report.outcome, report.exit_code()), (Outcome::Failed, 1));
}
both_backends!(any_error_writes_nothing_unless_accept_valid);

async fn rows_must_belong_to_the_submitting_unit(backend: Backend) {
    let env = env(backend);
    let mut conn = env.pool.get().unwrap();
    // 01-SNV is Hanoi's; the file is submitted by HCMC.
    let outside = E1.replace("79-SNV", "01-SNV");
    let report = import_roster(
        &mut conn,
        &env.policy,
        &Actor::cli(),
        &request("79"),
        &csv(&[&outside]),
    )
    .unwrap();
    assert_eq!(report.outcome, Outcome::Rejected);
    assert_eq!(report.errors[0].code, "UNIT_OUTSIDE_SCOPE");

    // A person imported by HCMC cannot be imported again by Hanoi.
    import_roster(
        &mut conn,
        &env.policy,
        &Actor::cli(),
        &request("79"),
        &csv(&[E1]),
    )
    .unwrap();
    let by_hanoi = E1.replace("79-SNV", "01-SNV").replace(",79,", ",01,");
    let report = import_roster(
        &mut conn,
        &env.policy,
        &Actor::cli(),
        &request("01"),
        &csv(&[&by_hanoi]),
    )
    .unwrap();
    assert_eq!(report.outcome, Outcome::Rejected, "{report:?}");
    assert!(
        report.errors.iter().any(|e| e.code == "PERSON_OTHER_UNIT"),
        "{:?}",
        report.errors
    );

    let err = import_roster(
        &mut conn,
        &env.policy,
        &Actor::cli(),
        &request("NOPE"),
        &csv(&[E1]),
    )
    .unwrap_err();
    assert!(err.to_string().contains("NOPE"));
}
both_backends!(rows_must_belong_to_the_submitting_unit);

#[test]
fn import_command_prints_json_and_sets_exit_status() {
    let db = TestDb::new(Backend::Sqlite);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("roster.csv");
    std::fs::write(&path, csv(&[E1, E2])).unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .args(["import", path.to_str().unwrap(), "--unit", "79", "--json"])
        .env("DATABASE_URL", &db.url)
        .env("STAFFPAY_TOKEN", db.cli_token())
        .env(
            "STAFFPAY_POLICY_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables"),
        )
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["outcome"], "imported");
    assert_eq!(report["rows"]["created"], 2);
    assert_eq!(report["sha256"].as_str().unwrap().len(), 64);
    assert!(report["import_id"].is_i64());
}

fn multipart(file_name: &str, content: &[u8]) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(
        b"--XBOUNDARYX\r\nContent-Disposition: form-data; name=\"file\"; filename=\"",
    );
    body.extend_from_slice(file_name.as_bytes());
    body.extend_from_slice(b"\"\r\nContent-Type: application/octet-stream\r\n\r\n");
    body.extend_from_slice(content);
    body.extend_from_slice(b"\r\n--XBOUNDARYX--\r\n");
    body
}

async fn upload(
    app: &crate::helpers::TestApp,
    token: &str,
    query: &str,
    body: Vec<u8>,
) -> (u16, serde_json::Value) {
    let mut resp = app
        .client
        .post(format!("{}/api/v1/imports{query}", app.base))
        .insert_header(("authorization", format!("Bearer {token}")))
        .insert_header(("content-type", "multipart/form-data; boundary=XBOUNDARYX"))
        .send_body(body)
        .await
        .unwrap();
    let status = resp.status().as_u16();
    let bytes = resp
        .body()
        .limit(16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    (
        status,
        serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
    )
}

async fn upload_over_http(backend: Backend) {
    use staffpay::domain::access::Role;
    let app = crate::helpers::TestApp::spawn(backend).await;
    let officer = app.user("hcm", Role::UnitOfficer, &["79"], "a long enough password");
    let (token, _) = app.token(officer, chrono::TimeDelta::hours(1));
    {
        let mut conn = app.db.get().unwrap();
        staffpay::demo::load(&mut conn).unwrap();
    }
    let (status, report) = upload(
        &app,
        &token,
        "",
        multipart("../../etc/danh-sach.csv", &csv(&[E1, E2])),
    )
    .await;
    assert_eq!(status, 200, "{report:?}");
    assert_eq!(report["outcome"], "imported");
    assert_eq!(report["file"], "danh-sach.csv", "path parts are dropped");
    let id = report["import_id"].as_i64().unwrap();
    let view = app
        .get(&format!("/api/v1/imports/{id}"), Some(&token))
        .await;
    assert_eq!(view.status, 200);
    assert_eq!(view.body["import"]["rows_created"], 2);
    assert_eq!(view.body["unit_code"], "79");

    // A rejected file: the report says why, row and column.
    let bad = E1
        .replace("15/01/1966", "31/02/1966")
        .replace("079066001234", "079066001299");
    let (status, report) = upload(&app, &token, "", multipart("bad.csv", &csv(&[&bad]))).await;
    assert_eq!(status, 200);
    assert_eq!(report["outcome"], "rejected");
    assert_eq!(report["errors"][0]["row"], 4);
    assert!(report["errors"][0]["column"].is_string(), "{report:?}");

    // Another unit: not found, whatever exists there.
    let (status, _) = upload(&app, &token, "?unit=01", multipart("x.csv", &csv(&[E1]))).await;
    assert_eq!(status, 404);
    // No file field.
    let (status, body) = upload(&app, &token, "", b"--XBOUNDARYX--\r\n".to_vec()).await;
    assert_eq!(status, 400, "{body:?}");
    // Over the size limit (32 MB): refused, nothing recorded, the server keeps answering.
    let (status, _) = upload(
        &app,
        &token,
        "",
        multipart("huge.csv", &vec![b'a'; 40 * 1024 * 1024]),
    )
    .await;
    assert_eq!(status, 413);
    assert_eq!(app.get("/healthz", None).await.status, 200);
}
both_backends!(upload_over_http);

async fn error_workbook_is_kept_and_downloadable(backend: Backend) {
    use staffpay::domain::access::Role;
    let app = crate::helpers::TestApp::spawn(backend).await;
    let officer = app.user("hcm2", Role::UnitOfficer, &["79"], "a long enough password");
    let (token, _) = app.token(officer, chrono::TimeDelta::hours(1));
    let bad = E2.replace("079185004321", "07918500432");
    let (status, report) = upload(&app, &token, "", multipart("ds.csv", &csv(&[E1, &bad]))).await;
    assert_eq!(
        (status, report["outcome"].as_str()),
        (200, Some("rejected")),
        "{report:?}"
    );
    let id = report["import_id"].as_i64().unwrap();
    let mut resp = app
        .client
        .get(format!("{}/api/v1/imports/{id}/errors.xlsx", app.base))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 200);
    let bytes = resp.body().limit(16 * 1024 * 1024).await.unwrap();
    // Read it back: the row with the short id carries its message in "Lỗi / Errors".
    use calamine::Reader;
    let mut wb =
        calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut found = false;
    for name in wb.sheet_names() {
        let range = wb.worksheet_range(&name).unwrap();
        for row in range.rows() {
            let text: Vec<String> = row.iter().map(|c| c.to_string()).collect();
            if text.iter().any(|t| t.contains("07918500432")) {
                found = text.last().is_some_and(|last| !last.is_empty());
            }
        }
    }
    assert!(found, "the bad row is marked");

    // The CLI writes the same workbook with --errors-out.
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("ds.csv");
    let out = dir.path().join("loi.xlsx");
    std::fs::write(&input, csv(&[&bad])).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_staffpay"))
        .args([
            "import",
            input.to_str().unwrap(),
            "--unit",
            "79",
            "--errors-out",
            out.to_str().unwrap(),
        ])
        .env("DATABASE_URL", &app.test_db.url)
        .env("STAFFPAY_TOKEN", app.test_db.cli_token())
        .env(
            "STAFFPAY_POLICY_DIR",
            concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables"),
        )
        .output()
        .unwrap();
    assert_eq!(status.status.code(), Some(2));
    assert!(out.exists());
}
both_backends!(error_workbook_is_kept_and_downloadable);

#[test]
fn template_and_demo_data_commands_write_files_that_import() {
    let dir = tempfile::tempdir().unwrap();
    let template = dir.path().join("mau.xlsx");
    let demo = dir.path().join("demo.xlsx");
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_staffpay"))
            .args(args)
            .output()
            .unwrap()
    };
    assert!(
        run(&["template", "roster", "--out", template.to_str().unwrap()])
            .status
            .success()
    );
    // The payment list's and the statement's templates read back as what they are.
    for (kind, file) in [("payment-list", "chi.xlsx"), ("statement", "sao-ke.xlsx")] {
        let path = dir.path().join(file);
        assert!(
            run(&["template", kind, "--out", path.to_str().unwrap()])
                .status
                .success(),
            "{kind}"
        );
        let bytes = std::fs::read(&path).unwrap();
        assert!(bytes.starts_with(b"PK"), "{kind}: not an xlsx");
    }
    assert!(
        run(&[
            "demo-data",
            "--people",
            "200",
            "--seed",
            "7",
            "--out",
            demo.to_str().unwrap()
        ])
        .status
        .success()
    );
    let first = std::fs::read(&demo).unwrap();
    assert!(
        run(&[
            "demo-data",
            "--people",
            "200",
            "--seed",
            "7",
            "--out",
            demo.to_str().unwrap()
        ])
        .status
        .success()
    );
    assert_eq!(first, std::fs::read(&demo).unwrap(), "same seed, same file");

    let db = TestDb::new(Backend::Sqlite);
    let token = db.cli_token();
    let import = |file: &std::path::Path| {
        std::process::Command::new(env!("CARGO_BIN_EXE_staffpay"))
            .args(["import", file.to_str().unwrap(), "--json"])
            .env("DATABASE_URL", &db.url)
            .env("STAFFPAY_TOKEN", &token)
            .env(
                "STAFFPAY_POLICY_DIR",
                concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables"),
            )
            .output()
            .unwrap()
    };
    let out = import(&template);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    let out = import(&demo);
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{report}");
    assert_eq!(report["rows"]["created"], 200, "{report}");
}

/// Records what an import reports of its progress.
#[derive(Default)]
struct Recorder(std::sync::Mutex<Vec<(&'static str, u64, u64)>>);

impl staffpay::services::imports::ImportProgress for Recorder {
    fn update(&self, phase: &'static str, done: u64, total: u64) {
        self.0.lock().unwrap().push((phase, done, total));
    }
}

async fn import_reports_its_progress_by_phase(backend: Backend) {
    let env = env(backend);
    let mut conn = env.pool.get().unwrap();
    let (bytes, _) =
        staffpay::demo::roster::demo_roster_bytes(&staffpay::demo::roster::DemoRosterOptions {
            people: 5000,
            seed: 7,
            unit_codes: vec!["79".into()],
            invalid_per_mille: 0,
        })
        .unwrap();
    let mut request = request("VN");
    request.file_name = "r.xlsx".into();
    let recorder = Recorder::default();
    let report = staffpay::services::imports::import_roster_with_progress(
        &mut conn,
        &env.policy,
        &Actor::cli(),
        &request,
        &bytes,
        &recorder,
    )
    .unwrap();
    assert_eq!(report.rows.created, 5000, "{:?}", report.errors.first());
    let seen = recorder.0.into_inner().unwrap();
    let phases: Vec<&str> = seen.iter().map(|s| s.0).collect::<Vec<_>>();
    let first = |p: &str| phases.iter().position(|x| *x == p).unwrap();
    assert!(first("read") < first("compute") && first("compute") < first("write"));
    let computed: Vec<u64> = seen
        .iter()
        .filter(|s| s.0 == "compute")
        .map(|s| s.1)
        .collect();
    assert!(computed.len() >= 2, "several compute updates: {computed:?}");
    assert_eq!(computed.iter().max(), Some(&5000), "every row counted once");
    assert_eq!(seen.last(), Some(&("write", 5000, 5000)));
}
both_backends!(import_reports_its_progress_by_phase);

/// A row every check passes but the engine refuses, after more valid rows than one batch of
/// the write's pipeline: without `accept_valid` the batches already written are rolled back
/// and the import is recorded as rejected with the refusal listed; with it, the valid rows
/// are kept and the import is recorded as partial.
async fn a_row_the_engine_refuses_after_written_batches_rolls_the_import_back(backend: Backend) {
    use staffpay::db::schema::imports;
    let env = env(backend);
    let mut conn = env.pool.get().unwrap();
    let valid = 9_000;
    let mut rows: Vec<String> = (0..valid)
        .map(|i| E1.replacen("079066001234", &format!("079066{:06}", 100_000 + i), 1))
        .collect();
    // Early retirement asked for 23 years before the retirement age.
    rows.push(format!(
        "{},Phạm Văn Dũng,079085007777,01/01/1985,Nam,79-SNV,Sở Nội vụ,\"Cán bộ, công chức\",Nghỉ hưu trước tuổi,3.0,0,25,200,01/03/2025,01/05/2025,79,,",
        valid + 1
    ));
    let refs: Vec<&str> = rows.iter().map(String::as_str).collect();
    let file = csv(&refs);

    let report =
        import_roster(&mut conn, &env.policy, &Actor::cli(), &request("VN"), &file).unwrap();
    assert_eq!(report.outcome, Outcome::Rejected, "{:?}", report.errors);
    assert_eq!(report.rows.valid, 9_000);
    assert_eq!(report.rows.invalid, 1);
    assert_eq!(report.rows.created, 0);
    let refusal = report
        .errors
        .iter()
        .find(|p| p.code == "ENTITLEMENT_REFUSED")
        .expect("the refusal is listed");
    assert_eq!(refusal.row, Some(9_004), "{refusal:?}");
    assert!(report.error_workbook.is_some());
    let stored: i64 = cases::table.count().get_result(&mut conn).unwrap();
    assert_eq!(stored, 0, "nothing written");
    let stored: i64 = people::table.count().get_result(&mut conn).unwrap();
    assert_eq!(stored, 0, "nothing written");
    let outcome: String = imports::table
        .order(imports::id.desc())
        .select(imports::outcome)
        .first(&mut conn)
        .unwrap();
    assert_eq!(outcome, "rejected");

    let mut keep = request("VN");
    keep.accept_valid = true;
    let report = import_roster(&mut conn, &env.policy, &Actor::cli(), &keep, &file).unwrap();
    assert_eq!(report.outcome, Outcome::Partial, "{:?}", report.errors);
    assert_eq!(report.rows.created, 9_000);
    let stored: i64 = cases::table.count().get_result(&mut conn).unwrap();
    assert_eq!(stored, 9_000);
    let (outcome, created): (String, i32) = imports::table
        .order(imports::id.desc())
        .select((imports::outcome, imports::rows_created))
        .first(&mut conn)
        .unwrap();
    assert_eq!((outcome.as_str(), created), ("partial", 9_000));
    let found = staffpay::db::progress::drift(&mut conn).unwrap();
    assert!(found.is_empty(), "{found:?}");
}
both_backends!(a_row_the_engine_refuses_after_written_batches_rolls_the_import_back);
