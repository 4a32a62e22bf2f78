//! Documents as they arrive (issue 18): headers recognised by meaning for every reader,
//! columns that are not read listed with masked samples, explicit mappings, conflicts
//! refused, refusals naming the template of the list being read.
#![expect(
    clippy::unwrap_used,
    reason = "fixture helpers: a failed unwrap is a failed test"
)]

use std::collections::HashMap;

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;
use staffpay::domain::payment_reference::PaymentReference;
use staffpay::import::columns::Column;
use staffpay::import::error::{ListKind, ReadError};
use staffpay::import::payments::{PaymentCheck, PaymentColumn, read_payment_list};
use staffpay::import::reader::ReadOptions;
use staffpay::import::recognize::ColumnMap;
use staffpay::import::statement::{
    AmountSign, ParsedStatement, StatementCheck, StatementColumn, read_statement,
};
use staffpay::import::tabular::KnownCase;

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 4).unwrap()
}

fn read(name: &str, bytes: &[u8], mapping: &[&str]) -> Result<ParsedStatement, ReadError> {
    let refs: HashMap<PaymentReference, KnownCase> = HashMap::new();
    let check = StatementCheck {
        today: today(),
        references: &refs,
        sign: AmountSign::NegativeIsDebit,
    };
    let options = ReadOptions {
        mapping: mapping
            .iter()
            .map(|m| ColumnMap::parse(m).unwrap())
            .collect(),
        ..ReadOptions::default()
    };
    read_statement(name, bytes, &options, &check)
}

fn header_of(st: &ParsedStatement, column: StatementColumn) -> Option<&str> {
    st.columns
        .iter()
        .find(|m| m.column == column)
        .map(|m| m.header.as_str())
}

/// The Treasury statement of the issue: "STK hưởng" and "Nội dung CK" were refused with the
/// roster's template as the hint.
#[test]
fn abbreviated_treasury_headers_are_read() {
    let csv = "Ngày GD;STK hưởng;Tên người hưởng;Nội dung CK;Số tiền ghi nợ (VND);Số dư\n\
               04/12/2026;0011004123456;NGUYEN VAN A;Chi tro cap ND178;5.000.000;95.000.000\n";
    let st = read("kbnn.csv", csv.as_bytes(), &[]).unwrap();
    assert_eq!(
        header_of(&st, StatementColumn::AccountNo),
        Some("STK hưởng")
    );
    assert_eq!(
        header_of(&st, StatementColumn::Description),
        Some("Nội dung CK")
    );
    assert_eq!(header_of(&st, StatementColumn::Date), Some("Ngày GD"));
    assert_eq!(
        header_of(&st, StatementColumn::Debit),
        Some("Số tiền ghi nợ (VND)")
    );
    assert_eq!(st.rows.len(), 1);
    assert_eq!(st.rows[0].account_no.as_deref(), Some("0011004123456"));
    assert_eq!(st.rows[0].amount.dong(), 5_000_000);
    assert!(st.unknown_columns.is_empty(), "{:?}", st.unknown_columns);
}

/// "Số tài khoản hưởng" was accepted but its column dropped in silence.
#[test]
fn an_account_header_with_extra_words_keeps_its_column() {
    let csv = "Ngày giao dịch;Số tài khoản hưởng;Nội dung;Số tiền\n\
               04/12/2026;0011004123456;Chi tro cap;-5000000\n";
    let st = read("a.csv", csv.as_bytes(), &[]).unwrap();
    assert_eq!(st.rows[0].account_no.as_deref(), Some("0011004123456"));
    let how: Vec<(&str, &str)> = st
        .columns
        .iter()
        .map(|m| (m.header.as_str(), m.strength.as_str()))
        .collect();
    assert!(how.contains(&("Số tài khoản hưởng", "meaning")), "{how:?}");
}

#[test]
fn unknown_columns_are_listed_with_masked_samples_and_account_like_ones_warned() {
    let csv = "Ngày giao dịch;Số tiền;Nội dung;Mã KH nội bộ;Ghi chú\n\
               04/12/2026;-5000000;Chi tro cap;0011004123456;lần 1\n";
    let st = read("a.csv", csv.as_bytes(), &[]).unwrap();
    let unknown: Vec<(&str, Option<&str>)> = st
        .unknown_columns
        .iter()
        .map(|u| (u.header.as_str(), u.sample.as_deref()))
        .collect();
    assert_eq!(
        unknown,
        [
            ("Mã KH nội bộ", Some("••••••••••456")),
            ("Ghi chú", Some("lần 1"))
        ]
    );
    let codes: Vec<(&str, &str)> = st
        .problems
        .iter()
        .map(|p| (p.column.as_deref().unwrap_or(""), p.code))
        .collect();
    assert!(codes.contains(&("Mã KH nội bộ", "COLUMN_UNMAPPED_ACCOUNT")));
    assert!(codes.contains(&("Ghi chú", "COLUMN_UNKNOWN")));
    // The sample never shows the whole account, in any message.
    assert!(st.problems.iter().all(
        |p| !p.message_vi.contains("0011004123456") && !p.message_en.contains("0011004123456")
    ));
    // The account and reference columns the file lacks are named.
    assert!(st.missing_columns.contains(&StatementColumn::AccountNo));
    assert!(st.missing_columns.contains(&StatementColumn::Reference));
}

#[test]
fn a_mapping_names_the_column_recognition_cannot() {
    let csv = "Ngày giao dịch;Số tiền;Nội dung;Mã KH nội bộ\n\
               04/12/2026;-5000000;Chi tro cap;0011004123456\n";
    let st = read("a.csv", csv.as_bytes(), &["account=Mã KH nội bộ"]).unwrap();
    assert_eq!(st.rows[0].account_no.as_deref(), Some("0011004123456"));
    assert_eq!(
        st.columns
            .iter()
            .find(|m| m.column == StatementColumn::AccountNo)
            .map(|m| m.strength.as_str()),
        Some("mapped")
    );
    // A template header works as the field too, and `ignore` reads past a column.
    let st = read(
        "a.csv",
        csv.as_bytes(),
        &["Số tài khoản=Mã KH nội bộ", "ignore=Nội dung"],
    );
    // Ignoring the description leaves a required column missing.
    assert!(
        matches!(st, Err(ReadError::MissingColumns { .. })),
        "{st:?}"
    );
    // A field the list does not have, and a header the file does not have, are refused.
    assert!(matches!(
        read("a.csv", csv.as_bytes(), &["acount=Mã KH nội bộ"]),
        Err(ReadError::UnknownField { .. })
    ));
    match read("a.csv", csv.as_bytes(), &["account=STK"]) {
        Err(ReadError::MappedColumnNotFound { missing, found }) => {
            assert_eq!(missing, ["STK"]);
            assert!(found.contains(&"Mã KH nội bộ".to_owned()));
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn two_columns_claiming_one_field_are_refused_until_mapped() {
    let csv = "Ngày giao dịch;Số tiền;Nội dung;STK hưởng;Số TK nhận\n\
               04/12/2026;-5000000;Chi tro cap;0011004123456;0011004999999\n";
    match read("a.csv", csv.as_bytes(), &[]) {
        Err(e @ ReadError::ConflictingColumns { .. }) => {
            assert!(
                e.message_vi().contains("--map 'account="),
                "{}",
                e.message_vi()
            );
        }
        other => panic!("{other:?}"),
    }
    let st = read("a.csv", csv.as_bytes(), &["account=Số TK nhận"]).unwrap();
    assert_eq!(st.rows[0].account_no.as_deref(), Some("0011004999999"));
    assert!(
        st.problems
            .iter()
            .any(|p| p.code == "COLUMN_DUPLICATE" && p.column.as_deref() == Some("STK hưởng"))
    );
}

#[test]
fn a_header_naming_two_fields_is_reported_not_guessed() {
    let csv = "Ngày giao dịch;Số tiền;Nội dung;Thông tin tài khoản người nhận\n\
               04/12/2026;-5000000;Chi tro cap;0011004123456\n";
    let st = read("a.csv", csv.as_bytes(), &[]).unwrap();
    assert_eq!(st.rows[0].account_no, None);
    assert_eq!(st.ambiguous_columns.len(), 1);
    assert_eq!(
        st.ambiguous_columns[0].candidates,
        [StatementColumn::AccountNo, StatementColumn::Beneficiary]
    );
    assert!(st.problems.iter().any(|p| p.code == "COLUMN_AMBIGUOUS"));
}

#[test]
fn refusals_name_the_template_of_the_list_being_read() {
    let csv = "Ngày giao dịch;Số tiền;Số tài khoản\n04/12/2026;-5;001\n";
    let e = read("a.csv", csv.as_bytes(), &[]).unwrap_err();
    assert!(
        e.message_vi().contains("staffpay template statement"),
        "{e:?}"
    );
    assert!(!e.message_vi().contains("template roster"));
    let refs: HashMap<PaymentReference, KnownCase> = HashMap::new();
    let check = PaymentCheck {
        today: today(),
        references: &refs,
    };
    let e = read_payment_list(
        "p.csv",
        b"Ho va ten;So dinh danh;Ghi chu\nA;001070012345;x\n",
        &ReadOptions::default(),
        &check,
    )
    .unwrap_err();
    assert_eq!(
        e,
        ReadError::NoHeader {
            list: ListKind::PaymentList
        }
    );
    assert!(e.message_en().contains("staffpay template payment-list"));
}

/// A three-row header: a group over a sub-group over the leaf headings (merged cells keep
/// their text in the first cell).
#[test]
fn headers_over_three_rows_are_read() {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    let rows: [&[&str]; 4] = [
        &[
            "Ngày GD",
            "Thông tin người hưởng",
            "",
            "Số tiền",
            "",
            "Nội dung",
        ],
        &["", "Tài khoản", "Tên", "Phát sinh", "", ""],
        &["", "", "", "Nợ", "Có", ""],
        &[
            "04/12/2026",
            "0011004123456",
            "NGUYEN VAN A",
            "5000000",
            "",
            "Chi",
        ],
    ];
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                ws.write_string(
                    u32::try_from(r).unwrap() + 3,
                    u16::try_from(c).unwrap(),
                    *text,
                )
                .unwrap();
            }
        }
    }
    let bytes = wb.save_to_buffer().unwrap();
    let st = read("a.xlsx", &bytes, &[]).unwrap();
    assert_eq!(st.header_rows, (4, 6));
    assert_eq!(
        header_of(&st, StatementColumn::Debit),
        Some("Số tiền / Phát sinh / Nợ")
    );
    assert_eq!(
        header_of(&st, StatementColumn::AccountNo),
        Some("Thông tin người hưởng / Tài khoản")
    );
    assert_eq!(st.rows.len(), 1);
    assert_eq!(st.rows[0].account_no.as_deref(), Some("0011004123456"));
    assert_eq!(st.rows[0].amount.dong(), 5_000_000);
}

#[test]
fn roster_and_payment_headers_by_meaning() {
    assert_eq!(
        Column::from_header("Số CCCD người lao động"),
        Some(Column::NationalId)
    );
    assert_eq!(
        Column::from_header("STK ngân hàng"),
        Some(Column::BankAccount)
    );
    assert_eq!(Column::from_header("SĐT"), None);
    assert_eq!(
        PaymentColumn::from_header("Số tiền chi trả (đồng)"),
        Some(PaymentColumn::Amount)
    );
    assert_eq!(
        PaymentColumn::from_header("Mã tham chiếu TT"),
        Some(PaymentColumn::Reference)
    );
}

/// The constructed fixtures of `tests/fixtures/` (see its README): every line read with the
/// right date, direction, amount, account, name and references; no errors.
mod fixtures {
    use std::path::PathBuf;

    use staffpay::domain::ids::CaseId;
    use staffpay::import::payments::PaymentMethod;
    use staffpay::import::problem::Severity;
    use staffpay::import::statement::Direction;
    use staffpay::import::tabular::LookupFn;

    use super::*;

    fn dir(kind: &str) -> PathBuf {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(kind)
    }

    fn index(kind: &str) -> Vec<serde_json::Value> {
        let text = std::fs::read_to_string(dir(kind).join("expected.json")).unwrap();
        serde_json::from_str(&text).unwrap()
    }

    fn any_case(r: &PaymentReference) -> Option<KnownCase> {
        // A distinct case per reference: the reference's last twelve digits.
        let text = r.to_string();
        let digits = &text[text.len().saturating_sub(12)..];
        Some(KnownCase {
            case_id: CaseId(digits.parse().unwrap_or(0)),
            national_id: None,
        })
    }

    /// The fixtures' lines are dated 2–6 December 2026.
    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
    }

    /// Each fixture of `kind` (at least `min`): its file name, bytes and expected lines.
    fn fixtures(kind: &str, min: usize) -> Vec<(String, Vec<u8>, Vec<serde_json::Value>)> {
        let all: Vec<_> = index(kind)
            .into_iter()
            .map(|f| {
                let file = f["file"].as_str().unwrap().to_owned();
                let bytes = std::fs::read(dir(kind).join(&file)).unwrap();
                (file, bytes, f["lines"].as_array().unwrap().clone())
            })
            .collect();
        assert!(all.len() >= min, "{} {kind} fixtures", all.len());
        all
    }

    fn date(v: &serde_json::Value) -> NaiveDate {
        NaiveDate::parse_from_str(v.as_str().unwrap(), "%Y-%m-%d").unwrap()
    }

    #[test]
    fn every_statement_fixture_is_read_line_by_line() {
        let lookup = LookupFn(any_case);
        for (file, bytes, lines) in fixtures("statements", 12) {
            let file = file.as_str();
            let check = StatementCheck {
                today: today(),
                references: &lookup,
                sign: AmountSign::NegativeIsDebit,
            };
            let st = read_statement(file, &bytes, &ReadOptions::default(), &check)
                .unwrap_or_else(|e| panic!("{file}: {e:?}"));
            let errors: Vec<_> = st
                .problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{file}: {errors:#?}");
            assert_eq!(st.rows.len(), lines.len(), "{file}: {:#?}", st.rows);
            for (row, want) in st.rows.iter().zip(&lines) {
                let at = format!("{file} row {}", row.row_number);
                assert_eq!(row.date, date(&want["date"]), "{at}");
                let direction = match row.direction {
                    Direction::Debit => "debit",
                    Direction::Credit => "credit",
                };
                assert_eq!(direction, want["direction"], "{at}");
                assert_eq!(row.amount.dong(), want["amount"].as_i64().unwrap(), "{at}");
                assert_eq!(row.account_no.as_deref(), want["account"].as_str(), "{at}");
                assert_eq!(
                    row.beneficiary.as_deref(),
                    want["beneficiary"].as_str(),
                    "{at}"
                );
                assert_eq!(
                    row.bank_reference.as_deref(),
                    want["bank_reference"].as_str(),
                    "{at}"
                );
                let refs: Vec<String> = row
                    .payment_references
                    .iter()
                    .map(|r| r.to_string())
                    .collect();
                assert_eq!(refs, [want["payment_reference"].as_str().unwrap()], "{at}");
            }
        }
    }

    #[test]
    fn unknown_columns_of_the_fixtures_are_reported_with_masked_samples() {
        let lookup = LookupFn(any_case);
        let check = StatementCheck {
            today: today(),
            references: &lookup,
            sign: AmountSign::NegativeIsDebit,
        };
        let read = |file: &str| {
            let bytes = std::fs::read(dir("statements").join(file)).unwrap();
            read_statement(file, &bytes, &ReadOptions::default(), &check).unwrap()
        };
        let st = read("agribank.xlsx");
        let unknown: Vec<(&str, Option<&str>)> = st
            .unknown_columns
            .iter()
            .map(|u| (u.header.as_str(), u.sample.as_deref()))
            .collect();
        assert_eq!(unknown, [("SĐT liên hệ", Some("•••••••670"))]);
        assert!(
            st.problems
                .iter()
                .any(|p| p.code == "COLUMN_UNMAPPED_ACCOUNT"
                    && p.column.as_deref() == Some("SĐT liên hệ"))
        );
        let st = read("kbnn-bang-ke-3-dong.xlsx");
        let unknown: Vec<(&str, Option<&str>)> = st
            .unknown_columns
            .iter()
            .map(|u| (u.header.as_str(), u.sample.as_deref()))
            .collect();
        assert_eq!(
            unknown,
            [("Thông tin người hưởng / Ngân hàng", Some("Vietcombank"))]
        );
        let st = read("bidv.xlsx");
        assert!(
            st.problems
                .iter()
                .any(|p| p.code == "COLUMN_DUPLICATE"
                    && p.column.as_deref() == Some("Ngày giao dịch"))
        );
    }

    #[test]
    fn every_payment_list_fixture_is_read_line_by_line() {
        let lookup = LookupFn(any_case);
        for (file, bytes, lines) in fixtures("payment-lists", 6) {
            let file = file.as_str();
            let check = PaymentCheck {
                today: today(),
                references: &lookup,
            };
            let list = read_payment_list(file, &bytes, &ReadOptions::default(), &check)
                .unwrap_or_else(|e| panic!("{file}: {e:?}"));
            let errors: Vec<_> = list
                .problems
                .iter()
                .filter(|p| p.severity == Severity::Error)
                .collect();
            assert!(errors.is_empty(), "{file}: {errors:#?}");
            assert_eq!(list.rows.len(), lines.len(), "{file}: {:#?}", list.rows);
            for (row, want) in list.rows.iter().zip(&lines) {
                let at = format!("{file} row {}", row.row_number);
                assert_eq!(
                    row.reference.to_string(),
                    want["payment_reference"].as_str().unwrap(),
                    "{at}"
                );
                assert_eq!(row.amount.dong(), want["amount"].as_i64().unwrap(), "{at}");
                assert_eq!(row.date, date(&want["date"]), "{at}");
                let method = match row.method.unwrap_or(PaymentMethod::Transfer) {
                    PaymentMethod::Transfer => "transfer",
                    PaymentMethod::Cash => "cash",
                };
                assert_eq!(method, want["method"], "{at}");
            }
        }
    }
}
