//! `GET /thay-doi`: the proposed entitlements a recomputation left (after new policy tables:
//! `staffpay recompute`) — who gains or loses and by how much — and `POST
//! /thay-doi/chap-nhan`: a reviewer accepts the ticked ones with a reason and a legal basis,
//! all or nothing (as `POST /api/v1/cases/bulk/accept-change`).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::access::Permission;
use crate::domain::case_state::CaseState;
use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::http::AppState;
use crate::present;
use crate::services::accept_change::{self, Acceptance};

use super::{Session, is_en, redirect, render};

#[derive(Debug, Deserialize)]
pub struct ChangesQuery {
    pub lang: Option<String>,
    pub ok: Option<usize>,
}

struct ChangeLine {
    case_id: i64,
    version: i32,
    unit: String,
    state: String,
    entitled: String,
    proposed: String,
    delta: String,
    gains: bool,
    paid: String,
    since: String,
}

#[derive(Template)]
#[template(path = "staff/changes.html")]
struct ChangesPage {
    menu: super::Menu,
    en: bool,
    user: String,
    csrf: String,
    rows: Vec<ChangeLine>,
    gainers: String,
    losers: String,
    can_accept: bool,
    notice: Option<String>,
}

/// `GET /thay-doi`.
pub async fn changes(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    query: web::Query<ChangesQuery>,
) -> Result<HttpResponse, AppError> {
    let en = is_en(&req, query.lang.as_deref());
    let actor = s.actor(&req);
    let rows = state
        .db
        .run(move |conn| accept_change::pending(conn, &actor))
        .await?;
    let gainers = rows.iter().filter(|r| r.delta_vnd > 0).count();
    let losers = rows.iter().filter(|r| r.delta_vnd < 0).count();
    let page = ChangesPage {
        menu: s.menu(),
        en,
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        rows: rows
            .iter()
            .map(|r| ChangeLine {
                case_id: r.case_id.0,
                version: r.version,
                unit: r.unit_code.clone(),
                state: CaseState::parse(&r.state)
                    .map_or_else(|_| r.state.clone(), |st| st.label(en).to_owned()),
                entitled: present::money(r.entitled_vnd, en),
                proposed: present::money(r.proposed_vnd, en),
                delta: if r.delta_vnd > 0 {
                    format!("+{}", present::money(r.delta_vnd, en))
                } else {
                    present::money(r.delta_vnd, en)
                },
                gains: r.delta_vnd > 0,
                paid: present::money(r.paid_vnd, en),
                since: r.since.map(present::date).unwrap_or_default(),
            })
            .collect(),
        gainers: present::count(i64::try_from(gainers).unwrap_or(0), en),
        losers: present::count(i64::try_from(losers).unwrap_or(0), en),
        can_accept: s.caller.role.can(Permission::ReviewCases),
        notice: query.ok.map(|n| {
            if en {
                format!("New figures accepted for {n} cases.")
            } else {
                format!("Đã chấp nhận số tính lại cho {n} hồ sơ.")
            }
        }),
    };
    render(&page, StatusCode::OK)
}

/// `POST /thay-doi/chap-nhan`: `csrf`, `case` = `ID:VERSION` (one per ticked case),
/// `reason`, `legal_basis`.
pub async fn accept(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    body: web::Bytes,
) -> Result<HttpResponse, AppError> {
    let form = super::RepeatedForm::parse(&body)?;
    s.check(form.field("csrf"))?;
    let selection: Vec<(CaseId, Option<i32>)> = form
        .all("case")
        .filter_map(|v| {
            let (id, version) = v.split_once(':')?;
            Some((CaseId(id.parse().ok()?), Some(version.parse().ok()?)))
        })
        .collect();
    if selection.is_empty() {
        return Err(AppError::bad_request(
            "nothing_selected",
            "Chưa chọn hồ sơ nào: đánh dấu các hồ sơ cần chấp nhận số mới.",
            "No case selected: tick the cases whose new figures you accept.",
        ));
    }
    let acceptance = Acceptance {
        reason: form.field("reason").to_owned(),
        legal_basis: form.field("legal_basis").to_owned(),
    };
    let actor = s.actor(&req);
    let policy = state.policy.clone();
    let outcome = state
        .db
        .run(move |conn| {
            accept_change::accept(
                conn,
                &policy,
                &actor,
                &selection,
                &acceptance,
                crate::db::today_vn(),
            )
        })
        .await?;
    if outcome.applied {
        Ok(redirect(&format!("/thay-doi?ok={}", outcome.count)))
    } else {
        Err(super::bulk_refused(
            outcome.refused,
            "chấp nhận",
            "accepted",
            serde_json::to_value(&outcome.results).unwrap_or_default(),
        ))
    }
}
