//! The database a command works on, chosen by its URL: `postgres://…` (or `postgresql://…`)
//! is PostgreSQL (`twnhi-store-postgres`), anything else — `sqlite://PATH` or a plain path —
//! is a SQLite file (`twnhi-store-sqlite`). The commands see only the storage ports.

use std::sync::Arc;

use twnhi_store::{OutboxStore, Registry, RegistryImport, Store, StoreError};
use twnhi_store_postgres::{PostgresOptions, PostgresStore, is_postgres_url};
use twnhi_store_sqlite::SqliteStore;

/// An open database, as the ports the use cases and the admin commands need.
pub struct Database {
    /// The registrations, sessions, secrets, throttles and audit trail.
    pub store: Arc<dyn Store>,
    /// The registry of insured persons (read).
    pub registry: Arc<dyn Registry>,
    /// The registry of insured persons (import).
    pub import: Arc<dyn RegistryImport>,
    /// The mail outbox.
    pub outbox: Arc<dyn OutboxStore>,
    backend: Backend,
}

enum Backend {
    Sqlite(Arc<SqliteStore>),
    Postgres(Arc<PostgresStore>),
}

impl Database {
    /// Opens (and migrates) the database `url` names.
    pub async fn open(url: &str) -> Result<Database, StoreError> {
        if is_postgres_url(url) {
            let store = Arc::new(PostgresStore::connect(url, PostgresOptions::default()).await?);
            Ok(Database {
                store: store.clone(),
                registry: store.clone(),
                import: store.clone(),
                outbox: store.clone(),
                backend: Backend::Postgres(store),
            })
        } else {
            let store = Arc::new(SqliteStore::connect(url).await?);
            Ok(Database {
                store: store.clone(),
                registry: store.clone(),
                import: store.clone(),
                outbox: store.clone(),
                backend: Backend::Sqlite(store),
            })
        }
    }

    /// Whether `url` names a PostgreSQL database (else a SQLite file).
    pub fn is_postgres(url: &str) -> bool {
        is_postgres_url(url)
    }

    /// `url` as it may be shown in messages and logs: a password in it replaced by `***`.
    pub fn shown_url(url: &str) -> String {
        match url::Url::parse(url) {
            Ok(mut u) if u.password().is_some() => {
                if u.set_password(Some("***")).is_ok() {
                    u.to_string()
                } else {
                    "***".to_owned()
                }
            }
            _ => url.to_owned(),
        }
    }

    /// Closes the connections (waits for the ones in use).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(s) => s.close().await,
            Backend::Postgres(p) => p.close().await,
        }
    }
}
