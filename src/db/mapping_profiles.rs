//! Named column mappings saved per unit and kind of list (`mapping_profiles`, issue 18).

use diesel::prelude::*;

use super::schema::mapping_profiles;
use super::{DbConnection, now};
use crate::domain::ids::UnitId;

/// A saved mapping as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = mapping_profiles)]
pub struct ProfileRow {
    pub unit_id: UnitId,
    pub list_kind: String,
    pub name: String,
    /// The folded header texts, sorted, one per line.
    pub shape: String,
    /// JSON array of `{field, header}`.
    pub mapping: String,
    pub saved_by: String,
}

/// The profiles of `unit` for a kind of list, by name.
pub fn of_unit(
    conn: &mut DbConnection,
    unit: UnitId,
    list_kind: &str,
) -> QueryResult<Vec<ProfileRow>> {
    mapping_profiles::table
        .filter(mapping_profiles::unit_id.eq(unit))
        .filter(mapping_profiles::list_kind.eq(list_kind))
        .order(mapping_profiles::name)
        .select(ProfileRow::as_select())
        .load(conn)
}

/// Saves a profile under its name, replacing one of the same name (call within a
/// transaction).
pub fn save(conn: &mut DbConnection, row: &ProfileRow) -> QueryResult<()> {
    diesel::delete(
        mapping_profiles::table
            .filter(mapping_profiles::unit_id.eq(row.unit_id))
            .filter(mapping_profiles::list_kind.eq(&row.list_kind))
            .filter(mapping_profiles::name.eq(&row.name)),
    )
    .execute(conn)?;
    diesel::insert_into(mapping_profiles::table)
        .values((
            mapping_profiles::unit_id.eq(row.unit_id),
            mapping_profiles::list_kind.eq(&row.list_kind),
            mapping_profiles::name.eq(&row.name),
            mapping_profiles::shape.eq(&row.shape),
            mapping_profiles::mapping.eq(&row.mapping),
            mapping_profiles::saved_by.eq(&row.saved_by),
            mapping_profiles::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}
