//! Writes the constructed statement and payment-list fixtures of `tests/fixtures/` (issue 18)
//! with each file's expected lines: `cargo run --example document_fixtures -- tests/fixtures`.
//!
//! No public specification of the Treasury's or the banks' exports is at hand: every layout
//! here is *constructed* from the features listed in `tests/fixtures/README.md` (title and
//! account blocks, balance and turnover rows, running balances, dates with times, amounts as
//! text with separators and currency suffixes, debit/credit split or signed, several sheets,
//! CSV in UTF-8 and UTF-16). The `.xls` and `.ods` copies are converted from the `.xlsx` by
//! LibreOffice when `soffice` is installed (they are committed, so tests never need it).

#![expect(
    clippy::unwrap_used,
    reason = "a generator: a failure is a message and a stop"
)]

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, Worksheet};
use serde_json::json;
use staffpay::domain::payment_reference::PaymentReference;

/// A cell of a fixture.
#[derive(Clone)]
enum V {
    /// Text.
    S(String),
    /// A number.
    N(f64),
    /// A date cell (dd/mm/yyyy).
    D(u16, u8, u8),
    /// Empty.
    E,
}
use V::{D, E, N};

fn s(t: impl Into<String>) -> V {
    V::S(t.into())
}

/// One statement line as the fixtures expect it to be read.
#[derive(Clone)]
struct Line {
    day: u8,
    debit: bool,
    amount: i64,
    account: &'static str,
    name: &'static str,
    reference: String,
    case: u32,
}

fn reference(case: u32) -> String {
    PaymentReference::new(12, case).to_string()
}

fn lines() -> Vec<Line> {
    let people = [
        ("0011004123456", "NGUYEN VAN AN", 178_588_800),
        ("1903555512340", "TRAN THI BINH", 254_312_500),
        ("3100205789012", "LE VAN CUONG", 96_450_000),
        ("0451000234567", "PHAM THI DUNG", 412_905_600),
    ];
    let mut out: Vec<Line> = people
        .iter()
        .enumerate()
        .map(|(i, (account, name, amount))| Line {
            day: 2 + u8::try_from(i).unwrap(),
            debit: true,
            amount: *amount,
            account,
            name,
            reference: format!("FT2633{:06}", 4100 + i),
            case: 101 + u32::try_from(i).unwrap(),
        })
        .collect();
    // A transfer returned by the beneficiary's bank: money in.
    out.push(Line {
        day: 6,
        debit: false,
        amount: 96_450_000,
        account: "3100205789012",
        name: "LE VAN CUONG",
        reference: "FT2633004199".into(),
        case: 103,
    });
    out
}

fn description(l: &Line) -> String {
    if l.debit {
        format!(
            "Chi tro cap theo ND 178/2024/ND-CP {} {}",
            reference(l.case),
            l.name
        )
    } else {
        format!("Hoan tra chuyen khoan {} sai ten TK", reference(l.case))
    }
}

fn expected_line(
    l: &Line,
    with_account: bool,
    with_name: bool,
    with_ref: bool,
) -> serde_json::Value {
    json!({
        "date": format!("2026-12-{:02}", l.day),
        "direction": if l.debit { "debit" } else { "credit" },
        "amount": l.amount,
        "account": with_account.then_some(l.account),
        "beneficiary": with_name.then_some(l.name),
        "bank_reference": with_ref.then_some(l.reference.clone()),
        "payment_reference": reference(l.case),
    })
}

fn dots(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

fn commas(n: i64) -> String {
    dots(n).replace('.', ",")
}

fn write(ws: &mut Worksheet, rows: &[(u32, Vec<V>)]) {
    let date = Format::new().set_num_format("dd/mm/yyyy");
    for (row, cells) in rows {
        for (col, v) in cells.iter().enumerate() {
            let col = u16::try_from(col).unwrap();
            match v {
                V::S(t) => {
                    ws.write_string(*row, col, t).unwrap();
                }
                N(n) => {
                    ws.write_number(*row, col, *n).unwrap();
                }
                D(y, m, d) => {
                    let dt = ExcelDateTime::from_ymd(*y, *m, *d).unwrap();
                    ws.write_datetime_with_format(*row, col, dt, &date).unwrap();
                }
                E => {}
            }
        }
    }
}

/// A sheet's rows, each with its 0-based row number.
type Rows = Vec<(u32, Vec<V>)>;

fn xlsx(sheets: &[(&str, Rows)]) -> Vec<u8> {
    let mut wb = Workbook::new();
    for (name, rows) in sheets {
        let ws = wb.add_worksheet();
        ws.set_name(*name).unwrap();
        write(ws, rows);
    }
    wb.save_to_buffer().unwrap()
}

/// Rows numbered from `start`.
fn numbered(start: u32, rows: Vec<Vec<V>>) -> Vec<(u32, Vec<V>)> {
    rows.into_iter()
        .enumerate()
        .map(|(i, r)| (start + u32::try_from(i).unwrap(), r))
        .collect()
}

struct Fixture {
    file: String,
    style: &'static str,
    features: Vec<&'static str>,
    bytes: Vec<u8>,
    expected: serde_json::Value,
    /// Also write an `.xls` / `.ods` copy converted by LibreOffice.
    convert: Option<&'static str>,
}

fn kbnn_two_row(ls: &[Line]) -> Fixture {
    let mut rows = vec![
        (0, vec![s("KHO BẠC NHÀ NƯỚC KHU VỰC II")]),
        (1, vec![s("SAO KÊ TÀI KHOẢN (CHI TIẾT PHÁT SINH)")]),
        (
            2,
            vec![
                s("Số tài khoản: 3713.0.1059842.00000"),
                E,
                E,
                s("Tên tài khoản: UBND phường Sài Gòn"),
            ],
        ),
        (
            3,
            vec![
                s("Từ ngày 01/12/2026 đến ngày 04/12/2026"),
                E,
                E,
                s("Loại tiền: VND"),
            ],
        ),
        (
            5,
            vec![
                s("STT"),
                s("Ngày GD"),
                s("Số chứng từ"),
                s("Nội dung CK"),
                s("STK hưởng"),
                s("Tên người hưởng"),
                s("Số tiền"),
                E,
                s("Số dư"),
            ],
        ),
        (
            6,
            vec![E, E, E, E, E, E, s("Phát sinh Nợ"), s("Phát sinh Có"), E],
        ),
        (
            7,
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
            8,
            vec![E, E, E, s("Số dư đầu kỳ"), E, E, E, E, N(2_000_000_000.0)],
        ),
    ];
    let mut balance = 2_000_000_000i64;
    for (i, l) in ls.iter().enumerate() {
        balance += if l.debit { -l.amount } else { l.amount };
        #[expect(clippy::cast_precision_loss, reason = "amounts below 2^53")]
        let amount = N(l.amount as f64);
        #[expect(clippy::cast_precision_loss, reason = "amounts below 2^53")]
        let bal = N(balance as f64);
        rows.push((
            9 + u32::try_from(i).unwrap(),
            vec![
                N(f64::from(u32::try_from(i + 1).unwrap())),
                D(2026, 12, l.day),
                s(&l.reference),
                s(description(l)),
                s(l.account),
                s(l.name),
                if l.debit { amount.clone() } else { E },
                if l.debit { E } else { amount },
                bal,
            ],
        ));
    }
    let end = 9 + u32::try_from(ls.len()).unwrap();
    rows.push((
        end,
        vec![E, E, E, s("Cộng phát sinh"), E, E, N(1.0), N(1.0), E],
    ));
    rows.push((
        end + 1,
        vec![E, E, E, s("Số dư cuối kỳ"), E, E, E, E, N(1.0)],
    ));
    rows.push((
        end + 3,
        vec![
            E,
            s("Người lập biểu"),
            E,
            E,
            s("Kế toán trưởng"),
            E,
            s("Giám đốc"),
        ],
    ));
    Fixture {
        file: "kbnn-sao-ke.xlsx".into(),
        style: "Kho bạc Nhà nước (KBNN) account statement",
        features: vec![
            "title and account block above the table (account, holder, period, currency)",
            "two-row header: Số tiền over Phát sinh Nợ / Phát sinh Có (merged group heading)",
            "abbreviated headers: Ngày GD, Nội dung CK, STK hưởng",
            "a row of column numbers (1)…(9) under the header",
            "opening balance row, turnover row and closing balance row (skipped)",
            "running balance column (Số dư: recognised, not read)",
            "date cells formatted dd/mm/yyyy, amounts as numbers",
            "signature block below",
        ],
        bytes: xlsx(&[("Sao ke", rows)]),
        expected: json!(
            ls.iter()
                .map(|l| expected_line(l, true, true, true))
                .collect::<Vec<_>>()
        ),
        convert: Some("xls"),
    }
}

fn kbnn_three_row(ls: &[Line]) -> Fixture {
    let mut rows = numbered(
        0,
        vec![
            vec![
                s("KHO BẠC NHÀ NƯỚC"),
                E,
                E,
                E,
                s("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ],
            vec![s("BẢNG KÊ CHỨNG TỪ THANH TOÁN")],
            vec![],
        ],
    );
    rows.retain(|(_, r)| !r.is_empty());
    rows.extend(numbered(
        4,
        vec![
            vec![
                s("Ngày hạch toán"),
                s("Số CT"),
                s("Thông tin người hưởng"),
                E,
                E,
                s("Số tiền"),
                E,
                s("Diễn giải"),
            ],
            vec![
                E,
                E,
                s("Tài khoản"),
                s("Tên"),
                s("Ngân hàng"),
                s("Phát sinh"),
                E,
                E,
            ],
            vec![E, E, E, E, E, s("Nợ"), s("Có"), E],
        ],
    ));
    for (i, l) in ls.iter().enumerate() {
        let amount = s(dots(l.amount));
        rows.push((
            7 + u32::try_from(i).unwrap(),
            vec![
                s(format!("{:02}/12/2026", l.day)),
                s(&l.reference),
                s(l.account),
                s(l.name),
                s("Vietcombank"),
                if l.debit { amount.clone() } else { E },
                if l.debit { E } else { amount },
                s(description(l)),
            ],
        ));
    }
    let end = 7 + u32::try_from(ls.len()).unwrap();
    rows.push((end, vec![s("Tổng cộng"), E, E, E, E, s("1"), s("1")]));
    Fixture {
        file: "kbnn-bang-ke-3-dong.xlsx".into(),
        style: "Kho bạc Nhà nước (KBNN) payment voucher list",
        features: vec![
            "three-row header: Thông tin người hưởng over Tài khoản / Tên / Ngân hàng; Số tiền over Phát sinh over Nợ / Có",
            "dates as text dd/mm/yyyy",
            "amounts as text with dots as thousand separators",
            "an unknown column (Ngân hàng) listed with its sample",
            "total row (Tổng cộng) ends the table",
        ],
        bytes: xlsx(&[("Bang ke", rows)]),
        expected: json!(
            ls.iter()
                .map(|l| expected_line(l, true, true, true))
                .collect::<Vec<_>>()
        ),
        convert: None,
    }
}

fn vietcombank(ls: &[Line]) -> (Fixture, Fixture) {
    let header = [
        "STT",
        "Ngày giao dịch",
        "Số tham chiếu",
        "Số tiền ghi nợ",
        "Số tiền ghi có",
        "Số dư",
        "Mô tả",
    ];
    let mut rows = vec![
        (0, vec![s("NGÂN HÀNG TMCP NGOẠI THƯƠNG VIỆT NAM")]),
        (1, vec![s("SAO KÊ TÀI KHOẢN / ACCOUNT STATEMENT")]),
        (
            3,
            vec![s("Số tài khoản / Account number:"), E, s("0071001234567")],
        ),
        (
            4,
            vec![
                s("Tên tài khoản / Account name:"),
                E,
                s("SO NOI VU TP HO CHI MINH"),
            ],
        ),
        (
            5,
            vec![
                s("Từ ngày / From: 01/12/2026"),
                E,
                s("Đến ngày / To: 04/12/2026"),
            ],
        ),
        (7, header.iter().map(|h| s(*h)).collect()),
    ];
    let mut csv = String::from("\u{feff}");
    csv.push_str("SAO KÊ TÀI KHOẢN\nSố tài khoản:,0071001234567\n\n");
    csv.push_str(&header.join(","));
    csv.push('\n');
    for (i, l) in ls.iter().enumerate() {
        let when = format!("{:02}/12/2026 {:02}:35:02", l.day, 8 + i);
        let amount = format!("{} VND", dots(l.amount));
        rows.push((
            8 + u32::try_from(i).unwrap(),
            vec![
                N(f64::from(u32::try_from(i + 1).unwrap())),
                s(&when),
                s(&l.reference),
                if l.debit { s(&amount) } else { E },
                if l.debit { E } else { s(&amount) },
                s("1.000.000.000 VND"),
                s(description(l)),
            ],
        ));
        let (debit, credit) = if l.debit {
            (format!("\"{}\"", commas(l.amount)), String::new())
        } else {
            (String::new(), format!("\"{}\"", commas(l.amount)))
        };
        csv.push_str(&format!(
            "{},{when},{},{debit},{credit},\"1,000,000,000\",\"{}\"\n",
            i + 1,
            l.reference,
            description(l)
        ));
    }
    let end = 8 + u32::try_from(ls.len()).unwrap();
    rows.push((
        end,
        vec![E, s("Tổng số tiền ghi nợ / Total debit"), E, s("1")],
    ));
    let expected = json!(
        ls.iter()
            .map(|l| expected_line(l, false, false, true))
            .collect::<Vec<_>>()
    );
    (
        Fixture {
            file: "vietcombank.xlsx".into(),
            style: "Vietcombank account statement export",
            features: vec![
                "bilingual title and account block above the table",
                "dates with times as text (04/12/2026 14:35:02)",
                "amounts as text with dots and a VND suffix",
                "debit and credit in separate columns, running balance",
                "no beneficiary account column: the description carries the payment reference",
                "total row below",
            ],
            bytes: xlsx(&[("Statement", rows)]),
            expected: expected.clone(),
            convert: None,
        },
        Fixture {
            file: "vietcombank.csv".into(),
            style: "Vietcombank account statement export, CSV",
            features: vec![
                "CSV in UTF-8 with a byte-order mark, comma separated",
                "title lines above the header",
                "amounts quoted with commas as thousand separators",
                "dates with times",
            ],
            bytes: csv.into_bytes(),
            expected,
            convert: None,
        },
    )
}

fn bidv(ls: &[Line]) -> Fixture {
    let mut rows = vec![
        (
            0,
            vec![s("NGÂN HÀNG TMCP ĐẦU TƯ VÀ PHÁT TRIỂN VIỆT NAM - BIDV")],
        ),
        (2, vec![s("SAO KÊ GIAO DỊCH TÀI KHOẢN")]),
        (3, vec![s("Tài khoản: 31410001234567 - VND")]),
        (
            5,
            vec![
                s("STT"),
                s("Ngày hiệu lực"),
                s("Ngày giao dịch"),
                s("Mã giao dịch"),
                s("Số tiền ghi nợ"),
                s("Số tiền ghi có"),
                s("Số dư"),
                s("Nội dung giao dịch"),
                s("Tài khoản đối ứng"),
                s("Tên tài khoản đối ứng"),
            ],
        ),
        (
            6,
            vec![E, E, E, E, E, E, N(2_000_000_000.0), s("Số dư đầu kỳ")],
        ),
    ];
    for (i, l) in ls.iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "amounts below 2^53")]
        let amount = N(l.amount as f64);
        rows.push((
            7 + u32::try_from(i).unwrap(),
            vec![
                N(f64::from(u32::try_from(i + 1).unwrap())),
                D(2026, 12, l.day),
                D(2026, 12, l.day),
                s(&l.reference),
                if l.debit { amount.clone() } else { E },
                if l.debit { E } else { amount },
                N(1_000_000_000.0),
                s(description(l)),
                s(l.account),
                s(l.name),
            ],
        ));
    }
    Fixture {
        file: "bidv.xlsx".into(),
        style: "BIDV account statement export",
        features: vec![
            "two date columns (value date, transaction date): the first is read, the second reported as a duplicate",
            "counterparty account and name columns (Tài khoản đối ứng, Tên tài khoản đối ứng)",
            "opening balance row without a date (skipped)",
            "date cells, amounts as numbers",
        ],
        bytes: xlsx(&[("Sao ke", rows)]),
        expected: json!(
            ls.iter()
                .map(|l| expected_line(l, true, true, true))
                .collect::<Vec<_>>()
        ),
        convert: Some("ods"),
    }
}

fn vietinbank(ls: &[Line]) -> Fixture {
    let mut rows = vec![
        (0, vec![s("VietinBank")]),
        (1, vec![s("SAO KÊ TÀI KHOẢN")]),
        (
            2,
            vec![
                s("Số TK: 111000123456"),
                E,
                E,
                s("Chủ TK: BAN QUAN LY DU AN"),
            ],
        ),
        (
            4,
            vec![
                s("Ngày GD"),
                s("Diễn giải"),
                s("Nợ"),
                s("Có"),
                s("Số dư"),
                s("Số CT"),
                s("TK đối ứng"),
                s("Tên TK đối ứng"),
            ],
        ),
    ];
    for (i, l) in ls.iter().enumerate() {
        rows.push((
            5 + u32::try_from(i).unwrap(),
            vec![
                s(format!("2026-12-{:02} 09:1{}:00", l.day, i)),
                s(description(l)),
                if l.debit { s(commas(l.amount)) } else { E },
                if l.debit { E } else { s(commas(l.amount)) },
                s("1,000,000,000"),
                s(&l.reference),
                s(l.account),
                s(l.name),
            ],
        ));
    }
    Fixture {
        file: "vietinbank.xlsx".into(),
        style: "VietinBank account statement export",
        features: vec![
            "short headers: Nợ / Có, Số CT, TK đối ứng, Tên TK đối ứng",
            "ISO dates with times as text (2026-12-02 09:10:00)",
            "amounts as text with commas as thousand separators",
        ],
        bytes: xlsx(&[("Sheet1", rows)]),
        expected: json!(
            ls.iter()
                .map(|l| expected_line(l, true, true, true))
                .collect::<Vec<_>>()
        ),
        convert: Some("xls"),
    }
}

fn agribank(ls: &[Line]) -> (Fixture, Fixture) {
    let header = [
        "Ngày GD",
        "Số CT",
        "Nội dung",
        "PS Nợ",
        "PS Có",
        "Số dư",
        "SĐT liên hệ",
    ];
    let mut rows = vec![
        (
            0,
            vec![s("NGÂN HÀNG NÔNG NGHIỆP VÀ PHÁT TRIỂN NÔNG THÔN VIỆT NAM")],
        ),
        (1, vec![s("SAO KÊ TÀI KHOẢN TIỀN GỬI")]),
        (3, header.iter().map(|h| s(*h)).collect()),
    ];
    let mut tsv = String::from("SAO KÊ TÀI KHOẢN TIỀN GỬI\n");
    tsv.push_str(&header.join("\t"));
    tsv.push('\n');
    for (i, l) in ls.iter().enumerate() {
        let amount = format!("{}đ", dots(l.amount));
        let phone = format!("09{:08}", 12_345_670 + i);
        rows.push((
            4 + u32::try_from(i).unwrap(),
            vec![
                s(format!("{:02}/12/2026", l.day)),
                s(&l.reference),
                s(description(l)),
                if l.debit { s(&amount) } else { E },
                if l.debit { E } else { s(&amount) },
                s("1.000.000.000đ"),
                s(&phone),
            ],
        ));
        let (debit, credit) = if l.debit {
            (amount.clone(), String::new())
        } else {
            (String::new(), amount.clone())
        };
        tsv.push_str(&format!(
            "{:02}/12/2026\t{}\t{}\t{debit}\t{credit}\t1.000.000.000đ\t{phone}\n",
            l.day,
            l.reference,
            description(l)
        ));
    }
    let end = 4 + u32::try_from(ls.len()).unwrap();
    rows.push((end, vec![s("Cộng phát sinh"), E, E, s("1đ"), s("1đ")]));
    let mut utf16 = vec![0xFF, 0xFE];
    for unit in tsv.encode_utf16() {
        utf16.extend_from_slice(&unit.to_le_bytes());
    }
    let expected = json!(
        ls.iter()
            .map(|l| expected_line(l, false, false, true))
            .collect::<Vec<_>>()
    );
    (
        Fixture {
            file: "agribank.xlsx".into(),
            style: "Agribank account statement export",
            features: vec![
                "abbreviated headers: Ngày GD, Số CT, PS Nợ, PS Có, SĐT",
                "amounts as text with dots and an đ suffix",
                "a phone number column (SĐT liên hệ): not read, sample masked",
                "turnover row (Cộng phát sinh) ends the table",
            ],
            bytes: xlsx(&[("Sao ke", rows)]),
            expected: expected.clone(),
            convert: None,
        },
        Fixture {
            file: "agribank-utf16.csv".into(),
            style: "Agribank statement saved as Unicode text",
            features: vec![
                "CSV in UTF-16 little-endian with a byte-order mark, tab separated",
                "a title line above the header",
                "amounts with an đ suffix",
            ],
            bytes: utf16,
            expected,
            convert: None,
        },
    )
}

fn signed(ls: &[Line]) -> Fixture {
    let mut rows = vec![
        (0, vec![s("LỊCH SỬ GIAO DỊCH")]),
        (
            2,
            vec![
                s("Thời gian giao dịch"),
                s("Mã GD"),
                s("Số tiền giao dịch"),
                s("Số dư sau GD"),
                s("Nội dung"),
                s("Số tài khoản nhận"),
                s("Tên người nhận"),
            ],
        ),
    ];
    for (i, l) in ls.iter().enumerate() {
        let amount = if l.debit { -l.amount } else { l.amount };
        rows.push((
            3 + u32::try_from(i).unwrap(),
            vec![
                s(format!("{:02}/12/2026 10:0{}", l.day, i)),
                s(&l.reference),
                s(format!("{} đ", dots(amount))),
                s("1.000.000.000 đ"),
                s(description(l)),
                s(l.account),
                s(l.name),
            ],
        ));
    }
    Fixture {
        file: "giao-dich-so-tien-co-dau.xlsx".into(),
        style: "bank transaction history with one signed amount column",
        features: vec![
            "one signed amount column (negative = money out) with an đ suffix",
            "Thời gian giao dịch with times, Mã GD, Số dư sau GD",
            "beneficiary account and name columns",
        ],
        bytes: xlsx(&[("Lich su", rows)]),
        expected: json!(
            ls.iter()
                .map(|l| expected_line(l, true, true, true))
                .collect::<Vec<_>>()
        ),
        convert: None,
    }
}

fn several_sheets(ls: &[Line]) -> Fixture {
    let info = vec![
        (0, vec![s("THÔNG TIN TÀI KHOẢN")]),
        (1, vec![s("Số tài khoản"), s("3713.0.1059842.00000")]),
        (2, vec![s("Chủ tài khoản"), s("UBND PHUONG SAI GON")]),
    ];
    let mut rows = vec![(
        0,
        vec![
            s("Ngày"),
            s("Số bút toán"),
            s("Nội dung thanh toán"),
            s("Ghi nợ"),
            s("Ghi có"),
            s("Số tài khoản người hưởng"),
            s("Người thụ hưởng"),
        ],
    )];
    for (i, l) in ls.iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "amounts below 2^53")]
        let amount = N(l.amount as f64);
        rows.push((
            1 + u32::try_from(i).unwrap(),
            vec![
                D(2026, 12, l.day),
                s(&l.reference),
                s(description(l)),
                if l.debit { amount.clone() } else { E },
                if l.debit { E } else { amount },
                s(l.account),
                s(l.name),
            ],
        ));
    }
    Fixture {
        file: "nhieu-trang-tinh.xlsx".into(),
        style: "statement workbook with an account sheet before the lines",
        features: vec![
            "several sheets: the first holds the account block only, the second the lines",
            "the sheet with a header is found without --sheet",
        ],
        bytes: xlsx(&[("Thong tin", info), ("Chi tiet", rows)]),
        expected: json!(
            ls.iter()
                .map(|l| expected_line(l, true, true, true))
                .collect::<Vec<_>>()
        ),
        convert: None,
    }
}

fn english(ls: &[Line]) -> Fixture {
    let mut csv = String::from(
        "Account statement;;;;;\nTransaction date;Reference;Debit;Credit;Balance;Description;Beneficiary account\n",
    );
    for l in ls {
        let (debit, credit) = if l.debit {
            (l.amount.to_string(), String::new())
        } else {
            (String::new(), l.amount.to_string())
        };
        csv.push_str(&format!(
            "2026-12-{:02}T14:35:02;{};{debit};{credit};1000000000;{};{}\n",
            l.day,
            l.reference,
            description(l),
            l.account
        ));
    }
    Fixture {
        file: "english-export.csv".into(),
        style: "English-language bank export (internet banking)",
        features: vec![
            "English headers, semicolon separated, plain amounts",
            "ISO dates with times (2026-12-04T14:35:02)",
        ],
        bytes: csv.into_bytes(),
        expected: json!(
            ls.iter()
                .map(|l| expected_line(l, true, false, true))
                .collect::<Vec<_>>()
        ),
        convert: None,
    }
}

/// One payment (payments made) as expected.
fn payment_expected(case: u32, amount: i64, day: u8, method: &str) -> serde_json::Value {
    json!({"payment_reference": reference(case), "amount": amount, "date": format!("2026-12-{day:02}"), "method": method})
}

fn payment_lists() -> Vec<Fixture> {
    let people = [
        (101u32, "Nguyễn Văn An", 178_588_800i64, 2u8),
        (102, "Trần Thị Bình", 254_312_500, 3),
        (103, "Lê Văn Cường", 96_450_000, 4),
    ];
    let expected: Vec<_> = people
        .iter()
        .map(|(c, _, a, d)| payment_expected(*c, *a, *d, "transfer"))
        .collect();
    let mut out = Vec::new();
    // 1. The template's layout.
    let mut rows = vec![(
        0,
        [
            "STT",
            "Mã tham chiếu thanh toán",
            "Họ và tên",
            "Số định danh",
            "Số tiền",
            "Ngày chi",
            "Hình thức",
            "Đơn vị chi",
        ]
        .iter()
        .map(|h| s(*h))
        .collect::<Vec<_>>(),
    )];
    for (i, (c, n, a, d)) in people.iter().enumerate() {
        #[expect(clippy::cast_precision_loss, reason = "amounts below 2^53")]
        let amount = N(*a as f64);
        rows.push((
            1 + u32::try_from(i).unwrap(),
            vec![
                N(f64::from(u32::try_from(i + 1).unwrap())),
                s(reference(*c)),
                s(*n),
                E,
                amount,
                D(2026, 12, *d),
                s("Chuyển khoản"),
                s("79"),
            ],
        ));
    }
    out.push(Fixture {
        file: "chi-tra-mau.xlsx".into(),
        style: "payment list in staffpay's template layout",
        features: vec!["template headers", "date cells, amounts as numbers"],
        bytes: xlsx(&[("Danh sách chi trả", rows)]),
        expected: json!(expected),
        convert: Some("xls"),
    });
    // 2. An official list: title, two-row header, totals and signatures.
    let mut rows = vec![
        (
            0,
            vec![
                s("UBND THÀNH PHỐ HỒ CHÍ MINH"),
                E,
                E,
                E,
                s("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
            ],
        ),
        (
            1,
            vec![s("SỞ NỘI VỤ"), E, E, E, s("Độc lập - Tự do - Hạnh phúc")],
        ),
        (
            3,
            vec![s("DANH SÁCH CHI TRẢ CHẾ ĐỘ THEO NGHỊ ĐỊNH 178/2024/NĐ-CP")],
        ),
        (
            5,
            vec![
                s("TT"),
                s("Họ tên"),
                s("Số CCCD"),
                s("Mã hồ sơ chi trả"),
                s("Chi trả"),
                E,
                E,
                s("Ghi chú"),
            ],
        ),
        (
            6,
            vec![
                E,
                E,
                E,
                E,
                s("Số tiền (đồng)"),
                s("Ngày chi trả"),
                s("Hình thức chi trả"),
                E,
            ],
        ),
        (
            7,
            vec![
                s("1"),
                s("2"),
                s("3"),
                s("4"),
                s("5"),
                s("6"),
                s("7"),
                s("8"),
            ],
        ),
    ];
    for (i, (c, n, a, d)) in people.iter().enumerate() {
        rows.push((
            8 + u32::try_from(i).unwrap(),
            vec![
                s((i + 1).to_string()),
                s(*n),
                E,
                s(reference(*c)),
                s(dots(*a)),
                s(format!("{d:02}/12/2026")),
                s("CK"),
                s("Chi lần 1"),
            ],
        ));
    }
    rows.push((11, vec![E, s("Tổng cộng"), E, E, s("529.351.300")]));
    rows.push((
        13,
        vec![
            E,
            s("Người lập biểu"),
            E,
            E,
            s("Kế toán trưởng"),
            E,
            s("Thủ trưởng đơn vị"),
        ],
    ));
    out.push(Fixture {
        file: "chi-tra-chinh-thuc.xlsx".into(),
        style: "official payment list with title, motto and signature blocks",
        features: vec![
            "issuing body and national motto above the table",
            "two-row header: Chi trả over Số tiền (đồng) / Ngày chi trả / Hình thức chi trả",
            "a row of column numbers 1…8",
            "amounts as text with dots, method written as CK",
            "total row and signatures below; an unknown Ghi chú column",
        ],
        bytes: xlsx(&[("DS chi tra", rows)]),
        expected: json!(expected),
        convert: None,
    });
    // 3. CSV, semicolons, abbreviated headers.
    let mut csv =
        String::from("STT;Mã TC thanh toán;Họ và tên;Số tiền chi (VND);Ngày TT;Hình thức TT\n");
    for (i, (c, n, a, d)) in people.iter().enumerate() {
        csv.push_str(&format!(
            "{};{};{n};{};{d:02}/12/2026;Chuyển khoản\n",
            i + 1,
            reference(*c),
            dots(*a)
        ));
    }
    out.push(Fixture {
        file: "chi-tra.csv".into(),
        style: "payment list exported as CSV by an accounting package",
        features: vec![
            "semicolon separated UTF-8",
            "abbreviated headers: Mã TC thanh toán, Ngày TT, Hình thức TT",
            "amounts with dots",
        ],
        bytes: csv.into_bytes(),
        expected: json!(expected),
        convert: None,
    });
    // 4. Cash and transfer, amounts with a VND suffix, extra words in headers.
    let mut rows = vec![(
        2,
        [
            "Số thứ tự",
            "Mã tham chiếu của hồ sơ",
            "Người hưởng",
            "Số tiền đã chi trả (VND)",
            "Ngày chi cho người hưởng",
            "Hình thức chi",
            "Số điện thoại",
        ]
        .iter()
        .map(|h| s(*h))
        .collect::<Vec<_>>(),
    )];
    let mut exp = Vec::new();
    for (i, (c, n, a, d)) in people.iter().enumerate() {
        let method = if i == 1 {
            "Tiền mặt"
        } else {
            "Chuyển khoản"
        };
        rows.push((
            3 + u32::try_from(i).unwrap(),
            vec![
                N(f64::from(u32::try_from(i + 1).unwrap())),
                s(reference(*c)),
                s(*n),
                s(format!("{} VND", commas(*a))),
                D(2026, 12, *d),
                s(method),
                s(format!("091234567{i}")),
            ],
        ));
        exp.push(payment_expected(
            *c,
            *a,
            *d,
            if i == 1 { "cash" } else { "transfer" },
        ));
    }
    out.push(Fixture {
        file: "chi-tra-tien-mat.xlsx".into(),
        style: "payment list with cash and transfer payments",
        features: vec![
            "headers with extra words",
            "amounts as text with commas and VND",
            "cash and transfer",
            "a phone column (not read, masked)",
        ],
        bytes: xlsx(&[("Sheet1", rows)]),
        expected: json!(exp),
        convert: Some("ods"),
    });
    // 5. Two payments of one case (a supplement), national ids given.
    let mut rows = vec![(
        0,
        [
            "STT",
            "Mã tham chiếu thanh toán",
            "Số định danh cá nhân",
            "Họ và tên",
            "Số tiền",
            "Ngày chi",
            "Ghi chú",
        ]
        .iter()
        .map(|h| s(*h))
        .collect::<Vec<_>>(),
    )];
    rows.push((
        1,
        vec![
            N(1.0),
            s(reference(104)),
            s("079066001239"),
            s("Phạm Thị Dung"),
            N(400_000_000.0),
            D(2026, 12, 3),
            s("Chi lần 1"),
        ],
    ));
    rows.push((
        2,
        vec![
            N(2.0),
            s(reference(104)),
            s("079066001239"),
            s("Phạm Thị Dung"),
            N(12_905_600.0),
            D(2026, 12, 4),
            s("Chi bổ sung theo Nghị định 67/2025/NĐ-CP"),
        ],
    ));
    out.push(Fixture {
        file: "chi-tra-bo-sung.xlsx".into(),
        style: "payment list with a supplementary payment of one case",
        features: vec![
            "one case paid twice (the second a supplement)",
            "national id column",
        ],
        bytes: xlsx(&[("DS", rows)]),
        expected: json!([
            payment_expected(104, 400_000_000, 3, "transfer"),
            payment_expected(104, 12_905_600, 4, "transfer")
        ]),
        convert: None,
    });
    // 6. English headers.
    let mut csv =
        String::from("No,Payment reference,Full name,Amount paid,Paid on,Payment method\n");
    for (i, (c, n, a, d)) in people.iter().enumerate() {
        csv.push_str(&format!(
            "{},{},{n},{a},2026-12-{d:02},transfer\n",
            i + 1,
            reference(*c)
        ));
    }
    out.push(Fixture {
        file: "payments-english.csv".into(),
        style: "payment list with English headers",
        features: vec!["English headers, comma separated", "ISO dates"],
        bytes: csv.into_bytes(),
        expected: json!(expected),
        convert: None,
    });
    out
}

fn convert(dir: &Path, file: &str, to: &str) -> Option<String> {
    let status = std::process::Command::new("soffice")
        .args(["--headless", "--convert-to", to, "--outdir"])
        .arg(dir)
        .arg(dir.join(file))
        .output()
        .ok()?;
    if !status.status.success() {
        return None;
    }
    let stem = file.rsplit_once('.').map_or(file, |(s, _)| s);
    let name = format!("{stem}.{to}");
    dir.join(&name).exists().then_some(name)
}

fn emit(dir: &Path, fixtures: Vec<Fixture>) -> Vec<serde_json::Value> {
    std::fs::create_dir_all(dir).unwrap();
    let mut index = Vec::new();
    for f in fixtures {
        std::fs::write(dir.join(&f.file), &f.bytes).unwrap();
        index.push(
            json!({"file": f.file, "style": f.style, "features": f.features, "lines": f.expected}),
        );
        if let Some(to) = f.convert {
            match convert(dir, &f.file, to) {
                Some(name) => index.push(json!({
                    "file": name,
                    "style": format!("{} (converted to .{to} by LibreOffice, as old software saves it)", f.style),
                    "features": [format!("the .{to} format")],
                    "lines": f.expected,
                })),
                None => eprintln!("soffice not available: {} not converted to .{to}", f.file),
            }
        }
    }
    index
}

fn main() {
    let root: PathBuf = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("tests/fixtures"), PathBuf::from);
    let ls = lines();
    let (vcb, vcb_csv) = vietcombank(&ls);
    let (agri, agri_csv) = agribank(&ls);
    let statements = vec![
        kbnn_two_row(&ls),
        kbnn_three_row(&ls),
        vcb,
        vcb_csv,
        bidv(&ls),
        vietinbank(&ls),
        agri,
        agri_csv,
        signed(&ls),
        several_sheets(&ls),
        english(&ls),
    ];
    let dir = root.join("statements");
    let index = emit(&dir, statements);
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_string_pretty(&index).unwrap() + "\n",
    )
    .unwrap();
    let dir = root.join("payment-lists");
    let index = emit(&dir, payment_lists());
    std::fs::write(
        dir.join("expected.json"),
        serde_json::to_string_pretty(&index).unwrap() + "\n",
    )
    .unwrap();
    println!("fixtures written under {}", root.display());
}
