//! One case: its entitlement, history and payments, and the forms to approve, return, fund,
//! pay and answer.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::access::Permission;
use crate::domain::case_state::{ActionKind, CaseAction};
use crate::domain::ids::CaseId;
use crate::domain::money::Vnd;
use crate::error::AppError;
use crate::http::AppState;

use super::{PageQuery, Session, is_en, redirect, render};

struct CaseHead {
    id: CaseId,
    name: String,
    national_id: String,
    unit: String,
    reference: String,
    state: &'static str,
    version: i32,
    entitled: String,
    paid: String,
    outstanding: String,
    outstanding_raw: i64,
    /// Original and supplementary, when a change was accepted.
    supplement: Option<(String, String)>,
    /// The Decree 67 top-up part of the pinned result: (original Decree 178 total, top-up).
    decree_67: Option<(String, String)>,
}

#[derive(Template)]
#[template(path = "staff/case.html")]
struct CasePage<'a> {
    en: bool,
    user: String,
    csrf: String,
    c: CaseHead,
    error: Option<&'a str>,
    notice: Option<&'a str>,
    lines: Vec<(String, String, String, String)>,
    payments: Vec<(String, String, String)>,
    history: Vec<(String, String, String, String)>,
    can_review: bool,
    can_fund: bool,
    can_pay: bool,
    can_answer: bool,
    messages: Vec<crate::db::messages::MessageRow>,
    today: String,
}

async fn case_page(
    state: &web::Data<AppState>,
    s: &Session,
    id: CaseId,
    en: bool,
    error: Option<&str>,
    notice: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let policy = state.policy.clone();
    let scope = s.caller.scope.clone();
    let (view, messages) = state
        .db
        .run(move |conn| {
            let view = crate::http::cases_api::case_view(conn, &policy, &scope, id)?;
            Ok((view, crate::db::messages::for_case(conn, id)?))
        })
        .await?;
    let case_state = view.state;
    let role = s.caller.role;
    let actions = view.actions(s.caller.role);
    let lines = view
        .lines()
        .into_iter()
        .map(|p| {
            (
                if en { p.label_en } else { p.label_vi },
                p.legal_basis,
                p.formula,
                Vnd::new(p.amount_vnd).to_string(),
            )
        })
        .collect();
    let page = CasePage {
        en,
        user: s.caller.username.clone(),
        csrf: s.csrf.clone(),
        c: CaseHead {
            id: view.id,
            name: view.full_name.clone(),
            national_id: view.national_id.clone(),
            unit: format!("{} – {}", view.unit_code, view.unit_name),
            reference: view.payment_reference.clone(),
            state: if en {
                case_state.label_en()
            } else {
                case_state.label_vi()
            },
            version: view.version,
            entitled: Vnd::new(view.entitled_vnd).to_string(),
            paid: Vnd::new(view.paid_vnd).to_string(),
            outstanding: Vnd::new(view.outstanding_vnd).to_string(),
            outstanding_raw: view.outstanding_vnd,
            supplement: (view.supplementary_vnd != 0).then(|| {
                (
                    Vnd::new(view.original_vnd).to_string(),
                    Vnd::new(view.supplementary_vnd).to_string(),
                )
            }),
            decree_67: view.decree_67_top_up().map(|t| {
                (
                    Vnd::new(t.original_total_vnd).to_string(),
                    Vnd::new(t.top_up_vnd).to_string(),
                )
            }),
        },
        error,
        notice,
        lines,
        payments: view
            .payments
            .iter()
            .map(|p| {
                (
                    p.paid_on.format("%d/%m/%Y").to_string(),
                    p.method.clone(),
                    Vnd::new(p.amount_vnd).to_string(),
                )
            })
            .collect(),
        history: view
            .history
            .iter()
            .map(|h| {
                (
                    crate::domain::vn_time::local(h.at)
                        .format("%d/%m/%Y %H:%M")
                        .to_string(),
                    h.actor.clone(),
                    h.to_state.label(en).to_string(),
                    h.reason.clone().unwrap_or_default(),
                )
            })
            .collect(),
        can_review: actions.contains(&ActionKind::Approve),
        can_fund: actions.contains(&ActionKind::Fund),
        can_pay: actions.contains(&ActionKind::RecordPayment),
        can_answer: role.can(Permission::ReviewCases),
        messages,
        today: crate::db::today_vn().to_string(),
    };
    let status = if error.is_some() {
        StatusCode::CONFLICT
    } else {
        StatusCode::OK
    };
    render(&page, status)
}

/// `GET /ho-so/{id}`: a case (another unit's case is not found).
pub async fn case(
    state: web::Data<AppState>,
    s: Session,
    id: web::Path<CaseId>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let en = is_en(query.lang.as_deref());
    let notice = query
        .ok
        .as_ref()
        .map(|_| if en { "Done." } else { "Đã thực hiện." });
    case_page(&state, &s, id.into_inner(), en, None, notice).await
}

/// The review / funding form.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub csrf: String,
    pub action: String,
    pub version: i32,
    pub reason: Option<String>,
    pub funding_source: Option<String>,
}

/// The message of a refusal, in the page's language.
fn refusal(e: &AppError, en: bool) -> String {
    let body = e.body();
    if en { body.message_en } else { body.message_vi }
}

/// `POST /ho-so/{id}/thao-tac`: approve, return or fund (the same rules as the API).
pub async fn act(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    id: web::Path<CaseId>,
    form: web::Form<ActionForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let id = id.into_inner();
    let action = match form.action.as_str() {
        "approve" => CaseAction::Approve,
        "return" => CaseAction::Return {
            reason: form.reason.clone().unwrap_or_default(),
        },
        "fund" => CaseAction::Fund {
            funding_source: form.funding_source.clone().unwrap_or_default(),
        },
        _ => {
            return Err(AppError::bad_request(
                "action_invalid",
                "Thao tác không hợp lệ.",
                "Unknown action.",
            ));
        }
    };
    s.caller.require(action.kind().permission())?;
    let actor = s.actor(&req);
    let version = form.version;
    let done = state
        .db
        .run(move |conn| crate::services::case_review::act(conn, &actor, id, Some(version), action))
        .await;
    match done {
        Ok(_) => Ok(redirect(&format!("/ho-so/{id}?ok=1"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, false, Some(&refusal(&e, false)), None).await,
    }
}

/// The payment form.
#[derive(Debug, Deserialize)]
pub struct PayForm {
    pub csrf: String,
    /// The case version the page was built from.
    pub version: i32,
    pub amount: String,
    pub paid_on: chrono::NaiveDate,
    pub method: Option<String>,
}

/// `POST /ho-so/{id}/chi`: records a payment (the API's rules: amounts, dates, duties).
pub async fn pay(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    id: web::Path<CaseId>,
    form: web::Form<PayForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let id = id.into_inner();
    let request = (|| {
        Ok::<_, AppError>(crate::services::payments::PaymentRequest {
            amount: crate::http::payments_api::amount_from_form(&form.amount)?,
            paid_on: form.paid_on,
            method: crate::http::payments_api::parse_method_typed(form.method.as_deref())?,
            payer_unit: None,
            reference: None,
            reverses: None,
            version: Some(form.version),
        })
    })();
    let actor = s.actor(&req);
    let done = match request {
        Ok(request) => {
            state
                .db
                .run(move |conn| {
                    crate::services::payments::record(
                        conn,
                        &actor,
                        id,
                        &request,
                        crate::db::today_vn(),
                    )
                })
                .await
        }
        Err(e) => Err(e),
    };
    match done {
        Ok(_) => Ok(redirect(&format!("/ho-so/{id}?ok=1"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, false, Some(&refusal(&e, false)), None).await,
    }
}

/// The answer form.
#[derive(Debug, Deserialize)]
pub struct AnswerForm {
    pub csrf: String,
    pub message: i64,
    pub answer: String,
}

/// `POST /ho-so/{id}/tra-loi`: a reviewer answers a question or dispute.
pub async fn answer(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    id: web::Path<CaseId>,
    form: web::Form<AnswerForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let id = id.into_inner();
    let actor = s.actor(&req);
    let done = state
        .db
        .run(move |conn| {
            crate::services::self_service::answer(conn, &actor, id, form.message, &form.answer)
        })
        .await;
    match done {
        Ok(()) => Ok(redirect(&format!("/ho-so/{id}?ok=1"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, false, Some(&refusal(&e, false)), None).await,
    }
}
