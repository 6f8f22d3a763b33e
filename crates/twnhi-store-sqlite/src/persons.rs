//! Table `insured_persons`: the registry (SPEC §4), one row per card.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Row, SqlitePool};
use twnhi_account::{CardNumber, HouseholdAddress, HouseholdId, IdNumber, Sex};
use twnhi_store::time;
use twnhi_store::{CardStatus, ImportReport, InsuredPerson, RegistryCounts, StoreError};

use crate::error::{Result, corrupt};

fn sex_str(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "M",
        Sex::Female => "F",
    }
}

/// See [`twnhi_store::RegistryImport::import_registry`].
pub(crate) async fn import(
    pool: &SqlitePool,
    persons: &[InsuredPerson],
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    let mut report = ImportReport::default();
    // Revoked cards first, so a card that replaces another never meets it as valid.
    let mut ordered: Vec<&InsuredPerson> = persons.iter().collect();
    ordered.sort_by_key(|p| p.card_status == CardStatus::Valid);
    for p in ordered {
        let existed: Option<String> =
            sqlx::query_scalar("SELECT card_number FROM insured_persons WHERE card_number = ?")
                .bind(p.card_number.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let t = p.address.township();
        let result = sqlx::query(
            "INSERT INTO insured_persons (card_number, id_number, name, birth_date, sex, \
             card_status, household_id, county, township, village, neighborhood, updated_at) \
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
             ON CONFLICT (card_number) DO UPDATE SET id_number = excluded.id_number, \
             name = excluded.name, birth_date = excluded.birth_date, sex = excluded.sex, \
             card_status = excluded.card_status, household_id = excluded.household_id, \
             county = excluded.county, township = excluded.township, \
             village = excluded.village, neighborhood = excluded.neighborhood, \
             updated_at = excluded.updated_at",
        )
        .bind(p.card_number.as_str())
        .bind(p.id_number.as_str())
        .bind(&p.name)
        .bind(p.birth_date.format("%Y-%m-%d").to_string())
        .bind(sex_str(p.sex))
        .bind(p.card_status.as_str())
        .bind(p.household_id.as_str())
        .bind(t.county_zh())
        .bind(t.zh())
        .bind(p.address.village())
        .bind(i64::from(p.address.neighborhood()))
        .bind(time::format(now))
        .execute(&mut *tx)
        .await;
        match result {
            Ok(_) => {}
            Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
                return Err(StoreError::Import {
                    reason: twnhi_account::messages::bilingual_with(
                        "store-import-two-valid-cards",
                        &[("id", p.id_number.masked().into())],
                    ),
                }
                .into());
            }
            Err(e) => return Err(e.into()),
        }
        if existed.is_some() {
            report.updated += 1;
        } else {
            report.inserted += 1;
        }
    }
    tx.commit().await?;
    Ok(report)
}

/// See [`twnhi_store::RegistryImport::registry_counts`].
pub(crate) async fn counts(pool: &SqlitePool) -> Result<RegistryCounts> {
    let row = sqlx::query(
        "SELECT COUNT(DISTINCT id_number) AS persons, COUNT(*) AS cards FROM insured_persons",
    )
    .fetch_one(pool)
    .await?;
    Ok(RegistryCounts {
        persons: u64::try_from(row.try_get::<i64, _>("persons")?).unwrap_or(0),
        cards: u64::try_from(row.try_get::<i64, _>("cards")?).unwrap_or(0),
    })
}

/// The person a card belongs to.
pub(crate) async fn by_card(pool: &SqlitePool, card: &CardNumber) -> Result<Option<InsuredPerson>> {
    let row = sqlx::query("SELECT * FROM insured_persons WHERE card_number = ?")
        .bind(card.as_str())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

/// The person's valid card, by ID number.
pub(crate) async fn by_id(pool: &SqlitePool, id: &IdNumber) -> Result<Option<InsuredPerson>> {
    let row =
        sqlx::query("SELECT * FROM insured_persons WHERE id_number = ? AND card_status = 'valid'")
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?;
    row.as_ref().map(parse).transpose()
}

fn parse(row: &SqliteRow) -> Result<InsuredPerson> {
    let sex = match row.try_get::<String, _>("sex")?.as_str() {
        "M" => Sex::Male,
        "F" => Sex::Female,
        _ => return Err(corrupt("insured_persons.sex")),
    };
    let neighborhood: i64 = row.try_get("neighborhood")?;
    Ok(InsuredPerson {
        card_number: CardNumber::parse(&row.try_get::<String, _>("card_number")?)
            .map_err(|_| corrupt("insured_persons.card_number"))?,
        id_number: IdNumber::parse(&row.try_get::<String, _>("id_number")?)
            .map_err(|_| corrupt("insured_persons.id_number"))?,
        name: row.try_get("name")?,
        birth_date: NaiveDate::parse_from_str(&row.try_get::<String, _>("birth_date")?, "%Y-%m-%d")
            .map_err(|_| corrupt("insured_persons.birth_date"))?,
        sex,
        card_status: CardStatus::parse(&row.try_get::<String, _>("card_status")?)
            .ok_or(corrupt("insured_persons.card_status"))?,
        household_id: HouseholdId::parse(&row.try_get::<String, _>("household_id")?)
            .map_err(|_| corrupt("insured_persons.household_id"))?,
        address: HouseholdAddress::new(
            &row.try_get::<String, _>("county")?,
            &row.try_get::<String, _>("township")?,
            &row.try_get::<String, _>("village")?,
            u16::try_from(neighborhood).map_err(|_| corrupt("insured_persons.neighborhood"))?,
        )
        .map_err(|_| corrupt("insured_persons.address"))?,
    })
}
