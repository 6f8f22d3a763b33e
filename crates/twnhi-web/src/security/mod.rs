//! Web security: response headers (CSP and friends), rate limits, the session cookie and
//! CSRF tokens, the client address.

pub mod cookies;
pub mod csrf;
pub(crate) mod ratelimit;

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, REFERRER_POLICY, RETRY_AFTER,
    STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::app::Site;
use crate::templates::Text;

/// The Content-Security-Policy of every page: nothing but this site's own script and styles,
/// no inline script, connections only to this site and the card bridge, no framing.
pub(crate) fn content_security_policy(bridge_sources: &str) -> String {
    format!(
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         font-src 'self'; connect-src 'self' {bridge_sources}; form-action 'self'; \
         frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    )
}

/// Adds the security headers to every response (a handler may set its own
/// `Cache-Control`; static assets do).
pub(crate) async fn headers(State(site): State<Site>, req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    if !h.contains_key(CONTENT_SECURITY_POLICY) {
        h.insert(CONTENT_SECURITY_POLICY, site.csp_header());
    }
    h.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        HeaderName::from_static("cross-origin-opener-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("cross-origin-resource-policy"),
        HeaderValue::from_static("same-origin"),
    );
    h.insert(
        HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=(), usb=()"),
    );
    if !h.contains_key(CACHE_CONTROL) {
        h.insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if site.is_https() {
        h.insert(
            STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    resp
}

/// The client address: the peer, or the last `X-Forwarded-For` entry when configured.
pub(crate) fn client_ip(site: &Site, headers: &HeaderMap, peer: Option<SocketAddr>) -> IpAddr {
    if site.config().trust_forwarded_for
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse::<IpAddr>().ok())
    {
        return ip;
    }
    peer.map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |p| p.ip())
}

/// The peer address of a request (absent in tests that call the router directly).
pub(crate) fn peer(req: &Request) -> Option<SocketAddr> {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0)
}

/// Refuses requests over the per-address rate with `429` and `Retry-After`.
pub(crate) async fn rate_limit(State(site): State<Site>, req: Request, next: Next) -> Response {
    let ip = client_ip(&site, req.headers(), peer(&req));
    let is_post = req.method() == Method::POST;
    match site.limiter().check(ip, is_post) {
        Ok(()) => next.run(req).await,
        Err(wait) => {
            tracing::warn!(client = %ip, "rate limit reached");
            let secs = wait.as_secs().saturating_add(1);
            let text = Text::id("too-many-requests");
            let mut resp = site.plain_error(StatusCode::TOO_MANY_REQUESTS, &text, wants_json(&req));
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                resp.headers_mut().insert(RETRY_AFTER, v);
            }
            resp
        }
    }
}

/// Whether the client wants JSON (the app API, the page script's fetches).
pub(crate) fn wants_json(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
        || req
            .headers()
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/json"))
}

/// Whether a state-changing request comes from this site's own pages: `Sec-Fetch-Site` (when
/// sent) must be `same-origin` (or `none`: typed by the user), and `Origin` (when sent, and
/// not the opaque `null` some privacy settings send) must be the site's public origin. The
/// CSRF token is checked as well in every case.
pub(crate) fn same_origin(site: &Site, headers: &HeaderMap) -> bool {
    if let Some(fetch_site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok())
        && !matches!(fetch_site, "same-origin" | "none")
    {
        return false;
    }
    match headers.get(axum::http::header::ORIGIN) {
        None => true,
        Some(v) => v
            .to_str()
            .is_ok_and(|o| o == "null" || o.trim_end_matches('/') == site.public_origin()),
    }
}

/// `413` for bodies over the limit, as a page.
pub(crate) fn too_large(site: &Site, json: bool) -> Response {
    site.plain_error(
        StatusCode::PAYLOAD_TOO_LARGE,
        &Text::id("request-too-large"),
        json,
    )
}

/// A bilingual `403` for a missing or wrong CSRF token or a foreign origin.
pub(crate) fn forbidden(site: &Site, json: bool) -> Response {
    let mut resp = site.plain_error(StatusCode::FORBIDDEN, &Text::id("request-forbidden"), json);
    resp.headers_mut()
        .insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp.into_response()
}
