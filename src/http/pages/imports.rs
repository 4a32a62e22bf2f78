//! `GET /nhap/lich-su`: the latest imports of the caller's units — when, what kind, which file
//! and unit, who, the outcome and the row counts in words, and the file with its errors marked.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::http::AppState;
use crate::present;

use super::{PageQuery, Session, is_en, render};

struct ImportLine {
    id: i64,
    at: String,
    kind: &'static str,
    file: String,
    unit: String,
    by: String,
    outcome: String,
    rows: String,
    created: String,
    updated: String,
    errors: String,
    warnings: String,
    has_errors: bool,
}

#[derive(Template)]
#[template(path = "staff/imports.html")]
struct ImportsPage {
    menu: super::Menu,
    en: bool,
    user: String,
    csrf: String,
    rows: Vec<ImportLine>,
}

/// How many imports the page lists.
const LATEST: i64 = 200;

pub(crate) fn kind_words(kind: &str, en: bool) -> &'static str {
    present::import_kind(kind, en)
}

/// `GET /nhap/lich-su`.
pub async fn imports(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let en = is_en(&req, query.lang.as_deref());
    let scope = s.caller.scope.clone();
    let found = state
        .db
        .run(move |conn| Ok(crate::db::imports::recent(conn, &scope, LATEST)?))
        .await?;
    let n = |v: i32| present::count(i64::from(v), en);
    let page = ImportsPage {
        menu: s.menu(),
        en,
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        rows: found
            .into_iter()
            .map(|(i, unit)| ImportLine {
                id: i.id,
                at: present::date_time(crate::domain::vn_time::local(i.started_at)),
                kind: kind_words(&i.kind, en),
                file: i.file_name,
                unit,
                by: i.submitted_by_label,
                outcome: present::outcome(&i.outcome, en).to_owned(),
                rows: n(i.rows_total),
                created: n(i.rows_created),
                updated: n(i.rows_updated),
                errors: n(i.errors),
                warnings: n(i.warnings),
                has_errors: i.errors > 0,
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}
