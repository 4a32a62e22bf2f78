//! The three workbook writers of the import layer, each read back the way a user's file is:
//! the blank template and the synthetic demo roster through `read_roster`, the error
//! workbook through calamine (cell by cell) and through `read_roster` again.
#![expect(
    clippy::unwrap_used,
    reason = "fixture helpers: a failed unwrap is a failed test"
)]

use std::collections::HashSet;
use std::io::Cursor;

use calamine::{Data, Reader, SheetVisible, Xlsx, open_workbook_from_rs};
use chrono::Datelike;
use rust_xlsxwriter::Workbook;
use staffpay::demo::roster::{
    DEMO_SHEET, DemoRosterOptions, demo_columns, demo_roster_bytes, write_demo_roster,
};
use staffpay::domain::person::Sex;
use staffpay::domain::policy::{Category, Rank, Scheme};
use staffpay::import::columns::Column;
use staffpay::import::error::WriteError;
use staffpay::import::error_workbook::{
    ERRORS_HEADER, SUMMARY_SHEET, error_workbook_from_upload, write_error_workbook,
};
use staffpay::import::template::{
    INSTRUCTIONS_SHEET, LISTS_SHEET, ROSTER_SHEET, template_bytes, write_template,
};
use staffpay::import::{
    ParsedRoster, Problem, ReadOptions, Severity, read_roster, read_roster_file,
};

fn workbook(bytes: &[u8]) -> Xlsx<Cursor<&[u8]>> {
    open_workbook_from_rs(Cursor::new(bytes)).unwrap()
}

fn text(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
    match range.get_value((row, col)) {
        Some(Data::String(s)) => s.clone(),
        Some(Data::Empty) | None => String::new(),
        Some(other) => other.to_string(),
    }
}

fn codes(r: &ParsedRoster) -> Vec<(Option<u32>, &'static str)> {
    r.problems.iter().map(|p| (p.row, p.code)).collect()
}

// ---------------------------------------------------------------------------------------
// Template

#[test]
fn template_reads_back_with_every_column_and_no_rows() {
    let bytes = template_bytes().unwrap();
    let roster = read_roster("mau.xlsx", &bytes, &ReadOptions::default()).unwrap();
    assert_eq!(roster.sheet, ROSTER_SHEET);
    assert_eq!(roster.header_rows, (1, 1));
    let mapped: Vec<Column> = roster.columns.iter().map(|m| m.column).collect();
    assert_eq!(mapped, Column::ALL, "every column, in template order");
    assert!(roster.unknown_columns.is_empty());
    assert_eq!(roster.total_rows, 0);
    assert!(roster.rows.is_empty());
    assert!(roster.problems.is_empty(), "{:?}", codes(&roster));

    // The header cell shows Vietnamese, then English; required columns are starred.
    let name = roster
        .columns
        .iter()
        .find(|m| m.column == Column::FullName)
        .unwrap();
    assert_eq!(name.header, "Họ và tên (*) (Full name)");

    // The file written to disk is the same template.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("mau.xlsx");
    write_template(&path).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
    let again = read_roster_file(&path, &ReadOptions::default()).unwrap();
    assert_eq!(again.columns.len(), Column::ALL.len());
}

#[test]
fn template_has_instructions_and_hidden_drop_down_lists() {
    let bytes = template_bytes().unwrap();
    let mut wb = workbook(&bytes);
    let sheets: Vec<(String, SheetVisible)> = wb
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible))
        .collect();
    assert_eq!(
        sheets,
        [
            (ROSTER_SHEET.to_owned(), SheetVisible::Visible),
            (INSTRUCTIONS_SHEET.to_owned(), SheetVisible::Visible),
            (LISTS_SHEET.to_owned(), SheetVisible::Hidden),
        ]
    );
    // One instruction row per column, in both languages, with the allowed values.
    let help = wb.worksheet_range(INSTRUCTIONS_SHEET).unwrap();
    let all: Vec<String> = help
        .rows()
        .flat_map(|r| r.iter().map(|c| c.to_string()))
        .collect();
    for c in Column::ALL {
        assert!(all.iter().any(|t| t == c.header_vi()), "{}", c.header_vi());
        assert!(all.iter().any(|t| t == c.header_en()), "{}", c.header_en());
    }
    assert!(
        all.iter()
            .any(|t| t.contains("Thiếu úy") && t.contains("Đại tướng"))
    );
    assert!(
        all.iter()
            .any(|t| t.contains("Cán bộ, công chức (Cadre civil servant)"))
    );
    // The drop-down values parse as their vocabulary.
    let lists = wb.worksheet_range(LISTS_SHEET).unwrap();
    let categories: Vec<String> = (1..=5).map(|r| text(&lists, r, 1)).collect();
    for (label, category) in categories.iter().zip(Category::ALL) {
        assert_eq!(Category::parse(label), Some(*category), "{label}");
    }
    let ranks: Vec<String> = (1..=12).map(|r| text(&lists, r, 2)).collect();
    for (label, rank) in ranks.iter().zip(Rank::ALL) {
        assert_eq!(Rank::parse(label), Some(*rank), "{label}");
    }
}

// ---------------------------------------------------------------------------------------
// Demo roster

/// Retirement age (Decree 135/2020, policy §3 closed form), written again here so the test
/// checks the generator against an independent copy.
fn pension_start(sex: Sex, reduced: bool, birth_ym: i32) -> i32 {
    let (first, before, base, step, every, cap) = match (reduced, sex) {
        (false, Sex::Male) => (1961 * 12, 720, 723, 3, 9, 744),
        (false, Sex::Female) => (1966 * 12, 660, 664, 4, 8, 720),
        (true, Sex::Male) => (1966 * 12, 660, 663, 3, 9, 684),
        (true, Sex::Female) => (1971 * 12, 600, 604, 4, 8, 660),
    };
    let idx = birth_ym - first;
    let age = if idx < 0 {
        before
    } else {
        (base + idx / every * step).min(cap)
    };
    birth_ym + age + 1
}

#[test]
fn demo_roster_of_500_reads_back_without_a_problem() {
    let options = DemoRosterOptions {
        people: 500,
        seed: 2025,
        unit_codes: Vec::new(),
        invalid_per_mille: 0,
    };
    let (bytes, summary) = demo_roster_bytes(&options).unwrap();
    assert_eq!(summary.bytes, u64::try_from(bytes.len()).unwrap());
    let roster = read_roster("demo.xlsx", &bytes, &ReadOptions::default()).unwrap();

    assert_eq!(roster.sheet, DEMO_SHEET);
    assert_eq!(
        roster.header_rows, summary.header_rows,
        "two-row header under the merged groups"
    );
    assert_eq!(roster.header_rows, (9, 10));
    let mapped: Vec<Column> = roster.columns.iter().map(|m| m.column).collect();
    assert_eq!(mapped, demo_columns());
    let public_service = roster
        .columns
        .iter()
        .find(|m| m.column == Column::PublicServicePct)
        .unwrap();
    assert_eq!(public_service.header, "Phụ cấp (%) / Công vụ");
    assert!(roster.problems.is_empty(), "{:?}", codes(&roster));
    assert_eq!(
        roster.total_rows, 500,
        "total row and signature block are not people"
    );
    assert_eq!(roster.rows.len(), 500);
    assert_eq!(roster.rows[0].row_number, summary.first_data_row);
    assert_eq!(roster.rows[499].row_number, summary.last_data_row);
    assert_eq!(summary.total_row, summary.last_data_row + 1);

    // The mix.
    let count = |s: Scheme| roster.rows.iter().filter(|r| r.scheme == s).count();
    assert_eq!(count(Scheme::EarlyRetirement), summary.early_retirement);
    assert_eq!(count(Scheme::Quit), summary.quit);
    assert_eq!(count(Scheme::PartTimeLeave), summary.part_time_leave);
    assert!(
        (230..=340).contains(&summary.early_retirement),
        "{summary:?}"
    );
    assert!((130..=230).contains(&summary.quit), "{summary:?}");
    assert!((15..=60).contains(&summary.part_time_leave), "{summary:?}");
    assert!((3..=35).contains(&summary.armed_forces), "{summary:?}");
    let missing_bank = roster
        .rows
        .iter()
        .filter(|r| r.bank_account.is_none())
        .count();
    assert_eq!(missing_bank, summary.without_bank_account);
    assert!((5..=50).contains(&missing_bank));

    let mut units_by_code = std::collections::HashMap::new();
    let mut provinces = HashSet::new();
    for r in &roster.rows {
        let unit = r.unit_code.as_deref().unwrap();
        // Provincial people carry their province code, which starts their unit code.
        match r.province_code {
            Some(p) => {
                assert!(unit.starts_with(&format!("{p}-")), "{unit} {p}");
                provinces.insert(p);
            }
            None => assert!(unit.contains("-D"), "{unit}"),
        }
        // One name per unit code.
        let name = r.unit_name.clone().unwrap();
        assert_eq!(
            units_by_code
                .entry(unit.to_owned())
                .or_insert_with(|| name.clone()),
            &name
        );
        // Dates of the decision.
        assert_eq!(r.leave_date.day(), 1);
        assert_eq!(r.leave_date.year(), 2025);
        assert!((4..=12).contains(&r.leave_date.month()));
        assert!(r.decision_date.unwrap() < r.leave_date);
        assert!(r.reorganization_effective_date.unwrap().year() == 2025);
        // The id agrees with the row.
        assert_eq!(r.national_id.birth_year(), r.date_of_birth.year());
        assert_eq!(r.national_id.sex(), r.sex);
        // Salary basis: coefficients, a contract wage or a monthly allowance, never two.
        let s = &r.salary;
        let bases = [
            s.grade_coefficient.is_some(),
            s.contract_monthly_wage_vnd.is_some(),
            s.monthly_allowance_vnd.is_some(),
        ];
        assert_eq!(
            bases.iter().filter(|b| **b).count(),
            1,
            "row {}",
            r.row_number
        );
        if let Some(g) = s.grade_coefficient {
            assert!(g >= rust_decimal_macros::dec!(2.34) && g <= rust_decimal_macros::dec!(8.0));
        }
        if let Some(l) = s.leadership_coefficient {
            assert!(l <= rust_decimal_macros::dec!(1.3));
        }
        let leave_ym = 2025 * 12 + i32::try_from(r.leave_date.month()).unwrap() - 1;
        let birth = r.date_of_birth.effective_date();
        let birth_ym = birth.year() * 12 + i32::try_from(birth.month()).unwrap() - 1;
        let age_months = leave_ym - birth_ym;
        let insured = r.insured_months;
        if let Some(m) = insured {
            assert!(
                i32::try_from(m).unwrap() <= age_months - 15 * 12,
                "row {}",
                r.row_number
            );
        }
        match (r.scheme, r.category) {
            (Scheme::EarlyRetirement, Category::ArmedForces) => {
                assert!(r.rank.is_some());
                assert!(insured.unwrap() >= 240);
            }
            (Scheme::EarlyRetirement, _) => {
                assert!(insured.unwrap() >= 240, "eligible: row {}", r.row_number);
                let reduced = r.reduced_retirement_age.unwrap();
                let early = pension_start(r.sex, reduced, birth_ym) - leave_ym;
                assert!(
                    (1..=124).contains(&early),
                    "row {}: {early} months early",
                    r.row_number
                );
            }
            (Scheme::PartTimeLeave, c) => {
                assert_eq!(c, Category::CommunePartTime);
                assert!(r.worked_months.is_some());
                assert!(r.unit_code.as_deref().unwrap().contains("-X"));
            }
            (Scheme::Quit, _) => assert!(age_months >= 25 * 12),
        }
    }
    assert!(
        provinces.len() >= 25,
        "spread over the provinces: {}",
        provinces.len()
    );
}

#[test]
fn the_same_seed_gives_the_same_bytes() {
    let options = |seed| DemoRosterOptions {
        people: 300,
        seed,
        unit_codes: Vec::new(),
        invalid_per_mille: 0,
    };
    let (a, sa) = demo_roster_bytes(&options(7)).unwrap();
    let (b, sb) = demo_roster_bytes(&options(7)).unwrap();
    let (c, _) = demo_roster_bytes(&options(8)).unwrap();
    assert_eq!(sa, sb);
    assert!(a == b, "same seed, same bytes");
    assert!(a != c, "another seed, another file");

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("demo.xlsx");
    let summary = write_demo_roster(&path, &options(7)).unwrap();
    assert_eq!(summary, sa);
    assert_eq!(std::fs::read(&path).unwrap(), a);
}

#[test]
fn demo_roster_for_chosen_units_only() {
    let options = DemoRosterOptions {
        people: 200,
        seed: 1,
        unit_codes: vec!["79".into(), "BYT".into()],
        invalid_per_mille: 0,
    };
    let (bytes, _) = demo_roster_bytes(&options).unwrap();
    let roster = read_roster("hcm.xlsx", &bytes, &ReadOptions::default()).unwrap();
    assert!(roster.problems.is_empty(), "{:?}", codes(&roster));
    assert_eq!(roster.rows.len(), 200);
    for r in &roster.rows {
        let unit = r.unit_code.as_deref().unwrap();
        assert!(
            unit.starts_with("79-") || unit.starts_with("BYT-"),
            "{unit}"
        );
        // Armed forces belong to a ministry not chosen: they are placed in the chosen units.
    }
    let unknown = DemoRosterOptions {
        unit_codes: vec!["99".into()],
        invalid_per_mille: 0,
        ..options
    };
    assert!(matches!(
        demo_roster_bytes(&unknown),
        Err(WriteError::UnknownUnit(code)) if code == "99"
    ));
}

// ---------------------------------------------------------------------------------------
// Error workbook

/// Title, header on row 3, five people (rows 4–8), a total row: row 5 has an impossible
/// date, row 6 no sex and a short id, rows 7 and 8 share an id, row 4 is clean.
fn upload_with_problems() -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("DS").unwrap();
    ws.write_string(0, 0, "DANH SÁCH NGHỈ VIỆC").unwrap();
    let header = [
        "STT",
        "Họ và tên",
        "Số định danh cá nhân",
        "Ngày sinh",
        "Giới tính",
        "Đối tượng",
        "Hình thức nghỉ",
        "Ngày nghỉ",
        "Hệ số lương",
    ];
    for (c, h) in header.iter().enumerate() {
        ws.write_string(2, u16::try_from(c).unwrap(), *h).unwrap();
    }
    let rows: [[&str; 9]; 5] = [
        [
            "1",
            "Nguyễn Văn An",
            "001070012345",
            "15/03/1970",
            "Nam",
            "Công chức",
            "Thôi việc",
            "01/07/2025",
            "4,65",
        ],
        [
            "2",
            "Trần Thị Bình",
            "001175012346",
            "31/02/1975",
            "Nữ",
            "Viên chức",
            "Thôi việc",
            "01/07/2025",
            "3,33",
        ],
        [
            "3",
            "Lê Văn Cường",
            "0010800123",
            "01/01/1980",
            "",
            "Công chức",
            "Thôi việc",
            "01/08/2025",
            "2,34",
        ],
        [
            "4",
            "Phạm Văn Dũng",
            "001068012347",
            "01/01/1968",
            "Nam",
            "Công chức",
            "Nghỉ hưu trước tuổi",
            "01/09/2025",
            "5,08",
        ],
        [
            "5",
            "Hoàng Văn Em",
            "001068012347",
            "02/02/1968",
            "Nam",
            "Công chức",
            "Nghỉ hưu trước tuổi",
            "01/09/2025",
            "5,42",
        ],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, v) in row.iter().enumerate() {
            if !v.is_empty() {
                ws.write_string(u32::try_from(r + 3).unwrap(), u16::try_from(c).unwrap(), *v)
                    .unwrap();
            }
        }
    }
    ws.write_string(8, 1, "Tổng cộng").unwrap();
    wb.save_to_buffer().unwrap()
}

#[test]
fn error_workbook_lists_each_rows_problems_in_a_last_column() {
    let bytes = upload_with_problems();
    let options = ReadOptions::default();
    let roster = read_roster("ds.xlsx", &bytes, &options).unwrap();
    assert_eq!(roster.rows.len(), 1);
    let mut problems = roster.problems.clone();
    // A problem found later (e.g. the engine's refusal) is listed the same way.
    problems.push(Problem {
        sheet: "DS".into(),
        row: Some(4),
        column: None,
        value: None,
        code: "ENGINE_REFUSED",
        message_vi: "Chưa đủ điều kiện".into(),
        message_en: "Not eligible".into(),
        severity: Severity::Error,
    });
    let out = error_workbook_from_upload("ds.xlsx", &bytes, &options, &roster, &problems).unwrap();

    let mut wb = workbook(&out);
    assert_eq!(wb.sheet_names(), [SUMMARY_SHEET, "DS"]);
    let sheet = wb.worksheet_range("DS").unwrap();
    // Every row at its own row number, values as sent.
    assert_eq!(text(&sheet, 0, 0), "DANH SÁCH NGHỈ VIỆC");
    assert_eq!(text(&sheet, 2, 1), "Họ và tên");
    assert_eq!(text(&sheet, 4, 3), "31/02/1975");
    assert_eq!(text(&sheet, 5, 2), "0010800123");
    assert_eq!(text(&sheet, 8, 1), "Tổng cộng");
    // The added column follows the table.
    assert_eq!(text(&sheet, 2, 9), ERRORS_HEADER);
    let errors = |row: u32| text(&sheet, row - 1, 9);
    assert_eq!(errors(4), "Chưa đủ điều kiện — Not eligible");
    assert!(
        errors(5).starts_with("Ngày sinh: Ngày không có thật"),
        "{}",
        errors(5)
    );
    assert!(errors(5).contains(" — No such day"), "{}", errors(5));
    assert!(
        errors(6).contains("Giới tính: Thiếu Giới tính (bắt buộc) — Sex is required"),
        "{}",
        errors(6)
    );
    assert!(
        errors(6).contains("Số định danh cá nhân: "),
        "{}",
        errors(6)
    );
    assert_eq!(errors(6).lines().count(), 2, "{}", errors(6));
    assert!(errors(7).contains("trùng với dòng 8"), "{}", errors(7));
    assert!(errors(8).contains("trùng với dòng 7"), "{}", errors(8));
    assert!(
        errors(8).contains("The same national id is on row 7"),
        "{}",
        errors(8)
    );
    assert_eq!(errors(9), "", "the total row has no problem");
    // Each message is the roster's own, on the row it belongs to.
    for p in &roster.problems {
        let cell = errors(p.row.unwrap());
        assert!(
            cell.contains(&p.message_vi) && cell.contains(&p.message_en),
            "{p:?}"
        );
    }

    let summary = wb.worksheet_range(SUMMARY_SHEET).unwrap();
    let facts: Vec<(String, String)> = (0..12)
        .map(|r| (text(&summary, r, 0), text(&summary, r, 1)))
        .collect();
    let fact = |label: &str| facts.iter().find(|(l, _)| l == label).unwrap().1.clone();
    assert_eq!(fact("Số người trong tệp / Person rows"), "5");
    assert_eq!(fact("Dòng có lỗi / Rows with errors"), "5");
    assert_eq!(fact("Dòng hợp lệ / Valid rows"), "0");
    let all: Vec<String> = summary.rows().map(|r| r[0].to_string()).collect();
    for code in [
        "DATE_INVALID",
        "REQUIRED_MISSING",
        "NATIONAL_ID_DUPLICATE",
        "ENGINE_REFUSED",
    ] {
        assert!(all.iter().any(|c| c == code), "{code}");
    }

    // Uploaded again, the error workbook is read like the original: the same problems, and
    // the added "Lỗi / Errors" column draws no warning.
    let again = read_roster("ds-loi.xlsx", &out, &options).unwrap();
    assert_eq!(again.sheet, "DS");
    assert_eq!(codes(&again), codes(&roster));

    // Written to a file, and refused for bytes that are not the upload.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("loi.xlsx");
    write_error_workbook(&path, "ds.xlsx", &bytes, &options, &roster, &problems).unwrap();
    assert_eq!(std::fs::read(&path).unwrap(), out);
    let mut other = bytes.clone();
    other.push(0);
    assert!(matches!(
        error_workbook_from_upload("ds.xlsx", &other, &options, &roster, &problems),
        Err(WriteError::NotTheSameFile)
    ));
}

#[test]
fn error_workbook_of_a_csv_upload() {
    let csv = "Họ và tên;Số CCCD;Ngày sinh;Giới tính;Đối tượng;Hình thức nghỉ;Ngày nghỉ\n\
               Nguyễn Văn An;001070012345;15/03/1970;Nam;Công chức;Thôi việc;01/07/2025\n\
               Trần Thị Bình;001175012346;15/03/1975;Nữ;Viên chức;Bỏ việc;01/07/2025\n";
    let options = ReadOptions::default();
    let roster = read_roster("ds.csv", csv.as_bytes(), &options).unwrap();
    let out = error_workbook_from_upload(
        "ds.csv",
        csv.as_bytes(),
        &options,
        &roster,
        &roster.problems,
    )
    .unwrap();
    let mut wb = workbook(&out);
    assert_eq!(wb.sheet_names(), [SUMMARY_SHEET, "Danh sách"]);
    let sheet = wb.worksheet_range("Danh sách").unwrap();
    assert_eq!(text(&sheet, 0, 7), ERRORS_HEADER);
    assert_eq!(text(&sheet, 1, 7), "");
    assert!(
        text(&sheet, 2, 7).starts_with("Hình thức nghỉ: "),
        "{}",
        text(&sheet, 2, 7)
    );
    assert_eq!(text(&sheet, 2, 5), "Bỏ việc");
}

#[test]
fn error_workbook_under_a_two_row_header() {
    let options = DemoRosterOptions {
        people: 40,
        seed: 3,
        unit_codes: Vec::new(),
        invalid_per_mille: 0,
    };
    let (bytes, summary) = demo_roster_bytes(&options).unwrap();
    let read = ReadOptions::default();
    let roster = read_roster("demo.xlsx", &bytes, &read).unwrap();
    let public_service = roster
        .columns
        .iter()
        .find(|m| m.column == Column::PublicServicePct)
        .unwrap();
    // Problems found after reading (say, by the engine) on a cell under a merged group.
    let flagged = [summary.first_data_row + 2, summary.first_data_row + 10];
    let problems: Vec<Problem> = flagged
        .iter()
        .map(|&row| Problem {
            sheet: roster.sheet.clone(),
            row: Some(row),
            column: Some(public_service.header.clone()),
            value: None,
            code: "ALLOWANCE_NOT_PAYABLE",
            message_vi: "Không hưởng phụ cấp công vụ".into(),
            message_en: "No public service allowance".into(),
            severity: Severity::Error,
        })
        .collect();
    let out = error_workbook_from_upload("demo.xlsx", &bytes, &read, &roster, &problems).unwrap();
    let mut wb = workbook(&out);
    let sheet = wb.worksheet_range(DEMO_SHEET).unwrap();
    let errors_col = u32::try_from(demo_columns().len()).unwrap();
    let (top, _) = summary.header_rows;
    assert_eq!(text(&sheet, top - 1, errors_col), ERRORS_HEADER);
    assert_eq!(text(&sheet, top - 1, 0), "STT", "header rows kept as sent");
    assert_eq!(text(&sheet, top, 19), "Công vụ");
    for row in summary.first_data_row..=summary.last_data_row {
        let cell = text(&sheet, row - 1, errors_col);
        if flagged.contains(&row) {
            assert_eq!(
                cell,
                "Phụ cấp (%) / Công vụ: Không hưởng phụ cấp công vụ — No public service allowance"
            );
        } else {
            assert_eq!(cell, "", "row {row} has no problem");
        }
    }
    // Uploaded again: the same people, and the added column draws no warning.
    let again = read_roster("demo-loi.xlsx", &out, &read).unwrap();
    assert_eq!(again.header_rows, summary.header_rows);
    assert_eq!(again.rows.len(), 40);
    assert!(codes(&again).is_empty(), "{:?}", codes(&again));
    assert_eq!(again.rows, roster.rows);
}
