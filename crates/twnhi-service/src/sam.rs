//! The server side of card authentication (SPEC §3): the [`Sam`] port and the software SAM
//! that holds the master key.
//!
//! The SAM answers the card's challenge `rc` with `au = rs || AES-CMAC(K, "sam" || rc || rs)`
//! and checks the card's `cr = AES-CMAC(K, "card" || rs || rc || card_no)`, where
//! `K = AES-CMAC(K_master, "twnhi-card-key" || card_no)`. A deployment with a hardware SAM
//! implements [`Sam`] for it; the use cases do not change.

use std::path::Path;

use async_trait::async_trait;
use twnhi_account::CardNumber;
use twnhi_card::auth::{KEY_LEN, MasterKey};

use crate::keyfile::{self, KeyFileError};
use crate::ports::Randomness;

/// Why the SAM could not answer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SamError {
    /// The SAM (a device, a remote service) is not reachable.
    #[error("{}", crate::keyfile::both("service-sam-unavailable", &[("reason", reason.into())]))]
    Unavailable {
        /// Why (no key material).
        reason: String,
    },
}

/// A secure access module: computes the SAM's half of the mutual authentication.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
#[async_trait]
pub trait Sam: Send + Sync {
    /// `au` for the card `card` whose challenge was `rc`, with the SAM's random `rs`.
    ///
    /// # Errors
    /// [`SamError`].
    async fn authenticate_card(
        &self,
        card: &CardNumber,
        rc: &[u8; 8],
        rs: &[u8; 16],
    ) -> Result<[u8; 32], SamError>;

    /// Whether the card's answer `cr` is right.
    ///
    /// # Errors
    /// [`SamError`].
    async fn verify_card(
        &self,
        card: &CardNumber,
        rc: &[u8; 8],
        rs: &[u8; 16],
        cr: &[u8; 16],
    ) -> Result<bool, SamError>;
}

/// The software SAM: the master key in memory (wiped on drop), loaded from a key file.
#[derive(Debug)]
pub struct SoftwareSam {
    master: MasterKey,
}

impl SoftwareSam {
    /// A SAM with this master key.
    #[must_use]
    pub fn new(master: MasterKey) -> Self {
        SoftwareSam { master }
    }

    /// Loads the master key from `path`, creating the file (mode 0600, 16 random bytes in
    /// hex) on first start when it is missing, and refusing a file others can read.
    ///
    /// # Errors
    /// [`KeyFileError`].
    pub fn open(path: &Path, random: &dyn Randomness) -> Result<Self, KeyFileError> {
        let key = load_master_key(path, random)?;
        Ok(SoftwareSam { master: key })
    }

    /// The master key (to derive simulated cards' keys in the demo tools).
    #[must_use]
    pub fn master_key(&self) -> &MasterKey {
        &self.master
    }
}

/// Loads (or creates) a SAM master key file.
///
/// # Errors
/// [`KeyFileError`].
pub fn load_master_key(path: &Path, random: &dyn Randomness) -> Result<MasterKey, KeyFileError> {
    let bytes = keyfile::load_or_create(path, KEY_LEN, random)?;
    let mut key = [0u8; KEY_LEN];
    key.copy_from_slice(&bytes);
    let master = MasterKey::from_bytes(key);
    zeroize::Zeroize::zeroize(&mut key);
    Ok(master)
}

/// Reads an existing SAM master key file (never creates one).
///
/// # Errors
/// [`KeyFileError`].
pub fn read_master_key(path: &Path) -> Result<MasterKey, KeyFileError> {
    let bytes = keyfile::read(path, KEY_LEN)?;
    let mut key = [0u8; KEY_LEN];
    key.copy_from_slice(&bytes);
    let master = MasterKey::from_bytes(key);
    zeroize::Zeroize::zeroize(&mut key);
    Ok(master)
}

#[async_trait]
impl Sam for SoftwareSam {
    async fn authenticate_card(
        &self,
        card: &CardNumber,
        rc: &[u8; 8],
        rs: &[u8; 16],
    ) -> Result<[u8; 32], SamError> {
        Ok(self.master.derive_card_key(card.as_str()).build_au(rc, rs))
    }

    async fn verify_card(
        &self,
        card: &CardNumber,
        rc: &[u8; 8],
        rs: &[u8; 16],
        cr: &[u8; 16],
    ) -> Result<bool, SamError> {
        Ok(self
            .master
            .derive_card_key(card.as_str())
            .verify_cr(rs, rc, card.as_str(), cr))
    }
}
