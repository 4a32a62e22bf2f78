//! A person's lookup code from the case page: issue (or reissue) it and print the
//! entitlement statement with it, as Excel or PDF; and lift a status-page lock.

use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;

use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::http::AppState;

use super::{Session, redirect};

/// The lookup-code form.
#[derive(Debug, Deserialize)]
pub struct CodeForm {
    pub csrf: String,
    /// `pdf` or `xlsx` (default).
    pub format: Option<String>,
}

/// `POST /ho-so/{id}/ma-tra-cuu`: a new code (the old one stops working), printed on the
/// statement that downloads.
pub async fn case_code(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    id: web::Path<CaseId>,
    form: web::Form<CodeForm>,
) -> Result<HttpResponse, AppError> {
    s.check(&form.csrf)?;
    let pdf = form.format.as_deref() == Some("pdf");
    crate::http::reports_api::statement_file(state, &s.caller, id.into_inner(), &req, true, pdf)
        .await
}

/// `POST /ho-so/{id}/mo-khoa`: lifts the status page's lock on the person's national id.
pub async fn unlock(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    id: web::Path<CaseId>,
    form: web::Form<super::CsrfForm>,
) -> Result<HttpResponse, AppError> {
    s.check(&form.csrf)?;
    let id = id.into_inner();
    let actor = s.actor(&req);
    let keys = state.keys.clone();
    state
        .db
        .run(move |conn| crate::services::self_service::lift_lockout(conn, &keys, &actor, id))
        .await?;
    Ok(redirect(&format!("/ho-so/{id}?ok=unlock")))
}
