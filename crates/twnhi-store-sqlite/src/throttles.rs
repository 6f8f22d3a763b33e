//! Table `throttles`: failure counters by key (pseudonymous; see the service's throttling).

use chrono::{DateTime, TimeDelta, Utc};
use serde_json::json;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use twnhi_account::throttle::{ThrottlePolicy, ThrottleState};
use twnhi_store::time;

use crate::error::{Result, corrupt, u32_of};

/// Counts one failure under `policy` (read, update and write in the caller's transaction,
/// which holds the write lock: concurrent failures all count).
pub(crate) async fn failure(
    c: &mut SqliteConnection,
    key: &str,
    policy: ThrottlePolicy,
    at: DateTime<Utc>,
) -> Result<()> {
    let row = sqlx::query("SELECT failures, last_failure FROM throttles WHERE key = ?")
        .bind(key)
        .fetch_optional(&mut *c)
        .await?;
    let mut state = match row {
        Some(row) => parse(&row)?,
        None => ThrottleState::default(),
    };
    policy.record_failure(&mut state, at);
    sqlx::query(
        "INSERT INTO throttles (key, failures, last_failure) VALUES (?, ?, ?) \
         ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
         last_failure = excluded.last_failure",
    )
    .bind(key)
    .bind(i64::from(state.failures()))
    .bind(state.last_failure().map(time::format))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Clears one counter.
pub(crate) async fn reset(c: &mut SqliteConnection, key: &str) -> Result<()> {
    sqlx::query("DELETE FROM throttles WHERE key = ?")
        .bind(key)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Clears every counter whose key starts with `prefix`.
pub(crate) async fn reset_prefix(c: &mut SqliteConnection, prefix: &str) -> Result<()> {
    sqlx::query("DELETE FROM throttles WHERE substr(key, 1, length(?1)) = ?1")
        .bind(prefix)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes counters quiet for two days, except the consecutive-failure caps (`*cap:*`).
pub(crate) async fn purge(c: &mut SqliteConnection, now: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM throttles WHERE (last_failure IS NULL OR last_failure <= ?) \
         AND key NOT LIKE '%cap:%'",
    )
    .bind(time::format(now - TimeDelta::days(2)))
    .execute(&mut *c)
    .await?
    .rows_affected())
}

/// The state of a counter (default when never seen).
pub(crate) async fn get(pool: &SqlitePool, key: &str) -> Result<ThrottleState> {
    let row = sqlx::query("SELECT failures, last_failure FROM throttles WHERE key = ?")
        .bind(key)
        .fetch_optional(pool)
        .await?;
    match row {
        Some(row) => parse(&row),
        None => Ok(ThrottleState::default()),
    }
}

fn parse(row: &SqliteRow) -> Result<ThrottleState> {
    let failures: i64 = row.try_get("failures")?;
    let last: Option<String> = row.try_get("last_failure")?;
    let value = json!({
        "failures": u32_of(failures, "throttles.failures")?,
        "last_failure": time::parse_opt(last, "throttles.last_failure")?,
    });
    serde_json::from_value(value).map_err(|_| corrupt("throttles"))
}
