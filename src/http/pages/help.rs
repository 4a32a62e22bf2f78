//! `GET /tro-giup`: where each task is done on the pages, and what is still done only at the
//! command line (operators' work), so that nobody looks for a page that is not there.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use crate::error::AppError;

use super::{PageQuery, Session, is_en, render};

#[derive(Template)]
#[template(path = "staff/help.html")]
struct HelpPage {
    menu: super::Menu,
    en: bool,
    user: String,
    csrf: String,
}

/// `GET /tro-giup`.
pub async fn help(
    s: Session,
    req: HttpRequest,
    query: actix_web::web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let page = HelpPage {
        menu: s.menu(),
        en: is_en(&req, query.lang.as_deref()),
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
    };
    render(&page, StatusCode::OK)
}
