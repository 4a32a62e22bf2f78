//! More staff pages: units with their Treasury accounts, uploads (roster, payment list,
//! statement) with their result, the report forms and the audit trail. Same session, CSRF
//! and access rules as [`super::pages`].

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::pages::{Session, is_en, render};
use crate::domain::access::Permission;
use crate::error::AppError;
use crate::services::progress::{GroupBy, progress};

/// `?lang=en`.
#[derive(Debug, Deserialize)]
pub struct Lang {
    pub lang: Option<String>,
}

struct UnitLine {
    code: String,
    name: String,
    account: Option<String>,
    missing: bool,
    people: String,
    paid: String,
    outstanding: String,
}

#[derive(Template)]
#[template(path = "staff/units.html")]
struct UnitsPage {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    rows: Vec<UnitLine>,
    notice: Option<String>,
    /// The unit the forms start with (a row's "enter the account" link).
    unit: String,
    can_set_account: bool,
    can_issue_codes: bool,
    can_merge: bool,
    today: String,
}

/// `GET /don-vi` query: the language, a unit to fill the forms with, what was just done.
#[derive(Debug, Deserialize)]
pub struct UnitsQuery {
    pub lang: Option<String>,
    pub unit: Option<String>,
    pub ok: Option<String>,
    pub cases: Option<u64>,
    pub into: Option<String>,
}

/// What a units-page form changed.
fn units_notice(q: &UnitsQuery, en: bool) -> Option<String> {
    let unit = q.unit.clone().unwrap_or_default();
    Some(match (q.ok.as_deref()?, en) {
        ("account", false) => format!("Đã lưu tài khoản Kho bạc của đơn vị {unit}."),
        ("account", true) => format!("The Treasury account of unit {unit} is saved."),
        ("merge", false) => format!(
            "Đã hợp nhất đơn vị {unit} vào {}: {} hồ sơ đã chuyển.",
            q.into.clone().unwrap_or_default(),
            q.cases.unwrap_or(0)
        ),
        ("merge", true) => format!(
            "Unit {unit} merged into {}: {} cases moved.",
            q.into.clone().unwrap_or_default(),
            q.cases.unwrap_or(0)
        ),
        (_, false) => "Đã thực hiện.".into(),
        (_, true) => "Done.".into(),
    })
}

/// `GET /don-vi`: the caller's units with cases, their Treasury account (missing ones first
/// when money still has to flow) and progress.
pub async fn units(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    q: web::Query<UnitsQuery>,
) -> Result<HttpResponse, AppError> {
    let policy = state.policy.clone();
    let scope = s.caller.scope.clone();
    let (report, units) = state
        .db
        .run(move |conn| {
            let report = progress(conn, &policy, &scope, GroupBy::Unit, crate::db::today_vn())?;
            let units = crate::db::units::list(
                conn,
                &scope,
                &crate::db::units::UnitFilter::default(),
                i64::MAX,
                0,
            )?
            .0;
            Ok((report, units))
        })
        .await?;
    let en = is_en(&req, q.lang.as_deref());
    let accounts: std::collections::HashMap<&str, Option<String>> = units
        .iter()
        .map(|u| (u.code.as_str(), u.treasury_account_no.clone()))
        .collect();
    let mut rows: Vec<UnitLine> = report
        .groups
        .iter()
        .map(|g| {
            let account = accounts.get(g.code.as_str()).cloned().flatten();
            UnitLine {
                missing: g.figures.units_lacking_account > 0,
                code: g.code.clone(),
                name: g.name.clone(),
                account,
                people: crate::present::count(g.figures.people, en),
                paid: crate::present::count(g.figures.paid, en),
                outstanding: crate::present::money(g.figures.outstanding_vnd, en),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.missing.cmp(&a.missing).then(a.code.cmp(&b.code)));
    render(
        &UnitsPage {
            en,
            menu: s.menu(),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            rows,
            notice: units_notice(&q, en),
            unit: q.unit.clone().unwrap_or_default(),
            can_set_account: s.caller.role.can(Permission::SetTreasuryAccount),
            can_issue_codes: s.caller.role.can(Permission::IssueLookupCodes),
            can_merge: s.caller.role.can(Permission::MergeUnits),
            today: crate::db::today_vn().to_string(),
        },
        StatusCode::OK,
    )
}

/// A payment batch as the reports page lists it.
struct BatchLine {
    id: i64,
    unit: String,
    number: i32,
    date: String,
    order_ref: String,
    lines: i64,
    total: String,
    by: String,
}

#[derive(Template)]
#[template(path = "staff/reports.html")]
struct ReportsPage {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    today: String,
    /// The caller may put cases into a payment batch.
    can_batch: bool,
    batches: Vec<BatchLine>,
    message: Option<String>,
    error: Option<String>,
}

/// `GET /bao-cao`: the report forms (they download from the API with the session) and the
/// latest payment batches with their Mẫu số 09 forms.
pub async fn reports(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    q: web::Query<Lang>,
) -> Result<HttpResponse, AppError> {
    reports_page(&state, &s, is_en(&req, q.lang.as_deref()), None, None).await
}

async fn reports_page(
    state: &web::Data<AppState>,
    s: &Session,
    en: bool,
    message: Option<String>,
    error: Option<String>,
) -> Result<HttpResponse, AppError> {
    let scope = s.caller.scope.clone();
    let batches = state
        .db
        .run(move |conn| crate::services::batches::list(conn, &scope, None, 50))
        .await?;
    let batches = batches
        .into_iter()
        .map(|b| BatchLine {
            id: b.id,
            unit: b.unit_code,
            number: b.number,
            date: b.batch_date.format("%d/%m/%Y").to_string(),
            order_ref: b.order_ref.unwrap_or_default(),
            lines: b.people,
            total: crate::present::money(b.total_vnd, en),
            by: b.created_by,
        })
        .collect();
    render(
        &ReportsPage {
            en,
            menu: s.menu(),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            today: crate::db::today_vn().to_string(),
            can_batch: s.caller.role.can(Permission::RecordPayments),
            batches,
            message,
            error,
        },
        StatusCode::OK,
    )
}

/// The batch form of the reports page.
#[derive(Debug, Deserialize)]
pub struct BatchForm {
    pub csrf: String,
    pub unit: String,
    pub order_ref: Option<String>,
    pub batch_date: Option<String>,
}

/// `POST /bao-cao/bang-thanh-toan`: a payment officer puts a unit's funded cases into a new
/// batch (the same rules as the API); the page then lists it with its forms.
pub async fn create_batch(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    form: web::Form<BatchForm>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(&form.csrf)?;
    let en = is_en(&req, None);
    let batch_date = match form.batch_date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let error = if en {
                    format!("Not a valid date: {d}")
                } else {
                    format!("Ngày không hợp lệ: {d}")
                };
                return reports_page(&state, &s, en, None, Some(error)).await;
            }
        },
    };
    let request = crate::services::batches::NewBatchRequest {
        unit: form.unit,
        batch_date,
        order_ref: form.order_ref,
        case_ids: None,
    };
    let actor = s.actor(&req);
    let done = state
        .db
        .run(move |conn| {
            crate::services::batches::create(conn, &actor, &request, crate::db::today_vn())
        })
        .await;
    match done {
        Ok(b) => {
            let (number, unit, people) = (b.summary.number, &b.summary.unit_code, b.summary.people);
            let total = crate::present::money(b.summary.total_vnd, en);
            let message = if en {
                format!("Payment batch no. {number} of unit {unit} made: {people} people, {total}.")
            } else {
                format!(
                    "Đã lập bảng thanh toán số {number} của đơn vị {unit}: {people} người, {total}."
                )
            };
            reports_page(&state, &s, en, Some(message), None).await
        }
        Err(AppError::NotFound) => {
            let error = if en {
                "No unit with this code among yours."
            } else {
                "Không có đơn vị mã này trong phạm vi của bạn."
            };
            reports_page(&state, &s, en, None, Some(error.to_owned())).await
        }
        Err(e) => {
            let body = e.body();
            let error = if en { body.message_en } else { body.message_vi };
            reports_page(&state, &s, en, None, Some(error)).await
        }
    }
}

/// Filters of the audit page.
#[derive(Debug, Deserialize)]
pub struct AuditFilter {
    pub unit: Option<String>,
    pub case: Option<String>,
    pub action: Option<String>,
    pub lang: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/audit.html")]
struct AuditPage {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    unit: String,
    case: String,
    action: String,
    /// The action filter's choices: (prefix, in words).
    kinds: Vec<(&'static str, &'static str)>,
    events: Vec<AuditLine>,
}

/// One audit entry as the page shows it.
struct AuditLine {
    id: i64,
    at: String,
    actor: String,
    action: String,
    unit: String,
    case: String,
    details: Vec<(String, String)>,
}

/// The audit page's action filter: prefixes of the recorded actions, in words.
fn audit_kinds(en: bool) -> Vec<(&'static str, &'static str)> {
    [
        (
            "case.",
            "Hồ sơ: duyệt, trả lại, cấp kinh phí, hủy, mã tra cứu",
            "Cases: approve, return, fund, cancel, lookup codes",
        ),
        (
            "payment",
            "Chi trả và bảng thanh toán",
            "Payments and payment batches",
        ),
        ("import.", "Nhập tệp", "Imports"),
        (
            "status.",
            "Tra cứu, câu hỏi của người hưởng",
            "The person's lookups and questions",
        ),
        (
            "unit.",
            "Đơn vị: tài khoản Kho bạc, hợp nhất",
            "Units: Treasury accounts, merges",
        ),
        ("auth.", "Đăng nhập, đăng xuất", "Sign-ins and sign-outs"),
        ("user.", "Người dùng", "Users"),
        ("token.", "Mã truy cập API", "API tokens"),
        ("report.", "Tải báo cáo", "Report downloads"),
        ("policy.", "Bảng chính sách", "Policy tables"),
    ]
    .into_iter()
    .map(|(prefix, vi, english)| (prefix, if en { english } else { vi }))
    .collect()
}

/// `GET /nhat-ky`: the latest 500 events within the caller's units.
pub async fn audit(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    q: web::Query<AuditFilter>,
) -> Result<HttpResponse, AppError> {
    let q = q.into_inner();
    let query = crate::services::audit::AuditQuery {
        unit: q.unit.clone(),
        case_id: q.case.as_deref().and_then(|c| c.trim().parse().ok()),
        action: q.action.clone(),
        limit: Some(500),
        ..Default::default()
    };
    let scope = s.caller.scope.clone();
    let events = state
        .db
        .run(move |conn| crate::services::audit::query(conn, &scope, &query))
        .await?;
    let en = is_en(&req, q.lang.as_deref());
    render(
        &AuditPage {
            en,
            kinds: audit_kinds(en),
            menu: s.menu(),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            unit: q.unit.unwrap_or_default(),
            case: q.case.unwrap_or_default(),
            action: q.action.unwrap_or_default(),
            events: events
                .into_iter()
                .map(|e| AuditLine {
                    id: e.id,
                    at: crate::domain::vn_time::local(e.at)
                        .format("%d/%m/%Y %H:%M:%S")
                        .to_string(),
                    action: crate::present::audit_action(&e.action, en).into_owned(),
                    actor: e.actor,
                    unit: e.unit_code.unwrap_or_default(),
                    case: e.case_id.map(|c| c.to_string()).unwrap_or_default(),
                    details: e
                        .after
                        .as_ref()
                        .map(|a| crate::present::audit_details(a, en))
                        .unwrap_or_default(),
                })
                .collect(),
        },
        StatusCode::OK,
    )
}
