//! A test PKI in the shape of MOICA's, made at test time with `rcgen`: a root CA, an
//! intermediate (issuing) CA, a foreign root, a CRL signed by the intermediate, and citizen
//! certificates good and bad — valid (RSA 2048 and ECDSA P-256), expired, not yet valid,
//! revoked, issued by the foreign CA, with the wrong key usage (an encryption certificate),
//! with the wrong extended key usage (server auth), and forged (the intermediate's name, another
//! key). Names are synthetic. [`TestPki::citizen_with_ocsp`] issues, on demand, a citizen
//! certificate naming an OCSP responder in its Authority Information Access (a loopback
//! responder a test starts).
//!
//! The RSA keys are fixed test keys shipped with this crate (`src/pki-keys/`, made with
//! `openssl genpkey`) because ring, rcgen's backend here, cannot generate RSA keys; the ECDSA
//! keys are generated afresh. Never use any of them outside tests.
//!
//! ```no_run
//! let pki = twnhi_testkit::pki::TestPki::generate();
//! let dir = tempfile::tempdir().unwrap();
//! pki.write_pem(dir.path());
//! // dir/root.pem, dir/intermediate.pem, dir/crl.pem, dir/valid-rsa.pem …
//! ```

use rcgen::{
    BasicConstraints, CertificateParams, CertificateRevocationListParams, CustomExtension,
    DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyIdMethod,
    KeyPair, KeyUsagePurpose, RevocationReason, RevokedCertParams, SerialNumber,
};
use ring::rand::SystemRandom;
use ring::signature::{self as sig, EcdsaKeyPair, RsaKeyPair};
use std::path::Path;
use time::{Duration, OffsetDateTime};

const RSA_ROOT: &str = include_str!("pki-keys/rsa-root-ca.pem");
const RSA_INTERMEDIATE: &str = include_str!("pki-keys/rsa-intermediate-ca.pem");
const RSA_CITIZEN: &str = include_str!("pki-keys/rsa-citizen.pem");

/// A key pair of the test PKI, able to sign challenges the way a card does.
#[derive(Debug)]
pub enum TestKey {
    /// RSA 2048 (PKCS#8 DER).
    Rsa(Vec<u8>),
    /// ECDSA P-256 (PKCS#8 DER).
    EcdsaP256(Vec<u8>),
}

impl TestKey {
    /// RSA PKCS#1 v1.5 SHA-256 signature of `msg`. Panics for an EC key.
    pub fn sign_pkcs1_sha256(&self, msg: &[u8]) -> Vec<u8> {
        self.sign_rsa(&sig::RSA_PKCS1_SHA256, msg)
    }

    /// RSA-PSS SHA-256 (salt 32 bytes) signature of `msg`. Panics for an EC key.
    pub fn sign_pss_sha256(&self, msg: &[u8]) -> Vec<u8> {
        self.sign_rsa(&sig::RSA_PSS_SHA256, msg)
    }

    fn sign_rsa(&self, alg: &'static dyn sig::RsaEncoding, msg: &[u8]) -> Vec<u8> {
        let TestKey::Rsa(der) = self else {
            panic!("an RSA signature needs an RSA key");
        };
        let key = RsaKeyPair::from_pkcs8(der).expect("RSA test key");
        let mut out = vec![0; key.public().modulus_len()];
        key.sign(alg, &SystemRandom::new(), msg, &mut out)
            .expect("RSA signature");
        out
    }

    /// ECDSA P-256 SHA-256 signature of `msg`, DER-encoded. Panics for an RSA key.
    pub fn sign_ecdsa_der(&self, msg: &[u8]) -> Vec<u8> {
        self.sign_ecdsa(&sig::ECDSA_P256_SHA256_ASN1_SIGNING, msg)
    }

    /// ECDSA P-256 SHA-256 signature of `msg` as raw `r || s` (PKCS#11's form). Panics for an
    /// RSA key.
    pub fn sign_ecdsa_raw(&self, msg: &[u8]) -> Vec<u8> {
        self.sign_ecdsa(&sig::ECDSA_P256_SHA256_FIXED_SIGNING, msg)
    }

    fn sign_ecdsa(&self, alg: &'static sig::EcdsaSigningAlgorithm, msg: &[u8]) -> Vec<u8> {
        let TestKey::EcdsaP256(der) = self else {
            panic!("an ECDSA signature needs an EC key");
        };
        let rng = SystemRandom::new();
        let key = EcdsaKeyPair::from_pkcs8(alg, der, &rng).expect("EC test key");
        key.sign(&rng, msg)
            .expect("ECDSA signature")
            .as_ref()
            .to_vec()
    }
}

/// A certificate of the test PKI with its key.
#[derive(Debug)]
pub struct Issued {
    /// The certificate, DER.
    pub der: Vec<u8>,
    /// The certificate, PEM.
    pub pem: String,
    /// Its key pair.
    pub key: TestKey,
    /// Its serial number, uppercase hex.
    pub serial_hex: String,
}

/// The whole test PKI. Citizen certificates are issued by `intermediate` unless said
/// otherwise.
#[derive(Debug)]
pub struct TestPki {
    /// The root CA (RSA 2048): the trust anchor.
    pub root: Issued,
    /// The issuing CA (RSA 2048), signed by the root.
    pub intermediate: Issued,
    /// A root nobody trusts (ECDSA P-256).
    pub foreign_root: Issued,
    /// Valid now, RSA 2048, key usage digitalSignature + nonRepudiation, no EKU, the MOICA
    /// attributes (subject serialNumber, last four of the ID number `0004`).
    pub valid_rsa: Issued,
    /// Valid now, ECDSA P-256 (last four `0005`).
    pub valid_ecdsa: Issued,
    /// Expired 30 days ago.
    pub expired: Issued,
    /// Valid from 30 days from now.
    pub not_yet_valid: Issued,
    /// Listed in [`crl_pem`](Self::crl_pem).
    pub revoked: Issued,
    /// Issued by the foreign root.
    pub foreign: Issued,
    /// Key usage keyEncipherment + dataEncipherment only (an encryption certificate).
    pub wrong_key_usage: Issued,
    /// Extended key usage serverAuth only.
    pub wrong_eku: Issued,
    /// The intermediate's name as issuer, signed by another key.
    pub forged: Issued,
    /// The intermediate's delegated OCSP responder (ECDSA P-256, extended key usage
    /// OCSPSigning), for `openssl ocsp -rsigner`.
    pub ocsp_responder: Issued,
    /// The key of [`ocsp_responder`](Self::ocsp_responder), PKCS#8 PEM (`-rkey`).
    pub ocsp_responder_key_pem: String,
    /// The intermediate's key, PKCS#8 PEM: the issuing CA signing its own OCSP answers.
    pub intermediate_key_pem: String,
    /// The intermediate's CRL listing `revoked`, next update in 7 days (PEM).
    pub crl_pem: String,
    /// The same CRL, DER.
    pub crl_der: Vec<u8>,
    /// The intermediate's CRL listing nothing (PEM).
    pub crl_empty_pem: String,
    /// The intermediate's CRL listing `revoked`, past its next update (PEM).
    pub crl_stale_pem: String,
}

/// The PEM files [`TestPki::write_pem`] writes, by name.
pub const PEM_FILES: &[&str] = &[
    "root.pem",
    "intermediate.pem",
    "foreign-root.pem",
    "valid-rsa.pem",
    "valid-ecdsa.pem",
    "expired.pem",
    "not-yet-valid.pem",
    "revoked.pem",
    "foreign.pem",
    "wrong-key-usage.pem",
    "wrong-eku.pem",
    "forged.pem",
    "crl.pem",
    "crl.der",
    "crl-empty.pem",
    "crl-stale.pem",
];

fn rsa(pem: &str) -> KeyPair {
    KeyPair::from_pkcs8_pem_and_sign_algo(pem, &rcgen::PKCS_RSA_SHA256).expect("RSA test key")
}

fn ecdsa() -> KeyPair {
    KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).expect("EC key")
}

fn test_key(key: &KeyPair) -> TestKey {
    let der = key.serialize_der();
    if key.algorithm() == &rcgen::PKCS_RSA_SHA256 {
        TestKey::Rsa(der)
    } else {
        TestKey::EcdsaP256(der)
    }
}

fn name(cn: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "TW");
    if cn.contains("CA") {
        dn.push(DnType::OrganizationName, "twnhi test PKI");
    }
    dn.push(DnType::CommonName, cn);
    dn
}

fn ca_params(cn: &str, serial: u64) -> CertificateParams {
    let mut p = CertificateParams::default();
    p.distinguished_name = name(cn);
    p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.serial_number = Some(SerialNumber::from(serial));
    let now = OffsetDateTime::now_utc();
    p.not_before = now - Duration::days(3650);
    p.not_after = now + Duration::days(3650);
    p
}

/// A DER TLV of any length (the long form from 128 bytes on).
fn der_tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    match u8::try_from(content.len()) {
        Ok(n) if n < 0x80 => out.push(n),
        _ => {
            let len = content.len().to_be_bytes();
            let skip = len.iter().take_while(|b| **b == 0).count();
            let bytes = &len[skip..];
            out.push(0x80 | u8::try_from(bytes.len()).expect("length of the length"));
            out.extend_from_slice(bytes);
        }
    }
    out.extend_from_slice(content);
    out
}

/// Checks that the `openssl` command is installed, which the OCSP tests run as their
/// responder (`openssl ocsp`).
///
/// # Panics
/// When it is not, saying to install the Debian package `openssl` (`scripts/test` installs
/// it): a test that cannot run fails rather than passing without checking anything.
pub fn require_openssl() {
    let found = std::process::Command::new("openssl")
        .arg("version")
        .stdout(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    assert!(
        found,
        "the OCSP tests need the openssl command as their responder: install the Debian \
         package `openssl` (scripts/test installs it)"
    );
}

/// The DER of an Authority Information Access extension (RFC 5280 § 4.2.2.1) naming one
/// OCSP responder: `SEQUENCE { SEQUENCE { id-ad-ocsp, [6] IA5String url } }`.
pub fn authority_information_access_ocsp(url: &str) -> Vec<u8> {
    // id-ad-ocsp, 1.3.6.1.5.5.7.48.1.
    let method = der_tlv(0x06, &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01]);
    // GeneralName uniformResourceIdentifier: [6] IMPLICIT IA5String.
    let location = der_tlv(0x86, url.as_bytes());
    der_tlv(0x30, &der_tlv(0x30, &[method, location].concat()))
}

/// A DER TLV with a short-form length (every object here is under 128 bytes).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, u8::try_from(content.len()).expect("short DER")];
    out.extend_from_slice(content);
    out
}

/// The DER of a Subject Directory Attributes extension with MOICA's "last four of the ID
/// number" attribute (2.16.886.1.100.2.51): SEQUENCE { SEQUENCE { OID, SET { PrintableString } } }.
fn subject_directory_attributes(last4: &str) -> Vec<u8> {
    let oid = tlv(0x06, &[0x60, 0x86, 0x76, 0x01, 0x64, 0x02, 0x33]);
    let value = tlv(0x31, &tlv(0x13, last4.as_bytes()));
    tlv(0x30, &tlv(0x30, &[oid, value].concat()))
}

struct Citizen<'a> {
    cn: &'a str,
    serial: u64,
    last4: &'a str,
    from_days: i64,
    until_days: i64,
    key_usages: Vec<KeyUsagePurpose>,
    eku: Vec<ExtendedKeyUsagePurpose>,
    /// The OCSP responder named in the Authority Information Access, if any.
    ocsp_url: Option<&'a str>,
}

impl Citizen<'_> {
    fn new<'a>(cn: &'a str, serial: u64, last4: &'a str) -> Citizen<'a> {
        Citizen {
            cn,
            serial,
            last4,
            from_days: -1,
            until_days: 365,
            key_usages: vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::ContentCommitment,
            ],
            eku: Vec::new(),
            ocsp_url: None,
        }
    }

    fn issue(self, key: KeyPair, issuer: &Issuer<'_, KeyPair>) -> Issued {
        let mut p = CertificateParams::default();
        let mut dn = name(self.cn);
        dn.push(
            DnType::CustomDnType(vec![2, 5, 4, 5]),
            DnValue::PrintableString(
                format!("TEST{:012}", self.serial)
                    .try_into()
                    .expect("printable"),
            ),
        );
        p.distinguished_name = dn;
        p.is_ca = IsCa::ExplicitNoCa;
        p.key_usages = self.key_usages;
        p.extended_key_usages = self.eku;
        p.serial_number = Some(SerialNumber::from(self.serial));
        let now = OffsetDateTime::now_utc();
        p.not_before = now + Duration::days(self.from_days);
        p.not_after = now + Duration::days(self.until_days);
        p.custom_extensions = vec![CustomExtension::from_oid_content(
            &[2, 5, 29, 9],
            subject_directory_attributes(self.last4),
        )];
        if let Some(url) = self.ocsp_url {
            // id-pe-authorityInfoAccess, 1.3.6.1.5.5.7.1.1.
            p.custom_extensions.push(CustomExtension::from_oid_content(
                &[1, 3, 6, 1, 5, 5, 7, 1, 1],
                authority_information_access_ocsp(url),
            ));
        }
        let cert = p.signed_by(&key, issuer).expect("citizen certificate");
        Issued {
            der: cert.der().to_vec(),
            pem: cert.pem(),
            key: test_key(&key),
            serial_hex: format!("{:X}", self.serial),
        }
    }
}

fn crl(
    issuer: &Issuer<'_, KeyPair>,
    revoked: &[&Issued],
    number: u64,
    next_update_days: i64,
) -> rcgen::CertificateRevocationList {
    let now = OffsetDateTime::now_utc();
    CertificateRevocationListParams {
        this_update: now - Duration::days(10),
        next_update: now + Duration::days(next_update_days),
        crl_number: SerialNumber::from(number),
        issuing_distribution_point: None,
        revoked_certs: revoked
            .iter()
            .map(|c| RevokedCertParams {
                serial_number: SerialNumber::from_slice(&hex_bytes(&c.serial_hex)),
                revocation_time: now - Duration::days(2),
                reason_code: Some(RevocationReason::KeyCompromise),
                invalidity_date: None,
            })
            .collect(),
        key_identifier_method: KeyIdMethod::Sha256,
    }
    .signed_by(issuer)
    .expect("CRL")
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    let hex = if hex.len() % 2 == 1 {
        format!("0{hex}")
    } else {
        hex.to_owned()
    };
    (0..hex.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).expect("hex"))
        .collect()
}

impl TestPki {
    /// Makes the whole PKI (a few milliseconds; the RSA keys are fixed).
    pub fn generate() -> TestPki {
        let root_key = rsa(RSA_ROOT);
        let root_params = ca_params("twnhi Test Root CA", 1);
        let root_cert = root_params.self_signed(&root_key).expect("root");
        let root = Issued {
            der: root_cert.der().to_vec(),
            pem: root_cert.pem(),
            key: test_key(&root_key),
            serial_hex: "1".into(),
        };
        let root_issuer = Issuer::new(root_params, root_key);

        let int_key = rsa(RSA_INTERMEDIATE);
        let int_params = ca_params("twnhi Test Citizen CA", 2);
        let int_cert = int_params
            .signed_by(&int_key, &root_issuer)
            .expect("intermediate");
        let intermediate = Issued {
            der: int_cert.der().to_vec(),
            pem: int_cert.pem(),
            key: test_key(&int_key),
            serial_hex: "2".into(),
        };
        let forger = Issuer::new(int_params.clone(), rsa(RSA_CITIZEN));
        let issuer = Issuer::new(int_params, int_key);

        let foreign_key = ecdsa();
        let foreign_params = ca_params("Foreign Test Root CA", 3);
        let foreign_cert = foreign_params.self_signed(&foreign_key).expect("foreign");
        let foreign_root = Issued {
            der: foreign_cert.der().to_vec(),
            pem: foreign_cert.pem(),
            key: test_key(&foreign_key),
            serial_hex: "3".into(),
        };
        let foreign_issuer = Issuer::new(foreign_params, foreign_key);

        let valid_rsa =
            Citizen::new("Test Citizen Valid RSA", 0x1001, "0004").issue(rsa(RSA_CITIZEN), &issuer);
        let valid_ecdsa =
            Citizen::new("Test Citizen Valid ECDSA", 0x1002, "0005").issue(ecdsa(), &issuer);
        let expired = Citizen {
            from_days: -400,
            until_days: -30,
            ..Citizen::new("Test Citizen Expired", 0x1003, "0006")
        }
        .issue(ecdsa(), &issuer);
        let not_yet_valid = Citizen {
            from_days: 30,
            until_days: 400,
            ..Citizen::new("Test Citizen Not Yet Valid", 0x1004, "0007")
        }
        .issue(ecdsa(), &issuer);
        let revoked = Citizen::new("Test Citizen Revoked", 0x1005, "0008").issue(ecdsa(), &issuer);
        let foreign =
            Citizen::new("Test Citizen Foreign", 0x1006, "0009").issue(ecdsa(), &foreign_issuer);
        let wrong_key_usage = Citizen {
            key_usages: vec![
                KeyUsagePurpose::KeyEncipherment,
                KeyUsagePurpose::DataEncipherment,
            ],
            ..Citizen::new("Test Citizen Encryption", 0x1007, "0010")
        }
        .issue(ecdsa(), &issuer);
        let wrong_eku = Citizen {
            eku: vec![ExtendedKeyUsagePurpose::ServerAuth],
            ..Citizen::new("Test Citizen Server", 0x1008, "0011")
        }
        .issue(ecdsa(), &issuer);
        let forged = Citizen::new("Test Citizen Forged", 0x1009, "0012").issue(ecdsa(), &forger);

        let responder_key = ecdsa();
        let ocsp_responder_key_pem = responder_key.serialize_pem();
        let ocsp_responder = Citizen {
            key_usages: vec![KeyUsagePurpose::DigitalSignature],
            eku: vec![ExtendedKeyUsagePurpose::OcspSigning],
            ..Citizen::new("twnhi Test OCSP Responder", 0x2001, "0000")
        }
        .issue(responder_key, &issuer);

        let list = crl(&issuer, &[&revoked], 1, 7);
        let empty = crl(&issuer, &[], 2, 7);
        let stale = crl(&issuer, &[&revoked], 3, -1);
        TestPki {
            root,
            intermediate,
            foreign_root,
            valid_rsa,
            valid_ecdsa,
            expired,
            not_yet_valid,
            revoked,
            foreign,
            wrong_key_usage,
            wrong_eku,
            forged,
            ocsp_responder,
            ocsp_responder_key_pem,
            intermediate_key_pem: RSA_INTERMEDIATE.to_owned(),
            crl_pem: list.pem().expect("CRL PEM"),
            crl_der: list.der().to_vec(),
            crl_empty_pem: empty.pem().expect("CRL PEM"),
            crl_stale_pem: stale.pem().expect("CRL PEM"),
        }
    }

    /// A citizen certificate of the intermediate CA (ECDSA P-256, valid now, serial number
    /// `serial`, last four of the ID number `0013`) whose Authority Information Access names
    /// `ocsp_url` as its OCSP responder (`id-ad-ocsp`): for the responder found through the
    /// certificate (`OcspResponder::FromCertificate`, `--ocsp aia`). Made on demand because a
    /// test's responder has a port of its own.
    pub fn citizen_with_ocsp(&self, serial: u64, ocsp_url: &str) -> Issued {
        let issuer = Issuer::new(
            ca_params("twnhi Test Citizen CA", 2),
            rsa(&self.intermediate_key_pem),
        );
        Citizen {
            ocsp_url: Some(ocsp_url),
            ..Citizen::new("Test Citizen With OCSP", serial, "0013")
        }
        .issue(ecdsa(), &issuer)
    }

    /// Writes every certificate and CRL as the files of [`PEM_FILES`] into `dir`.
    pub fn write_pem(&self, dir: &Path) {
        let certs: [(&str, &Issued); 12] = [
            ("root.pem", &self.root),
            ("intermediate.pem", &self.intermediate),
            ("foreign-root.pem", &self.foreign_root),
            ("valid-rsa.pem", &self.valid_rsa),
            ("valid-ecdsa.pem", &self.valid_ecdsa),
            ("expired.pem", &self.expired),
            ("not-yet-valid.pem", &self.not_yet_valid),
            ("revoked.pem", &self.revoked),
            ("foreign.pem", &self.foreign),
            ("wrong-key-usage.pem", &self.wrong_key_usage),
            ("wrong-eku.pem", &self.wrong_eku),
            ("forged.pem", &self.forged),
        ];
        for (file, cert) in certs {
            std::fs::write(dir.join(file), &cert.pem).expect("write PEM");
        }
        std::fs::write(dir.join("crl.pem"), &self.crl_pem).expect("write CRL");
        std::fs::write(dir.join("crl.der"), &self.crl_der).expect("write CRL");
        std::fs::write(dir.join("crl-empty.pem"), &self.crl_empty_pem).expect("write CRL");
        std::fs::write(dir.join("crl-stale.pem"), &self.crl_stale_pem).expect("write CRL");
    }
}
