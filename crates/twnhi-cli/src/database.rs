//! The database a command works on, chosen by its URL: `postgres://…` (or `postgresql://…`)
//! is PostgreSQL (`twnhi-store-postgres`), anything else — `sqlite://PATH` or a plain path —
//! is a SQLite file (`twnhi-store-sqlite`). The commands see only the storage ports.

use std::sync::Arc;

use twnhi_store::{OutboxStore, Registry, RegistryImport, Store, StoreError};
use twnhi_store_postgres::{PostgresOptions, PostgresStore, is_postgres_url};
use twnhi_store_sqlite::SqliteStore;
use twnhi_web::settings::Resolved;

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
    /// Opens the database `url` names: a SQLite file is created and migrated; a PostgreSQL
    /// database must have a current schema (`twnhi admin db migrate` makes it so), else
    /// [`StoreError::SchemaNotCurrent`].
    pub async fn open(url: &str) -> Result<Database, StoreError> {
        Database::open_with(url, PostgresOptions::default().with_migrate(false)).await
    }

    /// Opens the database `url` names and applies pending migrations (PostgreSQL too).
    pub async fn open_migrating(url: &str) -> Result<Database, StoreError> {
        Database::open_with(url, PostgresOptions::default().with_migrate(true)).await
    }

    /// The PostgreSQL options of `twnhi serve`'s settings (a SQLite file has none).
    pub fn options(s: &Resolved) -> PostgresOptions {
        PostgresOptions::default()
            .with_max_connections(s.database_max_connections)
            .with_statement_timeout(s.database_statement_timeout)
            .with_migrate(s.migrate)
    }

    /// Opens the database `url` names; `options` apply to PostgreSQL (a SQLite file is
    /// always migrated).
    pub async fn open_with(url: &str, options: PostgresOptions) -> Result<Database, StoreError> {
        if is_postgres_url(url) {
            let store = Arc::new(PostgresStore::connect(url, options).await?);
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

    /// The SQLite connection pool, when this is a SQLite file (for `admin db copy`).
    pub fn sqlite_pool(&self) -> Option<&sqlx::SqlitePool> {
        match &self.backend {
            Backend::Sqlite(s) => Some(s.pool()),
            Backend::Postgres(_) => None,
        }
    }

    /// The PostgreSQL connection pool, when this is PostgreSQL (for `admin db copy`).
    pub fn postgres_pool(&self) -> Option<&sqlx::PgPool> {
        match &self.backend {
            Backend::Sqlite(_) => None,
            Backend::Postgres(p) => Some(p.pool()),
        }
    }

    /// Whether `url` names a PostgreSQL database (else a SQLite file).
    pub fn is_postgres(url: &str) -> bool {
        is_postgres_url(url)
    }

    /// `url` as it may be shown in messages and logs: a password in it masked.
    pub fn shown_url(url: &str) -> String {
        twnhi_web::settings::mask_url_password(url)
    }

    /// Closes the connections (waits for the ones in use).
    pub async fn close(&self) {
        match &self.backend {
            Backend::Sqlite(s) => s.close().await,
            Backend::Postgres(p) => p.close().await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;
    use twnhi_web::settings::ServeSettings;

    #[test]
    fn serve_settings_reach_the_postgres_options() {
        let s = ServeSettings::from_toml(
            "public_url = \"https://a.example/\"\nmail_dir = \"m\"\ndatabase_max_connections = 3\ndatabase_statement_timeout_secs = 7\n",
            "f",
        )
        .unwrap()
        .resolve()
        .unwrap();
        let o = Database::options(&s);
        assert_eq!(o.max_connections, 3);
        assert_eq!(o.statement_timeout, Some(Duration::from_secs(7)));
    }

    #[test]
    fn passwords_are_not_shown() {
        assert_eq!(
            Database::shown_url("postgres://u:hunter2@db.example/twnhi"),
            "postgres://u:********@db.example/twnhi"
        );
        assert_eq!(
            Database::shown_url("/var/lib/twnhi.sqlite3"),
            "/var/lib/twnhi.sqlite3"
        );
    }
}
