//! What a token lists: its tokens and their certificates.

use chrono::{DateTime, Utc};
use serde::Serialize;
use x509_parser::prelude::{FromDer, X509Certificate};
use x509_parser::public_key::PublicKey;

use crate::CertError;

/// The state of a token's user PIN, from its flags (`CKF_USER_PIN_*`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PinState {
    /// No flag set.
    Ok,
    /// `CKF_USER_PIN_COUNT_LOW`: a wrong PIN was entered since the last good one.
    CountLow,
    /// `CKF_USER_PIN_FINAL_TRY`: the next wrong PIN locks it.
    FinalTry,
    /// `CKF_USER_PIN_LOCKED`: locked.
    Locked,
}

impl PinState {
    /// The state the three flags describe (the gravest one when several are set).
    #[must_use]
    pub fn from_flags(count_low: bool, final_try: bool, locked: bool) -> PinState {
        if locked {
            PinState::Locked
        } else if final_try {
            PinState::FinalTry
        } else if count_low {
            PinState::CountLow
        } else {
            PinState::Ok
        }
    }

    /// The catalog id of the state's short text (`cert-pin-*` of `cert.ftl`).
    #[must_use]
    pub fn text_id(self) -> &'static str {
        match self {
            PinState::Ok => "cert-pin-ok",
            PinState::CountLow => "cert-pin-count-low",
            PinState::FinalTry => "cert-pin-final-try",
            PinState::Locked => "cert-pin-locked",
        }
    }
}

/// A token (a card in a reader, a SoftHSM2 token, the software token).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct TokenInfo {
    /// The PKCS#11 slot id.
    pub slot: u64,
    /// The token's label (MOICA cards: `HiCOS PKI Smart Card`).
    pub label: String,
    /// The token's manufacturer.
    pub manufacturer: String,
    /// The token's model.
    pub model: String,
    /// The token's serial number.
    pub serial: String,
    /// `CKF_LOGIN_REQUIRED`.
    pub login_required: bool,
    /// `CKF_PROTECTED_AUTHENTICATION_PATH`: the PIN is typed on the reader's pad.
    pub protected_authentication_path: bool,
    /// The user PIN's state.
    pub pin: PinState,
}

/// The public key of a certificate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum KeyInfo {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// The modulus' length in bits.
        bits: u32,
    },
    /// EC on a named curve.
    Ec {
        /// The curve: `P-256`, `P-384`, `P-521`, or the OID in dotted form.
        curve: String,
    },
    /// Any other algorithm, by OID.
    Other {
        /// The algorithm's OID in dotted form.
        algorithm: String,
    },
}

impl KeyInfo {
    /// Whether the key is an EC key on P-256.
    #[must_use]
    pub fn is_p256(&self) -> bool {
        matches!(self, KeyInfo::Ec { curve } if curve == "P-256")
    }

    /// Whether the key is an RSA key.
    #[must_use]
    pub fn is_rsa(&self) -> bool {
        matches!(self, KeyInfo::Rsa { .. })
    }
}

impl core::fmt::Display for KeyInfo {
    /// `RSA 2048`, `EC P-256`, or the algorithm's OID.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            KeyInfo::Rsa { bits } => write!(f, "RSA {bits}"),
            KeyInfo::Ec { curve } => write!(f, "EC {curve}"),
            KeyInfo::Other { algorithm } => f.write_str(algorithm),
        }
    }
}

/// A certificate on a token, with where it lies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CertificateInfo {
    /// The slot of the token holding it.
    pub slot: u64,
    /// The label of the token holding it.
    pub token_label: String,
    /// The certificate object's label (`CKA_LABEL`).
    pub label: String,
    /// The certificate object's id (`CKA_ID`, hex): its private key has the same.
    pub id: String,
    /// The serial number, uppercase hex without leading zeros (see [`normalize_serial`]).
    pub serial: String,
    /// The subject, RFC 4514 style (`C=TW, CN=…`).
    pub subject: String,
    /// The issuer, in the same style.
    pub issuer: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// The public key.
    pub key: KeyInfo,
    /// The certificate, DER (not in JSON output).
    #[serde(skip)]
    pub der: Vec<u8>,
}

/// The parts of a certificate the token list shows, parsed from DER.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedCertificate {
    /// The serial number, uppercase hex without leading zeros.
    pub serial: String,
    /// The subject.
    pub subject: String,
    /// The issuer.
    pub issuer: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// The public key.
    pub key: KeyInfo,
    /// The subjectPublicKey bits: `RSAPublicKey` DER for RSA, the EC point for EC.
    pub public_key: Vec<u8>,
}

/// Parses an X.509 certificate (DER) with `x509-parser`.
pub fn parse_certificate(der: &[u8]) -> Result<ParsedCertificate, CertError> {
    let malformed = |reason: String| CertError::CertificateMalformed { reason };
    let (_, cert) = X509Certificate::from_der(der).map_err(|e| malformed(e.to_string()))?;
    let time = |t: x509_parser::time::ASN1Time| {
        DateTime::from_timestamp(t.timestamp(), 0)
            .ok_or_else(|| malformed(format!("time out of range: {t}")))
    };
    let spki = cert.public_key();
    let key = match spki.parsed() {
        Ok(PublicKey::RSA(rsa)) => KeyInfo::Rsa {
            bits: unsigned_bits(rsa.modulus),
        },
        Ok(PublicKey::EC(_)) => {
            let curve = spki
                .algorithm
                .parameters
                .as_ref()
                .and_then(|p| p.as_oid().ok())
                .map(|oid| curve_name(&oid.to_id_string()))
                .unwrap_or_default();
            KeyInfo::Ec { curve }
        }
        _ => KeyInfo::Other {
            algorithm: spki.algorithm.algorithm.to_id_string(),
        },
    };
    Ok(ParsedCertificate {
        serial: hex::encode_upper(cert.tbs_certificate.serial.to_bytes_be()),
        subject: cert.subject().to_string(),
        issuer: cert.issuer().to_string(),
        not_before: time(cert.validity().not_before)?,
        not_after: time(cert.validity().not_after)?,
        key,
        public_key: spki.subject_public_key.data.to_vec(),
    })
}

/// The curve's usual name for the named-curve OIDs of RFC 5480, else the OID.
fn curve_name(oid: &str) -> String {
    match oid {
        "1.2.840.10045.3.1.7" => "P-256".to_owned(),
        "1.3.132.0.34" => "P-384".to_owned(),
        "1.3.132.0.35" => "P-521".to_owned(),
        other => other.to_owned(),
    }
}

/// The length in bits of the unsigned big-endian integer `bytes`.
fn unsigned_bits(bytes: &[u8]) -> u32 {
    let Some(start) = bytes.iter().position(|&b| b != 0) else {
        return 0;
    };
    let len = u32::try_from(bytes.len() - start).unwrap_or(u32::MAX / 8);
    len * 8 - bytes[start].leading_zeros()
}

/// A serial number as typed (`0A:1B …`, `0a1b`, with or without leading zeros) in the form
/// [`CertificateInfo::serial`] uses: uppercase hex, no separators, no leading zero bytes
/// (`"0"` for zero). `None` when it is not hex.
#[must_use]
pub fn normalize_serial(text: &str) -> Option<String> {
    let hex: String = text
        .chars()
        .filter(|c| !matches!(c, ':' | ' ' | '-'))
        .collect();
    let hex = hex.strip_prefix("0x").unwrap_or(&hex);
    if hex.is_empty() || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let digits = hex.trim_start_matches('0').to_ascii_uppercase();
    if digits.is_empty() {
        return Some("0".to_owned());
    }
    // Whole bytes, as `hex::encode_upper` of the integer's bytes gives.
    Some(if !digits.len().is_multiple_of(2) {
        format!("0{digits}")
    } else {
        digits
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serials_are_normalized() {
        assert_eq!(normalize_serial("00:0a:1B").as_deref(), Some("0A1B"));
        assert_eq!(normalize_serial("a1b").as_deref(), Some("0A1B"));
        assert_eq!(normalize_serial("0x7F").as_deref(), Some("7F"));
        assert_eq!(normalize_serial("0000").as_deref(), Some("0"));
        assert_eq!(normalize_serial("xyz"), None);
        assert_eq!(normalize_serial(""), None);
    }

    #[test]
    fn bits_of_a_modulus() {
        assert_eq!(unsigned_bits(&[0x00, 0x80, 0x00]), 16);
        assert_eq!(unsigned_bits(&[0x01]), 1);
        assert_eq!(unsigned_bits(&[0, 0]), 0);
    }

    #[test]
    fn pin_state_takes_the_gravest_flag() {
        assert_eq!(PinState::from_flags(false, false, false), PinState::Ok);
        assert_eq!(PinState::from_flags(true, false, false), PinState::CountLow);
        assert_eq!(PinState::from_flags(true, true, false), PinState::FinalTry);
        assert_eq!(PinState::from_flags(true, true, true), PinState::Locked);
    }

    #[test]
    fn a_certificate_is_parsed() {
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["example.test".into()]).unwrap();
        params.serial_number = Some(rcgen::SerialNumber::from_slice(&[0x00, 0x8a, 0x01]));
        params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "Test Citizen");
        let cert = params.self_signed(&key).unwrap();
        let parsed = parse_certificate(cert.der()).unwrap();
        assert_eq!(parsed.serial, "8A01");
        assert!(
            parsed.subject.contains("CN=Test Citizen"),
            "{}",
            parsed.subject
        );
        assert_eq!(
            parsed.key,
            KeyInfo::Ec {
                curve: "P-256".into()
            }
        );
        assert!(parsed.not_before < parsed.not_after);
        assert!(matches!(
            parse_certificate(b"not a certificate"),
            Err(CertError::CertificateMalformed { .. })
        ));
    }
}
