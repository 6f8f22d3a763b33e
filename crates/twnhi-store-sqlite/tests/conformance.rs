//! The `twnhi-store` conformance suite against SQLite: every check on a fresh database file.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Mutex;

use twnhi_store_sqlite::SqliteStore;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_passes_the_conformance_suite() {
    let dirs = Mutex::new(Vec::new());
    let report = twnhi_store::conformance::run(|| async {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("c.sqlite3"))
            .await
            .unwrap();
        dirs.lock().unwrap().push(dir);
        store
    })
    .await;
    assert!(report.is_ok(), "{report}");
    assert_eq!(
        report.passed.len(),
        twnhi_store::conformance::checks().len()
    );
}
