//! Table `secrets`: one-time codes and links, stored as HMAC digests, one per kind and
//! subject.
//!
//! Concurrency — each of these is one statement whose `WHERE` states the precondition, so it
//! holds under any number of connections without SQLite's single writer:
//!
//! - **Spending** is `UPDATE … SET used = true WHERE digest = $ AND NOT used AND
//!   attempts_left = $`. Racing spends queue on the row lock; each one after the first
//!   re-checks the `WHERE` against the committed row (READ COMMITTED re-evaluates updated rows),
//!   finds it used and changes nothing: a conflict. A secret is spent once.
//! - **Counting a wrong attempt** is the same compare-and-set on `attempts_left`: of racing
//!   attempts from one count, one moves it and the others conflict.
//! - **Setting the payload** only fills an empty one (`payload IS NULL`).
//! - **Issuing** replaces the secret of the same kind and subject with one upsert on the unique
//!   index `(kind, subject)` (`ON CONFLICT … DO UPDATE`, digest included), where SQLite deletes
//!   and inserts: two racing issues both succeed, the later one wins, and a spend of the old
//!   digest that waited on the row finds the digest changed and conflicts.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use twnhi_account::secret::{SecretKind, SecretRecord};
use twnhi_store::StoredSecret;

use crate::error::{Result, conflict_unless_one, corrupt};

/// Puts a secret, replacing the one of the same kind and subject.
pub(crate) async fn put(c: &mut PgConnection, s: &StoredSecret) -> Result<()> {
    let r = &s.record;
    sqlx::query(
        "INSERT INTO secrets (digest, kind, subject, issued_at, expires_at, \
         attempts_left, used, payload) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (kind, subject) DO UPDATE SET digest = excluded.digest, \
         issued_at = excluded.issued_at, expires_at = excluded.expires_at, \
         attempts_left = excluded.attempts_left, used = excluded.used, \
         payload = excluded.payload",
    )
    .bind(r.digest_hex())
    .bind(r.kind().as_str())
    .bind(r.subject())
    .bind(r.issued_at())
    .bind(r.expires_at())
    .bind(i64::from(r.attempts_left()))
    .bind(r.is_used())
    .bind(&s.payload)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Marks a secret used, if unused and its attempts still `expected_attempts_left`.
pub(crate) async fn spend(
    c: &mut PgConnection,
    digest: &str,
    expected_attempts_left: u32,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE secrets SET used = true WHERE digest = $1 AND NOT used AND attempts_left = $2",
    )
    .bind(digest)
    .bind(i64::from(expected_attempts_left))
    .execute(&mut *c)
    .await?;
    conflict_unless_one(done.rows_affected(), "secret already used")
}

/// Counts a wrong attempt: `expected_attempts_left` → `attempts_left`, once.
pub(crate) async fn attempt(
    c: &mut PgConnection,
    digest: &str,
    expected_attempts_left: u32,
    attempts_left: u32,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE secrets SET attempts_left = $1 WHERE digest = $2 AND NOT used \
         AND attempts_left = $3",
    )
    .bind(i64::from(attempts_left))
    .bind(digest)
    .bind(i64::from(expected_attempts_left))
    .execute(&mut *c)
    .await?;
    conflict_unless_one(done.rows_affected(), "secret attempts")
}

/// Sets the payload of an unused secret that has none yet.
pub(crate) async fn set_payload(c: &mut PgConnection, digest: &str, payload: &str) -> Result<()> {
    let done = sqlx::query(
        "UPDATE secrets SET payload = $1 WHERE digest = $2 AND NOT used AND payload IS NULL",
    )
    .bind(payload)
    .bind(digest)
    .execute(&mut *c)
    .await?;
    conflict_unless_one(done.rows_affected(), "secret payload")
}

/// Deletes one secret.
pub(crate) async fn delete(c: &mut PgConnection, digest: &str) -> Result<()> {
    sqlx::query("DELETE FROM secrets WHERE digest = $1")
        .bind(digest)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes every secret of a subject.
pub(crate) async fn delete_of(c: &mut PgConnection, subject: &str) -> Result<()> {
    sqlx::query("DELETE FROM secrets WHERE subject = $1")
        .bind(subject)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes secrets expired by `now`, used, or out of attempts.
pub(crate) async fn purge(c: &mut PgConnection, now: DateTime<Utc>) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM secrets WHERE expires_at <= $1 OR used OR attempts_left = 0")
            .bind(now)
            .execute(&mut *c)
            .await?
            .rows_affected(),
    )
}

/// A secret by its digest.
pub(crate) async fn by_digest(pool: &PgPool, digest: &str) -> Result<Option<StoredSecret>> {
    let row = sqlx::query("SELECT * FROM secrets WHERE digest = $1")
        .bind(digest)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

/// The secret of a kind issued to a subject.
pub(crate) async fn of_subject(
    pool: &PgPool,
    kind: SecretKind,
    subject: &str,
) -> Result<Option<StoredSecret>> {
    let row = sqlx::query("SELECT * FROM secrets WHERE kind = $1 AND subject = $2")
        .bind(kind.as_str())
        .bind(subject)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

fn parse(row: &PgRow) -> Result<StoredSecret> {
    let attempts: i64 = row.try_get("attempts_left")?;
    let issued_at: DateTime<Utc> = row.try_get("issued_at")?;
    let expires_at: DateTime<Utc> = row.try_get("expires_at")?;
    let value = json!({
        "kind": row.try_get::<String, _>("kind")?,
        "subject": row.try_get::<String, _>("subject")?,
        "digest": row.try_get::<String, _>("digest")?,
        "issued_at": issued_at,
        "expires_at": expires_at,
        "attempts_left": u32::try_from(attempts).map_err(|_| corrupt("secrets.attempts_left"))?,
        "used": row.try_get::<bool, _>("used")?,
    });
    let record: SecretRecord = serde_json::from_value(value).map_err(|_| corrupt("secrets"))?;
    Ok(StoredSecret {
        record,
        payload: row.try_get("payload")?,
    })
}
