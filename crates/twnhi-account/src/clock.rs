//! Time as an injected dependency. Every function of this crate takes the current instant
//! as an argument; services hold a [`Clock`] and pass `clock.now()`, tests use a
//! [`FixedClock`].
//!
//! ```
//! use chrono::{TimeDelta, TimeZone, Utc};
//! use twnhi_account::clock::{Clock, FixedClock};
//!
//! let clock = FixedClock::new(Utc.with_ymd_and_hms(2020, 10, 27, 8, 0, 0).unwrap());
//! let later = clock.advanced(TimeDelta::minutes(5));
//! assert_eq!(later.now() - clock.now(), TimeDelta::minutes(5));
//! ```

use chrono::{DateTime, TimeDelta, Utc};

/// A source of the current instant.
pub trait Clock {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for Box<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

impl<C: Clock + ?Sized> Clock for std::sync::Arc<C> {
    fn now(&self) -> DateTime<Utc> {
        (**self).now()
    }
}

/// A clock that always answers the same instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct FixedClock(DateTime<Utc>);

impl FixedClock {
    /// A clock stopped at `at`.
    #[must_use]
    pub const fn new(at: DateTime<Utc>) -> Self {
        FixedClock(at)
    }

    /// A clock stopped `by` later (saturating at chrono's limits).
    #[must_use]
    pub fn advanced(self, by: TimeDelta) -> Self {
        FixedClock(
            self.0
                .checked_add_signed(by)
                .unwrap_or(if by < TimeDelta::zero() {
                    DateTime::<Utc>::MIN_UTC
                } else {
                    DateTime::<Utc>::MAX_UTC
                }),
        )
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixed_and_saturating() {
        let c = FixedClock::new(DateTime::<Utc>::MAX_UTC);
        assert_eq!(
            c.advanced(TimeDelta::days(1)).now(),
            DateTime::<Utc>::MAX_UTC
        );
        let c = FixedClock::new(DateTime::<Utc>::MIN_UTC);
        assert_eq!(
            c.advanced(TimeDelta::days(-1)).now(),
            DateTime::<Utc>::MIN_UTC
        );
        let boxed: Box<dyn Clock> = Box::new(c);
        assert_eq!(boxed.now(), c.now());
    }
}
