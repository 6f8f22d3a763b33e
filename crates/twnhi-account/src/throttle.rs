//! Login throttling as a pure policy (SPEC §5): failures counted per registration and per
//! client address give the earliest time of the next attempt, with exponential back-off up
//! to a cap. Success resets the count, old failures are forgotten, and there is no permanent
//! lockout an attacker could trigger at will.
//!
//! The caller keeps one [`ThrottleState`] per key (registration, client address), checks
//! every applicable key *before* verifying a password (a throttled attempt is refused
//! without being counted), then records the outcome.
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use twnhi_account::throttle::{check_all, ThrottlePolicy, ThrottleState};
//!
//! let policy = ThrottlePolicy::per_registration(); // 3 free failures, then 1 s, 2 s, 4 s … ≤ 15 min
//! let mut reg = ThrottleState::default();
//! let t = Utc.with_ymd_and_hms(2024, 5, 1, 2, 0, 0).unwrap();
//! for _ in 0..4 {
//!     policy.record_failure(&mut reg, t);
//! }
//! let err = policy.check(&reg, t).unwrap_err();
//! assert_eq!(err.retry_at, t + TimeDelta::seconds(1));
//! assert!(policy.check(&reg, t + TimeDelta::seconds(1)).is_ok());
//!
//! let addr_policy = ThrottlePolicy::per_client_address();
//! let addr = ThrottleState::default();
//! assert!(check_all(&[(&policy, &reg), (&addr_policy, &addr)], t).is_err());
//!
//! policy.record_success(&mut reg);
//! assert!(policy.check(&reg, t).is_ok());
//! ```

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use crate::messages::{Lang, Localized, Msg, bilingual_display, try_again_after};

/// A refused attempt: not before `retry_at`, or — `locked` — not until the count is reset
/// by a success proven another way (see [`ThrottlePolicy::lock_after`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
#[non_exhaustive]
pub struct Throttled {
    /// The earliest time of the next attempt (meaningless when `locked`).
    pub retry_at: DateTime<Utc>,
    /// The key reached its policy's [`ThrottlePolicy::lock_after`]: waiting does not help.
    pub locked: bool,
}

impl Throttled {
    /// A refusal until `retry_at`.
    #[must_use]
    pub const fn until(retry_at: DateTime<Utc>) -> Self {
        Throttled {
            retry_at,
            locked: false,
        }
    }

    /// The refusal with the time of the next attempt, e.g. 「嘗試次數過多，請於 民國113年5月1日
    /// 10:00:01 後再試。」, or for a locked key the catalog text of [`Msg::AttemptsLocked`].
    #[must_use]
    pub fn message_with_time(&self, lang: Lang) -> String {
        if self.locked {
            Msg::AttemptsLocked.text(lang).to_owned()
        } else {
            try_again_after(self.retry_at, lang)
        }
    }
}

impl Localized for Throttled {
    fn msg(&self) -> Msg {
        if self.locked {
            Msg::AttemptsLocked
        } else {
            Msg::TooManyAttempts
        }
    }
}
bilingual_display!(Throttled);

/// Failures of one key (a registration or a client address).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThrottleState {
    failures: u32,
    last_failure: Option<DateTime<Utc>>,
}

impl ThrottleState {
    /// Consecutive failures recorded (before forgetting old ones).
    #[must_use]
    pub const fn failures(&self) -> u32 {
        self.failures
    }

    /// Time of the last failure.
    #[must_use]
    pub const fn last_failure(&self) -> Option<DateTime<Utc>> {
        self.last_failure
    }
}

/// How failures turn into delays.
///
/// After `free_failures` failures, the n-th further failure makes the next attempt wait
/// `base_delay_secs × 2ⁿ⁻¹` seconds, at most `max_delay_secs`. Failures are forgotten
/// `forget_after_secs` after the last one; with `leak_every_secs`, one failure is also
/// forgiven every `leak_every_secs` seconds of quiet (a leaky bucket: a ceiling on the rate of
/// failures rather than on their number). With `lock_after`, that many consecutive failures
/// close the key until it is reset ([`ThrottlePolicy::record_success`]) — only for keys that a
/// stranger cannot fill (see `docs/service.md`, "Throttling").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ThrottlePolicy {
    /// Failures allowed without delay.
    pub free_failures: u32,
    /// Delay after the first counted failure, seconds (≥ 1).
    pub base_delay_secs: u32,
    /// Longest delay, seconds: the cap that rules out a permanent lockout.
    pub max_delay_secs: u32,
    /// Quiet time after which the count starts again, seconds.
    pub forget_after_secs: u32,
    /// One failure forgiven per this many seconds since the last failure (0: none).
    #[serde(default)]
    pub leak_every_secs: u32,
    /// Consecutive failures after which the key stays closed until reset, whatever the time
    /// (0: never). Failures are not forgotten with time once this many are counted.
    #[serde(default)]
    pub lock_after: u32,
}

impl Default for ThrottlePolicy {
    fn default() -> Self {
        Self::per_registration()
    }
}

impl ThrottlePolicy {
    /// Per registration: 3 free failures, then 1 s doubling up to 15 min; forgotten after
    /// 24 h.
    #[must_use]
    pub const fn per_registration() -> Self {
        ThrottlePolicy {
            free_failures: 3,
            base_delay_secs: 1,
            max_delay_secs: 15 * 60,
            forget_after_secs: 24 * 3600,
            leak_every_secs: 0,
            lock_after: 0,
        }
    }

    /// A ceiling per client address against spraying (hundreds of people may share one
    /// address behind a clinic's, a school's or a carrier's NAT): 200 free failures, one
    /// forgiven every 18 s (200 an hour), then 1 s doubling up to 15 min.
    #[must_use]
    pub const fn per_client_address() -> Self {
        ThrottlePolicy {
            free_failures: 200,
            base_delay_secs: 1,
            max_delay_secs: 15 * 60,
            forget_after_secs: 24 * 3600,
            leak_every_secs: 18,
            lock_after: 0,
        }
    }

    /// NIST SP 800-63B §5.2.2: at most `n` consecutive failed password checks on one
    /// account; the key closes after `n` until a success (or a reset proven with the card).
    /// No delay before that: pair it with a back-off policy on another key.
    #[must_use]
    pub const fn consecutive_cap(n: u32) -> Self {
        ThrottlePolicy {
            free_failures: u32::MAX,
            base_delay_secs: 1,
            max_delay_secs: 1,
            forget_after_secs: u32::MAX,
            leak_every_secs: 0,
            lock_after: n,
        }
    }

    /// The delay that follows `failures` consecutive failures.
    ///
    /// ```
    /// use chrono::TimeDelta;
    /// use twnhi_account::throttle::ThrottlePolicy;
    /// let p = ThrottlePolicy::per_registration();
    /// assert_eq!(p.delay_after(3), TimeDelta::zero());
    /// assert_eq!(p.delay_after(4), TimeDelta::seconds(1));
    /// assert_eq!(p.delay_after(6), TimeDelta::seconds(4));
    /// assert_eq!(p.delay_after(1_000), TimeDelta::minutes(15));
    /// ```
    #[must_use]
    pub fn delay_after(&self, failures: u32) -> TimeDelta {
        let Some(counted) = failures.checked_sub(self.free_failures).filter(|&n| n > 0) else {
            return TimeDelta::zero();
        };
        let exp = (counted - 1).min(40);
        let secs = u64::from(self.base_delay_secs.max(1))
            .saturating_mul(1u64 << exp)
            .min(u64::from(self.max_delay_secs));
        TimeDelta::seconds(i64::try_from(secs).unwrap_or(i64::from(u32::MAX)))
    }

    fn locked(&self, state: &ThrottleState) -> bool {
        self.lock_after > 0 && state.failures >= self.lock_after
    }

    /// Failures that still count at `now`: none after `forget_after_secs` of quiet, fewer by
    /// one per `leak_every_secs` of quiet; all of them once the key is locked.
    #[must_use]
    pub fn effective_failures(&self, state: &ThrottleState, now: DateTime<Utc>) -> u32 {
        if self.locked(state) {
            return state.failures;
        }
        let Some(last) = state.last_failure else {
            return 0;
        };
        let quiet = now.signed_duration_since(last).num_seconds().max(0);
        if quiet >= i64::from(self.forget_after_secs) {
            return 0;
        }
        if self.leak_every_secs == 0 {
            return state.failures;
        }
        let leaked = u32::try_from(quiet / i64::from(self.leak_every_secs)).unwrap_or(u32::MAX);
        state.failures.saturating_sub(leaked)
    }

    /// The earliest time of the next attempt, or `None` if it may happen at any time (a
    /// locked key: [`DateTime::MAX_UTC`]).
    #[must_use]
    pub fn earliest_next_attempt(
        &self,
        state: &ThrottleState,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        if self.locked(state) {
            return Some(DateTime::<Utc>::MAX_UTC);
        }
        let last = state.last_failure?;
        let delay = self.delay_after(self.effective_failures(state, now));
        if delay.is_zero() {
            return None;
        }
        let at = last
            .checked_add_signed(delay)
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        (at > now).then_some(at)
    }

    /// `Ok` if an attempt may be made at `now`.
    ///
    /// # Errors
    /// [`Throttled`] with the earliest time of the next attempt (`locked` when the key
    /// reached [`ThrottlePolicy::lock_after`]).
    pub fn check(&self, state: &ThrottleState, now: DateTime<Utc>) -> Result<(), Throttled> {
        if self.locked(state) {
            return Err(Throttled {
                retry_at: DateTime::<Utc>::MAX_UTC,
                locked: true,
            });
        }
        match self.earliest_next_attempt(state, now) {
            Some(retry_at) => Err(Throttled::until(retry_at)),
            None => Ok(()),
        }
    }

    /// Counts a failed attempt at `now` (after forgetting old failures).
    pub fn record_failure(&self, state: &mut ThrottleState, now: DateTime<Utc>) {
        let base = self.effective_failures(state, now);
        state.failures = base.saturating_add(1);
        state.last_failure = Some(match state.last_failure {
            Some(last) if last > now => last,
            _ => now,
        });
    }

    /// A successful attempt: the count starts again.
    pub fn record_success(&self, state: &mut ThrottleState) {
        *state = ThrottleState::default();
    }
}

/// Checks several keys at once (e.g. the registration and the client address): refused if
/// any refuses, with the latest of their times.
///
/// # Errors
/// [`Throttled`].
pub fn check_all(
    keys: &[(&ThrottlePolicy, &ThrottleState)],
    now: DateTime<Utc>,
) -> Result<(), Throttled> {
    let mut worst: Option<Throttled> = None;
    for (p, s) in keys {
        if let Err(t) = p.check(s, now) {
            worst = Some(match worst {
                Some(w) if (w.locked, w.retry_at) >= (t.locked, t.retry_at) => w,
                _ => t,
            });
        }
    }
    worst.map_or(Ok(()), Err)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2024, 5, 1, 2, 0, 0).unwrap()
    }

    #[test]
    fn back_off_and_cap() {
        let p = ThrottlePolicy::per_registration();
        let mut s = ThrottleState::default();
        let mut expected = Vec::new();
        for n in 1..=20u32 {
            p.record_failure(&mut s, t0());
            expected.push((n, p.delay_after(n)));
        }
        assert_eq!(expected[3], (4, TimeDelta::seconds(1)));
        assert_eq!(expected[4], (5, TimeDelta::seconds(2)));
        assert_eq!(expected[12], (13, TimeDelta::seconds(512)));
        assert_eq!(expected[13], (14, TimeDelta::minutes(15)));
        assert_eq!(expected[19], (20, TimeDelta::minutes(15)));
        assert_eq!(
            p.check(&s, t0()),
            Err(Throttled::until(t0() + TimeDelta::minutes(15)))
        );
    }

    #[test]
    fn forgets_and_resets() {
        let p = ThrottlePolicy::per_registration();
        let mut s = ThrottleState::default();
        for _ in 0..10 {
            p.record_failure(&mut s, t0());
        }
        let later = t0() + TimeDelta::hours(24);
        assert!(p.check(&s, later).is_ok());
        assert_eq!(p.effective_failures(&s, later), 0);
        p.record_failure(&mut s, later);
        assert_eq!(s.failures(), 1);
        p.record_success(&mut s);
        assert_eq!(s, ThrottleState::default());
    }

    #[test]
    fn messages() {
        let e = Throttled::until(t0());
        assert_eq!(e.msg(), Msg::TooManyAttempts);
        assert_eq!(
            e.message_with_time(Lang::ZhTw),
            "嘗試次數過多，請於 民國113年5月1日 10:00:00 後再試。"
        );
    }

    #[test]
    fn extreme_settings_do_not_panic() {
        let p = ThrottlePolicy {
            free_failures: 0,
            base_delay_secs: u32::MAX,
            max_delay_secs: u32::MAX,
            forget_after_secs: u32::MAX,
            leak_every_secs: u32::MAX,
            lock_after: 0,
        };
        let mut s = ThrottleState::default();
        for _ in 0..100 {
            p.record_failure(&mut s, DateTime::<Utc>::MAX_UTC);
        }
        let _ = p.check(&s, DateTime::<Utc>::MAX_UTC);
        assert_eq!(s.failures(), 100);
        let _ = p.earliest_next_attempt(&s, DateTime::<Utc>::MIN_UTC);
    }

    #[test]
    fn address_ceiling_leaks() {
        let p = ThrottlePolicy::per_client_address();
        let mut s = ThrottleState::default();
        // 100 people behind one address each mistype twice within a few minutes: no delay.
        for i in 0..200 {
            p.record_failure(&mut s, t0() + TimeDelta::seconds(i));
        }
        let t1 = t0() + TimeDelta::seconds(200);
        assert!(p.check(&s, t1).is_ok());
        // a sprayer going on is slowed …
        p.record_failure(&mut s, t1);
        assert!(p.check(&s, t1).is_err());
        // … and an hour of quiet gives the address its whole allowance back.
        let t2 = t1 + TimeDelta::hours(1);
        assert_eq!(p.effective_failures(&s, t2), 1);
        assert!(p.check(&s, t2).is_ok());
    }

    #[test]
    fn consecutive_cap_locks_until_reset() {
        let p = ThrottlePolicy::consecutive_cap(100);
        let mut s = ThrottleState::default();
        for i in 0..99 {
            p.record_failure(&mut s, t0() + TimeDelta::days(i));
            assert!(p.check(&s, t0() + TimeDelta::days(i)).is_ok());
        }
        p.record_failure(&mut s, t0() + TimeDelta::days(99));
        let later = t0() + TimeDelta::days(3650);
        let err = p.check(&s, later).unwrap_err();
        assert!(err.locked);
        assert_eq!(err.msg(), Msg::AttemptsLocked);
        let both = check_all(
            &[
                (
                    &ThrottlePolicy::per_registration(),
                    &ThrottleState::default(),
                ),
                (&p, &s),
            ],
            later,
        );
        assert!(both.unwrap_err().locked);
        p.record_success(&mut s);
        assert!(p.check(&s, later).is_ok());
    }

    proptest! {
        /// Whatever the failures, an attacker can never lock a key for longer than the cap.
        #[test]
        fn never_locked_beyond_cap(gaps in prop::collection::vec(0i64..2_000, 0..80)) {
            let p = ThrottlePolicy::per_registration();
            let mut s = ThrottleState::default();
            let mut now = t0();
            for g in gaps {
                now += TimeDelta::seconds(g);
                if p.check(&s, now).is_ok() {
                    p.record_failure(&mut s, now);
                }
            }
            if let Some(at) = p.earliest_next_attempt(&s, now) {
                prop_assert!(at - now <= TimeDelta::seconds(i64::from(p.max_delay_secs)));
            }
            let cap = now + TimeDelta::seconds(i64::from(p.max_delay_secs));
            prop_assert!(p.check(&s, cap).is_ok());
        }

        #[test]
        fn delays_are_monotonic(a in 0u32..200, b in 0u32..200) {
            let p = ThrottlePolicy::per_client_address();
            let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
            prop_assert!(p.delay_after(lo) <= p.delay_after(hi));
        }
    }
}
