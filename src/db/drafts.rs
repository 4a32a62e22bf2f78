//! Files held between the upload page's two steps (`upload_drafts`, issue 18): kept in the
//! database so that the second step may reach any instance; taken once, by their user, within
//! two hours.

use base64::Engine as _;
use chrono::TimeDelta;
use diesel::prelude::*;
use rand::RngCore as _;

use super::schema::upload_drafts;
use super::{DbConnection, now};
use crate::domain::ids::UserId;

/// How long a draft waits for its second step.
pub const LIFETIME: TimeDelta = TimeDelta::hours(2);

/// A held file.
#[derive(Debug, Clone)]
pub struct Draft {
    pub kind: String,
    pub unit_code: String,
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Holds a file for `user`; returns the draft's token (32 random bytes, hex). Drafts past
/// their lifetime are dropped first.
pub fn hold(conn: &mut DbConnection, user: UserId, draft: &Draft) -> QueryResult<String> {
    diesel::delete(upload_drafts::table.filter(upload_drafts::created_at.lt(now() - LIFETIME)))
        .execute(conn)?;
    let mut raw = [0u8; 32];
    rand::rng().fill_bytes(&mut raw);
    let token = hex::encode(raw);
    diesel::insert_into(upload_drafts::table)
        .values((
            upload_drafts::token.eq(&token),
            upload_drafts::user_id.eq(user),
            upload_drafts::kind.eq(&draft.kind),
            upload_drafts::unit_code.eq(&draft.unit_code),
            upload_drafts::file_name.eq(&draft.file_name),
            upload_drafts::content_base64
                .eq(base64::engine::general_purpose::STANDARD.encode(&draft.bytes)),
            upload_drafts::created_at.eq(now()),
        ))
        .execute(conn)?;
    Ok(token)
}

/// The draft `token` of `user` within its lifetime, if any, without taking it.
pub fn find(conn: &mut DbConnection, user: UserId, token: &str) -> QueryResult<Option<Draft>> {
    let row: Option<(String, String, String, String)> = upload_drafts::table
        .filter(upload_drafts::token.eq(token))
        .filter(upload_drafts::user_id.eq(user))
        .filter(upload_drafts::created_at.ge(now() - LIFETIME))
        .select((
            upload_drafts::kind,
            upload_drafts::unit_code,
            upload_drafts::file_name,
            upload_drafts::content_base64,
        ))
        .first(conn)
        .optional()?;
    Ok(row.and_then(|(kind, unit_code, file_name, b64)| {
        let bytes = base64::engine::general_purpose::STANDARD.decode(b64).ok()?;
        Some(Draft {
            kind,
            unit_code,
            file_name,
            bytes,
        })
    }))
}

/// Drops the draft (its import is done, or refused for good).
pub fn drop(conn: &mut DbConnection, token: &str) -> QueryResult<()> {
    diesel::delete(upload_drafts::table.filter(upload_drafts::token.eq(token))).execute(conn)?;
    Ok(())
}
