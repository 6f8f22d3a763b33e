//! The SQLite implementation of the ports: one database file in WAL mode with foreign keys on,
//! a busy timeout, the migrations of `migrations/` embedded and applied when it opens, and
//! every change set applied in one `BEGIN IMMEDIATE` transaction.
//!
//! The database file (and so its `-wal` and `-shm` files, which SQLite creates with the main
//! file's permissions) is readable by its owner only (0600): it holds ID numbers, contacts
//! and password hashes. A connection that comes back to the pool still inside a transaction
//! — a `COMMIT` refused on a full disk, after which SQLite rolled back by itself and sqlx's
//! bookkeeping did not follow — is closed instead of reused, so the store recovers by itself
//! as soon as the disk has room again.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use serde_json::json;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow,
    SqliteSynchronous,
};
use sqlx::{Connection as _, Row, Sqlite, Transaction};
use twnhi_account::device::DeviceRecord;
use twnhi_account::password::PasswordHash;
use twnhi_account::registration::RegistrationState;
use twnhi_account::secret::{SecretKind, SecretRecord};
use twnhi_account::throttle::ThrottleState;
use twnhi_account::{
    CardNumber, Email, HouseholdAddress, HouseholdId, IdNumber, LocalPhone, MobilePhone, Sex,
};

use crate::error::StoreError;
use crate::model::{
    AuditEvent, CardInSession, CardStatus, Change, ChangeSet, ClaimedMail, Contacts, InsuredPerson,
    MailCap, MailStatus, MailSummary, NewMail, Registration, RegistrationId, SessionKind,
    SessionRecord, StoredDevice, StoredSecret,
};
use crate::port::{OutboxStore, Registry, Store};
use crate::time;

/// The migrations, embedded at build time.
static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// How long a writer waits for another writer's transaction before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(15);

/// Free space the readiness check asks for on the database's file system by default: a
/// full disk can still take small writes into the reused WAL file, so a committed write
/// alone does not prove there is room to work.
pub const DEFAULT_MIN_FREE_BYTES: u64 = 64 * 1024 * 1024;

/// The store over one SQLite database file. Cheap to clone (a connection pool).
#[derive(Clone, Debug)]
pub struct SqliteStore {
    pool: SqlitePool,
    /// The database file (none in memory).
    file: Option<std::path::PathBuf>,
    min_free_bytes: u64,
}

/// What a registry import did.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Cards not in the registry before.
    pub inserted: u64,
    /// Cards whose row was replaced.
    pub updated: u64,
}

/// Counts of one registry: persons (distinct ID numbers) and cards.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegistryCounts {
    /// Distinct ID numbers.
    pub persons: u64,
    /// Cards (rows).
    pub cards: u64,
}

impl SqliteStore {
    /// Opens (creating if missing) the database file at `path` and applies the migrations.
    ///
    /// # Errors
    /// [`StoreError::Open`] or [`StoreError::Migrate`].
    pub async fn open(path: &Path) -> Result<Self, StoreError> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true);
        Self::open_with(options).await
    }

    /// Creates the database file with mode 0600 when it is missing, and narrows an existing
    /// one (and its `-wal` and `-shm` files) to 0600: SQLite gives the journal files the main
    /// file's permissions.
    #[cfg(unix)]
    fn private_file(path: &Path) -> Result<(), StoreError> {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        let memory = path.as_os_str().is_empty() || path.as_os_str() == ":memory:";
        if memory {
            return Ok(());
        }
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(path)
        {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => {
                return Err(StoreError::Open {
                    source: sqlx::Error::Io(e),
                });
            }
        }
        for suffix in ["", "-wal", "-shm"] {
            let mut name = path.as_os_str().to_owned();
            name.push(suffix);
            let file = Path::new(&name);
            if let Ok(meta) = std::fs::metadata(file)
                && meta.permissions().mode() & 0o077 != 0
                && let Err(e) =
                    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o600))
            {
                tracing::warn!(file = %file.display(), error = %e, "cannot narrow the database file to mode 0600");
            }
        }
        Ok(())
    }

    #[cfg(not(unix))]
    fn private_file(_path: &Path) -> Result<(), StoreError> {
        Ok(())
    }

    /// Opens a database named by a URL (`sqlite://path/to/file.db`, `sqlite:file.db`) or a
    /// plain file path, creating the file if missing, and applies the migrations.
    ///
    /// # Errors
    /// [`StoreError::Open`] or [`StoreError::Migrate`].
    pub async fn connect(url_or_path: &str) -> Result<Self, StoreError> {
        if url_or_path.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url_or_path)
                .map_err(|source| StoreError::Open { source })?
                .create_if_missing(true);
            Self::open_with(options).await
        } else {
            Self::open(Path::new(url_or_path)).await
        }
    }

    async fn open_with(options: SqliteConnectOptions) -> Result<Self, StoreError> {
        Self::private_file(options.get_filename())?;
        let name = options.get_filename();
        let file = (!name.as_os_str().is_empty() && name.as_os_str() != ":memory:")
            .then(|| name.to_path_buf());
        let options = options
            .journal_mode(SqliteJournalMode::Wal)
            .synchronous(SqliteSynchronous::Normal)
            .foreign_keys(true)
            .busy_timeout(BUSY_TIMEOUT);
        let pool = SqlitePoolOptions::new()
            .max_connections(8)
            // A connection returned while still in a transaction (a COMMIT refused on a full
            // disk after SQLite had rolled back by itself) would refuse every later BEGIN:
            // let queued rollbacks run (ping), then close it if it is still inside one.
            .after_release(|conn, _meta| {
                Box::pin(async move {
                    conn.ping().await?;
                    Ok(!conn.is_in_transaction())
                })
            })
            .connect_with(options)
            .await
            .map_err(|source| StoreError::Open { source })?;
        MIGRATOR
            .run(&pool)
            .await
            .map_err(|source| StoreError::Migrate { source })?;
        tracing::debug!("store opened and migrated");
        Ok(SqliteStore {
            pool,
            file,
            min_free_bytes: DEFAULT_MIN_FREE_BYTES,
        })
    }

    /// The free space [`Store::check_writable`] asks for on the database's file system
    /// (default [`DEFAULT_MIN_FREE_BYTES`]).
    #[must_use]
    pub fn with_min_free_bytes(mut self, bytes: u64) -> Self {
        self.min_free_bytes = bytes;
        self
    }

    /// Free bytes on the database's file system, where it can be told.
    fn free_bytes(&self) -> Option<u64> {
        #[cfg(unix)]
        {
            let file = self.file.as_ref()?;
            let dir = file
                .parent()
                .filter(|p| !p.as_os_str().is_empty())
                .unwrap_or(Path::new("."));
            let st = rustix::fs::statvfs(dir).ok()?;
            Some(st.f_bavail.saturating_mul(st.f_frsize))
        }
        #[cfg(not(unix))]
        {
            let _ = &self.file;
            None
        }
    }

    /// The connection pool (for tests and tools).
    #[must_use]
    pub fn pool(&self) -> &SqlitePool {
        &self.pool
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    async fn begin(&self) -> Result<Transaction<'static, Sqlite>, StoreError> {
        Ok(self.pool.begin_with("BEGIN IMMEDIATE").await?)
    }

    /// Imports registry rows in one transaction: every card is inserted or replaced; a
    /// person left with two valid cards refuses the whole import.
    ///
    /// # Errors
    /// [`StoreError::Import`] (nothing written) or a database error.
    pub async fn import_registry(
        &self,
        persons: &[InsuredPerson],
        now: DateTime<Utc>,
    ) -> Result<ImportReport, StoreError> {
        let mut tx = self.begin().await?;
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
                        reason: format!(
                            "身分證號 {} 將有兩張有效的健保卡 / ID number {} would have two valid cards",
                            p.id_number.masked(),
                            p.id_number.masked()
                        ),
                    });
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

    /// How many persons and cards the registry holds.
    ///
    /// # Errors
    /// A database error.
    pub async fn registry_counts(&self) -> Result<RegistryCounts, StoreError> {
        let row = sqlx::query(
            "SELECT COUNT(DISTINCT id_number) AS persons, COUNT(*) AS cards FROM insured_persons",
        )
        .fetch_one(&self.pool)
        .await?;
        Ok(RegistryCounts {
            persons: u64::try_from(row.try_get::<i64, _>("persons")?).unwrap_or(0),
            cards: u64::try_from(row.try_get::<i64, _>("cards")?).unwrap_or(0),
        })
    }

    async fn load_registration(&self, row: &SqliteRow) -> Result<Registration, StoreError> {
        let id = RegistrationId::parse(&row.try_get::<String, _>("id")?).map_err(|_| {
            StoreError::Corrupt {
                what: "registrations.id",
            }
        })?;
        let contacts = sqlx::query("SELECT kind, value FROM contacts WHERE registration_id = ?")
            .bind(id.as_str())
            .fetch_all(&self.pool)
            .await?;
        let mut email = None;
        let mut spare_email = None;
        let mut mobile_phone = None;
        let mut local_phone = None;
        for c in contacts {
            let kind: String = c.try_get("kind")?;
            let value: String = c.try_get("value")?;
            match kind.as_str() {
                "email" => {
                    email = Some(Email::parse(&value).map_err(|_| corrupt("contacts.email"))?)
                }
                "spare-email" => {
                    spare_email =
                        Some(Email::parse(&value).map_err(|_| corrupt("contacts.spare-email"))?);
                }
                "mobile-phone" => {
                    mobile_phone = Some(
                        MobilePhone::parse(&value).map_err(|_| corrupt("contacts.mobile-phone"))?,
                    );
                }
                "local-phone" => {
                    local_phone = Some(
                        LocalPhone::parse(&value).map_err(|_| corrupt("contacts.local-phone"))?,
                    );
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
                mobile_phone: mobile_phone.ok_or(corrupt("contacts.mobile-phone"))?,
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
            cancelled_at: time::parse_opt(
                row.try_get("cancelled_at")?,
                "registrations.cancelled_at",
            )?,
            cancel_effective_at: time::parse_opt(
                row.try_get("cancel_effective_at")?,
                "registrations.cancel_effective_at",
            )?,
            version: row.try_get("version")?,
        })
    }
}

fn corrupt(what: &'static str) -> StoreError {
    StoreError::Corrupt { what }
}

fn sex_str(sex: Sex) -> &'static str {
    match sex {
        Sex::Male => "M",
        Sex::Female => "F",
    }
}

fn parse_state(s: &str) -> Result<RegistrationState, StoreError> {
    RegistrationState::ALL
        .into_iter()
        .find(|st| st.as_str() == s)
        .ok_or(corrupt("registrations.state"))
}

fn kind_str(kind: SecretKind) -> &'static str {
    kind.as_str()
}

fn parse_secret(row: &SqliteRow) -> Result<StoredSecret, StoreError> {
    let used: i64 = row.try_get("used")?;
    let attempts: i64 = row.try_get("attempts_left")?;
    let value = json!({
        "kind": row.try_get::<String, _>("kind")?,
        "subject": row.try_get::<String, _>("subject")?,
        "digest": row.try_get::<String, _>("digest")?,
        "issued_at": row.try_get::<String, _>("issued_at")?,
        "expires_at": row.try_get::<String, _>("expires_at")?,
        "attempts_left": u32::try_from(attempts).map_err(|_| corrupt("secrets.attempts_left"))?,
        "used": used != 0,
    });
    let record: SecretRecord = serde_json::from_value(value).map_err(|_| corrupt("secrets"))?;
    Ok(StoredSecret {
        record,
        payload: row.try_get("payload")?,
    })
}

fn parse_device(row: &SqliteRow) -> Result<StoredDevice, StoreError> {
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

fn parse_session(row: &SqliteRow) -> Result<SessionRecord, StoreError> {
    let kind = match row.try_get::<String, _>("kind")?.as_str() {
        "web" => SessionKind::Web,
        "app" => SessionKind::App,
        _ => return Err(corrupt("sessions.kind")),
    };
    let registration_id = row
        .try_get::<Option<String>, _>("registration_id")?
        .map(|s| RegistrationId::parse(&s).map_err(|_| corrupt("sessions.registration_id")))
        .transpose()?;
    let card_number: Option<String> = row.try_get("card_number")?;
    let card_at = time::parse_opt(
        row.try_get("card_verified_at")?,
        "sessions.card_verified_at",
    )?;
    let card = match (card_number, card_at) {
        (Some(c), Some(at)) => Some(CardInSession {
            card_number: CardNumber::parse(&c).map_err(|_| corrupt("sessions.card_number"))?,
            verified_at: at,
        }),
        _ => None,
    };
    Ok(SessionRecord {
        digest: row.try_get("digest")?,
        kind,
        registration_id,
        device_id: row.try_get("device_id")?,
        created_at: time::parse(
            &row.try_get::<String, _>("created_at")?,
            "sessions.created_at",
        )?,
        last_seen_at: time::parse(
            &row.try_get::<String, _>("last_seen_at")?,
            "sessions.last_seen_at",
        )?,
        expires_at: time::parse(
            &row.try_get::<String, _>("expires_at")?,
            "sessions.expires_at",
        )?,
        card,
    })
}

fn parse_person(row: &SqliteRow) -> Result<InsuredPerson, StoreError> {
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

fn parse_audit(row: &SqliteRow) -> Result<AuditEvent, StoreError> {
    Ok(AuditEvent {
        at: time::parse(&row.try_get::<String, _>("at")?, "audit_events.at")?,
        registration_id: row
            .try_get::<Option<String>, _>("registration_id")?
            .map(|s| RegistrationId::parse(&s).map_err(|_| corrupt("audit_events.registration_id")))
            .transpose()?,
        action: row.try_get("action")?,
        outcome: row.try_get("outcome")?,
        client: row.try_get("client")?,
        detail: row.try_get("detail")?,
    })
}

fn u32_of(v: i64, what: &'static str) -> Result<u32, StoreError> {
    u32::try_from(v).map_err(|_| corrupt(what))
}

async fn write_contacts(
    tx: &mut Transaction<'_, Sqlite>,
    id: &RegistrationId,
    c: &Contacts,
) -> Result<(), StoreError> {
    sqlx::query("DELETE FROM contacts WHERE registration_id = ?")
        .bind(id.as_str())
        .execute(&mut **tx)
        .await?;
    let rows: [(&str, Option<String>); 4] = [
        ("email", Some(c.email.as_str().to_owned())),
        (
            "spare-email",
            c.spare_email.as_ref().map(|e| e.as_str().to_owned()),
        ),
        ("mobile-phone", Some(c.mobile_phone.as_str().to_owned())),
        (
            "local-phone",
            c.local_phone.as_ref().map(ToString::to_string),
        ),
    ];
    for (kind, value) in rows {
        if let Some(value) = value {
            sqlx::query("INSERT INTO contacts (registration_id, kind, value) VALUES (?, ?, ?)")
                .bind(id.as_str())
                .bind(kind)
                .bind(value)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

fn conflict_unless_one(rows: u64, what: &'static str) -> Result<(), StoreError> {
    if rows == 1 {
        Ok(())
    } else {
        Err(StoreError::Conflict { what })
    }
}

async fn apply_one(tx: &mut Transaction<'_, Sqlite>, change: Change) -> Result<(), StoreError> {
    match change {
        Change::InsertRegistration(r) => {
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
            .execute(&mut **tx)
            .await?;
            write_contacts(tx, &r.id, &r.contacts).await?;
        }
        Change::UpdateRegistration {
            expected_version,
            registration: r,
        } => {
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
            .execute(&mut **tx)
            .await?;
            conflict_unless_one(done.rows_affected(), "registration version")?;
            write_contacts(tx, &r.id, &r.contacts).await?;
        }
        Change::PutDevice {
            registration_id,
            device,
        } => {
            let d = &device.record;
            let seq: i64 = sqlx::query_scalar(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM devices WHERE registration_id = ?",
            )
            .bind(registration_id.as_str())
            .fetch_one(&mut **tx)
            .await?;
            let state = match d.state() {
                twnhi_account::DeviceState::Active => "active",
                twnhi_account::DeviceState::Disabled => "disabled",
                twnhi_account::DeviceState::Deleted => "deleted",
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
            .execute(&mut **tx)
            .await?;
        }
        Change::PutSecret(s) => {
            let r = &s.record;
            sqlx::query("DELETE FROM secrets WHERE kind = ? AND subject = ?")
                .bind(kind_str(r.kind()))
                .bind(r.subject())
                .execute(&mut **tx)
                .await?;
            sqlx::query(
                "INSERT INTO secrets (digest, kind, subject, issued_at, expires_at, \
                 attempts_left, used, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            )
            .bind(r.digest_hex())
            .bind(kind_str(r.kind()))
            .bind(r.subject())
            .bind(time::format(r.issued_at()))
            .bind(time::format(r.expires_at()))
            .bind(i64::from(r.attempts_left()))
            .bind(i64::from(r.is_used()))
            .bind(s.payload)
            .execute(&mut **tx)
            .await?;
        }
        Change::SpendSecret {
            digest,
            expected_attempts_left,
        } => {
            let done = sqlx::query(
                "UPDATE secrets SET used = 1 WHERE digest = ? AND used = 0 AND attempts_left = ?",
            )
            .bind(&digest)
            .bind(i64::from(expected_attempts_left))
            .execute(&mut **tx)
            .await?;
            conflict_unless_one(done.rows_affected(), "secret already used")?;
        }
        Change::SecretAttempt {
            digest,
            expected_attempts_left,
            attempts_left,
        } => {
            let done = sqlx::query(
                "UPDATE secrets SET attempts_left = ? WHERE digest = ? AND used = 0 \
                 AND attempts_left = ?",
            )
            .bind(i64::from(attempts_left))
            .bind(&digest)
            .bind(i64::from(expected_attempts_left))
            .execute(&mut **tx)
            .await?;
            conflict_unless_one(done.rows_affected(), "secret attempts")?;
        }
        Change::SetSecretPayload { digest, payload } => {
            let done = sqlx::query(
                "UPDATE secrets SET payload = ? WHERE digest = ? AND used = 0 AND payload IS NULL",
            )
            .bind(payload)
            .bind(&digest)
            .execute(&mut **tx)
            .await?;
            conflict_unless_one(done.rows_affected(), "secret payload")?;
        }
        Change::DeleteSecret { digest } => {
            sqlx::query("DELETE FROM secrets WHERE digest = ?")
                .bind(digest)
                .execute(&mut **tx)
                .await?;
        }
        Change::DeleteSecretsOf { subject } => {
            sqlx::query("DELETE FROM secrets WHERE subject = ?")
                .bind(subject)
                .execute(&mut **tx)
                .await?;
        }
        Change::PutSession(s) => {
            sqlx::query(
                "INSERT INTO sessions (digest, kind, registration_id, device_id, created_at, \
                 last_seen_at, expires_at, card_number, card_verified_at) \
                 VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (digest) DO UPDATE SET \
                 kind = excluded.kind, registration_id = excluded.registration_id, \
                 device_id = excluded.device_id, last_seen_at = excluded.last_seen_at, \
                 expires_at = excluded.expires_at, card_number = excluded.card_number, \
                 card_verified_at = excluded.card_verified_at",
            )
            .bind(&s.digest)
            .bind(s.kind.as_str())
            .bind(s.registration_id.as_ref().map(|r| r.as_str().to_owned()))
            .bind(s.device_id)
            .bind(time::format(s.created_at))
            .bind(time::format(s.last_seen_at))
            .bind(time::format(s.expires_at))
            .bind(s.card.as_ref().map(|c| c.card_number.as_str().to_owned()))
            .bind(s.card.as_ref().map(|c| time::format(c.verified_at)))
            .execute(&mut **tx)
            .await?;
        }
        Change::DeleteSession { digest } => {
            sqlx::query("DELETE FROM sessions WHERE digest = ?")
                .bind(digest)
                .execute(&mut **tx)
                .await?;
        }
        Change::DeleteSessionsOf { registration_id } => {
            sqlx::query("DELETE FROM sessions WHERE registration_id = ?")
                .bind(registration_id.as_str())
                .execute(&mut **tx)
                .await?;
        }
        Change::ThrottleFailure { key, policy, at } => {
            let row = sqlx::query("SELECT failures, last_failure FROM throttles WHERE key = ?")
                .bind(&key)
                .fetch_optional(&mut **tx)
                .await?;
            let mut state = match row {
                Some(row) => throttle_state(&row)?,
                None => ThrottleState::default(),
            };
            policy.record_failure(&mut state, at);
            sqlx::query(
                "INSERT INTO throttles (key, failures, last_failure) VALUES (?, ?, ?) \
                 ON CONFLICT (key) DO UPDATE SET failures = excluded.failures, \
                 last_failure = excluded.last_failure",
            )
            .bind(&key)
            .bind(i64::from(state.failures()))
            .bind(state.last_failure().map(time::format))
            .execute(&mut **tx)
            .await?;
        }
        Change::ThrottleReset { key } => {
            sqlx::query("DELETE FROM throttles WHERE key = ?")
                .bind(key)
                .execute(&mut **tx)
                .await?;
        }
        Change::ThrottleResetPrefix { prefix } => {
            sqlx::query("DELETE FROM throttles WHERE substr(key, 1, length(?1)) = ?1")
                .bind(prefix)
                .execute(&mut **tx)
                .await?;
        }
        Change::EnqueueMail(m) => enqueue_mail(tx, &m).await?,
        Change::Audit(e) => insert_audit(tx, &e).await?,
    }
    Ok(())
}

async fn insert_audit(tx: &mut Transaction<'_, Sqlite>, e: &AuditEvent) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO audit_events (at, registration_id, action, outcome, client, detail) \
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(time::format(e.at))
    .bind(e.registration_id.as_ref().map(|r| r.as_str().to_owned()))
    .bind(&e.action)
    .bind(&e.outcome)
    .bind(&e.client)
    .bind(&e.detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Queues a letter, unless it would exceed its caps (then nothing is written, silently: the
/// request that caused it answers as usual).
async fn enqueue_mail(tx: &mut Transaction<'_, Sqlite>, m: &NewMail) -> Result<(), StoreError> {
    if let Some(cap) = m.cap
        && over_cap(tx, m, cap).await?
    {
        tracing::warn!(letter = %m.id, kind = %m.kind, "letter dropped: cap per recipient or registration reached");
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO outbox (id, registration_id, kind, payload, created_at, status, \
         attempts, next_attempt_at, recipient_key) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)",
    )
    .bind(&m.id)
    .bind(m.registration_id.as_ref().map(|r| r.as_str().to_owned()))
    .bind(&m.kind)
    .bind(&m.payload)
    .bind(time::format(m.created_at))
    .bind(time::format(m.created_at))
    .bind(m.recipient_key.as_deref())
    .execute(&mut **tx)
    .await?;
    Ok(())
}

async fn over_cap(
    tx: &mut Transaction<'_, Sqlite>,
    m: &NewMail,
    cap: MailCap,
) -> Result<bool, StoreError> {
    let since = time::format(cap.since);
    if let Some(key) = &m.recipient_key {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE recipient_key = ? AND created_at >= ?",
        )
        .bind(key)
        .bind(&since)
        .fetch_one(&mut **tx)
        .await?;
        if n >= i64::from(cap.per_recipient) {
            return Ok(true);
        }
    }
    if let Some(reg) = &m.registration_id {
        let n: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox WHERE registration_id = ? AND created_at >= ?",
        )
        .bind(reg.as_str())
        .bind(&since)
        .fetch_one(&mut **tx)
        .await?;
        if n >= i64::from(cap.per_registration) {
            return Ok(true);
        }
    }
    Ok(false)
}

fn mail_summary(row: &SqliteRow) -> Result<MailSummary, StoreError> {
    Ok(MailSummary {
        id: row.try_get("id")?,
        kind: row.try_get("kind")?,
        status: MailStatus::parse(&row.try_get::<String, _>("status")?)
            .ok_or(corrupt("outbox.status"))?,
        attempts: u32_of(row.try_get("attempts")?, "outbox.attempts")?,
        created_at: time::parse(
            &row.try_get::<String, _>("created_at")?,
            "outbox.created_at",
        )?,
        sent_at: time::parse_opt(row.try_get("sent_at")?, "outbox.sent_at")?,
        last_error: row.try_get("last_error")?,
    })
}

fn throttle_state(row: &SqliteRow) -> Result<ThrottleState, StoreError> {
    let failures: i64 = row.try_get("failures")?;
    let last: Option<String> = row.try_get("last_failure")?;
    let value = json!({
        "failures": u32_of(failures, "throttles.failures")?,
        "last_failure": time::parse_opt(last, "throttles.last_failure")?,
    });
    serde_json::from_value(value).map_err(|_| corrupt("throttles"))
}

#[async_trait]
impl Store for SqliteStore {
    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await?;
        let result = async {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            for change in changes.changes().iter().cloned() {
                // On error the transaction is dropped, which rolls it back.
                apply_one(&mut tx, change).await?;
            }
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }
        .await;
        if let Err(e) = &result
            && !e.is_conflict()
        {
            // A failed statement or COMMIT (full disk, I/O error) may leave the connection in
            // a state sqlx does not know about: never reuse it.
            conn.close_on_drop();
        }
        result
    }

    async fn registration(&self, id: &RegistrationId) -> Result<Option<Registration>, StoreError> {
        let row = sqlx::query("SELECT * FROM registrations WHERE id = ?")
            .bind(id.as_str())
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => Ok(Some(self.load_registration(&row).await?)),
            None => Ok(None),
        }
    }

    async fn current_registration(
        &self,
        id_number: &IdNumber,
    ) -> Result<Option<Registration>, StoreError> {
        let row =
            sqlx::query("SELECT * FROM registrations WHERE id_number = ? AND state <> 'cancelled'")
                .bind(id_number.as_str())
                .fetch_optional(&self.pool)
                .await?;
        match row {
            Some(row) => Ok(Some(self.load_registration(&row).await?)),
            None => Ok(None),
        }
    }

    async fn registrations_of(
        &self,
        id_number: &IdNumber,
    ) -> Result<Vec<Registration>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM registrations WHERE id_number = ? ORDER BY created_at DESC, id",
        )
        .bind(id_number.as_str())
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.load_registration(row).await?);
        }
        Ok(out)
    }

    async fn devices(&self, id: &RegistrationId) -> Result<Vec<StoredDevice>, StoreError> {
        let rows = sqlx::query("SELECT * FROM devices WHERE registration_id = ? ORDER BY seq")
            .bind(id.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(parse_device).collect()
    }

    async fn secret_by_digest(&self, digest: &str) -> Result<Option<StoredSecret>, StoreError> {
        let row = sqlx::query("SELECT * FROM secrets WHERE digest = ?")
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(parse_secret).transpose()
    }

    async fn secret_for(
        &self,
        kind: SecretKind,
        subject: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        let row = sqlx::query("SELECT * FROM secrets WHERE kind = ? AND subject = ?")
            .bind(kind_str(kind))
            .bind(subject)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(parse_secret).transpose()
    }

    async fn session(&self, digest: &str) -> Result<Option<SessionRecord>, StoreError> {
        let row = sqlx::query("SELECT * FROM sessions WHERE digest = ?")
            .bind(digest)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(parse_session).transpose()
    }

    async fn throttle(&self, key: &str) -> Result<ThrottleState, StoreError> {
        let row = sqlx::query("SELECT failures, last_failure FROM throttles WHERE key = ?")
            .bind(key)
            .fetch_optional(&self.pool)
            .await?;
        match row {
            Some(row) => throttle_state(&row),
            None => Ok(ThrottleState::default()),
        }
    }

    async fn audit_trail(&self, id: &RegistrationId) -> Result<Vec<AuditEvent>, StoreError> {
        let rows = sqlx::query("SELECT * FROM audit_events WHERE registration_id = ? ORDER BY seq")
            .bind(id.as_str())
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(parse_audit).collect()
    }

    async fn mails_of(&self, id: &RegistrationId) -> Result<Vec<MailSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, status, attempts, created_at, sent_at, last_error FROM outbox \
             WHERE registration_id = ? ORDER BY created_at, rowid",
        )
        .bind(id.as_str())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(mail_summary).collect()
    }

    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        web_idle_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let two_days_ago = time::format(now - TimeDelta::days(2));
        let week_ago = time::format(now - TimeDelta::days(7));
        let idle = time::format(web_idle_before);
        let now = time::format(now);
        let mut tx = self.begin().await?;
        let mut n = 0;
        n += sqlx::query(
            "DELETE FROM sessions WHERE expires_at <= ? OR (kind = 'web' AND last_seen_at <= ?)",
        )
        .bind(&now)
        .bind(&idle)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query(
            "DELETE FROM secrets WHERE expires_at <= ? OR used = 1 OR attempts_left = 0",
        )
        .bind(&now)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query(
            "DELETE FROM throttles WHERE (last_failure IS NULL OR last_failure <= ?) \
             AND key NOT LIKE '%cap:%'",
        )
        .bind(&two_days_ago)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        n += sqlx::query(
            "UPDATE outbox SET payload = NULL WHERE status = 'failed' AND payload IS NOT NULL \
             AND created_at <= ?",
        )
        .bind(&week_ago)
        .execute(&mut *tx)
        .await?
        .rows_affected();
        tx.commit().await?;
        Ok(n)
    }

    async fn due_cancellations(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Registration>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM registrations WHERE cancel_effective_at IS NOT NULL \
             AND cancel_effective_at <= ? AND state = 'cancellation-requested' \
             ORDER BY cancel_effective_at LIMIT ?",
        )
        .bind(time::format(now))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            out.push(self.load_registration(row).await?);
        }
        Ok(out)
    }

    async fn check_writable(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await?;
        let result = async {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            sqlx::query(
                "INSERT INTO heartbeat (name, at) VALUES ('readiness', ?) \
                 ON CONFLICT (name) DO UPDATE SET at = excluded.at",
            )
            .bind(time::format(now))
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<(), StoreError>(())
        }
        .await;
        if result.is_err() {
            conn.close_on_drop();
        }
        result?;
        if let Some(available) = self.free_bytes()
            && available < self.min_free_bytes
        {
            return Err(StoreError::DiskFull {
                available,
                wanted: self.min_free_bytes,
            });
        }
        Ok(())
    }
}

#[async_trait]
impl Registry for SqliteStore {
    async fn person_by_card(&self, card: &CardNumber) -> Result<Option<InsuredPerson>, StoreError> {
        let row = sqlx::query("SELECT * FROM insured_persons WHERE card_number = ?")
            .bind(card.as_str())
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(parse_person).transpose()
    }

    async fn person_by_id(&self, id: &IdNumber) -> Result<Option<InsuredPerson>, StoreError> {
        let row = sqlx::query(
            "SELECT * FROM insured_persons WHERE id_number = ? AND card_status = 'valid'",
        )
        .bind(id.as_str())
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(parse_person).transpose()
    }
}

#[async_trait]
impl OutboxStore for SqliteStore {
    async fn claim_due(
        &self,
        now: DateTime<Utc>,
        lease: TimeDelta,
        limit: u32,
        claimant: &str,
    ) -> Result<Vec<ClaimedMail>, StoreError> {
        let now_s = time::format(now);
        let until = time::format(now.checked_add_signed(lease).unwrap_or(now));
        let mut tx = self.begin().await?;
        let rows = sqlx::query(
            "SELECT id, registration_id, kind, payload, created_at, attempts FROM outbox \
             WHERE status = 'pending' AND next_attempt_at <= ? \
             AND (claimed_until IS NULL OR claimed_until <= ?) \
             ORDER BY next_attempt_at, rowid LIMIT ?",
        )
        .bind(&now_s)
        .bind(&now_s)
        .bind(i64::from(limit))
        .fetch_all(&mut *tx)
        .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in &rows {
            let id: String = row.try_get("id")?;
            sqlx::query("UPDATE outbox SET claimed_until = ?, claimant = ? WHERE id = ?")
                .bind(&until)
                .bind(claimant)
                .bind(&id)
                .execute(&mut *tx)
                .await?;
            let payload: Option<Vec<u8>> = row.try_get("payload")?;
            out.push(ClaimedMail {
                id,
                registration_id: row
                    .try_get::<Option<String>, _>("registration_id")?
                    .map(|s| {
                        RegistrationId::parse(&s).map_err(|_| corrupt("outbox.registration_id"))
                    })
                    .transpose()?,
                kind: row.try_get("kind")?,
                payload: payload.ok_or(corrupt("outbox.payload"))?,
                created_at: time::parse(
                    &row.try_get::<String, _>("created_at")?,
                    "outbox.created_at",
                )?,
                attempts: u32_of(row.try_get("attempts")?, "outbox.attempts")?,
                claim: claimant.to_owned(),
            });
        }
        tx.commit().await?;
        Ok(out)
    }

    async fn renew_claim(
        &self,
        id: &str,
        claimant: &str,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET claimed_until = ? WHERE id = ? AND claimant = ? \
             AND status = 'pending'",
        )
        .bind(time::format(until))
        .bind(id)
        .bind(claimant)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn mark_sent(
        &self,
        id: &str,
        claimant: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET status = 'sent', payload = NULL, sent_at = ?, \
             attempts = attempts + 1, claimed_until = NULL, last_error = NULL \
             WHERE id = ? AND claimant = ?",
        )
        .bind(time::format(at))
        .bind(id)
        .bind(claimant)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mark_retry(
        &self,
        id: &str,
        claimant: &str,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = ?, next_attempt_at = ?, last_error = ?, \
             claimed_until = NULL WHERE id = ? AND claimant = ? AND status = 'pending'",
        )
        .bind(i64::from(attempts))
        .bind(time::format(next_attempt_at))
        .bind(error)
        .bind(id)
        .bind(claimant)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn mark_failed(
        &self,
        id: &str,
        claimant: &str,
        attempts: u32,
        error: &str,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        let mut tx = self.begin().await?;
        let done = sqlx::query(
            "UPDATE outbox SET status = 'failed', attempts = ?, last_error = ?, \
             claimed_until = NULL WHERE id = ? AND claimant = ? AND status = 'pending'",
        )
        .bind(i64::from(attempts))
        .bind(error)
        .bind(id)
        .bind(claimant)
        .execute(&mut *tx)
        .await?;
        if done.rows_affected() == 1 {
            insert_audit(&mut tx, &audit).await?;
        }
        tx.commit().await?;
        Ok(())
    }

    async fn list_mail(
        &self,
        status: Option<MailStatus>,
        limit: u32,
    ) -> Result<Vec<MailSummary>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, kind, status, attempts, created_at, sent_at, last_error FROM outbox \
             WHERE ?1 IS NULL OR status = ?1 ORDER BY created_at DESC, rowid DESC LIMIT ?2",
        )
        .bind(status.map(MailStatus::as_str))
        .bind(i64::from(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(mail_summary).collect()
    }

    async fn requeue(&self, id: Option<String>, now: DateTime<Utc>) -> Result<u64, StoreError> {
        let done = sqlx::query(
            "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?1, \
             claimed_until = NULL, claimant = NULL, last_error = NULL \
             WHERE status = 'failed' AND payload IS NOT NULL AND (?2 IS NULL OR id = ?2)",
        )
        .bind(time::format(now))
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }

    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        let next: Option<String> = sqlx::query_scalar(
            "SELECT MIN(COALESCE(CASE WHEN claimed_until > next_attempt_at THEN claimed_until \
             END, next_attempt_at)) FROM outbox WHERE status = 'pending'",
        )
        .fetch_one(&self.pool)
        .await?;
        time::parse_opt(next, "outbox.next_attempt_at")
    }

    async fn counts(&self) -> Result<(u64, u64, u64), StoreError> {
        let rows = sqlx::query("SELECT status, COUNT(*) AS n FROM outbox GROUP BY status")
            .fetch_all(&self.pool)
            .await?;
        let mut counts = (0, 0, 0);
        for row in rows {
            let n = u64::try_from(row.try_get::<i64, _>("n")?).unwrap_or(0);
            match row.try_get::<String, _>("status")?.as_str() {
                "pending" => counts.0 = n,
                "sent" => counts.1 = n,
                "failed" => counts.2 = n,
                _ => {}
            }
        }
        Ok(counts)
    }
}
