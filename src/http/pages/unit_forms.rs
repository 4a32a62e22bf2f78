//! The units page's forms: a unit's State Treasury account (payment officers), new lookup
//! codes for every case of a unit as a file to hand out (agency officers, reviewers,
//! administrators), and a unit merge (administrators). The same services and rules as the
//! API and the command line; a refusal answers as an error page.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::domain::access::Permission;
use crate::error::AppError;
use crate::http::AppState;

use super::{Session, redirect};

/// Text of a form field, trimmed; `None` when empty.
fn filled(value: &Option<String>) -> Option<String> {
    value
        .as_deref()
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .map(str::to_owned)
}

/// A date from a date input (`yyyy-mm-dd`) or typed as officials write it (`dd/mm/yyyy`).
fn date_field(value: &Option<String>, field: &str) -> Result<Option<chrono::NaiveDate>, AppError> {
    let Some(text) = filled(value) else {
        return Ok(None);
    };
    chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d")
        .or_else(|_| chrono::NaiveDate::parse_from_str(&text, "%d/%m/%Y"))
        .map(Some)
        .map_err(|_| {
            AppError::bad_request(
                "date_invalid",
                format!("Ngày '{text}' ({field}) không hợp lệ: nhập dd/mm/yyyy."),
                format!("'{text}' ({field}) is not a date: type dd/mm/yyyy."),
            )
        })
}

/// The Treasury account form.
#[derive(Debug, Deserialize)]
pub struct AccountForm {
    pub csrf: String,
    pub unit: String,
    pub account_no: Option<String>,
    pub opened_on: Option<String>,
}

/// `POST /don-vi/tai-khoan`: records (or, left empty, clears) a unit's Treasury account.
pub async fn set_account(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    form: web::Form<AccountForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let account = filled(&form.account_no).map(|a| a.replace(' ', ""));
    let opened_on = date_field(&form.opened_on, "ngày mở / opened on")?;
    let actor = s.actor(&req);
    let unit = form.unit.trim().to_owned();
    let saved = state
        .db
        .run(move |conn| {
            crate::services::treasury_accounts::set(
                conn,
                &actor,
                &unit,
                account.as_deref(),
                opened_on,
                crate::db::today_vn(),
            )
        })
        .await?;
    Ok(redirect(&format!("/don-vi?ok=account&unit={}", saved.code)))
}

/// The lookup-codes form.
#[derive(Debug, Deserialize)]
pub struct CodesForm {
    pub csrf: String,
    pub unit: String,
    /// `xlsx` (default) or `csv`.
    pub format: Option<String>,
    /// The box saying the old codes stop working must be ticked.
    pub understood: Option<String>,
}

/// `POST /don-vi/ma-tra-cuu`: new lookup codes for every case of a unit and below, as the
/// file to hand out (all or none; old codes stop working).
pub async fn unit_codes(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    form: web::Form<CodesForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    if form.understood.is_none() {
        return Err(AppError::bad_request(
            "not_confirmed",
            "Hãy đánh dấu ô xác nhận: mã tra cứu cũ của các hồ sơ này sẽ hết hiệu lực.",
            "Tick the confirmation box: these cases' old lookup codes will stop working.",
        ));
    }
    let csv = form.format.as_deref() == Some("csv");
    let actor = s.actor(&req);
    let keys = state.keys.clone();
    let unit = form.unit.trim().to_owned();
    let (code, bytes) = state
        .db
        .run(move |conn| {
            let (unit, issued) =
                crate::services::lookup_codes::issue_for_unit(conn, &keys, &actor, &unit, None)?;
            let bytes = if csv {
                crate::services::lookup_codes::to_csv(&issued)
            } else {
                crate::services::lookup_codes::to_xlsx(&issued)
            }
            .map_err(AppError::Internal)?;
            Ok((unit.code, bytes))
        })
        .await?;
    let name = format!("ma-tra-cuu-{code}.{}", if csv { "csv" } else { "xlsx" });
    Ok(if csv {
        HttpResponse::Ok()
            .content_type("text/csv; charset=utf-8")
            .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
            .insert_header((
                actix_web::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ))
            .body(bytes)
    } else {
        crate::http::reports_api::download(bytes, &name)
    })
}

/// The merge form.
#[derive(Debug, Deserialize)]
pub struct MergeForm {
    pub csrf: String,
    pub unit: String,
    pub successor: String,
    pub merged_on: Option<String>,
    pub understood: Option<String>,
}

/// `POST /don-vi/hop-nhat`: merges a unit into its successor (administrators).
pub async fn merge(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    form: web::Form<MergeForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    s.caller.require(Permission::MergeUnits)?;
    if form.understood.is_none() {
        return Err(AppError::bad_request(
            "not_confirmed",
            "Hãy đánh dấu ô xác nhận: hồ sơ, dòng sao kê và đơn vị trực thuộc sẽ chuyển sang đơn vị tiếp nhận.",
            "Tick the confirmation box: cases, statement lines and units below move to the successor.",
        ));
    }
    let today = crate::db::today_vn();
    let on = date_field(&form.merged_on, "ngày hợp nhất / merge date")?.unwrap_or(today);
    if on > today {
        return Err(AppError::conflict(
            "date_in_future",
            "Ngày hợp nhất không được ở tương lai.",
            "The merge date cannot be in the future.",
        ));
    }
    let actor = s.actor(&req);
    let (unit, successor) = (
        form.unit.trim().to_owned(),
        form.successor.trim().to_owned(),
    );
    let outcome = state
        .db
        .run(move |conn| crate::services::unit_merge::merge(conn, &actor, &unit, &successor, on))
        .await?;
    Ok(redirect(&format!(
        "/don-vi?ok=merge&unit={}&cases={}&into={}",
        outcome.merged, outcome.cases_moved, outcome.successor
    )))
}
