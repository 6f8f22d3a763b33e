//! The service: ports, keys and configuration, and the helpers every use case shares
//! (service hours, sessions, throttling, password hashing off the async threads, change sets
//! with their audit events and sealed letters).

use core::fmt;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use tokio::sync::Notify;
use twnhi_account::password::{HashPolicy, PasswordHash, VerifyOutcome};
use twnhi_account::secret::{SecretError, SecretKind, ServerKey};
use twnhi_account::throttle::{ThrottlePolicy, ThrottleState, check_all};
use twnhi_account::{CardNumber, Clock, IdNumber, Password};
use twnhi_store::{
    AuditEvent, Change, ChangeSet, InsuredPerson, NewMail, Registration, RegistrationId, Registry,
    SessionKind, SessionRecord, Store, StoreError,
};
use zeroize::{Zeroize, Zeroizing};

use crate::config::ServiceConfig;
use crate::error::{Result, ServiceError};
use crate::keys::{ServiceKeys, token_digest};
use crate::letters::LetterData;
use crate::ports::{Randomness, random_array};
use crate::sam::Sam;

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

/// The subject of decoy secrets: not a registration identifier nor a session digest, so no
/// lookup accepts them.
pub(crate) const DECOY_SUBJECT: &str = "decoy";

/// Throttling keys.
pub(crate) mod keys {
    use super::token_digest;

    pub fn registration(id: &str) -> String {
        format!("reg:{id}")
    }
    pub fn client(addr: &str) -> String {
        format!("addr:{addr}")
    }
    /// Keyed by a digest so the table holds no ID or card numbers.
    pub fn person(what: &str) -> String {
        format!("person:{}", token_digest(what))
    }
}

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
        let random =
            Arc::new(
                crate::ports::SystemRandom::new().map_err(|_| ServiceError::Internal {
                    what: "random source",
                })?,
            );
        let server_key = ServerKey::generate(&mut crate::ports::PortRng(&*random));
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
        action: &str,
        outcome: &str,
        client: Option<&str>,
        detail: impl Into<String>,
    ) -> Change {
        Change::Audit(AuditEvent {
            at: now,
            registration_id: registration.cloned(),
            action: action.to_owned(),
            outcome: outcome.to_owned(),
            client: client.map(str::to_owned),
            detail: detail.into(),
        })
    }

    /// A letter for the outbox, sealed.
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
        Ok(Change::EnqueueMail(NewMail {
            id,
            registration_id: registration.cloned(),
            kind: data.slug().to_owned(),
            payload,
            created_at: now,
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

    // ----- throttling -------------------------------------------------------------------------

    pub(crate) async fn check_throttle(
        &self,
        keys: &[(String, ThrottlePolicy)],
        now: DateTime<Utc>,
    ) -> Result<()> {
        let mut states: Vec<(ThrottlePolicy, ThrottleState)> = Vec::with_capacity(keys.len());
        for (key, policy) in keys {
            states.push((*policy, self.inner.store.throttle(key).await?));
        }
        let refs: Vec<(&ThrottlePolicy, &ThrottleState)> =
            states.iter().map(|(p, s)| (p, s)).collect();
        check_all(&refs, now).map_err(ServiceError::from)
    }

    pub(crate) fn client_key(&self, client: Option<&str>) -> Option<(String, ThrottlePolicy)> {
        client.map(|c| (keys::client(c), self.inner.config.per_client_address))
    }

    /// The keys of an attempt about one person (`what`: their ID or card number): per person,
    /// then per client address when it is known.
    pub(crate) fn person_keys(
        &self,
        what: &str,
        client: Option<&str>,
    ) -> Vec<(String, ThrottlePolicy)> {
        let mut tkeys = vec![(keys::person(what), self.inner.config.per_person)];
        tkeys.extend(self.client_key(client));
        tkeys
    }

    /// The keys of a password attempt: per client address when it is known, then per
    /// registration when there is one.
    pub(crate) fn registration_keys(
        &self,
        client: Option<&str>,
        registration: Option<&Registration>,
    ) -> Vec<(String, ThrottlePolicy)> {
        let mut tkeys: Vec<_> = self.client_key(client).into_iter().collect();
        if let Some(r) = registration {
            tkeys.push((
                keys::registration(r.id.as_str()),
                self.inner.config.per_registration,
            ));
        }
        tkeys
    }

    pub(crate) fn failures(
        &self,
        cs: &mut ChangeSet,
        keys: &[(String, ThrottlePolicy)],
        now: DateTime<Utc>,
    ) {
        for (key, policy) in keys {
            cs.push(Change::ThrottleFailure {
                key: key.clone(),
                policy: *policy,
                at: now,
            });
        }
    }

    // ----- codes sent to the registrant -------------------------------------------------------

    /// Checks a code of `kind` issued to the current registration of `id_number` (the e-mail
    /// cancellation code, the device verification code), throttled per person and per client
    /// address. No registration or no code: a throttle failure for each key, the audit event
    /// `action` / `no-code`, and [`SecretError::Mismatch`] with no tries left. A wrong code:
    /// the try spent, a throttle failure for each key, the audit event `action` / `bad-code`,
    /// and [`SecretError::Mismatch`] with the tries left. Other refusals of the code (expired,
    /// used, void) are answered as they are, with nothing recorded.
    ///
    /// A right code is not spent here: returns the registration and the change that spends
    /// the code, for the caller's change set (commit it with [`Service::commit_spend`]).
    pub(crate) async fn check_code(
        &self,
        kind: SecretKind,
        id_number: &IdNumber,
        code: &str,
        action: &str,
        client: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(Registration, Change)> {
        let tkeys = self.person_keys(id_number.as_str(), client);
        self.check_throttle(&tkeys, now).await?;
        let reg = self.current_registration(id_number).await?;
        let secret = match &reg {
            Some(r) => self.inner.store.secret_for(kind, r.id.as_str()).await?,
            None => None,
        };
        let (Some(reg), Some(mut secret)) = (reg, secret) else {
            let mut cs = ChangeSet::new();
            self.failures(&mut cs, &tkeys, now);
            cs.push(self.audit(
                now,
                None,
                action,
                "no-code",
                client,
                format!("id={}", id_number.masked()),
            ));
            self.commit(cs).await?;
            return Err(ServiceError::secret(
                kind,
                SecretError::Mismatch { attempts_left: 0 },
            ));
        };
        let before = secret.record.attempts_left();
        let digest = secret.record.digest_hex().to_owned();
        match secret
            .record
            .check(self.keys().secrets(), code, reg.id.as_str(), now)
        {
            Ok(()) => Ok((
                reg,
                Change::SpendSecret {
                    digest,
                    expected_attempts_left: before,
                },
            )),
            Err(SecretError::Mismatch { attempts_left }) => {
                let mut cs = ChangeSet::new().with(Change::SecretAttempt {
                    digest,
                    expected_attempts_left: before,
                    attempts_left,
                });
                self.failures(&mut cs, &tkeys, now);
                cs.push(self.audit(now, Some(&reg.id), action, "bad-code", client, ""));
                self.commit(cs).await?;
                Err(ServiceError::secret(
                    kind,
                    SecretError::Mismatch { attempts_left },
                ))
            }
            Err(e) => Err(ServiceError::secret(kind, e)),
        }
    }

    // ----- passwords (Argon2 off the async threads) ---------------------------------------------

    fn policy(&self) -> HashPolicy {
        self.inner.config.hash_policy
    }

    pub(crate) async fn hash_password(&self, password: &Password) -> Result<PasswordHash> {
        let policy = self.policy();
        let password = password.clone();
        let mut seed: [u8; 32] = random_array(self.random());
        let result = tokio::task::spawn_blocking(move || {
            let mut rng = StdRng::from_seed(seed);
            seed.zeroize();
            policy.hash(password.expose(), &mut rng)
        })
        .await
        .map_err(|_| ServiceError::Internal { what: "hashing" })?;
        result.map_err(|_| ServiceError::Internal { what: "hashing" })
    }

    pub(crate) async fn verify_password(
        &self,
        password: &Password,
        stored: &PasswordHash,
    ) -> Result<VerifyOutcome> {
        let policy = self.policy();
        let password = password.clone();
        let stored = stored.clone();
        let result = tokio::task::spawn_blocking(move || policy.verify(password.expose(), &stored))
            .await
            .map_err(|_| ServiceError::Internal { what: "verifying" })?;
        result.map_err(|_| ServiceError::Internal { what: "verifying" })
    }

    /// Spends one hashing time for a person without a stored hash (SPEC §5: same speed).
    pub(crate) async fn equalize(&self, password: &Password) {
        let policy = self.policy();
        let password = password.clone();
        let _ =
            tokio::task::spawn_blocking(move || policy.equalize_timing(password.expose())).await;
    }

    // ----- sessions ---------------------------------------------------------------------------

    /// Loads a live browser session (idle and absolute timeouts checked; `last_seen` moved
    /// forward at most once a minute).
    pub(crate) async fn web_session(
        &self,
        token: &SessionToken,
        now: DateTime<Utc>,
    ) -> Result<SessionRecord> {
        let digest = token.digest();
        let Some(mut s) = self.inner.store.session(&digest).await? else {
            return Err(ServiceError::SessionExpired);
        };
        let idle_end = s
            .last_seen_at
            .checked_add_signed(self.inner.config.session_idle_timeout)
            .unwrap_or(s.last_seen_at);
        if s.kind != SessionKind::Web || now >= s.expires_at || now >= idle_end {
            let _ = self
                .inner
                .store
                .apply(ChangeSet::new().with(Change::DeleteSession { digest }))
                .await;
            return Err(ServiceError::SessionExpired);
        }
        if now.signed_duration_since(s.last_seen_at) >= chrono::TimeDelta::minutes(1) {
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
        let s = self.web_session(&caller.session, now).await?;
        let Some(card) = s.card.clone() else {
            return Err(ServiceError::CardRequired);
        };
        let fresh_until = card
            .verified_at
            .checked_add_signed(self.inner.config.card_auth_validity)
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
