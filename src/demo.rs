//! `serve --demo`: a realistic demo data set on an empty database, so that a newcomer sees a
//! working system at once. A no-op when any user exists already.
//!
//! Loaded now: the reference units (always), departments and communes below several
//! provinces and ministries (some without a State Treasury account), one demo user per role,
//! and a few hundred synthetic people over several provinces and ministries imported through
//! the real roster import (so each has a computed entitlement). Later layers add case states,
//! payments and statements.

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
const DEMO_PEOPLE_UNITS: &[&str] = &["79", "01", "48", "52", "31", "BYT", "BNV", "BTC", "BGDDT"];

/// Imports a synthetic roster of `people` people (seeded, so every demo is the same) through
/// the real import path, as the nation (unit VN).
pub fn load_people(
    conn: &mut DbConnection,
    policy: &crate::domain::policy::PolicySet,
    people: usize,
) -> anyhow::Result<crate::services::roster_import::ImportReport> {
    use crate::import::demo_data::{DemoRosterOptions, demo_roster_bytes};
    use crate::services::roster_import::{ImportRequest, import_roster};
    let (bytes, _) = demo_roster_bytes(&DemoRosterOptions {
        people,
        seed: 2025,
        unit_codes: DEMO_PEOPLE_UNITS.iter().map(|c| (*c).to_string()).collect(),
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
        &crate::services::Actor::cli(),
        &request,
        &bytes,
    )
    .map_err(|e| anyhow::anyhow!("demo import: {e}"))?;
    Ok(report)
}
