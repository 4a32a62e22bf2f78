//! People: who a case is for (national id, name, birth, bank account).

use super::sql_types::Stamp;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::people;
use super::{CHUNK, DbConnection, now};
use crate::domain::policy::Sex;

/// A person as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = people)]
pub struct PersonRow {
    pub id: i64,
    pub national_id: String,
    pub full_name: String,
    pub date_of_birth: String,
    pub sex: Sex,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new person.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = people)]
#[diesel(treat_none_as_default_value = false)]
pub struct NewPerson {
    pub national_id: String,
    pub full_name: String,
    pub date_of_birth: String,
    pub sex: Sex,
    pub bank_account: Option<String>,
    pub bank_name: Option<String>,
    pub created_at: Stamp,
    pub updated_at: Stamp,
}

/// Inserts people in chunks; returns `(national_id, id)` of the inserted rows.
pub fn insert_people(
    conn: &mut DbConnection,
    rows: &[NewPerson],
) -> QueryResult<Vec<(String, i64)>> {
    crate::insert_chunks!(conn, people::table, rows);
    let ids: Vec<String> = rows.iter().map(|r| r.national_id.clone()).collect();
    let mut out = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(CHUNK * 5) {
        let found: Vec<(String, i64)> = people::table
            .filter(people::national_id.eq_any(chunk))
            .select((people::national_id, people::id))
            .load(conn)?;
        out.extend(found);
    }
    Ok(out)
}

/// Updates a person's details from a corrected roster row.
pub fn update_person(
    conn: &mut DbConnection,
    id: i64,
    full_name: &str,
    date_of_birth: &str,
    sex: Sex,
    bank_account: Option<&str>,
    bank_name: Option<&str>,
) -> QueryResult<()> {
    diesel::update(people::table.find(id))
        .set((
            people::full_name.eq(full_name),
            people::date_of_birth.eq(date_of_birth),
            people::sex.eq(sex),
            people::bank_account.eq(bank_account),
            people::bank_name.eq(bank_name),
            people::updated_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_batch_inserts_are_one_statement() {
        let at = chrono::NaiveDate::from_ymd_opt(2025, 1, 1)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let person = |id: &str| NewPerson {
            national_id: id.into(),
            full_name: "A".into(),
            date_of_birth: "1966".into(),
            sex: Sex::Male,
            bank_account: None,
            bank_name: None,
            created_at: at.into(),
            updated_at: at.into(),
        };
        let rows = [person("1"), person("2"), person("3")];
        let insert = diesel::insert_into(people::table).values(&rows[..]);
        let sql = diesel::debug_query::<diesel::sqlite::Sqlite, _>(&insert).to_string();
        assert!(!sql.contains("BEGIN"), "row by row: {sql}");
        assert_eq!(sql.matches("INSERT").count(), 1, "{sql}");
    }
}
