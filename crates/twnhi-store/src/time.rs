//! Timestamps as stored: RFC 3339 UTC with microseconds and `Z`, fixed width, so that text
//! comparison in SQL is time order.

use chrono::{DateTime, SecondsFormat, Utc};

use crate::error::StoreError;

/// Formats an instant for storage.
#[must_use]
pub fn format(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// Reads a stored instant.
///
/// # Errors
/// [`StoreError::Corrupt`].
pub fn parse(s: &str, what: &'static str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt { what })
}

/// Reads an optional stored instant.
///
/// # Errors
/// [`StoreError::Corrupt`].
pub fn parse_opt(
    s: Option<String>,
    what: &'static str,
) -> Result<Option<DateTime<Utc>>, StoreError> {
    s.map(|s| parse(&s, what)).transpose()
}
