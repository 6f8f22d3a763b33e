//! Password hashing off the async threads, bounded (SPEC §5, "Bounded resources").
//!
//! Argon2id at OWASP's minimum needs 19 MiB of working memory and tens of milliseconds of one
//! core per password. Run on tokio's blocking pool (up to 512 threads), a burst of
//! unauthenticated logins made hundreds of hashes run at once, each with its own 19 MiB, and
//! the C allocator kept the freed memory in its per-thread arenas: the server grew to
//! gigabytes and stayed there. Here a fixed set of worker threads (by default one per core)
//! each keep one [`HashMemory`] while busy (dropped after a few idle seconds), so hashing
//! never holds more than workers × m, and requests
//! beyond a bounded queue are refused at once with [`ServiceError::Overloaded`] (the site
//! answers `503` with `Retry-After`) instead of piling up.

use core::fmt;
use std::collections::VecDeque;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use tokio::sync::{OwnedSemaphorePermit, Semaphore, oneshot};
use twnhi_account::password::HashMemory;

use crate::error::{Result, ServiceError};

/// How many passwords are hashed at once, and how many may wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct HashingConfig {
    /// Worker threads, each hashing one password at a time with its own working memory
    /// (default: the number of cores, at most 16).
    pub workers: usize,
    /// Requests that may wait for a worker; more are refused with
    /// [`ServiceError::Overloaded`] (default: 32 per worker).
    pub queue: usize,
    /// A worker lets go of its working memory after this long without a job, so a quiet
    /// server holds none of it (default: 5 s).
    pub release_after: Duration,
}

impl Default for HashingConfig {
    fn default() -> Self {
        let workers = std::thread::available_parallelism()
            .map_or(1, std::num::NonZeroUsize::get)
            .clamp(1, 16);
        HashingConfig {
            workers,
            queue: workers * 32,
            release_after: Duration::from_secs(5),
        }
    }
}

impl HashingConfig {
    /// `workers` threads and room for `queue` waiting requests (each at least 1 and 0).
    #[must_use]
    pub fn new(workers: usize, queue: usize) -> Self {
        HashingConfig {
            workers: workers.max(1),
            queue,
            release_after: Duration::from_secs(5),
        }
    }
}

type Job = Box<dyn FnOnce(&mut HashMemory) + Send>;

/// The jobs waiting for a worker; `closed` once the pool is dropped.
#[derive(Default)]
struct Queue {
    jobs: VecDeque<Job>,
    closed: bool,
}

/// The queue and the condition workers wait on (each waits on its own, with a timeout, so
/// every idle worker lets go of its memory).
#[derive(Default)]
struct Shared {
    queue: Mutex<Queue>,
    ready: Condvar,
}

impl Shared {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue> {
        self.queue
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The pool. Dropping the last clone of the service ends its threads once they are idle.
pub(crate) struct HashingPool {
    shared: Arc<Shared>,
    slots: Arc<Semaphore>,
    capacity: usize,
    workers: usize,
    /// Exponential moving average of one hash, in nanoseconds (for `Retry-After`).
    average_nanos: Arc<AtomicU64>,
}

impl fmt::Debug for HashingPool {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HashingPool")
            .field("workers", &self.workers)
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl Drop for HashingPool {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_all();
    }
}

fn worker(shared: &Shared, release_after: Duration) {
    let mut memory = HashMemory::new();
    loop {
        let job = {
            let mut q = shared.lock();
            loop {
                if let Some(job) = q.jobs.pop_front() {
                    break Some(job);
                }
                if q.closed {
                    return;
                }
                let (guard, waited) = shared
                    .ready
                    .wait_timeout(q, release_after)
                    .unwrap_or_else(std::sync::PoisonError::into_inner);
                q = guard;
                if waited.timed_out() && q.jobs.is_empty() {
                    break None;
                }
            }
        };
        match job {
            // A panic inside Argon2 (not expected) must not cost the pool a worker; the
            // waiting request sees its answer channel closed and reports an internal error.
            Some(job) => {
                let _ = std::panic::catch_unwind(AssertUnwindSafe(|| job(&mut memory)));
            }
            None => {
                if memory.kib() > 0 {
                    memory = HashMemory::new();
                }
            }
        }
    }
}

impl HashingPool {
    /// Starts `config.workers` threads.
    ///
    /// # Errors
    /// [`ServiceError::Internal`] when the operating system refuses a thread.
    pub(crate) fn new(config: HashingConfig) -> Result<Self> {
        let workers = config.workers.max(1);
        let capacity = workers.saturating_add(config.queue);
        let shared = Arc::new(Shared::default());
        for i in 0..workers {
            let shared = Arc::clone(&shared);
            std::thread::Builder::new()
                .name(format!("twnhi-hash-{i}"))
                .spawn(move || worker(&shared, config.release_after))
                .map_err(|_| ServiceError::Internal {
                    what: "hashing threads",
                })?;
        }
        Ok(HashingPool {
            shared,
            slots: Arc::new(Semaphore::new(capacity)),
            capacity,
            workers,
            average_nanos: Arc::new(AtomicU64::new(50_000_000)),
        })
    }

    /// Seconds until a place is likely free: the requests ahead × the average hash ÷ workers,
    /// at least 1.
    fn retry_after_secs(&self) -> u32 {
        let waiting = self.capacity - self.slots.available_permits();
        let nanos = self.average_nanos.load(Ordering::Relaxed);
        let total = (waiting as u64).saturating_mul(nanos) / (self.workers as u64).max(1);
        u32::try_from(total.div_ceil(1_000_000_000))
            .unwrap_or(u32::MAX)
            .max(1)
    }

    /// Runs `f` on a worker with its working memory; refuses at once when the queue is full.
    ///
    /// # Errors
    /// [`ServiceError::Overloaded`], or [`ServiceError::Internal`] if the worker failed.
    pub(crate) async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut HashMemory) -> T + Send + 'static,
    ) -> Result<T> {
        let permit: OwnedSemaphorePermit = match Arc::clone(&self.slots).try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                return Err(ServiceError::Overloaded {
                    retry_after_secs: self.retry_after_secs(),
                });
            }
        };
        let (tx, rx) = oneshot::channel();
        let average = Arc::clone(&self.average_nanos);
        let job: Job = Box::new(move |memory: &mut HashMemory| {
            // The request was dropped while waiting (the client went away): skip the work.
            if tx.is_closed() {
                drop(permit);
                return;
            }
            let started = Instant::now();
            let out = f(memory);
            let took = u64::try_from(started.elapsed().as_nanos()).unwrap_or(u64::MAX);
            let old = average.load(Ordering::Relaxed);
            average.store(old - old / 8 + took / 8, Ordering::Relaxed);
            drop(permit);
            let _ = tx.send(out);
        });
        {
            // The permit bounds the queue: there is always room.
            let mut q = self.shared.lock();
            if q.closed {
                return Err(ServiceError::Internal { what: "hashing" });
            }
            q.jobs.push_back(job);
        }
        self.shared.ready.notify_one();
        rx.await
            .map_err(|_| ServiceError::Internal { what: "hashing" })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn at_most_workers_run_at_once_and_the_queue_is_bounded() {
        let pool = Arc::new(HashingPool::new(HashingConfig::new(2, 3)).unwrap());
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let mut tasks = Vec::new();
        for _ in 0..12 {
            let pool = Arc::clone(&pool);
            let running = Arc::clone(&running);
            let peak = Arc::clone(&peak);
            tasks.push(tokio::spawn(async move {
                pool.run(move |_| {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(60));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            }));
        }
        let mut ok = 0;
        let mut refused = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(()) => ok += 1,
                Err(ServiceError::Overloaded { retry_after_secs }) => {
                    assert!(retry_after_secs >= 1);
                    refused += 1;
                }
                Err(e) => panic!("{e}"),
            }
        }
        assert!(peak.load(Ordering::SeqCst) <= 2, "{peak:?}");
        assert_eq!(ok + refused, 12);
        assert!(ok >= 5, "2 running + 3 waiting fit: {ok}");
        assert!(refused >= 1, "12 requests cannot all fit into 2 + 3");
        // Afterwards the pool works again.
        assert_eq!(pool.run(|_| 7).await.unwrap(), 7);
    }

    #[tokio::test]
    async fn an_idle_worker_lets_go_of_its_memory() {
        let mut config = HashingConfig::new(1, 1);
        config.release_after = Duration::from_millis(100);
        let pool = HashingPool::new(config).unwrap();
        let policy = twnhi_account::password::HashPolicy::new(256, 1, 1).unwrap();
        let held = pool
            .run(move |m| {
                policy.equalize_timing_in("x", m);
                m.kib()
            })
            .await
            .unwrap();
        assert_eq!(held, 256);
        // Busy again at once: the memory is still there.
        assert_eq!(pool.run(|m| m.kib()).await.unwrap(), 256);
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(
            pool.run(|m| m.kib()).await.unwrap(),
            0,
            "released when idle"
        );
    }

    #[tokio::test]
    async fn a_panicking_job_does_not_kill_its_worker() {
        let pool = HashingPool::new(HashingConfig::new(1, 1)).unwrap();
        let r = pool.run(|_| -> u8 { panic!("boom") }).await;
        assert!(matches!(r, Err(ServiceError::Internal { .. })));
        assert_eq!(pool.run(|_| 1u8).await.unwrap(), 1);
    }
}
