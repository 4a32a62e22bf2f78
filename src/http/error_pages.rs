//! Errors on page paths answer as pages. Every path outside `/api/` (and the health probes
//! `/healthz`, `/readyz`) that ends in an error
//! (a refusal by a handler, the access middleware, an extractor, an unknown address) is
//! answered with an HTML page in the site's layout, in the person's language, saying what
//! happened and what to do next — never the API's JSON envelope, whose contract stays as it
//! is under `/api/`. The status code, `Retry-After` and any cookie the response set are kept.

use actix_web::body::{BoxBody, MessageBody, to_bytes_limited};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::StatusCode;
use actix_web::http::header::{self, HeaderMap};
use actix_web::middleware::Next;
use actix_web::web;
use actix_web::{HttpRequest, HttpResponse};
use askama::Template;

use super::AppState;
use super::api_headers::API_PREFIX;
use super::lang;
use super::pages::html;

/// The most of an error body read to find its message (the envelope is a few hundred bytes).
const ENVELOPE_LIMIT: usize = 64 * 1024;

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    en: bool,
    status: u16,
    title: &'static str,
    detail: Option<String>,
    items: Vec<String>,
    next: String,
    request_id: Option<String>,
    switch_href: String,
    signed_in: bool,
}

/// Middleware: turns an error response on a page path into an error page.
pub async fn render(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if is_machine_path(req.path()) {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    }
    // What the page needs from the request, taken now: the request cannot be cloned before
    // routing (the router fills in its path parameters).
    let context = Context::of(req.request());
    let response = match next.call(req).await {
        Ok(response) => response.map_into_boxed_body(),
        // A middleware's refusal: answered as the page of the response it stands for.
        Err(error) => {
            let response = error.error_response();
            let status = response.status();
            let headers = response.headers().clone();
            let body = to_bytes_limited(response.into_body(), ENVELOPE_LIMIT)
                .await
                .ok()
                .and_then(Result::ok);
            let page = page_for(&context, status, &headers, body.as_deref());
            return Err(PageError {
                status,
                page,
                headers,
            }
            .into());
        }
    };
    let status = response.status();
    if status.as_u16() < 400 || is_html(response.headers()) {
        return Ok(response);
    }
    let (request, original) = response.into_parts();
    let headers = original.headers().clone();
    let body = to_bytes_limited(original.into_body(), ENVELOPE_LIMIT)
        .await
        .ok()
        .and_then(Result::ok);
    let page = page_for(&context, status, &headers, body.as_deref());
    let replaced = page_response(status, page, &headers);
    Ok(ServiceResponse::new(request, replaced))
}

/// The HTML response of an error page, with the headers of the response it replaces that
/// still matter.
fn page_response(status: StatusCode, page: String, headers: &HeaderMap) -> HttpResponse {
    let mut replaced = html(status, page);
    for name in [
        header::RETRY_AFTER,
        header::SET_COOKIE,
        header::WWW_AUTHENTICATE,
    ] {
        for value in headers.get_all(&name) {
            replaced.headers_mut().append(name.clone(), value.clone());
        }
    }
    replaced
}

/// An error page raised where no response can be returned (an inner middleware's error).
#[derive(Debug)]
struct PageError {
    status: StatusCode,
    page: String,
    headers: HeaderMap,
}

impl std::fmt::Display for PageError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "error page {}", self.status)
    }
}

impl actix_web::ResponseError for PageError {
    fn status_code(&self) -> StatusCode {
        self.status
    }

    fn error_response(&self) -> HttpResponse {
        page_response(self.status, self.page.clone(), &self.headers)
    }
}

/// What an error page needs from its request.
struct Context {
    en: bool,
    upload_mib: Option<u64>,
    request_id: Option<String>,
    signed_in: bool,
    switch_href: String,
}

impl Context {
    fn of(request: &HttpRequest) -> Context {
        let en = lang::is_en(request, None);
        Context {
            en,
            upload_mib: request
                .app_data::<web::Data<AppState>>()
                .map(|s| s.settings.max_upload_bytes.div_ceil(1024 * 1024)),
            request_id: super::request_id::of(request),
            signed_in: request.cookie(super::pages::SESSION_COOKIE).is_some(),
            switch_href: lang::switch_href(request, en),
        }
    }
}

/// Paths answered for programs, not people: the API and the health probes keep their JSON.
fn is_machine_path(path: &str) -> bool {
    path.starts_with(API_PREFIX) || matches!(path, "/healthz" | "/readyz")
}

fn is_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// The messages the API's envelope carried, in the page's language.
struct Envelope {
    code: String,
    message: Option<String>,
    items: Vec<String>,
}

fn envelope(body: Option<&[u8]>, en: bool) -> Envelope {
    let value: serde_json::Value = body
        .and_then(|b| serde_json::from_slice(b).ok())
        .unwrap_or_default();
    let error = &value["error"];
    let key = if en { "message_en" } else { "message_vi" };
    let items = error["details"]
        .as_array()
        .map(|details| {
            details
                .iter()
                .filter_map(|d| {
                    let message = d[key].as_str().or_else(|| d["message"].as_str())?;
                    Some(match d["field"].as_str() {
                        Some(field) => format!("{field}: {message}"),
                        None => message.to_owned(),
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    Envelope {
        code: error["code"].as_str().unwrap_or_default().to_owned(),
        message: error[key].as_str().map(str::to_owned),
        items,
    }
}

/// Codes whose message says no more than the page's title.
const GENERIC: &[&str] = &["not_found", "forbidden", "unauthenticated"];

fn page_for(
    context: &Context,
    status: StatusCode,
    headers: &HeaderMap,
    body: Option<&[u8]>,
) -> String {
    let en = context.en;
    let found = envelope(body, en);
    let detail = found
        .message
        .filter(|_| !GENERIC.contains(&found.code.as_str()));
    let retry_secs = headers
        .get(header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let (title, next) = advice(
        status,
        en,
        retry_secs,
        context.upload_mib,
        context.request_id.as_deref(),
    );
    let page = ErrorPage {
        en,
        status: status.as_u16(),
        title,
        detail,
        items: found.items,
        next,
        request_id: context.request_id.clone(),
        switch_href: context.switch_href.clone(),
        signed_in: context.signed_in,
    };
    page.render().unwrap_or_else(|e| {
        tracing::error!(error = %e, "error page not rendered");
        format!(
            "<!doctype html><title>{}</title><h1>{}</h1>",
            status.as_u16(),
            title
        )
    })
}

/// The page's title and what the person can do next.
fn advice(
    status: StatusCode,
    en: bool,
    retry_secs: Option<u64>,
    upload_mib: Option<u64>,
    request_id: Option<&str>,
) -> (&'static str, String) {
    let pick = |vi: &'static str, english: &'static str| if en { english } else { vi };
    match status.as_u16() {
        400 => (
            pick("Yêu cầu không hợp lệ", "The request is not valid"),
            pick(
                "Kiểm tra lại các ô đã nhập (số tiền, ngày dd/mm/yyyy) rồi gửi lại.",
                "Check what was typed (amounts, dates as dd/mm/yyyy) and send it again.",
            )
            .into(),
        ),
        401 => (
            pick("Cần đăng nhập", "Sign-in needed"),
            pick(
                "Phiên đăng nhập đã hết hạn hoặc chưa đăng nhập: hãy đăng nhập lại.",
                "The session has expired or you are not signed in: sign in again.",
            )
            .into(),
        ),
        403 => (
            pick("Không được phép", "Not allowed"),
            pick(
                "Vai trò của tài khoản này không dùng được chức năng này, hoặc biểu mẫu đã cũ (mở trước lần đăng nhập gần nhất). Tải lại trang rồi thử lại; nếu vẫn bị từ chối, hãy hỏi quản trị viên về vai trò của bạn.",
                "This account's role cannot use this, or the form is stale (opened before the last sign-in). Reload the page and try again; if it is still refused, ask your administrator about your role.",
            )
            .into(),
        ),
        404 => (
            pick("Không tìm thấy", "Not found"),
            pick(
                "Địa chỉ này không có, hoặc hồ sơ, đơn vị không thuộc phạm vi tài khoản được xem. Tìm lại trong danh sách hồ sơ hoặc quay về trang tổng quan.",
                "This address does not exist, or the case or unit is outside what this account may see. Look for it in the case list or go back to the dashboard.",
            )
            .into(),
        ),
        405 => (
            pick("Thao tác không dùng được ở địa chỉ này", "Not available at this address"),
            pick(
                "Hãy mở trang từ thanh điều hướng rồi dùng biểu mẫu trên trang.",
                "Open the page from the navigation bar and use the form on it.",
            )
            .into(),
        ),
        409 => (
            pick("Không thực hiện được", "Could not be done"),
            pick(
                "Hồ sơ có thể vừa được người khác thay đổi. Mở lại trang để xem trạng thái mới nhất rồi làm lại.",
                "The case may just have been changed by someone else. Open the page again to see its latest state, then try again.",
            )
            .into(),
        ),
        413 => (
            pick("Tệp hoặc nội dung quá lớn", "The file or form is too large"),
            match (upload_mib, en) {
                (Some(mib), false) => format!(
                    "Giới hạn là {mib} MB mỗi lần gửi. Chia danh sách thành nhiều tệp nhỏ hơn (ví dụ theo đơn vị) rồi nhập từng tệp."
                ),
                (Some(mib), true) => format!(
                    "The limit is {mib} MB per upload. Split the list into smaller files (for example by unit) and upload each."
                ),
                (None, _) => pick(
                    "Chia danh sách thành nhiều tệp nhỏ hơn rồi nhập từng tệp.",
                    "Split the list into smaller files and upload each.",
                )
                .into(),
            },
        ),
        415 => (
            pick("Định dạng không đọc được", "Format not readable"),
            pick(
                "Gửi lại bằng biểu mẫu trên trang (tệp Excel .xlsx/.xls, .ods hoặc .csv).",
                "Send it again with the form on the page (an Excel .xlsx/.xls, .ods or .csv file).",
            )
            .into(),
        ),
        422 => (
            pick("Dữ liệu chưa hợp lệ", "Some values are not valid"),
            pick(
                "Sửa các mục dưới đây rồi gửi lại.",
                "Correct the items below and send again.",
            )
            .into(),
        ),
        429 => (
            pick("Quá nhiều lần thử", "Too many attempts"),
            match (retry_secs, en) {
                (Some(s), false) => format!(
                    "Vì an toàn, tạm khóa: hãy thử lại sau {}.",
                    crate::present::wait(s, false)
                ),
                (Some(s), true) => format!(
                    "Locked for safety: try again in {}.",
                    crate::present::wait(s, true)
                ),
                (None, _) => pick("Hãy thử lại sau ít phút.", "Try again in a few minutes.").into(),
            },
        ),
        503 => (
            pick("Tạm thời chưa phục vụ được", "Temporarily unavailable"),
            pick(
                "Hệ thống đang bận hoặc thiếu thành phần cho việc này. Thử lại sau ít phút.",
                "The service is busy or lacks what this needs. Try again in a few minutes.",
            )
            .into(),
        ),
        _ => (
            pick("Lỗi hệ thống", "System error"),
            match (request_id, en) {
                (Some(id), false) => format!(
                    "Lỗi đã được ghi lại; dữ liệu không bị thay đổi dở dang. Thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên kèm mã yêu cầu {id}."
                ),
                (Some(id), true) => format!(
                    "The error was logged; nothing was half-changed. Try again in a few minutes; if it persists, tell your administrator the request id {id}."
                ),
                (None, _) => pick(
                    "Lỗi đã được ghi lại. Thử lại sau ít phút; nếu vẫn lỗi, báo quản trị viên.",
                    "The error was logged. Try again in a few minutes; if it persists, tell your administrator.",
                )
                .into(),
            },
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_envelope_gives_its_message_in_the_page_language() {
        let body = r#"{"error":{"code":"invalid_state","message_vi":"Hồ sơ đã được duyệt","message_en":"Already approved","details":[{"field":"amount","message_vi":"phải lớn hơn 0","message_en":"must be positive"}]}}"#.as_bytes();
        let vi = envelope(Some(body), false);
        assert_eq!(vi.message.as_deref(), Some("Hồ sơ đã được duyệt"));
        assert_eq!(vi.items, vec!["amount: phải lớn hơn 0".to_owned()]);
        let en = envelope(Some(body), true);
        assert_eq!(en.message.as_deref(), Some("Already approved"));
        let none = envelope(Some(b"not json"), false);
        assert!(none.message.is_none() && none.items.is_empty());
    }

    #[test]
    fn every_status_says_what_to_do_next() {
        for code in [400, 401, 403, 404, 405, 409, 413, 415, 422, 429, 500, 503] {
            let status = StatusCode::from_u16(code).unwrap();
            let (title, next) = advice(status, false, Some(90), Some(32), Some("r-1"));
            assert!(!title.is_empty() && !next.is_empty(), "{code}");
        }
        let (_, wait) = advice(StatusCode::TOO_MANY_REQUESTS, false, Some(90), None, None);
        assert!(wait.contains("khoảng 2 phút"), "{wait}");
        let (_, big) = advice(StatusCode::PAYLOAD_TOO_LARGE, false, None, Some(32), None);
        assert!(big.contains("32 MB"), "{big}");
        let (_, internal) = advice(
            StatusCode::INTERNAL_SERVER_ERROR,
            true,
            None,
            None,
            Some("r-9"),
        );
        assert!(internal.contains("r-9"), "{internal}");
    }
}
