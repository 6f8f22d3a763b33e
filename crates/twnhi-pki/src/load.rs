//! Certificates and CRLs from PEM (one or more `CERTIFICATE` / `X509 CRL` blocks) or DER
//! (one object), in memory or from files. Which of the two a buffer holds is decided by its
//! first byte: DER starts with a SEQUENCE tag (`0x30`), PEM with text.

use rustls_pki_types::pem::{self, PemObject};
use rustls_pki_types::{CertificateDer, CertificateRevocationListDer};
use std::path::Path;

use crate::error::LoadError;

/// Whether `bytes` look like DER (a SEQUENCE) rather than PEM text.
fn is_der(bytes: &[u8]) -> bool {
    bytes.first() == Some(&0x30)
}

fn format_error(what: &str, e: &pem::Error) -> LoadError {
    LoadError::Format {
        what: what.to_owned(),
        detail: e.to_string(),
    }
}

/// Every certificate of `bytes` (PEM with one or more certificates, or one DER
/// certificate). `what` names the input in errors (a file name). The certificates are not
/// parsed beyond PEM: a malformed certificate is refused when it is used.
///
/// # Errors
/// [`LoadError::Format`] for bad PEM, [`LoadError::NoCertificate`] for PEM without a
/// certificate.
pub fn certificates(bytes: &[u8], what: &str) -> Result<Vec<CertificateDer<'static>>, LoadError> {
    if is_der(bytes) {
        return Ok(vec![CertificateDer::from(bytes.to_vec())]);
    }
    let certs = CertificateDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format_error(what, &e))?;
    if certs.is_empty() {
        return Err(LoadError::NoCertificate {
            what: what.to_owned(),
        });
    }
    Ok(certs)
}

/// The one certificate of `bytes` (the first, if the PEM holds several).
///
/// # Errors
/// As [`certificates`].
pub fn certificate(bytes: &[u8], what: &str) -> Result<CertificateDer<'static>, LoadError> {
    let mut certs = certificates(bytes, what)?;
    // `certificates` never returns an empty list.
    Ok(certs.swap_remove(0))
}

/// Every CRL of `bytes` (PEM with one or more `X509 CRL` blocks, or one DER CRL), not yet
/// parsed.
///
/// # Errors
/// [`LoadError::Format`] for bad PEM, [`LoadError::Crl`] for PEM without a CRL.
pub fn crls_der(
    bytes: &[u8],
    what: &str,
) -> Result<Vec<CertificateRevocationListDer<'static>>, LoadError> {
    if is_der(bytes) {
        return Ok(vec![CertificateRevocationListDer::from(bytes.to_vec())]);
    }
    let crls = CertificateRevocationListDer::pem_slice_iter(bytes)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| format_error(what, &e))?;
    if crls.is_empty() {
        return Err(LoadError::Crl {
            what: what.to_owned(),
            detail: "no X509 CRL block".to_owned(),
        });
    }
    Ok(crls)
}

/// Every CRL of `bytes`, parsed (webpki's profile: version 2, with a next update and a CRL
/// number, no delta CRLs).
///
/// # Errors
/// As [`crls_der`], and [`LoadError::Crl`] for a CRL webpki cannot parse.
pub fn crls(bytes: &[u8], what: &str) -> Result<Vec<webpki::OwnedCertRevocationList>, LoadError> {
    crls_der(bytes, what)?
        .iter()
        .map(|der| {
            webpki::OwnedCertRevocationList::from_der(der.as_ref()).map_err(|e| LoadError::Crl {
                what: what.to_owned(),
                detail: format!("{e:?}"),
            })
        })
        .collect()
}

fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    std::fs::read(path).map_err(|source| LoadError::Io {
        path: path.to_owned(),
        source,
    })
}

/// [`certificates`] of a file.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read, else as [`certificates`].
pub fn certificates_file(path: &Path) -> Result<Vec<CertificateDer<'static>>, LoadError> {
    certificates(&read(path)?, &path.display().to_string())
}

/// [`certificate`] of a file.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read, else as [`certificate`].
pub fn certificate_file(path: &Path) -> Result<CertificateDer<'static>, LoadError> {
    certificate(&read(path)?, &path.display().to_string())
}

/// [`crls`] of a file.
///
/// # Errors
/// [`LoadError::Io`] when the file cannot be read, else as [`crls`].
pub fn crls_file(path: &Path) -> Result<Vec<webpki::OwnedCertRevocationList>, LoadError> {
    crls(&read(path)?, &path.display().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pem_without_certificates_and_bad_pem_are_refused() {
        assert!(matches!(
            certificates(b"hello\n", "x.pem"),
            Err(LoadError::NoCertificate { .. })
        ));
        let broken = b"-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n";
        assert!(matches!(
            certificates(broken, "x.pem"),
            Err(LoadError::Format { .. })
        ));
        assert!(matches!(crls(b"\n", "c.pem"), Err(LoadError::Crl { .. })));
        assert!(matches!(
            crls(&[0x30, 0x03, 0x02, 0x01, 0x01], "c.der"),
            Err(LoadError::Crl { .. })
        ));
    }

    #[test]
    fn der_is_taken_as_one_object() {
        let der = [0x30, 0x00];
        assert_eq!(certificates(&der, "x.der").unwrap()[0].as_ref(), &der);
    }
}
