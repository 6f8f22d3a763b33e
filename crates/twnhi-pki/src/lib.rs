#![forbid(unsafe_code)]
//! Citizen certificate (自然人憑證, MOICA) verification for twnhi.
//!
//! A relying party that logs people in with a citizen certificate card checks two things:
//! that the certificate is one it trusts, and that the card holding its private key signed
//! the server's challenge. This crate does both, with the path validation of
//! [`rustls-webpki`](webpki) (ring backend) rather than hand-written crypto:
//!
//! - [`ChainVerifier`]: builds a chain from the end-entity certificate through intermediates
//!   (configured ones and ones the caller supplies) to a configured trust anchor, at a given
//!   time, for a client signing certificate (extended key usage `clientAuth` when the
//!   extension is present, key usage `digitalSignature`), with revocation from CRLs. Each
//!   refusal is a [`VerifyError`] with a stable code (76xx) and texts in every language.
//! - [`verify_signature`]: a challenge signature under the certificate's key, RSA PKCS#1 v1.5
//!   SHA-256, RSA-PSS SHA-256 or ECDSA P-256 SHA-256 ([`SignatureScheme`]).
//! - [`CrlStore`]: the current CRLs, loaded from [`CrlSource`]s (files, `http://` URLs) and
//!   refreshed by [`CrlStore::refresh`] or on a schedule ([`CrlStore::spawn_refresher`]).
//! - `OcspChecker` (with the `fetch` feature): the status of a certificate from an OCSP
//!   responder (configured, or the one the certificate names), the response's signature
//!   checked against the issuing CA or a responder it authorised.
//! - [`CertSummary`]: subject, name, serial, issuer, validity, key type and the MOICA
//!   attributes (the last four characters of the ID number).
//! - [`load`]: certificates and CRLs from PEM or DER.
//!
//! ```no_run
//! use std::time::SystemTime;
//! use twnhi_pki::{ChainVerifier, load};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let anchors = load::certificates_file("moica-root.pem".as_ref())?;
//! let verifier = ChainVerifier::new(&anchors)?;
//! let cert = load::certificate_file("citizen.pem".as_ref())?;
//! let verified = verifier.verify(&cert, &[], None, SystemTime::now())?;
//! println!("{}", verified.summary.subject_cn.unwrap_or_default());
//! # Ok(())
//! # }
//! ```
//!
//! CRLs and OCSP travel over plain http (the `http` module, with the `fetch` feature): both
//! are signed, and their signatures are what this crate trusts. Without `fetch` the crate has
//! no network code and no async runtime: CRLs then come from files.

mod crl;
mod error;
#[cfg(feature = "fetch")]
pub mod http;
pub mod load;
#[cfg(feature = "fetch")]
mod ocsp;
mod signature;
mod summary;
mod verify;

pub use crl::{CrlSet, CrlSource, CrlStore, FileCrlSource, RefreshReport, Refresher};
#[cfg(feature = "fetch")]
pub use crl::{HttpCrlSource, crl_source};
pub use error::{FetchError, LoadError, OcspError, SignatureError, VerifyError};
#[cfg(feature = "fetch")]
pub use ocsp::{OcspChecker, OcspResponder, OcspStatus};
pub use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
pub use signature::{SignatureScheme, UnknownScheme, ecdsa_p256_raw_to_der, verify_signature};
pub use summary::{CertSummary, KeyType, OID_MOICA_ID_LAST4, OID_SUBJECT_DIRECTORY_ATTRIBUTES};
pub use verify::{ChainVerifier, RevocationPolicy, Verified};
