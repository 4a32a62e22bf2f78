//! The entitlement components of each case as rows (`case_components`, migration 9): one row
//! per non-zero component, written with the case's figures, so that queries can sum a
//! component and reports read the amounts without unpacking the pinned result. `original_vnd`
//! keeps each component as it was before the first accepted change (the Decree 67 top-up and
//! other accepted recomputations), as `cases.original_entitled_vnd` does for the total.

use std::collections::HashMap;

use diesel::prelude::*;
use serde::Deserialize;

use super::schema::{case_components, case_documents};
use super::{CHUNK, DbConnection};
use crate::domain::entitlement::ComponentCode;
use crate::domain::ids::CaseId;

/// The data step that fills the table for cases stored before migration 9.
pub const FILLED_KEY: &str = "data_step.case_components_v1";

/// Component amounts in the order of [`ComponentCode::ALL`] (zero where absent).
pub type Amounts = [i64; ComponentCode::ALL.len()];

#[derive(Debug, Clone, Insertable, Queryable, Selectable, PartialEq, Eq)]
#[diesel(table_name = case_components)]
#[diesel(treat_none_as_default_value = false)]
struct ComponentRow {
    case_id: CaseId,
    code: ComponentCode,
    amount_vnd: i64,
    original_vnd: Option<i64>,
}

/// The amounts of a computed result's components: codes read into [`ComponentCode`],
/// repeated codes summed (a fixed array: no allocation per case on the import's hot path).
pub fn parts_of(
    components: &[crate::domain::entitlement::ComponentOut],
) -> anyhow::Result<Amounts> {
    let mut amounts: Amounts = [0; ComponentCode::ALL.len()];
    for c in components {
        let i = ComponentCode::ALL
            .iter()
            .position(|k| k.code() == c.code)
            .ok_or_else(|| anyhow::anyhow!("unknown component code `{}`", c.code))?;
        amounts[i] += c.amount_vnd;
    }
    Ok(amounts)
}

/// The non-zero components of `amounts`, in the order of [`ComponentCode::ALL`].
pub fn parts(amounts: &Amounts) -> Vec<(ComponentCode, i64)> {
    non_zero(amounts).collect()
}

fn non_zero(amounts: &Amounts) -> impl Iterator<Item = (ComponentCode, i64)> + '_ {
    ComponentCode::ALL
        .into_iter()
        .zip(amounts.iter().copied())
        .filter(|(_, a)| *a != 0)
}

/// Inserts the components of newly inserted cases (`(case id, parts)`), in chunks.
pub fn insert(conn: &mut DbConnection, cases: &[(CaseId, &Amounts)]) -> QueryResult<()> {
    let rows: Vec<ComponentRow> = cases
        .iter()
        .flat_map(|(case_id, amounts)| {
            non_zero(amounts).map(|(code, amount)| ComponentRow {
                case_id: *case_id,
                code,
                amount_vnd: amount,
                original_vnd: None,
            })
        })
        .collect();
    match conn {
        // Every value is a number or a fixed code the program writes itself, so the rows go
        // in as literal text: diesel's per-value binding costs several times SQLite's parsing
        // of a number, and these are four of the import's busiest rows.
        DbConnection::Sqlite(c) => {
            for chunk in rows.chunks(CHUNK * 5) {
                let values = super::values_list(chunk, |s, r| {
                    use std::fmt::Write as _;
                    let _ = write!(s, "{},'{}',{},", r.case_id, r.code.code(), r.amount_vnd);
                    match r.original_vnd {
                        Some(o) => {
                            let _ = write!(s, "{o}");
                        }
                        None => s.push_str("NULL"),
                    }
                });
                diesel::sql_query(format!(
                    "INSERT INTO case_components (case_id, code, amount_vnd, original_vnd) \
                     VALUES {values}"
                ))
                .execute(c)?;
            }
        }
        DbConnection::Postgresql(_) => {
            crate::insert_chunks!(conn, case_components::table, rows);
        }
    }
    Ok(())
}

/// Replaces a case's components with `parts` (see [`parts`]). The originals already kept stay; when
/// `keep_original` is set and none are kept yet (the first accepted change), the components
/// being replaced become the originals (0 for a component the change adds).
pub fn replace(
    conn: &mut DbConnection,
    case_id: CaseId,
    parts: &[(ComponentCode, i64)],
    keep_original: bool,
) -> QueryResult<()> {
    let old: Vec<ComponentRow> = case_components::table
        .filter(case_components::case_id.eq(case_id))
        .select(ComponentRow::as_select())
        .load(conn)?;
    let kept = old.iter().any(|r| r.original_vnd.is_some());
    let original = |code: ComponentCode| -> Option<i64> {
        let row = old.iter().find(|r| r.code == code);
        if kept {
            Some(row.and_then(|r| r.original_vnd).unwrap_or(0))
        } else if keep_original {
            Some(row.map_or(0, |r| r.amount_vnd))
        } else {
            None
        }
    };
    let mut rows: Vec<ComponentRow> = parts
        .iter()
        .map(|(code, amount)| ComponentRow {
            case_id,
            code: *code,
            amount_vnd: *amount,
            original_vnd: original(*code),
        })
        .collect();
    // A component that was in the original and is no longer paid keeps a row at 0.
    for r in &old {
        if parts.iter().all(|(c, _)| *c != r.code)
            && let Some(o) = original(r.code).filter(|o| *o != 0)
        {
            rows.push(ComponentRow {
                case_id,
                code: r.code,
                amount_vnd: 0,
                original_vnd: Some(o),
            });
        }
    }
    diesel::delete(case_components::table.filter(case_components::case_id.eq(case_id)))
        .execute(conn)?;
    if !rows.is_empty() {
        crate::insert_batch!(conn, case_components::table, &rows)?;
    }
    Ok(())
}

/// The current component amounts of the given cases (cases without rows are absent).
pub fn amounts_of(
    conn: &mut DbConnection,
    case_ids: &[CaseId],
) -> QueryResult<HashMap<CaseId, Amounts>> {
    let mut out: HashMap<CaseId, Amounts> = HashMap::with_capacity(case_ids.len());
    for chunk in case_ids.chunks(CHUNK * 5) {
        let rows: Vec<(CaseId, ComponentCode, i64)> = case_components::table
            .filter(case_components::case_id.eq_any(chunk))
            .select((
                case_components::case_id,
                case_components::code,
                case_components::amount_vnd,
            ))
            .load(conn)?;
        for (case_id, code, amount) in rows {
            if let Some(i) = ComponentCode::ALL.iter().position(|c| *c == code) {
                out.entry(case_id).or_insert([0; ComponentCode::ALL.len()])[i] += amount;
            }
        }
    }
    Ok(out)
}

/// Fills the table for the cases stored before it existed, from their pinned results; runs
/// once per database, after the migrations (see [`super::migrate::run_pending`]). Cases whose
/// change was accepted before keep no per-component original (their total's original stays
/// in `cases.original_entitled_vnd`). Returns the number of cases filled.
pub fn fill_from_pinned_results(conn: &mut DbConnection) -> anyhow::Result<usize> {
    if super::settings::get(conn, FILLED_KEY)?.is_some() {
        return Ok(0);
    }
    conn.transaction(|conn| {
        let have: std::collections::HashSet<i64> = case_components::table
            .select(case_components::case_id)
            .distinct()
            .load::<i64>(conn)?
            .into_iter()
            .collect();
        let mut filled = 0usize;
        let mut after = 0i64;
        loop {
            let page: Vec<(i64, String)> = case_documents::table
                .filter(case_documents::case_id.gt(after))
                .order(case_documents::case_id.asc())
                .limit(500)
                .select((case_documents::case_id, case_documents::result_json))
                .load(conn)?;
            let Some(last) = page.last() else {
                break;
            };
            after = last.0;
            let mut parts = Vec::with_capacity(page.len());
            for (case_id, stored) in &page {
                if have.contains(case_id) {
                    continue;
                }
                let amounts = components_of(stored).map_err(|e| {
                    anyhow::anyhow!("case {case_id}: stored result unreadable: {e}")
                })?;
                parts.push((*case_id, amounts));
            }
            let refs: Vec<(CaseId, &Amounts)> =
                parts.iter().map(|(id, a)| (CaseId(*id), a)).collect();
            insert(conn, &refs)?;
            filled += parts.len();
        }
        super::settings::get_or_insert(conn, FILLED_KEY, || filled.to_string())?;
        Ok(filled)
    })
}

/// A component as the stored result lists it (other fields skipped).
#[derive(Deserialize)]
struct Part {
    code: String,
    amount_vnd: i64,
}

/// The component amounts of a stored result (compressed or plain), in the order of
/// [`ComponentCode::ALL`]. Only the `components` array is parsed: the rest of the text is not
/// read.
pub fn components_of(stored: &str) -> Result<Amounts, Box<dyn std::error::Error + Send + Sync>> {
    let result_json = super::pinned::unpack(stored)?;
    let mut out = [0i64; ComponentCode::ALL.len()];
    const KEY: &str = "\"components\":";
    let Some(at) = result_json.find(KEY) else {
        return Ok(out);
    };
    let mut de = serde_json::Deserializer::from_str(&result_json[at + KEY.len()..]);
    let parts = Vec::<Part>::deserialize(&mut de)?;
    for p in parts {
        if let Some(i) = ComponentCode::ALL.iter().position(|c| c.code() == p.code) {
            out[i] += p.amount_vnd;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_come_from_the_array_only() {
        let json = r#"{"id":"1","ok":true,"total_vnd":700,"components":[
            {"code":"months_early","amount_vnd":500,"label_vi":"x \"components\":[]"},
            {"code":"local_lump","amount_vnd":200}],"warnings":[{"code":"w"}]}"#;
        let c = components_of(json).unwrap();
        assert_eq!(c.iter().sum::<i64>(), 700);
        assert_eq!(c[0], 500);
        assert_eq!(c[ComponentCode::ALL.len() - 3], 200);
        assert_eq!(components_of("{}").unwrap(), [0; ComponentCode::ALL.len()]);
        assert!(components_of(r#"{"components":[{"code":1}]}"#).is_err());
    }
}
