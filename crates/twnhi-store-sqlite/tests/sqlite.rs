//! What is SQLite's own: the settings a database opens with, its files' permissions, the
//! driver's errors as store errors. What every backend must do is in `conformance.rs`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use chrono::{DateTime, TimeZone, Utc};
use twnhi_store::{Change, ChangeSet, Store, StoreError};
use twnhi_store_sqlite::SqliteStore;

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

/// A database that is not one: opening it is `StoreError::Open`/`Migrate` with the driver's
/// error as the source, bilingual on top.
#[tokio::test]
async fn a_file_that_is_not_a_database_is_an_open_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.sqlite3");
    std::fs::write(&path, vec![0x42; 8192]).unwrap();
    let err = SqliteStore::open(&path).await.unwrap_err();
    assert!(
        matches!(err, StoreError::Open { .. } | StoreError::Migrate { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains(" / "), "{err}");
    assert!(std::error::Error::source(&err).is_some());
}

/// Once the pool is closed, a change set is a database error, not a conflict and not a
/// panic.
#[tokio::test]
async fn a_closed_store_answers_with_database_errors() {
    let (_d, s) = store().await;
    s.close().await;
    let err = s
        .apply(ChangeSet::new().with(Change::ThrottleReset { key: "k".into() }))
        .await
        .unwrap_err();
    assert!(matches!(err, StoreError::Database { .. }), "{err:?}");
    assert!(!err.is_conflict());
}
