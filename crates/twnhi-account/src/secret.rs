//! One-time secrets (SPEC §5): codes and link tokens sent to people, stored only as
//! HMAC-SHA256 digests under a server key, checked in constant time, single use, with an
//! expiry and a number of tries.
//!
//! | kind | shape | lifetime | tries |
//! |---|---|---|---|
//! | [`SecretKind::DeviceCode`] | 8 of `A–Z a–z 0–9`, case-sensitive (`3w21G7yR`) | 10 min | 5 |
//! | [`SecretKind::EmailConfirmLink`] | 32 URL-safe characters (192 bits) | 24 h | 5 |
//! | [`SecretKind::PasswordResetLink`] | 32 URL-safe characters | 1 h | 5 |
//! | [`SecretKind::CancellationLink`] | 32 URL-safe characters | 24 h | 5 |
//! | [`SecretKind::CancellationCode`] | 8 of `A–Z a–z 0–9`, case-sensitive | 24 h | 5 |
//! | [`SecretKind::Captcha`] | 5 digits | 10 min | 1 |
//! | [`SecretKind::CardAuthNonce`] | 32 URL-safe characters | 2 min | 1 |
//! | [`SecretKind::CancellationStopLink`] | 32 URL-safe characters | 96 h | 5 |
//! | [`SecretKind::EmailChangeLink`] | 32 URL-safe characters | 24 h | 5 |
//! | [`SecretKind::CertChallenge`] | 32 URL-safe characters | 2 min | 1 |
//!
//! Lifetimes and tries are the defaults of [`SecretPolicies`]; all are configurable. The
//! store keeps the [`SecretRecord`], looks it up by its [`SecretRecord::digest_hex`] (links,
//! nonces) or by subject and kind (codes), saves it back after every
//! [`SecretRecord::check`] (the tries left and the used flag change), and deletes it when it
//! is used, void or expired. A new secret of the same kind and subject replaces the old one
//! (SPEC §4.3: "a new code replaces the previous unused one").
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use rand::{SeedableRng, rngs::StdRng};
//! use twnhi_account::secret::{SecretError, SecretKind, SecretPolicies, ServerKey};
//!
//! let key = ServerKey::new(vec![7u8; 32])?;
//! let mut rng = StdRng::seed_from_u64(1);
//! let now = Utc.with_ymd_and_hms(2020, 10, 27, 8, 36, 50).unwrap();
//!
//! let issued = SecretPolicies::default().issue(&key, SecretKind::DeviceCode, "reg-42", now, &mut rng);
//! let (code, mut record) = issued.into_parts(); // show `code` once, store `record`
//! assert_eq!(code.len(), 8);
//!
//! assert_eq!(
//!     record.check(&key, "wrong123", "reg-42", now),
//!     Err(SecretError::Mismatch { attempts_left: 4 })
//! );
//! assert_eq!(record.check(&key, &code, "reg-42", now), Ok(()));
//! assert_eq!(record.check(&key, &code, "reg-42", now), Err(SecretError::Used));
//!
//! let later = now + TimeDelta::minutes(11);
//! let (_, mut fresh) = SecretPolicies::default()
//!     .issue(&key, SecretKind::DeviceCode, "reg-42", now, &mut rng)
//!     .into_parts();
//! assert_eq!(fresh.check(&key, "whatever", "reg-42", later), Err(SecretError::Expired));
//! # Ok::<(), twnhi_account::secret::SecretError>(())
//! ```

use core::fmt;

use chrono::{DateTime, TimeDelta, Utc};
use hmac::{Hmac, KeyInit, Mac};
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use subtle::ConstantTimeEq;
use zeroize::{Zeroize, ZeroizeOnDrop, Zeroizing};

use crate::messages::{Localized, Msg, bilingual_display};
use crate::normalize::halfwidth;

type HmacSha256 = Hmac<Sha256>;

/// Letters and digits of device and cancellation codes (the manual's examples use all 62).
const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/// The URL-safe base64 alphabet (RFC 4648 §5), 64 characters: 6 bits each, no bias.
const URL_SAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const DIGITS: &[u8] = b"0123456789";

/// Length of link tokens and nonces: 32 × 6 = 192 bits.
pub const TOKEN_LEN: usize = 32;
/// Shortest server key accepted, in bytes.
pub const MIN_KEY_LEN: usize = 32;

/// Why a secret was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum SecretError {
    /// The server key is shorter than [`MIN_KEY_LEN`] bytes.
    KeyTooShort,
    /// A lifetime or number of tries in a policy is not positive.
    Policy,
    /// The secret does not match; `attempts_left` more tries remain (0: now void).
    Mismatch {
        /// Tries left after this one.
        attempts_left: u32,
    },
    /// The secret was asked for by another subject (registration, session).
    WrongSubject,
    /// The secret has expired.
    Expired,
    /// All tries were used; the secret is void.
    Exhausted,
    /// The secret was used already.
    Used,
}

impl SecretError {
    /// The message for a secret of `kind` (expiry of a device code and of a card nonce, and
    /// anything wrong with a link, have their own texts).
    #[must_use]
    pub fn msg_for(&self, kind: SecretKind) -> Msg {
        match (self, kind) {
            (SecretError::KeyTooShort | SecretError::Policy, _) => Msg::ConfigInvalid,
            (
                _,
                SecretKind::EmailConfirmLink
                | SecretKind::PasswordResetLink
                | SecretKind::CancellationLink
                | SecretKind::CancellationStopLink
                | SecretKind::EmailChangeLink,
            ) => Msg::LinkInvalid,
            (SecretError::Expired, SecretKind::DeviceCode) => Msg::DeviceCodeExpired,
            (_, SecretKind::CardAuthNonce) => Msg::CardAuthExpired,
            (_, SecretKind::CertChallenge) => Msg::CertChallengeExpired,
            (SecretError::Mismatch { .. } | SecretError::WrongSubject, SecretKind::Captcha) => {
                Msg::CaptchaIncorrect
            }
            // The last try spent: the code is void now, so 「請重新輸入」 would send the
            // person to type it a sixth time for nothing (issue 11, item 5).
            (SecretError::Mismatch { attempts_left: 0 }, _) => Msg::CodeExhausted,
            (SecretError::Mismatch { .. } | SecretError::WrongSubject, _) => Msg::CodeIncorrect,
            (SecretError::Expired, _) => Msg::CodeExpired,
            (SecretError::Exhausted, _) => Msg::CodeExhausted,
            (SecretError::Used, _) => Msg::CodeUsed,
        }
    }
}

impl Localized for SecretError {
    fn msg(&self) -> Msg {
        self.msg_for(SecretKind::CancellationCode)
    }
}
bilingual_display!(SecretError);

/// What a one-time secret is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SecretKind {
    /// The 8-character device verification code (4.3), shown as text and QR code.
    DeviceCode,
    /// The token of the e-mail confirmation link (4.1, 4.8).
    EmailConfirmLink,
    /// The token of the password reset link (4.9).
    PasswordResetLink,
    /// The token of the cancellation letter's link (4.7 step 3).
    CancellationLink,
    /// The 8-character, case-sensitive e-mail code of the cancellation letter (4.7).
    CancellationCode,
    /// The answer of the 5-digit image captcha (4.7).
    Captcha,
    /// The single-use nonce of a card authentication (SPEC §3 step 1).
    CardAuthNonce,
    /// The link that stops a cancellation requested to a new e-mail address, sent to the
    /// registered address (*design*, SPEC §5 fairness): valid through the waiting period.
    CancellationStopLink,
    /// The single-use challenge a citizen certificate signs at its login (manual §六), bound
    /// to the browser session.
    CertChallenge,
    /// The link of the letter sent to a new main e-mail address (基本資料異動): the address
    /// takes effect only when the link is answered (*design*, issue 11 item 8).
    EmailChangeLink,
}

impl SecretKind {
    /// Every kind.
    pub const ALL: [SecretKind; 10] = [
        SecretKind::DeviceCode,
        SecretKind::EmailConfirmLink,
        SecretKind::PasswordResetLink,
        SecretKind::CancellationLink,
        SecretKind::CancellationCode,
        SecretKind::Captcha,
        SecretKind::CardAuthNonce,
        SecretKind::CancellationStopLink,
        SecretKind::CertChallenge,
        SecretKind::EmailChangeLink,
    ];

    /// Stable name, e.g. `device-code`; also the HMAC domain separator.
    #[must_use]
    pub const fn as_str(self) -> &'static str {
        match self {
            SecretKind::DeviceCode => "device-code",
            SecretKind::EmailConfirmLink => "email-confirm-link",
            SecretKind::PasswordResetLink => "password-reset-link",
            SecretKind::CancellationLink => "cancellation-link",
            SecretKind::CancellationCode => "cancellation-code",
            SecretKind::Captcha => "captcha",
            SecretKind::CardAuthNonce => "card-auth-nonce",
            SecretKind::CancellationStopLink => "cancellation-stop-link",
            SecretKind::CertChallenge => "cert-challenge",
            SecretKind::EmailChangeLink => "email-change-link",
        }
    }

    /// Alphabet and length of the plaintext.
    const fn shape(self) -> (&'static [u8], usize) {
        match self {
            SecretKind::DeviceCode | SecretKind::CancellationCode => (ALNUM, 8),
            SecretKind::Captcha => (DIGITS, 5),
            SecretKind::EmailConfirmLink
            | SecretKind::PasswordResetLink
            | SecretKind::CancellationLink
            | SecretKind::CancellationStopLink
            | SecretKind::EmailChangeLink
            | SecretKind::CardAuthNonce
            | SecretKind::CertChallenge => (URL_SAFE, TOKEN_LEN),
        }
    }

    /// Length of the plaintext in characters.
    #[must_use]
    pub const fn plaintext_len(self) -> usize {
        self.shape().1
    }

    /// Entropy of a fresh secret in bits (rounded down).
    ///
    /// ```
    /// use twnhi_account::secret::SecretKind;
    /// assert_eq!(SecretKind::DeviceCode.entropy_bits(), 47);
    /// assert!(SecretKind::EmailConfirmLink.entropy_bits() >= 128);
    /// ```
    #[must_use]
    pub fn entropy_bits(self) -> u32 {
        let (alphabet, len) = self.shape();
        let per_char = (alphabet.len() as f64).log2();
        // lengths and alphabets are small constants: the product is below 200
        (per_char * len as f64).floor() as u32
    }

    /// Normalises what a person typed: surrounding whitespace dropped, full-width characters
    /// folded; case is kept (codes are case-sensitive).
    fn normalize(self, candidate: &str) -> Zeroizing<String> {
        let s: String = candidate.chars().map(halfwidth).collect();
        Zeroizing::new(s.trim().to_owned())
    }
}

impl fmt::Display for SecretKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The server's HMAC key for one-time secrets (at least 32 bytes; wiped on drop; never
/// printed).
#[derive(Clone, Zeroize, ZeroizeOnDrop)]
pub struct ServerKey(Vec<u8>);

impl ServerKey {
    /// Wraps key material (from configuration or a key file).
    ///
    /// # Errors
    /// [`SecretError::KeyTooShort`].
    pub fn new(bytes: Vec<u8>) -> Result<Self, SecretError> {
        if bytes.len() < MIN_KEY_LEN {
            let mut bytes = bytes;
            bytes.zeroize();
            return Err(SecretError::KeyTooShort);
        }
        Ok(ServerKey(bytes))
    }

    /// Generates a fresh 32-byte key.
    pub fn generate<R: CryptoRng + ?Sized>(rng: &mut R) -> Self {
        let mut bytes = vec![0u8; MIN_KEY_LEN];
        rng.fill_bytes(&mut bytes);
        ServerKey(bytes)
    }

    /// The key bytes (to save a generated key).
    #[must_use]
    pub fn expose(&self) -> &[u8] {
        &self.0
    }

    /// HMAC-SHA256(key, "twnhi-secret-v1" 0 kind 0 plaintext).
    fn digest(&self, kind: SecretKind, plaintext: &str) -> [u8; 32] {
        let mut mac = match HmacSha256::new_from_slice(&self.0) {
            Ok(m) => m,
            // HMAC accepts keys of any length; unreachable, but never panic
            Err(_) => return [0u8; 32],
        };
        mac.update(b"twnhi-secret-v1\0");
        mac.update(kind.as_str().as_bytes());
        mac.update(b"\0");
        mac.update(plaintext.as_bytes());
        mac.finalize().into_bytes().into()
    }

    /// The lookup digest of a plaintext (for finding the record of a link token or nonce).
    #[must_use]
    pub fn digest_hex(&self, kind: SecretKind, plaintext: &str) -> String {
        hex_lower(&self.digest(kind, &kind.normalize(plaintext)))
    }
}

impl fmt::Debug for ServerKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerKey(***)")
    }
}

fn hex_lower(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(HEX[usize::from(b >> 4)]));
        s.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    s
}

/// Lifetime and number of tries of one kind of secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SecretPolicy {
    /// How long the secret stays valid, in seconds.
    pub lifetime_secs: u32,
    /// How many wrong entries void it (≥ 1).
    pub max_attempts: u32,
}

impl SecretPolicy {
    /// The lifetime.
    #[must_use]
    pub fn lifetime(&self) -> TimeDelta {
        TimeDelta::seconds(i64::from(self.lifetime_secs))
    }
}

/// The policies of every kind; [`Default`] is SPEC §5.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
pub struct SecretPolicies {
    /// Device verification code: 10 min, 5 tries.
    pub device_code: SecretPolicy,
    /// E-mail confirmation link: 24 h, 5 tries.
    pub email_confirm_link: SecretPolicy,
    /// Password reset link: 1 h, 5 tries.
    pub password_reset_link: SecretPolicy,
    /// Cancellation link: 24 h, 5 tries.
    pub cancellation_link: SecretPolicy,
    /// Cancellation e-mail code: 24 h, 5 tries.
    pub cancellation_code: SecretPolicy,
    /// Captcha: 10 min, 1 try.
    pub captcha: SecretPolicy,
    /// Card authentication nonce: 2 min, 1 try.
    pub card_auth_nonce: SecretPolicy,
    /// Link that stops a cancellation requested to a new address: 96 h (the cancellation
    /// code's 24 h and the 72 h waiting period), 5 tries.
    pub cancellation_stop_link: SecretPolicy,
    /// Citizen certificate login challenge: 2 min, 1 try.
    pub cert_challenge: SecretPolicy,
    /// Link confirming a new main e-mail address: 24 h, 5 tries.
    pub email_change_link: SecretPolicy,
}

const MIN: u32 = 60;
const HOUR: u32 = 60 * MIN;

impl Default for SecretPolicies {
    fn default() -> Self {
        let p = |lifetime_secs, max_attempts| SecretPolicy {
            lifetime_secs,
            max_attempts,
        };
        SecretPolicies {
            device_code: p(10 * MIN, 5),
            email_confirm_link: p(24 * HOUR, 5),
            password_reset_link: p(HOUR, 5),
            cancellation_link: p(24 * HOUR, 5),
            cancellation_code: p(24 * HOUR, 5),
            captcha: p(10 * MIN, 1),
            card_auth_nonce: p(2 * MIN, 1),
            cancellation_stop_link: p(96 * HOUR, 5),
            cert_challenge: p(2 * MIN, 1),
            email_change_link: p(24 * HOUR, 5),
        }
    }
}

impl SecretPolicies {
    /// The policy of a kind.
    #[must_use]
    pub const fn get(&self, kind: SecretKind) -> SecretPolicy {
        match kind {
            SecretKind::DeviceCode => self.device_code,
            SecretKind::EmailConfirmLink => self.email_confirm_link,
            SecretKind::PasswordResetLink => self.password_reset_link,
            SecretKind::CancellationLink => self.cancellation_link,
            SecretKind::CancellationCode => self.cancellation_code,
            SecretKind::Captcha => self.captcha,
            SecretKind::CardAuthNonce => self.card_auth_nonce,
            SecretKind::CancellationStopLink => self.cancellation_stop_link,
            SecretKind::CertChallenge => self.cert_challenge,
            SecretKind::EmailChangeLink => self.email_change_link,
        }
    }

    /// Checks that every lifetime and number of tries is positive.
    ///
    /// # Errors
    /// [`SecretError::Policy`].
    pub fn validate(&self) -> Result<(), SecretError> {
        for kind in SecretKind::ALL {
            let p = self.get(kind);
            if p.lifetime_secs == 0 || p.max_attempts == 0 {
                return Err(SecretError::Policy);
            }
        }
        Ok(())
    }

    /// Issues a fresh secret of `kind` for `subject` (the registration, session or browser
    /// it is bound to) at `now`. A policy with zero tries or lifetime yields a record that is
    /// already void; call [`SecretPolicies::validate`] when loading configuration.
    pub fn issue<R: CryptoRng + ?Sized>(
        &self,
        key: &ServerKey,
        kind: SecretKind,
        subject: &str,
        now: DateTime<Utc>,
        rng: &mut R,
    ) -> IssuedSecret {
        let policy = self.get(kind);
        let plaintext = generate(kind, rng);
        let digest = key.digest(kind, &plaintext);
        let expires_at = now
            .checked_add_signed(policy.lifetime())
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        IssuedSecret {
            plaintext,
            record: SecretRecord {
                kind,
                subject: subject.to_owned(),
                digest: hex_lower(&digest),
                issued_at: now,
                expires_at,
                attempts_left: policy.max_attempts,
                used: false,
            },
        }
    }
}

/// Draws the plaintext: each character from a `u64` modulo the alphabet size (no bias for the
/// 64-character alphabet, below 2⁻⁵⁸ per character for the 62- and 10-character ones).
fn generate<R: CryptoRng + ?Sized>(kind: SecretKind, rng: &mut R) -> Zeroizing<String> {
    let (alphabet, len) = kind.shape();
    let mut s = Zeroizing::new(String::with_capacity(len));
    let n = alphabet.len() as u64; // ≤ 64
    for _ in 0..len {
        let i = usize::try_from(rng.next_u64() % n).unwrap_or(0);
        s.push(char::from(alphabet.get(i).copied().unwrap_or(b'A')));
    }
    s
}

/// A freshly issued secret: the plaintext to send or show once, and the record to store.
pub struct IssuedSecret {
    plaintext: Zeroizing<String>,
    record: SecretRecord,
}

impl IssuedSecret {
    /// The plaintext (code, token, captcha answer), to put in the letter, page or QR code.
    #[must_use]
    pub fn plaintext(&self) -> &str {
        &self.plaintext
    }

    /// The record to store.
    #[must_use]
    pub fn record(&self) -> &SecretRecord {
        &self.record
    }

    /// Splits into the plaintext and the record.
    #[must_use]
    pub fn into_parts(self) -> (Zeroizing<String>, SecretRecord) {
        (self.plaintext, self.record)
    }

    /// Drops the plaintext (wiping it), keeping the record.
    #[must_use]
    pub fn into_record(self) -> SecretRecord {
        self.record
    }
}

impl fmt::Debug for IssuedSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IssuedSecret")
            .field("plaintext", &"***")
            .field("record", &self.record)
            .finish()
    }
}

/// What the store keeps of a one-time secret: no plaintext, only its HMAC.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SecretRecord {
    kind: SecretKind,
    subject: String,
    digest: String,
    issued_at: DateTime<Utc>,
    expires_at: DateTime<Utc>,
    attempts_left: u32,
    used: bool,
}

impl SecretRecord {
    /// The kind.
    #[must_use]
    pub const fn kind(&self) -> SecretKind {
        self.kind
    }

    /// The subject it is bound to.
    #[must_use]
    pub fn subject(&self) -> &str {
        &self.subject
    }

    /// HMAC-SHA256 of the plaintext, lower-case hex: the lookup key of links and nonces.
    #[must_use]
    pub fn digest_hex(&self) -> &str {
        &self.digest
    }

    /// When it was issued.
    #[must_use]
    pub const fn issued_at(&self) -> DateTime<Utc> {
        self.issued_at
    }

    /// When it stops being valid (for [`crate::messages::device_code_valid_until`]).
    #[must_use]
    pub const fn expires_at(&self) -> DateTime<Utc> {
        self.expires_at
    }

    /// Tries left.
    #[must_use]
    pub const fn attempts_left(&self) -> u32 {
        self.attempts_left
    }

    /// Whether it was used.
    #[must_use]
    pub const fn is_used(&self) -> bool {
        self.used
    }

    /// Whether it can no longer be accepted at `now` (used, void or expired): the store may
    /// delete it.
    #[must_use]
    pub fn is_spent(&self, now: DateTime<Utc>) -> bool {
        self.used || self.attempts_left == 0 || now >= self.expires_at
    }

    /// Whether `candidate` is this secret for `subject` (constant time), whatever its state
    /// (used, expired, tries left). Code entry that must not tell a stranger whether a code
    /// exists compares first and reports the state only to someone who typed the code
    /// (see `twnhi-service`'s throttling).
    #[must_use]
    pub fn matches(&self, key: &ServerKey, candidate: &str, subject: &str) -> bool {
        let candidate = self.kind.normalize(candidate);
        let computed = hex_lower(&key.digest(self.kind, &candidate));
        let digest_ok: bool = computed.as_bytes().ct_eq(self.digest.as_bytes()).into();
        let subject_ok: bool = subject.as_bytes().ct_eq(self.subject.as_bytes()).into();
        digest_ok & subject_ok
    }

    /// Checks a candidate typed or sent by a person at `now`, for `subject`.
    ///
    /// On success the record is marked used (save it, or delete it); on a mismatch one try
    /// is spent (save it). The comparison of digests is constant-time. Codes are
    /// case-sensitive; surrounding whitespace and full-width characters are forgiven.
    ///
    /// # Errors
    /// [`SecretError::Used`], [`SecretError::Expired`], [`SecretError::Exhausted`] (checked in
    /// this order, without spending a try), then [`SecretError::WrongSubject`] or
    /// [`SecretError::Mismatch`] (spending one).
    pub fn check(
        &mut self,
        key: &ServerKey,
        candidate: &str,
        subject: &str,
        now: DateTime<Utc>,
    ) -> Result<(), SecretError> {
        if self.used {
            return Err(SecretError::Used);
        }
        if now >= self.expires_at {
            return Err(SecretError::Expired);
        }
        if self.attempts_left == 0 {
            return Err(SecretError::Exhausted);
        }
        let candidate = self.kind.normalize(candidate);
        let computed = hex_lower(&key.digest(self.kind, &candidate));
        let digest_ok: bool = computed.as_bytes().ct_eq(self.digest.as_bytes()).into();
        let subject_ok: bool = subject.as_bytes().ct_eq(self.subject.as_bytes()).into();
        if digest_ok && subject_ok {
            self.used = true;
            return Ok(());
        }
        self.attempts_left = self.attempts_left.saturating_sub(1);
        if subject_ok {
            Err(SecretError::Mismatch {
                attempts_left: self.attempts_left,
            })
        } else {
            Err(SecretError::WrongSubject)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The try that voids a code says it is void, not 「請重新輸入」; the captcha (one try,
    /// a new image at once) keeps its own text.
    #[test]
    fn the_last_wrong_try_says_the_code_is_void() {
        let last = SecretError::Mismatch { attempts_left: 0 };
        assert_eq!(last.msg_for(SecretKind::DeviceCode), Msg::CodeExhausted);
        assert_eq!(
            last.msg_for(SecretKind::CancellationCode),
            Msg::CodeExhausted
        );
        assert_eq!(last.msg_for(SecretKind::Captcha), Msg::CaptchaIncorrect);
        let more = SecretError::Mismatch { attempts_left: 1 };
        assert_eq!(more.msg_for(SecretKind::DeviceCode), Msg::CodeIncorrect);
    }
    use chrono::TimeZone;
    use proptest::prelude::*;
    use rand::{SeedableRng, rngs::StdRng};

    fn key() -> ServerKey {
        ServerKey::new((0u8..32).collect()).unwrap()
    }

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2020, 10, 27, 8, 36, 50).unwrap()
    }

    #[test]
    fn shapes() {
        let mut rng = StdRng::seed_from_u64(9);
        let p = SecretPolicies::default();
        for kind in SecretKind::ALL {
            let s = p.issue(&key(), kind, "sub", t0(), &mut rng);
            let text = s.plaintext();
            assert_eq!(text.len(), kind.plaintext_len(), "{kind}");
            let (alphabet, _) = kind.shape();
            assert!(
                text.bytes().all(|b| alphabet.contains(&b)),
                "{kind}: {text}"
            );
            assert_eq!(s.record().digest_hex(), key().digest_hex(kind, text));
            assert_eq!(s.record().digest_hex().len(), 64);
            assert!(!format!("{s:?}").contains(text));
        }
        assert!(SecretKind::EmailConfirmLink.entropy_bits() >= 128);
        assert!(SecretKind::CardAuthNonce.entropy_bits() >= 128);
        assert_eq!(SecretKind::Captcha.entropy_bits(), 16);
    }

    #[test]
    fn lifetimes_follow_spec() {
        let p = SecretPolicies::default();
        assert_eq!(
            p.get(SecretKind::EmailConfirmLink).lifetime(),
            TimeDelta::hours(24)
        );
        assert_eq!(
            p.get(SecretKind::PasswordResetLink).lifetime(),
            TimeDelta::hours(1)
        );
        assert_eq!(
            p.get(SecretKind::CancellationCode).lifetime(),
            TimeDelta::hours(24)
        );
        assert_eq!(
            p.get(SecretKind::DeviceCode).lifetime(),
            TimeDelta::minutes(10)
        );
        assert_eq!(
            p.get(SecretKind::CardAuthNonce).lifetime(),
            TimeDelta::minutes(2)
        );
        assert_eq!(p.get(SecretKind::DeviceCode).max_attempts, 5);
        assert_eq!(p.get(SecretKind::CancellationCode).max_attempts, 5);
        assert!(p.validate().is_ok());
        let mut bad = p;
        bad.captcha.max_attempts = 0;
        assert_eq!(bad.validate(), Err(SecretError::Policy));
    }

    #[test]
    fn single_use_and_case_sensitive() {
        let mut rng = StdRng::seed_from_u64(10);
        let issued = SecretPolicies::default().issue(
            &key(),
            SecretKind::CancellationCode,
            "reg-1",
            t0(),
            &mut rng,
        );
        let code = issued.plaintext().to_owned();
        let mut rec = issued.into_record();
        let flipped: String = code
            .chars()
            .map(|c| {
                if c.is_ascii_lowercase() {
                    c.to_ascii_uppercase()
                } else {
                    c.to_ascii_lowercase()
                }
            })
            .collect();
        if flipped != code {
            assert_eq!(
                rec.check(&key(), &flipped, "reg-1", t0()),
                Err(SecretError::Mismatch { attempts_left: 4 })
            );
        }
        assert_eq!(
            rec.check(&key(), &format!("  {code}\n"), "reg-1", t0()),
            Ok(())
        );
        assert!(rec.is_used());
        assert_eq!(
            rec.check(&key(), &code, "reg-1", t0()),
            Err(SecretError::Used)
        );
    }

    #[test]
    fn tries_run_out_then_void() {
        let mut rng = StdRng::seed_from_u64(11);
        let issued = SecretPolicies::default().issue(
            &key(),
            SecretKind::DeviceCode,
            "reg-1",
            t0(),
            &mut rng,
        );
        let code = issued.plaintext().to_owned();
        let mut rec = issued.into_record();
        for left in (0..5).rev() {
            assert_eq!(
                rec.check(&key(), "00000000", "reg-1", t0()),
                Err(SecretError::Mismatch {
                    attempts_left: left
                })
            );
        }
        assert_eq!(
            rec.check(&key(), &code, "reg-1", t0()),
            Err(SecretError::Exhausted)
        );
        assert!(rec.is_spent(t0()));
    }

    #[test]
    fn expiry_and_subject() {
        let mut rng = StdRng::seed_from_u64(12);
        let issued = SecretPolicies::default().issue(
            &key(),
            SecretKind::DeviceCode,
            "reg-1",
            t0(),
            &mut rng,
        );
        let code = issued.plaintext().to_owned();
        let mut rec = issued.into_record();
        assert_eq!(rec.expires_at(), t0() + TimeDelta::minutes(10));
        assert_eq!(
            rec.check(&key(), &code, "reg-2", t0()),
            Err(SecretError::WrongSubject)
        );
        assert_eq!(rec.attempts_left(), 4);
        let at_expiry = t0() + TimeDelta::minutes(10);
        assert_eq!(
            rec.check(&key(), &code, "reg-1", at_expiry),
            Err(SecretError::Expired)
        );
        let just_before = at_expiry - TimeDelta::seconds(1);
        assert_eq!(rec.check(&key(), &code, "reg-1", just_before), Ok(()));
        // another key never matches
        let other = ServerKey::new(vec![1u8; 40]).unwrap();
        let issued =
            SecretPolicies::default().issue(&key(), SecretKind::Captcha, "s", t0(), &mut rng);
        let answer = issued.plaintext().to_owned();
        let mut rec = issued.into_record();
        assert_eq!(
            rec.check(&other, &answer, "s", t0()),
            Err(SecretError::Mismatch { attempts_left: 0 })
        );
    }

    #[test]
    fn keys_and_messages() {
        assert_eq!(
            ServerKey::new(vec![0u8; 31]).err(),
            Some(SecretError::KeyTooShort)
        );
        assert_eq!(format!("{:?}", key()), "ServerKey(***)");
        let mut rng = StdRng::seed_from_u64(13);
        assert_eq!(ServerKey::generate(&mut rng).expose().len(), 32);
        assert_eq!(
            SecretError::Expired.msg_for(SecretKind::DeviceCode),
            Msg::DeviceCodeExpired
        );
        assert_eq!(
            SecretError::Expired.msg_for(SecretKind::PasswordResetLink),
            Msg::LinkInvalid
        );
        assert_eq!(
            SecretError::Mismatch { attempts_left: 1 }.msg_for(SecretKind::Captcha),
            Msg::CaptchaIncorrect
        );
        assert_eq!(
            SecretError::Used.msg_for(SecretKind::CardAuthNonce),
            Msg::CardAuthExpired
        );
        assert_eq!(SecretError::Exhausted.msg(), Msg::CodeExhausted);
    }

    #[test]
    fn record_serde() {
        let mut rng = StdRng::seed_from_u64(14);
        let rec = SecretPolicies::default()
            .issue(
                &key(),
                SecretKind::EmailConfirmLink,
                "reg-9",
                t0(),
                &mut rng,
            )
            .into_record();
        let json = serde_json::to_string(&rec).unwrap();
        assert!(json.contains("\"kind\":\"email-confirm-link\""));
        assert_eq!(serde_json::from_str::<SecretRecord>(&json).unwrap(), rec);
        let far = DateTime::<Utc>::MAX_UTC;
        let rec = SecretPolicies::default()
            .issue(&key(), SecretKind::Captcha, "s", far, &mut rng)
            .into_record();
        assert_eq!(rec.expires_at(), far);
    }

    proptest! {
        #[test]
        fn check_never_panics_and_never_accepts_garbage(candidate in "\\PC{0,40}", seed in any::<u64>()) {
            let mut rng = StdRng::seed_from_u64(seed);
            let issued = SecretPolicies::default().issue(&key(), SecretKind::CancellationCode, "r", t0(), &mut rng);
            let code = issued.plaintext().to_owned();
            let mut rec = issued.into_record();
            let r = rec.check(&key(), &candidate, "r", t0());
            prop_assert_eq!(r.is_ok(), candidate.trim() == code);
        }
    }
}
