//! Recomputing every case with the policy tables loaded now (after a table changed): who gains
//! or loses and by how much, per unit. Cases not yet approved (`submitted`, `returned`) take
//! the new figures (their pinned result and policy versions are replaced, recorded in their
//! history); cases approved or later keep their pinned entitlement and are marked
//! `entitlement_changed` with the proposed figure, for a reviewer to decide (return the case,
//! after which the next recomputation updates it). Cancelled cases are left alone. A dry run
//! computes and reports, writing nothing.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Serialize;
use serde_json::json;

use super::Actor;
use crate::db::audit::{self, AuditEntry};
use crate::db::case_events::{self, NewCaseEvent};
use crate::db::cases::{self, CaseFigures, Provenance, RecomputeRow};
use crate::db::markers;
use crate::db::{DbConnection, now, transaction};
use crate::domain::case_state::CaseState;
use crate::domain::entitlement::{CalcInput, CalcOutput, calculate};
use crate::domain::ids::CaseId;
use crate::domain::policy::PolicySet;
use crate::error::AppError;

/// One case whose entitlement would change.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub case_id: CaseId,
    pub unit_code: String,
    pub state: CaseState,
    pub before_vnd: i64,
    pub after_vnd: i64,
    pub delta_vnd: i64,
    /// `updated` (not yet approved), `flagged` (approved or later: a reviewer decides) or
    /// `refused` (the engine refuses the stored input under the new tables; flagged too).
    pub action: &'static str,
}

/// Per unit: how many gain and lose, and the net change.
#[derive(Debug, Clone, Default, Serialize)]
pub struct UnitDelta {
    pub unit_code: String,
    pub gainers: usize,
    pub losers: usize,
    pub gains_vnd: i64,
    pub losses_vnd: i64,
    pub net_vnd: i64,
}

/// What a recomputation found (and, unless a dry run, did).
#[derive(Debug, Clone, Default, Serialize)]
pub struct RecomputeReport {
    pub dry_run: bool,
    pub cases: usize,
    pub changed: usize,
    pub updated: usize,
    pub flagged: usize,
    pub refused: usize,
    /// Cases whose figures are the same but whose pinned policy versions were refreshed.
    pub repinned: usize,
    pub gains_vnd: i64,
    pub losses_vnd: i64,
    pub by_unit: Vec<UnitDelta>,
    pub changes: Vec<Change>,
}

/// Recomputes every case (see the module documentation).
#[tracing::instrument(skip_all, fields(dry_run = dry_run))]
pub fn recompute(
    conn: &mut DbConnection,
    policy: &PolicySet,
    actor: &Actor,
    dry_run: bool,
    today: NaiveDate,
) -> Result<RecomputeReport, AppError> {
    transaction(conn, |conn| {
        let rows = cases::for_recompute(conn)?;
        let mut report = RecomputeReport {
            dry_run,
            cases: rows.len(),
            ..Default::default()
        };
        let mut by_unit: BTreeMap<String, UnitDelta> = BTreeMap::new();
        let mut events = Vec::new();
        for RecomputeRow {
            id,
            state,
            version,
            entitled_vnd: before,
            input_json,
            result_json,
            import_id,
            source_row,
            submitted_by: by,
            unit_code: unit,
            pending_entitled_vnd: pending,
        } in rows
        {
            let input: CalcInput = serde_json::from_str(&input_json)
                .map_err(|e| anyhow::anyhow!("case {id}: stored input: {e}"))?;
            let output = calculate(policy, &input);
            let open = state.is_open_for_import();
            let (after, action) = match &output {
                CalcOutput::Computed(c) => (c.total_vnd, if open { "updated" } else { "flagged" }),
                CalcOutput::Refused(_) => (before, "refused"),
            };
            let new_result = serde_json::to_string(&output).map_err(anyhow::Error::from)?;
            if after == before && action != "refused" {
                let stored = crate::db::pinned::unpack(&result_json)
                    .map_err(|e| anyhow::anyhow!("case {id}: stored result: {e}"))?;
                if open && new_result != stored {
                    report.repinned += 1;
                    if !dry_run {
                        update_open(
                            conn,
                            id,
                            version,
                            state,
                            &output,
                            &input_json,
                            Provenance {
                                import_id,
                                source_row,
                                submitted_by: by,
                            },
                        )?;
                    }
                }
                if pending.is_some() && !dry_run {
                    markers::set_pending_entitlement(conn, id, None, today)?;
                }
                continue;
            }
            report.changed += 1;
            let delta = after - before;
            let u = by_unit.entry(unit.clone()).or_insert_with(|| UnitDelta {
                unit_code: unit.clone(),
                ..Default::default()
            });
            if delta > 0 {
                u.gainers += 1;
                u.gains_vnd += delta;
                report.gains_vnd += delta;
            } else if delta < 0 {
                u.losers += 1;
                u.losses_vnd += -delta;
                report.losses_vnd += -delta;
            }
            u.net_vnd += delta;
            match action {
                "updated" => report.updated += 1,
                "flagged" => report.flagged += 1,
                _ => report.refused += 1,
            }
            report.changes.push(Change {
                case_id: id,
                unit_code: unit,
                state,
                before_vnd: before,
                after_vnd: after,
                delta_vnd: delta,
                action,
            });
            if dry_run {
                continue;
            }
            if action == "updated" {
                update_open(
                    conn,
                    id,
                    version,
                    state,
                    &output,
                    &input_json,
                    Provenance {
                        import_id,
                        source_row,
                        submitted_by: by,
                    },
                )?;
                if pending.is_some() {
                    markers::set_pending_entitlement(conn, id, None, today)?;
                }
            } else {
                markers::set_pending_entitlement(conn, id, Some(after), today)?;
            }
            events.push(NewCaseEvent {
                case_id: id,
                at: now().into(),
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "recompute".into(),
                from_state: Some(state),
                to_state: state,
                reason: None,
                detail_json: Some(
                    json!({"before_vnd": before, "after_vnd": after, "action": action}).to_string(),
                ),
                request_id: actor.request_id.clone(),
            });
        }
        report.by_unit = by_unit.into_values().collect();
        if !dry_run {
            case_events::insert_events(conn, &events)?;
            audit::record(
                conn,
                AuditEntry {
                    actor_user_id: actor.user_id,
                    actor: actor.label.clone(),
                    action: "policy.recompute".into(),
                    entity_kind: "policy".into(),
                    entity_id: None,
                    unit_id: None,
                    case_id: None,
                    request_id: actor.request_id.clone(),
                    before: None,
                    after: Some(json!({
                        "versions": policy.versions(),
                        "cases": report.cases, "changed": report.changed,
                        "updated": report.updated, "flagged": report.flagged,
                        "refused": report.refused, "gains_vnd": report.gains_vnd,
                        "losses_vnd": report.losses_vnd,
                    })),
                },
            )?;
        }
        Ok(report)
    })
}

/// Replaces an open case's figures with the new result (same state, version bumped).
#[allow(clippy::too_many_arguments)]
fn update_open(
    conn: &mut DbConnection,
    id: CaseId,
    version: i32,
    state: CaseState,
    output: &CalcOutput,
    input_json: &str,
    source: Provenance,
) -> Result<(), AppError> {
    if !matches!(output, CalcOutput::Computed(_)) {
        return Ok(());
    }
    let stored = cases::input_facts(conn, id)?;
    let Some(figures) = CaseFigures::of(
        output,
        stored.leave_date,
        stored.decision_date,
        input_json.to_owned(),
        stored.input_hash,
    )?
    else {
        return Ok(());
    };
    if !cases::update_figures(conn, id, version, state, &figures, &source)? {
        return Err(AppError::conflict(
            "stale_version",
            format!("Hồ sơ {id} đã thay đổi trong khi tính lại; hãy chạy lại"),
            format!("Case {id} changed during the recomputation; run it again"),
        ));
    }
    Ok(())
}
