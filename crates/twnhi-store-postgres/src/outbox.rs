//! Table `outbox`: letters sealed by the service, queued in the transaction of the change that
//! causes them, claimed by one delivery worker at a time under a lease.
//!
//! Concurrency:
//!
//! - **Claims** are one statement: the due letters are selected `FOR UPDATE SKIP LOCKED` and
//!   stamped with the claimant and the lease's end. A letter another worker is claiming right
//!   now is locked and skipped, not waited for; a letter another worker claimed and committed
//!   meanwhile is re-checked when locked and, its lease now running, left out. Of any number
//!   of workers on any number of connections or machines, one claims a letter until its lease
//!   ends. Workers never queue behind each other, which is what SQLite's `BEGIN IMMEDIATE`
//!   does instead.
//! - **Renewing and marking** are conditional updates on `claimant` (and `status`), so a worker
//!   whose lease ran out and whose letter was claimed again changes nothing.
//! - **Caps** count the recent letters of a recipient and of a registration before queueing one.
//!   Counting and inserting are two statements; SQLite's single writer keeps them together,
//!   here a transaction-scoped advisory lock per recipient and per registration
//!   (`pg_advisory_xact_lock` on a hash of the key) does: concurrent letters to one recipient
//!   take turns, and each counts the ones committed before it. A hash collision only makes
//!   two recipients take turns.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use twnhi_store::{
    AuditEvent, ClaimedMail, MailCap, MailStatus, MailSummary, NewMail, RegistrationId,
};

use crate::error::{Result, corrupt, u32_of, u64_of};

/// Queues a letter, unless it would exceed its caps (then nothing is written, silently: the
/// request that caused it answers as usual).
pub(crate) async fn enqueue(c: &mut PgConnection, m: &NewMail) -> Result<()> {
    if let Some(cap) = m.cap
        && over_cap(c, m, cap).await?
    {
        tracing::warn!(letter = %m.id, kind = %m.kind, "letter dropped: cap per recipient or registration reached");
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO outbox (id, registration_id, kind, payload, created_at, status, \
         attempts, next_attempt_at, recipient_key) \
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $5, $6)",
    )
    .bind(&m.id)
    .bind(m.registration_id.as_ref().map(|r| r.as_str().to_owned()))
    .bind(&m.kind)
    .bind(&m.payload)
    .bind(m.created_at)
    .bind(m.recipient_key.as_deref())
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Takes the transaction's advisory lock named `name` (see the module docs).
async fn lock(c: &mut PgConnection, name: &str) -> Result<()> {
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
        .bind(name)
        .execute(&mut *c)
        .await?;
    Ok(())
}

async fn over_cap(c: &mut PgConnection, m: &NewMail, cap: MailCap) -> Result<bool> {
    // Always the recipient before the registration, so two letters never wait in a cycle.
    if let Some(key) = &m.recipient_key {
        lock(c, &format!("twnhi.outbox.recipient:{key}")).await?;
    }
    if let Some(reg) = &m.registration_id {
        lock(c, &format!("twnhi.outbox.registration:{}", reg.as_str())).await?;
    }
    if let Some(key) = &m.recipient_key {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE recipient_key = $1 AND created_at >= $2",
        )
        .bind(key)
        .bind(cap.since)
        .fetch_one(&mut *c)
        .await?;
        if n >= i64::from(cap.per_recipient) {
            return Ok(true);
        }
    }
    if let Some(reg) = &m.registration_id {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE registration_id = $1 AND created_at >= $2",
        )
        .bind(reg.as_str())
        .bind(cap.since)
        .fetch_one(&mut *c)
        .await?;
        if n >= i64::from(cap.per_registration) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Wipes the sealed payloads of letters given up more than a week before `now`.
pub(crate) async fn purge(c: &mut PgConnection, now: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE outbox SET payload = NULL WHERE status = 'failed' AND payload IS NOT NULL \
         AND created_at <= $1",
    )
    .bind(now.checked_sub_signed(TimeDelta::days(7)).unwrap_or(now))
    .execute(&mut *c)
    .await?
    .rows_affected())
}

/// The letters of a registration, oldest first.
pub(crate) async fn of_registration(
    pool: &PgPool,
    id: &RegistrationId,
) -> Result<Vec<MailSummary>> {
    let rows = sqlx::query(
        "SELECT id, kind, status, attempts, created_at, sent_at, last_error FROM outbox \
         WHERE registration_id = $1 ORDER BY created_at, seq",
    )
    .bind(id.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter().map(summary).collect()
}

/// See [`twnhi_store::OutboxStore::claim_due`].
pub(crate) async fn claim_due(
    pool: &PgPool,
    now: DateTime<Utc>,
    lease: TimeDelta,
    limit: u32,
    claimant: &str,
) -> Result<Vec<ClaimedMail>> {
    let until = now.checked_add_signed(lease).unwrap_or(now);
    let rows = sqlx::query(
        "WITH due AS (\
           SELECT id FROM outbox \
           WHERE status = 'pending' AND next_attempt_at <= $1 \
           AND (claimed_until IS NULL OR claimed_until <= $1) \
           ORDER BY next_attempt_at, seq LIMIT $2 \
           FOR UPDATE SKIP LOCKED) \
         UPDATE outbox o SET claimed_until = $3, claimant = $4 FROM due WHERE o.id = due.id \
         RETURNING o.id, o.registration_id, o.kind, o.payload, o.created_at, o.attempts, \
         o.next_attempt_at, o.seq",
    )
    .bind(now)
    .bind(i64::from(limit))
    .bind(until)
    .bind(claimant)
    .fetch_all(pool)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let payload: Option<Vec<u8>> = row.try_get("payload")?;
        let order: (DateTime<Utc>, i64) = (row.try_get("next_attempt_at")?, row.try_get("seq")?);
        let mail = ClaimedMail {
            id: row.try_get("id")?,
            registration_id: row
                .try_get::<Option<String>, _>("registration_id")?
                .map(|s| RegistrationId::parse(&s).map_err(|_| corrupt("outbox.registration_id")))
                .transpose()?,
            kind: row.try_get("kind")?,
            payload: payload.ok_or(corrupt("outbox.payload"))?,
            created_at: row.try_get("created_at")?,
            attempts: u32_of(row.try_get("attempts")?, "outbox.attempts")?,
            claim: claimant.to_owned(),
        };
        out.push((order, mail));
    }
    // RETURNING has no order: hand the letters over oldest due first.
    out.sort_by_key(|(order, _)| *order);
    Ok(out.into_iter().map(|(_, m)| m).collect())
}

/// See [`twnhi_store::OutboxStore::renew_claim`].
pub(crate) async fn renew_claim(
    pool: &PgPool,
    id: &str,
    claimant: &str,
    until: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET claimed_until = $1 WHERE id = $2 AND claimant = $3 \
         AND status = 'pending'",
    )
    .bind(until)
    .bind(id)
    .bind(claimant)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// See [`twnhi_store::OutboxStore::mark_sent`].
pub(crate) async fn mark_sent(
    pool: &PgPool,
    id: &str,
    claimant: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', payload = NULL, sent_at = $1, \
         attempts = attempts + 1, claimed_until = NULL, last_error = NULL \
         WHERE id = $2 AND claimant = $3",
    )
    .bind(at)
    .bind(id)
    .bind(claimant)
    .execute(pool)
    .await?;
    Ok(())
}

/// See [`twnhi_store::OutboxStore::mark_retry`].
pub(crate) async fn mark_retry(
    pool: &PgPool,
    id: &str,
    claimant: &str,
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = $1, next_attempt_at = $2, last_error = $3, \
         claimed_until = NULL WHERE id = $4 AND claimant = $5 AND status = 'pending'",
    )
    .bind(i64::from(attempts))
    .bind(next_attempt_at)
    .bind(error)
    .bind(id)
    .bind(claimant)
    .execute(pool)
    .await?;
    Ok(())
}

/// See [`twnhi_store::OutboxStore::mark_failed`]: the mark and its audit event in one
/// transaction.
pub(crate) async fn mark_failed(
    pool: &PgPool,
    id: &str,
    claimant: &str,
    attempts: u32,
    error: &str,
    audit: &AuditEvent,
) -> Result<()> {
    let mut tx = pool.begin().await?;
    let done = sqlx::query(
        "UPDATE outbox SET status = 'failed', attempts = $1, last_error = $2, \
         claimed_until = NULL WHERE id = $3 AND claimant = $4 AND status = 'pending'",
    )
    .bind(i64::from(attempts))
    .bind(error)
    .bind(id)
    .bind(claimant)
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        crate::audit::insert(&mut tx, audit).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// See [`twnhi_store::OutboxStore::list_mail`].
pub(crate) async fn list(
    pool: &PgPool,
    status: Option<MailStatus>,
    limit: u32,
) -> Result<Vec<MailSummary>> {
    let rows = sqlx::query(
        "SELECT id, kind, status, attempts, created_at, sent_at, last_error FROM outbox \
         WHERE $1::text IS NULL OR status = $1 ORDER BY created_at DESC, seq DESC LIMIT $2",
    )
    .bind(status.map(MailStatus::as_str))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(summary).collect()
}

/// See [`twnhi_store::OutboxStore::requeue`].
pub(crate) async fn requeue(pool: &PgPool, id: Option<String>, now: DateTime<Utc>) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = $1, \
         claimed_until = NULL, claimant = NULL, last_error = NULL \
         WHERE status = 'failed' AND payload IS NOT NULL AND ($2::text IS NULL OR id = $2)",
    )
    .bind(now)
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// See [`twnhi_store::OutboxStore::next_due`].
pub(crate) async fn next_due(pool: &PgPool) -> Result<Option<DateTime<Utc>>> {
    Ok(sqlx::query_scalar(
        "SELECT MIN(CASE WHEN claimed_until > next_attempt_at THEN claimed_until \
         ELSE next_attempt_at END) FROM outbox WHERE status = 'pending'",
    )
    .fetch_one(pool)
    .await?)
}

/// See [`twnhi_store::OutboxStore::counts`].
pub(crate) async fn counts(pool: &PgPool) -> Result<(u64, u64, u64)> {
    let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        .fetch_all(pool)
        .await?;
    let mut counts = (0, 0, 0);
    for row in rows {
        let n = u64_of(row.try_get("n")?, "outbox.count")?;
        match row.try_get::<String, _>("status")?.as_str() {
            "pending" => counts.0 = n,
            "sent" => counts.1 = n,
            "failed" => counts.2 = n,
            _ => {}
        }
    }
    Ok(counts)
}

fn summary(row: &PgRow) -> Result<MailSummary> {
    Ok(MailSummary {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        status: MailStatus::parse(&row.try_get::<String, _>("status")?)
            .ok_or(corrupt("outbox.status"))?,
        attempts: u32_of(row.try_get("attempts")?, "outbox.attempts")?,
        created_at: row.try_get("created_at")?,
        sent_at: row.try_get("sent_at")?,
        last_error: row.try_get("last_error")?,
    })
}
