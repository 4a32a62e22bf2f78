//! The language of a page: Vietnamese unless the person chose English. A `?lang=en` or
//! `?lang=vi` on any page is remembered in the `staffpay_lang` cookie (one year, not secret,
//! `SameSite=Lax` so a link from another site still opens in the chosen language), so the
//! choice survives navigation and form posts; an explicit `lang` in a query or form wins.

use actix_web::HttpRequest;
use actix_web::body::MessageBody;
use actix_web::cookie::{Cookie, SameSite, time::Duration};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;

use super::api_headers::API_PREFIX;

/// The cookie that remembers the chosen language.
pub const COOKIE: &str = "staffpay_lang";

/// `lang=…` in a query string, if it names a language the pages speak.
fn from_query(query: &str) -> Option<&'static str> {
    query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("lang="))
        .find_map(|value| match value {
            "en" => Some("en"),
            "vi" => Some("vi"),
            _ => None,
        })
}

/// Whether a page is in English: `explicit` (a query or form field) first, then the query
/// string, then the remembered choice.
pub fn is_en(req: &HttpRequest, explicit: Option<&str>) -> bool {
    match explicit {
        Some("en") => return true,
        Some("vi") => return false,
        _ => {}
    }
    if let Some(lang) = from_query(req.query_string()) {
        return lang == "en";
    }
    req.cookie(COOKIE).is_some_and(|c| c.value() == "en")
}

/// Middleware: a page opened with `?lang=en` or `?lang=vi` sets the cookie (API paths are
/// left alone: their JSON carries both languages).
pub async fn remember(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let chosen = (!req.path().starts_with(API_PREFIX))
        .then(|| from_query(req.query_string()))
        .flatten();
    let already = req.cookie(COOKIE).map(|c| c.value().to_owned());
    let mut response = next.call(req).await?;
    if let Some(lang) = chosen
        && already.as_deref() != Some(lang)
    {
        let cookie = Cookie::build(COOKIE, lang)
            .path("/")
            .http_only(true)
            .same_site(SameSite::Lax)
            .max_age(Duration::days(365))
            .finish();
        // A response whose headers cannot take the cookie keeps its language per page.
        let _ = response.response_mut().add_cookie(&cookie);
    }
    Ok(response)
}

/// The link that switches the current page to the other language.
pub fn switch_href(req: &HttpRequest, en: bool) -> String {
    let kept: Vec<&str> = req
        .query_string()
        .split('&')
        .filter(|pair| !pair.is_empty() && !pair.starts_with("lang="))
        .collect();
    let mut href = req.path().to_owned();
    href.push('?');
    for pair in kept {
        href.push_str(pair);
        href.push('&');
    }
    href.push_str(if en { "lang=vi" } else { "lang=en" });
    href
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    #[test]
    fn the_query_then_the_cookie_decide() {
        let plain = TestRequest::get().uri("/ho-so").to_http_request();
        assert!(!is_en(&plain, None));
        let asked = TestRequest::get()
            .uri("/ho-so?page=2&lang=en")
            .to_http_request();
        assert!(is_en(&asked, None));
        assert!(!is_en(&asked, Some("vi")));
        let remembered = TestRequest::get()
            .uri("/ho-so")
            .cookie(Cookie::new(COOKIE, "en"))
            .to_http_request();
        assert!(is_en(&remembered, None));
        let overridden = TestRequest::get()
            .uri("/ho-so?lang=vi")
            .cookie(Cookie::new(COOKIE, "en"))
            .to_http_request();
        assert!(!is_en(&overridden, None));
        let unknown = TestRequest::get().uri("/ho-so?lang=fr").to_http_request();
        assert!(!is_en(&unknown, None));
    }

    #[test]
    fn the_switch_keeps_the_rest_of_the_query() {
        let req = TestRequest::get()
            .uri("/ho-so?state=approved&lang=en&page=2")
            .to_http_request();
        assert_eq!(
            switch_href(&req, true),
            "/ho-so?state=approved&page=2&lang=vi"
        );
        let bare = TestRequest::get().uri("/").to_http_request();
        assert_eq!(switch_href(&bare, false), "/?lang=en");
    }
}
