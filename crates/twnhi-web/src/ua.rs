//! Browser and operating system from the `User-Agent`, as the login and check pages show them
//! (瀏覽器 Browser: `Chrome 86.0.4240.111`, 作業系統 Operating System: `Windows`).

use crate::templates::EnvInfo;

/// Reads the browser name and version and the operating system; unknown parts are `—`.
pub(crate) fn parse(ua: &str) -> EnvInfo {
    let version_after = |token: &str| -> Option<String> {
        let i = ua.find(token)?;
        let rest = ua.get(i + token.len()..)?;
        let v: String = rest
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .take(24)
            .collect();
        (!v.is_empty()).then_some(v)
    };
    let browser = if let Some(v) = version_after("Edg/") {
        format!("Edge {v}")
    } else if let Some(v) = version_after("OPR/") {
        format!("Opera {v}")
    } else if let Some(v) = version_after("Firefox/") {
        format!("Firefox {v}")
    } else if let Some(v) = version_after("HeadlessChrome/") {
        format!("Chrome {v} (headless)")
    } else if let Some(v) = version_after("Chrome/") {
        format!("Chrome {v}")
    } else if let (Some(v), true) = (version_after("Version/"), ua.contains("Safari/")) {
        format!("Safari {v}")
    } else if let Some(v) = version_after("MSIE ") {
        format!("MSIE {v}")
    } else if ua.contains("Trident/") {
        version_after("rv:").map_or_else(|| "MSIE".to_owned(), |v| format!("MSIE {v}"))
    } else {
        "—".to_owned()
    };
    let os = if ua.contains("Windows") {
        "Windows"
    } else if ua.contains("iPhone") || ua.contains("iPad") {
        "iOS"
    } else if ua.contains("Mac OS X") || ua.contains("Macintosh") {
        "Mac"
    } else if ua.contains("Android") {
        "Android"
    } else if ua.contains("CrOS") {
        "ChromeOS"
    } else if ua.contains("Linux") || ua.contains("X11") {
        "Linux"
    } else {
        "—"
    };
    EnvInfo {
        browser,
        os: os.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_browsers() {
        let e = parse(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0.4240.111 Safari/537.36",
        );
        assert_eq!(
            (e.browser.as_str(), e.os.as_str()),
            ("Chrome 86.0.4240.111", "Windows")
        );
        let e = parse(
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) HeadlessChrome/156.0.0.0 Safari/537.36",
        );
        assert_eq!(e.os, "Linux");
        assert!(e.browser.starts_with("Chrome 156"));
        let e = parse(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36 Edg/120.0.1",
        );
        assert_eq!(e.browser, "Edge 120.0.1");
        let e = parse(
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Safari/605.1.15",
        );
        assert_eq!((e.browser.as_str(), e.os.as_str()), ("Safari 17.0", "Mac"));
        let e = parse("Mozilla/5.0 (Windows NT 6.1; Trident/7.0; rv:11.0) like Gecko");
        assert_eq!(e.browser, "MSIE 11.0");
        let e = parse("");
        assert_eq!((e.browser.as_str(), e.os.as_str()), ("—", "—"));
    }
}
