//! CRLs fetched over http from a real HTTP server on loopback (hyper, in this test), serving
//! CRLs of the test PKI made at test time: loaded, refreshed on a schedule until a
//! certificate shows as revoked, a failed refresh keeping the last good CRL, each fetch
//! failure with its code.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, LazyLock, Mutex};
use std::time::{Duration, Instant, SystemTime};
use twnhi_pki::http::{self, Limits};
use twnhi_pki::{
    CertificateDer, ChainVerifier, CrlStore, FetchError, HttpCrlSource, LoadError, VerifyError,
    crl_source,
};
use twnhi_testkit::pki::{Issued, TestPki};

static PKI: LazyLock<TestPki> = LazyLock::new(TestPki::generate);

mod support;

/// What the server answers at `/crl`: a status and a body.
type Served = Arc<Mutex<(u16, Vec<u8>)>>;

/// A loopback server of CRLs: `/crl` answers what [`CrlServer::serve`] set last.
struct CrlServer {
    server: support::Server,
    served: Served,
}

impl CrlServer {
    fn start(body: &[u8]) -> CrlServer {
        let served: Served = Arc::new(Mutex::new((200, body.to_vec())));
        let s = Arc::clone(&served);
        let server = support::Server::start(move |asked| {
            if asked.path == "/crl" && asked.method == "GET" {
                s.lock().unwrap().clone()
            } else {
                (404, b"not here".to_vec())
            }
        });
        CrlServer { server, served }
    }

    fn url(&self, path: &str) -> String {
        self.server.url(path)
    }

    fn serve(&self, status: u16, body: &[u8]) {
        *self.served.lock().unwrap() = (status, body.to_vec());
    }

    fn hits(&self) -> u32 {
        self.server.hits()
    }
}

fn der(i: &Issued) -> CertificateDer<'static> {
    CertificateDer::from(i.der.clone())
}

fn check(cert: &Issued, store: &CrlStore) -> Result<twnhi_pki::Verified, VerifyError> {
    ChainVerifier::new(&[der(&PKI.root)])
        .unwrap()
        .with_intermediates(vec![der(&PKI.intermediate)])
        .verify(&der(cert), &[], Some(&store.current()), SystemTime::now())
}

fn wait_for(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "waited for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn a_crl_from_a_url_is_loaded_then_a_scheduled_refresh_revokes_a_certificate() {
    // At first the CA's CRL lists nothing: the certificate to be revoked passes.
    let server = CrlServer::start(PKI.crl_empty_pem.as_bytes());
    let store = Arc::new(CrlStore::new(vec![
        crl_source(&server.url("/crl")).unwrap(),
    ]));
    let report = store.refresh();
    assert!(report.is_complete(), "{:?}", report.failed);
    assert_eq!((report.refreshed, report.crls), (1, 1));
    assert_eq!(check(&PKI.revoked, &store).unwrap().crls_checked, Some(1));

    // The CA publishes a CRL listing it (DER this time); the schedule picks it up.
    server.serve(200, &PKI.crl_der);
    let hits = server.hits();
    let refresher = store.spawn_refresher(Duration::from_millis(50)).unwrap();
    wait_for("the refresh that revokes", || {
        check(&PKI.revoked, &store) == Err(VerifyError::Revoked)
    });
    assert!(server.hits() > hits);
    assert!(check(&PKI.valid_rsa, &store).is_ok());

    // The server fails: the last good CRL stays, the certificate stays revoked.
    server.serve(503, b"down for maintenance");
    let failing = server.hits();
    wait_for("a failed refresh", || server.hits() > failing + 1);
    refresher.stop();
    let report = store.refresh();
    assert_eq!(report.refreshed, 0);
    assert_eq!(report.crls, 1, "the last good CRL is kept");
    let (what, err) = &report.failed[0];
    assert_eq!(what, &server.url("/crl"));
    assert!(
        matches!(
            err,
            LoadError::Fetch(FetchError::Status { status: 503, .. })
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("[7634]"), "{err}");
    assert_eq!(check(&PKI.revoked, &store), Err(VerifyError::Revoked));

    // Garbage instead of a CRL is refused just the same, the last good CRL kept.
    server.serve(200, b"<html>maintenance</html>");
    let report = store.refresh();
    assert!(matches!(
        report.failed[0].1,
        LoadError::Format { .. } | LoadError::Crl { .. }
    ));
    assert_eq!(check(&PKI.revoked, &store), Err(VerifyError::Revoked));
}

#[test]
fn a_stale_crl_from_a_url_is_taken_but_refused_at_verification() {
    // Fail closed: a CRL past its next update cannot show recent revocations.
    let server = CrlServer::start(PKI.crl_stale_pem.as_bytes());
    let store = CrlStore::new(vec![crl_source(&server.url("/crl")).unwrap()]);
    assert!(store.refresh().is_complete());
    assert_eq!(check(&PKI.valid_rsa, &store), Err(VerifyError::CrlExpired));
    assert_eq!(VerifyError::CrlExpired.code(), 7609);
}

#[test]
fn fetch_failures_have_their_codes() {
    let server = CrlServer::start(b"");
    // 404.
    let e = http::get_blocking(&server.url("/nothing"), Limits::CRL).unwrap_err();
    assert_eq!((e.code(), e.url()), (7634, server.url("/nothing").as_str()));
    // Too large.
    server.serve(200, &[b'x'; 2048]);
    let e = http::get_blocking(&server.url("/crl"), Limits::CRL.with_max_bytes(1024));
    assert!(
        matches!(e, Err(FetchError::TooLarge { limit: 1024, .. })),
        "{e:?}"
    );
    // Timeout.
    let e = http::get_blocking(
        &server.url("/slow"),
        Limits::CRL.with_timeout(Duration::from_millis(300)),
    )
    .unwrap_err();
    assert_eq!(e.code(), 7633, "{e}");
    assert!(e.to_string().contains("秒內回應"), "{e}");
    // Nobody listening: a port just freed.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let e = http::get_blocking(&format!("http://127.0.0.1:{port}/crl"), Limits::CRL).unwrap_err();
    assert_eq!(e.code(), 7632, "{e}");
    // Not an http URL.
    for bad in [
        "https://127.0.0.1/crl",
        "ftp://x/crl",
        "/crl",
        "http:///crl",
    ] {
        let e = HttpCrlSource::new(bad).unwrap_err();
        assert_eq!(e.code(), 7631, "{bad}: {e}");
    }
    assert!(matches!(
        crl_source("HTTPS://127.0.0.1/crl"),
        Err(LoadError::Fetch(FetchError::BadUrl { .. }))
    ));
    // A file name stays a file.
    assert_eq!(
        crl_source("crls/moica.crl").unwrap().describe(),
        "crls/moica.crl"
    );
}

#[test]
fn a_blocking_fetch_works_from_inside_a_runtime() {
    let server = CrlServer::start(PKI.crl_pem.as_bytes());
    let url = server.url("/crl");
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let body = rt.block_on(async { http::get_blocking(&url, Limits::CRL) });
    assert_eq!(body.unwrap(), PKI.crl_pem.as_bytes());
}
