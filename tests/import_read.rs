//! Reading rosters as agencies send them: fixtures are built at test time with
//! rust_xlsxwriter (and as CSV text), read back through `staffpay::import`, and every row and
//! problem is checked by sheet, row, column and code.
#![expect(
    clippy::unwrap_used,
    reason = "fixture helpers: a failed unwrap is a failed test"
)]

use chrono::NaiveDate;
use rust_decimal_macros::dec;
use rust_xlsxwriter::{ExcelDateTime, Format, Formula, Workbook, Worksheet};
use staffpay::domain::money::Vnd;
use staffpay::domain::person::{BirthDate, Sex};
use staffpay::domain::policy::{Category, Scheme};
use staffpay::import::columns::Column;
use staffpay::import::error::ListKind;
use staffpay::import::{
    ParsedRoster, ReadError, ReadOptions, Severity, read_roster, read_roster_file,
};

/// A cell to write in a fixture.
enum V {
    S(&'static str),
    N(f64),
    D(u16, u8, u8),
    /// A formula with a saved result (e.g. `#REF!`), or "" for none.
    F(&'static str, &'static str),
    E,
}
use V::{D, E, F, N, S};

fn write_row(ws: &mut Worksheet, row: u32, cells: &[V]) {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (col, v) in cells.iter().enumerate() {
        let col = u16::try_from(col).unwrap();
        match v {
            S(s) => ws.write_string(row, col, *s).map(|_| ()),
            N(n) => ws.write_number(row, col, *n).map(|_| ()),
            D(y, m, d) => ws
                .write_datetime_with_format(
                    row,
                    col,
                    ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                    &date,
                )
                .map(|_| ()),
            F(f, "") => ws.write_formula(row, col, Formula::new(*f)).map(|_| ()),
            F(f, result) => ws
                .write_formula(row, col, Formula::new(*f).set_result(*result))
                .map(|_| ()),
            E => Ok(()),
        }
        .unwrap();
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// (row, column header, code, severity) of every problem, in report order.
fn problems(r: &ParsedRoster) -> Vec<(Option<u32>, Option<String>, &'static str, Severity)> {
    r.problems
        .iter()
        .map(|p| (p.row, p.column.clone(), p.code, p.severity))
        .collect()
}

fn has(r: &ParsedRoster, row: u32, column: &str, code: &str, severity: Severity) -> bool {
    r.problems.iter().any(|p| {
        p.row == Some(row)
            && p.column.as_deref() == Some(column)
            && p.code == code
            && p.severity == severity
    })
}

/// The official layout: an instructions sheet first, then title rows, a two-row header with
/// a merged "Phụ cấp (%)" group (headers typed without diacritics), a numbering row, data,
/// an empty row, a total row and a signature block.
fn official_workbook() -> Vec<u8> {
    let mut wb = Workbook::new();
    let guide = wb.add_worksheet();
    guide.set_name("Huong dan").unwrap();
    write_row(guide, 0, &[S("Hướng dẫn điền danh sách")]);
    write_row(guide, 1, &[S("Họ và tên: ghi đầy đủ")]);

    let ws = wb.add_worksheet();
    ws.set_name("Danh sach").unwrap();
    // Formulas written without a result get no cached value, as some generators leave them.
    ws.set_formula_result_default("");
    let plain = Format::new();
    ws.merge_range(
        0,
        0,
        0,
        8,
        "DANH SÁCH ĐỐI TƯỢNG NGHỈ VIỆC THEO NGHỊ ĐỊNH 178/2024/NĐ-CP",
        &plain,
    )
    .unwrap();
    write_row(
        ws,
        1,
        &[S("(Kèm theo Quyết định số 15/QĐ-UBND ngày 01/07/2025)")],
    );
    let top = [
        "STT",
        "Ho va ten",
        "So CCCD",
        "Ngay sinh",
        "Gioi tinh",
        "Doi tuong",
        "Hinh thuc nghi",
    ];
    for (col, text) in top.iter().enumerate() {
        let col = u16::try_from(col).unwrap();
        ws.merge_range(3, col, 4, col, text, &plain).unwrap();
    }
    ws.merge_range(3, 7, 3, 8, "Phu cap (%)", &plain).unwrap();
    write_row(
        ws,
        4,
        &[E, E, E, E, E, E, E, S("Cong vu"), S("Tham nien nghe")],
    );
    for (col, text) in [
        (9, "Thoi gian dong BHXH (thang)"),
        (10, "Ngay nghi"),
        (11, "Tien luong hien huong (dong)"),
        (12, "Ghi chu"),
    ] {
        ws.merge_range(3, col, 4, col, text, &plain).unwrap();
    }
    let numbers: Vec<V> = [
        "(1)", "(2)", "(3)", "(4)", "(5)", "(6)", "(7)", "(8)", "(9)", "(10)", "(11)", "(12)",
        "(13)",
    ]
    .into_iter()
    .map(S)
    .collect();
    write_row(ws, 5, &numbers);
    // Row 7: valid; text id, date cells.
    write_row(
        ws,
        6,
        &[
            N(1.0),
            S("Nguyễn Văn An"),
            S("001070012345"),
            D(1970, 3, 15),
            S("Nam"),
            S("Cán bộ, công chức"),
            S("Nghỉ hưu trước tuổi"),
            N(25.0),
            N(5.0),
            N(360.0),
            D(2025, 7, 1),
            N(12_345_678.0),
            S(""),
        ],
    );
    // Row 8: valid; numeric id that lost its leading zero, text dates, a percent-formatted
    // cell, grouped money typed as text.
    write_row(
        ws,
        7,
        &[
            N(2.0),
            S("Trần Thị Bình"),
            N(79_301_000_001.0),
            S("02/01/2001"),
            S("Nữ"),
            S("Viên chức"),
            S("Thôi việc"),
            N(0.25),
            E,
            N(48.0),
            S("01/08/2025"),
            S("8.500.000"),
        ],
    );
    // Row 9: an error cell and an impossible date.
    write_row(
        ws,
        8,
        &[
            N(3.0),
            S("Lê Văn Cường"),
            S("001080000123"),
            S("1980"),
            S("Nam"),
            S("Viên chức"),
            S("Thôi việc"),
            F("=1/#REF!", "#REF!"),
            E,
            N(120.0),
            S("31/02/2025"),
            N(9_000_000.0),
        ],
    );
    // Row 10: the id is a man's, the row says woman.
    write_row(
        ws,
        9,
        &[
            N(4.0),
            S("Phạm Thị Dung"),
            S("001070099999"),
            S("01/01/1970"),
            S("Nữ"),
            S("Viên chức"),
            S("Thôi việc"),
            E,
            E,
            N(200.0),
            S("01/08/2025"),
        ],
    );
    // Row 11: valid; year of birth as a number.
    write_row(
        ws,
        10,
        &[
            N(5.0),
            S("Hoàng Thị Em"),
            S("002185000001"),
            N(1985.0),
            S("nu"),
            S("Lao dong hop dong"),
            S("Nghi viec"),
            E,
            E,
            N(100.0),
            D(2025, 9, 1),
        ],
    );
    // Row 12 empty. Rows 13 and 14: the same id twice; row 14 also has a formula without
    // a saved result.
    write_row(
        ws,
        12,
        &[
            N(6.0),
            S("Đỗ Văn Giang"),
            S("001090000111"),
            S("05/05/1990"),
            S("Nam"),
            S("Viên chức"),
            S("Thôi việc"),
            E,
            E,
            N(60.0),
            S("01/08/2025"),
        ],
    );
    write_row(
        ws,
        13,
        &[
            N(7.0),
            S("Đỗ Văn Giang"),
            S("001090000111"),
            S("05/05/1990"),
            S("Nam"),
            S("Viên chức"),
            S("Thôi việc"),
            E,
            E,
            F("=J13", ""),
            S("01/08/2025"),
        ],
    );
    write_row(
        ws,
        14,
        &[
            E,
            S("Tổng cộng"),
            E,
            E,
            E,
            E,
            E,
            E,
            E,
            N(888.0),
            E,
            F("=SUM(L7:L14)", "29845678"),
        ],
    );
    write_row(
        ws,
        16,
        &[E, S("Người lập biểu"), E, E, E, S("Thủ trưởng đơn vị")],
    );
    write_row(
        ws,
        17,
        &[
            E,
            S("(Ký, ghi rõ họ tên)"),
            E,
            E,
            E,
            S("(Ký tên, đóng dấu)"),
        ],
    );
    wb.save_to_buffer().unwrap()
}

#[test]
fn official_layout_is_read_cell_by_cell() {
    let r = read_roster("ds.xlsx", &official_workbook(), &ReadOptions::default()).unwrap();
    assert_eq!(
        r.sheet, "Danh sach",
        "the instructions sheet has no header and is skipped"
    );
    assert_eq!(r.header_rows, (4, 5));
    assert_eq!(r.sha256.len(), 64);
    assert_eq!(r.total_rows, 7);
    let valid: Vec<u32> = r.rows.iter().map(|row| row.row_number).collect();
    assert_eq!(valid, [7, 8, 11]);
    assert_eq!(r.unknown_columns.len(), 1);
    assert_eq!(r.unknown_columns[0].header, "Ghi chu");
    let public_service = &r
        .columns
        .iter()
        .find(|c| c.column == Column::PublicServicePct)
        .unwrap()
        .header;
    assert_eq!(public_service, "Phu cap (%) / Cong vu");

    let p1 = &r.rows[0];
    assert_eq!(p1.national_id.as_str(), "001070012345");
    assert_eq!(p1.full_name, "Nguyễn Văn An");
    assert_eq!(p1.date_of_birth, BirthDate::Full(d(1970, 3, 15)));
    assert_eq!(p1.sex, Sex::Male);
    assert_eq!(p1.category, Category::CadreCivilServant);
    assert_eq!(p1.scheme, Scheme::EarlyRetirement);
    assert_eq!(p1.salary.allowances_pct.public_service, Some(dec!(25)));
    assert_eq!(
        p1.salary.allowances_pct.professional_seniority,
        Some(dec!(5))
    );
    assert_eq!(p1.insured_months, Some(360));
    assert_eq!(p1.leave_date, d(2025, 7, 1));
    assert_eq!(p1.salary.monthly_salary_vnd, Some(Vnd::new(12_345_678)));

    let p2 = &r.rows[1];
    assert_eq!(p2.national_id.as_str(), "079301000001");
    assert_eq!(
        (p2.sex, p2.date_of_birth),
        (Sex::Female, BirthDate::Full(d(2001, 1, 2)))
    );
    assert_eq!(p2.salary.allowances_pct.public_service, Some(dec!(25)));
    assert_eq!(p2.salary.monthly_salary_vnd, Some(Vnd::new(8_500_000)));
    assert_eq!(p2.leave_date, d(2025, 8, 1));

    let p5 = &r.rows[2];
    assert_eq!(p5.date_of_birth, BirthDate::Year(1985));
    assert_eq!(p5.date_of_birth.effective_date(), d(1985, 1, 1));
    assert_eq!(p5.category, Category::ContractWorker);
    assert_eq!(p5.scheme, Scheme::PartTimeLeave);

    let sheet_names: Vec<&str> = r.problems.iter().map(|p| p.sheet.as_str()).collect();
    assert!(sheet_names.iter().all(|s| *s == "Danh sach"));
    let id = Some("So CCCD".to_owned());
    let cv = Some("Phu cap (%) / Cong vu".to_owned());
    let w = Severity::Warning;
    let e = Severity::Error;
    let expected = vec![
        (Some(5), Some("Ghi chu".to_owned()), "COLUMN_UNKNOWN", w),
        (Some(8), id.clone(), "NATIONAL_ID_ZEROS_RESTORED", w),
        (Some(8), cv.clone(), "PERCENT_AS_FRACTION", w),
        (Some(9), cv, "CELL_ERROR", e),
        (Some(9), Some("Ngay nghi".to_owned()), "DATE_INVALID", e),
        (Some(10), id.clone(), "NATIONAL_ID_SEX_MISMATCH", e),
        (
            Some(10),
            Some("Gioi tinh".to_owned()),
            "NATIONAL_ID_SEX_MISMATCH",
            e,
        ),
        (Some(13), id.clone(), "NATIONAL_ID_DUPLICATE", e),
        (
            Some(14),
            Some("Thoi gian dong BHXH (thang)".to_owned()),
            "FORMULA_NO_VALUE",
            e,
        ),
        (Some(14), id, "NATIONAL_ID_DUPLICATE", e),
    ];
    assert_eq!(problems(&r), expected);

    let dup = r
        .problems
        .iter()
        .find(|p| p.code == "NATIONAL_ID_DUPLICATE" && p.row == Some(13))
        .unwrap();
    assert!(dup.message_en.contains("row 14") && dup.message_vi.contains("dòng 14"));
    let mismatch = r
        .problems
        .iter()
        .find(|p| p.code == "NATIONAL_ID_SEX_MISMATCH")
        .unwrap();
    assert!(mismatch.message_vi.contains("So CCCD") && mismatch.message_vi.contains("Gioi tinh"));
    let err = r.problems.iter().find(|p| p.code == "CELL_ERROR").unwrap();
    assert_eq!(err.value.as_deref(), Some("#REF!"));
    assert!(r.has_errors());
    assert_eq!(r.invalid_rows(), 4);
}

#[test]
fn a_named_sheet_is_read_and_a_missing_one_is_named() {
    let bytes = official_workbook();
    let opts = ReadOptions {
        sheet: Some("danh sách".into()),
        ..ReadOptions::default()
    };
    assert_eq!(
        read_roster("ds.xlsx", &bytes, &opts).unwrap().sheet,
        "Danh sach"
    );
    let opts = ReadOptions {
        sheet: Some("Sheet9".into()),
        ..ReadOptions::default()
    };
    let err = read_roster("ds.xlsx", &bytes, &opts).unwrap_err();
    assert_eq!(
        err,
        ReadError::SheetNotFound {
            name: "Sheet9".into(),
            available: vec!["Huong dan".into(), "Danh sach".into()]
        }
    );
    let opts = ReadOptions {
        sheet: Some("Huong dan".into()),
        ..ReadOptions::default()
    };
    assert_eq!(
        read_roster("ds.xlsx", &bytes, &opts).unwrap_err(),
        ReadError::NoHeader {
            list: ListKind::Roster
        }
    );
}

const CSV_HEADER: &str = "Full name;National ID;Date of birth;Sex;Category;Scheme;Rank;Article;\
Hệ số lương;So nam dong BHXH;So thang le;Leave date;Mã tỉnh;Receiving pension\r\n";

#[test]
fn csv_with_bom_semicolons_and_decimal_commas() {
    let text = format!(
        "\u{FEFF}{CSV_HEADER}\
         Vũ Văn Hải;001075001234;1975-06-30;Male;Lực lượng vũ trang;Early retirement;Thượng tá;7a;\"6,2\";25;7;2025-09-01;02;Không\r\n\
         ;;;;;;;;;;;;;\r\n\
         Ngô Thị Lan;1175001235;03/1975;F;Vien chuc;Quit;;7;4,32;10;;01/09/2025;79;x\r\n\
         \"Bùi, Văn\";001060000001;1960;Nam;Viên chức;Thôi việc;;7;3.333333;x;1;01/09/2025;99;\r\n"
    );
    let r = read_roster("ds.csv", text.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!((r.sheet.as_str(), r.header_rows), ("", (1, 1)));
    assert_eq!(r.rows.len(), 2);
    let a = &r.rows[0];
    assert_eq!(a.salary.grade_coefficient, Some(dec!(6.2)));
    assert_eq!(a.insured_months, Some(25 * 12 + 7));
    assert_eq!(
        a.rank.map(|r| r.as_str()),
        Some("senior_lieutenant_colonel")
    );
    assert_eq!(a.article.map(|r| r.as_str()), Some("7a"));
    assert_eq!(
        a.province_code,
        Some("08"),
        "Hà Giang (02) is now part of Tuyên Quang (08)"
    );
    assert_eq!(a.receiving_pension, Some(false));
    let b = &r.rows[1];
    assert_eq!(b.national_id.as_str(), "001175001235");
    assert_eq!(b.date_of_birth, BirthDate::year_month(1975, 3).unwrap());
    assert_eq!(b.insured_months, Some(120));
    assert_eq!(b.row_number, 4, "the empty record is row 3");
    let expected = vec![
        (
            Some(2),
            Some("Mã tỉnh".to_owned()),
            "PROVINCE_CODE_MAPPED",
            Severity::Warning,
        ),
        (
            Some(4),
            Some("National ID".to_owned()),
            "NATIONAL_ID_ZEROS_RESTORED",
            Severity::Warning,
        ),
        (
            Some(5),
            Some("Hệ số lương".to_owned()),
            "NUMBER_TOO_MANY_DECIMALS",
            Severity::Error,
        ),
        (
            Some(5),
            Some("So nam dong BHXH".to_owned()),
            "NUMBER_INVALID",
            Severity::Error,
        ),
        (
            Some(5),
            Some("Mã tỉnh".to_owned()),
            "PROVINCE_CODE_UNKNOWN",
            Severity::Error,
        ),
    ];
    assert_eq!(problems(&r), expected);
    assert!(r.problems.iter().all(|p| p.sheet.is_empty()));
}

#[test]
fn comma_csv_without_bom() {
    let text = "Họ và tên,Số định danh cá nhân,Ngày sinh,Giới tính,Đối tượng,Hình thức nghỉ,Thời gian đóng BHXH (tháng),Ngày nghỉ\n\
                \"Lý Văn Minh\",001070012345,15/03/1970,Nam,\"Cán bộ, công chức\",Thôi việc,240,1/8/2025\n";
    let r = read_roster("x.csv", text.as_bytes(), &ReadOptions::default()).unwrap();
    assert_eq!(r.rows.len(), 1, "{:?}", r.problems);
    assert_eq!(r.rows[0].category, Category::CadreCivilServant);
    assert!(r.problems.is_empty());
}

#[test]
fn bad_files_are_refused_with_a_clear_error() {
    let opts = ReadOptions::default();
    let mut pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj".to_vec();
    pdf.extend(std::iter::repeat_n(b'x', 1000));
    let empty_sheets = {
        let mut wb = Workbook::new();
        wb.add_worksheet();
        wb.add_worksheet();
        wb.save_to_buffer().unwrap()
    };
    let no_header = {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        write_row(ws, 0, &[S("Báo cáo"), S("2025")]);
        write_row(ws, 1, &[N(1.0), N(2.0), N(3.0)]);
        wb.save_to_buffer().unwrap()
    };
    let missing = {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        write_row(
            ws,
            0,
            &[
                S("Họ và tên"),
                S("Số CCCD"),
                S("Giới tính"),
                S("Đối tượng"),
                S("Hình thức nghỉ"),
            ],
        );
        wb.save_to_buffer().unwrap()
    };
    let mut truncated = official_workbook();
    truncated.truncate(truncated.len() / 2);
    let cases: Vec<(&str, Vec<u8>, ReadError)> = vec![
        ("empty.xlsx", vec![], ReadError::Empty),
        (
            "scan.xlsx",
            pdf,
            ReadError::NotASpreadsheet {
                detected: "PDF document".into(),
            },
        ),
        ("empty-sheets.xlsx", empty_sheets, ReadError::NoData),
        (
            "no-header.xlsx",
            no_header,
            ReadError::NoHeader {
                list: ListKind::Roster,
            },
        ),
        (
            "missing.xlsx",
            missing,
            ReadError::MissingColumns {
                missing_vi: vec!["Ngày sinh", "Ngày nghỉ"],
                missing_en: vec!["Date of birth", "Leave date"],
                list: ListKind::Roster,
            },
        ),
        ("broken.xlsx", truncated, ReadError::Corrupt),
        (
            "binary.xlsx",
            vec![7u8; 300],
            ReadError::NotASpreadsheet {
                detected: "unrecognised content".into(),
            },
        ),
        (
            "latin1.csv",
            b"H\xE4 v\xE0 t\xEAn;x\n".to_vec(),
            ReadError::NotUtf8,
        ),
        (
            "blank.csv",
            b"\xEF\xBB\xBF\r\n;;\r\n".to_vec(),
            ReadError::NoData,
        ),
    ];
    for (name, bytes, expected) in cases {
        let got = read_roster(name, &bytes, &opts).unwrap_err();
        assert_eq!(got, expected, "{name}");
        assert!(
            !got.message_vi().is_empty() && !got.message_en().is_empty(),
            "{name}"
        );
    }
}

#[test]
fn size_limit_is_checked_before_parsing() {
    let opts = ReadOptions {
        max_bytes: 100,
        ..ReadOptions::default()
    };
    let bytes = official_workbook();
    let size = u64::try_from(bytes.len()).unwrap();
    assert_eq!(
        read_roster("ds.xlsx", &bytes, &opts).unwrap_err(),
        ReadError::TooLarge { size, limit: 100 }
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.xlsx");
    std::fs::write(&path, &bytes).unwrap();
    assert_eq!(
        read_roster_file(&path, &opts).unwrap_err(),
        ReadError::TooLarge { size, limit: 100 }
    );
    let ok = read_roster_file(&path, &ReadOptions::default()).unwrap();
    assert_eq!(ok.file_name, "big.xlsx");
}

fn person_rows(ws: &mut Worksheet, first: u32, count: u32) {
    write_row(
        ws,
        first - 1,
        &[
            S("Họ và tên"),
            S("Số CCCD"),
            S("Ngày sinh"),
            S("Giới tính"),
            S("Đối tượng"),
            S("Hình thức nghỉ"),
            S("Thời gian đóng BHXH (tháng)"),
            S("Ngày nghỉ"),
        ],
    );
    for i in 0..count {
        write_row(
            ws,
            first + i,
            &[
                S("Nguyễn Văn An"),
                S("001070012345"),
                S("15/03/1970"),
                S("Nam"),
                S("Viên chức"),
                S("Thôi việc"),
                N(120.0),
                S("01/08/2025"),
            ],
        );
    }
}

#[test]
fn row_limit_counts_real_data_rows_only() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    person_rows(ws, 1, 3);
    // Formatting (no values) down to the last row Excel has.
    let fmt = Format::new().set_bold();
    ws.write_blank(1_048_575, 0, &fmt).unwrap();
    ws.write_blank(1_048_575, 7, &fmt).unwrap();
    let bytes = wb.save_to_buffer().unwrap();
    let opts = ReadOptions {
        max_rows: 3,
        ..ReadOptions::default()
    };
    let r = read_roster("ok.xlsx", &bytes, &opts).unwrap();
    assert_eq!(r.total_rows, 3);
    // Same id three times: duplicates, but the file is within the limit.
    assert_eq!(
        r.problems
            .iter()
            .filter(|p| p.code == "NATIONAL_ID_DUPLICATE")
            .count(),
        4
    );
    let opts = ReadOptions {
        max_rows: 2,
        ..ReadOptions::default()
    };
    assert_eq!(
        read_roster("ok.xlsx", &bytes, &opts).unwrap_err(),
        ReadError::TooManyRows { limit: 2 }
    );
}

#[test]
fn ids_stored_as_numbers_are_restored_or_refused() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    person_rows(ws, 1, 0);
    // 1070012345 → 001070012345 (two zeros); 99070012345 cannot be made valid.
    write_row(
        ws,
        1,
        &[
            S("A B"),
            N(1_070_012_345.0),
            S("15/03/1970"),
            S("Nam"),
            S("Viên chức"),
            S("Thôi việc"),
            N(1.0),
            S("01/08/2025"),
        ],
    );
    write_row(
        ws,
        2,
        &[
            S("C D"),
            N(99_070_012_345.0),
            S("15/03/1970"),
            S("Nam"),
            S("Viên chức"),
            S("Thôi việc"),
            N(1.0),
            S("01/08/2025"),
        ],
    );
    let r = read_roster(
        "ids.xlsx",
        &wb.save_to_buffer().unwrap(),
        &ReadOptions::default(),
    )
    .unwrap();
    assert_eq!(r.rows.len(), 1);
    assert_eq!(r.rows[0].national_id.as_str(), "001070012345");
    assert!(has(
        &r,
        2,
        "Số CCCD",
        "NATIONAL_ID_ZEROS_RESTORED",
        Severity::Warning
    ));
    assert!(has(&r, 3, "Số CCCD", "NATIONAL_ID_LENGTH", Severity::Error));
    let p = r
        .problems
        .iter()
        .find(|p| p.code == "NATIONAL_ID_LENGTH")
        .unwrap();
    assert_eq!(p.value.as_deref(), Some("99070012345"));
}

#[test]
fn damaged_bytes_never_panic() {
    let good = official_workbook();
    let csv = format!(
        "{CSV_HEADER}a;001070012345;1970;Nam;Viên chức;Thôi việc;;7;4;1;1;01/08/2025;01;x\n"
    );
    let mut state: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for (name, original) in [("ds.xlsx", good), ("ds.csv", csv.into_bytes())] {
        for _ in 0..150 {
            let mut bytes = original.clone();
            for _ in 0..1 + next() % 4 {
                let len = u64::try_from(bytes.len()).unwrap();
                let at = usize::try_from(next() % len).unwrap();
                bytes[at] = u8::try_from(next() % 256).unwrap();
            }
            // Any outcome but a panic is acceptable.
            let _ = read_roster(name, &bytes, &ReadOptions::default());
        }
    }
}

#[path = "common/random_files.rs"]
mod random_files;

/// Headers a roster may carry (the template's and some aliases).
const ROSTER_HEADERS: &[&str] = &[
    "Họ và tên",
    "Số định danh cá nhân",
    "CCCD",
    "Ngày sinh",
    "Giới tính",
    "Đối tượng",
    "Hình thức nghỉ",
    "Hệ số lương",
    "Phụ cấp công vụ (%)",
    "Thời gian đóng BHXH (tháng)",
    "Ngày nghỉ",
    "Số tài khoản",
    "Lương chức danh cũ (đồng)",
    "Hưởng trợ cấp mất sức lao động",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
    /// The roster reader never panics: any file is accepted with located problems or refused
    /// with a code and both messages.
    #[test]
    fn the_roster_reader_accepts_or_refuses_with_a_located_problem(
        bytes in random_files::csv_file(ROSTER_HEADERS),
    ) {
        let lines = random_files::line_breaks(&bytes);
        let result = read_roster("r.csv", &bytes, &ReadOptions::default());
        let checked = random_files::accepted_or_located(
            result.as_ref().map(|r| r.problems.as_slice()),
            lines,
        );
        proptest::prop_assert!(checked.is_ok(), "{:?}", checked);
    }
}
