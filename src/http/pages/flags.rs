//! `GET /canh-bao`: the open flags within the caller's units, filtered by kind, unit and age,
//! each with what to do and a link to its case — the dashboard's flag counts link here.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::units;
use crate::domain::flags::FlagKind;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::http::AppState;
use crate::present;
use crate::services::flags::FlagRow;

use super::{Session, is_en, render};

/// Filters of the flag list.
#[derive(Debug, Deserialize)]
pub struct FlagPageQuery {
    pub kind: Option<String>,
    pub unit: Option<String>,
    /// Only flags open at least this many days.
    pub age: Option<String>,
    pub page: Option<usize>,
    pub lang: Option<String>,
}

struct FlagLine {
    label: &'static str,
    case_id: Option<i64>,
    line_id: Option<i64>,
    unit: String,
    since: String,
    age: String,
    entitled: String,
    paid: String,
    action: &'static str,
}

#[derive(Template)]
#[template(path = "staff/flags.html")]
struct FlagsPage {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    as_of: String,
    /// When the flags were listed (they are reused while nothing changed, at most 30 s).
    listed_at: String,
    kinds: Vec<(&'static str, &'static str, String)>,
    kind: String,
    unit: String,
    age: String,
    shown: String,
    total: String,
    rows: Vec<FlagLine>,
    next_page: Option<usize>,
    prev_page: Option<usize>,
}

const PER_PAGE: usize = 200;

/// `GET /canh-bao`.
pub async fn flags(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    query: web::Query<FlagPageQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let en = is_en(&req, q.lang.as_deref());
    let kind_text = q.kind.clone().unwrap_or_default();
    let kind = match kind_text.trim() {
        "" => None,
        text => Some(crate::http::flags_api::parse_kind(text)?),
    };
    let age_text = q.age.clone().unwrap_or_default();
    let min_age = match age_text.trim() {
        "" => 0,
        text => text
            .parse::<i64>()
            .ok()
            .filter(|d| *d >= 0)
            .ok_or_else(|| {
                AppError::bad_request(
                    "invalid_age",
                    format!("Số ngày '{text}' không hợp lệ: nhập một số nguyên không âm"),
                    format!("'{text}' days is not valid: type a whole number, 0 or more"),
                )
            })?,
    };
    let unit_text = q.unit.clone().unwrap_or_default();
    let scope = s.caller.scope.clone();
    let policy = state.policy.clone();
    let remembered = state.flags_remembered.clone();
    let today = crate::db::today_vn();
    let unit_code = unit_text.trim().to_owned();
    let (all, listed_at) = state
        .db
        .run(move |conn| {
            let unit_path = if unit_code.is_empty() {
                None
            } else {
                Some(
                    units::find_in_scope(conn, &scope, &UnitCode::normalize(&unit_code))?
                        .ok_or(AppError::NotFound)?
                        .path,
                )
            };
            Ok(remembered.flags(conn, &policy, &scope, unit_path, today)?)
        })
        .await?;
    // Counts by kind over the unit and age chosen (the kind menu shows them).
    let aged: Vec<&FlagRow> = all.iter().filter(|f| f.age_days >= min_age).collect();
    let counts: Vec<(FlagKind, usize)> = FlagKind::ALL
        .into_iter()
        .map(|k| (k, aged.iter().filter(|f| f.kind == k).count()))
        .collect();
    let kinds = FlagKind::ALL
        .into_iter()
        .map(|k| {
            let n = counts.iter().find(|(c, _)| *c == k).map_or(0, |(_, n)| *n);
            (
                k.as_str(),
                if en { k.label_en() } else { k.label_vi() },
                present::count(i64::try_from(n).unwrap_or(i64::MAX), en),
            )
        })
        .collect();
    let chosen: Vec<_> = aged
        .into_iter()
        .filter(|f| kind.is_none_or(|k| f.kind == k))
        .collect();
    let page = q.page.unwrap_or(0);
    let start = page.saturating_mul(PER_PAGE);
    let rows: Vec<FlagLine> = chosen
        .iter()
        .skip(start)
        .take(PER_PAGE)
        .map(|f| FlagLine {
            label: if en { f.label_en } else { f.label_vi },
            case_id: f.case_id.map(|c| c.0),
            line_id: f.statement_line_id.map(|l| l.0),
            unit: format!("{} – {}", f.unit_code, f.unit_name),
            since: present::date(f.since),
            age: present::count(f.age_days, en),
            entitled: f
                .entitled_vnd
                .map(|v| present::money(v, en))
                .unwrap_or_default(),
            paid: f
                .paid_vnd
                .map(|v| present::money(v, en))
                .unwrap_or_default(),
            action: if en { f.action_en } else { f.action_vi },
        })
        .collect();
    let total = chosen.len();
    let shown_end = (start + rows.len()).min(total);
    let page_view = FlagsPage {
        en,
        menu: s.menu(),
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        as_of: present::date(today),
        listed_at: present::date_time(crate::domain::vn_time::local(listed_at)),
        kinds,
        kind: kind.map(|k| k.as_str().to_owned()).unwrap_or_default(),
        unit: unit_text,
        age: age_text,
        shown: if rows.is_empty() {
            "0".into()
        } else {
            format!(
                "{}–{}",
                present::count(i64::try_from(start + 1).unwrap_or(i64::MAX), en),
                present::count(i64::try_from(shown_end).unwrap_or(i64::MAX), en)
            )
        },
        total: present::count(i64::try_from(total).unwrap_or(i64::MAX), en),
        rows,
        next_page: (shown_end < total).then_some(page + 1),
        prev_page: page.checked_sub(1),
    };
    render(&page_view, StatusCode::OK)
}
