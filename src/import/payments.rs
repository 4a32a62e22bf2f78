//! Reading a payment list (xlsx/xls/ods/csv): the payments an agency or Treasury office
//! made, one row each, with the roster reading machinery (see [`super::tabular`]).
//!
//! Columns: payment reference (required), national id, amount (required), payment date
//! (required), method (chuyển khoản / tiền mặt), payer unit; a name and a row number column
//! are recognised and kept for display.
//!
//! Per row: the reference must be well formed, pass its check digits and belong to a known
//! case; a national id, when given, must be valid and the case's person's; the amount is
//! whole đồng and more than zero (a list records payments; reversals are entered one by one);
//! the date is not after `today`; the method is one of the two. A row repeating an earlier row
//! (same reference, amount and date) is refused and listed in
//! [`ParsedPaymentList::duplicates`], so the caller can raise the `duplicate_payment` flag.
//! Payments already stored are the caller's to find, with [`PaymentRow::key`].

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
use super::problem::Severity;
use super::reader::ReadOptions;
use super::recognize::HeaderIndex;
use super::tabular::{
    ColumnSet, ColumnSpec, KnownCase, ParsedList, ReferenceLookup, Required, RowReader, Table,
    check_required, future_date_issue, header_problems, ignored_row_issue, lookup_header,
    read_table, row_kind, row_problem,
};
use crate::domain::ids::CaseId;
use crate::domain::money::Vnd;
use crate::domain::national_id::NationalId;
use crate::domain::payment_reference::{PaymentReference, ReferenceError};
use crate::domain::text::fold_into;

/// A canonical payment-list column.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentColumn {
    /// STT / No: ignored.
    Seq,
    /// Mã tham chiếu thanh toán / Payment reference.
    Reference,
    /// Họ và tên / Full name: kept for display.
    FullName,
    /// Số định danh / National ID.
    NationalId,
    /// Số tiền / Amount.
    Amount,
    /// Ngày chi / Payment date.
    Date,
    /// Hình thức / Method.
    Method,
    /// Đơn vị chi / Payer unit.
    PayerUnit,
}

impl ColumnSet for PaymentColumn {
    const SPECS: &'static [ColumnSpec<Self>] = &[
        ColumnSpec {
            column: PaymentColumn::Seq,
            key: "seq",
            vi: "STT",
            en: "No",
            aliases: &["Số thứ tự", "TT", "No."],
        },
        ColumnSpec {
            column: PaymentColumn::Reference,
            key: "reference",
            vi: "Mã tham chiếu thanh toán",
            en: "Payment reference",
            aliases: &[
                "Mã tham chiếu",
                "Mã thanh toán",
                "Số tham chiếu",
                "Mã hồ sơ chi trả",
                "Reference",
                "Payment ref",
                "Ref",
            ],
        },
        ColumnSpec {
            column: PaymentColumn::FullName,
            key: "full_name",
            vi: "Họ và tên",
            en: "Full name",
            aliases: &["Họ tên", "Name", "Người nhận", "Người hưởng"],
        },
        ColumnSpec {
            column: PaymentColumn::NationalId,
            key: "national_id",
            vi: "Số định danh",
            en: "National ID",
            aliases: &[
                "Số định danh cá nhân",
                "Số CCCD",
                "CCCD",
                "Số căn cước công dân",
                "Số căn cước",
                "Mã định danh cá nhân",
                "National ID number",
                "ID number",
            ],
        },
        ColumnSpec {
            column: PaymentColumn::Amount,
            key: "amount",
            vi: "Số tiền",
            en: "Amount",
            aliases: &[
                "Số tiền chi",
                "Số tiền đã chi",
                "Số tiền thanh toán",
                "Amount paid",
            ],
        },
        ColumnSpec {
            column: PaymentColumn::Date,
            key: "date",
            vi: "Ngày chi",
            en: "Payment date",
            aliases: &[
                "Ngày chi trả",
                "Ngày thanh toán",
                "Ngày TT",
                "Ngày",
                "Date",
                "Paid on",
            ],
        },
        ColumnSpec {
            column: PaymentColumn::Method,
            key: "method",
            vi: "Hình thức",
            en: "Method",
            aliases: &[
                "Hình thức chi",
                "Hình thức chi trả",
                "Hình thức thanh toán",
                "Payment method",
            ],
        },
        ColumnSpec {
            column: PaymentColumn::PayerUnit,
            key: "payer_unit",
            vi: "Đơn vị chi",
            en: "Payer unit",
            aliases: &[
                "Đơn vị chi trả",
                "Mã đơn vị chi",
                "Đơn vị thanh toán",
                "Paying unit",
                "Payer",
            ],
        },
    ];

    const LIST: ListKind = ListKind::PaymentList;

    fn index() -> &'static OnceLock<HeaderIndex<Self>> {
        static INDEX: OnceLock<HeaderIndex<PaymentColumn>> = OnceLock::new();
        &INDEX
    }

    fn position(self) -> usize {
        self as usize
    }
}

impl PaymentColumn {
    /// The column whose header is `text` (exactly or by meaning), if exactly one.
    pub fn from_header(text: &str) -> Option<Self> {
        lookup_header(text)
    }
}

impl HeaderColumn for PaymentColumn {
    fn is_anchor(self) -> bool {
        matches!(self, PaymentColumn::Reference | PaymentColumn::NationalId)
    }
}

const REQUIRED: &[Required<PaymentColumn>] = &[
    Required {
        any_of: &[PaymentColumn::Reference],
        vi: "Mã tham chiếu thanh toán",
        en: "Payment reference",
    },
    Required {
        any_of: &[PaymentColumn::Amount],
        vi: "Số tiền",
        en: "Amount",
    },
    Required {
        any_of: &[PaymentColumn::Date],
        vi: "Ngày chi",
        en: "Payment date",
    },
];

/// The blank payment list (`staffpay template payment-list`).
pub const TEMPLATE: ListTemplate<PaymentColumn> = ListTemplate {
    title_vi: "Mẫu danh sách chi trả theo Nghị định 178/2024/NĐ-CP",
    title_en: "Payment list template (Decree 178/2024/ND-CP)",
    sheet: "Danh sách chi trả",
    columns: &[
        TemplateColumn {
            column: PaymentColumn::Seq,
            required: false,
            cell: CellKind::Text,
            note_vi: "Số thứ tự (không đọc)",
            note_en: "Row number (not read)",
        },
        TemplateColumn {
            column: PaymentColumn::Reference,
            required: true,
            cell: CellKind::Text,
            note_vi: "Mã tham chiếu thanh toán của hồ sơ (SP…), như trên danh sách đề nghị chi",
            note_en: "The case's payment reference (SP…), as on the list of payments due",
        },
        TemplateColumn {
            column: PaymentColumn::FullName,
            required: false,
            cell: CellKind::Text,
            note_vi: "Họ và tên người nhận (để đối chiếu)",
            note_en: "The recipient's full name (for checking)",
        },
        TemplateColumn {
            column: PaymentColumn::NationalId,
            required: false,
            cell: CellKind::Text,
            note_vi: "Số định danh cá nhân 12 chữ số; nếu có, phải khớp với hồ sơ",
            note_en: "12-digit personal id; when given, must match the case",
        },
        TemplateColumn {
            column: PaymentColumn::Amount,
            required: true,
            cell: CellKind::Money,
            note_vi: "Số tiền đã chi, đồng (số nguyên dương)",
            note_en: "Amount paid, whole đồng (positive)",
        },
        TemplateColumn {
            column: PaymentColumn::Date,
            required: true,
            cell: CellKind::Date,
            note_vi: "Ngày chi, dd/mm/yyyy (không sau ngày hôm nay)",
            note_en: "Payment date, dd/mm/yyyy (not after today)",
        },
        TemplateColumn {
            column: PaymentColumn::Method,
            required: false,
            cell: CellKind::Text,
            note_vi: "Chuyển khoản hoặc Tiền mặt (mặc định: Chuyển khoản)",
            note_en: "Transfer or Cash (default: transfer)",
        },
        TemplateColumn {
            column: PaymentColumn::PayerUnit,
            required: false,
            cell: CellKind::Text,
            note_vi: "Mã đơn vị chi (mặc định: đơn vị nhập tệp)",
            note_en: "Paying unit's code (default: the unit importing)",
        },
    ],
    notes: &[
        (
            "Mỗi dòng là một lần chi cho một hồ sơ; một hồ sơ chi nhiều lần thì nhiều dòng.",
            "One row per payment of a case; a case paid in several parts has several rows.",
        ),
        (
            "Tên cột có thể viết tắt hoặc thêm chữ (\"Số tiền chi trả (đồng)\"); cột không nhận ra được liệt kê trong kết quả, và có thể ghép bằng --map TRƯỜNG=TIÊU_ĐỀ.",
            "Headers may be abbreviated or carry extra words; columns not recognised are listed in the result and can be mapped with --map FIELD=HEADER.",
        ),
    ],
};

/// How a payment was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    /// Chuyển khoản: bank or Treasury transfer.
    Transfer,
    /// Tiền mặt: cash.
    Cash,
}

impl PaymentMethod {
    /// The stored name.
    pub const fn as_str(self) -> &'static str {
        match self {
            PaymentMethod::Transfer => "transfer",
            PaymentMethod::Cash => "cash",
        }
    }

    /// Parses a folded key: chuyển khoản / CK / transfer, tiền mặt / TM / cash.
    pub fn from_folded(key: &str) -> Option<Self> {
        match key {
            "chuyen khoan"
            | "ck"
            | "transfer"
            | "bank transfer"
            | "chuyen khoan ngan hang"
            | "qua ngan hang"
            | "qua kho bac"
            | "chuyen khoan qua kho bac" => Some(PaymentMethod::Transfer),
            "tien mat" | "tm" | "cash" => Some(PaymentMethod::Cash),
            _ => None,
        }
    }
}

/// What the payment-list reader checks rows against.
pub struct PaymentCheck<'a> {
    /// Dates after this day are refused.
    pub today: NaiveDate,
    /// Known payment references, with the case and the person's national id.
    pub references: &'a dyn ReferenceLookup,
}

/// One payment, every cell converted and checked (not `Serialize`: it holds a national id).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentRow {
    /// Row number as Excel shows it.
    pub row_number: u32,
    /// The case's payment reference.
    pub reference: PaymentReference,
    /// The case it belongs to.
    pub case_id: CaseId,
    /// The national id given in the row, if any (checked against the case).
    pub national_id: Option<NationalId>,
    /// The name given in the row, if any (for display only).
    pub full_name: Option<String>,
    /// The amount paid, more than zero.
    pub amount: Vnd,
    /// The payment date.
    pub date: NaiveDate,
    /// Transfer or cash, when given.
    pub method: Option<PaymentMethod>,
    /// The paying unit as written (code or name), when given.
    pub payer_unit: Option<String>,
}

/// What makes two payments the same: the case, amount, date and reference.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct PaymentKey {
    /// The case.
    pub case_id: CaseId,
    /// The amount.
    pub amount: Vnd,
    /// The date.
    pub date: NaiveDate,
    /// The reference.
    pub reference: PaymentReference,
}

impl PaymentRow {
    /// The duplicate key of this payment.
    pub fn key(&self) -> PaymentKey {
        PaymentKey {
            case_id: self.case_id,
            amount: self.amount,
            date: self.date,
            reference: self.reference.clone(),
        }
    }
}

/// A row refused because it repeats an earlier row.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DuplicateRow {
    /// The repeating row.
    pub row_number: u32,
    /// The row it repeats.
    pub first_row: u32,
    /// The case.
    pub case_id: CaseId,
}

/// A payment list read and checked; nothing stored yet.
pub type ParsedPaymentList = ParsedList<PaymentColumn, PaymentRow, Vec<DuplicateRow>>;

/// Reads and checks a payment list from its bytes.
pub fn read_payment_list(
    file_name: &str,
    bytes: &[u8],
    options: &ReadOptions,
    check: &PaymentCheck<'_>,
) -> Result<ParsedPaymentList, ReadError> {
    read_table::<PaymentColumn, _>(file_name, bytes, options, |table| {
        build(table, options.max_rows, file_name, check)
    })
}

fn build(
    table: Table<'_, PaymentColumn>,
    max_rows: u32,
    file_name: &str,
    check: &PaymentCheck<'_>,
) -> Result<ParsedPaymentList, ReadError> {
    let Table {
        grid,
        layout,
        sha256,
        profile,
    } = table;
    check_required(&layout, REQUIRED)?;
    let mut problems = header_problems(&grid.sheet, &layout);
    let mut reader = RowReader::new(&grid.sheet, &layout);
    let strong: Vec<usize> = reader
        .column_index(PaymentColumn::Reference)
        .into_iter()
        .collect();
    let weak: Vec<usize> = [
        PaymentColumn::NationalId,
        PaymentColumn::Amount,
        PaymentColumn::Date,
    ]
    .iter()
    .filter_map(|&c| reader.column_index(c))
    .collect();
    let mut rows = Vec::new();
    let mut duplicates = Vec::new();
    let mut seen: HashMap<PaymentKey, u32> = HashMap::new();
    let mut ignored = Vec::new();
    let mut total = 0usize;
    let mut last_data = 0;
    let mut key = String::new();
    for row in grid.rows.iter().skip(layout.data_start) {
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
                let Some(payment) = read_payment(&mut reader, row, check) else {
                    continue;
                };
                let k = payment.key();
                if let Some(&first_row) = seen.get(&k) {
                    problems.push(row_problem(
                        &grid.sheet,
                        row.number,
                        Severity::Error,
                        Issue::new(
                            "PAYMENT_DUPLICATE",
                            format!("Khoản chi trùng với dòng {first_row} (cùng mã tham chiếu, số tiền, ngày chi); dòng không được nhập"),
                            format!("The same payment as row {first_row} (reference, amount and date); the row is not imported"),
                        ),
                    ));
                    duplicates.push(DuplicateRow {
                        row_number: row.number,
                        first_row,
                        case_id: payment.case_id,
                    });
                } else {
                    seen.insert(k, row.number);
                    rows.push(payment);
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
    problems.append(&mut reader.problems);
    problems.sort_by_key(|p| p.row.unwrap_or(0));
    let mut list = ParsedList::new(
        file_name,
        (grid, layout, sha256),
        rows,
        duplicates,
        total,
        problems,
    );
    list.profile = profile;
    Ok(list)
}

fn read_payment(
    reader: &mut RowReader<'_, PaymentColumn>,
    row: &GridRow<'_>,
    check: &PaymentCheck<'_>,
) -> Option<PaymentRow> {
    use PaymentColumn as C;
    reader.begin();
    let reference = reader.get(row, C::Reference, true, reference);
    let known = reference.as_ref().and_then(|r| {
        let known = check.references.case_of(r);
        if known.is_none() {
            reader.report(
                row,
                C::Reference,
                Issue::new(
                    "REFERENCE_UNKNOWN",
                    "Mã tham chiếu thanh toán không thuộc hồ sơ nào (hoặc hồ sơ ngoài phạm vi đơn vị)",
                    "The payment reference belongs to no case (or to a case outside your units)",
                ),
                Severity::Error,
            );
        }
        known
    });
    let national_id = reader.get(row, C::NationalId, false, national_id);
    if let (
        Some(id),
        Some(KnownCase {
            national_id: Some(expected),
            ..
        }),
    ) = (national_id, known)
        && id != expected
    {
        reader.report(
            row,
            C::NationalId,
            Issue::new(
                "NATIONAL_ID_MISMATCH",
                "Số định danh không phải của người hưởng trong hồ sơ có mã tham chiếu này",
                "The national id is not that of the person of the case with this reference",
            ),
            Severity::Error,
        );
    }
    let full_name = reader.get(row, C::FullName, false, |c, b| convert::text(c, b, 200));
    let amount = reader.get(row, C::Amount, true, payment_amount);
    let date = reader.get(row, C::Date, true, convert::date);
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
    let method = reader.get(row, C::Method, false, method);
    let payer_unit = reader.get(row, C::PayerUnit, false, |c, b| convert::text(c, b, 300));
    let ok = reader.finish();
    let (Some(reference), Some(known), Some(amount), Some(date), true) =
        (reference, known, amount, date, ok)
    else {
        return None;
    };
    Some(PaymentRow {
        row_number: row.number,
        reference,
        case_id: known.case_id,
        national_id,
        full_name,
        amount,
        date,
        method,
        payer_unit,
    })
}

fn reference(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<PaymentReference> {
    let t = cell.as_text(&mut bufs.text).map_err(convert::cell_issue)?;
    PaymentReference::parse(t).map(|r| (r, None)).map_err(|e| match e {
        ReferenceError::Format => Issue::new(
            "REFERENCE_INVALID",
            "Mã tham chiếu thanh toán gồm SP và 16 chữ số (ví dụ SP00001200047553)",
            "A payment reference is SP followed by digits (e.g. SP00001200047553)",
        ),
        ReferenceError::Checksum => Issue::new(
            "REFERENCE_CHECKSUM",
            "Mã tham chiếu thanh toán sai số kiểm tra (hai chữ số cuối); có thể gõ nhầm một chữ số",
            "The check digits of the payment reference do not match; a digit may be mistyped",
        ),
    })
}

fn national_id(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<NationalId> {
    let t = cell.as_text(&mut bufs.text).map_err(convert::cell_issue)?;
    NationalId::parse(t, None)
        .map(|p| (p.id, None))
        .map_err(|e| Issue::new(e.code(), e.message_vi(), e.message_en()))
}

/// Whole đồng, more than zero; a negative amount gets its own message.
fn payment_amount(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<Vnd> {
    let negative = match cell {
        Cell::Text(t) => t.trim().starts_with('-') || t.trim().starts_with('('),
        Cell::Int(i) => *i < 0,
        Cell::Float(f) => *f < 0.0,
        _ => false,
    };
    if negative {
        return Err(Issue::new(
            "AMOUNT_NEGATIVE",
            "Danh sách chi không nhận số tiền âm; khoản ghi giảm được ghi riêng từng khoản trên hồ sơ",
            "A payment list takes no negative amounts; record a reversal on the case itself",
        ));
    }
    let (amount, warning) = convert::money(cell, bufs)?;
    if amount.is_zero() {
        return Err(Issue::new(
            "AMOUNT_ZERO",
            "Số tiền chi phải lớn hơn 0",
            "The amount paid must be more than zero",
        ));
    }
    Ok((amount, warning))
}

fn method(cell: &Cell<'_>, bufs: &mut Bufs) -> Converted<PaymentMethod> {
    let t = cell.as_text(&mut bufs.text).map_err(convert::cell_issue)?;
    fold_into(t, &mut bufs.key);
    PaymentMethod::from_folded(&bufs.key)
        .map(|m| (m, None))
        .ok_or_else(|| {
            Issue::new(
                "METHOD_INVALID",
                "Hình thức chi chỉ nhận: chuyển khoản, tiền mặt",
                "The method must be transfer (chuyển khoản) or cash (tiền mặt)",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    fn t(s: &str) -> Cell<'_> {
        Cell::Text(Cow::Borrowed(s))
    }

    #[test]
    fn specs_list_the_columns_in_declaration_order() {
        assert!(crate::import::tabular::specs_in_order::<PaymentColumn>());
    }

    #[test]
    fn aliases_never_point_at_two_columns() {
        let mut seen: HashMap<String, PaymentColumn> = HashMap::new();
        for spec in PaymentColumn::SPECS {
            for name in [spec.vi, spec.en].iter().chain(spec.aliases) {
                let key = crate::domain::text::fold_key(name);
                if let Some(other) = seen.insert(key.clone(), spec.column) {
                    assert_eq!(other, spec.column, "{key:?}");
                }
            }
        }
        for spec in PaymentColumn::SPECS {
            assert_eq!(PaymentColumn::from_header(spec.vi), Some(spec.column));
            assert_eq!(PaymentColumn::from_header(spec.en), Some(spec.column));
        }
    }

    #[test]
    fn amounts_are_positive_whole_dong() {
        let b = &mut Bufs::default();
        let code = |r: Converted<Vnd>| r.unwrap_err().code;
        assert_eq!(
            payment_amount(&t("5.000.000"), b).unwrap().0,
            Vnd::new(5_000_000)
        );
        assert_eq!(code(payment_amount(&t("-5.000.000"), b)), "AMOUNT_NEGATIVE");
        assert_eq!(code(payment_amount(&t("(5.000)"), b)), "AMOUNT_NEGATIVE");
        assert_eq!(code(payment_amount(&Cell::Int(-1), b)), "AMOUNT_NEGATIVE");
        assert_eq!(
            code(payment_amount(&Cell::Float(100.5), b)),
            "MONEY_NOT_WHOLE"
        );
        assert_eq!(code(payment_amount(&t("0"), b)), "AMOUNT_ZERO");
        assert_eq!(code(payment_amount(&t("abc"), b)), "NUMBER_INVALID");
    }

    #[test]
    fn methods_and_references() {
        let b = &mut Bufs::default();
        assert_eq!(
            method(&t("Chuyển khoản"), b).unwrap().0,
            PaymentMethod::Transfer
        );
        assert_eq!(method(&t("TM"), b).unwrap().0, PaymentMethod::Cash);
        assert_eq!(method(&t("séc"), b).unwrap_err().code, "METHOD_INVALID");
        let r = PaymentReference::new(3, 9);
        assert_eq!(reference(&t(r.as_str()), b).unwrap().0, r);
        assert_eq!(
            reference(&t("X1"), b).unwrap_err().code,
            "REFERENCE_INVALID"
        );
        let mut typo = r.as_str().to_owned();
        typo.replace_range(15..16, if r.as_str().ends_with('0') { "1" } else { "0" });
        assert_eq!(
            reference(&t(&typo), b).unwrap_err().code,
            "REFERENCE_CHECKSUM"
        );
        assert_eq!(
            method(&Cell::Error("#N/A"), b).unwrap_err().code,
            "CELL_ERROR"
        );
    }
}
