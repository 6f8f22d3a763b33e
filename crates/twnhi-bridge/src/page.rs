//! The environment check page at `/` (檢測健保卡認證), like the official component's: browser,
//! OS, supported or not, the reply, and the connection status, with the buttons 讀取健保卡 /
//! 驗證健保卡 / 清除. The script and the style are files of their own, so the page runs under a
//! strict Content Security Policy without any inline script.
//!
//! The page's texts come from the message catalog (`bridge.ftl`, ids `bridge-check-*`): the
//! placeholders of `assets/index.html` are filled in once, at the first request. The script
//! holds no language either: it reads its texts from a JSON data block of the page
//! (`<script type="application/json" id="texts">`, which no browser executes, so the policy's
//! `script-src 'self'` still holds).

use std::sync::LazyLock;

use axum::http::{HeaderMap, HeaderValue, header};
use axum::response::{IntoResponse, Response};
use twnhi_texts::{self as texts, Arg, Lang};

/// The page with its placeholders: `{{id}}` is the catalog text `id` in zh-TW followed by
/// the English one in `<span class="en">`, `{{zh-TW:id}}` and `{{en:id}}` one language,
/// `{{script-texts}}` the texts of the script as JSON. Placeholders stand in element content
/// only (never in an attribute): the texts are escaped for it, but for those whose ids end in
/// `-html` (inline `<code>`), shown as written.
const TEMPLATE: &str = include_str!("../assets/index.html");
const SCRIPT: &str = include_str!("../assets/check.js");
const STYLE: &str = include_str!("../assets/check.css");

/// The page with its texts, rendered once.
static INDEX: LazyLock<String> = LazyLock::new(|| render(TEMPLATE));

/// The catalog messages the script uses, with the names of their arguments. The script gets
/// each as `[zh-TW, English]`, an argument written `{name}` for it to fill in.
const SCRIPT_TEXTS: &[(&str, &[&str])] = &[
    ("bridge-check-connected", &[]),
    ("bridge-check-disconnected", &[]),
    ("bridge-check-supported-yes", &[]),
    ("bridge-check-supported-no", &[]),
    ("bridge-check-reading", &[]),
    ("bridge-check-verifying", &[]),
    (
        "bridge-check-basic",
        &["card", "id", "name", "birth", "sex"],
    ),
    ("bridge-check-sex-m", &[]),
    ("bridge-check-sex-f", &[]),
    ("bridge-check-challenge", &["card", "rc"]),
    ("bridge-check-no-reader", &[]),
    ("bridge-check-reader-card", &["reader", "card"]),
    ("bridge-check-reader-separator", &[]),
    ("bridge-check-card-nhi", &[]),
    ("bridge-check-card-other", &[]),
    ("bridge-check-card-none", &[]),
    ("bridge-check-error", &["message", "code"]),
    ("bridge-check-code-4061", &[]),
    ("bridge-check-code-7001", &[]),
    ("bridge-check-code-7002", &[]),
    ("bridge-check-code-7003", &[]),
    ("bridge-check-code-7004", &[]),
    ("bridge-check-code-8001", &[]),
    ("bridge-check-code-8002", &[]),
    ("bridge-check-code-8003", &[]),
    ("bridge-check-code-8004", &[]),
    ("bridge-check-code-8005", &[]),
    ("bridge-check-code-8006", &[]),
    ("bridge-check-code-8010", &[]),
    ("bridge-check-code-8011", &[]),
    ("bridge-check-code-8013", &[]),
    ("bridge-check-code-8201", &[]),
    ("bridge-check-code-9999", &[]),
    ("bridge-check-code-other", &[]),
];

/// Fills in the placeholders of `template` (see [`TEMPLATE`]). A text of several lines
/// continues at the indentation of the placeholder's line.
fn render(template: &str) -> String {
    let mut out = String::with_capacity(template.len() * 2);
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(len) = rest[start + 2..].find("}}") else {
            break;
        };
        out.push_str(&rest[..start]);
        let name = &rest[start + 2..start + 2 + len];
        let line_start = out.rfind('\n').map_or(0, |i| i + 1);
        let indent: String = out[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let text = if name == "script-texts" {
            script_texts()
        } else if let Some((tag, id)) = name.split_once(':') {
            page_text(Lang::from_tag(tag).unwrap_or_default(), id)
        } else {
            format!(
                "{}<span class=\"en\">{}</span>",
                page_text(Lang::ZhTw, name),
                page_text(Lang::En, name)
            )
        };
        out.push_str(&text.replace('\n', &format!("\n{indent}")));
        rest = &rest[start + 2 + len + 2..];
    }
    out.push_str(rest);
    out
}

/// The catalog text `id` as HTML element content: `&`, `<` and `>` escaped, quotes kept; a
/// text whose id ends in `-html` holds inline markup and is taken as written.
fn page_text(lang: Lang, id: &str) -> String {
    let text = texts::text(lang, id);
    if id.ends_with("-html") {
        return text;
    }
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

/// The texts of the script as a JSON object `{ id: [zh-TW, English] }`, safe inside a
/// `<script>` element: every `<` is written `\u003c`, so no `</script>` or `<!--` can occur.
fn script_texts() -> String {
    let map: serde_json::Map<String, serde_json::Value> = SCRIPT_TEXTS
        .iter()
        .map(|(id, names)| {
            let args: Vec<(&str, Arg<'_>)> = names
                .iter()
                .map(|n| (*n, Arg::from(format!("{{{n}}}"))))
                .collect();
            let pair = [Lang::ZhTw, Lang::En].map(|l| texts::format(l, id, &args));
            ((*id).to_owned(), serde_json::json!(pair))
        })
        .collect();
    serde_json::Value::Object(map)
        .to_string()
        .replace('<', "\\u003c")
}

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
        INDEX.as_str(),
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
    use std::collections::BTreeSet;

    use super::*;

    /// The page as it was while its texts were inline, before the catalog.
    const BEFORE_CATALOG: &str = include_str!("../tests/data/index-before-catalog.html");

    /// The placeholders of the template: (language tag or `""` for both, id).
    fn placeholders() -> Vec<(&'static str, &'static str)> {
        let mut found = Vec::new();
        let mut rest = TEMPLATE;
        while let Some(start) = rest.find("{{") {
            let len = rest[start..].find("}}").expect("a placeholder is closed");
            let name = &rest[start + 2..start + len];
            found.push(name.split_once(':').unwrap_or(("", name)));
            // Element content only: the last `<` before it is closed.
            let before = &rest[..start];
            assert!(
                before
                    .rfind('<')
                    .is_none_or(|lt| before[lt..].contains('>')),
                "{{{{{name}}}}} is inside a tag"
            );
            rest = &rest[start + len + 2..];
        }
        found
    }

    /// The JSON object of the rendered page's `<script type="application/json" id="texts">`.
    fn embedded_texts() -> serde_json::Map<String, serde_json::Value> {
        let open = r#"<script type="application/json" id="texts">"#;
        let start = INDEX.find(open).expect("the texts element") + open.len();
        let len = INDEX[start..].find("</script>").expect("closed");
        let json = &INDEX[start..start + len];
        assert!(!json.contains('<'), "`<` is escaped in the embedded JSON");
        match serde_json::from_str(json).expect("valid JSON") {
            serde_json::Value::Object(map) => map,
            other => panic!("not an object: {other}"),
        }
    }

    #[test]
    fn page_is_the_page_it_was_before_the_catalog() {
        // Byte for byte, but for the script's texts, which are new.
        let line_start = INDEX.find(r#"<script type="application/json""#).unwrap();
        let line_end = line_start + INDEX[line_start..].find('\n').unwrap() + 1;
        let without = format!("{}{}", &INDEX[..line_start], &INDEX[line_end..]);
        assert_eq!(without, BEFORE_CATALOG);
        assert!(!INDEX.contains("{{") && !INDEX.contains("}}"));
    }

    #[test]
    fn every_placeholder_is_in_the_catalog() {
        let found = placeholders();
        assert!(found.len() > 20, "{found:?}");
        for (tag, id) in found {
            if id == "script-texts" {
                assert_eq!(tag, "");
                continue;
            }
            let langs = if tag.is_empty() {
                vec![Lang::ZhTw, Lang::En]
            } else {
                vec![Lang::from_tag(tag).unwrap_or_else(|| panic!("{tag}: no such language"))]
            };
            for lang in langs {
                texts::format_checked(lang, id, &[]).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    }

    #[test]
    fn page_text_escapes_element_content() {
        assert_eq!(
            render("<p>{{en:bridge-check-lead}}</p>"),
            "<p>This page checks that your browser reaches the local NHI card component (twnhi bridge).\nInsert your NHI card, then press \"Read card\" and \"Verify card\".</p>"
        );
        assert_eq!(page_text(Lang::En, "<&>"), "&lt;&amp;&gt;");
        assert_eq!(
            render("  x {{bridge-check-clear}}"),
            "  x 清除<span class=\"en\">Clear</span>"
        );
    }

    #[test]
    fn script_texts_have_every_id_the_script_uses() {
        let texts = embedded_texts();
        // Every id the script names, as `t("id")`, `fmt("id", …)` or a prefix
        // (`"bridge-check-code-" + code`).
        let mut used = BTreeSet::new();
        for (i, _) in SCRIPT.match_indices("\"bridge-check-") {
            let len = SCRIPT[i + 1..].find('"').unwrap();
            used.insert(&SCRIPT[i + 1..i + 1 + len]);
        }
        assert!(used.len() > 15, "{used:?}");
        for id in &used {
            if let Some(prefix) = id.strip_suffix('-') {
                assert!(
                    texts.keys().any(|k| k.starts_with(&format!("{prefix}-"))),
                    "no text for {id}*"
                );
            } else {
                assert!(
                    texts.contains_key(*id),
                    "the page lacks {id}, which check.js uses"
                );
            }
        }
        for (id, pair) in &texts {
            assert!(
                used.contains(id.as_str())
                    || used.iter().any(|u| u.ends_with('-') && id.starts_with(*u)),
                "{id} is embedded but check.js does not use it"
            );
            let pair = pair.as_array().expect("[zh-TW, English]");
            assert_eq!(pair.len(), 2, "{id}");
            assert!(
                pair.iter()
                    .all(|t| t.as_str().is_some_and(|t| !t.is_empty())),
                "{id}"
            );
        }
        // Every error code the page had a text of its own for before the catalog.
        for code in [
            4061, 7001, 7002, 7003, 7004, 8001, 8002, 8003, 8004, 8005, 8006, 8010, 8011, 8013,
            8201, 9999,
        ] {
            assert!(
                texts.contains_key(&format!("bridge-check-code-{code}")),
                "{code}"
            );
        }
        // The arguments are left for the script, written {name}.
        assert_eq!(
            texts["bridge-check-error"],
            serde_json::json!(["{message}（錯誤碼 {code}）", "{message} (error {code})"])
        );
        assert_eq!(texts["bridge-check-reader-separator"][1], "; ");
        // The script itself holds no language.
        assert!(
            !SCRIPT
                .chars()
                .any(|c| ('\u{3000}'..='\u{9fff}').contains(&c)
                    || ('\u{ff00}'..='\u{ffef}').contains(&c))
        );
    }

    #[test]
    fn page_has_no_inline_script_or_style() {
        let lower = INDEX.to_ascii_lowercase();
        // Every <script> has a src or is the JSON data block of the texts (not executed);
        // no event-handler attributes; no style attributes.
        for (i, _) in lower.match_indices("<script") {
            let tag_end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
            let tag = &lower[i..tag_end];
            assert!(
                tag.contains("src=") || tag.contains(r#"type="application/json""#),
                "inline script at {i}"
            );
        }
        assert_eq!(lower.matches("application/json").count(), 1);
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
            "伺服器連線正常",
            "伺服器連線 失敗",
        ] {
            assert!(INDEX.contains(text), "{text}");
        }
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
