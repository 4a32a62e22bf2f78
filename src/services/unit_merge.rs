//! Merging a unit into its successor (2025 merged provinces and communes): its cases and
//! statement lines move to the successor with their history; units below it move under the
//! successor; the unit itself stays, marked merged, so reports can still show it (cases keep
//! `original_unit_id`). One transaction; recorded in every moved case's history and the audit.
//!
//! Decisions: user assignments are not moved (an administrator grants the successor, so that
//! no one gains access by a merge); payments keep their paying unit (history); the successor's
//! Treasury account is its own (the merged unit's account closes with it).

use chrono::NaiveDate;
use serde_json::json;

use super::Actor;
use crate::db::audit::{self, AuditEntry};
use crate::db::case_events::{self, NewCaseEvent};
use crate::db::cases;
use crate::db::units::{self, UnitRow};
use crate::db::{DbConnection, now, payments, transaction};
use crate::domain::unit::UnitCode;
use crate::error::AppError;

/// What a merge moved.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct MergeOutcome {
    pub merged: String,
    pub successor: String,
    pub merged_on: NaiveDate,
    pub cases_moved: usize,
    pub statement_lines_moved: usize,
    pub units_moved: usize,
}

fn refuse(code: &'static str, vi: String, en: String) -> AppError {
    AppError::conflict(code, vi, en)
}

/// Merges unit `code` into unit `successor_code` on `on`.
#[tracing::instrument(skip_all)]
pub fn merge(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    successor_code: &str,
    on: NaiveDate,
) -> Result<MergeOutcome, AppError> {
    let code = UnitCode::normalize(code);
    let successor_code = UnitCode::normalize(successor_code);
    transaction(conn, |conn| {
        let merged = units::find_in_scope(conn, &actor.scope, &code)?.ok_or(AppError::NotFound)?;
        let successor =
            units::find_in_scope(conn, &actor.scope, &successor_code)?.ok_or(AppError::NotFound)?;
        check(&merged, &successor)?;
        let moved_cases = cases::ids_of_unit(conn, merged.id)?;
        cases::move_to_unit(conn, merged.id, successor.id)?;
        let lines = payments::move_lines_to_unit(conn, merged.id, successor.id)?;
        // Units below the merged one move under the successor, paths rewritten.
        let below = units::below(conn, &merged)?;
        for unit in &below {
            let rest = unit.path.get(merged.path.len()..).unwrap_or_default();
            let path = format!("{}{rest}", successor.path);
            let depth = successor.depth + (unit.depth - merged.depth);
            let parent = if unit.parent_id == Some(merged.id) {
                Some(successor.id)
            } else {
                unit.parent_id
            };
            units::set_place(conn, unit.id, &path, depth, parent)?;
        }
        units::set_merged(conn, merged.id, successor.id, on)?;
        let at = now();
        let detail = json!({"from_unit": merged.code, "to_unit": successor.code, "merged_on": on})
            .to_string();
        // The history keeps the state column filled: the state does not change.
        let states = cases::states_of(conn, &moved_cases)?;
        let events: Vec<NewCaseEvent> = states
            .into_iter()
            .map(|(case_id, state)| NewCaseEvent {
                case_id,
                at: at.into(),
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "unit_merge".into(),
                from_state: Some(state),
                to_state: state,
                reason: Some(format!("{} → {}", merged.code, successor.code)),
                detail_json: Some(detail.clone()),
                request_id: actor.request_id.clone(),
            })
            .collect();
        case_events::insert_events(conn, &events)?;
        let outcome = MergeOutcome {
            merged: merged.code.clone(),
            successor: successor.code.clone(),
            merged_on: on,
            cases_moved: moved_cases.len(),
            statement_lines_moved: lines,
            units_moved: below.len(),
        };
        audit::record(
            conn,
            AuditEntry {
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "unit.merge".into(),
                entity_kind: "unit".into(),
                entity_id: Some(merged.code.clone()),
                unit_id: Some(merged.id),
                case_id: None,
                request_id: actor.request_id.clone(),
                before: Some(json!({"unit": merged.code, "path": merged.path})),
                after: serde_json::to_value(&outcome).ok(),
            },
        )?;
        Ok(outcome)
    })
}

fn check(merged: &UnitRow, successor: &UnitRow) -> Result<(), AppError> {
    if merged.id == successor.id {
        return Err(refuse(
            "merge_into_itself",
            "Không thể hợp nhất một đơn vị vào chính nó".into(),
            "A unit cannot be merged into itself".into(),
        ));
    }
    if merged.parent_id.is_none() {
        return Err(refuse(
            "merge_root",
            "Không thể hợp nhất đơn vị gốc".into(),
            "The root unit cannot be merged".into(),
        ));
    }
    if successor.path.starts_with(&merged.path) {
        return Err(refuse(
            "merge_into_descendant",
            format!(
                "Không thể hợp nhất {} vào đơn vị trực thuộc của nó ({})",
                merged.code, successor.code
            ),
            format!(
                "{} cannot be merged into a unit below it ({})",
                merged.code, successor.code
            ),
        ));
    }
    for (unit, vi, en) in [
        (merged, "đã được hợp nhất", "is already merged"),
        (
            successor,
            "đã được hợp nhất nên không nhận hợp nhất",
            "is merged and cannot be a successor",
        ),
    ] {
        if unit.merged_into_id.is_some() {
            return Err(refuse(
                "unit_already_merged",
                format!("Đơn vị {} {vi}", unit.code),
                format!("Unit {} {en}", unit.code),
            ));
        }
    }
    Ok(())
}
