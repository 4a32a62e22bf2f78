//! Roster imports over HTTP: `POST /api/v1/imports` (multipart, field `file`) and
//! `GET /api/v1/imports/{id}`. The import runs on the blocking pool; its record and problems
//! live in the database, so any instance can answer for it.

use actix_multipart::Multipart;
use actix_web::{HttpRequest, HttpResponse, web};
use futures_util::StreamExt as _;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{AppState, request_id};
use crate::auth::Caller;
use crate::db::imports::{self, ImportRow};
use crate::db::units;
use crate::error::AppError;
use crate::import::ReadOptions;
use crate::import::recognize::ColumnMap;
use crate::services::imports::{ImportError, ImportRequest, import_roster};

/// Options of an upload, as query parameters.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UploadQuery {
    /// The submitting unit (default: the caller's only unit).
    pub unit: Option<String>,
    /// Sheet to read.
    pub sheet: Option<String>,
    /// Check everything, write nothing.
    pub dry_run: Option<bool>,
    /// Store the valid rows and report the others.
    pub accept_valid: Option<bool>,
    /// Columns mapped by hand: `FIELD=HEADER` pairs separated by `;` or new lines (e.g.
    /// `national_id=Số CC;full_name=Tên`), as `--map` on the command line.
    #[param(schema_with = map_schema)]
    pub map: Option<String>,
    /// Save `map` for the unit under this name: the next file of the same header shape uses
    /// it without `map`.
    pub profile: Option<String>,
}

/// The schema of the `map` parameter: `FIELD=HEADER` pairs separated by `;` or new lines,
/// each side with something besides spaces.
pub fn map_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    const PAIR: &str = r"[^=;\n]*[^=;\n\s][^=;\n]*=[^;\n]*[^;\n\s][^;\n]*";
    crate::http::schema::json_schema(serde_json::json!({
        "type": "string", "maxLength": 4000,
        "pattern": format!("^{PAIR}([;\\n]{PAIR})*$")
    }))
}

/// Longest `map` parameter (characters), as its schema says.
const MAP_CHARS: usize = 4000;

/// The `map` parameter of an API upload: `FIELD=HEADER` pairs separated by `;` or new lines
/// (one trailing new line allowed), each side with something besides blanks — exactly what
/// [`map_schema`] admits, so a request is refused if and only if its schema refuses it.
pub fn parse_mapping(raw: Option<&str>) -> Result<Vec<ColumnMap>, AppError> {
    let Some(raw) = raw else {
        return Ok(Vec::new());
    };
    if raw.chars().count() > MAP_CHARS {
        return Err(mapping_invalid(&format!(
            "longer than {MAP_CHARS} characters"
        )));
    }
    raw.strip_suffix('\n')
        .unwrap_or(raw)
        .split([';', '\n'])
        .map(parse_pair)
        .collect()
}

/// The mapping box of the upload page: the same pairs, blank lines and spaces forgiven.
pub fn parse_mapping_lenient(raw: Option<&str>) -> Result<Vec<ColumnMap>, AppError> {
    raw.unwrap_or_default()
        .split([';', '\n'])
        .filter(|p| !is_blank(p))
        .map(parse_pair)
        .collect()
}

/// Blank as the contract's pattern reads `\s` (Unicode white space and the separators
/// U+001C–U+001F).
fn is_blank(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c))
}

fn parse_pair(pair: &str) -> Result<ColumnMap, AppError> {
    match pair.split_once('=') {
        Some((field, header)) if !is_blank(field) && !is_blank(header) => Ok(ColumnMap {
            field: field.trim().to_owned(),
            header: header.trim().to_owned(),
        }),
        _ => Err(mapping_invalid(&format!(
            "expected FIELD=HEADER (e.g. 'account=STK hưởng'), got {pair:?}"
        ))),
    }
}

fn mapping_invalid(detail: &str) -> AppError {
    AppError::bad_request(
        "mapping_invalid",
        format!(
            "Tham số map không hợp lệ: cần các cặp TRƯỜNG=TIÊU_ĐỀ cách nhau bởi dấu ; ({detail})"
        ),
        format!("Invalid map parameter: FIELD=HEADER pairs separated by ; ({detail})"),
    )
}

/// A file name reduced to its last component, without control characters, at most 200
/// characters: nothing a client sends can point into the file system.
pub fn safe_file_name(raw: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = last.chars().filter(|c| !c.is_control()).take(200).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "upload".into()
    } else {
        cleaned
    }
}

/// Uploads a roster (multipart form, field `file`). Every processed file answers 200 with the
/// import report (`outcome`: imported, unchanged, rejected, partial, failed, dry_run); request
/// problems (no file, too large, unknown unit) answer in the error envelope.
#[utoipa::path(post, path = "/api/v1/imports", tag = "imports", params(UploadQuery),
    request_body(content = UploadForm, content_type = "multipart/form-data", description = "field `file`: the roster"),
    responses((status = 200, description = "the import report, as `staffpay import --json`"),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 413, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn upload(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UploadQuery>,
    form: Multipart,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let max = state.settings.max_upload_bytes;
    let (file_name, bytes) = read_upload(form, max).await?;
    let query = query.into_inner();
    let mapping = parse_mapping(query.map.as_deref())?;
    let unit_code = match query.unit {
        Some(unit) => unit,
        None => only_unit(&state, &caller).await?,
    };
    let request = ImportRequest {
        file_name,
        sheet: query.sheet,
        unit_code,
        dry_run: query.dry_run.unwrap_or(false),
        accept_valid: query.accept_valid.unwrap_or(false),
        options: ReadOptions {
            sheet: None,
            max_rows: u32::try_from(state.settings.max_rows).unwrap_or(u32::MAX),
            max_bytes: max,
            limits: state.settings.read_limits,
            mapping,
            profiles: Vec::new(),
            save_profile: query.profile.clone().filter(|p| !p.trim().is_empty()),
        },
    };
    let actor = request_id::actor(&caller, &req);
    let policy = state.policy.clone();
    let report = state
        .db
        .run(move |conn| {
            import_roster(conn, &policy, &actor, &request, &bytes).map_err(import_error)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// The multipart form of every upload: the field `file` (required), with its file name.
pub struct UploadForm;

impl utoipa::PartialSchema for UploadForm {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        crate::http::schema::json_schema(serde_json::json!({
            "type": "object", "required": ["file"], "additionalProperties": false,
            "properties": {"file": {"type": "string", "format": "binary",
                                    "description": "The workbook or CSV file."}}
        }))
    }
}

impl utoipa::ToSchema for UploadForm {}

/// Reads the multipart field `file` of an API upload: its safe name and bytes, refusing more
/// than `max` bytes as it streams (the rest is never buffered). Options travel in the query,
/// so any other field is refused, as an unknown JSON field is.
pub async fn read_upload(form: Multipart, max: u64) -> Result<(String, Vec<u8>), AppError> {
    let upload = read_form(form, max).await?;
    if !upload.fields.is_empty() {
        return Err(AppError::bad_request(
            "unknown_form_field",
            "Biểu mẫu tải lên chỉ có trường 'file'; các tùy chọn gửi trong tham số truy vấn.",
            "The upload form has only the field 'file'; options go in the query.",
        ));
    }
    Ok((upload.file_name, upload.bytes))
}

/// An upload with the form's other (text) fields.
#[derive(Debug)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
    /// Text fields by name (each at most 4 KB).
    pub fields: std::collections::HashMap<String, String>,
}

/// Reads a multipart form: the field `file` (its safe name and bytes, refusing more than
/// `max` bytes as it streams) and the small text fields beside it.
pub async fn read_form(mut form: Multipart, max: u64) -> Result<Upload, AppError> {
    const FIELD_MAX: usize = 4096;
    let mut file: Option<(String, Vec<u8>)> = None;
    let mut fields = std::collections::HashMap::new();
    while let Some(field) = form.next().await {
        let mut field = field.map_err(bad_form)?;
        let field_name = field.name().unwrap_or_default().to_string();
        let is_file = field_name == "file";
        let name = field
            .content_disposition()
            .and_then(|cd| cd.get_filename())
            .map(safe_file_name)
            .unwrap_or_else(|| "upload".into());
        let mut data = Vec::new();
        while let Some(chunk) = field.next().await {
            let chunk = chunk.map_err(bad_form)?;
            if u64::try_from(data.len() + chunk.len()).unwrap_or(u64::MAX) > max {
                return Err(AppError::PayloadTooLarge);
            }
            if is_file || data.len() + chunk.len() <= FIELD_MAX {
                data.extend_from_slice(&chunk);
            }
        }
        if is_file {
            file = Some((name, data));
        } else {
            fields.insert(field_name, String::from_utf8_lossy(&data).into_owned());
        }
    }
    let (file_name, bytes) = file.ok_or_else(|| {
        AppError::bad_request(
            "file_missing",
            "Thiếu tệp (trường 'file' của biểu mẫu multipart).",
            "No file (multipart form field 'file').",
        )
    })?;
    Ok(Upload {
        file_name,
        bytes,
        fields,
    })
}

/// An import that could not run, as the API answers it.
pub fn import_error(e: ImportError) -> AppError {
    match e {
        ImportError::UnknownUnit(_) => AppError::NotFound,
        ImportError::Database(e) => AppError::from(e),
        ImportError::Other(e) => AppError::Internal(e),
    }
}

fn bad_form(err: actix_multipart::MultipartError) -> AppError {
    AppError::bad_request(
        "invalid_multipart",
        format!("Biểu mẫu tải lên không hợp lệ: {err}"),
        format!("Invalid upload form: {err}"),
    )
}

/// The caller's unit when they have exactly one; otherwise `unit` is required.
pub async fn only_unit(state: &web::Data<AppState>, caller: &Caller) -> Result<String, AppError> {
    let user_id = caller.user_id;
    let codes = state
        .db
        .run(move |conn| {
            let ids = crate::db::users::unit_ids(conn, user_id)?;
            let mut codes = Vec::new();
            for id in ids {
                if let Some(u) = units::find(conn, id)? {
                    codes.push(u.code);
                }
            }
            Ok(codes)
        })
        .await?;
    match codes.as_slice() {
        [one] => Ok(one.clone()),
        _ => Err(AppError::bad_request(
            "unit_required",
            "Cần chỉ rõ đơn vị gửi danh sách (tham số unit).",
            "Name the submitting unit (query parameter unit).",
        )),
    }
}

/// An import and its submitting unit, if that unit is within the scope (else 404).
fn import_in_scope(
    conn: &mut crate::db::DbConnection,
    scope: &units::UnitScope,
    id: i64,
) -> Result<(ImportRow, units::UnitRow), AppError> {
    let import = imports::find(conn, id)?.ok_or(AppError::NotFound)?;
    let unit = units::find(conn, import.unit_id)?.ok_or(AppError::NotFound)?;
    if scope.contains_path(&unit.path) {
        Ok((import, unit))
    } else {
        Err(AppError::NotFound)
    }
}

/// An import and its problems.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportView {
    #[schema(value_type = Object)]
    pub import: ImportRow,
    pub unit_code: String,
    #[schema(value_type = Vec<Object>)]
    pub problems: Vec<serde_json::Value>,
}

/// One import: file, hash, unit, who, when, counts, outcome and its problems (first 10,000).
#[utoipa::path(get, path = "/api/v1/imports/{id}", tag = "imports",
    params(("id" = i64, Path, description = "Import id")),
    responses((status = 200, body = ImportView), (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn get(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let scope = caller.scope.clone();
    let view = state
        .db
        .run(move |conn| {
            let (import, unit) = import_in_scope(conn, &scope, id)?;
            let problems = imports::problems(conn, id, 10_000)?
                .into_iter()
                .map(|p| {
                    serde_json::json!({"severity": p.severity, "sheet": p.sheet, "row": p.row_number,
                        "column": p.column_name, "value": p.cell_value, "code": p.code,
                        "message_vi": p.message_vi, "message_en": p.message_en})
                })
                .collect();
            Ok(ImportView {
                import,
                unit_code: unit.code,
                problems,
            })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}

#[cfg(test)]
mod tests {
    use super::safe_file_name;

    #[test]
    fn file_names_cannot_traverse() {
        assert_eq!(safe_file_name("../../etc/passwd"), "passwd");
        assert_eq!(
            safe_file_name("C:\\Users\\a\\danh sach.xlsx"),
            "danh sach.xlsx"
        );
        assert_eq!(safe_file_name("..."), "upload");
        assert_eq!(safe_file_name("a\u{0}b.csv"), "ab.csv");
        assert_eq!(safe_file_name(&"x".repeat(500)).len(), 200);
    }
}

/// The upload with its problems marked (an added "Lỗi / Errors" column, bad cells highlighted),
/// for an import that had errors; 404 when it had none.
#[utoipa::path(get, path = "/api/v1/imports/{id}/errors.xlsx", tag = "imports",
    params(("id" = i64, Path, description = "Import id")),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 404, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn errors_xlsx(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<i64>,
) -> Result<HttpResponse, AppError> {
    let id = id.into_inner();
    let scope = caller.scope.clone();
    let (file_name, content_type, bytes) = state
        .db
        .run(move |conn| {
            let (import, _) = import_in_scope(conn, &scope, id)?;
            let (_, content_type, bytes) = imports::file(conn, id)?.ok_or(AppError::NotFound)?;
            Ok((import.file_name, content_type, bytes))
        })
        .await?;
    let stem = file_name
        .rsplit_once('.')
        .map_or(file_name.as_str(), |(s, _)| s);
    let download: String = format!("loi-{stem}.xlsx")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            actix_web::http::header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{download}\""),
        ))
        .body(bytes))
}
