//! Table `throttles`: failure counters by key (pseudonymous; see the service's throttling).
//!
//! Concurrency: counting a failure reads the counter, applies the policy in Rust
//! ([`ThrottlePolicy::record_failure`]: decay, windows) and writes the result. SQLite's single
//! writer makes that read-modify-write safe; under READ COMMITTED two transactions would read
//! the same count and one failure would be lost. So [`failure`] first makes sure the row exists
//! (`INSERT … ON CONFLICT DO NOTHING`, which waits for a concurrent insert of the same key to
//! commit or roll back) and then reads it `FOR UPDATE`: failures of one key take turns on its
//! row lock and every one counts, while failures of different keys never wait for each other.
//! The placeholder row (no failures) is indistinguishable from a missing one and is rolled back
//! with a failed change set. Two change sets locking several keys in opposite orders can
//! deadlock; PostgreSQL breaks the cycle and `Store::apply` runs the loser again.

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use twnhi_account::throttle::{ThrottlePolicy, ThrottleState};

use crate::error::{Result, corrupt, u32_of};

/// Counts one failure under `policy` (every concurrent failure counts: see the module docs).
pub(crate) async fn failure(
    c: &mut PgConnection,
    key: &str,
    policy: ThrottlePolicy,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO throttles (key, failures, last_failure) VALUES ($1, 0, NULL) \
         ON CONFLICT (key) DO NOTHING",
    )
    .bind(key)
    .execute(&mut *c)
    .await?;
    let row = sqlx::query("SELECT failures, last_failure FROM throttles WHERE key = $1 FOR UPDATE")
        .bind(key)
        .fetch_optional(&mut *c)
        .await?;
    let mut state = match row {
        Some(row) => parse(&row)?,
        None => ThrottleState::default(),
    };
    policy.record_failure(&mut state, at);
    sqlx::query(
        "INSERT INTO throttles (key, failures, last_failure) VALUES ($1, $2, $3) \
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
         last_failure = excluded.last_failure",
    )
    .bind(key)
    .bind(i64::from(state.failures()))
    .bind(state.last_failure())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Clears one counter.
pub(crate) async fn reset(c: &mut PgConnection, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM throttles WHERE key = $1")
        .bind(key)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Clears every counter whose key starts with `prefix` (text, not a pattern).
pub(crate) async fn reset_prefix(c: &mut PgConnection, prefix: &str) -> Result<()> {
    sqlx::query("DELETE FROM throttles WHERE starts_with(key, $1)")
        .bind(prefix)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes counters quiet for two days, except the consecutive-failure caps (`*cap:*`).
pub(crate) async fn purge(c: &mut PgConnection, now: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM throttles WHERE (last_failure IS NULL OR last_failure <= $1) \
         AND strpos(key, 'cap:') = 0",
    )
    .bind(now.checked_sub_signed(TimeDelta::days(2)).unwrap_or(now))
    .execute(&mut *c)
    .await?
    .rows_affected())
}

/// The state of a counter (default when never seen).
pub(crate) async fn get(pool: &PgPool, key: &str) -> Result<ThrottleState> {
    let row = sqlx::query("SELECT failures, last_failure FROM throttles WHERE key = $1")
        .bind(key)
        .fetch_optional(pool)
        .await?;
    match row {
        Some(row) => parse(&row),
        None => Ok(ThrottleState::default()),
    }
}

fn parse(row: &PgRow) -> Result<ThrottleState> {
    let failures: i64 = row.try_get("failures")?;
    let last: Option<DateTime<Utc>> = row.try_get("last_failure")?;
    let value = json!({
        "failures": u32_of(failures, "throttles.failures")?,
        "last_failure": last,
    });
    serde_json::from_value(value).map_err(|_| corrupt("throttles"))
}
