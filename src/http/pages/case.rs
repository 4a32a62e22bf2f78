//! One case: its entitlement, history and payments, and the forms to approve, return, fund,
//! pay and answer.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use crate::domain::access::Permission;
use crate::domain::case_state::{ActionKind, CaseAction};
use crate::domain::ids::CaseId;
use crate::error::AppError;
use crate::http::AppState;
use crate::present;

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
    /// What is owed as the amount field shows it (1.000.000: the form reads dots).
    outstanding_typed: String,
    /// Original and supplementary, when a change was accepted.
    supplement: Option<(String, String)>,
    /// The Decree 67 top-up part of the pinned result: (original Decree 178 total, top-up).
    decree_67: Option<(String, String)>,
}

/// A payment or reversal on the case page.
struct PaymentLine {
    id: i64,
    date: String,
    kind: &'static str,
    method: String,
    method_code: String,
    reference: String,
    amount: String,
    amount_raw: i64,
    /// A payment not reversed yet.
    reversible: bool,
}

#[derive(Template)]
#[template(path = "staff/case.html")]
struct CasePage<'a> {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    c: CaseHead,
    error: Option<&'a str>,
    notice: Option<&'a str>,
    lines: Vec<(String, String, String, String)>,
    payments: Vec<PaymentLine>,
    can_reverse: bool,
    /// When, who, the action in words, the state it led to (when it changed), the reason.
    history: Vec<(String, String, String, Option<String>, String)>,
    can_review: bool,
    can_fund: bool,
    can_pay: bool,
    can_answer: bool,
    inputs: Vec<super::case_inputs::Line>,
    salary: Vec<super::case_inputs::Line>,
    warnings: Vec<String>,
    bank: Option<String>,
    /// Open flags: what, what to do, since.
    flags: Vec<(&'static str, &'static str, String)>,
    can_issue_code: bool,
    can_cancel: bool,
    has_code: bool,
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
    let (view, messages, input) = state
        .db
        .run(move |conn| {
            let view = crate::http::cases_api::case_view(conn, &policy, &scope, id)?;
            let input = crate::db::documents::input_json(conn, id)
                .ok()
                .and_then(|raw| {
                    crate::db::pinned::unpack(&raw)
                        .ok()
                        .and_then(|json| serde_json::from_str::<serde_json::Value>(&json).ok())
                })
                .unwrap_or_default();
            Ok((view, crate::db::messages::for_case(conn, id)?, input))
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
                present::legal_basis(&p.legal_basis, en).into_owned(),
                present::numbers_in(&p.formula, en),
                present::money(p.amount_vnd, en),
            )
        })
        .collect();
    let page = CasePage {
        en,
        menu: s.menu(),
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
            entitled: present::money(view.entitled_vnd, en),
            paid: present::money(view.paid_vnd, en),
            outstanding: present::money(view.outstanding_vnd, en),
            outstanding_typed: crate::present::count(view.outstanding_vnd, false),
            supplement: (view.supplementary_vnd != 0).then(|| {
                (
                    present::money(view.original_vnd, en),
                    present::money(view.supplementary_vnd, en),
                )
            }),
            decree_67: view.decree_67_top_up().map(|t| {
                (
                    present::money(t.original_total_vnd, en),
                    present::money(t.top_up_vnd, en),
                )
            }),
        },
        error,
        notice,
        lines,
        payments: view
            .payments
            .iter()
            .map(|p| PaymentLine {
                id: p.id.0,
                date: present::date(p.paid_on),
                kind: match (p.amount_vnd < 0, en) {
                    (false, false) => "Chi",
                    (false, true) => "Payment",
                    (true, false) => "Ghi giảm",
                    (true, true) => "Reversal",
                },
                method: present::method(&p.method, en).to_owned(),
                method_code: p.method.clone(),
                reference: p.reference.clone(),
                amount: present::money(p.amount_vnd, en),
                amount_raw: p.amount_vnd,
                reversible: p.amount_vnd > 0
                    && !view.payments.iter().any(|r| r.reverses_id == Some(p.id)),
            })
            .collect(),
        can_reverse: actions.contains(&ActionKind::ReversePayment),
        history: {
            let mut payments = 0;
            view.history
                .iter()
                .map(|h| {
                    if h.action == "record_payment" {
                        payments += 1;
                    }
                    let action = present::case_event(&h.action, en, payments)
                        .unwrap_or_else(|| h.to_state.label(en).to_string());
                    let moved = h.from_state.is_some_and(|from| from != h.to_state);
                    (
                        present::date_time(crate::domain::vn_time::local(h.at)),
                        h.actor.clone(),
                        action,
                        moved.then(|| h.to_state.label(en).to_string()),
                        h.reason.clone().unwrap_or_default(),
                    )
                })
                .collect()
        },
        can_review: actions.contains(&ActionKind::Approve),
        can_fund: actions.contains(&ActionKind::Fund),
        can_pay: actions.contains(&ActionKind::RecordPayment),
        can_answer: role.can(Permission::ReviewCases),
        inputs: super::case_inputs::inputs(&input, &view.entitlement, en),
        salary: super::case_inputs::salary(&input, &view.entitlement, en),
        warnings: super::case_inputs::warnings(&view.entitlement, en),
        bank: match (&view.bank_account, &view.bank_name) {
            (Some(account), bank) if !account.trim().is_empty() => Some(match bank {
                Some(bank) => format!("{account} – {bank}"),
                None => account.clone(),
            }),
            _ => None,
        },
        flags: view
            .flags
            .iter()
            .map(|f| {
                (
                    if en { f.label_en } else { f.label_vi },
                    if en { f.action_en } else { f.action_vi },
                    present::date(f.since),
                )
            })
            .collect(),
        can_issue_code: role.can(Permission::IssueLookupCodes),
        can_cancel: actions.contains(&ActionKind::Cancel),
        has_code: view
            .history
            .iter()
            .any(|h| h.action == "lookup_code_issued"),
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
    req: HttpRequest,
    id: web::Path<CaseId>,
    query: web::Query<PageQuery>,
) -> Result<HttpResponse, AppError> {
    let en = is_en(&req, query.lang.as_deref());
    let notice = query
        .ok
        .as_deref()
        .map(|done| done_notice(done, query.amount, en));
    case_page(&state, &s, id.into_inner(), en, None, notice.as_deref()).await
}

/// What an action changed, said on the page it returns to (`?ok=approve`, …).
fn done_notice(action: &str, amount: Option<i64>, en: bool) -> String {
    let money = amount.map(|a| present::money(a, en)).unwrap_or_default();
    match (action, en) {
        ("approve", false) => "Đã duyệt hồ sơ; hồ sơ chờ cấp kinh phí.".into(),
        ("approve", true) => "The case is approved; it now waits for funding.".into(),
        ("return", false) => "Đã trả lại hồ sơ cho đơn vị để bổ sung.".into(),
        ("return", true) => "The case was returned to its unit for corrections.".into(),
        ("fund", false) => "Đã cấp kinh phí; hồ sơ đủ điều kiện chi.".into(),
        ("fund", true) => "Funded; the case can now be paid.".into(),
        ("record_payment", false) => format!("Đã ghi nhận khoản chi {money}."),
        ("record_payment", true) => format!("Payment of {money} recorded."),
        ("reverse_payment", false) => format!("Đã ghi giảm khoản chi {money}."),
        ("reverse_payment", true) => format!("Reversal of {money} recorded."),
        ("cancel", false) => "Đã hủy hồ sơ; không còn khoản nào phải chi.".into(),
        ("cancel", true) => "The case is cancelled; nothing more is owed.".into(),
        ("unlock", false) => "Đã mở khóa tra cứu cho người hưởng.".into(),
        ("unlock", true) => "The person's lookup lock is lifted.".into(),
        ("answer", false) => "Đã gửi trả lời; người hưởng thấy trả lời khi tra cứu.".into(),
        ("answer", true) => "Answer sent; the person sees it on the status page.".into(),
        (_, false) => "Đã thực hiện.".into(),
        (_, true) => "Done.".into(),
    }
}

/// The review / funding form.
#[derive(Debug, Deserialize)]
pub struct ActionForm {
    pub csrf: String,
    pub action: String,
    pub version: i32,
    pub reason: Option<String>,
    pub funding_source: Option<String>,
    /// `1` once the person confirmed (large approvals).
    pub confirm: Option<String>,
    /// The box confirming a cancellation.
    pub understood: Option<String>,
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
        "cancel" => {
            if form.understood.is_none() {
                return Err(AppError::bad_request(
                    "not_confirmed",
                    "Hãy đánh dấu ô xác nhận hủy hồ sơ.",
                    "Tick the box confirming the cancellation.",
                ));
            }
            CaseAction::Cancel {
                reason: form.reason.clone().unwrap_or_default(),
            }
        }
        _ => {
            return Err(AppError::bad_request(
                "action_invalid",
                "Thao tác không hợp lệ.",
                "Unknown action.",
            ));
        }
    };
    s.caller.require(action.kind().permission())?;
    let en = is_en(&req, None);
    if matches!(action, CaseAction::Approve) && form.confirm.as_deref() != Some("1") {
        let (name, entitled) = match case_summary(&state, &s, id, form.version, en).await? {
            Ok(found) => found,
            Err(refused) => return Ok(refused),
        };
        if entitled > state.settings.confirm_above_vnd {
            let page = ConfirmPage {
                en,
                menu: s.menu(),
                user: s.caller.username.clone(),
                csrf: s.csrf.clone(),
                case_id: id,
                name,
                title: if en {
                    "Confirm the approval"
                } else {
                    "Xác nhận duyệt hồ sơ"
                },
                lines: vec![],
                amount: present::money(entitled, en),
                words: crate::domain::money::in_words_vi(entitled),
                action: format!("/ho-so/{id}/thao-tac"),
                fields: vec![
                    ("action".into(), "approve".into()),
                    ("version".into(), form.version.to_string()),
                ],
                button: if en { "Approve" } else { "Duyệt" },
            };
            return render(&page, StatusCode::OK);
        }
    }
    let actor = s.actor(&req);
    let version = form.version;
    let kind = action.kind().as_str();
    let done = state
        .db
        .run(move |conn| crate::services::case_review::act(conn, &actor, id, Some(version), action))
        .await;
    match done {
        Ok(_) => Ok(redirect(&format!("/ho-so/{id}?ok={kind}"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, en, Some(&refusal(&e, en)), None).await,
    }
}

/// The person's name and the entitlement of a case the caller may see, for a confirmation
/// step — or, when the page the form came from is stale, the case page with the refusal
/// (409, as the action itself would answer): confirming a change to a case someone else has
/// changed meanwhile helps nobody. Another unit's case is not found.
async fn case_summary(
    state: &web::Data<AppState>,
    s: &Session,
    id: CaseId,
    version: i32,
    en: bool,
) -> Result<Result<(String, i64), HttpResponse>, AppError> {
    match current(state, s, id, version).await {
        Ok(found) => Ok(Ok(found)),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => Ok(Err(case_page(
            state,
            s,
            id,
            en,
            Some(&refusal(&e, en)),
            None,
        )
        .await?)),
    }
}

/// The name and entitlement of a case at `version` (409 when it moved on).
async fn current(
    state: &web::Data<AppState>,
    s: &Session,
    id: CaseId,
    version: i32,
) -> Result<(String, i64), AppError> {
    let policy = state.policy.clone();
    let scope = s.caller.scope.clone();
    let view = state
        .db
        .run(move |conn| crate::http::cases_api::case_view(conn, &policy, &scope, id))
        .await?;
    if view.version != version {
        return Err(AppError::conflict(
            "version_mismatch",
            format!(
                "Hồ sơ đã thay đổi từ khi trang này được mở (phiên bản {version}, nay là {}): xem trạng thái mới nhất rồi làm lại.",
                view.version
            ),
            format!(
                "The case changed since this page was opened (version {version}, now {}): look at its latest state and try again.",
                view.version
            ),
        ));
    }
    Ok((view.full_name.clone(), view.entitled_vnd))
}

/// A confirmation step: what will happen, the amount in figures and in words, the form's
/// fields carried in hidden inputs with `confirm=1`.
#[derive(Template)]
#[template(path = "staff/confirm.html")]
struct ConfirmPage {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    case_id: CaseId,
    name: String,
    title: &'static str,
    lines: Vec<(&'static str, String)>,
    amount: String,
    words: String,
    action: String,
    fields: Vec<(String, String)>,
    button: &'static str,
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
    /// The transfer's reference (the case's payment reference when empty).
    pub reference: Option<String>,
    /// The paying unit's code (the case's unit when empty).
    pub payer_unit: Option<String>,
    /// For a reversal: the payment it takes back.
    pub reverses: Option<i64>,
    /// `1` once the person confirmed on the confirmation step.
    pub confirm: Option<String>,
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
    let en = is_en(&req, None);
    let text = |t: &Option<String>| {
        t.as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
    };
    let request = (|| {
        Ok::<_, AppError>(crate::services::payments::PaymentRequest {
            amount: crate::http::payments_api::amount_from_form(&form.amount)?,
            paid_on: form.paid_on,
            method: crate::http::payments_api::parse_method_typed(form.method.as_deref())?,
            payer_unit: text(&form.payer_unit),
            reference: text(&form.reference),
            reverses: form.reverses.map(crate::domain::ids::PaymentId),
            version: Some(form.version),
        })
    })();
    let request = match request {
        Ok(request) if form.confirm.as_deref() != Some("1") => {
            // The confirmation step: the amount in figures and in words before anything
            // is recorded.
            let name = match case_summary(&state, &s, id, form.version, en).await? {
                Ok((name, _)) => name,
                Err(refused) => return Ok(refused),
            };
            let dong = request.amount.dong();
            let reversal = request.reverses.is_some();
            let mut lines = vec![
                (
                    if en { "Paid on" } else { "Ngày chi" },
                    present::date(request.paid_on),
                ),
                (
                    if en { "Method" } else { "Hình thức" },
                    present::method(request.method.as_str(), en).to_owned(),
                ),
            ];
            if let Some(reference) = &request.reference {
                lines.push((
                    if en { "Reference" } else { "Số tham chiếu" },
                    reference.clone(),
                ));
            }
            if let Some(unit) = &request.payer_unit {
                lines.push((
                    if en {
                        "Paying unit"
                    } else {
                        "Đơn vị chi trả"
                    },
                    unit.clone(),
                ));
            }
            let mut fields = vec![
                ("version".to_owned(), form.version.to_string()),
                ("amount".to_owned(), dong.to_string()),
                ("paid_on".to_owned(), request.paid_on.to_string()),
                ("method".to_owned(), request.method.as_str().to_owned()),
            ];
            for (key, value) in [
                ("reference", &request.reference),
                ("payer_unit", &request.payer_unit),
            ] {
                if let Some(value) = value {
                    fields.push((key.to_owned(), value.clone()));
                }
            }
            if let Some(reverses) = form.reverses {
                fields.push(("reverses".to_owned(), reverses.to_string()));
            }
            let page = ConfirmPage {
                en,
                menu: s.menu(),
                user: s.caller.username.clone(),
                csrf: s.csrf.clone(),
                case_id: id,
                name,
                title: match (reversal, en) {
                    (false, false) => "Xác nhận chi trả",
                    (false, true) => "Confirm the payment",
                    (true, false) => "Xác nhận ghi giảm khoản đã chi",
                    (true, true) => "Confirm the reversal",
                },
                lines,
                amount: present::money(dong, en),
                words: crate::domain::money::in_words_vi(dong),
                action: format!("/ho-so/{id}/chi"),
                fields,
                button: match (reversal, en) {
                    (false, false) => "Xác nhận chi",
                    (false, true) => "Record the payment",
                    (true, false) => "Xác nhận ghi giảm",
                    (true, true) => "Record the reversal",
                },
            };
            return render(&page, StatusCode::OK);
        }
        other => other,
    };
    let amount = request
        .as_ref()
        .map(|r| r.amount.dong())
        .unwrap_or_default();
    let kind = if form.reverses.is_some() {
        "reverse_payment"
    } else {
        "record_payment"
    };
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
        Ok(_) => Ok(redirect(&format!("/ho-so/{id}?ok={kind}&amount={amount}"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, en, Some(&refusal(&e, en)), None).await,
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
    let en = is_en(&req, None);
    match done {
        Ok(()) => Ok(redirect(&format!("/ho-so/{id}?ok=answer"))),
        Err(AppError::NotFound) => Err(AppError::NotFound),
        Err(e) => case_page(&state, &s, id, en, Some(&refusal(&e, en)), None).await,
    }
}
