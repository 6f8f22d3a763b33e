//! Simulated citizen digital certificates (自然人憑證) for the demo's synthetic people.
//!
//! A demo certification authority is made at the first start and kept in the data directory
//! (`demo-ca/ca.key`, mode 0600, and `demo-ca/ca.pem`); it is the certificate login's only
//! trust anchor in the demo. At every start each synthetic person gets a fresh certificate
//! of that CA (ECDSA P-256, key usage `digitalSignature` and `nonRepudiation`, the subject
//! `C=TW, CN=<name>` and the MOICA attribute with the last four characters of the ID
//! number) on a token of their own whose PIN is [`DEMO_PIN`], and the pair
//! certificate ↔ ID number goes into the [`IdentityTable`] standing in for MOICA's identity
//! confirmation. The token of the person whose NHI card is in the demo's reader is the one
//! in the demo's certificate card slot.
//!
//! The tokens ([`CertificateTokens`]) are either SoftHSM2 tokens — a real PKCS#11 module:
//! one token per person labelled `TWNHI DEMO CITIZEN 00000001`, …, the key pair generated
//! on the token (not extractable), the certificate stored next to it, all reached through
//! [`Pkcs11Token`] as a card's middleware would be — or in-process [`SoftToken`]s.
//!
//! These are no citizen certificates: the keys are the demo's and the CA is the demo's own.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{Datelike, Utc};
use rcgen::{
    BasicConstraints, CertificateParams, CustomExtension, DistinguishedName, DnType, DnValue, IsCa,
    Issuer, KeyPair, KeyUsagePurpose, SerialNumber, date_time_ymd,
};
use twnhi_pkcs11::{CertificateToken, OneToken, Pin, Pkcs11Token, SoftToken};
use twnhi_service::CertificatePolicy;
use twnhi_service::ports::IdentityTable;
use twnhi_service::twnhi_pki::{CertificateDer, ChainVerifier};

use crate::DemoError;
use crate::people::DemoPerson;

/// The certificate PIN of every demo person's simulated certificate card.
pub const DEMO_PIN: &str = "246810";

/// The `CKA_ID` of the signing certificate on a MOICA card ("SIGN"), used by the demo too.
const SIGN_ID: &[u8] = b"SIGN";

/// The security officer's PIN of the demo's SoftHSM2 tokens (throwaway tokens in a
/// directory removed when the demo stops).
const DEMO_SO_PIN: &str = "twnhi-demo-so";

/// Where the demo keeps its people's simulated citizen certificates and keys.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CertificateTokens {
    /// In-process software tokens ([`SoftToken`]): the keys in the demo's memory.
    Soft,
    /// Tokens of the SoftHSM2 PKCS#11 module at `module`, one per person, made at start.
    ///
    /// SoftHSM2 reads its configuration (and so its token directory) from the environment
    /// variable `SOFTHSM2_CONF` only, when the module is initialised: the process must have
    /// it set, to a configuration whose token directory is the demo's own and empty, before
    /// [`Demo::start`](crate::Demo::start). `twnhi demo` does that by running itself again with
    /// the variable set (see its documentation).
    SoftHsm2 {
        /// The module (`libsofthsm2.so`).
        module: PathBuf,
    },
}

impl CertificateTokens {
    /// `softhsm2` or `soft`, for logs.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            CertificateTokens::Soft => "soft",
            CertificateTokens::SoftHsm2 { .. } => "softhsm2",
        }
    }
}

/// A P-256 public key read from a token, for rcgen to put in a certificate.
struct P256Public(Vec<u8>);

impl rcgen::PublicKeyData for P256Public {
    fn der_bytes(&self) -> &[u8] {
        &self.0
    }

    fn algorithm(&self) -> &'static rcgen::SignatureAlgorithm {
        &rcgen::PKCS_ECDSA_P256_SHA256
    }
}

/// The demo's CA and the people's certificate cards.
pub(crate) struct DemoCertificates {
    /// The CA certificate (DER), the trust anchor.
    pub ca_der: Vec<u8>,
    /// One simulated certificate card per person, in the people's order.
    pub tokens: Arc<Vec<Arc<dyn CertificateToken>>>,
    /// Certificate ↔ ID number.
    pub identity: Arc<IdentityTable>,
}

impl std::fmt::Debug for DemoCertificates {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DemoCertificates")
            .field("tokens", &self.tokens.len())
            .finish_non_exhaustive()
    }
}

fn fail(path: &Path, e: impl std::fmt::Display) -> DemoError {
    DemoError::File {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.to_string()),
    }
}

fn ca_params() -> CertificateParams {
    let mut p = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "TW");
    dn.push(DnType::OrganizationName, "twnhi demo");
    dn.push(DnType::CommonName, "twnhi Demo Citizen CA");
    p.distinguished_name = dn;
    p.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
    p.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    p.serial_number = Some(SerialNumber::from(1u64));
    let year = Utc::now().year();
    p.not_before = date_time_ymd(year - 1, 1, 1);
    p.not_after = date_time_ymd(year + 20, 1, 1);
    p
}

/// Writes `text` to a new file readable by its owner only.
fn write_private(path: &Path, text: &str) -> Result<(), DemoError> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut f = options.open(path).map_err(|e| fail(path, e))?;
    f.write_all(text.as_bytes()).map_err(|e| fail(path, e))
}

/// The CA's key and certificate: read from `dir/demo-ca`, or made there at the first start.
fn ca(dir: &Path) -> Result<(KeyPair, Vec<u8>), DemoError> {
    let ca_dir = dir.join("demo-ca");
    let key_path = ca_dir.join("ca.key");
    let cert_path = ca_dir.join("ca.pem");
    if key_path.exists() && cert_path.exists() {
        let key_pem = std::fs::read_to_string(&key_path).map_err(|e| fail(&key_path, e))?;
        let key = KeyPair::from_pem(&key_pem).map_err(|e| fail(&key_path, e))?;
        let pem = std::fs::read(&cert_path).map_err(|e| fail(&cert_path, e))?;
        let der = twnhi_service::twnhi_pki::load::certificate(&pem, "demo CA")
            .map_err(|e| fail(&cert_path, e))?;
        return Ok((key, der.as_ref().to_vec()));
    }
    std::fs::create_dir_all(&ca_dir).map_err(|e| fail(&ca_dir, e))?;
    let key = KeyPair::generate().map_err(|e| fail(&key_path, e))?;
    let cert = ca_params()
        .self_signed(&key)
        .map_err(|e| fail(&cert_path, e))?;
    // A key left by an interrupted first start is replaced with the certificate.
    let _ = std::fs::remove_file(&key_path);
    write_private(&key_path, &key.serialize_pem())?;
    std::fs::write(&cert_path, cert.pem()).map_err(|e| fail(&cert_path, e))?;
    Ok((key, cert.der().to_vec()))
}

/// A DER TLV with a short-form length (every object here is under 128 bytes).
fn tlv(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = vec![tag, u8::try_from(content.len()).unwrap_or(0)];
    out.extend_from_slice(content);
    out
}

/// MOICA's Subject Directory Attributes extension with the last four characters of the ID
/// number (2.16.886.1.100.2.51), as `docs/certificate.md` describes it.
fn subject_directory_attributes(last4: &str) -> Vec<u8> {
    let oid = tlv(0x06, &[0x60, 0x86, 0x76, 0x01, 0x64, 0x02, 0x33]);
    let value = tlv(0x31, &tlv(0x13, last4.as_bytes()));
    tlv(0x30, &tlv(0x30, &[oid, value].concat()))
}

impl DemoCertificates {
    /// The CA of `dir` (made at the first start) and a certificate card for each person.
    pub(crate) fn open(
        dir: &Path,
        people: &[DemoPerson],
        kind: &CertificateTokens,
    ) -> Result<DemoCertificates, DemoError> {
        let (ca_key, ca_der) = ca(dir)?;
        let module = match kind {
            CertificateTokens::Soft => None,
            CertificateTokens::SoftHsm2 { module } => Some((
                Arc::new(Pkcs11Token::open(module).map_err(|e| fail(module, e))?),
                module.clone(),
            )),
        };
        let issuer = Issuer::new(ca_params(), ca_key);
        let where_: PathBuf = dir.join("demo-ca");
        let pin = Pin::new(DEMO_PIN).map_err(|e| fail(&where_, e))?;
        let identity = Arc::new(IdentityTable::new());
        let today = Utc::now().date_naive();
        let mut tokens: Vec<Arc<dyn CertificateToken>> = Vec::with_capacity(people.len());
        for (i, p) in people.iter().enumerate() {
            let id = p.person.id_number.as_str();
            let mut params = CertificateParams::default();
            let mut dn = DistinguishedName::new();
            dn.push(DnType::CountryName, "TW");
            dn.push(
                DnType::CommonName,
                DnValue::Utf8String(p.person.name.clone()),
            );
            params.distinguished_name = dn;
            params.is_ca = IsCa::ExplicitNoCa;
            params.key_usages = vec![
                KeyUsagePurpose::DigitalSignature,
                KeyUsagePurpose::ContentCommitment,
            ];
            let serial = 0x1000 + u64::try_from(i).unwrap_or(0);
            params.serial_number = Some(SerialNumber::from(serial));
            let from = today.pred_opt().unwrap_or(today);
            params.not_before = date_time_ymd(
                from.year(),
                u8::try_from(from.month()).unwrap_or(1),
                u8::try_from(from.day()).unwrap_or(1),
            );
            params.not_after = date_time_ymd(today.year() + 2, 1, 1);
            let last4 = id.get(id.len().saturating_sub(4)..).unwrap_or(id);
            params.custom_extensions = vec![CustomExtension::from_oid_content(
                &[2, 5, 29, 9],
                subject_directory_attributes(last4),
            )];
            let token: Arc<dyn CertificateToken> = match &module {
                None => {
                    let key = KeyPair::generate().map_err(|e| fail(&where_, e))?;
                    let cert = params
                        .signed_by(&key, &issuer)
                        .map_err(|e| fail(&where_, e))?;
                    let mut token =
                        SoftToken::new("TWNHI DEMO CITIZEN CARD", format!("{:08}", i + 1), &pin);
                    token
                        .add("SIGN", SIGN_ID, cert.der(), &key.serialize_der())
                        .map_err(|e| fail(&where_, e))?;
                    identity
                        .insert(cert.der(), p.person.id_number.clone())
                        .map_err(|e| fail(&where_, e))?;
                    Arc::new(token)
                }
                Some((hsm, path)) => {
                    let label = format!("TWNHI DEMO CITIZEN {:08}", i + 1);
                    let so_pin = Pin::new(DEMO_SO_PIN).map_err(|e| fail(path, e))?;
                    hsm.init_token(&label, &so_pin, &pin)
                        .map_err(|e| fail(path, e))?;
                    let public = hsm
                        .generate_p256_key(&label, &pin, SIGN_ID, "SIGN")
                        .map_err(|e| fail(path, e))?;
                    let cert = params
                        .signed_by(&P256Public(public), &issuer)
                        .map_err(|e| fail(&where_, e))?;
                    hsm.store_certificate(&label, &pin, SIGN_ID, "SIGN", cert.der())
                        .map_err(|e| fail(path, e))?;
                    identity
                        .insert(cert.der(), p.person.id_number.clone())
                        .map_err(|e| fail(&where_, e))?;
                    Arc::new(OneToken::new(Arc::clone(hsm), label))
                }
            };
            tokens.push(token);
        }
        Ok(DemoCertificates {
            ca_der,
            tokens: Arc::new(tokens),
            identity,
        })
    }

    /// The certificate login of the demo: the demo CA as the only trust anchor, no CRL
    /// (the demo revokes nothing), the identity table.
    pub(crate) fn policy(&self) -> Result<CertificatePolicy, DemoError> {
        let anchor = CertificateDer::from(self.ca_der.clone());
        let verifier =
            ChainVerifier::new(&[anchor]).map_err(|e| fail(Path::new("demo-ca/ca.pem"), e))?;
        Ok(CertificatePolicy::new(
            verifier,
            None,
            Arc::clone(&self.identity) as Arc<dyn twnhi_service::ports::IdentityCheck>,
        ))
    }
}
