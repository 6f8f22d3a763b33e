//! The citizen certificate login (manual §六) over the router: a test PKI made at test time
//! (root, intermediate, citizen certificates good and bad, a CRL in a file reloaded by the
//! maintenance worker), challenges signed with the certificates' keys as a card does, the
//! identity confirmation from a table, the registry and store of the other tests.

use std::sync::Arc as StdArc;

use base64::Engine as _;
use twnhi_service::twnhi_pki::{
    ChainVerifier, CrlSource, CrlStore, FileCrlSource, OcspChecker, OcspResponder, crl_source, load,
};
use twnhi_service::{CertificatePolicy, IdentityTable, MaintenanceWorker};
use twnhi_testkit::pki::{Issued, TestKey, TestPki};

use crate::support::*;

struct CertApp {
    app: App,
    pki: TestPki,
    _crl_dir: tempfile::TempDir,
}

/// The site with the certificate login: `valid_rsa` is person 0's certificate,
/// `valid_ecdsa` person 1's, every bad certificate person 2's.
async fn cert_app() -> CertApp {
    let pki = TestPki::generate();
    let crl_dir = tempfile::tempdir().unwrap();
    let crl_file = crl_dir.path().join("crl.pem");
    std::fs::write(&crl_file, &pki.crl_pem).unwrap();
    let source: Box<dyn CrlSource> = Box::new(FileCrlSource::new(&crl_file));
    cert_app_with(pki, source, None, crl_dir).await
}

/// [`cert_app`] with CRLs from `source` and an OCSP check.
async fn cert_app_with(
    pki: TestPki,
    source: Box<dyn CrlSource>,
    ocsp: Option<OcspChecker>,
    crl_dir: tempfile::TempDir,
) -> CertApp {
    let anchors = load::certificates(pki.root.pem.as_bytes(), "root").unwrap();
    let verifier = ChainVerifier::new(&anchors)
        .unwrap()
        .with_intermediates(load::certificates(pki.intermediate.pem.as_bytes(), "ca").unwrap());
    let crls = StdArc::new(CrlStore::new(vec![source]));
    let identity = StdArc::new(IdentityTable::new());
    let mut policy = CertificatePolicy::new(verifier, Some(crls), identity.clone());
    policy.ocsp = ocsp.map(StdArc::new);
    let b = common::backend(BASE, 4, |c| c.certificates = Some(policy)).await;
    let id = |i: usize| b.people[i].person.id_number.clone();
    identity.insert(&pki.valid_rsa.der, id(0)).unwrap();
    identity.insert(&pki.valid_ecdsa.der, id(1)).unwrap();
    for bad in [
        &pki.expired,
        &pki.not_yet_valid,
        &pki.revoked,
        &pki.foreign,
        &pki.wrong_key_usage,
    ] {
        identity.insert(&bad.der, id(2)).unwrap();
    }
    // The maintenance worker's first round loads the CRLs.
    MaintenanceWorker::new(&b.service, std::time::Duration::from_secs(60))
        .run_once()
        .await
        .unwrap();
    let site = Site::new(
        WebConfig::new(PublicBaseUrl::parse(BASE).unwrap()),
        SiteDeps::new(b.service.clone()),
        &b.server_key,
        None,
    )
    .unwrap();
    let app = App {
        router: site.router(),
        people: b.people,
        service: b.service,
        store: b.store,
        mailer: MemoryMailer::new(),
        cookie: None,
        csrf: String::new(),
        server_key: b.server_key,
        _dir: b.dir,
    };
    CertApp {
        app,
        pki,
        _crl_dir: crl_dir,
    }
}

fn sign(key: &TestKey, msg: &[u8]) -> (Vec<u8>, &'static str) {
    match key {
        TestKey::Rsa(_) => (key.sign_pkcs1_sha256(msg), "pkcs1-sha256"),
        TestKey::EcdsaP256(_) => (key.sign_ecdsa_der(msg), "ecdsa-p256-sha256"),
    }
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

impl CertApp {
    fn person(&self, i: usize) -> (String, String) {
        let p = &self.app.people[i].person;
        (
            p.id_number.as_str().to_owned(),
            p.birth_date.format("%Y-%m-%d").to_string(),
        )
    }

    /// The page script's certificate login: a challenge, signed by `cert`'s key (or by
    /// `signer`'s), posted with the chain, the ID number and the birth date.
    async fn login_with(
        &mut self,
        cert: &Issued,
        signer: Option<&Issued>,
        id: &str,
        birth: &str,
    ) -> Reply {
        self.app.get("/login").await;
        let c = self
            .app
            .post_json("/cert/challenge", serde_json::json!({}))
            .await;
        assert_eq!(c.status, StatusCode::OK, "{}", c.body);
        let challenge = serde_json::from_str::<serde_json::Value>(&c.body).unwrap()["challenge"]
            .as_str()
            .unwrap()
            .to_owned();
        let (sig, scheme) = sign(&signer.unwrap_or(cert).key, challenge.as_bytes());
        self.app
            .post_json(
                "/cert/verify",
                serde_json::json!({
                    "challenge": challenge,
                    "chain": [b64(&cert.der), self.pki.intermediate.pem],
                    "signature": b64(&sig),
                    "scheme": scheme,
                    "id_number": id,
                    "birth_date": birth,
                }),
            )
            .await
    }

    async fn login(&mut self, which: usize) -> Reply {
        let (id, birth) = self.person(which);
        let cert = if which == 0 {
            clone_issued(&self.pki.valid_rsa)
        } else {
            clone_issued(&self.pki.valid_ecdsa)
        };
        self.login_with(&cert, None, &id, &birth).await
    }

    async fn audit(&self) -> Vec<(String, String)> {
        let pool = sqlx::SqlitePool::connect(&format!(
            "sqlite://{}",
            self.app._dir.path().join("t.sqlite3").display()
        ))
        .await
        .unwrap();
        let rows: Vec<(String, String)> = sqlx::query_as(
            "SELECT outcome, detail FROM audit_events WHERE action = 'certificate-login' \
             ORDER BY seq",
        )
        .fetch_all(&pool)
        .await
        .unwrap();
        pool.close().await;
        rows
    }
}

fn clone_issued(i: &Issued) -> Issued {
    Issued {
        der: i.der.clone(),
        pem: i.pem.clone(),
        key: match &i.key {
            TestKey::Rsa(k) => TestKey::Rsa(k.clone()),
            TestKey::EcdsaP256(k) => TestKey::EcdsaP256(k.clone()),
        },
        serial_hex: i.serial_hex.clone(),
    }
}

fn error_code(r: &Reply) -> String {
    serde_json::from_str::<serde_json::Value>(&r.body).unwrap()["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn each_bad_certificate_is_refused_with_its_reason_audited_and_one_answer() {
    let mut t = cert_app().await;
    let (id2, birth2) = t.person(2);
    let cases = [
        (
            clone_issued(&t.pki.expired),
            "certificate-refused",
            "7604 expired",
        ),
        (
            clone_issued(&t.pki.not_yet_valid),
            "certificate-refused",
            "7605 not-yet-valid",
        ),
        (
            clone_issued(&t.pki.revoked),
            "certificate-refused",
            "7606 revoked",
        ),
        (
            clone_issued(&t.pki.foreign),
            "certificate-refused",
            "7602 unknown-issuer",
        ),
        (
            clone_issued(&t.pki.wrong_key_usage),
            "certificate-refused",
            "7607 wrong-key-usage",
        ),
    ];
    let mut bodies = Vec::new();
    for (cert, _, _) in &cases {
        let r = t.login_with(cert, None, &id2, &birth2).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert_eq!(error_code(&r), "CertLoginFailed", "{}", r.body);
        bodies.push(r.body);
    }
    // A good certificate: the wrong birth date, another person's ID number, a signature by
    // another key. The same answer again.
    let (id0, birth0) = t.person(0);
    let (id1, _) = t.person(1);
    let rsa = clone_issued(&t.pki.valid_rsa);
    let ecdsa = clone_issued(&t.pki.valid_ecdsa);
    let r = t.login_with(&rsa, None, &id0, "1901-01-01").await;
    bodies.push(r.body);
    let r = t.login_with(&rsa, None, &id1, &birth0).await;
    bodies.push(r.body);
    let r = t
        .login_with(&ecdsa, Some(&clone_issued(&t.pki.expired)), &id1, &birth0)
        .await;
    bodies.push(r.body);
    assert!(bodies.iter().all(|b| *b == bodies[0]), "{bodies:#?}");
    assert!(bodies[0].contains("CertLoginFailed"));
    assert!(!t.app.cookie.as_deref().unwrap_or_default().is_empty());

    let audit = t.audit().await;
    assert_eq!(audit.len(), cases.len() + 3, "{audit:?}");
    for ((_, outcome, reason), (o, detail)) in cases.iter().zip(&audit) {
        assert_eq!(o, outcome);
        assert!(detail.ends_with(reason), "{detail} vs {reason}");
        assert!(!detail.contains(&id2), "the ID number is masked: {detail}");
    }
    let tail: Vec<&str> = audit[cases.len()..]
        .iter()
        .map(|(o, _)| o.as_str())
        .collect();
    assert_eq!(
        tail,
        ["birth-date-mismatch", "identity-mismatch", "bad-signature"]
    );

    // the challenge is single use: replaying a spent one is refused as expired
    let c = t
        .app
        .post_json("/cert/challenge", serde_json::json!({}))
        .await;
    let challenge = serde_json::from_str::<serde_json::Value>(&c.body).unwrap()["challenge"]
        .as_str()
        .unwrap()
        .to_owned();
    let (sig, scheme) = sign(&t.pki.valid_rsa.key, challenge.as_bytes());
    let body = serde_json::json!({"challenge": challenge, "chain": [b64(&t.pki.valid_rsa.der)],
        "signature": b64(&sig), "scheme": scheme, "id_number": id0, "birth_date": birth0});
    let first = t.app.post_json("/cert/verify", body.clone()).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    t.app.get("/news").await;
    let again = t.app.post_json("/cert/verify", body).await;
    assert_eq!(error_code(&again), "CertChallengeExpired", "{}", again.body);
}

#[tokio::test]
async fn repeated_failures_are_throttled_per_person_and_client() {
    let mut t = cert_app().await;
    let (id3, birth3) = t.person(3);
    let rsa = clone_issued(&t.pki.valid_rsa);
    for _ in 0..5 {
        let r = t.login_with(&rsa, None, &id3, &birth3).await;
        assert_eq!(error_code(&r), "CertLoginFailed", "{}", r.body);
    }
    // the free failures are spent: the next failure starts the back-off
    let mut tries = 0;
    let r = loop {
        let r = t.login_with(&rsa, None, &id3, &birth3).await;
        tries += 1;
        if r.status != StatusCode::BAD_REQUEST || tries == 3 {
            break r;
        }
    };
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert_eq!(tries, 2, "the seventh attempt is throttled");
    assert!(r.headers.get(RETRY_AFTER).is_some());
    // another person from the same client is not slowed
    let r = t.login(0).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let audit = t.audit().await;
    assert_eq!(audit.iter().filter(|(o, _)| o == "throttled").count(), 1);
}

#[tokio::test]
async fn certificate_login_apply_device_code_bind_and_list() {
    let mut t = cert_app().await;
    let r = t.login(0).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["logged_in"], false, "no registration yet");
    t.app.get("/news").await; // the renewed session's page: its CSRF token
    assert_eq!(j["id_no_masked"].as_str().unwrap().len(), 10);
    // a device code needs a registration
    let r = t.app.post_form("/device/verify", &[]).await;
    assert!(!r.body.contains("data-code-text>"));

    // 行動裝置帳號申請
    let email = "cert-0@example.org";
    let r = t
        .app
        .post_json(
            "/cert/apply",
            serde_json::json!({"password": PASSWORD, "confirmation": PASSWORD,
                "mobile_area": "0912", "mobile_number": "345678", "email": email}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("ApplySuccess"), "{}", r.body);
    t.app.deliver().await;
    let link = t.app.last_link(email, "/verify-email");
    let token = link.split("token=").nth(1).unwrap().to_owned();
    t.app.get(&link).await;
    let r = t.app.post_form("/verify-email", &[("token", &token)]).await;
    assert!(r.has_msg(Msg::EmailVerified), "{}", r.body);

    // logged in with the certificate: 行動裝置認證 → bind in the app → 行動裝置管理作業
    let r = t.login(0).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["logged_in"], true, "{}", r.body);
    // The module's menu on the reused page, the account as the manual shows it:
    // 「行動裝置帳號 T22006****【已申請】」.
    let page = t.app.get("/device/verify").await;
    let masked = j["id_no_masked"].as_str().unwrap().to_owned();
    assert!(
        page.body.contains(&format!(
            "<span id=\"cert-account\">{masked}【已申請】</span>"
        )),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("id=\"cert-nav-device-code\" aria-current=\"page\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("登入方式:自然人憑證"), "{}", page.body);
    let r = t.app.post_form("/device/verify", &[]).await;
    assert!(r.body.contains("cert-nav-device-code"), "{}", r.body);
    let i = r.body.find("data-code-text>").expect("a device code") + "data-code-text>".len();
    let code = r.body[i..i + 8].to_owned();
    let (id0, _) = t.person(0);
    let (s, bound) = t
        .app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id0, "code": code, "platform": "Android", "model": "Pixel 8", "device_id": "cert-dev-1"})), None)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{bound}");
    let r = t.app.get("/devices").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Pixel 8"), "{}", r.body);
    assert!(
        r.body
            .contains("id=\"cert-nav-devices\" aria-current=\"page\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("使用自然人憑證或健保卡進行綁定看到之行動裝置管理系統相同")
    );
    for (page, item) in [("/profile", "profile"), ("/password", "password")] {
        let r = t.app.get(page).await;
        assert_eq!(r.status, StatusCode::OK, "{page}");
        let current = format!("id=\"cert-nav-{item}\" aria-current=\"page\"");
        assert!(r.body.contains(&current), "{page}: {}", r.body);
    }

    let audit = t.audit().await;
    assert_eq!(
        audit.iter().map(|(o, _)| o.as_str()).collect::<Vec<_>>(),
        ["ok", "ok"]
    );
}

#[tokio::test]
async fn a_card_registration_is_the_one_seen_and_changed_with_the_certificate() {
    let mut t = cert_app().await;
    t.app.register_and_login(1, "card-1@example.org").await;
    t.app.get("/device/verify").await;
    let r = t.app.post_form("/device/verify", &[]).await;
    let i = r.body.find("data-code-text>").expect("a device code") + "data-code-text>".len();
    let code = r.body[i..i + 8].to_owned();
    let (id1, birth1) = t.person(1);
    let (s, bound) = t
        .app
        .api(Method::POST, "/api/v1/devices/bind", Some(serde_json::json!({"id_number": id1, "code": code, "platform": "iOS", "model": "iPhone 15", "device_id": "card-dev-1"})), None)
        .await;
    assert_eq!(s, StatusCode::CREATED, "{bound}");

    // a new browser, the certificate: logged in to the same registration, the same devices
    t.app.cookie = None;
    let ecdsa = clone_issued(&t.pki.valid_ecdsa);
    let r = t.login_with(&ecdsa, None, &id1, &birth1).await;
    let j: serde_json::Value = serde_json::from_str(&r.body).unwrap();
    assert_eq!(j["logged_in"], true, "{}", r.body);
    let r = t.app.get("/devices").await;
    assert!(r.body.contains("iPhone 15"), "{}", r.body);
    assert!(t.app.csrf.len() > 10);

    // 行動裝置帳號申請 again: the one password changes (the manual's note)
    let new_password = "Cert#2025xy";
    let r = t
        .app
        .post_json(
            "/cert/apply",
            serde_json::json!({"password": new_password, "confirmation": new_password,
                "mobile_area": "0912", "mobile_number": "345678", "email": "card-1@example.org"}),
        )
        .await;
    assert!(r.body.contains("PasswordChanged"), "{}", r.body);
    // the card path's login takes the new password, not the old one
    t.app.cookie = None;
    t.app.get("/login").await;
    t.app.read_card(1).await;
    let r = t.app.post_form("/login", &[("password", PASSWORD)]).await;
    assert_ne!(r.status, StatusCode::SEE_OTHER);
    t.app.read_card(1).await;
    let r = t
        .app
        .post_form("/login", &[("password", new_password)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// The §六 pages: without a configured certificate login the page says so (both languages)
/// instead of failing; with it, the login form (its PIN field has no name: it is never
/// posted), the script, and after the login the 行動裝置作業 module and its application form.
#[tokio::test]
async fn the_certificate_pages() {
    let mut plain = app().await;
    let r = plain.get("/cert/login").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("id=\"cert-not-configured\""), "{}", r.body);
    assert!(r.body.contains(&twnhi_account::messages::text(
        twnhi_account::Lang::ZhTw,
        "cert-not-configured"
    )));
    assert!(r.body.contains(&twnhi_account::messages::text(
        twnhi_account::Lang::En,
        "cert-not-configured"
    )));
    assert!(!r.body.contains("cert-login-form"));
    let r = plain.get("/mobile").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);

    let mut t = cert_app().await;
    let r = t.app.get("/cert/login").await;
    assert!(r.body.contains("id=\"cert-login-form\""), "{}", r.body);
    assert!(r.body.contains("/static/cert.js"));
    assert!(
        r.body
            .contains("插入自然人憑證後，輸入身分證號、出生日期及憑證 pin 碼按【確認】鈕登入。")
    );
    let pin = r.body.find("id=\"cert-pin\"").unwrap();
    let tag = &r.body[r.body[..pin].rfind('<').unwrap()..pin + r.body[pin..].find('>').unwrap()];
    assert!(
        !tag.contains("name="),
        "the PIN field is never posted: {tag}"
    );
    let r = t.app.get("/static/cert.js").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("/cert/verify"));
    for path in ["/mobile", "/mobile/apply", "/mobile/renew"] {
        let r = t.app.get(path).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{path} without a login");
    }

    let r = t.login(0).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = t.app.get("/mobile").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("登入方式:自然人憑證"), "{}", r.body);
    assert!(r.body.contains(&t.app.people[0].person.name));
    for (href, id, _) in [
        ("/mobile/apply", "行動裝置帳號申請", ()),
        ("/mobile/renew", "行動裝置續領申請", ()),
        ("/device/verify", "行動裝置認證", ()),
        ("/devices", "行動裝置管理作業", ()),
        ("/profile", "基本資料變更", ()),
        ("/password", "行動裝置密碼變更", ()),
    ] {
        assert!(r.body.contains(&format!("href=\"{href}\"")), "{href}");
        assert!(r.body.contains(id), "{id}");
    }
    assert!(
        r.body
            .contains("使用自然人憑證或健保卡進行綁定看到之行動裝置管理系統相同。")
    );
    let r = t.app.get("/mobile/apply").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("注意事項：若您已申請【健保卡網路服務】，系統將會一併變更登入註冊密碼。")
    );
    assert!(r.body.contains("aria-current=\"page\""));
    let r = t.app.get("/mobile/renew").await;
    assert!(r.body.contains(&twnhi_account::messages::text(
        twnhi_account::Lang::ZhTw,
        "cert-renew-note"
    )));
}

/// The CA's publication point on a loopback port: `GET /crl` serves the CRL set last,
/// `POST /ocsp` is answered by `openssl ocsp` in responder mode (`-index`, `-CA`,
/// `-rsigner`, `-rkey`) from `dir`.
async fn publication_point(
    dir: std::path::PathBuf,
    crl: StdArc<std::sync::Mutex<Vec<u8>>>,
) -> std::net::SocketAddr {
    use axum::routing::{get, post};
    let app = axum::Router::new()
        .route(
            "/crl",
            get(move || {
                let crl = StdArc::clone(&crl);
                async move { crl.lock().unwrap().clone() }
            }),
        )
        .route(
            "/ocsp",
            post(move |body: axum::body::Bytes| {
                let dir = dir.clone();
                async move {
                    tokio::task::spawn_blocking(move || {
                        std::fs::write(dir.join("req.der"), &body).unwrap();
                        let out = std::process::Command::new("openssl")
                            .current_dir(&dir)
                            .args(["ocsp", "-index", "index.txt", "-CA", "ca.pem"])
                            .args(["-rsigner", "signer.pem", "-rkey", "signer.key"])
                            .args(["-nmin", "60", "-reqin", "req.der", "-respout", "resp.der"])
                            .output()
                            .unwrap();
                        assert!(out.status.success(), "{out:?}");
                        std::fs::read(dir.join("resp.der")).unwrap()
                    })
                    .await
                    .unwrap()
                }
            }),
        );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

/// Revocation from a CRL URL refreshed by the maintenance worker and from an OCSP responder:
/// both must pass, each refusal audited with its code.
#[tokio::test]
async fn crls_from_a_url_and_ocsp_refuse_revoked_certificates() {
    twnhi_testkit::pki::require_openssl();
    let pki = TestPki::generate();
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("ca.pem"), &pki.intermediate.pem).unwrap();
    std::fs::write(d.join("signer.pem"), &pki.ocsp_responder.pem).unwrap();
    std::fs::write(d.join("signer.key"), &pki.ocsp_responder_key_pem).unwrap();
    std::fs::write(d.join("index.txt.attr"), "unique_subject = no\n").unwrap();
    // The responder: valid_rsa and revoked good, valid_ecdsa revoked.
    let line = |status: &str, revoked_at: &str, i: &Issued| {
        format!(
            "{status}\t491231235959Z\t{revoked_at}\t{}\tunknown\t/CN=test\n",
            i.serial_hex
        )
    };
    let index = line("V", "", &pki.valid_rsa)
        + &line("V", "", &pki.revoked)
        + &line("R", "250101000000Z", &pki.valid_ecdsa);
    std::fs::write(d.join("index.txt"), index).unwrap();
    // The CRL lists nothing yet.
    let crl = StdArc::new(std::sync::Mutex::new(
        pki.crl_empty_pem.clone().into_bytes(),
    ));
    let addr = publication_point(d.to_path_buf(), StdArc::clone(&crl)).await;
    let source = crl_source(&format!("http://{addr}/crl")).unwrap();
    let ocsp = OcspChecker::new(OcspResponder::Url(format!("http://{addr}/ocsp"))).unwrap();
    let revoked = clone_issued(&pki.revoked);
    let mut t = cert_app_with(pki, source, Some(ocsp), dir).await;

    // Good by the CRL and by OCSP.
    let r = t.login(0).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Revoked by OCSP only.
    let r = t.login(1).await;
    assert_eq!(error_code(&r), "CertLoginFailed", "{}", r.body);
    // Not yet in the CRL, good by OCSP: accepted.
    let (id2, birth2) = t.person(2);
    let r = t.login_with(&revoked, None, &id2, &birth2).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The CA publishes the CRL that lists it; the next refresh takes it.
    *crl.lock().unwrap() = t.pki.crl_pem.clone().into_bytes();
    assert_eq!(t.app.service.refresh_crls().await.unwrap(), Some(1));
    let r = t.login_with(&revoked, None, &id2, &birth2).await;
    assert_eq!(error_code(&r), "CertLoginFailed", "{}", r.body);

    let audit = t.audit().await;
    let details: Vec<&str> = audit
        .iter()
        .filter(|(o, _)| o == "certificate-refused")
        .map(|(_, d)| d.as_str())
        .collect();
    assert_eq!(details.len(), 2, "{audit:?}");
    assert!(details[0].contains("7606 revoked ocsp"), "{details:?}");
    assert!(details[1].ends_with("7606 revoked"), "{details:?}");
}
