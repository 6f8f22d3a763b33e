//! The signature schemes and their encodings.

use serde::Serialize;

/// A signature scheme a token is asked to sign with. The data signed is always hashed with
/// SHA-256 (by the token when it has the combined mechanism, otherwise on the host).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Scheme {
    /// RSASSA-PKCS1-v1_5 with SHA-256 (`CKM_SHA256_RSA_PKCS`, or `CKM_RSA_PKCS` over the
    /// DigestInfo). The signature is the modulus-sized integer, big-endian.
    Pkcs1Sha256,
    /// RSASSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt (`CKM_SHA256_RSA_PKCS_PSS`,
    /// or `CKM_RSA_PKCS_PSS` over the digest).
    PssSha256,
    /// ECDSA on P-256 over the SHA-256 digest computed on the host (`CKM_ECDSA`). The
    /// signature is returned **DER-encoded** (`Ecdsa-Sig-Value`, a SEQUENCE of the INTEGERs r
    /// and s), as X.509, CMS, `openssl dgst -verify` and rustls-webpki expect; a token's raw
    /// `r || s` is converted.
    EcdsaP256Sha256,
}

impl Scheme {
    /// Every scheme, in the order of the CLI's choices.
    pub const ALL: &'static [Scheme] = &[
        Scheme::Pkcs1Sha256,
        Scheme::PssSha256,
        Scheme::EcdsaP256Sha256,
    ];

    /// The scheme's name on the command line and in JSON: `pkcs1-sha256`, `pss-sha256`,
    /// `ecdsa-p256-sha256`.
    #[must_use]
    pub fn name(self) -> &'static str {
        match self {
            Scheme::Pkcs1Sha256 => "pkcs1-sha256",
            Scheme::PssSha256 => "pss-sha256",
            Scheme::EcdsaP256Sha256 => "ecdsa-p256-sha256",
        }
    }

    /// Whether the scheme signs with an RSA key (else an EC key).
    #[must_use]
    pub fn is_rsa(self) -> bool {
        matches!(self, Scheme::Pkcs1Sha256 | Scheme::PssSha256)
    }
}

impl core::fmt::Display for Scheme {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(self.name())
    }
}

/// A scheme name that is not one of [`Scheme::ALL`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown signature scheme `{0}` (use pkcs1-sha256, pss-sha256 or ecdsa-p256-sha256)")]
pub struct UnknownScheme(pub String);

impl core::str::FromStr for Scheme {
    type Err = UnknownScheme;

    fn from_str(s: &str) -> Result<Scheme, UnknownScheme> {
        Scheme::ALL
            .iter()
            .copied()
            .find(|scheme| scheme.name().eq_ignore_ascii_case(s))
            .ok_or_else(|| UnknownScheme(s.to_owned()))
    }
}

/// The DER prefix of a PKCS#1 v1.5 `DigestInfo` for SHA-256 (RFC 8017 §9.2, note 1).
pub(crate) const SHA256_DIGEST_INFO_PREFIX: [u8; 19] = [
    0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01, 0x05,
    0x00, 0x04, 0x20,
];

/// The SHA-256 digest of `data`.
pub(crate) fn sha256(data: &[u8]) -> Vec<u8> {
    ring::digest::digest(&ring::digest::SHA256, data)
        .as_ref()
        .to_vec()
}

/// An ECDSA signature given as `r || s` (two equal halves, as PKCS#11's `CKM_ECDSA` returns
/// it) encoded as DER `Ecdsa-Sig-Value ::= SEQUENCE { r INTEGER, s INTEGER }` (RFC 3279
/// §2.2.3). `None` when `raw` is empty, of odd length or longer than P-521's 132 bytes.
pub(crate) fn ecdsa_raw_to_der(raw: &[u8]) -> Option<Vec<u8>> {
    if raw.is_empty() || !raw.len().is_multiple_of(2) || raw.len() > 132 {
        return None;
    }
    let (r, s) = raw.split_at(raw.len() / 2);
    let mut body = der_unsigned_integer(r);
    body.extend(der_unsigned_integer(s));
    let mut out = vec![0x30];
    // At most 2 × (2 + 67) = 138 bytes: a one-byte long form is enough above 127.
    if body.len() > 127 {
        out.push(0x81);
    }
    out.push(u8::try_from(body.len()).ok()?);
    out.extend(body);
    Some(out)
}

/// A DER INTEGER holding the unsigned big-endian `bytes`: leading zeros removed, one zero
/// added when the top bit is set (so the value stays positive).
fn der_unsigned_integer(bytes: &[u8]) -> Vec<u8> {
    let start = bytes.iter().position(|&b| b != 0).unwrap_or(bytes.len());
    let mut value: Vec<u8> = bytes[start..].to_vec();
    if value.first().is_none_or(|&b| b & 0x80 != 0) {
        value.insert(0, 0);
    }
    let mut out = vec![0x02, value.len() as u8];
    out.extend(value);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for &s in Scheme::ALL {
            assert_eq!(s.name().parse::<Scheme>().unwrap(), s);
            assert_eq!(s.to_string(), s.name());
        }
        assert!("sha1".parse::<Scheme>().is_err());
    }

    #[test]
    fn raw_ecdsa_signatures_become_der() {
        // r with its top bit set gets a zero byte; s with leading zeros loses them.
        let mut raw = vec![0x80; 32];
        raw.extend([0u8; 31]);
        raw.push(0x05);
        let der = ecdsa_raw_to_der(&raw).unwrap();
        let mut expected = vec![0x30, 2 + 33 + 3, 0x02, 33, 0x00];
        expected.extend([0x80; 32]);
        expected.extend([0x02, 1, 0x05]);
        assert_eq!(der, expected);
        assert_eq!(
            ecdsa_raw_to_der(&[0u8; 2]).unwrap(),
            [0x30, 6, 2, 1, 0, 2, 1, 0]
        );
        assert!(ecdsa_raw_to_der(&[1, 2, 3]).is_none());
        assert!(ecdsa_raw_to_der(&[]).is_none());
        // P-521: 2 × 66 bytes, a body over 127 bytes takes the long form.
        let der = ecdsa_raw_to_der(&[0xff; 132]).unwrap();
        assert_eq!(&der[..3], &[0x30, 0x81, 2 * (2 + 67)]);
    }

    #[test]
    fn the_digest_info_prefix_is_sha256s() {
        assert_eq!(SHA256_DIGEST_INFO_PREFIX.len() + 32, 51);
        assert_eq!(SHA256_DIGEST_INFO_PREFIX[1] as usize, 51 - 2);
    }
}
