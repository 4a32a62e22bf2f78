//! `serve --demo`: a realistic demo data set on an empty database, so that a newcomer sees a
//! working system at once. A no-op when any user exists already.
//!
//! Loaded now: the reference units (always), departments and communes below several
//! provinces and ministries (some without a State Treasury account), one demo user per role,
//! and a few hundred synthetic people over several provinces and ministries imported through
//! the real roster import (so each has a computed entitlement). Later layers add case states,
//! payments and statements.
//!
//! [`roster`] writes the synthetic roster in the official layout (`staffpay demo-data`, the
//! benchmarks), from the people [`people`] generates.

mod people;
pub mod roster;

use chrono::NaiveDate;

use crate::auth::password;
use crate::db::{DbConnection, transaction, units, users};
use crate::domain::access::Role;
use crate::domain::unit::{NATION_CODE, UnitCode, UnitKind};

/// Credentials created for the demo; printed once, never logged.
#[derive(Debug, Clone)]
pub struct DemoUser {
    pub username: String,
    pub role: Role,
    pub unit: String,
    pub password: String,
}

/// What the demo loader did.
#[derive(Debug, Clone, Default)]
pub struct DemoReport {
    pub units_added: usize,
    pub users: Vec<DemoUser>,
}

/// A demo sub-unit: (code, parent code, kind, Vietnamese name, English name, Treasury account).
type SubUnit = (
    &'static str,
    &'static str,
    UnitKind,
    &'static str,
    &'static str,
    Option<&'static str>,
);

const SUB_UNITS: &[SubUnit] = &[
    (
        "79-SNV",
        "79",
        UnitKind::Agency,
        "Sở Nội vụ TP. Hồ Chí Minh",
        "HCMC Department of Home Affairs",
        Some("9527.1.1000079"),
    ),
    (
        "79-XBC",
        "79",
        UnitKind::Commune,
        "Xã Bình Chánh",
        "Binh Chanh Commune",
        Some("9527.1.1007901"),
    ),
    (
        "79-XCG",
        "79",
        UnitKind::Commune,
        "Xã Cần Giờ",
        "Can Gio Commune",
        None,
    ),
    (
        "01-SNV",
        "01",
        UnitKind::Agency,
        "Sở Nội vụ Hà Nội",
        "Hanoi Department of Home Affairs",
        Some("9527.1.1000001"),
    ),
    (
        "01-XSS",
        "01",
        UnitKind::Commune,
        "Xã Sóc Sơn",
        "Soc Son Commune",
        Some("9527.1.1000102"),
    ),
    (
        "48-XHA",
        "48",
        UnitKind::Commune,
        "Xã Hội An",
        "Hoi An Commune",
        None,
    ),
    (
        "52-XAN",
        "52",
        UnitKind::Commune,
        "Xã An Nhơn",
        "An Nhon Commune",
        Some("9527.1.1005201"),
    ),
    (
        "BTC-KBNN",
        "BTC",
        UnitKind::Agency,
        "Kho bạc Nhà nước",
        "State Treasury",
        Some("9527.1.1000200"),
    ),
    (
        "BNV-VP",
        "BNV",
        UnitKind::Agency,
        "Văn phòng Bộ Nội vụ",
        "MoHA Office",
        Some("9527.1.1000300"),
    ),
    (
        "BYT-BVB",
        "BYT",
        UnitKind::Agency,
        "Bệnh viện Bạch Mai",
        "Bach Mai Hospital",
        None,
    ),
];

/// Demo users: (username, role, unit code).
const USERS: &[(&str, Role, &str)] = &[
    ("demo-admin", Role::Admin, NATION_CODE),
    ("demo-reviewer", Role::MohaReviewer, NATION_CODE),
    ("demo-officer", Role::MofOfficer, NATION_CODE),
    ("demo-unit", Role::UnitOfficer, "79"),
    ("demo-viewer", Role::NationalViewer, NATION_CODE),
];

/// Loads the demo data set if the database has no users yet; `None` when it did nothing.
pub fn load(conn: &mut DbConnection) -> anyhow::Result<Option<DemoReport>> {
    if !users::list(conn)?.is_empty() {
        return Ok(None);
    }
    transaction(conn, |conn| {
        let mut report = DemoReport::default();
        let opened_on = NaiveDate::from_ymd_opt(2025, 7, 15);
        for (code, parent, kind, name_vi, name_en, account) in SUB_UNITS {
            if units::find_by_code(conn, code)?.is_some() {
                continue;
            }
            let parent = units::find_by_code(conn, parent)?
                .ok_or_else(|| anyhow::anyhow!("demo parent unit {parent} missing"))?;
            let code = UnitCode::parse(code).map_err(|e| anyhow::anyhow!("{code}: {e}"))?;
            let row = units::insert(conn, &code, name_vi, name_en, *kind, Some(&parent))?;
            if let Some(account) = account {
                units::set_treasury_account(conn, row.id, Some(account), opened_on)?;
            }
            report.units_added += 1;
        }
        for (username, role, unit) in USERS {
            let unit_row = units::find_by_code(conn, unit)?
                .ok_or_else(|| anyhow::anyhow!("demo unit {unit} missing"))?;
            let secret = password::generate();
            let hash = password::hash(&secret).map_err(|e| anyhow::anyhow!("{e}"))?;
            users::insert(conn, username, role.as_str(), &hash, &[unit_row.id])?;
            report.users.push(DemoUser {
                username: (*username).to_string(),
                role: *role,
                unit: (*unit).to_string(),
                password: secret,
            });
        }
        Ok::<_, anyhow::Error>(Some(report))
    })
}

/// Units whose people the demo roster covers: a few provinces and ministries.
pub const DEMO_PEOPLE_UNITS: &[&str] =
    &["79", "01", "48", "52", "31", "BYT", "BNV", "BTC", "BGDDT"];

/// Imports a synthetic roster of `people` people (seeded, so every demo is the same) through
/// the real import path, as the nation (unit VN).
pub fn load_people(
    conn: &mut DbConnection,
    policy: &crate::domain::policy::PolicySet,
    people: usize,
) -> anyhow::Result<crate::services::imports::ImportReport> {
    use crate::demo::roster::{DemoRosterOptions, demo_roster_bytes};
    use crate::services::imports::{ImportRequest, import_roster};
    let (bytes, _) = demo_roster_bytes(&DemoRosterOptions {
        people,
        seed: 2025,
        unit_codes: DEMO_PEOPLE_UNITS.iter().map(|c| (*c).to_string()).collect(),
        invalid_per_mille: 0,
    })
    .map_err(|e| anyhow::anyhow!("demo roster: {e}"))?;
    let request = ImportRequest {
        file_name: "demo-danh-sach.xlsx".into(),
        sheet: None,
        unit_code: NATION_CODE.into(),
        dry_run: false,
        accept_valid: true,
        options: Default::default(),
    };
    let report = import_roster(
        conn,
        policy,
        &crate::services::Actor::operator(),
        &request,
        &bytes,
    )
    .map_err(|e| anyhow::anyhow!("demo import: {e}"))?;
    Ok(report)
}

/// What [`load_activity`] did: cases per state reached.
pub type ActivityReport = std::collections::BTreeMap<String, usize>;

/// Moves the demo cases through the lifecycle so that every state, payments, a reconciled
/// statement, unmatched lines and flags are there to see: by case id, of every 20 cases two
/// stay submitted, one is returned, one approved, two funded, two partly paid, eight paid,
/// three reconciled and one cancelled. Deterministic; run through the real services.
pub fn load_activity(
    conn: &mut DbConnection,
    settings: &crate::domain::matching::MatchSettings,
) -> anyhow::Result<ActivityReport> {
    use crate::domain::case_state::CaseAction;
    use crate::domain::money::Vnd;
    use crate::import::payments::PaymentMethod;
    use crate::services::case_review::act;
    use crate::services::payments::{PaymentRequest, record};
    let actor = crate::services::Actor::operator();
    let all = units::UnitScope::All;
    let ids = crate::db::cases::ids(conn, &all, &Default::default())?;
    let day = |d: u32| NaiveDate::from_ymd_opt(2025, 9, d).unwrap_or_default();
    let today = crate::db::today_vn();
    let fail =
        |e: crate::error::AppError| anyhow::anyhow!("demo activity: {}", e.body().message_en);
    let mut statement =
        String::from("Ngày giao dịch,Số tiền,Số tài khoản,Tên người nhận,Nội dung,Số tham chiếu\n");
    for (i, &id) in ids.iter().enumerate() {
        let slot = i % 20;
        let step = |conn: &mut DbConnection, action: CaseAction| {
            act(conn, &actor, id, None, action).map_err(fail)
        };
        match slot {
            0 | 1 => continue,
            2 => {
                step(
                    conn,
                    CaseAction::Return {
                        reason: "Thiếu quyết định cho nghỉ việc / decision missing".into(),
                    },
                )?;
                continue;
            }
            19 => {
                step(
                    conn,
                    CaseAction::Cancel {
                        reason: "Quyết định nghỉ việc bị thu hồi / decision revoked".into(),
                    },
                )?;
                continue;
            }
            _ => {}
        }
        step(conn, CaseAction::Approve)?;
        if slot == 3 {
            continue;
        }
        let case = step(
            conn,
            CaseAction::Fund {
                funding_source: "Dự toán NSTW 2025 / central budget 2025".into(),
            },
        )?;
        if slot <= 5 {
            continue;
        }
        let entitled = case.entitled_vnd;
        let first = if slot <= 7 { entitled / 2 } else { entitled };
        // Paid in September, or on the decision day when the decision came later (a payment
        // is never dated before its decision).
        let on = |d: u32| {
            case.decision_date
                .map_or(day(d), |decision| day(d).max(decision))
        };
        let pay = |conn: &mut DbConnection, amount: i64, d: u32| {
            record(
                conn,
                &actor,
                id,
                &PaymentRequest {
                    amount: Vnd::new(amount),
                    paid_on: on(d),
                    method: PaymentMethod::Transfer,
                    payer_unit: None,
                    reference: None,
                    reverses: None,
                    version: None,
                },
                today,
            )
            .map_err(fail)
        };
        pay(conn, first, 10)?;
        if slot >= 17 {
            // Reconciled: the statement carries the transfer with its reference.
            statement.push_str(&format!(
                "{},-{first},,,Chi tro cap {},FT{id:06}\n",
                (on(10) + chrono::Days::new(1)).format("%d/%m/%Y"),
                case.payment_reference
            ));
        }
    }
    statement.push_str(
        "12/09/2025,-1234567,0011223344,NGUYEN VAN X,Chuyen khoan khong ro noi dung,FT999999\n",
    );
    let request = crate::services::imports::LedgerRequest {
        file_name: "demo-sao-ke.csv".into(),
        sheet: None,
        unit_code: NATION_CODE.into(),
        dry_run: false,
        accept_valid: true,
        options: Default::default(),
        today,
        sign: crate::import::statement::AmountSign::NegativeIsDebit,
        matching: *settings,
    };
    crate::services::imports::import_statement(conn, &actor, &request, statement.as_bytes())
        .map_err(|e| anyhow::anyhow!("demo statement: {e}"))?;
    let mut report = ActivityReport::new();
    for t in crate::db::progress::by_unit_and_state(conn)? {
        *report.entry(t.state.as_str().to_string()).or_default() +=
            usize::try_from(t.cases).unwrap_or(0);
    }
    Ok(report)
}
