//! Security headers, cookies, CSRF, request limits, shutdown, session rows and the captcha.

use crate::support::*;

#[tokio::test]
async fn security_headers_on_every_response() {
    let mut app = app().await;
    for path in [
        "/login",
        "/static/site.css",
        "/api/v1/devices",
        "/no-such-page",
        "/setup",
    ] {
        let r = app.get(path).await;
        let h = &r.headers;
        let csp = h[CONTENT_SECURITY_POLICY].to_str().unwrap();
        for part in [
            "default-src 'self'",
            "script-src 'self'",
            "frame-ancestors 'none'",
            "connect-src 'self' http://127.0.0.1:7777 ws://127.0.0.1:7777",
            "object-src 'none'",
            "form-action 'self'",
        ] {
            assert!(csp.contains(part), "{path}: {csp}");
        }
        assert!(!csp.contains("unsafe-inline"), "{path}");
        assert_eq!(h[X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert_eq!(h[REFERRER_POLICY], "same-origin", "{path}");
        assert_eq!(h[X_FRAME_OPTIONS], "DENY", "{path}");
        assert!(h.contains_key(STRICT_TRANSPORT_SECURITY), "{path}");
    }
    let r = app.get("/login").await;
    assert_eq!(r.headers[CACHE_CONTROL], "no-store");
    // No inline script: every <script> has a src, no on* handlers.
    assert!(!r.body.contains("<script>"));
    assert!(!r.body.contains(" onclick="));
    let r = app.get("/no-such-page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.has("查無此網頁") && r.has("Page not found"));
}

#[tokio::test]
async fn session_cookie_flags_and_renewal_on_login() {
    let mut app = app().await;
    let r = app.get("/login").await;
    let set = r.headers[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(set.starts_with("__Host-twnhi="), "{set}");
    for flag in ["; Path=/", "; HttpOnly", "; SameSite=Lax", "; Secure"] {
        assert!(set.contains(flag), "{set}");
    }
    let anonymous = app.cookie.clone().unwrap();
    // A known session keeps its cookie (no Set-Cookie).
    let r = app.get("/login").await;
    assert!(r.headers.get(SET_COOKIE).is_none());

    app.register_and_login(0, "test.one@example.com").await;
    let logged_in = app.cookie.clone().unwrap();
    assert_ne!(anonymous, logged_in, "the session id is renewed on login");
    let r = app.get("/services").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.has("服務項目"));
    // The old cookie is no longer logged in.
    app.cookie = Some(anonymous);
    let r = app.get("/services").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.headers[LOCATION], "/login?from=expired");
    // Logging out ends the session and deletes the cookie.
    app.cookie = Some(logged_in.clone());
    app.get("/services").await;
    let r = app.post_form("/logout", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        r.headers[SET_COOKIE]
            .to_str()
            .unwrap()
            .contains("Max-Age=0")
    );
    app.cookie = Some(logged_in);
    let r = app.get("/services").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    let mut app = app().await;
    app.get("/login").await;
    let r = app.post_form_raw("/login", &[("password", "x")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.has("網頁已逾時或來源不明") && r.has("did not come from this site"));
    let r = app
        .post_form_raw(
            "/login",
            &[
                ("csrf", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
                ("password", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // The token of another session does not work either.
    let stolen = app.csrf.clone();
    app.cookie = None;
    app.get("/login").await;
    let r = app
        .post_form_raw("/login", &[("csrf", &stolen), ("password", "x")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A foreign origin is refused even with the right token.
    let req = Request::post("/login")
        .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(ORIGIN, "https://evil.example")
        .body(Body::from(format!("csrf={}&password=x", app.csrf)))
        .unwrap();
    assert_eq!(app.send(req).await.status, StatusCode::FORBIDDEN);
    // Script requests need the header.
    let req = Request::post("/card/nonce")
        .header(CONTENT_TYPE, "application/json")
        .body(Body::from("{}"))
        .unwrap();
    let r = app.send(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert!(
        j["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("網頁已逾時")
    );
    // With the right token the form is processed (the card was not read: the bilingual
    // refusal, not a 403).
    let r = app.post_form("/login", &[("password", "x")]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.has_msg(Msg::ReadCardPrompt), "{}", r.body);
}

#[tokio::test]
async fn limits_on_body_size_and_request_rate() {
    let mut app = app().await;
    app.get("/login").await;
    let big = "a".repeat(64 * 1024);
    let r = app.post_form("/login", &[("password", &big)]).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    let (s, _) = app
        .api(
            Method::POST,
            "/api/v1/login",
            Some(serde_json::json!({"password": big})),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::PAYLOAD_TOO_LARGE);

    let mut limited = app_with(RateLimits::new(1.0, 3.0, 1.0, 1.0)).await;
    for _ in 0..3 {
        assert_eq!(limited.get("/static/site.css").await.status, StatusCode::OK);
    }
    let r = limited.get("/static/site.css").await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers.contains_key(RETRY_AFTER));
    assert!(r.has("您的操作過於頻繁") && r.has("Too many requests"));
}

#[tokio::test]
async fn graceful_shutdown_of_a_bound_site() {
    let app = app().await;
    drop(app.router);
    let base = PublicBaseUrl::parse("http://127.0.0.1:1/").unwrap();
    let service = app.service.clone();
    let mut config = WebConfig::new(base);
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.cookies = twnhi_web::CookieSecurity::PlainHttpLoopback;
    let site = Site::new(
        config,
        SiteDeps::new(service),
        &ServerKey::new(vec![1; 32]).unwrap(),
        None,
    )
    .unwrap();
    let handle = site.bind().await.unwrap().spawn();
    let addr = handle.local_addr();
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    s.write_all(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).await.unwrap();
    assert!(String::from_utf8_lossy(&buf).ends_with("ok"));
    tokio::time::timeout(std::time::Duration::from_secs(5), handle.shutdown())
        .await
        .unwrap()
        .unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err());
}

#[test]
fn plain_http_config_only_on_loopback() {
    let mut c = WebConfig::new(PublicBaseUrl::parse("http://127.0.0.1:8080/").unwrap());
    assert!(c.validate().is_err(), "secure cookies need https");
    c.cookies = twnhi_web::CookieSecurity::PlainHttpLoopback;
    c.validate().unwrap();
    c.listen = "0.0.0.0:8080".parse().unwrap();
    assert!(c.validate().is_err());
}

async fn session_rows(app: &App) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM sessions")
        .fetch_one(app.store.pool())
        .await
        .unwrap()
}

/// Regression: 5,000 cookie-less GETs left 5,000 session rows (and slowed everyone down).
/// Reading pages stores nothing; a card authentication stores the session.
#[tokio::test]
async fn reading_pages_stores_no_session() {
    let mut app = app().await;
    for path in ["/login", "/apply", "/cancel", "/resend", "/setup", "/news"] {
        for _ in 0..10 {
            app.cookie = None;
            assert_eq!(app.get(path).await.status, StatusCode::OK, "{path}");
        }
    }
    assert_eq!(session_rows(&app).await, 0);
    // With its cookie, a visitor keeps one token (no new cookie on every page).
    app.get("/login").await;
    let cookie = app.cookie.clone();
    let r = app.get("/apply").await;
    assert!(r.headers.get(SET_COOKIE).is_none());
    assert_eq!(app.cookie, cookie);
    assert_eq!(app.read_card(0).await.status, StatusCode::OK);
    assert_eq!(session_rows(&app).await, 1);
}

/// Whether `text` holds five digit words (zh or en) in a row: how the old text alternative
/// gave the captcha's answer away.
fn five_digit_words_in_a_row(text: &str) -> bool {
    const EN: [&str; 10] = [
        "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
    ];
    const ZH: &str = "零〇一二三四五六七八九";
    let mut run = 0;
    for w in text.split(|c: char| c.is_whitespace() || c == ',' || c == '、') {
        let lower = w.to_lowercase();
        let is_digit_word = EN.contains(&lower.as_str())
            || (w.chars().count() == 1 && w.chars().all(|c| ZH.contains(c)))
            || (w.len() == 1 && w.chars().all(|c| c.is_ascii_digit()));
        run = if is_digit_word { run + 1 } else { 0 };
        if run >= 5 {
            return true;
        }
    }
    false
}

/// Regression: the captcha's text alternative printed the digits in words, so every script
/// passed. Nothing in the page says the answer; the same digits are offered as an audio
/// clip, the same clip on every replay, a new one with 【變更圖片】.
#[tokio::test]
async fn the_captcha_page_does_not_say_the_answer_and_offers_audio() {
    let mut app = app().await;
    assert_eq!(
        app.get("/cancel/captcha.wav").await.status,
        StatusCode::NOT_FOUND,
        "no captcha on screen yet"
    );
    let page = app.get("/cancel").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!five_digit_words_in_a_row(&page.body));
    assert!(!page.has("Type these digits"));
    assert!(page.has("/cancel/captcha.wav?r="));
    assert!(
        page.has("0800-030-598"),
        "the hotline for who can neither see nor hear"
    );
    let fetch = |app: &mut App| {
        let req = Request::get("/cancel/captcha.wav")
            .body(Body::empty())
            .unwrap();
        let cookie = app.cookie.clone();
        let router = app.router.clone();
        async move {
            let mut req = req;
            req.headers_mut().insert(
                COOKIE,
                format!("__Host-twnhi={}", cookie.unwrap()).parse().unwrap(),
            );
            let resp = router.oneshot(req).await.unwrap();
            let ct = resp.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
            let cc = resp.headers()[CACHE_CONTROL].to_str().unwrap().to_owned();
            let bytes = resp.into_body().collect().await.unwrap().to_bytes();
            (ct, cc, bytes)
        }
    };
    let (ct, cc, first) = fetch(&mut app).await;
    assert_eq!(ct, "audio/wav");
    assert_eq!(cc, "no-store");
    assert!(first.starts_with(b"RIFF"));
    assert_eq!(first.len(), twnhi_notify::captcha::audio::WAV_BYTES);
    let (_, _, again) = fetch(&mut app).await;
    assert_eq!(first, again, "a replay plays the same clip");
    let r = app
        .post_form("/cancel", &[("action", "refresh-captcha")])
        .await;
    assert!(!five_digit_words_in_a_row(&r.body));
    let (_, _, fresh) = fetch(&mut app).await;
    assert_ne!(first, fresh, "a new captcha, a new clip");
}
