//! Tables `registrations` and `contacts`: one row per registration, one per contact.

use chrono::{DateTime, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqliteConnection, SqlitePool};
use twnhi_account::password::PasswordHash;
use twnhi_account::registration::RegistrationState;
use twnhi_account::{CardNumber, Email, IdNumber, LocalPhone, MobilePhone};
use twnhi_store::time;
use twnhi_store::{Contacts, Registration, RegistrationId};

use crate::error::{Result, conflict_unless_one, corrupt};

/// Inserts a registration and its contacts (unique: one not cancelled per ID number).
pub(crate) async fn insert(c: &mut SqliteConnection, r: &Registration) -> Result<()> {
    sqlx::query(
        "INSERT INTO registrations (id, id_number, card_number, state, password_hash, \
         created_at, updated_at, verified_at, cancelled_at, cancel_effective_at, \
         version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
    )
    .bind(r.id.as_str())
    .bind(r.id_number.as_str())
    .bind(r.card_number.as_str())
    .bind(r.state.as_str())
    .bind(r.password_hash.as_str())
    .bind(time::format(r.created_at))
    .bind(time::format(r.updated_at))
    .bind(r.verified_at.map(time::format))
    .bind(r.cancelled_at.map(time::format))
    .bind(r.cancel_effective_at.map(time::format))
    .execute(&mut *c)
    .await?;
    write_contacts(c, &r.id, &r.contacts).await
}

/// Updates a registration if its version is still `expected_version` (then bumps it).
pub(crate) async fn update(
    c: &mut SqliteConnection,
    expected_version: i64,
    r: &Registration,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE registrations SET card_number = ?, state = ?, password_hash = ?, \
         created_at = ?, updated_at = ?, verified_at = ?, cancelled_at = ?, \
         cancel_effective_at = ?, version = version + 1 WHERE id = ? AND version = ?",
    )
    .bind(r.card_number.as_str())
    .bind(r.state.as_str())
    .bind(r.password_hash.as_str())
    .bind(time::format(r.created_at))
    .bind(time::format(r.updated_at))
    .bind(r.verified_at.map(time::format))
    .bind(r.cancelled_at.map(time::format))
    .bind(r.cancel_effective_at.map(time::format))
    .bind(r.id.as_str())
    .bind(expected_version)
    .execute(&mut *c)
    .await?;
    conflict_unless_one(done.rows_affected(), "registration version")?;
    write_contacts(c, &r.id, &r.contacts).await
}

async fn write_contacts(
    c: &mut SqliteConnection,
    id: &RegistrationId,
    contacts: &Contacts,
) -> Result<()> {
    sqlx::query("DELETE FROM contacts WHERE registration_id = ?")
        .bind(id.as_str())
        .execute(&mut *c)
        .await?;
    let rows: [(&str, Option<String>); 4] = [
        ("email", Some(contacts.email.as_str().to_owned())),
        (
            "spare-email",
            contacts.spare_email.as_ref().map(|e| e.as_str().to_owned()),
        ),
        (
            "mobile-phone",
            contacts
                .mobile_phone
                .as_ref()
                .map(|m| m.as_str().to_owned()),
        ),
        (
            "local-phone",
            contacts.local_phone.as_ref().map(ToString::to_string),
        ),
    ];
    for (kind, value) in rows {
        if let Some(value) = value {
            sqlx::query("INSERT INTO contacts (registration_id, kind, value) VALUES (?, ?, ?)")
                .bind(id.as_str())
                .bind(kind)
                .bind(value)
                .execute(&mut *c)
                .await?;
        }
    }
    Ok(())
}

/// A registration by its identifier.
pub(crate) async fn get(pool: &SqlitePool, id: &RegistrationId) -> Result<Option<Registration>> {
    let row = sqlx::query("SELECT * FROM registrations WHERE id = ?")
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    match row {
        Some(row) => Ok(Some(load(pool, &row).await?)),
        None => Ok(None),
    }
}

/// The person's registration that is not cancelled.
pub(crate) async fn current(
    pool: &SqlitePool,
    id_number: &IdNumber,
) -> Result<Option<Registration>> {
    let row =
        sqlx::query("SELECT * FROM registrations WHERE id_number = ? AND state <> 'cancelled'")
            .bind(id_number.as_str())
            .fetch_optional(pool)
            .await?;
    match row {
        Some(row) => Ok(Some(load(pool, &row).await?)),
        None => Ok(None),
    }
}

/// Every registration of a person, newest first.
pub(crate) async fn of_person(
    pool: &SqlitePool,
    id_number: &IdNumber,
) -> Result<Vec<Registration>> {
    let rows =
        sqlx::query("SELECT * FROM registrations WHERE id_number = ? ORDER BY created_at DESC, id")
            .bind(id_number.as_str())
            .fetch_all(pool)
            .await?;
    load_all(pool, &rows).await
}

/// Registrations whose cancellation waiting period ended by `now`.
pub(crate) async fn due_cancellations(
    pool: &SqlitePool,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Registration>> {
    let rows = sqlx::query(
        "SELECT * FROM registrations WHERE cancel_effective_at IS NOT NULL \
         AND cancel_effective_at <= ? AND state = 'cancellation-requested' \
         ORDER BY cancel_effective_at LIMIT ?",
    )
    .bind(time::format(now))
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    load_all(pool, &rows).await
}

async fn load_all(pool: &SqlitePool, rows: &[SqliteRow]) -> Result<Vec<Registration>> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(load(pool, row).await?);
    }
    Ok(out)
}

fn parse_state(s: &str) -> Result<RegistrationState> {
    RegistrationState::ALL
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or(corrupt("registrations.state"))
}

/// A registration row with its contacts.
async fn load(pool: &SqlitePool, row: &SqliteRow) -> Result<Registration> {
    let id = RegistrationId::parse(&row.try_get::<String, _>("id")?)
        .map_err(|_| corrupt("registrations.id"))?;
    let contacts = sqlx::query("SELECT kind, value FROM contacts WHERE registration_id = ?")
        .bind(id.as_str())
        .fetch_all(pool)
        .await?;
    let mut email = None;
    let mut spare_email = None;
    let mut mobile_phone = None;
    let mut local_phone = None;
    for c in contacts {
        let kind: String = c.try_get("kind")?;
        let value: String = c.try_get("value")?;
        match kind.as_str() {
            "email" => email = Some(Email::parse(&value).map_err(|_| corrupt("contacts.email"))?),
            "spare-email" => {
                spare_email =
                    Some(Email::parse(&value).map_err(|_| corrupt("contacts.spare-email"))?);
            }
            "mobile-phone" => {
                mobile_phone =
                    Some(MobilePhone::parse(&value).map_err(|_| corrupt("contacts.mobile-phone"))?);
            }
            "local-phone" => {
                local_phone =
                    Some(LocalPhone::parse(&value).map_err(|_| corrupt("contacts.local-phone"))?);
            }
            _ => return Err(corrupt("contacts.kind")),
        }
    }
    Ok(Registration {
        id,
        id_number: IdNumber::parse(&row.try_get::<String, _>("id_number")?)
            .map_err(|_| corrupt("registrations.id_number"))?,
        card_number: CardNumber::parse(&row.try_get::<String, _>("card_number")?)
            .map_err(|_| corrupt("registrations.card_number"))?,
        state: parse_state(&row.try_get::<String, _>("state")?)?,
        password_hash: PasswordHash::parse(&row.try_get::<String, _>("password_hash")?)
            .map_err(|_| corrupt("registrations.password_hash"))?,
        contacts: Contacts {
            email: email.ok_or(corrupt("contacts.email"))?,
            spare_email,
            mobile_phone,
            local_phone,
        },
        created_at: time::parse(
            &row.try_get::<String, _>("created_at")?,
            "registrations.created_at",
        )?,
        updated_at: time::parse(
            &row.try_get::<String, _>("updated_at")?,
            "registrations.updated_at",
        )?,
        verified_at: time::parse_opt(row.try_get("verified_at")?, "registrations.verified_at")?,
        cancelled_at: time::parse_opt(row.try_get("cancelled_at")?, "registrations.cancelled_at")?,
        cancel_effective_at: time::parse_opt(
            row.try_get("cancel_effective_at")?,
            "registrations.cancel_effective_at",
        )?,
        version: row.try_get("version")?,
    })
}
