//! The PKCS#11 token against SoftHSM2 (a real PKCS#11 module): list, log in, sign with each
//! scheme and verify with independent verifiers (ring, the openssl command), and every
//! failure the card side names. Each test runs in its own process with its own SoftHSM2
//! directory ([`SoftHsm::isolated`]).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ring::signature::{self, UnparsedPublicKey};
use twnhi_pkcs11::{
    CertError, CertificateToken, KeyInfo, Pin, PinState, Pkcs11Token, Scheme, SoftToken, TriesLeft,
    parse_certificate,
};
use twnhi_testkit::softhsm::{Imported, KeyKind, SoftHsm};

const SO_PIN: &str = "so-pin-0000";
const PIN: &str = "246810";
const TOKEN: &str = "TWNHI TEST CITIZEN";

/// A token with an RSA and an EC certificate, as a MOICA card has two certificates.
fn citizen_token(hsm: &SoftHsm) -> (Imported, Imported) {
    hsm.citizen_token(TOKEN, SO_PIN, PIN, "Test Citizen One")
}

/// Verifies `sig` over `data` with the certificate's public key, with ring.
fn ring_verifies(cert_der: &[u8], scheme: Scheme, data: &[u8], sig: &[u8]) -> bool {
    let key = parse_certificate(cert_der).unwrap().public_key;
    let alg: &dyn signature::VerificationAlgorithm = match scheme {
        Scheme::Pkcs1Sha256 => &signature::RSA_PKCS1_2048_8192_SHA256,
        Scheme::PssSha256 => &signature::RSA_PSS_2048_8192_SHA256,
        Scheme::EcdsaP256Sha256 => &signature::ECDSA_P256_SHA256_ASN1,
        _ => unreachable!(),
    };
    UnparsedPublicKey::new(alg, key).verify(data, sig).is_ok()
}

#[test]
fn lists_tokens_and_certificates() {
    SoftHsm::isolated("lists_tokens_and_certificates", |hsm| {
        let (rsa, ec) = citizen_token(hsm);
        let token = Pkcs11Token::open(hsm.module()).unwrap();
        let tokens = token.tokens().unwrap();
        let ours: Vec<_> = tokens.iter().filter(|t| t.label == TOKEN).collect();
        assert_eq!(ours.len(), 1, "{tokens:?}");
        assert_eq!(ours[0].manufacturer, "SoftHSM project");
        assert!(ours[0].login_required);
        assert_eq!(ours[0].pin, PinState::Ok);

        let certs = token.certificates().unwrap();
        assert_eq!(certs.len(), 2, "{certs:?}");
        let r = certs.iter().find(|c| c.serial == rsa.serial).unwrap();
        assert_eq!(r.key, KeyInfo::Rsa { bits: 2048 });
        assert_eq!(r.id, hex::encode(b"SIGN"));
        assert_eq!(r.label, "sign");
        assert_eq!(r.token_label, TOKEN);
        assert_eq!(r.der, rsa.der);
        assert!(r.subject.contains("CN=Test Citizen One"), "{}", r.subject);
        assert_eq!(r.subject, r.issuer);
        assert_eq!(r.not_before.to_rfc3339(), "2025-01-01T00:00:00+00:00");
        let e = certs.iter().find(|c| c.serial == ec.serial).unwrap();
        assert_eq!(
            e.key,
            KeyInfo::Ec {
                curve: "P-256".into()
            }
        );
    });
}

#[test]
fn signs_with_each_scheme_and_independent_verifiers_accept() {
    SoftHsm::isolated(
        "signs_with_each_scheme_and_independent_verifiers_accept",
        |hsm| {
            let (rsa, ec) = citizen_token(hsm);
            let token = Pkcs11Token::open(hsm.module()).unwrap();
            let pin = Pin::new(PIN).unwrap();
            let challenge = b"twnhi challenge 0123456789abcdef";
            for (cert, scheme) in [
                (&rsa, Scheme::Pkcs1Sha256),
                (&rsa, Scheme::PssSha256),
                (&ec, Scheme::EcdsaP256Sha256),
            ] {
                // The serial as a person may type it: lowercase, with colons.
                let typed = cert
                    .serial
                    .to_lowercase()
                    .as_bytes()
                    .chunks(2)
                    .map(|c| std::str::from_utf8(c).unwrap())
                    .collect::<Vec<_>>()
                    .join(":");
                let sig = token.sign(&typed, &pin, scheme, challenge).unwrap();
                assert!(
                    ring_verifies(&cert.der, scheme, challenge, &sig),
                    "ring: {scheme}"
                );
                assert!(
                    hsm.openssl_verifies(&cert.der, scheme == Scheme::PssSha256, challenge, &sig),
                    "openssl: {scheme}"
                );
                assert!(!ring_verifies(
                    &cert.der,
                    scheme,
                    b"another challenge",
                    &sig
                ));
                if scheme == Scheme::Pkcs1Sha256 {
                    // PKCS#1 v1.5 is deterministic: the same signature again.
                    assert_eq!(
                        token.sign(&cert.serial, &pin, scheme, challenge).unwrap(),
                        sig
                    );
                }
            }
            // ECDSA with the RSA key, PKCS#1 with the EC key.
            for (cert, scheme) in [(&rsa, Scheme::EcdsaP256Sha256), (&ec, Scheme::Pkcs1Sha256)] {
                let e = token
                    .sign(&cert.serial, &pin, scheme, challenge)
                    .unwrap_err();
                assert!(matches!(e, CertError::MechanismUnsupported { .. }), "{e:?}");
                assert_eq!(e.code(), 7508);
            }

            // The software token, given the same keys, signs the same way behind the same trait.
            let mut soft = SoftToken::new("soft", "0001", &pin);
            soft.add("sign", b"SIGN", &rsa.der, &rsa.pkcs8).unwrap();
            soft.add("ec", b"EC01", &ec.der, &ec.pkcs8).unwrap();
            let soft: &dyn CertificateToken = &soft;
            let listed: Vec<String> = soft
                .certificates()
                .unwrap()
                .into_iter()
                .map(|c| c.serial)
                .collect();
            assert_eq!(listed, [rsa.serial.clone(), ec.serial.clone()]);
            for (cert, scheme) in [
                (&rsa, Scheme::Pkcs1Sha256),
                (&rsa, Scheme::PssSha256),
                (&ec, Scheme::EcdsaP256Sha256),
            ] {
                let sig = soft.sign(&cert.serial, &pin, scheme, challenge).unwrap();
                assert!(
                    ring_verifies(&cert.der, scheme, challenge, &sig),
                    "soft: {scheme}"
                );
            }
            assert_eq!(
                soft.sign(&rsa.serial, &pin, Scheme::Pkcs1Sha256, challenge)
                    .unwrap(),
                token
                    .sign(&rsa.serial, &pin, Scheme::Pkcs1Sha256, challenge)
                    .unwrap()
            );
            // A key that is not the certificate's is refused.
            let mut other = SoftToken::new("soft", "0002", &pin);
            assert!(other.add("k", b"X", &rsa.der, &ec.pkcs8).is_err());
        },
    );
}

/// SoftHSM2 (2.6) sets `CKF_USER_PIN_COUNT_LOW` after a wrong PIN and clears it after a right
/// one, and never locks the PIN: the count-low report is checked here, the locked PIN with the
/// software token (tests/soft.rs) and with the flag mapping (the crate's unit tests).
#[test]
fn a_wrong_pin_is_refused_with_what_the_token_says() {
    SoftHsm::isolated("a_wrong_pin_is_refused_with_what_the_token_says", |hsm| {
        let (rsa, _) = citizen_token(hsm);
        let token = Pkcs11Token::open(hsm.module()).unwrap();
        let pin_state = || {
            token
                .tokens()
                .unwrap()
                .into_iter()
                .find(|t| t.label == TOKEN)
                .unwrap()
                .pin
        };
        let wrong = Pin::new("999999").unwrap();
        for _ in 0..10 {
            let e = token
                .sign(&rsa.serial, &wrong, Scheme::Pkcs1Sha256, b"x")
                .unwrap_err();
            assert!(
                matches!(
                    e,
                    CertError::WrongPin {
                        tries_left: TriesLeft::Low
                    }
                ),
                "{e:?}"
            );
            assert_eq!(e.code(), 7504);
            assert!(e.to_string().contains("few tries are left"), "{e}");
            assert_eq!(pin_state(), PinState::CountLow);
        }
        // Not locked after ten: the right PIN signs and clears the flag.
        token
            .sign(
                &rsa.serial,
                &Pin::new(PIN).unwrap(),
                Scheme::Pkcs1Sha256,
                b"x",
            )
            .unwrap();
        assert_eq!(pin_state(), PinState::Ok);
        // A PIN longer than the token accepts.
        let e = token
            .sign(
                &rsa.serial,
                &Pin::new("1".repeat(300)).unwrap(),
                Scheme::Pkcs1Sha256,
                b"x",
            )
            .unwrap_err();
        assert!(
            matches!(e, CertError::PinFormat | CertError::WrongPin { .. }),
            "{e:?}"
        );
    });
}

#[test]
fn a_missing_certificate_or_key_is_named() {
    SoftHsm::isolated("a_missing_certificate_or_key_is_named", |hsm| {
        citizen_token(hsm);
        // A certificate whose key is not on the token.
        let keyless = hsm.new_certificate(KeyKind::EcP256, "Keyless");
        hsm.import_certificate(TOKEN, PIN, &keyless.der, b"NOKEY", "no key");
        let token = Pkcs11Token::open(hsm.module()).unwrap();
        let pin = Pin::new(PIN).unwrap();
        assert_eq!(token.certificates().unwrap().len(), 3);

        let e = token
            .sign("0b:ad:c0:de", &pin, Scheme::Pkcs1Sha256, b"x")
            .unwrap_err();
        assert!(
            matches!(&e, CertError::CertificateMissing { serial } if serial == "0BADC0DE"),
            "{e:?}"
        );
        assert_eq!(e.code(), 7506);
        assert!(!e.is_environment());

        let e = token
            .sign(&keyless.serial, &pin, Scheme::EcdsaP256Sha256, b"x")
            .unwrap_err();
        assert!(
            matches!(&e, CertError::KeyMissing { serial } if *serial == keyless.serial),
            "{e:?}"
        );
        assert_eq!(e.code(), 7507);
    });
}

#[test]
fn no_initialised_token_is_no_token() {
    SoftHsm::isolated("no_initialised_token_is_no_token", |hsm| {
        // SoftHSM2 shows one slot with an uninitialised token: no card for us.
        let token = Pkcs11Token::open(hsm.module()).unwrap();
        assert!(token.tokens().unwrap().is_empty());
        let e = token.certificates().unwrap_err();
        assert!(matches!(e, CertError::NoToken), "{e:?}");
        assert_eq!(e.code(), 7503);
        assert!(e.is_environment());
        let e = token
            .sign("01", &Pin::new(PIN).unwrap(), Scheme::Pkcs1Sha256, b"x")
            .unwrap_err();
        assert!(matches!(e, CertError::NoToken), "{e:?}");
    });
}

#[test]
fn a_missing_or_broken_module_is_named() {
    let e = Pkcs11Token::open("/nonexistent/libHicos_p11v1.so").unwrap_err();
    assert!(
        matches!(&e, CertError::ModuleNotFound { path } if path.ends_with("libHicos_p11v1.so")),
        "{e:?}"
    );
    assert_eq!(e.code(), 7501);
    assert!(e.is_environment());
    assert!(
        e.to_string().contains("/nonexistent/libHicos_p11v1.so"),
        "{e}"
    );
    let e = Pkcs11Token::open("libtwnhi-no-such-module.so").unwrap_err();
    assert!(matches!(e, CertError::ModuleNotFound { .. }), "{e:?}");

    // A file that is not a shared library, and a shared library that is not a PKCS#11 module.
    let dir = tempfile::tempdir().unwrap();
    let text = dir.path().join("not-a-module.so");
    std::fs::write(&text, "not a module").unwrap();
    let e = Pkcs11Token::open(&text).unwrap_err();
    assert!(matches!(e, CertError::ModuleNotLoadable { .. }), "{e:?}");
    assert_eq!(e.code(), 7502);
    let libc = [
        "/lib/x86_64-linux-gnu/libc.so.6",
        "/lib/aarch64-linux-gnu/libc.so.6",
        "/lib64/libc.so.6",
    ]
    .into_iter()
    .find(|p| std::path::Path::new(p).exists());
    if let Some(libc) = libc {
        let e = Pkcs11Token::open(libc).unwrap_err();
        assert!(matches!(e, CertError::ModuleNotLoadable { .. }), "{e:?}");
    }
}

/// A P-256 public key read from a token, for rcgen.
struct TokenPublicKey(Vec<u8>);

impl rcgen::PublicKeyData for TokenPublicKey {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

#[test]
fn tokens_made_here_hold_a_generated_key_and_its_certificate() {
    SoftHsm::isolated(
        "tokens_made_here_hold_a_generated_key_and_its_certificate",
        |hsm| {
            let module = std::sync::Arc::new(Pkcs11Token::open(hsm.module()).unwrap());
            let so_pin = Pin::new(SO_PIN).unwrap();
            let pin = Pin::new(PIN).unwrap();
            let ca_key = rcgen::KeyPair::generate().unwrap();
            let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
            ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
            let issuer = rcgen::Issuer::new(ca_params, ca_key);
            let mut made = Vec::new();
            for (n, label) in ["TWNHI MADE ONE", "TWNHI MADE TWO"].into_iter().enumerate() {
                module.init_token(label, &so_pin, &pin).unwrap();
                let point = module
                    .generate_p256_key(label, &pin, b"SIGN", "sign")
                    .unwrap();
                assert_eq!(point.len(), 65);
                assert_eq!(point[0], 0x04);
                let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
                params.serial_number = Some(rcgen::SerialNumber::from(0x5000 + n as u64));
                let cert = params.signed_by(&TokenPublicKey(point), &issuer).unwrap();
                module
                    .store_certificate(label, &pin, b"SIGN", "sign", cert.der())
                    .unwrap();
                made.push((label, cert.der().to_vec()));
            }
            // The same label twice, and a label too long for a token, are refused.
            let again = module.init_token("TWNHI MADE ONE", &so_pin, &pin);
            assert_eq!(again.unwrap_err().code(), 7519);
            let long = module.init_token(&"X".repeat(33), &so_pin, &pin);
            assert_eq!(long.unwrap_err().code(), 7519);

            let data = b"challenge of a token made here";
            for (label, der) in &made {
                let one = twnhi_pkcs11::OneToken::new(module.clone(), *label);
                assert_eq!(one.tokens().unwrap().len(), 1);
                let certs = one.certificates().unwrap();
                assert_eq!(certs.len(), 1, "{certs:?}");
                assert_eq!(&certs[0].der, der);
                assert_eq!(certs[0].id, hex::encode(b"SIGN"));
                let sig = one
                    .sign(&certs[0].serial, &pin, Scheme::EcdsaP256Sha256, data)
                    .unwrap();
                assert!(ring_verifies(der, Scheme::EcdsaP256Sha256, data, &sig));
                assert!(hsm.openssl_verifies(der, false, data, &sig));
                // The other token's certificate is not this token's.
                let other = made.iter().find(|(l, _)| l != label).unwrap();
                let other_serial = parse_certificate(&other.1).unwrap().serial;
                let e = one
                    .sign(&other_serial, &pin, Scheme::EcdsaP256Sha256, data)
                    .unwrap_err();
                assert_eq!(e.code(), 7506);
            }
            let gone = twnhi_pkcs11::OneToken::new(module.clone(), "TWNHI NOT HERE");
            assert_eq!(gone.certificates().unwrap_err().code(), 7503);
        },
    );
}
