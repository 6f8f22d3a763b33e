//! Fast tests of the site without a browser: the router called in process
//! (`tower::ServiceExt::oneshot`), a real SQLite store in a temporary directory, the real use
//! cases, and the simulated card doing its side of card authentication in process.

mod common;

use std::sync::Arc;

use axum::Router;
use axum::body::Body;
use axum::http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN,
    REFERRER_POLICY, RETRY_AFTER, SET_COOKIE, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS,
    X_FRAME_OPTIONS,
};
use axum::http::{HeaderMap, Method, Request, StatusCode};
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;
use twnhi_account::Msg;
use twnhi_account::secret::ServerKey;
use twnhi_card::NhiSession;
use twnhi_demo::people::DemoPerson;
use twnhi_notify::{MemoryMailer, PublicBaseUrl};
use twnhi_service::{OutboxWorker, Service};
use twnhi_sim::{Faults, SimCard};
use twnhi_store_sqlite::SqliteStore;
use twnhi_web::{RateLimits, Site, SiteDeps, WebConfig};

const BASE: &str = "https://twnhi.test/";
const PASSWORD: &str = "Demo#2024ab";

struct Reply {
    status: StatusCode,
    headers: HeaderMap,
    body: String,
}

impl Reply {
    fn has(&self, text: &str) -> bool {
        self.body.contains(text)
    }

    fn has_msg(&self, m: Msg) -> bool {
        self.has(&html_escape(m.zh())) && self.has(&html_escape(m.en()))
    }
}

fn html_escape(s: &str) -> String {
    s.replace('&', "&#38;")
        .replace('<', "&#60;")
        .replace('>', "&#62;")
        .replace('"', "&#34;")
        .replace('\'', "&#39;")
}

struct App {
    router: Router,
    people: Vec<DemoPerson>,
    service: Service,
    store: SqliteStore,
    mailer: MemoryMailer,
    cookie: Option<String>,
    csrf: String,
    _dir: tempfile::TempDir,
}

async fn app_with(limits: RateLimits) -> App {
    let b = common::backend(BASE, 4, |_| {}).await;
    let mut web = WebConfig::new(PublicBaseUrl::parse(BASE).unwrap());
    web.rate_limits = limits;
    let site = Site::new(web, SiteDeps::new(b.service.clone()), &b.server_key, None).unwrap();
    App {
        router: site.router(),
        people: b.people,
        service: b.service,
        store: b.store,
        mailer: MemoryMailer::new(),
        cookie: None,
        csrf: String::new(),
        _dir: b.dir,
    }
}

async fn app() -> App {
    app_with(RateLimits::unlimited()).await
}

fn csrf_of(body: &str) -> Option<String> {
    let i = body.find("name=\"csrf-token\" content=\"")?;
    let rest = &body[i + 27..];
    Some(rest[..rest.find('"')?].to_owned())
}

fn form_value(body: &str, id: &str) -> Option<String> {
    let i = body.find(&format!("id=\"{id}\""))?;
    let tag_end = body[i..].find('>')? + i;
    let tag = &body[i..tag_end];
    let v = tag.find("value=\"")?;
    let rest = &tag[v + 7..];
    Some(rest[..rest.find('"')?].to_owned())
}

impl App {
    async fn send(&mut self, mut req: Request<Body>) -> Reply {
        if let Some(c) = &self.cookie {
            req.headers_mut()
                .insert(COOKIE, format!("__Host-twnhi={c}").parse().unwrap());
        }
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        for v in headers.get_all(SET_COOKIE) {
            let v = v.to_str().unwrap();
            let value = v
                .strip_prefix("__Host-twnhi=")
                .and_then(|r| r.split(';').next())
                .unwrap_or_default();
            self.cookie = (!value.is_empty()).then(|| value.to_owned());
        }
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let body = String::from_utf8_lossy(&bytes).into_owned();
        if let Some(t) = csrf_of(&body)
            && !t.is_empty()
        {
            self.csrf = t;
        }
        Reply {
            status,
            headers,
            body,
        }
    }

    async fn get(&mut self, path: &str) -> Reply {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    async fn post_form_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields.iter().copied())
            .finish();
        let req = Request::post(path)
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ORIGIN, "https://twnhi.test")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Reply {
        let csrf = self.csrf.clone();
        let mut all = vec![("csrf", csrf.as_str())];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    async fn post_json(&mut self, path: &str, json: serde_json::Value) -> Reply {
        let req = Request::post(path)
            .header(CONTENT_TYPE, "application/json")
            .header("x-csrf-token", self.csrf.clone())
            .body(Body::from(json.to_string()))
            .unwrap();
        self.send(req).await
    }

    async fn api(
        &mut self,
        method: Method,
        path: &str,
        json: Option<serde_json::Value>,
        token: Option<&str>,
    ) -> (StatusCode, serde_json::Value) {
        let mut b = Request::builder().method(method).uri(path);
        if let Some(t) = token {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let req = match json {
            Some(j) => b
                .header(CONTENT_TYPE, "application/json")
                .body(Body::from(j.to_string()))
                .unwrap(),
            None => b.body(Body::empty()).unwrap(),
        };
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        (
            status,
            serde_json::from_slice(&bytes).unwrap_or(serde_json::Value::Null),
        )
    }

    /// SPEC §3 with the simulated card of person `i`, as the page script does it.
    async fn read_card(&mut self, i: usize) -> Reply {
        let identity = self.people[i].identity.clone();
        let mut session = NhiSession::new(SimCard::new(identity, Faults::default()));
        let n = self.post_json("/card/nonce", serde_json::json!({})).await;
        assert_eq!(n.status, StatusCode::OK, "{}", n.body);
        let nonce = serde_json::from_str::<serde_json::Value>(&n.body).unwrap()["nonce"]
            .as_str()
            .unwrap()
            .to_owned();
        let c = session.challenge().unwrap();
        let a = self
            .post_json(
                "/card/answer",
                serde_json::json!({"nonce": nonce, "card_no": c.card_no.to_string(), "rc": hex::encode_upper(c.rc)}),
            )
            .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        let au_hex = serde_json::from_str::<serde_json::Value>(&a.body).unwrap()["au"]
            .as_str()
            .unwrap()
            .to_owned();
        let au: [u8; 32] = hex::decode(au_hex).unwrap().try_into().unwrap();
        let cr = session.authenticate(&au).unwrap();
        self.post_json(
            "/card/verify",
            serde_json::json!({"nonce": nonce, "cr": hex::encode_upper(cr)}),
        )
        .await
    }

    async fn deliver(&self) {
        let store = Arc::new(self.store.clone());
        OutboxWorker::new(&self.service, store, Arc::new(self.mailer.clone()))
            .drain()
            .await
            .unwrap();
    }

    fn last_link(&self, to: &str, path: &str) -> String {
        let mail = self.mailer.last_to(to).expect("a letter");
        mail.letter()
            .links()
            .iter()
            .find(|u| u.path() == path)
            .map(|u| format!("{}?{}", u.path(), u.query().unwrap_or_default()))
            .expect("the link")
    }

    fn household_fields(&self, i: usize) -> Vec<(String, String)> {
        let p = &self.people[i].person;
        let t = p.address.township();
        vec![
            ("terms".into(), "accepted".into()),
            ("household_id".into(), p.household_id.as_str().into()),
            ("county".into(), t.county_zh().into()),
            ("township".into(), t.zh().into()),
            ("village".into(), p.address.village().into()),
            ("neighborhood".into(), p.address.neighborhood().to_string()),
        ]
    }

    /// Applies, verifies the e-mail address and logs in as person `i`.
    async fn register_and_login(&mut self, i: usize, email: &str) {
        self.get("/apply").await;
        assert_eq!(self.read_card(i).await.status, StatusCode::OK);
        let mut fields = self.household_fields(i);
        fields.extend([
            ("password".into(), PASSWORD.into()),
            ("confirmation".into(), PASSWORD.into()),
            ("mobile_area".into(), "0912".into()),
            ("mobile_number".into(), "345678".into()),
            ("email".into(), email.into()),
        ]);
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let r = self.post_form("/apply/details", &f).await;
        assert!(r.has_msg(Msg::ApplySuccess), "{}", r.body);
        self.deliver().await;
        let link = self.last_link(email, "/verify-email");
        let token = link.split("token=").nth(1).unwrap().to_owned();
        self.get(&link).await;
        self.read_card(i).await;
        let r = self.post_form("/verify-email", &[("token", &token)]).await;
        assert!(r.has_msg(Msg::EmailVerified), "{}", r.body);
        self.get("/login").await;
        self.read_card(i).await;
        let r = self.post_form("/login", &[("password", PASSWORD)]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
}

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
async fn bad_input_is_explained_and_kept_except_passwords() {
    let mut app = app().await;
    app.get("/apply").await;
    // Step 1 without the card, with a malformed household ID and no address.
    let r = app
        .post_form(
            "/apply/card",
            &[
                ("terms", "accepted"),
                ("household_id", "X12"),
                ("county", ""),
                ("township", ""),
                ("village", "abc"),
                ("neighborhood", "0"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::ReadCardPrompt));
    assert!(r.has_msg(Msg::HouseholdIdFormat), "{}", r.body);
    assert!(r.has_msg(Msg::CountyInvalid));
    assert!(r.has_msg(Msg::VillageInvalid));
    assert!(r.has_msg(Msg::NeighborhoodInvalid));
    assert_eq!(form_value(&r.body, "household_id").as_deref(), Some("X12"));
    assert_eq!(form_value(&r.body, "village").as_deref(), Some("abc"));
    assert!(r.has("aria-invalid=\"true\""));

    // Step 2 with broken fields: messages, values kept, passwords never sent back.
    app.read_card(0).await;
    let mut fields = app.household_fields(0);
    fields.extend([
        ("password".into(), "ab de".into()),
        ("confirmation".into(), "abc".into()),
        ("mobile_area".into(), "0812".into()),
        ("mobile_number".into(), "34".into()),
        ("email".into(), "not-an-address".into()),
        ("spare_email".into(), "x@".into()),
        ("phone_area".into(), "99".into()),
        ("phone_number".into(), "1".into()),
    ]);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = app.post_form("/apply/details", &f).await;
    for m in [
        Msg::PasswordLength,
        Msg::PasswordForbiddenChar,
        Msg::PasswordMismatch,
        Msg::MobilePhoneInvalid,
        Msg::EmailInvalid,
    ] {
        assert!(r.has_msg(m), "{m:?}: {}", r.body);
    }
    assert_eq!(
        form_value(&r.body, "email").as_deref(),
        Some("not-an-address")
    );
    assert_eq!(form_value(&r.body, "mobile_number").as_deref(), Some("34"));
    assert_eq!(form_value(&r.body, "phone_area").as_deref(), Some("99"));
    assert!(
        form_value(&r.body, "password").is_none(),
        "no password echoed"
    );
    assert!(!r.has("ab de"));

    // A household address that does not match the registry: one generic refusal, step 1
    // again with the values kept.
    let mut fields = app.household_fields(0);
    let wrong = if app.people[0].person.address.neighborhood() == 1 {
        "2"
    } else {
        "1"
    };
    fields[5].1 = wrong.into();
    fields.extend([
        ("password".into(), PASSWORD.into()),
        ("confirmation".into(), PASSWORD.into()),
        ("mobile_area".into(), "0912".into()),
        ("mobile_number".into(), "345678".into()),
        ("email".into(), "test.two@example.com".into()),
    ]);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = app.post_form("/apply/details", &f).await;
    assert!(r.has_msg(Msg::RegistryMismatch), "{}", r.body);
    assert_eq!(form_value(&r.body, "neighborhood").as_deref(), Some(wrong));

    // Resend with a new address that is malformed.
    app.get("/resend").await;
    let r = app
        .post_form(
            "/resend",
            &[
                ("method", "new"),
                ("email", "bad@"),
                ("county", "臺北市"),
                ("township", "中正區"),
                ("village", "建國里"),
                ("neighborhood", "5"),
                ("mobile_area", "0912"),
                ("mobile_number", "1"),
            ],
        )
        .await;
    assert!(
        r.has_msg(Msg::EmailInvalid) && r.has_msg(Msg::MobilePhoneInvalid),
        "{}",
        r.body
    );
    assert_eq!(form_value(&r.body, "email").as_deref(), Some("bad@"));
    assert!(r.has("value=\"new\" data-method-toggle checked"));

    // Forgot password without a card.
    app.cookie = None;
    app.get("/forgot-password").await;
    let r = app
        .post_form("/forgot-password", &[("method", "registered")])
        .await;
    assert!(r.has_msg(Msg::ReadCardPrompt));

    // Cancellation with malformed numbers.
    app.get("/cancel").await;
    let r = app
        .post_form(
            "/cancel",
            &[
                ("action", "check"),
                ("id_number", "A12345678"),
                ("card_number", "12"),
                ("captcha", "1"),
            ],
        )
        .await;
    assert!(
        r.has_msg(Msg::IdLength)
            && r.has_msg(Msg::CardNumberFormat)
            && r.has_msg(Msg::CaptchaIncorrect),
        "{}",
        r.body
    );
    assert_eq!(
        form_value(&r.body, "id_number").as_deref(),
        Some("A12345678")
    );
    assert_eq!(form_value(&r.body, "card_number").as_deref(), Some("12"));

    // Cancellation confirmation with a malformed code.
    app.get("/cancel/confirm").await;
    let r = app
        .post_form(
            "/cancel/confirm",
            &[
                ("action", "submit"),
                ("id_number", "A123456789"),
                ("code", "<x>"),
                ("captcha", ""),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::CodeIncorrect) && r.has_msg(Msg::CaptchaIncorrect));
    assert_eq!(
        form_value(&r.body, "id_number").as_deref(),
        Some("A123456789")
    );
    assert!(r.has("value=\"&#60;x&#62;\""), "kept, escaped");

    // Reset with a bad link token.
    let r = app.get("/reset-password?token=short").await;
    assert!(r.has_msg(Msg::LinkInvalid));
}

#[tokio::test]
async fn logged_in_forms_explain_bad_input() {
    let mut app = app().await;
    app.register_and_login(1, "test.three@example.com").await;
    // Change data: a bad main e-mail is kept; changing it needs the current password.
    app.get("/profile").await;
    let r = app
        .post_form(
            "/profile",
            &[
                ("email", "nope"),
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::EmailInvalid));
    assert_eq!(form_value(&r.body, "email").as_deref(), Some("nope"));
    let r = app
        .post_form(
            "/profile",
            &[
                ("email", "test.new@outlook.com"),
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::ReauthenticationRequired), "{}", r.body);
    let r = app
        .post_form(
            "/profile",
            &[
                ("email", "test.new@outlook.com"),
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
                ("current", PASSWORD),
            ],
        )
        .await;
    assert!(
        r.has_msg(Msg::DataSaved) && r.has_msg(Msg::MicrosoftMailWarning),
        "{}",
        r.body
    );
    // Change password: every rule at once, never echoed.
    app.get("/password").await;
    let r = app
        .post_form(
            "/password",
            &[
                ("current", ""),
                ("password", "short"),
                ("confirmation", "other"),
            ],
        )
        .await;
    assert!(
        r.has_msg(Msg::ReauthenticationRequired)
            && r.has_msg(Msg::PasswordLength)
            && r.has_msg(Msg::PasswordMismatch)
    );
    assert!(!r.has("value=\"short\""));
    let r = app
        .post_form(
            "/password",
            &[
                ("current", "Wrong#2024x"),
                ("password", "New#2024pass"),
                ("confirmation", "New#2024pass"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::CurrentPasswordIncorrect), "{}", r.body);
    let r = app
        .post_form(
            "/password",
            &[
                ("current", PASSWORD),
                ("password", "New#2024pass"),
                ("confirmation", "New#2024pass"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::PasswordChanged), "{}", r.body);
    // Every session ended: back to the login page.
    let r = app.get("/services").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn app_api_binds_logs_in_and_lists_devices() {
    let mut app = app().await;
    app.register_and_login(2, "test.four@example.com").await;
    app.get("/device/verify").await;
    let r = app.post_form("/device/verify", &[]).await;
    assert!(r.has("裝置認證碼有效時間至 民國"), "{}", r.body);
    assert!(r.has("<svg"));
    let i = r.body.find("data-code-text>").unwrap() + "data-code-text>".len();
    let code = r.body[i..i + 8].to_owned();
    assert!(code.chars().all(|c| c.is_ascii_alphanumeric()));
    let id = app.people[2].person.id_number.as_str().to_owned();

    let (s, j) = app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id, "code": "zzzzzzzz", "platform": "Android", "model": "Pixel 8", "device_id": "dev-1"})), None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "{j}");
    assert!(
        j["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("驗證碼錯誤"),
        "{j}"
    );
    assert!(
        j["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("attempts left"),
        "{j}"
    );
    let (s, j) = app
        .api(
            Method::POST,
            "/api/v1/devices/bind",
            Some(serde_json::json!({"nope": 1})),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(j["error"]["code"], "BadRequest");

    let (s, bound) = app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id, "code": code, "platform": "Android", "model": "Pixel 8", "device_id": "dev-1"})), None)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{bound}");
    let params: twnhi_web::api::TotpParams = serde_json::from_value(bound["totp"].clone()).unwrap();
    let totp = twnhi_web::client::totp_now(&params).unwrap();
    let (s, j) = app
        .api(Method::POST, "/api/v1/login", Some(serde_json::json!({"id_number": id, "password": "Wrong#2024x", "device_id": "dev-1", "totp": totp})), None)
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{j}");
    assert_eq!(j["error"]["code"], "LoginFailed");
    let (s, login) = app
        .api(Method::POST, "/api/v1/login", Some(serde_json::json!({"id_number": id, "password": PASSWORD, "device_id": "dev-1", "totp": totp})), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{login}");
    assert_eq!(login["token_type"], "Bearer");
    let expires_in = login["expires_in"].as_i64().unwrap();
    assert!(expires_in > 0 && expires_in <= 30 * 24 * 3600);
    let token = login["access_token"].as_str().unwrap().to_owned();
    let (s, list) = app
        .api(Method::GET, "/api/v1/devices", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::OK, "{list}");
    assert_eq!(list["devices"][0]["platform"], "Android");
    assert_eq!(list["devices"][0]["state"], "active");
    assert_eq!(list["devices"][0]["this_device"], true);
    assert!(
        list["devices"][0]["device_id_masked"]
            .as_str()
            .unwrap()
            .ends_with("ev-1")
    );
    let (s, _) = app.api(Method::GET, "/api/v1/devices", None, None).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    let (s, _) = app
        .api(Method::GET, "/api/v1/devices", None, Some("x"))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);

    // The device table lists it; disabling it ends the app's access.
    let r = app.get("/devices").await;
    assert!(r.has("Pixel 8") && r.has("啟用中"), "{}", r.body);
    let i = r.body.find("action=\"/devices/").unwrap() + "action=\"".len();
    let action = r.body[i..i + r.body[i..].find('"').unwrap()].to_owned();
    assert!(action.ends_with("/disable"));
    let r = app.post_form(&action, &[]).await;
    assert!(r.has_msg(Msg::DeviceUpdated), "{}", r.body);
    assert!(r.has("data-state=\"disabled\""));
    let (s, j) = app
        .api(Method::GET, "/api/v1/devices", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "{j}");
}

#[tokio::test]
async fn apply_step_one_checks_the_household_data_against_the_registry() {
    let mut app = app().await;
    app.get("/apply").await;
    app.read_card(1).await;
    let name = app.people[1].person.name.clone();
    let good = app.household_fields(1);
    // 【下一步】 with a neighbourhood or a household ID that does not match: the one generic
    // refusal at step 1, the values kept, no password asked for yet.
    let wrong_n = if app.people[1].person.address.neighborhood() == 1 {
        "2"
    } else {
        "1"
    };
    let mut wrong_address = good.clone();
    wrong_address[5].1 = wrong_n.into();
    let mut wrong_id = good.clone();
    wrong_id[1].1 = "Z9999999".into();
    let mut bodies = Vec::new();
    for fields in [wrong_address, wrong_id] {
        let f: Vec<(&str, &str)> = fields
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let r = app.post_form("/apply/card", &f).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.has_msg(Msg::RegistryMismatch), "{}", r.body);
        assert!(r.has("action=\"/apply/card\""), "still step 1");
        assert!(!r.has("id=\"password\""), "no password field yet");
        assert_eq!(
            form_value(&r.body, "household_id").as_deref(),
            Some(fields[1].1.as_str())
        );
        assert_eq!(
            form_value(&r.body, "neighborhood").as_deref(),
            Some(fields[5].1.as_str())
        );
        bodies.push(r);
    }
    // Which field was wrong is not said: the field errors are the same.
    assert_eq!(
        bodies[0].body.matches("aria-invalid=\"true\"").count(),
        bodies[1].body.matches("aria-invalid=\"true\"").count()
    );
    // Matching: step 2 with the name from the registry and the data in hidden fields.
    let f: Vec<(&str, &str)> = good.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.post_form("/apply/card", &f).await;
    assert!(r.has("action=\"/apply/details\""), "{}", r.body);
    assert!(r.has(&format!("data-holder-name>{name}<")), "{}", r.body);
    assert!(r.has(&format!(
        "name=\"household_id\" value=\"{}\"",
        app.people[1].person.household_id.as_str()
    )));
    // The hidden fields changed on the way: `apply` checks again and refuses.
    let mut tampered = good.clone();
    tampered[5].1 = wrong_n.into();
    tampered.extend([
        ("password".into(), PASSWORD.into()),
        ("confirmation".into(), PASSWORD.into()),
        ("mobile_area".into(), "0912".into()),
        ("mobile_number".into(), "345678".into()),
        ("email".into(), "test.seven@example.com".into()),
    ]);
    let f: Vec<(&str, &str)> = tampered
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let r = app.post_form("/apply/details", &f).await;
    assert!(r.has_msg(Msg::RegistryMismatch), "{}", r.body);
    assert!(r.has("action=\"/apply/card\""));

    // Too many mismatches for this card: throttled, at this step too.
    let mut wrong = good.clone();
    wrong[1].1 = "Z9999999".into();
    let f: Vec<(&str, &str)> = wrong
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let mut throttled = false;
    for _ in 0..8 {
        let r = app.post_form("/apply/card", &f).await;
        if r.has(Msg::TooManyAttempts.zh().split('，').next().unwrap()) {
            throttled = true;
            break;
        }
        assert!(r.has_msg(Msg::RegistryMismatch), "{}", r.body);
    }
    assert!(throttled, "throttled after the free failures");

    // Without a card read in the session: the prompt, not the registry check.
    app.cookie = None;
    app.get("/apply").await;
    let f: Vec<(&str, &str)> = good.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.post_form("/apply/card", &f).await;
    assert!(r.has_msg(Msg::ReadCardPrompt), "{}", r.body);
    assert!(!r.has_msg(Msg::RegistryMismatch));
}

#[tokio::test]
async fn logged_in_pages_show_the_account_from_the_registry() {
    let mut app = app().await;
    app.register_and_login(0, "test.eight@example.com").await;
    let p = app.people[0].person.clone();
    let r = app.get("/services").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.has(&format!("{} 您好", p.name)), "{}", r.body);
    assert!(r.has(&p.id_number.masked()));
    assert!(!r.has(p.id_number.as_str()), "the ID number only masked");
    let r = app.get("/device/verify").await;
    assert!(
        r.has(&format!("<td>{}</td>", p.id_number.masked())),
        "{}",
        r.body
    );
    let r = app.get("/profile").await;
    assert_eq!(
        form_value(&r.body, "email").as_deref(),
        Some("test.eight@example.com")
    );
    assert_eq!(form_value(&r.body, "mobile_area").as_deref(), Some("0912"));
    assert_eq!(
        form_value(&r.body, "mobile_number").as_deref(),
        Some("345678")
    );
    // Saved data show on the next visit.
    let r = app
        .post_form(
            "/profile",
            &[
                ("email", "test.eight@example.com"),
                ("mobile_area", "0987"),
                ("mobile_number", "654321"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::DataSaved), "{}", r.body);
    let r = app.get("/profile").await;
    assert_eq!(form_value(&r.body, "mobile_area").as_deref(), Some("0987"));
    // Not logged in: every account page goes to the login page.
    app.post_form("/logout", &[]).await;
    for path in ["/services", "/device/verify", "/profile"] {
        let r = app.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path}");
        assert_eq!(r.headers[LOCATION], "/login?from=expired", "{path}");
    }
}

#[tokio::test]
async fn app_api_logout_revokes_the_token() {
    let mut app = app().await;
    app.register_and_login(3, "test.nine@example.com").await;
    app.get("/device/verify").await;
    let r = app.post_form("/device/verify", &[]).await;
    let i = r.body.find("data-code-text>").unwrap() + "data-code-text>".len();
    let code = r.body[i..i + 8].to_owned();
    let id = app.people[3].person.id_number.as_str().to_owned();
    let (s, bound) = app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id, "code": code, "platform": "iOS", "model": "iPhone 15", "device_id": "dev-9"})), None)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{bound}");
    let params: twnhi_web::api::TotpParams = serde_json::from_value(bound["totp"].clone()).unwrap();
    let totp = twnhi_web::client::totp_now(&params).unwrap();
    let (s, login) = app
        .api(Method::POST, "/api/v1/login", Some(serde_json::json!({"id_number": id, "password": PASSWORD, "device_id": "dev-9", "totp": totp})), None)
        .await;
    assert_eq!(s, StatusCode::OK, "{login}");
    let token = login["access_token"].as_str().unwrap().to_owned();
    let (s, _) = app
        .api(Method::GET, "/api/v1/devices", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::OK);

    // No token, a malformed one, an unknown one: 401 with `WWW-Authenticate: Bearer`.
    for t in [None, Some("x"), Some("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")] {
        let mut b = Request::post("/api/v1/logout");
        if let Some(t) = t {
            b = b.header("authorization", format!("Bearer {t}"));
        }
        let resp = app
            .router
            .clone()
            .oneshot(b.body(Body::empty()).unwrap())
            .await
            .unwrap();
        assert_eq!(resp.status(), StatusCode::UNAUTHORIZED, "{t:?}");
        assert_eq!(resp.headers()["www-authenticate"], "Bearer");
        let bytes = resp.into_body().collect().await.unwrap().to_bytes();
        let j: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
        assert_eq!(j["error"]["code"], "SessionExpired", "{j}");
    }
    // The site's session cookie is not an app token either, and is not ended by this.
    let cookie = app.cookie.clone().unwrap();
    let (s, _) = app
        .api(Method::POST, "/api/v1/logout", None, Some(&cookie))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/services").await.status, StatusCode::OK);

    // Logout: 200 with the bilingual message; the token is dead at once, and once.
    let (s, j) = app
        .api(Method::POST, "/api/v1/logout", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::OK, "{j}");
    assert_eq!(j["message"]["zh"], Msg::LoggedOut.zh());
    assert_eq!(j["message"]["en"], Msg::LoggedOut.en());
    let (s, j) = app
        .api(Method::GET, "/api/v1/devices", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED, "{j}");
    assert_eq!(j["error"]["code"], "SessionExpired");
    let (s, _) = app
        .api(Method::POST, "/api/v1/logout", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    // Only POST.
    let (s, _) = app
        .api(Method::GET, "/api/v1/logout", None, Some(&token))
        .await;
    assert_eq!(s, StatusCode::METHOD_NOT_ALLOWED);
    // The device itself stays bound and active: the site's table still lists it.
    let r = app.get("/devices").await;
    assert!(r.has("iPhone 15") && r.has("啟用中"), "{}", r.body);
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

#[tokio::test]
async fn card_endpoints_answer_bilingual_json_errors() {
    let mut app = app().await;
    app.get("/login").await;
    let r = app
        .post_json(
            "/card/answer",
            serde_json::json!({"nonce": "x", "card_no": "000011112222", "rc": "0011"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["error"]["code"], "CardAuthExpired");
    assert_eq!(j["error"]["message_zh"], Msg::CardAuthExpired.zh());
    assert_eq!(j["error"]["message_en"], Msg::CardAuthExpired.en());
    let r = app
        .post_json("/card/verify", serde_json::json!({"nope": true}))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = app.read_card(3).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["name"], app.people[3].person.name.as_str());
    assert!(j["card_no_masked"].as_str().unwrap().contains('*'));
}

#[tokio::test]
async fn resend_sends_a_new_confirmation_letter() {
    let mut app = app().await;
    app.get("/apply").await;
    app.read_card(3).await;
    let mut fields = app.household_fields(3);
    fields.extend([
        ("password".into(), PASSWORD.into()),
        ("confirmation".into(), PASSWORD.into()),
        ("mobile_area".into(), "0912".into()),
        ("mobile_number".into(), "345678".into()),
        ("email".into(), "test.five@example.com".into()),
    ]);
    let f: Vec<(&str, &str)> = fields
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    assert!(
        app.post_form("/apply/details", &f)
            .await
            .has_msg(Msg::ApplySuccess)
    );
    app.deliver().await;
    let first = app.last_link("test.five@example.com", "/verify-email");
    // 修改電子郵件信箱重寄認證信: a new address, proven with the household address and the
    // mobile phone.
    let p = app.people[3].person.clone();
    let t = p.address.township();
    app.get("/resend").await;
    app.read_card(3).await;
    let n = p.address.neighborhood().to_string();
    let r = app
        .post_form(
            "/resend",
            &[
                ("method", "new"),
                ("email", "test.six@example.com"),
                ("county", t.county_zh()),
                ("township", t.zh()),
                ("village", p.address.village()),
                ("neighborhood", &n),
                ("mobile_area", "0912"),
                ("mobile_number", "345678"),
            ],
        )
        .await;
    assert!(r.has_msg(Msg::LetterRequested), "{}", r.body);
    app.deliver().await;
    let second = app.last_link("test.six@example.com", "/verify-email");
    assert_ne!(first, second);
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

/// Regression: bidirectional control characters were accepted in device labels.
#[tokio::test]
async fn device_labels_with_bidi_controls_are_refused() {
    let mut app = app().await;
    let (status, body) = app
        .api(
            Method::POST,
            "/api/v1/devices/bind",
            Some(serde_json::json!({
                "id_number": app.people[0].person.id_number.as_str(),
                "code": "Abcd1234",
                "platform": "Android",
                "model": "Pixel \u{202E}8",
                "device_id": "dev-1",
            })),
            None,
        )
        .await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(body["error"]["code"], "DeviceInfoInvalid");
}

/// The registered address's stop link: the page says what it does and shows a button; the
/// button stops the cancellation; an unknown or used link says so before anything else.
#[tokio::test]
async fn the_stop_link_stops_a_cancellation_to_a_new_address() {
    let mut app = app().await;
    app.register_and_login(0, "owner@example.com").await;
    let p = app.people[0].person.clone();
    let caller = twnhi_service::Caller::new(
        twnhi_service::SessionToken::parse(app.cookie.as_deref().unwrap()).unwrap(),
    )
    .with_client("198.51.100.7");
    let captcha = app.service.new_captcha(&caller).await.unwrap();
    app.service
        .request_cancellation(
            &caller,
            twnhi_service::CancelRequestInput {
                id_number: p.id_number.clone(),
                card_number: p.card_number.clone(),
                captcha: captcha.to_string(),
                delivery: twnhi_service::CancelDelivery::NewEmail {
                    email: twnhi_account::Email::parse("elsewhere@example.net").unwrap(),
                    household_id: p.household_id.clone(),
                    address: p.address.clone(),
                },
            },
        )
        .await
        .unwrap();
    app.deliver().await;
    let link = app.last_link("owner@example.com", "/cancel/stop");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    let bad = app
        .get("/cancel/stop?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")
        .await;
    assert!(bad.has_msg(Msg::LinkInvalid));
    let page = app.get(&link).await;
    assert!(page.has_msg(Msg::CancelStopPrompt), "{}", page.body);
    let r = app.post_form("/cancel/stop", &[("token", &token)]).await;
    assert!(r.has_msg(Msg::CancelStopped), "{}", r.body);
    let again = app.get(&link).await;
    assert!(again.has_msg(Msg::LinkInvalid), "used");
}
