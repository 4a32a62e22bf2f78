//! Snapshot of every cell of a reconciliation workbook built from a fixed, hand-made data set
//! (three units, five cases in different states, flags, an unmatched line and payment): the
//! layout, labels, figures and formulas' cached values, read back with calamine. A change to
//! any cell shows up as a diff to review.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::cast_possible_truncation
)]

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::Cursor;

use calamine::{Reader, Xlsx};
use chrono::NaiveDate;
use staffpay::db::payments::{OpenPayment, StatementLineRow};
use staffpay::db::units::UnitScope;
use staffpay::domain::case_state::CaseState;
use staffpay::domain::entitlement::ComponentCode;
use staffpay::domain::flags::FlagKind;
use staffpay::domain::ids::{CaseId, PaymentId, StatementLineId, UnitId};
use staffpay::reports::data::{CaseLine, ImportInfo, ReportData, Scope, UnitInfo};
use staffpay::reports::{Generated, reconciliation};
use staffpay::services::flags::FlagRow;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn unit(id: i64, code: &str, name: &str, path: &str, has_account: bool) -> (UnitId, UnitInfo) {
    (
        UnitId(id),
        UnitInfo {
            id: UnitId(id),
            code: code.into(),
            name: name.into(),
            kind: "x".into(),
            path: path.into(),
            has_account,
        },
    )
}

#[allow(clippy::too_many_arguments)]
fn case(
    id: i64,
    unit_id: i64,
    name: &str,
    state: CaseState,
    parts: &[(ComponentCode, i64)],
    paid: i64,
    account: Option<&str>,
    flags: Vec<FlagKind>,
) -> CaseLine {
    let mut components = [0i64; ComponentCode::ALL.len()];
    for (code, amount) in parts {
        let i = ComponentCode::ALL.iter().position(|c| c == code).unwrap();
        components[i] = *amount;
    }
    CaseLine {
        id,
        unit_id: UnitId(unit_id),
        full_name: name.into(),
        national_id: format!("0790850{id:05}"),
        bank_account: account.map(str::to_owned),
        bank_name: account.map(|_| "Vietcombank".to_owned()),
        scheme: if parts.iter().any(|(c, _)| *c == ComponentCode::Severance) {
            staffpay::domain::policy::Scheme::Quit
        } else {
            staffpay::domain::policy::Scheme::EarlyRetirement
        },
        band: staffpay::domain::policy::Band::B2to5y,
        window: Some("first_12_months".into()),
        salary_exact: "15356250".into(),
        entitled_vnd: parts.iter().map(|(_, a)| a).sum(),
        paid_vnd: paid,
        state,
        payment_reference: format!("SP{id:014}"),
        components,
        flags,
        original_entitled_vnd: None,
    }
}

fn flag(kind: FlagKind, case_id: Option<i64>, unit: &UnitInfo, age: i64) -> FlagRow {
    FlagRow {
        kind,
        case_id: case_id.map(CaseId),
        statement_line_id: None,
        unit_code: unit.code.clone(),
        unit_name: unit.name.clone(),
        since: date(2025, 10, 1),
        age_days: age,
        entitled_vnd: None,
        paid_vnd: None,
        label_vi: kind.label_vi(),
        label_en: kind.label_en(),
        action_vi: kind.action_vi(),
        action_en: kind.action_en(),
    }
}

fn data() -> ReportData {
    let units: HashMap<UnitId, UnitInfo> = [
        unit(1, "VN", "Việt Nam", "/1/", true),
        unit(2, "79", "Thành phố Hồ Chí Minh", "/1/2/", true),
        unit(3, "79-S001", "Sở Nội vụ", "/1/2/3/", false),
        unit(4, "BNV", "Bộ Nội vụ", "/1/4/", true),
    ]
    .into_iter()
    .collect();
    use ComponentCode::*;
    use FlagKind as F;
    let cases = vec![
        case(
            1,
            3,
            "Nguyễn Văn An",
            CaseState::Paid,
            &[
                (MonthsEarly, 276_412_500),
                (YearsEarly, 76_781_250),
                (InsuredYears, 307_125_000),
            ],
            660_318_750,
            Some("0071000123456"),
            vec![],
        ),
        case(
            2,
            3,
            "Trần Thị Bình",
            CaseState::Payable,
            &[
                (Severance, 184_275_000),
                (InsuredYearsQuit, 230_343_750),
                (JobSearch, 92_137_500),
            ],
            0,
            None,
            vec![F::Overdue, F::PersonAccountMissing, F::UnitAccountMissing],
        ),
        case(
            3,
            4,
            "Lê Văn Cường",
            CaseState::PartiallyPaid,
            &[(MonthsEarly, 100_000_000), (LocalLump, 20_000_000)],
            50_000_000,
            Some("0071000999999"),
            vec![F::Overdue],
        ),
        case(
            4,
            4,
            "Phạm Thị Dung",
            CaseState::Submitted,
            &[(MonthsEarly, 90_000_000)],
            0,
            Some("0071000888888"),
            vec![],
        ),
        case(
            5,
            4,
            "Hoàng Văn Em",
            CaseState::Cancelled,
            &[(MonthsEarly, 80_000_000)],
            0,
            Some("0071000777777"),
            vec![],
        ),
    ];
    let flags = vec![
        flag(F::Overdue, Some(2), &units[&UnitId(3)], 40),
        flag(F::Overdue, Some(3), &units[&UnitId(4)], 12),
        flag(F::UnitAccountMissing, Some(2), &units[&UnitId(3)], 40),
        flag(F::PersonAccountMissing, Some(2), &units[&UnitId(3)], 40),
        FlagRow {
            statement_line_id: Some(StatementLineId(9)),
            ..flag(F::UnmatchedStatementLine, None, &units[&UnitId(4)], 3)
        },
    ];
    ReportData {
        as_of: date(2025, 11, 10),
        units,
        cases,
        flags,
        open_lines: vec![StatementLineRow {
            id: StatementLineId(9),
            import_id: 7,
            unit_id: UnitId(4),
            line_date: date(2025, 11, 7),
            amount_vnd: 12_345_000,
            account_no: Some("0071000555555".into()),
            counterparty: Some("NGUYEN VAN X".into()),
            description: "Chi tro cap".into(),
            bank_reference: Some("FT0001".into()),
            sequence: None,
            source_row: 2,
            fingerprint: "f".into(),
            case_id: None,
            match_id: None,
            unmatched_reason: Some("no_payment_with_this_amount".into()),
            created_at: date(2025, 11, 8).and_hms_opt(1, 0, 0).unwrap(),
        }],
        open_payments: vec![OpenPayment {
            id: PaymentId(21),
            case_id: CaseId(3),
            amount_vnd: 50_000_000,
            paid_on: date(2025, 11, 1),
            payment_reference: "SP00000000000003".into(),
            full_name: "Lê Văn Cường".into(),
            bank_account: Some("0071000999999".into()),
            unit_code: "BNV".into(),
        }],
        imports: vec![ImportInfo {
            id: 7,
            kind: "statement".into(),
            file_name: "sao-ke.xlsx".into(),
            sha256: "ab".repeat(32),
            unit_code: "BNV".into(),
            outcome: "imported".into(),
            rows_total: 1,
            finished_at: Some(date(2025, 11, 8).and_hms_opt(1, 0, 0).unwrap()),
        }],
    }
}

#[path = "common/cell_dump.rs"]
mod cell_dump;

fn dump(bytes: &[u8]) -> String {
    let mut book = Xlsx::new(Cursor::new(bytes.to_vec())).unwrap();
    let mut out = String::new();
    for name in book.sheet_names() {
        writeln!(out, "== {name}").unwrap();
        out.push_str(&cell_dump::sheet_cells(&mut book, &name));
    }
    out
}

#[test]
fn reconciliation_workbook_cells() {
    let policy = staffpay::policy_files::load_dir(
        concat!(env!("CARGO_MANIFEST_DIR"), "/policy_tables").as_ref(),
    )
    .unwrap();
    let scope = Scope {
        root: None,
        units: UnitScope::All,
    };
    let generated = Generated {
        at: date(2025, 11, 10).and_hms_opt(2, 0, 0).unwrap(),
        by: "snapshot".into(),
    };
    let mut workbook = reconciliation::build(&data(), &scope, &policy, &generated).unwrap();
    let bytes = workbook.save_to_buffer().unwrap();
    insta::assert_snapshot!(dump(&bytes));
}
