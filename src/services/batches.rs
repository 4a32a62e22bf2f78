//! Payment batches (issue 18, docs/REPORTS.md): a payment officer puts the funded cases of one
//! unit (and the units below it) that still have money due, and are in no open batch, to one
//! withdrawal order. The batch is numbered per unit, dated, and printed as the Treasury's
//! Mẫu số 09 list; a payment recorded for one of its cases carries the batch.

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::Actor;
use crate::db::audit::{self, AuditEntry};
use crate::db::batches::{self, BatchLine, BatchRow, NewBatch};
use crate::db::payments::visible_units;
use crate::db::units::{UnitRow, UnitScope, find_in_scope};
use crate::db::{DbConnection, now, transaction};
use crate::domain::ids::CaseId;
use crate::domain::policy::Category;
use crate::domain::unit::UnitCode;
use crate::error::AppError;

/// What the officer asks for.
#[derive(Debug, Clone, Default)]
pub struct NewBatchRequest {
    /// The paying unit's code.
    pub unit: String,
    /// The batch's date (default today, Vietnam time); not in the future.
    pub batch_date: Option<NaiveDate>,
    /// The withdrawal or payment order it goes with.
    pub order_ref: Option<String>,
    /// Only these cases (default: every eligible case of the unit).
    pub case_ids: Option<Vec<CaseId>>,
}

/// A batch as listed.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchSummary {
    pub id: i64,
    pub unit_code: String,
    /// 1, 2, ... per unit.
    pub number: i32,
    pub batch_date: NaiveDate,
    pub order_ref: Option<String>,
    /// How many people (lines) it holds.
    pub people: i64,
    pub total_vnd: i64,
    pub created_by: String,
}

/// A batch with its lines.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchView {
    #[serde(flatten)]
    pub summary: BatchSummary,
    pub lines: Vec<BatchLineView>,
}

/// One line of a batch.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BatchLineView {
    pub line_no: i32,
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    pub full_name: String,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub amount_vnd: i64,
    /// `I` (cán bộ, công chức, viên chức) or `II` (lao động hợp đồng).
    pub group: &'static str,
    /// "Chi bổ sung theo Nghị định 67/2025/NĐ-CP".
    pub supplement: bool,
}

/// A batch and everything the form prints about it.
#[derive(Debug, Clone)]
pub struct LoadedBatch {
    pub batch: BatchRow,
    pub unit: UnitRow,
    pub lines: Vec<BatchLine>,
}

/// The form's row group of a category: group I are cadres, civil servants, public employees
/// (and the armed forces); group II the workers under contract and the commune's part-time
/// workers, who are not on a civil-service payroll.
pub fn worker_group(category: Category) -> i32 {
    match category {
        Category::ContractWorker | Category::CommunePartTime => 2,
        Category::CadreCivilServant | Category::PublicEmployee | Category::ArmedForces => 1,
    }
}

/// The group's numeral.
pub fn group_numeral(group: i32) -> &'static str {
    if group == 2 { "II" } else { "I" }
}

fn unit_in_scope(
    conn: &mut DbConnection,
    scope: &UnitScope,
    code: &str,
) -> Result<UnitRow, AppError> {
    let code = UnitCode::normalize(code.trim());
    find_in_scope(conn, scope, &code)?.ok_or(AppError::NotFound)
}

/// Creates a batch, in one transaction: the eligible cases are locked and read again, so two
/// officers batching at once never put one case in two batches.
pub fn create(
    conn: &mut DbConnection,
    actor: &Actor,
    request: &NewBatchRequest,
    today: NaiveDate,
) -> Result<BatchView, AppError> {
    let batch_date = request.batch_date.unwrap_or(today);
    if batch_date > today {
        return Err(AppError::conflict(
            "batch_date_in_future",
            "Ngày của bảng thanh toán không được sau hôm nay",
            "The batch's date cannot be after today",
        ));
    }
    let order_ref = request
        .order_ref
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_owned);
    let result = transaction(conn, |conn| {
        let unit = unit_in_scope(conn, &actor.scope, &request.unit)?;
        let subtree = UnitScope::Subtrees(vec![unit.path.clone()]);
        let units_of = visible_units(conn, &subtree)?;
        let first = crate::db::reports::payable(conn, units_of.clone())?;
        let ids: Vec<CaseId> = first.iter().map(|r| r.case_id).collect();
        crate::db::cases::lock_many(conn, &ids)?;
        let rows = crate::db::reports::payable(conn, units_of)?;
        let ids: Vec<CaseId> = rows.iter().map(|r| r.case_id).collect();
        let open = batches::open_for_cases(conn, &ids)?;
        let mut eligible: Vec<_> = rows
            .into_iter()
            .filter(|r| !open.contains_key(&r.case_id))
            .collect();
        if let Some(asked) = &request.case_ids {
            let missing: Vec<String> = asked
                .iter()
                .filter(|id| !eligible.iter().any(|r| r.case_id == **id))
                .map(|id| id.0.to_string())
                .collect();
            if !missing.is_empty() {
                let list = missing.join(", ");
                return Err(AppError::conflict(
                    "case_not_batchable",
                    format!(
                        "Hồ sơ {list} không thể đưa vào bảng thanh toán: không thuộc đơn vị, chưa được cấp kinh phí, không còn số phải chi hoặc đã ở một bảng thanh toán chưa chi"
                    ),
                    format!(
                        "Case(s) {list} cannot go in the batch: not of the unit, not funded, nothing due, or already in a batch not yet paid"
                    ),
                ));
            }
            eligible.retain(|r| asked.contains(&r.case_id));
        }
        if eligible.is_empty() {
            return Err(AppError::conflict(
                "nothing_to_batch",
                format!(
                    "Đơn vị {} không có hồ sơ nào đã được cấp kinh phí, còn số phải chi và chưa ở bảng thanh toán nào",
                    unit.code
                ),
                format!(
                    "Unit {} has no funded case with money due that is not already in a batch",
                    unit.code
                ),
            ));
        }
        // Group I then II; within a group, people with an account first (the Treasury pays
        // them), then those without (listed apart), each by unit code and case.
        eligible.sort_by_key(|r| {
            (
                worker_group(r.category),
                r.bank_account
                    .as_deref()
                    .is_none_or(|a| a.trim().is_empty()),
            )
        });
        let mut lines: Vec<BatchLine> = eligible
            .iter()
            .enumerate()
            .map(|(i, r)| BatchLine {
                batch_id: 0,
                case_id: r.case_id,
                line_no: i32::try_from(i + 1).unwrap_or(i32::MAX),
                worker_group: worker_group(r.category),
                full_name: r.full_name.clone(),
                bank_account: r.bank_account.clone().filter(|a| !a.trim().is_empty()),
                bank_name: r.bank_name.clone().filter(|b| !b.trim().is_empty()),
                amount_vnd: r.entitled_vnd - r.paid_vnd,
                supplement: r
                    .original_entitled_vnd
                    .is_some_and(|o| o < r.entitled_vnd && r.paid_vnd > 0),
            })
            .collect();
        let number = batches::next_number(conn, unit.id)?;
        let new = NewBatch {
            unit_id: unit.id,
            number,
            batch_date,
            order_ref: order_ref.clone(),
            created_by: actor.user_id,
            created_by_label: actor.label.clone(),
            created_at: now(),
        };
        let id = batches::insert(conn, &new, &mut lines)?;
        let total: i64 = lines.iter().map(|l| l.amount_vnd).sum();
        audit::record(
            conn,
            AuditEntry {
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "payment_batch.create".into(),
                entity_kind: "payment_batch".into(),
                entity_id: Some(id.to_string()),
                unit_id: Some(unit.id),
                case_id: None,
                request_id: actor.request_id.clone(),
                before: None,
                after: Some(json!({
                    "number": number,
                    "batch_date": batch_date,
                    "lines": lines.len(),
                    "total_vnd": total,
                })),
            },
        )?;
        Ok(id)
    });
    let id = result.map_err(|e| match e {
        AppError::Internal(err) if super::payments::is_unique_violation(&err) => {
            AppError::conflict(
                "batch_race",
                "Một bảng thanh toán khác của đơn vị vừa được lập; hãy thử lại",
                "Another batch of the unit was just created; try again",
            )
        }
        other => other,
    })?;
    view(conn, &actor.scope, id)
}

/// A batch within the scope (another unit's batch is not found).
pub fn load(conn: &mut DbConnection, scope: &UnitScope, id: i64) -> Result<LoadedBatch, AppError> {
    let (batch, _) = batches::find(conn, id)?.ok_or(AppError::NotFound)?;
    let unit = crate::db::units::find(conn, batch.unit_id)?.ok_or(AppError::NotFound)?;
    if !scope.contains_path(&unit.path) {
        return Err(AppError::NotFound);
    }
    let lines = batches::lines(conn, id)?;
    Ok(LoadedBatch { batch, unit, lines })
}

/// A batch with its lines, as the API shows it.
pub fn view(conn: &mut DbConnection, scope: &UnitScope, id: i64) -> Result<BatchView, AppError> {
    let loaded = load(conn, scope, id)?;
    let total = loaded.lines.iter().map(|l| l.amount_vnd).sum();
    Ok(BatchView {
        summary: summary(
            &loaded.batch,
            loaded.unit.code.clone(),
            i64::try_from(loaded.lines.len()).unwrap_or(i64::MAX),
            total,
        ),
        lines: loaded
            .lines
            .into_iter()
            .map(|l| BatchLineView {
                line_no: l.line_no,
                case_id: l.case_id,
                full_name: l.full_name,
                bank_account: l.bank_account,
                bank_name: l.bank_name,
                amount_vnd: l.amount_vnd,
                group: group_numeral(l.worker_group),
                supplement: l.supplement,
            })
            .collect(),
    })
}

fn summary(b: &BatchRow, unit_code: String, people: i64, total_vnd: i64) -> BatchSummary {
    BatchSummary {
        id: b.id,
        unit_code,
        number: b.number,
        batch_date: b.batch_date,
        order_ref: b.order_ref.clone(),
        people,
        total_vnd,
        created_by: b.created_by_label.clone(),
    }
}

/// The newest `limit` batches of `unit` (a code; default every unit the caller sees), newest
/// first.
pub fn list(
    conn: &mut DbConnection,
    scope: &UnitScope,
    unit: Option<&str>,
    limit: i64,
) -> Result<Vec<BatchSummary>, AppError> {
    let units_of = match unit.map(str::trim).filter(|u| !u.is_empty()) {
        Some(code) => {
            let row = unit_in_scope(conn, scope, code)?;
            visible_units(conn, &UnitScope::Subtrees(vec![row.path]))?
        }
        None => visible_units(conn, scope)?,
    };
    Ok(batches::list(conn, units_of, limit)?
        .into_iter()
        .map(|(b, code, n, total)| summary(&b, code, n, total))
        .collect())
}
