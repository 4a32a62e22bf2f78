//! Snapshots of the official forms built from fixed, hand-made data (issue 18): the Treasury's
//! Mẫu số 09 list of a batch and MoHA's progress report — every cell (values and formulas'
//! cached results), the merged ranges and the page setup (A4, orientation, fit, repeated
//! rows) — and each opened by LibreOffice (converted to PDF and read back). A change to any
//! cell or to the layout shows up as a diff to review.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation
)]

use std::fmt::Write as _;
use std::io::{Cursor, Read as _};

use calamine::{Reader, Xlsx};
use chrono::NaiveDate;
use staffpay::db::batches::{BatchLine, BatchRow};
use staffpay::db::units::UnitRow;
use staffpay::domain::ids::{CaseId, UnitId};
use staffpay::domain::unit::UnitKind;
use staffpay::reports::moha::{Counts, Report, Row};
use staffpay::reports::official::Issuer;
use staffpay::reports::{mau09, moha};
use staffpay::services::batches::LoadedBatch;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn unit(id: i64, code: &str, name: &str, kind: UnitKind, parent: Option<i64>) -> UnitRow {
    let at = date(2025, 7, 1).and_hms_opt(0, 0, 0).unwrap();
    UnitRow {
        id: UnitId(id),
        code: code.into(),
        name_vi: name.into(),
        name_en: name.into(),
        kind,
        parent_id: parent.map(UnitId),
        path: format!("/1/{id}/"),
        depth: 2,
        merged_into_id: None,
        merged_on: None,
        treasury_account_no: Some("9523.1.1234567".into()),
        treasury_account_opened_on: Some(date(2025, 7, 1)),
        created_at: at,
        updated_at: at,
    }
}

fn line(
    no: i32,
    case: i64,
    group: i32,
    name: &str,
    account: Option<&str>,
    amount: i64,
    supplement: bool,
) -> BatchLine {
    BatchLine {
        batch_id: 3,
        case_id: CaseId(case),
        line_no: no,
        worker_group: group,
        full_name: name.into(),
        bank_account: account.map(Into::into),
        bank_name: account.map(|_| "Vietcombank".into()),
        amount_vnd: amount,
        supplement,
    }
}

fn batch() -> LoadedBatch {
    LoadedBatch {
        batch: BatchRow {
            id: 3,
            unit_id: UnitId(40),
            number: 2,
            batch_date: date(2025, 11, 20),
            order_ref: Some("15/GRDT".into()),
            created_by: None,
            created_by_label: "snapshot".into(),
            created_at: date(2025, 11, 20).and_hms_opt(2, 0, 0).unwrap(),
        },
        unit: unit(
            40,
            "04-S002",
            "Sở Nội vụ tỉnh Cao Bằng",
            UnitKind::Agency,
            Some(4),
        ),
        lines: vec![
            line(
                1,
                11,
                1,
                "Nguyễn Văn An",
                Some("0011000000011"),
                356_265_000,
                false,
            ),
            line(
                2,
                12,
                1,
                "Trần Thị Bích",
                Some("0011000000012"),
                41_580_000,
                true,
            ),
            line(3, 13, 1, "Lê Văn Cường", None, 120_000_000, false),
            line(
                4,
                14,
                2,
                "Phạm Thị Dung",
                Some("0011000000014"),
                98_750_500,
                false,
            ),
        ],
    }
}

fn issuer() -> Issuer {
    Issuer {
        governing: Some("UBND TỈNH CAO BẰNG".into()),
        body: "SỞ NỘI VỤ".into(),
        place: "Cao Bằng".into(),
    }
}

fn moha_report() -> Report {
    let counts = |d: i64, s: i64, f: i64, p: i64, money: i64| Counts {
        decided: d,
        decided_vnd: d * money,
        submitted: s,
        submitted_vnd: s * money,
        funded: f,
        funded_vnd: f * money,
        paid: p,
        paid_vnd: p * money,
    };
    Report {
        central: vec![
            Row {
                code: "BNV".into(),
                name: "Bộ Nội vụ".into(),
                counts: counts(120, 110, 100, 90, 400_000_000),
            },
            Row {
                code: "BTC".into(),
                name: "Bộ Tài chính".into(),
                counts: counts(300, 250, 240, 150, 350_000_000),
            },
        ],
        provinces: vec![Row {
            code: "04".into(),
            name: "Tỉnh Cao Bằng".into(),
            counts: counts(900, 850, 800, 540, 300_000_000),
        }],
    }
}

#[path = "common/cell_dump.rs"]
mod cell_dump;

/// Every cell of every sheet, the merged ranges and the page setup.
fn dump(bytes: &[u8]) -> String {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for (i, name) in book.sheet_names().iter().enumerate() {
        writeln!(out, "== {name}").unwrap();
        writeln!(out, "page: {}", page_setup(bytes, i + 1)).unwrap();
        let mut merged: Vec<String> = book
            .merge_cells_by_sheet_name(name)
            .unwrap()
            .iter()
            .map(|d| format!("{:?}-{:?}", d.start, d.end))
            .collect();
        merged.sort();
        writeln!(out, "merged: {}", merged.join(" ")).unwrap();
        out.push_str(&cell_dump::sheet_cells(&mut book, name));
    }
    out
}

/// The `<pageSetup>` and `<printOptions>`-like facts of sheet `n` (1-based) from its XML.
fn page_setup(bytes: &[u8], n: usize) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut xml = String::new();
    zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
        .unwrap()
        .read_to_string(&mut xml)
        .unwrap();
    let setup = xml
        .split("<pageSetup")
        .nth(1)
        .and_then(|s| s.split("/>").next())
        .unwrap_or("")
        .trim()
        .to_owned();
    let fit = xml.contains("<pageSetUpPr fitToPage=\"1\"/>");
    format!("{setup} fit={fit}")
}

/// LibreOffice opens the workbook: converted to PDF, the text is there, on A4.
fn opened_by_libreoffice(bytes: &[u8], expect: &[&str]) {
    assert!(
        staffpay::reports::pdf::available(),
        "LibreOffice (soffice) opens the forms: .ci/run installs libreoffice-calc-nogui"
    );
    let pdf = staffpay::reports::pdf::from_xlsx(bytes).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("form.pdf");
    std::fs::write(&path, pdf).unwrap();
    let text = std::process::Command::new("pdftotext")
        .arg("-layout")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils, installed by .ci/run)");
    let text = String::from_utf8(text.stdout).unwrap();
    for e in expect {
        assert!(text.contains(e), "{e} in\n{text}");
    }
    let info = std::process::Command::new("pdfinfo")
        .arg(&path)
        .output()
        .unwrap();
    let info = String::from_utf8(info.stdout).unwrap();
    assert!(info.contains("(A4)"), "{info}");
}

#[test]
fn mau_09_cells_and_layout() {
    let mut workbook = mau09::build(&batch(), &issuer()).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    insta::assert_snapshot!(dump(&bytes));
    opened_by_libreoffice(
        &bytes,
        &[
            "BẢNG THANH TOÁN CHO ĐỐI TƯỢNG THỤ HƯỞNG",
            "Nguyễn Văn An",
            "Phạm Thị Dung",
            "Lê Văn Cường",
            "Chi bổ sung theo Nghị định 67/2025/NĐ-CP",
            "Cao Bằng, ngày 20 tháng 11 năm 2025",
        ],
    );
}

#[test]
fn moha_progress_cells_and_layout() {
    let mut workbook = moha::build(
        &moha_report(),
        &Issuer::central("Bộ Nội vụ"),
        date(2025, 10, 31),
        date(2025, 11, 3),
    )
    .unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    insta::assert_snapshot!(dump(&bytes));
    opened_by_libreoffice(
        &bytes,
        &[
            "BỘ NỘI VỤ",
            "Tỉnh Cao Bằng",
            "(Số liệu đến hết ngày 31/10/2025)",
            "Hà Nội, ngày 03 tháng 11 năm 2025",
            "59,1 %",
        ],
    );
}
