#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use sqlx::{Connection as _, SqliteConnection};
use twnhi_account::secret::SecretKind;
use twnhi_account::throttle::ThrottleState;
use twnhi_account::{CardNumber, IdNumber};
use twnhi_store::time;
use twnhi_store::{
    AuditEvent, Change, ChangeSet, ClaimedMail, ImportReport, InsuredPerson, MailStatus,
    MailSummary, OutboxStore, Registration, RegistrationId, Registry, RegistryCounts,
    RegistryImport, SessionRecord, Store, StoreError, StoredDevice, StoredSecret,
};

mod audit;
mod devices;
mod error;
mod outbox;
mod persons;
mod registrations;
mod secrets;
mod sessions;
mod throttles;

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
                    source: Box::new(e),
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
                .map_err(|e| StoreError::Open {
                    source: Box::new(e),
                })?
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
            .map_err(|e| StoreError::Open {
                source: Box::new(e),
            })?;
        MIGRATOR.run(&pool).await.map_err(|e| StoreError::Migrate {
            source: Box::new(e),
        })?;
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
}

/// Applies one change inside the change set's transaction.
async fn apply_one(c: &mut SqliteConnection, change: &Change) -> error::Result<()> {
    match change {
        Change::InsertRegistration(r) => registrations::insert(c, r).await,
        Change::UpdateRegistration {
            expected_version,
            registration,
        } => registrations::update(c, *expected_version, registration).await,
        Change::PutDevice {
            registration_id,
            device,
        } => devices::put(c, registration_id, device).await,
        Change::PutSecret(s) => secrets::put(c, s).await,
        Change::SpendSecret {
            digest,
            expected_attempts_left,
        } => secrets::spend(c, digest, *expected_attempts_left).await,
        Change::SecretAttempt {
            digest,
            expected_attempts_left,
            attempts_left,
        } => secrets::attempt(c, digest, *expected_attempts_left, *attempts_left).await,
        Change::SetSecretPayload { digest, payload } => {
            secrets::set_payload(c, digest, payload).await
        }
        Change::DeleteSecret { digest } => secrets::delete(c, digest).await,
        Change::DeleteSecretsOf { subject } => secrets::delete_of(c, subject).await,
        Change::PutSession(s) => sessions::put(c, s).await,
        Change::DeleteSession { digest } => sessions::delete(c, digest).await,
        Change::DeleteSessionsOf { registration_id } => {
            sessions::delete_of(c, registration_id).await
        }
        Change::ThrottleFailure { key, policy, at } => {
            throttles::failure(c, key, *policy, *at).await
        }
        Change::ThrottleReset { key } => throttles::reset(c, key).await,
        Change::ThrottleResetPrefix { prefix } => throttles::reset_prefix(c, prefix).await,
        Change::EnqueueMail(m) => outbox::enqueue(c, m).await,
        Change::Audit(e) => audit::insert(c, e).await,
    }
}

#[async_trait]
impl Store for SqliteStore {
    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut conn = self.pool.acquire().await.map_err(error::Error::from)?;
        let result = async {
            let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
            for change in changes.changes() {
                // On error the transaction is dropped, which rolls it back.
                apply_one(&mut tx, change).await?;
            }
            tx.commit().await?;
            Ok::<(), error::Error>(())
        }
        .await
        .map_err(StoreError::from);
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
        Ok(registrations::get(&self.pool, id).await?)
    }

    async fn current_registration(
        &self,
        id_number: &IdNumber,
    ) -> Result<Option<Registration>, StoreError> {
        Ok(registrations::current(&self.pool, id_number).await?)
    }

    async fn registrations_of(
        &self,
        id_number: &IdNumber,
    ) -> Result<Vec<Registration>, StoreError> {
        Ok(registrations::of_person(&self.pool, id_number).await?)
    }

    async fn devices(&self, id: &RegistrationId) -> Result<Vec<StoredDevice>, StoreError> {
        Ok(devices::of_registration(&self.pool, id).await?)
    }

    async fn secret_by_digest(&self, digest: &str) -> Result<Option<StoredSecret>, StoreError> {
        Ok(secrets::by_digest(&self.pool, digest).await?)
    }

    async fn secret_for(
        &self,
        kind: SecretKind,
        subject: &str,
    ) -> Result<Option<StoredSecret>, StoreError> {
        Ok(secrets::of_subject(&self.pool, kind, subject).await?)
    }

    async fn session(&self, digest: &str) -> Result<Option<SessionRecord>, StoreError> {
        Ok(sessions::get(&self.pool, digest).await?)
    }

    async fn throttle(&self, key: &str) -> Result<ThrottleState, StoreError> {
        Ok(throttles::get(&self.pool, key).await?)
    }

    async fn audit_trail(&self, id: &RegistrationId) -> Result<Vec<AuditEvent>, StoreError> {
        Ok(audit::trail(&self.pool, id).await?)
    }

    async fn mails_of(&self, id: &RegistrationId) -> Result<Vec<MailSummary>, StoreError> {
        Ok(outbox::of_registration(&self.pool, id).await?)
    }

    async fn purge_expired(
        &self,
        now: DateTime<Utc>,
        web_idle_before: DateTime<Utc>,
    ) -> Result<u64, StoreError> {
        let purge = async {
            let mut tx = self.pool.begin_with("BEGIN IMMEDIATE").await?;
            let mut n = sessions::purge(&mut tx, now, web_idle_before).await?;
            n += secrets::purge(&mut tx, now).await?;
            n += throttles::purge(&mut tx, now).await?;
            n += outbox::purge(&mut tx, now).await?;
            tx.commit().await?;
            Ok::<u64, error::Error>(n)
        };
        Ok(purge.await?)
    }

    async fn due_cancellations(
        &self,
        now: DateTime<Utc>,
        limit: u32,
    ) -> Result<Vec<Registration>, StoreError> {
        Ok(registrations::due_cancellations(&self.pool, now, limit).await?)
    }

    async fn check_writable(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        let mut conn = self.pool.acquire().await.map_err(error::Error::from)?;
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
            Ok::<(), error::Error>(())
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
        Ok(persons::by_card(&self.pool, card).await?)
    }

    async fn person_by_id(&self, id: &IdNumber) -> Result<Option<InsuredPerson>, StoreError> {
        Ok(persons::by_id(&self.pool, id).await?)
    }
}

#[async_trait]
impl RegistryImport for SqliteStore {
    async fn import_registry(
        &self,
        persons: &[InsuredPerson],
        now: DateTime<Utc>,
    ) -> Result<ImportReport, StoreError> {
        Ok(persons::import(&self.pool, persons, now).await?)
    }

    async fn registry_counts(&self) -> Result<RegistryCounts, StoreError> {
        Ok(persons::counts(&self.pool).await?)
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
        Ok(outbox::claim_due(&self.pool, now, lease, limit, claimant).await?)
    }

    async fn renew_claim(
        &self,
        id: &str,
        claimant: &str,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        Ok(outbox::renew_claim(&self.pool, id, claimant, until).await?)
    }

    async fn mark_sent(
        &self,
        id: &str,
        claimant: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        Ok(outbox::mark_sent(&self.pool, id, claimant, at).await?)
    }

    async fn mark_retry(
        &self,
        id: &str,
        claimant: &str,
        attempts: u32,
        next_attempt_at: DateTime<Utc>,
        error: &str,
    ) -> Result<(), StoreError> {
        Ok(outbox::mark_retry(&self.pool, id, claimant, attempts, next_attempt_at, error).await?)
    }

    async fn mark_failed(
        &self,
        id: &str,
        claimant: &str,
        attempts: u32,
        error: &str,
        audit: AuditEvent,
    ) -> Result<(), StoreError> {
        Ok(outbox::mark_failed(&self.pool, id, claimant, attempts, error, &audit).await?)
    }

    async fn list_mail(
        &self,
        status: Option<MailStatus>,
        limit: u32,
    ) -> Result<Vec<MailSummary>, StoreError> {
        Ok(outbox::list(&self.pool, status, limit).await?)
    }

    async fn requeue(&self, id: Option<String>, now: DateTime<Utc>) -> Result<u64, StoreError> {
        Ok(outbox::requeue(&self.pool, id, now).await?)
    }

    async fn next_due(&self) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(outbox::next_due(&self.pool).await?)
    }

    async fn counts(&self) -> Result<(u64, u64, u64), StoreError> {
        Ok(outbox::counts(&self.pool).await?)
    }
}
