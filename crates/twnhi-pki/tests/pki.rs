//! Certificate verification against the test PKI of `twnhi-testkit`: every bad certificate
//! refused with its reason, good ones accepted, CRLs from files refreshed, challenge
//! signatures of every scheme good and tampered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant, SystemTime};
use twnhi_pki::{
    CertSummary, CertificateDer, ChainVerifier, CrlSet, CrlStore, FileCrlSource, KeyType,
    LoadError, RevocationPolicy, SignatureError, SignatureScheme, VerifyError,
    ecdsa_p256_raw_to_der, load, verify_signature,
};
use twnhi_testkit::pki::{Issued, TestPki};

static PKI: LazyLock<TestPki> = LazyLock::new(TestPki::generate);

fn der(i: &Issued) -> CertificateDer<'static> {
    CertificateDer::from(i.der.clone())
}

/// Trusts the root, knows the intermediate.
fn verifier() -> ChainVerifier {
    ChainVerifier::new(&[der(&PKI.root)])
        .unwrap()
        .with_intermediates(vec![der(&PKI.intermediate)])
}

fn crls() -> CrlSet {
    CrlSet::new(load::crls(PKI.crl_pem.as_bytes(), "crl.pem").unwrap())
}

fn check(cert: &Issued, crls: Option<&CrlSet>) -> Result<twnhi_pki::Verified, VerifyError> {
    verifier().verify(&der(cert), &[], crls, SystemTime::now())
}

#[test]
fn valid_rsa_certificate_is_accepted_with_its_summary() {
    let v = check(&PKI.valid_rsa, Some(&crls())).unwrap();
    let s = &v.summary;
    assert_eq!(s.subject_cn.as_deref(), Some("Test Citizen Valid RSA"));
    assert_eq!(s.serial_hex, "1001");
    assert_eq!(s.id_last4.as_deref(), Some("0004"));
    assert_eq!(s.subject_serial_number.as_deref(), Some("TEST000000004097"));
    assert_eq!(s.key, KeyType::Rsa { bits: 2048 });
    assert_eq!(s.digital_signature, Some(true));
    assert!(
        s.issuer.contains("CN=twnhi Test Citizen CA"),
        "{}",
        s.issuer
    );
    assert!(s.not_before < s.not_after);
    assert_eq!(
        v.chain,
        [
            "C=TW, O=twnhi test PKI, CN=twnhi Test Citizen CA",
            "C=TW, O=twnhi test PKI, CN=twnhi Test Root CA"
        ]
    );
    assert_eq!(v.crls_checked, Some(1));
}

#[test]
fn valid_ecdsa_certificate_is_accepted() {
    let v = check(&PKI.valid_ecdsa, Some(&crls())).unwrap();
    assert_eq!(v.summary.key, KeyType::EcP256);
    assert_eq!(v.summary.id_last4.as_deref(), Some("0005"));
    // Without CRLs, revocation is not checked and says so.
    assert_eq!(check(&PKI.valid_ecdsa, None).unwrap().crls_checked, None);
}

#[test]
fn intermediates_may_come_from_the_caller() {
    let bare = ChainVerifier::new(&[der(&PKI.root)]).unwrap();
    let cert = der(&PKI.valid_rsa);
    assert_eq!(
        bare.verify(&cert, &[], None, SystemTime::now()),
        Err(VerifyError::UnknownIssuer)
    );
    let v = bare
        .verify(&cert, &[der(&PKI.intermediate)], None, SystemTime::now())
        .unwrap();
    assert_eq!(v.chain.len(), 2);
}

#[test]
fn expired_and_not_yet_valid_are_refused_with_their_dates() {
    let e = check(&PKI.expired, Some(&crls())).unwrap_err();
    let VerifyError::Expired { not_after } = e else {
        panic!("{e:?}")
    };
    assert_eq!(
        not_after,
        CertSummary::of(&der(&PKI.expired)).unwrap().not_after
    );
    assert_eq!(e.code(), 7604);
    let e = check(&PKI.not_yet_valid, Some(&crls())).unwrap_err();
    assert!(matches!(e, VerifyError::NotYetValid { .. }), "{e:?}");
    assert_eq!(e.code(), 7605);
}

#[test]
fn validity_is_checked_at_the_time_given() {
    let summary = CertSummary::of(&der(&PKI.expired)).unwrap();
    let inside = SystemTime::from(summary.not_after) - Duration::from_secs(86_400);
    let v = verifier()
        .verify(&der(&PKI.expired), &[], None, inside)
        .unwrap();
    assert_eq!(v.summary.id_last4.as_deref(), Some("0006"));
}

#[test]
fn revoked_certificate_is_refused_when_crls_are_given() {
    assert_eq!(
        check(&PKI.revoked, Some(&crls())),
        Err(VerifyError::Revoked)
    );
    // The same CRL in DER.
    let der_crls = CrlSet::new(load::crls(&PKI.crl_der, "crl.der").unwrap());
    assert_eq!(
        check(&PKI.revoked, Some(&der_crls)),
        Err(VerifyError::Revoked)
    );
    // Without CRLs nothing tells.
    assert!(check(&PKI.revoked, None).is_ok());
}

#[test]
fn foreign_ca_wrong_usage_and_forgery_are_refused() {
    let cases: [(&Issued, VerifyError, u16); 4] = [
        (&PKI.foreign, VerifyError::UnknownIssuer, 7602),
        (&PKI.wrong_key_usage, VerifyError::WrongKeyUsage, 7607),
        (&PKI.wrong_eku, VerifyError::WrongKeyUsage, 7607),
        (&PKI.forged, VerifyError::BadSignature, 7603),
    ];
    for (cert, want, code) in cases {
        let got = check(cert, Some(&crls())).unwrap_err();
        assert_eq!(got, want, "{}", cert.serial_hex);
        assert_eq!(got.code(), code);
    }
    // A CA certificate is not a citizen's.
    assert_eq!(
        check(&PKI.intermediate, None),
        Err(VerifyError::WrongKeyUsage)
    );
}

#[test]
fn malformed_certificates_are_refused() {
    for bytes in [
        b"not a certificate".to_vec(),
        PKI.valid_rsa.der[..PKI.valid_rsa.der.len() - 10].to_vec(),
        [PKI.valid_rsa.der.as_slice(), &[0]].concat(),
    ] {
        let e = verifier()
            .verify(&CertificateDer::from(bytes), &[], None, SystemTime::now())
            .unwrap_err();
        assert!(matches!(e, VerifyError::Malformed { .. }), "{e:?}");
        assert_eq!(e.code(), 7601);
    }
}

#[test]
fn revocation_policy_decides_about_missing_and_stale_crls() {
    let none = CrlSet::default();
    assert_eq!(
        check(&PKI.valid_rsa, Some(&none)),
        Err(VerifyError::RevocationUnknown)
    );
    let stale = CrlSet::new(load::crls(PKI.crl_stale_pem.as_bytes(), "stale").unwrap());
    assert_eq!(
        check(&PKI.valid_rsa, Some(&stale)),
        Err(VerifyError::CrlExpired)
    );
    let mut lenient = RevocationPolicy::default();
    lenient.require_status = false;
    lenient.enforce_next_update = false;
    let v = verifier().with_revocation_policy(lenient);
    let now = SystemTime::now();
    assert!(
        v.verify(&der(&PKI.valid_rsa), &[], Some(&none), now)
            .is_ok()
    );
    assert!(
        v.verify(&der(&PKI.valid_rsa), &[], Some(&stale), now)
            .is_ok()
    );
    // A stale CRL still lists what it lists.
    assert_eq!(
        v.verify(&der(&PKI.revoked), &[], Some(&stale), now),
        Err(VerifyError::Revoked)
    );
}

#[test]
fn refusals_read_in_both_languages_with_their_code() {
    let text = VerifyError::Revoked.to_string();
    assert!(text.contains("憑證已被廢止"), "{text}");
    assert!(text.contains("revoked"), "{text}");
    assert!(text.ends_with("[7606]"), "{text}");
    let expired = check(&PKI.expired, None).unwrap_err().to_string();
    assert!(expired.contains(" UTC"), "{expired}");
}

#[test]
fn crl_store_reloads_its_files() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("intermediate.crl");
    std::fs::write(&file, &PKI.crl_empty_pem).unwrap();
    let store = CrlStore::new(vec![Box::new(FileCrlSource::new(&file))]);
    assert!(store.current().is_empty());
    let report = store.refresh();
    assert!(report.is_complete());
    assert_eq!(report.crls, 1);
    assert!(check(&PKI.revoked, Some(&store.current())).is_ok());

    // The CA revokes: the next refresh sees it.
    std::fs::write(&file, &PKI.crl_der).unwrap();
    store.refresh();
    assert_eq!(
        check(&PKI.revoked, Some(&store.current())),
        Err(VerifyError::Revoked)
    );

    // A source that fails keeps its previous CRLs and is reported.
    std::fs::write(&file, b"garbage").unwrap();
    let report = store.refresh();
    assert_eq!(report.failed.len(), 1);
    assert!(matches!(
        report.failed[0].1,
        LoadError::Format { .. } | LoadError::Crl { .. }
    ));
    assert_eq!(
        check(&PKI.revoked, Some(&store.current())),
        Err(VerifyError::Revoked)
    );
    std::fs::remove_file(&file).unwrap();
    let report = store.refresh();
    assert!(matches!(report.failed[0].1, LoadError::Io { .. }));
    assert_eq!(store.current().len(), 1);
}

#[test]
fn crl_store_refreshes_on_a_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("intermediate.crl");
    std::fs::write(&file, &PKI.crl_empty_pem).unwrap();
    let store = Arc::new(CrlStore::new(vec![Box::new(FileCrlSource::new(&file))]));
    store.refresh();
    let refresher = store.spawn_refresher(Duration::from_millis(20)).unwrap();
    std::fs::write(&file, &PKI.crl_pem).unwrap();
    let deadline = Instant::now() + Duration::from_secs(10);
    while check(&PKI.revoked, Some(&store.current())).is_ok() {
        assert!(
            Instant::now() < deadline,
            "the refresher never reloaded the CRL"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(
        check(&PKI.revoked, Some(&store.current())),
        Err(VerifyError::Revoked)
    );
    refresher.stop();
}

const CHALLENGE: &[u8] = b"twnhi challenge 7f3a9c";

fn tampered(mut v: Vec<u8>) -> Vec<u8> {
    let last = v.len() - 1;
    v[last] ^= 0x01;
    v
}

#[test]
fn signatures_of_every_scheme_verify_and_tampering_is_caught() {
    let rsa = der(&PKI.valid_rsa);
    let ec = der(&PKI.valid_ecdsa);
    let cases = [
        (
            SignatureScheme::RsaPkcs1Sha256,
            &rsa,
            PKI.valid_rsa.key.sign_pkcs1_sha256(CHALLENGE),
        ),
        (
            SignatureScheme::RsaPssSha256,
            &rsa,
            PKI.valid_rsa.key.sign_pss_sha256(CHALLENGE),
        ),
        (
            SignatureScheme::EcdsaP256Sha256,
            &ec,
            PKI.valid_ecdsa.key.sign_ecdsa_der(CHALLENGE),
        ),
    ];
    for (scheme, cert, sig) in cases {
        verify_signature(cert, scheme, CHALLENGE, &sig).unwrap();
        assert_eq!(
            verify_signature(cert, scheme, b"twnhi challenge 7f3a9d", &sig),
            Err(SignatureError::Invalid),
            "{scheme}: other message"
        );
        let bad = verify_signature(cert, scheme, CHALLENGE, &tampered(sig));
        assert!(
            matches!(bad, Err(SignatureError::Invalid)),
            "{scheme}: tampered signature: {bad:?}"
        );
        // Someone else's certificate.
        let other = if cert == &rsa {
            &der(&PKI.expired)
        } else {
            &der(&PKI.revoked)
        };
        assert!(verify_signature(other, scheme, CHALLENGE, &[0; 64]).is_err());
    }
    // PKCS#1 and PSS are not interchangeable.
    let pkcs1 = PKI.valid_rsa.key.sign_pkcs1_sha256(CHALLENGE);
    assert_eq!(
        verify_signature(&rsa, SignatureScheme::RsaPssSha256, CHALLENGE, &pkcs1),
        Err(SignatureError::Invalid)
    );
}

#[test]
fn scheme_must_fit_the_key() {
    let sig = PKI.valid_ecdsa.key.sign_ecdsa_der(CHALLENGE);
    let e = verify_signature(
        &der(&PKI.valid_rsa),
        SignatureScheme::EcdsaP256Sha256,
        CHALLENGE,
        &sig,
    )
    .unwrap_err();
    assert_eq!(
        e,
        SignatureError::KeyMismatch {
            scheme: SignatureScheme::EcdsaP256Sha256
        }
    );
    assert_eq!(e.code(), 7622);
}

#[test]
fn raw_ecdsa_signatures_verify_once_converted() {
    let raw = PKI.valid_ecdsa.key.sign_ecdsa_raw(CHALLENGE);
    assert_eq!(raw.len(), 64);
    let ec = der(&PKI.valid_ecdsa);
    // Raw r || s is not what the verifier takes …
    assert!(verify_signature(&ec, SignatureScheme::EcdsaP256Sha256, CHALLENGE, &raw).is_err());
    // … its DER form is.
    let der_sig = ecdsa_p256_raw_to_der(&raw).unwrap();
    verify_signature(&ec, SignatureScheme::EcdsaP256Sha256, CHALLENGE, &der_sig).unwrap();
}

#[test]
fn pem_files_load() {
    let dir = tempfile::tempdir().unwrap();
    PKI.write_pem(dir.path());
    let anchors = load::certificates_file(&dir.path().join("root.pem")).unwrap();
    let cert = load::certificate_file(&dir.path().join("valid-ecdsa.pem")).unwrap();
    let v = ChainVerifier::new(&anchors).unwrap();
    let intermediates = load::certificates_file(&dir.path().join("intermediate.pem")).unwrap();
    let set =
        CrlSet::from_files(&[dir.path().join("crl.pem"), dir.path().join("crl.der")]).unwrap();
    assert_eq!(set.len(), 2);
    assert!(
        v.verify(&cert, &intermediates, Some(&set), SystemTime::now())
            .is_ok()
    );
    assert!(matches!(
        load::certificate_file(&dir.path().join("missing.pem")),
        Err(LoadError::Io { .. })
    ));
}

#[test]
fn cjk_names_are_decoded_from_utf8_and_bmp_strings() {
    use rcgen::{CertificateParams, DistinguishedName, DnType, DnValue, KeyPair};
    let key = KeyPair::generate().unwrap();
    for value in [
        DnValue::Utf8String("測試王小明".into()),
        DnValue::BmpString("測試王小明".try_into().unwrap()),
    ] {
        let mut p = CertificateParams::default();
        p.distinguished_name = DistinguishedName::new();
        p.distinguished_name.push(DnType::CountryName, "TW");
        p.distinguished_name.push(DnType::CommonName, value);
        let cert = p.self_signed(&key).unwrap();
        let s = CertSummary::of(cert.der()).unwrap();
        assert_eq!(s.subject_cn.as_deref(), Some("測試王小明"));
        assert_eq!(s.subject, "C=TW, CN=測試王小明");
        // No Subject Directory Attributes: no last four.
        assert_eq!(s.id_last4, None);
    }
}
