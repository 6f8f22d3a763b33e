//! OCSP (RFC 6960): the revocation status of one certificate, asked of a responder.
//!
//! The request and response are RustCrypto's `x509-ocsp` types (DER through `der`); the
//! hashes are ring's and the signature checks rustls-webpki's, as for certificates.
//!
//! What [`OcspChecker::check`] does:
//! 1. finds the responder: the configured URL, or the certificate's own (its authority
//!    information access, `id-ad-ocsp`), [`OcspResponder`];
//! 2. asks, by `POST` of a DER request for the certificate's `CertID` (SHA-1 hashes of the
//!    issuer's name and key, as every responder takes them; they identify, they do not
//!    protect) with a random nonce;
//! 3. takes only a `successful` basic response, signed by the issuing CA itself or by a
//!    responder certificate the issuing CA issued with extended key usage
//!    `id-kp-OCSPSigning`, valid at the time of the check;
//! 4. takes only the answer for the certificate asked about; the nonce, when the responder
//!    echoes one, must be the one sent (responders that serve precomputed answers echo
//!    none, RFC 5019);
//! 5. takes only a current answer: `thisUpdate` not ahead of the time of the check (five
//!    minutes of clock skew allowed), `nextUpdate` (when given) not past it, and without a
//!    `nextUpdate` a `thisUpdate` no older than [`OcspChecker::with_max_age`].

use chrono::{DateTime, Utc};
use der::asn1::{AnyRef, Null, ObjectIdentifier, OctetString};
use der::{Decode, Encode, Reader, SliceReader};
use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm, UnixTime};
use spki::AlgorithmIdentifierOwned;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use webpki::{EndEntityCert, KeyUsage};
use x509_cert::Certificate;
use x509_cert::ext::Extension;
use x509_cert::ext::pkix::AuthorityInfoAccessSyntax;
use x509_cert::ext::pkix::name::GeneralName;
use x509_ocsp::{
    BasicOcspResponse, CertId, CertStatus, OcspGeneralizedTime, OcspRequest, OcspResponse,
    OcspResponseStatus, Request, TbsRequest, Version,
};

use crate::error::{FetchError, OcspError};
use crate::http::{self, Limits};

/// SHA-1 (1.3.14.3.2.26), the hash of the `CertID`s sent.
const ID_SHA1: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.14.3.2.26");
/// id-pkix-ocsp-basic (1.3.6.1.5.5.7.48.1.1).
const ID_PKIX_OCSP_BASIC: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.1");
/// id-pkix-ocsp-nonce (1.3.6.1.5.5.7.48.1.2).
const ID_PKIX_OCSP_NONCE: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1.2");
/// id-pe-authorityInfoAccess (1.3.6.1.5.5.7.1.1).
const ID_PE_AUTHORITY_INFO_ACCESS: ObjectIdentifier =
    ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.1.1");
/// id-ad-ocsp (1.3.6.1.5.5.7.48.1).
const ID_AD_OCSP: ObjectIdentifier = ObjectIdentifier::new_unwrap("1.3.6.1.5.5.7.48.1");
/// id-kp-OCSPSigning (1.3.6.1.5.5.7.3.9), the value bytes of the OID as webpki takes them.
const EKU_OCSP_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09];
/// The clock skew allowed between responder and relying party.
const SKEW: Duration = Duration::from_secs(300);

/// Where the OCSP requests go.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcspResponder {
    /// This responder, for every certificate.
    Url(String),
    /// The responder each certificate names (authority information access).
    FromCertificate,
}

/// The status a responder gives a certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OcspStatus {
    /// Not revoked.
    Good,
    /// Revoked (or on hold) since `at`.
    Revoked {
        /// When.
        at: DateTime<Utc>,
    },
    /// The responder does not know the certificate.
    Unknown,
}

/// Asks an OCSP responder for the status of certificates (see the module's documentation).
#[derive(Debug, Clone)]
pub struct OcspChecker {
    responder: OcspResponder,
    limits: Limits,
    max_age: Duration,
    nonce: bool,
}

impl OcspChecker {
    /// A checker asking `responder`, within [`Limits::OCSP`], sending a nonce, taking
    /// answers without a next update for a day.
    ///
    /// # Errors
    /// [`FetchError::BadUrl`] for a configured URL that is not an absolute `http://` URL.
    pub fn new(responder: OcspResponder) -> Result<OcspChecker, FetchError> {
        if let OcspResponder::Url(url) = &responder {
            http::parse_url(url)?;
        }
        Ok(OcspChecker {
            responder,
            limits: Limits::OCSP,
            max_age: Duration::from_secs(24 * 3600),
            nonce: true,
        })
    }

    /// The checker for a setting's value: `aia` (any case) for
    /// [`OcspResponder::FromCertificate`], else the responder's URL.
    ///
    /// # Errors
    /// As [`new`](Self::new).
    pub fn from_setting(value: &str) -> Result<OcspChecker, FetchError> {
        if value.trim().eq_ignore_ascii_case("aia") {
            OcspChecker::new(OcspResponder::FromCertificate)
        } else {
            OcspChecker::new(OcspResponder::Url(value.trim().to_owned()))
        }
    }

    /// The same checker with another timeout.
    #[must_use]
    pub fn with_timeout(mut self, timeout: Duration) -> OcspChecker {
        self.limits = self.limits.with_timeout(timeout);
        self
    }

    /// The same checker taking answers without a next update for `max_age` after their
    /// `thisUpdate`.
    #[must_use]
    pub fn with_max_age(mut self, max_age: Duration) -> OcspChecker {
        self.max_age = max_age;
        self
    }

    /// The same checker sending a nonce or not.
    #[must_use]
    pub fn with_nonce(mut self, nonce: bool) -> OcspChecker {
        self.nonce = nonce;
        self
    }

    /// Where the requests go.
    #[must_use]
    pub fn responder(&self) -> &OcspResponder {
        &self.responder
    }

    /// The status of `cert`, issued by `issuer` (the issuing CA's certificate,
    /// [`Verified::issuer`](crate::Verified::issuer)), at `at`.
    ///
    /// # Errors
    /// The [`OcspError`] that says why there is no answer to rely on.
    pub async fn check(
        &self,
        cert: &CertificateDer<'_>,
        issuer: &CertificateDer<'_>,
        at: SystemTime,
    ) -> Result<OcspStatus, OcspError> {
        let parsed = Certificate::from_der(cert).map_err(malformed("certificate"))?;
        let parsed_issuer = Certificate::from_der(issuer).map_err(malformed("issuer"))?;
        let url = match &self.responder {
            OcspResponder::Url(url) => url.clone(),
            OcspResponder::FromCertificate => {
                responder_of(&parsed).ok_or(OcspError::NoResponder)?
            }
        };
        let cert_id = cert_id(&parsed, &parsed_issuer)?;
        let nonce = if self.nonce {
            Some(random_nonce()?)
        } else {
            None
        };
        let request = request_der(&cert_id, nonce.as_deref())?;
        let answer = http::post(
            &url,
            "application/ocsp-request",
            "application/ocsp-response",
            request,
            self.limits,
        )
        .await
        .map_err(OcspError::Fetch)?;
        let status = evaluate(
            &answer,
            &cert_id,
            nonce.as_deref(),
            issuer,
            at,
            self.max_age,
        );
        match &status {
            Ok(s) => tracing::debug!(responder = %url, status = ?s, "OCSP answer"),
            Err(e) => tracing::warn!(responder = %url, error = %e, "OCSP check failed"),
        }
        status
    }
}

fn malformed<E: core::fmt::Display>(what: &'static str) -> impl Fn(E) -> OcspError {
    move |e| OcspError::Malformed {
        detail: format!("{what}: {e}"),
    }
}

/// The first `http:` OCSP responder in the certificate's authority information access.
fn responder_of(cert: &Certificate) -> Option<String> {
    let ext = cert
        .tbs_certificate
        .extensions
        .as_ref()?
        .iter()
        .find(|e| e.extn_id == ID_PE_AUTHORITY_INFO_ACCESS)?;
    let aia = AuthorityInfoAccessSyntax::from_der(ext.extn_value.as_bytes()).ok()?;
    aia.0.iter().find_map(|d| match &d.access_location {
        GeneralName::UniformResourceIdentifier(uri)
            if d.access_method == ID_AD_OCSP
                && uri.as_str().to_ascii_lowercase().starts_with("http://") =>
        {
            Some(uri.as_str().to_owned())
        }
        _ => None,
    })
}

fn sha1(bytes: &[u8]) -> Result<OctetString, OcspError> {
    let digest = ring::digest::digest(&ring::digest::SHA1_FOR_LEGACY_USE_ONLY, bytes);
    OctetString::new(digest.as_ref()).map_err(malformed("hash"))
}

/// The `CertID` of `cert`: SHA-1 of its issuer's name (as the certificate carries it) and of
/// the issuer's public key, and its serial number.
fn cert_id(cert: &Certificate, issuer: &Certificate) -> Result<CertId, OcspError> {
    let name = cert
        .tbs_certificate
        .issuer
        .to_der()
        .map_err(malformed("issuer name"))?;
    let key = issuer
        .tbs_certificate
        .subject_public_key_info
        .subject_public_key
        .raw_bytes();
    Ok(CertId {
        hash_algorithm: AlgorithmIdentifierOwned {
            oid: ID_SHA1,
            parameters: Some(Null.into()),
        },
        issuer_name_hash: sha1(&name)?,
        issuer_key_hash: sha1(key)?,
        serial_number: cert.tbs_certificate.serial_number.clone(),
    })
}

fn random_nonce() -> Result<Vec<u8>, OcspError> {
    let mut nonce = vec![0_u8; 16];
    ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut nonce).map_err(|_| {
        OcspError::Malformed {
            detail: "no random nonce".to_owned(),
        }
    })?;
    Ok(nonce)
}

fn request_der(cert_id: &CertId, nonce: Option<&[u8]>) -> Result<Vec<u8>, OcspError> {
    let request_extensions = match nonce {
        Some(n) => {
            let value = OctetString::new(n)
                .and_then(|o| o.to_der())
                .and_then(OctetString::new)
                .map_err(malformed("nonce"))?;
            Some(vec![Extension {
                extn_id: ID_PKIX_OCSP_NONCE,
                critical: false,
                extn_value: value,
            }])
        }
        None => None,
    };
    OcspRequest {
        tbs_request: TbsRequest {
            version: Version::V1,
            requestor_name: None,
            request_list: vec![Request {
                req_cert: cert_id.clone(),
                single_request_extensions: None,
            }],
            request_extensions,
        },
        optional_signature: None,
    }
    .to_der()
    .map_err(malformed("request"))
}

fn system_time(t: &OcspGeneralizedTime) -> SystemTime {
    UNIX_EPOCH + t.0.to_unix_duration()
}

fn show(t: SystemTime) -> String {
    DateTime::<Utc>::from(t)
        .format("%Y-%m-%d %H:%M:%S UTC")
        .to_string()
}

/// Checks a responder's answer `der` to the request for `cert_id` (with `nonce`).
fn evaluate(
    der: &[u8],
    cert_id: &CertId,
    nonce: Option<&[u8]>,
    issuer: &CertificateDer<'_>,
    at: SystemTime,
    max_age: Duration,
) -> Result<OcspStatus, OcspError> {
    let response = OcspResponse::from_der(der).map_err(malformed("response"))?;
    if response.response_status != OcspResponseStatus::Successful {
        return Err(OcspError::ResponderStatus {
            status: format!("{:?}", response.response_status),
        });
    }
    let bytes = response
        .response_bytes
        .ok_or_else(|| OcspError::Malformed {
            detail: "a successful response without a body".to_owned(),
        })?;
    if bytes.response_type != ID_PKIX_OCSP_BASIC {
        return Err(OcspError::Malformed {
            detail: format!("response type {} is not basic", bytes.response_type),
        });
    }
    let basic_der = bytes.response.as_bytes();
    let basic = BasicOcspResponse::from_der(basic_der).map_err(malformed("basic response"))?;
    verify_signer(basic_der, &basic, issuer, at)?;

    let data = &basic.tbs_response_data;
    if let (Some(sent), Some(echoed)) = (nonce, data.nonce())
        && echoed.0.as_bytes() != sent
    {
        return Err(OcspError::Mismatch {
            detail: "the nonce differs from the one sent".to_owned(),
        });
    }
    let single = data
        .responses
        .iter()
        .find(|r| same_cert(&r.cert_id, cert_id))
        .ok_or_else(|| OcspError::Mismatch {
            detail: format!(
                "no answer for serial {}",
                hex::encode_upper(cert_id.serial_number.as_bytes())
            ),
        })?;
    let this_update = system_time(&single.this_update);
    if this_update > at + SKEW {
        return Err(OcspError::Stale {
            detail: format!("thisUpdate {} is ahead of now", show(this_update)),
        });
    }
    match &single.next_update {
        Some(next) => {
            let next = system_time(next);
            if next + SKEW < at {
                return Err(OcspError::Stale {
                    detail: format!("nextUpdate {} has passed", show(next)),
                });
            }
        }
        None => {
            if this_update + max_age + SKEW < at {
                return Err(OcspError::Stale {
                    detail: format!(
                        "thisUpdate {} is older than {} s and there is no nextUpdate",
                        show(this_update),
                        max_age.as_secs()
                    ),
                });
            }
        }
    }
    Ok(match &single.cert_status {
        CertStatus::Good(_) => OcspStatus::Good,
        CertStatus::Revoked(info) => OcspStatus::Revoked {
            at: DateTime::<Utc>::from(system_time(&info.revocation_time)),
        },
        CertStatus::Unknown(_) => OcspStatus::Unknown,
    })
}

/// Whether a response's `CertID` is the one asked about. The hash algorithm is compared by
/// OID only (parameters: absent or NULL alike).
fn same_cert(answer: &CertId, asked: &CertId) -> bool {
    answer.hash_algorithm.oid == asked.hash_algorithm.oid
        && answer.issuer_name_hash == asked.issuer_name_hash
        && answer.issuer_key_hash == asked.issuer_key_hash
        && answer.serial_number == asked.serial_number
}

/// The DER of the first element of the SEQUENCE `der`, as received (what was signed).
fn first_element(der: &[u8]) -> Result<Vec<u8>, OcspError> {
    let outer = AnyRef::from_der(der).map_err(malformed("basic response"))?;
    let mut reader = SliceReader::new(outer.value()).map_err(malformed("basic response"))?;
    let tbs: AnyRef<'_> = reader.decode().map_err(malformed("tbsResponseData"))?;
    tbs.to_der().map_err(malformed("tbsResponseData"))
}

/// The content of an AlgorithmIdentifier's DER (what webpki's algorithm ids are).
fn algorithm_id(alg: &AlgorithmIdentifierOwned) -> Result<Vec<u8>, OcspError> {
    let der = alg.to_der().map_err(malformed("signatureAlgorithm"))?;
    let any = AnyRef::from_der(&der).map_err(malformed("signatureAlgorithm"))?;
    Ok(any.value().to_vec())
}

/// Verifies the basic response's signature: by the issuing CA, or by a certificate in the
/// response that the issuing CA issued for OCSP signing and that is valid at `at`.
fn verify_signer(
    basic_der: &[u8],
    basic: &BasicOcspResponse,
    issuer: &CertificateDer<'_>,
    at: SystemTime,
) -> Result<(), OcspError> {
    let signed = first_element(basic_der)?;
    let alg_id = algorithm_id(&basic.signature_algorithm)?;
    let signature = basic
        .signature
        .as_bytes()
        .ok_or_else(|| OcspError::Signature {
            detail: "the signature is not a whole number of bytes".to_owned(),
        })?;
    let algs: Vec<&dyn SignatureVerificationAlgorithm> = webpki::ALL_VERIFICATION_ALGS
        .iter()
        .copied()
        .filter(|a| a.signature_alg_id().as_ref() == alg_id.as_slice())
        .collect();
    if algs.is_empty() {
        return Err(OcspError::Signature {
            detail: format!(
                "unsupported signature algorithm {}",
                basic.signature_algorithm.oid
            ),
        });
    }
    let signs = |signer: &EndEntityCert<'_>| {
        algs.iter()
            .any(|alg| signer.verify_signature(*alg, &signed, signature).is_ok())
    };
    let ca = EndEntityCert::try_from(issuer).map_err(|e| OcspError::Signature {
        detail: format!("issuer certificate: {e:?}"),
    })?;
    if signs(&ca) {
        return Ok(());
    }
    let anchor = webpki::anchor_from_trusted_cert(issuer).map_err(|e| OcspError::Signature {
        detail: format!("issuer certificate: {e:?}"),
    })?;
    let anchors = [anchor];
    let time = UnixTime::since_unix_epoch(at.duration_since(UNIX_EPOCH).unwrap_or_default());
    let mut refused = Vec::new();
    for cert in basic.certs.iter().flatten() {
        let Ok(der) = cert.to_der() else {
            continue;
        };
        let der = CertificateDer::from(der);
        let Ok(responder) = EndEntityCert::try_from(&der) else {
            continue;
        };
        if !signs(&responder) {
            continue;
        }
        match responder.verify_for_usage(
            webpki::ALL_VERIFICATION_ALGS,
            &anchors,
            &[],
            time,
            KeyUsage::required(EKU_OCSP_SIGNING),
            None,
            None,
        ) {
            Ok(_) => return Ok(()),
            Err(e) => refused.push(format!("{e:?}")),
        }
    }
    Err(OcspError::Signature {
        detail: if refused.is_empty() {
            "signed neither by the issuing CA nor by a responder certificate in the response"
                .to_owned()
        } else {
            format!(
                "the responder certificate is not authorised by the issuing CA: {}",
                refused.join(", ")
            )
        },
    })
}
