//! The session cookie: reading it from `Cookie`, writing `Set-Cookie`.

use axum::http::HeaderMap;
use axum::http::header::COOKIE;

use crate::config::CookieSecurity;

/// The cookie's name for a secure site: the `__Host-` prefix makes the browser insist on
/// `Secure`, `Path=/` and no `Domain`.
pub const SECURE_NAME: &str = "__Host-twnhi";
/// The cookie's name for the plain-http loopback demo (the prefix needs `Secure`).
pub const PLAIN_NAME: &str = "twnhi";

/// The cookie's name under `security`.
#[must_use]
pub fn name(security: CookieSecurity) -> &'static str {
    match security {
        CookieSecurity::PlainHttpLoopback => PLAIN_NAME,
        CookieSecurity::Secure => SECURE_NAME,
    }
}

/// The value of cookie `name` in the request, if present and made of token characters.
pub(crate) fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    for value in headers.get_all(COOKIE) {
        let Ok(text) = value.to_str() else { continue };
        for pair in text.split(';') {
            let Some((k, v)) = pair.trim().split_once('=') else {
                continue;
            };
            if k == name
                && !v.is_empty()
                && v.len() <= 128
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            {
                return Some(v.to_owned());
            }
        }
    }
    None
}

/// `Set-Cookie` for the session `token`: `HttpOnly`, `SameSite=Lax`, `Path=/`, `Secure`
/// unless plain http on loopback. No `Max-Age`: a session cookie, gone when the browser
/// closes; the server ends idle sessions itself.
pub(crate) fn set(security: CookieSecurity, token: &str) -> String {
    let secure = match security {
        CookieSecurity::Secure => "; Secure",
        CookieSecurity::PlainHttpLoopback => "",
    };
    format!(
        "{}={token}; Path=/; HttpOnly; SameSite=Lax{secure}",
        name(security)
    )
}

/// `Set-Cookie` that deletes the session cookie.
pub(crate) fn clear(security: CookieSecurity) -> String {
    let secure = match security {
        CookieSecurity::Secure => "; Secure",
        CookieSecurity::PlainHttpLoopback => "",
    };
    format!(
        "{}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{secure}",
        name(security)
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_only_well_formed_values() {
        let mut h = HeaderMap::new();
        h.append(
            COOKIE,
            HeaderValue::from_static("a=1; __Host-twnhi=abc_DEF-123; b=2"),
        );
        assert_eq!(read(&h, SECURE_NAME).as_deref(), Some("abc_DEF-123"));
        assert_eq!(read(&h, PLAIN_NAME), None);
        let mut h = HeaderMap::new();
        h.append(COOKIE, HeaderValue::from_static("twnhi=a%20b"));
        assert_eq!(read(&h, PLAIN_NAME), None);
    }

    #[test]
    fn flags() {
        let s = set(CookieSecurity::Secure, "tok");
        assert_eq!(
            s,
            "__Host-twnhi=tok; Path=/; HttpOnly; SameSite=Lax; Secure"
        );
        let s = set(CookieSecurity::PlainHttpLoopback, "tok");
        assert_eq!(s, "twnhi=tok; Path=/; HttpOnly; SameSite=Lax");
        assert!(clear(CookieSecurity::Secure).contains("Max-Age=0"));
    }
}
