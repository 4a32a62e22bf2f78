//! Importing a roster: read and validate everything, compute every entitlement, then write in
//! one short transaction with set-based inserts. All or nothing by default; `accept_valid`
//! stores the valid rows and reports the rest; the same file again changes nothing.

use std::collections::{HashMap, HashSet};

use serde_json::json;
use sha2::{Digest, Sha256};

use super::record::{
    ColumnsOut, FileRequest, ImportError, ImportReport, Outcome, RowCounts, Timings,
    already_imported, ms, record_only, record_rejected, store_problems, to_new_import_counts,
    unreadable,
};
use super::submitting_unit;
use crate::db::audit::{self, AuditEntry};
use crate::db::case_events::{self, NewCaseEvent};
use crate::db::cases::{self, CaseFigures, NewCase, Provenance};
use crate::db::imports;
use crate::db::people::{self, NewPerson};
use crate::db::units::{self, UnitRow};
use crate::db::{DbConnection, now, transaction};
use crate::domain::case_state::CaseState;
use crate::domain::entitlement::{CalcOutput, calculate};
use crate::domain::ids::UnitId;
use crate::domain::payment_reference::PaymentReference;
use crate::domain::policy::PolicySet;
use crate::domain::unit::{UnitCode, UnitKind};
use crate::import::error::ListKind;
use crate::import::error_workbook::error_workbook_from_upload;
use crate::import::problem::{Problem, Severity};
use crate::import::roster::RosterRow;
use crate::import::to_calc::calc_input;
use crate::import::{ParsedRoster, ReadOptions, read_roster};
use crate::services::Actor;

/// The kind recorded for roster imports.
pub const KIND: &str = "roster";

/// What to import and how.
#[derive(Debug, Clone)]
pub struct ImportRequest {
    pub file_name: String,
    pub sheet: Option<String>,
    /// The submitting unit; every row must belong to it or a unit below it.
    pub unit_code: String,
    pub dry_run: bool,
    pub accept_valid: bool,
    pub options: ReadOptions,
}

impl FileRequest for ImportRequest {
    fn file_name(&self) -> &str {
        &self.file_name
    }
    fn dry_run(&self) -> bool {
        self.dry_run
    }
    fn accept_valid(&self) -> bool {
        self.accept_valid
    }
}

fn problem(
    row: &RosterRow,
    sheet: &str,
    code: &'static str,
    vi: String,
    en: String,
    severity: Severity,
) -> Problem {
    Problem {
        sheet: sheet.to_string(),
        row: Some(row.row_number),
        column: None,
        value: None,
        code,
        message_vi: vi,
        message_en: en,
        severity,
    }
}

/// A row that passed every check, with its unit and computed entitlement.
struct Ready<'a> {
    row: &'a RosterRow,
    unit: UnitTarget,
    /// What the case will store (the engine output already serialised: the large output
    /// structure is dropped as soon as the row is computed).
    figures: CaseFigures,
}

#[derive(Clone, Copy)]
enum UnitTarget {
    Existing(UnitId),
    /// Index into the units to create.
    New(usize),
}

struct NewUnitPlan {
    code: UnitCode,
    name: String,
    kind: UnitKind,
    parent_id: UnitId,
}

/// Where an import is, for a progress display: `phase` is `read`, `compute` or `write`; `done`
/// of `total` rows (a phase reports its start with 0 and its end with `total`). Called from the
/// compute threads too, hence `Sync`.
pub trait ImportProgress: Sync {
    fn update(&self, phase: &'static str, done: u64, total: u64);
}

/// No progress display.
pub struct NoProgress;

impl ImportProgress for NoProgress {
    fn update(&self, _: &'static str, _: u64, _: u64) {}
}

/// Imports a roster file's bytes.
pub fn import_roster(
    conn: &mut DbConnection,
    policy: &PolicySet,
    actor: &Actor,
    request: &ImportRequest,
    bytes: &[u8],
) -> Result<ImportReport, ImportError> {
    import_roster_with_progress(conn, policy, actor, request, bytes, &NoProgress)
}

/// [`import_roster`], reporting its progress to `progress`.
#[tracing::instrument(skip_all, fields(bytes = bytes.len(), dry_run = request.dry_run))]
pub fn import_roster_with_progress(
    conn: &mut DbConnection,
    policy: &PolicySet,
    actor: &Actor,
    request: &ImportRequest,
    bytes: &[u8],
    progress: &dyn ImportProgress,
) -> Result<ImportReport, ImportError> {
    let started_at = now();
    progress.update("read", 0, 0);
    let submitting = submitting_unit(conn, actor, &request.unit_code)?;
    let mut options = request.options.clone();
    options.sheet = request.sheet.clone();
    options.profiles = super::profiles_of(conn, &submitting, ListKind::Roster)?;

    let mut timings = Timings::default();
    let phase = std::time::Instant::now();
    let roster = match read_roster(&request.file_name, bytes, &options) {
        Ok(roster) => roster,
        Err(error) => {
            return unreadable(
                conn,
                actor,
                KIND,
                request,
                &submitting,
                bytes,
                &error,
                started_at,
            );
        }
    };
    let saved = super::save_profile(
        conn,
        actor,
        &submitting,
        ListKind::Roster,
        &options,
        &roster.headers,
    )?;
    if let Some(report) = already_imported(
        conn,
        KIND,
        request,
        &submitting,
        &roster.sha256,
        &roster.sheet,
        roster.total_rows,
    )? {
        // A roster sent again is recorded (the attempt shows in the import history).
        let id = record_only(
            conn,
            actor,
            KIND,
            &request.file_name,
            &submitting,
            &report,
            started_at,
        )?;
        return Ok(ImportReport {
            import_id: Some(id),
            ..report
        });
    }

    let mut problems = roster.problems.clone();
    timings.read = ms(phase);
    let phase = std::time::Instant::now();
    let total = u64::from(roster.total_rows);
    progress.update("read", total, total);
    let (ready, new_units) = prepare(conn, policy, &roster, &submitting, &mut problems, progress)?;
    timings.compute = ms(phase);
    let phase = std::time::Instant::now();

    // People already imported by a unit outside the submitting unit's subtree.
    let ids: Vec<String> = ready
        .iter()
        .map(|r| r.row.national_id.as_str().to_string())
        .collect();
    let existing = cases::by_national_ids(conn, &ids)?;
    let all_units: HashMap<UnitId, String> = units_by_id(conn)?;
    let mut existing_by_id = HashMap::with_capacity(existing.len());
    for (person, case) in existing {
        existing_by_id.insert(person.national_id.clone(), (person, case));
    }
    let mut rejected_rows: HashSet<u32> = HashSet::new();
    for r in &ready {
        if let Some((_, Some(case))) = existing_by_id.get(r.row.national_id.as_str()) {
            let path = all_units.get(&case.unit_id);
            let inside = path.is_some_and(|path| path.starts_with(&submitting.path));
            if !inside {
                // Only a caller who may see the other unit learns that the person is there.
                let visible = path.is_some_and(|path| actor.scope.contains_path(path));
                let (code, vi, en) = if visible {
                    (
                        "PERSON_OTHER_UNIT",
                        "Người này đã được đơn vị khác nhập; liên hệ đơn vị đó hoặc Bộ Nội vụ.",
                        "This person was already imported by another unit; contact that unit or the Ministry of Home Affairs.",
                    )
                } else {
                    (
                        "PERSON_NOT_IMPORTABLE",
                        "Đơn vị này không thể nhập người này; hãy hỏi cán bộ thẩm định của Bộ Nội vụ.",
                        "This person cannot be imported by this unit; ask the reviewer at the Ministry of Home Affairs.",
                    )
                };
                problems.push(problem(
                    r.row,
                    &roster.sheet,
                    code,
                    vi.into(),
                    en.into(),
                    Severity::Error,
                ));
                rejected_rows.insert(r.row.row_number);
            }
        }
    }
    let ready: Vec<Ready<'_>> = ready
        .into_iter()
        .filter(|r| !rejected_rows.contains(&r.row.row_number))
        .collect();

    problems.sort_by_key(|p| (p.row.unwrap_or(0), p.severity == Severity::Warning));
    let error_rows: HashSet<u32> = problems
        .iter()
        .filter(|p| p.severity == Severity::Error)
        .filter_map(|p| p.row)
        .collect();
    let has_errors = problems.iter().any(|p| p.severity == Severity::Error);
    let mut counts = RowCounts {
        total: roster.total_rows,
        valid: u32::try_from(ready.len()).unwrap_or(u32::MAX),
        invalid: u32::try_from(error_rows.len()).unwrap_or(u32::MAX),
        ..Default::default()
    };

    let make_report = |outcome, counts, import_id, problems: &[Problem]| {
        let mut report = ImportReport::new(&request.file_name, roster.sha256.clone(), outcome);
        report.columns = Some(ColumnsOut::of(&roster).saved_as(saved.clone()));
        report.import_id = import_id;
        report.rows = counts;
        report.add_problems(problems);
        report
    };
    // The uploaded file with its errors marked: built here when nothing is written, else on
    // the second core while the cases are written (timed as its own phase either way).
    let build_workbook = || -> (Option<Vec<u8>>, u64) {
        if !has_errors {
            return (None, 0);
        }
        let started = std::time::Instant::now();
        let workbook = match error_workbook_from_upload(
            &request.file_name,
            bytes,
            &options,
            &roster,
            &problems,
        ) {
            Ok(workbook) => Some(workbook),
            Err(e) => {
                tracing::warn!(error = %e, "error workbook not written");
                None
            }
        };
        (workbook, ms(started))
    };

    if request.dry_run {
        timings.lookup = ms(phase);
        let (workbook, built_ms) = build_workbook();
        timings.error_workbook = built_ms;
        return Ok(ImportReport {
            error_workbook: workbook,
            reconciliation: None,
            timings_ms: timings,
            ..make_report(Outcome::DryRun, counts, None, &problems)
        });
    }
    if has_errors && !request.accept_valid {
        let (workbook, _) = build_workbook();
        let report = make_report(Outcome::Rejected, counts, None, &problems);
        let id = record_rejected(
            conn,
            actor,
            KIND,
            request,
            &submitting,
            &report,
            &problems,
            started_at,
        )?;
        if let Some(workbook) = &workbook {
            imports::store_file(conn, id, imports::ERROR_WORKBOOK, imports::XLSX, workbook)?;
        }
        return Ok(ImportReport {
            import_id: Some(id),
            error_workbook: workbook,
            reconciliation: None,
            ..report
        });
    }
    let outcome = if has_errors {
        Outcome::Partial
    } else {
        Outcome::Imported
    };

    timings.lookup = ms(phase);
    let phase = std::time::Instant::now();
    progress.update("write", 0, total);
    let written_out = std::thread::scope(|scope| {
        let building = scope.spawn(build_workbook);
        transaction(conn, |conn| -> Result<_, ImportError> {
            let report = make_report(outcome, counts, None, &problems);
            let import_id = record_only(
                conn,
                actor,
                KIND,
                &request.file_name,
                &submitting,
                &report,
                started_at,
            )?;
            let unit_ids = create_units(conn, &new_units)?;
            let mut written = counts;
            let locked = write_cases(
                conn,
                actor,
                import_id,
                ready,
                &unit_ids,
                &existing_by_id,
                &mut written,
            )?;
            let mut all = problems.clone();
            all.extend(locked.iter().cloned());
            store_problems(conn, import_id, &all)?;
            let (workbook, built_ms) = building.join().unwrap_or_else(|_| {
                tracing::warn!("error workbook not written: its builder failed");
                (None, 0)
            });
            if let Some(workbook) = &workbook {
                imports::store_file(
                    conn,
                    import_id,
                    imports::ERROR_WORKBOOK,
                    imports::XLSX,
                    workbook,
                )?;
            }
            imports::set_counts(conn, import_id, &to_new_import_counts(&written, &all))?;
            audit::record(
                conn,
                AuditEntry {
                    actor_user_id: actor.user_id,
                    actor: actor.label.clone(),
                    action: "import.roster".into(),
                    entity_kind: "import".into(),
                    entity_id: Some(import_id.to_string()),
                    unit_id: Some(submitting.id),
                    request_id: actor.request_id.clone(),
                    after: Some(json!({"file": request.file_name, "sha256": roster.sha256,
                    "outcome": outcome.as_str(), "rows": written})),
                    ..Default::default()
                },
            )?;
            Ok((import_id, written, locked, workbook, built_ms))
        })
    });
    let (import_id, written, locked, workbook, built_ms) = written_out?;
    timings.error_workbook = built_ms;
    counts = written;
    problems.extend(locked);
    if u64::from(counts.created + counts.updated) >= crate::db::ANALYZE_AFTER_ROWS {
        crate::db::analyze(
            conn,
            &[
                "people",
                "cases",
                "case_documents",
                "case_components",
                "case_events",
                "units",
            ],
        )?;
    }
    timings.write = ms(phase);
    progress.update("write", total, total);
    Ok(ImportReport {
        error_workbook: workbook,
        reconciliation: None,
        timings_ms: timings,
        ..make_report(outcome, counts, Some(import_id), &problems)
    })
}

/// Units by id with their paths (about 3,500 nationally).
fn units_by_id(conn: &mut DbConnection) -> Result<HashMap<UnitId, String>, ImportError> {
    let (rows, _) = units::list(
        conn,
        &units::UnitScope::All,
        &Default::default(),
        i64::MAX,
        0,
    )?;
    Ok(rows.into_iter().map(|u| (u.id, u.path)).collect())
}

/// Units by code.
fn units_by_code(conn: &mut DbConnection) -> Result<HashMap<String, UnitRow>, ImportError> {
    let (rows, _) = units::list(
        conn,
        &units::UnitScope::All,
        &Default::default(),
        i64::MAX,
        0,
    )?;
    Ok(rows.into_iter().map(|u| (u.code.clone(), u)).collect())
}

/// The unit a new unit code belongs under, judged by the code alone: the part before the
/// first `-` is a province code (2025 or pre-2025, mapped to its successor: `74-SGD` → 79)
/// or the code of a known unit such as a central body (`BQP-D1` → BQP). Names are never
/// matched.
fn implied_parent<'u>(
    code: &UnitCode,
    by_code: &'u HashMap<String, UnitRow>,
) -> Option<&'u UnitRow> {
    let (prefix, _) = code.as_str().split_once('-')?;
    if prefix.bytes().all(|b| b.is_ascii_digit()) {
        let province = crate::import::province::ProvinceCode::parse(prefix)?;
        return by_code.get(province.code());
    }
    by_code.get(prefix)
}

/// The error of a row whose unit lies outside the submitting unit's subtree.
fn outside_scope(row: &RosterRow, sheet: &str, code: &UnitCode, submitting: &UnitRow) -> Problem {
    problem(
        row,
        sheet,
        "UNIT_OUTSIDE_SCOPE",
        format!(
            "Đơn vị {code} thuộc tỉnh hoặc cơ quan trung ương ngoài đơn vị gửi danh sách ({}); \
             không thể nhập hoặc tạo đơn vị này.",
            submitting.code
        ),
        format!(
            "Unit {code} belongs to a province or central body outside the submitting unit ({}); \
             it cannot be imported or created here.",
            submitting.code
        ),
        Severity::Error,
    )
}

/// Resolves each valid row's unit and computes its entitlement; engine refusals and unit
/// problems become row errors.
fn prepare<'a>(
    conn: &mut DbConnection,
    policy: &PolicySet,
    roster: &'a ParsedRoster,
    submitting: &UnitRow,
    problems: &mut Vec<Problem>,
    progress: &dyn ImportProgress,
) -> Result<(Vec<Ready<'a>>, Vec<NewUnitPlan>), ImportError> {
    let by_code = units_by_code(conn)?;
    let mut new_units: Vec<NewUnitPlan> = Vec::new();
    let mut new_index: HashMap<String, usize> = HashMap::new();
    let mut targets: Vec<(&'a RosterRow, UnitTarget)> = Vec::with_capacity(roster.rows.len());
    for row in &roster.rows {
        let unit = match row
            .unit_code
            .as_deref()
            .map(str::trim)
            .filter(|c| !c.is_empty())
        {
            None => UnitTarget::Existing(submitting.id),
            Some(raw) => match UnitCode::parse(raw) {
                Err(_) => {
                    problems.push(problem(row, &roster.sheet, "UNIT_CODE_INVALID",
                        format!("Mã đơn vị '{raw}' không hợp lệ (chữ, số, '-', '_', '.'; tối đa 32 ký tự)."),
                        format!("Unit code '{raw}' is not valid (letters, digits, '-', '_', '.'; at most 32)."),
                        Severity::Error));
                    continue;
                }
                Ok(code) => match by_code.get(code.as_str()) {
                    Some(u) if u.path.starts_with(&submitting.path) => UnitTarget::Existing(u.id),
                    Some(_) => {
                        problems.push(outside_scope(row, &roster.sheet, &code, submitting));
                        continue;
                    }
                    None => {
                        let index = match new_index.get(code.as_str()) {
                            Some(i) => *i,
                            None => {
                                // Under the unit the code implies (its province or central
                                // body prefix), else the row's province, else the submitting
                                // unit; never outside the submitting unit's subtree.
                                let implied = implied_parent(&code, &by_code)
                                    .or_else(|| row.province_code.and_then(|p| by_code.get(p)));
                                let parent = match implied {
                                    None => submitting,
                                    Some(p) if p.path.starts_with(&submitting.path) => p,
                                    Some(_) => {
                                        problems.push(outside_scope(
                                            row,
                                            &roster.sheet,
                                            &code,
                                            submitting,
                                        ));
                                        continue;
                                    }
                                };
                                let name = row
                                    .unit_name
                                    .clone()
                                    .filter(|n| !n.trim().is_empty())
                                    .unwrap_or_else(|| code.to_string());
                                problems.push(problem(
                                    row,
                                    &roster.sheet,
                                    "UNIT_CREATED",
                                    format!(
                                        "Đơn vị mới {code} ({name}) được tạo dưới {}.",
                                        parent.code
                                    ),
                                    format!(
                                        "New unit {code} ({name}) created under {}.",
                                        parent.code
                                    ),
                                    Severity::Warning,
                                ));
                                new_units.push(NewUnitPlan {
                                    code: code.clone(),
                                    name,
                                    kind: UnitKind::Agency,
                                    parent_id: parent.id,
                                });
                                new_index.insert(code.to_string(), new_units.len() - 1);
                                new_units.len() - 1
                            }
                        };
                        UnitTarget::New(index)
                    }
                },
            },
        };
        targets.push((row, unit));
    }
    // The engine and the serialisation of what each case pins are independent per row: they
    // run on every core, each thread over a contiguous share of the rows, in order.
    let threads = std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, 8);
    let share = targets.len().div_ceil(threads).max(1);
    let sheet = roster.sheet.as_str();
    let done = std::sync::atomic::AtomicU64::new(0);
    let total = u64::try_from(targets.len()).unwrap_or(u64::MAX);
    let tick = |n: u64| {
        let now = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        progress.update("compute", now, total);
    };
    let computed: Vec<Result<Vec<Computed<'a>>, ImportError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = targets
            .chunks(share)
            .map(|part| scope.spawn(|| compute_rows(policy, sheet, part, &tick)))
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join().unwrap_or_else(|_| {
                    Err(ImportError::Other(anyhow::anyhow!(
                        "a compute thread panicked"
                    )))
                })
            })
            .collect()
    });
    let mut ready = Vec::with_capacity(targets.len());
    for part in computed {
        for item in part? {
            match item {
                Computed::Ready(r) => ready.push(r),
                Computed::Refused(p) => problems.push(p),
            }
        }
    }
    Ok((ready, new_units))
}

/// A row computed: ready to store, or refused by the engine.
enum Computed<'a> {
    Ready(Ready<'a>),
    Refused(Problem),
}

/// Computes and serialises the entitlement of each row (one thread's share).
fn compute_rows<'a>(
    policy: &PolicySet,
    sheet: &str,
    rows: &[(&'a RosterRow, UnitTarget)],
    tick: &(dyn Fn(u64) + Sync),
) -> Result<Vec<Computed<'a>>, ImportError> {
    let mut out = Vec::with_capacity(rows.len());
    for (i, &(row, unit)) in rows.iter().enumerate() {
        if i % 2048 == 2047 {
            tick(2048);
        }
        let input = calc_input(row);
        let output = calculate(policy, &input);
        if let CalcOutput::Refused(refused) = &output {
            out.push(Computed::Refused(problem(
                row,
                sheet,
                "ENTITLEMENT_REFUSED",
                format!(
                    "Không tính được trợ cấp ({}): {}",
                    refused.error.code, refused.error.message_vi
                ),
                format!(
                    "Entitlement refused ({}): {}",
                    refused.error.code, refused.error.message_en
                ),
                Severity::Error,
            )));
            continue;
        }
        let input_json = serde_json::to_string(&input).map_err(anyhow::Error::from)?;
        let input_hash = row_hash(row, &input_json);
        let figures = figures(row, &output, input_json, input_hash)?;
        out.push(Computed::Ready(Ready { row, unit, figures }));
    }
    tick(u64::try_from(rows.len() % 2048).unwrap_or(0));
    Ok(out)
}

/// A fingerprint of everything an import stores for a row (to tell "unchanged").
fn row_hash(row: &RosterRow, input_json: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        input_json,
        row.full_name.as_str(),
        row.bank_account.as_deref().unwrap_or(""),
        row.bank.as_deref().unwrap_or(""),
        row.unit_code.as_deref().unwrap_or(""),
    ] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    hex::encode(h.finalize())
}

fn create_units(
    conn: &mut DbConnection,
    plans: &[NewUnitPlan],
) -> Result<Vec<UnitId>, ImportError> {
    let mut parents: HashMap<UnitId, UnitRow> = HashMap::new();
    for plan in plans {
        if let std::collections::hash_map::Entry::Vacant(slot) = parents.entry(plan.parent_id) {
            let p = units::find(conn, plan.parent_id)?.ok_or(diesel::result::Error::NotFound)?;
            slot.insert(p);
        }
    }
    let mut new = Vec::with_capacity(plans.len());
    for plan in plans {
        let parent = parents
            .get(&plan.parent_id)
            .ok_or(diesel::result::Error::NotFound)?;
        new.push(units::UnitToCreate {
            code: &plan.code,
            name: &plan.name,
            kind: plan.kind,
            parent,
        });
    }
    Ok(units::insert_many(conn, &new)?)
}

fn figures(
    row: &RosterRow,
    output: &CalcOutput,
    input_json: String,
    input_hash: String,
) -> Result<CaseFigures, ImportError> {
    CaseFigures::of(
        output,
        row.leave_date,
        row.decision_date,
        input_json,
        input_hash,
    )?
    .ok_or_else(|| ImportError::Other(anyhow::anyhow!("refused row reached the write")))
}

/// Writes the rows: new people and cases in batches, corrected open cases updated, cases
/// already approved or later left alone and reported as locked.
#[allow(
    clippy::too_many_arguments,
    reason = "one call site; the arguments are the import's state"
)]
fn write_cases(
    conn: &mut DbConnection,
    actor: &Actor,
    import_id: i64,
    ready: Vec<Ready<'_>>,
    unit_ids: &[UnitId],
    existing: &HashMap<String, (people::PersonRow, Option<cases::CaseRow>)>,
    counts: &mut RowCounts,
) -> Result<Vec<Problem>, ImportError> {
    let at = now();
    let unit_of = |t: &UnitTarget| match t {
        UnitTarget::Existing(id) => *id,
        UnitTarget::New(i) => unit_ids.get(*i).copied().unwrap_or(UnitId(0)),
    };
    let provenance = |row: &RosterRow| Provenance {
        import_id: Some(import_id),
        source_row: i32::try_from(row.row_number).ok(),
        submitted_by: actor.user_id,
    };
    let mut locked = Vec::new();
    let mut new_people = Vec::new();
    let mut new_rows: Vec<Ready<'_>> = Vec::new();
    let mut events = Vec::new();
    for r in ready {
        let nid = r.row.national_id.as_str();
        match existing.get(nid) {
            None => {
                new_people.push(NewPerson {
                    national_id: nid.to_string(),
                    full_name: r.row.full_name.clone(),
                    date_of_birth: r.row.date_of_birth.to_string(),
                    sex: r.row.sex,
                    bank_account: r.row.bank_account.clone(),
                    bank_name: r.row.bank.clone(),
                    created_at: at.into(),
                    updated_at: at.into(),
                });
                new_rows.push(r);
            }
            Some((person, case)) => {
                let Some(case) = case else {
                    return Err(ImportError::Other(anyhow::anyhow!(
                        "person {} has no case",
                        person.id
                    )));
                };
                if case.input_hash == r.figures.input_hash {
                    counts.unchanged += 1;
                } else if case.state.is_open_for_import() {
                    let f = &r.figures;
                    people::update_person(
                        conn,
                        person.id,
                        &r.row.full_name,
                        &r.row.date_of_birth.to_string(),
                        r.row.sex,
                        r.row.bank_account.as_deref(),
                        r.row.bank.as_deref(),
                    )?;
                    let ok = cases::update_figures(
                        conn,
                        case.id,
                        case.version,
                        CaseState::Submitted,
                        f,
                        &provenance(r.row),
                    )?;
                    if !ok {
                        return Err(ImportError::Other(anyhow::anyhow!(
                            "case {} changed during the import; run it again",
                            case.id
                        )));
                    }
                    events.push(NewCaseEvent {
                        case_id: case.id,
                        at: at.into(),
                        actor_user_id: actor.user_id,
                        actor: actor.label.clone(),
                        action: "import.update".into(),
                        from_state: Some(case.state),
                        to_state: CaseState::Submitted,
                        reason: None,
                        detail_json: Some(
                            json!({"import_id": import_id, "row": r.row.row_number,
                            "entitled_before": case.entitled_vnd, "entitled_after": f.entitled_vnd})
                            .to_string(),
                        ),
                        request_id: actor.request_id.clone(),
                    });
                    counts.updated += 1;
                } else {
                    counts.locked += 1;
                    locked.push(Problem {
                        sheet: String::new(),
                        row: Some(r.row.row_number),
                        column: None,
                        value: None,
                        code: "ROW_LOCKED",
                        message_vi: format!("Hồ sơ đang ở trạng thái '{}': không thể sửa bằng nhập tệp cho tới khi người duyệt trả lại.", case.state),
                        message_en: format!("The case is '{}': an import cannot change it until a reviewer returns it.", case.state),
                        severity: Severity::Warning,
                    });
                }
            }
        }
    }
    let person_ids: HashMap<String, i64> = people::insert_people(conn, &new_people)?
        .into_iter()
        .collect();
    let mut new_cases = Vec::with_capacity(new_rows.len());
    let mut documents = Vec::with_capacity(new_rows.len());
    let mut components = Vec::with_capacity(new_rows.len());
    for (seq, r) in new_rows.into_iter().enumerate() {
        let f = r.figures;
        documents.push(f.documents);
        components.push(f.components);
        let person_id = *person_ids
            .get(r.row.national_id.as_str())
            .ok_or_else(|| anyhow::anyhow!("person id missing after insert"))?;
        let unit_id = unit_of(&r.unit);
        let seq = u32::try_from(seq).unwrap_or(u32::MAX);
        new_cases.push(NewCase {
            person_id,
            unit_id,
            original_unit_id: unit_id,
            state: CaseState::Submitted,
            version: 1,
            scheme: f.scheme,
            category: f.category,
            band: f.band,
            leave_window: f.leave_window,
            leave_date: f.leave_date,
            decision_date: f.decision_date,
            salary_exact: f.salary_exact,
            entitled_vnd: f.entitled_vnd,
            paid_vnd: 0,
            input_hash: f.input_hash,
            payment_reference: PaymentReference::new(import_id, seq).to_string(),
            import_id: Some(import_id),
            source_row: i32::try_from(r.row.row_number).ok(),
            submitted_by: actor.user_id,
            created_at: at.into(),
            updated_at: at.into(),
            entitlement_set_at: Some(at.into()),
        });
    }
    for (_, case_id) in cases::insert_cases(conn, &new_cases, &documents, &components)? {
        events.push(NewCaseEvent {
            case_id,
            at: at.into(),
            actor_user_id: actor.user_id,
            actor: actor.label.clone(),
            action: "import.create".into(),
            from_state: None,
            to_state: CaseState::Submitted,
            reason: None,
            detail_json: Some(json!({"import_id": import_id}).to_string()),
            request_id: actor.request_id.clone(),
        });
    }
    counts.created = u32::try_from(new_cases.len()).unwrap_or(u32::MAX);
    case_events::insert_events(conn, &events)?;
    Ok(locked)
}
