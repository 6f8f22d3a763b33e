#![forbid(unsafe_code)]
#![doc = include_str!("../README.md")]

use std::str::FromStr;
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, TimeDelta, Utc};
use sqlx::PgConnection;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use twnhi_account::secret::SecretKind;
use twnhi_account::throttle::ThrottleState;
use twnhi_account::{CardNumber, IdNumber};
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

/// Whether `url` names a PostgreSQL database (`postgres://…` or `postgresql://…`), for
/// programs that choose a backend by the URL's scheme.
#[must_use]
pub fn is_postgres_url(url: &str) -> bool {
    let scheme = url.split_once("://").map_or("", |(s, _)| s);
    scheme.eq_ignore_ascii_case("postgres") || scheme.eq_ignore_ascii_case("postgresql")
}

/// How [`PostgresStore::connect`] sets up its connections. Build it from
/// [`PostgresOptions::default`] and the `with_*` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PostgresOptions {
    /// The most connections the pool opens (default 10). Every process connects its own
    /// pool: keep the sum of all processes' pools under the server's `max_connections`.
    pub max_connections: u32,
    /// Connections the pool keeps open when idle (default 0).
    pub min_connections: u32,
    /// How long a request waits for a free connection, or for a new one to be opened,
    /// before failing with a database error (default 10 s).
    pub acquire_timeout: Duration,
    /// The server-side `statement_timeout` of every connection: a statement running longer
    /// (or waiting that long for a lock) is cancelled and fails with a database error
    /// (default 30 s). `None` keeps the server's or the URL's setting.
    pub statement_timeout: Option<Duration>,
    /// How many times a change set that lost a deadlock or a serialization conflict to a
    /// concurrent one is run again before [`Store::apply`] answers with a conflict
    /// (default 3).
    pub max_retries: u32,
    /// The `application_name` the server shows in `pg_stat_activity` (default `twnhi`).
    pub application_name: String,
    /// Whether connecting applies this program's pending migrations (default `true`). With
    /// `false`, connecting to a database whose schema is not current fails with
    /// [`StoreError::SchemaNotCurrent`]: the choice of a deployment where an operator
    /// migrates once (`twnhi admin db migrate`) before starting or upgrading replicas.
    pub migrate: bool,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        PostgresOptions {
            max_connections: 10,
            min_connections: 0,
            acquire_timeout: Duration::from_secs(10),
            statement_timeout: Some(Duration::from_secs(30)),
            max_retries: 3,
            application_name: "twnhi".to_owned(),
            migrate: true,
        }
    }
}

impl PostgresOptions {
    /// Sets [`PostgresOptions::max_connections`] (at least 1).
    #[must_use]
    pub fn with_max_connections(mut self, n: u32) -> Self {
        self.max_connections = n.max(1);
        self
    }

    /// Sets [`PostgresOptions::min_connections`].
    #[must_use]
    pub fn with_min_connections(mut self, n: u32) -> Self {
        self.min_connections = n;
        self
    }

    /// Sets [`PostgresOptions::acquire_timeout`].
    #[must_use]
    pub fn with_acquire_timeout(mut self, timeout: Duration) -> Self {
        self.acquire_timeout = timeout;
        self
    }

    /// Sets [`PostgresOptions::statement_timeout`] (`None`: the server's setting).
    #[must_use]
    pub fn with_statement_timeout(mut self, timeout: Option<Duration>) -> Self {
        self.statement_timeout = timeout;
        self
    }

    /// Sets [`PostgresOptions::max_retries`].
    #[must_use]
    pub fn with_max_retries(mut self, n: u32) -> Self {
        self.max_retries = n;
        self
    }

    /// Sets [`PostgresOptions::migrate`].
    #[must_use]
    pub fn with_migrate(mut self, migrate: bool) -> Self {
        self.migrate = migrate;
        self
    }

    /// Sets [`PostgresOptions::application_name`].
    #[must_use]
    pub fn with_application_name(mut self, name: &str) -> Self {
        name.clone_into(&mut self.application_name);
        self
    }
}

/// The store over one PostgreSQL database. Cheap to clone (a connection pool); any number of
/// processes may use one database at once.
#[derive(Clone, Debug)]
pub struct PostgresStore {
    pool: PgPool,
    max_retries: u32,
}

impl PostgresStore {
    /// Connects to the database named by `url` and applies the migrations.
    ///
    /// `url` is a libpq-style URL, `postgres://user:password@host:5432/database?sslmode=…`
    /// (`postgresql://` too; a Unix socket as `postgres:///database?host=/run/postgresql`).
    /// Its `sslmode` is honoured: `disable`, `prefer` (the default: TLS when the server offers
    /// it), `require`, `verify-ca` and `verify-full` (certificates checked against the
    /// system's roots or `sslrootcert=FILE`); `sslcert`/`sslkey` give a client certificate.
    /// The database must exist; the tables are created by the migrations, under an advisory
    /// lock, so several processes may connect at once. When every migration is already
    /// applied, connecting writes nothing (a role without `CREATE`, a read-only database).
    ///
    /// # Errors
    /// [`StoreError::Open`] (a malformed URL, an unreachable server, refused credentials) or
    /// [`StoreError::Migrate`].
    pub async fn connect(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        let connect = PgConnectOptions::from_str(url).map_err(|e| StoreError::Open {
            source: Box::new(e),
        })?;
        Self::connect_with(connect, options).await
    }

    /// Like [`PostgresStore::connect`], with sqlx's connection options built by the caller.
    ///
    /// # Errors
    /// [`StoreError::Open`] or [`StoreError::Migrate`].
    pub async fn connect_with(
        connect: PgConnectOptions,
        options: PostgresOptions,
    ) -> Result<Self, StoreError> {
        let mut connect = connect.application_name(&options.application_name);
        if let Some(timeout) = options.statement_timeout {
            connect =
                connect.options([("statement_timeout", format!("{}ms", timeout.as_millis()))]);
        }
        let pool = PgPoolOptions::new()
            .max_connections(options.max_connections.max(1))
            .min_connections(options.min_connections)
            .acquire_timeout(options.acquire_timeout)
            .connect_with(connect)
            .await
            .map_err(|e| StoreError::Open {
                source: Box::new(e),
            })?;
        if schema_is_current(&pool).await {
            tracing::debug!("store connected; its schema is current");
        } else if options.migrate {
            MIGRATOR.run(&pool).await.map_err(|e| StoreError::Migrate {
                source: Box::new(e),
            })?;
            tracing::debug!("store connected and migrated");
        } else {
            let pending = pending_migrations(&pool).await;
            pool.close().await;
            return Err(StoreError::SchemaNotCurrent { pending });
        }
        Ok(PostgresStore {
            pool,
            max_retries: options.max_retries,
        })
    }

    /// The connection pool (for tests and tools).
    #[must_use]
    pub fn pool(&self) -> &PgPool {
        &self.pool
    }

    /// Closes the pool, waiting for connections to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }

    /// Runs a change set once, in one READ COMMITTED transaction.
    async fn apply_once(&self, changes: &ChangeSet) -> error::Result<()> {
        let mut tx = self.pool.begin().await?;
        for change in changes.changes() {
            // On error the transaction is dropped, which rolls it back.
            apply_one(&mut tx, change).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}

/// How many of the embedded migrations are not applied (with their checksum) yet.
async fn pending_migrations(pool: &PgPool) -> usize {
    let applied: Vec<(i64, Vec<u8>)> =
        sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await
            .unwrap_or_default();
    MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .filter(|m| {
            !applied
                .iter()
                .any(|(v, c)| *v == m.version && c.as_slice() == &*m.checksum)
        })
        .count()
}

/// How many migrations this program embeds (the schema version it expects).
#[must_use]
pub fn embedded_migrations() -> usize {
    MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .count()
}

/// Whether every embedded migration is applied, with the same checksum, and no other one:
/// then connecting writes nothing, so a role without the right to create tables, or a database
/// that is read-only for now, can still be used (and fails only where it must).
async fn schema_is_current(pool: &PgPool) -> bool {
    let applied: Vec<(i64, Vec<u8>)> =
        match sqlx::query_as("SELECT version, checksum FROM _sqlx_migrations WHERE success")
            .fetch_all(pool)
            .await
        {
            Ok(rows) => rows,
            // No table yet (a new database): the migrator makes it.
            Err(_) => return false,
        };
    let embedded: Vec<_> = MIGRATOR
        .iter()
        .filter(|m| m.migration_type.is_up_migration())
        .collect();
    applied.len() == embedded.len()
        && embedded.iter().all(|m| {
            applied
                .iter()
                .any(|(v, c)| *v == m.version && c.as_slice() == &*m.checksum)
        })
}

/// Applies one change inside the change set's transaction.
async fn apply_one(c: &mut PgConnection, change: &Change) -> error::Result<()> {
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
impl Store for PostgresStore {
    async fn apply(&self, changes: ChangeSet) -> Result<(), StoreError> {
        if changes.is_empty() {
            return Ok(());
        }
        let mut retries = 0;
        loop {
            match self.apply_once(&changes).await {
                Err(e) if e.is_retryable() && retries < self.max_retries => {
                    retries += 1;
                    tracing::debug!(retries, error = %e, "change set lost to a concurrent one; running it again");
                }
                result => return result.map_err(StoreError::from),
            }
        }
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
            let mut tx = self.pool.begin().await?;
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

    /// Writes the heartbeat row and commits it: an unreachable server, a read-only one (a
    /// standby, `default_transaction_read_only`) or one that cannot write (a full disk) fails
    /// here. The server's free space is not visible to a client: watch it on the server.
    async fn check_writable(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        let write = async {
            let mut tx = self.pool.begin().await?;
            sqlx::query(
                "INSERT INTO heartbeat (name, at) VALUES ('readiness', $1) \
                 ON CONFLICT (name) DO UPDATE SET at = excluded.at",
            )
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok::<(), error::Error>(())
        };
        Ok(write.await?)
    }
}

#[async_trait]
impl Registry for PostgresStore {
    async fn person_by_card(&self, card: &CardNumber) -> Result<Option<InsuredPerson>, StoreError> {
        Ok(persons::by_card(&self.pool, card).await?)
    }

    async fn person_by_id(&self, id: &IdNumber) -> Result<Option<InsuredPerson>, StoreError> {
        Ok(persons::by_id(&self.pool, id).await?)
    }
}

#[async_trait]
impl RegistryImport for PostgresStore {
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
impl OutboxStore for PostgresStore {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_urls_by_scheme() {
        assert!(is_postgres_url("postgres://u@h/db"));
        assert!(is_postgres_url("postgresql://u@h:5432/db?sslmode=require"));
        assert!(is_postgres_url("POSTGRES://h/db"));
        assert!(!is_postgres_url("sqlite://twnhi.db"));
        assert!(!is_postgres_url("postgres:db"));
        assert!(!is_postgres_url("/var/lib/twnhi/postgres.sqlite3"));
    }

    #[test]
    fn options_builders() {
        let o = PostgresOptions::default()
            .with_max_connections(0)
            .with_min_connections(2)
            .with_acquire_timeout(Duration::from_secs(1))
            .with_statement_timeout(None)
            .with_max_retries(0)
            .with_application_name("worker");
        assert_eq!(o.max_connections, 1);
        assert_eq!(o.min_connections, 2);
        assert_eq!(o.acquire_timeout, Duration::from_secs(1));
        assert_eq!(o.statement_timeout, None);
        assert_eq!(o.max_retries, 0);
        assert_eq!(o.application_name, "worker");
    }

    #[tokio::test]
    async fn a_malformed_url_is_an_open_error() {
        let err = PostgresStore::connect("postgres://h:notaport/db", PostgresOptions::default())
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
    }
}
