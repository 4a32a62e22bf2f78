//! Web pages for reviewers and officers (askama templates under `templates/staff/`):
//! sign-in with a cookie session, the dashboard, the case list and a case with its
//! entitlement, history and payments, and the forms to approve, return, fund and pay.
//!
//! The session cookie holds a login token (the same tokens as the API, hashed in the
//! database, expiring after `session_ttl_minutes`): HttpOnly, Secure, SameSite=Strict. Every
//! form carries a token derived from the session (CSRF); a form without it is refused. The
//! access rules are the API's: the same services, the same unit scope, the same duties.
//!
//! This module holds the session extractor and the page helpers; the pages are
//! [`login`], [`dashboard`], [`cases`] (the list and bulk approval) and [`case`].

mod case;
mod case_inputs;
mod cases;
mod changes;
mod dashboard;
mod flags;
mod help;
pub(crate) mod imports;
mod login;
mod lookup;
mod unit_forms;
mod unmatched;
mod users;

pub use case::{ActionForm, AnswerForm, PayForm, act, answer, case, pay};
pub use cases::{CaseListQuery, bulk_approve, bulk_fund, cases};
pub use changes::{ChangesQuery, accept as accept_changes, changes};
pub use dashboard::{DashboardQuery, dashboard};
pub use flags::{FlagPageQuery, flags};
pub use help::help;
pub use imports::imports;
pub use login::{CsrfForm, LoginForm, login, login_form, logout};
pub use lookup::{CodeForm, case_code, unlock};
pub use unit_forms::{AccountForm, CodesForm, MergeForm, merge, set_account, unit_codes};
pub use unmatched::{UnmatchedPageQuery, unmatched};
pub use users::{UserForm, UsersQuery, user_action, users};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use crate::auth::Caller;
use crate::auth::caller::authenticate;
use crate::db::now;
use crate::domain::access::Permission;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::self_service::same;

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "staffpay_session";

/// A signed-in page caller: the extractor of every staff page (routes with
/// [`super::routes::Access::Page`], whose middleware put it in the request), in the shape of
/// zero2prod's `TypedSession`.
#[derive(Debug, Clone)]
pub struct Session {
    pub(crate) caller: Caller,
    token: String,
    pub(crate) csrf: String,
    /// The header's link to this page in the other language.
    switch: String,
}

/// What the navigation bar offers: only what the caller's role may use.
#[derive(Debug, Clone)]
pub struct Menu {
    /// The link to this page in the other language (filters kept; a page answering a form
    /// links to the page the form belongs to).
    pub switch: String,
    pub flags: bool,
    pub unmatched: bool,
    pub upload: bool,
    pub reports: bool,
    pub audit: bool,
    pub users: bool,
}

impl Session {
    /// The navigation bar for this caller.
    pub(crate) fn menu(&self) -> Menu {
        let role = self.caller.role;
        Menu {
            switch: self.switch.clone(),
            flags: role.can(Permission::ReadFlags),
            unmatched: role.can(Permission::ReadCases),
            upload: role.can(Permission::SubmitRoster)
                || role.can(Permission::RecordPayments)
                || role.can(Permission::ImportStatements),
            reports: role.can(Permission::ReadReports),
            audit: role.can(Permission::ReadAudit),
            users: role.can(Permission::ManageUsers),
        }
    }

    pub(crate) fn actor(&self, req: &HttpRequest) -> Actor {
        super::request_id::actor(&self.caller, req)
    }

    pub(crate) fn check(&self, csrf: &str) -> Result<(), AppError> {
        if same(self.csrf.as_bytes(), csrf.as_bytes()) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }
}

pub(crate) async fn session(
    state: &web::Data<AppState>,
    req: &HttpRequest,
) -> Result<Option<Session>, AppError> {
    let Some(cookie) = req.cookie(SESSION_COOKIE) else {
        return Ok(None);
    };
    let token = cookie.value().to_string();
    let keys = state.keys.clone();
    let presented = token.clone();
    let found = state
        .db
        .run(move |conn| Ok(authenticate(conn, &keys, &presented, now())?))
        .await?;
    Ok(found.ok().map(|caller| Session {
        csrf: state.keys.sign("page-csrf", &token),
        caller,
        token,
        switch: language_switch(req),
    }))
}

/// The link to the page in the other language: the same address with `lang` changed for a
/// page that was asked for (GET); for a page answering a form (POST), the page the form
/// belongs to — `/ho-so/{id}` for a case's forms, else the section's page (`/don-vi`, `/nhap`,
/// …) — as following a link cannot post the form again.
fn language_switch(req: &HttpRequest) -> String {
    let en = is_en(req, None);
    if req.method() == actix_web::http::Method::GET || req.method() == actix_web::http::Method::HEAD
    {
        return super::lang::switch_href(req, en);
    }
    let mut parts = req.path().split('/').filter(|p| !p.is_empty());
    let page = match (parts.next(), parts.next()) {
        (Some("ho-so"), Some(id)) if id.bytes().all(|b| b.is_ascii_digit()) => {
            format!("/ho-so/{id}")
        }
        (Some(section), _) => format!("/{section}"),
        (None, _) => "/".to_owned(),
    };
    format!("{page}?lang={}", if en { "vi" } else { "en" })
}

impl actix_web::FromRequest for Session {
    type Error = AppError;
    type Future = std::future::Ready<Result<Session, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut actix_web::dev::Payload) -> Self::Future {
        use actix_web::HttpMessage as _;
        std::future::ready(req.extensions().get::<Session>().cloned().ok_or_else(|| {
            AppError::Internal(anyhow::anyhow!(
                "a page handler's route is not marked Access::Page"
            ))
        }))
    }
}

/// An HTML response with the pages' security headers (no caching, a strict content security
/// policy, no sniffing, no referrer); every page of the service goes through it.
pub(crate) fn html(status: StatusCode, body: String) -> HttpResponse {
    HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .insert_header((
            header::CONTENT_SECURITY_POLICY,
            "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::REFERRER_POLICY, "no-referrer"))
        .body(body)
}

pub(crate) fn render(t: &impl Template, status: StatusCode) -> Result<HttpResponse, AppError> {
    let body = t
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("page: {e}")))?;
    Ok(html(status, body))
}

pub(crate) fn redirect(to: &str) -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, to.to_string()))
        .finish()
}

pub(crate) fn to_login(expired: bool) -> HttpResponse {
    redirect(if expired {
        "/dang-nhap?het-han=1"
    } else {
        "/dang-nhap"
    })
}

/// A form whose fields repeat (ticked cases): its pairs, in order.
pub(crate) struct RepeatedForm(Vec<(String, String)>);

impl RepeatedForm {
    pub(crate) fn parse(body: &[u8]) -> Result<RepeatedForm, AppError> {
        serde_urlencoded::from_bytes(body)
            .map(RepeatedForm)
            .map_err(|_| {
                AppError::bad_request(
                    "form_invalid",
                    "Biểu mẫu không hợp lệ.",
                    "The form is not valid.",
                )
            })
    }

    /// The first value of `name` (empty when absent).
    pub(crate) fn field(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map_or("", |(_, v)| v.as_str())
    }

    /// Every value of `name`.
    pub(crate) fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.0
            .iter()
            .filter(move |(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }
}

/// A bulk action refused as a whole: nothing changed, each case's reason in `details`
/// (`what_vi` / `what_en`: the action, e.g. "duyệt" / "approved").
pub(crate) fn bulk_refused(
    refused: usize,
    what_vi: &str,
    what_en: &str,
    details: serde_json::Value,
) -> AppError {
    AppError::Refused {
        code: "bulk_refused",
        message_vi: format!(
            "Không {what_vi} hồ sơ nào: {refused} hồ sơ không {what_vi} được (xem chi tiết)."
        ),
        message_en: format!(
            "Nothing {what_en}: {refused} cases cannot be {what_en} (see the details)."
        ),
        details,
    }
}

/// `?lang=en` and page notices.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub lang: Option<String>,
    #[serde(rename = "het-han")]
    pub expired: Option<String>,
    pub ok: Option<String>,
    /// The amount an action moved (for its notice).
    pub amount: Option<i64>,
}

pub(crate) use crate::http::lang::is_en;
