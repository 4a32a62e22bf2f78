//! Loading what a report shows, for one scope and one as-of date, in a few set-based queries
//! (cases page by page with their people, so the entitlement texts are never all in memory).
//!
//! As of a date (docs/REPORTS.md): a case counts when it was created on or before that day
//! (Vietnam time); money paid is the ledger's payments dated on or before it; the state is the
//! one its history shows at the end of that day. For today these are the stored figures, read
//! directly. Flags are computed from the current data with their ages counted to the date.

use std::collections::HashMap;

use chrono::{NaiveDate, NaiveDateTime};

use crate::db::payments::{OpenPayment, StatementLineRow, open_lines, open_payments};
use crate::db::reports::{self, CaseUnits, ReportCaseRow};
use crate::db::units::{UnitFilter, UnitRow, UnitScope, find_in_scope, list};
use crate::db::{DbConnection, today_vn};
use crate::domain::case_state::CaseState;
use crate::domain::entitlement::ComponentCode;
use crate::domain::flags::FlagKind;
use crate::domain::ids::{CaseId, UnitId};
use crate::domain::policy::{Band, PolicySet, Scheme};
use crate::domain::unit::NATION_CODE;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::services::flags::{FlagFilter, FlagRow};

/// Cases read per query.
const PAGE: i64 = 20_000;

/// What a report covers.
#[derive(Debug, Clone)]
pub struct Scope {
    /// The unit asked for; `None` for everything the caller may see.
    pub root: Option<UnitRow>,
    /// The units covered.
    pub units: UnitScope,
}

impl Scope {
    /// Whether the report covers the whole country (rows per ministry and province) rather
    /// than one unit's subtree (rows per unit).
    pub fn is_national(&self) -> bool {
        self.root.is_none()
    }

    /// For file names: `ca-nuoc` or the unit code.
    pub fn slug(&self) -> String {
        match &self.root {
            None => "ca-nuoc".into(),
            Some(u) => u.code.clone(),
        }
    }

    /// For titles.
    pub fn label_vi(&self) -> String {
        match &self.root {
            None => "Cả nước (phạm vi được phép xem)".into(),
            Some(u) => format!("{} – {}", u.code, u.name_vi),
        }
    }

    /// For subtitles.
    pub fn label_en(&self) -> String {
        match &self.root {
            None => "Whole country (within the caller's access)".into(),
            Some(u) => format!("{} – {}", u.code, u.name_en),
        }
    }
}

/// The scope of a report: `unit` (a code, any case) within what the caller may see, or all
/// of it. An unknown unit and another unit's code get the same answer: not found.
pub fn resolve_scope(
    conn: &mut DbConnection,
    caller: &UnitScope,
    unit: Option<&str>,
) -> Result<Scope, AppError> {
    let code = unit.map(str::trim).filter(|c| !c.is_empty());
    let Some(code) = code else {
        return Ok(Scope {
            root: None,
            units: caller.clone(),
        });
    };
    let code = UnitCode::normalize(code);
    let Some(row) = find_in_scope(conn, caller, &code)? else {
        return Err(AppError::NotFound);
    };
    if row.code == NATION_CODE && *caller == UnitScope::All {
        return Ok(Scope {
            root: None,
            units: UnitScope::All,
        });
    }
    Ok(Scope {
        units: UnitScope::Subtrees(vec![row.path.clone()]),
        root: Some(row),
    })
}

/// Refuses an as-of date in the future or before the first case was recorded.
pub fn check_as_of(conn: &mut DbConnection, as_of: NaiveDate) -> Result<(), AppError> {
    let today = today_vn();
    if as_of > today {
        return Err(AppError::conflict(
            "as_of_in_future",
            format!("Ngày số liệu {as_of} ở tương lai (hôm nay là {today})"),
            format!("The as-of date {as_of} is in the future (today is {today})"),
        ));
    }
    // The first case by id (ids grow with time; the primary key answers without a scan).
    let first = reports::first_case_created_at(conn)?;
    if let Some(first) = first.map(crate::domain::vn_time::day)
        && as_of < first
    {
        return Err(AppError::conflict(
            "as_of_before_data",
            format!("Ngày số liệu {as_of} trước khi có dữ liệu (hồ sơ đầu tiên ghi ngày {first})"),
            format!(
                "The as-of date {as_of} is before any data (the first case was recorded on {first})"
            ),
        ));
    }
    Ok(())
}

/// A unit as the report shows it.
#[derive(Debug, Clone)]
pub struct UnitInfo {
    pub id: UnitId,
    pub code: String,
    pub name: String,
    pub kind: String,
    pub path: String,
    pub has_account: bool,
}

/// One case as of the report date.
#[derive(Debug, Clone)]
pub struct CaseLine {
    pub id: i64,
    pub unit_id: UnitId,
    pub full_name: String,
    pub national_id: String,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub scheme: Scheme,
    pub band: Band,
    pub window: Option<String>,
    pub salary_exact: String,
    /// Amounts in the order of [`ComponentCode::ALL`].
    pub components: [i64; ComponentCode::ALL.len()],
    pub entitled_vnd: i64,
    pub paid_vnd: i64,
    pub state: CaseState,
    pub payment_reference: String,
    pub flags: Vec<FlagKind>,
    /// The entitlement before the first accepted change, when one was accepted.
    pub original_entitled_vnd: Option<i64>,
}

impl CaseLine {
    /// The entitlement as first approved (before any accepted change).
    pub fn original_vnd(&self) -> i64 {
        self.original_entitled_vnd.unwrap_or(self.entitled_vnd)
    }

    /// What accepted changes added (negative: lowered): entitled − original.
    pub fn supplementary_vnd(&self) -> i64 {
        self.entitled_vnd - self.original_vnd()
    }

    /// Still to pay: entitled minus paid, never below zero; nothing for a cancelled case.
    pub fn outstanding_vnd(&self) -> i64 {
        if self.state == CaseState::Cancelled {
            0
        } else {
            (self.entitled_vnd - self.paid_vnd).max(0)
        }
    }
}

/// An import that fed the data.
pub use crate::db::reports::ImportInfo;

/// Everything a reconciliation workbook shows.
#[derive(Debug, Clone)]
pub struct ReportData {
    pub as_of: NaiveDate,
    pub units: HashMap<UnitId, UnitInfo>,
    /// Sorted by unit code, then case id.
    pub cases: Vec<CaseLine>,
    pub flags: Vec<FlagRow>,
    pub open_lines: Vec<StatementLineRow>,
    pub open_payments: Vec<OpenPayment>,
    pub imports: Vec<ImportInfo>,
}

/// Loads the report's data. With `second`, the flags are listed on it in a second thread
/// while the cases are read (SQLite in WAL mode and PostgreSQL both serve concurrent readers).
pub fn load(
    conn: &mut DbConnection,
    second: Option<&mut DbConnection>,
    policy: &PolicySet,
    scope: &Scope,
    as_of: NaiveDate,
) -> Result<ReportData, AppError> {
    let units_in_scope = list(conn, &scope.units, &UnitFilter::default(), i64::MAX, 0)?.0;
    let units: HashMap<UnitId, UnitInfo> = units_in_scope
        .into_iter()
        .map(|u| {
            (
                u.id,
                UnitInfo {
                    id: u.id,
                    code: u.code,
                    name: u.name_vi,
                    kind: u.kind.as_str().to_owned(),
                    path: u.path,
                    has_account: u.treasury_account_no.is_some(),
                },
            )
        })
        .collect();
    let historic = as_of < today_vn();
    let cutoff = crate::domain::vn_time::end_of_day_utc(as_of);
    let list_flags = |conn: &mut DbConnection| -> Result<Vec<FlagRow>, AppError> {
        let t = std::time::Instant::now();
        let flags = crate::services::flags::list(
            conn,
            policy,
            &scope.units,
            &FlagFilter::default(),
            as_of,
        )?;
        tracing::debug!(
            ms = t.elapsed().as_millis(),
            flags = flags.len(),
            "report: flags listed"
        );
        Ok(flags)
    };
    let read_cases = |conn: &mut DbConnection| -> Result<Vec<CaseLine>, AppError> {
        let t = std::time::Instant::now();
        let lines = load_cases(conn, scope, historic.then_some(cutoff), &units)?;
        tracing::debug!(
            ms = t.elapsed().as_millis(),
            cases = lines.len(),
            "report: cases read"
        );
        Ok(lines)
    };
    let (mut lines, flags) = match second {
        Some(other) => std::thread::scope(|s| {
            let flags = s.spawn(|| list_flags(other));
            let lines = read_cases(conn);
            let flags = flags
                .join()
                .map_err(|_| AppError::Internal(anyhow::anyhow!("flag listing panicked")))?;
            Ok::<_, AppError>((lines?, flags?))
        })?,
        None => (read_cases(conn)?, list_flags(conn)?),
    };

    if historic {
        let states = states_at(conn, cutoff)?;
        let paid = paid_by(conn, as_of)?;
        for line in &mut lines {
            if let Some(s) = states.get(&line.id) {
                line.state = *s;
            }
            line.paid_vnd = paid.get(&line.id).copied().unwrap_or(0);
        }
    }

    let mut by_case: HashMap<i64, Vec<FlagKind>> = HashMap::new();
    for f in &flags {
        if let Some(id) = f.case_id {
            by_case.entry(id.0).or_default().push(f.kind);
        }
    }
    for line in &mut lines {
        if let Some(kinds) = by_case.remove(&line.id) {
            line.flags = kinds;
        }
    }
    let code_of = |id: UnitId| units.get(&id).map(|u| u.code.as_str()).unwrap_or("");
    lines.sort_by(|a, b| {
        code_of(a.unit_id)
            .cmp(code_of(b.unit_id))
            .then(a.id.cmp(&b.id))
    });

    let open_lines = open_lines(conn, &scope.units)?
        .into_iter()
        .filter(|l| l.line_date <= as_of)
        .collect();
    let open_payments = open_payments(conn, &scope.units)?
        .into_iter()
        .filter(|p| p.paid_on <= as_of)
        .collect();
    let imports = imports_in(conn, &units, cutoff)?;
    Ok(ReportData {
        as_of,
        units,
        cases: lines,
        flags,
        open_lines,
        open_payments,
        imports,
    })
}

/// Cases of the scope's units, page by page (keyset on id), created before `cutoff` when
/// given.
fn load_cases(
    conn: &mut DbConnection,
    scope: &Scope,
    cutoff: Option<NaiveDateTime>,
    units_in_scope: &HashMap<UnitId, UnitInfo>,
) -> Result<Vec<CaseLine>, AppError> {
    let units_of = match &scope.units {
        UnitScope::All => CaseUnits::All,
        UnitScope::Subtrees(roots) if roots.len() == 1 => CaseUnits::Below(roots[0].clone()),
        UnitScope::Subtrees(_) => CaseUnits::Ids(units_in_scope.keys().copied().collect()),
    };
    let mut out = Vec::new();
    let mut after = 0i64;
    loop {
        let page = reports::case_page(conn, &units_of, cutoff, after, PAGE)?;
        let Some(last) = page.last() else {
            break;
        };
        after = last.id;
        let full = i64::try_from(page.len()).unwrap_or(i64::MAX) == PAGE;
        let ids: Vec<CaseId> = page.iter().map(|c| CaseId(c.id)).collect();
        let mut amounts = crate::db::components::amounts_of(conn, &ids)?;
        for ReportCaseRow {
            id,
            unit_id,
            state,
            scheme,
            band,
            leave_window: window,
            salary_exact,
            entitled_vnd,
            paid_vnd,
            payment_reference,
            original_entitled_vnd,
            full_name,
            national_id,
            bank_account,
            bank_name,
        } in page
        {
            out.push(CaseLine {
                id,
                unit_id,
                full_name,
                national_id,
                bank_account,
                bank_name,
                scheme,
                band,
                window,
                salary_exact,
                components: amounts.remove(&CaseId(id)).unwrap_or_default(),
                entitled_vnd,
                paid_vnd,
                state,
                payment_reference,
                flags: Vec::new(),
                original_entitled_vnd,
            });
        }
        if !full {
            break;
        }
    }
    Ok(out)
}

/// Each case's state at `cutoff`: the target of its last event before then.
fn states_at(
    conn: &mut DbConnection,
    cutoff: NaiveDateTime,
) -> Result<HashMap<i64, CaseState>, AppError> {
    let rows = reports::states_before(conn, cutoff)?;
    // In id order, so the last event of each case wins.
    Ok(rows.into_iter().collect())
}

/// Each case's payments (net of reversals) dated on or before `as_of`.
fn paid_by(conn: &mut DbConnection, as_of: NaiveDate) -> Result<HashMap<i64, i64>, AppError> {
    let rows = reports::payments_until(conn, as_of)?;
    let mut out: HashMap<i64, i64> = HashMap::new();
    for (id, amount) in rows {
        *out.entry(id).or_default() += amount;
    }
    Ok(out)
}

/// Imports of the scope's units started before `cutoff`, oldest first.
fn imports_in(
    conn: &mut DbConnection,
    units_in_scope: &HashMap<UnitId, UnitInfo>,
    cutoff: NaiveDateTime,
) -> Result<Vec<ImportInfo>, AppError> {
    let rows = reports::imports_before(conn, cutoff)?;
    Ok(rows
        .into_iter()
        .filter(|(_, unit_id)| units_in_scope.contains_key(unit_id))
        .map(|(info, _)| info)
        .collect())
}
