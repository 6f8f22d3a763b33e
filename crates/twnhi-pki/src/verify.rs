//! Chain building and validation to configured trust anchors (webpki).

use chrono::{DateTime, Utc};
use rustls_pki_types::{CertificateDer, TrustAnchor, UnixTime};
use std::time::{SystemTime, UNIX_EPOCH};
use webpki::{
    CertRevocationList, EndEntityCert, ExpirationPolicy, KeyUsage, RevocationCheckDepth,
    RevocationOptionsBuilder, UnknownStatusPolicy,
};

use crate::crl::CrlSet;
use crate::error::{LoadError, VerifyError};
use crate::summary::{self, CertSummary};

/// What to do about revocation when CRLs are given to [`ChainVerifier::verify`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RevocationPolicy {
    /// Refuse a certificate whose issuer no CRL covers ([`VerifyError::RevocationUnknown`])
    /// rather than accept it as not revoked. Default: `true`.
    pub require_status: bool,
    /// Refuse a certificate whose CRL is past its next update ([`VerifyError::CrlExpired`]).
    /// Default: `true`.
    pub enforce_next_update: bool,
}

impl Default for RevocationPolicy {
    fn default() -> Self {
        RevocationPolicy {
            require_status: true,
            enforce_next_update: true,
        }
    }
}

/// A certificate that passed [`ChainVerifier::verify`].
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// The certificate's summary.
    pub summary: CertSummary,
    /// The subjects of the chain above the certificate: its issuer first, the trust anchor
    /// last.
    pub chain: Vec<String>,
    /// How many CRLs the revocation check consulted (`None`: no CRLs were given, revocation
    /// was not checked).
    pub crls_checked: Option<usize>,
    /// The certificate of the issuer (an intermediate, or the trust anchor as configured):
    /// what an OCSP check needs (`OcspChecker::check`, with the `fetch` feature).
    pub issuer: CertificateDer<'static>,
}

/// Validates citizen certificates against configured trust anchors (MOICA's root in
/// production, a test root in tests), through configured intermediates and ones the caller
/// supplies.
///
/// What [`verify`](Self::verify) checks, in webpki's order then ours:
/// 1. the certificate parses (x509-parser and webpki);
/// 2. a chain to a trust anchor exists, every signature of it verifies (RSA 2048–8192 with
///    SHA-256/384/512, PKCS#1 v1.5 or PSS; ECDSA P-256/P-384; Ed25519), every certificate is
///    valid at the given time, CA certificates are CAs, path lengths and name constraints
///    hold;
/// 3. the extended key usage, when present, includes `clientAuth` (webpki's client-auth
///    usage);
/// 4. when CRLs are given: the certificate is not in its issuer's CRL, the CRL's signature
///    verifies and (by default) the CRL is not past its next update; by default a
///    certificate whose issuer has no CRL is refused ([`RevocationPolicy`]);
/// 5. the key usage extension is present and includes `digitalSignature` (a MOICA card's
///    encryption certificate lacks it).
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    anchors: Vec<TrustAnchor<'static>>,
    /// The certificates of `anchors`, same order.
    anchor_ders: Vec<CertificateDer<'static>>,
    /// The subjects of `anchors`, same order.
    anchor_subjects: Vec<String>,
    intermediates: Vec<CertificateDer<'static>>,
    policy: RevocationPolicy,
}

impl ChainVerifier {
    /// A verifier trusting `anchors` (root certificates; self-signed or not, a trust anchor
    /// is taken as given).
    ///
    /// # Errors
    /// [`LoadError::Anchor`] for a certificate that cannot be a trust anchor (not X.509).
    pub fn new(anchors: &[CertificateDer<'_>]) -> Result<ChainVerifier, LoadError> {
        let mut out = Vec::with_capacity(anchors.len());
        let mut subjects = Vec::with_capacity(anchors.len());
        for (i, der) in anchors.iter().enumerate() {
            let what = format!("trust anchor #{}", i + 1);
            let anchor = webpki::anchor_from_trusted_cert(der).map_err(|e| LoadError::Anchor {
                what: what.clone(),
                detail: format!("{e:?}"),
            })?;
            let subject = summary::parse(der)
                .map(|x| CertSummary::from_parsed(&x).subject)
                .map_err(|e| LoadError::Anchor {
                    what,
                    detail: e.message(twnhi_texts::Lang::En),
                })?;
            out.push(anchor.to_owned());
            subjects.push(subject);
        }
        Ok(ChainVerifier {
            anchors: out,
            anchor_ders: anchors.iter().map(|c| c.clone().into_owned()).collect(),
            anchor_subjects: subjects,
            intermediates: Vec::new(),
            policy: RevocationPolicy::default(),
        })
    }

    /// Adds intermediate CA certificates used for every verification (MOICA's issuing CA
    /// certificates in production).
    #[must_use]
    pub fn with_intermediates(mut self, intermediates: Vec<CertificateDer<'static>>) -> Self {
        self.intermediates.extend(intermediates);
        self
    }

    /// Sets the revocation policy.
    #[must_use]
    pub fn with_revocation_policy(mut self, policy: RevocationPolicy) -> Self {
        self.policy = policy;
        self
    }

    /// How many trust anchors are configured.
    #[must_use]
    pub fn anchor_count(&self) -> usize {
        self.anchors.len()
    }

    /// Validates `cert` at time `at`, with the configured intermediates plus
    /// `intermediates`, checking revocation against `crls` when given (see the list on
    /// [`ChainVerifier`]).
    ///
    /// # Errors
    /// The [`VerifyError`] that says why the certificate is refused.
    pub fn verify(
        &self,
        cert: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        crls: Option<&CrlSet>,
        at: SystemTime,
    ) -> Result<Verified, VerifyError> {
        let parsed = summary::parse(cert)?;
        let ee = EndEntityCert::try_from(cert).map_err(map_webpki)?;
        let all: Vec<CertificateDer<'_>> = self
            .intermediates
            .iter()
            .chain(intermediates)
            .map(|c| CertificateDer::from(c.as_ref()))
            .collect();
        let refs: Vec<&CertRevocationList<'static>> =
            crls.map(|set| set.iter().collect()).unwrap_or_default();
        let revocation = if refs.is_empty() {
            None
        } else {
            RevocationOptionsBuilder::new(&refs).ok().map(|b| {
                b.with_depth(RevocationCheckDepth::EndEntity)
                    .with_status_policy(if self.policy.require_status {
                        UnknownStatusPolicy::Deny
                    } else {
                        UnknownStatusPolicy::Allow
                    })
                    .with_expiration_policy(if self.policy.enforce_next_update {
                        ExpirationPolicy::Enforce
                    } else {
                        ExpirationPolicy::Ignore
                    })
                    .build()
            })
        };
        let time = unix_time(at);
        let path = ee
            .verify_for_usage(
                webpki::ALL_VERIFICATION_ALGS,
                &self.anchors,
                &all,
                time,
                KeyUsage::client_auth(),
                revocation,
                None,
            )
            .map_err(map_webpki)?;
        if crls.is_some() && refs.is_empty() && self.policy.require_status {
            return Err(VerifyError::RevocationUnknown);
        }
        match parsed.key_usage() {
            Ok(Some(ku)) if ku.value.digital_signature() => {}
            Ok(_) => return Err(VerifyError::WrongKeyUsage),
            Err(e) => {
                return Err(VerifyError::Malformed {
                    detail: e.to_string(),
                });
            }
        }
        let mut chain: Vec<String> = path
            .intermediate_certificates()
            .map(|c| {
                let der = c.der();
                summary::parse(&der)
                    .map(|x| CertSummary::from_parsed(&x).subject)
                    .unwrap_or_default()
            })
            .collect();
        let anchor = path.anchor();
        let anchor_index = self.anchors.iter().position(|a| {
            a.subject == anchor.subject
                && a.subject_public_key_info == anchor.subject_public_key_info
        });
        if let Some(subject) = anchor_index.and_then(|i| self.anchor_subjects.get(i)) {
            chain.push(subject.clone());
        }
        let issuer = match path.intermediate_certificates().next() {
            Some(c) => c.der().into_owned(),
            None => anchor_index
                .and_then(|i| self.anchor_ders.get(i))
                .cloned()
                .ok_or_else(|| VerifyError::Other {
                    detail: "the trust anchor of the path is not configured".to_owned(),
                })?,
        };
        Ok(Verified {
            summary: CertSummary::from_parsed(&parsed),
            chain,
            crls_checked: crls.map(|_| refs.len()),
            issuer,
        })
    }
}

fn unix_time(at: SystemTime) -> UnixTime {
    UnixTime::since_unix_epoch(at.duration_since(UNIX_EPOCH).unwrap_or_default())
}

fn chrono_time(t: UnixTime) -> DateTime<Utc> {
    let secs = i64::try_from(t.as_secs()).unwrap_or(i64::MAX);
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

/// webpki's refusal as ours.
fn map_webpki(e: webpki::Error) -> VerifyError {
    use webpki::Error as E;
    match e {
        E::CertExpired { not_after, .. } => VerifyError::Expired {
            not_after: chrono_time(not_after),
        },
        E::CertNotValidYet { not_before, .. } => VerifyError::NotYetValid {
            not_before: chrono_time(not_before),
        },
        E::CertRevoked => VerifyError::Revoked,
        E::UnknownIssuer => VerifyError::UnknownIssuer,
        E::InvalidSignatureForPublicKey => VerifyError::BadSignature,
        E::RequiredEkuNotFoundContext(_) | E::EmptyEkuExtension | E::CaUsedAsEndEntity => {
            VerifyError::WrongKeyUsage
        }
        E::UnknownRevocationStatus => VerifyError::RevocationUnknown,
        E::CrlExpired { .. } => VerifyError::CrlExpired,
        E::InvalidCrlSignatureForPublicKey | E::IssuerNotCrlSigner => VerifyError::CrlInvalid,
        E::BadDer
        | E::BadDerTime
        | E::TrailingData(_)
        | E::MalformedExtensions
        | E::ExtensionValueInvalid
        | E::InvalidCertValidity
        | E::InvalidSerialNumber
        | E::UnsupportedCertVersion => VerifyError::Malformed {
            detail: format!("{e:?}"),
        },
        E::UnsupportedCriticalExtension
        | E::UnsupportedSignatureAlgorithmContext(_)
        | E::UnsupportedSignatureAlgorithmForPublicKeyContext(_) => VerifyError::Unsupported {
            detail: format!("{e:?}"),
        },
        other => VerifyError::Other {
            detail: format!("{other:?}"),
        },
    }
}
