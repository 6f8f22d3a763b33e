//! 系統設定須知 (environment instructions), 檢測健保卡認證 (the environment check) and
//! 最新公告 (announcements).

use axum::extract::State;
use axum::http::HeaderMap;
use axum::http::header::USER_AGENT;
use axum::response::Response;

use crate::app::{Site, render};
use crate::session::S;
use crate::templates::{CheckPage, NewsPage, SetupPage};
use crate::ua;

fn bridge_origin(site: &Site) -> String {
    site.config().bridge_origin.origin().ascii_serialization()
}

/// `GET /setup`.
pub(crate) async fn setup(State(site): State<Site>, S(sess): S) -> Response {
    render(&SetupPage {
        l: site.layout(Some(&sess), "setup-title", "setup"),
        bridge_origin: bridge_origin(&site),
    })
}

/// `GET /setup/check`.
pub(crate) async fn check(State(site): State<Site>, S(sess): S, headers: HeaderMap) -> Response {
    let ua = headers
        .get(USER_AGENT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    render(&CheckPage {
        l: site.layout(Some(&sess), "check-title", "check"),
        env: ua::parse(ua),
        bridge_origin: bridge_origin(&site),
    })
}

/// `GET /news`.
pub(crate) async fn news(State(site): State<Site>, S(sess): S) -> Response {
    render(&NewsPage {
        l: site.layout(Some(&sess), "news-page-title", "news"),
        news: site.news().views(100),
    })
}
