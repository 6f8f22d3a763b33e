//! The site's decoding of what browsers and apps send: any body (and query) on any route
//! reaches the real router — the pages' urlencoded forms, the page script's JSON, the app's
//! JSON API — over a real SQLite store, with a valid session cookie and CSRF token so that
//! the forms' decoders and field checks are reached, not just the CSRF refusal.
//!
//! Input: a route byte, a mode byte (bit 0: form or JSON content type; bit 1: leave the CSRF
//! token out; bit 2: leave the cookie out), then the body (for a `GET`, the query string).
//!
//! Checks: nothing panics; no answer is a server error other than `503` (an overloaded
//! hashing queue or a busy store are answers, not bugs); the JSON routes answer JSON.
#![no_main]

use std::sync::{Arc, OnceLock};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt as _;
use libfuzzer_sys::fuzz_target;
use tower::ServiceExt as _;
use twnhi_account::Email;
use twnhi_account::password::HashPolicy;
use twnhi_account::roc::ServiceHours;
use twnhi_account::secret::ServerKey;
use twnhi_card::auth::MasterKey;
use twnhi_notify::PublicBaseUrl;
use twnhi_service::{Ports, SeededRandom, Service, ServiceConfig, SoftwareSam, SystemClock};
use twnhi_store::RegistryImport as _;
use twnhi_store_sqlite::SqliteStore;
use twnhi_web::{RateLimits, Site, SiteDeps, WebConfig};

const BASE: &str = "https://twnhi.fuzz/";

/// Every route that takes input, with its method.
const ROUTES: &[(&str, &str)] = &[
    ("POST", "/login"),
    ("POST", "/logout"),
    ("POST", "/apply"),
    ("POST", "/apply/card"),
    ("POST", "/apply/details"),
    ("POST", "/verify-email"),
    ("POST", "/resend"),
    ("POST", "/forgot-password"),
    ("POST", "/reset-password"),
    ("POST", "/cancel"),
    ("POST", "/cancel/confirm"),
    ("POST", "/cancel/stop"),
    ("POST", "/device/verify"),
    ("POST", "/devices/0123456789abcdef/disable"),
    ("POST", "/password"),
    ("POST", "/profile"),
    ("POST", "/card/nonce"),
    ("POST", "/card/answer"),
    ("POST", "/card/verify"),
    ("POST", "/api/v1/devices/bind"),
    ("POST", "/api/v1/login"),
    ("GET", "/api/v1/devices"),
    ("POST", "/api/v1/logout"),
    ("GET", "/verify-email"),
    ("GET", "/reset-password"),
    ("GET", "/cancel/stop"),
    ("GET", "/cancel/confirm"),
    ("GET", "/login"),
];

struct Harness {
    rt: tokio::runtime::Runtime,
    router: Router,
    cookie: String,
    csrf: String,
    _dir: tempfile::TempDir,
}

fn harness() -> &'static Harness {
    static H: OnceLock<Harness> = OnceLock::new();
    H.get_or_init(|| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let (router, cookie, csrf) = rt.block_on(async {
            let store = SqliteStore::open(&dir.path().join("fuzz.sqlite3"))
                .await
                .unwrap();
            let master = MasterKey::from_bytes([1; 16]);
            let people = twnhi_demo::people::generate(2, &master, &SeededRandom::new(1));
            let persons: Vec<_> = people.iter().map(|p| p.person.clone()).collect();
            store
                .import_registry(&persons, chrono::Utc::now())
                .await
                .unwrap();
            let base = PublicBaseUrl::parse(BASE).unwrap();
            let mut config =
                ServiceConfig::new(base.clone(), Email::parse("noreply@twnhi.fuzz").unwrap());
            config.service_hours = ServiceHours::ALWAYS;
            config.hash_policy = HashPolicy::new(64, 1, 1).unwrap();
            let store = Arc::new(store);
            let key = ServerKey::new(vec![2; 32]).unwrap();
            let service = Service::new(
                Ports {
                    store: store.clone(),
                    registry: store,
                    sam: Arc::new(SoftwareSam::new(master)),
                    clock: Arc::new(SystemClock),
                    random: Arc::new(SeededRandom::new(2)),
                },
                key.clone(),
                config,
            )
            .unwrap();
            let mut web = WebConfig::new(base);
            web.rate_limits = RateLimits::unlimited();
            let router = Site::new(web, SiteDeps::new(service), &key, None)
                .unwrap()
                .router();
            // A session: its cookie and the page's CSRF token.
            let resp = router
                .clone()
                .oneshot(Request::get("/login").body(Body::empty()).unwrap())
                .await
                .unwrap();
            let cookie = resp
                .headers()
                .get("set-cookie")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.split(';').next())
                .unwrap()
                .to_owned();
            let body = resp.into_body().collect().await.unwrap().to_bytes();
            let body = String::from_utf8_lossy(&body);
            let i = body.find("name=\"csrf-token\" content=\"").unwrap() + 27;
            let csrf = body[i..i + body[i..].find('"').unwrap()].to_owned();
            (router, cookie, csrf)
        });
        Harness {
            rt,
            router,
            cookie,
            csrf,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let [route, mode, body @ ..] = data else {
        return;
    };
    let h = harness();
    let (method, path) = ROUTES[usize::from(*route) % ROUTES.len()];
    let json = mode & 1 != 0;
    let mut req = Request::builder().method(method);
    req = req.header("origin", "https://twnhi.fuzz");
    if mode & 4 == 0 {
        req = req.header("cookie", &h.cookie);
    }
    if mode & 2 == 0 && json {
        req = req.header("x-csrf-token", &h.csrf);
    }
    let req = if method == "GET" {
        let query: String = String::from_utf8_lossy(body)
            .chars()
            .filter(|c| c.is_ascii_graphic() && *c != '#')
            .collect();
        req.uri(format!("{path}?{query}")).body(Body::empty())
    } else {
        let mut payload = body.to_vec();
        if !json && mode & 2 == 0 {
            // The form's own CSRF field, ahead of whatever the fuzzer sends.
            let mut with = format!("csrf={}&", h.csrf).into_bytes();
            with.extend_from_slice(&payload);
            payload = with;
        }
        req.uri(path)
            .header(
                "content-type",
                if json {
                    "application/json"
                } else {
                    "application/x-www-form-urlencoded"
                },
            )
            .body(Body::from(payload))
    };
    let Ok(req) = req else {
        return;
    };
    let (status, content_type) = h.rt.block_on(async {
        let resp = h.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let ct = resp
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned();
        let _ = resp.into_body().collect().await.unwrap();
        (status, ct)
    });
    assert!(
        !status.is_server_error() || status == StatusCode::SERVICE_UNAVAILABLE,
        "{method} {path}: {status}"
    );
    if path.starts_with("/api/") && status != StatusCode::OK {
        assert!(
            content_type.starts_with("application/json"),
            "{path}: {content_type}"
        );
    }
});
