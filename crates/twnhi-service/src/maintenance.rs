//! The maintenance worker: every minute it deletes what has ended (sessions past their end or
//! idle, spent secrets, quiet throttling counters, payloads of letters given up long ago) and
//! lets cancellations whose waiting period ended take effect; it also reloads the CRLs of the
//! citizen certificate login on their schedule. Without it the session and
//! secret tables only grow (SPEC §5, bounded resources).
//!
//! Also here: [`Liveness`], the heartbeat of a background worker that the readiness check
//! reads, and [`Service::check_database`].

use core::time::Duration;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicI64, Ordering};

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::error::Result;
use crate::service::Service;

/// The heartbeat of a background worker: when it last went round its loop, and whether its
/// task has ended (stopped, or died of a panic).
#[derive(Clone, Debug, Default)]
pub struct Liveness {
    last_beat_ms: Arc<AtomicI64>,
    ended: Arc<AtomicBool>,
}

/// Marks a [`Liveness`] ended when dropped: held by a worker's task, so that a task that
/// returns or panics is reported at once.
#[derive(Debug)]
pub struct LivenessGuard(Liveness);

impl Drop for LivenessGuard {
    fn drop(&mut self) {
        self.0.ended.store(true, Ordering::Relaxed);
    }
}

impl Liveness {
    /// A heartbeat that has not beaten yet.
    #[must_use]
    pub fn new() -> Self {
        Liveness::default()
    }

    /// Records a beat now.
    pub fn beat(&self) {
        self.last_beat_ms
            .store(chrono::Utc::now().timestamp_millis(), Ordering::Relaxed);
    }

    /// A guard for the worker's task: the liveness ends when it is dropped.
    #[must_use]
    pub fn guard(&self) -> LivenessGuard {
        LivenessGuard(self.clone())
    }

    /// Whether the task still runs and beat within `within` (never beaten: not alive).
    #[must_use]
    pub fn alive_within(&self, within: Duration) -> bool {
        if self.ended.load(Ordering::Relaxed) {
            return false;
        }
        let last = self.last_beat_ms.load(Ordering::Relaxed);
        if last == 0 {
            return false;
        }
        let age = chrono::Utc::now().timestamp_millis().saturating_sub(last);
        u128::try_from(age).is_ok_and(|age| age <= within.as_millis())
    }
}

/// Runs [`Service::purge_expired`] and [`Service::finish_due_cancellations`] periodically.
#[derive(Debug)]
pub struct MaintenanceWorker {
    service: Service,
    interval: Duration,
    liveness: Liveness,
    /// When the certificate login's CRLs were last reloaded by this worker.
    crls_refreshed: std::sync::Mutex<Option<std::time::Instant>>,
}

/// A running maintenance worker.
#[derive(Debug)]
pub struct MaintenanceHandle {
    stop: watch::Sender<bool>,
    join: JoinHandle<()>,
    liveness: Liveness,
}

impl MaintenanceHandle {
    /// Its heartbeat.
    #[must_use]
    pub fn liveness(&self) -> Liveness {
        self.liveness.clone()
    }

    /// Stops it and waits.
    pub async fn shutdown(self) {
        let _ = self.stop.send(true);
        let _ = self.join.await;
    }
}

impl MaintenanceWorker {
    /// A worker running every `interval` (one minute in `twnhi serve`).
    #[must_use]
    pub fn new(service: &Service, interval: Duration) -> Self {
        MaintenanceWorker {
            service: service.clone(),
            interval,
            liveness: Liveness::new(),
            crls_refreshed: std::sync::Mutex::new(None),
        }
    }

    /// One round: the purge, then the due cancellations, then — with a certificate login
    /// whose CRL refresh interval has passed (the first round always) — the CRLs reloaded.
    /// Returns (rows purged, cancellations that took effect).
    ///
    /// # Errors
    /// Store errors.
    pub async fn run_once(&self) -> Result<(u64, u32)> {
        let purged = self.service.purge_expired().await?;
        let cancelled = self.service.finish_due_cancellations().await?;
        if let Some(every) = self
            .service
            .config()
            .certificates
            .as_ref()
            .map(|p| p.crl_refresh)
        {
            let due = self
                .crls_refreshed
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
                .is_none_or(|at| at.elapsed() >= every);
            if due {
                self.service.refresh_crls().await?;
                *self
                    .crls_refreshed
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner) =
                    Some(std::time::Instant::now());
            }
        }
        self.liveness.beat();
        Ok((purged, cancelled))
    }

    /// Runs as a tokio task until [`MaintenanceHandle::shutdown`]; a failed round (a full
    /// disk, a lost database) is logged and tried again next time.
    #[must_use]
    pub fn spawn(self) -> MaintenanceHandle {
        let (stop, mut stopped) = watch::channel(false);
        let liveness = self.liveness.clone();
        let join = tokio::spawn(async move {
            let _alive = self.liveness.guard();
            loop {
                match self.run_once().await {
                    Ok((purged, cancelled)) => {
                        if purged > 0 || cancelled > 0 {
                            tracing::info!(purged, cancelled, "maintenance round");
                        }
                    }
                    Err(e) => tracing::warn!(error = %e, "maintenance round failed"),
                }
                tokio::select! {
                    () = tokio::time::sleep(self.interval) => {}
                    _ = stopped.changed() => break,
                }
            }
        });
        MaintenanceHandle {
            stop,
            join,
            liveness,
        }
    }
}

impl Service {
    /// Readiness of the database: one small committed write.
    ///
    /// # Errors
    /// The store's error when the database cannot be written (a full disk, a read-only
    /// file, a lost server).
    pub async fn check_database(&self) -> Result<()> {
        self.inner.store.check_writable(self.now()).await?;
        Ok(())
    }
}
