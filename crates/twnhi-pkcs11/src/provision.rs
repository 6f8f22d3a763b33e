//! Making tokens: initialising a token, generating a key pair on it and storing a
//! certificate next to it — for tokens the project makes itself (SoftHSM2 tokens of
//! `twnhi demo` and of tests), never for a citizen's card, whose keys and certificates the
//! certification authority puts there. And [`OneToken`], one token of a module seen alone.

use std::sync::Arc;

use cryptoki::mechanism::Mechanism;
use cryptoki::object::{Attribute, CertificateType, KeyType, ObjectClass};
use cryptoki::session::{Session, UserType};
use cryptoki::slot::Slot;
use cryptoki::types::AuthPin;

use crate::info::{CertificateInfo, TokenInfo};
use crate::pkcs11::ck_error;
use crate::{CertError, CertificateToken, Pin, Pkcs11Token, Scheme};

/// The DER of the named curve P-256 (`prime256v1`, 1.2.840.10045.3.1.7), `CKA_EC_PARAMS`.
const P256_PARAMS: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];

fn failed(reason: impl Into<String>) -> CertError {
    CertError::Token {
        reason: reason.into(),
    }
}

impl Pkcs11Token {
    /// Initialises a token labelled `label` (at most 32 bytes) in the first slot whose token
    /// is not initialised yet (SoftHSM2 always keeps one), with the security officer's PIN
    /// `so_pin` and the user PIN `user_pin`.
    ///
    /// [`CertError::Token`] when a token already has that label, when no slot is free, or
    /// when the module refuses.
    pub fn init_token(&self, label: &str, so_pin: &Pin, user_pin: &Pin) -> Result<(), CertError> {
        if label.len() > 32 {
            return Err(failed(format!("token label longer than 32 bytes: {label}")));
        }
        if self.slot_of(label).is_ok() {
            return Err(failed(format!("a token is already labelled {label}")));
        }
        let ctx = self.ctx()?;
        let free = ctx
            .get_slots_with_token()
            .map_err(ck_error)?
            .into_iter()
            .find(|s| ctx.get_token_info(*s).is_ok_and(|t| !t.token_initialized()))
            .ok_or_else(|| failed("no slot with an uninitialised token"))?;
        ctx.init_token(free, &AuthPin::new(so_pin.expose().into()), label)
            .map_err(ck_error)?;
        let session = ctx.open_rw_session(free).map_err(ck_error)?;
        session
            .login(UserType::So, Some(&AuthPin::new(so_pin.expose().into())))
            .map_err(ck_error)?;
        let pin = session.init_pin(&AuthPin::new(user_pin.expose().into()));
        let out = session.logout();
        pin.map_err(ck_error)?;
        out.map_err(ck_error)?;
        tracing::debug!(token = label, "token initialised");
        Ok(())
    }

    /// The slot of the initialised token labelled `label`; [`CertError::NoToken`] when no
    /// token has that label.
    fn slot_of(&self, label: &str) -> Result<Slot, CertError> {
        for slot in self.slots()? {
            if self.token_info(slot)?.label == label {
                return Ok(slot);
            }
        }
        Err(CertError::NoToken)
    }

    /// A read-write session on token `token`, logged in as the user with `pin`.
    fn user_session(&self, token: &str, pin: &Pin) -> Result<Session, CertError> {
        let slot = self.slot_of(token)?;
        let session = self.ctx()?.open_rw_session(slot).map_err(ck_error)?;
        session
            .login(UserType::User, Some(&AuthPin::new(pin.expose().into())))
            .map_err(ck_error)?;
        Ok(session)
    }

    /// Generates an EC P-256 key pair on token `token` (user PIN `pin`), both objects with
    /// `CKA_ID` `id` and `CKA_LABEL` `label`; the private key is sensitive and cannot be
    /// extracted, as on a card. Returns the public key, the uncompressed point
    /// (`04 ‖ X ‖ Y`, 65 bytes), for the certificate to be made for it.
    pub fn generate_p256_key(
        &self,
        token: &str,
        pin: &Pin,
        id: &[u8],
        label: &str,
    ) -> Result<Vec<u8>, CertError> {
        let session = self.user_session(token, pin)?;
        let public = [
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::KeyType(KeyType::EC),
            Attribute::EcParams(P256_PARAMS.to_vec()),
            Attribute::Verify(true),
            Attribute::Id(id.to_vec()),
            Attribute::Label(label.as_bytes().to_vec()),
        ];
        let private = [
            Attribute::Token(true),
            Attribute::Private(true),
            Attribute::Sensitive(true),
            Attribute::Extractable(false),
            Attribute::Sign(true),
            Attribute::Id(id.to_vec()),
            Attribute::Label(label.as_bytes().to_vec()),
        ];
        let made = session
            .generate_key_pair(&Mechanism::EccKeyPairGen, &public, &private)
            .map_err(ck_error)
            .and_then(|(public, _)| {
                session
                    .get_attributes(public, &[cryptoki::object::AttributeType::EcPoint])
                    .map_err(ck_error)
            });
        let out = session.logout();
        let point = made?
            .into_iter()
            .find_map(|a| match a {
                Attribute::EcPoint(p) => Some(p),
                _ => None,
            })
            .ok_or_else(|| failed("no CKA_EC_POINT on the new public key"))?;
        out.map_err(ck_error)?;
        uncompressed_point(&point)
            .ok_or_else(|| failed(format!("CKA_EC_POINT of {} bytes", point.len())))
    }

    /// Stores the X.509 certificate `der` on token `token` (user PIN `pin`) as a public
    /// certificate object with `CKA_ID` `id` (the key pair's) and `CKA_LABEL` `label`.
    /// [`CertError::CertificateMalformed`] when `der` is no certificate.
    pub fn store_certificate(
        &self,
        token: &str,
        pin: &Pin,
        id: &[u8],
        label: &str,
        der: &[u8],
    ) -> Result<(), CertError> {
        let (_, parsed) = x509_parser::parse_x509_certificate(der).map_err(|e| {
            CertError::CertificateMalformed {
                reason: e.to_string(),
            }
        })?;
        let subject = parsed.subject().as_raw().to_vec();
        let session = self.user_session(token, pin)?;
        let made = session.create_object(&[
            Attribute::Class(ObjectClass::CERTIFICATE),
            Attribute::CertificateType(CertificateType::X_509),
            Attribute::Token(true),
            Attribute::Private(false),
            Attribute::Id(id.to_vec()),
            Attribute::Label(label.as_bytes().to_vec()),
            Attribute::Subject(subject),
            Attribute::Value(der.to_vec()),
        ]);
        let out = session.logout();
        made.map_err(ck_error)?;
        out.map_err(ck_error)
    }
}

/// The uncompressed P-256 point of a `CKA_EC_POINT`: the DER OCTET STRING holding it (as
/// PKCS#11 says), or the bare point (as some modules give it).
fn uncompressed_point(value: &[u8]) -> Option<Vec<u8>> {
    match value {
        [0x04, 0x41, rest @ ..] if rest.len() == 65 && rest.first() == Some(&0x04) => {
            Some(rest.to_vec())
        }
        [0x04, ..] if value.len() == 65 => Some(value.to_vec()),
        _ => None,
    }
}

/// One token of a PKCS#11 module, picked by its label, seen as a [`CertificateToken`] of its
/// own: as if it were the only card inserted. `twnhi demo` gives each synthetic person a
/// SoftHSM2 token and puts one at a time in its certificate card slot.
///
/// The module stays shared (one [`Pkcs11Token`] per module per process).
#[derive(Debug, Clone)]
pub struct OneToken {
    module: Arc<Pkcs11Token>,
    label: String,
}

impl OneToken {
    /// The token labelled `label` of `module` (whether it is present is checked at each
    /// request: [`CertError::NoToken`] while it is not).
    #[must_use]
    pub fn new(module: Arc<Pkcs11Token>, label: impl Into<String>) -> OneToken {
        OneToken {
            module,
            label: label.into(),
        }
    }

    /// The token's label.
    #[must_use]
    pub fn label(&self) -> &str {
        &self.label
    }
}

impl CertificateToken for OneToken {
    fn kind(&self) -> &'static str {
        "pkcs11"
    }

    fn tokens(&self) -> Result<Vec<TokenInfo>, CertError> {
        Ok(self
            .module
            .tokens()?
            .into_iter()
            .filter(|t| t.label == self.label)
            .collect())
    }

    fn certificates(&self) -> Result<Vec<CertificateInfo>, CertError> {
        if self.tokens()?.is_empty() {
            return Err(CertError::NoToken);
        }
        Ok(self
            .module
            .certificates()?
            .into_iter()
            .filter(|c| c.token_label == self.label)
            .collect())
    }

    fn sign(
        &self,
        serial: &str,
        pin: &Pin,
        scheme: Scheme,
        data: &[u8],
    ) -> Result<Vec<u8>, CertError> {
        // Only a certificate of this token: another token's is "missing" here.
        self.module
            .sign_among(|c| c.token_label == self.label, serial, pin, scheme, data)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ec_points_are_read_wrapped_or_bare() {
        let mut point = vec![0x04];
        point.extend([7u8; 64]);
        let mut wrapped = vec![0x04, 0x41];
        wrapped.extend(&point);
        assert_eq!(uncompressed_point(&wrapped), Some(point.clone()));
        assert_eq!(uncompressed_point(&point), Some(point.clone()));
        assert_eq!(uncompressed_point(&point[..33]), None);
        assert_eq!(uncompressed_point(&[0x04, 0x41, 0x02]), None);
    }
}
