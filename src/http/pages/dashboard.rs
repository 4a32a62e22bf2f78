//! The dashboard: progress by ministry and province, and the flags that need action.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use crate::error::AppError;
use crate::http::AppState;
use crate::present;
use crate::services::progress::{GroupBy, progress};

use super::{PageQuery, Session, is_en, render};

/// A dashboard row.
struct GroupRow {
    code: String,
    name: String,
    people: String,
    paid: String,
    pct: String,
    width: String,
    outstanding: String,
    overdue: String,
    low: bool,
}

struct FlagCount {
    kind: &'static str,
    vi: &'static str,
    en: &'static str,
    count: String,
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

fn group_row(code: &str, name: &str, f: &crate::services::progress::Figures, en: bool) -> GroupRow {
    GroupRow {
        code: code.to_string(),
        name: name.to_string(),
        people: present::count(f.people, en),
        paid: present::count(f.paid, en),
        width: f.paid_people_pct.clone(),
        pct: present::percent(&f.paid_people_pct, en),
        outstanding: present::money(f.outstanding_vnd, en),
        overdue: present::count(f.overdue, en),
        low: f.below_60_pct,
    }
}

/// `GET /`: progress by ministry and province, and the flags that need action.
pub async fn dashboard(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
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
    let en = is_en(&req, query.lang.as_deref());
    let page = DashboardPage {
        en,
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        groups: report
            .groups
            .iter()
            .map(|g| group_row(&g.code, &g.name, &g.figures, en))
            .collect(),
        total: group_row("", "", &report.national, en),
        flags: flags
            .into_iter()
            .filter(|(_, n)| *n > 0)
            .map(|(k, count)| FlagCount {
                kind: k.as_str(),
                vi: k.label_vi(),
                en: k.label_en(),
                count: present::count(i64::try_from(count).unwrap_or(i64::MAX), en),
            })
            .collect(),
    };
    render(&page, StatusCode::OK)
}
