//! Configuration of the use cases and of the outbox worker. Libraries read no files or
//! environment: the binary builds these values.

use core::time::Duration;

use chrono::TimeDelta;
use twnhi_account::Email;
use twnhi_account::password::HashPolicy;
use twnhi_account::roc::ServiceHours;
use twnhi_account::secret::SecretPolicies;
use twnhi_account::throttle::ThrottlePolicy;
use twnhi_account::totp::TotpPolicy;
use twnhi_notify::{PublicBaseUrl, Sender};

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
    /// Failed passwords per registration (login, app login, re-authentication).
    pub per_registration: ThrottlePolicy,
    /// Failures per client address (every flow that checks something guessable).
    pub per_client_address: ThrottlePolicy,
    /// Failures per card or ID number in the flows without a password (household data of
    /// apply, cancellation requests, device codes).
    pub per_person: ThrottlePolicy,
    /// Device TOTP parameters.
    pub totp: TotpPolicy,
    /// How long a card authentication stays usable in its session.
    pub card_auth_validity: TimeDelta,
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
            per_client_address: ThrottlePolicy::per_client_address(),
            per_person: ThrottlePolicy {
                free_failures: 5,
                ..ThrottlePolicy::per_registration()
            },
            totp: TotpPolicy::default(),
            card_auth_validity: TimeDelta::minutes(10),
            session_idle_timeout: TimeDelta::minutes(20),
            session_lifetime: TimeDelta::hours(8),
            app_token_lifetime: TimeDelta::days(30),
            public_base_url,
            sender: Sender::new(sender),
            message_id_domain: domain,
            outbox: OutboxConfig::default(),
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
