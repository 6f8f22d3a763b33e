//! Table `audit_events`: the append-only audit trail, in insertion order (`seq`, an identity
//! column). Actions and outcomes are stored by their stable names (`as_str`) and parsed back;
//! a name this version does not know is a corrupt row.
//!
//! Concurrency: appends never conflict. `seq` is taken when a row is inserted, so one
//! transaction's events keep their order; events of concurrent transactions interleave by
//! insertion, not by commit.

use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use twnhi_store::{AuditEvent, RegistrationId};

use crate::error::{Result, corrupt};

/// Appends an event.
pub(crate) async fn insert(c: &mut PgConnection, e: &AuditEvent) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, registration_id, action, outcome, client, detail) \
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(e.at)
    .bind(e.registration_id.as_ref().map(|r| r.as_str().to_owned()))
    .bind(e.action.as_str())
    .bind(e.outcome.as_str())
    .bind(&e.client)
    .bind(&e.detail)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The trail of a registration, oldest first.
pub(crate) async fn trail(pool: &PgPool, id: &RegistrationId) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query("SELECT * FROM audit_events WHERE registration_id = $1 ORDER BY seq")
        .bind(id.as_str())
        .fetch_all(pool)
        .await?;
    rows.iter().map(parse).collect()
}

fn parse(row: &PgRow) -> Result<AuditEvent> {
    Ok(AuditEvent {
        at: row.try_get("at")?,
        registration_id: row
            .try_get::<Option<String>, _>("registration_id")?
            .map(|s| RegistrationId::parse(&s).map_err(|_| corrupt("audit_events.registration_id")))
            .transpose()?,
        action: row
            .try_get::<String, _>("action")?
            .parse()
            .map_err(|_| corrupt("audit_events.action"))?,
        outcome: row
            .try_get::<String, _>("outcome")?
            .parse()
            .map_err(|_| corrupt("audit_events.outcome"))?,
        client: row.try_get("client")?,
        detail: row.try_get("detail")?,
    })
}
