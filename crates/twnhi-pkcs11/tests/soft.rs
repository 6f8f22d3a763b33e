//! The software token: the same trait as a card, a PIN counter that locks.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use ring::signature::{ECDSA_P256_SHA256_ASN1, UnparsedPublicKey};
use twnhi_pkcs11::{
    CertError, CertificateToken, DEFAULT_MAX_TRIES, Pin, PinState, Scheme, SoftToken, TriesLeft,
    parse_certificate,
};

/// A P-256 certificate and its PKCS#8 key (rcgen).
fn p256_certificate(cn: &str) -> (Vec<u8>, Vec<u8>) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
    params
        .distinguished_name
        .push(rcgen::DnType::CommonName, cn);
    let cert = params.self_signed(&key).unwrap();
    (cert.der().to_vec(), key.serialize_der())
}

fn token() -> (SoftToken, Vec<u8>, String) {
    let (der, key) = p256_certificate("Test Citizen Two");
    let mut token = SoftToken::new("demo", "0001", &Pin::new("135790").unwrap());
    token.add("k1", b"SIGN", &der, &key).unwrap();
    let serial = parse_certificate(&der).unwrap().serial;
    (token, der, serial)
}

#[test]
fn signs_ecdsa_p256_in_der_behind_the_trait() {
    let (token, der, serial) = token();
    let token: Box<dyn CertificateToken> = Box::new(token);
    let certs = token.certificates().unwrap();
    assert_eq!(certs.len(), 1);
    assert_eq!(certs[0].serial, serial);
    assert_eq!(certs[0].id, hex::encode(b"SIGN"));
    assert!(certs[0].subject.contains("CN=Test Citizen Two"));
    let sig = token
        .sign(
            &serial,
            &Pin::new("135790").unwrap(),
            Scheme::EcdsaP256Sha256,
            b"challenge",
        )
        .unwrap();
    assert_eq!(sig[0], 0x30, "DER");
    let public = parse_certificate(&der).unwrap().public_key;
    UnparsedPublicKey::new(&ECDSA_P256_SHA256_ASN1, &public)
        .verify(b"challenge", &sig)
        .unwrap();
    let e = token
        .sign(
            &serial,
            &Pin::new("135790").unwrap(),
            Scheme::PssSha256,
            b"challenge",
        )
        .unwrap_err();
    assert!(matches!(
        e,
        CertError::MechanismUnsupported {
            scheme: Scheme::PssSha256
        }
    ));
    let e = token
        .sign(
            "ABCDEF",
            &Pin::new("135790").unwrap(),
            Scheme::EcdsaP256Sha256,
            b"x",
        )
        .unwrap_err();
    assert!(matches!(e, CertError::CertificateMissing { .. }));
}

#[test]
fn wrong_pins_count_down_then_lock() {
    let (token, _, serial) = token();
    let wrong = Pin::new("000000").unwrap();
    let right = Pin::new("135790").unwrap();
    let state = || token.tokens().unwrap()[0].pin;
    let sign = |pin: &Pin| token.sign(&serial, pin, Scheme::EcdsaP256Sha256, b"x");
    assert_eq!(DEFAULT_MAX_TRIES, 3);

    // A right PIN resets the count.
    assert!(matches!(
        sign(&wrong),
        Err(CertError::WrongPin {
            tries_left: TriesLeft::Low
        })
    ));
    assert_eq!(state(), PinState::CountLow);
    sign(&right).unwrap();
    assert_eq!(state(), PinState::Ok);

    assert!(matches!(
        sign(&wrong),
        Err(CertError::WrongPin {
            tries_left: TriesLeft::Low
        })
    ));
    let e = sign(&wrong).unwrap_err();
    assert!(
        matches!(
            e,
            CertError::WrongPin {
                tries_left: TriesLeft::FinalTry
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("one try is left"), "{e}");
    assert_eq!(state(), PinState::FinalTry);
    let e = sign(&wrong).unwrap_err();
    assert!(matches!(e, CertError::PinLocked), "{e:?}");
    assert_eq!(e.code(), 7505);
    assert_eq!(state(), PinState::Locked);
    // Locked for good: the right PIN no longer helps.
    assert!(matches!(sign(&right), Err(CertError::PinLocked)));
}

#[test]
fn a_key_must_match_its_certificate() {
    let (der, _) = p256_certificate("A");
    let (_, other_key) = p256_certificate("B");
    let mut token = SoftToken::new("demo", "0001", &Pin::new("1234").unwrap()).with_max_tries(1);
    let e = token.add("k", b"1", &der, &other_key).unwrap_err();
    assert!(matches!(e, CertError::CertificateMalformed { .. }), "{e:?}");
    let e = token.add("k", b"1", &der, b"not a key").unwrap_err();
    assert!(matches!(e, CertError::KeyMissing { .. }), "{e:?}");
    assert!(token.certificates().unwrap().is_empty());
    assert!(!format!("{token:?}").contains("1234"));
}
