//! A unit's State Treasury payment account: recorded (or recorded as missing) by a payment
//! officer, audited with its before and after. The API and the units page call this.

use chrono::NaiveDate;
use serde_json::json;

use crate::db::audit::{self, AuditEntry};
use crate::db::units::{self, UnitRow};
use crate::db::{DbConnection, transaction};
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::services::Actor;

/// Whether `value` reads as an account number: 5 to 40 digits, dots and dashes.
pub fn valid_account_no(value: &str) -> bool {
    (5..=40).contains(&value.len())
        && value
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b'.' || b == b'-')
}

/// Records `account_no` (or that there is none) for the unit `code` within the actor's scope.
pub fn set(
    conn: &mut DbConnection,
    actor: &Actor,
    code: &str,
    account_no: Option<&str>,
    opened_on: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<UnitRow, AppError> {
    if let Some(no) = account_no
        && !valid_account_no(no)
    {
        return Err(AppError::bad_request(
            "account_no_format",
            format!(
                "Số tài khoản '{no}' không hợp lệ: 5 đến 40 ký tự gồm chữ số, dấu chấm và gạch nối."
            ),
            format!("The account number '{no}' is not valid: 5 to 40 digits, dots and dashes."),
        ));
    }
    if opened_on.is_some_and(|d| d > today) {
        return Err(AppError::conflict(
            "date_in_future",
            "Ngày mở tài khoản không được ở tương lai.",
            "The opening date cannot be in the future.",
        ));
    }
    if account_no.is_none() && opened_on.is_some() {
        return Err(AppError::bad_request(
            "account_missing",
            "Có ngày mở tài khoản nhưng thiếu số tài khoản.",
            "An opening date was given without an account number.",
        ));
    }
    let code = UnitCode::normalize(code);
    transaction(conn, |conn| {
        let before = units::find_in_scope(conn, &actor.scope, &code)?.ok_or(AppError::NotFound)?;
        let after = units::set_treasury_account(conn, before.id, account_no, opened_on)?;
        audit::record(
            conn,
            AuditEntry {
                actor_user_id: actor.user_id,
                actor: actor.label.clone(),
                action: "unit.treasury_account".into(),
                entity_kind: "unit".into(),
                entity_id: Some(after.code.clone()),
                unit_id: Some(after.id),
                request_id: actor.request_id.clone(),
                before: Some(json!({"account_no": before.treasury_account_no,
                                    "opened_on": before.treasury_account_opened_on})),
                after: Some(json!({"account_no": after.treasury_account_no,
                                   "opened_on": after.treasury_account_opened_on})),
                ..Default::default()
            },
        )?;
        Ok(after)
    })
}
