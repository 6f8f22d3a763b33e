//! The server's keys, all derived from one [`ServerKey`] (≥ 32 bytes, from a key file):
//! one-time secrets are HMACs under it; outbox letters are sealed (ChaCha20-Poly1305) under
//! `HMAC(key, "twnhi-outbox-seal-v1")`; device TOTP secrets are
//! `HMAC(HMAC(key, "twnhi-device-totp-v1"), registration 0 device 0 seed)`, so the database
//! holds no usable TOTP secret and no readable letter.

use core::fmt;

use hmac::{Hmac, KeyInit, Mac};
use ring::aead::{Aad, CHACHA20_POLY1305, LessSafeKey, NONCE_LEN, Nonce, UnboundKey};
use sha2::{Digest as _, Sha256};
use twnhi_account::secret::ServerKey;
use twnhi_account::totp::{SECRET_LEN, TotpSecret};
use zeroize::Zeroizing;

use crate::error::ServiceError;
use crate::ports::{Randomness, random_array};

type HmacSha256 = Hmac<Sha256>;

fn hmac(key: &[u8], parts: &[&[u8]]) -> Zeroizing<[u8; 32]> {
    let mut out = Zeroizing::new([0u8; 32]);
    if let Ok(mut mac) = HmacSha256::new_from_slice(key) {
        for p in parts {
            mac.update(p);
        }
        out.copy_from_slice(&mac.finalize().into_bytes());
    }
    out
}

/// The keys of one service instance.
pub struct ServiceKeys {
    secrets: ServerKey,
    seal: LessSafeKey,
    totp_root: Zeroizing<[u8; 32]>,
    pseudonyms: Zeroizing<[u8; 32]>,
}

impl fmt::Debug for ServiceKeys {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServiceKeys(***)")
    }
}

impl ServiceKeys {
    /// Derives every key from the server key.
    ///
    /// # Errors
    /// [`ServiceError::Internal`] if the AEAD refuses the derived key (it does not).
    pub fn new(server: ServerKey) -> Result<Self, ServiceError> {
        let seal_bytes = hmac(server.expose(), &[b"twnhi-outbox-seal-v1"]);
        let seal = UnboundKey::new(&CHACHA20_POLY1305, &seal_bytes[..])
            .map_err(|_| ServiceError::Internal { what: "seal key" })?;
        let totp_root = hmac(server.expose(), &[b"twnhi-device-totp-v1"]);
        let pseudonyms = hmac(server.expose(), &[b"twnhi-pseudonym-v1"]);
        Ok(ServiceKeys {
            secrets: server,
            seal: LessSafeKey::new(seal),
            totp_root,
            pseudonyms,
        })
    }

    /// A stable pseudonym of a personal value (an ID or card number, an e-mail address) for
    /// throttling keys and letter caps: 32 hex digits of `HMAC(key, domain 0 value)`. Unlike
    /// a plain hash, it cannot be reversed by trying the 10⁹ possible ID numbers without the
    /// server key; every replica of a deployment derives the same one.
    pub(crate) fn pseudonym(&self, domain: &str, value: &str) -> String {
        let full = hmac(
            &self.pseudonyms[..],
            &[domain.as_bytes(), b"\0", value.as_bytes()],
        );
        hex::encode(&full[..16])
    }

    /// The key of one-time secrets.
    #[must_use]
    pub fn secrets(&self) -> &ServerKey {
        &self.secrets
    }

    /// Seals `plaintext` for outbox row `id`: `nonce (12) || ciphertext || tag (16)`.
    pub(crate) fn seal(
        &self,
        id: &str,
        plaintext: &[u8],
        random: &dyn Randomness,
    ) -> Result<Vec<u8>, ServiceError> {
        let nonce: [u8; NONCE_LEN] = random_array(random);
        let mut in_out = plaintext.to_vec();
        self.seal
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(id.as_bytes()),
                &mut in_out,
            )
            .map_err(|_| ServiceError::Internal {
                what: "sealing a letter",
            })?;
        let mut out = Vec::with_capacity(NONCE_LEN + in_out.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&in_out);
        zeroize::Zeroize::zeroize(&mut in_out);
        Ok(out)
    }

    /// Opens what [`ServiceKeys::seal`] sealed for row `id`.
    pub(crate) fn open(&self, id: &str, sealed: &[u8]) -> Result<Zeroizing<Vec<u8>>, ServiceError> {
        let bad = ServiceError::Internal {
            what: "opening a sealed letter",
        };
        if sealed.len() < NONCE_LEN {
            return Err(bad);
        }
        let (nonce, body) = sealed.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| ServiceError::Internal {
            what: "opening a sealed letter",
        })?;
        let mut in_out = Zeroizing::new(body.to_vec());
        let len = self
            .seal
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(id.as_bytes()),
                &mut in_out,
            )
            .map_err(|_| bad)?
            .len();
        in_out.truncate(len);
        Ok(in_out)
    }

    /// The TOTP secret of a device bound by a registration with `seed`.
    pub(crate) fn totp_secret(
        &self,
        registration: &str,
        device: &str,
        seed: &str,
    ) -> Result<TotpSecret, ServiceError> {
        let full = hmac(
            &self.totp_root[..],
            &[
                registration.as_bytes(),
                b"\0",
                device.as_bytes(),
                b"\0",
                seed.as_bytes(),
            ],
        );
        let bytes = full.get(..SECRET_LEN).unwrap_or(&full[..]).to_vec();
        TotpSecret::from_bytes(bytes).map_err(|_| ServiceError::Internal {
            what: "totp secret",
        })
    }
}

/// The SHA-256 of a session or app token, lower-case hex: how sessions are stored and found.
#[must_use]
pub fn token_digest(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ports::SeededRandom;

    #[test]
    fn seal_round_trip_bound_to_row() {
        let keys = ServiceKeys::new(ServerKey::new(vec![3; 32]).unwrap()).unwrap();
        let r = SeededRandom::new(1);
        let sealed = keys.seal("row-1", b"hello letter", &r).unwrap();
        assert!(!sealed.windows(5).any(|w| w == b"hello"));
        assert_eq!(&keys.open("row-1", &sealed).unwrap()[..], b"hello letter");
        assert!(keys.open("row-2", &sealed).is_err(), "bound to its row");
        let other = ServiceKeys::new(ServerKey::new(vec![4; 32]).unwrap()).unwrap();
        assert!(other.open("row-1", &sealed).is_err());
        assert!(keys.open("row-1", &sealed[..5]).is_err());
    }

    #[test]
    fn totp_secrets_differ_per_device_and_seed() {
        let keys = ServiceKeys::new(ServerKey::new(vec![3; 32]).unwrap()).unwrap();
        let t = |r, d, s| keys.totp_secret(r, d, s).unwrap();
        let a = t("r", "d1", "s");
        assert_eq!(a, t("r", "d1", "s"));
        assert_ne!(a, t("r", "d2", "s"));
        assert_ne!(a, t("r", "d1", "t"));
        assert_eq!(a.expose().len(), SECRET_LEN);
    }
}
