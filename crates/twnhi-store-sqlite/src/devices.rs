//! Table `devices`: the mobile devices bound to a registration, in binding order (`seq`).

use serde_json::json;
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use twnhi_account::DeviceState;
use twnhi_account::device::DeviceRecord;
use twnhi_store::time;
use twnhi_store::{RegistrationId, StoredDevice};

use crate::error::{Result, corrupt};

/// Inserts or replaces a device; a re-bound device (new verification time) moves to the end.
pub(crate) async fn put(
    c: &mut SqliteConnection,
    registration_id: &RegistrationId,
    device: &StoredDevice,
) -> Result<()> {
    let d = &device.record;
    let seq: i64 = sqlx::query_scalar(
        "SELECT COALESCE(MAX(seq), 0) + 1 FROM devices WHERE registration_id = ?",
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
         state, last_totp_step, totp_seed, seq) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) \
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
    .bind(time::format(d.verified_at()))
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
    pool: &SqlitePool,
    id: &RegistrationId,
) -> Result<Vec<StoredDevice>> {
    let rows = sqlx::query("SELECT * FROM devices WHERE registration_id = ? ORDER BY seq")
        .bind(id.as_str())
        .fetch_all(pool)
        .await?;
    rows.iter().map(parse).collect()
}

fn parse(row: &SqliteRow) -> Result<StoredDevice> {
    let step: Option<i64> = row.try_get("last_totp_step")?;
    let value = json!({
        "id": row.try_get::<String, _>("device_id")?,
        "info": {
            "platform": row.try_get::<String, _>("platform")?,
            "model": row.try_get::<String, _>("model")?,
        },
        "verified_at": row.try_get::<String, _>("verified_at")?,
        "state": row.try_get::<String, _>("state")?,
        "last_totp_step": step.map(|s| u64::try_from(s).unwrap_or(0)),
    });
    let record: DeviceRecord = serde_json::from_value(value).map_err(|_| corrupt("devices"))?;
    Ok(StoredDevice {
        record,
        totp_seed: row.try_get("totp_seed")?,
    })
}
