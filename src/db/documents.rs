//! A case's documents (`case_documents`): the roster input, the pinned engine result and the
//! policy versions, kept apart from the case row.

use crate::domain::ids::CaseId;
use diesel::prelude::*;

use super::schema::case_documents;
use super::{CHUNK, DbConnection};

/// The documents of a case, kept apart from the case row (which every state change rewrites):
/// the roster input as JSON, the engine result pinned compressed (see [`super::pinned`]) and
/// the policy versions it used, as JSON.
#[derive(Debug, Clone, PartialEq, Eq, Queryable, Selectable)]
#[diesel(table_name = case_documents)]
pub struct CaseDocuments {
    pub input_json: String,
    pub result_json: String,
    pub policy_versions: String,
}

/// A case's documents as inserted.
#[derive(Debug, Clone, Insertable)]
#[diesel(table_name = case_documents)]
#[diesel(treat_none_as_default_value = false)]
struct NewCaseDocuments<'a> {
    case_id: CaseId,
    input_json: &'a str,
    result_json: &'a str,
    policy_versions: &'a str,
}

/// Inserts documents in chunks: `(case id, documents)` pairs.
pub(super) fn insert(
    conn: &mut DbConnection,
    rows: &[(CaseId, &CaseDocuments)],
) -> QueryResult<()> {
    let new: Vec<NewCaseDocuments<'_>> = rows
        .iter()
        .map(|(case_id, d)| NewCaseDocuments {
            case_id: *case_id,
            input_json: &d.input_json,
            result_json: &d.result_json,
            policy_versions: &d.policy_versions,
        })
        .collect();
    // Borrowed rows: no fixed statement to keep prepared (`insert_chunks!` needs owned ones).
    for chunk in new.chunks(CHUNK) {
        crate::insert_batch!(conn, case_documents::table, chunk)?;
    }
    Ok(())
}

/// Replaces a case's documents (input, pinned result, policy versions).
pub(super) fn set(conn: &mut DbConnection, id: CaseId, d: &CaseDocuments) -> QueryResult<()> {
    diesel::update(case_documents::table.find(id))
        .set((
            case_documents::input_json.eq(&d.input_json),
            case_documents::result_json.eq(&d.result_json),
            case_documents::policy_versions.eq(&d.policy_versions),
        ))
        .execute(conn)?;
    Ok(())
}

/// A case's roster input (JSON), from its documents.
pub fn input_json(conn: &mut DbConnection, id: CaseId) -> QueryResult<String> {
    case_documents::table
        .find(id)
        .select(case_documents::input_json)
        .first(conn)
}
