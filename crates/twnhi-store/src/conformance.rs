//! The conformance suite: what every backend of the ports must do, checked through the ports
//! alone (feature `conformance`).
//!
//! The use cases rely on more than the method signatures say: a change set is written whole
//! or not at all; one person has one current registration even when two requests race; a
//! secret is spent once and each wrong attempt counts once; every throttling failure counts,
//! however many arrive together; a letter is claimed by one worker at a time, and a worker
//! that lost its claim can neither send nor record. Each [`Check`] states one of these and
//! tests it against a fresh, empty backend. A backend crate runs them all from a test:
//!
//! ```ignore
//! #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
//! async fn conformance() {
//!     let report = twnhi_store::conformance::run(|| async { MyStore::open_empty().await }).await;
//!     assert!(report.is_ok(), "{report}");
//! }
//! ```
//!
//! The races are real: the concurrent requests of a check are polled together
//! (`join_all`), so a backend with a connection pool serves them on several connections at
//! once. Checks use fixed instants (2024), so they do not depend on the clock.

use core::fmt;
use core::future::Future;
use core::pin::Pin;

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use futures_util::future::join_all;
use twnhi_account::device::{DeviceId, DeviceInfo, DeviceRecord};
use twnhi_account::password::{HashPolicy, PasswordHash};
use twnhi_account::registration::RegistrationState;
use twnhi_account::secret::{SecretKind, SecretPolicies, ServerKey};
use twnhi_account::throttle::ThrottlePolicy;
use twnhi_account::{Email, IdNumber, MobilePhone};

use crate::registry::{CSV_HEADER, parse_csv};
use crate::{
    AuditAction, AuditEvent, AuditOutcome, AuthMethod, CardInSession, Change, ChangeSet, Contacts,
    MailCap, MailStatus, NewMail, OutboxStore, Registration, RegistrationId, Registry,
    RegistryImport, SessionKind, SessionRecord, Store, StoreError, StoredDevice, StoredSecret,
};

/// Everything a backend offers: the ports of the use cases, the outbox, the registry and its
/// import. Implemented for every type that implements them all.
pub trait Backend: Store + OutboxStore + Registry + RegistryImport {}

impl<T: Store + OutboxStore + Registry + RegistryImport> Backend for T {}

/// Why a check failed.
#[derive(Debug)]
pub struct Failure(String);

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<StoreError> for Failure {
    fn from(e: StoreError) -> Self {
        Failure(format!("unexpected store error: {e}"))
    }
}

/// The outcome of one check.
pub type Outcome = Result<(), Failure>;

type CheckFuture<'a> = Pin<Box<dyn Future<Output = Outcome> + Send + 'a>>;

/// One property every backend must have.
#[derive(Clone, Copy)]
pub struct Check {
    /// A sentence naming the property.
    pub name: &'static str,
    run: for<'a> fn(&'a dyn Backend) -> CheckFuture<'a>,
}

impl Check {
    /// Runs the check against `backend` (which should be fresh and empty).
    ///
    /// # Errors
    /// [`Failure`] saying what did not hold.
    pub async fn run(&self, backend: &dyn Backend) -> Outcome {
        (self.run)(backend).await
    }
}

impl fmt::Debug for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Check").field("name", &self.name).finish()
    }
}

/// What [`run`] found.
#[derive(Debug, Default)]
pub struct Report {
    /// The checks that passed.
    pub passed: Vec<&'static str>,
    /// The checks that failed, with why.
    pub failed: Vec<(&'static str, String)>,
}

impl Report {
    /// Whether every check passed.
    #[must_use]
    pub fn is_ok(&self) -> bool {
        self.failed.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} of {} checks passed",
            self.passed.len(),
            self.passed.len() + self.failed.len()
        )?;
        for (name, why) in &self.failed {
            writeln!(f, "FAILED {name}: {why}")?;
        }
        Ok(())
    }
}

/// Runs every check, each against a fresh backend made by `fresh`.
pub async fn run<F, Fut, B>(mut fresh: F) -> Report
where
    F: FnMut() -> Fut,
    Fut: Future<Output = B>,
    B: Backend,
{
    let mut report = Report::default();
    for check in checks() {
        let backend = fresh().await;
        match check.run(&backend).await {
            Ok(()) => report.passed.push(check.name),
            Err(why) => report.failed.push((check.name, why.0)),
        }
    }
    report
}

macro_rules! check {
    ($f:ident, $name:literal) => {
        Check {
            name: $name,
            run: |b| Box::pin($f(b)),
        }
    };
}

/// Every check, in the order [`run`] runs them.
#[must_use]
pub fn checks() -> Vec<Check> {
    vec![
        check!(
            registration_round_trip,
            "a registration reads back as written"
        ),
        check!(
            change_sets_are_all_or_nothing,
            "a change set that fails writes nothing"
        ),
        check!(
            every_audit_name_reads_back,
            "every audit action and outcome reads back as written"
        ),
        check!(
            one_current_registration_per_person,
            "one registration per person until it is cancelled"
        ),
        check!(
            racing_registrations_leave_one,
            "of concurrent registrations of one person exactly one is written"
        ),
        check!(
            stale_versions_are_refused,
            "an update from a stale version is a conflict, also when updates race"
        ),
        check!(
            a_secret_is_spent_once,
            "a secret is spent once, also when spends race"
        ),
        check!(
            wrong_attempts_count_once,
            "each wrong attempt on a secret counts once, also when they race"
        ),
        check!(
            secrets_replace_and_delete,
            "a new secret replaces the old of its kind and subject; payload set once"
        ),
        check!(
            throttle_failures_all_count,
            "every throttling failure counts, also when they race; resets clear"
        ),
        check!(
            sessions_round_trip,
            "sessions read back, update in place and end with their registration"
        ),
        check!(
            devices_keep_binding_order,
            "devices read back in binding order"
        ),
        check!(
            outbox_claims_are_exclusive,
            "a due letter is claimed by one worker at a time, also when workers race"
        ),
        check!(
            a_lost_claim_cannot_send_or_record,
            "a worker whose lease ran out can neither send nor record"
        ),
        check!(
            letters_beyond_the_caps_are_dropped,
            "letters beyond the caps per recipient and per registration are dropped"
        ),
        check!(
            failed_letters_requeue_until_purged,
            "a failed letter can be requeued until its payload is purged"
        ),
        check!(
            purge_removes_what_ended,
            "the purge removes ended sessions, spent secrets and quiet counters, not caps"
        ),
        check!(
            due_cancellations_in_order,
            "cancellations are due when their waiting period ends, oldest first"
        ),
        check!(
            registry_import_is_all_or_nothing,
            "a registry import is all or nothing; one valid card per person"
        ),
        check!(readiness_writes, "the readiness check writes"),
    ]
}

// ---------------------------------------------------------------------------------------------
// helpers

macro_rules! ensure {
    ($cond:expr, $($arg:tt)+) => {
        if !$cond {
            return Err(Failure(format!($($arg)+)));
        }
    };
}

macro_rules! ensure_eq {
    ($left:expr, $right:expr, $what:literal) => {{
        let (l, r) = (&$left, &$right);
        if l != r {
            return Err(Failure(format!(
                concat!($what, ": got {:?}, expected {:?}"),
                l, r
            )));
        }
    }};
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 2, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

/// A deterministic generator (the suite needs no randomness, only distinct values).
struct Counter(u64);

impl rand_core::TryRng for Counter {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        Ok(self.0 >> 11)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            *b = self.try_next_u64()? as u8;
        }
        Ok(())
    }
}

impl rand_core::TryCryptoRng for Counter {}

/// A synthetic ID number with a valid check digit: `A1000000nn` plus the digit.
fn id_number(n: u32) -> Result<IdNumber, Failure> {
    let nine = format!("A1{:07}", n % 10_000_000);
    let digit = twnhi_account::id::check_digit(&nine)
        .ok_or_else(|| Failure(format!("no check digit for {nine}")))?;
    IdNumber::parse(&format!("{nine}{digit}")).map_err(|e| Failure(format!("{nine}: {e}")))
}

fn registration_id(n: u8) -> RegistrationId {
    let mut b = [0u8; 16];
    for (i, x) in b.iter_mut().enumerate() {
        *x = n
            .wrapping_mul(31)
            .wrapping_add(u8::try_from(i).unwrap_or(0));
    }
    RegistrationId::from_random(b)
}

fn password_hash(seed: u64) -> Result<PasswordHash, Failure> {
    HashPolicy::new(64, 1, 1)
        .and_then(|p| p.hash("Tw#2024nhi", &mut Counter(seed)))
        .map_err(|e| Failure(format!("hashing: {e}")))
}

fn registration(n: u8, person: u32) -> Result<Registration, Failure> {
    let email = |s: &str| Email::parse(s).map_err(|e| Failure(format!("{s}: {e}")));
    Ok(Registration {
        id: registration_id(n),
        id_number: id_number(person)?,
        card_number: "000011112222"
            .parse()
            .map_err(|_| Failure("card number".into()))?,
        state: RegistrationState::PendingEmailVerification,
        password_hash: password_hash(u64::from(n))?,
        contacts: Contacts {
            email: email("test.one@example.com")?,
            spare_email: Some(email("spare.one@example.com")?),
            mobile_phone: Some(
                MobilePhone::parse("0912345678").map_err(|e| Failure(format!("phone: {e}")))?,
            ),
            local_phone: Some(
                "(02)2345-6789#12"
                    .parse()
                    .map_err(|_| Failure("local phone".into()))?,
            ),
        },
        created_at: t0(),
        updated_at: t0(),
        verified_at: None,
        cancelled_at: None,
        cancel_effective_at: None,
        version: 0,
    })
}

fn audit(action: AuditAction, reg: Option<&RegistrationId>) -> AuditEvent {
    AuditEvent {
        at: t0(),
        registration_id: reg.cloned(),
        action,
        outcome: AuditOutcome::Ok,
        client: Some("client-1".into()),
        detail: "d=1".into(),
    }
}

fn one(change: Change) -> ChangeSet {
    ChangeSet::new().with(change)
}

fn conflicts(results: &[Result<(), StoreError>]) -> Result<(usize, usize), Failure> {
    let mut ok = 0;
    let mut conflict = 0;
    for r in results {
        match r {
            Ok(()) => ok += 1,
            Err(e) if e.is_conflict() => conflict += 1,
            Err(e) => return Err(Failure(format!("a racing request failed otherwise: {e}"))),
        }
    }
    Ok((ok, conflict))
}

fn secret_of(kind: SecretKind, subject: &str, seed: u64) -> Result<StoredSecret, Failure> {
    let key = ServerKey::new(vec![7; 32]).map_err(|e| Failure(format!("server key: {e}")))?;
    let (_, record) = SecretPolicies::default()
        .issue(&key, kind, subject, t0(), &mut Counter(seed))
        .into_parts();
    Ok(StoredSecret {
        record,
        payload: None,
    })
}

/// A device code (10 minutes, 5 attempts).
fn secret(subject: &str, seed: u64) -> Result<StoredSecret, Failure> {
    secret_of(SecretKind::DeviceCode, subject, seed)
}

fn letter(n: u32, to: &str, reg: Option<&RegistrationId>) -> NewMail {
    NewMail {
        id: format!("{n:032x}"),
        registration_id: reg.cloned(),
        kind: "confirmation".into(),
        payload: vec![1, 2, 3],
        created_at: t0(),
        recipient_key: Some(to.into()),
        cap: None,
    }
}

fn session(digest: &str, kind: SessionKind, last_seen: DateTime<Utc>) -> SessionRecord {
    SessionRecord {
        digest: digest.into(),
        kind,
        registration_id: None,
        device_id: None,
        created_at: t0(),
        last_seen_at: last_seen,
        expires_at: t0() + TimeDelta::hours(8),
        card: None,
    }
}

// ---------------------------------------------------------------------------------------------
// registrations

async fn registration_round_trip(b: &dyn Backend) -> Outcome {
    let mut r = registration(1, 1)?;
    // Microseconds survive; optional contacts may be absent.
    r.created_at = t0() + TimeDelta::microseconds(123_456);
    r.contacts.spare_email = None;
    r.contacts.mobile_phone = None;
    b.apply(one(Change::InsertRegistration(r.clone()))).await?;
    let back = b
        .registration(&r.id)
        .await?
        .ok_or_else(|| Failure("the registration is not there".into()))?;
    ensure_eq!(back, r, "read back");
    let current = b.current_registration(&r.id_number).await?;
    ensure_eq!(current.map(|c| c.id), Some(r.id.clone()), "current");
    ensure!(
        b.registration(&registration_id(99)).await?.is_none(),
        "an unknown identifier finds something"
    );
    ensure!(
        b.current_registration(&id_number(2)?).await?.is_none(),
        "an unknown person has a registration"
    );
    Ok(())
}

async fn change_sets_are_all_or_nothing(b: &dyn Backend) -> Outcome {
    let r = registration(1, 1)?;
    b.apply(
        ChangeSet::new()
            .with(Change::InsertRegistration(r.clone()))
            .with(Change::Audit(audit(AuditAction::Apply, Some(&r.id)))),
    )
    .await?;
    ensure_eq!(b.audit_trail(&r.id).await?.len(), 1, "audit events");
    // A second registration of the same person fails: the audit event, the session and the
    // letter of the same change set are not written either.
    let err = b
        .apply(
            ChangeSet::new()
                .with(Change::Audit(audit(AuditAction::ApplyCheck, Some(&r.id))))
                .with(Change::PutSession(session("s-1", SessionKind::Web, t0())))
                .with(Change::EnqueueMail(letter(1, "box-1", Some(&r.id))))
                .with(Change::InsertRegistration(registration(2, 1)?)),
        )
        .await;
    match err {
        Err(e) if e.is_conflict() => {}
        Err(e) => return Err(Failure(format!("expected a conflict, got {e}"))),
        Ok(()) => return Err(Failure("a second registration of one person".into())),
    }
    ensure_eq!(
        b.audit_trail(&r.id).await?.len(),
        1,
        "audit events after the failed change set"
    );
    ensure!(
        b.session("s-1").await?.is_none(),
        "the failed change set's session was written"
    );
    ensure!(
        b.mails_of(&r.id).await?.is_empty(),
        "the failed change set's letter was written"
    );
    // The audit trail keeps order and content.
    b.apply(one(Change::Audit(audit(AuditAction::Login, Some(&r.id)))))
        .await?;
    let trail = b.audit_trail(&r.id).await?;
    let actions: Vec<AuditAction> = trail.iter().map(|e| e.action).collect();
    ensure_eq!(
        actions,
        vec![AuditAction::Apply, AuditAction::Login],
        "audit order"
    );
    ensure_eq!(
        trail[0],
        audit(AuditAction::Apply, Some(&r.id)),
        "audit event"
    );
    Ok(())
}

async fn every_audit_name_reads_back(b: &dyn Backend) -> Outcome {
    let r = registration(1, 1)?;
    let mut cs = ChangeSet::new().with(Change::InsertRegistration(r.clone()));
    let mut written = Vec::new();
    for action in AuditAction::ALL {
        written.push(audit(action, Some(&r.id)));
    }
    for outcome in AuditOutcome::ALL {
        written.push(AuditEvent {
            outcome,
            client: None,
            detail: String::new(),
            ..audit(AuditAction::Login, Some(&r.id))
        });
    }
    for e in &written {
        cs.push(Change::Audit(e.clone()));
    }
    b.apply(cs).await?;
    ensure_eq!(b.audit_trail(&r.id).await?, written, "the audit trail");
    Ok(())
}

async fn one_current_registration_per_person(b: &dyn Backend) -> Outcome {
    let r = registration(1, 1)?;
    b.apply(one(Change::InsertRegistration(r.clone()))).await?;
    let second = b
        .apply(one(Change::InsertRegistration(registration(2, 1)?)))
        .await;
    ensure!(
        second.as_ref().is_err_and(StoreError::is_conflict),
        "a second registration of one person: {second:?}"
    );
    // Another person is not affected.
    b.apply(one(Change::InsertRegistration(registration(3, 2)?)))
        .await?;
    // Once cancelled, the person may register again.
    let mut cancelled = r.clone();
    cancelled.state = RegistrationState::Cancelled;
    cancelled.cancelled_at = Some(t0());
    b.apply(one(Change::UpdateRegistration {
        expected_version: 0,
        registration: cancelled,
    }))
    .await?;
    ensure!(
        b.current_registration(&r.id_number).await?.is_none(),
        "a cancelled registration is current"
    );
    let mut again = registration(4, 1)?;
    again.created_at = t0() + TimeDelta::seconds(1);
    b.apply(one(Change::InsertRegistration(again.clone())))
        .await?;
    let all = b.registrations_of(&r.id_number).await?;
    let ids: Vec<_> = all.iter().map(|x| x.id.clone()).collect();
    ensure_eq!(ids, vec![again.id.clone(), r.id.clone()], "newest first");
    ensure_eq!(
        b.current_registration(&r.id_number).await?.map(|x| x.id),
        Some(again.id),
        "current after registering again"
    );
    Ok(())
}

async fn racing_registrations_leave_one(b: &dyn Backend) -> Outcome {
    let mut sets = Vec::new();
    for n in 0..16u8 {
        sets.push(
            ChangeSet::new()
                .with(Change::InsertRegistration(registration(n + 1, 7)?))
                .with(Change::Audit(audit(AuditAction::Apply, None))),
        );
    }
    let results = join_all(sets.into_iter().map(|s| b.apply(s))).await;
    let (ok, conflict) = conflicts(&results)?;
    ensure_eq!((ok, conflict), (1, 15), "(written, conflicts)");
    ensure_eq!(
        b.registrations_of(&id_number(7)?).await?.len(),
        1,
        "registrations"
    );
    Ok(())
}

async fn stale_versions_are_refused(b: &dyn Backend) -> Outcome {
    let r = registration(1, 1)?;
    b.apply(one(Change::InsertRegistration(r.clone()))).await?;
    let mut active = r.clone();
    active.state = RegistrationState::Active;
    active.verified_at = Some(t0());
    b.apply(one(Change::UpdateRegistration {
        expected_version: 0,
        registration: active.clone(),
    }))
    .await?;
    let back = b
        .registration(&r.id)
        .await?
        .ok_or_else(|| Failure("gone".into()))?;
    ensure_eq!(back.version, 1, "version after one update");
    ensure_eq!(back.state, RegistrationState::Active, "state");
    let stale = b
        .apply(one(Change::UpdateRegistration {
            expected_version: 0,
            registration: active.clone(),
        }))
        .await;
    ensure!(
        stale.as_ref().is_err_and(StoreError::is_conflict),
        "an update from version 0 after version 1: {stale:?}"
    );
    // Eight updates from version 1 at once: one wins.
    let mut updates = Vec::new();
    for n in 0..8u8 {
        let mut x = back.clone();
        x.contacts.mobile_phone = Some(
            MobilePhone::parse(&format!("091234567{n}"))
                .map_err(|e| Failure(format!("phone: {e}")))?,
        );
        updates.push(one(Change::UpdateRegistration {
            expected_version: 1,
            registration: x,
        }));
    }
    let results = join_all(updates.into_iter().map(|s| b.apply(s))).await;
    ensure_eq!(conflicts(&results)?, (1, 7), "(written, conflicts)");
    let after = b
        .registration(&r.id)
        .await?
        .ok_or_else(|| Failure("gone".into()))?;
    ensure_eq!(after.version, 2, "version after the race");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// secrets

async fn a_secret_is_spent_once(b: &dyn Backend) -> Outcome {
    let s = secret("subject-1", 3)?;
    let digest = s.record.digest_hex().to_owned();
    let left = s.record.attempts_left();
    b.apply(one(Change::PutSecret(s.clone()))).await?;
    ensure_eq!(
        b.secret_for(SecretKind::DeviceCode, "subject-1").await?,
        Some(s.clone()),
        "by kind and subject"
    );
    ensure_eq!(b.secret_by_digest(&digest).await?, Some(s), "by digest");
    let spend = || {
        one(Change::SpendSecret {
            digest: digest.clone(),
            expected_attempts_left: left,
        })
    };
    let results = join_all((0..12).map(|_| b.apply(spend()))).await;
    ensure_eq!(conflicts(&results)?, (1, 11), "(spent, conflicts)");
    let after = b
        .secret_by_digest(&digest)
        .await?
        .ok_or_else(|| Failure("a spent secret vanished before the purge".into()))?;
    ensure!(after.record.is_used(), "not marked used");
    let again = b.apply(spend()).await;
    ensure!(
        again.as_ref().is_err_and(StoreError::is_conflict),
        "spent twice: {again:?}"
    );
    Ok(())
}

async fn wrong_attempts_count_once(b: &dyn Backend) -> Outcome {
    let s = secret("subject-2", 4)?;
    let digest = s.record.digest_hex().to_owned();
    let left = s.record.attempts_left();
    ensure!(left >= 2, "the device code allows {left} attempts");
    b.apply(one(Change::PutSecret(s))).await?;
    let attempt = || {
        one(Change::SecretAttempt {
            digest: digest.clone(),
            expected_attempts_left: left,
            attempts_left: left - 1,
        })
    };
    let results = join_all((0..8).map(|_| b.apply(attempt()))).await;
    ensure_eq!(conflicts(&results)?, (1, 7), "(counted, conflicts)");
    let now = b
        .secret_by_digest(&digest)
        .await?
        .ok_or_else(|| Failure("gone".into()))?;
    ensure_eq!(now.record.attempts_left(), left - 1, "attempts left");
    // Spending expects the current count.
    let stale = b
        .apply(one(Change::SpendSecret {
            digest: digest.clone(),
            expected_attempts_left: left,
        }))
        .await;
    ensure!(
        stale.as_ref().is_err_and(StoreError::is_conflict),
        "spent with a stale attempt count: {stale:?}"
    );
    b.apply(one(Change::SpendSecret {
        digest,
        expected_attempts_left: left - 1,
    }))
    .await?;
    Ok(())
}

async fn secrets_replace_and_delete(b: &dyn Backend) -> Outcome {
    let old = secret("subject-3", 5)?;
    let new = secret("subject-3", 6)?;
    ensure!(
        old.record.digest_hex() != new.record.digest_hex(),
        "two issues gave one digest"
    );
    b.apply(one(Change::PutSecret(old.clone()))).await?;
    b.apply(one(Change::PutSecret(new.clone()))).await?;
    ensure!(
        b.secret_by_digest(old.record.digest_hex()).await?.is_none(),
        "the replaced secret is still there"
    );
    let digest = new.record.digest_hex().to_owned();
    b.apply(one(Change::SetSecretPayload {
        digest: digest.clone(),
        payload: "context-1".into(),
    }))
    .await?;
    let twice = b
        .apply(one(Change::SetSecretPayload {
            digest: digest.clone(),
            payload: "context-2".into(),
        }))
        .await;
    ensure!(
        twice.as_ref().is_err_and(StoreError::is_conflict),
        "payload set twice: {twice:?}"
    );
    ensure_eq!(
        b.secret_by_digest(&digest).await?.and_then(|s| s.payload),
        Some("context-1".to_owned()),
        "payload"
    );
    let other = secret("subject-4", 7)?;
    b.apply(one(Change::PutSecret(other.clone()))).await?;
    b.apply(one(Change::DeleteSecretsOf {
        subject: "subject-3".into(),
    }))
    .await?;
    ensure!(
        b.secret_by_digest(&digest).await?.is_none(),
        "deleted by subject"
    );
    ensure!(
        b.secret_by_digest(other.record.digest_hex())
            .await?
            .is_some(),
        "another subject's secret went too"
    );
    b.apply(one(Change::DeleteSecret {
        digest: other.record.digest_hex().to_owned(),
    }))
    .await?;
    ensure!(
        b.secret_for(SecretKind::DeviceCode, "subject-4")
            .await?
            .is_none(),
        "deleted by digest"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// throttling

async fn throttle_failures_all_count(b: &dyn Backend) -> Outcome {
    let policy = ThrottlePolicy::per_registration();
    let failure = |key: &str| {
        one(Change::ThrottleFailure {
            key: key.into(),
            policy,
            at: t0(),
        })
    };
    let results = join_all((0..16).map(|_| b.apply(failure("reg:x")))).await;
    ensure_eq!(conflicts(&results)?, (16, 0), "(counted, conflicts)");
    let state = b.throttle("reg:x").await?;
    ensure_eq!(state.failures(), 16, "failures counted");
    ensure_eq!(state.last_failure(), Some(t0()), "last failure");
    ensure!(
        policy.check(&state, t0()).is_err(),
        "16 failures do not throttle"
    );
    ensure_eq!(b.throttle("never").await?.failures(), 0, "an unknown key");
    b.apply(one(Change::ThrottleReset {
        key: "reg:x".into(),
    }))
    .await?;
    ensure_eq!(b.throttle("reg:x").await?.failures(), 0, "after a reset");
    for key in ["code:x:p1:a", "code:x:p1:b", "code:x:p2:a", "code:x:p1"] {
        b.apply(failure(key)).await?;
    }
    b.apply(one(Change::ThrottleResetPrefix {
        prefix: "code:x:p1:".into(),
    }))
    .await?;
    ensure_eq!(b.throttle("code:x:p1:a").await?.failures(), 0, "p1:a");
    ensure_eq!(b.throttle("code:x:p1:b").await?.failures(), 0, "p1:b");
    ensure_eq!(b.throttle("code:x:p2:a").await?.failures(), 1, "p2:a");
    ensure_eq!(
        b.throttle("code:x:p1").await?.failures(),
        1,
        "the prefix without its colon"
    );
    // A prefix is text, not a pattern.
    b.apply(failure("pct%:a")).await?;
    b.apply(one(Change::ThrottleResetPrefix {
        prefix: "p_t".into(),
    }))
    .await?;
    ensure_eq!(
        b.throttle("pct%:a").await?.failures(),
        1,
        "a prefix with pattern characters matched"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// sessions and devices

async fn sessions_round_trip(b: &dyn Backend) -> Outcome {
    let r = registration(1, 1)?;
    b.apply(one(Change::InsertRegistration(r.clone()))).await?;
    let mut s = session("digest-1", SessionKind::App, t0());
    s.registration_id = Some(r.id.clone());
    s.device_id = Some("device-1".into());
    s.card = Some(CardInSession {
        card_number: r.card_number.clone(),
        verified_at: t0() + TimeDelta::microseconds(7),
        via: AuthMethod::Certificate,
    });
    b.apply(one(Change::PutSession(s.clone()))).await?;
    ensure_eq!(b.session("digest-1").await?, Some(s.clone()), "read back");
    let mut seen = s.clone();
    seen.last_seen_at = t0() + TimeDelta::minutes(3);
    seen.card = None;
    b.apply(one(Change::PutSession(seen.clone()))).await?;
    ensure_eq!(b.session("digest-1").await?, Some(seen), "updated in place");
    let other = session("digest-2", SessionKind::Web, t0());
    b.apply(one(Change::PutSession(other.clone()))).await?;
    b.apply(one(Change::DeleteSessionsOf {
        registration_id: r.id.clone(),
    }))
    .await?;
    ensure!(
        b.session("digest-1").await?.is_none(),
        "the registration's session outlived it"
    );
    ensure_eq!(b.session("digest-2").await?, Some(other), "another session");
    b.apply(one(Change::DeleteSession {
        digest: "digest-2".into(),
    }))
    .await?;
    ensure!(b.session("digest-2").await?.is_none(), "deleted");
    Ok(())
}

async fn devices_keep_binding_order(b: &dyn Backend) -> Outcome {
    let r = registration(1, 1)?;
    b.apply(one(Change::InsertRegistration(r.clone()))).await?;
    let device = |id: &str, at: DateTime<Utc>| -> Result<StoredDevice, Failure> {
        let record = DeviceRecord::new(
            DeviceId::parse(id).map_err(|e| Failure(format!("{id}: {e}")))?,
            DeviceInfo::new("Android", "Pixel 8").map_err(|e| Failure(format!("{e}")))?,
            at,
        );
        Ok(StoredDevice {
            record,
            totp_seed: format!("seed-{id}"),
        })
    };
    let ids = [
        "0123456789abcdef0001",
        "0123456789abcdef0002",
        "0123456789abcdef0003",
    ];
    for (i, id) in ids.iter().enumerate() {
        let at = t0() + TimeDelta::minutes(i64::try_from(i).unwrap_or(0));
        b.apply(one(Change::PutDevice {
            registration_id: r.id.clone(),
            device: device(id, at)?,
        }))
        .await?;
    }
    // The first device changes state (same binding): it keeps its place.
    let mut first = device(ids[0], t0())?;
    first.record.record_totp_step(42);
    b.apply(one(Change::PutDevice {
        registration_id: r.id.clone(),
        device: first.clone(),
    }))
    .await?;
    let listed = b.devices(&r.id).await?;
    let order: Vec<String> = listed
        .iter()
        .map(|d| d.record.id().as_str().to_owned())
        .collect();
    ensure_eq!(order, ids.to_vec(), "binding order after an update");
    ensure_eq!(listed[0].record, first.record, "the updated device");
    ensure_eq!(listed[0].totp_seed, first.totp_seed, "its seed");
    // Bound again later: it moves to the end.
    b.apply(one(Change::PutDevice {
        registration_id: r.id.clone(),
        device: device(ids[0], t0() + TimeDelta::hours(1))?,
    }))
    .await?;
    let order: Vec<String> = b
        .devices(&r.id)
        .await?
        .iter()
        .map(|d| d.record.id().as_str().to_owned())
        .collect();
    ensure_eq!(
        order,
        vec![ids[1], ids[2], ids[0]],
        "binding order after binding again"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// outbox

async fn outbox_claims_are_exclusive(b: &dyn Backend) -> Outcome {
    for n in 0..20 {
        b.apply(one(Change::EnqueueMail(letter(
            n,
            &format!("box-{n}"),
            None,
        ))))
        .await?;
    }
    ensure_eq!(b.counts().await?, (20, 0, 0), "(pending, sent, failed)");
    let lease = TimeDelta::minutes(2);
    let claimants: Vec<String> = (0..4).map(|i| format!("worker-{i}")).collect();
    let rounds = join_all(
        claimants
            .iter()
            .map(|c| b.claim_due(t0(), lease, 8, c.as_str())),
    )
    .await;
    let mut seen = std::collections::BTreeMap::new();
    for (round, claimant) in rounds.into_iter().zip(&claimants) {
        for mail in round? {
            ensure_eq!(&mail.claim, claimant, "claim token");
            ensure_eq!(mail.payload, vec![1u8, 2, 3], "payload");
            if let Some(first) = seen.insert(mail.id.clone(), claimant.clone()) {
                return Err(Failure(format!(
                    "letter {} claimed by {first} and {claimant}",
                    mail.id
                )));
            }
        }
    }
    ensure_eq!(seen.len(), 20, "letters claimed in all");
    ensure!(
        b.claim_due(t0(), lease, 50, "late").await?.is_empty(),
        "a claimed letter was claimed again within its lease"
    );
    ensure_eq!(b.next_due().await?, Some(t0() + lease), "next due");
    // A letter is renewed and marked only under its own claim.
    let (id, owner) = seen
        .iter()
        .next()
        .map(|(i, o)| (i.clone(), o.clone()))
        .ok_or_else(|| Failure("nothing claimed".into()))?;
    ensure!(
        !b.renew_claim(&id, "stranger", t0() + lease).await?,
        "renewed under another claim"
    );
    ensure!(
        b.renew_claim(&id, &owner, t0() + lease).await?,
        "not renewed under its own claim"
    );
    b.mark_sent(&id, "stranger", t0()).await?;
    ensure_eq!(b.counts().await?, (20, 0, 0), "sent under another claim");
    b.mark_sent(&id, &owner, t0()).await?;
    ensure_eq!(b.counts().await?, (19, 1, 0), "sent");
    // Retried later: not due before its time, then claimed with its attempts.
    let (id2, owner2) = seen
        .iter()
        .nth(1)
        .map(|(i, o)| (i.clone(), o.clone()))
        .ok_or_else(|| Failure("nothing claimed".into()))?;
    b.mark_retry(&id2, &owner2, 1, t0() + TimeDelta::minutes(5), "451")
        .await?;
    let at4 = b
        .claim_due(t0() + TimeDelta::minutes(4), lease, 50, "w4")
        .await?;
    ensure!(
        at4.iter().all(|m| m.id != id2),
        "a retried letter was claimed before its time"
    );
    ensure_eq!(at4.len(), 18, "letters whose lease ran out, claimed again");
    let at5 = b
        .claim_due(t0() + TimeDelta::minutes(5), lease, 50, "w5")
        .await?;
    ensure_eq!(
        at5.iter()
            .map(|m| (m.id.clone(), m.attempts))
            .collect::<Vec<_>>(),
        vec![(id2, 1)],
        "the retried letter"
    );
    ensure_eq!(
        b.list_mail(Some(MailStatus::Sent), 10)
            .await?
            .into_iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        vec![id],
        "sent letters"
    );
    Ok(())
}

async fn a_lost_claim_cannot_send_or_record(b: &dyn Backend) -> Outcome {
    let mail = letter(1, "box-1", None);
    let id = mail.id.clone();
    b.apply(one(Change::EnqueueMail(mail))).await?;
    let lease = TimeDelta::minutes(2);
    ensure_eq!(
        b.claim_due(t0(), lease, 10, "slow").await?.len(),
        1,
        "claimed"
    );
    let later = t0() + TimeDelta::minutes(5);
    ensure_eq!(
        b.claim_due(later, lease, 10, "fast").await?.len(),
        1,
        "claimed after the lease"
    );
    ensure!(
        !b.renew_claim(&id, "slow", later + lease).await?,
        "a lost claim renewed"
    );
    b.mark_sent(&id, "slow", later).await?;
    b.mark_retry(&id, "slow", 3, later, "x").await?;
    b.mark_failed(&id, "slow", 3, "x", audit(AuditAction::LetterFailed, None))
        .await?;
    ensure_eq!(b.counts().await?, (1, 0, 0), "after the lost claim's marks");
    b.mark_sent(&id, "fast", later).await?;
    ensure_eq!(b.counts().await?, (0, 1, 0), "after the owner's mark");
    Ok(())
}

async fn letters_beyond_the_caps_are_dropped(b: &dyn Backend) -> Outcome {
    let r = registration(1, 1)?;
    b.apply(one(Change::InsertRegistration(r.clone()))).await?;
    let cap = MailCap {
        since: t0() - TimeDelta::hours(1),
        per_recipient: 3,
        per_registration: 4,
    };
    let capped = |n: u32, to: &str, reg: Option<&RegistrationId>| NewMail {
        cap: Some(cap),
        ..letter(n, to, reg)
    };
    for n in 0..10 {
        b.apply(one(Change::EnqueueMail(capped(n, "box-1", None))))
            .await?;
    }
    ensure_eq!(b.counts().await?.0, 3, "letters to one recipient");
    for n in 10..20 {
        b.apply(one(Change::EnqueueMail(capped(
            n,
            &format!("box-{n}"),
            Some(&r.id),
        ))))
        .await?;
    }
    ensure_eq!(b.counts().await?.0, 3 + 4, "letters of one registration");
    ensure_eq!(
        b.mails_of(&r.id).await?.len(),
        4,
        "the registration's letters"
    );
    // Uncapped letters always go; a dropped letter does not fail its change set.
    b.apply(
        ChangeSet::new()
            .with(Change::EnqueueMail(letter(30, "box-1", None)))
            .with(Change::EnqueueMail(capped(31, "box-1", None)))
            .with(Change::Audit(audit(AuditAction::Logout, Some(&r.id)))),
    )
    .await?;
    ensure_eq!(b.counts().await?.0, 8, "after an uncapped letter");
    ensure_eq!(
        b.audit_trail(&r.id).await?.len(),
        1,
        "the rest of the change set"
    );
    // Once the window has moved on, the recipient gets letters again.
    let late = NewMail {
        created_at: t0() + TimeDelta::hours(2),
        cap: Some(MailCap {
            since: t0() + TimeDelta::hours(1),
            ..cap
        }),
        ..letter(99, "box-1", None)
    };
    b.apply(one(Change::EnqueueMail(late))).await?;
    ensure_eq!(b.counts().await?.0, 9, "after the window");
    Ok(())
}

async fn failed_letters_requeue_until_purged(b: &dyn Backend) -> Outcome {
    let r = registration(1, 1)?;
    b.apply(one(Change::InsertRegistration(r.clone()))).await?;
    let mail = letter(2, "box-1", Some(&r.id));
    let id = mail.id.clone();
    b.apply(one(Change::EnqueueMail(mail))).await?;
    let reg = &r.id;
    let fail = |claimant: &'static str| async move {
        let c = b
            .claim_due(t0(), TimeDelta::minutes(2), 10, claimant)
            .await?;
        ensure_eq!(c.len(), 1, "claimed");
        b.mark_failed(
            &c[0].id,
            claimant,
            10,
            "rejected 550",
            audit(AuditAction::LetterFailed, Some(reg)),
        )
        .await?;
        Ok::<_, Failure>(c[0].attempts)
    };
    fail("w1").await?;
    ensure_eq!(b.counts().await?, (0, 0, 1), "(pending, sent, failed)");
    ensure_eq!(
        b.audit_trail(&r.id).await?.len(),
        1,
        "the failure's audit event"
    );
    let failed = b.list_mail(Some(MailStatus::Failed), 10).await?;
    ensure_eq!(failed.len(), 1, "failed letters");
    ensure_eq!(
        failed[0].last_error.as_deref(),
        Some("rejected 550"),
        "last error"
    );
    ensure_eq!(
        b.requeue(Some("0".repeat(32)), t0()).await?,
        0,
        "another id"
    );
    ensure_eq!(b.requeue(Some(id.clone()), t0()).await?, 1, "requeued");
    ensure_eq!(b.counts().await?, (1, 0, 0), "after the requeue");
    ensure_eq!(fail("w2").await?, 0, "attempts after a requeue");
    b.purge_expired(t0() + TimeDelta::days(8), t0()).await?;
    ensure_eq!(b.requeue(None, t0()).await?, 0, "requeued after the purge");
    ensure_eq!(b.counts().await?, (0, 0, 1), "the letter stays listed");
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// purge and cancellations

async fn purge_removes_what_ended(b: &dyn Backend) -> Outcome {
    let policy = ThrottlePolicy::per_registration();
    let spent = secret("spent", 8)?;
    let live = secret_of(SecretKind::EmailConfirmLink, "live", 9)?;
    b.apply(
        ChangeSet::new()
            .with(Change::PutSession(session("idle", SessionKind::Web, t0())))
            .with(Change::PutSession(session(
                "busy",
                SessionKind::Web,
                t0() + TimeDelta::minutes(30),
            )))
            .with(Change::PutSession(session("app", SessionKind::App, t0())))
            .with(Change::PutSecret(spent.clone()))
            .with(Change::PutSecret(live.clone()))
            .with(Change::SpendSecret {
                digest: spent.record.digest_hex().to_owned(),
                expected_attempts_left: spent.record.attempts_left(),
            })
            .with(Change::ThrottleFailure {
                key: "app:p:c".into(),
                policy,
                at: t0(),
            })
            .with(Change::ThrottleFailure {
                key: "pwcap:p".into(),
                policy,
                at: t0(),
            }),
    )
    .await?;
    b.purge_expired(t0() + TimeDelta::minutes(31), t0() + TimeDelta::minutes(10))
        .await?;
    ensure!(
        b.session("idle").await?.is_none(),
        "an idle web session stayed"
    );
    ensure!(
        b.session("busy").await?.is_some(),
        "a busy web session went"
    );
    ensure!(
        b.session("app").await?.is_some(),
        "an app session went for being idle"
    );
    ensure!(
        b.secret_by_digest(spent.record.digest_hex())
            .await?
            .is_none(),
        "a spent secret stayed"
    );
    ensure!(
        b.secret_by_digest(live.record.digest_hex())
            .await?
            .is_some(),
        "a live secret went"
    );
    ensure_eq!(
        b.throttle("app:p:c").await?.failures(),
        1,
        "a recent counter"
    );
    let t = t0() + TimeDelta::days(3);
    b.purge_expired(t, t).await?;
    ensure!(
        b.session("app").await?.is_none(),
        "an ended app session stayed"
    );
    ensure!(
        b.secret_by_digest(live.record.digest_hex())
            .await?
            .is_none(),
        "an expired secret stayed"
    );
    ensure_eq!(
        b.throttle("app:p:c").await?.failures(),
        0,
        "a quiet counter"
    );
    ensure_eq!(b.throttle("pwcap:p").await?.failures(), 1, "a cap");
    Ok(())
}

async fn due_cancellations_in_order(b: &dyn Backend) -> Outcome {
    let mut expected = Vec::new();
    for (n, hours) in [(1u8, 5i64), (2, 1), (3, 3), (4, 100)] {
        let mut r = registration(n, u32::from(n))?;
        r.state = RegistrationState::CancellationRequested;
        r.cancel_effective_at = Some(t0() + TimeDelta::hours(hours));
        b.apply(one(Change::InsertRegistration(r.clone()))).await?;
        if hours <= 5 {
            expected.push((hours, r.id));
        }
    }
    // Not requested: never due.
    let mut other = registration(5, 5)?;
    other.cancel_effective_at = Some(t0());
    b.apply(one(Change::InsertRegistration(other))).await?;
    expected.sort();
    let expected: Vec<_> = expected.into_iter().map(|(_, id)| id).collect();
    let due: Vec<_> = b
        .due_cancellations(t0() + TimeDelta::hours(5), 10)
        .await?
        .into_iter()
        .map(|r| r.id)
        .collect();
    ensure_eq!(due, expected, "due, oldest first");
    ensure_eq!(
        b.due_cancellations(t0() + TimeDelta::hours(5), 2)
            .await?
            .len(),
        2,
        "limit"
    );
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// registry

async fn registry_import_is_all_or_nothing(b: &dyn Backend) -> Outcome {
    let row = |card: &str, id: &str, status: &str| {
        // cjk-ok: a synthetic registry row (data, not a text shown to a person)
        format!("{card},{id},測試一,1990-01-01,M,{status},F1234567,臺北市,中正區,建國里,5")
    };
    let parse = |csv: String| parse_csv(&csv).map_err(|e| Failure(format!("csv: {e}")));
    let id = id_number(1)?;
    let first = parse(format!(
        "{CSV_HEADER}\n{}\n",
        row("000011112222", id.as_str(), "valid")
    ))?;
    let report = b.import_registry(&first, t0()).await?;
    ensure_eq!((report.inserted, report.updated), (1, 0), "first import");
    ensure_eq!(
        b.person_by_card(&first[0].card_number).await?,
        Some(first[0].clone()),
        "by card"
    );
    // A replacement card: the old one revoked, the new one valid, in one file.
    let second = parse(format!(
        "{CSV_HEADER}\n{}\n{}\n",
        row("000011113333", id.as_str(), "valid"),
        row("000011112222", id.as_str(), "revoked")
    ))?;
    let report = b.import_registry(&second, t0()).await?;
    ensure_eq!((report.inserted, report.updated), (1, 1), "second import");
    ensure_eq!(
        b.person_by_id(&id)
            .await?
            .map(|p| p.card_number.as_str().to_owned()),
        Some("000011113333".to_owned()),
        "the valid card by ID number"
    );
    // A file that would leave two valid cards changes nothing at all.
    let other = id_number(2)?;
    let bad = parse(format!(
        "{CSV_HEADER}\n{}\n{}\n",
        row("000011114444", other.as_str(), "valid"),
        row("000011115555", id.as_str(), "valid")
    ))?;
    match b.import_registry(&bad, t0()).await {
        Err(StoreError::Import { reason }) => {
            ensure!(
                !reason.contains(id.as_str()),
                "the refusal shows a full ID number: {reason}"
            );
        }
        other => {
            return Err(Failure(format!(
                "expected StoreError::Import, got {other:?}"
            )));
        }
    }
    ensure!(
        b.person_by_id(&other).await?.is_none(),
        "a refused import wrote a row"
    );
    let counts = b.registry_counts().await?;
    ensure_eq!((counts.persons, counts.cards), (1, 2), "(persons, cards)");
    Ok(())
}

async fn readiness_writes(b: &dyn Backend) -> Outcome {
    b.check_writable(t0()).await?;
    b.check_writable(t0() + TimeDelta::seconds(1)).await?;
    Ok(())
}
