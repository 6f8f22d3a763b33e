//! The card-authentication cryptography of twnhi (SPEC §3), shared by the card side (the
//! simulated card) and the server side (the software SAM).
//!
//! - card key: `K = AES-CMAC(K_master, "twnhi-card-key" || card_no)`
//! - SAM → card: `au = rs (16 random bytes) || AES-CMAC(K, "sam" || rc || rs)`
//! - card → SAM: `cr = AES-CMAC(K, "card" || rs || rc || card_no)`
//!
//! AES-128 keys; CMAC tags are 16 bytes. Keys are zeroized on drop and MAC checks are
//! constant-time.
//!
//! ```
//! use twnhi_card::auth::MasterKey;
//!
//! let master = MasterKey::from_bytes([7; 16]);
//! let card_key = master.derive_card_key("000012345678");
//! let rc = [1u8; 8];            // from the card's GET CHALLENGE
//! let rs = [2u8; 16];           // the SAM's random
//! let au = card_key.build_au(&rc, &rs);
//! // The card checks au and answers cr …
//! let rs_seen = card_key.verify_au(&rc, &au).expect("genuine SAM");
//! let cr = card_key.card_mac(&rs_seen, &rc, "000012345678");
//! // … which the SAM verifies.
//! assert!(card_key.verify_cr(&rs, &rc, "000012345678", &cr));
//! ```

use crate::commands::{AU_LEN, CHALLENGE_LEN, CR_LEN};
use aes::Aes128;
use cmac::{Cmac, KeyInit, Mac};
use zeroize::{Zeroize, ZeroizeOnDrop};

/// Length of every key here (AES-128).
pub const KEY_LEN: usize = 16;
/// Length of the SAM's random `rs`.
pub const RS_LEN: usize = 16;

/// The SAM's master key, from which every card key is derived.
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct MasterKey([u8; KEY_LEN]);

/// One card's key.
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct CardKey([u8; KEY_LEN]);

impl core::fmt::Debug for MasterKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("MasterKey(**)")
    }
}

impl core::fmt::Debug for CardKey {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str("CardKey(**)")
    }
}

fn cmac(key: &[u8; KEY_LEN], parts: &[&[u8]]) -> [u8; 16] {
    let mut mac = <Cmac<Aes128> as KeyInit>::new(&(*key).into());
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

fn cmac_verify(key: &[u8; KEY_LEN], parts: &[&[u8]], tag: &[u8]) -> bool {
    let mut mac = <Cmac<Aes128> as KeyInit>::new(&(*key).into());
    for p in parts {
        mac.update(p);
    }
    mac.verify_slice(tag).is_ok()
}

impl MasterKey {
    /// A master key from its 16 bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        MasterKey(bytes)
    }

    /// The key bytes (for writing the key file).
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// `K = AES-CMAC(K_master, "twnhi-card-key" || card_no)`.
    pub fn derive_card_key(&self, card_no: &str) -> CardKey {
        CardKey(cmac(&self.0, &[b"twnhi-card-key", card_no.as_bytes()]))
    }
}

impl CardKey {
    /// A card key from its 16 bytes.
    pub fn from_bytes(bytes: [u8; KEY_LEN]) -> Self {
        CardKey(bytes)
    }

    /// The key bytes (for writing a simulated card's identity file).
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// `AES-CMAC(K, "sam" || rc || rs)`: the SAM's proof.
    pub fn sam_mac(&self, rc: &[u8; CHALLENGE_LEN], rs: &[u8; RS_LEN]) -> [u8; 16] {
        cmac(&self.0, &[b"sam", rc, rs])
    }

    /// `au = rs || AES-CMAC(K, "sam" || rc || rs)`, 32 bytes.
    pub fn build_au(&self, rc: &[u8; CHALLENGE_LEN], rs: &[u8; RS_LEN]) -> [u8; AU_LEN] {
        let mut au = [0u8; AU_LEN];
        let (head, tail) = au.split_at_mut(RS_LEN);
        head.copy_from_slice(rs);
        tail.copy_from_slice(&self.sam_mac(rc, rs));
        au
    }

    /// Card side: checks `au` against the challenge `rc` the card issued, in constant time.
    /// Returns the SAM's `rs` when the MAC is right.
    pub fn verify_au(&self, rc: &[u8; CHALLENGE_LEN], au: &[u8; AU_LEN]) -> Option<[u8; RS_LEN]> {
        let (rs, tag) = au.split_at(RS_LEN);
        let rs: [u8; RS_LEN] = rs.try_into().ok()?;
        cmac_verify(&self.0, &[b"sam", rc, &rs], tag).then_some(rs)
    }

    /// `cr = AES-CMAC(K, "card" || rs || rc || card_no)`: the card's proof.
    pub fn card_mac(
        &self,
        rs: &[u8; RS_LEN],
        rc: &[u8; CHALLENGE_LEN],
        card_no: &str,
    ) -> [u8; CR_LEN] {
        cmac(&self.0, &[b"card", rs, rc, card_no.as_bytes()])
    }

    /// SAM side: checks the card's `cr`, in constant time.
    pub fn verify_cr(
        &self,
        rs: &[u8; RS_LEN],
        rc: &[u8; CHALLENGE_LEN],
        card_no: &str,
        cr: &[u8; CR_LEN],
    ) -> bool {
        cmac_verify(&self.0, &[b"card", rs, rc, card_no.as_bytes()], cr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unhex<const N: usize>(s: &str) -> [u8; N] {
        hex::decode(s).unwrap().try_into().unwrap()
    }

    #[test]
    fn aes_cmac_matches_rfc4493() {
        // RFC 4493 test vectors (example 2 and 1).
        let k: [u8; 16] = unhex("2b7e151628aed2a6abf7158809cf4f3c");
        let m = hex::decode("6bc1bee22e409f96e93d7e117393172a").unwrap();
        assert_eq!(
            hex::encode(cmac(&k, &[&m])),
            "070a16b46b4d4144f79bdd9dd04a287c"
        );
        assert_eq!(
            hex::encode(cmac(&k, &[])),
            "bb1d6929e95937287fa37d129b756746"
        );
        // Split input gives the same MAC as joined input.
        assert_eq!(cmac(&k, &[&m[..5], &m[5..]]), cmac(&k, &[&m]));
    }

    #[test]
    fn round_trip_and_tampering() {
        let master = MasterKey::from_bytes([9; 16]);
        let k = master.derive_card_key("000012345678");
        assert_ne!(k, master.derive_card_key("000012345679"));
        let rc = [3u8; 8];
        let rs = [4u8; 16];
        let au = k.build_au(&rc, &rs);
        assert_eq!(k.verify_au(&rc, &au), Some(rs));
        // Another challenge, a flipped bit or another card's key all fail.
        assert_eq!(k.verify_au(&[5u8; 8], &au), None);
        let mut bad = au;
        bad[31] ^= 1;
        assert_eq!(k.verify_au(&rc, &bad), None);
        assert_eq!(
            master.derive_card_key("000012345679").verify_au(&rc, &au),
            None
        );
        let cr = k.card_mac(&rs, &rc, "000012345678");
        assert!(k.verify_cr(&rs, &rc, "000012345678", &cr));
        assert!(!k.verify_cr(&rs, &rc, "000012345679", &cr));
        assert!(!k.verify_cr(&[0; 16], &rc, "000012345678", &cr));
    }

    #[test]
    fn debug_hides_keys() {
        assert_eq!(format!("{:?}", CardKey::from_bytes([1; 16])), "CardKey(**)");
    }
}
