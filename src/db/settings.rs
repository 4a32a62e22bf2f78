//! Small key-value settings kept in the database (e.g. the generated secret key, so that every
//! instance on the same database shares it).

use diesel::prelude::*;

use super::schema::app_settings;
use super::{DbConnection, now};

pub fn get(conn: &mut DbConnection, key: &str) -> QueryResult<Option<String>> {
    app_settings::table
        .find(key)
        .select(app_settings::value)
        .first(conn)
        .optional()
}

/// Returns the stored value, or stores `make()` if there is none. If another instance stores
/// one at the same moment, its value wins and is returned.
pub fn get_or_insert(
    conn: &mut DbConnection,
    key: &str,
    make: impl FnOnce() -> String,
) -> QueryResult<String> {
    if let Some(value) = get(conn, key)? {
        return Ok(value);
    }
    let value = make();
    let inserted = diesel::insert_into(app_settings::table)
        .values((
            app_settings::key.eq(key),
            app_settings::value.eq(&value),
            app_settings::updated_at.eq(now()),
        ))
        .execute(conn);
    match inserted {
        Ok(_) => Ok(value),
        Err(diesel::result::Error::DatabaseError(
            diesel::result::DatabaseErrorKind::UniqueViolation,
            _,
        )) => get(conn, key)?.ok_or(diesel::result::Error::NotFound),
        Err(e) => Err(e),
    }
}

pub fn set(conn: &mut DbConnection, key: &str, value: &str) -> QueryResult<()> {
    let n = diesel::update(app_settings::table.find(key))
        .set((
            app_settings::value.eq(value),
            app_settings::updated_at.eq(now()),
        ))
        .execute(conn)?;
    if n == 0 {
        diesel::insert_into(app_settings::table)
            .values((
                app_settings::key.eq(key),
                app_settings::value.eq(value),
                app_settings::updated_at.eq(now()),
            ))
            .execute(conn)?;
    }
    Ok(())
}
