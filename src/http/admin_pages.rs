//! More staff pages: units with their Treasury accounts, uploads (roster, payment list,
//! statement) with their result, the report forms and the audit trail. Same session, CSRF
//! and access rules as [`super::pages`].

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;
use serde::Deserialize;

use super::AppState;
use super::pages::{Session, is_en, render};
use crate::domain::access::Permission;
use crate::domain::money::Vnd;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::import::ReadOptions;
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
    people: i64,
    paid: i64,
    outstanding: String,
}

#[derive(Template)]
#[template(path = "staff/units.html")]
struct UnitsPage {
    en: bool,
    user: String,
    csrf: String,
    rows: Vec<UnitLine>,
}

/// `GET /don-vi`: the caller's units with cases, their Treasury account (missing ones first
/// when money still has to flow) and progress.
pub async fn units(
    state: web::Data<AppState>,
    s: Session,
    q: web::Query<Lang>,
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
                people: g.figures.people,
                paid: g.figures.paid,
                outstanding: Vnd::new(g.figures.outstanding_vnd).to_string(),
            }
        })
        .collect();
    rows.sort_by(|a, b| b.missing.cmp(&a.missing).then(a.code.cmp(&b.code)));
    render(
        &UnitsPage {
            en: is_en(q.lang.as_deref()),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            rows,
        },
        StatusCode::OK,
    )
}

#[derive(Template)]
#[template(path = "staff/reports.html")]
struct ReportsPage {
    en: bool,
    user: String,
    csrf: String,
    today: String,
}

/// `GET /bao-cao`: the report forms (they download from the API with the session).
pub async fn reports(s: Session, q: web::Query<Lang>) -> Result<HttpResponse, AppError> {
    render(
        &ReportsPage {
            en: is_en(q.lang.as_deref()),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            today: crate::db::today_vn().to_string(),
        },
        StatusCode::OK,
    )
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
    user: String,
    csrf: String,
    unit: String,
    case: String,
    action: String,
    events: Vec<(i64, String, String, String, String, String, String)>,
}

/// `GET /nhat-ky`: the latest 500 events within the caller's units.
pub async fn audit(
    state: web::Data<AppState>,
    s: Session,
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
    render(
        &AuditPage {
            en: is_en(q.lang.as_deref()),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            unit: q.unit.unwrap_or_default(),
            case: q.case.unwrap_or_default(),
            action: q.action.unwrap_or_default(),
            events: events
                .into_iter()
                .map(|e| {
                    (
                        e.id,
                        crate::domain::vn_time::local(e.at)
                            .format("%d/%m/%Y %H:%M:%S")
                            .to_string(),
                        e.actor,
                        e.action,
                        e.unit_code.unwrap_or_default(),
                        e.case_id.map(|c| c.to_string()).unwrap_or_default(),
                        e.after.map(|a| a.to_string()).unwrap_or_default(),
                    )
                })
                .collect(),
        },
        StatusCode::OK,
    )
}

/// The result of an upload, as the page shows it.
struct UploadResult {
    file: String,
    outcome: &'static str,
    total: u32,
    created: u32,
    updated: u32,
    unchanged: u32,
    warnings: Vec<(String, String, String)>,
    errors: Vec<(String, String, String)>,
    error_workbook: Option<i64>,
    /// Recognised columns: (letter, header as written, field, how).
    recognised: Vec<(String, String, &'static str, &'static str)>,
    /// Columns not read: (letter, header, sample).
    unread: Vec<(String, String, String)>,
    /// The list's columns the file lacks (Vietnamese header).
    missing: Vec<&'static str>,
    /// The template of this kind of list.
    template: &'static str,
    /// The saved mapping profile applied.
    profile: Option<String>,
}

#[derive(Template)]
#[template(path = "staff/upload.html")]
struct UploadPage<'a> {
    en: bool,
    user: String,
    csrf: String,
    error: Option<&'a str>,
    result: Option<UploadResult>,
}

/// `GET /nhap`: the upload form.
pub async fn upload_form(s: Session, q: web::Query<Lang>) -> Result<HttpResponse, AppError> {
    render(
        &UploadPage {
            en: is_en(q.lang.as_deref()),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            error: None,
            result: None,
        },
        StatusCode::OK,
    )
}

/// Problems as the page lists them (row, column, message), at most 500.
fn problem_lines(
    problems: &[crate::services::imports::ProblemOut],
    en: bool,
) -> Vec<(String, String, String)> {
    problems
        .iter()
        .take(500)
        .map(|e| {
            let message = if en { &e.message_en } else { &e.message_vi };
            let message = match &e.value {
                Some(v) if e.column.as_deref() != Some(v.as_str()) => {
                    if en {
                        format!("{message} (found: {v})")
                    } else {
                        format!("{message} (giá trị: {v})")
                    }
                }
                _ => message.clone(),
            };
            (
                e.row.map(|r| r.to_string()).unwrap_or_default(),
                e.column.clone().unwrap_or_default(),
                message,
            )
        })
        .collect()
}

/// `GET /mau/{roster,payment-list,statement}.xlsx`: the blank templates, for any signed-in
/// officer (they hold nothing personal).
pub async fn template_file(_s: Session, req: HttpRequest) -> Result<HttpResponse, AppError> {
    use crate::import::list_template::list_template_bytes;
    use crate::import::{payments, statement, template};
    let (bytes, name) = match req.path() {
        "/mau/payment-list.xlsx" => (
            list_template_bytes(&payments::TEMPLATE),
            "mau-danh-sach-chi-tra.xlsx",
        ),
        "/mau/statement.xlsx" => (list_template_bytes(&statement::TEMPLATE), "mau-sao-ke.xlsx"),
        _ => (template::template_bytes(), "mau-danh-sach-nghi-viec.xlsx"),
    };
    let bytes = bytes.map_err(|e| AppError::Internal(anyhow::anyhow!("{e}")))?;
    Ok(HttpResponse::Ok()
        .content_type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{name}\""),
        ))
        .body(bytes))
}

/// `POST /nhap` (multipart: `csrf`, `kind`, `unit`, `file`): the same imports as the API,
/// within the caller's units, never half-written; the result and the error workbook link.
pub async fn upload(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    form: Multipart,
) -> Result<HttpResponse, AppError> {
    let max = state.settings.max_upload_bytes;
    let upload = super::imports_api::read_form(form, max).await?;
    s.check(upload.fields.get("csrf").map_or("", String::as_str))?;
    let kind = upload.fields.get("kind").cloned().unwrap_or_default();
    let template = match kind.as_str() {
        "payments" => "payment-list",
        "statement" => "statement",
        _ => "roster",
    };
    let permission = match kind.as_str() {
        "roster" => Permission::SubmitRoster,
        "payments" => Permission::RecordPayments,
        "statement" => Permission::ImportStatements,
        _ => {
            return Err(AppError::bad_request(
                "kind_invalid",
                "Loại tệp không hợp lệ.",
                "Unknown kind of file.",
            ));
        }
    };
    s.caller.require(permission)?;
    let unit_code = upload
        .fields
        .get("unit")
        .map(|u| UnitCode::normalize(u))
        .unwrap_or_default();
    let mapping =
        super::imports_api::parse_mapping_lenient(upload.fields.get("map").map(String::as_str))?;
    let options = ReadOptions {
        sheet: None,
        max_rows: u32::try_from(state.settings.max_rows).unwrap_or(u32::MAX),
        max_bytes: max,
        limits: state.settings.read_limits,
        mapping,
        profiles: Vec::new(),
        save_profile: upload
            .fields
            .get("profile")
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty()),
    };
    let actor = s.actor(&req);
    let policy = state.policy.clone();
    let matching = state.settings.matching;
    let file_name = upload.file_name.clone();
    let bytes = upload.bytes;
    let report = state
        .db
        .run(move |conn| {
            let report = match kind.as_str() {
                "roster" => crate::services::imports::import_roster(
                    conn,
                    &policy,
                    &actor,
                    &crate::services::imports::ImportRequest {
                        file_name,
                        sheet: None,
                        unit_code,
                        dry_run: false,
                        accept_valid: false,
                        options,
                    },
                    &bytes,
                ),
                _ => {
                    let request = crate::services::imports::LedgerRequest {
                        file_name,
                        sheet: None,
                        unit_code,
                        dry_run: false,
                        accept_valid: false,
                        options,
                        today: crate::db::today_vn(),
                        sign: crate::import::statement::AmountSign::NegativeIsDebit,
                        matching,
                    };
                    if kind == "payments" {
                        crate::services::imports::import_payments(conn, &actor, &request, &bytes)
                    } else {
                        crate::services::imports::import_statement(conn, &actor, &request, &bytes)
                    }
                }
            };
            report.map_err(super::imports_api::import_error)
        })
        .await?;
    let en = false;
    let result = UploadResult {
        file: report.file.clone(),
        outcome: report.outcome.as_str(),
        total: report.rows.total,
        created: report.rows.created,
        updated: report.rows.updated,
        unchanged: report.rows.unchanged,
        warnings: problem_lines(&report.warnings, en),
        error_workbook: report.import_id.filter(|_| !report.errors.is_empty()),
        errors: problem_lines(&report.errors, en),
        recognised: report
            .columns
            .iter()
            .flat_map(|c| &c.recognised)
            .map(|m| (m.column.clone(), m.header.clone(), m.field, m.how))
            .collect(),
        unread: report
            .columns
            .iter()
            .flat_map(|c| &c.unread)
            .map(|u| {
                (
                    u.column.clone(),
                    u.header.clone(),
                    u.sample.clone().unwrap_or_default(),
                )
            })
            .collect(),
        missing: report
            .columns
            .iter()
            .flat_map(|c| &c.missing)
            .map(|f| f.header_vi)
            .collect(),
        template,
        profile: report.columns.as_ref().and_then(|c| c.profile.clone()),
    };
    render(
        &UploadPage {
            en,
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            error: None,
            result: Some(result),
        },
        StatusCode::OK,
    )
}
