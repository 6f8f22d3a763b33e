//! Table `audit_events`: the append-only audit trail, in insertion order (`seq`). Actions and
//! outcomes are stored by their stable names (`as_str`) and parsed back; a name this version
//! does not know is a corrupt row.

use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use twnhi_store::time;
use twnhi_store::{AuditEvent, RegistrationId};

use crate::error::{Result, corrupt};

/// Appends an event.
pub(crate) async fn insert(c: &mut SqliteConnection, e: &AuditEvent) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit_events (at, registration_id, action, outcome, client, detail) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(time::format(e.at))
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
pub(crate) async fn trail(pool: &SqlitePool, id: &RegistrationId) -> Result<Vec<AuditEvent>> {
    let rows = sqlx::query("SELECT * FROM audit_events WHERE registration_id = ? ORDER BY seq")
        .bind(id.as_str())
        .fetch_all(pool)
        .await?;
    rows.iter().map(parse).collect()
}

fn parse(row: &SqliteRow) -> Result<AuditEvent> {
    Ok(AuditEvent {
        at: time::parse(&row.try_get::<String, _>("at")?, "audit_events.at")?,
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
