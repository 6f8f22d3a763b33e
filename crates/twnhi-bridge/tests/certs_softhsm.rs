//! The certificate card requests over the real WebSocket against **SoftHSM2**, a real PKCS#11
//! module, loaded by the bridge from `BridgeConfig::pkcs11_module` as the HiCOS module would
//! be: list, sign with each scheme (verified with twnhi-pki), wrong PIN, certificate missing,
//! no token, origin refused. Each test runs in its own process with its own SoftHSM2
//! directory (`SoftHsm::isolated`: `SOFTHSM2_CONF` is process-wide).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use serde_json::{Value, json};
use std::sync::Arc;
use twnhi_bridge::SimBackend;
use twnhi_pki::{CertificateDer, SignatureScheme, verify_signature};
use twnhi_testkit::softhsm::SoftHsm;

const SO_PIN: &str = "so-pin-0000";
const PIN: &str = "97531086";
const TOKEN: &str = "TWNHI TEST CITIZEN";

/// Runs `body` on a multi-threaded runtime (the test's body runs in the SoftHSM2 child).
fn run(body: impl std::future::Future<Output = ()>) {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
        .block_on(body);
}

/// A bridge whose certificate cards come from SoftHSM2, as configured for the HiCOS module.
async fn bridge(hsm: &SoftHsm) -> twnhi_bridge::BridgeHandle {
    let module = hsm.module().to_path_buf();
    let (cards, _reader) = SimBackend::demo();
    start(Arc::new(cards), |c| c.pkcs11_module = Some(module)).await
}

fn error_code(reply: &Value) -> u64 {
    reply["error"]["code"]
        .as_u64()
        .unwrap_or_else(|| panic!("an error: {reply}"))
}

#[test]
fn lists_and_signs_through_softhsm() {
    SoftHsm::isolated("lists_and_signs_through_softhsm", |hsm| {
        let (rsa, ec) = hsm.citizen_token(TOKEN, SO_PIN, PIN, "Test Citizen One");
        run(async {
            let bridge = bridge(hsm).await;
            let mut w = json_ws(bridge.local_addr()).await;
            let list = call(&mut w, json!({"id": 1, "type": "certificates"})).await;
            let tokens = list["result"]["tokens"].as_array().expect("tokens");
            assert_eq!(tokens.len(), 1, "{list}");
            assert_eq!(tokens[0]["label"], TOKEN);
            assert_eq!(tokens[0]["manufacturer"], "SoftHSM project");
            let certs = list["result"]["certificates"].as_array().unwrap();
            assert_eq!(certs.len(), 2, "{list}");
            let r = certs.iter().find(|c| c["serial"] == rsa.serial).unwrap();
            assert_eq!(r["key"], "RSA 2048");
            assert_eq!(r["id"], "5349474E");
            assert_eq!(r["schemes"], json!(["pkcs1-sha256", "pss-sha256"]));
            assert_eq!(r["certificate"], hex::encode_upper(&rsa.der));

            let challenge = b"twnhi server challenge, RSA and EC";
            for (id, cert, scheme) in [
                (2, &rsa, None),
                (3, &rsa, Some("pss-sha256")),
                (4, &ec, None),
            ] {
                let mut req = json!({"id": id, "type": "sign", "serial": cert.serial,
                                     "data": hex::encode(challenge), "pin": PIN});
                if let Some(s) = scheme {
                    req["scheme"] = json!(s);
                }
                let reply = call(&mut w, req).await;
                let used = reply["result"]["scheme"]
                    .as_str()
                    .unwrap_or_else(|| panic!("{reply}"));
                let expected = scheme.unwrap_or(if cert.serial == rsa.serial {
                    "pkcs1-sha256"
                } else {
                    "ecdsa-p256-sha256"
                });
                assert_eq!(used, expected);
                let sig = hex::decode(reply["result"]["signature"].as_str().unwrap()).unwrap();
                verify_signature(
                    &CertificateDer::from(cert.der.clone()),
                    used.parse::<SignatureScheme>().unwrap(),
                    challenge,
                    &sig,
                )
                .unwrap_or_else(|e| panic!("{used}: {e}"));
                assert!(!reply.to_string().contains(PIN));
            }

            // A wrong PIN: SoftHSM2 then sets CKF_USER_PIN_COUNT_LOW, which the reply tells.
            let wrong = json!({"id": 5, "type": "sign", "serial": rsa.serial,
                               "data": "00", "pin": "11112222"});
            let r = call(&mut w, wrong).await;
            assert_eq!(error_code(&r), 7504, "{r}");
            assert_eq!(r["error"]["tries_left"], "low", "{r}");
            let list = call(&mut w, json!({"id": 6, "type": "certificates"})).await;
            assert_eq!(list["result"]["tokens"][0]["pin"], "count-low", "{list}");
            // The right PIN still works.
            let right = json!({"id": 7, "type": "sign", "serial": rsa.serial,
                               "data": "00", "pin": PIN});
            let r = call(&mut w, right).await;
            assert!(r["result"]["signature"].is_string(), "{r}");

            // A certificate that is not on the card.
            let missing = json!({"id": 8, "type": "sign", "serial": "7FFF0001",
                                 "data": "00", "pin": PIN});
            let r = call(&mut w, missing).await;
            assert_eq!(error_code(&r), 7506, "{r}");

            // Another origin: refused at the handshake.
            let evil = ws_connect(bridge.local_addr(), "/v1/ws", Some("https://evil.example"));
            assert!(evil.await.is_err());
            bridge.shutdown().await.unwrap();
        });
    });
}

#[test]
fn no_token_in_softhsm() {
    SoftHsm::isolated("no_token_in_softhsm", |hsm| {
        run(async {
            let bridge = bridge(hsm).await;
            let mut w = json_ws(bridge.local_addr()).await;
            let r = call(&mut w, json!({"id": 1, "type": "certificates"})).await;
            assert_eq!(error_code(&r), 7503, "{r}");
            let sign = json!({"id": 2, "type": "sign", "serial": "01", "data": "00", "pin": PIN});
            let r = call(&mut w, sign).await;
            assert_eq!(error_code(&r), 7503, "{r}");
            // The NHI card is unaffected.
            let read = call(&mut w, json!({"id": 3, "type": "read"})).await;
            assert_eq!(read["result"]["card_no"], "000011112222", "{read}");
            bridge.shutdown().await.unwrap();
        });
    });
}
