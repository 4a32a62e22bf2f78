//! A data step run with the migrations: every stored person-facing text in Unicode NFC (the
//! form imports, the API and forms now store; issue 15). Rows written before in decomposed form
//! (NFD) are rewritten once; the step is recorded in `app_settings` so it runs once per
//! database, on SQLite and PostgreSQL alike.

use diesel::prelude::*;

use super::schema::{people, statement_lines, units};
use super::{DbConnection, settings};
use crate::domain::text::nfc;

/// The `app_settings` key recording that the step ran.
pub const DONE_KEY: &str = "data_step.text_nfc_v1";

/// Rewrites every stored text that is not NFC (once per database); returns how many values
/// changed.
pub fn normalize_stored_text(conn: &mut DbConnection) -> QueryResult<usize> {
    if settings::get(conn, DONE_KEY)?.is_some() {
        return Ok(0);
    }
    conn.transaction(|conn| {
        let mut changed = 0;
        let rows: Vec<(i64, String, Option<String>)> = people::table
            .select((people::id, people::full_name, people::bank_name))
            .load(conn)?;
        for (id, name, bank) in rows {
            let n = nfc(&name);
            let b = bank.as_deref().map(nfc);
            let bank_changed = b
                .as_ref()
                .is_some_and(|b| matches!(b, std::borrow::Cow::Owned(_)));
            if matches!(n, std::borrow::Cow::Owned(_)) || bank_changed {
                diesel::update(people::table.find(id))
                    .set((
                        people::full_name.eq(n.as_ref()),
                        people::bank_name.eq(b.as_deref()),
                    ))
                    .execute(conn)?;
                changed += 1;
            }
        }
        let rows: Vec<(i64, String, String)> = units::table
            .select((units::id, units::name_vi, units::name_en))
            .load(conn)?;
        for (id, vi, en) in rows {
            let (v, e) = (nfc(&vi), nfc(&en));
            if matches!(v, std::borrow::Cow::Owned(_)) || matches!(e, std::borrow::Cow::Owned(_)) {
                diesel::update(units::table.find(id))
                    .set((units::name_vi.eq(v.as_ref()), units::name_en.eq(e.as_ref())))
                    .execute(conn)?;
                changed += 1;
            }
        }
        let rows: Vec<(i64, Option<String>, String)> = statement_lines::table
            .select((
                statement_lines::id,
                statement_lines::counterparty,
                statement_lines::description,
            ))
            .load(conn)?;
        for (id, party, description) in rows {
            let p = party.as_deref().map(nfc);
            let d = nfc(&description);
            let party_changed = p
                .as_ref()
                .is_some_and(|p| matches!(p, std::borrow::Cow::Owned(_)));
            if party_changed || matches!(d, std::borrow::Cow::Owned(_)) {
                diesel::update(statement_lines::table.find(id))
                    .set((
                        statement_lines::counterparty.eq(p.as_deref()),
                        statement_lines::description.eq(d.as_ref()),
                    ))
                    .execute(conn)?;
                changed += 1;
            }
        }
        settings::get_or_insert(conn, DONE_KEY, || changed.to_string())?;
        Ok(changed)
    })
}
