//! Recovery after a full disk (SPEC §5): the database on a small tmpfs that is filled up,
//! then given room again. Needs root (it mounts the tmpfs); built with `fault-tests`.
//!
//! Regression: after a COMMIT refused for lack of space, SQLite had rolled back by itself
//! but sqlx still counted the connection as inside a transaction; back in the pool, every
//! later `BEGIN` on it failed ("attempted to call begin_with at non-zero transaction
//! depth"), so every request answered 503 until the process was restarted.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use twnhi_store::{AuditAction, AuditEvent, AuditOutcome, Change, ChangeSet, Store};
use twnhi_store_sqlite::SqliteStore;

/// A tmpfs of `size` mounted on a temporary directory, unmounted on drop.
struct Tmpfs {
    dir: tempfile::TempDir,
}

impl Tmpfs {
    fn mount(size: &str) -> Tmpfs {
        let dir = tempfile::tempdir().unwrap();
        let status = Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .status()
            .expect("mount(8) runs");
        assert!(
            status.success(),
            "mounting a tmpfs failed: these tests need root (scripts/test runs them as root)"
        );
        Tmpfs { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// Writes a file until the file system is full; returns its path.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write as _;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).unwrap();
    let block = vec![0x5a_u8; 64 * 1024];
    loop {
        match f.write(&block) {
            Ok(0) | Err(_) => break,
            Ok(_) => {}
        }
    }
    // Single bytes for the last partial block.
    while f.write(&[0x5a]).is_ok_and(|n| n == 1) {}
    let _ = f.sync_all();
    path
}

fn t0() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 2, 0, 0).unwrap()
}

fn event(i: usize) -> ChangeSet {
    ChangeSet::new().with(Change::Audit(AuditEvent {
        at: t0(),
        registration_id: None,
        action: AuditAction::Login,
        outcome: AuditOutcome::Ok,
        client: None,
        detail: format!("{i} {}", "x".repeat(4000)),
    }))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_recovers_by_itself_once_the_disk_has_room() {
    let fs = Tmpfs::mount("3m");
    let store = SqliteStore::open(&fs.path().join("twnhi.sqlite3"))
        .await
        .unwrap()
        .with_min_free_bytes(256 * 1024);
    for i in 0..10 {
        store.apply(event(i)).await.unwrap();
    }
    store.check_writable(t0()).await.unwrap();

    let filler = fill(fs.path());
    let mut refused = 0;
    for i in 0..40 {
        if store.apply(event(100 + i)).await.is_err() {
            refused += 1;
        }
    }
    assert!(refused > 0, "a full disk refuses writes");
    assert!(store.check_writable(t0()).await.is_err(), "not ready");

    std::fs::remove_file(&filler).unwrap();
    let start = Instant::now();
    loop {
        match store.apply(event(1000)).await {
            Ok(()) => break,
            Err(e) => {
                assert!(
                    start.elapsed() < Duration::from_secs(5),
                    "still refused 5 s after the disk had room: {e}"
                );
                tokio::time::sleep(Duration::from_millis(100)).await;
            }
        }
    }
    // Every connection of the pool works again, not just one.
    let mut tasks = Vec::new();
    for i in 0..16 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move { s.apply(event(2000 + i)).await }));
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    store.check_writable(t0()).await.unwrap();
    store.close().await;
}
