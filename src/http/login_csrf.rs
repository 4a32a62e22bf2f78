//! The sign-in form's CSRF token (login CSRF): without it, another site could post its own
//! username and password to `/dang-nhap` and sign the victim's browser into the attacker's
//! account.
//!
//! The same mechanism as every other form, before there is a session to derive the token
//! from: `GET /dang-nhap` sets a pre-session cookie holding a random nonce (HttpOnly, Secure,
//! SameSite=Strict, only for `/dang-nhap`), and the form carries the keyed hash of that nonce.
//! The sign-in is accepted only when both arrive and agree. A cross-site page can neither read
//! the hash nor set the cookie; instances sharing the secret key accept each other's forms.

use actix_web::HttpRequest;
use actix_web::cookie::{Cookie, SameSite, time::Duration as CookieDuration};
use rand::RngCore;

use crate::auth::SecretKeys;
use crate::services::self_service::same;

/// The pre-session cookie's name.
pub const COOKIE: &str = "staffpay_login";

/// How long a sign-in form stays usable.
const LIFETIME_SECS: i64 = 60 * 60;

/// The nonce of this browser's sign-in form: the one its cookie holds, or a new one.
pub fn nonce(req: &HttpRequest) -> (String, bool) {
    match req
        .cookie(COOKIE)
        .map(|c| c.value().to_string())
        .filter(|n| n.len() == 64 && n.bytes().all(|b| b.is_ascii_hexdigit()))
    {
        Some(existing) => (existing, false),
        None => {
            let mut bytes = [0u8; 32];
            rand::rng().fill_bytes(&mut bytes);
            (hex::encode(bytes), true)
        }
    }
}

/// The form field that goes with `nonce`.
pub fn token(keys: &SecretKeys, nonce: &str) -> String {
    keys.sign("login-csrf", nonce)
}

/// The cookie carrying `nonce`.
pub fn cookie(nonce: String) -> Cookie<'static> {
    Cookie::build(COOKIE, nonce)
        .path("/dang-nhap")
        .http_only(true)
        .secure(true)
        .same_site(SameSite::Strict)
        .max_age(CookieDuration::seconds(LIFETIME_SECS))
        .finish()
}

/// Whether a posted sign-in form carries the token of the nonce in its cookie.
pub fn check(keys: &SecretKeys, req: &HttpRequest, field: Option<&str>) -> bool {
    let Some(cookie) = req.cookie(COOKIE) else {
        return false;
    };
    let Some(field) = field else {
        return false;
    };
    same(token(keys, cookie.value()).as_bytes(), field.as_bytes())
}
