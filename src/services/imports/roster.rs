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
use crate::domain::entitlement::{CalcOutput, Refused, calculate};
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
    // The day's progress snapshot is taken before the first import of the day changes it.
    if let Err(e) = crate::services::snapshots::ensure(conn, policy, crate::db::today_vn()) {
        tracing::warn!(error = %e, "daily progress snapshot not written");
    }
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
    let (targets, new_units) = plan_units(conn, &roster, &submitting, &mut problems)?;

    // People already imported by a unit outside the submitting unit's subtree: refused before
    // anything is computed.
    let ids: Vec<String> = targets
        .iter()
        .map(|(row, _)| row.national_id.as_str().to_string())
        .collect();
    let existing = cases::by_national_ids(conn, &ids)?;
    let all_units: HashMap<UnitId, String> = units_by_id(conn)?;
    let mut existing_by_id = HashMap::with_capacity(existing.len());
    for (person, case) in existing {
        existing_by_id.insert(person.national_id.clone(), (person, case));
    }
    let targets: Vec<(&RosterRow, UnitTarget)> = targets
        .into_iter()
        .filter(|(row, _)| {
            let Some((_, Some(case))) = existing_by_id.get(row.national_id.as_str()) else {
                return true;
            };
            let path = all_units.get(&case.unit_id);
            if path.is_some_and(|path| path.starts_with(&submitting.path)) {
                return true;
            }
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
                row,
                &roster.sheet,
                code,
                vi.into(),
                en.into(),
                Severity::Error,
            ));
            false
        })
        .collect();
    timings.lookup = ms(phase);

    let make_report = |outcome, counts, import_id, problems: &[Problem]| {
        let mut report = ImportReport::new(&request.file_name, roster.sha256.clone(), outcome);
        report.columns = Some(ColumnsOut::of(&roster).saved_as(saved.clone()));
        report.import_id = import_id;
        report.rows = counts;
        report.add_problems(problems);
        report
    };
    // The uploaded file with its errors marked (timed as its own phase).
    let build_workbook = |problems: &[Problem]| -> (Option<Vec<u8>>, u64) {
        if !problems.iter().any(|p| p.severity == Severity::Error) {
            return (None, 0);
        }
        let started = std::time::Instant::now();
        let workbook = match error_workbook_from_upload(
            &request.file_name,
            bytes,
            &options,
            &roster,
            problems,
        ) {
            Ok(workbook) => Some(workbook),
            Err(e) => {
                tracing::warn!(error = %e, "error workbook not written");
                None
            }
        };
        (workbook, ms(started))
    };
    let engine = Engine {
        policy,
        sheet: &roster.sheet,
    };
    let counts_of = |valid: usize, problems: &[Problem]| {
        let error_rows: HashSet<u32> = problems
            .iter()
            .filter(|p| p.severity == Severity::Error)
            .filter_map(|p| p.row)
            .collect();
        RowCounts {
            total: roster.total_rows,
            valid: u32::try_from(valid).unwrap_or(u32::MAX),
            invalid: u32::try_from(error_rows.len()).unwrap_or(u32::MAX),
            ..Default::default()
        }
    };
    let rejected = |conn: &mut DbConnection,
                    counts: RowCounts,
                    problems: &[Problem],
                    workbook: Option<Vec<u8>>|
     -> Result<ImportReport, ImportError> {
        let report = make_report(Outcome::Rejected, counts, None, problems);
        let id = record_rejected(
            conn,
            actor,
            KIND,
            request,
            &submitting,
            &report,
            problems,
            started_at,
        )?;
        if let Some(workbook) = &workbook {
            imports::store_file(conn, id, imports::ERROR_WORKBOOK, imports::XLSX, workbook)?;
        }
        Ok(ImportReport {
            import_id: Some(id),
            error_workbook: workbook,
            reconciliation: None,
            ..report
        })
    };

    let early_errors = problems.iter().any(|p| p.severity == Severity::Error);
    if request.dry_run || (early_errors && !request.accept_valid) {
        // Nothing will be written: every row is computed on every core, then reported.
        let phase = std::time::Instant::now();
        let done = std::sync::atomic::AtomicU64::new(0);
        let computed_total = u64::try_from(targets.len()).unwrap_or(u64::MAX);
        let tick = |n: u64| {
            let now = done.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
            progress.update("compute", now, computed_total);
        };
        let mut valid = 0;
        for item in engine.compute(&targets, available_cores(), &tick)? {
            match item {
                Computed::Ready(_) => valid += 1,
                Computed::Refused(p) => problems.push(p),
            }
        }
        timings.compute = ms(phase);
        sort_problems(&mut problems);
        let counts = counts_of(valid, &problems);
        let (workbook, built_ms) = build_workbook(&problems);
        timings.error_workbook = built_ms;
        if request.dry_run {
            return Ok(ImportReport {
                error_workbook: workbook,
                reconciliation: None,
                timings_ms: timings,
                ..make_report(Outcome::DryRun, counts, None, &problems)
            });
        }
        return Ok(ImportReport {
            timings_ms: timings,
            ..rejected(conn, counts, &problems, workbook)?
        });
    }

    // The write: a pipeline over batches of rows. One thread computes batch after batch (on
    // the cores the write leaves free) and, once every row is computed, builds the error
    // workbook; this thread writes each batch as it arrives, in one transaction. A row the
    // engine refuses without `accept_valid` rolls the whole write back.
    // Progress: "compute" with the rows computed while the engine runs ahead of the write,
    // then "write" with the rows written.
    let phase = std::time::Instant::now();
    let computed_rows = std::sync::atomic::AtomicU64::new(0);
    let computing = std::sync::atomic::AtomicBool::new(true);
    let computed_total = u64::try_from(targets.len()).unwrap_or(u64::MAX);
    let tick = |n: u64| {
        let now = computed_rows.fetch_add(n, std::sync::atomic::Ordering::Relaxed) + n;
        progress.update("compute", now, computed_total);
    };
    let early = problems.clone();
    // With errors already found, the workbook will be needed: it is built on its own thread
    // from the start of the write with the problems known now, and built again after the last
    // batch only if the engine refused rows too (rare: the engine accepts what validation
    // passed, except where the law gives no entitlement).
    let early_sorted = early_errors.then(|| {
        let mut all = problems.clone();
        sort_problems(&mut all);
        all
    });
    let written_out = std::thread::scope(|scope| {
        let early_workbook = early_sorted.map(|all| scope.spawn(move || build_workbook(&all)));
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Computed<'_>>>(2);
        let targets = &targets;
        let engine = &engine;
        let build_workbook = &build_workbook;
        let (tick, computing) = (&tick, &computing);
        let early_workbook_planned = early_workbook.is_some();
        let producer = scope.spawn(move || -> Result<Produced, ImportError> {
            let started = std::time::Instant::now();
            let workers = available_cores().saturating_sub(1).max(1);
            let early_len = early.len();
            let mut problems = early;
            for batch in targets.chunks(PIPELINE_BATCH) {
                let computed = engine.compute(batch, workers, tick)?;
                problems.extend(computed.iter().filter_map(|c| match c {
                    Computed::Refused(p) => Some(p.clone()),
                    Computed::Ready(_) => None,
                }));
                if sender.send(computed).is_err() {
                    // The writer stopped (its error is the one reported).
                    break;
                }
            }
            drop(sender);
            computing.store(false, std::sync::atomic::Ordering::Release);
            let compute_ms = ms(started);
            if early_workbook_planned && problems.len() == early_len {
                return Ok(Produced {
                    compute_ms,
                    workbook: None,
                    workbook_ms: 0,
                });
            }
            sort_problems(&mut problems);
            let (workbook, workbook_ms) = build_workbook(&problems);
            Ok(Produced {
                compute_ms,
                workbook,
                workbook_ms,
            })
        });
        transaction(conn, |conn| -> Result<_, WriteStop> {
            let report = make_report(Outcome::Imported, counts_of(0, &[]), None, &[]);
            let import_id = record_only(
                conn,
                actor,
                KIND,
                &request.file_name,
                &submitting,
                &report,
                started_at,
            )?;
            let mark = std::time::Instant::now();
            let unit_ids = create_units(conn, &new_units)?;
            tracing::debug!(ms = ms(mark), units = unit_ids.len(), "units created");
            let mut writer = CaseWriter::new(actor, import_id, &unit_ids, &existing_by_id);
            let mut refused: Vec<Problem> = Vec::new();
            let mut valid = 0;
            for batch in receiver {
                let mut ready = Vec::with_capacity(batch.len());
                for item in batch {
                    match item {
                        Computed::Ready(r) => ready.push(r),
                        Computed::Refused(p) => refused.push(p),
                    }
                }
                valid += ready.len();
                if refused.is_empty() || request.accept_valid {
                    writer.write(conn, ready)?;
                    if !computing.load(std::sync::atomic::Ordering::Acquire) {
                        let done = u64::from(writer.counts.created + writer.counts.updated);
                        progress.update("write", done, total);
                    }
                }
            }
            let mut produced = producer
                .join()
                .map_err(|_| anyhow::anyhow!("the compute thread panicked"))
                .map_err(ImportError::from)??;
            if let Some(building) = early_workbook {
                let early = building.join().unwrap_or_else(|_| {
                    tracing::warn!("error workbook not written: its builder failed");
                    (None, 0)
                });
                // Unless the compute thread built it again with the engine's refusals.
                if produced.workbook.is_none() {
                    (produced.workbook, produced.workbook_ms) = early;
                }
            }
            let mut all = problems.clone();
            all.extend(refused.iter().cloned());
            sort_problems(&mut all);
            let mut counts = counts_of(valid, &all);
            if !refused.is_empty() && !request.accept_valid {
                return Err(WriteStop::Refused {
                    problems: all,
                    counts,
                    produced,
                });
            }
            let outcome = if all.iter().any(|p| p.severity == Severity::Error) {
                Outcome::Partial
            } else {
                Outcome::Imported
            };
            let written = &writer.counts;
            counts.created = written.created;
            counts.updated = written.updated;
            counts.unchanged = written.unchanged;
            counts.locked = written.locked;
            all.extend(writer.locked.iter().cloned());
            let mark = std::time::Instant::now();
            store_problems(conn, import_id, &all)?;
            tracing::debug!(ms = ms(mark), problems = all.len(), "problems stored");
            if let Some(workbook) = &produced.workbook {
                imports::store_file(
                    conn,
                    import_id,
                    imports::ERROR_WORKBOOK,
                    imports::XLSX,
                    workbook,
                )?;
            }
            imports::set_outcome(conn, import_id, outcome.as_str())?;
            imports::set_counts(conn, import_id, &to_new_import_counts(&counts, &all))?;
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
                    "outcome": outcome.as_str(), "rows": counts})),
                    ..Default::default()
                },
            )?;
            tracing::debug!(ms = ms(phase), "committing");
            Ok((import_id, outcome, counts, all, produced))
        })
    });
    tracing::debug!(ms = ms(phase), "committed");
    let (import_id, outcome, counts, problems, produced) = match written_out {
        Ok(written) => written,
        Err(WriteStop::Refused {
            problems,
            counts,
            produced,
        }) => {
            timings.compute = produced.compute_ms;
            timings.error_workbook = produced.workbook_ms;
            timings.write = ms(phase);
            return Ok(ImportReport {
                timings_ms: timings,
                ..rejected(conn, counts, &problems, produced.workbook)?
            });
        }
        Err(WriteStop::Failed(e)) => return Err(e),
    };
    timings.compute = produced.compute_ms;
    timings.error_workbook = produced.workbook_ms;
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
        error_workbook: produced.workbook,
        reconciliation: None,
        timings_ms: timings,
        ..make_report(outcome, counts, Some(import_id), &problems)
    })
}

/// Rows per batch of the import's pipeline: large enough that each insert statement and each
/// thread hand-over is amortised, small enough that the writer starts soon and few computed
/// rows wait in memory.
const PIPELINE_BATCH: usize = 8_192;

/// What the compute thread of the pipeline hands back at its end.
struct Produced {
    compute_ms: u64,
    workbook: Option<Vec<u8>>,
    workbook_ms: u64,
}

/// Why the write transaction stopped (and rolled back).
enum WriteStop {
    /// The engine refused rows and the import was not asked to keep the valid ones.
    Refused {
        problems: Vec<Problem>,
        counts: RowCounts,
        produced: Produced,
    },
    Failed(ImportError),
}

impl From<ImportError> for WriteStop {
    fn from(e: ImportError) -> Self {
        WriteStop::Failed(e)
    }
}

impl From<diesel::result::Error> for WriteStop {
    fn from(e: diesel::result::Error) -> Self {
        WriteStop::Failed(e.into())
    }
}

/// Problems in row order, errors before warnings within a row.
fn sort_problems(problems: &mut [Problem]) {
    problems.sort_by_key(|p| (p.row.unwrap_or(0), p.severity == Severity::Warning));
}

fn available_cores() -> usize {
    std::thread::available_parallelism()
        .map(std::num::NonZeroUsize::get)
        .unwrap_or(1)
        .clamp(1, 8)
}

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
/// The unit of each row: an existing one (inside the submitting unit's subtree) or one to
/// create; rows with a unit code that cannot be used are reported and left out.
type Planned<'a> = (Vec<(&'a RosterRow, UnitTarget)>, Vec<NewUnitPlan>);

fn plan_units<'a>(
    conn: &mut DbConnection,
    roster: &'a ParsedRoster,
    submitting: &UnitRow,
    problems: &mut Vec<Problem>,
) -> Result<Planned<'a>, ImportError> {
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
    Ok((targets, new_units))
}

/// The engine over rows: computes and serialises what each case pins.
struct Engine<'p> {
    policy: &'p PolicySet,
    sheet: &'p str,
}

impl Engine<'_> {
    /// Computes `rows` in order on `threads` threads, each over a contiguous share.
    fn compute<'a>(
        &self,
        rows: &[(&'a RosterRow, UnitTarget)],
        threads: usize,
        tick: &(dyn Fn(u64) + Sync),
    ) -> Result<Vec<Computed<'a>>, ImportError> {
        if threads <= 1 {
            return compute_rows(self.policy, self.sheet, rows, tick);
        }
        let share = rows.len().div_ceil(threads).max(1);
        let parts: Vec<Result<Vec<Computed<'a>>, ImportError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = rows
                .chunks(share)
                .map(|part| scope.spawn(|| compute_rows(self.policy, self.sheet, part, tick)))
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
        let mut out = Vec::with_capacity(rows.len());
        for part in parts {
            out.extend(part?);
        }
        Ok(out)
    }
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
            out.push(Computed::Refused(refusal(row, sheet, refused)));
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

/// The problem reported for a row the engine refuses.
fn refusal(row: &RosterRow, sheet: &str, refused: &Refused) -> Problem {
    problem(
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
    )
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

/// People already stored, by national id, with their cases.
type Existing = HashMap<String, (people::PersonRow, Option<cases::CaseRow>)>;

/// Writes the import's rows batch by batch inside its transaction: new people and cases with
/// set-based inserts, corrected open cases updated, cases already approved or later left
/// alone and reported as locked.
struct CaseWriter<'w> {
    actor: &'w Actor,
    import_id: i64,
    unit_ids: &'w [UnitId],
    existing: &'w Existing,
    at: chrono::NaiveDateTime,
    /// Cases created so far (the sequence of their payment references).
    created: u32,
    counts: RowCounts,
    locked: Vec<Problem>,
}

impl<'w> CaseWriter<'w> {
    fn new(
        actor: &'w Actor,
        import_id: i64,
        unit_ids: &'w [UnitId],
        existing: &'w Existing,
    ) -> Self {
        CaseWriter {
            actor,
            import_id,
            unit_ids,
            existing,
            at: now(),
            created: 0,
            counts: RowCounts::default(),
            locked: Vec::new(),
        }
    }

    /// Writes one batch.
    fn write(&mut self, conn: &mut DbConnection, ready: Vec<Ready<'_>>) -> Result<(), ImportError> {
        let (actor, import_id, unit_ids, existing, at) = (
            self.actor,
            self.import_id,
            self.unit_ids,
            self.existing,
            self.at,
        );
        let counts = &mut self.counts;
        let locked = &mut self.locked;
        let unit_of = |t: &UnitTarget| match t {
            UnitTarget::Existing(id) => *id,
            UnitTarget::New(i) => unit_ids.get(*i).copied().unwrap_or(UnitId(0)),
        };
        let provenance = |row: &RosterRow| Provenance {
            import_id: Some(import_id),
            source_row: i32::try_from(row.row_number).ok(),
            submitted_by: actor.user_id,
        };
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
        let mark = std::time::Instant::now();
        let person_ids: HashMap<String, i64> = people::insert_people(conn, &new_people)?
            .into_iter()
            .collect();
        tracing::debug!(ms = ms(mark), rows = new_people.len(), "people written");
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
            let seq = self
                .created
                .saturating_add(u32::try_from(seq).unwrap_or(u32::MAX));
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
        let mark = std::time::Instant::now();
        let inserted = cases::insert_cases(conn, &new_cases, &documents, &components)?;
        tracing::debug!(ms = ms(mark), rows = inserted.len(), "cases written");
        for (_, case_id) in inserted {
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
        let created = u32::try_from(new_cases.len()).unwrap_or(u32::MAX);
        self.created = self.created.saturating_add(created);
        self.counts.created = self.counts.created.saturating_add(created);
        let mark = std::time::Instant::now();
        case_events::insert_events(conn, &events)?;
        tracing::debug!(ms = ms(mark), rows = events.len(), "events written");
        Ok(())
    }
}
