//! Web pages for reviewers and officers (askama templates under `templates/staff/`):
//! sign-in with a cookie session, the dashboard, the case list and a case with its
//! entitlement, history and payments, and the forms to approve, return, fund and pay.
//!
//! The session cookie holds a login token (the same tokens as the API, hashed in the
//! database, expiring after `session_ttl_minutes`): HttpOnly, Secure, SameSite=Strict. Every
//! form carries a token derived from the session (CSRF); a form without it is refused. The
//! access rules are the API's: the same services, the same unit scope, the same duties.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::TimeDelta;
use serde::Deserialize;

use super::AppState;
use crate::auth::Caller;
use crate::auth::caller::authenticate;
use crate::db::cases::CaseFilter;
use crate::db::now;
use crate::domain::access::Permission;
use crate::domain::case_state::{ActionKind, CaseAction, CaseState};
use crate::domain::money::Vnd;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::services::Actor;
use crate::services::progress::{GroupBy, progress};
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
}

impl Session {
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
    }))
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

/// `?lang=en` and page notices.
#[derive(Debug, Deserialize)]
pub struct PageQuery {
    pub lang: Option<String>,
    #[serde(rename = "het-han")]
    pub expired: Option<String>,
    pub ok: Option<String>,
}

pub(crate) fn is_en(lang: Option<&str>) -> bool {
    lang == Some("en")
}

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage<'a> {
    en: bool,
    error: Option<&'a str>,
    csrf: String,
}

/// The sign-in page with its form token (and the pre-session cookie when the browser has
/// none yet; see [`super::login_csrf`]).
fn login_page(
    state: &AppState,
    req: &HttpRequest,
    en: bool,
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (nonce, new) = super::login_csrf::nonce(req);
    let csrf = super::login_csrf::token(&state.keys, &nonce);
    let mut response = render(&LoginPage { en, error, csrf }, status)?;
    if new {
        response
            .add_cookie(&super::login_csrf::cookie(nonce))
            .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    }
    Ok(response)
}

/// `GET /dang-nhap`.
pub async fn login_form(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let en = is_en(query.lang.as_deref());
    let error = query.expired.as_ref().map(|_| {
        if en {
            "Your session has expired: sign in again."
        } else {
            "Phiên đăng nhập đã hết hạn: vui lòng đăng nhập lại."
        }
    });
    login_page(&state, &req, en, error, StatusCode::OK)
}

/// The sign-in form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    pub username: String,
    pub password: String,
    pub lang: Option<String>,
    /// The form token that goes with the pre-session cookie.
    pub csrf: Option<String>,
}

/// `POST /dang-nhap`: the form token, then the API's login (throttled per user and address),
/// then a cookie.
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LoginForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let en = is_en(form.lang.as_deref());
    if !super::login_csrf::check(&state.keys, &req, form.csrf.as_deref()) {
        let message = if en {
            "The sign-in form has expired or did not come from this site: please sign in again."
        } else {
            "Biểu mẫu đăng nhập đã hết hạn hoặc không phải của trang này: vui lòng đăng nhập lại."
        };
        return login_page(&state, &req, en, Some(message), StatusCode::FORBIDDEN);
    }
    let address = super::client::of(&req, &state.settings).address();
    let ttl = TimeDelta::from_std(state.settings.session_ttl)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let keys = state.keys.clone();
    let request_id = super::request_id::of(&req);
    let result = state
        .db
        .run(move |conn| {
            crate::auth::login::login(
                conn,
                &keys,
                crate::auth::login::LoginAttempt {
                    username: form.username.trim(),
                    password: &form.password,
                    address: &address,
                    request_id,
                    ttl,
                    now: now(),
                },
            )
        })
        .await;
    match result {
        Ok(issued) => {
            let cookie = Cookie::build(SESSION_COOKIE, issued.token)
                .path("/")
                .http_only(true)
                .secure(true)
                .same_site(SameSite::Strict)
                .max_age(CookieDuration::seconds(ttl.num_seconds()))
                .finish();
            let mut response = redirect("/");
            response
                .add_cookie(&cookie)
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            Ok(response)
        }
        Err(AppError::Unauthenticated) => login_page(
            &state,
            &req,
            en,
            Some(if en {
                "Wrong username or password."
            } else {
                "Sai tên đăng nhập hoặc mật khẩu."
            }),
            StatusCode::UNAUTHORIZED,
        ),
        Err(AppError::TooManyRequests { .. }) => login_page(
            &state,
            &req,
            en,
            Some(if en {
                "Too many failed attempts: try again in 15 minutes."
            } else {
                "Đăng nhập sai quá nhiều lần: thử lại sau 15 phút."
            }),
            StatusCode::TOO_MANY_REQUESTS,
        ),
        Err(other) => Err(other),
    }
}

/// A form with only its CSRF token.
#[derive(Debug, Deserialize)]
pub struct CsrfForm {
    pub csrf: String,
}

/// `POST /dang-xuat`: revokes the session's token and clears the cookie.
pub async fn logout(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<CsrfForm>,
) -> Result<HttpResponse, AppError> {
    let Some(s) = session(&state, &req).await? else {
        return Ok(to_login(req.cookie(SESSION_COOKIE).is_some()));
    };
    s.check(&form.csrf)?;
    let token_id = s.caller.token_id.0;
    state
        .db
        .run(move |conn| Ok(crate::db::users::revoke_token(conn, token_id)?))
        .await?;
    let mut response = to_login(false);
    let mut gone = Cookie::build(SESSION_COOKIE, "").path("/").finish();
    gone.make_removal();
    response
        .add_cookie(&gone)
        .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
    let _ = s.token;
    Ok(response)
}

/// A dashboard row.
struct GroupRow {
    code: String,
    name: String,
    people: i64,
    paid: i64,
    pct: String,
    width: String,
    outstanding: String,
    overdue: i64,
    low: bool,
}

struct FlagCount {
    kind: &'static str,
    vi: &'static str,
    en: &'static str,
    count: usize,
}

#[derive(Template)]
#[template(path = "staff/dashboard.html")]
struct DashboardPage {
    en: bool,
    user: String,
    csrf: String,
    groups: Vec<GroupRow>,
    total: GroupRow,
    flags: Vec<FlagCount>,
}

fn group_row(code: &str, name: &str, f: &crate::services::progress::Figures) -> GroupRow {
    GroupRow {
        code: code.to_string(),
        name: name.to_string(),
        people: f.people,
        paid: f.paid,
        width: f.paid_people_pct.clone(),
        pct: f.paid_people_pct.clone(),
        outstanding: Vnd::new(f.outstanding_vnd).to_string(),
        overdue: f.overdue,
        low: f.below_60_pct,
    }
}

/// `GET /`: progress by ministry and province, and the flags that need action.
pub async fn dashboard(
    state: web::Data<AppState>,
    s: Session,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let policy = state.policy.clone();
    let scope = s.caller.scope.clone();
    let (report, flags) = state
        .db
        .run(move |conn| {
            let today = crate::db::today_vn();
            let report = progress(conn, &policy, &scope, GroupBy::Top, today)?;
            let flags =
                crate::services::flags::list(conn, &policy, &scope, &Default::default(), today)?;
            Ok((report, crate::services::flags::counts(&flags)))
        })
        .await?;
    let page = DashboardPage {
        en: is_en(query.lang.as_deref()),
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        groups: report
            .groups
            .iter()
            .map(|g| group_row(&g.code, &g.name, &g.figures))
            .collect(),
        total: group_row("", "", &report.national),
        flags: flags
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, count)| FlagCount {
                kind: k.as_str(),
                vi: k.label_vi(),
                en: k.label_en(),
                count,
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}

/// Filters of the case list.
#[derive(Debug, Deserialize)]
pub struct CaseListQuery {
    pub state: Option<String>,
    pub unit: Option<String>,
    pub text: Option<String>,
    pub page: Option<i64>,
    pub lang: Option<String>,
}

struct CaseLine {
    id: i64,
    submitted: bool,
    name: String,
    unit: String,
    state: &'static str,
    entitled: String,
    paid: String,
}

#[derive(Template)]
#[template(path = "staff/cases.html")]
struct CasesPage {
    en: bool,
    can_review: bool,
    user: String,
    csrf: String,
    total: i64,
    rows: Vec<CaseLine>,
    states: Vec<(&'static str, &'static str)>,
    state: String,
    unit: String,
    text: String,
    next_page: Option<i64>,
}

const PER_PAGE: i64 = 50;

/// `GET /ho-so`: the cases of the caller's units, filtered.
pub async fn cases(
    state: web::Data<AppState>,
    s: Session,
    query: web::Query<CaseListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let en = is_en(q.lang.as_deref());
    let page = q.page.unwrap_or(1).max(1);
    let scope = s.caller.scope.clone();
    let (state_f, unit_f, text_f) = (
        q.state.clone().unwrap_or_default(),
        q.unit.clone().unwrap_or_default(),
        q.text.clone().unwrap_or_default(),
    );
    let (filter_state, filter_unit, filter_text) =
        (state_f.clone(), unit_f.clone(), text_f.clone());
    let (rows, total) = state
        .db
        .run(move |conn| {
            let unit_path = match filter_unit.trim() {
                "" => None,
                code => Some(
                    crate::db::units::find_in_scope(conn, &scope, &UnitCode::normalize(code))?
                        .map_or_else(|| "/none/".to_string(), |u| u.path),
                ),
            };
            let filter = CaseFilter {
                unit_path,
                state: Some(filter_state).filter(|s| !s.is_empty()),
                text: Some(filter_text).filter(|t| !t.trim().is_empty()),
                ..CaseFilter::default()
            };
            Ok(crate::db::cases::list(
                conn,
                &scope,
                &filter,
                PER_PAGE,
                (page - 1).saturating_mul(PER_PAGE),
            )?)
        })
        .await?;
    let page_view = CasesPage {
        en,
        can_review: s.caller.role.can(Permission::ReviewCases),
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        total,
        rows: rows
            .iter()
            .map(|r| CaseLine {
                id: r.id,
                submitted: r.state == CaseState::Submitted,
                name: r.full_name.clone(),
                unit: r.unit_code.clone(),
                state: r.state.label(en),
                entitled: Vnd::new(r.entitled_vnd).to_string(),
                paid: Vnd::new(r.paid_vnd).to_string(),
            })
            .collect(),
        states: CaseState::ALL
            .iter()
            .map(|s| (s.as_str(), if en { s.label_en() } else { s.label_vi() }))
            .collect(),
        state: state_f,
        unit: unit_f,
        text: text_f,
        next_page: (page * PER_PAGE < total).then_some(page + 1),
    };
    render(&page_view, StatusCode::OK)
}

struct CaseHead {
    id: i64,
    name: String,
    national_id: String,
    unit: String,
    reference: String,
    state: &'static str,
    version: i32,
    entitled: String,
    paid: String,
    outstanding: String,
    outstanding_raw: i64,
    /// Original and supplementary, when a change was accepted.
    supplement: Option<(String, String)>,
    /// The Decree 67 top-up part of the pinned result: (original Decree 178 total, top-up).
    decree_67: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "staff/case.html")]
struct CasePage<'a> {
    en: bool,
    user: String,
    csrf: String,
    c: CaseHead,
    error: Option<&'a str>,
    notice: Option<&'a str>,
    lines: Vec<(String, String, String, String)>,
    payments: Vec<(String, String, String)>,
    history: Vec<(String, String, String, String)>,
    can_review: bool,
    can_fund: bool,
    can_pay: bool,
    can_answer: bool,
    messages: Vec<crate::db::messages::MessageRow>,
    today: String,
}

async fn case_page(
    state: &web::Data<AppState>,
    s: &Session,
    id: i64,
    en: bool,
    error: Option<&str>,
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let policy = state.policy.clone();
    let scope = s.caller.scope.clone();
    let (view, messages) = state
        .db
        .run(move |conn| {
            let view = super::cases_api::case_view(conn, &policy, &scope, id)?;
            Ok((view, crate::db::messages::for_case(conn, id)?))
        })
        .await?;
    let case_state = view.state;
    let role = s.caller.role;
    let actions = view.actions(s.caller.role);
    let lines = view
        .lines()
        .into_iter()
        .map(|p| {
            (
                if en { p.label_en } else { p.label_vi },
                p.legal_basis,
                p.formula,
                Vnd::new(p.amount_vnd).to_string(),
            )
        })
        .collect();
    let page = CasePage {
        en,
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        c: CaseHead {
            id: view.id,
            name: view.full_name.clone(),
            national_id: view.national_id.clone(),
            unit: format!("{} – {}", view.unit_code, view.unit_name),
            reference: view.payment_reference.clone(),
            state: if en {
                case_state.label_en()
            } else {
                case_state.label_vi()
            },
            version: view.version,
            entitled: Vnd::new(view.entitled_vnd).to_string(),
            paid: Vnd::new(view.paid_vnd).to_string(),
            outstanding: Vnd::new(view.outstanding_vnd).to_string(),
            outstanding_raw: view.outstanding_vnd,
            supplement: (view.supplementary_vnd != 0).then(|| {
                (
                    Vnd::new(view.original_vnd).to_string(),
                    Vnd::new(view.supplementary_vnd).to_string(),
                )
            }),
            decree_67: view.decree_67_top_up().map(|t| {
                (
                    Vnd::new(t.original_total_vnd).to_string(),
                    Vnd::new(t.top_up_vnd).to_string(),
                )
            }),
        },
        error,
        notice,
        lines,
        payments: view
            .payments
            .iter()
            .map(|p| {
                (
                    p.paid_on.format("%d/%m/%Y").to_string(),
                    p.method.clone(),
                    Vnd::new(p.amount_vnd).to_string(),
                )
            })
            .collect(),
        history: view
            .history
            .iter()
            .map(|h| {
                (
                    crate::domain::vn_time::local(h.at)
                        .format("%d/%m/%Y %H:%M")
                        .to_string(),
                    h.actor.clone(),
                    h.to_state.label(en).to_string(),
                    h.reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
        can_review: actions.contains(&ActionKind::Approve),
        can_fund: actions.contains(&ActionKind::Fund),
        can_pay: actions.contains(&ActionKind::RecordPayment),
        can_answer: role.can(Permission::ReviewCases),
        messages,
        today: crate::db::today_vn().to_string(),
    };
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    render(&page, status)
}

/// `GET /ho-so/{id}`: a case (another unit's case is not found).
pub async fn case(
    state: web::Data<AppState>,
    s: Session,
    id: web::Path<i64>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let en = is_en(query.lang.as_deref());
    let notice = query
        .ok
        .as_ref()
        .map(|_| if en { "Done." } else { "Đã thực hiện." });
    case_page(&state, &s, id.into_inner(), en, None, notice).await
}

/// The review / funding form.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub csrf: String,
    pub action: String,
    pub version: i32,
    pub reason: Option<String>,
    pub funding_source: Option<String>,
}

/// The message of a refusal, in the page's language.
fn refusal(e: &AppError, en: bool) -> String {
    let body = e.body();
    if en { body.message_en } else { body.message_vi }
}

/// `POST /ho-so/{id}/thao-tac`: approve, return or fund (the same rules as the API).
pub async fn act(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let id = id.into_inner();
    let action = match form.action.as_str() {
        "approve" => CaseAction::Approve,
        "return" => CaseAction::Return {
            reason: form.reason.clone().unwrap_or_default(),
        },
        "fund" => CaseAction::Fund {
            funding_source: form.funding_source.clone().unwrap_or_default(),
        },
        _ => {
            return Err(AppError::bad_request(
                "action_invalid",
                "Thao tác không hợp lệ.",
                "Unknown action.",
            ));
        }
    };
    s.caller.require(action.kind().permission())?;
    let actor = s.actor(&req);
    let version = form.version;
    let done = state
        .db
        .run(move |conn| crate::services::case_review::act(conn, &actor, id, Some(version), action))
        .await;
    match done {
        Ok(_) => Ok(redirect(&format!("/ho-so/{id}?ok=1"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, false, Some(&refusal(&e, false)), None).await,
    }
}

/// The payment form.
#[derive(Debug, Deserialize)]
pub struct PayForm {
    pub csrf: String,
    /// The case version the page was built from.
    pub version: i32,
    pub amount: String,
    pub paid_on: chrono::NaiveDate,
    pub method: Option<String>,
}

/// `POST /ho-so/{id}/chi`: records a payment (the API's rules: amounts, dates, duties).
pub async fn pay(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<PayForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let id = id.into_inner();
    let request = (|| {
        Ok::<_, AppError>(crate::services::payments::PaymentRequest {
            amount: super::payments_api::amount_from_form(&form.amount)?,
            paid_on: form.paid_on,
            method: super::payments_api::parse_method_typed(form.method.as_deref())?,
            payer_unit: None,
            reference: None,
            reverses: None,
            version: Some(form.version),
        })
    })();
    let actor = s.actor(&req);
    let done = match request {
        Ok(request) => {
            state
                .db
                .run(move |conn| {
                    crate::services::payments::record(
                        conn,
                        &actor,
                        id,
                        &request,
                        crate::db::today_vn(),
                    )
                })
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(redirect(&format!("/ho-so/{id}?ok=1"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, false, Some(&refusal(&e, false)), None).await,
    }
}

/// The answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    pub csrf: String,
    pub message: i64,
    pub answer: String,
}

/// `POST /ho-so/{id}/tra-loi`: a reviewer answers a question or dispute.
pub async fn answer(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    id: web::Path<i64>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let id = id.into_inner();
    let actor = s.actor(&req);
    let done = state
        .db
        .run(move |conn| {
            crate::services::self_service::answer(conn, &actor, id, form.message, &form.answer)
        })
        .await;
    match done {
        Ok(()) => Ok(redirect(&format!("/ho-so/{id}?ok=1"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, false, Some(&refusal(&e, false)), None).await,
    }
}

/// `POST /ho-so/duyet-nhieu` (`csrf`, `id` repeated): approves the selected cases, all or
/// nothing (the API's bulk approval); refusals are listed on the page.
pub async fn bulk_approve(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body).map_err(|_| {
        AppError::bad_request(
            "form_invalid",
            "Biểu mẫu không hợp lệ.",
            "The form is not valid.",
        )
    })?;
    let csrf = pairs
        .iter()
        .find(|(k, _)| k == "csrf")
        .map_or("", |(_, v)| v.as_str());
    s.check(csrf)?;
    let ids: Vec<i64> = pairs
        .iter()
        .filter(|(k, _)| k == "id")
        .filter_map(|(_, v)| v.parse().ok())
        .collect();
    if ids.is_empty() {
        return Ok(redirect("/ho-so?state=submitted"));
    }
    let actor = s.actor(&req);
    let outcome = state
        .db
        .run(move |conn| {
            crate::services::case_review::act_bulk(conn, &actor, &ids, &CaseAction::Approve)
        })
        .await?;
    if outcome.applied {
        Ok(redirect("/ho-so?state=approved"))
    } else {
        Err(AppError::Refused {
            code: "bulk_refused",
            message_vi: format!(
                "Không duyệt hồ sơ nào: {} hồ sơ không duyệt được (xem chi tiết).",
                outcome.refused
            ),
            message_en: format!(
                "Nothing approved: {} cases cannot be approved (see the details).",
                outcome.refused
            ),
            details: serde_json::to_value(&outcome.results).unwrap_or_default(),
        })
    }
}
