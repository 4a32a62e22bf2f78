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
            total: format!("{} đ", Vnd::new(b.total_vnd).grouped('.')),
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
    let batch_date = match form.batch_date.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(d) => match chrono::NaiveDate::parse_from_str(d, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                let error = format!("Ngày không hợp lệ: {d}");
                return reports_page(&state, &s, false, None, Some(error)).await;
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
            let message = format!(
                "Đã lập bảng thanh toán số {} của đơn vị {}: {} người, {} đ.",
                b.summary.number,
                b.summary.unit_code,
                b.summary.people,
                Vnd::new(b.summary.total_vnd).grouped('.')
            );
            reports_page(&state, &s, false, Some(message), None).await
        }
        Err(AppError::NotFound) => {
            let error = "Không có đơn vị mã này trong phạm vi của bạn.".to_owned();
            reports_page(&state, &s, false, None, Some(error)).await
        }
        Err(e) => reports_page(&state, &s, false, None, Some(e.body().message_vi)).await,
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
    recognised: Vec<(String, String, String, &'static str)>,
    /// Columns not read: (letter, header, sample).
    unread: Vec<(String, String, String)>,
    /// The list's columns the file lacks (Vietnamese header).
    missing: Vec<&'static str>,
    /// The template of this kind of list.
    template: &'static str,
    /// The saved mapping profile applied.
    profile: Option<String>,
}

/// The mapping step: the held file's first rows with a drop-down per column.
struct PreviewView {
    token: String,
    kind: String,
    unit: String,
    file: String,
    sheet: String,
    columns: Vec<PreviewColumnView>,
    rows: Vec<Vec<String>>,
}

struct PreviewColumnView {
    index: usize,
    letter: String,
    header: String,
    /// Why it would not be read as it is.
    note: &'static str,
    /// (value, label, selected).
    options: Vec<(String, String, bool)>,
}

#[derive(Template)]
#[template(path = "staff/upload.html")]
struct UploadPage<'a> {
    en: bool,
    menu: crate::http::pages::Menu,
    user: String,
    csrf: String,
    error: Option<&'a str>,
    result: Option<UploadResult>,
    preview: Option<PreviewView>,
}

/// `GET /nhap`: the upload form.
pub async fn upload_form(
    s: Session,
    req: HttpRequest,
    q: web::Query<Lang>,
) -> Result<HttpResponse, AppError> {
    render(
        &UploadPage {
            en: is_en(&req, q.lang.as_deref()),
            menu: s.menu(),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            error: None,
            result: None,
            preview: None,
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

/// The kinds of file the upload page takes: the permission each needs and its template.
fn upload_kind(kind: &str) -> Result<(Permission, &'static str), AppError> {
    match kind {
        "roster" => Ok((Permission::SubmitRoster, "roster")),
        "payments" => Ok((Permission::RecordPayments, "payment-list")),
        "statement" => Ok((Permission::ImportStatements, "statement")),
        _ => Err(AppError::bad_request(
            "kind_invalid",
            "Loại tệp không hợp lệ.",
            "Unknown kind of file.",
        )),
    }
}

/// The read options of a page upload.
fn page_read_options(
    state: &AppState,
    mapping: Vec<crate::import::recognize::ColumnMap>,
    save_profile: Option<String>,
) -> ReadOptions {
    ReadOptions {
        sheet: None,
        max_rows: u32::try_from(state.settings.max_rows).unwrap_or(u32::MAX),
        max_bytes: state.settings.max_upload_bytes,
        limits: state.settings.read_limits,
        mapping,
        profiles: Vec::new(),
        save_profile: save_profile
            .map(|p| p.trim().to_owned())
            .filter(|p| !p.is_empty()),
    }
}

/// `POST /nhap` (multipart: `csrf`, `kind`, `unit`, `file`, optional `map` and `profile`):
/// the same imports as the API, within the caller's units, never half-written; the result and
/// the error workbook link. With `step=preview`, nothing is imported: the file is held and the
/// page shows its first rows with a drop-down per column (the mapping step).
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
    let (permission, _) = upload_kind(&kind)?;
    s.caller.require(permission)?;
    let unit_code = upload
        .fields
        .get("unit")
        .map(|u| UnitCode::normalize(u))
        .unwrap_or_default();
    let mapping =
        super::imports_api::parse_mapping_lenient(upload.fields.get("map").map(String::as_str))?;
    let draft = crate::db::drafts::Draft {
        kind,
        unit_code,
        file_name: upload.file_name,
        bytes: upload.bytes,
    };
    if upload.fields.get("step").map(String::as_str) == Some("preview") {
        return preview_step(&state, &s, draft, mapping, None).await;
    }
    let options = page_read_options(&state, mapping, upload.fields.get("profile").cloned());
    run_upload(&state, &s, &req, draft, options, None).await
}

/// The mapping step's form: the held file's token, and `col_<index>` = a field key or
/// `ignore` for every column.
pub async fn confirm_mapping(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    form: web::Form<std::collections::HashMap<String, String>>,
) -> Result<HttpResponse, AppError> {
    let form = form.into_inner();
    s.check(form.get("csrf").map_or("", String::as_str))?;
    let token = form.get("draft").cloned().unwrap_or_default();
    let user = s.caller.user_id;
    let lookup = token.clone();
    let draft = state
        .db
        .run(move |conn| Ok(crate::db::drafts::find(conn, user, &lookup)?))
        .await?;
    let Some(draft) = draft else {
        let en = is_en(&req, None);
        return upload_page(
            &s,
            en,
            Some(if en {
                "The file waiting for its mapping is gone (over 2 hours, or imported); choose it again."
            } else {
                "Tệp chờ ghép cột không còn (quá 2 giờ hoặc đã nhập); hãy chọn lại tệp."
            }),
            None,
            None,
        );
    };
    let (permission, _) = upload_kind(&draft.kind)?;
    s.caller.require(permission)?;
    // The headers by column, as the file has them; the officer's choice for each.
    let plain = page_read_options(&state, Vec::new(), None);
    let preview = read_preview(&draft, &plain)?;
    let mut mapping = Vec::new();
    for column in &preview.columns {
        let Some(choice) = form.get(&format!("col_{}", column.index)) else {
            continue;
        };
        let field = match choice.as_str() {
            "ignore" => "ignore",
            key => match preview.fields.iter().find(|f| f.0 == key) {
                Some(f) => f.0,
                None => continue,
            },
        };
        mapping.push(crate::import::recognize::ColumnMap {
            field: field.to_owned(),
            header: column.header.clone(),
        });
    }
    let options = page_read_options(&state, mapping.clone(), form.get("profile").cloned());
    run_upload(&state, &s, &req, draft, options, Some((token, mapping))).await
}

/// The preview of a held or uploaded file as its kind of list.
fn read_preview(
    draft: &crate::db::drafts::Draft,
    options: &ReadOptions,
) -> Result<crate::import::preview::Preview, AppError> {
    use crate::import::preview::preview;
    const ROWS: usize = 5;
    let (name, bytes) = (draft.file_name.as_str(), draft.bytes.as_slice());
    let read = match draft.kind.as_str() {
        "payments" => preview::<crate::import::payments::PaymentColumn>(name, bytes, options, ROWS),
        "statement" => {
            preview::<crate::import::statement::StatementColumn>(name, bytes, options, ROWS)
        }
        _ => preview::<crate::import::columns::Column>(name, bytes, options, ROWS),
    };
    read.map_err(|e| {
        let (vi, en) = (e.message_vi(), e.message_en());
        AppError::bad_request("file_unreadable", vi, en)
    })
}

/// Holds the file and shows its first rows with a drop-down per column.
async fn preview_step(
    state: &web::Data<AppState>,
    s: &Session,
    draft: crate::db::drafts::Draft,
    mapping: Vec<crate::import::recognize::ColumnMap>,
    error: Option<&str>,
) -> Result<HttpResponse, AppError> {
    let options = page_read_options(state, mapping, None);
    let preview = match read_preview(&draft, &options) {
        Ok(p) => p,
        Err(e) => return upload_page(s, false, Some(&e.body().message_vi), None, None),
    };
    let user = s.caller.user_id;
    let (kind, unit, file) = (
        draft.kind.clone(),
        draft.unit_code.clone(),
        draft.file_name.clone(),
    );
    let token = state
        .db
        .run(move |conn| Ok(crate::db::drafts::hold(conn, user, &draft)?))
        .await?;
    let why = |w: Option<&str>| match w {
        Some("unknown") => "không nhận ra / not recognised",
        Some("ambiguous") => "nhiều nghĩa / ambiguous",
        Some("duplicate") => "trùng cột khác / repeats another column",
        Some("conflict") => "hai cột cùng một trường / two columns for one field",
        Some("ignored") => "bỏ qua / ignored",
        _ => "",
    };
    let view = PreviewView {
        token,
        kind,
        unit,
        file,
        sheet: preview.sheet.clone(),
        columns: preview
            .columns
            .iter()
            .map(|c| PreviewColumnView {
                index: c.index,
                letter: c.letter.clone(),
                header: c.header.clone(),
                note: why(c.why_not),
                options: std::iter::once((
                    "ignore".to_owned(),
                    "— không đọc / do not read —".to_owned(),
                    c.field.is_none(),
                ))
                .chain(preview.fields.iter().map(|(key, vi, en)| {
                    (
                        (*key).to_owned(),
                        format!("{vi} / {en}"),
                        c.field == Some(*key),
                    )
                }))
                .collect(),
            })
            .collect(),
        rows: preview.rows,
    };
    // The mapping step stays bilingual (each field as "Vietnamese / English").
    upload_page(s, false, error, None, Some(view))
}

/// The upload page with an error, a result or a preview.
fn upload_page(
    s: &Session,
    en: bool,
    error: Option<&str>,
    result: Option<UploadResult>,
    preview: Option<PreviewView>,
) -> Result<HttpResponse, AppError> {
    render(
        &UploadPage {
            en,
            menu: s.menu(),
            user: s.caller.username.clone(),
            csrf: s.csrf.clone(),
            error,
            result,
            preview,
        },
        StatusCode::OK,
    )
}

/// Imports a file (uploaded, or held by the mapping step: `held` is its token and the mapping
/// chosen, dropped once the import has run) and shows the result.
async fn run_upload(
    state: &web::Data<AppState>,
    s: &Session,
    req: &HttpRequest,
    draft: crate::db::drafts::Draft,
    options: ReadOptions,
    held: Option<(String, Vec<crate::import::recognize::ColumnMap>)>,
) -> Result<HttpResponse, AppError> {
    let (_, template) = upload_kind(&draft.kind)?;
    let crate::db::drafts::Draft {
        kind,
        unit_code,
        file_name,
        bytes,
    } = draft;
    let actor = s.actor(req);
    let policy = state.policy.clone();
    let matching = state.settings.matching;
    let token = held.as_ref().map(|(t, _)| t.clone());
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
            let report = report.map_err(super::imports_api::import_error)?;
            if let Some(token) = &token {
                crate::db::drafts::drop(conn, token)?;
            }
            Ok(report)
        })
        .await?;
    let en = is_en(req, None);
    let result = UploadResult {
        file: report.file.clone(),
        outcome: crate::present::outcome(report.outcome.as_str(), en),
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
            .map(|m| {
                (
                    m.column.clone(),
                    m.header.clone(),
                    field_words(template, m.field, en),
                    m.how,
                )
            })
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
    upload_page(s, en, None, Some(result), None)
}

/// A list's field key (`national_id`, `amount`, …) in words, as the templates head it.
fn field_words(template: &str, key: &str, en: bool) -> String {
    use crate::import::recognize::ColumnSet;
    fn find<C: ColumnSet>(key: &str, en: bool) -> Option<String> {
        C::SPECS
            .iter()
            .find(|s| s.key == key)
            .map(|s| if en { s.en } else { s.vi }.to_owned())
    }
    match template {
        "payment-list" => find::<crate::import::payments::PaymentColumn>(key, en),
        "statement" => find::<crate::import::statement::StatementColumn>(key, en),
        _ => find::<crate::import::columns::Column>(key, en),
    }
    .unwrap_or_else(|| key.to_owned())
}
