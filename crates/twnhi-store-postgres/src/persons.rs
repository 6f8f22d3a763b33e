//! Table `insured_persons`: the registry (SPEC §4), one row per card.
//!
//! Concurrency: an import is one transaction holding a transaction-scoped advisory lock
//! (`twnhi.registry.import`), so two imports run one after the other as with SQLite's single
//! writer: each sees the other's cards whole, and "one valid card per person" (the partial
//! unique index `insured_persons_one_valid_card`) is judged against a settled registry. Readers
//! are never blocked.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::{PgPool, Row};
use twnhi_account::{CardNumber, HouseholdAddress, HouseholdId, IdNumber, Sex};
use twnhi_store::{CardStatus, ImportReport, InsuredPerson, RegistryCounts, StoreError};

use crate::error::{Result, corrupt, u64_of};

fn sex_str(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "M",
        Sex::Female => "F",
    }
}

/// See [`twnhi_store::RegistryImport::import_registry`].
pub(crate) async fn import(
    pool: &PgPool,
    persons: &[InsuredPerson],
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('twnhi.registry.import', 0))")
        .execute(&mut *tx)
        .await?;
    let mut report = ImportReport::default();
    // Revoked cards first, so a card that replaces another never meets it as valid.
    let mut ordered: Vec<&InsuredPerson> = persons.iter().collect();
    ordered.sort_by_key(|p| p.card_status == CardStatus::Valid);
    for p in ordered {
        let existed: Option<String> =
            sqlx::query_scalar("SELECT card_number FROM insured_persons WHERE card_number = $1")
                .bind(p.card_number.as_str())
                .fetch_optional(&mut *tx)
                .await?;
        let t = p.address.township();
        let result = sqlx::query(
            "INSERT INTO insured_persons (card_number, id_number, name, birth_date, sex, \
             card_status, household_id, county, township, village, neighborhood, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) \
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
        .bind(p.birth_date)
        .bind(sex_str(p.sex))
        .bind(p.card_status.as_str())
        .bind(p.household_id.as_str())
        .bind(t.county_zh())
        .bind(t.zh())
        .bind(p.address.village())
        .bind(i64::from(p.address.neighborhood()))
        .bind(now)
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
pub(crate) async fn counts(pool: &PgPool) -> Result<RegistryCounts> {
    let row = sqlx::query(
        "SELECT COUNT(DISTINCT id_number) AS persons, COUNT(*) AS cards FROM insured_persons",
    )
    .fetch_one(pool)
    .await?;
    Ok(RegistryCounts {
        persons: u64_of(row.try_get("persons")?, "insured_persons.count")?,
        cards: u64_of(row.try_get("cards")?, "insured_persons.count")?,
    })
}

/// The person a card belongs to.
pub(crate) async fn by_card(pool: &PgPool, card: &CardNumber) -> Result<Option<InsuredPerson>> {
    let row = sqlx::query("SELECT * FROM insured_persons WHERE card_number = $1")
        .bind(card.as_str())
        .fetch_optional(pool)
        .await?;
    row.as_ref().map(parse).transpose()
}

/// The person's valid card, by ID number.
pub(crate) async fn by_id(pool: &PgPool, id: &IdNumber) -> Result<Option<InsuredPerson>> {
    let row =
        sqlx::query("SELECT * FROM insured_persons WHERE id_number = $1 AND card_status = 'valid'")
            .bind(id.as_str())
            .fetch_optional(pool)
            .await?;
    row.as_ref().map(parse).transpose()
}

fn parse(row: &PgRow) -> Result<InsuredPerson> {
    let sex = match row.try_get::<String, _>("sex")?.as_str() {
        "M" => Sex::Male,
        "F" => Sex::Female,
        _ => return Err(corrupt("insured_persons.sex")),
    };
    let neighborhood: i64 = row.try_get("neighborhood")?;
    let birth_date: NaiveDate = row.try_get("birth_date")?;
    Ok(InsuredPerson {
        card_number: CardNumber::parse(&row.try_get::<String, _>("card_number")?)
            .map_err(|_| corrupt("insured_persons.card_number"))?,
        id_number: IdNumber::parse(&row.try_get::<String, _>("id_number")?)
            .map_err(|_| corrupt("insured_persons.id_number"))?,
        name: row.try_get("name")?,
        birth_date,
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
