//! Formula injection and encodings in every export (issue 15, item 3): names and other text
//! that a spreadsheet would run as a formula come out of every workbook and CSV defused, even
//! after LibreOffice re-saves the workbook as CSV, and national ids keep their leading zeros.

use staffpay::domain::ids::CaseId;
use std::path::{Path, PathBuf};
use std::process::Command;

use diesel::prelude::*;
use staffpay::db::schema::{cases, people};
use staffpay::domain::access::Role;

use crate::both_backends;
use crate::helpers::{Backend, TestApp, with_demo};

/// Text an attacker would put in a name, reason or header: each a formula or command to a
/// spreadsheet.
const HOSTILE: [&str; 6] = [
    "=HYPERLINK(\"http://evil.example\",\"Xem\")",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
];

/// Whether a CSV cell would be taken for a formula: starts with `= + @`, a tab or a CR, or
/// with `-` without being a plain negative number.
fn live(cell: &str) -> bool {
    if cell.starts_with(['=', '+', '@', '\t', '\r']) {
        return true;
    }
    cell.strip_prefix('-')
        .is_some_and(|rest| rest.replace(['.', ','], "").parse::<u64>().is_err())
}

/// Converts `file` to CSV with LibreOffice, one file per sheet; their cells.
fn libreoffice_cells(file: &Path, out: &Path) -> Vec<(String, Vec<String>)> {
    let status = Command::new("soffice")
        .args([
            "--headless",
            "--convert-to",
            // UTF-8, comma, double quote; -1: every sheet to its own file.
            "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1",
            "--outdir",
        ])
        .arg(out)
        .arg(file)
        .env("HOME", out)
        .output()
        .expect("LibreOffice (soffice) is installed");
    assert!(status.status.success(), "{status:?}");
    let stem = file.file_stem().unwrap().to_string_lossy().into_owned();
    let mut sheets = Vec::new();
    for entry in std::fs::read_dir(out).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name.starts_with(&stem) && name.ends_with(".csv") {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(&path)
                .unwrap();
            let cells = reader
                .records()
                .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
                .collect();
            sheets.push((name, cells));
        }
    }
    assert!(!sheets.is_empty(), "LibreOffice wrote no CSV for {stem}");
    sheets
}

async fn get_bytes(app: &TestApp, method: &str, path: &str, token: &str) -> Vec<u8> {
    let method = awc::http::Method::from_bytes(method.as_bytes()).unwrap();
    let mut resp = app
        .client
        .request(method, format!("{}{path}", app.base))
        .insert_header(("authorization", format!("Bearer {token}")))
        .send()
        .await
        .unwrap();
    let bytes = resp.body().limit(64 * 1024 * 1024).await.unwrap().to_vec();
    assert_eq!(
        resp.status().as_u16(),
        200,
        "{path}: {}",
        String::from_utf8_lossy(&bytes)
    );
    bytes
}

async fn every_export_defuses_formulas_and_keeps_ids(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    with_demo(&app, 60, true);
    let admin = app.user("exp-admin", Role::Admin, &["VN"], "a long enough password");
    let (token, _) = app.token(admin, chrono::TimeDelta::hours(1));

    // Every person gets a hostile name; the payable case's unit gives the payment list.
    let (ids, case, unit) = {
        let mut conn = app.db.get().unwrap();
        let all: Vec<(i64, String)> = people::table
            .select((people::id, people::national_id))
            .order(people::id)
            .load(&mut conn)
            .unwrap();
        for (i, (id, _)) in all.iter().enumerate() {
            diesel::update(people::table.find(id))
                .set(people::full_name.eq(HOSTILE[i % HOSTILE.len()]))
                .execute(&mut conn)
                .unwrap();
        }
        let (case, unit): (i64, String) = cases::table
            .inner_join(staffpay::db::schema::units::table)
            .filter(cases::state.eq_any(["payable", "partially_paid"]))
            .select((cases::id, staffpay::db::schema::units::code))
            .first(&mut conn)
            .unwrap();
        staffpay::db::audit::record(
            &mut conn,
            staffpay::db::audit::AuditEntry {
                actor_user_id: None,
                actor: HOSTILE[3].into(),
                action: "case.return".into(),
                entity_kind: "case".into(),
                entity_id: Some(HOSTILE[1].into()),
                unit_id: None,
                case_id: Some(CaseId(case)),
                request_id: Some(HOSTILE[0].into()),
                before: None,
                after: None,
            },
        )
        .unwrap();
        let ids: Vec<String> = all.into_iter().map(|(_, nid)| nid).collect();
        (ids, case, unit)
    };
    assert!(
        ids.iter().all(|id| id.starts_with('0')),
        "ids with a leading zero"
    );

    // A rejected roster with hostile names: its error workbook echoes them.
    let roster = format!(
        "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Hệ số lương,Phụ cấp công vụ (%),Thời gian đóng BHXH (tháng),Ngày hiệu lực quyết định sắp xếp,Ngày nghỉ\n\
         \"{}\",079066001239,15/01/1966,Nam,Viên chức,Nghỉ hưu trước tuổi,4.65,25,264,01/03/2025,01/05/2025\n\
         \"{}\",0790660012,15/01/1966,Nam,Viên chức,Nghỉ hưu trước tuổi,4.65,25,264,01/03/2025,01/05/2025\n",
        HOSTILE[1].replace('"', "\"\""),
        HOSTILE[0].replace('"', "\"\""),
    );
    let reply = app
        .upload(&token, "/api/v1/imports?unit=79", "r.csv", &roster)
        .await;
    let import = reply.body["import_id"].as_i64().expect("a recorded import");

    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(PathBuf, bool)> = Vec::new();
    let mut save = |name: &str, bytes: Vec<u8>, lists_ids: bool| {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        files.push((path, lists_ids));
    };
    save(
        "reconciliation.xlsx",
        get_bytes(&app, "GET", "/api/v1/reports/reconciliation.xlsx", &token).await,
        true,
    );
    let path = format!("/api/v1/reports/payment-list.xlsx?unit={unit}");
    save(
        "payment-list.xlsx",
        get_bytes(&app, "GET", &path, &token).await,
        true,
    );
    let path = format!("/api/v1/cases/{case}/statement.xlsx");
    save(
        "statement.xlsx",
        get_bytes(&app, "GET", &path, &token).await,
        true,
    );
    let path = format!("/api/v1/imports/{import}/errors.xlsx");
    save(
        "errors.xlsx",
        get_bytes(&app, "GET", &path, &token).await,
        false,
    );
    let path = "/api/v1/audit.xlsx?limit=5000";
    save(
        "audit.xlsx",
        get_bytes(&app, "GET", path, &token).await,
        false,
    );

    // Lookup codes from the command line, as CSV and as a workbook.
    for out in ["codes.csv", "codes.xlsx"] {
        let status = Command::new(env!("CARGO_BIN_EXE_staffpay"))
            .args(["lookup-codes", "--unit", "VN", "--out"])
            .arg(dir.path().join(out))
            .env("DATABASE_URL", &app.test_db.url)
            .env(
                "STAFFPAY_SECRET_KEY",
                "test-secret-key-test-secret-key-0123456789",
            )
            .env("STAFFPAY_TOKEN", &token)
            .output()
            .unwrap();
        assert!(status.status.success(), "{status:?}");
    }
    let csv = std::fs::read(dir.path().join("codes.csv")).unwrap();
    assert!(
        csv.starts_with(b"\xEF\xBB\xBF"),
        "the CSV starts with a UTF-8 BOM"
    );
    let mut reader = csv::ReaderBuilder::new().from_reader(&csv[3..]);
    let mut rows = 0;
    for record in reader.records() {
        let record = record.unwrap();
        rows += 1;
        for cell in &record {
            assert!(!live(cell), "codes.csv: {cell:?}");
        }
        assert!(ids.iter().any(|id| id == &record[1]), "{record:?}");
        assert!(record[2].starts_with('\''), "{record:?}");
    }
    assert!(rows > 0, "codes were written");
    files.push((dir.path().join("codes.xlsx"), true));

    // Every workbook, re-saved as CSV by LibreOffice: nothing live, ids intact.
    let converted = dir.path().join("csv");
    std::fs::create_dir(&converted).unwrap();
    for (file, lists_ids) in files {
        let sheets = libreoffice_cells(&file, &converted);
        let mut seen_hostile = false;
        let mut seen_ids = Vec::new();
        for (sheet, cells) in &sheets {
            for cell in cells {
                assert!(!live(cell), "{sheet}: {cell:?} would run as a formula");
                seen_hostile |= HOSTILE.iter().any(|h| cell.ends_with(h.trim_start()));
                if ids.contains(cell) {
                    seen_ids.push(cell.clone());
                }
            }
        }
        assert!(
            seen_hostile,
            "{}: the hostile text is in it",
            file.display()
        );
        if lists_ids {
            assert!(
                !seen_ids.is_empty(),
                "{}: national ids byte-identical, leading zero kept",
                file.display()
            );
        }
    }
}
both_backends!(every_export_defuses_formulas_and_keeps_ids);
