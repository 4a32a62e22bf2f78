//! Sign-in and sign-out: the form with its pre-session token, the API's login behind it, and
//! the session cookie.

use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use chrono::TimeDelta;
use serde::Deserialize;

use crate::db::now;
use crate::error::AppError;
use crate::http::AppState;

use super::{PageQuery, SESSION_COOKIE, is_en, redirect, render, session, to_login};

#[derive(Template)]
#[template(path = "staff/login.html")]
struct LoginPage<'a> {
    en: bool,
    error: Option<&'a str>,
    csrf: String,
    /// The host the browser used, when the session cookie (Secure) cannot work there: plain
    /// HTTP to an address other than the machine itself.
    insecure_host: Option<String>,
}

/// The host of a sign-in reached over plain HTTP on an address a browser will not send a
/// `Secure` cookie to (browsers treat only `localhost` and loopback addresses as secure
/// without TLS). HTTPS as reported by a trusted proxy (`X-Forwarded-Proto`) is fine.
fn insecure_host(state: &AppState, req: &HttpRequest) -> Option<String> {
    if crate::http::client::of(req, &state.settings).https {
        return None;
    }
    let host = req.connection_info().host().to_owned();
    let name = match host.strip_prefix('[') {
        Some(v6) => v6.split(']').next().unwrap_or_default().to_owned(),
        None => host
            .rsplit_once(':')
            .map_or(host.clone(), |(h, _)| h.to_owned()),
    };
    let loopback = name.eq_ignore_ascii_case("localhost")
        || name.to_ascii_lowercase().ends_with(".localhost")
        || name
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    (!loopback).then_some(host)
}

/// The sign-in page with its form token (and the pre-session cookie when the browser has
/// none yet; see [`crate::http::login_csrf`]).
fn login_page(
    state: &AppState,
    req: &HttpRequest,
    en: bool,
    error: Option<&str>,
    status: StatusCode,
) -> Result<HttpResponse, AppError> {
    let (nonce, new) = crate::http::login_csrf::nonce(req);
    let csrf = crate::http::login_csrf::token(&state.keys, &nonce);
    let page = LoginPage {
        en,
        error,
        csrf,
        insecure_host: insecure_host(state, req),
    };
    let mut response = render(&page, status)?;
    if new {
        response
            .add_cookie(&crate::http::login_csrf::cookie(nonce))
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
    let en = is_en(&req, query.lang.as_deref());
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
    let en = is_en(&req, form.lang.as_deref());
    if !crate::http::login_csrf::check(&state.keys, &req, form.csrf.as_deref()) {
        let message = if en {
            "The sign-in form has expired or did not come from this site: please sign in again."
        } else {
            "Biểu mẫu đăng nhập đã hết hạn hoặc không phải của trang này: vui lòng đăng nhập lại."
        };
        return login_page(&state, &req, en, Some(message), StatusCode::FORBIDDEN);
    }
    let address = crate::http::client::of(&req, &state.settings).address();
    let ttl = TimeDelta::from_std(state.settings.session_ttl)
        .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
    let keys = state.keys.clone();
    let request_id = crate::http::request_id::of(&req);
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
    let token_id = s.caller.token_id;
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
