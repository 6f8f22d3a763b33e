//! The ports the use cases see: [`Store`], [`Registry`] and [`OutboxStore`], and the operators'
//! [`RegistryImport`]. Backends implement them in crates of their own (SQLite:
//! `twnhi-store-sqlite`) and prove it with the [conformance suite](crate::conformance) (feature
//! `conformance`). With the `mocks` feature, `mockall` mocks are generated: `MockStore`,
//! `MockRegistry`, `MockOutboxStore`.

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use twnhi_account::secret::SecretKind;
use twnhi_account::throttle::ThrottleState;
use twnhi_account::{CardNumber, IdNumber};

use crate::error::StoreError;
use crate::model::{
    AuditEvent, ChangeSet, ClaimedMail, ImportReport, InsuredPerson, MailStatus, MailSummary,
    Registration, RegistrationId, RegistryCounts, SessionRecord, StoredDevice, StoredSecret,
};

/// Registrations, devices, secrets, sessions, throttling counters and the audit trail.
///
/// Reads are plain queries; every state change is one [`ChangeSet`] applied by
/// [`Store::apply`] in one transaction, whose preconditions (expected versions, unused
/// secrets, unique constraints) make concurrent requests safe.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Store: Send + Sync {
    /// Applies a change set atomically.
    ///
    /// # Errors
    /// [`StoreError::Conflict`] when a precondition fails (nothing is written), other
    /// [`StoreError`]s for database failures.
    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError>;

    /// A registration by its identifier.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn registration(&self, id: &RegistrationId) -> Result<Option<Registration>, StoreError>;

    /// The person's registration that is not cancelled, if any.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn current_registration(
        &self,
        id_number: &IdNumber,
    ) -> Result<Option<Registration>, StoreError>;

    /// Every registration of a person, newest first (cancelled ones included).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn registrations_of(&self, id_number: &IdNumber)
    -> Result<Vec<Registration>, StoreError>;

    /// The devices of a registration (deleted ones included), in binding order.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn devices(&self, id: &RegistrationId) -> Result<Vec<StoredDevice>, StoreError>;

    /// A secret by its digest.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn secret_by_digest(&self, digest: &str) -> Result<Option<StoredSecret>, StoreError>;

    /// The secret of a kind issued to a subject.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn secret_for(
        &self,
        kind: SecretKind,
        subject: &str,
    ) -> Result<Option<StoredSecret>, StoreError>;

    /// A session by the SHA-256 of its token.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn session(&self, digest: &str) -> Result<Option<SessionRecord>, StoreError>;

    /// The throttling state of a key (default when never seen).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn throttle(&self, key: &str) -> Result<ThrottleState, StoreError>;

    /// The audit trail of a registration, oldest first.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn audit_trail(&self, id: &RegistrationId) -> Result<Vec<AuditEvent>, StoreError>;

    /// The letters queued for a registration, oldest first (no payloads).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn mails_of(&self, id: &RegistrationId) -> Result<Vec<MailSummary>, StoreError>;

    /// Deletes what has ended by `now`: sessions past their absolute end, browser sessions
    /// not seen since `web_idle_before`, spent or expired secrets, throttling counters quiet
    /// for two days (except the consecutive-failure caps, `*cap:*`), and the sealed payloads
    /// of letters given up more than a week ago. Returns how many rows went.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        web_idle_before: DateTime<Utc>,
    ) -> Result<u64, StoreError>;

    /// Registrations whose cancellation waiting period ended by `now`
    /// ([`Registration::cancel_effective_at`]), at most `limit`.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn due_cancellations(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Registration>, StoreError>;

    /// Readiness: writes (and commits) one small row, and (for a database in a file) checks
    /// that its file system has room to work, so that a full disk, a read-only file or a
    /// lost database server shows here before it shows to a citizen.
    ///
    /// # Errors
    /// [`StoreError`] when the database cannot be written.
    async fn check_writable(&self, now: DateTime<Utc>) -> Result<(), StoreError>;
}

/// The registry of insured persons (SPEC §4), read by card number.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait Registry: Send + Sync {
    /// The person a card belongs to.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn person_by_card(&self, card: &CardNumber) -> Result<Option<InsuredPerson>, StoreError>;

    /// The person's valid card, by ID number.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn person_by_id(&self, id: &IdNumber) -> Result<Option<InsuredPerson>, StoreError>;
}

/// Loading the registry of insured persons (operators' tools, the demo): not a port of the
/// use cases, which only read it through [`Registry`].
#[async_trait]
pub trait RegistryImport: Send + Sync {
    /// Imports registry rows in one transaction: every card is inserted or replaced; a
    /// person left with two valid cards refuses the whole import.
    ///
    /// # Errors
    /// [`StoreError::Import`] (nothing written) or another [`StoreError`].
    async fn import_registry(
        &self,
        persons: &[InsuredPerson],
        now: DateTime<Utc>,
    ) -> Result<ImportReport, StoreError>;

    /// How many persons and cards the registry holds.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn registry_counts(&self) -> Result<RegistryCounts, StoreError>;
}

/// The durable mail outbox, as the delivery worker sees it.
#[cfg_attr(feature = "mocks", mockall::automock)]
#[async_trait]
pub trait OutboxStore: Send + Sync {
    /// Claims up to `limit` letters due at `now` (pending, next attempt reached, not claimed
    /// by a live worker) for `lease`, under the claim `claimant` (a fresh random token per
    /// round): a worker that dies leaves them to be claimed again when the lease ends.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
        claimant: &str,
    ) -> Result<Vec<ClaimedMail>, StoreError>;

    /// Extends the claim on one letter until `until`, just before it is handed over: `false`
    /// when the claim was lost (the lease ran out and another worker took the letter), and
    /// the letter must then not be sent.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn renew_claim(
        &self,
        id: &str,
        claimant: &str,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError>;

    /// Marks a letter handed over and wipes its payload (only under `claimant`'s claim).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn mark_sent(
        &self,
        id: &str,
        claimant: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError>;

    /// Schedules another attempt (only under `claimant`'s claim).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn mark_retry(
        &self,
        id: &str,
        claimant: &str,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError>;

    /// Gives up on a letter (only under `claimant`'s claim) and records an audit event. The
    /// sealed payload is kept for a week so an operator can send it again
    /// ([`OutboxStore::requeue`]).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn mark_failed(
        &self,
        id: &str,
        claimant: &str,
        attempts: u32,
        error: &str,
        audit: AuditEvent,
    ) -> Result<(), StoreError>;

    /// The newest letters, at most `limit`, of one status or all (no payloads).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn list_mail(
        &self,
        status: Option<MailStatus>,
        limit: u32,
    ) -> Result<Vec<MailSummary>, StoreError>;

    /// Puts given-up letters back in the queue, due at `now` with their attempts counted
    /// from zero: the letter `id`, or every failed letter when `None`. Letters whose payload
    /// was already purged cannot be sent again and are left alone. Returns how many were
    /// requeued.
    ///
    /// # Errors
    /// [`StoreError`].
    async fn requeue(&self, id: Option<String>, now: DateTime<Utc>) -> Result<u64, StoreError>;

    /// The earliest next attempt among pending letters (for the worker's sleep).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError>;

    /// Counts letters per state: (pending, sent, failed).
    ///
    /// # Errors
    /// [`StoreError`].
    async fn counts(&self) -> Result<(u64, u64, u64), StoreError>;
}
