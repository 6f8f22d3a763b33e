//! Device credentials: a TOTP (RFC 6238) secret created when a device is bound, with which
//! the app proves it is that device. Built on `totp-rs`.
//!
//! Codes are checked with ±1 step of clock skew (configurable), and a step once accepted is
//! never accepted again: [`TotpPolicy::verify`] takes the last accepted step (stored by the
//! caller with the device record) and returns the new one.
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use rand::{SeedableRng, rngs::StdRng};
//! use twnhi_account::totp::{TotpError, TotpPolicy, TotpSecret};
//!
//! let mut rng = StdRng::seed_from_u64(5);
//! let secret = TotpSecret::generate(&mut rng); // at binding; give secret.to_base32() to the app
//! let policy = TotpPolicy::default();
//! let now = Utc.with_ymd_and_hms(2024, 3, 1, 2, 0, 0).unwrap();
//!
//! let code = policy.code_at(&secret, now)?; // what the app computes
//! let step = policy.verify(&secret, &code, now, None)?;
//! // the same code again: refused
//! assert_eq!(policy.verify(&secret, &code, now, Some(step)), Err(TotpError::Replayed));
//! // the next step's code is fine
//! let next = now + TimeDelta::seconds(30);
//! let code = policy.code_at(&secret, next)?;
//! assert_eq!(policy.verify(&secret, &code, next, Some(step))?, step + 1);
//! # Ok::<(), TotpError>(())
//! ```

use core::fmt;

use chrono::{DateTime, Utc};
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use totp_rs::{Algorithm, Builder, Secret, Totp};
use zeroize::{Zeroize, ZeroizeOnDrop};

use crate::messages::{Localized, Msg, bilingual_display};

/// Length of generated secrets in bytes (160 bits, RFC 4226's recommendation).
pub const SECRET_LEN: usize = 20;
/// Shortest secret accepted in bytes (128 bits, RFC 4226's minimum).
pub const MIN_SECRET_LEN: usize = 16;

/// Why a TOTP operation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum TotpError {
    /// The policy is out of range (digits 6–8, step 1–300 s, skew 0–2).
    Policy,
    /// The secret is shorter than 128 bits or not valid base32.
    Secret,
    /// The instant is before 1970.
    Time,
    /// The code is not the right number of digits, or matches no step in the window.
    Incorrect,
    /// The code matches only a step that was already accepted.
    Replayed,
}

impl Localized for TotpError {
    fn msg(&self) -> Msg {
        match self {
            TotpError::Policy | TotpError::Secret | TotpError::Time => Msg::SystemError,
            TotpError::Incorrect => Msg::TotpIncorrect,
            TotpError::Replayed => Msg::TotpReplayed,
        }
    }
}
bilingual_display!(TotpError);

/// A device's TOTP secret (wiped on drop, never printed).
#[derive(Clone, PartialEq, Eq, Zeroize, ZeroizeOnDrop)]
pub struct TotpSecret(Vec<u8>);

impl TotpSecret {
    /// A fresh 160-bit secret.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = vec![0u8; SECRET_LEN];
        rng.fill_bytes(&mut bytes);
        TotpSecret(bytes)
    }

    /// Wraps stored secret bytes.
    ///
    /// # Errors
    /// [`TotpError::Secret`] if shorter than 128 bits.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, TotpError> {
        if bytes.len() < MIN_SECRET_LEN {
            let mut bytes = bytes;
            bytes.zeroize();
            return Err(TotpError::Secret);
        }
        Ok(TotpSecret(bytes))
    }

    /// Reads an unpadded RFC 4648 base32 secret (as authenticator apps exchange them).
    ///
    /// # Errors
    /// [`TotpError::Secret`].
    pub fn from_base32(text: &str) -> Result<Self, TotpError> {
        let secret = Secret::try_from_base32(text.trim()).map_err(|_| TotpError::Secret)?;
        Self::from_bytes(secret.as_bytes().to_vec())
    }

    /// The secret in unpadded base32, to hand to the app once at binding.
    #[must_use]
    pub fn to_base32(&self) -> String {
        Secret::from(self.0.as_slice()).to_base32()
    }

    /// The raw bytes, to store.
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }
}

impl fmt::Debug for TotpSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TotpSecret(***)")
    }
}

/// TOTP parameters: HMAC-SHA1 (what every authenticator implements), `digits` digits, a
/// step of `step_secs` seconds, `skew` steps either side accepted. Default 6 digits, 30 s,
/// ±1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TotpPolicy {
    /// Digits per code, 6–8.
    pub digits: u8,
    /// Seconds per step, 1–300.
    pub step_secs: u64,
    /// Steps of tolerance either side of now, 0–2.
    pub skew: u8,
}

impl Default for TotpPolicy {
    fn default() -> Self {
        TotpPolicy {
            digits: 6,
            step_secs: 30,
            skew: 1,
        }
    }
}

impl TotpPolicy {
    fn validate(&self) -> Result<(), TotpError> {
        if (6..=8).contains(&self.digits) && (1..=300).contains(&self.step_secs) && self.skew <= 2 {
            Ok(())
        } else {
            Err(TotpError::Policy)
        }
    }

    fn totp(&self, secret: &TotpSecret) -> Result<Totp, TotpError> {
        self.validate()?;
        Builder::new()
            .with_algorithm(Algorithm::SHA1)
            .with_digits(self.digits)
            .with_skew(0)
            .with_step_duration(self.step_secs)
            .with_secret(secret.0.clone())
            .build()
            .map_err(|_| TotpError::Secret)
    }

    /// The step number of an instant.
    ///
    /// # Errors
    /// [`TotpError::Time`] before 1970, [`TotpError::Policy`] for a bad policy.
    pub fn step_of(&self, t: DateTime<Utc>) -> Result<u64, TotpError> {
        self.validate()?;
        let secs = u64::try_from(t.timestamp()).map_err(|_| TotpError::Time)?;
        Ok(secs / self.step_secs)
    }

    /// The code for an instant (what the app shows or sends).
    ///
    /// # Errors
    /// [`TotpError::Time`], [`TotpError::Policy`] or [`TotpError::Secret`].
    pub fn code_at(&self, secret: &TotpSecret, t: DateTime<Utc>) -> Result<String, TotpError> {
        let step = self.step_of(t)?;
        let totp = self.totp(secret)?;
        Ok(totp
            .generate(step.saturating_mul(self.step_secs))
            .to_string())
    }

    /// Verifies a code at `now`, accepting the steps `now ± skew` that are later than
    /// `last_accepted_step`. Returns the accepted step: store it as the device's new last
    /// accepted step. Every step of the window is computed (no early exit) and tokens are
    /// compared in constant time.
    ///
    /// # Errors
    /// [`TotpError::Incorrect`], [`TotpError::Replayed`] (the code is right but its step was
    /// used), or a setup error.
    pub fn verify(
        &self,
        secret: &TotpSecret,
        code: &str,
        now: DateTime<Utc>,
        last_accepted_step: Option<u64>,
    ) -> Result<u64, TotpError> {
        let origin = self.step_of(now)?;
        let totp = self.totp(secret)?;
        let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
        if code.len() != usize::from(self.digits) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TotpError::Incorrect);
        }
        let skew = u64::from(self.skew);
        let mut accepted = None;
        let mut replayed = false;
        for step in origin.saturating_sub(skew)..=origin.saturating_add(skew) {
            let matches = totp
                .check(&code, step.saturating_mul(self.step_secs))
                .is_some();
            let fresh = last_accepted_step.is_none_or(|last| step > last);
            match (matches, fresh) {
                (true, true) if accepted.is_none() => accepted = Some(step),
                (true, false) => replayed = true,
                _ => {}
            }
        }
        match accepted {
            Some(step) => Ok(step),
            None if replayed => Err(TotpError::Replayed),
            None => Err(TotpError::Incorrect),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{TimeDelta, TimeZone};
    use proptest::prelude::*;
    use rand::{SeedableRng, rngs::StdRng};

    fn rfc_secret() -> TotpSecret {
        TotpSecret::from_bytes(b"12345678901234567890".to_vec()).unwrap()
    }

    #[test]
    fn rfc6238_sha1_vectors() {
        let p = TotpPolicy {
            digits: 8,
            step_secs: 30,
            skew: 1,
        };
        let cases = [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ];
        for (ts, code) in cases {
            let t = DateTime::<Utc>::from_timestamp(ts, 0).unwrap();
            assert_eq!(p.code_at(&rfc_secret(), t).unwrap(), code, "{ts}");
            assert!(p.verify(&rfc_secret(), code, t, None).is_ok());
        }
    }

    #[test]
    fn skew_window() {
        let p = TotpPolicy::default();
        let s = rfc_secret();
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 15).unwrap();
        let step = p.step_of(now).unwrap();
        for (offset, ok) in [
            (-60, false),
            (-30, true),
            (0, true),
            (30, true),
            (60, false),
        ] {
            let code = p.code_at(&s, now + TimeDelta::seconds(offset)).unwrap();
            let r = p.verify(&s, &code, now, None);
            assert_eq!(r.is_ok(), ok, "{offset}: {r:?}");
            if ok {
                assert_eq!(r.unwrap(), step.checked_add_signed(offset / 30).unwrap());
            }
        }
    }

    #[test]
    fn never_twice() {
        let p = TotpPolicy::default();
        let s = rfc_secret();
        let now = Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 15).unwrap();
        let code = p.code_at(&s, now).unwrap();
        let step = p.verify(&s, &code, now, None).unwrap();
        assert_eq!(
            p.verify(&s, &code, now, Some(step)),
            Err(TotpError::Replayed)
        );
        // a code from the previous step is refused once a later step was accepted
        let old = p.code_at(&s, now - TimeDelta::seconds(30)).unwrap();
        assert_eq!(
            p.verify(&s, &old, now, Some(step)),
            Err(TotpError::Replayed)
        );
        assert_eq!(p.verify(&s, "12345", now, None), Err(TotpError::Incorrect));
        assert_eq!(p.verify(&s, "abcdef", now, None), Err(TotpError::Incorrect));
    }

    #[test]
    fn secrets() {
        let mut rng = StdRng::seed_from_u64(3);
        let s = TotpSecret::generate(&mut rng);
        assert_eq!(s.expose().len(), SECRET_LEN);
        let b32 = s.to_base32();
        assert_eq!(TotpSecret::from_base32(&b32).unwrap(), s);
        assert_eq!(format!("{s:?}"), "TotpSecret(***)");
        assert_eq!(TotpSecret::from_bytes(vec![0; 15]), Err(TotpError::Secret));
        assert_eq!(TotpSecret::from_base32("!!"), Err(TotpError::Secret));
        let bad = TotpPolicy {
            digits: 10,
            ..TotpPolicy::default()
        };
        assert_eq!(
            bad.code_at(&s, DateTime::<Utc>::UNIX_EPOCH),
            Err(TotpError::Policy)
        );
        let before_1970 = Utc.with_ymd_and_hms(1960, 1, 1, 0, 0, 0).unwrap();
        assert_eq!(
            TotpPolicy::default().code_at(&s, before_1970),
            Err(TotpError::Time)
        );
    }

    proptest! {
        #[test]
        fn verify_never_panics(code in "\\PC{0,12}", ts in any::<i64>(), last in proptest::option::of(any::<u64>()), digits in 0u8..12, step in 0u64..400, skew in 0u8..4) {
            let p = TotpPolicy { digits, step_secs: step, skew };
            if let Some(t) = DateTime::<Utc>::from_timestamp(ts / 1000, 0) {
                let _ = p.verify(&rfc_secret(), &code, t, last);
                let _ = p.code_at(&rfc_secret(), t);
            }
        }

        #[test]
        fn secret_parsing_never_panics(s in "\\PC{0,64}", bytes in prop::collection::vec(any::<u8>(), 0..40)) {
            let _ = TotpSecret::from_base32(&s);
            if let Ok(secret) = TotpSecret::from_bytes(bytes.clone()) {
                let again = TotpSecret::from_base32(&secret.to_base32()).unwrap();
                prop_assert_eq!(again.expose(), &bytes[..]);
            }
        }

        #[test]
        fn own_code_is_accepted_once(ts in 0i64..4_000_000_000, seed in any::<u64>()) {
            let mut rng = StdRng::seed_from_u64(seed);
            let s = TotpSecret::generate(&mut rng);
            let p = TotpPolicy::default();
            let t = DateTime::<Utc>::from_timestamp(ts, 0).unwrap();
            let code = p.code_at(&s, t).unwrap();
            let step = p.verify(&s, &code, t, None).unwrap();
            prop_assert!(step <= p.step_of(t).unwrap());
            // again with the step stored: refused, unless the same code also belongs to a
            // later step of the window (a one-in-a-million collision), which is then fresh
            match p.verify(&s, &code, t, Some(step)) {
                Err(e) => prop_assert_eq!(e, TotpError::Replayed),
                Ok(later) => prop_assert!(later > step),
            }
        }
    }
}
