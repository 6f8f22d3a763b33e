//! Argon2id password hashing in PHC strings: [`HashPolicy`], [`PasswordHash`] and the
//! safety limits on stored parameters.

use core::fmt;

use argon2::{Algorithm, Argon2, Block, Params, Version};
use rand_core::CryptoRng;
use serde::{Deserialize, Serialize};
use subtle::ConstantTimeEq;
use zeroize::Zeroize;

use crate::messages::{Localized, Msg, bilingual_display};

/// Why hashing or verifying failed. None of these is the user's fault; answer them with
/// [`Msg::SystemError`] (or [`Msg::ConfigInvalid`] for a bad policy).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub enum HashError {
    /// The policy's parameters are impossible or above the safety limits.
    Policy,
    /// A stored hash is not a PHC string.
    Malformed,
    /// A stored hash is not an Argon2 hash.
    Unsupported,
    /// A stored hash asks for parameters above the safety limits (a corrupted or hostile
    /// record must not make the server allocate gigabytes).
    ParamsTooLarge,
    /// The Argon2 computation failed.
    Internal,
}

impl Localized for HashError {
    fn msg(&self) -> Msg {
        match self {
            HashError::Policy => Msg::ConfigInvalid,
            _ => Msg::SystemError,
        }
    }
}
bilingual_display!(HashError);

/// Largest memory cost accepted, in KiB (1 GiB).
pub const MAX_M_KIB: u32 = 1 << 20;
/// Largest number of passes accepted.
pub const MAX_T: u32 = 64;
/// Largest parallelism accepted.
pub const MAX_P: u32 = 64;
/// Salt length of new hashes, in bytes.
pub const SALT_LEN: usize = 16;
/// Output length of new hashes, in bytes.
pub const OUTPUT_LEN: usize = 32;

/// The hashing policy: Argon2id (v1.3) with memory `m` KiB, `t` passes and `p` lanes.
///
/// The default is OWASP's minimum, m = 19 MiB (19456 KiB), t = 2, p = 1. Lower parameters
/// can be built with [`HashPolicy::new`] (for tests); [`HashPolicy::meets_owasp_minimum`]
/// tells whether a policy is fit for production.
///
/// ```
/// use twnhi_account::password::{HashPolicy, VerifyOutcome};
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let mut rng = StdRng::seed_from_u64(7); // inject a CSPRNG; tests use a seeded one
/// let policy = HashPolicy::new(64, 1, 1)?; // cheap, for this example only
/// assert!(!policy.meets_owasp_minimum());
///
/// let stored = policy.hash("Tw#2024nhi", &mut rng)?;
/// assert!(stored.as_str().starts_with("$argon2id$v=19$m=64,t=1,p=1$"));
/// assert_eq!(policy.verify("Tw#2024nhi", &stored)?, VerifyOutcome::Match { needs_rehash: false });
/// assert_eq!(policy.verify("tw#2024nhi", &stored)?, VerifyOutcome::Mismatch);
///
/// // when the policy grows, a successful login should store a new hash
/// let stronger = HashPolicy::new(128, 2, 1)?;
/// assert_eq!(stronger.verify("Tw#2024nhi", &stored)?, VerifyOutcome::Match { needs_rehash: true });
/// assert!(HashPolicy::default().meets_owasp_minimum());
/// # Ok::<(), twnhi_account::password::HashError>(())
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PolicyRepr", into = "PolicyRepr")]
pub struct HashPolicy {
    m_kib: u32,
    t: u32,
    p: u32,
}

#[derive(Serialize, Deserialize)]
struct PolicyRepr {
    m_kib: u32,
    t: u32,
    p: u32,
}

impl TryFrom<PolicyRepr> for HashPolicy {
    type Error = HashError;
    fn try_from(r: PolicyRepr) -> Result<Self, HashError> {
        HashPolicy::new(r.m_kib, r.t, r.p)
    }
}

impl From<HashPolicy> for PolicyRepr {
    fn from(p: HashPolicy) -> Self {
        PolicyRepr {
            m_kib: p.m_kib,
            t: p.t,
            p: p.p,
        }
    }
}

impl Default for HashPolicy {
    fn default() -> Self {
        Self::OWASP
    }
}

/// The result of verifying a password against a stored hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum VerifyOutcome {
    /// The password is right. When `needs_rehash` is true, hash it again with the current
    /// policy and store the new hash (SPEC §4.10: rehash on login when parameters grow).
    Match {
        /// The stored hash is weaker than the policy.
        needs_rehash: bool,
    },
    /// The password is wrong.
    Mismatch,
}

impl VerifyOutcome {
    /// Whether the password matched.
    #[must_use]
    pub const fn is_match(self) -> bool {
        matches!(self, VerifyOutcome::Match { .. })
    }
}

impl HashPolicy {
    /// OWASP's minimum for Argon2id: m = 19456 KiB, t = 2, p = 1.
    pub const OWASP: HashPolicy = HashPolicy {
        m_kib: 19 * 1024,
        t: 2,
        p: 1,
    };

    /// A policy with explicit parameters.
    ///
    /// # Errors
    /// [`HashError::Policy`] if Argon2 refuses them (`t` ≥ 1, `p` ≥ 1, `m` ≥ 8·`p`) or they
    /// exceed [`MAX_M_KIB`], [`MAX_T`], [`MAX_P`].
    pub fn new(m_kib: u32, t: u32, p: u32) -> Result<Self, HashError> {
        if m_kib > MAX_M_KIB || t > MAX_T || p > MAX_P {
            return Err(HashError::Policy);
        }
        Params::new(m_kib, t, p, Some(OUTPUT_LEN)).map_err(|_| HashError::Policy)?;
        Ok(HashPolicy { m_kib, t, p })
    }

    /// Memory cost in KiB.
    #[must_use]
    pub const fn m_kib(&self) -> u32 {
        self.m_kib
    }

    /// Number of passes.
    #[must_use]
    pub const fn t(&self) -> u32 {
        self.t
    }

    /// Parallelism.
    #[must_use]
    pub const fn p(&self) -> u32 {
        self.p
    }

    /// Whether the policy is at least OWASP's minimum (m ≥ 19456 KiB, t ≥ 2, p ≥ 1).
    #[must_use]
    pub const fn meets_owasp_minimum(&self) -> bool {
        self.m_kib >= Self::OWASP.m_kib && self.t >= Self::OWASP.t && self.p >= Self::OWASP.p
    }

    fn params(&self) -> Result<Params, HashError> {
        Params::new(self.m_kib, self.t, self.p, Some(OUTPUT_LEN)).map_err(|_| HashError::Policy)
    }

    /// Hashes a password with a fresh 16-byte salt from `rng`, in fresh memory.
    ///
    /// A server hashing many passwords should keep one [`HashMemory`] per worker thread
    /// and call [`HashPolicy::hash_in`]: the 19 MiB of Argon2's working memory are then
    /// allocated once instead of on every call.
    ///
    /// # Errors
    /// [`HashError::Internal`] if Argon2 fails (it does not for valid policies).
    pub fn hash<R: CryptoRng + ?Sized>(
        &self,
        password: &str,
        rng: &mut R,
    ) -> Result<PasswordHash, HashError> {
        self.hash_in(password, rng, &mut HashMemory::new())
    }

    /// [`HashPolicy::hash`] in the working memory `memory` (grown as needed, kept for the
    /// next call).
    ///
    /// # Errors
    /// [`HashError::Internal`] if Argon2 fails (it does not for valid policies).
    pub fn hash_in<R: CryptoRng + ?Sized>(
        &self,
        password: &str,
        rng: &mut R,
        memory: &mut HashMemory,
    ) -> Result<PasswordHash, HashError> {
        let mut salt = [0u8; SALT_LEN];
        rng.fill_bytes(&mut salt);
        let params = self.params()?;
        let mut out = [0u8; OUTPUT_LEN];
        let a = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
        memory.run(params.block_count(), |blocks| {
            a.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, blocks)
        })?;
        let phc = phc_string(&params, &salt, &out);
        out.zeroize();
        PasswordHash::parse(&phc?)
    }

    /// Verifies a password against a stored hash, with the parameters stored in the hash;
    /// the comparison is constant-time.
    ///
    /// # Errors
    /// [`HashError`] if the stored hash cannot be used; a wrong password is
    /// `Ok(VerifyOutcome::Mismatch)`.
    pub fn verify(
        &self,
        password: &str,
        stored: &PasswordHash,
    ) -> Result<VerifyOutcome, HashError> {
        self.verify_in(password, stored, &mut HashMemory::new())
    }

    /// [`HashPolicy::verify`] in the working memory `memory` (grown as needed, kept for the
    /// next call).
    ///
    /// # Errors
    /// As [`HashPolicy::verify`].
    pub fn verify_in(
        &self,
        password: &str,
        stored: &PasswordHash,
        memory: &mut HashMemory,
    ) -> Result<VerifyOutcome, HashError> {
        let phc = argon2::PasswordHash::new(&stored.phc).map_err(|_| HashError::Malformed)?;
        let algorithm =
            Algorithm::try_from(phc.algorithm.as_str()).map_err(|_| HashError::Unsupported)?;
        let version = match phc.version {
            None => Version::default(),
            Some(v) => Version::try_from(v).map_err(|_| HashError::Unsupported)?,
        };
        let (Some(salt), Some(expected)) = (phc.salt.as_ref(), phc.hash.as_ref()) else {
            return Err(HashError::Malformed);
        };
        let expected = expected.as_bytes();
        let params = Params::new(stored.m_kib, stored.t, stored.p, Some(expected.len()))
            .map_err(|_| HashError::Malformed)?;
        let mut buf = [0u8; 64];
        let out = buf.get_mut(..expected.len()).ok_or(HashError::Malformed)?;
        let count = params.block_count();
        let a = Argon2::new(algorithm, version, params);
        memory.run(count, |blocks| {
            a.hash_password_into_with_memory(password.as_bytes(), salt, out, blocks)
        })?;
        let matched: bool = out.ct_eq(expected).into();
        buf.zeroize();
        Ok(if matched {
            VerifyOutcome::Match {
                needs_rehash: self.needs_rehash(stored),
            }
        } else {
            VerifyOutcome::Mismatch
        })
    }

    /// Whether a stored hash is weaker than this policy: another algorithm or version than
    /// Argon2id v1.3, less memory or fewer passes, or a shorter salt or output than new
    /// hashes get.
    #[must_use]
    pub fn needs_rehash(&self, stored: &PasswordHash) -> bool {
        !stored.argon2id_v13
            || stored.m_kib < self.m_kib
            || stored.t < self.t
            || stored.p < self.p
            || stored.salt_len < SALT_LEN
            || stored.output_len < OUTPUT_LEN
    }

    /// Spends the time of one verification without a stored hash, so that answering for an
    /// unknown person takes as long as for a known one (SPEC §5, no enumeration).
    pub fn equalize_timing(&self, password: &str) {
        self.equalize_timing_in(password, &mut HashMemory::new());
    }

    /// [`HashPolicy::equalize_timing`] in the working memory `memory`.
    pub fn equalize_timing_in(&self, password: &str, memory: &mut HashMemory) {
        let Ok(params) = self.params() else { return };
        let mut out = [0u8; OUTPUT_LEN];
        let count = params.block_count();
        let a = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
        let _ = memory.run(count, |blocks| {
            a.hash_password_into_with_memory(
                password.as_bytes(),
                b"twnhi-timing-salt",
                &mut out,
                blocks,
            )
        });
    }
}

/// The PHC string of an Argon2id v1.3 hash.
fn phc_string(params: &Params, salt: &[u8], out: &[u8]) -> Result<String, HashError> {
    let salt = argon2::password_hash::phc::Salt::new(salt).map_err(|_| HashError::Internal)?;
    let output = argon2::password_hash::phc::Output::new(out).map_err(|_| HashError::Internal)?;
    let phc = argon2::PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: argon2::password_hash::phc::ParamsString::try_from(params)
            .map_err(|_| HashError::Internal)?,
        salt: Some(salt),
        hash: Some(output),
    };
    Ok(phc.to_string())
}

/// Argon2's working memory (m KiB: 19 MiB with the default policy), kept between calls.
///
/// Allocating and freeing 19 MiB per password check lets a burst of logins grow a server's
/// resident memory far beyond what is in use at any moment (the C allocator keeps freed
/// blocks in per-thread arenas). A fixed set of hashing threads, each with one
/// `HashMemory`, bounds it to threads × m. The blocks are wiped after every use.
///
/// ```
/// use twnhi_account::password::{HashMemory, HashPolicy};
/// use rand::{SeedableRng, rngs::StdRng};
///
/// let policy = HashPolicy::new(64, 1, 1)?;
/// let mut memory = HashMemory::new();
/// let mut rng = StdRng::seed_from_u64(7);
/// let stored = policy.hash_in("Tw#2024nhi", &mut rng, &mut memory)?;
/// assert!(policy.verify_in("Tw#2024nhi", &stored, &mut memory)?.is_match());
/// assert_eq!(memory.kib(), 64);
/// # Ok::<(), twnhi_account::password::HashError>(())
/// ```
#[derive(Default)]
pub struct HashMemory {
    blocks: Vec<Block>,
}

impl fmt::Debug for HashMemory {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HashMemory({} KiB)", self.kib())
    }
}

impl HashMemory {
    /// No memory yet: it grows on first use.
    #[must_use]
    pub const fn new() -> Self {
        HashMemory { blocks: Vec::new() }
    }

    /// The memory held, in KiB (one Argon2 block is 1 KiB).
    #[must_use]
    pub fn kib(&self) -> usize {
        self.blocks.len()
    }

    /// Runs `f` on the first `count` blocks (grown as needed, but never beyond
    /// [`MAX_M_KIB`]), and wipes them afterwards.
    fn run(
        &mut self,
        count: usize,
        f: impl FnOnce(&mut [Block]) -> argon2::Result<()>,
    ) -> Result<(), HashError> {
        if count > MAX_M_KIB as usize {
            return Err(HashError::ParamsTooLarge);
        }
        if self.blocks.len() < count {
            self.blocks.resize(count, Block::default());
        }
        let blocks = self.blocks.get_mut(..count).ok_or(HashError::Internal)?;
        let result = f(&mut *blocks);
        blocks.iter_mut().for_each(Zeroize::zeroize);
        result.map_err(|_| HashError::Internal)
    }
}

impl Drop for HashMemory {
    fn drop(&mut self) {
        self.blocks.iter_mut().for_each(Zeroize::zeroize);
    }
}

/// A stored password hash: a PHC string of an Argon2 hash with parameters within the safety
/// limits, e.g. `$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PasswordHash {
    phc: String,
    argon2id_v13: bool,
    m_kib: u32,
    t: u32,
    p: u32,
    salt_len: usize,
    output_len: usize,
}

impl PasswordHash {
    /// Reads a stored PHC string.
    ///
    /// # Errors
    /// [`HashError::Malformed`], [`HashError::Unsupported`] or [`HashError::ParamsTooLarge`].
    pub fn parse(phc: &str) -> Result<Self, HashError> {
        let parsed = argon2::PasswordHash::new(phc).map_err(|_| HashError::Malformed)?;
        let algorithm =
            Algorithm::try_from(parsed.algorithm.as_str()).map_err(|_| HashError::Unsupported)?;
        let params = Params::try_from(&parsed).map_err(|_| HashError::Malformed)?;
        if params.m_cost() > MAX_M_KIB || params.t_cost() > MAX_T || params.p_cost() > MAX_P {
            return Err(HashError::ParamsTooLarge);
        }
        let salt = parsed.salt.as_ref().ok_or(HashError::Malformed)?;
        let output = parsed.hash.as_ref().ok_or(HashError::Malformed)?;
        let version = match parsed.version {
            None => Version::default(),
            Some(v) => Version::try_from(v).map_err(|_| HashError::Unsupported)?,
        };
        Ok(PasswordHash {
            phc: phc.to_owned(),
            argon2id_v13: algorithm == Algorithm::Argon2id && version == Version::V0x13,
            m_kib: params.m_cost(),
            t: params.t_cost(),
            p: params.p_cost(),
            salt_len: salt.as_ref().len(),
            output_len: output.len(),
        })
    }

    /// The PHC string to store.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.phc
    }
}

impl fmt::Debug for PasswordHash {
    /// Algorithm and parameters only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "PasswordHash(argon2{} m={},t={},p={})",
            if self.argon2id_v13 {
                "id v19"
            } else {
                " (legacy)"
            },
            self.m_kib,
            self.t,
            self.p
        )
    }
}

impl fmt::Display for PasswordHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.phc)
    }
}

impl TryFrom<String> for PasswordHash {
    type Error = HashError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        PasswordHash::parse(&s)
    }
}

impl From<PasswordHash> for String {
    fn from(h: PasswordHash) -> String {
        h.phc
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use argon2::PasswordHasher;
    use proptest::prelude::*;
    use rand::{SeedableRng, rngs::StdRng};

    fn cheap() -> HashPolicy {
        HashPolicy::new(32, 1, 1).unwrap()
    }

    #[test]
    fn default_is_at_least_owasp() {
        let p = HashPolicy::default();
        assert!(p.meets_owasp_minimum());
        assert!(p.m_kib() >= 19_456 && p.t() >= 2 && p.p() >= 1);
        assert!(!HashPolicy::new(19_456, 1, 1).unwrap().meets_owasp_minimum());
        assert!(HashPolicy::new(47_104, 2, 1).unwrap().meets_owasp_minimum());
    }

    #[test]
    fn full_parameters_hash_and_verify() {
        // The real policy, once (slow in debug builds).
        let mut rng = StdRng::seed_from_u64(1);
        let p = HashPolicy::default();
        let h = p.hash("Tw#2024nhi", &mut rng).unwrap();
        assert!(
            h.as_str().starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{h}"
        );
        assert_eq!(
            p.verify("Tw#2024nhi", &h).unwrap(),
            VerifyOutcome::Match {
                needs_rehash: false
            }
        );
        assert_eq!(p.verify("Tw#2024nhj", &h).unwrap(), VerifyOutcome::Mismatch);
    }

    #[test]
    fn rehash_when_weaker() {
        let mut rng = StdRng::seed_from_u64(2);
        let weak = cheap().hash("secret-1A", &mut rng).unwrap();
        assert!(!cheap().needs_rehash(&weak));
        assert!(HashPolicy::default().needs_rehash(&weak));
        assert!(HashPolicy::new(32, 2, 1).unwrap().needs_rehash(&weak));
        // a stronger stored hash does not need a rehash
        let strong = HashPolicy::new(64, 2, 1)
            .unwrap()
            .hash("secret-1A", &mut rng)
            .unwrap();
        assert!(!cheap().needs_rehash(&strong));
        assert_eq!(
            cheap().verify("secret-1A", &strong).unwrap(),
            VerifyOutcome::Match {
                needs_rehash: false
            }
        );
    }

    #[test]
    fn legacy_argon2i_verifies_and_needs_rehash() {
        let params = Params::new(32, 1, 1, Some(32)).unwrap();
        let a = Argon2::new(Algorithm::Argon2i, Version::V0x13, params);
        let phc = a
            .hash_password_with_salt(b"secret-1A", b"saltsaltsaltsalt")
            .unwrap()
            .to_string();
        let stored = PasswordHash::parse(&phc).unwrap();
        assert_eq!(
            cheap().verify("secret-1A", &stored).unwrap(),
            VerifyOutcome::Match { needs_rehash: true }
        );
    }

    #[test]
    fn hostile_or_broken_hashes() {
        assert_eq!(PasswordHash::parse(""), Err(HashError::Malformed));
        assert_eq!(PasswordHash::parse("plaintext"), Err(HashError::Malformed));
        assert!(
            PasswordHash::parse("$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW")
                .is_err()
        );
        assert_eq!(
            PasswordHash::parse(
                "$scrypt$ln=16,r=8,p=1$aM15713r3Xsvxbi31lqr1Q$nFNh2CVHVjNldFVKDHDlm4CbdRSCdEBsjjJxD+iCs5E"
            ),
            Err(HashError::Unsupported)
        );
        let huge = "$argon2id$v=19$m=4294967295,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";
        assert_eq!(PasswordHash::parse(huge), Err(HashError::ParamsTooLarge));
        let no_hash = "$argon2id$v=19$m=32,t=1,p=1$c2FsdHNhbHRzYWx0c2FsdA";
        assert_eq!(PasswordHash::parse(no_hash), Err(HashError::Malformed));
        assert!(HashPolicy::new(MAX_M_KIB + 1, 2, 1).is_err());
        assert!(HashPolicy::new(4, 1, 1).is_err());
        assert!(HashPolicy::new(32, 0, 1).is_err());
        assert!(serde_json::from_str::<HashPolicy>(r#"{"m_kib":8,"t":0,"p":1}"#).is_err());
    }

    #[test]
    fn serde_and_debug() {
        let mut rng = StdRng::seed_from_u64(3);
        let h = cheap().hash("secret-1A", &mut rng).unwrap();
        let json = serde_json::to_string(&h).unwrap();
        assert_eq!(serde_json::from_str::<PasswordHash>(&json).unwrap(), h);
        assert_eq!(format!("{h:?}"), "PasswordHash(argon2id v19 m=32,t=1,p=1)");
        let p: HashPolicy = serde_json::from_str(r#"{"m_kib":19456,"t":2,"p":1}"#).unwrap();
        assert_eq!(p, HashPolicy::OWASP);
        cheap().equalize_timing("whatever");
    }

    proptest! {
        #[test]
        fn parse_never_panics(s in "\\PC{0,120}") {
            let _ = PasswordHash::parse(&s);
        }

        #[test]
        fn parse_never_panics_on_phc_like(m in any::<u32>(), t in any::<u32>(), p in any::<u32>(), tail in "[A-Za-z0-9+/$]{0,60}") {
            let s = format!("$argon2id$v=19$m={m},t={t},p={p}${tail}");
            if let Ok(h) = PasswordHash::parse(&s) {
                prop_assert!(h.m_kib <= MAX_M_KIB && h.t <= MAX_T && h.p <= MAX_P);
            }
        }
    }

    #[test]
    fn salts_differ() {
        let mut rng = StdRng::seed_from_u64(4);
        let a = cheap().hash("same-pass1", &mut rng).unwrap();
        let b = cheap().hash("same-pass1", &mut rng).unwrap();
        assert_ne!(a.as_str(), b.as_str());
    }
}
