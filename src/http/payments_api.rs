//! Payments over HTTP: `POST /api/v1/cases/{id}/payments` records one payment or reversal.

use actix_web::{HttpRequest, HttpResponse, web};
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use validator::Validate;

use super::{AppState, request_id};
use crate::auth::Caller;
use crate::domain::ids::{CaseId, PaymentId};
use crate::domain::money::{
    AmountFormat, AmountTextError, Vnd, amount_from_json_number, parse_amount,
};
use crate::domain::unit::UnitCode;
use crate::error::AppError;
use crate::import::payments::PaymentMethod;
use crate::import::statement::AmountSign;
use crate::services::imports::ImportError;
use crate::services::imports::{LedgerRequest, import_payments, import_statement};
use crate::services::payments::{PaymentRequest, record as record_payment};

/// A payment to record.
#[derive(Debug, Deserialize, Validate, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// The version of the case the caller read (required, as for the review actions): a
    /// payment recorded against a case that changed since is refused (409 `stale_version`).
    #[schema(minimum = 0, maximum = 2147483647)]
    #[serde(deserialize_with = "crate::http::json_body::whole::i32")]
    pub version: i32,
    /// Whole đồng, more than zero: a JSON number whose value is whole (`1000`, `1000.0`), or
    /// a string of digits only (no sign, exponent, decimals, spaces or leading zeros). A
    /// reversal gives the amount of the payment it reverses.
    #[schema(schema_with = amount_schema)]
    pub amount_vnd: Box<serde_json::value::RawValue>,
    /// The day the money left (`YYYY-MM-DD`): not after today, not before the case's decision
    /// date (or 2025-01-01 without one); a reversal not before the payment it reverses.
    pub paid_on: NaiveDate,
    /// `transfer` (default) or `cash`; in Vietnamese `chuyển khoản` or `tiền mặt`.
    #[schema(schema_with = method_schema)]
    pub method: Option<String>,
    /// The paying unit's code (default: the case's unit).
    #[validate(length(max = 50))]
    pub payer_unit: Option<String>,
    /// The transfer's reference (default: the case's payment reference).
    #[validate(length(max = 200))]
    pub reference: Option<String>,
    /// For a reversal: the id of the payment taken back.
    #[serde(default, deserialize_with = "crate::http::json_body::whole::opt_i64")]
    pub reverses: Option<i64>,
}

/// The payment methods the API takes.
fn method_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::http::schema::json_schema(serde_json::json!({
        "type": ["string", "null"],
        "enum": ["transfer", "cash", "chuyển khoản", "tiền mặt", null]
    }))
}

/// The sign conventions of a statement's one signed amount column.
fn sign_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::http::schema::json_schema(serde_json::json!({
        "type": "string", "enum": ["negative_is_debit", "positive_is_debit"]
    }))
}

/// An amount as the API reads it: a whole number above zero, or the same as a string of
/// digits.
fn amount_schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
    crate::http::schema::json_schema(serde_json::json!({
        "oneOf": [
            {"type": "integer", "format": "int64", "minimum": 1},
            {"type": "string", "pattern": "^[1-9][0-9]{0,17}$"}
        ]
    }))
}

/// Whole đồng from a JSON number or a string of digits (the API's front door of
/// [`parse_amount`]): a JSON number whose exact value is whole (`1000`, `1000.0`, `1e3`:
/// JSON and JSON Schema do not tell them apart), or a string of digits only; signs,
/// exponents, decimals, spaces and leading zeros in a string are refused with the reason.
pub fn amount_from_json(value: &serde_json::value::RawValue) -> Result<Vnd, AppError> {
    let text = value.get().trim();
    let result = match text.as_bytes().first() {
        Some(b'"') => match serde_json::from_str::<String>(text) {
            Ok(s) => parse_amount(&s, AmountFormat::Digits),
            Err(_) => Err(AmountTextError::NotDigits),
        },
        Some(b'-' | b'0'..=b'9') => amount_from_json_number(text),
        _ => Err(AmountTextError::NotDigits),
    };
    result.map_err(|e| amount_refusal(e, text))
}

/// Whole đồng as typed in a page form (thousands grouped with dots or spaces allowed).
pub fn amount_from_form(text: &str) -> Result<Vnd, AppError> {
    parse_amount(text, AmountFormat::Typed).map_err(|e| amount_refusal(e, text))
}

/// The refusal of an amount, with its stable code and both languages.
pub fn amount_refusal(error: AmountTextError, shown: &str) -> AppError {
    let bad = |code: &'static str, vi: String, en: String| AppError::bad_request(code, vi, en);
    match error {
        AmountTextError::Fractional => bad(
            "amount_not_whole",
            format!("Số tiền {shown} có phần lẻ; số tiền tính bằng đồng, không có phần thập phân"),
            format!("The amount {shown} has decimals; amounts are whole đồng"),
        ),
        AmountTextError::Signed { negative: true } | AmountTextError::Zero => bad(
            "amount_not_positive",
            format!("Số tiền phải lớn hơn 0 (đã nhập {shown}); ghi giảm dùng trường 'reverses'"),
            format!("The amount must be more than zero (got {shown}); a reversal uses 'reverses'"),
        ),
        AmountTextError::TooLarge => bad(
            "amount_invalid",
            format!("Số tiền {shown} quá lớn"),
            format!("The amount {shown} is too large"),
        ),
        AmountTextError::Signed { negative: false }
        | AmountTextError::NotDigits
        | AmountTextError::LeadingZero
        | AmountTextError::Empty => bad(
            "amount_invalid",
            format!(
                "Số tiền {shown} không hợp lệ: chỉ viết các chữ số, không dấu, không số mũ, \
                 không khoảng trắng, không số 0 ở đầu (ví dụ 1000000)"
            ),
            format!(
                "The amount {shown} is not valid: digits only, without a sign, an exponent, \
                 spaces or leading zeros (e.g. 1000000)"
            ),
        ),
    }
}

/// The spellings of a payment method the API takes, as its schema lists them.
const API_METHODS: [(&str, PaymentMethod); 4] = [
    ("transfer", PaymentMethod::Transfer),
    ("cash", PaymentMethod::Cash),
    ("chuyển khoản", PaymentMethod::Transfer),
    ("tiền mặt", PaymentMethod::Cash),
];

/// A payment method from the API: one of [`API_METHODS`] as written (in NFC); absent is a
/// transfer.
pub fn parse_method(text: Option<&str>) -> Result<PaymentMethod, AppError> {
    let Some(t) = text else {
        return Ok(PaymentMethod::Transfer);
    };
    let composed = crate::domain::text::nfc(t);
    API_METHODS
        .iter()
        .find(|(name, _)| *name == composed)
        .map(|(_, method)| *method)
        .ok_or_else(|| method_refusal(t))
}

/// A payment method as a person types it in a page form: case, accents and the usual
/// abbreviations (`CK`, `TM`) do not matter.
pub fn parse_method_typed(text: Option<&str>) -> Result<PaymentMethod, AppError> {
    match text {
        None => Ok(PaymentMethod::Transfer),
        Some(t) => PaymentMethod::from_folded(&crate::domain::text::fold_key(t))
            .ok_or_else(|| method_refusal(t)),
    }
}

fn method_refusal(t: &str) -> AppError {
    AppError::bad_request(
        "method_invalid",
        format!("Hình thức chi '{t}' không hợp lệ: chuyển khoản hoặc tiền mặt"),
        format!("Unknown payment method '{t}': transfer or cash"),
    )
}

/// Records a payment (or, with `reverses`, a reversal) on a case. Refused with the reason
/// (409) when the case is not payable, the total would exceed the entitlement, the same
/// payment is already recorded, or the caller approved the case.
#[utoipa::path(post, path = "/api/v1/cases/{id}/payments", tag = "payments",
    params(("id" = i64, Path, description = "Case id")),
    request_body = PaymentBody,
    responses((status = 201, description = "the payment and the case's new state"),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 409, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn record(
    state: web::Data<AppState>,
    caller: Caller,
    id: web::Path<CaseId>,
    body: web::Json<PaymentBody>,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    let body = body.into_inner();
    body.validate()?;
    let request = PaymentRequest {
        amount: amount_from_json(&body.amount_vnd)?,
        paid_on: body.paid_on,
        method: parse_method(body.method.as_deref())?,
        payer_unit: body.payer_unit,
        reference: body.reference,
        reverses: body.reverses.map(PaymentId),
        version: Some(body.version),
    };
    let actor = request_id::actor(&caller, &req);
    let id = id.into_inner();
    let today = crate::db::today_vn();
    let recorded = state
        .db
        .run(move |conn| record_payment(conn, &actor, id, &request, today))
        .await?;
    Ok(HttpResponse::Created().json(serde_json::json!({
        "payment": recorded.payment,
        "case": {"id": recorded.case.id, "state": recorded.case.state,
                 "version": recorded.case.version, "paid_vnd": recorded.case.paid_vnd,
                 "entitled_vnd": recorded.case.entitled_vnd},
    })))
}

/// Options of a payment-list or statement upload, as query parameters.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct LedgerQuery {
    /// The paying unit (payment list) or the account holder (statement); default: the
    /// caller's only unit.
    pub unit: Option<String>,
    pub sheet: Option<String>,
    pub dry_run: Option<bool>,
    pub accept_valid: Option<bool>,
    /// Statements with one signed amount column: `negative_is_debit` (default, as bank
    /// exports print them) or `positive_is_debit`.
    #[param(schema_with = sign_schema)]
    pub sign: Option<String>,
    /// Columns mapped by hand: `FIELD=HEADER` pairs separated by `;` or new lines (e.g.
    /// `account=STK hưởng;description=Nội dung CK`), as `--map` on the command line.
    #[param(schema_with = super::imports_api::map_schema)]
    pub map: Option<String>,
    /// Save `map` for the unit under this name: the next file of the same header shape uses
    /// it without `map`.
    pub profile: Option<String>,
}

async fn ledger_upload(
    state: web::Data<AppState>,
    caller: Caller,
    query: LedgerQuery,
    form: actix_multipart::Multipart,
    req: HttpRequest,
    import: fn(
        &mut crate::db::DbConnection,
        &crate::services::Actor,
        &LedgerRequest,
        &[u8],
    ) -> Result<crate::services::imports::ImportReport, ImportError>,
) -> Result<HttpResponse, AppError> {
    let max = state.settings.max_upload_bytes;
    let mapping = super::imports_api::parse_mapping(query.map.as_deref())?;
    let (file_name, bytes) = super::imports_api::read_upload(form, max).await?;
    let unit_code = match query.unit {
        Some(unit) => unit,
        None => super::imports_api::only_unit(&state, &caller).await?,
    };
    let sign = match query.sign.as_deref() {
        None | Some("negative_is_debit") => AmountSign::NegativeIsDebit,
        Some("positive_is_debit") => AmountSign::PositiveIsDebit,
        Some(other) => {
            return Err(AppError::bad_request(
                "sign_invalid",
                format!(
                    "Tham số sign '{other}' không hợp lệ: negative_is_debit hoặc positive_is_debit"
                ),
                format!("Unknown sign '{other}': negative_is_debit or positive_is_debit"),
            ));
        }
    };
    let request = LedgerRequest {
        file_name,
        sheet: query.sheet,
        unit_code,
        dry_run: query.dry_run.unwrap_or(false),
        accept_valid: query.accept_valid.unwrap_or(false),
        options: crate::import::ReadOptions {
            sheet: None,
            max_rows: u32::try_from(state.settings.max_rows).unwrap_or(u32::MAX),
            max_bytes: max,
            limits: state.settings.read_limits,
            mapping,
            profiles: Vec::new(),
            save_profile: query.profile.clone().filter(|p| !p.trim().is_empty()),
        },
        today: crate::db::today_vn(),
        sign,
        matching: state.settings.matching,
    };
    let actor = request_id::actor(&caller, &req);
    let report = state
        .db
        .run(move |conn| {
            import(conn, &actor, &request, &bytes).map_err(super::imports_api::import_error)
        })
        .await?;
    Ok(HttpResponse::Ok().json(report))
}

/// Imports a payment list (multipart field `file`: xlsx/xls/ods/csv with the payment
/// reference, amount and date of each payment). Answers 200 with the import report, as
/// `staffpay payments import --json`.
#[utoipa::path(post, path = "/api/v1/payments/imports", tag = "payments", params(LedgerQuery),
    request_body(content = super::imports_api::UploadForm, content_type = "multipart/form-data", description = "field `file`: the payment list"),
    responses((status = 200, description = "the import report"),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 413, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn import_payment_list(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<LedgerQuery>,
    form: actix_multipart::Multipart,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    ledger_upload(
        state,
        caller,
        query.into_inner(),
        form,
        req,
        import_payments,
    )
    .await
}

/// Imports a State Treasury or bank statement and reconciles it with the recorded payments.
/// Answers 200 with the import report and what the matcher did (`reconciliation`).
#[utoipa::path(post, path = "/api/v1/statements/imports", tag = "payments", params(LedgerQuery),
    request_body(content = super::imports_api::UploadForm, content_type = "multipart/form-data", description = "field `file`: the statement"),
    responses((status = 200, description = "the import report with `reconciliation`"),
              (status = 400, body = crate::error::ErrorEnvelope),
              (status = 404, body = crate::error::ErrorEnvelope),
              (status = 413, body = crate::error::ErrorEnvelope)),
    security(("bearer" = [])))]
pub async fn import_statement_file(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<LedgerQuery>,
    form: actix_multipart::Multipart,
    req: HttpRequest,
) -> Result<HttpResponse, AppError> {
    ledger_upload(
        state,
        caller,
        query.into_inner(),
        form,
        req,
        import_statement,
    )
    .await
}

/// Statement lines and payments not (yet) matched.
#[derive(Debug, serde::Serialize, ToSchema)]
pub struct Unmatched {
    pub lines: Vec<crate::db::payments::StatementLineRow>,
    #[schema(value_type = Vec<Object>)]
    pub payments: Vec<serde_json::Value>,
}

/// Filters of the unmatched list.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct UnmatchedQuery {
    /// Only this unit and the units below it.
    pub unit: Option<String>,
}

/// Statement lines that matched no payment (with the reason) and payments that no line
/// confirmed, within the caller's units.
#[utoipa::path(get, path = "/api/v1/reconciliation/unmatched", tag = "payments", params(UnmatchedQuery),
    responses((status = 200, body = Unmatched)),
    security(("bearer" = [])))]
pub async fn unmatched(
    state: web::Data<AppState>,
    caller: Caller,
    query: web::Query<UnmatchedQuery>,
) -> Result<HttpResponse, AppError> {
    let scope = caller.scope.clone();
    let unit = query.into_inner().unit;
    let view = state
        .db
        .run(move |conn| {
            let scope = match unit {
                Some(code) => {
                    let u =
                        crate::db::units::find_in_scope(conn, &scope, &UnitCode::normalize(&code))?
                            .ok_or(AppError::NotFound)?;
                    crate::db::units::UnitScope::Subtrees(vec![u.path])
                }
                None => scope,
            };
            let lines = crate::db::payments::open_lines(conn, &scope)?;
            let payments = crate::db::payments::open_payments(conn, &scope)?
                .into_iter()
                .map(|p| {
                    serde_json::json!({
                        "id": p.id, "case_id": p.case_id, "amount_vnd": p.amount_vnd,
                        "paid_on": p.paid_on, "payment_reference": p.payment_reference,
                        "unit_code": p.unit_code,
                    })
                })
                .collect();
            Ok(Unmatched { lines, payments })
        })
        .await?;
    Ok(HttpResponse::Ok().json(view))
}
