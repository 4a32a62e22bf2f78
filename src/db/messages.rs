//! Questions and disputes from the status page, and the answers.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::case_messages;
use super::{DbConnection, now};
use crate::domain::ids::{CaseId, UserId};

/// A message as stored.
#[derive(Debug, Clone, Queryable, Selectable, serde::Serialize, utoipa::ToSchema)]
#[diesel(table_name = case_messages)]
pub struct MessageRow {
    pub id: i64,
    #[schema(value_type = i64)]
    pub case_id: CaseId,
    /// `question` or `dispute`.
    pub kind: String,
    pub body: String,
    #[serde(serialize_with = "crate::timestamps::utc")]
    pub created_at: NaiveDateTime,
    pub answer: Option<String>,
    #[serde(serialize_with = "crate::timestamps::utc_opt")]
    pub answered_at: Option<NaiveDateTime>,
    #[schema(value_type = Option<i64>)]
    pub answered_by: Option<UserId>,
}

/// Appends a message; returns its id.
pub fn insert(
    conn: &mut DbConnection,
    case_id: CaseId,
    kind: &str,
    body: &str,
) -> QueryResult<i64> {
    diesel::insert_into(case_messages::table)
        .values((
            case_messages::case_id.eq(case_id),
            case_messages::kind.eq(kind),
            case_messages::body.eq(body),
            case_messages::created_at.eq(now()),
        ))
        .returning(case_messages::id)
        .get_result(conn)
}

/// A case's messages, oldest first.
pub fn for_case(conn: &mut DbConnection, case_id: CaseId) -> QueryResult<Vec<MessageRow>> {
    case_messages::table
        .filter(case_messages::case_id.eq(case_id))
        .order(case_messages::id.asc())
        .select(MessageRow::as_select())
        .load(conn)
}

/// Records the answer to an unanswered message of the case; returns whether it did.
pub fn answer(
    conn: &mut DbConnection,
    case_id: CaseId,
    id: i64,
    text: &str,
    by: Option<UserId>,
) -> QueryResult<bool> {
    let n = diesel::update(
        case_messages::table
            .filter(case_messages::id.eq(id))
            .filter(case_messages::case_id.eq(case_id))
            .filter(case_messages::answer.is_null()),
    )
    .set((
        case_messages::answer.eq(text),
        case_messages::answered_at.eq(now()),
        case_messages::answered_by.eq(by),
    ))
    .execute(conn)?;
    Ok(n == 1)
}
