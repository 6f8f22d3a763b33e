//! What is PostgreSQL's own: several pools (processes) on one database, the statement
//! timeout, deadlocks run again, an unavailable or read-only server as store errors, the
//! migrations. What every backend must do is in `conformance.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use chrono::{DateTime, TimeDelta, TimeZone, Utc};
use futures_util::future::join_all;
use twnhi_account::secret::{SecretKind, SecretPolicies, ServerKey};
use twnhi_account::throttle::ThrottlePolicy;
use twnhi_store::{Change, ChangeSet, NewMail, OutboxStore, Store, StoreError, StoredSecret};
use twnhi_store_postgres::{PostgresOptions, PostgresStore};
use twnhi_testkit::postgres::PgServer;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 2, 0, 0).unwrap()
}

async fn connect(url: &str) -> PostgresStore {
    PostgresStore::connect(url, PostgresOptions::default().with_max_connections(4))
        .await
        .unwrap()
}

/// `n` stores (as `n` processes would have) on one fresh database.
async fn stores(server: &PgServer, n: usize) -> Vec<PostgresStore> {
    let url = server.create_database();
    // They connect (and migrate) at once: the migrations take an advisory lock.
    join_all((0..n).map(|_| connect(&url))).await
}

fn letter(n: u32) -> NewMail {
    NewMail {
        id: format!("{n:032x}"),
        registration_id: None,
        kind: "confirmation".into(),
        payload: vec![1, 2, 3],
        created_at: t0(),
        recipient_key: Some(format!("box-{n}")),
        cap: None,
    }
}

/// A deterministic generator for issuing secrets.
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

fn secret(subject: &str, seed: u64) -> StoredSecret {
    let key = ServerKey::new(vec![7; 32]).unwrap();
    let (_, record) = SecretPolicies::default()
        .issue(
            &key,
            SecretKind::DeviceCode,
            subject,
            t0(),
            &mut Counter(seed),
        )
        .into_parts();
    StoredSecret {
        record,
        payload: None,
    }
}

fn tally(results: &[Result<(), StoreError>]) -> (usize, usize) {
    let mut ok = 0;
    let mut conflicts = 0;
    for r in results {
        match r {
            Ok(()) => ok += 1,
            Err(e) if e.is_conflict() => conflicts += 1,
            Err(e) => panic!("a racing request failed otherwise: {e}"),
        }
    }
    (ok, conflicts)
}

/// Three stores, two workers each, claiming 200 letters in small rounds: every letter is
/// claimed exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn workers_of_several_pools_never_claim_a_letter_twice() {
    let server = PgServer::shared();
    let stores = stores(&server, 3).await;
    let mut cs = ChangeSet::new();
    for n in 0..200 {
        cs.push(Change::EnqueueMail(letter(n)));
    }
    stores[0].apply(cs).await.unwrap();
    assert_eq!(stores[1].counts().await.unwrap(), (200, 0, 0));
    let lease = TimeDelta::minutes(5);
    let workers = stores.iter().enumerate().flat_map(|(s, store)| {
        (0..2).map(move |w| async move {
            let claimant = format!("store-{s}-worker-{w}");
            let mut mine = Vec::new();
            loop {
                let round = store.claim_due(t0(), lease, 7, &claimant).await.unwrap();
                if round.is_empty() {
                    break;
                }
                for m in round {
                    assert_eq!(m.claim, claimant);
                    mine.push(m.id);
                }
                tokio::task::yield_now().await;
            }
            (claimant, mine)
        })
    });
    let results = join_all(workers).await;
    let mut owner = BTreeMap::new();
    for (claimant, ids) in &results {
        for id in ids {
            if let Some(first) = owner.insert(id.clone(), claimant.clone()) {
                panic!("letter {id} claimed by {first} and {claimant}");
            }
        }
    }
    assert_eq!(owner.len(), 200, "letters claimed in all");
    let busy = results.iter().filter(|(_, ids)| !ids.is_empty()).count();
    assert!(busy >= 2, "one worker claimed everything: {results:?}");
    // Each owner marks its letters; a stranger's marks change nothing.
    for (id, claimant) in &owner {
        stores[2].mark_sent(id, "stranger", t0()).await.unwrap();
        stores[0].mark_sent(id, claimant, t0()).await.unwrap();
    }
    assert_eq!(stores[1].counts().await.unwrap(), (0, 200, 0));
}

/// Thirty spends of one secret from three stores at once: one succeeds.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_secret_spent_from_several_pools_is_spent_once() {
    let server = PgServer::shared();
    let stores = stores(&server, 3).await;
    let s = secret("subject-1", 1);
    let digest = s.record.digest_hex().to_owned();
    let left = s.record.attempts_left();
    stores[0]
        .apply(ChangeSet::new().with(Change::PutSecret(s)))
        .await
        .unwrap();
    let spends = (0..30).map(|i| {
        stores[i % 3].apply(ChangeSet::new().with(Change::SpendSecret {
            digest: digest.clone(),
            expected_attempts_left: left,
        }))
    });
    let results = join_all(spends).await;
    assert_eq!(tally(&results), (1, 29), "(spent, conflicts)");
    let after = stores[2].secret_by_digest(&digest).await.unwrap().unwrap();
    assert!(after.record.is_used());
}

/// Sixty throttling failures of one key from three stores at once: all count.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn throttle_failures_from_several_pools_all_count() {
    let server = PgServer::shared();
    let stores = stores(&server, 3).await;
    let policy = ThrottlePolicy::per_registration();
    let failures = (0..60).map(|i| {
        stores[i % 3].apply(ChangeSet::new().with(Change::ThrottleFailure {
            key: "reg:x".into(),
            policy,
            at: t0(),
        }))
    });
    let results = join_all(failures).await;
    assert_eq!(tally(&results), (60, 0));
    assert_eq!(stores[0].throttle("reg:x").await.unwrap().failures(), 60);
}

/// Change sets locking two counters in opposite orders deadlock now and then; PostgreSQL
/// cancels one of each cycle and the store runs it again, so every failure still counts once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deadlocked_change_sets_are_run_again() {
    let server = PgServer::shared();
    let url = server.create_database();
    let options = PostgresOptions::default()
        .with_max_connections(8)
        .with_max_retries(20);
    let a = PostgresStore::connect(&url, options.clone()).await.unwrap();
    let b = PostgresStore::connect(&url, options).await.unwrap();
    let policy = ThrottlePolicy::per_registration();
    let failure = |key: &str| Change::ThrottleFailure {
        key: key.into(),
        policy,
        at: t0(),
    };
    let sets = (0..12).map(|i| {
        let (first, second, store) = if i % 2 == 0 {
            ("k:a", "k:b", &a)
        } else {
            ("k:b", "k:a", &b)
        };
        store.apply(ChangeSet::new().with(failure(first)).with(failure(second)))
    });
    let results = join_all(sets).await;
    assert_eq!(tally(&results), (12, 0));
    assert_eq!(a.throttle("k:a").await.unwrap().failures(), 12);
    assert_eq!(b.throttle("k:b").await.unwrap().failures(), 12);
}

/// A statement that waits longer than `statement_timeout` (here for a row another connection
/// holds) is cancelled: a database error, promptly, not a conflict and not a hang.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_statement_timeout_cancels_a_waiting_change() {
    let server = PgServer::shared();
    let url = server.create_database();
    let options =
        PostgresOptions::default().with_statement_timeout(Some(Duration::from_millis(300)));
    let store = PostgresStore::connect(&url, options).await.unwrap();
    let s = secret("subject-2", 2);
    let digest = s.record.digest_hex().to_owned();
    let left = s.record.attempts_left();
    store
        .apply(ChangeSet::new().with(Change::PutSecret(s)))
        .await
        .unwrap();
    // Another client locks the secret's row and keeps its transaction open.
    let other = PostgresStore::connect(
        &url,
        PostgresOptions::default().with_statement_timeout(None),
    )
    .await
    .unwrap();
    let mut holder = other.pool().begin().await.unwrap();
    sqlx::query("SELECT 1 FROM secrets WHERE digest = $1 FOR UPDATE")
        .bind(&digest)
        .execute(&mut *holder)
        .await
        .unwrap();
    let started = Instant::now();
    let err = store
        .apply(ChangeSet::new().with(Change::SpendSecret {
            digest: digest.clone(),
            expected_attempts_left: left,
        }))
        .await
        .unwrap_err();
    let waited = started.elapsed();
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    assert!(!err.is_conflict());
    assert!(
        format!("{:?}", std::error::Error::source(&err)).contains("57014"),
        "not a statement timeout: {err:?}"
    );
    assert!(
        waited >= Duration::from_millis(250) && waited < Duration::from_secs(5),
        "waited {waited:?}"
    );
    // Nothing was spent; once the row is free the same change goes through.
    holder.rollback().await.unwrap();
    store
        .apply(ChangeSet::new().with(Change::SpendSecret {
            digest,
            expected_attempts_left: left,
        }))
        .await
        .unwrap();
    // A long statement of its own is cut short too.
    let started = Instant::now();
    let slow = sqlx::query("SELECT pg_sleep(10)")
        .execute(store.pool())
        .await;
    assert!(slow.is_err());
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// Connecting twice applies the migrations once; the tables are there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn migrations_apply_once() {
    let server = PgServer::shared();
    let url = server.create_database();
    let first = connect(&url).await;
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT table_name::text FROM information_schema.tables \
         WHERE table_schema = 'public' ORDER BY 1",
    )
    .fetch_all(first.pool())
    .await
    .unwrap();
    for t in [
        "audit_events",
        "contacts",
        "devices",
        "heartbeat",
        "insured_persons",
        "outbox",
        "registrations",
        "secrets",
        "sessions",
        "throttles",
    ] {
        assert!(tables.iter().any(|x| x == t), "{t} in {tables:?}");
    }
    first.close().await;
    let again = connect(&url).await;
    let applied: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
        .fetch_one(again.pool())
        .await
        .unwrap();
    assert_eq!(
        applied,
        i64::try_from(twnhi_store_postgres::embedded_migrations()).unwrap(),
        "each embedded migration once"
    );
}

/// A database that does not exist, or a port nobody listens on: an open error, with the
/// driver's error as the source and a bilingual message on top.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_database_is_an_open_error() {
    let server = PgServer::shared();
    let options = PostgresOptions::default().with_acquire_timeout(Duration::from_secs(3));
    let err = PostgresStore::connect(&server.url("no_such_database"), options.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    assert!(err.to_string().contains(" / "), "{err}");
    assert!(std::error::Error::source(&err).is_some());
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let err = PostgresStore::connect(&format!("postgres://postgres@127.0.0.1:{port}/x"), options)
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
}

/// A read-only database (as a standby is) fails the readiness check and change sets with
/// database errors, as a read-only SQLite file does; reads still work.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_database_fails_readiness() {
    let server = PgServer::shared();
    let url = server.create_database();
    let name = url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    connect(&url).await.check_writable(t0()).await.unwrap();
    server.psql(
        "postgres",
        &format!("ALTER DATABASE {name} SET default_transaction_read_only = on"),
    );
    let store = connect(&url).await;
    let err = store.check_writable(t0()).await.unwrap_err();
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    let err = store
        .apply(ChangeSet::new().with(Change::ThrottleReset { key: "k".into() }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    assert_eq!(store.counts().await.unwrap(), (0, 0, 0));
}

/// A server that goes away: database errors (not conflicts, not panics).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stopped_server_answers_with_database_errors() {
    // A server of its own: this test stops it.
    let mut server = PgServer::start();
    let url = server.create_database();
    let options = PostgresOptions::default().with_acquire_timeout(Duration::from_secs(2));
    let store = PostgresStore::connect(&url, options).await.unwrap();
    store.check_writable(t0()).await.unwrap();
    server.stop();
    let err = store.check_writable(t0()).await.unwrap_err();
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    let err = store
        .apply(ChangeSet::new().with(Change::ThrottleReset { key: "k".into() }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    assert!(!err.is_conflict());
}

/// With migrations off, a new or outdated database is refused with the number of pending
/// migrations, and nothing is created; once migrated, the same connection succeeds.
#[tokio::test]
async fn without_migrating_an_outdated_schema_is_refused() {
    let server = PgServer::shared();
    let url = server.create_database();
    let off = PostgresOptions::default().with_migrate(false);
    match PostgresStore::connect(&url, off.clone()).await {
        Err(StoreError::SchemaNotCurrent { pending }) => {
            assert_eq!(pending, twnhi_store_postgres::embedded_migrations());
            assert!(pending > 0);
        }
        other => panic!("expected SchemaNotCurrent, got {other:?}"),
    }
    let db = url.rsplit('/').next().unwrap().split('?').next().unwrap();
    let tables = server.psql(
        db,
        "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'",
    );
    assert_eq!(tables.trim(), "0", "nothing created");
    connect(&url).await.close().await;
    let store = PostgresStore::connect(&url, off).await.unwrap();
    store.close().await;
}
