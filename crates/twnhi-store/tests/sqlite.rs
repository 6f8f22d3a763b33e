//! The SQLite store against temp-file databases: settings, constraints, atomic change sets,
//! the outbox lease and the registry import.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use rand_like::bytes;
use twnhi_account::password::HashPolicy;
use twnhi_account::registration::RegistrationState;
use twnhi_account::secret::{SecretKind, SecretPolicies, ServerKey};
use twnhi_account::throttle::ThrottlePolicy;
use twnhi_account::{Email, MobilePhone};
use twnhi_store::registry::{CSV_HEADER, parse_csv};
use twnhi_store::{
    AuditEvent, Change, ChangeSet, Contacts, MailCap, MailStatus, NewMail, OutboxStore,
    Registration, RegistrationId, Registry, SessionKind, SessionRecord, SqliteStore, Store,
    StoreError, StoredSecret,
};

/// Deterministic bytes without a random crate.
mod rand_like {
    pub fn bytes(seed: u8) -> [u8; 16] {
        let mut b = [0u8; 16];
        for (i, x) in b.iter_mut().enumerate() {
            *x = seed.wrapping_mul(31).wrapping_add(i as u8);
        }
        b
    }
}

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 2, 0, 0).unwrap()
}

async fn store() -> (tempfile::TempDir, SqliteStore) {
    let dir = tempfile::tempdir().unwrap();
    let s = SqliteStore::open(&dir.path().join("t.sqlite3"))
        .await
        .unwrap();
    (dir, s)
}

struct Rng(u64);
impl rand_core::TryRng for Rng {
    type Error = core::convert::Infallible;
    fn try_next_u32(&mut self) -> Result<u32, Self::Error> {
        Ok(self.try_next_u64()? as u32)
    }
    fn try_next_u64(&mut self) -> Result<u64, Self::Error> {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        Ok(self.0)
    }
    fn try_fill_bytes(&mut self, dst: &mut [u8]) -> Result<(), Self::Error> {
        for b in dst {
            *b = self.try_next_u64()? as u8;
        }
        Ok(())
    }
}
impl rand_core::TryCryptoRng for Rng {}

fn registration(seed: u8, id_number: &str) -> Registration {
    Registration {
        id: RegistrationId::from_random(bytes(seed)),
        id_number: id_number.parse().unwrap(),
        card_number: "000011112222".parse().unwrap(),
        state: RegistrationState::PendingEmailVerification,
        password_hash: HashPolicy::new(64, 1, 1)
            .unwrap()
            .hash("Tw#2024nhi", &mut Rng(1))
            .unwrap(),
        contacts: Contacts {
            email: Email::parse("test.one@example.com").unwrap(),
            spare_email: Some(Email::parse("spare.one@example.com").unwrap()),
            mobile_phone: MobilePhone::parse("0912345678").unwrap(),
            local_phone: Some("(02)2345-6789#12".parse().unwrap()),
        },
        created_at: now(),
        updated_at: now(),
        verified_at: None,
        cancelled_at: None,
        cancel_effective_at: None,
        version: 0,
    }
}

fn audit(action: &str, reg: Option<&RegistrationId>) -> Change {
    Change::Audit(AuditEvent {
        at: now(),
        registration_id: reg.cloned(),
        action: action.into(),
        outcome: "ok".into(),
        client: None,
        detail: String::new(),
    })
}

#[tokio::test]
async fn opens_in_wal_mode_with_foreign_keys_and_migrations() {
    let (dir, s) = store().await;
    let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(mode, "wal");
    let fk: i64 = sqlx::query_scalar("PRAGMA foreign_keys")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(fk, 1);
    let tables: Vec<String> =
        sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
            .fetch_all(s.pool())
            .await
            .unwrap();
    for t in [
        "audit_events",
        "contacts",
        "devices",
        "insured_persons",
        "outbox",
        "registrations",
        "secrets",
        "sessions",
        "throttles",
    ] {
        assert!(tables.iter().any(|x| x == t), "{t} in {tables:?}");
    }
    s.close().await;
    // Reopening applies nothing twice.
    SqliteStore::connect(&format!(
        "sqlite://{}",
        dir.path().join("t.sqlite3").display()
    ))
    .await
    .unwrap();
}

#[tokio::test]
async fn one_registration_per_person_and_versions() {
    let (_d, s) = store().await;
    let r = registration(1, "A123456789");
    s.apply(ChangeSet::new().with(Change::InsertRegistration(r.clone())))
        .await
        .unwrap();
    let back = s.registration(&r.id).await.unwrap().unwrap();
    assert_eq!(back.contacts, r.contacts);
    assert_eq!(back.password_hash, r.password_hash);
    // A second registration for the same person: conflict, and the audit event of the same
    // change set is not written either.
    let err = s
        .apply(
            ChangeSet::new()
                .with(audit("apply", None))
                .with(Change::InsertRegistration(registration(2, "A123456789"))),
        )
        .await
        .unwrap_err();
    assert!(err.is_conflict(), "{err}");
    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM audit_events")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert_eq!(n, 0, "all or nothing");
    // Optimistic versions.
    let mut changed = back.clone();
    changed.state = RegistrationState::Active;
    s.apply(ChangeSet::new().with(Change::UpdateRegistration {
        expected_version: 0,
        registration: changed.clone(),
    }))
    .await
    .unwrap();
    let err = s
        .apply(ChangeSet::new().with(Change::UpdateRegistration {
            expected_version: 0,
            registration: changed,
        }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Conflict { .. }));
    // Once cancelled, the person may register again.
    let mut cancelled = s.registration(&r.id).await.unwrap().unwrap();
    cancelled.state = RegistrationState::Cancelled;
    s.apply(ChangeSet::new().with(Change::UpdateRegistration {
        expected_version: 1,
        registration: cancelled,
    }))
    .await
    .unwrap();
    s.apply(ChangeSet::new().with(Change::InsertRegistration(registration(3, "A123456789"))))
        .await
        .unwrap();
    assert_eq!(
        s.registrations_of(&"A123456789".parse().unwrap())
            .await
            .unwrap()
            .len(),
        2
    );
}

#[tokio::test]
async fn a_secret_is_spent_once() {
    let (_d, s) = store().await;
    let key = ServerKey::new(vec![1; 32]).unwrap();
    let (plain, record) = SecretPolicies::default()
        .issue(
            &key,
            SecretKind::DeviceCode,
            "subject-1",
            now(),
            &mut Rng(3),
        )
        .into_parts();
    let digest = record.digest_hex().to_owned();
    s.apply(ChangeSet::new().with(Change::PutSecret(StoredSecret {
        record,
        payload: None,
    })))
    .await
    .unwrap();
    let stored = s
        .secret_for(SecretKind::DeviceCode, "subject-1")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        stored.record.digest_hex(),
        key.digest_hex(SecretKind::DeviceCode, &plain)
    );
    let spend = || {
        ChangeSet::new().with(Change::SpendSecret {
            digest: digest.clone(),
            expected_attempts_left: 5,
        })
    };
    s.apply(spend()).await.unwrap();
    assert!(s.apply(spend()).await.unwrap_err().is_conflict());
    assert!(
        s.secret_by_digest(&digest)
            .await
            .unwrap()
            .unwrap()
            .record
            .is_used()
    );
    // A new secret of the same kind and subject replaces the old one.
    let (_, record) = SecretPolicies::default()
        .issue(
            &key,
            SecretKind::DeviceCode,
            "subject-1",
            now(),
            &mut Rng(4),
        )
        .into_parts();
    s.apply(ChangeSet::new().with(Change::PutSecret(StoredSecret {
        record,
        payload: None,
    })))
    .await
    .unwrap();
    assert!(s.secret_by_digest(&digest).await.unwrap().is_none());
    // Spent and expired secrets are purged.
    assert_eq!(
        s.purge_expired(now() + TimeDelta::hours(1), now())
            .await
            .unwrap(),
        1
    );
}

#[tokio::test]
async fn throttle_failures_accumulate_in_the_store() {
    let (_d, s) = store().await;
    let policy = ThrottlePolicy::per_registration();
    for _ in 0..4 {
        s.apply(ChangeSet::new().with(Change::ThrottleFailure {
            key: "reg:x".into(),
            policy,
            at: now(),
        }))
        .await
        .unwrap();
    }
    let state = s.throttle("reg:x").await.unwrap();
    assert_eq!(state.failures(), 4);
    assert!(policy.check(&state, now()).is_err());
    s.apply(ChangeSet::new().with(Change::ThrottleReset {
        key: "reg:x".into(),
    }))
    .await
    .unwrap();
    assert_eq!(s.throttle("reg:x").await.unwrap().failures(), 0);
}

fn letter(id: &str, to: &str, reg: Option<&str>) -> NewMail {
    NewMail {
        id: id.into(),
        registration_id: reg.map(|r| RegistrationId::parse(r).unwrap()),
        kind: "confirmation".into(),
        payload: vec![1, 2, 3],
        created_at: now(),
        recipient_key: Some(to.into()),
        cap: Some(MailCap {
            since: now() - TimeDelta::hours(1),
            per_recipient: 3,
            per_registration: 4,
        }),
    }
}

#[tokio::test]
async fn outbox_claims_hold_for_their_lease() {
    let (_d, s) = store().await;
    let mail = letter("0123456789abcdef0123456789abcdef", "box-1", None);
    s.apply(ChangeSet::new().with(Change::EnqueueMail(mail)))
        .await
        .unwrap();
    let lease = TimeDelta::minutes(2);
    let first = s.claim_due(now(), lease, 10, "worker-a").await.unwrap();
    assert_eq!(first.len(), 1);
    assert_eq!(first[0].claim, "worker-a");
    assert!(
        s.claim_due(now(), lease, 10, "worker-b")
            .await
            .unwrap()
            .is_empty(),
        "claimed"
    );
    assert_eq!(s.next_due().await.unwrap(), Some(now() + lease));
    let again = s
        .claim_due(now() + lease, lease, 10, "worker-b")
        .await
        .unwrap();
    assert_eq!(again.len(), 1, "the lease ran out: claimed again");
    s.mark_retry(
        &again[0].id,
        "worker-b",
        1,
        now() + TimeDelta::minutes(5),
        "transient 451",
    )
    .await
    .unwrap();
    assert!(
        s.claim_due(now() + TimeDelta::minutes(4), lease, 10, "worker-c")
            .await
            .unwrap()
            .is_empty()
    );
    let c = s
        .claim_due(now() + TimeDelta::minutes(5), lease, 10, "worker-c")
        .await
        .unwrap();
    assert_eq!(c[0].attempts, 1);
    s.mark_sent(&c[0].id, "worker-c", now()).await.unwrap();
    assert_eq!(s.counts().await.unwrap(), (0, 1, 0));
    let payload: Option<Vec<u8>> = sqlx::query_scalar("SELECT payload FROM outbox")
        .fetch_one(s.pool())
        .await
        .unwrap();
    assert!(payload.is_none(), "wiped once sent");
}

/// Regression (a letter delivered twice under a slow SMTP server): a worker whose lease ran
/// out while it was busy loses its claim to the next worker; renewing tells it so before it
/// sends, and whatever it records afterwards changes nothing.
#[tokio::test]
async fn a_lost_claim_cannot_send_or_record() {
    let (_d, s) = store().await;
    let id = "00000000000000000000000000000001";
    s.apply(ChangeSet::new().with(Change::EnqueueMail(letter(id, "box-1", None))))
        .await
        .unwrap();
    let lease = TimeDelta::minutes(2);
    let slow = s.claim_due(now(), lease, 10, "slow").await.unwrap();
    assert_eq!(slow.len(), 1);
    assert!(s.renew_claim(id, "slow", now() + lease).await.unwrap());
    // The slow worker's lease ends; another worker claims the letter.
    let later = now() + TimeDelta::minutes(5);
    let fast = s.claim_due(later, lease, 10, "fast").await.unwrap();
    assert_eq!(fast.len(), 1);
    assert!(
        !s.renew_claim(id, "slow", later + lease).await.unwrap(),
        "claim lost"
    );
    assert!(s.renew_claim(id, "fast", later + lease).await.unwrap());
    s.mark_sent(id, "slow", later).await.unwrap();
    assert_eq!(
        s.counts().await.unwrap(),
        (1, 0, 0),
        "the lost claim recorded nothing"
    );
    s.mark_sent(id, "fast", later).await.unwrap();
    assert_eq!(s.counts().await.unwrap(), (0, 1, 0));
}

/// Regression (208 letters to one address in two minutes): letters beyond the caps per
/// recipient and per registration are dropped in the transaction that queues them.
#[tokio::test]
async fn letters_beyond_the_caps_are_dropped() {
    let (_d, s) = store().await;
    let reg = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    for i in 0..10 {
        let id = format!("{i:032x}");
        s.apply(ChangeSet::new().with(Change::EnqueueMail(letter(&id, "box-1", None))))
            .await
            .unwrap();
    }
    assert_eq!(s.counts().await.unwrap().0, 3, "3 per recipient");
    for i in 10..20 {
        let id = format!("{i:032x}");
        let to = format!("box-{i}");
        s.apply(ChangeSet::new().with(Change::EnqueueMail(letter(&id, &to, Some(reg)))))
            .await
            .unwrap();
    }
    assert_eq!(s.counts().await.unwrap().0, 3 + 4, "4 per registration");
    // An hour later the window has moved on.
    let mut late = letter(&format!("{:032x}", 99), "box-1", None);
    late.created_at = now() + TimeDelta::hours(2);
    late.cap = Some(MailCap {
        since: now() + TimeDelta::hours(1),
        per_recipient: 3,
        per_registration: 4,
    });
    s.apply(ChangeSet::new().with(Change::EnqueueMail(late)))
        .await
        .unwrap();
    assert_eq!(s.counts().await.unwrap().0, 8);
}

/// Regression (no way to requeue a letter given up): a failed letter keeps its sealed
/// payload and can be put back in the queue; its contents are wiped a week later.
#[tokio::test]
async fn failed_letters_can_be_requeued_until_purged() {
    let (_d, s) = store().await;
    let id = "00000000000000000000000000000002";
    s.apply(ChangeSet::new().with(Change::EnqueueMail(letter(id, "box-1", None))))
        .await
        .unwrap();
    let c = s
        .claim_due(now(), TimeDelta::minutes(2), 10, "w")
        .await
        .unwrap();
    let audit = AuditEvent {
        at: now(),
        registration_id: None,
        action: "letter-failed".into(),
        outcome: "confirmation".into(),
        client: None,
        detail: "rejected 550".into(),
    };
    s.mark_failed(&c[0].id, "w", 10, "rejected 550", audit)
        .await
        .unwrap();
    assert_eq!(s.counts().await.unwrap(), (0, 0, 1));
    let failed = s.list_mail(Some(MailStatus::Failed), 10).await.unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].last_error.as_deref(), Some("rejected 550"));
    assert_eq!(s.requeue(Some(id.into()), now()).await.unwrap(), 1);
    assert_eq!(s.counts().await.unwrap(), (1, 0, 0));
    let again = s
        .claim_due(now(), TimeDelta::minutes(2), 10, "w2")
        .await
        .unwrap();
    assert_eq!(
        (again[0].attempts, &again[0].payload[..]),
        (0, &[1u8, 2, 3][..])
    );
    let audit = AuditEvent {
        at: now(),
        registration_id: None,
        action: "letter-failed".into(),
        outcome: "confirmation".into(),
        client: None,
        detail: "rejected 550".into(),
    };
    s.mark_failed(id, "w2", 10, "rejected 550", audit)
        .await
        .unwrap();
    s.purge_expired(now() + TimeDelta::days(8), now())
        .await
        .unwrap();
    assert_eq!(s.requeue(None, now()).await.unwrap(), 0, "contents wiped");
}

#[tokio::test]
async fn purge_drops_idle_sessions_and_quiet_counters_but_keeps_caps() {
    let (_d, s) = store().await;
    let session = |digest: &str, last_seen| SessionRecord {
        digest: digest.into(),
        kind: SessionKind::Web,
        registration_id: None,
        device_id: None,
        created_at: now(),
        last_seen_at: last_seen,
        expires_at: now() + TimeDelta::hours(8),
        card: None,
    };
    let policy = ThrottlePolicy::per_registration();
    let cs = ChangeSet::new()
        .with(Change::PutSession(session("idle", now())))
        .with(Change::PutSession(session(
            "busy",
            now() + TimeDelta::minutes(30),
        )))
        .with(Change::ThrottleFailure {
            key: "app:p:c".into(),
            policy,
            at: now(),
        })
        .with(Change::ThrottleFailure {
            key: "pwcap:p".into(),
            policy,
            at: now(),
        });
    s.apply(cs).await.unwrap();
    let t = now() + TimeDelta::days(3);
    s.purge_expired(
        now() + TimeDelta::minutes(31),
        now() + TimeDelta::minutes(10),
    )
    .await
    .unwrap();
    assert!(s.session("idle").await.unwrap().is_none());
    assert!(s.session("busy").await.unwrap().is_some());
    s.purge_expired(t, t).await.unwrap();
    assert_eq!(s.throttle("app:p:c").await.unwrap().failures(), 0);
    assert_eq!(
        s.throttle("pwcap:p").await.unwrap().failures(),
        1,
        "caps stay"
    );
}

#[tokio::test]
async fn throttle_prefix_reset() {
    let (_d, s) = store().await;
    let policy = ThrottlePolicy::per_registration();
    for key in ["code:x:p1:a", "code:x:p1:b", "code:x:p2:a"] {
        s.apply(ChangeSet::new().with(Change::ThrottleFailure {
            key: key.into(),
            policy,
            at: now(),
        }))
        .await
        .unwrap();
    }
    s.apply(ChangeSet::new().with(Change::ThrottleResetPrefix {
        prefix: "code:x:p1:".into(),
    }))
    .await
    .unwrap();
    assert_eq!(s.throttle("code:x:p1:a").await.unwrap().failures(), 0);
    assert_eq!(s.throttle("code:x:p1:b").await.unwrap().failures(), 0);
    assert_eq!(s.throttle("code:x:p2:a").await.unwrap().failures(), 1);
}

/// Regression (database files created 0644): the file and its WAL are its owner's only,
/// and an existing file is narrowed when the store opens it.
#[cfg(unix)]
#[tokio::test]
async fn database_files_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite3");
    let s = SqliteStore::open(&path).await.unwrap();
    s.check_writable(now()).await.unwrap();
    for suffix in ["", "-wal", "-shm"] {
        let f = format!("{}{suffix}", path.display());
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }
    s.close().await;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
    let s = SqliteStore::open(&path).await.unwrap();
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    s.close().await;
}

#[tokio::test]
async fn registry_import_is_all_or_nothing() {
    let (_d, s) = store().await;
    let row = |card: &str, id: &str, status: &str| {
        format!("{card},{id},測試一,1990-01-01,M,{status},F1234567,臺北市,中正區,建國里,5")
    };
    let csv = format!(
        "{CSV_HEADER}\n{}\n",
        row("000011112222", "A123456789", "valid")
    );
    let report = s
        .import_registry(&parse_csv(&csv).unwrap(), now())
        .await
        .unwrap();
    assert_eq!((report.inserted, report.updated), (1, 0));
    // A replacement card: the old one revoked, the new one valid, in one file.
    let csv = format!(
        "{CSV_HEADER}\n{}\n{}\n",
        row("000011113333", "A123456789", "valid"),
        row("000011112222", "A123456789", "revoked")
    );
    let report = s
        .import_registry(&parse_csv(&csv).unwrap(), now())
        .await
        .unwrap();
    assert_eq!((report.inserted, report.updated), (1, 1));
    let id = "A123456789".parse().unwrap();
    assert_eq!(
        s.person_by_id(&id)
            .await
            .unwrap()
            .unwrap()
            .card_number
            .as_str(),
        "000011113333"
    );
    // A file that would leave two valid cards changes nothing at all.
    let csv = format!(
        "{CSV_HEADER}\n{}\n{}\n",
        row("000011114444", "F123456784", "valid"),
        row("000011115555", "A123456789", "valid")
    );
    let persons = parse_csv(&csv).unwrap();
    let err = s.import_registry(&persons, now()).await.unwrap_err();
    assert!(matches!(err, StoreError::Import { .. }));
    assert!(!err.to_string().contains("A123456789"));
    assert_eq!(s.registry_counts().await.unwrap().cards, 2);
}
