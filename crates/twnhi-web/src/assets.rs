//! Static files, embedded in the binary: the style sheet, the page script, the household
//! certificate picture, the favicon.

use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// The page script (also used by the browser tests to compare its strength meter).
pub const SITE_JS: &str = include_str!("../assets/site.js");
/// The certificate login's page script (manual §六: the bridge lists the certificates and
/// signs the site's challenge).
pub const CERT_JS: &str = include_str!("../assets/cert.js");
/// The style sheet.
pub const SITE_CSS: &str = include_str!("../assets/site.css");
const HOUSEHOLD_SVG: &str = include_str!("../assets/household-certificate.svg");
const FAVICON_SVG: &str = include_str!("../assets/favicon.svg");

/// `GET /static/{file}`.
pub(crate) async fn serve(Path(file): Path<String>) -> Response {
    let (body, mime) = match file.as_str() {
        "site.js" => (SITE_JS, "text/javascript; charset=utf-8"),
        "cert.js" => (CERT_JS, "text/javascript; charset=utf-8"),
        "site.css" => (SITE_CSS, "text/css; charset=utf-8"),
        "household-certificate.svg" => (HOUSEHOLD_SVG, "image/svg+xml"),
        _ => return StatusCode::NOT_FOUND.into_response(),
    };
    let mut resp = body.into_response();
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static(mime));
    // Short cache: the files change with the binary and carry no version in their name.
    resp.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=300"),
    );
    resp
}

/// `GET /favicon.svg` and `GET /favicon.ico`: the site's icon (an SVG; browsers that ask
/// for `/favicon.ico` on their own accept it by its content type).
pub(crate) async fn favicon() -> Response {
    let mut resp = FAVICON_SVG.into_response();
    resp.headers_mut()
        .insert(CONTENT_TYPE, HeaderValue::from_static("image/svg+xml"));
    resp.headers_mut().insert(
        CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=86400"),
    );
    resp
}

/// `GET /healthz`: liveness — `ok` while the process serves (readiness is `/readyz`).
pub(crate) async fn health() -> &'static str {
    "ok"
}
