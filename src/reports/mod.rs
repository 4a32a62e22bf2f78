//! Excel reports (docs/REPORTS.md): the reconciliation workbook for a scope and date, the
//! Treasury payment list of a unit, and a person's entitlement statement. Each is built from
//! the database in a few set-based reads, written with `rust_xlsxwriter` (the detail sheet in
//! constant-memory mode), and saved through a temporary file so that no partial report is
//! ever left under its final name.

pub mod audit;
pub mod data;
pub mod mau09;
pub mod moha;
pub mod official;
pub mod payment_list;
pub mod pdf;
pub mod reconciliation;
pub mod statement;

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use rust_xlsxwriter::Workbook;

use crate::auth::keys::SecretKeys;
use crate::db::DbConnection;
use crate::db::units::UnitScope;
use crate::domain::ids::CaseId;
use crate::domain::policy::PolicySet;
use crate::error::AppError;
use crate::services::Actor;
use crate::xlsx::sheet::xlsx;

pub use data::{ReportData, Scope, check_as_of, load, resolve_scope};
pub use reconciliation::Generated;

/// The default file of a reconciliation workbook: `reports/doi-soat-<scope>-<as-of>.xlsx`.
pub fn default_reconciliation_path(dir: &Path, scope: &Scope, as_of: NaiveDate) -> PathBuf {
    dir.join(format!("doi-soat-{}-{as_of}.xlsx", scope.slug()))
}

/// The default file of a payment list: `reports/danh-sach-chi-tra-<unit>-<date>.xlsx`.
pub fn default_payment_list_path(dir: &Path, unit_code: &str, on: NaiveDate) -> PathBuf {
    dir.join(format!("danh-sach-chi-tra-{unit_code}-{on}.xlsx"))
}

/// The default file of a statement: `reports/bang-tinh-tro-cap-<case>.xlsx`.
pub fn default_statement_path(dir: &Path, case_id: CaseId) -> PathBuf {
    dir.join(format!("bang-tinh-tro-cap-{case_id}.xlsx"))
}

/// A workbook ready to save, with what it covers.
pub struct Built {
    pub workbook: Workbook,
    pub scope: Scope,
    pub as_of: NaiveDate,
    /// Cases (reconciliation) or lines (payment list) in it.
    pub rows: usize,
    /// Milliseconds reading the database and building the sheets (saving is the caller's).
    pub load_ms: u128,
    pub build_ms: u128,
}

/// A report over the data of `unit` (or all the caller sees) as of a date (default today):
/// refuses a date in the future or before any data and an unknown unit, loads the data
/// (`second` lets the flags be listed while the cases are read), and builds the workbook with
/// `build`, timing both.
fn as_of_report(
    conn: &mut DbConnection,
    second: Option<&mut DbConnection>,
    policy: &PolicySet,
    caller: &UnitScope,
    unit: Option<&str>,
    as_of: Option<NaiveDate>,
    build: impl FnOnce(&mut DbConnection, &ReportData, &Scope) -> Result<Workbook, AppError>,
) -> Result<Built, AppError> {
    let started = std::time::Instant::now();
    let scope = resolve_scope(conn, caller, unit)?;
    let as_of = as_of.unwrap_or_else(crate::db::today_vn);
    check_as_of(conn, as_of)?;
    let data = load(conn, second, policy, &scope, as_of)?;
    let load_ms = started.elapsed().as_millis();
    let started = std::time::Instant::now();
    let workbook = build(conn, &data, &scope)?;
    Ok(Built {
        workbook,
        rows: data.cases.len(),
        scope,
        as_of,
        load_ms,
        build_ms: started.elapsed().as_millis(),
    })
}

/// The reconciliation workbook of `unit` (or all the caller sees) as of a date (default
/// today), refusing a date in the future or before any data and an unknown unit. A `second`
/// connection lets the flags be listed while the cases are read.
pub fn reconciliation(
    conn: &mut DbConnection,
    second: Option<&mut DbConnection>,
    policy: &PolicySet,
    caller: &UnitScope,
    unit: Option<&str>,
    as_of: Option<NaiveDate>,
    generated: &Generated,
) -> Result<Built, AppError> {
    as_of_report(
        conn,
        second,
        policy,
        caller,
        unit,
        as_of,
        |_, data, scope| reconciliation::build(data, scope, policy, generated).map_err(xlsx),
    )
}

/// The Treasury payment list of `unit` and the units below it, today.
pub fn payment_list(
    conn: &mut DbConnection,
    caller: &UnitScope,
    unit: &str,
    generated: &Generated,
) -> Result<Built, AppError> {
    let started = std::time::Instant::now();
    let scope = resolve_scope(conn, caller, Some(unit))?;
    let lines = payment_list::load(conn, &scope)?;
    let load_ms = started.elapsed().as_millis();
    let started = std::time::Instant::now();
    let today = crate::db::today_vn();
    let workbook = payment_list::build(&lines, &scope, today, generated).map_err(xlsx)?;
    Ok(Built {
        workbook,
        rows: lines.len(),
        scope,
        as_of: today,
        load_ms,
        build_ms: started.elapsed().as_millis(),
    })
}

/// MoHA's progress report of `unit` (or all the caller sees) as of a date (default today),
/// issued in the name of the caller's unit (`role` names the ministry of a nationwide
/// caller).
pub fn moha_progress(
    conn: &mut DbConnection,
    policy: &PolicySet,
    caller: &UnitScope,
    role: Option<crate::domain::access::Role>,
    unit: Option<&str>,
    as_of: Option<NaiveDate>,
) -> Result<Built, AppError> {
    as_of_report(conn, None, policy, caller, unit, as_of, |conn, data, _| {
        let issuer = official::issuer_of_caller(conn, caller, role)?;
        let report = moha::summarise(data);
        moha::build(&report, &issuer, data.as_of, crate::db::today_vn()).map_err(xlsx)
    })
}

/// A case's entitlement statement. With `issue_code`, a new lookup code is issued (the old
/// one stops working; the actor needs the right to issue codes) and printed on it.
pub fn statement(
    conn: &mut DbConnection,
    keys: &SecretKeys,
    actor: &Actor,
    case_id: CaseId,
    issue_code: bool,
    generated: &Generated,
) -> Result<Workbook, AppError> {
    let code = if issue_code {
        statement::LookupCode::Shown(crate::services::case_review::issue_lookup_code(
            conn, keys, actor, case_id,
        )?)
    } else {
        statement::LookupCode::NotShown { issued: false }
    };
    let data = statement::load(conn, &actor.scope, case_id)?;
    let code = match code {
        statement::LookupCode::NotShown { .. } => statement::LookupCode::NotShown {
            issued: data.case.lookup_code_hash.is_some(),
        },
        shown => shown,
    };
    let issuer = official::issuer_of_unit(conn, &data.unit)?;
    statement::build(&data, &issuer, &code, generated).map_err(xlsx)
}
