//! The dashboard: progress by ministry and province, and the flags that need action.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use askama::Template;

use crate::domain::money::Vnd;
use crate::error::AppError;
use crate::http::AppState;
use crate::services::progress::{GroupBy, progress};

use super::{PageQuery, Session, is_en, render};

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
