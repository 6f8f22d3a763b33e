//! The errors of the certificate card side, with stable codes and texts from the catalog
//! (`crates/twnhi-texts/locales/*/cert.ftl`).

use std::path::PathBuf;
use thiserror::Error;
use twnhi_texts::{self as texts, Lang};

use crate::Scheme;

/// What a token says about the user PIN's remaining tries after a wrong PIN.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TriesLeft {
    /// The token does not say (no flag set).
    Unknown,
    /// `CKF_USER_PIN_COUNT_LOW`: an incorrect PIN was entered at least once since the last
    /// successful login.
    Low,
    /// `CKF_USER_PIN_FINAL_TRY`: one more wrong PIN locks the PIN.
    FinalTry,
}

/// Any failure of the certificate card side.
///
/// [`code`](Self::code) is a stable number (75xx, beside the NHI card's 70xx/80xx codes);
/// [`message`](Self::message) is the text in a language of the catalog; `Display` shows
/// zh-TW / English and the code. No variant holds the PIN.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CertError {
    /// 7501: no PKCS#11 module at the path.
    ModuleNotFound {
        /// The path tried (or the default paths, joined).
        path: PathBuf,
    },
    /// 7502: the file exists but cannot be loaded or initialised as a PKCS#11 module.
    ModuleNotLoadable {
        /// The module's path.
        path: PathBuf,
        /// Why (the loader's or the module's words, English).
        reason: String,
    },
    /// 7503: no slot holds a token (no card in the reader, or no reader).
    NoToken,
    /// 7504: the token refused the PIN.
    WrongPin {
        /// What the token's flags say about the tries left.
        tries_left: TriesLeft,
    },
    /// 7505: the user PIN is locked (too many wrong PINs); it must be unblocked with the PUK
    /// by the issuer's tools.
    PinLocked,
    /// 7506: no certificate with this serial number on any token.
    CertificateMissing {
        /// The serial number asked for, uppercase hex.
        serial: String,
    },
    /// 7507: the certificate is there but no private key has its `CKA_ID`.
    KeyMissing {
        /// The certificate's serial number, uppercase hex.
        serial: String,
    },
    /// 7508: the token or the key cannot sign with this scheme (e.g. ECDSA with an RSA key).
    MechanismUnsupported {
        /// The scheme asked for.
        scheme: Scheme,
    },
    /// 7509: the PIN is empty, too long or too short for the token.
    PinFormat,
    /// 7510: a certificate on the token cannot be parsed as X.509.
    CertificateMalformed {
        /// The parser's words (English).
        reason: String,
    },
    /// 7511: the token was removed during the operation.
    TokenRemoved,
    /// 7519: any other failure the module reported.
    Token {
        /// The module's words (function and return value, English).
        reason: String,
    },
}

impl CertError {
    /// The stable code of the failure (75xx).
    #[must_use]
    pub fn code(&self) -> u16 {
        match self {
            CertError::ModuleNotFound { .. } => 7501,
            CertError::ModuleNotLoadable { .. } => 7502,
            CertError::NoToken => 7503,
            CertError::WrongPin { .. } => 7504,
            CertError::PinLocked => 7505,
            CertError::CertificateMissing { .. } => 7506,
            CertError::KeyMissing { .. } => 7507,
            CertError::MechanismUnsupported { .. } => 7508,
            CertError::PinFormat => 7509,
            CertError::CertificateMalformed { .. } => 7510,
            CertError::TokenRemoved => 7511,
            CertError::Token { .. } => 7519,
        }
    }

    /// Whether the failure is about the environment (the module, the reader, the card's
    /// presence) rather than the token's answers: exit code 3 in the CLI, as for NHI cards.
    #[must_use]
    pub fn is_environment(&self) -> bool {
        matches!(
            self,
            CertError::ModuleNotFound { .. }
                | CertError::ModuleNotLoadable { .. }
                | CertError::NoToken
                | CertError::TokenRemoved
        )
    }

    /// The message in `lang`, from the catalog (`cert-error-*` of `cert.ftl`).
    #[must_use]
    pub fn message(&self, lang: Lang) -> String {
        match self {
            CertError::ModuleNotFound { path } => texts::format(
                lang,
                "cert-error-module-not-found",
                &[("path", path.display().to_string().into())],
            ),
            CertError::ModuleNotLoadable { path, reason } => texts::format(
                lang,
                "cert-error-module-not-loadable",
                &[
                    ("path", path.display().to_string().into()),
                    ("reason", reason.as_str().into()),
                ],
            ),
            CertError::NoToken => texts::text(lang, "cert-error-no-token"),
            CertError::WrongPin { tries_left } => texts::text(
                lang,
                match tries_left {
                    TriesLeft::Unknown => "cert-error-wrong-pin",
                    TriesLeft::Low => "cert-error-wrong-pin-count-low",
                    TriesLeft::FinalTry => "cert-error-wrong-pin-final-try",
                },
            ),
            CertError::PinLocked => texts::text(lang, "cert-error-pin-locked"),
            CertError::CertificateMissing { serial } => texts::format(
                lang,
                "cert-error-certificate-missing",
                &[("serial", serial.as_str().into())],
            ),
            CertError::KeyMissing { serial } => texts::format(
                lang,
                "cert-error-key-missing",
                &[("serial", serial.as_str().into())],
            ),
            CertError::MechanismUnsupported { scheme } => texts::format(
                lang,
                "cert-error-mechanism-unsupported",
                &[("scheme", scheme.name().into())],
            ),
            CertError::PinFormat => texts::text(lang, "cert-error-pin-format"),
            CertError::CertificateMalformed { reason } => texts::format(
                lang,
                "cert-error-certificate-malformed",
                &[("reason", reason.as_str().into())],
            ),
            CertError::TokenRemoved => texts::text(lang, "cert-error-token-removed"),
            CertError::Token { reason } => texts::format(
                lang,
                "cert-error-token",
                &[("reason", reason.as_str().into())],
            ),
        }
    }
}

impl core::fmt::Display for CertError {
    /// `zh-TW / English [code]`, e.g. `未偵測到憑證卡 / no certificate card found [7503]`.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        twnhi_texts::write_coded(f, |lang| self.message(lang), self.code())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<CertError> {
        vec![
            CertError::ModuleNotFound {
                path: "x.so".into(),
            },
            CertError::ModuleNotLoadable {
                path: "x.so".into(),
                reason: "r".into(),
            },
            CertError::NoToken,
            CertError::WrongPin {
                tries_left: TriesLeft::Unknown,
            },
            CertError::PinLocked,
            CertError::CertificateMissing {
                serial: "01".into(),
            },
            CertError::KeyMissing {
                serial: "01".into(),
            },
            CertError::MechanismUnsupported {
                scheme: Scheme::EcdsaP256Sha256,
            },
            CertError::PinFormat,
            CertError::CertificateMalformed { reason: "r".into() },
            CertError::TokenRemoved,
            CertError::Token { reason: "r".into() },
        ]
    }

    #[test]
    fn codes_are_distinct_and_stable() {
        let codes: Vec<u16> = all().iter().map(CertError::code).collect();
        assert_eq!(
            codes,
            [
                7501, 7502, 7503, 7504, 7505, 7506, 7507, 7508, 7509, 7510, 7511, 7519
            ]
        );
    }

    #[test]
    fn every_error_has_both_texts() {
        for e in all() {
            let zh = e.message(Lang::ZhTw);
            let en = e.message(Lang::En);
            assert!(!zh.is_empty() && !en.is_empty() && zh != en, "{e:?}");
            assert_eq!(e.to_string(), format!("{zh} / {en} [{}]", e.code()));
        }
    }

    #[test]
    fn wrong_pin_texts_tell_the_tries_left() {
        let texts: Vec<String> = [TriesLeft::Unknown, TriesLeft::Low, TriesLeft::FinalTry]
            .into_iter()
            .map(|t| CertError::WrongPin { tries_left: t }.message(Lang::En))
            .collect();
        assert_ne!(texts[0], texts[1]);
        assert_ne!(texts[1], texts[2]);
        assert!(texts[2].contains("last"), "{}", texts[2]);
    }
}
