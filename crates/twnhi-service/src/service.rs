//! The service: ports, keys and configuration, and the helpers every use case shares
//! (service hours, sessions, throttling, password hashing off the async threads, change sets
//! with their audit events and sealed letters).

use core::fmt;
use std::sync::Arc;

use chrono::{DateTime, TimeDelta, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::Notify;
use twnhi_account::password::{HashPolicy, PasswordHash, VerifyOutcome};
use twnhi_account::secret::{SecretError, SecretKind, ServerKey};
use twnhi_account::{CardNumber, Clock, IdNumber, Password};
use twnhi_store::{
    AuditAction, AuditEvent, AuditOutcome, Change, ChangeSet, InsuredPerson, MailCap, NewMail,
    Registration, RegistrationId, Registry, SessionKind, SessionRecord, Store, StoreError,
};
use zeroize::{Zeroize, Zeroizing};

use crate::config::ServiceConfig;
use crate::error::{Result, ServiceError};
use crate::hashing::HashingPool;
use crate::keys::{ServiceKeys, token_digest};
use crate::letters::LetterData;
use crate::ports::{Randomness, random_array};
use crate::sam::Sam;
use crate::throttle::Form;

/// The ports a [`Service`] runs on.
#[derive(Clone)]
pub struct Ports {
    /// Registrations, secrets, sessions, throttling, audit, outbox writes.
    pub store: Arc<dyn Store>,
    /// The registry of insured persons.
    pub registry: Arc<dyn Registry>,
    /// The SAM of card authentication.
    pub sam: Arc<dyn Sam>,
    /// The clock.
    pub clock: Arc<dyn Clock + Send + Sync>,
    /// Randomness for secrets, salts, tokens and identifiers.
    pub random: Arc<dyn Randomness>,
}

impl fmt::Debug for Ports {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Ports { .. }")
    }
}

/// An opaque session or app token: 32 URL-safe characters (192 random bits). The web layer
/// keeps it in an `HttpOnly; Secure; SameSite` cookie, the app as a bearer token; the store
/// keeps only its SHA-256. Wiped on drop, never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(Zeroizing<String>);

const URL_SAFE: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

impl SessionToken {
    /// Length of a token in characters.
    pub const LEN: usize = 32;

    pub(crate) fn generate(random: &dyn Randomness) -> Self {
        let mut bytes: [u8; Self::LEN] = random_array(random);
        let s: String = bytes
            .iter()
            .map(|b| char::from(URL_SAFE[usize::from(b & 63)]))
            .collect();
        bytes.zeroize();
        SessionToken(Zeroizing::new(s))
    }

    /// Reads a token presented by a browser or the app.
    ///
    /// # Errors
    /// [`ServiceError::SessionExpired`] if it is not 32 URL-safe characters.
    pub fn parse(input: &str) -> Result<Self> {
        let s = input.trim();
        if s.len() == Self::LEN && s.bytes().all(|b| URL_SAFE.contains(&b)) {
            Ok(SessionToken(Zeroizing::new(s.to_owned())))
        } else {
            Err(ServiceError::SessionExpired)
        }
    }

    /// The token, for the cookie or the app's answer.
    #[must_use]
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// What the store keeps: SHA-256, hex.
    #[must_use]
    pub fn digest(&self) -> String {
        token_digest(&self.0)
    }
}

impl fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SessionToken(***)")
    }
}

/// Who is asking: the browser session and the client address (as the web layer determined
/// it; used for throttling and the audit trail).
#[derive(Clone, Debug)]
pub struct Caller {
    /// The browser session.
    pub session: SessionToken,
    /// The client address, e.g. `203.0.113.7`.
    pub client: Option<String>,
}

impl Caller {
    /// A caller with a session and no known address.
    #[must_use]
    pub fn new(session: SessionToken) -> Self {
        Caller {
            session,
            client: None,
        }
    }

    /// Sets the client address.
    #[must_use]
    pub fn with_client(mut self, client: impl Into<String>) -> Self {
        self.client = Some(client.into());
        self
    }
}

pub(crate) struct Inner {
    pub(crate) store: Arc<dyn Store>,
    pub(crate) registry: Arc<dyn Registry>,
    pub(crate) sam: Arc<dyn Sam>,
    pub(crate) clock: Arc<dyn Clock + Send + Sync>,
    pub(crate) random: Arc<dyn Randomness>,
    pub(crate) keys: ServiceKeys,
    pub(crate) config: ServiceConfig,
    pub(crate) outbox_signal: Arc<Notify>,
    pub(crate) hashing: HashingPool,
}

/// The registration use cases of SPEC §4. Cheap to clone; share one per process.
///
/// Every method is one use case: typed input, a typed outcome or a [`ServiceError`] whose
/// catalog message the web layer shows. Every state change is one [`ChangeSet`] (one
/// transaction) carrying its audit event and, where a letter goes out, the sealed letter for
/// the outbox.
#[derive(Clone)]
pub struct Service {
    pub(crate) inner: Arc<Inner>,
}

impl fmt::Debug for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Service").finish_non_exhaustive()
    }
}

/// How often a session's `last_seen` is written at most.
pub(crate) const LAST_SEEN_STEP: chrono::TimeDelta = chrono::TimeDelta::minutes(1);

/// A code typed right ([`Service::check_code`]).
pub(crate) struct CodeAccepted {
    /// The registration it belongs to.
    pub registration: Registration,
    /// The change that spends it.
    pub spend: Change,
    /// The tries counter of this client, to reset on success.
    pub tries: crate::throttle::Counter,
    /// The context stored with the code.
    pub payload: Option<String>,
}

/// The subject of decoy secrets: not a registration identifier nor a session digest, so no
/// lookup accepts them.
pub(crate) const DECOY_SUBJECT: &str = "decoy";

impl Service {
    /// A service over `ports`, with secrets under `server_key`.
    ///
    /// # Errors
    /// [`ServiceError::Internal`] for an unusable configuration (bad secret policies).
    pub fn new(ports: Ports, server_key: ServerKey, config: ServiceConfig) -> Result<Self> {
        config
            .secret_policies
            .validate()
            .map_err(|_| ServiceError::Internal {
                what: "secret policies",
            })?;
        Ok(Service {
            inner: Arc::new(Inner {
                store: ports.store,
                registry: ports.registry,
                sam: ports.sam,
                clock: ports.clock,
                random: ports.random,
                keys: ServiceKeys::new(server_key)?,
                hashing: HashingPool::new(config.hashing)?,
                config,
                outbox_signal: Arc::new(Notify::new()),
            }),
        })
    }

    /// A service for the counter's operations only ([`Service::suspend`],
    /// [`Service::reinstate`], [`Service::show`], [`Service::purge_expired`]): they use no
    /// secrets, letters or SAM, so the keys are fresh random ones and the SAM holds a random
    /// key. Do not use it for the citizens' flows.
    ///
    /// # Errors
    /// [`ServiceError::Internal`] when the operating system's random source fails.
    pub fn counter(store: Arc<dyn Store>, registry: Arc<dyn Registry>) -> Result<Self> {
        Service::counter_with_key(store, registry, None)
    }

    /// Like [`Service::counter`], with the sites' server key when given (for
    /// [`Service::queue_test_letters`], whose letters the sites' workers must open).
    ///
    /// # Errors
    /// [`ServiceError::Internal`] when the operating system's random source fails.
    pub fn counter_with_key(
        store: Arc<dyn Store>,
        registry: Arc<dyn Registry>,
        server_key: Option<ServerKey>,
    ) -> Result<Self> {
        let random =
            Arc::new(
                crate::ports::SystemRandom::new().map_err(|_| ServiceError::Internal {
                    what: "random source",
                })?,
            );
        let server_key =
            server_key.unwrap_or_else(|| ServerKey::generate(&mut crate::ports::PortRng(&*random)));
        let master = twnhi_card::auth::MasterKey::from_bytes(random_array(&*random));
        let base = twnhi_notify::PublicBaseUrl::parse("https://counter.invalid/")
            .map_err(|_| ServiceError::Internal { what: "config" })?;
        let sender = twnhi_account::Email::parse("counter@counter.invalid")
            .map_err(|_| ServiceError::Internal { what: "config" })?;
        let mut config = ServiceConfig::new(base, sender);
        config.service_hours = twnhi_account::roc::ServiceHours::ALWAYS;
        Service::new(
            Ports {
                store,
                registry,
                sam: Arc::new(crate::sam::SoftwareSam::new(master)),
                clock: Arc::new(crate::ports::SystemClock),
                random,
            },
            server_key,
            config,
        )
    }

    /// The configuration.
    #[must_use]
    pub fn config(&self) -> &ServiceConfig {
        &self.inner.config
    }

    /// The keys (the outbox worker opens letters with them).
    pub(crate) fn keys(&self) -> &ServiceKeys {
        &self.inner.keys
    }

    /// Woken after every commit that queued a letter; give it to the
    /// [`OutboxWorker`](crate::OutboxWorker) so letters go out at once.
    #[must_use]
    pub fn outbox_signal(&self) -> Arc<Notify> {
        Arc::clone(&self.inner.outbox_signal)
    }

    pub(crate) fn now(&self) -> DateTime<Utc> {
        self.inner.clock.now()
    }

    pub(crate) fn random(&self) -> &dyn Randomness {
        &*self.inner.random
    }

    /// Refuses outside the service hours.
    pub(crate) fn guard_hours(&self, now: DateTime<Utc>) -> Result<()> {
        let hours = self.inner.config.service_hours;
        if hours.is_open(now) {
            Ok(())
        } else {
            Err(ServiceError::Closed { hours })
        }
    }

    /// Whether the site is open now (for the notice on every page).
    #[must_use]
    pub fn is_open(&self) -> bool {
        self.inner.config.service_hours.is_open(self.now())
    }

    // ----- change sets ------------------------------------------------------------------------

    pub(crate) fn audit(
        &self,
        now: DateTime<Utc>,
        registration: Option<&RegistrationId>,
        action: AuditAction,
        outcome: AuditOutcome,
        client: Option<&str>,
        detail: impl Into<String>,
    ) -> Change {
        Change::Audit(AuditEvent {
            at: now,
            registration_id: registration.cloned(),
            action,
            outcome,
            client: client.map(str::to_owned),
            detail: detail.into(),
        })
    }

    /// A letter for the outbox, sealed, under the caps per recipient and per registration
    /// ([`crate::LetterCaps`]: the store drops it silently beyond them).
    pub(crate) fn mail(
        &self,
        now: DateTime<Utc>,
        registration: Option<&RegistrationId>,
        data: &LetterData,
    ) -> Result<Change> {
        let id = hex::encode(random_array::<16>(self.random()));
        let json =
            Zeroizing::new(
                serde_json::to_vec(data).map_err(|_| ServiceError::Internal {
                    what: "letter data",
                })?,
            );
        let payload = self.keys().seal(&id, &json, self.random())?;
        let caps = self.inner.config.letter_caps;
        Ok(Change::EnqueueMail(NewMail {
            id,
            registration_id: registration.cloned(),
            kind: data.slug().to_owned(),
            payload,
            created_at: now,
            recipient_key: Some(
                self.keys()
                    .pseudonym("mailbox", &data.recipient().to_ascii_lowercase()),
            ),
            cap: Some(MailCap {
                since: now.checked_sub_signed(caps.window).unwrap_or(now),
                per_recipient: caps.per_recipient,
                per_registration: caps.per_registration,
            }),
        }))
    }

    /// Applies a change set; a conflict becomes [`ServiceError::Busy`] unless the caller maps
    /// it first. Wakes the outbox worker when letters were queued.
    pub(crate) async fn commit(&self, changes: ChangeSet) -> Result<()> {
        let has_mail = changes.mails().next().is_some();
        self.inner.store.apply(changes).await.map_err(|e| match e {
            StoreError::Conflict { .. } => ServiceError::Busy,
            other => other.into(),
        })?;
        if has_mail {
            self.inner.outbox_signal.notify_one();
        }
        Ok(())
    }

    /// [`Service::commit`] for a change set that spends a secret of `kind`: losing the race
    /// to another request that spent it first ([`ServiceError::Busy`]) is
    /// [`SecretError::Used`].
    pub(crate) async fn commit_spend(&self, changes: ChangeSet, kind: SecretKind) -> Result<()> {
        self.commit(changes).await.map_err(|e| match e {
            ServiceError::Busy => ServiceError::secret(kind, SecretError::Used),
            e => e,
        })
    }

    /// The work of a letter that is not sent: a secret stored under a subject no lookup ever
    /// accepts, and a letter sealed and dropped. Keeps "not registered" answers as slow as
    /// "registered" ones (SPEC §5) without telling anyone anything.
    pub(crate) fn decoy(
        &self,
        cs: &mut ChangeSet,
        kind: SecretKind,
        now: DateTime<Utc>,
    ) -> Result<()> {
        let record = self
            .inner
            .config
            .secret_policies
            .issue(
                self.keys().secrets(),
                kind,
                DECOY_SUBJECT,
                now,
                &mut crate::ports::PortRng(self.random()),
            )
            .into_record();
        cs.push(Change::PutSecret(twnhi_store::StoredSecret {
            record,
            payload: None,
        }));
        let filler = Zeroizing::new(vec![0u8; 400]);
        let _ = self.keys().seal(DECOY_SUBJECT, &filler, self.random())?;
        Ok(())
    }

    // ----- codes sent to the registrant -------------------------------------------------------

    /// Checks a code of `kind` issued to the current registration of `id_number` (the e-mail
    /// cancellation code, the device verification code) without telling a stranger anything:
    ///
    /// - tries are counted per person *and client address* (`code:…`), so a stranger who
    ///   guesses wrongly voids the code for themselves only, never for its owner; the form's
    ///   address ceiling applies as well;
    /// - a wrong code answers [`SecretError::Mismatch`] with the tries left on that counter
    ///   (the last one [`SecretError::Exhausted`]) — the same whether or not the person is
    ///   registered or has a code, with the same reads;
    /// - only someone who typed the code learns its state (expired, used).
    ///
    /// A right code is not spent here: returns the registration, the change that spends the
    /// code (for the caller's change set: commit it with [`Service::commit_spend`]), the
    /// counter the caller should reset, and the context stored with the code.
    pub(crate) async fn check_code(
        &self,
        kind: SecretKind,
        form: Form,
        id_number: &IdNumber,
        code: &str,
        (action, client): (AuditAction, Option<&str>),
        now: DateTime<Utc>,
    ) -> Result<CodeAccepted> {
        let tries = self.code_tries(kind, id_number, client);
        let ceiling: Vec<_> = self.address_counter(form, client).into_iter().collect();
        self.check_throttle(&ceiling, now).await?;
        let max = self.config().secret_policies.get(kind).max_attempts;
        let used = self.failures_on(&tries, now).await?;
        if used >= max {
            return Err(ServiceError::secret(kind, SecretError::Exhausted));
        }
        let reg = self.current_registration(id_number).await?;
        // The same reads whether or not there is a registration.
        let subject = reg
            .as_ref()
            .map_or(DECOY_SUBJECT, |r| r.id.as_str())
            .to_owned();
        let secret = self.inner.store.secret_for(kind, &subject).await?;
        let matched = match (&reg, &secret) {
            (Some(r), Some(s)) => s.record.matches(self.keys().secrets(), code, r.id.as_str()),
            _ => false,
        };
        let (true, Some(reg), Some(secret)) = (matched, reg, secret) else {
            let mut cs = ChangeSet::new();
            let mut counters = vec![tries];
            counters.extend(ceiling);
            self.fail(&mut cs, &counters, now);
            cs.push(self.audit(
                now,
                None,
                action,
                AuditOutcome::BadCode,
                client,
                format!("id={}", id_number.masked()),
            ));
            self.commit(cs).await?;
            let left = max.saturating_sub(used.saturating_add(1));
            return Err(ServiceError::secret(
                kind,
                if left == 0 {
                    SecretError::Exhausted
                } else {
                    SecretError::Mismatch {
                        attempts_left: left,
                    }
                },
            ));
        };
        let record = &secret.record;
        if record.is_used() {
            return Err(ServiceError::secret(kind, SecretError::Used));
        }
        if now >= record.expires_at() {
            return Err(ServiceError::secret(kind, SecretError::Expired));
        }
        let spend = Change::SpendSecret {
            digest: record.digest_hex().to_owned(),
            expected_attempts_left: record.attempts_left(),
        };
        Ok(CodeAccepted {
            registration: reg,
            spend,
            tries: self.code_tries(kind, id_number, client),
            payload: secret.payload,
        })
    }

    // ----- passwords (Argon2 off the async threads) ---------------------------------------------

    fn policy(&self) -> HashPolicy {
        self.inner.config.hash_policy
    }

    /// Hashes a new password on the hashing pool.
    ///
    /// # Errors
    /// [`ServiceError::Overloaded`] when too many requests wait already.
    pub(crate) async fn hash_password(&self, password: &Password) -> Result<PasswordHash> {
        let policy = self.policy();
        let password = password.clone();
        let mut seed: [u8; 32] = random_array(self.random());
        let result = self
            .inner
            .hashing
            .run(move |memory| {
                let mut rng = StdRng::from_seed(seed);
                seed.zeroize();
                policy.hash_in(password.expose(), &mut rng, memory)
            })
            .await?;
        result.map_err(|_| ServiceError::Internal { what: "hashing" })
    }

    /// Verifies a password on the hashing pool.
    ///
    /// # Errors
    /// [`ServiceError::Overloaded`] when too many requests wait already.
    pub(crate) async fn verify_password(
        &self,
        password: &Password,
        stored: &PasswordHash,
    ) -> Result<VerifyOutcome> {
        let policy = self.policy();
        let password = password.clone();
        let stored = stored.clone();
        let result = self
            .inner
            .hashing
            .run(move |memory| policy.verify_in(password.expose(), &stored, memory))
            .await?;
        result.map_err(|_| ServiceError::Internal { what: "verifying" })
    }

    /// Spends one hashing time for a person without a stored hash (SPEC §5: same speed).
    ///
    /// # Errors
    /// [`ServiceError::Overloaded`] when too many requests wait already (as for a person
    /// with a hash).
    pub(crate) async fn equalize(&self, password: &Password) -> Result<()> {
        let policy = self.policy();
        let password = password.clone();
        self.inner
            .hashing
            .run(move |memory| policy.equalize_timing_in(password.expose(), memory))
            .await
    }

    // ----- sessions ---------------------------------------------------------------------------

    /// How long after its recorded `last_seen` a browser session ends: the idle timeout plus
    /// [`LAST_SEEN_STEP`]. `last_seen` is written at most once per step (no write on every
    /// page view), so the true last request may be up to one step later than recorded: adding
    /// the step means a session never ends before the idle timeout has passed since its last
    /// request (at most one step after).
    pub(crate) fn session_idle_end_after(&self) -> chrono::TimeDelta {
        self.inner.config.session_idle_timeout + LAST_SEEN_STEP
    }

    /// Loads the browser session of a token (idle and absolute timeouts checked;
    /// `last_seen` moved forward at most once per [`LAST_SEEN_STEP`]). A token with no stored
    /// session is a new anonymous session, not stored until it holds something (a card
    /// authentication, a login): looking at pages writes nothing.
    pub(crate) async fn web_session(
        &self,
        token: &SessionToken,
        now: DateTime<Utc>,
    ) -> Result<SessionRecord> {
        let digest = token.digest();
        let Some(mut s) = self.inner.store.session(&digest).await? else {
            return Ok(self.new_session_record(token, SessionKind::Web, now));
        };
        let idle_end = s
            .last_seen_at
            .checked_add_signed(self.session_idle_end_after())
            .unwrap_or(s.last_seen_at);
        if s.kind != SessionKind::Web || now >= s.expires_at || now >= idle_end {
            let _ = self
                .inner
                .store
                .apply(ChangeSet::new().with(Change::DeleteSession { digest }))
                .await;
            return Err(ServiceError::SessionExpired);
        }
        if now.signed_duration_since(s.last_seen_at) >= LAST_SEEN_STEP {
            s.last_seen_at = now;
            self.inner
                .store
                .apply(ChangeSet::new().with(Change::PutSession(s.clone())))
                .await?;
        }
        Ok(s)
    }

    /// The session's logged-in registration (state not checked here).
    pub(crate) async fn logged_in(
        &self,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> Result<(SessionRecord, Registration)> {
        let s = self.web_session(&caller.session, now).await?;
        let Some(reg_id) = s.registration_id.clone() else {
            return Err(ServiceError::SessionExpired);
        };
        let Some(reg) = self.inner.store.registration(&reg_id).await? else {
            return Err(ServiceError::SessionExpired);
        };
        Ok((s, reg))
    }

    /// The card authenticated in this session within the validity, and its registry entry
    /// (a valid card).
    pub(crate) async fn session_card(
        &self,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> Result<(SessionRecord, InsuredPerson)> {
        self.session_card_within(caller, now, self.inner.config.card_auth_validity)
            .await
    }

    /// The card authenticated in this session for a form that re-reads the card when it is
    /// sent: within [`ServiceConfig::card_submit_window`](crate::ServiceConfig::card_submit_window).
    pub(crate) async fn submitted_card(
        &self,
        caller: &Caller,
        now: DateTime<Utc>,
    ) -> Result<(SessionRecord, InsuredPerson)> {
        let window = self
            .inner
            .config
            .card_submit_window
            .min(self.inner.config.card_auth_validity);
        self.session_card_within(caller, now, window).await
    }

    async fn session_card_within(
        &self,
        caller: &Caller,
        now: DateTime<Utc>,
        validity: TimeDelta,
    ) -> Result<(SessionRecord, InsuredPerson)> {
        let s = self.web_session(&caller.session, now).await?;
        let Some(card) = s.card.clone() else {
            return Err(ServiceError::CardRequired);
        };
        let fresh_until = card
            .verified_at
            .checked_add_signed(validity)
            .unwrap_or(card.verified_at);
        if now >= fresh_until {
            return Err(ServiceError::CardRequired);
        }
        let person = self.valid_person(&card.card_number).await?;
        Ok((s, person))
    }

    /// The registry entry of a valid card.
    pub(crate) async fn valid_person(&self, card: &CardNumber) -> Result<InsuredPerson> {
        match self.inner.registry.person_by_card(card).await? {
            Some(p) if p.card_status == twnhi_store::CardStatus::Valid => Ok(p),
            _ => Err(ServiceError::CardNotVerified),
        }
    }

    pub(crate) async fn current_registration(&self, id: &IdNumber) -> Result<Option<Registration>> {
        Ok(self.inner.store.current_registration(id).await?)
    }

    pub(crate) fn new_session_record(
        &self,
        token: &SessionToken,
        kind: SessionKind,
        now: DateTime<Utc>,
    ) -> SessionRecord {
        let lifetime = match kind {
            SessionKind::Web => self.inner.config.session_lifetime,
            SessionKind::App => self.inner.config.app_token_lifetime,
        };
        SessionRecord {
            digest: token.digest(),
            kind,
            registration_id: None,
            device_id: None,
            created_at: now,
            last_seen_at: now,
            expires_at: now.checked_add_signed(lifetime).unwrap_or(now),
            card: None,
        }
    }

    pub(crate) fn new_registration_id(&self) -> RegistrationId {
        RegistrationId::from_random(random_array(self.random()))
    }
}
