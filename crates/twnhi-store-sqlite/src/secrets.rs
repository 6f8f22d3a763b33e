//! Table `secrets`: one-time codes and links, stored as HMAC digests, one per kind and
//! subject; spending and counting attempts are conditional updates, so each happens once.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use twnhi_account::secret::{SecretKind, SecretRecord};
use twnhi_store::StoredSecret;
use twnhi_store::time;

use crate::error::{Result, conflict_unless_one, corrupt};

/// Puts a secret, replacing the one of the same kind and subject.
pub(crate) async fn put(c: &mut SqliteConnection, s: &StoredSecret) -> Result<()> {
    let r = &s.record;
    sqlx::query("DELETE FROM secrets WHERE kind = ? AND subject = ?")
        .bind(r.kind().as_str())
        .bind(r.subject())
        .execute(&mut *c)
        .await?;
    sqlx::query(
        "INSERT INTO secrets (digest, kind, subject, issued_at, expires_at, \
         attempts_left, used, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.digest_hex())
    .bind(r.kind().as_str())
    .bind(r.subject())
    .bind(time::format(r.issued_at()))
    .bind(time::format(r.expires_at()))
    .bind(i64::from(r.attempts_left()))
    .bind(i64::from(r.is_used()))
    .bind(&s.payload)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Marks a secret used, if unused and its attempts still `expected_attempts_left`.
pub(crate) async fn spend(
    c: &mut SqliteConnection,
    digest: &str,
    expected_attempts_left: u32,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE secrets SET used = 1 WHERE digest = ? AND used = 0 AND attempts_left = ?",
    )
    .bind(digest)
    .bind(i64::from(expected_attempts_left))
    .execute(&mut *c)
    .await?;
    conflict_unless_one(done.rows_affected(), "secret already used")
}

/// Counts a wrong attempt: `expected_attempts_left` → `attempts_left`, once.
pub(crate) async fn attempt(
    c: &mut SqliteConnection,
    digest: &str,
    expected_attempts_left: u32,
    attempts_left: u32,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE secrets SET attempts_left = ? WHERE digest = ? AND used = 0 \
         AND attempts_left = ?",
    )
    .bind(i64::from(attempts_left))
    .bind(digest)
    .bind(i64::from(expected_attempts_left))
    .execute(&mut *c)
    .await?;
    conflict_unless_one(done.rows_affected(), "secret attempts")
}

/// Sets the payload of an unused secret that has none yet.
pub(crate) async fn set_payload(
    c: &mut SqliteConnection,
    digest: &str,
    payload: &str,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE secrets SET payload = ? WHERE digest = ? AND used = 0 AND payload IS NULL",
    )
    .bind(payload)
    .bind(digest)
    .execute(&mut *c)
    .await?;
    conflict_unless_one(done.rows_affected(), "secret payload")
}

/// Deletes one secret.
pub(crate) async fn delete(c: &mut SqliteConnection, digest: &str) -> Result<()> {
    sqlx::query("DELETE FROM secrets WHERE digest = ?")
        .bind(digest)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes every secret of a subject.
pub(crate) async fn delete_of(c: &mut SqliteConnection, subject: &str) -> Result<()> {
    sqlx::query("DELETE FROM secrets WHERE subject = ?")
        .bind(subject)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes secrets expired by `now`, used, or out of attempts.
pub(crate) async fn purge(c: &mut SqliteConnection, now: DateTime<Utc>) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM secrets WHERE expires_at <= ? OR used = 1 OR attempts_left = 0")
            .bind(time::format(now))
            .execute(&mut *c)
            .await?
            .rows_affected(),
    )
}

/// A secret by its digest.
pub(crate) async fn by_digest(pool: &SqlitePool, digest: &str) -> Result<Option<StoredSecret>> {
    let row = sqlx::query("SELECT * FROM secrets WHERE digest = ?")
        .bind(digest)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

/// The secret of a kind issued to a subject.
pub(crate) async fn of_subject(
    pool: &SqlitePool,
    kind: SecretKind,
    subject: &str,
) -> Result<Option<StoredSecret>> {
    let row = sqlx::query("SELECT * FROM secrets WHERE kind = ? AND subject = ?")
        .bind(kind.as_str())
        .bind(subject)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

fn parse(row: &SqliteRow) -> Result<StoredSecret> {
    let used: i64 = row.try_get("used")?;
    let attempts: i64 = row.try_get("attempts_left")?;
    let value = json!({
        "kind": row.try_get::<String, _>("kind")?,
        "subject": row.try_get::<String, _>("subject")?,
        "digest": row.try_get::<String, _>("digest")?,
        "issued_at": row.try_get::<String, _>("issued_at")?,
        "expires_at": row.try_get::<String, _>("expires_at")?,
        "attempts_left": u32::try_from(attempts).map_err(|_| corrupt("secrets.attempts_left"))?,
        "used": used != 0,
    });
    let record: SecretRecord = serde_json::from_value(value).map_err(|_| corrupt("secrets"))?;
    Ok(StoredSecret {
        record,
        payload: row.try_get("payload")?,
    })
}
