//! Memory under a burst of logins (SPEC §5, bounded resources), in a test binary of its own
//! so that the process's peak resident memory is this test's alone.
//!
//! Regression: about 100 concurrent logins grew the server to gigabytes — every Argon2
//! verification (19 MiB with the production policy) ran at once on tokio's blocking pool,
//! and the freed memory stayed in the allocator's per-thread arenas. With the hashing pool,
//! at most one working memory per worker thread exists, whatever the burst.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;

use common::*;
use twnhi_account::password::HashPolicy;
use twnhi_service::{HashingConfig, ServiceError};

/// `VmHWM` (peak resident set) or `VmRSS` of this process, in KiB.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap();
    status
        .lines()
        .find(|l| l.starts_with(field))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_48_logins_keeps_hashing_memory_bounded() {
    const BURST: usize = 48;
    let mut config = config();
    // The production hash: 19 MiB of working memory per computation.
    config.hash_policy = HashPolicy::default();
    config.hashing = HashingConfig::new(2, 64);
    config.service_hours = twnhi_account::roc::ServiceHours::ALWAYS;
    let app = Arc::new(App::with_people(config, BURST).await);
    // Nobody is registered: every login spends one Argon2 computation (equalised timing)
    // and fails, as a stranger's would.
    let mut callers = Vec::new();
    for i in 0..BURST {
        let caller = app.caller_at(&format!("192.0.2.{}", i + 1)).await;
        authenticate(&app.service, &caller, &app.person(i).identity)
            .await
            .unwrap();
        callers.push(caller);
    }
    // Reset the peak to what is resident now (Linux: `echo 5 > /proc/self/clear_refs`).
    std::fs::write("/proc/self/clear_refs", "5").unwrap();
    let before = status_kib("VmHWM:");
    let mut tasks = Vec::new();
    for caller in callers {
        let app = Arc::clone(&app);
        tasks.push(tokio::spawn(async move {
            app.service.login(&caller, &pw("Wrong#1234")).await
        }));
    }
    for t in tasks {
        assert!(matches!(t.await.unwrap(), Err(ServiceError::LoginFailed)));
    }
    let peak = status_kib("VmHWM:");
    let grown_mib = (peak.saturating_sub(before)) / 1024;
    // Two workers × 19 MiB, plus slack for the runtime; 48 hashes at once would need ~900 MiB.
    assert!(
        grown_mib <= 128,
        "peak resident memory grew by {grown_mib} MiB during {BURST} concurrent logins"
    );
}
