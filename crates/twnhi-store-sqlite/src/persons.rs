//! Table `insured_persons`: the registry (SPEC §4), one row per card.

use chrono::{DateTime, NaiveDate, Utc};
use sqlx::sqlite::SqliteRow;
use sqlx::{Acquire as _, AssertSqlSafe, Row, SqliteConnection, SqlitePool};
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

/// Rows per multi-row statement: 12 parameters each, well under SQLite's limit of 32,766.
const ROWS_PER_STATEMENT: usize = 500;

const UPSERT_COLUMNS: &str = "INSERT INTO insured_persons (card_number, id_number, name, \
    birth_date, sex, card_status, household_id, county, township, village, neighborhood, \
    updated_at) VALUES ";

const UPSERT_TAIL: &str = " ON CONFLICT (card_number) DO UPDATE SET id_number = excluded.id_number, \
    name = excluded.name, birth_date = excluded.birth_date, sex = excluded.sex, \
    card_status = excluded.card_status, household_id = excluded.household_id, \
    county = excluded.county, township = excluded.township, \
    village = excluded.village, neighborhood = excluded.neighborhood, \
    updated_at = excluded.updated_at";

/// See [`twnhi_store::RegistryImport::import_registry`].
///
/// Statements of [`ROWS_PER_STATEMENT`] rows each (revoked cards first), the cards already
/// there counted before and after: a few statements a batch instead of two a row. A batch
/// that breaks "one valid card per person" is rolled back to a savepoint and done again a row
/// at a time, which names the person (masked).
pub(crate) async fn import(
    pool: &SqlitePool,
    persons: &[InsuredPerson],
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut tx = pool.begin_with("BEGIN IMMEDIATE").await?;
    // Revoked cards first, so a card that replaces another never meets it as valid.
    let mut ordered: Vec<&InsuredPerson> = persons.iter().collect();
    ordered.sort_by_key(|p| p.card_status == CardStatus::Valid);
    let mut savepoint = tx.begin().await?;
    let report = match import_batch(&mut savepoint, &ordered, now).await {
        Ok(report) => {
            savepoint.commit().await?;
            report
        }
        Err(sqlx::Error::Database(db)) if db.is_unique_violation() => {
            savepoint.rollback().await?;
            import_rows(&mut tx, &ordered, now).await?
        }
        Err(e) => return Err(e.into()),
    };
    tx.commit().await?;
    Ok(report)
}

/// How many of `cards` (distinct) are in the registry.
async fn count_present(
    c: &mut SqliteConnection,
    cards: &[&str],
) -> std::result::Result<u64, sqlx::Error> {
    let mut n = 0u64;
    for chunk in cards.chunks(ROWS_PER_STATEMENT * 12) {
        let sql = format!(
            "SELECT COUNT(*) FROM insured_persons WHERE card_number IN ({})",
            vec!["?"; chunk.len()].join(",")
        );
        // Only placeholders are formatted in; the values are bound.
        let mut q = sqlx::query_scalar::<_, i64>(AssertSqlSafe(sql));
        for card in chunk {
            q = q.bind(*card);
        }
        n += u64::try_from(q.fetch_one(&mut *c).await?).unwrap_or(0);
    }
    Ok(n)
}

/// The batch in statements of many rows. New cards are those not there before (a card twice
/// in the batch is new once and replaced once, as a row at a time).
async fn import_batch(
    c: &mut SqliteConnection,
    ordered: &[&InsuredPerson],
    now: DateTime<Utc>,
) -> std::result::Result<ImportReport, sqlx::Error> {
    let mut cards: Vec<&str> = ordered.iter().map(|p| p.card_number.as_str()).collect();
    cards.sort_unstable();
    cards.dedup();
    let before = count_present(c, &cards).await?;
    let updated_at = time::format(now);
    for chunk in ordered.chunks(ROWS_PER_STATEMENT) {
        let mut sql = String::from(UPSERT_COLUMNS);
        for i in 0..chunk.len() {
            if i > 0 {
                sql.push(',');
            }
            sql.push_str("(?,?,?,?,?,?,?,?,?,?,?,?)");
        }
        sql.push_str(UPSERT_TAIL);
        // Only placeholders are formatted in; the values are bound.
        let mut q = sqlx::query(AssertSqlSafe(sql));
        for p in chunk {
            q = bind_person(q, p, updated_at.clone());
        }
        q.execute(&mut *c).await?;
    }
    let after = count_present(c, &cards).await?;
    let inserted = after.saturating_sub(before);
    Ok(ImportReport {
        inserted,
        updated: ordered.len() as u64 - inserted,
    })
}

/// Binds the twelve values of one row of `UPSERT_COLUMNS`, in its order.
fn bind_person<'q>(
    q: sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments>,
    p: &'q InsuredPerson,
    updated_at: String,
) -> sqlx::query::Query<'q, sqlx::Sqlite, sqlx::sqlite::SqliteArguments> {
    let t = p.address.township();
    q.bind(p.card_number.as_str())
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
        .bind(updated_at)
}

/// The batch a row at a time (after the statements of many rows failed): the row that breaks
/// "one valid card per person" is named.
async fn import_rows(
    c: &mut SqliteConnection,
    ordered: &[&InsuredPerson],
    now: DateTime<Utc>,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    for p in ordered {
        let existed: Option<String> =
            sqlx::query_scalar("SELECT card_number FROM insured_persons WHERE card_number = ?")
                .bind(p.card_number.as_str())
                .fetch_optional(&mut *c)
                .await?;
        let one = sqlx::query(AssertSqlSafe(format!(
            "{UPSERT_COLUMNS}(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?){UPSERT_TAIL}"
        )));
        let result = bind_person(one, p, time::format(now))
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

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used)]

    use twnhi_store::registry::{CSV_HEADER, parse_csv};
    use twnhi_store::{Registry as _, RegistryImport as _};

    use crate::SqliteStore;

    fn now() -> chrono::DateTime<chrono::Utc> {
        chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap()
    }

    fn row(card: &str, id: &str, name: &str, status: &str) -> String {
        format!("{card},{id},{name},1990-01-01,M,{status},F1234567,臺北市,中正區,建國里,5")
    }

    fn id(i: u32) -> String {
        let nine = format!("A1{i:07}");
        let check = twnhi_account::id::check_digit(&nine).unwrap();
        format!("{nine}{check}")
    }

    /// Batches of more rows than one statement takes, counted right; a card twice in a batch
    /// (new once, then replaced, the later row winning); a person with two valid cards
    /// refused by name, nothing of that batch written.
    #[tokio::test]
    async fn batches_in_statements_of_many_rows() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("t.sqlite3"))
            .await
            .unwrap();
        let text = |rows: &[String]| parse_csv(&format!("{CSV_HEADER}\n{}\n", rows.join("\n")));
        let rows: Vec<String> = (0..1300u32)
            .map(|i| row(&format!("{:012}", i + 1), &id(i), "測試", "valid"))
            .collect();
        let persons = text(&rows).unwrap();
        let r = store
            .import_registry(&persons[..1000], now())
            .await
            .unwrap();
        assert_eq!((r.inserted, r.updated), (1000, 0));
        let r = store.import_registry(&persons, now()).await.unwrap();
        assert_eq!((r.inserted, r.updated), (300, 1000));

        let mut twice = text(&[row("000000009999", &id(5000), "測試甲", "valid")]).unwrap();
        twice.extend(text(&[row("000000009999", &id(5000), "測試乙", "valid")]).unwrap());
        let r = store.import_registry(&twice, now()).await.unwrap();
        assert_eq!((r.inserted, r.updated), (1, 1));
        let p = store
            .person_by_card(&twice[0].card_number)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(p.name, "測試乙");

        let bad = text(&[
            row("000000008888", &id(6000), "測試", "valid"),
            row("000000007777", &id(0), "測試", "valid"),
        ])
        .unwrap();
        let e = store.import_registry(&bad, now()).await.unwrap_err();
        assert!(matches!(e, twnhi_store::StoreError::Import { .. }), "{e}");
        assert!(!e.to_string().contains(&id(0)), "masked: {e}");
        assert!(
            store
                .person_by_card(&bad[0].card_number)
                .await
                .unwrap()
                .is_none()
        );
        let c = store.registry_counts().await.unwrap();
        assert_eq!((c.persons, c.cards), (1301, 1301));
        store.close().await;
    }
}
