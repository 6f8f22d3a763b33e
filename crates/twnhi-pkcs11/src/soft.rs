//! A software token: certificates and keys held in this process, behind the same
//! [`CertificateToken`] trait as a card. For the demo and for tests on machines without
//! SoftHSM2; never a substitute for a card in production (the keys are in memory).

use std::sync::Mutex;

use ring::rand::SystemRandom;
use ring::signature::{self, EcdsaKeyPair, KeyPair, RsaKeyPair};
use subtle::ConstantTimeEq;
use zeroize::Zeroizing;

use crate::info::{
    CertificateInfo, KeyInfo, PinState, TokenInfo, normalize_serial, parse_certificate,
};
use crate::{CertError, CertificateToken, Pin, Scheme, TriesLeft};

/// How many wrong PINs in a row lock a [`SoftToken`]'s PIN unless told otherwise.
pub const DEFAULT_MAX_TRIES: u32 = 3;

enum SoftKey {
    Rsa(RsaKeyPair),
    EcP256(EcdsaKeyPair),
}

struct Entry {
    info: CertificateInfo,
    key: SoftKey,
}

/// An in-process token: one slot, a user PIN with a try counter, certificates with their
/// private keys (PKCS#8), signing with `ring`.
///
/// The PIN counter behaves like a card's: each wrong PIN counts (`count-low`), the last try
/// before the limit is `final-try`, reaching the limit locks the PIN for good; a right PIN
/// resets the count.
pub struct SoftToken {
    label: String,
    serial: String,
    pin: Zeroizing<String>,
    max_tries: u32,
    failures: Mutex<u32>,
    entries: Vec<Entry>,
    rng: SystemRandom,
}

impl core::fmt::Debug for SoftToken {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SoftToken")
            .field("label", &self.label)
            .field("certificates", &self.entries.len())
            .finish_non_exhaustive()
    }
}

impl SoftToken {
    /// An empty token labelled `label` whose user PIN is `pin`.
    #[must_use]
    pub fn new(label: impl Into<String>, serial: impl Into<String>, pin: &Pin) -> SoftToken {
        SoftToken {
            label: label.into(),
            serial: serial.into(),
            pin: Zeroizing::new(pin.expose().to_owned()),
            max_tries: DEFAULT_MAX_TRIES,
            failures: Mutex::new(0),
            entries: Vec::new(),
            rng: SystemRandom::new(),
        }
    }

    /// The same token locking its PIN after `max_tries` wrong PINs in a row (at least 1).
    #[must_use]
    pub fn with_max_tries(mut self, max_tries: u32) -> SoftToken {
        self.max_tries = max_tries.max(1);
        self
    }

    /// Adds a certificate (DER) and its private key (PKCS#8 DER: RSA of 2048 bits or more,
    /// or EC P-256). `label` and `id` become the objects' `CKA_LABEL` and `CKA_ID`.
    /// [`CertError::CertificateMalformed`] when the certificate does not parse or the key
    /// is not the certificate's, [`CertError::KeyMissing`] when the key cannot be read.
    pub fn add(
        &mut self,
        label: &str,
        id: &[u8],
        certificate_der: &[u8],
        private_key_pkcs8: &[u8],
    ) -> Result<(), CertError> {
        let parsed = parse_certificate(certificate_der)?;
        let key_missing = || CertError::KeyMissing {
            serial: parsed.serial.clone(),
        };
        let key = match &parsed.key {
            KeyInfo::Rsa { .. } => {
                SoftKey::Rsa(RsaKeyPair::from_pkcs8(private_key_pkcs8).map_err(|_| key_missing())?)
            }
            k if k.is_p256() => SoftKey::EcP256(
                EcdsaKeyPair::from_pkcs8(
                    &signature::ECDSA_P256_SHA256_ASN1_SIGNING,
                    private_key_pkcs8,
                    &self.rng,
                )
                .map_err(|_| key_missing())?,
            ),
            _ => return Err(key_missing()),
        };
        let public = match &key {
            SoftKey::Rsa(k) => k.public_key().as_ref(),
            SoftKey::EcP256(k) => k.public_key().as_ref(),
        };
        if public != parsed.public_key.as_slice() {
            return Err(CertError::CertificateMalformed {
                reason: "the private key is not the certificate's".to_owned(),
            });
        }
        self.entries.push(Entry {
            info: CertificateInfo {
                slot: 0,
                token_label: self.label.clone(),
                label: label.to_owned(),
                id: hex::encode(id),
                serial: parsed.serial,
                subject: parsed.subject,
                issuer: parsed.issuer,
                not_before: parsed.not_before,
                not_after: parsed.not_after,
                key: parsed.key,
                der: certificate_der.to_vec(),
            },
            key,
        });
        Ok(())
    }

    fn pin_state(&self, failures: u32) -> PinState {
        let left = self.max_tries.saturating_sub(failures);
        PinState::from_flags(failures > 0, left == 1, left == 0)
    }

    /// Checks `pin`, counting a wrong one.
    fn check_pin(&self, pin: &Pin) -> Result<(), CertError> {
        let mut failures = self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.pin_state(*failures) == PinState::Locked {
            return Err(CertError::PinLocked);
        }
        if bool::from(pin.expose().as_bytes().ct_eq(self.pin.as_bytes())) {
            *failures = 0;
            return Ok(());
        }
        *failures += 1;
        Err(match self.pin_state(*failures) {
            PinState::Locked => CertError::PinLocked,
            PinState::FinalTry => CertError::WrongPin {
                tries_left: TriesLeft::FinalTry,
            },
            _ => CertError::WrongPin {
                tries_left: TriesLeft::Low,
            },
        })
    }
}

impl CertificateToken for SoftToken {
    fn kind(&self) -> &'static str {
        "soft"
    }

    fn tokens(&self) -> Result<Vec<TokenInfo>, CertError> {
        let failures = *self
            .failures
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        Ok(vec![TokenInfo {
            slot: 0,
            label: self.label.clone(),
            manufacturer: "twnhi".to_owned(),
            model: "software token".to_owned(),
            serial: self.serial.clone(),
            login_required: true,
            protected_authentication_path: false,
            pin: self.pin_state(failures),
        }])
    }

    fn certificates(&self) -> Result<Vec<CertificateInfo>, CertError> {
        Ok(self.entries.iter().map(|e| e.info.clone()).collect())
    }

    fn sign(
        &self,
        serial: &str,
        pin: &Pin,
        scheme: Scheme,
        data: &[u8],
    ) -> Result<Vec<u8>, CertError> {
        let wanted = normalize_serial(serial);
        let entry = self
            .entries
            .iter()
            .find(|e| Some(&e.info.serial) == wanted.as_ref())
            .ok_or_else(|| CertError::CertificateMissing {
                serial: wanted.clone().unwrap_or_else(|| serial.to_owned()),
            })?;
        if scheme.is_rsa() != entry.info.key.is_rsa() {
            return Err(CertError::MechanismUnsupported { scheme });
        }
        self.check_pin(pin)?;
        let failed = |what: &str| CertError::Token {
            reason: format!("software token: {what} failed"),
        };
        tracing::debug!(serial = %entry.info.serial, %scheme, "software token signs");
        match (&entry.key, scheme) {
            (SoftKey::Rsa(key), Scheme::Pkcs1Sha256 | Scheme::PssSha256) => {
                let padding: &'static dyn signature::RsaEncoding = if scheme == Scheme::PssSha256 {
                    &signature::RSA_PSS_SHA256
                } else {
                    &signature::RSA_PKCS1_SHA256
                };
                let mut out = vec![0; key.public().modulus_len()];
                key.sign(padding, &self.rng, data, &mut out)
                    .map_err(|_| failed("RSA signature"))?;
                Ok(out)
            }
            (SoftKey::EcP256(key), Scheme::EcdsaP256Sha256) => key
                .sign(&self.rng, data)
                .map(|s| s.as_ref().to_vec())
                .map_err(|_| failed("ECDSA signature")),
            _ => Err(CertError::MechanismUnsupported { scheme }),
        }
    }
}
