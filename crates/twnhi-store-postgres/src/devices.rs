//! Table `devices`: the mobile devices bound to a registration, in binding order (`seq`).
//!
//! Concurrency: the next `seq` is `MAX(seq) + 1` of the registration's devices, read and
//! written in one transaction. SQLite's single writer keeps two bindings from reading the same
//! maximum; here [`put`] first locks the registration's row (`FOR NO KEY UPDATE`, which does
//! not block the foreign-key checks of other tables), so bindings to one registration take
//! turns while bindings to different registrations do not wait for each other.

use serde_json::json;
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use twnhi_account::DeviceState;
use twnhi_account::device::DeviceRecord;
use twnhi_store::{RegistrationId, StoredDevice};

use crate::error::{Result, corrupt};

/// Inserts or replaces a device; a re-bound device (new verification time) moves to the end.
pub(crate) async fn put(
    c: &mut PgConnection,
    registration_id: &RegistrationId,
    device: &StoredDevice,
) -> Result<()> {
    let d = &device.record;
    // A missing registration locks nothing; the insert below then fails its foreign key
    // (a conflict), as in SQLite.
    sqlx::query("SELECT 1 FROM registrations WHERE id = $1 FOR NO KEY UPDATE")
        .bind(registration_id.as_str())
        .fetch_optional(&mut *c)
        .await?;
    let seq: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM devices WHERE registration_id = $1",
    )
    .bind(registration_id.as_str())
    .fetch_one(&mut *c)
    .await?;
    let state = match d.state() {
        DeviceState::Active => "active",
        DeviceState::Disabled => "disabled",
        DeviceState::Deleted => "deleted",
    };
    sqlx::query(
        "INSERT INTO devices (registration_id, device_id, platform, model, verified_at, \
         state, last_totp_step, totp_seed, seq) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) \
         ON CONFLICT (registration_id, device_id) DO UPDATE SET \
         platform = excluded.platform, model = excluded.model, \
         verified_at = excluded.verified_at, state = excluded.state, \
         last_totp_step = excluded.last_totp_step, totp_seed = excluded.totp_seed, \
         seq = CASE WHEN devices.verified_at = excluded.verified_at THEN devices.seq \
         ELSE excluded.seq END",
    )
    .bind(registration_id.as_str())
    .bind(d.id().as_str())
    .bind(d.info().platform())
    .bind(d.info().model())
    .bind(d.verified_at())
    .bind(state)
    .bind(
        d.last_totp_step()
            .map(|s| i64::try_from(s).unwrap_or(i64::MAX)),
    )
    .bind(&device.totp_seed)
    .bind(seq)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// The devices of a registration, in binding order.
pub(crate) async fn of_registration(
    pool: &PgPool,
    id: &RegistrationId,
) -> Result<Vec<StoredDevice>> {
    let rows = sqlx::query("SELECT * FROM devices WHERE registration_id = $1 ORDER BY seq")
        .bind(id.as_str())
        .fetch_all(pool)
        .await?;
    rows.iter().map(parse).collect()
}

fn parse(row: &PgRow) -> Result<StoredDevice> {
    let step: Option<i64> = row.try_get("last_totp_step")?;
    let verified_at: chrono::DateTime<chrono::Utc> = row.try_get("verified_at")?;
    let value = json!({
        "id": row.try_get::<String, _>("device_id")?,
        "info": {
            "platform": row.try_get::<String, _>("platform")?,
            "model": row.try_get::<String, _>("model")?,
        },
        "verified_at": verified_at,
        "state": row.try_get::<String, _>("state")?,
        "last_totp_step": step.map(|s| u64::try_from(s).unwrap_or(0)),
    });
    let record: DeviceRecord = serde_json::from_value(value).map_err(|_| corrupt("devices"))?;
    Ok(StoredDevice {
        record,
        totp_seed: row.try_get("totp_seed")?,
    })
}
