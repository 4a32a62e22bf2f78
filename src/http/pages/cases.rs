//! The case list with its filters, and bulk approval from it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::cases::CaseFilter;
use crate::domain::access::Permission;
use crate::domain::case_state::{CaseAction, CaseState};
use crate::domain::ids::CaseId;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::http::AppState;

use super::{Session, is_en, redirect, render};

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
    id: CaseId,
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
    total: String,
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
    req: HttpRequest,
    query: web::Query<CaseListQuery>,
) -> Result<HttpResponse, AppError> {
    let q = query.into_inner();
    let en = is_en(&req, q.lang.as_deref());
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
        total: crate::present::count(total, en),
        rows: rows
            .iter()
            .map(|r| CaseLine {
                id: r.id,
                submitted: r.state == CaseState::Submitted,
                name: r.full_name.clone(),
                unit: r.unit_code.clone(),
                state: r.state.label(en),
                entitled: crate::present::money(r.entitled_vnd, en),
                paid: crate::present::money(r.paid_vnd, en),
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
    let ids: Vec<CaseId> = pairs
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
