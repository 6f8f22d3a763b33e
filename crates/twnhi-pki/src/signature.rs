//! A challenge signed by the card: verified with the certificate's public key through
//! webpki's ring algorithms.

use rustls_pki_types::{CertificateDer, SignatureVerificationAlgorithm};
use serde::{Deserialize, Serialize};
use webpki::ring as algs;

use crate::error::SignatureError;

/// The signature schemes a citizen certificate card signs a challenge with. Names as
/// `twnhi cert sign --scheme` takes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SignatureScheme {
    /// RSA PKCS#1 v1.5 with SHA-256 (`pkcs1-sha256`): the signature is the big-endian
    /// integer, as long as the modulus.
    #[serde(rename = "pkcs1-sha256")]
    RsaPkcs1Sha256,
    /// RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (`pss-sha256`), under an
    /// `rsaEncryption` key (what cards hold).
    #[serde(rename = "pss-sha256")]
    RsaPssSha256,
    /// ECDSA on P-256 with SHA-256 (`ecdsa-p256-sha256`): the signature **DER-encoded**
    /// (`Ecdsa-Sig-Value`); a raw `r || s` from PKCS#11 is converted with
    /// [`ecdsa_p256_raw_to_der`].
    #[serde(rename = "ecdsa-p256-sha256")]
    EcdsaP256Sha256,
}

impl SignatureScheme {
    /// Every scheme.
    pub const ALL: [SignatureScheme; 3] = [
        SignatureScheme::RsaPkcs1Sha256,
        SignatureScheme::RsaPssSha256,
        SignatureScheme::EcdsaP256Sha256,
    ];

    /// The scheme's name: `pkcs1-sha256`, `pss-sha256`, `ecdsa-p256-sha256`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            SignatureScheme::RsaPkcs1Sha256 => "pkcs1-sha256",
            SignatureScheme::RsaPssSha256 => "pss-sha256",
            SignatureScheme::EcdsaP256Sha256 => "ecdsa-p256-sha256",
        }
    }

    fn algorithm(self) -> &'static dyn SignatureVerificationAlgorithm {
        match self {
            SignatureScheme::RsaPkcs1Sha256 => algs::RSA_PKCS1_2048_8192_SHA256,
            SignatureScheme::RsaPssSha256 => algs::RSA_PSS_2048_8192_SHA256_LEGACY_KEY,
            SignatureScheme::EcdsaP256Sha256 => algs::ECDSA_P256_SHA256,
        }
    }
}

impl core::fmt::Display for SignatureScheme {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// The error of [`SignatureScheme::from_str`](core::str::FromStr): not a scheme's name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub struct UnknownScheme(pub String);

impl core::fmt::Display for UnknownScheme {
    /// `zh-TW / English`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&twnhi_texts::bilingual_with(
            "pki-signature-unknown-scheme",
            &[("scheme", self.0.as_str().into())],
        ))
    }
}

impl core::str::FromStr for SignatureScheme {
    type Err = UnknownScheme;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SignatureScheme::ALL
            .into_iter()
            .find(|scheme| scheme.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| UnknownScheme(s.to_owned()))
    }
}

/// Verifies that `signature` is `scheme`'s signature of `message` under the public key of
/// `cert` (the certificate itself is not validated here: see
/// [`ChainVerifier`](crate::ChainVerifier)). RSA keys of 2048 to 8192 bits.
///
/// # Errors
/// [`SignatureError::Invalid`] when the signature does not verify,
/// [`SignatureError::KeyMismatch`] when the scheme does not fit the key,
/// [`SignatureError::Malformed`] when the certificate cannot be parsed.
pub fn verify_signature(
    cert: &CertificateDer<'_>,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> Result<(), SignatureError> {
    let ee = webpki::EndEntityCert::try_from(cert).map_err(|e| SignatureError::Malformed {
        detail: format!("{e:?}"),
    })?;
    ee.verify_signature(scheme.algorithm(), message, signature)
        .map_err(|e| match e {
            webpki::Error::UnsupportedSignatureAlgorithmForPublicKeyContext(_)
            | webpki::Error::UnsupportedSignatureAlgorithmContext(_) => {
                SignatureError::KeyMismatch { scheme }
            }
            webpki::Error::InvalidSignatureForPublicKey => SignatureError::Invalid,
            other => SignatureError::Malformed {
                detail: format!("{other:?}"),
            },
        })
}

/// An ECDSA P-256 signature given as `r || s` (32 bytes each, as PKCS#11's `CKM_ECDSA` and
/// WebCrypto return it) encoded as DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }`
/// (RFC 3279), which [`verify_signature`] takes. `None` unless `raw` is 64 bytes.
#[must_use]
pub fn ecdsa_p256_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.len() != 64 {
        return None;
    }
    let (r, s) = raw.split_at(32);
    let r = der_unsigned_integer(r);
    let s = der_unsigned_integer(s);
    // Each INTEGER is at most 2 + 33 bytes, so the content fits a short-form length.
    let len = u8::try_from(r.len() + s.len()).ok()?;
    let mut out = Vec::with_capacity(2 + usize::from(len));
    out.push(0x30);
    out.push(len);
    out.extend_from_slice(&r);
    out.extend_from_slice(&s);
    Some(out)
}

/// A DER INTEGER of the unsigned big-endian `bytes`: leading zeros dropped, a zero byte
/// prepended when the high bit is set.
fn der_unsigned_integer(bytes: &[u8]) -> Vec<u8> {
    let first = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let mut digits = bytes.get(first..).unwrap_or_default().to_vec();
    if digits.is_empty() {
        digits.push(0);
    }
    if digits.first().is_some_and(|b| b & 0x80 != 0) {
        digits.insert(0, 0);
    }
    let mut out = Vec::with_capacity(digits.len() + 2);
    out.push(0x02);
    // At most 33 bytes: a short-form length.
    out.push(u8::try_from(digits.len()).unwrap_or(0));
    out.extend_from_slice(&digits);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_ecdsa_becomes_der() {
        let mut raw = [0u8; 64];
        raw[31] = 1; // r = 1
        raw[32] = 0x80; // s has its high bit set
        let der = ecdsa_p256_raw_to_der(&raw).unwrap();
        assert_eq!(&der[..5], &[0x30, 0x26, 0x02, 0x01, 0x01]);
        assert_eq!(&der[5..8], &[0x02, 0x21, 0x00]);
        assert_eq!(der.len(), 2 + 3 + 35);
        assert!(ecdsa_p256_raw_to_der(&[0u8; 63]).is_none());
    }

    #[test]
    fn scheme_names_round_trip() {
        for s in SignatureScheme::ALL {
            assert_eq!(s.name().parse::<SignatureScheme>(), Ok(s));
        }
        assert!("sha1".parse::<SignatureScheme>().is_err());
    }
}
