//! The service's own ports — randomness and the clock — with their production
//! implementations, and the adapter that lends the randomness port to `twnhi-account`'s
//! functions as a `rand_core::CryptoRng`. The store ports live in `twnhi-store`; the SAM port
//! in [`crate::sam`]; the mailer is `twnhi_notify::Mailer`.

use core::convert::Infallible;
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::{StdRng, SysRng};
use rand_core::{TryCryptoRng, TryRng};
use twnhi_account::Clock;

/// A source of cryptographically secure random bytes.
#[cfg_attr(any(test, feature = "mocks"), mockall::automock)]
pub trait Randomness: Send + Sync {
    /// Fills `dest` with random bytes.
    fn fill_bytes(&self, dest: &mut [u8]);
}

/// The operating system's generator feeding a ChaCha12 generator (`rand`'s `StdRng`),
/// reseeded from the operating system every 64 KiB.
#[derive(Debug)]
pub struct SystemRandom {
    state: Mutex<(StdRng, usize)>,
}

/// The operating system's random source failed.
#[derive(Debug, thiserror::Error)]
#[error("{}", twnhi_texts::bilingual("service-random-unavailable"))]
#[non_exhaustive]
pub struct RandomUnavailable;

const RESEED_AFTER: usize = 64 * 1024;

impl SystemRandom {
    /// Seeds from the operating system.
    ///
    /// # Errors
    /// [`RandomUnavailable`].
    pub fn new() -> Result<Self, RandomUnavailable> {
        let rng = StdRng::try_from_rng(&mut SysRng).map_err(|_| RandomUnavailable)?;
        Ok(SystemRandom {
            state: Mutex::new((rng, 0)),
        })
    }
}

impl Randomness for SystemRandom {
    fn fill_bytes(&self, dest: &mut [u8]) {
        let mut guard = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (rng, used) = &mut *guard;
        if *used >= RESEED_AFTER {
            if let Ok(fresh) = StdRng::try_from_rng(&mut SysRng) {
                *rng = fresh;
            }
            *used = 0;
        }
        rand_core::Rng::fill_bytes(rng, dest);
        *used = used.saturating_add(dest.len());
    }
}

/// A deterministic generator for tests and demos (never for production secrets).
#[derive(Debug)]
pub struct SeededRandom(Mutex<StdRng>);

impl SeededRandom {
    /// A generator seeded with `seed`.
    #[must_use]
    pub fn new(seed: u64) -> Self {
        SeededRandom(Mutex::new(StdRng::seed_from_u64(seed)))
    }
}

impl Randomness for SeededRandom {
    fn fill_bytes(&self, dest: &mut [u8]) {
        let mut rng = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        rand_core::Rng::fill_bytes(&mut *rng, dest);
    }
}

/// Lends a [`Randomness`] port to functions that take a `rand_core::CryptoRng`.
pub struct PortRng<'a>(pub &'a dyn Randomness);

impl TryRng for PortRng<'_> {
    type Error = Infallible;

    fn try_next_u32(&mut self) -> Result<u32, Infallible> {
        let mut b = [0u8; 4];
        self.0.fill_bytes(&mut b);
        Ok(u32::from_le_bytes(b))
    }

    fn try_next_u64(&mut self) -> Result<u64, Infallible> {
        let mut b = [0u8; 8];
        self.0.fill_bytes(&mut b);
        Ok(u64::from_le_bytes(b))
    }

    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Infallible> {
        self.0.fill_bytes(dst);
        Ok(())
    }
}

impl TryCryptoRng for PortRng<'_> {}

/// The system clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that tests can move: shared, thread-safe, starting at a given instant.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock at `at`.
    #[must_use]
    pub fn new(at: DateTime<Utc>) -> Self {
        ManualClock(Mutex::new(at))
    }

    /// Moves the clock by `by`.
    pub fn advance(&self, by: chrono::TimeDelta) {
        let mut t = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *t = t.checked_add_signed(by).unwrap_or(*t);
    }

    /// Sets the clock.
    pub fn set(&self, at: DateTime<Utc>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(any(test, feature = "mocks"))]
mockall::mock! {
    /// A `mockall` mock of [`twnhi_account::Clock`].
    pub Clock {}
    impl twnhi_account::Clock for Clock {
        fn now(&self) -> DateTime<Utc>;
    }
}

/// Fills a fixed-size array from the port.
pub(crate) fn random_array<const N: usize>(random: &dyn Randomness) -> [u8; N] {
    let mut b = [0u8; N];
    random.fill_bytes(&mut b);
    b
}

// ----- identity confirmation of citizen certificates -------------------------------------------

/// The identity-confirmation service could not answer (unreachable, refused the request).
#[derive(Debug, thiserror::Error)]
#[error("{}", twnhi_texts::bilingual("service-identity-check-unavailable"))]
#[non_exhaustive]
pub struct IdentityCheckUnavailable {
    /// What failed, for the log (no personal data).
    pub detail: String,
}

/// Confirms that a citizen certificate (自然人憑證) belongs to an ID number. A MOICA
/// certificate names its holder but does not carry the full ID number; a relying party asks
/// MOICA's identity-confirmation service.
///
/// - **Production**: an adapter of MOICA's identity-confirmation service (the relying party
///   sends the certificate's serial number or the certificate and the ID number, and MOICA
///   answers whether they belong together). Not implemented here: it needs an agreement with
///   MOICA and its interface specification; `docs/certificate.md` ("Server side") describes
///   it.
/// - **Tests and the demo**: [`IdentityTable`], a table of certificates and ID numbers.
#[async_trait::async_trait]
pub trait IdentityCheck: Send + Sync {
    /// Whether the certificate of `summary` (already validated) belongs to `id_number`.
    ///
    /// # Errors
    /// [`IdentityCheckUnavailable`] when the service cannot answer.
    async fn confirms(
        &self,
        summary: &twnhi_pki::CertSummary,
        id_number: &twnhi_account::IdNumber,
    ) -> Result<bool, IdentityCheckUnavailable>;
}

/// An [`IdentityCheck`] from a table: certificate (issuer and serial number) → ID number. For
/// tests and the demo, whose citizen certificates are made at run time.
#[derive(Debug, Default)]
pub struct IdentityTable {
    entries:
        std::sync::RwLock<std::collections::HashMap<(String, String), twnhi_account::IdNumber>>,
}

impl IdentityTable {
    /// An empty table.
    #[must_use]
    pub fn new() -> Self {
        IdentityTable::default()
    }

    /// Records that the certificate `der` belongs to `id_number`.
    ///
    /// # Errors
    /// [`twnhi_pki::VerifyError::Malformed`] when `der` is not a certificate.
    pub fn insert(
        &self,
        der: &[u8],
        id_number: twnhi_account::IdNumber,
    ) -> Result<(), twnhi_pki::VerifyError> {
        let summary = twnhi_pki::CertSummary::of(&twnhi_pki::CertificateDer::from(der))?;
        self.entries
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert((summary.issuer, summary.serial_hex), id_number);
        Ok(())
    }

    /// How many certificates the table holds.
    #[must_use]
    pub fn len(&self) -> usize {
        self.entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }

    /// Whether the table is empty.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[async_trait::async_trait]
impl IdentityCheck for IdentityTable {
    async fn confirms(
        &self,
        summary: &twnhi_pki::CertSummary,
        id_number: &twnhi_account::IdNumber,
    ) -> Result<bool, IdentityCheckUnavailable> {
        let key = (summary.issuer.clone(), summary.serial_hex.clone());
        Ok(self
            .entries
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&key)
            .is_some_and(|id| id == id_number))
    }
}
