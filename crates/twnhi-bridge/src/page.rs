//! The environment check page at `/` (檢測健保卡認證), like the official component's: browser,
//! OS, supported or not, the reply, and the connection status, with the buttons 讀取健保卡 /
//! 驗證健保卡 / 清除. The script and the style are files of their own, so the page runs under a
//! strict Content Security Policy without any inline script.

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};

const INDEX: &str = include_str!("../assets/index.html");
const SCRIPT: &str = include_str!("../assets/check.js");
const STYLE: &str = include_str!("../assets/check.css");

/// The Content Security Policy of the page: scripts and styles from this origin only, no
/// inline code, connections only back to the bridge (`ws:`/`wss:` spelled out for browsers
/// whose `'self'` does not cover WebSockets), no framing.
pub(crate) fn csp(host: Option<&str>) -> String {
    let connect = match host {
        Some(h) => format!("'self' ws://{h} wss://{h}"),
        None => "'self'".to_owned(),
    };
    format!(
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; \
         connect-src {connect}; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
}

pub(crate) async fn index(headers: HeaderMap) -> Response {
    // The guard has checked the host name against the allow-list before this runs.
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| h.bytes().all(|b| b.is_ascii_graphic()));
    let policy = HeaderValue::from_str(&csp(host))
        .unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"));
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (header::CONTENT_SECURITY_POLICY, policy),
            (header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        INDEX,
    )
        .into_response()
}

pub(crate) async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        SCRIPT,
    )
        .into_response()
}

pub(crate) async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        STYLE,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_has_no_inline_script_or_style() {
        let lower = INDEX.to_ascii_lowercase();
        // Every <script> has a src; no event-handler attributes; no style attributes.
        for (i, _) in lower.match_indices("<script") {
            let tag_end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
            assert!(lower[i..tag_end].contains("src="), "inline script at {i}");
        }
        assert!(!lower.contains(" onclick=") && !lower.contains(" onload="));
        assert!(!lower.contains(" style="));
        assert!(!lower.contains("<style"));
        for text in [
            "讀取健保卡",
            "驗證健保卡",
            "清除",
            "瀏覽器版本",
            "是否支援",
            "回應訊息",
            "連線狀態",
        ] {
            assert!(INDEX.contains(text), "{text}");
        }
        assert!(SCRIPT.contains("伺服器連線正常") && SCRIPT.contains("伺服器連線 失敗"));
    }

    #[test]
    fn policy_is_strict() {
        let p = csp(Some("127.0.0.1:7777"));
        assert!(p.contains("script-src 'self';"));
        assert!(!p.contains("unsafe"));
        assert!(p.contains("ws://127.0.0.1:7777"));
        assert!(p.contains("frame-ancestors 'none'"));
    }
}
