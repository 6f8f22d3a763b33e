//! Request rate limits per client address: two token buckets per address (every request, and
//! `POST`s), refilled continuously. Buckets of addresses not seen for a while are dropped, so
//! the table stays small.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::config::RateLimits;

/// Addresses idle this long are forgotten (their buckets would be full again anyway).
const IDLE: Duration = Duration::from_secs(600);
/// The table is swept when it grows past this many addresses.
const SWEEP_AT: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

impl Bucket {
    fn take(&mut self, now: Instant, rate_per_sec: f64, burst: f64) -> Result<(), Duration> {
        let elapsed = now.saturating_duration_since(self.at).as_secs_f64();
        self.tokens = (self.tokens + elapsed * rate_per_sec).min(burst);
        self.at = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - self.tokens) / rate_per_sec;
            Err(Duration::from_secs_f64(wait.clamp(0.0, 3600.0)))
        }
    }
}

#[derive(Debug)]
struct Entry {
    all: Bucket,
    posts: Bucket,
    seen: Instant,
}

/// The limiter shared by all requests.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limits: RateLimits,
    table: Mutex<HashMap<IpAddr, Entry>>,
}

impl RateLimiter {
    pub(crate) fn new(limits: RateLimits) -> Self {
        RateLimiter {
            limits,
            table: Mutex::new(HashMap::new()),
        }
    }

    /// Takes a token for a request from `ip`; `Err(retry_after)` when over the limit.
    pub(crate) fn check(&self, ip: IpAddr, is_post: bool) -> Result<(), Duration> {
        self.check_at(ip, is_post, Instant::now())
    }

    fn check_at(&self, ip: IpAddr, is_post: bool, now: Instant) -> Result<(), Duration> {
        let l = &self.limits;
        let mut table = self
            .table
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if table.len() >= SWEEP_AT {
            table.retain(|_, e| now.saturating_duration_since(e.seen) < IDLE);
        }
        let entry = table.entry(ip).or_insert_with(|| Entry {
            all: Bucket {
                tokens: l.requests_burst,
                at: now,
            },
            posts: Bucket {
                tokens: l.posts_burst,
                at: now,
            },
            seen: now,
        });
        entry.seen = now;
        entry.all.take(now, l.requests_per_sec, l.requests_burst)?;
        if is_post {
            entry
                .posts
                .take(now, l.posts_per_min / 60.0, l.posts_burst)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_then_refills() {
        let limits = RateLimits {
            requests_per_sec: 10.0,
            requests_burst: 3.0,
            posts_per_min: 60.0,
            posts_burst: 2.0,
        };
        let rl = RateLimiter::new(limits);
        let ip: IpAddr = "192.0.2.1".parse().unwrap();
        let other: IpAddr = "192.0.2.2".parse().unwrap();
        let t0 = Instant::now();
        for _ in 0..3 {
            rl.check_at(ip, false, t0).unwrap();
        }
        let wait = rl.check_at(ip, false, t0).unwrap_err();
        assert!(wait <= Duration::from_millis(100), "{wait:?}");
        rl.check_at(other, false, t0).unwrap(); // per address
        let t1 = t0 + Duration::from_millis(250);
        rl.check_at(other, true, t1).unwrap();
        rl.check_at(other, true, t1).unwrap();
        let wait = rl.check_at(other, true, t1).unwrap_err();
        assert!(wait > Duration::from_millis(500), "{wait:?}");
    }
}
