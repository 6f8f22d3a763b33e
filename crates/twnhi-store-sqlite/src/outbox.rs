//! Table `outbox`: letters sealed by the service, queued in the transaction of the change that
//! causes them, claimed by one delivery worker at a time under a lease.

use chrono::{DateTime, TimeDelta, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use twnhi_store::time;
use twnhi_store::{
    AuditEvent, ClaimedMail, MailCap, MailStatus, MailSummary, NewMail, RegistrationId,
};

use crate::error::{Result, corrupt, u32_of};

/// Queues a letter, unless it would exceed its caps (then nothing is written, silently: the
/// request that caused it answers as usual).
pub(crate) async fn enqueue(c: &mut SqliteConnection, m: &NewMail) -> Result<()> {
    if let Some(cap) = m.cap
        && over_cap(c, m, cap).await?
    {
        tracing::warn!(letter = %m.id, kind = %m.kind, "letter dropped: cap per recipient or registration reached");
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO outbox (id, registration_id, kind, payload, created_at, status, \
         attempts, next_attempt_at, recipient_key) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
    )
    .bind(&m.id)
    .bind(m.registration_id.as_ref().map(|r| r.as_str().to_owned()))
    .bind(&m.kind)
    .bind(&m.payload)
    .bind(time::format(m.created_at))
    .bind(time::format(m.created_at))
    .bind(m.recipient_key.as_deref())
    .execute(&mut *c)
    .await?;
    Ok(())
}

async fn over_cap(c: &mut SqliteConnection, m: &NewMail, cap: MailCap) -> Result<bool> {
    let since = time::format(cap.since);
    if let Some(key) = &m.recipient_key {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE recipient_key = ? AND created_at >= ?",
        )
        .bind(key)
        .bind(&since)
        .fetch_one(&mut *c)
        .await?;
        if n >= i64::from(cap.per_recipient) {
            return Ok(true);
        }
    }
    if let Some(reg) = &m.registration_id {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE registration_id = ? AND created_at >= ?",
        )
        .bind(reg.as_str())
        .bind(&since)
        .fetch_one(&mut *c)
        .await?;
        if n >= i64::from(cap.per_registration) {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Wipes the sealed payloads of letters given up more than a week before `now`.
pub(crate) async fn purge(c: &mut SqliteConnection, now: DateTime<Utc>) -> Result<u64> {
    Ok(sqlx::query(
        "UPDATE outbox SET payload = NULL WHERE status = 'failed' AND payload IS NOT NULL \
         AND created_at <= ?",
    )
    .bind(time::format(now - TimeDelta::days(7)))
    .execute(&mut *c)
    .await?
    .rows_affected())
}

/// The letters of a registration, oldest first.
pub(crate) async fn of_registration(
    pool: &SqlitePool,
    id: &RegistrationId,
) -> Result<Vec<MailSummary>> {
    let rows = sqlx::query(
        "SELECT id, kind, status, attempts, created_at, sent_at, last_error FROM outbox \
         WHERE registration_id = ? ORDER BY created_at, rowid",
    )
    .bind(id.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter().map(summary).collect()
}

/// See [`twnhi_store::OutboxStore::claim_due`].
pub(crate) async fn claim_due(
    pool: &SqlitePool,
    now: DateTime<Utc>,
    lease: TimeDelta,
    limit: u32,
    claimant: &str,
) -> Result<Vec<ClaimedMail>> {
    let now_s = time::format(now);
    let until = time::format(now.checked_add_signed(lease).unwrap_or(now));
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let rows = sqlx::query(
        "SELECT id, registration_id, kind, payload, created_at, attempts FROM outbox \
         WHERE status = 'pending' AND next_attempt_at <= ? \
         AND (claimed_until IS NULL OR claimed_until <= ?) \
         ORDER BY next_attempt_at, rowid LIMIT ?",
    )
    .bind(&now_s)
    .bind(&now_s)
    .bind(i64::from(limit))
    .fetch_all(&mut *tx)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in &rows {
        let id: String = row.try_get("id")?;
        sqlx::query("UPDATE outbox SET claimed_until = ?, claimant = ? WHERE id = ?")
            .bind(&until)
            .bind(claimant)
            .bind(&id)
            .execute(&mut *tx)
            .await?;
        let payload: Option<Vec<u8>> = row.try_get("payload")?;
        out.push(ClaimedMail {
            id,
            registration_id: row
                .try_get::<Option<String>, _>("registration_id")?
                .map(|s| RegistrationId::parse(&s).map_err(|_| corrupt("outbox.registration_id")))
                .transpose()?,
            kind: row.try_get("kind")?,
            payload: payload.ok_or(corrupt("outbox.payload"))?,
            created_at: time::parse(
                &row.try_get::<String, _>("created_at")?,
                "outbox.created_at",
            )?,
            attempts: u32_of(row.try_get("attempts")?, "outbox.attempts")?,
            claim: claimant.to_owned(),
        });
    }
    tx.commit().await?;
    Ok(out)
}

/// See [`twnhi_store::OutboxStore::renew_claim`].
pub(crate) async fn renew_claim(
    pool: &SqlitePool,
    id: &str,
    claimant: &str,
    until: DateTime<Utc>,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE outbox SET claimed_until = ? WHERE id = ? AND claimant = ? \
         AND status = 'pending'",
    )
    .bind(time::format(until))
    .bind(id)
    .bind(claimant)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// See [`twnhi_store::OutboxStore::mark_sent`].
pub(crate) async fn mark_sent(
    pool: &SqlitePool,
    id: &str,
    claimant: &str,
    at: DateTime<Utc>,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET status = 'sent', payload = NULL, sent_at = ?, \
         attempts = attempts + 1, claimed_until = NULL, last_error = NULL \
         WHERE id = ? AND claimant = ?",
    )
    .bind(time::format(at))
    .bind(id)
    .bind(claimant)
    .execute(pool)
    .await?;
    Ok(())
}

/// See [`twnhi_store::OutboxStore::mark_retry`].
pub(crate) async fn mark_retry(
    pool: &SqlitePool,
    id: &str,
    claimant: &str,
    attempts: u32,
    next_attempt_at: DateTime<Utc>,
    error: &str,
) -> Result<()> {
    sqlx::query(
        "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, \
         claimed_until = NULL WHERE id = ? AND claimant = ? AND status = 'pending'",
    )
    .bind(i64::from(attempts))
    .bind(time::format(next_attempt_at))
    .bind(error)
    .bind(id)
    .bind(claimant)
    .execute(pool)
    .await?;
    Ok(())
}

/// See [`twnhi_store::OutboxStore::mark_failed`].
pub(crate) async fn mark_failed(
    pool: &SqlitePool,
    id: &str,
    claimant: &str,
    attempts: u32,
    error: &str,
    audit: &AuditEvent,
) -> Result<()> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let done = sqlx::query(
        "UPDATE outbox SET status = 'failed', attempts = ?, last_error = ?, \
         claimed_until = NULL WHERE id = ? AND claimant = ? AND status = 'pending'",
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
    pool: &SqlitePool,
    status: Option<MailStatus>,
    limit: u32,
) -> Result<Vec<MailSummary>> {
    let rows = sqlx::query(
        "SELECT id, kind, status, attempts, created_at, sent_at, last_error FROM outbox \
         WHERE ?1 IS NULL OR status = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2",
    )
    .bind(status.map(MailStatus::as_str))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(summary).collect()
}

/// See [`twnhi_store::OutboxStore::requeue`].
pub(crate) async fn requeue(
    pool: &SqlitePool,
    id: Option<String>,
    now: DateTime<Utc>,
) -> Result<u64> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?1, \
         claimed_until = NULL, claimant = NULL, last_error = NULL \
         WHERE status = 'failed' AND payload IS NOT NULL AND (?2 IS NULL OR id = ?2)",
    )
    .bind(time::format(now))
    .bind(id)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

/// See [`twnhi_store::OutboxStore::next_due`].
pub(crate) async fn next_due(pool: &SqlitePool) -> Result<Option<DateTime<Utc>>> {
    let next: Option<String> = sqlx::query_scalar(
        "SELECT MIN(COALESCE(CASE WHEN claimed_until > next_attempt_at THEN claimed_until \
         END, next_attempt_at)) FROM outbox WHERE status = 'pending'",
    )
    .fetch_one(pool)
    .await?;
    Ok(time::parse_opt(next, "outbox.next_attempt_at")?)
}

/// See [`twnhi_store::OutboxStore::counts`].
pub(crate) async fn counts(pool: &SqlitePool) -> Result<(u64, u64, u64)> {
    let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
        .fetch_all(pool)
        .await?;
    let mut counts = (0, 0, 0);
    for row in rows {
        let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
        match row.try_get::<String, _>("status")?.as_str() {
            "pending" => counts.0 = n,
            "sent" => counts.1 = n,
            "failed" => counts.2 = n,
            _ => {}
        }
    }
    Ok(counts)
}

fn summary(row: &SqliteRow) -> Result<MailSummary> {
    Ok(MailSummary {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        status: MailStatus::parse(&row.try_get::<String, _>("status")?)
            .ok_or(corrupt("outbox.status"))?,
        attempts: u32_of(row.try_get("attempts")?, "outbox.attempts")?,
        created_at: time::parse(
            &row.try_get::<String, _>("created_at")?,
            "outbox.created_at",
        )?,
        sent_at: time::parse_opt(row.try_get("sent_at")?, "outbox.sent_at")?,
        last_error: row.try_get("last_error")?,
    })
}
