//! The self-service status page at `/tra-cuu` (and `/status`), server-rendered (askama
//! template `templates/status.html`), Vietnamese by default with `?lang=en`.
//!
//! A successful lookup sets a signed session cookie (HttpOnly, Secure, SameSite=Strict, 15
//! minutes) for that one case; the statement download and the question/dispute form need it,
//! and the form also needs the token derived from it (CSRF). Nothing else is reachable.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::lang::is_en;
use super::request_id;
use crate::auth::Caller;
use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::reports::{Generated, statement};
use crate::services::self_service::{
    self, Lookup, MessageKind, StatusView, csrf_token, session_case, session_token,
};
use crate::xlsx::sheet::xlsx;

const COOKIE: &str = "staffpay_status";

#[derive(Template)]
#[template(path = "status.html")]
struct StatusPage<'a> {
    en: bool,
    error: Option<&'a str>,
    notice: Option<&'a str>,
    view: Option<StatusView>,
    csrf: String,
}

/// `?lang=en`.
#[derive(Debug, Deserialize)]
pub struct LangQuery {
    pub lang: Option<String>,
    pub sent: Option<String>,
    /// Set after "end lookup".
    pub ended: Option<String>,
}

/// The lookup form.
#[derive(Debug, Deserialize)]
pub struct LookupForm {
    pub national_id: String,
    pub code: String,
    pub lang: Option<String>,
}

/// The question / dispute form.
#[derive(Debug, Deserialize)]
pub struct MessageForm {
    pub kind: String,
    pub body: String,
    pub csrf: String,
    pub lang: Option<String>,
}

fn render(
    p: &StatusPage<'_>,
    status: actix_web::http::StatusCode,
) -> Result<HttpResponse, AppError> {
    let html = p
        .render()
        .map_err(|e| AppError::Internal(anyhow::anyhow!("status page: {e}")))?;
    Ok(crate::http::pages::html(status, html))
}

fn session_of(state: &AppState, req: &HttpRequest) -> Option<(String, CaseId)> {
    let cookie = req.cookie(COOKIE)?;
    let token = cookie.value().to_string();
    let case = CaseId(session_case(&state.keys, &token)?);
    Some((token, case))
}

fn session_cookie(token: String) -> Cookie<'static> {
    Cookie::build(COOKIE, token)
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(self_service::SESSION.num_seconds()))
        .finish()
}

async fn show(
    state: &web::Data<AppState>,
    token: String,
    case: CaseId,
    en: bool,
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let view = state
        .db
        .run(move |conn| self_service::status(conn, case, en))
        .await?;
    let csrf = csrf_token(&state.keys, &token);
    render(
        &StatusPage {
            en,
            error: None,
            notice,
            view: Some(view),
            csrf,
        },
        actix_web::http::StatusCode::OK,
    )
}

/// `GET /tra-cuu`: the form, or the case of a live session.
pub async fn form(
    state: web::Data<AppState>,
    req: HttpRequest,
    query: web::Query<LangQuery>,
) -> Result<HttpResponse, AppError> {
    let en = is_en(&req, query.lang.as_deref());
    if let Some((token, case)) = session_of(&state, &req) {
        let notice = query.sent.as_ref().map(|_| {
            if en {
                "Sent. A reviewer will answer here."
            } else {
                "Đã gửi. Cán bộ xét duyệt sẽ trả lời tại đây."
            }
        });
        return show(&state, token, case, en, notice).await;
    }
    let notice = query.ended.as_ref().map(|_| {
        if en {
            "Lookup ended: your case is no longer open in this browser."
        } else {
            "Đã kết thúc tra cứu: hồ sơ không còn mở trên trình duyệt này."
        }
    });
    render(
        &StatusPage {
            en,
            error: None,
            notice,
            view: None,
            csrf: String::new(),
        },
        actix_web::http::StatusCode::OK,
    )
}

/// `POST /tra-cuu/ket-thuc`: ends the lookup on this browser (a shared or borrowed phone):
/// the status cookie is cleared. Nothing changes on the server, so no form token is needed.
pub async fn end(req: HttpRequest) -> HttpResponse {
    let en = is_en(&req, None);
    let mut gone = Cookie::build(COOKIE, "")
        .path("/")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .finish();
    gone.make_removal();
    let mut response = HttpResponse::SeeOther()
        .insert_header((
            header::LOCATION,
            format!("/tra-cuu?lang={}&ended=1", if en { "en" } else { "vi" }),
        ))
        .finish();
    // A response that cannot take the removal still ends at the form.
    let _ = response.add_cookie(&gone);
    response
}

/// `POST /tra-cuu`: checks the pair; the same answer for a wrong code and an unknown id.
pub async fn lookup(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<LookupForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    let en = is_en(&req, form.lang.as_deref());
    let keys = state.keys.clone();
    let from = super::client::of(&req, &state.settings).address();
    // One trip to the database thread for the lookup and, when found, the page's data.
    let (found, view) = state
        .db
        .run(move |conn| {
            let found = self_service::lookup(conn, &keys, &from, &form.national_id, &form.code)?;
            let view = match found {
                Lookup::Found(case) => Some(self_service::status(conn, case, en)?),
                _ => None,
            };
            Ok((found, view))
        })
        .await?;
    let wrong = |status, vi: &str, en_text: &str| {
        render(
            &StatusPage {
                en,
                error: Some(if en { en_text } else { vi }),
                notice: None,
                view: None,
                csrf: String::new(),
            },
            status,
        )
    };
    match found {
        Lookup::Found(case) => {
            let token = session_token(&state.keys, case.0);
            let csrf = csrf_token(&state.keys, &token);
            let mut response = render(
                &StatusPage {
                    en,
                    error: None,
                    notice: None,
                    view,
                    csrf,
                },
                actix_web::http::StatusCode::OK,
            )?;
            response
                .add_cookie(&session_cookie(token))
                .map_err(|e| AppError::Internal(anyhow::anyhow!("cookie: {e}")))?;
            Ok(response)
        }
        Lookup::NotFound => wrong(
            actix_web::http::StatusCode::OK,
            "Số định danh hoặc mã tra cứu không đúng.",
            "The national id or the lookup code is not right.",
        ),
        Lookup::Locked { retry_after_secs } => {
            let wait = crate::present::wait(retry_after_secs, en);
            let mut response = wrong(
                actix_web::http::StatusCode::TOO_MANY_REQUESTS,
                &format!(
                    "Đã nhập sai quá nhiều lần nên tra cứu tạm bị khóa. Vui lòng thử lại sau {wait}, hoặc đề nghị cơ quan của bạn mở khóa."
                ),
                &format!(
                    "Too many wrong attempts: lookups are locked for now. Try again in {wait}, or ask your agency to unlock it."
                ),
            )?;
            response.headers_mut().insert(
                header::RETRY_AFTER,
                header::HeaderValue::from(retry_after_secs),
            );
            Ok(response)
        }
    }
}

fn back_to_form() -> HttpResponse {
    HttpResponse::SeeOther()
        .insert_header((header::LOCATION, "/tra-cuu"))
        .finish()
}

/// `GET /tra-cuu/bang-tinh.xlsx`: the person's own statement (without the lookup code).
pub async fn statement_download(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let Some((_, case)) = session_of(&state, &req) else {
        return Ok(back_to_form());
    };
    let bytes = state
        .db
        .run(move |conn| {
            let data = statement::load(conn, &crate::db::units::UnitScope::All, case)?;
            let generated = Generated {
                at: crate::db::now(),
                by: "tra-cuu".into(),
            };
            let code = statement::LookupCode::NotShown { issued: true };
            let issuer = crate::reports::official::issuer_of_unit(conn, &data.unit)?;
            statement::build(&data, &issuer, &code, &generated)
                .and_then(|mut w| w.save_to_buffer())
                .map_err(xlsx)
        })
        .await?;
    Ok(super::reports_api::download(
        bytes,
        &format!("bang-tinh-tro-cap-{case}.xlsx"),
    ))
}

/// `POST /tra-cuu/gui`: a question or dispute, with the session and its form token.
pub async fn send(
    state: web::Data<AppState>,
    req: HttpRequest,
    form: web::Form<MessageForm>,
) -> Result<HttpResponse, AppError> {
    let Some((token, case)) = session_of(&state, &req) else {
        return Ok(back_to_form());
    };
    let form = form.into_inner();
    if !self_service::same(
        csrf_token(&state.keys, &token).as_bytes(),
        form.csrf.as_bytes(),
    ) {
        return Err(AppError::Forbidden);
    }
    let kind = MessageKind::parse(&form.kind).ok_or_else(|| {
        AppError::bad_request(
            "message_kind",
            "Loại phải là câu hỏi hoặc khiếu nại.",
            "The kind must be question or dispute.",
        )
    })?;
    let body = form.body;
    state
        .db
        .run(move |conn| self_service::send(conn, case, kind, &body))
        .await?;
    let lang = if is_en(&req, form.lang.as_deref()) {
        "en"
    } else {
        "vi"
    };
    Ok(HttpResponse::SeeOther()
        .insert_header((header::LOCATION, format!("/tra-cuu?lang={lang}&sent=1")))
        .finish())
}

/// An answer from a reviewer.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
pub struct AnswerBody {
    /// 1 to 2,000 characters, not only spaces.
    #[schema(min_length = 1, max_length = 2000, pattern = r"\S")]
    pub answer: String,
}

/// A case's questions and disputes.
#[utoipa::path(get, path = "/api/v1/cases/{id}/messages", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 200, body = Vec<crate::db::messages::MessageRow>),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn messages(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let scope = caller.scope.clone();
    let rows = state
        .db
        .run(move |conn| {
            crate::db::cases::find_in_scope(conn, &scope, id)?.ok_or(AppError::NotFound)?;
            Ok(crate::db::messages::for_case(conn, id)?)
        })
        .await?;
    Ok(HttpResponse::Ok().json(rows))
}

/// Answers a question or dispute (shown to the person on the status page; answering the last
/// open dispute clears the `disputed` flag).
#[utoipa::path(post, path = "/api/v1/cases/{id}/messages/{message}/answer", tag = "cases",
    params(("id" = i64, Path, description = "Case id"), ("message" = i64, Path, description = "Message id")),
    request_body = AnswerBody,
    responses((status = 204), (status = 404, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn answer(
    state: web::Data<AppState>,
    caller: Caller,
    path: web::Path<(CaseId, i64)>,
    body: web::Json<AnswerBody>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let (id, message) = path.into_inner();
    let actor = request_id::actor(&caller, &req);
    let text = body.into_inner().answer;
    state
        .db
        .run(move |conn| self_service::answer(conn, &actor, id, message, &text))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Lifts the status-page lock on the case's person (after too many wrong codes).
#[utoipa::path(delete, path = "/api/v1/cases/{id}/lookup-lockout", tag = "cases",
    params(("id" = i64, Path, description = "Case id")),
    responses((status = 204), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn lift_lockout(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let actor = request_id::actor(&caller, &req);
    let keys = state.keys.clone();
    state
        .db
        .run(move |conn| self_service::lift_lockout(conn, &keys, &actor, id))
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
