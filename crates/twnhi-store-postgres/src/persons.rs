//! Table `insured_persons`: the registry (SPEC §4), one row per card.
//!
//! Concurrency: an import is one transaction holding a transaction-scoped advisory lock
//! (`twnhi.registry.import`), so two imports run one after the other as with SQLite's single
//! writer: each sees the other's cards whole, and "one valid card per person" (the partial
//! unique index `insured_persons_one_valid_card`) is judged against a settled registry. Readers
//! are never blocked.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::postgres::PgRow;
use sqlx::{Acquire as _, PgConnection, PgPool, Row};
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
///
/// One statement for the whole batch (the columns as arrays, `UNNEST`, revoked cards first,
/// `ON CONFLICT … DO UPDATE … RETURNING (xmax = 0)` telling new cards from replaced ones): one
/// round trip instead of two per row. When the batch breaks a unique index (a person with two
/// valid cards) or names a card twice, it is rolled back to a savepoint and done again a row
/// at a time, which finds the row and names it (masked) as before.
pub(crate) async fn import(
    pool: &PgPool,
    persons: &[InsuredPerson],
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut tx = pool.begin().await?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended('twnhi.registry.import', 0))")
        .execute(&mut *tx)
        .await?;
    // Revoked cards first, so a card that replaces another never meets it as valid.
    let mut ordered: Vec<&InsuredPerson> = persons.iter().collect();
    ordered.sort_by_key(|p| p.card_status == CardStatus::Valid);
    let mut savepoint = tx.begin().await?;
    let report = match import_batch(&mut savepoint, &ordered, now).await {
        Ok(report) => {
            savepoint.commit().await?;
            report
        }
        Err(sqlx::Error::Database(db))
            if db.is_unique_violation() || db.code().as_deref() == Some("21000") =>
        {
            savepoint.rollback().await?;
            import_rows(&mut tx, &ordered, now).await?
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(report)
}

/// The whole batch in one statement.
async fn import_batch(
    c: &mut PgConnection,
    persons: &[&InsuredPerson],
    now: DateTime<Utc>,
) -> std::result::Result<ImportReport, sqlx::Error> {
    let column = |f: fn(&InsuredPerson) -> String| persons.iter().map(|p| f(p)).collect::<Vec<_>>();
    let births: Vec<NaiveDate> = persons.iter().map(|p| p.birth_date).collect();
    let neighborhoods: Vec<i64> = persons
        .iter()
        .map(|p| i64::from(p.address.neighborhood()))
        .collect();
    let inserted: Vec<bool> = sqlx::query_scalar(
        "INSERT INTO insured_persons (card_number, id_number, name, birth_date, sex, \
         card_status, household_id, county, township, village, neighborhood, updated_at) \
         SELECT t.card_number, t.id_number, t.name, t.birth_date, t.sex, t.card_status, \
         t.household_id, t.county, t.township, t.village, t.neighborhood, $12 \
         FROM UNNEST($1::text[], $2::text[], $3::text[], $4::date[], $5::text[], $6::text[], \
         $7::text[], $8::text[], $9::text[], $10::text[], $11::int8[]) WITH ORDINALITY \
         AS t (card_number, id_number, name, birth_date, sex, card_status, household_id, \
         county, township, village, neighborhood, n) ORDER BY t.n \
         ON CONFLICT (card_number) DO UPDATE SET id_number = excluded.id_number, \
         name = excluded.name, birth_date = excluded.birth_date, sex = excluded.sex, \
         card_status = excluded.card_status, household_id = excluded.household_id, \
         county = excluded.county, township = excluded.township, \
         village = excluded.village, neighborhood = excluded.neighborhood, \
         updated_at = excluded.updated_at \
         RETURNING (xmax = 0)",
    )
    .bind(column(|p| p.card_number.as_str().to_owned()))
    .bind(column(|p| p.id_number.as_str().to_owned()))
    .bind(column(|p| p.name.clone()))
    .bind(births)
    .bind(column(|p| sex_str(p.sex).to_owned()))
    .bind(column(|p| p.card_status.as_str().to_owned()))
    .bind(column(|p| p.household_id.as_str().to_owned()))
    .bind(column(|p| p.address.township().county_zh().to_owned()))
    .bind(column(|p| p.address.township().zh().to_owned()))
    .bind(column(|p| p.address.village().to_owned()))
    .bind(neighborhoods)
    .bind(now)
    .fetch_all(&mut *c)
    .await?;
    let new = inserted.iter().filter(|i| **i).count() as u64;
    Ok(ImportReport {
        inserted: new,
        updated: inserted.len() as u64 - new,
    })
}

/// The batch a row at a time (after the one statement failed): the row that breaks "one valid
/// card per person" is named.
async fn import_rows(
    c: &mut PgConnection,
    ordered: &[&InsuredPerson],
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    for p in ordered {
        let existed: Option<String> =
            sqlx::query_scalar("SELECT card_number FROM insured_persons WHERE card_number = $1")
                .bind(p.card_number.as_str())
                .fetch_optional(&mut *c)
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
        .execute(&mut *c)
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

#[cfg(all(test, feature = "postgres-tests"))]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use twnhi_store::registry::{CSV_HEADER, parse_csv};
    use twnhi_store::{Registry as _, RegistryImport as _};

    use crate::{PostgresOptions, PostgresStore};

    fn row(card: &str, id: &str, name: &str, status: &str) -> String {
        format!("{card},{id},{name},1990-01-01,M,{status},F1234567,臺北市,中正區,建國里,5")
    }

    /// A large batch goes in as one statement with the right counts; a batch naming a card
    /// twice (which one statement cannot write) is done row by row, the later row winning.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn batches_in_one_statement_and_row_by_row() {
        let server = twnhi_testkit::postgres::PgServer::shared();
        let store = PostgresStore::connect(&server.create_database(), PostgresOptions::default())
            .await
            .unwrap();
        let ids: Vec<String> = (0..3000u32)
            .map(|i| {
                let nine = format!("A1{i:07}");
                let check = twnhi_account::id::check_digit(&nine).unwrap();
                format!("{nine}{check}")
            })
            .collect();
        let text = |rows: &[String]| parse_csv(&format!("{CSV_HEADER}\n{}\n", rows.join("\n")));
        let rows: Vec<String> = ids
            .iter()
            .enumerate()
            .map(|(i, id)| row(&format!("{:012}", i + 1), id, "測試", "valid"))
            .collect();
        let persons = text(&rows).unwrap();
        let r = store
            .import_registry(&persons[..2000], chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!((r.inserted, r.updated), (2000, 0));
        let r = store
            .import_registry(&persons, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!((r.inserted, r.updated), (1000, 2000));

        let mut twice = text(&[row("000000000001", &ids[0], "測試甲", "valid")]).unwrap();
        twice.extend(text(&[row("000000000001", &ids[0], "測試乙", "valid")]).unwrap());
        let r = store
            .import_registry(&twice, chrono::Utc::now())
            .await
            .unwrap();
        assert_eq!((r.inserted, r.updated), (0, 2));
        let p = store
            .person_by_card(&persons[0].card_number)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.name, "測試乙");
        let c = store.registry_counts().await.unwrap();
        assert_eq!((c.persons, c.cards), (3000, 3000));
        store.close().await;
    }
}
