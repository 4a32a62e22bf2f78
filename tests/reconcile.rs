//! Reading Treasury/bank statements and payment lists as they arrive, then reconciling them:
//! fixtures are built at test time with rust_xlsxwriter (and as CSV text), read back through
//! `staffpay::import::{statement, payments}`, every line and problem checked by row, column
//! and code, and the result matched with `staffpay::domain::matching`.
#![expect(
    clippy::unwrap_used,
    reason = "fixture helpers: a failed unwrap is a failed test"
)]

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use staffpay::domain::ids::{CaseId, PaymentId, StatementLineId};
use staffpay::domain::matching::{
    CandidatePayment, MatchMethod, MatchSettings, StatementLine, reconcile,
};
use staffpay::domain::money::Vnd;
use staffpay::domain::national_id::NationalId;
use staffpay::domain::payment_reference::PaymentReference;
use staffpay::import::error::{ListKind, ReadError};
use staffpay::import::payments::{
    ParsedPaymentList, PaymentCheck, PaymentMethod, read_payment_list,
};
use staffpay::import::problem::Severity;
use staffpay::import::reader::ReadOptions;
use staffpay::import::statement::{
    AmountSign, Direction, ParsedStatement, StatementCheck, StatementColumn, read_statement,
};
use staffpay::import::tabular::KnownCase;

/// A cell to write in a fixture.
enum V {
    S(String),
    N(f64),
    D(u16, u8, u8),
    E,
}
use V::{D, E, N};

fn s(text: impl Into<String>) -> V {
    V::S(text.into())
}

fn write_row(ws: &mut Worksheet, row: u32, cells: &[V]) {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (col, v) in cells.iter().enumerate() {
        let col = u16::try_from(col).unwrap();
        match v {
            V::S(t) => ws.write_string(row, col, t).map(|_| ()),
            N(n) => ws.write_number(row, col, *n).map(|_| ()),
            D(y, m, d) => ws
                .write_datetime_with_format(
                    row,
                    col,
                    ExcelDateTime::from_ymd(*y, *m, *d).unwrap(),
                    &date,
                )
                .map(|_| ()),
            E => Ok(()),
        }
        .unwrap();
    }
}

fn xlsx(rows: &[(u32, Vec<V>)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Sao ke").unwrap();
    for (row, cells) in rows {
        write_row(ws, *row, cells);
    }
    wb.save_to_buffer().unwrap()
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn reference(case: i64) -> PaymentReference {
    PaymentReference::new(12, u32::try_from(case).unwrap())
}

const ID_A: &str = "001070012345";
const ID_B: &str = "079185000123";

/// Cases 1–3 are known: 1 and 2 with the people of ID_A and ID_B.
fn known() -> HashMap<PaymentReference, KnownCase> {
    let id = |t: &str| Some(NationalId::parse(t, None).unwrap().id);
    [
        (
            reference(1),
            KnownCase {
                case_id: CaseId(1),
                national_id: id(ID_A),
            },
        ),
        (
            reference(2),
            KnownCase {
                case_id: CaseId(2),
                national_id: id(ID_B),
            },
        ),
        (
            reference(3),
            KnownCase {
                case_id: CaseId(3),
                national_id: None,
            },
        ),
    ]
    .into_iter()
    .collect()
}

const TODAY: (i32, u32, u32) = (2025, 8, 31);

fn statement(name: &str, bytes: &[u8], sign: AmountSign) -> Result<ParsedStatement, ReadError> {
    let refs = known();
    let check = StatementCheck {
        today: d(TODAY.0, TODAY.1, TODAY.2),
        references: &refs,
        sign,
    };
    read_statement(name, bytes, &ReadOptions::default(), &check)
}

fn payment_list(name: &str, bytes: &[u8]) -> Result<ParsedPaymentList, ReadError> {
    let refs = known();
    let check = PaymentCheck {
        today: d(TODAY.0, TODAY.1, TODAY.2),
        references: &refs,
    };
    read_payment_list(name, bytes, &ReadOptions::default(), &check)
}

/// (row, column header, code, severity) of every problem, in report order.
fn problems(
    list: &[staffpay::import::problem::Problem],
) -> Vec<(Option<u32>, Option<String>, &'static str, Severity)> {
    list.iter()
        .map(|p| (p.row, p.column.clone(), p.code, p.severity))
        .collect()
}

/// A Treasury statement: title, account block, two-row header with debit/credit under
/// "Số tiền", an opening balance, lines, turnover and closing balance, signatures.
fn treasury_statement() -> Vec<u8> {
    xlsx(&[
        (0, vec![s("KHO BẠC NHÀ NƯỚC KHU VỰC I")]),
        (
            1,
            vec![s(
                "SAO KÊ TÀI KHOẢN 3741.0.1054321 - Từ ngày 01/07/2025 đến ngày 31/07/2025",
            )],
        ),
        (
            3,
            vec![
                s("STT"),
                s("Ngày giao dịch"),
                s("Số tham chiếu"),
                s("Nội dung"),
                s("Tài khoản đối ứng"),
                s("Tên người hưởng"),
                s("Số tiền"),
                E,
                s("Số dư"),
            ],
        ),
        (4, vec![E, E, E, E, E, E, s("Ghi nợ"), s("Ghi có")]),
        (
            5,
            vec![
                s("(1)"),
                s("(2)"),
                s("(3)"),
                s("(4)"),
                s("(5)"),
                s("(6)"),
                s("(7)"),
                s("(8)"),
                s("(9)"),
            ],
        ),
        (
            6,
            vec![E, E, E, s("Số dư đầu kỳ"), E, E, E, E, N(900_000_000.0)],
        ),
        (
            7,
            vec![
                N(1.0),
                D(2025, 7, 15),
                s("FT2519600001"),
                s(format!("CHI TRO CAP ND178 {} NGUYEN VAN A", reference(1))),
                s("0011 004 123456"),
                s("NGUYEN VAN A"),
                N(250_000_000.0),
                E,
                N(650_000_000.0),
            ],
        ),
        (
            8,
            vec![
                N(2.0),
                D(2025, 7, 16),
                s("FT2519700002"),
                s("CHI TRO CAP THOI VIEC NGAY 16 THANG 7 NAM 2025"),
                s("0021000456789"),
                s("TRAN THI BINH"),
                s("120.500.000"),
                E,
                N(529_500_000.0),
            ],
        ),
        (
            9,
            vec![
                N(3.0),
                D(2025, 7, 20),
                s("FT2520100003"),
                s(format!("HOAN TRA {}", reference(3))),
                s("0031000111222"),
                s("LE VAN C"),
                E,
                N(80_000_000.0),
                N(609_500_000.0),
            ],
        ),
        (
            10,
            vec![
                E,
                E,
                E,
                s("Cộng phát sinh"),
                E,
                E,
                N(370_500_000.0),
                N(80_000_000.0),
            ],
        ),
        (
            11,
            vec![E, E, E, s("Số dư cuối kỳ"), E, E, E, E, N(609_500_000.0)],
        ),
        (
            13,
            vec![
                E,
                s("Người lập biểu"),
                E,
                s("Kế toán trưởng"),
                E,
                s("Giám đốc"),
            ],
        ),
    ])
}

#[test]
fn reads_a_treasury_statement_with_debit_and_credit_columns() {
    let st = statement("saoke.xlsx", &treasury_statement(), AmountSign::default()).unwrap();
    assert_eq!(st.sheet, "Sao ke");
    assert_eq!(st.header_rows, (4, 5));
    assert_eq!(st.total_rows, 3);
    // The running balance is a known column, read past without a warning (issue 18).
    assert_eq!(problems(&st.problems), []);
    assert!(
        st.columns
            .iter()
            .any(|m| m.column == StatementColumn::Balance && m.header == "Số dư")
    );
    assert!(st.unknown_columns.is_empty());
    let r = &st.rows;
    assert_eq!(r.len(), 3);
    assert_eq!(
        (r[0].row_number, r[0].date, r[0].direction, r[0].amount),
        (8, d(2025, 7, 15), Direction::Debit, Vnd::new(250_000_000))
    );
    assert_eq!(r[0].payment_references, [reference(1)]);
    assert_eq!(r[0].account_no.as_deref(), Some("0011 004 123456"));
    assert_eq!(r[0].beneficiary.as_deref(), Some("NGUYEN VAN A"));
    assert_eq!(r[0].bank_reference.as_deref(), Some("FT2519600001"));
    assert_eq!(r[0].sequence.as_deref(), Some("1"));
    // A description with a date in words is a line, not a signature.
    assert_eq!(
        (r[1].amount, r[1].payment_references.len()),
        (Vnd::new(120_500_000), 0)
    );
    assert_eq!(
        (r[2].direction, r[2].amount, r[2].paid_out()),
        (
            Direction::Credit,
            Vnd::new(80_000_000),
            Vnd::new(-80_000_000)
        )
    );
    // Reading the same bytes again gives the same hash: the caller can refuse a re-import.
    let again = statement(
        "other-name.xlsx",
        &treasury_statement(),
        AmountSign::default(),
    )
    .unwrap();
    assert_eq!(again.sha256, st.sha256);
}

/// A bank's CSV export: English headers, semicolons, one signed amount column.
fn bank_csv(lines: &[&str]) -> Vec<u8> {
    let mut text = String::from(
        "Sequence;Transaction date;Reference;Beneficiary account;Beneficiary name;Amount;Description\n",
    );
    for l in lines {
        text.push_str(l);
        text.push('\n');
    }
    text.into_bytes()
}

#[test]
fn bank_csv_with_a_signed_amount_and_every_kind_of_bad_line() {
    let r1 = reference(1);
    let r2 = reference(2);
    let unknown = reference(99);
    let mut typo = r2.to_string().into_bytes();
    typo[10] = if typo[10] == b'9' { b'0' } else { typo[10] + 1 };
    let typo = String::from_utf8(typo).unwrap();
    let csv = bank_csv(&[
        &format!("1;15/07/2025;FT1;0011004123456;NGUYEN VAN A;-250.000.000;CHI ND178 {r1}"),
        &format!("2;16/07/2025;FT2;0021000456789;TRAN THI BINH;-1.000,5;CHI ND178 {r2}"),
        &format!("3;01/09/2025;FT3;0021000456789;TRAN THI BINH;-5.000.000;CHI {r2}"),
        "4;16/07/2025;FT4;0021000456789;TRAN THI BINH;0;PHI",
        &format!("5;17/07/2025;FT5;12;TRAN THI BINH;-7.000.000;CHI {unknown}"),
        &format!("6;17/07/2025;FT6;0021000456789;TRAN THI BINH;-7.000.000;CHI {typo}"),
        &format!("1;15/07/2025;FT1;0011-004-123456;NGUYEN VAN A;-250.000.000;CHI ND178 {r1}"),
        "7;;FT7;0021000456789;TRAN THI BINH;-1.000;",
        "8;18/07/2025;FT8;0021000456789;TRAN THI BINH;;CHI",
        "9;18/07/2025;FT9;0021000456789;TRAN THI BINH;abc;CHI",
        "10;18/07/2025;FT10;0031000111222;LE VAN C;80.000.000;HOAN TRA",
    ]);
    let st = statement("sao-ke.csv", &csv, AmountSign::NegativeIsDebit).unwrap();
    let col = |h: &str| Some(h.to_owned());
    assert_eq!(
        problems(&st.problems),
        [
            (Some(3), col("Amount"), "MONEY_NOT_WHOLE", Severity::Error),
            (
                Some(4),
                col("Transaction date"),
                "DATE_IN_FUTURE",
                Severity::Error
            ),
            (Some(5), col("Amount"), "AMOUNT_ZERO", Severity::Error),
            (
                Some(6),
                col("Beneficiary account"),
                "BANK_ACCOUNT_INVALID",
                Severity::Warning
            ),
            (
                Some(6),
                col("Description"),
                "REFERENCE_UNKNOWN",
                Severity::Warning
            ),
            (
                Some(7),
                col("Description"),
                "REFERENCE_CHECKSUM",
                Severity::Warning
            ),
            (Some(8), None, "STATEMENT_LINE_DUPLICATE", Severity::Error),
            (
                Some(9),
                col("Transaction date"),
                "REQUIRED_MISSING",
                Severity::Error
            ),
            (Some(10), col("Amount"), "AMOUNT_MISSING", Severity::Error),
            (Some(11), col("Amount"), "NUMBER_INVALID", Severity::Error),
        ]
    );
    let dup = st
        .problems
        .iter()
        .find(|p| p.code == "STATEMENT_LINE_DUPLICATE")
        .unwrap();
    assert!(dup.message_en.contains("row 2") && dup.message_vi.contains("dòng 2"));
    let rows: Vec<(u32, Direction, i64)> = st
        .rows
        .iter()
        .map(|r| (r.row_number, r.direction, r.amount.dong()))
        .collect();
    assert_eq!(
        rows,
        [
            (2, Direction::Debit, 250_000_000),
            (6, Direction::Debit, 7_000_000),
            (7, Direction::Debit, 7_000_000),
            (12, Direction::Credit, 80_000_000),
        ]
    );
    assert_eq!(st.rows[1].payment_references, [unknown]);
    assert_eq!(st.rows[1].account_no, None);
    assert_eq!(st.total_rows, 11);
    assert!(st.has_errors());
}

#[test]
fn a_list_of_payments_out_with_positive_amounts() {
    let csv = bank_csv(&["1;15/07/2025;FT1;0011004123456;NGUYEN VAN A;250.000.000;CHI"]);
    let st = statement("a.csv", &csv, AmountSign::NegativeIsDebit).unwrap();
    assert_eq!(st.rows[0].direction, Direction::Credit);
    assert_eq!(
        problems(&st.problems),
        [(
            None,
            Some("Amount".to_owned()),
            "STATEMENT_NO_DEBITS",
            Severity::Warning
        )]
    );
    let st = statement("a.csv", &csv, AmountSign::PositiveIsDebit).unwrap();
    assert_eq!(st.rows[0].direction, Direction::Debit);
    assert!(st.problems.is_empty());
}

#[test]
fn amounts_on_both_sides_or_negative_in_a_side_column() {
    let bytes = xlsx(&[
        (0, vec![s("Ngày"), s("Nội dung"), s("Nợ"), s("Có")]),
        (1, vec![D(2025, 7, 15), s("A"), N(5.0), N(5.0)]),
        (2, vec![D(2025, 7, 15), s("B"), N(-5.0)]),
        (3, vec![D(2025, 7, 15), s("C"), N(0.0), N(0.0)]),
    ]);
    let st = statement("a.xlsx", &bytes, AmountSign::default()).unwrap();
    assert_eq!(
        problems(&st.problems),
        [
            (Some(2), None, "AMOUNT_BOTH_SIDES", Severity::Error),
            (
                Some(3),
                Some("Nợ".to_owned()),
                "AMOUNT_SIGN_IGNORED",
                Severity::Warning
            ),
            (
                Some(4),
                Some("Nợ".to_owned()),
                "AMOUNT_ZERO",
                Severity::Error
            ),
        ]
    );
    assert_eq!(
        (st.rows[0].direction, st.rows[0].amount),
        (Direction::Debit, Vnd::new(5))
    );
}

#[test]
fn files_that_cannot_be_statements() {
    let no_description = b"Date;Amount;Account number\n15/07/2025;-5;001\n";
    match statement("a.csv", no_description, AmountSign::default()) {
        Err(ReadError::MissingColumns {
            missing_en,
            missing_vi,
            list,
        }) => {
            assert_eq!(list, ListKind::Statement);
            assert_eq!(missing_en, ["Description"]);
            assert_eq!(missing_vi, ["Nội dung"]);
        }
        other => panic!("{other:?}"),
    }
    // A roster is not a statement: no amount column to anchor the header.
    let roster = "Họ và tên;Số CCCD;Ngày sinh\nNguyễn A;001070012345;01/02/1970\n";
    assert_eq!(
        statement("r.csv", roster.as_bytes(), AmountSign::default()),
        Err(ReadError::NoHeader {
            list: ListKind::Statement
        })
    );
    assert_eq!(
        statement("a.csv", b"", AmountSign::default()),
        Err(ReadError::Empty)
    );
    assert!(matches!(
        statement("a.xlsx", b"%PDF-1.4", AmountSign::default()),
        Err(ReadError::NotASpreadsheet { .. })
    ));
}

/// A payment list as an agency fills it in.
fn payments_xlsx(rows: Vec<(u32, Vec<V>)>) -> Vec<u8> {
    let mut all = vec![
        (
            0,
            vec![s("DANH SÁCH CHI TRẢ CHẾ ĐỘ THEO NGHỊ ĐỊNH 178/2024/NĐ-CP")],
        ),
        (
            2,
            vec![
                s("STT"),
                s("Họ và tên"),
                s("Mã tham chiếu thanh toán"),
                s("Số định danh"),
                s("Số tiền"),
                s("Ngày chi"),
                s("Hình thức"),
                s("Đơn vị chi"),
                s("Ghi chú"),
            ],
        ),
    ];
    all.extend(rows);
    xlsx(&all)
}

#[test]
fn reads_a_payment_list() {
    let bytes = payments_xlsx(vec![
        (
            3,
            vec![
                N(1.0),
                s("Nguyễn Văn A"),
                s(reference(1).to_string()),
                s(ID_A),
                N(250_000_000.0),
                D(2025, 7, 15),
                s("Chuyển khoản"),
                s("UBND xã A"),
            ],
        ),
        (
            4,
            vec![
                N(2.0),
                s("Trần Thị Bình"),
                s(format!(" {} ", reference(2).as_str().to_lowercase())),
                N(79_185_000_123.0),
                s("120.500.000"),
                s("16/07/2025"),
                s("TM"),
            ],
        ),
        (
            5,
            vec![
                N(3.0),
                s("Lê Văn C"),
                s(reference(3).to_string()),
                E,
                N(1.0),
                D(2025, 7, 20),
            ],
        ),
        (7, vec![E, s("Tổng cộng"), E, E, N(370_500_001.0)]),
    ]);
    let list = payment_list("chi.xlsx", &bytes).unwrap();
    assert_eq!(
        problems(&list.problems),
        [(
            Some(3),
            Some("Ghi chú".to_owned()),
            "COLUMN_UNKNOWN",
            Severity::Warning
        )]
    );
    assert_eq!(list.total_rows, 3);
    let r = &list.rows;
    assert_eq!(
        (r[0].case_id, r[0].amount, r[0].date, r[0].method),
        (
            CaseId(1),
            Vnd::new(250_000_000),
            d(2025, 7, 15),
            Some(PaymentMethod::Transfer)
        )
    );
    assert_eq!(r[0].payer_unit.as_deref(), Some("UBND xã A"));
    assert_eq!(r[0].full_name.as_deref(), Some("Nguyễn Văn A"));
    assert_eq!(
        (r[1].reference.clone(), r[1].case_id, r[1].method),
        (reference(2), CaseId(2), Some(PaymentMethod::Cash))
    );
    assert_eq!(
        r[1].national_id.map(|id| id.to_string()),
        Some(ID_B.to_owned())
    );
    assert_eq!((r[2].method, r[2].national_id), (None, None));
    assert!(list.duplicates.is_empty());
}

/// Every kind of bad payment row: the code, the row and the column it is reported on.
#[test]
fn bad_payment_rows_are_located() {
    let r1 = reference(1).to_string();
    let mut typo = r1.clone().into_bytes();
    typo[9] = if typo[9] == b'9' { b'0' } else { typo[9] + 1 };
    let typo = String::from_utf8(typo).unwrap();
    let bytes = payments_xlsx(vec![
        (
            3,
            vec![N(1.0), s("A"), s(&r1), E, s("-5.000.000"), D(2025, 7, 15)],
        ),
        (4, vec![N(2.0), s("A"), s(&r1), E, N(100.5), D(2025, 7, 15)]),
        (5, vec![N(3.0), s("A"), s(&r1), E, N(100.0), D(2025, 9, 1)]),
        (
            6,
            vec![
                N(4.0),
                s("A"),
                s(reference(99).to_string()),
                E,
                N(100.0),
                D(2025, 7, 15),
            ],
        ),
        (
            7,
            vec![N(5.0), s("A"), s(&typo), E, N(100.0), D(2025, 7, 15)],
        ),
        (
            8,
            vec![N(6.0), s("A"), s("SP12"), E, N(100.0), D(2025, 7, 15)],
        ),
        (
            9,
            vec![N(7.0), s("A"), s(&r1), s(ID_B), N(100.0), D(2025, 7, 15)],
        ),
        (
            10,
            vec![N(8.0), s("A"), s(&r1), s("12345"), N(100.0), D(2025, 7, 15)],
        ),
        (
            11,
            vec![
                N(9.0),
                s("A"),
                s(&r1),
                E,
                N(100.0),
                D(2025, 7, 15),
                s("séc"),
            ],
        ),
        (12, vec![N(10.0), s("A"), s(&r1), E, N(100.0)]),
        (13, vec![N(11.0), s("A"), s(&r1), E, N(0.0), D(2025, 7, 15)]),
        (
            14,
            vec![N(12.0), s("A"), s(&r1), E, N(300.0), D(2025, 7, 15)],
        ),
        (
            15,
            vec![N(13.0), s("A"), s(&r1), E, s("300"), s("15/07/2025")],
        ),
        (
            16,
            vec![N(14.0), s("A"), E, s(ID_A), N(300.0), D(2025, 7, 15)],
        ),
    ]);
    let list = payment_list("chi.xlsx", &bytes).unwrap();
    let col = |h: &str| Some(h.to_owned());
    let mut got = problems(&list.problems);
    got.retain(|p| p.2 != "COLUMN_UNKNOWN");
    assert_eq!(
        got,
        [
            (Some(4), col("Số tiền"), "AMOUNT_NEGATIVE", Severity::Error),
            (Some(5), col("Số tiền"), "MONEY_NOT_WHOLE", Severity::Error),
            (Some(6), col("Ngày chi"), "DATE_IN_FUTURE", Severity::Error),
            (
                Some(7),
                col("Mã tham chiếu thanh toán"),
                "REFERENCE_UNKNOWN",
                Severity::Error
            ),
            (
                Some(8),
                col("Mã tham chiếu thanh toán"),
                "REFERENCE_CHECKSUM",
                Severity::Error
            ),
            (
                Some(9),
                col("Mã tham chiếu thanh toán"),
                "REFERENCE_INVALID",
                Severity::Error
            ),
            (
                Some(10),
                col("Số định danh"),
                "NATIONAL_ID_MISMATCH",
                Severity::Error
            ),
            (
                Some(11),
                col("Số định danh"),
                "NATIONAL_ID_LENGTH",
                Severity::Error
            ),
            (
                Some(12),
                col("Hình thức"),
                "METHOD_INVALID",
                Severity::Error
            ),
            (
                Some(13),
                col("Ngày chi"),
                "REQUIRED_MISSING",
                Severity::Error
            ),
            (Some(14), col("Số tiền"), "AMOUNT_ZERO", Severity::Error),
            (Some(16), None, "PAYMENT_DUPLICATE", Severity::Error),
            (
                Some(17),
                col("Mã tham chiếu thanh toán"),
                "REQUIRED_MISSING",
                Severity::Error
            ),
        ]
    );
    assert_eq!(list.rows.len(), 1);
    assert_eq!(list.rows[0].row_number, 15);
    assert_eq!(list.duplicates.len(), 1);
    assert_eq!(
        (
            list.duplicates[0].row_number,
            list.duplicates[0].first_row,
            list.duplicates[0].case_id
        ),
        (16, 15, CaseId(1))
    );
    for p in &list.problems {
        assert!(
            !p.message_vi.is_empty() && !p.message_en.is_empty(),
            "{p:?}"
        );
    }
}

#[test]
fn payment_lists_in_csv_without_diacritics() {
    let csv = format!(
        "Ma tham chieu thanh toan,So dinh danh,So tien,Ngay chi,Hinh thuc,Don vi chi\n{},{ID_A},\"250,000,000\",15/07/2025,chuyen khoan,UBND xa A\n",
        reference(1)
    );
    let list = payment_list("chi.csv", csv.as_bytes()).unwrap();
    assert!(list.problems.is_empty(), "{:?}", list.problems);
    assert_eq!(list.rows[0].amount, Vnd::new(250_000_000));
    match payment_list("x.csv", b"So dinh danh,So tien,Ho va ten\n1,2,3\n") {
        Err(ReadError::MissingColumns { missing_en, .. }) => {
            assert_eq!(missing_en, ["Payment reference", "Payment date"]);
        }
        other => panic!("{other:?}"),
    }
}

/// From the files to the reconciliation: the payments recorded from the list are confirmed by
/// the statement's lines, by reference or by account and name.
#[test]
fn statement_lines_reconcile_with_recorded_payments() {
    let list = payment_list(
        "chi.xlsx",
        &payments_xlsx(vec![
            (
                3,
                vec![
                    N(1.0),
                    s("Nguyễn Văn A"),
                    s(reference(1).to_string()),
                    s(ID_A),
                    N(250_000_000.0),
                    D(2025, 7, 14),
                ],
            ),
            (
                4,
                vec![
                    N(2.0),
                    s("Trần Thị Bình"),
                    s(reference(2).to_string()),
                    s(ID_B),
                    N(120_500_000.0),
                    D(2025, 7, 15),
                ],
            ),
        ]),
    )
    .unwrap();
    let people: HashMap<CaseId, (&str, &str)> = [
        (CaseId(1), ("Nguyễn Văn A", "0011004123456")),
        (CaseId(2), ("Trần Thị Bình", "0021000456789")),
    ]
    .into_iter()
    .collect();
    let payments: Vec<CandidatePayment> = list
        .rows
        .iter()
        .zip(1..)
        .map(|(row, id)| CandidatePayment {
            id: PaymentId(id),
            case_id: row.case_id,
            amount: row.amount,
            date: row.date,
            payment_reference: row.reference.clone(),
            person_name: people[&row.case_id].0.to_owned(),
            person_account: Some(people[&row.case_id].1.to_owned()),
        })
        .collect();
    let st = statement("saoke.xlsx", &treasury_statement(), AmountSign::default()).unwrap();
    let lines: Vec<StatementLine> = st
        .rows
        .iter()
        .zip(100..)
        .map(|(row, id)| row.to_line(StatementLineId(id)))
        .collect();
    let result = reconcile(&lines, &payments, &MatchSettings::default());
    let summary: Vec<(StatementLineId, PaymentId, MatchMethod, Vec<String>)> = result
        .matches
        .iter()
        .map(|m| (m.line_ids[0], m.payment_ids[0], m.method, m.reasons.clone()))
        .collect();
    assert_eq!(
        summary,
        [
            (
                StatementLineId(100),
                PaymentId(1),
                MatchMethod::Reference,
                vec![
                    "reference".into(),
                    "amount".into(),
                    "account".into(),
                    "name 1.00".into(),
                    "date +1d".into()
                ]
            ),
            (
                StatementLineId(101),
                PaymentId(2),
                MatchMethod::Details,
                vec![
                    "amount".into(),
                    "account".into(),
                    "name 1.00".into(),
                    "date +1d".into()
                ]
            ),
        ]
    );
    // The credit line (money returned for case 3) has no recorded reversal.
    assert_eq!(result.unmatched_lines.len(), 1);
    assert_eq!(result.unmatched_lines[0].line_id, StatementLineId(102));
    assert!(result.unmatched_payments.is_empty());
}

#[path = "common/random_files.rs"]
mod random_files;

const PAYMENT_HEADERS: &[&str] = &[
    "Mã tham chiếu thanh toán",
    "Số định danh",
    "Số tiền",
    "Ngày chi",
    "Hình thức",
    "Số tham chiếu",
];

const STATEMENT_HEADERS: &[&str] = &[
    "Ngày giao dịch",
    "Số tiền",
    "Ghi nợ",
    "Ghi có",
    "Số tài khoản",
    "Tên người nhận",
    "Nội dung",
    "Số tham chiếu",
    "Số dư",
];

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(96))]
    /// The payment-list reader never panics: accepted with located problems, or refused.
    #[test]
    fn the_payment_list_reader_accepts_or_refuses_with_a_located_problem(
        bytes in random_files::csv_file(PAYMENT_HEADERS),
    ) {
        let lines = random_files::line_breaks(&bytes);
        let result = payment_list("p.csv", &bytes);
        let checked = random_files::accepted_or_located(
            result.as_ref().map(|r| r.problems.as_slice()),
            lines,
        );
        proptest::prop_assert!(checked.is_ok(), "{:?}", checked);
    }

    /// The statement reader never panics: accepted with located problems, or refused.
    #[test]
    fn the_statement_reader_accepts_or_refuses_with_a_located_problem(
        bytes in random_files::csv_file(STATEMENT_HEADERS),
        positive_is_debit in proptest::bool::ANY,
    ) {
        let lines = random_files::line_breaks(&bytes);
        let sign = if positive_is_debit {
            AmountSign::PositiveIsDebit
        } else {
            AmountSign::NegativeIsDebit
        };
        let result = statement("s.csv", &bytes, sign);
        let checked = random_files::accepted_or_located(
            result.as_ref().map(|r| r.problems.as_slice()),
            lines,
        );
        proptest::prop_assert!(checked.is_ok(), "{:?}", checked);
    }
}
