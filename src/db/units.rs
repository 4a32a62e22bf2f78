//! Organisation units: the reference list, units created below it, Treasury accounts and the
//! unit scope every query takes.

use chrono::NaiveDate;
use diesel::dsl::count_star;
use diesel::prelude::*;

use super::schema::units;
use super::{DbConnection, now};
use crate::domain::ids::UnitId;
use crate::domain::unit::{NATION_CODE, UnitCode, UnitKind};
use crate::reference::{self, ReferenceUnit};

/// A unit as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = units)]
pub struct UnitRow {
    pub id: UnitId,
    pub code: String,
    pub name_vi: String,
    pub name_en: String,
    pub kind: UnitKind,
    pub parent_id: Option<UnitId>,
    pub path: String,
    pub depth: i32,
    pub merged_into_id: Option<UnitId>,
    pub merged_on: Option<NaiveDate>,
    pub treasury_account_no: Option<String>,
    pub treasury_account_opened_on: Option<NaiveDate>,
    pub created_at: chrono::NaiveDateTime,
    pub updated_at: chrono::NaiveDateTime,
}

/// The units a caller may see: everything, or the subtrees below some units.
///
/// Built once per request from the caller; every query over unit-owned data takes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UnitScope {
    All,
    /// Materialised paths of the roots of the visible subtrees (possibly none).
    Subtrees(Vec<String>),
}

impl UnitScope {
    /// Whether a unit with this materialised path is visible.
    pub fn contains_path(&self, path: &str) -> bool {
        match self {
            UnitScope::All => true,
            UnitScope::Subtrees(roots) => roots.iter().any(|root| path.starts_with(root.as_str())),
        }
    }

    /// The units query restricted to this scope.
    pub fn units_query(&self) -> units::BoxedQuery<'static, super::MultiBackend> {
        let query = units::table.into_boxed();
        match self {
            UnitScope::All => query,
            UnitScope::Subtrees(roots) if roots.is_empty() => query.filter(units::id.eq(-1_i64)),
            UnitScope::Subtrees(roots) => {
                let mut query = query.filter(units::path.like(format!("{}%", roots[0])));
                for root in &roots[1..] {
                    query = query.or_filter(units::path.like(format!("{root}%")));
                }
                query
            }
        }
    }
}

#[derive(Insertable)]
#[diesel(table_name = units)]
#[diesel(treat_none_as_default_value = false)]
struct NewUnit<'a> {
    code: &'a str,
    name_vi: &'a str,
    name_en: &'a str,
    kind: &'a str,
    parent_id: Option<UnitId>,
    path: &'a str,
    depth: i32,
    created_at: chrono::NaiveDateTime,
    updated_at: chrono::NaiveDateTime,
}

/// A unit to create below an existing one.
pub struct UnitToCreate<'a> {
    pub code: &'a UnitCode,
    pub name: &'a str,
    pub kind: UnitKind,
    pub parent: &'a UnitRow,
}

/// Inserts many units below existing units in multi-row statements, then sets their paths in
/// one `UPDATE` (parent's path + own id); returns their ids in the order given.
pub fn insert_many(conn: &mut DbConnection, new: &[UnitToCreate<'_>]) -> QueryResult<Vec<UnitId>> {
    if new.is_empty() {
        return Ok(Vec::new());
    }
    let at = now();
    let rows: Vec<NewUnit<'_>> = new
        .iter()
        .map(|u| NewUnit {
            code: u.code.as_str(),
            name_vi: u.name,
            name_en: u.name,
            kind: u.kind.as_str(),
            parent_id: Some(u.parent.id),
            path: "",
            depth: u.parent.depth + 1,
            created_at: at,
            updated_at: at,
        })
        .collect();
    for chunk in rows.chunks(super::CHUNK) {
        crate::insert_batch!(conn, units::table, chunk)?;
    }
    diesel::sql_query(
        "UPDATE units SET path = (SELECT p.path FROM units p WHERE p.id = units.parent_id) \
         || CAST(units.id AS TEXT) || '/' WHERE path = ''",
    )
    .execute(conn)?;
    let codes: Vec<&str> = new.iter().map(|u| u.code.as_str()).collect();
    let mut ids: std::collections::HashMap<String, UnitId> = std::collections::HashMap::new();
    for chunk in codes.chunks(super::CHUNK * 5) {
        let found: Vec<(String, UnitId)> = units::table
            .filter(units::code.eq_any(chunk))
            .select((units::code, units::id))
            .load(conn)?;
        ids.extend(found);
    }
    codes
        .iter()
        .map(|c| ids.get(*c).copied().ok_or(diesel::result::Error::NotFound))
        .collect()
}

/// Inserts a unit under `parent` and sets its materialised path. Returns the new row.
pub fn insert(
    conn: &mut DbConnection,
    code: &UnitCode,
    name_vi: &str,
    name_en: &str,
    kind: UnitKind,
    parent: Option<&UnitRow>,
) -> QueryResult<UnitRow> {
    let at = now();
    let id: UnitId = diesel::insert_into(units::table)
        .values(NewUnit {
            code: code.as_str(),
            name_vi,
            name_en,
            kind: kind.as_str(),
            parent_id: parent.map(|p| p.id),
            path: "",
            depth: parent.map(|p| p.depth + 1).unwrap_or(0),
            created_at: at,
            updated_at: at,
        })
        .returning(units::id)
        .get_result(conn)?;
    let path = format!("{}{id}/", parent.map(|p| p.path.as_str()).unwrap_or("/"));
    diesel::update(units::table.find(id))
        .set(units::path.eq(&path))
        .execute(conn)?;
    units::table
        .find(id)
        .select(UnitRow::as_select())
        .first(conn)
}

/// Finds a unit by code (no scope: for internal use and reference loading).
pub fn find_by_code(conn: &mut DbConnection, code: &str) -> QueryResult<Option<UnitRow>> {
    units::table
        .filter(units::code.eq(code))
        .select(UnitRow::as_select())
        .first(conn)
        .optional()
}

/// Finds a unit by its materialised path (the root of a caller's subtree).
pub fn find_by_path(conn: &mut DbConnection, path: &str) -> QueryResult<Option<UnitRow>> {
    units::table
        .filter(units::path.eq(path))
        .select(UnitRow::as_select())
        .first(conn)
        .optional()
}

/// Finds a unit by code within a scope; another scope's unit is simply not found.
pub fn find_in_scope(
    conn: &mut DbConnection,
    scope: &UnitScope,
    code: &str,
) -> QueryResult<Option<UnitRow>> {
    scope
        .units_query()
        .filter(units::code.eq(code))
        .select(UnitRow::as_select())
        .first(conn)
        .optional()
}

/// Filters for listing units.
#[derive(Debug, Default, Clone)]
pub struct UnitFilter {
    pub parent_code: Option<String>,
    pub kind: Option<UnitKind>,
    pub without_treasury_account: bool,
}

/// Lists the units in scope, ordered by materialised path (tree order).
pub fn list(
    conn: &mut DbConnection,
    scope: &UnitScope,
    filter: &UnitFilter,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<UnitRow>, i64)> {
    let build = || {
        let mut query = scope.units_query();
        if let Some(kind) = filter.kind {
            query = query.filter(units::kind.eq(kind));
        }
        if filter.without_treasury_account {
            query = query.filter(units::treasury_account_no.is_null());
        }
        query
    };
    let mut rows_query = build();
    let mut count_query = build();
    if let Some(parent) = &filter.parent_code {
        // An unknown parent has no children: -1 matches no unit.
        let parent_id = find_by_code(conn, parent)?.map_or(UnitId(-1), |p| p.id);
        rows_query = rows_query.filter(units::parent_id.eq(parent_id));
        count_query = count_query.filter(units::parent_id.eq(parent_id));
    }
    let total = count_query.select(count_star()).first(conn)?;
    let rows = rows_query
        .order((units::depth.asc(), units::code.asc()))
        .limit(limit)
        .offset(offset)
        .select(UnitRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Records (or clears) a unit's State Treasury payment account.
pub fn set_treasury_account(
    conn: &mut DbConnection,
    id: UnitId,
    account_no: Option<&str>,
    opened_on: Option<NaiveDate>,
) -> QueryResult<UnitRow> {
    diesel::update(units::table.find(id))
        .set((
            units::treasury_account_no.eq(account_no),
            units::treasury_account_opened_on.eq(opened_on),
            units::updated_at.eq(now()),
        ))
        .execute(conn)?;
    units::table
        .find(id)
        .select(UnitRow::as_select())
        .first(conn)
}

/// Loads the paths of units by id (for building a caller's scope).
pub fn paths_of(conn: &mut DbConnection, ids: &[UnitId]) -> QueryResult<Vec<String>> {
    units::table
        .filter(units::id.eq_any(ids))
        .select(units::path)
        .load(conn)
}

/// Number of units stored.
pub fn count(conn: &mut DbConnection) -> QueryResult<i64> {
    units::table.select(count_star()).first(conn)
}

/// Ensures the root (Việt Nam) and every unit of the reference lists exist; adds the missing
/// ones and leaves existing ones untouched. Returns how many were added.
pub fn seed_reference(conn: &mut DbConnection) -> anyhow::Result<usize> {
    let mut reference: Vec<ReferenceUnit> = reference::central_bodies()?;
    reference.extend(reference::provinces()?);
    super::transaction(conn, |conn| {
        let mut added = 0;
        let root = match find_by_code(conn, NATION_CODE)? {
            Some(root) => root,
            None => {
                added += 1;
                let code = UnitCode::parse(NATION_CODE)
                    .map_err(|e| anyhow::anyhow!("root unit code: {e}"))?;
                insert(conn, &code, "Việt Nam", "Viet Nam", UnitKind::Nation, None)?
            }
        };
        for unit in &reference {
            if find_by_code(conn, &unit.code)?.is_some() {
                continue;
            }
            let code = UnitCode::parse(&unit.code)
                .map_err(|e| anyhow::anyhow!("reference unit {}: {e}", unit.code))?;
            insert(
                conn,
                &code,
                &unit.name_vi,
                &unit.name_en,
                unit.kind,
                Some(&root),
            )?;
            added += 1;
        }
        Ok(added)
    })
}

/// A unit by id (no scope: internal use).
pub fn find(conn: &mut DbConnection, id: UnitId) -> QueryResult<Option<UnitRow>> {
    units::table
        .find(id)
        .select(UnitRow::as_select())
        .first(conn)
        .optional()
}

/// The unit fields progress reports need: narrow, no timestamps to parse.
#[derive(Debug, Clone, Queryable)]
pub struct UnitBrief {
    pub id: UnitId,
    pub code: String,
    pub name_vi: String,
    pub kind: UnitKind,
    pub path: String,
    pub treasury_account_no: Option<String>,
}

/// The units' version: it moves with every change of a unit (a trigger, migration 13), so a
/// process may keep what it read of the units until it moves.
pub fn version(conn: &mut DbConnection) -> QueryResult<i64> {
    super::schema::units_version::table
        .select(super::schema::units_version::version)
        .first(conn)
}

/// Every unit once, narrow (no scope: the caller applies it in memory).
pub fn all_brief(conn: &mut DbConnection) -> QueryResult<Vec<UnitBrief>> {
    units::table
        .select((
            units::id,
            units::code,
            units::name_vi,
            units::kind,
            units::path,
            units::treasury_account_no,
        ))
        .load(conn)
}

/// `(id, code)` of the units with these ids (no scope: for showing codes of units already
/// read within one).
pub fn codes_by_ids(conn: &mut DbConnection, ids: &[UnitId]) -> QueryResult<Vec<(UnitId, String)>> {
    units::table
        .filter(units::id.eq_any(ids))
        .select((units::id, units::code))
        .load(conn)
}

/// The units below `unit` in the tree (materialised path prefix), without the unit itself.
pub fn below(conn: &mut DbConnection, unit: &UnitRow) -> QueryResult<Vec<UnitRow>> {
    units::table
        .filter(units::path.like(format!("{}%", unit.path)))
        .filter(units::id.ne(unit.id))
        .select(UnitRow::as_select())
        .load(conn)
}

/// Moves a unit in the tree: its new materialised path, depth and parent.
pub fn set_place(
    conn: &mut DbConnection,
    id: UnitId,
    path: &str,
    depth: i32,
    parent_id: Option<UnitId>,
) -> QueryResult<()> {
    diesel::update(units::table.find(id))
        .set((
            units::path.eq(path),
            units::depth.eq(depth),
            units::parent_id.eq(parent_id),
            units::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

/// Marks a unit merged into its successor on `on`.
pub fn set_merged(
    conn: &mut DbConnection,
    id: UnitId,
    successor_id: UnitId,
    on: NaiveDate,
) -> QueryResult<()> {
    diesel::update(units::table.find(id))
        .set((
            units::merged_into_id.eq(successor_id),
            units::merged_on.eq(on),
            units::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
