//! The upload page (roster, payment list, statement): the form, the mapping step, and each
//! upload run as a job recorded in the database (`import_jobs`, issue 20) whose page shows the
//! phase and rows done, refreshing itself, then the result. Same session, CSRF and access rules
//! as [`super::pages`].

use actix_multipart::Multipart;
use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use askama::Template;

use super::AppState;
use super::admin_pages::Lang;
use super::pages::{Session, is_en, render};
use crate::domain::access::Permission;
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::import::ReadOptions;

/// The result of an upload, as the page shows it (in the page's language).
struct UploadResult {
    file: String,
    outcome: &'static str,
    /// The file was refused (errors, nothing or only part written): announced as an alert.
    alert: bool,
    total: String,
    created: String,
    updated: String,
    unchanged: String,
    refused: String,
    /// Counts of all problems (the lists hold at most [`ERRORS_KEPT`] and [`WARNINGS_KEPT`]).
    errors_total: String,
    warnings_total: String,
    errors_cut: bool,
    warnings_cut: bool,
    /// (row, column, value found, what is wrong and the fix).
    warnings: Vec<(String, String, String, String)>,
    errors: Vec<(String, String, String, String)>,
    error_workbook: Option<i64>,
    /// For statements: (what, how many) — lines matched by reference, by details, unmatched,
    /// payments still unmatched, cases reconciled.
    statement: Vec<(&'static str, String)>,
    /// Recognised columns: (letter, header as written, field, how).
    recognised: Vec<(String, String, String, String)>,
    /// Columns not read: (letter, header, sample).
    unread: Vec<(String, String, String)>,
    /// The list's columns the file lacks, in words.
    missing: Vec<String>,
    /// The template of this kind of list.
    template: String,
    /// The saved mapping profile applied.
    profile: Option<String>,
}

/// A running job as its page shows it (the page refreshes itself).
struct JobView {
    file: String,
    kind: &'static str,
    phase: &'static str,
    /// Rows done of rows total, in words ("12.000 / 150.000 dòng"), empty before they are known.
    rows: String,
    /// 0–100.
    percent: u8,
    started: String,
}

/// The mapping step: the held file's first rows with a drop-down per column.
struct PreviewView {
    token: String,
    kind: &'static str,
    unit: String,
    file: String,
    sheet: String,
    columns: Vec<PreviewColumnView>,
    rows: Vec<Vec<String>>,
    /// The upload's other choices, carried to the import as hidden fields.
    choices: Vec<(&'static str, String)>,
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
    job: Option<JobView>,
    /// The kinds of file this role may upload: roster, payments, statement.
    may: UploadKinds,
}

/// Which kinds of file the caller's role may upload (the form offers only those).
struct UploadKinds {
    roster: bool,
    payments: bool,
    statement: bool,
}

impl UploadKinds {
    fn of(s: &Session) -> Self {
        let role = s.caller.role;
        UploadKinds {
            roster: role.can(Permission::SubmitRoster),
            payments: role.can(Permission::RecordPayments),
            statement: role.can(Permission::ImportStatements),
        }
    }
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
            job: None,
            may: UploadKinds::of(&s),
        },
        StatusCode::OK,
    )
}

/// Problems as the page lists them: (row, column, value found, message).
fn problem_lines(problems: &[JobProblem], en: bool) -> Vec<(String, String, String, String)> {
    problems
        .iter()
        .map(|e| {
            let value = match &e.value {
                Some(v) if e.column.as_deref() != Some(v.as_str()) => v.clone(),
                _ => String::new(),
            };
            (
                e.row.map(|r| r.to_string()).unwrap_or_default(),
                e.column.clone().unwrap_or_default(),
                value,
                if en { &e.en } else { &e.vi }.clone(),
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

/// An upload's choices beyond the file and its columns — the API's query parameters: a dry run
/// (check and report, write nothing), accept the valid rows of a file with errors, the sheet to
/// read, and how a statement's single amount column is signed.
#[derive(Debug, Clone, Default)]
struct UploadChoices {
    dry_run: bool,
    accept_valid: bool,
    sheet: Option<String>,
    sign: crate::import::statement::AmountSign,
}

impl UploadChoices {
    /// From the form's fields (`dry_run=1`, `accept_valid=1`, `sheet`, `sign`).
    fn from_fields(fields: &std::collections::HashMap<String, String>) -> Result<Self, AppError> {
        use crate::import::statement::AmountSign;
        let ticked = |name: &str| fields.get(name).is_some_and(|v| v == "1");
        let sign = match fields.get("sign").map(|v| v.trim()) {
            None | Some("" | "negative_is_debit") => AmountSign::NegativeIsDebit,
            Some("positive_is_debit") => AmountSign::PositiveIsDebit,
            Some(_) => {
                return Err(AppError::bad_request(
                    "sign_invalid",
                    "Cách đọc dấu của số tiền không hợp lệ.",
                    "Unknown amount sign convention.",
                ));
            }
        };
        Ok(UploadChoices {
            dry_run: ticked("dry_run"),
            accept_valid: ticked("accept_valid"),
            sheet: fields
                .get("sheet")
                .map(|v| v.trim().chars().take(100).collect::<String>())
                .filter(|v| !v.is_empty()),
            sign,
        })
    }

    /// The choices as the mapping step's form carries them (hidden fields).
    fn fields(&self) -> Vec<(&'static str, String)> {
        use crate::import::statement::AmountSign;
        let mut out = Vec::new();
        if self.dry_run {
            out.push(("dry_run", "1".to_owned()));
        }
        if self.accept_valid {
            out.push(("accept_valid", "1".to_owned()));
        }
        if let Some(sheet) = &self.sheet {
            out.push(("sheet", sheet.clone()));
        }
        if self.sign == AmountSign::PositiveIsDebit {
            out.push(("sign", "positive_is_debit".to_owned()));
        }
        out
    }
}

/// The read options of a page upload.
fn page_read_options(
    state: &AppState,
    sheet: Option<String>,
    mapping: Vec<crate::import::recognize::ColumnMap>,
    save_profile: Option<String>,
) -> ReadOptions {
    ReadOptions {
        sheet,
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

/// `POST /nhap` (multipart: `csrf`, `kind`, `unit`, `file`, optional `map`, `profile`,
/// `dry_run`, `accept_valid`, `sheet`, `sign`):
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
    let choices = UploadChoices::from_fields(&upload.fields)?;
    if upload.fields.get("step").map(String::as_str) == Some("preview") {
        let en = is_en(&req, None);
        return preview_step(&state, &s, en, draft, mapping, choices).await;
    }
    let options = page_read_options(
        &state,
        choices.sheet.clone(),
        mapping,
        upload.fields.get("profile").cloned(),
    );
    run_upload(&state, &s, &req, draft, options, choices, None).await
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
            None,
        );
    };
    let (permission, _) = upload_kind(&draft.kind)?;
    s.caller.require(permission)?;
    let choices = UploadChoices::from_fields(&form)?;
    // The headers by column, as the file has them; the officer's choice for each.
    let plain = page_read_options(&state, choices.sheet.clone(), Vec::new(), None);
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
    let options = page_read_options(
        &state,
        choices.sheet.clone(),
        mapping,
        form.get("profile").cloned(),
    );
    run_upload(&state, &s, &req, draft, options, choices, Some(token)).await
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

/// Holds the file and shows its first rows with a drop-down per column, in the page's
/// language.
async fn preview_step(
    state: &web::Data<AppState>,
    s: &Session,
    en: bool,
    draft: crate::db::drafts::Draft,
    mapping: Vec<crate::import::recognize::ColumnMap>,
    choices: UploadChoices,
) -> Result<HttpResponse, AppError> {
    let options = page_read_options(state, choices.sheet.clone(), mapping, None);
    let preview = match read_preview(&draft, &options) {
        Ok(p) => p,
        Err(e) => {
            let body = e.body();
            let message = if en {
                &body.message_en
            } else {
                &body.message_vi
            };
            return upload_page(s, en, Some(message), None, None, None);
        }
    };
    let user = s.caller.user_id;
    let (kind, unit, file) = (
        crate::http::pages::imports::kind_words(&draft.kind, en),
        draft.unit_code.clone(),
        draft.file_name.clone(),
    );
    let token = state
        .db
        .run(move |conn| Ok(crate::db::drafts::hold(conn, user, &draft)?))
        .await?;
    let why = |w: Option<&str>| match (w, en) {
        (Some("unknown"), false) => "không nhận ra",
        (Some("unknown"), true) => "not recognised",
        (Some("ambiguous"), false) => "nhiều nghĩa",
        (Some("ambiguous"), true) => "ambiguous",
        (Some("duplicate"), false) => "trùng cột khác",
        (Some("duplicate"), true) => "repeats another column",
        (Some("conflict"), false) => "hai cột cùng một trường",
        (Some("conflict"), true) => "two columns for one field",
        (Some("ignored"), false) => "bỏ qua",
        (Some("ignored"), true) => "ignored",
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
                    if en {
                        "— do not read —"
                    } else {
                        "— không đọc —"
                    }
                    .to_owned(),
                    c.field.is_none(),
                ))
                .chain(preview.fields.iter().map(|(key, vi, english)| {
                    (
                        (*key).to_owned(),
                        (if en { *english } else { *vi }).to_owned(),
                        c.field == Some(*key),
                    )
                }))
                .collect(),
            })
            .collect(),
        rows: preview.rows,
        choices: choices.fields(),
    };
    upload_page(s, en, None, None, Some(view), None)
}

/// The upload page with an error, a result, a preview or a running job.
fn upload_page(
    s: &Session,
    en: bool,
    error: Option<&str>,
    result: Option<UploadResult>,
    preview: Option<PreviewView>,
    job: Option<JobView>,
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
            job,
            may: UploadKinds::of(s),
        },
        StatusCode::OK,
    )
}

/// Most errors a job keeps for its page (the marked-up file has them all: past a few hundred,
/// an officer corrects in the file, not from a list).
const ERRORS_KEPT: usize = 500;

/// Most warnings a job keeps for its page: every warning is listed (issue 20) up to a bound
/// that keeps one job's result a few megabytes.
const WARNINGS_KEPT: usize = 20_000;

/// What a finished job's page shows, kept as JSON in `import_jobs.result` so that any instance
/// can show it in either language.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct JobResult {
    file: String,
    outcome: String,
    template: String,
    import_id: Option<i64>,
    total: u32,
    created: u32,
    updated: u32,
    unchanged: u32,
    refused: u32,
    errors: Vec<JobProblem>,
    errors_total: usize,
    warnings: Vec<JobProblem>,
    warnings_total: usize,
    /// The import whose marked-up file can be downloaded (there were errors).
    error_workbook: Option<i64>,
    /// (column, header, field key, how).
    recognised: Vec<(String, String, String, String)>,
    unread: Vec<(String, String, String)>,
    /// Field keys.
    missing: Vec<String>,
    profile: Option<String>,
    statement: Option<StatementCounts>,
    /// The import was refused before it read the file (unknown unit, a failure).
    refusal: Option<Refusal>,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct JobProblem {
    row: Option<u32>,
    column: Option<String>,
    value: Option<String>,
    vi: String,
    en: String,
}

/// What a statement's matching did.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct StatementCounts {
    by_reference: u64,
    by_details: u64,
    lines_unmatched: u64,
    payments_unmatched: u64,
    cases_reconciled: u64,
}

#[derive(Debug, serde::Serialize, serde::Deserialize)]
struct Refusal {
    status: u16,
    vi: String,
    en: String,
}

impl JobResult {
    fn of(report: &crate::services::imports::ImportReport, template: &str) -> JobResult {
        let kept = |problems: &[crate::services::imports::ProblemOut], most: usize| {
            problems
                .iter()
                .take(most)
                .map(|p| JobProblem {
                    row: p.row,
                    column: p.column.clone(),
                    value: p.value.clone(),
                    vi: p.message_vi.clone(),
                    en: p.message_en.clone(),
                })
                .collect()
        };
        let count = |key: &str| {
            report
                .reconciliation
                .as_ref()
                .and_then(|r| r.get(key))
                .and_then(serde_json::Value::as_u64)
                .unwrap_or(0)
        };
        JobResult {
            file: report.file.clone(),
            outcome: report.outcome.as_str().to_owned(),
            template: template.to_owned(),
            import_id: report.import_id,
            total: report.rows.total,
            created: report.rows.created,
            updated: report.rows.updated,
            unchanged: report.rows.unchanged,
            refused: report.rows.invalid,
            errors: kept(&report.errors, ERRORS_KEPT),
            errors_total: report.errors.len(),
            warnings: kept(&report.warnings, WARNINGS_KEPT),
            warnings_total: report.warnings.len(),
            error_workbook: report.import_id.filter(|_| !report.errors.is_empty()),
            recognised: report
                .columns
                .iter()
                .flat_map(|c| &c.recognised)
                .map(|m| {
                    (
                        m.column.clone(),
                        m.header.clone(),
                        m.field.to_owned(),
                        m.how.to_owned(),
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
                .map(|f| f.field.to_owned())
                .collect(),
            profile: report.columns.as_ref().and_then(|c| c.profile.clone()),
            statement: report.reconciliation.as_ref().map(|_| StatementCounts {
                by_reference: count("by_reference"),
                by_details: count("by_details"),
                lines_unmatched: count("lines_unmatched"),
                payments_unmatched: count("payments_unmatched"),
                cases_reconciled: count("cases_reconciled"),
            }),
            refusal: None,
        }
    }

    /// A job whose import was refused before reading (the page says why; nothing written).
    fn refused(file: &str, template: &str, e: &crate::services::imports::ImportError) -> Self {
        use crate::services::imports::ImportError;
        let refusal = match e {
            ImportError::UnknownUnit(code) => Refusal {
                status: 404,
                vi: format!(
                    "Không có đơn vị “{code}” trong các đơn vị bạn được giao; kiểm tra mã đơn vị. Không có gì được ghi."
                ),
                en: format!(
                    "No unit “{code}” among the units assigned to you; check the unit code. Nothing was written."
                ),
            },
            _ => Refusal {
                status: 500,
                vi: "Lỗi hệ thống khi nhập tệp; không có gì được ghi. Hãy thử lại sau ít phút hoặc báo quản trị.".to_owned(),
                en: "The service failed while importing; nothing was written. Try again in a few minutes or tell the administrator.".to_owned(),
            },
        };
        JobResult {
            file: file.to_owned(),
            outcome: "failed".to_owned(),
            template: template.to_owned(),
            refusal: Some(refusal),
            ..JobResult::default()
        }
    }

    /// The result in the page's language.
    fn view(&self, en: bool) -> UploadResult {
        let n = |v: u64| crate::present::count(i64::try_from(v).unwrap_or(i64::MAX), en);
        let statement = self.statement.as_ref().map_or_else(Vec::new, |c| {
            let rows: [(&'static str, &'static str, u64); 5] = [
                (
                    "Dòng khớp theo số tham chiếu",
                    "Lines matched by reference",
                    c.by_reference,
                ),
                (
                    "Dòng khớp theo thông tin người nhận",
                    "Lines matched by details",
                    c.by_details,
                ),
                ("Dòng chưa khớp", "Lines unmatched", c.lines_unmatched),
                (
                    "Khoản chi chưa khớp",
                    "Payments unmatched",
                    c.payments_unmatched,
                ),
                (
                    "Hồ sơ đã đối chiếu xong",
                    "Cases reconciled",
                    c.cases_reconciled,
                ),
            ];
            rows.into_iter()
                .map(|(vi, english, v)| (if en { english } else { vi }, n(v)))
                .collect()
        });
        UploadResult {
            file: self.file.clone(),
            outcome: crate::present::outcome(&self.outcome, en),
            alert: self.errors_total > 0,
            total: n(u64::from(self.total)),
            created: n(u64::from(self.created)),
            updated: n(u64::from(self.updated)),
            unchanged: n(u64::from(self.unchanged)),
            refused: n(u64::from(self.refused)),
            errors_total: n(self.errors_total as u64),
            warnings_total: n(self.warnings_total as u64),
            errors_cut: self.errors_total > self.errors.len(),
            warnings_cut: self.warnings_total > self.warnings.len(),
            warnings: problem_lines(&self.warnings, en),
            errors: problem_lines(&self.errors, en),
            error_workbook: self.error_workbook,
            statement,
            recognised: self
                .recognised
                .iter()
                .map(|(column, header, field, how)| {
                    (
                        column.clone(),
                        header.clone(),
                        field_words(&self.template, field, en),
                        how.clone(),
                    )
                })
                .collect(),
            unread: self.unread.clone(),
            missing: self
                .missing
                .iter()
                .map(|f| field_words(&self.template, f, en))
                .collect(),
            template: self.template.clone(),
            profile: self.profile.clone(),
        }
    }
}

/// The phases of a job, in the order they come, as the import reports them.
const PHASES: [&str; 4] = ["queued", "read", "compute", "write"];

/// A phase in words.
fn phase_words(phase: &str, kind: &str, en: bool) -> &'static str {
    match (phase, en) {
        ("queued", false) => "Đang chờ bắt đầu",
        ("queued", true) => "Waiting to start",
        ("read", false) => "Đang đọc và kiểm tra từng ô",
        ("read", true) => "Reading and checking every cell",
        ("compute", false) => "Đang tính chế độ",
        ("compute", true) => "Computing entitlements",
        ("write", false) if kind == "statement" => "Đang ghi và đối chiếu",
        ("write", true) if kind == "statement" => "Writing and reconciling",
        ("write", false) => "Đang ghi",
        ("write", true) => "Writing",
        (_, false) => "Đã xong",
        (_, true) => "Finished",
    }
}

/// Where a running import is, for its job: the import's threads update it; one reporter
/// thread writes it to the job's row at most every [`TICK`], on a connection of its own (on
/// SQLite that write waits while the import's write transaction holds the lock, so the page
/// shows "writing" once the reporter gets through).
#[derive(Default)]
struct Tracker {
    phase: std::sync::atomic::AtomicUsize,
    done: std::sync::atomic::AtomicU64,
    total: std::sync::atomic::AtomicU64,
    changed: std::sync::atomic::AtomicBool,
    over: std::sync::atomic::AtomicBool,
}

/// How often a job's progress is written.
const TICK: std::time::Duration = std::time::Duration::from_millis(400);

impl crate::services::imports::ImportProgress for Tracker {
    fn update(&self, phase: &'static str, done: u64, total: u64) {
        use std::sync::atomic::Ordering::Release;
        let index = PHASES.iter().position(|p| *p == phase).unwrap_or(0);
        self.phase.store(index, Release);
        self.done.store(done, Release);
        self.total.store(total, Release);
        self.changed.store(true, Release);
    }
}

impl Tracker {
    /// Writes the progress to the job until [`Tracker::end`]; a write that fails is tried again
    /// at the next tick (the progress is for display only).
    fn report(&self, db: &crate::db::Db, token: &str) {
        use std::sync::atomic::Ordering::{AcqRel, Acquire, Release};
        loop {
            std::thread::park_timeout(TICK);
            if self.over.load(Acquire) {
                return;
            }
            if !self.changed.swap(false, AcqRel) {
                continue;
            }
            let phase = PHASES
                .get(self.phase.load(Acquire))
                .copied()
                .unwrap_or("queued");
            let done = i64::try_from(self.done.load(Acquire)).unwrap_or(i64::MAX);
            let total = i64::try_from(self.total.load(Acquire)).unwrap_or(i64::MAX);
            let written = db
                .try_get()
                .map(|mut conn| crate::db::jobs::report(&mut conn, token, phase, done, total));
            if !matches!(written, Some(Ok(()))) {
                self.changed.store(true, Release);
            }
        }
    }

    fn end(&self) {
        self.over.store(true, std::sync::atomic::Ordering::Release);
    }
}

/// Imports a file (uploaded, or held by the mapping step: `held` is its token, dropped once
/// the import has run) as a job recorded in the database. Answers with the result if the
/// import ends within `upload_wait`; otherwise with a redirect to the job's page, which
/// refreshes itself until the result (the import goes on in the background).
async fn run_upload(
    state: &web::Data<AppState>,
    s: &Session,
    req: &HttpRequest,
    draft: crate::db::drafts::Draft,
    options: ReadOptions,
    choices: UploadChoices,
    held: Option<String>,
) -> Result<HttpResponse, AppError> {
    let (_, template) = upload_kind(&draft.kind)?;
    let user = s.caller.user_id;
    let (kind, name) = (draft.kind.clone(), draft.file_name.clone());
    let token = state
        .db
        .run(move |conn| Ok(crate::db::jobs::start(conn, user, &kind, &name)?))
        .await?;
    let work = Job {
        token: token.clone(),
        actor: s.actor(req),
        draft,
        options,
        choices,
        held,
        template,
    };
    let running = state.clone();
    let mut handle = actix_web::rt::spawn(async move {
        let outcome = work.run(running).await;
        if let Err(e) = &outcome {
            tracing::error!(error = %e, "upload job could not record its result");
        }
        outcome
    });
    let en = is_en(req, None);
    match actix_web::rt::time::timeout(state.settings.upload_wait, &mut handle).await {
        Ok(joined) => {
            let (result, failure) = joined.map_err(|e| {
                AppError::Internal(anyhow::Error::new(e).context("import job failed"))
            })??;
            match failure {
                Some(e) => Err(e),
                None => upload_page(s, en, None, Some(result.view(en)), None, None),
            }
        }
        Err(_) => Ok(HttpResponse::SeeOther()
            .insert_header((
                actix_web::http::header::LOCATION,
                format!("/nhap/viec/{token}"),
            ))
            .finish()),
    }
}

/// One upload's import, run in the background.
struct Job {
    token: String,
    actor: crate::services::Actor,
    draft: crate::db::drafts::Draft,
    options: ReadOptions,
    choices: UploadChoices,
    held: Option<String>,
    template: &'static str,
}

impl Job {
    /// Runs the import (one transaction, as ever) with a reporter of its progress, then keeps
    /// the result on the job: the result, and the refusal as the request would answer it.
    async fn run(
        self,
        state: web::Data<AppState>,
    ) -> Result<(JobResult, Option<AppError>), AppError> {
        let db = state.db.clone();
        let policy = state.policy.clone();
        let matching = state.settings.matching;
        state
            .db
            .run(move |conn| {
                let Job {
                    token,
                    actor,
                    draft,
                    options,
                    choices,
                    held,
                    template,
                } = self;
                let crate::db::drafts::Draft {
                    kind,
                    unit_code,
                    file_name,
                    bytes,
                } = draft;
                let tracker = Tracker::default();
                let outcome = std::thread::scope(|scope| {
                    let reporter = scope.spawn(|| tracker.report(&db, &token));
                    let outcome = import(
                        conn,
                        &policy,
                        &actor,
                        &kind,
                        file_name.clone(),
                        unit_code,
                        options,
                        &choices,
                        matching,
                        &bytes,
                        &tracker,
                    );
                    tracker.end();
                    reporter.thread().unpark();
                    if reporter.join().is_err() {
                        tracing::warn!("import progress reporter stopped");
                    }
                    outcome
                });
                let (result, failure) = match outcome {
                    Ok(report) => {
                        if let Some(held) = &held {
                            crate::db::drafts::drop(conn, held)?;
                        }
                        (JobResult::of(&report, template), None)
                    }
                    Err(e) => {
                        // Logged here: after a redirect nobody reads the request's answer.
                        tracing::warn!(error = %e, kind = %kind, "upload job refused");
                        (
                            JobResult::refused(&file_name, template, &e),
                            Some(super::imports_api::import_error(e)),
                        )
                    }
                };
                let json = serde_json::to_string(&result)
                    .map_err(|e| AppError::Internal(anyhow::Error::new(e)))?;
                crate::db::jobs::finish(conn, &token, result.import_id, &json)?;
                Ok((result, failure))
            })
            .await
    }
}

/// The import of one kind of file, reporting to `progress`.
#[allow(clippy::too_many_arguments)]
fn import(
    conn: &mut crate::db::DbConnection,
    policy: &crate::domain::policy::PolicySet,
    actor: &crate::services::Actor,
    kind: &str,
    file_name: String,
    unit_code: String,
    options: ReadOptions,
    choices: &UploadChoices,
    matching: crate::domain::matching::MatchSettings,
    bytes: &[u8],
    progress: &dyn crate::services::imports::ImportProgress,
) -> Result<crate::services::imports::ImportReport, crate::services::imports::ImportError> {
    use crate::services::imports;
    if kind == "roster" {
        let request = imports::ImportRequest {
            file_name,
            sheet: choices.sheet.clone(),
            unit_code,
            dry_run: choices.dry_run,
            accept_valid: choices.accept_valid,
            options,
        };
        return imports::import_roster_with_progress(
            conn, policy, actor, &request, bytes, progress,
        );
    }
    let request = imports::LedgerRequest {
        file_name,
        sheet: choices.sheet.clone(),
        unit_code,
        dry_run: choices.dry_run,
        accept_valid: choices.accept_valid,
        options,
        today: crate::db::today_vn(),
        sign: choices.sign,
        matching,
    };
    if kind == "payments" {
        imports::import_payments_with_progress(conn, actor, &request, bytes, progress)
    } else {
        imports::import_statement_with_progress(conn, actor, &request, bytes, progress)
    }
}

/// `GET /nhap/viec/{id}` (`id`: the job's random token): the job of one upload, for the
/// officer who uploaded it. While it runs: its phase and rows done, refreshing itself every
/// two seconds; then its result (or why it was refused); a job that stopped reporting says
/// that nothing of it was written.
pub async fn job_page(
    state: web::Data<AppState>,
    s: Session,
    req: HttpRequest,
    path: web::Path<String>,
) -> Result<HttpResponse, AppError> {
    let token = path.into_inner();
    let user = s.caller.user_id;
    let job = state
        .db
        .run(move |conn| Ok(crate::db::jobs::find(conn, user, &token)?))
        .await?
        .ok_or(AppError::NotFound)?;
    let en = is_en(&req, None);
    if let Some(result) = &job.result {
        let result: JobResult = serde_json::from_str(result)
            .map_err(|e| AppError::Internal(anyhow::Error::new(e).context("job result")))?;
        if let Some(r) = &result.refusal {
            return upload_page(
                &s,
                en,
                Some(if en { &r.en } else { &r.vi }),
                None,
                None,
                None,
            );
        }
        return upload_page(&s, en, None, Some(result.view(en)), None, None);
    }
    if job.cut_short(crate::db::now()) {
        let message = if en {
            "This import stopped before it ended (the service was restarted). Nothing of it was written: upload the file again."
        } else {
            "Lần nhập này đã dừng trước khi xong (dịch vụ khởi động lại). Không có gì của lần nhập được ghi: hãy nhập lại tệp."
        };
        return upload_page(&s, en, Some(message), None, None, None);
    }
    let (done, total) = (
        u64::try_from(job.rows_done).unwrap_or(0),
        u64::try_from(job.rows_total).unwrap_or(0),
    );
    let count = |v: u64, en: bool| crate::present::count(i64::try_from(v).unwrap_or(i64::MAX), en);
    let rows = if total == 0 {
        String::new()
    } else if en {
        format!("{} / {} rows", count(done, en), count(total, en))
    } else {
        format!("{} / {} dòng", count(done, en), count(total, en))
    };
    let view = JobView {
        file: job.file_name.clone(),
        kind: crate::http::pages::imports::kind_words(&job.kind, en),
        phase: phase_words(&job.phase, &job.kind, en),
        rows,
        percent: u8::try_from((done.min(total) * 100).checked_div(total).unwrap_or(0))
            .unwrap_or(100),
        started: crate::present::date_time(crate::domain::vn_time::local(job.created_at)),
    };
    upload_page(&s, en, None, None, None, Some(view))
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
