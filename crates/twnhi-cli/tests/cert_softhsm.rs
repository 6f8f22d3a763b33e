//! `twnhi cert list` and `twnhi cert sign` against SoftHSM2: output, signatures checked with
//! `openssl dgst -verify`, exit codes and error lines. Each test runs in its own process with
//! its own SoftHSM2 directory (`SoftHsm::isolated`); `twnhi` inherits `SOFTHSM2_CONF`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::process::Output;
use twnhi_testkit::softhsm::{Imported, SoftHsm};

const PIN: &str = "864209";
const TOKEN: &str = "TWNHI CLI CITIZEN";

fn twnhi(args: &[&str], stdin: &str) -> Output {
    common::twnhi_stdin(args, &[], stdin)
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn setup(hsm: &SoftHsm) -> (Imported, Imported) {
    hsm.citizen_token(TOKEN, "so-pin-1111", PIN, "Test Citizen Three")
}

fn module(hsm: &SoftHsm) -> &str {
    hsm.module().to_str().unwrap()
}

/// `openssl dgst -sha256 -verify` of a base64 signature over `data` with the certificate's key.
fn openssl_verifies(hsm: &SoftHsm, cert: &[u8], scheme: &str, data: &[u8], sig_b64: &str) -> bool {
    use base64::Engine as _;
    let sig = base64::engine::general_purpose::STANDARD
        .decode(sig_b64.trim())
        .unwrap();
    hsm.openssl_verifies(cert, scheme == "pss-sha256", data, &sig)
}

#[test]
fn list_shows_tokens_and_certificates() {
    SoftHsm::isolated("list_shows_tokens_and_certificates", |hsm| {
        let (rsa, ec) = setup(hsm);
        let out = twnhi(&["cert", "list", "--module", module(hsm)], "");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let token_line = stdout.lines().find(|l| l.contains(TOKEN)).unwrap();
        assert!(token_line.contains("SoftHSM project"), "{token_line}");
        assert!(token_line.contains("PIN ok"), "{token_line}");
        let rsa_line = stdout.lines().find(|l| l.contains(&rsa.serial)).unwrap();
        assert!(rsa_line.starts_with("  "), "{rsa_line}");
        assert!(rsa_line.contains("RSA 2048"), "{rsa_line}");
        assert!(rsa_line.contains("2025-01-01 – 2035-01-01"), "{rsa_line}");
        assert!(rsa_line.contains("CN=Test Citizen Three"), "{rsa_line}");
        assert!(
            stdout
                .lines()
                .any(|l| l.contains(&ec.serial) && l.contains("EC P-256"))
        );

        let out = twnhi(&["cert", "list", "--module", module(hsm), "--json"], "");
        assert!(out.status.success(), "{}", text(&out.stderr));
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["module"], module(hsm));
        let token = json["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["label"] == TOKEN)
            .unwrap();
        assert_eq!(token["pin"], "ok");
        let certs = json["certificates"].as_array().unwrap();
        assert_eq!(certs.len(), 2);
        let r = certs
            .iter()
            .find(|c| c["serial"] == rsa.serial.as_str())
            .unwrap();
        assert_eq!(r["key"]["type"], "rsa");
        assert_eq!(r["key"]["bits"], 2048);
        assert_eq!(r["id"], hex::encode(b"SIGN"));
        assert_eq!(r["not_after"], "2035-01-01T00:00:00Z");
        assert!(r.get("der").is_none());
        let e = certs
            .iter()
            .find(|c| c["serial"] == ec.serial.as_str())
            .unwrap();
        assert_eq!(e["key"]["curve"], "P-256");
    });
}

#[test]
fn sign_prints_signatures_openssl_verifies() {
    SoftHsm::isolated("sign_prints_signatures_openssl_verifies", |hsm| {
        let (rsa, ec) = setup(hsm);
        let data_hex = "74776e6869206368616c6c656e6765";
        let data = hex::decode(data_hex).unwrap();
        for (cert, scheme) in [
            (&rsa, None),
            (&rsa, Some("pkcs1-sha256")),
            (&rsa, Some("pss-sha256")),
            (&ec, Some("ecdsa-p256-sha256")),
        ] {
            let mut args = vec![
                "cert",
                "sign",
                "--module",
                module(hsm),
                "--cert",
                &cert.serial,
            ];
            args.extend(["--data-hex", data_hex]);
            if let Some(s) = scheme {
                args.extend(["--scheme", s]);
            }
            let out = twnhi(&args, &format!("{PIN}\n"));
            assert!(out.status.success(), "{scheme:?}: {}", text(&out.stderr));
            let stdout = text(&out.stdout);
            assert_eq!(stdout.lines().count(), 1, "{stdout}");
            let scheme = scheme.unwrap_or("pkcs1-sha256");
            assert!(
                openssl_verifies(hsm, &cert.der, scheme, &data, &stdout),
                "{scheme}"
            );
            assert!(!text(&out.stderr).contains(PIN));
        }
    });
}

#[test]
fn failures_have_their_codes_and_exit_codes() {
    SoftHsm::isolated("failures_have_their_codes_and_exit_codes", |hsm| {
        let (rsa, ec) = setup(hsm);
        let m = module(hsm);
        let sign = |serial: &str, scheme: &str, pin: &str| {
            twnhi(
                &[
                    "cert",
                    "sign",
                    "--module",
                    m,
                    "--cert",
                    serial,
                    "--data-hex",
                    "00",
                    "--scheme",
                    scheme,
                ],
                pin,
            )
        };
        let check = |out: &Output, code: i32, error: &str| {
            let stderr = text(&out.stderr);
            assert_eq!(out.status.code(), Some(code), "{stderr}");
            assert!(stderr.contains("錯誤 error:"), "{stderr}");
            assert!(stderr.contains(error), "{stderr}");
            assert!(out.stdout.is_empty());
        };
        // Wrong PIN: SoftHSM2 says a wrong PIN was entered (count low).
        let out = sign(&rsa.serial, "pkcs1-sha256", "000000\n");
        check(&out, 4, "[7504]");
        assert!(text(&out.stderr).contains("few tries are left"));
        assert!(!text(&out.stderr).contains("000000"));
        check(
            &sign("0BADC0DE", "pkcs1-sha256", &format!("{PIN}\n")),
            4,
            "[7506]",
        );
        check(
            &sign(&ec.serial, "pss-sha256", &format!("{PIN}\n")),
            4,
            "[7508]",
        );
        // No PIN on stdin.
        check(&sign(&rsa.serial, "pkcs1-sha256", ""), 2, "[7509]");
        // Bad input: not hex, unknown scheme (clap).
        check(&sign("xyz", "pkcs1-sha256", PIN), 2, "xyz");
        let out = twnhi(
            &[
                "cert",
                "sign",
                "--module",
                m,
                "--cert",
                "01",
                "--data-hex",
                "0g",
            ],
            PIN,
        );
        check(&out, 2, "hex");
        let out = sign(&rsa.serial, "sha1", PIN);
        assert_eq!(out.status.code(), Some(2));
        // The module: missing, and not a module; the environment's exit code.
        let out = twnhi(
            &["cert", "list", "--module", "/nonexistent/libHicos_p11v1.so"],
            "",
        );
        check(&out, 3, "[7501]");
        let bogus = hsm.dir().join("bogus.so");
        std::fs::write(&bogus, "x").unwrap();
        let out = twnhi(&["cert", "list", "--module", bogus.to_str().unwrap()], "");
        check(&out, 3, "[7502]");
    });
}

#[test]
fn no_card_is_the_environment() {
    SoftHsm::isolated("no_card_is_the_environment", |hsm| {
        let out = twnhi(&["cert", "list", "--module", module(hsm)], "");
        assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
        assert!(text(&out.stderr).contains("[7503]"));
        let out = twnhi(
            &[
                "cert",
                "sign",
                "--module",
                module(hsm),
                "--cert",
                "01",
                "--data-hex",
                "00",
            ],
            PIN,
        );
        assert_eq!(out.status.code(), Some(3), "{}", text(&out.stderr));
    });
}
