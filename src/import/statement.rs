//! Reading a State Treasury or bank statement (xlsx/xls/ods/csv) into checked lines, with the
//! roster reading machinery (see [`super::tabular`]).
//!
//! Columns (Vietnamese or English headers, diacritics and case ignored): transaction date,
//! amount — one signed column, or separate debit (Ghi nợ) and credit (Ghi có) columns —,
//! beneficiary account number and name, description, bank reference, sequence number.
//! Payments out are debits. Opening/closing balance and turnover rows are skipped; the data
//! ends at a total or signature row, as in rosters.
//!
//! Per line: the date is required and not after `today`; the amount is whole đồng and not
//! zero; a line repeating an earlier line of the file (same account, date, amount, reference
//! and sequence) is refused; payment references in the description are read, and a valid
//! reference of no known case, or a reference whose check digits are wrong, is a warning
//! (the line may still match by its details).

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::Serialize;

use super::cell::Cell;
use super::convert::{self, Bufs, Converted, Issue};
use super::error::{ListKind, ReadError};
use super::grid::GridRow;
use super::header::{HeaderColumn, RowKind};
use super::list_template::{CellKind, ListTemplate, TemplateColumn};
use super::problem::{Problem, Severity};
use super::reader::ReadOptions;
use super::recognize::HeaderIndex;
use super::tabular::{
    ColumnSet, ColumnSpec, ParsedList, ReferenceLookup, Required, RowReader, Table, check_required,
    future_date_issue, header_problems, ignored_row_issue, lookup_header, read_table, row_kind,
    row_problem,
};
use crate::domain::ids::StatementLineId;
use crate::domain::matching::{LineKey, StatementLine, references_in};
use crate::domain::money::Vnd;
use crate::domain::payment_reference::{PaymentReference, ReferenceError};
use crate::domain::text::fold_into;

/// A canonical statement column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StatementColumn {
    /// Ngày giao dịch / Date.
    Date,
    /// Số tiền / Amount: one signed column.
    Amount,
    /// Ghi nợ / Debit: money out.
    Debit,
    /// Ghi có / Credit: money in.
    Credit,
    /// Số tài khoản / Account number (beneficiary).
    AccountNo,
    /// Tên người nhận / Beneficiary name.
    Beneficiary,
    /// Nội dung / Description.
    Description,
    /// Số tham chiếu / Reference (the bank's).
    Reference,
    /// Số thứ tự / Sequence.
    Sequence,
    /// Số dư / Running balance: recognised so that it is not reported as unknown, never read.
    Balance,
}

impl ColumnSet for StatementColumn {
    const SPECS: &'static [ColumnSpec<Self>] = &[
        ColumnSpec {
            column: StatementColumn::Date,
            key: "date",
            vi: "Ngày giao dịch",
            en: "Date",
            aliases: &[
                "Ngày GD",
                "Ngày",
                "Ngày hạch toán",
                "Ngày chứng từ",
                "Ngày hiệu lực",
                "Thời gian giao dịch",
                "Ngày giờ giao dịch",
                "Transaction date",
                "Posting date",
                "Value date",
                "Txn date",
                "Booking date",
                "Effective date",
            ],
        },
        ColumnSpec {
            column: StatementColumn::Amount,
            key: "amount",
            vi: "Số tiền",
            en: "Amount",
            aliases: &["Số tiền giao dịch", "Giá trị", "Transaction amount"],
        },
        ColumnSpec {
            column: StatementColumn::Debit,
            key: "debit",
            vi: "Ghi nợ",
            en: "Debit",
            aliases: &[
                "Nợ",
                "Phát sinh nợ",
                "Số tiền ghi nợ",
                "Số tiền Nợ",
                "Chi",
                "Rút ra",
                "Debit amount",
                "Withdrawal",
                "Withdrawals",
                "Money out",
                "Paid out",
            ],
        },
        ColumnSpec {
            column: StatementColumn::Credit,
            key: "credit",
            vi: "Ghi có",
            en: "Credit",
            aliases: &[
                "Có",
                "Phát sinh có",
                "Số tiền ghi có",
                "Số tiền Có",
                "Thu",
                "Gửi vào",
                "Credit amount",
                "Deposit",
                "Deposits",
                "Money in",
                "Paid in",
            ],
        },
        ColumnSpec {
            column: StatementColumn::AccountNo,
            key: "account",
            vi: "Số tài khoản",
            en: "Account number",
            aliases: &[
                "Tài khoản",
                "Số TK",
                "TK",
                "Số tài khoản người nhận",
                "Số tài khoản người hưởng",
                "Tài khoản người hưởng",
                "Tài khoản thụ hưởng",
                "Số tài khoản thụ hưởng",
                "Tài khoản đối ứng",
                "Số TK đối ứng",
                "TK đối ứng",
                "Beneficiary account",
                "Account no",
                "Account",
                "Counterparty account",
            ],
        },
        ColumnSpec {
            column: StatementColumn::Beneficiary,
            key: "beneficiary",
            vi: "Tên người nhận",
            en: "Beneficiary name",
            aliases: &[
                "Người nhận",
                "Người hưởng",
                "Tên người hưởng",
                "Người thụ hưởng",
                "Tên người thụ hưởng",
                "Đơn vị thụ hưởng",
                "Đơn vị hưởng",
                "Tên tài khoản đối ứng",
                "Tên đối ứng",
                "Tên tài khoản",
                "Beneficiary",
                "Counterparty",
                "Counterparty name",
                "Payee",
                "Account name",
            ],
        },
        ColumnSpec {
            column: StatementColumn::Description,
            key: "description",
            vi: "Nội dung",
            en: "Description",
            aliases: &[
                "Nội dung giao dịch",
                "Diễn giải",
                "Nội dung chuyển khoản",
                "Nội dung thanh toán",
                "Chi tiết",
                "Mô tả",
                "Mô tả giao dịch",
                "Narrative",
                "Details",
                "Transaction details",
                "Memo",
                "Remarks",
            ],
        },
        ColumnSpec {
            column: StatementColumn::Reference,
            key: "reference",
            vi: "Số tham chiếu",
            en: "Reference",
            aliases: &[
                "Mã giao dịch",
                "Số giao dịch",
                "Mã tham chiếu",
                "Số chứng từ",
                "Số CT",
                "Số bút toán",
                "Reference number",
                "Ref",
                "Ref no",
                "Transaction ID",
                "Transaction number",
                "Bank reference",
            ],
        },
        ColumnSpec {
            column: StatementColumn::Sequence,
            key: "sequence",
            vi: "Số thứ tự",
            en: "Sequence",
            aliases: &["STT", "TT", "Số TT", "Seq", "Sequence number", "Line"],
        },
        ColumnSpec {
            column: StatementColumn::Balance,
            key: "balance",
            vi: "Số dư",
            en: "Balance",
            aliases: &[
                "Số dư sau giao dịch",
                "Số dư cuối",
                "Số dư tài khoản",
                "Số dư lũy kế",
                "Running balance",
                "Balance after",
                "Available balance",
            ],
        },
    ];

    const LIST: ListKind = ListKind::Statement;

    fn index() -> &'static OnceLock<HeaderIndex<Self>> {
        static INDEX: OnceLock<HeaderIndex<StatementColumn>> = OnceLock::new();
        &INDEX
    }

    fn position(self) -> usize {
        self as usize
    }
}

impl StatementColumn {
    /// The column whose header is `text` (exactly or by meaning), if exactly one.
    pub fn from_header(text: &str) -> Option<Self> {
        lookup_header(text)
    }
}

impl HeaderColumn for StatementColumn {
    fn is_anchor(self) -> bool {
        matches!(
            self,
            StatementColumn::Amount | StatementColumn::Debit | StatementColumn::Credit
        )
    }
}

const REQUIRED: &[Required<StatementColumn>] = &[
    Required {
        any_of: &[StatementColumn::Date],
        vi: "Ngày giao dịch",
        en: "Date",
    },
    Required {
        any_of: &[
            StatementColumn::Amount,
            StatementColumn::Debit,
            StatementColumn::Credit,
        ],
        vi: "Số tiền (hoặc Ghi nợ / Ghi có)",
        en: "Amount (or Debit / Credit)",
    },
    Required {
        any_of: &[StatementColumn::Description],
        vi: "Nội dung",
        en: "Description",
    },
];

/// The blank statement (`staffpay template statement`): debit and credit in two columns, as
/// the Treasury prints them (a single signed amount column is read too).
pub const TEMPLATE: ListTemplate<StatementColumn> = ListTemplate {
    title_vi: "Mẫu sao kê tài khoản (Kho bạc / ngân hàng) để đối chiếu chi trả",
    title_en: "Account statement template (Treasury / bank) for reconciliation",
    sheet: "Sao kê",
    columns: &[
        TemplateColumn {
            column: StatementColumn::Sequence,
            required: false,
            cell: CellKind::Text,
            note_vi: "Số thứ tự dòng trên sao kê",
            note_en: "Line number on the statement",
        },
        TemplateColumn {
            column: StatementColumn::Date,
            required: true,
            cell: CellKind::Date,
            note_vi: "Ngày giao dịch, dd/mm/yyyy (giờ, nếu có, được bỏ qua)",
            note_en: "Transaction date, dd/mm/yyyy (a time, if any, is ignored)",
        },
        TemplateColumn {
            column: StatementColumn::Reference,
            required: false,
            cell: CellKind::Text,
            note_vi: "Số tham chiếu / số chứng từ của ngân hàng hoặc Kho bạc",
            note_en: "The bank's or Treasury's reference",
        },
        TemplateColumn {
            column: StatementColumn::AccountNo,
            required: false,
            cell: CellKind::Text,
            note_vi: "Số tài khoản người hưởng (để đối chiếu theo tài khoản và tên)",
            note_en: "Beneficiary account (to match by account and name)",
        },
        TemplateColumn {
            column: StatementColumn::Beneficiary,
            required: false,
            cell: CellKind::Text,
            note_vi: "Tên người hưởng",
            note_en: "Beneficiary name",
        },
        TemplateColumn {
            column: StatementColumn::Description,
            required: true,
            cell: CellKind::Text,
            note_vi: "Nội dung chuyển khoản; ghi mã tham chiếu thanh toán (SP…) để đối chiếu chắc chắn",
            note_en: "Transfer description; carry the payment reference (SP…) for a sure match",
        },
        TemplateColumn {
            column: StatementColumn::Debit,
            required: false,
            cell: CellKind::Money,
            note_vi: "Số tiền ghi nợ (tiền ra), đồng; cần cột này, cột Ghi có hoặc một cột Số tiền có dấu",
            note_en: "Debit (money out), đồng; this, Credit or one signed Amount column is required",
        },
        TemplateColumn {
            column: StatementColumn::Credit,
            required: false,
            cell: CellKind::Money,
            note_vi: "Số tiền ghi có (tiền vào, ví dụ tiền bị trả lại), đồng",
            note_en: "Credit (money in, e.g. a returned transfer), đồng",
        },
        TemplateColumn {
            column: StatementColumn::Balance,
            required: false,
            cell: CellKind::SignedMoney,
            note_vi: "Số dư sau giao dịch (không đọc)",
            note_en: "Running balance (not read)",
        },
    ],
    notes: &[
        (
            "Tiêu đề, khối thông tin tài khoản phía trên bảng, dòng số dư đầu/cuối kỳ và dòng cộng phát sinh được bỏ qua.",
            "Titles, the account block above the table, opening/closing balance and turnover rows are skipped.",
        ),
        (
            "Tên cột có thể viết tắt (STK, TK, ND, CK, GD) hoặc thêm chữ; cột không nhận ra được liệt kê trong kết quả, và có thể ghép bằng --map TRƯỜNG=TIÊU_ĐỀ.",
            "Headers may be abbreviated (STK, TK, ND, CK, GD) or carry extra words; columns not recognised are listed in the result and can be mapped with --map FIELD=HEADER.",
        ),
    ],
};

/// Which way money moved on a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    /// Money out of the paying account: a payment.
    Debit,
    /// Money in: e.g. a transfer returned by the beneficiary's bank.
    Credit,
}

/// How a single signed amount column reads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AmountSign {
    /// Negative amounts are debits (money out), as bank exports print them.
    #[default]
    NegativeIsDebit,
    /// Positive amounts are debits: an extract of payments out.
    PositiveIsDebit,
}

/// What the statement reader checks lines against.
pub struct StatementCheck<'a> {
    /// Dates after this day are refused.
    pub today: NaiveDate,
    /// Known payment references.
    pub references: &'a dyn ReferenceLookup,
    /// How a single amount column is signed.
    pub sign: AmountSign,
}

/// One statement line, every cell converted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StatementRow {
    /// Row number as Excel shows it (record number for CSV).
    pub row_number: u32,
    /// Transaction date.
    pub date: NaiveDate,
    /// Debit (paid out) or credit.
    pub direction: Direction,
    /// The amount, positive.
    pub amount: Vnd,
    /// Beneficiary account number, as printed (trimmed).
    pub account_no: Option<String>,
    /// Beneficiary name, as printed.
    pub beneficiary: Option<String>,
    /// Description (empty when the cell is).
    pub description: String,
    /// The bank's reference.
    pub bank_reference: Option<String>,
    /// Sequence number.
    pub sequence: Option<String>,
    /// Valid payment references found in the description, known or not.
    pub payment_references: Vec<PaymentReference>,
}

impl StatementRow {
    /// The amount as the matcher reads it: paid out positive, money in negative.
    pub fn paid_out(&self) -> Vnd {
        match self.direction {
            Direction::Debit => self.amount,
            Direction::Credit => -self.amount,
        }
    }

    /// The line as the matcher takes it, once stored under `id`.
    pub fn to_line(&self, id: StatementLineId) -> StatementLine {
        StatementLine {
            id,
            date: self.date,
            amount: self.paid_out(),
            account_no: self.account_no.clone(),
            counterparty: self.beneficiary.clone(),
            description: self.description.clone(),
            bank_reference: self.bank_reference.clone(),
            sequence: self.sequence.clone(),
        }
    }

    /// What makes this line the same as another (for duplicates across imports).
    pub fn key(&self) -> LineKey {
        LineKey::new(
            self.account_no.as_deref(),
            self.date,
            self.paid_out(),
            self.bank_reference.as_deref(),
            self.sequence.as_deref(),
        )
    }
}

/// A statement read and checked; nothing stored yet.
pub type ParsedStatement = ParsedList<StatementColumn, StatementRow>;

/// Reads and checks a statement from its bytes.
pub fn read_statement(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    check: &StatementCheck<'_>,
) -> Result<ParsedStatement, ReadError> {
    read_table::<StatementColumn, _>(file_name, bytes, options, |table| {
        build(table, options.max_rows, file_name, check)
    })
}

fn build(
    table: Table<'_, StatementColumn>,
    max_rows: u32,
    file_name: &str,
    check: &StatementCheck<'_>,
) -> Result<ParsedStatement, ReadError> {
    let Table {
        grid,
        layout,
        sha256,
        profile,
    } = table;
    check_required(&layout, REQUIRED)?;
    let mut problems = header_problems(&grid.sheet, &layout);
    let mut reader = RowReader::new(&grid.sheet, &layout);
    let date_col = reader.column_index(StatementColumn::Date);
    let amount_cols: Vec<usize> = [
        StatementColumn::Debit,
        StatementColumn::Credit,
        StatementColumn::Amount,
    ]
    .iter()
    .filter_map(|&c| reader.column_index(c))
    .collect();
    let weak: Vec<usize> = date_col
        .into_iter()
        .chain(amount_cols.iter().copied())
        .chain(reader.column_index(StatementColumn::AccountNo))
        .chain(reader.column_index(StatementColumn::Reference))
        .collect();
    let mut rows: Vec<StatementRow> = Vec::new();
    let mut seen: HashMap<LineKey, u32> = HashMap::new();
    let mut ignored: Vec<u32> = Vec::new();
    let mut total: usize = 0;
    let mut last_data = 0;
    let mut key = String::new();
    for row in grid.rows.iter().skip(layout.data_start) {
        // A label in the date column ("Tổng số tiền ghi nợ", "Số dư cuối kỳ") is not a date.
        let dated = date_col.is_some_and(|i| match row.get(i) {
            Cell::Empty => false,
            Cell::Text(t) => !t.trim_start().starts_with(char::is_alphabetic),
            _ => true,
        });
        if !dated && is_summary(row, &mut key) {
            continue;
        }
        let with_amount = amount_cols
            .iter()
            .copied()
            .find(|&i| !row.get(i).is_empty());
        let strong: Vec<usize> = date_col.into_iter().chain(with_amount).collect();
        let strong = if strong.len() == 2 && dated {
            strong
        } else {
            Vec::new()
        };
        match row_kind(row, &strong, &weak, &mut key) {
            RowKind::Total | RowKind::Signature => break,
            RowKind::Numbering => continue,
            RowKind::Other => ignored.push(row.number),
            RowKind::Data => {
                total += 1;
                if total > usize::try_from(max_rows).unwrap_or(usize::MAX) {
                    return Err(ReadError::TooManyRows { limit: max_rows });
                }
                last_data = row.number;
                if let Some(line) = read_line(&mut reader, row, check, &mut seen) {
                    rows.push(line);
                }
            }
        }
    }
    for number in ignored.into_iter().filter(|n| *n < last_data) {
        problems.push(row_problem(
            &grid.sheet,
            number,
            Severity::Warning,
            ignored_row_issue(),
        ));
    }
    let only_single_amount =
        !reader.has(StatementColumn::Debit) && !reader.has(StatementColumn::Credit);
    if only_single_amount
        && !rows.is_empty()
        && rows.iter().all(|r| r.direction == Direction::Credit)
    {
        problems.push(Problem {
            sheet: grid.sheet.clone(),
            row: None,
            column: layout
                .find(StatementColumn::Amount)
                .map(|m| m.header.clone()),
            value: None,
            code: "STATEMENT_NO_DEBITS",
            message_vi: "Mọi dòng đều là tiền vào (ghi có) theo quy ước số âm là tiền ra; nếu số \
                         dương trong tệp là khoản chi, hãy chọn quy ước \"số dương là tiền ra\""
                .to_owned(),
            message_en: "Every line is money in (credit) under the convention that negative \
                         amounts are money out; if the positive amounts are payments, choose the \
                         \"positive is debit\" convention"
                .to_owned(),
            severity: Severity::Warning,
        });
    }
    problems.append(&mut reader.problems);
    problems.sort_by_key(|p| p.row.unwrap_or(0));
    let mut list = ParsedList::new(file_name, (grid, layout, sha256), rows, (), total, problems);
    list.profile = profile;
    Ok(list)
}

/// Balance and turnover rows of Treasury statements (no date): skipped without a warning.
fn is_summary(row: &GridRow<'_>, key: &mut String) -> bool {
    const STARTS: &[&str] = &[
        "so du",
        "cong phat sinh",
        "tong phat sinh",
        "phat sinh trong ky",
        "luy ke",
        "opening balance",
        "closing balance",
        "balance",
        "beginning balance",
        "ending balance",
        "total debit",
        "total credit",
        "tong so tien",
        "tong so giao dich",
        "tong ghi no",
        "tong ghi co",
        "tong no",
        "tong co",
    ];
    row.cells.iter().take(8).any(|cell| {
        let Cell::Text(t) = cell else { return false };
        fold_into(t, key);
        STARTS.iter().any(|s| key.starts_with(s))
    })
}

/// A statement date: a date, or a date and time as bank exports print them
/// (`04/12/2026 14:35:02`, `2026-12-04T14:35:02`, `04/12/2026 02:35 PM`): the time is dropped.
fn line_date(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<NaiveDate> {
    if let Cell::Text(t) = cell
        && let Some(date) = without_time(t)
    {
        return convert::date(&Cell::Text(Cow::Borrowed(date)), bufs);
    }
    convert::date(cell, bufs)
}

/// The date part of `text` when the rest is a time of day.
fn without_time(text: &str) -> Option<&str> {
    let t = text.trim();
    let cut = t.find([' ', 'T'])?;
    let (date, time) = (t[..cut].trim(), t[cut + 1..].trim());
    let is_time = time.contains(':')
        && time.chars().all(|c| {
            c.is_ascii_digit() || ":. ".contains(c) || "APMSCHapmsch".contains(c) || c == 'Z'
        });
    (is_time && !date.is_empty()).then_some(date)
}

fn read_line(
    reader: &mut RowReader<'_, StatementColumn>,
    row: &GridRow<'_>,
    check: &StatementCheck<'_>,
    seen: &mut HashMap<LineKey, u32>,
) -> Option<StatementRow> {
    use StatementColumn as C;
    reader.begin();
    let date = reader.get(row, C::Date, true, line_date);
    if let Some(d) = date
        && d > check.today
    {
        reader.report(
            row,
            C::Date,
            future_date_issue(check.today),
            Severity::Error,
        );
    }
    let amount = line_amount(reader, row, check.sign);
    let account_no = {
        let cell = reader.cell(row, C::AccountNo).clone();
        if cell.is_empty() {
            None
        } else {
            match account(&cell, &mut reader.bufs) {
                Ok((a, _)) => Some(a),
                Err(issue) => {
                    reader.report(row, C::AccountNo, issue, Severity::Warning);
                    None
                }
            }
        }
    };
    let beneficiary = reader.get(row, C::Beneficiary, false, |c, b| convert::text(c, b, 200));
    let description = reader
        .get(row, C::Description, false, |c, b| convert::text(c, b, 1000))
        .unwrap_or_default();
    let bank_reference = reader.get(row, C::Reference, false, |c, b| convert::text(c, b, 100));
    let sequence = reader.get(row, C::Sequence, false, |c, b| convert::text(c, b, 50));
    let payment_references = references_in(&description);
    for r in &payment_references {
        if check.references.case_of(r).is_none() {
            reader.report(
                row,
                C::Description,
                Issue::new(
                    "REFERENCE_UNKNOWN",
                    format!("Mã tham chiếu thanh toán {r} không thuộc hồ sơ nào"),
                    format!("The payment reference {r} belongs to no case"),
                ),
                Severity::Warning,
            );
        }
    }
    if payment_references.is_empty() && has_mistyped_reference(&description) {
        reader.report(
            row,
            C::Description,
            Issue::new(
                "REFERENCE_CHECKSUM",
                "Nội dung có mã giống mã tham chiếu thanh toán nhưng sai số kiểm tra (có thể gõ nhầm)",
                "The description holds what looks like a payment reference, but its check digits are wrong (a typo?)",
            ),
            Severity::Warning,
        );
    }
    let (Some(date), Some((direction, amount))) = (date, amount) else {
        reader.finish();
        return None;
    };
    let line = StatementRow {
        row_number: row.number,
        date,
        direction,
        amount,
        account_no,
        beneficiary,
        description,
        bank_reference,
        sequence,
        payment_references,
    };
    let key = line.key();
    if let Some(first) = seen.get(&key) {
        reader.report_row(
            row,
            Issue::new(
                "STATEMENT_LINE_DUPLICATE",
                format!("Dòng trùng với dòng {first} (cùng tài khoản, ngày, số tiền, số tham chiếu, số thứ tự)"),
                format!("The same line as row {first} (account, date, amount, reference and sequence)"),
            ),
            Severity::Error,
        );
    }
    if !reader.finish() {
        return None;
    }
    seen.insert(key, row.number);
    Some(line)
}

/// The line's direction and amount from debit/credit columns, or the signed amount column.
fn line_amount(
    reader: &mut RowReader<'_, StatementColumn>,
    row: &GridRow<'_>,
    sign: AmountSign,
) -> Option<(Direction, Vnd)> {
    use StatementColumn as C;
    let debit = reader.get(row, C::Debit, false, unsigned_side);
    let credit = reader.get(row, C::Credit, false, unsigned_side);
    let nonzero = |v: Option<Vnd>| v.filter(|a| !a.is_zero());
    match (nonzero(debit), nonzero(credit)) {
        (Some(_), Some(_)) => {
            reader.report_row(
                row,
                Issue::new(
                    "AMOUNT_BOTH_SIDES",
                    "Dòng có số tiền ở cả cột Ghi nợ và Ghi có",
                    "The line has amounts in both the debit and the credit column",
                ),
                Severity::Error,
            );
            return None;
        }
        (Some(d), None) => return Some((Direction::Debit, d)),
        (None, Some(c)) => return Some((Direction::Credit, c)),
        (None, None) => {}
    }
    let filled = |reader: &RowReader<'_, StatementColumn>, c| !reader.cell(row, c).is_empty();
    if filled(reader, C::Amount) {
        let signed = reader.get(row, C::Amount, true, signed_money)?;
        if signed.is_zero() {
            reader.report(row, C::Amount, zero_issue(), Severity::Error);
            return None;
        }
        let out = match sign {
            AmountSign::NegativeIsDebit => signed.is_negative(),
            AmountSign::PositiveIsDebit => !signed.is_negative(),
        };
        let magnitude = if signed.is_negative() {
            -signed
        } else {
            signed
        };
        let direction = if out {
            Direction::Debit
        } else {
            Direction::Credit
        };
        return Some((direction, magnitude));
    }
    if filled(reader, C::Debit) || filled(reader, C::Credit) {
        // Zero on a side (a cell that could not be read is already reported).
        if debit.is_some() || credit.is_some() {
            let column = if debit.is_some() { C::Debit } else { C::Credit };
            reader.report(row, column, zero_issue(), Severity::Error);
        }
        return None;
    }
    let column = if reader.has(C::Debit) {
        C::Debit
    } else {
        C::Amount
    };
    reader.report(
        row,
        column,
        Issue::new(
            "AMOUNT_MISSING",
            "Thiếu số tiền (Ghi nợ, Ghi có hoặc Số tiền)",
            "The amount is missing (debit, credit or amount)",
        ),
        Severity::Error,
    );
    None
}

fn zero_issue() -> Issue {
    Issue::new(
        "AMOUNT_ZERO",
        "Số tiền bằng 0; dòng không được nhập",
        "The amount is zero; the line is not imported",
    )
}

/// A signed amount: `-5.000.000`, `5.000.000-` or `(5.000.000)` is negative; otherwise as
/// [`convert::money`] (whole đồng, thousands separators, a trailing currency).
pub fn signed_money(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<Vnd> {
    let negated = |r: Converted<Vnd>| r.map(|(v, w)| (-v, w));
    match cell {
        Cell::Text(t) => {
            let t = t.trim();
            let negative_body = t
                .strip_prefix('-')
                .or_else(|| t.strip_suffix('-'))
                .or_else(|| t.strip_prefix('(').and_then(|r| r.strip_suffix(')')));
            match negative_body {
                Some(body) => negated(convert::money(
                    &Cell::Text(Cow::Borrowed(body.trim())),
                    bufs,
                )),
                None => convert::money(cell, bufs),
            }
        }
        Cell::Int(i) if *i < 0 => match i.checked_neg() {
            Some(n) => negated(convert::money(&Cell::Int(n), bufs)),
            None => convert::money(cell, bufs),
        },
        Cell::Float(f) if *f < 0.0 => negated(convert::money(&Cell::Float(-f), bufs)),
        _ => convert::money(cell, bufs),
    }
}

/// A debit or credit cell: a negative value is read as its size, with a warning.
fn unsigned_side(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<Vnd> {
    let (value, warning) = signed_money(cell, bufs)?;
    if value.is_negative() {
        return Ok((
            -value,
            Some(Issue::new(
                "AMOUNT_SIGN_IGNORED",
                "Số âm trong cột Ghi nợ/Ghi có: đã lấy giá trị tuyệt đối theo cột",
                "A negative number in a debit/credit column: read as its size, the column gives the direction",
            )),
        ));
    }
    Ok((value, warning))
}

/// An account number as Treasury and banks print it: 4–40 letters, digits, spaces, dashes or
/// dots (`3741.0.1054321`). A number cell of 16 digits or more has lost digits in Excel.
fn account(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<String> {
    if let Cell::Float(f) = cell
        && *f >= 1e15
    {
        return Err(Issue::new(
            "BANK_ACCOUNT_NUMERIC",
            "Số tài khoản dài bị Excel lưu dạng số nên có thể mất chữ số",
            "A long account number stored as a number may have lost digits",
        ));
    }
    let (t, _) = convert::text(cell, bufs, 40)?;
    let len = t.chars().count();
    let allowed = t
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.'));
    if !(4..=40).contains(&len) || !allowed {
        return Err(Issue::new(
            "BANK_ACCOUNT_INVALID",
            "Số tài khoản không hợp lệ (4–40 chữ số, chữ cái, dấu cách, gạch ngang hoặc dấu chấm); dòng vẫn được nhập nhưng không đối chiếu theo tài khoản",
            "Not an account number (4-40 digits, letters, spaces, dashes or dots); the line is kept but cannot match by account",
        ));
    }
    Ok((t, None))
}

/// `SP` followed by 14–24 digits that fail the check digits.
fn has_mistyped_reference(text: &str) -> bool {
    let upper = text.to_ascii_uppercase();
    let bytes = upper.as_bytes();
    upper.match_indices("SP").any(|(pos, _)| {
        let start = pos + 2;
        let digits = bytes
            .get(start..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        (14..=24).contains(&digits)
            && upper.get(pos..start + digits).is_some_and(|candidate| {
                PaymentReference::parse(candidate) == Err(ReferenceError::Checksum)
            })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }

    #[test]
    fn specs_list_the_columns_in_declaration_order() {
        assert!(crate::import::tabular::specs_in_order::<StatementColumn>());
    }

    #[test]
    fn aliases_never_point_at_two_columns() {
        let mut seen: HashMap<String, StatementColumn> = HashMap::new();
        for spec in StatementColumn::SPECS {
            for name in [spec.vi, spec.en].iter().chain(spec.aliases) {
                let key = crate::domain::text::fold_key(name);
                if let Some(other) = seen.insert(key.clone(), spec.column) {
                    assert_eq!(other, spec.column, "{key:?}");
                }
            }
        }
    }

    #[test]
    fn headers_in_both_languages_without_diacritics() {
        let cases = [
            ("Ngày giao dịch", StatementColumn::Date),
            ("NGAY GIAO DICH", StatementColumn::Date),
            ("Số tiền (VND)", StatementColumn::Amount),
            ("Ghi nợ", StatementColumn::Debit),
            ("Phat sinh co", StatementColumn::Credit),
            ("Số tài khoản người hưởng", StatementColumn::AccountNo),
            ("Beneficiary name", StatementColumn::Beneficiary),
            ("Diễn giải", StatementColumn::Description),
            ("Ref no.", StatementColumn::Reference),
            ("STT", StatementColumn::Sequence),
        ];
        for (h, c) in cases {
            assert_eq!(StatementColumn::from_header(h), Some(c), "{h}");
        }
        assert_eq!(
            StatementColumn::from_header("Số dư"),
            Some(StatementColumn::Balance)
        );
    }

    #[test]
    fn headers_as_banks_and_the_treasury_write_them() {
        use StatementColumn as S;
        let cases = [
            ("STK hưởng", S::AccountNo),
            ("Số tài khoản hưởng", S::AccountNo),
            ("STK người hưởng", S::AccountNo),
            ("TK nhận", S::AccountNo),
            ("Số TK đối ứng", S::AccountNo),
            ("Nội dung CK", S::Description),
            ("ND chuyển khoản", S::Description),
            ("Diễn giải giao dịch", S::Description),
            ("Ngày GD", S::Date),
            ("Ngày giờ GD", S::Date),
            ("Số tiền ghi nợ (VND)", S::Debit),
            ("PS Nợ", S::Debit),
            ("Số tiền ghi có (VND)", S::Credit),
            ("Tên người hưởng", S::Beneficiary),
            ("Tên đơn vị thụ hưởng", S::Beneficiary),
            ("Mã GD", S::Reference),
            ("Số dư sau GD", S::Balance),
            ("giao dich ngay", S::Date),
        ];
        for (h, c) in cases {
            assert_eq!(StatementColumn::from_header(h), Some(c), "{h}");
        }
        for h in ["Ghi chú", "SĐT", "Mã ĐVQHNS", ""] {
            assert_eq!(StatementColumn::from_header(h), None, "{h}");
        }
    }

    #[test]
    fn a_header_naming_two_fields_is_ambiguous() {
        use crate::import::header::Recognition;
        use crate::import::recognize::HeaderIndex;
        // "tài khoản" (an account) and "người nhận" (a beneficiary): two words each.
        let r = HeaderIndex::<StatementColumn>::of().recognize("Thông tin tài khoản người nhận");
        assert_eq!(
            r,
            Recognition::Ambiguous(vec![
                StatementColumn::AccountNo,
                StatementColumn::Beneficiary
            ])
        );
    }

    #[test]
    fn dates_with_times() {
        let b = &mut Bufs::default();
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap_or_default();
        for text in [
            "04/12/2026 14:35:02",
            "04/12/2026  14:35",
            "2026-12-04T14:35:02",
            "04/12/2026 02:35 PM",
            "04/12/2026",
        ] {
            assert_eq!(
                line_date(&t(text), b).map(|(v, _)| v),
                Ok(d(2026, 12, 4)),
                "{text}"
            );
        }
        assert!(line_date(&t("04/12/2026 lúc chiều"), b).is_err());
    }

    #[test]
    fn signed_amounts() {
        let b = &mut Bufs::default();
        let ok = |r: Converted<Vnd>| r.map(|(v, _)| v.dong());
        assert_eq!(ok(signed_money(&t("-5.000.000"), b)), Ok(-5_000_000));
        assert_eq!(ok(signed_money(&t("(5.000.000)"), b)), Ok(-5_000_000));
        assert_eq!(ok(signed_money(&t("5.000.000-"), b)), Ok(-5_000_000));
        assert_eq!(ok(signed_money(&t("5,000,000 VND"), b)), Ok(5_000_000));
        assert_eq!(ok(signed_money(&Cell::Int(-7), b)), Ok(-7));
        assert_eq!(ok(signed_money(&Cell::Float(-2.0), b)), Ok(-2));
        assert_eq!(
            signed_money(&Cell::Float(-2.5), b).unwrap_err().code,
            "MONEY_NOT_WHOLE"
        );
        assert!(signed_money(&Cell::Int(i64::MIN), b).is_err());
        assert!(signed_money(&t("--5"), b).is_err());
        let (v, w) = unsigned_side(&t("-10"), b).unwrap();
        assert_eq!(
            (v.dong(), w.map(|w| w.code)),
            (10, Some("AMOUNT_SIGN_IGNORED"))
        );
    }

    #[test]
    fn treasury_accounts_with_dots() {
        let b = &mut Bufs::default();
        assert_eq!(
            account(&t("3741.0.1054321"), b).unwrap().0,
            "3741.0.1054321"
        );
        assert_eq!(
            account(&t("12;3"), b).unwrap_err().code,
            "BANK_ACCOUNT_INVALID"
        );
        assert_eq!(
            account(&Cell::Float(9.7e15), b).unwrap_err().code,
            "BANK_ACCOUNT_NUMERIC"
        );
    }

    #[test]
    fn mistyped_references_are_noticed() {
        let r = PaymentReference::new(12, 475).to_string();
        let mut typo = r.clone().into_bytes();
        typo[5] = if typo[5] == b'9' { b'0' } else { typo[5] + 1 };
        let typo = String::from_utf8(typo).unwrap();
        assert!(has_mistyped_reference(&format!("CHI {typo} NGUYEN")));
        assert!(!has_mistyped_reference(&format!("CHI {r}")));
        assert!(!has_mistyped_reference("SP12 SPX"));
    }
}
