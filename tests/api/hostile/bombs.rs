//! Decompression bombs (issue 15, item 1): every kind is refused with `FILE_TOO_LARGE`,
//! naming the limit, by every spreadsheet import (roster, payment list, statement), before
//! the memory is spent.

use std::sync::OnceLock;

use staffpay::domain::access::Role;
use staffpay::import::limits::{
    DEFAULT_MAX_CELL_BYTES, DEFAULT_MAX_PART_BYTES, DEFAULT_MAX_UNPACKED_BYTES,
};

use super::files;
use crate::both_backends;
use crate::helpers::{Backend, TestApp};

const MIB: u64 = 1024 * 1024;

/// Each bomb with the setting it must be refused by.
fn bombs() -> &'static [(&'static str, Vec<u8>, &'static str)] {
    static BOMBS: OnceLock<Vec<(&'static str, Vec<u8>, &'static str)>> = OnceLock::new();
    BOMBS.get_or_init(|| {
        let part = DEFAULT_MAX_PART_BYTES + MIB;
        let parts = usize::try_from(DEFAULT_MAX_UNPACKED_BYTES / (8 * MIB)).unwrap() + 2;
        vec![
            (
                "huge shared string",
                files::huge_shared_string(DEFAULT_MAX_CELL_BYTES * 16),
                "max_cell_bytes",
            ),
            (
                "huge inline string",
                files::huge_inline_string(DEFAULT_MAX_CELL_BYTES * 16),
                "max_cell_bytes",
            ),
            (
                "many parts",
                files::many_parts(parts, 8 * MIB),
                "max_unpacked_bytes",
            ),
            ("huge sheet XML", files::huge_sheet(part), "max_part_bytes"),
            (
                "directory understating the sheet",
                files::understated_sheet(part, 2_000),
                "max_part_bytes",
            ),
        ]
    })
}

#[test]
fn every_bomb_is_small_on_the_wire() {
    for (name, bytes, _) in bombs() {
        assert!(
            bytes.len() < 4 * 1024 * 1024,
            "{name}: {} bytes compressed",
            bytes.len()
        );
    }
}

async fn every_import_refuses_every_bomb(backend: Backend) {
    let app = TestApp::spawn(backend).await;
    let officer = app.user(
        "bomb-unit",
        Role::UnitOfficer,
        &["79"],
        "a long enough password",
    );
    let (officer, _) = app.token(officer, chrono::TimeDelta::hours(1));
    let mof = app.user(
        "bomb-mof",
        Role::MofOfficer,
        &["79"],
        "a long enough password",
    );
    let (mof, _) = app.token(mof, chrono::TimeDelta::hours(1));
    let endpoints = [
        (officer.as_str(), "/api/v1/imports?unit=79&dry_run=true"),
        (
            mof.as_str(),
            "/api/v1/payments/imports?unit=79&dry_run=true",
        ),
        (
            mof.as_str(),
            "/api/v1/statements/imports?unit=79&dry_run=true",
        ),
    ];
    for (name, bytes, setting) in bombs() {
        for (token, path) in endpoints {
            let (status, body) = super::post_file(&app, token, path, "bomb.xlsx", bytes).await;
            let text = body.to_string();
            assert_eq!(status, 200, "{name} to {path}: {text}");
            assert!(
                text.contains("FILE_TOO_LARGE") && text.contains(setting),
                "{name} to {path}: refused as too large by {setting}: {text}"
            );
        }
    }
}
both_backends!(every_import_refuses_every_bomb);

/// The bounds refuse bombs, not real files: a roster saved by LibreOffice as `.xls` and as
/// `.ods` (whose compound-file chains and zip parts are checked) reads as the `.xlsx` does.
#[test]
fn real_xls_and_ods_files_pass_the_checks() {
    use staffpay::demo::roster::{DemoRosterOptions, demo_roster_bytes};
    use staffpay::import::{ReadOptions, read_roster};
    let (xlsx, _) = demo_roster_bytes(&DemoRosterOptions {
        people: 40,
        ..Default::default()
    })
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("roster.xlsx");
    std::fs::write(&source, &xlsx).unwrap();
    let expected = read_roster("roster.xlsx", &xlsx, &ReadOptions::default())
        .unwrap()
        .rows
        .len();
    assert_eq!(expected, 40);
    for format in ["xls", "ods"] {
        let out = std::process::Command::new("soffice")
            .args(["--headless", "--convert-to", format, "--outdir"])
            .arg(dir.path())
            .arg(&source)
            .env("HOME", dir.path())
            .output()
            .expect("LibreOffice (soffice) is installed");
        assert!(out.status.success(), "{out:?}");
        let name = format!("roster.{format}");
        let bytes = std::fs::read(dir.path().join(&name)).unwrap();
        let roster = read_roster(&name, &bytes, &ReadOptions::default())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(roster.rows.len(), expected, "{name}");
    }
}
