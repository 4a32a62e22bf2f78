//! `GET /nguoi-dung` and its forms (administrators): the accounts with their role in words,
//! units and state; add a user, disable or enable one, reset a password, create or revoke an
//! API token — the same service as `staffpay users`. A new password or token is shown once, on
//! the page that answers the form (never in an address).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::access::Role;
use crate::error::AppError;
use crate::http::AppState;

use super::{Session, is_en, render};

/// A role in words.
pub fn role_words(role: &str, en: bool) -> &str {
    match (role, en) {
        ("admin", false) => "Quản trị hệ thống",
        ("admin", true) => "Administrator",
        ("moha_reviewer", false) => "Cán bộ thẩm định (Bộ Nội vụ)",
        ("moha_reviewer", true) => "Reviewer (Ministry of Home Affairs)",
        ("mof_officer", false) => "Cán bộ chi trả (Bộ Tài chính)",
        ("mof_officer", true) => "Payment officer (Ministry of Finance)",
        ("unit_officer", false) => "Cán bộ đơn vị",
        ("unit_officer", true) => "Agency officer",
        ("national_viewer", false) => "Xem số liệu toàn quốc",
        ("national_viewer", true) => "National viewer",
        (other, _) => other,
    }
}

struct UserLine {
    username: String,
    role: String,
    units: String,
    disabled: bool,
}

#[derive(Template)]
#[template(path = "staff/users.html")]
struct UsersPage<'a> {
    menu: super::Menu,
    en: bool,
    user: String,
    csrf: String,
    rows: Vec<UserLine>,
    roles: Vec<(&'static str, String)>,
    notice: Option<&'a str>,
    /// A password or token shown once: (what, for whom, the secret).
    secret: Option<(String, String, String)>,
}

async fn page(
    state: &web::Data<AppState>,
    s: &Session,
    en: bool,
    notice: Option<&str>,
    secret: Option<(String, String, String)>,
) -> Result<HttpResponse, AppError> {
    let list = state
        .db
        .run(|conn| Ok(crate::db::users::list(conn)?))
        .await?;
    let page = UsersPage {
        menu: s.menu(),
        en,
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        rows: list
            .into_iter()
            .map(|(u, codes)| UserLine {
                role: role_words(&u.role, en).to_owned(),
                username: u.username,
                units: codes.join(", "),
                disabled: u.disabled_at.is_some(),
            })
            .collect(),
        roles: Role::ALL
            .into_iter()
            .map(|r| (r.as_str(), role_words(r.as_str(), en).to_owned()))
            .collect(),
        notice,
        secret,
    };
    render(&page, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
pub struct UsersQuery {
    pub lang: Option<String>,
}

/// `GET /nguoi-dung`.
pub async fn users(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    query: web::Query<UsersQuery>,
) -> Result<HttpResponse, AppError> {
    page(&state, &s, is_en(&req, query.lang.as_deref()), None, None).await
}

/// Every users-page form: `op` says which.
#[derive(Debug, Deserialize)]
pub struct UserForm {
    pub csrf: String,
    /// `add`, `disable`, `enable`, `reset`, `token`, `revoke`.
    pub op: String,
    pub username: String,
    pub role: Option<String>,
    /// Unit codes separated by commas or spaces.
    pub units: Option<String>,
    pub token_name: Option<String>,
    pub days: Option<i64>,
}

/// `POST /nguoi-dung`.
pub async fn user_action(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    form: web::Form<UserForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let en = is_en(&req, None);
    let actor = s.actor(&req);
    let keys = state.keys.clone();
    let username = form.username.trim().to_owned();
    let shown = username.clone();
    let op = form.op.clone();
    let (notice_vi, notice_en, secret) = state
        .db
        .run(move |conn| {
            use crate::services::users as svc;
            Ok(match op.as_str() {
                "add" => {
                    let role: Role = form.role.as_deref().unwrap_or_default().parse().map_err(|_| {
                        AppError::bad_request("role_invalid", "Chọn một vai trò.", "Choose a role.")
                    })?;
                    let codes: Vec<String> = form
                        .units
                        .as_deref()
                        .unwrap_or_default()
                        .split([',', ' ', ';'])
                        .map(str::trim)
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned)
                        .collect();
                    let secret = crate::auth::password::generate();
                    svc::create(conn, &actor, &username, role, &codes, &secret)?;
                    ("Đã tạo người dùng.", "User created.", Some(("password", secret)))
                }
                "disable" => {
                    svc::set_disabled(conn, &actor, &username, true)?;
                    ("Đã khóa người dùng.", "User disabled.", None)
                }
                "enable" => {
                    svc::set_disabled(conn, &actor, &username, false)?;
                    ("Đã mở lại người dùng.", "User enabled.", None)
                }
                "reset" => {
                    let secret = crate::auth::password::generate();
                    svc::reset_password(conn, &actor, &username, &secret)?;
                    (
                        "Đã đặt lại mật khẩu; mọi phiên và mã truy cập cũ của người này đã bị thu hồi.",
                        "Password reset; the user's sessions and tokens were revoked.",
                        Some(("password", secret)),
                    )
                }
                "token" => {
                    let name = form.token_name.clone().unwrap_or_default();
                    let issued = svc::create_token(
                        conn,
                        &keys,
                        &actor,
                        &username,
                        name.trim(),
                        form.days.unwrap_or(90),
                    )?;
                    ("Đã tạo mã truy cập API.", "API token created.", Some(("token", issued.token)))
                }
                "revoke" => {
                    let name = form.token_name.clone().unwrap_or_default();
                    let n = svc::revoke_token(conn, &actor, &username, name.trim())?;
                    if n == 0 {
                        return Err(AppError::conflict(
                            "token_unknown",
                            format!("Người dùng {username} không có mã truy cập đang dùng tên '{name}'."),
                            format!("User {username} has no active token named '{name}'."),
                        ));
                    }
                    ("Đã thu hồi mã truy cập.", "Token revoked.", None)
                }
                _ => {
                    return Err(AppError::bad_request(
                        "op_invalid",
                        "Thao tác không hợp lệ.",
                        "Unknown action.",
                    ));
                }
            })
        })
        .await?;
    let secret = secret.map(|(kind, value)| {
        let what = match (kind, en) {
            ("password", false) => "Mật khẩu mới",
            ("password", true) => "New password",
            (_, false) => "Mã truy cập API",
            (_, true) => "API token",
        };
        (what.to_owned(), shown.clone(), value)
    });
    page(
        &state,
        &s,
        en,
        Some(if en { notice_en } else { notice_vi }),
        secret,
    )
    .await
}
