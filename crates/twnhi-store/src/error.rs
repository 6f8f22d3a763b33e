//! The store's error type, the same for every backend: a backend's own errors (a driver's,
//! a migration tool's) travel as boxed sources.
use twnhi_account::messages::{bilingual, bilingual_with};

/// A backend's underlying error.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// Why a store operation failed. `Display` is bilingual ("zh-TW / English"); none of these is
/// the user's fault except [`StoreError::Conflict`], which the use cases turn into their own
/// answers (already used, already registered, try again).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// A precondition of a change did not hold: a unique constraint (one registration per ID
    /// number, one secret per digest), a version that changed since it was read, a secret that
    /// was used meanwhile. Nothing of the change set was written.
    #[error("{}: {what}", bilingual("store-conflict"))]
    Conflict {
        /// What conflicted (no personal data).
        what: &'static str,
    },
    /// The database could not be opened or migrated.
    #[error("{}: {source}", bilingual("store-open"))]
    Open {
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// Applying the embedded migrations failed.
    #[error("{}: {source}", bilingual("store-migrate"))]
    Migrate {
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// The database's schema is older (or other) than this program's and the caller chose
    /// not to migrate it on connecting: an operator migrates it first (`twnhi admin db
    /// migrate`, or `twnhi serve --migrate`).
    #[error("{}", bilingual_with("store-schema-not-current", &[("pending", (*pending).into())]))]
    SchemaNotCurrent {
        /// How many of this program's migrations are not applied (0 when the database has
        /// one this program does not know: a newer program migrated it).
        pending: usize,
    },
    /// A query failed.
    #[error("{}: {source}", bilingual("store-database"))]
    Database {
        /// The underlying error.
        #[source]
        source: BoxError,
    },
    /// A stored value could not be read back (a corrupted or hand-edited row).
    #[error("{} {what}", bilingual("store-corrupt"))]
    Corrupt {
        /// Which table and column.
        what: &'static str,
    },
    /// The database's file system has less free space than the readiness check asks for.
    #[error(
        "{}: {available} bytes free, {wanted} wanted",
        bilingual("store-disk-full")
    )]
    DiskFull {
        /// Bytes available.
        available: u64,
        /// Bytes the check asks for.
        wanted: u64,
    },
    /// A registry import was refused (nothing was written).
    #[error("{}: {reason}", bilingual("store-import"))]
    Import {
        /// Why (no personal data beyond masked numbers).
        reason: String,
    },
}

impl StoreError {
    /// Whether this is a [`StoreError::Conflict`].
    #[must_use]
    pub fn is_conflict(&self) -> bool {
        matches!(self, StoreError::Conflict { .. })
    }
}
