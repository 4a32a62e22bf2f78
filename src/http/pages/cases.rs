//! The case list with its filters, and bulk approval from it.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::db::cases::CaseFilter;
use crate::domain::access::Permission;
use crate::domain::case_state::{ActionKind, CaseAction, CaseState};
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
    /// A bulk action just done (`approve`, `fund`) and on how many cases.
    pub done: Option<String>,
    pub n: Option<usize>,
}

struct CaseLine {
    id: CaseId,
    /// The caller may tick it for a bulk action (approve a submitted case, fund an approved
    /// one).
    tickable: bool,
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
    can_fund: bool,
    notice: Option<String>,
    menu: crate::http::pages::Menu,
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
    let can_review = s.caller.role.can(Permission::ReviewCases);
    let can_fund = s.caller.role.can(Permission::FundCases);
    let page_view = CasesPage {
        en,
        can_review,
        can_fund,
        notice: match (q.done.as_deref(), en) {
            (Some("approve"), false) => Some(format!("Đã duyệt {} hồ sơ.", q.n.unwrap_or(0))),
            (Some("approve"), true) => Some(format!("{} cases approved.", q.n.unwrap_or(0))),
            (Some("fund"), false) => {
                Some(format!("Đã cấp kinh phí cho {} hồ sơ.", q.n.unwrap_or(0)))
            }
            (Some("fund"), true) => Some(format!("{} cases funded.", q.n.unwrap_or(0))),
            _ => None,
        },
        menu: s.menu(),
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        total: crate::present::count(total, en),
        rows: rows
            .iter()
            .map(|r| CaseLine {
                id: r.id,
                tickable: (can_review && r.state == CaseState::Submitted)
                    || (can_fund && r.state == CaseState::Approved),
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

/// `POST /ho-so/duyet-nhieu`: the cases ticked in the list approved, all or nothing (the
/// API's bulk approval); refusals are listed on the page.
pub async fn bulk_approve(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    bulk(state, s, req, body, ActionKind::Approve).await
}

/// `POST /ho-so/cap-kinh-phi-nhieu`: the approved cases ticked in the list funded from the
/// funding source typed, all or nothing.
pub async fn bulk_fund(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    bulk(state, s, req, body, ActionKind::Fund).await
}

async fn bulk(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    body: web::Bytes,
    kind: ActionKind,
) -> Result<HttpResponse, AppError> {
    let form = super::RepeatedForm::parse(&body)?;
    let field = |name: &str| form.field(name);
    s.check(field("csrf"))?;
    s.caller.require(kind.permission())?;
    let ids: Vec<CaseId> = form.all("id").filter_map(|v| v.parse().ok()).collect();
    let (from, to, what_vi, what_en) = match kind {
        ActionKind::Fund => ("approved", "payable", "cấp kinh phí", "funded"),
        _ => ("submitted", "approved", "duyệt", "approved"),
    };
    if ids.is_empty() {
        return Ok(redirect(&format!("/ho-so?state={from}")));
    }
    let action = match kind {
        ActionKind::Fund => {
            let source = field("funding_source").trim().to_owned();
            if source.is_empty() {
                return Err(AppError::bad_request(
                    "funding_source_missing",
                    "Hãy ghi nguồn kinh phí (ví dụ: Dự toán 2025) trước khi cấp kinh phí.",
                    "Type the funding source (e.g. the 2025 estimate) before funding.",
                ));
            }
            CaseAction::Fund {
                funding_source: source,
            }
        }
        _ => CaseAction::Approve,
    };
    let actor = s.actor(&req);
    let count = ids.len();
    let outcome = state
        .db
        .run(move |conn| crate::services::case_review::act_bulk(conn, &actor, &ids, &action))
        .await?;
    if outcome.applied {
        Ok(redirect(&format!(
            "/ho-so?state={to}&done={kind}&n={count}",
            kind = kind.as_str()
        )))
    } else {
        Err(super::bulk_refused(
            outcome.refused,
            what_vi,
            what_en,
            serde_json::to_value(&outcome.results).unwrap_or_default(),
        ))
    }
}
