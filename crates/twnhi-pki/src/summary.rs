//! What a certificate says: subject, holder's name, serial, issuer, validity, key, and the
//! attributes a MOICA citizen certificate carries.
//!
//! # MOICA certificates (what is known and what is assumed)
//! From public material on Taiwan's government PKI (relying-party code that reads MOICA,
//! MOEACA, GCA and XCA certificates), not from a specification at hand; to be confirmed
//! against a real card before production:
//! - The subject is `C=TW, CN=<holder's name>` (the name in Chinese characters) and may carry
//!   a `serialNumber` attribute (2.5.4.5); the full ID number is **not** in the certificate.
//! - The last four characters of the ID number are an attribute of the *Subject Directory
//!   Attributes* extension (2.5.29.9) with type `2.16.886.1.100.2.51`
//!   ([`OID_MOICA_ID_LAST4`]); other attributes of that extension (`2.16.886.1.100.2.1`, the
//!   subject's class, …) are ignored.
//! - The issuer is MOICA (`內政部憑證管理中心`) under the GRCA root; a card holds a signing
//!   certificate (key usage `digitalSignature`) and an encryption certificate; RSA 2048 keys.
//!
//! Linking a certificate to a full ID number needs MOICA's identity-confirmation service; the
//! last four characters only narrow it.

use chrono::{DateTime, Utc};
use rustls_pki_types::CertificateDer;
use serde::Serialize;
use twnhi_texts::{self as texts, Lang};
use x509_parser::asn1_rs::{Any, FromDer, Oid, Sequence, Set, Tag};
use x509_parser::certificate::X509Certificate;
use x509_parser::oid_registry::{OID_EC_P256, OID_KEY_TYPE_EC_PUBLIC_KEY, OID_PKCS1_RSAENCRYPTION};
use x509_parser::x509::{AttributeTypeAndValue, X509Name};

use crate::error::VerifyError;

/// The Subject Directory Attributes extension, `2.5.29.9`.
pub const OID_SUBJECT_DIRECTORY_ATTRIBUTES: &str = "2.5.29.9";
/// The attribute of the Subject Directory Attributes holding the last four characters of the
/// ID number in MOICA certificates, `2.16.886.1.100.2.51`.
pub const OID_MOICA_ID_LAST4: &str = "2.16.886.1.100.2.51";
/// The subject's `serialNumber` attribute, `2.5.4.5`.
const OID_SUBJECT_SERIAL_NUMBER: &str = "2.5.4.5";

/// The public key of a certificate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
#[non_exhaustive]
pub enum KeyType {
    /// RSA with a modulus of `bits` bits.
    Rsa {
        /// The modulus' length in bits.
        bits: u32,
    },
    /// ECDSA on NIST P-256.
    EcP256,
    /// Any other key: the algorithm's OID, and the curve's for EC keys.
    Other {
        /// The algorithm (and curve) OIDs in dotted form.
        oid: String,
    },
}

impl KeyType {
    /// The key type in `lang`: `RSA 2048 bits`, `ECDSA P-256` ….
    #[must_use]
    pub fn text(&self, lang: Lang) -> String {
        match self {
            KeyType::Rsa { bits } => {
                texts::format(lang, "pki-key-rsa", &[("bits", (*bits).into())])
            }
            KeyType::EcP256 => texts::text(lang, "pki-key-ec-p256"),
            KeyType::Other { oid } => {
                texts::format(lang, "pki-key-other", &[("oid", oid.as_str().into())])
            }
        }
    }
}

/// A certificate's summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CertSummary {
    /// The subject, RFC 4514 style (`C=TW, CN=…`).
    pub subject: String,
    /// The subject's common name: the holder's name in a MOICA certificate.
    pub subject_cn: Option<String>,
    /// The subject's `serialNumber` attribute (2.5.4.5), when present.
    pub subject_serial_number: Option<String>,
    /// The last four characters of the ID number (MOICA, [`OID_MOICA_ID_LAST4`]), when
    /// present.
    pub id_last4: Option<String>,
    /// The serial number: uppercase hex without leading zero bytes (as `twnhi cert list`
    /// shows it).
    pub serial_hex: String,
    /// The issuer, RFC 4514 style.
    pub issuer: String,
    /// Start of validity.
    pub not_before: DateTime<Utc>,
    /// End of validity.
    pub not_after: DateTime<Utc>,
    /// The public key.
    pub key: KeyType,
    /// Whether the key usage extension allows `digitalSignature` (`None`: no key usage
    /// extension).
    pub digital_signature: Option<bool>,
}

impl CertSummary {
    /// The summary of `cert`.
    ///
    /// # Errors
    /// [`VerifyError::Malformed`] when the certificate cannot be parsed.
    pub fn of(cert: &CertificateDer<'_>) -> Result<CertSummary, VerifyError> {
        let x = parse(cert)?;
        Ok(CertSummary::from_parsed(&x))
    }

    pub(crate) fn from_parsed(x: &X509Certificate<'_>) -> CertSummary {
        let serial = x.tbs_certificate.serial.to_bytes_be();
        let first = serial
            .iter()
            .position(|&b| b != 0)
            .unwrap_or(serial.len().saturating_sub(1));
        CertSummary {
            subject: name_to_string(x.subject()),
            subject_cn: x
                .subject()
                .iter_common_name()
                .next()
                .and_then(attribute_text),
            subject_serial_number: x
                .subject()
                .iter_attributes()
                .find(|a| a.attr_type().to_id_string() == OID_SUBJECT_SERIAL_NUMBER)
                .and_then(attribute_text),
            id_last4: subject_directory_attribute(x, OID_MOICA_ID_LAST4),
            serial_hex: hex::encode_upper(serial.get(first..).unwrap_or_default()),
            issuer: name_to_string(x.issuer()),
            not_before: timestamp(x.validity().not_before.timestamp()),
            not_after: timestamp(x.validity().not_after.timestamp()),
            key: key_type(x),
            digital_signature: x
                .key_usage()
                .ok()
                .flatten()
                .map(|ku| ku.value.digital_signature()),
        }
    }
}

/// `cert` parsed by x509-parser; trailing bytes are refused.
pub(crate) fn parse<'a>(cert: &'a CertificateDer<'_>) -> Result<X509Certificate<'a>, VerifyError> {
    match X509Certificate::from_der(cert.as_ref()) {
        Ok(([], x)) => Ok(x),
        Ok(_) => Err(VerifyError::Malformed {
            detail: "trailing data after the certificate".to_owned(),
        }),
        Err(e) => Err(VerifyError::Malformed {
            detail: e.to_string(),
        }),
    }
}

fn timestamp(secs: i64) -> DateTime<Utc> {
    DateTime::from_timestamp(secs, 0).unwrap_or_default()
}

fn key_type(x: &X509Certificate<'_>) -> KeyType {
    let spki = x.public_key();
    let alg = &spki.algorithm.algorithm;
    if *alg == OID_PKCS1_RSAENCRYPTION {
        let bits = spki.parsed().map(|k| k.key_size()).unwrap_or(0);
        return KeyType::Rsa {
            bits: u32::try_from(bits).unwrap_or(0),
        };
    }
    let curve = spki
        .algorithm
        .parameters
        .as_ref()
        .and_then(|p| p.as_oid().ok());
    if *alg == OID_KEY_TYPE_EC_PUBLIC_KEY && curve.as_ref() == Some(&OID_EC_P256) {
        return KeyType::EcP256;
    }
    let mut oid = alg.to_id_string();
    if let Some(curve) = curve {
        oid.push('/');
        oid.push_str(&curve.to_id_string());
    }
    KeyType::Other { oid }
}

/// A name as `C=TW, CN=…`, string values decoded (UTF8String, PrintableString, IA5String,
/// BMPString), others in hex.
fn name_to_string(name: &X509Name<'_>) -> String {
    let mut parts = Vec::new();
    for rdn in name.iter() {
        for attr in rdn.iter() {
            let oid = attr.attr_type();
            let key = match oid.to_id_string().as_str() {
                "2.5.4.3" => "CN".to_owned(),
                "2.5.4.6" => "C".to_owned(),
                "2.5.4.7" => "L".to_owned(),
                "2.5.4.8" => "ST".to_owned(),
                "2.5.4.10" => "O".to_owned(),
                "2.5.4.11" => "OU".to_owned(),
                "2.5.4.5" => "serialNumber".to_owned(),
                other => other.to_owned(),
            };
            let value = attribute_text(attr)
                .unwrap_or_else(|| format!("#{}", hex::encode(attr.attr_value().data)));
            parts.push(format!("{key}={value}"));
        }
    }
    parts.join(", ")
}

fn attribute_text(attr: &AttributeTypeAndValue<'_>) -> Option<String> {
    any_text(attr.attr_value())
}

/// The text of a string value: UTF8String, PrintableString, IA5String, NumericString,
/// VisibleString, BMPString (UTF-16BE, which Windows-era CAs use for CJK names).
fn any_text(value: &Any<'_>) -> Option<String> {
    let data = value.data;
    match value.header.tag() {
        Tag::Utf8String
        | Tag::PrintableString
        | Tag::Ia5String
        | Tag::NumericString
        | Tag::VisibleString => String::from_utf8(data.to_vec()).ok(),
        Tag::BmpString => {
            if !data.len().is_multiple_of(2) {
                return None;
            }
            let units: Vec<u16> = data
                .chunks_exact(2)
                .map(|c| u16::from_be_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16(&units).ok()
        }
        _ => None,
    }
}

/// The first value of attribute `oid` of the Subject Directory Attributes extension, as text.
fn subject_directory_attribute(x: &X509Certificate<'_>, oid: &str) -> Option<String> {
    let ext = x
        .extensions()
        .iter()
        .find(|e| e.oid.to_id_string() == OID_SUBJECT_DIRECTORY_ATTRIBUTES)?;
    // SubjectDirectoryAttributes ::= SEQUENCE SIZE (1..MAX) OF Attribute
    // Attribute ::= SEQUENCE { type OBJECT IDENTIFIER, values SET OF ANY }
    let (_, attributes) = Sequence::from_der(ext.value).ok()?;
    let mut rest: &[u8] = &attributes.content;
    while !rest.is_empty() {
        let (after, attribute) = Sequence::from_der(rest).ok()?;
        rest = after;
        let (values, kind) = Oid::from_der(&attribute.content).ok()?;
        if kind.to_id_string() != oid {
            continue;
        }
        let (_, set) = Set::from_der(values).ok()?;
        let (_, first) = Any::from_der(&set.content).ok()?;
        return any_text(&first);
    }
    None
}
