//! Tables `registrations` and `contacts`: one row per registration, one per contact.
//!
//! Concurrency (PostgreSQL's default READ COMMITTED isolation):
//!
//! - **One current registration per person.** The partial unique index
//!   `registrations_one_per_person` decides: of two transactions inserting a registration for
//!   one ID number, the second waits on the index entry of the first and, once the first
//!   commits, fails with a unique violation (a conflict); if the first rolls back, the second
//!   goes ahead. SQLite reaches the same through its single writer.
//! - **Versions.** An update is `UPDATE … WHERE id = $ AND version = $`: a concurrent updater
//!   waits for the row lock and then re-checks the `WHERE` against the committed row
//!   (PostgreSQL's re-evaluation of updated rows), so of racing updates from one version
//!   exactly one changes a row; the others change none and are conflicts. The winner holds the
//!   row lock until it commits, so its contacts are rewritten by it alone.
//! - **Reads** take the registration and its contacts in one statement (one snapshot), so a
//!   reader never sees one version's row with another version's contacts.

use chrono::{DateTime, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgConnection, PgPool, Row};
use twnhi_account::password::PasswordHash;
use twnhi_account::registration::RegistrationState;
use twnhi_account::{CardNumber, Email, IdNumber, LocalPhone, MobilePhone};
use twnhi_store::{Contacts, Registration, RegistrationId};

use crate::error::{Result, conflict_unless_one, corrupt};

/// A query of registrations with their contacts (as two arrays in the same order), the
/// rest of the statement (`WHERE …`) appended.
macro_rules! select {
    ($rest:literal) => {
        concat!(
            "SELECT r.*, ",
            "ARRAY(SELECT c.kind FROM contacts c WHERE c.registration_id = r.id ",
            "ORDER BY c.kind) AS contact_kinds, ",
            "ARRAY(SELECT c.value FROM contacts c WHERE c.registration_id = r.id ",
            "ORDER BY c.kind) AS contact_values ",
            "FROM registrations r ",
            $rest
        )
    };
}

/// Inserts a registration and its contacts (unique: one not cancelled per ID number).
pub(crate) async fn insert(c: &mut PgConnection, r: &Registration) -> Result<()> {
    sqlx::query(
        "INSERT INTO registrations (id, id_number, card_number, state, password_hash, \
         created_at, updated_at, verified_at, cancelled_at, cancel_effective_at, \
         version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 0)",
    )
    .bind(r.id.as_str())
    .bind(r.id_number.as_str())
    .bind(r.card_number.as_str())
    .bind(r.state.as_str())
    .bind(r.password_hash.as_str())
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.verified_at)
    .bind(r.cancelled_at)
    .bind(r.cancel_effective_at)
    .execute(&mut *c)
    .await?;
    write_contacts(c, &r.id, &r.contacts).await
}

/// Updates a registration if its version is still `expected_version` (then bumps it).
pub(crate) async fn update(
    c: &mut PgConnection,
    expected_version: i64,
    r: &Registration,
) -> Result<()> {
    let done = sqlx::query(
        "UPDATE registrations SET card_number = $1, state = $2, password_hash = $3, \
         created_at = $4, updated_at = $5, verified_at = $6, cancelled_at = $7, \
         cancel_effective_at = $8, version = version + 1 WHERE id = $9 AND version = $10",
    )
    .bind(r.card_number.as_str())
    .bind(r.state.as_str())
    .bind(r.password_hash.as_str())
    .bind(r.created_at)
    .bind(r.updated_at)
    .bind(r.verified_at)
    .bind(r.cancelled_at)
    .bind(r.cancel_effective_at)
    .bind(r.id.as_str())
    .bind(expected_version)
    .execute(&mut *c)
    .await?;
    conflict_unless_one(done.rows_affected(), "registration version")?;
    write_contacts(c, &r.id, &r.contacts).await
}

async fn write_contacts(
    c: &mut PgConnection,
    id: &RegistrationId,
    contacts: &Contacts,
) -> Result<()> {
    sqlx::query("DELETE FROM contacts WHERE registration_id = $1")
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
    let (kinds, values): (Vec<&str>, Vec<String>) = rows
        .into_iter()
        .filter_map(|(kind, value)| value.map(|v| (kind, v)))
        .unzip();
    sqlx::query(
        "INSERT INTO contacts (registration_id, kind, value) \
         SELECT $1, k, v FROM UNNEST($2::text[], $3::text[]) AS t (k, v)",
    )
    .bind(id.as_str())
    .bind(kinds)
    .bind(values)
    .execute(&mut *c)
    .await?;
    Ok(())
}

/// A registration by its identifier.
pub(crate) async fn get(pool: &PgPool, id: &RegistrationId) -> Result<Option<Registration>> {
    let row = sqlx::query(select!("WHERE r.id = $1"))
        .bind(id.as_str())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

/// The person's registration that is not cancelled.
pub(crate) async fn current(pool: &PgPool, id_number: &IdNumber) -> Result<Option<Registration>> {
    let row = sqlx::query(select!("WHERE r.id_number = $1 AND r.state <> 'cancelled'"))
        .bind(id_number.as_str())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

/// Every registration of a person, newest first.
pub(crate) async fn of_person(pool: &PgPool, id_number: &IdNumber) -> Result<Vec<Registration>> {
    let rows = sqlx::query(select!(
        "WHERE r.id_number = $1 ORDER BY r.created_at DESC, r.id"
    ))
    .bind(id_number.as_str())
    .fetch_all(pool)
    .await?;
    rows.iter().map(parse).collect()
}

/// Registrations whose cancellation waiting period ended by `now`.
pub(crate) async fn due_cancellations(
    pool: &PgPool,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Registration>> {
    let rows = sqlx::query(select!(
        "WHERE r.cancel_effective_at IS NOT NULL \
         AND r.cancel_effective_at <= $1 AND r.state = 'cancellation-requested' \
         ORDER BY r.cancel_effective_at, r.id LIMIT $2"
    ))
    .bind(now)
    .bind(i64::from(limit))
    .fetch_all(pool)
    .await?;
    rows.iter().map(parse).collect()
}

fn parse_state(s: &str) -> Result<RegistrationState> {
    RegistrationState::ALL
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or(corrupt("registrations.state"))
}

/// A registration row with its contacts.
fn parse(row: &PgRow) -> Result<Registration> {
    let id = RegistrationId::parse(&row.try_get::<String, _>("id")?)
        .map_err(|_| corrupt("registrations.id"))?;
    let kinds: Vec<String> = row.try_get("contact_kinds")?;
    let values: Vec<String> = row.try_get("contact_values")?;
    if kinds.len() != values.len() {
        return Err(corrupt("contacts"));
    }
    let mut email = None;
    let mut spare_email = None;
    let mut mobile_phone = None;
    let mut local_phone = None;
    for (kind, value) in kinds.iter().zip(&values) {
        match kind.as_str() {
            "email" => email = Some(Email::parse(value).map_err(|_| corrupt("contacts.email"))?),
            "spare-email" => {
                spare_email =
                    Some(Email::parse(value).map_err(|_| corrupt("contacts.spare-email"))?);
            }
            "mobile-phone" => {
                mobile_phone =
                    Some(MobilePhone::parse(value).map_err(|_| corrupt("contacts.mobile-phone"))?);
            }
            "local-phone" => {
                local_phone =
                    Some(LocalPhone::parse(value).map_err(|_| corrupt("contacts.local-phone"))?);
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
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        verified_at: row.try_get("verified_at")?,
        cancelled_at: row.try_get("cancelled_at")?,
        cancel_effective_at: row.try_get("cancel_effective_at")?,
        version: row.try_get("version")?,
    })
}
