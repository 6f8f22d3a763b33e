//! OCSP checks against a real responder: `openssl ocsp` answering from an index of the test
//! PKI's certificates, behind a loopback HTTP server, in a temporary directory, stopped
//! after each test. Good,
//! revoked and unknown answers; answers signed by the issuing CA and by a delegated
//! responder; the responder a certificate names in its Authority Information Access
//! (`aia`); a signer without authority, a stale answer, no responder.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::LazyLock;
use std::time::{Duration, SystemTime};
use twnhi_pki::{CertificateDer, ChainVerifier, OcspChecker, OcspError, OcspResponder, OcspStatus};
use twnhi_testkit::pki::{Issued, TestPki, require_openssl};

static PKI: LazyLock<TestPki> = LazyLock::new(TestPki::generate);

mod support;

/// An OCSP responder: `openssl ocsp` in responder mode (`-index`, `-CA`, `-rsigner`,
/// `-rkey`) answering each request, behind an HTTP server on a loopback port. (OpenSSL 3.0's
/// own `-port` listens on every interface, not on loopback alone; so each request is handed
/// to `openssl ocsp -reqin … -respout …`, which does the same work.) The directory goes with
/// it.
struct Responder {
    server: support::Server,
    _dir: tempfile::TempDir,
}

impl Responder {
    fn url(&self) -> String {
        self.server.url("/ocsp")
    }

    /// Adds `cert` to the responder's index (read at every request): good, or revoked.
    fn add(&self, cert: &Issued, revoked: bool) {
        let mut index = std::fs::OpenOptions::new()
            .append(true)
            .open(self._dir.path().join("index.txt"))
            .unwrap();
        index
            .write_all(index_line(cert, revoked).as_bytes())
            .unwrap();
    }
}

/// The index line of `cert`: valid, or revoked on 2025-01-01.
fn index_line(cert: &Issued, revoked: bool) -> String {
    let status = if revoked { "R" } else { "V" };
    let revoked_at = if revoked { "250101000000Z" } else { "" };
    let serial = if cert.serial_hex.len() % 2 == 1 {
        format!("0{}", cert.serial_hex)
    } else {
        cert.serial_hex.clone()
    };
    format!("{status}\t491231235959Z\t{revoked_at}\t{serial}\tunknown\t/CN=test\n")
}

/// The OCSP responder of the intermediate CA, signing with `signer_pem` / `key`, answering
/// for 60 minutes (`-nmin`). The index knows `valid_rsa` (good) and `revoked` (revoked);
/// every other serial is unknown.
fn start(signer_pem: &str, key: &[u8]) -> Responder {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path().to_path_buf();
    let write = |name: &str, bytes: &[u8]| std::fs::write(d.join(name), bytes).unwrap();
    write("ca.pem", PKI.intermediate.pem.as_bytes());
    write("signer.pem", signer_pem.as_bytes());
    write("signer.key", key);
    let index = index_line(&PKI.valid_rsa, false) + &index_line(&PKI.revoked, true);
    write("index.txt", index.as_bytes());
    write("index.txt.attr", b"unique_subject = no\n");
    let count = std::sync::atomic::AtomicU32::new(0);
    let server = support::Server::start(move |asked| {
        if asked.method != "POST" || asked.path != "/ocsp" {
            return (404, Vec::new());
        }
        let n = count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        let (req, resp) = (format!("req-{n}.der"), format!("resp-{n}.der"));
        std::fs::write(d.join(&req), &asked.body).unwrap();
        let out = Command::new("openssl")
            .current_dir(&d)
            .args(["ocsp", "-index", "index.txt", "-CA", "ca.pem"])
            .args([
                "-rsigner",
                "signer.pem",
                "-rkey",
                "signer.key",
                "-nmin",
                "60",
            ])
            .args(["-reqin", &req, "-respout", &resp])
            .stdin(Stdio::null())
            .output()
            .expect("openssl ocsp");
        match std::fs::read(d.join(&resp)) {
            Ok(body) if out.status.success() => (200, body),
            _ => (500, out.stderr),
        }
    });
    Responder { server, _dir: dir }
}

fn der(i: &Issued) -> CertificateDer<'static> {
    CertificateDer::from(i.der.clone())
}

/// The issuer as the chain validation gives it (the intermediate).
fn issuer_of(cert: &Issued) -> CertificateDer<'static> {
    ChainVerifier::new(&[der(&PKI.root)])
        .unwrap()
        .with_intermediates(vec![der(&PKI.intermediate)])
        .verify(&der(cert), &[], None, SystemTime::now())
        .unwrap()
        .issuer
}

async fn status_at(
    checker: &OcspChecker,
    cert: &Issued,
    at: SystemTime,
) -> Result<OcspStatus, OcspError> {
    checker.check(&der(cert), &issuer_of(cert), at).await
}

async fn status(checker: &OcspChecker, cert: &Issued) -> Result<OcspStatus, OcspError> {
    status_at(checker, cert, SystemTime::now()).await
}

/// The key of a citizen certificate as PEM (PKCS#8), for `-rkey`.
fn pkcs8_pem(key: &twnhi_testkit::pki::TestKey) -> Vec<u8> {
    let der = match key {
        twnhi_testkit::pki::TestKey::Rsa(d) | twnhi_testkit::pki::TestKey::EcdsaP256(d) => d,
    };
    let mut child = Command::new("openssl")
        .args(["pkey", "-inform", "DER", "-outform", "PEM"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(der).unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    out.stdout
}

#[tokio::test]
async fn a_delegated_responder_answers_good_revoked_and_unknown() {
    require_openssl();
    let responder = start(
        &PKI.ocsp_responder.pem,
        PKI.ocsp_responder_key_pem.as_bytes(),
    );
    let checker = OcspChecker::new(OcspResponder::Url(responder.url())).unwrap();
    assert_eq!(status(&checker, &PKI.valid_rsa).await, Ok(OcspStatus::Good));
    match status(&checker, &PKI.revoked).await {
        Ok(OcspStatus::Revoked { at }) => {
            assert_eq!(at.format("%Y-%m-%d").to_string(), "2025-01-01");
        }
        other => panic!("revoked expected: {other:?}"),
    }
    assert_eq!(
        status(&checker, &PKI.valid_ecdsa).await,
        Ok(OcspStatus::Unknown)
    );
    // Without a nonce the answer is the same.
    let no_nonce = checker.clone().with_nonce(false);
    assert_eq!(
        status(&no_nonce, &PKI.valid_rsa).await,
        Ok(OcspStatus::Good)
    );
    // Two hours on, the answer (next update in 60 minutes) is stale; the responder's
    // certificate is still valid then.
    let later = SystemTime::now() + Duration::from_secs(2 * 3600);
    let e = status_at(&checker, &PKI.valid_rsa, later)
        .await
        .unwrap_err();
    assert!(matches!(e, OcspError::Stale { .. }), "{e:?}");
    assert_eq!(e.code(), 7630);
    // An hour before, thisUpdate is ahead.
    let before = SystemTime::now() - Duration::from_secs(3600);
    let e = status_at(&checker, &PKI.valid_rsa, before)
        .await
        .unwrap_err();
    assert_eq!(e.code(), 7630, "{e}");
    assert!(responder.server.hits() >= 6);
}

#[tokio::test]
async fn the_issuing_ca_may_sign_its_own_answers() {
    require_openssl();
    let responder = start(&PKI.intermediate.pem, PKI.intermediate_key_pem.as_bytes());
    let checker = OcspChecker::from_setting(&responder.url()).unwrap();
    assert_eq!(status(&checker, &PKI.valid_rsa).await, Ok(OcspStatus::Good));
    assert!(matches!(
        status(&checker, &PKI.revoked).await,
        Ok(OcspStatus::Revoked { .. })
    ));
}

#[tokio::test]
async fn aia_asks_the_responder_the_certificate_names() {
    require_openssl();
    let responder = start(
        &PKI.ocsp_responder.pem,
        PKI.ocsp_responder_key_pem.as_bytes(),
    );
    let good = PKI.citizen_with_ocsp(0x3001, &responder.url());
    let revoked = PKI.citizen_with_ocsp(0x3002, &responder.url());
    let unlisted = PKI.citizen_with_ocsp(0x3003, &responder.url());
    responder.add(&good, false);
    responder.add(&revoked, true);

    // The certificate carries the responder's URL (as openssl reads it).
    let mut child = Command::new("openssl")
        .args(["x509", "-noout", "-ocsp_uri"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(good.pem.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), responder.url());

    let checker = OcspChecker::from_setting("aia").unwrap();
    assert_eq!(checker.responder(), &OcspResponder::FromCertificate);
    assert_eq!(status(&checker, &good).await, Ok(OcspStatus::Good));
    assert!(
        matches!(
            status(&checker, &revoked).await,
            Ok(OcspStatus::Revoked { .. })
        ),
        "revoked"
    );
    assert_eq!(status(&checker, &unlisted).await, Ok(OcspStatus::Unknown));
    assert_eq!(responder.server.hits(), 3, "one request per certificate");
    // A certificate without the extension still has no responder.
    assert_eq!(
        status(&checker, &PKI.valid_rsa).await,
        Err(OcspError::NoResponder)
    );

    // A certificate naming a responder nobody answers at: the fetch fails.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let gone = PKI.citizen_with_ocsp(0x3004, &format!("http://127.0.0.1:{port}/ocsp"));
    let checker = checker.with_timeout(Duration::from_secs(2));
    let e = status(&checker, &gone).await.unwrap_err();
    assert_eq!(e.code(), 7625, "{e:?}");
}

#[tokio::test]
async fn a_signer_the_ca_did_not_authorise_is_refused() {
    require_openssl();
    // A citizen certificate of the same CA, without id-kp-OCSPSigning.
    let responder = start(&PKI.valid_ecdsa.pem, &pkcs8_pem(&PKI.valid_ecdsa.key));
    let checker = OcspChecker::new(OcspResponder::Url(responder.url())).unwrap();
    let e = status(&checker, &PKI.valid_rsa).await.unwrap_err();
    assert!(matches!(e, OcspError::Signature { .. }), "{e:?}");
    assert_eq!(e.code(), 7628);
    assert!(e.to_string().contains("簽署者未經授權"), "{e}");
    // A responder certificate from another CA.
    let responder = start(&PKI.foreign.pem, &pkcs8_pem(&PKI.foreign.key));
    let checker = OcspChecker::new(OcspResponder::Url(responder.url())).unwrap();
    let e = status(&checker, &PKI.valid_rsa).await.unwrap_err();
    assert_eq!(e.code(), 7628, "{e}");
}

#[tokio::test]
async fn without_a_responder_or_a_reachable_one_there_is_no_status() {
    // The fixed test certificates name no responder (no authority information access).
    let from_cert = OcspChecker::from_setting("AIA").unwrap();
    assert_eq!(from_cert.responder(), &OcspResponder::FromCertificate);
    let e = status(&from_cert, &PKI.valid_rsa).await.unwrap_err();
    assert_eq!(e, OcspError::NoResponder);
    assert_eq!(e.code(), 7624);
    // Nobody listening.
    let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = free.local_addr().unwrap().port();
    drop(free);
    let checker = OcspChecker::new(OcspResponder::Url(format!("http://127.0.0.1:{port}/")))
        .unwrap()
        .with_timeout(Duration::from_secs(2));
    let e = status(&checker, &PKI.valid_rsa).await.unwrap_err();
    assert!(
        matches!(&e, OcspError::Fetch(f) if f.code() == 7632),
        "{e:?}"
    );
    assert_eq!(e.code(), 7625);
    // Not an http URL.
    let e = OcspChecker::from_setting("https://127.0.0.1/ocsp").unwrap_err();
    assert_eq!(e.code(), 7631);
}

#[tokio::test]
async fn an_answer_that_is_not_ocsp_is_malformed() {
    let server = support::Server::start(|_| (200, b"<html>busy</html>".to_vec()));
    let checker = OcspChecker::new(OcspResponder::Url(server.url("/ocsp"))).unwrap();
    let e = status(&checker, &PKI.valid_rsa).await.unwrap_err();
    assert_eq!(e.code(), 7626, "{e}");
    // "tryLater": OCSPResponse { responseStatus 3 }.
    let server = support::Server::start(|_| (200, vec![0x30, 0x03, 0x0a, 0x01, 0x03]));
    let checker = OcspChecker::new(OcspResponder::Url(server.url("/ocsp"))).unwrap();
    let e = status(&checker, &PKI.valid_rsa).await.unwrap_err();
    assert_eq!(
        e,
        OcspError::ResponderStatus {
            status: "TryLater".into()
        }
    );
    assert_eq!(e.code(), 7627);
    let server = support::Server::start(|_| (500, Vec::new()));
    let checker = OcspChecker::new(OcspResponder::Url(server.url("/ocsp"))).unwrap();
    let e = status(&checker, &PKI.valid_rsa).await.unwrap_err();
    assert!(
        matches!(&e, OcspError::Fetch(f) if f.code() == 7634),
        "{e:?}"
    );
}
