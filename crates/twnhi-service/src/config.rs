//! Configuration of the use cases and of the outbox worker. Libraries read no files or
//! environment: the binary builds these values.

use core::fmt;
use core::time::Duration;
use std::sync::Arc;

use chrono::TimeDelta;
use twnhi_account::Email;
use twnhi_account::password::HashPolicy;
use twnhi_account::roc::ServiceHours;
use twnhi_account::secret::SecretPolicies;
use twnhi_account::throttle::ThrottlePolicy;
use twnhi_account::totp::TotpPolicy;
use twnhi_notify::{PublicBaseUrl, Sender};

pub use crate::hashing::HashingConfig;

/// Everything the use cases can be told. [`ServiceConfig::new`] gives SPEC §4–5 defaults.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct ServiceConfig {
    /// Daily service hours (Asia/Taipei); outside them forms refuse with the notice. Use
    /// [`ServiceHours::ALWAYS`] to switch the check off.
    pub service_hours: ServiceHours,
    /// Password hashing (default: OWASP's minimum, Argon2id m = 19 MiB, t = 2, p = 1).
    pub hash_policy: HashPolicy,
    /// Lifetimes and tries of codes, links and nonces (SPEC §5).
    pub secret_policies: SecretPolicies,
    /// Back-off of wrong passwords on the site (login with the card, re-authentication), per
    /// person: only the card holder can feed it.
    pub per_registration: ThrottlePolicy,
    /// Consecutive wrong passwords after which a path stops checking the password until it
    /// is reset (NIST SP 800-63B §5.2.2: at most 100). Fed only by the card holder (site) or
    /// the holder of a bound device's key (app).
    pub password_cap: u32,
    /// The ceiling per client address and form, against spraying: hundreds of people can
    /// share one address, so it is high and leaks.
    pub per_client_address: ThrottlePolicy,
    /// Back-off of attempts anyone can make (the app's login, cancellation requests), per
    /// person and client address: it slows whoever makes them, not the person they name.
    pub per_person_and_client: ThrottlePolicy,
    /// Failures of the household check per card (apply, resend, forgot: the card holder
    /// only).
    pub per_person: ThrottlePolicy,
    /// Password hashing threads and queue.
    pub hashing: HashingConfig,
    /// Caps on letters per recipient and per registration.
    pub letter_caps: LetterCaps,
    /// A cancellation confirmed with a code sent to a new e-mail address takes effect after
    /// this long (the registered address can stop it meanwhile).
    pub cancellation_waiting_period: TimeDelta,
    /// Device TOTP parameters.
    pub totp: TotpPolicy,
    /// How long a card authentication stays usable in its session.
    pub card_auth_validity: TimeDelta,
    /// How recent the card authentication must be for a form that re-reads the card when it
    /// is sent (apply step 1, 重寄認證信, 忘記註冊密碼): the page reads the card at the submit
    /// itself, so this only allows for a slow read. The card used is the card in the reader
    /// at that moment, not one read minutes earlier and since pulled out or swapped.
    pub card_submit_window: TimeDelta,
    /// A browser session ends after this long without a request.
    pub session_idle_timeout: TimeDelta,
    /// A browser session ends this long after it started, whatever happens.
    pub session_lifetime: TimeDelta,
    /// An app token ends this long after the app logged in.
    pub app_token_lifetime: TimeDelta,
    /// Public base URL of the site (links in letters).
    pub public_base_url: PublicBaseUrl,
    /// Sender address of the letters.
    pub sender: Sender,
    /// Domain of Message-IDs (`<twnhi.ID@DOMAIN>`).
    pub message_id_domain: String,
    /// The delivery worker.
    pub outbox: OutboxConfig,
    /// The citizen certificate login (manual §六); `None`: not offered.
    pub certificates: Option<CertificatePolicy>,
    /// The hotline's numbers the letters print (default: the manual's).
    pub hotline: twnhi_notify::Hotline,
    /// The online services the completion letter lists (default: the manual's addresses).
    pub service_links: twnhi_notify::ServiceLinks,
}

impl ServiceConfig {
    /// The defaults, with the site's public URL and the letters' sender address. The
    /// Message-ID domain is the sender address's domain.
    #[must_use]
    pub fn new(public_base_url: PublicBaseUrl, sender: Email) -> Self {
        let domain = sender.domain().to_owned();
        ServiceConfig {
            service_hours: ServiceHours::DEFAULT,
            hash_policy: HashPolicy::default(),
            secret_policies: SecretPolicies::default(),
            per_registration: ThrottlePolicy::per_registration(),
            password_cap: 100,
            per_client_address: ThrottlePolicy::per_client_address(),
            per_person_and_client: ThrottlePolicy {
                free_failures: 5,
                ..ThrottlePolicy::per_registration()
            },
            per_person: ThrottlePolicy {
                free_failures: 5,
                ..ThrottlePolicy::per_registration()
            },
            hashing: HashingConfig::default(),
            letter_caps: LetterCaps::default(),
            cancellation_waiting_period: TimeDelta::hours(72),
            totp: TotpPolicy::default(),
            card_auth_validity: TimeDelta::minutes(10),
            card_submit_window: TimeDelta::minutes(2),
            session_idle_timeout: TimeDelta::minutes(20),
            session_lifetime: TimeDelta::hours(8),
            app_token_lifetime: TimeDelta::days(30),
            public_base_url,
            sender: Sender::new(sender),
            message_id_domain: domain,
            outbox: OutboxConfig::default(),
            certificates: None,
            hotline: twnhi_notify::Hotline::default(),
            service_links: twnhi_notify::ServiceLinks::default(),
        }
    }
}

/// What the citizen certificate login trusts and asks (manual §六; `docs/certificate.md`,
/// "Server side"): the trust anchors and intermediates (MOICA's in production), the CRLs,
/// and the identity confirmation of certificate and ID number.
#[derive(Clone)]
#[non_exhaustive]
pub struct CertificatePolicy {
    /// The trust anchors and configured intermediates.
    pub verifier: twnhi_pki::ChainVerifier,
    /// The CRLs, refreshed by the maintenance worker every [`Self::crl_refresh`] (and by
    /// [`Service::refresh_crls`](crate::Service::refresh_crls) on demand). `None`: revocation
    /// is not checked (tests only). With a store, a login is refused while it holds no CRL
    /// (nothing loaded yet, every source failing).
    pub crls: Option<Arc<twnhi_pki::CrlStore>>,
    /// How often the maintenance worker reloads the CRLs (default: one hour).
    pub crl_refresh: Duration,
    /// The OCSP check of each certificate at login, after the chain and CRLs; `None`: no
    /// OCSP check. A certificate the responder calls revoked or unknown is refused, and so
    /// is one without a reliable answer (fail closed).
    pub ocsp: Option<Arc<twnhi_pki::OcspChecker>>,
    /// Certificate ↔ ID number (MOICA's identity-confirmation service in production).
    pub identity: Arc<dyn crate::ports::IdentityCheck>,
}

impl CertificatePolicy {
    /// A policy of `verifier`, `crls` and `identity`, reloading the CRLs hourly.
    #[must_use]
    pub fn new(
        verifier: twnhi_pki::ChainVerifier,
        crls: Option<Arc<twnhi_pki::CrlStore>>,
        identity: Arc<dyn crate::ports::IdentityCheck>,
    ) -> Self {
        CertificatePolicy {
            verifier,
            crls,
            crl_refresh: Duration::from_secs(3600),
            ocsp: None,
            identity,
        }
    }
}

impl fmt::Debug for CertificatePolicy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CertificatePolicy")
            .field("anchors", &self.verifier.anchor_count())
            .field("crls", &self.crls.is_some())
            .field("crl_refresh", &self.crl_refresh)
            .field("ocsp", &self.ocsp.as_ref().map(|o| o.responder()))
            .finish_non_exhaustive()
    }
}

/// Caps on letters (SPEC §5: a stranger cannot flood a mailbox). Letters beyond them are
/// dropped silently: the request answers as usual.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct LetterCaps {
    /// The window.
    pub window: TimeDelta,
    /// Letters to one address within the window (all kinds together).
    pub per_recipient: u32,
    /// Letters about one registration within the window.
    pub per_registration: u32,
}

impl Default for LetterCaps {
    /// 10 letters to an address and 20 about a registration per hour: a whole day's honest
    /// use (apply, confirm, reset, change notices) stays far below.
    fn default() -> Self {
        LetterCaps {
            window: TimeDelta::hours(1),
            per_recipient: 10,
            per_registration: 20,
        }
    }
}

impl LetterCaps {
    /// Caps of `per_recipient` and `per_registration` letters per `window`.
    #[must_use]
    pub fn new(window: TimeDelta, per_recipient: u32, per_registration: u32) -> Self {
        LetterCaps {
            window,
            per_recipient,
            per_registration,
        }
    }
}

/// The outbox worker's timing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct OutboxConfig {
    /// How often the worker looks for due letters when nobody wakes it.
    pub poll_interval: Duration,
    /// How long a claimed letter is reserved for the worker that claimed it; after a crash it
    /// is delivered again when the lease ends.
    pub lease: TimeDelta,
    /// Delay before the second attempt; doubled after each failure.
    pub first_retry: TimeDelta,
    /// Longest delay between attempts.
    pub max_retry: TimeDelta,
    /// Attempts before giving up (a permanent refusal gives up at once).
    pub max_attempts: u32,
    /// Letters claimed per round.
    pub batch: u32,
}

impl Default for OutboxConfig {
    fn default() -> Self {
        OutboxConfig {
            poll_interval: Duration::from_secs(5),
            lease: TimeDelta::minutes(2),
            first_retry: TimeDelta::seconds(30),
            max_retry: TimeDelta::hours(1),
            max_attempts: 10,
            batch: 20,
        }
    }
}

impl OutboxConfig {
    /// The delay after the `attempts`-th failed attempt: `first_retry × 2^(attempts − 1)`,
    /// at most `max_retry`.
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use twnhi_service::OutboxConfig;
    /// let c = OutboxConfig::default();
    /// assert_eq!(c.backoff(1), TimeDelta::seconds(30));
    /// assert_eq!(c.backoff(3), TimeDelta::seconds(120));
    /// assert_eq!(c.backoff(30), TimeDelta::hours(1));
    /// ```
    #[must_use]
    pub fn backoff(&self, attempts: u32) -> TimeDelta {
        let exp = attempts.saturating_sub(1).min(30);
        let factor = 1i32 << exp;
        self.first_retry
            .checked_mul(factor)
            .unwrap_or(self.max_retry)
            .min(self.max_retry)
    }

    /// A quick worker for tests: polls every 20 ms, retries after 1 s.
    #[must_use]
    pub fn fast() -> Self {
        OutboxConfig {
            poll_interval: Duration::from_millis(20),
            lease: TimeDelta::seconds(30),
            first_retry: TimeDelta::seconds(1),
            max_retry: TimeDelta::seconds(8),
            max_attempts: 5,
            batch: 20,
        }
    }
}
