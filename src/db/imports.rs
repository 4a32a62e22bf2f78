//! Import records and their problems.

use crate::domain::ids::UnitId;
use crate::domain::ids::UserId;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::DbConnection;
use super::schema::{import_problems, imports};

/// An import as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize)]
#[diesel(table_name = imports)]
pub struct ImportRow {
    pub id: i64,
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub unit_id: UnitId,
    pub submitted_by: Option<UserId>,
    pub submitted_by_label: String,
    pub outcome: String,
    pub rows_total: i32,
    pub rows_valid: i32,
    pub rows_invalid: i32,
    pub rows_created: i32,
    pub rows_updated: i32,
    pub rows_unchanged: i32,
    pub rows_locked: i32,
    pub errors: i32,
    pub warnings: i32,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub started_at: NaiveDateTime,
    #[serde(serialize_with = "crate::timestamps::utc_opt")]
    pub finished_at: Option<NaiveDateTime>,
}

/// A new import record.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = imports)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewImport {
    pub kind: String,
    pub file_name: String,
    pub sha256: String,
    pub unit_id: UnitId,
    pub submitted_by: Option<UserId>,
    pub submitted_by_label: String,
    pub outcome: String,
    pub rows_total: i32,
    pub rows_valid: i32,
    pub rows_invalid: i32,
    pub rows_created: i32,
    pub rows_updated: i32,
    pub rows_unchanged: i32,
    pub rows_locked: i32,
    pub errors: i32,
    pub warnings: i32,
    pub started_at: NaiveDateTime,
    pub finished_at: Option<NaiveDateTime>,
}

/// A problem of an import.
#[derive(Debug, Clone, Insertable, Queryable, Selectable)]
#[diesel(table_name = import_problems)]
#[diesel(treat_none_as_default_value = false)]
pub struct ProblemRow {
    pub import_id: i64,
    pub severity: String,
    pub sheet: String,
    pub row_number: Option<i32>,
    pub column_name: Option<String>,
    pub cell_value: Option<String>,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

pub fn insert(conn: &mut DbConnection, row: &NewImport) -> QueryResult<ImportRow> {
    let id: i64 = diesel::insert_into(imports::table)
        .values(row)
        .returning(imports::id)
        .get_result(conn)?;
    imports::table
        .find(id)
        .select(ImportRow::as_select())
        .first(conn)
}

pub fn insert_problems(conn: &mut DbConnection, rows: &[ProblemRow]) -> QueryResult<()> {
    crate::insert_chunks!(conn, import_problems::table, rows);
    Ok(())
}

/// The last successful import of the same file for the same unit, if any.
pub fn find_applied(
    conn: &mut DbConnection,
    kind: &str,
    sha256: &str,
    unit_id: UnitId,
) -> QueryResult<Option<ImportRow>> {
    imports::table
        .filter(imports::kind.eq(kind))
        .filter(imports::sha256.eq(sha256))
        .filter(imports::unit_id.eq(unit_id))
        .filter(imports::outcome.eq_any(["imported", "partial"]))
        .order(imports::id.desc())
        .select(ImportRow::as_select())
        .first(conn)
        .optional()
}

pub fn find(conn: &mut DbConnection, id: i64) -> QueryResult<Option<ImportRow>> {
    imports::table
        .find(id)
        .select(ImportRow::as_select())
        .first(conn)
        .optional()
}

/// Problems of an import in file order.
pub fn problems(
    conn: &mut DbConnection,
    import_id: i64,
    limit: i64,
) -> QueryResult<Vec<ProblemRow>> {
    import_problems::table
        .filter(import_problems::import_id.eq(import_id))
        .order(import_problems::id.asc())
        .limit(limit)
        .select(ProblemRow::as_select())
        .load(conn)
}

/// Final counts of an import.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub rows_total: i32,
    pub rows_valid: i32,
    pub rows_invalid: i32,
    pub rows_created: i32,
    pub rows_updated: i32,
    pub rows_unchanged: i32,
    pub rows_locked: i32,
    pub errors: i32,
    pub warnings: i32,
}

/// Writes the final counts of an import.
pub fn set_counts(conn: &mut DbConnection, id: i64, c: &Counts) -> QueryResult<()> {
    diesel::update(imports::table.find(id))
        .set((
            imports::rows_total.eq(c.rows_total),
            imports::rows_valid.eq(c.rows_valid),
            imports::rows_invalid.eq(c.rows_invalid),
            imports::rows_created.eq(c.rows_created),
            imports::rows_updated.eq(c.rows_updated),
            imports::rows_unchanged.eq(c.rows_unchanged),
            imports::rows_locked.eq(c.rows_locked),
            imports::errors.eq(c.errors),
            imports::warnings.eq(c.warnings),
            imports::finished_at.eq(Some(super::now())),
        ))
        .execute(conn)?;
    Ok(())
}

/// Sets an import's outcome (known at the end of a write that recorded the import first).
pub fn set_outcome(conn: &mut DbConnection, id: i64, outcome: &str) -> QueryResult<()> {
    diesel::update(imports::table.find(id))
        .set(imports::outcome.eq(outcome))
        .execute(conn)?;
    Ok(())
}

/// Kind of the file kept with an import that had errors.
pub const ERROR_WORKBOOK: &str = "error_workbook";
/// Content type of workbooks.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

/// Keeps a file with an import.
pub fn store_file(
    conn: &mut DbConnection,
    import_id: i64,
    kind: &str,
    content_type: &str,
    content: &[u8],
) -> QueryResult<()> {
    use super::schema::import_files;
    use base64::Engine as _;
    diesel::insert_into(import_files::table)
        .values((
            import_files::import_id.eq(import_id),
            import_files::kind.eq(kind),
            import_files::content_type.eq(content_type),
            import_files::content_base64
                .eq(base64::engine::general_purpose::STANDARD.encode(content)),
            import_files::bytes.eq(i64::try_from(content.len()).unwrap_or(i64::MAX)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The file kept with an import, if any: `(kind, content type, bytes)`.
pub fn file(
    conn: &mut DbConnection,
    import_id: i64,
) -> QueryResult<Option<(String, String, Vec<u8>)>> {
    use super::schema::import_files;
    use base64::Engine as _;
    let row: Option<(String, String, String)> = import_files::table
        .find(import_id)
        .select((
            import_files::kind,
            import_files::content_type,
            import_files::content_base64,
        ))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(kind, ct, b64)| {
        base64::engine::general_purpose::STANDARD
            .decode(b64)
            .ok()
            .map(|bytes| (kind, ct, bytes))
    }))
}

/// The latest `limit` imports of the units in `scope`, newest first, with their unit's code.
pub fn recent(
    conn: &mut DbConnection,
    scope: &super::units::UnitScope,
    limit: i64,
) -> QueryResult<Vec<(ImportRow, String)>> {
    use super::schema::units;
    let mut query = imports::table
        .inner_join(units::table.on(units::id.eq(imports::unit_id)))
        .order((imports::started_at.desc(), imports::id.desc()))
        .limit(limit)
        .select((ImportRow::as_select(), units::code))
        .into_boxed();
    if let Some(ids) = super::payments::visible_units(conn, scope)? {
        query = query.filter(imports::unit_id.eq_any(ids));
    }
    query.load(conn)
}
