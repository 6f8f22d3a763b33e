//! The certificate card requests (`certificates`, `sign`, `GET /v1/certificates`) over the
//! real WebSocket and HTTP server, with an in-process software token (`SimCertBackend` over
//! `SoftToken`) and with a PKCS#11 module that is not there. Signatures are checked with
//! twnhi-pki's verifier; every log line of the test binary is captured to check that the PIN
//! never appears in one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;
use twnhi_bridge::certs::SimCertBackend;
use twnhi_bridge::{Bridge, BridgeConfig, BridgeHandle, Origin, SimBackend};
use twnhi_pkcs11::{Pin, SoftToken};
use twnhi_pki::{CertificateDer, SignatureScheme, verify_signature};

/// The test citizen's certificate PIN; must appear in no reply and no log line.
const PIN: &str = "86421357";
/// The certificate's serial number.
const SERIAL: &str = "1A2B3C4D5E";

/// Every log line of this test binary, at every level.
fn logs() -> &'static Mutex<Vec<u8>> {
    static LOGS: OnceLock<&'static Mutex<Vec<u8>>> = OnceLock::new();
    LOGS.get_or_init(|| {
        let buffer: &'static Mutex<Vec<u8>> = Box::leak(Box::new(Mutex::new(Vec::new())));
        struct Sink(&'static Mutex<Vec<u8>>);
        impl std::io::Write for Sink {
            fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
                self.0.lock().unwrap().extend_from_slice(b);
                Ok(b.len())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        let subscriber = tracing_subscriber::fmt()
            .with_max_level(tracing_subscriber::filter::LevelFilter::TRACE)
            .with_ansi(false)
            .with_writer(move || Sink(buffer))
            .finish();
        tracing::subscriber::set_global_default(subscriber).unwrap();
        buffer
    })
}

fn log_text() -> String {
    String::from_utf8_lossy(&logs().lock().unwrap()).into_owned()
}

/// A software token holding one EC P-256 certificate (`CKA_ID` `SIGN`), and the
/// certificate's DER.
fn citizen_token(max_tries: u32) -> (SoftToken, Vec<u8>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CountryName, "TW");
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "Test Citizen Sim");
    params.serial_number = Some(rcgen::SerialNumber::from_slice(
        &hex::decode(SERIAL).unwrap(),
    ));
    params.not_before = rcgen::date_time_ymd(2025, 1, 1);
    params.not_after = rcgen::date_time_ymd(2035, 1, 1);
    params.key_usages = vec![rcgen::KeyUsagePurpose::DigitalSignature];
    let cert = params.self_signed(&key).unwrap();
    let mut token = SoftToken::new("TWNHI SIM CITIZEN", "0001", &Pin::new(PIN).unwrap())
        .with_max_tries(max_tries);
    token
        .add("sign", b"SIGN", cert.der(), &key.serialize_der())
        .unwrap();
    (token, cert.der().to_vec())
}

async fn start_with(certs: SimCertBackend, tweak: impl FnOnce(&mut BridgeConfig)) -> BridgeHandle {
    logs();
    let mut config = BridgeConfig::default();
    config.listen = "127.0.0.1:0".parse().unwrap();
    config.shutdown_grace = Duration::from_secs(2);
    tweak(&mut config);
    let (cards, _reader) = SimBackend::demo();
    Bridge::with_certificates(config, Arc::new(cards), Arc::new(certs))
        .unwrap()
        .bind()
        .await
        .unwrap()
        .spawn()
}

fn sign_request(id: u32, extra: Value) -> Value {
    let mut r = json!({"id": id, "type": "sign", "serial": SERIAL,
                       "data": hex::encode(b"twnhi server challenge 0001"), "pin": PIN});
    for (k, v) in extra.as_object().unwrap() {
        r[k] = v.clone();
    }
    r
}

fn error_code(reply: &Value) -> u64 {
    reply["error"]["code"]
        .as_u64()
        .unwrap_or_else(|| panic!("an error: {reply}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lists_and_signs_with_a_software_token() {
    let (token, der) = citizen_token(3);
    let bridge = start_with(SimCertBackend::with_token(Arc::new(token)), |_| {}).await;
    let addr = bridge.local_addr();
    let mut w = json_ws(addr).await;

    let list = call(&mut w, json!({"id": 1, "type": "certificates"})).await;
    assert_eq!(list["type"], "certificates", "{list}");
    let result = &list["result"];
    assert_eq!(result["tokens"].as_array().unwrap().len(), 1, "{list}");
    assert_eq!(result["tokens"][0]["label"], "TWNHI SIM CITIZEN");
    assert_eq!(result["tokens"][0]["pin"], "ok");
    let certs = result["certificates"].as_array().unwrap();
    assert_eq!(certs.len(), 1, "{list}");
    let c = &certs[0];
    assert_eq!(c["serial"], SERIAL);
    assert_eq!(c["id"], "5349474E");
    assert_eq!(c["key"], "EC P-256");
    assert_eq!(c["schemes"], json!(["ecdsa-p256-sha256"]));
    assert_eq!(c["not_before"], "2025-01-01T00:00:00Z");
    assert!(
        c["subject"]
            .as_str()
            .unwrap()
            .contains("CN=Test Citizen Sim")
    );
    assert_eq!(c["certificate"], hex::encode_upper(&der));

    // The HTTP endpoint lists the same.
    let http_list = http(
        addr,
        "GET",
        "/v1/certificates",
        &[("Origin", &own_origin(addr))],
    )
    .await;
    assert_eq!(http_list.status, 200, "{}", http_list.body);
    assert_eq!(&http_list.json(), result);

    // Sign with the key's default scheme, then naming it; both verify under the
    // certificate's key, and the reply carries the certificate.
    let challenge = b"twnhi server challenge 0001";
    for (id, extra) in [(2, json!({})), (3, json!({"scheme": "ecdsa-p256-sha256"}))] {
        let reply = call(&mut w, sign_request(id, extra)).await;
        assert_eq!(reply["type"], "sign", "{reply}");
        let r = &reply["result"];
        assert_eq!(r["serial"], SERIAL);
        assert_eq!(r["scheme"], "ecdsa-p256-sha256");
        assert_eq!(r["certificate"], hex::encode_upper(&der));
        let sig = hex::decode(r["signature"].as_str().unwrap()).unwrap();
        verify_signature(
            &CertificateDer::from(der.clone()),
            SignatureScheme::EcdsaP256Sha256,
            challenge,
            &sig,
        )
        .unwrap();
        // Not over other data.
        assert!(
            verify_signature(
                &CertificateDer::from(der.clone()),
                SignatureScheme::EcdsaP256Sha256,
                b"other data",
                &sig,
            )
            .is_err()
        );
        assert!(!reply.to_string().contains(PIN));
    }

    // The NHI card next to it works as before.
    let read = call(&mut w, json!({"id": 4, "type": "read"})).await;
    assert_eq!(read["result"]["card_no"], "000011112222", "{read}");
    let status = call(&mut w, json!({"id": 5, "type": "status"})).await;
    assert_eq!(status["result"]["cert_backend"], "sim");

    let logged = log_text();
    assert!(
        logged.contains("certificate operation done"),
        "the log capture works"
    );
    assert!(!logged.contains(PIN), "the PIN in a log line");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_pin_locked_pin_missing_certificate_and_no_card() {
    let (token, _der) = citizen_token(3);
    let certs = SimCertBackend::with_token(Arc::new(token));
    let bridge = start_with(certs.clone(), |_| {}).await;
    let mut w = json_ws(bridge.local_addr()).await;
    let wrong = json!({"pin": "00000000"});

    // Wrong PINs: the tries left as the token says, then locked — the right PIN included.
    let r = call(&mut w, sign_request(1, wrong.clone())).await;
    assert_eq!(error_code(&r), 7504, "{r}");
    assert_eq!(r["error"]["tries_left"], "low");
    assert!(
        r["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("wrong PIN")
    );
    assert!(!r["error"]["message_zh"].as_str().unwrap().is_empty());
    let r = call(&mut w, sign_request(2, wrong.clone())).await;
    assert_eq!(error_code(&r), 7504, "{r}");
    assert_eq!(r["error"]["tries_left"], "final-try");
    let list = call(&mut w, json!({"id": 3, "type": "certificates"})).await;
    assert_eq!(list["result"]["tokens"][0]["pin"], "final-try", "{list}");
    let r = call(&mut w, sign_request(4, wrong.clone())).await;
    assert_eq!(error_code(&r), 7505, "{r}");
    assert!(r["error"].get("tries_left").is_none(), "{r}");
    let r = call(&mut w, sign_request(5, json!({}))).await;
    assert_eq!(error_code(&r), 7505, "the right PIN once locked: {r}");

    // A fresh card: a right PIN after a wrong one works.
    let (token, _der) = citizen_token(3);
    certs.insert(Arc::new(token));
    let r = call(&mut w, sign_request(6, wrong)).await;
    assert_eq!(error_code(&r), 7504, "{r}");
    let r = call(&mut w, sign_request(7, json!({}))).await;
    assert!(r["result"]["signature"].is_string(), "{r}");

    // Certificate missing; a scheme the key cannot do.
    let r = call(&mut w, sign_request(8, json!({"serial": "0BADC0DE"}))).await;
    assert_eq!(error_code(&r), 7506, "{r}");
    assert!(
        r["error"]["message_en"]
            .as_str()
            .unwrap()
            .contains("0BADC0DE")
    );
    let r = call(&mut w, sign_request(9, json!({"scheme": "pss-sha256"}))).await;
    assert_eq!(error_code(&r), 7508, "{r}");

    // Malformed requests: 9999, and still no PIN in the reply.
    for (id, extra) in [
        (10, json!({"pin": ""})),
        (11, json!({"pin": 86421357})),
        (12, json!({"pin": null})),
        (13, json!({"pin": "9".repeat(65)})),
        (14, json!({"scheme": "rsa"})),
        (15, json!({"data": "zz"})),
        (16, json!({"data": "00".repeat(1025)})),
        (17, json!({"serial": "not hex"})),
    ] {
        let r = call(&mut w, sign_request(id, extra.clone())).await;
        assert_eq!(error_code(&r), 9999, "{extra}: {r}");
        assert_eq!(r["type"], "sign");
        assert!(!r.to_string().contains(PIN), "{r}");
    }

    // The card pulled out.
    certs.remove();
    let r = call(&mut w, json!({"id": 20, "type": "certificates"})).await;
    assert_eq!(error_code(&r), 7503, "{r}");
    let r = call(&mut w, sign_request(21, json!({}))).await;
    assert_eq!(error_code(&r), 7503, "{r}");
    let http_list = http(bridge.local_addr(), "GET", "/v1/certificates", &[]).await;
    assert_eq!(http_list.status, 404, "{}", http_list.body);

    assert!(!log_text().contains(PIN), "the PIN in a log line");
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_module_certificates_fail_and_cards_keep_working() {
    logs();
    let dir = tempfile::tempdir().unwrap();
    let module = dir.path().join("libHicos_p11v1.so");
    let (cards, _reader) = SimBackend::demo();
    let bridge = start(Arc::new(cards), |c| c.pkcs11_module = Some(module.clone())).await;
    let addr = bridge.local_addr();
    let mut w = json_ws(addr).await;

    let r = call(&mut w, json!({"id": 1, "type": "certificates"})).await;
    assert_eq!(error_code(&r), 7501, "{r}");
    let en = r["error"]["message_en"].as_str().unwrap();
    assert!(
        en.contains("libHicos_p11v1.so") && en.contains("--pkcs11-module"),
        "{en}"
    );
    assert!(
        r["error"]["message_zh"]
            .as_str()
            .unwrap()
            .contains("PKCS#11")
    );
    let r = call(&mut w, sign_request(2, json!({}))).await;
    assert_eq!(error_code(&r), 7501, "{r}");
    let h = http(addr, "GET", "/v1/certificates", &[]).await;
    assert_eq!(h.status, 503, "{}", h.body);
    assert_eq!(h.json()["error"]["code"], 7501);

    let read = call(&mut w, json!({"id": 3, "type": "read"})).await;
    assert_eq!(read["result"]["card_no"], "000011112222", "{read}");
    let status = call(&mut w, json!({"id": 4, "type": "status"})).await;
    assert_eq!(status["result"]["cert_backend"], "pkcs11");
    assert_eq!(status["result"]["card_service"], true);
    bridge.shutdown().await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn other_origins_reach_no_certificate() {
    let (token, _der) = citizen_token(3);
    let site = "https://nhi.example.org";
    let bridge = start_with(SimCertBackend::with_token(Arc::new(token)), |c| {
        c.origins.allowed.push(Origin::parse(site).unwrap());
    })
    .await;
    let addr = bridge.local_addr();
    let evil = "https://evil.example";

    // The WebSocket handshake fails before any frame: no request reaches the token.
    let refused = ws_connect(addr, "/v1/ws", Some(evil)).await;
    assert!(refused.is_err(), "a handshake from {evil} succeeded");
    let h = http(addr, "GET", "/v1/certificates", &[("Origin", evil)]).await;
    assert_eq!(h.status, 403);
    assert!(h.header("access-control-allow-origin").is_none());
    assert!(!h.body.contains(SERIAL));
    // A page from another site loading it as a subresource.
    let h = http(
        addr,
        "GET",
        "/v1/certificates",
        &[("Sec-Fetch-Site", "cross-site")],
    )
    .await;
    assert_eq!(h.status, 403);

    // The allowed site: listed, with CORS for it, and signing works.
    let h = http(addr, "GET", "/v1/certificates", &[("Origin", site)]).await;
    assert_eq!(h.status, 200, "{}", h.body);
    assert_eq!(h.header("access-control-allow-origin"), Some(site));
    let mut w = ws_connect(addr, "/v1/ws", Some(site)).await.unwrap();
    next_text(&mut w).await.unwrap(); // hello
    let r = call(&mut w, sign_request(1, json!({}))).await;
    assert!(r["result"]["signature"].is_string(), "{r}");
    bridge.shutdown().await.unwrap();
}
