//! The PKCS#11 token: a vendor module loaded at run time, through `cryptoki`.

use std::path::{Path, PathBuf};

use cryptoki::context::{CInitializeArgs, CInitializeFlags, Pkcs11};
use cryptoki::error::{Error as CkError, RvError};
use cryptoki::mechanism::rsa::{PkcsMgfType, PkcsPssParams};
use cryptoki::mechanism::{Mechanism, MechanismType};
use cryptoki::object::{Attribute, AttributeType, CertificateType, KeyType, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use crate::info::{CertificateInfo, PinState, TokenInfo, normalize_serial, parse_certificate};
use crate::module::is_bare_name;
use crate::scheme::{SHA256_DIGEST_INFO_PREFIX, ecdsa_raw_to_der, sha256};
use crate::{CertError, CertificateToken, Pin, Scheme, TriesLeft};

/// The tokens of one PKCS#11 module (the HiCOS module with MOICA cards, SoftHSM2 in tests).
///
/// [`open`](Self::open) loads the module and calls `C_Initialize`; dropping the value calls
/// `C_Finalize` (when this value initialised the module). A module is a process-wide
/// library: keep one `Pkcs11Token` per module per process.
///
/// Every operation opens its own session and closes it before returning: the card is not
/// held between requests, and a login lasts for one signature only.
pub struct Pkcs11Token {
    ctx: Option<Pkcs11>,
    path: PathBuf,
    finalize: bool,
}

impl core::fmt::Debug for Pkcs11Token {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Pkcs11Token")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// A `cryptoki` error as a [`CertError`], for the cases every operation shares.
pub(crate) fn ck_error(e: CkError) -> CertError {
    match e {
        CkError::Pkcs11(rv, function) => match rv {
            RvError::TokenNotPresent | RvError::TokenNotRecognized => CertError::NoToken,
            RvError::DeviceRemoved | RvError::SessionHandleInvalid | RvError::SessionClosed => {
                CertError::TokenRemoved
            }
            RvError::PinLocked => CertError::PinLocked,
            RvError::PinLenRange | RvError::PinInvalid => CertError::PinFormat,
            other => CertError::Token {
                reason: format!("{function}: {other:?}"),
            },
        },
        other => CertError::Token {
            reason: other.to_string(),
        },
    }
}

impl Pkcs11Token {
    /// Loads the PKCS#11 module at `path` and initialises it.
    ///
    /// Loading a module runs its code in this process (see the crate's documentation).
    /// [`CertError::ModuleNotFound`] when no file is there, [`CertError::ModuleNotLoadable`]
    /// when the file is not a loadable PKCS#11 module or its `C_Initialize` fails.
    pub fn open(path: impl AsRef<Path>) -> Result<Pkcs11Token, CertError> {
        let path = path.as_ref().to_path_buf();
        if !is_bare_name(&path) && !path.exists() {
            return Err(CertError::ModuleNotFound { path });
        }
        let not_loadable = |reason: String| CertError::ModuleNotLoadable {
            path: path.clone(),
            reason,
        };
        let ctx = match Pkcs11::new(&path) {
            Ok(ctx) => ctx,
            Err(CkError::LibraryLoading(e)) if is_bare_name(&path) => {
                tracing::debug!(module = %path.display(), error = %e, "module not loaded");
                return Err(CertError::ModuleNotFound { path });
            }
            Err(e) => return Err(not_loadable(e.to_string())),
        };
        let finalize = match ctx.initialize(CInitializeArgs::new(CInitializeFlags::OS_LOCKING_OK)) {
            Ok(()) => true,
            Err(CkError::Pkcs11(RvError::CryptokiAlreadyInitialized, _)) => false,
            Err(e) => return Err(not_loadable(e.to_string())),
        };
        tracing::debug!(module = %path.display(), "PKCS#11 module loaded");
        Ok(Pkcs11Token {
            ctx: Some(ctx),
            path,
            finalize,
        })
    }

    /// The module's path.
    #[must_use]
    pub fn path(&self) -> &Path {
        &self.path
    }

    pub(crate) fn ctx(&self) -> Result<&Pkcs11, CertError> {
        self.ctx.as_ref().ok_or_else(|| CertError::Token {
            reason: "module finalized".to_owned(),
        })
    }

    /// The slots holding an initialised token (SoftHSM2 always shows one more slot, with an
    /// uninitialised token, for the next `--init-token`; a card reader's slot holds a token
    /// only when a card is inserted).
    pub(crate) fn slots(&self) -> Result<Vec<Slot>, CertError> {
        self.ctx()?
            .get_slots_with_initialized_token()
            .map_err(ck_error)
    }

    pub(crate) fn token_info(&self, slot: Slot) -> Result<TokenInfo, CertError> {
        let t = self.ctx()?.get_token_info(slot).map_err(ck_error)?;
        Ok(TokenInfo {
            slot: slot.id(),
            label: t.label().trim_end().to_owned(),
            manufacturer: t.manufacturer_id().trim_end().to_owned(),
            model: t.model().trim_end().to_owned(),
            serial: t.serial_number().trim_end().to_owned(),
            login_required: t.login_required(),
            protected_authentication_path: t.protected_authentication_path(),
            pin: PinState::from_flags(
                t.user_pin_count_low(),
                t.user_pin_final_try(),
                t.user_pin_locked(),
            ),
        })
    }

    /// The certificates of the token in `slot`.
    fn slot_certificates(&self, slot: Slot) -> Result<Vec<CertificateInfo>, CertError> {
        let token = self.token_info(slot)?;
        let session = self.ctx()?.open_ro_session(slot).map_err(ck_error)?;
        let handles = session
            .find_objects(&[
                Attribute::Class(ObjectClass::CERTIFICATE),
                Attribute::CertificateType(CertificateType::X_509),
            ])
            .map_err(ck_error)?;
        let mut out = Vec::with_capacity(handles.len());
        for handle in handles {
            let attributes = session
                .get_attributes(
                    handle,
                    &[
                        AttributeType::Value,
                        AttributeType::Id,
                        AttributeType::Label,
                    ],
                )
                .map_err(ck_error)?;
            let (mut der, mut id, mut label) = (Vec::new(), Vec::new(), Vec::new());
            for a in attributes {
                match a {
                    Attribute::Value(v) => der = v,
                    Attribute::Id(v) => id = v,
                    Attribute::Label(v) => label = v,
                    _ => {}
                }
            }
            let parsed = match parse_certificate(&der) {
                Ok(p) => p,
                Err(e) => {
                    // One unreadable object does not hide the card's other certificates.
                    tracing::warn!(slot = slot.id(), error = %e, "certificate skipped");
                    continue;
                }
            };
            out.push(CertificateInfo {
                slot: slot.id(),
                token_label: token.label.clone(),
                label: String::from_utf8_lossy(&label).into_owned(),
                id: hex::encode(&id),
                serial: parsed.serial,
                subject: parsed.subject,
                issuer: parsed.issuer,
                not_before: parsed.not_before,
                not_after: parsed.not_after,
                key: parsed.key,
                der,
            });
        }
        Ok(out)
    }

    /// Logs the user in on `session`; a wrong PIN is reported with what the token's flags
    /// then say about the tries left.
    fn login(&self, session: &Session, slot: Slot, pin: &Pin) -> Result<(), CertError> {
        let secret = AuthPin::new(pin.expose().into());
        match session.login(UserType::User, Some(&secret)) {
            Ok(()) | Err(CkError::Pkcs11(RvError::UserAlreadyLoggedIn, _)) => Ok(()),
            Err(CkError::Pkcs11(RvError::PinIncorrect, _)) => {
                let state = self.token_info(slot).map(|t| t.pin);
                Err(match state {
                    Ok(PinState::Locked) => CertError::PinLocked,
                    Ok(PinState::FinalTry) => CertError::WrongPin {
                        tries_left: TriesLeft::FinalTry,
                    },
                    Ok(PinState::CountLow) => CertError::WrongPin {
                        tries_left: TriesLeft::Low,
                    },
                    _ => CertError::WrongPin {
                        tries_left: TriesLeft::Unknown,
                    },
                })
            }
            Err(e) => Err(ck_error(e)),
        }
    }

    /// Signs `data` with the private key whose `CKA_ID` is `id`, on a logged-in `session`.
    fn sign_with(
        &self,
        session: &Session,
        slot: Slot,
        cert: &CertificateInfo,
        scheme: Scheme,
        data: &[u8],
    ) -> Result<Vec<u8>, CertError> {
        let unsupported = CertError::MechanismUnsupported { scheme };
        let id = hex::decode(&cert.id).unwrap_or_default();
        let keys = session
            .find_objects(&[
                Attribute::Class(ObjectClass::PRIVATE_KEY),
                Attribute::Id(id),
            ])
            .map_err(ck_error)?;
        let key = *keys.first().ok_or_else(|| CertError::KeyMissing {
            serial: cert.serial.clone(),
        })?;
        let key_type = session
            .get_attributes(key, &[AttributeType::KeyType])
            .map_err(ck_error)?
            .into_iter()
            .find_map(|a| match a {
                Attribute::KeyType(k) => Some(k),
                _ => None,
            });
        let fits = match scheme {
            Scheme::Pkcs1Sha256 | Scheme::PssSha256 => key_type == Some(KeyType::RSA),
            Scheme::EcdsaP256Sha256 => key_type == Some(KeyType::EC) && cert.key.is_p256(),
        };
        if !fits {
            return Err(unsupported);
        }
        let mechanisms = self.ctx()?.get_mechanism_list(slot).map_err(ck_error)?;
        let has = |m: MechanismType| mechanisms.contains(&m);
        let pss = PkcsPssParams {
            hash_alg: MechanismType::SHA256,
            mgf: PkcsMgfType::MGF1_SHA256,
            s_len: 32.into(),
        };
        // The mechanism, and the data it signs: the message itself when the token hashes,
        // the digest (in a DigestInfo for PKCS#1 v1.5) when the host does.
        let (mechanism, input) = match scheme {
            Scheme::Pkcs1Sha256 if has(MechanismType::SHA256_RSA_PKCS) => {
                (Mechanism::Sha256RsaPkcs, data.to_vec())
            }
            Scheme::Pkcs1Sha256 if has(MechanismType::RSA_PKCS) => {
                let mut info = SHA256_DIGEST_INFO_PREFIX.to_vec();
                info.extend(sha256(data));
                (Mechanism::RsaPkcs, info)
            }
            Scheme::PssSha256 if has(MechanismType::SHA256_RSA_PKCS_PSS) => {
                (Mechanism::Sha256RsaPkcsPss(pss), data.to_vec())
            }
            Scheme::PssSha256 if has(MechanismType::RSA_PKCS_PSS) => {
                (Mechanism::RsaPkcsPss(pss), sha256(data))
            }
            Scheme::EcdsaP256Sha256 if has(MechanismType::ECDSA) => {
                (Mechanism::Ecdsa, sha256(data))
            }
            _ => return Err(unsupported),
        };
        let signature = match session.sign(&mechanism, key, &input) {
            Ok(s) => s,
            Err(CkError::Pkcs11(
                RvError::MechanismInvalid
                | RvError::MechanismParamInvalid
                | RvError::KeyTypeInconsistent
                | RvError::KeyFunctionNotPermitted,
                _,
            )) => return Err(unsupported),
            Err(e) => return Err(ck_error(e)),
        };
        if scheme == Scheme::EcdsaP256Sha256 {
            return ecdsa_raw_to_der(&signature).ok_or_else(|| CertError::Token {
                reason: format!("ECDSA signature of {} bytes", signature.len()),
            });
        }
        Ok(signature)
    }
}

impl CertificateToken for Pkcs11Token {
    fn kind(&self) -> &'static str {
        "pkcs11"
    }

    fn tokens(&self) -> Result<Vec<TokenInfo>, CertError> {
        self.slots()?
            .into_iter()
            .map(|slot| self.token_info(slot))
            .collect()
    }

    fn certificates(&self) -> Result<Vec<CertificateInfo>, CertError> {
        let slots = self.slots()?;
        if slots.is_empty() {
            return Err(CertError::NoToken);
        }
        let mut out = Vec::new();
        for slot in slots {
            out.extend(self.slot_certificates(slot)?);
        }
        Ok(out)
    }

    fn sign(
        &self,
        serial: &str,
        pin: &Pin,
        scheme: Scheme,
        data: &[u8],
    ) -> Result<Vec<u8>, CertError> {
        self.sign_among(|_| true, serial, pin, scheme, data)
    }
}

impl Pkcs11Token {
    /// [`CertificateToken::sign`] with the certificates `mine` accepts only (the others are
    /// [`CertError::CertificateMissing`]).
    pub(crate) fn sign_among(
        &self,
        mine: impl Fn(&CertificateInfo) -> bool,
        serial: &str,
        pin: &Pin,
        scheme: Scheme,
        data: &[u8],
    ) -> Result<Vec<u8>, CertError> {
        let wanted = normalize_serial(serial);
        let cert = self
            .certificates()?
            .into_iter()
            .find(|c| Some(&c.serial) == wanted.as_ref() && mine(c))
            .ok_or_else(|| CertError::CertificateMissing {
                serial: wanted.unwrap_or_else(|| serial.to_owned()),
            })?;
        let slot = self
            .slots()?
            .into_iter()
            .find(|s| s.id() == cert.slot)
            .ok_or(CertError::TokenRemoved)?;
        if scheme.is_rsa() != cert.key.is_rsa() {
            return Err(CertError::MechanismUnsupported { scheme });
        }
        // A locked PIN is reported without trying it.
        if self.token_info(slot)?.pin == PinState::Locked {
            return Err(CertError::PinLocked);
        }
        let session = self.ctx()?.open_ro_session(slot).map_err(ck_error)?;
        self.login(&session, slot, pin)?;
        let signed = self.sign_with(&session, slot, &cert, scheme, data);
        if let Err(e) = session.logout() {
            tracing::debug!(error = %e, "logout failed");
        }
        tracing::debug!(slot = cert.slot, serial = %cert.serial, %scheme, ok = signed.is_ok(), "sign");
        signed
    }
}

impl Drop for Pkcs11Token {
    fn drop(&mut self) {
        if let Some(ctx) = self.ctx.take()
            && self.finalize
            && let Err(e) = ctx.finalize()
        {
            tracing::debug!(error = %e, "C_Finalize failed");
        }
    }
}
