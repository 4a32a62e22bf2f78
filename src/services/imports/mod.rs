//! Importing files: a **roster** ([`roster`]), a **payment list** ([`payments`]) and a
//! **statement** ([`statement`]), with one set of rules: everything is read and checked before
//! the one write transaction; by default a file with any error writes nothing (`accept_valid`
//! keeps the good rows); the same file again changes nothing; each import is a record with its
//! problems and one report shape ([`record`]).

use std::collections::HashMap;

use chrono::NaiveDate;

use crate::db::DbConnection;
use crate::db::audit::{self, AuditEntry};
use crate::db::cases;
use crate::db::mapping_profiles;
use crate::db::payments::visible_units;
use crate::db::units::{self, UnitRow};
use crate::domain::matching::MatchSettings;
use crate::domain::national_id::NationalId;
use crate::domain::payment_reference::PaymentReference;
use crate::domain::unit::UnitCode;
use crate::import::ReadOptions;
use crate::import::error::ListKind;
use crate::import::recognize::{Profile, shape};
use crate::import::statement::AmountSign;
use crate::import::tabular::KnownCase;
use crate::services::Actor;

pub mod payments;
pub mod record;
pub mod roster;
pub mod statement;

pub use payments::{PAYMENTS, import_payments, import_payments_with_progress};
pub use record::{FileRequest, ImportError, ImportReport, Outcome, ProblemOut, RowCounts, Timings};
pub use roster::{
    ImportProgress, ImportRequest, KIND, NoProgress, import_roster, import_roster_with_progress,
};
pub use statement::{STATEMENT, import_statement, import_statement_with_progress};

/// A payment list or statement to import.
#[derive(Debug, Clone)]
pub struct LedgerRequest {
    pub file_name: String,
    pub sheet: Option<String>,
    /// The paying unit (payment list) or the account holder (statement).
    pub unit_code: String,
    pub dry_run: bool,
    pub accept_valid: bool,
    pub options: ReadOptions,
    /// Days counted from (Vietnam calendar).
    pub today: NaiveDate,
    /// How a single signed amount column of a statement reads.
    pub sign: AmountSign,
    /// Matcher settings.
    pub matching: MatchSettings,
}

/// Payment references of the cases within the actor's units, with the person's id.
pub(super) fn known_references(
    conn: &mut DbConnection,
    actor: &Actor,
) -> Result<HashMap<PaymentReference, KnownCase>, ImportError> {
    let visible = visible_units(conn, &actor.scope)?;
    let rows = cases::references(conn, visible)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            let reference = PaymentReference::parse(&row.payment_reference).ok()?;
            Some((
                reference,
                KnownCase {
                    case_id: row.id,
                    national_id: NationalId::parse(&row.national_id, None).ok().map(|p| p.id),
                },
            ))
        })
        .collect())
}

/// The unit a file is submitted for, if the actor may submit for it.
pub(super) fn submitting_unit(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
) -> Result<UnitRow, ImportError> {
    units::find_in_scope(conn, &actor.scope, &UnitCode::normalize(code))?
        .ok_or_else(|| ImportError::UnknownUnit(code.to_owned()))
}

/// The saved mapping profiles of `unit` for a kind of list, as the reader takes them
/// (profiles whose stored mapping no longer parses are passed over).
pub(super) fn profiles_of(
    conn: &mut DbConnection,
    unit: &UnitRow,
    list: ListKind,
) -> Result<Vec<Profile>, ImportError> {
    Ok(mapping_profiles::of_unit(conn, unit.id, list.template())?
        .into_iter()
        .filter_map(|row| {
            Some(Profile {
                shape: row.shape.lines().map(str::to_owned).collect(),
                mapping: serde_json::from_str(&row.mapping).ok()?,
                name: row.name,
            })
        })
        .collect())
}

/// Longest profile name kept (characters).
const PROFILE_NAME_CHARS: usize = 100;

/// Saves the request's mapping under `options.save_profile` for `unit`, with the shape of the
/// file it was read from; audited. Nothing to save without a name or a mapping.
pub(super) fn save_profile(
    conn: &mut DbConnection,
    actor: &Actor,
    unit: &UnitRow,
    list: ListKind,
    options: &ReadOptions,
    headers: &[String],
) -> Result<Option<String>, ImportError> {
    let (Some(name), false) = (&options.save_profile, options.mapping.is_empty()) else {
        return Ok(None);
    };
    let name: String = name.trim().chars().take(PROFILE_NAME_CHARS).collect();
    let row = mapping_profiles::ProfileRow {
        unit_id: unit.id,
        list_kind: list.template().to_owned(),
        name: name.clone(),
        shape: shape(headers.iter().map(String::as_str)).join("\n"),
        mapping: serde_json::to_string(&options.mapping).map_err(anyhow::Error::from)?,
        saved_by: actor.label.clone(),
    };
    crate::db::transaction(conn, |conn| -> Result<(), ImportError> {
        mapping_profiles::save(conn, &row)?;
        audit::record(
            conn,
            AuditEntry {
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "mapping_profile.save".into(),
                entity_kind: "mapping_profile".into(),
                entity_id: Some(format!("{}/{}", list.template(), name)),
                unit_id: Some(unit.id),
                case_id: None,
                request_id: actor.request_id.clone(),
                before: None,
                after: Some(serde_json::json!({"list": list.template(), "name": name,
                    "mapping": &options.mapping, "shape": &row.shape})),
            },
        )?;
        Ok(())
    })?;
    Ok(Some(name))
}

impl FileRequest for LedgerRequest {
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
