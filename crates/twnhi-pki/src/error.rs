//! The errors of the crate: why a certificate is refused ([`VerifyError`]), why a signature
//! does not verify ([`SignatureError`]), why an input cannot be used ([`LoadError`]). Each has
//! its texts in the catalog (`pki.ftl`); `Display` shows zh-TW / English, and the refusals
//! their stable code.

use chrono::{DateTime, Utc};
use std::path::PathBuf;
use twnhi_texts::{self as texts, Lang};

use crate::signature::SignatureScheme;

/// How times are shown in messages: `2024-01-31 23:59:59 UTC`.
pub(crate) fn show_time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

/// Why a certificate is refused. Codes 7601–7619, stable: logs, the CLI and the site show
/// them.
///
/// | code | variant | meaning |
/// |---|---|---|
/// | 7601 | [`Malformed`](Self::Malformed) | not a parseable X.509 certificate |
/// | 7602 | [`UnknownIssuer`](Self::UnknownIssuer) | no chain to a trust anchor (a foreign CA) |
/// | 7603 | [`BadSignature`](Self::BadSignature) | a certificate of the chain does not verify under its issuer's key |
/// | 7604 | [`Expired`](Self::Expired) | past its validity |
/// | 7605 | [`NotYetValid`](Self::NotYetValid) | before its validity |
/// | 7606 | [`Revoked`](Self::Revoked) | listed in its issuer's CRL |
/// | 7607 | [`WrongKeyUsage`](Self::WrongKeyUsage) | not a signing certificate |
/// | 7608 | [`RevocationUnknown`](Self::RevocationUnknown) | no CRL of its issuer (when required) |
/// | 7609 | [`CrlExpired`](Self::CrlExpired) | the CRL is past its next update |
/// | 7610 | [`CrlInvalid`](Self::CrlInvalid) | the CRL's signature is invalid |
/// | 7611 | [`Unsupported`](Self::Unsupported) | an algorithm or critical extension webpki does not support |
/// | 7619 | [`Other`](Self::Other) | any other refusal of the path validation |
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The certificate (or one of the chain) cannot be parsed.
    Malformed {
        /// The parser's words (English).
        detail: String,
    },
    /// No chain leads to a configured trust anchor: issued by a foreign CA, or an
    /// intermediate is missing.
    UnknownIssuer,
    /// A certificate of the chain does not verify under its issuer's public key.
    BadSignature,
    /// The certificate (or one of the chain) has expired.
    Expired {
        /// The end of its validity.
        not_after: DateTime<Utc>,
    },
    /// The certificate (or one of the chain) is not yet valid.
    NotYetValid {
        /// The start of its validity.
        not_before: DateTime<Utc>,
    },
    /// The certificate is listed in its issuer's CRL.
    Revoked,
    /// The certificate is not a signing certificate: its key usage lacks `digitalSignature`,
    /// its extended key usage lacks `clientAuth`, or it is a CA certificate.
    WrongKeyUsage,
    /// Revocation was required but no CRL covers the certificate's issuer.
    RevocationUnknown,
    /// The CRL that covers the issuer is past its next update.
    CrlExpired,
    /// The CRL's signature is invalid or its issuer may not sign CRLs.
    CrlInvalid,
    /// An algorithm or critical extension that is not supported.
    Unsupported {
        /// Which (English).
        detail: String,
    },
    /// Any other refusal.
    Other {
        /// The validator's words (English).
        detail: String,
    },
}

impl VerifyError {
    /// The stable code (see the table of [`VerifyError`]).
    #[must_use]
    pub fn code(&self) -> u16 {
        match self {
            VerifyError::Malformed { .. } => 7601,
            VerifyError::UnknownIssuer => 7602,
            VerifyError::BadSignature => 7603,
            VerifyError::Expired { .. } => 7604,
            VerifyError::NotYetValid { .. } => 7605,
            VerifyError::Revoked => 7606,
            VerifyError::WrongKeyUsage => 7607,
            VerifyError::RevocationUnknown => 7608,
            VerifyError::CrlExpired => 7609,
            VerifyError::CrlInvalid => 7610,
            VerifyError::Unsupported { .. } => 7611,
            VerifyError::Other { .. } => 7619,
        }
    }

    /// The catalog id of the message (`pki-error-*`).
    #[must_use]
    pub fn text_id(&self) -> &'static str {
        match self {
            VerifyError::Malformed { .. } => "pki-error-malformed",
            VerifyError::UnknownIssuer => "pki-error-unknown-issuer",
            VerifyError::BadSignature => "pki-error-bad-signature",
            VerifyError::Expired { .. } => "pki-error-expired",
            VerifyError::NotYetValid { .. } => "pki-error-not-yet-valid",
            VerifyError::Revoked => "pki-error-revoked",
            VerifyError::WrongKeyUsage => "pki-error-wrong-key-usage",
            VerifyError::RevocationUnknown => "pki-error-revocation-unknown",
            VerifyError::CrlExpired => "pki-error-crl-expired",
            VerifyError::CrlInvalid => "pki-error-crl-invalid",
            VerifyError::Unsupported { .. } => "pki-error-unsupported",
            VerifyError::Other { .. } => "pki-error-other",
        }
    }

    /// The message in `lang`, from the catalog.
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        let id = self.text_id();
        match self {
            VerifyError::Malformed { detail }
            | VerifyError::Unsupported { detail }
            | VerifyError::Other { detail } => {
                texts::format(lang, id, &[("detail", detail.as_str().into())])
            }
            VerifyError::Expired { not_after } => {
                texts::format(lang, id, &[("not_after", show_time(*not_after).into())])
            }
            VerifyError::NotYetValid { not_before } => {
                texts::format(lang, id, &[("not_before", show_time(*not_before).into())])
            }
            _ => texts::text(lang, id),
        }
    }
}

/// Why a signature does not verify. Codes 7621–7623.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// 7621: the signature does not verify under the certificate's key (wrong key, altered
    /// message or signature).
    Invalid,
    /// 7622: the scheme does not fit the certificate's key (ECDSA with an RSA key …).
    KeyMismatch {
        /// The scheme asked for.
        scheme: SignatureScheme,
    },
    /// 7623: the certificate or the signature cannot be parsed.
    Malformed {
        /// What is wrong (English).
        detail: String,
    },
}

impl SignatureError {
    /// The stable code.
    #[must_use]
    pub fn code(&self) -> u16 {
        match self {
            SignatureError::Invalid => 7621,
            SignatureError::KeyMismatch { .. } => 7622,
            SignatureError::Malformed { .. } => 7623,
        }
    }

    /// The message in `lang`, from the catalog (`pki-signature-*`).
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        match self {
            SignatureError::Invalid => texts::text(lang, "pki-signature-invalid"),
            SignatureError::KeyMismatch { scheme } => texts::format(
                lang,
                "pki-signature-key-mismatch",
                &[("scheme", scheme.name().into())],
            ),
            SignatureError::Malformed { detail } => texts::format(
                lang,
                "pki-signature-malformed",
                &[("detail", detail.as_str().into())],
            ),
        }
    }
}

/// Why an input (a certificate, a trust anchor, a CRL, a file) cannot be used: bad input
/// rather than a refused certificate.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LoadError {
    /// A file cannot be read.
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Neither PEM nor DER of the expected kind.
    Format {
        /// The file or source.
        what: String,
        /// The parser's words (English).
        detail: String,
    },
    /// PEM without a certificate.
    NoCertificate {
        /// The file or source.
        what: String,
    },
    /// A trust anchor that cannot be used.
    Anchor {
        /// The file or source.
        what: String,
        /// The parser's words (English).
        detail: String,
    },
    /// A CRL that cannot be parsed (webpki takes version 2 CRLs with a next update and a CRL
    /// number; no delta CRLs).
    Crl {
        /// The file or source.
        what: String,
        /// The parser's words (English).
        detail: String,
    },
    /// A CRL source this build cannot fetch.
    UnsupportedSource {
        /// The source.
        what: String,
    },
    /// A CRL that cannot be fetched from its URL.
    Fetch(#[from] FetchError),
}

impl LoadError {
    /// The message in `lang`, from the catalog (`pki-load-*`).
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        match self {
            LoadError::Io { path, source } => format!(
                "{}: {source}",
                texts::format(
                    lang,
                    "pki-load-io",
                    &[("path", path.display().to_string().into())]
                )
            ),
            LoadError::Format { what, detail } => texts::format(
                lang,
                "pki-load-format",
                &[
                    ("what", what.as_str().into()),
                    ("detail", detail.as_str().into()),
                ],
            ),
            LoadError::NoCertificate { what } => texts::format(
                lang,
                "pki-load-no-certificate",
                &[("what", what.as_str().into())],
            ),
            LoadError::Anchor { what, detail } => texts::format(
                lang,
                "pki-load-anchor",
                &[
                    ("what", what.as_str().into()),
                    ("detail", detail.as_str().into()),
                ],
            ),
            LoadError::Crl { what, detail } => texts::format(
                lang,
                "pki-load-crl",
                &[
                    ("what", what.as_str().into()),
                    ("detail", detail.as_str().into()),
                ],
            ),
            LoadError::UnsupportedSource { what } => texts::format(
                lang,
                "pki-load-unsupported-source",
                &[("what", what.as_str().into())],
            ),
            LoadError::Fetch(e) => format!("{} [{}]", e.message(lang), e.code()),
        }
    }
}

impl core::fmt::Display for LoadError {
    /// `zh-TW / English`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(
            f,
            "{} / {}",
            self.message(Lang::ZhTw),
            self.message(Lang::En)
        )
    }
}

/// Why a CRL or an OCSP response cannot be fetched over http. Codes 7631–7635.
///
/// | code | variant | meaning |
/// |---|---|---|
/// | 7631 | [`BadUrl`](Self::BadUrl) | not an absolute `http://` URL |
/// | 7632 | [`Unreachable`](Self::Unreachable) | no connection, or the exchange broke off |
/// | 7633 | [`Timeout`](Self::Timeout) | no whole answer within the time allowed |
/// | 7634 | [`Status`](Self::Status) | an answer other than 200 OK |
/// | 7635 | [`TooLarge`](Self::TooLarge) | an answer larger than allowed |
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// Not an absolute `http://` URL with a host.
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong (English).
        why: String,
    },
    /// No connection, or the exchange broke off.
    Unreachable {
        /// The URL.
        url: String,
        /// The operating system's or the HTTP client's words (English).
        detail: String,
    },
    /// No whole answer within the time allowed.
    Timeout {
        /// The URL.
        url: String,
        /// The time allowed.
        after: std::time::Duration,
    },
    /// An answer other than 200 OK.
    Status {
        /// The URL.
        url: String,
        /// The HTTP status.
        status: u16,
    },
    /// An answer larger than allowed.
    TooLarge {
        /// The URL.
        url: String,
        /// The limit, in bytes.
        limit: usize,
    },
}

impl FetchError {
    /// The stable code.
    #[must_use]
    pub fn code(&self) -> u16 {
        match self {
            FetchError::BadUrl { .. } => 7631,
            FetchError::Unreachable { .. } => 7632,
            FetchError::Timeout { .. } => 7633,
            FetchError::Status { .. } => 7634,
            FetchError::TooLarge { .. } => 7635,
        }
    }

    /// The URL concerned.
    #[must_use]
    pub fn url(&self) -> &str {
        match self {
            FetchError::BadUrl { url, .. }
            | FetchError::Unreachable { url, .. }
            | FetchError::Timeout { url, .. }
            | FetchError::Status { url, .. }
            | FetchError::TooLarge { url, .. } => url,
        }
    }

    /// The message in `lang`, from the catalog (`pki-fetch-*`).
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        let url = ("url", self.url().to_owned().into());
        match self {
            FetchError::BadUrl { why, .. } => texts::format(
                lang,
                "pki-fetch-bad-url",
                &[url, ("why", why.as_str().into())],
            ),
            FetchError::Unreachable { detail, .. } => texts::format(
                lang,
                "pki-fetch-unreachable",
                &[url, ("detail", detail.as_str().into())],
            ),
            FetchError::Timeout { after, .. } => texts::format(
                lang,
                "pki-fetch-timeout",
                &[url, ("seconds", after.as_secs().into())],
            ),
            FetchError::Status { status, .. } => texts::format(
                lang,
                "pki-fetch-status",
                &[url, ("status", u64::from(*status).into())],
            ),
            FetchError::TooLarge { limit, .. } => texts::format(
                lang,
                "pki-fetch-too-large",
                &[
                    url,
                    ("limit", u64::try_from(*limit).unwrap_or(u64::MAX).into()),
                ],
            ),
        }
    }
}

/// Why an OCSP check gave no answer to rely on. Codes 7624–7630. (A certificate the
/// responder says is revoked or unknown is not an error of the check:
/// `OcspStatus`.)
///
/// | code | variant | meaning |
/// |---|---|---|
/// | 7624 | [`NoResponder`](Self::NoResponder) | no responder configured and none in the certificate |
/// | 7625 | [`Fetch`](Self::Fetch) | the responder cannot be reached or answered badly over http |
/// | 7626 | [`Malformed`](Self::Malformed) | the answer is not an OCSP response |
/// | 7627 | [`ResponderStatus`](Self::ResponderStatus) | the responder declined (tryLater, unauthorized …) |
/// | 7628 | [`Signature`](Self::Signature) | the response's signature is invalid or its signer not authorised |
/// | 7629 | [`Mismatch`](Self::Mismatch) | the response is not about this certificate, or its nonce differs |
/// | 7630 | [`Stale`](Self::Stale) | the response is not current (thisUpdate ahead, nextUpdate past) |
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OcspError {
    /// No responder URL is configured and the certificate names none (authority
    /// information access).
    NoResponder,
    /// The responder cannot be reached, or answered other than 200 OK.
    Fetch(FetchError),
    /// The answer is not a (basic) OCSP response.
    Malformed {
        /// What is wrong (English).
        detail: String,
    },
    /// The responder answered with a status other than `successful`.
    ResponderStatus {
        /// The status's name (`tryLater`, `unauthorized` …).
        status: String,
    },
    /// The response's signature does not verify, or its signer is neither the issuing CA
    /// nor a responder the issuing CA authorised (id-kp-OCSPSigning).
    Signature {
        /// What is wrong (English).
        detail: String,
    },
    /// The response does not answer for this certificate, or echoes another nonce.
    Mismatch {
        /// What differs (English).
        detail: String,
    },
    /// The response is not current.
    Stale {
        /// Which time is wrong (English).
        detail: String,
    },
}

impl OcspError {
    /// The stable code.
    #[must_use]
    pub fn code(&self) -> u16 {
        match self {
            OcspError::NoResponder => 7624,
            OcspError::Fetch(_) => 7625,
            OcspError::Malformed { .. } => 7626,
            OcspError::ResponderStatus { .. } => 7627,
            OcspError::Signature { .. } => 7628,
            OcspError::Mismatch { .. } => 7629,
            OcspError::Stale { .. } => 7630,
        }
    }

    /// A short English name for audit records and logs (`ocsp-unreachable` …).
    #[must_use]
    pub fn reason(&self) -> &'static str {
        match self {
            OcspError::NoResponder => "ocsp-no-responder",
            OcspError::Fetch(_) => "ocsp-unreachable",
            OcspError::Malformed { .. } => "ocsp-malformed",
            OcspError::ResponderStatus { .. } => "ocsp-declined",
            OcspError::Signature { .. } => "ocsp-signature",
            OcspError::Mismatch { .. } => "ocsp-mismatch",
            OcspError::Stale { .. } => "ocsp-stale",
        }
    }

    /// The message in `lang`, from the catalog (`pki-ocsp-*`).
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        match self {
            OcspError::NoResponder => texts::text(lang, "pki-ocsp-no-responder"),
            OcspError::Fetch(e) => texts::format(
                lang,
                "pki-ocsp-fetch",
                &[("detail", e.message(lang).into())],
            ),
            OcspError::Malformed { detail } => texts::format(
                lang,
                "pki-ocsp-malformed",
                &[("detail", detail.as_str().into())],
            ),
            OcspError::ResponderStatus { status } => texts::format(
                lang,
                "pki-ocsp-responder-status",
                &[("status", status.as_str().into())],
            ),
            OcspError::Signature { detail } => texts::format(
                lang,
                "pki-ocsp-signature",
                &[("detail", detail.as_str().into())],
            ),
            OcspError::Mismatch { detail } => texts::format(
                lang,
                "pki-ocsp-mismatch",
                &[("detail", detail.as_str().into())],
            ),
            OcspError::Stale { detail } => texts::format(
                lang,
                "pki-ocsp-stale",
                &[("detail", detail.as_str().into())],
            ),
        }
    }
}

/// `zh-TW / English [code]`: how every coded error of this crate reads (each has `message`
/// and `code`).
macro_rules! coded_display {
    ($($error:ty),+ $(,)?) => {$(
        impl core::fmt::Display for $error {
            /// `zh-TW / English [code]`.
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                twnhi_texts::write_coded(f, |lang| self.message(lang), self.code())
            }
        }
    )+};
}

coded_display!(VerifyError, SignatureError, FetchError, OcspError);
