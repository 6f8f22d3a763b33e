//! Table `sessions`: browser and app sessions, stored by the SHA-256 of their token.
//!
//! Concurrency: a session is written whole by one upsert on its digest
//! (`ON CONFLICT … DO UPDATE`), atomic in PostgreSQL whoever else writes it; the last write
//! wins, as with SQLite's queued writers.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use twnhi_account::CardNumber;
use twnhi_store::{AuthMethod, CardInSession, RegistrationId, SessionKind, SessionRecord};

use crate::error::{Result, corrupt};

/// Inserts or replaces a session.
pub(crate) async fn put(c: &mut PgConnection, s: &SessionRecord) -> Result<()> {
    sqlx::query(
        "INSERT INTO sessions (digest, kind, registration_id, device_id, created_at, \
         last_seen_at, expires_at, card_number, card_verified_at, card_via) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (digest) DO UPDATE SET \
         kind = excluded.kind, registration_id = excluded.registration_id, \
         device_id = excluded.device_id, last_seen_at = excluded.last_seen_at, \
         expires_at = excluded.expires_at, card_number = excluded.card_number, \
         card_verified_at = excluded.card_verified_at, card_via = excluded.card_via",
    )
    .bind(&s.digest)
    .bind(s.kind.as_str())
    .bind(s.registration_id.as_ref().map(|r| r.as_str().to_owned()))
    .bind(&s.device_id)
    .bind(s.created_at)
    .bind(s.last_seen_at)
    .bind(s.expires_at)
    .bind(s.card.as_ref().map(|c| c.card_number.as_str().to_owned()))
    .bind(s.card.as_ref().map(|c| c.verified_at))
    .bind(s.card.as_ref().map(|c| c.via.as_str()))
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// Deletes one session.
pub(crate) async fn delete(c: &mut PgConnection, digest: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE digest = $1")
        .bind(digest)
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes every session of a registration.
pub(crate) async fn delete_of(c: &mut PgConnection, id: &RegistrationId) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE registration_id = $1")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    Ok(())
}

/// Deletes sessions past their end, and browser sessions not seen since `web_idle_before`.
pub(crate) async fn purge(
    c: &mut PgConnection,
    now: DateTime<Utc>,
    web_idle_before: DateTime<Utc>,
) -> Result<u64> {
    Ok(sqlx::query(
        "DELETE FROM sessions WHERE expires_at <= $1 OR (kind = 'web' AND last_seen_at <= $2)",
    )
    .bind(now)
    .bind(web_idle_before)
    .execute(&mut *c)
    .await?
    .rows_affected())
}

/// A session by the SHA-256 of its token.
pub(crate) async fn get(pool: &PgPool, digest: &str) -> Result<Option<SessionRecord>> {
    let row = sqlx::query("SELECT * FROM sessions WHERE digest = $1")
        .bind(digest)
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

fn parse(row: &PgRow) -> Result<SessionRecord> {
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "web" => SessionKind::Web,
        "app" => SessionKind::App,
        _ => return Err(corrupt("sessions.kind")),
    };
    let registration_id = row
        .try_get::<Option<String>, _>("registration_id")?
        .map(|s| RegistrationId::parse(&s).map_err(|_| corrupt("sessions.registration_id")))
        .transpose()?;
    let card_number: Option<String> = row.try_get("card_number")?;
    let card_at: Option<DateTime<Utc>> = row.try_get("card_verified_at")?;
    let card = match (card_number, card_at) {
        (Some(c), Some(at)) => Some(CardInSession {
            card_number: CardNumber::parse(&c).map_err(|_| corrupt("sessions.card_number"))?,
            verified_at: at,
            via: AuthMethod::parse_stored(row.try_get::<Option<String>, _>("card_via")?.as_deref())
                .ok_or_else(|| corrupt("sessions.card_via"))?,
        }),
        _ => None,
    };
    Ok(SessionRecord {
        digest: row.try_get("digest")?,
        kind,
        registration_id,
        device_id: row.try_get("device_id")?,
        created_at: row.try_get("created_at")?,
        last_seen_at: row.try_get("last_seen_at")?,
        expires_at: row.try_get("expires_at")?,
        card,
    })
}
