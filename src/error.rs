//! Errors and how they reach people.
//!
//! Policy:
//! - Errors a caller branches on are variants of [`AppError`] (thiserror); the unexpected is
//!   [`AppError::Internal`] wrapping an `anyhow::Error` with context.
//! - This module is the one place that maps errors to HTTP. Every error body is one envelope:
//!   `{"error": {"code", "message", "message_vi", "message_en", "details"?}}` where `code` is
//!   stable and machine-readable and `message` is the English text (kept for API clients).
//! - A 500 body never carries internals: the cause goes to the log (without personal data),
//!   the body says only that something failed, with the request id in the `x-request-id`
//!   header to quote to support.

use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpResponse, ResponseError};
use serde::Serialize;
use utoipa::ToSchema;

/// The JSON error envelope, as documented in the OpenAPI document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorEnvelope {
    pub error: ErrorBody,
}

/// The body of an error: a stable code and messages in English and Vietnamese.
#[derive(Debug, Serialize, ToSchema)]
pub struct ErrorBody {
    /// Stable machine-readable code, e.g. `not_found`, `validation_failed`.
    pub code: &'static str,
    /// English message (same as `message_en`).
    pub message: String,
    pub message_vi: String,
    pub message_en: String,
    /// Per-field or per-row problems, when there are any.
    #[serde(skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<serde_json::Value>)]
    pub details: Option<serde_json::Value>,
}

/// A problem with one field of a request.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

/// Every error the service answers with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("not found")]
    NotFound,
    #[error("authentication required")]
    Unauthenticated,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("invalid request: {message_en}")]
    BadRequest {
        code: &'static str,
        message_vi: String,
        message_en: String,
    },
    #[error("validation failed")]
    Validation(Vec<FieldProblem>),
    #[error("conflict: {message_en}")]
    Conflict {
        code: &'static str,
        message_vi: String,
        message_en: String,
    },
    /// A 409 with per-item results in `details` (e.g. a bulk action refused by some cases).
    #[error("refused: {message_en}")]
    Refused {
        code: &'static str,
        message_vi: String,
        message_en: String,
        details: serde_json::Value,
    },
    #[error("too many attempts")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("request too large")]
    PayloadTooLarge,
    /// A body in a format the endpoint does not read (a JSON endpoint sent `text/plain`).
    #[error("unsupported content type")]
    UnsupportedMediaType,
    #[error("service unavailable")]
    Unavailable,
    /// A 503 with the reason: this installation lacks what the request needs (LibreOffice for
    /// a PDF).
    #[error("not available here: {message_en}")]
    NotAvailableHere {
        code: &'static str,
        message_vi: String,
        message_en: String,
    },
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 400 with a stable code and both languages.
    pub fn bad_request(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::BadRequest {
            code,
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }

    /// A 409 with a stable code and both languages.
    pub fn conflict(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Self {
        AppError::Conflict {
            code,
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }

    pub fn body(&self) -> ErrorBody {
        let (code, vi, en, details): (&'static str, String, String, Option<serde_json::Value>) =
            match self {
                AppError::NotFound => (
                    "not_found",
                    "Không tìm thấy.".into(),
                    "Not found.".into(),
                    None,
                ),
                AppError::Unauthenticated => (
                    "unauthenticated",
                    "Cần đăng nhập, hoặc phiên đăng nhập đã hết hạn.".into(),
                    "Authentication required, or the session has expired.".into(),
                    None,
                ),
                AppError::Forbidden => (
                    "forbidden",
                    "Vai trò của bạn không được phép thực hiện thao tác này.".into(),
                    "Your role is not allowed to do this.".into(),
                    None,
                ),
                AppError::BadRequest {
                    code,
                    message_vi,
                    message_en,
                }
                | AppError::Conflict {
                    code,
                    message_vi,
                    message_en,
                }
                | AppError::NotAvailableHere {
                    code,
                    message_vi,
                    message_en,
                } => (code, message_vi.clone(), message_en.clone(), None),
                AppError::Refused {
                    code,
                    message_vi,
                    message_en,
                    details,
                } => (
                    code,
                    message_vi.clone(),
                    message_en.clone(),
                    Some(details.clone()),
                ),
                AppError::Validation(problems) => (
                    "validation_failed",
                    "Dữ liệu gửi lên không hợp lệ.".into(),
                    "The request is not valid.".into(),
                    serde_json::to_value(problems).ok(),
                ),
                AppError::TooManyRequests { .. } => (
                    "too_many_requests",
                    "Quá nhiều lần thử. Vui lòng thử lại sau.".into(),
                    "Too many attempts. Please try again later.".into(),
                    None,
                ),
                AppError::PayloadTooLarge => (
                    "payload_too_large",
                    "Dữ liệu gửi lên quá lớn.".into(),
                    "The request is too large.".into(),
                    None,
                ),
                AppError::UnsupportedMediaType => (
                    "unsupported_content_type",
                    "Nội dung phải là JSON (Content-Type: application/json).".into(),
                    "The body must be JSON (Content-Type: application/json).".into(),
                    None,
                ),
                AppError::Unavailable => (
                    "unavailable",
                    "Dịch vụ tạm thời không sẵn sàng.".into(),
                    "The service is temporarily unavailable.".into(),
                    None,
                ),
                AppError::Internal(_) => (
                    "internal_error",
                    "Đã có lỗi xảy ra. Vui lòng báo mã yêu cầu (x-request-id) cho bộ phận hỗ trợ."
                        .into(),
                    "Something went wrong. Please quote the request id (x-request-id) to support."
                        .into(),
                    None,
                ),
            };
        ErrorBody {
            code,
            message: en.clone(),
            message_vi: vi,
            message_en: en,
            details,
        }
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::NotFound => StatusCode::NOT_FOUND,
            AppError::Unauthenticated => StatusCode::UNAUTHORIZED,
            AppError::Forbidden => StatusCode::FORBIDDEN,
            AppError::BadRequest { .. } => StatusCode::BAD_REQUEST,
            AppError::Validation(_) => StatusCode::UNPROCESSABLE_ENTITY,
            AppError::Conflict { .. } | AppError::Refused { .. } => StatusCode::CONFLICT,
            AppError::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::PayloadTooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            AppError::UnsupportedMediaType => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            AppError::Unavailable | AppError::NotAvailableHere { .. } => {
                StatusCode::SERVICE_UNAVAILABLE
            }
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = %format!("{cause:#}"), "internal error");
        }
        let mut response = HttpResponse::build(self.status_code());
        match self {
            AppError::Unauthenticated => {
                response
                    .insert_header((header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer")));
            }
            AppError::TooManyRequests { retry_after_secs } => {
                response.insert_header((header::RETRY_AFTER, retry_after_secs.to_string()));
            }
            _ => {}
        }
        response.json(ErrorEnvelope { error: self.body() })
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(err: diesel::result::Error) -> Self {
        match err {
            diesel::result::Error::NotFound => AppError::NotFound,
            other => AppError::Internal(anyhow::Error::new(other).context("database query")),
        }
    }
}

impl From<crate::db::PoolError> for AppError {
    fn from(err: crate::db::PoolError) -> Self {
        tracing::warn!(error = %err, "no database connection available");
        AppError::Unavailable
    }
}

impl From<validator::ValidationErrors> for AppError {
    fn from(errors: validator::ValidationErrors) -> Self {
        let mut problems: Vec<FieldProblem> = errors
            .field_errors()
            .into_iter()
            .flat_map(|(field, errs)| {
                errs.iter().map(move |e| FieldProblem {
                    field: field.to_string(),
                    code: e.code.to_string(),
                    message_vi: e
                        .message
                        .as_ref()
                        .map(|m| m.to_string())
                        .unwrap_or_else(|| format!("Trường {field} không hợp lệ.")),
                    message_en: format!("Field {field} is not valid ({}).", e.code),
                })
            })
            .collect();
        problems.sort_by(|a, b| a.field.cmp(&b.field));
        AppError::Validation(problems)
    }
}

/// Result alias for application code.
pub type AppResult<T> = Result<T, AppError>;
